/* UI tests of running machines: the demo machine (made by `vireo create`, as the README's
 * demo script does) started from the library, its console output read in the VTE widget;
 * keyboard input to a guest that echoes; pause and resume; a guest flooding its console
 * while the window stays responsive; an engine error; Shut Down and Force Off; closing the
 * window with a machine running. */
#include <glib/gstdio.h>
#include <sys/wait.h>

#include "ui-test.h"
#include "vr-library.h"

static const char *state_label(void)
{
    return adw_window_title_get_subtitle(ADW_WINDOW_TITLE(ui_page_widget("title")));
}

static VteTerminal *terminal(void)
{
    GtkWidget *t = vireo_machine_page_get_terminal(ui_page());
    g_assert_nonnull(t);
    return VTE_TERMINAL(t);
}

static gboolean console_shows(const char *text)
{
    GtkWidget *t = vireo_machine_page_get_terminal(ui_page());
    if (!t)
        return FALSE;
    g_autofree char *all = ui_terminal_text(VTE_TERMINAL(t));
    return strstr(all, text) != NULL;
}

static gboolean tail_shows(const char *text)
{
    g_autofree char *tail = ui_terminal_tail(terminal(), 40);
    if (g_test_verbose()) {
        const char *last = strrchr(tail, 'f');
        g_test_message("... %s", last ? last : "");
    }
    return strstr(tail, text) != NULL;
}

static unsigned count_in_console(const char *text)
{
    g_autofree char *all = ui_terminal_text(terminal());
    unsigned n = 0;
    for (const char *p = all; (p = strstr(p, text)); p++)
        n++;
    return n;
}

static gboolean skip_without(const char *guest)
{
    if (ui_guest(guest))
        return FALSE;
    g_test_skip("the RISC-V test guests were not built (no riscv64-unknown-elf-gcc)");
    return TRUE;
}

/* The demo machine, made as scripts/demo.sh does it, starts from the library and prints
 * to the console on its page, then powers itself off. */
static void test_demo(void)
{
    if (skip_without("demo.elf"))
        return;
    g_autofree char *out = NULL, *err = NULL;
    int status = 0;
    const char *argv[] = {g_getenv("VIREO"), "create", "--name",   "Demo",
                          "--bios",          "none",   "--kernel", ui_guest("demo.elf"),
                          "--memory",        "128M",   NULL};
    g_autoptr(GError) error = NULL;
    g_assert_true(g_spawn_sync(NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, &err,
                               &status, &error));
    g_assert_cmpint(WEXITSTATUS(status), ==, 0);

    /* The library notices the new folder by itself (a directory monitor). */
    UI_WAIT_FOR(ui_row_for("Demo"), 5000, "the Demo machine in the library");
    VireoMachineRow *row = ui_row_for("Demo");
    GtkWidget *badge = ui_find(GTK_WIDGET(row), "state_label");
    g_assert_cmpstr(gtk_label_get_text(GTK_LABEL(badge)), ==, "Off");
    ui_screenshot(GTK_WIDGET(ui_window()), "library-demo");

    /* Start from the library row, then open its page. */
    ui_click(ui_find(GTK_WIDGET(row), "start_button"));
    VireoMachine *m = vireo_machine_row_get_machine(row);
    vireo_window_open_machine(ui_window(), m);
    UI_WAIT_FOR(console_shows("Hello from a RISC-V guest"), 20000, "the demo's greeting");
    UI_WAIT_FOR(console_shows("powers off"), 60000, "the demo to finish");
    g_assert_true(console_shows("@@@")); /* the Mandelbrot set */
    UI_WAIT_FOR(vireo_machine_get_state(m) == VIREO_MACHINE_OFF, 20000, "the demo to power off");
    UI_WAIT_FOR(g_str_equal(state_label(), "Off"), 5000, "the page to say Off");
    g_assert_true(gtk_widget_get_visible(ui_page_widget("start_button")));
    g_assert_false(gtk_widget_get_visible(ui_page_widget("pause_button")));

    /* Again from the page's own button: the console starts afresh. */
    ui_click(ui_page_widget("start_button"));
    UI_WAIT_FOR(vireo_machine_get_state(m) == VIREO_MACHINE_OFF &&
                    count_in_console("Hello from a RISC-V guest") == 1 &&
                    console_shows("powers off"),
                30000, "the second run to finish");
    /* The console's last picture became the library thumbnail. */
    ui_screenshot(GTK_WIDGET(ui_window()), "console-demo");
    g_autofree char *shot =
        g_build_filename(ui_machines_dir(), "Demo.vireo", "screenshot.png", NULL);
    g_assert_true(g_file_test(shot, G_FILE_TEST_IS_REGULAR));
    vireo_window_show_library(ui_window());
    ui_iterate(100);
    GtkWidget *thumbs = ui_find(GTK_WIDGET(ui_row_for("Demo")), "thumbnail_stack");
    g_assert_cmpstr(gtk_stack_get_visible_child_name(GTK_STACK(thumbs)), ==, "picture");
    ui_screenshot(GTK_WIDGET(ui_window()), "library-demo-thumbnail");
}

