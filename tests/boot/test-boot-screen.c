/* Screen tests: Linux with its virtio-gpu DRM driver and virtio-input on a machine with a
 * screen (cfg.display). A guest program (tests/guests/tools/vireo-drawtest.c) draws known
 * patterns through DRM dumb buffers (the whole screen, a damaged rectangle, a cursor that
 * moves); the test computes the same patterns and checks every pixel of the frame the
 * engine hands a viewer. The framebuffer console shows the kernel's text; keyboard, tablet
 * and gamepad events sent from the host are read in the guest (vireo-evtest); and a new
 * display size reaches the guest's DRM connector. */
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <string.h>

#include "guest.h"
#include "virtio-gpu.h"
#include "virtio/virtio-input.h"

#define BOOT_TIMEOUT  180
#define CMD_TIMEOUT   60
#define FRAME_TIMEOUT 30
#define CURSOR_SIZE   64

static char *kernel, *initrd;

static bool need_guest(void)
{
    if (!kernel || !initrd) {
        g_test_skip(
            "the Linux kernel or the initramfs is not built: run tests/guests/build-all.sh");
        return false;
    }
    return true;
}

static Guest *start(const char *name, const char *append)
{
    VrMachineConfig cfg;
    vr_machine_config_init(&cfg);
    cfg.cpus = 1;
    cfg.memory = 256ull << 20;
    cfg.kernel = g_strdup(kernel);
    cfg.initrd = g_strdup(initrd);
    cfg.append = g_strdup(append ? append : "console=ttyS0 earlycon=sbi");
    cfg.display = true;
    Guest *g = guest_start(name, &cfg);
    vr_machine_config_clear(&cfg);
    g_assert_true(vr_machine_has_display(g->m));
    g_assert_true(guest_expect(g, "vireo-initramfs: ready", BOOT_TIMEOUT));
    return g;
}

static void power_off(Guest *g)
{
    guest_type(g, "poweroff -f\n");
    g_assert_true(guest_wait_stopped(g, CMD_TIMEOUT));
    guest_free(g);
}

/* ---- the pictures vireo-drawtest draws (the same functions as there) ---- */

static uint32_t pattern_a(uint32_t x, uint32_t y)
{
    return (x * 7 & 0xff) << 16 | (y * 3 & 0xff) << 8 | ((x ^ y) & 0xff);
}

static uint32_t pattern_b(uint32_t x, uint32_t y)
{
    return (255 - (y & 0xff)) << 16 | (x * 5 & 0xff) << 8 | ((x + y) * 11 & 0xff);
}

static uint32_t cursor_pixel(uint32_t x, uint32_t y)
{
    if ((x < 8 && y < 8) || (x >= 56 && y >= 56))
        return 0;
    if (x < 4 || y < 4 || x >= 60 || y >= 60)
        return 0xffff0000u;
    return 0x8000c000u | (x * 4 & 0xff);
}

/* What the screen should show: a background of pattern A with rectangle B drawn in pattern
 * B, and the cursor (straight alpha) with its top-left corner at cx, cy when shown. */
typedef struct {
    uint32_t width, height;
    bool has_b;
    uint32_t bx, by, bw, bh;
    bool cursor;
    int cx, cy;
} Expected;

static uint32_t blend(uint32_t src, uint32_t dst, uint32_t a)
{
    return (src * a + dst * (255 - a) + 127) / 255;
}

static uint32_t expected_pixel(const Expected *e, uint32_t x, uint32_t y)
{
    uint32_t p = e->has_b && x >= e->bx && x < e->bx + e->bw && y >= e->by && y < e->by + e->bh
                     ? pattern_b(x, y)
                     : pattern_a(x, y);
    if (e->cursor && (int) x >= e->cx && (int) x < e->cx + CURSOR_SIZE && (int) y >= e->cy &&
        (int) y < e->cy + CURSOR_SIZE) {
        uint32_t c = cursor_pixel((uint32_t) ((int) x - e->cx), (uint32_t) ((int) y - e->cy));
        uint32_t a = c >> 24;
        p = blend(c >> 16 & 0xff, p >> 16 & 0xff, a) << 16 |
            blend(c >> 8 & 0xff, p >> 8 & 0xff, a) << 8 | blend(c & 0xff, p & 0xff, a);
    }
    return 0xff000000u | p;
}

