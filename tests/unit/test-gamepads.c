/* SDL game controllers to the guest's gamepad: an SDL virtual controller is plugged in while
 * VrGamepads runs, its buttons pressed and its sticks, triggers and d-pad moved, and the guest's
 * driver reads exactly the evdev events of each change from the virtio-input gamepad; unplugged,
 * the guest sees everything let go. */
#include <gio/gio.h>
#include <glib.h>
#include <math.h>
#include <string.h>

#include "virtio-test-driver.h"
#include "virtio/virtio-input.h"
#include "vr-gamepads.h"

#if __has_include(<SDL.h>)
#include <SDL.h>
#define HAVE_VIRTUAL_PADS SDL_VERSION_ATLEAST(2, 24, 0)
#else
#define HAVE_VIRTUAL_PADS 0
#endif

#if __has_include(<SDL.h>)
#define NO_VIRTUAL_PADS "SDL 2.24 or later is not available (SDL_JoystickAttachVirtualEx)"
#else
#define NO_VIRTUAL_PADS "SDL2 is not available (Vireo was built without it)"
#endif

#define RAM_SIZE (16ull << 20)
#define QSIZE    64
#define EVENTQ   0

typedef struct {
    TdMachine m;
    TdQueue q[2];
    uint64_t buf;
    VrVirtioDevice *dev;
} Guest;

static void send_to_gamepad(const VrVirtioInputEvent *events, size_t n, void *data)
{
    g_assert_true(vr_virtio_input_send(data, events, n));
}

#if HAVE_VIRTUAL_PADS
static void guest_start(Guest *g)
{
    g->dev = vr_virtio_input_gamepad_new();
    td_init(&g->m, g->dev, RAM_SIZE, true);
    td_start(&g->m, 0, g->q, 2, QSIZE);
    g->buf = td_alloc(&g->m, 8ull * QSIZE, 8);
    for (uint16_t d = 0; d < QSIZE; d++) {
        td_set_desc(&g->m, &g->q[EVENTQ], d, g->buf + 8ull * d, 8, VR_VIRTQ_DESC_F_WRITE, 0);
        td_publish(&g->m, &g->q[EVENTQ], d);
    }
    td_kick(&g->m, &g->q[EVENTQ]);
}

/* The next event the driver reads; its buffer goes back to the device. */
static VrVirtioInputEvent guest_next(Guest *g)
{
    uint32_t id, len;
    g_assert_true(td_wait_used(&g->m, &g->q[EVENTQ], &id, &len));
    g_assert_cmpuint(len, ==, 8);
    const uint8_t *p = td_host(&g->m, g->buf + 8ull * id);
    VrVirtioInputEvent e;
    e.type = (uint16_t) (p[0] | p[1] << 8);
    e.code = (uint16_t) (p[2] | p[3] << 8);
    e.value = (int32_t) ((uint32_t) p[4] | (uint32_t) p[5] << 8 | (uint32_t) p[6] << 16 |
                         (uint32_t) p[7] << 24);
    td_publish(&g->m, &g->q[EVENTQ], (uint16_t) id);
    td_kick(&g->m, &g->q[EVENTQ]);
    return e;
}

static void expect(Guest *g, uint16_t type, uint16_t code, int32_t value)
{
    VrVirtioInputEvent e = guest_next(g);
    if (e.type != type || e.code != code || e.value != value)
        g_error("guest read (%u, 0x%x, %d), expected (%u, 0x%x, %d)", e.type, e.code, e.value, type,
                code, value);
}

static void expect_syn(Guest *g)
{
    expect(g, VR_EV_SYN, VR_SYN_REPORT, 0);
}

/* The guest reads exactly the n changes of want, in frames each ended by SYN_REPORT, in an
 * order of SDL's choosing (when a controller goes, SDL itself lets go of its axes, then of its
 * buttons, before it reports it gone). */
