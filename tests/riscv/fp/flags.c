/* Exception flags and the FP CSRs. Underflow is tininess after rounding: rows at the
 * boundary where a result rounds up to the smallest normal (NX only) or is tiny at p bits
 * and rounds to it anyway (UF); overflow at the boundary per rounding mode; DZ and NV
 * sources. Then: the flags are sticky and accumulate until cleared, software-written
 * flags stay; fcsr holds frm in bits 7:5 and fflags in 4:0 (upper bits ignored on
 * write, read as 0), frm and fflags are views of it; csrrw swaps, csrrs/csrrc and the
 * immediate forms, fscsr/fsrm/fsflags return the old value.
 */
#include "fp.h"

/* clang-format off: one row per line */
static const fp_vec vectors[] = {
    /* S: underflow, tininess detected after rounding */
    /* 2^emin (1 - 2^-(p+1)): rounds to 2^emin at p bits, not tiny in RNE/RUP/RMM: NX only */
    {FMUL_S, RNE, NX, 0x21118e00, 0x1ee12000, 0, 0x00800000},
    {FMUL_S, RTZ, UF | NX, 0x21118e00, 0x1ee12000, 0, 0x007fffff},
    {FMUL_S, RDN, UF | NX, 0x21118e00, 0x1ee12000, 0, 0x007fffff},
    {FMUL_S, RUP, NX, 0x21118e00, 0x1ee12000, 0, 0x00800000},
    {FMUL_S, RMM, NX, 0x21118e00, 0x1ee12000, 0, 0x00800000},
    /* the same, negative: not tiny in RNE/RDN/RMM */
    {FMUL_S, RNE, NX, 0xa1118e00, 0x1ee12000, 0, 0x80800000},
    {FMUL_S, RTZ, UF | NX, 0xa1118e00, 0x1ee12000, 0, 0x807fffff},
    {FMUL_S, RDN, NX, 0xa1118e00, 0x1ee12000, 0, 0x80800000},
    {FMUL_S, RUP, UF | NX, 0xa1118e00, 0x1ee12000, 0, 0x807fffff},
    {FMUL_S, RMM, NX, 0xa1118e00, 0x1ee12000, 0, 0x80800000},
    /* the same through fmadd */
    {FMADD_S, RNE, NX, 0x21118e00, 0x1ee12000, 0x00000000, 0x00800000},
    {FMADD_S, RTZ, UF | NX, 0x21118e00, 0x1ee12000, 0x00000000, 0x007fffff},
    {FMADD_S, RDN, UF | NX, 0x21118e00, 0x1ee12000, 0x00000000, 0x007fffff},
    {FMADD_S, RUP, NX, 0x21118e00, 0x1ee12000, 0x00000000, 0x00800000},
    {FMADD_S, RMM, NX, 0x21118e00, 0x1ee12000, 0x00000000, 0x00800000},
    /* 2^emin (1 - 2^-p): tiny at p bits; RNE rounds it up to 2^emin, still UF */
    {FMUL_S, RNE, UF | NX, 0x1ffff000, 0x20000800, 0, 0x00800000},
    {FMUL_S, RTZ, UF | NX, 0x1ffff000, 0x20000800, 0, 0x007fffff},
    {FMUL_S, RDN, UF | NX, 0x1ffff000, 0x20000800, 0, 0x007fffff},
    {FMUL_S, RUP, UF | NX, 0x1ffff000, 0x20000800, 0, 0x00800000},
    {FMUL_S, RMM, UF | NX, 0x1ffff000, 0x20000800, 0, 0x00800000},
    /* 2^emin / (1 + ulp): tiny, inexact: UF */
    {FDIV_S, RNE, UF | NX, 0x00800000, 0x3f800001, 0, 0x007fffff},
    {FDIV_S, RTZ, UF | NX, 0x00800000, 0x3f800001, 0, 0x007fffff},
    {FDIV_S, RDN, UF | NX, 0x00800000, 0x3f800001, 0, 0x007fffff},
    {FDIV_S, RUP, UF | NX, 0x00800000, 0x3f800001, 0, 0x00800000},
    {FDIV_S, RMM, UF | NX, 0x00800000, 0x3f800001, 0, 0x007fffff},
    /* tiny but exact: no UF, no NX */
    {FMUL_S, RNE, 0, 0x00800000, 0x3f000000, 0, 0x00400000},
    /* a subnormal operand, exact result: no flags */
    {FDIV_S, RNE, 0, 0x007fffff, 0x3f800000, 0, 0x007fffff},
    /* subnormal sum into the normal range, exact: no flags */
    {FADD_S, RNE, 0, 0x007fffff, 0x007fffff, 0, 0x00fffffe},
    /* sqrt of a subnormal: normal, NX only */
    {FSQRT_S, RNE, NX, 0x00000001, 0, 0, 0x1a3504f3},
    /* S: overflow at the boundary */
    /* max + ulp/2: a tie, RNE goes to 2^(emax+1): OF; RTZ/RDN: max, NX only */
    {FADD_S, RNE, OF | NX, 0x7f7fffff, 0x73000000, 0, 0x7f800000},
    {FADD_S, RTZ, NX, 0x7f7fffff, 0x73000000, 0, 0x7f7fffff},
    {FADD_S, RDN, NX, 0x7f7fffff, 0x73000000, 0, 0x7f7fffff},
    {FADD_S, RUP, OF | NX, 0x7f7fffff, 0x73000000, 0, 0x7f800000},
    {FADD_S, RMM, OF | NX, 0x7f7fffff, 0x73000000, 0, 0x7f800000},
    /* max + ulp/4: only RUP overflows */
    {FADD_S, RNE, NX, 0x7f7fffff, 0x72800000, 0, 0x7f7fffff},
    {FADD_S, RTZ, NX, 0x7f7fffff, 0x72800000, 0, 0x7f7fffff},
    {FADD_S, RDN, NX, 0x7f7fffff, 0x72800000, 0, 0x7f7fffff},
    {FADD_S, RUP, OF | NX, 0x7f7fffff, 0x72800000, 0, 0x7f800000},
    {FADD_S, RMM, NX, 0x7f7fffff, 0x72800000, 0, 0x7f7fffff},
    /* -max - ulp/4: only RDN overflows */
    {FADD_S, RNE, NX, 0xff7fffff, 0xf2800000, 0, 0xff7fffff},
    {FADD_S, RTZ, NX, 0xff7fffff, 0xf2800000, 0, 0xff7fffff},
    {FADD_S, RDN, OF | NX, 0xff7fffff, 0xf2800000, 0, 0xff800000},
    {FADD_S, RUP, NX, 0xff7fffff, 0xf2800000, 0, 0xff7fffff},
    {FADD_S, RMM, NX, 0xff7fffff, 0xf2800000, 0, 0xff7fffff},
    /* max * 1: exact, no OF */
    {FMUL_S, RNE, 0, 0x7f7fffff, 0x3f800000, 0, 0x7f7fffff},
    /* inf + max: inf is exact, no OF */
    {FADD_S, RNE, 0, 0x7f800000, 0x7f7fffff, 0, 0x7f800000},
    /* S: divide by zero and invalid */
    /* x / 0: DZ */
    {FDIV_S, RNE, DZ, 0x40400000, 0x00000000, 0, 0x7f800000},
    /* 0 / 0: NV only */
    {FDIV_S, RNE, NV, 0x80000000, 0x80000000, 0, 0x7fc00000},
    /* sqrt(-1): NV */
    {FSQRT_S, RNE, NV, 0xbf800000, 0, 0, 0x7fc00000},
    /* -inf + inf: NV */
    {FADD_S, RNE, NV, 0xff800000, 0x7f800000, 0, 0x7fc00000},
    /* 0 * -inf: NV */
    {FMUL_S, RNE, NV, 0x00000000, 0xff800000, 0, 0x7fc00000},
    /* sNaN: NV */
    {FMUL_S, RNE, NV, 0x7f800001, 0x00000000, 0, 0x7fc00000},
    /* NaN to integer: NV */
    {FCVT_W_S, RNE, NV, 0x7fc00000, 0, 0, 0x000000007fffffff},
    /* flt with a quiet NaN: NV */
    {FLT_S, RNE, NV, 0x7fc00000, 0x3f800000, 0, 0x0},
    /* D: underflow, tininess detected after rounding */
    /* 2^emin (1 - 2^-(p+1)): rounds to 2^emin at p bits, not tiny in RNE/RUP/RMM: NX only */
    {FMUL_D, RNE, NX, 0x1ffffffffc000000, 0x2000000002000000, 0, 0x0010000000000000},
    {FMUL_D, RTZ, UF | NX, 0x1ffffffffc000000, 0x2000000002000000, 0, 0x000fffffffffffff},
    {FMUL_D, RDN, UF | NX, 0x1ffffffffc000000, 0x2000000002000000, 0, 0x000fffffffffffff},
    {FMUL_D, RUP, NX, 0x1ffffffffc000000, 0x2000000002000000, 0, 0x0010000000000000},
    {FMUL_D, RMM, NX, 0x1ffffffffc000000, 0x2000000002000000, 0, 0x0010000000000000},
    /* the same, negative: not tiny in RNE/RDN/RMM */
    {FMUL_D, RNE, NX, 0x9ffffffffc000000, 0x2000000002000000, 0, 0x8010000000000000},
    {FMUL_D, RTZ, UF | NX, 0x9ffffffffc000000, 0x2000000002000000, 0, 0x800fffffffffffff},
    {FMUL_D, RDN, NX, 0x9ffffffffc000000, 0x2000000002000000, 0, 0x8010000000000000},
    {FMUL_D, RUP, UF | NX, 0x9ffffffffc000000, 0x2000000002000000, 0, 0x800fffffffffffff},
    {FMUL_D, RMM, NX, 0x9ffffffffc000000, 0x2000000002000000, 0, 0x8010000000000000},
    /* the same through fmadd */
    {FMADD_D, RNE, NX, 0x1ffffffffc000000, 0x2000000002000000, 0x0000000000000000,
     0x0010000000000000},
    {FMADD_D, RTZ, UF | NX, 0x1ffffffffc000000, 0x2000000002000000, 0x0000000000000000,
     0x000fffffffffffff},
    {FMADD_D, RDN, UF | NX, 0x1ffffffffc000000, 0x2000000002000000, 0x0000000000000000,
     0x000fffffffffffff},
    {FMADD_D, RUP, NX, 0x1ffffffffc000000, 0x2000000002000000, 0x0000000000000000,
     0x0010000000000000},
    {FMADD_D, RMM, NX, 0x1ffffffffc000000, 0x2000000002000000, 0x0000000000000000,
     0x0010000000000000},
    /* 2^emin (1 - 2^-p): tiny at p bits; RNE rounds it up to 2^emin, still UF */
    {FMUL_D, RNE, UF | NX, 0x201a530d9f000000, 0x1fe3731a10000000, 0, 0x0010000000000000},
    {FMUL_D, RTZ, UF | NX, 0x201a530d9f000000, 0x1fe3731a10000000, 0, 0x000fffffffffffff},
    {FMUL_D, RDN, UF | NX, 0x201a530d9f000000, 0x1fe3731a10000000, 0, 0x000fffffffffffff},
    {FMUL_D, RUP, UF | NX, 0x201a530d9f000000, 0x1fe3731a10000000, 0, 0x0010000000000000},
    {FMUL_D, RMM, UF | NX, 0x201a530d9f000000, 0x1fe3731a10000000, 0, 0x0010000000000000},
    /* 2^emin / (1 + ulp): tiny, inexact: UF */
    {FDIV_D, RNE, UF | NX, 0x0010000000000000, 0x3ff0000000000001, 0, 0x000fffffffffffff},
    {FDIV_D, RTZ, UF | NX, 0x0010000000000000, 0x3ff0000000000001, 0, 0x000fffffffffffff},
    {FDIV_D, RDN, UF | NX, 0x0010000000000000, 0x3ff0000000000001, 0, 0x000fffffffffffff},
    {FDIV_D, RUP, UF | NX, 0x0010000000000000, 0x3ff0000000000001, 0, 0x0010000000000000},
    {FDIV_D, RMM, UF | NX, 0x0010000000000000, 0x3ff0000000000001, 0, 0x000fffffffffffff},
    /* tiny but exact: no UF, no NX */
    {FMUL_D, RNE, 0, 0x0010000000000000, 0x3fe0000000000000, 0, 0x0008000000000000},
    /* a subnormal operand, exact result: no flags */
    {FDIV_D, RNE, 0, 0x000fffffffffffff, 0x3ff0000000000000, 0, 0x000fffffffffffff},
    /* subnormal sum into the normal range, exact: no flags */
    {FADD_D, RNE, 0, 0x000fffffffffffff, 0x000fffffffffffff, 0, 0x001ffffffffffffe},
    /* sqrt of a subnormal: normal, NX only */
    {FSQRT_D, RNE, 0, 0x0000000000000001, 0, 0, 0x1e60000000000000},
    /* D: overflow at the boundary */
    /* max + ulp/2: a tie, RNE goes to 2^(emax+1): OF; RTZ/RDN: max, NX only */
    {FADD_D, RNE, OF | NX, 0x7fefffffffffffff, 0x7c90000000000000, 0, 0x7ff0000000000000},
    {FADD_D, RTZ, NX, 0x7fefffffffffffff, 0x7c90000000000000, 0, 0x7fefffffffffffff},
    {FADD_D, RDN, NX, 0x7fefffffffffffff, 0x7c90000000000000, 0, 0x7fefffffffffffff},
    {FADD_D, RUP, OF | NX, 0x7fefffffffffffff, 0x7c90000000000000, 0, 0x7ff0000000000000},
    {FADD_D, RMM, OF | NX, 0x7fefffffffffffff, 0x7c90000000000000, 0, 0x7ff0000000000000},
    /* max + ulp/4: only RUP overflows */
    {FADD_D, RNE, NX, 0x7fefffffffffffff, 0x7c80000000000000, 0, 0x7fefffffffffffff},
    {FADD_D, RTZ, NX, 0x7fefffffffffffff, 0x7c80000000000000, 0, 0x7fefffffffffffff},
    {FADD_D, RDN, NX, 0x7fefffffffffffff, 0x7c80000000000000, 0, 0x7fefffffffffffff},
    {FADD_D, RUP, OF | NX, 0x7fefffffffffffff, 0x7c80000000000000, 0, 0x7ff0000000000000},
    {FADD_D, RMM, NX, 0x7fefffffffffffff, 0x7c80000000000000, 0, 0x7fefffffffffffff},
    /* -max - ulp/4: only RDN overflows */
    {FADD_D, RNE, NX, 0xffefffffffffffff, 0xfc80000000000000, 0, 0xffefffffffffffff},
    {FADD_D, RTZ, NX, 0xffefffffffffffff, 0xfc80000000000000, 0, 0xffefffffffffffff},
    {FADD_D, RDN, OF | NX, 0xffefffffffffffff, 0xfc80000000000000, 0, 0xfff0000000000000},
    {FADD_D, RUP, NX, 0xffefffffffffffff, 0xfc80000000000000, 0, 0xffefffffffffffff},
    {FADD_D, RMM, NX, 0xffefffffffffffff, 0xfc80000000000000, 0, 0xffefffffffffffff},
    /* max * 1: exact, no OF */
    {FMUL_D, RNE, 0, 0x7fefffffffffffff, 0x3ff0000000000000, 0, 0x7fefffffffffffff},
    /* inf + max: inf is exact, no OF */
    {FADD_D, RNE, 0, 0x7ff0000000000000, 0x7fefffffffffffff, 0, 0x7ff0000000000000},
    /* D: divide by zero and invalid */
    /* x / 0: DZ */
    {FDIV_D, RNE, DZ, 0x4008000000000000, 0x0000000000000000, 0, 0x7ff0000000000000},
    /* 0 / 0: NV only */
    {FDIV_D, RNE, NV, 0x8000000000000000, 0x8000000000000000, 0, 0x7ff8000000000000},
    /* sqrt(-1): NV */
    {FSQRT_D, RNE, NV, 0xbff0000000000000, 0, 0, 0x7ff8000000000000},
    /* -inf + inf: NV */
    {FADD_D, RNE, NV, 0xfff0000000000000, 0x7ff0000000000000, 0, 0x7ff8000000000000},
    /* 0 * -inf: NV */
    {FMUL_D, RNE, NV, 0x0000000000000000, 0xfff0000000000000, 0, 0x7ff8000000000000},
    /* sNaN: NV */
    {FMUL_D, RNE, NV, 0x7ff0000000000001, 0x0000000000000000, 0, 0x7ff8000000000000},
    /* NaN to integer: NV */
    {FCVT_W_D, RNE, NV, 0x7ff8000000000000, 0, 0, 0x000000007fffffff},
    /* flt with a quiet NaN: NV */
    {FLT_D, RNE, NV, 0x7ff8000000000000, 0x3ff0000000000000, 0, 0x0},
};
/* clang-format on */

