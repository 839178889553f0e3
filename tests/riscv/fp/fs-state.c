/* mstatus.FS. With FS = Off every FP instruction (arithmetic, conversions, moves, loads and
 * stores, compressed ones included) and every access to fcsr/frm/fflags raises an illegal
 * instruction exception with tval = the instruction's bits, in M-, S- and U-mode, and
 * changes nothing. An FP register write or a change of fflags/frm from Initial or Clean
 * makes FS Dirty (3), and mstatus.SD (bit 63) reads 1 exactly when FS is Dirty (nothing
 * else here is dirty: no XS, no V). sstatus shows the same FS and SD. Turning FS off and
 * on again keeps the FP registers and fcsr. (Instructions whose only FP effect is on
 * fflags are in fs-flags-dirty.c, which QEMU 7.2 fails.)
 * No floating-point C code here: the compiler must not touch FP state behind the test's back.
 */
#include "fp.h"

static void fs_set(uint64_t fs)
{
    clear_csr(mstatus, MSTATUS_FS);
    set_csr(mstatus, fs);
}

static uint64_t fs_get(void)
{
    return read_csr(mstatus) & MSTATUS_FS;
}

#define SENTINEL 0x5e5e5e5e5e5e5e5eull

/* FS = Off: the instruction traps, and the integer register a5 (the destination of the
 * FP-to-integer ones) keeps its value: checks n .. n+3. */
#define OFF_TRAPS(n, insn)                                                    \
    do {                                                                      \
        uint64_t x_;                                                          \
        rt_expect_trap();                                                     \
        __asm__ volatile("mv a5, %1\n\tmv a4, %2\n\t" insn "\n\tmv %0, a5"    \
                         : "=r"(x_)                                           \
                         : "r"(SENTINEL), "r"(scratch)                        \
                         : "a4", "a5", "ft0", "ft1", "ft2", "fa0", "memory"); \
        fp_check_illegal(n);                                                  \
        CHECK_EQ((n) + 3, x_, SENTINEL);                                      \
    } while (0)

static volatile uint64_t scratch[4] = {SENTINEL, SENTINEL, SENTINEL, SENTINEL};

