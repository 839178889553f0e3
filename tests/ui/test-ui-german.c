/* The window in German (LANGUAGE=de): the translation is installed and used, no text on the
 * screens visited is left in English where po/de.po has a translation for it, and the engine's
 * reasons the window shows (a machine.ini it refuses, a kernel it cannot start) are German
 * too. */
#include <fcntl.h>
#include <glib/gstdio.h>
#include <unistd.h>

#include "ui-test.h"
#include "vireo-preferences-window.h"
#include "vr-library.h"

/* English messages whose German differs (from po/de.po), with and without mnemonics. */
static GHashTable *english;

static char *unquote(const char *line)
{
    /* "text" possibly spanning several lines in the .po: this reads one quoted string. */
    const char *start = strchr(line, '"');
    const char *end = strrchr(line, '"');
    if (!start || end <= start)
        return g_strdup("");
    g_autofree char *inner = g_strndup(start + 1, (gsize) (end - start - 1));
    return g_strcompress(inner);
}

static void load_english(void)
{
    english = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    g_autofree char *path = g_build_filename(g_getenv("VIREO_SOURCE_ROOT"), "po", "de.po", NULL);
    g_autofree char *text = NULL;
    g_assert_true(g_file_get_contents(path, &text, NULL, NULL));
    g_auto(GStrv) lines = g_strsplit(text, "\n", -1);
    g_autoptr(GString) id = g_string_new(NULL), str = g_string_new(NULL);
    g_autoptr(GPtrArray) german = g_ptr_array_new_with_free_func(g_free);
    GString *cur = NULL;
    for (unsigned i = 0; lines[i]; i++) {
        const char *l = lines[i];
        if (g_str_has_prefix(l, "msgid ")) {
            g_autofree char *u = unquote(l);
            g_string_assign(id, u);
            g_string_truncate(str, 0);
            cur = id;
        } else if (g_str_has_prefix(l, "msgstr")) {
            g_autofree char *u = unquote(l);
            g_string_assign(str, u);
            cur = str;
        } else if (l[0] == '"' && cur) {
            g_autofree char *u = unquote(l);
            g_string_append(cur, u);
        } else if (!*l && id->len && strcmp(id->str, str->str) != 0 && !strchr(id->str, '%')) {
            g_autofree char *plain = g_strdup(id->str);
            char *u = strchr(plain, '_');
            if (u)
                memmove(u, u + 1, strlen(u));
            g_hash_table_add(english, g_strdup(id->str));
            g_hash_table_add(english, g_steal_pointer(&plain));
            g_ptr_array_add(german, g_strdup(str->str));
            g_string_truncate(id, 0);
            cur = NULL;
        }
    }
    /* A German text that happens to be an English message too ("Start" for "Boot"). */
    for (guint i = 0; i < german->len; i++) {
        g_autofree char *plain = g_strdup(g_ptr_array_index(german, i));
        char *u = strchr(plain, '_');
        if (u)
            memmove(u, u + 1, strlen(u));
        g_hash_table_remove(english, g_ptr_array_index(german, i));
        g_hash_table_remove(english, plain);
    }
    g_assert_cmpuint(g_hash_table_size(english), >, 100);
}

/* Every visible label and button under root: none may be one of the English messages. */
static void assert_no_english(GtkWidget *root)
{
    if (!gtk_widget_get_mapped(root))
        return;
    const char *text = NULL;
    if (GTK_IS_LABEL(root))
        text = gtk_label_get_label(GTK_LABEL(root));
    else if (ADW_IS_PREFERENCES_ROW(root))
        text = adw_preferences_row_get_title(ADW_PREFERENCES_ROW(root));
    else if (ADW_IS_STATUS_PAGE(root))
        text = adw_status_page_get_title(ADW_STATUS_PAGE(root));
    else if (ADW_IS_WINDOW_TITLE(root))
        text = adw_window_title_get_title(ADW_WINDOW_TITLE(root));
    if (text && g_hash_table_contains(english, text))
        g_error("“%s” is shown in English (a %s in a %s)", text, G_OBJECT_TYPE_NAME(root),
                G_OBJECT_TYPE_NAME(gtk_widget_get_parent(root)));
    const char *tooltip = gtk_widget_get_tooltip_text(root);
    if (tooltip && g_hash_table_contains(english, tooltip))
        g_error("the tooltip “%s” is in English (on a %s)", tooltip, G_OBJECT_TYPE_NAME(root));
    for (GtkWidget *c = gtk_widget_get_first_child(root); c; c = gtk_widget_get_next_sibling(c))
        assert_no_english(c);
}

