/* Machine folders and their machine.ini. */
#ifndef VR_MACHINE_CONFIG_H
#define VR_MACHINE_CONFIG_H

#include "vr-machine.h"

/* Reads machine.ini at path into cfg, on top of what cfg holds. */
bool vr_machine_config_load_file(VrMachineConfig *cfg, const char *path, GError **error);
/* machine.ini of a machine folder given as a path (the folder or its machine.ini) or as the
 * name of a folder in the library. */
char *vr_machine_config_find(const char *name_or_path, GError **error);
/* "serial" or "virtio": which device is the console. */
bool vr_parse_console(const char *text, bool *virtio);
/* "none" or "gpu": whether the machine has a screen (VrMachineConfig.display). */
bool vr_parse_display(const char *text, bool *gpu);
/* "interp" or "jit": the execution tier (VrMachineConfig.accel, --accel, [machine] accel). */
bool vr_parse_accel(const char *text, VrMachineAccel *accel);
/* --net's value: "none", or "user" followed by any of ",restrict=on|off", ",mac=ADDRESS"
 * and ",hostfwd=FORWARD" (repeatable, vr_net_forward_parse's syntax). Sets cfg's network;
 * forwards given replace the ones cfg had. Errors are VR_CONFIG_ERROR_NET. */
bool vr_parse_net_option(VrMachineConfig *cfg, const char *text, GError **error);
/* --sound's value: "none", "pulse", "null", or "wav:out=FILE[,in=FILE]" (either file may be
 * left out). Sets cfg's sound. Errors are VR_CONFIG_ERROR_SOUND. */
bool vr_parse_sound_option(VrMachineConfig *cfg, const char *text, GError **error);
/* Where machine folders live: $XDG_DATA_HOME/vireo/machines. */
char *vr_machines_dir(void);

/* Writes cfg to machine.ini at path, crash-safe (a temporary file renamed over the old one).
 * Paths inside the file's folder are written relative to it, so the folder can move; what
 * the file held besides (comments) is kept when it still parses. Reading the result with
 * vr_machine_config_load_file() gives cfg back. */
bool vr_machine_config_save_file(const VrMachineConfig *cfg, const char *path, GError **error);
/* Whether the engine would take cfg's values, checked against the limits of its board
 * (engine/vr-board.h): architecture and board, CPUs, memory (the host's too), number of
 * disks, kernel command line, firmware and kernel given; does not look at files. The error
 * is in VR_CONFIG_ERROR, its code says which value, its message which and why. Every
 * caller (vr_machine_new, the command line, the library, the windows) asks this one. */
bool vr_machine_config_validate(const VrMachineConfig *cfg, GError **error);

#define VR_CONFIG_ERROR (vr_config_error_quark())
GQuark vr_config_error_quark(void);

/* Which value of a VrMachineConfig was refused. */
typedef enum {
    VR_CONFIG_ERROR_ARCH,     /* no board runs the architecture */
    VR_CONFIG_ERROR_BOARD,    /* no such board, or not one for the architecture */
    VR_CONFIG_ERROR_CPUS,     /* outside the board's range */
    VR_CONFIG_ERROR_MEMORY,   /* outside the board's range, not whole pages, more than the host */
    VR_CONFIG_ERROR_DISKS,    /* more disks than the board has slots for */
    VR_CONFIG_ERROR_CMDLINE,  /* too long for the board, or more than one line */
    VR_CONFIG_ERROR_FIRMWARE, /* an empty path */
    VR_CONFIG_ERROR_KERNEL,   /* none, where it is what runs */
    VR_CONFIG_ERROR_NET,      /* a MAC address or a port forward that does not parse */
    VR_CONFIG_ERROR_SOUND,    /* a sound backend, file or latency that is not taken */
    VR_CONFIG_ERROR_ACCEL,    /* not an execution tier */
} VrConfigError;

/* The name of the value a code refuses, as machine.ini and the windows call it: "arch",
 * "board", "cpus", "memory", "disks", "cmdline", "firmware", "kernel", "net", "sound", "accel";
 * NULL for others. */
const char *vr_config_error_field(int code);
/* The field of error when it is a VR_CONFIG_ERROR, else NULL. */
const char *vr_config_error_get_field(const GError *error);

/* A memory size the way machine.ini writes it: "512M", "2G", "1536K". */
char *vr_format_size(uint64_t bytes);

#endif
