/* What boards see of a machine. */
#ifndef VR_MACHINE_PRIVATE_H
#define VR_MACHINE_PRIVATE_H

#include "riscv/riscv.h"
#include "vr-clock.h"
#include "vr-iothread.h"
#include "vr-machine.h"
#include "vr-memory.h"

typedef struct VrBoardOps {
    void (*free)(void *board);
    /* Loads what boots and puts every hart at its entry: at creation and at each reset. */
    bool (*boot)(VrMachine *m, void *board, GError **error);
    /* Devices back to their power-on state (harts are stopped meanwhile). */
    void (*reset)(void *board);
    size_t (*console_input)(void *board, const uint8_t *data, size_t len);
    /* The console buffer has room again. */
    void (*console_tx_ready)(void *board);
} VrBoardOps;

struct VrMachine {
    VrMachineConfig cfg;
    VrAddressSpace *as;
    VrClock clock;
    VrHart **harts;
    unsigned n_harts;
    VrIoThread *io;

    const VrBoardOps *board_ops;
    void *board;

    /* Life cycle, under lock. */
    GMutex lock;
    GCond cond;
    VrMachineState state;
    VrMachineResult result;
    GThread **threads;
    unsigned running_threads;
    unsigned parked;
    unsigned holds; /* internal requests that keep the harts parked (a reset) */

    /* Console bytes from the guest, under console_lock. */
    GMutex console_lock;
    uint8_t *console_buf;
    size_t console_head, console_count;
    bool console_refused; /* a byte was refused: tell the board when there is room */

    /* Events for the caller, under event_lock. */
    GMutex event_lock;
    GQueue events;
    bool console_event_pending;
    GSource *event_source;
    VrMachineEventFn event_fn;
    void *event_data;
};

/* Boards call these from device callbacks (any thread). */
void vr_machine_finish(VrMachine *m, VrEnd end, unsigned code);
/* A guest asks for a reboot: done soon on the I/O thread. */
void vr_machine_request_reset(VrMachine *m);
/* Console output; returns false when the buffer is full (try again after console_tx_ready). */
bool vr_machine_console_put(VrMachine *m, uint8_t byte);
/* An error for the user, e.g. a disk that failed. */
void vr_machine_report_error(VrMachine *m, const char *message);

#endif
