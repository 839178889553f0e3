/* Boot image loading. Every file is untrusted: sizes are checked against RAM, formats are
 * recognised before use, and a wrong file gets a message that says what it is. */
#include <gio/gio.h>
#include <string.h>
#include <sys/mman.h>

#include "vr-boot.h"
#include "vr-elf.h"
#include "vr-i18n.h"
#include "vr-input-file.h"

#define RISCV_IMAGE_MAGIC2 "RSC\x05"
#define MAX_DECOMPRESSED   (1ull << 30)

/* The files a machine boots from; each has messages of its own (whole sentences translate
 * better than a noun put into one). */
typedef enum {
    BOOT_FIRMWARE,
    BOOT_KERNEL,
    BOOT_INITRD,
} BootFile;

static bool read_file(BootFile what, const char *path, char **data, gsize *len, GError **error)
{
    g_autoptr(GError) local = NULL;
    if (!vr_read_input_file(path, VR_INPUT_BOOT, G_MAXSIZE - 1, data, len, &local)) {
        bool missing = g_error_matches(local, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
        GIOErrorEnum code = missing ? G_IO_ERROR_NOT_FOUND : G_IO_ERROR_FAILED;
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
        return false;
    }
    return true;
}

static bool place(VrAddressSpace *as, BootFile what, const char *path, uint64_t addr,
                  const void *data, uint64_t len, uint64_t limit, GError **error)
{
    if (addr <= limit && len <= limit - addr && vr_address_space_write_ram(as, addr, data, len))
        return true;
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

static bool load_elf(const char *path, const uint8_t *data, gsize len, VrAddressSpace *as,
                     VrBootImage *image, GError **error)
{
    VrElfImage elf;
    if (!vr_elf_load_data(path, data, len, as, &elf, error))
        return false;
    image->entry = elf.entry;
    image->start = elf.lowest;
    image->end = elf.highest;
    vr_elf_image_clear(&elf);
    return true;
}

bool vr_boot_load_firmware(const char *path, VrAddressSpace *as, uint64_t base,
                           uint64_t limit_offset, VrBootImage *image, GError **error)
{
    g_autofree char *data = NULL;
    gsize len = 0;
    if (!read_file(BOOT_FIRMWARE, path, &data, &len, error))
        return false;
    if (vr_elf_is_elf((const uint8_t *) data, len))
        return load_elf(path, (const uint8_t *) data, len, as, image, error);
    if (len == 0) {
        g_set_error(error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, _("firmware %s is empty"), path);
        return false;
    }
    if (!place(as, BOOT_FIRMWARE, path, base, data, len, base + limit_offset, error))
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

static char *gunzip(const char *path, const char *data, gsize len, gsize *out_len, GError **error)
{
    g_autoptr(GZlibDecompressor) z = g_zlib_decompressor_new(G_ZLIB_COMPRESSOR_FORMAT_GZIP);
    g_autoptr(GByteArray) out = g_byte_array_new();
    gsize in_pos = 0;
    for (;;) {
        guint8 buf[65536];
        gsize read = 0, written = 0;
        g_autoptr(GError) local = NULL;
        GConverterResult r =
            g_converter_convert(G_CONVERTER(z), data + in_pos, len - in_pos, buf, sizeof(buf),
                                G_CONVERTER_INPUT_AT_END, &read, &written, &local);
        if (r == G_CONVERTER_ERROR) {
            g_set_error(error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                        /* Translators: the second %s is what the decompressor said. */
                        _("kernel %s is damaged gzip data: %s"), path, local->message);
            return NULL;
        }
        in_pos += read;
        g_byte_array_append(out, buf, (guint) written);
        if (out->len > MAX_DECOMPRESSED) {
            g_set_error(error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                        _("kernel %s decompresses to more than 1 GiB"), path);
            return NULL;
        }
        if (r == G_CONVERTER_FINISHED)
            break;
    }
    *out_len = out->len;
    return (char *) g_byte_array_free(g_steal_pointer(&out), FALSE);
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

bool vr_boot_load_kernel(const char *path, VrAddressSpace *as, uint64_t addr, uint64_t ram_end,
                         VrBootImage *image, GError **error)
{
    g_autofree char *data = NULL;
    gsize len = 0;
    if (!read_file(BOOT_KERNEL, path, &data, &len, error))
        return false;
    if (len == 0) {
        g_set_error(error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, _("kernel %s is empty"), path);
        return false;
    }
    if (is_gzip((const uint8_t *) data, len)) {
        gsize plain_len = 0;
        char *plain = gunzip(path, data, len, &plain_len, error);
        if (!plain)
            return false;
        g_free(data);
        data = plain;
        len = plain_len;
    }
    const uint8_t *d = (const uint8_t *) data;
    if (vr_elf_is_elf(d, len))
        return load_elf(path, d, len, as, image, error);
    const char *kind = foreign_kind(d, len);
    if (kind) {
        g_set_error(error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                    /* Translators: the second %s is a kind of file, e.g. "a text file". */
                    _("%s is not a RISC-V kernel: it is %s"), path, _(kind));
        return false;
    }

    uint64_t size = len;
    if (len >= 64 && memcmp(d + 0x38, RISCV_IMAGE_MAGIC2, 4) == 0) {
        /* A Linux Image says how much memory it needs beyond the file (its bss). */
        uint64_t image_size;
        memcpy(&image_size, d + 0x10, 8);
        image_size = GUINT64_FROM_LE(image_size);
        if (image_size > size)
            size = image_size;
    }
    if (!place(as, BOOT_KERNEL, path, addr, data, len, ram_end, error))
        return false;
    /* image_size comes from the file: compare without adding, so no value wraps around. */
    if (addr > ram_end || size > ram_end - addr) {
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
    g_autofree char *data = NULL;
    gsize len = 0;
    if (!read_file(BOOT_INITRD, path, &data, &len, error))
        return false;
    /* Leave the kernel room to grow into: half way between it and the limit when it fits. */
    uint64_t at = (after + 0x1fffff) & ~0x1fffffull;
    if (after <= limit) {
        uint64_t mid = (after + (limit - after) / 2) & ~0x1fffffull;
        if (mid > at && mid <= limit && len <= limit - mid)
            at = mid;
    }
    if (!place(as, BOOT_INITRD, path, at, data, len, limit, error))
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
