/* Install images for other machines than Vireo runs are refused by the new-machine assistant,
 * with the reason: known from libosinfo (a Debian amd64 label), or from the image itself (an
 * El Torito catalog with a BIOS entry, an x86 EFI loader); an image with a RISC-V EFI loader
 * is taken. Images made by xorriso. Runs in English and in German (LANGUAGE=de). */
#include <glib/gi18n-lib.h>

#include <glib/gstdio.h>
#include <unistd.h>

#include "boot-iso.h"
#include "vr-iso.h"
#include "ui-test.h"

static gboolean german(void)
{
    return g_strcmp0(g_getenv("LANGUAGE"), "de") == 0;
}

static GtkWidget *A(VireoAssistant *a, const char *id)
{
    GtkWidget *w = ui_find(GTK_WIDGET(a), id);
    if (!w)
        g_error("no widget '%s' in the assistant", id);
    return w;
}

static VireoAssistant *open_iso(const char *iso)
{
    VireoAssistant *a = vireo_window_new_machine(ui_window());
    g_autoptr(GFile) file = g_file_new_for_path(iso);
    g_assert_true(vireo_assistant_set_file(a, file));
    UI_WAIT_FOR(gtk_widget_get_mapped(GTK_WIDGET(a)), 5000, "the assistant on screen");
    UI_WAIT_FOR(!vireo_assistant_is_detecting(a), 20000, "libosinfo to look at the image");
    ui_iterate(50);
    return a;
}

static void close_assistant(VireoAssistant *a)
{
    g_object_add_weak_pointer(G_OBJECT(a), (gpointer *) &a);
    gtk_window_close(GTK_WINDOW(a));
    UI_WAIT_FOR(a == NULL, 5000, "the assistant to close");
}

static void assert_refused_with(VireoAssistant *a, const char *reason)
{
    GtkWidget *why = A(a, "validation_label");
    g_assert_true(gtk_widget_get_visible(why));
    g_assert_cmpstr(gtk_label_get_text(GTK_LABEL(why)), ==, reason);
    g_assert_false(gtk_widget_is_sensitive(A(a, "create_button")));
    /* Another name does not make it acceptable. */
    gtk_editable_set_text(GTK_EDITABLE(A(a, "name_row")), "Try Anyway");
    g_assert_false(gtk_widget_is_sensitive(A(a, "create_button")));
    g_assert_cmpstr(gtk_label_get_text(GTK_LABEL(why)), ==, reason);
}

static void assert_refused(VireoAssistant *a)
{
    g_autofree char *reason =
        g_strdup_printf(_("This is an installer for %s PCs; Vireo runs %s machines so far."),
                        _("x86-64"), _("RISC-V 64"));
    if (!german())
        g_assert_cmpstr(reason, ==,
                        "This is an installer for x86-64 PCs; Vireo runs RISC-V 64 machines so "
                        "far.");
    assert_refused_with(a, reason);
}

/* The machine folders in the library. */
static guint n_folders(void)
{
    g_autoptr(GDir) dir =
        g_dir_open(vireo_library_get_dir(vireo_window_get_library(ui_window())), 0, NULL);
    guint n = 0;
    while (dir && g_dir_read_name(dir))
        n++;
    return n;
}

/* Dropped on the window (what a drop calls), the image opens the assistant. */
static VireoAssistant *drop_iso(const char *iso)
{
    g_autoptr(GFile) file = g_file_new_for_path(iso);
    VireoAssistant *a = vireo_window_open_file(ui_window(), file);
    g_assert_nonnull(a);
    UI_WAIT_FOR(gtk_widget_get_mapped(GTK_WIDGET(a)), 5000, "the assistant on screen");
    UI_WAIT_FOR(!vireo_assistant_is_detecting(a), 20000, "libosinfo to look at the image");
    ui_iterate(50);
    return a;
}

/* libosinfo knows the label (Debian 11 for amd64); the image has the BIOS and x86 EFI
 * entries such an image has. */
static void test_known_x86(void)
{
    g_autofree char *iso =
        ui_make_boot_iso("debian-11.5.0-amd64-netinst.iso", "Debian 11.5.0 amd64 n", BOOT_ISO_X86);
    VireoAssistant *a = open_iso(iso);
    g_assert_cmpstr(adw_preferences_row_get_title(ADW_PREFERENCES_ROW(A(a, "os_row"))), ==,
                    "Debian 11");
    assert_refused(a);
    ui_screenshot(GTK_WIDGET(a), german() ? "iso-refused-x86-german" : "iso-refused-x86");
    close_assistant(a);
    g_assert_null(ui_row_for("Debian 11"));
}

/* libosinfo's word alone: the label says amd64, the image has no boot catalog. */
static void test_label_only(void)
{
    g_autofree char *iso = ui_make_data_iso("debian-label.iso", "Debian 11.6.0 amd64 n");
    VireoAssistant *a = open_iso(iso);
    assert_refused(a);
    close_assistant(a);
}

