/* Shared helpers of the F and D tests: raw bit patterns in and out of FP registers, every
 * rounding-mode-taking instruction runnable with a static rm (rne..rmm) or with rm = dyn,
 * and a table runner that checks result bits and fflags.
 *
 * Every operation goes through inline assembly with fixed registers (ft0..ft3), so the C
 * compiler never folds, contracts or reorders an FP operation. Inputs enter with fmv.d.x
 * (64 raw bits; single-precision inputs are NaN-boxed by the runner) and FP results leave
 * with fmv.x.d, so each single-precision result is also checked for its NaN boxing.
 */
#ifndef FP_H
#define FP_H

#include "rt.h"

/* fflags bits */
#define NX 0x01
#define UF 0x02
#define OF 0x04
#define DZ 0x08
#define NV 0x10

/* Rounding modes: an instruction's rm field or frm. RM_DYN runs the instruction with
 * rm = dyn (the mode then comes from frm). */
#define RNE    0
#define RTZ    1
#define RDN    2
#define RUP    3
#define RMM    4
#define RM_DYN 7

#define S_QNAN 0x7fc00000u
#define D_QNAN 0x7ff8000000000000ull

static inline uint64_t fp_box(uint32_t v)
{
    return 0xffffffff00000000ull | v;
}

/* Sign-extension of a 32-bit integer result into a 64-bit register (fcvt.w*, fmv.x.w). */
static inline uint64_t sext32(uint32_t v)
{
    return (uint64_t) (int64_t) (int32_t) v;
}

static inline void fp_clear_flags(void)
{
    __asm__ volatile("fsflagsi 0");
}
static inline uint64_t fp_flags(void)
{
    uint64_t v;
    __asm__ volatile("frflags %0" : "=r"(v));
    return v;
}
static inline void fp_set_frm(uint64_t rm)
{
    __asm__ volatile("fsrm %0" ::"r"(rm));
}
static inline uint64_t fp_frm(void)
{
    uint64_t v;
    __asm__ volatile("frrm %0" : "=r"(v));
    return v;
}

/* Raw register moves, for tests that do their own assembly around them. */
#define FP_SET(freg, bits) __asm__ volatile("fmv.d.x " freg ", %0" ::"r"((uint64_t) (bits)) : freg)
#define FP_GET(freg)                                      \
    ({                                                    \
        uint64_t v_;                                      \
        __asm__ volatile("fmv.x.d %0, " freg : "=r"(v_)); \
        v_;                                               \
    })

/* The operations, with their families:
 *   FFF_RM  f,f -> f with rm     FF_RM  f -> f with rm     FFFF_RM  f,f,f -> f with rm
 *   XF_RM   f -> x with rm       FX_RM  x -> f with rm
 *   FFF     f,f -> f             XFF    f,f -> x           XF  f -> x    FX  x -> f
 *   FF      f -> f (exact: the assembler takes no rm)
 * Kinds of destination/source: S (single, boxed), D (double), I (integer register). */
