/* Sv39 translation: page tables built by the test, page faults for each permission
 * combination (V, R/W/X, reserved W-without-R, U against the mode), cause and tval for
 * fetch/load/store, non-leaf PTE at the last level, reserved PTE bits, non-canonical
 * addresses, the sign-extended upper half, page faults delegated to S-mode, and satp
 * writes with an unsupported MODE. */
#include "vm.h"

#define TVA     0x40000000UL         /* test pages: TVA + 0x1000 * n */
#define HIGH_VA 0xffffffffc0000000UL /* VPN[2] = 511: the top of the sign-extended half */

enum { OP_LOAD, OP_STORE, OP_FETCH };

/* The physical page every test page maps: code at 0 (a0 = 42; ret), data at 8. */
static uint64_t *target;
#define DATA_WORD 0x1122334455667788UL

/* Runs in S- or U-mode: one access to va (load/store at va + 8, fetch at va); va is
 * 4-byte aligned, the operation in its low bits. */
static uint64_t probe(uint64_t arg)
{
    uint64_t va = arg & ~3UL;
    switch (arg & 3) {
    case OP_LOAD: return ld64(va + 8);
    case OP_STORE: sd64(va + 8, 0xabcdUL); return 0;
    default: return priv_call(va);
    }
}

static void reset_target(void)
{
    target[0] = 0x0000806702a00513UL; /* li a0, 42; ret */
    target[1] = DATA_WORD;
    __asm__ volatile("fence.i" ::: "memory");
}

/* One access from `mode`; fault = the expected page-fault cause or 0 for none. */
static void expect_access(int n, int mode, uint64_t va, int op, uint64_t fault)
{
    reset_target();
    rt_expect_trap();
    uint64_t r = rt_run_in_mode(mode, probe, va | (uint64_t) op);
    int count = rt_trap_count();
    if (!fault) {
        CHECK_EQ(n, count, 0);
        if (op == OP_LOAD)
            CHECK_EQ(n, r, DATA_WORD);
        else if (op == OP_STORE)
            CHECK_EQ(n, target[1], 0xabcdUL);
        else
            CHECK_EQ(n, r, 42);
        return;
    }
    CHECK_EQ(n, count, 1);
    CHECK_EQ(n, rt_trap_last.mode, 3);
    CHECK_EQ(n, rt_trap_last.cause, fault);
    CHECK_EQ(n, rt_trap_last.tval, op == OP_FETCH ? va : va + 8);
    if (op == OP_FETCH)
        CHECK_EQ(n, rt_trap_last.epc, va);
    CHECK_EQ(n, target[1], DATA_WORD);
}

#define LPF CAUSE_LOAD_PAGE_FAULT
#define SPF CAUSE_STORE_PAGE_FAULT
#define IPF CAUSE_FETCH_PAGE_FAULT

/* Leaf permissions and what a load, a store and a fetch give (0 = allowed). */
static const struct {
    uint64_t flags;
    uint64_t load, store, fetch;
} perms[] = {
    {0, LPF, SPF, IPF},                       /* V = 0 */
    {PTE_R | PTE_W | PTE_X, LPF, SPF, IPF},   /* V = 0, RWX */
    {PTE_V | PTE_R, 0, SPF, IPF},             /* read-only */
    {PTE_V | PTE_R | PTE_W, 0, 0, IPF},       /* read-write */
    {PTE_V | PTE_X, LPF, SPF, 0},             /* execute-only */
    {PTE_V | PTE_R | PTE_X, 0, SPF, 0},       /* read-execute */
    {PTE_V | PTE_R | PTE_W | PTE_X, 0, 0, 0}, /* all */
    {PTE_V | PTE_W, LPF, SPF, IPF},           /* W without R: reserved */
    {PTE_V | PTE_W | PTE_X, LPF, SPF, IPF},   /* W without R: reserved */
};
#define NPERMS (sizeof(perms) / sizeof(perms[0]))

static uint64_t s_read_satp_mode(uint64_t arg)
{
    (void) arg;
    return read_csr(satp);
}

