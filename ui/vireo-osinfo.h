/* What operating system an install image holds, from libosinfo's database.
 *
 * Part of the desktop application, in a small library of its own (vireo-osinfo), not the
 * engine: libosinfo is GObject (no GTK), and only the GUI and its tests need it. Detection
 * reads the image and loads the database (a few hundred milliseconds the first time): call
 * it off the UI thread. */
#ifndef VIREO_OSINFO_H
#define VIREO_OSINFO_H

#include <glib.h>
#include <stdbool.h>
#include <stdint.h>

typedef struct VireoOsInfo {
    bool identified;  /* libosinfo knows the image */
    char *name;       /* "Debian 11", or NULL */
    char *short_id;   /* "debian11", or NULL */
    char *arch;       /* the image's architecture ("x86_64", "riscv64"), or NULL */
    char *volume_id;  /* the ISO's volume label, or NULL */
    unsigned cpus;    /* what the OS recommends; 0: no word */
    uint64_t memory;  /* bytes; 0: no word */
    uint64_t storage; /* bytes; 0: no word */
} VireoOsInfo;

/* Reads the ISO at path. Returns false (with an error naming the file) when it is not an
 * install image libosinfo can read at all; true otherwise, with info->identified telling
 * whether the database knows it. */
bool vireo_osinfo_detect(const char *path, VireoOsInfo *info, GError **error);
void vireo_osinfo_clear(VireoOsInfo *info);

#endif
