/* NaN boxing of single-precision values in the 64-bit FP registers (F chapter, "NaN
 * Boxing of Narrower Values"). A single-precision operand whose upper 32 bits are not all
 * ones reads as the canonical NaN (quiet: no NV by itself); every single-precision result
 * is written boxed; flw boxes the loaded word; fsw and fmv.x.w use the low 32 bits
 * whatever the upper ones hold. Inputs go in raw through fp_exec (no boxing by the test).
 */
#include "fp.h"

#define ONE_S  0x3f800000u
#define TWO_S  0x40000000u
#define MONE_S 0xbf800000u

/* Improperly boxed values */
#define UNBOXED_1 0x000000003f800000ull /* 1.0f with the upper half clear (fmv.d.x of an int) */
#define UNBOXED_2 0xfffffffe3f800000ull /* one upper bit missing */
#define UNBOXED_3 0x7fffffff40000000ull /* the top bit missing */
#define UNBOXED_D 0x3ff0000000000000ull /* a double: 1.0 */
#define UNBOXED_I 0x0000000000000001ull /* a small integer */
#define UNBOXED_M 0x00000000bf800000ull /* -1.0f unboxed: its sign bit must not count */
#define UNBOXED_Z 0x0000000000000000ull /* all zeros: not +0.0f */

static void t(int n, int op, int rm, uint64_t a, uint64_t b, uint64_t c, uint64_t want,
              uint64_t want_flags)
{
    fp_res r = fp_exec(op, rm, a, b, c);
    if (r.v != want || r.fl != want_flags)
        rt_printf("nanbox: %s a=0x%lx b=0x%lx c=0x%lx\n", fp_op_name(op), a, b, c);
    CHECK_EQ(n, r.v, want);
    CHECK_EQ(n + 1, r.fl, want_flags);
}

