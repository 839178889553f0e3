/* The hart's TLB across address spaces: one set of entries per satp value, so a return to
 * an address space finds its translations without walking the page tables again, and
 * SFENCE.VMA drops what the privileged specification says, by address and by ASID.
 * White-box: the hart's count of page-table walks tells whether an access hit the TLB. */
#include <glib.h>
#include <string.h>

#include "riscv/hart.h"

#define RAM_BASE 0x80000000ull
#define RAM_SIZE (4ull << 20)
#define CODE     RAM_BASE
#define TABLES   (RAM_BASE + 0x100000) /* page-table pages, handed out in order */
#define DATA     (RAM_BASE + 0x200000) /* data pages */
#define VA       0x40000000ull

/* ld a0, 0(a1); sfence.vma a1, a2 with either operand x0 */
#define INSN_LD_A0_A1    0x0005b503u
#define SFENCE(rs1, rs2) (0x12000073u | ((rs2) << 20) | ((rs1) << 15))
#define A1               11u
#define A2               12u

typedef struct {
    VrClock clock;
    VrAddressSpace *as;
    VrHart *h;
    uint64_t next_table;
} Fixture;

static uint64_t *ram(Fixture *f, uint64_t pa)
{
    return (uint64_t *) vr_address_space_ram_ptr(f->as, pa, 8);
}

static uint64_t new_table(Fixture *f)
{
    uint64_t pa = f->next_table;
    f->next_table += VR_PAGE_SIZE;
    memset(vr_address_space_ram_ptr(f->as, pa, VR_PAGE_SIZE), 0, VR_PAGE_SIZE);
    return pa;
}

/* Maps the 4 KiB page at va to pa (readable, writable, A and D set) in the Sv39 tables
 * under root, making the intermediate tables it needs. */
static void map(Fixture *f, uint64_t root, uint64_t va, uint64_t pa)
{
    uint64_t table = root;
    for (int level = 2; level > 0; level--) {
        uint64_t *pte = ram(f, table + ((va >> (12 + 9 * level)) & 0x1ff) * 8);
        if (!(*pte & PTE_V))
            *pte = ((new_table(f) >> 12) << PTE_PPN_SHIFT) | PTE_V;
        table = ((*pte & PTE_PPN_MASK) >> PTE_PPN_SHIFT) << 12;
    }
    *ram(f, table + ((va >> 12) & 0x1ff) * 8) =
        ((pa >> 12) << PTE_PPN_SHIFT) | PTE_V | PTE_R | PTE_W | PTE_A | PTE_D;
}

static uint64_t satp_of(uint64_t asid, uint64_t root)
{
    return ((uint64_t) SATP_MODE_SV39 << SATP_MODE_SHIFT) | (asid << 44) | (root >> 12);
}

/* An address space with its own data page at VA holding value. */
static uint64_t address_space(Fixture *f, uint64_t asid, uint64_t value)
{
    uint64_t root = new_table(f);
    uint64_t data = DATA + (root - TABLES); /* a data page per root, never shared */
    *ram(f, data) = value;
    map(f, root, VA, data);
    return satp_of(asid, root);
}

static void exec(Fixture *f, uint32_t insn, uint64_t a1, uint64_t a2)
{
    vr_address_space_write_ram(f->as, CODE, &insn, 4);
    vr_hart_set_x(f->h, A1, a1);
    vr_hart_set_x(f->h, A2, a2);
    vr_hart_set_pc(f->h, CODE);
    vr_hart_step(f->h);
    g_assert_cmphex(vr_hart_get_pc(f->h), ==, CODE + 4); /* no trap */
}

/* Loads from VA with an ordinary load of the interpreter (its inline TLB probe first);
 * returns the value and whether the page tables were walked for it. */
static uint64_t load(Fixture *f, bool *walked)
{
    uint64_t walks = f->h->tlb_walks;
    exec(f, INSN_LD_A0_A1, VA, 0);
    *walked = f->h->tlb_walks != walks;
    return vr_hart_get_x(f->h, 10);
}

