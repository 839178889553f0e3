/* Loading boot images into guest RAM: firmware, kernels and initial ramdisks. */
#ifndef VR_BOOT_H
#define VR_BOOT_H

#include <glib.h>
#include <stdbool.h>
#include <stdint.h>

#include "vr-memory.h"

typedef struct VrBootImage {
    uint64_t entry;
    uint64_t start, end; /* guest physical range it occupies */
} VrBootImage;

/* Firmware: an ELF, or a flat binary loaded at base (below limit_offset past base). */
bool vr_boot_load_firmware(const char *path, VrAddressSpace *as, uint64_t base,
                           uint64_t limit_offset, VrBootImage *image, GError **error);

/* What runs after the firmware in S-mode: a RISC-V Linux Image (gzip-compressed too), a
 * RISC-V ELF, or a flat binary such as U-Boot, placed at addr. Anything recognisably
 * something else (another architecture's kernel or ELF, text) is refused with a message
 * that says what it is. */
bool vr_boot_load_kernel(const char *path, VrAddressSpace *as, uint64_t addr, uint64_t ram_end,
                         VrBootImage *image, GError **error);

/* The initrd goes at a 2 MiB boundary above after, ending below limit. */
bool vr_boot_load_initrd(const char *path, VrAddressSpace *as, uint64_t after, uint64_t limit,
                         uint64_t *start, uint64_t *end, GError **error);

/* Zeroes guest RAM for a reboot, giving its pages back to the host. */
void vr_boot_clear_ram(uint8_t *ram, uint64_t size);

#endif
