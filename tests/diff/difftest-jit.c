/* Differential test of the JIT tier against the interpreter, block by block.
 *
 * Two harts get two copies of the same memory and registers: one runs the interpreter
 * alone, the other the JIT (threshold 1 compiles every block on its first entry; a higher
 * threshold makes blocks change tier in the middle of a run). Both run one block at a time
 * (vr_hart_run with a budget of 1, or the same larger budget for both) and are compared
 * after every block: pc, x1..x31, f0..f31, fcsr, instret, privilege, the M-mode trap CSRs;
 * all of RAM (code and data) every few blocks and at the end.
 *
 * Streams:
 *   random  rv-gen's random streams (every focus class, misaligned accesses too);
 *   fault   loads, stores, AMOs and CSR accesses that trap in the middle of a straight-line
 *           block (unmapped addresses, a PMP-locked page, a page-crossing access half into
 *           it, pages that Sv39 denies to M-mode with MPRV, misaligned AMOs, an
 *           unimplemented CSR), ecall/ebreak, jumps to where nothing can be fetched, with a
 *           handler that skips them;
 *   smc     loops that store new instructions over a later part of the running block and
 *           over a block compiled before, then fence.i and run them, or write a function
 *           into the data area and call it;
 *   irq     an rv-gen random stream with interrupt lines (MSIP, MEIP) raised on both harts
 *           at the same block boundary, often (every stream gets some);
 *   irq-mask  mstatus.MIE and mie turned on in the middle of a block while an interrupt is
 *           pending, and software interrupts (mip.SSIP) raised by the code itself;
 *   alu     long blocks of integer (RV64IM, Zba, Zbb, Zbs), FP and CSR instructions, the
 *           compiled ones mixed with those the interpreter runs for compiled code;
 *   vm      S-mode with Sv39 (always): the code itself rewrites PTEs that map a window of
 *           pages holding small functions to other physical pages (or to none), fences with
 *           sfence.vma in each form (x0,x0; va,x0; x0,asid; va,asid), switches satp among ten
 *           address spaces (four roots; two roots under one ASID, followed by sfence.vma
 *           x0,asid; one root under two ASIDs), and calls through the window before and
 *           after each change, the functions jumping across pages (and one instruction
 *           straddling two, its halves from two physical pages). The code also checks
 *           itself (the path a call took, a load through the window) against the mappings
 *           the generator knows it set up, which catches a stale translation that both
 *           tiers share; the run fails if that check fails, or if it took no satp write,
 *           remap or sfence.vma of some form.
 * With --sv39 the streams run in S-mode with paging, faulting on unmapped, read-only, user
 * and execute-only pages too. In the directed streams the driver also rewrites instructions
 * in both RAMs now and then, as a device would; fence.i makes that visible.
 * The interpreter is the reference; the tier under test is the JIT.
 *
 * usage: difftest-jit [--stream KIND] [--seed N] [--seeds N] [--blocks N] [--threshold N]
 *        [--max-chunk N] ... (--help lists them all)
 * Exits 0 when everything matched, 1 on a mismatch, 77 without a JIT on this host.
 */
#include <glib.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "riscv/riscv.h"
#include "vr-clock.h"
#include "vr-memory.h"
#include "rv-gen.h"

#define CSR_FFLAGS   0x001
#define CSR_FCSR     0x003
#define CSR_MSTATUS  0x300
#define CSR_MIE      0x304
#define CSR_MTVEC    0x305
#define CSR_MSCRATCH 0x340
#define CSR_MEPC     0x341
#define CSR_MCAUSE   0x342
#define CSR_MTVAL    0x343
#define CSR_MIP      0x344
#define CSR_PMPCFG0  0x3a0
#define CSR_PMPADDR0 0x3b0
#define CSR_MINSTRET 0xb02

#define MSTATUS_MIE      (1ull << 3)
#define MSTATUS_MPP_M    (3ull << 11)
#define MSTATUS_FS_DIRTY (3ull << 13)
#define IRQ_SSI          1
#define IRQ_MSI          3
#define IRQ_MEI          11
#define CAUSE_INTERRUPT  (1ull << 63)

/* A page of RAM that a locked PMP entry denies even to M-mode (fault streams only). */
#define PMP_DENIED_PAGE (RVG_RAM_BASE + (UINT64_C(768) << 10))
/* With --sv39, the pages after it: one mapped, six not mapped, one read-only, one user page
 * (S-mode without SUM may not touch it), one execute-only. Plain RAM without paging. */
#define PAGE_UNMAPPED  (PMP_DENIED_PAGE + 0x2000)
#define PAGE_READ_ONLY (PMP_DENIED_PAGE + 0x8000)
#define PAGE_USER      (PMP_DENIED_PAGE + 0x9000)
#define PAGE_EXEC_ONLY (PMP_DENIED_PAGE + 0xa000)
/* Sv39 tables: the root, one level-1 table, one level-0 table mapping the first 1 MiB. */
#define PAGE_TABLES (RVG_RAM_BASE + (UINT64_C(896) << 10))
#define CSR_SATP    0x180
#define HISTORY     16

typedef enum {
    STREAM_RANDOM,
    STREAM_FAULT,
    STREAM_SMC,
    STREAM_IRQ,
    STREAM_IRQ_MASK,
    STREAM_ALU,
    STREAM_VM,
} StreamKind;

static const char *const stream_names[] = {"random",   "fault", "smc", "irq",
                                           "irq-mask", "alu",   "vm"};

typedef struct Options {
    gint64 seed;
    gint seeds;
    gint64 blocks;
    gint threshold;
    gint max_chunk;
    gint data_every;
    gint irq_every;
    gint code_write_every;
    gint code_size;
    gchar *stream_name;
    StreamKind stream;
    gchar *focus_name;
    RvgFocus focus;
    gboolean misaligned;
    gboolean sv39;
    gint jit_cache_kb;
    gchar *b_accel_name;
    VrAccel b_accel;
    gboolean list;
    gboolean trace;
    gboolean verbose;
} Options;

/* The state compared after every block. */
typedef struct State {
    uint64_t pc;
    uint64_t x[32];
    uint64_t f[32];
    uint64_t fcsr;
    uint64_t instret, minstret;
    uint64_t priv;
    uint64_t mstatus, mepc, mcause, mtval, mscratch, mip, mie;
} State;

static const char *const xname[32] = {
    "zero", "ra", "sp", "gp", "tp",  "t0",  "t1", "t2", "s0", "s1", "a0",
    "a1",   "a2", "a3", "a4", "a5",  "a6",  "a7", "s2", "s3", "s4", "s5",
    "s6",   "s7", "s8", "s9", "s10", "s11", "t3", "t4", "t5", "t6",
};

typedef struct Run {
    const Options *opt;
    uint64_t seed;
    RvgProgram *prog;
    RvgProgram *vm_pages; /* the vm stream's physical code pages, or NULL */
    VrClock clock;
    VrAddressSpace *as_ref, *as_jit;
    VrHart *ref, *jit;
    uint64_t block;
    uint64_t history[HISTORY]; /* pcs of the last blocks */
    uint64_t recorded;
    /* What the run exercised, for the summary and the coverage checks. */
    uint64_t exceptions, interrupts, irq_raised, code_writes;
    uint64_t satp_writes, fences[4], remaps, window_calls; /* the vm stream's own counts */
} Run;

static struct {
    uint64_t blocks, exceptions, interrupts, compiled, resets, seeds;
    uint64_t satp_writes, fences[4], remaps, window_calls;
    uint64_t by_cause[16];
} totals;

/* ---- Directed streams ------------------------------------------------------------------- */

/* Registers of directed streams: t5, t6 belong to the trap handler; sp, s0 and s1 point into
 * the data area; s8..s11, t3, t4 are the units' own; the rest is filler's. */
enum { RA = 1, SP = 2, S0 = 8, S1 = 9, A0 = 10, A4 = 14, A5 = 15, A6 = 16, A7 = 17 };
enum { S8 = 24, S9 = 25, S10 = 26, S11 = 27, T3 = 28, T4 = 29, T5 = 30, T6 = 31 };
static const uint8_t pool[] = {1,  3,  4,  5,  6,  7,  10, 11, 12, 13,
                               14, 15, 16, 17, 18, 19, 20, 21, 22, 23};

typedef struct VmGen VmGen;

typedef struct Asm {
    RvgProgram *p;
    VmGen *vm; /* the vm stream's mappings */
    RvgRng rng;
    GArray *labels; /* offset of each label, or SIZE_MAX before it is placed */
    GArray *fixups;
    GArray *patchable; /* offsets of 4-byte ALU fillers, which the driver may overwrite */
} Asm;

typedef enum { FIX_B, FIX_J } FixKind;

typedef struct Fixup {
    size_t off;
    unsigned label;
    FixKind kind;
} Fixup;

static uint64_t rnd(Asm *a, uint64_t n)
{
    return rvg_below(&a->rng, n);
}

static unsigned pool_reg(Asm *a)
{
    return pool[rnd(a, sizeof(pool))];
}

static size_t here(const Asm *a)
{
    return a->p->code_len;
}

static void emit(Asm *a, uint32_t raw, unsigned len, const char *fmt, ...) G_GNUC_PRINTF(4, 5);

static void emit(Asm *a, uint32_t raw, unsigned len, const char *fmt, ...)
{
    RvgProgram *p = a->p;
    g_assert(p->code_len + len <= RVG_CODE_MAX - 64);
    RvgInsn *in = &p->insns[p->code_len / 2];
    memset(in, 0, sizeof(*in));
    in->raw = raw;
    in->len = (uint8_t) len;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(in->text, sizeof(in->text), fmt, ap);
    va_end(ap);
    for (unsigned i = 0; i < len; i++)
        p->code[p->code_len + i] = (uint8_t) (raw >> (8 * i));
    p->code_len += len;
}

static uint32_t enc_r(uint32_t op, unsigned f3, unsigned f7, unsigned rd, unsigned rs1,
                      unsigned rs2)
{
    return op | rd << 7 | f3 << 12 | rs1 << 15 | rs2 << 20 | f7 << 25;
}

static uint32_t enc_i(uint32_t op, unsigned f3, unsigned rd, unsigned rs1, int32_t imm)
{
    return op | rd << 7 | f3 << 12 | rs1 << 15 | ((uint32_t) imm & 0xfff) << 20;
}

static uint32_t enc_s(uint32_t op, unsigned f3, unsigned rs1, unsigned rs2, int32_t imm)
{
    uint32_t u = (uint32_t) imm & 0xfff;
    return op | (u & 0x1f) << 7 | f3 << 12 | rs1 << 15 | rs2 << 20 | (u >> 5) << 25;
}

static uint32_t enc_b_imm(int32_t imm)
{
    uint32_t u = (uint32_t) imm;
    return ((u >> 12) & 1) << 31 | ((u >> 5) & 0x3f) << 25 | ((u >> 1) & 0xf) << 8 |
           ((u >> 11) & 1) << 7;
}

static uint32_t enc_j_imm(int32_t imm)
{
    uint32_t u = (uint32_t) imm;
    return ((u >> 20) & 1) << 31 | ((u >> 1) & 0x3ff) << 21 | ((u >> 11) & 1) << 20 |
           ((u >> 12) & 0xff) << 12;
}

static unsigned new_label(Asm *a)
{
    size_t unplaced = SIZE_MAX;
    g_array_append_val(a->labels, unplaced);
    return a->labels->len - 1;
}

static void place(Asm *a, unsigned label)
{
    g_array_index(a->labels, size_t, label) = here(a);
}

static void branch_to(Asm *a, unsigned f3, unsigned rs1, unsigned rs2, unsigned label)
{
    static const char *const n[8] = {"beq", "bne", "?", "?", "blt", "bge", "bltu", "bgeu"};
    Fixup f = {here(a), label, FIX_B};
    g_array_append_val(a->fixups, f);
    emit(a, enc_r(0x63, f3, 0, 0, rs1, rs2), 4, "%s %s, %s, L%u", n[f3], xname[rs1], xname[rs2],
         label);
}

static void jump_to(Asm *a, unsigned label)
{
    Fixup f = {here(a), label, FIX_J};
    g_array_append_val(a->fixups, f);
    emit(a, 0x6f, 4, "j L%u", label);
}

static void resolve(Asm *a)
{
    for (guint i = 0; i < a->fixups->len; i++) {
        Fixup *f = &g_array_index(a->fixups, Fixup, i);
        size_t target = g_array_index(a->labels, size_t, f->label);
        g_assert(target != SIZE_MAX);
        int32_t delta = (int32_t) ((int64_t) target - (int64_t) f->off);
        RvgInsn *in = &a->p->insns[f->off / 2];
        in->raw |= f->kind == FIX_B ? enc_b_imm(delta) : enc_j_imm(delta);
        g_assert(f->kind != FIX_B || (delta >= -4096 && delta < 4096));
        for (unsigned b = 0; b < 4; b++)
            a->p->code[f->off + b] = (uint8_t) (in->raw >> (8 * b));
    }
}

