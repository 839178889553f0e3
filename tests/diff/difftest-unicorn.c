/* Step-level differential test of Vireo's RISC-V hart against Unicorn.
 *
 * For each seed, rv-gen makes a random instruction stream, a data area and initial
 * registers. The same state goes into a Vireo hart and a Unicorn RISCV64 engine; both are
 * single-stepped, and pc, x1..x31, f0..f31 (all 64 bits) and fcsr are compared after every
 * step, the data area every few steps. A second Vireo hart runs the same program in chunks
 * through vr_hart_run (decoded, cached and linked blocks), and is compared with the
 * stepped one at the end of each chunk, so block execution is checked too.
 *
 * Unicorn 2.0.1 is QEMU 5.0's RISC-V, which predates some ratified F/D behaviour. The
 * places where the tester bends Unicorn's state to the specification are listed in
 * `struct unicorn_shims` below, each naming the QEMU change that fixed it; nothing else
 * is excused.
 *
 * usage: difftest-unicorn [--seed N] [--seeds N] [--count STEPS] [-v]
 * Exits 0 when everything matched, 1 on a mismatch, 77 when Unicorn is not available.
 */
#include <glib.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "riscv/riscv.h"
#include "vr-clock.h"
#include "vr-memory.h"
#include "rv-gen.h"

#ifdef HAVE_UNICORN
#include <unicorn/unicorn.h>

#define CSR_FCSR         0x003
#define CSR_MSTATUS      0x300
#define CSR_MTVEC        0x305
#define CSR_MCAUSE       0x342
#define CSR_MINSTRET     0xb02
#define MSTATUS_FS_DIRTY (3ull << 13)

#define F32_CANONICAL_NAN 0x7fc00000u
#define BOX(v)            (0xffffffff00000000ull | (uint32_t) (v))
#define HISTORY           16

typedef struct State {
    uint64_t pc;
    uint64_t x[32];
    uint64_t f[32];
    uint64_t fcsr;
} State;

typedef struct Options {
    gint64 seed;
    gint seeds;
    gint64 count;
    gint code_size;
    gint data_every;
    gboolean no_block_check;
    gboolean no_c, no_fd, no_a, no_m, misaligned, no_improper_box;
    RvgFocus focus;
    gchar *focus_name;
    gboolean list;
    gboolean trace;
    gboolean verbose;
} Options;

/* How often each shim bent Unicorn's state towards the specification. */
static struct unicorn_shims {
    /* QEMU 5.0 does not NaN-box single-precision results (fixed in QEMU 5.2 by "target/riscv:
     * Generate nanboxed results from fp helpers" and "...trans_rvf.inc.c: Use
     * gen_nanbox_s"): Unicorn leaves the upper 32 bits of f[rd] zero (or, for fmv.w.x, the
     * integer's). Vireo's result must be properly boxed; its low 32 bits are compared with
     * Unicorn's, and Unicorn's register is then re-boxed. */
    uint64_t rebox_result;
    /* QEMU 5.0 does not check that single-precision inputs are NaN-boxed (QEMU 5.2: "target/
     * riscv: Check nanboxed inputs to fp helpers"): an improperly boxed input must read as
     * the canonical NaN, so Unicorn gets the boxed canonical NaN in that register for the
     * one instruction. */
    uint64_t unbox_input;
    /* QEMU 5.0 implements fmin/fmax as IEEE 754-2008 minNum/maxNum (F extension 2.0): a
     * signalling NaN operand gives the canonical NaN. Since F 2.2 the result is the other
     * operand when it is not a NaN (QEMU 6.2: "target/riscv: change the api
     * for RVF/RVD fmin/fmax"); the tester puts that result into Unicorn. */
    uint64_t minmax_snan;
    /* QEMU 5.0's TCG loads the old value of amomin.w/amomax.w/amominu.w/amomaxu.w zero-
     * extended and compares it with all 64 bits of rs2 (do_nonatomic_op_i32/i64 drop
     * MO_SIGN and do not extend the operand; fixed in QEMU 5.1 by "tcg: Fix
     * do_nonatomic_op_* vs signed operations"), so the value it stores is wrong when rs2 is
     * not a sign-extended 32-bit value or the old value is negative. rd is right. The
     * tester stores the value the A extension specifies into Unicorn's memory. */
    uint64_t amo_w_minmax;
    /* QEMU 5.0's pickNaNMulAdd has no RISC-V case, so fmadd/fmsub/fnmadd/fnmsub of
     * infinity times zero plus a quiet NaN returns the canonical NaN without raising NV,
     * which the F chapter requires ("...set the invalid operation exception flag when the
     * multiplicands are infinity and zero, even when the addend is a quiet NaN"); fixed in
     * QEMU 6.1 by "fpu/softfloat: set invalid excp flag for RISC-V muladd instructions".
     * The tester sets NV in Unicorn's fflags then. */
    uint64_t fma_inf_zero_qnan;
} shims;