static void test_german(void)
{
    load_english();
    VireoWindow *window = ui_window();
    GtkWidget *empty = ui_find(GTK_WIDGET(window), "empty_page");
    g_assert_cmpstr(adw_status_page_get_title(ADW_STATUS_PAGE(empty)), ==, "Noch keine Maschinen");
    GtkWidget *create = ui_find(GTK_WIDGET(window), "create_button");
    g_assert_cmpstr(gtk_button_get_label(GTK_BUTTON(create)), ==, "Eine Maschine _erstellen …");
    assert_no_english(GTK_WIDGET(window));
    ui_screenshot(GTK_WIDGET(window), "german-library-empty");

    /* A library with damaged machines and a good one. */
    g_autofree char *broken = g_build_filename(ui_machines_dir(), "Kaputt.vireo", NULL);
    g_mkdir_with_parents(broken, 0755);
    g_autofree char *good = ui_make_machine("Gut", "/bin/sh", "none", 256ull << 20);
    /* A machine.ini the engine refuses: its reason is in German too. */
    g_autofree char *wrong = g_build_filename(ui_machines_dir(), "Falsch.vireo", NULL);
    g_mkdir_with_parents(wrong, 0755);
    g_autofree char *wrong_ini = g_build_filename(wrong, "machine.ini", NULL);
    g_assert_true(g_file_set_contents(wrong_ini, "[machine]\ncolour=blue\n", -1, NULL));
    vireo_library_reload(ui_library());
    ui_iterate(100);
    VireoMachineRow *row = ui_row_for("Kaputt");
    g_assert_nonnull(row);
    GtkWidget *badge = ui_find(GTK_WIDGET(row), "state_label");
    g_assert_cmpstr(gtk_label_get_text(GTK_LABEL(badge)), ==, "Beschädigt");
    GtkWidget *problem = ui_find(GTK_WIDGET(row), "problem_label");
    g_assert_nonnull(strstr(gtk_label_get_text(GTK_LABEL(problem)), "Die Einstellungsdatei"));
    problem = ui_find(GTK_WIDGET(ui_row_for("Falsch")), "problem_label");
    const char *why = gtk_label_get_text(GTK_LABEL(problem));
    g_test_message("problem: %s", why);
    g_assert_true(g_str_has_prefix(why, "Die Einstellungsdatei"));
    g_assert_nonnull(
        strstr(why, "beschädigt: Unbekannter Schlüssel „colour“ in der Gruppe [machine]"));
    g_assert_null(strstr(why, "unknown key"));
    GtkWidget *description = ui_find(GTK_WIDGET(ui_row_for("Gut")), "description_label");
    g_assert_cmpstr(gtk_label_get_text(GTK_LABEL(description)), ==,
                    "RISC-\u2060V\u00a064 · 1 Prozessor · 256 MiB");
    assert_no_english(GTK_WIDGET(window));
    ui_screenshot(GTK_WIDGET(window), "german-library");

    /* A machine's page. */
    vireo_window_open_machine(window, vireo_machine_row_get_machine(ui_row_for("Gut")));
    ui_iterate(100);
    VireoMachinePage *page = vireo_window_get_machine_page(window);
    g_assert_cmpstr(
        adw_window_title_get_subtitle(ADW_WINDOW_TITLE(ui_find(GTK_WIDGET(page), "title"))), ==,
        "Aus");
    assert_no_english(GTK_WIDGET(window));
    ui_screenshot(GTK_WIDGET(window), "german-machine");

    /* Its settings, refusing a value in German. */
    VireoMachineSettings *settings =
        vireo_window_open_settings(window, vireo_machine_page_get_machine(page));
    UI_WAIT_FOR(gtk_widget_get_mapped(GTK_WIDGET(settings)), 5000, "the settings");
    GtkWidget *memory = ui_find(GTK_WIDGET(settings), "memory_row");
    gtk_editable_set_text(GTK_EDITABLE(memory), "viel");
    g_signal_emit_by_name(memory, "apply");
    ui_iterate(50);
    GtkWidget *error = ui_find(GTK_WIDGET(settings), "machine_error");
    /* Memory is "Arbeitsspeicher": "Speicher" alone also means storage. */
    g_assert_nonnull(
        strstr(gtk_label_get_text(GTK_LABEL(error)), "ist keine Arbeitsspeichermenge"));
    g_assert_true(g_str_has_prefix(adw_preferences_row_get_title(ADW_PREFERENCES_ROW(memory)),
                                   "Arbeitsspeicher"));
    assert_no_english(GTK_WIDGET(settings));
    ui_screenshot(GTK_WIDGET(settings), "german-settings");
    /* The disks page, with a disk opened to its switches. */
    g_autoptr(GError) disk_error = NULL;
    g_assert_true(vireo_machine_settings_new_disk(settings, 1 << 20, &disk_error));
    adw_preferences_window_set_visible_page(
        ADW_PREFERENCES_WINDOW(settings),
        ADW_PREFERENCES_PAGE(ui_find(GTK_WIDGET(settings), "disks_page")));
    GtkWidget *disk =
        ui_find_type(ui_find(GTK_WIDGET(settings), "disk_list"), ADW_TYPE_EXPANDER_ROW);
    adw_expander_row_set_expanded(ADW_EXPANDER_ROW(disk), TRUE);
    ui_iterate(100);
    g_assert_nonnull(ui_find_label(disk, "Schreibgeschützt"));
    assert_no_english(GTK_WIDGET(settings));
    ui_screenshot(GTK_WIDGET(settings), "german-settings-disks");
    gtk_window_destroy(GTK_WINDOW(settings));

    /* A machine the engine cannot start: the banner gives the engine's reason in German. */
    g_autofree char *fake = g_build_filename(ui_scratch_dir(), "falsch.elf", NULL);
    g_assert_true(g_file_set_contents(fake,
                                      "\x7f"
                                      "ELF not really",
                                      -1, NULL));
    g_autofree char *faulty = ui_make_machine("Defekt", fake, "none", 64ull << 20);
    vireo_library_reload(ui_library());
    ui_iterate(100);
    vireo_window_open_machine(window, vireo_machine_row_get_machine(ui_row_for("Defekt")));
    ui_iterate(50);
    page = vireo_window_get_machine_page(window);
    gtk_widget_activate_action(GTK_WIDGET(page), "machine.start", NULL);
    UI_WAIT_FOR(vireo_machine_page_get_banner(page), 10000, "the error banner");
    const char *banner = vireo_machine_page_get_banner(page);
    g_test_message("banner: %s", banner);
    g_assert_true(g_str_has_prefix(banner, "„Defekt“ konnte nicht starten: "));
    g_assert_nonnull(strstr(banner, "falsch.elf ist eine 32-Bit- oder abgeschnittene ELF-Datei; "
                                    "erwartet wird eine 64-Bit-RISC-V-ELF-Datei"));
    g_assert_null(strstr(banner, "ELF file"));
    ui_screenshot(GTK_WIDGET(window), "german-engine-error");

    /* A running machine: Shut Down in the header, the dialog of a guest that cannot be
     * asked (no driver for the power button), and Force Off's question. */
    if (ui_guest("echo.elf")) {
        g_autofree char *echo = ui_make_machine("Echo", ui_guest("echo.elf"), "none", 64ull << 20);
        vireo_library_reload(ui_library());
        ui_iterate(100);
        VireoMachine *m = vireo_machine_row_get_machine(ui_row_for("Echo"));
        vireo_window_open_machine(window, m);
        page = vireo_window_get_machine_page(window);
        gtk_widget_activate_action(GTK_WIDGET(page), "machine.start", NULL);
        UI_WAIT_FOR(vireo_machine_get_state(m) == VIREO_MACHINE_RUNNING, 20000, "Echo to run");
        GtkWidget *shut_down = ui_find(GTK_WIDGET(page), "shut_down_button");
        g_assert_cmpstr(gtk_widget_get_tooltip_text(shut_down), ==, "Herunterfahren");
        assert_no_english(GTK_WIDGET(window));
        ui_screenshot(GTK_WIDGET(window), "german-machine-running");
        ui_click(shut_down);
        GtkWidget *dialog = NULL;
        UI_WAIT_FOR((dialog = ui_find_toplevel(ADW_TYPE_MESSAGE_DIALOG)), 5000, "the dialog");
        g_assert_cmpstr(adw_message_dialog_get_heading(ADW_MESSAGE_DIALOG(dialog)), ==,
                        "Der Gast hat nicht geantwortet");
        g_assert_true(g_str_has_prefix(adw_message_dialog_get_body(ADW_MESSAGE_DIALOG(dialog)),
                                       "Der Gast hat keinen Treiber"));
        ui_screenshot(dialog, "german-shut-down-no-answer");
        ui_click(ui_find_button(dialog, "_Abbrechen"));
        UI_WAIT_FOR(!ui_find_toplevel(ADW_TYPE_MESSAGE_DIALOG), 5000, "the dialog to go");
        gtk_widget_activate_action(GTK_WIDGET(page), "machine.force-off", NULL);
        UI_WAIT_FOR((dialog = ui_find_toplevel(ADW_TYPE_MESSAGE_DIALOG)), 5000, "the question");
        g_assert_cmpstr(adw_message_dialog_get_heading(ADW_MESSAGE_DIALOG(dialog)), ==,
                        "Ausschalten erzwingen?");
        ui_screenshot(dialog, "german-force-off-confirm");
        ui_click(ui_find_button(dialog, "Ausschalten _erzwingen"));
        UI_WAIT_FOR(vireo_machine_get_state(m) == VIREO_MACHINE_OFF, 10000, "Echo to stop");
    }

    /* The assistant, on each of its pages. */
    vireo_window_show_library(window);
    VireoAssistant *a = vireo_window_new_machine(window);
    UI_WAIT_FOR(gtk_widget_get_mapped(GTK_WIDGET(a)), 5000, "the assistant");
    assert_no_english(GTK_WIDGET(a));
    ui_screenshot(GTK_WIDGET(a), "german-assistant");
    g_autofree char *iso = ui_make_iso("geheim.iso", "GEHEIMES_SYSTEM");
    g_autoptr(GFile) file = g_file_new_for_path(iso);
    g_assert_true(vireo_assistant_set_file(a, file));
    UI_WAIT_FOR(!vireo_assistant_is_detecting(a), 20000, "libosinfo");
    ui_iterate(50);
    GtkWidget *os = ui_find(GTK_WIDGET(a), "os_row");
    g_assert_cmpstr(adw_preferences_row_get_title(ADW_PREFERENCES_ROW(os)), ==,
                    "Unbekanntes Betriebssystem");
    g_assert_nonnull(strstr(adw_action_row_get_subtitle(ADW_ACTION_ROW(os)),
                            "nicht in der Liste bekannter Systeme"));
    g_assert_cmpstr(adw_preferences_group_get_title(
                        ADW_PREFERENCES_GROUP(ui_find(GTK_WIDGET(a), "storage_group"))),
                    ==, "Laufwerke");
    g_assert_cmpstr(
        adw_preferences_row_get_title(ADW_PREFERENCES_ROW(ui_find(GTK_WIDGET(a), "memory_row"))),
        ==, "Arbeitsspeicher");
    assert_no_english(GTK_WIDGET(a));
    ui_screenshot(GTK_WIDGET(a), "german-assistant-details");
    vireo_assistant_set_kernel(a, "/bin/sh", NULL);
    assert_no_english(GTK_WIDGET(a));
    /* The loader's own reason, in German. */
    GtkWidget *kernel_error = ui_find(GTK_WIDGET(a), "kernel_error");
    g_assert_true(gtk_widget_get_visible(kernel_error));
    g_assert_nonnull(strstr(gtk_label_get_text(GTK_LABEL(kernel_error)), "nicht für RISC-V"));
    ui_iterate(50);
    ui_screenshot(GTK_WIDGET(a), "german-assistant-kernel");
    gtk_window_destroy(GTK_WINDOW(a));

    /* The shortcuts window. */
    gtk_widget_activate_action(GTK_WIDGET(window), "win.show-help-overlay", NULL);
    GtkWidget *shortcuts = NULL;
    UI_WAIT_FOR((shortcuts = ui_find_toplevel(GTK_TYPE_SHORTCUTS_WINDOW)), 5000,
                "the shortcuts window");
    ui_iterate(200);
    g_assert_nonnull(ui_find_label(shortcuts, "Neue Maschine"));
    ui_screenshot(shortcuts, "german-shortcuts");
    gtk_window_destroy(GTK_WINDOW(shortcuts));
}

