/* VireoDisplay: the guest's screen as a widget (see vireo-display.h). A frame with an
 * exported GPU image becomes a GdkGLTexture on it where GL can import it
 * (vireo-gl-frames.h); any other becomes a GdkMemoryTexture that shares the frame's pixels
 * (a frame never changes, so nothing is copied on the UI thread). Input leaves as evdev
 * events. */
#include <glib/gi18n.h>
#include <linux/input-event-codes.h>
#include <math.h>

#include "vireo-display.h"
#include "vireo-gl-frames.h"
#include "vr-input-events.h"
#ifdef GDK_WINDOWING_X11
#include <X11/extensions/XInput2.h>
#include <gdk/x11/gdkx.h>
#endif

/* How long the widget keeps a size before the guest is asked to take it. */
#define RESIZE_GUEST_DELAY_MS 250
/* The tablet's axis range (virtio-input absolute axes). */
#define TABLET_RANGE 32768u

struct _VireoDisplay {
    GtkWidget parent_instance;

    VireoDisplayFrameFn frame_fn;
    gpointer frame_data;
    GDestroyNotify frame_destroy;
    guint tick_id;       /* a frame is to be fetched at the next tick */
    gboolean new_source; /* its sequence numbers are not those of the frame shown */

    VrGpuFrame *frame;
    GdkTexture *texture;
    cairo_surface_t *surface; /* the frame for drawing at integer scales, made when needed */

    VireoDisplayScaleMode scale_mode;
    gboolean grabbed, grab_on_click, hide_cursor, cursor_hidden;
    gboolean relative_pointer;      /* asked for: relative motion while grabbed */
    VireoDisplayInputFn forward_fn; /* vireo_display_forward_input */
    gpointer forward_data;
    guint forward_x, forward_y; /* the tablet position of the last move */
    gboolean relative;          /* in effect now (grabbed, on X11) */

    GtkWidget *key_root;           /* the window whose keys we look at first */
    GtkEventController *root_keys; /* on key_root */

    GtkWidget *empty_label; /* "No picture" */
    GtkWidget *grab_label;  /* how to release the grab */

    guint8 keys_down[KEY_CNT / 8]; /* evdev codes the guest was told are down */
    guint hotkey_keycode;          /* the G of Ctrl+Alt+G while it is held, else 0 */
    guint buttons_down;            /* bit n: button_codes[n] */
    gboolean pointer_inside;

    int allocated_width, allocated_height; /* device pixels, for resize-guest */
    guint sent_width, sent_height;
    guint resize_timeout_id;
};

G_DEFINE_FINAL_TYPE(VireoDisplay, vireo_display, GTK_TYPE_WIDGET)

G_DEFINE_ENUM_TYPE(VireoDisplayScaleMode, vireo_display_scale_mode,
                   G_DEFINE_ENUM_VALUE(VIREO_DISPLAY_SCALE_FIT, "fit"),
                   G_DEFINE_ENUM_VALUE(VIREO_DISPLAY_SCALE_ONE, "one"),
                   G_DEFINE_ENUM_VALUE(VIREO_DISPLAY_SCALE_RESIZE_GUEST, "resize-guest"))

enum {
    PROP_0,
    PROP_SCALE_MODE,
    PROP_GRABBED,
    PROP_GRAB_ON_CLICK,
    PROP_HIDE_CURSOR,
    PROP_RELATIVE_POINTER,
    N_PROPS
};
static GParamSpec *props[N_PROPS];

enum {
    SIG_KEY,
    SIG_POINTER_ABSOLUTE,
    SIG_POINTER_RELATIVE,
    SIG_POINTER_BUTTON,
    SIG_SCROLL,
    SIG_RESIZE_GUEST,
    N_SIGS
};
static guint signals[N_SIGS];

/* GDK's buttons 1, 2, 3, 8, 9 as evdev codes. */
static const struct {
    guint gdk, evdev;
} button_codes[] = {
    {GDK_BUTTON_PRIMARY, BTN_LEFT},
    {GDK_BUTTON_MIDDLE, BTN_MIDDLE},
    {GDK_BUTTON_SECONDARY, BTN_RIGHT},
    {8, BTN_SIDE},
    {9, BTN_EXTRA},
};

/* The evdev code of a key by its hardware keycode; 0 when it has none. X11 and Wayland both
 * number keys as evdev + 8. */
static guint keycode_to_evdev(guint keycode)
{
    if (keycode < 8 || keycode - 8 >= KEY_CNT)
        return 0;
    return keycode - 8;
}

/* Where the picture lies, in device pixels of the widget: its top left corner and the size of
 * a guest pixel. FALSE without a picture. */
typedef struct {
    int scale_factor;
    double x, y, scale;
    guint frame_width, frame_height;
} Placement;

static gboolean placement(VireoDisplay *self, Placement *p)
{
    if (!self->frame || !self->frame->width || !self->frame->height)
        return FALSE;
    GtkWidget *w = GTK_WIDGET(self);
    p->scale_factor = gtk_widget_get_scale_factor(w);
    double width = (double) gtk_widget_get_width(w) * p->scale_factor;
    double height = (double) gtk_widget_get_height(w) * p->scale_factor;
    p->frame_width = self->frame->width;
    p->frame_height = self->frame->height;
    if (self->scale_mode == VIREO_DISPLAY_SCALE_ONE) {
        p->scale = 1;
    } else {
        p->scale = MIN(width / p->frame_width, height / p->frame_height);
        if (fabs(p->scale - round(p->scale)) < 1e-9)
            p->scale = round(p->scale);
    }
    /* Whole device pixels, so that 1:1 and integer scales stay pixel exact. */
    p->x = floor((width - p->frame_width * p->scale) / 2);
    p->y = floor((height - p->frame_height * p->scale) / 2);
    return p->scale > 0;
}

/* The point (wx, wy) of the widget as a position in guest pixels (fractional). */
static gboolean to_guest(VireoDisplay *self, double wx, double wy, double *gx, double *gy)
{
    Placement p;
    GtkWidget *w = GTK_WIDGET(self);
    if (!placement(self, &p) || wx < 0 || wy < 0 || wx >= gtk_widget_get_width(w) ||
        wy >= gtk_widget_get_height(w))
        return FALSE;
    *gx = (wx * p.scale_factor - p.x) / p.scale;
    *gy = (wy * p.scale_factor - p.y) / p.scale;
    return *gx >= 0 && *gy >= 0 && *gx < p.frame_width && *gy < p.frame_height;
}