typedef struct Run {
    const Options *opt;
    uint64_t seed;
    RvgProgram *prog;
    VrClock clock;
    VrAddressSpace *as, *as_blk;
    VrHart *h, *blk;
    uc_engine *uc;
    int uc_exception; /* -1, or the exception Unicorn raised during the last step */
    uint64_t history[HISTORY];
    uint64_t recorded; /* entries ever put in history */
    uint64_t step;
    uint64_t data_checked_at;
} Run;

static const char *const xname[32] = {
    "zero", "ra", "sp", "gp", "tp",  "t0",  "t1", "t2", "s0", "s1", "a0",
    "a1",   "a2", "a3", "a4", "a5",  "a6",  "a7", "s2", "s3", "s4", "s5",
    "s6",   "s7", "s8", "s9", "s10", "s11", "t3", "t4", "t5", "t6",
};

/* ---- Vireo ------------------------------------------------------------------------------ */

static VrHart *vireo_new(Run *r, VrAddressSpace **as_out)
{
    g_autoptr(GError) error = NULL;
    VrAddressSpace *as = vr_address_space_new();
    if (!vr_address_space_add_ram(as, "ram", RVG_RAM_BASE, RVG_RAM_SIZE, &error))
        g_error("add_ram: %s", error->message);
    uint8_t *ram = vr_address_space_ram_ptr(as, RVG_RAM_BASE, RVG_RAM_SIZE);
    g_assert(ram);
    memcpy(ram + (RVG_CODE_BASE - RVG_RAM_BASE), r->prog->code, r->prog->code_len);
    static const uint8_t j_self[4] = {0x6f, 0, 0, 0};
    memcpy(ram + (RVG_TRAP_PC - RVG_RAM_BASE), j_self, 4);
    memcpy(ram + (RVG_DATA_BASE - RVG_RAM_BASE), r->prog->data, RVG_DATA_SIZE);

    VrHart *h = vr_hart_new(as, &r->clock, 0);
    vr_hart_reset(h, RVG_CODE_BASE);
    vr_hart_csr_write(h, CSR_MSTATUS, MSTATUS_FS_DIRTY);
    vr_hart_csr_write(h, CSR_MTVEC, RVG_TRAP_PC);
    vr_hart_csr_write(h, CSR_MCAUSE, 0);
    vr_hart_csr_write(h, CSR_FCSR, r->prog->fcsr);
    for (unsigned i = 1; i < 32; i++)
        vr_hart_set_x(h, i, r->prog->x[i]);
    for (unsigned i = 0; i < 32; i++)
        vr_hart_set_f(h, i, r->prog->f[i]);
    *as_out = as;
    return h;
}

static void vireo_state(VrHart *h, State *s)
{
    s->pc = vr_hart_get_pc(h);
    s->x[0] = 0;
    for (unsigned i = 1; i < 32; i++)
        s->x[i] = vr_hart_get_x(h, i);
    for (unsigned i = 0; i < 32; i++)
        s->f[i] = vr_hart_get_f(h, i);
    vr_hart_csr_read(h, CSR_FCSR, &s->fcsr);
}

static const uint8_t *vireo_data(VrAddressSpace *as)
{
    return vr_address_space_ram_ptr(as, RVG_DATA_BASE, RVG_DATA_SIZE);
}

/* ---- Unicorn ---------------------------------------------------------------------------- */

static int uc_regs[1 + 31 + 32 + 1];

static void uc_regs_init(void)
{
    int n = 0;
    uc_regs[n++] = UC_RISCV_REG_PC;
    for (int i = 1; i < 32; i++)
        uc_regs[n++] = UC_RISCV_REG_X0 + i;
    for (int i = 0; i < 32; i++)
        uc_regs[n++] = UC_RISCV_REG_F0 + i;
    uc_regs[n++] = UC_RISCV_REG_FCSR;
}

static void uc_check(uc_err e, const char *what)
{
    if (e != UC_ERR_OK) {
        fprintf(stderr, "difftest-unicorn: %s: %s\n", what, uc_strerror(e));
        exit(2);
    }
}

