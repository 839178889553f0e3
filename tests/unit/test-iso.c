/* What an install image boots on (engine/vr-iso.c): images made by xorriso as distributions
 * make them, one without a boot catalog, and damaged ones. */
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <stdlib.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "boot-iso.h"
#include "fake-iso.h"
#include "vr-iso.h"

static char *tmp_root;

static void test_x86(void)
{
    g_autofree char *iso = boot_iso_make(tmp_root, "x86.iso", "X86_INSTALL", BOOT_ISO_X86);
    VrIsoBoot boot;
    g_autoptr(GError) error = NULL;
    g_assert_true(vr_iso_read_boot(iso, &boot, &error));
    g_assert_no_error(error);
    g_assert_true(boot.bios);
    g_assert_true(boot.efi);
    g_assert_true(boot.efi_x86);
    g_assert_false(boot.efi_riscv);
    g_assert_cmpstr(vr_iso_boot_arch(&boot), ==, "x86_64");

    g_autofree char *bios = boot_iso_make(tmp_root, "bios.iso", "BIOS_ONLY", BOOT_ISO_X86_BIOS);
    g_assert_true(vr_iso_read_boot(bios, &boot, &error));
    g_assert_true(boot.bios);
    g_assert_false(boot.efi || boot.efi_x86 || boot.efi_riscv);
    g_assert_cmpstr(vr_iso_boot_arch(&boot), ==, "x86_64");
}

static void test_riscv64(void)
{
    g_autofree char *iso = boot_iso_make(tmp_root, "riscv.iso", "RISCV_INSTALL", BOOT_ISO_RISCV64);
    VrIsoBoot boot;
    g_autoptr(GError) error = NULL;
    g_assert_true(vr_iso_read_boot(iso, &boot, &error));
    g_assert_false(boot.bios);
    g_assert_true(boot.efi);
    g_assert_true(boot.efi_riscv);
    g_assert_false(boot.efi_x86);
    g_assert_cmpstr(vr_iso_boot_arch(&boot), ==, "riscv64");
    /* A RISC-V loader wins over others on the same image. */
    boot.bios = boot.efi_x86 = true;
    g_assert_cmpstr(vr_iso_boot_arch(&boot), ==, "riscv64");
}

/* Hybrid as Debian's ISOs (and tests/guests/build-installer-iso.sh): an MBR in sector 0 whose
 * partition 2 is the EFI image, which the El Torito entry points at outside the ISO 9660 tree. */
static void test_riscv64_hybrid(void)
{
    g_autofree char *iso =
        boot_iso_make(tmp_root, "hybrid.iso", "RISCV_HYBRID", BOOT_ISO_RISCV64_HYBRID);
    g_autofree char *data = NULL;
    gsize len = 0;
    g_assert_true(g_file_get_contents(iso, &data, &len, NULL));
    g_assert_cmpuint(len, >, 512);
    g_assert_cmpuint((guint8) data[510], ==, 0x55);
    g_assert_cmpuint((guint8) data[511], ==, 0xaa);
    g_assert_cmpuint((guint8) data[0x1be + 16 + 4], ==, 0xef); /* partition 2's type */
    VrIsoBoot boot;
    g_autoptr(GError) error = NULL;
    g_assert_true(vr_iso_read_boot(iso, &boot, &error));
    g_assert_no_error(error);
    g_assert_false(boot.bios);
    g_assert_true(boot.efi);
    g_assert_true(boot.efi_riscv);
    g_assert_cmpstr(vr_iso_boot_arch(&boot), ==, "riscv64");
}

