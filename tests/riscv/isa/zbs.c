/* Zbs: bclr/bext/binv/bset and their immediate forms; the register index uses its low 6
 * bits only. */
#include "isa.h"

#define ONES 0xffffffffffffffffUL

int test_main(void)
{
    CK(1, RR("bclr", ONES, 0), 0xfffffffffffffffeUL);
    CK(2, RR("bclr", ONES, 63), 0x7fffffffffffffffUL);
    CK(3, RR("bclr", ONES, 64), 0xfffffffffffffffeUL);   /* 64 & 63 = 0 */
    CK(4, RR("bclr", ONES, ONES), 0x7fffffffffffffffUL); /* index 63 */
    CK(5, RR("bclr", ONES, 31), 0xffffffff7fffffffUL);
    CK(6, RR("bclr", ONES, 32), 0xfffffffeffffffffUL);
    CK(7, RR("bclr", 0, 5), 0);
    CK(8, RR("bclr", 0x100000000UL, 0x100000020UL), 0); /* index 32 */

    CK(10, RR("bext", 0x8000000000000000UL, 63), 1);
    CK(11, RR("bext", 0x8000000000000000UL, 127), 1);
    CK(12, RR("bext", 0x8000000000000000UL, 62), 0);
    CK(13, RR("bext", 1, 64), 1);
    CK(14, RR("bext", 0x80000000UL, 31), 1);
    CK(15, RR("bext", 0x80000000UL, 32), 0);
    CK(16, RR("bext", ONES, 0xffffffffffffffc5UL), 1);
    CK(17, RR("bext", 0x00000000fffffffeUL, 0), 0);

    CK(20, RR("binv", 0, 0), 1);
    CK(21, RR("binv", 0, 63), 0x8000000000000000UL);
    CK(22, RR("binv", ONES, 63), 0x7fffffffffffffffUL);
    CK(23, RR("binv", 0, 65), 2);
    CK(24, RR("binv", 0, 31), 0x80000000UL);
    CK(25, RR("binv", 0x80000000UL, 31), 0);
    CK(26, RR("binv", 0, 0xffffffffffffffe0UL), 0x100000000UL);

    CK(30, RR("bset", 0, 0), 1);
    CK(31, RR("bset", 0, 63), 0x8000000000000000UL);
    CK(32, RR("bset", 0, 127), 0x8000000000000000UL);
    CK(33, RR("bset", 0, 31), 0x80000000UL); /* no sign extension */
    CK(34, RR("bset", 0, 32), 0x100000000UL);
    CK(35, RR("bset", ONES, 7), ONES);
    CK(36, RR("bset", 0x10, 0x44), 0x10); /* index 4, already set */

    CK(40, RI("bclri", ONES, 0), 0xfffffffffffffffeUL);
    CK(41, RI("bclri", ONES, 31), 0xffffffff7fffffffUL);
    CK(42, RI("bclri", ONES, 32), 0xfffffffeffffffffUL);
    CK(43, RI("bclri", ONES, 63), 0x7fffffffffffffffUL);
    CK(44, RI("bexti", 0x8000000000000000UL, 63), 1);
    CK(45, RI("bexti", 0x80000000UL, 31), 1);
    CK(46, RI("bexti", 0x80000000UL, 32), 0);
    CK(47, RI("bexti", 3, 0), 1);
    CK(48, RI("binvi", 0, 0), 1);
    CK(49, RI("binvi", 0, 31), 0x80000000UL);
    CK(50, RI("binvi", 0, 32), 0x100000000UL);
    CK(51, RI("binvi", ONES, 63), 0x7fffffffffffffffUL);
    CK(52, RI("bseti", 0, 0), 1);
    CK(53, RI("bseti", 0, 31), 0x80000000UL);
    CK(54, RI("bseti", 0, 32), 0x100000000UL);
    CK(55, RI("bseti", 0, 63), 0x8000000000000000UL);

    /* rd == rs1 == rs2: index = value & 63 */
    CK(60, RR_SAME("bset", 3), 0xb);
    CK(61, RR_SAME("bclr", 0x41), 0x41 & ~2UL);
    CK(62, RR_SAME("bext", 0x45), 0);
    CK(63, RR_SAME("binv", 0x7f), 0x800000000000007fUL);
    return 0;
}
