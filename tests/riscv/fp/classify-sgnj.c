/* fclass for all ten classes (with boundary values), fsgnj/fsgnjn/fsgnjx (only the sign
 * changes: NaNs are neither canonicalized nor quieted, no flags), and the moves: fmv.x.w
 * sign-extends the low 32 bits, fmv.w.x takes the low 32 bits of x and NaN-boxes them,
 * fmv.x.d/fmv.d.x copy 64 raw bits. No rounding mode: each row runs once.
 */
#include "fp.h"

static const fp_vec vectors[] = {
    /* S: fclass, each of the ten classes, no flags */
    {FCLASS_S, RNE, 0, 0xff800000, 0, 0, 0x1}, /* -inf */
    {FCLASS_S, RNE, 0, 0xbf800000, 0, 0, 0x2}, /* -normal */
    {FCLASS_S, RNE, 0, 0xff7fffff, 0, 0, 0x2}, /* -max */
    {FCLASS_S, RNE, 0, 0x80800000, 0, 0, 0x2}, /* -smallest normal */
    {FCLASS_S, RNE, 0, 0x807fffff, 0, 0, 0x4}, /* -largest subnormal */
    {FCLASS_S, RNE, 0, 0x80000001, 0, 0, 0x4}, /* -smallest subnormal */
    {FCLASS_S, RNE, 0, 0x80000000, 0, 0, 0x8}, /* -0 */
    {FCLASS_S, RNE, 0, 0x00000000, 0, 0, 0x10}, /* +0 */
    {FCLASS_S, RNE, 0, 0x00000001, 0, 0, 0x20}, /* +smallest subnormal */
    {FCLASS_S, RNE, 0, 0x007fffff, 0, 0, 0x20}, /* +largest subnormal */
    {FCLASS_S, RNE, 0, 0x00800000, 0, 0, 0x40}, /* +smallest normal */
    {FCLASS_S, RNE, 0, 0x3f800000, 0, 0, 0x40}, /* +normal */
    {FCLASS_S, RNE, 0, 0x7f7fffff, 0, 0, 0x40}, /* +max */
    {FCLASS_S, RNE, 0, 0x7f800000, 0, 0, 0x80}, /* +inf */
    {FCLASS_S, RNE, 0, 0x7f800001, 0, 0, 0x100}, /* sNaN */
    {FCLASS_S, RNE, 0, 0x7fa005a5, 0, 0, 0x100}, /* sNaN, other payload */
    {FCLASS_S, RNE, 0, 0xff800001, 0, 0, 0x100}, /* -sNaN */
    {FCLASS_S, RNE, 0, 0x7fbfffff, 0, 0, 0x100}, /* sNaN, largest payload */
    {FCLASS_S, RNE, 0, 0x7fc00000, 0, 0, 0x200}, /* qNaN */
    {FCLASS_S, RNE, 0, 0xffc00000, 0, 0, 0x200}, /* -qNaN */
    {FCLASS_S, RNE, 0, 0x7fc12345, 0, 0, 0x200}, /* qNaN with payload */
    {FCLASS_S, RNE, 0, 0xffffffff, 0, 0, 0x200}, /* all ones: -qNaN */
    /* S: sign injection: only the sign bit changes, NaNs are kept as they are, no flags */
    {FSGNJ_S, RNE, 0, 0x40400000, 0x3f800000, 0, 0x40400000}, /* 3, + */
    {FSGNJN_S, RNE, 0, 0x40400000, 0x3f800000, 0, 0xc0400000},
    {FSGNJX_S, RNE, 0, 0x40400000, 0x3f800000, 0, 0x40400000},
    {FSGNJ_S, RNE, 0, 0x40400000, 0xbf800000, 0, 0xc0400000}, /* 3, - */
    {FSGNJN_S, RNE, 0, 0x40400000, 0xbf800000, 0, 0x40400000},
    {FSGNJX_S, RNE, 0, 0x40400000, 0xbf800000, 0, 0xc0400000},
    {FSGNJ_S, RNE, 0, 0xc0400000, 0x3f800000, 0, 0x40400000}, /* -3, + */
    {FSGNJN_S, RNE, 0, 0xc0400000, 0x3f800000, 0, 0xc0400000},
    {FSGNJX_S, RNE, 0, 0xc0400000, 0x3f800000, 0, 0xc0400000},
    {FSGNJ_S, RNE, 0, 0xc0400000, 0xbf800000, 0, 0xc0400000}, /* -3, - */
    {FSGNJN_S, RNE, 0, 0xc0400000, 0xbf800000, 0, 0x40400000},
    {FSGNJX_S, RNE, 0, 0xc0400000, 0xbf800000, 0, 0x40400000},
    {FSGNJ_S, RNE, 0, 0x00000000, 0x80000000, 0, 0x80000000}, /* +0, - */
    {FSGNJN_S, RNE, 0, 0x00000000, 0x80000000, 0, 0x00000000},
    {FSGNJX_S, RNE, 0, 0x00000000, 0x80000000, 0, 0x80000000},
    {FSGNJ_S, RNE, 0, 0x7f800000, 0xffc00000, 0, 0xff800000}, /* inf, sign of -qNaN */
    {FSGNJN_S, RNE, 0, 0x7f800000, 0xffc00000, 0, 0x7f800000},
    {FSGNJX_S, RNE, 0, 0x7f800000, 0xffc00000, 0, 0xff800000},
    {FSGNJ_S, RNE, 0, 0x7f800001, 0xbf800000, 0, 0xff800001}, /* sNaN: not quieted, no NV */
    {FSGNJN_S, RNE, 0, 0x7f800001, 0xbf800000, 0, 0x7f800001},
    {FSGNJX_S, RNE, 0, 0x7f800001, 0xbf800000, 0, 0xff800001},
    {FSGNJ_S, RNE, 0, 0x7fc12345, 0x80000000, 0, 0xffc12345}, /* qNaN payload kept */
    {FSGNJN_S, RNE, 0, 0x7fc12345, 0x80000000, 0, 0x7fc12345},
    {FSGNJX_S, RNE, 0, 0x7fc12345, 0x80000000, 0, 0xffc12345},
    {FSGNJ_S, RNE, 0, 0xffa005a5, 0x7fa005a5, 0, 0x7fa005a5}, /* -sNaN, sign of an sNaN */
    {FSGNJN_S, RNE, 0, 0xffa005a5, 0x7fa005a5, 0, 0xffa005a5},
    {FSGNJX_S, RNE, 0, 0xffa005a5, 0x7fa005a5, 0, 0xffa005a5},
    {FSGNJ_S, RNE, 0, 0x00000001, 0xff800000, 0, 0x80000001}, /* subnormal */
    {FSGNJN_S, RNE, 0, 0x00000001, 0xff800000, 0, 0x00000001},
    {FSGNJX_S, RNE, 0, 0x00000001, 0xff800000, 0, 0x80000001},
    {FSGNJ_S, RNE, 0, 0x40a00000, 0x40a00000, 0, 0x40a00000}, /* fmv.s */
    {FSGNJN_S, RNE, 0, 0x40a00000, 0x40a00000, 0, 0xc0a00000}, /* fneg.s */
    {FSGNJX_S, RNE, 0, 0xc0a00000, 0xc0a00000, 0, 0x40a00000}, /* fabs.s */
    {FSGNJN_S, RNE, 0, 0x7f800001, 0x7f800001, 0, 0xff800001}, /* fneg of an sNaN: -sNaN, no NV */
    {FSGNJX_S, RNE, 0, 0xffc12345, 0xffc12345, 0, 0x7fc12345}, /* fabs of a -NaN: +NaN, payload kept */
    /* D: fclass, each of the ten classes, no flags */
    {FCLASS_D, RNE, 0, 0xfff0000000000000, 0, 0, 0x1}, /* -inf */
    {FCLASS_D, RNE, 0, 0xbff0000000000000, 0, 0, 0x2}, /* -normal */
    {FCLASS_D, RNE, 0, 0xffefffffffffffff, 0, 0, 0x2}, /* -max */
    {FCLASS_D, RNE, 0, 0x8010000000000000, 0, 0, 0x2}, /* -smallest normal */
    {FCLASS_D, RNE, 0, 0x800fffffffffffff, 0, 0, 0x4}, /* -largest subnormal */
    {FCLASS_D, RNE, 0, 0x8000000000000001, 0, 0, 0x4}, /* -smallest subnormal */
    {FCLASS_D, RNE, 0, 0x8000000000000000, 0, 0, 0x8}, /* -0 */
    {FCLASS_D, RNE, 0, 0x0000000000000000, 0, 0, 0x10}, /* +0 */
    {FCLASS_D, RNE, 0, 0x0000000000000001, 0, 0, 0x20}, /* +smallest subnormal */
    {FCLASS_D, RNE, 0, 0x000fffffffffffff, 0, 0, 0x20}, /* +largest subnormal */
    {FCLASS_D, RNE, 0, 0x0010000000000000, 0, 0, 0x40}, /* +smallest normal */
    {FCLASS_D, RNE, 0, 0x3ff0000000000000, 0, 0, 0x40}, /* +normal */
    {FCLASS_D, RNE, 0, 0x7fefffffffffffff, 0, 0, 0x40}, /* +max */
    {FCLASS_D, RNE, 0, 0x7ff0000000000000, 0, 0, 0x80}, /* +inf */
    {FCLASS_D, RNE, 0, 0x7ff0000000000001, 0, 0, 0x100}, /* sNaN */
    {FCLASS_D, RNE, 0, 0x7ff40000000005a5, 0, 0, 0x100}, /* sNaN, other payload */
    {FCLASS_D, RNE, 0, 0xfff0000000000001, 0, 0, 0x100}, /* -sNaN */
    {FCLASS_D, RNE, 0, 0x7ff7ffffffffffff, 0, 0, 0x100}, /* sNaN, largest payload */
    {FCLASS_D, RNE, 0, 0x7ff8000000000000, 0, 0, 0x200}, /* qNaN */
    {FCLASS_D, RNE, 0, 0xfff8000000000000, 0, 0, 0x200}, /* -qNaN */
    {FCLASS_D, RNE, 0, 0x7ff8000000012345, 0, 0, 0x200}, /* qNaN with payload */
    {FCLASS_D, RNE, 0, 0xffffffffffffffff, 0, 0, 0x200}, /* all ones: -qNaN */
    /* D: sign injection: only the sign bit changes, NaNs are kept as they are, no flags */
    {FSGNJ_D, RNE, 0, 0x4008000000000000, 0x3ff0000000000000, 0, 0x4008000000000000}, /* 3, + */
    {FSGNJN_D, RNE, 0, 0x4008000000000000, 0x3ff0000000000000, 0, 0xc008000000000000},
    {FSGNJX_D, RNE, 0, 0x4008000000000000, 0x3ff0000000000000, 0, 0x4008000000000000},
    {FSGNJ_D, RNE, 0, 0x4008000000000000, 0xbff0000000000000, 0, 0xc008000000000000}, /* 3, - */
    {FSGNJN_D, RNE, 0, 0x4008000000000000, 0xbff0000000000000, 0, 0x4008000000000000},
    {FSGNJX_D, RNE, 0, 0x4008000000000000, 0xbff0000000000000, 0, 0xc008000000000000},
    {FSGNJ_D, RNE, 0, 0xc008000000000000, 0x3ff0000000000000, 0, 0x4008000000000000}, /* -3, + */
    {FSGNJN_D, RNE, 0, 0xc008000000000000, 0x3ff0000000000000, 0, 0xc008000000000000},
    {FSGNJX_D, RNE, 0, 0xc008000000000000, 0x3ff0000000000000, 0, 0xc008000000000000},
    {FSGNJ_D, RNE, 0, 0xc008000000000000, 0xbff0000000000000, 0, 0xc008000000000000}, /* -3, - */
    {FSGNJN_D, RNE, 0, 0xc008000000000000, 0xbff0000000000000, 0, 0x4008000000000000},
    {FSGNJX_D, RNE, 0, 0xc008000000000000, 0xbff0000000000000, 0, 0x4008000000000000},
    {FSGNJ_D, RNE, 0, 0x0000000000000000, 0x8000000000000000, 0, 0x8000000000000000}, /* +0, - */
    {FSGNJN_D, RNE, 0, 0x0000000000000000, 0x8000000000000000, 0, 0x0000000000000000},
    {FSGNJX_D, RNE, 0, 0x0000000000000000, 0x8000000000000000, 0, 0x8000000000000000},
    {FSGNJ_D, RNE, 0, 0x7ff0000000000000, 0xfff8000000000000, 0, 0xfff0000000000000}, /* inf, sign of -qNaN */
    {FSGNJN_D, RNE, 0, 0x7ff0000000000000, 0xfff8000000000000, 0, 0x7ff0000000000000},
    {FSGNJX_D, RNE, 0, 0x7ff0000000000000, 0xfff8000000000000, 0, 0xfff0000000000000},
    {FSGNJ_D, RNE, 0, 0x7ff0000000000001, 0xbff0000000000000, 0, 0xfff0000000000001}, /* sNaN: not quieted, no NV */
    {FSGNJN_D, RNE, 0, 0x7ff0000000000001, 0xbff0000000000000, 0, 0x7ff0000000000001},
    {FSGNJX_D, RNE, 0, 0x7ff0000000000001, 0xbff0000000000000, 0, 0xfff0000000000001},
    {FSGNJ_D, RNE, 0, 0x7ff8000000012345, 0x8000000000000000, 0, 0xfff8000000012345}, /* qNaN payload kept */
    {FSGNJN_D, RNE, 0, 0x7ff8000000012345, 0x8000000000000000, 0, 0x7ff8000000012345},
    {FSGNJX_D, RNE, 0, 0x7ff8000000012345, 0x8000000000000000, 0, 0xfff8000000012345},
    {FSGNJ_D, RNE, 0, 0xfff40000000005a5, 0x7ff40000000005a5, 0, 0x7ff40000000005a5}, /* -sNaN, sign of an sNaN */
    {FSGNJN_D, RNE, 0, 0xfff40000000005a5, 0x7ff40000000005a5, 0, 0xfff40000000005a5},
    {FSGNJX_D, RNE, 0, 0xfff40000000005a5, 0x7ff40000000005a5, 0, 0xfff40000000005a5},
    {FSGNJ_D, RNE, 0, 0x0000000000000001, 0xfff0000000000000, 0, 0x8000000000000001}, /* subnormal */
    {FSGNJN_D, RNE, 0, 0x0000000000000001, 0xfff0000000000000, 0, 0x0000000000000001},
    {FSGNJX_D, RNE, 0, 0x0000000000000001, 0xfff0000000000000, 0, 0x8000000000000001},
    {FSGNJ_D, RNE, 0, 0x4014000000000000, 0x4014000000000000, 0, 0x4014000000000000}, /* fmv.s */
    {FSGNJN_D, RNE, 0, 0x4014000000000000, 0x4014000000000000, 0, 0xc014000000000000}, /* fneg.s */
    {FSGNJX_D, RNE, 0, 0xc014000000000000, 0xc014000000000000, 0, 0x4014000000000000}, /* fabs.s */
    {FSGNJN_D, RNE, 0, 0x7ff0000000000001, 0x7ff0000000000001, 0, 0xfff0000000000001}, /* fneg of an sNaN: -sNaN, no NV */
    {FSGNJX_D, RNE, 0, 0xfff8000000012345, 0xfff8000000012345, 0, 0x7ff8000000012345}, /* fabs of a -NaN: +NaN, payload kept */
    /* moves: fmv.x.w sign-extends the low 32 bits; fmv.w.x takes the low 32 bits of x and
     * boxes them; fmv.x.d and fmv.d.x copy 64 bits; no canonicalization, no flags */
    {FMV_X_W, RNE, 0, 0x3f800000, 0, 0, 0x000000003f800000}, /* 1.0: positive, upper bits 0 */
    {FMV_X_W, RNE, 0, 0xbf800000, 0, 0, 0xffffffffbf800000}, /* -1.0: sign-extended */
    {FMV_X_W, RNE, 0, 0x7f800001, 0, 0, 0x000000007f800001}, /* sNaN kept */
    {FMV_X_W, RNE, 0, 0xffc12345, 0, 0, 0xffffffffffc12345}, /* -NaN with payload kept */
    {FMV_X_W, RNE, 0, 0x80000000, 0, 0, 0xffffffff80000000}, /* -0 */
    {FMV_W_X, RNE, 0, 0x000000003f800000, 0, 0, 0x3f800000}, /* 1.0 */
    {FMV_W_X, RNE, 0, 0x123456787f800001, 0, 0, 0x7f800001}, /* upper bits of x ignored, sNaN kept */
    {FMV_W_X, RNE, 0, 0xffffffff80000000, 0, 0, 0x80000000}, /* -0 */
    {FMV_W_X, RNE, 0, 0x00000000ffc12345, 0, 0, 0xffc12345}, /* NaN with payload */
    {FMV_X_D, RNE, 0, 0x3ff0000000000000, 0, 0, 0x3ff0000000000000}, /* 1.0 */
    {FMV_D_X, RNE, 0, 0x3ff0000000000000, 0, 0, 0x3ff0000000000000},
    {FMV_X_D, RNE, 0, 0x7ff0000000000001, 0, 0, 0x7ff0000000000001}, /* sNaN kept */
    {FMV_D_X, RNE, 0, 0x7ff0000000000001, 0, 0, 0x7ff0000000000001},
    {FMV_X_D, RNE, 0, 0xfff8000000abcdef, 0, 0, 0xfff8000000abcdef}, /* -NaN payload kept */
    {FMV_D_X, RNE, 0, 0xfff8000000abcdef, 0, 0, 0xfff8000000abcdef},
    {FMV_X_D, RNE, 0, 0x8000000000000000, 0, 0, 0x8000000000000000}, /* -0 */
    {FMV_D_X, RNE, 0, 0x8000000000000000, 0, 0, 0x8000000000000000},
    {FMV_X_D, RNE, 0, 0xffffffff3f800000, 0, 0, 0xffffffff3f800000}, /* a boxed single as 64 bits */
    {FMV_D_X, RNE, 0, 0xffffffff3f800000, 0, 0, 0xffffffff3f800000},
};

int test_main(void)
{
    return fp_run_table("classify-sgnj", 1, vectors, NELEM(vectors));
}
