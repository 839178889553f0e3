/* A extension AMOs, .W and .D: swap, add, and, or, xor, min, max, minu, maxu. Each case
 * checks the value returned in rd (sign-extended for .W), the new memory value, and that the
 * neighbouring bytes are untouched. Also: the aq/rl variants, rd = x0, rd == rs2,
 * rd == rs1, and misaligned AMOs and LRs (store/AMO address misaligned, 6, and load address
 * misaligned, 4, with tval = the address; docs/riscv-hart.md). */
#include "isa.h"

#define MIN64 0x8000000000000000UL
#define MAX64 0x7fffffffffffffffUL
#define ONES  0xffffffffffffffffUL

typedef uint64_t (*amo_fn)(volatile void *p, uint64_t v);

#define DEF_AMO(name, insn)                                                            \
    static uint64_t name(volatile void *p, uint64_t v)                                 \
    {                                                                                  \
        uint64_t r;                                                                    \
        __asm__ volatile(insn " %0, %2, (%1)" : "=&r"(r) : "r"(p), "r"(v) : "memory"); \
        return r;                                                                      \
    }

DEF_AMO(swap_w, "amoswap.w")
DEF_AMO(add_w, "amoadd.w")
DEF_AMO(and_w, "amoand.w")
DEF_AMO(or_w, "amoor.w")
DEF_AMO(xor_w, "amoxor.w")
DEF_AMO(min_w, "amomin.w")
DEF_AMO(max_w, "amomax.w")
DEF_AMO(minu_w, "amominu.w")
DEF_AMO(maxu_w, "amomaxu.w")
DEF_AMO(swap_d, "amoswap.d")
DEF_AMO(add_d, "amoadd.d")
DEF_AMO(and_d, "amoand.d")
DEF_AMO(or_d, "amoor.d")
DEF_AMO(xor_d, "amoxor.d")
DEF_AMO(min_d, "amomin.d")
DEF_AMO(max_d, "amomax.d")
DEF_AMO(minu_d, "amominu.d")
DEF_AMO(maxu_d, "amomaxu.d")
/* ordering bits: same results */
DEF_AMO(add_w_aq, "amoadd.w.aq")
DEF_AMO(add_w_rl, "amoadd.w.rl")
DEF_AMO(add_w_aqrl, "amoadd.w.aqrl")
DEF_AMO(swap_d_aq, "amoswap.d.aq")
DEF_AMO(xor_d_rl, "amoxor.d.rl")
DEF_AMO(min_w_aqrl, "amomin.w.aqrl")
DEF_AMO(maxu_d_aqrl, "amomaxu.d.aqrl")
DEF_AMO(and_w_aq, "amoand.w.aq")
DEF_AMO(or_d_rl, "amoor.d.rl")
DEF_AMO(minu_d_aq, "amominu.d.aq")
DEF_AMO(max_w_rl, "amomax.w.rl")

struct amo_case {
    amo_fn fn;
    int wide;        /* 1: .D */
    uint64_t init;   /* memory before (32 bits for .W) */
    uint64_t src;    /* rs2 */
    uint64_t old;    /* expected rd */
    uint64_t result; /* expected memory after */
};