/* Keyboard input reaches the guest; pause stops it (no heartbeat), resume goes on. */
static void test_echo_pause_resume(void)
{
    if (skip_without("echo.elf"))
        return;
    g_autofree char *folder = ui_make_machine("Echo", ui_guest("echo.elf"), "none", 64ull << 20);
    vireo_library_reload(ui_library());
    VireoMachine *m = vireo_machine_row_get_machine(ui_row_for("Echo"));
    vireo_window_open_machine(ui_window(), m);
    g_assert_cmpstr(gtk_stack_get_visible_child_name(GTK_STACK(ui_page_widget("content_stack"))),
                    ==, "off");
    ui_screenshot(GTK_WIDGET(ui_window()), "machine-off");
    ui_click(ui_page_widget("big_start_button"));
    UI_WAIT_FOR(console_shows("echo> "), 20000, "the prompt");
    UI_WAIT_FOR(g_str_equal(state_label(), "Running"), 5000, "the page to say Running");
    g_assert_true(gtk_widget_get_visible(ui_page_widget("pause_button")));
    g_assert_false(gtk_widget_get_visible(ui_page_widget("start_button")));
    g_assert_true(gtk_widget_has_focus(GTK_WIDGET(terminal())));

    /* Typed keys: what VTE hands on when the user types (its "commit"). */
    vte_terminal_feed_child(terminal(), "hello vireo\r", -1);
    UI_WAIT_FOR(console_shows("you typed: hello vireo"), 10000, "the guest's echo");
    ui_screenshot(GTK_WIDGET(ui_window()), "console-echo");

    /* Pause: the heartbeat stops. */
    UI_WAIT_FOR(count_in_console("[tick ") >= 1, 10000, "a heartbeat");
    ui_click(ui_page_widget("pause_button"));
    UI_WAIT_FOR(g_str_equal(state_label(), "Paused"), 5000, "the page to say Paused");
    g_assert_true(gtk_widget_get_visible(ui_page_widget("resume_button")));
    g_assert_false(gtk_widget_get_visible(ui_page_widget("pause_button")));
    GtkWidget *badge = ui_find(GTK_WIDGET(ui_row_for("Echo")), "state_label");
    g_assert_cmpstr(gtk_label_get_text(GTK_LABEL(badge)), ==, "Paused");
    unsigned ticks = count_in_console("[tick ");
    ui_iterate(2500);
    g_assert_cmpuint(count_in_console("[tick "), ==, ticks);
    /* The console says it is paused, and keys typed now are not kept to arrive later. */
    GtkWidget *cue = ui_page_widget("paused_cue");
    g_assert_true(gtk_widget_get_mapped(cue));
    g_assert_nonnull(ui_find_label(cue, "Paused"));
    ui_screenshot(GTK_WIDGET(ui_window()), "console-paused");
    if (ui_have_xdotool()) {
        ui_type(GTK_WIDGET(ui_window()), "later");
        ui_keys(GTK_WIDGET(ui_window()), "Return");
    }
    vte_terminal_feed_child(terminal(), "later too\r", -1);

    ui_click(ui_page_widget("resume_button"));
    UI_WAIT_FOR(g_str_equal(state_label(), "Running"), 5000, "the page to say Running");
    g_assert_false(gtk_widget_get_visible(cue));
    UI_WAIT_FOR(count_in_console("[tick ") > ticks + 1, 5000, "the heartbeat to go on");
    g_assert_false(console_shows("you typed: later"));

    /* Reset: the guest starts over (its banner again). */
    unsigned banners = count_in_console("Vireo echo guest");
    gtk_widget_activate_action(GTK_WIDGET(ui_page()), "machine.reset", NULL);
    UI_WAIT_FOR(count_in_console("Vireo echo guest") > banners, 10000, "the guest to restart");
}

