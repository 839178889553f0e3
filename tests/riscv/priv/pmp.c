/* PMP: NAPOT, NA4 and TOR regions; R/W/X checks for S- and U-mode (access faults with
 * tval = the address); M-mode not bound by unlocked entries; the lowest-numbered
 * matching entry wins; an access only partly inside an entry fails; no match denies
 * S/U; MPRV accesses and page-table walks are checked with the lower mode's rights; the
 * 4-byte granularity. Locking: pmp-lock.c; pmpcfg's reserved R = 0, W = 1: impl-csrs.c. */
#include "pmp.h"
#include "vm.h"

#define REGION_SIZE 0x4000UL
static uint8_t region[REGION_SIZE] __attribute__((aligned(REGION_SIZE)));
#define PAGE(n) ((uint64_t) region + 0x1000UL * (n))

enum { OP_LD, OP_SD, OP_FETCH, OP_LW, OP_SW };
static struct {
    uint64_t addr;
    int op;
} job;

static uint64_t probe(uint64_t arg)
{
    (void) arg;
    uint64_t a = job.addr;
    switch (job.op) {
    case OP_LD: return ld64(a);
    case OP_SD: sd64(a, 0x1234); return 0;
    case OP_FETCH: return priv_call(a);
    case OP_LW: return lw32(a);
    default: sw32(a, 0x5678); return 0;
    }
}

static void put_code(uint64_t addr)
{
    *(volatile uint64_t *) addr = 0x0000806702a00513UL; /* li a0, 42; ret */
    __asm__ volatile("fence.i" ::: "memory");
}

/* One access from mode; returns the trap cause, ~0 for none. A fetch finds code that
 * returns 42 (put there when addr is a physical RAM address). */
static uint64_t access(int mode, uint64_t addr, int op)
{
    if (op == OP_FETCH && addr >= 0x80000000UL) /* RAM, not a virtual address */
        put_code(addr);
    job.addr = addr;
    job.op = op;
    rt_expect_trap();
    uint64_t r = rt_run_in_mode(mode, probe, 0);
    if (!rt_trap_count()) {
        if (op == OP_FETCH && r != 42)
            return 0xbad;
        return ~0UL;
    }
    if (rt_trap_last.tval != addr)
        return 0xbad0000 | rt_trap_last.cause;
    return rt_trap_last.cause;
}
#define OK  (~0UL)
#define LAF CAUSE_LOAD_ACCESS
#define SAF CAUSE_STORE_ACCESS
#define IAF CAUSE_FETCH_ACCESS

/* The three kinds of access to a page from S and U, against want_{r,w,x}. */
static void expect_rwx(int n, uint64_t page, int r, int w, int x)
{
    for (int mode = 0; mode < 2; mode++) {
        CHECK_EQ(n, access(mode, page + 8, OP_LD), r ? OK : LAF);
        CHECK_EQ(n, access(mode, page + 16, OP_SD), w ? OK : SAF);
        CHECK_EQ(n, access(mode, page, OP_FETCH), x ? OK : IAF);
    }
}

/* M-mode load with MPRV = 1, MPP = S; returns the trap count. */
static int mprv_load(uint64_t addr)
{
    uint64_t v, set = MSTATUS_MPRV | MSTATUS_MPP_S;
    rt_expect_trap();
    __asm__ volatile("csrc mstatus, %2\ncsrs mstatus, %1\nld %0, 0(%3)\ncsrc mstatus, %1"
                     : "=&r"(v)
                     : "r"(set), "r"(MSTATUS_MPP), "r"(addr)
                     : "memory");
    return rt_trap_count();
}

