/* The JIT tier: hot decoded blocks compiled to x86-64 code, entered from the interpreter's
 * block cache. Internal to the hart. */
#ifndef VR_JIT_H
#define VR_JIT_H

#include <stddef.h>
#include <stdint.h>

typedef struct VrHart VrHart;
typedef struct VrBlock VrBlock;
typedef struct VrJit VrJit;

/* How compiled code handed control back (vr_jit_run's result, kind | index << 8). */
typedef enum {
    VR_JIT_EXIT_ENTRY,     /* block jit_block was not entered: budget, request or stale code */
    VR_JIT_EXIT_JUMP,      /* left through link `index` (VrBlock.link) for jit_pc */
    VR_JIT_EXIT_INDIRECT,  /* computed jump to jit_pc */
    VR_JIT_EXIT_EXCEPTION, /* instruction `index` traps with jit_cause, jit_tval */
    VR_JIT_EXIT_INTERP,    /* the interpreter goes on at instruction `index` */
    VR_JIT_EXIT_STATE,     /* instruction `index` retired and changed state: leave after it */
} VrJitExitKind;

/* Creates or drops the hart's code cache (h->cache.jit). */
void vr_jit_init(VrHart *h);
void vr_jit_destroy(VrHart *h);
/* Forgets every compiled block; the code cache starts empty. */
void vr_jit_reset(VrJit *jit);
/* Compiles b (decoded, live); false when it cannot be (b->jit stays NULL). A full code
 * cache asks the block cache to empty itself at its next lookup. */
bool vr_jit_compile(VrHart *h, VrBlock *b);
/* Runs compiled block b and the compiled blocks chained after it. h->instret and
 * h->jit_limit must hold the interpreter's count and limit; on return h->jit_block is the
 * block the exit came from. */
uint32_t vr_jit_run(VrHart *h, VrBlock *b);
/* from's link `slot` leads to `to`, both compiled: jump there directly from now on. */
void vr_jit_chain(VrHart *h, VrBlock *from, unsigned slot, VrBlock *to);
/* Counters (zero without a code cache). */
void vr_jit_stats(const VrJit *jit, uint64_t *compiled, uint64_t *resets);
/* The code cache's fixed size and the bytes of it in use (zero without a code cache). */
void vr_jit_cache_usage(const VrJit *jit, size_t *size, size_t *used);
/* A new code epoch (FENCE.I): every compiled jump between blocks goes back to its exit, so
 * that blocks of older epochs are checked against memory before they run again. */
void vr_jit_unchain_all(VrJit *jit);
/* Block b is retired: compiled jumps into it go back to their exits. */
void vr_jit_block_retired(VrJit *jit, VrBlock *b);

#endif
