/* FP loads and stores: flw/fsw/fld/fsd with positive, negative and extreme offsets, the
 * compressed c.fld/c.fsd/c.fldsp/c.fsdsp, misaligned addresses, also across a page
 * boundary (which this hart performs, see docs/riscv-hart.md), bit patterns moved unchanged
 * (signaling NaNs and payloads are neither quieted nor canonicalized), only the accessed bytes
 * written, fflags untouched, and the same bytes seen through integer loads and stores.
 */
#include "fp.h"

static volatile uint8_t area[8192] __attribute__((aligned(4096)));

static void fill(void)
{
    for (int i = 0; i < (int) sizeof(area); i++)
        area[i] = (uint8_t) (i * 7 + 1);
}

static uint64_t bytes_at(int off, int n)
{
    uint64_t v = 0;
    for (int i = n - 1; i >= 0; i--)
        v = v << 8 | area[off + i];
    return v;
}

/* What fill() left at off .. off + n - 1 */
static uint64_t filled(int off, int n)
{
    uint64_t v = 0;
    for (int i = n - 1; i >= 0; i--)
        v = v << 8 | (uint8_t) ((off + i) * 7 + 1);
    return v;
}

static void put_bytes(int off, uint64_t v, int n)
{
    for (int i = 0; i < n; i++)
        area[off + i] = (uint8_t) (v >> (8 * i));
}

/* ld/st through a base register pointing at the middle of the area */
#define MID 2048

static void offsets(void)
{
    volatile uint8_t *mid = area + MID;
    uint64_t a, b, c, d;
    fill();
    put_bytes(0, 0x7f800001, 4);                         /* sNaN */
    put_bytes(MID + 2044, 0xffc12345, 4);                /* negative qNaN with payload */
    put_bytes(MID - 2048 + 8, 0x7ff0000000000001ull, 8); /* double sNaN */
    put_bytes(MID + 2032, 0xfff8000000abcdefull, 8);
    __asm__ volatile("flw ft0, -2048(%4)\n\tflw ft1, 2044(%4)\n\tfld ft2, -2040(%4)\n\t"
                     "fld ft3, 2032(%4)\n\t"
                     "fmv.x.d %0, ft0\n\tfmv.x.d %1, ft1\n\tfmv.x.d %2, ft2\n\tfmv.x.d %3, ft3"
                     : "=r"(a), "=r"(b), "=r"(c), "=r"(d)
                     : "r"(mid)
                     : "ft0", "ft1", "ft2", "ft3", "memory");
    CHECK_EQ(1, a, fp_box(0x7f800001));
    CHECK_EQ(2, b, fp_box(0xffc12345));
    CHECK_EQ(3, c, 0x7ff0000000000001ull);
    CHECK_EQ(4, d, 0xfff8000000abcdefull);

    /* stores: exactly the addressed bytes change */
    fill();
    __asm__ volatile(
        "fmv.w.x ft0, %1\n\tfmv.d.x ft1, %2\n\t"
        "fsw ft0, -2048(%0)\n\tfsw ft0, 2044(%0)\n\tfsd ft1, -8(%0)\n\tfsd ft1, 2032(%0)" ::"r"(
            mid),
        "r"(0x7fa00001ull), "r"(0x7ff4000000000005ull)
        : "ft0", "ft1", "memory");
    CHECK_EQ(5, bytes_at(0, 4), 0x7fa00001);
    CHECK_EQ(6, bytes_at(4, 4), filled(4, 4));
    CHECK_EQ(7, bytes_at(MID + 2044, 4), 0x7fa00001);
    CHECK_EQ(8, bytes_at(MID + 2040, 4), filled(MID + 2040, 4));
    CHECK_EQ(9, bytes_at(MID + 2032, 8), 0x7ff4000000000005ull);
    CHECK_EQ(10, bytes_at(MID - 8, 8), 0x7ff4000000000005ull);
    CHECK_EQ(11, bytes_at(MID - 16, 8), filled(MID - 16, 8));
    CHECK_EQ(12, bytes_at(MID, 8), filled(MID, 8));
}

static void integer_view(void)
{
    volatile uint64_t d = 0;
    volatile uint32_t w[2] = {0, 0x55555555};
    uint64_t x, y;
    /* fsd, then ld: the register's bits, little-endian like everything else */
    __asm__ volatile("fmv.d.x ft0, %2\n\tfsd ft0, 0(%3)\n\tld %0, 0(%3)\n\tlw %1, 0(%3)"
                     : "=&r"(x), "=&r"(y)
                     : "r"(0xc00921fb54442d18ull), "r"(&d)
                     : "ft0", "memory");
    CHECK_EQ(21, x, 0xc00921fb54442d18ull);
    CHECK_EQ(22, y, 0x54442d18);
    /* sw, then flw */
    __asm__ volatile("sw %2, 0(%1)\n\tflw ft0, 0(%1)\n\tfmv.x.d %0, ft0"
                     : "=r"(x)
                     : "r"(w), "r"(0x80000001ull)
                     : "ft0", "memory");
    CHECK_EQ(23, x, fp_box(0x80000001));
    CHECK_EQ(24, w[1], 0x55555555);
}

