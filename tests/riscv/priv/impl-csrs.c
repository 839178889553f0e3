/* CSR values and WARL behaviour that docs/riscv-hart.md or the privileged specification
 * fix and QEMU 7.2 does differently (so this program runs in Vireo only): misa and the ID
 * registers, UXL/SXL, reserved MPP, medeleg[11], menvcfg/senvcfg fields, pmpaddr width,
 * reserved pmpcfg R/W, csrrs/csrrc writes through a zero register, mepc/sepc bit 0, the
 * hpm counters 3..31, no H extension, mcountinhibit, and counters that count retired
 * instructions. */
#include "pmp.h"

#define MISA_VIREO 0x800000000014112dUL

#define HPM_SUM(k) (read_csr(mhpmcounter##k) | read_csr(mhpmevent##k) | read_csr(hpmcounter##k))
#define HPM_WRITE(k)                       \
    do {                                   \
        write_csr(mhpmcounter##k, 0x1234); \
        write_csr(mhpmevent##k, 1);        \
    } while (0)

static volatile uint64_t lower_pc;
PRIV_LOWER_FN(s_hpm31, lower_pc, "", "csrr t0, hpmcounter31")

/* Retired-instruction counts around `n` nops (the difference of two reads). */
#define COUNT_ACROSS(csr, nops)                                        \
    ({                                                                 \
        uint64_t a_, b_;                                               \
        __asm__ volatile("csrr %0, " #csr "\n" nops "\ncsrr %1, " #csr \
                         : "=&r"(a_), "=&r"(b_)::"memory");            \
        b_ - a_;                                                       \
    })
#define NOP10 "nop\nnop\nnop\nnop\nnop\nnop\nnop\nnop\nnop\nnop"

int test_main(void)
{
    priv_reset_traps();

    /* misa reads RV64 ACDFIMSU and ignores writes. */
    CHECK_EQ(1, read_csr(misa), MISA_VIREO);
    write_csr(misa, MISA_VIREO & ~(1UL << ('C' - 'A')));
    CHECK_EQ(2, read_csr(misa), MISA_VIREO);
    write_csr(misa, 0);
    CHECK_EQ(3, read_csr(misa), MISA_VIREO);
    CHECK_EQ(4, read_csr(mvendorid), 0);
    CHECK_EQ(5, read_csr(marchid), 0);
    CHECK_EQ(6, read_csr(mimpid), 0);
    /* No H extension: its CSRs do not exist. */
    rt_expect_trap();
    __asm__ volatile("csrr t0, 0x600\ncsrr t0, 0x680" ::: "t0"); /* hstatus, hgatp */
    CHECK_EQ(7, rt_trap_count(), 2);
    CHECK_EQ(8, rt_trap_last.cause, CAUSE_ILLEGAL_INSTRUCTION);

    /* Sdtrig with no triggers: tselect keeps 0 whatever is written, tdata1 reads type 0
     * ("no trigger") and ignores writes, tinfo says the selected trigger does not exist. */
    write_csr(tselect, 1);
    write_csr(tdata1, (2UL << 60) | (1UL << 6) | (1UL << 2));
    write_csr(tdata2, 0x80000000UL);
    CHECK_EQ(9, read_csr(tselect) | read_csr(tdata1) | read_csr(tdata2) | read_csr(tdata3), 0);
    CHECK_EQ(72, read_csr(tinfo), 1);

    /* XLEN is 64 in every mode: UXL and SXL read 2 whatever is written. */
    uint64_t ms = read_csr(mstatus);
    write_csr(mstatus, ms | MSTATUS_UXL | MSTATUS_SXL);
    CHECK_EQ(10, read_csr(mstatus) & (MSTATUS_UXL | MSTATUS_SXL), (2UL << 32) | (2UL << 34));
    write_csr(mstatus, ms & ~(MSTATUS_UXL | MSTATUS_SXL));
    CHECK_EQ(11, read_csr(mstatus) & (MSTATUS_UXL | MSTATUS_SXL), (2UL << 32) | (2UL << 34));
    write_csr(sstatus, read_csr(sstatus) | MSTATUS_UXL);
    CHECK_EQ(12, (read_csr(sstatus) & MSTATUS_UXL) >> 32, 2);
    write_csr(sstatus, read_csr(sstatus) & ~MSTATUS_UXL);
    CHECK_EQ(13, (read_csr(sstatus) & MSTATUS_UXL) >> 32, 2);
    /* MPP = 2 (reserved) never reads back. */
    write_csr(mstatus, (ms & ~MSTATUS_MPP) | (2UL << 11));
    CHECK(14, ((read_csr(mstatus) & MSTATUS_MPP) >> 11) != 2);
    write_csr(mstatus, ms);
    /* Big-endian fields are read-only 0. */
    set_csr(mstatus, MSTATUS_UBE | (1UL << 36) | (1UL << 37));
    CHECK_EQ(15, read_csr(mstatus) & (MSTATUS_UBE | (1UL << 36) | (1UL << 37)), 0);

    /* mie has the six M and S interrupts' enables; mip lets M-mode write SSIP, STIP and
     * SEIP only (no VS-level or counter-overflow interrupts here). */
    write_csr(mie, ~0UL);
    CHECK_EQ(16, read_csr(mie), 0xaaa);
    write_csr(mie, 0);
    mmio_write64(RT_CLINT_MTIMECMP(0), ~0UL);
    mmio_write32(RT_CLINT_BASE, 0);
    write_csr(mip, ~0UL);
    CHECK_EQ(17, read_csr(mip), 0x222);
    write_csr(mip, 0);
    CHECK_EQ(18, read_csr(mip), 0);

    /* medeleg[11] (ecall from M) is read-only 0. */
    write_csr(medeleg, ~0UL);
    CHECK_EQ(20, read_csr(medeleg) & (1UL << CAUSE_MACHINE_ECALL), 0);
    write_csr(medeleg, 0);

    /* menvcfg and senvcfg: everything but FIOM reads 0. */
    write_csr(menvcfg, ~0UL);
    CHECK_EQ(21, read_csr(menvcfg), 1);
    write_csr(menvcfg, 0);
    write_csr(senvcfg, ~0UL);
    CHECK_EQ(22, read_csr(senvcfg), 1);
    write_csr(senvcfg, 0);

    /* pmpaddr holds bits 55:2 of an address (bits 63:54 read 0); pmpcfg never reads back
     * the reserved R = 0, W = 1. */
    pmp_set_addr(14, ~0UL);
    CHECK_EQ(23, pmp_get_addr(14), (1UL << 54) - 1);
    pmp_set_addr(14, 0);
    pmp_set_cfg(14, PMP_NAPOT | PMP_W);
    CHECK(24, (pmp_get_cfg(14) & (PMP_R | PMP_W)) != PMP_W);
    pmp_set_cfg(14, PMP_TOR | PMP_W | PMP_X);
    CHECK(25, (pmp_get_cfg(14) & (PMP_R | PMP_W)) != PMP_W);
    pmp_set_cfg(14, 0);
    sfence_all();

    /* csrrs/csrrc with rs1 != x0 write the CSR even when the register holds 0: on a
     * read-only CSR that is an illegal instruction. */
    rt_expect_trap();
    __asm__ volatile("li t1, 0\ncsrrs t0, mhartid, t1" ::: "t0", "t1");
    CHECK_EQ(30, rt_trap_count(), 1);
    CHECK_EQ(31, rt_trap_last.cause, CAUSE_ILLEGAL_INSTRUCTION);
    CHECK_EQ(32, rt_trap_last.tval, (0xf14UL << 20) | (6 << 15) | (2 << 12) | (5 << 7) | 0x73);
    rt_expect_trap();
    __asm__ volatile("li t1, 0\ncsrrc t0, cycle, t1" ::: "t0", "t1");
    CHECK_EQ(33, rt_trap_count(), 1);
    rt_expect_trap();
    __asm__ volatile("li t1, 0\ncsrrs t0, marchid, t1\ncsrrc t0, time, t1" ::: "t0", "t1");
    CHECK_EQ(34, rt_trap_count(), 2);

    /* mepc and sepc: bit 0 reads 0. */
    write_csr(mepc, 0x80001003UL);
    CHECK_EQ(40, read_csr(mepc), 0x80001002UL);
    write_csr(sepc, ~0UL);
    CHECK_EQ(41, read_csr(sepc), ~1UL);

    /* hpm counters 3..31 and events exist, read 0, and ignore writes. */
    HPM_WRITE(3);
    HPM_WRITE(10);
    HPM_WRITE(19);
    HPM_WRITE(31);
    uint64_t hpm = HPM_SUM(3) | HPM_SUM(4) | HPM_SUM(5) | HPM_SUM(6) | HPM_SUM(7) | HPM_SUM(8) |
                   HPM_SUM(9) | HPM_SUM(10) | HPM_SUM(11) | HPM_SUM(12) | HPM_SUM(13) |
                   HPM_SUM(14) | HPM_SUM(15) | HPM_SUM(16) | HPM_SUM(17) | HPM_SUM(18) |
                   HPM_SUM(19) | HPM_SUM(20) | HPM_SUM(21) | HPM_SUM(22) | HPM_SUM(23) |
                   HPM_SUM(24) | HPM_SUM(25) | HPM_SUM(26) | HPM_SUM(27) | HPM_SUM(28) |
                   HPM_SUM(29) | HPM_SUM(30) | HPM_SUM(31);
    CHECK_EQ(50, hpm, 0);
    /* hpmcounter31 from S-mode follows mcounteren bit 31. */
    write_csr(mcounteren, 0);
    rt_expect_trap();
    rt_run_in_mode(MODE_S, s_hpm31, 0);
    CHECK_EQ(51, rt_trap_count(), 1);
    write_csr(mcounteren, 1UL << 31);
    rt_expect_trap();
    rt_run_in_mode(MODE_S, s_hpm31, 0);
    CHECK_EQ(52, rt_trap_count(), 0);
    write_csr(mcounteren, 0);

    /* mcycle and minstret count retired instructions. */
    write_csr(mcountinhibit, 0);
    uint64_t base = COUNT_ACROSS(minstret, "");
    CHECK_EQ(60, COUNT_ACROSS(minstret, NOP10) - base, 10);
    CHECK_EQ(61, COUNT_ACROSS(minstret, NOP10 "\n" NOP10 "\n" NOP10) - base, 30);
    base = COUNT_ACROSS(mcycle, "");
    CHECK_EQ(62, COUNT_ACROSS(mcycle, NOP10) - base, 10);
    CHECK_EQ(63, COUNT_ACROSS(instret, NOP10) - COUNT_ACROSS(instret, ""), 10);
    /* mcountinhibit: TM (bit 1) is read-only 0; CY and IR freeze the counters where they
     * are. */
    write_csr(mcountinhibit, 7);
    CHECK_EQ(64, read_csr(mcountinhibit) & 7, 5);
    write_csr(mcountinhibit, 0);
    uint64_t c0 = read_csr(mcycle);
    write_csr(mcountinhibit, 5);
    uint64_t c1 = read_csr(mcycle), i1 = read_csr(minstret);
    for (volatile int k = 0; k < 100; k++)
        ;
    CHECK(65, c1 >= c0 && c1 - c0 < 10);
    CHECK_EQ(66, read_csr(mcycle), c1);
    CHECK_EQ(67, read_csr(minstret), i1);
    CHECK_EQ(68, COUNT_ACROSS(minstret, NOP10), 0);
    write_csr(mcountinhibit, 4); /* IR only */
    CHECK_EQ(69, COUNT_ACROSS(minstret, NOP10), 0);
    CHECK(70, COUNT_ACROSS(mcycle, NOP10) >= 10);
    write_csr(mcountinhibit, 0);
    for (volatile int k = 0; k < 10; k++)
        ;
    CHECK(71, read_csr(minstret) > i1);
    return 0;
}