/* rd := v, any 64-bit value. */
static void emit_li(Asm *a, unsigned rd, uint64_t v)
{
    int64_t s = (int64_t) v;
    if (s >= -2048 && s < 2048) {
        emit(a, enc_i(0x13, 0, rd, 0, (int32_t) s), 4, "li %s, %" PRId64, xname[rd], s);
    } else if (s >= INT32_MIN && s <= INT32_MAX) {
        int32_t lo = (int32_t) ((int64_t) ((uint64_t) s << 52) >> 52);
        uint32_t hi = (uint32_t) ((((uint64_t) s - (uint64_t) (int64_t) lo) >> 12) & 0xfffff);
        emit(a, 0x37 | rd << 7 | hi << 12, 4, "lui %s, 0x%x", xname[rd], hi);
        if (lo)
            emit(a, enc_i(0x1b, 0, rd, rd, lo), 4, "addiw %s, %s, %d", xname[rd], xname[rd], lo);
    } else {
        int32_t lo = (int32_t) ((int64_t) ((uint64_t) s << 52) >> 52);
        emit_li(a, rd, (uint64_t) ((int64_t) ((uint64_t) s - (uint64_t) (int64_t) lo) >> 12));
        emit(a, enc_i(0x13, 1, rd, rd, 12), 4, "slli %s, %s, 12", xname[rd], xname[rd]);
        if (lo)
            emit(a, enc_i(0x13, 0, rd, rd, lo), 4, "addi %s, %s, %d", xname[rd], xname[rd], lo);
    }
}

typedef struct RType {
    const char *name;
    uint32_t op;
    unsigned f3, f7;
} RType;

/* Compiled natively and run through the interpreter from compiled code, mixed. */
static const RType rtypes[] = {
    {"add", 0x33, 0, 0},          {"sub", 0x33, 0, 0x20},       {"sll", 0x33, 1, 0},
    {"slt", 0x33, 2, 0},          {"sltu", 0x33, 3, 0},         {"xor", 0x33, 4, 0},
    {"srl", 0x33, 5, 0},          {"sra", 0x33, 5, 0x20},       {"or", 0x33, 6, 0},
    {"and", 0x33, 7, 0},          {"addw", 0x3b, 0, 0},         {"subw", 0x3b, 0, 0x20},
    {"sllw", 0x3b, 1, 0},         {"srlw", 0x3b, 5, 0},         {"sraw", 0x3b, 5, 0x20},
    {"mul", 0x33, 0, 1},          {"mulh", 0x33, 1, 1},         {"mulhsu", 0x33, 2, 1},
    {"mulhu", 0x33, 3, 1},        {"div", 0x33, 4, 1},          {"divu", 0x33, 5, 1},
    {"rem", 0x33, 6, 1},          {"remu", 0x33, 7, 1},         {"mulw", 0x3b, 0, 1},
    {"divw", 0x3b, 4, 1},         {"remuw", 0x3b, 7, 1},        {"sh1add", 0x33, 2, 0x10},
    {"sh2add", 0x33, 4, 0x10},    {"sh3add", 0x33, 6, 0x10},    {"add.uw", 0x3b, 0, 0x04},
    {"sh2add.uw", 0x3b, 4, 0x10}, {"andn", 0x33, 7, 0x20},      {"orn", 0x33, 6, 0x20},
    {"xnor", 0x33, 4, 0x20},      {"min", 0x33, 4, 0x05},       {"maxu", 0x33, 7, 0x05},
    {"sh1add.uw", 0x3b, 2, 0x10}, {"sh3add.uw", 0x3b, 6, 0x10}, {"max", 0x33, 6, 0x05},
    {"minu", 0x33, 5, 0x05},      {"remw", 0x3b, 6, 1},         {"divuw", 0x3b, 5, 1},
    {"rol", 0x33, 1, 0x30},       {"ror", 0x33, 5, 0x30},       {"bclr", 0x33, 1, 0x24},
    {"bext", 0x33, 5, 0x24},      {"binv", 0x33, 1, 0x34},      {"bset", 0x33, 1, 0x14},
    {"rolw", 0x3b, 1, 0x30},      {"rorw", 0x3b, 5, 0x30},
};

static const uint64_t interesting[] = {
    0,
    1,
    2,
    0x7f,
    0x80,
    0xffff,
    0x7fffffff,
    0x80000000,
    0xffffffff,
    0x100000000,
    0x7fffffffffffffff,
    0x8000000000000000,
    0xffffffffffffffff,
    0xfffffffffffffffe,
    63,
    64,
};

/* One instruction that cannot trap, from a wide mix. */
static void emit_filler(Asm *a)
{
    unsigned rd = pool_reg(a), rs1 = pool_reg(a), rs2 = pool_reg(a);
    switch (rnd(a, 16)) {
    case 0:
    case 1:
    case 2:
    case 3: {
        /* x0 as a destination (the 33rd register) or a source, now and then */
        unsigned z = (unsigned) rnd(a, 24);
        rd = z == 0 ? 0 : rd;
        rs1 = z == 1 ? 0 : rs1;
        rs2 = z == 2 ? 0 : rs2;
        const RType *t = &rtypes[rnd(a, G_N_ELEMENTS(rtypes))];
        size_t off = here(a);
        g_array_append_val(a->patchable, off);
        emit(a, enc_r(t->op, t->f3, t->f7, rd, rs1, rs2), 4, "%s %s, %s, %s", t->name, xname[rd],
             xname[rs1], xname[rs2]);
        break;
    }
    case 4: {
        static const char *const n[] = {"addi", "", "slti", "sltiu", "xori", "", "ori", "andi"};
        rd = rnd(a, 24) ? rd : 0;
        static const unsigned f3s[] = {0, 2, 3, 4, 6, 7};
        unsigned f3 = f3s[rnd(a, 6)];
        int32_t imm = (int32_t) rnd(a, 4096) - 2048;
        emit(a, enc_i(0x13, f3, rd, rs1, imm), 4, "%s %s, %s, %d", n[f3], xname[rd], xname[rs1],
             imm);
        break;
    }
    case 5: {
        static const struct {
            const char *name;
            uint32_t op;
            unsigned f3, hi, max;
        } sh[] = {
            {"slli", 0x13, 1, 0, 64},      {"srli", 0x13, 5, 0, 64},
            {"srai", 0x13, 5, 0x400, 64},  {"slliw", 0x1b, 1, 0, 32},
            {"srliw", 0x1b, 5, 0, 32},     {"sraiw", 0x1b, 5, 0x400, 32},
            {"rori", 0x13, 5, 0x600, 64},  {"bseti", 0x13, 1, 0x280, 64},
            {"bexti", 0x13, 5, 0x480, 64}, {"bclri", 0x13, 1, 0x480, 64},
            {"binvi", 0x13, 1, 0x680, 64}, {"slli.uw", 0x1b, 1, 0x080, 64},
            {"roriw", 0x1b, 5, 0x600, 32}, {"clzw", 0x1b, 1, 0x600, 1},
            {"cpopw", 0x1b, 1, 0x602, 1},
        };
        unsigned k = (unsigned) rnd(a, G_N_ELEMENTS(sh));
        unsigned amount = (unsigned) rnd(a, sh[k].max);
        emit(a, enc_i(sh[k].op, sh[k].f3, rd, rs1, (int32_t) (sh[k].hi | amount)), 4,
             "%s %s, %s, %u", sh[k].name, xname[rd], xname[rs1], amount);
        break;
    }
    case 6: {
        static const struct {
            const char *name;
            unsigned imm;
        } un[] = {
            {"clz", 0x600}, {"ctz", 0x601}, {"cpop", 0x602}, {"sext.b", 0x604}, {"sext.h", 0x605}};
        unsigned k = (unsigned) rnd(a, G_N_ELEMENTS(un));
        if (rnd(a, 4) == 0)
            emit(a, enc_i(0x13, 5, rd, rs1, 0x6b8), 4, "rev8 %s, %s", xname[rd], xname[rs1]);
        else if (rnd(a, 3) == 0)
            emit(a, enc_r(0x3b, 4, 0x04, rd, rs1, 0), 4, "zext.h %s, %s", xname[rd], xname[rs1]);
        else
            emit(a, enc_i(0x13, 1, rd, rs1, (int32_t) un[k].imm), 4, "%s %s, %s", un[k].name,
                 xname[rd], xname[rs1]);
        break;
    }
    case 7: emit_li(a, rd, interesting[rnd(a, G_N_ELEMENTS(interesting))]); break;
    case 8: { /* a load or store in the data area, sometimes misaligned or crossing a page */
        static const char *const ln[] = {"lb", "lh", "lw", "ld", "lbu", "lhu", "lwu"};
        static const char *const sn[] = {"sb", "sh", "sw", "sd"};
        unsigned base = rnd(a, 2) ? SP : S1;
        int32_t off = base == S1 ? (int32_t) rnd(a, 16) - 8 : (int32_t) rnd(a, 4096) - 2048;
        if (rnd(a, 2)) {
            unsigned f3 = (unsigned) rnd(a, 7);
            emit(a, enc_i(0x03, f3, rd, base, off), 4, "%s %s, %d(%s)", ln[f3], xname[rd], off,
                 xname[base]);
        } else {
            unsigned f3 = (unsigned) rnd(a, 4);
            emit(a, enc_s(0x23, f3, base, rs2, off), 4, "%s %s, %d(%s)", sn[f3], xname[rs2], off,
                 xname[base]);
        }
        break;
    }
    case 9: { /* FP through the interpreter, and values between the register files */
        unsigned fd = (unsigned) rnd(a, 32), fa = (unsigned) rnd(a, 32), fb = (unsigned) rnd(a, 32);
        switch (rnd(a, 5)) {
        case 0:
            emit(a, enc_r(0x53, 7, 0x01, fd, fa, fb), 4, "fadd.d f%u, f%u, f%u", fd, fa, fb);
            break;
        case 1:
            emit(a, enc_r(0x53, 7, 0x09, fd, fa, fb), 4, "fmul.d f%u, f%u, f%u", fd, fa, fb);
            break;
        case 2:
            emit(a, enc_r(0x53, 0, 0x71, rd, fa, 0), 4, "fmv.x.d %s, f%u", xname[rd], fa);
            break;
        case 3:
            emit(a, enc_r(0x53, 0, 0x79, fd, rs1, 0), 4, "fmv.d.x f%u, %s", fd, xname[rs1]);
            break;
        default:
            emit(a, enc_r(0x53, 1, 0x61, rd, fa, 2), 4, "fcvt.l.d %s, f%u, rtz", xname[rd], fa);
            break;
        }
        break;
    }
    case 10: { /* CSRs through the interpreter; the counters count to the instruction */
        static const struct {
            const char *name;
            unsigned csr;
        } rd_csrs[] = {{"fflags", CSR_FFLAGS},
                       {"minstret", CSR_MINSTRET},
                       {"mcycle", 0xb00},
                       {"instret", 0xc02},
                       {"cycle", 0xc00}};
        unsigned k = (unsigned) rnd(a, 8);
        if (k < G_N_ELEMENTS(rd_csrs))
            emit(a, enc_i(0x73, 2, rd, 0, (int32_t) rd_csrs[k].csr), 4, "csrr %s, %s", xname[rd],
                 rd_csrs[k].name);
        else if (k == 5 && rnd(a, 4) == 0)
            emit(a, enc_i(0x73, 1, rd, rs1, CSR_MINSTRET), 4, "csrrw %s, minstret, %s", xname[rd],
                 xname[rs1]);
        else if (k == 6 && rnd(a, 2) == 0) {
            unsigned v = (unsigned) rnd(a, 2) * 5; /* instret and cycle frozen, or not */
            emit(a, enc_i(0x73, 5, rd, v, 0x320), 4, "csrrwi %s, mcountinhibit, %u", xname[rd], v);
        } else
            emit(a, enc_i(0x73, 1, rd, rs1, CSR_MSCRATCH), 4, "csrrw %s, mscratch, %s", xname[rd],
                 xname[rs1]);
        break;
    }
    case 11: { /* an AMO in the data area, aligned */
        int32_t off = (int32_t) rnd(a, 64) * 8;
        emit(a, enc_i(0x13, 0, rd, S0, off), 4, "addi %s, s0, %d", xname[rd], off);
        emit(a, enc_r(0x2f, 3, 0, rd, rd, rs2), 4, "amoadd.d %s, %s, (%s)", xname[rd], xname[rs2],
             xname[rd]);
        break;
    }
    case 12: { /* compressed */
        unsigned k = (unsigned) rnd(a, 3);
        int32_t imm = (int32_t) rnd(a, 63) - 31;
        uint32_t u = (uint32_t) imm & 0x3f;
        if (k == 0 && imm)
            emit(a, 0x0001 | (u & 0x1f) << 2 | rd << 7 | (u >> 5) << 12, 2, "c.addi %s, %d",
                 xname[rd], imm);
        else if (k == 1)
            emit(a, 0x4001 | (u & 0x1f) << 2 | rd << 7 | (u >> 5) << 12, 2, "c.li %s, %d",
                 xname[rd], imm);
        else
            emit(a, 0x9002 | rs2 << 2 | rd << 7, 2, "c.add %s, %s", xname[rd], xname[rs2]);
        break;
    }
    default:
        emit(a, enc_r(0x33, 0, 0, rd, rs1, rs2), 4, "add %s, %s, %s", xname[rd], xname[rs1],
             xname[rs2]);
        break;
    }
}