gboolean vireo_display_widget_to_guest(VireoDisplay *self, double wx, double wy, guint *gx,
                                       guint *gy)
{
    g_return_val_if_fail(VIREO_IS_DISPLAY(self), FALSE);
    double x, y;
    if (!to_guest(self, wx, wy, &x, &y))
        return FALSE;
    if (gx)
        *gx = (guint) x;
    if (gy)
        *gy = (guint) y;
    return TRUE;
}

/* Frames */

static void set_frame(VireoDisplay *self, VrGpuFrame *frame)
{
    VrGpuFrame *old = self->frame;
    gboolean new_source = self->new_source;
    self->new_source = FALSE;
    if (frame && old && !new_source && frame->sequence == old->sequence &&
        frame->width == old->width && frame->height == old->height) {
        vr_gpu_frame_unref(frame);
        return;
    }
    if (frame && (frame->width > G_MAXINT / 4 || frame->height > G_MAXINT ||
                  frame->stride < frame->width * 4)) {
        g_warning("A frame of %ux%u pixels with rows %u bytes apart cannot be shown", frame->width,
                  frame->height, frame->stride);
        g_clear_pointer(&frame, vr_gpu_frame_unref);
    }
    gboolean resized = !frame || !old || frame->width != old->width || frame->height != old->height;
    g_clear_object(&self->texture);
    g_clear_pointer(&self->surface, cairo_surface_destroy);
    self->frame = frame;
    if (frame && frame->width && frame->height) {
        VireoGlFrames *gl =
            frame->image ? vireo_gl_frames_get(gtk_widget_get_display(GTK_WIDGET(self)), NULL)
                         : NULL;
        if (gl && vireo_gl_frames_can_import(gl, frame->image->device_uuid,
                                             frame->image->driver_uuid, NULL))
            self->texture = vireo_gl_frames_texture(gl, frame);
        const uint8_t *pixels = self->texture ? NULL : vr_gpu_frame_pixels(frame);
        if (pixels) {
            /* The texture holds a reference to the frame and reads its pixels in place. */
            gsize size = (gsize) frame->stride * (frame->height - 1) + (gsize) frame->width * 4;
            g_autoptr(GBytes) bytes = g_bytes_new_with_free_func(
                pixels, size, (GDestroyNotify) vr_gpu_frame_unref, vr_gpu_frame_ref(frame));
            self->texture = gdk_memory_texture_new((int) frame->width, (int) frame->height,
                                                   GDK_MEMORY_DEFAULT, bytes, frame->stride);
        }
    }
    g_clear_pointer(&old, vr_gpu_frame_unref);
    gtk_widget_set_visible(self->empty_label, self->texture == NULL);
    if (resized && self->scale_mode != VIREO_DISPLAY_SCALE_RESIZE_GUEST)
        gtk_widget_queue_resize(GTK_WIDGET(self));
    gtk_widget_queue_draw(GTK_WIDGET(self));
}

static gboolean fetch_frame(GtkWidget *widget, GdkFrameClock *clock, gpointer data)
{
    VireoDisplay *self = VIREO_DISPLAY(widget);
    self->tick_id = 0;
    set_frame(self, self->frame_fn ? self->frame_fn(self->frame_data) : NULL);
    return G_SOURCE_REMOVE;
}

void vireo_display_queue_update(VireoDisplay *self)
{
    g_return_if_fail(VIREO_IS_DISPLAY(self));
    if (!self->tick_id)
        self->tick_id = gtk_widget_add_tick_callback(GTK_WIDGET(self), fetch_frame, NULL, NULL);
}

void vireo_display_set_frame_source(VireoDisplay *self, VireoDisplayFrameFn fn, gpointer data,
                                    GDestroyNotify destroy)
{
    g_return_if_fail(VIREO_IS_DISPLAY(self));
    if (self->frame_destroy)
        self->frame_destroy(self->frame_data);
    self->frame_fn = fn;
    self->frame_data = data;
    self->frame_destroy = destroy;
    self->new_source = TRUE;
    vireo_display_queue_update(self);
}

GdkTexture *vireo_display_get_texture(VireoDisplay *self)
{
    g_return_val_if_fail(VIREO_IS_DISPLAY(self), NULL);
    return self->texture ? g_object_ref(self->texture) : NULL;
}

gboolean vireo_display_save_png(VireoDisplay *self, const char *path, GError **error)
{
    g_return_val_if_fail(VIREO_IS_DISPLAY(self), FALSE);
    if (!self->texture) {
        g_set_error(error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                    _("There is no picture to save to “%s”"), path);
        return FALSE;
    }
    g_autoptr(GBytes) png = gdk_texture_save_to_png_bytes(self->texture);
    gsize size = 0;
    const char *bytes = g_bytes_get_data(png, &size);
    return g_file_set_contents_full(path, bytes, (gssize) size, G_FILE_SET_CONTENTS_CONSISTENT,
                                    0644, error);
}

/* Drawing */

static void draw_nearest(VireoDisplay *self, GtkSnapshot *snapshot, const Placement *p,
                         const graphene_rect_t *picture)
{
    if (!self->surface) {
        VrGpuFrame *f = self->frame;
        /* Read back from the GPU when the frame is shown through GL. */
        uint8_t *pixels = (uint8_t *) vr_gpu_frame_pixels(f);
        if (!pixels)
            return;
        self->surface = cairo_image_surface_create_for_data(
            pixels, CAIRO_FORMAT_RGB24, (int) f->width, (int) f->height, (int) f->stride);
        static cairo_user_data_key_t frame_key;
        cairo_surface_set_user_data(self->surface, &frame_key, vr_gpu_frame_ref(f),
                                    (cairo_destroy_func_t) vr_gpu_frame_unref);
    }
    /* Only the part inside the widget. */
    graphene_rect_t bounds,
        visible = GRAPHENE_RECT_INIT(0, 0, (float) gtk_widget_get_width(GTK_WIDGET(self)),
                                     (float) gtk_widget_get_height(GTK_WIDGET(self)));
    if (!graphene_rect_intersection(picture, &visible, &bounds))
        return;
    cairo_t *cr = gtk_snapshot_append_cairo(snapshot, &bounds);
    cairo_translate(cr, picture->origin.x, picture->origin.y);
    cairo_scale(cr, p->scale / p->scale_factor, p->scale / p->scale_factor);
    cairo_set_source_surface(cr, self->surface, 0, 0);
    cairo_pattern_set_filter(cairo_get_source(cr), CAIRO_FILTER_NEAREST);
    cairo_paint(cr);
    cairo_destroy(cr);
}