/* What the user types on the keyboard (X key events) reaches the guest: it echoes it. */
static void type_to_guest(const char *word)
{

    ui_type(GTK_WIDGET(ui_window()), word);
    ui_keys(GTK_WIDGET(ui_window()), "Return");
    g_autofree char *echo = g_strdup_printf("you typed: %s", word);
    gint64 deadline = g_get_monotonic_time() + 10 * G_USEC_PER_SEC;
    while (!console_shows(echo)) {
        if (g_get_monotonic_time() > deadline) {
            g_autofree char *tail = ui_terminal_tail(terminal(), 8);
            GtkWidget *focus = gtk_root_get_focus(GTK_ROOT(ui_window()));
            g_error("“%s” did not reach the guest (the focus is on a %s); the console ends "
                    "with:\n%s",
                    word, focus ? G_OBJECT_TYPE_NAME(focus) : "nothing", tail);
        }
        ui_iterate(20);
    }
}

static GtkWidget *menu_item(const char *label)
{
    GtkWidget *menu = ui_page_widget("menu_button");
    ui_real_click(menu);
    GtkPopover *popover = gtk_menu_button_get_popover(GTK_MENU_BUTTON(menu));
    UI_WAIT_FOR(gtk_widget_get_mapped(GTK_WIDGET(popover)), 5000, "the machine menu");
    ui_iterate(200);
    /* Menu items are buttons with a "text" (GtkModelButton). */
    GType model_button = g_type_from_name("GtkModelButton");
    g_assert_true(model_button != 0);
    GtkWidget *found = NULL;
    GQueue queue = G_QUEUE_INIT;
    g_queue_push_tail(&queue, popover);
    while (!found && !g_queue_is_empty(&queue)) {
        GtkWidget *w = g_queue_pop_head(&queue);
        if (G_TYPE_CHECK_INSTANCE_TYPE(w, model_button)) {
            g_autofree char *text = NULL;
            g_object_get(w, "text", &text, NULL);
            if (g_strcmp0(text, label) == 0 && gtk_widget_get_mapped(w))
                found = w;
        }
        for (GtkWidget *c = gtk_widget_get_first_child(w); c; c = gtk_widget_get_next_sibling(c))
            g_queue_push_tail(&queue, c);
    }
    g_queue_clear(&queue);
    if (!found)
        g_error("no item '%s' in the machine menu", label);
    return found;
}

static gboolean on_machine_page(void)
{
    GtkWidget *stack = ui_find(GTK_WIDGET(ui_window()), "main_stack");
    return g_strcmp0(gtk_stack_get_visible_child_name(GTK_STACK(stack)), "machine") == 0;
}

/* After each action, by a header button (a real click, which takes the focus), the menu or a
 * shortcut, the keyboard is the guest's again: what is typed reaches it, and a Space
 * presses no button. */
