/* The hart's internals, shared by the decoder, the interpreter, the MMU and the CSRs. */
#ifndef VR_HART_H
#define VR_HART_H

#include <stdatomic.h>

#include "riscv.h"
#include "riscv-defs.h"

#define likely(x)   __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)

#define VR_PAGE_BITS 12
#define VR_PAGE_SIZE (1ULL << VR_PAGE_BITS)
#define VR_PAGE_MASK (~(VR_PAGE_SIZE - 1))

/* Software TLB: direct-mapped, one set of tables per translation regime (mmu index). A hit
 * is one compare: the tag holds the page's virtual address, and its low bits are zero, so
 * an access misaligned for its size never hits and takes the slow path. */
#define VR_TLB_BITS    8
#define VR_TLB_SIZE    (1u << VR_TLB_BITS)
#define VR_TLB_INVALID (~(uint64_t) 0)

typedef struct VrTlbEntry {
    uint64_t tag;
    uintptr_t addend; /* host address = guest virtual address + addend */
} VrTlbEntry;

typedef struct VrTlb {
    VrTlbEntry read[VR_TLB_SIZE];
    VrTlbEntry write[VR_TLB_SIZE];
    VrTlbEntry exec[VR_TLB_SIZE];
} VrTlb;

/* Translation regimes: the privilege the access is made with, and SUM for S-mode. */
enum {
    VR_MMU_U = 0,
    VR_MMU_S = 1,
    VR_MMU_S_SUM = 2,
    VR_MMU_M = 3,
    VR_MMU_COUNT = 4,
};

/* The TLBs of the regimes that translate (U, S, S_SUM), filled under one satp value (mode,
 * ASID and root): a satp write selects the set of the new value instead of flushing, so a
 * return to an address space finds its translations. Keying by the whole satp, not only
 * the ASID, keeps a root reused under the same ASID from seeing the old root's entries. */
#define VR_TLB_SETS    8
#define VR_TLB_NO_SATP (~(uint64_t) 0) /* no legal satp: a set that holds nothing yet */

typedef struct VrTlbSet {
    VrTlb tlb[VR_MMU_M];
    uint64_t satp;
    uint64_t last_used; /* the hart's tlb_switches when it was last selected */
    /* Virtual range covering every entry of the set that came from a superpage: a flush of
     * one address inside it must drop them all. Empty when lo > hi. */
    uint64_t superpage_lo, superpage_hi;
    bool filled; /* entries may be valid */
} VrTlbSet;

typedef enum {
    VR_ACCESS_READ = 0,
    VR_ACCESS_WRITE = 1,
    VR_ACCESS_EXEC = 2,
} VrAccess;

/* A decoded instruction. `op` is the interpreter's handler for it, `kind` its VrOp. */
typedef struct VrInsn {
    const void *op;
    int64_t imm;
    uint8_t rd, rs1, rs2, rs3;
    uint8_t len;     /* 2 or 4 */
    uint8_t rm;      /* FP rounding mode field; for CSR ops, whether the CSR is written */
    uint16_t pc_off; /* offset of this instruction from the block's first */
    uint16_t kind;
} VrInsn;

/* A block's links: the taken jump, the fall-through and up to four side exits. */
#define VR_BLOCK_LINKS 6

/* A decoded block: straight-line code within one guest page, ended by a control transfer,
 * an instruction that may change how later code runs, or the page's end. Blocks are found
 * by (virtual pc, host address of the code); the JIT will hang its code on `jit`. */
