/* Every synchronous exception cause the hart can raise (page faults are in sv39.c,
 * PMP denials in pmp.c), with mcause, mepc, mtval and the mstatus stack on the trap and
 * after mret.
 *
 * Instruction address misaligned (cause 0) cannot happen on this hart: with the C
 * extension every jump target is 2-byte aligned and jalr clears bit 0 (check 90). */
#include "priv.h"

/* The encoding of a CSR instruction (funct3: 1 csrrw, 2 csrrs, 3 csrrc, 5..7 immediate). */
#define CSR_INSN(csr, rs1, funct3, rd) \
    (((uint64_t) (csr) << 20) | ((rs1) << 15) | ((funct3) << 12) | ((rd) << 7) | 0x73)
#define X_T0 5
#define X_T1 6

/* Run one instruction with the runtime's handler armed; pc = its address. */
#define TRAP_INSN(pc, insn)                                                                 \
    do {                                                                                    \
        rt_expect_trap();                                                                   \
        __asm__ volatile(".option push\n.option norvc\nla %0, 1f\n1: " insn "\n.option pop" \
                         : "=&r"(pc)                                                        \
                         :                                                                  \
                         : "t0", "t1", "memory");                                           \
    } while (0)

/* The same for a compressed (16-bit) instruction. */
#define TRAP_INSN16(pc, insn)                                                            \
    do {                                                                                 \
        rt_expect_trap();                                                                \
        __asm__ volatile(".option push\n.option norvc\nla %0, 1f\n.option rvc\n1: " insn \
                         "\n.option pop"                                                 \
                         : "=&r"(pc)                                                     \
                         :                                                               \
                         : "t0", "t1", "memory");                                        \
    } while (0)

#define EXPECT_ONE(n, want_cause, want_tval, want_epc) \
    do {                                               \
        CHECK_EQ(n, rt_trap_count(), 1);               \
        CHECK_EQ(n, rt_trap_last.mode, 3);             \
        CHECK_EQ(n, rt_trap_last.cause, want_cause);   \
        CHECK_EQ(n, rt_trap_last.tval, want_tval);     \
        CHECK_EQ(n, rt_trap_last.epc, want_epc);       \
    } while (0)

#define EXPECT_NONE(n) CHECK_EQ(n, rt_trap_count(), 0)

static uint64_t buf[4] __attribute__((aligned(64)));

/* Lower-mode bodies: one instruction each. They only report; M-mode checks. */
static volatile uint64_t lower_insn_pc;
PRIV_LOWER_FN(lower_csrr_mstatus, lower_insn_pc, "", "csrr t0, mstatus")
PRIV_LOWER_FN(lower_csrr_mscratch, lower_insn_pc, "", "csrr t0, mscratch")
PRIV_LOWER_FN(lower_csrr_sstatus, lower_insn_pc, "", "csrr t0, sstatus")
PRIV_LOWER_FN(lower_csrr_satp, lower_insn_pc, "", "csrr t0, satp")
PRIV_LOWER_FN(lower_mret, lower_insn_pc, "", "mret")
PRIV_LOWER_FN(lower_sret, lower_insn_pc, "", "sret")
PRIV_LOWER_FN(lower_sfence, lower_insn_pc, "", "sfence.vma")
PRIV_LOWER_FN(lower_ecall, lower_insn_pc, "", "ecall")
PRIV_LOWER_FN(lower_ebreak, lower_insn_pc, "", "ebreak")
PRIV_LOWER_FN(lower_illegal, lower_insn_pc, "", ".4byte 0x0000006b")

/* Run fn in mode with the handler armed; expect one trap into M with cause and tval
 * (TVAL_ANY: not checked). */
#define TVAL_ANY (~0UL)
static void expect_lower(int n, int mode, uint64_t (*fn)(uint64_t), uint64_t cause, uint64_t tval)
{
    rt_expect_trap();
    rt_run_in_mode(mode, fn, 0);
    CHECK_EQ(n, rt_trap_count(), 1);
    CHECK_EQ(n, rt_trap_last.mode, 3);
    CHECK_EQ(n, rt_trap_last.cause, cause);
    if (tval != TVAL_ANY)
        CHECK_EQ(n, rt_trap_last.tval, tval);
    CHECK_EQ(n, rt_trap_last.epc, lower_insn_pc);
    CHECK_EQ(n, (rt_trap_last.status & MSTATUS_MPP) >> 11, mode);
}