/* One single-precision operation that leaves fflags alone before it (no clearing). */
#define OP_S(insn, a, b)                                           \
    __asm__ volatile("fmv.w.x ft0, %0\n\tfmv.w.x ft1, %1\n\t" insn \
                     " ft3, ft0, ft1" ::"r"((uint64_t) (a)),       \
                     "r"((uint64_t) (b))                           \
                     : "ft0", "ft1", "ft3")

/* Flags accumulate until software clears them. */
static void sticky(void)
{
    fp_clear_flags();
    OP_S("fdiv.s", 0x3f800000, 0x40400000); /* 1/3: NX */
    CHECK_EQ(1, fp_flags(), NX);
    OP_S("fdiv.s", 0x3f800000, 0x00000000); /* 1/0: DZ */
    CHECK_EQ(2, fp_flags(), NX | DZ);
    OP_S("fadd.s", 0x3f800000, 0x3f800000); /* exact: nothing new, nothing cleared */
    CHECK_EQ(3, fp_flags(), NX | DZ);
    OP_S("fmul.s", 0x7f800000, 0x00000000); /* inf * 0: NV */
    CHECK_EQ(4, fp_flags(), NX | DZ | NV);
    OP_S("fmul.s", 0x00800000, 0x3eaaaaab); /* tiny, inexact: UF */
    CHECK_EQ(5, fp_flags(), NX | DZ | NV | UF);
    OP_S("fmul.s", 0x7f7fffff, 0x7f7fffff); /* OF */
    CHECK_EQ(6, fp_flags(), NX | DZ | NV | UF | OF);
    uint64_t old;
    __asm__ volatile("fsflags %0, zero" : "=r"(old)); /* swap in 0 */
    CHECK_EQ(7, old, 0x1f);
    CHECK_EQ(8, fp_flags(), 0);
    /* Flags written by software stay, and operations OR into them. */
    write_csr(fflags, OF);
    OP_S("fadd.s", 0x3f800000, 0x33800000); /* 1 + ulp/2: NX */
    CHECK_EQ(9, fp_flags(), OF | NX);
    OP_S("fdiv.s", 0x00000000, 0x80000000); /* 0 / -0: NV */
    CHECK_EQ(10, fp_flags(), OF | NX | NV);
    /* Comparisons, conversions and compares OR their flags in too. */
    fp_clear_flags();
    uint64_t r;
    __asm__ volatile("fmv.w.x ft0, %1\n\tfle.s %0, ft0, ft0" : "=r"(r) : "r"(0x7fc00000) : "ft0");
    CHECK_EQ(11, fp_flags(), NV);
    __asm__ volatile("fmv.w.x ft0, %1\n\tfcvt.w.s %0, ft0, rtz"
                     : "=r"(r)
                     : "r"(0x3fc00000)
                     : "ft0");
    CHECK_EQ(12, r, 1);
    CHECK_EQ(13, fp_flags(), NV | NX);
    /* Instructions that raise nothing leave the flags as they are. */
    write_csr(fflags, 0x1f);
    __asm__ volatile("fmv.w.x ft0, %1\n\tfmv.w.x ft1, %2\n\tfsgnjx.s ft3, ft0, ft1\n\t"
                     "fmin.s ft3, ft0, ft1\n\tfeq.s %0, ft0, ft1\n\tfclass.s %0, ft0\n\t"
                     "fmv.x.w %0, ft3\n\tfcvt.d.s ft3, ft0\n\tfadd.s ft3, ft0, ft1"
                     : "=r"(r)
                     : "r"(0x3f800000), "r"(0x40000000)
                     : "ft0", "ft1", "ft3");
    CHECK_EQ(14, fp_flags(), 0x1f);
    fp_clear_flags();
    CHECK_EQ(15, fp_flags(), 0);
    /* With x0 as the destination the result is dropped, the flags are not. */
    __asm__ volatile("fmv.w.x ft0, %1\n\tfeq.s zero, ft0, ft0\n\tmv %0, zero"
                     : "=r"(r)
                     : "r"(0x7f800001)
                     : "ft0");
    CHECK_EQ(16, r, 0);
    CHECK_EQ(17, fp_flags(), NV);
    __asm__ volatile("fmv.w.x ft0, %1\n\tfcvt.w.s zero, ft0, rtz\n\tmv %0, zero"
                     : "=r"(r)
                     : "r"(0x3fc00000)
                     : "ft0");
    CHECK_EQ(18, r, 0);
    CHECK_EQ(19, fp_flags(), NV | NX);
    fp_clear_flags();
}

