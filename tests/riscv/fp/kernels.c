/* FP kernels, in double and in single precision: a 4x4 matrix multiply (fused
 * multiply-add accumulation in double, separate multiply and add in single), Newton-Raphson
 * square roots, Horner evaluation of a Taylor polynomial of exp (fused), and Simpson's rule
 * for the integral of 4/(1+x^2) over [0, 1] (= pi). Every operation is one instruction in
 * inline assembly with a static rne, so the compiler neither folds nor contracts anything;
 * inputs are made from small integers with exact conversions and divisions. The expected
 * bit patterns come from replaying the same sequence of correctly rounded operations on
 * the host (an exact rational model, cross-checked against x86 with -ffp-contract=off).
 */
#include "fp.h"

#define OP2(name, type, insn)                                                 \
    static inline type name(type a, type b)                                   \
    {                                                                         \
        type r;                                                               \
        __asm__ volatile(insn " %0, %1, %2, rne" : "=f"(r) : "f"(a), "f"(b)); \
        return r;                                                             \
    }
#define OP3(name, type, insn)                                                             \
    static inline type name(type a, type b, type c)                                       \
    {                                                                                     \
        type r;                                                                           \
        __asm__ volatile(insn " %0, %1, %2, %3, rne" : "=f"(r) : "f"(a), "f"(b), "f"(c)); \
        return r;                                                                         \
    }

OP2(dadd, double, "fadd.d")
OP2(dsub, double, "fsub.d")
OP2(dmul, double, "fmul.d")
OP2(ddiv, double, "fdiv.d")
OP3(dfma, double, "fmadd.d")
OP2(sadd, float, "fadd.s")
OP2(ssub, float, "fsub.s")
OP2(smul, float, "fmul.s")
OP2(sdiv, float, "fdiv.s")
OP3(sfma, float, "fmadd.s")

static inline double dint(int64_t i)
{
    double r;
    __asm__ volatile("fcvt.d.l %0, %1, rne" : "=f"(r) : "r"(i));
    return r;
}
static inline float sint(int64_t i)
{
    float r;
    __asm__ volatile("fcvt.s.l %0, %1, rne" : "=f"(r) : "r"(i));
    return r;
}
static inline double dsqrt(double a)
{
    double r;
    __asm__ volatile("fsqrt.d %0, %1, rne" : "=f"(r) : "f"(a));
    return r;
}
static inline float ssqrt(float a)
{
    float r;
    __asm__ volatile("fsqrt.s %0, %1, rne" : "=f"(r) : "f"(a));
    return r;
}
static inline uint64_t dbits(double d)
{
    uint64_t v;
    __asm__("fmv.x.d %0, %1" : "=r"(v) : "f"(d));
    return v;
}
static inline uint64_t sbits(float f)
{
    uint64_t v;
    __asm__("fmv.x.w %0, %1" : "=r"(v) : "f"(f));
    return v & 0xffffffffu;
}

/* C = A B with A[i][j] = (4i + j + 1) / 7 and B[i][j] = (2i - 3j + 1) / 3 */
static const uint64_t matmul_d_want[16] = {
    0x40030c30c30c30c3ull, 0x3fee79e79e79e79dull, 0xbfde79e79e79e79cull, 0xbffe79e79e79e79eull,
    0x4015b6db6db6db6eull, 0x3ffb6db6db6db6dbull, 0xc000000000000000ull, 0xc016db6db6db6db6ull,
    0x4020f3cf3cf3cf3dull, 0x4003cf3cf3cf3cf3ull, 0xc00c30c30c30c30eull, 0xc0230c30c30c30c3ull,
    0x40270c30c30c30c3ull, 0x4009e79e79e79e79ull, 0xc01430c30c30c30cull, 0xc02aaaaaaaaaaaabull,
};
static const uint32_t matmul_s_want[16] = {
    0x40186186, 0x3f73cf3e, 0xbef3cf3d, 0xbff3cf3e, 0x40adb6dc, 0x3fdb6db8, 0xc0000000, 0xc0b6db6e,
    0x41079e7a, 0x401e79e8, 0xc0618619, 0xc1186187, 0x41386186, 0x404f3cf5, 0xc0a18618, 0xc1555556,
};

static void matmul(void)
{
    double ad[4][4], bd[4][4];
    float as[4][4], bs[4][4];
    for (int i = 0; i < 4; i++)
        for (int j = 0; j < 4; j++) {
            ad[i][j] = ddiv(dint(4 * i + j + 1), dint(7));
            bd[i][j] = ddiv(dint(2 * i - 3 * j + 1), dint(3));
            as[i][j] = sdiv(sint(4 * i + j + 1), sint(7));
            bs[i][j] = sdiv(sint(2 * i - 3 * j + 1), sint(3));
        }
    for (int i = 0; i < 4; i++)
        for (int j = 0; j < 4; j++) {
            double cd = dint(0);
            float cs = sint(0);
            for (int k = 0; k < 4; k++) {
                cd = dfma(ad[i][k], bd[k][j], cd);
                cs = sadd(cs, smul(as[i][k], bs[k][j]));
            }
            CHECK_EQ(1 + 4 * i + j, dbits(cd), matmul_d_want[4 * i + j]);
            CHECK_EQ(21 + 4 * i + j, sbits(cs), matmul_s_want[4 * i + j]);
        }
}