static void emit_fillers(Asm *a, unsigned max)
{
    for (unsigned n = (unsigned) rnd(a, max + 1); n; n--)
        emit_filler(a);
}

/* The end of a unit: a jump or branch to the next one, so that every unit is a block. */
static void end_unit(Asm *a)
{
    unsigned next = new_label(a);
    switch (rnd(a, 3)) {
    case 0: jump_to(a, next); break;
    case 1:
        branch_to(a, (unsigned) rnd(a, 2), pool_reg(a), pool_reg(a), next);
        emit_fillers(a, 2);
        jump_to(a, next);
        break;
    default: branch_to(a, 0, 0, 0, next); break;
    }
    place(a, next);
    /* Now and then the next unit starts with a fence.i: the driver rewrites code behind the
     * harts' backs right before one (see run_seed). */
    if (rnd(a, 6) == 0)
        emit(a, 0x0000100f, 4, "fence.i");
}

/* An address whose access traps in M-mode. */
static uint64_t bad_address(Asm *a, unsigned size)
{
    switch (rnd(a, 10)) {
    case 0: return rnd(a, RVG_RAM_BASE); /* below RAM: nothing there */
    case 1: return RVG_RAM_BASE + RVG_RAM_SIZE + rnd(a, 1u << 24);
    case 2: return UINT64_C(0xffffffff00000000) + rnd(a, 1u << 20) * 8;
    case 3:
        if (size > 1) { /* the first bytes allowed, the rest in the denied page */
            return PMP_DENIED_PAGE - 1 - rnd(a, size - 1);
        }
        return PMP_DENIED_PAGE + rnd(a, 4096);
    case 4:
    case 5: return PMP_DENIED_PAGE + rnd(a, 4096 / size) * size;
    case 6:
        if (size > 1) { /* from a mapped page into one that is not */
            return PAGE_UNMAPPED - 1 - rnd(a, size - 1);
        }
        return PAGE_UNMAPPED + rnd(a, 6 * 4096);
    case 7: return PAGE_READ_ONLY + rnd(a, 4096 / size) * size;
    case 8: return PAGE_USER + rnd(a, 4096 / size) * size;
    default: return PAGE_EXEC_ONLY + rnd(a, 4096 / size) * size;
    }
}

/* A block with an instruction in its middle that traps; the handler skips it. */
static void gen_fault_unit(Asm *a)
{
    static const char *const ln[] = {"lb", "lh", "lw", "ld", "lbu", "lhu", "lwu"};
    static const char *const sn[] = {"sb", "sh", "sw", "sd"};
    emit_fillers(a, 3);
    unsigned rd = rnd(a, 4) ? pool_reg(a) : S11, rs2 = pool_reg(a);
    switch (rnd(a, 12)) {
    case 0:
    case 1:
    case 2: {
        unsigned f3 = (unsigned) rnd(a, 7);
        emit_li(a, S11, bad_address(a, 1u << (f3 & 3)));
        emit_fillers(a, 3);
        emit(a, enc_i(0x03, f3, rd, S11, 0), 4, "%s %s, 0(s11)", ln[f3], xname[rd]);
        break;
    }
    case 3:
    case 4: {
        unsigned f3 = (unsigned) rnd(a, 4);
        emit_li(a, S11, bad_address(a, 1u << f3));
        emit_fillers(a, 3);
        emit(a, enc_s(0x23, f3, S11, rs2, 0), 4, "%s %s, 0(s11)", sn[f3], xname[rs2]);
        break;
    }
    case 5: { /* FP loads and stores run through the interpreter */
        unsigned f = (unsigned) rnd(a, 32), dbl = (unsigned) rnd(a, 2);
        emit_li(a, S11, bad_address(a, dbl ? 8 : 4));
        emit_fillers(a, 3);
        if (rnd(a, 2))
            emit(a, enc_i(0x07, 2 + dbl, f, S11, 0), 4, "%s f%u, 0(s11)", dbl ? "fld" : "flw", f);
        else
            emit(a, enc_s(0x27, 2 + dbl, S11, f, 0), 4, "%s f%u, 0(s11)", dbl ? "fsd" : "fsw", f);
        break;
    }
    case 6: { /* AMOs: to nowhere, or misaligned in the data area */
        unsigned dbl = (unsigned) rnd(a, 2);
        if (rnd(a, 2))
            emit_li(a, S11, bad_address(a, 8) & ~UINT64_C(7));
        else {
            int32_t off = 1 + (int32_t) rnd(a, dbl ? 7 : 3);
            emit(a, enc_i(0x13, 0, S11, S0, off), 4, "addi s11, s0, %d (misaligned)", off);
        }
        emit_fillers(a, 3);
        if (rnd(a, 3) == 0)
            emit(a, enc_r(0x2f, 2 + dbl, 0x08, rd, S11, 0), 4, "lr.%c %s, (s11)", dbl ? 'd' : 'w',
                 xname[rd]);
        else
            emit(a, enc_r(0x2f, 2 + dbl, 0x00, rd, S11, rs2), 4, "amoadd.%c %s, %s, (s11)",
                 dbl ? 'd' : 'w', xname[rd], xname[rs2]);
        break;
    }
    case 7: { /* compressed, so the handler skips two bytes */
        /* a4 is a filler's register too: none may come between (nor be rewritten into one
         * by the driver), or the store goes to wherever a4 then points, code included. */
        emit_fillers(a, 3);
        emit_li(a, A4, bad_address(a, 8) & ~UINT64_C(7));
        if (rnd(a, 2))
            emit(a, 0x6000 | (A4 - 8) << 7 | (A5 - 8) << 2, 2, "c.ld a5, 0(a4)");
        else
            emit(a, 0xe000 | (A4 - 8) << 7 | (A5 - 8) << 2, 2, "c.sd a5, 0(a4)");
        break;
    }
    case 8: { /* M-mode with MPRV: loads and stores translated as S-mode's, faulting */
        emit_li(a, S9, 3u << 11);
        emit_li(a, S8, 1u << 17 | 1u << 11);
        emit(a, enc_i(0x73, 3, 0, S9, CSR_MSTATUS), 4, "csrc mstatus, s9  # MPP");
        emit(a, enc_i(0x73, 2, 0, S8, CSR_MSTATUS), 4, "csrs mstatus, s8  # MPRV, MPP = S");
        emit_fillers(a, 3);
        unsigned f3 = (unsigned) rnd(a, 4);
        emit_li(a, S11, bad_address(a, 1u << f3));
        emit_fillers(a, 2);
        if (rnd(a, 2))
            emit(a, enc_i(0x03, f3, rd, S11, 0), 4, "%s %s, 0(s11)", ln[f3], xname[rd]);
        else
            emit(a, enc_s(0x23, f3, S11, rs2, 0), 4, "%s %s, 0(s11)", sn[f3], xname[rs2]);
        emit_fillers(a, 2);
        emit(a, enc_i(0x73, 3, 0, S8, CSR_MSTATUS), 4, "csrc mstatus, s8  # MPRV off");
        break;
    }
    case 9: { /* a jump to where nothing can be fetched; the handler returns to ra */
        static const uint64_t nowhere[] = {0x1000, RVG_RAM_BASE + RVG_RAM_SIZE + 0x10000,
                                           PMP_DENIED_PAGE, UINT64_C(0xffffffff00000000)};
        emit_li(a, S11, nowhere[rnd(a, G_N_ELEMENTS(nowhere))] + rnd(a, 2048) * 2);
        emit_fillers(a, 3);
        emit(a, enc_i(0x67, 0, RA, S11, 0), 4, "jalr ra, 0(s11)  # fetch fault");
        break;
    }
    case 10: /* ecall and ebreak end a block in the middle of straight-line code */
        emit_fillers(a, 3);
        switch (rnd(a, 3)) {
        case 0: emit(a, 0x00000073, 4, "ecall"); break;
        case 1: emit(a, 0x00100073, 4, "ebreak"); break;
        default: emit(a, 0x9002, 2, "c.ebreak"); break;
        }
        break;
    default: /* an unimplemented CSR: illegal, from the interpreter's one-instruction path */
        emit_fillers(a, 3);
        emit(a, enc_i(0x73, 2, rd, 0, 0x7ff), 4, "csrr %s, 0x7ff (none)", xname[rd]);
        break;
    }
    emit_fillers(a, 4);
    end_unit(a);
}

/* A counted loop that patches an instruction later in its own block (before that block's
 * fence.i) and one in the block after the fence.i, compiled on the previous iteration. */
static void gen_smc_unit(Asm *a)
{
    bool compressed = rnd(a, 3) == 0;
    unsigned loop = new_label(a);
    int32_t k = (int32_t) rnd(a, 2000);
    /* x: addi a1, a1, k (or c.addi a1, k), a new immediate each time round. */
    uint32_t x_new =
        compressed ? 0x0001 | (uint32_t) (k & 0x1f) << 2 | 11u << 7 : enc_i(0x13, 0, 11, 11, k);
    emit_li(a, T4, x_new);
    /* y: switches between two instructions of different kinds. */
    static const uint32_t y_kinds[] = {
        0x00d60633, /* add a2, a2, a3 */
        0x02d60633, /* mul a2, a2, a3 */
        0x00361613, /* slli a2, a2, 3 */
        0x40d60633, /* sub a2, a2, a3 */
        0x02d64633, /* div a2, a2, a3 */
        0x0006b603, /* ld a2, 0(a3): a3 is not a pointer, so this usually traps */
    };
    uint32_t y_a = y_kinds[rnd(a, G_N_ELEMENTS(y_kinds))];
    uint32_t y_b = y_kinds[rnd(a, G_N_ELEMENTS(y_kinds) - 1)];
    emit_li(a, S11, y_a);
    emit_li(a, S9, y_a ^ y_b);
    emit_li(a, S8, compressed ? 0x7c : 1u << 20);
    emit_li(a, T3, 2 + rnd(a, 3));
    if (rnd(a, 2))
        emit(a, 0x0001, 2, "c.nop");
    place(a, loop);
    size_t loop_off = here(a);
    emit(a, 0x17 | S10 << 7, 4, "auipc s10, 0");
    emit_fillers(a, 2);
    size_t x_store = here(a);
    emit(a, 0, 4, "(patch x)");
    emit_fillers(a, 2);
    size_t x_off = here(a);
    if (compressed)
        emit(a, 0x0001 | 3u << 2 | 11u << 7, 2, "c.addi a1, 3 (patched)");
    else
        emit(a, enc_i(0x13, 0, 11, 11, 7), 4, "addi a1, a1, 7 (patched)");
    emit_fillers(a, 2);
    size_t y_store = here(a);
    emit(a, 0, 4, "(patch y)");
    emit(a, 0x0000100f, 4, "fence.i");
    size_t y_off = here(a);
    emit(a, 0x00d606b3, 4, "add a3, a2, a3 (patched)");
    emit_fillers(a, 2);
    emit(a, enc_r(0x33, 4, 0, S11, S11, S9), 4, "xor s11, s11, s9");
    if (compressed)
        emit(a, enc_r(0x33, 4, 0, T4, T4, S8), 4, "xor t4, t4, s8");
    else
        emit(a, enc_r(0x33, 0, 0, T4, T4, S8), 4, "add t4, t4, s8");
    emit(a, enc_i(0x13, 0, T3, T3, -1), 4, "addi t3, t3, -1");
    branch_to(a, 1, T3, 0, loop);

    /* The stores, now that the offsets are known. */
    int32_t xd = (int32_t) (x_off - loop_off), yd = (int32_t) (y_off - loop_off);
    RvgInsn *xs = &a->p->insns[x_store / 2], *ys = &a->p->insns[y_store / 2];
    xs->raw = enc_s(0x23, compressed ? 1 : 2, S10, T4, xd);
    snprintf(xs->text, sizeof(xs->text), "%s t4, %d(s10)", compressed ? "sh" : "sw", xd);
    ys->raw = enc_s(0x23, 2, S10, S11, yd);
    snprintf(ys->text, sizeof(ys->text), "sw s11, %d(s10)", yd);
    for (unsigned b = 0; b < 4; b++) {
        a->p->code[x_store + b] = (uint8_t) (xs->raw >> (8 * b));
        a->p->code[y_store + b] = (uint8_t) (ys->raw >> (8 * b));
    }
    end_unit(a);
}

/* A counted loop that writes a short function (two instructions and a ret, different each
 * time) into the data area, usually followed by fence.i, and calls it. */
