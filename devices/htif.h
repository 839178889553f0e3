/* The riscv-tests host interface: a program reports its result, prints and calls a few
 * host services through the `tohost`/`fromhost` words in its own memory. */
#ifndef VR_HTIF_H
#define VR_HTIF_H

#include <stddef.h>
#include <stdint.h>

#include "vr-memory.h"

typedef struct VrHtif {
    VrAddressSpace *as;
    uint64_t tohost, fromhost; /* guest physical addresses; fromhost 0 when absent */
    /* exit_code is 0 for a pass, else the failing test number */
    void (*exit)(void *opaque, unsigned exit_code);
    void (*output)(void *opaque, const uint8_t *data, size_t len);
    void *opaque;
} VrHtif;

/* Watches guest writes to tohost. */
void vr_htif_attach(VrHtif *htif);

#endif