static void on_uc_intr(uc_engine *uc, uint32_t intno, void *user_data)
{
    Run *r = user_data;
    r->uc_exception = (int) intno;
    uc_emu_stop(uc);
}

static void unicorn_state(Run *r, State *s)
{
    void *vals[G_N_ELEMENTS(uc_regs)];
    int n = 0;
    vals[n++] = &s->pc;
    for (int i = 1; i < 32; i++)
        vals[n++] = &s->x[i];
    for (int i = 0; i < 32; i++)
        vals[n++] = &s->f[i];
    vals[n++] = &s->fcsr;
    uc_check(uc_reg_read_batch(r->uc, uc_regs, vals, n), "uc_reg_read_batch");
    s->x[0] = 0;
}

static void unicorn_set_f(Run *r, unsigned reg, uint64_t v)
{
    uc_check(uc_reg_write(r->uc, UC_RISCV_REG_F0 + (int) reg, &v), "uc_reg_write");
}

static void unicorn_set_fcsr(Run *r, uint64_t v)
{
    uc_check(uc_reg_write(r->uc, UC_RISCV_REG_FCSR, &v), "uc_reg_write");
}

static void unicorn_new(Run *r)
{
    uc_check(uc_open(UC_ARCH_RISCV, UC_MODE_RISCV64, &r->uc), "uc_open");
    uc_check(uc_mem_map(r->uc, RVG_RAM_BASE, RVG_RAM_SIZE, UC_PROT_ALL), "uc_mem_map");
    uc_check(uc_mem_write(r->uc, RVG_CODE_BASE, r->prog->code, r->prog->code_len), "uc_mem_write");
    uc_check(uc_mem_write(r->uc, RVG_DATA_BASE, r->prog->data, RVG_DATA_SIZE), "uc_mem_write");
    uc_hook hook;
    uc_check(uc_hook_add(r->uc, &hook, UC_HOOK_INTR, (void *) on_uc_intr, r, 1, 0), "uc_hook_add");
    /* Unicorn starts in M-mode with the FPU off. */
    uint64_t v = MSTATUS_FS_DIRTY;
    uc_check(uc_reg_write(r->uc, UC_RISCV_REG_MSTATUS, &v), "uc_reg_write");
    for (int i = 1; i < 32; i++)
        uc_check(uc_reg_write(r->uc, UC_RISCV_REG_X0 + i, &r->prog->x[i]), "uc_reg_write");
    for (unsigned i = 0; i < 32; i++)
        unicorn_set_f(r, i, r->prog->f[i]);
    unicorn_set_fcsr(r, r->prog->fcsr);
    v = RVG_CODE_BASE;
    uc_check(uc_reg_write(r->uc, UC_RISCV_REG_PC, &v), "uc_reg_write");
}

/* ---- Reporting -------------------------------------------------------------------------- */

static void print_insn(const Run *r, const char *prefix, uint64_t pc)
{
    const RvgInsn *in = rvg_insn_at(r->prog, pc);
    if (in)
        printf("%s0x%08" PRIx64 ":  %0*x  %s\n", prefix, pc, in->len * 2, in->raw, in->text);
    else
        printf("%s0x%08" PRIx64 ":  (not in the generated stream)\n", prefix, pc);
}

static void print_history(const Run *r)
{
    uint64_t n = r->recorded < HISTORY ? r->recorded : HISTORY;
    printf("  last %" PRIu64 " instructions (oldest first):\n", n);
    for (uint64_t i = r->recorded - n; i < r->recorded; i++)
        print_insn(r, "    ", r->history[i % HISTORY]);
}

static void print_repro(const Run *r)
{
    const Options *o = r->opt;
    printf("  reproduce: difftest-unicorn --seed %" PRIu64 " --count %" PRIu64, r->seed,
           r->step + 1);
    if (o->code_size != 16384)
        printf(" --code-size %d", o->code_size);
    if (o->focus_name)
        printf(" --focus %s", o->focus_name);
    printf("%s%s%s%s%s%s --trace\n", o->no_c ? " --no-c" : "", o->no_fd ? " --no-fd" : "",
           o->no_a ? " --no-a" : "", o->no_m ? " --no-m" : "", o->misaligned ? " --misaligned" : "",
           o->no_improper_box ? " --no-improper-box" : "");
}

