/* What boards see of a machine. */
#ifndef VR_MACHINE_PRIVATE_H
#define VR_MACHINE_PRIVATE_H

#include "riscv/riscv.h"
#include "vr-clock.h"
#include "vr-machine.h"
#include "vr-memory.h"

struct VrMachine {
    VrMachineConfig cfg;
    VrAddressSpace *as;
    VrClock clock;
    VrHart **harts;
    unsigned n_harts;
    GThread **threads;

    /* The board's devices and state, freed by board_free. */
    void *board;
    void (*board_free)(void *board);

    GMutex lock;
    GCond cond;
    VrMachineState state;
    VrMachineResult result;
    unsigned running_threads;

    VrConsoleFn console;
    void *console_opaque;
    size_t (*console_input)(void *board, const uint8_t *data, size_t len);
};

/* Boards call these from device callbacks (any thread). */
void vr_machine_finish(VrMachine *m, VrEnd end, unsigned code);
void vr_machine_console_output(VrMachine *m, const uint8_t *data, size_t len);

/* engine/boards/riscv64-virt.c */
bool vr_riscv64_virt_build(VrMachine *m, GError **error);

#endif