static const struct amo_case cases[] = {
    /* .W */
    {swap_w, 0, 0x80000000, 0x123456789UL, 0xffffffff80000000UL, 0x23456789},
    {swap_w, 0, 0x7fffffff, 0xffffffffUL, 0x7fffffff, 0xffffffff},
    {add_w, 0, 0x7fffffff, 1, 0x7fffffff, 0x80000000},
    {add_w, 0, 0xffffffff, 1, ONES, 0}, /* no carry into the next word */
    {add_w, 0, 5, (uint64_t) -3, 5, 2},
    {add_w, 0, 1, 0xffffffff00000001UL, 1, 2},
    {and_w, 0, 0xf0f0f0f0, 0xffffffff0ff00ff0UL, 0xfffffffff0f0f0f0UL, 0x00f000f0},
    {or_w, 0, 0x80000000, 1, 0xffffffff80000000UL, 0x80000001},
    {xor_w, 0, 0xffffffff, 0xaaaaaaaa0000ffffUL, ONES, 0xffff0000},
    {min_w, 0, 0xffffffff, 1, ONES, 0xffffffff},
    {min_w, 0, 5, 0x80000000, 5, 0x80000000},
    {min_w, 0, 3, 0x00000001fffffffeUL, 3, 0xfffffffe}, /* rs2 upper half ignored: -2 */
    {min_w, 0, 7, 7, 7, 7},
    {max_w, 0, 0xffffffff, 1, ONES, 1},
    {max_w, 0, 0x80000000, 0x7fffffff, 0xffffffff80000000UL, 0x7fffffff},
    {max_w, 0, 3, 0x00000001fffffffeUL, 3, 3},
    {minu_w, 0, 0xffffffff, 1, ONES, 1},
    {minu_w, 0, 2, 0xffffffff00000001UL, 2, 1},
    {minu_w, 0, 0x80000000, 0x7fffffff, 0xffffffff80000000UL, 0x7fffffff},
    {maxu_w, 0, 1, 0xffffffff, 1, 0xffffffff},
    {maxu_w, 0, 0x80000000, 0x7fffffff, 0xffffffff80000000UL, 0x80000000},
    {maxu_w, 0, 2, 0x0000000100000001UL, 2, 2},
    /* .D */
    {swap_d, 1, 0x0123456789abcdefUL, ONES, 0x0123456789abcdefUL, ONES},
    {add_d, 1, MAX64, 1, MAX64, MIN64},
    {add_d, 1, 0xffffffff, 1, 0xffffffff, 0x100000000UL},
    {add_d, 1, ONES, 2, ONES, 1},
    {and_d, 1, 0xff00ff00ff00ff00UL, 0x0ff00ff00ff00ff0UL, 0xff00ff00ff00ff00UL,
     0x0f000f000f000f00UL},
    {or_d, 1, 0x8000000000000000UL, 0x80000000, MIN64, 0x8000000080000000UL},
    {xor_d, 1, ONES, 0x00000000ffffffffUL, ONES, 0xffffffff00000000UL},
    {min_d, 1, ONES, 1, ONES, ONES},
    {min_d, 1, MIN64, MAX64, MIN64, MIN64},
    {min_d, 1, 0x80000000, 0xffffffff80000000UL, 0x80000000, 0xffffffff80000000UL},
    {max_d, 1, ONES, 1, ONES, 1},
    {max_d, 1, 0x80000000, 0xffffffff80000000UL, 0x80000000, 0x80000000},
    {max_d, 1, MIN64, MAX64, MIN64, MAX64},
    {minu_d, 1, ONES, 1, ONES, 1},
    {minu_d, 1, 0x100000000UL, 0xffffffff, 0x100000000UL, 0xffffffff},
    {maxu_d, 1, ONES, 1, ONES, ONES},
    {maxu_d, 1, MIN64, MAX64, MIN64, MIN64},
    {maxu_d, 1, 0xffffffff, 0x100000000UL, 0xffffffff, 0x100000000UL},
    /* aq / rl */
    {add_w_aq, 0, 0x7fffffff, 1, 0x7fffffff, 0x80000000},
    {add_w_rl, 0, 0xffffffff, 1, ONES, 0},
    {add_w_aqrl, 0, 10, 20, 10, 30},
    {swap_d_aq, 1, 1, 2, 1, 2},
    {xor_d_rl, 1, ONES, 1, ONES, ONES - 1},
    {min_w_aqrl, 0, 0xffffffff, 1, ONES, 0xffffffff},
    {maxu_d_aqrl, 1, ONES, 1, ONES, ONES},
    {and_w_aq, 0, 0x80000001, 0x80000000, 0xffffffff80000001UL, 0x80000000},
    {or_d_rl, 1, 1, MIN64, 1, MIN64 | 1},
    {minu_d_aq, 1, MIN64, 5, MIN64, 5},
    {max_w_rl, 0, 0x80000000, 0xffffffffUL, 0xffffffff80000000UL, 0xffffffff},
};

static volatile uint64_t cell[4] __attribute__((aligned(64)));

#define SENTINEL 0xa5a5a5a5a5a5a5a5UL

