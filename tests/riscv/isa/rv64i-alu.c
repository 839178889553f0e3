/* RV64I register-register and register-immediate ALU operations (64-bit forms), x0 as a
 * destination, and rd == rs1 == rs2. The W forms, LUI and AUIPC are in rv64i-alu32.c. */
#include "isa.h"

#define MIN64 0x8000000000000000UL
#define MAX64 0x7fffffffffffffffUL
#define ONES  0xffffffffffffffffUL

int test_main(void)
{
    /* add */
    CK(1, RR("add", 1, 1), 2);
    CK(2, RR("add", MAX64, 1), MIN64);
    CK(3, RR("add", ONES, 1), 0);
    CK(4, RR("add", 0xffffffffUL, 1), 0x100000000UL);
    CK(5, RR("add", MIN64, MIN64), 0);
    CK(6, RR("add", 0x0123456789abcdefUL, 0xfedcba9876543210UL), ONES);

    /* sub */
    CK(10, RR("sub", 0, 1), ONES);
    CK(11, RR("sub", MIN64, 1), MAX64);
    CK(12, RR("sub", 3, 5), (uint64_t) -2);
    CK(13, RR("sub", 0x100000000UL, 1), 0xffffffffUL);
    CK(14, RR("sub", 0, MIN64), MIN64);

    /* sll: shift amount from the low 6 bits of rs2 */
    CK(20, RR("sll", 1, 0), 1);
    CK(21, RR("sll", 1, 31), 0x80000000UL);
    CK(22, RR("sll", 1, 32), 0x100000000UL);
    CK(23, RR("sll", 1, 63), MIN64);
    CK(24, RR("sll", 0x0123456789abcdefUL, 64), 0x0123456789abcdefUL);
    CK(25, RR("sll", 3, 0xffffffffffffffc1UL), 6);
    CK(26, RR("sll", ONES, 63), MIN64);
    CK(27, RR("sll", 0xffffffffUL, 32), 0xffffffff00000000UL);

    /* srl */
    CK(30, RR("srl", MIN64, 0), MIN64);
    CK(31, RR("srl", MIN64, 63), 1);
    CK(32, RR("srl", ONES, 32), 0xffffffffUL);
    CK(33, RR("srl", 0xffffffff80000000UL, 31), 0x1ffffffffUL);
    CK(34, RR("srl", ONES, 64 + 60), 0xf);
    CK(35, RR("srl", ONES, 1), MAX64);

    /* sra */
    CK(40, RR("sra", MIN64, 0), MIN64);
    CK(41, RR("sra", MIN64, 63), ONES);
    CK(42, RR("sra", MIN64, 32), 0xffffffff80000000UL);
    CK(43, RR("sra", MAX64, 62), 1);
    CK(44, RR("sra", 0xffffffff80000000UL, 31), ONES);
    CK(45, RR("sra", 0x80000000UL, 31), 1);
    CK(46, RR("sra", MIN64, 0x7ff), ONES);

    /* slt / sltu */
    CK(50, RR("slt", ONES, 1), 1);
    CK(51, RR("slt", 1, ONES), 0);
    CK(52, RR("slt", 5, 5), 0);
    CK(53, RR("slt", MIN64, MAX64), 1);
    CK(54, RR("slt", MAX64, MIN64), 0);
    CK(55, RR("slt", 0x80000000UL, 0), 0);
    CK(56, RR("sltu", ONES, 1), 0);
    CK(57, RR("sltu", 1, ONES), 1);
    CK(58, RR("sltu", 0, 0), 0);
    CK(59, RR("sltu", MAX64, MIN64), 1);
    CK(60, RR("sltu", 0, 7), 1); /* snez */
    CK(61, RR("sltu", 0xffffffffUL, 0x100000000UL), 1);

    /* xor / or / and */
    CK(70, RR("xor", 0xff00ff00ff00ff00UL, 0x0f0f0f0f0f0f0f0fUL), 0xf00ff00ff00ff00fUL);
    CK(71, RR("or", 0xff00ff00ff00ff00UL, 0x0f0f0f0f0f0f0f0fUL), 0xff0fff0fff0fff0fUL);
    CK(72, RR("and", 0xff00ff00ff00ff00UL, 0x0f0f0f0f0f0f0f0fUL), 0x0f000f000f000f00UL);
    CK(73, RR("xor", ONES, ONES), 0);
    CK(74, RR("or", 0, 0), 0);
    CK(75, RR("and", ONES, MIN64), MIN64);

    /* addi: 12-bit sign-extended immediate */
    CK(80, RI("addi", 0, 2047), 2047);
    CK(81, RI("addi", 0, -2048), (uint64_t) -2048);
    CK(82, RI("addi", MAX64, 1), MIN64);
    CK(83, RI("addi", 0xffffffffUL, 1), 0x100000000UL);
    CK(84, RI("addi", 0x800, -1), 0x7ff);
    CK(85, RI("addi", 0x123456789UL, 0), 0x123456789UL);

    /* slti / sltiu: the immediate is sign-extended, sltiu then compares unsigned */
    CK(90, RI("slti", ONES, 0), 1);
    CK(91, RI("slti", 0, -1), 0);
    CK(92, RI("slti", (uint64_t) -2049, -2048), 1);
    CK(93, RI("slti", (uint64_t) -2048, -2048), 0);
    CK(94, RI("slti", MIN64, 2047), 1);
    CK(95, RI("sltiu", 0, 1), 1); /* seqz */
    CK(96, RI("sltiu", 7, 1), 0);
    CK(97, RI("sltiu", 0xfffffffffffffffeUL, -1), 1);
    CK(98, RI("sltiu", ONES, -1), 0);
    CK(99, RI("sltiu", 0xfffff800UL, -2048), 1);
    CK(100, RI("sltiu", 0xfffffffffffff800UL, -2048), 0);

    /* xori / ori / andi */
    CK(110, RI("xori", 0x0123456789abcdefUL, -1), 0xfedcba9876543210UL); /* not */
    CK(111, RI("xori", 0xff0, 0x0ff), 0xf0f);
    CK(112, RI("ori", 0, -2048), 0xfffffffffffff800UL);
    CK(113, RI("ori", 0x1000000000000001UL, 0x7fe), 0x10000000000007ffUL);
    CK(114, RI("andi", ONES, -2048), 0xfffffffffffff800UL);
    CK(115, RI("andi", ONES, 0x7ff), 0x7ff);
    CK(116, RI("andi", 0x123456789UL, 0), 0);

    /* slli / srli / srai: 6-bit shift amounts */
    CK(120, RI("slli", 0x0123456789abcdefUL, 0), 0x0123456789abcdefUL);
    CK(121, RI("slli", 1, 31), 0x80000000UL);
    CK(122, RI("slli", 1, 32), 0x100000000UL);
    CK(123, RI("slli", 3, 63), MIN64);
    CK(124, RI("slli", 0xffffffffUL, 16), 0xffffffff0000UL);
    CK(130, RI("srli", MIN64, 0), MIN64);
    CK(131, RI("srli", ONES, 31), 0x1ffffffffUL);
    CK(132, RI("srli", ONES, 32), 0xffffffffUL);
    CK(133, RI("srli", ONES, 63), 1);
    CK(134, RI("srli", 0x80000000UL, 31), 1);
    CK(140, RI("srai", MIN64, 0), MIN64);
    CK(141, RI("srai", MIN64, 31), 0xffffffff00000000UL);
    CK(142, RI("srai", MIN64, 32), 0xffffffff80000000UL);
    CK(143, RI("srai", MIN64, 63), ONES);
    CK(144, RI("srai", MAX64, 63), 0);
    CK(145, RI("srai", 0x80000000UL, 31), 1);

    /* rd == rs1 == rs2, and rd == rs1 */
    CK(150, RR_SAME("add", 0x4000000000000001UL), 0x8000000000000002UL);
    CK(151, RR_SAME("sub", 12345), 0);
    CK(152, RR_SAME("xor", ONES), 0);
    CK(153, RR_SAME("sltu", 3), 0);
    CK(154, RR_SAME("sll", 2), 8);
    CK(155, RR_DST1("sub", 10, 3), 7);
    CK(156, RR_DST1("sra", MIN64, 4), 0xf800000000000000UL);

    /* x0 as a destination: the result is discarded, x0 still reads 0. */
    {
        uint64_t z1, z2, z3, z4;
        uint64_t a = 0x1234, b = 0x5678;
        __asm__ volatile("add zero, %4, %5\n\t"
                         "mv %0, zero\n\t"
                         "addi zero, zero, 5\n\t"
                         "add %1, zero, zero\n\t"
                         "lui zero, 0x12345\n\t"
                         "or %2, zero, zero\n\t"
                         "slli zero, %4, 3\n\t"
                         "sltu %3, zero, zero\n\t"
                         : "=&r"(z1), "=&r"(z2), "=&r"(z3), "=&r"(z4)
                         : "r"(a), "r"(b));
        CK(160, z1, 0);
        CK(161, z2, 0);
        CK(162, z3, 0);
        CK(163, z4, 0);
        /* x0 as a source reads 0 whatever was "written" to it */
        CK(164, RR("add", 0, 0), 0);
        uint64_t r;
        __asm__ volatile("auipc zero, 1\n\tjal zero, 1f\n1:\taddi %0, zero, -1" : "=r"(r));
        CK(165, r, ONES);
        __asm__ volatile("lw zero, 0(%1)\n\tsub %0, zero, %1" : "=r"(r) : "r"(&a));
        CK(166, r, -(uint64_t) &a);
        CK(167, a, 0x1234);
    }

    /* nop and the hint space (rd = x0 ALU forms) change nothing */
    {
        uint64_t v = 99;
        __asm__ volatile("nop\n\taddi zero, %0, 1\n\tslti zero, %0, 3" : "+r"(v));
        CK(170, v, 99);
    }
    return 0;
}
