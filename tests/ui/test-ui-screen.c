/* The guest's screen in the window, with a real Linux guest (tests/guests/, when built): a
 * machine with a screen shows Linux's text console on the machine page (screenshot kept),
 * keys typed with xdotool reach the guest's keyboard (a program reading /dev/input/event*
 * reports the evdev codes, Shift included, and the German layout's Z arrives as the key
 * that is Y on a US keyboard), clicks reach the guest's tablet at the clicked point at two
 * window sizes, the guest follows the window when asked to, Ctrl+Alt+Del from the menu
 * restarts it, the serial console is one click away, and the library's thumbnail is the
 * screen. With VIREO_TEST_SCREEN_PATH=gl (and VIREO_RENDERER=vulkan), only the console on the
 * screen, drawn by the Vulkan renderer and shown through GL, the settings saying so, and the
 * thumbnail. Skipped (77) when the guests are not built. */
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <math.h>
#include <string.h>

#include "ui-test.h"
#include "vireo-config.h"
#include "vireo-display.h"
#if VR_HAVE_SDL2
#include <SDL2/SDL.h>
#endif

#define BOOT_TIMEOUT_MS (240 * 1000)

static char *kernel, *initrd;
static gboolean gl_path; /* the frames are to reach the window through GL */
static VireoMachine *machine;
static VireoDisplay *screen(void)
{
    GtkWidget *d = vireo_machine_page_get_screen(ui_page());
    g_assert_nonnull(d);
    return VIREO_DISPLAY(d);
}

/* The screen shows a picture with text on it: more than a few pixels differ from the
 * first. */
static gboolean screen_has_text(gpointer data)
{
    g_autoptr(GdkTexture) t = vireo_display_get_texture(screen());
    if (!t)
        return FALSE;
    int w = gdk_texture_get_width(t), h = gdk_texture_get_height(t);
    g_autofree guint32 *px = g_new(guint32, (gsize) w * h);
    gdk_texture_download(t, (guchar *) px, (gsize) w * 4);
    guint lit = 0;
    for (int i = 0; i < w * MIN(h, 64); i++)
        lit += px[i] != px[0];
    return lit > 200;
}

static void power_off_and_thumbnail(void);

