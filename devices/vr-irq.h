/* An interrupt line from a device to whatever it is wired to (a hart, the PLIC). */
#ifndef VR_IRQ_H
#define VR_IRQ_H

#include <stdbool.h>

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

#endif