int test_main(void)
{
    priv_reset_traps();
    pmp_reset();

    /* Granularity 4 bytes: every pmpaddr bit 53:0 is writable, NA4 can be selected. */
    pmp_set_addr(7, ~0UL);
    CHECK_EQ(1, pmp_get_addr(7) & ((1UL << 54) - 1), (1UL << 54) - 1);
    pmp_set_cfg(7, PMP_NA4);
    CHECK_EQ(2, pmp_get_cfg(7), PMP_NA4);
    /* (R = 0, W = 1 being reserved, never read back: impl-csrs.c.) */
    pmp_set_cfg(7, 0);
    pmp_set_addr(7, 0);
    CHECK_EQ(5, pmp_get_cfg(7), 0);
    /* Other fields read back as written. */
    pmp_set_cfg(6, PMP_NAPOT | PMP_R | PMP_X);
    CHECK_EQ(6, pmp_get_cfg(6), PMP_NAPOT | PMP_R | PMP_X);
    pmp_set_cfg(6, 0);

    /* NAPOT, one page, each permission set. */
    static const uint8_t perms[] = {0,     PMP_R,         PMP_R | PMP_W,
                                    PMP_X, PMP_R | PMP_X, PMP_R | PMP_W | PMP_X};
    for (unsigned i = 0; i < sizeof(perms); i++) {
        pmp_set(0, pmp_napot(PAGE(1), 0x1000), PMP_NAPOT | perms[i]);
        expect_rwx(10 + (int) i, PAGE(1), perms[i] & PMP_R, perms[i] & PMP_W, perms[i] & PMP_X);
        /* The pages beside it fall through to entry 15. */
        expect_rwx(20 + (int) i, PAGE(0), 1, 1, 1);
        CHECK_EQ(30 + (int) i, access(MODE_S, PAGE(2), OP_SD), OK);
        CHECK_EQ(30 + (int) i, access(MODE_S, PAGE(2) - 8, OP_SD), (perms[i] & PMP_W) ? OK : SAF);
    }
    /* M-mode is not bound by an unlocked entry. */
    pmp_set(0, pmp_napot(PAGE(1), 0x1000), PMP_NAPOT);
    put_code(PAGE(1));
    *(volatile uint64_t *) (PAGE(1) + 8) = 7;
    CHECK_EQ(36, *(volatile uint64_t *) (PAGE(1) + 8), 7);
    CHECK_EQ(37, priv_call(PAGE(1)), 42);
    /* ... unless MPRV makes the access an S-mode one. */
    CHECK_EQ(38, mprv_load(PAGE(1) + 8), 1);
    CHECK_EQ(39, rt_trap_last.cause, LAF);
    pmp_set(0, 0, 0);
    CHECK_EQ(40, mprv_load(PAGE(1) + 8), 0);

    /* TOR: entry 3 covers [pmpaddr2, pmpaddr3) = pages 1 and 2. */
    pmp_set_addr(2, PAGE(1) >> 2);
    pmp_set(3, PAGE(3) >> 2, PMP_TOR | PMP_R);
    expect_rwx(41, PAGE(1), 1, 0, 0);
    expect_rwx(42, PAGE(2), 1, 0, 0);
    CHECK_EQ(43, access(MODE_S, PAGE(3) - 8, OP_SD), SAF);
    CHECK_EQ(44, access(MODE_S, PAGE(3), OP_SD), OK);
    CHECK_EQ(45, access(MODE_S, PAGE(1) - 8, OP_SD), OK);
    CHECK_EQ(46, access(MODE_U, PAGE(1) - 4, OP_SW), OK);
    /* Top below bottom: the entry matches nothing. */
    pmp_set_addr(2, PAGE(3) >> 2);
    pmp_set(3, PAGE(1) >> 2, PMP_TOR | PMP_R);
    CHECK_EQ(47, access(MODE_S, PAGE(2), OP_SD), OK);
    pmp_set(3, 0, 0);
    pmp_set_addr(2, 0);

    /* NA4: exactly four bytes. */
    pmp_set(0, (PAGE(1) + 0x10) >> 2, PMP_NA4 | PMP_R);
    CHECK_EQ(50, access(MODE_S, PAGE(1) + 0x10, OP_LW), OK);
    CHECK_EQ(51, access(MODE_S, PAGE(1) + 0x10, OP_SW), SAF);
    CHECK_EQ(52, access(MODE_U, PAGE(1) + 0x10, OP_SW), SAF);
    CHECK_EQ(53, access(MODE_S, PAGE(1) + 0x14, OP_SW), OK);
    CHECK_EQ(54, access(MODE_S, PAGE(1) + 0x0c, OP_SW), OK);
    /* An access partly inside an entry fails, even when the entry would allow it. */
    CHECK_EQ(55, access(MODE_S, PAGE(1) + 0x10, OP_LD), LAF);
    CHECK_EQ(56, access(MODE_S, PAGE(1) + 0x0c, OP_LD), LAF);
    CHECK_EQ(57, access(MODE_S, PAGE(1) + 0x10, OP_SD), SAF);
    pmp_set(0, 0, 0);

    /* An instruction that straddles into a region without X: fetch access fault, mepc =
     * its first byte, tval = the address of the part that faulted. */
    pmp_set(0, pmp_napot(PAGE(2), 0x1000), PMP_NAPOT | PMP_R | PMP_W);
    *(volatile uint16_t *) (PAGE(2) - 4) = 0x0001;     /* c.nop */
    *(volatile uint16_t *) (PAGE(2) - 2) = 0x0513;     /* li a0, 42 (first half) */
    *(volatile uint64_t *) PAGE(2) = 0x0000806702a0UL; /* (second half); ret */
    __asm__ volatile("fence.i" ::: "memory");
    job.addr = PAGE(2) - 4;
    job.op = OP_FETCH;
    rt_expect_trap();
    rt_run_in_mode(MODE_S, probe, 0);
    CHECK_EQ(58, rt_trap_count(), 1);
    CHECK_EQ(59, rt_trap_last.cause, IAF);
    CHECK_EQ(66, rt_trap_last.epc, PAGE(2) - 2);
    CHECK_EQ(67, rt_trap_last.tval, PAGE(2));
    pmp_set(0, pmp_napot(PAGE(2), 0x1000), PMP_NAPOT | PMP_R | PMP_W | PMP_X);
    rt_expect_trap();
    CHECK_EQ(68, rt_run_in_mode(MODE_U, probe, 0), 42);
    CHECK_EQ(69, rt_trap_count(), 0);
    pmp_set(0, 0, 0);

    /* Priority: the lowest-numbered matching entry decides. */
    pmp_set(1, pmp_napot(PAGE(1), 0x1000), PMP_NAPOT | PMP_R);
    pmp_set(2, pmp_napot(PAGE(0), REGION_SIZE), PMP_NAPOT | PMP_R | PMP_W);
    CHECK_EQ(60, access(MODE_S, PAGE(1) + 8, OP_SD), SAF);
    CHECK_EQ(61, access(MODE_S, PAGE(2) + 8, OP_SD), OK);
    CHECK_EQ(62, access(MODE_S, PAGE(2), OP_FETCH), IAF); /* entry 2: no X */
    pmp_set(0, pmp_napot(PAGE(0), REGION_SIZE), PMP_NAPOT | PMP_R | PMP_W | PMP_X);
    CHECK_EQ(63, access(MODE_S, PAGE(1) + 8, OP_SD), OK);
    CHECK_EQ(64, access(MODE_U, PAGE(2), OP_FETCH), OK);
    /* A higher-numbered entry matching part of the access does not matter when a lower
     * one matches all of it. */
    pmp_set(0, pmp_napot(PAGE(1), 0x1000), PMP_NAPOT | PMP_R | PMP_W);
    pmp_set(1, (PAGE(1) + 0x20) >> 2, PMP_NA4);
    CHECK_EQ(65, access(MODE_S, PAGE(1) + 0x20, OP_SD), OK);
    pmp_reset();

    /* No entry matches: S and U are denied, M is not. Entry 1 (TOR) keeps the test
     * image open; RAM above it is matched by nothing. */
    uint64_t top = ((uint64_t) _end + 0xfff) & ~0xfffUL;
    uint64_t beyond = 0x80000000UL + 0x400000UL;
    pmp_set_addr(0, 0x80000000UL >> 2);
    pmp_set(1, top >> 2, PMP_TOR | PMP_R | PMP_W | PMP_X);
    pmp_set(15, 0, 0);
    CHECK_EQ(70, access(MODE_S, PAGE(1) + 8, OP_SD), OK);
    CHECK_EQ(71, access(MODE_S, beyond, OP_LD), LAF);
    CHECK_EQ(72, access(MODE_U, beyond, OP_SD), SAF);
    CHECK_EQ(73, access(MODE_S, top, OP_FETCH), IAF);
    CHECK_EQ(74, access(MODE_S, RT_UART_BASE + 4, OP_LW), LAF); /* devices too */
    *(volatile uint64_t *) beyond = 99;
    CHECK_EQ(76, *(volatile uint64_t *) beyond, 99);
    pmp_reset();

    /* Page-table walks are S-mode accesses: a table page S cannot read makes the access
     * fault with the access-fault cause of the original access and tval = the VA. */
    vm_space kern;
    vm_init(&kern, 3);
    vm_identity(&kern, VM_KERNEL);
    uint64_t va = 0x40000000UL;
    vm_map(&kern, va, PAGE(1), 0, VM_KERNEL);
    uint64_t *l0 = vm_pte(&kern, va, 0);
    uint64_t table = (uint64_t) l0 & ~0xfffUL;
    vm_activate(&kern, 0);
    put_code(PAGE(1));
    CHECK_EQ(80, access(MODE_S, va + 8, OP_LD), OK);
    pmp_set(0, pmp_napot(table, 0x1000), PMP_NAPOT);
    CHECK_EQ(81, access(MODE_S, va + 8, OP_LD), LAF);
    CHECK_EQ(82, access(MODE_S, va + 16, OP_SD), SAF);
    CHECK_EQ(83, access(MODE_S, va, OP_FETCH), IAF);
    /* ... and the data page itself is checked at its physical address. */
    pmp_set(0, pmp_napot(PAGE(1), 0x1000), PMP_NAPOT | PMP_R);
    CHECK_EQ(84, access(MODE_S, va + 8, OP_LD), OK);
    CHECK_EQ(85, access(MODE_S, va + 16, OP_SD), SAF);
    CHECK_EQ(86, rt_trap_last.tval, va + 16);
    vm_deactivate();
    pmp_reset();
    return 0;
}
