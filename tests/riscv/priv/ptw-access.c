/* A page-table walk that reads a PTE where no memory is raises an access fault of the
 * original access's kind (1, 5 or 7) with tval = the virtual address, at any level and for
 * the root named by satp. QEMU 7.2 raises a page fault instead, so this program runs in
 * Vireo only. (A walk denied by PMP: pmp.c.) */
#include "vm.h"

#define TVA 0x40000000UL

enum { OP_LOAD, OP_STORE, OP_FETCH };
static uint64_t probe(uint64_t arg)
{
    uint64_t va = arg & ~3UL;
    switch (arg & 3) {
    case OP_LOAD: return ld64(va + 8);
    case OP_STORE: sd64(va + 8, 1); return 0;
    default: return priv_call(va);
    }
}

static void expect_fault(int n, int mode, uint64_t va, int op, uint64_t cause)
{
    rt_expect_trap();
    rt_run_in_mode(mode, probe, va | (uint64_t) op);
    CHECK_EQ(n, rt_trap_count(), 1);
    CHECK_EQ(n, rt_trap_last.cause, cause);
    CHECK_EQ(n, rt_trap_last.tval, op == OP_FETCH ? va : va + 8);
}

static void expect_all(int n, int mode, uint64_t va)
{
    expect_fault(n, mode, va, OP_LOAD, CAUSE_LOAD_ACCESS);
    expect_fault(n, mode, va, OP_STORE, CAUSE_STORE_ACCESS);
    expect_fault(n, mode, va, OP_FETCH, CAUSE_FETCH_ACCESS);
}

int test_main(void)
{
    vm_space kern;
    priv_reset_traps();
    uint64_t *target = vm_alloc_page();
    target[1] = 0x600d;
    vm_init(&kern, 3);
    vm_identity(&kern, VM_KERNEL);
    vm_map(&kern, TVA, (uint64_t) target, 0, VM_KERNEL | PTE_U);
    vm_activate(&kern, 0);
    set_csr(mstatus, MSTATUS_SUM);
    CHECK_EQ(2, rt_run_in_mode(MODE_S, probe, TVA | OP_LOAD), 0x600d);

    /* The level-1 table pointer names nothing. */
    uint64_t *l2e = vm_pte(&kern, TVA, 2), saved2 = *l2e;
    *l2e = vm_make_pte(UNMAPPED_A, PTE_V);
    sfence_all();
    expect_all(10, MODE_S, TVA);
    *l2e = saved2;
    /* The level-0 table pointer names nothing. */
    uint64_t *l1e = vm_pte(&kern, TVA, 1), saved1 = *l1e;
    *l1e = vm_make_pte(UNMAPPED_B, PTE_V);
    sfence_all();
    expect_all(20, MODE_S, TVA);
    /* ... the leaf's own permissions do not matter then. */
    expect_fault(25, MODE_S, TVA + 0x5000, OP_STORE, CAUSE_STORE_ACCESS);
    *l1e = saved1;
    sfence_all();
    CHECK_EQ(26, rt_run_in_mode(MODE_S, probe, TVA | OP_LOAD), 0x600d);

    /* satp's root names nothing: every S-mode access faults, even the code it runs, so
     * only an M-mode access with MPRV (MPP = S) is tried. */
    write_csr(satp, SATP_MODE_SV39 | (UNMAPPED_A >> 12));
    sfence_all();
    uint64_t v = 0, set = MSTATUS_MPRV | MSTATUS_MPP_S;
    rt_expect_trap();
    __asm__ volatile("csrc mstatus, %2\ncsrs mstatus, %1\nld %0, 8(%3)\ncsrc mstatus, %1"
                     : "+&r"(v)
                     : "r"(set), "r"(MSTATUS_MPP), "r"(TVA)
                     : "memory");
    CHECK_EQ(30, rt_trap_count(), 1);
    CHECK_EQ(31, rt_trap_last.cause, CAUSE_LOAD_ACCESS);
    CHECK_EQ(32, rt_trap_last.tval, TVA + 8);
    rt_expect_trap();
    __asm__ volatile(
        "csrc mstatus, %1\ncsrs mstatus, %0\nsd zero, 16(%2)\ncsrc mstatus, %0" ::"r"(set),
        "r"(MSTATUS_MPP), "r"(TVA)
        : "memory");
    CHECK_EQ(33, rt_trap_count(), 1);
    CHECK_EQ(34, rt_trap_last.cause, CAUSE_STORE_ACCESS);
    CHECK_EQ(35, rt_trap_last.tval, TVA + 16);
    clear_csr(mstatus, MSTATUS_SUM);
    vm_deactivate();
    return 0;
}
