/* The JIT tier's code cache and the glue between compiled code and the interpreter.
 *
 * Compiled code lives in one piece of shared memory mapped twice: written through a
 * read-write view, run from a read-execute view, so no page is ever writable and executable
 * at once. The
 * cache has a fixed size; when it is full, the whole block cache (and with it every
 * compiled block) is emptied at the next lookup, and hot code is compiled again.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include <xmmintrin.h>

#include "../fp-ops.h"
#include "../hart.h"
#include "jit.h"
#include "x86-emit.h"

#define CODE_SIZE_DEFAULT (32u << 20)
/* Room a block's compilation may need at most: checked before starting one. */
#define BLOCK_CODE_MAX (48u << 10)

/* How many times a jump that the block cache's lookup could serve leaves to the interpreter
 * instead, so that its target can be linked, compiled (VIREO_JIT_THRESHOLD entries) and
 * chained: a computed jump (both inline-cache entries together), a jump to another page. */
#define CHAIN_TRIES 64

typedef struct VrJitBlock VrJitBlock;

/* A compiled jump from one block's exit straight into another block. */
typedef struct VrJitPatch VrJitPatch;
struct VrJitPatch {
    VrJitBlock *from;
    unsigned slot;
    VrJitBlock *to;
    VrJitPatch *next;     /* the target's other incoming jumps */
    VrJitPatch *next_all; /* every patched jump */
};

/* What the code cache keeps for a compiled block, in front of its code. */
struct VrJitBlock {
    uint8_t *entry;                    /* the executable address */
    uint8_t *exit_rel[VR_BLOCK_LINKS]; /* the displacement of each link's jump (writable view) */
    bool chained[VR_BLOCK_LINKS];
    /* A block ending in a computed jump: links 0 and 1 are an inline cache, jumps taken
     * when the target is the pc held in the immediate at ic_pc[slot] (writable view). On a
     * miss the jump leaves to the interpreter, which links and chains the blocks (a new
     * target replacing the older entry), tries[0] more times; after that misses go to the
     * jump-table lookup. */
    uint8_t *ic_pc[2];
    uint8_t ic_next; /* the entry a new target replaces */
    uint8_t tries[VR_BLOCK_LINKS];
    /* A link to another page: the fetch TLB addend its jump checks (writable view). While
     * not chained it leaves to the interpreter tries[slot] more times, then looks up. */
    uint8_t *xpage_addend[VR_BLOCK_LINKS];
    VrJitPatch *incoming;
    VrBlock *block;
};

typedef uint32_t (*VrJitEnter)(VrHart *h, const uint8_t *code);

struct VrJit {
    uint8_t *rw; /* the writable view */
    uint8_t *rx; /* the executable view of the same memory */
    size_t size;
    size_t used;
    size_t reserved; /* the start of the cache that survives a reset (entry and exit code) */
    VrJitEnter enter;
    uint8_t *exit_rw; /* the common exit, in the writable view */
    uint64_t n_compiled;
    uint64_t n_resets;
    FILE *perf_map;
    VrJitPatch *patches; /* every patched jump, through next_all */
};

static size_t code_size(void)
{
    const char *env = g_getenv("VIREO_JIT_CACHE_KB");
    guint64 kb = 0;
    if (env && g_ascii_string_to_unsigned(env, 10, 64, 1u << 20, &kb, NULL))
        return (size_t) kb << 10;
    return CODE_SIZE_DEFAULT;
}

static inline uint8_t *to_rx(const VrJit *jit, uint8_t *rw)
{
    return jit->rx + (rw - jit->rw);
}

#define OFF(field) ((int32_t) offsetof(VrHart, field))
#define XOFF(r)    ((int32_t) (offsetof(VrHart, x) + 8 * (unsigned) (r)))
#define FOFF(r)    ((int32_t) (offsetof(VrHart, f) + 8 * (unsigned) (r)))

/* Guest registers pinned to host registers in all compiled code: the entry loads them, the
 * common exit stores them, and jumps between blocks keep them, so a value passes from block
 * to block in a register. They are the registers GCC's RISC-V code passes most between
 * blocks: a5, a4 (its first temporaries), a0, a1 (arguments and results), a3 and a2. Four
 * live in callee-saved host registers; a3 and a2 in r8 and r9, which go to the hart around
 * every call and come back after it. A call that reads or writes the hart's copy (the
 * interpreter for one instruction, FP helpers) stores or reloads them all. */
static const unsigned pinned_guest[] = {15, 14, 10, 11, 13, 12};
static const int pinned_host[] = {RBP, R12, R13, R14, R8, R9};
#define N_PINNED    ((unsigned) G_N_ELEMENTS(pinned_guest))
#define PINNED_MASK ((1u << 15) | (1u << 14) | (1u << 10) | (1u << 11) | (1u << 13) | (1u << 12))

/* h->jit_budget while compiled code runs: every block's entry counts down in a register
 * instead of memory. */
#define BUDGET R15

/* Host registers that hold other guest registers within one block; they go back to the
 * hart around calls. */
static const int cache_regs[] = {R10, R11, RDI};
#define N_CACHE ((unsigned) G_N_ELEMENTS(cache_regs))

static inline bool caller_saved(int host)
{
    return (host >= R8 && host <= R11) || host == RDI;
}

/* The entry and exit shared by every block: the entry saves the callee-saved registers,
 * keeps the hart in rbx and jumps to the block; the exit (eax holds the result) undoes it. */
static void emit_trampoline(VrJit *jit)
{
    X86 a = {jit->rw};
    static const int saved[] = {RBX, RBP, R12, R13, R14, R15};
    for (unsigned i = 0; i < G_N_ELEMENTS(saved); i++)
        x_push(&a, saved[i]);
    x_alu_ri(&a, true, ALU_SUB, RSP, 8); /* calls from blocks see a 16-byte aligned stack */
    x_mov_rr(&a, true, RBX, RDI);
    for (unsigned i = 0; i < N_PINNED; i++)
        x_load64(&a, pinned_host[i], RBX, XOFF(pinned_guest[i]));
    x_load64(&a, BUDGET, RBX, OFF(jit_budget));
    x_jmp_reg(&a, RSI);
    a.p = (uint8_t *) (((uintptr_t) a.p + 15) & ~(uintptr_t) 15);
    jit->exit_rw = a.p;
    for (unsigned i = 0; i < N_PINNED; i++)
        x_store64(&a, RBX, XOFF(pinned_guest[i]), pinned_host[i]);
    x_store64(&a, RBX, OFF(jit_budget), BUDGET);
    x_alu_ri(&a, true, ALU_ADD, RSP, 8);
    for (unsigned i = G_N_ELEMENTS(saved); i-- > 0;)
        x_pop(&a, saved[i]);
    x_u8(&a, 0xc3);
    jit->reserved = ((size_t) (a.p - jit->rw) + 63) & ~(size_t) 63;
    jit->used = jit->reserved;
    jit->enter = (VrJitEnter) (void *) jit->rx;
}

