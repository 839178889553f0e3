/* What an install image (ISO 9660) boots on, read from the image itself: its El Torito boot
 * catalog and the EFI loaders in /EFI/BOOT. Every field is checked: the image may be damaged
 * or hostile. */
#ifndef VR_ISO_H
#define VR_ISO_H

#include <glib.h>
#include <stdbool.h>

typedef struct VrIsoBoot {
    bool bios;      /* a bootable El Torito entry for x86 PCs with BIOS (platform 0) */
    bool efi;       /* a bootable El Torito entry for EFI (platform 0xef) */
    bool efi_x86;   /* /EFI/BOOT/BOOTX64.EFI or BOOTIA32.EFI */
    bool efi_arm;   /* /EFI/BOOT/BOOTAA64.EFI or BOOTARM.EFI */
    bool efi_riscv; /* /EFI/BOOT/BOOTRISCV64.EFI */
} VrIsoBoot;

/* Reads what the ISO at path says about booting. False (with an error naming the file) only
 * when it cannot be read or is no ISO 9660 image; an image without a boot catalog or EFI
 * directory is not an error (all false). */
bool vr_iso_read_boot(const char *path, VrIsoBoot *boot, GError **error);

/* The architecture the image boots on: "riscv64" when it has a RISC-V EFI loader (whatever
 * else it has), else "x86_64" for a BIOS entry or an x86 EFI loader, "aarch64" for an ARM
 * EFI loader; NULL when it cannot tell. */
const char *vr_iso_boot_arch(const VrIsoBoot *boot);

#endif