/* Prints the differences between a and b; returns how many there were. */
static int diff_states(const char *an, const State *a, const char *bn, const State *b,
                       const State *before)
{
    int n = 0;
    if (a->pc != b->pc) {
        printf("    pc:    %s 0x%016" PRIx64 "  %s 0x%016" PRIx64 "\n", an, a->pc, bn, b->pc);
        n++;
    }
    for (int i = 1; i < 32; i++) {
        if (a->x[i] != b->x[i]) {
            printf("    x%-2d/%-4s %s 0x%016" PRIx64 "  %s 0x%016" PRIx64, i, xname[i], an, a->x[i],
                   bn, b->x[i]);
            if (before)
                printf("  (before 0x%016" PRIx64 ")", before->x[i]);
            printf("\n");
            n++;
        }
    }
    for (int i = 0; i < 32; i++) {
        if (a->f[i] != b->f[i]) {
            printf("    f%-2d:   %s 0x%016" PRIx64 "  %s 0x%016" PRIx64, i, an, a->f[i], bn,
                   b->f[i]);
            if (before)
                printf("  (before 0x%016" PRIx64 ")", before->f[i]);
            printf("\n");
            n++;
        }
    }
    if (a->fcsr != b->fcsr) {
        printf("    fcsr:  %s 0x%02" PRIx64 "  %s 0x%02" PRIx64, an, a->fcsr, bn, b->fcsr);
        if (before)
            printf("  (before 0x%02" PRIx64 ")", before->fcsr);
        printf("   [fflags NV DZ OF UF NX = bits 4..0, frm = bits 7..5]\n");
        n++;
    }
    return n;
}

static void print_operands(const State *s, const RvgInsn *in)
{
    unsigned opcode = in ? in->raw & 0x7f : 0;
    if (opcode != 0x53 && (opcode & 0x73) != 0x43) /* OP-FP, fused multiply-add */
        return;
    printf("  FP operands before: rs1 f%u=0x%016" PRIx64 " rs2 f%u=0x%016" PRIx64
           " rs3 f%u=0x%016" PRIx64 " fcsr=0x%02" PRIx64 "\n",
           in->rs1, s->f[in->rs1], in->rs2, s->f[in->rs2], in->rs3, s->f[in->rs3], s->fcsr);
}

static int compare_data(Run *r, const uint8_t *vireo, const uint8_t *other, const char *what)
{
    if (memcmp(vireo, other, RVG_DATA_SIZE) == 0)
        return 0;
    size_t i = 0;
    while (vireo[i] == other[i])
        i++;
    printf("MISMATCH seed %" PRIu64 ": data area differs from %s at 0x%08" PRIx64
           " (vireo %02x, %s %02x), found after step %" PRIu64 " (last good at step %" PRIu64 ")\n",
           r->seed, what, RVG_DATA_BASE + i, vireo[i], what, other[i], r->step, r->data_checked_at);
    size_t lo = i & ~(size_t) 7;
    printf("  bytes at 0x%08" PRIx64 ": vireo", RVG_DATA_BASE + lo);
    for (size_t j = lo; j < lo + 16 && j < RVG_DATA_SIZE; j++)
        printf(" %02x", vireo[j]);
    printf("\n  %*s %s", 22, "", what);
    for (size_t j = lo; j < lo + 16 && j < RVG_DATA_SIZE; j++)
        printf(" %02x", other[j]);
    printf("\n");
    print_history(r);
    print_repro(r);
    return 1;
}

/* ---- The run ---------------------------------------------------------------------------- */

static bool is_boxed(uint64_t v)
{
    return (v >> 32) == 0xffffffffu;
}

static bool f32_is_nan(uint32_t v)
{
    return (v & 0x7f800000) == 0x7f800000 && (v & 0x7fffff);
}

static bool f32_is_snan(uint32_t v)
{
    return f32_is_nan(v) && !(v & 0x400000);
}

static bool f64_is_nan(uint64_t v)
{
    return (v & 0x7ff0000000000000ull) == 0x7ff0000000000000ull && (v & 0xfffffffffffffull);
}

static bool f64_is_snan(uint64_t v)
{
    return f64_is_nan(v) && !(v & 0x8000000000000ull);
}

/* What F/D 2.2 says fmin/fmax gives when exactly one operand is a signalling NaN and the
 * other is not a NaN (the case QEMU 5.0 gets wrong); false otherwise. */