/* x <- (x + a/x) / 2 from x = a, for a = 2, 3, 10: 8 steps in double, 6 in single. The
 * iteration settles one ulp away from the correctly rounded root for some of them. */
static void newton(void)
{
    static const int as[3] = {2, 3, 10};
    static const uint64_t want_d[3] = {0x3ff6a09e667f3bccull, 0x3ffbb67ae8584caaull,
                                       0x40094c583ada5b52ull};
    static const uint32_t want_s[3] = {0x3fb504f3, 0x3fddb3d8, 0x404a62c2};
    static const uint64_t want_sqrt_d[3] = {0x3ff6a09e667f3bcdull, 0x3ffbb67ae8584caaull,
                                            0x40094c583ada5b53ull};
    static const uint32_t want_sqrt_s[3] = {0x3fb504f3, 0x3fddb3d7, 0x404a62c2};
    for (int t = 0; t < 3; t++) {
        double a = dint(as[t]), x = a, half = ddiv(dint(1), dint(2));
        float sa = sint(as[t]), sx = sa, shalf = sdiv(sint(1), sint(2));
        for (int i = 0; i < 8; i++)
            x = dmul(dadd(x, ddiv(a, x)), half);
        for (int i = 0; i < 6; i++)
            sx = smul(sadd(sx, sdiv(sa, sx)), shalf);
        CHECK_EQ(41 + t, dbits(x), want_d[t]);
        CHECK_EQ(44 + t, sbits(sx), want_s[t]);
        CHECK_EQ(47 + t, dbits(dsqrt(a)), want_sqrt_d[t]);
        CHECK_EQ(50 + t, sbits(ssqrt(sa)), want_sqrt_s[t]);
    }
}

/* exp(x) ~ sum x^k / k!, k = 0..12, by Horner with fmadd: p = p*x + 1/k! */
static void horner(void)
{
    static const int xs_num[4] = {1, -5, 3, 7};
    static const int xs_den[4] = {2, 4, 1, 8};
    static const uint64_t want_d[4] = {
        0x3ffa61298e1e0640ull,
        0x3fd256183a0b250aull,
        0x403415d07d8a2c6aull,
        0x400330e587b521afull,
    };
    static const uint32_t want_s[4] = {
        0x3fd3094c,
        0x3e92b0c3,
        0x41a0ae84,
        0x4019872c,
    };
    for (int t = 0; t < 4; t++) {
        double x = ddiv(dint(xs_num[t]), dint(xs_den[t]));
        float sx = sdiv(sint(xs_num[t]), sint(xs_den[t]));
        /* coefficients 1/k!, each a correctly rounded quotient */
        double p = ddiv(dint(1), dint(479001600)); /* 12! */
        float sp = sdiv(sint(1), sint(479001600));
        int64_t fact = 479001600;
        for (int k = 11; k >= 0; k--) {
            fact /= k + 1;
            p = dfma(p, x, ddiv(dint(1), dint(fact)));
            sp = sfma(sp, sx, sdiv(sint(1), sint(fact)));
        }
        CHECK_EQ(61 + t, dbits(p), want_d[t]);
        CHECK_EQ(65 + t, sbits(sp), want_s[t]);
    }
}

/* Simpson's rule, n = 64: h/3 (f0 + 4 f1 + 2 f2 + ... + 4 f63 + f64), f(x) = 4/(1+x^2) */
static void simpson(void)
{
    const uint64_t want_d = 0x400921fb54442802ull; /* pi - 5.8e-13 */
    const uint32_t want_s = 0x40490fdc;            /* pi + 3.3e-7 (pi itself is 0x40490fdb) */
    double h = ddiv(dint(1), dint(64)), sum = dint(0);
    float sh = sdiv(sint(1), sint(64)), ssum = sint(0);
    for (int i = 0; i <= 64; i++) {
        int w = (i == 0 || i == 64) ? 1 : (i & 1) ? 4 : 2;
        double x = dmul(dint(i), h);
        double f = ddiv(dint(4), dadd(dint(1), dmul(x, x)));
        sum = dadd(sum, dmul(dint(w), f));
        float sxv = smul(sint(i), sh);
        float sf = sdiv(sint(4), sadd(sint(1), smul(sxv, sxv)));
        ssum = sadd(ssum, smul(sint(w), sf));
    }
    double pi = dmul(sum, ddiv(h, dint(3)));
    float spi = smul(ssum, sdiv(sh, sint(3)));
    CHECK_EQ(71, dbits(pi), want_d);
    CHECK_EQ(72, sbits(spi), want_s);
    /* and no exception but inexact was raised along the way */
    CHECK_EQ(73, fp_flags(), NX);
}

int test_main(void)
{
    fp_clear_flags();
    matmul();
    newton();
    horner();
    simpson();
    return 0;
}
