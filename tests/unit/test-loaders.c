/* Boot image and ELF loaders given hostile files (engine/vr-boot.c, engine/vr-elf.c). Built
 * with its own instrumented copy of the loaders (AddressSanitizer and UBSan where the
 * compiler has them), so a misaligned or out-of-bounds read fails the test. */
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "vr-boot.h"
#include "vr-elf.h"
#include "vr-memory.h"

#define RAM_BASE    0x80000000ull
#define KERNEL_ADDR (RAM_BASE + 0x200000ull)

static char *tmp_root;

static char *tmp_path(const char *name)
{
    return g_build_filename(tmp_root, name, NULL);
}

static VrAddressSpace *ram_of(uint64_t size)
{
    VrAddressSpace *as = vr_address_space_new();
    g_assert_true(vr_address_space_add_ram(as, "ram", RAM_BASE, size, NULL));
    return as;
}

static char *write_file(const char *name, const void *data, gsize len)
{
    char *path = tmp_path(name);
    g_assert_true(g_file_set_contents(path, data, (gssize) len, NULL));
    return path;
}

static void put64(guint8 *p, guint64 v)
{
    v = GUINT64_TO_LE(v);
    memcpy(p, &v, 8);
}

static void put32(guint8 *p, guint32 v)
{
    v = GUINT32_TO_LE(v);
    memcpy(p, &v, 4);
}

static void put16(guint8 *p, guint16 v)
{
    v = GUINT16_TO_LE(v);
    memcpy(p, &v, 2);
}

/* A RISC-V ELF64 executable of len bytes: its program header table at phoff with phnum
 * entries, each a PT_LOAD of filesz bytes from file offset 0x1000 to RAM_BASE, memsz long;
 * when symoff is not 0, a symbol table there naming tohost (at RAM_BASE + 0x100). */
static guint8 *build_elf(gsize len, guint64 phoff, guint16 phnum, guint64 filesz, guint64 memsz,
                         guint64 symoff)
{
    guint8 *elf = g_malloc0(len);
    memcpy(elf,
           "\x7f"
           "ELF",
           4);
    elf[4] = 2; /* 64-bit */
    elf[5] = 1; /* little-endian */
    elf[6] = 1;
    put16(elf + 16, 2);   /* ET_EXEC */
    put16(elf + 18, 243); /* EM_RISCV */
    put32(elf + 20, 1);
    put64(elf + 24, RAM_BASE);
    put64(elf + 32, phoff);
    put16(elf + 52, 64);
    put16(elf + 54, 56);
    put16(elf + 56, phnum);
    for (unsigned i = 0; i < phnum; i++) {
        guint8 *ph = elf + phoff + i * 56ull;
        put32(ph, 1); /* PT_LOAD */
        put32(ph + 4, 5);
        put64(ph + 8, 0x1000);
        put64(ph + 16, RAM_BASE);
        put64(ph + 24, RAM_BASE);
        put64(ph + 32, filesz);
        put64(ph + 40, memsz);
    }
    if (symoff) {
        /* Section headers: null, .symtab, .strtab; then two symbols and the names. */
        guint8 *sh = elf + symoff;
        guint64 syms = symoff + 3 * 64, strs = syms + 2 * 24;
        put32(sh + 64 + 4, 2); /* SHT_SYMTAB */
        put64(sh + 64 + 24, syms);
        put64(sh + 64 + 32, 2 * 24);
        put32(sh + 64 + 40, 2); /* sh_link: .strtab */
        put32(sh + 128 + 4, 3); /* SHT_STRTAB */
        put64(sh + 128 + 24, strs);
        put64(sh + 128 + 32, 8);
        put32(elf + syms + 24, 1); /* st_name */
        put64(elf + syms + 24 + 8, RAM_BASE + 0x100);
        memcpy(elf + strs, "\0tohost", 8);
        put64(elf + 40, symoff); /* e_shoff */
        put16(elf + 58, 64);     /* e_shentsize */
        put16(elf + 60, 3);      /* e_shnum */
    }
    return elf;
}