static void unboxed_inputs(void)
{
    const uint64_t qnan = fp_box(S_QNAN);
    /* arithmetic: canonical NaN out, no flags (the NaN read is quiet) */
    t(1, FADD_S, RNE, UNBOXED_1, fp_box(ONE_S), 0, qnan, 0);
    t(3, FADD_S, RNE, fp_box(ONE_S), UNBOXED_2, 0, qnan, 0);
    t(5, FSUB_S, RTZ, UNBOXED_3, UNBOXED_3, 0, qnan, 0);
    t(7, FMUL_S, RNE, UNBOXED_D, fp_box(TWO_S), 0, qnan, 0);
    t(9, FDIV_S, RNE, fp_box(ONE_S), UNBOXED_Z, 0, qnan, 0); /* not 1/0: no DZ */
    t(11, FSQRT_S, RNE, UNBOXED_M, 0, 0, qnan, 0);           /* not sqrt(-1): no NV */
    t(13, FMADD_S, RNE, fp_box(ONE_S), fp_box(ONE_S), UNBOXED_I, qnan, 0);
    t(15, FNMSUB_S, RNE, UNBOXED_1, fp_box(TWO_S), fp_box(ONE_S), qnan, 0);
    t(17, FMADD_S, RNE, fp_box(0x7f800000), fp_box(0), UNBOXED_1, qnan, NV); /* inf*0 + NaN */
    /* sign injection reads the canonical NaN too (sign 0) */
    t(21, FSGNJ_S, RNE, fp_box(ONE_S), UNBOXED_M, 0, fp_box(ONE_S), 0);
    t(23, FSGNJN_S, RNE, fp_box(ONE_S), UNBOXED_M, 0, fp_box(MONE_S), 0);
    t(25, FSGNJX_S, RNE, fp_box(MONE_S), UNBOXED_M, 0, fp_box(MONE_S), 0);
    t(27, FSGNJ_S, RNE, UNBOXED_M, fp_box(MONE_S), 0, fp_box(0xffc00000), 0);
    t(29, FSGNJN_S, RNE, UNBOXED_1, UNBOXED_1, 0, fp_box(0xffc00000), 0);
    t(31, FSGNJX_S, RNE, UNBOXED_D, UNBOXED_D, 0, qnan, 0);
    /* min/max: the unboxed operand is a quiet NaN, so the other one comes out */
    t(41, FMIN_S, RNE, UNBOXED_M, fp_box(TWO_S), 0, fp_box(TWO_S), 0);
    t(43, FMAX_S, RNE, fp_box(MONE_S), UNBOXED_1, 0, fp_box(MONE_S), 0);
    t(45, FMAX_S, RNE, UNBOXED_1, UNBOXED_2, 0, qnan, 0);
    t(47, FMIN_S, RNE, UNBOXED_1, fp_box(0x7f800001), 0, qnan, NV);
    /* compares: quiet NaN */
    t(51, FEQ_S, RNE, UNBOXED_1, UNBOXED_1, 0, 0, 0);
    t(53, FEQ_S, RNE, UNBOXED_Z, fp_box(0), 0, 0, 0);
    t(55, FLT_S, RNE, UNBOXED_I, fp_box(ONE_S), 0, 0, NV);
    t(57, FLE_S, RNE, fp_box(ONE_S), UNBOXED_2, 0, 0, NV);
    /* fclass: a quiet NaN, whatever the low bits say */
    t(61, FCLASS_S, RNE, UNBOXED_1, 0, 0, FCLASS_QNAN, 0);
    t(63, FCLASS_S, RNE, UNBOXED_Z, 0, 0, FCLASS_QNAN, 0);
    t(65, FCLASS_S, RNE, 0x000000007f800001ull, 0, 0, FCLASS_QNAN, 0); /* an unboxed sNaN */
    /* conversions from single */
    t(71, FCVT_W_S, RNE, UNBOXED_M, 0, 0, 0x7fffffff, NV);
    t(73, FCVT_LU_S, RTZ, UNBOXED_1, 0, 0, 0xffffffffffffffffull, NV);
    t(75, FCVT_D_S, RNE, UNBOXED_1, 0, 0, D_QNAN, 0);
    t(77, FCVT_D_S, RNE, 0x000000007f800001ull, 0, 0, D_QNAN, 0); /* not an sNaN: no NV */
    /* fmv.x.w takes the low 32 bits as they are, sign-extended */
    t(81, FMV_X_W, RNE, 0x123456789abcdef0ull, 0, 0, 0xffffffff9abcdef0ull, 0);
    t(83, FMV_X_W, RNE, UNBOXED_1, 0, 0, ONE_S, 0);
    t(85, FMV_X_W, RNE, UNBOXED_D, 0, 0, 0, 0);
    /* double operations see all 64 bits: a boxed single is a double NaN */
    t(91, FADD_D, RNE, fp_box(ONE_S), 0x3ff0000000000000ull, 0, D_QNAN, 0);
    t(93, FSGNJ_D, RNE, fp_box(ONE_S), 0, 0, 0x7fffffff3f800000ull, 0);
    t(95, FMV_X_D, RNE, fp_box(ONE_S), 0, 0, fp_box(ONE_S), 0);
}

