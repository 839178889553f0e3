/* RV64I control transfer: every branch taken and not taken with signed/unsigned corners,
 * forward/backward and long branches, JAL and JALR (link values, bit 0 cleared, rd == rs1),
 * ECALL and EBREAK causes, FENCE variants. EBREAK's tval is checked in ebreak-tval.c. */
#include "isa.h"

#define MIN64 0x8000000000000000UL
#define MAX64 0x7fffffffffffffffUL
#define ONES  0xffffffffffffffffUL

/* 1 when the branch is taken (forward) */
#define BR(op, a, b)                                                  \
    ({                                                                \
        uint64_t t_;                                                  \
        __asm__ volatile(".option push\n\t.option norvc\n\t"          \
                         "li %0, 1\n\t" op " %1, %2, 1f\n\t"          \
                         "li %0, 0\n"                                 \
                         "1:\n\t.option pop"                          \
                         : "=&r"(t_)                                  \
                         : "r"((uint64_t) (a)), "r"((uint64_t) (b))); \
        t_;                                                           \
    })

/* 1 when the branch is taken (backward: jump over the target, branch back to it) */
#define BR_BACK(op, a, b)                                             \
    ({                                                                \
        uint64_t t_;                                                  \
        __asm__ volatile(".option push\n\t.option norvc\n\t"          \
                         "li %0, 0\n\t"                               \
                         "j 2f\n"                                     \
                         "1:\tli %0, 1\n\t"                           \
                         "j 3f\n"                                     \
                         "2:\t" op " %1, %2, 1b\n"                    \
                         "3:\n\t.option pop"                          \
                         : "=&r"(t_)                                  \
                         : "r"((uint64_t) (a)), "r"((uint64_t) (b))); \
        t_;                                                           \
    })

struct br_case {
    uint64_t a, b;
    uint8_t eq, ne, lt, ge, ltu, geu;
};

static const struct br_case br_cases[] = {
    {0, 0, 1, 0, 0, 1, 0, 1},
    {1, 1, 1, 0, 0, 1, 0, 1},
    {ONES, ONES, 1, 0, 0, 1, 0, 1},
    {0, 1, 0, 1, 1, 0, 1, 0},
    {1, 0, 0, 1, 0, 1, 0, 1},
    {ONES, 0, 0, 1, 1, 0, 0, 1},
    {0, ONES, 0, 1, 0, 1, 1, 0},
    {ONES, 1, 0, 1, 1, 0, 0, 1},
    {MIN64, MAX64, 0, 1, 1, 0, 0, 1},
    {MAX64, MIN64, 0, 1, 0, 1, 1, 0},
    {MIN64, ONES, 0, 1, 1, 0, 1, 0},
    {ONES - 1, ONES, 0, 1, 1, 0, 1, 0},
    /* values that agree in the low 32 bits: a 32-bit compare would be wrong */
    {0x100000000UL, 0, 0, 1, 0, 1, 0, 1},
    {0x80000000UL, 0, 0, 1, 0, 1, 0, 1},
    {0xffffffffUL, 0x100000000UL, 0, 1, 1, 0, 1, 0},
    {0xffffffff00000000UL, 0, 0, 1, 1, 0, 0, 1},
};

static void check_branches(int base, const struct br_case *c)
{
    isa_check(base + 0, BR("beq", c->a, c->b), c->eq, "beq");
    isa_check(base + 1, BR("bne", c->a, c->b), c->ne, "bne");
    isa_check(base + 2, BR("blt", c->a, c->b), c->lt, "blt");
    isa_check(base + 3, BR("bge", c->a, c->b), c->ge, "bge");
    isa_check(base + 4, BR("bltu", c->a, c->b), c->ltu, "bltu");
    isa_check(base + 5, BR("bgeu", c->a, c->b), c->geu, "bgeu");
    isa_check(base + 6, BR_BACK("beq", c->a, c->b), c->eq, "beq back");
    isa_check(base + 7, BR_BACK("bne", c->a, c->b), c->ne, "bne back");
    isa_check(base + 8, BR_BACK("blt", c->a, c->b), c->lt, "blt back");
    isa_check(base + 9, BR_BACK("bge", c->a, c->b), c->ge, "bge back");
    isa_check(base + 10, BR_BACK("bltu", c->a, c->b), c->ltu, "bltu back");
    isa_check(base + 11, BR_BACK("bgeu", c->a, c->b), c->geu, "bgeu back");
}

