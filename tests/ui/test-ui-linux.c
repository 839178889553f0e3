/* The desktop application with real Linux guests (from tests/guests/, when built): the
 * README's demo machine (kernel + initramfs, as scripts/demo.sh makes it) boots to a shell in
 * the window's console, answers typed commands and shuts down when asked (and when it does
 * not, Force Off is offered); a disk image dropped on
 * the window becomes a machine (through the assistant) that U-Boot boots. Skipped (77) when the
 * guests are not built: run tests/guests/build-all.sh. */
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <sys/wait.h>

#include "ui-test.h"
#include "vr-library.h"

#define BOOT_TIMEOUT_MS (240 * 1000)

static char *kernel, *initrd, *disk;

static void type(const char *text)
{
    vte_terminal_feed_child(VTE_TERMINAL(vireo_machine_page_get_terminal(ui_page())), text, -1);
}

static void test_demo(void)
{
    /* The demo machine as scripts/demo.sh describes it. */
    ui_vireo_create("--name", "Demo", "--kernel", kernel, "--initrd", initrd, "--append",
                    "console=ttyS0 earlycon=sbi", "--memory", "512M", "--cpus", "2", NULL);
    UI_WAIT_FOR(ui_row_for("Demo"), 5000, "the Demo machine in the library");
    VireoMachineRow *row = ui_row_for("Demo");
    ui_click(ui_find(GTK_WIDGET(row), "start_button"));
    vireo_window_open_machine(ui_window(), vireo_machine_row_get_machine(row));
    /* Typed only once the shell reads (its prompt), as a user would. */
    ui_wait_console("vireo:/#", BOOT_TIMEOUT_MS, "the shell");
    type("echo $((6 * 7)); uname -m\r");
    UI_WAIT_FOR(ui_console_shows("42\r\nriscv64") || ui_console_shows("42\nriscv64"), 60000,
                "the answer to typed commands");
    ui_screenshot(GTK_WIDGET(ui_window()), "linux-demo-console");
    /* Shut Down presses the power button; the guest's init powers off, as logind would. */
    VireoMachine *m = vireo_machine_row_get_machine(row);
    GtkWidget *shut_down = ui_find(GTK_WIDGET(ui_page()), "shut_down_button");
    ui_click(shut_down);
    GtkWidget *title = ui_find(GTK_WIDGET(ui_page()), "title");
    g_assert_true(
        vireo_machine_get_state(m) == VIREO_MACHINE_OFF ||
        g_str_equal(adw_window_title_get_subtitle(ADW_WINDOW_TITLE(title)), "Shutting down…"));
    UI_WAIT_FOR(vireo_machine_get_state(m) == VIREO_MACHINE_OFF, 60000, "the demo to shut down");
    g_assert_true(ui_console_shows("power button pressed, powering off"));
    g_assert_null(ui_find_toplevel(ADW_TYPE_MESSAGE_DIALOG));
    vireo_window_show_library(ui_window());
}

/* A guest that hears the power button and does nothing: after the page's wait it says the
 * guest did not answer; Cancel lets Shut Down be tried again, and Force Off stops it. */
static void test_shut_down_ignored(void)
{
    VireoMachineRow *row = ui_row_for("Demo");
    g_assert_nonnull(row);
    VireoMachine *m = vireo_machine_row_get_machine(row);
    vireo_window_open_machine(ui_window(), m);
    VireoMachinePage *p = ui_page();
    vireo_machine_page_set_shutdown_timeout(p, 2);
    gtk_widget_activate_action(GTK_WIDGET(p), "machine.start", NULL);
    UI_WAIT_FOR(vireo_machine_get_state(m) == VIREO_MACHINE_RUNNING, 30000, "the start");
    /* The terminal clears the last boot's text when it next processes its input, which can
     * be a while on a busy host: until then that boot's prompt is still on screen. */
    UI_WAIT_FOR(!ui_console_shows("powering off"), 30000, "the last boot's console to be cleared");
    ui_wait_console("vireo:/#", BOOT_TIMEOUT_MS, "the shell");
    /* The init's listener goes (once it has started); the button still has its driver. */
    type("until pidof head; do sleep 1; done; kill $(pidof head) && echo listener-''gone\r");
    ui_wait_console("listener-gone", 60000, "the listener to go");
    GtkWidget *title = ui_find(GTK_WIDGET(p), "title");
    GtkWidget *shut_down = ui_find(GTK_WIDGET(p), "shut_down_button");
    ui_click(shut_down);
    g_assert_cmpstr(adw_window_title_get_subtitle(ADW_WINDOW_TITLE(title)), ==, "Shutting down…");
    g_assert_false(gtk_widget_is_sensitive(shut_down));
    ui_screenshot(GTK_WIDGET(ui_window()), "linux-shutting-down");
    GtkWidget *dialog = NULL;
    UI_WAIT_FOR((dialog = ui_find_toplevel(ADW_TYPE_MESSAGE_DIALOG)), 10000, "the dialog");
    g_assert_cmpstr(adw_message_dialog_get_heading(ADW_MESSAGE_DIALOG(dialog)), ==,
                    "The Guest Did Not Answer");
    const char *body = adw_message_dialog_get_body(ADW_MESSAGE_DIALOG(dialog));
    g_assert_true(g_str_has_prefix(body, "“Demo” is still running 2 seconds after it was asked"));
    ui_screenshot(dialog, "linux-shut-down-timeout");
    ui_click(ui_find_button(dialog, "_Cancel"));
    UI_WAIT_FOR(!ui_find_toplevel(ADW_TYPE_MESSAGE_DIALOG), 5000, "the dialog to go");
    g_assert_cmpint(vireo_machine_get_state(m), ==, VIREO_MACHINE_RUNNING);
    g_assert_cmpstr(adw_window_title_get_subtitle(ADW_WINDOW_TITLE(title)), ==, "Running");

    ui_click(shut_down);
    UI_WAIT_FOR((dialog = ui_find_toplevel(ADW_TYPE_MESSAGE_DIALOG)), 10000, "the dialog again");
    ui_click(ui_find_button(dialog, "_Force Off"));
    UI_WAIT_FOR(vireo_machine_get_state(m) == VIREO_MACHINE_OFF, 10000, "Force Off");
    vireo_machine_page_set_shutdown_timeout(p, 60);
    vireo_window_show_library(ui_window());
}

