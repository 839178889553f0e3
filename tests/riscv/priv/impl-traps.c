/* Trap details that docs/riscv-hart.md or privileged spec 1.12 fix and QEMU 7.2 does
 * differently (so this program runs in Vireo only): tval = pc for breakpoints, and MRET
 * and SRET into a mode below M clearing MPRV. */
#include "priv.h"

#define BACK_TO_M 0x5e7

/* An ecall with a7 = BACK_TO_M from S/U resumes after it in M-mode, keeping the
 * registers; the status it trapped with is kept. */
static volatile uint64_t back_status;
static int back_hook(rt_frame *f, int mode)
{
    if (mode == 3 && !(f->cause & CAUSE_INTERRUPT) && f->x[17] == BACK_TO_M &&
        (f->cause == CAUSE_SUPERVISOR_ECALL || f->cause == CAUSE_USER_ECALL)) {
        back_status = f->status;
        f->epc += 4;
        f->status = (f->status & ~(MSTATUS_MPP | MSTATUS_MPRV)) | MSTATUS_MPP_M;
        return 1;
    }
    return 0;
}

static volatile uint64_t lower_pc;
PRIV_LOWER_FN(lower_ebreak, lower_pc, "", "ebreak")
PRIV_LOWER_FN(lower_cebreak, lower_pc, "", ".option rvc\nc.ebreak")

int test_main(void)
{
    uint64_t pc;
    priv_reset_traps();
    priv_setup_strap();

    /* Breakpoints: tval = the address of the ebreak, from every mode, also compressed. */
    rt_expect_trap();
    __asm__ volatile(".option push\n.option norvc\nla %0, 1f\n1: ebreak\n.option pop"
                     : "=&r"(pc)::"memory");
    CHECK_EQ(1, rt_trap_count(), 1);
    CHECK_EQ(2, rt_trap_last.tval, pc);
    rt_expect_trap();
    __asm__ volatile(".option push\n.option norvc\nla %0, 1f\n.option rvc\n1: c.ebreak\n"
                     ".option pop"
                     : "=&r"(pc)::"memory");
    CHECK_EQ(3, rt_trap_count(), 1);
    CHECK_EQ(4, rt_trap_last.tval, pc);
    for (int mode = 0; mode < 2; mode++) {
        rt_expect_trap();
        rt_run_in_mode(mode, lower_ebreak, 0);
        CHECK_EQ(5 + 4 * mode, rt_trap_count(), 1);
        CHECK_EQ(6 + 4 * mode, rt_trap_last.tval, lower_pc);
        rt_expect_trap();
        rt_run_in_mode(mode, lower_cebreak, 0);
        CHECK_EQ(7 + 4 * mode, rt_trap_count(), 1);
        CHECK_EQ(8 + 4 * mode, rt_trap_last.tval, lower_pc);
    }
    /* Delegated: stval. */
    write_csr(medeleg, 1UL << CAUSE_BREAKPOINT);
    rt_expect_trap();
    rt_run_in_mode(MODE_U, lower_ebreak, 0);
    CHECK_EQ(13, rt_trap_count(), 1);
    CHECK_EQ(14, rt_trap_last.mode, 1);
    CHECK_EQ(15, rt_trap_last.tval, lower_pc);
    write_csr(medeleg, 0);

    /* MRET to S-mode clears MPRV. */
    rt_trap_hook = back_hook;
    uint64_t m = read_csr(mstatus);
    write_csr(mstatus, (m & ~(MSTATUS_MPP | MSTATUS_MIE)) | MSTATUS_MPP_S | MSTATUS_MPRV);
    back_status = ~0UL;
    __asm__ volatile("la t0, 1f\ncsrw mepc, t0\nmret\n1: li a7, %0\necall\n"
                     :
                     : "i"(BACK_TO_M)
                     : "t0", "a7", "memory");
    CHECK_EQ(20, (back_status & MSTATUS_MPP) >> 11, MODE_S);
    CHECK_EQ(21, back_status & MSTATUS_MPRV, 0);
    /* ... and to U-mode. */
    write_csr(mstatus, (read_csr(mstatus) & ~MSTATUS_MPP) | MSTATUS_MPRV);
    back_status = ~0UL;
    __asm__ volatile("la t0, 1f\ncsrw mepc, t0\nmret\n1: li a7, %0\necall\n"
                     :
                     : "i"(BACK_TO_M)
                     : "t0", "a7", "memory");
    CHECK_EQ(22, (back_status & MSTATUS_MPP) >> 11, MODE_U);
    CHECK_EQ(23, back_status & MSTATUS_MPRV, 0);
    /* SRET executed in M-mode, to S-mode, clears it too. */
    write_csr(mstatus,
              (read_csr(mstatus) & ~MSTATUS_MPP) | MSTATUS_MPP_M | MSTATUS_MPRV | MSTATUS_SPP);
    back_status = ~0UL;
    __asm__ volatile("la t0, 1f\ncsrw sepc, t0\nsret\n1: li a7, %0\necall\n"
                     :
                     : "i"(BACK_TO_M)
                     : "t0", "a7", "memory");
    CHECK_EQ(24, (back_status & MSTATUS_MPP) >> 11, MODE_S);
    CHECK_EQ(25, back_status & MSTATUS_MPRV, 0);
    /* An MRET that stays in M-mode keeps MPRV (with MPP = M it changes nothing). */
    write_csr(mstatus, (read_csr(mstatus) & ~MSTATUS_MPP) | MSTATUS_MPP_M | MSTATUS_MPRV);
    __asm__ volatile("la t0, 1f\ncsrw mepc, t0\nmret\n1:" ::: "t0", "memory");
    uint64_t after = read_csr(mstatus);
    clear_csr(mstatus, MSTATUS_MPRV);
    CHECK_EQ(26, after & MSTATUS_MPRV, MSTATUS_MPRV);
    CHECK_EQ(27, after & MSTATUS_MPP, 0);
    rt_trap_hook = 0;
    write_csr(mstatus, m);
    return 0;
}
