/* mstatus.FS becomes Dirty when an instruction changes only fflags: the FP compares and
 * FP-to-integer conversions write an integer register, yet raising a flag modifies fcsr,
 * which is FP state (privileged spec, "Extension Context Status": FS tracks the FP
 * registers and fcsr). SD follows. Checks n .. n+4 per case: FS Clean before, fflags,
 * FS Dirty after, SD, sstatus.FS.
 */
#include "fp.h"

static void fs_set(uint64_t fs)
{
    clear_csr(mstatus, MSTATUS_FS);
    set_csr(mstatus, fs);
}

#define FLAGS_ONLY(n, want_flags, insn, a)                               \
    do {                                                                 \
        uint64_t x_;                                                     \
        FP_SET("ft0", (a));                                              \
        write_csr(fflags, 0);                                            \
        fs_set(MSTATUS_FS_CLEAN);                                        \
        CHECK_EQ((n), read_csr(mstatus) & MSTATUS_FS, MSTATUS_FS_CLEAN); \
        __asm__ volatile(insn : "=r"(x_)::"memory");                     \
        uint64_t m_ = read_csr(mstatus), s_ = read_csr(sstatus);         \
        CHECK_EQ((n) + 1, read_csr(fflags), (want_flags));               \
        CHECK_EQ((n) + 2, m_ & MSTATUS_FS, MSTATUS_FS_DIRTY);            \
        CHECK_EQ((n) + 3, m_ >> 63, 1);                                  \
        CHECK_EQ((n) + 4, s_ & MSTATUS_FS, MSTATUS_FS_DIRTY);            \
        (void) x_;                                                       \
    } while (0)

int test_main(void)
{
    FLAGS_ONLY(1, NV, "flt.s %0, ft0, ft0", fp_box(0x7fc00000));     /* qNaN: NV */
    FLAGS_ONLY(11, NV, "feq.d %0, ft0, ft0", 0x7ff0000000000001ull); /* sNaN: NV */
    FLAGS_ONLY(21, NX, "fcvt.w.s %0, ft0, rtz", fp_box(0x3fc00000)); /* 1.5: NX */
    FLAGS_ONLY(31, NV, "fcvt.lu.d %0, ft0", 0xbff0000000000000ull);  /* -1: NV */
    FLAGS_ONLY(41, NV, "fle.d %0, ft0, ft0", 0x7ff8000000000000ull); /* qNaN: NV */
    fs_set(MSTATUS_FS_INITIAL);
    return 0;
}