typedef struct VrBlock VrBlock;
struct VrBlock {
    uint64_t vpc;
    const uint8_t *host;
    uint64_t end_vpc; /* pc after the last instruction */
    /* Successors in the same page: [0] taken/jump target, [1] fallthrough, then one per
     * side exit (a forward conditional branch inside the block, see vr_decode_block). */
    VrBlock *link[VR_BLOCK_LINKS];
    VrBlock *hash_next;
    VrBlock *page_next; /* live blocks decoded from the same guest page */
    uint32_t epoch;     /* code epoch at which `bytes` last matched guest memory */
    uint16_t n_insns;   /* instructions retired by running the whole block */
    uint16_t n_bytes;
    bool cached;          /* false for the scratch block, which is never linked */
    bool jit_failed;      /* the JIT declined it */
    uint16_t hits;        /* entries counted towards compiling it */
    void *jit;            /* compiled code (struct VrJitBlock), or NULL */
    const uint8_t *bytes; /* the guest code as decoded */
    VrInsn insns[];
};

/* The instruction's bits as decoded (for an illegal instruction's tval). */
static inline uint64_t vr_insn_raw(const VrBlock *b, const VrInsn *ip)
{
    const uint8_t *p = b->bytes + ip->pc_off;
    uint64_t v = (uint64_t) p[0] | ((uint64_t) p[1] << 8);
    if (ip->len == 4)
        v |= ((uint64_t) p[2] << 16) | ((uint64_t) p[3] << 24);
    return v;
}

#define VR_BLOCK_MAX_INSNS  64
#define VR_BLOCK_DEAD_EPOCH UINT32_MAX

typedef struct VrBlockCache {
    uint8_t *arena;
    size_t arena_size;
    size_t arena_used;
    VrBlock **table; /* hash buckets over (vpc, host) */
    unsigned table_bits;
    VrBlock *jump[1u << 12]; /* direct-mapped by vpc */
    uint64_t n_blocks;
    uint64_t n_flushes;
    /* Host address of each guest page holding live blocks -> its first block. Stores by
     * this hart to such a page take the slow path and retire the blocks they overwrite. */
    GHashTable *code_pages;
    struct VrJit *jit;  /* compiled code for these blocks, while the JIT tier runs */
    bool flush_pending; /* empty the cache at the next lookup (the code cache is full) */
} VrBlockCache;

#define VR_JUMP_CACHE_BITS 12

typedef struct VrPmp {
    uint8_t cfg[16];
    uint64_t addr[16];
    /* Decoded: [lo, hi) per entry, hi == 0 for an entry that is off. */
    uint64_t lo[16], hi[16];
    bool any_active;
    bool any_locked;
    /* Per access type and privilege, the last range found where one entry decides alone
     * (empty when lo > hi), with its answer. */
    struct {
        uint64_t lo, hi;
        bool allowed;
    } window[3][4];
} VrPmp;

struct VrHart {
    VrCpu cpu;
    /* Hot state first. x[32] absorbs writes whose destination is x0. */
    uint64_t x[33];
    uint64_t f[32];
    uint64_t pc;
    uint64_t instret; /* retired instructions, counted at block entry */
    atomic_int exit_request;
    /* Between compiled code and the interpreter (jit/jit.h). */
    uint64_t jit_limit; /* the interpreter's limit on instret */
    int64_t jit_budget; /* instructions left before it: instret = jit_limit - jit_budget */
    uint64_t jit_pc;
    uint64_t jit_cause, jit_tval;
    VrBlock *jit_block;
    uint64_t jit_value; /* a slow-path load's result */
    unsigned priv;
    VrTlb *tlb_data;  /* the regime loads and stores use now */
    VrTlb *tlb_fetch; /* the regime instruction fetch uses now */
    unsigned mmu_data;
    unsigned mmu_fetch;
    uint32_t fflags;
    uint32_t frm;
    uint32_t code_epoch;

    /* CSRs */
    uint64_t mstatus;
    uint64_t medeleg, mideleg;
    uint64_t mie;
    _Atomic uint64_t mip;       /* bits software writes: SSIP, STIP, SEIP */
    _Atomic uint64_t irq_lines; /* bits devices drive: MSIP, MTIP, MEIP, SEIP */
    uint64_t mtvec, stvec;
    uint64_t mscratch, sscratch;
    uint64_t mepc, sepc;
    uint64_t mcause, scause;
    uint64_t mtval, stval;
    uint64_t mcounteren, scounteren;
    uint64_t mcountinhibit;
    uint64_t menvcfg, senvcfg;
    uint64_t satp;
    int64_t mcycle_offset;   /* mcycle = instret + offset */
    int64_t minstret_offset; /* minstret = instret + offset */
    uint64_t mcycle_frozen, minstret_frozen;
    _Atomic uint64_t mtimecmp;
    VrPmp pmp;