static void test_screen(void)
{
    const char *argv[] = {
        g_getenv("VIREO"), "create", "--name",   "Screen",
        "--display",       "gpu",    "--kernel", kernel,
        "--initrd",        initrd,   "--append", "console=tty0 console=ttyS0 earlycon=sbi",
        "--memory",        "256M",   NULL};
    int status = 0;
    g_assert_true(g_spawn_sync(NULL, (char **) argv, NULL, G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL,
                               NULL, NULL, &status, NULL));
    g_assert_true(g_spawn_check_wait_status(status, NULL));
    UI_WAIT_FOR(ui_row_for("Screen"), 5000, "the Screen machine in the library");
    machine = vireo_machine_row_get_machine(ui_row_for("Screen"));
    ui_log_use(machine);
    g_assert_true(vireo_machine_has_display(machine));
    vireo_window_open_machine(ui_window(), machine);
    gtk_widget_activate_action(GTK_WIDGET(ui_page()), "machine.start", NULL);
    ui_log_wait("vireo-initramfs: ready", BOOT_TIMEOUT_MS);

    /* Linux's console on the screen, the serial console one click away. */
    GtkWidget *toggle = ui_page_widget("console_toggle");
    g_assert_true(gtk_widget_get_visible(toggle));
    ui_wait(screen_has_text, NULL, 60000, "Linux's text console on the screen");
    g_assert_true(gtk_widget_get_mapped(GTK_WIDGET(screen())));
    const char *renderer_note = NULL;
    const char *renderer = vireo_machine_get_renderer(machine, &renderer_note);
    g_test_message("renderer %s (%s)", renderer, renderer_note ? renderer_note : "");
    ui_screenshot(GTK_WIDGET(ui_window()), "screen-linux-console");
    ui_click(toggle);
    g_assert_true(gtk_widget_get_mapped(vireo_machine_page_get_terminal(ui_page())));
    g_assert_false(gtk_widget_get_mapped(GTK_WIDGET(screen())));
    ui_screenshot(GTK_WIDGET(ui_window()), "screen-serial-console");
    ui_click(toggle);
    g_assert_true(gtk_widget_get_mapped(GTK_WIDGET(screen())));

    /* The machine's settings say what draws the screen while it runs. */
    gtk_widget_activate_action(GTK_WIDGET(ui_page()), "machine.settings", NULL);
    GtkWidget *settings = NULL;
    UI_WAIT_FOR((settings = ui_find_toplevel(VIREO_TYPE_MACHINE_SETTINGS)), 5000, "the settings");
    UI_WAIT_FOR(gtk_widget_get_mapped(settings), 5000, "the settings on screen");
    const char *drawn =
        adw_action_row_get_subtitle(ADW_ACTION_ROW(ui_find(settings, "display_row")));
    g_test_message("settings: %s", drawn);
    g_assert_true(g_str_has_prefix(drawn, g_strcmp0(renderer, "vulkan") == 0 ? "Drawn with Vulkan"
                                                                             : "Drawn by the CPU"));
    ui_screenshot(settings, gl_path ? "screen-settings-gl" : "screen-settings-renderer");
    gtk_window_destroy(GTK_WINDOW(settings));
    ui_iterate(100);
    g_assert_true(gtk_widget_is_sensitive(GTK_WIDGET(ui_page())));
    if (gl_path) {
        g_assert_cmpstr(renderer, ==, "vulkan");
        g_assert_cmpstr(drawn, ==, "Drawn with Vulkan, shown through OpenGL");
        g_assert_true(vireo_machine_get_display_gl(machine, NULL));
        g_autoptr(GdkTexture) t = vireo_display_get_texture(screen());
        g_assert_true(GDK_IS_GL_TEXTURE(t));
        ui_screenshot(GTK_WIDGET(ui_window()), "screen-linux-console-gl");
        power_off_and_thumbnail();
        return;
    }
    g_assert_false(vireo_machine_get_display_gl(machine, NULL));

    /* Keys typed on the screen reach the guest's keyboard. */
    ui_log_type("vireo-evtest 'Vireo Keyboard' 6 &\n");
    ui_log_wait("evtest: ready Vireo Keyboard", 60000);
    ui_real_click(GTK_WIDGET(screen()));
    ui_keys(GTK_WIDGET(screen()), "shift+a");
    ui_keys(GTK_WIDGET(screen()), "Tab");
    ui_log_wait("evtest: 1 42 1", 30000);
    ui_log_wait("evtest: 1 30 1", 30000);
    ui_log_wait("evtest: 1 15 0", 30000);

    /* Grabbed (Ctrl+Alt+G), the pointer is the guest's relative mouse; again lets go. */
    ui_log_type("vireo-evtest 'Vireo Mouse' 100 &\n");
    ui_log_wait("evtest: ready Vireo Mouse", 60000);
    ui_keys(GTK_WIDGET(screen()), "ctrl+alt+g");
    UI_WAIT_FOR(vireo_display_get_pointer_is_relative(screen()), 5000, "the relative pointer");
    g_assert_true(g_spawn_command_line_sync("xdotool mousemove_relative --sync -- 30 20", NULL,
                                            NULL, NULL, NULL));
    ui_log_wait("evtest: 2 0 ", 30000);
    ui_log_wait("evtest: 2 1 ", 30000);
    ui_keys(GTK_WIDGET(screen()), "ctrl+alt+g");
    UI_WAIT_FOR(!vireo_display_get_pointer_is_relative(screen()), 5000, "the pointer absolute");

    /* A game controller (SDL's virtual one, plugged in now) is the guest's gamepad. */
#if VR_HAVE_SDL2 && SDL_VERSION_ATLEAST(2, 24, 0)
    ui_log_type("vireo-evtest 'Vireo Gamepad' 2 &\n");
    ui_log_wait("evtest: ready Vireo Gamepad", 60000);
    SDL_VirtualJoystickDesc desc;
    memset(&desc, 0, sizeof(desc));
    desc.version = SDL_VIRTUAL_JOYSTICK_DESC_VERSION;
    desc.type = SDL_JOYSTICK_TYPE_GAMECONTROLLER;
    desc.naxes = SDL_CONTROLLER_AXIS_MAX;
    desc.nbuttons = SDL_CONTROLLER_BUTTON_DPAD_RIGHT + 1;
    desc.name = "Vireo test pad";
    int index = SDL_JoystickAttachVirtualEx(&desc);
    g_assert_cmpint(index, >=, 0);
    SDL_Joystick *joy = SDL_JoystickOpen(index);
    g_assert_nonnull(joy);
    ui_iterate(300);
    g_assert_cmpint(SDL_JoystickSetVirtualButton(joy, SDL_CONTROLLER_BUTTON_A, SDL_PRESSED), ==, 0);
    ui_iterate(100);
    g_assert_cmpint(SDL_JoystickSetVirtualButton(joy, SDL_CONTROLLER_BUTTON_A, SDL_RELEASED), ==,
                    0);
    ui_log_wait("evtest: 1 304 1", 30000);
    ui_log_wait("evtest: 1 304 0", 30000);
    SDL_JoystickClose(joy);
    SDL_JoystickDetachVirtual(index);
#else
    g_test_message("no SDL 2.24 virtual controllers: the gamepad is not checked here");
#endif

    /* A German keyboard's Z is the key a US keyboard calls Y: evdev KEY_Y (21). */
    if (g_find_program_in_path("setxkbmap")) {
        ui_log_type("vireo-evtest 'Vireo Keyboard' 2 &\n");
        ui_log_wait("evtest: ready Vireo Keyboard", 60000);
        g_assert_true(g_spawn_command_line_sync("setxkbmap de", NULL, NULL, NULL, NULL));
        ui_type(GTK_WIDGET(screen()), "z");
        g_assert_true(g_spawn_command_line_sync("setxkbmap us", NULL, NULL, NULL, NULL));
        ui_log_wait("evtest: 1 21 1", 30000);
        ui_log_wait("evtest: 1 21 0", 30000);
    } else {
        g_test_message("setxkbmap is missing: the German layout is not checked");
    }

    /* Clicks reach the tablet where they are, at two window sizes. */
    int sizes[2][2] = {{1100, 800}, {700, 560}};
    for (int k = 0; k < 2; k++) {
        gtk_window_set_default_size(GTK_WINDOW(ui_window()), sizes[k][0], sizes[k][1]);
        ui_wait_frames(GTK_WIDGET(ui_window()), 4);
        ui_iterate(300);
        VireoDisplay *d = screen();
        guint gx = 0, gy = 0;
        /* A point off the middle (which any scale maps to the middle), on a whole pixel as the
         * pointer is: scaled down, a fraction of a pixel here is more than one of the guest's. */
        float cx = floorf(gtk_widget_get_width(GTK_WIDGET(d)) * 0.3f);
        float cy = floorf(gtk_widget_get_height(GTK_WIDGET(d)) * 0.7f);
        g_assert_true(vireo_display_widget_to_guest(d, cx, cy, &gx, &gy));
        /* The guest's pointer elsewhere first, so the click's position is news to it (Linux
         * reports an axis only when it changes). */
        VrVirtioInputEvent corner[] = {
            {VR_EV_ABS, VR_ABS_X, 0}, {VR_EV_ABS, VR_ABS_Y, 0}, {VR_EV_SYN, VR_SYN_REPORT, 0}};
        g_assert_true(vireo_machine_send_input(machine, VR_INPUT_TABLET, corner, 3));
        ui_log_type("vireo-evtest 'Vireo Tablet' 3 &\n");
        ui_log_wait("evtest: ready Vireo Tablet", 60000);
        ui_real_click_at(GTK_WIDGET(d), cx, cy);
        ui_log_wait("evtest: 1 272 1", 30000);
        g_autofree char *text = ui_log_text();
        /* The position came before the button: the last ABS_X and ABS_Y the guest saw. */
        g_autoptr(GdkTexture) t = vireo_display_get_texture(d);
        int width = gdk_texture_get_width(t), height = gdk_texture_get_height(t);
        const char *ax = g_strrstr(text, "evtest: 3 0 "), *ay = g_strrstr(text, "evtest: 3 1 ");
        g_assert_nonnull(ax);
        g_assert_nonnull(ay);
        long vx = strtol(ax + strlen("evtest: 3 0 "), NULL, 10);
        long vy = strtol(ay + strlen("evtest: 3 1 "), NULL, 10);
        long px = vx * width / 32768, py = vy * height / 32768;
        g_test_message("window %dx%d: clicked guest pixel %u,%u; the tablet says %ld,%ld (%ld,%ld)",
                       sizes[k][0], sizes[k][1], gx, gy, px, py, vx, vy);
        g_assert_cmpint(labs(px - (long) gx), <=, 1);
        g_assert_cmpint(labs(py - (long) gy), <=, 1);
    }

    /* The guest follows the window. */
    gtk_widget_activate_action(GTK_WIDGET(ui_page()), "machine.scale", "s", "resize");
    g_assert_cmpint(vireo_display_get_scale_mode(screen()), ==, VIREO_DISPLAY_SCALE_RESIZE_GUEST);
    gtk_window_set_default_size(GTK_WINDOW(ui_window()), 900, 700);
    ui_wait_frames(GTK_WIDGET(ui_window()), 4);
    ui_iterate(1000);
    int w = gtk_widget_get_width(GTK_WIDGET(screen())) *
            gtk_widget_get_scale_factor(GTK_WIDGET(ui_window()));
    int h = gtk_widget_get_height(GTK_WIDGET(screen())) *
            gtk_widget_get_scale_factor(GTK_WIDGET(ui_window()));
    g_autofree char *want = g_strdup_printf("mode %dx%d", w, h);
    gboolean followed = FALSE;
    for (int i = 0; i < 40 && !followed; i++) {
        ui_log_type("echo mode $(head -n1 /sys/class/drm/card0-Virtual-1/modes)\n");
        ui_iterate(500);
        followed = ui_log_has(want);
    }
    ui_log_wait(want, 5000);
    ui_wait_frames(GTK_WIDGET(ui_window()), 4);
    ui_screenshot(GTK_WIDGET(ui_window()), "screen-resized-guest");

    /* Ctrl+Alt+Del from the menu: Linux's keyboard handler restarts the machine at once (its
     * default for the combination), and the guest comes up again. */
    g_assert_true(gtk_widget_activate_action(GTK_WIDGET(ui_page()), "machine.send-keys", "s",
                                             "ctrl+alt+delete"));
    ui_log_wait("reboot: Restarting system", 30000);
    ui_log_wait("vireo-initramfs: ready", BOOT_TIMEOUT_MS);
    ui_wait(screen_has_text, NULL, 60000, "the console on the screen after the restart");

    power_off_and_thumbnail();
}