static void expect_set(Guest *g, const VrVirtioInputEvent *want, size_t n)
{
    bool seen[16] = {false};
    g_assert_cmpuint(n, <=, G_N_ELEMENTS(seen));
    size_t left = n;
    VrVirtioInputEvent e = {0};
    while (left > 0 || e.type != VR_EV_SYN) {
        e = guest_next(g);
        if (e.type == VR_EV_SYN) {
            g_assert_cmpuint(e.code, ==, VR_SYN_REPORT);
            continue;
        }
        size_t i = 0;
        while (i < n && (seen[i] || want[i].type != e.type || want[i].code != e.code ||
                         want[i].value != e.value))
            i++;
        if (i == n)
            g_error("guest read (%u, 0x%x, %d), none of the changes expected", e.type, e.code,
                    e.value);
        seen[i] = true;
        left--;
    }
}

/* Nothing more has reached the guest. */
static void expect_nothing(Guest *g)
{
    td_sync(&g->m);
    g_assert_cmpuint(vr_virtio_input_pending(g->dev), ==, 0);
    g_assert_cmpuint(td_used_idx(&g->m, &g->q[EVENTQ]), ==, g->q[EVENTQ].used_seen);
}

/* A virtual controller SDL maps itself: button i is SDL_GameControllerButton i, axis i is
 * SDL_GameControllerAxis i. Returns its device index. */
static int plug_pad(const char *name)
{
    SDL_VirtualJoystickDesc desc;
    memset(&desc, 0, sizeof(desc));
    desc.version = SDL_VIRTUAL_JOYSTICK_DESC_VERSION;
    desc.type = SDL_JOYSTICK_TYPE_GAMECONTROLLER;
    desc.naxes = SDL_CONTROLLER_AXIS_MAX;
    desc.nbuttons = SDL_CONTROLLER_BUTTON_DPAD_RIGHT + 1;
    desc.name = name;
    int index = SDL_JoystickAttachVirtualEx(&desc);
    if (index < 0)
        g_error("SDL_JoystickAttachVirtualEx: %s", SDL_GetError());
    return index;
}

static void press(VrGamepads *pads, SDL_Joystick *joy, SDL_GameControllerButton b, bool down)
{
    g_assert_cmpint(SDL_JoystickSetVirtualButton(joy, b, down ? SDL_PRESSED : SDL_RELEASED), ==, 0);
    vr_gamepads_poll(pads);
}

static void move(VrGamepads *pads, SDL_Joystick *joy, SDL_GameControllerAxis a, int16_t value)
{
    g_assert_cmpint(SDL_JoystickSetVirtualAxis(joy, a, value), ==, 0);
    vr_gamepads_poll(pads);
}
#endif

