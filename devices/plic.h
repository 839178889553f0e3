/* The SiFive PLIC: wired interrupt sources routed to an M-mode and an S-mode context per
 * hart, as QEMU virt and Linux's sifive-plic driver expect. */
#ifndef VR_PLIC_H
#define VR_PLIC_H

#include "vr-device.h"
#include "vr-irq.h"
#include "vr-memory.h"

#define VR_PLIC_NUM_SOURCES   96 /* source 0 is reserved */
#define VR_PLIC_SIZE(n_harts) (0x200000 + 0x1000 * 2 * (n_harts))

typedef struct VrPlic VrPlic;

/* contexts[c] is the interrupt line of context c (2 * hart: M-mode, 2 * hart + 1: S-mode);
 * n_contexts lines, copied. */
VrPlic *vr_plic_new(unsigned n_contexts, const VrIrq *contexts);
void vr_plic_free(VrPlic *p);
void vr_plic_reset(VrPlic *p);
VrDevice *vr_plic_device(VrPlic *p);
const VrMmioOps *vr_plic_ops(void);
/* An interrupt line into the PLIC for source (1 .. VR_PLIC_NUM_SOURCES - 1). */
VrIrq vr_plic_irq(VrPlic *p, unsigned source);

#endif
