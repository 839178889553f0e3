/* The display widget (display/vireo-display.c) in a window of its own, fed by the CPU
 * renderer: what it draws at 1:1 and scaled, and the guest input that X pointer and keyboard
 * events (xdotool) become. With VIREO_TEST_DISPLAY_PATH=gl, fed by the Vulkan renderer
 * exporting its frames instead, every picture must reach the window through GL
 * (GdkGLTextures on the imported images), pixel for pixel the same. */
#include <gdk/x11/gdkx.h>
#include <glib/gi18n.h>
#include <linux/input-event-codes.h>
#include <string.h>

#include "ui-test.h"
#include "vireo-display.h"
#include "vireo-gl-frames.h"
#include "vireo-i18n.h"

#define FW     640
#define FH     400
#define STRIDE (FW * 4 + 64) /* rows wider than the picture, as a guest's may be */

static GtkWindow *window;
static VireoDisplay *display;
static GtkWidget *other_button; /* something else in the window that could take the focus */
static int window_f10;          /* the window's own F10 shortcut ran */

/* The guest side: one resource shown on scanout 0 of the CPU renderer. */
static VrRenderer *renderer;
static gboolean gl_path; /* the Vulkan renderer's frames shown through GL */
static VrRendererResource *resource;
static guint32 pixels[FH * STRIDE / 4]; /* B8G8R8X8: the word 0x00RRGGBB */
static int frame_fetches;

typedef struct {
    char kind; /* k: key, a: pointer-absolute, m: pointer-relative, b: button, s: scroll,
                  r: resize-guest */
    int a, b;
} Event;
static GArray *events;

static void on_key(VireoDisplay *d, guint code, gboolean pressed)
{
    g_array_append_val(events, ((Event){'k', (int) code, pressed}));
}

static void on_abs(VireoDisplay *d, guint x, guint y)
{
    g_array_append_val(events, ((Event){'a', (int) x, (int) y}));
}

static void on_rel(VireoDisplay *d, int dx, int dy)
{
    g_array_append_val(events, ((Event){'m', dx, dy}));
}

static void on_button(VireoDisplay *d, guint button, gboolean pressed)
{
    g_array_append_val(events, ((Event){'b', (int) button, pressed}));
}

static void on_scroll(VireoDisplay *d, int dx, int dy)
{
    g_array_append_val(events, ((Event){'s', dx, dy}));
}

static void on_resize(VireoDisplay *d, guint w, guint h)
{
    g_array_append_val(events, ((Event){'r', (int) w, (int) h}));
}

static char *events_text(void)
{
    GString *s = g_string_new(NULL);
    for (guint i = 0; i < events->len; i++) {
        Event *e = &g_array_index(events, Event, i);
        g_string_append_printf(s, "%s%c%d,%d", i ? " " : "", e->kind, e->a, e->b);
    }
    return g_string_free(s, FALSE);
}

/* The events since the last call, as "k30,1 k30,0 a16384,16384 ..." (kind, then values). */
static char *take_events(void)
{
    char *text = events_text();
    g_array_set_size(events, 0);
    return text;
}

/* The same, key events only (the pointer may move when a grab starts or ends). */
static char *take_key_events(void)
{
    for (guint i = events->len; i-- > 0;)
        if (g_array_index(events, Event, i).kind != 'k')
            g_array_remove_index(events, i);
    return take_events();
}

static guint count_events(gboolean keys_only)
{
    guint n = 0;
    for (guint i = 0; i < events->len; i++)
        n += !keys_only || g_array_index(events, Event, i).kind == 'k';
    return n;
}

/* The events once as many as want has (in take_events' words) have come, or after 3 s: X
 * events may take a while on a busy machine. */
static char *await_events(const char *want, gboolean keys_only)
{
    g_auto(GStrv) words = g_strsplit(want, " ", -1);
    guint n = *want ? g_strv_length(words) : 0;
    gint64 deadline = g_get_monotonic_time() + 3 * G_USEC_PER_SEC;
    while (count_events(keys_only) < n && g_get_monotonic_time() < deadline)
        ui_iterate(20);
    ui_iterate(100); /* and anything that should not have come */
    return keys_only ? take_key_events() : take_events();
}

static VrGpuFrame *frame_source(gpointer data)
{
    frame_fetches++;
    return renderer->ops->get_frame(renderer, 0);
}

/* The picture: a colour per quadrant, single white pixels in the corners and two magenta
 * ones inside. */
static guint32 picture_at(int x, int y)
{
    if ((x == 0 || x == FW - 1) && (y == 0 || y == FH - 1))
        return 0xffffff;
    if ((x == 100 && y == 100) || (x == 539 && y == 299))
        return 0xff00ff;
    static const guint32 quadrant[4] = {0xc00000, 0x00a000, 0x0000e0, 0xd0d000};
    return quadrant[(y >= FH / 2) * 2 + (x >= FW / 2)];
}

static guint32 *pixel(int x, int y)
{
    return &pixels[y * (STRIDE / 4) + x];
}

/* The rectangle of the guest's picture changed in pixels: written to the resource and flushed,
 * as virtio-gpu's TRANSFER_TO_HOST_2D and RESOURCE_FLUSH do. */
static void guest_update(const VrGpuRect *rect)
{
    struct iovec iov = {pixels, sizeof(pixels)};
    guint64 offset = (guint64) rect->y * STRIDE + (guint64) rect->x * 4;
    renderer->ops->resource_write(renderer, resource, rect, &iov, 1, offset, STRIDE);
    renderer->ops->flush(renderer, resource, rect);
}

