/* PMP lock bit: a locked entry binds M-mode too, its pmpcfg byte and pmpaddr ignore
 * writes (and a locked TOR entry freezes the pmpaddr below it), until reset. Kept apart
 * from pmp.c because nothing can unlock an entry. */
#include "pmp.h"

#define REGION_SIZE 0x10000UL
static uint8_t region[REGION_SIZE] __attribute__((aligned(REGION_SIZE)));
#define PAGE(n) ((uint64_t) region + 0x1000UL * (n))

/* M-mode accesses; each returns the trap cause or ~0. */
static uint64_t m_load(uint64_t a)
{
    rt_expect_trap();
    (void) ld64(a);
    return rt_trap_count() ? rt_trap_last.cause : ~0UL;
}
static uint64_t m_store(uint64_t a)
{
    rt_expect_trap();
    sd64(a, 0x99);
    return rt_trap_count() ? rt_trap_last.cause : ~0UL;
}
static uint64_t m_fetch(uint64_t a)
{
    rt_expect_trap();
    uint64_t r = priv_call(a);
    if (rt_trap_count())
        return rt_trap_last.cause;
    return r == 42 ? ~0UL : 0xbad;
}
#define OK (~0UL)

static struct {
    uint64_t addr;
    int store;
} job;
static uint64_t lower_access(uint64_t arg)
{
    (void) arg;
    if (job.store)
        sd64(job.addr, 1);
    else
        (void) ld64(job.addr);
    return 0;
}
static uint64_t lower(int mode, uint64_t a, int store)
{
    job.addr = a;
    job.store = store;
    rt_expect_trap();
    rt_run_in_mode(mode, lower_access, 0);
    return rt_trap_count() ? rt_trap_last.cause : ~0UL;
}

