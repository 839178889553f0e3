/* What operating system an install image holds, from libosinfo's database.
 *
 * Built into its own small library (vireo-osinfo), not the engine: libosinfo is GObject
 * (no GTK), and only the GUI and its tests need it. Detection reads the image and loads
 * the database (a few hundred milliseconds the first time): call it off the UI thread. */
#ifndef VR_OSINFO_H
#define VR_OSINFO_H

#include <glib.h>
#include <stdbool.h>
#include <stdint.h>

typedef struct VrOsInfo {
    bool identified;  /* libosinfo knows the image */
    char *name;       /* "Debian 11", or NULL */
    char *short_id;   /* "debian11", or NULL */
    char *arch;       /* the image's architecture ("x86_64", "riscv64"), or NULL */
    char *volume_id;  /* the ISO's volume label, or NULL */
    unsigned cpus;    /* what the OS recommends; 0: no word */
    uint64_t memory;  /* bytes; 0: no word */
    uint64_t storage; /* bytes; 0: no word */
} VrOsInfo;

/* Reads the ISO at path. Returns false (with an error naming the file) when it is not an
 * install image libosinfo can read at all; true otherwise, with info->identified telling
 * whether the database knows it. */
bool vr_osinfo_detect(const char *path, VrOsInfo *info, GError **error);
void vr_osinfo_clear(VrOsInfo *info);

#endif
