/* RV64I W forms (32-bit operations whose result is sign-extended to 64 bits, upper input
 * bits ignored, 5-bit shift amounts), LUI and AUIPC. */
#include "isa.h"

#define ONES 0xffffffffffffffffUL

/* pc-relative: the value AUIPC gives minus the address of the AUIPC itself */
#define AUIPC_DELTA(imm)                                     \
    ({                                                       \
        uint64_t r_, pc_;                                    \
        __asm__ volatile(".option push\n\t.option norvc\n\t" \
                         "jal %1, 1f\n"                      \
                         "1:\tauipc %0, " #imm "\n\t"        \
                         ".option pop"                       \
                         : "=r"(r_), "=&r"(pc_));            \
        r_ - pc_;                                            \
    })

#define LUI(imm)                                      \
    ({                                                \
        uint64_t r_;                                  \
        __asm__ volatile("lui %0, " #imm : "=r"(r_)); \
        r_;                                           \
    })

int test_main(void)
{
    /* addw / subw */
    CK(1, RR("addw", 0x7fffffffUL, 1), 0xffffffff80000000UL);
    CK(2, RR("addw", 0xffffffffUL, 1), 0);
    CK(3, RR("addw", 0x1234567800000001UL, 0x9abcdef000000002UL), 3);
    CK(4, RR("addw", 0x0000000080000000UL, 0), 0xffffffff80000000UL);
    CK(5, RR("addw", 0xffffffff00000000UL, 0x7fffffffUL), 0x7fffffffUL);
    CK(6, RR("subw", 0, 1), ONES);
    CK(7, RR("subw", 0x80000000UL, 1), 0x7fffffffUL);
    CK(8, RR("subw", 0x7fffffffUL, ONES), 0xffffffff80000000UL);
    CK(9, RR("subw", 0x500000003UL, 0x100000003UL), 0);

    /* sllw / srlw / sraw: shift amount is rs2[4:0] */
    CK(10, RR("sllw", 0xff, 31), 0xffffffff80000000UL);
    CK(11, RR("sllw", 0x123456789UL, 32), 0x23456789UL);
    CK(12, RR("sllw", 0x123456789UL, 0), 0x23456789UL);
    CK(13, RR("sllw", 1, 63), 0xffffffff80000000UL);
    CK(14, RR("sllw", 0x87654321UL, 4), 0x76543210UL);
    CK(15, RR("sllw", 0x00000000ffffffffUL, 0), ONES);
    CK(20, RR("srlw", 0xffffffff80000000UL, 31), 1);
    CK(21, RR("srlw", 0x80000000UL, 0), 0xffffffff80000000UL);
    CK(22, RR("srlw", ONES, 1), 0x7fffffffUL);
    CK(23, RR("srlw", 0x80000000UL, 32), 0xffffffff80000000UL);
    CK(24, RR("srlw", 0xabcdef0012345678UL, 4), 0x01234567UL);
    CK(25, RR("srlw", 0x80000000UL, 63), 1);
    CK(30, RR("sraw", 0x80000000UL, 31), ONES);
    CK(31, RR("sraw", 0x7fffffff40000000UL, 30), 1);
    CK(32, RR("sraw", 0x80000000UL, 0), 0xffffffff80000000UL);
    CK(33, RR("sraw", 0x80000000UL, 4), 0xfffffffff8000000UL);
    CK(34, RR("sraw", 0x80000000UL, 32), 0xffffffff80000000UL);
    CK(35, RR("sraw", 0x00000000fffffff0UL, 2), 0xfffffffffffffffcUL);
    CK(36, RR("sraw", 0xffffffff7fffffffUL, 1), 0x3fffffffUL);

    /* addiw */
    CK(40, RI("addiw", 0x7fffffffUL, 1), 0xffffffff80000000UL);
    CK(41, RI("addiw", 0x00000000ffffffffUL, 0), ONES); /* sext.w */
    CK(42, RI("addiw", 0xffffffff00000000UL, -1), ONES);
    CK(43, RI("addiw", 0x80000000UL, -2048), 0x7ffff800UL);
    CK(44, RI("addiw", 0x123456789UL, 2047), 0x23456f88UL);
    CK(45, RI("addiw", 0x17fffffffUL, 0), 0x7fffffffUL);

    /* slliw / srliw / sraiw */
    CK(50, RI("slliw", 0x123456789UL, 0), 0x23456789UL);
    CK(51, RI("slliw", 1, 31), 0xffffffff80000000UL);
    CK(52, RI("slliw", 0xffffffffUL, 16), 0xffffffffffff0000UL);
    CK(53, RI("slliw", 0x3, 30), 0xffffffffc0000000UL);
    CK(54, RI("srliw", 0x80000000UL, 0), 0xffffffff80000000UL);
    CK(55, RI("srliw", ONES, 31), 1);
    CK(56, RI("srliw", ONES, 1), 0x7fffffffUL);
    CK(57, RI("srliw", 0xfedcba9876543210UL, 16), 0x7654UL);
    CK(58, RI("sraiw", 0x80000000UL, 0), 0xffffffff80000000UL);
    CK(59, RI("sraiw", 0x80000000UL, 31), ONES);
    CK(60, RI("sraiw", 0x7fffffff00000000UL, 31), 0);
    CK(61, RI("sraiw", 0x40000000UL, 30), 1);
    CK(62, RI("sraiw", 0x00000000f0000000UL, 4), 0xffffffffff000000UL);

    /* rd == rs1 for W forms */
    CK(65, RR_DST1("addw", 0x7fffffffUL, 0x7fffffffUL), 0xfffffffffffffffeUL);
    CK(66, RR_SAME("subw", 0x123456789UL), 0);

    /* lui: 20-bit immediate, bits 31..12, sign-extended from bit 31 */
    CK(70, LUI(0), 0);
    CK(71, LUI(1), 0x1000);
    CK(72, LUI(0x7ffff), 0x7ffff000UL);
    CK(73, LUI(0x80000), 0xffffffff80000000UL);
    CK(74, LUI(0xfffff), 0xfffffffffffff000UL);
    CK(75, LUI(0x12345), 0x12345000UL);
    /* lui + addiw / addi, the way li builds 32-bit constants */
    {
        uint64_t r;
        __asm__ volatile("lui %0, 0x80000\n\taddiw %0, %0, -1" : "=r"(r));
        CK(76, r, 0x7fffffffUL);
        __asm__ volatile("lui %0, 0x80000\n\taddi %0, %0, -1" : "=r"(r));
        CK(77, r, 0xffffffff7fffffffUL);
    }

    /* auipc: pc + sign-extended (imm << 12), negative offsets included */
    CK(80, AUIPC_DELTA(0), 0);
    CK(81, AUIPC_DELTA(1), 0x1000);
    CK(82, AUIPC_DELTA(0x7ffff), 0x7ffff000UL);
    CK(83, AUIPC_DELTA(0xfffff), (uint64_t) -0x1000);
    CK(84, AUIPC_DELTA(0x80000), 0xffffffff80000000UL);
    CK(85, AUIPC_DELTA(0xffff0), (uint64_t) -0x10000);
    /* the absolute value: the program runs at 0x80000000 and up, so pc - 2 GiB is small */
    {
        uint64_t r, pc;
        __asm__ volatile(".option push\n\t.option norvc\n\t"
                         "jal %1, 1f\n"
                         "1:\tauipc %0, 0x80000\n\t"
                         ".option pop"
                         : "=r"(r), "=&r"(pc));
        CKT(86, pc >= 0x80000000UL && pc < 0x90000000UL);
        CK(87, r, pc - 0x80000000UL);
        /* auipc + addi reaches a symbol (lla) */
        extern char _start[];
        __asm__ volatile("lla %0, _start" : "=r"(r));
        CK(88, r, (uint64_t) _start);
        CK(89, r, 0x80000000UL);
    }
    return 0;
}
