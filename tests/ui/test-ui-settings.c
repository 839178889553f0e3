/* UI tests of a machine's settings: each change lands in machine.ini; values the engine
 * would refuse are refused with the reason, and machine.ini keeps its old value. */
#include <glib/gstdio.h>
#include <unistd.h>

#include "ui-test.h"
#include "vr-board.h"
#include "vr-library.h"

static VireoMachineSettings *settings;

static GtkWidget *S(const char *id)
{
    GtkWidget *w = ui_find(GTK_WIDGET(settings), id);
    if (!w)
        g_error("no widget '%s' in the settings", id);
    return w;
}

static char *ini_string(const char *machine, const char *group, const char *key)
{
    g_autoptr(GKeyFile) kf = ui_read_ini(machine);
    return g_key_file_get_string(kf, group, key, NULL);
}

/* Types into an entry row and presses its apply button (as the user does). */
static void apply_entry(const char *id, const char *text)
{
    GtkWidget *row = S(id);
    gtk_editable_set_text(GTK_EDITABLE(row), text);
    g_signal_emit_by_name(row, "apply");
    ui_iterate(50);
}

static const char *error_text(const char *id)
{
    GtkWidget *label = S(id);
    return gtk_widget_get_visible(label) ? gtk_label_get_text(GTK_LABEL(label)) : NULL;
}

/* Whether the keyboard focus is in the widget called id. */
static gboolean has_focus_in(const char *id)
{
    GtkWidget *focus = gtk_window_get_focus(GTK_WINDOW(settings));
    return focus && (focus == S(id) || gtk_widget_is_ancestor(focus, S(id)));
}

/* Which of the rows that can be refused carries the error style: only the one named. */
static void assert_marked(const char *id)
{
    const char *rows[] = {"name_row", "cpus_row", "memory_row", "cmdline_row", "kernel_row"};
    for (unsigned i = 0; i < G_N_ELEMENTS(rows); i++) {
        gboolean marked = gtk_widget_has_css_class(S(rows[i]), "error");
        if (marked != (g_strcmp0(rows[i], id) == 0))
            g_error("%s is %s", rows[i], marked ? "marked as refused" : "not marked");
    }
}

static gboolean ini_disk_readonly(const char *machine, guint index)
{
    g_autoptr(GKeyFile) kf = ui_read_ini(machine);
    g_autofree char *group = g_strdup_printf("disk %u", index);
    return g_key_file_get_boolean(kf, group, "readonly", NULL);
}

/* Whether a label shows all of its text on one line (not cut short with "…", not wrapped). */
static gboolean shown_whole_on_one_line(GtkWidget *label)
{
    PangoLayout *layout = gtk_label_get_layout(GTK_LABEL(label));
    return !pango_layout_is_ellipsized(layout) && pango_layout_get_line_count(layout) == 1;
}

static void open_settings(const char *name)
{
    vireo_library_reload(ui_library());
    VireoMachineRow *row = ui_row_for(name);
    g_assert_nonnull(row);
    /* From the row's menu, as the user would. */
    gtk_widget_activate_action(GTK_WIDGET(row), "row.settings", NULL);
    GtkWidget *w = NULL;
    UI_WAIT_FOR((w = ui_find_toplevel(VIREO_TYPE_MACHINE_SETTINGS)), 5000, "the settings");
    UI_WAIT_FOR(gtk_widget_get_mapped(w), 5000, "the settings on screen");
    settings = VIREO_MACHINE_SETTINGS(w);
}