static bool minmax_snan_result(const RvgInsn *in, const State *s, uint64_t *result)
{
    if (in->minmax == RVG_MINMAX_D) {
        uint64_t a = s->f[in->rs1], b = s->f[in->rs2];
        if (f64_is_snan(a) && !f64_is_nan(b))
            return *result = b, true;
        if (f64_is_snan(b) && !f64_is_nan(a))
            return *result = a, true;
        return false;
    }
    uint32_t a = is_boxed(s->f[in->rs1]) ? (uint32_t) s->f[in->rs1] : F32_CANONICAL_NAN;
    uint32_t b = is_boxed(s->f[in->rs2]) ? (uint32_t) s->f[in->rs2] : F32_CANONICAL_NAN;
    if (f32_is_snan(a) && !f32_is_nan(b))
        return *result = BOX(b), true;
    if (f32_is_snan(b) && !f32_is_nan(a))
        return *result = BOX(a), true;
    return false;
}

static bool f32_is_inf(uint32_t v)
{
    return (v & 0x7fffffff) == 0x7f800000;
}

static bool f64_is_inf(uint64_t v)
{
    return (v & 0x7fffffffffffffffull) == 0x7ff0000000000000ull;
}

/* A fused multiply-add of infinity times zero plus a quiet NaN. */
static bool fma_inf_zero_qnan(const RvgInsn *in, const State *s)
{
    if ((in->raw & 0x73) != 0x43)
        return false;
    if (((in->raw >> 25) & 3) == 1) {
        uint64_t a = s->f[in->rs1], b = s->f[in->rs2], c = s->f[in->rs3];
        bool a0 = (a << 1) == 0, b0 = (b << 1) == 0;
        return ((f64_is_inf(a) && b0) || (a0 && f64_is_inf(b))) && f64_is_nan(c) && !f64_is_snan(c);
    }
    uint32_t a = is_boxed(s->f[in->rs1]) ? (uint32_t) s->f[in->rs1] : F32_CANONICAL_NAN;
    uint32_t b = is_boxed(s->f[in->rs2]) ? (uint32_t) s->f[in->rs2] : F32_CANONICAL_NAN;
    uint32_t c = is_boxed(s->f[in->rs3]) ? (uint32_t) s->f[in->rs3] : F32_CANONICAL_NAN;
    bool a0 = (a << 1) == 0, b0 = (b << 1) == 0;
    return ((f32_is_inf(a) && b0) || (a0 && f32_is_inf(b))) && f32_is_nan(c) && !f32_is_snan(c);
}

static uint32_t amo_w_minmax_result(unsigned f5, uint32_t old, uint32_t src)
{
    switch (f5) {
    case 0x10: return (int32_t) old < (int32_t) src ? old : src; /* amomin.w */
    case 0x14: return (int32_t) old > (int32_t) src ? old : src; /* amomax.w */
    case 0x18: return old < src ? old : src;                     /* amominu.w */
    default: return old > src ? old : src;                       /* amomaxu.w */
    }
}

static int fail_header(Run *r, uint64_t pc, const char *what)
{
    printf("MISMATCH seed %" PRIu64 " step %" PRIu64 ": %s\n", r->seed, r->step, what);
    print_insn(r, "  at ", pc);
    return 1;
}

static void trace_step(const Run *r, uint64_t pc, const State *a, const State *b)
{
    char prefix[32];
    snprintf(prefix, sizeof(prefix), "%8" PRIu64 " ", r->step);
    print_insn(r, prefix, pc);
    for (int i = 1; i < 32; i++)
        if (a->x[i] != b->x[i])
            printf("%20s x%d/%s = 0x%016" PRIx64 " (was 0x%016" PRIx64 ")\n", "", i, xname[i],
                   b->x[i], a->x[i]);
    for (int i = 0; i < 32; i++)
        if (a->f[i] != b->f[i])
            printf("%20s f%d = 0x%016" PRIx64 " (was 0x%016" PRIx64 ")\n", "", i, b->f[i], a->f[i]);
    if (a->fcsr != b->fcsr)
        printf("%20s fcsr = 0x%02" PRIx64 " (was 0x%02" PRIx64 ")\n", "", b->fcsr, a->fcsr);
}

