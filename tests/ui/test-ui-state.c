/* UI tests of saved states: "Save State and Quit" on a running echo guest writes the state
 * into the machine folder and the library says "Saved"; Start resumes the guest where it was
 * (a half-typed line, its heartbeat count, no second boot banner) and deletes the file; a
 * failed save leaves the machine running; a damaged state file is refused with the reason and can
 * be discarded; settings are locked while a state is saved; closing the window can save the running
 * machines. */
#include <glib/gstdio.h>

#include "ui-test.h"
#include "vr-library.h"

static const char *subtitle(void)
{
    return adw_window_title_get_subtitle(ADW_WINDOW_TITLE(ui_page_widget("title")));
}

static VteTerminal *terminal(void)
{
    GtkWidget *t = vireo_machine_page_get_terminal(ui_page());
    g_assert_nonnull(t);
    return VTE_TERMINAL(t);
}

static unsigned count_in_console(const char *text)
{
    GtkWidget *t = vireo_machine_page_get_terminal(ui_page());
    if (!t)
        return 0;
    g_autofree char *all = ui_terminal_text(VTE_TERMINAL(t));
    unsigned n = 0;
    for (const char *p = all; (p = strstr(p, text)); p++)
        n++;
    return n;
}

/* The highest heartbeat number the console shows. */
static unsigned last_tick(void)
{
    g_autofree char *all = ui_terminal_text(terminal());
    unsigned last = 0;
    for (const char *p = all; (p = strstr(p, "[tick ")); p++)
        last = MAX(last, (unsigned) strtoul(p + 6, NULL, 10));
    return last;
}

static const char *badge(const char *name)
{
    GtkWidget *label = ui_find(GTK_WIDGET(ui_row_for(name)), "state_label");
    return gtk_label_get_text(GTK_LABEL(label));
}

static char *state_file(const char *name)
{
    g_autofree char *folder = g_strdup_printf("%s.vireo", name);
    return g_build_filename(ui_machines_dir(), folder, VR_LIBRARY_SAVED_STATE, NULL);
}

static gboolean skip_without_echo(void)
{
    if (ui_guest("echo.elf"))
        return FALSE;
    g_test_skip("the RISC-V test guests were not built (no riscv64-unknown-elf-gcc)");
    return TRUE;
}

static VireoMachine *start_echo(const char *name)
{
    g_autofree char *folder = ui_make_machine(name, ui_guest("echo.elf"), "none", 64ull << 20);
    vireo_library_reload(ui_library());
    VireoMachine *m = vireo_machine_row_get_machine(ui_row_for(name));
    vireo_window_open_machine(ui_window(), m);
    ui_click(ui_page_widget("big_start_button"));
    UI_WAIT_FOR(count_in_console("echo> ") > 0, 20000, "the prompt");
    UI_WAIT_FOR(vireo_machine_get_state(m) == VIREO_MACHINE_RUNNING, 5000, "Running");
    return m;
}

static void save_and_quit(VireoMachine *m)
{
    g_assert_true(gtk_widget_activate_action(GTK_WIDGET(ui_page()), "machine.save-state", NULL));
    /* While it writes, the page says so and the machine is held still. */
    g_assert_true(vireo_machine_is_saving(m) || vireo_machine_get_state(m) == VIREO_MACHINE_OFF);
    if (vireo_machine_is_saving(m)) {
        g_assert_cmpstr(subtitle(), ==, "Saving…");
        g_assert_true(gtk_widget_get_visible(ui_page_widget("saving_spinner")));
    }
    UI_WAIT_FOR(vireo_machine_get_state(m) == VIREO_MACHINE_OFF, 20000, "the machine to stop");
    g_assert_false(gtk_widget_get_visible(ui_page_widget("saving_spinner")));
}