static void test_save(void)
{
    const char *kernel = ui_guest("demo.elf") ? ui_guest("demo.elf") : "/bin/sh";
    g_autofree char *folder = ui_make_machine("Tweaked", kernel, "none", 128ull << 20);
    open_settings("Tweaked");
    g_assert_cmpstr(gtk_editable_get_text(GTK_EDITABLE(S("memory_row"))), ==, "128 MiB");

    /* Memory as people write it, shown back the one way. */
    apply_entry("memory_row", "1.5G");
    g_assert_null(error_text("machine_error"));
    g_autofree char *memory = ini_string("Tweaked", "machine", "memory");
    g_assert_cmpstr(memory, ==, "1536M");
    g_assert_cmpstr(gtk_editable_get_text(GTK_EDITABLE(S("memory_row"))), ==, "1.5 GiB");
    apply_entry("memory_row", "2048");
    g_assert_cmpstr(gtk_editable_get_text(GTK_EDITABLE(S("memory_row"))), ==, "2 GiB");
    apply_entry("memory_row", "256M");
    g_assert_null(error_text("machine_error"));
    g_free(memory);
    memory = ini_string("Tweaked", "machine", "memory");
    g_assert_cmpstr(memory, ==, "256M");
    g_assert_cmpstr(gtk_editable_get_text(GTK_EDITABLE(S("memory_row"))), ==, "256 MiB");

    gtk_spin_button_set_value(GTK_SPIN_BUTTON(S("cpus_spin")), 3);
    ui_iterate(50);
    g_autofree char *cpus = ini_string("Tweaked", "machine", "cpus");
    g_assert_cmpstr(cpus, ==, "3");

    apply_entry("cmdline_row", "console=ttyS0 loglevel=3 init=/bin/sh");
    g_autofree char *cmdline = ini_string("Tweaked", "boot", "cmdline");
    g_assert_cmpstr(cmdline, ==, "console=ttyS0 loglevel=3 init=/bin/sh");

    /* A new disk: a sparse raw image in the folder, listed at once. */
    g_autoptr(GError) error = NULL;
    g_assert_true(vireo_machine_settings_new_disk(settings, 2ull << 30, &error));
    g_assert_no_error(error);
    g_autofree char *disk0 = ini_string("Tweaked", "disk 0", "path");
    g_assert_cmpstr(disk0, ==, "disk.img");
    g_autofree char *img = g_build_filename(folder, "disk.img", NULL);
    GStatBuf st;
    g_assert_cmpint(g_stat(img, &st), ==, 0);
    g_assert_cmpuint((guint64) st.st_size, ==, 2ull << 30);
    /* An ISO attached: read-only. */
    g_autofree char *iso = ui_make_iso("tools.iso", "TOOLS");
    g_assert_true(vireo_machine_settings_attach_disk(settings, iso, &error));
    g_autoptr(GKeyFile) kf = ui_read_ini("Tweaked");
    g_assert_true(g_key_file_get_boolean(kf, "disk 1", "readonly", NULL));
    ui_iterate(50);
    g_assert_nonnull(ui_find_label(S("disk_list"), "tools.iso"));
    gtk_window_set_default_size(GTK_WINDOW(settings), 640, 700);
    adw_preferences_window_set_visible_page(ADW_PREFERENCES_WINDOW(settings),
                                            ADW_PREFERENCES_PAGE(S("disks_page")));
    ui_screenshot(GTK_WIDGET(settings), "settings-disks");
    adw_preferences_window_set_visible_page(ADW_PREFERENCES_WINDOW(settings),
                                            ADW_PREFERENCES_PAGE(S("general_page")));

    /* Removing the ISO keeps the file. */
    g_assert_true(vireo_machine_settings_remove_disk(settings, 1, FALSE, &error));
    g_assert_true(g_file_test(iso, G_FILE_TEST_EXISTS));
    g_clear_pointer(&kf, g_key_file_unref);
    kf = ui_read_ini("Tweaked");
    g_assert_false(g_key_file_has_group(kf, "disk 1"));

    /* The library row shows the new values. */
    VireoMachineRow *row = ui_row_for("Tweaked");
    const char *description =
        gtk_label_get_text(GTK_LABEL(ui_find(GTK_WIDGET(row), "description_label")));
    g_assert_nonnull(strstr(description, "3 CPUs"));
    g_assert_nonnull(strstr(description, "256 MiB"));
}

