/* The SiFive-compatible CLINT (ACLINT MSWI + MTIMER): per-hart software interrupts,
 * timer compare registers, and mtime at 10 MHz. */
#ifndef VR_ACLINT_H
#define VR_ACLINT_H

#include "vr-clock.h"
#include "vr-device.h"
#include "vr-irq.h"
#include "vr-memory.h"

#define VR_ACLINT_SIZE 0x10000

typedef struct VrAclint VrAclint;

/* msip[i] is hart i's machine software interrupt line, timers[i] its timer compare register
 * (both arrays of n_harts, copied). */
VrAclint *vr_aclint_new(unsigned n_harts, VrClock *clock, const VrIrq *msip,
                        const VrTimerCmp *timers);
void vr_aclint_free(VrAclint *c);
const VrMmioOps *vr_aclint_ops(void);
VrDevice *vr_aclint_device(VrAclint *c);

#endif