/* How many pixels of frame differ from e; the first few are described in first. */
static uint64_t count_mismatches(const VrGpuFrame *f, const Expected *e, GString *first)
{
    if (f->width != e->width || f->height != e->height) {
        g_string_printf(first, "frame %ux%u, expected %ux%u", f->width, f->height, e->width,
                        e->height);
        return (uint64_t) e->width * e->height;
    }
    uint64_t bad = 0;
    g_string_truncate(first, 0);
    for (uint32_t y = 0; y < f->height; y++) {
        const uint32_t *row = (const uint32_t *) (f->pixels + (size_t) y * f->stride);
        for (uint32_t x = 0; x < f->width; x++) {
            uint32_t want = expected_pixel(e, x, y);
            if (row[x] != want) {
                if (bad < 5)
                    g_string_append_printf(first, " (%u,%u)=%08x want %08x", x, y, row[x], want);
                bad++;
            }
        }
    }
    return bad;
}

/* Waits until the newest frame is exactly e. */
static void assert_frame(Guest *g, const Expected *e, const char *what)
{
    g_autoptr(GString) first = g_string_new(NULL);
    uint64_t bad = 0;
    gint64 deadline = g_get_monotonic_time() + FRAME_TIMEOUT * G_USEC_PER_SEC;
    while (g_get_monotonic_time() < deadline) {
        while (g_main_context_iteration(g->ctx, FALSE))
            ;
        g_autoptr(VrGpuFrame) f = vr_machine_get_frame(g->m);
        if (f) {
            bad = count_mismatches(f, e, first);
            if (bad == 0)
                return;
        } else {
            g_string_assign(first, "no frame");
        }
        g_usleep(50 * 1000);
    }
    g_error("%s: %" G_GUINT64_FORMAT " pixels differ:%s", what, bad, first->str);
}

static void drawtest(Guest *g, const char *command)
{
    g_autofree char *line = g_strdup_printf("echo %s >&3\n", command);
    guest_type(g, line);
    g_autofree char *word = g_strndup(command, strcspn(command, " "));
    g_autofree char *done = g_strdup_printf("drawtest: %s done", word);
    g_assert_true(guest_expect(g, done, CMD_TIMEOUT));
}

static void test_drm_patterns(void)
{
    if (!need_guest())
        return;
    Guest *g = start("screen-drm-patterns", NULL);
    /* VIREO_RENDERER=vulkan asks for the Vulkan renderer: without a Vulkan device this run
     * would only repeat the CPU one. */
    const char *renderer = vr_machine_renderer_name(g->m);
    g_test_message("renderer: %s (%s)", renderer, vr_machine_renderer_note(g->m));
    if (g_strcmp0(g_getenv("VIREO_RENDERER"), "vulkan") == 0 && g_strcmp0(renderer, "vulkan")) {
        g_autofree char *why =
            g_strdup_printf("no Vulkan renderer: %s", vr_machine_renderer_note(g->m));
        power_off(g);
        g_test_skip(why);
        return;
    }
    guest_type(g, "mkfifo /tmp/draw; vireo-drawtest < /tmp/draw & exec 3> /tmp/draw\n");
    g_assert_true(guest_expect(g, "drawtest: ready 1280x800", CMD_TIMEOUT));

    Expected e = {.width = 1280, .height = 800};
    assert_frame(g, &e, "pattern A on the whole screen");

    drawtest(g, "partial 100 50 200 120");
    e.has_b = true;
    e.bx = 100, e.by = 50, e.bw = 200, e.bh = 120;
    assert_frame(g, &e, "pattern B in a damaged rectangle");
    {
        g_autoptr(VrGpuFrame) f = vr_machine_get_frame(g->m);
        /* The last change was the rectangle: the frame says so, not the whole screen. */
        g_assert_cmpuint(f->dirty.width, <, 1280);
    }

    drawtest(g, "cursor 300 200");
    e.cursor = true;
    e.cx = 300, e.cy = 200;
    assert_frame(g, &e, "the cursor over pattern A");
    drawtest(g, "move 120 100");
    e.cx = 120, e.cy = 100;
    assert_frame(g, &e, "the cursor moved over the rectangle");
    drawtest(g, "move 1250 780");
    e.cx = 1250, e.cy = 780;
    assert_frame(g, &e, "the cursor partly off the screen");
    drawtest(g, "hide");
    e.cursor = false;
    assert_frame(g, &e, "the cursor hidden");
    drawtest(g, "full");
    e.has_b = false;
    assert_frame(g, &e, "pattern A again");
    drawtest(g, "quit");
    power_off(g);
}