static void test_refuse(void)
{
    /* More memory than this computer has: refused, with the reason; machine.ini unchanged. */
    apply_entry("memory_row", "64T");
    const char *why = error_text("machine_error");
    g_assert_nonnull(why);
    g_assert_nonnull(strstr(why, "more memory than this computer has"));
    g_assert_true(gtk_widget_has_css_class(S("memory_row"), "error"));
    g_autofree char *memory = ini_string("Tweaked", "machine", "memory");
    g_assert_cmpstr(memory, ==, "256M");
    ui_screenshot(GTK_WIDGET(settings), "settings-refused-memory");

    apply_entry("memory_row", "lots");
    why = error_text("machine_error");
    g_assert_nonnull(why);
    g_assert_nonnull(strstr(why, "is not an amount of memory"));
    apply_entry("memory_row", "8M");
    g_assert_nonnull(strstr(error_text("machine_error"), "at least 16 MiB"));
    assert_marked("memory_row");
    g_assert_true(has_focus_in("memory_row"));
    apply_entry("memory_row", "65537K");
    g_assert_cmpstr(error_text("machine_error"), ==, "Memory comes in whole pages of 4 KiB.");
    assert_marked("memory_row");
    g_free(memory);
    memory = ini_string("Tweaked", "machine", "memory");
    g_assert_cmpstr(memory, ==, "256M");

    /* The CPU count offered is the board's; one past it (as a spin button with a wider
     * range would give) is refused by the validator and marks the CPUs row. */
    const VrBoardInfo *board = vr_board_find("riscv64-virt");
    GtkAdjustment *cpus = gtk_spin_button_get_adjustment(GTK_SPIN_BUTTON(S("cpus_spin")));
    g_assert_cmpfloat(gtk_adjustment_get_upper(cpus), ==, board->max_cpus);
    g_assert_cmpfloat(gtk_adjustment_get_lower(cpus), ==, board->min_cpus);
    gtk_adjustment_set_upper(cpus, 64);
    gtk_spin_button_set_value(GTK_SPIN_BUTTON(S("cpus_spin")), board->max_cpus + 1);
    ui_iterate(50);
    g_assert_cmpstr(error_text("machine_error"), ==, "A machine has 1 to 8 CPUs.");
    assert_marked("cpus_row");
    g_assert_true(has_focus_in("cpus_row"));
    g_autofree char *cpus_saved = ini_string("Tweaked", "machine", "cpus");
    g_assert_cmpstr(cpus_saved, ==, "3");
    g_assert_cmpint(gtk_spin_button_get_value_as_int(GTK_SPIN_BUTTON(S("cpus_spin"))), ==, 3);
    g_assert_cmpfloat(gtk_adjustment_get_upper(cpus), ==, board->max_cpus);
    ui_screenshot(GTK_WIDGET(settings), "settings-refused-cpus");

    /* A kernel command line longer than the board takes marks its row. */
    g_autofree char *long_cmdline = g_strnfill(board->max_cmdline + 1, 'x');
    apply_entry("cmdline_row", long_cmdline);
    g_assert_cmpstr(error_text("boot_error"), ==,
                    "The kernel command line is too long (at most 1023 characters).");
    assert_marked("cmdline_row");
    g_assert_null(error_text("machine_error"));
    g_autofree char *cmdline = ini_string("Tweaked", "boot", "cmdline");
    g_assert_cmpstr(cmdline, ==, "console=ttyS0 loglevel=3 init=/bin/sh");

    /* A name that is taken, or not a name. */
    g_autofree char *other = ui_make_machine("Other", "/bin/sh", "none", 64ull << 20);
    apply_entry("name_row", "Other");
    g_assert_nonnull(strstr(error_text("machine_error"), "already a machine"));
    apply_entry("name_row", "a/b");
    g_assert_nonnull(error_text("machine_error"));
    g_autofree char *folder = g_build_filename(ui_machines_dir(), "Tweaked.vireo", NULL);
    g_assert_true(g_file_test(folder, G_FILE_TEST_IS_DIR));

    /* A kernel that is not a kernel. */
    g_autofree char *text = g_build_filename(ui_scratch_dir(), "notes.txt", NULL);
    g_file_set_contents(text, "not a kernel", -1, NULL);
    g_autoptr(GError) error = NULL;
    /* (what the kernel chooser leads to) */
    g_assert_false(vireo_machine_settings_attach_disk(settings, text, &error));
    g_assert_nonnull(strstr(error->message, "not a disk image"));
    g_clear_error(&error);

    /* No more disks than the board has slots for. */
    for (unsigned i = 0; i < 7; i++) {
        if (!vireo_machine_settings_new_disk(settings, 1 << 20, &error))
            break;
    }
    g_assert_nonnull(error);
    g_assert_nonnull(strstr(error->message, "at most 7 disks"));

    /* A good rename still works, and the settings follow the machine. */
    apply_entry("name_row", "Tuned");
    g_assert_null(error_text("machine_error"));
    g_autofree char *renamed = g_build_filename(ui_machines_dir(), "Tuned.vireo", NULL);
    g_assert_true(g_file_test(renamed, G_FILE_TEST_IS_DIR));
    apply_entry("memory_row", "512M");
    g_free(memory);
    memory = ini_string("Tuned", "machine", "memory");
    g_assert_cmpstr(memory, ==, "512M");
}