int test_main(void)
{
    int n = sizeof cases / sizeof cases[0];
    for (int i = 0; i < n; i++) {
        const struct amo_case *c = &cases[i];
        int base = 1 + 4 * i; /* checks 1..204 */
        cell[0] = cell[1] = cell[2] = cell[3] = SENTINEL;
        volatile void *p;
        if (c->wide) {
            cell[1] = c->init;
            p = &cell[1];
        } else {
            /* the word in the upper half of cell[1]: the lower half must stay untouched */
            cell[1] = (c->init << 32) | (SENTINEL & 0xffffffff);
            p = (volatile uint8_t *) &cell[1] + 4;
        }
        uint64_t old = c->fn(p, c->src);
        isa_check(base, old, c->old, "amo rd");
        uint64_t want = c->wide ? c->result : (c->result << 32) | (SENTINEL & 0xffffffff);
        isa_check(base + 1, cell[1], want, "amo memory");
        isa_check(base + 2, cell[0], SENTINEL, "amo below");
        isa_check(base + 3, cell[2], SENTINEL, "amo above");
    }

    /* rd = x0: memory still updated */
    cell[0] = 40;
    __asm__ volatile("amoadd.d zero, %1, (%0)" ::"r"(&cell[0]), "r"(2UL) : "memory");
    CK(210, cell[0], 42);
    __asm__ volatile("amoswap.w zero, %1, (%0)" ::"r"(&cell[0]), "r"(7UL) : "memory");
    CK(211, cell[0], 7);
    /* rd == rs2 */
    {
        uint64_t r = 0x1111;
        cell[0] = 0x2222;
        __asm__ volatile("amoswap.d %0, %0, (%1)" : "+r"(r) : "r"(&cell[0]) : "memory");
        CK(212, r, 0x2222);
        CK(213, cell[0], 0x1111);
        r = 5;
        __asm__ volatile("amoadd.w %0, %0, (%1)" : "+r"(r) : "r"(&cell[0]) : "memory");
        CK(214, r, 0x1111);
        CK(215, cell[0], 0x1116);
    }
    /* rd == rs1: the address is read before rd is written */
    {
        uint64_t r = (uint64_t) &cell[2];
        cell[2] = 0x3333;
        __asm__ volatile("amoor.d %0, %1, (%0)" : "+r"(r) : "r"(0x4444UL) : "memory");
        CK(216, r, 0x3333);
        CK(217, cell[2], 0x7777);
    }
    /* the AMO result is what a following plain load sees */
    {
        uint64_t r;
        cell[3] = 100;
        __asm__ volatile("amoadd.d zero, %1, (%2)\n\tld %0, 0(%2)"
                         : "=&r"(r)
                         : "r"(-1UL), "r"(&cell[3])
                         : "memory");
        CK(218, r, 99);
    }

    /* misaligned AMOs trap with cause 6 and leave memory alone */
    {
        volatile uint8_t *b = (volatile uint8_t *) cell;
        for (int off = 1; off < 8; off++) {
            cell[0] = cell[1] = SENTINEL;
            uint64_t rd = 0x5151;
            rt_expect_trap();
            if (off & 3) {
                __asm__ volatile("amoadd.w %0, %2, (%1)"
                                 : "+r"(rd)
                                 : "r"(b + off), "r"(1UL)
                                 : "memory");
            } else {
                __asm__ volatile("amoswap.w %0, %2, (%1)" /* off 4 is aligned: no trap */
                                 : "+r"(rd)
                                 : "r"(b + off), "r"(1UL)
                                 : "memory");
            }
            int traps = rt_trap_count();
            int base = 220 + 2 * (off - 1); /* 220..233 */
            if (off & 3) {
                isa_check(base, traps, 1, "misaligned amoadd.w traps");
                isa_check(base + 1,
                          rt_trap_last.cause | (rt_trap_last.tval == (uint64_t) (b + off)) << 8,
                          CAUSE_MISALIGNED_STORE | 1 << 8, "amoadd.w cause 6, tval = address");
                isa_check(234, cell[0], SENTINEL, "misaligned amo wrote memory");
                isa_check(235, rd, 0x5151, "misaligned amo wrote rd");
            } else {
                isa_check(base, traps, 0, "aligned amoswap.w at +4");
            }
        }
        for (int off = 1; off < 8; off++) {
            cell[0] = cell[1] = SENTINEL;
            static const char *const what = "misaligned amo .d";
            rt_expect_trap();
            switch (off % 4) {
            case 0:
                __asm__ volatile("amomaxu.d zero, %1, (%0)" ::"r"(b + off), "r"(ONES) : "memory");
                break;
            case 1:
                __asm__ volatile("amoswap.d zero, %1, (%0)" ::"r"(b + off), "r"(ONES) : "memory");
                break;
            case 2:
                __asm__ volatile("amoand.d zero, %1, (%0)" ::"r"(b + off), "r"(0UL) : "memory");
                break;
            default:
                __asm__ volatile("amoxor.d.aqrl zero, %1, (%0)" ::"r"(b + off), "r"(ONES)
                                 : "memory");
                break;
            }
            int base = 240 + 2 * (off - 1); /* 240..253 */
            isa_check(base, rt_trap_count(), 1, what);
            isa_check(base + 1,
                      rt_trap_last.cause | (rt_trap_last.tval == (uint64_t) (b + off)) << 8,
                      CAUSE_MISALIGNED_STORE | 1 << 8, "amo .d cause 6, tval = address");
            CK(254, cell[0], SENTINEL);
            CK(255, cell[1], SENTINEL);
        }
        /* LR.W / LR.D misaligned: load address misaligned */
        for (int off = 1; off < 8; off++) {
            uint64_t rd = 0x5151;
            rt_expect_trap();
            if (off & 3)
                __asm__ volatile("lr.w %0, (%1)" : "+r"(rd) : "r"(b + off) : "memory");
            else
                __asm__ volatile("lr.d %0, (%1)" : "+r"(rd) : "r"(b + off) : "memory");
            int base = 257 + 2 * (off - 1); /* 257..270 */
            isa_check(base, rt_trap_count(), 1, "misaligned lr traps");
            isa_check(base + 1,
                      rt_trap_last.cause | (rt_trap_last.tval == (uint64_t) (b + off)) << 8,
                      CAUSE_MISALIGNED_LOAD | 1 << 8, "lr cause 4, tval = address");
            CK(271, rd, 0x5151);
        }
        /* lr.d at offsets 1..3, 5..7 */
        for (int off = 1; off < 8; off++) {
            if (off == 4)
                continue;
            rt_expect_trap();
            __asm__ volatile("lr.d.aq zero, (%0)" ::"r"(b + off) : "memory");
            isa_check(272 + off, rt_trap_count(), 1, "misaligned lr.d traps"); /* 273..279 */
            CK(280, rt_trap_last.cause, CAUSE_MISALIGNED_LOAD);
            CK(281, rt_trap_last.tval, (uint64_t) (b + off));
        }
    }
    return 0;
}