static void vireo_display_snapshot(GtkWidget *widget, GtkSnapshot *snapshot)
{
    VireoDisplay *self = VIREO_DISPLAY(widget);
    Placement p;
    if (self->texture && placement(self, &p)) {
        float width = (float) gtk_widget_get_width(widget);
        float height = (float) gtk_widget_get_height(widget);
        graphene_rect_t all = GRAPHENE_RECT_INIT(0, 0, width, height);
        gtk_snapshot_append_color(snapshot, &(GdkRGBA){0, 0, 0, 1}, &all);
        graphene_rect_t picture =
            GRAPHENE_RECT_INIT((float) (p.x / p.scale_factor), (float) (p.y / p.scale_factor),
                               (float) (p.frame_width * p.scale / p.scale_factor),
                               (float) (p.frame_height * p.scale / p.scale_factor));
        gtk_snapshot_push_clip(snapshot, &all);
        /* At 1:1 the texture lands on whole pixels and is exact; at other whole scales its
         * pixels are drawn as blocks; anything else is filtered. */
        if (p.scale > 1 && p.scale == round(p.scale))
            draw_nearest(self, snapshot, &p, &picture);
        else
            gtk_snapshot_append_texture(snapshot, self->texture, &picture);
        gtk_snapshot_pop(snapshot);
    }
    gtk_widget_snapshot_child(widget, self->empty_label, snapshot);
    gtk_widget_snapshot_child(widget, self->grab_label, snapshot);
}

/* Size */

static void vireo_display_measure(GtkWidget *widget, GtkOrientation orientation, int for_size,
                                  int *minimum, int *natural, int *minimum_baseline,
                                  int *natural_baseline)
{
    VireoDisplay *self = VIREO_DISPLAY(widget);
    int min = 0, nat = 0;
    GtkWidget *children[] = {self->empty_label, self->grab_label};
    for (unsigned i = 0; i < G_N_ELEMENTS(children); i++) {
        int cmin = 0, cnat = 0;
        gtk_widget_measure(children[i], orientation, -1, &cmin, &cnat, NULL, NULL);
        min = MAX(min, cmin);
        nat = MAX(nat, cnat);
    }
    /* Natural: the guest's size, except where the guest follows the widget. */
    if (self->frame && self->scale_mode != VIREO_DISPLAY_SCALE_RESIZE_GUEST) {
        int sf = gtk_widget_get_scale_factor(widget);
        guint size =
            orientation == GTK_ORIENTATION_HORIZONTAL ? self->frame->width : self->frame->height;
        nat = MAX(nat, (int) ((size + sf - 1) / sf));
    }
    *minimum = min;
    *natural = MAX(min, nat);
}

static gboolean resize_guest_now(gpointer data)
{
    VireoDisplay *self = data;
    self->resize_timeout_id = 0;
    guint width = (guint) self->allocated_width, height = (guint) self->allocated_height;
    if (self->scale_mode == VIREO_DISPLAY_SCALE_RESIZE_GUEST && width && height &&
        (width != self->sent_width || height != self->sent_height)) {
        self->sent_width = width;
        self->sent_height = height;
        g_signal_emit(self, signals[SIG_RESIZE_GUEST], 0, width, height);
    }
    return G_SOURCE_REMOVE;
}

/* The widget's size in device pixels may have changed: ask the guest once it settles. */
static void schedule_resize_guest(VireoDisplay *self, gboolean force)
{
    GtkWidget *w = GTK_WIDGET(self);
    int sf = gtk_widget_get_scale_factor(w);
    int width = gtk_widget_get_width(w) * sf, height = gtk_widget_get_height(w) * sf;
    if (!force && width == self->allocated_width && height == self->allocated_height)
        return;
    self->allocated_width = width;
    self->allocated_height = height;
    if (self->scale_mode != VIREO_DISPLAY_SCALE_RESIZE_GUEST)
        return;
    g_clear_handle_id(&self->resize_timeout_id, g_source_remove);
    self->resize_timeout_id = g_timeout_add(RESIZE_GUEST_DELAY_MS, resize_guest_now, self);
}

static void vireo_display_size_allocate(GtkWidget *widget, int width, int height, int baseline)
{
    VireoDisplay *self = VIREO_DISPLAY(widget);
    gtk_widget_allocate(self->empty_label, width, height, -1, NULL);

    int min = 0, nat = 0, label_height = 0;
    gtk_widget_measure(self->grab_label, GTK_ORIENTATION_HORIZONTAL, -1, &min, &nat, NULL, NULL);
    int label_width = CLAMP(nat, min, MAX(min, width - 24));
    gtk_widget_measure(self->grab_label, GTK_ORIENTATION_VERTICAL, label_width, &label_height, NULL,
                       NULL, NULL);
    GskTransform *at = gsk_transform_translate(
        NULL, &GRAPHENE_POINT_INIT((float) ((width - label_width) / 2), 12.f));
    gtk_widget_allocate(self->grab_label, label_width, label_height, -1, at);

    schedule_resize_guest(self, FALSE);
}

/* Keyboard */

static gboolean key_is_down(VireoDisplay *self, guint code)
{
    return (self->keys_down[code / 8] >> (code % 8)) & 1;
}

static void send_key(VireoDisplay *self, guint code, gboolean pressed)
{
    if (pressed)
        self->keys_down[code / 8] |= (guint8) (1u << (code % 8));
    else
        self->keys_down[code / 8] &= (guint8) ~(1u << (code % 8));
    g_signal_emit(self, signals[SIG_KEY], 0, code, pressed);
}

/* Every key the guest holds is let go (the focus left, or the grab key was taken). */
static void release_all_keys(VireoDisplay *self)
{
    for (guint code = 0; code < KEY_CNT; code++)
        if (key_is_down(self, code))
            send_key(self, code, FALSE);
}

/* Whether the key is one of the application's accelerators (the window's Ctrl+Shift
 * shortcuts on a machine's page): those stay the host's unless the keyboard is grabbed. */
static gboolean is_app_accelerator(VireoDisplay *self, guint keyval, GdkModifierType mods)
{
    GtkRoot *root = gtk_widget_get_root(GTK_WIDGET(self));
    GtkApplication *app = GTK_IS_WINDOW(root) ? gtk_window_get_application(GTK_WINDOW(root)) : NULL;
    if (!app || !mods)
        return FALSE;
    g_autofree char *accel = gtk_accelerator_name(gdk_keyval_to_lower(keyval), mods);
    g_auto(GStrv) actions = gtk_application_get_actions_for_accel(app, accel);
    return actions && actions[0];
}

