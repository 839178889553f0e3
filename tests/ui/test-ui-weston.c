/* A graphical Debian 13 guest in the window: the desktop image of
 * tests/guests/build-debian-desktop.sh, created with a screen by `vireo create --display gpu`
 * and started on the machine page. Root logs in on the serial console and starts weston;
 * weston's desktop appears in the window (its weston.ini fixes the colours of the panel and
 * the background), a real click (xdotool) on the panel's terminal launcher opens
 * weston-terminal, whose window appears on the screen. Screenshots are kept. Skipped (77)
 * when the image is not built. */
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <string.h>

#include "ui-test.h"
#include "vireo-display.h"

#define BOOT_TIMEOUT_MS   (480 * 1000)
#define CMD_TIMEOUT_MS    (180 * 1000)
#define WESTON_BACKGROUND 0x204060u
#define WESTON_PANEL      0x806040u

static char *desktop_image;
static VireoMachine *machine;
/* Types command on the serial console and waits for the line it prints last (its echo
 * splits the marker with quotes, so only the output matches). */
static void serial_run(const char *command, const char *marker)
{
    g_autofree char *line = g_strdup_printf("%s; echo '<<''%s>>'\n", command, marker);
    g_autofree char *want = g_strdup_printf("<<%s>>", marker);
    ui_log_type(line);
    ui_log_wait(want, CMD_TIMEOUT_MS);
}

static VireoDisplay *screen(void)
{
    GtkWidget *d = vireo_machine_page_get_screen(ui_page());
    g_assert_nonnull(d);
    return VIREO_DISPLAY(d);
}

/* The screen's picture, 0xRRGGBB per pixel. */
typedef struct {
    int width, height;
    guint32 *px;
} Picture;

static gboolean picture_get(Picture *p)
{
    g_autoptr(GdkTexture) t = vireo_display_get_texture(screen());
    if (!t)
        return FALSE;
    p->width = gdk_texture_get_width(t);
    p->height = gdk_texture_get_height(t);
    g_free(p->px);
    p->px = g_new(guint32, (gsize) p->width * p->height);
    gdk_texture_download(t, (guchar *) p->px, (gsize) p->width * 4);
    for (gsize i = 0; i < (gsize) p->width * p->height; i++)
        p->px[i] &= 0xffffff;
    return TRUE;
}

static guint64 count_rgb(const Picture *p, int x0, int y0, int x1, int y1, guint32 rgb)
{
    guint64 n = 0;
    for (int y = y0; y < y1 && y < p->height; y++)
        for (int x = x0; x < x1 && x < p->width; x++)
            n += p->px[(gsize) y * p->width + x] == rgb;
    return n;
}

/* The panel's colour across the top rows, the background's in nearly all of the lower half. */
static gboolean desktop_shown(gpointer data)
{
    Picture *p = data;
    if (!picture_get(p))
        return FALSE;
    int half = p->width / 2;
    return count_rgb(p, half, 0, p->width, 8, WESTON_PANEL) >= (guint64) 8 * half * 9 / 10 &&
           count_rgb(p, 0, p->height / 2, p->width, p->height, WESTON_BACKGROUND) >=
               (guint64) p->width * (p->height / 2) * 9 / 10;
}

typedef struct {
    Picture picture;
    int top; /* the panel's height */
} TerminalWait;

/* weston-terminal's dark background covers well over 100000 pixels below the panel. */
static gboolean terminal_shown(gpointer data)
{
    TerminalWait *w = data;
    if (!picture_get(&w->picture))
        return FALSE;
    const Picture *p = &w->picture;
    guint64 dark = 0;
    for (int y = w->top; y < p->height; y++)
        for (int x = 0; x < p->width; x++) {
            guint32 c = p->px[(gsize) y * p->width + x];
            dark += (c >> 16) < 0x30 && (c >> 8 & 0xff) < 0x30 && (c & 0xff) < 0x30;
        }
    return dark > 100000;
}

/* The widget point whose guest pixel is (gx, gy): the mapping is monotonic in each axis. */
static void guest_to_widget(VireoDisplay *d, guint gx, guint gy, float *wx, float *wy)
{
    GtkWidget *w = GTK_WIDGET(d);
    int width = gtk_widget_get_width(w), height = gtk_widget_get_height(w);
    guint x = 0, y = 0;
    float best_x = -1, best_y = -1;
    for (int i = 0; i < width && best_x < 0; i++)
        if (vireo_display_widget_to_guest(d, i + 0.5, height / 2.0, &x, &y) && x >= gx)
            best_x = i + 0.5f;
    for (int i = 0; i < height && best_y < 0; i++)
        if (vireo_display_widget_to_guest(d, width / 2.0, i + 0.5, &x, &y) && y >= gy)
            best_y = i + 0.5f;
    g_assert_cmpfloat(best_x, >=, 0);
    g_assert_cmpfloat(best_y, >=, 0);
    *wx = best_x;
    *wy = best_y;
}

