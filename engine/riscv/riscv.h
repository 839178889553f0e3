/* A RISC-V 64 hart (RV64GC + Zba/Zbb/Zbs, M/S/U modes, Sv39/48/57, PMP), executed by
 * Vireo's interpreter. The public face used by boards, tools and tests. */
#ifndef VR_RISCV_H
#define VR_RISCV_H

#include <glib.h>
#include <stdbool.h>
#include <stdint.h>

#include "vr-clock.h"
#include "vr-cpu.h"
#include "vr-memory.h"

typedef struct VrHart VrHart;

/* How a hart executes guest code: the interpreter alone, or the interpreter with hot blocks
 * compiled to host code (x86-64 hosts only). */
typedef enum {
    VR_ACCEL_INTERP = 0,
    VR_ACCEL_JIT = 1,
} VrAccel;

/* Whether this build and host can run the JIT tier. */
bool vr_jit_supported(void);
/* The tier a new hart gets: VIREO_ACCEL from the environment ("interp" or "jit") when set
 * and valid, else the JIT where supported, else the interpreter. */
VrAccel vr_accel_default(void);
const char *vr_accel_name(VrAccel accel);
/* Parses "interp" or "jit"; false for anything else. */
bool vr_accel_parse(const char *name, VrAccel *accel);

VrHart *vr_hart_new(VrAddressSpace *as, VrClock *clock, unsigned hartid);
void vr_hart_free(VrHart *h);

/* The hart as a CPU of the machine (its VrCpu operations), and back. */
VrCpu *vr_hart_cpu(VrHart *h);
VrHart *vr_hart_from_cpu(VrCpu *cpu);
/* The hart's timer compare (mtimecmp) for a CLINT: the CLINT gives the register its address,
 * the hart compares it with the time at its block boundaries. */
VrTimerCmp vr_hart_timer_cmp(VrHart *h);

/* Architectural reset: M-mode, pc = reset_pc, CSRs at their reset values. */
void vr_hart_reset(VrHart *h, uint64_t reset_pc);

/* Runs up to about max_insns instructions (interrupts taken as they come). */
VrRunResult vr_hart_run(VrHart *h, uint64_t max_insns);
/* Executes exactly one instruction (or takes one pending interrupt or exception). */
void vr_hart_step(VrHart *h);
/* Sleeps until an enabled interrupt is pending, the timer fires, a kick, or deadline_ns
 * (host monotonic) passes. */
void vr_hart_wait_for_interrupt(VrHart *h, int64_t deadline_ns);

/* Thread-safe: make vr_hart_run return soon, and wake the hart from WFI. */
void vr_hart_kick(VrHart *h);
/* Thread-safe: raise or lower an interrupt line (an IRQ_* number) in mip. */
void vr_hart_set_irq(VrHart *h, unsigned irq, bool level);

/* The ACLINT's per-hart timer compare (thread-safe). */
uint64_t vr_hart_get_mtimecmp(VrHart *h);
void vr_hart_set_mtimecmp(VrHart *h, uint64_t value);

/* State access for loaders, debuggers and tests. x0 reads 0 and ignores writes. */
uint64_t vr_hart_get_pc(const VrHart *h);
void vr_hart_set_pc(VrHart *h, uint64_t pc);
uint64_t vr_hart_get_x(const VrHart *h, unsigned reg);
void vr_hart_set_x(VrHart *h, unsigned reg, uint64_t value);
uint64_t vr_hart_get_f(const VrHart *h, unsigned reg);
void vr_hart_set_f(VrHart *h, unsigned reg, uint64_t value);
unsigned vr_hart_get_priv(const VrHart *h);
void vr_hart_set_priv(VrHart *h, unsigned priv);
/* Debugger access to any CSR, bypassing privilege checks; false for no such CSR. */
bool vr_hart_csr_read(VrHart *h, unsigned csr, uint64_t *value);
bool vr_hart_csr_write(VrHart *h, unsigned csr, uint64_t value);
uint64_t vr_hart_instret(const VrHart *h);
unsigned vr_hart_id(const VrHart *h);

/* Chooses the execution tier; a JIT request on a host without the JIT runs the interpreter
 * (vr_hart_get_accel says which one runs). Safe between runs only. */
void vr_hart_set_accel(VrHart *h, VrAccel accel);
VrAccel vr_hart_get_accel(const VrHart *h);
/* Entries into a block before the JIT compiles it (at least 1; 16 unless VIREO_JIT_THRESHOLD
 * says otherwise). Tests use 1 to compile everything at once. */
void vr_hart_set_jit_threshold(VrHart *h, unsigned entries);
/* The JIT's counters: blocks compiled and code cache resets since the hart was made. */
void vr_hart_jit_stats(const VrHart *h, uint64_t *compiled, uint64_t *resets);
/* The JIT's code cache: its fixed size and the bytes in use (both zero on the interpreter). */
void vr_hart_jit_cache_usage(const VrHart *h, size_t *size, size_t *used);

/* Drops every decoded block (code was replaced behind the hart's back, e.g. by a loader). */
void vr_hart_flush_code(VrHart *h);

#endif
