/* Boot image loading. Every file is untrusted: sizes are checked against RAM, formats are
 * recognised before use, and a wrong file gets a message that says what it is. */
#include <errno.h>
#include <fcntl.h>
#include <gio/gio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "vr-boot.h"
#include "vr-elf.h"
#include "vr-i18n.h"
#include "vr-input-file.h"

#define RISCV_IMAGE_MAGIC2 "RSC\x05"

/* The files a machine boots from; each has messages of its own (whole sentences translate
 * better than a noun put into one). */
typedef enum {
    BOOT_FIRMWARE,
    BOOT_KERNEL,
    BOOT_INITRD,
} BootFile;

/* Opens a boot file (a regular file, without blocking) and says how long it is. */
static int open_file(BootFile what, const char *path, uint64_t *len, GError **error)
{
    g_autoptr(GError) local = NULL;
    struct stat st;
    int fd = vr_open_input_file(path, VR_INPUT_BOOT, O_RDONLY, &st, &local);
    if (fd < 0) {
        GIOErrorEnum code =
            local->code == G_IO_ERROR_NOT_FOUND ? G_IO_ERROR_NOT_FOUND : G_IO_ERROR_FAILED;
        switch (what) {
        case BOOT_FIRMWARE:
            g_set_error(error, G_IO_ERROR, code, _("Cannot read the firmware: %s"), local->message);
            break;
        case BOOT_KERNEL:
            g_set_error(error, G_IO_ERROR, code, _("Cannot read the kernel: %s"), local->message);
            break;
        case BOOT_INITRD:
            g_set_error(error, G_IO_ERROR, code, _("Cannot read the initrd: %s"), local->message);
            break;
        }
        return -1;
    }
    *len = (uint64_t) st.st_size;
    return fd;
}

/* Reads len bytes at offset off of the file into buf. */
static bool read_at(int fd, const char *path, uint64_t off, void *buf, uint64_t len, GError **error)
{
    uint8_t *p = buf;
    while (len > 0) {
        ssize_t got = pread(fd, p, MIN(len, (uint64_t) 1 << 30), (off_t) off);
        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0) {
            int err = errno;
            g_set_error(error, G_IO_ERROR, g_io_error_from_errno(err), "%s: %s", path,
                        g_strerror(err));
            return false;
        }
        if (got == 0) {
            g_set_error(error, G_IO_ERROR, G_IO_ERROR_FAILED,
                        _("%s became shorter while it was read"), path);
            return false;
        }
        p += got;
        off += (uint64_t) got;
        len -= (uint64_t) got;
    }
    return true;
}

/* Whether [addr, addr + len) lies below limit, without any sum wrapping around. */
static bool fits(uint64_t addr, uint64_t len, uint64_t limit)
{
    return addr <= limit && len <= limit - addr;
}

/* Reads the whole file into guest RAM at addr when it fits below limit; the size is checked
 * before anything is read. */
static bool place(VrAddressSpace *as, BootFile what, const char *path, int fd, uint64_t addr,
                  uint64_t len, uint64_t limit, GError **error)
{
    uint8_t *dst = fits(addr, len, limit) ? vr_address_space_ram_ptr(as, addr, len) : NULL;
    if (dst || len == 0)
        return len == 0 || read_at(fd, path, 0, dst, len, error);
    unsigned long long kib = len >> 10, at = addr;
    switch (what) {
    case BOOT_FIRMWARE:
        g_set_error(error, G_IO_ERROR, G_IO_ERROR_NO_SPACE,
                    _("firmware %s (%llu KiB) does not fit in guest RAM at 0x%llx; give the "
                      "machine more memory"),
                    path, kib, at);
        break;
    case BOOT_KERNEL:
        g_set_error(error, G_IO_ERROR, G_IO_ERROR_NO_SPACE,
                    _("kernel %s (%llu KiB) does not fit in guest RAM at 0x%llx; give the "
                      "machine more memory"),
                    path, kib, at);
        break;
    case BOOT_INITRD:
        g_set_error(error, G_IO_ERROR, G_IO_ERROR_NO_SPACE,
                    _("initrd %s (%llu KiB) does not fit in guest RAM at 0x%llx; give the "
                      "machine more memory"),
                    path, kib, at);
        break;
    }
    return false;
}

static void elf_result(VrElfImage *elf, VrBootImage *image)
{
    image->entry = elf->entry;
    image->start = elf->lowest;
    image->end = elf->highest;
    vr_elf_image_clear(elf);
}

