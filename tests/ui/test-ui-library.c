/* UI tests of the library: the empty state, damaged machine folders shown with a problem
 * badge, search, rename, duplicate, delete with undo. */
#include <glib/gstdio.h>
#include <sys/stat.h>

#include "ui-test.h"
#include "vr-library.h"

static const char *visible_page(const char *stack_id)
{
    GtkWidget *stack = ui_find(GTK_WIDGET(ui_window()), stack_id);
    g_assert_nonnull(stack);
    return gtk_stack_get_visible_child_name(GTK_STACK(stack));
}

static const char *row_label(VireoMachineRow *row, const char *id)
{
    GtkWidget *label = ui_find(GTK_WIDGET(row), id);
    g_assert_nonnull(label);
    return gtk_label_get_text(GTK_LABEL(label));
}

static guint n_rows(void)
{
    g_autoptr(GList) rows = ui_library_rows();
    guint n = 0;
    for (GList *l = rows; l; l = l->next)
        if (gtk_widget_get_child_visible(l->data))
            n++;
    return n;
}

/* A fresh library shows the empty state, which says what to do. */
static void test_empty(void)
{
    vireo_window_show_library(ui_window());
    g_assert_cmpstr(visible_page("library_stack"), ==, "empty");
    GtkWidget *page = ui_find(GTK_WIDGET(ui_window()), "empty_page");
    g_assert_true(gtk_widget_get_mapped(page));
    g_assert_cmpstr(adw_status_page_get_title(ADW_STATUS_PAGE(page)), ==, "No Machines Yet");
    g_assert_nonnull(strstr(adw_status_page_get_description(ADW_STATUS_PAGE(page)), "drop"));
    GtkWidget *create = ui_find(GTK_WIDGET(ui_window()), "create_button");
    g_assert_true(gtk_widget_get_mapped(create));
    g_assert_true(gtk_widget_is_sensitive(create));
    ui_screenshot(GTK_WIDGET(ui_window()), "library-empty");

    /* The button opens the assistant. */
    ui_click(create);
    UI_WAIT_FOR(ui_find_toplevel(VIREO_TYPE_ASSISTANT), 5000, "the assistant");
    gtk_window_destroy(GTK_WINDOW(ui_find_toplevel(VIREO_TYPE_ASSISTANT)));
    ui_iterate(50);
}

/* Damaged folders are listed with what is wrong, not hidden, and nothing crashes. */
static void test_damaged(void)
{
    const char *dir = ui_machines_dir();
    /* machine.ini that does not parse */
    g_autofree char *broken = g_build_filename(dir, "Broken.vireo", NULL);
    g_mkdir_with_parents(broken, 0755);
    g_autofree char *broken_ini = g_build_filename(broken, "machine.ini", NULL);
    g_assert_true(g_file_set_contents(broken_ini, "[machine\ncpus=lots\n\x01\x02", -1, NULL));
    /* a disk that is gone */
    VrMachineConfig cfg;
    vr_machine_config_init(&cfg);
    cfg.name = g_strdup("Diskless");
    cfg.bios = g_strdup("none");
    cfg.kernel = g_strdup(ui_guest("demo.elf") ? ui_guest("demo.elf") : "/bin/sh");
    g_autoptr(GError) error = NULL;
    g_autofree char *diskless = vr_library_create(dir, &cfg, 1 << 20, &error);
    g_assert_no_error(error);
    vr_machine_config_clear(&cfg);
    g_autofree char *disk = g_build_filename(diskless, "disk.img", NULL);
    g_assert_cmpint(g_unlink(disk), ==, 0);
    /* a good one */
    g_autofree char *good = ui_make_machine("Good", "/bin/sh", "none", 64 << 20);

    vireo_library_reload(ui_library());
    ui_iterate(100);
    g_assert_cmpstr(visible_page("library_stack"), ==, "list");
    g_assert_cmpuint(n_rows(), ==, 3);

    VireoMachineRow *row = ui_row_for("Broken");
    g_assert_nonnull(row);
    g_assert_cmpstr(row_label(row, "state_label"), ==, "Damaged");
    GtkWidget *problem = ui_find(GTK_WIDGET(row), "problem_label");
    g_assert_true(gtk_widget_get_visible(problem));
    g_assert_nonnull(strstr(gtk_label_get_text(GTK_LABEL(problem)), "machine.ini"));
    g_assert_false(gtk_widget_get_visible(ui_find(GTK_WIDGET(row), "start_button")) &&
                   gtk_widget_is_sensitive(ui_find(GTK_WIDGET(row), "start_button")));

    row = ui_row_for("Diskless");
    g_assert_nonnull(row);
    g_assert_cmpstr(row_label(row, "state_label"), ==, "File Missing");
    problem = ui_find(GTK_WIDGET(row), "problem_label");
    g_assert_true(gtk_widget_get_visible(problem));
    g_assert_nonnull(strstr(gtk_label_get_text(GTK_LABEL(problem)), "disk.img is missing"));

    row = ui_row_for("Good");
    g_assert_nonnull(row);
    g_assert_cmpstr(row_label(row, "state_label"), ==, "Off");
    g_assert_false(gtk_widget_get_visible(ui_find(GTK_WIDGET(row), "problem_label")));
    g_assert_nonnull(strstr(row_label(row, "description_label"), "RISC-V 64"));
    g_assert_nonnull(strstr(row_label(row, "description_label"), "64 MiB"));
    ui_screenshot(GTK_WIDGET(ui_window()), "library-problems");

    /* Opening the damaged one says why it cannot start and offers a way on. */
    vireo_window_open_machine(ui_window(), vireo_machine_row_get_machine(ui_row_for("Broken")));
    ui_iterate(50);
    VireoMachinePage *page = vireo_window_get_machine_page(ui_window());
    GtkWidget *content = ui_find(GTK_WIDGET(page), "content_stack");
    g_assert_cmpstr(gtk_stack_get_visible_child_name(GTK_STACK(content)), ==, "problem");
    GtkWidget *status = ui_find(GTK_WIDGET(page), "problem_page");
    g_assert_nonnull(
        strstr(adw_status_page_get_description(ADW_STATUS_PAGE(status)), "machine.ini"));
    g_assert_false(gtk_widget_is_sensitive(ui_find(GTK_WIDGET(page), "start_button")));
    ui_screenshot(GTK_WIDGET(ui_window()), "machine-problem");
    vireo_window_show_library(ui_window());

    /* Repaired on disk: the library takes a fresh look and the badge goes. */
    g_assert_true(g_file_set_contents(broken_ini,
                                      "[machine]\nname=Broken\ncpus=1\nmemory=64M\n"
                                      "[boot]\nfirmware=none\nkernel=/bin/sh\n",
                                      -1, NULL));
    vireo_library_reload(ui_library());
    ui_iterate(50);
    g_assert_cmpstr(row_label(ui_row_for("Broken"), "state_label"), ==, "Off");
}