/* A running machine: changes are kept for the next start, disks and the name wait. */
static void test_running(void)
{
    const char *echo = ui_guest("echo.elf");
    if (!echo) {
        g_test_skip("echo.elf was not built (no riscv64-unknown-elf-gcc)");
        return;
    }
    gtk_window_destroy(GTK_WINDOW(settings));
    g_autofree char *folder = ui_make_machine("Busy", echo, "none", 64ull << 20);
    vireo_library_reload(ui_library());
    VireoMachine *m = vireo_machine_row_get_machine(ui_row_for("Busy"));
    g_assert_true(vireo_machine_start(m, NULL));
    UI_WAIT_FOR(vireo_machine_get_state(m) == VIREO_MACHINE_RUNNING, 10000, "Busy to run");
    open_settings("Busy");
    g_assert_true(gtk_widget_get_visible(S("running_group")));
    g_assert_false(gtk_widget_is_sensitive(S("new_disk_button")));
    g_autoptr(GError) error = NULL;
    g_assert_false(vireo_machine_settings_new_disk(settings, 1 << 20, &error));
    apply_entry("memory_row", "96M");
    g_autofree char *memory = ini_string("Busy", "machine", "memory");
    g_assert_cmpstr(memory, ==, "96M");
    ui_screenshot(GTK_WIDGET(settings), "settings-running");
    vireo_machine_force_off(m);
    UI_WAIT_FOR(vireo_machine_get_state(m) == VIREO_MACHINE_OFF, 10000, "Busy to stop");
    UI_WAIT_FOR(!gtk_widget_get_visible(S("running_group")), 5000, "the settings to follow");
}

/* The kernel choosers take what Vireo boots: U-Boot (which Vireo itself writes as the kernel of
 * disk and ISO machines) and a gzip-compressed Image; what it cannot boot is refused with the
 * loader's reason, and machine.ini keeps its value. */
