/* Self-modifying code at length: one instruction patched 200,000 times, each time made
 * visible with FENCE.I and run. Each patch must cost the same, not more with every patch
 * before it (the meson test's timeout is the check). */
#include "isa.h"

#ifndef N_PATCHES
#define N_PATCHES 200000
#endif
#define INSN_RET 0x00008067u /* jalr zero, 0(ra) */
#define A0       10

/* addi rd, rs1, imm */
static uint32_t addi(int rd, int rs1, int imm)
{
    return ((uint32_t) imm & 0xfff) << 20 | (uint32_t) rs1 << 15 | (uint32_t) rd << 7 | 0x13;
}

static uint32_t code[1024] __attribute__((aligned(4096)));

typedef uint64_t (*fn0)(void);

int test_main(void)
{
    fn0 f = (fn0) (uintptr_t) code;
    code[1] = INSN_RET;
    uint64_t sum = 0, want = 0;
    for (int i = 0; i < N_PATCHES; i++) {
        int imm = i & 0x7ff;
        code[0] = addi(A0, 0, imm);
        __asm__ volatile("fence.i" ::: "memory");
        uint64_t got = f();
        if (got != (uint64_t) imm) {
            rt_printf("smc-many: patch %d returned %lu, expected %d\n", i, got, imm);
            CHECK(2, 0);
        }
        sum += got;
        want += (uint64_t) imm;
    }
    CHECK_EQ(3, sum, want);
    rt_printf("smc-many: %d patches\n", N_PATCHES);
    return 0;
}