/* Save State and Quit, then Start: the guest goes on where it was. */
static void test_save_and_resume(void)
{
    if (skip_without_echo())
        return;
    VireoMachine *m = start_echo("Echo");
    vte_terminal_feed_child(terminal(), "hello vireo\r", -1);
    UI_WAIT_FOR(count_in_console("you typed: hello vireo") == 1, 10000, "the guest's echo");
    UI_WAIT_FOR(last_tick() >= 1, 10000, "a heartbeat");
    /* Half a line: only the guest's RAM remembers it. */
    vte_terminal_feed_child(terminal(), "half", -1);
    UI_WAIT_FOR(count_in_console("echo> half") > 0, 10000, "the half line echoed");
    g_assert_cmpuint(count_in_console("Vireo echo guest"), ==, 1);

    save_and_quit(m);
    unsigned ticks = last_tick();
    g_autofree char *path = state_file("Echo");
    g_assert_true(g_file_test(path, G_FILE_TEST_IS_REGULAR));
    g_assert_true(vireo_machine_has_saved_state(m));
    g_assert_cmpstr(subtitle(), ==, "Saved · Start resumes it where it was");
    g_assert_true(gtk_widget_get_visible(ui_page_widget("start_button")));
    g_assert_null(vireo_machine_page_get_banner(ui_page()));
    ui_screenshot(GTK_WIDGET(ui_window()), "state-saved-page");
    /* No temporary file is left beside it. */
    g_autofree char *folder = g_path_get_dirname(path);
    g_autoptr(GDir) dir = g_dir_open(folder, 0, NULL);
    for (const char *name; (name = g_dir_read_name(dir));)
        g_assert_true(g_str_equal(name, "machine.ini") || g_str_equal(name, "screenshot.png") ||
                      g_str_equal(name, VR_LIBRARY_SAVED_STATE));

    vireo_window_show_library(ui_window());
    ui_iterate(100);
    g_assert_cmpstr(badge("Echo"), ==, "Saved");
    GtkWidget *label = ui_find(GTK_WIDGET(ui_row_for("Echo")), "state_label");
    g_assert_true(gtk_widget_has_css_class(label, "saved"));
    /* Renaming would move the disks the state names. */
    gtk_widget_activate_action(GTK_WIDGET(ui_row_for("Echo")), "row.rename", NULL);
    ui_iterate(100);
    g_assert_null(ui_find_toplevel(ADW_TYPE_MESSAGE_DIALOG));
    ui_screenshot(GTK_WIDGET(ui_window()), "state-saved-library");

    /* The heartbeat stood still while it was saved. */
    ui_iterate(1500);
    vireo_window_open_machine(ui_window(), m);
    ui_click(ui_page_widget("start_button"));
    UI_WAIT_FOR(vireo_machine_get_state(m) == VIREO_MACHINE_RUNNING, 20000,
                "the machine to resume");
    g_assert_false(g_file_test(path, G_FILE_TEST_EXISTS));
    g_assert_false(vireo_machine_has_saved_state(m));
    /* The rest of the line: the guest still holds the first half. */
    vte_terminal_feed_child(terminal(), " done\r", -1);
    UI_WAIT_FOR(count_in_console("you typed: half done") == 1, 10000, "the whole line echoed");
    UI_WAIT_FOR(last_tick() > ticks, 5000, "the heartbeat to go on");
    g_test_message("last tick before saving %u, after resuming %u", ticks, last_tick());
    /* It went on counting, not from 1 again, and did not boot a second time. */
    g_assert_cmpuint(last_tick(), <=, ticks + 3);
    g_assert_cmpuint(count_in_console("[tick 1]"), ==, 1);
    g_assert_cmpuint(count_in_console("Vireo echo guest"), ==, 1);
    g_assert_cmpstr(subtitle(), ==, "Running");
    g_assert_cmpstr(badge("Echo"), ==, "Running");
    ui_screenshot(GTK_WIDGET(ui_window()), "state-resumed");
}

/* Writing the state fails (its place is taken by a folder): the banner says why, the machine
 * runs on and nothing of it is lost. */