static GtkWidget *wait_for_toplevel(GType type, const char *what)
{
    GtkWidget *w = NULL;
    UI_WAIT_FOR((w = ui_find_toplevel(type)) && gtk_widget_get_mapped(w), 5000, what);
    ui_iterate(100);
    return w;
}

/* Preferences, About, and the dialogs and pages of the library's and the page's fixes, in
 * German. */
static void test_german_dialogs(void)
{
    VireoWindow *window = ui_window();
    vireo_window_show_library(window);
    g_action_group_activate_action(G_ACTION_GROUP(ui_app()), "preferences", NULL);
    GtkWidget *prefs = wait_for_toplevel(VIREO_TYPE_PREFERENCES_WINDOW, "Preferences");
    g_assert_cmpstr(
        adw_preferences_row_get_title(ADW_PREFERENCES_ROW(ui_find(prefs, "machines_row"))), ==,
        "Maschinen werden gespeichert in");
    assert_no_english(prefs);
    ui_screenshot(prefs, "german-preferences");
    gtk_window_destroy(GTK_WINDOW(prefs));

    g_action_group_activate_action(G_ACTION_GROUP(ui_app()), "about", NULL);
    GtkWidget *about = wait_for_toplevel(ADW_TYPE_ABOUT_WINDOW, "About");
    GtkWidget *comments = ui_find_label(about, "Gäste mit");
    g_assert_nonnull(comments);
    ui_assert_kept_together(comments, "RISC-\u2060V\u00a064");
    ui_screenshot(about, "german-about");
    gtk_window_destroy(GTK_WINDOW(about));

    /* Rename: the one rule a name breaks. */
    VireoMachine *gut = vireo_machine_row_get_machine(ui_row_for("Gut"));
    vireo_window_rename_machine(window, gut);
    GtkWidget *dialog = wait_for_toplevel(ADW_TYPE_MESSAGE_DIALOG, "the rename dialog");
    gtk_editable_set_text(GTK_EDITABLE(ui_find_type(dialog, GTK_TYPE_ENTRY)), "..");
    g_assert_nonnull(ui_find_label(dialog, "Ein Name darf nicht mit einem Punkt beginnen."));
    assert_no_english(dialog);
    ui_screenshot(dialog, "german-rename-dot-refused");
    gtk_window_destroy(GTK_WINDOW(dialog));

    /* A qcow2 image. */
    g_autofree char *qcow = g_build_filename(ui_scratch_dir(), "alt.qcow2", NULL);
    g_assert_true(g_file_set_contents(qcow, "QFI\xfb\0\0\0\3", 8, NULL));
    g_autoptr(GFile) file = g_file_new_for_path(qcow);
    vireo_window_open_file(window, file);
    dialog = wait_for_toplevel(ADW_TYPE_MESSAGE_DIALOG, "the qcow2 dialog");
    g_assert_cmpstr(adw_message_dialog_get_heading(ADW_MESSAGE_DIALOG(dialog)), ==,
                    "Erst das Abbild umwandeln");
    assert_no_english(dialog);
    ui_screenshot(dialog, "german-qcow2-convert");
    gtk_window_destroy(GTK_WINDOW(dialog));

    /* A damaged machine's page: no Settings button that cannot work. */
    vireo_window_open_machine(window, vireo_machine_row_get_machine(ui_row_for("Kaputt")));
    ui_iterate(100);
    GtkWidget *page = GTK_WIDGET(vireo_window_get_machine_page(window));
    g_assert_false(gtk_widget_get_visible(ui_find(page, "problem_settings_button")));
    assert_no_english(GTK_WIDGET(window));
    ui_screenshot(GTK_WIDGET(window), "german-machine-damaged");

    /* Its folder removed by another program: back to the library, saying so. */
    g_autofree char *kaputt = g_build_filename(ui_machines_dir(), "Kaputt.vireo", NULL);
    const char *rm[] = {"rm", "-rf", kaputt, NULL};
    g_assert_true(g_spawn_sync(NULL, (char **) rm, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL,
                               NULL, NULL, NULL));
    GtkWidget *overlay = ui_find(GTK_WIDGET(window), "toast_overlay");
    UI_WAIT_FOR(ui_find_label(overlay, "„Kaputt“ ist nicht mehr da"), 5000, "the toast");
    ui_screenshot(GTK_WIDGET(window), "german-machine-folder-removed");
}

