/* Exception delegation to S-mode through medeleg: scause, sepc, stval, the sstatus stack
 * (SPP, SPIE, SIE) and sret; exceptions raised in M-mode are never delegated; medeleg[11]
 * (ecall from M) cannot be delegated. Interrupt delegation is in interrupts.c. */
#include "priv.h"

static volatile uint64_t lower_pc;
PRIV_LOWER_FN(lower_illegal, lower_pc, "", ".4byte 0x0000006b")
PRIV_LOWER_FN(lower_ebreak, lower_pc, "", "ebreak")
PRIV_LOWER_FN(lower_ecall, lower_pc, "", "ecall")
PRIV_LOWER_FN(lower_load_fault, lower_pc, "li t0, 0x20000", "ld t1, 8(t0)")
PRIV_LOWER_FN(lower_store_fault, lower_pc, "li t0, 0x20000", "sw t1, 4(t0)")
PRIV_LOWER_FN(lower_misaligned_amo, lower_pc, "la t0, word_pair\naddi t0, t0, 4",
              "amoor.d t1, t1, (t0)")
PRIV_LOWER_FN(lower_fetch_fault, lower_pc, "li t0, 0x20000", "jalr t0")

uint64_t word_pair[2] __attribute__((aligned(16)));

/* With ecall delegated, the lower-mode function's closing ecall lands in S-mode too: the
 * S-mode side passes it to M-mode as an ebreak (not delegated then), which the M-mode side
 * turns back into the runtime's return. */
static int return_hook(rt_frame *f, int mode)
{
    if (mode == 1 && (f->cause == CAUSE_USER_ECALL || f->cause == CAUSE_SUPERVISOR_ECALL) &&
        f->x[17] == RT_ECALL_RETURN) {
        write_csr(sscratch, (uint64_t) rt_strap_stack_top);
        register uint64_t a0 __asm__("a0") = f->x[10];
        register uint64_t a7 __asm__("a7") = RT_ECALL_RETURN;
        __asm__ volatile("ebreak" ::"r"(a0), "r"(a7) : "memory");
    }
    if (mode == 3 && f->cause == CAUSE_BREAKPOINT && f->x[17] == RT_ECALL_RETURN)
        f->cause = CAUSE_SUPERVISOR_ECALL; /* let the runtime finish rt_run_in_mode() */
    return 0;
}

/* Expect one trap from fn run in `mode`, taken into `into` (1 or 3) with cause/tval. */
#define TVAL_ANY (~0UL)
static void expect(int n, int mode, uint64_t (*fn)(uint64_t), int into, uint64_t cause,
                   uint64_t tval)
{
    rt_expect_trap();
    rt_run_in_mode(mode, fn, 0);
    CHECK_EQ(n, rt_trap_count(), 1);
    CHECK_EQ(n, rt_trap_last.mode, into);
    CHECK_EQ(n, rt_trap_last.cause, cause);
    CHECK_EQ(n, rt_trap_last.epc, lower_pc);
    if (tval != TVAL_ANY)
        CHECK_EQ(n, rt_trap_last.tval, tval);
    if (into == 1)
        CHECK_EQ(n, (rt_trap_last.status & MSTATUS_SPP) >> 8, mode);
    else
        CHECK_EQ(n, (rt_trap_last.status & MSTATUS_MPP) >> 11, mode);
}

/* In S-mode: SIE = 1, take a delegated illegal instruction, then report what the trap
 * CSRs and sstatus hold after the handler's sret. */
static volatile uint64_t s_scause, s_sepc, s_stval, s_status_after, s_pc;
static uint64_t s_trap_and_report(uint64_t arg)
{
    (void) arg;
    uint64_t pc;
    set_csr(sstatus, MSTATUS_SIE);
    __asm__ volatile(".option push\n.option norvc\nla %0, 1f\n1: .4byte 0xfe000033\n.option pop"
                     : "=&r"(pc)::"memory");
    s_pc = pc;
    s_scause = read_csr(scause);
    s_sepc = read_csr(sepc);
    s_stval = read_csr(stval);
    s_status_after = read_csr(sstatus);
    clear_csr(sstatus, MSTATUS_SIE);
    return 0;
}

