/* Boot image and ELF loaders given hostile files (engine/vr-boot.c, engine/vr-elf.c). Built
 * with its own instrumented copy of the loaders (AddressSanitizer and UBSan where the
 * compiler has them), so a misaligned or out-of-bounds read fails the test. */
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <string.h>

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

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    tmp_root = g_dir_make_tmp("vireo-loaders-XXXXXX", NULL);
    g_assert_nonnull(tmp_root);
    g_test_add_func("/loaders/image/size-wraps", test_image_size_wraps);
    g_test_add_func("/loaders/image/size-fits", test_image_size_fits);
    int rc = g_test_run();
    g_autofree char *cmd = g_strdup_printf("rm -rf '%s'", tmp_root);
    if (system(cmd) != 0)
        g_warning("could not remove %s", tmp_root);
    g_free(tmp_root);
    return rc;
}
