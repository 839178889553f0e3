/* A CPU as the machine's run loop sees it. The RISC-V hart is one implementation; other
 * CPU models (a KVM vCPU, a JIT tier) plug in beside it through the same operations.
 *
 * Threads: run and wait_for_interrupt are called from the CPU's own thread; kick and set_irq
 * from any thread; reset, dump_registers, save and load only while the CPU is stopped. */
#ifndef VR_CPU_H
#define VR_CPU_H

#include <glib.h>
#include <stdbool.h>
#include <stdint.h>

#include "vr-irq.h"
#include "vr-state.h"

typedef enum {
    VR_RUN_BUDGET,  /* ran the instructions it was given */
    VR_RUN_REQUEST, /* another thread asked it to stop (kick) */
    VR_RUN_WFI,     /* waiting for an interrupt */
} VrRunResult;

typedef struct VrCpu VrCpu;

typedef struct VrCpuOps {
    const char *arch; /* "riscv64" */
    /* Runs up to about max_insns instructions. */
    VrRunResult (*run)(VrCpu *cpu, uint64_t max_insns);
    /* Sleeps until an interrupt is pending, a kick, or deadline_ns (host monotonic). */
    void (*wait_for_interrupt)(VrCpu *cpu, int64_t deadline_ns);
    /* Makes run return soon and wakes wait_for_interrupt. */
    void (*kick)(VrCpu *cpu);
    /* Raises or lowers one of the CPU's interrupt inputs (architecture numbering). */
    void (*set_irq)(VrCpu *cpu, unsigned line, bool level);
    /* Back to the power-on state. */
    void (*reset)(VrCpu *cpu);
    /* Registers as text, for monitors and error reports. */
    void (*dump_registers)(VrCpu *cpu, GString *out);
    void (*save)(VrCpu *cpu, VrStateWriter *w);
    bool (*load)(VrCpu *cpu, VrStateReader *r);
    void (*free)(VrCpu *cpu);
} VrCpuOps;

struct VrCpu {
    const VrCpuOps *ops;
    unsigned index;
};

/* An interrupt line into one of cpu's inputs, for interrupt controllers. */
VrIrq vr_cpu_irq(VrCpu *cpu, unsigned line);

#endif
