/* mtvec and stvec: direct and vectored modes (interrupts go to BASE + 4 * cause,
 * exceptions to BASE) and the WARL MODE field. */
#include "priv.h"

extern char priv_mvec_table[], priv_svec_table[];
extern volatile uint64_t priv_mvec_slot, priv_svec_slot;

/* Take each interrupt once: the handler masks it in mie/sie. */
static int mask_hook(rt_frame *f, int mode)
{
    if (f->cause & CAUSE_INTERRUPT) {
        uint64_t bit = 1UL << (f->cause & 63);
        if (mode == 3)
            clear_csr(mie, bit);
        else
            clear_csr(sie, bit);
    }
    return 0;
}

/* Raise and take one M-mode interrupt with mtvec vectored; returns the slot used. */
static uint64_t take_m_interrupt(int n, uint64_t irq)
{
    priv_mvec_slot = ~0UL;
    rt_expect_trap();
    set_csr(mie, 1UL << irq);
    set_csr(mstatus, MSTATUS_MIE);
    for (int i = 0; i < 1000 && !rt_trap_last.taken; i++)
        __asm__ volatile("nop");
    clear_csr(mstatus, MSTATUS_MIE);
    CHECK_EQ(n, rt_trap_count(), 1);
    CHECK_EQ(n, rt_trap_last.cause, INT(irq));
    CHECK_EQ(n, rt_trap_last.mode, 3);
    return priv_mvec_slot;
}

/* S-mode: enable SSIE/STIE and SIE, set SSIP itself, let the interrupts in. */
static uint64_t s_take_interrupts(uint64_t arg)
{
    set_csr(sie, arg);
    if (arg & MIP_SSIP)
        set_csr(sip, MIP_SSIP);
    set_csr(sstatus, MSTATUS_SIE);
    for (int i = 0; i < 1000 && !rt_trap_last.taken; i++)
        __asm__ volatile("nop");
    clear_csr(sstatus, MSTATUS_SIE);
    return 0;
}

static volatile uint64_t s_ebreak_pc;
PRIV_LOWER_FN(s_ebreak, s_ebreak_pc, "", "ebreak")

