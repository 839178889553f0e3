/* Drag and drop from another program, for real: tests/ui/drag-source.c (a GTK window offering
 * a file, as a file manager does) runs as a second process on the same X server, and xdotool
 * moves the pointer (XTEST) from it onto Vireo's window with the button held, then lets go.
 * The file travels over XDND as text/uri-list. The drop overlay shows while the file is over
 * the window and says what can be dropped; the drop opens the new-machine assistant with the
 * file. No window manager is needed: xdotool places the windows itself. Runs in English and
 * in German (LANGUAGE=de). In English, a real installer ISO dropped this way installs a
 * system that then starts from the machine's disk (skipped by name when the ISO is not built). */
#include <gdk/x11/gdkx.h>
#include <glib/gi18n-lib.h>

#include "ui-test.h"

static gboolean german(void)
{
    return g_strcmp0(g_getenv("LANGUAGE"), "de") == 0;
}

/* ---- processes the test starts ---- */

typedef struct {
    GSubprocess *process;
    GString *out;
    gboolean done;
} Child;

static void on_exited(GObject *source, GAsyncResult *result, gpointer data)
{
    Child *c = data;
    g_subprocess_wait_finish(G_SUBPROCESS(source), result, NULL);
    c->done = TRUE;
}

static void on_line(GObject *source, GAsyncResult *result, gpointer data)
{
    Child *c = data;
    g_autofree char *line =
        g_data_input_stream_read_line_finish(G_DATA_INPUT_STREAM(source), result, NULL, NULL);
    if (!line)
        return;
    g_string_append_printf(c->out, "%s\n", line);
    g_data_input_stream_read_line_async(G_DATA_INPUT_STREAM(source), G_PRIORITY_DEFAULT, NULL,
                                        on_line, c);
}

/* Starts argv with its stdout collected in out, while the main loop runs. */
static Child *child_start(const char *const *argv)
{
    Child *c = g_new0(Child, 1);
    c->out = g_string_new(NULL);
    g_autoptr(GError) error = NULL;
    c->process = g_subprocess_newv(argv, G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error);
    g_assert_no_error(error);
    GDataInputStream *lines = g_data_input_stream_new(g_subprocess_get_stdout_pipe(c->process));
    g_data_input_stream_read_line_async(lines, G_PRIORITY_DEFAULT, NULL, on_line, c);
    g_object_unref(lines);
    g_subprocess_wait_async(c->process, NULL, on_exited, c);
    return c;
}

static void child_free(Child *c)
{
    if (!c->done) {
        g_subprocess_force_exit(c->process);
        UI_WAIT_FOR(c->done, 5000, "the program to end");
    }
    g_object_unref(c->process);
    g_string_free(c->out, TRUE);
    g_free(c);
}

/* Runs xdotool with args (split at spaces) to its end, the main loop running meanwhile (the
 * windows of both programs answer the events it makes); returns what it printed. */
static char *xdotool(const char *args)
{
    g_autofree char *cmd = g_strconcat("xdotool ", args, NULL);
    g_auto(GStrv) argv = g_strsplit(cmd, " ", -1);
    Child *c = child_start((const char *const *) argv);
    UI_WAIT_FOR(c->done, 30000, cmd);
    ui_iterate(50);
    g_assert_true(g_subprocess_get_successful(c->process));
    char *out = g_strdup(c->out->str);
    child_free(c);
    return g_strstrip(out);
}

/* ---- the tests ---- */

/* The overlay says what can be dropped, kernels included. */
static void test_overlay_text(void)
{
    GtkWidget *overlay = ui_find(GTK_WIDGET(ui_window()), "drop_highlight");
    g_assert_nonnull(overlay);
    const char *description = adw_status_page_get_description(ADW_STATUS_PAGE(overlay));
    g_assert_cmpstr(description, ==, _("An ISO image, a disk image or a Linux kernel"));
    if (german())
        g_assert_nonnull(strstr(description, "Kernel"));
    else
        g_assert_cmpstr(description, ==, "An ISO image, a disk image or a Linux kernel");
}