/* The first bytes of a file, enough to recognise what it is (up to sizeof(head->bytes)). */
typedef struct {
    uint8_t bytes[0x8100];
    gsize len;
} Head;

static bool read_head(int fd, const char *path, uint64_t file_len, Head *head, GError **error)
{
    head->len = (gsize) MIN(file_len, sizeof(head->bytes));
    return read_at(fd, path, 0, head->bytes, head->len, error);
}

bool vr_boot_load_firmware(const char *path, VrAddressSpace *as, uint64_t base,
                           uint64_t limit_offset, VrBootImage *image, GError **error)
{
    uint64_t len = 0;
    int fd = open_file(BOOT_FIRMWARE, path, &len, error);
    if (fd < 0)
        return false;
    g_autofree Head *head = g_new(Head, 1);
    bool ok = read_head(fd, path, len, head, error);
    if (ok && vr_elf_is_elf(head->bytes, head->len)) {
        VrElfImage elf;
        ok = vr_elf_load_fd(path, fd, len, as, &elf, error);
        if (ok)
            elf_result(&elf, image);
        close(fd);
        return ok;
    }
    if (ok && len == 0) {
        g_set_error(error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, _("firmware %s is empty"), path);
        ok = false;
    }
    ok = ok && place(as, BOOT_FIRMWARE, path, fd, base, len, base + limit_offset, error);
    close(fd);
    if (!ok)
        return false;
    image->entry = base;
    image->start = base;
    image->end = base + len;
    return true;
}

static bool is_gzip(const uint8_t *d, gsize len)
{
    return len >= 3 && d[0] == 0x1f && d[1] == 0x8b && d[2] == 8;
}

/* Decompresses the gzip file open on fd straight into guest RAM at dst, at most room bytes:
 * a file that would decompress to more is refused as soon as it passes that, whatever it
 * says its size is. */
static bool gunzip_into(int fd, const char *path, uint8_t *dst, uint64_t room, uint64_t *out_len,
                        GError **error)
{
    z_stream z = {0};
    if (inflateInit2(&z, 16 + MAX_WBITS) != Z_OK) {
        g_set_error(error, G_IO_ERROR, G_IO_ERROR_FAILED, _("kernel %s is damaged gzip data: %s"),
                    path, z.msg ? z.msg : "zlib");
        return false;
    }
    g_autofree uint8_t *in = g_malloc(1 << 16);
    uint64_t produced = 0, off = 0;
    uint8_t spare;
    int r = Z_OK;
    bool ok = true;
    while (ok && r != Z_STREAM_END) {
        if (z.avail_in == 0) {
            ssize_t got = pread(fd, in, 1 << 16, (off_t) off);
            if (got < 0 && errno == EINTR)
                continue;
            if (got <= 0) {
                g_set_error(error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                            _("kernel %s is damaged gzip data: %s"), path,
                            got < 0 ? g_strerror(errno) : "unexpected end of file");
                ok = false;
                break;
            }
            off += (uint64_t) got;
            z.next_in = in;
            z.avail_in = (uInt) got;
        }
        /* With the room used up, one more byte of output says the file does not fit. */
        bool full = produced == room;
        z.next_out = full ? &spare : dst + produced;
        z.avail_out = full ? 1 : (uInt) MIN(room - produced, (uint64_t) 1 << 30);
        uInt before = z.avail_out;
        r = inflate(&z, Z_NO_FLUSH);
        if (r != Z_OK && r != Z_STREAM_END && r != Z_BUF_ERROR) {
            g_set_error(error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                        _("kernel %s is damaged gzip data: %s"), path, z.msg ? z.msg : "zlib");
            ok = false;
            break;
        }
        if (full && z.avail_out == 0) {
            g_set_error(error, G_IO_ERROR, G_IO_ERROR_NO_SPACE,
                        /* Translators: %llu is a size in MiB. */
                        _("kernel %s decompresses to more than the %llu MiB of RAM there is room "
                          "for; give the machine more memory"),
                        path, (unsigned long long) (room >> 20));
            ok = false;
            break;
        }
        if (!full)
            produced += before - z.avail_out;
    }
    inflateEnd(&z);
    *out_len = produced;
    return ok;
}

