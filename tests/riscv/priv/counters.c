/* Counters: cycle/time/instret and their M-mode twins, mcounteren/scounteren gating
 * user-level counter reads from S and U, time = the CLINT's mtime, and
 * mhpmcounter3..18/mhpmevent3..18 reading zero. Exact counts and mcountinhibit's effect:
 * impl-csrs.c. */
#include "priv.h"

#define CY   1UL
#define TM   2UL
#define IR   4UL
#define HPM3 8UL

static volatile uint64_t lower_pc;
PRIV_LOWER_FN(rd_cycle, lower_pc, "", "csrr t0, cycle")
PRIV_LOWER_FN(rd_time, lower_pc, "", "csrr t0, time")
PRIV_LOWER_FN(rd_instret, lower_pc, "", "csrr t0, instret")
PRIV_LOWER_FN(rd_hpm3, lower_pc, "", "csrr t0, hpmcounter3")
PRIV_LOWER_FN(rd_mcycle, lower_pc, "", "csrr t0, mcycle")

static uint64_t (*const readers[4])(uint64_t) = {rd_cycle, rd_time, rd_instret, rd_hpm3};

/* Bit i set: reading counter i from mode traps (illegal instruction). */
static uint64_t trapping_reads(int mode)
{
    uint64_t mask = 0;
    for (int i = 0; i < 4; i++) {
        rt_expect_trap();
        rt_run_in_mode(mode, readers[i], 0);
        if (rt_trap_count()) {
            if (rt_trap_last.cause != CAUSE_ILLEGAL_INSTRUCTION || rt_trap_last.epc != lower_pc)
                return 0xbad;
            mask |= 1UL << i;
        }
    }
    return mask;
}

static uint64_t s_read_cycle(uint64_t arg)
{
    (void) arg;
    return read_csr(cycle);
}
static uint64_t u_read_time(uint64_t arg)
{
    (void) arg;
    return read_csr(time);
}

#define HPM_SUM(k) (read_csr(mhpmcounter##k) | read_csr(mhpmevent##k) | read_csr(hpmcounter##k))

int test_main(void)
{
    priv_reset_traps();
    write_csr(mcountinhibit, 0);

    /* The enables are writable (CY, TM, IR, HPM3 at least). */
    write_csr(mcounteren, CY | TM | IR | HPM3);
    CHECK_EQ(1, read_csr(mcounteren) & 15, 15);
    write_csr(scounteren, CY | TM | IR | HPM3);
    CHECK_EQ(2, read_csr(scounteren) & 15, 15);

    /* S-mode: gated by mcounteren only. */
    write_csr(mcounteren, 0);
    CHECK_EQ(3, trapping_reads(MODE_S), 15);
    write_csr(mcounteren, CY);
    CHECK_EQ(4, trapping_reads(MODE_S), 14);
    write_csr(mcounteren, TM | HPM3);
    CHECK_EQ(5, trapping_reads(MODE_S), 5);
    write_csr(mcounteren, CY | TM | IR | HPM3);
    write_csr(scounteren, 0);
    CHECK_EQ(6, trapping_reads(MODE_S), 0);
    /* U-mode: needs both. */
    CHECK_EQ(7, trapping_reads(MODE_U), 15);
    write_csr(scounteren, IR);
    CHECK_EQ(8, trapping_reads(MODE_U), 11);
    write_csr(scounteren, CY | TM | IR | HPM3);
    CHECK_EQ(9, trapping_reads(MODE_U), 0);
    write_csr(mcounteren, TM);
    CHECK_EQ(10, trapping_reads(MODE_U), 13);
    /* (hpmcounter31 and bit 31: impl-csrs.c.) */
    /* The M-mode counters are never reachable from S. */
    write_csr(mcounteren, ~0UL);
    rt_expect_trap();
    rt_run_in_mode(MODE_S, rd_mcycle, 0);
    CHECK_EQ(13, rt_trap_count(), 1);

    /* The values: cycle and instret count up; the user-level CSRs mirror mcycle and
     * minstret; time is the CLINT's mtime. */
    uint64_t c0 = read_csr(mcycle), i0 = read_csr(minstret);
    for (volatile int k = 0; k < 100; k++)
        ;
    uint64_t c1 = read_csr(cycle), i1 = read_csr(instret);
    CHECK(20, c1 > c0);
    CHECK(21, i1 > i0);
    CHECK(22, read_csr(mcycle) >= c1);
    CHECK(23, read_csr(minstret) >= i1);
    uint64_t t0 = mmio_read64(RT_CLINT_MTIME), t = read_csr(time), t1 = mmio_read64(RT_CLINT_MTIME);
    CHECK(24, t >= t0 && t <= t1);
    CHECK(25, t1 - t0 < 100000); /* 10 ms */
    write_csr(scounteren, ~0UL);
    CHECK(26, rt_run_in_mode(MODE_S, s_read_cycle, 0) >= c1);
    t0 = mmio_read64(RT_CLINT_MTIME);
    t = rt_run_in_mode(MODE_U, u_read_time, 0);
    t1 = mmio_read64(RT_CLINT_MTIME);
    CHECK(27, t >= t0 && t <= t1);
    /* time keeps going by itself. */
    t0 = read_csr(time);
    while (read_csr(time) == t0)
        ;
    CHECK(28, read_csr(time) > t0);

    /* mcycle and minstret are writable. */
    write_csr(mcycle, 1000000);
    c1 = read_csr(mcycle);
    CHECK(30, c1 >= 1000000 && c1 < 1000000 + 100000);
    write_csr(minstret, 5000000);
    i1 = read_csr(minstret);
    CHECK(31, i1 >= 5000000 && i1 < 5000000 + 100000);

    /* mcountinhibit: CY and IR can be set (that they stop mcycle and minstret, and that
     * TM, bit 1, is read-only 0, is checked in impl-csrs.c: QEMU 7.2 gets both wrong). */
    write_csr(mcountinhibit, CY | IR);
    CHECK_EQ(40, read_csr(mcountinhibit) & (CY | IR), CY | IR);
    write_csr(mcountinhibit, 0);
    CHECK_EQ(41, read_csr(mcountinhibit) & (CY | IR), 0);

    /* The hardware performance counters and their events read 0 (3..18 here; QEMU 7.2
     * has no 19..31, which impl-csrs.c checks). */
    uint64_t hpm = HPM_SUM(3) | HPM_SUM(4) | HPM_SUM(5) | HPM_SUM(6) | HPM_SUM(7) | HPM_SUM(8) |
                   HPM_SUM(9) | HPM_SUM(10) | HPM_SUM(11) | HPM_SUM(12) | HPM_SUM(13) |
                   HPM_SUM(14) | HPM_SUM(15) | HPM_SUM(16) | HPM_SUM(17) | HPM_SUM(18);
    CHECK_EQ(50, hpm, 0);
    write_csr(mcounteren, 0);
    write_csr(scounteren, 0);
    return 0;
}
