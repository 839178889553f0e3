/* What an install image boots on: the El Torito boot catalog (platform ids of its bootable
 * entries) and the names of the EFI loaders in /EFI/BOOT of the ISO 9660 file system. */
#include <errno.h>
#include <fcntl.h>
#include <gio/gio.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include "vr-i18n.h"
#include "vr-input-file.h"
#include "vr-iso.h"

#define ISO_SECTOR       2048u
#define FIRST_DESCRIPTOR 16u
/* Far more volume descriptors than an image has; the list ends with type 255. */
#define MAX_DESCRIPTORS 64u
/* /EFI and /EFI/BOOT hold a few entries; a bigger directory is damaged. */
#define MAX_DIRECTORY (1u << 20)

#define PLATFORM_X86 0x00
#define PLATFORM_EFI 0xef

static uint32_t le32(const uint8_t *p)
{
    return p[0] | (p[1] << 8) | (p[2] << 16) | ((uint32_t) p[3] << 24);
}

static uint16_t le16(const uint8_t *p)
{
    return (uint16_t) (p[0] | (p[1] << 8));
}

typedef struct {
    int fd;
    uint64_t size;  /* of the file */
    unsigned block; /* logical block size of the file system */
} Iso;

static bool read_at(const Iso *iso, uint64_t offset, void *buf, size_t len)
{
    if (offset > iso->size || len > iso->size - offset)
        return false;
    return pread(iso->fd, buf, len, (off_t) offset) == (ssize_t) len;
}

/* The platform ids of the catalog's bootable entries. */
static void read_catalog(const Iso *iso, uint32_t lba, VrIsoBoot *boot)
{
    uint8_t cat[ISO_SECTOR];
    if (!read_at(iso, (uint64_t) lba * ISO_SECTOR, cat, sizeof(cat)))
        return;
    /* The validation entry: header 1, key bytes 0x55 0xaa, its 16 words sum to 0. */
    if (cat[0] != 1 || cat[30] != 0x55 || cat[31] != 0xaa)
        return;
    uint16_t sum = 0;
    for (unsigned i = 0; i < 32; i += 2)
        sum = (uint16_t) (sum + le16(cat + i));
    if (sum != 0)
        return;
    unsigned platform = cat[1];
    /* The default entry, then sections: a header (0x90, or 0x91 for the last) with its
     * platform and count, followed by that many entries (0x88: bootable). */
    if (cat[32] == 0x88) {
        boot->bios |= platform == PLATFORM_X86;
        boot->efi |= platform == PLATFORM_EFI;
    }
    unsigned at = 64;
    while (at + 32 <= sizeof(cat) && (cat[at] == 0x90 || cat[at] == 0x91)) {
        bool last = cat[at] == 0x91;
        platform = cat[at + 1];
        unsigned entries = le16(cat + at + 2);
        at += 32;
        for (unsigned i = 0; i < entries && at + 32 <= sizeof(cat); i++, at += 32) {
            /* Extension entries (0x44) continue the entry before. */
            while (cat[at] == 0x44 && at + 32 <= sizeof(cat))
                at += 32;
            if (at + 32 > sizeof(cat))
                break;
            if (cat[at] == 0x88) {
                boot->bios |= platform == PLATFORM_X86;
                boot->efi |= platform == PLATFORM_EFI;
            }
        }
        if (last)
            break;
    }
}

/* An ISO 9660 name without its ";1" version and an empty extension's dot. */
static bool name_is(const uint8_t *name, unsigned len, const char *want)
{
    for (unsigned i = 0; i < len; i++)
        if (name[i] == ';') {
            len = i;
            break;
        }
    if (len > 0 && name[len - 1] == '.')
        len--;
    return len == strlen(want) && g_ascii_strncasecmp((const char *) name, want, len) == 0;
}

typedef void (*EntryFunc)(const uint8_t *name, unsigned len, bool dir, uint32_t extent,
                          uint32_t size, gpointer data);

/* Calls func for each record of the directory at extent (in logical blocks). */
static void walk_directory(const Iso *iso, uint32_t extent, uint32_t size, EntryFunc func,
                           gpointer data)
{
    if (size == 0 || size > MAX_DIRECTORY)
        return;
    g_autofree uint8_t *dir = g_malloc(size);
    if (!read_at(iso, (uint64_t) extent * iso->block, dir, size))
        return;
    uint32_t at = 0;
    while (at < size) {
        unsigned len = dir[at];
        if (len == 0) {
            /* Records do not cross a sector: the rest of this one is padding. */
            at = (at / ISO_SECTOR + 1) * ISO_SECTOR;
            continue;
        }
        if (len < 34 || at + len > size)
            return;
        const uint8_t *r = dir + at;
        unsigned name_len = r[32];
        if (33 + name_len <= len && !(name_len == 1 && r[33] <= 1)) { /* not "." or ".." */
            const uint8_t *name = r + 33;
            /* A Rock Ridge name (NM) in the system use area is the file's real one: ISO 9660
             * names may be cut to 8.3 ("BOOTRISC.EFI"). */
            unsigned su = 33 + name_len + (name_len % 2 == 0);
            while (su + 4 <= len) {
                unsigned entry_len = r[su + 2];
                if (entry_len < 4 || su + entry_len > len)
                    break;
                if (r[su] == 'N' && r[su + 1] == 'M' && entry_len > 5 && !(r[su + 4] & 6)) {
                    name = r + su + 5;
                    name_len = entry_len - 5;
                    break;
                }
                su += entry_len;
            }
            func(name, name_len, (r[25] & 2) != 0, le32(r + 2), le32(r + 10), data);
        }
        at += len;
    }
}

