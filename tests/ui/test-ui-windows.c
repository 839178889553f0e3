/* UI tests of the windows and dialogs the other UI tests do not open, and of what the library
 * and the machine page do with long messages, names and folders: Preferences, About, the
 * shortcuts window, Rename answered with Enter, a name that breaks one rule, a qcow2 image
 * opened, a disk image another program holds, a damaged machine's page, a machine folder
 * removed while its page shows, the rows' pictures. tests/ui/README.md lists every window,
 * dialog and page and the test that opens it. */
#include <fcntl.h>
#include <glib/gstdio.h>
#include <unistd.h>

#include "ui-test.h"
#include "vireo-preferences-window.h"
#include "vr-library.h"

static GtkWidget *W(const char *id)
{
    GtkWidget *w = ui_find(GTK_WIDGET(ui_window()), id);
    if (!w)
        g_error("no widget '%s' in the window", id);
    return w;
}

static const char *main_page(void)
{
    return gtk_stack_get_visible_child_name(GTK_STACK(W("main_stack")));
}

static void close_toplevel(GtkWidget *window)
{
    gtk_window_destroy(GTK_WINDOW(window));
    ui_iterate(100);
}

/* Ctrl+, opens Preferences, which shows its rows (its template builds). */
static void test_preferences(void)
{
    vireo_window_show_library(ui_window());
    ui_iterate(50);
    if (ui_have_xdotool())
        ui_keys(GTK_WIDGET(ui_window()), "ctrl+comma");
    else
        g_action_group_activate_action(G_ACTION_GROUP(ui_app()), "preferences", NULL);
    GtkWidget *prefs = NULL;
    UI_WAIT_FOR((prefs = ui_find_toplevel(VIREO_TYPE_PREFERENCES_WINDOW)), 5000, "Preferences");
    UI_WAIT_FOR(gtk_widget_get_mapped(prefs), 5000, "Preferences on screen");
    GtkWidget *folder_row = ui_find(prefs, "folder_row");
    GtkWidget *machines_row = ui_find(prefs, "machines_row");
    g_assert_nonnull(folder_row);
    g_assert_nonnull(machines_row);
    g_assert_true(gtk_widget_get_mapped(folder_row));
    g_assert_true(gtk_widget_get_mapped(machines_row));
    g_assert_cmpstr(adw_preferences_row_get_title(ADW_PREFERENCES_ROW(machines_row)), ==,
                    "Machines Are Kept In");
    g_assert_cmpstr(adw_action_row_get_subtitle(ADW_ACTION_ROW(machines_row)), ==,
                    vireo_library_get_dir(ui_library()));
    g_assert_true(gtk_widget_get_mapped(ui_find_button(prefs, "_Choose…")));
    ui_screenshot(prefs, "preferences");
    close_toplevel(prefs);
}

/* About names the application; "RISC-V 64" never breaks across lines. */
static void test_about(void)
{
    g_action_group_activate_action(G_ACTION_GROUP(ui_app()), "about", NULL);
    GtkWidget *about = NULL;
    UI_WAIT_FOR((about = ui_find_toplevel(ADW_TYPE_ABOUT_WINDOW)), 5000, "About");
    UI_WAIT_FOR(gtk_widget_get_mapped(about), 5000, "About on screen");
    g_assert_cmpstr(adw_about_window_get_application_name(ADW_ABOUT_WINDOW(about)), ==, "Vireo");
    GtkWidget *comments = ui_find_label(about, "guests on Vireo");
    g_assert_nonnull(comments);
    ui_assert_kept_together(comments, "RISC-\u2060V\u00a064");
    ui_screenshot(about, "about");
    close_toplevel(about);
}

static GtkWidget *find_shortcut(GtkWidget *root, const char *accelerator)
{
    if (GTK_IS_SHORTCUTS_SHORTCUT(root)) {
        g_autofree char *accel = NULL;
        g_object_get(root, "accelerator", &accel, NULL);
        if (g_strcmp0(accel, accelerator) == 0)
            return root;
    }
    for (GtkWidget *c = gtk_widget_get_first_child(root); c; c = gtk_widget_get_next_sibling(c)) {
        GtkWidget *found = find_shortcut(c, accelerator);
        if (found)
            return found;
    }
    return NULL;
}

