/* fmin/fmax and feq/flt/fle, single and double. fmin/fmax are minimumNumber/maximumNumber
 * (F/D 2.2): -0 < +0, one NaN operand gives the other operand, NV only for a signaling
 * NaN, two NaNs give the canonical NaN. feq is a quiet comparison (NV only for sNaN); flt
 * and fle signal (NV for any NaN); a NaN compares false; the integer result is 0 or 1 in
 * all 64 bits. These take no rounding mode: each row runs once (the RNE is a filler).
 */
#include "fp.h"

/* clang-format off: one row per line */
static const fp_vec vectors[] = {
    /* S: fmin/fmax (IEEE 754-2019 minimumNumber/maximumNumber) */
    /* 1, 2 */
    {FMIN_S, RNE, 0, 0x3f800000, 0x40000000, 0, 0x3f800000},
    /* 2, 1 */
    {FMIN_S, RNE, 0, 0x40000000, 0x3f800000, 0, 0x3f800000},
    /* -1, 1 */
    {FMIN_S, RNE, 0, 0xbf800000, 0x3f800000, 0, 0xbf800000},
    /* 3, -5 */
    {FMIN_S, RNE, 0, 0x40400000, 0xc0a00000, 0, 0xc0a00000},
    /* +0, -0: -0 is the smaller */
    {FMIN_S, RNE, 0, 0x00000000, 0x80000000, 0, 0x80000000},
    /* -0, +0 */
    {FMIN_S, RNE, 0, 0x80000000, 0x00000000, 0, 0x80000000},
    /* -0, -0 */
    {FMIN_S, RNE, 0, 0x80000000, 0x80000000, 0, 0x80000000},
    /* inf, max */
    {FMIN_S, RNE, 0, 0x7f800000, 0x7f7fffff, 0, 0x7f7fffff},
    /* -inf, -max */
    {FMIN_S, RNE, 0, 0xff800000, 0xff7fffff, 0, 0xff800000},
    /* smallest subnormal, +0 */
    {FMIN_S, RNE, 0, 0x00000001, 0x00000000, 0, 0x00000000},
    /* -smallest subnormal, -0 */
    {FMIN_S, RNE, 0, 0x80000001, 0x80000000, 0, 0x80000001},
    /* qNaN, 1: the number */
    {FMIN_S, RNE, 0, 0x7fc00000, 0x3f800000, 0, 0x3f800000},
    /* -3, qNaN: the number, no flags */
    {FMIN_S, RNE, 0, 0xc0400000, 0x7fc12345, 0, 0xc0400000},
    /* -qNaN, -inf */
    {FMIN_S, RNE, 0, 0xffc00000, 0xff800000, 0, 0xff800000},
    /* sNaN, 1: the number, NV */
    {FMIN_S, RNE, NV, 0x7f800001, 0x3f800000, 0, 0x3f800000},
    /* 2, sNaN: the number, NV */
    {FMIN_S, RNE, NV, 0x40000000, 0x7fa005a5, 0, 0x40000000},
    /* sNaN, -0 */
    {FMIN_S, RNE, NV, 0x7f800001, 0x80000000, 0, 0x80000000},
    /* both NaN: canonical NaN */
    {FMIN_S, RNE, 0, 0x7fc00000, 0x7fc00000, 0, 0x7fc00000},
    /* payload NaNs: canonical, not a payload */
    {FMIN_S, RNE, 0, 0x7fc12345, 0xffc00000, 0, 0x7fc00000},
    /* sNaN, qNaN: canonical, NV */
    {FMIN_S, RNE, NV, 0x7f800001, 0x7fc12345, 0, 0x7fc00000},
    /* sNaN, sNaN: canonical, NV */
    {FMIN_S, RNE, NV, 0x7fa005a5, 0x7f800001, 0, 0x7fc00000},
    /* 1, 2 */
    {FMAX_S, RNE, 0, 0x3f800000, 0x40000000, 0, 0x40000000},
    /* 2, 1 */
    {FMAX_S, RNE, 0, 0x40000000, 0x3f800000, 0, 0x40000000},
    /* -1, 1 */
    {FMAX_S, RNE, 0, 0xbf800000, 0x3f800000, 0, 0x3f800000},
    /* 3, -5 */
    {FMAX_S, RNE, 0, 0x40400000, 0xc0a00000, 0, 0x40400000},
    /* +0, -0: -0 is the smaller */
    {FMAX_S, RNE, 0, 0x00000000, 0x80000000, 0, 0x00000000},
    /* -0, +0 */
    {FMAX_S, RNE, 0, 0x80000000, 0x00000000, 0, 0x00000000},
    /* -0, -0 */
    {FMAX_S, RNE, 0, 0x80000000, 0x80000000, 0, 0x80000000},
    /* inf, max */
    {FMAX_S, RNE, 0, 0x7f800000, 0x7f7fffff, 0, 0x7f800000},
    /* -inf, -max */
    {FMAX_S, RNE, 0, 0xff800000, 0xff7fffff, 0, 0xff7fffff},
    /* smallest subnormal, +0 */
    {FMAX_S, RNE, 0, 0x00000001, 0x00000000, 0, 0x00000001},
    /* -smallest subnormal, -0 */
    {FMAX_S, RNE, 0, 0x80000001, 0x80000000, 0, 0x80000000},
    /* qNaN, 1: the number */
    {FMAX_S, RNE, 0, 0x7fc00000, 0x3f800000, 0, 0x3f800000},
    /* -3, qNaN: the number, no flags */
    {FMAX_S, RNE, 0, 0xc0400000, 0x7fc12345, 0, 0xc0400000},
    /* -qNaN, -inf */
    {FMAX_S, RNE, 0, 0xffc00000, 0xff800000, 0, 0xff800000},
    /* sNaN, 1: the number, NV */
    {FMAX_S, RNE, NV, 0x7f800001, 0x3f800000, 0, 0x3f800000},
    /* 2, sNaN: the number, NV */
    {FMAX_S, RNE, NV, 0x40000000, 0x7fa005a5, 0, 0x40000000},
    /* sNaN, -0 */
    {FMAX_S, RNE, NV, 0x7f800001, 0x80000000, 0, 0x80000000},
    /* both NaN: canonical NaN */
    {FMAX_S, RNE, 0, 0x7fc00000, 0x7fc00000, 0, 0x7fc00000},
    /* payload NaNs: canonical, not a payload */
    {FMAX_S, RNE, 0, 0x7fc12345, 0xffc00000, 0, 0x7fc00000},
    /* sNaN, qNaN: canonical, NV */
    {FMAX_S, RNE, NV, 0x7f800001, 0x7fc12345, 0, 0x7fc00000},
    /* sNaN, sNaN: canonical, NV */
    {FMAX_S, RNE, NV, 0x7fa005a5, 0x7f800001, 0, 0x7fc00000},
    /* S: feq (quiet), flt and fle (signaling) */
    /* 1, 1 */
    {FEQ_S, RNE, 0, 0x3f800000, 0x3f800000, 0, 0x1},
    /* 1, 2 */
    {FEQ_S, RNE, 0, 0x3f800000, 0x40000000, 0, 0x0},
    /* 2, 1 */
    {FEQ_S, RNE, 0, 0x40000000, 0x3f800000, 0, 0x0},
    /* -2, -1 */
    {FEQ_S, RNE, 0, 0xc0000000, 0xbf800000, 0, 0x0},
    /* +0, -0: equal */
    {FEQ_S, RNE, 0, 0x00000000, 0x80000000, 0, 0x1},
    /* -0, +0: equal */
    {FEQ_S, RNE, 0, 0x80000000, 0x00000000, 0, 0x1},
    /* -inf, inf */
    {FEQ_S, RNE, 0, 0xff800000, 0x7f800000, 0, 0x0},
    /* inf, inf */
    {FEQ_S, RNE, 0, 0x7f800000, 0x7f800000, 0, 0x1},
    /* max, inf */
    {FEQ_S, RNE, 0, 0x7f7fffff, 0x7f800000, 0, 0x0},
    /* smallest subnormal, 0 */
    {FEQ_S, RNE, 0, 0x00000001, 0x00000000, 0, 0x0},
    /* subnormals */
    {FEQ_S, RNE, 0, 0x00000001, 0x00000002, 0, 0x0},
    /* 1 + ulp, 1 */
    {FEQ_S, RNE, 0, 0x3f800001, 0x3f800000, 0, 0x0},
    /* qNaN, 1: feq quiet, flt/fle NV */
    {FEQ_S, RNE, 0, 0x7fc00000, 0x3f800000, 0, 0x0},
    /* 1, qNaN */
    {FEQ_S, RNE, 0, 0x3f800000, 0x7fc12345, 0, 0x0},
    /* qNaN, qNaN: not equal to itself */
    {FEQ_S, RNE, 0, 0x7fc00000, 0x7fc00000, 0, 0x0},
    /* sNaN, 1: NV for all three */
    {FEQ_S, RNE, NV, 0x7f800001, 0x3f800000, 0, 0x0},
    /* inf, sNaN */
    {FEQ_S, RNE, NV, 0x7f800000, 0x7fa005a5, 0, 0x0},
    /* sNaN, sNaN */
    {FEQ_S, RNE, NV, 0x7f800001, 0x7f800001, 0, 0x0},
    /* -qNaN, sNaN */
    {FEQ_S, RNE, NV, 0xffc00000, 0x7f800001, 0, 0x0},
    /* 1, 1 */
    {FLT_S, RNE, 0, 0x3f800000, 0x3f800000, 0, 0x0},
    /* 1, 2 */
    {FLT_S, RNE, 0, 0x3f800000, 0x40000000, 0, 0x1},
    /* 2, 1 */
    {FLT_S, RNE, 0, 0x40000000, 0x3f800000, 0, 0x0},
    /* -2, -1 */
    {FLT_S, RNE, 0, 0xc0000000, 0xbf800000, 0, 0x1},
    /* +0, -0: equal */
    {FLT_S, RNE, 0, 0x00000000, 0x80000000, 0, 0x0},
    /* -0, +0: equal */
    {FLT_S, RNE, 0, 0x80000000, 0x00000000, 0, 0x0},
    /* -inf, inf */
    {FLT_S, RNE, 0, 0xff800000, 0x7f800000, 0, 0x1},
    /* inf, inf */
    {FLT_S, RNE, 0, 0x7f800000, 0x7f800000, 0, 0x0},
    /* max, inf */
    {FLT_S, RNE, 0, 0x7f7fffff, 0x7f800000, 0, 0x1},
    /* smallest subnormal, 0 */
    {FLT_S, RNE, 0, 0x00000001, 0x00000000, 0, 0x0},
    /* subnormals */
    {FLT_S, RNE, 0, 0x00000001, 0x00000002, 0, 0x1},
    /* 1 + ulp, 1 */
    {FLT_S, RNE, 0, 0x3f800001, 0x3f800000, 0, 0x0},
    /* qNaN, 1: feq quiet, flt/fle NV */
    {FLT_S, RNE, NV, 0x7fc00000, 0x3f800000, 0, 0x0},
    /* 1, qNaN */
    {FLT_S, RNE, NV, 0x3f800000, 0x7fc12345, 0, 0x0},
    /* qNaN, qNaN: not equal to itself */
    {FLT_S, RNE, NV, 0x7fc00000, 0x7fc00000, 0, 0x0},
    /* sNaN, 1: NV for all three */
    {FLT_S, RNE, NV, 0x7f800001, 0x3f800000, 0, 0x0},
    /* inf, sNaN */
    {FLT_S, RNE, NV, 0x7f800000, 0x7fa005a5, 0, 0x0},
    /* sNaN, sNaN */
    {FLT_S, RNE, NV, 0x7f800001, 0x7f800001, 0, 0x0},
    /* -qNaN, sNaN */
    {FLT_S, RNE, NV, 0xffc00000, 0x7f800001, 0, 0x0},
    /* 1, 1 */
    {FLE_S, RNE, 0, 0x3f800000, 0x3f800000, 0, 0x1},
    /* 1, 2 */
    {FLE_S, RNE, 0, 0x3f800000, 0x40000000, 0, 0x1},
    /* 2, 1 */
    {FLE_S, RNE, 0, 0x40000000, 0x3f800000, 0, 0x0},
    /* -2, -1 */
    {FLE_S, RNE, 0, 0xc0000000, 0xbf800000, 0, 0x1},
    /* +0, -0: equal */
    {FLE_S, RNE, 0, 0x00000000, 0x80000000, 0, 0x1},
    /* -0, +0: equal */
    {FLE_S, RNE, 0, 0x80000000, 0x00000000, 0, 0x1},
    /* -inf, inf */
    {FLE_S, RNE, 0, 0xff800000, 0x7f800000, 0, 0x1},
    /* inf, inf */
    {FLE_S, RNE, 0, 0x7f800000, 0x7f800000, 0, 0x1},
    /* max, inf */
    {FLE_S, RNE, 0, 0x7f7fffff, 0x7f800000, 0, 0x1},
    /* smallest subnormal, 0 */
    {FLE_S, RNE, 0, 0x00000001, 0x00000000, 0, 0x0},
    /* subnormals */
    {FLE_S, RNE, 0, 0x00000001, 0x00000002, 0, 0x1},
    /* 1 + ulp, 1 */
    {FLE_S, RNE, 0, 0x3f800001, 0x3f800000, 0, 0x0},
    /* qNaN, 1: feq quiet, flt/fle NV */
    {FLE_S, RNE, NV, 0x7fc00000, 0x3f800000, 0, 0x0},
    /* 1, qNaN */
    {FLE_S, RNE, NV, 0x3f800000, 0x7fc12345, 0, 0x0},
    /* qNaN, qNaN: not equal to itself */
    {FLE_S, RNE, NV, 0x7fc00000, 0x7fc00000, 0, 0x0},
    /* sNaN, 1: NV for all three */
    {FLE_S, RNE, NV, 0x7f800001, 0x3f800000, 0, 0x0},
    /* inf, sNaN */
    {FLE_S, RNE, NV, 0x7f800000, 0x7fa005a5, 0, 0x0},
    /* sNaN, sNaN */
    {FLE_S, RNE, NV, 0x7f800001, 0x7f800001, 0, 0x0},
    /* -qNaN, sNaN */
    {FLE_S, RNE, NV, 0xffc00000, 0x7f800001, 0, 0x0},
    /* D: fmin/fmax (IEEE 754-2019 minimumNumber/maximumNumber) */
    /* 1, 2 */
    {FMIN_D, RNE, 0, 0x3ff0000000000000, 0x4000000000000000, 0, 0x3ff0000000000000},
    /* 2, 1 */
    {FMIN_D, RNE, 0, 0x4000000000000000, 0x3ff0000000000000, 0, 0x3ff0000000000000},
    /* -1, 1 */
    {FMIN_D, RNE, 0, 0xbff0000000000000, 0x3ff0000000000000, 0, 0xbff0000000000000},
    /* 3, -5 */
    {FMIN_D, RNE, 0, 0x4008000000000000, 0xc014000000000000, 0, 0xc014000000000000},
    /* +0, -0: -0 is the smaller */
    {FMIN_D, RNE, 0, 0x0000000000000000, 0x8000000000000000, 0, 0x8000000000000000},
    /* -0, +0 */
    {FMIN_D, RNE, 0, 0x8000000000000000, 0x0000000000000000, 0, 0x8000000000000000},
    /* -0, -0 */
    {FMIN_D, RNE, 0, 0x8000000000000000, 0x8000000000000000, 0, 0x8000000000000000},
    /* inf, max */
    {FMIN_D, RNE, 0, 0x7ff0000000000000, 0x7fefffffffffffff, 0, 0x7fefffffffffffff},
    /* -inf, -max */
    {FMIN_D, RNE, 0, 0xfff0000000000000, 0xffefffffffffffff, 0, 0xfff0000000000000},
    /* smallest subnormal, +0 */
    {FMIN_D, RNE, 0, 0x0000000000000001, 0x0000000000000000, 0, 0x0000000000000000},
    /* -smallest subnormal, -0 */
    {FMIN_D, RNE, 0, 0x8000000000000001, 0x8000000000000000, 0, 0x8000000000000001},
    /* qNaN, 1: the number */
    {FMIN_D, RNE, 0, 0x7ff8000000000000, 0x3ff0000000000000, 0, 0x3ff0000000000000},
    /* -3, qNaN: the number, no flags */
    {FMIN_D, RNE, 0, 0xc008000000000000, 0x7ff8000000012345, 0, 0xc008000000000000},
    /* -qNaN, -inf */
    {FMIN_D, RNE, 0, 0xfff8000000000000, 0xfff0000000000000, 0, 0xfff0000000000000},
    /* sNaN, 1: the number, NV */
    {FMIN_D, RNE, NV, 0x7ff0000000000001, 0x3ff0000000000000, 0, 0x3ff0000000000000},
    /* 2, sNaN: the number, NV */
    {FMIN_D, RNE, NV, 0x4000000000000000, 0x7ff40000000005a5, 0, 0x4000000000000000},
    /* sNaN, -0 */
    {FMIN_D, RNE, NV, 0x7ff0000000000001, 0x8000000000000000, 0, 0x8000000000000000},
    /* both NaN: canonical NaN */
    {FMIN_D, RNE, 0, 0x7ff8000000000000, 0x7ff8000000000000, 0, 0x7ff8000000000000},
    /* payload NaNs: canonical, not a payload */
    {FMIN_D, RNE, 0, 0x7ff8000000012345, 0xfff8000000000000, 0, 0x7ff8000000000000},
    /* sNaN, qNaN: canonical, NV */
    {FMIN_D, RNE, NV, 0x7ff0000000000001, 0x7ff8000000012345, 0, 0x7ff8000000000000},
    /* sNaN, sNaN: canonical, NV */
    {FMIN_D, RNE, NV, 0x7ff40000000005a5, 0x7ff0000000000001, 0, 0x7ff8000000000000},
    /* 1, 2 */
    {FMAX_D, RNE, 0, 0x3ff0000000000000, 0x4000000000000000, 0, 0x4000000000000000},
    /* 2, 1 */
    {FMAX_D, RNE, 0, 0x4000000000000000, 0x3ff0000000000000, 0, 0x4000000000000000},
    /* -1, 1 */
    {FMAX_D, RNE, 0, 0xbff0000000000000, 0x3ff0000000000000, 0, 0x3ff0000000000000},
    /* 3, -5 */
    {FMAX_D, RNE, 0, 0x4008000000000000, 0xc014000000000000, 0, 0x4008000000000000},
    /* +0, -0: -0 is the smaller */
    {FMAX_D, RNE, 0, 0x0000000000000000, 0x8000000000000000, 0, 0x0000000000000000},
    /* -0, +0 */
    {FMAX_D, RNE, 0, 0x8000000000000000, 0x0000000000000000, 0, 0x0000000000000000},
    /* -0, -0 */
    {FMAX_D, RNE, 0, 0x8000000000000000, 0x8000000000000000, 0, 0x8000000000000000},
    /* inf, max */
    {FMAX_D, RNE, 0, 0x7ff0000000000000, 0x7fefffffffffffff, 0, 0x7ff0000000000000},
    /* -inf, -max */
    {FMAX_D, RNE, 0, 0xfff0000000000000, 0xffefffffffffffff, 0, 0xffefffffffffffff},
    /* smallest subnormal, +0 */
    {FMAX_D, RNE, 0, 0x0000000000000001, 0x0000000000000000, 0, 0x0000000000000001},
    /* -smallest subnormal, -0 */
    {FMAX_D, RNE, 0, 0x8000000000000001, 0x8000000000000000, 0, 0x8000000000000000},
    /* qNaN, 1: the number */
    {FMAX_D, RNE, 0, 0x7ff8000000000000, 0x3ff0000000000000, 0, 0x3ff0000000000000},
    /* -3, qNaN: the number, no flags */
    {FMAX_D, RNE, 0, 0xc008000000000000, 0x7ff8000000012345, 0, 0xc008000000000000},
    /* -qNaN, -inf */
    {FMAX_D, RNE, 0, 0xfff8000000000000, 0xfff0000000000000, 0, 0xfff0000000000000},
    /* sNaN, 1: the number, NV */
    {FMAX_D, RNE, NV, 0x7ff0000000000001, 0x3ff0000000000000, 0, 0x3ff0000000000000},
    /* 2, sNaN: the number, NV */
    {FMAX_D, RNE, NV, 0x4000000000000000, 0x7ff40000000005a5, 0, 0x4000000000000000},
    /* sNaN, -0 */
    {FMAX_D, RNE, NV, 0x7ff0000000000001, 0x8000000000000000, 0, 0x8000000000000000},
    /* both NaN: canonical NaN */
    {FMAX_D, RNE, 0, 0x7ff8000000000000, 0x7ff8000000000000, 0, 0x7ff8000000000000},
    /* payload NaNs: canonical, not a payload */
    {FMAX_D, RNE, 0, 0x7ff8000000012345, 0xfff8000000000000, 0, 0x7ff8000000000000},
    /* sNaN, qNaN: canonical, NV */
    {FMAX_D, RNE, NV, 0x7ff0000000000001, 0x7ff8000000012345, 0, 0x7ff8000000000000},
    /* sNaN, sNaN: canonical, NV */
    {FMAX_D, RNE, NV, 0x7ff40000000005a5, 0x7ff0000000000001, 0, 0x7ff8000000000000},
    /* D: feq (quiet), flt and fle (signaling) */
    /* 1, 1 */
    {FEQ_D, RNE, 0, 0x3ff0000000000000, 0x3ff0000000000000, 0, 0x1},
    /* 1, 2 */
    {FEQ_D, RNE, 0, 0x3ff0000000000000, 0x4000000000000000, 0, 0x0},
    /* 2, 1 */
    {FEQ_D, RNE, 0, 0x4000000000000000, 0x3ff0000000000000, 0, 0x0},
    /* -2, -1 */
    {FEQ_D, RNE, 0, 0xc000000000000000, 0xbff0000000000000, 0, 0x0},
    /* +0, -0: equal */
    {FEQ_D, RNE, 0, 0x0000000000000000, 0x8000000000000000, 0, 0x1},
    /* -0, +0: equal */
    {FEQ_D, RNE, 0, 0x8000000000000000, 0x0000000000000000, 0, 0x1},
    /* -inf, inf */
    {FEQ_D, RNE, 0, 0xfff0000000000000, 0x7ff0000000000000, 0, 0x0},
    /* inf, inf */
    {FEQ_D, RNE, 0, 0x7ff0000000000000, 0x7ff0000000000000, 0, 0x1},
    /* max, inf */
    {FEQ_D, RNE, 0, 0x7fefffffffffffff, 0x7ff0000000000000, 0, 0x0},
    /* smallest subnormal, 0 */
    {FEQ_D, RNE, 0, 0x0000000000000001, 0x0000000000000000, 0, 0x0},
    /* subnormals */
    {FEQ_D, RNE, 0, 0x0000000000000001, 0x0000000000000002, 0, 0x0},
    /* 1 + ulp, 1 */
    {FEQ_D, RNE, 0, 0x3ff0000000000001, 0x3ff0000000000000, 0, 0x0},
    /* qNaN, 1: feq quiet, flt/fle NV */
    {FEQ_D, RNE, 0, 0x7ff8000000000000, 0x3ff0000000000000, 0, 0x0},
    /* 1, qNaN */
    {FEQ_D, RNE, 0, 0x3ff0000000000000, 0x7ff8000000012345, 0, 0x0},
    /* qNaN, qNaN: not equal to itself */
    {FEQ_D, RNE, 0, 0x7ff8000000000000, 0x7ff8000000000000, 0, 0x0},
    /* sNaN, 1: NV for all three */
    {FEQ_D, RNE, NV, 0x7ff0000000000001, 0x3ff0000000000000, 0, 0x0},
    /* inf, sNaN */
    {FEQ_D, RNE, NV, 0x7ff0000000000000, 0x7ff40000000005a5, 0, 0x0},
    /* sNaN, sNaN */
    {FEQ_D, RNE, NV, 0x7ff0000000000001, 0x7ff0000000000001, 0, 0x0},
    /* -qNaN, sNaN */
    {FEQ_D, RNE, NV, 0xfff8000000000000, 0x7ff0000000000001, 0, 0x0},
    /* 1, 1 */
    {FLT_D, RNE, 0, 0x3ff0000000000000, 0x3ff0000000000000, 0, 0x0},
    /* 1, 2 */
    {FLT_D, RNE, 0, 0x3ff0000000000000, 0x4000000000000000, 0, 0x1},
    /* 2, 1 */
    {FLT_D, RNE, 0, 0x4000000000000000, 0x3ff0000000000000, 0, 0x0},
    /* -2, -1 */
    {FLT_D, RNE, 0, 0xc000000000000000, 0xbff0000000000000, 0, 0x1},
    /* +0, -0: equal */
    {FLT_D, RNE, 0, 0x0000000000000000, 0x8000000000000000, 0, 0x0},
    /* -0, +0: equal */
    {FLT_D, RNE, 0, 0x8000000000000000, 0x0000000000000000, 0, 0x0},
    /* -inf, inf */
    {FLT_D, RNE, 0, 0xfff0000000000000, 0x7ff0000000000000, 0, 0x1},
    /* inf, inf */
    {FLT_D, RNE, 0, 0x7ff0000000000000, 0x7ff0000000000000, 0, 0x0},
    /* max, inf */
    {FLT_D, RNE, 0, 0x7fefffffffffffff, 0x7ff0000000000000, 0, 0x1},
    /* smallest subnormal, 0 */
    {FLT_D, RNE, 0, 0x0000000000000001, 0x0000000000000000, 0, 0x0},
    /* subnormals */
    {FLT_D, RNE, 0, 0x0000000000000001, 0x0000000000000002, 0, 0x1},
    /* 1 + ulp, 1 */
    {FLT_D, RNE, 0, 0x3ff0000000000001, 0x3ff0000000000000, 0, 0x0},
    /* qNaN, 1: feq quiet, flt/fle NV */
    {FLT_D, RNE, NV, 0x7ff8000000000000, 0x3ff0000000000000, 0, 0x0},
    /* 1, qNaN */
    {FLT_D, RNE, NV, 0x3ff0000000000000, 0x7ff8000000012345, 0, 0x0},
    /* qNaN, qNaN: not equal to itself */
    {FLT_D, RNE, NV, 0x7ff8000000000000, 0x7ff8000000000000, 0, 0x0},
    /* sNaN, 1: NV for all three */
    {FLT_D, RNE, NV, 0x7ff0000000000001, 0x3ff0000000000000, 0, 0x0},
    /* inf, sNaN */
    {FLT_D, RNE, NV, 0x7ff0000000000000, 0x7ff40000000005a5, 0, 0x0},
    /* sNaN, sNaN */
    {FLT_D, RNE, NV, 0x7ff0000000000001, 0x7ff0000000000001, 0, 0x0},
    /* -qNaN, sNaN */
    {FLT_D, RNE, NV, 0xfff8000000000000, 0x7ff0000000000001, 0, 0x0},
    /* 1, 1 */
    {FLE_D, RNE, 0, 0x3ff0000000000000, 0x3ff0000000000000, 0, 0x1},
    /* 1, 2 */
    {FLE_D, RNE, 0, 0x3ff0000000000000, 0x4000000000000000, 0, 0x1},
    /* 2, 1 */
    {FLE_D, RNE, 0, 0x4000000000000000, 0x3ff0000000000000, 0, 0x0},
    /* -2, -1 */
    {FLE_D, RNE, 0, 0xc000000000000000, 0xbff0000000000000, 0, 0x1},
    /* +0, -0: equal */
    {FLE_D, RNE, 0, 0x0000000000000000, 0x8000000000000000, 0, 0x1},
    /* -0, +0: equal */
    {FLE_D, RNE, 0, 0x8000000000000000, 0x0000000000000000, 0, 0x1},
    /* -inf, inf */
    {FLE_D, RNE, 0, 0xfff0000000000000, 0x7ff0000000000000, 0, 0x1},
    /* inf, inf */
    {FLE_D, RNE, 0, 0x7ff0000000000000, 0x7ff0000000000000, 0, 0x1},
    /* max, inf */
    {FLE_D, RNE, 0, 0x7fefffffffffffff, 0x7ff0000000000000, 0, 0x1},
    /* smallest subnormal, 0 */
    {FLE_D, RNE, 0, 0x0000000000000001, 0x0000000000000000, 0, 0x0},
    /* subnormals */
    {FLE_D, RNE, 0, 0x0000000000000001, 0x0000000000000002, 0, 0x1},
    /* 1 + ulp, 1 */
    {FLE_D, RNE, 0, 0x3ff0000000000001, 0x3ff0000000000000, 0, 0x0},
    /* qNaN, 1: feq quiet, flt/fle NV */
    {FLE_D, RNE, NV, 0x7ff8000000000000, 0x3ff0000000000000, 0, 0x0},
    /* 1, qNaN */
    {FLE_D, RNE, NV, 0x3ff0000000000000, 0x7ff8000000012345, 0, 0x0},
    /* qNaN, qNaN: not equal to itself */
    {FLE_D, RNE, NV, 0x7ff8000000000000, 0x7ff8000000000000, 0, 0x0},
    /* sNaN, 1: NV for all three */
    {FLE_D, RNE, NV, 0x7ff0000000000001, 0x3ff0000000000000, 0, 0x0},
    /* inf, sNaN */
    {FLE_D, RNE, NV, 0x7ff0000000000000, 0x7ff40000000005a5, 0, 0x0},
    /* sNaN, sNaN */
    {FLE_D, RNE, NV, 0x7ff0000000000001, 0x7ff0000000000001, 0, 0x0},
    /* -qNaN, sNaN */
    {FLE_D, RNE, NV, 0xfff8000000000000, 0x7ff0000000000001, 0, 0x0},
};
/* clang-format on */

int test_main(void)
{
    return fp_run_table("compare-minmax", 1, vectors, NELEM(vectors));
}