typedef struct {
    const char *want;
    bool found;
    uint32_t extent, size;
} FindDir;

static void find_dir(const uint8_t *name, unsigned len, bool dir, uint32_t extent, uint32_t size,
                     gpointer data)
{
    FindDir *f = data;
    if (dir && !f->found && name_is(name, len, f->want)) {
        f->found = true;
        f->extent = extent;
        f->size = size;
    }
}

static void note_loader(const uint8_t *name, unsigned len, bool dir, uint32_t extent, uint32_t size,
                        gpointer data)
{
    VrIsoBoot *boot = data;
    if (dir)
        return;
    if (name_is(name, len, "BOOTRISCV64.EFI"))
        boot->efi_riscv = true;
    else if (name_is(name, len, "BOOTX64.EFI") || name_is(name, len, "BOOTIA32.EFI"))
        boot->efi_x86 = true;
    else if (name_is(name, len, "BOOTAA64.EFI") || name_is(name, len, "BOOTARM.EFI"))
        boot->efi_arm = true;
}

bool vr_iso_read_boot(const char *path, VrIsoBoot *boot, GError **error)
{
    memset(boot, 0, sizeof(*boot));
    struct stat st;
    int fd = vr_open_input_file(path, VR_INPUT_DISK, O_RDONLY, &st, error);
    if (fd < 0)
        return false;
    Iso iso = {.fd = fd, .size = (uint64_t) st.st_size};
    if (S_ISBLK(st.st_mode)) {
        off_t end = lseek(fd, 0, SEEK_END);
        iso.size = end > 0 ? (uint64_t) end : 0;
    }
    bool have_pvd = false;
    uint64_t volume_bytes = 0;
    uint8_t root[34] = {0};
    for (unsigned i = 0; i < MAX_DESCRIPTORS; i++) {
        uint8_t vd[ISO_SECTOR];
        if (!read_at(&iso, (uint64_t) (FIRST_DESCRIPTOR + i) * ISO_SECTOR, vd, sizeof(vd)) ||
            memcmp(vd + 1, "CD001", 5) != 0)
            break;
        if (vd[0] == 255)
            break;
        if (vd[0] == 0 && memcmp(vd + 7, "EL TORITO SPECIFICATION", 23) == 0)
            read_catalog(&iso, le32(vd + 71), boot);
        if (vd[0] == 1 && !have_pvd) {
            have_pvd = true;
            iso.block = le16(vd + 128);
            volume_bytes = (uint64_t) le32(vd + 80) * iso.block;
            memcpy(root, vd + 156, sizeof(root));
        }
    }
    if (!have_pvd) {
        close(fd);
        g_autofree char *base = g_path_get_basename(path);
        g_set_error(error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                    _("%s is not an ISO image: it has no ISO 9660 volume descriptor"), base);
        return false;
    }
    if (volume_bytes > iso.size) {
        /* Cut short: a download or copy that did not finish. */
        close(fd);
        g_autofree char *base = g_path_get_basename(path);
        g_autofree char *want = g_format_size_full(volume_bytes, G_FORMAT_SIZE_IEC_UNITS);
        g_autofree char *have = g_format_size_full(iso.size, G_FORMAT_SIZE_IEC_UNITS);
        g_set_error(error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                    /* Translators: the file, then two sizes ("700 MiB", "312 MiB"). */
                    _("%s is damaged: its file system is %s long but the file holds only %s (a "
                      "download that did not finish?)"),
                    base, want, have);
        return false;
    }
    if (iso.block == 512 || iso.block == 1024 || iso.block == 2048) {
        FindDir efi = {.want = "EFI"};
        walk_directory(&iso, le32(root + 2), le32(root + 10), find_dir, &efi);
        FindDir efi_boot = {.want = "BOOT"};
        if (efi.found)
            walk_directory(&iso, efi.extent, efi.size, find_dir, &efi_boot);
        if (efi_boot.found)
            walk_directory(&iso, efi_boot.extent, efi_boot.size, note_loader, boot);
    }
    close(fd);
    return true;
}

const char *vr_iso_boot_arch(const VrIsoBoot *boot)
{
    if (boot->efi_riscv)
        return "riscv64";
    if (boot->bios || boot->efi_x86)
        return "x86_64";
    if (boot->efi_arm)
        return "aarch64";
    return NULL;
}
