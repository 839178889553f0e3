/* A misaligned SC raises a store/AMO address misaligned exception (6) with tval = the
 * address and writes nothing (docs/riscv-hart.md), whether or not a reservation exists.
 * Not in the QEMU reference run: QEMU 7.2 compares the address with the reservation first
 * and lets such an SC fail (rd = 1) without trapping. */
#include "isa.h"

static volatile uint64_t mem[2] __attribute__((aligned(16)));

int test_main(void)
{
    volatile uint8_t *b = (volatile uint8_t *) mem;
    for (int off = 1; off < 8; off++) {
        mem[0] = mem[1] = 0x5555555555555555UL;
        uint64_t rd = 0x1234;
        rt_expect_trap();
        if (off & 3)
            __asm__ volatile("sc.w %0, %2, (%1)" : "+r"(rd) : "r"(b + off), "r"(0UL) : "memory");
        else
            __asm__ volatile("sc.d %0, %2, (%1)" : "+r"(rd) : "r"(b + off), "r"(0UL) : "memory");
        int base = 10 * off; /* 10..75 */
        isa_check(base + 1, rt_trap_count(), 1, "misaligned sc traps");
        isa_check(base + 2, rt_trap_last.cause, CAUSE_MISALIGNED_STORE, "cause");
        isa_check(base + 3, rt_trap_last.tval, (uint64_t) (b + off), "tval");
        isa_check(base + 4, rd, 0x1234, "rd untouched");
        isa_check(base + 5, mem[0], 0x5555555555555555UL, "memory untouched");
        isa_check(base + 6, mem[1], 0x5555555555555555UL, "memory untouched");
    }
    /* sc.d misaligned by 1..7, right after an LR.D of the aligned doubleword below */
    for (int off = 1; off < 8; off++) {
        mem[0] = mem[1] = 0;
        uint64_t rd = 0x1234, v;
        rt_expect_trap();
        __asm__ volatile("lr.d %1, (%2)\n\t"
                         "sc.d %0, %4, (%3)"
                         : "+r"(rd), "=&r"(v)
                         : "r"(b), "r"(b + off), "r"(~0UL)
                         : "memory");
        int base = 100 + 10 * off; /* 110..175 */
        isa_check(base + 1, rt_trap_count(), 1, "misaligned sc.d after lr.d traps");
        isa_check(base + 2, rt_trap_last.cause, CAUSE_MISALIGNED_STORE, "cause");
        isa_check(base + 3, rt_trap_last.tval, (uint64_t) (b + off), "tval");
        isa_check(base + 4, mem[0] | mem[1], 0, "memory untouched");
    }
    return 0;
}
