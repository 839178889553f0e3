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

/* What a file given as the kernel is to vr_boot_load_kernel(). */
typedef enum {
    VR_BOOT_FILE_UNUSABLE,   /* not bootable: the error says why */
    VR_BOOT_FILE_LINUX,      /* a RISC-V Linux Image */
    VR_BOOT_FILE_LINUX_GZIP, /* the same, gzip-compressed (Image.gz) */
    VR_BOOT_FILE_ELF,        /* a RISC-V ELF program (gzip-compressed too) */
    VR_BOOT_FILE_FLAT,       /* another flat binary: U-Boot, firmware, a bare-metal program */
} VrBootFileKind;

/* Recognises path as the kernel loader does (from its first bytes, decompressed for gzip),
 * without guest RAM: everything but VR_BOOT_FILE_UNUSABLE is what the loader boots, given the
 * room; UNUSABLE comes with the loader's message. */
VrBootFileKind vr_boot_probe_kernel(const char *path, GError **error);

/* The initrd goes at a 2 MiB boundary above after, ending below limit. */
bool vr_boot_load_initrd(const char *path, VrAddressSpace *as, uint64_t after, uint64_t limit,
                         uint64_t *start, uint64_t *end, GError **error);

/* Zeroes guest RAM for a reboot, giving its pages back to the host. */
void vr_boot_clear_ram(uint8_t *ram, uint64_t size);

#endif
