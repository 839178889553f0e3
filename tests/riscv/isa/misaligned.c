/* Misaligned loads and stores of every width (lh/lhu/lw/lwu/ld, sh/sw/sd, flw/fsw/fld/fsd,
 * and the compressed c.lw/c.ld/c.fld/c.sw/c.sd/c.fsd) at every offset within 8 bytes and at
 * every position across a 4 KiB page boundary: they complete, with the right values, and
 * stores write exactly their bytes (docs/riscv-hart.md: the hart performs them). */
#include "isa.h"

static uint8_t mem[3 * 4096] __attribute__((aligned(4096)));

static uint64_t le(const volatile uint8_t *p, int n)
{
    uint64_t v = 0;
    for (int i = n - 1; i >= 0; i--)
        v = (v << 8) | p[i];
    return v;
}

static uint64_t sext(uint64_t v, int bytes)
{
    int sh = 64 - 8 * bytes;
    return (uint64_t) ((int64_t) (v << sh) >> sh);
}

typedef uint64_t (*load_fn)(const volatile void *p);
typedef void (*store_fn)(volatile void *p, uint64_t v);

#define LOAD_FN(name, insn)                                                \
    static uint64_t name(const volatile void *p)                           \
    {                                                                      \
        uint64_t r;                                                        \
        __asm__ volatile(insn " %0, 0(%1)" : "=r"(r) : "r"(p) : "memory"); \
        return r;                                                          \
    }
#define STORE_FN(name, insn)                                             \
    static void name(volatile void *p, uint64_t v)                       \
    {                                                                    \
        __asm__ volatile(insn " %0, 0(%1)" ::"r"(v), "r"(p) : "memory"); \
    }

LOAD_FN(ld_lh, "lh")
LOAD_FN(ld_lhu, "lhu")
LOAD_FN(ld_lw, "lw")
LOAD_FN(ld_lwu, "lwu")
LOAD_FN(ld_ld, "ld")
STORE_FN(st_sh, "sh")
STORE_FN(st_sw, "sw")
STORE_FN(st_sd, "sd")

static uint64_t ld_flw(const volatile void *p)
{
    uint64_t r;
    __asm__ volatile("flw ft0, 0(%1)\n\tfmv.x.w %0, ft0" : "=r"(r) : "r"(p) : "ft0", "memory");
    return r;
}
static uint64_t ld_fld(const volatile void *p)
{
    uint64_t r;
    __asm__ volatile("fld ft0, 0(%1)\n\tfmv.x.d %0, ft0" : "=r"(r) : "r"(p) : "ft0", "memory");
    return r;
}
static void st_fsw(volatile void *p, uint64_t v)
{
    __asm__ volatile("fmv.w.x ft0, %0\n\tfsw ft0, 0(%1)" ::"r"(v), "r"(p) : "ft0", "memory");
}
static void st_fsd(volatile void *p, uint64_t v)
{
    __asm__ volatile("fmv.d.x ft0, %0\n\tfsd ft0, 0(%1)" ::"r"(v), "r"(p) : "ft0", "memory");
}

/* compressed forms: base and data in x8..x15 / f8..f15 */
static uint64_t ld_c_lw(const volatile void *p)
{
    register const volatile void *base __asm__("a4") = p;
    register uint64_t r __asm__("a5");
    __asm__ volatile(".option push\n\t.option rvc\n\tc.lw %0, 0(%1)\n\t.option pop"
                     : "=r"(r)
                     : "r"(base)
                     : "memory");
    return r;
}
static uint64_t ld_c_ld(const volatile void *p)
{
    register const volatile void *base __asm__("a4") = p;
    register uint64_t r __asm__("a5");
    __asm__ volatile(".option push\n\t.option rvc\n\tc.ld %0, 0(%1)\n\t.option pop"
                     : "=r"(r)
                     : "r"(base)
                     : "memory");
    return r;
}
static uint64_t ld_c_fld(const volatile void *p)
{
    register const volatile void *base __asm__("a4") = p;
    uint64_t r;
    __asm__ volatile(".option push\n\t.option rvc\n\tc.fld fa5, 0(%1)\n\t.option pop\n\t"
                     "fmv.x.d %0, fa5"
                     : "=r"(r)
                     : "r"(base)
                     : "fa5", "memory");
    return r;
}
static void st_c_sw(volatile void *p, uint64_t v)
{
    register volatile void *base __asm__("a4") = p;
    register uint64_t val __asm__("a5") = v;
    __asm__ volatile(".option push\n\t.option rvc\n\tc.sw %0, 0(%1)\n\t.option pop" ::"r"(val),
                     "r"(base)
                     : "memory");
}
static void st_c_sd(volatile void *p, uint64_t v)
{
    register volatile void *base __asm__("a4") = p;
    register uint64_t val __asm__("a5") = v;
    __asm__ volatile(".option push\n\t.option rvc\n\tc.sd %0, 0(%1)\n\t.option pop" ::"r"(val),
                     "r"(base)
                     : "memory");
}
static void st_c_fsd(volatile void *p, uint64_t v)
{
    register volatile void *base __asm__("a4") = p;
    __asm__ volatile("fmv.d.x fa5, %0\n\t"
                     ".option push\n\t.option rvc\n\tc.fsd fa5, 0(%1)\n\t.option pop" ::"r"(v),
                     "r"(base)
                     : "fa5", "memory");
}

