/* Sv48 and Sv57: satp MODE 9 and 10, 4- and 5-level walks, the canonical-address rule
 * for 48- and 57-bit VAs, the largest superpages (512 GiB in Sv48, 256 TiB in Sv57) and
 * their alignment, and satp writes naming a reserved MODE. */
#include "vm.h"

#define TVA 0x40000000UL

static uint64_t *target;
#define DATA_WORD 0x5a5a00005a5a0000UL

enum { OP_LOAD, OP_STORE, OP_FETCH };
static uint64_t probe(uint64_t arg)
{
    uint64_t va = arg & ~3UL;
    switch (arg & 3) {
    case OP_LOAD: return ld64(va + 8);
    case OP_STORE: sd64(va + 8, DATA_WORD + 1); return 0;
    default: return priv_call(va);
    }
}

static uint64_t access(uint64_t va, int op, uint64_t *r)
{
    target[1] = DATA_WORD;
    rt_expect_trap();
    uint64_t v = rt_run_in_mode(MODE_S, probe, va | (uint64_t) op);
    if (r)
        *r = v;
    if (!rt_trap_count())
        return ~0UL;
    return rt_trap_last.cause;
}
#define NONE (~0UL)

/* Loads, stores and fetches that work, through va. */
static void expect_ok(int n, uint64_t va)
{
    uint64_t r;
    CHECK_EQ(n, access(va, OP_LOAD, &r), NONE);
    CHECK_EQ(n, r, DATA_WORD);
    CHECK_EQ(n, access(va, OP_STORE, 0), NONE);
    CHECK_EQ(n, target[1], DATA_WORD + 1);
    CHECK_EQ(n, access(va, OP_FETCH, &r), NONE);
    CHECK_EQ(n, r, 42);
}
/* ... and ones that page-fault, with tval = the VA. */
static void expect_fault(int n, uint64_t va)
{
    CHECK_EQ(n, access(va, OP_LOAD, 0), CAUSE_LOAD_PAGE_FAULT);
    CHECK_EQ(n, rt_trap_last.tval, va + 8);
    CHECK_EQ(n, access(va, OP_STORE, 0), CAUSE_STORE_PAGE_FAULT);
    CHECK_EQ(n, rt_trap_last.tval, va + 8);
    CHECK_EQ(n, target[1], DATA_WORD);
    CHECK_EQ(n, access(va, OP_FETCH, 0), CAUSE_FETCH_PAGE_FAULT);
    CHECK_EQ(n, rt_trap_last.tval, va);
}

