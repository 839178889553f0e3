/* fclass for all ten classes (with boundary values), fsgnj/fsgnjn/fsgnjx (only the sign
 * changes: NaNs are neither canonicalized nor quieted, no flags), and the moves: fmv.x.w
 * sign-extends the low 32 bits, fmv.w.x takes the low 32 bits of x and NaN-boxes them,
 * fmv.x.d/fmv.d.x copy 64 raw bits. No rounding mode: each row runs once.
 */
#include "fp.h"

/* clang-format off: one row per line */
static const fp_vec vectors[] = {
    /* S: fclass, each of the ten classes, no flags */
    /* -inf */
    {FCLASS_S, RNE, 0, 0xff800000, 0, 0, 0x1},
    /* -normal */
    {FCLASS_S, RNE, 0, 0xbf800000, 0, 0, 0x2},
    /* -max */
    {FCLASS_S, RNE, 0, 0xff7fffff, 0, 0, 0x2},
    /* -smallest normal */
    {FCLASS_S, RNE, 0, 0x80800000, 0, 0, 0x2},
    /* -largest subnormal */
    {FCLASS_S, RNE, 0, 0x807fffff, 0, 0, 0x4},
    /* -smallest subnormal */
    {FCLASS_S, RNE, 0, 0x80000001, 0, 0, 0x4},
    /* -0 */
    {FCLASS_S, RNE, 0, 0x80000000, 0, 0, 0x8},
    /* +0 */
    {FCLASS_S, RNE, 0, 0x00000000, 0, 0, 0x10},
    /* +smallest subnormal */
    {FCLASS_S, RNE, 0, 0x00000001, 0, 0, 0x20},
    /* +largest subnormal */
    {FCLASS_S, RNE, 0, 0x007fffff, 0, 0, 0x20},
    /* +smallest normal */
    {FCLASS_S, RNE, 0, 0x00800000, 0, 0, 0x40},
    /* +normal */
    {FCLASS_S, RNE, 0, 0x3f800000, 0, 0, 0x40},
    /* +max */
    {FCLASS_S, RNE, 0, 0x7f7fffff, 0, 0, 0x40},
    /* +inf */
    {FCLASS_S, RNE, 0, 0x7f800000, 0, 0, 0x80},
    /* sNaN */
    {FCLASS_S, RNE, 0, 0x7f800001, 0, 0, 0x100},
    /* sNaN, other payload */
    {FCLASS_S, RNE, 0, 0x7fa005a5, 0, 0, 0x100},
    /* -sNaN */
    {FCLASS_S, RNE, 0, 0xff800001, 0, 0, 0x100},
    /* sNaN, largest payload */
    {FCLASS_S, RNE, 0, 0x7fbfffff, 0, 0, 0x100},
    /* qNaN */
    {FCLASS_S, RNE, 0, 0x7fc00000, 0, 0, 0x200},
    /* -qNaN */
    {FCLASS_S, RNE, 0, 0xffc00000, 0, 0, 0x200},
    /* qNaN with payload */
    {FCLASS_S, RNE, 0, 0x7fc12345, 0, 0, 0x200},
    /* all ones: -qNaN */
    {FCLASS_S, RNE, 0, 0xffffffff, 0, 0, 0x200},
    /* S: sign injection: only the sign bit changes, NaNs are kept as they are, no flags */
    /* 3, + */
    {FSGNJ_S, RNE, 0, 0x40400000, 0x3f800000, 0, 0x40400000},
    {FSGNJN_S, RNE, 0, 0x40400000, 0x3f800000, 0, 0xc0400000},
    {FSGNJX_S, RNE, 0, 0x40400000, 0x3f800000, 0, 0x40400000},
    /* 3, - */
    {FSGNJ_S, RNE, 0, 0x40400000, 0xbf800000, 0, 0xc0400000},
    {FSGNJN_S, RNE, 0, 0x40400000, 0xbf800000, 0, 0x40400000},
    {FSGNJX_S, RNE, 0, 0x40400000, 0xbf800000, 0, 0xc0400000},
    /* -3, + */
    {FSGNJ_S, RNE, 0, 0xc0400000, 0x3f800000, 0, 0x40400000},
    {FSGNJN_S, RNE, 0, 0xc0400000, 0x3f800000, 0, 0xc0400000},
    {FSGNJX_S, RNE, 0, 0xc0400000, 0x3f800000, 0, 0xc0400000},
    /* -3, - */
    {FSGNJ_S, RNE, 0, 0xc0400000, 0xbf800000, 0, 0xc0400000},
    {FSGNJN_S, RNE, 0, 0xc0400000, 0xbf800000, 0, 0x40400000},
    {FSGNJX_S, RNE, 0, 0xc0400000, 0xbf800000, 0, 0x40400000},
    /* +0, - */
    {FSGNJ_S, RNE, 0, 0x00000000, 0x80000000, 0, 0x80000000},
    {FSGNJN_S, RNE, 0, 0x00000000, 0x80000000, 0, 0x00000000},
    {FSGNJX_S, RNE, 0, 0x00000000, 0x80000000, 0, 0x80000000},
    /* inf, sign of -qNaN */
    {FSGNJ_S, RNE, 0, 0x7f800000, 0xffc00000, 0, 0xff800000},
    {FSGNJN_S, RNE, 0, 0x7f800000, 0xffc00000, 0, 0x7f800000},
    {FSGNJX_S, RNE, 0, 0x7f800000, 0xffc00000, 0, 0xff800000},
    /* sNaN: not quieted, no NV */
    {FSGNJ_S, RNE, 0, 0x7f800001, 0xbf800000, 0, 0xff800001},
    {FSGNJN_S, RNE, 0, 0x7f800001, 0xbf800000, 0, 0x7f800001},
    {FSGNJX_S, RNE, 0, 0x7f800001, 0xbf800000, 0, 0xff800001},
    /* qNaN payload kept */
    {FSGNJ_S, RNE, 0, 0x7fc12345, 0x80000000, 0, 0xffc12345},
    {FSGNJN_S, RNE, 0, 0x7fc12345, 0x80000000, 0, 0x7fc12345},
    {FSGNJX_S, RNE, 0, 0x7fc12345, 0x80000000, 0, 0xffc12345},
    /* -sNaN, sign of an sNaN */
    {FSGNJ_S, RNE, 0, 0xffa005a5, 0x7fa005a5, 0, 0x7fa005a5},
    {FSGNJN_S, RNE, 0, 0xffa005a5, 0x7fa005a5, 0, 0xffa005a5},
    {FSGNJX_S, RNE, 0, 0xffa005a5, 0x7fa005a5, 0, 0xffa005a5},
    /* subnormal */
    {FSGNJ_S, RNE, 0, 0x00000001, 0xff800000, 0, 0x80000001},
    {FSGNJN_S, RNE, 0, 0x00000001, 0xff800000, 0, 0x00000001},
    {FSGNJX_S, RNE, 0, 0x00000001, 0xff800000, 0, 0x80000001},
    /* fmv.s */
    {FSGNJ_S, RNE, 0, 0x40a00000, 0x40a00000, 0, 0x40a00000},
    /* fneg.s */
    {FSGNJN_S, RNE, 0, 0x40a00000, 0x40a00000, 0, 0xc0a00000},
    /* fabs.s */
    {FSGNJX_S, RNE, 0, 0xc0a00000, 0xc0a00000, 0, 0x40a00000},
    /* fneg of an sNaN: -sNaN, no NV */
    {FSGNJN_S, RNE, 0, 0x7f800001, 0x7f800001, 0, 0xff800001},
    /* fabs of a -NaN: +NaN, payload kept */
    {FSGNJX_S, RNE, 0, 0xffc12345, 0xffc12345, 0, 0x7fc12345},
    /* D: fclass, each of the ten classes, no flags */
    /* -inf */
    {FCLASS_D, RNE, 0, 0xfff0000000000000, 0, 0, 0x1},
    /* -normal */
    {FCLASS_D, RNE, 0, 0xbff0000000000000, 0, 0, 0x2},
    /* -max */
    {FCLASS_D, RNE, 0, 0xffefffffffffffff, 0, 0, 0x2},
    /* -smallest normal */
    {FCLASS_D, RNE, 0, 0x8010000000000000, 0, 0, 0x2},
    /* -largest subnormal */
    {FCLASS_D, RNE, 0, 0x800fffffffffffff, 0, 0, 0x4},
    /* -smallest subnormal */
    {FCLASS_D, RNE, 0, 0x8000000000000001, 0, 0, 0x4},
    /* -0 */
    {FCLASS_D, RNE, 0, 0x8000000000000000, 0, 0, 0x8},
    /* +0 */
    {FCLASS_D, RNE, 0, 0x0000000000000000, 0, 0, 0x10},
    /* +smallest subnormal */
    {FCLASS_D, RNE, 0, 0x0000000000000001, 0, 0, 0x20},
    /* +largest subnormal */
    {FCLASS_D, RNE, 0, 0x000fffffffffffff, 0, 0, 0x20},
    /* +smallest normal */
    {FCLASS_D, RNE, 0, 0x0010000000000000, 0, 0, 0x40},
    /* +normal */
    {FCLASS_D, RNE, 0, 0x3ff0000000000000, 0, 0, 0x40},
    /* +max */
    {FCLASS_D, RNE, 0, 0x7fefffffffffffff, 0, 0, 0x40},
    /* +inf */
    {FCLASS_D, RNE, 0, 0x7ff0000000000000, 0, 0, 0x80},
    /* sNaN */
    {FCLASS_D, RNE, 0, 0x7ff0000000000001, 0, 0, 0x100},
    /* sNaN, other payload */
    {FCLASS_D, RNE, 0, 0x7ff40000000005a5, 0, 0, 0x100},
    /* -sNaN */
    {FCLASS_D, RNE, 0, 0xfff0000000000001, 0, 0, 0x100},
    /* sNaN, largest payload */
    {FCLASS_D, RNE, 0, 0x7ff7ffffffffffff, 0, 0, 0x100},
    /* qNaN */
    {FCLASS_D, RNE, 0, 0x7ff8000000000000, 0, 0, 0x200},
    /* -qNaN */
    {FCLASS_D, RNE, 0, 0xfff8000000000000, 0, 0, 0x200},
    /* qNaN with payload */
    {FCLASS_D, RNE, 0, 0x7ff8000000012345, 0, 0, 0x200},
    /* all ones: -qNaN */
    {FCLASS_D, RNE, 0, 0xffffffffffffffff, 0, 0, 0x200},
    /* D: sign injection: only the sign bit changes, NaNs are kept as they are, no flags */
    /* 3, + */
    {FSGNJ_D, RNE, 0, 0x4008000000000000, 0x3ff0000000000000, 0, 0x4008000000000000},
    {FSGNJN_D, RNE, 0, 0x4008000000000000, 0x3ff0000000000000, 0, 0xc008000000000000},
    {FSGNJX_D, RNE, 0, 0x4008000000000000, 0x3ff0000000000000, 0, 0x4008000000000000},
    /* 3, - */
    {FSGNJ_D, RNE, 0, 0x4008000000000000, 0xbff0000000000000, 0, 0xc008000000000000},
    {FSGNJN_D, RNE, 0, 0x4008000000000000, 0xbff0000000000000, 0, 0x4008000000000000},
    {FSGNJX_D, RNE, 0, 0x4008000000000000, 0xbff0000000000000, 0, 0xc008000000000000},
    /* -3, + */
    {FSGNJ_D, RNE, 0, 0xc008000000000000, 0x3ff0000000000000, 0, 0x4008000000000000},
    {FSGNJN_D, RNE, 0, 0xc008000000000000, 0x3ff0000000000000, 0, 0xc008000000000000},
    {FSGNJX_D, RNE, 0, 0xc008000000000000, 0x3ff0000000000000, 0, 0xc008000000000000},
    /* -3, - */
    {FSGNJ_D, RNE, 0, 0xc008000000000000, 0xbff0000000000000, 0, 0xc008000000000000},
    {FSGNJN_D, RNE, 0, 0xc008000000000000, 0xbff0000000000000, 0, 0x4008000000000000},
    {FSGNJX_D, RNE, 0, 0xc008000000000000, 0xbff0000000000000, 0, 0x4008000000000000},
    /* +0, - */
    {FSGNJ_D, RNE, 0, 0x0000000000000000, 0x8000000000000000, 0, 0x8000000000000000},
    {FSGNJN_D, RNE, 0, 0x0000000000000000, 0x8000000000000000, 0, 0x0000000000000000},
    {FSGNJX_D, RNE, 0, 0x0000000000000000, 0x8000000000000000, 0, 0x8000000000000000},
    /* inf, sign of -qNaN */
    {FSGNJ_D, RNE, 0, 0x7ff0000000000000, 0xfff8000000000000, 0, 0xfff0000000000000},
    {FSGNJN_D, RNE, 0, 0x7ff0000000000000, 0xfff8000000000000, 0, 0x7ff0000000000000},
    {FSGNJX_D, RNE, 0, 0x7ff0000000000000, 0xfff8000000000000, 0, 0xfff0000000000000},
    /* sNaN: not quieted, no NV */
    {FSGNJ_D, RNE, 0, 0x7ff0000000000001, 0xbff0000000000000, 0, 0xfff0000000000001},
    {FSGNJN_D, RNE, 0, 0x7ff0000000000001, 0xbff0000000000000, 0, 0x7ff0000000000001},
    {FSGNJX_D, RNE, 0, 0x7ff0000000000001, 0xbff0000000000000, 0, 0xfff0000000000001},
    /* qNaN payload kept */
    {FSGNJ_D, RNE, 0, 0x7ff8000000012345, 0x8000000000000000, 0, 0xfff8000000012345},
    {FSGNJN_D, RNE, 0, 0x7ff8000000012345, 0x8000000000000000, 0, 0x7ff8000000012345},
    {FSGNJX_D, RNE, 0, 0x7ff8000000012345, 0x8000000000000000, 0, 0xfff8000000012345},
    /* -sNaN, sign of an sNaN */
    {FSGNJ_D, RNE, 0, 0xfff40000000005a5, 0x7ff40000000005a5, 0, 0x7ff40000000005a5},
    {FSGNJN_D, RNE, 0, 0xfff40000000005a5, 0x7ff40000000005a5, 0, 0xfff40000000005a5},
    {FSGNJX_D, RNE, 0, 0xfff40000000005a5, 0x7ff40000000005a5, 0, 0xfff40000000005a5},
    /* subnormal */
    {FSGNJ_D, RNE, 0, 0x0000000000000001, 0xfff0000000000000, 0, 0x8000000000000001},
    {FSGNJN_D, RNE, 0, 0x0000000000000001, 0xfff0000000000000, 0, 0x0000000000000001},
    {FSGNJX_D, RNE, 0, 0x0000000000000001, 0xfff0000000000000, 0, 0x8000000000000001},
    /* fmv.s */
    {FSGNJ_D, RNE, 0, 0x4014000000000000, 0x4014000000000000, 0, 0x4014000000000000},
    /* fneg.s */
    {FSGNJN_D, RNE, 0, 0x4014000000000000, 0x4014000000000000, 0, 0xc014000000000000},
    /* fabs.s */
    {FSGNJX_D, RNE, 0, 0xc014000000000000, 0xc014000000000000, 0, 0x4014000000000000},
    /* fneg of an sNaN: -sNaN, no NV */
    {FSGNJN_D, RNE, 0, 0x7ff0000000000001, 0x7ff0000000000001, 0, 0xfff0000000000001},
    /* fabs of a -NaN: +NaN, payload kept */
    {FSGNJX_D, RNE, 0, 0xfff8000000012345, 0xfff8000000012345, 0, 0x7ff8000000012345},
    /* moves: fmv.x.w sign-extends the low 32 bits; fmv.w.x takes the low 32 bits of x and
     * boxes them; fmv.x.d and fmv.d.x copy 64 bits; no canonicalization, no flags */
    /* 1.0: positive, upper bits 0 */
    {FMV_X_W, RNE, 0, 0x3f800000, 0, 0, 0x000000003f800000},
    /* -1.0: sign-extended */
    {FMV_X_W, RNE, 0, 0xbf800000, 0, 0, 0xffffffffbf800000},
    /* sNaN kept */
    {FMV_X_W, RNE, 0, 0x7f800001, 0, 0, 0x000000007f800001},
    /* -NaN with payload kept */
    {FMV_X_W, RNE, 0, 0xffc12345, 0, 0, 0xffffffffffc12345},
    /* -0 */
    {FMV_X_W, RNE, 0, 0x80000000, 0, 0, 0xffffffff80000000},
    /* 1.0 */
    {FMV_W_X, RNE, 0, 0x000000003f800000, 0, 0, 0x3f800000},
    /* upper bits of x ignored, sNaN kept */
    {FMV_W_X, RNE, 0, 0x123456787f800001, 0, 0, 0x7f800001},
    /* -0 */
    {FMV_W_X, RNE, 0, 0xffffffff80000000, 0, 0, 0x80000000},
    /* NaN with payload */
    {FMV_W_X, RNE, 0, 0x00000000ffc12345, 0, 0, 0xffc12345},
    /* 1.0 */
    {FMV_X_D, RNE, 0, 0x3ff0000000000000, 0, 0, 0x3ff0000000000000},
    {FMV_D_X, RNE, 0, 0x3ff0000000000000, 0, 0, 0x3ff0000000000000},
    /* sNaN kept */
    {FMV_X_D, RNE, 0, 0x7ff0000000000001, 0, 0, 0x7ff0000000000001},
    {FMV_D_X, RNE, 0, 0x7ff0000000000001, 0, 0, 0x7ff0000000000001},
    /* -NaN payload kept */
    {FMV_X_D, RNE, 0, 0xfff8000000abcdef, 0, 0, 0xfff8000000abcdef},
    {FMV_D_X, RNE, 0, 0xfff8000000abcdef, 0, 0, 0xfff8000000abcdef},
    /* -0 */
    {FMV_X_D, RNE, 0, 0x8000000000000000, 0, 0, 0x8000000000000000},
    {FMV_D_X, RNE, 0, 0x8000000000000000, 0, 0, 0x8000000000000000},
    /* a boxed single as 64 bits */
    {FMV_X_D, RNE, 0, 0xffffffff3f800000, 0, 0, 0xffffffff3f800000},
    {FMV_D_X, RNE, 0, 0xffffffff3f800000, 0, 0, 0xffffffff3f800000},
};
/* clang-format on */

int test_main(void)
{
    return fp_run_table("classify-sgnj", 1, vectors, NELEM(vectors));
}
