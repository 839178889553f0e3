/* Install images for other machines than Vireo runs are refused by the new-machine assistant,
 * with the reason: known from libosinfo (a Debian amd64 label), or from the image itself (an
 * El Torito catalog with a BIOS entry, an x86 EFI loader); an image with a RISC-V EFI loader
 * is taken. Images made by xorriso. Runs in English and in German (LANGUAGE=de). */
#include <glib/gi18n-lib.h>

#include "boot-iso.h"
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

static void assert_refused(VireoAssistant *a)
{
    g_autofree char *reason =
        g_strdup_printf(_("This is an installer for %s PCs; Vireo runs %s machines so far."),
                        _("x86-64"), _("RISC-V 64"));
    if (!german())
        g_assert_cmpstr(reason, ==,
                        "This is an installer for x86-64 PCs; Vireo runs RISC-V 64 machines so "
                        "far.");
    GtkWidget *why = A(a, "validation_label");
    g_assert_true(gtk_widget_get_visible(why));
    g_assert_cmpstr(gtk_label_get_text(GTK_LABEL(why)), ==, reason);
    g_assert_false(gtk_widget_is_sensitive(A(a, "create_button")));
    /* Another name does not make it acceptable. */
    gtk_editable_set_text(GTK_EDITABLE(A(a, "name_row")), "Try Anyway");
    g_assert_false(gtk_widget_is_sensitive(A(a, "create_button")));
    g_assert_cmpstr(gtk_label_get_text(GTK_LABEL(why)), ==, reason);
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
    g_autofree char *iso = ui_make_iso("debian-label.iso", "Debian 11.6.0 amd64 n");
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
    vireo_window_show_library(ui_window());
}

int main(int argc, char **argv)
{
    ui_test_init(&argc, &argv);
    g_test_add_func("/ui/iso-arch/known-x86", test_known_x86);
    g_test_add_func("/ui/iso-arch/label-only", test_label_only);
    g_test_add_func("/ui/iso-arch/unknown-bios", test_unknown_bios);
    g_test_add_func("/ui/iso-arch/riscv", test_riscv);
    int status = g_test_run();
    ui_test_finish();
    return status;
}