/* Drags file from the drag source program onto the middle of Vireo's window and lets go, as
 * a person does from a file manager; returns the assistant the drop opened, once it has
 * looked at the file. source_out (may be NULL) keeps the source program running. */
static GtkWidget *xdnd_drop(const char *file, gboolean shoot, Child **source_out)
{
    const char *source_exe = g_getenv("VIREO_DRAG_SOURCE");
    g_assert_nonnull(source_exe);
    g_autofree char *xdotool_exe = g_find_program_in_path("xdotool");
    if (!xdotool_exe)
        g_error("xdotool is not installed (Debian package xdotool; scripts/install-deps.sh)");

    /* Vireo's window at the top left, the source to its right. */
    GdkSurface *surface = gtk_native_get_surface(GTK_NATIVE(ui_window()));
    g_assert_true(GDK_IS_X11_SURFACE(surface));
    gulong vireo_xid = gdk_x11_surface_get_xid(surface);
    const char *argv[] = {source_exe, file, NULL};
    Child *source = child_start(argv);
    UI_WAIT_FOR(strstr(source->out->str, "ready"), 10000, "the drag source's window");
    g_autofree char *source_ids = xdotool("search --sync --name ^vireo-drag-source$");
    g_auto(GStrv) ids = g_strsplit(source_ids, "\n", -1);
    g_assert_nonnull(ids[0]);
    g_autofree char *move_vireo = g_strdup_printf("windowmove %lu 0 0", vireo_xid);
    g_free(xdotool(move_vireo));
    g_autofree char *move_source = g_strdup_printf("windowmove %s 1000 100", ids[0]);
    g_free(xdotool(move_source));
    ui_iterate(300);

    /* Press on the source, move off it in small steps (the drag starts past GTK's threshold),
     * then across onto the middle of Vireo's window, and hold there. */
    int w = gtk_widget_get_width(GTK_WIDGET(ui_window()));
    int h = gtk_widget_get_height(GTK_WIDGET(ui_window()));
    int x0 = 1000 + 120, y0 = 100 + 80, x1 = w / 2, y1 = h / 2;
    g_autoptr(GString) path = g_string_new(NULL);
    g_string_append_printf(path, "mousemove %d %d sleep 0.3 mousedown 1 sleep 0.2", x0, y0);
    for (int i = 1; i <= 5; i++)
        g_string_append_printf(path, " mousemove %d %d sleep 0.05", x0 - 4 * i, y0 + i);
    for (int i = 1; i <= 20; i++)
        g_string_append_printf(path, " mousemove %d %d sleep 0.05",
                               x0 - 20 + (x1 - x0 + 20) * i / 20, y0 + 5 + (y1 - y0 - 5) * i / 20);
    g_string_append_printf(path, " sleep 0.2 mousemove %d %d sleep 0.2", x1 + 3, y1 + 2);
    g_free(xdotool(path->str));
    g_assert_nonnull(strstr(source->out->str, "drag-begin"));

    /* Over the window: the overlay says what can be dropped. */
    GtkWidget *overlay = ui_find(GTK_WIDGET(ui_window()), "drop_highlight");
    UI_WAIT_FOR(gtk_widget_get_visible(overlay), 5000, "the drop overlay");
    g_assert_null(ui_find_toplevel(VIREO_TYPE_ASSISTANT));
    if (shoot)
        ui_screenshot(GTK_WIDGET(ui_window()), german() ? "drop-overlay-german" : "drop-overlay");

    /* Let go: the assistant opens with the file. */
    g_autofree char *release = g_strdup_printf("mousemove %d %d sleep 0.1 mouseup 1", x1, y1);
    g_free(xdotool(release));
    GtkWidget *a = NULL;
    UI_WAIT_FOR((a = ui_find_toplevel(VIREO_TYPE_ASSISTANT)), 10000, "the assistant");
    UI_WAIT_FOR(gtk_widget_get_mapped(a), 5000, "the assistant on screen");
    UI_WAIT_FOR(!vireo_assistant_is_detecting(VIREO_ASSISTANT(a)), 20000, "the detection");
    UI_WAIT_FOR(strstr(source->out->str, "drag-end"), 5000, "the drag to end");
    g_assert_nonnull(strstr(source->out->str, "dropped"));
    g_assert_false(gtk_widget_get_visible(overlay));
    if (source_out)
        *source_out = source;
    else
        child_free(source);
    return a;
}