int test_main(void)
{
    vm_space kern, user;
    priv_reset_traps();
    target = vm_alloc_page();

    vm_init(&kern, 3);
    vm_identity(&kern, VM_KERNEL);
    vm_init(&user, 3);
    vm_identity(&user, VM_USER);
    for (unsigned i = 0; i < NPERMS; i++) {
        uint64_t f = perms[i].flags | PTE_A | PTE_D;
        vm_map(&kern, TVA + 0x1000 * i, (uint64_t) target, 0, f);
        vm_map(&user, TVA + 0x1000 * i, (uint64_t) target, 0, f | PTE_U);
    }

    /* satp: MODE 8 with the root's PPN reads back; unsupported MODEs leave it alone. */
    write_csr(satp, 0);
    CHECK_EQ(1, read_csr(satp), 0);
    uint64_t sv39 = vm_satp(&kern, 0);
    write_csr(satp, sv39);
    CHECK_EQ(2, read_csr(satp), sv39);
    write_csr(satp, (1UL << 60) | 0x1234);
    CHECK_EQ(3, read_csr(satp), sv39);
    write_csr(satp, (15UL << 60) | 0x1234);
    CHECK_EQ(4, read_csr(satp), sv39);
    write_csr(satp, (7UL << 60) | ((uint64_t) target >> 12));
    CHECK_EQ(5, read_csr(satp), sv39);
    sfence_all();

    /* S-mode through the kernel table: every permission combination. */
    for (unsigned i = 0; i < NPERMS; i++) {
        uint64_t va = TVA + 0x1000 * i;
        expect_access(10 + 3 * (int) i, MODE_S, va, OP_LOAD, perms[i].load);
        expect_access(11 + 3 * (int) i, MODE_S, va, OP_STORE, perms[i].store);
        expect_access(12 + 3 * (int) i, MODE_S, va, OP_FETCH, perms[i].fetch);
    }
    /* M-mode does not translate. */
    CHECK_EQ(40, rt_run_in_mode(MODE_S, s_read_satp_mode, 0) >> 60, 8);

    /* U-mode through the user table: the same, with U = 1. */
    vm_activate(&user, 0);
    for (unsigned i = 0; i < NPERMS; i++) {
        uint64_t va = TVA + 0x1000 * i;
        expect_access(50 + 3 * (int) i, MODE_U, va, OP_LOAD, perms[i].load);
        expect_access(51 + 3 * (int) i, MODE_U, va, OP_STORE, perms[i].store);
        expect_access(52 + 3 * (int) i, MODE_U, va, OP_FETCH, perms[i].fetch);
    }
    /* U-mode on a page without U faults whatever R/W/X say. */
    uint64_t *pte = vm_pte(&user, TVA + 0x1000 * 6, 0);
    *pte &= ~PTE_U;
    sfence_all();
    expect_access(80, MODE_U, TVA + 0x1000 * 6, OP_LOAD, LPF);
    expect_access(81, MODE_U, TVA + 0x1000 * 6, OP_STORE, SPF);
    expect_access(82, MODE_U, TVA + 0x1000 * 6, OP_FETCH, IPF);
    *pte |= PTE_U;
    sfence_all();

    /* A valid non-leaf PTE at the last level is a page fault. */
    vm_activate(&kern, 0);
    pte = vm_pte(&kern, TVA + 0x1000 * 6, 0);
    uint64_t saved = *pte;
    *pte = vm_make_pte((uint64_t) target, PTE_V);
    sfence_all();
    expect_access(83, MODE_S, TVA + 0x1000 * 6, OP_LOAD, LPF);
    expect_access(84, MODE_S, TVA + 0x1000 * 6, OP_STORE, SPF);
    expect_access(85, MODE_S, TVA + 0x1000 * 6, OP_FETCH, IPF);
    /* Reserved PTE bits 60:54 set: a page fault. */
    *pte = saved | (1UL << 54);
    sfence_all();
    expect_access(86, MODE_S, TVA + 0x1000 * 6, OP_LOAD, LPF);
    *pte = saved | (1UL << 60);
    sfence_all();
    expect_access(87, MODE_S, TVA + 0x1000 * 6, OP_STORE, SPF);
    *pte = saved;
    sfence_all();
    expect_access(88, MODE_S, TVA + 0x1000 * 6, OP_LOAD, 0);
    /* An invalid non-leaf PTE on the way down. */
    uint64_t *l1 = vm_pte(&kern, TVA, 1);
    saved = *l1;
    *l1 &= ~PTE_V;
    sfence_all();
    expect_access(89, MODE_S, TVA + 0x1000 * 6, OP_LOAD, LPF);
    *l1 = saved;
    sfence_all();

    /* Canonical addresses: bits 63:39 must copy bit 38. The top half works... */
    vm_map(&kern, HIGH_VA + 0x5000, (uint64_t) target, 0, VM_KERNEL);
    sfence_all();
    expect_access(90, MODE_S, HIGH_VA + 0x5000, OP_LOAD, 0);
    expect_access(91, MODE_S, HIGH_VA + 0x5000, OP_FETCH, 0);
    /* ... and the same VPNs with a broken sign extension fault, even though the low 39
     * bits name a mapped page. */
    expect_access(92, MODE_S, HIGH_VA + 0x5000 - (1UL << 63), OP_LOAD, LPF);
    expect_access(93, MODE_S, (HIGH_VA + 0x5000) & ((1UL << 39) - 1), OP_STORE, SPF);
    expect_access(94, MODE_S, TVA + 0x1000 * 6 + (1UL << 39), OP_LOAD, LPF);
    expect_access(95, MODE_S, TVA + 0x1000 * 6 + (1UL << 50), OP_FETCH, IPF);

    /* Page faults delegated to S-mode: scause/stval there. */
    priv_setup_strap();
    write_csr(medeleg, (1UL << LPF) | (1UL << SPF) | (1UL << IPF));
    static const int ops[3] = {OP_LOAD, OP_STORE, OP_FETCH};
    static const uint64_t causes[3] = {LPF, SPF, IPF};
    for (int i = 0; i < 3; i++) {
        reset_target();
        rt_expect_trap();
        rt_run_in_mode(MODE_S, probe, TVA | (uint64_t) ops[i]);
        CHECK_EQ(100 + i, rt_trap_count(), 1);
        CHECK_EQ(103 + i, rt_trap_last.mode, 1);
        CHECK_EQ(106 + i, rt_trap_last.cause, causes[i]);
        CHECK_EQ(109 + i, rt_trap_last.tval, ops[i] == OP_FETCH ? TVA : TVA + 8);
    }
    write_csr(medeleg, 0);

    /* A misaligned load or store across a page boundary where one page may not be
     * accessed: tval = the address of the part that faulted (privileged spec 3.1.16,
     * docs/riscv-hart.md), the first byte of the second page or the access's own first
     * byte; a store that faults writes nothing, not even its first part. */
    vm_map(&kern, TVA + 0x20000, (uint64_t) target, 0, VM_KERNEL & ~PTE_X);
    vm_map(&kern, TVA + 0x21000, (uint64_t) target, 0, PTE_V | PTE_R | PTE_A);
    vm_map(&kern, TVA + 0x22000, (uint64_t) target, 0, PTE_V | PTE_X | PTE_A);
    vm_map(&kern, TVA + 0x23000, (uint64_t) target, 0, PTE_V | PTE_R | PTE_A);
    sfence_all();
    target[511] = 0x1122334455667788UL;
    rt_expect_trap();
    rt_run_in_mode(MODE_S, probe, (TVA + 0x21000 - 8 - 4) | OP_STORE);
    CHECK_EQ(120, rt_trap_count(), 1);
    CHECK_EQ(121, rt_trap_last.cause, SPF);
    CHECK_EQ(122, rt_trap_last.tval, TVA + 0x21000);
    CHECK_EQ(123, target[511], 0x1122334455667788UL);
    rt_expect_trap();
    rt_run_in_mode(MODE_S, probe, (TVA + 0x22000 - 8 - 4) | OP_LOAD);
    CHECK_EQ(124, rt_trap_count(), 1);
    CHECK_EQ(125, rt_trap_last.cause, LPF);
    CHECK_EQ(126, rt_trap_last.tval, TVA + 0x22000);
    rt_expect_trap();
    rt_run_in_mode(MODE_S, probe, (TVA + 0x23000 - 8 - 4) | OP_LOAD);
    CHECK_EQ(127, rt_trap_count(), 1);
    CHECK_EQ(128, rt_trap_last.cause, LPF);
    CHECK_EQ(129, rt_trap_last.tval, TVA + 0x23000 - 4);

    /* An instruction that straddles into a page it may not fetch from: mepc = its first
     * byte, tval = the address of the part that faulted (the next page). */
    uint64_t *code = vm_alloc_page();
    uint64_t cva = TVA + 0x30000;
    vm_map(&kern, cva, (uint64_t) code, 0, VM_KERNEL);
    vm_map(&kern, cva + 0x1000, (uint64_t) target, 0, VM_KERNEL & ~PTE_X);
    sfence_all();
    /* c.nop at 0xffc, then "li a0, 42" (4 bytes) at 0xffe: its upper half is on the
     * next page. */
    *(volatile uint16_t *) ((uint64_t) code + 0xffc) = 0x0001;
    *(volatile uint16_t *) ((uint64_t) code + 0xffe) = 0x0513;
    target[0] = 0x0000806702a0UL; /* the rest of li; ret (never fetched) */
    __asm__ volatile("fence.i" ::: "memory");
    rt_expect_trap();
    rt_run_in_mode(MODE_S, probe, (cva + 0xffc) | OP_FETCH);
    CHECK_EQ(130, rt_trap_count(), 1);
    CHECK_EQ(131, rt_trap_last.cause, IPF);
    CHECK_EQ(132, rt_trap_last.epc, cva + 0xffe);
    CHECK_EQ(133, rt_trap_last.tval, cva + 0x1000);
    /* With the next page executable it runs. */
    *vm_pte(&kern, cva + 0x1000, 0) |= PTE_X;
    sfence_all();
    reset_target();
    target[0] = 0x0000806702a0UL;
    __asm__ volatile("fence.i" ::: "memory");
    rt_expect_trap();
    CHECK_EQ(134, rt_run_in_mode(MODE_S, probe, (cva + 0xffc) | OP_FETCH), 42);
    CHECK_EQ(135, rt_trap_count(), 0);

    /* (A walk reaching memory that is not there: ptw-access.c.) */

    vm_deactivate();
    return 0;
}