/* Headers at odd offsets (legal in a file, misaligned in memory) load like aligned ones. */
static void test_elf_misaligned_headers(void)
{
    g_autoptr(VrAddressSpace) as = ram_of(16ull << 20);
    g_autofree guint8 *elf = build_elf(0x1000 + 16, 0x41, 1, 16, 64, 0x201);
    memcpy(elf + 0x1000, "\x6f\x00\x00\x00", 4); /* j . */
    g_autofree char *path = write_file("odd.elf", elf, 0x1000 + 16);
    VrElfImage image;
    g_autoptr(GError) error = NULL;
    g_assert_true(vr_elf_load(path, as, &image, &error));
    g_assert_no_error(error);
    g_assert_cmphex(image.entry, ==, RAM_BASE);
    g_assert_cmphex(image.highest, ==, RAM_BASE + 64);
    uint64_t tohost = 0;
    g_assert_true(vr_elf_symbol(&image, "tohost", &tohost));
    g_assert_cmphex(tohost, ==, RAM_BASE + 0x100);
    vr_elf_image_clear(&image);
    guint32 insn = 0;
    g_assert_true(vr_address_space_read_ram(as, RAM_BASE, &insn, 4));
    g_assert_cmphex(insn, ==, 0x6f);
}

/* A RISC-V Linux Image header (Documentation/arch/riscv/boot-image-header.rst). */
static void image_header(guint8 *h, guint64 image_size)
{
    put64(h + 0x10, image_size);
    memcpy(h + 0x30, "RISCV\0\0\0", 8);
    memcpy(h + 0x38, "RSC\x05", 4);
}

/* An image_size near 2^64 must not wrap past the end of RAM into "it fits". */
static void test_image_size_wraps(void)
{
    g_autoptr(VrAddressSpace) as = ram_of(64ull << 20);
    guint8 image[4096] = {0};
    image_header(image, UINT64_MAX - 0x1000);
    g_autofree char *path = write_file("wrap.Image", image, sizeof(image));
    VrBootImage k;
    g_autoptr(GError) error = NULL;
    g_assert_false(
        vr_boot_load_kernel(path, as, KERNEL_ADDR, RAM_BASE + (64ull << 20), &k, &error));
    g_assert_error(error, G_IO_ERROR, G_IO_ERROR_NO_SPACE);
    g_assert_nonnull(strstr(error->message, path));
}

/* A Linux Image whose image_size fits loads, and reports the RAM it will use. */
static void test_image_size_fits(void)
{
    g_autoptr(VrAddressSpace) as = ram_of(64ull << 20);
    guint8 image[4096] = {0};
    image_header(image, 8ull << 20);
    g_autofree char *path = write_file("fits.Image", image, sizeof(image));
    VrBootImage k;
    g_autoptr(GError) error = NULL;
    g_assert_true(vr_boot_load_kernel(path, as, KERNEL_ADDR, RAM_BASE + (64ull << 20), &k, &error));
    g_assert_no_error(error);
    g_assert_cmphex(k.end, ==, KERNEL_ADDR + (8ull << 20));
}

/* 65535 segments that each cover all of RAM: refused after filling RAM once, not after
 * copying it 65535 times. */