static uint64_t lower_ecall_pc(uint64_t arg)
{
    (void) arg;
    return lower_insn_pc;
}

static void plain_function(void)
{
}

int test_main(void)
{
    uint64_t pc, v;

    /* Instruction access fault: a jump to where nothing is mapped. */
    rt_expect_trap();
    priv_call(UNMAPPED_A);
    EXPECT_ONE(1, CAUSE_FETCH_ACCESS, UNMAPPED_A, UNMAPPED_A);
    rt_expect_trap();
    priv_call(UNMAPPED_B + 6);
    EXPECT_ONE(2, CAUSE_FETCH_ACCESS, UNMAPPED_B + 6, UNMAPPED_B + 6);

    /* Load and store access faults: tval is the address. */
    TRAP_INSN(pc, "li t0, 0x20000\nld t1, 8(t0)");
    EXPECT_ONE(3, CAUSE_LOAD_ACCESS, 0x20008, pc + 4 + 0); /* li expands to one insn */
    TRAP_INSN(pc, "li t0, 0x80000\nsd zero, 16(t0)");
    EXPECT_ONE(4, CAUSE_STORE_ACCESS, 0x80010, pc + 4);
    TRAP_INSN(pc, "li t0, 0x20000\nsb zero, 3(t0)");
    EXPECT_ONE(5, CAUSE_STORE_ACCESS, 0x20003, pc + 4);
    /* LR is a load (AMOs, store/AMO faults, are in amo-faults.c). */
    TRAP_INSN(pc, "li t0, 0x20000\nlr.d t1, (t0)");
    EXPECT_ONE(6, CAUSE_LOAD_ACCESS, 0x20000, pc + 4);
    TRAP_INSN(pc, "li t0, 0x20000\nfld ft0, 0(t0)");
    EXPECT_ONE(8, CAUSE_LOAD_ACCESS, 0x20000, pc + 4);

    /* Illegal instructions: tval holds the instruction bits. */
    TRAP_INSN(pc, ".4byte 0x0000006b"); /* reserved major opcode */
    EXPECT_ONE(10, CAUSE_ILLEGAL_INSTRUCTION, 0x0000006b, pc);
    TRAP_INSN(pc, ".4byte 0xfe000033"); /* OP with an undefined funct7 */
    EXPECT_ONE(11, CAUSE_ILLEGAL_INSTRUCTION, 0xfe000033, pc);
    TRAP_INSN16(pc, ".2byte 0x0004"); /* c.addi4spn with a zero immediate: reserved */
    EXPECT_ONE(12, CAUSE_ILLEGAL_INSTRUCTION, 0x0004, pc);
    TRAP_INSN16(pc, ".2byte 0x0000"); /* the all-zeros halfword */
    EXPECT_ONE(13, CAUSE_ILLEGAL_INSTRUCTION, 0, pc);
    /* CSRs that do not exist. */
    TRAP_INSN(pc, "csrr t0, 0x0ff");
    EXPECT_ONE(14, CAUSE_ILLEGAL_INSTRUCTION, CSR_INSN(0x0ff, 0, 2, X_T0), pc);
    TRAP_INSN(pc, "csrw 0x7ff, t1");
    EXPECT_ONE(15, CAUSE_ILLEGAL_INSTRUCTION, CSR_INSN(0x7ff, X_T1, 1, 0), pc);
    /* Writes to read-only CSRs (csr[11:10] = 3), also with a zero value in rs1. */
    TRAP_INSN(pc, "csrw mvendorid, t1");
    EXPECT_ONE(16, CAUSE_ILLEGAL_INSTRUCTION, CSR_INSN(0xf11, X_T1, 1, 0), pc);
    TRAP_INSN(pc, "csrw cycle, t1");
    EXPECT_ONE(17, CAUSE_ILLEGAL_INSTRUCTION, CSR_INSN(0xc00, X_T1, 1, 0), pc);
    /* (csrrs with rs1 != x0 holding zero is a write too: impl-csrs.c.) */
    TRAP_INSN(pc, "csrrci t0, instret, 1");
    EXPECT_ONE(19, CAUSE_ILLEGAL_INSTRUCTION, CSR_INSN(0xc02, 1, 7, X_T0), pc);
    /* ... but reading them with rs1 = x0 / uimm = 0 writes nothing and does not trap. */
    TRAP_INSN(pc, "csrrs t0, mvendorid, x0\ncsrrc t0, cycle, x0\ncsrrsi t0, time, 0\n"
                  "csrrci t0, mhartid, 0");
    EXPECT_NONE(20);

    /* Breakpoint, for ebreak and c.ebreak (tval = pc is checked in impl-traps.c). */
    TRAP_INSN(pc, "ebreak");
    EXPECT_ONE(21, CAUSE_BREAKPOINT, rt_trap_last.tval, pc);
    TRAP_INSN16(pc, "c.ebreak");
    EXPECT_ONE(22, CAUSE_BREAKPOINT, rt_trap_last.tval, pc);

    /* LR and AMOs must be naturally aligned: LR raises 4, AMOs 6; tval = address. */
    uint64_t b = (uint64_t) buf;
    rt_expect_trap();
    __asm__ volatile("la %0, 1f\n1: lr.d %1, (%2)" : "=&r"(pc), "=r"(v) : "r"(b + 4) : "memory");
    EXPECT_ONE(30, CAUSE_MISALIGNED_LOAD, b + 4, pc);
    rt_expect_trap();
    __asm__ volatile("la %0, 1f\n1: lr.w %1, (%2)" : "=&r"(pc), "=r"(v) : "r"(b + 2) : "memory");
    EXPECT_ONE(31, CAUSE_MISALIGNED_LOAD, b + 2, pc);
    /* (A misaligned SC is in amo-faults.c.) */
    rt_expect_trap();
    __asm__ volatile("la %0, 1f\n1: amoadd.w %1, %1, (%2)"
                     : "=&r"(pc), "=r"(v)
                     : "r"(b + 2)
                     : "memory");
    EXPECT_ONE(33, CAUSE_MISALIGNED_STORE, b + 2, pc);
    rt_expect_trap();
    __asm__ volatile("la %0, 1f\n1: amoswap.d %1, %1, (%2)"
                     : "=&r"(pc), "=r"(v)
                     : "r"(b + 12)
                     : "memory");
    EXPECT_ONE(34, CAUSE_MISALIGNED_STORE, b + 12, pc);
    CHECK_EQ(35, buf[1], 0);
    /* Ordinary loads and stores may be misaligned: they are performed. */
    buf[0] = 0x8877665544332211UL;
    buf[1] = 0x00ffeeddccbbaa99UL;
    rt_expect_trap();
    __asm__ volatile("ld %0, 0(%1)" : "=r"(v) : "r"(b + 3) : "memory");
    EXPECT_NONE(36);
    CHECK_EQ(37, v, 0xbbaa998877665544UL);
    rt_expect_trap();
    __asm__ volatile("sw %0, 0(%1)" ::"r"(0x12345678), "r"(b + 6) : "memory");
    EXPECT_NONE(38);
    CHECK_EQ(39, buf[0], 0x5678665544332211UL);
    CHECK_EQ(40, buf[1], 0x00ffeeddccbb1234UL);

    /* ecall from M; tval 0. */
    TRAP_INSN(pc, "li a7, 0\necall");
    __asm__ volatile("" ::: "a7");
    EXPECT_ONE(50, CAUSE_MACHINE_ECALL, 0, pc + 4);

    /* mstatus on a trap into M from M: MPP = M, MPIE = old MIE, MIE = 0; mret restores
     * MIE from MPIE, sets MPIE, and leaves MPP = U. */
    write_csr(mie, 0);
    set_csr(mstatus, MSTATUS_MIE);
    TRAP_INSN(pc, "ebreak");
    v = read_csr(mstatus);
    clear_csr(mstatus, MSTATUS_MIE);
    EXPECT_ONE(51, CAUSE_BREAKPOINT, rt_trap_last.tval, pc);
    CHECK_EQ(52, rt_trap_last.status & (MSTATUS_MPP | MSTATUS_MPIE | MSTATUS_MIE),
             MSTATUS_MPP_M | MSTATUS_MPIE);
    CHECK_EQ(53, v & (MSTATUS_MPP | MSTATUS_MPIE | MSTATUS_MIE), MSTATUS_MPIE | MSTATUS_MIE);
    TRAP_INSN(pc, "ebreak");
    v = read_csr(mstatus);
    EXPECT_ONE(54, CAUSE_BREAKPOINT, rt_trap_last.tval, pc);
    CHECK_EQ(55, rt_trap_last.status & (MSTATUS_MPP | MSTATUS_MPIE | MSTATUS_MIE), MSTATUS_MPP_M);
    CHECK_EQ(56, v & (MSTATUS_MPP | MSTATUS_MPIE | MSTATUS_MIE), MSTATUS_MPIE);
    /* The trap CSRs hold what the handler saw. */
    TRAP_INSN(pc, ".4byte 0xfe000033");
    EXPECT_ONE(57, CAUSE_ILLEGAL_INSTRUCTION, 0xfe000033, pc);
    CHECK_EQ(58, read_csr(mcause), CAUSE_ILLEGAL_INSTRUCTION);
    CHECK_EQ(59, read_csr(mepc), pc + 4); /* the handler stepped it over */
    CHECK_EQ(60, read_csr(mtval), 0xfe000033);

    /* ecall from S and U: causes 9 and 8, mepc = the ecall, MPP = the mode. */
    expect_lower(61, MODE_S, lower_ecall, CAUSE_SUPERVISOR_ECALL, 0);
    CHECK_EQ(62, lower_insn_pc + 4, rt_trap_last.epc + 4);
    expect_lower(63, MODE_U, lower_ecall, CAUSE_USER_ECALL, 0);
    /* MPIE goes to MIE in the lower mode; the trap back stacks it again. */
    set_csr(mstatus, MSTATUS_MPIE);
    expect_lower(64, MODE_S, lower_ecall, CAUSE_SUPERVISOR_ECALL, 0);
    CHECK_EQ(65, rt_trap_last.status & (MSTATUS_MPIE | MSTATUS_MIE), MSTATUS_MPIE);
    clear_csr(mstatus, MSTATUS_MPIE);
    expect_lower(66, MODE_U, lower_ecall, CAUSE_USER_ECALL, 0);
    CHECK_EQ(67, rt_trap_last.status & (MSTATUS_MPIE | MSTATUS_MIE), 0);
    /* (mret clearing MPRV is in impl-traps.c.) */
    CHECK_EQ(71, rt_run_in_mode(MODE_U, lower_ecall_pc, 0), lower_insn_pc);

    /* Illegal from S: M-mode CSRs, mret. From U: S-mode CSRs, sret, mret, sfence.vma. */
    expect_lower(72, MODE_S, lower_csrr_mstatus, CAUSE_ILLEGAL_INSTRUCTION,
                 CSR_INSN(0x300, 0, 2, X_T0));
    expect_lower(73, MODE_S, lower_csrr_mscratch, CAUSE_ILLEGAL_INSTRUCTION,
                 CSR_INSN(0x340, 0, 2, X_T0));
    expect_lower(74, MODE_S, lower_mret, CAUSE_ILLEGAL_INSTRUCTION, 0x30200073);
    expect_lower(75, MODE_U, lower_csrr_sstatus, CAUSE_ILLEGAL_INSTRUCTION,
                 CSR_INSN(0x100, 0, 2, X_T0));
    expect_lower(76, MODE_U, lower_csrr_satp, CAUSE_ILLEGAL_INSTRUCTION,
                 CSR_INSN(0x180, 0, 2, X_T0));
    expect_lower(77, MODE_U, lower_csrr_mstatus, CAUSE_ILLEGAL_INSTRUCTION,
                 CSR_INSN(0x300, 0, 2, X_T0));
    expect_lower(78, MODE_U, lower_sret, CAUSE_ILLEGAL_INSTRUCTION, 0x10200073);
    expect_lower(79, MODE_U, lower_mret, CAUSE_ILLEGAL_INSTRUCTION, 0x30200073);
    expect_lower(80, MODE_U, lower_sfence, CAUSE_ILLEGAL_INSTRUCTION, 0x12000073);
    expect_lower(81, MODE_U, lower_illegal, CAUSE_ILLEGAL_INSTRUCTION, 0x0000006b);

    expect_lower(82, MODE_S, lower_ebreak, CAUSE_BREAKPOINT, TVAL_ANY);
    expect_lower(83, MODE_U, lower_ebreak, CAUSE_BREAKPOINT, TVAL_ANY);

    /* jalr clears bit 0 of the target: no instruction-address-misaligned trap. */
    rt_expect_trap();
    priv_call((uint64_t) plain_function | 1);
    EXPECT_NONE(90);
    return 0;
}