/* A machine saved while the guest shows a picture comes back with the same picture, and
 * the guest's program goes on drawing after the restore. */
static void test_save_restore(void)
{
    if (!need_guest())
        return;
    Guest *g = start("screen-save-restore", NULL);
    guest_type(g, "mkfifo /tmp/draw; vireo-drawtest < /tmp/draw & exec 3> /tmp/draw\n");
    g_assert_true(guest_expect(g, "drawtest: ready 1280x800", CMD_TIMEOUT));
    drawtest(g, "partial 10 20 300 40");
    drawtest(g, "cursor 500 300");
    Expected e = {.width = 1280,
                  .height = 800,
                  .has_b = true,
                  .bx = 10,
                  .by = 20,
                  .bw = 300,
                  .bh = 40,
                  .cursor = true,
                  .cx = 500,
                  .cy = 300};
    assert_frame(g, &e, "before saving");

    const char *out = g_getenv("VIREO_TEST_OUTPUT");
    g_autofree char *dir = g_dir_make_tmp("vireo-screen-XXXXXX", NULL);
    g_autofree char *state = g_build_filename(out ? out : dir, "screen.vstate", NULL);
    if (out)
        g_mkdir_with_parents(out, 0755);
    vr_machine_pause(g->m);
    g_autoptr(GError) error = NULL;
    g_assert_true(vr_machine_save_state(g->m, state, &error));
    g_assert_no_error(error);
    vr_machine_power_off(g->m);
    guest_free(g);

    VrMachine *m = vr_machine_new_from_state(state, &error);
    g_assert_no_error(error);
    g_assert_true(vr_machine_has_display(m));
    {
        g_autoptr(VrGpuFrame) f = vr_machine_get_frame(m);
        g_assert_nonnull(f);
        g_autoptr(GString) first = g_string_new(NULL);
        uint64_t bad = count_mismatches(f, &e, first);
        if (bad)
            g_error("after the restore: %" G_GUINT64_FORMAT " pixels differ:%s", bad, first->str);
    }
    vr_machine_free(m);
    g_unlink(state);
    g_rmdir(dir);
}

/* Kept for people to look at: a PPM of the screen under $VIREO_TEST_OUTPUT. */
static void save_ppm(const VrGpuFrame *f, const char *name)
{
    const char *out = g_getenv("VIREO_TEST_OUTPUT");
    if (!out || !f)
        return;
    g_mkdir_with_parents(out, 0755);
    g_autofree char *path = g_build_filename(out, name, NULL);
    g_autoptr(GString) ppm = g_string_new(NULL);
    g_string_printf(ppm, "P6\n%u %u\n255\n", f->width, f->height);
    for (uint32_t y = 0; y < f->height; y++)
        for (uint32_t x = 0; x < f->width; x++) {
            uint32_t p = ((uint32_t *) (f->pixels + (size_t) y * f->stride))[x];
            char rgb[3] = {(char) (p >> 16), (char) (p >> 8), (char) p};
            g_string_append_len(ppm, rgb, 3);
        }
    g_assert_true(g_file_set_contents(path, ppm->str, (gssize) ppm->len, NULL));
}

/* With the virtual terminal as a console, the kernel's messages and the shell's prompt are
 * drawn on the screen by the framebuffer console: the frame has more than one colour. */
static void test_fbcon(void)
{
    if (!need_guest())
        return;
    Guest *g = start("screen-fbcon", "console=tty0 console=ttyS0 earlycon=sbi");
    g_autofree char *fb = guest_run(g, "cat /sys/class/graphics/fb0/name", CMD_TIMEOUT);
    g_assert_cmpstr(fb, ==, "virtio_gpudrmfb");
    guest_type(g, "echo vireo-on-the-screen > /dev/tty1\n");
    uint32_t colours = 0;
    gint64 deadline = g_get_monotonic_time() + FRAME_TIMEOUT * G_USEC_PER_SEC;
    g_autoptr(VrGpuFrame) f = NULL;
    while (g_get_monotonic_time() < deadline) {
        while (g_main_context_iteration(g->ctx, FALSE))
            ;
        g_clear_pointer(&f, vr_gpu_frame_unref);
        f = vr_machine_get_frame(g->m);
        if (f) {
            uint32_t first = *(uint32_t *) f->pixels, lit = 0;
            for (uint32_t y = 0; y < 64 && y < f->height; y++)
                for (uint32_t x = 0; x < f->width; x++)
                    lit += ((uint32_t *) (f->pixels + (size_t) y * f->stride))[x] != first;
            colours = lit;
            if (lit > 100)
                break;
        }
        g_usleep(100 * 1000);
    }
    g_assert_nonnull(f);
    g_assert_cmpuint(f->width, ==, 1280);
    g_assert_cmpuint(f->height, ==, 800);
    g_assert_cmpuint(colours, >, 100);
    save_ppm(f, "screen-fbcon.ppm");
    power_off(g);
}

