/* UI tests of CD drives: the machine page's row for each drive shows its disc (or No Disc);
 * Eject and Change CD… work while the machine runs and machine.ini follows (eject-on-reboot
 * dropped); the disc is never written; the settings list the drive as a CD drive; and a
 * guest that restarts with an eject-on-reboot disc gets the banner that says why the CD is
 * gone. Runs in English and in German (LANGUAGE=de): the words checked come from the
 * translation. */
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "ui-test.h"
#include "vr-library.h"

static gboolean german(void)
{
    return g_strcmp0(g_getenv("LANGUAGE"), "de") == 0;
}

static const char *shot(const char *name)
{
    static char buf[128];
    g_snprintf(buf, sizeof(buf), "%s%s", name, german() ? "-german" : "");
    return buf;
}

/* A disc image of size bytes filled with byte. */
static char *make_disc(const char *name, gsize size, char byte)
{
    char *path = g_build_filename(ui_scratch_dir(), name, NULL);
    g_autofree char *data = g_malloc(size);
    memset(data, byte, size);
    g_assert_true(g_file_set_contents(path, data, (gssize) size, NULL));
    return path;
}

static gboolean disc_unchanged(const char *path, gsize size, char byte)
{
    g_autofree char *data = NULL;
    gsize len = 0;
    g_assert_true(g_file_get_contents(path, &data, &len, NULL));
    if (len != size)
        return FALSE;
    for (gsize i = 0; i < len; i++)
        if (data[i] != byte)
            return FALSE;
    return TRUE;
}

/* Gives the machine folder's machine.ini a CD drive ([disk 0]) holding disc. */
static void add_cd_drive(const char *folder, const char *disc, gboolean eject_on_reboot)
{
    g_autofree char *ini = g_build_filename(folder, "machine.ini", NULL);
    g_autoptr(GKeyFile) kf = g_key_file_new();
    g_assert_true(g_key_file_load_from_file(kf, ini, G_KEY_FILE_KEEP_COMMENTS, NULL));
    g_key_file_set_string(kf, "disk 0", "path", disc ? disc : "");
    g_key_file_set_boolean(kf, "disk 0", "cdrom", TRUE);
    g_key_file_set_boolean(kf, "disk 0", "readonly", TRUE);
    if (eject_on_reboot)
        g_key_file_set_boolean(kf, "disk 0", "eject-on-reboot", TRUE);
    g_assert_true(g_key_file_save_to_file(kf, ini, NULL));
}

static char *ini_cd_path(const char *name)
{
    g_autoptr(GKeyFile) kf = ui_read_ini(name);
    return g_key_file_get_string(kf, "disk 0", "path", NULL);
}

static gboolean ini_has_eject_on_reboot(const char *name)
{
    g_autoptr(GKeyFile) kf = ui_read_ini(name);
    return g_key_file_has_key(kf, "disk 0", "eject-on-reboot", NULL);
}

static gboolean media_shows(const char *text)
{
    return ui_find_label(ui_page_widget("media_bar"), text) != NULL;
}

/* Eject and Change CD… on a running machine: the guest's drive, the page and machine.ini all
 * follow, and the discs keep their bytes. */
static void test_change_and_eject(void)
{
    if (!ui_guest("echo.elf")) {
        g_test_skip("the RISC-V test guests were not built (no riscv64-unknown-elf-gcc)");
        return;
    }
    g_autofree char *one = make_disc("installer-one.iso", 1 << 20, 'a');
    g_autofree char *two = make_disc("rescue-two.iso", 2 << 20, 'b');
    g_autofree char *folder = ui_make_machine("Discs", ui_guest("echo.elf"), "none", 64ull << 20);
    add_cd_drive(folder, one, TRUE);
    vireo_library_reload(ui_library());
    VireoMachine *m = vireo_machine_row_get_machine(ui_row_for("Discs"));
    vireo_window_open_machine(ui_window(), m);
    g_assert_true(gtk_widget_get_visible(ui_page_widget("media_bar")));
    g_assert_true(media_shows("installer-one.iso"));
    ui_click(ui_page_widget("big_start_button"));
    UI_WAIT_FOR(vireo_machine_get_state(m) == VIREO_MACHINE_RUNNING, 20000, "the machine to run");
    ui_screenshot(GTK_WIDGET(ui_window()), shot("cdrom-page"));

    /* Change CD…, answered in the chooser. */
    ui_click(ui_find_button(ui_page_widget("media_bar"), _("_Change CD…")));
    ui_answer_chooser(_("Choose a CD Image"), _("ISO Images"), two, shot("chooser-cd"));
    UI_WAIT_FOR(media_shows("rescue-two.iso"), 5000, "the page to show the new disc");
    g_autofree char *changed = ini_cd_path("Discs");
    g_assert_cmpstr(changed, ==, two);
    g_assert_false(ini_has_eject_on_reboot("Discs"));
    g_autofree char *in_drive = vireo_machine_get_cd_path(m, 0);
    g_assert_cmpstr(in_drive, ==, two);
    g_assert_true(vireo_machine_get_state(m) == VIREO_MACHINE_RUNNING);

    /* Eject. */
    ui_click(ui_find_button(ui_page_widget("media_bar"), _("_Eject")));
    UI_WAIT_FOR(media_shows(_("No Disc")), 5000, "the page to show an empty drive");
    g_autofree char *ejected = ini_cd_path("Discs");
    g_assert_cmpstr(ejected, ==, "");
    g_assert_null(vireo_machine_get_cd_path(m, 0));
    g_assert_false(
        gtk_widget_get_sensitive(ui_find_button(ui_page_widget("media_bar"), _("_Eject"))));
    ui_screenshot(GTK_WIDGET(ui_window()), shot("cdrom-no-disc"));

    /* A file that cannot be a disc is refused in the banner; the drive stays empty. */
    g_autofree char *missing = g_build_filename(ui_scratch_dir(), "missing.iso", NULL);
    vireo_machine_page_change_cd(ui_page(), 0, missing);
    g_assert_nonnull(vireo_machine_page_get_banner(ui_page()));
    g_assert_nonnull(strstr(vireo_machine_page_get_banner(ui_page()), "missing.iso"));
    g_assert_true(media_shows(_("No Disc")));

    /* The settings list the drive as a CD drive, empty, with no read-only switch. */
    VireoMachineSettings *settings = vireo_window_open_settings(ui_window(), m);
    adw_preferences_window_set_visible_page(
        ADW_PREFERENCES_WINDOW(settings),
        ADW_PREFERENCES_PAGE(ui_find(GTK_WIDGET(settings), "disks_page")));
    ui_iterate(200);
    GtkWidget *disks = ui_find(GTK_WIDGET(settings), "disk_list");
    g_autofree char *empty = g_strdup_printf(_("%s · %s"), "vda", _("Empty"));
    g_assert_nonnull(ui_find_label(disks, _("CD Drive")));
    g_assert_nonnull(ui_find_label(disks, empty));
    g_assert_null(ui_find_type(disks, GTK_TYPE_SWITCH));
    ui_screenshot(GTK_WIDGET(settings), shot("cdrom-settings"));
    gtk_window_destroy(GTK_WINDOW(settings));

    vireo_machine_page_change_cd(ui_page(), 0, one);
    UI_WAIT_FOR(media_shows("installer-one.iso"), 5000, "the first disc again");
    vireo_machine_force_off(m);
    UI_WAIT_FOR(vireo_machine_get_state(m) == VIREO_MACHINE_OFF, 20000, "the machine to stop");
    g_assert_true(media_shows("installer-one.iso"));
    /* Off, the drive still takes a disc: machine.ini says which. */
    ui_click(ui_find_button(ui_page_widget("media_bar"), _("_Eject")));
    UI_WAIT_FOR(media_shows(_("No Disc")), 5000, "the drive of the machine that is off to empty");
    g_autofree char *off = ini_cd_path("Discs");
    g_assert_cmpstr(off, ==, "");
    g_assert_true(disc_unchanged(one, 1 << 20, 'a'));
    g_assert_true(disc_unchanged(two, 2 << 20, 'b'));
}

