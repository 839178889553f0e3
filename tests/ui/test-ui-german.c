/* The window in German (LANGUAGE=de): the translation is installed and used, no text on the
 * screens visited is left in English where po/de.po has a translation for it, and the engine's
 * reasons the window shows (a machine.ini it refuses, a kernel it cannot start) are German
 * too. */
#include <glib/gstdio.h>

#include "ui-test.h"
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
                    "RISC-V 64 · 1 Prozessor · 256 MiB");
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

int main(int argc, char **argv)
{
    ui_test_init(&argc, &argv);
    g_test_add_func("/ui/german", test_german);
    int status = g_test_run();
    ui_test_finish();
    return status;
}
