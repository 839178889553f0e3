/* SFENCE.VMA and satp: after a PTE changes and an sfence.vma (all, by address, by ASID,
 * by both), the new translation is used for loads, stores and fetches; permission and
 * validity changes take effect; writing satp switches address spaces. */
#include "vm.h"

#define TVA 0x40000000UL

static uint64_t *page_a, *page_b;

enum { FENCE_ALL, FENCE_ADDR, FENCE_ASID, FENCE_ADDR_ASID };

/* What S-mode does, set up by M-mode. */
static struct {
    uint64_t *pte;
    uint64_t new_pte;
    uint64_t va;
    uint64_t asid;
    int fence;
    uint64_t before, after;
    uint64_t satp[3];
} job;

static void fence(int kind, uint64_t va, uint64_t asid)
{
    switch (kind) {
    case FENCE_ALL: __asm__ volatile("sfence.vma zero, zero" ::: "memory"); break;
    case FENCE_ADDR: __asm__ volatile("sfence.vma %0, zero" ::"r"(va) : "memory"); break;
    case FENCE_ASID: __asm__ volatile("sfence.vma zero, %0" ::"r"(asid) : "memory"); break;
    default: __asm__ volatile("sfence.vma %0, %1" ::"r"(va), "r"(asid) : "memory"); break;
    }
}

/* Load through va, rewrite its PTE, fence, load again. */
static uint64_t s_remap_load(uint64_t arg)
{
    (void) arg;
    job.before = ld64(job.va + 8);
    *job.pte = job.new_pte;
    fence(job.fence, job.va, job.asid);
    job.after = ld64(job.va + 8);
    return 0;
}

/* The same for a fetch: the code at va returns its page's number. */
static uint64_t s_remap_fetch(uint64_t arg)
{
    (void) arg;
    job.before = priv_call(job.va);
    *job.pte = job.new_pte;
    fence(job.fence, job.va, job.asid);
    job.after = priv_call(job.va);
    return 0;
}

/* Store through va, rewrite its PTE, fence, store again (may fault). */
static uint64_t s_remap_store(uint64_t arg)
{
    sd64(job.va + 8, arg);
    *job.pte = job.new_pte;
    fence(job.fence, job.va, job.asid);
    sd64(job.va + 8, arg + 1);
    return 0;
}

/* Load through va under satp[0], satp[1], satp[0] (no sfence when arg = 0). */
static uint64_t s_switch(uint64_t arg)
{
    uint64_t r = 0;
    for (int i = 0; i < 3; i++) {
        write_csr(satp, job.satp[i]);
        if (arg)
            sfence_all();
        r = (r << 8) | ld64(job.va + 8);
    }
    return r;
}

static void fill(uint64_t *page, uint64_t n)
{
    page[0] = 0x0000806700000513UL | (n << 20); /* li a0, n; ret */
    page[1] = n;
    __asm__ volatile("fence.i" ::: "memory");
}