static void test_search(void)
{
    VireoWindow *window = ui_window();
    GtkWidget *entry = ui_find(GTK_WIDGET(window), "search_entry");
    gtk_widget_activate_action(GTK_WIDGET(window), "win.search", NULL);
    ui_iterate(50);
    g_assert_true(
        gtk_search_bar_get_search_mode(GTK_SEARCH_BAR(ui_find(GTK_WIDGET(window), "search_bar"))));
    gtk_editable_set_text(GTK_EDITABLE(entry), "goo");
    UI_WAIT_FOR(n_rows() == 1, 3000, "one search result");
    g_assert_nonnull(ui_row_for("Good"));
    ui_screenshot(GTK_WIDGET(window), "library-search");
    gtk_editable_set_text(GTK_EDITABLE(entry), "nothing like it");
    UI_WAIT_FOR(g_str_equal(visible_page("library_stack"), "no-results"), 3000,
                "the no-results page");
    ui_screenshot(GTK_WIDGET(window), "library-no-results");
    gtk_editable_set_text(GTK_EDITABLE(entry), "");
    UI_WAIT_FOR(n_rows() == 3, 3000, "all rows back");
    g_assert_cmpstr(visible_page("library_stack"), ==, "list");
}

/* The dialog checks the name as it is typed; the folder and machine.ini follow. */
static void test_rename(void)
{
    VireoMachine *m = vireo_machine_row_get_machine(ui_row_for("Good"));
    vireo_window_rename_machine(ui_window(), m);
    GtkWidget *dialog = NULL;
    UI_WAIT_FOR((dialog = ui_find_toplevel(ADW_TYPE_MESSAGE_DIALOG)), 3000, "the rename dialog");
    GtkWidget *entry = ui_find_type(dialog, GTK_TYPE_ENTRY);
    g_assert_nonnull(entry);

    gtk_editable_set_text(GTK_EDITABLE(entry), "a/b");
    g_assert_false(adw_message_dialog_get_response_enabled(ADW_MESSAGE_DIALOG(dialog), "rename"));
    g_assert_nonnull(ui_find_label(dialog, "slash"));
    gtk_editable_set_text(GTK_EDITABLE(entry), "Diskless");
    g_assert_false(adw_message_dialog_get_response_enabled(ADW_MESSAGE_DIALOG(dialog), "rename"));
    g_assert_nonnull(ui_find_label(dialog, "already a machine"));
    ui_screenshot(dialog, "rename-refused");

    gtk_editable_set_text(GTK_EDITABLE(entry), "Better Name");
    g_assert_true(adw_message_dialog_get_response_enabled(ADW_MESSAGE_DIALOG(dialog), "rename"));
    adw_message_dialog_response(ADW_MESSAGE_DIALOG(dialog), "rename");
    ui_iterate(100);
    g_autofree char *old = g_build_filename(ui_machines_dir(), "Good.vireo", NULL);
    g_autofree char *renamed = g_build_filename(ui_machines_dir(), "Better Name.vireo", NULL);
    g_assert_false(g_file_test(old, G_FILE_TEST_EXISTS));
    g_assert_true(g_file_test(renamed, G_FILE_TEST_IS_DIR));
    g_autoptr(GKeyFile) kf = ui_read_ini("Better Name");
    g_autofree char *name = g_key_file_get_string(kf, "machine", "name", NULL);
    g_assert_cmpstr(name, ==, "Better Name");
    g_assert_nonnull(ui_row_for("Better Name"));
    g_assert_null(ui_row_for("Good"));
}