/* The shortcuts window lists the keys the machine page answers, New Machine included. */
static void test_shortcuts(void)
{
    gtk_widget_activate_action(GTK_WIDGET(ui_window()), "win.show-help-overlay", NULL);
    GtkWidget *shortcuts = NULL;
    UI_WAIT_FOR((shortcuts = ui_find_toplevel(GTK_TYPE_SHORTCUTS_WINDOW)), 5000,
                "the shortcuts window");
    ui_iterate(200);
    const char *keys[] = {
        "<Primary>n",        "<Primary><Shift>n",     "<Primary>f",        "<Primary>comma",
        "<Primary>w",        "<Primary><Shift>w",     "<Primary>q",        "<Primary><Shift>q",
        "<Primary><Shift>s", "<Primary><Shift>p",     "<Primary><Shift>r", "<Primary><Shift>d",
        "<Primary><Shift>o", "<Primary><Shift>comma", "<Alt>Left",         NULL};
    for (unsigned i = 0; keys[i]; i++)
        if (!find_shortcut(shortcuts, keys[i]))
            g_error("the shortcuts window does not list %s", keys[i]);
    ui_screenshot(shortcuts, "shortcuts");
    close_toplevel(shortcuts);
}

static GtkWidget *wait_for_dialog(const char *what)
{
    GtkWidget *dialog = NULL;
    UI_WAIT_FOR((dialog = ui_find_toplevel(ADW_TYPE_MESSAGE_DIALOG)), 5000, what);
    UI_WAIT_FOR(gtk_widget_get_mapped(dialog), 5000, what);
    ui_iterate(100);
    return dialog;
}

/* Rename: a name that breaks one rule is told that rule alone; Enter in the entry renames
 * and closes the dialog, as the Rename button does. */
static void test_rename_enter(void)
{
    if (!ui_have_xdotool()) {
        g_test_skip("xdotool is not installed");
        return;
    }
    g_autofree char *folder = ui_make_machine("Old Name", "/bin/sh", "none", 64ull << 20);
    vireo_library_reload(ui_library());
    ui_iterate(100);
    gtk_widget_activate_action(GTK_WIDGET(ui_row_for("Old Name")), "row.rename", NULL);
    GtkWidget *dialog = wait_for_dialog("the rename dialog");
    GtkWidget *entry = ui_find_type(dialog, GTK_TYPE_ENTRY);
    g_assert_true(gtk_widget_has_focus(entry) ||
                  gtk_widget_has_focus(gtk_widget_get_first_child(entry)));

    ui_keys(dialog, "ctrl+a");
    ui_type(dialog, "..");
    g_assert_cmpstr(gtk_editable_get_text(GTK_EDITABLE(entry)), ==, "..");
    GtkWidget *error = ui_find_label(dialog, "dot");
    g_assert_nonnull(error);
    g_assert_cmpstr(gtk_label_get_text(GTK_LABEL(error)), ==, "A name cannot start with a dot.");
    ui_screenshot(dialog, "rename-dot-refused");
    /* Enter does nothing while the name is refused. */
    ui_keys(dialog, "Return");
    g_assert_true(gtk_widget_get_visible(dialog));

    ui_keys(dialog, "ctrl+a");
    ui_type(dialog, "New Name");
    g_assert_cmpstr(gtk_editable_get_text(GTK_EDITABLE(entry)), ==, "New Name");
    ui_screenshot(dialog, "rename");
    ui_keys(dialog, "Return");
    UI_WAIT_FOR(!ui_find_toplevel(ADW_TYPE_MESSAGE_DIALOG), 3000, "the dialog to close");
    g_autofree char *renamed = g_build_filename(ui_machines_dir(), "New Name.vireo", NULL);
    g_assert_true(g_file_test(renamed, G_FILE_TEST_IS_DIR));
    g_assert_false(g_file_test(folder, G_FILE_TEST_EXISTS));
    g_assert_nonnull(ui_row_for("New Name"));
}

static gboolean remove_folder(const char *path)
{
    const char *argv[] = {"rm", "-rf", path, NULL};
    int status = 0;
    return g_spawn_sync(NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL,
                        &status, NULL) &&
           g_spawn_check_wait_status(status, NULL);
}

/* Another program removes the folder of the machine on screen: the window goes back to the
 * library and says why, as the list does. */
static void test_folder_removed(void)
{
    g_autofree char *folder = ui_make_machine("Doomed", "/bin/sh", "none", 64ull << 20);
    vireo_library_reload(ui_library());
    ui_iterate(100);
    vireo_window_open_machine(ui_window(), vireo_machine_row_get_machine(ui_row_for("Doomed")));
    ui_iterate(100);
    g_assert_cmpstr(main_page(), ==, "machine");
    g_assert_true(remove_folder(folder));
    UI_WAIT_FOR(g_str_equal(main_page(), "library"), 5000, "the library again");
    g_assert_null(ui_row_for("Doomed"));
    g_assert_null(vireo_machine_page_get_machine(vireo_window_get_machine_page(ui_window())));
    GtkWidget *toast = NULL;
    UI_WAIT_FOR((toast = ui_find_label(W("toast_overlay"), "“Doomed” is gone")), 3000,
                "the toast saying why");
    ui_screenshot(GTK_WIDGET(ui_window()), "machine-folder-removed");
}