static void gen_codegen_unit(Asm *a)
{
    uint64_t slot = RVG_DATA_BASE + 0xc000 + rnd(a, 64) * 64;
    static const uint32_t second[] = {
        0x02c585b3, /* mul a1, a1, a2 */
        0x00c5c5b3, /* xor a1, a1, a2 */
        0x0004b583, /* ld a1, 0(s1) */
        0x00b4b023, /* sd a1, 0(s1) */
        0x0005b583, /* ld a1, 0(a1): usually traps */
        0x02c5c5b3, /* div a1, a1, a2 */
    };
    uint32_t two = second[rnd(a, G_N_ELEMENTS(second))];
    bool fence = rnd(a, 3) != 0;
    unsigned loop = new_label(a);
    emit_li(a, S10, slot);
    emit_li(a, T3, 2 + rnd(a, 3));
    emit_li(a, S8, two);
    place(a, loop);
    emit(a, enc_i(0x13, 1, S9, T3, 20), 4, "slli s9, t3, 20");
    emit_li(a, S11, enc_i(0x13, 0, 10, 10, (int32_t) rnd(a, 1024)));
    emit(a, enc_r(0x33, 0, 0, S11, S11, S9), 4, "add s11, s11, s9");
    emit(a, enc_s(0x23, 2, S10, S11, 0), 4, "sw s11, 0(s10)");
    emit(a, enc_s(0x23, 2, S10, S8, 4), 4, "sw s8, 4(s10)");
    emit_li(a, S9, 0x00008067);
    emit(a, enc_s(0x23, 2, S10, S9, 8), 4, "sw s9, 8(s10)  # ret");
    emit_fillers(a, 2);
    if (fence)
        emit(a, 0x0000100f, 4, "fence.i");
    emit(a, 0x000d00e7, 4, "jalr ra, 0(s10)");
    emit_fillers(a, 2);
    emit(a, enc_i(0x13, 0, T3, T3, -1), 4, "addi t3, t3, -1");
    branch_to(a, 1, T3, 0, loop);
    end_unit(a);
}

/* Interrupt enables changed in the middle of blocks: mstatus.MIE off for a block boundary
 * or two (where the driver may raise a line), then on again in the middle of a block, so a
 * pending interrupt is taken right after that instruction; and a software interrupt
 * (mip.SSIP, not delegated) raised by the code itself. In S-mode these CSRs trap. */
static void gen_irq_mask_unit(Asm *a)
{
    switch (rnd(a, 3)) {
    case 0:
        emit_fillers(a, 2);
        emit(a, 0x30047073, 4, "csrci mstatus, 8  # MIE off");
        emit_fillers(a, 2);
        if (rnd(a, 2))
            emit(a, 0x34416073, 4, "csrsi mip, 2  # SSIP, masked");
        emit_fillers(a, 2);
        end_unit(a);
        emit_fillers(a, 3);
        emit(a, 0x30046073, 4, "csrsi mstatus, 8  # MIE on");
        break;
    case 1:
        emit_fillers(a, 3);
        if (rnd(a, 3) == 0)
            emit(a, 0x10500073, 4, "wfi");
        else
            emit(a, 0x34416073, 4, "csrsi mip, 2  # SSIP");
        break;
    default:
        emit_fillers(a, 2);
        emit(a, 0x30417073, 4, "csrci mie, 2  # SSIE off");
        emit(a, 0x34416073, 4, "csrsi mip, 2  # SSIP, masked");
        emit_fillers(a, 3);
        emit(a, 0x30416073, 4, "csrsi mie, 2  # SSIE on");
        break;
    }
    emit_fillers(a, 4);
    end_unit(a);
}

/* A counted loop of one to three blocks without fence.i, so compiled blocks chain into each
 * other (and into themselves) and stay chained until code changes: the driver's code writes
 * into its body are seen after a fence.i elsewhere, when the loop is entered again. */
static void gen_loop_unit(Asm *a)
{
    unsigned loop = new_label(a);
    emit_li(a, T3, 3 + rnd(a, 6));
    place(a, loop);
    for (unsigned n = (unsigned) rnd(a, 3); n; n--) {
        unsigned skip = new_label(a);
        emit_fillers(a, 4);
        branch_to(a, (unsigned) rnd(a, 2), pool_reg(a), pool_reg(a), skip);
        emit_fillers(a, 2);
        place(a, skip);
    }
    emit_fillers(a, 4);
    emit(a, enc_i(0x13, 0, T3, T3, -1), 4, "addi t3, t3, -1");
    branch_to(a, 1, T3, 0, loop);
    end_unit(a);
}

/* ---- The vm stream ---------------------------------------------------------------------- */

/* Physical pages of small functions that the code maps in and out of a window of virtual
 * pages, in several page tables (roots) that more address spaces (a root and an ASID each)
 * use. The generator knows every mapping at every point (the vm units run straight through,
 * and the program's first unit resets the tables), so the code checks itself too: a call
 * through the window leaves the path it took in a7, and a mismatch with the path the current
 * mappings give is stored at VM_CHECK, which the driver reads. That catches a stale
 * translation even where both tiers share it (the MMU and its TLB are common to both). */
#define VM_PHYS       (RVG_RAM_BASE + 0x60000)
#define VM_PHYS_PAGES 6
#define VM_NO_EXEC    64 /* a map entry: a page mapped readable, not executable */
#define VM_CHECK      (RVG_RAM_BASE + 0x68000)
#define VM_WINDOW_VA  UINT64_C(0x80200000) /* level-1 entry 1 of every root */
#define VM_WINDOW     4
#define VM_SLOTS      8 /* and slot VM_SLOTS: the function whose last instruction straddles */
#define VM_SLOT_SIZE  0x200
#define VM_ROOTS      4
#define VM_SPACES     10 /* more than the TLB's sets (8), so sets are recycled */
#define VM_TABLES     (PAGE_TABLES + 0x3000)

/* VM_CHECK: the first failed self-check (what a7 or a6 held, what was expected, its number
 * and pc), then counters the units keep of what they did. */
enum {
    VMC_GOT = 0,
    VMC_WANT = 8,
    VMC_FAILED = 16,
    VMC_PC = 24,
    VMC_SATP = 32,
    VMC_FENCE = 40, /* four counters: x0,x0; va,x0; x0,asid; va,asid */
    VMC_REMAP = 72,
    VMC_CALL = 80,
};

typedef struct VmSpace {
    unsigned root, asid;
} VmSpace;

typedef struct VmFunc {
    bool ret;
    int dk;        /* the window page it jumps to, relative to its own */
    unsigned next; /* and the slot there */
} VmFunc;

typedef struct VmGen {
    RvgProgram *pages; /* the physical pages' code, page p at offset p * 4096 */
    int init[VM_ROOTS][VM_WINDOW];
    int map[VM_ROOTS][VM_WINDOW]; /* physical page, + VM_NO_EXEC, or -1: not valid */
    VmSpace space[VM_SPACES];
    unsigned cur;
    VmFunc func[VM_PHYS_PAGES][VM_SLOTS];
    unsigned checks;
    unsigned fences; /* vm_fence calls: the first four take each form once */
} VmGen;

static uint64_t vm_root_addr(unsigned root)
{
    return root == 0 ? PAGE_TABLES : VM_TABLES + 0x1000 + (root - 1) * 0x3000;
}

static uint64_t vm_l1_addr(unsigned root)
{
    return root == 0 ? PAGE_TABLES + 0x1000 : vm_root_addr(root) + 0x1000;
}

static uint64_t vm_window_table(unsigned root)
{
    return root == 0 ? VM_TABLES : vm_root_addr(root) + 0x2000;
}

static uint64_t vm_satp(const VmGen *vm, unsigned i)
{
    return 8ull << 60 | (uint64_t) vm->space[i].asid << 44 | vm_root_addr(vm->space[i].root) >> 12;
}

static uint64_t vm_pte(int e)
{
    if (e < 0)
        return 0;
    uint64_t pa = VM_PHYS + (uint64_t) (e % VM_NO_EXEC) * 4096;
    return (pa >> 12) << 10 | (e >= VM_NO_EXEC ? 0x43 : 0x4b); /* A R V, or A X R V */
}

static unsigned vm_id(int p, unsigned s)
{
    return s == VM_SLOTS ? 0x80 + (unsigned) p : 1 + (unsigned) p * VM_SLOTS + s;
}

/* Where slot s starts in a page: after the 8 bytes that end the straddling instruction of
 * the page before, or near the end of the page for that one. */
static unsigned vm_slot_off(unsigned s)
{
    return s == VM_SLOTS ? 0xff0 : 8 + s * VM_SLOT_SIZE;
}

/* The straddling instruction is addi a7, a7, imm: its low half ends page A, its high half
 * (the immediate) starts page B, so the page mapped after A decides what it adds. */
#define VM_STRADDLE_LO 0x8893u /* addi a7, a7 (rs1's low bit) */

static unsigned vm_straddle_imm(int p)
{
    return 0x100 + (unsigned) p;
}

static bool vm_exec(const VmGen *vm, unsigned root, int page)
{
    return page >= 0 && page < VM_WINDOW && vm->map[root][page] >= 0 &&
           vm->map[root][page] < VM_NO_EXEC;
}

/* The path a call to window page k, slot s takes through the current mappings: a7 after it.
 * A jump to a page that is not executable (or outside the window) faults, and the handler
 * returns to ra; so does the straddling instruction when the page after is not executable. */
static uint64_t vm_path(const VmGen *vm, unsigned root, unsigned k, unsigned s)
{
    uint64_t path = 0;
    for (int page = (int) k;;) {
        if (!vm_exec(vm, root, page))
            return path;
        int e = vm->map[root][page];
        path = path << 8 | vm_id(e, s);
        if (s == VM_SLOTS)
            return vm_exec(vm, root, page + 1) ? path + vm_straddle_imm(vm->map[root][page + 1])
                                               : path;
        const VmFunc *f = &vm->func[e][s];
        if (f->ret)
            return path;
        page += f->dk;
        s = f->next;
    }
}

/* What `ld` from window page k, offset off reads: across the page's end from two physical
 * pages, or 0 if either is not readable (it faults, and a6 stays 0). */
static uint64_t vm_read(const VmGen *vm, unsigned root, unsigned k, unsigned off)
{
    uint8_t bytes[8];
    for (unsigned i = 0; i < 8; i++) {
        unsigned page = k + (off + i) / 4096;
        int e = page < VM_WINDOW ? vm->map[root][page] : -1;
        if (e < 0)
            return 0;
        bytes[i] = vm->pages->code[(e % VM_NO_EXEC) * 4096 + (off + i) % 4096];
    }
    uint64_t v;
    memcpy(&v, bytes, 8);
    return v;
}

static void vm_emit_alu(Asm *a)
{
    unsigned rd;
    do
        rd = pool_reg(a);
    while (rd == RA || rd == A7);
    unsigned rs1 = pool_reg(a), rs2 = pool_reg(a);
    const RType *t = &rtypes[rnd(a, G_N_ELEMENTS(rtypes))];
    emit(a, enc_r(t->op, t->f3, t->f7, rd, rs1, rs2), 4, "%s %s, %s, %s", t->name, xname[rd],
         xname[rs1], xname[rs2]);
}

/* Each slot of each physical page: a7 = a7 << 8 | its id, some ALU work, then a return or a
 * jump to a later slot of a window page near its own (another page, or off the window).
 * The page starts with the end of the straddling instruction (see vm_straddle_imm) and a
 * return, and ends with the function that starts that instruction. */
static void vm_gen_pages(Asm *a)
{
    VmGen *vm = a->vm;
    RvgProgram *main = a->p;
    a->p = vm->pages;
    for (int p = 0; p < VM_PHYS_PAGES; p++) {
        a->p->code_len = (size_t) p * 4096;
        emit(a, 0x8 | vm_straddle_imm(p) << 4, 2, "(the high half of addi a7, a7, %u)",
             vm_straddle_imm(p));
        emit(a, 0x00008067, 4, "ret");
        emit(a, 0x0001, 2, "c.nop");
        a->p->code_len = (size_t) p * 4096 + vm_slot_off(VM_SLOTS);
        emit(a, enc_i(0x13, 1, A7, A7, 8), 4, "slli a7, a7, 8");
        emit(a, enc_i(0x13, 0, A7, A7, (int32_t) vm_id(p, VM_SLOTS)), 4, "addi a7, a7, %u",
             vm_id(p, VM_SLOTS));
        vm_emit_alu(a);
        emit(a, 0x0001, 2, "c.nop");
        emit(a, VM_STRADDLE_LO, 2, "addi a7, a7, (the next page's)");
        for (unsigned s = 0; s < VM_SLOTS; s++) {
            VmFunc *f = &vm->func[p][s];
            a->p->code_len = (size_t) p * 4096 + vm_slot_off(s);
            emit(a, enc_i(0x13, 1, A7, A7, 8), 4, "slli a7, a7, 8");
            emit(a, enc_i(0x13, 0, A7, A7, (int32_t) vm_id(p, s)), 4, "addi a7, a7, %u",
                 vm_id(p, s));
            for (unsigned n = (unsigned) rnd(a, 4); n; n--)
                vm_emit_alu(a);
            f->ret = s == VM_SLOTS - 1 || rnd(a, 4) == 0;
            if (f->ret) {
                emit(a, 0x00008067, 4, "ret");
                continue;
            }
            f->dk = (int) rnd(a, 5) - 2;
            f->next = s + 1 + (unsigned) rnd(a, VM_SLOTS - 1 - s);
            int32_t at = (int32_t) (a->p->code_len - (size_t) p * 4096);
            int32_t delta = f->dk * 4096 + (int32_t) vm_slot_off(f->next) - at;
            emit(a, 0x6f | enc_j_imm(delta), 4, "j %+d (window page %+d, slot %u)", delta, f->dk,
                 f->next);
        }
    }
    a->p = main;
}

