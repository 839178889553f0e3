/* Interrupts: the CLINT's machine timer and software interrupt, supervisor software,
 * timer and external interrupts raised from M-mode through mip, delegation through
 * mideleg, priorities, global enables, the mip/mie and sip/sie views, WFI. */
#include "priv.h"

#define ALL_S (MIP_SSIP | MIP_STIP | MIP_SEIP)

static void timer_set(uint64_t cmp)
{
    mmio_write64(RT_CLINT_MTIMECMP(0), cmp);
}
static uint64_t mtime(void)
{
    return mmio_read64(RT_CLINT_MTIME);
}
static void msip_set(uint32_t v)
{
    mmio_write32(RT_CLINT_BASE, v);
}

/* Interrupts taken, in order, by the recording hook; each is masked in mie/sie when
 * taken so that it is taken once. */
static volatile uint64_t taken[16];
static volatile int ntaken;
static volatile int taken_mode[16];
static volatile uint64_t taken_status[16];
static volatile uint64_t taken_epc[16];

/* Address of a "1: j 1b" loop that an interrupt should break out of. */
static volatile uint64_t spin_pc;
static uint64_t spin_forever(uint64_t ticks);

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
        taken[ntaken] = f->cause;
        taken_mode[ntaken] = mode;
        taken_status[ntaken] = f->status;
        taken_epc[ntaken] = f->epc;
        ntaken++;
    }
    /* Leave spin_forever() (even if the interrupt came before its loop). */
    if (spin_pc && f->epc >= (uint64_t) spin_forever && f->epc <= spin_pc)
        f->epc = spin_pc + 4;
    return 1;
}

/* Also leaves MIE and MPIE clear: rt_run_in_mode() comes back to M-mode with MIE = the
 * MPIE it started with. */
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

/* Lower-mode bodies. arg: sstatus.SIE to run with; they wait a little for interrupts. */
static uint64_t lower_wait(uint64_t arg)
{
    if (arg)
        set_csr(sstatus, MSTATUS_SIE);
    spin(2000);
    if (arg)
        clear_csr(sstatus, MSTATUS_SIE);
    return ntaken;
}
/* Arm the timer `ticks` ahead, then jump to itself until an interrupt moves the pc past
 * the loop; returns the loop's address. */
static uint64_t spin_forever(uint64_t ticks)
{
    uint64_t pc;
    __asm__ volatile(".option push\n.option norvc\n"
                     "la %0, 1f\nsd %0, 0(%1)\n"
                     "ld t0, 0(%2)\nadd t0, t0, %4\nsd t0, 0(%3)\n"
                     "1: j 1b\n.option pop"
                     : "=&r"(pc)
                     : "r"(&spin_pc), "r"(RT_CLINT_MTIME), "r"(RT_CLINT_MTIMECMP(0)), "r"(ticks)
                     : "t0", "memory");
    return pc;
}

static uint64_t user_wait(uint64_t arg)
{
    (void) arg;
    spin(2000);
    return ntaken;
}
static volatile uint64_t lower_pc;
PRIV_LOWER_FN(lower_wfi, lower_pc, "", "wfi")
static uint64_t s_read_sip(uint64_t arg)
{
    (void) arg;
    return read_csr(sip);
}
static uint64_t s_set_ssip(uint64_t arg)
{
    (void) arg;
    set_csr(sip, MIP_SSIP | MIP_STIP);
    return read_csr(sip);
}

