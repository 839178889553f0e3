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
/* Where machine folders live: $XDG_DATA_HOME/vireo/machines. */
char *vr_machines_dir(void);

/* Writes cfg to machine.ini at path, crash-safe (a temporary file renamed over the old one).
 * Paths inside the file's folder are written relative to it, so the folder can move; what
 * the file held besides (comments) is kept when it still parses. Reading the result with
 * vr_machine_config_load_file() gives cfg back. */
bool vr_machine_config_save_file(const VrMachineConfig *cfg, const char *path, GError **error);
/* Whether the engine would take cfg's values (architecture, CPUs, memory, number of disks,
 * kernel command line); does not look at files. The error says which value and why. */
bool vr_machine_config_validate(const VrMachineConfig *cfg, GError **error);
/* A memory size the way machine.ini writes it: "512M", "2G", "1536K". */
char *vr_format_size(uint64_t bytes);

/* What the riscv64-virt board takes (kept in step with engine/boards/riscv64-virt.c by
 * tests/unit/test-library.c). */
#define VR_CONFIG_MAX_CPUS    8u
#define VR_CONFIG_MIN_MEMORY  (16ull << 20)
#define VR_CONFIG_MAX_DISKS   7u /* virtio-mmio slots less the entropy source */
#define VR_CONFIG_MAX_CMDLINE 1024u

#endif
