/* Zicntr checks on which QEMU 7.2 deviates, so not in the QEMU reference run:
 * - instret counts exactly the instructions retired between two reads (QEMU without icount
 *   reads the host's clock instead; with `-icount shift=0` it agrees with checks 1..14);
 *   Vireo's cycle counts retired instructions too (docs/riscv-hart.md), so it gives the
 *   same differences;
 * - a CSR instruction whose rs1 is not x0 writes even when rs1 holds 0, so csrrs/csrrc on a
 *   read-only counter with such a register is illegal (QEMU 7.2 lets it through). */
#include "isa.h"

/* instructions retired from the first csrr (included) up to the second (excluded) */
#define COUNT(csr, body, ...)                                                   \
    ({                                                                          \
        uint64_t a_, b_;                                                        \
        __asm__ volatile(".option push\n\t.option norvc\n\t.option norelax\n\t" \
                         "csrr %0, " csr "\n\t" body "\n\t"                     \
                         "csrr %1, " csr "\n\t.option pop"                      \
                         : "=&r"(a_), "=&r"(b_)                                 \
                         : __VA_ARGS__                                          \
                         : "t0", "t1", "t2", "ra", "memory");                   \
        b_ - a_;                                                                \
    })

static volatile uint64_t cell[2] __attribute__((aligned(16)));

int test_main(void)
{
    CK(1, COUNT("instret", "", "r"(0)), 1);
    CK(2, COUNT("instret", ".rept 10\n\tnop\n\t.endr", "r"(0)), 11);
    CK(3,
       COUNT("instret",
             ".option rvc\n\t.rept 5\n\tc.nop\n\taddi t0, t0, 1\n\t.endr\n\t"
             ".option norvc",
             "r"(0)),
       11);
    CK(4, COUNT("instret", "li t0, 100\n1:\taddi t0, t0, -1\n\tbnez t0, 1b", "r"(0)), 202);
    CK(5,
       COUNT("instret",
             "ld t0, 0(%2)\n\tsd t0, 8(%2)\n\tamoadd.d t1, t0, (%2)\n\t"
             "lr.d t1, (%2)\n\tsc.d t1, t0, (%2)",
             "r"(cell)),
       6);
    CK(6, COUNT("instret", "jal ra, 1f\n\tj 2f\n1:\taddi t0, t0, 1\n\tret\n2:", "r"(0)), 5);
    CK(7,
       COUNT("instret", "beq zero, zero, 1f\n\tnop\n\tnop\n1:\tbne zero, zero, 1b\n\tnop", "r"(0)),
       4);
    CK(8, COUNT("instret", "mul t0, t1, t2\n\tdiv t0, t1, t2\n\tfence\n\tfence.i", "r"(0)), 5);
    CK(9, COUNT("instret", "csrr t0, minstret\n\tcsrr t0, cycle\n\tcsrr t0, time", "r"(0)), 4);
    /* cycle counts retired instructions, the same way */
    CK(10, COUNT("cycle", "", "r"(0)), 1);
    CK(11, COUNT("cycle", ".rept 10\n\tnop\n\t.endr", "r"(0)), 11);
    CK(12, COUNT("cycle", "li t0, 100\n1:\taddi t0, t0, -1\n\tbnez t0, 1b", "r"(0)), 202);
    /* instret and minstret, cycle and mcycle are the same counters */
    {
        uint64_t a, b;
        __asm__ volatile("csrr %0, minstret\n\tcsrr %1, instret" : "=&r"(a), "=&r"(b));
        CK(13, b - a, 1);
        __asm__ volatile("csrr %0, mcycle\n\tcsrr %1, cycle" : "=&r"(a), "=&r"(b));
        CK(14, b - a, 1);
    }
    /* A hot loop (compiled on the JIT) whose forward branches are side exits of one
     * block, taken and not taken in turn: 1 + 100 * 6 + 50 * 2 + 50 * 1 + the first csrr. */
    CK(15,
       COUNT("instret",
             "li t0, 100\n"
             "1:\tandi t1, t0, 1\n\tbeqz t1, 2f\n\taddi t2, t2, 1\n\taddi t2, t2, 1\n"
             "2:\tandi t1, t0, 2\n\tbnez t1, 3f\n\taddi t2, t2, 1\n"
             "3:\taddi t0, t0, -1\n\tbnez t0, 1b",
             "r"(0)),
       752);

    /* a zero-valued rs1 other than x0 still writes: illegal on a read-only counter */
    {
        uint64_t at;
        rt_expect_trap();
        __asm__ volatile(".option push\n\t.option norvc\n\t"
                         "li t0, 0\n\t"
                         "lla %0, 1f\n"
                         "1:\tcsrrs t1, time, t0\n\t.option pop"
                         : "=&r"(at)
                         :
                         : "t0", "t1", "memory");
        CK(20, rt_trap_count(), 1);
        CK(21, rt_trap_last.cause, CAUSE_ILLEGAL_INSTRUCTION);
        CK(22, rt_trap_last.tval, *(volatile uint32_t *) at);
        rt_expect_trap();
        __asm__ volatile(".option push\n\t.option norvc\n\t"
                         "li t0, 0\n\t"
                         "csrrc t1, instret, t0\n\t.option pop"
                         :
                         :
                         : "t0", "t1", "memory");
        CK(23, rt_trap_count(), 1);
        CK(24, rt_trap_last.cause, CAUSE_ILLEGAL_INSTRUCTION);
    }
    return 0;
}
