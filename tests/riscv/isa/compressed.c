/* The C extension (RV64C with the D-extension loads and stores): every instruction, run from
 * compressed.S where each is checked to assemble to 16 bits. Also c.ebreak's cause, the
 * illegal all-zero instruction and reserved encodings (cause 2, tval = the 16 bits, per
 * docs/riscv-hart.md), HINT encodings that must not trap, 32-bit instructions at 2 mod 4 and
 * across a page boundary. */
#include "isa.h"

void c_addi4spn(uint64_t *out);
void c_addi16sp(uint64_t *out);
void c_sp_loads(uint64_t *out, const void *src);
void c_sp_stores(void *dst, const uint64_t *vals);
void c_mem_loads(uint64_t *out, const void *src);
void c_mem_stores(void *dst, const uint64_t *vals);
void c_li_lui(uint64_t *out);
void c_addi(uint64_t *out, uint64_t x);
void c_addiw(uint64_t *out, uint64_t x);
void c_andi(uint64_t *out, uint64_t x);
void c_shifts(uint64_t *out, uint64_t x);
uint64_t c_mv(uint64_t a, uint64_t b);
uint64_t c_add(uint64_t a, uint64_t b);
uint64_t c_sub(uint64_t a, uint64_t b);
uint64_t c_xor(uint64_t a, uint64_t b);
uint64_t c_or(uint64_t a, uint64_t b);
uint64_t c_and(uint64_t a, uint64_t b);
uint64_t c_subw(uint64_t a, uint64_t b);
uint64_t c_addw(uint64_t a, uint64_t b);
void c_rr_regs(uint64_t *out, uint64_t a, uint64_t b);
uint64_t c_jumps(void);
void c_jr_jalr(uint64_t *out);
uint64_t c_beqz(uint64_t x);
uint64_t c_bnez(uint64_t x);
uint64_t c_beqz_back(uint64_t x);
uint64_t c_bnez_back(uint64_t x);
uint64_t c_branch_far(uint64_t x);
uint64_t c_loop(uint64_t n);
uint64_t c_hints(uint64_t x);
uint64_t c_odd_align(uint64_t x);
uint64_t c_page_cross(void);
extern const uint64_t c16_sites_begin[], c16_sites_end[];

#define ONES     0xffffffffffffffffUL
#define NELEM(a) ((int) (sizeof(a) / sizeof((a)[0])))

static uint64_t out[64];
static uint8_t buf[1536] __attribute__((aligned(16)));
static uint8_t src[512] __attribute__((aligned(16)));

static uint64_t le(const uint8_t *p, int n)
{
    uint64_t v = 0;
    for (int i = n - 1; i >= 0; i--)
        v = (v << 8) | p[i];
    return v;
}

static uint64_t sext32(uint64_t v)
{
    return (v & 0x80000000UL) ? (v | 0xffffffff00000000UL) : (v & 0xffffffffUL);
}

static void check_list(int base, const uint64_t *got, const uint64_t *want, int n, const char *what)
{
    for (int i = 0; i < n; i++)
        isa_check(base + i, got[i], want[i], what);
}

/* Compare a stored image with the expected one; report the first differing offset. */
static void check_image(int n, const uint8_t *got, const uint8_t *want, int len)
{
    for (int i = 0; i < len; i++) {
        if (got[i] != want[i]) {
            rt_printf("check %d: byte %d is 0x%x, expected 0x%x\n", n, i, got[i], want[i]);
            isa_check(n, got[i], want[i], "stored image");
        }
    }
}

static void put_le(uint8_t *p, uint64_t v, int n)
{
    for (int i = 0; i < n; i++)
        p[i] = (uint8_t) (v >> (8 * i));
}