/* A branch near the ends of its +-4 KiB range, both directions. */
static uint64_t long_branches(uint64_t x)
{
    uint64_t r;
    __asm__ volatile(".option push\n\t.option norvc\n\t"
                     "li %0, 0\n\t"
                     "beq %1, zero, 1f\n\t" /* forward over 4080 bytes */
                     "j 9f\n\t"
                     ".skip 4072\n"
                     "1:\taddi %0, %0, 1\n\t"
                     "j 3f\n"
                     "2:\taddi %0, %0, 2\n\t"
                     "j 9f\n\t"
                     ".skip 4064\n"
                     "3:\tbeq %1, zero, 2b\n" /* backward over 4080 bytes */
                     "9:\n\t.option pop"
                     : "=&r"(r)
                     : "r"(x));
    return r;
}

int test_main(void)
{
    for (unsigned i = 0; i < sizeof br_cases / sizeof br_cases[0]; i++)
        check_branches(1 + 12 * (int) i, &br_cases[i]); /* checks 1..192 */

    /* comparisons against x0 as rs1 and as rs2 (bgtz, blez, bltz, bgez, bnez, beqz) */
    CK(200, BR("blt", 0, 0), 0);
    {
        uint64_t t;
        __asm__ volatile(".option push\n\t.option norvc\n\tli %0, 0\n\t"
                         "blt zero, %1, 1f\n\tj 2f\n1:\tli %0, 1\n2:\n\t.option pop"
                         : "=&r"(t)
                         : "r"(MIN64));
        CK(201, t, 0); /* bgtz MIN64 */
        __asm__ volatile(".option push\n\t.option norvc\n\tli %0, 0\n\t"
                         "bltu zero, %1, 1f\n\tj 2f\n1:\tli %0, 1\n2:\n\t.option pop"
                         : "=&r"(t)
                         : "r"(MIN64));
        CK(202, t, 1); /* bnez via bltu */
        __asm__ volatile(".option push\n\t.option norvc\n\tli %0, 0\n\t"
                         "bge %1, zero, 1f\n\tj 2f\n1:\tli %0, 1\n2:\n\t.option pop"
                         : "=&r"(t)
                         : "r"(MAX64));
        CK(203, t, 1); /* bgez */
        __asm__ volatile(".option push\n\t.option norvc\n\tli %0, 0\n\t"
                         "beq zero, zero, 1f\n\tj 2f\n1:\tli %0, 1\n2:\n\t.option pop"
                         : "=&r"(t));
        CK(204, t, 1);
        __asm__ volatile(".option push\n\t.option norvc\n\tli %0, 0\n\t"
                         "bne zero, zero, 1f\n\tj 2f\n1:\tli %0, 1\n2:\n\t.option pop"
                         : "=&r"(t));
        CK(205, t, 0);
    }

    /* a branch to itself is not taken when the condition is false (no infinite loop) and a
     * counting loop runs the right number of times */
    {
        uint64_t n = 1000, count = 0;
        __asm__ volatile(".option push\n\t.option norvc\n"
                         "1:\taddi %1, %1, 1\n\t"
                         "addi %0, %0, -1\n\t"
                         "bnez %0, 1b\n\t.option pop"
                         : "+r"(n), "+r"(count));
        CK(206, count, 1000);
        CK(207, n, 0);
    }
    CK(208, long_branches(0), 3);
    CK(209, long_branches(1), 0);

    /* jal: link = pc + 4, target reached */
    {
        uint64_t link, here, marker;
        __asm__ volatile(".option push\n\t.option norvc\n\t"
                         "li %2, 0\n\t"
                         "lla %1, 1f\n"
                         "1:\tjal %0, 2f\n\t"
                         "li %2, 1\n" /* skipped */
                         "2:\n\t.option pop"
                         : "=&r"(link), "=&r"(here), "=&r"(marker));
        CK(210, link - here, 4);
        CK(211, marker, 0);
        /* backward jal */
        __asm__ volatile(".option push\n\t.option norvc\n\t"
                         "li %2, 0\n\t"
                         "j 2f\n"
                         "1:\tli %2, 7\n\t"
                         "j 3f\n"
                         "2:\tlla %1, 2b\n\t"
                         "jal %0, 1b\n"
                         "3:\n\t.option pop"
                         : "=&r"(link), "=&r"(here), "=&r"(marker));
        CK(212, link - here, 12); /* lla is auipc + addi */
        CK(213, marker, 7);
        /* jal with x0 (j) writes nothing */
        __asm__ volatile(".option push\n\t.option norvc\n\t"
                         "jal zero, 1f\n1:\tmv %0, zero\n\t.option pop"
                         : "=r"(link));
        CK(214, link, 0);
    }

    /* jalr: target = (rs1 + imm) & ~1, link = pc + 4 */
    {
        uint64_t link, here, marker, t;
        /* rs1 odd, imm 0: bit 0 cleared */
        __asm__ volatile(".option push\n\t.option norvc\n\t"
                         "li %2, 0\n\t"
                         "lla %3, 2f\n\t"
                         "addi %3, %3, 1\n\t"
                         "lla %1, 1f\n"
                         "1:\tjalr %0, 0(%3)\n\t"
                         "li %2, 1\n" /* skipped */
                         "2:\n\t.option pop"
                         : "=&r"(link), "=&r"(here), "=&r"(marker), "=&r"(t));
        CK(220, link - here, 4);
        CK(221, marker, 0);
        /* odd immediate */
        __asm__ volatile(".option push\n\t.option norvc\n\t"
                         "li %2, 0\n\t"
                         "lla %3, 2f\n\t"
                         "lla %1, 1f\n"
                         "1:\tjalr %0, 1(%3)\n\t"
                         "li %2, 1\n"
                         "2:\n\t.option pop"
                         : "=&r"(link), "=&r"(here), "=&r"(marker), "=&r"(t));
        CK(222, link - here, 4);
        CK(223, marker, 0);
        /* negative immediate, odd sum: rs1 = target + 17, imm = -16 */
        __asm__ volatile(".option push\n\t.option norvc\n\t"
                         "li %2, 0\n\t"
                         "lla %3, 2f\n\t"
                         "addi %3, %3, 17\n\t"
                         "lla %1, 1f\n"
                         "1:\tjalr %0, -16(%3)\n\t"
                         "li %2, 1\n"
                         "2:\n\t.option pop"
                         : "=&r"(link), "=&r"(here), "=&r"(marker), "=&r"(t));
        CK(224, link - here, 4);
        CK(225, marker, 0);
        /* rd == rs1: the target comes from the old value, then rd gets the link */
        __asm__ volatile(".option push\n\t.option norvc\n\t"
                         "li %2, 0\n\t"
                         "lla %0, 2f\n\t"
                         "lla %1, 1f\n"
                         "1:\tjalr %0, 0(%0)\n\t"
                         "li %2, 1\n"
                         "2:\n\t.option pop"
                         : "=&r"(link), "=&r"(here), "=&r"(marker));
        CK(226, link - here, 4);
        CK(227, marker, 0);
        /* rd == rs1 with a backward target and an offset */
        __asm__ volatile(".option push\n\t.option norvc\n\t"
                         "li %2, 0\n\t"
                         "j 2f\n"
                         "1:\taddi %2, %2, 5\n\t"
                         "j 3f\n"
                         "2:\tlla %0, 1b\n\t"
                         "addi %0, %0, -2000\n\t"
                         "lla %1, 4f\n"
                         "4:\tjalr %0, 2000(%0)\n"
                         "3:\n\t.option pop"
                         : "=&r"(link), "=&r"(here), "=&r"(marker));
        CK(228, link - here, 4);
        CK(229, marker, 5);
        /* jalr with rd = x0 (ret-like) */
        __asm__ volatile(".option push\n\t.option norvc\n\t"
                         "li %1, 0\n\t"
                         "lla %2, 1f\n\t"
                         "jalr zero, 0(%2)\n\t"
                         "li %1, 1\n"
                         "1:\tmv %0, zero\n\t.option pop"
                         : "=&r"(link), "=&r"(marker), "=&r"(t));
        CK(230, link, 0);
        CK(231, marker, 0);
        /* a 32-bit jalr to a target at 2 mod 4 (allowed with the C extension) */
        __asm__ volatile(".option push\n\t.option rvc\n\t"
                         "li %2, 0\n\t"
                         "lla %3, 2f\n\t"
                         ".option norvc\n\t"
                         "jalr %0, 0(%3)\n\t"
                         ".option rvc\n\t"
                         ".balign 4\n\t"
                         "c.li %2, 1\n" /* skipped */
                         "2:\tc.addi %2, 9\n\t"
                         "lla %1, 2b\n\t"
                         ".option pop"
                         : "=&r"(link), "=&r"(here), "=&r"(marker), "=&r"(t));
        CK(233, marker, 9);
        CK(234, here & 3, 2);
        /* call and return through a C function pointer */
        volatile uint64_t fp = (uint64_t) &long_branches;
        CK(232, ((uint64_t(*)(uint64_t)) fp)(0), 3);
    }

    /* ecall from M-mode: cause 11, epc = the ecall, tval 0; execution resumes after it */
    {
        uint64_t at, after = 0;
        rt_expect_trap();
        __asm__ volatile(".option push\n\t.option norvc\n\t"
                         "lla %0, 1f\n"
                         "1:\tecall\n\t"
                         "li %1, 42\n\t.option pop"
                         : "=&r"(at), "=&r"(after)
                         :
                         : "memory");
        CK(240, rt_trap_count(), 1);
        CK(241, rt_trap_last.cause, CAUSE_MACHINE_ECALL);
        CK(242, rt_trap_last.epc, at);
        CK(243, rt_trap_last.tval, 0);
        CK(244, after, 42);
        CK(245, rt_trap_last.mode, 3);
    }
    /* ebreak: cause 3, epc = the ebreak */
    {
        uint64_t at;
        rt_expect_trap();
        __asm__ volatile(".option push\n\t.option norvc\n\t"
                         "lla %0, 1f\n"
                         "1:\tebreak\n\t.option pop"
                         : "=&r"(at)
                         :
                         : "memory");
        CK(246, rt_trap_count(), 1);
        CK(247, rt_trap_last.cause, CAUSE_BREAKPOINT);
        CK(248, rt_trap_last.epc, at);
    }

    /* fence variants execute and do not trap; memory operations across them are ordered */
    {
        volatile uint64_t m = 0;
        uint64_t r;
        rt_expect_trap();
        __asm__ volatile("sd %1, 0(%2)\n\t"
                         "fence\n\t"
                         "fence rw, rw\n\t"
                         "fence r, r\n\t"
                         "fence w, w\n\t"
                         "fence r, rw\n\t"
                         "fence rw, w\n\t"
                         "fence iorw, iorw\n\t"
                         "fence io, io\n\t"
                         "fence.tso\n\t"
                         ".4byte 0x0100000f\n\t" /* pause (Zihintpause, a fence hint) */
                         ".4byte 0x0000000f\n\t" /* fence with empty sets: a hint */
                         "ld %0, 0(%2)"
                         : "=r"(r)
                         : "r"(0x5a5aUL), "r"(&m)
                         : "memory");
        CK(250, rt_trap_count(), 0);
        CK(251, r, 0x5a5a);
    }
    return 0;
}
