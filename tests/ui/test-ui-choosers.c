/* UI tests of every file chooser, opened by its own button and answered in the dialog as a
 * user answers it: the assistant's ISO, disk, kernel and initramfs choosers, the settings'
 * firmware, kernel, initramfs and attach-a-disk choosers, the machine page's Change CD… and
 * the folder of Preferences. Where no desktop portal runs (as under the tests' session bus),
 * GtkFileChooserNative shows GTK's own dialog in the application, which the test finds among
 * the toplevels; with a portal the dialog would be another program's. Each chooser must open
 * in the folder Preferences names, offer its filters, give the chosen file to what opened it,
 * and change nothing when cancelled. */
#include <fcntl.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <unistd.h>

#include "ui-test.h"
#include "vireo-preferences-window.h"
#include "vireo-util.h"

static char *scratch_file(const char *name, gsize size)
{
    g_autofree char *path = g_build_filename(ui_scratch_dir(), name, NULL);
    int fd = g_open(path, O_CREAT | O_WRONLY | O_TRUNC, 0644);
    g_assert_cmpint(fd, >=, 0);
    g_assert_cmpint(ftruncate(fd, (off_t) size), ==, 0);
    close(fd);
    return g_steal_pointer(&path);
}

static void activate_row(GtkWidget *root, const char *id)
{
    GtkWidget *row = ui_find(root, id);
    g_assert_nonnull(row);
    g_assert_true(gtk_widget_get_mapped(row));
    adw_action_row_activate(ADW_ACTION_ROW(row));
}

static const char *subtitle(GtkWidget *root, const char *id)
{
    GtkWidget *row = ui_find(root, id);
    g_assert_nonnull(row);
    return adw_action_row_get_subtitle(ADW_ACTION_ROW(row));
}

static VireoAssistant *open_assistant(void)
{
    VireoAssistant *a = vireo_window_new_machine(ui_window());
    UI_WAIT_FOR(gtk_widget_get_mapped(GTK_WIDGET(a)), 5000, "the assistant");
    return a;
}

static void close_window(gpointer window)
{
    gtk_window_destroy(GTK_WINDOW(window));
    ui_iterate(50);
}

/* The RISC-V test guest, or NULL (the test skipped) where it was not built. */
static const char *echo_kernel(void)
{
    const char *kernel = ui_guest("echo.elf");
    if (!kernel)
        g_test_skip("no RISC-V test guest (echo.elf) was built: the cross compiler is missing");
    return kernel;
}

/* The assistant's ISO and disk choosers: cancelled, nothing happens; answered, the image
 * becomes the machine's. */
static void test_assistant_images(void)
{
    g_autofree char *iso = ui_make_iso("homebrew-os.iso", "HOMEBREW_OS_0_1");
    g_autofree char *img = scratch_file("server.img", 64 << 20);

    VireoAssistant *a = open_assistant();
    activate_row(GTK_WIDGET(a), "iso_row");
    ui_answer_chooser(_("Choose an ISO Image"), _("ISO Images"), NULL, "chooser-iso");
    g_assert_true(gtk_widget_get_mapped(ui_find(GTK_WIDGET(a), "iso_row")));

    activate_row(GTK_WIDGET(a), "iso_row");
    ui_answer_chooser(_("Choose an ISO Image"), _("ISO Images"), iso, NULL);
    UI_WAIT_FOR(!vireo_assistant_is_detecting(a), 20000, "the image's detection");
    g_assert_cmpstr(gtk_editable_get_text(GTK_EDITABLE(ui_find(GTK_WIDGET(a), "name_row"))), ==,
                    "homebrew-os");
    g_assert_nonnull(strstr(subtitle(GTK_WIDGET(a), "os_row"), "homebrew-os.iso"));
    close_window(a);

    a = open_assistant();
    activate_row(GTK_WIDGET(a), "disk_row");
    ui_answer_chooser(_("Choose a Disk Image"), _("Disk Images"), img, "chooser-disk");
    UI_WAIT_FOR(!vireo_assistant_is_detecting(a), 20000, "the image's detection");
    g_assert_cmpstr(gtk_editable_get_text(GTK_EDITABLE(ui_find(GTK_WIDGET(a), "name_row"))), ==,
                    "server");
    g_assert_nonnull(strstr(subtitle(GTK_WIDGET(a), "image_row"), img));
    close_window(a);
}