/* Off: the library's thumbnail is the screen's last picture. */
static void power_off_and_thumbnail(void)
{
    gtk_widget_activate_action(GTK_WIDGET(ui_page()), "machine.force-off", NULL);
    GtkWidget *dialog = NULL;
    UI_WAIT_FOR((dialog = ui_find_toplevel(ADW_TYPE_MESSAGE_DIALOG)), 5000,
                "the Force Off question");
    ui_click(ui_find_button(dialog, "_Force Off"));
    UI_WAIT_FOR(vireo_machine_get_state(machine) == VIREO_MACHINE_OFF, 30000, "the machine off");
    g_autofree char *thumb =
        g_build_filename(vireo_machine_get_folder(machine), "screenshot.png", NULL);
    UI_WAIT_FOR(g_file_test(thumb, G_FILE_TEST_EXISTS), 5000, "the thumbnail");
    vireo_window_show_library(ui_window());
}

int main(int argc, char **argv)
{
    kernel = ui_guest_artifact("linux");
    initrd = ui_guest_artifact("initramfs");
    if (!kernel || !initrd) {
        g_print("SKIP: the Linux test guests are not built (run tests/guests/build-all.sh)\n");
        return 77;
    }
    ui_test_init(&argc, &argv);
    if (!ui_have_xdotool()) {
        g_print("SKIP: xdotool is not installed\n");
        return 77;
    }
    gl_path = g_strcmp0(g_getenv("VIREO_TEST_SCREEN_PATH"), "gl") == 0;
    g_test_add_func("/ui/screen/linux", test_screen);
    int status = g_test_run();
    ui_test_finish();
    return status;
}