int test_main(void)
{
    uint64_t base = (uint64_t) priv_mvec_table;
    priv_reset_traps();
    mmio_write64(RT_CLINT_MTIMECMP(0), ~0UL);

    /* MODE is WARL: 2 and 3 are reserved and never read back. */
    write_csr(mtvec, base | 2);
    CHECK(1, (read_csr(mtvec) & 3) < 2);
    write_csr(mtvec, base | 3);
    CHECK(2, (read_csr(mtvec) & 3) < 2);
    write_csr(mtvec, base | 1);
    CHECK_EQ(3, read_csr(mtvec), base | 1);
    write_csr(mtvec, base);
    CHECK_EQ(4, read_csr(mtvec), base);
    write_csr(stvec, (uint64_t) priv_svec_table | 2);
    CHECK(5, (read_csr(stvec) & 3) < 2);
    write_csr(stvec, (uint64_t) priv_svec_table | 1);
    CHECK_EQ(6, read_csr(stvec), (uint64_t) priv_svec_table | 1);
    write_csr(stvec, (uint64_t) priv_svec_table);
    CHECK_EQ(7, read_csr(stvec), (uint64_t) priv_svec_table);

    /* Direct mode: an interrupt goes to BASE like everything else. */
    write_csr(mtvec, base);
    rt_trap_hook = mask_hook;
    set_csr(mip, MIP_SSIP);
    CHECK_EQ(10, take_m_interrupt(10, IRQ_S_SOFT), 0);
    clear_csr(mip, MIP_SSIP);

    /* Vectored: exceptions at BASE, interrupts at BASE + 4 * cause. */
    write_csr(mtvec, base | 1);
    priv_mvec_slot = ~0UL;
    rt_expect_trap();
    __asm__ volatile("ebreak");
    CHECK_EQ(20, rt_trap_count(), 1);
    CHECK_EQ(21, priv_mvec_slot, 0);
    priv_mvec_slot = ~0UL;
    rt_expect_trap();
    __asm__ volatile(".4byte 0x0000006b");
    CHECK_EQ(22, rt_trap_count(), 1);
    CHECK_EQ(23, priv_mvec_slot, 0);
    set_csr(mip, MIP_SSIP);
    CHECK_EQ(24, take_m_interrupt(24, IRQ_S_SOFT), IRQ_S_SOFT);
    clear_csr(mip, MIP_SSIP);
    set_csr(mip, MIP_STIP);
    CHECK_EQ(25, take_m_interrupt(25, IRQ_S_TIMER), IRQ_S_TIMER);
    clear_csr(mip, MIP_STIP);
    mmio_write32(RT_CLINT_BASE, 1);
    CHECK_EQ(26, take_m_interrupt(26, IRQ_M_SOFT), IRQ_M_SOFT);
    mmio_write32(RT_CLINT_BASE, 0);
    mmio_write64(RT_CLINT_MTIMECMP(0), 0);
    CHECK_EQ(27, take_m_interrupt(27, IRQ_M_TIMER), IRQ_M_TIMER);
    mmio_write64(RT_CLINT_MTIMECMP(0), ~0UL);
    write_csr(mtvec, (uint64_t) rt_mtrap_entry);

    /* stvec vectored, with the interrupts and ebreak delegated. */
    write_csr(sscratch, (uint64_t) rt_strap_stack_top);
    write_csr(stvec, (uint64_t) priv_svec_table | 1);
    write_csr(mideleg, MIP_SSIP | MIP_STIP);
    write_csr(medeleg, 1UL << CAUSE_BREAKPOINT);
    priv_svec_slot = ~0UL;
    rt_expect_trap();
    rt_run_in_mode(MODE_S, s_take_interrupts, MIP_SSIP);
    CHECK_EQ(30, rt_trap_count(), 1);
    CHECK_EQ(31, rt_trap_last.mode, 1);
    CHECK_EQ(32, rt_trap_last.cause, INT(IRQ_S_SOFT));
    CHECK_EQ(33, priv_svec_slot, IRQ_S_SOFT);
    clear_csr(mip, MIP_SSIP);
    set_csr(mip, MIP_STIP);
    priv_svec_slot = ~0UL;
    rt_expect_trap();
    rt_run_in_mode(MODE_S, s_take_interrupts, MIP_STIP);
    CHECK_EQ(34, rt_trap_count(), 1);
    CHECK_EQ(35, rt_trap_last.mode, 1);
    CHECK_EQ(36, rt_trap_last.cause, INT(IRQ_S_TIMER));
    CHECK_EQ(37, priv_svec_slot, IRQ_S_TIMER);
    clear_csr(mip, MIP_STIP);
    priv_svec_slot = ~0UL;
    rt_expect_trap();
    rt_run_in_mode(MODE_S, s_ebreak, 0);
    CHECK_EQ(38, rt_trap_count(), 1);
    CHECK_EQ(39, rt_trap_last.mode, 1);
    CHECK_EQ(40, rt_trap_last.cause, CAUSE_BREAKPOINT);
    CHECK_EQ(41, priv_svec_slot, 0);
    CHECK_EQ(45, rt_trap_last.epc, s_ebreak_pc);
    /* stvec direct: the interrupt goes to BASE. */
    write_csr(stvec, (uint64_t) priv_svec_table);
    priv_svec_slot = ~0UL;
    rt_expect_trap();
    rt_run_in_mode(MODE_S, s_take_interrupts, MIP_SSIP);
    CHECK_EQ(42, rt_trap_count(), 1);
    CHECK_EQ(43, rt_trap_last.cause, INT(IRQ_S_SOFT));
    CHECK_EQ(44, priv_svec_slot, 0);
    clear_csr(mip, MIP_SSIP);

    priv_reset_traps();
    return 0;
}