static void guest_show_picture(void)
{
    for (int y = 0; y < FH; y++)
        for (int x = 0; x < FW; x++)
            *pixel(x, y) = picture_at(x, y);
    VrGpuRect all = {0, 0, FW, FH};
    if (!resource) {
        resource = renderer->ops->resource_create(renderer, VR_GPU_FORMAT_B8G8R8X8, FW, FH);
        g_assert_nonnull(resource);
    }
    guest_update(&all);
    renderer->ops->set_scanout(renderer, 0, resource, &all);
}

static gboolean display_has_sequence(guint64 sequence)
{
    g_autoptr(VrGpuFrame) f = renderer->ops->get_frame(renderer, 0);
    g_autoptr(GdkTexture) t = vireo_display_get_texture(display);
    return f && t && f->sequence == sequence;
}

/* The display picks up the guest's newest frame. */
static void show_newest(void)
{
    g_autoptr(VrGpuFrame) f = renderer->ops->get_frame(renderer, 0);
    g_assert_nonnull(f);
    guint64 sequence = f->sequence;
    g_autoptr(GdkTexture) before = vireo_display_get_texture(display);
    vireo_display_queue_update(display);
    UI_WAIT_FOR(({
                    g_autoptr(GdkTexture) t = vireo_display_get_texture(display);
                    t &&t != before;
                }),
                5000, "the new frame on the display");
    g_assert_true(display_has_sequence(sequence));
    g_autoptr(GdkTexture) t = vireo_display_get_texture(display);
    if (gl_path) {
        g_assert_true(GDK_IS_GL_TEXTURE(t));
        /* One import for each image the renderer made; not one for each frame. */
        VireoGlFrames *gl = vireo_gl_frames_get(gdk_display_get_default(), NULL);
        g_assert_cmpuint(vireo_gl_frames_n_imported(gl), <=, 8);
    } else {
        g_assert_true(GDK_IS_MEMORY_TEXTURE(t));
    }
    ui_wait_frames(GTK_WIDGET(display), 2);
}

static void set_window_size(int width, int height)
{
    GdkSurface *surface = gtk_native_get_surface(GTK_NATIVE(window));
    g_autofree char *cmd =
        g_strdup_printf("xdotool windowsize --sync %lu %d %d",
                        (unsigned long) gdk_x11_surface_get_xid(surface), width, height);
    g_autofree char *err = NULL;
    int status = 0;
    g_autoptr(GError) error = NULL;
    g_assert_true(g_spawn_command_line_sync(cmd, NULL, &err, &status, &error));
    g_assert_no_error(error);
    if (!g_spawn_check_wait_status(status, NULL))
        g_error("%s failed: %s", cmd, err);
    UI_WAIT_FOR(gtk_widget_get_width(GTK_WIDGET(display)) == width &&
                    gtk_widget_get_height(GTK_WIDGET(display)) == height,
                5000, "the display to take the window's new size");
    ui_wait_frames(GTK_WIDGET(display), 2);
}

/* Runs xdotool with these arguments (split at spaces) and lets the events arrive. */
static void xdo(const char *format, ...) G_GNUC_PRINTF(1, 2);
static void xdo(const char *format, ...)
{
    va_list ap;
    va_start(ap, format);
    g_autofree char *args = g_strdup_vprintf(format, ap);
    va_end(ap);
    g_autofree char *cmd = g_strdup_printf("xdotool %s", args);
    g_autofree char *err = NULL;
    int status = 0;
    g_autoptr(GError) error = NULL;
    g_assert_true(g_spawn_command_line_sync(cmd, NULL, &err, &status, &error));
    g_assert_no_error(error);
    if (!g_spawn_check_wait_status(status, NULL))
        g_error("%s failed: %s", cmd, err);
    ui_iterate(150);
}

static char *xid(void)
{
    GdkSurface *surface = gtk_native_get_surface(GTK_NATIVE(window));
    return g_strdup_printf("%lu", (unsigned long) gdk_x11_surface_get_xid(surface));
}

/* The X pointer to the display's point (x, y). */
static void pointer_to(int x, int y)
{
    graphene_point_t in = GRAPHENE_POINT_INIT((float) x, (float) y), out;
    g_assert_true(gtk_widget_compute_point(GTK_WIDGET(display), GTK_WIDGET(window), &in, &out));
    double dx = 0, dy = 0;
    gtk_native_get_surface_transform(GTK_NATIVE(window), &dx, &dy);
    g_autofree char *id = xid();
    xdo("mousemove --sync --window %s %d %d", id, (int) (out.x + dx), (int) (out.y + dy));
}

static void focus_window(void)
{
    g_autofree char *id = xid();
    xdo("windowfocus --sync %s", id);
}

/* The window's picture, with pixels as 0xAARRGGBB words. */
typedef struct {
    int width, height;
    guint32 *pixels;
} Shot;

static Shot shoot(const char *name)
{
    g_autoptr(GdkTexture) t = ui_render(GTK_WIDGET(window), name);
    Shot s = {gdk_texture_get_width(t), gdk_texture_get_height(t), NULL};
    s.pixels = g_new(guint32, (gsize) s.width * s.height);
    gdk_texture_download(t, (guchar *) s.pixels, (gsize) s.width * 4);
    return s;
}

