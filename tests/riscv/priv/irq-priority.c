/* The order in which several pending, enabled interrupts are taken:
 * MEI > MSI > MTI > SEI > SSI > STI (MEI needs an interrupt controller and is not raised
 * here), for interrupts taken into M-mode and for those delegated to S-mode. */
#include "priv.h"

#define ALL_S (MIP_SSIP | MIP_STIP | MIP_SEIP)

static volatile uint64_t taken[16];
static volatile int ntaken;
static volatile int taken_mode[16];

/* Record each interrupt and mask it, so the next one in line comes. */
static int record_hook(rt_frame *f, int mode)
{
    if (!(f->cause & CAUSE_INTERRUPT))
        return 0;
    uint64_t bit = 1UL << (f->cause & 63);
    if (mode == 3)
        clear_csr(mie, bit);
    else
        clear_csr(sie, bit);
    if (ntaken < 16) {
        taken_mode[ntaken] = mode;
        taken[ntaken++] = f->cause;
    }
    return 1;
}

static void reset_record(void)
{
    clear_csr(mstatus, MSTATUS_MIE | MSTATUS_MPIE);
    ntaken = 0;
    for (int i = 0; i < 16; i++)
        taken[i] = 0;
}

static void spin(int n)
{
    for (int i = 0; i < n; i++)
        __asm__ volatile("nop");
}

static uint64_t s_wait(uint64_t arg)
{
    (void) arg;
    set_csr(sstatus, MSTATUS_SIE);
    spin(2000);
    clear_csr(sstatus, MSTATUS_SIE);
    return ntaken;
}

int test_main(void)
{
    priv_reset_traps();
    priv_setup_strap();
    rt_trap_hook = record_hook;

    /* All taken into M-mode. */
    reset_record();
    mmio_write32(RT_CLINT_BASE, 1);
    mmio_write64(RT_CLINT_MTIMECMP(0), 0);
    set_csr(mip, ALL_S);
    write_csr(mie, MIP_MSIP | MIP_MTIP | ALL_S);
    set_csr(mstatus, MSTATUS_MIE);
    spin(100);
    clear_csr(mstatus, MSTATUS_MIE);
    CHECK_EQ(1, ntaken, 5);
    CHECK_EQ(2, taken[0], INT(IRQ_M_SOFT));
    CHECK_EQ(3, taken[1], INT(IRQ_M_TIMER));
    CHECK_EQ(4, taken[2], INT(IRQ_S_EXT));
    CHECK_EQ(5, taken[3], INT(IRQ_S_SOFT));
    CHECK_EQ(6, taken[4], INT(IRQ_S_TIMER));
    mmio_write32(RT_CLINT_BASE, 0);
    mmio_write64(RT_CLINT_MTIMECMP(0), ~0UL);

    /* Pairs, each with the lower-priority one enabled first. */
    static const int order[5] = {IRQ_M_SOFT, IRQ_M_TIMER, IRQ_S_EXT, IRQ_S_SOFT, IRQ_S_TIMER};
    for (int i = 1; i < 5; i++) {
        reset_record();
        mmio_write32(RT_CLINT_BASE, order[i - 1] == IRQ_M_SOFT);
        mmio_write64(RT_CLINT_MTIMECMP(0),
                     order[i - 1] == IRQ_M_TIMER || order[i] == IRQ_M_TIMER ? 0 : ~0UL);
        write_csr(mip, ALL_S);
        write_csr(mie, (1UL << order[i]) | (1UL << order[i - 1]));
        set_csr(mstatus, MSTATUS_MIE);
        spin(100);
        clear_csr(mstatus, MSTATUS_MIE);
        CHECK_EQ(10 + i, ntaken, 2);
        CHECK_EQ(20 + i, taken[0], INT(order[i - 1]));
        CHECK_EQ(30 + i, taken[1], INT(order[i]));
    }
    mmio_write32(RT_CLINT_BASE, 0);
    mmio_write64(RT_CLINT_MTIMECMP(0), ~0UL);

    /* Delegated to S-mode: SEI > SSI > STI there too. */
    reset_record();
    write_csr(mideleg, ALL_S);
    write_csr(mip, ALL_S);
    write_csr(mie, ALL_S);
    CHECK_EQ(40, rt_run_in_mode(MODE_S, s_wait, 0), 3);
    CHECK_EQ(41, taken[0], INT(IRQ_S_EXT));
    CHECK_EQ(42, taken[1], INT(IRQ_S_SOFT));
    CHECK_EQ(43, taken[2], INT(IRQ_S_TIMER));
    CHECK_EQ(44, taken_mode[0] + taken_mode[1] + taken_mode[2], 3);
    write_csr(mip, 0);
    priv_reset_traps();
    return 0;
}