static void switch_to(Fixture *f, uint64_t satp)
{
    g_assert_true(vr_hart_csr_write(f->h, CSR_SATP, satp));
}

/* Switches to satp, loads, and checks the value and whether it walked. */
static void expect(Fixture *f, uint64_t satp, uint64_t value, bool walk)
{
    bool walked;
    switch_to(f, satp);
    g_assert_cmphex(load(f, &walked), ==, value);
    g_assert_cmpint(walked, ==, walk);
}

static void fixture_set_up(Fixture *f, gconstpointer data)
{
    (void) data;
    GError *error = NULL;
    vr_clock_init(&f->clock);
    f->as = vr_address_space_new();
    g_assert_true(vr_address_space_add_ram(f->as, "ram", RAM_BASE, RAM_SIZE, &error));
    g_assert_no_error(error);
    f->next_table = TABLES;
    f->h = vr_hart_new(f->as, &f->clock, 0);
    vr_hart_reset(f->h, CODE);
    /* All of memory open to S-mode, as firmware leaves it. */
    g_assert_true(vr_hart_csr_write(f->h, CSR_PMPADDR0, ~0ull >> 10));
    g_assert_true(vr_hart_csr_write(f->h, CSR_PMPCFG0, PMP_A_NAPOT | PMP_R | PMP_W | PMP_X));
    /* M-mode fetches (untranslated), S-mode loads and stores (MPRV with MPP = S). */
    g_assert_true(vr_hart_csr_write(f->h, CSR_MSTATUS,
                                    MSTATUS_MPRV | ((uint64_t) VR_PRV_S << MSTATUS_MPP_SHIFT)));
}

static void fixture_tear_down(Fixture *f, gconstpointer data)
{
    (void) data;
    vr_hart_free(f->h);
    vr_address_space_free(f->as);
}

/* A, then B, then A again: A's entry is still there. */
static void test_switch_back(Fixture *f, gconstpointer data)
{
    (void) data;
    uint64_t a = address_space(f, 1, 0xaaaa);
    uint64_t b = address_space(f, 2, 0xbbbb);
    expect(f, a, 0xaaaa, true);
    expect(f, a, 0xaaaa, false);
    expect(f, b, 0xbbbb, true);
    expect(f, a, 0xaaaa, false);
    expect(f, b, 0xbbbb, false);
    /* Writing the same satp again keeps the entries too. */
    expect(f, b, 0xbbbb, false);
}

/* Another root under A's ASID is another address space: it walks and sees its own page,
 * and A's entries stay A's. */
static void test_same_asid_other_root(Fixture *f, gconstpointer data)
{
    (void) data;
    uint64_t a = address_space(f, 1, 0xaaaa);
    uint64_t a2 = address_space(f, 1, 0xa2a2);
    expect(f, a, 0xaaaa, true);
    expect(f, a2, 0xa2a2, true);
    expect(f, a, 0xaaaa, false);
    expect(f, a2, 0xa2a2, false);
}

/* More address spaces than sets: the least recently used set is emptied for the newcomer,
 * and every address space still reads its own page. */
static void test_more_spaces_than_sets(Fixture *f, gconstpointer data)
{
    (void) data;
    enum { N = VR_TLB_SETS + 3 };
    uint64_t satp[N];
    for (unsigned i = 0; i < N; i++)
        satp[i] = address_space(f, i + 1, 0x1000 + i);
    for (unsigned i = 0; i < N; i++)
        expect(f, satp[i], 0x1000 + i, true);
    /* The last VR_TLB_SETS are kept; the first ones were evicted. */
    for (unsigned i = N - VR_TLB_SETS; i < N; i++)
        expect(f, satp[i], 0x1000 + i, false);
    expect(f, satp[0], 0x1000, true);
}

