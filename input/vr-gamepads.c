/* SDL2 game controllers to the guest's virtio-input gamepad (see vr-gamepads.h). */
#define G_LOG_DOMAIN "vireo-input"

#include "vr-gamepads.h"

#include <gio/gio.h>

#include "vr-i18n.h"

#if VR_HAVE_SDL2

#include <SDL.h>

/* The guest's absolute axes, in the order a controller's state is replayed. */
enum { ABS_LX, ABS_LY, ABS_RX, ABS_RY, ABS_LT, ABS_RT, ABS_HX, ABS_HY, N_ABS };

static const uint16_t abs_codes[N_ABS] = {
    [ABS_LX] = VR_ABS_X, [ABS_LY] = VR_ABS_Y,  [ABS_RX] = VR_ABS_RX,    [ABS_RY] = VR_ABS_RY,
    [ABS_LT] = VR_ABS_Z, [ABS_RT] = VR_ABS_RZ, [ABS_HX] = VR_ABS_HAT0X, [ABS_HY] = VR_ABS_HAT0Y,
};

/* SDL's buttons to the guest's; the d-pad (0 here) becomes the hat. */
static const uint16_t button_codes[SDL_CONTROLLER_BUTTON_MAX] = {
    [SDL_CONTROLLER_BUTTON_A] = VR_BTN_A,
    [SDL_CONTROLLER_BUTTON_B] = VR_BTN_B,
    [SDL_CONTROLLER_BUTTON_X] = VR_BTN_X,
    [SDL_CONTROLLER_BUTTON_Y] = VR_BTN_Y,
    [SDL_CONTROLLER_BUTTON_BACK] = VR_BTN_SELECT,
    [SDL_CONTROLLER_BUTTON_GUIDE] = VR_BTN_MODE,
    [SDL_CONTROLLER_BUTTON_START] = VR_BTN_START,
    [SDL_CONTROLLER_BUTTON_LEFTSTICK] = VR_BTN_THUMBL,
    [SDL_CONTROLLER_BUTTON_RIGHTSTICK] = VR_BTN_THUMBR,
    [SDL_CONTROLLER_BUTTON_LEFTSHOULDER] = VR_BTN_TL,
    [SDL_CONTROLLER_BUTTON_RIGHTSHOULDER] = VR_BTN_TR,
};

enum { DPAD_UP, DPAD_DOWN, DPAD_LEFT, DPAD_RIGHT, N_DPAD };

typedef struct {
    SDL_GameController *controller;
    SDL_JoystickID id;
    char *name;
} Pad;

/* Enough for every button and axis changing at once, and the SYN_REPORT. */
#define FRAME_MAX (SDL_CONTROLLER_BUTTON_MAX + N_ABS + 1)

struct VrGamepads {
    VrGamepadEventFn fn;
    void *data;
    GPtrArray *pads; /* Pad, in the order connected; the first feeds the guest */

    /* What the guest has seen. */
    bool buttons[SDL_CONTROLLER_BUTTON_MAX];
    int32_t abs[N_ABS];
    bool dpad[N_DPAD];

    VrVirtioInputEvent frame[FRAME_MAX];
    size_t frame_len;
};

static void pad_free(gpointer p)
{
    Pad *pad = p;
    SDL_GameControllerClose(pad->controller);
    g_free(pad->name);
    g_free(pad);
}

static void add_event(VrGamepads *g, uint16_t type, uint16_t code, int32_t value)
{
    g_assert(g->frame_len < FRAME_MAX - 1);
    g->frame[g->frame_len++] = (VrVirtioInputEvent){type, code, value};
}

/* Ends the frame with SYN_REPORT and hands it over; nothing when nothing changed. */
static void flush(VrGamepads *g)
{
    if (g->frame_len == 0)
        return;
    add_event(g, VR_EV_SYN, VR_SYN_REPORT, 0);
    g->fn(g->frame, g->frame_len, g->data);
    g->frame_len = 0;
}

static void set_abs(VrGamepads *g, unsigned which, int32_t value)
{
    if (g->abs[which] == value)
        return;
    g->abs[which] = value;
    add_event(g, VR_EV_ABS, abs_codes[which], value);
}