static gboolean on_key_pressed(GtkEventControllerKey *controller, guint keyval, guint keycode,
                               GdkModifierType state, VireoDisplay *self)
{
    if (gtk_root_get_focus(gtk_widget_get_root(GTK_WIDGET(self))) != GTK_WIDGET(self))
        return FALSE;
    GdkModifierType mods = state & gtk_accelerator_get_default_mod_mask();
    if (gdk_keyval_to_lower(keyval) == GDK_KEY_g && mods == (GDK_CONTROL_MASK | GDK_ALT_MASK)) {
        /* The grab key is ours: the guest sees Ctrl and Alt let go, and no G. */
        self->hotkey_keycode = keycode;
        release_all_keys(self);
        vireo_display_set_grab(self, !self->grabbed);
        return TRUE;
    }
    if (!self->grabbed && is_app_accelerator(self, keyval, mods))
        return FALSE;
    guint code = keycode_to_evdev(keycode);
    /* Held keys repeat in the guest by themselves. */
    if (code && !key_is_down(self, code))
        send_key(self, code, TRUE);
    return TRUE;
}

static void on_key_released(GtkEventControllerKey *controller, guint keyval, guint keycode,
                            GdkModifierType state, VireoDisplay *self)
{
    if (self->hotkey_keycode && keycode == self->hotkey_keycode) {
        self->hotkey_keycode = 0;
        return;
    }
    guint code = keycode_to_evdev(keycode);
    if (code && key_is_down(self, code))
        send_key(self, code, FALSE);
}

static void release_everything(VireoDisplay *self)
{
    release_all_keys(self);
    self->hotkey_keycode = 0;
    for (unsigned i = 0; i < G_N_ELEMENTS(button_codes); i++)
        if (self->buttons_down & (1u << i)) {
            self->buttons_down &= ~(1u << i);
            g_signal_emit(self, signals[SIG_POINTER_BUTTON], 0, button_codes[i].evdev, FALSE);
        }
}

static void on_focus_leave(GtkEventControllerFocus *controller, VireoDisplay *self)
{
    release_everything(self);
}

/* Grab */

static void update_grab_label(VireoDisplay *self)
{
    g_autofree char *keys = gtk_accelerator_get_label(GDK_KEY_g, GDK_CONTROL_MASK | GDK_ALT_MASK);
    /* Translators: %s is the key combination, as "Ctrl+Alt+G". */
    g_autofree char *text = g_strdup_printf(_("Press %s to release"), keys);
    gtk_label_set_text(GTK_LABEL(self->grab_label), text);
}

static GdkToplevel *toplevel_of(VireoDisplay *self)
{
    GtkNative *native = gtk_widget_get_native(GTK_WIDGET(self));
    GdkSurface *surface = native ? gtk_native_get_surface(native) : NULL;
    return surface && GDK_IS_TOPLEVEL(surface) ? GDK_TOPLEVEL(surface) : NULL;
}

/* GDK inhibits the desktop's shortcuts on Wayland only; on X11 an active grab of the keyboard
 * does it (it overrides the window manager's passive grabs). An XInput 2 grab, as GDK reads
 * its input through XInput 2. */
static void x11_grab_keyboard(GdkToplevel *toplevel, gboolean grab)
{
#ifdef GDK_WINDOWING_X11
    GdkSurface *surface = GDK_SURFACE(toplevel);
    if (!GDK_IS_X11_SURFACE(surface))
        return;
    GdkDisplay *display = gdk_surface_get_display(surface);
    GdkDevice *keyboard = gdk_seat_get_keyboard(gdk_display_get_default_seat(display));
    if (!keyboard)
        return;
    Display *xdisplay = gdk_x11_display_get_xdisplay(display);
    int id = gdk_x11_device_get_id(keyboard);
    if (grab) {
        unsigned char bits[XIMaskLen(XI_LASTEVENT)] = {0};
        XISetMask(bits, XI_KeyPress);
        XISetMask(bits, XI_KeyRelease);
        XISetMask(bits, XI_FocusIn);
        XISetMask(bits, XI_FocusOut);
        XIEventMask mask = {id, sizeof(bits), bits};
        XIGrabDevice(xdisplay, id, gdk_x11_surface_get_xid(surface), CurrentTime, None,
                     XIGrabModeAsync, XIGrabModeAsync, True, &mask);
    } else {
        XIUngrabDevice(xdisplay, id, CurrentTime);
    }
    XFlush(xdisplay);
#endif
}

static void update_cursor(VireoDisplay *self)
{
    gboolean hide = self->relative || (self->hide_cursor && self->pointer_inside);
    if (hide != self->cursor_hidden) {
        self->cursor_hidden = hide;
        gtk_widget_set_cursor_from_name(GTK_WIDGET(self), hide ? "none" : NULL);
    }
}

/* The relative pointer on X11 (GTK 4.8 has no pointer lock): the pointer grabbed for the
 * window, hidden, and put back in the middle of the widget after each move, which is then
 * reported as a distance from there. */
static gboolean x11_pointer(VireoDisplay *self, Display **xdisplay, int *id, unsigned long *xid)
{
#ifdef GDK_WINDOWING_X11
    GdkToplevel *toplevel = toplevel_of(self);
    GdkSurface *surface = toplevel ? GDK_SURFACE(toplevel) : NULL;
    if (!surface || !GDK_IS_X11_SURFACE(surface))
        return FALSE;
    GdkDisplay *display = gdk_surface_get_display(surface);
    GdkDevice *pointer = gdk_seat_get_pointer(gdk_display_get_default_seat(display));
    if (!pointer)
        return FALSE;
    *xdisplay = gdk_x11_display_get_xdisplay(display);
    *id = gdk_x11_device_get_id(pointer);
    *xid = gdk_x11_surface_get_xid(surface);
    return TRUE;
#else
    return FALSE;
#endif
}