static void off_traps(void)
{
    /* Known state to find again afterwards. */
    FP_SET("ft0", 0x4000000000000000ull);
    FP_SET("ft1", fp_box(0x3f800000));
    write_csr(fcsr, (RTZ << 5) | NX);

    fs_set(0);
    CHECK_EQ(1, fs_get(), 0);
    CHECK_EQ(2, read_csr(mstatus) >> 63, 0);

    OFF_TRAPS(11, "fadd.s ft2, ft0, ft1");
    OFF_TRAPS(15, "fsub.d ft2, ft0, ft1, rtz");
    OFF_TRAPS(19, "fmul.s ft2, ft0, ft1, rne");
    OFF_TRAPS(23, "fdiv.d ft2, ft0, ft1");
    OFF_TRAPS(27, "fsqrt.s ft2, ft0");
    OFF_TRAPS(31, "fmadd.d ft2, ft0, ft1, ft0");
    OFF_TRAPS(35, "fnmadd.s ft2, ft0, ft1, ft0, rmm");
    OFF_TRAPS(39, "fmin.s ft2, ft0, ft1");
    OFF_TRAPS(43, "fmax.d ft2, ft0, ft1");
    OFF_TRAPS(47, "fsgnj.d ft2, ft0, ft1");
    OFF_TRAPS(51, "fsgnjx.s ft2, ft0, ft1");
    OFF_TRAPS(55, "feq.d a5, ft0, ft1");
    OFF_TRAPS(59, "flt.s a5, ft0, ft1");
    OFF_TRAPS(63, "fclass.s a5, ft0");
    OFF_TRAPS(67, "fcvt.w.s a5, ft0, rtz");
    OFF_TRAPS(71, "fcvt.lu.d a5, ft0");
    OFF_TRAPS(75, "fcvt.d.l ft2, a4");
    OFF_TRAPS(79, "fcvt.s.wu ft2, a4");
    OFF_TRAPS(83, "fcvt.s.d ft2, ft0");
    OFF_TRAPS(87, "fcvt.d.s ft2, ft1");
    OFF_TRAPS(91, "fmv.x.w a5, ft1");
    OFF_TRAPS(95, "fmv.x.d a5, ft0");
    OFF_TRAPS(99, "fmv.w.x ft2, a4");
    OFF_TRAPS(103, "fmv.d.x ft2, a4");
    OFF_TRAPS(107, "flw ft2, 0(a4)");
    OFF_TRAPS(111, "fld ft2, 8(a4)");
    OFF_TRAPS(115, "fsw ft0, 16(a4)");
    OFF_TRAPS(119, "fsd ft0, 24(a4)");
    OFF_TRAPS(123, "mv a0, a4\n\tc.fld fa0, 0(a0)");
    OFF_TRAPS(127, "mv a0, a4\n\tc.fsd fa0, 8(a0)");
    OFF_TRAPS(131, "addi sp, sp, -16\n\tc.fldsp fa0, 8(sp)\n\taddi sp, sp, 16");
    OFF_TRAPS(135, "addi sp, sp, -16\n\tc.fsdsp fa0, 8(sp)\n\taddi sp, sp, 16");
    OFF_TRAPS(139, "csrr a5, fcsr");
    OFF_TRAPS(143, "csrr a5, frm");
    OFF_TRAPS(147, "csrr a5, fflags");
    OFF_TRAPS(151, "csrrw a5, fcsr, zero");
    OFF_TRAPS(155, "csrrwi a5, fflags, 0x1f");
    OFF_TRAPS(159, "csrrsi a5, frm, 2");
    OFF_TRAPS(163, "csrrc a5, fflags, a4");
    OFF_TRAPS(167, "fsrmi a5, 1");
    OFF_TRAPS(171, "frflags a5");
    OFF_TRAPS(175, ".insn r 0x53, 5, 0x00, ft2, ft0, ft1"); /* also rm = 5 */

    /* Nothing happened: FS is still Off, memory and FP state as they were. */
    CHECK_EQ(181, fs_get(), 0);
    for (int i = 0; i < 4; i++)
        CHECK_EQ(182 + i, scratch[i], SENTINEL);
    fs_set(MSTATUS_FS_CLEAN);
    CHECK_EQ(191, FP_GET("ft0"), 0x4000000000000000ull);
    CHECK_EQ(192, FP_GET("ft1"), fp_box(0x3f800000));
    CHECK_EQ(193, read_csr(fcsr), (RTZ << 5) | NX);
    write_csr(fcsr, 0);
}

/* FS and SD as read in mstatus and sstatus */
static void check_fs(int n, uint64_t fs)
{
    uint64_t m = read_csr(mstatus), s = read_csr(sstatus);
    uint64_t sd = fs == MSTATUS_FS_DIRTY;
    CHECK_EQ(n, m & MSTATUS_FS, fs);
    CHECK_EQ(n + 1, m >> 63, sd);
    CHECK_EQ(n + 2, s & MSTATUS_FS, fs);
    CHECK_EQ(n + 3, s >> 63, sd);
}

/* From state `from`, the instruction makes FS Dirty: checks n .. n+7. */
#define TO_DIRTY(n, from, ...)               \
    do {                                     \
        fs_set(from);                        \
        check_fs((n), (from));               \
        __VA_ARGS__;                         \
        check_fs((n) + 4, MSTATUS_FS_DIRTY); \
    } while (0)