static void vm_count(Asm *a, int off)
{
    emit_li(a, S9, VM_CHECK);
    emit(a, enc_i(0x03, 3, S11, S9, off), 4, "ld s11, %d(s9)  # count", off);
    emit(a, enc_i(0x13, 0, S11, S11, 1), 4, "addi s11, s11, 1");
    emit(a, enc_s(0x23, 3, S9, S11, off), 4, "sd s11, %d(s9)", off);
}

/* The code checks itself: reg must hold want, else the first failure is written down. */
static void vm_check(Asm *a, unsigned reg, uint64_t want)
{
    unsigned ok = new_label(a);
    unsigned n = ++a->vm->checks;
    emit_li(a, S11, want);
    branch_to(a, 0, reg, S11, ok);
    emit_li(a, S9, VM_CHECK);
    emit(a, enc_s(0x23, 3, S9, reg, VMC_GOT), 4, "sd %s, %d(s9)  # check %u failed", xname[reg],
         VMC_GOT, n);
    emit(a, enc_s(0x23, 3, S9, S11, VMC_WANT), 4, "sd s11, %d(s9)", VMC_WANT);
    emit_li(a, S11, n);
    emit(a, enc_s(0x23, 3, S9, S11, VMC_FAILED), 4, "sd s11, %d(s9)", VMC_FAILED);
    emit(a, 0x17 | S11 << 7, 4, "auipc s11, 0");
    emit(a, enc_s(0x23, 3, S9, S11, VMC_PC), 4, "sd s11, %d(s9)", VMC_PC);
    place(a, ok);
}

/* Calls window page k, slot s through the current address space and checks the path. */
static void vm_call(Asm *a, unsigned k, unsigned s)
{
    VmGen *vm = a->vm;
    emit_li(a, A7, 0);
    emit_li(a, S10, VM_WINDOW_VA + k * 4096 + vm_slot_off(s));
    emit(a, 0x000d00e7, 4, "jalr ra, 0(s10)  # window page %u, slot %u", k, s);
    vm_check(a, A7, vm_path(vm, vm->space[vm->cur].root, k, s));
    vm_count(a, VMC_CALL);
}

static void emit_sfence(Asm *a, unsigned rs1, unsigned rs2, int form)
{
    emit(a, 0x12000073 | rs1 << 15 | rs2 << 20, 4, "sfence.vma %s, %s", xname[rs1], xname[rs2]);
    vm_count(a, VMC_FENCE + 8 * form);
}

/* Whether another root uses space i's ASID: switching to it then needs sfence.vma x0, asid. */
static bool vm_asid_shared(const VmGen *vm, unsigned i)
{
    for (unsigned j = 0; j < VM_SPACES; j++)
        if (vm->space[j].asid == vm->space[i].asid && vm->space[j].root != vm->space[i].root)
            return true;
    return false;
}

static void vm_switch(Asm *a, unsigned to)
{
    VmGen *vm = a->vm;
    emit_li(a, S9, vm_satp(vm, to));
    if (rnd(a, 2))
        emit(a, enc_i(0x73, 1, 0, S9, CSR_SATP), 4, "csrw satp, s9  # space %u", to);
    else
        emit(a, enc_i(0x73, 1, S8, S9, CSR_SATP), 4, "csrrw s8, satp, s9  # space %u", to);
    vm->cur = to;
    vm_count(a, VMC_SATP);
    if (vm_asid_shared(vm, to)) {
        emit_li(a, T4, vm->space[to].asid);
        emit_sfence(a, 0, T4, 2);
    }
}

/* Fences the window pages of root changed: everything, each page in every address space,
 * each ASID that uses the root, or each page in each of those. */
static void vm_fence(Asm *a, unsigned root, const unsigned *pages, unsigned n)
{
    VmGen *vm = a->vm;
    unsigned asids[VM_SPACES], n_asids = 0;
    for (unsigned i = 0; i < VM_SPACES; i++) {
        bool seen = false;
        for (unsigned j = 0; j < n_asids; j++)
            seen |= asids[j] == vm->space[i].asid;
        if (vm->space[i].root == root && !seen)
            asids[n_asids++] = vm->space[i].asid;
    }
    int form = (int) rnd(a, 4);
    if (vm->fences++ < 4)
        form = (int) vm->fences - 1;
    if (form == 0) {
        emit_sfence(a, 0, 0, 0);
        return;
    }
    for (unsigned i = 0; i < (form == 2 ? 1 : n); i++) {
        if (form != 2)
            emit_li(a, T3, VM_WINDOW_VA + pages[i] * 4096 + rnd(a, 4096));
        if (form == 1) {
            emit_sfence(a, T3, 0, 1);
            continue;
        }
        for (unsigned j = 0; j < n_asids; j++) {
            emit_li(a, T4, asids[j]);
            emit_sfence(a, form == 2 ? 0 : T3, T4, form);
        }
    }
}

/* The program's first unit: every root's window as at the start, fenced, space 0. */
static void gen_vm_init(Asm *a)
{
    VmGen *vm = a->vm;
    for (unsigned r = 0; r < VM_ROOTS; r++) {
        for (unsigned k = 0; k < VM_WINDOW; k++) {
            vm->map[r][k] = vm->init[r][k];
            emit_li(a, S9, vm_window_table(r) + 8 * k);
            emit_li(a, S8, vm_pte(vm->init[r][k]));
            emit(a, enc_s(0x23, 3, S9, S8, 0), 4, "sd s8, 0(s9)  # root %u, window page %u", r, k);
        }
    }
    emit_li(a, S9, vm_satp(vm, 0));
    emit(a, enc_i(0x73, 1, 0, S9, CSR_SATP), 4, "csrw satp, s9  # space 0");
    emit(a, 0x12000073, 4, "sfence.vma");
    vm->cur = 0;
    end_unit(a);
}

/* A switch to another address space and a call through the window there; now and then back
 * to the first and the same call again, which runs other code at the same virtual address. */
static void gen_vm_switch_unit(Asm *a)
{
    VmGen *vm = a->vm;
    unsigned from = vm->cur, to = (unsigned) rnd(a, VM_SPACES);
    if (to == from)
        to = (to + 1) % VM_SPACES;
    emit_fillers(a, 2);
    vm_switch(a, to);
    emit_fillers(a, 2);
    unsigned k = (unsigned) rnd(a, VM_WINDOW), s = (unsigned) rnd(a, VM_SLOTS + 1);
    vm_call(a, k, s);
    if (rnd(a, 2)) {
        vm_switch(a, from);
        vm_call(a, k, s);
    }
    emit_fillers(a, 2);
    end_unit(a);
}

/* A call through a window page (so the old translation's block is compiled), new PTEs for
 * it and maybe another page, written by the code, a fence, and the same call and a load
 * through the page again. Now and then in a root other than the current one's. */
static void gen_vm_remap_unit(Asm *a)
{
    VmGen *vm = a->vm;
    unsigned cur_root = vm->space[vm->cur].root;
    unsigned root = rnd(a, 4) ? cur_root : (unsigned) rnd(a, VM_ROOTS);
    unsigned k = (unsigned) rnd(a, VM_WINDOW), s = (unsigned) rnd(a, VM_SLOTS + 1);
    unsigned first = k;
    if (s == VM_SLOTS && k + 1 < VM_WINDOW && rnd(a, 2))
        first = k + 1; /* the page that ends the straddling instruction */
    unsigned pages[2] = {first, (first + 1 + (unsigned) rnd(a, VM_WINDOW - 1)) % VM_WINDOW};
    unsigned n = rnd(a, 4) == 0 ? 2 : 1;
    emit_fillers(a, 2);
    if (root == cur_root)
        vm_call(a, k, s);
    for (unsigned i = 0; i < n; i++) {
        int *e = &vm->map[root][pages[i]], old = *e;
        while (*e == old) {
            if (rnd(a, 8) == 0)
                *e = rnd(a, 2) ? -1 : (int) rnd(a, VM_PHYS_PAGES) + VM_NO_EXEC;
            else
                *e = (int) rnd(a, VM_PHYS_PAGES);
        }
        emit_li(a, S9, vm_window_table(root) + 8 * pages[i]);
        emit_li(a, S8, vm_pte(*e));
        emit(a, enc_s(0x23, 3, S9, S8, 0), 4, "sd s8, 0(s9)  # root %u, window page %u", root,
             pages[i]);
        vm_count(a, VMC_REMAP);
    }
    vm_fence(a, root, pages, n);
    emit_fillers(a, 1);
    if (root == cur_root) {
        vm_call(a, k, s);
        /* after the straddling function, a load across the end of the page */
        int32_t off = s == VM_SLOTS ? 12 : 0;
        emit_li(a, A6, 0);
        emit(a, enc_i(0x03, 3, A6, S10, off), 4, "ld a6, %d(s10)", off);
        vm_check(a, A6, vm_read(vm, root, k, vm_slot_off(s) + (unsigned) off));
    } else if (rnd(a, 2)) {
        vm_call(a, (unsigned) rnd(a, VM_WINDOW), (unsigned) rnd(a, VM_SLOTS + 1));
    }
    emit_fillers(a, 2);
    end_unit(a);
}

static VmGen *vm_gen_new(Asm *a)
{
    VmGen *vm = g_new0(VmGen, 1);
    vm->pages = g_new0(RvgProgram, 1);
    vm->pages->code = g_malloc0(RVG_CODE_MAX);
    vm->pages->insns = g_new0(RvgInsn, RVG_CODE_MAX / 2);
    a->vm = vm;
    vm_gen_pages(a);
    for (unsigned r = 0; r < VM_ROOTS; r++)
        for (unsigned k = 0; k < VM_WINDOW; k++)
            vm->init[r][k] = rnd(a, 8) ? (int) rnd(a, VM_PHYS_PAGES) : -1;
    /* Spaces 0..3 use roots 0..3, 2 and 3 with the same ASID; 4 uses root 0 with another
     * ASID; the rest are drawn from those roots and ASIDs. */
    unsigned asid[4];
    for (unsigned i = 0; i < 4; i++) {
        bool again;
        do {
            asid[i] = 1 + (unsigned) rnd(a, 0xffff);
            again = false;
            for (unsigned j = 0; j < i; j++)
                again |= asid[j] == asid[i];
        } while (again);
    }
    static const VmSpace fixed[5] = {{0, 0}, {1, 0}, {2, 1}, {3, 1}, {0, 2}};
    for (unsigned i = 0; i < VM_SPACES; i++) {
        VmSpace sp = i < 5 ? fixed[i] : (VmSpace){(unsigned) rnd(a, VM_ROOTS), rnd(a, 5)};
        vm->space[i].root = sp.root;
        vm->space[i].asid = i == 0 ? 0 : sp.asid == 4 ? 0 : asid[sp.asid];
    }
    return vm;
}

static RvgProgram *gen_directed(uint64_t seed, size_t code_bytes, StreamKind kind,
                                GArray **patchable, RvgProgram **vm_pages)
{
    if (code_bytes > RVG_CODE_MAX - 1024)
        code_bytes = RVG_CODE_MAX - 1024;
    RvgProgram *p = g_new0(RvgProgram, 1);
    p->code = g_malloc0(RVG_CODE_MAX);
    p->insns = g_new0(RvgInsn, RVG_CODE_MAX / 2);
    /* The seed is hashed: seed * 0x9e3779b97f4a7c15 (splitmix's own increment) made the
     * sequence of seed n + 1 that of seed n one draw later, so neighbouring seeds gave
     * mostly the same program. */
    RvgRng seeder = {seed ^ 0x5eed};
    Asm a = {
        .p = p,
        .rng = {rvg_next(&seeder)},
        .labels = g_array_new(FALSE, FALSE, sizeof(size_t)),
        .fixups = g_array_new(FALSE, FALSE, sizeof(Fixup)),
        .patchable = g_array_new(FALSE, FALSE, sizeof(size_t)),
    };
    for (size_t i = 0; i < RVG_DATA_SIZE; i += 8) {
        uint64_t v =
            rnd(&a, 4) ? rvg_next(&a.rng) : interesting[rnd(&a, G_N_ELEMENTS(interesting))];
        memcpy(p->data + i, &v, 8);
    }
    for (unsigned r = 1; r < 32; r++)
        p->x[r] = rnd(&a, 3) ? rvg_next(&a.rng) : interesting[rnd(&a, G_N_ELEMENTS(interesting))];
    p->x[SP] = RVG_DATA_BASE + 0x800 + rnd(&a, 0x1000);
    p->x[S0] = RVG_DATA_BASE + 0x8000 + rnd(&a, 0x100) * 8;
    p->x[S1] = RVG_DATA_BASE + 0x1000 * (2 + rnd(&a, 8));
    for (unsigned r = 0; r < 32; r++)
        p->f[r] = rvg_next(&a.rng);
    p->fcsr = 0;
    if (kind == STREAM_VM) {
        vm_gen_new(&a);
        gen_vm_init(&a);
    }

    while (here(&a) < code_bytes) {
        unsigned k = (unsigned) rnd(&a, 10);
        if (rnd(&a, kind == STREAM_ALU ? 3 : 8) == 0) {
            gen_loop_unit(&a);
        } else if (kind == STREAM_ALU) {
            /* Now and then longer than a block may be (VR_BLOCK_MAX_INSNS, 64). */
            unsigned n = rnd(&a, 8) ? 2 + (unsigned) rnd(&a, 3) : 60 + (unsigned) rnd(&a, 200);
            for (unsigned i = 0; i < n; i++)
                emit_filler(&a);
            end_unit(&a);
        } else if (kind == STREAM_IRQ_MASK ? k < 5 : k < 1)
            gen_irq_mask_unit(&a);
        else if (kind == STREAM_SMC ? k < 6 : k < 2)
            rnd(&a, 3) ? gen_smc_unit(&a) : gen_codegen_unit(&a);
        else if (kind == STREAM_VM && k >= 4)
            rnd(&a, 2) ? gen_vm_switch_unit(&a) : gen_vm_remap_unit(&a);
        else if (kind == STREAM_FAULT ? k < 8 : k < 7)
            gen_fault_unit(&a);
        else {
            emit_fillers(&a, 6);
            end_unit(&a);
        }
    }
    int32_t back = -(int32_t) here(&a);
    emit(&a, enc_j_imm(back) | 0x6f, 4, "j %d (to the start)", back);
    resolve(&a);
    g_array_unref(a.labels);
    g_array_unref(a.fixups);
    *patchable = a.patchable;
    *vm_pages = a.vm ? a.vm->pages : NULL;
    g_free(a.vm);
    return p;
}