/* A running machine: paused, its disk held by another program, the question on closing. */
static void test_german_running(void)
{
    const char *echo = ui_guest("echo.elf");
    if (!echo) {
        g_test_skip("echo.elf was not built (no riscv64-unknown-elf-gcc)");
        return;
    }
    VireoWindow *window = ui_window();
    g_autofree char *folder =
        ui_make_machine_with_disk("Echo Zwei", echo, "none", 64ull << 20, 1 << 20);
    vireo_library_reload(ui_library());
    ui_iterate(100);
    VireoMachine *m = vireo_machine_row_get_machine(ui_row_for("Echo Zwei"));

    /* Its disk held by another program: a short toast, all of it behind Details. */
    g_autofree char *disk = g_build_filename(folder, "disk.img", NULL);
    int fd = open(disk, O_RDONLY);
    g_assert_cmpint(fd, >=, 0);
    struct flock lock = {.l_type = F_RDLCK, .l_whence = SEEK_SET, .l_start = 0, .l_len = 0};
    g_assert_cmpint(fcntl(fd, F_OFD_SETLK, &lock), ==, 0);
    vireo_window_show_library(window);
    gtk_widget_activate_action(GTK_WIDGET(ui_row_for("Echo Zwei")), "row.start", NULL);
    GtkWidget *overlay = ui_find(GTK_WIDGET(window), "toast_overlay");
    GtkWidget *details = NULL;
    UI_WAIT_FOR((details = ui_find_button(overlay, "_Details")), 10000, "the toast");
    ui_screenshot(GTK_WIDGET(window), "german-toast-disk-in-use");
    ui_click(details);
    GtkWidget *dialog = wait_for_toplevel(ADW_TYPE_MESSAGE_DIALOG, "the details");
    g_assert_nonnull(ui_find_label(dialog, "von einer anderen Maschine"));
    assert_no_english(dialog);
    ui_screenshot(dialog, "german-details-disk-in-use");
    gtk_window_destroy(GTK_WINDOW(dialog));
    close(fd);

    /* Paused: the console says keys wait. */
    vireo_window_open_machine(window, m);
    gtk_widget_activate_action(GTK_WIDGET(vireo_window_get_machine_page(window)), "machine.start",
                               NULL);
    UI_WAIT_FOR(vireo_machine_get_state(m) == VIREO_MACHINE_RUNNING, 10000, "Echo to run");
    gtk_widget_activate_action(GTK_WIDGET(vireo_window_get_machine_page(window)), "machine.pause",
                               NULL);
    UI_WAIT_FOR(vireo_machine_get_state(m) == VIREO_MACHINE_PAUSED, 5000, "Echo to pause");
    ui_iterate(200);
    GtkWidget *cue = ui_find(GTK_WIDGET(window), "paused_cue");
    g_assert_true(gtk_widget_get_mapped(cue));
    assert_no_english(GTK_WIDGET(window));
    ui_screenshot(GTK_WIDGET(window), "german-console-paused");

    /* Closing asks, in the singular for one machine. */
    gtk_window_close(GTK_WINDOW(window));
    dialog = wait_for_toplevel(ADW_TYPE_MESSAGE_DIALOG, "the question");
    g_assert_cmpstr(adw_message_dialog_get_heading(ADW_MESSAGE_DIALOG(dialog)), ==,
                    "Eine Maschine läuft");
    assert_no_english(dialog);
    ui_screenshot(dialog, "german-close-question");
    adw_message_dialog_response(ADW_MESSAGE_DIALOG(dialog), "cancel");
    gtk_window_destroy(GTK_WINDOW(dialog));
    vireo_machine_force_off(m);
    UI_WAIT_FOR(vireo_machine_get_state(m) == VIREO_MACHINE_OFF, 10000, "Echo to stop");
}

int main(int argc, char **argv)
{
    ui_test_init(&argc, &argv);
    g_test_add_func("/ui/german", test_german);
    g_test_add_func("/ui/german/dialogs", test_german_dialogs);
    g_test_add_func("/ui/german/running", test_german_running);
    int status = g_test_run();
    ui_test_finish();
    return status;
}
