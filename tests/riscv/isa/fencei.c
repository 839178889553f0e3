/* Zifencei: code written by stores is what runs after FENCE.I, also when the old code ran
 * many times before (so a cache of decoded or translated code must notice), when the change
 * is a few bytes inside an instruction, when it is in the same block as the store and the
 * fence, and when 16- and 32-bit instructions replace each other. */
#include "isa.h"

#define INSN_RET 0x00008067u /* jalr zero, 0(ra) */
#define C_JR_RA  0x8082u     /* c.jr ra */

/* addi rd, rs1, imm */
static uint32_t addi(int rd, int rs1, int imm)
{
    return ((uint32_t) imm & 0xfff) << 20 | (uint32_t) rs1 << 15 | (uint32_t) rd << 7 | 0x13;
}
/* c.li rd, imm (imm in -32..31) */
static uint16_t c_li(int rd, int imm)
{
    return (uint16_t) (0x4000 | ((imm >> 5) & 1) << 12 | rd << 7 | (imm & 31) << 2 | 1);
}
/* bne rs1, rs2, offset */
static uint32_t bne(int rs1, int rs2, int off)
{
    uint32_t o = (uint32_t) off;
    return ((o >> 12) & 1) << 31 | ((o >> 5) & 0x3f) << 25 | (uint32_t) rs2 << 20 |
           (uint32_t) rs1 << 15 | 1 << 12 | ((o >> 1) & 0xf) << 8 | ((o >> 11) & 1) << 7 | 0x63;
}

#define A0 10
#define T0 5

static inline void fence_i(void)
{
    __asm__ volatile("fence.i" ::: "memory");
}

/* Code buffers in RAM; M-mode may execute them. */
static uint32_t code[2048] __attribute__((aligned(4096))); /* two pages */

typedef uint64_t (*fn0)(void);

/* A function in .text, patched in place. */
uint64_t smc_text(void);
__asm__(".pushsection .text.smc_text, \"ax\"\n"
        ".balign 4\n"
        ".globl smc_text\n"
        "smc_text:\n"
        ".option push\n.option norvc\n"
        "\taddi a0, zero, 1\n"
        "\tret\n"
        ".option pop\n"
        ".popsection");

/* Patch the instruction after the fence, in the same straight-line block, and run it.
 * Returns what the patched instruction put in a0. */
static uint64_t patch_ahead(uint32_t insn)
{
    uint64_t r;
    __asm__ volatile(".option push\n\t.option norvc\n\t"
                     "lla t0, 1f\n\t"
                     "sw %1, 0(t0)\n\t"
                     "fence.i\n"
                     "1:\taddi a0, zero, 0\n\t" /* rewritten to addi a0, zero, k */
                     "mv %0, a0\n\t"
                     ".option pop"
                     : "=&r"(r)
                     : "r"(insn)
                     : "t0", "a0", "memory");
    return r;
}

