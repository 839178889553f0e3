/* UI tests of a machine's sound: the settings' Sound page writes the sound card, the output
 * and input devices and the latency to machine.ini; with a PulseAudio server of the test's own
 * (a null sink and a null source on a private socket) the drop-downs list its devices, and
 * without one they say so and keep the default. With the Linux test guest (tests/guests/, when
 * built): the machine page shows the mute button and the output's level, the level rises while
 * the guest plays (when the guest has vireo-tone) and the button mutes the machine. */
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>

#include "../pulse-test-server.h"
#include "ui-test.h"
#include "vr-audio.h"

#define BOOT_TIMEOUT_MS    (240 * 1000)
#define SINK_DESCRIPTION   "Vireo-Test-Speakers"
#define SOURCE_DESCRIPTION "Vireo-Test-Microphone"

static char *kernel, *initrd;
static VireoMachineSettings *settings;

/* ---- a PulseAudio server of the test's own ---- */

static VrTestPulse pulse;

/* Starts it (once) and points the app's PulseAudio clients at it; FALSE without pulseaudio. */
static gboolean pulse_start(void)
{
    if (pulse.pid)
        return TRUE;
    if (vr_test_pulse_missing())
        return FALSE;
    const char *modules[] = {
        "module-null-sink sink_name=vireo_speakers "
        "sink_properties=device.description=" SINK_DESCRIPTION,
        "module-null-source source_name=vireo_mic description=" SOURCE_DESCRIPTION, NULL};
    vr_test_pulse_init(&pulse, modules);
    vr_test_pulse_start(&pulse);
    g_setenv("PULSE_SERVER", pulse.server, TRUE);
    return TRUE;
}

static void pulse_stop(void)
{
    if (pulse.dir)
        vr_test_pulse_free(&pulse);
}

/* ---- the settings ---- */

static GtkWidget *S(const char *id)
{
    GtkWidget *w = ui_find(GTK_WIDGET(settings), id);
    if (!w)
        g_error("no widget '%s' in the settings", id);
    return w;
}

static void open_sound_page(VireoMachine *m)
{
    settings = vireo_window_open_settings(ui_window(), m);
    adw_preferences_window_set_visible_page(ADW_PREFERENCES_WINDOW(settings),
                                            ADW_PREFERENCES_PAGE(S("sound_page")));
    UI_WAIT_FOR(gtk_widget_get_mapped(S("sound_switch")), 5000, "the Sound page");
}

static void close_settings(void)
{
    gtk_window_destroy(GTK_WINDOW(settings));
    settings = NULL;
    ui_iterate(50);
}

/* The drop-down's item whose text contains text, or -1. */
static int item_with(const char *row, const char *text)
{
    GListModel *model = adw_combo_row_get_model(ADW_COMBO_ROW(S(row)));
    for (guint i = 0; i < g_list_model_get_n_items(model); i++) {
        const char *item = gtk_string_list_get_string(GTK_STRING_LIST(model), i);
        if (strstr(item, text))
            return (int) i;
    }
    return -1;
}

static const char *selected_text(const char *row)
{
    GListModel *model = adw_combo_row_get_model(ADW_COMBO_ROW(S(row)));
    return gtk_string_list_get_string(GTK_STRING_LIST(model),
                                      adw_combo_row_get_selected(ADW_COMBO_ROW(S(row))));
}

static char *ini_sound(const char *machine, const char *key)
{
    g_autoptr(GKeyFile) kf = ui_read_ini(machine);
    return g_key_file_get_string(kf, "sound", key, NULL);
}

