/* Wires between devices and CPUs: an interrupt line from a device to whatever it is wired to
 * (a CPU's interrupt input, the PLIC), and a CPU's local timer compare register as a timer
 * device (a CLINT) reaches it. */
#ifndef VR_IRQ_H
#define VR_IRQ_H

#include <stdbool.h>
#include <stdint.h>

typedef struct VrIrq {
    void (*set)(void *opaque, unsigned line, bool level);
    void *opaque;
    unsigned line;
} VrIrq;

static inline void vr_irq_set(const VrIrq *irq, bool level)
{
    if (irq && irq->set)
        irq->set(irq->opaque, irq->line, level);
}

/* A compare register: the CPU raises its timer interrupt while the time is at or past it. */
typedef struct VrTimerCmp {
    uint64_t (*get)(void *opaque);
    void (*set)(void *opaque, uint64_t value);
    void *opaque;
} VrTimerCmp;

#endif