/* The guest follows the viewer's size: its connector's preferred mode becomes the new size. */
static void test_resize(void)
{
    if (!need_guest())
        return;
    Guest *g = start("screen-resize", NULL);
    g_autofree char *before =
        guest_run(g, "head -n1 /sys/class/drm/card0-Virtual-1/modes", CMD_TIMEOUT);
    g_assert_cmpstr(before, ==, "1280x800");
    /* The EDID's other modes are there to choose from. */
    g_autofree char *modes = guest_run(
        g, "grep -c -x -e 1920x1080 -e 1024x768 -e 1280x720 /sys/class/drm/card0-Virtual-1/modes",
        CMD_TIMEOUT);
    g_assert_cmpstr(modes, ==, "3");
    g_assert_true(vr_machine_set_display_size(g->m, 1024, 640));
    g_assert_false(vr_machine_set_display_size(g->m, 0, 640));
    g_autofree char *after = NULL;
    for (int i = 0; i < 50; i++) {
        g_free(after);
        after = guest_run(g, "head -n1 /sys/class/drm/card0-Virtual-1/modes", CMD_TIMEOUT);
        if (g_strcmp0(after, "1024x640") == 0)
            break;
        g_usleep(200 * 1000);
    }
    g_assert_cmpstr(after, ==, "1024x640");
    guest_type(g, "mkfifo /tmp/draw; vireo-drawtest < /tmp/draw & exec 3> /tmp/draw\n");
    g_assert_true(guest_expect(g, "drawtest: ready 1024x640", CMD_TIMEOUT));
    Expected e = {.width = 1024, .height = 640};
    assert_frame(g, &e, "pattern A at the new size");
    drawtest(g, "quit");
    power_off(g);
}

/* ---- input ---- */

static void send(Guest *g, VrInputDevice device, const VrVirtioInputEvent *events, size_t n)
{
    g_assert_true(vr_machine_input_send(g->m, device, events, n));
}

#define SYN                         \
    {                               \
        VR_EV_SYN, VR_SYN_REPORT, 0 \
    }

static void start_evtest(Guest *g, const char *name, unsigned count)
{
    g_autofree char *line = g_strdup_printf("vireo-evtest '%s' %u &\n", name, count);
    g_autofree char *ready = g_strdup_printf("evtest: ready %s", name);
    guest_type(g, line);
    g_assert_true(guest_expect(g, ready, CMD_TIMEOUT));
}

static void expect_event(Guest *g, unsigned type, unsigned code, int value)
{
    g_autofree char *want = g_strdup_printf("evtest: %u %u %d\r", type, code, value);
    if (!guest_expect(g, want, CMD_TIMEOUT))
        g_error("the guest did not report event %u %u %d", type, code, value);
}

static void test_keyboard(void)
{
    if (!need_guest())
        return;
    Guest *g = start("screen-keyboard", NULL);
    start_evtest(g, "Vireo Keyboard", 6);
    /* Shift+A, then Ctrl+Alt+Delete's first key. */
    VrVirtioInputEvent ev[] = {
        {VR_EV_KEY, 42, 1}, SYN, {VR_EV_KEY, 30, 1}, SYN, {VR_EV_KEY, 30, 0}, SYN,
        {VR_EV_KEY, 42, 0}, SYN, {VR_EV_KEY, 29, 1}, SYN, {VR_EV_KEY, 29, 0}, SYN,
    };
    send(g, VR_INPUT_KEYBOARD, ev, G_N_ELEMENTS(ev));
    expect_event(g, 1, 42, 1);
    expect_event(g, 1, 30, 1);
    expect_event(g, 1, 30, 0);
    expect_event(g, 1, 42, 0);
    expect_event(g, 1, 29, 1);
    expect_event(g, 1, 29, 0);
    power_off(g);
}