struct load_case {
    load_fn fn;
    int bytes;
    int is_signed;
    const char *name;
};
struct store_case {
    store_fn fn;
    int bytes;
    const char *name;
};

static const struct load_case loads[] = {
    {ld_lh, 2, 1, "lh"},       {ld_lhu, 2, 0, "lhu"},   {ld_lw, 4, 1, "lw"},
    {ld_lwu, 4, 0, "lwu"},     {ld_ld, 8, 0, "ld"},     {ld_flw, 4, 1, "flw"},
    {ld_fld, 8, 0, "fld"},     {ld_c_lw, 4, 1, "c.lw"}, {ld_c_ld, 8, 0, "c.ld"},
    {ld_c_fld, 8, 0, "c.fld"},
};
static const struct store_case stores[] = {
    {st_sh, 2, "sh"},   {st_sw, 4, "sw"},     {st_sd, 8, "sd"},     {st_fsw, 4, "fsw"},
    {st_fsd, 8, "fsd"}, {st_c_sw, 4, "c.sw"}, {st_c_sd, 8, "c.sd"}, {st_c_fsd, 8, "c.fsd"},
};

static void fill(void)
{
    for (int i = 0; i < (int) sizeof mem; i++)
        mem[i] = (uint8_t) (i * 0x3b + 0x91);
}

/* One load at p: it must not trap and must return the bytes there. */
static void try_load(int n, const struct load_case *c, const volatile uint8_t *p)
{
    uint64_t want = le(p, c->bytes);
    if (c->is_signed)
        want = sext(want, c->bytes);
    rt_expect_trap();
    uint64_t got = c->fn(p);
    int traps = rt_trap_count();
    if (traps)
        rt_printf("%s at %p trapped: cause %ld tval 0x%lx\n", c->name, p, rt_trap_last.cause,
                  rt_trap_last.tval);
    isa_check(n, traps, 0, c->name);
    if (got != want)
        rt_printf("%s at %p\n", c->name, p);
    isa_check(n, got, want, c->name);
}

/* One store at p: no trap, exactly its bytes change. */
static void try_store(int n, const struct store_case *c, volatile uint8_t *p)
{
    static uint8_t before[32];
    uint64_t v = 0x8877665544332211UL ^ (uint64_t) p;
    for (int i = 0; i < 32; i++)
        before[i] = p[i - 8];
    rt_expect_trap();
    c->fn(p, v);
    int traps = rt_trap_count();
    if (traps)
        rt_printf("%s at %p trapped: cause %ld tval 0x%lx\n", c->name, p, rt_trap_last.cause,
                  rt_trap_last.tval);
    isa_check(n, traps, 0, c->name);
    for (int i = -8; i < 24; i++) {
        uint8_t want = (i >= 0 && i < c->bytes) ? (uint8_t) (v >> (8 * i)) : before[i + 8];
        if (p[i] != want)
            rt_printf("%s at %p: byte %d is 0x%x, expected 0x%x\n", c->name, p, i, p[i], want);
        isa_check(n, p[i], want, c->name);
    }
}

/* Check numbers: 10 + 10 * op for the offsets inside a page, 15 + 10 * op for the
 * positions across the boundary; the message names the instruction and the address. */
int test_main(void)
{
    for (int o = 0; o < (int) (sizeof loads / sizeof loads[0]); o++) {
        fill();
        for (int off = 0; off < 8; off++)
            try_load(10 + 10 * o, &loads[o], mem + 64 + off); /* 10..100 */
        for (int k = 1; k < loads[o].bytes; k++)
            try_load(15 + 10 * o, &loads[o], mem + 4096 - k); /* 15..105 */
    }
    for (int o = 0; o < (int) (sizeof stores / sizeof stores[0]); o++) {
        fill();
        for (int off = 0; off < 8; off++)
            try_store(110 + 10 * o, &stores[o], mem + 128 + off); /* 110..180 */
        for (int k = 1; k < stores[o].bytes; k++)
            try_store(115 + 10 * o, &stores[o], mem + 8192 - k); /* 115..185 */
    }
    return 0;
}