/* ---- The harts -------------------------------------------------------------------------- */

/* mtvec, vectored. Interrupts jump to a handler that clears the software interrupt
 * gen_irq_mask_unit raises and returns, using no register, so an interrupt changes nothing
 * the interrupted code can see but mip, mepc and mcause. Exceptions (vector 0) jump to one
 * that skips the instruction that raised them (2 or 4 bytes), or after a fetch fault returns
 * to ra (the faulting jump was a jalr ra); it uses t5 and t6 only. */
#define TRAP_IRQ_OFF 64
#define TRAP_EXC_OFF 72
static uint32_t trap_handler[34];

static void build_trap_handler(void)
{
    uint32_t *w = trap_handler;
    for (unsigned i = 0; i < TRAP_IRQ_OFF / 4; i++) {
        int32_t to = i == 0 ? TRAP_EXC_OFF : TRAP_IRQ_OFF;
        w[i] = 0x6f | enc_j_imm(to - 4 * (int32_t) i);
    }
    w[16] = 0x34417073;                                  /* irq: csrci mip, 2 */
    w[17] = 0x30200073;                                  /* mret */
    w[18] = enc_i(0x73, 2, T6, 0, CSR_MCAUSE);           /* exc: csrr t6, mcause */
    w[19] = enc_i(0x13, 0, T5, T6, -1);                  /* addi t5, t6, -1 */
    w[20] = enc_r(0x63, 0, 0, 0, T5, 0) | enc_b_imm(48); /* beqz t5, fetch */
    w[21] = enc_i(0x13, 0, T5, T6, -12);                 /* addi t5, t6, -12 */
    w[22] = enc_r(0x63, 0, 0, 0, T5, 0) | enc_b_imm(40); /* beqz t5, fetch */
    w[23] = enc_i(0x73, 2, T6, 0, CSR_MEPC);             /* csrr t6, mepc */
    w[24] = enc_i(0x03, 5, T5, T6, 0);                   /* lhu t5, 0(t6) */
    w[25] = enc_i(0x13, 7, T5, T5, 3);                   /* andi t5, t5, 3 */
    w[26] = enc_i(0x13, 0, T6, T6, 2);                   /* addi t6, t6, 2 */
    w[27] = enc_i(0x13, 0, T5, T5, -3);                  /* addi t5, t5, -3 */
    w[28] = enc_r(0x63, 1, 0, 0, T5, 0) | enc_b_imm(8);  /* bnez t5, 1f */
    w[29] = enc_i(0x13, 0, T6, T6, 2);                   /* addi t6, t6, 2 */
    w[30] = enc_i(0x73, 1, 0, T6, CSR_MEPC);             /* 1: csrw mepc, t6 */
    w[31] = 0x30200073;                                  /* mret */
    w[32] = enc_i(0x73, 1, 0, RA, CSR_MEPC);             /* fetch: csrw mepc, ra */
    w[33] = 0x30200073;                                  /* mret */
}

static bool uses_pmp(const Run *r)
{
    return r->opt->stream != STREAM_RANDOM && r->opt->stream != STREAM_IRQ;
}

static VrHart *hart_new(Run *r, VrAddressSpace **as_out, VrAccel accel)
{
    g_autoptr(GError) error = NULL;
    VrAddressSpace *as = vr_address_space_new();
    if (!vr_address_space_add_ram(as, "ram", RVG_RAM_BASE, RVG_RAM_SIZE, &error))
        g_error("add_ram: %s", error->message);
    uint8_t *ram = vr_address_space_ram_ptr(as, RVG_RAM_BASE, RVG_RAM_SIZE);
    g_assert(ram);
    memcpy(ram + (RVG_CODE_BASE - RVG_RAM_BASE), r->prog->code, r->prog->code_len);
    for (unsigned i = 0; i < G_N_ELEMENTS(trap_handler); i++)
        memcpy(ram + (RVG_TRAP_PC - RVG_RAM_BASE) + 4 * i, &trap_handler[i], 4);
    memcpy(ram + (RVG_DATA_BASE - RVG_RAM_BASE), r->prog->data, RVG_DATA_SIZE);

    VrHart *h = vr_hart_new(as, &r->clock, 0);
    vr_hart_set_accel(h, accel);
    vr_hart_set_jit_threshold(h, (unsigned) r->opt->threshold);
    vr_hart_reset(h, RVG_CODE_BASE);
    vr_hart_csr_write(h, CSR_MSTATUS, MSTATUS_FS_DIRTY | MSTATUS_MIE | MSTATUS_MPP_M);
    vr_hart_csr_write(h, CSR_MIE, (1ull << IRQ_SSI) | (1ull << IRQ_MSI) | (1ull << IRQ_MEI));
    vr_hart_csr_write(h, CSR_MTVEC, RVG_TRAP_PC | 1);
    vr_hart_csr_write(h, CSR_MCAUSE, 0);
    vr_hart_csr_write(h, CSR_FCSR, r->prog->fcsr);
    /* Entry 0: the 4 KiB page at PMP_DENIED_PAGE, NAPOT, locked, no permissions (directed
     * streams); entry 1: everything else, for S-mode. */
    uint64_t pmpcfg = 0x1full << 8;
    vr_hart_csr_write(h, CSR_PMPADDR0 + 1, ~0ull);
    if (uses_pmp(r)) {
        vr_hart_csr_write(h, CSR_PMPADDR0, (PMP_DENIED_PAGE >> 2) | 0x1ff);
        pmpcfg |= 0x80 | 0x18;
    }
    vr_hart_csr_write(h, CSR_PMPCFG0, pmpcfg);
    {
        /* Identity-mapped through 4 KiB pages. M-mode uses them only with MPRV; with --sv39
         * the code runs in S-mode, its traps go to M-mode's handler, whose mret comes back
         * to S-mode. */
        uint64_t *root = (uint64_t *) (ram + (PAGE_TABLES - RVG_RAM_BASE));
        uint64_t *l1 = root + 512, *l0 = root + 1024;
        memset(root, 0, 3 * 4096);
        root[2] = ((PAGE_TABLES + 0x1000) >> 12) << 10 | 1;
        l1[0] = ((PAGE_TABLES + 0x2000) >> 12) << 10 | 1;
        for (uint64_t i = 0; i < RVG_RAM_SIZE / 4096; i++) {
            uint64_t pa = RVG_RAM_BASE + i * 4096, flags = 0xcf; /* D A X W R V */
            if (pa >= PAGE_UNMAPPED && pa < PAGE_READ_ONLY)
                flags = 0;
            else if (pa == PAGE_READ_ONLY)
                flags = 0x43; /* A R V */
            else if (pa == PAGE_USER)
                flags = 0xd7; /* D A U W R V */
            else if (pa == PAGE_EXEC_ONLY)
                flags = 0x49; /* A X V */
            l0[i] = (pa >> 12) << 10 | flags;
        }
        if (r->vm_pages) {
            /* Every root maps what root 0 does through the same level-0 table, and the
             * window through its own, which the code fills (gen_vm_init). */
            memcpy(ram + (VM_PHYS - RVG_RAM_BASE), r->vm_pages->code, VM_PHYS_PAGES * 4096);
            memset(ram + (VM_CHECK - RVG_RAM_BASE), 0, 4096);
            for (unsigned k = 0; k < VM_ROOTS; k++) {
                uint64_t *vroot = (uint64_t *) (ram + (vm_root_addr(k) - RVG_RAM_BASE));
                uint64_t *vl1 = (uint64_t *) (ram + (vm_l1_addr(k) - RVG_RAM_BASE));
                if (k) {
                    memset(vroot, 0, 4096);
                    memset(vl1, 0, 4096);
                }
                vroot[2] = (vm_l1_addr(k) >> 12) << 10 | 1;
                vl1[0] = ((PAGE_TABLES + 0x2000) >> 12) << 10 | 1;
                vl1[1] = (vm_window_table(k) >> 12) << 10 | 1;
                memset(ram + (vm_window_table(k) - RVG_RAM_BASE), 0, 4096);
            }
        }
        vr_hart_csr_write(h, CSR_SATP, 8ull << 60 | PAGE_TABLES >> 12);
    }
    if (r->opt->sv39) {
        vr_hart_csr_write(h, CSR_MSTATUS, MSTATUS_FS_DIRTY | MSTATUS_MIE | (1ull << 11));
        vr_hart_csr_write(h, 0x306, 5); /* mcounteren: cycle and instret, not time */
        vr_hart_set_priv(h, 1);
    }
    for (unsigned i = 1; i < 32; i++)
        vr_hart_set_x(h, i, r->prog->x[i]);
    for (unsigned i = 0; i < 32; i++)
        vr_hart_set_f(h, i, r->prog->f[i]);
    *as_out = as;
    return h;
}

static void hart_state(VrHart *h, State *s)
{
    memset(s, 0, sizeof(*s));
    s->pc = vr_hart_get_pc(h);
    for (unsigned i = 1; i < 32; i++)
        s->x[i] = vr_hart_get_x(h, i);
    for (unsigned i = 0; i < 32; i++)
        s->f[i] = vr_hart_get_f(h, i);
    vr_hart_csr_read(h, CSR_FCSR, &s->fcsr);
    s->instret = vr_hart_instret(h);
    vr_hart_csr_read(h, CSR_MINSTRET, &s->minstret);
    s->priv = vr_hart_get_priv(h);
    vr_hart_csr_read(h, CSR_MSTATUS, &s->mstatus);
    vr_hart_csr_read(h, CSR_MEPC, &s->mepc);
    vr_hart_csr_read(h, CSR_MCAUSE, &s->mcause);
    vr_hart_csr_read(h, CSR_MTVAL, &s->mtval);
    vr_hart_csr_read(h, CSR_MSCRATCH, &s->mscratch);
    vr_hart_csr_read(h, CSR_MIP, &s->mip);
    vr_hart_csr_read(h, CSR_MIE, &s->mie);
}

static const uint8_t *ram_of(VrAddressSpace *as)
{
    return vr_address_space_ram_ptr(as, RVG_RAM_BASE, RVG_RAM_SIZE);
}

/* ---- Reporting -------------------------------------------------------------------------- */

static void print_insn(const Run *r, const char *prefix, uint64_t pc)
{
    const RvgInsn *in = rvg_insn_at(r->prog, pc);
    if (in) {
        printf("%s0x%08" PRIx64 ":  %0*x  %s\n", prefix, pc, in->len * 2, in->raw, in->text);
    } else if (r->vm_pages && pc >= VM_WINDOW_VA && pc < VM_WINDOW_VA + VM_WINDOW * 4096) {
        printf("%s0x%08" PRIx64 ":  (window page %" PRIu64 ", slot %" PRIu64
               ": the code depends on the mapping)\n",
               prefix, pc, (pc - VM_WINDOW_VA) / 4096, ((pc & 4095) - 8) / VM_SLOT_SIZE);
    } else if (pc >= RVG_TRAP_PC && pc < RVG_TRAP_PC + sizeof(trap_handler)) {
        printf("%s0x%08" PRIx64 ":  %08x  (trap handler)\n", prefix, pc,
               trap_handler[(pc - RVG_TRAP_PC) / 4]);
    } else {
        printf("%s0x%08" PRIx64 ":  (not in the generated stream)\n", prefix, pc);
    }
}

static bool ends_block(uint32_t raw, unsigned len)
{
    if (len == 2) {
        unsigned q = raw & 3, f3 = (raw >> 13) & 7;
        return (q == 1 && (f3 == 5 || f3 == 6 || f3 == 7 || f3 == 1)) ||
               (q == 2 && f3 == 4 && ((raw >> 2) & 0x1f) == 0 && ((raw >> 7) & 0x1f) != 0);
    }
    unsigned op = raw & 0x7f;
    return op == 0x63 || op == 0x6f || op == 0x67 || raw == 0x0000100f ||
           (op == 0x73 && ((raw >> 12) & 7) == 0);
}

