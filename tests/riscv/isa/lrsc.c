/* LR/SC on one hart, per the A extension and the reservation rules of docs/riscv-hart.md:
 * one reservation per hart on the naturally aligned address of the LR; an SC succeeds (rd =
 * 0) when its address equals the reservation's and the reserved memory still holds the
 * value the LR read, and fails (rd = 1) otherwise; any SC, and taking a trap, clears the
 * reservation. Misaligned SCs are in lrsc-misaligned.c, misaligned LRs in amo.c. */
#include "isa.h"

#define ONES 0xffffffffffffffffUL

static volatile uint64_t mem[8] __attribute__((aligned(64)));

static inline uint64_t lr_d(volatile uint64_t *p)
{
    uint64_t r;
    __asm__ volatile("lr.d %0, (%1)" : "=r"(r) : "r"(p) : "memory");
    return r;
}
static inline uint64_t sc_d(volatile uint64_t *p, uint64_t v)
{
    uint64_t r;
    __asm__ volatile("sc.d %0, %2, (%1)" : "=&r"(r) : "r"(p), "r"(v) : "memory");
    return r;
}
static inline uint64_t lr_w(volatile void *p)
{
    uint64_t r;
    __asm__ volatile("lr.w %0, (%1)" : "=r"(r) : "r"(p) : "memory");
    return r;
}
static inline uint64_t sc_w(volatile void *p, uint64_t v)
{
    uint64_t r;
    __asm__ volatile("sc.w %0, %2, (%1)" : "=&r"(r) : "r"(p), "r"(v) : "memory");
    return r;
}

/* Clear any reservation: an SC to a scratch word, which fails or succeeds harmlessly. */
static void clear_reservation(void)
{
    static volatile uint64_t scratch;
    (void) sc_d(&scratch, 0);
}