int test_main(void)
{
    uint64_t pc, t;
    priv_reset_traps();
    priv_setup_strap();
    msip_set(0);
    timer_set(~0UL);
    write_csr(mip, 0);

    /* Machine timer: MTIP follows mtime >= mtimecmp. */
    CHECK_EQ(1, read_csr(mip) & MIP_MTIP, 0);
    timer_set(0);
    CHECK_EQ(2, read_csr(mip) & MIP_MTIP, MIP_MTIP);
    timer_set(~0UL);
    CHECK_EQ(3, read_csr(mip) & MIP_MTIP, 0);
    t = mtime() + 2000; /* 200 us */
    timer_set(t);
    int polls = 0;
    while (!(read_csr(mip) & MIP_MTIP) && polls < 10000000)
        polls++;
    CHECK_EQ(4, read_csr(mip) & MIP_MTIP, MIP_MTIP);
    CHECK(5, mtime() >= t);
    timer_set(mtime() + 100000000); /* a larger mtimecmp clears it */
    CHECK_EQ(6, read_csr(mip) & MIP_MTIP, 0);
    /* MTIP and MSIP cannot be written through mip. */
    set_csr(mip, MIP_MTIP | MIP_MSIP);
    CHECK_EQ(7, read_csr(mip) & (MIP_MTIP | MIP_MSIP), 0);

    /* Take the timer interrupt: at the instruction after the enabling csrs. */
    write_csr(mtval, 0x1234);
    rt_trap_hook = record_hook;
    reset_record();
    timer_set(0);
    set_csr(mie, MIP_MTIP);
    __asm__ volatile("la %0, 1f\ncsrs mstatus, %1\n1: csrc mstatus, %1"
                     : "=&r"(pc)
                     : "r"(MSTATUS_MIE)
                     : "memory");
    CHECK_EQ(8, ntaken, 1);
    CHECK_EQ(9, taken[0], INT(IRQ_M_TIMER));
    CHECK_EQ(10, taken_epc[0], pc);
    CHECK_EQ(11, taken_status[0] & (MSTATUS_MPP | MSTATUS_MPIE | MSTATUS_MIE),
             MSTATUS_MPP_M | MSTATUS_MPIE);
    CHECK_EQ(12, read_csr(mcause), INT(IRQ_M_TIMER));
    CHECK_EQ(18, read_csr(mtval), 0); /* interrupts leave 0 in mtval */
    timer_set(~0UL);

    /* Machine software interrupt through the CLINT's msip. */
    msip_set(1);
    CHECK_EQ(13, read_csr(mip) & MIP_MSIP, MIP_MSIP);
    CHECK_EQ(14, mmio_read32(RT_CLINT_BASE), 1);
    reset_record();
    set_csr(mie, MIP_MSIP);
    set_csr(mstatus, MSTATUS_MIE);
    spin(100);
    clear_csr(mstatus, MSTATUS_MIE);
    CHECK_EQ(15, ntaken, 1);
    CHECK_EQ(16, taken[0], INT(IRQ_M_SOFT));
    msip_set(0);
    CHECK_EQ(17, read_csr(mip) & MIP_MSIP, 0);

    /* Supervisor software/timer/external, set from M-mode, not delegated: taken in M. */
    static const int s_irqs[3] = {IRQ_S_SOFT, IRQ_S_TIMER, IRQ_S_EXT};
    for (int i = 0; i < 3; i++) {
        uint64_t bit = 1UL << s_irqs[i];
        set_csr(mip, bit);
        CHECK_EQ(20 + i, read_csr(mip) & bit, bit);
        reset_record();
        set_csr(mie, bit);
        set_csr(mstatus, MSTATUS_MIE);
        spin(100);
        clear_csr(mstatus, MSTATUS_MIE);
        CHECK_EQ(23 + i, ntaken, 1);
        CHECK_EQ(26 + i, taken[0], INT(s_irqs[i]));
        CHECK_EQ(29 + i, taken_mode[0], 3);
        clear_csr(mip, bit);
        CHECK_EQ(32 + i, read_csr(mip) & bit, 0);
    }

    /* Global enable: with MIE = 0 in M-mode nothing is taken; setting MIE takes it. */
    reset_record();
    set_csr(mip, MIP_SSIP);
    set_csr(mie, MIP_SSIP);
    spin(200);
    CHECK_EQ(35, ntaken, 0);
    set_csr(mstatus, MSTATUS_MIE);
    spin(10);
    clear_csr(mstatus, MSTATUS_MIE);
    CHECK_EQ(36, ntaken, 1);
    clear_csr(mip, MIP_SSIP);

    /* (The priority order among pending interrupts is checked in irq-priority.c.) */

    /* sip/sie show only delegated interrupts. */
    write_csr(mideleg, 0);
    set_csr(mip, MIP_SSIP);
    CHECK_EQ(50, read_csr(sip), 0);
    write_csr(sie, ~0UL);
    CHECK_EQ(51, read_csr(sie), 0);
    CHECK_EQ(52, read_csr(mie), 0);
    write_csr(mideleg, ALL_S);
    CHECK_EQ(53, read_csr(mideleg) & ALL_S, ALL_S);
    CHECK_EQ(54, read_csr(sip), MIP_SSIP);
    write_csr(sie, ~0UL);
    CHECK_EQ(55, read_csr(sie), ALL_S);
    CHECK_EQ(56, read_csr(mie), ALL_S); /* sie writes reach only delegated mie bits */
    write_csr(mie, 0);
    write_csr(mideleg, MIP_SSIP);
    set_csr(mip, MIP_STIP);
    CHECK_EQ(57, read_csr(sip), MIP_SSIP);
    /* From S-mode: sip.SSIP is writable, sip.STIP is not. */
    write_csr(mideleg, MIP_SSIP | MIP_STIP);
    clear_csr(mip, MIP_SSIP | MIP_STIP);
    CHECK_EQ(58, rt_run_in_mode(MODE_S, s_set_ssip, 0), MIP_SSIP);
    CHECK_EQ(59, read_csr(mip) & (MIP_SSIP | MIP_STIP), MIP_SSIP);
    clear_csr(mip, MIP_SSIP);
    set_csr(mip, MIP_STIP);
    CHECK_EQ(60, rt_run_in_mode(MODE_S, s_read_sip, 0), MIP_STIP);
    clear_csr(mip, MIP_STIP);
    write_csr(mideleg, 0);

    /* Delegated interrupts are never taken in M-mode, even with MIE and SIE set. */
    write_csr(mideleg, ALL_S);
    set_csr(mip, ALL_S);
    write_csr(mie, ALL_S);
    reset_record();
    set_csr(mstatus, MSTATUS_MIE | MSTATUS_SIE);
    spin(200);
    clear_csr(mstatus, MSTATUS_MIE | MSTATUS_SIE);
    CHECK_EQ(61, ntaken, 0);
    /* In S-mode with SIE = 0 they wait; with SIE = 1 they are taken into S-mode. */
    write_csr(stval, 0x1234);
    CHECK_EQ(62, rt_run_in_mode(MODE_S, lower_wait, 0), 0);
    CHECK_EQ(63, rt_run_in_mode(MODE_S, lower_wait, 1), 3);
    CHECK_EQ(65, (1UL << (taken[0] & 63)) | (1UL << (taken[1] & 63)) | (1UL << (taken[2] & 63)),
             ALL_S);
    CHECK_EQ(66, read_csr(stval), 0);
    for (int i = 0; i < 3; i++) {
        CHECK_EQ(67, taken_mode[i], 1);
        CHECK_EQ(68, taken_status[i] & (MSTATUS_SPP | MSTATUS_SPIE | MSTATUS_SIE),
                 MSTATUS_SPP | MSTATUS_SPIE);
    }
    /* In U-mode they are taken into S-mode whatever SIE says. */
    reset_record();
    write_csr(mie, MIP_SSIP);
    clear_csr(mstatus, MSTATUS_SIE);
    CHECK_EQ(69, rt_run_in_mode(MODE_U, user_wait, 0), 1);
    CHECK_EQ(70, taken[0], INT(IRQ_S_SOFT));
    CHECK_EQ(71, taken_mode[0], 1);
    CHECK_EQ(72, taken_status[0] & (MSTATUS_SPP | MSTATUS_SIE), 0);
    clear_csr(mip, ALL_S);

    /* M-level interrupts are taken in S- and U-mode whatever MIE says. */
    for (int mode = 0; mode < 2; mode++) {
        reset_record();
        msip_set(1);
        write_csr(mie, MIP_MSIP);
        rt_run_in_mode(mode, mode ? lower_wait : user_wait, 0);
        CHECK_EQ(73 + 3 * mode, ntaken, 1);
        CHECK_EQ(74 + 3 * mode, taken[0], INT(IRQ_M_SOFT));
        CHECK_EQ(75 + 3 * mode, (taken_status[0] & MSTATUS_MPP) >> 11, mode);
        msip_set(0);
    }
    /* An M-level interrupt comes before a pending S-level one when both can be taken. */
    reset_record();
    msip_set(1);
    set_csr(mip, MIP_SSIP);
    write_csr(mie, MIP_MSIP | MIP_SSIP);
    rt_run_in_mode(MODE_S, lower_wait, 1);
    CHECK_EQ(80, ntaken, 2);
    CHECK_EQ(81, taken[0], INT(IRQ_M_SOFT));
    CHECK_EQ(82, taken_mode[0], 3);
    CHECK_EQ(83, taken[1], INT(IRQ_S_SOFT));
    CHECK_EQ(84, taken_mode[1], 1);
    msip_set(0);
    clear_csr(mip, MIP_SSIP);
    write_csr(mideleg, 0);
    write_csr(mie, 0);

    /* An interrupt that becomes pending while the hart runs a jump-to-itself loop is
     * taken there: in M-mode with MIE = 1, and in U-mode. */
    for (int mode = 0; mode < 4; mode += 3) {
        reset_record();
        spin_pc = 0;
        write_csr(mie, MIP_MTIP);
        uint64_t loop_pc;
        if (mode == MODE_M) {
            set_csr(mstatus, MSTATUS_MIE);
            loop_pc = spin_forever(1000);
            clear_csr(mstatus, MSTATUS_MIE);
        } else {
            loop_pc = rt_run_in_mode(mode, spin_forever, 1000);
        }
        CHECK_EQ(85, ntaken, 1);
        CHECK_EQ(86, taken[0], INT(IRQ_M_TIMER));
        CHECK_EQ(87, taken_epc[0], loop_pc);
        CHECK_EQ(88, (taken_status[0] & MSTATUS_MPP) >> 11, mode);
        timer_set(~0UL);
        spin_pc = 0;
    }
    write_csr(mie, 0);

    /* WFI wakes on a pending interrupt enabled in mie, even with MIE = 0, and the
     * interrupt is not taken. */
    reset_record();
    t = mtime() + 5000; /* 500 us */
    timer_set(t);
    write_csr(mie, MIP_MTIP);
    __asm__ volatile("wfi" ::: "memory");
    CHECK(90, mtime() >= t);
    CHECK_EQ(91, read_csr(mip) & MIP_MTIP, MIP_MTIP);
    CHECK_EQ(92, ntaken, 0);
    timer_set(~0UL);
    write_csr(mie, 0);
    /* With MIE = 1 the interrupt that ends WFI is taken, mepc = the instruction after. */
    reset_record();
    timer_set(mtime() + 20000); /* 2 ms: well after the wfi is reached */
    write_csr(mie, MIP_MTIP);
    uint64_t wfi_pc;
    __asm__ volatile("la %0, 1f\ncsrs mstatus, %1\n1: wfi\ncsrc mstatus, %1"
                     : "=&r"(wfi_pc)
                     : "r"(MSTATUS_MIE)
                     : "memory");
    CHECK_EQ(102, ntaken, 1);
    CHECK_EQ(103, taken[0], INT(IRQ_M_TIMER));
    CHECK_EQ(104, taken_epc[0], wfi_pc + 4);
    timer_set(~0UL);
    write_csr(mie, 0);
    /* WFI is illegal in U-mode; in S-mode only with TW = 1 (TW does not affect M). */
    rt_trap_hook = 0;
    rt_expect_trap();
    rt_run_in_mode(MODE_U, lower_wfi, 0);
    CHECK_EQ(93, rt_trap_count(), 1);
    CHECK_EQ(94, rt_trap_last.cause, CAUSE_ILLEGAL_INSTRUCTION);
    CHECK_EQ(95, rt_trap_last.epc, lower_pc);
    CHECK_EQ(96, rt_trap_last.tval, 0x10500073);
    set_csr(mstatus, MSTATUS_TW);
    rt_expect_trap();
    rt_run_in_mode(MODE_S, lower_wfi, 0);
    CHECK_EQ(97, rt_trap_count(), 1);
    CHECK_EQ(98, rt_trap_last.cause, CAUSE_ILLEGAL_INSTRUCTION);
    CHECK_EQ(99, rt_trap_last.epc, lower_pc);
    /* With an interrupt pending (delegated, SIE = 0) WFI returns at once. */
    write_csr(mideleg, MIP_SSIP);
    set_csr(mip, MIP_SSIP);
    write_csr(mie, MIP_SSIP);
    rt_expect_trap();
    __asm__ volatile("wfi" ::: "memory"); /* M-mode: TW does not apply */
    CHECK_EQ(100, rt_trap_count(), 0);
    clear_csr(mstatus, MSTATUS_TW);
    rt_expect_trap();
    rt_run_in_mode(MODE_S, lower_wfi, 0);
    CHECK_EQ(101, rt_trap_count(), 0);
    clear_csr(mip, MIP_SSIP);
    priv_reset_traps();
    return 0;
}