static void test_weston(void)
{
    /* A copy: the machine writes to its disk. */
    g_autofree char *copy = g_build_filename(ui_scratch_dir(), "debian-desktop.img", NULL);
    {
        const char *argv[] = {"cp", "--sparse=always", desktop_image, copy, NULL};
        int status = 0;
        g_assert_true(g_spawn_sync(NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL,
                                   NULL, NULL, &status, NULL));
        g_assert_true(g_spawn_check_wait_status(status, NULL));
    }
    ui_vireo_create("--name", "Desktop", "--display", "gpu", "--disk", copy, "--memory", "1G",
                    "--cpus", "2", NULL);
    UI_WAIT_FOR(ui_row_for("Desktop"), 5000, "the Desktop machine in the library");
    machine = vireo_machine_row_get_machine(ui_row_for("Desktop"));
    ui_log_use(machine);
    g_assert_true(vireo_machine_has_display(machine));
    vireo_window_open_machine(ui_window(), machine);
    gtk_widget_activate_action(GTK_WIDGET(ui_page()), "machine.start", NULL);

    /* UEFI, GRUB, Debian's kernel, systemd: the serial login. */
    ui_log_wait("vireo-desktop login:", BOOT_TIMEOUT_MS);
    ui_log_type("root\n");
    ui_log_wait("Password:", CMD_TIMEOUT_MS);
    ui_log_type("vireo\n");
    ui_log_wait("root@vireo-desktop:~#", CMD_TIMEOUT_MS);
    serial_run("dmesg -n 1; udevadm settle; ls /dev/dri/card0", "settled");
    serial_run("(seatd -g video > /tmp/seatd.log 2>&1 &); "
               "for i in $(seq 100); do [ -S /run/seatd.sock ] && break; sleep 0.2; done; "
               "(LIBSEAT_BACKEND=seatd weston --renderer=pixman --log=/tmp/weston.log "
               "< /dev/null > /dev/null 2>&1 &)",
               "started");

    Picture desktop = {0};
    ui_wait(desktop_shown, &desktop, CMD_TIMEOUT_MS, "weston's desktop in the window");
    ui_wait_frames(GTK_WIDGET(ui_window()), 4);
    ui_screenshot(GTK_WIDGET(ui_window()), "weston-desktop");

    /* The launcher: what is not the panel's colour in the panel's rows. */
    int top = 0;
    while (top < desktop.height &&
           desktop.px[(gsize) top * desktop.width + desktop.width - 1] == WESTON_PANEL)
        top++;
    g_assert_cmpint(top, >=, 16);
    int x0 = desktop.width, y0 = top, x1 = 0, y1 = 0;
    for (int y = 0; y < top; y++)
        for (int x = 0; x < desktop.width; x++)
            if (desktop.px[(gsize) y * desktop.width + x] != WESTON_PANEL) {
                x0 = MIN(x0, x), y0 = MIN(y0, y);
                x1 = MAX(x1, x + 1), y1 = MAX(y1, y + 1);
            }
    g_assert_cmpint(x1, >, x0);
    g_assert_cmpint(x1 - x0, <=, 64);
    float wx, wy;
    guest_to_widget(screen(), (guint) (x0 + x1) / 2, (guint) (y0 + y1) / 2, &wx, &wy);
    g_test_message("screen %dx%d, panel %d rows, launcher %d,%d .. %d,%d, clicked at %.1f,%.1f",
                   desktop.width, desktop.height, top, x0, y0, x1, y1, wx, wy);
    g_free(desktop.px);

    /* A real click on the launcher: the pointer goes there first, then the button. */
    ui_real_click_at(GTK_WIDGET(screen()), wx, wy);
    TerminalWait w = {.top = top};
    ui_wait(terminal_shown, &w, CMD_TIMEOUT_MS, "weston-terminal's window on the screen");
    g_free(w.picture.px);
    ui_wait_frames(GTK_WIDGET(ui_window()), 4);
    ui_screenshot(GTK_WIDGET(ui_window()), "weston-terminal");
    serial_run("pidof weston-terminal > /dev/null && echo 'terminal-''running'", "checked");
    g_autofree char *text = ui_log_text();
    g_assert_nonnull(strstr(text, "terminal-running"));

    serial_run("pkill -x weston; for i in $(seq 300); do pidof weston > /dev/null || break; "
               "sleep 0.2; done",
               "ended");
    ui_log_type("poweroff\n");
    UI_WAIT_FOR(vireo_machine_get_state(machine) == VIREO_MACHINE_OFF, CMD_TIMEOUT_MS,
                "the machine off");
    vireo_window_show_library(ui_window());
}

int main(int argc, char **argv)
{
    desktop_image = ui_guest_artifact("debian-desktop");
    if (!desktop_image) {
        g_print("SKIP: the Debian 13 desktop image is not built (run "
                "tests/guests/build-debian-desktop.sh)\n");
        return 77;
    }
    ui_test_init(&argc, &argv);
    if (!ui_have_xdotool()) {
        g_print("SKIP: xdotool is not installed\n");
        return 77;
    }
    g_test_add_func("/ui/weston", test_weston);
    int status = g_test_run();
    ui_test_finish();
    return status;
}