static void test_xdnd_drop(void)
{
    g_autofree char *iso = ui_make_iso("dragged-in.iso", "DRAGGED_IN_OS");
    GtkWidget *a = xdnd_drop(iso, TRUE, NULL);
    /* The assistant is about the dropped file. */
    GtkWidget *os_row = ui_find(a, "os_row");
    const char *subtitle = adw_action_row_get_subtitle(ADW_ACTION_ROW(os_row));
    g_assert_nonnull(strstr(subtitle, "dragged-in.iso"));
    GtkWidget *name_row = ui_find(a, "name_row");
    g_assert_cmpstr(gtk_editable_get_text(GTK_EDITABLE(name_row)), ==, "dragged-in");
    ui_screenshot(a, german() ? "xdnd-dropped-iso-german" : "xdnd-dropped-iso");
    gtk_window_close(GTK_WINDOW(a));
}

/* ---- installing from a dropped installer ---- */

static char *file_sha256(const char *path)
{
    g_autoptr(GMappedFile) map = g_mapped_file_new(path, FALSE, NULL);
    g_assert_nonnull(map);
    return g_compute_checksum_for_data(G_CHECKSUM_SHA256,
                                       (const guchar *) g_mapped_file_get_contents(map),
                                       g_mapped_file_get_length(map));
}

/* The whole path a person takes with an installer: the ISO (built by
 * tests/guests/build-installer-iso.sh from Debian 13's GRUB and kernel, with an installer of
 * Vireo's tests) is dragged onto the window; the assistant proposes a machine with a new
 * empty disk; Create starts it; the installer runs on its own (partitions the disk, copies a
 * system, installs GRUB) and restarts the machine; the CD is ejected at that restart and the
 * page says so; the installed system starts from the disk and answers on the console. The ISO
 * is never written. */