static guint32 shot_at(const Shot *s, int x, int y)
{
    g_assert_true(x >= 0 && y >= 0 && x < s->width && y < s->height);
    return s->pixels[y * s->width + x];
}

/* Where the display's top left corner is in the window. */
static void display_origin(int *x, int *y)
{
    graphene_point_t in = GRAPHENE_POINT_INIT(0, 0), out;
    g_assert_true(gtk_widget_compute_point(GTK_WIDGET(display), GTK_WIDGET(window), &in, &out));
    *x = (int) out.x;
    *y = (int) out.y;
}

/* The guest's picture at (ox, oy) of the shot, pixel for pixel, each guest pixel a block of
 * scale x scale; only what lies inside the display (w x h at (dx, dy)) is compared. */
static void assert_picture_at(const Shot *s, int dx, int dy, int w, int h, int ox, int oy,
                              int scale)
{
    for (int y = MAX(0, oy); y < MIN(h, oy + FH * scale); y++)
        for (int x = MAX(0, ox); x < MIN(w, ox + FW * scale); x++) {
            guint32 want = *pixel((x - ox) / scale, (y - oy) / scale) | 0xff000000u;
            guint32 got = shot_at(s, dx + x, dy + y);
            if (got != want)
                g_error("display pixel (%d, %d): 0x%08x where the guest has 0x%08x at (%d, %d)", x,
                        y, got, want, (x - ox) / scale, (y - oy) / scale);
        }
}

