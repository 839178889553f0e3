/* The SDL2 window viewer (see vr-sdl-viewer.h). */
#include <SDL2/SDL.h>
#include <gio/gio.h>
#include <string.h>

#include "vr-gamepads.h"
#include "vr-i18n.h"
#include "vr-input-events.h"
#include "vr-keymap.h"
#include "vr-renderer.h"
#include "vr-sdl-viewer.h"
#include "virtio/virtio-input.h"

#define POLL_MS          10
#define RESIZE_SETTLE_MS 250

struct VrSdlViewer {
    VrMachine *m;
    SDL_Window *window;
    SDL_Renderer *renderer;
    SDL_Texture *texture;
    uint32_t tex_width, tex_height;
    uint64_t sequence; /* of the frame in the texture; 0: none */
    SDL_Rect dest;     /* where the picture is drawn, in output pixels */
    guint poll_source, resize_source;
    int pending_width, pending_height;
    VrSdlViewerCloseFn on_close;
    void *close_data;
    VrGamepads *pads; /* NULL: no game controller support */
    char *title;
    bool grabbed;     /* keys and a relative mouse: Ctrl+Alt+G */
    bool hotkey_held; /* the G of Ctrl+Alt+G is down (its release is not sent) */
};

static void send(VrSdlViewer *v, VrInputDevice device, const VrVirtioInputEvent *ev, size_t n)
{
    /* A guest that reads no input loses the events, as a real device would drop them. */
    vr_machine_input_send(v->m, device, ev, n);
}

/* The picture keeps its shape and fits the window, centred. */
static void layout(VrSdlViewer *v)
{
    int ow = 0, oh = 0;
    SDL_GetRendererOutputSize(v->renderer, &ow, &oh);
    if (!v->tex_width || !v->tex_height || ow <= 0 || oh <= 0) {
        v->dest = (SDL_Rect){0, 0, 0, 0};
        return;
    }
    double scale = MIN((double) ow / v->tex_width, (double) oh / v->tex_height);
    int w = (int) (v->tex_width * scale + 0.5), h = (int) (v->tex_height * scale + 0.5);
    v->dest = (SDL_Rect){(ow - w) / 2, (oh - h) / 2, w, h};
}

static void present(VrSdlViewer *v)
{
    SDL_SetRenderDrawColor(v->renderer, 0, 0, 0, 255);
    SDL_RenderClear(v->renderer);
    if (v->texture) {
        layout(v);
        SDL_RenderCopy(v->renderer, v->texture, NULL, &v->dest);
    }
    SDL_RenderPresent(v->renderer);
}

void vr_sdl_viewer_update(VrSdlViewer *v)
{
    g_autoptr(VrGpuFrame) f = vr_machine_get_frame(v->m);
    if (!f) {
        if (v->texture) {
            SDL_DestroyTexture(v->texture);
            v->texture = NULL;
            v->tex_width = v->tex_height = 0;
            v->sequence = 0;
        }
        present(v);
        return;
    }
    if (f->sequence == v->sequence)
        return;
    bool whole = !v->texture || f->width != v->tex_width || f->height != v->tex_height ||
                 f->sequence != v->sequence + 1;
    if (!v->texture || f->width != v->tex_width || f->height != v->tex_height) {
        if (v->texture)
            SDL_DestroyTexture(v->texture);
        /* ARGB8888 is SDL's name for a native 0xAARRGGBB word: the frame's XRGB8888. */
        v->texture =
            SDL_CreateTexture(v->renderer, SDL_PIXELFORMAT_ARGB8888, SDL_TEXTUREACCESS_STREAMING,
                              (int) f->width, (int) f->height);
        if (!v->texture) {
            g_warning("SDL: no texture of %ux%u: %s", f->width, f->height, SDL_GetError());
            return;
        }
        v->tex_width = f->width;
        v->tex_height = f->height;
    }
    const uint8_t *pixels = vr_gpu_frame_pixels(f);
    if (!pixels)
        return;
    if (whole) {
        SDL_UpdateTexture(v->texture, NULL, pixels, (int) f->stride);
    } else if (f->dirty.width && f->dirty.height) {
        SDL_Rect r = {(int) f->dirty.x, (int) f->dirty.y, (int) f->dirty.width,
                      (int) f->dirty.height};
        SDL_UpdateTexture(v->texture, &r,
                          pixels + (size_t) f->dirty.y * f->stride + (size_t) f->dirty.x * 4,
                          (int) f->stride);
    }
    v->sequence = f->sequence;
    present(v);
}

static gboolean resize_settled(gpointer data)
{
    VrSdlViewer *v = data;
    v->resize_source = 0;
    vr_machine_set_display_size(v->m, (uint32_t) v->pending_width, (uint32_t) v->pending_height);
    return G_SOURCE_REMOVE;
}