    /* The address a failing slow-path access reports in tval. */
    uint64_t fault_vaddr;

    /* LR/SC reservation */
    uint64_t resv_addr; /* VR_TLB_INVALID when none */
    uint64_t resv_value;
    unsigned resv_size;

    /* Translation. M-mode accesses are never translated: their TLB outlives satp. */
    VrTlb tlb_m;
    VrTlbSet tlb_sets[VR_TLB_SETS];
    VrTlbSet *tlb_set; /* the set of the current satp */
    uint64_t tlb_switches;
    uint64_t tlb_walks; /* page-table walks started */
    /* The RAM region the hart's walks and slow paths met last (size 0: none), dropped with
     * the TLB, which holds host addresses too. */
    uint64_t ram_base, ram_size;
    uint8_t *ram_host;

    VrBlockCache cache;

    /* Waking from WFI */
    GMutex wait_lock;
    GCond wait_cond;
    bool waiting;

    unsigned hartid;
    VrAccel accel;
    unsigned jit_threshold; /* entries into a block before the JIT compiles it */
    VrAddressSpace *as;
    VrClock *clock;
    /* A one-instruction block for single-stepping and instructions that straddle pages. */
    union {
        VrBlock block;
        uint8_t space[sizeof(VrBlock) + 2 * sizeof(VrInsn)];
    } scratch;
    uint8_t scratch_bytes[4];
};

/* hart-cpu.c */
const VrCpuOps *vr_hart_cpu_ops(void);

/* interp.c */
typedef enum {
    VR_EXIT_BUDGET,
    VR_EXIT_REQUEST, /* exit_request was set */
    VR_EXIT_WFI,
    VR_EXIT_STATE, /* something changed that may unmask an interrupt */
    /* vr_interp_one: */
    VR_EXIT_ONE_DONE,      /* the instruction retired */
    VR_EXIT_ONE_EXCEPTION, /* it traps with jit_cause and jit_tval (not yet raised) */
    VR_EXIT_ONE_STATE,     /* it retired and changed state: leave the block after it */
} VrExit;
/* Runs until *budget instructions have been spent (a trap costs one) or something needs
 * the run loop's attention; *budget is left with what remains. */
VrExit vr_interp(VrHart *h, int64_t *budget, bool single_step);
/* Runs instruction ip of block b alone, for compiled code: ip must be one that neither
 * jumps nor leaves the block (an FP, CSR, atomic or ALU operation). */
VrExit vr_interp_one(VrHart *h, const VrBlock *b, const VrInsn *ip);
/* The interpreter's handler for each VrOp, for the decoder. */
const void *const *vr_interp_ops(void);

/* decode.c */
#include "ops.h"
/* Decodes the block starting at b->vpc, whose code is at host (avail bytes to the page
 * end). Returns how many VrInsn slots it filled (the fall-through pseudo-instruction
 * included); b->n_bytes is 0 when the first instruction straddles the page end. */
unsigned vr_decode_block(VrHart *h, VrBlock *b, const uint8_t *host, unsigned avail);
/* Decodes one instruction into *insn; returns its length, 0 when bytes run short. */
unsigned vr_decode_insn(VrInsn *insn, const uint8_t *code, unsigned avail, uint64_t pc,
                        bool *ends_block);