int test_main(void)
{
    vm_space kern, other;
    priv_reset_traps();
    page_a = vm_alloc_page();
    page_b = vm_alloc_page();
    uint64_t *page_c = vm_alloc_page();
    fill(page_a, 0xa);
    fill(page_b, 0xb);
    fill(page_c, 0xc);

    vm_init(&kern, 3);
    vm_identity(&kern, VM_KERNEL);
    uint64_t *pte = vm_map(&kern, TVA, (uint64_t) page_a, 0, VM_KERNEL);
    uint64_t pte_a = *pte, pte_b = vm_make_pte((uint64_t) page_b, VM_KERNEL);
    vm_init(&other, 3);
    vm_identity(&other, VM_KERNEL);
    vm_map(&other, TVA, (uint64_t) page_c, 0, VM_KERNEL);

    /* Which ASID bits satp keeps (ASIDLEN may be 0). */
    write_csr(satp, vm_satp(&kern, 0xffff));
    uint64_t asid_mask = (read_csr(satp) >> 44) & 0xffff;
    uint64_t asid = asid_mask & 1;
    vm_activate(&kern, asid);

    /* Remap a loaded page with each form of sfence.vma. */
    static const int kinds[4] = {FENCE_ALL, FENCE_ADDR, FENCE_ASID, FENCE_ADDR_ASID};
    for (int i = 0; i < 4; i++) {
        job.pte = pte;
        job.va = TVA;
        job.asid = asid;
        job.fence = kinds[i];
        *pte = (i & 1) ? pte_b : pte_a;
        sfence_all();
        job.new_pte = (i & 1) ? pte_a : pte_b;
        rt_run_in_mode(MODE_S, s_remap_load, 0);
        CHECK_EQ(1 + 2 * i, job.before, (i & 1) ? 0xb : 0xa);
        CHECK_EQ(2 + 2 * i, job.after, (i & 1) ? 0xa : 0xb);
    }
    /* An address in the middle of the page names it too. */
    *pte = pte_a;
    sfence_all();
    job.va = TVA;
    job.fence = FENCE_ADDR;
    job.new_pte = pte_b;
    rt_run_in_mode(MODE_S, s_remap_load, 0);
    CHECK_EQ(9, job.after, 0xb);

    /* Fetches: the code at TVA changes with the mapping. */
    for (int i = 0; i < 2; i++) {
        *pte = pte_a;
        sfence_all();
        job.fence = i ? FENCE_ADDR : FENCE_ALL;
        job.new_pte = pte_b;
        rt_run_in_mode(MODE_S, s_remap_fetch, 0);
        CHECK_EQ(10 + 2 * i, job.before, 0xa);
        CHECK_EQ(11 + 2 * i, job.after, 0xb);
    }

    /* Stores follow the new mapping. */
    fill(page_a, 0xa);
    fill(page_b, 0xb);
    *pte = pte_a;
    sfence_all();
    job.fence = FENCE_ADDR;
    job.new_pte = pte_b;
    rt_expect_trap();
    rt_run_in_mode(MODE_S, s_remap_store, 0x40);
    CHECK_EQ(20, rt_trap_count(), 0);
    CHECK_EQ(21, page_a[1], 0x40);
    CHECK_EQ(22, page_b[1], 0x41);
    /* Taking W away: the second store faults. */
    *pte = pte_a;
    sfence_all();
    job.new_pte = pte_a & ~PTE_W;
    rt_expect_trap();
    rt_run_in_mode(MODE_S, s_remap_store, 0x50);
    CHECK_EQ(23, rt_trap_count(), 1);
    CHECK_EQ(24, rt_trap_last.cause, CAUSE_STORE_PAGE_FAULT);
    CHECK_EQ(25, rt_trap_last.tval, TVA + 8);
    CHECK_EQ(26, page_a[1], 0x50);
    /* Invalid, then valid: the earlier fault is not remembered. */
    *pte = pte_a & ~PTE_V;
    sfence_all();
    job.new_pte = pte_b;
    rt_expect_trap();
    rt_run_in_mode(MODE_S, s_remap_load, 0);
    CHECK_EQ(27, rt_trap_count(), 1);
    CHECK_EQ(28, rt_trap_last.cause, CAUSE_LOAD_PAGE_FAULT);
    CHECK_EQ(29, job.after, 0x41);
    /* A PTE changed by M-mode (after S-mode used the old one), flushed by S-mode. */
    *pte = pte_a;
    sfence_all();
    job.new_pte = pte_a; /* S leaves it as is */
    rt_run_in_mode(MODE_S, s_remap_load, 0);
    CHECK_EQ(30, job.after, 0x50);
    *pte = pte_b;
    job.new_pte = pte_b;
    rt_run_in_mode(MODE_S, s_remap_load, 0);
    CHECK_EQ(31, job.after, 0x41); /* page_b[1], as stored above */

    /* A 2 MiB page remapped, flushed by an address in its middle. */
    uint64_t mega_va = 0x40400000UL, mega_off = (uint64_t) page_a - VM_IDENTITY_BASE;
    uint64_t *mpte = vm_map(&kern, mega_va, VM_IDENTITY_BASE, 1, VM_KERNEL);
    uint64_t mega_a = *mpte;
    /* The same offset in the next 2 MiB of RAM, with a known value there. */
    uint64_t *far = (uint64_t *) (VM_IDENTITY_BASE + 0x200000UL + mega_off);
    far[1] = 0xf4;
    page_a[1] = 0xa;
    sfence_all();
    job.pte = mpte;
    job.va = mega_va + mega_off;
    job.new_pte = vm_make_pte(VM_IDENTITY_BASE + 0x200000UL, VM_KERNEL);
    job.fence = FENCE_ADDR;
    rt_run_in_mode(MODE_S, s_remap_load, 0);
    CHECK_EQ(32, job.before, 0xa);
    CHECK_EQ(33, job.after, 0xf4);
    *mpte = mega_a;
    sfence_all();
    /* A non-leaf entry changed (the level-0 table swapped), then sfence.vma x0, x0. */
    uint64_t *l1 = vm_pte(&kern, TVA, 1), l1_old = *l1;
    uint64_t *table = vm_alloc_page();
    table[(TVA >> 12) & 511] = vm_make_pte((uint64_t) page_c, VM_KERNEL);
    *pte = pte_a;
    sfence_all();
    job.pte = l1;
    job.va = TVA;
    job.new_pte = vm_make_pte((uint64_t) table, PTE_V);
    job.fence = FENCE_ALL;
    rt_run_in_mode(MODE_S, s_remap_load, 0);
    CHECK_EQ(34, job.before, 0xa);
    CHECK_EQ(35, job.after, 0xc);
    *l1 = l1_old;
    sfence_all();

    /* Writing satp switches address spaces (with an sfence.vma after each switch). */
    *pte = pte_a;
    page_a[1] = 0xa;
    page_b[1] = 0xb;
    sfence_all();
    job.va = TVA;
    job.satp[0] = vm_satp(&kern, asid);
    job.satp[1] = vm_satp(&other, asid);
    job.satp[2] = vm_satp(&kern, asid);
    CHECK_EQ(40, rt_run_in_mode(MODE_S, s_switch, 1), 0x0a0c0a);
    /* With distinct ASIDs no sfence.vma is needed between switches. */
    if (asid_mask & 2) {
        job.satp[0] = vm_satp(&kern, 1);
        job.satp[1] = vm_satp(&other, 2);
        job.satp[2] = vm_satp(&kern, 1);
        write_csr(satp, job.satp[0]);
        sfence_all();
        CHECK_EQ(41, rt_run_in_mode(MODE_S, s_switch, 0), 0x0a0c0a);
        CHECK_EQ(42, rt_run_in_mode(MODE_S, s_switch, 0), 0x0a0c0a);
    }
    /* Back to Bare: S-mode addresses are physical again. */
    vm_deactivate();
    CHECK_EQ(43, rt_run_in_mode(MODE_S, (uint64_t(*)(uint64_t)) ld64, (uint64_t) page_a + 8), 0xa);
    return 0;
}