#define FP_OPS(X)                          \
    X(FADD_S, "fadd.s", FFF_RM, S, S)      \
    X(FSUB_S, "fsub.s", FFF_RM, S, S)      \
    X(FMUL_S, "fmul.s", FFF_RM, S, S)      \
    X(FDIV_S, "fdiv.s", FFF_RM, S, S)      \
    X(FSQRT_S, "fsqrt.s", FF_RM, S, S)     \
    X(FMADD_S, "fmadd.s", FFFF_RM, S, S)   \
    X(FMSUB_S, "fmsub.s", FFFF_RM, S, S)   \
    X(FNMSUB_S, "fnmsub.s", FFFF_RM, S, S) \
    X(FNMADD_S, "fnmadd.s", FFFF_RM, S, S) \
    X(FADD_D, "fadd.d", FFF_RM, D, D)      \
    X(FSUB_D, "fsub.d", FFF_RM, D, D)      \
    X(FMUL_D, "fmul.d", FFF_RM, D, D)      \
    X(FDIV_D, "fdiv.d", FFF_RM, D, D)      \
    X(FSQRT_D, "fsqrt.d", FF_RM, D, D)     \
    X(FMADD_D, "fmadd.d", FFFF_RM, D, D)   \
    X(FMSUB_D, "fmsub.d", FFFF_RM, D, D)   \
    X(FNMSUB_D, "fnmsub.d", FFFF_RM, D, D) \
    X(FNMADD_D, "fnmadd.d", FFFF_RM, D, D) \
    X(FCVT_W_S, "fcvt.w.s", XF_RM, I, S)   \
    X(FCVT_WU_S, "fcvt.wu.s", XF_RM, I, S) \
    X(FCVT_L_S, "fcvt.l.s", XF_RM, I, S)   \
    X(FCVT_LU_S, "fcvt.lu.s", XF_RM, I, S) \
    X(FCVT_W_D, "fcvt.w.d", XF_RM, I, D)   \
    X(FCVT_WU_D, "fcvt.wu.d", XF_RM, I, D) \
    X(FCVT_L_D, "fcvt.l.d", XF_RM, I, D)   \
    X(FCVT_LU_D, "fcvt.lu.d", XF_RM, I, D) \
    X(FCVT_S_W, "fcvt.s.w", FX_RM, S, I)   \
    X(FCVT_S_WU, "fcvt.s.wu", FX_RM, S, I) \
    X(FCVT_S_L, "fcvt.s.l", FX_RM, S, I)   \
    X(FCVT_S_LU, "fcvt.s.lu", FX_RM, S, I) \
    X(FCVT_D_W, "fcvt.d.w", FX, D, I)      \
    X(FCVT_D_WU, "fcvt.d.wu", FX, D, I)    \
    X(FCVT_D_L, "fcvt.d.l", FX_RM, D, I)   \
    X(FCVT_D_LU, "fcvt.d.lu", FX_RM, D, I) \
    X(FCVT_S_D, "fcvt.s.d", FF_RM, S, D)   \
    X(FCVT_D_S, "fcvt.d.s", FF, D, S)      \
    X(FMIN_S, "fmin.s", FFF, S, S)         \
    X(FMAX_S, "fmax.s", FFF, S, S)         \
    X(FMIN_D, "fmin.d", FFF, D, D)         \
    X(FMAX_D, "fmax.d", FFF, D, D)         \
    X(FSGNJ_S, "fsgnj.s", FFF, S, S)       \
    X(FSGNJN_S, "fsgnjn.s", FFF, S, S)     \
    X(FSGNJX_S, "fsgnjx.s", FFF, S, S)     \
    X(FSGNJ_D, "fsgnj.d", FFF, D, D)       \
    X(FSGNJN_D, "fsgnjn.d", FFF, D, D)     \
    X(FSGNJX_D, "fsgnjx.d", FFF, D, D)     \
    X(FEQ_S, "feq.s", XFF, I, S)           \
    X(FLT_S, "flt.s", XFF, I, S)           \
    X(FLE_S, "fle.s", XFF, I, S)           \
    X(FEQ_D, "feq.d", XFF, I, D)           \
    X(FLT_D, "flt.d", XFF, I, D)           \
    X(FLE_D, "fle.d", XFF, I, D)           \
    X(FCLASS_S, "fclass.s", XF, I, S)      \
    X(FCLASS_D, "fclass.d", XF, I, D)      \
    X(FMV_X_W, "fmv.x.w", XF, I, S)        \
    X(FMV_X_D, "fmv.x.d", XF, I, D)        \
    X(FMV_W_X, "fmv.w.x", FX, S, I)        \
    X(FMV_D_X, "fmv.d.x", FX, D, I)

enum {
#define FP_ENUM(id, mn, fam, dk, sk) id,
    FP_OPS(FP_ENUM)
#undef FP_ENUM
        FP_NUM_OPS
};

typedef struct fp_res {
    uint64_t v;  /* result: 64 raw bits of the FP register, or the integer register */
    uint64_t fl; /* fflags after the operation (cleared before it) */
} fp_res;

/* Run one operation: rm is RNE..RMM (static, encoded in the instruction) or RM_DYN (the
 * instruction says dyn; frm decides). a, b, c are raw register contents (for single
 * operands, give the NaN-boxed value: fp_box(x)). Operations without rm ignore it. */
fp_res fp_exec(int op, int rm, uint64_t a, uint64_t b, uint64_t c);

const char *fp_op_name(int op);

/* One row of a table: op, rounding mode, inputs, expected result and flags. Single-
 * precision inputs and results are written as their 32 bits; the runner boxes them. */
typedef struct fp_vec {
    uint16_t op;
    uint8_t rm;
    uint8_t flags;
    uint64_t a, b, c;
    uint64_t want;
} fp_vec;

/* Run each row twice, with its rounding mode static in the instruction (while frm holds
 * another mode) and with rm = dyn and frm set to it; rows of operations without rm run
 * once. Check numbers: row i of a table with first number `base` owns base + 4i .. base +
 * 4i + 3 (static result, static flags, dynamic result, dynamic flags), skipping multiples
 * of 256 (an exit status would read them as a pass). Returns 0 or ends the test. */
int fp_run_table(const char *table, int base, const fp_vec *v, int n);

/* The check number the runner uses for count x counted from `base`. */
int fp_check_number(int base, int x);

#define NELEM(a) ((int) (sizeof(a) / sizeof((a)[0])))

/* Classes reported by fclass */
#define FCLASS_NINF  (1 << 0)
#define FCLASS_NNORM (1 << 1)
#define FCLASS_NSUB  (1 << 2)
#define FCLASS_NZERO (1 << 3)
#define FCLASS_PZERO (1 << 4)
#define FCLASS_PSUB  (1 << 5)
#define FCLASS_PNORM (1 << 6)
#define FCLASS_PINF  (1 << 7)
#define FCLASS_SNAN  (1 << 8)
#define FCLASS_QNAN  (1 << 9)

/* After code that should have trapped exactly once: check that the trap was an illegal
 * instruction exception whose tval holds the instruction's bits (16 of them for a
 * compressed one), read back from the trapping pc. Check numbers n (count), n + 1
 * (cause), n + 2 (tval). */
void fp_check_illegal(int n);

#define EXPECT_ILLEGAL(n, ...) \
    do {                       \
        rt_expect_trap();      \
        __VA_ARGS__;           \
        fp_check_illegal(n);   \
    } while (0)

#endif
