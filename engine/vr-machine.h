/* A virtual machine: its board, harts and devices, and the threads that run them.
 * Callers drive it through requests (start, pause, resume, power off) and learn how it
 * ended from vr_machine_wait(). */
#ifndef VR_MACHINE_H
#define VR_MACHINE_H

#include <glib.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct VrMachine VrMachine;

typedef struct VrMachineConfig {
    char *arch; /* "riscv64" */
    unsigned cpus;
    uint64_t memory; /* bytes */
    char *bios;      /* firmware path, "none", or NULL for the board's default */
    char *kernel;
    char *initrd;
    char *append;
} VrMachineConfig;

void vr_machine_config_init(VrMachineConfig *cfg);
void vr_machine_config_clear(VrMachineConfig *cfg);

typedef enum {
    VR_MACHINE_CREATED,
    VR_MACHINE_RUNNING,
    VR_MACHINE_PAUSED,
    VR_MACHINE_STOPPED,
} VrMachineState;

/* How a finished machine ended. */
typedef enum {
    VR_END_NONE,      /* still running */
    VR_END_POWER_OFF, /* the guest powered off, or passed (tohost = 1, finisher pass) */
    VR_END_FAILED,    /* the guest reported failure (tohost odd, finisher fail) */
    VR_END_STOPPED,   /* vr_machine_power_off() */
} VrEnd;

typedef struct VrMachineResult {
    VrEnd end;
    unsigned code; /* the failing test number or failure code */
} VrMachineResult;

/* Bytes the guest writes to its console. Called from machine threads. */
typedef void (*VrConsoleFn)(void *opaque, const uint8_t *data, size_t len);

VrMachine *vr_machine_new(const VrMachineConfig *cfg, GError **error);
void vr_machine_free(VrMachine *m);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(VrMachine, vr_machine_free)

void vr_machine_set_console(VrMachine *m, VrConsoleFn fn, void *opaque);
/* Queues keyboard bytes for the guest's console; returns how many were taken. */
size_t vr_machine_console_input(VrMachine *m, const uint8_t *data, size_t len);

bool vr_machine_start(VrMachine *m, GError **error);
void vr_machine_pause(VrMachine *m);
void vr_machine_resume(VrMachine *m);
void vr_machine_power_off(VrMachine *m);
VrMachineState vr_machine_get_state(VrMachine *m);

/* Waits until the machine stops or timeout_us passes (negative: no limit); returns
 * whether it stopped, filling *result. */
bool vr_machine_wait(VrMachine *m, int64_t timeout_us, VrMachineResult *result);

/* For monitors and tests. */
unsigned vr_machine_n_harts(VrMachine *m);
struct VrHart *vr_machine_hart(VrMachine *m, unsigned i);

/* Parses a memory size: a number with an optional K, M, G or T suffix (optionally followed
 * by "iB" or "B"); a bare number is MiB. */
bool vr_parse_size(const char *text, uint64_t *bytes, GError **error);

#endif