/* A window point (SDL's mouse coordinates) on the tablet's scale; false outside the picture. */
static bool to_tablet(VrSdlViewer *v, int wx, int wy, int32_t *ax, int32_t *ay)
{
    int ww = 1, wh = 1, ow = 1, oh = 1;
    SDL_GetWindowSize(v->window, &ww, &wh);
    SDL_GetRendererOutputSize(v->renderer, &ow, &oh);
    if (v->dest.w <= 1 || v->dest.h <= 1 || ww <= 0 || wh <= 0)
        return false;
    double px = (wx + 0.5) * ow / ww - v->dest.x, py = (wy + 0.5) * oh / wh - v->dest.y;
    if (px < 0 || py < 0 || px >= v->dest.w || py >= v->dest.h)
        return false;
    *ax = (int32_t) (px * VR_INPUT_ABS_MAX / (v->dest.w - 1) + 0.5);
    *ay = (int32_t) (py * VR_INPUT_ABS_MAX / (v->dest.h - 1) + 0.5);
    *ax = MIN(*ax, VR_INPUT_ABS_MAX);
    *ay = MIN(*ay, VR_INPUT_ABS_MAX);
    return true;
}

static unsigned sdl_button(uint8_t b)
{
    switch (b) {
    case SDL_BUTTON_LEFT: return VR_BTN_LEFT;
    case SDL_BUTTON_RIGHT: return VR_BTN_RIGHT;
    case SDL_BUTTON_MIDDLE: return VR_BTN_MIDDLE;
    case SDL_BUTTON_X1: return VR_BTN_SIDE;
    case SDL_BUTTON_X2: return VR_BTN_EXTRA;
    default: return 0;
    }
}

/* The grab: every key the guest's (the desktop's shortcuts too), and the pointer hidden,
 * held in the window and moving the guest's relative mouse; the title says how to let go. */
static void set_grab(VrSdlViewer *v, bool grab)
{
    v->grabbed = grab;
    SDL_SetWindowKeyboardGrab(v->window, grab);
    SDL_SetRelativeMouseMode(grab);
    g_autofree char *note = g_strdup_printf(_("Press %s to release"), "Ctrl+Alt+G");
    /* Translators: the window's title, then how to release the grab. */
    g_autofree char *title =
        grab ? g_strdup_printf(C_("window title", "%s — %s"), v->title, note) : g_strdup(v->title);
    SDL_SetWindowTitle(v->window, title);
}

/* Ctrl+Alt+G: the grab taken or let go. The Ctrl and Alt the guest saw go down are released
 * to it; the G is not sent. */
static bool hotkey(VrSdlViewer *v, const SDL_KeyboardEvent *k)
{
    if (k->keysym.scancode != SDL_SCANCODE_G)
        return false;
    if (k->type == SDL_KEYUP) {
        bool held = v->hotkey_held;
        v->hotkey_held = false;
        return held;
    }
    if (!(k->keysym.mod & KMOD_CTRL) || !(k->keysym.mod & KMOD_ALT))
        return false;
    static const unsigned modifiers[] = {VR_KEY_LEFTCTRL, VR_KEY_RIGHTCTRL, VR_KEY_LEFTALT,
                                         VR_KEY_RIGHTALT};
    for (unsigned i = 0; i < G_N_ELEMENTS(modifiers); i++) {
        VrVirtioInputEvent ev[VR_INPUT_EVENTS_MAX];
        send(v, VR_INPUT_KEYBOARD, ev, vr_input_key_events(modifiers[i], false, ev));
    }
    v->hotkey_held = true;
    set_grab(v, !v->grabbed);
    return true;
}

static void handle(VrSdlViewer *v, const SDL_Event *e)
{
    switch (e->type) {
    case SDL_QUIT:
        if (v->on_close)
            v->on_close(v->close_data);
        break;
    case SDL_WINDOWEVENT:
        if (e->window.event == SDL_WINDOWEVENT_CLOSE) {
            if (v->on_close)
                v->on_close(v->close_data);
        } else if (e->window.event == SDL_WINDOWEVENT_SIZE_CHANGED) {
            SDL_GetRendererOutputSize(v->renderer, &v->pending_width, &v->pending_height);
            if (v->resize_source)
                g_source_remove(v->resize_source);
            v->resize_source = g_timeout_add(RESIZE_SETTLE_MS, resize_settled, v);
            present(v);
        } else if (e->window.event == SDL_WINDOWEVENT_EXPOSED) {
            present(v);
        }
        break;
    case SDL_KEYDOWN:
    case SDL_KEYUP: {
        /* The guest repeats keys itself. */
        if (e->key.repeat || hotkey(v, &e->key))
            break;
        int code = vr_keymap_sdl_to_evdev(e->key.keysym.scancode);
        if (code < 0)
            break;
        VrVirtioInputEvent ev[VR_INPUT_EVENTS_MAX];
        send(v, VR_INPUT_KEYBOARD, ev,
             vr_input_key_events((unsigned) code, e->type == SDL_KEYDOWN, ev));
        break;
    }
    case SDL_MOUSEMOTION: {
        int32_t x, y;
        VrVirtioInputEvent ev[VR_INPUT_EVENTS_MAX];
        if (v->grabbed) {
            size_t n = vr_input_mouse_events(e->motion.xrel, e->motion.yrel, ev);
            if (n)
                send(v, VR_INPUT_MOUSE, ev, n);
        } else if (to_tablet(v, e->motion.x, e->motion.y, &x, &y)) {
            send(v, VR_INPUT_TABLET, ev, vr_input_tablet_events(x, y, 0, false, ev));
        }
        break;
    }
    case SDL_MOUSEBUTTONDOWN:
    case SDL_MOUSEBUTTONUP: {
        unsigned button = sdl_button(e->button.button);
        int32_t x, y;
        VrVirtioInputEvent ev[VR_INPUT_EVENTS_MAX];
        if (button && v->grabbed) {
            send(v, VR_INPUT_MOUSE, ev,
                 vr_input_key_events(button, e->type == SDL_MOUSEBUTTONDOWN, ev));
            break;
        }
        if (!button || !to_tablet(v, e->button.x, e->button.y, &x, &y))
            break;
        send(v, VR_INPUT_TABLET, ev,
             vr_input_tablet_events(x, y, button, e->type == SDL_MOUSEBUTTONDOWN, ev));
        break;
    }
    case SDL_MOUSEWHEEL: {
        int dy = e->wheel.y, dx = e->wheel.x;
        if (e->wheel.direction == SDL_MOUSEWHEEL_FLIPPED) {
            dy = -dy;
            dx = -dx;
        }
        VrVirtioInputEvent ev[VR_INPUT_EVENTS_MAX];
        size_t n = vr_input_wheel_events(dx, dy, ev);
        if (n)
            send(v, v->grabbed ? VR_INPUT_MOUSE : VR_INPUT_TABLET, ev, n);
        break;
    }
    default: break;
    }
}