static void test_boot_files(void)
{
    gtk_window_destroy(GTK_WINDOW(settings));
    g_autofree char *uboot = ui_make_flat_binary("u-boot.bin");
    g_autofree char *folder = ui_make_machine("Booted", uboot, NULL, 256ull << 20);
    open_settings("Booted");
    g_autoptr(GError) error = NULL;
    const char *debian =
        g_file_test(UI_DEBIAN_UBOOT, G_FILE_TEST_IS_REGULAR) ? UI_DEBIAN_UBOOT : uboot;
    g_assert_true(vireo_machine_settings_set_boot_file(settings, "kernel", debian, &error));
    g_assert_no_error(error);
    g_autofree char *kernel = ini_string("Booted", "boot", "kernel");
    g_assert_cmpstr(kernel, ==, debian);

    g_autofree char *image_gz = ui_make_image_gz("Image.gz");
    g_assert_true(vireo_machine_settings_set_boot_file(settings, "kernel", image_gz, &error));
    g_assert_no_error(error);
    g_free(kernel);
    kernel = ini_string("Booted", "boot", "kernel");
    g_assert_cmpstr(kernel, ==, image_gz);
    g_assert_cmpstr(adw_action_row_get_subtitle(ADW_ACTION_ROW(S("kernel_row"))), ==, image_gz);

    g_autofree char *text = g_build_filename(ui_scratch_dir(), "kernel-notes.txt", NULL);
    g_file_set_contents(text, "These are notes about a kernel.\n", -1, NULL);
    g_assert_false(vireo_machine_settings_set_boot_file(settings, "kernel", text, &error));
    g_assert_nonnull(strstr(error->message, "not a RISC-V kernel: it is a text file"));
    g_free(kernel);
    kernel = ini_string("Booted", "boot", "kernel");
    g_assert_cmpstr(kernel, ==, image_gz);
}

/* Each disk has a read-only switch, saved as [disk N] readonly= at once. */
static void test_disk_readonly(void)
{
    gtk_window_destroy(GTK_WINDOW(settings));
    g_autofree char *kernel = ui_make_flat_binary("u-boot.bin");
    g_autofree char *folder = ui_make_machine("Careful", kernel, NULL, 256ull << 20);
    open_settings("Careful");
    g_autoptr(GError) error = NULL;
    g_assert_true(vireo_machine_settings_new_disk(settings, 1 << 20, &error));
    g_assert_false(ini_disk_readonly("Careful", 0));
    adw_preferences_window_set_visible_page(ADW_PREFERENCES_WINDOW(settings),
                                            ADW_PREFERENCES_PAGE(S("disks_page")));
    GtkWidget *row = ui_find_type(S("disk_list"), ADW_TYPE_EXPANDER_ROW);
    g_assert_nonnull(row);
    adw_expander_row_set_expanded(ADW_EXPANDER_ROW(row), TRUE);
    GtkWidget *sw = ui_find_named(S("disk_list"), "disk-readonly-0");
    g_assert_nonnull(sw);
    g_assert_false(gtk_switch_get_active(GTK_SWITCH(sw)));
    gtk_switch_set_active(GTK_SWITCH(sw), TRUE);
    ui_iterate(50);
    g_assert_true(ini_disk_readonly("Careful", 0));
    /* Shown again from machine.ini, still open. */
    row = ui_find_type(S("disk_list"), ADW_TYPE_EXPANDER_ROW);
    g_assert_true(adw_expander_row_get_expanded(ADW_EXPANDER_ROW(row)));
    g_assert_nonnull(strstr(adw_expander_row_get_subtitle(ADW_EXPANDER_ROW(row)), "read-only"));
    sw = ui_find_named(S("disk_list"), "disk-readonly-0");
    g_assert_true(gtk_switch_get_active(GTK_SWITCH(sw)));
    gtk_window_set_default_size(GTK_WINDOW(settings), 640, 700);
    ui_iterate(100);
    ui_screenshot(GTK_WIDGET(settings), "settings-disk-readonly");
    gtk_switch_set_active(GTK_SWITCH(sw), FALSE);
    ui_iterate(50);
    g_assert_false(ini_disk_readonly("Careful", 0));
    g_assert_null(error_text("disks_error"));
}

/* A disk outside the machine's folder says so; one reached through a symbolic link, which the
 * engine will not write, offers to allow it after a confirmation that says what may happen,
 * and then the engine takes it. */