static void boxed_results(void)
{
    /* Results of every kind of single-precision writer are boxed, whatever the register
     * held before: ft3 starts with a double in it. */
    uint64_t r[8];
    __asm__ volatile(
        "li t0, 0x3ff0000000000000\n\t"
        "fmv.d.x ft0, t0\n\tfmv.d.x ft3, t0\n\tfmv.w.x ft3, %[one]\n\tfmv.x.d %[r0], ft3\n\t"
        "fmv.d.x ft3, t0\n\tfcvt.s.d ft3, ft0\n\tfmv.x.d %[r1], ft3\n\t"
        "fmv.d.x ft3, t0\n\tfcvt.s.w ft3, %[three]\n\tfmv.x.d %[r2], ft3\n\t"
        "fmv.d.x ft3, t0\n\tfcvt.s.lu ft3, %[three]\n\tfmv.x.d %[r3], ft3\n\t"
        "fmv.w.x ft1, %[one]\n\tfmv.d.x ft3, t0\n\tfsgnjn.s ft3, ft1, ft1\n\tfmv.x.d %[r4], ft3\n\t"
        "fmv.d.x ft3, t0\n\tfmax.s ft3, ft1, ft1\n\tfmv.x.d %[r5], ft3\n\t"
        "fmv.d.x ft3, t0\n\tfmadd.s ft3, ft1, ft1, ft1\n\tfmv.x.d %[r6], ft3\n\t"
        "fmv.d.x ft3, t0\n\tfsqrt.s ft3, ft1\n\tfmv.x.d %[r7], ft3"
        : [r0] "=&r"(r[0]), [r1] "=&r"(r[1]), [r2] "=&r"(r[2]), [r3] "=&r"(r[3]), [r4] "=&r"(r[4]),
          [r5] "=&r"(r[5]), [r6] "=&r"(r[6]), [r7] "=&r"(r[7])
        : [one] "r"((uint64_t) ONE_S), [three] "r"(3ull)
        : "t0", "ft0", "ft1", "ft3");
    CHECK_EQ(101, r[0], fp_box(ONE_S));      /* fmv.w.x */
    CHECK_EQ(102, r[1], fp_box(ONE_S));      /* fcvt.s.d */
    CHECK_EQ(103, r[2], fp_box(0x40400000)); /* fcvt.s.w */
    CHECK_EQ(104, r[3], fp_box(0x40400000)); /* fcvt.s.lu */
    CHECK_EQ(105, r[4], fp_box(MONE_S));     /* fsgnjn.s */
    CHECK_EQ(106, r[5], fp_box(ONE_S));      /* fmax.s */
    CHECK_EQ(107, r[6], fp_box(TWO_S));      /* fmadd.s */
    CHECK_EQ(108, r[7], fp_box(ONE_S));      /* fsqrt.s */
}

static void loads_and_stores(void)
{
    volatile uint32_t words[4] = {0x11111111, 0x7f800001, 0x22222222, 0x33333333};
    volatile uint64_t dword = 0;
    uint64_t v, fl;

    /* flw boxes (an sNaN stays as it is, no flags), over a register holding a double */
    __asm__ volatile("li t0, 0x4000000000000000\n\tfmv.d.x ft0, t0\n\tfsflagsi 0\n\t"
                     "flw ft0, 4(%2)\n\tfrflags %1\n\tfmv.x.d %0, ft0"
                     : "=r"(v), "=r"(fl)
                     : "r"(words)
                     : "t0", "ft0", "memory");
    CHECK_EQ(111, v, fp_box(0x7f800001));
    CHECK_EQ(112, fl, 0);

    /* fsw stores the low 32 bits of an unboxed register, and only those */
    __asm__ volatile("fmv.d.x ft0, %1\n\tfsw ft0, 8(%0)" ::"r"(words), "r"(0x123456789abcdef0ull)
                     : "ft0", "memory");
    CHECK_EQ(113, words[2], 0x9abcdef0);
    CHECK_EQ(114, words[1], 0x7f800001);
    CHECK_EQ(115, words[3], 0x33333333);

    /* fsd of a boxed single writes all 64 bits, box included; fld reads them back */
    __asm__ volatile("fmv.w.x ft0, %2\n\tfsd ft0, 0(%1)\n\tfld ft1, 0(%1)\n\tfmv.x.d %0, ft1"
                     : "=r"(v)
                     : "r"(&dword), "r"((uint64_t) ONE_S)
                     : "ft0", "ft1", "memory");
    CHECK_EQ(116, dword, fp_box(ONE_S));
    CHECK_EQ(117, v, fp_box(ONE_S));

    /* a double reloaded with flw is boxed again: the upper half of the register is lost */
    __asm__ volatile("fld ft0, 0(%1)\n\tflw ft0, 0(%2)\n\tfmv.x.d %0, ft0"
                     : "=r"(v)
                     : "r"(&dword), "r"(words)
                     : "ft0", "memory");
    CHECK_EQ(118, v, fp_box(0x11111111));
}

int test_main(void)
{
    unboxed_inputs();
    boxed_results();
    loads_and_stores();
    return 0;
}