/* fcsr = frm << 5 | fflags, with frm and fflags as views of it; bits above 7 read 0. */
static void csr_layout(void)
{
    write_csr(fcsr, 0);
    write_csr(frm, RUP);
    write_csr(fflags, NV | OF | NX);
    CHECK_EQ(21, read_csr(fcsr), (RUP << 5) | NV | OF | NX);
    CHECK_EQ(22, read_csr(frm), RUP);
    CHECK_EQ(23, read_csr(fflags), NV | OF | NX);

    write_csr(fcsr, 0xffffffffffffffffull); /* bits 63..8 are ignored */
    CHECK_EQ(24, read_csr(fcsr), 0xff);
    CHECK_EQ(25, read_csr(frm), 7);
    CHECK_EQ(26, read_csr(fflags), 0x1f);

    write_csr(fcsr, 0x1c3ull); /* bit 8 dropped: frm 6, flags UF | NX */
    CHECK_EQ(27, read_csr(fcsr), 0xc3);
    CHECK_EQ(28, read_csr(frm), 6);
    CHECK_EQ(29, read_csr(fflags), UF | NX);

    /* fflags is 5 bits, frm 3: their writes keep to their field */
    write_csr(fflags, 0xffffffffffffffe4ull);
    CHECK_EQ(30, read_csr(fflags), OF);
    CHECK_EQ(31, read_csr(fcsr), 0xc4);
    write_csr(frm, 0xfffffffffffffff9ull);
    CHECK_EQ(32, read_csr(frm), 1);
    CHECK_EQ(33, read_csr(fcsr), 0x24);
    CHECK_EQ(34, read_csr(fflags), OF);
}