/* The middle of the widget, in its own coordinates and in the toplevel surface's. */
static gboolean widget_middle(VireoDisplay *self, double *wx, double *wy, double *sx, double *sy)
{
    GtkNative *native = gtk_widget_get_native(GTK_WIDGET(self));
    if (!native)
        return FALSE;
    *wx = floor(gtk_widget_get_width(GTK_WIDGET(self)) / 2.0);
    *wy = floor(gtk_widget_get_height(GTK_WIDGET(self)) / 2.0);
    graphene_point_t in = GRAPHENE_POINT_INIT((float) *wx, (float) *wy), out;
    if (!gtk_widget_compute_point(GTK_WIDGET(self), GTK_WIDGET(native), &in, &out))
        return FALSE;
    double nx = 0, ny = 0;
    gtk_native_get_surface_transform(native, &nx, &ny);
    *sx = out.x + nx;
    *sy = out.y + ny;
    return TRUE;
}

static void warp_to_middle(VireoDisplay *self)
{
#ifdef GDK_WINDOWING_X11
    Display *xdisplay;
    int id;
    unsigned long xid;
    double wx, wy, sx, sy;
    if (!x11_pointer(self, &xdisplay, &id, &xid) || !widget_middle(self, &wx, &wy, &sx, &sy))
        return;
    int scale = gtk_widget_get_scale_factor(GTK_WIDGET(self));
    XIWarpPointer(xdisplay, id, None, xid, 0, 0, 0, 0, sx * scale, sy * scale);
    XFlush(xdisplay);
#endif
}

static void set_relative(VireoDisplay *self, gboolean on)
{
#ifdef GDK_WINDOWING_X11
    Display *xdisplay;
    int id;
    unsigned long xid;
    if (on == self->relative || !x11_pointer(self, &xdisplay, &id, &xid))
        return;
    if (on) {
        unsigned char bits[XIMaskLen(XI_LASTEVENT)] = {0};
        XISetMask(bits, XI_Motion);
        XISetMask(bits, XI_ButtonPress);
        XISetMask(bits, XI_ButtonRelease);
        XISetMask(bits, XI_Enter);
        XISetMask(bits, XI_Leave);
        XIEventMask mask = {id, sizeof(bits), bits};
        if (XIGrabDevice(xdisplay, id, xid, CurrentTime, None, XIGrabModeAsync, XIGrabModeAsync,
                         True, &mask) != Success)
            return;
    } else {
        XIUngrabDevice(xdisplay, id, CurrentTime);
    }
    XFlush(xdisplay);
    self->relative = on;
    update_cursor(self);
    if (on)
        warp_to_middle(self);
#endif
}

void vireo_display_set_grab(VireoDisplay *self, gboolean grab)
{
    g_return_if_fail(VIREO_IS_DISPLAY(self));
    grab = !!grab;
    if (grab == self->grabbed)
        return;
    GdkToplevel *toplevel = toplevel_of(self);
    if (grab) {
        if (!toplevel || !gtk_widget_get_mapped(GTK_WIDGET(self)))
            return;
        gtk_widget_grab_focus(GTK_WIDGET(self));
        gdk_toplevel_inhibit_system_shortcuts(toplevel, NULL);
        x11_grab_keyboard(toplevel, TRUE);
    } else if (toplevel) {
        gdk_toplevel_restore_system_shortcuts(toplevel);
        x11_grab_keyboard(toplevel, FALSE);
    }
    self->grabbed = grab;
    set_relative(self, grab && self->relative_pointer);
    if (grab)
        update_grab_label(self);
    gtk_widget_set_visible(self->grab_label, grab);
    g_object_notify_by_pspec(G_OBJECT(self), props[PROP_GRABBED]);
}

gboolean vireo_display_get_grabbed(VireoDisplay *self)
{
    g_return_val_if_fail(VIREO_IS_DISPLAY(self), FALSE);
    return self->grabbed;
}

/* Pointer */

/* The pointer is at (wx, wy): the guest is told when that is over the picture. */
static gboolean pointer_at(VireoDisplay *self, double wx, double wy)
{
    double gx, gy;
    self->pointer_inside = to_guest(self, wx, wy, &gx, &gy);
    update_cursor(self);
    if (!self->pointer_inside)
        return FALSE;
    guint x = MIN((guint) (gx * TABLET_RANGE / self->frame->width), TABLET_RANGE - 1);
    guint y = MIN((guint) (gy * TABLET_RANGE / self->frame->height), TABLET_RANGE - 1);
    g_signal_emit(self, signals[SIG_POINTER_ABSOLUTE], 0, x, y);
    return TRUE;
}

static void on_motion(GtkEventControllerMotion *controller, double x, double y, VireoDisplay *self)
{
    double mx, my, sx, sy;
    if (!self->relative) {
        pointer_at(self, x, y);
        return;
    }
    /* Relative: the distance from the middle, where the pointer is put back (its arrival
     * there is no motion). */
    if (!widget_middle(self, &mx, &my, &sx, &sy))
        return;
    int scale = gtk_widget_get_scale_factor(GTK_WIDGET(self));
    int dx = (int) lround((x - mx) * scale), dy = (int) lround((y - my) * scale);
    if (dx == 0 && dy == 0)
        return;
    g_signal_emit(self, signals[SIG_POINTER_RELATIVE], 0, dx, dy);
    warp_to_middle(self);
}

static void on_leave(GtkEventControllerMotion *controller, VireoDisplay *self)
{
    self->pointer_inside = FALSE;
    update_cursor(self);
}

/* A button event's position in widget coordinates. */
static gboolean event_position(VireoDisplay *self, GdkEvent *event, double *x, double *y)
{
    GtkNative *native = gtk_widget_get_native(GTK_WIDGET(self));
    double ex, ey, nx = 0, ny = 0;
    if (!native || !gdk_event_get_position(event, &ex, &ey))
        return FALSE;
    gtk_native_get_surface_transform(native, &nx, &ny);
    graphene_point_t in = GRAPHENE_POINT_INIT((float) (ex - nx), (float) (ey - ny)), out;
    if (!gtk_widget_compute_point(GTK_WIDGET(native), GTK_WIDGET(self), &in, &out))
        return FALSE;
    *x = out.x;
    *y = out.y;
    return TRUE;
}

