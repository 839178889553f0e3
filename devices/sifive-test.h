/* The virt board's test finisher (SiFive test device): guests write it to power off with
 * a status, or to reset. */
#ifndef VR_SIFIVE_TEST_H
#define VR_SIFIVE_TEST_H

#include <stdint.h>

#include "vr-device.h"
#include "vr-memory.h"

#define VR_SIFIVE_TEST_SIZE 0x1000

typedef enum {
    VR_FINISH_PASS,
    VR_FINISH_FAIL,
    VR_FINISH_RESET,
} VrFinish;

typedef void (*VrFinishFn)(void *opaque, VrFinish what, unsigned code);

typedef struct VrSifiveTest VrSifiveTest;

VrSifiveTest *vr_sifive_test_new(VrFinishFn finish, void *opaque);
const VrMmioOps *vr_sifive_test_ops(void);
/* The finisher has no state of its own: reset, save and load have nothing to do. */
VrDevice *vr_sifive_test_device(VrSifiveTest *t);

#endif
