/* Duplicating a machine whose disks lie outside its folder: the copy gets its own copy of
 * every writable disk (sparse, in its folder), shares the read-only installer image, and the
 * window says which it did. Runs in English and in German (LANGUAGE=de). */
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <sys/stat.h>

#include "ui-test.h"
#include "vr-library.h"

static void write_at(const char *path, long offset, const char *text)
{
    FILE *f = fopen(path, "r+b");
    g_assert_nonnull(f);
    g_assert_cmpint(fseek(f, offset, SEEK_SET), ==, 0);
    fputs(text, f);
    fclose(f);
}

static void test_duplicate_external(void)
{
    g_autoptr(GError) error = NULL;
    /* A 64 MiB sparse disk with a few blocks written, outside the machine folder. */
    g_autofree char *data = g_build_filename(ui_scratch_dir(), "data.img", NULL);
    g_assert_true(vr_disk_create_raw(data, 64 << 20, &error));
    write_at(data, 0, "boot block");
    write_at(data, 33 << 20, "a block in the middle");
    g_autofree char *iso = ui_make_iso("installer.iso", "HOMEBREW_INSTALLER");

    VrMachineConfig cfg;
    vr_machine_config_init(&cfg);
    cfg.name = g_strdup("Worker");
    cfg.kernel = g_strdup("/bin/sh");
    cfg.bios = g_strdup("none");
    cfg.memory = 256ull << 20;
    vr_machine_config_add_disk(&cfg, data, false);
    vr_machine_config_add_disk(&cfg, iso, true);
    g_autofree char *folder = vr_library_create(ui_machines_dir(), &cfg, 0, &error);
    g_assert_no_error(error);
    vr_machine_config_clear(&cfg);
    vireo_library_reload(ui_library());
    UI_WAIT_FOR(ui_row_for("Worker"), 5000, "the machine in the library");
    g_autofree char *data_before = NULL;
    gsize data_len;
    g_assert_true(g_file_get_contents(data, &data_before, &data_len, NULL));

    VireoMachine *m = vireo_machine_row_get_machine(ui_row_for("Worker"));
    vireo_window_duplicate_machine(ui_window(), m);
    /* Translators' words for the name of the copy. */
    g_autofree char *copy_name = g_strdup_printf(_("%s (Copy)"), "Worker");
    UI_WAIT_FOR(ui_row_for(copy_name), 10000, "the copy in the library");

    /* The window says what it copied and what it shares. */
    g_autofree char *copied =
        g_strdup_printf(g_dngettext(GETTEXT_PACKAGE, "copied %u disk", "copied %u disks", 1), 1);
    g_autofree char *shared = g_strdup_printf(_("“%s” is shared (read-only)"), "installer.iso");
    g_autofree char *what = g_strdup_printf("%s%s%s", copied, _("; "), shared);
    g_autofree char *expected = g_strdup_printf(_("“%s” created: %s"), copy_name, what);
    GtkWidget *overlay = ui_find(GTK_WIDGET(ui_window()), "toast_overlay");
    /* The toast is too short for all of it: its Details show the whole report. */
    g_autofree char *created = g_strdup_printf(_("“%s” created"), copy_name);
    GtkWidget *details = NULL;
    UI_WAIT_FOR(ui_find_label(overlay, created) &&
                    (details = ui_find_button(overlay, _("_Details"))),
                5000, "the toast saying what was copied");
    ui_click(details);
    GtkWidget *dialog = NULL;
    UI_WAIT_FOR((dialog = ui_find_toplevel(ADW_TYPE_MESSAGE_DIALOG)), 5000, "the details");
    g_assert_nonnull(ui_find_label(dialog, expected));
    if (g_str_equal(g_getenv("LANGUAGE"), "de"))
        g_assert_nonnull(ui_find_label(dialog, "wird geteilt"));
    else
        g_assert_nonnull(ui_find_label(dialog, "copied 1 disk; “installer.iso” is shared"));
    ui_screenshot(dialog, g_str_equal(g_getenv("LANGUAGE"), "de") ? "duplicate-external-german"
                                                                  : "duplicate-external");
    gtk_window_close(GTK_WINDOW(dialog));
    ui_iterate(200);

    /* machine.ini of the copy names a disk in its own folder, and the shared ISO. */
    g_autoptr(GKeyFile) kf = ui_read_ini(copy_name);
    g_autofree char *disk0 = g_key_file_get_string(kf, "disk 0", "path", NULL);
    g_assert_cmpstr(disk0, ==, "data.img");
    g_assert_false(g_key_file_get_boolean(kf, "disk 0", "readonly", NULL));
    g_autofree char *disk1 = g_key_file_get_string(kf, "disk 1", "path", NULL);
    g_assert_cmpstr(disk1, ==, iso);
    g_assert_true(g_key_file_get_boolean(kf, "disk 1", "readonly", NULL));
    g_autofree char *copy_folder = vr_library_folder_for(ui_machines_dir(), copy_name);
    g_autofree char *copy_data = g_build_filename(copy_folder, "data.img", NULL);
    g_autofree char *copy_bytes = NULL;
    gsize copy_len;
    g_assert_true(g_file_get_contents(copy_data, &copy_bytes, &copy_len, NULL));
    g_assert_cmpmem(data_before, data_len, copy_bytes, copy_len);
    GStatBuf st;
    g_assert_cmpint(g_stat(copy_data, &st), ==, 0);
    g_assert_cmpuint((guint64) st.st_blocks * 512, <, 1 << 20); /* sparse */
    /* The original still names its own disk. */
    g_autoptr(GKeyFile) original = ui_read_ini("Worker");
    g_autofree char *orig0 = g_key_file_get_string(original, "disk 0", "path", NULL);
    g_assert_cmpstr(orig0, ==, data);
}

int main(int argc, char **argv)
{
    ui_test_init(&argc, &argv);
    g_test_add_func("/ui/duplicate/external-disks", test_duplicate_external);
    int status = g_test_run();
    ui_test_finish();
    return status;
}