static void test_keyboard_after_actions(void)
{
    if (skip_without("echo.elf"))
        return;
    if (!ui_have_xdotool()) {
        g_test_skip("xdotool is not installed");
        return;
    }
    GtkWidget *window = GTK_WIDGET(ui_window());
    VireoMachine *m = vireo_machine_page_get_machine(ui_page());
    g_assert_cmpstr(vireo_machine_get_name(m), ==, "Echo");
    UI_WAIT_FOR(vireo_machine_get_state(m) == VIREO_MACHINE_RUNNING, 10000, "Echo to run");
    type_to_guest("first");

    /* Pause from the header: the console keeps the keyboard (a Space stays there). */
    ui_real_click(ui_page_widget("pause_button"));
    UI_WAIT_FOR(g_str_equal(state_label(), "Paused"), 5000, "Paused");
    ui_iterate(100);
    g_assert_true(gtk_widget_has_focus(GTK_WIDGET(terminal())));
    ui_keys(window, "space");
    g_assert_true(on_machine_page());
    ui_screenshot(window, "console-paused-focus");

    /* Resume from the header. */
    ui_real_click(ui_page_widget("resume_button"));
    UI_WAIT_FOR(g_str_equal(state_label(), "Running"), 5000, "Running");
    type_to_guest("resumed with spaces");
    g_assert_true(on_machine_page());

    /* Pause and resume by the shortcut. */
    ui_keys(window, "ctrl+shift+p");
    UI_WAIT_FOR(g_str_equal(state_label(), "Paused"), 5000, "Paused by the shortcut");
    ui_keys(window, "ctrl+shift+p");
    UI_WAIT_FOR(g_str_equal(state_label(), "Running"), 5000, "Running by the shortcut");
    type_to_guest("shortcut");

    /* Reset from the menu: the guest starts over and takes keys. */
    unsigned banners = count_in_console("Vireo echo guest");
    ui_real_click(menu_item("Reset"));
    UI_WAIT_FOR(count_in_console("Vireo echo guest") > banners, 10000, "the guest to restart");
    UI_WAIT_FOR(tail_shows("echo> "), 10000, "the prompt after the reset");
    type_to_guest("reset");

    /* Clear from the menu. */
    ui_real_click(menu_item("Clear Console"));
    UI_WAIT_FOR(!console_shows("you typed: reset"), 5000, "the console to clear");
    type_to_guest("cleared it");
    g_assert_true(on_machine_page());
    ui_screenshot(window, "console-keyboard");
}

static GBytes *texture_bytes(GdkTexture *texture)
{
    g_assert_nonnull(texture);
    int w = gdk_texture_get_width(texture), h = gdk_texture_get_height(texture);
    guchar *data = g_malloc((gsize) w * h * 4);
    gdk_texture_download(texture, data, (gsize) w * 4);
    return g_bytes_new_take(data, (gsize) w * h * 4);
}

static AdwMessageDialog *wait_dialog(const char *heading)
{
    GtkWidget *dialog = NULL;
    UI_WAIT_FOR((dialog = ui_find_toplevel(ADW_TYPE_MESSAGE_DIALOG)), 5000, heading);
    g_assert_cmpstr(adw_message_dialog_get_heading(ADW_MESSAGE_DIALOG(dialog)), ==, heading);
    return ADW_MESSAGE_DIALOG(dialog);
}

/* Clicks the dialog's button labelled label, as the user does; the dialog goes. */
static void respond(AdwMessageDialog *dialog, const char *label)
{
    g_object_add_weak_pointer(G_OBJECT(dialog), (gpointer *) &dialog);
    ui_click(ui_find_button(GTK_WIDGET(dialog), label));
    UI_WAIT_FOR(!dialog || !gtk_widget_get_visible(GTK_WIDGET(dialog)), 5000, "the dialog to go");
    if (dialog)
        g_object_remove_weak_pointer(G_OBJECT(dialog), (gpointer *) &dialog);
}

/* Force Off from the menu: the library's picture is the console's last screen, not the one
 * from an earlier pause. */