int test_main(void)
{
    fn0 f = (fn0) (void *) code;

    /* rewrite a function's first instruction 2048 times, calling it a few times each */
    for (int i = -1024; i < 1024; i++) {
        code[0] = addi(A0, 0, i);
        code[1] = INSN_RET;
        fence_i();
        for (int k = 0; k < 3; k++)
            isa_check(1, f(), (uint64_t) (int64_t) i, "rewritten addi");
    }

    /* hot code: run it many times, then change it */
    code[0] = addi(A0, 0, 7);
    fence_i();
    for (int i = 0; i < 20000; i++)
        isa_check(2, f(), 7, "hot code before the change");
    code[0] = addi(A0, 0, 8);
    fence_i();
    CK(3, f(), 8);

    /* the same on a function in .text that the compiler's code calls */
    for (int i = 0; i < 10000; i++)
        isa_check(4, smc_text(), 1, "smc_text before");
    uint32_t *t = (uint32_t *) (void *) smc_text;
    for (int v = 2; v < 200; v++) {
        t[0] = addi(A0, 0, v);
        fence_i();
        for (int i = 0; i < 50; i++)
            isa_check(5, smc_text(), (uint64_t) v, "smc_text after a patch");
    }
    t[0] = addi(A0, 0, 1);
    fence_i();

    /* a change of only some bytes of an instruction: the top byte holds imm[11:4] */
    code[0] = addi(A0, 0, 0x010);
    fence_i();
    CK(6, f(), 0x10);
    ((volatile uint8_t *) code)[3] = 0x7f; /* imm = 0x7f0 */
    fence_i();
    CK(7, f(), 0x7f0);
    ((volatile uint16_t *) code)[1] = (uint16_t) (addi(A0, 0, -3) >> 16);
    fence_i();
    CK(8, f(), (uint64_t) -3);

    /* the patched instruction follows the store and the fence in the same block */
    for (int v = 0; v < 300; v++)
        isa_check(9, patch_ahead(addi(A0, 0, v)), (uint64_t) v, "patch ahead");

    /* 16-bit code: c.li a0, k; c.jr ra */
    {
        volatile uint16_t *h = (volatile uint16_t *) code;
        for (int k = -32; k < 32; k++) {
            h[0] = c_li(A0, k);
            h[1] = C_JR_RA;
            fence_i();
            for (int i = 0; i < 10; i++)
                isa_check(10, f(), (uint64_t) (int64_t) k, "rewritten c.li");
        }
        /* a 32-bit instruction replaced by two 16-bit ones, and back */
        code[0] = addi(A0, 0, 100);
        code[1] = INSN_RET;
        fence_i();
        CK(11, f(), 100);
        h[0] = c_li(A0, 5);
        h[1] = C_JR_RA;
        fence_i();
        CK(12, f(), 5);
        code[0] = addi(A0, 0, 200);
        fence_i();
        CK(13, f(), 200);
        /* a 32-bit instruction at 2 mod 4: c.nop; addi a0, zero, k; ret */
        for (int k = 0; k < 50; k++) {
            h[0] = 0x0001; /* c.nop */
            h[1] = (uint16_t) addi(A0, 0, k);
            h[2] = (uint16_t) (addi(A0, 0, k) >> 16);
            h[3] = (uint16_t) INSN_RET;
            h[4] = (uint16_t) (INSN_RET >> 16);
            fence_i();
            isa_check(14, f(), (uint64_t) k, "32-bit insn at 2 mod 4");
        }
    }

    /* a loop in generated code whose bound is patched:
     *   addi a0, zero, 0; addi t0, zero, N; 1: addi a0, a0, 3; addi t0, t0, -1; bne t0, zero, 1b;
     *   ret */
    {
        code[0] = addi(A0, 0, 0);
        code[2] = addi(A0, A0, 3);
        code[3] = addi(T0, T0, -1);
        code[4] = bne(T0, 0, -8);
        code[5] = INSN_RET;
        for (int n = 1; n < 100; n++) {
            code[1] = addi(T0, 0, n);
            fence_i();
            for (int i = 0; i < 5; i++)
                isa_check(15, f(), (uint64_t) (3 * n), "patched loop bound");
        }
        /* patch the loop body while the bound stays */
        code[1] = addi(T0, 0, 10);
        for (int step = -5; step < 6; step++) {
            code[2] = addi(A0, A0, step);
            fence_i();
            isa_check(16, f(), (uint64_t) (int64_t) (10 * step), "patched loop body");
        }
    }

    /* code that runs from the end of one page into the next; only the part in the second
     * page changes. Then a 32-bit instruction straddling the boundary changes. */
    {
        volatile uint16_t *h = (volatile uint16_t *) code;
        fn0 g = (fn0) (void *) &code[1024 - 2];
        code[1024 - 2] = addi(A0, 0, 1000);
        code[1024 - 1] = addi(A0, A0, 1);
        code[1024 + 1] = INSN_RET;
        for (int k = 0; k < 100; k++) {
            code[1024] = addi(A0, A0, k);
            fence_i();
            for (int i = 0; i < 5; i++)
                isa_check(17, g(), (uint64_t) (1001 + k), "second page rewritten");
        }
        /* c.nop at the page's end - 4, then addi a0, zero, k straddling, then ret */
        fn0 s2 = (fn0) (void *) &h[2048 - 2];
        for (int k = 0; k < 100; k++) {
            h[2048 - 2] = 0x0001;
            h[2048 - 1] = (uint16_t) addi(A0, 0, k);
            h[2048] = (uint16_t) (addi(A0, 0, k) >> 16);
            h[2049] = (uint16_t) INSN_RET;
            h[2050] = (uint16_t) (INSN_RET >> 16);
            fence_i();
            isa_check(18, s2(), (uint64_t) k, "straddling instruction rewritten");
        }
    }
    return 0;
}