/* One step of Vireo and Unicorn; returns nonzero on a mismatch. */
static int step_once(Run *r)
{
    State before, v, u;
    vireo_state(r->h, &before);
    uint64_t pc = before.pc;
    const RvgInsn *in = rvg_insn_at(r->prog, pc);
    if (!in)
        return fail_header(r, pc, "pc left the generated stream");
    r->history[r->recorded++ % HISTORY] = pc;

    /* Shim: NaN-box check of single-precision inputs. */
    uint64_t restore[3][2];
    int n_restore = 0;
    const uint8_t src_regs[3] = {in->rs1, in->rs2, in->rs3};
    for (int i = 0; i < 3; i++) {
        if (!(in->fs_src & (1 << i)) || is_boxed(before.f[src_regs[i]]))
            continue;
        bool seen = false;
        for (int j = 0; j < n_restore; j++)
            seen |= restore[j][0] == src_regs[i];
        if (seen)
            continue;
        restore[n_restore][0] = src_regs[i];
        restore[n_restore][1] = before.f[src_regs[i]];
        n_restore++;
        unicorn_set_f(r, src_regs[i], BOX(F32_CANONICAL_NAN));
        shims.unbox_input++;
    }
    uint64_t minmax_result = 0;
    bool minmax_fix = in->minmax && minmax_snan_result(in, &before, &minmax_result);
    bool fma_fix = fma_inf_zero_qnan(in, &before);
    uint64_t amo_addr = before.x[in->rs1];
    uint32_t amo_old = 0;
    if (in->amo_w_minmax)
        memcpy(&amo_old, vr_address_space_ram_ptr(r->as, amo_addr, 4), 4);

    vr_hart_step(r->h);
    r->uc_exception = -1;
    uc_err e = uc_emu_start(r->uc, pc, 0, 0, 1);

    for (int j = 0; j < n_restore; j++)
        if (!(in->f_dst && in->rd == restore[j][0]))
            unicorn_set_f(r, (unsigned) restore[j][0], restore[j][1]);

    vireo_state(r->h, &v);
    unicorn_state(r, &u);

    if (in->fs_dst && !is_boxed(u.f[in->rd]) && is_boxed(v.f[in->rd])) {
        u.f[in->rd] = BOX(u.f[in->rd]);
        unicorn_set_f(r, in->rd, u.f[in->rd]);
        shims.rebox_result++;
    }
    if (minmax_fix) {
        u.f[in->rd] = minmax_result;
        unicorn_set_f(r, in->rd, minmax_result);
        shims.minmax_snan++;
    }

    if (fma_fix && !(u.fcsr & 0x10)) {
        u.fcsr |= 0x10;
        unicorn_set_fcsr(r, u.fcsr);
        shims.fma_inf_zero_qnan++;
    }
    if (in->amo_w_minmax && r->uc_exception < 0) {
        uint32_t want =
            amo_w_minmax_result(in->amo_w_minmax, amo_old, (uint32_t) before.x[in->rs2]);
        uint32_t got;
        uc_check(uc_mem_read(r->uc, amo_addr, &got, 4), "uc_mem_read");
        if (got != want) {
            uc_check(uc_mem_write(r->uc, amo_addr, &want, 4), "uc_mem_write");
            shims.amo_w_minmax++;
        }
    }

    uint64_t mcause = 0;
    vr_hart_csr_read(r->h, CSR_MCAUSE, &mcause);
    if (e != UC_ERR_OK || r->uc_exception >= 0 || mcause != 0) {
        char what[160];
        snprintf(what, sizeof(what), "a trap: Vireo mcause %" PRIu64 "%s, Unicorn %s %d (%s)",
                 mcause, mcause ? "" : " (none)", r->uc_exception >= 0 ? "exception" : "none",
                 r->uc_exception, uc_strerror(e));
        fail_header(r, pc, what);
        print_history(r);
        print_repro(r);
        return 1;
    }
    if (vr_hart_get_priv(r->h) != 3) {
        fail_header(r, pc, "Vireo left M-mode");
        print_repro(r);
        return 1;
    }
    if (memcmp(&v, &u, sizeof(v)) != 0) {
        fail_header(r, pc, "state differs after the step");
        print_operands(&before, in);
        diff_states("vireo", &v, "unicorn", &u, &before);
        print_history(r);
        print_repro(r);
        return 1;
    }
    if (r->opt->trace)
        trace_step(r, pc, &before, &v);
    r->step++;

    if (r->step % (uint64_t) r->opt->data_every == 0) {
        static uint8_t ucdata[RVG_DATA_SIZE];
        uc_check(uc_mem_read(r->uc, RVG_DATA_BASE, ucdata, RVG_DATA_SIZE), "uc_mem_read");
        if (compare_data(r, vireo_data(r->as), ucdata, "unicorn"))
            return 1;
        r->data_checked_at = r->step;
    }
    return 0;
}

