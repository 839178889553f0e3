/* Zicntr: rdcycle, rdtime and rdinstret (and the csrrs/csrrsi/csrrc read forms) work,
 * increase monotonically, time follows the board's mtime, the counters are read-only, and
 * U-mode reads them when mcounteren and scounteren allow. Exact instret counts and a
 * csrrs with a zero-valued rs1 other than x0 are in zicntr-strict.c. */
#include "isa.h"

static inline uint64_t rdcycle(void)
{
    uint64_t v;
    __asm__ volatile("rdcycle %0" : "=r"(v));
    return v;
}
static inline uint64_t rdtime(void)
{
    uint64_t v;
    __asm__ volatile("rdtime %0" : "=r"(v));
    return v;
}
static inline uint64_t rdinstret(void)
{
    uint64_t v;
    __asm__ volatile("rdinstret %0" : "=r"(v));
    return v;
}

static void busy(int n)
{
    for (volatile int i = 0; i < n; i++)
        ;
}

/* Run setup, then one CSR instruction under rt_expect_trap(); 1 when that instruction
 * raised an illegal instruction exception with tval = its own encoding. */
#define ILLEGAL(setup, insn)                                                             \
    ({                                                                                   \
        uint64_t at_;                                                                    \
        rt_expect_trap();                                                                \
        __asm__ volatile(".option push\n\t.option norvc\n\t" setup "\n\tlla %0, 1f\n"    \
                         "1:\t" insn "\n\t.option pop"                                   \
                         : "=&r"(at_)                                                    \
                         :                                                               \
                         : "t0", "t1", "memory");                                        \
        int n_ = rt_trap_count();                                                        \
        n_ == 1 && rt_trap_last.cause == CAUSE_ILLEGAL_INSTRUCTION &&rt_trap_last.epc == \
                       at_ &&rt_trap_last.tval == *(volatile uint32_t *) at_;            \
    })

static uint64_t user_reads(uint64_t arg)
{
    uint64_t c0 = rdcycle(), t0 = rdtime(), i0 = rdinstret();
    busy(100);
    uint64_t c1 = rdcycle(), t1 = rdtime(), i1 = rdinstret();
    (void) arg;
    return (c1 > c0) | (t1 >= t0) << 1 | (i1 > i0) << 2;
}

int test_main(void)
{
    /* the pseudo-instructions and every read form of the CSR instructions */
    {
        uint64_t a, b, c;
        __asm__ volatile("csrr %0, cycle\n\tcsrrs %1, cycle, zero\n\tcsrrsi %2, cycle, 0"
                         : "=&r"(a), "=&r"(b), "=&r"(c));
        CKT(1, a <= b && b <= c);
        __asm__ volatile("csrr %0, instret\n\tcsrrc %1, instret, zero\n\tcsrrci %2, instret, 0"
                         : "=&r"(a), "=&r"(b), "=&r"(c));
        CKT(2, a < b && b < c);
        __asm__ volatile("csrr %0, time\n\tcsrrs %1, time, zero\n\tcsrrci %2, time, 0"
                         : "=&r"(a), "=&r"(b), "=&r"(c));
        CKT(3, a <= b && b <= c);
    }

    /* monotonic over work, strictly increasing for cycle and instret */
    {
        uint64_t c0 = rdcycle(), i0 = rdinstret(), t0 = rdtime();
        busy(10000);
        uint64_t c1 = rdcycle(), i1 = rdinstret(), t1 = rdtime();
        CKT(4, c1 > c0);
        CKT(5, i1 > i0);
        CKT(6, t1 >= t0);
        CKT(7, i1 - i0 >= 10000); /* at least one instruction per iteration */
        uint64_t pc = rdcycle(), pi = rdinstret(), pt = rdtime();
        for (int k = 0; k < 2000; k++) {
            uint64_t c = rdcycle(), i = rdinstret(), t = rdtime();
            CKT(8, c >= pc);
            CKT(9, i > pi);
            CKT(10, t >= pt);
            pc = c;
            pi = i;
            pt = t;
        }
    }

    /* time advances: spin (bounded) until it changes */
    {
        uint64_t t0 = rdtime(), t = t0;
        for (long k = 0; k < 50000000 && t == t0; k++)
            t = rdtime();
        CKT(11, t > t0);
    }

    /* time is the board's mtime */
    {
        uint64_t m0 = mmio_read64(RT_CLINT_MTIME);
        uint64_t t = rdtime();
        uint64_t m1 = mmio_read64(RT_CLINT_MTIME);
        CKT(12, m0 <= t && t <= m1);
        /* ... and it keeps up: once mtime has passed a point 1 ms ahead, so has time
         * (compared with the point itself: the host may pause the hart at any moment) */
        uint64_t target = m1 + 10000;
        while (mmio_read64(RT_CLINT_MTIME) < target)
            ;
        CKT(13, rdtime() >= target);
    }

    /* the unprivileged counters are read-only: writes are illegal instructions */
    CKT(20, ILLEGAL("", "csrw cycle, zero"));
    CKT(21, ILLEGAL("li t0, 1", "csrs instret, t0"));
    CKT(23, ILLEGAL("", "csrrwi zero, time, 0"));
    CKT(24, ILLEGAL("", "csrrci t1, cycle, 1"));
    CKT(25, ILLEGAL("", "csrw time, zero"));
    CKT(27, ILLEGAL("", "csrr t0, 0xc82")); /* instreth does not exist on RV64 */

    /* U-mode reads them when mcounteren and scounteren have CY, TM, IR set */
    {
        uint64_t old_m = swap_csr(mcounteren, 7);
        uint64_t old_s = swap_csr(scounteren, 7);
        uint64_t r = rt_run_in_mode(0, user_reads, 0);
        write_csr(mcounteren, old_m);
        write_csr(scounteren, old_s);
        CK(26, r, 7);
    }
    return 0;
}