int test_main(void)
{
    priv_reset_traps();
    pmp_reset();
    for (int i = 0; i < 16; i++) {
        *(volatile uint64_t *) PAGE(i) = 0x0000806702a00513UL; /* li a0, 42; ret */
    }
    __asm__ volatile("fence.i" ::: "memory");

    /* Unlocked, an entry does not bind M-mode. */
    pmp_set(0, pmp_napot(PAGE(0), 0x1000), PMP_NAPOT | PMP_R);
    CHECK_EQ(1, m_store(PAGE(0) + 8), OK);
    CHECK_EQ(2, m_fetch(PAGE(0)), OK);

    /* Locked read-only page: M-mode loads work, stores and fetches fault. */
    uint64_t a0 = pmp_napot(PAGE(0), 0x1000);
    pmp_set(0, a0, PMP_NAPOT | PMP_R | PMP_L);
    CHECK_EQ(3, pmp_get_cfg(0), PMP_NAPOT | PMP_R | PMP_L);
    CHECK_EQ(4, m_load(PAGE(0) + 8), OK);
    CHECK_EQ(5, m_store(PAGE(0) + 8), CAUSE_STORE_ACCESS);
    CHECK_EQ(6, rt_trap_last.tval, PAGE(0) + 8);
    CHECK_EQ(7, m_fetch(PAGE(0)), CAUSE_FETCH_ACCESS);
    CHECK_EQ(8, rt_trap_last.tval, PAGE(0));
    /* S and U are bound as before. */
    CHECK_EQ(9, lower(MODE_S, PAGE(0) + 8, 0), OK);
    CHECK_EQ(10, lower(MODE_U, PAGE(0) + 8, 1), CAUSE_STORE_ACCESS);
    /* Its registers ignore writes, also attempts to unlock; the other bytes of pmpcfg0
     * stay writable. */
    pmp_set_addr(0, pmp_napot(PAGE(1), 0x1000));
    CHECK_EQ(11, pmp_get_addr(0), a0);
    write_csr(pmpcfg0, ((uint64_t) (PMP_NAPOT | PMP_R | PMP_W) << 8) | PMP_NAPOT | PMP_R | PMP_W);
    CHECK_EQ(12, pmp_get_cfg(0), PMP_NAPOT | PMP_R | PMP_L);
    CHECK_EQ(13, pmp_get_cfg(1), PMP_NAPOT | PMP_R | PMP_W);
    clear_csr(pmpcfg0, 0xffUL);
    CHECK_EQ(14, pmp_get_cfg(0), PMP_NAPOT | PMP_R | PMP_L);
    CHECK_EQ(15, m_store(PAGE(0) + 8), CAUSE_STORE_ACCESS);
    pmp_set_cfg(1, 0);
    sfence_all();

    /* Locked with no permissions: M-mode loads fault too. */
    pmp_set(1, pmp_napot(PAGE(1), 0x1000), PMP_NAPOT | PMP_L);
    CHECK_EQ(20, m_load(PAGE(1) + 16), CAUSE_LOAD_ACCESS);
    CHECK_EQ(21, rt_trap_last.tval, PAGE(1) + 16);
    CHECK_EQ(22, m_store(PAGE(1) + 16), CAUSE_STORE_ACCESS);
    /* Locked R/W without X: M-mode cannot execute there. */
    pmp_set(2, pmp_napot(PAGE(2), 0x1000), PMP_NAPOT | PMP_R | PMP_W | PMP_L);
    CHECK_EQ(23, m_store(PAGE(2) + 8), OK);
    CHECK_EQ(24, m_fetch(PAGE(2)), CAUSE_FETCH_ACCESS);

    /* Priority: a lower-numbered unlocked entry decides before a locked one, so M-mode is
     * free there; where the locked entry matches first, it binds M. */
    pmp_set(3, pmp_napot(PAGE(4), 0x1000), PMP_NAPOT | PMP_R | PMP_W | PMP_X);
    pmp_set(4, pmp_napot(PAGE(4), 0x2000), PMP_NAPOT | PMP_R | PMP_L);
    CHECK_EQ(30, m_store(PAGE(4) + 8), OK);
    CHECK_EQ(31, m_store(PAGE(5) + 8), CAUSE_STORE_ACCESS);
    CHECK_EQ(32, m_load(PAGE(5) + 8), OK);

    /* Locked TOR: entry 6 covers [pmpaddr5, pmpaddr6) = page 7, and pmpaddr5 cannot be
     * changed either (entry 5 itself stays configurable). */
    pmp_set_addr(5, PAGE(7) >> 2);
    pmp_set(6, PAGE(8) >> 2, PMP_TOR | PMP_R | PMP_L);
    CHECK_EQ(40, m_store(PAGE(7) + 8), CAUSE_STORE_ACCESS);
    CHECK_EQ(41, m_store(PAGE(8)), OK);
    CHECK_EQ(42, m_store(PAGE(7) - 8), OK);
    CHECK_EQ(43, m_store(PAGE(8) - 8), CAUSE_STORE_ACCESS);
    pmp_set_addr(5, PAGE(6) >> 2);
    CHECK_EQ(44, pmp_get_addr(5), PAGE(7) >> 2);
    pmp_set_addr(6, PAGE(9) >> 2);
    CHECK_EQ(45, pmp_get_addr(6), PAGE(8) >> 2);
    sfence_all();
    CHECK_EQ(46, m_store(PAGE(6) + 8), OK);
    CHECK_EQ(47, m_store(PAGE(8) + 8), OK);
    pmp_set_cfg(5, PMP_NA4 | PMP_R);
    CHECK_EQ(48, pmp_get_cfg(5), PMP_NA4 | PMP_R);
    pmp_set_cfg(5, 0);

    /* Entry 15, unlocked, still opens the rest to S and U. */
    CHECK_EQ(50, lower(MODE_S, PAGE(3) + 8, 1), OK);
    CHECK_EQ(51, lower(MODE_U, PAGE(7) + 8, 0), OK);
    CHECK_EQ(53, lower(MODE_U, PAGE(7) + 8, 1), CAUSE_STORE_ACCESS);
    CHECK_EQ(52, lower(MODE_U, PAGE(1) + 8, 0), CAUSE_LOAD_ACCESS);
    return 0;
}