static void dirty(void)
{
    volatile uint32_t w = 0x40400000;
    /* each state reads back, and SD follows; SD itself cannot be written */
    fs_set(MSTATUS_FS_INITIAL);
    check_fs(201, MSTATUS_FS_INITIAL);
    fs_set(MSTATUS_FS_CLEAN);
    check_fs(205, MSTATUS_FS_CLEAN);
    fs_set(MSTATUS_FS_DIRTY);
    check_fs(209, MSTATUS_FS_DIRTY);
    fs_set(0);
    check_fs(213, 0);
    fs_set(MSTATUS_FS_CLEAN);
    set_csr(mstatus, MSTATUS_SD);
    check_fs(217, MSTATUS_FS_CLEAN);
    /* sstatus.FS is the same field */
    clear_csr(sstatus, MSTATUS_FS);
    set_csr(sstatus, MSTATUS_FS_INITIAL);
    check_fs(221, MSTATUS_FS_INITIAL);

    TO_DIRTY(231, MSTATUS_FS_INITIAL, FP_SET("ft0", 1));
    TO_DIRTY(241, MSTATUS_FS_CLEAN, __asm__ volatile("fadd.d ft0, ft0, ft0" ::: "ft0"));
    TO_DIRTY(251, MSTATUS_FS_CLEAN, write_csr(fflags, NV));
    TO_DIRTY(261, MSTATUS_FS_CLEAN, __asm__ volatile("fsrmi 3"));
    TO_DIRTY(271, MSTATUS_FS_INITIAL, write_csr(fcsr, 0));
    /* (an instruction that only changes fflags: fs-flags-dirty.c) */
    TO_DIRTY(291, MSTATUS_FS_CLEAN, __asm__ volatile("flw ft2, 0(%0)" ::"r"(&w) : "ft2", "memory"));
    TO_DIRTY(301, MSTATUS_FS_INITIAL, __asm__ volatile("fcvt.s.w ft2, %0" ::"r"(7) : "ft2"));
    TO_DIRTY(311, MSTATUS_FS_CLEAN,
             __asm__ volatile("mv a0, %0\n\tc.fld fa0, 0(a0)" ::"r"(scratch)
                              : "a0", "fa0", "memory"));
    TO_DIRTY(321, MSTATUS_FS_CLEAN, __asm__ volatile("fmv.w.x ft2, zero" ::: "ft2"));
    TO_DIRTY(331, MSTATUS_FS_CLEAN, __asm__ volatile("fcvt.s.d ft2, ft0" ::: "ft2"));
    TO_DIRTY(341, MSTATUS_FS_INITIAL, __asm__ volatile("fmadd.s ft2, ft1, ft1, ft1" ::: "ft2"));
    write_csr(fcsr, 0);
    fs_set(MSTATUS_FS_INITIAL);
}

/* In S- and U-mode: FS = Off traps (to M-mode here), FS on works. */
static uint64_t lower_off(uint64_t arg)
{
    (void) arg;
    rt_expect_trap();
    __asm__ volatile("fadd.d ft0, ft0, ft0" ::: "ft0");
    return (uint64_t) rt_trap_count();
}

static uint64_t lower_on(uint64_t arg)
{
    uint64_t r;
    __asm__ volatile("fmv.d.x ft0, %1\n\tfadd.d ft0, ft0, ft0\n\tfmv.x.d %0, ft0\n\tcsrr t0, fcsr"
                     : "=r"(r)
                     : "r"(arg)
                     : "ft0", "t0");
    return r;
}

/* S-mode turns the FPU on itself through sstatus. */
static uint64_t s_enables(uint64_t arg)
{
    (void) arg;
    set_csr(sstatus, MSTATUS_FS_INITIAL);
    FP_SET("ft0", 0);
    return read_csr(sstatus);
}

static void lower_modes(void)
{
    for (int mode = 0; mode <= 1; mode++) {
        int n = 401 + 20 * mode;
        fs_set(0);
        uint64_t count = rt_run_in_mode(mode, lower_off, 0);
        CHECK_EQ(n, count, 1);
        fp_check_illegal(n + 1); /* count, cause, tval: n + 1 .. n + 3 */
        CHECK_EQ(n + 4, rt_trap_last.mode, 3);
        CHECK_EQ(n + 7, (rt_trap_last.status & MSTATUS_MPP) >> 11, (uint64_t) mode);
        fs_set(MSTATUS_FS_CLEAN);
        CHECK_EQ(n + 8, rt_run_in_mode(mode, lower_on, 0x3ff0000000000000ull),
                 0x4000000000000000ull);
        CHECK_EQ(n + 9, fs_get(), MSTATUS_FS_DIRTY);
    }
    fs_set(0);
    uint64_t s = rt_run_in_mode(1, s_enables, 0);
    CHECK_EQ(441, s & MSTATUS_FS, MSTATUS_FS_DIRTY);
    CHECK_EQ(442, s >> 63, 1);
    fs_set(MSTATUS_FS_INITIAL);
}

int test_main(void)
{
    off_traps();
    dirty();
    lower_modes();
    return 0;
}