/* block.c */
void vr_block_cache_init(VrBlockCache *c);
void vr_block_cache_destroy(VrBlockCache *c);
void vr_block_cache_flush(VrBlockCache *c);
/* Finds or decodes the block at h->pc; NULL after raising a fetch exception. */
VrBlock *vr_block_lookup(VrHart *h);
/* Whether the guest page at host_page holds live decoded blocks. */
bool vr_block_cache_is_code_page(VrBlockCache *c, const uint8_t *host_page);
/* The hart stored to [host, host + size): blocks decoded from those bytes are retired. */
void vr_block_cache_code_written(VrBlockCache *c, const uint8_t *host, unsigned size);
/* The instruction at h->pc alone, in the hart's scratch block (never cached or linked);
 * NULL after raising a fetch exception. */
VrBlock *vr_block_fetch_single(VrHart *h);

/* mmu.c */
/* Translates for an access of `size` bytes. On success fills *paddr and returns 0; else
 * returns the exception cause (the caller raises it with tval = vaddr). */
int vr_mmu_translate(VrHart *h, uint64_t vaddr, VrAccess access, unsigned mmu_idx, uint64_t *paddr,
                     bool *cacheable);
/* The TLB of one regime under the current satp. */
static inline VrTlb *vr_tlb_of(VrHart *h, unsigned mmu_idx)
{
    return mmu_idx == VR_MMU_M ? &h->tlb_m : &h->tlb_set->tlb[mmu_idx];
}
/* Empties every set and forgets their satp values (a new hart). */
void vr_tlb_init(VrHart *h);
/* Every set, and M-mode's TLB. */
void vr_tlb_flush_all(VrHart *h);
/* SFENCE.VMA: the page of vaddr (or every page when !has_vaddr) in the sets of one ASID
 * (or of all when !has_asid). */
void vr_tlb_fence(VrHart *h, bool has_vaddr, uint64_t vaddr, bool has_asid, unsigned asid);
void vr_hart_update_mmu_idx(VrHart *h);
bool vr_pmp_check(VrHart *h, uint64_t paddr, unsigned size, VrAccess access, unsigned priv);
void vr_pmp_update(VrHart *h);

/* Slow paths of loads, stores and fetch; they return 0 or an exception cause, with the
 * address to report in h->fault_vaddr. */
int vr_load_slow(VrHart *h, uint64_t vaddr, unsigned size, uint64_t *value);
int vr_store_slow(VrHart *h, uint64_t vaddr, unsigned size, uint64_t value);
/* Host pointer for an aligned atomic access (write permission), or 0 + cause. */
int vr_atomic_ptr(VrHart *h, uint64_t vaddr, unsigned size, bool for_store, void **host);
/* Host pointer to the code page holding vaddr; returns 0 or an exception cause. Only the
 * bytes at vaddr are checked: *whole_page (may be NULL) says whether PMP lets the whole
 * page be fetched from, so that blocks may be decoded from it. */
int vr_fetch_page(VrHart *h, uint64_t vaddr, const uint8_t **host_page, bool *whole_page);

/* csr.c */
/* Executes a CSR access; returns 0 or CAUSE_ILLEGAL_INSTRUCTION. *changed is set when the
 * write may unmask interrupts or change translation. */
int vr_csr_access(VrHart *h, unsigned csr, uint64_t *value, uint64_t wdata, uint64_t wmask,
                  bool do_read, bool do_write, unsigned insn_index_in_block, unsigned block_insns,
                  bool *changed);
uint64_t vr_hart_read_mstatus(const VrHart *h);
uint64_t vr_hart_time(const VrHart *h);

/* trap.c */
void vr_hart_trap(VrHart *h, uint64_t cause, uint64_t tval, uint64_t epc);
/* Takes the highest-priority pending and enabled interrupt, if any; returns whether it did. */
bool vr_hart_take_interrupt(VrHart *h);
/* mip & mie, as interrupts that could wake WFI. */
uint64_t vr_hart_pending_interrupts(VrHart *h);
void vr_hart_update_timer_irq(VrHart *h);
uint64_t vr_hart_mret(VrHart *h);
uint64_t vr_hart_sret(VrHart *h);

static inline void vr_hart_set_priv_internal(VrHart *h, unsigned priv)
{
    h->priv = priv;
    vr_hart_update_mmu_idx(h);
}

#endif