int test_main(void)
{
    /* every instruction under test in compressed.S is a 16-bit one: checks 28, 29 */
    {
        int n = (int) (c16_sites_end - c16_sites_begin);
        CKT(29, n > 200);
        for (int i = 0; i < n; i++) {
            uint16_t insn = *(const volatile uint16_t *) c16_sites_begin[i];
            if ((insn & 3) == 3)
                rt_printf("site %d at 0x%lx holds 0x%x\n", i, c16_sites_begin[i], insn);
            isa_check(28, (insn & 3) != 3, 1, "16-bit encoding");
        }
    }

    /* c.addi4spn: checks 1..9 */
    {
        static const uint64_t want[] = {4, 8, 16, 32, 64, 128, 256, 512, 1020};
        c_addi4spn(out);
        check_list(1, out, want, NELEM(want), "c.addi4spn");
    }
    /* c.addi16sp: checks 10..22 */
    {
        static const int64_t want[] = {-512, -256, -128, -64, -32, -16, 16,
                                       32,   64,   128,  256, 496, 0};
        c_addi16sp(out);
        check_list(10, out, (const uint64_t *) want, NELEM(want), "c.addi16sp");
    }

    /* c.lwsp, c.ldsp, c.fldsp: checks 30..53 */
    {
        for (int i = 0; i < 512; i++)
            src[i] = (uint8_t) (i * 0x9d + 0x37);
        put_le(src + 4, 0x80000001UL, 4); /* sign extension of c.lwsp */
        put_le(src + 252, 0xfedcba98UL, 4);
        put_le(src + 504, 0x7ff0000000000001UL, 8); /* a signalling NaN: bits kept */
        put_le(src + 256, 0xffffffff7fc00000UL, 8); /* a boxed single NaN: bits kept */
        static const int lw_off[] = {0, 4, 8, 16, 32, 64, 128, 252};
        static const int ld_off[] = {0, 8, 16, 32, 64, 128, 256, 504};
        c_sp_loads(out, src);
        for (int i = 0; i < 8; i++) {
            isa_check(30 + i, out[i], sext32(le(src + lw_off[i], 4)), "c.lwsp");
            isa_check(38 + i, out[8 + i], le(src + ld_off[i], 8), "c.ldsp");
            isa_check(46 + i, out[16 + i], le(src + ld_off[i], 8), "c.fldsp");
        }
        CK(54, out[1], 0xffffffff80000001UL);
        CK(55, out[7], 0xfffffffffedcba98UL);
        CK(56, out[23], 0x7ff0000000000001UL);

        /* c.swsp, c.sdsp, c.fsdsp: checks 57..59 */
        uint64_t vals[24];
        for (int i = 0; i < 24; i++)
            vals[i] = 0x0101010101010101UL * (uint64_t) (i + 1) ^ 0x8070605040302010UL;
        vals[23] = 0x7ff0000000000001UL;
        rt_memset(buf, 0xcc, sizeof buf);
        c_sp_stores(buf, vals);
        static uint8_t want[1536];
        rt_memset(want, 0, sizeof want);
        for (int i = 0; i < 8; i++) {
            put_le(want + lw_off[i], vals[i], 4);
            put_le(want + 512 + ld_off[i], vals[8 + i], 8);
            put_le(want + 1024 + ld_off[i], vals[16 + i], 8);
        }
        check_image(57, buf, want, 512);
        check_image(58, buf + 512, want + 512, 512);
        check_image(59, buf + 1024, want + 1024, 512);
    }

    /* c.lw, c.ld, c.fld: checks 60..80 */
    {
        static const int lw_off[] = {0, 4, 8, 16, 32, 64, 124};
        static const int ld_off[] = {0, 8, 16, 32, 64, 128, 248};
        put_le(src + 124, 0x8badf00dUL, 4);
        put_le(src + 248, 0xfff0000000000001UL, 8);
        c_mem_loads(out, src);
        for (int i = 0; i < 7; i++) {
            isa_check(60 + i, out[i], sext32(le(src + lw_off[i], 4)), "c.lw");
            isa_check(67 + i, out[7 + i], le(src + ld_off[i], 8), "c.ld");
            isa_check(74 + i, out[14 + i], le(src + ld_off[i], 8), "c.fld");
        }
        CK(81, out[6], 0xffffffff8badf00dUL);
        CK(82, out[20], 0xfff0000000000001UL);

        /* c.sw, c.sd, c.fsd: checks 83..85 */
        uint64_t vals[21];
        for (int i = 0; i < 21; i++)
            vals[i] = 0x1111111111111111UL * (uint64_t) (i % 15 + 1) + (uint64_t) i;
        rt_memset(buf, 0, sizeof buf);
        c_mem_stores(buf, vals);
        static uint8_t want[768];
        rt_memset(want, 0, sizeof want);
        for (int i = 0; i < 7; i++) {
            put_le(want + lw_off[i], vals[i], 4);
            put_le(want + 256 + ld_off[i], vals[7 + i], 8);
            put_le(want + 512 + ld_off[i], vals[14 + i], 8);
        }
        check_image(83, buf, want, 256);
        check_image(84, buf + 256, want + 256, 256);
        check_image(85, buf + 512, want + 512, 256);
    }

    /* c.li, c.lui: checks 90..105 */
    {
        static const uint64_t want[] = {
            (uint64_t) -32,
            ONES,
            0,
            1,
            31,
            (uint64_t) -16,
            16,
            0x1000,
            0x2000,
            0x4000,
            0x8000,
            0x10000,
            0x1f000,
            0xfffffffffffe0000UL,
            0xfffffffffffff000UL,
            0xffffffffffff0000UL,
        };
        c_li_lui(out);
        check_list(90, out, want, NELEM(want), "c.li / c.lui");
    }

    /* c.addi: checks 110..122 */
    {
        static const uint64_t want[] = {
            0x7fffffffffffffd0UL, 0x7fffffffffffffe0UL, 0x7fffffffffffffe8UL, 0x7fffffffffffffecUL,
            0x7fffffffffffffeeUL, 0x7fffffffffffffefUL, 0x7ffffffffffffff1UL, 0x7ffffffffffffff2UL,
            0x7ffffffffffffff4UL, 0x7ffffffffffffff8UL, 0x8000000000000000UL, 0x800000000000000fUL,
            0x7ffffffffffffff1UL,
        };
        c_addi(out, 0x7ffffffffffffff0UL);
        check_list(110, out, want, NELEM(want), "c.addi");
    }
    /* c.addiw: checks 125..131 */
    {
        static const uint64_t want[] = {
            0x7fffffd0UL, 0x7fffffefUL,         0x7ffffff0UL,         0x7ffffff1UL,
            0x7ffffff2UL, 0xffffffff80000000UL, 0xffffffff8000000fUL,
        };
        c_addiw(out, 0x123456787ffffff0UL);
        check_list(125, out, want, NELEM(want), "c.addiw");
    }
    /* c.andi: checks 135..143 */
    {
        static const uint64_t want[] = {
            0xfedcba9876543200UL, 0xfedcba987654321fUL, 0, 1, 2, 4, 8, 0x10, 0x1f,
        };
        c_andi(out, 0xfedcba987654321fUL);
        check_list(135, out, want, NELEM(want), "c.andi");
    }
    /* c.slli, c.srli, c.srai: checks 145..168 */
    {
        static const uint64_t want[] = {
            0x300000002UL,        0x600000004UL,        0x1800000010UL,       0x18000000100UL,
            0x1800000010000UL,    0xc000000080000000UL, 0x8000000100000000UL, 0x8000000000000000UL,
            0x40000000c0000000UL, 0x2000000060000000UL, 0x800000018000000UL,  0x80000001800000UL,
            0x800000018000UL,     0x100000003UL,        0x80000001UL,         1,
            0xc0000000c0000000UL, 0xe000000060000000UL, 0xf800000018000000UL, 0xff80000001800000UL,
            0xffff800000018000UL, 0xffffffff00000003UL, 0xffffffff80000001UL, ONES,
        };
        c_shifts(out, 0x8000000180000001UL);
        check_list(145, out, want, NELEM(want), "c.slli / c.srli / c.srai");
    }

    /* register-register: checks 170..195 */
    CK(170, c_mv(1, 0x0123456789abcdefUL), 0x0123456789abcdefUL);
    CK(171, c_add(0x7fffffffffffffffUL, 1), 0x8000000000000000UL);
    CK(172, c_add(ONES, 2), 1);
    CK(173, c_sub(0, 1), ONES);
    CK(174, c_sub(0x100000000UL, 1), 0xffffffffUL);
    CK(175, c_xor(0xff00ff00ff00ff00UL, 0x0ff00ff00ff00ff0UL), 0xf0f0f0f0f0f0f0f0UL);
    CK(176, c_or(0xff00ff00ff00ff00UL, 0x0ff00ff00ff00ff0UL), 0xfff0fff0fff0fff0UL);
    CK(177, c_and(0xff00ff00ff00ff00UL, 0x0ff00ff00ff00ff0UL), 0x0f000f000f000f00UL);
    CK(178, c_subw(0x180000000UL, 1), 0x7fffffffUL);
    CK(179, c_subw(0, 1), ONES);
    CK(180, c_subw(0x7fffffffUL, ONES), 0xffffffff80000000UL);
    CK(181, c_addw(0x7fffffffUL, 1), 0xffffffff80000000UL);
    CK(182, c_addw(0xffffffffUL, 1), 0);
    CK(183, c_addw(0x1234567800000001UL, 0x9abcdef000000002UL), 3);
    {
        static const uint64_t want[] = {
            0x02468ace93579bdfUL, 0xffffffff7fffffffUL, 0xffffffffffffffffUL, 0x80000000UL,
            0xffffffff93579bdfUL, 0x7fffffffUL,         0x7fffffffUL,         0x0123456789abcdefUL,
        };
        c_rr_regs(out, 0x0123456789abcdefUL, 0xfedcba98f6543210UL);
        check_list(186, out, want, NELEM(want), "c.sub/xor/or/and/subw/addw/add/mv regs");
    }

    /* control transfer: checks 200..230 */
    CK(200, c_jumps(), 0x1f);
    {
        static const uint64_t want[] = {0, 2, 0, 2, 0, 7, 2, 99, 0};
        c_jr_jalr(out);
        check_list(201, out, want, NELEM(want), "c.jr / c.jalr");
    }
    CK(210, c_beqz(0), 1);
    CK(211, c_beqz(1), 0);
    CK(212, c_beqz(0x100000000UL), 0);
    CK(213, c_beqz(0x8000000000000000UL), 0);
    CK(214, c_bnez(0), 0);
    CK(215, c_bnez(1), 1);
    CK(216, c_bnez(0x100000000UL), 1);
    CK(217, c_bnez(ONES), 1);
    CK(218, c_beqz_back(0), 1);
    CK(219, c_beqz_back(0x100000000UL), 0);
    CK(220, c_bnez_back(0), 0);
    CK(221, c_bnez_back(0x8000000000000000UL), 1);
    CK(222, c_branch_far(0), 3);
    CK(223, c_branch_far(0x100000000UL), 0x30);
    CK(224, c_loop(100), 5050);
    CK(225, c_loop(0), 0);
    CK(226, c_odd_align(1), 1 + 0x123 + 3);
    CK(227, c_page_cross(), 5 + 38 + 1 + 0x100 + 2);
    CK(228, (uint64_t) &c_page_cross & 0xfff, 0xffc);

    /* HINTs execute as no-ops */
    CK(231, c_hints(0x1234), 0x1234);

    /* c.ebreak: breakpoint; the handler steps over 2 bytes */
    {
        uint64_t at, after = 0;
        rt_expect_trap();
        __asm__ volatile(".option push\n\t.option rvc\n\t"
                         "lla %0, 1f\n"
                         "1:\tc.ebreak\n\t"
                         "c.li %1, 9\n\t.option pop"
                         : "=&r"(at), "+r"(after)
                         :
                         : "memory");
        CK(232, rt_trap_count(), 1);
        CK(233, rt_trap_last.cause, CAUSE_BREAKPOINT);
        CK(234, rt_trap_last.epc, at);
        CK(235, after, 9);
    }
    /* the all-zero instruction is illegal, tval 0 */
    {
        uint64_t at;
        rt_expect_trap();
        __asm__ volatile("lla %0, 1f\n1:\t.2byte 0" : "=&r"(at) : : "memory");
        CK(236, rt_trap_count(), 1);
        CK(237, rt_trap_last.cause, CAUSE_ILLEGAL_INSTRUCTION);
        CK(238, rt_trap_last.tval, 0);
        CK(239, rt_trap_last.epc, at);
    }
    /* reserved encodings: illegal, tval = the 16 instruction bits */
#define RESERVED(n, bits)                                         \
    do {                                                          \
        rt_expect_trap();                                         \
        __asm__ volatile(".2byte " #bits ::: "memory");           \
        CK(n, rt_trap_count(), 1);                                \
        CK(n + 1, rt_trap_last.cause, CAUSE_ILLEGAL_INSTRUCTION); \
        CK(n + 2, rt_trap_last.tval, bits);                       \
    } while (0)
    RESERVED(240, 0x0004); /* c.addi4spn with nzuimm = 0 */
    RESERVED(243, 0x6101); /* c.addi16sp with nzimm = 0 */
    RESERVED(246, 0x6501); /* c.lui a0, 0 */
    RESERVED(249, 0x8002); /* c.jr zero */
    RESERVED(252, 0x4002); /* c.lwsp zero */
    RESERVED(257, 0x6002); /* c.ldsp zero */
    return 0;
}
