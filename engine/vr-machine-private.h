/* What boards see of a machine. */
#ifndef VR_MACHINE_PRIVATE_H
#define VR_MACHINE_PRIVATE_H

#include "vr-clock.h"
#include "vr-cpu.h"
#include "vr-device.h"
#include "vr-iothread.h"
#include "vr-machine.h"
#include "vr-memory.h"
#include "riscv/riscv.h"

typedef struct VrBoardOps {
    void (*free)(void *board);
    /* Loads what boots and puts every CPU at its entry: at creation (not when the machine is
     * restored from a state file) and after each reset, once the CPUs and devices are back in
     * their power-on state. */
    bool (*boot)(VrMachine *m, void *board, GError **error);
    size_t (*console_input)(void *board, const uint8_t *data, size_t len); /* len may be 0 */
    /* The console buffer has room again. */
    void (*console_tx_ready)(void *board);
    /* Optional: asks the guest to shut down (presses its power button); an error says why
     * the guest cannot be asked. The machine is running. */
    bool (*request_shutdown)(void *board, GError **error);
    /* Optional: puts the image at path (NULL: none) in the CD drive of disk index (a CD drive
     * of the configuration), checking it first; op_lock held. */
    bool (*change_cd)(void *board, unsigned index, const char *path, GError **error);
} VrBoardOps;

struct VrMachine {
    VrMachineConfig cfg;
    VrAddressSpace *as;
    VrClock clock;
    VrCpu **cpus;
    unsigned n_cpus;
    GPtrArray *devices; /* VrDevice, in the order the board added them */
    VrIoThread *io;

    const VrBoardOps *board_ops;
    void *board;

    /* The screen, set by the board when cfg.display: the virtio-gpu device and the input
     * devices (owned by their transports, freed with the machine). */
    struct VrVirtioDevice *gpu;
    struct VrVirtioDevice *input[VR_INPUT_N];
    /* The network card, set by the board when cfg.net; its backend is closed before the I/O
     * thread stops. */
    struct VrVirtioDevice *net;
    /* The sound card, set by the board when cfg.sound; its backend and thread stop before
     * the I/O thread. */
    struct VrVirtioDevice *sound;
    char *renderer_note;

    /* Life cycle, under lock. */
    GMutex lock;
    GCond cond;
    VrMachineState state;
    VrMachineResult result;
    GThread **threads;
    unsigned running_threads;
    unsigned parked;
    unsigned holds; /* internal requests that keep the harts parked (a reset) */
    /* Taken by whatever rebuilds or reads the whole machine state (reset, saving): one at a
     * time. Taken before lock. */
    GMutex op_lock;
    unsigned resets_in_progress; /* under op_lock; never above 1 */
    /* Devices were left quiesced by a save of the paused machine (under op_lock): nothing
     * they do may change the guest's disks or RAM until it resumes. */
    bool devices_quiesced;
    uint64_t resets_done;
    /* The next boot waits in the firmware's menu rather than booting (under op_lock while a
     * reset runs; the board clears it when it boots). */
    bool firmware_menu;
    /* cfg.disks' paths and eject_on_reboot flags: changed under op_lock and media_lock
     * (taken after it), read under either. */
    GMutex media_lock;

    /* Console bytes from the guest, under console_lock. */
    GMutex console_lock;
    uint8_t *console_buf;
    size_t console_head, console_count;
    bool console_refused; /* a byte was refused: tell the board when there is room */

    /* Events for the caller, under event_lock. */
    GMutex event_lock;
    GQueue events;
    bool console_event_pending;
    bool console_input_event_pending;
    bool display_event_pending;
    GSource *event_source;
    VrMachineEventFn event_fn;
    void *event_data;
};

/* A machine built but not booted: nothing loaded, CPUs at their reset state (for restoring). */
VrMachine *vr_machine_new_unbooted(const VrMachineConfig *cfg, GError **error);

/* Boards call these while building the machine. The machine frees them when it is freed
 * (devices in the reverse order of adding, after the CPUs and the I/O thread stopped). */
void vr_machine_add_cpu(VrMachine *m, VrCpu *cpu);
void vr_machine_add_device(VrMachine *m, VrDevice *dev, const char *name);

/* Boards call these from device callbacks (any thread). */
void vr_machine_finish(VrMachine *m, VrEnd end, unsigned code);
/* A guest asks for a reboot: done soon on the I/O thread. */
void vr_machine_request_reset(VrMachine *m);
/* Console output; returns false when the buffer is full (try again after console_tx_ready). */
bool vr_machine_console_put(VrMachine *m, uint8_t byte);
/* The console device has room for keyboard bytes it refused before (any thread): posts
 * VR_EVENT_CONSOLE_INPUT_READY. */
void vr_machine_console_input_room(VrMachine *m);
/* The screen has a new frame (any thread): posts VR_EVENT_DISPLAY_UPDATED unless one is
 * pending. */
void vr_machine_display_updated(VrMachine *m);
/* An error for the user, e.g. a disk that failed. */
void vr_machine_report_error(VrMachine *m, const char *message);
/* Posts VR_EVENT_NET_CHANGED. Any thread. */
void vr_machine_post_net_changed(VrMachine *m);

/* vr-machine.c: stops every CPU thread and holds it parked (with op_lock taken first), then
 * lets them go again. Returns whether the machine was running. */
void vr_machine_hold(VrMachine *m);
void vr_machine_release(VrMachine *m);
/* Lets the devices work again after a save left them quiesced (op_lock held). */
void vr_machine_unquiesce_devices(VrMachine *m);

/* The hart tier for a machine's accel (the default resolved by vr_accel_default()); a JIT asked
 * for on a host without one is said once on standard error (the hart then interprets). */
VrAccel vr_machine_hart_accel(VrMachineAccel accel);

#endif