static void test_hotplug(void)
{
#if HAVE_VIRTUAL_PADS
    /* No window, no real controllers through HIDAPI. */
    g_setenv("SDL_VIDEODRIVER", "dummy", TRUE);
    SDL_SetHint(SDL_HINT_JOYSTICK_HIDAPI, "0");
    Guest g;
    guest_start(&g);
    g_autoptr(GError) error = NULL;
    g_autoptr(VrGamepads) pads = vr_gamepads_new(send_to_gamepad, g.dev, &error);
    g_assert_no_error(error);
    vr_gamepads_poll(pads);
    if (vr_gamepads_count(pads) > 0) {
        g_autofree char *why = g_strdup_printf("a game controller (%s) is connected to this "
                                               "machine and would feed the guest",
                                               vr_gamepads_name(pads, 0));
        g_test_skip(why);
        td_free(&g.m);
        return;
    }
    g_assert_null(vr_gamepads_name(pads, 0));

    /* Plugged in: named, and at rest (triggers let go) nothing to tell the guest. */
    int index = plug_pad("Vireo Test Pad");
    SDL_Joystick *joy = SDL_JoystickOpen(index);
    g_assert_nonnull(joy);
    g_assert_cmpint(
        SDL_JoystickSetVirtualAxis(joy, SDL_CONTROLLER_AXIS_TRIGGERLEFT, SDL_JOYSTICK_AXIS_MIN), ==,
        0);
    g_assert_cmpint(
        SDL_JoystickSetVirtualAxis(joy, SDL_CONTROLLER_AXIS_TRIGGERRIGHT, SDL_JOYSTICK_AXIS_MIN),
        ==, 0);
    vr_gamepads_poll(pads);
    g_assert_cmpuint(vr_gamepads_count(pads), ==, 1);
    g_assert_cmpstr(vr_gamepads_name(pads, 0), ==, "Vireo Test Pad");
    expect_nothing(&g);

    /* Every button, pressed and let go, as xpad's code. */
    static const struct {
        SDL_GameControllerButton button;
        uint16_t code;
    } buttons[] = {
        {SDL_CONTROLLER_BUTTON_A, 0x130},
        {SDL_CONTROLLER_BUTTON_B, 0x131},
        {SDL_CONTROLLER_BUTTON_X, 0x133},
        {SDL_CONTROLLER_BUTTON_Y, 0x134},
        {SDL_CONTROLLER_BUTTON_BACK, 0x13a},
        {SDL_CONTROLLER_BUTTON_GUIDE, 0x13c},
        {SDL_CONTROLLER_BUTTON_START, 0x13b},
        {SDL_CONTROLLER_BUTTON_LEFTSTICK, 0x13d},
        {SDL_CONTROLLER_BUTTON_RIGHTSTICK, 0x13e},
        {SDL_CONTROLLER_BUTTON_LEFTSHOULDER, 0x136},
        {SDL_CONTROLLER_BUTTON_RIGHTSHOULDER, 0x137},
    };
    for (size_t i = 0; i < G_N_ELEMENTS(buttons); i++) {
        press(pads, joy, buttons[i].button, true);
        expect(&g, VR_EV_KEY, buttons[i].code, 1);
        expect_syn(&g);
        /* SDL holds back a guide button let go within 250 ms of its press. */
        if (buttons[i].button == SDL_CONTROLLER_BUTTON_GUIDE)
            g_usleep(300 * 1000);
        press(pads, joy, buttons[i].button, false);
        expect(&g, VR_EV_KEY, buttons[i].code, 0);
        expect_syn(&g);
    }
    expect_nothing(&g);

    /* Sticks keep SDL's values; up is negative in both. */
    move(pads, joy, SDL_CONTROLLER_AXIS_LEFTX, 12345);
    expect(&g, VR_EV_ABS, 0x00, 12345);
    expect_syn(&g);
    move(pads, joy, SDL_CONTROLLER_AXIS_LEFTY, SDL_JOYSTICK_AXIS_MIN);
    expect(&g, VR_EV_ABS, 0x01, -32768);
    expect_syn(&g);
    move(pads, joy, SDL_CONTROLLER_AXIS_RIGHTX, SDL_JOYSTICK_AXIS_MAX);
    expect(&g, VR_EV_ABS, 0x03, 32767);
    expect_syn(&g);
    move(pads, joy, SDL_CONTROLLER_AXIS_RIGHTY, -7);
    expect(&g, VR_EV_ABS, 0x04, -7);
    expect_syn(&g);
    move(pads, joy, SDL_CONTROLLER_AXIS_LEFTY, 0);
    expect(&g, VR_EV_ABS, 0x01, 0);
    expect_syn(&g);

    /* Triggers: SDL's 0..32767 on xpad's 0..255. */
    move(pads, joy, SDL_CONTROLLER_AXIS_TRIGGERRIGHT, SDL_JOYSTICK_AXIS_MAX);
    expect(&g, VR_EV_ABS, 0x05, 255);
    expect_syn(&g);
    move(pads, joy, SDL_CONTROLLER_AXIS_TRIGGERLEFT, 0); /* half way */
    SDL_GameController *c = SDL_GameControllerFromInstanceID(SDL_JoystickInstanceID(joy));
    int16_t half = SDL_GameControllerGetAxis(c, SDL_CONTROLLER_AXIS_TRIGGERLEFT);
    g_assert_cmpint(half, >, 16000);
    g_assert_cmpint(half, <, 16800);
    expect(&g, VR_EV_ABS, 0x02, (int32_t) lround(half * 255.0 / 32767.0));
    expect_syn(&g);
    move(pads, joy, SDL_CONTROLLER_AXIS_TRIGGERLEFT, SDL_JOYSTICK_AXIS_MIN);
    expect(&g, VR_EV_ABS, 0x02, 0);
    expect_syn(&g);

    /* The d-pad is a hat: left and up negative, both directions of one axis cancel. */
    press(pads, joy, SDL_CONTROLLER_BUTTON_DPAD_LEFT, true);
    expect(&g, VR_EV_ABS, 0x10, -1);
    expect_syn(&g);
    press(pads, joy, SDL_CONTROLLER_BUTTON_DPAD_UP, true);
    expect(&g, VR_EV_ABS, 0x11, -1);
    expect_syn(&g);
    press(pads, joy, SDL_CONTROLLER_BUTTON_DPAD_RIGHT, true);
    expect(&g, VR_EV_ABS, 0x10, 0);
    expect_syn(&g);
    press(pads, joy, SDL_CONTROLLER_BUTTON_DPAD_LEFT, false);
    expect(&g, VR_EV_ABS, 0x10, 1);
    expect_syn(&g);
    press(pads, joy, SDL_CONTROLLER_BUTTON_DPAD_UP, false);
    expect(&g, VR_EV_ABS, 0x11, 0);
    expect_syn(&g);
    press(pads, joy, SDL_CONTROLLER_BUTTON_DPAD_DOWN, true);
    expect(&g, VR_EV_ABS, 0x11, 1);
    expect_syn(&g);
    press(pads, joy, SDL_CONTROLLER_BUTTON_DPAD_DOWN, false);
    expect(&g, VR_EV_ABS, 0x11, 0);
    expect_syn(&g);

    /* Unplugged while B and RB are held, the d-pad pushed right and sticks and a trigger
     * moved: the guest sees all of it let go at once. */
    press(pads, joy, SDL_CONTROLLER_BUTTON_B, true);
    expect(&g, VR_EV_KEY, 0x131, 1);
    expect_syn(&g);
    press(pads, joy, SDL_CONTROLLER_BUTTON_RIGHTSHOULDER, true);
    expect(&g, VR_EV_KEY, 0x137, 1);
    expect_syn(&g);
    expect_nothing(&g);
    SDL_JoystickClose(joy);
    g_assert_cmpint(SDL_JoystickDetachVirtual(index), ==, 0);
    vr_gamepads_poll(pads);
    g_assert_cmpuint(vr_gamepads_count(pads), ==, 0);
    g_assert_null(vr_gamepads_name(pads, 0));
    static const VrVirtioInputEvent let_go[] = {
        {VR_EV_KEY, 0x131, 0}, {VR_EV_KEY, 0x137, 0}, {VR_EV_ABS, 0x10, 0}, {VR_EV_ABS, 0x00, 0},
        {VR_EV_ABS, 0x03, 0},  {VR_EV_ABS, 0x04, 0},  {VR_EV_ABS, 0x05, 0},
    };
    expect_set(&g, let_go, G_N_ELEMENTS(let_go));
    expect_nothing(&g);

    /* Plugged in again, it feeds the guest again. */
    index = plug_pad("Vireo Second Pad");
    joy = SDL_JoystickOpen(index);
    g_assert_nonnull(joy);
    SDL_JoystickSetVirtualAxis(joy, SDL_CONTROLLER_AXIS_TRIGGERLEFT, SDL_JOYSTICK_AXIS_MIN);
    SDL_JoystickSetVirtualAxis(joy, SDL_CONTROLLER_AXIS_TRIGGERRIGHT, SDL_JOYSTICK_AXIS_MIN);
    vr_gamepads_poll(pads);
    g_assert_cmpuint(vr_gamepads_count(pads), ==, 1);
    g_assert_cmpstr(vr_gamepads_name(pads, 0), ==, "Vireo Second Pad");
    press(pads, joy, SDL_CONTROLLER_BUTTON_START, true);
    expect(&g, VR_EV_KEY, 0x13b, 1);
    expect_syn(&g);
    SDL_JoystickClose(joy);
    SDL_JoystickDetachVirtual(index);
    vr_gamepads_poll(pads);
    expect(&g, VR_EV_KEY, 0x13b, 0);
    expect_syn(&g);
    expect_nothing(&g);
    g_assert_cmpuint(vr_gamepads_count(pads), ==, 0);
    td_free(&g.m);
#else
    g_test_skip(NO_VIRTUAL_PADS);
#endif
}