int test_main(void)
{
    volatile uint32_t *w = (volatile uint32_t *) mem;

    /* LR.D / SC.D success */
    mem[0] = 0x0123456789abcdefUL;
    CK(1, lr_d(&mem[0]), 0x0123456789abcdefUL);
    CK(2, sc_d(&mem[0], 0xfedcba9876543210UL), 0);
    CK(3, mem[0], 0xfedcba9876543210UL);

    /* LR.W sign-extends; SC.W stores the low 32 bits only */
    mem[1] = 0x1111111180000000UL;
    CK(4, lr_w(&w[2]), 0xffffffff80000000UL);
    CK(5, sc_w(&w[2], 0xdeadbeef7fffffffUL), 0);
    CK(6, mem[1], 0x111111117fffffffUL);
    CK(7, lr_w(&w[3]), 0x11111111);
    CK(8, sc_w(&w[3], 0xffffffffUL), 0);
    CK(9, mem[1], 0xffffffff7fffffffUL);

    /* any SC clears the reservation: a second SC fails */
    mem[0] = 5;
    lr_d(&mem[0]);
    CK(10, sc_d(&mem[0], 6), 0);
    CK(11, sc_d(&mem[0], 7), 1);
    CK(12, mem[0], 6);

    /* SC with no LR before it fails and does not write */
    clear_reservation();
    mem[2] = 0x22;
    CK(13, sc_d(&mem[2], 0x33), 1);
    CK(14, mem[2], 0x22);
    CK(15, sc_w(&w[4], 0x33), 1);
    CK(16, mem[2], 0x22);

    /* a store of a different value to the reserved address by this hart: SC fails, the
     * store's value stays */
    mem[0] = 7;
    lr_d(&mem[0]);
    mem[0] = 8;
    CK(17, sc_d(&mem[0], 9), 1);
    CK(18, mem[0], 8);
    /* the same, with a byte store into the reserved word */
    mem[1] = 0;
    lr_w(&w[2]);
    ((volatile uint8_t *) mem)[9] = 1;
    CK(19, sc_w(&w[2], 0x55), 1);
    CK(20, mem[1], 0x100);
    /* an AMO to the reserved address that changes it: SC fails */
    mem[0] = 1;
    lr_d(&mem[0]);
    __asm__ volatile("amoadd.d zero, %1, (%0)" ::"r"(&mem[0]), "r"(1UL) : "memory");
    CK(21, sc_d(&mem[0], 100), 1);
    CK(22, mem[0], 2);

    /* SC to a different address fails, writes nothing, and ends the reservation */
    mem[0] = 1;
    mem[1] = 2;
    lr_d(&mem[0]);
    CK(23, sc_d(&mem[1], 3), 1);
    CK(24, mem[1], 2);
    CK(25, sc_d(&mem[0], 4), 1);
    CK(26, mem[0], 1);
    /* the other word of the same doubleword is a different address */
    w[0] = 10;
    w[1] = 20;
    lr_w(&w[0]);
    CK(27, sc_w(&w[1], 30), 1);
    CK(28, w[1], 20);
    lr_w(&w[1]);
    CK(29, sc_w(&w[0], 30), 1);
    CK(30, w[0], 10);

    /* reservation granularity: stores and loads outside the reserved bytes leave it alone */
    mem[0] = 11;
    lr_d(&mem[0]);
    mem[1] = 12; /* the next doubleword */
    (void) mem[3];
    CK(31, sc_d(&mem[0], 13), 0);
    CK(32, mem[0], 13);
    w[0] = 1;
    w[1] = 2;
    lr_w(&w[0]);
    w[1] = 3; /* the other half of the same doubleword */
    CK(33, sc_w(&w[0], 4), 0);
    CK(34, mem[0], 0x0000000300000004UL);

    /* only one reservation: a second LR replaces the first */
    mem[0] = 1;
    mem[1] = 2;
    lr_d(&mem[0]);
    lr_d(&mem[1]);
    CK(35, sc_d(&mem[1], 22), 0);
    CK(36, sc_d(&mem[0], 11), 1);
    CK(37, mem[0], 1);
    CK(38, mem[1], 22);
    lr_d(&mem[0]);
    lr_d(&mem[1]);
    CK(39, sc_d(&mem[0], 11), 1);
    CK(40, mem[0], 1);

    /* a store of the very value the LR read leaves the SC able to succeed: the hart compares
     * the reserved memory with the value LR read (docs/riscv-hart.md) */
    mem[0] = 7;
    lr_d(&mem[0]);
    mem[0] = 7;
    CK(41, sc_d(&mem[0], 9), 0);
    CK(42, mem[0], 9);

    /* taking a trap clears the reservation */
    {
        uint64_t r;
        mem[0] = 50;
        rt_expect_trap();
        __asm__ volatile("lr.d t0, (%1)\n\t"
                         "ecall\n\t"
                         "sc.d %0, t0, (%1)"
                         : "=&r"(r)
                         : "r"(&mem[0])
                         : "t0", "memory");
        CK(43, rt_trap_count(), 1);
        CK(44, r, 1);
    }

    /* result codes are exactly 0 and 1; rd == rs2 */
    {
        uint64_t r = 0x77;
        mem[0] = 0;
        lr_d(&mem[0]);
        __asm__ volatile("sc.d %0, %0, (%1)" : "+r"(r) : "r"(&mem[0]) : "memory");
        CK(45, r, 0);
        CK(46, mem[0], 0x77);
        r = 0x88;
        __asm__ volatile("sc.d %0, %0, (%1)" : "+r"(r) : "r"(&mem[0]) : "memory");
        CK(47, r, 1);
        CK(48, mem[0], 0x77);
        /* rd = x0: a successful SC.D with rd = x0 still stores */
        lr_d(&mem[0]);
        __asm__ volatile("sc.d zero, %1, (%0)" ::"r"(&mem[0]), "r"(0x99UL) : "memory");
        CK(49, mem[0], 0x99);
    }

    /* aq/rl variants behave the same */
    {
        uint64_t r, v;
        mem[0] = 3;
        __asm__ volatile("lr.d.aq %0, (%1)" : "=r"(v) : "r"(&mem[0]) : "memory");
        __asm__ volatile("sc.d.rl %0, %2, (%1)" : "=&r"(r) : "r"(&mem[0]), "r"(v + 1) : "memory");
        CK(50, v, 3);
        CK(51, r, 0);
        CK(52, mem[0], 4);
        __asm__ volatile("lr.w.aqrl %0, (%1)" : "=r"(v) : "r"(&w[0]) : "memory");
        __asm__ volatile("sc.w.aqrl %0, %2, (%1)" : "=&r"(r) : "r"(&w[0]), "r"(v + 1) : "memory");
        CK(53, v, 4);
        CK(54, r, 0);
        CK(55, mem[0], 5);
        __asm__ volatile("lr.w.aq %0, (%1)" : "=r"(v) : "r"(&w[0]) : "memory");
        __asm__ volatile("sc.w.rl %0, %2, (%1)" : "=&r"(r) : "r"(&w[0]), "r"(v + 1) : "memory");
        CK(56, r, 0);
        __asm__ volatile("lr.d.aqrl %0, (%1)" : "=r"(v) : "r"(&mem[0]) : "memory");
        __asm__ volatile("sc.d.aqrl %0, %2, (%1)" : "=&r"(r) : "r"(&mem[0]), "r"(v + 1) : "memory");
        CK(57, r, 0);
        CK(58, mem[0], 7);
        __asm__ volatile("sc.d.aq %0, %2, (%1)" : "=&r"(r) : "r"(&mem[0]), "r"(v + 1) : "memory");
        CK(59, r, 1);
    }

    /* the usual retry loops: counter increments, compare-and-swap */
    {
        mem[4] = 0;
        for (int i = 0; i < 1000; i++) {
            uint64_t tmp, fail;
            __asm__ volatile("1:\tlr.d %0, (%2)\n\t"
                             "addi %0, %0, 3\n\t"
                             "sc.d %1, %0, (%2)\n\t"
                             "bnez %1, 1b"
                             : "=&r"(tmp), "=&r"(fail)
                             : "r"(&mem[4])
                             : "memory");
        }
        CK(60, mem[4], 3000);
        w[10] = 0xfffffff0;
        for (int i = 0; i < 100; i++) {
            uint64_t tmp, fail;
            __asm__ volatile("1:\tlr.w %0, (%2)\n\t"
                             "addiw %0, %0, 1\n\t"
                             "sc.w %1, %0, (%2)\n\t"
                             "bnez %1, 1b"
                             : "=&r"(tmp), "=&r"(fail)
                             : "r"(&w[10])
                             : "memory");
        }
        CK(61, w[10], 0x54);
        CK(62, w[11], 0);
        /* cas: succeeds when the expected value matches, fails (no write) when not */
        uint64_t old, fail;
        mem[5] = 40;
#define CAS(p, expect, desired)                                                    \
    __asm__ volatile("li %1, 2\n"                                                  \
                     "1:\tlr.d %0, (%2)\n\t"                                       \
                     "bne %0, %3, 2f\n\t"                                          \
                     "sc.d %1, %4, (%2)\n\t"                                       \
                     "bnez %1, 1b\n"                                               \
                     "2:"                                                          \
                     : "=&r"(old), "=&r"(fail)                                     \
                     : "r"(p), "r"((uint64_t) (expect)), "r"((uint64_t) (desired)) \
                     : "memory")
        CAS(&mem[5], 40, 41);
        CK(63, old, 40);
        CK(64, fail, 0);
        CK(65, mem[5], 41);
        CAS(&mem[5], 40, 42);
        CK(66, old, 41);
        CK(67, fail, 2);
        CK(68, mem[5], 41);
        /* the failed CAS left a reservation behind; a plain SC may use it */
        CK(69, sc_d(&mem[5], ONES), 0);
        CK(70, mem[5], ONES);
    }
    return 0;
}