/* What a file that cannot be a RISC-V kernel is (to be translated), or NULL. */
static const char *foreign_kind(const uint8_t *d, gsize len)
{
    if (len >= 0x206 && memcmp(d + 0x202, "HdrS", 4) == 0)
        /* Translators: completes "%s is not a RISC-V kernel: it is %s". */
        return N_("an x86 Linux kernel (bzImage)");
    if (len >= 0x3c && memcmp(d + 0x38, "ARM\x64", 4) == 0)
        return N_("an ARM64 Linux kernel Image");
    if (len >= 4 && memcmp(d, "\x27\x05\x19\x56", 4) == 0)
        return N_("a U-Boot legacy uImage (use the plain image inside it)");
    if (len >= 4 && (memcmp(d, "PK\x03\x04", 4) == 0 || memcmp(d, "BZh", 3) == 0 ||
                     memcmp(d,
                            "\xfd"
                            "7zXZ",
                            5) == 0 ||
                     memcmp(d, "\x28\xb5\x2f\xfd", 4) == 0))
        return N_("an archive or compressed file other than gzip");
    if (len >= 0x8006 && memcmp(d + 0x8001, "CD001", 5) == 0)
        return N_("an ISO 9660 disc image (boot it as a CD-ROM, not as a kernel)");
    /* Mostly printable text at the start: a script, a config file, a note. */
    gsize n = MIN(len, 256), text = 0;
    for (gsize i = 0; i < n; i++)
        if ((d[i] >= 0x20 && d[i] < 0x7f) || d[i] == '\n' || d[i] == '\r' || d[i] == '\t')
            text++;
    if (n >= 16 && text == n)
        return N_("a text file");
    return NULL;
}

/* What the kernel loader makes of a file that is neither ELF nor gzip, from its first len
 * bytes: a RISC-V Linux Image, another flat binary, or something recognisably else (an
 * error that says what). */
static VrBootFileKind classify_flat(const char *path, const uint8_t *d, gsize len, GError **error)
{
    const char *kind = foreign_kind(d, len);
    if (kind) {
        g_set_error(error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                    /* Translators: the second %s is a kind of file, e.g. "a text file". */
                    _("%s is not a RISC-V kernel: it is %s"), path, _(kind));
        return VR_BOOT_FILE_UNUSABLE;
    }
    if (len >= 64 && memcmp(d + 0x38, RISCV_IMAGE_MAGIC2, 4) == 0)
        return VR_BOOT_FILE_LINUX;
    return VR_BOOT_FILE_FLAT;
}

VrBootFileKind vr_boot_probe_kernel(const char *path, GError **error)
{
    uint64_t file_len = 0;
    int fd = open_file(BOOT_KERNEL, path, &file_len, error);
    if (fd < 0)
        return VR_BOOT_FILE_UNUSABLE;
    g_autofree Head *head = g_new(Head, 1);
    VrBootFileKind kind = VR_BOOT_FILE_UNUSABLE;
    if (!read_head(fd, path, file_len, head, error)) {
        close(fd);
        return VR_BOOT_FILE_UNUSABLE;
    }
    if (file_len == 0) {
        g_set_error(error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, _("kernel %s is empty"), path);
    } else if (vr_elf_is_elf(head->bytes, head->len)) {
        if (vr_elf_check_header(path, head->bytes, head->len, file_len, error))
            kind = VR_BOOT_FILE_ELF;
    } else if (is_gzip(head->bytes, head->len)) {
        /* The start of what it decompresses to, as the loader would see it. */
        g_autofree Head *inner = g_new(Head, 1);
        g_autoptr(GError) local = NULL;
        uint64_t produced = 0;
        bool ok = gunzip_into(fd, path, inner->bytes, sizeof(inner->bytes), &produced, &local);
        bool more = !ok && g_error_matches(local, G_IO_ERROR, G_IO_ERROR_NO_SPACE);
        inner->len = (gsize) produced;
        if (!ok && !more) {
            g_propagate_error(error, g_steal_pointer(&local));
        } else if (vr_elf_is_elf(inner->bytes, inner->len)) {
            if (vr_elf_check_header(path, inner->bytes, inner->len, more ? UINT64_MAX : inner->len,
                                    error))
                kind = VR_BOOT_FILE_ELF;
        } else {
            kind = classify_flat(path, inner->bytes, inner->len, error);
            if (kind == VR_BOOT_FILE_LINUX)
                kind = VR_BOOT_FILE_LINUX_GZIP;
        }
    } else {
        kind = classify_flat(path, head->bytes, head->len, error);
    }
    close(fd);
    return kind;
}

