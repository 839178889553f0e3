/* The SiFive-compatible CLINT (ACLINT MSWI + MTIMER): per-hart software interrupts,
 * timer compare registers, and mtime at 10 MHz. */
#ifndef VR_ACLINT_H
#define VR_ACLINT_H

#include "riscv/riscv.h"
#include "vr-memory.h"

#define VR_ACLINT_SIZE 0x10000

typedef struct VrAclint VrAclint;

VrAclint *vr_aclint_new(VrHart **harts, unsigned n_harts, VrClock *clock);
void vr_aclint_free(VrAclint *c);
const VrMmioOps *vr_aclint_ops(void);

#endif