/* The instructions of the block that starts at pc, as generated (before any patching). */
static void print_block(const Run *r, uint64_t pc)
{
    printf("  the block (as generated; the interpreter's RAM where it differs now):\n");
    const uint8_t *ram = ram_of(r->as_ref);
    for (unsigned n = 0; n < 40; n++) {
        const RvgInsn *in = rvg_insn_at(r->prog, pc);
        print_insn(r, "    ", pc);
        if (in) {
            uint32_t now = 0;
            memcpy(&now, ram + (pc - RVG_RAM_BASE), in->len);
            if (now != in->raw)
                printf("%16s(now %0*x)\n", "", in->len * 2, now);
        }
        if (!in || ends_block(in->raw, in->len))
            return;
        pc += in->len;
    }
    printf("    ...\n");
}

static void print_history(const Run *r)
{
    uint64_t n = r->recorded < HISTORY ? r->recorded : HISTORY;
    printf("  the last %" PRIu64 " blocks started at (oldest first):", n);
    for (uint64_t i = r->recorded - n; i < r->recorded; i++)
        printf(" 0x%" PRIx64, r->history[i % HISTORY]);
    printf("\n");
}

static void print_repro(const Run *r)
{
    const Options *o = r->opt;
    printf("  reproduce: difftest-jit --stream %s --seed %" PRIu64 " --blocks %" PRIu64
           " --threshold %d",
           stream_names[o->stream], r->seed, r->block + 1, o->threshold);
    if (o->max_chunk != 1)
        printf(" --max-chunk %d", o->max_chunk);
    if (o->irq_every != -1)
        printf(" --irq-every %d", o->irq_every);
    if (o->code_write_every != -1)
        printf(" --code-write-every %d", o->code_write_every);
    if (o->code_size != 16384)
        printf(" --code-size %d", o->code_size);
    if (o->focus_name)
        printf(" --focus %s", o->focus_name);
    if (o->misaligned)
        printf(" --misaligned");
    if (o->sv39)
        printf(" --sv39");
    if (o->jit_cache_kb)
        printf(" --jit-cache-kb %d", o->jit_cache_kb);
    if (o->b_accel != VR_ACCEL_JIT)
        printf(" --b-accel %s", vr_accel_name(o->b_accel));
    printf(" --trace\n");
}

