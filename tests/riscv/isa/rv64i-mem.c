/* RV64I loads and stores: every width with sign/zero extension, the 12-bit offset range
 * (negative included), stores that touch only their own bytes, rd == rs1 for loads,
 * loads into x0. Misaligned accesses are in misaligned.c. */
#include "isa.h"

#define LOAD(op, base, off)                                                         \
    ({                                                                              \
        uint64_t r_;                                                                \
        __asm__ volatile(op " %0, " #off "(%1)" : "=r"(r_) : "r"(base) : "memory"); \
        r_;                                                                         \
    })
#define STORE(op, val, base, off) \
    __asm__ volatile(op " %0, " #off "(%1)" ::"r"((uint64_t) (val)), "r"(base) : "memory")

static uint8_t mem[8192] __attribute__((aligned(4096)));

static uint64_t bytes_le(const volatile uint8_t *p, int n)
{
    uint64_t v = 0;
    for (int i = n - 1; i >= 0; i--)
        v = (v << 8) | p[i];
    return v;
}

int test_main(void)
{
    volatile uint8_t *m = mem;
    static const uint8_t pattern[16] = {0x81, 0x92, 0xa3, 0xb4, 0xc5, 0xd6, 0xe7, 0xf8,
                                        0x7f, 0x01, 0xff, 0x7f, 0x00, 0x80, 0x34, 0x12};
    uint8_t *p = mem + 4096;
    for (int i = 0; i < 16; i++)
        m[4096 + i] = pattern[i];

    /* lb / lbu */
    CK(1, LOAD("lb", p, 0), 0xffffffffffffff81UL);
    CK(2, LOAD("lbu", p, 0), 0x81);
    CK(3, LOAD("lb", p, 8), 0x7f);
    CK(4, LOAD("lbu", p, 8), 0x7f);
    CK(5, LOAD("lb", p, 10), 0xffffffffffffffffUL);
    CK(6, LOAD("lbu", p, 10), 0xff);
    CK(7, LOAD("lb", p, 12), 0);
    CK(8, LOAD("lb", p, 13), 0xffffffffffffff80UL);
    /* lh / lhu */
    CK(10, LOAD("lh", p, 0), 0xffffffffffff9281UL);
    CK(11, LOAD("lhu", p, 0), 0x9281);
    CK(12, LOAD("lh", p, 8), 0x017f);
    CK(13, LOAD("lh", p, 10), 0x7fff);
    CK(14, LOAD("lh", p, 12), 0xffffffffffff8000UL);
    CK(15, LOAD("lhu", p, 12), 0x8000);
    CK(16, LOAD("lh", p, 14), 0x1234);
    /* lw / lwu */
    CK(20, LOAD("lw", p, 0), 0xffffffffb4a39281UL);
    CK(21, LOAD("lwu", p, 0), 0xb4a39281UL);
    CK(22, LOAD("lw", p, 4), 0xfffffffff8e7d6c5UL);
    CK(23, LOAD("lw", p, 8), 0x7fff017fUL);
    CK(24, LOAD("lwu", p, 8), 0x7fff017fUL);
    CK(25, LOAD("lw", p, 12), 0x12348000UL);
    /* ld */
    CK(30, LOAD("ld", p, 0), 0xf8e7d6c5b4a39281UL);
    CK(31, LOAD("ld", p, 8), 0x123480007fff017fUL);

    /* the 12-bit signed offset: -2048 and +2047 reach bytes around the base */
    m[4096 - 2048] = 0x9c;
    m[4096 + 2047] = 0x6b;
    m[4096 - 2048 + 1] = 0x11;
    CK(40, LOAD("lb", p, -2048), 0xffffffffffffff9cUL);
    CK(41, LOAD("lbu", p, 2047), 0x6b);
    CK(42, LOAD("lhu", p, -2048), 0x119c);
    CK(43, LOAD("ld", p + 16, -16), 0xf8e7d6c5b4a39281UL);
    CK(44, LOAD("lwu", p + 2048, -2048), 0xb4a39281UL);

    /* rd == rs1 */
    {
        uint64_t r = (uint64_t) p;
        __asm__ volatile("ld %0, 8(%0)" : "+r"(r) : : "memory");
        CK(45, r, 0x123480007fff017fUL);
        r = (uint64_t) p;
        __asm__ volatile("lb %0, 0(%0)" : "+r"(r) : : "memory");
        CK(46, r, 0xffffffffffffff81UL);
    }

    /* loads into x0 are performed but their value is discarded */
    {
        uint64_t r;
        __asm__ volatile("ld zero, 0(%1)\n\tlb zero, 0(%1)\n\tlw zero, 4(%1)\n\tmv %0, zero"
                         : "=r"(r)
                         : "r"(p)
                         : "memory");
        CK(47, r, 0);
    }

    /* stores write exactly their width, the low bits of rs2 */
    uint8_t *q = mem + 256;
    for (int i = 0; i < 32; i++)
        m[256 + i] = 0xee;
    STORE("sb", 0x123456789abcdef0UL, q, 8);
    CK(50, bytes_le(m + 256, 8), 0xeeeeeeeeeeeeeeeeUL);
    CK(51, bytes_le(m + 264, 8), 0xeeeeeeeeeeeeeef0UL);
    STORE("sh", 0x123456789abcdef0UL, q, 16);
    CK(52, bytes_le(m + 264 + 8, 8), 0xeeeeeeeeeeeedef0UL);
    CK(53, m[263], 0xee);
    STORE("sw", 0x123456789abcdef0UL, q, 24);
    CK(54, bytes_le(m + 280, 8), 0xeeeeeeee9abcdef0UL);
    CK(55, m[279], 0xee);
    STORE("sd", 0x123456789abcdef0UL, q, 0);
    CK(56, bytes_le(m + 256, 8), 0x123456789abcdef0UL);
    CK(57, m[255], 0);
    CK(58, m[264], 0xf0);
    /* negative offsets */
    STORE("sd", 0x0102030405060708UL, q + 2048, -2048 + 16);
    CK(59, bytes_le(m + 272, 8), 0x0102030405060708UL);
    STORE("sb", 0xff, q + 2047, -2047 + 3);
    CK(60, m[259], 0xff);
    STORE("sh", 0xaaaa, q + 4, -2);
    CK(61, bytes_le(m + 256, 8), 0x12345678aaaadef0UL);
    /* a store of x0 */
    STORE("sw", 0, q, 0);
    CK(62, bytes_le(m + 256, 8), 0x1234567800000000UL);
    {
        __asm__ volatile("sd zero, 0(%0)" ::"r"(q) : "memory");
        CK(63, bytes_le(m + 256, 8), 0);
    }
    /* store then load back every width, sign extension on the way back */
    STORE("sw", 0x80000000UL, q, 32);
    CK(64, LOAD("lw", q, 32), 0xffffffff80000000UL);
    CK(65, LOAD("lwu", q, 32), 0x80000000UL);
    STORE("sh", 0xffff8000UL, q, 40);
    CK(66, LOAD("lh", q, 40), 0xffffffffffff8000UL);
    CK(67, LOAD("lhu", q, 40), 0x8000);
    /* the store is seen by the very next load of an overlapping, differently sized access */
    {
        uint64_t r;
        __asm__ volatile("sd %1, 0(%2)\n\tsb zero, 3(%2)\n\tld %0, 0(%2)"
                         : "=&r"(r)
                         : "r"(0xffffffffffffffffUL), "r"(q + 48)
                         : "memory");
        CK(68, r, 0xffffffff00ffffffUL);
        __asm__ volatile("sd zero, 0(%2)\n\tsh %1, 6(%2)\n\tlw %0, 4(%2)"
                         : "=&r"(r)
                         : "r"(0x8001UL), "r"(q + 48)
                         : "memory");
        CK(69, r, 0xffffffff80010000UL);
    }
    return 0;
}