static gboolean on_event(GtkEventControllerLegacy *controller, GdkEvent *event, VireoDisplay *self)
{
    GdkEventType type = gdk_event_get_event_type(event);
    if (type != GDK_BUTTON_PRESS && type != GDK_BUTTON_RELEASE)
        return FALSE;
    guint button = gdk_button_event_get_button(event);
    unsigned i = 0;
    while (i < G_N_ELEMENTS(button_codes) && button_codes[i].gdk != button)
        i++;
    if (type == GDK_BUTTON_PRESS) {
        gtk_widget_grab_focus(GTK_WIDGET(self));
        double x, y;
        /* A press outside the picture is the host's (with a relative pointer, every press
         * is the guest's). */
        if (!self->relative && (!event_position(self, event, &x, &y) || !pointer_at(self, x, y)))
            return TRUE;
        if (self->grab_on_click && !self->grabbed)
            vireo_display_set_grab(self, TRUE);
        if (i < G_N_ELEMENTS(button_codes) && !(self->buttons_down & (1u << i))) {
            self->buttons_down |= 1u << i;
            g_signal_emit(self, signals[SIG_POINTER_BUTTON], 0, button_codes[i].evdev, TRUE);
        }
    } else if (i < G_N_ELEMENTS(button_codes) && (self->buttons_down & (1u << i))) {
        self->buttons_down &= ~(1u << i);
        g_signal_emit(self, signals[SIG_POINTER_BUTTON], 0, button_codes[i].evdev, FALSE);
    }
    return TRUE;
}

static gboolean on_scroll(GtkEventControllerScroll *controller, double dx, double dy,
                          VireoDisplay *self)
{
    if (!self->pointer_inside && !self->relative)
        return FALSE;
    /* GTK counts down and right as positive; REL_WHEEL counts up. */
    int h = (int) dx, v = -(int) dy;
    if (h || v)
        g_signal_emit(self, signals[SIG_SCROLL], 0, h, v);
    return TRUE;
}

/* Properties */

void vireo_display_set_scale_mode(VireoDisplay *self, VireoDisplayScaleMode mode)
{
    g_return_if_fail(VIREO_IS_DISPLAY(self));
    g_return_if_fail(mode <= VIREO_DISPLAY_SCALE_RESIZE_GUEST);
    if (mode == self->scale_mode)
        return;
    self->scale_mode = mode;
    g_clear_handle_id(&self->resize_timeout_id, g_source_remove);
    if (mode == VIREO_DISPLAY_SCALE_RESIZE_GUEST) {
        self->sent_width = self->sent_height = 0;
        if (gtk_widget_get_mapped(GTK_WIDGET(self)))
            schedule_resize_guest(self, TRUE);
    }
    gtk_widget_queue_resize(GTK_WIDGET(self));
    g_object_notify_by_pspec(G_OBJECT(self), props[PROP_SCALE_MODE]);
}

VireoDisplayScaleMode vireo_display_get_scale_mode(VireoDisplay *self)
{
    g_return_val_if_fail(VIREO_IS_DISPLAY(self), VIREO_DISPLAY_SCALE_FIT);
    return self->scale_mode;
}

void vireo_display_set_relative_pointer(VireoDisplay *self, gboolean relative)
{
    g_return_if_fail(VIREO_IS_DISPLAY(self));
    relative = !!relative;
    if (relative == self->relative_pointer)
        return;
    self->relative_pointer = relative;
    set_relative(self, self->grabbed && relative);
    g_object_notify_by_pspec(G_OBJECT(self), props[PROP_RELATIVE_POINTER]);
}

gboolean vireo_display_get_relative_pointer(VireoDisplay *self)
{
    g_return_val_if_fail(VIREO_IS_DISPLAY(self), FALSE);
    return self->relative_pointer;
}

gboolean vireo_display_get_pointer_is_relative(VireoDisplay *self)
{
    g_return_val_if_fail(VIREO_IS_DISPLAY(self), FALSE);
    return self->relative;
}

void vireo_display_set_grab_on_click(VireoDisplay *self, gboolean grab_on_click)
{
    g_return_if_fail(VIREO_IS_DISPLAY(self));
    grab_on_click = !!grab_on_click;
    if (grab_on_click == self->grab_on_click)
        return;
    self->grab_on_click = grab_on_click;
    g_object_notify_by_pspec(G_OBJECT(self), props[PROP_GRAB_ON_CLICK]);
}

gboolean vireo_display_get_grab_on_click(VireoDisplay *self)
{
    g_return_val_if_fail(VIREO_IS_DISPLAY(self), FALSE);
    return self->grab_on_click;
}

void vireo_display_set_hide_cursor(VireoDisplay *self, gboolean hide)
{
    g_return_if_fail(VIREO_IS_DISPLAY(self));
    hide = !!hide;
    if (hide == self->hide_cursor)
        return;
    self->hide_cursor = hide;
    update_cursor(self);
    g_object_notify_by_pspec(G_OBJECT(self), props[PROP_HIDE_CURSOR]);
}

gboolean vireo_display_get_hide_cursor(VireoDisplay *self)
{
    g_return_val_if_fail(VIREO_IS_DISPLAY(self), FALSE);
    return self->hide_cursor;
}

static void vireo_display_get_property(GObject *object, guint id, GValue *value, GParamSpec *pspec)
{
    VireoDisplay *self = VIREO_DISPLAY(object);
    switch (id) {
    case PROP_SCALE_MODE: g_value_set_enum(value, self->scale_mode); break;
    case PROP_GRABBED: g_value_set_boolean(value, self->grabbed); break;
    case PROP_GRAB_ON_CLICK: g_value_set_boolean(value, self->grab_on_click); break;
    case PROP_HIDE_CURSOR: g_value_set_boolean(value, self->hide_cursor); break;
    case PROP_RELATIVE_POINTER: g_value_set_boolean(value, self->relative_pointer); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID(object, id, pspec);
    }
}

static void vireo_display_set_property(GObject *object, guint id, const GValue *value,
                                       GParamSpec *pspec)
{
    VireoDisplay *self = VIREO_DISPLAY(object);
    switch (id) {
    case PROP_SCALE_MODE: vireo_display_set_scale_mode(self, g_value_get_enum(value)); break;
    case PROP_GRABBED: vireo_display_set_grab(self, g_value_get_boolean(value)); break;
    case PROP_GRAB_ON_CLICK:
        vireo_display_set_grab_on_click(self, g_value_get_boolean(value));
        break;
    case PROP_HIDE_CURSOR: vireo_display_set_hide_cursor(self, g_value_get_boolean(value)); break;
    case PROP_RELATIVE_POINTER:
        vireo_display_set_relative_pointer(self, g_value_get_boolean(value));
        break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID(object, id, pspec);
    }
}

/* Life */

static void vireo_display_map(GtkWidget *widget)
{
    GTK_WIDGET_CLASS(vireo_display_parent_class)->map(widget);
    VireoDisplay *self = VIREO_DISPLAY(widget);
    if (self->scale_mode == VIREO_DISPLAY_SCALE_RESIZE_GUEST)
        schedule_resize_guest(self, TRUE);
}