static void test_disk_link(void)
{
    g_autofree char *target = g_build_filename(ui_scratch_dir(), "shared-data.img", NULL);
    g_autofree char *zeros = g_malloc0(1 << 20);
    g_assert_true(g_file_set_contents(target, zeros, 1 << 20, NULL));
    g_autofree char *link = g_build_filename(ui_scratch_dir(), "data-link.img", NULL);
    g_assert_cmpint(symlink(target, link), ==, 0);
    g_autoptr(GError) error = NULL;
    g_assert_true(vireo_machine_settings_attach_disk(settings, link, &error));
    g_assert_no_error(error);
    ui_iterate(50);
    g_assert_false(ini_disk_readonly("Careful", 1));
    g_autofree char *folder = g_build_filename(ui_machines_dir(), "Careful.vireo", NULL);
    g_autoptr(VrLibraryEntry) before = vr_library_entry_load(folder);
    g_assert_cmpint(before->problem, !=, VR_PROBLEM_NONE);
    g_assert_nonnull(strstr(before->problem_message, "symbolic link"));

    /* The disk in the folder says nothing of the kind; the linked one says both. */
    GtkWidget *first = gtk_widget_get_first_child(S("disk_list"));
    GtkWidget *second = gtk_widget_get_next_sibling(first);
    g_assert_null(strstr(adw_expander_row_get_subtitle(ADW_EXPANDER_ROW(first)), "outside"));
    const char *subtitle = adw_expander_row_get_subtitle(ADW_EXPANDER_ROW(second));
    g_assert_nonnull(strstr(subtitle, "outside the machine’s folder"));
    g_assert_nonnull(strstr(subtitle, "symbolic link"));
    g_assert_true(adw_expander_row_get_expanded(ADW_EXPANDER_ROW(second)));
    g_assert_nonnull(ui_find_label(second, target));
    ui_screenshot(GTK_WIDGET(settings), "settings-disk-link");

    /* Cancel changes nothing. */
    ui_click(ui_find_button(second, "_Allow…"));
    GtkWidget *dialog = NULL;
    UI_WAIT_FOR((dialog = ui_find_toplevel(ADW_TYPE_MESSAGE_DIALOG)), 5000, "the question");
    const char *body = adw_message_dialog_get_body(ADW_MESSAGE_DIALOG(dialog));
    g_assert_nonnull(strstr(body, target));
    g_assert_nonnull(strstr(body, "the guest writes to that file"));
    UI_WAIT_FOR(gtk_widget_get_mapped(dialog), 5000, "the question on screen");
    ui_screenshot(dialog, "settings-disk-link-question");
    adw_message_dialog_response(ADW_MESSAGE_DIALOG(dialog), "cancel");
    ui_iterate(50);
    g_autoptr(GKeyFile) kf = ui_read_ini("Careful");
    g_assert_false(g_key_file_has_key(kf, "disk 1", "follow-symlink", NULL));

    second = gtk_widget_get_next_sibling(gtk_widget_get_first_child(S("disk_list")));
    ui_click(ui_find_button(second, "_Allow…"));
    UI_WAIT_FOR((dialog = ui_find_toplevel(ADW_TYPE_MESSAGE_DIALOG)), 5000, "the question");
    adw_message_dialog_response(ADW_MESSAGE_DIALOG(dialog), "allow");
    ui_iterate(50);
    g_clear_pointer(&kf, g_key_file_unref);
    kf = ui_read_ini("Careful");
    g_assert_true(g_key_file_get_boolean(kf, "disk 1", "follow-symlink", NULL));
    g_autoptr(VrLibraryEntry) after = vr_library_entry_load(folder);
    g_assert_cmpint(after->problem, ==, VR_PROBLEM_NONE);
    second = gtk_widget_get_next_sibling(gtk_widget_get_first_child(S("disk_list")));
    g_assert_nonnull(ui_find_label(second, "Writing through the link is allowed"));
    ui_screenshot(GTK_WIDGET(settings), "settings-disk-link-allowed");

    /* And back. */
    ui_click(ui_find_button(second, "_Stop Allowing"));
    ui_iterate(50);
    g_clear_pointer(&kf, g_key_file_unref);
    kf = ui_read_ini("Careful");
    g_assert_false(g_key_file_has_key(kf, "disk 1", "follow-symlink", NULL));

    /* A switch flipped just before the window closes is saved all the same. */
    ui_iterate(50);
    gtk_switch_set_active(GTK_SWITCH(ui_find_named(S("disk_list"), "disk-readonly-0")), TRUE);
    gtk_window_destroy(GTK_WINDOW(settings));
    ui_iterate(100);
    g_assert_true(ini_disk_readonly("Careful", 0));
    open_settings("Careful");
}