static void set_button(VrGamepads *g, SDL_GameControllerButton button, bool pressed)
{
    if (button < 0 || button >= SDL_CONTROLLER_BUTTON_MAX)
        return;
    unsigned dpad;
    switch (button) {
    case SDL_CONTROLLER_BUTTON_DPAD_UP: dpad = DPAD_UP; break;
    case SDL_CONTROLLER_BUTTON_DPAD_DOWN: dpad = DPAD_DOWN; break;
    case SDL_CONTROLLER_BUTTON_DPAD_LEFT: dpad = DPAD_LEFT; break;
    case SDL_CONTROLLER_BUTTON_DPAD_RIGHT: dpad = DPAD_RIGHT; break;
    default:
        /* Paddles, touchpad and the like have no place on the guest's pad. */
        if (button_codes[button] == 0 || g->buttons[button] == pressed)
            return;
        g->buttons[button] = pressed;
        add_event(g, VR_EV_KEY, button_codes[button], pressed ? 1 : 0);
        return;
    }
    g->dpad[dpad] = pressed;
    set_abs(g, ABS_HX, (int32_t) g->dpad[DPAD_RIGHT] - (int32_t) g->dpad[DPAD_LEFT]);
    set_abs(g, ABS_HY, (int32_t) g->dpad[DPAD_DOWN] - (int32_t) g->dpad[DPAD_UP]);
}

/* Sticks keep SDL's range, which is the guest's; triggers go from 0..32767 to 0..255. */
static void set_axis(VrGamepads *g, SDL_GameControllerAxis axis, int32_t value)
{
    switch (axis) {
    case SDL_CONTROLLER_AXIS_LEFTX: set_abs(g, ABS_LX, value); break;
    case SDL_CONTROLLER_AXIS_LEFTY: set_abs(g, ABS_LY, value); break;
    case SDL_CONTROLLER_AXIS_RIGHTX: set_abs(g, ABS_RX, value); break;
    case SDL_CONTROLLER_AXIS_RIGHTY: set_abs(g, ABS_RY, value); break;
    case SDL_CONTROLLER_AXIS_TRIGGERLEFT:
    case SDL_CONTROLLER_AXIS_TRIGGERRIGHT: {
        int32_t v = CLAMP(value, 0, SDL_JOYSTICK_AXIS_MAX);
        v = (v * VR_GAMEPAD_TRIGGER_MAX + SDL_JOYSTICK_AXIS_MAX / 2) / SDL_JOYSTICK_AXIS_MAX;
        set_abs(g, axis == SDL_CONTROLLER_AXIS_TRIGGERLEFT ? ABS_LT : ABS_RT, v);
        break;
    }
    default: break;
    }
}

static Pad *active_pad(VrGamepads *g)
{
    return g->pads->len > 0 ? g_ptr_array_index(g->pads, 0) : NULL;
}

/* Brings the guest to the state of the controller feeding it, or to rest without one. */
static void sync_guest(VrGamepads *g)
{
    Pad *pad = active_pad(g);
    for (int b = 0; b < SDL_CONTROLLER_BUTTON_MAX; b++)
        set_button(g, (SDL_GameControllerButton) b,
                   pad && SDL_GameControllerGetButton(pad->controller, b));
    for (int a = 0; a < SDL_CONTROLLER_AXIS_MAX; a++)
        set_axis(g, (SDL_GameControllerAxis) a,
                 pad ? SDL_GameControllerGetAxis(pad->controller, a) : 0);
    flush(g);
}

static int find_pad(VrGamepads *g, SDL_JoystickID id)
{
    for (unsigned i = 0; i < g->pads->len; i++) {
        if (((Pad *) g_ptr_array_index(g->pads, i))->id == id)
            return (int) i;
    }
    return -1;
}

static void add_pad(VrGamepads *g, int device_index)
{
    if (device_index < 0 || device_index >= SDL_NumJoysticks() ||
        !SDL_IsGameController(device_index))
        return;
    SDL_JoystickID id = SDL_JoystickGetDeviceInstanceID(device_index);
    if (id < 0 || find_pad(g, id) >= 0)
        return;
    SDL_GameController *controller = SDL_GameControllerOpen(device_index);
    if (!controller) {
        g_warning("Cannot open game controller %d: %s", device_index, SDL_GetError());
        return;
    }
    Pad *pad = g_new0(Pad, 1);
    pad->controller = controller;
    pad->id = id;
    const char *name = SDL_GameControllerName(controller);
    pad->name = g_strdup(name ? name : "Game controller");
    g_ptr_array_add(g->pads, pad);
    g_debug("Game controller \"%s\" connected", pad->name);
    if (g->pads->len == 1)
        sync_guest(g);
}