static void test_save_fails(void)
{
    if (skip_without_echo())
        return;
    VireoMachine *m = vireo_machine_page_get_machine(ui_page());
    g_assert_cmpint(vireo_machine_get_state(m), ==, VIREO_MACHINE_RUNNING);
    g_autofree char *path = state_file("Echo");
    g_autofree char *inside = g_build_filename(path, "keep", NULL);
    g_assert_cmpint(g_mkdir(path, 0755), ==, 0);
    g_assert_true(g_file_set_contents(inside, "", 0, NULL));
    vte_terminal_feed_child(terminal(), "kept", -1);
    UI_WAIT_FOR(count_in_console("echo> kept") > 0, 10000, "the half line echoed");

    g_assert_true(gtk_widget_activate_action(GTK_WIDGET(ui_page()), "machine.save-state", NULL));
    UI_WAIT_FOR(vireo_machine_page_get_banner(ui_page()), 20000, "the banner");
    const char *banner = vireo_machine_page_get_banner(ui_page());
    g_test_message("banner: %s", banner);
    g_assert_nonnull(strstr(banner, "could not save its state"));
    g_assert_nonnull(strstr(banner, VR_LIBRARY_SAVED_STATE));
    g_assert_false(gtk_widget_get_visible(ui_page_widget("banner_discard")));
    UI_WAIT_FOR(vireo_machine_get_state(m) == VIREO_MACHINE_RUNNING, 5000, "it to run on");
    g_assert_false(vireo_machine_is_saving(m));
    g_assert_false(vireo_machine_has_saved_state(m));
    g_assert_cmpstr(subtitle(), ==, "Running");
    ui_screenshot(GTK_WIDGET(ui_window()), "state-save-failed");
    unsigned ticks = last_tick();
    UI_WAIT_FOR(last_tick() > ticks, 5000, "the heartbeat to go on");
    vte_terminal_feed_child(terminal(), "\r", -1);
    UI_WAIT_FOR(count_in_console("you typed: kept") == 1, 10000, "the line typed before");
    /* No temporary file is left in the folder. */
    g_autofree char *folder = g_path_get_dirname(path);
    g_autoptr(GDir) dir = g_dir_open(folder, 0, NULL);
    for (const char *name; (name = g_dir_read_name(dir));)
        g_assert_false(g_str_has_prefix(name, "."));
    g_assert_cmpint(g_unlink(inside), ==, 0);
    g_assert_cmpint(g_rmdir(path), ==, 0);
}

/* A damaged state file: the banner says why and offers to discard it; nothing is deleted
 * until the user says so. */
static void test_damaged_state(void)
{
    if (skip_without_echo())
        return;
    VireoMachine *m = vireo_machine_page_get_machine(ui_page());
    g_assert_cmpint(vireo_machine_get_state(m), ==, VIREO_MACHINE_RUNNING);
    save_and_quit(m);
    g_autofree char *path = state_file("Echo");
    g_autofree char *data = NULL;
    gsize len = 0;
    g_assert_true(g_file_get_contents(path, &data, &len, NULL));
    g_assert_cmpuint(len, >, 4096);
    /* A flipped byte in the middle (RAM): the file's checks catch it. */
    data[len / 2] ^= 0x5a;
    g_assert_true(g_file_set_contents(path, data, (gssize) len, NULL));

    ui_click(ui_page_widget("start_button"));
    UI_WAIT_FOR(vireo_machine_page_get_banner(ui_page()), 20000, "the banner");
    const char *banner = vireo_machine_page_get_banner(ui_page());
    g_test_message("banner: %s", banner);
    g_assert_nonnull(strstr(banner, "could not resume its saved state"));
    g_assert_nonnull(strstr(banner, VR_LIBRARY_SAVED_STATE));
    g_assert_nonnull(strstr(banner, "damaged"));
    g_assert_cmpint(vireo_machine_get_state(m), ==, VIREO_MACHINE_OFF);
    g_assert_true(g_file_test(path, G_FILE_TEST_IS_REGULAR));
    g_assert_true(gtk_widget_get_visible(ui_page_widget("banner_discard")));
    ui_screenshot(GTK_WIDGET(ui_window()), "state-damaged-banner");

    /* The library keeps it as saved; leaving and coming back keeps the reason on show. */
    vireo_window_show_library(ui_window());
    ui_iterate(100);
    g_assert_cmpstr(badge("Echo"), ==, "Saved");
    vireo_window_open_machine(ui_window(), m);
    g_assert_nonnull(vireo_machine_page_get_banner(ui_page()));

    ui_click(ui_page_widget("banner_discard"));
    g_assert_false(g_file_test(path, G_FILE_TEST_EXISTS));
    g_assert_null(vireo_machine_page_get_banner(ui_page()));
    g_assert_cmpstr(subtitle(), ==, "Off");
    g_assert_cmpstr(badge("Echo"), ==, "Off");

    /* Start boots afresh now. */
    ui_click(ui_page_widget("start_button"));
    UI_WAIT_FOR(vireo_machine_get_state(m) == VIREO_MACHINE_RUNNING &&
                    count_in_console("you typed") == 0 && count_in_console("Vireo echo guest") == 1,
                20000, "the guest to boot afresh (a fresh console)");
}