/* The assistant's kernel page: the kernel and initramfs choosers fill it in. */
static void test_assistant_kernel(void)
{
    const char *kernel = echo_kernel();
    if (!kernel)
        return;
    g_autofree char *initrd = scratch_file("initrd.cpio", 4096);
    VireoAssistant *a = open_assistant();
    activate_row(GTK_WIDGET(a), "kernel_row");
    GtkWidget *choose_kernel = ui_find(GTK_WIDGET(a), "kernel_choose_button");
    UI_WAIT_FOR(gtk_widget_get_mapped(choose_kernel), 5000, "the kernel page");
    ui_click(choose_kernel);
    ui_answer_chooser(_("Choose a Kernel"), _("All Files"), kernel, "chooser-kernel");
    g_assert_cmpstr(subtitle(GTK_WIDGET(a), "kernel_file_row"), ==, kernel);
    ui_click(ui_find(GTK_WIDGET(a), "initrd_choose_button"));
    ui_answer_chooser(_("Choose an Initramfs"), _("All Files"), NULL, NULL);
    g_assert_cmpstr(subtitle(GTK_WIDGET(a), "initrd_file_row"), ==, _("None"));
    ui_click(ui_find(GTK_WIDGET(a), "initrd_choose_button"));
    ui_answer_chooser(_("Choose an Initramfs"), _("All Files"), initrd, NULL);
    g_assert_cmpstr(subtitle(GTK_WIDGET(a), "initrd_file_row"), ==, initrd);
    close_window(a);
}

/* A machine's settings: the firmware, kernel and initramfs choosers write machine.ini, and
 * the attach-a-disk chooser adds a disk. */
static void test_settings(void)
{
    const char *kernel = echo_kernel();
    if (!kernel)
        return;
    g_autofree char *other = g_build_filename(ui_scratch_dir(), "other.elf", NULL);
    g_autofree char *contents = NULL;
    gsize length = 0;
    g_assert_true(g_file_get_contents(kernel, &contents, &length, NULL));
    g_assert_true(g_file_set_contents(other, contents, (gssize) length, NULL));
    g_autofree char *initrd = scratch_file("settings-initrd.cpio", 4096);
    g_autofree char *disk = scratch_file("data.img", 8 << 20);
    g_autofree char *folder = ui_make_machine("Chosen", kernel, "none", 64ull << 20);
    vireo_library_reload(ui_library());
    VireoMachine *m = vireo_machine_row_get_machine(ui_row_for("Chosen"));
    VireoMachineSettings *s = vireo_window_open_settings(ui_window(), m);
    UI_WAIT_FOR(gtk_widget_get_mapped(GTK_WIDGET(s)), 5000, "the settings");
    ui_iterate(100);

    ui_click(ui_find(GTK_WIDGET(s), "kernel_choose_button"));
    ui_answer_chooser(_("Choose a Kernel"), _("All Files"), other, "chooser-settings-kernel");
    g_autoptr(GKeyFile) kf = ui_read_ini("Chosen");
    g_autofree char *now = g_key_file_get_string(kf, "boot", "kernel", NULL);
    g_assert_cmpstr(now, ==, other);

    ui_click(ui_find(GTK_WIDGET(s), "initrd_choose_button"));
    ui_answer_chooser(_("Choose an Initramfs"), _("All Files"), initrd, NULL);
    g_autoptr(GKeyFile) kf2 = ui_read_ini("Chosen");
    g_autofree char *now_initrd = g_key_file_get_string(kf2, "boot", "initrd", NULL);
    g_assert_cmpstr(now_initrd, ==, initrd);

    /* Firmware: the file row appears when "a file" is picked in the list. */
    GtkWidget *firmware_button = ui_find(GTK_WIDGET(s), "firmware_choose_button");
    g_assert_nonnull(firmware_button);
    if (!gtk_widget_get_mapped(firmware_button)) {
        GtkWidget *row = ui_find(GTK_WIDGET(s), "firmware_row");
        adw_combo_row_set_selected(ADW_COMBO_ROW(row), 2);
        UI_WAIT_FOR(gtk_widget_get_mapped(firmware_button), 5000, "the firmware file row");
    }
    ui_click(firmware_button);
    ui_answer_chooser(_("Choose Firmware"), _("All Files"), NULL, "chooser-settings-firmware");
    g_autoptr(GKeyFile) kf3 = ui_read_ini("Chosen");
    g_autofree char *firmware = g_key_file_get_string(kf3, "boot", "firmware", NULL);
    g_assert_cmpstr(firmware, ==, "none");

    adw_preferences_window_set_visible_page(
        ADW_PREFERENCES_WINDOW(s), ADW_PREFERENCES_PAGE(ui_find(GTK_WIDGET(s), "disks_page")));
    GtkWidget *attach = ui_find(GTK_WIDGET(s), "attach_disk_button");
    UI_WAIT_FOR(gtk_widget_get_mapped(attach), 5000, "the disks page");
    ui_click(attach);
    ui_answer_chooser(_("Attach a Disk or ISO Image"), _("Disk Images"), disk,
                      "chooser-settings-disk");
    g_autoptr(GKeyFile) kf4 = ui_read_ini("Chosen");
    g_autofree char *attached = g_key_file_get_string(kf4, "disk 0", "path", NULL);
    g_assert_cmpstr(attached, ==, disk);
    close_window(s);
}