/* The firmware row shows its choice whole (what it means is its subtitle), and the Disks
 * description has the width of the page rather than wrapping beside the buttons. */
static void test_layout(void)
{
    gtk_window_destroy(GTK_WINDOW(settings));
    g_autofree char *kernel = ui_make_flat_binary("bare.bin");
    g_autofree char *folder = ui_make_machine("Bare", kernel, "none", 64ull << 20);
    open_settings("Bare");
    ui_iterate(100);
    GtkWidget *row = S("firmware_row");
    g_assert_cmpuint(adw_combo_row_get_selected(ADW_COMBO_ROW(row)), ==, 1);
    g_assert_nonnull(strstr(adw_action_row_get_subtitle(ADW_ACTION_ROW(row)), "bare-metal"));
    GtkWidget *choice = ui_find_label(row, "None");
    g_assert_nonnull(choice);
    g_assert_true(shown_whole_on_one_line(choice));
    ui_screenshot(GTK_WIDGET(settings), "settings-general");

    adw_preferences_window_set_visible_page(ADW_PREFERENCES_WINDOW(settings),
                                            ADW_PREFERENCES_PAGE(S("disks_page")));
    ui_iterate(100);
    GtkWidget *description = ui_find_label(S("disks_group"), "The guest sees them in this order");
    g_assert_nonnull(description);
    g_assert_true(shown_whole_on_one_line(description));
    ui_screenshot(GTK_WIDGET(settings), "settings-disks-empty");

    /* A disk the user opened stays open when one above it is removed. */
    g_autoptr(GError) error = NULL;
    g_assert_true(vireo_machine_settings_new_disk(settings, 1 << 20, &error));
    g_assert_true(vireo_machine_settings_new_disk(settings, 1 << 20, &error));
    GtkWidget *first = gtk_widget_get_first_child(S("disk_list"));
    GtkWidget *second = gtk_widget_get_next_sibling(first);
    g_autofree char *second_title =
        g_strdup(adw_preferences_row_get_title(ADW_PREFERENCES_ROW(second)));
    adw_expander_row_set_expanded(ADW_EXPANDER_ROW(second), TRUE);
    g_assert_true(vireo_machine_settings_remove_disk(settings, 0, TRUE, &error));
    GtkWidget *left = gtk_widget_get_first_child(S("disk_list"));
    g_assert_null(gtk_widget_get_next_sibling(left));
    g_assert_cmpstr(adw_preferences_row_get_title(ADW_PREFERENCES_ROW(left)), ==, second_title);
    g_assert_true(adw_expander_row_get_expanded(ADW_EXPANDER_ROW(left)));
}

int main(int argc, char **argv)
{
    ui_test_init(&argc, &argv);
    g_test_add_func("/ui/settings/save", test_save);
    g_test_add_func("/ui/settings/refuse", test_refuse);
    g_test_add_func("/ui/settings/running", test_running);
    g_test_add_func("/ui/settings/boot-files", test_boot_files);
    g_test_add_func("/ui/settings/disk-readonly", test_disk_readonly);
    g_test_add_func("/ui/settings/disk-link", test_disk_link);
    g_test_add_func("/ui/settings/layout", test_layout);
    int status = g_test_run();
    ui_test_finish();
    return status;
}