/* While a state is saved, the settings are locked (they are the ones it resumes with);
 * discarding it there unlocks them. */
static void test_settings_locked(void)
{
    if (skip_without_echo())
        return;
    VireoMachine *m = vireo_machine_page_get_machine(ui_page());
    save_and_quit(m);
    g_autofree char *path = state_file("Echo");
    g_assert_true(g_file_test(path, G_FILE_TEST_IS_REGULAR));
    g_assert_true(gtk_widget_activate_action(GTK_WIDGET(ui_page()), "machine.settings", NULL));
    GtkWidget *settings = NULL;
    UI_WAIT_FOR((settings = ui_find_toplevel(VIREO_TYPE_MACHINE_SETTINGS)), 5000, "the settings");
    ui_iterate(200);
    g_assert_true(gtk_widget_get_visible(ui_find(settings, "saved_group")));
    g_assert_false(gtk_widget_get_visible(ui_find(settings, "running_group")));
    g_assert_false(gtk_widget_is_sensitive(ui_find(settings, "memory_row")));
    g_assert_false(gtk_widget_is_sensitive(ui_find(settings, "name_row")));
    g_assert_false(gtk_widget_is_sensitive(ui_find(settings, "kernel_choose_button")));
    ui_screenshot(settings, "state-settings-locked");

    ui_click(ui_find(settings, "discard_state_button"));
    g_assert_false(g_file_test(path, G_FILE_TEST_EXISTS));
    g_assert_false(gtk_widget_get_visible(ui_find(settings, "saved_group")));
    g_assert_true(gtk_widget_is_sensitive(ui_find(settings, "memory_row")));
    g_assert_cmpstr(subtitle(), ==, "Off");
    /* And a change is taken again. */
    GtkWidget *memory = ui_find(settings, "memory_row");
    gtk_editable_set_text(GTK_EDITABLE(memory), "96M");
    g_signal_emit_by_name(memory, "apply");
    g_autoptr(GKeyFile) ini = ui_read_ini("Echo");
    g_autofree char *value = g_key_file_get_string(ini, "machine", "memory", NULL);
    g_assert_cmpstr(value, ==, "96M");
    gtk_window_destroy(GTK_WINDOW(settings));
}

/* Closing the window with a machine running: "Save State" saves it and closes. */
static void test_close_saves(void)
{
    if (skip_without_echo())
        return;
    VireoMachine *m = vireo_machine_page_get_machine(ui_page());
    ui_click(ui_page_widget("start_button"));
    UI_WAIT_FOR(vireo_machine_get_state(m) == VIREO_MACHINE_RUNNING, 20000, "Running");
    g_object_ref(m);
    gtk_window_close(GTK_WINDOW(ui_window()));
    GtkWidget *dialog = NULL;
    UI_WAIT_FOR((dialog = ui_find_toplevel(ADW_TYPE_MESSAGE_DIALOG)), 5000, "the question");
    g_assert_true(adw_message_dialog_has_response(ADW_MESSAGE_DIALOG(dialog), "save-state"));
    ui_screenshot(dialog, "state-close-question");
    adw_message_dialog_response(ADW_MESSAGE_DIALOG(dialog), "save-state");
    UI_WAIT_FOR(vireo_machine_get_state(m) == VIREO_MACHINE_OFF, 20000, "Echo to be saved");
    UI_WAIT_FOR(!gtk_widget_get_visible(GTK_WIDGET(ui_window())), 5000, "the window to close");
    g_autofree char *path = state_file("Echo");
    g_assert_true(g_file_test(path, G_FILE_TEST_IS_REGULAR));
    g_assert_true(vireo_machine_has_saved_state(m));
    g_object_unref(m);
}

int main(int argc, char **argv)
{
    ui_test_init(&argc, &argv);
    g_test_add_func("/ui/state/save-and-resume", test_save_and_resume);
    g_test_add_func("/ui/state/save-fails", test_save_fails);
    g_test_add_func("/ui/state/damaged", test_damaged_state);
    g_test_add_func("/ui/state/settings-locked", test_settings_locked);
    g_test_add_func("/ui/state/close-saves", test_close_saves);
    int status = g_test_run();
    ui_test_finish();
    return status;
}
