/* A small ISO 9660 image for tests: a primary volume descriptor with the given volume label
 * (what libosinfo identifies an install image by), a root directory and the terminator. */
#ifndef FAKE_ISO_H
#define FAKE_ISO_H

#include <glib.h>
#include <string.h>

static inline void fake_iso_both16(guint8 *p, guint16 v)
{
    p[0] = (guint8) v;
    p[1] = (guint8) (v >> 8);
    p[2] = (guint8) (v >> 8);
    p[3] = (guint8) v;
}

static inline void fake_iso_both32(guint8 *p, guint32 v)
{
    for (int i = 0; i < 4; i++) {
        p[i] = (guint8) (v >> (8 * i));
        p[7 - i] = (guint8) (v >> (8 * i));
    }
}

static inline void fake_iso_dir_record(guint8 *r, guint32 lba, guint8 name)
{
    r[0] = 34;
    fake_iso_both32(r + 2, lba);
    fake_iso_both32(r + 10, 2048);
    r[25] = 2; /* a directory */
    fake_iso_both16(r + 28, 1);
    r[32] = 1;
    r[33] = name;
}

/* damaged: the root directory record is empty, as in a truncated or hostile image. */
static inline gboolean fake_iso_write(const char *path, const char *volume_id, gboolean damaged)
{
    const guint32 sectors = 64;
    gsize size = sectors * 2048;
    guint8 *data = g_malloc0(size);
    guint8 *pvd = data + 16 * 2048;
    pvd[0] = 1;
    memcpy(pvd + 1, "CD001", 5);
    pvd[6] = 1;
    memset(pvd + 8, ' ', 64);
    memcpy(pvd + 8, "LINUX", 5);
    memcpy(pvd + 40, volume_id, MIN(strlen(volume_id), 32));
    fake_iso_both32(pvd + 80, sectors);
    fake_iso_both16(pvd + 120, 1);
    fake_iso_both16(pvd + 124, 1);
    fake_iso_both16(pvd + 128, 2048);
    if (!damaged)
        fake_iso_dir_record(pvd + 156, 18, 0);
    memset(pvd + 318, ' ', 128);
    memset(pvd + 574, ' ', 128);
    pvd[881] = 1;
    guint8 *terminator = data + 17 * 2048;
    terminator[0] = 255;
    memcpy(terminator + 1, "CD001", 5);
    terminator[6] = 1;
    guint8 *root = data + 18 * 2048;
    fake_iso_dir_record(root, 18, 0);
    fake_iso_dir_record(root + 34, 18, 1);
    gboolean ok = g_file_set_contents(path, (const char *) data, (gssize) size, NULL);
    g_free(data);
    return ok;
}

#endif
