/* Random RISC-V instruction streams for the step-level differential tester (see rv-gen.h). */
#include <glib.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "rv-gen.h"

uint64_t rvg_next(RvgRng *r)
{
    uint64_t z = (r->s += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

uint64_t rvg_below(RvgRng *r, uint64_t n)
{
    return n ? rvg_next(r) % n : 0;
}

bool rvg_is_base_reg(unsigned r)
{
    return r == 2 || r == 8 || r == 9;
}

void rvg_options_default(RvgOptions *o)
{
    o->rv_c = true;
    o->rv_a = true;
    o->rv_fd = true;
    o->rv_m = true;
    o->misaligned = false;
    o->improper_box = true;
    o->focus = RVG_FOCUS_NONE;
}

bool rvg_focus_from_name(const char *name, RvgFocus *focus)
{
    static const char *const names[] = {"none", "int", "mem", "amo", "fp", "rvc", "branch"};
    for (unsigned i = 0; i < G_N_ELEMENTS(names); i++) {
        if (g_strcmp0(name, names[i]) == 0) {
            *focus = (RvgFocus) i;
            return true;
        }
    }
    return false;
}

/* Base registers stay in here, so that any 12-bit offset, and a c.addi16sp of up to
 * +-512 before it, still lands in the data area. */
#define BASE_LO (RVG_DATA_BASE + 2048 + 512)
#define BASE_HI (RVG_DATA_BASE + RVG_DATA_SIZE - 2048 - 512 - 16)

/* ---- Special values ---------------------------------------------------------------- */

static const uint32_t special_s[] = {
    0x00000000, 0x80000000, 0x7f800000, 0xff800000, /* +-0, +-inf */
    0x7fc00000, 0xffc00000, 0x7fffffff, 0x7fc00001, /* qNaNs */
    0x7f800001, 0xff800001, 0x7fa00000, 0x7fbfffff, /* sNaNs */
    0x00000001, 0x80000001, 0x007fffff, 0x807fffff, /* subnormals */
    0x3f800000, 0xbf800000, 0x7f7fffff, 0xff7fffff, /* +-1, +-max */
    0x00800000, 0x80800000, 0x00800001, 0x3f000000, /* min normals, 0.5 */
    0x3fc00000, 0x40490fdb, 0x4b000000, 0x4f000000, /* 1.5, pi, 2^23, 2^31 */
    0xcf000000, 0x5f000000, 0xdf000000, 0x4f800000, /* -2^31, 2^63, -2^63, 2^32 */
    0x34000000, 0x33800000, 0x3effffff, 0x3f000001, /* eps, tiny, just around 0.5 */
    0x4effffff, 0xcf000001, 0x5effffff, 0x3fffffff,
};

static const uint64_t special_d[] = {
    0x0000000000000000, 0x8000000000000000, 0x7ff0000000000000, 0xfff0000000000000,
    0x7ff8000000000000, 0xfff8000000000000, 0x7fffffffffffffff, 0x7ff8000000000001,
    0x7ff0000000000001, 0xfff0000000000001, 0x7ff4000000000000, 0x7ff7ffffffffffff,
    0x0000000000000001, 0x8000000000000001, 0x000fffffffffffff, 0x800fffffffffffff,
    0x3ff0000000000000, 0xbff0000000000000, 0x7fefffffffffffff, 0xffefffffffffffff,
    0x0010000000000000, 0x8010000000000000, 0x0010000000000001, 0x3fe0000000000000,
    0x3ff8000000000000, 0x400921fb54442d18, 0x4330000000000000, 0x41e0000000000000,
    0xc1e0000000000000, 0x43e0000000000000, 0xc3e0000000000000, 0x41f0000000000000,
    0x3cb0000000000000, 0x36a0000000000000, 0x3810000000000000, 0x380fffffffffffff,
    0x47efffffe0000000, 0x47f0000000000000, 0x36a0000000000001, 0x41dfffffffc00000,
    0xc1e0000000200000, 0x43dfffffffffffff, 0x3fdfffffffffffff, 0x3fe0000000000001,
};

static const uint64_t special_x[] = {
    0,
    1,
    2,
    0xffffffffffffffff,
    0x8000000000000000,
    0x7fffffffffffffff,
    0xffffffff80000000,
    0x7fffffff,
    0x80000000,
    0xffffffff,
    0x100000000,
    0xfffffffe,
    0x8000000000000001,
    0x1f,
    0x20,
    0x3f,
    0x40,
    0xffffffffffff8000,
};

static uint32_t random_single(RvgRng *r)
{
    switch (rvg_below(r, 4)) {
    case 0: return special_s[rvg_below(r, G_N_ELEMENTS(special_s))];
    case 1: {
        /* Exponent near the edges of the range, where rounding and flags are interesting. */
        static const uint32_t exps[] = {0,   1,   2,   23,  24,  100, 126, 127, 128,
                                        150, 157, 158, 189, 190, 253, 254, 255};
        uint32_t e = exps[rvg_below(r, G_N_ELEMENTS(exps))];
        return (uint32_t) (rvg_below(r, 2) << 31) | (e << 23) | (uint32_t) rvg_below(r, 1u << 23);
    }
    case 2: {
        /* A small integer, exactly representable. */
        int v = (int) rvg_below(r, 64) - 32;
        float fv = (float) v * (rvg_below(r, 2) ? 0.5f : 1.0f);
        uint32_t bits;
        memcpy(&bits, &fv, 4);
        return bits;
    }
    default: return (uint32_t) rvg_next(r);
    }
}

static uint64_t random_double(RvgRng *r)
{
    switch (rvg_below(r, 4)) {
    case 0: return special_d[rvg_below(r, G_N_ELEMENTS(special_d))];
    case 1: {
        static const uint64_t exps[] = {0,    1,    2,    52,   53,   896,  897,  1022, 1023, 1024,
                                        1054, 1055, 1086, 1087, 1150, 1151, 2045, 2046, 2047};
        uint64_t e = exps[rvg_below(r, G_N_ELEMENTS(exps))];
        return (rvg_below(r, 2) << 63) | (e << 52) | (rvg_next(r) & ((1ull << 52) - 1));
    }
    case 2: {
        double dv = (double) ((int) rvg_below(r, 64) - 32) * (rvg_below(r, 2) ? 0.5 : 1.0);
        uint64_t bits;
        memcpy(&bits, &dv, 8);
        return bits;
    }
    default: return rvg_next(r);
    }
}

/* A value for an f register: boxed single, double, or (with improper_box) anything. */
static uint64_t random_freg(RvgRng *r, const RvgOptions *o)
{
    unsigned k = (unsigned) rvg_below(r, 20);
    if (k < 10)
        return 0xffffffff00000000ull | random_single(r);
    if (k < 18 || !o->improper_box)
        return random_double(r);
    /* Improperly boxed: the upper half is not all ones. */
    uint64_t v = k == 18 ? (uint64_t) random_single(r) : rvg_next(r);
    return (v >> 32) == 0xffffffffu ? v & ~(1ull << 40) : v;
}

static uint64_t random_xval(RvgRng *r)
{
    switch (rvg_below(r, 6)) {
    case 0:
    case 1: return special_x[rvg_below(r, G_N_ELEMENTS(special_x))];
    case 2: return (uint64_t) (int64_t) (int) rvg_below(r, 64) - 32;
    case 3: return 0xffffffff00000000ull | random_single(r);
    case 4: return random_double(r);
    default: return rvg_next(r);
    }
}

static uint64_t random_base(RvgRng *r)
{
    return BASE_LO + 8 * rvg_below(r, (BASE_HI - BASE_LO) / 8);
}

/* ---- Emitting -------------------------------------------------------------------------- */

typedef enum {
    FIX_B,     /* B-type branch */
    FIX_J,     /* jal */
    FIX_CB,    /* c.beqz / c.bnez */
    FIX_CJ,    /* c.j */
    FIX_IMM12, /* jalr or addi: I-type immediate = target - anchor (+ extra) */
} FixKind;

typedef struct Fixup {
    size_t off;    /* the instruction to patch */
    size_t anchor; /* pc-relative to this offset */
    size_t group;  /* the target group */
    int extra;     /* added to the offset (jalr with bit 0 set) */
    FixKind kind;
} Fixup;

typedef struct Gen {
    RvgRng rng;
    RvgProgram *p;
    const RvgOptions *o;
    GArray *groups; /* size_t: start offset of each group */
    GArray *fixups;
    /* Whether each f register was last written with a double (by the stream as written,
     * ignoring branches): operands are mostly drawn to match, so that fewer singles read
     * a double and turn into NaNs. */
    bool f_double[32];
} Gen;

static const char *const xn[32] = {
    "zero", "ra", "sp", "gp", "tp",  "t0",  "t1", "t2", "s0", "s1", "a0",
    "a1",   "a2", "a3", "a4", "a5",  "a6",  "a7", "s2", "s3", "s4", "s5",
    "s6",   "s7", "s8", "s9", "s10", "s11", "t3", "t4", "t5", "t6",
};
static const char *const fn[32] = {
    "ft0", "ft1", "ft2", "ft3", "ft4",  "ft5",  "ft6", "ft7", "fs0",  "fs1",  "fa0",
    "fa1", "fa2", "fa3", "fa4", "fa5",  "fa6",  "fa7", "fs2", "fs3",  "fs4",  "fs5",
    "fs6", "fs7", "fs8", "fs9", "fs10", "fs11", "ft8", "ft9", "ft10", "ft11",
};
static const char *const rm_name[8] = {"rne", "rtz", "rdn", "rup", "rmm", "rm5", "rm6", "dyn"};

static RvgInsn *emit(Gen *g, uint32_t raw, unsigned len, const char *fmt, ...) G_GNUC_PRINTF(4, 5);

static RvgInsn *emit(Gen *g, uint32_t raw, unsigned len, const char *fmt, ...)
{
    RvgProgram *p = g->p;
    g_assert(p->code_len + len <= RVG_CODE_MAX);
    size_t off = p->code_len;
    for (unsigned i = 0; i < len; i++)
        p->code[off + i] = (uint8_t) (raw >> (8 * i));
    p->code_len += len;
    RvgInsn *in = &p->insns[off / 2];
    memset(in, 0, sizeof(*in));
    in->raw = raw;
    in->len = (uint8_t) len;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(in->text, sizeof(in->text), fmt, ap);
    va_end(ap);
    return in;
}

static void begin_group(Gen *g)
{
    size_t off = g->p->code_len;
    g_array_append_val(g->groups, off);
}

static void add_fixup(Gen *g, FixKind kind, size_t anchor, unsigned ahead, int extra)
{
    Fixup f = {
        .off = g->p->code_len,
        .anchor = anchor,
        .group = g->groups->len - 1 + ahead,
        .extra = extra,
        .kind = kind,
    };
    g_array_append_val(g->fixups, f);
}

/* Encoders */
static uint32_t enc_r(uint32_t op, unsigned f3, unsigned f7, unsigned rd, unsigned rs1,
                      unsigned rs2)
{
    return (f7 << 25) | (rs2 << 20) | (rs1 << 15) | (f3 << 12) | (rd << 7) | op;
}

static uint32_t enc_i(uint32_t op, unsigned f3, unsigned rd, unsigned rs1, int32_t imm)
{
    return ((uint32_t) (imm & 0xfff) << 20) | (rs1 << 15) | (f3 << 12) | (rd << 7) | op;
}

static uint32_t enc_s(uint32_t op, unsigned f3, unsigned rs1, unsigned rs2, int32_t imm)
{
    uint32_t u = (uint32_t) imm & 0xfff;
    return ((u >> 5) << 25) | (rs2 << 20) | (rs1 << 15) | (f3 << 12) | ((u & 31) << 7) | op;
}

static uint32_t enc_b_imm(int32_t imm)
{
    uint32_t u = (uint32_t) imm;
    return (((u >> 12) & 1) << 31) | (((u >> 5) & 0x3f) << 25) | (((u >> 1) & 0xf) << 8) |
           (((u >> 11) & 1) << 7);
}

static uint32_t enc_j_imm(int32_t imm)
{
    uint32_t u = (uint32_t) imm;
    return (((u >> 20) & 1) << 31) | (((u >> 1) & 0x3ff) << 21) | (((u >> 11) & 1) << 20) |
           (((u >> 12) & 0xff) << 12);
}

static uint32_t enc_cj_imm(int32_t imm)
{
    uint32_t u = (uint32_t) imm;
    return (((u >> 11) & 1) << 12) | (((u >> 4) & 1) << 11) | (((u >> 8) & 3) << 9) |
           (((u >> 10) & 1) << 8) | (((u >> 6) & 1) << 7) | (((u >> 7) & 1) << 6) |
           (((u >> 1) & 7) << 3) | (((u >> 5) & 1) << 2);
}

static uint32_t enc_cb_imm(int32_t imm)
{
    uint32_t u = (uint32_t) imm;
    return (((u >> 8) & 1) << 12) | (((u >> 3) & 3) << 10) | (((u >> 6) & 3) << 5) |
           (((u >> 1) & 3) << 3) | (((u >> 5) & 1) << 2);
}

/* ---- Operand choice ------------------------------------------------------------------- */

static unsigned rd_x(Gen *g)
{
    if (rvg_below(&g->rng, 40) == 0)
        return 0;
    for (;;) {
        unsigned r = 1 + (unsigned) rvg_below(&g->rng, 31);
        if (!rvg_is_base_reg(r))
            return r;
    }
}

static unsigned rs_x(Gen *g)
{
    return (unsigned) rvg_below(&g->rng, 32);
}

/* Compressed x8..x15 operands: written ones avoid the bases x8, x9. */
static unsigned rdc_x(Gen *g)
{
    return 10 + (unsigned) rvg_below(&g->rng, 6);
}

static unsigned rsc_x(Gen *g)
{
    return 8 + (unsigned) rvg_below(&g->rng, 8);
}

static unsigned base_reg(Gen *g)
{
    static const unsigned b[] = {2, 8, 9};
    return b[rvg_below(&g->rng, 3)];
}

static unsigned f_reg(Gen *g)
{
    return (unsigned) rvg_below(&g->rng, 32);
}

/* A source register, most of the time one that holds the right precision. */
static unsigned f_src(Gen *g, bool dbl)
{
    unsigned start = f_reg(g);
    if (rvg_below(&g->rng, 8) == 0)
        return start;
    for (unsigned i = 0; i < 32; i++) {
        unsigned r = (start + i) & 31;
        if (g->f_double[r] == dbl)
            return r;
    }
    return start;
}

static unsigned rm_field(Gen *g)
{
    unsigned k = (unsigned) rvg_below(&g->rng, 8);
    return k >= 5 ? 7 : k;
}

static int32_t imm12(Gen *g)
{
    switch (rvg_below(&g->rng, 8)) {
    case 0: return 0;
    case 1: return -1;
    case 2: return 2047;
    case 3: return -2048;
    case 4: return (int32_t) rvg_below(&g->rng, 32) - 16;
    default: return (int32_t) rvg_below(&g->rng, 4096) - 2048;
    }
}

/* An offset from a base register for an access of size bytes. */
static int32_t mem_off(Gen *g, unsigned size)
{
    if (g->o->misaligned && rvg_below(&g->rng, 2))
        return (int32_t) rvg_below(&g->rng, 4096 - 8) - 2048;
    return (int32_t) (rvg_below(&g->rng, 4096 / size) * size) - 2048;
}

/* ---- Instruction classes -------------------------------------------------------------- */

static void gen_alu_imm(Gen *g)
{
    static const struct {
        const char *name;
        unsigned f3;
    } ops[] = {{"addi", 0}, {"slti", 2}, {"sltiu", 3}, {"xori", 4}, {"ori", 6}, {"andi", 7}};
    unsigned rd = rd_x(g), rs1 = rs_x(g);
    unsigned k = (unsigned) rvg_below(&g->rng, 12);
    if (k < 6) {
        int32_t imm = imm12(g);
        emit(g, enc_i(0x13, ops[k].f3, rd, rs1, imm), 4, "%s %s, %s, %d", ops[k].name, xn[rd],
             xn[rs1], imm);
    } else if (k < 9) {
        static const char *const names[] = {"slli", "srli", "srai"};
        static const unsigned f3[] = {1, 5, 5}, hi[] = {0, 0, 0x400};
        unsigned sh = (unsigned) rvg_below(&g->rng, 64), i = k - 6;
        emit(g, enc_i(0x13, f3[i], rd, rs1, (int32_t) (hi[i] | sh)), 4, "%s %s, %s, %u", names[i],
             xn[rd], xn[rs1], sh);
    } else if (k == 9) {
        int32_t imm = imm12(g);
        emit(g, enc_i(0x1b, 0, rd, rs1, imm), 4, "addiw %s, %s, %d", xn[rd], xn[rs1], imm);
    } else {
        static const char *const names[] = {"slliw", "srliw", "sraiw"};
        static const unsigned f3[] = {1, 5, 5}, hi[] = {0, 0, 0x400};
        unsigned sh = (unsigned) rvg_below(&g->rng, 32), i = (unsigned) rvg_below(&g->rng, 3);
        emit(g, enc_i(0x1b, f3[i], rd, rs1, (int32_t) (hi[i] | sh)), 4, "%s %s, %s, %u", names[i],
             xn[rd], xn[rs1], sh);
    }
}

static void gen_alu_reg(Gen *g)
{
    static const struct {
        const char *name;
        uint32_t op;
        unsigned f3, f7;
    } ops[] = {
        {"add", 0x33, 0, 0},  {"sub", 0x33, 0, 0x20}, {"sll", 0x33, 1, 0},
        {"slt", 0x33, 2, 0},  {"sltu", 0x33, 3, 0},   {"xor", 0x33, 4, 0},
        {"srl", 0x33, 5, 0},  {"sra", 0x33, 5, 0x20}, {"or", 0x33, 6, 0},
        {"and", 0x33, 7, 0},  {"addw", 0x3b, 0, 0},   {"subw", 0x3b, 0, 0x20},
        {"sllw", 0x3b, 1, 0}, {"srlw", 0x3b, 5, 0},   {"sraw", 0x3b, 5, 0x20},
    };
    unsigned k = (unsigned) rvg_below(&g->rng, G_N_ELEMENTS(ops));
    unsigned rd = rd_x(g), rs1 = rs_x(g), rs2 = rs_x(g);
    emit(g, enc_r(ops[k].op, ops[k].f3, ops[k].f7, rd, rs1, rs2), 4, "%s %s, %s, %s", ops[k].name,
         xn[rd], xn[rs1], xn[rs2]);
}

static void gen_upper(Gen *g)
{
    unsigned rd = rd_x(g);
    uint32_t imm = (uint32_t) rvg_below(&g->rng, 1u << 20);
    if (rvg_below(&g->rng, 4) == 0)
        imm = rvg_below(&g->rng, 2) ? 0x80000 : 0x7ffff;
    if (rvg_below(&g->rng, 2))
        emit(g, (imm << 12) | (rd << 7) | 0x37, 4, "lui %s, 0x%x", xn[rd], imm);
    else
        emit(g, (imm << 12) | (rd << 7) | 0x17, 4, "auipc %s, 0x%x", xn[rd], imm);
}

static void gen_muldiv(Gen *g)
{
    static const char *const n64[] = {"mul", "mulh", "mulhsu", "mulhu",
                                      "div", "divu", "rem",    "remu"};
    static const char *const n32[] = {"mulw", "", "", "", "divw", "divuw", "remw", "remuw"};
    unsigned rd = rd_x(g), rs1 = rs_x(g), rs2 = rs_x(g);
    if (rvg_below(&g->rng, 3)) {
        unsigned f3 = (unsigned) rvg_below(&g->rng, 8);
        emit(g, enc_r(0x33, f3, 1, rd, rs1, rs2), 4, "%s %s, %s, %s", n64[f3], xn[rd], xn[rs1],
             xn[rs2]);
    } else {
        static const unsigned f3s[] = {0, 4, 5, 6, 7};
        unsigned f3 = f3s[rvg_below(&g->rng, 5)];
        emit(g, enc_r(0x3b, f3, 1, rd, rs1, rs2), 4, "%s %s, %s, %s", n32[f3], xn[rd], xn[rs1],
             xn[rs2]);
    }
}

static void gen_load_store(Gen *g)
{
    static const char *const ln[] = {"lb", "lh", "lw", "ld", "lbu", "lhu", "lwu"};
    static const char *const sn[] = {"sb", "sh", "sw", "sd"};
    unsigned b = base_reg(g);
    if (rvg_below(&g->rng, 2)) {
        unsigned f3 = (unsigned) rvg_below(&g->rng, 7), rd = rd_x(g);
        int32_t off = mem_off(g, 1u << (f3 & 3));
        emit(g, enc_i(0x03, f3, rd, b, off), 4, "%s %s, %d(%s)", ln[f3], xn[rd], off, xn[b]);
    } else {
        unsigned f3 = (unsigned) rvg_below(&g->rng, 4), rs2 = rs_x(g);
        int32_t off = mem_off(g, 1u << f3);
        emit(g, enc_s(0x23, f3, b, rs2, off), 4, "%s %s, %d(%s)", sn[f3], xn[rs2], off, xn[b]);
    }
}

static void gen_fp_load_store(Gen *g)
{
    unsigned b = base_reg(g), fr = f_reg(g);
    bool dbl = rvg_below(&g->rng, 2);
    int32_t off = mem_off(g, dbl ? 8 : 4);
    if (rvg_below(&g->rng, 4)) {
        RvgInsn *in = emit(g, enc_i(0x07, dbl ? 3 : 2, fr, b, off), 4, "%s %s, %d(%s)",
                           dbl ? "fld" : "flw", fn[fr], off, xn[b]);
        in->f_dst = true;
        in->fs_dst = !dbl;
        in->rd = (uint8_t) fr;
        g->f_double[fr] = dbl;
    } else {
        emit(g, enc_s(0x27, dbl ? 3 : 2, b, fr, off), 4, "%s %s, %d(%s)", dbl ? "fsd" : "fsw",
             fn[fr], off, xn[b]);
    }
}

static const char *const amo_names[] = {
    [0x00] = "amoadd", [0x01] = "amoswap", [0x04] = "amoxor",
    [0x08] = "amoor",  [0x0c] = "amoand",  [0x10] = "amomin",
    [0x14] = "amomax", [0x18] = "amominu", [0x1c] = "amomaxu",
};

static uint32_t enc_amo(unsigned f5, bool aq, bool rl, unsigned rd, unsigned rs1, unsigned rs2,
                        bool dbl)
{
    return (f5 << 27) | ((unsigned) aq << 26) | ((unsigned) rl << 25) | (rs2 << 20) | (rs1 << 15) |
           ((dbl ? 3u : 2u) << 12) | (rd << 7) | 0x2f;
}

static const char *aqrl(bool aq, bool rl)
{
    return aq ? (rl ? ".aqrl" : ".aq") : (rl ? ".rl" : "");
}

/* A reg holding an aligned data address: a base, or a scratch reg set from one here. */
static unsigned amo_addr(Gen *g, bool dbl)
{
    if (rvg_below(&g->rng, 2))
        return base_reg(g);
    unsigned t;
    do
        t = rd_x(g);
    while (t == 0);
    unsigned b = base_reg(g);
    int32_t off = (int32_t) (rvg_below(&g->rng, 4096 / 8) * (dbl ? 8 : 4)) - 2048;
    if (off > 2047 - 8)
        off = 0;
    emit(g, enc_i(0x13, 0, t, b, off), 4, "addi %s, %s, %d", xn[t], xn[b], off);
    return t;
}

static void gen_amo(Gen *g)
{
    static const unsigned f5s[] = {0x00, 0x01, 0x04, 0x08, 0x0c, 0x10, 0x14, 0x18, 0x1c};
    bool dbl = rvg_below(&g->rng, 2);
    unsigned a = amo_addr(g, dbl);
    unsigned f5 = f5s[rvg_below(&g->rng, G_N_ELEMENTS(f5s))];
    bool aq = rvg_below(&g->rng, 2), rl = rvg_below(&g->rng, 2);
    unsigned rd = rd_x(g), rs2 = rs_x(g);
    RvgInsn *in = emit(g, enc_amo(f5, aq, rl, rd, a, rs2, dbl), 4, "%s.%c%s %s, %s, (%s)",
                       amo_names[f5], dbl ? 'd' : 'w', aqrl(aq, rl), xn[rd], xn[rs2], xn[a]);
    in->rd = (uint8_t) rd;
    in->rs1 = (uint8_t) a;
    in->rs2 = (uint8_t) rs2;
    if (!dbl && f5 >= 0x10)
        in->amo_w_minmax = (uint8_t) f5;
}

/* lr; a few other instructions, maybe a store to the same place; sc of the same size. */
static void gen_lrsc(Gen *g)
{
    bool dbl = rvg_below(&g->rng, 2);
    unsigned a = amo_addr(g, dbl);
    bool aq = rvg_below(&g->rng, 2), rl = rvg_below(&g->rng, 2);
    unsigned rd = rd_x(g);
    if (rd == a)
        rd = 0;
    char c = dbl ? 'd' : 'w';
    if (rvg_below(&g->rng, 8))
        emit(g, enc_amo(0x02, aq, rl, rd, a, 0, dbl), 4, "lr.%c%s %s, (%s)", c, aqrl(aq, rl),
             xn[rd], xn[a]);
    unsigned n = (unsigned) rvg_below(&g->rng, 3);
    for (unsigned i = 0; i < n; i++) {
        unsigned r1 = rd_x(g), r2 = rs_x(g), r3 = rs_x(g);
        if (r1 == a)
            r1 = 0;
        emit(g, enc_r(0x33, 0, 0, r1, r2, r3), 4, "add %s, %s, %s", xn[r1], xn[r2], xn[r3]);
    }
    if (rvg_below(&g->rng, 6) == 0) {
        /* The same value (sc then succeeds) or another one (it fails). */
        unsigned src = rvg_below(&g->rng, 2) ? rd : rs_x(g);
        emit(g, enc_s(0x23, dbl ? 3 : 2, a, src, 0), 4, "s%c %s, 0(%s)", c, xn[src], xn[a]);
    }
    unsigned rd2 = rd_x(g), rs2 = rs_x(g);
    aq = rvg_below(&g->rng, 2);
    rl = rvg_below(&g->rng, 2);
    emit(g, enc_amo(0x03, aq, rl, rd2, a, rs2, dbl), 4, "sc.%c%s %s, %s, (%s)", c, aqrl(aq, rl),
         xn[rd2], xn[rs2], xn[a]);
}

/* ---- Floating point ------------------------------------------------------------------- */

static RvgInsn *emit_fp(Gen *g, uint32_t raw, const char *text, unsigned rd, unsigned rs1,
                        unsigned rs2, unsigned rs3, uint8_t fs_src, bool f_dst, bool fs_dst)
{
    RvgInsn *in = emit(g, raw, 4, "%s", text);
    in->rd = (uint8_t) rd;
    in->rs1 = (uint8_t) rs1;
    in->rs2 = (uint8_t) rs2;
    in->rs3 = (uint8_t) rs3;
    in->fs_src = fs_src;
    in->f_dst = f_dst;
    in->fs_dst = fs_dst;
    if (f_dst)
        g->f_double[rd] = !fs_dst;
    return in;
}

static void gen_fp(Gen *g)
{
    /* Clear the sticky flags now and then, so that the next operation's flags show. */
    if (rvg_below(&g->rng, 2))
        emit(g, enc_i(0x73, 5, 0, 0, 1), 4, "csrrwi zero, fflags, 0");

    bool dbl = rvg_below(&g->rng, 2);
    unsigned fmt = dbl ? 1 : 0;
    char sfx = dbl ? 'd' : 's';
    unsigned rd = f_reg(g), rs1 = f_src(g, dbl), rs2 = f_src(g, dbl), rs3 = f_src(g, dbl);
    unsigned rm = rm_field(g);
    uint8_t src1 = dbl ? 0 : RVG_FS_RS1, src12 = dbl ? 0 : RVG_FS_RS1 | RVG_FS_RS2;
    char t[64];
    unsigned k = (unsigned) rvg_below(&g->rng, 17);
    switch (k) {
    case 0: { /* fadd fsub fmul fdiv */
        static const char *const n[] = {"fadd", "fsub", "fmul", "fdiv"};
        unsigned i = (unsigned) rvg_below(&g->rng, 4);
        snprintf(t, sizeof(t), "%s.%c %s, %s, %s, %s", n[i], sfx, fn[rd], fn[rs1], fn[rs2],
                 rm_name[rm]);
        emit_fp(g, enc_r(0x53, rm, (i << 2) | fmt, rd, rs1, rs2), t, rd, rs1, rs2, 0, src12, true,
                !dbl);
        break;
    }
    case 1:
        snprintf(t, sizeof(t), "fsqrt.%c %s, %s, %s", sfx, fn[rd], fn[rs1], rm_name[rm]);
        emit_fp(g, enc_r(0x53, rm, 0x2c | fmt, rd, rs1, 0), t, rd, rs1, 0, 0, src1, true, !dbl);
        break;
    case 2: { /* sign injection */
        static const char *const n[] = {"fsgnj", "fsgnjn", "fsgnjx"};
        unsigned i = (unsigned) rvg_below(&g->rng, 3);
        if (rvg_below(&g->rng, 4) == 0)
            rs2 = rs1;
        snprintf(t, sizeof(t), "%s.%c %s, %s, %s", n[i], sfx, fn[rd], fn[rs1], fn[rs2]);
        emit_fp(g, enc_r(0x53, i, 0x10 | fmt, rd, rs1, rs2), t, rd, rs1, rs2, 0, src12, true, !dbl);
        break;
    }
    case 3: { /* fmin fmax */
        unsigned i = (unsigned) rvg_below(&g->rng, 2);
        snprintf(t, sizeof(t), "%s.%c %s, %s, %s", i ? "fmax" : "fmin", sfx, fn[rd], fn[rs1],
                 fn[rs2]);
        RvgInsn *in = emit_fp(g, enc_r(0x53, i, 0x14 | fmt, rd, rs1, rs2), t, rd, rs1, rs2, 0,
                              src12, true, !dbl);
        in->minmax = dbl ? RVG_MINMAX_D : RVG_MINMAX_S;
        in->is_max = i;
        break;
    }
    case 4:
    case 5: { /* fused multiply-add */
        static const char *const n[] = {"fmadd", "fmsub", "fnmsub", "fnmadd"};
        unsigned i = (unsigned) rvg_below(&g->rng, 4);
        snprintf(t, sizeof(t), "%s.%c %s, %s, %s, %s, %s", n[i], sfx, fn[rd], fn[rs1], fn[rs2],
                 fn[rs3], rm_name[rm]);
        emit_fp(g,
                (rs3 << 27) | (fmt << 25) | (rs2 << 20) | (rs1 << 15) | (rm << 12) | (rd << 7) |
                    (0x43 + 4 * i),
                t, rd, rs1, rs2, rs3, dbl ? 0 : RVG_FS_RS1 | RVG_FS_RS2 | RVG_FS_RS3, true, !dbl);
        break;
    }
    case 6: { /* compare */
        static const char *const n[] = {"fle", "flt", "feq"};
        unsigned i = (unsigned) rvg_below(&g->rng, 3), xd = rd_x(g);
        snprintf(t, sizeof(t), "%s.%c %s, %s, %s", n[i], sfx, xn[xd], fn[rs1], fn[rs2]);
        emit_fp(g, enc_r(0x53, i, 0x50 | fmt, xd, rs1, rs2), t, xd, rs1, rs2, 0, src12, false,
                false);
        break;
    }
    case 7: { /* fclass, fmv.x.{w,d} */
        unsigned xd = rd_x(g);
        if (rvg_below(&g->rng, 2)) {
            snprintf(t, sizeof(t), "fclass.%c %s, %s", sfx, xn[xd], fn[rs1]);
            emit_fp(g, enc_r(0x53, 1, 0x70 | fmt, xd, rs1, 0), t, xd, rs1, 0, 0, src1, false,
                    false);
        } else {
            /* A transfer: no NaN-box check. */
            snprintf(t, sizeof(t), "fmv.x.%c %s, %s", dbl ? 'd' : 'w', xn[xd], fn[rs1]);
            emit_fp(g, enc_r(0x53, 0, 0x70 | fmt, xd, rs1, 0), t, xd, rs1, 0, 0, 0, false, false);
        }
        break;
    }
    case 8: { /* fmv.{w,d}.x */
        unsigned xs = rs_x(g);
        snprintf(t, sizeof(t), "fmv.%c.x %s, %s", dbl ? 'd' : 'w', fn[rd], xn[xs]);
        emit_fp(g, enc_r(0x53, 0, 0x78 | fmt, rd, xs, 0), t, rd, xs, 0, 0, 0, true, !dbl);
        break;
    }
    case 9:
    case 10: { /* fcvt.{w,wu,l,lu}.{s,d} */
        static const char *const n[] = {"w", "wu", "l", "lu"};
        unsigned i = (unsigned) rvg_below(&g->rng, 4), xd = rd_x(g);
        snprintf(t, sizeof(t), "fcvt.%s.%c %s, %s, %s", n[i], sfx, xn[xd], fn[rs1], rm_name[rm]);
        emit_fp(g, enc_r(0x53, rm, 0x60 | fmt, xd, rs1, i), t, xd, rs1, 0, 0, src1, false, false);
        break;
    }
    case 11: { /* fcvt.{s,d}.{w,wu,l,lu} */
        static const char *const n[] = {"w", "wu", "l", "lu"};
        unsigned i = (unsigned) rvg_below(&g->rng, 4), xs = rs_x(g);
        snprintf(t, sizeof(t), "fcvt.%c.%s %s, %s, %s", sfx, n[i], fn[rd], xn[xs], rm_name[rm]);
        emit_fp(g, enc_r(0x53, rm, 0x68 | fmt, rd, xs, i), t, rd, xs, 0, 0, 0, true, !dbl);
        break;
    }
    case 12: /* fcvt.s.d, fcvt.d.s */
        rs1 = f_src(g, !dbl);
        if (dbl) {
            snprintf(t, sizeof(t), "fcvt.d.s %s, %s, %s", fn[rd], fn[rs1], rm_name[rm]);
            emit_fp(g, enc_r(0x53, rm, 0x21, rd, rs1, 0), t, rd, rs1, 0, 0, RVG_FS_RS1, true,
                    false);
        } else {
            snprintf(t, sizeof(t), "fcvt.s.d %s, %s, %s", fn[rd], fn[rs1], rm_name[rm]);
            emit_fp(g, enc_r(0x53, rm, 0x20, rd, rs1, 1), t, rd, rs1, 0, 0, 0, true, true);
        }
        break;
    default:
        /* Fresh operands from the data area, so that results are not all NaNs. */
        gen_fp_load_store(g);
        break;
    }
}

/* fflags / frm / fcsr accesses that keep frm valid, and a few harmless M-mode CSRs. */
static void gen_csr(Gen *g)
{
    static const char *const csrn[] = {"", "fflags", "frm", "fcsr"};
    unsigned rd = rd_x(g);
    switch (rvg_below(&g->rng, 9)) {
    case 0:
    case 1: { /* read */
        unsigned c = 1 + (unsigned) rvg_below(&g->rng, 3);
        emit(g, enc_i(0x73, 2, rd, 0, (int32_t) c), 4, "csrrs %s, %s, zero", xn[rd], csrn[c]);
        break;
    }
    case 2: { /* frm := 0..4 */
        unsigned v = (unsigned) rvg_below(&g->rng, 5);
        emit(g, enc_i(0x73, 5, rd, v, 2), 4, "csrrwi %s, frm, %u", xn[rd], v);
        break;
    }
    case 3: { /* fflags from an immediate */
        static const char *const n[] = {"", "", "", "", "", "csrrwi", "csrrsi", "csrrci"};
        unsigned f3 = 5 + (unsigned) rvg_below(&g->rng, 3), v = (unsigned) rvg_below(&g->rng, 32);
        emit(g, enc_i(0x73, f3, rd, v, 1), 4, "%s %s, fflags, %u", n[f3], xn[rd], v);
        break;
    }
    case 4: { /* fflags from a register: only its low 5 bits count */
        static const char *const n[] = {"", "csrrw", "csrrs", "csrrc"};
        unsigned f3 = 1 + (unsigned) rvg_below(&g->rng, 3), rs = rs_x(g);
        emit(g, enc_i(0x73, f3, rd, rs, 1), 4, "%s %s, fflags, %s", n[f3], xn[rd], xn[rs]);
        break;
    }
    case 5: { /* fcsr := uimm (frm = 0) */
        unsigned v = (unsigned) rvg_below(&g->rng, 32);
        emit(g, enc_i(0x73, 5, rd, v, 3), 4, "csrrwi %s, fcsr, %u", xn[rd], v);
        break;
    }
    case 6: { /* mscratch */
        unsigned rs = rs_x(g);
        emit(g, enc_i(0x73, 1, rd, rs, 0x340), 4, "csrrw %s, mscratch, %s", xn[rd], xn[rs]);
        break;
    }
    case 7: emit(g, enc_i(0x73, 2, rd, 0, 0x301), 4, "csrr %s, misa", xn[rd]); break;
    default: emit(g, enc_i(0x73, 2, rd, 0, 0xf14), 4, "csrr %s, mhartid", xn[rd]); break;
    }
}

/* ---- Compressed ----------------------------------------------------------------------- */

static void gen_c_alu(Gen *g)
{
    unsigned k = (unsigned) rvg_below(&g->rng, 16);
    unsigned rd = rd_x(g);
    if (rd == 0)
        rd = 10;
    int32_t imm6 = (int32_t) rvg_below(&g->rng, 64) - 32;
    uint32_t i6 = ((((uint32_t) imm6 >> 5) & 1) << 12) | (((uint32_t) imm6 & 31) << 2);
    switch (k) {
    case 0:
        if (imm6 == 0)
            imm6 = 1, i6 = 1 << 2;
        emit(g, 0x0001 | (rd << 7) | i6, 2, "c.addi %s, %d", xn[rd], imm6);
        break;
    case 1: emit(g, 0x2001 | (rd << 7) | i6, 2, "c.addiw %s, %d", xn[rd], imm6); break;
    case 2: emit(g, 0x4001 | (rd << 7) | i6, 2, "c.li %s, %d", xn[rd], imm6); break;
    case 3: {
        if (imm6 == 0)
            imm6 = -32, i6 = (1 << 12);
        emit(g, 0x6001 | (rd << 7) | i6, 2, "c.lui %s, 0x%x", xn[rd], (unsigned) imm6 & 0xfffff);
        break;
    }
    case 4: {
        unsigned sh = 1 + (unsigned) rvg_below(&g->rng, 63);
        emit(g, 0x0002 | (rd << 7) | ((sh >> 5) << 12) | ((sh & 31) << 2), 2, "c.slli %s, %u",
             xn[rd], sh);
        break;
    }
    case 5:
    case 6: {
        unsigned r = rdc_x(g), sh = 1 + (unsigned) rvg_below(&g->rng, 63);
        bool arith = k == 6;
        emit(g,
             0x8001 | ((unsigned) arith << 10) | ((r - 8) << 7) | ((sh >> 5) << 12) |
                 ((sh & 31) << 2),
             2, "%s %s, %u", arith ? "c.srai" : "c.srli", xn[r], sh);
        break;
    }
    case 7: {
        unsigned r = rdc_x(g);
        emit(g, 0x8801 | ((r - 8) << 7) | i6, 2, "c.andi %s, %d", xn[r], imm6);
        break;
    }
    case 8:
    case 9: {
        static const char *const n[] = {"c.sub", "c.xor", "c.or", "c.and", "c.subw", "c.addw"};
        unsigned i = (unsigned) rvg_below(&g->rng, 6), r = rdc_x(g), s = rsc_x(g);
        emit(g, 0x8c01 | ((i >= 4) << 12) | ((r - 8) << 7) | ((i & 3) << 5) | ((s - 8) << 2), 2,
             "%s %s, %s", n[i], xn[r], xn[s]);
        break;
    }
    case 10:
    case 11: {
        unsigned s = rs_x(g);
        if (s == 0)
            s = 1;
        emit(g, 0x8002 | (rd << 7) | (s << 2), 2, "c.mv %s, %s", xn[rd], xn[s]);
        break;
    }
    case 12:
    case 13: {
        unsigned s = rs_x(g);
        if (s == 0)
            s = 1;
        emit(g, 0x9002 | (rd << 7) | (s << 2), 2, "c.add %s, %s", xn[rd], xn[s]);
        break;
    }
    case 14: {
        /* c.addi4spn: nzuimm multiple of 4, 4..1020 */
        unsigned r = rdc_x(g), u = 4 * (1 + (unsigned) rvg_below(&g->rng, 255));
        uint32_t e = (((u >> 4) & 3) << 11) | (((u >> 6) & 15) << 7) | (((u >> 2) & 1) << 6) |
                     (((u >> 3) & 1) << 5);
        emit(g, 0x0000 | e | ((r - 8) << 2), 2, "c.addi4spn %s, sp, %u", xn[r], u);
        break;
    }
    default: emit(g, 0x0001, 2, "c.nop"); break;
    }
}

static void emit_c_mem(Gen *g, unsigned f3, bool dbl, unsigned r, unsigned b, unsigned u,
                       const char *name, bool is_f)
{
    uint32_t e;
    if (dbl) /* uimm[5:3] at 12:10, uimm[7:6] at 6:5 */
        e = (((u >> 3) & 7) << 10) | (((u >> 6) & 3) << 5);
    else /* uimm[5:3] at 12:10, uimm[2] at 6, uimm[6] at 5 */
        e = (((u >> 3) & 7) << 10) | (((u >> 2) & 1) << 6) | (((u >> 6) & 1) << 5);
    RvgInsn *in = emit(g, (f3 << 13) | e | ((b - 8) << 7) | ((r - 8) << 2), 2, "%s %s, %u(%s)",
                       name, is_f ? fn[r] : xn[r], u, xn[b]);
    if (is_f && (f3 & 4) == 0) {
        in->f_dst = true;
        in->rd = (uint8_t) r;
        g->f_double[r] = true;
    }
}

static void emit_c_sp_mem(Gen *g, unsigned kind, unsigned r, unsigned u)
{
    /* kind: 0 c.lwsp 1 c.ldsp 2 c.fldsp 3 c.swsp 4 c.sdsp 5 c.fsdsp */
    static const char *const n[] = {"c.lwsp", "c.ldsp", "c.fldsp", "c.swsp", "c.sdsp", "c.fsdsp"};
    static const unsigned f3[] = {2, 3, 1, 6, 7, 5};
    uint32_t e;
    bool is_f = kind == 2 || kind == 5;
    if (kind == 0) /* uimm[5] at 12, uimm[4:2|7:6] at 6:2 */
        e = (((u >> 5) & 1) << 12) | (((u >> 2) & 7) << 4) | (((u >> 6) & 3) << 2) | (r << 7);
    else if (kind <= 2) /* uimm[5] at 12, uimm[4:3|8:6] at 6:2 */
        e = (((u >> 5) & 1) << 12) | (((u >> 3) & 3) << 5) | (((u >> 6) & 7) << 2) | (r << 7);
    else if (kind == 3) /* uimm[5:2|7:6] at 12:7 */
        e = (((u >> 2) & 15) << 9) | (((u >> 6) & 3) << 7) | (r << 2);
    else /* uimm[5:3|8:6] at 12:7 */
        e = (((u >> 3) & 7) << 10) | (((u >> 6) & 7) << 7) | (r << 2);
    RvgInsn *in =
        emit(g, (f3[kind] << 13) | e | 2, 2, "%s %s, %u(sp)", n[kind], is_f ? fn[r] : xn[r], u);
    if (kind == 2) {
        in->f_dst = true;
        in->rd = (uint8_t) r;
        g->f_double[r] = true;
    }
}

static void gen_c_sp_mem(Gen *g)
{
    unsigned kind = (unsigned) rvg_below(&g->rng, 6);
    unsigned r;
    if (kind == 2 || kind == 5)
        r = f_reg(g);
    else if (kind <= 1) {
        r = rd_x(g);
        if (r == 0)
            r = 1;
    } else
        r = rs_x(g);
    unsigned u = kind == 0 || kind == 3 ? 4 * (unsigned) rvg_below(&g->rng, 64)
                                        : 8 * (unsigned) rvg_below(&g->rng, 64);
    emit_c_sp_mem(g, kind, r, u);
}

static void gen_c_mem(Gen *g)
{
    unsigned b = rvg_below(&g->rng, 2) ? 8 : 9;
    switch (rvg_below(&g->rng, 7)) {
    case 0:
        emit_c_mem(g, 2, false, rdc_x(g), b, 4 * (unsigned) rvg_below(&g->rng, 32), "c.lw", false);
        break;
    case 1:
        emit_c_mem(g, 3, true, rdc_x(g), b, 8 * (unsigned) rvg_below(&g->rng, 32), "c.ld", false);
        break;
    case 2:
        emit_c_mem(g, 6, false, rsc_x(g), b, 4 * (unsigned) rvg_below(&g->rng, 32), "c.sw", false);
        break;
    case 3:
        emit_c_mem(g, 7, true, rsc_x(g), b, 8 * (unsigned) rvg_below(&g->rng, 32), "c.sd", false);
        break;
    case 4:
        emit_c_mem(g, 1, true, 8 + (unsigned) rvg_below(&g->rng, 8), b,
                   8 * (unsigned) rvg_below(&g->rng, 32), "c.fld", true);
        break;
    case 5:
        emit_c_mem(g, 5, true, 8 + (unsigned) rvg_below(&g->rng, 8), b,
                   8 * (unsigned) rvg_below(&g->rng, 32), "c.fsd", true);
        break;
    default: gen_c_sp_mem(g); break;
    }
}

/* c.addi16sp moves sp and moves it back, with an sp-relative access in between. */
static void gen_c_addi16sp(Gen *g)
{
    int32_t imm = 16 * ((int32_t) rvg_below(&g->rng, 63) - 32);
    if (imm == 0)
        imm = 16;
    for (int pass = 0; pass < 2; pass++) {
        uint32_t u = (uint32_t) imm;
        uint32_t e = (((u >> 9) & 1) << 12) | (((u >> 4) & 1) << 6) | (((u >> 6) & 1) << 5) |
                     (((u >> 7) & 3) << 3) | (((u >> 5) & 1) << 2);
        emit(g, 0x6101 | e, 2, "c.addi16sp sp, %d", imm);
        if (pass == 0)
            gen_c_sp_mem(g);
        imm = -imm;
    }
}

/* ---- Control flow --------------------------------------------------------------------- */

static unsigned ahead(Gen *g)
{
    return 1 + (unsigned) rvg_below(&g->rng, 6);
}

static void gen_branch(Gen *g)
{
    static const char *const bn[] = {"beq", "bne", "", "", "blt", "bge", "bltu", "bgeu"};
    static const unsigned f3s[] = {0, 1, 4, 5, 6, 7};
    switch (rvg_below(&g->rng, 8)) {
    case 0:
    case 1:
    case 2: {
        unsigned f3 = f3s[rvg_below(&g->rng, 6)], rs1 = rs_x(g), rs2 = rs_x(g);
        add_fixup(g, FIX_B, g->p->code_len, ahead(g), 0);
        emit(g, enc_r(0x63, f3, 0, 0, rs1, rs2), 4, "%s %s, %s, ", bn[f3], xn[rs1], xn[rs2]);
        break;
    }
    case 3: {
        unsigned rd = rd_x(g);
        add_fixup(g, FIX_J, g->p->code_len, ahead(g), 0);
        emit(g, (rd << 7) | 0x6f, 4, "jal %s, ", xn[rd]);
        break;
    }
    case 4: { /* auipc t, 0; jalr rd, off(t) */
        unsigned t = rd_x(g), rd = rd_x(g);
        if (t == 0)
            t = 5;
        size_t anchor = g->p->code_len;
        emit(g, (t << 7) | 0x17, 4, "auipc %s, 0", xn[t]);
        add_fixup(g, FIX_IMM12, anchor, ahead(g), (int) rvg_below(&g->rng, 2));
        emit(g, enc_i(0x67, 0, rd, t, 0), 4, "jalr %s, %s, ", xn[rd], xn[t]);
        break;
    }
    case 5:
        if (g->o->rv_c) {
            unsigned r = rsc_x(g);
            bool ne = rvg_below(&g->rng, 2);
            add_fixup(g, FIX_CB, g->p->code_len, ahead(g), 0);
            emit(g, (ne ? 0xe001u : 0xc001u) | ((r - 8) << 7), 2, "%s %s, ",
                 ne ? "c.bnez" : "c.beqz", xn[r]);
            break;
        }
        /* fall through */
    case 6:
        if (g->o->rv_c) {
            add_fixup(g, FIX_CJ, g->p->code_len, ahead(g), 0);
            emit(g, 0xa001, 2, "c.j ");
            break;
        }
        /* fall through */
    default: { /* auipc t, 0; addi t, t, off; c.jr t / c.jalr t */
        unsigned t = rd_x(g);
        if (t == 0)
            t = 6;
        size_t anchor = g->p->code_len;
        emit(g, (t << 7) | 0x17, 4, "auipc %s, 0", xn[t]);
        add_fixup(g, FIX_IMM12, anchor, ahead(g), 0);
        emit(g, enc_i(0x13, 0, t, t, 0), 4, "addi %s, %s, ", xn[t], xn[t]);
        if (!g->o->rv_c) {
            unsigned rd = rd_x(g);
            emit(g, enc_i(0x67, 0, rd, t, 0), 4, "jalr %s, 0(%s)", xn[rd], xn[t]);
        } else if (rvg_below(&g->rng, 2)) {
            emit(g, 0x8002 | (t << 7), 2, "c.jr %s", xn[t]);
        } else {
            emit(g, 0x9002 | (t << 7), 2, "c.jalr %s", xn[t]);
        }
        break;
    }
    }
}

/* auipc b, hi; addi b, b, lo: point a base register somewhere else in the data area. */
static void gen_repoint(Gen *g)
{
    unsigned b = base_reg(g);
    uint64_t target = random_base(&g->rng);
    int64_t delta = (int64_t) (target - (RVG_CODE_BASE + g->p->code_len));
    int64_t hi = (delta + 0x800) >> 12, lo = delta - hi * 4096;
    emit(g, ((uint32_t) hi << 12) | (b << 7) | 0x17, 4, "auipc %s, 0x%x", xn[b],
         (unsigned) hi & 0xfffff);
    emit(g, enc_i(0x13, 0, b, b, (int32_t) lo), 4, "addi %s, %s, %d", xn[b], xn[b], (int) lo);
}

static void gen_misc(Gen *g)
{
    switch (rvg_below(&g->rng, 3)) {
    case 0: emit(g, 0x0330000f, 4, "fence rw, rw"); break;
    case 1: emit(g, 0x0ff0000f, 4, "fence"); break;
    default: emit(g, 0x00000013, 4, "nop"); break;
    }
}

/* Where each focus class starts in gen_group's 0..99 and how wide it is. */
static const struct {
    unsigned lo, n;
} focus_range[] = {
    [RVG_FOCUS_NONE] = {0, 100},  [RVG_FOCUS_INT] = {0, 38}, [RVG_FOCUS_MEM] = {38, 8},
    [RVG_FOCUS_AMO] = {46, 7},    [RVG_FOCUS_FP] = {53, 25}, [RVG_FOCUS_RVC] = {78, 8},
    [RVG_FOCUS_BRANCH] = {86, 9},
};

static void gen_group(Gen *g)
{
    const RvgOptions *o = g->o;
    for (;;) {
        unsigned k = (unsigned) rvg_below(&g->rng, 100);
        if (o->focus != RVG_FOCUS_NONE && rvg_below(&g->rng, 3))
            k = focus_range[o->focus].lo + (unsigned) rvg_below(&g->rng, focus_range[o->focus].n);
        if (k < 14) {
            gen_alu_imm(g);
        } else if (k < 28) {
            gen_alu_reg(g);
        } else if (k < 31) {
            gen_upper(g);
        } else if (k < 38) {
            if (!o->rv_m)
                continue;
            gen_muldiv(g);
        } else if (k < 46) {
            if (rvg_below(&g->rng, 4) == 0 && o->rv_fd)
                gen_fp_load_store(g);
            else
                gen_load_store(g);
        } else if (k < 50) {
            if (!o->rv_a)
                continue;
            gen_amo(g);
        } else if (k < 53) {
            if (!o->rv_a)
                continue;
            gen_lrsc(g);
        } else if (k < 75) {
            if (!o->rv_fd)
                continue;
            gen_fp(g);
        } else if (k < 78) {
            if (!o->rv_fd)
                continue;
            gen_csr(g);
        } else if (k < 85) {
            if (!o->rv_c)
                continue;
            if (rvg_below(&g->rng, 2))
                gen_c_alu(g);
            else
                gen_c_mem(g);
        } else if (k < 86) {
            if (!o->rv_c)
                continue;
            gen_c_addi16sp(g);
        } else if (k < 95) {
            gen_branch(g);
        } else if (k < 97) {
            gen_repoint(g);
        } else {
            gen_misc(g);
        }
        return;
    }
}

static void resolve(Gen *g)
{
    RvgProgram *p = g->p;
    size_t last = g->groups->len - 1;
    for (guint i = 0; i < g->fixups->len; i++) {
        Fixup *f = &g_array_index(g->fixups, Fixup, i);
        size_t group = f->group < last ? f->group : last;
        size_t target = g_array_index(g->groups, size_t, group);
        int32_t delta = (int32_t) ((int64_t) target - (int64_t) f->anchor) + f->extra;
        RvgInsn *in = &p->insns[f->off / 2];
        uint32_t raw = in->raw;
        switch (f->kind) {
        case FIX_B:
            g_assert(delta >= -4096 && delta < 4096);
            raw |= enc_b_imm(delta);
            break;
        case FIX_J: raw |= enc_j_imm(delta); break;
        case FIX_CB:
            g_assert(delta >= -256 && delta < 256);
            raw |= enc_cb_imm(delta);
            break;
        case FIX_CJ:
            g_assert(delta >= -2048 && delta < 2048);
            raw |= enc_cj_imm(delta);
            break;
        case FIX_IMM12:
            g_assert(delta >= -2048 && delta < 2048);
            raw |= (uint32_t) (delta & 0xfff) << 20;
            break;
        }
        in->raw = raw;
        for (unsigned b = 0; b < in->len; b++)
            p->code[f->off + b] = (uint8_t) (raw >> (8 * b));
        size_t n = strlen(in->text);
        snprintf(in->text + n, sizeof(in->text) - n, "%d", delta);
    }
}

RvgProgram *rvg_generate(uint64_t seed, size_t code_bytes, const RvgOptions *o)
{
    if (code_bytes > RVG_CODE_MAX - 64)
        code_bytes = RVG_CODE_MAX - 64;
    RvgProgram *p = g_new0(RvgProgram, 1);
    p->code = g_malloc0(RVG_CODE_MAX);
    p->insns = g_new0(RvgInsn, RVG_CODE_MAX / 2);
    Gen g = {
        .rng = {seed * 0x2545f4914f6cdd1dull + 1},
        .p = p,
        .o = o,
        .groups = g_array_new(FALSE, FALSE, sizeof(size_t)),
        .fixups = g_array_new(FALSE, FALSE, sizeof(Fixup)),
    };

    /* Data: random bytes with FP and integer special values sprinkled in. */
    for (size_t i = 0; i < RVG_DATA_SIZE; i += 8) {
        uint64_t v;
        switch (rvg_below(&g.rng, 4)) {
        case 0: v = ((uint64_t) random_single(&g.rng) << 32) | random_single(&g.rng); break;
        case 1: v = random_double(&g.rng); break;
        case 2: v = random_xval(&g.rng); break;
        default: v = rvg_next(&g.rng); break;
        }
        memcpy(p->data + i, &v, 8);
    }

    for (unsigned r = 1; r < 32; r++)
        p->x[r] = rvg_is_base_reg(r) ? random_base(&g.rng) : random_xval(&g.rng);
    for (unsigned r = 0; r < 32; r++) {
        p->f[r] = random_freg(&g.rng, o);
        g.f_double[r] = (p->f[r] >> 32) != 0xffffffffu;
    }
    p->fcsr = (uint32_t) (rvg_below(&g.rng, 5) << 5);

    while (p->code_len < code_bytes) {
        begin_group(&g);
        gen_group(&g);
    }
    /* The last group: back to the start. */
    begin_group(&g);
    int32_t back = -(int32_t) p->code_len;
    emit(&g, enc_j_imm(back) | 0x6f, 4, "j %d", back);
    resolve(&g);

    g_array_unref(g.groups);
    g_array_unref(g.fixups);
    return p;
}

void rvg_free(RvgProgram *p)
{
    if (!p)
        return;
    g_free(p->code);
    g_free(p->insns);
    g_free(p);
}

const RvgInsn *rvg_insn_at(const RvgProgram *p, uint64_t pc)
{
    if (pc < RVG_CODE_BASE || pc >= RVG_CODE_BASE + p->code_len || (pc & 1))
        return NULL;
    const RvgInsn *in = &p->insns[(pc - RVG_CODE_BASE) / 2];
    return in->len ? in : NULL;
}
