/* A disk image given through a symbolic link: refused read-write (the guest would write the
 * file the link leads to, wherever that is) with a message naming both, unless machine.ini
 * allows it with follow-symlink=true; read-only it is used. By virtio-blk, the library's
 * checks (`vireo create`, `vireo list`) and `vireo run`. */
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "virtio/virtio-blk.h"
#include "virtio/virtio.h"
#include "vr-library.h"
#include "vr-machine-config.h"

static char *tmp_root;

static char *tmp_path(const char *name)
{
    return g_build_filename(tmp_root, name, NULL);
}

/* target.img, and link.img leading to it; the link's path comes back. */
static char *linked_image(char **target_out)
{
    g_autofree char *target = tmp_path("target.img");
    g_autofree char *zeros = g_malloc0(65536);
    g_assert_true(g_file_set_contents(target, zeros, 65536, NULL));
    char *link = tmp_path("link.img");
    g_unlink(link);
    g_assert_cmpint(symlink(target, link), ==, 0);
    *target_out = g_steal_pointer(&target);
    return link;
}

static void test_virtio_blk(void)
{
    g_autofree char *target = NULL;
    g_autofree char *link = linked_image(&target);
    g_autoptr(GError) error = NULL;
    g_assert_null(vr_virtio_blk_open(link, false, false, &error));
    g_assert_error(error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED);
    g_assert_nonnull(strstr(error->message, link));
    g_assert_nonnull(strstr(error->message, target));
    g_clear_error(&error);
    g_assert_null(vr_virtio_blk_new(link, false, &error));
    g_clear_error(&error);

    VrVirtioDevice *ro = vr_virtio_blk_open(link, true, false, &error);
    g_assert_no_error(error);
    vr_virtio_device_free(ro);
    VrVirtioDevice *allowed = vr_virtio_blk_open(link, false, true, &error);
    g_assert_no_error(error);
    vr_virtio_device_free(allowed);
    VrVirtioDevice *direct = vr_virtio_blk_open(target, false, false, &error);
    g_assert_no_error(error);
    vr_virtio_device_free(direct);
}

static void write_ini(const char *folder, const char *disk_group)
{
    g_autofree char *ini = g_build_filename(folder, "machine.ini", NULL);
    g_autofree char *text = g_strdup_printf("[machine]\nname=Linked\nmemory=64M\n\n"
                                            "%s",
                                            disk_group);
    g_assert_true(g_file_set_contents(ini, text, -1, NULL));
}

static void test_library(void)
{
    g_autofree char *target = NULL;
    g_autofree char *link = linked_image(&target);
    g_autofree char *folder = tmp_path("Linked.vireo");
    g_assert_cmpint(g_mkdir_with_parents(folder, 0755), ==, 0);

    g_autofree char *rw = g_strdup_printf("[disk 0]\npath=%s\nreadonly=false\n", link);
    write_ini(folder, rw);
    g_autoptr(VrLibraryEntry) e = vr_library_entry_load(folder);
    g_assert_cmpint(e->problem, ==, VR_PROBLEM_MISSING_FILE);
    g_assert_cmpint(e->problem_role, ==, VR_FILE_DISK);
    g_assert_nonnull(strstr(e->problem_message, link));
    g_assert_nonnull(strstr(e->problem_message, target));

    g_autofree char *ro = g_strdup_printf("[disk 0]\npath=%s\nreadonly=true\n", link);
    write_ini(folder, ro);
    g_autoptr(VrLibraryEntry) e_ro = vr_library_entry_load(folder);
    g_assert_cmpint(e_ro->problem, ==, VR_PROBLEM_NONE);

    g_autofree char *allowed =
        g_strdup_printf("[disk 0]\npath=%s\nreadonly=false\nfollow-symlink=true\n", link);
    write_ini(folder, allowed);
    g_autoptr(VrLibraryEntry) e_ok = vr_library_entry_load(folder);
    g_assert_cmpint(e_ok->problem, ==, VR_PROBLEM_NONE);
    g_assert_true(g_array_index(e_ok->cfg.disks, VrDiskConfig, 0).follow_symlink);

    /* Written back as it was read. */
    g_autofree char *ini = g_build_filename(folder, "machine.ini", NULL);
    g_autoptr(GError) error = NULL;
    g_assert_true(vr_machine_config_save_file(&e_ok->cfg, ini, &error));
    g_autofree char *text = NULL;
    g_assert_true(g_file_get_contents(ini, &text, NULL, NULL));
    g_assert_nonnull(strstr(text, "follow-symlink=true"));

    g_autofree char *bad = g_strdup_printf("[disk 0]\npath=%s\nfollow-symlink=perhaps\n", link);
    write_ini(folder, bad);
    g_autoptr(VrLibraryEntry) e_bad = vr_library_entry_load(folder);
    g_assert_cmpint(e_bad->problem, ==, VR_PROBLEM_CONFIG);
    g_assert_nonnull(strstr(e_bad->problem_message, "follow-symlink"));
}

/* `vireo run --disk LINK` is refused with the message; `--disk LINK,readonly` is not. */
static void test_cli(void)
{
    const char *vireo = g_getenv("VIREO");
    if (!vireo) {
        g_test_skip("VIREO is not set");
        return;
    }
    g_autofree char *target = NULL;
    g_autofree char *link = linked_image(&target);
    const char *argv[] = {"timeout", "60", vireo,       "run", "--memory", "64M",
                          "--disk",  link, "--timeout", "5",   NULL};
    g_autofree char *err = NULL;
    int status = 0;
    g_assert_true(g_spawn_sync(NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL,
                               &err, &status, NULL));
    g_test_message("%s", err);
    g_assert_true(WIFEXITED(status));
    g_assert_cmpint(WEXITSTATUS(status), ==, 2);
    g_assert_nonnull(strstr(err, link));
    g_assert_nonnull(strstr(err, target));
    g_assert_nonnull(strstr(err, "symbolic link"));
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    tmp_root = g_dir_make_tmp("vireo-symlinks-XXXXXX", NULL);
    g_assert_nonnull(tmp_root);
    g_test_add_func("/disk-symlinks/virtio-blk", test_virtio_blk);
    g_test_add_func("/disk-symlinks/library", test_library);
    g_test_add_func("/disk-symlinks/cli", test_cli);
    int rc = g_test_run();
    g_autofree char *cmd = g_strdup_printf("rm -rf '%s'", tmp_root);
    if (system(cmd) != 0)
        g_warning("could not remove %s", tmp_root);
    g_free(tmp_root);
    return rc;
}
