/* Two harts hammer the same words with amoadd.d, amoadd.w, an LR/SC increment loop and an
 * amoswap spinlock around a plain increment; the final counts must be exact.
 *
 * Runs with two harts (`vireo run --cpus 2`, QEMU -smp 2; see ../meson.build). Hart 1 must
 * start within a bounded wait: if it does not (one hart only, or no CLINT msip for it), the
 * test fails with check 1 rather than counting the work of hart 0 alone. */
#include "isa.h"

#define ITERS 100000

static volatile uint64_t amo_d_counter;
static volatile uint32_t amo_w_counter[2]; /* [1] must stay 0: no carry out of the word */
static volatile uint64_t lrsc_counter;
static volatile uint32_t lock;
static volatile uint64_t locked_counter;
static volatile uint64_t hart1_state; /* 0: not seen, 1: started, 2: abandoned by hart 0 */
static volatile uint64_t go;
static volatile uint64_t hart1_done;

static inline uint64_t amoswap_d(volatile uint64_t *p, uint64_t v)
{
    uint64_t r;
    __asm__ volatile("amoswap.d.aqrl %0, %2, (%1)" : "=r"(r) : "r"(p), "r"(v) : "memory");
    return r;
}

static void work(void)
{
    for (int i = 0; i < ITERS; i++) {
        __asm__ volatile("amoadd.d zero, %1, (%0)" ::"r"(&amo_d_counter), "r"(1UL) : "memory");
        __asm__ volatile("amoadd.w zero, %1, (%0)" ::"r"(&amo_w_counter[0]), "r"(1UL) : "memory");
        uint64_t tmp, fail;
        __asm__ volatile("1:\tlr.d %0, (%2)\n\t"
                         "addi %0, %0, 1\n\t"
                         "sc.d %1, %0, (%2)\n\t"
                         "bnez %1, 1b"
                         : "=&r"(tmp), "=&r"(fail)
                         : "r"(&lrsc_counter)
                         : "memory");
        if ((i & 7) == 0) {
            uint64_t old;
            do {
                __asm__ volatile("amoswap.w.aq %0, %2, (%1)"
                                 : "=r"(old)
                                 : "r"(&lock), "r"(1UL)
                                 : "memory");
            } while (old);
            locked_counter = locked_counter + 1; /* plain load and store under the lock */
            __asm__ volatile("amoswap.w.rl zero, zero, (%0)" ::"r"(&lock) : "memory");
        }
    }
}

static void hart1_main(void)
{
    if (amoswap_d(&hart1_state, 1) == 0) {
        while (!go)
            ;
        work();
        __asm__ volatile("fence rw, rw" ::: "memory");
        hart1_done = 1;
    }
    for (;;)
        __asm__ volatile("wfi");
}

static inline uint64_t now(void)
{
    uint64_t t;
    __asm__ volatile("rdtime %0" : "=r"(t));
    return t;
}

/* Wait until *flag is nonzero, for up to `ticks` of the 10 MHz timer (and a bounded number
 * of polls, should time not advance). */
static int wait_for(volatile uint64_t *flag, uint64_t ticks, long max_polls)
{
    uint64_t start = now();
    for (long k = 0; k < max_polls; k++) {
        if (*flag)
            return 1;
        if (now() - start > ticks)
            break;
    }
    return *flag != 0;
}

int test_main(void)
{
    rt_expect_trap();
    rt_start_hart(1, hart1_main);
    int start_traps = rt_trap_count();
    int started = !start_traps && wait_for(&hart1_state, 5000000 /* 0.5 s */, 20000000);
    if (!started && amoswap_d(&hart1_state, 2) == 1)
        started = 1; /* it started just as we gave up */
    if (!started) {
        rt_puts("multihart-atomics: hart 1 did not start (does the machine have 2 harts?)\n");
        CKT(1, started);
    }

    go = 1;
    work();
    CKT(8, wait_for(&hart1_done, 600000000 /* 60 s */, 4000000000L));
    __asm__ volatile("fence rw, rw" ::: "memory");
    uint64_t n = 2 * ITERS;
    CK(2, amo_d_counter, n);
    CK(3, amo_w_counter[0], n);
    CK(4, amo_w_counter[1], 0);
    CK(5, lrsc_counter, n);
    CK(6, locked_counter, 2 * (ITERS / 8));
    CK(7, lock, 0);
    return 0;
}