/* Preferences: the folder chooser sets the folder the other choosers open in. */
static void test_preferences_folder(void)
{
    g_autofree char *images = g_build_filename(ui_scratch_dir(), "images", NULL);
    g_assert_cmpint(g_mkdir_with_parents(images, 0755), ==, 0);
    g_action_group_activate_action(G_ACTION_GROUP(ui_app()), "preferences", NULL);
    GtkWidget *prefs = NULL;
    UI_WAIT_FOR((prefs = ui_find_toplevel(VIREO_TYPE_PREFERENCES_WINDOW)), 5000, "Preferences");
    UI_WAIT_FOR(gtk_widget_get_mapped(prefs), 5000, "Preferences on screen");
    ui_click(ui_find_button(prefs, _("_Choose…")));
    ui_answer_chooser(_("Folder for Images"), NULL, images, "chooser-folder");
    g_autofree char *chosen = g_settings_get_string(vireo_settings(), "default-folder");
    g_assert_cmpstr(chosen, ==, images);
    g_assert_cmpstr(adw_action_row_get_subtitle(ADW_ACTION_ROW(ui_find(prefs, "folder_row"))), ==,
                    images);
    close_window(prefs);
    /* The next chooser opens there (ui_answer_chooser checks the folder). */
    g_autoptr(GFile) default_folder = vireo_default_folder();
    g_autofree char *default_path = g_file_get_path(default_folder);
    g_assert_cmpstr(default_path, ==, images);
    VireoAssistant *a = open_assistant();
    activate_row(GTK_WIDGET(a), "iso_row");
    ui_answer_chooser(_("Choose an ISO Image"), _("ISO Images"), NULL, NULL);
    close_window(a);
    g_settings_set_string(vireo_settings(), "default-folder", ui_scratch_dir());
}

int main(int argc, char **argv)
{
    ui_test_init(&argc, &argv);
    /* The choosers open in the folder Preferences names. */
    g_settings_set_string(vireo_settings(), "default-folder", ui_scratch_dir());
    g_test_add_func("/ui/choosers/assistant-images", test_assistant_images);
    g_test_add_func("/ui/choosers/assistant-kernel", test_assistant_kernel);
    g_test_add_func("/ui/choosers/settings", test_settings);
    g_test_add_func("/ui/choosers/preferences-folder", test_preferences_folder);
    int status = g_test_run();
    ui_test_finish();
    return status;
}