static void test_disk_image(void)
{
    if (!disk ||
        !g_file_test("/usr/lib/u-boot/qemu-riscv64_smode/u-boot.bin", G_FILE_TEST_EXISTS)) {
        g_test_skip("the ext4 disk image or U-Boot is not there");
        return;
    }
    /* A copy: the machine writes to its disk. */
    g_autofree char *copy = g_build_filename(ui_scratch_dir(), "debian-riscv.img", NULL);
    g_autoptr(GFile) src = g_file_new_for_path(disk);
    g_autoptr(GFile) dst = g_file_new_for_path(copy);
    g_assert_true(g_file_copy(src, dst, G_FILE_COPY_OVERWRITE, NULL, NULL, NULL, NULL));

    g_autoptr(GFile) file = g_file_new_for_path(copy);
    VireoAssistant *a = vireo_window_open_file(ui_window(), file);
    g_assert_nonnull(a);
    UI_WAIT_FOR(gtk_widget_get_mapped(GTK_WIDGET(a)), 5000, "the assistant");
    GtkWidget *memory = ui_find(GTK_WIDGET(a), "memory_entry");
    gtk_editable_set_text(GTK_EDITABLE(memory), "256M");
    g_object_add_weak_pointer(G_OBJECT(a), (gpointer *) &a);
    ui_click(ui_find(GTK_WIDGET(a), "create_button"));
    UI_WAIT_FOR(a == NULL, 5000, "the assistant to close");

    VireoMachine *m = vireo_machine_page_get_machine(ui_page());
    g_assert_cmpstr(vireo_machine_get_name(m), ==, "debian-riscv");
    gtk_widget_activate_action(GTK_WIDGET(ui_page()), "machine.start", NULL);
    UI_WAIT_FOR(ui_console_shows("U-Boot") || ui_console_shows("Linux version") ||
                    ui_console_shows("vireo-disk: ready"),
                BOOT_TIMEOUT_MS, "U-Boot");
    ui_wait_console("vireo-disk: ready", BOOT_TIMEOUT_MS, "Linux from the disk");
    type("grep ' / ' /proc/mounts | cut -d' ' -f3\r");
    ui_wait_console("ext4", 60000, "the root file system");
    ui_screenshot(GTK_WIDGET(ui_window()), "linux-disk-console");
    type("poweroff -f\r");
    UI_WAIT_FOR(vireo_machine_get_state(m) == VIREO_MACHINE_OFF, 60000, "power off");
}

int main(int argc, char **argv)
{
    kernel = ui_guest_artifact("linux");
    initrd = ui_guest_artifact("initramfs");
    disk = ui_guest_artifact("disk");
    if (!kernel || !initrd) {
        g_print("SKIP: the Linux test guests are not built (run tests/guests/build-all.sh)\n");
        return 77;
    }
    ui_test_init(&argc, &argv);
    g_test_add_func("/ui/linux/demo", test_demo);
    g_test_add_func("/ui/linux/shut-down-ignored", test_shut_down_ignored);
    g_test_add_func("/ui/linux/disk-image", test_disk_image);
    int status = g_test_run();
    ui_test_finish();
    return status;
}
