/* The F and D extensions' operations (all but loads and stores) as lists of
 * (operation, result expression), shared by the interpreter's handlers and the JIT's helpers
 * so that both compute exactly the same results and flags.
 *
 * A user defines, before expanding a list: RS1 (integer rs1's value), F(r) (FP register r),
 * FL (a uint32_t * to fflags), SX32(v), and has `ip` (the VrInsn) and, for the lists with
 * rounding, `rm` (the valid rounding mode) in scope. S1..S3 and D1..D3 are defined here.
 */
#ifndef VR_FP_OPS_H
#define VR_FP_OPS_H

#include "softfloat.h"

static inline uint32_t unbox32(uint64_t v)
{
    return (v >> 32) == 0xffffffffu ? (uint32_t) v : VR_F32_CANONICAL_NAN;
}

static inline uint64_t box32(uint32_t v)
{
    return 0xffffffff00000000ull | v;
}

#define S1 unbox32(F(ip->rs1))
#define S2 unbox32(F(ip->rs2))
#define S3 unbox32(F(ip->rs3))
#define D1 F(ip->rs1)
#define D2 F(ip->rs2)
#define D3 F(ip->rs3)

// clang-format off
/* Rounded, single-precision result (NaN-boxed by the user). */
#define VR_FP_ARITH_S(X) \
    X(FADD_S, vr_f32_add(S1, S2, rm, FL)) \
    X(FSUB_S, vr_f32_sub(S1, S2, rm, FL)) \
    X(FMUL_S, vr_f32_mul(S1, S2, rm, FL)) \
    X(FDIV_S, vr_f32_div(S1, S2, rm, FL)) \
    X(FSQRT_S, vr_f32_sqrt(S1, rm, FL)) \
    X(FMADD_S, vr_f32_muladd(S1, S2, S3, rm, FL)) \
    X(FMSUB_S, vr_f32_muladd(S1, S2, S3 ^ 0x80000000u, rm, FL)) \
    X(FNMSUB_S, vr_f32_muladd(S1 ^ 0x80000000u, S2, S3, rm, FL)) \
    X(FNMADD_S, vr_f32_muladd(S1 ^ 0x80000000u, S2, S3 ^ 0x80000000u, rm, FL)) \
    X(FCVT_S_W, vr_i32_to_f32((int32_t) RS1, rm, FL)) \
    X(FCVT_S_WU, vr_u32_to_f32((uint32_t) RS1, rm, FL)) \
    X(FCVT_S_L, vr_i64_to_f32((int64_t) RS1, rm, FL)) \
    X(FCVT_S_LU, vr_u64_to_f32(RS1, rm, FL)) \
    X(FCVT_S_D, vr_f64_to_f32(D1, rm, FL))

/* Rounded, double-precision result; FCVT.D.S is exact, but its rm must still be valid. */
#define VR_FP_ARITH_D(X) \
    X(FADD_D, vr_f64_add(D1, D2, rm, FL)) \
    X(FSUB_D, vr_f64_sub(D1, D2, rm, FL)) \
    X(FMUL_D, vr_f64_mul(D1, D2, rm, FL)) \
    X(FDIV_D, vr_f64_div(D1, D2, rm, FL)) \
    X(FSQRT_D, vr_f64_sqrt(D1, rm, FL)) \
    X(FMADD_D, vr_f64_muladd(D1, D2, D3, rm, FL)) \
    X(FMSUB_D, vr_f64_muladd(D1, D2, D3 ^ (1ull << 63), rm, FL)) \
    X(FNMSUB_D, vr_f64_muladd(D1 ^ (1ull << 63), D2, D3, rm, FL)) \
    X(FNMADD_D, vr_f64_muladd(D1 ^ (1ull << 63), D2, D3 ^ (1ull << 63), rm, FL)) \
    X(FCVT_D_W, vr_i32_to_f64((int32_t) RS1, rm, FL)) \
    X(FCVT_D_WU, vr_u32_to_f64((uint32_t) RS1, rm, FL)) \
    X(FCVT_D_L, vr_i64_to_f64((int64_t) RS1, rm, FL)) \
    X(FCVT_D_LU, vr_u64_to_f64(RS1, rm, FL)) \
    X(FCVT_D_S, ((void) rm, vr_f32_to_f64(S1, FL)))

/* FP result, no rounding mode. */
#define VR_FP_MOVE(X) \
    X(FSGNJ_S, box32((S1 & 0x7fffffffu) | (S2 & 0x80000000u))) \
    X(FSGNJN_S, box32((S1 & 0x7fffffffu) | (~S2 & 0x80000000u))) \
    X(FSGNJX_S, box32(S1 ^ (S2 & 0x80000000u))) \
    X(FSGNJ_D, (D1 & ~(1ull << 63)) | (D2 & (1ull << 63))) \
    X(FSGNJN_D, (D1 & ~(1ull << 63)) | (~D2 & (1ull << 63))) \
    X(FSGNJX_D, D1 ^ (D2 & (1ull << 63))) \
    X(FMIN_S, box32(vr_f32_min(S1, S2, FL))) \
    X(FMAX_S, box32(vr_f32_max(S1, S2, FL))) \
    X(FMIN_D, vr_f64_min(D1, D2, FL)) \
    X(FMAX_D, vr_f64_max(D1, D2, FL)) \
    X(FMV_W_X, box32((uint32_t) RS1)) \
    X(FMV_D_X, RS1)

/* Integer result, no rounding mode. */
#define VR_FP_TO_INT(X) \
    X(FEQ_S, vr_f32_eq(S1, S2, FL)) \
    X(FLT_S, vr_f32_lt(S1, S2, FL)) \
    X(FLE_S, vr_f32_le(S1, S2, FL)) \
    X(FEQ_D, vr_f64_eq(D1, D2, FL)) \
    X(FLT_D, vr_f64_lt(D1, D2, FL)) \
    X(FLE_D, vr_f64_le(D1, D2, FL)) \
    X(FCLASS_S, vr_f32_classify(S1)) \
    X(FCLASS_D, vr_f64_classify(D1)) \
    X(FMV_X_W, SX32((uint32_t) F(ip->rs1))) \
    X(FMV_X_D, F(ip->rs1))

/* Integer result, rounded. */
#define VR_FP_TO_INT_RM(X) \
    X(FCVT_W_S, SX32(vr_f32_to_i32(S1, rm, FL))) \
    X(FCVT_WU_S, SX32(vr_f32_to_u32(S1, rm, FL))) \
    X(FCVT_L_S, (uint64_t) vr_f32_to_i64(S1, rm, FL)) \
    X(FCVT_LU_S, vr_f32_to_u64(S1, rm, FL)) \
    X(FCVT_W_D, SX32(vr_f64_to_i32(D1, rm, FL))) \
    X(FCVT_WU_D, SX32(vr_f64_to_u32(D1, rm, FL))) \
    X(FCVT_L_D, (uint64_t) vr_f64_to_i64(D1, rm, FL)) \
    X(FCVT_LU_D, vr_f64_to_u64(D1, rm, FL))
// clang-format on

#endif