static void test_settings(void)
{
    if (!pulse_start()) {
        g_test_skip(vr_test_pulse_missing());
        return;
    }
    const char *k = ui_guest("echo.elf") ? ui_guest("echo.elf") : "/bin/sh";
    g_autofree char *folder = ui_make_machine("Loud", k, "none", 64ull << 20);
    UI_WAIT_FOR(ui_row_for("Loud"), 5000, "the machine in the library");
    VireoMachine *m = vireo_machine_row_get_machine(ui_row_for("Loud"));
    open_sound_page(m);
    /* Made without sound: the switch is off, the devices wait for it. */
    g_assert_false(gtk_switch_get_active(GTK_SWITCH(S("sound_switch"))));
    g_assert_false(gtk_widget_is_sensitive(S("output_device_row")));
    g_assert_false(gtk_widget_get_visible(S("sound_running_group")));
    /* The server's devices after its default; the sink's monitor is no input. */
    g_assert_cmpint(item_with("output_device_row", "Default"), ==, 0);
    g_assert_cmpint(item_with("output_device_row", SINK_DESCRIPTION), ==, 1);
    g_assert_cmpint(item_with("input_device_row", "Default"), ==, 0);
    g_assert_cmpint(item_with("input_device_row", SOURCE_DESCRIPTION), ==, 1);
    g_assert_cmpint(item_with("input_device_row", "Monitor"), ==, -1);

    gtk_switch_set_active(GTK_SWITCH(S("sound_switch")), TRUE);
    ui_iterate(50);
    g_autoptr(GKeyFile) kf = ui_read_ini("Loud");
    g_assert_true(g_key_file_get_boolean(kf, "sound", "enabled", NULL));
    g_autofree char *backend = g_key_file_get_string(kf, "sound", "backend", NULL);
    g_assert_cmpstr(backend, ==, "pulse");
    g_assert_false(g_key_file_has_key(kf, "sound", "output-device", NULL));
    g_assert_true(gtk_widget_is_sensitive(S("output_device_row")));

    /* The devices chosen: their names in machine.ini. */
    adw_combo_row_set_selected(ADW_COMBO_ROW(S("output_device_row")),
                               item_with("output_device_row", SINK_DESCRIPTION));
    ui_iterate(50);
    g_autofree char *out = ini_sound("Loud", "output-device");
    g_assert_cmpstr(out, ==, "vireo_speakers");
    adw_combo_row_set_selected(ADW_COMBO_ROW(S("input_device_row")),
                               item_with("input_device_row", SOURCE_DESCRIPTION));
    ui_iterate(50);
    g_autofree char *in = ini_sound("Loud", "input-device");
    g_assert_cmpstr(in, ==, "vireo_mic");
    g_assert_cmpstr(selected_text("output_device_row"), ==, SINK_DESCRIPTION);

    /* The latency target. */
    gtk_spin_button_set_value(GTK_SPIN_BUTTON(S("latency_spin")), 120);
    ui_iterate(50);
    g_autofree char *latency = ini_sound("Loud", "latency-ms");
    g_assert_cmpstr(latency, ==, "120");
    ui_screenshot(GTK_WIDGET(settings), "sound-settings");

    /* The input back to the default: the key goes. */
    adw_combo_row_set_selected(ADW_COMBO_ROW(S("input_device_row")), 0);
    ui_iterate(50);
    g_autofree char *in2 = ini_sound("Loud", "input-device");
    g_assert_null(in2);
    close_settings();

    /* No server: the rows say so, and the chosen output stays, named. */
    g_autofree char *nowhere = g_build_filename(ui_scratch_dir(), "no-such-pulse", NULL);
    g_autofree char *nowhere_server = g_strdup_printf("unix:%s", nowhere);
    g_setenv("PULSE_SERVER", nowhere_server, TRUE);
    open_sound_page(m);
    const char *why = adw_action_row_get_subtitle(ADW_ACTION_ROW(S("output_device_row")));
    g_test_message("without a server: %s", why);
    g_assert_nonnull(strstr(why, "No PulseAudio server answered"));
    g_assert_nonnull(strstr(selected_text("output_device_row"), "vireo_speakers"));
    g_assert_cmpint(item_with("input_device_row", "Default"), ==, 0);
    g_assert_cmpuint(adw_combo_row_get_selected(ADW_COMBO_ROW(S("input_device_row"))), ==, 0);
    ui_screenshot(GTK_WIDGET(settings), "sound-settings-no-server");
    /* Sound off: machine.ini says so, the devices stay for when it is back. */
    gtk_switch_set_active(GTK_SWITCH(S("sound_switch")), FALSE);
    ui_iterate(50);
    g_clear_pointer(&kf, g_key_file_unref);
    kf = ui_read_ini("Loud");
    g_assert_false(g_key_file_get_boolean(kf, "sound", "enabled", NULL));
    g_autofree char *kept = g_key_file_get_string(kf, "sound", "output-device", NULL);
    g_assert_cmpstr(kept, ==, "vireo_speakers");
    close_settings();
    g_setenv("PULSE_SERVER", pulse.server, TRUE);
}

/* ---- the machine page ---- */

static float level_shown(void)
{
    return (float) gtk_level_bar_get_value(GTK_LEVEL_BAR(ui_page_widget("sound_level")));
}

static gboolean status_is(VireoMachine *m, const char *want)
{
    g_autofree char *status = vireo_machine_get_sound_status(m);
    return g_strcmp0(status, want) == 0;
}