bool vr_boot_load_kernel(const char *path, VrAddressSpace *as, uint64_t addr, uint64_t ram_end,
                         VrBootImage *image, GError **error)
{
    uint64_t file_len = 0;
    int fd = open_file(BOOT_KERNEL, path, &file_len, error);
    if (fd < 0)
        return false;
    g_autofree Head *head = g_new(Head, 1);
    if (!read_head(fd, path, file_len, head, error)) {
        close(fd);
        return false;
    }
    if (file_len == 0) {
        close(fd);
        g_set_error(error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, _("kernel %s is empty"), path);
        return false;
    }
    if (vr_elf_is_elf(head->bytes, head->len)) {
        VrElfImage elf;
        bool ok = vr_elf_load_fd(path, fd, file_len, as, &elf, error);
        close(fd);
        if (ok)
            elf_result(&elf, image);
        return ok;
    }

    /* Everything else is read straight into RAM at addr: first checked against the room
     * there, so a huge file costs neither time nor host memory. */
    uint64_t room = addr <= ram_end ? ram_end - addr : 0;
    uint8_t *dst = room ? vr_address_space_ram_ptr(as, addr, room) : NULL;
    uint64_t len = file_len;
    const uint8_t *d = head->bytes;
    gsize d_len = head->len;
    if (is_gzip(head->bytes, head->len)) {
        bool ok = dst && gunzip_into(fd, path, dst, room, &len, error);
        close(fd);
        if (!dst)
            return place(as, BOOT_KERNEL, path, -1, addr, file_len, ram_end, error);
        if (!ok)
            return false;
        d = dst;
        d_len = (gsize) MIN(len, sizeof(head->bytes));
        if (vr_elf_is_elf(d, len)) {
            /* An ELF inside: copied out, as loading it writes over where it is now. */
            g_autofree uint8_t *copy = g_memdup2(dst, len);
            VrElfImage elf;
            if (!vr_elf_load_data(path, copy, len, as, &elf, error))
                return false;
            elf_result(&elf, image);
            return true;
        }
    }
    VrBootFileKind kind = classify_flat(path, d, d_len, error);
    if (kind == VR_BOOT_FILE_UNUSABLE) {
        if (d == head->bytes)
            close(fd);
        return false;
    }
    if (d == head->bytes) {
        bool ok = place(as, BOOT_KERNEL, path, fd, addr, len, ram_end, error);
        close(fd);
        if (!ok)
            return false;
    }

    uint64_t size = len;
    if (kind == VR_BOOT_FILE_LINUX) {
        /* A Linux Image says how much memory it needs beyond the file (its bss). */
        uint64_t image_size;
        memcpy(&image_size, d + 0x10, 8);
        image_size = GUINT64_FROM_LE(image_size);
        if (image_size > size)
            size = image_size;
    }
    /* image_size comes from the file: compare without adding, so no value wraps around. */
    if (!fits(addr, size, ram_end)) {
        g_set_error(error, G_IO_ERROR, G_IO_ERROR_NO_SPACE,
                    _("kernel %s needs %llu MiB; give the machine more memory"), path,
                    (unsigned long long) (size >> 20));
        return false;
    }
    image->entry = addr;
    image->start = addr;
    image->end = addr + size;
    return true;
}

bool vr_boot_load_initrd(const char *path, VrAddressSpace *as, uint64_t after, uint64_t limit,
                         uint64_t *start, uint64_t *end, GError **error)
{
    uint64_t len = 0;
    int fd = open_file(BOOT_INITRD, path, &len, error);
    if (fd < 0)
        return false;
    /* Leave the kernel room to grow into: half way between it and the limit when it fits. */
    uint64_t at = (after + 0x1fffff) & ~0x1fffffull;
    if (after <= limit) {
        uint64_t mid = (after + (limit - after) / 2) & ~0x1fffffull;
        if (mid > at && fits(mid, len, limit))
            at = mid;
    }
    bool ok = place(as, BOOT_INITRD, path, fd, at, len, limit, error);
    close(fd);
    if (!ok)
        return false;
    *start = at;
    *end = at + len;
    return true;
}

void vr_boot_clear_ram(uint8_t *ram, uint64_t size)
{
    if (madvise(ram, size, MADV_DONTNEED) != 0)
        memset(ram, 0, size);
}