/* The label of a message dialog that shows a long text in full. */
static GtkWidget *details_label(GtkWidget *dialog, const char *text)
{
    GtkWidget *label = ui_find_label(dialog, text);
    g_assert_nonnull(label);
    g_assert_true(gtk_label_get_selectable(GTK_LABEL(label)));
    g_assert_true(gtk_widget_get_mapped(label));
    /* All of it is on screen: no ellipsis, no line cut off. */
    g_assert_cmpint(gtk_label_get_ellipsize(GTK_LABEL(label)), ==, PANGO_ELLIPSIZE_NONE);
    return label;
}

/* A qcow2 image: a dialog gives the whole command to convert it, to copy. */
static void test_qcow2(void)
{
    g_autofree char *qcow = g_build_filename(ui_scratch_dir(), "old disk.qcow2", NULL);
    g_assert_true(g_file_set_contents(qcow, "QFI\xfb\0\0\0\3", 8, NULL));
    g_autoptr(GFile) file = g_file_new_for_path(qcow);
    g_assert_null(vireo_window_open_file(ui_window(), file));
    GtkWidget *dialog = wait_for_dialog("the qcow2 dialog");
    g_assert_null(ui_find_toplevel(VIREO_TYPE_ASSISTANT));
    g_assert_nonnull(strstr(adw_message_dialog_get_body(ADW_MESSAGE_DIALOG(dialog)), "qcow2"));
    g_autofree char *raw = g_build_filename(ui_scratch_dir(), "old disk.img", NULL);
    g_autofree char *quoted_in = g_shell_quote(qcow), *quoted_out = g_shell_quote(raw);
    g_autofree char *command =
        g_strdup_printf("qemu-img convert -O raw %s %s", quoted_in, quoted_out);
    GtkWidget *label = details_label(dialog, "qemu-img convert");
    g_assert_cmpstr(gtk_label_get_text(GTK_LABEL(label)), ==, command);
    ui_screenshot(dialog, "qcow2-convert");
    adw_message_dialog_response(ADW_MESSAGE_DIALOG(dialog), "close");
    close_toplevel(dialog);
}

/* A machine whose disk image another program holds, started from the library: the toast
 * says what happened in few words, and its Details button shows all of it. */
static void test_disk_in_use(void)
{
    const char *echo = ui_guest("echo.elf");
    if (!echo) {
        g_test_skip("echo.elf was not built (no riscv64-unknown-elf-gcc)");
        return;
    }
    vireo_window_show_library(ui_window());
    g_autofree char *folder =
        ui_make_machine_with_disk("Locked", echo, "none", 64ull << 20, 1 << 20);
    vireo_library_reload(ui_library());
    ui_iterate(100);

    /* Another program reads the image (as QEMU locks it). */
    g_autofree char *disk = g_build_filename(folder, "disk.img", NULL);
    int fd = open(disk, O_RDONLY);
    g_assert_cmpint(fd, >=, 0);
    struct flock lock = {.l_type = F_RDLCK, .l_whence = SEEK_SET, .l_start = 0, .l_len = 0};
    g_assert_cmpint(fcntl(fd, F_OFD_SETLK, &lock), ==, 0);

    VireoMachine *m = vireo_machine_row_get_machine(ui_row_for("Locked"));
    gtk_widget_activate_action(GTK_WIDGET(ui_row_for("Locked")), "row.start", NULL);
    GtkWidget *details = NULL;
    UI_WAIT_FOR((details = ui_find_button(W("toast_overlay"), "_Details")), 10000,
                "the toast with details");
    g_assert_cmpint(vireo_machine_get_state(m), ==, VIREO_MACHINE_OFF);
    GtkWidget *title = ui_find_label(W("toast_overlay"), "could not start");
    g_assert_nonnull(title);
    g_test_message("toast: %s", gtk_label_get_text(GTK_LABEL(title)));
    g_assert_cmpstr(gtk_label_get_text(GTK_LABEL(title)), ==, "“Locked” could not start");
    ui_screenshot(GTK_WIDGET(ui_window()), "toast-disk-in-use");

    ui_click(details);
    GtkWidget *dialog = wait_for_dialog("the details");
    GtkWidget *label = details_label(dialog, "in use by another machine");
    g_assert_nonnull(strstr(gtk_label_get_text(GTK_LABEL(label)), disk));
    g_assert_nonnull(strstr(gtk_label_get_text(GTK_LABEL(label)), "open it read-only"));
    ui_screenshot(dialog, "details-disk-in-use");
    adw_message_dialog_response(ADW_MESSAGE_DIALOG(dialog), "close");
    close_toplevel(dialog);
    close(fd);
}