static void test_duplicate(void)
{
    /* A sparse disk to copy: it must stay sparse. */
    VireoMachine *m = vireo_machine_row_get_machine(ui_row_for("Better Name"));
    g_autofree char *disk = g_build_filename(vireo_machine_get_folder(m), "disk.img", NULL);
    g_autoptr(GError) error = NULL;
    g_assert_true(vr_disk_create_raw(disk, 1ull << 30, &error));

    vireo_window_duplicate_machine(ui_window(), m);
    UI_WAIT_FOR(ui_row_for("Better Name (Copy)"), 10000, "the copy in the library");
    g_autofree char *copy =
        g_build_filename(ui_machines_dir(), "Better Name (Copy).vireo", "machine.ini", NULL);
    g_assert_true(g_file_test(copy, G_FILE_TEST_IS_REGULAR));
    g_autoptr(GKeyFile) kf = ui_read_ini("Better Name (Copy)");
    g_autofree char *name = g_key_file_get_string(kf, "machine", "name", NULL);
    g_assert_cmpstr(name, ==, "Better Name (Copy)");
}

static GtkWidget *find_toast_button(const char *label)
{
    GtkWidget *overlay = ui_find(GTK_WIDGET(ui_window()), "toast_overlay");
    return ui_find_button(overlay, label);
}

/* Nothing left in the staging place of deleted machines. */
static gboolean staging_empty(void)
{
    g_autofree char *staging = g_build_filename(ui_machines_dir(), ".deleted", NULL);
    g_autoptr(GDir) d = g_dir_open(staging, 0, NULL);
    return !d || !g_dir_read_name(d);
}

/* Delete asks first, then the toast's Undo brings the machine back; once the toast goes,
 * the folder is gone for good. */
static void test_delete_undo(void)
{
    VireoMachine *m = vireo_machine_row_get_machine(ui_row_for("Better Name (Copy)"));
    g_autofree char *folder = g_strdup(vireo_machine_get_folder(m));
    vireo_window_confirm_delete(ui_window(), m);
    GtkWidget *dialog = NULL;
    UI_WAIT_FOR((dialog = ui_find_toplevel(ADW_TYPE_MESSAGE_DIALOG)), 3000, "the question");
    g_assert_nonnull(
        strstr(adw_message_dialog_get_heading(ADW_MESSAGE_DIALOG(dialog)), "Better Name (Copy)"));
    ui_screenshot(dialog, "delete-question");
    adw_message_dialog_response(ADW_MESSAGE_DIALOG(dialog), "delete");
    ui_iterate(100);
    g_assert_false(g_file_test(folder, G_FILE_TEST_EXISTS));
    g_assert_null(ui_row_for("Better Name (Copy)"));
    GtkWidget *undo = NULL;
    UI_WAIT_FOR((undo = find_toast_button("_Undo")), 3000, "the undo toast");
    ui_screenshot(GTK_WIDGET(ui_window()), "delete-undo-toast");
    ui_click(undo);
    ui_iterate(100);
    g_assert_true(g_file_test(folder, G_FILE_TEST_IS_DIR));
    g_assert_nonnull(ui_row_for("Better Name (Copy)"));

    /* Again, and this time the toast goes away without an undo. */
    ui_iterate(600);
    m = vireo_machine_row_get_machine(ui_row_for("Better Name (Copy)"));
    vireo_window_delete_machine(ui_window(), m);
    g_assert_false(g_file_test(folder, G_FILE_TEST_EXISTS));
    UI_WAIT_FOR((undo = find_toast_button("_Undo")), 3000, "the undo toast");
    /* The close button of that toast dismisses it. */
    GtkWidget *close = ui_find_icon_button(gtk_widget_get_parent(undo), "window-close-symbolic");
    g_assert_nonnull(close);
    ui_click(close);
    UI_WAIT_FOR(staging_empty(), 5000, "the deleted folder to be removed");
    g_assert_null(ui_row_for("Better Name (Copy)"));
}

int main(int argc, char **argv)
{
    ui_test_init(&argc, &argv);
    g_test_add_func("/ui/library/empty", test_empty);
    g_test_add_func("/ui/library/damaged", test_damaged);
    g_test_add_func("/ui/library/search", test_search);
    g_test_add_func("/ui/library/rename", test_rename);
    g_test_add_func("/ui/library/duplicate", test_duplicate);
    g_test_add_func("/ui/library/delete-undo", test_delete_undo);
    int status = g_test_run();
    ui_test_finish();
    return status;
}
