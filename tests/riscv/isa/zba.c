/* Zba: add.uw (and its zext.w alias), sh1add/sh2add/sh3add, their .uw forms, slli.uw. */
#include "isa.h"

#define ONES 0xffffffffffffffffUL

int test_main(void)
{
    /* add.uw: rs2 + zext32(rs1) */
    CK(1, RR("add.uw", 0xffffffff80000000UL, 1), 0x80000001UL);
    CK(2, RR("add.uw", ONES, 1), 0x100000000UL);
    CK(3, RR("add.uw", ONES, ONES), 0xfffffffeUL);
    CK(4, RR("add.uw", 0x123456789UL, 0x1000000000UL), 0x1023456789UL);
    CK(5, RR("add.uw", 0, 0x8000000000000000UL), 0x8000000000000000UL);
    CK(6, R1("zext.w", 0xfedcba9876543210UL), 0x76543210UL);
    CK(7, R1("zext.w", 0xffffffffUL), 0xffffffffUL);

    /* shNadd: (rs1 << N) + rs2, wrapping */
    CK(10, RR("sh1add", 3, 4), 10);
    CK(11, RR("sh2add", 3, 4), 16);
    CK(12, RR("sh3add", 3, 4), 28);
    CK(13, RR("sh1add", 0x8000000000000001UL, 1), 3);
    CK(14, RR("sh2add", 0x4000000000000000UL, 5), 5);
    CK(15, RR("sh3add", 0x2000000000000000UL, 5), 5);
    CK(16, RR("sh3add", ONES, 8), 0);
    CK(17, RR("sh1add", ONES, 0), 0xfffffffffffffffeUL);
    CK(18, RR("sh2add", 0xffffffffUL, 0), 0x3fffffffcUL);
    CK(19, RR("sh3add", 0x80000000UL, 0x10), 0x400000010UL);

    /* shNadd.uw: (zext32(rs1) << N) + rs2 */
    CK(20, RR("sh1add.uw", ONES, 0), 0x1fffffffeUL);
    CK(21, RR("sh2add.uw", ONES, 0), 0x3fffffffcUL);
    CK(22, RR("sh3add.uw", ONES, 0), 0x7fffffff8UL);
    CK(23, RR("sh1add.uw", 0xffffffff80000000UL, 1), 0x100000001UL);
    CK(24, RR("sh2add.uw", 0x100000003UL, 4), 16);
    CK(25, RR("sh3add.uw", 0x8000000000000001UL, ONES), 7);
    CK(26, RR("sh3add.uw", 0xffffffffUL, 0xfffffff800000000UL), 0xfffffffffffffff8UL);

    /* slli.uw: zext32(rs1) << shamt */
    CK(30, RI("slli.uw", 0xffffffff80000001UL, 0), 0x80000001UL);
    CK(31, RI("slli.uw", 0xfffffffffUL, 32), 0xffffffff00000000UL);
    CK(32, RI("slli.uw", ONES, 31), 0x7fffffff80000000UL);
    CK(33, RI("slli.uw", ONES, 63), 0x8000000000000000UL);
    CK(34, RI("slli.uw", 0x100000002UL, 63), 0);
    CK(35, RI("slli.uw", 0x12345678abcdUL, 4), 0x5678abcd0UL);
    CK(36, RI("slli.uw", 0xffffffff00000000UL, 1), 0);

    /* rd == rs1 == rs2 */
    CK(40, RR_SAME("sh1add", 5), 15);
    CK(41, RR_SAME("add.uw", 0xffffffff00000001UL), 0xffffffff00000002UL);
    CK(42, RR_SAME("sh3add.uw", 0x100000001UL), 0x100000009UL);

    /* address arithmetic the way a compiler uses it: a[i] for int64_t a[], i a 32-bit index */
    {
        static uint64_t arr[16];
        for (int i = 0; i < 16; i++)
            arr[i] = (uint64_t) i * 3;
        uint64_t idx = 0xffffffff00000005UL, r;
        __asm__ volatile("sh3add.uw %0, %1, %2\n\tld %0, 0(%0)"
                         : "=&r"(r)
                         : "r"(idx), "r"(arr)
                         : "memory");
        CK(43, r, 15);
    }
    return 0;
}
