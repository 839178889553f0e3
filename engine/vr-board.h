/* Boards: what a machine is built on. Each board describes itself (its name, its
 * architecture, the limits of what it takes, its default firmware) and builds its machine;
 * the registry lists them. Adding a board touches only engine/boards/ (its file defines a
 * VrBoardInfo) and the table in vr-board.c that names it. */
#ifndef VR_BOARD_H
#define VR_BOARD_H

#include <glib.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vr-machine.h"

typedef struct VrBoardInfo {
    const char *name; /* "riscv64-virt": what machine.ini's [machine] board names */
    const char *arch; /* "riscv64" */
    /* For people, marked N_(): vr_board_description() translates it. */
    const char *description;

    unsigned min_cpus, max_cpus;
    uint64_t min_memory, max_memory; /* bytes */
    uint64_t memory_granularity;     /* memory comes in whole multiples of this (a page) */
    /* Device slots (virtio-mmio transports): how many there are, how many the board fills
     * itself (an entropy source), and how many more a virtio console takes. The rest hold
     * disks. */
    unsigned device_slots;
    unsigned board_slots;
    unsigned console_slots;
    size_t max_cmdline; /* bytes of kernel command line, the terminating NUL not counted */
    const char *default_firmware; /* started when the machine names none; NULL: none */
    /* The UEFI firmware a machine without a kernel of its own boots through (it finds the
     * operating system on the machine's disks and CDs); NULL: the board has none. */
    const char *default_uefi;

    /* Builds RAM, harts and devices for m->cfg, which vr_machine_config_validate() has
     * checked against the limits above. */
    bool (*build)(VrMachine *m, GError **error);
} VrBoardInfo;

/* The board called name, or NULL. */
const VrBoardInfo *vr_board_find(const char *name);
/* The board a machine of arch gets when it names none, or NULL when no board runs arch. */
const VrBoardInfo *vr_board_default_for_arch(const char *arch);
/* Every board, NULL-terminated; each architecture's default comes first among its boards. */
const VrBoardInfo *const *vr_board_list(void);
/* The architectures some board runs, each once, NULL-terminated. */
const char *const *vr_board_archs(void);

/* The board cfg names (cfg->board), else the default board of cfg->arch; an error
 * (VR_CONFIG_ERROR_BOARD or VR_CONFIG_ERROR_ARCH) names what is unknown or does not fit. */
const VrBoardInfo *vr_board_for_config(const VrMachineConfig *cfg, GError **error);

/* The description in the user's language. */
const char *vr_board_description(const VrBoardInfo *board);
/* How many disks fit beside what the board and the console take. */
unsigned vr_board_max_disks(const VrBoardInfo *board, bool virtio_console);

#endif