static void flags_untouched(void)
{
    volatile uint64_t d = 0x7ff0000000000001ull;
    volatile uint32_t w = 0x7f800001;
    uint64_t f1, f2;
    /* loads and stores of signaling NaNs raise nothing and clear nothing */
    __asm__ volatile("fsflagsi 0x1f\n\tfld ft0, 0(%2)\n\tflw ft1, 0(%3)\n\tfsd ft0, 0(%2)\n\t"
                     "fsw ft1, 0(%3)\n\tfrflags %0\n\tfsflagsi 0\n\tfld ft0, 0(%2)\n\t"
                     "flw ft1, 0(%3)\n\tfsd ft0, 0(%2)\n\tfsw ft1, 0(%3)\n\tfrflags %1"
                     : "=&r"(f1), "=&r"(f2)
                     : "r"(&d), "r"(&w)
                     : "ft0", "ft1", "memory");
    CHECK_EQ(31, f1, 0x1f);
    CHECK_EQ(32, f2, 0);
    CHECK_EQ(33, d, 0x7ff0000000000001ull);
    CHECK_EQ(34, w, 0x7f800001);
}

static void compressed(void)
{
    volatile uint64_t d[4] = {0x3ff0000000000000ull, 0x7ff0000000000002ull, 0, 0};
    uint64_t a, b, s1, s2, s3;
    /* c.fld / c.fsd: f8..f15 and x8..x15 only (fa0..fa5, a0..a5 here) */
    __asm__ volatile("mv a0, %5\n\t"
                     "c.fld fa0, 8(a0)\n\tc.fld fa1, 0(a0)\n\t"
                     "c.fsd fa0, 16(a0)\n\tc.fsd fa1, 24(a0)\n\t"
                     "fmv.x.d %0, fa0\n\tfmv.x.d %1, fa1\n\t"
                     "addi sp, sp, -32\n\t"
                     "c.fsdsp fa0, 8(sp)\n\tc.fldsp fa2, 8(sp)\n\tld %2, 8(sp)\n\t"
                     "sd %6, 16(sp)\n\tc.fldsp fa3, 16(sp)\n\t"
                     "addi sp, sp, 32\n\t"
                     "fmv.x.d %3, fa3\n\tfmv.x.d %4, fa2"
                     : "=&r"(a), "=&r"(b), "=&r"(s1), "=&r"(s2), "=&r"(s3)
                     : "r"(d), "r"(0x0123456789abcdefull)
                     : "a0", "fa0", "fa1", "fa2", "fa3", "memory");
    CHECK_EQ(41, a, 0x7ff0000000000002ull);
    CHECK_EQ(42, b, 0x3ff0000000000000ull);
    CHECK_EQ(43, d[2], 0x7ff0000000000002ull);
    CHECK_EQ(44, d[3], 0x3ff0000000000000ull);
    CHECK_EQ(45, s1, 0x7ff0000000000002ull);
    CHECK_EQ(46, s2, 0x0123456789abcdefull);
    CHECK_EQ(47, s3, 0x7ff0000000000002ull);
}

static void misaligned(void)
{
    uint64_t a, b;
    fill();
    put_bytes(1, 0x40490fdb, 4);             /* pi as a single, at an odd address */
    put_bytes(13, 0x400921fb54442d18ull, 8); /* pi as a double, 5 bytes off alignment */
    __asm__ volatile("flw ft0, 1(%2)\n\tfld ft1, 13(%2)\n\tfmv.x.d %0, ft0\n\tfmv.x.d %1, ft1"
                     : "=r"(a), "=r"(b)
                     : "r"(area)
                     : "ft0", "ft1", "memory");
    CHECK_EQ(51, a, fp_box(0x40490fdb));
    CHECK_EQ(52, b, 0x400921fb54442d18ull);
    __asm__ volatile("fsw ft0, 34(%0)\n\tfsd ft1, 45(%0)" ::"r"(area) : "memory");
    CHECK_EQ(53, bytes_at(34, 4), 0x40490fdb);
    CHECK_EQ(54, bytes_at(45, 8), 0x400921fb54442d18ull);
    CHECK_EQ(55, bytes_at(32, 2), filled(32, 2));
    CHECK_EQ(56, bytes_at(38, 7), filled(38, 7));
    CHECK_EQ(57, bytes_at(53, 3), filled(53, 3));
}

/* Misaligned across a 4 KiB page boundary (area + 4096 starts a page) */
static void page_crossing(void)
{
    uint64_t a, b;
    fill();
    put_bytes(4093, 0xc00921fb54442d18ull, 8);
    put_bytes(4094 - 16, 0x3f7fffff, 4);
    __asm__ volatile("fld ft0, -3(%2)\n\tfmv.x.d %0, ft0\n\t"
                     "flw ft1, -18(%2)\n\tfmv.x.d %1, ft1\n\t"
                     "fsw ft1, -2(%2)\n\tfsd ft0, -11(%2)"
                     : "=&r"(a), "=&r"(b)
                     : "r"(area + 4096)
                     : "ft0", "ft1", "memory");
    CHECK_EQ(61, a, 0xc00921fb54442d18ull);
    CHECK_EQ(62, b, fp_box(0x3f7fffff));
    CHECK_EQ(63, bytes_at(4094, 4), 0x3f7fffff);
    CHECK_EQ(64, bytes_at(4085, 8), 0xc00921fb54442d18ull);
    CHECK_EQ(65, bytes_at(4098, 3), 0xc00921); /* the rest of the double at 4093 */
    CHECK_EQ(66, bytes_at(4093, 1), 0x18);
    CHECK_EQ(67, bytes_at(4082, 3), filled(4082, 3));
}

int test_main(void)
{
    offsets();
    integer_view();
    flags_untouched();
    compressed();
    misaligned();
    page_crossing();
    return 0;
}