int test_main(void)
{
    priv_reset_traps();
    target = vm_alloc_page();
    target[0] = 0x0000806702a00513UL; /* li a0, 42; ret */
    __asm__ volatile("fence.i" ::: "memory");
    uint64_t pa = (uint64_t) target;

    /* ---- Sv48 ---- */
    vm_space s48;
    vm_init(&s48, 4);
    vm_identity(&s48, VM_KERNEL);
    vm_map(&s48, TVA, pa, 0, VM_KERNEL);
    /* VPN[3] in use: a 4 KiB page at bit 46, and the top of the upper half. */
    uint64_t va46 = 1UL << 46, top48 = 0xffff800000000000UL;
    vm_map(&s48, va46 + 0x3000, pa, 0, VM_KERNEL);
    vm_map(&s48, top48 + 0x7000, pa, 0, VM_KERNEL);
    /* A 512 GiB page (level 3) at VPN[3] = 1 -> physical 0, and a 1 GiB one. */
    vm_map(&s48, 1UL << 39, 0, 3, VM_KERNEL);
    vm_map(&s48, 2UL << 39, 0x40000000UL, 3, VM_KERNEL); /* misaligned */
    vm_map(&s48, (3UL << 39) + (5UL << 30), 0x80000000UL, 2, VM_KERNEL);

    uint64_t satp48 = vm_satp(&s48, 0);
    write_csr(satp, satp48);
    CHECK_EQ(1, read_csr(satp) >> 60, 9);
    CHECK_EQ(2, read_csr(satp), satp48);
    write_csr(satp, (11UL << 60) | (satp48 & ((1UL << 44) - 1))); /* Sv64: reserved */
    CHECK_EQ(3, read_csr(satp), satp48);
    write_csr(satp, (2UL << 60) | (satp48 & ((1UL << 44) - 1)));
    CHECK_EQ(4, read_csr(satp), satp48);
    sfence_all();

    expect_ok(10, TVA);
    expect_ok(11, va46 + 0x3000);
    expect_ok(12, top48 + 0x7000);
    expect_ok(13, (1UL << 39) + pa); /* through the 512 GiB page */
    expect_ok(14, (3UL << 39) + (5UL << 30) + (pa - 0x80000000UL));
    expect_fault(15, (2UL << 39) + pa - 0x40000000UL);
    /* Bits 63:48 must copy bit 47. */
    expect_fault(16, va46 + 0x3000 + (1UL << 48));
    expect_fault(17, (top48 + 0x7000) & ((1UL << 48) - 1));
    expect_fault(18, TVA | (1UL << 63));
    /* What Sv39 would call non-canonical is an ordinary (unmapped) address here. */
    expect_fault(19, (1UL << 40) + 0x1000);

    /* ---- Sv57 ---- */
    vm_space s57;
    vm_init(&s57, 5);
    vm_identity(&s57, VM_KERNEL);
    vm_map(&s57, TVA, pa, 0, VM_KERNEL);
    uint64_t va55 = 1UL << 55, top57 = 0xff00000000000000UL;
    vm_map(&s57, va55 + 0x3000, pa, 0, VM_KERNEL);
    vm_map(&s57, top57 + 0x7000, pa, 0, VM_KERNEL);
    vm_map(&s57, va46 + 0x3000, pa, 0, VM_KERNEL);
    /* A 256 TiB page (level 4) at VPN[4] = 1 -> physical 0; a misaligned one; a 512 GiB
     * page. */
    vm_map(&s57, 1UL << 48, 0, 4, VM_KERNEL);
    vm_map(&s57, 2UL << 48, 1UL << 39, 4, VM_KERNEL);
    vm_map(&s57, (3UL << 48) + (1UL << 39), 0, 3, VM_KERNEL);

    uint64_t satp57 = vm_satp(&s57, 0);
    write_csr(satp, satp57);
    CHECK_EQ(20, read_csr(satp) >> 60, 10);
    CHECK_EQ(21, read_csr(satp), satp57);
    write_csr(satp, (12UL << 60) | (satp57 & ((1UL << 44) - 1)));
    CHECK_EQ(22, read_csr(satp), satp57);
    sfence_all();

    expect_ok(30, TVA);
    expect_ok(31, va55 + 0x3000);
    expect_ok(32, top57 + 0x7000);
    expect_ok(33, va46 + 0x3000);
    expect_ok(34, (1UL << 48) + pa);
    expect_ok(35, (3UL << 48) + (1UL << 39) + pa);
    expect_fault(36, (2UL << 48) + pa);
    /* Bits 63:57 must copy bit 56. */
    expect_fault(37, va55 + 0x3000 + (1UL << 57));
    expect_fault(38, (top57 + 0x7000) & ((1UL << 57) - 1));
    expect_fault(39, TVA | (1UL << 63));

    /* Back to Sv48 and Sv39 with the same hart: the level count follows satp. */
    write_csr(satp, satp48);
    sfence_all();
    expect_ok(40, va46 + 0x3000);
    expect_fault(41, va55 + 0x3000);
    vm_space s39;
    vm_init(&s39, 3);
    vm_identity(&s39, VM_KERNEL);
    vm_map(&s39, TVA, pa, 0, VM_KERNEL);
    write_csr(satp, vm_satp(&s39, 0));
    sfence_all();
    expect_ok(42, TVA);
    expect_fault(43, va46 + 0x3000);

    vm_deactivate();
    return 0;
}
