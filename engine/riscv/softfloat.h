/* IEEE 754 binary32/binary64 arithmetic with RISC-V's semantics.
 *
 * Every operation takes its rounding mode explicitly and ORs the exception flags it raises
 * into *flags. Values travel as raw bit patterns (binary32 in a uint32_t, binary64 in a
 * uint64_t). Results follow the RISC-V F and D extensions:
 *  - a NaN result is always the canonical NaN (0x7fc00000 / 0x7ff8000000000000);
 *  - tininess is detected after rounding;
 *  - float-to-integer conversions saturate (NaN and +inf/too large give the largest value,
 *    -inf/too small the smallest) and raise NV, with NX only for an in-range inexact result;
 *  - min/max follow minimumNumber/maximumNumber of IEEE 754-2019 (-0 < +0, a single NaN
 *    operand yields the other operand, NV only for a signaling NaN input);
 *  - eq is quiet (NV only for a signaling NaN), lt/le are signaling (NV for any NaN).
 * Nothing here touches the host's floating-point environment.
 */
#ifndef VR_SOFTFLOAT_H
#define VR_SOFTFLOAT_H

#include <stdbool.h>
#include <stdint.h>

typedef enum {
    VR_RM_RNE = 0, /* round to nearest, ties to even */
    VR_RM_RTZ = 1, /* toward zero */
    VR_RM_RDN = 2, /* toward -inf */
    VR_RM_RUP = 3, /* toward +inf */
    VR_RM_RMM = 4, /* round to nearest, ties to max magnitude */
} VrRoundingMode;

enum {
    VR_FFLAG_NX = 1 << 0, /* inexact */
    VR_FFLAG_UF = 1 << 1, /* underflow */
    VR_FFLAG_OF = 1 << 2, /* overflow */
    VR_FFLAG_DZ = 1 << 3, /* divide by zero */
    VR_FFLAG_NV = 1 << 4, /* invalid */
};

#define VR_F32_CANONICAL_NAN 0x7fc00000u
#define VR_F64_CANONICAL_NAN 0x7ff8000000000000ull

uint32_t vr_f32_add(uint32_t a, uint32_t b, int rm, uint32_t *flags);
uint32_t vr_f32_sub(uint32_t a, uint32_t b, int rm, uint32_t *flags);
uint32_t vr_f32_mul(uint32_t a, uint32_t b, int rm, uint32_t *flags);
uint32_t vr_f32_div(uint32_t a, uint32_t b, int rm, uint32_t *flags);
uint32_t vr_f32_sqrt(uint32_t a, int rm, uint32_t *flags);
/* a*b+c with a single rounding. */
uint32_t vr_f32_muladd(uint32_t a, uint32_t b, uint32_t c, int rm, uint32_t *flags);
uint32_t vr_f32_min(uint32_t a, uint32_t b, uint32_t *flags);
uint32_t vr_f32_max(uint32_t a, uint32_t b, uint32_t *flags);
bool vr_f32_eq(uint32_t a, uint32_t b, uint32_t *flags);
bool vr_f32_lt(uint32_t a, uint32_t b, uint32_t *flags);
bool vr_f32_le(uint32_t a, uint32_t b, uint32_t *flags);
/* FCLASS.S: one bit set, 0 = -inf ... 9 = quiet NaN. */
uint32_t vr_f32_classify(uint32_t a);

uint64_t vr_f64_add(uint64_t a, uint64_t b, int rm, uint32_t *flags);
uint64_t vr_f64_sub(uint64_t a, uint64_t b, int rm, uint32_t *flags);
uint64_t vr_f64_mul(uint64_t a, uint64_t b, int rm, uint32_t *flags);
uint64_t vr_f64_div(uint64_t a, uint64_t b, int rm, uint32_t *flags);
uint64_t vr_f64_sqrt(uint64_t a, int rm, uint32_t *flags);
uint64_t vr_f64_muladd(uint64_t a, uint64_t b, uint64_t c, int rm, uint32_t *flags);
uint64_t vr_f64_min(uint64_t a, uint64_t b, uint32_t *flags);
uint64_t vr_f64_max(uint64_t a, uint64_t b, uint32_t *flags);
bool vr_f64_eq(uint64_t a, uint64_t b, uint32_t *flags);
bool vr_f64_lt(uint64_t a, uint64_t b, uint32_t *flags);
bool vr_f64_le(uint64_t a, uint64_t b, uint32_t *flags);
uint32_t vr_f64_classify(uint64_t a);

/* Conversions between formats. */
uint64_t vr_f32_to_f64(uint32_t a, uint32_t *flags);
uint32_t vr_f64_to_f32(uint64_t a, int rm, uint32_t *flags);

/* Float to integer (saturating, see above). */
int32_t vr_f32_to_i32(uint32_t a, int rm, uint32_t *flags);
uint32_t vr_f32_to_u32(uint32_t a, int rm, uint32_t *flags);
int64_t vr_f32_to_i64(uint32_t a, int rm, uint32_t *flags);
uint64_t vr_f32_to_u64(uint32_t a, int rm, uint32_t *flags);
int32_t vr_f64_to_i32(uint64_t a, int rm, uint32_t *flags);
uint32_t vr_f64_to_u32(uint64_t a, int rm, uint32_t *flags);
int64_t vr_f64_to_i64(uint64_t a, int rm, uint32_t *flags);
uint64_t vr_f64_to_u64(uint64_t a, int rm, uint32_t *flags);

/* Integer to float. */
uint32_t vr_i32_to_f32(int32_t a, int rm, uint32_t *flags);
uint32_t vr_u32_to_f32(uint32_t a, int rm, uint32_t *flags);
uint32_t vr_i64_to_f32(int64_t a, int rm, uint32_t *flags);
uint32_t vr_u64_to_f32(uint64_t a, int rm, uint32_t *flags);
uint64_t vr_i32_to_f64(int32_t a, int rm, uint32_t *flags);
uint64_t vr_u32_to_f64(uint32_t a, int rm, uint32_t *flags);
uint64_t vr_i64_to_f64(int64_t a, int rm, uint32_t *flags);
uint64_t vr_u64_to_f64(uint64_t a, int rm, uint32_t *flags);

#endif