/* An installer's restart: the guest reboots with an eject-on-reboot disc; the engine takes
 * it out, the page says why, and machine.ini no longer names it. */
static void test_eject_on_reboot(void)
{
    const char *reboot = g_getenv("VIREO_REBOOT_ELF");
    if (!reboot || !g_file_test(reboot, G_FILE_TEST_EXISTS)) {
        g_test_skip("the RISC-V test guests were not built (no riscv64-unknown-elf-gcc)");
        return;
    }
    g_autofree char *disc = make_disc("debian-installer.iso", 1 << 20, 'd');
    g_autofree char *folder = ui_make_machine("Installer", reboot, "none", 64ull << 20);
    add_cd_drive(folder, disc, TRUE);
    vireo_library_reload(ui_library());
    VireoMachine *m = vireo_machine_row_get_machine(ui_row_for("Installer"));
    vireo_window_open_machine(ui_window(), m);
    g_assert_true(media_shows("debian-installer.iso"));
    g_assert_true(ini_has_eject_on_reboot("Installer"));
    ui_click(ui_page_widget("big_start_button"));
    const char *news = _("The installer restarted the machine, so its CD was ejected: the "
                         "machine now starts from its disk.");
    gint64 deadline = g_get_monotonic_time() + 20 * G_USEC_PER_SEC;
    while (g_strcmp0(vireo_machine_page_get_banner(ui_page()), news) != 0) {
        if (g_get_monotonic_time() > deadline) {
            /* What the page shows instead tells which path lost the news. */
            g_autofree char *cd = vireo_machine_get_cd_path(m, 0);
            g_autoptr(GBytes) log = vireo_machine_get_console_log(m);
            g_error("timed out waiting for the banner about the ejected CD; the banner says "
                    "\"%s\", the machine is %s, the drive holds %s; the console printed:\n%.*s",
                    vireo_machine_page_get_banner(ui_page()) ?: "(none)",
                    vireo_machine_get_state_label(m), cd ? cd : "no disc",
                    (int) g_bytes_get_size(log), (const char *) g_bytes_get_data(log, NULL));
        }
        ui_iterate(20);
    }
    UI_WAIT_FOR(media_shows(_("No Disc")), 5000, "the page to show an empty drive");
    g_autofree char *path = ini_cd_path("Installer");
    g_assert_cmpstr(path, ==, "");
    g_assert_false(ini_has_eject_on_reboot("Installer"));
    ui_screenshot(GTK_WIDGET(ui_window()), shot("cdrom-ejected-on-reboot"));
    /* The guest's second boot ends it; the banner stays until dismissed. */
    UI_WAIT_FOR(vireo_machine_get_state(m) == VIREO_MACHINE_OFF, 20000, "the guest to finish");
    g_assert_nonnull(vireo_machine_page_get_banner(ui_page()));
    g_assert_true(disc_unchanged(disc, 1 << 20, 'd'));
}

int main(int argc, char **argv)
{
    ui_test_init(&argc, &argv);
    g_test_add_func("/ui/cdrom/change-and-eject", test_change_and_eject);
    g_test_add_func("/ui/cdrom/eject-on-reboot", test_eject_on_reboot);
    int status = g_test_run();
    ui_test_finish();
    return status;
}
