/* OS detection of install images with libosinfo (ui/vireo-osinfo.c): an image libosinfo
 * knows, one it does not, and a file that is no install image at all. */
#include <glib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fake-iso.h"
#include "vireo-osinfo.h"

static char *tmp_root;

static char *make_iso(const char *name, const char *volume_id, gboolean damaged)
{
    char *path = g_build_filename(tmp_root, name, NULL);
    g_assert_true(fake_iso_write(path, volume_id, damaged));
    return path;
}

static void test_known(void)
{
    if (!g_file_test("/usr/share/osinfo/os/debian.org/debian-11.xml", G_FILE_TEST_EXISTS)) {
        g_test_skip("osinfo-db has no Debian 11 entry");
        return;
    }
    g_autofree char *iso = make_iso("debian.iso", "Debian 11.5.0 amd64 n", FALSE);
    VireoOsInfo info;
    g_autoptr(GError) error = NULL;
    g_assert_true(vireo_osinfo_detect(iso, &info, &error));
    g_assert_no_error(error);
    g_assert_true(info.identified);
    g_assert_cmpstr(info.name, ==, "Debian 11");
    g_assert_cmpstr(info.short_id, ==, "debian11");
    g_assert_cmpstr(info.arch, ==, "x86_64");
    g_assert_cmpuint(info.memory, ==, 1ull << 30);
    g_assert_cmpuint(info.storage, ==, 20ull << 30);
    g_assert_cmpuint(info.cpus, >=, 1);
    vireo_osinfo_clear(&info);
}

static void test_unknown(void)
{
    g_autofree char *iso = make_iso("mystery.iso", "MYSTERY_DISC_2049", FALSE);
    VireoOsInfo info;
    g_autoptr(GError) error = NULL;
    g_assert_true(vireo_osinfo_detect(iso, &info, &error));
    g_assert_false(info.identified);
    g_assert_null(info.name);
    g_assert_cmpstr(info.volume_id, ==, "MYSTERY_DISC_2049");
    vireo_osinfo_clear(&info);
}

static void test_not_an_image(void)
{
    g_autofree char *path = g_build_filename(tmp_root, "notes.iso", NULL);
    g_assert_true(g_file_set_contents(path, "just some text", -1, NULL));
    VireoOsInfo info;
    g_autoptr(GError) error = NULL;
    g_assert_false(vireo_osinfo_detect(path, &info, &error));
    g_assert_nonnull(error);
    g_assert_nonnull(strstr(error->message, "notes.iso"));
    vireo_osinfo_clear(&info);
}

/* A damaged image is refused before libosinfo reads it (libosinfo 1.10 trips over an
 * empty root directory record). */
static void test_damaged(void)
{
    g_autofree char *iso = make_iso("damaged.iso", "Debian 11.5.0 amd64 n", TRUE);
    VireoOsInfo info;
    g_autoptr(GError) error = NULL;
    g_assert_false(vireo_osinfo_detect(iso, &info, &error));
    g_assert_nonnull(strstr(error->message, "damaged.iso"));
    vireo_osinfo_clear(&info);
    /* Truncated right after the volume descriptor. */
    g_autofree char *data = NULL;
    gsize len;
    g_assert_true(g_file_get_contents(iso, &data, &len, NULL));
    g_autofree char *cut = g_build_filename(tmp_root, "cut.iso", NULL);
    g_autofree char *good = make_iso("good.iso", "Debian 11.5.0 amd64 n", FALSE);
    g_clear_pointer(&data, g_free);
    g_assert_true(g_file_get_contents(good, &data, &len, NULL));
    g_assert_true(g_file_set_contents(cut, data, 17 * 2048, NULL));
    g_clear_error(&error);
    g_assert_false(vireo_osinfo_detect(cut, &info, &error));
    vireo_osinfo_clear(&info);
}

/* A named pipe or a device given as the image is refused as Vireo refuses it everywhere else,
 * without waiting for a writer that never comes or reading forever (alarm: a hang fails). */
static void test_not_a_file(void)
{
    g_autofree char *fifo = g_build_filename(tmp_root, "pipe.iso", NULL);
    g_assert_cmpint(mkfifo(fifo, 0600), ==, 0);
    const char *paths[] = {fifo, "/dev/zero", tmp_root};
    const char *kinds[] = {"named pipe", "character device", "directory"};
    alarm(20);
    for (unsigned i = 0; i < G_N_ELEMENTS(paths); i++) {
        VireoOsInfo info;
        g_autoptr(GError) error = NULL;
        g_assert_false(vireo_osinfo_detect(paths[i], &info, &error));
        g_assert_nonnull(error);
        g_assert_nonnull(strstr(error->message, kinds[i]));
        vireo_osinfo_clear(&info);
    }
    alarm(0);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    tmp_root = g_dir_make_tmp("vireo-osinfo-XXXXXX", NULL);
    g_test_add_func("/osinfo/known", test_known);
    g_test_add_func("/osinfo/unknown", test_unknown);
    g_test_add_func("/osinfo/not-an-image", test_not_an_image);
    g_test_add_func("/osinfo/damaged", test_damaged);
    g_test_add_func("/osinfo/not-a-file", test_not_a_file);
    int status = g_test_run();
    g_autofree char *cmd = g_strdup_printf("rm -rf '%s'", tmp_root);
    if (system(cmd) != 0)
        g_message("could not remove %s", tmp_root);
    return status;
}