/* The block-running hart has run ahead to here: compare it with the stepped one. */
static int compare_block_hart(Run *r, uint64_t chunk)
{
    State a, b;
    vireo_state(r->h, &a);
    vireo_state(r->blk, &b);
    uint64_t mcause = 0, ia = 0, ib = 0;
    vr_hart_csr_read(r->blk, CSR_MCAUSE, &mcause);
    vr_hart_csr_read(r->h, CSR_MINSTRET, &ia);
    vr_hart_csr_read(r->blk, CSR_MINSTRET, &ib);
    if (memcmp(&a, &b, sizeof(a)) != 0 || mcause != 0 || ia != r->step || ib != r->step) {
        printf("MISMATCH seed %" PRIu64 " step %" PRIu64 ": vr_hart_run (blocks, chunk of %" PRIu64
               ") and vr_hart_step disagree (block hart mcause %" PRIu64
               "; minstret stepped %" PRIu64 ", blocks %" PRIu64 ")\n",
               r->seed, r->step, chunk, mcause, ia, ib);
        diff_states("stepped", &a, "blocks", &b, NULL);
        print_history(r);
        print_repro(r);
        return 1;
    }
    return compare_data(r, vireo_data(r->as), vireo_data(r->as_blk), "the block-running hart");
}

static void list_program(const RvgProgram *p)
{
    for (uint64_t off = 0; off < p->code_len; off += 2) {
        const RvgInsn *in = &p->insns[off / 2];
        if (in->len)
            printf("0x%08" PRIx64 ":  %0*x  %s\n", RVG_CODE_BASE + off, in->len * 2, in->raw,
                   in->text);
    }
}

static int run_seed(const Options *opt, uint64_t seed)
{
    RvgOptions go;
    rvg_options_default(&go);
    go.rv_c = !opt->no_c;
    go.rv_fd = !opt->no_fd;
    go.rv_a = !opt->no_a;
    go.rv_m = !opt->no_m;
    go.misaligned = opt->misaligned;
    go.improper_box = !opt->no_improper_box;
    go.focus = opt->focus;

    Run r = {.opt = opt, .seed = seed};
    r.prog = rvg_generate(seed, (size_t) opt->code_size, &go);
    if (opt->list) {
        list_program(r.prog);
        rvg_free(r.prog);
        return 0;
    }
    vr_clock_init(&r.clock);
    r.h = vireo_new(&r, &r.as);
    if (!opt->no_block_check)
        r.blk = vireo_new(&r, &r.as_blk);
    unicorn_new(&r);

    GRand *chunk_rng = g_rand_new_with_seed((guint32) seed);
    int failed = 0;
    uint64_t ahead = 0, chunk = 0;
    while (!failed && r.step < (uint64_t) opt->count) {
        if (r.blk && ahead == 0) {
            if (r.step > 0 && (failed = compare_block_hart(&r, chunk)))
                break;
            chunk = (uint64_t) g_rand_int_range(chunk_rng, 1, 400);
            uint64_t before = vr_hart_instret(r.blk);
            vr_hart_run(r.blk, chunk);
            ahead = vr_hart_instret(r.blk) - before;
            chunk = ahead;
        }
        failed = step_once(&r);
        if (ahead)
            ahead--;
    }
    if (!failed) {
        static uint8_t ucdata[RVG_DATA_SIZE];
        uc_check(uc_mem_read(r.uc, RVG_DATA_BASE, ucdata, RVG_DATA_SIZE), "uc_mem_read");
        failed = compare_data(&r, vireo_data(r.as), ucdata, "unicorn");
    }
    if (opt->verbose)
        printf("seed %" PRIu64 ": %" PRIu64 " steps, %s\n", seed, r.step,
               failed ? "MISMATCH" : "ok");

    g_rand_free(chunk_rng);
    uc_close(r.uc);
    vr_hart_free(r.h);
    vr_address_space_free(r.as);
    if (r.blk) {
        vr_hart_free(r.blk);
        vr_address_space_free(r.as_blk);
    }
    rvg_free(r.prog);
    return failed;
}

