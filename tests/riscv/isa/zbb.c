/* Zbb: andn/orn/xnor, clz/ctz/cpop and their W forms, max/min/maxu/minu, sext.b/sext.h/
 * zext.h, rol/ror/rori and their W forms, orc.b, rev8. */
#include "isa.h"

#define MIN64 0x8000000000000000UL
#define MAX64 0x7fffffffffffffffUL
#define ONES  0xffffffffffffffffUL

int test_main(void)
{
    /* andn / orn / xnor */
    CK(1, RR("andn", ONES, 0x00ff00ff00ff00ffUL), 0xff00ff00ff00ff00UL);
    CK(2, RR("andn", 0x1234, 0), 0x1234);
    CK(3, RR("andn", 0x1234, ONES), 0);
    CK(4, RR("orn", 0, 0x00ff00ff00ff00ffUL), 0xff00ff00ff00ff00UL);
    CK(5, RR("orn", 0x1234, ONES), 0x1234);
    CK(6, RR("orn", 0, 0), ONES);
    CK(7, RR("xnor", 0xf0f0, 0xff00), 0xfffffffffffff00fUL);
    CK(8, RR("xnor", ONES, ONES), ONES);
    CK(9, RR("xnor", 0, ONES), 0);

    /* clz / ctz / cpop */
    CK(10, R1("clz", 0), 64);
    CK(11, R1("clz", ONES), 0);
    CK(12, R1("clz", 1), 63);
    CK(13, R1("clz", MIN64), 0);
    CK(14, R1("clz", 0x80000000UL), 32);
    CK(15, R1("clz", 0x00000000ffffffffUL), 32);
    CK(16, R1("clz", 0x0001000000000000UL), 15);
    CK(20, R1("ctz", 0), 64);
    CK(21, R1("ctz", ONES), 0);
    CK(22, R1("ctz", MIN64), 63);
    CK(23, R1("ctz", 0x100000000UL), 32);
    CK(24, R1("ctz", 0x80000000UL), 31);
    CK(25, R1("ctz", 0x0000000000001000UL), 12);
    CK(30, R1("cpop", 0), 0);
    CK(31, R1("cpop", ONES), 64);
    CK(32, R1("cpop", 0x5555555555555555UL), 32);
    CK(33, R1("cpop", MIN64), 1);
    CK(34, R1("cpop", 0xffffffff00000001UL), 33);

    /* W forms look at the low 32 bits only */
    CK(40, R1("clzw", 0), 32);
    CK(41, R1("clzw", ONES), 0);
    CK(42, R1("clzw", 0xffffffff00000001UL), 31);
    CK(43, R1("clzw", 0x80000000UL), 0);
    CK(44, R1("clzw", 0x0000ffff00000000UL), 32);
    CK(45, R1("clzw", 0x00010000UL), 15);
    CK(50, R1("ctzw", 0), 32);
    CK(51, R1("ctzw", ONES), 0);
    CK(52, R1("ctzw", 0x100000000UL), 32);
    CK(53, R1("ctzw", 0x80000000UL), 31);
    CK(54, R1("ctzw", 0xffffffff00000100UL), 8);
    CK(60, R1("cpopw", 0), 0);
    CK(61, R1("cpopw", ONES), 32);
    CK(62, R1("cpopw", 0xffffffff00000000UL), 0);
    CK(63, R1("cpopw", 0x00000000aaaaaaaaUL), 16);
    CK(64, R1("cpopw", 0x8000000080000001UL), 2);

    /* max / min (signed) and maxu / minu */
    CK(70, RR("max", ONES, 1), 1);
    CK(71, RR("max", MIN64, MAX64), MAX64);
    CK(72, RR("max", 0x80000000UL, 0xffffffff80000000UL), 0x80000000UL);
    CK(73, RR("max", 5, 5), 5);
    CK(74, RR("min", ONES, 1), ONES);
    CK(75, RR("min", MIN64, MAX64), MIN64);
    CK(76, RR("min", 0x80000000UL, 0xffffffff80000000UL), 0xffffffff80000000UL);
    CK(77, RR("maxu", ONES, 1), ONES);
    CK(78, RR("maxu", MIN64, MAX64), MIN64);
    CK(79, RR("maxu", 0, 0), 0);
    CK(80, RR("minu", ONES, 1), 1);
    CK(81, RR("minu", MIN64, MAX64), MAX64);
    CK(82, RR("minu", 0x100000000UL, 0xffffffffUL), 0xffffffffUL);

    /* sext.b / sext.h / zext.h */
    CK(90, R1("sext.b", 0x80), 0xffffffffffffff80UL);
    CK(91, R1("sext.b", 0x7f), 0x7f);
    CK(92, R1("sext.b", 0x12345680UL), 0xffffffffffffff80UL);
    CK(93, R1("sext.b", 0xffffffffffffff00UL), 0);
    CK(94, R1("sext.b", 0xff), ONES);
    CK(95, R1("sext.h", 0x8000), 0xffffffffffff8000UL);
    CK(96, R1("sext.h", 0x7fff), 0x7fff);
    CK(97, R1("sext.h", 0xffffffffffff0000UL), 0);
    CK(98, R1("sext.h", 0x123456789abcUL), 0xffffffffffff9abcUL);
    CK(99, R1("zext.h", 0xffffffffffff8001UL), 0x8001);
    CK(100, R1("zext.h", ONES), 0xffff);
    CK(101, R1("zext.h", 0x10000), 0);

    /* rol / ror / rori: 6-bit amounts */
    CK(110, RR("rol", 0x8000000000000001UL, 1), 3);
    CK(111, RR("rol", 0x0123456789abcdefUL, 0), 0x0123456789abcdefUL);
    CK(112, RR("rol", 0x0123456789abcdefUL, 64), 0x0123456789abcdefUL);
    CK(113, RR("rol", 0x0123456789abcdefUL, 4), 0x123456789abcdef0UL);
    CK(114, RR("rol", 0x0123456789abcdefUL, 32), 0x89abcdef01234567UL);
    CK(115, RR("rol", 1, 63), MIN64);
    CK(116, RR("rol", 1, ONES), MIN64);
    CK(120, RR("ror", 1, 1), MIN64);
    CK(121, RR("ror", 0x0123456789abcdefUL, 4), 0xf0123456789abcdeUL);
    CK(122, RR("ror", 0x0123456789abcdefUL, 68), 0xf0123456789abcdeUL);
    CK(123, RR("ror", 0x0123456789abcdefUL, 0), 0x0123456789abcdefUL);
    CK(124, RR("ror", 0x0123456789abcdefUL, 63), 0x02468acf13579bdeUL);
    CK(125, RR("ror", 0x80000000UL, 31), 1);
    CK(130, RI("rori", 1, 1), MIN64);
    CK(131, RI("rori", 0x0123456789abcdefUL, 0), 0x0123456789abcdefUL);
    CK(132, RI("rori", 0x0123456789abcdefUL, 32), 0x89abcdef01234567UL);
    CK(133, RI("rori", 0x0123456789abcdefUL, 63), 0x02468acf13579bdeUL);
    CK(134, RI("rori", 0x0123456789abcdefUL, 8), 0xef0123456789abcdUL);

    /* rolw / rorw / roriw: 32-bit rotation, 5-bit amounts, result sign-extended */
    CK(140, RR("rolw", 0x80000001UL, 1), 3);
    CK(141, RR("rolw", 0xffffffff00000001UL, 31), 0xffffffff80000000UL);
    CK(142, RR("rolw", 0x12345678UL, 32), 0x12345678UL);
    CK(143, RR("rolw", 0x12345678UL, 4), 0x23456781UL);
    CK(144, RR("rolw", 0x0000000087654321UL, 0), 0xffffffff87654321UL);
    CK(145, RR("rolw", 0x12345678UL, 36), 0x23456781UL);
    CK(150, RR("rorw", 1, 1), 0xffffffff80000000UL);
    CK(151, RR("rorw", 0x12345678UL, 4), 0xffffffff81234567UL);
    CK(152, RR("rorw", 0xabcdef0012345678UL, 0), 0x12345678UL);
    CK(153, RR("rorw", 0x12345678UL, 32), 0x12345678UL);
    CK(154, RR("rorw", 0x00000000fffffffeUL, 63), 0xfffffffffffffffdUL);
    CK(160, RI("roriw", 1, 1), 0xffffffff80000000UL);
    CK(161, RI("roriw", 0x0000000080000000UL, 0), 0xffffffff80000000UL);
    CK(162, RI("roriw", 0xffffffff12345678UL, 0), 0x12345678UL);
    CK(163, RI("roriw", 0x12345678UL, 31), 0x2468acf0UL);
    CK(164, RI("roriw", 0x12345678UL, 16), 0x56781234UL);

    /* orc.b / rev8 */
    CK(170, R1("orc.b", 0x0001000000ff8000UL), 0x00ff000000ffff00UL);
    CK(171, R1("orc.b", 0), 0);
    CK(172, R1("orc.b", 0x0101010101010101UL), ONES);
    CK(173, R1("orc.b", 0x8000000000000001UL), 0xff000000000000ffUL);
    CK(174, R1("rev8", 0x0102030405060708UL), 0x0807060504030201UL);
    CK(175, R1("rev8", 0x00000000000000ffUL), 0xff00000000000000UL);
    CK(176, R1("rev8", ONES), ONES);

    /* rd == rs1 == rs2 */
    CK(180, RR_SAME("andn", ONES), 0);
    CK(181, RR_SAME("orn", 0), ONES);
    CK(182, RR_SAME("xnor", 0x1234), ONES);
    CK(183, RR_SAME("rol", 0x8000000000000001UL), 3);     /* amount 1 */
    CK(184, RR_SAME("rorw", 0x21), 0xffffffff80000010UL); /* amount 1 */
    CK(185, RR_SAME("max", MIN64), MIN64);
    return 0;
}
