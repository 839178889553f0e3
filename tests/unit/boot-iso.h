/* Bootable ISO images for tests, made by xorriso (Debian package xorriso) as install images
 * are: an El Torito boot catalog and EFI loaders in /EFI/BOOT. */
#ifndef BOOT_ISO_H
#define BOOT_ISO_H

#include <glib.h>
#include <string.h>
#include <sys/wait.h>
#include <glib/gstdio.h>

typedef enum {
    BOOT_ISO_X86,      /* a BIOS entry and an EFI entry; /EFI/BOOT/BOOTX64.EFI */
    BOOT_ISO_X86_BIOS, /* a BIOS entry only, no /EFI */
    BOOT_ISO_RISCV64,  /* an EFI entry; /EFI/BOOT/BOOTRISCV64.EFI */
    /* As BOOT_ISO_RISCV64, hybrid as Debian's ISOs: the EFI image is also appended as MBR
     * partition 2 of type 0xEF, and the El Torito entry points at that partition. */
    BOOT_ISO_RISCV64_HYBRID,
} BootIsoKind;

/* Makes dir/name with the volume label volume_id; fails the test when xorriso is missing or
 * fails. */
static inline char *boot_iso_make(const char *dir, const char *name, const char *volume_id,
                                  BootIsoKind kind)
{
    g_autofree char *xorriso = g_find_program_in_path("xorriso");
    if (!xorriso)
        g_error("xorriso is not installed (Debian package xorriso; scripts/install-deps.sh)");
    g_autofree char *tree_name = g_strconcat(name, ".tree", NULL);
    g_autofree char *tree = g_build_filename(dir, tree_name, NULL);
    g_autofree char *efi_dir = g_build_filename(tree, "EFI", "BOOT", NULL);
    g_autofree char *boot_dir = g_build_filename(tree, "boot", NULL);
    g_assert_cmpint(g_mkdir_with_parents(boot_dir, 0755), ==, 0);
    /* The loaders' contents do not matter here, only where they are. */
    static const char zeros[4096];
    g_autofree char *efi_img = g_build_filename(boot_dir, "efi.img", NULL);
    g_autofree char *bios_bin = g_build_filename(boot_dir, "bios.bin", NULL);
    g_assert_true(g_file_set_contents(efi_img, zeros, sizeof(zeros), NULL));
    g_assert_true(g_file_set_contents(bios_bin, zeros, 2048, NULL));
    if (kind != BOOT_ISO_X86_BIOS) {
        g_assert_cmpint(g_mkdir_with_parents(efi_dir, 0755), ==, 0);
        g_autofree char *loader = g_build_filename(
            efi_dir, kind == BOOT_ISO_X86 ? "BOOTX64.EFI" : "BOOTRISCV64.EFI", NULL);
        g_assert_true(g_file_set_contents(loader, "MZ", 2, NULL));
    }
    char *path = g_build_filename(dir, name, NULL);
    g_unlink(path);
    GPtrArray *argv = g_ptr_array_new();
    const char *common[] = {xorriso, "-as", "mkisofs", "-quiet", "-o",
                            path,    "-V",  volume_id, "-R",     "-J"};
    for (unsigned i = 0; i < G_N_ELEMENTS(common); i++)
        g_ptr_array_add(argv, (char *) common[i]);
    if (kind == BOOT_ISO_X86 || kind == BOOT_ISO_X86_BIOS) {
        const char *bios[] = {"-b", "boot/bios.bin", "-no-emul-boot", "-boot-load-size", "4"};
        for (unsigned i = 0; i < G_N_ELEMENTS(bios); i++)
            g_ptr_array_add(argv, (char *) bios[i]);
    }
    if (kind == BOOT_ISO_X86)
        g_ptr_array_add(argv, "-eltorito-alt-boot");
    if (kind == BOOT_ISO_RISCV64_HYBRID) {
        const char *efi[] = {"-e",
                             "--interval:appended_partition_2:all::",
                             "-no-emul-boot",
                             "-append_partition",
                             "2",
                             "0xef",
                             efi_img,
                             "-partition_cyl_align",
                             "all"};
        for (unsigned i = 0; i < G_N_ELEMENTS(efi); i++)
            g_ptr_array_add(argv, (char *) efi[i]);
    } else if (kind != BOOT_ISO_X86_BIOS) {
        const char *efi[] = {"-e", "boot/efi.img", "-no-emul-boot"};
        for (unsigned i = 0; i < G_N_ELEMENTS(efi); i++)
            g_ptr_array_add(argv, (char *) efi[i]);
    }
    g_ptr_array_add(argv, tree);
    g_ptr_array_add(argv, NULL);
    int status = 0;
    g_autofree char *err = NULL;
    /* xorriso 1.5.4 has been seen to crash with SIGSEGV now and then on a loaded machine (it
     * catches the signal, prints "UNIX-SIGNAL" and aborts): such a crash is tried once more,
     * and said. */
    for (int attempt = 0; attempt < 2; attempt++) {
        g_autoptr(GError) error = NULL;
        g_clear_pointer(&err, g_free);
        g_unlink(path);
        g_assert_true(g_spawn_sync(NULL, (char **) argv->pdata, NULL, G_SPAWN_STDOUT_TO_DEV_NULL,
                                   NULL, NULL, NULL, &err, &status, &error));
        g_assert_no_error(error);
        if (attempt == 0 && (WIFSIGNALED(status) || (err && strstr(err, "UNIX-SIGNAL")))) {
            g_test_message("xorriso crashed; once more: %s", err);
            continue;
        }
        break;
    }
    if (!g_spawn_check_wait_status(status, NULL))
        g_error("xorriso failed: %s", err);
    g_ptr_array_unref(argv);
    return path;
}

#endif