static gboolean poll_events(gpointer data)
{
    VrSdlViewer *v = data;
    SDL_PumpEvents();
    /* The game controllers' events first: the rest are the window's. */
    if (v->pads)
        vr_gamepads_poll(v->pads);
    SDL_Event e;
    while (SDL_PollEvent(&e))
        handle(v, &e);
    return G_SOURCE_CONTINUE;
}

static void on_pad_events(const VrVirtioInputEvent *events, size_t n, void *data)
{
    VrSdlViewer *v = data;
    send(v, VR_INPUT_GAMEPAD, events, n);
}

VrSdlViewer *vr_sdl_viewer_new(VrMachine *m, const char *title, VrSdlViewerCloseFn on_close,
                               void *data, GError **error)
{
    g_return_val_if_fail(vr_machine_has_display(m), NULL);
    /* Vireo handles SIGINT and SIGTERM itself. */
    SDL_SetHint(SDL_HINT_NO_SIGNAL_HANDLERS, "1");
    SDL_SetHint(SDL_HINT_VIDEO_X11_NET_WM_BYPASS_COMPOSITOR, "0");
    if (SDL_InitSubSystem(SDL_INIT_VIDEO) != 0) {
        g_set_error(error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED, _("SDL cannot open a window: %s"),
                    SDL_GetError());
        return NULL;
    }
    VrSdlViewer *v = g_new0(VrSdlViewer, 1);
    v->m = m;
    v->on_close = on_close;
    v->close_data = data;
    v->title = g_strdup(title);
    v->window = SDL_CreateWindow(title, SDL_WINDOWPOS_UNDEFINED, SDL_WINDOWPOS_UNDEFINED, 1280, 800,
                                 SDL_WINDOW_RESIZABLE | SDL_WINDOW_ALLOW_HIGHDPI);
    if (v->window) {
        v->renderer = SDL_CreateRenderer(v->window, -1, SDL_RENDERER_PRESENTVSYNC);
        if (!v->renderer)
            v->renderer = SDL_CreateRenderer(v->window, -1, SDL_RENDERER_SOFTWARE);
    }
    if (!v->window || !v->renderer) {
        g_set_error(error, G_IO_ERROR, G_IO_ERROR_FAILED, _("SDL cannot open a window: %s"),
                    SDL_GetError());
        vr_sdl_viewer_free(v);
        return NULL;
    }
    SDL_SetHint(SDL_HINT_RENDER_SCALE_QUALITY, "linear");
    /* The guest draws its own cursor where the tablet puts it. */
    SDL_ShowCursor(SDL_DISABLE);
    g_autoptr(GError) pad_error = NULL;
    v->pads = vr_gamepads_new(on_pad_events, v, &pad_error);
    if (!v->pads)
        g_message("%s", pad_error->message);
    v->poll_source = g_timeout_add(POLL_MS, poll_events, v);
    present(v);
    vr_sdl_viewer_update(v);
    return v;
}

void vr_sdl_viewer_free(VrSdlViewer *v)
{
    if (!v)
        return;
    if (v->poll_source)
        g_source_remove(v->poll_source);
    if (v->resize_source)
        g_source_remove(v->resize_source);
    g_clear_pointer(&v->pads, vr_gamepads_free);
    if (v->texture)
        SDL_DestroyTexture(v->texture);
    if (v->renderer)
        SDL_DestroyRenderer(v->renderer);
    if (v->window)
        SDL_DestroyWindow(v->window);
    SDL_QuitSubSystem(SDL_INIT_VIDEO);
    g_free(v->title);
    g_free(v);
}