static void test_tablet(void)
{
    if (!need_guest())
        return;
    Guest *g = start("screen-tablet", NULL);
    g_autofree char *range = guest_run(g,
                                       "for e in /sys/class/input/event*; do "
                                       "n=$(cat $e/device/name); [ \"$n\" = 'Vireo Tablet' ] "
                                       "&& cat $e/device/capabilities/abs; done",
                                       CMD_TIMEOUT);
    g_assert_cmpstr(range, ==, "3"); /* ABS_X and ABS_Y */
    start_evtest(g, "Vireo Tablet", 4);
    VrVirtioInputEvent ev[] = {
        {VR_EV_ABS, 0, 16384},
        {VR_EV_ABS, 1, 8192},
        SYN,
        {VR_EV_KEY, 0x110, 1},
        SYN,
        {VR_EV_KEY, 0x110, 0},
        SYN,
    };
    send(g, VR_INPUT_TABLET, ev, G_N_ELEMENTS(ev));
    expect_event(g, 3, 0, 16384);
    expect_event(g, 3, 1, 8192);
    expect_event(g, 1, 0x110, 1);
    expect_event(g, 1, 0x110, 0);
    power_off(g);
}

static void test_gamepad(void)
{
    if (!need_guest())
        return;
    Guest *g = start("screen-gamepad", NULL);
    g_autofree char *js = guest_run(g, "ls /dev/input/ | grep -c '^js'", CMD_TIMEOUT);
    g_assert_cmpstr(js, ==, "1");
    start_evtest(g, "Vireo Gamepad", 3);
    VrVirtioInputEvent ev[] = {
        {VR_EV_KEY, 0x130, 1}, SYN, {VR_EV_ABS, 0, -20000}, SYN, {VR_EV_KEY, 0x130, 0}, SYN,
    };
    send(g, VR_INPUT_GAMEPAD, ev, G_N_ELEMENTS(ev));
    expect_event(g, 1, 0x130, 1);
    expect_event(g, 3, 0, -20000);
    expect_event(g, 1, 0x130, 0);
    power_off(g);
}

/* ---- a graphical Debian 13: weston ---- */

/* The desktop image of build-debian-desktop.sh booted through UEFI on a 1024x768 screen:
 * root logs in on the serial console and starts seatd and weston (DRM backend, pixman
 * renderer) in the background. The test waits for weston's desktop on the frame (the
 * image's weston.ini fixes the colours: the panel band at the top, the background below),
 * finds the terminal launcher on the panel, clicks it through the tablet, and checks that
 * weston-terminal runs, that its window covers a large part of the screen, and that keys
 * typed on the virtio keyboard reach its shell. Screenshots are kept as PPM files. */
#define WESTON_BOOT_TIMEOUT 480
#define WESTON_CMD_TIMEOUT  180
#define WESTON_WIDTH        1024
#define WESTON_HEIGHT       768
#define WESTON_BACKGROUND   0x204060u
#define WESTON_PANEL        0x806040u

static char *debian_desktop, *uboot;

static uint32_t rgb_at(const VrGpuFrame *f, uint32_t x, uint32_t y)
{
    return ((const uint32_t *) (f->pixels + (size_t) y * f->stride))[x] & 0xffffff;
}

/* Pixels of the colour rgb in the rectangle [x0, x1) x [y0, y1). */
static uint64_t count_rgb(const VrGpuFrame *f, uint32_t x0, uint32_t y0, uint32_t x1, uint32_t y1,
                          uint32_t rgb)
{
    uint64_t n = 0;
    for (uint32_t y = y0; y < y1 && y < f->height; y++)
        for (uint32_t x = x0; x < x1 && x < f->width; x++)
            n += rgb_at(f, x, y) == rgb;
    return n;
}

/* Weston's desktop: the panel's colour across the top rows (the launcher sits at the left),
 * the background's in nearly all of the lower half. */
static bool weston_desktop_shown(const VrGpuFrame *f)
{
    if (f->width != WESTON_WIDTH || f->height != WESTON_HEIGHT)
        return false;
    uint32_t half = f->width / 2;
    return count_rgb(f, half, 0, f->width, 8, WESTON_PANEL) >= (uint64_t) 8 * half * 9 / 10 &&
           count_rgb(f, 0, f->height / 2, f->width, f->height, WESTON_BACKGROUND) >=
               (uint64_t) f->width * (f->height / 2) * 9 / 10;
}

/* Pixels below the panel that are dark (weston-terminal's black background, translucent over
 * the blue-grey desktop): a terminal window of 80x24 characters has well over 100000. */