static void test_force_off_thumbnail(void)
{
    if (skip_without("echo.elf"))
        return;
    VireoMachine *m = vireo_machine_page_get_machine(ui_page());
    g_assert_cmpint(vireo_machine_get_state(m), ==, VIREO_MACHINE_RUNNING);
    gtk_widget_activate_action(GTK_WIDGET(ui_page()), "machine.pause", NULL);
    UI_WAIT_FOR(vireo_machine_get_state(m) == VIREO_MACHINE_PAUSED, 5000, "Paused");
    g_autoptr(GBytes) paused = texture_bytes(vireo_machine_get_thumbnail(m));
    gtk_widget_activate_action(GTK_WIDGET(ui_page()), "machine.resume", NULL);
    UI_WAIT_FOR(vireo_machine_get_state(m) == VIREO_MACHINE_RUNNING, 5000, "Running");
    vte_terminal_feed_child(terminal(), "the last words\r", -1);
    UI_WAIT_FOR(console_shows("you typed: the last words"), 10000, "the echo");
    ui_wait_frames(GTK_WIDGET(terminal()), 3);
    ui_iterate(300);

    if (ui_have_xdotool())
        ui_real_click(menu_item("Force Off…"));
    else
        gtk_widget_activate_action(GTK_WIDGET(ui_page()), "machine.force-off", NULL);
    respond(wait_dialog("Force Off?"), "_Force Off");
    UI_WAIT_FOR(vireo_machine_get_state(m) == VIREO_MACHINE_OFF, 10000, "Echo to be off");
    ui_iterate(200);
    g_autoptr(GBytes) last = texture_bytes(vireo_machine_get_thumbnail(m));
    g_assert_false(g_bytes_equal(paused, last));
    /* The file in the folder is that picture too. */
    g_autofree char *shot = g_build_filename(vireo_machine_get_folder(m), "screenshot.png", NULL);
    g_autoptr(GdkTexture) on_disk = gdk_texture_new_from_filename(shot, NULL);
    g_autoptr(GBytes) file_bytes = texture_bytes(on_disk);
    g_assert_true(g_bytes_equal(file_bytes, last));
    vireo_window_show_library(ui_window());
    ui_iterate(100);
    ui_screenshot(GTK_WIDGET(ui_window()), "library-thumbnail-after-force-off");

    /* Forced off from the library, its page left a while before: the picture is of the
     * console as it was at the end, not as it was when the page was left. */
    vireo_window_open_machine(ui_window(), m);
    gtk_widget_activate_action(GTK_WIDGET(ui_page()), "machine.start", NULL);
    UI_WAIT_FOR(vireo_machine_get_state(m) == VIREO_MACHINE_RUNNING, 10000, "Echo to run again");
    UI_WAIT_FOR(tail_shows("echo> "), 10000, "the prompt");
    ui_iterate(300);
    vireo_window_show_library(ui_window());
    ui_iterate(100);
    g_autoptr(GBytes) left = texture_bytes(vireo_machine_get_thumbnail(m));
    vte_terminal_feed_child(terminal(), "typed before the end\r", -1);
    UI_WAIT_FOR(console_shows("you typed: typed before the end"), 10000, "the echo");
    unsigned ticks = count_in_console("[tick ");
    UI_WAIT_FOR(count_in_console("[tick ") > ticks + 2, 10000, "more heartbeats");
    /* The library's Force Off asks too, naming the machine. */
    gtk_widget_activate_action(GTK_WIDGET(ui_row_for("Echo")), "row.force-off", NULL);
    AdwMessageDialog *dialog = wait_dialog("Force Off “Echo”?");
    g_assert_cmpstr(adw_message_dialog_get_body(dialog), ==,
                    "Unsaved work in the guest is lost, like pulling the plug.");
    ui_screenshot(GTK_WIDGET(dialog), "library-force-off-confirm");
    respond(dialog, "_Cancel");
    ui_iterate(300);
    g_assert_cmpint(vireo_machine_get_state(m), ==, VIREO_MACHINE_RUNNING);
    /* Its Shut Down cannot ask this guest (no power button driver) and says so. */
    gtk_widget_activate_action(GTK_WIDGET(ui_row_for("Echo")), "row.shut-down", NULL);
    dialog = wait_dialog("The Guest Did Not Answer");
    g_assert_nonnull(strstr(adw_message_dialog_get_body(dialog), "no driver for the power button"));
    respond(dialog, "_Cancel");
    ui_iterate(300);
    g_assert_cmpint(vireo_machine_get_state(m), ==, VIREO_MACHINE_RUNNING);
    gtk_widget_activate_action(GTK_WIDGET(ui_row_for("Echo")), "row.force-off", NULL);
    respond(wait_dialog("Force Off “Echo”?"), "_Force Off");
    UI_WAIT_FOR(vireo_machine_get_state(m) == VIREO_MACHINE_OFF, 10000, "Echo to be off");
    ui_iterate(200);
    g_autoptr(GBytes) end = texture_bytes(vireo_machine_get_thumbnail(m));
    g_assert_false(g_bytes_equal(left, end));
    ui_screenshot(GTK_WIDGET(ui_window()), "library-thumbnail-forced-off-from-library");

    /* Started again for the tests that follow. */
    vireo_window_open_machine(ui_window(), m);
    gtk_widget_activate_action(GTK_WIDGET(ui_page()), "machine.start", NULL);
    UI_WAIT_FOR(vireo_machine_get_state(m) == VIREO_MACHINE_RUNNING, 10000, "Echo to run again");
    UI_WAIT_FOR(tail_shows("echo> "), 10000, "the prompt");
}