/* libosinfo does not know the label: the image's BIOS entry says it is for PCs. */
static void test_unknown_bios(void)
{
    g_autofree char *iso = ui_make_boot_iso("homebrew-pc.iso", "HOMEBREW_PC", BOOT_ISO_X86_BIOS);
    VireoAssistant *a = open_iso(iso);
    assert_refused(a);
    close_assistant(a);
}

/* A download cut short: the image says how long it should be. Refused, nothing made. */
static void test_damaged(void)
{
    guint before = n_folders();
    g_autofree char *iso = ui_make_boot_iso("cut-short.iso", "CUT_SHORT", BOOT_ISO_RISCV64);
    GStatBuf st;
    g_assert_cmpint(g_stat(iso, &st), ==, 0);
    g_assert_cmpint(truncate(iso, st.st_size / 2), ==, 0);
    VireoAssistant *a = drop_iso(iso);
    g_autoptr(GError) error = NULL;
    VrIsoBoot boot;
    g_assert_false(vr_iso_read_boot(iso, &boot, &error));
    g_autofree char *reason = g_strdup_printf(_("This image cannot be used: %s"), error->message);
    if (!german())
        g_assert_nonnull(strstr(reason, "cut-short.iso is damaged"));
    assert_refused_with(a, reason);
    ui_screenshot(GTK_WIDGET(a), german() ? "iso-refused-damaged-german" : "iso-refused-damaged");
    gtk_widget_activate(A(a, "create_button"));
    close_assistant(a);
    g_assert_cmpuint(n_folders(), ==, before);
}

/* An ISO of files with nothing to boot: not an installer. Refused, nothing made. */
static void test_not_installer(void)
{
    guint before = n_folders();
    g_autofree char *iso = ui_make_data_iso("holiday-photos.iso", "PHOTOS_2026");
    VireoAssistant *a = drop_iso(iso);
    g_autofree char *reason = g_strdup_printf(_("“%s” is not an installer: it holds files but "
                                                "nothing to start (no boot record and no EFI "
                                                "loader)."),
                                              "holiday-photos.iso");
    assert_refused_with(a, reason);
    ui_screenshot(GTK_WIDGET(a),
                  german() ? "iso-refused-not-installer-german" : "iso-refused-not-installer");
    close_assistant(a);
    g_assert_cmpuint(n_folders(), ==, before);
}

/* An x86-64 installer dropped on the window: refused, nothing made. */
static void test_dropped_x86(void)
{
    guint before = n_folders();
    g_autofree char *iso = ui_make_boot_iso("dropped-amd64.iso", "HOMEBREW_AMD64", BOOT_ISO_X86);
    VireoAssistant *a = drop_iso(iso);
    assert_refused(a);
    close_assistant(a);
    g_assert_cmpuint(n_folders(), ==, before);
}

/* An image with a RISC-V EFI loader is taken and makes a machine. */
static void test_riscv(void)
{
    g_autofree char *iso = ui_make_boot_iso("homebrew-riscv.iso", "HOMEBREW_RV", BOOT_ISO_RISCV64);
    VireoAssistant *a = open_iso(iso);
    g_assert_false(gtk_widget_get_visible(A(a, "validation_label")));
    g_assert_true(gtk_widget_is_sensitive(A(a, "create_button")));
    ui_screenshot(GTK_WIDGET(a), german() ? "iso-riscv-taken-german" : "iso-riscv-taken");
    g_object_add_weak_pointer(G_OBJECT(a), (gpointer *) &a);
    ui_click(A(a, "create_button"));
    UI_WAIT_FOR(a == NULL, 5000, "the assistant to close");
    g_autoptr(GKeyFile) kf = ui_read_ini("homebrew-riscv");
    g_autofree char *disk1 = g_key_file_get_string(kf, "disk 1", "path", NULL);
    g_assert_cmpstr(disk1, ==, iso);
    /* The image is the CD of a machine made to install from it: no kernel (UEFI), a new
     * empty disk first, the CD ejected when the installer restarts. */
    g_assert_true(g_key_file_get_boolean(kf, "disk 1", "cdrom", NULL));
    g_assert_true(g_key_file_get_boolean(kf, "disk 1", "readonly", NULL));
    g_assert_true(g_key_file_get_boolean(kf, "disk 1", "eject-on-reboot", NULL));
    g_assert_false(g_key_file_has_key(kf, "boot", "kernel", NULL));
    g_assert_false(g_key_file_get_boolean(kf, "disk 0", "readonly", NULL));
    vireo_window_show_library(ui_window());
}

int main(int argc, char **argv)
{
    ui_test_init(&argc, &argv);
    g_test_add_func("/ui/iso-arch/known-x86", test_known_x86);
    g_test_add_func("/ui/iso-arch/label-only", test_label_only);
    g_test_add_func("/ui/iso-arch/unknown-bios", test_unknown_bios);
    g_test_add_func("/ui/iso-arch/damaged", test_damaged);
    g_test_add_func("/ui/iso-arch/not-installer", test_not_installer);
    g_test_add_func("/ui/iso-arch/dropped-x86", test_dropped_x86);
    g_test_add_func("/ui/iso-arch/riscv", test_riscv);
    int status = g_test_run();
    ui_test_finish();
    return status;
}
