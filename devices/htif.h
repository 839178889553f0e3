/* The riscv-tests host interface: a program reports its result, prints and calls a few
 * host services through the `tohost`/`fromhost` words in its own memory. */
#ifndef VR_HTIF_H
#define VR_HTIF_H

#include <stddef.h>
#include <stdint.h>

#include "vr-device.h"
#include "vr-memory.h"

typedef struct VrHtif {
    VrDevice dev;
    VrAddressSpace *as;
    uint64_t tohost, fromhost; /* guest physical addresses; fromhost 0 when absent */
    /* exit_code is 0 for a pass, else the failing test number */
    void (*exit)(void *opaque, unsigned exit_code);
    void (*output)(void *opaque, const uint8_t *data, size_t len);
    void *opaque;
    bool attached;
} VrHtif;

/* An HTIF not yet attached to any address; the caller fills in as and the callbacks, and
 * frees it with its device's free. */
VrHtif *vr_htif_new(void);
/* Watches guest writes to tohost (once; later calls change nothing). */
void vr_htif_attach(VrHtif *htif);
VrDevice *vr_htif_device(VrHtif *htif);

#endif