static void test_elf_many_segments(void)
{
    g_autoptr(VrAddressSpace) as = ram_of(64ull << 20);
    gsize len = 64 + 65535 * 56ull + 0x1000;
    g_autofree guint8 *elf = build_elf(len, 64, 65535, 0, 64ull << 20, 0);
    g_autofree char *path = write_file("many.elf", elf, len);
    VrElfImage image;
    g_autoptr(GError) error = NULL;
    gint64 start = g_get_monotonic_time();
    g_assert_false(vr_elf_load(path, as, &image, &error));
    g_assert_error(error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
    g_assert_nonnull(strstr(error->message, path));
    g_assert_nonnull(strstr(error->message, "64 MiB"));
    g_assert_cmpint(g_get_monotonic_time() - start, <, 10 * G_USEC_PER_SEC);
}

/* The process's peak resident memory in KiB since reset_peak_rss(). */
static guint64 peak_rss_kib(void)
{
    g_autofree char *status = NULL;
    g_assert_true(g_file_get_contents("/proc/self/status", &status, NULL, NULL));
    const char *hwm = strstr(status, "VmHWM:");
    g_assert_nonnull(hwm);
    return g_ascii_strtoull(hwm + 6, NULL, 10);
}

static void reset_peak_rss(void)
{
    /* "5" resets VmHWM to the current RSS (Linux 4.0 and later). */
    int fd = open("/proc/self/clear_refs", O_WRONLY);
    g_assert_cmpint(fd, >=, 0);
    g_assert_cmpint(write(fd, "5", 1), ==, 1);
    close(fd);
}

/* A sparse file of size bytes. */
static char *sparse_file(const char *name, guint64 size)
{
    char *path = tmp_path(name);
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    g_assert_cmpint(fd, >=, 0);
    g_assert_cmpint(ftruncate(fd, (off_t) size), ==, 0);
    close(fd);
    return path;
}

/* A 1.5 GB kernel or initrd for a 64 MiB machine: refused from its size, before a byte of it
 * is read into host memory. */
static void test_sparse_boot_files(void)
{
    g_autoptr(VrAddressSpace) as = ram_of(64ull << 20);
    g_autofree char *path = sparse_file("sparse.Image", 1536ull << 20);
    uint64_t ram_end = RAM_BASE + (64ull << 20);
    reset_peak_rss();
    guint64 before = peak_rss_kib();
    gint64 start = g_get_monotonic_time();
    VrBootImage k;
    g_autoptr(GError) error = NULL;
    g_assert_false(vr_boot_load_kernel(path, as, KERNEL_ADDR, ram_end, &k, &error));
    g_assert_error(error, G_IO_ERROR, G_IO_ERROR_NO_SPACE);
    g_assert_nonnull(strstr(error->message, path));
    g_assert_nonnull(strstr(error->message, "1572864 KiB"));
    uint64_t s = 0, e = 0;
    g_autoptr(GError) initrd_error = NULL;
    g_assert_false(vr_boot_load_initrd(path, as, KERNEL_ADDR + (8 << 20), ram_end - (2 << 20), &s,
                                       &e, &initrd_error));
    g_assert_error(initrd_error, G_IO_ERROR, G_IO_ERROR_NO_SPACE);
    g_assert_nonnull(strstr(initrd_error->message, path));
    g_autoptr(GError) fw_error = NULL;
    g_assert_false(vr_boot_load_firmware(path, as, RAM_BASE, 0x200000, &k, &fw_error));
    g_assert_error(fw_error, G_IO_ERROR, G_IO_ERROR_NO_SPACE);
    g_assert_cmpint(g_get_monotonic_time() - start, <, 5 * G_USEC_PER_SEC);
    g_test_message("peak RSS %" G_GUINT64_FORMAT " KiB, before %" G_GUINT64_FORMAT " KiB",
                   peak_rss_kib(), before);
    g_assert_cmpuint(peak_rss_kib(), <, before + 32 * 1024);
}

/* Writes data gzip-compressed, repeated times times, to name. */
static char *gzip_file(const char *name, const void *data, gsize len, unsigned times)
{
    char *path = tmp_path(name);
    FILE *f = fopen(path, "wb");
    g_assert_nonnull(f);
    z_stream z = {0};
    g_assert_cmpint(deflateInit2(&z, 9, Z_DEFLATED, 16 + MAX_WBITS, 9, Z_DEFAULT_STRATEGY), ==,
                    Z_OK);
    g_autofree guint8 *out = g_malloc(1 << 16);
    for (unsigned i = 0; i < times; i++) {
        z.next_in = (Bytef *) data;
        z.avail_in = (uInt) len;
        int flush = i + 1 == times ? Z_FINISH : Z_NO_FLUSH;
        int r;
        do {
            z.next_out = out;
            z.avail_out = 1 << 16;
            r = deflate(&z, flush);
            g_assert_cmpint(r, !=, Z_STREAM_ERROR);
            g_assert_cmpuint(fwrite(out, 1, (1 << 16) - z.avail_out, f), ==,
                             (1 << 16) - z.avail_out);
        } while (z.avail_out == 0 || (flush == Z_FINISH && r != Z_STREAM_END));
    }
    deflateEnd(&z);
    fclose(f);
    return path;
}

/* 1 GiB of zeros in about 1 MB of gzip, as the kernel of a 64 MiB machine: refused once
 * the RAM there is for it is full, naming the file and that room. */
static void test_gzip_bomb(void)
{
    g_autoptr(VrAddressSpace) as = ram_of(64ull << 20);
    g_autofree guint8 *zeros = g_malloc0(1 << 20);
    g_autofree char *path = gzip_file("bomb.Image.gz", zeros, 1 << 20, 1024);
    reset_peak_rss();
    guint64 before = peak_rss_kib();
    VrBootImage k;
    g_autoptr(GError) error = NULL;
    g_assert_false(
        vr_boot_load_kernel(path, as, KERNEL_ADDR, RAM_BASE + (64ull << 20), &k, &error));
    g_assert_error(error, G_IO_ERROR, G_IO_ERROR_NO_SPACE);
    g_assert_nonnull(strstr(error->message, path));
    g_assert_nonnull(strstr(error->message, "62 MiB"));
    /* The guest RAM it filled (62 MiB), and little else. */
    g_test_message("peak RSS %" G_GUINT64_FORMAT " KiB, before %" G_GUINT64_FORMAT " KiB",
                   peak_rss_kib(), before);
    g_assert_cmpuint(peak_rss_kib(), <, before + 96 * 1024);
}

/* A gzip-compressed Linux Image that fits is decompressed into place. */
static void test_gzip_image(void)
{
    g_autoptr(VrAddressSpace) as = ram_of(64ull << 20);
    guint8 image[8192];
    memset(image, 0x13, sizeof(image));
    memset(image, 0, 64);
    image_header(image, 1 << 20);
    g_autofree char *path = gzip_file("ok.Image.gz", image, sizeof(image), 1);
    VrBootImage k;
    g_autoptr(GError) error = NULL;
    g_assert_true(vr_boot_load_kernel(path, as, KERNEL_ADDR, RAM_BASE + (64ull << 20), &k, &error));
    g_assert_no_error(error);
    g_assert_cmphex(k.end, ==, KERNEL_ADDR + (1 << 20));
    guint8 back[sizeof(image)];
    g_assert_true(vr_address_space_read_ram(as, KERNEL_ADDR, back, sizeof(back)));
    g_assert_cmpmem(back, sizeof(back), image, sizeof(image));
}

/* The probe and the loader agree on path: it boots exactly when the probe says it is a kernel
 * (given the room), and a refusal gives the same reason. */
static VrBootFileKind probe_as_loader(const char *path)
{
    g_autoptr(VrAddressSpace) as = ram_of(64ull << 20);
    g_autoptr(GError) probe_error = NULL, load_error = NULL;
    VrBootFileKind kind = vr_boot_probe_kernel(path, &probe_error);
    VrBootImage k;
    gboolean loaded =
        vr_boot_load_kernel(path, as, KERNEL_ADDR, RAM_BASE + (64ull << 20), &k, &load_error);
    if (kind == VR_BOOT_FILE_UNUSABLE) {
        g_assert_nonnull(probe_error);
        g_assert_false(loaded);
        g_assert_cmpstr(probe_error->message, ==, load_error->message);
    } else {
        g_assert_no_error(probe_error);
        g_assert_no_error(load_error);
        g_assert_true(loaded);
    }
    return kind;
}

/* What each kind of boot file is to the probe: Linux Images (gzip'd too), ELF programs, flat
 * binaries such as U-Boot; and what is not bootable, with the reason. */
static void test_probe_kernel(void)
{
    guint8 image[8192];
    memset(image, 0x13, sizeof(image));
    memset(image, 0, 64);
    image_header(image, 1 << 20);
    g_autofree char *image_path = write_file("Image", image, sizeof(image));
    g_assert_cmpint(probe_as_loader(image_path), ==, VR_BOOT_FILE_LINUX);
    g_autofree char *linux_gz = gzip_file("Image.gz", image, sizeof(image), 1);
    g_assert_cmpint(probe_as_loader(linux_gz), ==, VR_BOOT_FILE_LINUX_GZIP);
    /* Larger than the part the probe decompresses. */
    g_autofree char *big_gz = gzip_file("big.Image.gz", image, sizeof(image), 64);
    g_assert_cmpint(probe_as_loader(big_gz), ==, VR_BOOT_FILE_LINUX_GZIP);

    g_autofree guint8 *elf = build_elf(0x1000 + 16, 64, 1, 16, 64, 0);
    g_autofree char *elf_path = write_file("prog.elf", elf, 0x1000 + 16);
    g_assert_cmpint(probe_as_loader(elf_path), ==, VR_BOOT_FILE_ELF);
    g_autofree char *elf_gz = gzip_file("prog.elf.gz", elf, 0x1000 + 16, 1);
    g_assert_cmpint(probe_as_loader(elf_gz), ==, VR_BOOT_FILE_ELF);

    /* A flat binary as U-Boot is: code from its first byte, no header. */
    guint8 flat[4096];
    for (unsigned i = 0; i < sizeof(flat); i++)
        flat[i] = (guint8) (i * 7 + 0x97);
    g_autofree char *uboot = write_file("u-boot.bin", flat, sizeof(flat));
    g_assert_cmpint(probe_as_loader(uboot), ==, VR_BOOT_FILE_FLAT);
    const char *debian_uboot = "/usr/lib/u-boot/qemu-riscv64_smode/u-boot.bin";
    if (g_file_test(debian_uboot, G_FILE_TEST_IS_REGULAR))
        g_assert_cmpint(probe_as_loader(debian_uboot), ==, VR_BOOT_FILE_FLAT);

    /* Not bootable, each with its reason. */
    g_autoptr(GError) error = NULL;
    g_autofree char *empty = write_file("empty", "", 0);
    g_assert_cmpint(probe_as_loader(empty), ==, VR_BOOT_FILE_UNUSABLE);
    g_autofree char *text = write_file("notes.txt", "this is a note, not a kernel\n", 29);
    g_assert_cmpint(probe_as_loader(text), ==, VR_BOOT_FILE_UNUSABLE);
    g_assert_cmpint(vr_boot_probe_kernel(text, &error), ==, VR_BOOT_FILE_UNUSABLE);
    g_assert_nonnull(strstr(error->message, "a text file"));
    g_clear_error(&error);
    g_autofree guint8 *x86 = build_elf(0x1000 + 16, 64, 1, 16, 64, 0);
    put16(x86 + 18, 62); /* EM_X86_64 */
    g_autofree char *x86_path = write_file("x86.elf", x86, 0x1000 + 16);
    g_assert_cmpint(probe_as_loader(x86_path), ==, VR_BOOT_FILE_UNUSABLE);
    g_assert_cmpint(vr_boot_probe_kernel(x86_path, &error), ==, VR_BOOT_FILE_UNUSABLE);
    g_assert_nonnull(strstr(error->message, "not RISC-V"));
    g_clear_error(&error);
    g_autofree char *text_gz = gzip_file("notes.gz", "#!/bin/sh\necho this is a script\n", 32, 1);
    g_assert_cmpint(probe_as_loader(text_gz), ==, VR_BOOT_FILE_UNUSABLE);
    guint8 damaged[64] = {0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3, 0xff, 0xff, 0xff};
    g_autofree char *damaged_path = write_file("damaged.gz", damaged, sizeof(damaged));
    g_assert_cmpint(probe_as_loader(damaged_path), ==, VR_BOOT_FILE_UNUSABLE);
    g_assert_cmpint(vr_boot_probe_kernel(damaged_path, &error), ==, VR_BOOT_FILE_UNUSABLE);
    g_assert_nonnull(strstr(error->message, "gzip"));
    g_clear_error(&error);
    g_assert_cmpint(vr_boot_probe_kernel(tmp_root, &error), ==, VR_BOOT_FILE_UNUSABLE);
    g_assert_nonnull(strstr(error->message, "directory"));
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    tmp_root = g_dir_make_tmp("vireo-loaders-XXXXXX", NULL);
    g_assert_nonnull(tmp_root);
    g_test_add_func("/loaders/image/size-wraps", test_image_size_wraps);
    g_test_add_func("/loaders/image/size-fits", test_image_size_fits);
    g_test_add_func("/loaders/elf/misaligned-headers", test_elf_misaligned_headers);
    g_test_add_func("/loaders/elf/many-segments", test_elf_many_segments);
    g_test_add_func("/loaders/size/sparse", test_sparse_boot_files);
    g_test_add_func("/loaders/size/gzip-bomb", test_gzip_bomb);
    g_test_add_func("/loaders/gzip/image", test_gzip_image);
    g_test_add_func("/loaders/probe/kernel", test_probe_kernel);
    int rc = g_test_run();
    g_autofree char *cmd = g_strdup_printf("rm -rf '%s'", tmp_root);
    if (system(cmd) != 0)
        g_warning("could not remove %s", tmp_root);
    g_free(tmp_root);
    return rc;
}