/* sfence.vma x0, asid drops that ASID's entries (every root under it) and no others. */
static void test_sfence_asid(Fixture *f, gconstpointer data)
{
    (void) data;
    uint64_t a = address_space(f, 1, 0xaaaa);
    uint64_t a2 = address_space(f, 1, 0xa2a2);
    uint64_t b = address_space(f, 2, 0xbbbb);
    expect(f, a, 0xaaaa, true);
    expect(f, a2, 0xa2a2, true);
    expect(f, b, 0xbbbb, true);
    exec(f, SFENCE(0, A2), 0, 1);
    expect(f, b, 0xbbbb, false);
    expect(f, a, 0xaaaa, true);
    expect(f, a2, 0xa2a2, true);

    /* The fence is no less than the spec asks: a remapped page is seen after it. */
    uint64_t root_a = (a & SATP_PPN_MASK) << 12;
    map(f, root_a, VA, DATA + 0x80000);
    *ram(f, DATA + 0x80000) = 0xa3a3;
    expect(f, a, 0xaaaa, false); /* stale until the fence, as the spec allows */
    exec(f, SFENCE(0, A2), 0, 1);
    expect(f, a, 0xa3a3, true);
}

/* sfence.vma x0, x0 drops everything. */
static void test_sfence_all(Fixture *f, gconstpointer data)
{
    (void) data;
    uint64_t a = address_space(f, 1, 0xaaaa);
    uint64_t b = address_space(f, 2, 0xbbbb);
    expect(f, a, 0xaaaa, true);
    expect(f, b, 0xbbbb, true);
    exec(f, SFENCE(0, 0), 0, 0);
    expect(f, b, 0xbbbb, true);
    expect(f, a, 0xaaaa, true);
}

/* sfence.vma va, x0 drops that page in every address space; sfence.vma va, asid only in
 * that ASID's. Another page stays in both. */
static void test_sfence_page(Fixture *f, gconstpointer data)
{
    (void) data;
    uint64_t a = address_space(f, 1, 0xaaaa);
    uint64_t b = address_space(f, 2, 0xbbbb);
    expect(f, a, 0xaaaa, true);
    expect(f, b, 0xbbbb, true);
    exec(f, SFENCE(A1, 0), VA + 0x10000, 0); /* another page */
    expect(f, a, 0xaaaa, false);
    expect(f, b, 0xbbbb, false);
    exec(f, SFENCE(A1, 0), VA, 0);
    expect(f, a, 0xaaaa, true);
    expect(f, b, 0xbbbb, true);
    exec(f, SFENCE(A1, A2), VA, 2);
    expect(f, a, 0xaaaa, false);
    expect(f, b, 0xbbbb, true);
}

/* The bare address space (satp = 0) has a set of its own: leaving it for a paged one and
 * coming back reads physical memory again, and the paged one's entry is kept meanwhile. */
static void test_bare(Fixture *f, gconstpointer data)
{
    (void) data;
    uint64_t a = address_space(f, 1, 0xaaaa);
    *ram(f, DATA + 0x90000) = 0x5555;
    for (int i = 0; i < 2; i++) {
        switch_to(f, 0);
        exec(f, INSN_LD_A0_A1, DATA + 0x90000, 0);
        g_assert_cmphex(vr_hart_get_x(f->h, 10), ==, 0x5555);
        expect(f, a, 0xaaaa, i == 0);
    }
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
#define ADD(path, fn) g_test_add("/tlb/" path, Fixture, NULL, fixture_set_up, fn, fixture_tear_down)
    ADD("switch-back", test_switch_back);
    ADD("same-asid-other-root", test_same_asid_other_root);
    ADD("more-spaces-than-sets", test_more_spaces_than_sets);
    ADD("sfence-asid", test_sfence_asid);
    ADD("sfence-all", test_sfence_all);
    ADD("sfence-page", test_sfence_page);
    ADD("bare", test_bare);
#undef ADD
    return g_test_run();
}