void vr_jit_init(VrHart *h)
{
    if (h->cache.jit)
        return;
    VrJit *jit = g_new0(VrJit, 1);
    jit->size = (code_size() + 4095) & ~(size_t) 4095;
    /* Shared anonymous memory, mapped a second time by mremap: profilers take it for
     * anonymous memory and read the perf map for it. */
    jit->rw = mmap(NULL, jit->size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (jit->rw == MAP_FAILED)
        g_error("cannot make the JIT's code cache: %s", g_strerror(errno));
    jit->rx = mremap(jit->rw, 0, jit->size, MREMAP_MAYMOVE);
    if (jit->rx == MAP_FAILED) {
        /* Where that mremap is refused (valgrind, for one): a memory file mapped twice. */
        int fd = memfd_create("vireo-jit", MFD_CLOEXEC);
        if (fd < 0 || ftruncate(fd, (off_t) jit->size) < 0)
            g_error("cannot make the JIT's code cache: %s", g_strerror(errno));
        munmap(jit->rw, jit->size);
        jit->rw = mmap(NULL, jit->size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
        jit->rx = mmap(NULL, jit->size, PROT_READ | PROT_EXEC, MAP_SHARED, fd, 0);
        close(fd);
        if (jit->rw == MAP_FAILED || jit->rx == MAP_FAILED)
            g_error("cannot map the JIT's code cache: %s", g_strerror(errno));
    } else if (mprotect(jit->rx, jit->size, PROT_READ | PROT_EXEC) < 0) {
        g_error("cannot map the JIT's code cache: %s", g_strerror(errno));
    }
    emit_trampoline(jit);
    if (g_getenv("VIREO_PERF_MAP")) {
        g_autofree char *path = g_strdup_printf("/tmp/perf-%d.map", (int) getpid());
        jit->perf_map = fopen(path, "a");
    }
    h->cache.jit = jit;
}

void vr_jit_destroy(VrHart *h)
{
    VrJit *jit = h->cache.jit;
    if (!jit)
        return;
    if (jit->perf_map)
        fclose(jit->perf_map);
    munmap(jit->rw, jit->size);
    munmap(jit->rx, jit->size);
    g_free(jit);
    h->cache.jit = NULL;
}

void vr_jit_reset(VrJit *jit)
{
    jit->used = jit->reserved;
    jit->patches = NULL;
    jit->n_resets++;
}

void vr_jit_stats(const VrJit *jit, uint64_t *compiled, uint64_t *resets)
{
    *compiled = jit ? jit->n_compiled : 0;
    *resets = jit ? jit->n_resets : 0;
}

/* ---- The host FPU's exception flags ----
 * Compiled FP operations run on the host's SSE unit with MXCSR at MXCSR_GUEST: round to
 * nearest, every exception masked, no flush to zero. Its sticky flags gather the guest's
 * exception flags while compiled code runs: they are cleared on entry and folded into
 * fflags on the way out, and before every call out of compiled code. The code called (the
 * interpreter, softfloat's own host fast path, devices) may read or write fflags, and the
 * host flags it raises itself are not the guest's: they are dropped when it returns. */
#define MXCSR_GUEST 0x1f80u
#define MXCSR_FLAGS 0x3fu

static void fp_fold(VrHart *h)
{
    unsigned m = _mm_getcsr();
    /* Every flag but DE (a denormal operand), which RISC-V does not have. */
    if (m & 0x3d) {
        uint32_t f = (m & 0x01 ? VR_FFLAG_NV : 0) | (m & 0x04 ? VR_FFLAG_DZ : 0) |
                     (m & 0x08 ? VR_FFLAG_OF : 0) | (m & 0x10 ? VR_FFLAG_UF : 0) |
                     (m & 0x20 ? VR_FFLAG_NX : 0);
        if ((h->fflags | f) != h->fflags) {
            h->fflags |= f;
            h->mstatus |= MSTATUS_FS_DIRTY;
        }
    }
    if (m != MXCSR_GUEST)
        _mm_setcsr(MXCSR_GUEST);
}

static inline void fp_drop_host_flags(void)
{
    if (_mm_getcsr() != MXCSR_GUEST)
        _mm_setcsr(MXCSR_GUEST);
}

uint32_t vr_jit_run(VrHart *h, VrBlock *b)
{
    const VrJitBlock *jb = b->jit;
    unsigned host = _mm_getcsr();
    if (host != MXCSR_GUEST)
        _mm_setcsr(MXCSR_GUEST);
    uint32_t r = h->cache.jit->enter(h, jb->entry);
    fp_fold(h);
    /* The host's own flags need not survive; its control bits do. */
    if ((host & ~MXCSR_FLAGS) != MXCSR_GUEST)
        _mm_setcsr(host);
    return r;
}

/* The functions compiled code calls, each between a fold and a drop of the host's flags. */
static VrExit jit_interp_one(VrHart *h, const VrBlock *b, const VrInsn *ip)
{
    fp_fold(h);
    VrExit r = vr_interp_one(h, b, ip);
    fp_drop_host_flags();
    return r;
}

static int jit_load_slow(VrHart *h, uint64_t vaddr, unsigned size, uint64_t *value)
{
    fp_fold(h);
    int r = vr_load_slow(h, vaddr, size, value);
    fp_drop_host_flags();
    return r;
}

static int jit_store_slow(VrHart *h, uint64_t vaddr, unsigned size, uint64_t value)
{
    fp_fold(h);
    int r = vr_store_slow(h, vaddr, size, value);
    fp_drop_host_flags();
    return r;
}

static void *cache_alloc(VrJit *jit, size_t size)
{
    size = (size + 15) & ~(size_t) 15;
    if (jit->used + size > jit->size)
        return NULL;
    void *p = jit->rw + jit->used;
    jit->used += size;
    return p;
}

void vr_jit_chain(VrHart *h, VrBlock *from, unsigned slot, VrBlock *to)
{
    VrJit *jit = h->cache.jit;
    VrJitBlock *f = from->jit, *t = to->jit;
    /* Links 0 and 1 of a block ending in a computed jump are its inline cache. */
    bool ic = f->ic_pc[0] && slot < 2;
    if (ic) {
        /* An inline cache: a free entry, else the older one, chained again to a new target
         * (the old target's record of the jump stays; unchaining through it only costs a
         * chance to chain). */
        slot = !f->chained[0] ? 0 : !f->chained[1] ? 1 : f->ic_next;
        f->ic_next = (uint8_t) !slot;
    }
    if (!f->exit_rel[slot] || (f->chained[slot] && !ic))
        return;
    /* Only a link that checks the mapping may lead to another page. */
    bool same_page = ((from->vpc ^ to->vpc) & VR_PAGE_MASK) == 0;
    if (!same_page && !f->xpage_addend[slot])
        return;
    if (ic && f->chained[!slot] && memcmp(f->ic_pc[!slot], &to->vpc, sizeof(to->vpc)) == 0)
        return; /* the other entry has it */
    VrJitPatch *p = cache_alloc(jit, sizeof(VrJitPatch));
    if (!p)
        return;
    p->from = f;
    p->slot = slot;
    p->to = t;
    p->next = t->incoming;
    t->incoming = p;
    p->next_all = jit->patches;
    jit->patches = p;
    if (ic)
        memcpy(f->ic_pc[slot], &to->vpc, sizeof(to->vpc));
    if (f->xpage_addend[slot]) {
        uint64_t addend = (uint64_t) (uintptr_t) to->host - to->vpc;
        memcpy(f->xpage_addend[slot], &addend, sizeof(addend));
    }
    /* Displacements are the same in both views. */
    x_patch(f->exit_rel[slot], t->entry - jit->rx + jit->rw);
    f->chained[slot] = true;
}

/* A patched jump goes back to the exit right after it. */
static void unchain(VrJitPatch *p)
{
    x_patch(p->from->exit_rel[p->slot], p->from->exit_rel[p->slot] + 4);
    p->from->chained[p->slot] = false;
}

void vr_jit_unchain_all(VrJit *jit)
{
    for (VrJitPatch *p = jit->patches; p; p = p->next_all) {
        unchain(p);
        p->to->incoming = NULL;
    }
    jit->patches = NULL;
}

void vr_jit_block_retired(VrJit *jit, VrBlock *b)
{
    VrJitBlock *t = b->jit;
    (void) jit;
    for (VrJitPatch *p = t->incoming; p; p = p->next)
        unchain(p);
    t->incoming = NULL;
    b->jit = NULL;
}

/* ---- the compiler ---- */

typedef enum {
    COLD_LOAD,
    COLD_STORE,
    COLD_ONE,
    COLD_INTERP, /* the instruction run by vr_interp_one instead (an AMO the TLB missed) */
    COLD_ILLEGAL,
    COLD_FP, /* an FP operation's helper, where the host FPU cannot give the result */
} ColdKind;

/* ---- FP operations: helpers computing exactly as the interpreter does (fp-ops.h) ---- */

typedef uint32_t (*FpHelper)(VrHart *h, const VrInsn *ip);

#define RS1     (h->x[ip->rs1])
#define F(r)    (h->f[(r)])
#define FL      (&h->fflags)
#define SX32(v) ((uint64_t) (int64_t) (int32_t) (v))
/* Each returns 0, or 1 for an illegal instruction (FP off, or a reserved rounding mode). */
#define FP_ON()                                   \
    do {                                          \
        if (unlikely(!(h->mstatus & MSTATUS_FS))) \
            return 1;                             \
    } while (0)
#define FP_RM()                                         \
    const int rm = ip->rm == 7 ? (int) h->frm : ip->rm; \
    if (unlikely(rm > 4))                               \
        return 1;
#define HELPER_ARITH_S(name, expr)                         \
    static uint32_t fp_##name(VrHart *h, const VrInsn *ip) \
    {                                                      \
        FP_ON();                                           \
        FP_RM()                                            \
        F(ip->rd) = box32(expr);                           \
        h->mstatus |= MSTATUS_FS_DIRTY;                    \
        return 0;                                          \
    }
#define HELPER_ARITH_D(name, expr)                         \
    static uint32_t fp_##name(VrHart *h, const VrInsn *ip) \
    {                                                      \
        FP_ON();                                           \
        FP_RM()                                            \
        F(ip->rd) = (expr);                                \
        h->mstatus |= MSTATUS_FS_DIRTY;                    \
        return 0;                                          \
    }
#define HELPER_MOVE(name, expr)                            \
    static uint32_t fp_##name(VrHart *h, const VrInsn *ip) \
    {                                                      \
        FP_ON();                                           \
        F(ip->rd) = (expr);                                \
        h->mstatus |= MSTATUS_FS_DIRTY;                    \
        return 0;                                          \
    }
#define HELPER_TO_INT(name, expr)                          \
    static uint32_t fp_##name(VrHart *h, const VrInsn *ip) \
    {                                                      \
        FP_ON();                                           \
        uint32_t before = h->fflags;                       \
        h->x[ip->rd] = (expr);                             \
        if (h->fflags != before)                           \
            h->mstatus |= MSTATUS_FS_DIRTY;                \
        return 0;                                          \
    }
#define HELPER_TO_INT_RM(name, expr)                       \
    static uint32_t fp_##name(VrHart *h, const VrInsn *ip) \
    {                                                      \
        FP_ON();                                           \
        FP_RM()                                            \
        uint32_t before = h->fflags;                       \
        h->x[ip->rd] = (expr);                             \
        if (h->fflags != before)                           \
            h->mstatus |= MSTATUS_FS_DIRTY;                \
        return 0;                                          \
    }
VR_FP_ARITH_S(HELPER_ARITH_S)
VR_FP_ARITH_D(HELPER_ARITH_D)
VR_FP_MOVE(HELPER_MOVE)
VR_FP_TO_INT(HELPER_TO_INT)
VR_FP_TO_INT_RM(HELPER_TO_INT_RM)

#define HELPER_ENTRY(name, expr) [VR_OP_##name] = fp_##name,
static const FpHelper fp_helpers[VR_OP_COUNT] = {
    VR_FP_ARITH_S(HELPER_ENTRY) VR_FP_ARITH_D(HELPER_ENTRY) VR_FP_MOVE(HELPER_ENTRY)
        VR_FP_TO_INT(HELPER_ENTRY) VR_FP_TO_INT_RM(HELPER_ENTRY)};
#define HELPER_WRITES_X(name, expr) [VR_OP_##name] = true,
static const bool fp_writes_x[VR_OP_COUNT] = {VR_FP_TO_INT(HELPER_WRITES_X)
                                                  VR_FP_TO_INT_RM(HELPER_WRITES_X)};
#undef RS1
#undef F
#undef FL
#undef SX32

static uint32_t jit_fp_call(VrHart *h, const VrInsn *ip, FpHelper fn)
{
    fp_fold(h);
    uint32_t r = fn(h, ip);
    fp_drop_host_flags();
    return r;
}

/* Whether an FP operation reads an integer register (rs1). */
static bool fp_reads_x(VrOp op)
{
    switch (op) {
    case VR_OP_FCVT_S_W:
    case VR_OP_FCVT_S_WU:
    case VR_OP_FCVT_S_L:
    case VR_OP_FCVT_S_LU:
    case VR_OP_FCVT_D_W:
    case VR_OP_FCVT_D_WU:
    case VR_OP_FCVT_D_L:
    case VR_OP_FCVT_D_LU:
    case VR_OP_FMV_W_X:
    case VR_OP_FMV_D_X: return true;
    default: return false;
    }
}

/* Out-of-line code for one instruction, emitted after the block's main path. */
typedef struct {
    ColdKind kind;
    uint8_t *jump_rel; /* the displacement of the jump to it */
    uint8_t *join;     /* where the main path goes on */
    uint32_t dirty;    /* guest registers held only in host registers at the instruction */
    unsigned index;
    unsigned size;
    bool sign;
    int value_reg;     /* a store's value or a load's destination; -1: the value is the hart's */
    int32_t value_off; /* that value's offset in the hart (0: x0) */
    int va_reg;        /* the register holding the virtual address */
    uint64_t raw;      /* an illegal instruction's bits */
    const VrInsn *ip;  /* COLD_FP: the instruction, and more jumps to its helper */
    uint8_t *more_rel[5];
    unsigned n_more;
} Cold;

typedef struct {
    X86 a;
    VrJit *jit;
    VrBlock *b;
    VrJitBlock *jb;
    uint8_t *ic_pc[2];
    uint8_t *xpage_addend[VR_BLOCK_LINKS];
    int host_of[33]; /* guest register -> host register, or -1 */
    uint32_t dirty;
    Cold cold[2 * (VR_BLOCK_MAX_INSNS + 1)]; /* at most two per instruction */
    unsigned n_cold;
    uint8_t *exit_rel[VR_BLOCK_LINKS];
    uint8_t *entry_fail_rel;
    uint8_t *body;          /* after the entry's checks and loads: where a loop goes back to */
    uint32_t written;       /* cached guest registers the block writes */
    uint32_t written_first; /* those it writes before reading them */
    bool may_retire;        /* it stores, or calls the interpreter: it may retire blocks */
    /* Known at this point of the code: mstatus.FS is on, it is dirty. */
    bool fs_on, fs_dirty;
} Cg;

/* The value of guest register r: the host register holding it, or tmp after loading it. */
static int src(Cg *g, unsigned r, int tmp)
{
    if (r == 0) {
        x_alu_rr(&g->a, false, ALU_XOR, tmp, tmp);
        return tmp;
    }
    if (g->host_of[r] >= 0)
        return g->host_of[r];
    x_load64(&g->a, tmp, RBX, XOFF(r));
    return tmp;
}

static void src_into(Cg *g, unsigned r, int tmp)
{
    int h = src(g, r, tmp);
    if (h != tmp)
        x_mov_rr(&g->a, true, tmp, h);
}

static void dst(Cg *g, unsigned rd, int from)
{
    if (rd == 0 || rd == 32)
        return;
    int h = g->host_of[rd];
    if (h >= 0) {
        if (h != from)
            x_mov_rr(&g->a, true, h, from);
        g->dirty |= 1u << rd;
    } else {
        x_store64(&g->a, RBX, XOFF(rd), from);
    }
}

/* The host register of rd when it is cached, else -1. */
static int cached_rd(const Cg *g, const VrInsn *ip)
{
    return ip->rd != 0 && ip->rd < 32 ? g->host_of[ip->rd] : -1;
}

/* Guest registers held only in host registers of this block go back to the hart (pinned
 * ones stay: the common exit stores them). */
static void write_back(Cg *g, uint32_t dirty)
{
    dirty &= ~PINNED_MASK;
    for (unsigned r = 1; r < 32; r++)
        if (dirty & (1u << r))
            x_store64(&g->a, RBX, XOFF(r), g->host_of[r]);
}

/* Around a call: guest registers held only in caller-saved host registers (`dirty`, as at
 * the call, and the pinned ones there) go to the hart, and all caller-saved ones come back
 * from it after. */
static void save_volatile(Cg *g, uint32_t dirty)
{
    dirty |= PINNED_MASK;
    for (unsigned r = 1; r < 32; r++)
        if ((dirty & (1u << r)) && caller_saved(g->host_of[r]))
            x_store64(&g->a, RBX, XOFF(r), g->host_of[r]);
}

/* Before a call that reads the hart's registers: the pinned ones go there too. */
static void store_pinned(Cg *g)
{
    for (unsigned i = 0; i < N_PINNED; i++)
        x_store64(&g->a, RBX, XOFF(pinned_guest[i]), pinned_host[i]);
}

static bool pinned(unsigned r)
{
    return r < 32 && (PINNED_MASK & (1u << r));
}

static void restore_volatile(Cg *g)
{
    for (unsigned r = 1; r < 32; r++)
        if (g->host_of[r] >= 0 && caller_saved(g->host_of[r]))
            x_load64(&g->a, g->host_of[r], RBX, XOFF(r));
}

/* Leaves compiled code with eax = kind | index << 8, naming this block. */
static void exit_with(Cg *g, VrJitExitKind kind, unsigned index)
{
    x_mov_ri(&g->a, RCX, (uint64_t) (uintptr_t) g->b);
    x_store64(&g->a, RBX, OFF(jit_block), RCX);
    x_mov_ri(&g->a, RAX, kind | (index << 8));
    uint8_t *rel = x_jmp(&g->a);
    x_patch(rel, g->jit->exit_rw);
}

/* idx = the byte offset of va's entry in a TLB table ((va >> 12) % entries * 16). */
static void emit_tlb_index(Cg *g, int idx, int va)
{
    x_mov_rr(&g->a, false, idx, va);
    x_shift_ri(&g->a, false, SH_SHR, idx, VR_PAGE_BITS - 4);
    x_alu_ri(&g->a, false, ALU_AND, idx, (VR_TLB_SIZE - 1) << 4);
}

/* Goes straight to the compiled block for the pc in rax when the block cache would find it
 * there: its jump table holds a block for that pc, the fetch TLB maps the pc to the same
 * host code, the block is of the current code epoch, and it is compiled. Otherwise falls through.
 * Guest registers must be written back; uses rcx, rdx, rsi, rdi. */
static void emit_lookup_jump(Cg *g)
{
    X86 *a = &g->a;
    uint8_t *miss[6];
    int32_t exec = (int32_t) offsetof(VrTlb, exec);
    x_mov_rr(a, true, RCX, RAX);
    x_shift_ri(a, true, SH_SHR, RCX, 1);
    x_mov_rr(a, true, RDX, RAX);
    x_shift_ri(a, true, SH_SHR, RDX, 13);
    x_alu_rr(a, false, ALU_XOR, RCX, RDX);
    x_alu_ri(a, false, ALU_AND, RCX, (1 << VR_JUMP_CACHE_BITS) - 1);
    /* mov rdx, [rbx + rcx * 8 + jump] */
    x_rex(a, true, RDX, RCX, RBX, false);
    x_u8(a, 0x8b);
    x_modrm_sib(a, RDX, RBX, RCX, 3, OFF(cache.jump));
    x_test_rr(a, true, RDX, RDX);
    miss[0] = x_jcc(a, CC_E);
    x_alu_rm(a, true, ALU_CMP, RAX, RDX, (int32_t) offsetof(VrBlock, vpc));
    miss[1] = x_jcc(a, CC_NE);
    x_load64(a, RSI, RBX, OFF(tlb_fetch));
    emit_tlb_index(g, RCX, RAX);
    x_mov_rr(a, true, RDI, RAX);
    x_alu_ri(a, true, ALU_AND, RDI, (int32_t) VR_PAGE_MASK);
    /* cmp rdi, [rsi + rcx + exec.tag] */
    x_rex(a, true, RDI, RCX, RSI, false);
    x_u8(a, 0x3b);
    x_modrm_sib(a, RDI, RSI, RCX, 0, exec + (int32_t) offsetof(VrTlbEntry, tag));
    miss[2] = x_jcc(a, CC_NE);
    /* mov rdi, [rsi + rcx + exec.addend]; add rdi, rax */
    x_rex(a, true, RDI, RCX, RSI, false);
    x_u8(a, 0x8b);
    x_modrm_sib(a, RDI, RSI, RCX, 0, exec + (int32_t) offsetof(VrTlbEntry, addend));
    x_alu_rr(a, true, ALU_ADD, RDI, RAX);
    x_alu_rm(a, true, ALU_CMP, RDI, RDX, (int32_t) offsetof(VrBlock, host));
    miss[3] = x_jcc(a, CC_NE);
    x_load32(a, RCX, RDX, (int32_t) offsetof(VrBlock, epoch));
    x_alu_rm(a, false, ALU_CMP, RCX, RBX, OFF(code_epoch));
    miss[4] = x_jcc(a, CC_NE);
    x_load64(a, RDX, RDX, (int32_t) offsetof(VrBlock, jit));
    x_test_rr(a, true, RDX, RDX);
    miss[5] = x_jcc(a, CC_E);
    /* jmp [rdx + entry] */
    x_rex(a, false, 0, 0, RDX, false);
    x_u8(a, 0xff);
    x_modrm_mem(a, 4, RDX, (int32_t) offsetof(VrJitBlock, entry));
    for (unsigned i = 0; i < G_N_ELEMENTS(miss); i++)
        x_patch(miss[i], a->p);
}

/* While tries[slot] lasts, leaves through `kind` with `index` (the exit's jit_pc already
 * stored) and counts a try; then falls through. */
static void emit_chain_try(Cg *g, unsigned slot, VrJitExitKind kind, unsigned index)
{
    X86 *a = &g->a;
    x_mov_ri(a, RCX, (uint64_t) (uintptr_t) &g->jb->tries[slot]);
    x_alu_mi8(a, ALU_CMP, RCX, 0, 0);
    uint8_t *spent = x_jcc(a, CC_E);
    x_alu_mi8(a, ALU_SUB, RCX, 0, 1);
    exit_with(g, kind, index);
    x_patch(spent, a->p);
}

/* For a computed jump to the pc in rax: links 0 and 1 as an inline cache (see
 * VrJitBlock.ic_pc). On a miss, stores the pc as jit_pc and falls through to the lookup
 * once the tries are spent. */
static void emit_jump_cache(Cg *g)
{
    X86 *a = &g->a;
    for (unsigned slot = 0; slot < 2; slot++) {
        /* An odd pc is never a target. */
        g->ic_pc[slot] = x_mov_ri64(a, RCX, 1);
        x_alu_rr(a, true, ALU_CMP, RAX, RCX);
        uint8_t *miss = x_jcc(a, CC_NE);
        g->exit_rel[slot] = x_jmp(a);
        x_patch(g->exit_rel[slot], a->p);
        x_patch(miss, a->p);
    }
    x_store64(a, RBX, OFF(jit_pc), RAX);
    emit_chain_try(g, 0, VR_JIT_EXIT_INDIRECT, 0);
}

/* Whether another thread asked the hart to stop (h->exit_request): returns the jump taken
 * then. Block entries do not check it; jumps that may close a loop do (a jump back in the
 * block's page, or to another page, or computed: every cycle of blocks has one), so a
 * request waits at most for a run of forward jumps. */
static uint8_t *emit_request_check(Cg *g)
{
    x_alu_mi(&g->a, false, ALU_CMP, RBX, OFF(exit_request), 0);
    return x_jcc(&g->a, CC_NE);
}

/* A jump out of the block to a fixed pc through link `slot`. In the same page, a patchable
 * jump (to the next block once chained); to another page, through the jump table with the
 * mapping checked; then the exit to the interpreter. */
static void exit_jump(Cg *g, unsigned slot, uint64_t pc)
{
    write_back(g, g->dirty);
    uint8_t *request = NULL;
    if (((pc ^ g->b->vpc) & VR_PAGE_MASK) == 0) {
        if (pc < g->b->end_vpc)
            request = emit_request_check(g);
        g->exit_rel[slot] = x_jmp(&g->a);
        x_patch(g->exit_rel[slot], g->a.p);
        if (request)
            x_patch(request, g->a.p);
        x_mov_ri(&g->a, RAX, pc);
    } else {
        /* To another page: a patchable jump too, taken while the fetch TLB still maps the
         * target's page to the code it was chained to (the addend, patched with the jump). */
        X86 *a = &g->a;
        int32_t entry = (int32_t) (offsetof(VrTlb, exec) +
                                   ((pc >> VR_PAGE_BITS) & (VR_TLB_SIZE - 1)) * sizeof(VrTlbEntry));
        /* rax = pc from here to the exit: the checks, the try and the lookup leave it. */
        x_mov_ri(a, RAX, pc);
        request = emit_request_check(g);
        x_load64(a, RSI, RBX, OFF(tlb_fetch));
        x_mov_ri(a, RCX, pc & VR_PAGE_MASK);
        x_alu_rm(a, true, ALU_CMP, RCX, RSI, entry + (int32_t) offsetof(VrTlbEntry, tag));
        uint8_t *other_page = x_jcc(a, CC_NE);
        g->xpage_addend[slot] = x_mov_ri64(a, RCX, 0);
        x_alu_rm(a, true, ALU_CMP, RCX, RSI, entry + (int32_t) offsetof(VrTlbEntry, addend));
        uint8_t *other_code = x_jcc(a, CC_NE);
        g->exit_rel[slot] = x_jmp(a);
        x_patch(g->exit_rel[slot], a->p);
        x_store64(a, RBX, OFF(jit_pc), RAX);
        emit_chain_try(g, slot, VR_JIT_EXIT_JUMP, slot);
        x_patch(other_page, a->p);
        x_patch(other_code, a->p);
        emit_lookup_jump(g);
        x_patch(request, a->p);
    }
    x_store64(&g->a, RBX, OFF(jit_pc), RAX);
    exit_with(g, VR_JIT_EXIT_JUMP, slot);
}

static Cold *add_cold(Cg *g, ColdKind kind, unsigned index, uint8_t *jump_rel)
{
    g_assert(g->n_cold < G_N_ELEMENTS(g->cold));
    Cold *c = &g->cold[g->n_cold++];
    memset(c, 0, sizeof(*c));
    c->kind = kind;
    c->index = index;
    c->jump_rel = jump_rel;
    c->dirty = g->dirty;
    return c;
}

/* The TLB probe shared by loads and stores: the virtual address ends in *va (rs1's own
 * host register when the offset is 0, else rsi); on a hit, rax holds the host address's
 * addend and the code falls through; on a miss it jumps to the returned displacement. Uses
 * rax, rcx, rdx. */
static uint8_t *emit_tlb_probe(Cg *g, const VrInsn *ip, unsigned size, bool write, int *va)
{
    X86 *a = &g->a;
    int cached = ip->rs1 != 0 ? g->host_of[ip->rs1] : -1;
    *va = RSI;
    if (cached >= 0 && ip->imm == 0) {
        *va = cached;
    } else if (cached >= 0) {
        x_lea(a, RSI, cached, (int32_t) ip->imm);
    } else {
        src_into(g, ip->rs1, RSI);
        if (ip->imm)
            x_alu_ri(a, true, ALU_ADD, RSI, (int32_t) ip->imm);
    }
    x_load64(a, RAX, RBX, OFF(tlb_data));
    emit_tlb_index(g, RDX, *va);
    x_mov_rr(a, true, RCX, *va);
    x_alu_ri(a, true, ALU_AND, RCX, (int32_t) (VR_PAGE_MASK | (size - 1)));
    int32_t table = write ? (int32_t) offsetof(VrTlb, write) : (int32_t) offsetof(VrTlb, read);
    /* cmp rcx, [rax + rdx + table] */
    x_rex(a, true, RCX, RDX, RAX, false);
    x_u8(a, 0x3b);
    x_modrm_sib(a, RCX, RAX, RDX, 0, table + (int32_t) offsetof(VrTlbEntry, tag));
    uint8_t *miss = x_jcc(a, CC_NE);
    /* mov rax, [rax + rdx + table + 8] */
    x_rex(a, true, RAX, RDX, RAX, false);
    x_u8(a, 0x8b);
    x_modrm_sib(a, RAX, RAX, RDX, 0, table + (int32_t) offsetof(VrTlbEntry, addend));
    return miss;
}

/* A load's value, in host register `to`. */
static void emit_load_value(Cg *g, const VrInsn *ip, unsigned index, unsigned size, bool sign,
                            int to)
{
    int va;
    uint8_t *miss = emit_tlb_probe(g, ip, size, false, &va);
    x_load_sized(&g->a, to, RAX, va, size, sign);
    Cold *c = add_cold(g, COLD_LOAD, index, miss);
    c->size = size;
    c->sign = sign;
    c->value_reg = to;
    c->va_reg = va;
    c->join = g->a.p;
}

/* The value goes straight to rd's register when rd is cached. */
static void emit_load(Cg *g, const VrInsn *ip, unsigned index, unsigned size, bool sign)
{
    int d = cached_rd(g, ip);
    emit_load_value(g, ip, index, size, sign, d >= 0 ? d : RAX);
    if (d >= 0)
        g->dirty |= 1u << ip->rd;
    else
        dst(g, ip->rd, RAX);
}

static void add_illegal(Cg *g, const VrInsn *ip, unsigned index, uint8_t *jump_rel)
{
    Cold *c = add_cold(g, COLD_ILLEGAL, index, jump_rel);
    c->raw = vr_insn_raw(g->b, ip);
}

/* FP loads and stores need mstatus.FS on. */
static void emit_fp_on(Cg *g, const VrInsn *ip, unsigned index)
{
    if (g->fs_on)
        return;
    x_test_mi(&g->a, RBX, OFF(mstatus), (int32_t) MSTATUS_FS);
    add_illegal(g, ip, index, x_jcc(&g->a, CC_E));
    g->fs_on = true;
}

/* An FP register is written: mstatus.FS becomes dirty. */
static void emit_fs_dirty(Cg *g)
{
    if (g->fs_dirty)
        return;
    x_alu_mi(&g->a, true, ALU_OR, RBX, OFF(mstatus), (int32_t) MSTATUS_FS_DIRTY);
    g->fs_dirty = true;
}

static void emit_fp_load(Cg *g, const VrInsn *ip, unsigned index, unsigned size)
{
    X86 *a = &g->a;
    emit_fp_on(g, ip, index);
    emit_load_value(g, ip, index, size, false, RAX);
    if (size == 4) {
        x_mov_ri(a, RCX, 0xffffffff00000000ull);
        x_alu_rr(a, true, ALU_OR, RAX, RCX);
    }
    x_store64(a, RBX, FOFF(ip->rd), RAX);
    emit_fs_dirty(g);
}

/* Stores the value in host register v, or (v < 0) the hart's at value_off (0 for x0), which
 * is loaded into rcx once the probe is done with it. */
static void emit_store_value(Cg *g, const VrInsn *ip, unsigned index, unsigned size, int v,
                             int32_t value_off)
{
    int va;
    uint8_t *miss = emit_tlb_probe(g, ip, size, true, &va);
    int from = v;
    if (v < 0) {
        from = RCX;
        if (value_off)
            x_load64(&g->a, RCX, RBX, value_off);
        else
            x_alu_rr(&g->a, false, ALU_XOR, RCX, RCX);
    }
    x_store_sized(&g->a, RAX, va, from, size);
    Cold *c = add_cold(g, COLD_STORE, index, miss);
    c->size = size;
    c->value_reg = v;
    c->value_off = value_off;
    c->va_reg = va;
    c->join = g->a.p;
}

static void emit_fp_store(Cg *g, const VrInsn *ip, unsigned index, unsigned size)
{
    emit_fp_on(g, ip, index);
    emit_store_value(g, ip, index, size, -1, FOFF(ip->rs2));
}

/* An FP operation through its helper: integer registers it reads go to the hart first, one
 * it writes comes back after. */
/* The call of an FP helper, the volatile registers saved: an integer register it writes
 * comes back from the hart after it (the caller-saved ones with the others). */
static void emit_fp_call(Cg *g, const VrInsn *ip, FpHelper fn)
{
    X86 *a = &g->a;
    x_mov_rr(a, true, RDI, RBX);
    x_mov_ri(a, RSI, (uint64_t) (uintptr_t) ip);
    x_mov_ri(a, RDX, (uint64_t) (uintptr_t) fn);
    x_call_abs(a, (const void *) jit_fp_call);
    restore_volatile(g);
    if (fp_writes_x[ip->kind] && ip->rd != 0 && ip->rd < 32 && g->host_of[ip->rd] >= 0 &&
        !caller_saved(g->host_of[ip->rd]))
        x_load64(a, g->host_of[ip->rd], RBX, XOFF(ip->rd));
}

static void emit_fp_helper(Cg *g, const VrInsn *ip, unsigned index, FpHelper fn)
{
    X86 *a = &g->a;
    VrOp op = (VrOp) ip->kind;
    if (fp_reads_x(op) && ip->rs1 != 0 && ((g->dirty & (1u << ip->rs1)) || pinned(ip->rs1))) {
        x_store64(a, RBX, XOFF(ip->rs1), g->host_of[ip->rs1]);
        g->dirty &= ~(1u << ip->rs1);
    }
    /* The destination is reloaded after the call, which may also fail and leave it. */
    if (fp_writes_x[op] && ip->rd < 32 && ((g->dirty & (1u << ip->rd)) || pinned(ip->rd))) {
        x_store64(a, RBX, XOFF(ip->rd), g->host_of[ip->rd]);
        g->dirty &= ~(1u << ip->rd);
    }
    save_volatile(g, g->dirty);
    emit_fp_call(g, ip, fn);
    if (fp_writes_x[op] && ip->rd != 0 && ip->rd < 32)
        g->dirty &= ~(1u << ip->rd);
    x_test_rr(a, false, RAX, RAX);
    add_illegal(g, ip, index, x_jcc(a, CC_NE));
}

/* ---- FP operations on the host FPU ----
 * The SSE unit computes IEEE 754 results, rounded to nearest under MXCSR_GUEST, and raises
 * the same exceptions as RISC-V (tininess after rounding on both), collected in MXCSR's
 * sticky flags (see fp_fold). What differs goes to the operation's helper (COLD_FP): a
 * rounding mode other than to nearest (truncation for conversions to integers), a NaN
 * result (RISC-V's is canonical, x86's propagates an operand), a conversion to an integer
 * out of range (RISC-V saturates), a single-precision operand that is not NaN-boxed.
 * Fused multiply-adds use FMA3 where the host has it. Minimum and maximum, classification
 * and unsigned conversions always go to their helpers. */

typedef enum {
    FPK_ARITH,    /* fd = fs1 op fs2 */
    FPK_SQRT,     /* fd = sqrt(fs1) */
    FPK_CMP,      /* rd = fs1 cc fs2 */
    FPK_TO_INT,   /* rd = (int) fs1 */
    FPK_FROM_INT, /* fd = (float) rs1 */
    FPK_FMT,      /* fd = fs1 in the other format */
    FPK_SGNJ,     /* fd = fs1 with a sign from fs2 */
    FPK_MV_X,     /* rd = the bits of fs1 */
    FPK_MV_F,     /* fd = the bits of rs1 */
    FPK_FMA,      /* fd = ±(fs1 * fs2) ± fs3, rounded once */
} FpKind;

/* Whether the host has FMA3 (vfmadd213sd and the like). */
static bool host_fma(void)
{
    static int has = -1;
    if (has < 0) {
        __builtin_cpu_init();
        has = __builtin_cpu_supports("fma") ? 1 : 0;
    }
    return has == 1;
}

/* The jump to the helper: the first makes the cold code. */
static void fp_slow(Cg *g, Cold **c, const VrInsn *ip, unsigned index, uint8_t *rel)
{
    if (!*c) {
        *c = add_cold(g, COLD_FP, index, rel);
        (*c)->ip = ip;
        return;
    }
    g_assert((*c)->n_more < G_N_ELEMENTS((*c)->more_rel));
    (*c)->more_rel[(*c)->n_more++] = rel;
}

/* Whether an FP register holds a NaN-boxed single: else the helper reads the canonical NaN. */
static void fp_boxed(Cg *g, Cold **c, const VrInsn *ip, unsigned index, unsigned f)
{
    x_alu_mi(&g->a, false, ALU_CMP, RBX, FOFF(f) + 4, -1);
    fp_slow(g, c, ip, index, x_jcc(&g->a, CC_NE));
}

/* Stores host register r to fd, NaN-boxing a single. */
static void fp_store_reg(Cg *g, unsigned fd, int r, bool dbl)
{
    if (dbl) {
        x_store64(&g->a, RBX, FOFF(fd), r);
    } else {
        x_store32(&g->a, RBX, FOFF(fd), r);
        x_store32_imm(&g->a, RBX, FOFF(fd) + 4, 0xffffffffu);
    }
}

/* Stores xmm0 to fd, NaN-boxing a single. */
static void fp_store_xmm0(Cg *g, unsigned fd, bool dbl)
{
    x_sse_mem(&g->a, dbl ? 0xf2 : 0xf3, false, SSE_MOV_STORE, 0, RBX, FOFF(fd));
    if (!dbl)
        x_store32_imm(&g->a, RBX, FOFF(fd) + 4, 0xffffffffu);
}

/* Compiles an FP operation for the host FPU; returns false where it has no such path. */
static bool emit_fp_fast(Cg *g, const VrInsn *ip, unsigned index)
{
    X86 *a = &g->a;
    VrOp op = (VrOp) ip->kind;
    FpKind k;
    bool dbl = true;
    uint8_t sse = 0;
    int cc = 0;
    bool w64 = true, exact = false;
    switch (op) {
    case VR_OP_FADD_S: dbl = false; /* fall through */
    case VR_OP_FADD_D: k = FPK_ARITH, sse = SSE_ADD; break;
    case VR_OP_FSUB_S: dbl = false; /* fall through */
    case VR_OP_FSUB_D: k = FPK_ARITH, sse = SSE_SUB; break;
    case VR_OP_FMUL_S: dbl = false; /* fall through */
    case VR_OP_FMUL_D: k = FPK_ARITH, sse = SSE_MUL; break;
    case VR_OP_FDIV_S: dbl = false; /* fall through */
    case VR_OP_FDIV_D: k = FPK_ARITH, sse = SSE_DIV; break;
    case VR_OP_FSQRT_S: dbl = false; /* fall through */
    case VR_OP_FSQRT_D: k = FPK_SQRT; break;
    case VR_OP_FEQ_S: dbl = false; /* fall through */
    case VR_OP_FEQ_D: k = FPK_CMP, cc = CC_E; break;
    case VR_OP_FLT_S: dbl = false; /* fall through */
    case VR_OP_FLT_D: k = FPK_CMP, cc = CC_A; break;
    case VR_OP_FLE_S: dbl = false; /* fall through */
    case VR_OP_FLE_D: k = FPK_CMP, cc = CC_AE; break;
    case VR_OP_FCVT_W_S: dbl = false; /* fall through */
    case VR_OP_FCVT_W_D: k = FPK_TO_INT, w64 = false; break;
    case VR_OP_FCVT_L_S: dbl = false; /* fall through */
    case VR_OP_FCVT_L_D: k = FPK_TO_INT; break;
    case VR_OP_FCVT_S_W: dbl = false, k = FPK_FROM_INT, w64 = false; break;
    case VR_OP_FCVT_S_L: dbl = false, k = FPK_FROM_INT; break;
    case VR_OP_FCVT_D_W: k = FPK_FROM_INT, w64 = false, exact = true; break;
    case VR_OP_FCVT_D_WU: k = FPK_FROM_INT, exact = true; break;
    case VR_OP_FCVT_D_L: k = FPK_FROM_INT; break;
    case VR_OP_FCVT_S_D: dbl = false, k = FPK_FMT; break;
    case VR_OP_FCVT_D_S: k = FPK_FMT, exact = true; break;
    case VR_OP_FSGNJ_S:
    case VR_OP_FSGNJN_S:
    case VR_OP_FSGNJX_S: dbl = false; /* fall through */
    case VR_OP_FSGNJ_D:
    case VR_OP_FSGNJN_D:
    case VR_OP_FSGNJX_D: k = FPK_SGNJ; break;
    case VR_OP_FMV_X_W: dbl = false; /* fall through */
    case VR_OP_FMV_X_D: k = FPK_MV_X; break;
    case VR_OP_FMV_W_X: dbl = false; /* fall through */
    case VR_OP_FMV_D_X: k = FPK_MV_F; break;
    /* fs1 * fs2 + fs3 as vfmadd213 xmm0 (fs1), xmm1 (fs2), [fs3]; the negated forms are
     * RISC-V's fnmsub (-(a * b) + c) and fnmadd (-(a * b) - c). */
    case VR_OP_FMADD_S: dbl = false; /* fall through */
    case VR_OP_FMADD_D: k = FPK_FMA, sse = 0xa9; break;
    case VR_OP_FMSUB_S: dbl = false; /* fall through */
    case VR_OP_FMSUB_D: k = FPK_FMA, sse = 0xab; break;
    case VR_OP_FNMSUB_S: dbl = false; /* fall through */
    case VR_OP_FNMSUB_D: k = FPK_FMA, sse = 0xad; break;
    case VR_OP_FNMADD_S: dbl = false; /* fall through */
    case VR_OP_FNMADD_D: k = FPK_FMA, sse = 0xaf; break;
    default: return false;
    }
    if (k == FPK_FMA && !host_fma())
        return false;
    bool rounds = k == FPK_ARITH || k == FPK_SQRT || k == FPK_TO_INT || k == FPK_FROM_INT ||
                  k == FPK_FMT || k == FPK_FMA;
    bool truncate = false;
    if (rounds && ip->rm != 7 && ip->rm != 0) {
        if (k == FPK_TO_INT && ip->rm == 1)
            truncate = true;
        else if (!(exact && ip->rm <= 4))
            return false;
    }

    uint8_t pre = dbl ? 0xf2 : 0xf3;
    Cold *c = NULL;
    emit_fp_on(g, ip, index);
    if (rounds && ip->rm == 7) {
        /* Dynamic rounding: the fast path rounds to nearest. */
        x_alu_mi(a, false, ALU_CMP, RBX, OFF(frm), 0);
        fp_slow(g, &c, ip, index, x_jcc(a, CC_NE));
    }
    switch (k) {
    case FPK_ARITH:
    case FPK_SQRT:
    case FPK_FMT:
    case FPK_FMA:
        if (!dbl && k != FPK_FMT) {
            fp_boxed(g, &c, ip, index, ip->rs1);
            if (k == FPK_ARITH || k == FPK_FMA)
                fp_boxed(g, &c, ip, index, ip->rs2);
            if (k == FPK_FMA)
                fp_boxed(g, &c, ip, index, ip->rs3);
        }
        if (k == FPK_FMA) {
            x_sse_mem(a, pre, false, SSE_MOV_LOAD, 0, RBX, FOFF(ip->rs1));
            x_sse_mem(a, pre, false, SSE_MOV_LOAD, 1, RBX, FOFF(ip->rs2));
            x_vex_0f38_mem(a, dbl, sse, 0, 1, RBX, FOFF(ip->rs3));
        } else if (k == FPK_ARITH) {
            x_sse_mem(a, pre, false, SSE_MOV_LOAD, 0, RBX, FOFF(ip->rs1));
            x_sse_mem(a, pre, false, sse, 0, RBX, FOFF(ip->rs2));
        } else if (k == FPK_SQRT) {
            x_sse_mem(a, pre, false, SSE_SQRT, 0, RBX, FOFF(ip->rs1));
        } else if (dbl) {
            fp_boxed(g, &c, ip, index, ip->rs1);
            x_sse_mem(a, 0xf3, false, SSE_CVT_FMT, 0, RBX, FOFF(ip->rs1));
        } else {
            x_sse_mem(a, 0xf2, false, SSE_CVT_FMT, 0, RBX, FOFF(ip->rs1));
        }
        /* A NaN result: RISC-V's is the canonical NaN. */
        x_sse_rr(a, dbl ? 0x66 : 0, false, SSE_UCOMI, 0, 0);
        fp_slow(g, &c, ip, index, x_jcc(a, CC_P));
        fp_store_xmm0(g, ip->rd, dbl);
        emit_fs_dirty(g);
        break;
    case FPK_CMP: {
        if (!dbl) {
            fp_boxed(g, &c, ip, index, ip->rs1);
            fp_boxed(g, &c, ip, index, ip->rs2);
        }
        uint8_t p66 = dbl ? 0x66 : 0;
        if (cc == CC_E) {
            /* feq: quiet, equal and ordered. */
            x_sse_mem(a, pre, false, SSE_MOV_LOAD, 0, RBX, FOFF(ip->rs1));
            x_sse_mem(a, p66, false, SSE_UCOMI, 0, RBX, FOFF(ip->rs2));
            x_setcc(a, CC_E, RAX);
            x_setcc(a, CC_NP, RCX);
            x_alu_rr(a, false, ALU_AND, RAX, RCX);
        } else {
            /* flt, fle: signalling; fs2 above fs1 (or equal), false when unordered. */
            x_sse_mem(a, pre, false, SSE_MOV_LOAD, 0, RBX, FOFF(ip->rs2));
            x_sse_mem(a, p66, false, SSE_COMI, 0, RBX, FOFF(ip->rs1));
            x_setcc(a, cc, RAX);
        }
        x_movzx8(a, RAX, RAX);
        dst(g, ip->rd, RAX);
        break;
    }
    case FPK_TO_INT:
        if (!dbl)
            fp_boxed(g, &c, ip, index, ip->rs1);
        x_sse_mem(a, pre, w64, truncate ? SSE_CVTT2SI : SSE_CVT2SI, RAX, RBX, FOFF(ip->rs1));
        /* x86's answer to a NaN or an out-of-range value is the most negative integer, which
         * only `cmp 1` overflows on; RISC-V saturates. */
        x_alu_ri(a, w64, ALU_CMP, RAX, 1);
        fp_slow(g, &c, ip, index, x_jcc(a, CC_O));
        if (!w64)
            x_movsxd(a, RAX, RAX);
        dst(g, ip->rd, RAX);
        break;
    case FPK_FROM_INT: {
        int r = src(g, ip->rs1, RAX);
        if (op == VR_OP_FCVT_D_WU) {
            x_mov_rr(a, false, RAX, r);
            r = RAX;
        }
        x_sse_rr(a, pre, w64, SSE_CVTSI2, 0, r);
        fp_store_xmm0(g, ip->rd, dbl);
        emit_fs_dirty(g);
        break;
    }
    case FPK_SGNJ: {
        unsigned bit = dbl ? 63 : 31;
        if (!dbl) {
            fp_boxed(g, &c, ip, index, ip->rs1);
            fp_boxed(g, &c, ip, index, ip->rs2);
        }
        if (dbl)
            x_load64(a, RAX, RBX, FOFF(ip->rs1));
        else
            x_load32(a, RAX, RBX, FOFF(ip->rs1));
        bool x = op == VR_OP_FSGNJX_S || op == VR_OP_FSGNJX_D;
        bool n = op == VR_OP_FSGNJN_S || op == VR_OP_FSGNJN_D;
        if (ip->rs2 == ip->rs1) {
            /* fmv, fneg, fabs */
            if (n)
                x_bt_ri(a, 7, RAX, (uint8_t) bit);
            else if (x)
                x_bt_ri(a, 6, RAX, (uint8_t) bit);
        } else {
            if (dbl)
                x_load64(a, RCX, RBX, FOFF(ip->rs2));
            else
                x_load32(a, RCX, RBX, FOFF(ip->rs2));
            if (n)
                x_f7(a, dbl, 2, RCX);
            x_shift_ri(a, dbl, SH_SHR, RCX, (uint8_t) bit);
            x_shift_ri(a, dbl, SH_SHL, RCX, (uint8_t) bit);
            if (!x)
                x_bt_ri(a, 6, RAX, (uint8_t) bit);
            x_alu_rr(a, dbl, x ? ALU_XOR : ALU_OR, RAX, RCX);
        }
        fp_store_reg(g, ip->rd, RAX, dbl);
        emit_fs_dirty(g);
        break;
    }
    case FPK_MV_X: {
        int d = cached_rd(g, ip);
        int to = d >= 0 ? d : RAX;
        x_load_sized_mem(a, to, RBX, FOFF(ip->rs1), dbl ? 8 : 4, true);
        if (d >= 0)
            g->dirty |= 1u << ip->rd;
        else
            dst(g, ip->rd, RAX);
        break;
    }
    case FPK_MV_F: {
        fp_store_reg(g, ip->rd, src(g, ip->rs1, RAX), dbl);
        emit_fs_dirty(g);
        break;
    }
    }
    if (c)
        c->join = a->p;
    return true;
}

static void emit_store(Cg *g, const VrInsn *ip, unsigned index, unsigned size)
{
    int v = ip->rs2 != 0 ? g->host_of[ip->rs2] : -1;
    emit_store_value(g, ip, index, size, v, v < 0 && ip->rs2 != 0 ? XOFF(ip->rs2) : 0);
}

/* The call of vr_interp_one for ip, the guest registers in the hart (see emit_one); leaves
 * the jump taken when it did not finish the instruction. */
static uint8_t *emit_interp_call(Cg *g, const VrInsn *ip)
{
    X86 *a = &g->a;
    store_pinned(g);
    /* Counter CSRs read instret. */
    x_load64(a, RAX, RBX, OFF(jit_limit));
    x_alu_rr(a, true, ALU_SUB, RAX, BUDGET);
    x_store64(a, RBX, OFF(instret), RAX);
    x_mov_rr(a, true, RDI, RBX);
    x_mov_ri(a, RSI, (uint64_t) (uintptr_t) g->b);
    x_mov_ri(a, RDX, (uint64_t) (uintptr_t) ip);
    x_call_abs(a, (const void *) jit_interp_one);
    /* Pinned registers are current before any exit, which stores them. */
    restore_volatile(g);
    if (ip->rd != 0 && pinned(ip->rd) && !caller_saved(g->host_of[ip->rd]))
        x_load64(a, g->host_of[ip->rd], RBX, XOFF(ip->rd));
    x_alu_ri(a, false, ALU_CMP, RAX, VR_EXIT_ONE_DONE);
    return x_jcc(a, CC_NE);
}

/* An instruction the interpreter runs for compiled code (CSR, the rarer atomics and ALU
 * operations): the guest registers go back to the hart first, and the destination comes
 * back after. */
static void emit_one(Cg *g, const VrInsn *ip, unsigned index)
{
    write_back(g, g->dirty);
    g->dirty = 0;
    uint8_t *not_done = emit_interp_call(g, ip);
    /* It may have changed mstatus. */
    g->fs_on = g->fs_dirty = false;
    Cold *c = add_cold(g, COLD_ONE, index, not_done);
    c->join = g->a.p;
}

/* The AMOs compiled in line (emit_amo). */
static bool amo_in_line(VrOp op)
{
    return (op >= VR_OP_AMOSWAP_W && op <= VR_OP_AMOOR_W) ||
           (op >= VR_OP_AMOSWAP_D && op <= VR_OP_AMOOR_D);
}

/* An AMO on an address the write TLB maps: one locked x86 instruction (xchg, xadd, and/or/xor
 * with no result wanted), else a cmpxchg loop. On a miss (also a misaligned address, which the
 * probe's tag compare catches) vr_interp_one runs it, and raises its exception. */
static void emit_amo(Cg *g, const VrInsn *ip, unsigned index)
{
    X86 *a = &g->a;
    VrOp op = (VrOp) ip->kind;
    bool w = op >= VR_OP_AMOSWAP_D; /* 64 bits: REX.W */
    VrOp base = w ? op - (VR_OP_AMOSWAP_D - VR_OP_AMOSWAP_W) : op;
    VrInsn at = *ip;
    at.imm = 0;
    uint32_t dirty = g->dirty; /* as before the instruction, for the interpreter's run of it */
    int va;
    uint8_t *miss = emit_tlb_probe(g, &at, w ? 8 : 4, true, &va);
    /* rdx = the host address; rcx = rs2. */
    x_lea_sib(a, RDX, RAX, va, 0);
    src_into(g, ip->rs2, RCX);
    int old = RCX;
    if (base == VR_OP_AMOSWAP_W) {
        x_rm_mem(a, false, w, 0x87, -1, RCX, RDX); /* xchg [rdx], rcx */
    } else if (base == VR_OP_AMOADD_W) {
        x_rm_mem(a, true, w, 0x0f, 0xc1, RCX, RDX); /* lock xadd [rdx], rcx */
    } else {
        X86Alu alu = base == VR_OP_AMOAND_W ? ALU_AND : base == VR_OP_AMOOR_W ? ALU_OR : ALU_XOR;
        if (ip->rd == 0) {
            x_rm_mem(a, true, w, (alu << 3) | 1, -1, RCX, RDX); /* lock op [rdx], rcx */
        } else {
            /* rax = [rdx]; again: rsi = rax op rcx; lock cmpxchg [rdx], rsi */
            x_rm_mem(a, false, w, 0x8b, -1, RAX, RDX);
            uint8_t *again = a->p;
            x_mov_rr(a, true, RSI, RAX);
            x_alu_rr(a, w, alu, RSI, RCX);
            x_rm_mem(a, true, w, 0x0f, 0xb1, RSI, RDX);
            x_patch(x_jcc(a, CC_NE), again);
            old = RAX;
        }
    }
    if (ip->rd != 0) {
        if (!w)
            x_movsxd(a, old, old);
        dst(g, ip->rd, old);
    }
    Cold *c = add_cold(g, COLD_INTERP, index, miss);
    c->dirty = dirty;
    c->ip = ip;
    c->join = a->p;
}

/* Leaves with an illegal instruction exception at instruction `index`, whose bits are raw;
 * `dirty` as there. */
static void emit_illegal_exit(Cg *g, uint64_t raw, uint32_t dirty, unsigned index)
{
    x_mov_ri(&g->a, RAX, CAUSE_ILLEGAL_INSTRUCTION);
    x_store64(&g->a, RBX, OFF(jit_cause), RAX);
    x_mov_ri(&g->a, RAX, raw);
    x_store64(&g->a, RBX, OFF(jit_tval), RAX);
    write_back(g, dirty);
    exit_with(g, VR_JIT_EXIT_EXCEPTION, index);
}

static void emit_cold(Cg *g, const Cold *c)
{
    X86 *a = &g->a;
    x_patch(c->jump_rel, a->p);
    if (c->kind == COLD_ILLEGAL) {
        emit_illegal_exit(g, c->raw, c->dirty, c->index);
        return;
    }
    if (c->kind == COLD_FP) {
        /* The helper computes it as the interpreter would; an integer register it reads
         * goes to the hart first, one it writes comes back after. */
        const VrInsn *ip = c->ip;
        VrOp op = (VrOp) ip->kind;
        for (unsigned i = 0; i < c->n_more; i++)
            x_patch(c->more_rel[i], a->p);
        save_volatile(g, c->dirty);
        if (fp_reads_x(op) && ip->rs1 != 0 && g->host_of[ip->rs1] >= 0)
            x_store64(a, RBX, XOFF(ip->rs1), g->host_of[ip->rs1]);
        emit_fp_call(g, ip, fp_helpers[op]);
        x_test_rr(a, false, RAX, RAX);
        uint8_t *illegal = x_jcc(a, CC_NE);
        x_patch(x_jmp(a), c->join);
        x_patch(illegal, a->p);
        emit_illegal_exit(g, vr_insn_raw(g->b, ip), c->dirty, c->index);
        return;
    }
    if (c->kind == COLD_INTERP) {
        write_back(g, c->dirty);
        uint8_t *not_done = emit_interp_call(g, c->ip);
        x_patch(x_jmp(a), c->join);
        x_patch(not_done, a->p);
    }
    if (c->kind == COLD_ONE || c->kind == COLD_INTERP) {
        /* eax: VR_EXIT_ONE_EXCEPTION (cause and tval are in the hart) or VR_EXIT_ONE_STATE. */
        x_alu_ri(a, false, ALU_CMP, RAX, VR_EXIT_ONE_STATE);
        uint8_t *exc = x_jcc(a, CC_NE);
        exit_with(g, VR_JIT_EXIT_STATE, c->index);
        x_patch(exc, a->p);
        exit_with(g, VR_JIT_EXIT_EXCEPTION, c->index);
        return;
    }
    save_volatile(g, c->dirty);
    if (c->va_reg != RSI)
        x_mov_rr(a, true, RSI, c->va_reg);
    if (c->kind == COLD_LOAD) {
        x_mov_rr(a, true, RDI, RBX);
        x_mov_ri(a, RDX, c->size);
        x_lea(a, RCX, RBX, OFF(jit_value));
        x_call_abs(a, (const void *) jit_load_slow);
    } else {
        if (c->value_reg >= 0)
            x_mov_rr(a, true, RCX, c->value_reg);
        else if (c->value_off)
            x_load64(a, RCX, RBX, c->value_off);
        else
            x_alu_rr(a, false, ALU_XOR, RCX, RCX);
        x_mov_rr(a, true, RDI, RBX);
        x_mov_ri(a, RDX, c->size);
        x_call_abs(a, (const void *) jit_store_slow);
    }
    restore_volatile(g);
    x_test_rr(a, false, RAX, RAX);
    uint8_t *fault = x_jcc(a, CC_NE);
    if (c->kind == COLD_LOAD)
        x_load_sized_mem(a, c->value_reg, RBX, OFF(jit_value), c->size, c->sign);
    x_patch(x_jmp(a), c->join);
    x_patch(fault, a->p);
    x_mov_rr(a, false, RAX, RAX);
    x_store64(a, RBX, OFF(jit_cause), RAX);
    x_load64(a, RAX, RBX, OFF(fault_vaddr));
    x_store64(a, RBX, OFF(jit_tval), RAX);
    write_back(g, c->dirty);
    exit_with(g, VR_JIT_EXIT_EXCEPTION, c->index);
}

/* ALU_MUL: imul in place of an x86 ALU operation. */
#define ALU_MUL ((X86Alu) 8)

static bool commutative(X86Alu op)
{
    return op == ALU_ADD || op == ALU_XOR || op == ALU_OR || op == ALU_AND || op == ALU_MUL;
}

static void alu_op(Cg *g, X86Alu op, bool w64, int dst, int src)
{
    if (op == ALU_MUL)
        x_imul_rr(&g->a, w64, dst, src);
    else
        x_alu_rr(&g->a, w64, op, dst, src);
}

static void alu_rr(Cg *g, const VrInsn *ip, X86Alu op, bool w32)
{
    unsigned rs1 = ip->rs1, rs2 = ip->rs2;
    if (rs2 == ip->rd && rs1 != ip->rd && commutative(op))
        rs1 = ip->rs2, rs2 = ip->rs1;
    int d = cached_rd(g, ip);
    if (d >= 0 && (rs2 != ip->rd || rs1 == ip->rd)) {
        /* rd = rs1 op rs2 computed in rd's own register. */
        if (rs1 != ip->rd)
            src_into(g, rs1, d);
        int r2 = src(g, rs2, RCX);
        alu_op(g, op, !w32, d, r2);
        if (w32)
            x_movsxd(&g->a, d, d);
        g->dirty |= 1u << ip->rd;
        return;
    }
    src_into(g, rs1, RAX);
    int r2 = src(g, rs2, RCX);
    alu_op(g, op, !w32, RAX, r2);
    if (w32)
        x_movsxd(&g->a, RAX, RAX);
    dst(g, ip->rd, RAX);
}

/* For rd = f(rs1): the register to compute in, holding rs1 (rd's own when it is cached,
 * so that addi sp, sp, -16 stays one instruction), and the write of the result. */
static int unary_begin(Cg *g, const VrInsn *ip)
{
    int d = cached_rd(g, ip);
    int r = d >= 0 ? d : RAX;
    if (d < 0 || ip->rs1 != ip->rd)
        src_into(g, ip->rs1, r);
    return r;
}

static void unary_end(Cg *g, const VrInsn *ip, int r, bool w32)
{
    if (w32)
        x_movsxd(&g->a, r, r);
    if (r == RAX)
        dst(g, ip->rd, RAX);
    else
        g->dirty |= 1u << ip->rd;
}

static void alu_ri(Cg *g, const VrInsn *ip, X86Alu op, bool w32)
{
    int r = unary_begin(g, ip);
    x_alu_ri(&g->a, !w32, op, r, (int32_t) ip->imm);
    unary_end(g, ip, r, w32);
}

static void shift_ri(Cg *g, const VrInsn *ip, X86Shift op, bool w32)
{
    int r = unary_begin(g, ip);
    x_shift_ri(&g->a, !w32, op, r, (uint8_t) ip->imm);
    unary_end(g, ip, r, w32);
}

static void shift_rr(Cg *g, const VrInsn *ip, X86Shift op, bool w32)
{
    src_into(g, ip->rs2, RCX);
    src_into(g, ip->rs1, RAX);
    x_shift_cl(&g->a, !w32, op, RAX);
    if (w32)
        x_movsxd(&g->a, RAX, RAX);
    dst(g, ip->rd, RAX);
}

static void set_cc(Cg *g, const VrInsn *ip, int cc, bool imm)
{
    X86 *a = &g->a;
    int r1 = src(g, ip->rs1, RAX);
    if (imm) {
        x_alu_ri(a, true, ALU_CMP, r1, (int32_t) ip->imm);
    } else {
        int r2 = src(g, ip->rs2, RCX);
        x_alu_rr(a, true, ALU_CMP, r1, r2);
    }
    x_setcc(a, cc, RAX);
    x_movzx8(a, RAX, RAX);
    dst(g, ip->rd, RAX);
}

/* rax = rs1, rcx = rs2 for the two-operand helpers below. */
static void operands(Cg *g, const VrInsn *ip)
{
    src_into(g, ip->rs1, RAX);
    src_into(g, ip->rs2, RCX);
}

/* The check before a block runs: budget left (the interpreter's rule: a block starts while
 * one instruction of budget remains). Returns the jump taken otherwise. */
static uint8_t *emit_budget_check(Cg *g)
{
    x_test_rr(&g->a, true, BUDGET, BUDGET);
    return x_jcc(&g->a, CC_LE);
}

/* A jump back to the block's own start: a loop kept in compiled code, its guest registers
 * still in host registers. The entry's checks are made here instead; when one fails, the
 * loop leaves through link 0 as any jump would. */
static void emit_back_edge(Cg *g)
{
    X86 *a = &g->a;
    uint8_t *fail[2];
    unsigned n_fail = 1;
    fail[0] = emit_request_check(g);
    if (g->may_retire) {
        /* A store or an instruction run by the interpreter may have retired the block
         * itself; so may FENCE.I, but that leaves compiled code. */
        x_mov_ri(a, RCX, (uint64_t) (uintptr_t) &g->b->epoch);
        x_load32(a, RCX, RCX, 0);
        x_alu_rm(a, false, ALU_CMP, RCX, RBX, OFF(code_epoch));
        fail[n_fail++] = x_jcc(a, CC_NE);
    }
    /* The budget check of the entry, after the subtraction: the budget was positive when
     * it is still above -n. */
    int32_t n = (int32_t) g->b->n_insns;
    x_alu_ri(a, true, ALU_SUB, BUDGET, n);
    x_alu_ri(a, true, ALU_CMP, BUDGET, -n);
    x_patch(x_jcc(a, CC_G), g->body);
    x_alu_ri(a, true, ALU_ADD, BUDGET, n);
    for (unsigned i = 0; i < n_fail; i++)
        x_patch(fail[i], a->p);
    exit_jump(g, 0, g->b->vpc);
}

/* A conditional branch; returns whether it ends the block (a side exit does not). */
static bool emit_branch(Cg *g, const VrInsn *ip, unsigned index, int cc)
{
    X86 *a = &g->a;
    if (ip->rs1 == 0 && ip->rs2 != 0) {
        /* 0 against rs2 is rs2 against 0 with the operands swapped. */
        static const uint8_t swapped[16] = {[CC_E] = CC_E,   [CC_NE] = CC_NE, [CC_L] = CC_G,
                                            [CC_GE] = CC_LE, [CC_B] = CC_A,   [CC_AE] = CC_BE};
        int r2 = src(g, ip->rs2, RCX);
        x_test_rr(a, true, r2, r2);
        cc = swapped[cc];
    } else if (ip->rs2 == 0) {
        /* Against zero: test sets the flags cmp would (CF and OF clear). */
        int r1 = src(g, ip->rs1, RAX);
        x_test_rr(a, true, r1, r1);
    } else {
        int r1 = src(g, ip->rs1, RAX);
        int r2 = src(g, ip->rs2, RCX);
        x_alu_rr(a, true, ALU_CMP, r1, r2);
    }
    if (ip->rs3) {
        /* A side exit through link rs3: taken, it gives back the budget of the
         * instructions after it. x86 condition codes come in pairs that differ in bit 0. */
        uint8_t *stay = x_jcc(a, cc ^ 1);
        uint32_t dirty = g->dirty;
        unsigned rest = g->b->n_insns - index - 1;
        if (rest)
            x_alu_ri(a, true, ALU_ADD, BUDGET, (int32_t) rest);
        exit_jump(g, ip->rs3, (uint64_t) ip->imm);
        x_patch(stay, a->p);
        g->dirty = dirty;
        return false;
    }
    uint32_t dirty = g->dirty;
    if ((uint64_t) ip->imm == g->b->vpc) {
        /* A loop: the back edge in line, the way out after it. */
        uint8_t *out = x_jcc(a, cc ^ 1);
        emit_back_edge(g);
        x_patch(out, a->p);
        g->dirty = dirty;
        exit_jump(g, 1, g->b->end_vpc);
        return true;
    }
    uint8_t *taken = x_jcc(a, cc);
    exit_jump(g, 1, g->b->end_vpc);
    x_patch(taken, a->p);
    g->dirty = dirty;
    exit_jump(g, 0, (uint64_t) ip->imm);
    return true;
}

/* Division and remainder with RISC-V's answers where x86 would trap: by zero, the quotient
 * is all ones and the remainder the dividend; the most negative number divided by -1 gives
 * itself and remainder 0 (as x / -1 = -x and x % -1 = 0 do in two's complement). The W forms
 * work on the low 32 bits and sign-extend the result. */
static void emit_div(Cg *g, const VrInsn *ip, bool sign, bool rem, bool w32)
{
    X86 *a = &g->a;
    bool w = !w32;
    operands(g, ip);
    x_test_rr(a, w, RCX, RCX);
    uint8_t *by_zero = x_jcc(a, CC_E);
    uint8_t *by_minus_one = NULL;
    if (sign) {
        x_alu_ri(a, w, ALU_CMP, RCX, -1);
        by_minus_one = x_jcc(a, CC_E);
        if (w)
            x_u8(a, 0x48); /* cqo */
        x_u8(a, 0x99);     /* cdq */
        x_f7(a, w, 7, RCX);
    } else {
        x_alu_rr(a, false, ALU_XOR, RDX, RDX);
        x_f7(a, w, 6, RCX);
    }
    if (rem)
        x_mov_rr(a, true, RAX, RDX);
    uint8_t *done[2] = {x_jmp(a), NULL};
    if (sign) {
        x_patch(by_minus_one, a->p);
        if (rem)
            x_alu_rr(a, false, ALU_XOR, RAX, RAX);
        else
            x_f7(a, w, 3, RAX); /* neg */
        done[1] = x_jmp(a);
    }
    x_patch(by_zero, a->p);
    if (!rem)
        x_mov_ri(a, RAX, UINT64_MAX);
    for (unsigned i = 0; i < 2; i++)
        if (done[i])
            x_patch(done[i], a->p);
    if (w32)
        x_movsxd(a, RAX, RAX);
    dst(g, ip->rd, RAX);
}

/* Whether an operation ends the compiled code by handing the block to the interpreter. */
static bool leaves_to_interp(VrOp op)
{
    switch (op) {
    case VR_OP_ILLEGAL:
    case VR_OP_FENCE_I:
    case VR_OP_ECALL:
    case VR_OP_EBREAK:
    case VR_OP_MRET:
    case VR_OP_SRET:
    case VR_OP_WFI:
    case VR_OP_SFENCE_VMA: return true;
    default: return false;
    }
}

/* Whether an operation is compiled to host code (the rest run through vr_interp_one). */
static bool native(VrOp op)
{
    if (amo_in_line(op))
        return true;
    switch (op) {
    case VR_OP_NOP:
    case VR_OP_LI:
    case VR_OP_MV:
    case VR_OP_CONT:
    case VR_OP_JAL:
    case VR_OP_JALR:
    case VR_OP_BEQ:
    case VR_OP_BNE:
    case VR_OP_BLT:
    case VR_OP_BGE:
    case VR_OP_BLTU:
    case VR_OP_BGEU:
    case VR_OP_LB:
    case VR_OP_LH:
    case VR_OP_LW:
    case VR_OP_LD:
    case VR_OP_LBU:
    case VR_OP_LHU:
    case VR_OP_LWU:
    case VR_OP_SB:
    case VR_OP_SH:
    case VR_OP_SW:
    case VR_OP_SD:
    case VR_OP_FLW:
    case VR_OP_FLD:
    case VR_OP_FSW:
    case VR_OP_FSD:
    case VR_OP_ADDI:
    case VR_OP_SLTI:
    case VR_OP_SLTIU:
    case VR_OP_XORI:
    case VR_OP_ORI:
    case VR_OP_ANDI:
    case VR_OP_SLLI:
    case VR_OP_SRLI:
    case VR_OP_SRAI:
    case VR_OP_ADD:
    case VR_OP_SUB:
    case VR_OP_SLL:
    case VR_OP_SLT:
    case VR_OP_SLTU:
    case VR_OP_XOR:
    case VR_OP_SRL:
    case VR_OP_SRA:
    case VR_OP_OR:
    case VR_OP_AND:
    case VR_OP_ADDIW:
    case VR_OP_SLLIW:
    case VR_OP_SRLIW:
    case VR_OP_SRAIW:
    case VR_OP_ADDW:
    case VR_OP_SUBW:
    case VR_OP_SLLW:
    case VR_OP_SRLW:
    case VR_OP_SRAW:
    case VR_OP_MUL:
    case VR_OP_MULH:
    case VR_OP_MULHSU:
    case VR_OP_MULHU:
    case VR_OP_MULW:
    case VR_OP_DIV:
    case VR_OP_DIVU:
    case VR_OP_REM:
    case VR_OP_REMU:
    case VR_OP_DIVW:
    case VR_OP_DIVUW:
    case VR_OP_REMW:
    case VR_OP_REMUW:
    case VR_OP_FENCE:
    case VR_OP_ADD_UW:
    case VR_OP_SH1ADD:
    case VR_OP_SH2ADD:
    case VR_OP_SH3ADD:
    case VR_OP_SH1ADD_UW:
    case VR_OP_SH2ADD_UW:
    case VR_OP_SH3ADD_UW:
    case VR_OP_SLLI_UW:
    case VR_OP_ANDN:
    case VR_OP_ORN:
    case VR_OP_XNOR:
    case VR_OP_MAX:
    case VR_OP_MAXU:
    case VR_OP_MIN:
    case VR_OP_MINU:
    case VR_OP_SEXT_B:
    case VR_OP_SEXT_H:
    case VR_OP_ZEXT_H:
    case VR_OP_ROL:
    case VR_OP_ROR:
    case VR_OP_RORI:
    case VR_OP_REV8:
    case VR_OP_BCLR:
    case VR_OP_BCLRI:
    case VR_OP_BEXT:
    case VR_OP_BEXTI:
    case VR_OP_BINV:
    case VR_OP_BINVI:
    case VR_OP_BSET:
    case VR_OP_BSETI: return true;
    default: return false;
    }
}

/* Emits one instruction; returns whether it ended the block. */
static bool emit_insn(Cg *g, const VrInsn *ip, unsigned index)
{
    X86 *a = &g->a;
    VrOp op = (VrOp) ip->kind;
    if (fp_helpers[op]) {
        if (!emit_fp_fast(g, ip, index))
            emit_fp_helper(g, ip, index, fp_helpers[op]);
        return false;
    }
    if (!native(op)) {
        emit_one(g, ip, index);
        return false;
    }
    if (amo_in_line(op)) {
        emit_amo(g, ip, index);
        return false;
    }
    switch (op) {
    case VR_OP_NOP: break;
    case VR_OP_LI:
        if (ip->rd != 0 && ip->rd < 32 && g->host_of[ip->rd] >= 0) {
            x_mov_ri(a, g->host_of[ip->rd], (uint64_t) ip->imm);
            g->dirty |= 1u << ip->rd;
        } else {
            x_mov_ri(a, RAX, (uint64_t) ip->imm);
            dst(g, ip->rd, RAX);
        }
        break;
    case VR_OP_MV: dst(g, ip->rd, src(g, ip->rs1, RAX)); break;
    case VR_OP_CONT: exit_jump(g, 1, g->b->end_vpc); return true;
    case VR_OP_JAL:
        x_mov_ri(a, RAX, g->b->end_vpc);
        dst(g, ip->rd, RAX);
        if ((uint64_t) ip->imm == g->b->vpc)
            emit_back_edge(g);
        else
            exit_jump(g, 0, (uint64_t) ip->imm);
        return true;
    case VR_OP_JALR:
        src_into(g, ip->rs1, RAX);
        if (ip->imm)
            x_alu_ri(a, true, ALU_ADD, RAX, (int32_t) ip->imm);
        x_alu_ri(a, true, ALU_AND, RAX, -2);
        if (ip->rd != 0 && ip->rd != 32) {
            x_mov_ri(a, RCX, g->b->end_vpc);
            dst(g, ip->rd, RCX);
        }
        write_back(g, g->dirty);
        {
            uint8_t *request = emit_request_check(g);
            emit_jump_cache(g);
            emit_lookup_jump(g);
            x_patch(request, a->p);
        }
        x_store64(a, RBX, OFF(jit_pc), RAX);
        exit_with(g, VR_JIT_EXIT_INDIRECT, 0);
        return true;
    case VR_OP_BEQ: return emit_branch(g, ip, index, CC_E);
    case VR_OP_BNE: return emit_branch(g, ip, index, CC_NE);
    case VR_OP_BLT: return emit_branch(g, ip, index, CC_L);
    case VR_OP_BGE: return emit_branch(g, ip, index, CC_GE);
    case VR_OP_BLTU: return emit_branch(g, ip, index, CC_B);
    case VR_OP_BGEU: return emit_branch(g, ip, index, CC_AE);
    case VR_OP_LB: emit_load(g, ip, index, 1, true); break;
    case VR_OP_LH: emit_load(g, ip, index, 2, true); break;
    case VR_OP_LW: emit_load(g, ip, index, 4, true); break;
    case VR_OP_LD: emit_load(g, ip, index, 8, true); break;
    case VR_OP_LBU: emit_load(g, ip, index, 1, false); break;
    case VR_OP_LHU: emit_load(g, ip, index, 2, false); break;
    case VR_OP_LWU: emit_load(g, ip, index, 4, false); break;
    case VR_OP_SB: emit_store(g, ip, index, 1); break;
    case VR_OP_SH: emit_store(g, ip, index, 2); break;
    case VR_OP_SW: emit_store(g, ip, index, 4); break;
    case VR_OP_SD: emit_store(g, ip, index, 8); break;
    case VR_OP_FLW: emit_fp_load(g, ip, index, 4); break;
    case VR_OP_FLD: emit_fp_load(g, ip, index, 8); break;
    case VR_OP_FSW: emit_fp_store(g, ip, index, 4); break;
    case VR_OP_FSD: emit_fp_store(g, ip, index, 8); break;
    case VR_OP_ADDI: alu_ri(g, ip, ALU_ADD, false); break;
    case VR_OP_XORI: alu_ri(g, ip, ALU_XOR, false); break;
    case VR_OP_ORI: alu_ri(g, ip, ALU_OR, false); break;
    case VR_OP_ANDI: alu_ri(g, ip, ALU_AND, false); break;
    case VR_OP_ADDIW: alu_ri(g, ip, ALU_ADD, true); break;
    case VR_OP_SLTI: set_cc(g, ip, CC_L, true); break;
    case VR_OP_SLTIU: set_cc(g, ip, CC_B, true); break;
    case VR_OP_SLT: set_cc(g, ip, CC_L, false); break;
    case VR_OP_SLTU: set_cc(g, ip, CC_B, false); break;
    case VR_OP_SLLI: shift_ri(g, ip, SH_SHL, false); break;
    case VR_OP_SRLI: shift_ri(g, ip, SH_SHR, false); break;
    case VR_OP_SRAI: shift_ri(g, ip, SH_SAR, false); break;
    case VR_OP_RORI: shift_ri(g, ip, SH_ROR, false); break;
    case VR_OP_SLLIW: shift_ri(g, ip, SH_SHL, true); break;
    case VR_OP_SRLIW: shift_ri(g, ip, SH_SHR, true); break;
    case VR_OP_SRAIW: shift_ri(g, ip, SH_SAR, true); break;
    case VR_OP_SLL: shift_rr(g, ip, SH_SHL, false); break;
    case VR_OP_SRL: shift_rr(g, ip, SH_SHR, false); break;
    case VR_OP_SRA: shift_rr(g, ip, SH_SAR, false); break;
    case VR_OP_ROL: shift_rr(g, ip, SH_ROL, false); break;
    case VR_OP_ROR: shift_rr(g, ip, SH_ROR, false); break;
    case VR_OP_SLLW: shift_rr(g, ip, SH_SHL, true); break;
    case VR_OP_SRLW: shift_rr(g, ip, SH_SHR, true); break;
    case VR_OP_SRAW: shift_rr(g, ip, SH_SAR, true); break;
    case VR_OP_ADD: alu_rr(g, ip, ALU_ADD, false); break;
    case VR_OP_SUB: alu_rr(g, ip, ALU_SUB, false); break;
    case VR_OP_XOR: alu_rr(g, ip, ALU_XOR, false); break;
    case VR_OP_OR: alu_rr(g, ip, ALU_OR, false); break;
    case VR_OP_AND: alu_rr(g, ip, ALU_AND, false); break;
    case VR_OP_ADDW: alu_rr(g, ip, ALU_ADD, true); break;
    case VR_OP_SUBW: alu_rr(g, ip, ALU_SUB, true); break;
    case VR_OP_MUL: alu_rr(g, ip, ALU_MUL, false); break;
    case VR_OP_MULW: alu_rr(g, ip, ALU_MUL, true); break;
    case VR_OP_MULH:
    case VR_OP_MULHU:
        operands(g, ip);
        x_f7(a, true, op == VR_OP_MULH ? 5 : 4, RCX);
        dst(g, ip->rd, RDX);
        break;
    case VR_OP_MULHSU:
        /* The unsigned high half, less rs2 when rs1 is negative. */
        operands(g, ip);
        x_mov_rr(a, true, RSI, RAX);
        x_shift_ri(a, true, SH_SAR, RSI, 63);
        x_alu_rr(a, true, ALU_AND, RSI, RCX);
        x_f7(a, true, 4, RCX);
        x_alu_rr(a, true, ALU_SUB, RDX, RSI);
        dst(g, ip->rd, RDX);
        break;
    case VR_OP_DIV: emit_div(g, ip, true, false, false); break;
    case VR_OP_DIVU: emit_div(g, ip, false, false, false); break;
    case VR_OP_REM: emit_div(g, ip, true, true, false); break;
    case VR_OP_REMU: emit_div(g, ip, false, true, false); break;
    case VR_OP_DIVW: emit_div(g, ip, true, false, true); break;
    case VR_OP_DIVUW: emit_div(g, ip, false, false, true); break;
    case VR_OP_REMW: emit_div(g, ip, true, true, true); break;
    case VR_OP_REMUW: emit_div(g, ip, false, true, true); break;
    case VR_OP_FENCE:
        if (ip->rm)
            x_mfence(a);
        break;
    case VR_OP_ADD_UW:
        operands(g, ip);
        x_mov_rr(a, false, RAX, RAX);
        x_alu_rr(a, true, ALU_ADD, RAX, RCX);
        dst(g, ip->rd, RAX);
        break;
    case VR_OP_SH1ADD:
    case VR_OP_SH2ADD:
    case VR_OP_SH3ADD:
    case VR_OP_SH1ADD_UW:
    case VR_OP_SH2ADD_UW:
    case VR_OP_SH3ADD_UW: {
        static const int scale[] = {
            [VR_OP_SH1ADD] = 1,    [VR_OP_SH2ADD] = 2,    [VR_OP_SH3ADD] = 3,
            [VR_OP_SH1ADD_UW] = 1, [VR_OP_SH2ADD_UW] = 2, [VR_OP_SH3ADD_UW] = 3,
        };
        operands(g, ip);
        if (op >= VR_OP_SH1ADD_UW)
            x_mov_rr(a, false, RAX, RAX);
        x_lea_sib(a, RAX, RCX, RAX, scale[op]);
        dst(g, ip->rd, RAX);
        break;
    }
    case VR_OP_SLLI_UW: {
        int r = unary_begin(g, ip);
        x_mov_rr(a, false, r, r);
        x_shift_ri(a, true, SH_SHL, r, (uint8_t) ip->imm);
        unary_end(g, ip, r, false);
        break;
    }
    case VR_OP_ANDN:
    case VR_OP_ORN:
        operands(g, ip);
        x_f7(a, true, 2, RCX);
        x_alu_rr(a, true, op == VR_OP_ANDN ? ALU_AND : ALU_OR, RAX, RCX);
        dst(g, ip->rd, RAX);
        break;
    case VR_OP_XNOR:
        operands(g, ip);
        x_alu_rr(a, true, ALU_XOR, RAX, RCX);
        x_f7(a, true, 2, RAX);
        dst(g, ip->rd, RAX);
        break;
    case VR_OP_MAX:
    case VR_OP_MAXU:
    case VR_OP_MIN:
    case VR_OP_MINU: {
        /* rax = rs1; take rs2 when rs1 is the worse one. */
        int cc = op == VR_OP_MAX ? CC_L : op == VR_OP_MAXU ? CC_B : op == VR_OP_MIN ? CC_G : CC_A;
        operands(g, ip);
        x_alu_rr(a, true, ALU_CMP, RAX, RCX);
        x_cmov(a, cc, RAX, RCX);
        dst(g, ip->rd, RAX);
        break;
    }
    case VR_OP_SEXT_B:
    case VR_OP_SEXT_H:
    case VR_OP_ZEXT_H: {
        /* movsx r64, r8 / movsx r64, r16 / movzx r32, r16 */
        int r = unary_begin(g, ip);
        x_0f_rr(a, op != VR_OP_ZEXT_H,
                op == VR_OP_SEXT_B   ? 0xbe
                : op == VR_OP_SEXT_H ? 0xbf
                                     : 0xb7,
                r, r, false);
        unary_end(g, ip, r, false);
        break;
    }
    case VR_OP_REV8: {
        int r = unary_begin(g, ip);
        x_bswap(a, r);
        unary_end(g, ip, r, false);
        break;
    }
    case VR_OP_BSET:
    case VR_OP_BCLR:
    case VR_OP_BINV:
        operands(g, ip);
        x_0f_rr(a, true, op == VR_OP_BSET ? 0xab : op == VR_OP_BCLR ? 0xb3 : 0xbb, RCX, RAX, false);
        dst(g, ip->rd, RAX);
        break;
    case VR_OP_BSETI:
    case VR_OP_BCLRI:
    case VR_OP_BINVI: {
        int r = unary_begin(g, ip);
        x_bt_ri(a, op == VR_OP_BSETI ? 5 : op == VR_OP_BCLRI ? 6 : 7, r, (uint8_t) ip->imm);
        unary_end(g, ip, r, false);
        break;
    }
    case VR_OP_BEXT:
        operands(g, ip);
        x_shift_cl(a, true, SH_SHR, RAX);
        x_alu_ri(a, false, ALU_AND, RAX, 1);
        dst(g, ip->rd, RAX);
        break;
    case VR_OP_BEXTI: {
        int r = unary_begin(g, ip);
        x_shift_ri(a, true, SH_SHR, r, (uint8_t) ip->imm);
        x_alu_ri(a, false, ALU_AND, r, 1);
        unary_end(g, ip, r, false);
        break;
    }
    default: g_assert_not_reached();
    }
    return false;
}

enum {
    USES_RD = 1,
    USES_RS1 = 2,
    USES_RS2 = 4,
};

/* Which register fields a compiled operation reads or writes. */
static unsigned operand_fields(VrOp op)
{
    switch (op) {
    case VR_OP_NOP:
    case VR_OP_CONT:
    case VR_OP_FENCE: return 0;
    case VR_OP_LI:
    case VR_OP_JAL: return USES_RD;
    case VR_OP_FLW:
    case VR_OP_FLD:
    case VR_OP_FSW:
    case VR_OP_FSD: return USES_RS1;
    case VR_OP_BEQ:
    case VR_OP_BNE:
    case VR_OP_BLT:
    case VR_OP_BGE:
    case VR_OP_BLTU:
    case VR_OP_BGEU:
    case VR_OP_SB:
    case VR_OP_SH:
    case VR_OP_SW:
    case VR_OP_SD: return USES_RS1 | USES_RS2;
    case VR_OP_MV:
    case VR_OP_JALR:
    case VR_OP_LB:
    case VR_OP_LH:
    case VR_OP_LW:
    case VR_OP_LD:
    case VR_OP_LBU:
    case VR_OP_LHU:
    case VR_OP_LWU:
    case VR_OP_ADDI:
    case VR_OP_SLTI:
    case VR_OP_SLTIU:
    case VR_OP_XORI:
    case VR_OP_ORI:
    case VR_OP_ANDI:
    case VR_OP_SLLI:
    case VR_OP_SRLI:
    case VR_OP_SRAI:
    case VR_OP_ADDIW:
    case VR_OP_SLLIW:
    case VR_OP_SRLIW:
    case VR_OP_SRAIW:
    case VR_OP_SLLI_UW:
    case VR_OP_SEXT_B:
    case VR_OP_SEXT_H:
    case VR_OP_ZEXT_H:
    case VR_OP_RORI:
    case VR_OP_REV8:
    case VR_OP_BCLRI:
    case VR_OP_BEXTI:
    case VR_OP_BINVI:
    case VR_OP_BSETI: return USES_RD | USES_RS1;
    default: return USES_RD | USES_RS1 | USES_RS2;
    }
}

/* Chooses the guest registers the block keeps in host registers: the most used ones. */
static void allocate(Cg *g, unsigned n_slots, bool loops)
{
    unsigned uses[33] = {0};
    for (unsigned i = 0; i < n_slots; i++) {
        const VrInsn *ip = &g->b->insns[i];
        if (!native((VrOp) ip->kind))
            continue;
        unsigned f = operand_fields((VrOp) ip->kind);
        if (f & USES_RS1)
            uses[ip->rs1]++;
        if (f & USES_RS2)
            uses[ip->rs2]++;
        if (f & USES_RD)
            uses[ip->rd]++;
    }
    uses[0] = uses[32] = 0;
    for (unsigned r = 0; r < 33; r++)
        g->host_of[r] = -1;
    for (unsigned i = 0; i < N_PINNED; i++) {
        g->host_of[pinned_guest[i]] = pinned_host[i];
        uses[pinned_guest[i]] = 0;
    }
    /* A register used once is worth a register only in a loop, where its load is made once
     * before the body. */
    unsigned min_uses = loops ? 1 : 2;
    for (unsigned k = 0; k < N_CACHE; k++) {
        unsigned best = 0;
        for (unsigned r = 1; r < 32; r++)
            if (uses[r] > uses[best])
                best = r;
        if (uses[best] < min_uses)
            break;
        g->host_of[best] = cache_regs[k];
        uses[best] = 0;
    }
    g->written = 0;
    g->may_retire = false;
    /* Registers written before any read, in the order the block runs (an instruction reads
     * before it writes). Another instruction run through a call reads the hart's copy,
     * which is current for a register not yet loaded or written. */
    uint32_t seen = 0;
    g->written_first = 0;
    for (unsigned i = 0; i < n_slots; i++) {
        const VrInsn *ip = &g->b->insns[i];
        VrOp op = (VrOp) ip->kind;
        unsigned f = native(op) ? operand_fields(op) : 0;
        if (f & USES_RS1)
            seen |= 1u << ip->rs1;
        if (f & USES_RS2)
            seen |= 1u << ip->rs2;
        if (!native(op)) {
            /* Called out: it reads the hart's copy, or writes one that is reloaded. An FP
             * operation on the host FPU reads its integer operand's host register. */
            if (fp_helpers[op] && fp_reads_x(op))
                seen |= 1u << ip->rs1;
            if (fp_helpers[op] ? fp_writes_x[op] : true)
                seen |= ip->rd < 32 ? 1u << ip->rd : 0;
            continue;
        }
        if ((f & USES_RD) && ip->rd < 32 && !(seen & (1u << ip->rd)))
            g->written_first |= 1u << ip->rd;
        if ((f & USES_RD) && ip->rd < 32)
            seen |= 1u << ip->rd;
    }
    for (unsigned i = 0; i < n_slots; i++) {
        VrOp op = (VrOp) g->b->insns[i].kind;
        /* FP helpers only compute. */
        if ((!native(op) && !fp_helpers[op]) || (op >= VR_OP_SB && op <= VR_OP_SD) ||
            op == VR_OP_FSW || op == VR_OP_FSD || amo_in_line(op))
            g->may_retire = true;
        /* An FP operation on the host FPU leaves its integer result in rd's host register. */
        bool writes_rd =
            native(op) ? (operand_fields(op) & USES_RD) != 0 : fp_helpers[op] && fp_writes_x[op];
        if (!writes_rd)
            continue;
        unsigned rd = g->b->insns[i].rd;
        if (rd != 0 && rd < 32 && g->host_of[rd] >= 0)
            g->written |= 1u << rd;
    }
}

bool vr_jit_compile(VrHart *h, VrBlock *b)
{
    VrJit *jit = h->cache.jit;
    /* The compiled part: up to and including the instruction that ends the block, or up
     * to the first one the interpreter must run in its place. */
    unsigned n_slots = 0;
    bool to_interp = false;
    for (;; n_slots++) {
        VrOp op = (VrOp) b->insns[n_slots].kind;
        if (leaves_to_interp(op)) {
            to_interp = true;
            break;
        }
        if (op == VR_OP_CONT || op == VR_OP_JAL || op == VR_OP_JALR ||
            (op >= VR_OP_BEQ && op <= VR_OP_BGEU && !b->insns[n_slots].rs3)) {
            n_slots++;
            break;
        }
    }
    if (n_slots == 0) {
        b->jit_failed = true;
        return false;
    }
    if (jit->used + BLOCK_CODE_MAX > jit->size) {
        h->cache.flush_pending = true;
        return false;
    }

    Cg *g = g_new0(Cg, 1);
    g->jit = jit;
    g->b = b;
    VrJitBlock *jb = cache_alloc(jit, sizeof(VrJitBlock));
    memset(jb, 0, sizeof(*jb));
    jb->block = b;
    memset(jb->tries, CHAIN_TRIES, sizeof(jb->tries));
    g->jb = jb;
    g->a.p = jit->rw + jit->used;
    uint8_t *start = g->a.p;
    X86 *a = &g->a;
    const VrInsn *last = &b->insns[n_slots - 1];
    bool loops = !to_interp && last->kind != VR_OP_JALR && last->kind != VR_OP_CONT &&
                 (uint64_t) last->imm == b->vpc;
    allocate(g, n_slots, loops);

    /* Entry: the budget allows a block (requests are for the jumps to check, see
     * emit_request_check). Jumps come here only from blocks of the current code epoch
     * (FENCE.I unchains everything; retiring a block unchains the jumps to it), so the code
     * is current. */
    g->entry_fail_rel = emit_budget_check(g);
    x_alu_ri(a, true, ALU_SUB, BUDGET, (int32_t) b->n_insns);
    /* A register the block writes before it reads needs no load, except in a loop, which
     * comes back to the body with the last round's values. */
    for (unsigned r = 1; r < 32; r++)
        if (g->host_of[r] >= 0 && !pinned(r) && (loops || !(g->written_first & (1u << r))))
            x_load64(a, g->host_of[r], RBX, XOFF(r));
    /* A loop comes back here with registers the last round wrote still unsaved: count them
     * all as unsaved from the start. */
    g->body = a->p;
    g->dirty = loops ? g->written : 0;

    bool ended = false;
    for (unsigned i = 0; i < n_slots && !ended; i++)
        ended = emit_insn(g, &b->insns[i], i);
    if (!ended) {
        g_assert(to_interp);
        write_back(g, g->dirty);
        exit_with(g, VR_JIT_EXIT_INTERP, n_slots);
    }

    x_patch(g->entry_fail_rel, a->p);
    exit_with(g, VR_JIT_EXIT_ENTRY, 0);
    for (unsigned i = 0; i < g->n_cold; i++)
        emit_cold(g, &g->cold[i]);

    size_t code_len = (size_t) (a->p - start);
    g_assert(code_len <= BLOCK_CODE_MAX);
    jit->used += (code_len + 15) & ~(size_t) 15;
    jb->entry = to_rx(jit, start);
    memcpy(jb->exit_rel, g->exit_rel, sizeof(jb->exit_rel));
    memcpy(jb->ic_pc, g->ic_pc, sizeof(jb->ic_pc));
    memcpy(jb->xpage_addend, g->xpage_addend, sizeof(jb->xpage_addend));
    b->jit = jb;
    jit->n_compiled++;
    static const char *dump_dir;
    static gsize dump_once;
    if (g_once_init_enter(&dump_once)) {
        dump_dir = g_getenv("VIREO_JIT_DUMP");
        g_once_init_leave(&dump_once, 1);
    }
    if (dump_dir) {
        /* A developer's view of the code: objdump -D -b binary -m i386:x86-64 FILE */
        g_autofree char *name =
            g_strdup_printf("%s/%016" PRIx64 "-%p.bin", dump_dir, b->vpc, (void *) jb->entry);
        g_file_set_contents(name, (const char *) start, (gssize) code_len, NULL);
    }
    if (jit->perf_map) {
        fprintf(jit->perf_map, "%" PRIxPTR " %zx vireo-guest:%#" PRIx64 "\n", (uintptr_t) jb->entry,
                code_len, b->vpc);
        fflush(jit->perf_map);
    }
    g_free(g);
    return true;
}

void vr_jit_cache_usage(const VrJit *jit, size_t *size, size_t *used)
{
    *size = jit ? jit->size : 0;
    *used = jit ? jit->used : 0;
}