static uint64_t count_dark(const VrGpuFrame *f, uint32_t top)
{
    uint64_t n = 0;
    for (uint32_t y = top; y < f->height; y++)
        for (uint32_t x = 0; x < f->width; x++) {
            uint32_t p = rgb_at(f, x, y);
            n += (p >> 16) < 0x30 && (p >> 8 & 0xff) < 0x30 && (p & 0xff) < 0x30;
        }
    return n;
}

/* Waits until check accepts the newest frame; returns it, or NULL on timeout (the last frame
 * seen is saved as name for the failure's record). */
static VrGpuFrame *wait_frame(Guest *g, bool (*check)(const VrGpuFrame *, const void *),
                              const void *arg, double timeout_s, const char *name)
{
    gint64 deadline = g_get_monotonic_time() + (gint64) (timeout_s * G_USEC_PER_SEC);
    VrGpuFrame *f = NULL;
    while (g_get_monotonic_time() < deadline && !g->stopped) {
        while (g_main_context_iteration(g->ctx, FALSE))
            ;
        g_clear_pointer(&f, vr_gpu_frame_unref);
        f = vr_machine_get_frame(g->m);
        if (f && check(f, arg))
            return f;
        g_usleep(250 * 1000);
    }
    save_ppm(f, name);
    g_clear_pointer(&f, vr_gpu_frame_unref);
    return NULL;
}

static bool check_desktop(const VrGpuFrame *f, const void *arg)
{
    return weston_desktop_shown(f);
}

static bool check_terminal(const VrGpuFrame *f, const void *arg)
{
    const uint32_t *panel_height = arg;
    return count_dark(f, *panel_height) > 100000;
}

/* The panel: the rows from the top whose right end has the panel's colour, and in them the
 * bounding box of what is not (the launcher's icon). */
static void find_launcher(const VrGpuFrame *f, uint32_t *panel_height, uint32_t *cx, uint32_t *cy)
{
    uint32_t h = 0;
    while (h < f->height && rgb_at(f, f->width - 1, h) == WESTON_PANEL)
        h++;
    g_assert_cmpuint(h, >=, 16);
    g_assert_cmpuint(h, <=, 128);
    uint32_t x0 = f->width, y0 = h, x1 = 0, y1 = 0;
    for (uint32_t y = 0; y < h; y++)
        for (uint32_t x = 0; x < f->width; x++)
            if (rgb_at(f, x, y) != WESTON_PANEL) {
                x0 = MIN(x0, x), y0 = MIN(y0, y);
                x1 = MAX(x1, x + 1), y1 = MAX(y1, y + 1);
            }
    if (x1 <= x0)
        g_error("no launcher on weston's panel (%u rows)", h);
    g_test_message("panel %u rows high, launcher at %u,%u .. %u,%u", h, x0, y0, x1, y1);
    /* One icon near the left end of the panel, nothing else on it. */
    g_assert_cmpuint(x1 - x0, <=, 64);
    g_assert_cmpuint(x0, <, f->width / 4);
    *panel_height = h;
    *cx = (x0 + x1) / 2;
    *cy = (y0 + y1) / 2;
}

static void tablet_click(Guest *g, uint32_t x, uint32_t y)
{
    int32_t ax = (int32_t) ((uint64_t) x * VR_INPUT_ABS_MAX / (WESTON_WIDTH - 1));
    int32_t ay = (int32_t) ((uint64_t) y * VR_INPUT_ABS_MAX / (WESTON_HEIGHT - 1));
    VrVirtioInputEvent move[] = {{VR_EV_ABS, 0, ax}, {VR_EV_ABS, 1, ay}, SYN};
    send(g, VR_INPUT_TABLET, move, G_N_ELEMENTS(move));
    /* The pointer enters the launcher before the button goes down. */
    for (int i = 0; i < 20; i++) {
        g_main_context_iteration(g->ctx, FALSE);
        g_usleep(100 * 1000);
    }
    VrVirtioInputEvent click[] = {{VR_EV_KEY, 0x110, 1}, SYN, {VR_EV_KEY, 0x110, 0}, SYN};
    send(g, VR_INPUT_TABLET, click, G_N_ELEMENTS(click));
}

