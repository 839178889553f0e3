/* M extension: multiplication (low and every high-half signedness), division and remainder
 * with truncation toward zero, division by zero (quotient all ones, remainder = dividend),
 * signed overflow (MIN / -1 = MIN, remainder 0), for 64 bits and the W forms, whose results
 * are sign-extended 32-bit values and whose inputs' upper halves are ignored. */
#include "isa.h"

#define MIN64 0x8000000000000000UL
#define MAX64 0x7fffffffffffffffUL
#define ONES  0xffffffffffffffffUL
#define N(x)  ((uint64_t) (int64_t) (x))

int test_main(void)
{
    /* mul: low 64 bits */
    CK(1, RR("mul", 3, 7), 21);
    CK(2, RR("mul", ONES, ONES), 1);
    CK(3, RR("mul", MIN64, ONES), MIN64);
    CK(4, RR("mul", 0x100000000UL, 0x100000000UL), 0);
    CK(5, RR("mul", 0x123456789UL, 0x10), 0x1234567890UL);
    CK(6, RR("mul", N(-3), 5), N(-15));
    CK(7, RR("mul", 0xffffffffUL, 0xffffffffUL), 0xfffffffe00000001UL);
    CK(8, RR("mul", 0, ONES), 0);

    /* mulh: signed x signed, high 64 bits */
    CK(10, RR("mulh", ONES, ONES), 0);
    CK(11, RR("mulh", MIN64, MIN64), 0x4000000000000000UL);
    CK(12, RR("mulh", MIN64, ONES), 0);
    CK(13, RR("mulh", ONES, 1), ONES);
    CK(14, RR("mulh", MAX64, MAX64), 0x3fffffffffffffffUL);
    CK(15, RR("mulh", MIN64, MAX64), 0xc000000000000000UL);
    CK(16, RR("mulh", N(-2), 0x8000000000000000UL), 1);
    CK(17, RR("mulh", 0x100000000UL, 0x100000000UL), 1);
    CK(18, RR("mulh", N(-0x100000000L), 0x100000000UL), ONES);
    CK(19, RR("mulh", 5, 7), 0);

    /* mulhu: unsigned x unsigned */
    CK(20, RR("mulhu", ONES, ONES), 0xfffffffffffffffeUL);
    CK(21, RR("mulhu", MIN64, 2), 1);
    CK(22, RR("mulhu", ONES, 1), 0);
    CK(23, RR("mulhu", MIN64, MIN64), 0x4000000000000000UL);
    CK(24, RR("mulhu", 0x100000000UL, 0x100000000UL), 1);
    CK(25, RR("mulhu", ONES, 0x10), 0xf);

    /* mulhsu: rs1 signed x rs2 unsigned */
    CK(30, RR("mulhsu", ONES, ONES), ONES);
    CK(31, RR("mulhsu", 1, ONES), 0);
    CK(32, RR("mulhsu", MIN64, ONES), MIN64);
    CK(33, RR("mulhsu", N(-2), MIN64), ONES);
    CK(34, RR("mulhsu", ONES, 1), ONES);
    CK(35, RR("mulhsu", MAX64, ONES), 0x7ffffffffffffffeUL);
    CK(36, RR("mulhsu", 2, MIN64), 1);
    CK(37, RR("mulhsu", N(-1), 0), 0);

    /* mulw: low 32 bits of the product, sign-extended */
    CK(40, RR("mulw", 0x7fffffffUL, 2), N(-2));
    CK(41, RR("mulw", 0x100000001UL, 0x100000001UL), 1);
    CK(42, RR("mulw", 0x10000, 0x10000), 0);
    CK(43, RR("mulw", 0x8000, 0x10000), 0xffffffff80000000UL);
    CK(44, RR("mulw", ONES, ONES), 1);
    CK(45, RR("mulw", 0xdeadbeef00000003UL, 0x1234567800000005UL), 15);
    CK(46, RR("mulw", 0x7fffffffUL, 0x7fffffffUL), 1);
    CK(47, RR("mulw", 0x10000UL, 0x7fffUL), 0x7fff0000UL);

    /* div: signed, truncating */
    CK(50, RR("div", 7, 2), 3);
    CK(51, RR("div", N(-7), 2), N(-3));
    CK(52, RR("div", 7, N(-2)), N(-3));
    CK(53, RR("div", N(-7), N(-2)), 3);
    CK(54, RR("div", 12345, 0), ONES);
    CK(55, RR("div", N(-12345), 0), ONES);
    CK(56, RR("div", 0, 0), ONES);
    CK(57, RR("div", MIN64, ONES), MIN64);
    CK(58, RR("div", MIN64, 1), MIN64);
    CK(59, RR("div", MIN64, 2), 0xc000000000000000UL);
    CK(60, RR("div", MAX64, MIN64), 0);
    CK(61, RR("div", 0xffffffffUL, 0x10000), 0xffff);

    /* divu */
    CK(65, RR("divu", ONES, 2), MAX64);
    CK(66, RR("divu", 12345, 0), ONES);
    CK(67, RR("divu", 0, 0), ONES);
    CK(68, RR("divu", MIN64, ONES), 0);
    CK(69, RR("divu", N(-7), 2), 0x7ffffffffffffffcUL);
    CK(70, RR("divu", ONES, ONES), 1);
    CK(71, RR("divu", 7, 8), 0);

    /* rem: sign of the dividend */
    CK(75, RR("rem", 7, 2), 1);
    CK(76, RR("rem", N(-7), 2), N(-1));
    CK(77, RR("rem", 7, N(-2)), 1);
    CK(78, RR("rem", N(-7), N(-2)), N(-1));
    CK(79, RR("rem", 12345, 0), 12345);
    CK(80, RR("rem", N(-12345), 0), N(-12345));
    CK(81, RR("rem", MIN64, ONES), 0);
    CK(82, RR("rem", MIN64, 0), MIN64);
    CK(83, RR("rem", MIN64, 3), N(-2));
    CK(84, RR("rem", 0, 0), 0);

    /* remu */
    CK(85, RR("remu", ONES, 2), 1);
    CK(86, RR("remu", 12345, 0), 12345);
    CK(87, RR("remu", ONES, 0), ONES);
    CK(88, RR("remu", 5, ONES), 5);
    CK(89, RR("remu", N(-7), 10), 9); /* 2^64 - 7 = ...609 */
    CK(90, RR("remu", MIN64, ONES), MIN64);

    /* divw */
    CK(100, RR("divw", N(-7), 2), N(-3));
    CK(101, RR("divw", 0x80000000UL, ONES), 0xffffffff80000000UL);
    CK(102, RR("divw", 0x80000000UL, 0xffffffffUL), 0xffffffff80000000UL);
    CK(103, RR("divw", 0x12345678UL, 0), ONES);
    CK(104, RR("divw", 0x1234567800000000UL, 0x100000000UL), ONES); /* divisor's low half is 0 */
    CK(105, RR("divw", 0xdeadbeef00000007UL, 0x1234567800000002UL), 3);
    CK(106, RR("divw", 0x00000000ffffffffUL, 1), ONES);
    CK(107, RR("divw", 0x7fffffffUL, N(-1)), 0xffffffff80000001UL);
    CK(108, RR("divw", 0x80000000UL, 2), 0xffffffffc0000000UL);

    /* divuw */
    CK(110, RR("divuw", 0xffffffffUL, 1), ONES);
    CK(111, RR("divuw", 0x12345678UL, 0), ONES);
    CK(112, RR("divuw", 0x80000000UL, 1), 0xffffffff80000000UL);
    CK(113, RR("divuw", 0xffffffffUL, 2), 0x7fffffffUL);
    CK(114, RR("divuw", 0xffffffff00000009UL, 0xffffffff00000002UL), 4);
    CK(115, RR("divuw", 0x80000000UL, 0xffffffffUL), 0);
    CK(116, RR("divuw", 0x1ffffffffUL, 0x100000001UL), ONES);

    /* remw */
    CK(120, RR("remw", 0x1234567887654321UL, 0), 0xffffffff87654321UL);
    CK(121, RR("remw", 0x80000000UL, ONES), 0);
    CK(122, RR("remw", N(-7), 2), N(-1));
    CK(123, RR("remw", 7, N(-2)), 1);
    CK(124, RR("remw", 0x0000000100000007UL, 0x0000000500000004UL), 3);
    CK(125, RR("remw", 0x7fffffffUL, 0), 0x7fffffffUL);
    CK(126, RR("remw", 0x80000000UL, 3), N(-2));

    /* remuw */
    CK(130, RR("remuw", 0xfffffffffffffffbUL, 0), N(-5));
    CK(131, RR("remuw", 0x80000007UL, 0x10), 7);
    CK(132, RR("remuw", 0xffffffffUL, 0x80000000UL), 0x7fffffffUL);
    CK(133, RR("remuw", 0xaaaaaaaa80000005UL, 0x5555555580000000UL), 5);
    CK(134, RR("remuw", 0xffffffffUL, 0xfffffffeUL), 1);
    CK(135, RR("remuw", 0x80000001UL, 0x100000000UL), 0xffffffff80000001UL);

    /* rd == rs1 == rs2 */
    CK(140, RR_SAME("mul", 0x100000001UL), 0x200000001UL);
    CK(141, RR_SAME("div", 0), ONES);
    CK(142, RR_SAME("rem", N(-9)), 0);
    CK(143, RR_SAME("mulhu", ONES), 0xfffffffffffffffeUL);
    CK(144, RR_SAME("divw", 0x80000000UL), 1);
    CK(145, RR_SAME("remuw", 0), 0);

    /* x0 operands and destination */
    {
        uint64_t r;
        __asm__ volatile("div %0, %1, zero" : "=r"(r) : "r"(42UL));
        CK(150, r, ONES);
        __asm__ volatile("rem %0, %1, zero" : "=r"(r) : "r"(42UL));
        CK(151, r, 42);
        __asm__ volatile("mul zero, %1, %1\n\tdivu zero, %1, zero\n\tmv %0, zero"
                         : "=r"(r)
                         : "r"(42UL));
        CK(152, r, 0);
    }

    /* the usual fused sequences: mulh + mul and div + rem on the same operands */
    {
        uint64_t lo, hi, q, rem;
        uint64_t a = 0xfedcba9876543210UL, b = 0x0123456789abcdefUL;
        __asm__ volatile("mulhu %1, %2, %3\n\tmul %0, %2, %3"
                         : "=&r"(lo), "=&r"(hi)
                         : "r"(a), "r"(b));
        CK(153, hi, 0x0121fa00ad77d742UL);
        CK(154, lo, 0x2236d88fe5618cf0UL);
        __asm__ volatile("divu %0, %2, %3\n\tremu %1, %2, %3"
                         : "=&r"(q), "=&r"(rem)
                         : "r"(a), "r"(b));
        CK(155, q, 0xe0);
        CK(156, rem, 0xf0);
    }
    return 0;
}
