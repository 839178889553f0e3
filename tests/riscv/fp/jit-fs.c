/* FP state changed by CSR instructions in the middle of a straight line of FP code, run
 * many times so that the JIT compiles it (on the interpreter the same checks hold):
 *   - fflags read between operations sees exactly the flags raised before it, and a write
 *     of fflags drops those raised before it;
 *   - a change of frm applies to the very next operation with dynamic rounding;
 *   - an FP operation after mstatus.FS goes Clean makes it Dirty again;
 *   - an FP operation after mstatus.FS goes Off raises an illegal instruction exception.
 * No floating-point C code here: the compiler must not touch FP state behind the test's back.
 */
#include "fp.h"

#define ROUNDS 64

#define ONE      0x3ff0000000000000ull
#define TWO      0x4000000000000000ull
#define TINY     0x1ff0000000000001ull /* just above 2^-512: its square is tiny and inexact */
#define MINUS    0xbff0000000000000ull
#define ONE_PLUS 0x3ca8000000000000ull /* 1.5 * 2^-53: 1 + it is between two doubles */

static void flags_between(void)
{
    uint64_t f1, f2, f3, f4;
    FP_SET("ft1", ONE);
    FP_SET("ft2", 0);
    FP_SET("ft3", TINY);
    FP_SET("ft4", MINUS);
    __asm__ volatile("csrwi fflags, 0\n\t"
                     "fdiv.d ft0, ft1, ft2\n\t"
                     "csrr %0, fflags\n\t"
                     "csrwi fflags, 0\n\t"
                     "fadd.d ft0, ft1, ft1\n\t"
                     "csrr %1, fflags\n\t"
                     "fmul.d ft0, ft3, ft3\n\t"
                     "csrr %2, fflags\n\t"
                     "fsqrt.d ft0, ft4\n\t"
                     "csrrwi %3, fflags, 0\n\t"
                     : "=&r"(f1), "=&r"(f2), "=&r"(f3), "=&r"(f4)
                     :
                     : "ft0");
    CHECK_EQ(1, f1, DZ);
    CHECK_EQ(2, f2, 0);
    CHECK_EQ(3, f3, UF | NX);
    CHECK_EQ(4, f4, UF | NX | NV);
}

static void rounding_between(void)
{
    uint64_t near, zero, flags;
    FP_SET("ft1", ONE);
    FP_SET("ft2", ONE_PLUS);
    __asm__ volatile("fsrmi 0\n\t"
                     "csrwi fflags, 0\n\t"
                     "fadd.d ft0, ft1, ft2\n\t"
                     "fmv.x.d %0, ft0\n\t"
                     "fsrmi 1\n\t"
                     "fadd.d ft0, ft1, ft2\n\t"
                     "fmv.x.d %1, ft0\n\t"
                     "fsrmi 0\n\t"
                     "csrr %2, fflags\n\t"
                     : "=&r"(near), "=&r"(zero), "=&r"(flags)
                     :
                     : "ft0");
    CHECK_EQ(11, near, ONE + 1);
    CHECK_EQ(12, zero, ONE);
    CHECK_EQ(13, flags, NX);
}

static void dirty_again(void)
{
    uint64_t status;
    FP_SET("ft1", ONE);
    __asm__ volatile("fadd.d ft0, ft1, ft1\n\t"
                     "csrc mstatus, %1\n\t"
                     "csrs mstatus, %2\n\t"
                     "fadd.d ft0, ft1, ft1\n\t"
                     "csrr %0, mstatus\n\t"
                     : "=&r"(status)
                     : "r"(MSTATUS_FS), "r"(MSTATUS_FS_CLEAN)
                     : "ft0");
    CHECK_EQ(21, status & MSTATUS_FS, MSTATUS_FS_DIRTY);
}

static void off_traps(void)
{
    uint64_t result = 0x5e5e5e5e;
    FP_SET("ft1", ONE);
    FP_SET("ft2", TWO);
    rt_expect_trap();
    __asm__ volatile("fadd.d ft0, ft1, ft1\n\t"
                     "csrc mstatus, %1\n\t"
                     "fcvt.l.d %0, ft2, rtz\n\t"
                     : "+r"(result)
                     : "r"(MSTATUS_FS)
                     : "ft0", "memory");
    fp_check_illegal(31);
    CHECK_EQ(35, result, 0x5e5e5e5e);
    set_csr(mstatus, MSTATUS_FS_CLEAN);
    CHECK_EQ(36, FP_GET("ft0"), TWO);
}

int test_main(void)
{
    for (int round = 0; round < ROUNDS; round++) {
        flags_between();
        rounding_between();
        dirty_again();
        off_traps();
    }
    return 0;
}