static void test_guest(void)
{
    if (!kernel || !initrd) {
        g_test_skip("the Linux test guest is not built (run tests/guests/build-all.sh linux "
                    "initramfs)");
        return;
    }
    if (!pulse_start()) {
        g_test_skip(vr_test_pulse_missing());
        return;
    }
    /* As a user makes it: `vireo create` gives it sound. */
    ui_vireo_create("--name", "Audible", "--kernel", kernel, "--initrd", initrd, "--append",
                    "console=ttyS0 earlycon=sbi", "--memory", "256M", "--net", "none", NULL);
    UI_WAIT_FOR(ui_row_for("Audible"), 5000, "the machine in the library");
    g_autoptr(GKeyFile) kf = ui_read_ini("Audible");
    g_assert_true(g_key_file_get_boolean(kf, "sound", "enabled", NULL));

    VireoMachine *m = vireo_machine_row_get_machine(ui_row_for("Audible"));
    ui_log_use(m);
    vireo_window_open_machine(ui_window(), m);
    GtkWidget *bar = ui_page_widget("sound_bar");
    GtkWidget *mute = ui_page_widget("sound_mute_button");
    g_assert_false(gtk_widget_get_visible(bar));
    gtk_widget_activate_action(GTK_WIDGET(ui_page()), "machine.start", NULL);
    ui_log_wait("vireo-initramfs: ready", BOOT_TIMEOUT_MS);
    UI_WAIT_FOR(gtk_widget_get_visible(bar), 5000, "the sound bar");
    g_assert_true(vireo_machine_has_sound(m));
    g_assert_false(gtk_toggle_button_get_active(GTK_TOGGLE_BUTTON(mute)));
    g_assert_false(vireo_machine_get_sound_muted(m));
    UI_WAIT_FOR(status_is(m, "connected"), 10000, "the sound server");
    UI_WAIT_FOR(!gtk_widget_get_visible(ui_page_widget("sound_status_label")), 2000,
                "the status to go");
    g_assert_nonnull(
        strstr(gtk_widget_get_tooltip_text(ui_page_widget("sound_level")), "underrun"));

    /* The guest's sound card. */
    ui_log_wait("shell on the console", 60000);
    ui_log_type("ls /dev/snd/ | tr '\\n' ' ' | sed 's/^/snd-''devices: /'; echo\n");
    ui_log_wait("snd-devices: ", 30000);
    ui_log_wait("pcmC0D0p", 10000);

    /* It plays: the level rises. */
    ui_log_type("[ -x /usr/bin/vireo-tone ] && echo tone-''yes || echo tone-''no\n");
    UI_WAIT_FOR(ui_log_has("tone-yes") || ui_log_has("tone-no"), 30000, "the guest's answer");
    gboolean can_play = ui_log_has("tone-yes");
    if (can_play) {
        /* 4 s of tone at 48 kHz; the tool says it played them all. */
        ui_log_type("vireo-tone play s16 48000 2 4 && echo played-''tone\n");
        UI_WAIT_FOR(level_shown() > 0.01f, 20000, "the level to rise");
        g_test_message("level while the guest plays: %.3f", level_shown());
        ui_screenshot(GTK_WIDGET(ui_window()), "sound-page-playing");
    } else {
        g_test_message("the test guest has no vireo-tone: the level is not checked");
        ui_screenshot(GTK_WIDGET(ui_window()), "sound-page");
    }

    /* Muted: the machine says so, the button shows it. */
    ui_click(mute);
    ui_iterate(50);
    g_assert_true(gtk_toggle_button_get_active(GTK_TOGGLE_BUTTON(mute)));
    g_assert_true(vireo_machine_get_sound_muted(m));
    g_assert_cmpstr(gtk_button_get_icon_name(GTK_BUTTON(mute)), ==, "audio-volume-muted-symbolic");
    UI_WAIT_FOR(level_shown() == 0.0f, 2000, "the level to drop");
    ui_screenshot(GTK_WIDGET(ui_window()), "sound-page-muted");
    /* Kept for the next start. */
    g_autofree char *kept = ini_sound("Audible", "muted");
    g_assert_cmpstr(kept, ==, "true");
    ui_click(mute);
    ui_iterate(50);
    g_assert_false(vireo_machine_get_sound_muted(m));
    g_autofree char *unkept = ini_sound("Audible", "muted");
    g_assert_null(unkept);
    if (can_play) {
        ui_log_wait("tone: played 192000 frames", 30000);
        ui_log_wait("played-tone", 5000);
    }

    /* The settings say changes wait for the next start. */
    open_sound_page(m);
    g_assert_true(gtk_widget_get_visible(S("sound_running_group")));
    g_assert_cmpint(item_with("output_device_row", SINK_DESCRIPTION), ==, 1);
    close_settings();

    /* The server goes away: the page says so, the machine runs on. */
    pulse_stop();
    GtkWidget *status = ui_page_widget("sound_status_label");
    UI_WAIT_FOR(gtk_widget_get_visible(status), 10000, "the sound server's status");
    g_test_message("without the server: %s", gtk_label_get_text(GTK_LABEL(status)));
    g_assert_nonnull(strstr(gtk_label_get_text(GTK_LABEL(status)), "no PulseAudio server"));
    g_assert_cmpint(vireo_machine_get_state(m), ==, VIREO_MACHINE_RUNNING);
    ui_screenshot(GTK_WIDGET(ui_window()), "sound-page-no-server");

    /* Off: the bar goes. */
    vireo_machine_force_off(m);
    UI_WAIT_FOR(vireo_machine_get_state(m) == VIREO_MACHINE_OFF, 30000, "the machine to stop");
    g_assert_false(gtk_widget_get_visible(bar));
    g_assert_false(vireo_machine_has_sound(m));
    vireo_window_show_library(ui_window());
}

int main(int argc, char **argv)
{
    kernel = ui_guest_artifact("linux");
    initrd = ui_guest_artifact("initramfs");
    ui_test_init(&argc, &argv);
    g_test_add_func("/ui/sound/settings", test_settings);
    g_test_add_func("/ui/sound/guest", test_guest);
    int status = g_test_run();
    ui_test_finish();
    pulse_stop();
    return status;
}