/* Types a line of lower-case letters, spaces and slashes on the virtio keyboard. */
static void keyboard_type(Guest *g, const char *text)
{
    static const char letters[] = "qwertyuiop\0\0\0\0asdfghjkl\0\0\0\0\0zxcvbnm";
    for (const char *c = text; *c; c++) {
        unsigned code = 0;
        if (*c == ' ')
            code = 57;
        else if (*c == '/')
            code = 53;
        else if (*c == '\n')
            code = 28;
        else
            for (unsigned i = 0; i < sizeof(letters) - 1; i++)
                if (letters[i] == *c)
                    code = 16 + i;
        g_assert_cmpuint(code, !=, 0);
        VrVirtioInputEvent ev[] = {{VR_EV_KEY, code, 1}, SYN, {VR_EV_KEY, code, 0}, SYN};
        send(g, VR_INPUT_KEYBOARD, ev, G_N_ELEMENTS(ev));
        g_main_context_iteration(g->ctx, FALSE);
        g_usleep(50 * 1000);
    }
}

static void weston_failed(Guest *g, const char *what)
{
    g_autofree char *log = guest_run(g, "tail -n 30 /tmp/weston.log", WESTON_CMD_TIMEOUT);
    g_error("%s; the end of weston's log:\n%s", what, log ? log : "(no answer)");
}