static void vireo_display_unmap(GtkWidget *widget)
{
    VireoDisplay *self = VIREO_DISPLAY(widget);
    vireo_display_set_grab(self, FALSE);
    release_everything(self);
    self->pointer_inside = FALSE;
    g_clear_handle_id(&self->resize_timeout_id, g_source_remove);
    GTK_WIDGET_CLASS(vireo_display_parent_class)->unmap(widget);
}

/* The grab note's box, once per display connection (the widget works without the
 * application's style sheet). */
static void add_style(GdkDisplay *display)
{
    if (g_object_get_data(G_OBJECT(display), "vireo-display-style"))
        return;
    GtkCssProvider *provider = gtk_css_provider_new();
    gtk_css_provider_load_from_data(
        provider, "vireo-display > label.grab-note { padding: 6px 12px; border-radius: 8px; }", -1);
    gtk_style_context_add_provider_for_display(display, GTK_STYLE_PROVIDER(provider),
                                               GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
    g_object_set_data_full(G_OBJECT(display), "vireo-display-style", provider, g_object_unref);
}

/* Keys are taken on the window, in the capture phase, while the widget has the focus: a
 * controller added there after the window's own runs before them, so Tab, the arrows and F10
 * (which opens the window's primary menu) reach the guest. */
static void vireo_display_root(GtkWidget *widget)
{
    GTK_WIDGET_CLASS(vireo_display_parent_class)->root(widget);
    VireoDisplay *self = VIREO_DISPLAY(widget);
    add_style(gtk_widget_get_display(widget));
    self->key_root = GTK_WIDGET(gtk_widget_get_root(widget));
    self->root_keys = gtk_event_controller_key_new();
    gtk_event_controller_set_propagation_phase(self->root_keys, GTK_PHASE_CAPTURE);
    gtk_event_controller_set_name(self->root_keys, "vireo-display-keys");
    g_signal_connect(self->root_keys, "key-pressed", G_CALLBACK(on_key_pressed), self);
    g_signal_connect(self->root_keys, "key-released", G_CALLBACK(on_key_released), self);
    gtk_widget_add_controller(self->key_root, self->root_keys);
}

static void vireo_display_unroot(GtkWidget *widget)
{
    VireoDisplay *self = VIREO_DISPLAY(widget);
    if (self->root_keys) {
        g_signal_handlers_disconnect_by_data(self->root_keys, self);
        gtk_widget_remove_controller(self->key_root, self->root_keys);
        self->root_keys = NULL;
        self->key_root = NULL;
    }
    GTK_WIDGET_CLASS(vireo_display_parent_class)->unroot(widget);
}

static void on_scale_factor(VireoDisplay *self, GParamSpec *pspec, gpointer data)
{
    g_clear_pointer(&self->surface, cairo_surface_destroy);
    schedule_resize_guest(self, FALSE);
    gtk_widget_queue_resize(GTK_WIDGET(self));
}

static void vireo_display_dispose(GObject *object)
{
    VireoDisplay *self = VIREO_DISPLAY(object);
    if (self->tick_id) {
        gtk_widget_remove_tick_callback(GTK_WIDGET(self), self->tick_id);
        self->tick_id = 0;
    }
    g_clear_handle_id(&self->resize_timeout_id, g_source_remove);
    if (self->frame_destroy)
        self->frame_destroy(self->frame_data);
    self->frame_fn = NULL;
    self->frame_data = NULL;
    self->frame_destroy = NULL;
    g_clear_object(&self->texture);
    g_clear_pointer(&self->surface, cairo_surface_destroy);
    g_clear_pointer(&self->frame, vr_gpu_frame_unref);
    g_clear_pointer(&self->empty_label, gtk_widget_unparent);
    g_clear_pointer(&self->grab_label, gtk_widget_unparent);
    G_OBJECT_CLASS(vireo_display_parent_class)->dispose(object);
}

static void vireo_display_class_init(VireoDisplayClass *klass)
{
    GObjectClass *object_class = G_OBJECT_CLASS(klass);
    GtkWidgetClass *widget_class = GTK_WIDGET_CLASS(klass);
    object_class->dispose = vireo_display_dispose;
    object_class->get_property = vireo_display_get_property;
    object_class->set_property = vireo_display_set_property;
    widget_class->snapshot = vireo_display_snapshot;
    widget_class->measure = vireo_display_measure;
    widget_class->size_allocate = vireo_display_size_allocate;
    widget_class->map = vireo_display_map;
    widget_class->unmap = vireo_display_unmap;
    widget_class->root = vireo_display_root;
    widget_class->unroot = vireo_display_unroot;

    props[PROP_SCALE_MODE] = g_param_spec_enum(
        "scale-mode", NULL, NULL, VIREO_TYPE_DISPLAY_SCALE_MODE, VIREO_DISPLAY_SCALE_FIT,
        G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
    props[PROP_GRABBED] =
        g_param_spec_boolean("grabbed", NULL, NULL, FALSE,
                             G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
    props[PROP_GRAB_ON_CLICK] =
        g_param_spec_boolean("grab-on-click", NULL, NULL, FALSE,
                             G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
    props[PROP_HIDE_CURSOR] =
        g_param_spec_boolean("hide-cursor", NULL, NULL, FALSE,
                             G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
    props[PROP_RELATIVE_POINTER] =
        g_param_spec_boolean("relative-pointer", NULL, NULL, FALSE,
                             G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
    g_object_class_install_properties(object_class, N_PROPS, props);

    signals[SIG_KEY] = g_signal_new("key", G_TYPE_FROM_CLASS(klass), G_SIGNAL_RUN_LAST, 0, NULL,
                                    NULL, NULL, G_TYPE_NONE, 2, G_TYPE_UINT, G_TYPE_BOOLEAN);
    signals[SIG_POINTER_ABSOLUTE] =
        g_signal_new("pointer-absolute", G_TYPE_FROM_CLASS(klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                     NULL, G_TYPE_NONE, 2, G_TYPE_UINT, G_TYPE_UINT);
    signals[SIG_POINTER_RELATIVE] =
        g_signal_new("pointer-relative", G_TYPE_FROM_CLASS(klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                     NULL, G_TYPE_NONE, 2, G_TYPE_INT, G_TYPE_INT);
    signals[SIG_POINTER_BUTTON] =
        g_signal_new("pointer-button", G_TYPE_FROM_CLASS(klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                     NULL, G_TYPE_NONE, 2, G_TYPE_UINT, G_TYPE_BOOLEAN);
    signals[SIG_SCROLL] = g_signal_new("scroll", G_TYPE_FROM_CLASS(klass), G_SIGNAL_RUN_LAST, 0,
                                       NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_INT, G_TYPE_INT);
    signals[SIG_RESIZE_GUEST] =
        g_signal_new("resize-guest", G_TYPE_FROM_CLASS(klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                     NULL, G_TYPE_NONE, 2, G_TYPE_UINT, G_TYPE_UINT);

    gtk_widget_class_set_css_name(widget_class, "vireo-display");
}

static void vireo_display_init(VireoDisplay *self)
{
    GtkWidget *widget = GTK_WIDGET(self);
    gtk_widget_set_focusable(widget, TRUE);
    gtk_widget_set_focus_on_click(widget, TRUE);
    gtk_widget_set_overflow(widget, GTK_OVERFLOW_HIDDEN);

    self->empty_label = gtk_label_new(_("No picture"));
    gtk_widget_add_css_class(self->empty_label, "dim-label");
    gtk_widget_add_css_class(self->empty_label, "title-2");
    gtk_label_set_ellipsize(GTK_LABEL(self->empty_label), PANGO_ELLIPSIZE_END);
    gtk_widget_set_halign(self->empty_label, GTK_ALIGN_CENTER);
    gtk_widget_set_valign(self->empty_label, GTK_ALIGN_CENTER);
    gtk_widget_set_can_target(self->empty_label, FALSE);
    gtk_widget_set_parent(self->empty_label, widget);

    self->grab_label = gtk_label_new(NULL);
    gtk_widget_add_css_class(self->grab_label, "osd");
    gtk_widget_add_css_class(self->grab_label, "grab-note");
    gtk_label_set_ellipsize(GTK_LABEL(self->grab_label), PANGO_ELLIPSIZE_END);
    gtk_widget_set_can_target(self->grab_label, FALSE);
    gtk_widget_set_visible(self->grab_label, FALSE);
    gtk_widget_set_parent(self->grab_label, widget);

    GtkEventController *focus = gtk_event_controller_focus_new();
    g_signal_connect(focus, "leave", G_CALLBACK(on_focus_leave), self);
    gtk_widget_add_controller(widget, focus);

    GtkEventController *motion = gtk_event_controller_motion_new();
    g_signal_connect(motion, "enter", G_CALLBACK(on_motion), self);
    g_signal_connect(motion, "motion", G_CALLBACK(on_motion), self);
    g_signal_connect(motion, "leave", G_CALLBACK(on_leave), self);
    gtk_widget_add_controller(widget, motion);

    GtkEventController *buttons = gtk_event_controller_legacy_new();
    g_signal_connect(buttons, "event", G_CALLBACK(on_event), self);
    gtk_widget_add_controller(widget, buttons);

    GtkEventController *scroll = gtk_event_controller_scroll_new(
        GTK_EVENT_CONTROLLER_SCROLL_BOTH_AXES | GTK_EVENT_CONTROLLER_SCROLL_DISCRETE);
    g_signal_connect(scroll, "scroll", G_CALLBACK(on_scroll), self);
    gtk_widget_add_controller(widget, scroll);

    g_signal_connect(self, "notify::scale-factor", G_CALLBACK(on_scale_factor), NULL);
}

GtkWidget *vireo_display_new(void)
{
    return g_object_new(VIREO_TYPE_DISPLAY, NULL);
}

/* Input as virtio-input events */

static void forward(VireoDisplay *self, VrInputDevice device, const VrVirtioInputEvent *ev, gsize n)
{
    /* A guest that reads no input loses it, as a real device would drop it. */
    if (n && self->forward_fn)
        self->forward_fn(device, ev, n, self->forward_data);
}

static void forward_key(VireoDisplay *self, guint code, gboolean pressed)
{
    VrVirtioInputEvent ev[VR_INPUT_EVENTS_MAX];
    forward(self, VR_INPUT_KEYBOARD, ev, vr_input_key_events(code, pressed, ev));
}

static void forward_absolute(VireoDisplay *self, guint x, guint y)
{
    self->forward_x = x;
    self->forward_y = y;
    VrVirtioInputEvent ev[VR_INPUT_EVENTS_MAX];
    forward(self, VR_INPUT_TABLET, ev,
            vr_input_tablet_events((int32_t) x, (int32_t) y, 0, false, ev));
}

static void forward_relative(VireoDisplay *self, gint dx, gint dy)
{
    VrVirtioInputEvent ev[VR_INPUT_EVENTS_MAX];
    forward(self, VR_INPUT_MOUSE, ev, vr_input_mouse_events(dx, dy, ev));
}

static void forward_button(VireoDisplay *self, guint button, gboolean pressed)
{
    VrVirtioInputEvent ev[VR_INPUT_EVENTS_MAX];
    if (self->relative) {
        forward(self, VR_INPUT_MOUSE, ev, vr_input_key_events(button, pressed, ev));
        return;
    }
    /* With the pointer's position: a guest that moved its pointer itself still gets the
     * click where the user clicked. */
    forward(self, VR_INPUT_TABLET, ev,
            vr_input_tablet_events((int32_t) self->forward_x, (int32_t) self->forward_y, button,
                                   pressed, ev));
}

static void forward_scroll(VireoDisplay *self, gint dx, gint dy)
{
    VrVirtioInputEvent ev[VR_INPUT_EVENTS_MAX];
    forward(self, self->relative ? VR_INPUT_MOUSE : VR_INPUT_TABLET, ev,
            vr_input_wheel_events(dx, dy, ev));
}

void vireo_display_forward_input(VireoDisplay *self, VireoDisplayInputFn fn, gpointer data)
{
    g_return_if_fail(VIREO_IS_DISPLAY(self));
    if (!self->forward_fn && fn) {
        g_signal_connect(self, "key", G_CALLBACK(forward_key), NULL);
        g_signal_connect(self, "pointer-absolute", G_CALLBACK(forward_absolute), NULL);
        g_signal_connect(self, "pointer-relative", G_CALLBACK(forward_relative), NULL);
        g_signal_connect(self, "pointer-button", G_CALLBACK(forward_button), NULL);
        g_signal_connect(self, "scroll", G_CALLBACK(forward_scroll), NULL);
    }
    self->forward_fn = fn;
    self->forward_data = data;
}