int main(int argc, char **argv)
{
    Options opt = {.seed = 1, .seeds = 1, .count = 20000, .code_size = 16384, .data_every = 32};
    GOptionEntry entries[] = {
        {"seed", 's', 0, G_OPTION_ARG_INT64, &opt.seed, "First seed (default 1)", "N"},
        {"seeds", 'n', 0, G_OPTION_ARG_INT, &opt.seeds, "Number of seeds (default 1)", "N"},
        {"count", 'c', 0, G_OPTION_ARG_INT64, &opt.count, "Steps per seed (default 20000)", "N"},
        {"code-size", 0, 0, G_OPTION_ARG_INT, &opt.code_size,
         "Bytes of generated code (default 16384)", "N"},
        {"data-every", 0, 0, G_OPTION_ARG_INT, &opt.data_every,
         "Compare the data area every N steps (default 32)", "N"},
        {"no-block-check", 0, 0, G_OPTION_ARG_NONE, &opt.no_block_check,
         "Do not compare vr_hart_run against vr_hart_step", NULL},
        {"no-c", 0, 0, G_OPTION_ARG_NONE, &opt.no_c, "No compressed instructions", NULL},
        {"no-fd", 0, 0, G_OPTION_ARG_NONE, &opt.no_fd, "No F/D instructions", NULL},
        {"no-a", 0, 0, G_OPTION_ARG_NONE, &opt.no_a, "No A instructions", NULL},
        {"no-m", 0, 0, G_OPTION_ARG_NONE, &opt.no_m, "No M instructions", NULL},
        {"misaligned", 0, 0, G_OPTION_ARG_NONE, &opt.misaligned,
         "Misaligned loads and stores (and no AMOs)", NULL},
        {"focus", 0, 0, G_OPTION_ARG_STRING, &opt.focus_name,
         "Favour one class: int, mem, amo, fp, rvc or branch", "CLASS"},
        {"no-improper-box", 0, 0, G_OPTION_ARG_NONE, &opt.no_improper_box,
         "Only NaN-boxed singles in the initial f registers", NULL},
        {"list", 0, 0, G_OPTION_ARG_NONE, &opt.list, "Print the generated program and exit", NULL},
        {"trace", 't', 0, G_OPTION_ARG_NONE, &opt.trace,
         "Print every step with the registers it changed (Vireo's view)", NULL},
        {"verbose", 'v', 0, G_OPTION_ARG_NONE, &opt.verbose, "Say something per seed", NULL},
        {NULL},
    };
    g_autoptr(GOptionContext) ctx = g_option_context_new("- differential test against Unicorn");
    g_option_context_add_main_entries(ctx, entries, NULL);
    g_autoptr(GError) error = NULL;
    if (!g_option_context_parse(ctx, &argc, &argv, &error)) {
        fprintf(stderr, "difftest-unicorn: %s\n", error->message);
        return 2;
    }
    if (opt.focus_name && !rvg_focus_from_name(opt.focus_name, &opt.focus)) {
        fprintf(stderr, "difftest-unicorn: unknown --focus '%s'\n", opt.focus_name);
        return 2;
    }
    if (opt.seeds < 1 || opt.count < 0 || opt.code_size < 64 || opt.data_every < 1) {
        fprintf(stderr, "difftest-unicorn: bad --seeds, --count, --code-size or --data-every\n");
        return 2;
    }
    uc_regs_init();
    /* The tier every hart here gets (VIREO_ACCEL chooses it for a run of the suite). */
    printf("difftest-unicorn: accel: %s\n", vr_accel_name(vr_accel_default()));

    int failures = 0;
    gint64 t0 = g_get_monotonic_time();
    for (gint i = 0; i < opt.seeds; i++)
        failures += run_seed(&opt, (uint64_t) opt.seed + (uint64_t) i);
    if (opt.list)
        return 0;
    printf("difftest-unicorn: seeds %" G_GINT64_FORMAT "..%" G_GINT64_FORMAT ", %" G_GINT64_FORMAT
           " steps each: %d mismatching seed(s), %.1f s\n",
           opt.seed, opt.seed + opt.seeds - 1, opt.count, failures,
           (double) (g_get_monotonic_time() - t0) / 1e6);
    printf("  Unicorn shims applied: %" PRIu64 " re-boxed single results, %" PRIu64
           " unboxed single inputs, %" PRIu64 " fmin/fmax with one sNaN, %" PRIu64
           " amo{min,max}[u].w stores, %" PRIu64 " inf*0+qNaN fused multiply-adds\n",
           shims.rebox_result, shims.unbox_input, shims.minmax_snan, shims.amo_w_minmax,
           shims.fma_inf_zero_qnan);
    return failures ? 1 : 0;
}

#else /* !HAVE_UNICORN */

int main(void)
{
    printf("difftest-unicorn: SKIP: built without Unicorn (libunicorn-dev, pkg-config "
           "'unicorn' >= 2.0) - install it and reconfigure\n");
    return 77;
}

#endif
