/* CSRs: ID registers, misa's extensions, scratch and trap registers, the CSR
 * instructions' read/write rules, menvcfg/senvcfg/mconfigptr. Values fixed by
 * docs/riscv-hart.md that QEMU 7.2 does not share are in impl-csrs.c; counters in
 * counters.c. */
#include "priv.h"

static volatile uint64_t lower_pc;
PRIV_LOWER_FN(s_sscratch, lower_pc, "li t0, 0x5a", "csrrw t0, sscratch, t0")
PRIV_LOWER_FN(s_mscratch, lower_pc, "", "csrr t0, mscratch")
PRIV_LOWER_FN(s_satp, lower_pc, "", "csrr t0, satp")
PRIV_LOWER_FN(u_sscratch, lower_pc, "", "csrr t0, sscratch")
PRIV_LOWER_FN(s_menvcfg, lower_pc, "", "csrr t0, menvcfg")
PRIV_LOWER_FN(s_senvcfg, lower_pc, "", "csrr t0, senvcfg")

static int traps(int mode, uint64_t (*fn)(uint64_t))
{
    rt_expect_trap();
    rt_run_in_mode(mode, fn, 0);
    int n = rt_trap_count();
    if (n && rt_trap_last.cause != CAUSE_ILLEGAL_INSTRUCTION)
        return 100;
    return n;
}