/* A guest that floods its console: the main loop keeps turning (no gap over half a
 * second) and the output arrives. */
static gint64 last_tick, worst_gap;

static gboolean heartbeat(gpointer data)
{
    gint64 now = g_get_monotonic_time();
    if (last_tick)
        worst_gap = MAX(worst_gap, now - last_tick);
    last_tick = now;
    return G_SOURCE_CONTINUE;
}

static void test_flood(void)
{
    if (skip_without("echo.elf"))
        return;
    VireoMachine *m = vireo_machine_page_get_machine(ui_page());
    g_assert_cmpint(vireo_machine_get_state(m), ==, VIREO_MACHINE_RUNNING);
    guint source = g_timeout_add(20, heartbeat, NULL);
    last_tick = 0;
    worst_gap = 0;
    vte_terminal_feed_child(terminal(), "flood\r", -1);
    UI_WAIT_FOR(tail_shows("flood line 20000 of 20000"), 120000, "the flood to end");
    g_source_remove(source);
    g_test_message("longest main loop stall during the flood: %" G_GINT64_FORMAT " ms",
                   worst_gap / 1000);
    g_assert_cmpint(worst_gap, <, 500000);
    /* The buttons still answer. */
    ui_click(ui_page_widget("pause_button"));
    UI_WAIT_FOR(g_str_equal(state_label(), "Paused"), 5000, "pause after the flood");
    ui_click(ui_page_widget("resume_button"));
    UI_WAIT_FOR(g_str_equal(state_label(), "Running"), 5000, "resume after the flood");
    ui_screenshot(GTK_WIDGET(ui_window()), "console-flood");
}

/* A machine the engine cannot build: the page says why in its banner. */
static void test_engine_error(void)
{
    if (skip_without("echo.elf"))
        return;
    /* A kernel that is there (so the library has no complaint) but is no ELF the engine
     * can load without firmware. */
    g_autofree char *fake = g_build_filename(ui_scratch_dir(), "fake.elf", NULL);
    g_assert_true(g_file_set_contents(fake,
                                      "\x7f"
                                      "ELF not really",
                                      -1, NULL));
    g_autofree char *folder = ui_make_machine("Faulty", fake, "none", 64ull << 20);
    vireo_library_reload(ui_library());
    VireoMachine *m = vireo_machine_row_get_machine(ui_row_for("Faulty"));
    vireo_window_open_machine(ui_window(), m);
    gtk_widget_activate_action(GTK_WIDGET(ui_page()), "machine.start", NULL);
    UI_WAIT_FOR(vireo_machine_page_get_banner(ui_page()), 10000, "the error banner");
    g_test_message("banner: %s", vireo_machine_page_get_banner(ui_page()));
    g_assert_nonnull(strstr(vireo_machine_page_get_banner(ui_page()), "could not start"));
    g_assert_nonnull(strstr(vireo_machine_page_get_banner(ui_page()), "fake.elf"));
    g_assert_cmpint(vireo_machine_get_state(m), ==, VIREO_MACHINE_OFF);
    /* Back on the "off" page, Start there to try again. */
    UI_WAIT_FOR(
        g_str_equal(gtk_stack_get_visible_child_name(GTK_STACK(ui_page_widget("content_stack"))),
                    "off"),
        5000, "the off page");
    g_assert_true(gtk_widget_is_sensitive(ui_page_widget("big_start_button")));
    ui_screenshot(GTK_WIDGET(ui_window()), "machine-error-banner");
}