/* A damaged machine's page offers only what works: no Settings for settings that cannot be
 * read. */
static void test_damaged_page(void)
{
    g_autofree char *broken = g_build_filename(ui_machines_dir(), "Broken.vireo", NULL);
    g_mkdir_with_parents(broken, 0755);
    g_autofree char *ini = g_build_filename(broken, "machine.ini", NULL);
    g_assert_true(g_file_set_contents(ini, "[machine\ncpus=lots\n", -1, NULL));
    vireo_library_reload(ui_library());
    ui_iterate(100);
    vireo_window_open_machine(ui_window(), vireo_machine_row_get_machine(ui_row_for("Broken")));
    ui_iterate(100);
    GtkWidget *page = GTK_WIDGET(vireo_window_get_machine_page(ui_window()));
    g_assert_cmpstr(gtk_stack_get_visible_child_name(GTK_STACK(ui_find(page, "content_stack"))), ==,
                    "problem");
    g_assert_false(gtk_widget_get_visible(ui_find(page, "problem_settings_button")));
    GtkWidget *folder_button = ui_find(page, "problem_folder_button");
    g_assert_true(gtk_widget_get_mapped(folder_button));
    g_assert_true(gtk_widget_is_sensitive(folder_button));
    ui_screenshot(GTK_WIDGET(ui_window()), "machine-damaged");

    /* A machine that is only missing a file can have it set in its settings. */
    g_autofree char *missing = ui_make_machine("Missing", "/nonexistent/kernel", "none", 64 << 20);
    vireo_library_reload(ui_library());
    ui_iterate(100);
    vireo_window_open_machine(ui_window(), vireo_machine_row_get_machine(ui_row_for("Missing")));
    ui_iterate(100);
    GtkWidget *settings = ui_find(page, "problem_settings_button");
    g_assert_true(gtk_widget_get_mapped(settings));
    g_assert_true(gtk_widget_is_sensitive(settings));
    ui_screenshot(GTK_WIDGET(ui_window()), "machine-missing-file");
    vireo_window_show_library(ui_window());
}

/* A row with a picture and a row without line up: the picture takes the placeholder's
 * place, so the titles start at the same x. */
static void test_thumbnail_alignment(void)
{
    g_autofree char *a = ui_make_machine("Aa Pictured", "/bin/sh", "none", 64 << 20);
    g_autofree char *b = ui_make_machine("Ab Plain", "/bin/sh", "none", 64 << 20);
    /* A console-sized picture, wider than the placeholder. */
    cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_RGB24, 480, 300);
    cairo_t *cr = cairo_create(s);
    cairo_set_source_rgb(cr, 0.12, 0.12, 0.12);
    cairo_paint(cr);
    cairo_destroy(cr);
    g_autofree char *png = g_build_filename(a, "screenshot.png", NULL);
    g_assert_cmpint(cairo_surface_write_to_png(s, png), ==, CAIRO_STATUS_SUCCESS);
    cairo_surface_destroy(s);
    vireo_library_reload(ui_library());
    ui_iterate(300);

    VireoMachineRow *pictured = ui_row_for("Aa Pictured"), *plain = ui_row_for("Ab Plain");
    GtkWidget *stack_a = ui_find(GTK_WIDGET(pictured), "thumbnail_stack");
    GtkWidget *stack_b = ui_find(GTK_WIDGET(plain), "thumbnail_stack");
    g_assert_cmpstr(gtk_stack_get_visible_child_name(GTK_STACK(stack_a)), ==, "picture");
    g_assert_cmpstr(gtk_stack_get_visible_child_name(GTK_STACK(stack_b)), ==, "icon");
    g_assert_cmpint(gtk_widget_get_width(stack_a), ==, gtk_widget_get_width(stack_b));
    g_assert_cmpint(gtk_widget_get_height(stack_a), ==, gtk_widget_get_height(stack_b));
    graphene_point_t origin = GRAPHENE_POINT_INIT(0, 0), pa, pb;
    g_assert_true(gtk_widget_compute_point(ui_find(GTK_WIDGET(pictured), "name_label"),
                                           GTK_WIDGET(pictured), &origin, &pa));
    g_assert_true(gtk_widget_compute_point(ui_find(GTK_WIDGET(plain), "name_label"),
                                           GTK_WIDGET(plain), &origin, &pb));
    g_assert_cmpfloat(pa.x, ==, pb.x);
    ui_screenshot(GTK_WIDGET(ui_window()), "library-thumbnails-aligned");
}