/* Read-modify-write forms: csrrw swaps, csrrs/csrrc set and clear bits, immediates. */
static void csr_access(void)
{
    uint64_t old;
    write_csr(fcsr, 0x55);
    __asm__ volatile("csrrw %0, fcsr, %1" : "=r"(old) : "r"(0xa3ull));
    CHECK_EQ(41, old, 0x55);
    CHECK_EQ(42, read_csr(fcsr), 0xa3);
    __asm__ volatile("fscsr %0, %1" : "=r"(old) : "r"(0x1ull));
    CHECK_EQ(43, old, 0xa3);
    CHECK_EQ(44, read_csr(fcsr), 0x01);
    __asm__ volatile("fsrm %0, %1" : "=r"(old) : "r"(4ull));
    CHECK_EQ(45, old, 0);
    CHECK_EQ(46, read_csr(fcsr), 0x81);
    __asm__ volatile("fsflags %0, %1" : "=r"(old) : "r"(0x12ull));
    CHECK_EQ(47, old, 0x01);
    CHECK_EQ(48, read_csr(fcsr), 0x92);
    __asm__ volatile("csrrs %0, fflags, %1" : "=r"(old) : "r"((uint64_t) (NX | DZ)));
    CHECK_EQ(49, old, 0x12);
    CHECK_EQ(50, read_csr(fflags), 0x1b);
    __asm__ volatile("csrrc %0, fflags, %1" : "=r"(old) : "r"((uint64_t) (NV | NX)));
    CHECK_EQ(51, old, 0x1b);
    CHECK_EQ(52, read_csr(fflags), 0x0a);
    __asm__ volatile("csrrsi %0, frm, 3" : "=r"(old));
    CHECK_EQ(53, old, 4);
    CHECK_EQ(54, read_csr(frm), 7);
    __asm__ volatile("csrrci %0, frm, 6" : "=r"(old));
    CHECK_EQ(55, old, 7);
    CHECK_EQ(56, read_csr(fcsr), 0x2a);
    __asm__ volatile("csrrwi %0, fcsr, 0x1f" : "=r"(old));
    CHECK_EQ(57, old, 0x2a);
    CHECK_EQ(58, read_csr(fcsr), 0x1f);
    __asm__ volatile("fsrmi %0, 2" : "=r"(old));
    CHECK_EQ(59, old, 0);
    __asm__ volatile("fsflagsi %0, 4" : "=r"(old));
    CHECK_EQ(60, old, 0x1f);
    CHECK_EQ(61, read_csr(fcsr), 0x44);
    __asm__ volatile("csrrs %0, fcsr, zero" : "=r"(old)); /* a read that writes nothing */
    CHECK_EQ(62, old, 0x44);
    __asm__ volatile("frcsr %0" : "=r"(old));
    CHECK_EQ(63, old, 0x44);
    write_csr(fcsr, 0);
}

int test_main(void)
{
    sticky();
    csr_layout();
    csr_access();
    return fp_run_table("flags", 101, vectors, NELEM(vectors));
}
