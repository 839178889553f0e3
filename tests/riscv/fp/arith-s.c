/* F extension arithmetic in single precision: fadd, fsub, fmul, fdiv and fsqrt, each row run
 * with its rounding mode static in the instruction and again through frm with rm = dyn,
 * checking the result's raw bits (NaN boxing included) and fflags. Expected values follow
 * IEEE 754-2019 and the RISC-V F chapter: canonical NaN results, tininess after rounding,
 * sign of exact zero sums (+0, or -0 in RDN), inf - inf, 0 * inf, 0 / 0 invalid, x / 0 DZ.
 */
#include "fp.h"

/* clang-format off: one row per line */
static const fp_vec vectors[] = {
    /* 1 + 2 = 3, exact: no flags */
    {FADD_S, RNE, 0, 0x3f800000, 0x40000000, 0, 0x40400000},
    /* 1 + ulp/2: a tie, RNE keeps the even 1, RMM goes up */
    {FADD_S, RNE, NX, 0x3f800000, 0x33800000, 0, 0x3f800000},
    {FADD_S, RTZ, NX, 0x3f800000, 0x33800000, 0, 0x3f800000},
    {FADD_S, RDN, NX, 0x3f800000, 0x33800000, 0, 0x3f800000},
    {FADD_S, RUP, NX, 0x3f800000, 0x33800000, 0, 0x3f800001},
    {FADD_S, RMM, NX, 0x3f800000, 0x33800000, 0, 0x3f800001},
    /* (1 + ulp) + ulp/2: a tie from an odd significand, RNE goes up */
    {FADD_S, RNE, NX, 0x3f800001, 0x33800000, 0, 0x3f800002},
    {FADD_S, RTZ, NX, 0x3f800001, 0x33800000, 0, 0x3f800001},
    {FADD_S, RDN, NX, 0x3f800001, 0x33800000, 0, 0x3f800001},
    {FADD_S, RUP, NX, 0x3f800001, 0x33800000, 0, 0x3f800002},
    {FADD_S, RMM, NX, 0x3f800001, 0x33800000, 0, 0x3f800002},
    /* 1 + 3ulp/4: above the half */
    {FADD_S, RNE, NX, 0x3f800000, 0x33c00000, 0, 0x3f800001},
    {FADD_S, RTZ, NX, 0x3f800000, 0x33c00000, 0, 0x3f800000},
    {FADD_S, RDN, NX, 0x3f800000, 0x33c00000, 0, 0x3f800000},
    {FADD_S, RUP, NX, 0x3f800000, 0x33c00000, 0, 0x3f800001},
    {FADD_S, RMM, NX, 0x3f800000, 0x33c00000, 0, 0x3f800001},
    /* -1 - ulp/2: negative tie */
    {FADD_S, RNE, NX, 0xbf800000, 0xb3800000, 0, 0xbf800000},
    {FADD_S, RTZ, NX, 0xbf800000, 0xb3800000, 0, 0xbf800000},
    {FADD_S, RDN, NX, 0xbf800000, 0xb3800000, 0, 0xbf800001},
    {FADD_S, RUP, NX, 0xbf800000, 0xb3800000, 0, 0xbf800000},
    {FADD_S, RMM, NX, 0xbf800000, 0xb3800000, 0, 0xbf800001},
    /* -1 + tiny: RTZ and RUP move toward zero */
    {FADD_S, RNE, NX, 0xbf800000, 0x00000001, 0, 0xbf800000},
    {FADD_S, RTZ, NX, 0xbf800000, 0x00000001, 0, 0xbf7fffff},
    {FADD_S, RDN, NX, 0xbf800000, 0x00000001, 0, 0xbf800000},
    {FADD_S, RUP, NX, 0xbf800000, 0x00000001, 0, 0xbf7fffff},
    {FADD_S, RMM, NX, 0xbf800000, 0x00000001, 0, 0xbf800000},
    /* x + (-x) = +0, but -0 in RDN */
    {FADD_S, RNE, 0, 0x40400000, 0xc0400000, 0, 0x00000000},
    {FADD_S, RTZ, 0, 0x40400000, 0xc0400000, 0, 0x00000000},
    {FADD_S, RDN, 0, 0x40400000, 0xc0400000, 0, 0x80000000},
    {FADD_S, RUP, 0, 0x40400000, 0xc0400000, 0, 0x00000000},
    {FADD_S, RMM, 0, 0x40400000, 0xc0400000, 0, 0x00000000},
    /* +0 + -0 = +0, but -0 in RDN */
    {FADD_S, RNE, 0, 0x00000000, 0x80000000, 0, 0x00000000},
    {FADD_S, RTZ, 0, 0x00000000, 0x80000000, 0, 0x00000000},
    {FADD_S, RDN, 0, 0x00000000, 0x80000000, 0, 0x80000000},
    {FADD_S, RUP, 0, 0x00000000, 0x80000000, 0, 0x00000000},
    {FADD_S, RMM, 0, 0x00000000, 0x80000000, 0, 0x00000000},
    /* -0 + -0 = -0 in every mode */
    {FADD_S, RNE, 0, 0x80000000, 0x80000000, 0, 0x80000000},
    {FADD_S, RTZ, 0, 0x80000000, 0x80000000, 0, 0x80000000},
    {FADD_S, RDN, 0, 0x80000000, 0x80000000, 0, 0x80000000},
    {FADD_S, RUP, 0, 0x80000000, 0x80000000, 0, 0x80000000},
    {FADD_S, RMM, 0, 0x80000000, 0x80000000, 0, 0x80000000},
    /* +0 + +0 = +0 */
    {FADD_S, RNE, 0, 0x00000000, 0x00000000, 0, 0x00000000},
    /* +0 + +0 = +0 in RDN too */
    {FADD_S, RDN, 0, 0x00000000, 0x00000000, 0, 0x00000000},
    /* overflow: inf or the largest finite by mode */
    {FADD_S, RNE, OF | NX, 0x7f7fffff, 0x7f7fffff, 0, 0x7f800000},
    {FADD_S, RTZ, OF | NX, 0x7f7fffff, 0x7f7fffff, 0, 0x7f7fffff},
    {FADD_S, RDN, OF | NX, 0x7f7fffff, 0x7f7fffff, 0, 0x7f7fffff},
    {FADD_S, RUP, OF | NX, 0x7f7fffff, 0x7f7fffff, 0, 0x7f800000},
    {FADD_S, RMM, OF | NX, 0x7f7fffff, 0x7f7fffff, 0, 0x7f800000},
    /* negative overflow */
    {FADD_S, RNE, OF | NX, 0xff7fffff, 0xff7fffff, 0, 0xff800000},
    {FADD_S, RTZ, OF | NX, 0xff7fffff, 0xff7fffff, 0, 0xff7fffff},
    {FADD_S, RDN, OF | NX, 0xff7fffff, 0xff7fffff, 0, 0xff800000},
    {FADD_S, RUP, OF | NX, 0xff7fffff, 0xff7fffff, 0, 0xff7fffff},
    {FADD_S, RMM, OF | NX, 0xff7fffff, 0xff7fffff, 0, 0xff800000},
    /* subnormal + subnormal, exact: no UF */
    {FADD_S, RNE, 0, 0x00000001, 0x00000001, 0, 0x00000002},
    /* largest subnormal + smallest = smallest normal, exact */
    {FADD_S, RNE, 0, 0x007fffff, 0x00000001, 0, 0x00800000},
    /* inf + -inf: invalid */
    {FADD_S, RNE, NV, 0x7f800000, 0xff800000, 0, 0x7fc00000},
    /* inf + inf = inf, no flags */
    {FADD_S, RNE, 0, 0x7f800000, 0x7f800000, 0, 0x7f800000},
    /* -inf + finite = -inf */
    {FADD_S, RNE, 0, 0xff800000, 0x7f7fffff, 0, 0xff800000},
    /* quiet NaN in: canonical NaN, no flags */
    {FADD_S, RNE, 0, 0x7fc00000, 0x3f800000, 0, 0x7fc00000},
    /* NaN payload is not propagated */
    {FADD_S, RNE, 0, 0x3f800000, 0x7fc12345, 0, 0x7fc00000},
    /* negative NaN in: canonical (positive) NaN out */
    {FADD_S, RNE, 0, 0xffc00000, 0x3f800000, 0, 0x7fc00000},
    /* signaling NaN: NV */
    {FADD_S, RNE, NV, 0x7f800001, 0x3f800000, 0, 0x7fc00000},
    /* signaling NaN second: NV */
    {FADD_S, RNE, NV, 0x3f800000, 0x7fa005a5, 0, 0x7fc00000},
    /* quiet and signaling: NV */
    {FADD_S, RNE, NV, 0x7fc00000, 0x7f800001, 0, 0x7fc00000},
    /* sNaN + inf: NV */
    {FADD_S, RNE, NV, 0x7f800001, 0x7f800000, 0, 0x7fc00000},
    /* 5 - 3 = 2 */
    {FSUB_S, RNE, 0, 0x40a00000, 0x40400000, 0, 0x40000000},
    /* 1 - 1 = +0, -0 in RDN */
    {FSUB_S, RNE, 0, 0x3f800000, 0x3f800000, 0, 0x00000000},
    {FSUB_S, RTZ, 0, 0x3f800000, 0x3f800000, 0, 0x00000000},
    {FSUB_S, RDN, 0, 0x3f800000, 0x3f800000, 0, 0x80000000},
    {FSUB_S, RUP, 0, 0x3f800000, 0x3f800000, 0, 0x00000000},
    {FSUB_S, RMM, 0, 0x3f800000, 0x3f800000, 0, 0x00000000},
    /* -0 - +0 = -0 in every mode */
    {FSUB_S, RNE, 0, 0x80000000, 0x00000000, 0, 0x80000000},
    {FSUB_S, RTZ, 0, 0x80000000, 0x00000000, 0, 0x80000000},
    {FSUB_S, RDN, 0, 0x80000000, 0x00000000, 0, 0x80000000},
    {FSUB_S, RUP, 0, 0x80000000, 0x00000000, 0, 0x80000000},
    {FSUB_S, RMM, 0, 0x80000000, 0x00000000, 0, 0x80000000},
    /* +0 - +0 = +0, -0 in RDN */
    {FSUB_S, RNE, 0, 0x00000000, 0x00000000, 0, 0x00000000},
    {FSUB_S, RTZ, 0, 0x00000000, 0x00000000, 0, 0x00000000},
    {FSUB_S, RDN, 0, 0x00000000, 0x00000000, 0, 0x80000000},
    {FSUB_S, RUP, 0, 0x00000000, 0x00000000, 0, 0x00000000},
    {FSUB_S, RMM, 0, 0x00000000, 0x00000000, 0, 0x00000000},
    /* +0 - -0 = +0 */
    {FSUB_S, RNE, 0, 0x00000000, 0x80000000, 0, 0x00000000},
    /* (1 + ulp) - 1 = ulp, exact */
    {FSUB_S, RNE, 0, 0x3f800001, 0x3f800000, 0, 0x34000000},
    /* 1 - just over a quarter ulp below 1: modes differ */
    {FSUB_S, RNE, NX, 0x3f800000, 0x33800001, 0, 0x3f7fffff},
    {FSUB_S, RTZ, NX, 0x3f800000, 0x33800001, 0, 0x3f7ffffe},
    {FSUB_S, RDN, NX, 0x3f800000, 0x33800001, 0, 0x3f7ffffe},
    {FSUB_S, RUP, NX, 0x3f800000, 0x33800001, 0, 0x3f7fffff},
    {FSUB_S, RMM, NX, 0x3f800000, 0x33800001, 0, 0x3f7fffff},
    /* -1 - ulp/2: negative tie */
    {FSUB_S, RNE, NX, 0xbf800000, 0x33800000, 0, 0xbf800000},
    {FSUB_S, RTZ, NX, 0xbf800000, 0x33800000, 0, 0xbf800000},
    {FSUB_S, RDN, NX, 0xbf800000, 0x33800000, 0, 0xbf800001},
    {FSUB_S, RUP, NX, 0xbf800000, 0x33800000, 0, 0xbf800000},
    {FSUB_S, RMM, NX, 0xbf800000, 0x33800000, 0, 0xbf800001},
    /* smallest normal - smallest subnormal: exact subnormal, no UF */
    {FSUB_S, RNE, 0, 0x00800000, 0x00000001, 0, 0x007fffff},
    /* -max - max: overflow */
    {FSUB_S, RNE, OF | NX, 0xff7fffff, 0x7f7fffff, 0, 0xff800000},
    {FSUB_S, RTZ, OF | NX, 0xff7fffff, 0x7f7fffff, 0, 0xff7fffff},
    {FSUB_S, RDN, OF | NX, 0xff7fffff, 0x7f7fffff, 0, 0xff800000},
    {FSUB_S, RUP, OF | NX, 0xff7fffff, 0x7f7fffff, 0, 0xff7fffff},
    {FSUB_S, RMM, OF | NX, 0xff7fffff, 0x7f7fffff, 0, 0xff800000},
    /* inf - inf: invalid */
    {FSUB_S, RNE, NV, 0x7f800000, 0x7f800000, 0, 0x7fc00000},
    /* -inf - -inf: invalid */
    {FSUB_S, RNE, NV, 0xff800000, 0xff800000, 0, 0x7fc00000},
    /* inf - -inf = inf */
    {FSUB_S, RNE, 0, 0x7f800000, 0xff800000, 0, 0x7f800000},
    /* sNaN - sNaN: NV */
    {FSUB_S, RNE, NV, 0x7f800001, 0x7f800001, 0, 0x7fc00000},
    /* NaNs: canonical */
    {FSUB_S, RNE, 0, 0x7fc12345, 0x7fc00000, 0, 0x7fc00000},
    /* 3 * 5 = 15 */
    {FMUL_S, RNE, 0, 0x40400000, 0x40a00000, 0, 0x41700000},
    /* (1+u)^2 = 1 + 2u + u^2: inexact */
    {FMUL_S, RNE, NX, 0x3f800001, 0x3f800001, 0, 0x3f800002},
    {FMUL_S, RTZ, NX, 0x3f800001, 0x3f800001, 0, 0x3f800002},
    {FMUL_S, RDN, NX, 0x3f800001, 0x3f800001, 0, 0x3f800002},
    {FMUL_S, RUP, NX, 0x3f800001, 0x3f800001, 0, 0x3f800003},
    {FMUL_S, RMM, NX, 0x3f800001, 0x3f800001, 0, 0x3f800002},
    /* -(1+u)^2 */
    {FMUL_S, RNE, NX, 0xbf800001, 0x3f800001, 0, 0xbf800002},
    {FMUL_S, RTZ, NX, 0xbf800001, 0x3f800001, 0, 0xbf800002},
    {FMUL_S, RDN, NX, 0xbf800001, 0x3f800001, 0, 0xbf800003},
    {FMUL_S, RUP, NX, 0xbf800001, 0x3f800001, 0, 0xbf800002},
    {FMUL_S, RMM, NX, 0xbf800001, 0x3f800001, 0, 0xbf800002},
    /* (1+u)(1.5+u) = 1.5 + 2.5u + u^2 */
    {FMUL_S, RNE, NX, 0x3f800001, 0x3fc00001, 0, 0x3fc00003},
    {FMUL_S, RTZ, NX, 0x3f800001, 0x3fc00001, 0, 0x3fc00002},
    {FMUL_S, RDN, NX, 0x3f800001, 0x3fc00001, 0, 0x3fc00002},
    {FMUL_S, RUP, NX, 0x3f800001, 0x3fc00001, 0, 0x3fc00003},
    {FMUL_S, RMM, NX, 0x3f800001, 0x3fc00001, 0, 0x3fc00003},
    /* max * 2: overflow */
    {FMUL_S, RNE, OF | NX, 0x7f7fffff, 0x40000000, 0, 0x7f800000},
    {FMUL_S, RTZ, OF | NX, 0x7f7fffff, 0x40000000, 0, 0x7f7fffff},
    {FMUL_S, RDN, OF | NX, 0x7f7fffff, 0x40000000, 0, 0x7f7fffff},
    {FMUL_S, RUP, OF | NX, 0x7f7fffff, 0x40000000, 0, 0x7f800000},
    {FMUL_S, RMM, OF | NX, 0x7f7fffff, 0x40000000, 0, 0x7f800000},
    /* max * -max: negative overflow */
    {FMUL_S, RNE, OF | NX, 0x7f7fffff, 0xff7fffff, 0, 0xff800000},
    {FMUL_S, RTZ, OF | NX, 0x7f7fffff, 0xff7fffff, 0, 0xff7fffff},
    {FMUL_S, RDN, OF | NX, 0x7f7fffff, 0xff7fffff, 0, 0xff800000},
    {FMUL_S, RUP, OF | NX, 0x7f7fffff, 0xff7fffff, 0, 0xff7fffff},
    {FMUL_S, RMM, OF | NX, 0x7f7fffff, 0xff7fffff, 0, 0xff800000},
    /* smallest normal / 2: exact subnormal, no flags */
    {FMUL_S, RNE, 0, 0x00800000, 0x3f000000, 0, 0x00400000},
    /* smallest subnormal / 2: a tie between 0 and it, UF */
    {FMUL_S, RNE, UF | NX, 0x00000001, 0x3f000000, 0, 0x00000000},
    {FMUL_S, RTZ, UF | NX, 0x00000001, 0x3f000000, 0, 0x00000000},
    {FMUL_S, RDN, UF | NX, 0x00000001, 0x3f000000, 0, 0x00000000},
    {FMUL_S, RUP, UF | NX, 0x00000001, 0x3f000000, 0, 0x00000001},
    {FMUL_S, RMM, UF | NX, 0x00000001, 0x3f000000, 0, 0x00000001},
    /* negative: -0 or -smallest subnormal */
    {FMUL_S, RNE, UF | NX, 0x80000001, 0x3f000000, 0, 0x80000000},
    {FMUL_S, RTZ, UF | NX, 0x80000001, 0x3f000000, 0, 0x80000000},
    {FMUL_S, RDN, UF | NX, 0x80000001, 0x3f000000, 0, 0x80000001},
    {FMUL_S, RUP, UF | NX, 0x80000001, 0x3f000000, 0, 0x80000000},
    {FMUL_S, RMM, UF | NX, 0x80000001, 0x3f000000, 0, 0x80000001},
    /* 3 subnormal ulps / 2 = 1.5 ulps */
    {FMUL_S, RNE, UF | NX, 0x00000003, 0x3f000000, 0, 0x00000002},
    {FMUL_S, RTZ, UF | NX, 0x00000003, 0x3f000000, 0, 0x00000001},
    {FMUL_S, RDN, UF | NX, 0x00000003, 0x3f000000, 0, 0x00000001},
    {FMUL_S, RUP, UF | NX, 0x00000003, 0x3f000000, 0, 0x00000002},
    {FMUL_S, RMM, UF | NX, 0x00000003, 0x3f000000, 0, 0x00000002},
    /* far underflow: 0 or the smallest subnormal */
    {FMUL_S, RNE, UF | NX, 0x00800000, 0x00800000, 0, 0x00000000},
    {FMUL_S, RTZ, UF | NX, 0x00800000, 0x00800000, 0, 0x00000000},
    {FMUL_S, RDN, UF | NX, 0x00800000, 0x00800000, 0, 0x00000000},
    {FMUL_S, RUP, UF | NX, 0x00800000, 0x00800000, 0, 0x00000001},
    {FMUL_S, RMM, UF | NX, 0x00800000, 0x00800000, 0, 0x00000000},
    /* 0 * inf: invalid */
    {FMUL_S, RNE, NV, 0x00000000, 0x7f800000, 0, 0x7fc00000},
    /* -inf * -0: invalid */
    {FMUL_S, RNE, NV, 0xff800000, 0x80000000, 0, 0x7fc00000},
    /* inf * -1 = -inf */
    {FMUL_S, RNE, 0, 0x7f800000, 0xbf800000, 0, 0xff800000},
    /* -0 * 5 = -0 */
    {FMUL_S, RNE, 0, 0x80000000, 0x40a00000, 0, 0x80000000},
    /* -0 * -0 = +0 */
    {FMUL_S, RNE, 0, 0x80000000, 0x80000000, 0, 0x00000000},
    /* qNaN * 0: canonical, no flags */
    {FMUL_S, RNE, 0, 0x7fc00000, 0x00000000, 0, 0x7fc00000},
    /* sNaN * 1: NV */
    {FMUL_S, RNE, NV, 0x7fa005a5, 0x3f800000, 0, 0x7fc00000},
    /* 6 / 3 = 2 */
    {FDIV_S, RNE, 0, 0x40c00000, 0x40400000, 0, 0x40000000},
    /* 1/3 */
    {FDIV_S, RNE, NX, 0x3f800000, 0x40400000, 0, 0x3eaaaaab},
    {FDIV_S, RTZ, NX, 0x3f800000, 0x40400000, 0, 0x3eaaaaaa},
    {FDIV_S, RDN, NX, 0x3f800000, 0x40400000, 0, 0x3eaaaaaa},
    {FDIV_S, RUP, NX, 0x3f800000, 0x40400000, 0, 0x3eaaaaab},
    {FDIV_S, RMM, NX, 0x3f800000, 0x40400000, 0, 0x3eaaaaab},
    /* -1/3 */
    {FDIV_S, RNE, NX, 0xbf800000, 0x40400000, 0, 0xbeaaaaab},
    {FDIV_S, RTZ, NX, 0xbf800000, 0x40400000, 0, 0xbeaaaaaa},
    {FDIV_S, RDN, NX, 0xbf800000, 0x40400000, 0, 0xbeaaaaab},
    {FDIV_S, RUP, NX, 0xbf800000, 0x40400000, 0, 0xbeaaaaaa},
    {FDIV_S, RMM, NX, 0xbf800000, 0x40400000, 0, 0xbeaaaaab},
    /* 2/3 */
    {FDIV_S, RNE, NX, 0x40000000, 0x40400000, 0, 0x3f2aaaab},
    {FDIV_S, RTZ, NX, 0x40000000, 0x40400000, 0, 0x3f2aaaaa},
    {FDIV_S, RDN, NX, 0x40000000, 0x40400000, 0, 0x3f2aaaaa},
    {FDIV_S, RUP, NX, 0x40000000, 0x40400000, 0, 0x3f2aaaab},
    {FDIV_S, RMM, NX, 0x40000000, 0x40400000, 0, 0x3f2aaaab},
    /* 5 subnormal ulps / 2: tie in the subnormal range */
    {FDIV_S, RNE, UF | NX, 0x00000005, 0x40000000, 0, 0x00000002},
    {FDIV_S, RTZ, UF | NX, 0x00000005, 0x40000000, 0, 0x00000002},
    {FDIV_S, RDN, UF | NX, 0x00000005, 0x40000000, 0, 0x00000002},
    {FDIV_S, RUP, UF | NX, 0x00000005, 0x40000000, 0, 0x00000003},
    {FDIV_S, RMM, UF | NX, 0x00000005, 0x40000000, 0, 0x00000003},
    /* max / 0.5: overflow */
    {FDIV_S, RNE, OF | NX, 0x7f7fffff, 0x3f000000, 0, 0x7f800000},
    {FDIV_S, RTZ, OF | NX, 0x7f7fffff, 0x3f000000, 0, 0x7f7fffff},
    {FDIV_S, RDN, OF | NX, 0x7f7fffff, 0x3f000000, 0, 0x7f7fffff},
    {FDIV_S, RUP, OF | NX, 0x7f7fffff, 0x3f000000, 0, 0x7f800000},
    {FDIV_S, RMM, OF | NX, 0x7f7fffff, 0x3f000000, 0, 0x7f800000},
    /* smallest normal / 3: tiny and inexact */
    {FDIV_S, RNE, UF | NX, 0x00800000, 0x40400000, 0, 0x002aaaab},
    {FDIV_S, RTZ, UF | NX, 0x00800000, 0x40400000, 0, 0x002aaaaa},
    {FDIV_S, RDN, UF | NX, 0x00800000, 0x40400000, 0, 0x002aaaaa},
    {FDIV_S, RUP, UF | NX, 0x00800000, 0x40400000, 0, 0x002aaaab},
    {FDIV_S, RMM, UF | NX, 0x00800000, 0x40400000, 0, 0x002aaaab},
    /* 1 / +0 = +inf, DZ */
    {FDIV_S, RNE, DZ, 0x3f800000, 0x00000000, 0, 0x7f800000},
    /* -1 / +0 = -inf, DZ */
    {FDIV_S, RNE, DZ, 0xbf800000, 0x00000000, 0, 0xff800000},
    /* 1 / -0 = -inf, DZ */
    {FDIV_S, RNE, DZ, 0x3f800000, 0x80000000, 0, 0xff800000},
    /* tiny / -0 = -inf, DZ */
    {FDIV_S, RNE, DZ, 0x00000001, 0x80000000, 0, 0xff800000},
    /* 0 / 0: NV, not DZ */
    {FDIV_S, RNE, NV, 0x00000000, 0x00000000, 0, 0x7fc00000},
    /* -0 / 0: NV */
    {FDIV_S, RNE, NV, 0x80000000, 0x00000000, 0, 0x7fc00000},
    /* inf / -inf: NV */
    {FDIV_S, RNE, NV, 0x7f800000, 0xff800000, 0, 0x7fc00000},
    /* inf / 0 = inf, no DZ */
    {FDIV_S, RNE, 0, 0x7f800000, 0x00000000, 0, 0x7f800000},
    /* 0 / inf = 0 */
    {FDIV_S, RNE, 0, 0x00000000, 0x7f800000, 0, 0x00000000},
    /* -1 / inf = -0 */
    {FDIV_S, RNE, 0, 0xbf800000, 0x7f800000, 0, 0x80000000},
    /* -0 / 3 = -0 */
    {FDIV_S, RNE, 0, 0x80000000, 0x40400000, 0, 0x80000000},
    /* qNaN / 0: canonical NaN, no DZ */
    {FDIV_S, RNE, 0, 0x7fc00000, 0x00000000, 0, 0x7fc00000},
    /* 1 / sNaN: NV */
    {FDIV_S, RNE, NV, 0x3f800000, 0x7f800001, 0, 0x7fc00000},
    /* sqrt(4) = 2 */
    {FSQRT_S, RNE, 0, 0x40800000, 0, 0, 0x40000000},
    /* sqrt(2) */
    {FSQRT_S, RNE, NX, 0x40000000, 0, 0, 0x3fb504f3},
    {FSQRT_S, RTZ, NX, 0x40000000, 0, 0, 0x3fb504f3},
    {FSQRT_S, RDN, NX, 0x40000000, 0, 0, 0x3fb504f3},
    {FSQRT_S, RUP, NX, 0x40000000, 0, 0, 0x3fb504f4},
    {FSQRT_S, RMM, NX, 0x40000000, 0, 0, 0x3fb504f3},
    /* sqrt(3) */
    {FSQRT_S, RNE, NX, 0x40400000, 0, 0, 0x3fddb3d7},
    {FSQRT_S, RTZ, NX, 0x40400000, 0, 0, 0x3fddb3d7},
    {FSQRT_S, RDN, NX, 0x40400000, 0, 0, 0x3fddb3d7},
    {FSQRT_S, RUP, NX, 0x40400000, 0, 0, 0x3fddb3d8},
    {FSQRT_S, RMM, NX, 0x40400000, 0, 0, 0x3fddb3d7},
    /* sqrt(max) */
    {FSQRT_S, RNE, NX, 0x7f7fffff, 0, 0, 0x5f7fffff},
    {FSQRT_S, RTZ, NX, 0x7f7fffff, 0, 0, 0x5f7fffff},
    {FSQRT_S, RDN, NX, 0x7f7fffff, 0, 0, 0x5f7fffff},
    {FSQRT_S, RUP, NX, 0x7f7fffff, 0, 0, 0x5f800000},
    {FSQRT_S, RMM, NX, 0x7f7fffff, 0, 0, 0x5f7fffff},
    /* sqrt(smallest subnormal) */
    {FSQRT_S, RNE, NX, 0x00000001, 0, 0, 0x1a3504f3},
    {FSQRT_S, RTZ, NX, 0x00000001, 0, 0, 0x1a3504f3},
    {FSQRT_S, RDN, NX, 0x00000001, 0, 0, 0x1a3504f3},
    {FSQRT_S, RUP, NX, 0x00000001, 0, 0, 0x1a3504f4},
    {FSQRT_S, RMM, NX, 0x00000001, 0, 0, 0x1a3504f3},
    /* sqrt(2 subnormal ulps) exact (even power of two) */
    {FSQRT_S, RNE, 0, 0x00000002, 0, 0, 0x1a800000},
    /* sqrt(+0) = +0 */
    {FSQRT_S, RNE, 0, 0x00000000, 0, 0, 0x00000000},
    /* sqrt(-0) = -0, no flags */
    {FSQRT_S, RNE, 0, 0x80000000, 0, 0, 0x80000000},
    /* sqrt(inf) = inf */
    {FSQRT_S, RNE, 0, 0x7f800000, 0, 0, 0x7f800000},
    /* sqrt(-inf): NV */
    {FSQRT_S, RNE, NV, 0xff800000, 0, 0, 0x7fc00000},
    /* sqrt(-1): NV */
    {FSQRT_S, RNE, NV, 0xbf800000, 0, 0, 0x7fc00000},
    /* sqrt(-tiny): NV */
    {FSQRT_S, RNE, NV, 0x80000001, 0, 0, 0x7fc00000},
    /* sqrt(qNaN): canonical, no flags */
    {FSQRT_S, RNE, 0, 0x7fc00000, 0, 0, 0x7fc00000},
    /* sqrt(-qNaN): canonical, no flags */
    {FSQRT_S, RNE, 0, 0xffc00000, 0, 0, 0x7fc00000},
    /* sqrt(sNaN): NV */
    {FSQRT_S, RNE, NV, 0x7f800001, 0, 0, 0x7fc00000},
};
/* clang-format on */

int test_main(void)
{
    fp_run_table("arith-s", 1, vectors, NELEM(vectors));
    return 0;
}
