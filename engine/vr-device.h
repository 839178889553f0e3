/* A device as the machine sees it: something with a name that can be reset, saved, loaded and
 * freed. A board registers each device it builds with vr_machine_add_device; reset, teardown
 * and state files walk that list, so no device is forgotten by any of them.
 *
 * Embed VrDevice in the device's own struct and point ops at a static table. */
#ifndef VR_DEVICE_H
#define VR_DEVICE_H

#include <stdbool.h>

#include "vr-state.h"

typedef struct VrDevice VrDevice;

typedef struct VrDeviceOps {
    /* Back to the power-on state. The CPUs are stopped meanwhile. */
    void (*reset)(VrDevice *dev);
    /* Optional: finish the work in flight (disk requests, timers about to fire) and start no
     * new work until unquiesce, so that save sees a state that stands still. CPUs stopped. */
    void (*quiesce)(VrDevice *dev);
    void (*unquiesce)(VrDevice *dev);
    /* Writes the device's state (payload of its section; quiesced). */
    void (*save)(VrDevice *dev, VrStateWriter *w);
    /* Reads what save wrote into a device built from the same configuration, before the
     * machine first runs. A value the device cannot take is refused through
     * vr_state_reader_invalid; returns false then. The device is left quiesced, as it was
     * saved: it must not depend on guest RAM here (RAM sections come after the devices'),
     * and the machine calls unquiesce once every section, RAM included, is restored. */
    bool (*load)(VrDevice *dev, VrStateReader *r);
    /* Frees the device (after the CPUs and the I/O thread have stopped). */
    void (*free)(VrDevice *dev);
} VrDeviceOps;

struct VrDevice {
    const VrDeviceOps *ops;
    /* Set by vr_machine_add_device: unique in its machine ("clint", "uart0", "virtio-mmio2"). */
    char *name;
    /* The board added this device after state files existed: a state file without its
     * section is still restored, with the device left in its power-on state (its guest never
     * saw it, so it never drove it). Set by the board, after vr_machine_add_device. */
    bool optional_in_state;
};

#endif