/* A second controller waits while the first one feeds the guest, then takes over from its own
 * state. */
static void test_second_pad(void)
{
#if HAVE_VIRTUAL_PADS
    Guest g;
    guest_start(&g);
    g_autoptr(GError) error = NULL;
    g_autoptr(VrGamepads) pads = vr_gamepads_new(send_to_gamepad, g.dev, &error);
    g_assert_no_error(error);
    vr_gamepads_poll(pads);
    if (vr_gamepads_count(pads) > 0) {
        g_test_skip("a game controller is connected to this machine");
        td_free(&g.m);
        return;
    }
    int first = plug_pad("First");
    SDL_Joystick *j1 = SDL_JoystickOpen(first);
    SDL_JoystickSetVirtualAxis(j1, SDL_CONTROLLER_AXIS_TRIGGERLEFT, SDL_JOYSTICK_AXIS_MIN);
    SDL_JoystickSetVirtualAxis(j1, SDL_CONTROLLER_AXIS_TRIGGERRIGHT, SDL_JOYSTICK_AXIS_MIN);
    vr_gamepads_poll(pads);
    int second = plug_pad("Second");
    SDL_Joystick *j2 = SDL_JoystickOpen(second);
    SDL_JoystickSetVirtualAxis(j2, SDL_CONTROLLER_AXIS_TRIGGERLEFT, SDL_JOYSTICK_AXIS_MIN);
    SDL_JoystickSetVirtualAxis(j2, SDL_CONTROLLER_AXIS_TRIGGERRIGHT, SDL_JOYSTICK_AXIS_MIN);
    vr_gamepads_poll(pads);
    g_assert_cmpuint(vr_gamepads_count(pads), ==, 2);
    g_assert_cmpstr(vr_gamepads_name(pads, 0), ==, "First");
    g_assert_cmpstr(vr_gamepads_name(pads, 1), ==, "Second");

    /* The second one's buttons do not reach the guest while the first one feeds it. */
    press(pads, j2, SDL_CONTROLLER_BUTTON_Y, true);
    move(pads, j2, SDL_CONTROLLER_AXIS_RIGHTX, 1000);
    expect_nothing(&g);
    press(pads, j1, SDL_CONTROLLER_BUTTON_A, true);
    expect(&g, VR_EV_KEY, 0x130, 1);
    expect_syn(&g);

    /* The first one goes: A let go, Y held and the right stick where the second one has
     * them. */
    SDL_JoystickClose(j1);
    SDL_JoystickDetachVirtual(first);
    vr_gamepads_poll(pads);
    g_assert_cmpuint(vr_gamepads_count(pads), ==, 1);
    g_assert_cmpstr(vr_gamepads_name(pads, 0), ==, "Second");
    static const VrVirtioInputEvent take_over[] = {
        {VR_EV_KEY, 0x130, 0}, {VR_EV_KEY, 0x134, 1}, {VR_EV_ABS, 0x03, 1000}};
    expect_set(&g, take_over, G_N_ELEMENTS(take_over));
    expect_nothing(&g);

    SDL_JoystickClose(j2);
    for (int i = SDL_NumJoysticks() - 1; i >= 0; i--) {
        if (SDL_JoystickIsVirtual(i))
            SDL_JoystickDetachVirtual(i);
    }
    vr_gamepads_poll(pads);
    g_assert_cmpuint(vr_gamepads_count(pads), ==, 0);
    static const VrVirtioInputEvent let_go[] = {{VR_EV_KEY, 0x134, 0}, {VR_EV_ABS, 0x03, 0}};
    expect_set(&g, let_go, G_N_ELEMENTS(let_go));
    expect_nothing(&g);
    td_free(&g.m);
#else
    g_test_skip(NO_VIRTUAL_PADS);
#endif
}

#if !__has_include(<SDL.h>)
/* Built without SDL2: the reason comes back. */
static void test_without_sdl(void)
{
    g_autoptr(GError) error = NULL;
    g_assert_null(vr_gamepads_new(send_to_gamepad, NULL, &error));
    g_assert_error(error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED);
    g_assert_nonnull(strstr(error->message, "SDL2"));
}
#endif

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/gamepads/hotplug", test_hotplug);
    g_test_add_func("/gamepads/second-pad", test_second_pad);
#if !__has_include(<SDL.h>)
    g_test_add_func("/gamepads/without-sdl", test_without_sdl);
#endif
    return g_test_run();
}