/* sret to S-mode with SPIE = 1: SIE = 1 after it, SPIE = 1, SPP = U. */
static uint64_t s_sret_to_s(uint64_t arg)
{
    (void) arg;
    uint64_t st;
    clear_csr(sstatus, MSTATUS_SIE);
    set_csr(sstatus, MSTATUS_SPP | MSTATUS_SPIE);
    __asm__ volatile("la t0, 1f\ncsrw sepc, t0\nsret\n1: csrr %0, sstatus"
                     : "=r"(st)::"t0", "memory");
    clear_csr(sstatus, MSTATUS_SIE);
    return st;
}

/* sret to U-mode (SPP = 0): an ecall there is an ecall from U. */
static uint64_t s_sret_to_u(uint64_t arg)
{
    (void) arg;
    uint64_t pc;
    clear_csr(sstatus, MSTATUS_SPP | MSTATUS_SPIE);
    __asm__ volatile(".option push\n.option norvc\n"
                     "la t0, 1f\ncsrw sepc, t0\nla %0, 2f\nsret\n"
                     "1: li a7, 0\n2: ecall\n.option pop"
                     : "=&r"(pc)::"t0", "a7", "memory");
    lower_pc = pc;
    return 0;
}

int test_main(void)
{
    priv_setup_strap();

    /* medeleg: the bits used below stick (bit 11 being read-only zero: impl-csrs.c). */
    uint64_t want = (1UL << CAUSE_FETCH_ACCESS) | (1UL << CAUSE_ILLEGAL_INSTRUCTION) |
                    (1UL << CAUSE_BREAKPOINT) | (1UL << CAUSE_LOAD_ACCESS) |
                    (1UL << CAUSE_MISALIGNED_STORE) | (1UL << CAUSE_STORE_ACCESS) |
                    (1UL << CAUSE_FETCH_PAGE_FAULT) | (1UL << CAUSE_LOAD_PAGE_FAULT) |
                    (1UL << CAUSE_STORE_PAGE_FAULT);
    uint64_t ecalls = (1UL << CAUSE_USER_ECALL) | (1UL << CAUSE_SUPERVISOR_ECALL);
    write_csr(medeleg, ~0UL);
    uint64_t deleg = read_csr(medeleg);
    CHECK_EQ(2, deleg & (want | ecalls), want | ecalls);
    write_csr(medeleg, 0);
    CHECK_EQ(3, read_csr(medeleg), 0);

    /* Nothing delegated: everything goes to M. */
    expect(4, MODE_S, lower_illegal, 3, CAUSE_ILLEGAL_INSTRUCTION, 0x6b);
    expect(5, MODE_U, lower_illegal, 3, CAUSE_ILLEGAL_INSTRUCTION, 0x6b);

    /* Delegated: from S and from U to S, with scause/sepc/stval and SPP. */
    write_csr(medeleg, want);
    expect(10, MODE_S, lower_illegal, 1, CAUSE_ILLEGAL_INSTRUCTION, 0x6b);
    expect(11, MODE_U, lower_illegal, 1, CAUSE_ILLEGAL_INSTRUCTION, 0x6b);
    expect(12, MODE_S, lower_load_fault, 1, CAUSE_LOAD_ACCESS, 0x20008);
    expect(13, MODE_U, lower_store_fault, 1, CAUSE_STORE_ACCESS, 0x20004);
    expect(14, MODE_S, lower_misaligned_amo, 1, CAUSE_MISALIGNED_STORE, (uint64_t) word_pair + 4);
    rt_expect_trap();
    rt_run_in_mode(MODE_U, lower_fetch_fault, 0);
    CHECK_EQ(15, rt_trap_count(), 1);
    CHECK_EQ(16, rt_trap_last.mode, 1);
    CHECK_EQ(17, rt_trap_last.cause, CAUSE_FETCH_ACCESS);
    CHECK_EQ(18, rt_trap_last.epc, 0x20000);
    CHECK_EQ(19, rt_trap_last.tval, 0x20000);
    rt_expect_trap();
    rt_run_in_mode(MODE_S, lower_ebreak, 0);
    CHECK_EQ(20, rt_trap_count(), 1);
    CHECK_EQ(21, rt_trap_last.mode, 1);
    CHECK_EQ(22, rt_trap_last.cause, CAUSE_BREAKPOINT);
    CHECK_EQ(23, rt_trap_last.epc, lower_pc);

    /* Delegated ecalls: from U (cause 8) and from S itself (cause 9) to S. */
    write_csr(medeleg, ecalls);
    rt_trap_hook = return_hook;
    expect(24, MODE_U, lower_ecall, 1, CAUSE_USER_ECALL, 0);
    expect(25, MODE_S, lower_ecall, 1, CAUSE_SUPERVISOR_ECALL, 0);
    rt_trap_hook = 0;
    write_csr(medeleg, want);

    /* The sstatus stack and the trap CSRs as S-mode sees them. */
    rt_expect_trap();
    rt_run_in_mode(MODE_S, s_trap_and_report, 0);
    CHECK_EQ(30, rt_trap_count(), 1);
    CHECK_EQ(31, rt_trap_last.mode, 1);
    CHECK_EQ(32, rt_trap_last.status & (MSTATUS_SPP | MSTATUS_SPIE | MSTATUS_SIE),
             MSTATUS_SPP | MSTATUS_SPIE);
    CHECK_EQ(33, s_scause, CAUSE_ILLEGAL_INSTRUCTION);
    CHECK_EQ(34, s_sepc, s_pc + 4); /* the handler stepped over it */
    CHECK_EQ(35, s_stval, 0xfe000033);
    /* sret: SIE <- SPIE, SPIE <- 1, SPP <- U. */
    CHECK_EQ(36, s_status_after & (MSTATUS_SPP | MSTATUS_SPIE | MSTATUS_SIE),
             MSTATUS_SPIE | MSTATUS_SIE);
    uint64_t st = rt_run_in_mode(MODE_S, s_sret_to_s, 0);
    CHECK_EQ(37, st & (MSTATUS_SPP | MSTATUS_SPIE | MSTATUS_SIE), MSTATUS_SPIE | MSTATUS_SIE);
    /* A delegated trap from U-mode: SPP = 0. */
    rt_expect_trap();
    rt_run_in_mode(MODE_U, lower_illegal, 0);
    CHECK_EQ(38, rt_trap_count(), 1);
    CHECK_EQ(39, rt_trap_last.mode, 1);
    CHECK_EQ(40, rt_trap_last.status & MSTATUS_SPP, 0);
    /* sret with SPP = 0 enters U-mode. */
    rt_expect_trap();
    rt_run_in_mode(MODE_S, s_sret_to_u, 0);
    CHECK_EQ(41, rt_trap_count(), 1);
    CHECK_EQ(42, rt_trap_last.mode, 3);
    CHECK_EQ(43, rt_trap_last.cause, CAUSE_USER_ECALL);
    CHECK_EQ(44, rt_trap_last.epc, lower_pc);

    /* Only the delegated causes go to S: an ebreak from S is M's when bit 3 is clear. */
    write_csr(medeleg, 1UL << CAUSE_ILLEGAL_INSTRUCTION);
    expect(50, MODE_S, lower_ebreak, 3, CAUSE_BREAKPOINT, TVAL_ANY);
    expect(51, MODE_S, lower_illegal, 1, CAUSE_ILLEGAL_INSTRUCTION, 0x6b);

    /* Exceptions raised in M-mode are never delegated. */
    write_csr(medeleg, ~0UL);
    uint64_t pc;
    rt_expect_trap();
    __asm__ volatile(".option push\n.option norvc\nla %0, 1f\n1: .4byte 0x0000006b\n.option pop"
                     : "=&r"(pc)::"memory");
    CHECK_EQ(60, rt_trap_count(), 1);
    CHECK_EQ(61, rt_trap_last.mode, 3);
    CHECK_EQ(62, rt_trap_last.cause, CAUSE_ILLEGAL_INSTRUCTION);
    CHECK_EQ(63, rt_trap_last.epc, pc);
    rt_expect_trap();
    __asm__ volatile("ebreak\nli t0, 0x20000\nld t0, 0(t0)" ::: "t0", "memory");
    CHECK_EQ(64, rt_trap_count(), 2);
    CHECK_EQ(65, rt_trap_last.mode, 3);
    CHECK_EQ(66, rt_trap_last.cause, CAUSE_LOAD_ACCESS);
    rt_expect_trap();
    __asm__ volatile("li a7, 0\necall" ::: "a7", "memory");
    CHECK_EQ(67, rt_trap_count(), 1);
    CHECK_EQ(68, rt_trap_last.mode, 3);
    CHECK_EQ(69, rt_trap_last.cause, CAUSE_MACHINE_ECALL);
    write_csr(medeleg, 0);
    return 0;
}