static void test_weston(void)
{
    if (!debian_desktop || !uboot) {
        g_test_skip("the Debian 13 desktop disk (tests/guests/build-debian-desktop.sh) or "
                    "U-Boot (u-boot-qemu) is not there");
        return;
    }
    /* The system writes to its disk: boot a copy. */
    g_autofree char *dir = g_dir_make_tmp("vireo-weston-XXXXXX", NULL);
    g_assert_nonnull(dir);
    g_autofree char *copy = g_build_filename(dir, "debian-desktop.img", NULL);
    {
        const char *argv[] = {"cp", "--sparse=always", debian_desktop, copy, NULL};
        int status = 0;
        g_autoptr(GError) error = NULL;
        g_assert_true(g_spawn_sync(NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL,
                                   NULL, NULL, &status, &error));
        g_assert_no_error(error);
        g_assert_true(g_spawn_check_wait_status(status, &error));
        g_assert_no_error(error);
    }

    VrMachineConfig cfg;
    vr_machine_config_init(&cfg);
    cfg.cpus = 2;
    cfg.memory = 1024ull << 20;
    cfg.display = true;
    /* No kernel: UEFI, the board's default. */
    vr_machine_config_add_disk(&cfg, copy, false);
    Guest *g = guest_start("screen-weston", &cfg);
    vr_machine_config_clear(&cfg);
    g_assert_true(vr_machine_set_display_size(g->m, WESTON_WIDTH, WESTON_HEIGHT));
    gint64 t0 = g_get_monotonic_time();
    g_assert_true(guest_expect(g, "vireo-desktop login:", WESTON_BOOT_TIMEOUT));
    g_test_message("login prompt after %.1f s",
                   (double) (g_get_monotonic_time() - t0) / G_USEC_PER_SEC);
    guest_type(g, "root\n");
    g_assert_true(guest_expect(g, "Password:", WESTON_CMD_TIMEOUT));
    guest_type(g, "vireo\n");
    g_assert_true(guest_expect(g, "root@vireo-desktop:~#", WESTON_CMD_TIMEOUT));
    g_free(guest_run(g, "dmesg -n 1", WESTON_CMD_TIMEOUT));

    /* udev has loaded virtio_gpu, and the connector offers the screen's size. */
    g_autofree char *card =
        guest_run(g, "udevadm settle; ls /dev/dri/; head -n1 /sys/class/drm/card0-Virtual-1/modes",
                  WESTON_CMD_TIMEOUT);
    g_assert_nonnull(card);
    g_assert_true(strstr(card, "card0") != NULL);
    g_assert_true(g_str_has_suffix(card, "1024x768"));
    g_autofree char *runtime = guest_run(g, "echo $XDG_RUNTIME_DIR", WESTON_CMD_TIMEOUT);
    g_assert_cmpstr(runtime, ==, "/run/user/0");

    g_autofree char *started =
        guest_run(g,
                  "(seatd -g video > /tmp/seatd.log 2>&1 &); "
                  "for i in $(seq 100); do [ -S /run/seatd.sock ] && break; sleep 0.2; done; "
                  "(LIBSEAT_BACKEND=seatd weston --renderer=pixman --log=/tmp/weston.log "
                  "< /dev/null > /dev/null 2>&1 &); echo started",
                  WESTON_CMD_TIMEOUT);
    g_assert_cmpstr(started, ==, "started");
    gint64 t1 = g_get_monotonic_time();
    g_autoptr(VrGpuFrame) desktop =
        wait_frame(g, check_desktop, NULL, WESTON_BOOT_TIMEOUT, "screen-weston-no-desktop.ppm");
    if (!desktop)
        weston_failed(g, "weston's desktop did not appear on the screen");
    g_test_message("weston's desktop after %.1f s",
                   (double) (g_get_monotonic_time() - t1) / G_USEC_PER_SEC);
    save_ppm(desktop, "screen-weston-desktop.ppm");

    uint32_t panel_height, cx, cy;
    find_launcher(desktop, &panel_height, &cx, &cy);
    /* Before the click the lower part is the background, not a terminal. */
    g_assert_cmpuint(count_dark(desktop, panel_height), <, 1000);
    g_autofree char *none = guest_run(g, "pidof weston-terminal || echo none", WESTON_CMD_TIMEOUT);
    g_assert_cmpstr(none, ==, "none");

    gint64 t2 = g_get_monotonic_time();
    tablet_click(g, cx, cy);
    g_autoptr(VrGpuFrame) terminal = wait_frame(
        g, check_terminal, &panel_height, WESTON_CMD_TIMEOUT, "screen-weston-no-terminal.ppm");
    if (!terminal)
        weston_failed(g, "no terminal window appeared after the click on the launcher");
    g_test_message("weston-terminal's window after %.1f s",
                   (double) (g_get_monotonic_time() - t2) / G_USEC_PER_SEC);
    save_ppm(terminal, "screen-weston-terminal.ppm");
    g_autofree char *pid = guest_run(g, "pidof weston-terminal || echo none", WESTON_CMD_TIMEOUT);
    g_assert_nonnull(pid);
    g_assert_cmpstr(pid, !=, "none");
    g_assert_cmpuint(strspn(pid, "0123456789"), ==, strlen(pid));

    /* The new window has the keyboard: a command typed there runs in its shell. */
    keyboard_type(g, "touch /tmp/typed\n");
    g_autofree char *typed = NULL;
    for (int i = 0; i < 60; i++) {
        g_free(typed);
        typed = guest_run(g, "ls /tmp/typed 2>/dev/null || echo missing", WESTON_CMD_TIMEOUT);
        if (g_strcmp0(typed, "/tmp/typed") == 0)
            break;
        g_usleep(1000 * 1000);
    }
    {
        g_autoptr(VrGpuFrame) f = vr_machine_get_frame(g->m);
        save_ppm(f, "screen-weston-typed.ppm");
    }
    g_assert_cmpstr(typed, ==, "/tmp/typed");

    /* Weston ends when asked, and the kernel had nothing to complain about meanwhile. */
    g_autofree char *ended = guest_run(
        g,
        "pkill -x weston; for i in $(seq 300); do pidof weston > /dev/null || break; sleep 0.2; "
        "done; pidof weston || echo ended",
        WESTON_CMD_TIMEOUT);
    g_assert_cmpstr(ended, ==, "ended");
    g_autofree char *warnings =
        guest_run(g, "dmesg | grep -c -e 'WARNING:' -e 'BUG:' -e 'Oops'", WESTON_CMD_TIMEOUT);
    g_assert_cmpstr(warnings, ==, "0");

    guest_type(g, "poweroff\n");
    g_assert_true(guest_wait_stopped(g, WESTON_CMD_TIMEOUT));
    g_assert_cmpint(g->result.end, ==, VR_END_POWER_OFF);
    g_test_message("powered off after %.1f s",
                   (double) (g_get_monotonic_time() - t0) / G_USEC_PER_SEC);
    guest_free(g);
    g_unlink(copy);
    g_rmdir(dir);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    kernel = guest_artifact("build-linux.sh", NULL);
    initrd = guest_artifact("build-initramfs.sh", NULL);
    debian_desktop = guest_artifact("build-debian-desktop.sh", NULL);
    if (g_file_test("/usr/lib/u-boot/qemu-riscv64_smode/u-boot.bin", G_FILE_TEST_EXISTS))
        uboot = g_strdup("/usr/lib/u-boot/qemu-riscv64_smode/u-boot.bin");
    g_test_add_func("/screen/drm-patterns", test_drm_patterns);
    g_test_add_func("/screen/save-restore", test_save_restore);
    g_test_add_func("/screen/fbcon", test_fbcon);
    g_test_add_func("/screen/resize", test_resize);
    g_test_add_func("/screen/keyboard", test_keyboard);
    g_test_add_func("/screen/tablet", test_tablet);
    g_test_add_func("/screen/gamepad", test_gamepad);
    g_test_add_func("/screen/weston", test_weston);
    return g_test_run();
}
