/* Conversions: fcvt.{w,wu,l,lu}.{s,d} and back, fcvt.s.d and fcvt.d.s. To integers:
 * rounding per rm, NX for an inexact in-range result; out of range (after rounding) the
 * result saturates with NV only: NaN (either sign) and +inf/too large give the largest
 * value, -inf/too small the smallest (0 for unsigned, so -0.3 -> wu is 0 with NX in RTZ
 * but NV in RDN); 32-bit results, wu included, are sign-extended to 64 bits. From
 * integers: w/wu read only the low 32 bits of the register, 0 gives +0 in every mode, NX
 * when rounding. fcvt.s.d rounds (overflow per mode, tininess after rounding) and
 * canonicalizes NaNs (NV for sNaN); fcvt.d.s is exact, subnormals become normal.
 * Rows that use a rounding mode run static and dynamic.
 */
#include "fp.h"

/* clang-format off: one row per line */
static const fp_vec vectors[] = {
    /* S to integers */
    /* fcvt.w.s */
    /* 1.0 */
    {FCVT_W_S, RNE, 0, 0x3f800000, 0, 0, 0x0000000000000001},
    /* -1.0 */
    {FCVT_W_S, RNE, 0, 0xbf800000, 0, 0, 0xffffffffffffffff},
    /* +0 */
    {FCVT_W_S, RNE, 0, 0x00000000, 0, 0, 0x0000000000000000},
    /* -0: 0 without flags, unsigned too */
    {FCVT_W_S, RNE, 0, 0x80000000, 0, 0, 0x0000000000000000},
    /* 1.5: a tie */
    {FCVT_W_S, RNE, NX, 0x3fc00000, 0, 0, 0x0000000000000002},
    /* 2.5: a tie */
    {FCVT_W_S, RNE, NX, 0x40200000, 0, 0, 0x0000000000000002},
    /* -1.5 */
    {FCVT_W_S, RNE, NX, 0xbfc00000, 0, 0, 0xfffffffffffffffe},
    /* -0.3 RTZ: 0 with NX only, unsigned too */
    {FCVT_W_S, RTZ, NX, 0xbe99999a, 0, 0, 0x0000000000000000},
    /* -0.3 RNE: rounds to -0, in range */
    {FCVT_W_S, RNE, NX, 0xbe99999a, 0, 0, 0x0000000000000000},
    /* -0.3 RDN: -1 */
    {FCVT_W_S, RDN, NX, 0xbe99999a, 0, 0, 0xffffffffffffffff},
    /* -0.5 RNE: -0 */
    {FCVT_W_S, RNE, NX, 0xbf000000, 0, 0, 0x0000000000000000},
    /* -0.5 RMM: -1 */
    {FCVT_W_S, RMM, NX, 0xbf000000, 0, 0, 0xffffffffffffffff},
    /* smallest subnormal RUP: 1 */
    {FCVT_W_S, RUP, NX, 0x00000001, 0, 0, 0x0000000000000001},
    /* -smallest subnormal RDN: -1 */
    {FCVT_W_S, RDN, NX, 0x80000001, 0, 0, 0xffffffffffffffff},
    /* qNaN: the largest value */
    {FCVT_W_S, RNE, NV, 0x7fc00000, 0, 0, 0x000000007fffffff},
    /* -qNaN: the largest value too */
    {FCVT_W_S, RNE, NV, 0xffc00000, 0, 0, 0x000000007fffffff},
    /* sNaN: the largest value */
    {FCVT_W_S, RTZ, NV, 0x7f800001, 0, 0, 0x000000007fffffff},
    /* +inf: the largest value */
    {FCVT_W_S, RNE, NV, 0x7f800000, 0, 0, 0x000000007fffffff},
    /* -inf: the smallest value */
    {FCVT_W_S, RNE, NV, 0xff800000, 0, 0, 0xffffffff80000000},
    /* max */
    {FCVT_W_S, RNE, NV, 0x7f7fffff, 0, 0, 0x000000007fffffff},
    /* -max */
    {FCVT_W_S, RNE, NV, 0xff7fffff, 0, 0, 0xffffffff80000000},
    /* 2^31 */
    {FCVT_W_S, RNE, NV, 0x4f000000, 0, 0, 0x000000007fffffff},
    /* -2^31 */
    {FCVT_W_S, RNE, 0, 0xcf000000, 0, 0, 0xffffffff80000000},
    /* 2^32 */
    {FCVT_W_S, RNE, NV, 0x4f800000, 0, 0, 0x000000007fffffff},
    /* 2^63 */
    {FCVT_W_S, RNE, NV, 0x5f000000, 0, 0, 0x000000007fffffff},
    /* -2^63 */
    {FCVT_W_S, RNE, NV, 0xdf000000, 0, 0, 0xffffffff80000000},
    /* 2^64 */
    {FCVT_W_S, RNE, NV, 0x5f800000, 0, 0, 0x000000007fffffff},
    /* 1e10 */
    {FCVT_W_S, RNE, NV, 0x501502f9, 0, 0, 0x000000007fffffff},
    /* -1e10 */
    {FCVT_W_S, RNE, NV, 0xd01502f9, 0, 0, 0xffffffff80000000},
    /* largest single below 2^31 */
    {FCVT_W_S, RNE, 0, 0x4effffff, 0, 0, 0x000000007fffff80},
    /* largest single below 2^32 (a wu result is sign-extended) */
    {FCVT_W_S, RNE, NV, 0x4f7fffff, 0, 0, 0x000000007fffffff},
    /* largest single below 2^63 */
    {FCVT_W_S, RNE, NV, 0x5effffff, 0, 0, 0x000000007fffffff},
    /* largest single below 2^64 */
    {FCVT_W_S, RNE, NV, 0x5f7fffff, 0, 0, 0x000000007fffffff},
    /* next single below -2^31 */
    {FCVT_W_S, RNE, NV, 0xcf000001, 0, 0, 0xffffffff80000000},
    /* next single below -2^63 */
    {FCVT_W_S, RNE, NV, 0xdf000001, 0, 0, 0xffffffff80000000},
    /* fcvt.wu.s */
    /* 1.0 */
    {FCVT_WU_S, RNE, 0, 0x3f800000, 0, 0, 0x0000000000000001},
    /* -1.0 */
    {FCVT_WU_S, RNE, NV, 0xbf800000, 0, 0, 0x0000000000000000},
    /* +0 */
    {FCVT_WU_S, RNE, 0, 0x00000000, 0, 0, 0x0000000000000000},
    /* -0: 0 without flags, unsigned too */
    {FCVT_WU_S, RNE, 0, 0x80000000, 0, 0, 0x0000000000000000},
    /* 1.5: a tie */
    {FCVT_WU_S, RNE, NX, 0x3fc00000, 0, 0, 0x0000000000000002},
    /* 2.5: a tie */
    {FCVT_WU_S, RNE, NX, 0x40200000, 0, 0, 0x0000000000000002},
    /* -1.5 */
    {FCVT_WU_S, RNE, NV, 0xbfc00000, 0, 0, 0x0000000000000000},
    /* -0.3 RTZ: 0 with NX only, unsigned too */
    {FCVT_WU_S, RTZ, NX, 0xbe99999a, 0, 0, 0x0000000000000000},
    /* -0.3 RNE: rounds to -0, in range */
    {FCVT_WU_S, RNE, NX, 0xbe99999a, 0, 0, 0x0000000000000000},
    /* -0.3 RDN: -1 */
    {FCVT_WU_S, RDN, NV, 0xbe99999a, 0, 0, 0x0000000000000000},
    /* -0.5 RNE: -0 */
    {FCVT_WU_S, RNE, NX, 0xbf000000, 0, 0, 0x0000000000000000},
    /* -0.5 RMM: -1 */
    {FCVT_WU_S, RMM, NV, 0xbf000000, 0, 0, 0x0000000000000000},
    /* smallest subnormal RUP: 1 */
    {FCVT_WU_S, RUP, NX, 0x00000001, 0, 0, 0x0000000000000001},
    /* -smallest subnormal RDN: -1 */
    {FCVT_WU_S, RDN, NV, 0x80000001, 0, 0, 0x0000000000000000},
    /* qNaN: the largest value */
    {FCVT_WU_S, RNE, NV, 0x7fc00000, 0, 0, 0xffffffffffffffff},
    /* -qNaN: the largest value too */
    {FCVT_WU_S, RNE, NV, 0xffc00000, 0, 0, 0xffffffffffffffff},
    /* sNaN: the largest value */
    {FCVT_WU_S, RTZ, NV, 0x7f800001, 0, 0, 0xffffffffffffffff},
    /* +inf: the largest value */
    {FCVT_WU_S, RNE, NV, 0x7f800000, 0, 0, 0xffffffffffffffff},
    /* -inf: the smallest value */
    {FCVT_WU_S, RNE, NV, 0xff800000, 0, 0, 0x0000000000000000},
    /* max */
    {FCVT_WU_S, RNE, NV, 0x7f7fffff, 0, 0, 0xffffffffffffffff},
    /* -max */
    {FCVT_WU_S, RNE, NV, 0xff7fffff, 0, 0, 0x0000000000000000},
    /* 2^31 */
    {FCVT_WU_S, RNE, 0, 0x4f000000, 0, 0, 0xffffffff80000000},
    /* -2^31 */
    {FCVT_WU_S, RNE, NV, 0xcf000000, 0, 0, 0x0000000000000000},
    /* 2^32 */
    {FCVT_WU_S, RNE, NV, 0x4f800000, 0, 0, 0xffffffffffffffff},
    /* 2^63 */
    {FCVT_WU_S, RNE, NV, 0x5f000000, 0, 0, 0xffffffffffffffff},
    /* -2^63 */
    {FCVT_WU_S, RNE, NV, 0xdf000000, 0, 0, 0x0000000000000000},
    /* 2^64 */
    {FCVT_WU_S, RNE, NV, 0x5f800000, 0, 0, 0xffffffffffffffff},
    /* 1e10 */
    {FCVT_WU_S, RNE, NV, 0x501502f9, 0, 0, 0xffffffffffffffff},
    /* -1e10 */
    {FCVT_WU_S, RNE, NV, 0xd01502f9, 0, 0, 0x0000000000000000},
    /* largest single below 2^31 */
    {FCVT_WU_S, RNE, 0, 0x4effffff, 0, 0, 0x000000007fffff80},
    /* largest single below 2^32 (a wu result is sign-extended) */
    {FCVT_WU_S, RNE, 0, 0x4f7fffff, 0, 0, 0xffffffffffffff00},
    /* largest single below 2^63 */
    {FCVT_WU_S, RNE, NV, 0x5effffff, 0, 0, 0xffffffffffffffff},
    /* largest single below 2^64 */
    {FCVT_WU_S, RNE, NV, 0x5f7fffff, 0, 0, 0xffffffffffffffff},
    /* next single below -2^31 */
    {FCVT_WU_S, RNE, NV, 0xcf000001, 0, 0, 0x0000000000000000},
    /* next single below -2^63 */
    {FCVT_WU_S, RNE, NV, 0xdf000001, 0, 0, 0x0000000000000000},
    /* fcvt.l.s */
    /* 1.0 */
    {FCVT_L_S, RNE, 0, 0x3f800000, 0, 0, 0x0000000000000001},
    /* -1.0 */
    {FCVT_L_S, RNE, 0, 0xbf800000, 0, 0, 0xffffffffffffffff},
    /* +0 */
    {FCVT_L_S, RNE, 0, 0x00000000, 0, 0, 0x0000000000000000},
    /* -0: 0 without flags, unsigned too */
    {FCVT_L_S, RNE, 0, 0x80000000, 0, 0, 0x0000000000000000},
    /* 1.5: a tie */
    {FCVT_L_S, RNE, NX, 0x3fc00000, 0, 0, 0x0000000000000002},
    /* 2.5: a tie */
    {FCVT_L_S, RNE, NX, 0x40200000, 0, 0, 0x0000000000000002},
    /* -1.5 */
    {FCVT_L_S, RNE, NX, 0xbfc00000, 0, 0, 0xfffffffffffffffe},
    /* -0.3 RTZ: 0 with NX only, unsigned too */
    {FCVT_L_S, RTZ, NX, 0xbe99999a, 0, 0, 0x0000000000000000},
    /* -0.3 RNE: rounds to -0, in range */
    {FCVT_L_S, RNE, NX, 0xbe99999a, 0, 0, 0x0000000000000000},
    /* -0.3 RDN: -1 */
    {FCVT_L_S, RDN, NX, 0xbe99999a, 0, 0, 0xffffffffffffffff},
    /* -0.5 RNE: -0 */
    {FCVT_L_S, RNE, NX, 0xbf000000, 0, 0, 0x0000000000000000},
    /* -0.5 RMM: -1 */
    {FCVT_L_S, RMM, NX, 0xbf000000, 0, 0, 0xffffffffffffffff},
    /* smallest subnormal RUP: 1 */
    {FCVT_L_S, RUP, NX, 0x00000001, 0, 0, 0x0000000000000001},
    /* -smallest subnormal RDN: -1 */
    {FCVT_L_S, RDN, NX, 0x80000001, 0, 0, 0xffffffffffffffff},
    /* qNaN: the largest value */
    {FCVT_L_S, RNE, NV, 0x7fc00000, 0, 0, 0x7fffffffffffffff},
    /* -qNaN: the largest value too */
    {FCVT_L_S, RNE, NV, 0xffc00000, 0, 0, 0x7fffffffffffffff},
    /* sNaN: the largest value */
    {FCVT_L_S, RTZ, NV, 0x7f800001, 0, 0, 0x7fffffffffffffff},
    /* +inf: the largest value */
    {FCVT_L_S, RNE, NV, 0x7f800000, 0, 0, 0x7fffffffffffffff},
    /* -inf: the smallest value */
    {FCVT_L_S, RNE, NV, 0xff800000, 0, 0, 0x8000000000000000},
    /* max */
    {FCVT_L_S, RNE, NV, 0x7f7fffff, 0, 0, 0x7fffffffffffffff},
    /* -max */
    {FCVT_L_S, RNE, NV, 0xff7fffff, 0, 0, 0x8000000000000000},
    /* 2^31 */
    {FCVT_L_S, RNE, 0, 0x4f000000, 0, 0, 0x0000000080000000},
    /* -2^31 */
    {FCVT_L_S, RNE, 0, 0xcf000000, 0, 0, 0xffffffff80000000},
    /* 2^32 */
    {FCVT_L_S, RNE, 0, 0x4f800000, 0, 0, 0x0000000100000000},
    /* 2^63 */
    {FCVT_L_S, RNE, NV, 0x5f000000, 0, 0, 0x7fffffffffffffff},
    /* -2^63 */
    {FCVT_L_S, RNE, 0, 0xdf000000, 0, 0, 0x8000000000000000},
    /* 2^64 */
    {FCVT_L_S, RNE, NV, 0x5f800000, 0, 0, 0x7fffffffffffffff},
    /* 1e10 */
    {FCVT_L_S, RNE, 0, 0x501502f9, 0, 0, 0x00000002540be400},
    /* -1e10 */
    {FCVT_L_S, RNE, 0, 0xd01502f9, 0, 0, 0xfffffffdabf41c00},
    /* largest single below 2^31 */
    {FCVT_L_S, RNE, 0, 0x4effffff, 0, 0, 0x000000007fffff80},
    /* largest single below 2^32 (a wu result is sign-extended) */
    {FCVT_L_S, RNE, 0, 0x4f7fffff, 0, 0, 0x00000000ffffff00},
    /* largest single below 2^63 */
    {FCVT_L_S, RNE, 0, 0x5effffff, 0, 0, 0x7fffff8000000000},
    /* largest single below 2^64 */
    {FCVT_L_S, RNE, NV, 0x5f7fffff, 0, 0, 0x7fffffffffffffff},
    /* next single below -2^31 */
    {FCVT_L_S, RNE, 0, 0xcf000001, 0, 0, 0xffffffff7fffff00},
    /* next single below -2^63 */
    {FCVT_L_S, RNE, NV, 0xdf000001, 0, 0, 0x8000000000000000},
    /* fcvt.lu.s */
    /* 1.0 */
    {FCVT_LU_S, RNE, 0, 0x3f800000, 0, 0, 0x0000000000000001},
    /* -1.0 */
    {FCVT_LU_S, RNE, NV, 0xbf800000, 0, 0, 0x0000000000000000},
    /* +0 */
    {FCVT_LU_S, RNE, 0, 0x00000000, 0, 0, 0x0000000000000000},
    /* -0: 0 without flags, unsigned too */
    {FCVT_LU_S, RNE, 0, 0x80000000, 0, 0, 0x0000000000000000},
    /* 1.5: a tie */
    {FCVT_LU_S, RNE, NX, 0x3fc00000, 0, 0, 0x0000000000000002},
    /* 2.5: a tie */
    {FCVT_LU_S, RNE, NX, 0x40200000, 0, 0, 0x0000000000000002},
    /* -1.5 */
    {FCVT_LU_S, RNE, NV, 0xbfc00000, 0, 0, 0x0000000000000000},
    /* -0.3 RTZ: 0 with NX only, unsigned too */
    {FCVT_LU_S, RTZ, NX, 0xbe99999a, 0, 0, 0x0000000000000000},
    /* -0.3 RNE: rounds to -0, in range */
    {FCVT_LU_S, RNE, NX, 0xbe99999a, 0, 0, 0x0000000000000000},
    /* -0.3 RDN: -1 */
    {FCVT_LU_S, RDN, NV, 0xbe99999a, 0, 0, 0x0000000000000000},
    /* -0.5 RNE: -0 */
    {FCVT_LU_S, RNE, NX, 0xbf000000, 0, 0, 0x0000000000000000},
    /* -0.5 RMM: -1 */
    {FCVT_LU_S, RMM, NV, 0xbf000000, 0, 0, 0x0000000000000000},
    /* smallest subnormal RUP: 1 */
    {FCVT_LU_S, RUP, NX, 0x00000001, 0, 0, 0x0000000000000001},
    /* -smallest subnormal RDN: -1 */
    {FCVT_LU_S, RDN, NV, 0x80000001, 0, 0, 0x0000000000000000},
    /* qNaN: the largest value */
    {FCVT_LU_S, RNE, NV, 0x7fc00000, 0, 0, 0xffffffffffffffff},
    /* -qNaN: the largest value too */
    {FCVT_LU_S, RNE, NV, 0xffc00000, 0, 0, 0xffffffffffffffff},
    /* sNaN: the largest value */
    {FCVT_LU_S, RTZ, NV, 0x7f800001, 0, 0, 0xffffffffffffffff},
    /* +inf: the largest value */
    {FCVT_LU_S, RNE, NV, 0x7f800000, 0, 0, 0xffffffffffffffff},
    /* -inf: the smallest value */
    {FCVT_LU_S, RNE, NV, 0xff800000, 0, 0, 0x0000000000000000},
    /* max */
    {FCVT_LU_S, RNE, NV, 0x7f7fffff, 0, 0, 0xffffffffffffffff},
    /* -max */
    {FCVT_LU_S, RNE, NV, 0xff7fffff, 0, 0, 0x0000000000000000},
    /* 2^31 */
    {FCVT_LU_S, RNE, 0, 0x4f000000, 0, 0, 0x0000000080000000},
    /* -2^31 */
    {FCVT_LU_S, RNE, NV, 0xcf000000, 0, 0, 0x0000000000000000},
    /* 2^32 */
    {FCVT_LU_S, RNE, 0, 0x4f800000, 0, 0, 0x0000000100000000},
    /* 2^63 */
    {FCVT_LU_S, RNE, 0, 0x5f000000, 0, 0, 0x8000000000000000},
    /* -2^63 */
    {FCVT_LU_S, RNE, NV, 0xdf000000, 0, 0, 0x0000000000000000},
    /* 2^64 */
    {FCVT_LU_S, RNE, NV, 0x5f800000, 0, 0, 0xffffffffffffffff},
    /* 1e10 */
    {FCVT_LU_S, RNE, 0, 0x501502f9, 0, 0, 0x00000002540be400},
    /* -1e10 */
    {FCVT_LU_S, RNE, NV, 0xd01502f9, 0, 0, 0x0000000000000000},
    /* largest single below 2^31 */
    {FCVT_LU_S, RNE, 0, 0x4effffff, 0, 0, 0x000000007fffff80},
    /* largest single below 2^32 (a wu result is sign-extended) */
    {FCVT_LU_S, RNE, 0, 0x4f7fffff, 0, 0, 0x00000000ffffff00},
    /* largest single below 2^63 */
    {FCVT_LU_S, RNE, 0, 0x5effffff, 0, 0, 0x7fffff8000000000},
    /* largest single below 2^64 */
    {FCVT_LU_S, RNE, 0, 0x5f7fffff, 0, 0, 0xffffff0000000000},
    /* next single below -2^31 */
    {FCVT_LU_S, RNE, NV, 0xcf000001, 0, 0, 0x0000000000000000},
    /* next single below -2^63 */
    {FCVT_LU_S, RNE, NV, 0xdf000001, 0, 0, 0x0000000000000000},
    /* integers to S */
    /* 0: +0 */
    {FCVT_S_W, RNE, 0, 0x0000000000000000, 0, 0, 0x00000000},
    /* 0: +0 in RDN too */
    {FCVT_S_W, RDN, 0, 0x0000000000000000, 0, 0, 0x00000000},
    /* -1 */
    {FCVT_S_W, RNE, 0, 0xffffffffffffffff, 0, 0, 0xbf800000},
    /* INT32_MIN, upper bits 0: the low 32 bits count */
    {FCVT_S_W, RNE, 0, 0x0000000080000000, 0, 0, 0xcf000000},
    /* INT32_MAX */
    {FCVT_S_W, RNE, NX, 0x000000007fffffff, 0, 0, 0x4f000000},
    /* upper 32 bits ignored */
    {FCVT_S_W, RNE, 0, 0xdeadbeef00000001, 0, 0, 0x3f800000},
    /* -1 in the low 32 bits */
    {FCVT_S_W, RNE, 0, 0x00000000ffffffff, 0, 0, 0xbf800000},
    /* INT32_MAX RTZ */
    {FCVT_S_W, RTZ, NX, 0x000000007fffffff, 0, 0, 0x4effffff},
    /* 2^24 + 1 */
    {FCVT_S_W, RNE, NX, 0x0000000001000001, 0, 0, 0x4b800000},
    /* 0: +0 */
    {FCVT_S_WU, RDN, 0, 0x0000000000000000, 0, 0, 0x00000000},
    /* UINT32_MAX */
    {FCVT_S_WU, RNE, NX, 0x00000000ffffffff, 0, 0, 0x4f800000},
    /* UINT32_MAX RTZ */
    {FCVT_S_WU, RTZ, NX, 0x00000000ffffffff, 0, 0, 0x4f7fffff},
    /* upper bits ignored */
    {FCVT_S_WU, RNE, 0, 0xffffffff00000002, 0, 0, 0x40000000},
    /* 2^31 */
    {FCVT_S_WU, RNE, 0, 0x0000000080000000, 0, 0, 0x4f000000},
    /* upper bits ignored */
    {FCVT_S_WU, RNE, NX, 0x12345678ffffffff, 0, 0, 0x4f800000},
    /* 0: +0 */
    {FCVT_S_L, RDN, 0, 0x0000000000000000, 0, 0, 0x00000000},
    /* -1 */
    {FCVT_S_L, RNE, 0, 0xffffffffffffffff, 0, 0, 0xbf800000},
    /* INT64_MIN */
    {FCVT_S_L, RNE, 0, 0x8000000000000000, 0, 0, 0xdf000000},
    /* INT64_MAX */
    {FCVT_S_L, RNE, NX, 0x7fffffffffffffff, 0, 0, 0x5f000000},
    /* INT64_MAX RTZ */
    {FCVT_S_L, RTZ, NX, 0x7fffffffffffffff, 0, 0, 0x5effffff},
    /* 2^53 + 1 */
    {FCVT_S_L, RNE, NX, 0x0020000000000001, 0, 0, 0x5a000000},
    /* -2^53 */
    {FCVT_S_L, RNE, 0, 0xffe0000000000000, 0, 0, 0xda000000},
    /* 2^32 - 1 */
    {FCVT_S_L, RNE, NX, 0x00000000ffffffff, 0, 0, 0x4f800000},
    /* 0: +0 */
    {FCVT_S_LU, RDN, 0, 0x0000000000000000, 0, 0, 0x00000000},
    /* UINT64_MAX */
    {FCVT_S_LU, RNE, NX, 0xffffffffffffffff, 0, 0, 0x5f800000},
    /* UINT64_MAX RTZ */
    {FCVT_S_LU, RTZ, NX, 0xffffffffffffffff, 0, 0, 0x5f7fffff},
    /* 2^63 */
    {FCVT_S_LU, RNE, 0, 0x8000000000000000, 0, 0, 0x5f000000},
    /* 2^53 + 1 RUP */
    {FCVT_S_LU, RUP, NX, 0x0020000000000001, 0, 0, 0x5a000001},
    /* D to integers */
    /* fcvt.w.d */
    /* 1.0 */
    {FCVT_W_D, RNE, 0, 0x3ff0000000000000, 0, 0, 0x0000000000000001},
    /* -1.0 */
    {FCVT_W_D, RNE, 0, 0xbff0000000000000, 0, 0, 0xffffffffffffffff},
    /* +0 */
    {FCVT_W_D, RNE, 0, 0x0000000000000000, 0, 0, 0x0000000000000000},
    /* -0: 0 without flags, unsigned too */
    {FCVT_W_D, RNE, 0, 0x8000000000000000, 0, 0, 0x0000000000000000},
    /* 1.5: a tie */
    {FCVT_W_D, RNE, NX, 0x3ff8000000000000, 0, 0, 0x0000000000000002},
    /* 2.5: a tie */
    {FCVT_W_D, RNE, NX, 0x4004000000000000, 0, 0, 0x0000000000000002},
    /* -1.5 */
    {FCVT_W_D, RNE, NX, 0xbff8000000000000, 0, 0, 0xfffffffffffffffe},
    /* -0.3 RTZ: 0 with NX only, unsigned too */
    {FCVT_W_D, RTZ, NX, 0xbfd3333333333333, 0, 0, 0x0000000000000000},
    /* -0.3 RNE: rounds to -0, in range */
    {FCVT_W_D, RNE, NX, 0xbfd3333333333333, 0, 0, 0x0000000000000000},
    /* -0.3 RDN: -1 */
    {FCVT_W_D, RDN, NX, 0xbfd3333333333333, 0, 0, 0xffffffffffffffff},
    /* -0.5 RNE: -0 */
    {FCVT_W_D, RNE, NX, 0xbfe0000000000000, 0, 0, 0x0000000000000000},
    /* -0.5 RMM: -1 */
    {FCVT_W_D, RMM, NX, 0xbfe0000000000000, 0, 0, 0xffffffffffffffff},
    /* smallest subnormal RUP: 1 */
    {FCVT_W_D, RUP, NX, 0x0000000000000001, 0, 0, 0x0000000000000001},
    /* -smallest subnormal RDN: -1 */
    {FCVT_W_D, RDN, NX, 0x8000000000000001, 0, 0, 0xffffffffffffffff},
    /* qNaN: the largest value */
    {FCVT_W_D, RNE, NV, 0x7ff8000000000000, 0, 0, 0x000000007fffffff},
    /* -qNaN: the largest value too */
    {FCVT_W_D, RNE, NV, 0xfff8000000000000, 0, 0, 0x000000007fffffff},
    /* sNaN: the largest value */
    {FCVT_W_D, RTZ, NV, 0x7ff0000000000001, 0, 0, 0x000000007fffffff},
    /* +inf: the largest value */
    {FCVT_W_D, RNE, NV, 0x7ff0000000000000, 0, 0, 0x000000007fffffff},
    /* -inf: the smallest value */
    {FCVT_W_D, RNE, NV, 0xfff0000000000000, 0, 0, 0xffffffff80000000},
    /* max */
    {FCVT_W_D, RNE, NV, 0x7fefffffffffffff, 0, 0, 0x000000007fffffff},
    /* -max */
    {FCVT_W_D, RNE, NV, 0xffefffffffffffff, 0, 0, 0xffffffff80000000},
    /* 2^31 */
    {FCVT_W_D, RNE, NV, 0x41e0000000000000, 0, 0, 0x000000007fffffff},
    /* -2^31 */
    {FCVT_W_D, RNE, 0, 0xc1e0000000000000, 0, 0, 0xffffffff80000000},
    /* 2^32 */
    {FCVT_W_D, RNE, NV, 0x41f0000000000000, 0, 0, 0x000000007fffffff},
    /* 2^63 */
    {FCVT_W_D, RNE, NV, 0x43e0000000000000, 0, 0, 0x000000007fffffff},
    /* -2^63 */
    {FCVT_W_D, RNE, NV, 0xc3e0000000000000, 0, 0, 0xffffffff80000000},
    /* 2^64 */
    {FCVT_W_D, RNE, NV, 0x43f0000000000000, 0, 0, 0x000000007fffffff},
    /* 1e10 */
    {FCVT_W_D, RNE, NV, 0x4202a05f20000000, 0, 0, 0x000000007fffffff},
    /* -1e10 */
    {FCVT_W_D, RNE, NV, 0xc202a05f20000000, 0, 0, 0xffffffff80000000},
    /* INT32_MAX */
    {FCVT_W_D, RNE, 0, 0x41dfffffffc00000, 0, 0, 0x000000007fffffff},
    /* 2^31 - 0.5: a tie, RNE goes to 2^31 */
    {FCVT_W_D, RNE, NV, 0x41dfffffffe00000, 0, 0, 0x000000007fffffff},
    /* 2^31 - 0.5 RDN */
    {FCVT_W_D, RDN, NX, 0x41dfffffffe00000, 0, 0, 0x000000007fffffff},
    /* -2^31 - 0.5: a tie, RNE goes to -2^31 */
    {FCVT_W_D, RNE, NX, 0xc1e0000000100000, 0, 0, 0xffffffff80000000},
    /* -2^31 - 0.5 RDN: -2^31 - 1 */
    {FCVT_W_D, RDN, NV, 0xc1e0000000100000, 0, 0, 0xffffffff80000000},
    /* UINT32_MAX */
    {FCVT_W_D, RNE, NV, 0x41efffffffe00000, 0, 0, 0x000000007fffffff},
    /* 2^32 - 0.5 RTZ */
    {FCVT_W_D, RTZ, NV, 0x41effffffff00000, 0, 0, 0x000000007fffffff},
    /* 2^32 - 0.5 RNE: 2^32 */
    {FCVT_W_D, RNE, NV, 0x41effffffff00000, 0, 0, 0x000000007fffffff},
    /* 2^31 (as a wu result: 0xffffffff80000000) */
    {FCVT_W_D, RNE, NV, 0x41e0000000000000, 0, 0, 0x000000007fffffff},
    /* largest double below 2^63 */
    {FCVT_W_D, RNE, NV, 0x43dfffffffffffff, 0, 0, 0x000000007fffffff},
    /* largest double below 2^64 */
    {FCVT_W_D, RNE, NV, 0x43efffffffffffff, 0, 0, 0x000000007fffffff},
    /* next double below -2^63 */
    {FCVT_W_D, RNE, NV, 0xc3e0000000000001, 0, 0, 0xffffffff80000000},
    /* fcvt.wu.d */
    /* 1.0 */
    {FCVT_WU_D, RNE, 0, 0x3ff0000000000000, 0, 0, 0x0000000000000001},
    /* -1.0 */
    {FCVT_WU_D, RNE, NV, 0xbff0000000000000, 0, 0, 0x0000000000000000},
    /* +0 */
    {FCVT_WU_D, RNE, 0, 0x0000000000000000, 0, 0, 0x0000000000000000},
    /* -0: 0 without flags, unsigned too */
    {FCVT_WU_D, RNE, 0, 0x8000000000000000, 0, 0, 0x0000000000000000},
    /* 1.5: a tie */
    {FCVT_WU_D, RNE, NX, 0x3ff8000000000000, 0, 0, 0x0000000000000002},
    /* 2.5: a tie */
    {FCVT_WU_D, RNE, NX, 0x4004000000000000, 0, 0, 0x0000000000000002},
    /* -1.5 */
    {FCVT_WU_D, RNE, NV, 0xbff8000000000000, 0, 0, 0x0000000000000000},
    /* -0.3 RTZ: 0 with NX only, unsigned too */
    {FCVT_WU_D, RTZ, NX, 0xbfd3333333333333, 0, 0, 0x0000000000000000},
    /* -0.3 RNE: rounds to -0, in range */
    {FCVT_WU_D, RNE, NX, 0xbfd3333333333333, 0, 0, 0x0000000000000000},
    /* -0.3 RDN: -1 */
    {FCVT_WU_D, RDN, NV, 0xbfd3333333333333, 0, 0, 0x0000000000000000},
    /* -0.5 RNE: -0 */
    {FCVT_WU_D, RNE, NX, 0xbfe0000000000000, 0, 0, 0x0000000000000000},
    /* -0.5 RMM: -1 */
    {FCVT_WU_D, RMM, NV, 0xbfe0000000000000, 0, 0, 0x0000000000000000},
    /* smallest subnormal RUP: 1 */
    {FCVT_WU_D, RUP, NX, 0x0000000000000001, 0, 0, 0x0000000000000001},
    /* -smallest subnormal RDN: -1 */
    {FCVT_WU_D, RDN, NV, 0x8000000000000001, 0, 0, 0x0000000000000000},
    /* qNaN: the largest value */
    {FCVT_WU_D, RNE, NV, 0x7ff8000000000000, 0, 0, 0xffffffffffffffff},
    /* -qNaN: the largest value too */
    {FCVT_WU_D, RNE, NV, 0xfff8000000000000, 0, 0, 0xffffffffffffffff},
    /* sNaN: the largest value */
    {FCVT_WU_D, RTZ, NV, 0x7ff0000000000001, 0, 0, 0xffffffffffffffff},
    /* +inf: the largest value */
    {FCVT_WU_D, RNE, NV, 0x7ff0000000000000, 0, 0, 0xffffffffffffffff},
    /* -inf: the smallest value */
    {FCVT_WU_D, RNE, NV, 0xfff0000000000000, 0, 0, 0x0000000000000000},
    /* max */
    {FCVT_WU_D, RNE, NV, 0x7fefffffffffffff, 0, 0, 0xffffffffffffffff},
    /* -max */
    {FCVT_WU_D, RNE, NV, 0xffefffffffffffff, 0, 0, 0x0000000000000000},
    /* 2^31 */
    {FCVT_WU_D, RNE, 0, 0x41e0000000000000, 0, 0, 0xffffffff80000000},
    /* -2^31 */
    {FCVT_WU_D, RNE, NV, 0xc1e0000000000000, 0, 0, 0x0000000000000000},
    /* 2^32 */
    {FCVT_WU_D, RNE, NV, 0x41f0000000000000, 0, 0, 0xffffffffffffffff},
    /* 2^63 */
    {FCVT_WU_D, RNE, NV, 0x43e0000000000000, 0, 0, 0xffffffffffffffff},
    /* -2^63 */
    {FCVT_WU_D, RNE, NV, 0xc3e0000000000000, 0, 0, 0x0000000000000000},
    /* 2^64 */
    {FCVT_WU_D, RNE, NV, 0x43f0000000000000, 0, 0, 0xffffffffffffffff},
    /* 1e10 */
    {FCVT_WU_D, RNE, NV, 0x4202a05f20000000, 0, 0, 0xffffffffffffffff},
    /* -1e10 */
    {FCVT_WU_D, RNE, NV, 0xc202a05f20000000, 0, 0, 0x0000000000000000},
    /* INT32_MAX */
    {FCVT_WU_D, RNE, 0, 0x41dfffffffc00000, 0, 0, 0x000000007fffffff},
    /* 2^31 - 0.5: a tie, RNE goes to 2^31 */
    {FCVT_WU_D, RNE, NX, 0x41dfffffffe00000, 0, 0, 0xffffffff80000000},
    /* 2^31 - 0.5 RDN */
    {FCVT_WU_D, RDN, NX, 0x41dfffffffe00000, 0, 0, 0x000000007fffffff},
    /* -2^31 - 0.5: a tie, RNE goes to -2^31 */
    {FCVT_WU_D, RNE, NV, 0xc1e0000000100000, 0, 0, 0x0000000000000000},
    /* -2^31 - 0.5 RDN: -2^31 - 1 */
    {FCVT_WU_D, RDN, NV, 0xc1e0000000100000, 0, 0, 0x0000000000000000},
    /* UINT32_MAX */
    {FCVT_WU_D, RNE, 0, 0x41efffffffe00000, 0, 0, 0xffffffffffffffff},
    /* 2^32 - 0.5 RTZ */
    {FCVT_WU_D, RTZ, NX, 0x41effffffff00000, 0, 0, 0xffffffffffffffff},
    /* 2^32 - 0.5 RNE: 2^32 */
    {FCVT_WU_D, RNE, NV, 0x41effffffff00000, 0, 0, 0xffffffffffffffff},
    /* 2^31 (as a wu result: 0xffffffff80000000) */
    {FCVT_WU_D, RNE, 0, 0x41e0000000000000, 0, 0, 0xffffffff80000000},
    /* largest double below 2^63 */
    {FCVT_WU_D, RNE, NV, 0x43dfffffffffffff, 0, 0, 0xffffffffffffffff},
    /* largest double below 2^64 */
    {FCVT_WU_D, RNE, NV, 0x43efffffffffffff, 0, 0, 0xffffffffffffffff},
    /* next double below -2^63 */
    {FCVT_WU_D, RNE, NV, 0xc3e0000000000001, 0, 0, 0x0000000000000000},
    /* fcvt.l.d */
    /* 1.0 */
    {FCVT_L_D, RNE, 0, 0x3ff0000000000000, 0, 0, 0x0000000000000001},
    /* -1.0 */
    {FCVT_L_D, RNE, 0, 0xbff0000000000000, 0, 0, 0xffffffffffffffff},
    /* +0 */
    {FCVT_L_D, RNE, 0, 0x0000000000000000, 0, 0, 0x0000000000000000},
    /* -0: 0 without flags, unsigned too */
    {FCVT_L_D, RNE, 0, 0x8000000000000000, 0, 0, 0x0000000000000000},
    /* 1.5: a tie */
    {FCVT_L_D, RNE, NX, 0x3ff8000000000000, 0, 0, 0x0000000000000002},
    /* 2.5: a tie */
    {FCVT_L_D, RNE, NX, 0x4004000000000000, 0, 0, 0x0000000000000002},
    /* -1.5 */
    {FCVT_L_D, RNE, NX, 0xbff8000000000000, 0, 0, 0xfffffffffffffffe},
    /* -0.3 RTZ: 0 with NX only, unsigned too */
    {FCVT_L_D, RTZ, NX, 0xbfd3333333333333, 0, 0, 0x0000000000000000},
    /* -0.3 RNE: rounds to -0, in range */
    {FCVT_L_D, RNE, NX, 0xbfd3333333333333, 0, 0, 0x0000000000000000},
    /* -0.3 RDN: -1 */
    {FCVT_L_D, RDN, NX, 0xbfd3333333333333, 0, 0, 0xffffffffffffffff},
    /* -0.5 RNE: -0 */
    {FCVT_L_D, RNE, NX, 0xbfe0000000000000, 0, 0, 0x0000000000000000},
    /* -0.5 RMM: -1 */
    {FCVT_L_D, RMM, NX, 0xbfe0000000000000, 0, 0, 0xffffffffffffffff},
    /* smallest subnormal RUP: 1 */
    {FCVT_L_D, RUP, NX, 0x0000000000000001, 0, 0, 0x0000000000000001},
    /* -smallest subnormal RDN: -1 */
    {FCVT_L_D, RDN, NX, 0x8000000000000001, 0, 0, 0xffffffffffffffff},
    /* qNaN: the largest value */
    {FCVT_L_D, RNE, NV, 0x7ff8000000000000, 0, 0, 0x7fffffffffffffff},
    /* -qNaN: the largest value too */
    {FCVT_L_D, RNE, NV, 0xfff8000000000000, 0, 0, 0x7fffffffffffffff},
    /* sNaN: the largest value */
    {FCVT_L_D, RTZ, NV, 0x7ff0000000000001, 0, 0, 0x7fffffffffffffff},
    /* +inf: the largest value */
    {FCVT_L_D, RNE, NV, 0x7ff0000000000000, 0, 0, 0x7fffffffffffffff},
    /* -inf: the smallest value */
    {FCVT_L_D, RNE, NV, 0xfff0000000000000, 0, 0, 0x8000000000000000},
    /* max */
    {FCVT_L_D, RNE, NV, 0x7fefffffffffffff, 0, 0, 0x7fffffffffffffff},
    /* -max */
    {FCVT_L_D, RNE, NV, 0xffefffffffffffff, 0, 0, 0x8000000000000000},
    /* 2^31 */
    {FCVT_L_D, RNE, 0, 0x41e0000000000000, 0, 0, 0x0000000080000000},
    /* -2^31 */
    {FCVT_L_D, RNE, 0, 0xc1e0000000000000, 0, 0, 0xffffffff80000000},
    /* 2^32 */
    {FCVT_L_D, RNE, 0, 0x41f0000000000000, 0, 0, 0x0000000100000000},
    /* 2^63 */
    {FCVT_L_D, RNE, NV, 0x43e0000000000000, 0, 0, 0x7fffffffffffffff},
    /* -2^63 */
    {FCVT_L_D, RNE, 0, 0xc3e0000000000000, 0, 0, 0x8000000000000000},
    /* 2^64 */
    {FCVT_L_D, RNE, NV, 0x43f0000000000000, 0, 0, 0x7fffffffffffffff},
    /* 1e10 */
    {FCVT_L_D, RNE, 0, 0x4202a05f20000000, 0, 0, 0x00000002540be400},
    /* -1e10 */
    {FCVT_L_D, RNE, 0, 0xc202a05f20000000, 0, 0, 0xfffffffdabf41c00},
    /* INT32_MAX */
    {FCVT_L_D, RNE, 0, 0x41dfffffffc00000, 0, 0, 0x000000007fffffff},
    /* 2^31 - 0.5: a tie, RNE goes to 2^31 */
    {FCVT_L_D, RNE, NX, 0x41dfffffffe00000, 0, 0, 0x0000000080000000},
    /* 2^31 - 0.5 RDN */
    {FCVT_L_D, RDN, NX, 0x41dfffffffe00000, 0, 0, 0x000000007fffffff},
    /* -2^31 - 0.5: a tie, RNE goes to -2^31 */
    {FCVT_L_D, RNE, NX, 0xc1e0000000100000, 0, 0, 0xffffffff80000000},
    /* -2^31 - 0.5 RDN: -2^31 - 1 */
    {FCVT_L_D, RDN, NX, 0xc1e0000000100000, 0, 0, 0xffffffff7fffffff},
    /* UINT32_MAX */
    {FCVT_L_D, RNE, 0, 0x41efffffffe00000, 0, 0, 0x00000000ffffffff},
    /* 2^32 - 0.5 RTZ */
    {FCVT_L_D, RTZ, NX, 0x41effffffff00000, 0, 0, 0x00000000ffffffff},
    /* 2^32 - 0.5 RNE: 2^32 */
    {FCVT_L_D, RNE, NX, 0x41effffffff00000, 0, 0, 0x0000000100000000},
    /* 2^31 (as a wu result: 0xffffffff80000000) */
    {FCVT_L_D, RNE, 0, 0x41e0000000000000, 0, 0, 0x0000000080000000},
    /* largest double below 2^63 */
    {FCVT_L_D, RNE, 0, 0x43dfffffffffffff, 0, 0, 0x7ffffffffffffc00},
    /* largest double below 2^64 */
    {FCVT_L_D, RNE, NV, 0x43efffffffffffff, 0, 0, 0x7fffffffffffffff},
    /* next double below -2^63 */
    {FCVT_L_D, RNE, NV, 0xc3e0000000000001, 0, 0, 0x8000000000000000},
    /* fcvt.lu.d */
    /* 1.0 */
    {FCVT_LU_D, RNE, 0, 0x3ff0000000000000, 0, 0, 0x0000000000000001},
    /* -1.0 */
    {FCVT_LU_D, RNE, NV, 0xbff0000000000000, 0, 0, 0x0000000000000000},
    /* +0 */
    {FCVT_LU_D, RNE, 0, 0x0000000000000000, 0, 0, 0x0000000000000000},
    /* -0: 0 without flags, unsigned too */
    {FCVT_LU_D, RNE, 0, 0x8000000000000000, 0, 0, 0x0000000000000000},
    /* 1.5: a tie */
    {FCVT_LU_D, RNE, NX, 0x3ff8000000000000, 0, 0, 0x0000000000000002},
    /* 2.5: a tie */
    {FCVT_LU_D, RNE, NX, 0x4004000000000000, 0, 0, 0x0000000000000002},
    /* -1.5 */
    {FCVT_LU_D, RNE, NV, 0xbff8000000000000, 0, 0, 0x0000000000000000},
    /* -0.3 RTZ: 0 with NX only, unsigned too */
    {FCVT_LU_D, RTZ, NX, 0xbfd3333333333333, 0, 0, 0x0000000000000000},
    /* -0.3 RNE: rounds to -0, in range */
    {FCVT_LU_D, RNE, NX, 0xbfd3333333333333, 0, 0, 0x0000000000000000},
    /* -0.3 RDN: -1 */
    {FCVT_LU_D, RDN, NV, 0xbfd3333333333333, 0, 0, 0x0000000000000000},
    /* -0.5 RNE: -0 */
    {FCVT_LU_D, RNE, NX, 0xbfe0000000000000, 0, 0, 0x0000000000000000},
    /* -0.5 RMM: -1 */
    {FCVT_LU_D, RMM, NV, 0xbfe0000000000000, 0, 0, 0x0000000000000000},
    /* smallest subnormal RUP: 1 */
    {FCVT_LU_D, RUP, NX, 0x0000000000000001, 0, 0, 0x0000000000000001},
    /* -smallest subnormal RDN: -1 */
    {FCVT_LU_D, RDN, NV, 0x8000000000000001, 0, 0, 0x0000000000000000},
    /* qNaN: the largest value */
    {FCVT_LU_D, RNE, NV, 0x7ff8000000000000, 0, 0, 0xffffffffffffffff},
    /* -qNaN: the largest value too */
    {FCVT_LU_D, RNE, NV, 0xfff8000000000000, 0, 0, 0xffffffffffffffff},
    /* sNaN: the largest value */
    {FCVT_LU_D, RTZ, NV, 0x7ff0000000000001, 0, 0, 0xffffffffffffffff},
    /* +inf: the largest value */
    {FCVT_LU_D, RNE, NV, 0x7ff0000000000000, 0, 0, 0xffffffffffffffff},
    /* -inf: the smallest value */
    {FCVT_LU_D, RNE, NV, 0xfff0000000000000, 0, 0, 0x0000000000000000},
    /* max */
    {FCVT_LU_D, RNE, NV, 0x7fefffffffffffff, 0, 0, 0xffffffffffffffff},
    /* -max */
    {FCVT_LU_D, RNE, NV, 0xffefffffffffffff, 0, 0, 0x0000000000000000},
    /* 2^31 */
    {FCVT_LU_D, RNE, 0, 0x41e0000000000000, 0, 0, 0x0000000080000000},
    /* -2^31 */
    {FCVT_LU_D, RNE, NV, 0xc1e0000000000000, 0, 0, 0x0000000000000000},
    /* 2^32 */
    {FCVT_LU_D, RNE, 0, 0x41f0000000000000, 0, 0, 0x0000000100000000},
    /* 2^63 */
    {FCVT_LU_D, RNE, 0, 0x43e0000000000000, 0, 0, 0x8000000000000000},
    /* -2^63 */
    {FCVT_LU_D, RNE, NV, 0xc3e0000000000000, 0, 0, 0x0000000000000000},
    /* 2^64 */
    {FCVT_LU_D, RNE, NV, 0x43f0000000000000, 0, 0, 0xffffffffffffffff},
    /* 1e10 */
    {FCVT_LU_D, RNE, 0, 0x4202a05f20000000, 0, 0, 0x00000002540be400},
    /* -1e10 */
    {FCVT_LU_D, RNE, NV, 0xc202a05f20000000, 0, 0, 0x0000000000000000},
    /* INT32_MAX */
    {FCVT_LU_D, RNE, 0, 0x41dfffffffc00000, 0, 0, 0x000000007fffffff},
    /* 2^31 - 0.5: a tie, RNE goes to 2^31 */
    {FCVT_LU_D, RNE, NX, 0x41dfffffffe00000, 0, 0, 0x0000000080000000},
    /* 2^31 - 0.5 RDN */
    {FCVT_LU_D, RDN, NX, 0x41dfffffffe00000, 0, 0, 0x000000007fffffff},
    /* -2^31 - 0.5: a tie, RNE goes to -2^31 */
    {FCVT_LU_D, RNE, NV, 0xc1e0000000100000, 0, 0, 0x0000000000000000},
    /* -2^31 - 0.5 RDN: -2^31 - 1 */
    {FCVT_LU_D, RDN, NV, 0xc1e0000000100000, 0, 0, 0x0000000000000000},
    /* UINT32_MAX */
    {FCVT_LU_D, RNE, 0, 0x41efffffffe00000, 0, 0, 0x00000000ffffffff},
    /* 2^32 - 0.5 RTZ */
    {FCVT_LU_D, RTZ, NX, 0x41effffffff00000, 0, 0, 0x00000000ffffffff},
    /* 2^32 - 0.5 RNE: 2^32 */
    {FCVT_LU_D, RNE, NX, 0x41effffffff00000, 0, 0, 0x0000000100000000},
    /* 2^31 (as a wu result: 0xffffffff80000000) */
    {FCVT_LU_D, RNE, 0, 0x41e0000000000000, 0, 0, 0x0000000080000000},
    /* largest double below 2^63 */
    {FCVT_LU_D, RNE, 0, 0x43dfffffffffffff, 0, 0, 0x7ffffffffffffc00},
    /* largest double below 2^64 */
    {FCVT_LU_D, RNE, 0, 0x43efffffffffffff, 0, 0, 0xfffffffffffff800},
    /* next double below -2^63 */
    {FCVT_LU_D, RNE, NV, 0xc3e0000000000001, 0, 0, 0x0000000000000000},
    /* integers to D */
    /* 0: +0 */
    {FCVT_D_W, RNE, 0, 0x0000000000000000, 0, 0, 0x0000000000000000},
    /* 0: +0 in RDN too */
    {FCVT_D_W, RDN, 0, 0x0000000000000000, 0, 0, 0x0000000000000000},
    /* -1 */
    {FCVT_D_W, RNE, 0, 0xffffffffffffffff, 0, 0, 0xbff0000000000000},
    /* INT32_MIN, upper bits 0: the low 32 bits count */
    {FCVT_D_W, RNE, 0, 0x0000000080000000, 0, 0, 0xc1e0000000000000},
    /* INT32_MAX */
    {FCVT_D_W, RNE, 0, 0x000000007fffffff, 0, 0, 0x41dfffffffc00000},
    /* upper 32 bits ignored */
    {FCVT_D_W, RNE, 0, 0xdeadbeef00000001, 0, 0, 0x3ff0000000000000},
    /* -1 in the low 32 bits */
    {FCVT_D_W, RNE, 0, 0x00000000ffffffff, 0, 0, 0xbff0000000000000},
    /* INT32_MAX RTZ */
    {FCVT_D_W, RTZ, 0, 0x000000007fffffff, 0, 0, 0x41dfffffffc00000},
    /* 2^24 + 1 */
    {FCVT_D_W, RNE, 0, 0x0000000001000001, 0, 0, 0x4170000010000000},
    /* 0: +0 */
    {FCVT_D_WU, RDN, 0, 0x0000000000000000, 0, 0, 0x0000000000000000},
    /* UINT32_MAX */
    {FCVT_D_WU, RNE, 0, 0x00000000ffffffff, 0, 0, 0x41efffffffe00000},
    /* UINT32_MAX RTZ */
    {FCVT_D_WU, RTZ, 0, 0x00000000ffffffff, 0, 0, 0x41efffffffe00000},
    /* upper bits ignored */
    {FCVT_D_WU, RNE, 0, 0xffffffff00000002, 0, 0, 0x4000000000000000},
    /* 2^31 */
    {FCVT_D_WU, RNE, 0, 0x0000000080000000, 0, 0, 0x41e0000000000000},
    /* upper bits ignored */
    {FCVT_D_WU, RNE, 0, 0x12345678ffffffff, 0, 0, 0x41efffffffe00000},
    /* 0: +0 */
    {FCVT_D_L, RDN, 0, 0x0000000000000000, 0, 0, 0x0000000000000000},
    /* -1 */
    {FCVT_D_L, RNE, 0, 0xffffffffffffffff, 0, 0, 0xbff0000000000000},
    /* INT64_MIN */
    {FCVT_D_L, RNE, 0, 0x8000000000000000, 0, 0, 0xc3e0000000000000},
    /* INT64_MAX */
    {FCVT_D_L, RNE, NX, 0x7fffffffffffffff, 0, 0, 0x43e0000000000000},
    /* INT64_MAX RTZ */
    {FCVT_D_L, RTZ, NX, 0x7fffffffffffffff, 0, 0, 0x43dfffffffffffff},
    /* 2^53 + 1 */
    {FCVT_D_L, RNE, NX, 0x0020000000000001, 0, 0, 0x4340000000000000},
    /* -2^53 */
    {FCVT_D_L, RNE, 0, 0xffe0000000000000, 0, 0, 0xc340000000000000},
    /* 2^32 - 1 */
    {FCVT_D_L, RNE, 0, 0x00000000ffffffff, 0, 0, 0x41efffffffe00000},
    /* 0: +0 */
    {FCVT_D_LU, RDN, 0, 0x0000000000000000, 0, 0, 0x0000000000000000},
    /* UINT64_MAX */
    {FCVT_D_LU, RNE, NX, 0xffffffffffffffff, 0, 0, 0x43f0000000000000},
    /* UINT64_MAX RTZ */
    {FCVT_D_LU, RTZ, NX, 0xffffffffffffffff, 0, 0, 0x43efffffffffffff},
    /* 2^63 */
    {FCVT_D_LU, RNE, 0, 0x8000000000000000, 0, 0, 0x43e0000000000000},
    /* 2^53 + 1 RUP */
    {FCVT_D_LU, RUP, NX, 0x0020000000000001, 0, 0, 0x4340000000000001},
    /* fcvt.s.d: narrowing */
    /* 1.0 */
    {FCVT_S_D, RNE, 0, 0x3ff0000000000000, 0, 0, 0x3f800000},
    /* 0.1: NX */
    {FCVT_S_D, RNE, NX, 0x3fb999999999999a, 0, 0, 0x3dcccccd},
    /* 0.1 RTZ */
    {FCVT_S_D, RTZ, NX, 0x3fb999999999999a, 0, 0, 0x3dcccccc},
    /* -0.1 RDN */
    {FCVT_S_D, RDN, NX, 0xbfb999999999999a, 0, 0, 0xbdcccccd},
    /* 1e300: OF, inf */
    {FCVT_S_D, RNE, OF | NX, 0x7e37e43c8800759c, 0, 0, 0x7f800000},
    /* 1e300 RTZ: max single */
    {FCVT_S_D, RTZ, OF | NX, 0x7e37e43c8800759c, 0, 0, 0x7f7fffff},
    /* -1e300 RDN: -inf */
    {FCVT_S_D, RDN, OF | NX, 0xfe37e43c8800759c, 0, 0, 0xff800000},
    /* -1e300 RUP: -max */
    {FCVT_S_D, RUP, OF | NX, 0xfe37e43c8800759c, 0, 0, 0xff7fffff},
    /* -1e300 RMM: -inf */
    {FCVT_S_D, RMM, OF | NX, 0xfe37e43c8800759c, 0, 0, 0xff800000},
    /* max single + ulp/2: tie, to inf */
    {FCVT_S_D, RNE, OF | NX, 0x47effffff0000000, 0, 0, 0x7f800000},
    /* the same RTZ: max, NX only */
    {FCVT_S_D, RTZ, NX, 0x47effffff0000000, 0, 0, 0x7f7fffff},
    /* max single + ulp/4: max, NX */
    {FCVT_S_D, RNE, NX, 0x47efffffe8000000, 0, 0, 0x7f7fffff},
    /* 1e-40: subnormal, UF */
    {FCVT_S_D, RNE, UF | NX, 0x37a16c262777579c, 0, 0, 0x000116c2},
    /* 2^-149: exact subnormal, no UF */
    {FCVT_S_D, RNE, 0, 0x36a0000000000000, 0, 0, 0x00000001},
    /* 2^-150: tie, to 0, UF */
    {FCVT_S_D, RNE, UF | NX, 0x3690000000000000, 0, 0, 0x00000000},
    /* 2^-150 RMM: 2^-149 */
    {FCVT_S_D, RMM, UF | NX, 0x3690000000000000, 0, 0, 0x00000001},
    /* 1.5 x 2^-150 */
    {FCVT_S_D, RNE, UF | NX, 0x3698000000000000, 0, 0, 0x00000001},
    /* -2^-150 RDN: -2^-149 */
    {FCVT_S_D, RDN, UF | NX, 0xb690000000000000, 0, 0, 0x80000001},
    /* 2^-126 (1 - 2^-25): rounds to 2^-126, not tiny: NX only */
    {FCVT_S_D, RNE, NX, 0x380ffffff0000000, 0, 0, 0x00800000},
    /* the same RTZ: UF */
    {FCVT_S_D, RTZ, UF | NX, 0x380ffffff0000000, 0, 0, 0x007fffff},
    /* 2^-126 (1 - 2^-24): tiny, rounds up: UF */
    {FCVT_S_D, RNE, UF | NX, 0x380fffffe0000000, 0, 0, 0x00800000},
    /* smallest double subnormal: 0, UF */
    {FCVT_S_D, RNE, UF | NX, 0x0000000000000001, 0, 0, 0x00000000},
    /* smallest double subnormal RUP: 2^-149 */
    {FCVT_S_D, RUP, UF | NX, 0x0000000000000001, 0, 0, 0x00000001},
    /* inf */
    {FCVT_S_D, RNE, 0, 0x7ff0000000000000, 0, 0, 0x7f800000},
    /* -inf */
    {FCVT_S_D, RTZ, 0, 0xfff0000000000000, 0, 0, 0xff800000},
    /* -0 */
    {FCVT_S_D, RNE, 0, 0x8000000000000000, 0, 0, 0x80000000},
    /* qNaN with payload: canonical, no flags */
    {FCVT_S_D, RNE, 0, 0x7ff8000123456789, 0, 0, 0x7fc00000},
    /* -qNaN: canonical */
    {FCVT_S_D, RNE, 0, 0xfff8000000000000, 0, 0, 0x7fc00000},
    /* sNaN: canonical, NV */
    {FCVT_S_D, RNE, NV, 0x7ff0000000000001, 0, 0, 0x7fc00000},
    /* sNaN: NV */
    {FCVT_S_D, RNE, NV, 0x7ff4000000000abc, 0, 0, 0x7fc00000},
    /* 2^24 + 1: tie, even */
    {FCVT_S_D, RNE, NX, 0x4170000010000000, 0, 0, 0x4b800000},
    /* 2^24 + 1 RMM */
    {FCVT_S_D, RMM, NX, 0x4170000010000000, 0, 0, 0x4b800001},
    /* fcvt.d.s: exact widening */
    /* 1.0 */
    {FCVT_D_S, RNE, 0, 0x3f800000, 0, 0, 0x3ff0000000000000},
    /* -0.1f */
    {FCVT_D_S, RNE, 0, 0xbdcccccd, 0, 0, 0xbfb99999a0000000},
    /* smallest single subnormal: a normal double */
    {FCVT_D_S, RNE, 0, 0x00000001, 0, 0, 0x36a0000000000000},
    /* -largest single subnormal */
    {FCVT_D_S, RNE, 0, 0x807fffff, 0, 0, 0xb80fffffc0000000},
    /* inf */
    {FCVT_D_S, RNE, 0, 0x7f800000, 0, 0, 0x7ff0000000000000},
    /* -inf */
    {FCVT_D_S, RNE, 0, 0xff800000, 0, 0, 0xfff0000000000000},
    /* -0 */
    {FCVT_D_S, RNE, 0, 0x80000000, 0, 0, 0x8000000000000000},
    /* +0 */
    {FCVT_D_S, RNE, 0, 0x00000000, 0, 0, 0x0000000000000000},
    /* max single */
    {FCVT_D_S, RNE, 0, 0x7f7fffff, 0, 0, 0x47efffffe0000000},
    /* qNaN with payload: canonical, no flags */
    {FCVT_D_S, RNE, 0, 0x7fc01234, 0, 0, 0x7ff8000000000000},
    /* -qNaN: canonical */
    {FCVT_D_S, RNE, 0, 0xffc00000, 0, 0, 0x7ff8000000000000},
    /* sNaN: canonical, NV */
    {FCVT_D_S, RNE, NV, 0x7f800001, 0, 0, 0x7ff8000000000000},
    /* -sNaN: NV */
    {FCVT_D_S, RNE, NV, 0xff812345, 0, 0, 0x7ff8000000000000},
};
/* clang-format on */

int test_main(void)
{
    return fp_run_table("convert", 1, vectors, NELEM(vectors));
}