/* Shut Down is the header's button; a guest that cannot be asked (this bare-metal one has no
 * driver for the power button) gets a dialog that says so and offers Force Off. Force Off,
 * from the menu, asks first and says what is lost; Cancel leaves the machine running. */
static void test_shut_down_and_force_off(void)
{
    if (skip_without("echo.elf"))
        return;
    g_autofree char *folder = ui_make_machine("Plug", ui_guest("echo.elf"), "none", 64ull << 20);
    vireo_library_reload(ui_library());
    VireoMachine *m = vireo_machine_row_get_machine(ui_row_for("Plug"));
    vireo_window_open_machine(ui_window(), m);
    g_assert_false(gtk_widget_get_visible(ui_page_widget("shut_down_button")));
    ui_click(ui_page_widget("big_start_button"));
    UI_WAIT_FOR(console_shows("echo> "), 20000, "the prompt");
    UI_WAIT_FOR(g_str_equal(state_label(), "Running"), 5000, "the page to say Running");
    g_assert_null(ui_find(GTK_WIDGET(ui_page()), "force_off_button"));
    g_assert_true(gtk_widget_get_visible(ui_page_widget("shut_down_button")));
    g_assert_cmpstr(gtk_widget_get_tooltip_text(ui_page_widget("shut_down_button")), ==,
                    "Shut Down");
    ui_screenshot(GTK_WIDGET(ui_window()), "machine-header-shut-down");

    ui_click(ui_page_widget("shut_down_button"));
    AdwMessageDialog *dialog = wait_dialog("The Guest Did Not Answer");
    g_assert_nonnull(strstr(adw_message_dialog_get_body(dialog), "no driver for the power button"));
    g_assert_true(adw_message_dialog_has_response(dialog, "force-off"));
    ui_screenshot(GTK_WIDGET(dialog), "shut-down-no-answer");
    respond(dialog, "_Cancel");
    ui_iterate(300);
    g_assert_cmpint(vireo_machine_get_state(m), ==, VIREO_MACHINE_RUNNING);
    g_assert_cmpstr(state_label(), ==, "Running");

    /* Force Off asks; Cancel keeps the machine running. */
    gtk_widget_activate_action(GTK_WIDGET(ui_page()), "machine.force-off", NULL);
    dialog = wait_dialog("Force Off?");
    g_assert_cmpstr(adw_message_dialog_get_body(dialog), ==,
                    "Unsaved work in the guest is lost, like pulling the plug.");
    g_assert_cmpint(adw_message_dialog_get_response_appearance(dialog, "force-off"), ==,
                    ADW_RESPONSE_DESTRUCTIVE);
    g_assert_cmpstr(adw_message_dialog_get_default_response(dialog), ==, "cancel");
    ui_screenshot(GTK_WIDGET(dialog), "force-off-confirm");
    respond(dialog, "_Cancel");
    ui_iterate(300);
    g_assert_cmpint(vireo_machine_get_state(m), ==, VIREO_MACHINE_RUNNING);

    /* Confirmed, it stops. */
    gtk_widget_activate_action(GTK_WIDGET(ui_page()), "machine.force-off", NULL);
    dialog = wait_dialog("Force Off?");
    respond(dialog, "_Force Off");
    UI_WAIT_FOR(vireo_machine_get_state(m) == VIREO_MACHINE_OFF, 10000, "Plug to stop");

    /* And from the dialog of a guest that did not answer. */
    ui_click(ui_page_widget("start_button"));
    UI_WAIT_FOR(g_str_equal(state_label(), "Running"), 10000, "the page to say Running");
    ui_click(ui_page_widget("shut_down_button"));
    dialog = wait_dialog("The Guest Did Not Answer");
    respond(dialog, "_Force Off");
    UI_WAIT_FOR(vireo_machine_get_state(m) == VIREO_MACHINE_OFF, 10000, "Plug to stop again");
}