int test_main(void)
{
    uint64_t v, old;
    priv_reset_traps();

    /* misa: RV64 with I, M, A, F, D, C, S, U. */
    uint64_t misa = read_csr(misa);
    CHECK_EQ(1, misa >> 62, 2);
    uint64_t ext = (1UL << ('I' - 'A')) | (1UL << ('M' - 'A')) | (1UL << ('A' - 'A')) |
                   (1UL << ('F' - 'A')) | (1UL << ('D' - 'A')) | (1UL << ('C' - 'A')) |
                   (1UL << ('S' - 'A')) | (1UL << ('U' - 'A'));
    CHECK_EQ(2, misa & ext, ext);
    CHECK_EQ(3, misa & (1UL << ('E' - 'A')), 0);
    /* IDs: this is hart 0; mvendorid 0 (non-commercial); mconfigptr 0. */
    CHECK_EQ(4, read_csr(mhartid), 0);
    CHECK_EQ(5, read_csr(mvendorid), 0);
    CHECK_EQ(6, read_csr(0xf15), 0); /* mconfigptr */

    /* Scratch registers hold any 64-bit value. mscratch is the runtime's trap stack:
     * nothing may trap (or fail) until it is restored, so results are checked after. */
    uint64_t ms = read_csr(mscratch), r[16];
    write_csr(mscratch, 0xdeadbeefcafef00dUL);
    r[0] = read_csr(mscratch);
    /* The CSR instructions: csrrw swaps, csrrs/csrrc set/clear bits, the immediate forms
     * zero-extend a 5-bit value. */
    write_csr(mscratch, 0xf0f0);
    __asm__ volatile("csrrw %0, mscratch, %1" : "=&r"(r[1]) : "r"(0x1234UL));
    r[2] = read_csr(mscratch);
    __asm__ volatile("csrrs %0, mscratch, %1" : "=&r"(r[3]) : "r"(0xff0000UL));
    r[4] = read_csr(mscratch);
    __asm__ volatile("csrrc %0, mscratch, %1" : "=&r"(r[5]) : "r"(0xf00234UL));
    r[6] = read_csr(mscratch);
    __asm__ volatile("csrrwi %0, mscratch, 31" : "=&r"(r[7]));
    r[8] = read_csr(mscratch);
    __asm__ volatile("csrrci %0, mscratch, 5" : "=&r"(v));
    r[9] = read_csr(mscratch);
    __asm__ volatile("csrrsi %0, mscratch, 16" : "=&r"(r[10]));
    r[11] = read_csr(mscratch);
    write_csr(mscratch, ~0UL);
    __asm__ volatile("csrrsi %0, mscratch, 0" : "=&r"(r[12])); /* no write */
    /* rd = x0: csrrw still writes (it only skips the read). */
    __asm__ volatile("csrrw x0, mscratch, %0" ::"r"(0x77UL));
    r[13] = read_csr(mscratch);
    __asm__ volatile("csrrwi x0, mscratch, 3");
    r[14] = read_csr(mscratch);
    /* The same register as source and destination: the old value is read first. */
    v = 0x40;
    __asm__ volatile("csrrw %0, mscratch, %0" : "+r"(v));
    r[15] = read_csr(mscratch);
    write_csr(mscratch, ms);
    CHECK_EQ(10, r[0], 0xdeadbeefcafef00dUL);
    CHECK_EQ(20, r[1], 0xf0f0);
    CHECK_EQ(21, r[2], 0x1234);
    CHECK_EQ(22, r[3], 0x1234);
    CHECK_EQ(23, r[4], 0xff1234);
    CHECK_EQ(24, r[5], 0xff1234);
    CHECK_EQ(25, r[6], 0x0f1000);
    CHECK_EQ(26, r[7], 0x0f1000);
    CHECK_EQ(27, r[8], 31);
    CHECK_EQ(28, r[9], 26);
    CHECK_EQ(29, r[10], 26);
    CHECK_EQ(30, r[11], 26);
    CHECK_EQ(31, r[12], ~0UL);
    CHECK_EQ(32, r[13], 0x77);
    CHECK_EQ(33, r[14], 3);
    CHECK_EQ(34, v, 3);
    CHECK_EQ(35, r[15], 0x40);

    old = read_csr(sscratch);
    write_csr(sscratch, ~0UL);
    CHECK_EQ(11, read_csr(sscratch), ~0UL);
    write_csr(sscratch, 0);
    CHECK_EQ(12, read_csr(sscratch), 0);
    /* S-mode reaches sscratch, not mscratch; U-mode neither. */
    CHECK_EQ(13, traps(MODE_S, s_sscratch), 0);
    CHECK_EQ(14, read_csr(sscratch), 0x5a);
    CHECK_EQ(15, traps(MODE_S, s_mscratch), 1);
    CHECK_EQ(16, traps(MODE_U, u_sscratch), 1);
    CHECK_EQ(17, traps(MODE_S, s_satp), 0);
    write_csr(sscratch, old);

    /* rs1 = x0 and uimm = 0 forms do not write, so they read read-only CSRs. */
    rt_expect_trap();
    __asm__ volatile("csrrs %0, mhartid, x0" : "=r"(v));
    __asm__ volatile("csrrc %0, mimpid, x0" : "=r"(v));
    __asm__ volatile("csrrsi %0, marchid, 0" : "=r"(v));
    __asm__ volatile("csrrci %0, cycle, 0" : "=r"(v));
    CHECK_EQ(36, rt_trap_count(), 0);
    /* ... while csrrw/csrrwi write even with rd = x0 or a zero value. */
    rt_expect_trap();
    __asm__ volatile("csrrw x0, mhartid, x0");
    __asm__ volatile("csrrwi x0, mvendorid, 0");
    __asm__ volatile("csrrsi x0, mimpid, 1");
    CHECK_EQ(37, rt_trap_count(), 3);

    /* Trap registers are writable; mepc/sepc keep bit 1 (IALIGN = 16). */
    write_csr(mepc, 0x80001002UL);
    CHECK_EQ(40, read_csr(mepc), 0x80001002UL);
    write_csr(sepc, 0x80001006UL);
    CHECK_EQ(41, read_csr(sepc), 0x80001006UL);
    write_csr(mtval, 0x1234567890UL);
    CHECK_EQ(42, read_csr(mtval), 0x1234567890UL);
    write_csr(stval, 0x0987654321UL);
    CHECK_EQ(43, read_csr(stval), 0x0987654321UL);
    write_csr(mcause, INT(IRQ_M_TIMER));
    CHECK_EQ(44, read_csr(mcause), INT(IRQ_M_TIMER));
    write_csr(scause, CAUSE_LOAD_PAGE_FAULT);
    CHECK_EQ(45, read_csr(scause), CAUSE_LOAD_PAGE_FAULT);
    write_csr(mcause, 0);
    write_csr(scause, 0);

    /* Debug-mode CSRs (dcsr, dpc, dscratch0) are not reachable outside Debug Mode. */
    rt_expect_trap();
    __asm__ volatile("csrr t0, dcsr\ncsrr t0, dpc\ncsrw dscratch0, zero" ::: "t0");
    CHECK_EQ(46, rt_trap_count(), 3);
    CHECK_EQ(47, rt_trap_last.cause, CAUSE_ILLEGAL_INSTRUCTION);

    /* menvcfg and senvcfg exist (FIOM is writable); S reaches senvcfg only. */
    rt_expect_trap();
    old = read_csr(menvcfg);
    write_csr(menvcfg, old | 1);
    CHECK_EQ(50, read_csr(menvcfg) & 1, 1);
    write_csr(menvcfg, old & ~1UL);
    CHECK_EQ(51, read_csr(menvcfg) & 1, 0);
    write_csr(senvcfg, 1);
    CHECK_EQ(52, read_csr(senvcfg) & 1, 1);
    write_csr(senvcfg, 0);
    CHECK_EQ(53, read_csr(senvcfg) & 1, 0);
    CHECK_EQ(54, rt_trap_count(), 0);
    CHECK_EQ(55, traps(MODE_S, s_senvcfg), 0);
    CHECK_EQ(56, traps(MODE_S, s_menvcfg), 1);
    CHECK_EQ(57, traps(MODE_U, s_senvcfg), 1);
    return 0;
}
