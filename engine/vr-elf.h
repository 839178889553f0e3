/* Loading ELF64 RISC-V executables into guest memory. */
#ifndef VR_ELF_H
#define VR_ELF_H

#include <glib.h>
#include <stdbool.h>
#include <stdint.h>

#include "vr-memory.h"

typedef struct VrElfImage {
    uint64_t entry;
    uint64_t lowest, highest; /* physical range the loadable segments occupy */
    GHashTable *symbols;      /* name -> (uint64_t *) value, for the symbols loaders need */
} VrElfImage;

/* Whether data starts like an ELF file at all. */
bool vr_elf_is_elf(const uint8_t *data, size_t len);

/* Whether the first len bytes of a file_len byte file (at least the ELF header, else it is
 * refused as truncated) are the header of a RISC-V ELF64 program the loaders take; else an
 * error naming path and what it is instead. */
bool vr_elf_check_header(const char *path, const uint8_t *data, size_t len, uint64_t file_len,
                         GError **error);

/* Loads the PT_LOAD segments of the RISC-V ELF64 file at path into RAM. Errors name the
 * file and what is wrong with it (not ELF, wrong class or machine, a segment outside RAM,
 * a truncated file). */
bool vr_elf_load(const char *path, VrAddressSpace *as, VrElfImage *image, GError **error);
/* The same for a file already in memory; path only names it in messages. */
bool vr_elf_load_data(const char *path, const uint8_t *data, size_t len, VrAddressSpace *as,
                      VrElfImage *image, GError **error);
/* The same for a file open on fd, len bytes long: headers and segments are read in place
 * (straight into guest RAM), so the file's size costs no host memory. */
bool vr_elf_load_fd(const char *path, int fd, uint64_t len, VrAddressSpace *as, VrElfImage *image,
                    GError **error);
void vr_elf_image_clear(VrElfImage *image);
/* Value of a symbol found by vr_elf_load (tohost, fromhost, ...). */
bool vr_elf_symbol(const VrElfImage *image, const char *name, uint64_t *value);

#endif