#define DIFF_FIELD(name)                                                                           \
    do {                                                                                           \
        if (a->name != b->name) {                                                                  \
            printf("    %-9s interp 0x%016" PRIx64 "  jit 0x%016" PRIx64 "  (before 0x%016" PRIx64 \
                   ")\n",                                                                          \
                   #name, a->name, b->name, before->name);                                         \
        }                                                                                          \
    } while (0)

static void diff_states(const State *a, const State *b, const State *before)
{
    DIFF_FIELD(pc);
    for (int i = 1; i < 32; i++)
        if (a->x[i] != b->x[i])
            printf("    x%-2d/%-4s  interp 0x%016" PRIx64 "  jit 0x%016" PRIx64
                   "  (before 0x%016" PRIx64 ")\n",
                   i, xname[i], a->x[i], b->x[i], before->x[i]);
    for (int i = 0; i < 32; i++)
        if (a->f[i] != b->f[i])
            printf("    f%-2d       interp 0x%016" PRIx64 "  jit 0x%016" PRIx64
                   "  (before 0x%016" PRIx64 ")\n",
                   i, a->f[i], b->f[i], before->f[i]);
    DIFF_FIELD(fcsr);
    DIFF_FIELD(instret);
    DIFF_FIELD(minstret);
    DIFF_FIELD(priv);
    DIFF_FIELD(mstatus);
    DIFF_FIELD(mepc);
    DIFF_FIELD(mcause);
    DIFF_FIELD(mtval);
    DIFF_FIELD(mscratch);
    DIFF_FIELD(mip);
    DIFF_FIELD(mie);
}

static int fail_header(Run *r, uint64_t pc, const char *what)
{
    printf("MISMATCH seed %" PRIu64 " stream %s%s threshold %d block %" PRIu64 ": %s\n", r->seed,
           stream_names[r->opt->stream], r->opt->sv39 ? " (sv39)" : "", r->opt->threshold, r->block,
           what);
    printf("  the block started at 0x%08" PRIx64 "\n", pc);
    return 1;
}

static int compare_ram(Run *r, uint64_t pc)
{
    const uint8_t *a = ram_of(r->as_ref), *b = ram_of(r->as_jit);
    if (memcmp(a, b, RVG_RAM_SIZE) == 0)
        return 0;
    size_t i = 0;
    while (a[i] == b[i])
        i++;
    size_t start = i & ~(size_t) 7;
    char what[96];
    snprintf(what, sizeof(what), "memory differs from 0x%08" PRIx64 " (%s)",
             RVG_RAM_BASE + (uint64_t) i,
             RVG_RAM_BASE + i < RVG_DATA_BASE ? "code area" : "data area");
    fail_header(r, pc, what);
    printf("    interp:");
    for (size_t j = start; j < start + 16 && j < RVG_RAM_SIZE; j++)
        printf(" %02x", a[j]);
    printf("\n    jit:   ");
    for (size_t j = start; j < start + 16 && j < RVG_RAM_SIZE; j++)
        printf(" %02x", b[j]);
    printf("\n  (RAM was last equal %d blocks ago or fewer)\n", r->opt->data_every);
    print_history(r);
    print_repro(r);
    return 1;
}

/* A self-check of the vm stream failed (in the interpreter's RAM: the JIT's is compared with
 * it): the code saw another mapping than the one it set up, though both tiers may agree. */
static int vm_check_failed(Run *r, uint64_t pc)
{
    const uint8_t *check = ram_of(r->as_ref) + (VM_CHECK - RVG_RAM_BASE);
    uint64_t n, got, want, at;
    memcpy(&n, check + VMC_FAILED, 8);
    if (!n)
        return 0;
    memcpy(&got, check + VMC_GOT, 8);
    memcpy(&want, check + VMC_WANT, 8);
    memcpy(&at, check + VMC_PC, 8);
    printf("FAILED seed %" PRIu64 " stream vm block %" PRIu64 ": self-check %" PRIu64
           " at 0x%08" PRIx64 " got 0x%" PRIx64 ", expected 0x%" PRIx64
           " (a7: the ids of the window functions that ran, a byte each; a6: what a load "
           "through the window read): a stale translation, in both tiers alike\n",
           r->seed, r->block, n, at, got, want);
    printf("  the block started at 0x%08" PRIx64 "\n", pc);
    print_history(r);
    print_repro(r);
    return 1;
}

/* ---- The run ---------------------------------------------------------------------------- */

/* Runs one hart for budget instructions' worth of whole blocks. A pending kick (from
 * vr_hart_set_irq) makes the first call return at once, which is not a block. */
static void run_blocks(VrHart *h, uint64_t budget)
{
    for (int i = 0; i < 4; i++)
        if (vr_hart_run(h, budget) != VR_RUN_REQUEST)
            return;
}

static void trace_block(const Run *r, uint64_t pc, const State *before, const State *after)
{
    printf("%8" PRIu64 " 0x%08" PRIx64 " +%" PRIu64 " insns -> 0x%08" PRIx64, r->block, pc,
           after->instret - before->instret, after->pc);
    if (after->mcause != before->mcause || after->mepc != before->mepc)
        printf("  mcause 0x%" PRIx64 " mepc 0x%" PRIx64 " mtval 0x%" PRIx64, after->mcause,
               after->mepc, after->mtval);
    printf("\n");
    for (int i = 1; i < 32; i++)
        if (before->x[i] != after->x[i])
            printf("%22s%s = 0x%016" PRIx64 "\n", "", xname[i], after->x[i]);
}

static void list_program(const RvgProgram *p, uint64_t base)
{
    for (uint64_t off = 0; off < p->code_len; off += 2) {
        const RvgInsn *in = &p->insns[off / 2];
        if (in->len)
            printf("0x%08" PRIx64 ":  %0*x  %s\n", base + off, in->len * 2, in->raw, in->text);
    }
}

static RvgProgram *make_program(const Options *opt, uint64_t seed, GArray **patchable,
                                RvgProgram **vm_pages)
{
    *patchable = NULL;
    *vm_pages = NULL;
    if (opt->stream != STREAM_RANDOM && opt->stream != STREAM_IRQ)
        return gen_directed(seed, (size_t) opt->code_size, opt->stream, patchable, vm_pages);
    RvgOptions go;
    rvg_options_default(&go);
    go.misaligned = opt->misaligned;
    go.focus = opt->focus;
    return rvg_generate(seed, (size_t) opt->code_size, &go);
}

static int run_seed(const Options *opt, uint64_t seed)
{
    Run r = {.opt = opt, .seed = seed};
    g_autoptr(GArray) patchable = NULL;
    r.prog = make_program(opt, seed, &patchable, &r.vm_pages);
    if (opt->list) {
        list_program(r.prog, RVG_CODE_BASE);
        if (r.vm_pages) {
            printf("the physical pages that the window at 0x%" PRIx64 " maps:\n", VM_WINDOW_VA);
            list_program(r.vm_pages, VM_PHYS);
        }
        rvg_free(r.prog);
        rvg_free(r.vm_pages);
        return 0;
    }
    vr_clock_init(&r.clock);
    r.ref = hart_new(&r, &r.as_ref, VR_ACCEL_INTERP);
    r.jit = hart_new(&r, &r.as_jit, opt->b_accel);
    uint64_t compiled_at_start = 0, resets_at_start = 0; /* resets: vr_hart_reset's flushes */
    vr_hart_jit_stats(r.jit, &compiled_at_start, &resets_at_start);

    /* The driver's own choices (interrupts, budgets) come from their own generator, so a
     * seed reproduces them too. */
    RvgRng drv = {seed ^ 0x6a09e667f3bcc909ull};
    int irq_every = opt->irq_every >= 0              ? opt->irq_every
                    : opt->stream == STREAM_IRQ      ? 8
                    : opt->stream == STREAM_IRQ_MASK ? 5
                                                     : 200;
    unsigned irq_line = 0;
    uint64_t irq_lower_at = 0;
    int code_write_every = opt->code_write_every >= 0 ? opt->code_write_every : 40;
    uint8_t *ram_ref = vr_address_space_ram_ptr(r.as_ref, RVG_RAM_BASE, RVG_RAM_SIZE);
    uint8_t *ram_jit = vr_address_space_ram_ptr(r.as_jit, RVG_RAM_BASE, RVG_RAM_SIZE);
    const RType *write_insn = NULL; /* a code write waiting for a fence.i */
    size_t write_off = 0;
    uint32_t write_raw = 0;
    int failed = 0;
    State before, a, b;
    hart_state(r.ref, &before);

    for (r.block = 0; !failed && r.block < (uint64_t) opt->blocks; r.block++) {
        uint64_t pc = before.pc;
        r.history[r.recorded++ % HISTORY] = pc;
        if (irq_line && r.block >= irq_lower_at) {
            vr_hart_set_irq(r.ref, irq_line, false);
            vr_hart_set_irq(r.jit, irq_line, false);
            irq_line = 0;
        }
        if (!irq_line && irq_every > 0 && rvg_below(&drv, (uint64_t) irq_every) == 0) {
            irq_line = rvg_below(&drv, 2) ? IRQ_MSI : IRQ_MEI;
            irq_lower_at = r.block + 1 + rvg_below(&drv, 3);
            vr_hart_set_irq(r.ref, irq_line, true);
            vr_hart_set_irq(r.jit, irq_line, true);
            r.irq_raised++;
        }
        if (patchable && patchable->len && code_write_every > 0 &&
            rvg_below(&drv, (uint64_t) code_write_every) == 0) {
            /* Someone else (a device, another hart) rewrites an ALU instruction... */
            write_off = g_array_index(patchable, size_t, rvg_below(&drv, patchable->len));
            write_insn = &rtypes[rvg_below(&drv, G_N_ELEMENTS(rtypes))];
            write_raw = enc_r(
                write_insn->op, write_insn->f3, write_insn->f7, pool[rvg_below(&drv, sizeof(pool))],
                pool[rvg_below(&drv, sizeof(pool))], pool[rvg_below(&drv, sizeof(pool))]);
        }
        const RvgInsn *next = rvg_insn_at(r.prog, pc);
        if (write_insn && next && next->raw == 0x0000100f) {
            /* ...just before this hart runs a fence.i, which must make it visible. Before
             * the fence.i either the old or the new code may run (a code cache that fills
             * up and is emptied shows new code early), so nothing runs in between. */
            memcpy(ram_ref + (RVG_CODE_BASE - RVG_RAM_BASE) + write_off, &write_raw, 4);
            memcpy(ram_jit + (RVG_CODE_BASE - RVG_RAM_BASE) + write_off, &write_raw, 4);
            r.code_writes++;
            if (opt->trace)
                printf("         external write: 0x%08" PRIx64 " := %08x %s\n",
                       RVG_CODE_BASE + write_off, write_raw, write_insn->name);
            write_insn = NULL;
        }
        uint64_t budget = 1;
        if (opt->max_chunk > 1 && rvg_below(&drv, 4) == 0)
            budget = 1 + rvg_below(&drv, (uint64_t) opt->max_chunk);
        run_blocks(r.ref, budget);
        run_blocks(r.jit, budget);
        hart_state(r.ref, &a);
        hart_state(r.jit, &b);
        if (memcmp(&a, &b, sizeof(a)) != 0) {
            fail_header(&r, pc, "state differs after the block");
            printf("  the interpreter ran %" PRIu64 " instruction(s) to pc 0x%08" PRIx64
                   " (mcause 0x%" PRIx64 ", mepc 0x%" PRIx64 ", mtval 0x%" PRIx64
                   "), budget %" PRIu64 "\n",
                   a.instret - before.instret, a.pc, a.mcause, a.mepc, a.mtval, budget);
            diff_states(&a, &b, &before);
            if (budget > 1)
                printf("  (with a budget of %" PRIu64 ", the run went on past this block, "
                       "through the blocks chained after it)\n",
                       budget);
            print_block(&r, pc);
            print_history(&r);
            print_repro(&r);
            failed = 1;
            break;
        }
        /* With a budget of 1, a block that traps stops at vector 0, and one that took an
         * interrupt first runs its vector's jump. */
        if (a.pc == RVG_TRAP_PC) {
            r.exceptions++;
            totals.by_cause[a.mcause & 15]++;
        } else if (a.pc == RVG_TRAP_PC + TRAP_IRQ_OFF && (a.mcause & CAUSE_INTERRUPT)) {
            r.interrupts++;
        }
        if (opt->trace)
            trace_block(&r, pc, &before, &a);
        before = a;
        if (r.vm_pages && (failed = vm_check_failed(&r, pc)))
            break;
        if ((r.block + 1) % (uint64_t) opt->data_every == 0 && (failed = compare_ram(&r, pc)))
            break;
    }
    if (!failed)
        failed = compare_ram(&r, before.pc);

    uint64_t compiled = 0, resets = 0;
    vr_hart_jit_stats(r.jit, &compiled, &resets);
    compiled -= compiled_at_start;
    resets -= resets_at_start;
    if (!failed && compiled == 0) {
        printf("FAILED seed %" PRIu64 " stream %s: the JIT hart compiled no block in %" PRIu64
               " blocks (tier %s): this run did not test the JIT\n",
               seed, stream_names[opt->stream], r.block, vr_accel_name(vr_hart_get_accel(r.jit)));
        failed = 1;
    }
    if (!failed && opt->stream == STREAM_FAULT && r.exceptions == 0) {
        printf("FAILED seed %" PRIu64 " stream fault: no exception was taken in %" PRIu64
               " blocks\n",
               seed, r.block);
        failed = 1;
    }
    if (r.vm_pages) {
        const uint8_t *check = ram_of(r.as_ref) + (VM_CHECK - RVG_RAM_BASE);
        memcpy(&r.satp_writes, check + VMC_SATP, 8);
        memcpy(r.fences, check + VMC_FENCE, sizeof(r.fences));
        memcpy(&r.remaps, check + VMC_REMAP, 8);
        memcpy(&r.window_calls, check + VMC_CALL, 8);
        bool fenced_each_way = r.fences[0] && r.fences[1] && r.fences[2] && r.fences[3];
        if (!failed && (!r.satp_writes || !r.remaps || !r.window_calls || !fenced_each_way)) {
            printf("FAILED seed %" PRIu64 " stream vm: in %" PRIu64 " blocks, %" PRIu64
                   " satp writes, %" PRIu64 " remaps, %" PRIu64
                   " calls through the window, sfence.vma x0,x0 %" PRIu64 ", va,x0 %" PRIu64
                   ", x0,asid %" PRIu64 ", va,asid %" PRIu64 ": each must happen\n",
                   seed, r.block, r.satp_writes, r.remaps, r.window_calls, r.fences[0], r.fences[1],
                   r.fences[2], r.fences[3]);
            failed = 1;
        }
        if (opt->verbose)
            printf("seed %" PRIu64 ": %" PRIu64 " satp writes, %" PRIu64 " remaps, %" PRIu64
                   " window calls, sfence.vma %" PRIu64 "/%" PRIu64 "/%" PRIu64 "/%" PRIu64 "\n",
                   seed, r.satp_writes, r.remaps, r.window_calls, r.fences[0], r.fences[1],
                   r.fences[2], r.fences[3]);
        totals.satp_writes += r.satp_writes;
        for (unsigned i = 0; i < 4; i++)
            totals.fences[i] += r.fences[i];
        totals.remaps += r.remaps;
        totals.window_calls += r.window_calls;
    }
    if (!failed && irq_every > 0 && opt->blocks >= 10 * irq_every && r.interrupts == 0) {
        printf("FAILED seed %" PRIu64 " stream %s: %" PRIu64
               " interrupt lines raised, none taken\n",
               seed, stream_names[opt->stream], r.irq_raised);
        failed = 1;
    }
    if (opt->verbose)
        printf("seed %" PRIu64 ": %" PRIu64 " blocks, %" PRIu64 " instructions, %" PRIu64
               " compiled, %" PRIu64 " exceptions, %" PRIu64 " interrupts (%" PRIu64
               " raised), %" PRIu64 " external code writes: %s\n",
               seed, r.block, before.instret, compiled, r.exceptions, r.interrupts, r.irq_raised,
               r.code_writes, failed ? "MISMATCH" : "ok");
    totals.blocks += r.block;
    totals.exceptions += r.exceptions;
    totals.interrupts += r.interrupts;
    totals.compiled += compiled;
    totals.resets += resets;
    totals.seeds++;

    vr_hart_free(r.ref);
    vr_hart_free(r.jit);
    vr_address_space_free(r.as_ref);
    vr_address_space_free(r.as_jit);
    rvg_free(r.prog);
    rvg_free(r.vm_pages);
    return failed;
}

int main(int argc, char **argv)
{
    Options opt = {.seed = 1,
                   .seeds = 1,
                   .blocks = 20000,
                   .threshold = 1,
                   .max_chunk = 1,
                   .data_every = 16,
                   .irq_every = -1,
                   .code_write_every = -1,
                   .code_size = 16384};
    GOptionEntry entries[] = {
        {"stream", 0, 0, G_OPTION_ARG_STRING, &opt.stream_name,
         "random, fault, smc, irq, irq-mask, alu or vm (default random)", "KIND"},
        {"seed", 's', 0, G_OPTION_ARG_INT64, &opt.seed, "First seed (default 1)", "N"},
        {"seeds", 'n', 0, G_OPTION_ARG_INT, &opt.seeds, "Number of seeds (default 1)", "N"},
        {"blocks", 'b', 0, G_OPTION_ARG_INT64, &opt.blocks, "Blocks per seed (default 20000)", "N"},
        {"threshold", 0, 0, G_OPTION_ARG_INT, &opt.threshold,
         "Entries before the JIT compiles a block (default 1)", "N"},
        {"max-chunk", 0, 0, G_OPTION_ARG_INT, &opt.max_chunk,
         "One run in four gets a budget of 1..N instructions, so compiled blocks chain "
         "(default 1: always one block)",
         "N"},
        {"data-every", 0, 0, G_OPTION_ARG_INT, &opt.data_every,
         "Compare all of RAM every N blocks (default 16)", "N"},
        {"irq-every", 0, 0, G_OPTION_ARG_INT, &opt.irq_every,
         "Raise an interrupt line about every N blocks, 0 for never (default 8 for irq, "
         "200 for the others)",
         "N"},
        {"code-write-every", 0, 0, G_OPTION_ARG_INT, &opt.code_write_every,
         "Directed streams: rewrite an ALU instruction in both harts' RAM (as a device would) "
         "about every N blocks, 0 for never (default 40)",
         "N"},
        {"code-size", 0, 0, G_OPTION_ARG_INT, &opt.code_size,
         "Bytes of generated code (default 16384)", "N"},
        {"focus", 0, 0, G_OPTION_ARG_STRING, &opt.focus_name,
         "random/irq streams: favour int, mem, amo, fp, rvc or branch", "CLASS"},
        {"misaligned", 0, 0, G_OPTION_ARG_NONE, &opt.misaligned,
         "random/irq streams: misaligned loads and stores too", NULL},
        {"sv39", 0, 0, G_OPTION_ARG_NONE, &opt.sv39,
         "Run in S-mode with Sv39 paging (unmapped, read-only, user and execute-only pages)", NULL},
        {"jit-cache-kb", 0, 0, G_OPTION_ARG_INT, &opt.jit_cache_kb,
         "The JIT's code cache size (VIREO_JIT_CACHE_KB, at least 64): small, it fills and is "
         "emptied often",
         "N"},
        {"b-accel", 0, 0, G_OPTION_ARG_STRING, &opt.b_accel_name,
         "The tier of the hart under test (default jit; interp checks the checks)", "TIER"},
        {"list", 0, 0, G_OPTION_ARG_NONE, &opt.list, "Print the generated program and exit", NULL},
        {"trace", 't', 0, G_OPTION_ARG_NONE, &opt.trace,
         "Print every block with the registers it changed", NULL},
        {"verbose", 'v', 0, G_OPTION_ARG_NONE, &opt.verbose, "Say something per seed", NULL},
        {NULL},
    };
    g_autoptr(GOptionContext) ctx = g_option_context_new("- the JIT against the interpreter");
    g_option_context_add_main_entries(ctx, entries, NULL);
    g_autoptr(GError) error = NULL;
    if (!g_option_context_parse(ctx, &argc, &argv, &error)) {
        fprintf(stderr, "difftest-jit: %s\n", error->message);
        return 2;
    }
    opt.stream = STREAM_RANDOM;
    if (opt.stream_name) {
        bool found = false;
        for (unsigned i = 0; i < G_N_ELEMENTS(stream_names); i++)
            if (g_strcmp0(opt.stream_name, stream_names[i]) == 0)
                opt.stream = (StreamKind) i, found = true;
        if (!found) {
            fprintf(stderr, "difftest-jit: unknown --stream '%s'\n", opt.stream_name);
            return 2;
        }
    }
    if (opt.focus_name && !rvg_focus_from_name(opt.focus_name, &opt.focus)) {
        fprintf(stderr, "difftest-jit: unknown --focus '%s'\n", opt.focus_name);
        return 2;
    }
    if (opt.stream == STREAM_VM)
        opt.sv39 = TRUE; /* page tables need S-mode */
    opt.b_accel = VR_ACCEL_JIT;
    if (opt.b_accel_name && !vr_accel_parse(opt.b_accel_name, &opt.b_accel)) {
        fprintf(stderr, "difftest-jit: unknown --b-accel '%s'\n", opt.b_accel_name);
        return 2;
    }
    if (opt.seeds < 1 || opt.blocks < 0 || opt.threshold < 1 || opt.max_chunk < 1 ||
        opt.data_every < 1 || opt.code_size < 256) {
        fprintf(stderr, "difftest-jit: bad --seeds, --blocks, --threshold, --max-chunk, "
                        "--data-every or --code-size\n");
        return 2;
    }
    if (opt.jit_cache_kb) {
        g_autofree char *kb = g_strdup_printf("%d", opt.jit_cache_kb);
        g_setenv("VIREO_JIT_CACHE_KB", kb, TRUE);
    }
    if (!vr_jit_supported() && !opt.list) {
        printf("difftest-jit: SKIP: this host has no JIT tier (x86-64 only)\n");
        return 77;
    }

    build_trap_handler();
    int failures = 0;
    gint64 t0 = g_get_monotonic_time();
    for (gint i = 0; i < opt.seeds; i++)
        failures += run_seed(&opt, (uint64_t) opt.seed + (uint64_t) i);
    g_free(opt.stream_name);
    g_free(opt.focus_name);
    g_free(opt.b_accel_name);
    opt.focus_name = opt.stream_name = opt.b_accel_name = NULL;
    if (opt.list)
        return 0;
    printf("difftest-jit: stream %s%s, threshold %d, seeds %" G_GINT64_FORMAT "..%" G_GINT64_FORMAT
           ", %" G_GINT64_FORMAT " blocks each: %d mismatching seed(s), %.1f s\n",
           stream_names[opt.stream], opt.sv39 ? " (S-mode, Sv39)" : "", opt.threshold, opt.seed,
           opt.seed + opt.seeds - 1, opt.blocks, failures,
           (double) (g_get_monotonic_time() - t0) / 1e6);
    printf("  %" PRIu64 " blocks compared, %" PRIu64 " blocks compiled, %" PRIu64
           " code cache resets, %" PRIu64 " exceptions and %" PRIu64 " interrupts taken\n",
           totals.blocks, totals.compiled, totals.resets, totals.exceptions, totals.interrupts);
    if (opt.stream == STREAM_VM)
        printf("  %" PRIu64 " satp writes, %" PRIu64 " PTEs rewritten, %" PRIu64
               " calls through the window checked; sfence.vma x0,x0 %" PRIu64 ", va,x0 %" PRIu64
               ", x0,asid %" PRIu64 ", va,asid %" PRIu64 "\n",
               totals.satp_writes, totals.remaps, totals.window_calls, totals.fences[0],
               totals.fences[1], totals.fences[2], totals.fences[3]);
    if (totals.exceptions) {
        printf("  exceptions by mcause:");
        for (unsigned c = 0; c < 16; c++)
            if (totals.by_cause[c])
                printf(" %u: %" PRIu64, c, totals.by_cause[c]);
        printf("\n");
    }
    return failures ? 1 : 0;
}