/* No boot catalog, no /EFI: nothing to tell, and no error. */
static void test_plain(void)
{
    g_autofree char *iso = g_build_filename(tmp_root, "plain.iso", NULL);
    g_assert_true(fake_iso_write(iso, "DATA", FALSE));
    VrIsoBoot boot;
    g_autoptr(GError) error = NULL;
    g_assert_true(vr_iso_read_boot(iso, &boot, &error));
    g_assert_null(vr_iso_boot_arch(&boot));

    g_autofree char *text = g_build_filename(tmp_root, "notes.txt", NULL);
    g_assert_true(g_file_set_contents(text, "not an image", -1, NULL));
    g_assert_false(vr_iso_read_boot(text, &boot, &error));
    g_assert_error(error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
    g_assert_nonnull(strstr(error->message, "notes.txt"));
}

/* Damaged images: cut short, a catalog pointing past the end, records with lengths that
 * overrun their directory. Each reads without a crash and says what it can. */
static void test_damaged(void)
{
    g_autofree char *good = boot_iso_make(tmp_root, "to-damage.iso", "DAMAGE", BOOT_ISO_X86);
    g_autofree char *data = NULL;
    gsize len;
    g_assert_true(g_file_get_contents(good, &data, &len, NULL));
    g_autofree char *bad = g_build_filename(tmp_root, "damaged.iso", NULL);
    VrIsoBoot boot;

    /* Cut anywhere: never a crash; cut before the descriptors, an error. */
    g_assert_true(g_file_set_contents(bad, data, (gssize) len, NULL));
    for (gssize cut = (gssize) len - 1; cut >= 0; cut -= 2048 * 3 + 7) {
        g_assert_cmpint(truncate(bad, (off_t) cut), ==, 0);
        g_autoptr(GError) error = NULL;
        bool ok = vr_iso_read_boot(bad, &boot, &error);
        g_assert_true(ok || error);
        if (cut < 17 * 2048)
            g_assert_false(ok);
        else /* shorter than its file system says */
            g_assert_nonnull(strstr(error->message, "damaged"));
    }
    /* Every byte of the descriptors, the catalog and the directories flipped, one at a time
     * (the loader files are the last part of the image). */
    g_assert_true(g_file_set_contents(bad, data, (gssize) len, NULL));
    int fd = g_open(bad, O_RDWR, 0);
    g_assert_cmpint(fd, >=, 0);
    for (gsize at = 16 * 2048; at < MIN(len, 40 * 2048); at += 13) {
        guint8 flipped = (guint8) data[at] ^ 0xff;
        g_assert_cmpint(pwrite(fd, &flipped, 1, (off_t) at), ==, 1);
        g_autoptr(GError) error = NULL;
        if (vr_iso_read_boot(bad, &boot, &error))
            (void) vr_iso_boot_arch(&boot);
        g_assert_cmpint(pwrite(fd, data + at, 1, (off_t) at), ==, 1);
    }
    close(fd);
    g_autofree char *copy = g_memdup2(data, len);
    /* A boot record whose catalog lies far past the end of the file. */
    memcpy(copy, data, len);
    for (unsigned i = 16; i < 32; i++) {
        guint8 *vd = (guint8 *) copy + i * 2048;
        if (vd[0] == 0 && memcmp(vd + 1, "CD001", 5) == 0) {
            vd[71] = vd[72] = vd[73] = vd[74] = 0xff;
            break;
        }
    }
    g_assert_true(g_file_set_contents(bad, copy, (gssize) len, NULL));
    g_autoptr(GError) error = NULL;
    g_assert_true(vr_iso_read_boot(bad, &boot, &error));
    g_assert_false(boot.bios);
    g_assert_true(boot.efi_x86); /* the loader is still there */
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    tmp_root = g_dir_make_tmp("vireo-iso-XXXXXX", NULL);
    g_test_add_func("/iso/x86", test_x86);
    g_test_add_func("/iso/riscv64", test_riscv64);
    g_test_add_func("/iso/riscv64-hybrid", test_riscv64_hybrid);
    g_test_add_func("/iso/plain", test_plain);
    g_test_add_func("/iso/damaged", test_damaged);
    int status = g_test_run();
    g_autofree char *rm = g_strdup_printf("rm -rf '%s'", tmp_root);
    if (system(rm) != 0)
        g_warning("could not remove %s", tmp_root);
    return status;
}
