/* VireoDisplay: a guest's screen in a GTK window. It shows the frames a source hands it
 * (VrGpuFrame, gpu/vr-renderer.h) scaled to fit, at 1:1 or with the guest resized to the
 * widget, and reports keyboard and pointer input as Linux evdev events for virtio-input.
 *
 * Signals (all on the UI thread):
 *   "key"              (guint evdev_code, gboolean pressed)   a key of the host keyboard,
 *                      by its place (KEY_*), auto-repeat filtered out; all keys held are
 *                      released when the widget loses the focus
 *   "pointer-absolute" (guint x, guint y)   the pointer over the picture, 0..32767 across
 *                      its width and height (a tablet's range); nothing outside the picture
 *   "pointer-relative" (gint dx, gint dy)   with "relative-pointer" set, while the grab is
 *                      taken (X11): how far the pointer moved, in device pixels, down and
 *                      right positive, as a relative mouse's REL_X and REL_Y count; no
 *                      "pointer-absolute" meanwhile, and buttons and the wheel count anywhere
 *   "pointer-button"   (guint evdev_button, gboolean pressed)   BTN_LEFT 0x110, BTN_RIGHT,
 *                      BTN_MIDDLE, BTN_SIDE, BTN_EXTRA
 *   "scroll"           (gint dx, gint dy)   wheel clicks as REL_HWHEEL and REL_WHEEL count
 *                      them: dx > 0 right, dy > 0 up (away from the user)
 *   "resize-guest"     (guint width, guint height)   in VIREO_DISPLAY_SCALE_RESIZE_GUEST,
 *                      the widget's size in device pixels, once it has kept it for 250 ms
 */
#pragma once

#include <gtk/gtk.h>

#include "vr-machine.h"
#include "vr-renderer.h"
#include "virtio/virtio-input.h"

G_BEGIN_DECLS

typedef enum {
    VIREO_DISPLAY_SCALE_FIT,          /* as large as fits, aspect kept, bars around it */
    VIREO_DISPLAY_SCALE_ONE,          /* a guest pixel to a device pixel, centred, clipped */
    VIREO_DISPLAY_SCALE_RESIZE_GUEST, /* drawn as FIT; the guest is asked to take our size */
} VireoDisplayScaleMode;

GType vireo_display_scale_mode_get_type(void);
#define VIREO_TYPE_DISPLAY_SCALE_MODE (vireo_display_scale_mode_get_type())

#define VIREO_TYPE_DISPLAY (vireo_display_get_type())
G_DECLARE_FINAL_TYPE(VireoDisplay, vireo_display, VIREO, DISPLAY, GtkWidget)

GtkWidget *vireo_display_new(void);

/* Where frames come from: fn returns a new reference to the newest frame, or NULL when there
 * is no picture. It is called on the UI thread at the frame clock's tick after
 * vireo_display_queue_update(), and never otherwise. destroy (may be NULL) frees data when
 * the source is replaced or the widget goes. */
typedef VrGpuFrame *(*VireoDisplayFrameFn)(gpointer data);
void vireo_display_set_frame_source(VireoDisplay *self, VireoDisplayFrameFn fn, gpointer data,
                                    GDestroyNotify destroy);
/* The picture changed: fetch it at the next frame. UI thread only. */
void vireo_display_queue_update(VireoDisplay *self);

void vireo_display_set_scale_mode(VireoDisplay *self, VireoDisplayScaleMode mode);
VireoDisplayScaleMode vireo_display_get_scale_mode(VireoDisplay *self);

/* The keyboard grab: the desktop's own shortcuts go to the guest too, and a note says how to
 * release it (Ctrl+Alt+G, which also takes it). Taken only while the widget is in a shown
 * window. */
void vireo_display_set_grab(VireoDisplay *self, gboolean grab);
gboolean vireo_display_get_grabbed(VireoDisplay *self);
/* Whether a click into the picture takes the grab (default FALSE). */
void vireo_display_set_grab_on_click(VireoDisplay *self, gboolean grab_on_click);
gboolean vireo_display_get_grab_on_click(VireoDisplay *self);
/* Whether the pointer becomes relative while the grab is taken (default FALSE): it is held
 * in the window, hidden, and reported by "pointer-relative". Only on X11 (GTK 4.8 has no
 * pointer lock elsewhere); vireo_display_get_pointer_is_relative() says whether it is now. */
void vireo_display_set_relative_pointer(VireoDisplay *self, gboolean relative);
gboolean vireo_display_get_relative_pointer(VireoDisplay *self);
gboolean vireo_display_get_pointer_is_relative(VireoDisplay *self);
/* Whether the host's pointer is hidden over the picture (default FALSE). */
void vireo_display_set_hide_cursor(VireoDisplay *self, gboolean hide);
gboolean vireo_display_get_hide_cursor(VireoDisplay *self);

/* The newest frame as a texture (a reference; NULL without a picture). */
GdkTexture *vireo_display_get_texture(VireoDisplay *self);
/* Saves the guest's picture at its own size as a PNG file. */
gboolean vireo_display_save_png(VireoDisplay *self, const char *path, GError **error);

/* Sends events to one of a machine's input devices; FALSE when they were not taken. */
typedef gboolean (*VireoDisplayInputFn)(VrInputDevice device, const VrVirtioInputEvent *events,
                                        gsize n, gpointer data);
/* Turns the widget's input into virtio-input events, each group ending with SYN_REPORT
 * (input/vr-input-events.h), given to fn with data: keys to VR_INPUT_KEYBOARD; positions,
 * buttons (with the position of the last move) and the wheel to VR_INPUT_TABLET; while the
 * pointer is relative, moves, buttons and the wheel to VR_INPUT_MOUSE. fn NULL stops it. */
void vireo_display_forward_input(VireoDisplay *self, VireoDisplayInputFn fn, gpointer data);

/* The guest pixel under the widget point (wx, wy); FALSE when the point is outside the
 * picture or there is none. */
gboolean vireo_display_widget_to_guest(VireoDisplay *self, double wx, double wy, guint *gx,
                                       guint *gy);

G_END_DECLS