/* The dialogs of a machine's settings: a new disk, removing a disk. */
static void test_settings_dialogs(void)
{
    VrMachineConfig cfg;
    vr_machine_config_init(&cfg);
    cfg.name = g_strdup("With Disk");
    cfg.bios = g_strdup("none");
    cfg.kernel = g_strdup("/bin/sh");
    cfg.memory = 64ull << 20;
    g_autoptr(GError) error = NULL;
    g_autofree char *folder = vr_library_create(ui_machines_dir(), &cfg, 1 << 20, &error);
    g_assert_no_error(error);
    vr_machine_config_clear(&cfg);
    vireo_library_reload(ui_library());
    ui_iterate(100);
    VireoMachineSettings *settings = vireo_window_open_settings(
        ui_window(), vireo_machine_row_get_machine(ui_row_for("With Disk")));
    UI_WAIT_FOR(gtk_widget_get_mapped(GTK_WIDGET(settings)), 5000, "the settings");

    ui_click(ui_find(GTK_WIDGET(settings), "new_disk_button"));
    GtkWidget *dialog = wait_for_dialog("the new disk dialog");
    g_assert_nonnull(ui_find_type(dialog, GTK_TYPE_SPIN_BUTTON));
    ui_screenshot(dialog, "settings-new-disk");
    adw_message_dialog_response(ADW_MESSAGE_DIALOG(dialog), "cancel");
    close_toplevel(dialog);

    GtkWidget *trash = ui_find_icon_button(GTK_WIDGET(settings), "user-trash-symbolic");
    g_assert_nonnull(trash);
    ui_click(trash);
    dialog = wait_for_dialog("the remove disk dialog");
    g_assert_nonnull(
        strstr(adw_message_dialog_get_heading(ADW_MESSAGE_DIALOG(dialog)), "disk.img"));
    ui_screenshot(dialog, "settings-remove-disk");
    adw_message_dialog_response(ADW_MESSAGE_DIALOG(dialog), "cancel");
    close_toplevel(dialog);
    close_toplevel(GTK_WIDGET(settings));
    g_autofree char *disk = g_build_filename(folder, "disk.img", NULL);
    g_assert_true(g_file_test(disk, G_FILE_TEST_IS_REGULAR));
}

/* A file dragged over the window: the drop highlight says what a drop does. */
static void test_drop_highlight(void)
{
    vireo_window_show_library(ui_window());
    GtkDropTarget *target = NULL;
    g_autoptr(GListModel) controllers = gtk_widget_observe_controllers(GTK_WIDGET(ui_window()));
    for (guint i = 0; i < g_list_model_get_n_items(controllers); i++) {
        g_autoptr(GObject) c = g_list_model_get_item(controllers, i);
        if (GTK_IS_DROP_TARGET(c))
            target = GTK_DROP_TARGET(c);
    }
    g_assert_nonnull(target);
    GdkDragAction action = 0;
    g_signal_emit_by_name(target, "enter", 100.0, 100.0, &action);
    g_assert_cmpint(action, ==, GDK_ACTION_COPY);
    GtkWidget *highlight = W("drop_highlight");
    g_assert_true(gtk_widget_get_mapped(highlight));
    ui_screenshot(GTK_WIDGET(ui_window()), "drop-highlight");
    g_signal_emit_by_name(target, "leave");
    g_assert_false(gtk_widget_get_visible(highlight));
}

int main(int argc, char **argv)
{
    ui_test_init(&argc, &argv);
    g_test_add_func("/ui/windows/preferences", test_preferences);
    g_test_add_func("/ui/windows/about", test_about);
    g_test_add_func("/ui/windows/shortcuts", test_shortcuts);
    g_test_add_func("/ui/windows/rename-enter", test_rename_enter);
    g_test_add_func("/ui/windows/folder-removed", test_folder_removed);
    g_test_add_func("/ui/windows/qcow2", test_qcow2);
    g_test_add_func("/ui/windows/disk-in-use", test_disk_in_use);
    g_test_add_func("/ui/windows/damaged-page", test_damaged_page);
    g_test_add_func("/ui/windows/thumbnail-alignment", test_thumbnail_alignment);
    g_test_add_func("/ui/windows/settings-dialogs", test_settings_dialogs);
    g_test_add_func("/ui/windows/drop-highlight", test_drop_highlight);
    int status = g_test_run();
    ui_test_finish();
    return status;
}