/* Closing the window with a machine running asks; "Power Off" stops it. */
static void test_close_with_running(void)
{
    if (skip_without("echo.elf"))
        return;
    VireoMachine *echo = vireo_machine_row_get_machine(ui_row_for("Echo"));
    g_assert_true(vireo_machine_is_active(echo));
    gtk_window_close(GTK_WINDOW(ui_window()));
    GtkWidget *dialog = NULL;
    UI_WAIT_FOR((dialog = ui_find_toplevel(ADW_TYPE_MESSAGE_DIALOG)), 5000, "the question");
    g_assert_cmpstr(adw_message_dialog_get_heading(ADW_MESSAGE_DIALOG(dialog)), ==,
                    "A Machine Is Running");
    g_assert_nonnull(strstr(adw_message_dialog_get_body(ADW_MESSAGE_DIALOG(dialog)), "Echo"));
    g_assert_true(gtk_widget_get_visible(GTK_WIDGET(ui_window())));
    ui_screenshot(dialog, "close-question");

    /* Keep running: the window goes, the machine stays. */
    adw_message_dialog_response(ADW_MESSAGE_DIALOG(dialog), "background");
    ui_iterate(100);
    g_assert_false(gtk_widget_get_visible(GTK_WIDGET(ui_window())));
    g_assert_true(vireo_application_in_background(ui_app()));
    g_assert_cmpint(vireo_machine_get_state(echo), ==, VIREO_MACHINE_RUNNING);
    /* A notification says so. */
    UI_WAIT_FOR(ui_last_notification(), 5000, "the notification");
    g_assert_nonnull(strstr(ui_last_notification(), "running in the background"));
    g_assert_nonnull(strstr(ui_last_notification(), "Echo"));
    /* Opening Vireo again brings the window back. */
    g_application_activate(G_APPLICATION(ui_app()));
    UI_WAIT_FOR(gtk_widget_get_visible(GTK_WIDGET(ui_window())), 5000, "the window again");
    g_assert_false(vireo_application_in_background(ui_app()));

    /* Power off: the machine stops and the window closes. */
    gtk_window_close(GTK_WINDOW(ui_window()));
    UI_WAIT_FOR((dialog = ui_find_toplevel(ADW_TYPE_MESSAGE_DIALOG)), 5000, "the question");
    g_object_ref(echo);
    adw_message_dialog_response(ADW_MESSAGE_DIALOG(dialog), "power-off");
    UI_WAIT_FOR(vireo_machine_get_state(echo) == VIREO_MACHINE_OFF, 10000, "Echo to stop");
    g_object_unref(echo);
}

int main(int argc, char **argv)
{
    ui_test_init(&argc, &argv);
    g_test_add_func("/ui/run/demo", test_demo);
    g_test_add_func("/ui/run/echo-pause-resume", test_echo_pause_resume);
    g_test_add_func("/ui/run/keyboard-after-actions", test_keyboard_after_actions);
    g_test_add_func("/ui/run/force-off-thumbnail", test_force_off_thumbnail);
    g_test_add_func("/ui/run/flood", test_flood);
    g_test_add_func("/ui/run/engine-error", test_engine_error);
    g_test_add_func("/ui/run/shut-down-and-force-off", test_shut_down_and_force_off);
    g_test_add_func("/ui/run/close-with-running", test_close_with_running);
    int status = g_test_run();
    ui_test_finish();
    return status;
}