static void remove_pad(VrGamepads *g, SDL_JoystickID id)
{
    int i = find_pad(g, id);
    if (i < 0)
        return;
    g_debug("Game controller \"%s\" disconnected", ((Pad *) g_ptr_array_index(g->pads, i))->name);
    g_ptr_array_remove_index(g->pads, (unsigned) i);
    if (i == 0)
        sync_guest(g);
}

static void handle(VrGamepads *g, const SDL_Event *ev)
{
    Pad *pad = active_pad(g);
    switch (ev->type) {
    case SDL_CONTROLLERDEVICEADDED: add_pad(g, ev->cdevice.which); break;
    case SDL_CONTROLLERDEVICEREMOVED: remove_pad(g, ev->cdevice.which); break;
    case SDL_CONTROLLERBUTTONDOWN:
    case SDL_CONTROLLERBUTTONUP:
        if (pad && ev->cbutton.which == pad->id) {
            set_button(g, (SDL_GameControllerButton) ev->cbutton.button,
                       ev->cbutton.state == SDL_PRESSED);
            flush(g);
        }
        break;
    case SDL_CONTROLLERAXISMOTION:
        if (pad && ev->caxis.which == pad->id) {
            set_axis(g, (SDL_GameControllerAxis) ev->caxis.axis, ev->caxis.value);
            flush(g);
        }
        break;
    default: break; /* joystick events: the controller events say the same */
    }
}

VrGamepads *vr_gamepads_new(VrGamepadEventFn fn, void *data, GError **error)
{
    g_return_val_if_fail(fn != NULL, NULL);
    /* SDL would otherwise turn SIGINT and SIGTERM into SDL_QUIT events nobody reads. */
    SDL_SetHint(SDL_HINT_NO_SIGNAL_HANDLERS, "1");
    /* The window with the focus is GTK's, not SDL's. */
    SDL_SetHint(SDL_HINT_JOYSTICK_ALLOW_BACKGROUND_EVENTS, "1");
    if (SDL_InitSubSystem(SDL_INIT_GAMECONTROLLER) != 0) {
        g_set_error(error, G_IO_ERROR, G_IO_ERROR_FAILED,
                    _("Cannot start game controller support (SDL): %s"), SDL_GetError());
        return NULL;
    }
    VrGamepads *g = g_new0(VrGamepads, 1);
    g->fn = fn;
    g->data = data;
    g->pads = g_ptr_array_new_with_free_func(pad_free);
    for (int i = 0; i < SDL_NumJoysticks(); i++)
        add_pad(g, i);
    return g;
}

void vr_gamepads_poll(VrGamepads *g)
{
    SDL_GameControllerUpdate();
    SDL_Event ev[32];
    int n;
    while ((n = SDL_PeepEvents(ev, G_N_ELEMENTS(ev), SDL_GETEVENT, SDL_JOYAXISMOTION,
                               SDL_CONTROLLERSENSORUPDATE)) > 0) {
        for (int i = 0; i < n; i++)
            handle(g, &ev[i]);
    }
}

unsigned vr_gamepads_count(VrGamepads *g)
{
    return g->pads->len;
}

const char *vr_gamepads_name(VrGamepads *g, unsigned index)
{
    return index < g->pads->len ? ((Pad *) g_ptr_array_index(g->pads, index))->name : NULL;
}

void vr_gamepads_free(VrGamepads *g)
{
    if (!g)
        return;
    g_ptr_array_unref(g->pads);
    g_free(g);
    SDL_QuitSubSystem(SDL_INIT_GAMECONTROLLER);
}

#else /* !VR_HAVE_SDL2 */

VrGamepads *vr_gamepads_new(VrGamepadEventFn fn, void *data, GError **error)
{
    g_set_error_literal(error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                        _("Game controllers need SDL2, and this Vireo was built without it"));
    return NULL;
}

void vr_gamepads_poll(VrGamepads *g)
{
}

unsigned vr_gamepads_count(VrGamepads *g)
{
    return 0;
}

const char *vr_gamepads_name(VrGamepads *g, unsigned index)
{
    return NULL;
}

void vr_gamepads_free(VrGamepads *g)
{
}

#endif