static void test_no_picture(void)
{
    /* The scanout is not set yet: the renderer has no frame. */
    g_assert_null(vireo_display_get_texture(display));
    GtkWidget *label = ui_find_label(GTK_WIDGET(display), _("No picture"));
    g_assert_nonnull(label);
    g_assert_true(gtk_widget_get_mapped(label));
    ui_screenshot(GTK_WIDGET(window), "display-no-picture");
    g_autofree char *path = g_build_filename(g_get_tmp_dir(), "vireo-display-none.png", NULL);
    g_autoptr(GError) error = NULL;
    g_assert_false(vireo_display_save_png(display, path, &error));
    g_assert_error(error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
    g_assert_false(g_file_test(path, G_FILE_TEST_EXISTS));
}

static void test_one_to_one(void)
{
    vireo_display_set_scale_mode(display, VIREO_DISPLAY_SCALE_ONE);
    guest_show_picture();
    show_newest();
    g_assert_null(ui_find_label(GTK_WIDGET(display), _("No picture")));

    set_window_size(800, 600);
    int dx, dy;
    display_origin(&dx, &dy);
    Shot s = shoot("display-one-to-one");
    assert_picture_at(&s, dx, dy, 800, 600, (800 - FW) / 2, (600 - FH) / 2, 1);
    /* Around it: black. */
    g_assert_cmphex(shot_at(&s, dx + 79, dy + 300), ==, 0xff000000u);
    g_assert_cmphex(shot_at(&s, dx + 400, dy + 99), ==, 0xff000000u);
    g_assert_cmphex(shot_at(&s, dx + 720, dy + 500), ==, 0xff000000u);
    g_free(s.pixels);

    /* Smaller than the picture: its middle, clipped. */
    set_window_size(400, 300);
    display_origin(&dx, &dy);
    s = shoot("display-one-to-one-clipped");
    assert_picture_at(&s, dx, dy, 400, 300, (400 - FW) / 2, (300 - FH) / 2, 1);
    g_free(s.pixels);
}

static void test_fit(void)
{
    vireo_display_set_scale_mode(display, VIREO_DISPLAY_SCALE_FIT);
    set_window_size(800, 600);
    int dx, dy;
    display_origin(&dx, &dy);
    /* 1.25 times as large: 800 x 500, 50 pixels of black above and below. */
    Shot s = shoot("display-fit");
    const int quadrant_centres[4][2] = {{200, 175}, {600, 175}, {200, 425}, {600, 425}};
    for (int i = 0; i < 4; i++) {
        int x = quadrant_centres[i][0], y = quadrant_centres[i][1];
        g_assert_cmphex(shot_at(&s, dx + x, dy + y), ==,
                        picture_at((int) (x / 1.25), (int) ((y - 50) / 1.25)) | 0xff000000u);
    }
    g_assert_cmphex(shot_at(&s, dx + 400, dy + 25), ==, 0xff000000u);
    g_assert_cmphex(shot_at(&s, dx + 400, dy + 575), ==, 0xff000000u);
    g_free(s.pixels);

    /* Twice as large: every guest pixel a sharp 2 x 2 block (the markers too). */
    set_window_size(2 * FW, 2 * FH);
    display_origin(&dx, &dy);
    s = shoot("display-fit-double");
    assert_picture_at(&s, dx, dy, 2 * FW, 2 * FH, 0, 0, 2);
    g_free(s.pixels);
}

static void test_partial_update(void)
{
    vireo_display_set_scale_mode(display, VIREO_DISPLAY_SCALE_ONE);
    set_window_size(800, 600);
    VrGpuRect rect = {200, 150, 100, 50};
    for (guint y = rect.y; y < rect.y + rect.height; y++)
        for (guint x = rect.x; x < rect.x + rect.width; x++)
            *pixel((int) x, (int) y) = ((x + y) & 1) ? 0xffffff : 0x102030;
    guest_update(&rect);
    g_autoptr(VrGpuFrame) f = renderer->ops->get_frame(renderer, 0);
    /* The renderer says only that rectangle changed. */
    g_assert_cmpuint(f->dirty.x, ==, rect.x);
    g_assert_cmpuint(f->dirty.y, ==, rect.y);
    g_assert_cmpuint(f->dirty.width, ==, rect.width);
    g_assert_cmpuint(f->dirty.height, ==, rect.height);
    show_newest();
    int dx, dy;
    display_origin(&dx, &dy);
    Shot s = shoot("display-partial-update");
    assert_picture_at(&s, dx, dy, 800, 600, (800 - FW) / 2, (600 - FH) / 2, 1);
    g_free(s.pixels);
}

static void test_save_png_and_no_polling(void)
{
    /* Nothing changed: the display does not ask for frames while it draws. */
    int fetches = frame_fetches;
    for (int i = 0; i < 10; i++) {
        gtk_widget_queue_draw(GTK_WIDGET(display));
        ui_iterate(50);
    }
    g_assert_cmpint(frame_fetches, ==, fetches);
    /* A frame with the same sequence number changes nothing. */
    g_autoptr(GdkTexture) before = vireo_display_get_texture(display);
    vireo_display_queue_update(display);
    UI_WAIT_FOR(frame_fetches > fetches, 5000, "the frame to be fetched");
    g_autoptr(GdkTexture) after = vireo_display_get_texture(display);
    g_assert_true(before == after);

    /* The guest's pixels at their own size, whatever the widget's. */
    set_window_size(400, 300);
    const char *dir = g_getenv("VIREO_TEST_OUTPUT");
    g_assert_nonnull(dir);
    g_mkdir_with_parents(dir, 0755);
    g_autofree char *path = g_build_filename(dir, "display-saved.png", NULL);
    g_autoptr(GError) error = NULL;
    g_assert_true(vireo_display_save_png(display, path, &error));
    g_assert_no_error(error);
    g_autoptr(GdkTexture) saved = gdk_texture_new_from_filename(path, &error);
    g_assert_no_error(error);
    g_assert_cmpint(gdk_texture_get_width(saved), ==, FW);
    g_assert_cmpint(gdk_texture_get_height(saved), ==, FH);
    g_autofree guint32 *got = g_new(guint32, FW * FH);
    gdk_texture_download(saved, (guchar *) got, FW * 4);
    for (int y = 0; y < FH; y++)
        for (int x = 0; x < FW; x++)
            if (got[y * FW + x] != (*pixel(x, y) | 0xff000000u))
                g_error("saved pixel (%d, %d) is 0x%08x, the guest's 0x%08x", x, y, got[y * FW + x],
                        *pixel(x, y) | 0xff000000u);
}

/* Pointer moves and clicks at display points, in FIT mode, at a window size where the picture
 * sits with bars above and below. */
typedef struct {
    int x, y;        /* display point */
    const char *abs; /* the tablet position it gives, NULL: outside the picture */
} PointerCase;

static void check_pointer(int width, int height, const PointerCase *cases, unsigned n)
{
    set_window_size(width, height);
    for (unsigned i = 0; i < n; i++) {
        const PointerCase *c = &cases[i];
        g_autofree char *dropped = take_events();
        pointer_to(c->x, c->y);
        /* The last position is where the pointer is (X may report the way there, too). */
        g_autofree char *want_move = c->abs ? g_strdup_printf("a%s", c->abs) : NULL;
        gint64 deadline = g_get_monotonic_time() + 3 * G_USEC_PER_SEC;
        while (want_move && g_get_monotonic_time() < deadline) {
            g_autofree char *text = events_text();
            if (g_str_has_suffix(text, want_move))
                break;
            ui_iterate(20);
        }
        ui_iterate(50);
        g_autofree char *moved = take_events();
        const char *last = strrchr(moved, ' ');
        last = last ? last + 1 : moved;
        g_assert_cmpstr(c->abs ? last : moved, ==, c->abs ? want_move : "");
        guint evdev[] = {BTN_LEFT, BTN_MIDDLE, BTN_RIGHT, BTN_SIDE, BTN_EXTRA};
        guint x_button[] = {1, 2, 3, 8, 9};
        unsigned b = i % G_N_ELEMENTS(evdev);
        xdo("click %u", x_button[b]);
        g_autofree char *want_click =
            c->abs ? g_strdup_printf("a%s b%u,1 b%u,0", c->abs, evdev[b], evdev[b]) : g_strdup("");
        g_autofree char *clicked = await_events(want_click, FALSE);
        g_assert_cmpstr(clicked, ==, want_click);
        /* The wheel: one click up, two down. */
        xdo("click 4 click 5 click 5");
        const char *want_wheel = c->abs ? "s0,1 s0,-1 s0,-1" : "";
        g_autofree char *wheel = await_events(want_wheel, FALSE);
        g_assert_cmpstr(wheel, ==, want_wheel);
    }
}

static void test_pointer(void)
{
    vireo_display_set_scale_mode(display, VIREO_DISPLAY_SCALE_FIT);
    vireo_display_set_hide_cursor(display, TRUE);
    /* 800 x 600: the picture at 1.25 times its size, 800 x 500 from (0, 50). A display point
     * (x, y) is the guest's (x / 1.25, (y - 50) / 1.25), on the tablet that times
     * 32768 / 640 and 32768 / 400. */
    const PointerCase big[] = {
        {400, 300, "16384,16384"}, /* the middle: (320, 200) */
        {100, 100, "4096,3276"},   /* (80, 40) */
        {0, 50, "0,0"},            /* the top left corner */
        {799, 549, "32727,32702"}, /* the bottom right corner: (639.2, 399.2) */
        {400, 20, NULL},           /* the bar above */
        {400, 560, NULL},          /* the bar below */
    };
    check_pointer(800, 600, big, G_N_ELEMENTS(big));
    guint gx = 0, gy = 0;
    g_assert_true(vireo_display_widget_to_guest(display, 400, 300, &gx, &gy));
    g_assert_cmpuint(gx, ==, 320);
    g_assert_cmpuint(gy, ==, 200);
    g_assert_true(vireo_display_widget_to_guest(display, 799.9, 549.9, &gx, &gy));
    g_assert_cmpuint(gx, ==, FW - 1);
    g_assert_cmpuint(gy, ==, FH - 1);
    g_assert_false(vireo_display_widget_to_guest(display, 400, 49.9, &gx, &gy));
    g_assert_false(vireo_display_widget_to_guest(display, 400, 550, &gx, &gy));
    g_assert_null(gtk_widget_get_cursor(GTK_WIDGET(display))); /* over the bar */
    pointer_to(400, 300);
    g_assert_nonnull(gtk_widget_get_cursor(GTK_WIDGET(display)));

    /* 400 x 300: 0.625 times, 400 x 250 from (0, 25). */
    const PointerCase small[] = {
        {200, 150, "16384,16384"}, /* (320, 200) */
        {50, 75, "4096,6553"},     /* (80, 80) */
        {399, 274, "32686,32636"}, /* (638.4, 398.4) */
        {200, 10, NULL},           {200, 290, NULL},
    };
    check_pointer(400, 300, small, G_N_ELEMENTS(small));
    vireo_display_set_hide_cursor(display, FALSE);
    g_autofree char *rest = take_events();
}

/* Keys typed with xdotool (its words: "type TEXT" or "key COMBO ..."), and the evdev events
 * they must give. */
static void check_keys(const char *xdotool_args, const char *want)
{
    g_autofree char *dropped = take_events();
    xdo("%s", xdotool_args);
    g_autofree char *got = await_events(want, TRUE);
    if (g_strcmp0(got, want) != 0)
        g_error("xdotool %s gave “%s”, not “%s”", xdotool_args, got, want);
}

static void focus_display(void)
{
    set_window_size(800, 600);
    focus_window();
    pointer_to(400, 300);
    xdo("click 1");
    UI_WAIT_FOR(gtk_widget_has_focus(GTK_WIDGET(display)), 3000, "the focus on the display");
    g_autofree char *clicks = take_events();
}

static void test_keys(void)
{
    gtk_widget_grab_focus(other_button);
    focus_display(); /* a click takes the focus */
    check_keys("type a", "k30,1 k30,0");
    /* Shift held around a letter, as a typist does (xdotool's own type and key let the
     * modifiers go first). */
    check_keys("keydown shift keydown a keyup a keyup shift", "k42,1 k30,1 k30,0 k42,0");
    check_keys("type A", "k42,1 k30,1 k42,0 k30,0");
    check_keys("keydown ctrl keydown c keyup c keyup ctrl", "k29,1 k46,1 k46,0 k29,0");
    check_keys("keydown alt keydown x keyup x keyup alt", "k56,1 k45,1 k45,0 k56,0");
    check_keys("keydown shift keydown ctrl keydown Right keyup Right keyup ctrl keyup shift",
               "k42,1 k29,1 k106,1 k106,0 k29,0 k42,0");
    check_keys("key Up Down Left Right", "k103,1 k103,0 k108,1 k108,0 k105,1 k105,0 k106,1 k106,0");
    /* Keys the window would take: they are the guest's. */
    check_keys("key Tab", "k15,1 k15,0");
    check_keys("key F10", "k68,1 k68,0");
    g_assert_true(gtk_widget_has_focus(GTK_WIDGET(display)));
    g_assert_cmpint(window_f10, ==, 0);
    /* A held key repeats in the guest, not here. */
    check_keys("keydown b", "k48,1");
    xdo("sleep 0.8"); /* X's auto-repeat would have started */
    check_keys("keyup b", "k48,0");
    /* Keys held when the focus leaves are let go. */
    check_keys("keydown Shift_L", "k42,1");
    gtk_widget_grab_focus(other_button);
    ui_iterate(50);
    g_autofree char *released = take_events();
    g_assert_cmpstr(released, ==, "k42,0");
    xdo("keyup Shift_L");
    g_autofree char *after = take_events();
    g_assert_cmpstr(after, ==, "");
}

static char *x_layout(void)
{
    g_autofree char *out = NULL;
    g_assert_true(g_spawn_command_line_sync("setxkbmap -query", &out, NULL, NULL, NULL));
    g_auto(GStrv) lines = g_strsplit(out, "\n", -1);
    for (unsigned i = 0; lines[i]; i++)
        if (g_str_has_prefix(lines[i], "layout:"))
            return g_strstrip(g_strdup(lines[i] + strlen("layout:")));
    return g_strdup("us");
}

static void set_layout(const char *layout)
{
    g_autofree char *cmd = g_strdup_printf("setxkbmap %s", layout);
    int status = 0;
    g_assert_true(g_spawn_command_line_sync(cmd, NULL, NULL, &status, NULL));
    g_assert_true(g_spawn_check_wait_status(status, NULL));
    ui_iterate(300);
}

/* A German keyboard has Z where a US one has Y: what counts is the key, not its letter. */
static void test_german_layout(void)
{
    g_autofree char *path = g_find_program_in_path("setxkbmap");
    if (!path) {
        g_test_skip("setxkbmap is not installed (Debian package x11-xkb-utils)");
        return;
    }
    focus_display();
    g_autofree char *layout = x_layout();
    set_layout("de");
    g_autofree char *now = x_layout();
    g_autoptr(GString) got = g_string_new(NULL);
    /* xdotool finds the key that makes the letter in the layout in force. */
    const char *typed[] = {"type z", "type y", "type ü"};
    for (unsigned i = 0; i < G_N_ELEMENTS(typed); i++) {
        g_autofree char *dropped = take_events();
        xdo("%s", typed[i]);
        g_autofree char *e = await_events("k,1 k,0", TRUE);
        g_string_append_printf(got, "%s%s", i ? " | " : "", e);
    }
    set_layout(layout);
    g_assert_cmpstr(now, ==, "de");
    /* KEY_Y (21), KEY_Z (44), KEY_LEFTBRACE (26): where a US keyboard has [. */
    g_assert_cmpstr(got->str, ==, "k21,1 k21,0 | k44,1 k44,0 | k26,1 k26,0");
    check_keys("type z", "k44,1 k44,0");
}

static void test_resize_guest(void)
{
    set_window_size(800, 600);
    g_autofree char *dropped = take_events();
    vireo_display_set_scale_mode(display, VIREO_DISPLAY_SCALE_RESIZE_GUEST);
    int sf = gtk_widget_get_scale_factor(GTK_WIDGET(display));
    ui_iterate(600);
    g_autofree char *first = take_events();
    g_autofree char *want_first = g_strdup_printf("r%d,%d", 800 * sf, 600 * sf);
    g_assert_cmpstr(first, ==, want_first);

    set_window_size(700, 450);
    ui_iterate(600);
    g_autofree char *resized = take_events();
    g_autofree char *want = g_strdup_printf("r%d,%d", 700 * sf, 450 * sf);
    g_assert_cmpstr(resized, ==, want);
    ui_screenshot(GTK_WIDGET(window), "display-resize-guest");

    /* Sizes in quick succession, as dragging the window's edge makes: the guest is asked once,
     * for the last. */
    g_autofree char *id = xid();
    xdo("windowsize %s 650 420 windowsize %s 500 350 windowsize %s 640 480", id, id, id);
    UI_WAIT_FOR(gtk_widget_get_width(GTK_WIDGET(display)) == 640 &&
                    gtk_widget_get_height(GTK_WIDGET(display)) == 480,
                5000, "the display to take the window's last size");
    ui_iterate(600);
    g_autofree char *dragged = take_events();
    g_autofree char *want_dragged = g_strdup_printf("r%d,%d", 640 * sf, 480 * sf);
    g_assert_cmpstr(dragged, ==, want_dragged);

    /* The same size again asks nothing. */
    gtk_widget_queue_resize(GTK_WIDGET(display));
    ui_iterate(600);
    g_autofree char *none = take_events();
    g_assert_cmpstr(none, ==, "");
    vireo_display_set_scale_mode(display, VIREO_DISPLAY_SCALE_FIT);
}

static void on_notify_grabbed(GObject *object, GParamSpec *pspec, int *count)
{
    (*count)++;
}

/* Whether another X client is kept from the keyboard (as the window manager's shortcuts
 * are). */
static gboolean keyboard_taken(void)
{
    Display *other = XOpenDisplay(NULL);
    g_assert_nonnull(other);
    int status = XGrabKeyboard(other, DefaultRootWindow(other), False, GrabModeAsync, GrabModeAsync,
                               CurrentTime);
    if (status == GrabSuccess)
        XUngrabKeyboard(other, CurrentTime);
    XCloseDisplay(other);
    g_assert_true(status == GrabSuccess || status == AlreadyGrabbed);
    return status == AlreadyGrabbed;
}

static void test_grab(void)
{
    focus_display();
    int notes = 0;
    gulong id = g_signal_connect(display, "notify::grabbed", G_CALLBACK(on_notify_grabbed), &notes);
    g_autofree char *keys = gtk_accelerator_get_label(GDK_KEY_g, GDK_CONTROL_MASK | GDK_ALT_MASK);
    g_assert_false(vireo_display_get_grabbed(display));
    g_assert_null(ui_find_label(GTK_WIDGET(display), keys));

    xdo("key ctrl+alt+g");
    UI_WAIT_FOR(vireo_display_get_grabbed(display), 3000, "the grab");
    g_assert_cmpint(notes, ==, 1);
    GtkWidget *note = ui_find_label(GTK_WIDGET(display), keys);
    g_assert_nonnull(note);
    g_assert_true(gtk_widget_get_mapped(note));
    g_assert_true(keyboard_taken());
    /* Ctrl and Alt reached the guest before the G made them the grab key: they are let go
     * again, and the G itself never arrives. */
    g_autofree char *grab_keys = await_events("k29,1 k56,1 k29,0 k56,0", TRUE);
    g_assert_cmpstr(grab_keys, ==, "k29,1 k56,1 k29,0 k56,0");
    ui_screenshot(GTK_WIDGET(window), "display-grabbed");
    check_keys("type a", "k30,1 k30,0");

    xdo("key ctrl+alt+g");
    UI_WAIT_FOR(!vireo_display_get_grabbed(display), 3000, "the grab to end");
    g_assert_cmpint(notes, ==, 2);
    g_assert_null(ui_find_label(GTK_WIDGET(display), keys));
    g_assert_false(keyboard_taken());
    g_autofree char *ungrab_keys = await_events("k29,1 k56,1 k29,0 k56,0", TRUE);
    g_assert_cmpstr(ungrab_keys, ==, "k29,1 k56,1 k29,0 k56,0");

    /* A click into the picture grabs when asked to. */
    vireo_display_set_grab_on_click(display, TRUE);
    pointer_to(400, 300);
    xdo("click 1");
    UI_WAIT_FOR(vireo_display_get_grabbed(display), 3000, "the grab on a click");
    vireo_display_set_grab(display, FALSE);
    g_assert_false(vireo_display_get_grabbed(display));
    vireo_display_set_grab_on_click(display, FALSE);
    g_signal_handler_disconnect(display, id);
    g_autofree char *rest = take_events();
}

/* The sum of the relative motions among the events, and whether only those came. */
static gboolean relative_sum(const char *text, int *dx, int *dy)
{
    g_auto(GStrv) parts = g_strsplit(text, " ", -1);
    *dx = *dy = 0;
    for (char **p = parts; *p && **p; p++) {
        int x, y;
        if (sscanf(*p, "m%d,%d", &x, &y) != 2)
            return FALSE;
        *dx += x;
        *dy += y;
    }
    return TRUE;
}

/* With "relative-pointer", the grab makes the pointer relative: moves become distances (and
 * no tablet positions), the pointer stays in the window, a click anywhere is the guest's;
 * letting go of the grab makes it absolute again. */
static void test_relative_pointer(void)
{
    g_autoptr(GdkTexture) picture = vireo_display_get_texture(display);
    g_assert_nonnull(picture);
    focus_display();
    vireo_display_set_relative_pointer(display, TRUE);
    g_assert_false(vireo_display_get_pointer_is_relative(display));
    pointer_to(300, 200);
    g_autofree char *before = take_events();
    vireo_display_set_grab(display, TRUE);
    UI_WAIT_FOR(vireo_display_get_pointer_is_relative(display), 3000, "the relative pointer");
    ui_iterate(300);
    g_autofree char *grabbed = take_events();
    xdo("mousemove_relative --sync -- 40 30");
    g_autofree char *moved = await_events("m40,30", FALSE);
    int dx = 0, dy = 0;
    g_test_message("relative motion: %s", moved);
    g_assert_true(relative_sum(moved, &dx, &dy));
    g_assert_cmpint(dx, ==, 40);
    g_assert_cmpint(dy, ==, 30);
    xdo("mousemove_relative --sync -- -25 0");
    g_autofree char *back = await_events("m-25,0", FALSE);
    g_assert_true(relative_sum(back, &dx, &dy));
    g_assert_cmpint(dx, ==, -25);
    g_assert_cmpint(dy, ==, 0);
    /* The pointer was put back in the middle: a big move still fits in the window. */
    xdo("mousemove_relative --sync -- 300 250");
    g_autofree char *big = await_events("m300,250", FALSE);
    g_assert_true(relative_sum(big, &dx, &dy));
    g_assert_cmpint(dx, ==, 300);
    g_assert_cmpint(dy, ==, 250);
    xdo("click 3");
    g_autofree char *click = await_events("b273,1 b273,0", FALSE);
    g_assert_cmpstr(click, ==, "b273,1 b273,0");

    vireo_display_set_grab(display, FALSE);
    g_assert_false(vireo_display_get_pointer_is_relative(display));
    pointer_to(100, 100);
    g_autofree char *after = take_events();
    g_assert_true(after[0] == 'a');
    vireo_display_set_relative_pointer(display, FALSE);
}

static void on_app_action(GSimpleAction *action, GVariant *parameter, int *count)
{
    (*count)++;
}

/* The application's accelerators stay the host's while the display only has the focus, and
 * become the guest's keys while it holds the grab. */
static void test_app_accelerators(void)
{
    g_autoptr(GtkApplication) app =
        gtk_application_new("org.vireo.DisplayTest", G_APPLICATION_NON_UNIQUE);
    g_autoptr(GError) error = NULL;
    g_assert_true(g_application_register(G_APPLICATION(app), NULL, &error));
    g_assert_no_error(error);
    int runs = 0;
    g_autoptr(GSimpleAction) action = g_simple_action_new("act", NULL);
    g_signal_connect(action, "activate", G_CALLBACK(on_app_action), &runs);
    g_action_map_add_action(G_ACTION_MAP(app), G_ACTION(action));
    const char *accels[] = {"<Primary><Shift>q", NULL};
    gtk_application_set_accels_for_action(app, "app.act", accels);
    gtk_window_set_application(window, app);
    focus_display();

    const char *keys = "keydown ctrl keydown shift keydown q keyup q keyup shift keyup ctrl";
    check_keys(keys, "k29,1 k42,1 k42,0 k29,0");
    g_assert_cmpint(runs, ==, 1);
    check_keys("type q", "k16,1 k16,0");

    vireo_display_set_grab(display, TRUE);
    check_keys(keys, "k29,1 k42,1 k16,1 k16,0 k42,0 k29,0");
    g_assert_cmpint(runs, ==, 1);
    vireo_display_set_grab(display, FALSE);
    gtk_window_set_application(window, NULL);
}

static gboolean on_window_f10(GtkWidget *widget, GVariant *args, gpointer data)
{
    window_f10++;
    return TRUE;
}

int main(int argc, char **argv)
{
    vireo_i18n_init();
    gtk_test_init(&argc, &argv, NULL);
    if (!GDK_IS_X11_DISPLAY(gdk_display_get_default()) || !ui_have_xdotool()) {
        g_test_message("SKIP: needs an X display and xdotool");
        return 77;
    }
    events = g_array_new(FALSE, FALSE, sizeof(Event));
    gl_path = g_strcmp0(g_getenv("VIREO_TEST_DISPLAY_PATH"), "gl") == 0;
    if (gl_path) {
        g_autoptr(GError) error = NULL;
        g_autofree char *why = NULL;
        renderer = vr_renderer_vulkan_new(&error);
        if (!renderer) {
            g_test_message("SKIP: no Vulkan renderer: %s", error->message);
            return 77;
        }
        guint8 device_uuid[16], driver_uuid[16];
        if (!vr_renderer_export_frames(renderer, TRUE, device_uuid, driver_uuid)) {
            g_test_message("SKIP: the Vulkan device cannot export its frames");
            return 77;
        }
        VireoGlFrames *gl = vireo_gl_frames_get(gdk_display_get_default(), &why);
        if (!gl || !vireo_gl_frames_can_import(gl, device_uuid, driver_uuid, &why)) {
            g_test_message("SKIP: frames cannot be shown through GL here: %s", why);
            return 77;
        }
    } else {
        renderer = vr_renderer_cpu_new();
    }

    window = GTK_WINDOW(gtk_window_new());
    gtk_window_set_title(window, "Display");
    gtk_window_set_default_size(window, 800, 600);
    GtkWidget *overlay = gtk_overlay_new();
    display = VIREO_DISPLAY(vireo_display_new());
    gtk_widget_set_hexpand(GTK_WIDGET(display), TRUE);
    gtk_widget_set_vexpand(GTK_WIDGET(display), TRUE);
    gtk_overlay_set_child(GTK_OVERLAY(overlay), GTK_WIDGET(display));
    /* Something else to take the focus; neither drawn nor in the pointer's way. */
    other_button = gtk_button_new_with_label("·");
    gtk_widget_set_opacity(other_button, 0);
    gtk_widget_set_can_target(other_button, FALSE);
    gtk_widget_set_halign(other_button, GTK_ALIGN_END);
    gtk_widget_set_valign(other_button, GTK_ALIGN_END);
    gtk_overlay_add_overlay(GTK_OVERLAY(overlay), other_button);
    /* A shortcut the window takes before its children see the key, as GTK's own F10 for a
     * primary menu: made before the display is in the window, as a window's own are. */
    GtkEventController *shortcuts = gtk_shortcut_controller_new();
    gtk_event_controller_set_propagation_phase(shortcuts, GTK_PHASE_CAPTURE);
    gtk_shortcut_controller_add_shortcut(
        GTK_SHORTCUT_CONTROLLER(shortcuts),
        gtk_shortcut_new(gtk_keyval_trigger_new(GDK_KEY_F10, 0),
                         gtk_callback_action_new(on_window_f10, NULL, NULL)));
    gtk_widget_add_controller(GTK_WIDGET(window), shortcuts);
    gtk_window_set_child(window, overlay);

    g_signal_connect(display, "key", G_CALLBACK(on_key), NULL);
    g_signal_connect(display, "pointer-absolute", G_CALLBACK(on_abs), NULL);
    g_signal_connect(display, "pointer-relative", G_CALLBACK(on_rel), NULL);
    g_signal_connect(display, "pointer-button", G_CALLBACK(on_button), NULL);
    g_signal_connect(display, "scroll", G_CALLBACK(on_scroll), NULL);
    g_signal_connect(display, "resize-guest", G_CALLBACK(on_resize), NULL);
    vireo_display_set_frame_source(display, frame_source, NULL, NULL);
    gtk_window_present(window);
    UI_WAIT_FOR(gtk_widget_get_mapped(GTK_WIDGET(display)) &&
                    gtk_widget_get_width(GTK_WIDGET(display)) > 0,
                10000, "the window to show");
    UI_WAIT_FOR(frame_fetches > 0, 5000, "the display to ask for a frame");

    g_test_add_func("/ui/display/no-picture", test_no_picture);
    g_test_add_func("/ui/display/one-to-one", test_one_to_one);
    g_test_add_func("/ui/display/fit", test_fit);
    g_test_add_func("/ui/display/partial-update", test_partial_update);
    g_test_add_func("/ui/display/save-png", test_save_png_and_no_polling);
    g_test_add_func("/ui/display/pointer", test_pointer);
    g_test_add_func("/ui/display/keys", test_keys);
    g_test_add_func("/ui/display/german-layout", test_german_layout);
    g_test_add_func("/ui/display/resize-guest", test_resize_guest);
    g_test_add_func("/ui/display/grab", test_grab);
    g_test_add_func("/ui/display/relative-pointer", test_relative_pointer);
    g_test_add_func("/ui/display/app-accelerators", test_app_accelerators);
    int status = g_test_run();

    gtk_window_destroy(window);
    ui_iterate(50);
    renderer->ops->free(renderer);
    g_array_unref(events);
    return status;
}
