/* EBREAK and C.EBREAK: cause 3 with tval = the pc of the breakpoint (docs/riscv-hart.md).
 * The privileged spec also allows tval = 0 here, and QEMU 7.2 writes 0, so this test is
 * not part of the QEMU reference run. */
#include "isa.h"

int test_main(void)
{
    uint64_t at;

    rt_expect_trap();
    __asm__ volatile(".option push\n\t.option norvc\n\t"
                     "lla %0, 1f\n"
                     "1:\tebreak\n\t.option pop"
                     : "=&r"(at)
                     :
                     : "memory");
    CK(1, rt_trap_count(), 1);
    CK(2, rt_trap_last.cause, CAUSE_BREAKPOINT);
    CK(3, rt_trap_last.epc, at);
    CK(4, rt_trap_last.tval, at);

    /* a 16-bit ebreak at an address that is 2 mod 4 */
    rt_expect_trap();
    __asm__ volatile(".option push\n\t.option rvc\n\t"
                     ".balign 4\n\t"
                     "c.nop\n"
                     "1:\tc.ebreak\n\t"
                     "lla %0, 1b\n\t.option pop"
                     : "=&r"(at)
                     :
                     : "memory");
    CK(5, rt_trap_count(), 1);
    CK(6, rt_trap_last.cause, CAUSE_BREAKPOINT);
    CK(7, rt_trap_last.epc, at);
    CK(8, rt_trap_last.tval, at);
    CK(9, at & 3, 2);
    return 0;
}
