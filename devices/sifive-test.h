/* The virt board's test finisher (SiFive test device): guests write it to power off with
 * a status, or to reset. */
#ifndef VR_SIFIVE_TEST_H
#define VR_SIFIVE_TEST_H

#include <stdint.h>

#include "vr-memory.h"

#define VR_SIFIVE_TEST_SIZE 0x1000

typedef enum {
    VR_FINISH_PASS,
    VR_FINISH_FAIL,
    VR_FINISH_RESET,
} VrFinish;

typedef void (*VrFinishFn)(void *opaque, VrFinish what, unsigned code);

typedef struct VrSifiveTest {
    VrFinishFn finish;
    void *opaque;
} VrSifiveTest;

const VrMmioOps *vr_sifive_test_ops(void);

#endif