static void test_install(void)
{
    g_autofree char *iso = ui_guest_artifact("installer-iso");
    if (!iso || !g_file_test("/usr/lib/u-boot/qemu-riscv64_smode/u-boot.bin", G_FILE_TEST_EXISTS)) {
        g_test_skip("the installer ISO (tests/guests/build-installer-iso.sh) or U-Boot "
                    "(u-boot-qemu) is not there");
        return;
    }
    g_autofree char *sum = file_sha256(iso);
    GtkWidget *a = xdnd_drop(iso, FALSE, NULL);
    GtkWidget *name_row = ui_find(a, "name_row");
    gtk_editable_set_text(GTK_EDITABLE(name_row), "Installed");
    /* A small disk: the installer makes a file system on all of it. */
    gtk_spin_button_set_value(GTK_SPIN_BUTTON(ui_find(a, "disk_spin")), 1);
    GtkWidget *create = ui_find(a, "create_button");
    UI_WAIT_FOR(gtk_widget_is_sensitive(create), 5000, "Create to be offered");
    ui_screenshot(a, "install-assistant");
    g_object_add_weak_pointer(G_OBJECT(a), (gpointer *) &a);
    ui_real_click(create);
    UI_WAIT_FOR(a == NULL, 10000, "the assistant to close");

    /* Created and started at once, on its page. */
    VireoMachinePage *page = vireo_window_get_machine_page(ui_window());
    VireoMachine *machine = vireo_machine_page_get_machine(page);
    g_assert_nonnull(machine);
    g_assert_cmpstr(vireo_machine_get_name(machine), ==, "Installed");
    UI_WAIT_FOR(vireo_machine_get_state(machine) == VIREO_MACHINE_RUNNING, 10000,
                "the machine to run");
    g_autoptr(GKeyFile) before = ui_read_ini("Installed");
    g_autofree char *cd = g_key_file_get_string(before, "disk 1", "path", NULL);
    g_assert_cmpstr(cd, ==, iso);
    g_assert_true(g_key_file_get_boolean(before, "disk 1", "eject-on-reboot", NULL));

    /* The machine's console log, read from a cursor: the terminal's last rows would lose a
     * line that the next boot scrolls away before the test looks. */
    ui_log_use(machine);
    ui_log_wait("vireo-installer: installing to /dev/vda", 150000);
    ui_screenshot(GTK_WIDGET(ui_window()), "install-running");
    ui_log_wait("vireo-installer: done, rebooting", 150000);
    ui_log_wait("vireo-installed: ready", 150000);

    /* The restart ejected the CD: the page says so and machine.ini keeps it. */
    UI_WAIT_FOR(vireo_machine_page_get_banner(page) != NULL, 10000, "the banner");
    g_autofree char *ejected = g_strdup(_("The installer restarted the machine, so its CD was "
                                          "ejected: the machine now starts from its disk."));
    g_assert_cmpstr(vireo_machine_page_get_banner(page), ==, ejected);
    g_autoptr(GKeyFile) after = ui_read_ini("Installed");
    g_autofree char *cd_after = g_key_file_get_string(after, "disk 1", "path", NULL);
    g_assert_cmpstr(cd_after, ==, "");
    g_assert_true(g_key_file_get_boolean(after, "disk 1", "cdrom", NULL));
    g_assert_false(g_key_file_has_key(after, "disk 1", "eject-on-reboot", NULL));

    /* The installed system answers typed commands. */
    GtkWidget *terminal = vireo_machine_page_get_terminal(page);
    ui_real_click(terminal);
    ui_type(terminal, "echo vireo-$(uname -m)-$(cat /sys/block/vdb/size)\n");
    ui_wait_console("vireo-riscv64-0", 60000, "the installed system's answer");
    ui_screenshot(GTK_WIDGET(ui_window()), "install-done");

    /* Restart to Firmware Menu: U-Boot's prompt with no countdown; "boot" boots the disk. */
    gtk_widget_activate_action(GTK_WIDGET(page), "machine.clear", NULL);
    UI_WAIT_FOR(gtk_widget_is_sensitive(GTK_WIDGET(page)), 1000, "the page");
    g_assert_true(gtk_widget_activate_action(GTK_WIDGET(page), "machine.firmware-menu", NULL));
    ui_wait_console("=> ", 120000, "U-Boot's prompt");
    g_autofree char *menu = ui_console_tail();
    g_assert_null(strstr(menu, "Hit any key"));
    g_assert_null(strstr(menu, "vireo-installed"));
    ui_screenshot(GTK_WIDGET(ui_window()), "install-firmware-menu");
    ui_real_click(terminal);
    ui_type(terminal, "boot\n");
    ui_wait_console("vireo-installed: ready", 150000, "the installed system after the menu");

    vireo_machine_force_off(machine);
    UI_WAIT_FOR(vireo_machine_get_state(machine) == VIREO_MACHINE_OFF, 20000, "the machine off");
    g_autofree char *sum_after = file_sha256(iso);
    g_assert_cmpstr(sum, ==, sum_after);
}

int main(int argc, char **argv)
{
    /* The guests' cache, before ui_test_init() points XDG_CACHE_HOME at a scratch folder. */
    g_autofree char *guests = g_build_filename(g_get_user_cache_dir(), "vireo", NULL);
    g_setenv("VIREO_GUEST_CACHE", guests, FALSE);
    ui_test_init(&argc, &argv);
    g_test_add_func("/ui/dnd/overlay-text", test_overlay_text);
    g_test_add_func("/ui/dnd/xdnd-drop", test_xdnd_drop);
    /* The install is shown once, in English: in German it would only take its minutes again. */
    if (!german())
        g_test_add_func("/ui/dnd/install", test_install);
    int status = g_test_run();
    ui_test_finish();
    return status;
}
