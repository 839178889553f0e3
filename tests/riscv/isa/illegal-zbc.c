/* Zbc is not part of this hart (docs/riscv-hart.md: RV64GC + Zba/Zbb/Zbs): clmul, clmulh
 * and clmulr raise an illegal instruction exception with tval = the instruction bits.
 * Not in the QEMU reference run: QEMU 7.2's default CPU implements Zbc. */
#include "isa.h"

int test_main(void)
{
    static const uint32_t words[] = {
        0x0ab51533, /* clmul a0, a0, a1 */
        0x0ab53533, /* clmulh a0, a0, a1 */
        0x0ab52533, /* clmulr a0, a0, a1 */
    };
    for (int i = 0; i < 3; i++) {
        uint64_t at, after;
        rt_expect_trap();
#define RUN(bits)                                                                            \
    __asm__ volatile("li a0, 3\n\tli a1, 5\n\tlla %0, 1f\n1:\t.4byte " #bits "\n\tmv %1, a0" \
                     : "=&r"(at), "=r"(after)                                                \
                     :                                                                       \
                     : "a0", "a1", "memory")
        switch (i) {
        case 0: RUN(0x0ab51533); break;
        case 1: RUN(0x0ab53533); break;
        default: RUN(0x0ab52533); break;
        }
        int base = 1 + 5 * i;
        isa_check(base, rt_trap_count(), 1, "traps");
        isa_check(base + 1, rt_trap_last.cause, CAUSE_ILLEGAL_INSTRUCTION, "cause");
        isa_check(base + 2, rt_trap_last.tval, words[i], "tval");
        isa_check(base + 3, rt_trap_last.epc, at, "epc");
        isa_check(base + 4, after, 3, "rd untouched");
    }
    return 0;
}
