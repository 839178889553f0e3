/* Key maps: GDK's keycodes (checked against xkb's own evdev keycode file where it is
 * installed), SDL's scancodes (checked against SDL's header and names), key names, key
 * combinations as events, and the viewers' event groups (checked against Linux's header). */
#include <glib.h>
#include <linux/input-event-codes.h>
#include <string.h>

#include "vr-input-events.h"
#include "vr-keymap.h"

#if __has_include(<SDL.h>)
#include <SDL.h>
#define HAVE_SDL 1
#else
#define HAVE_SDL 0
#endif

static void test_gdk(void)
{
    g_assert_cmpint(vr_keymap_gdk_to_evdev(38), ==, 30);                  /* A */
    g_assert_cmpint(vr_keymap_gdk_to_evdev(50), ==, 42);                  /* left Shift */
    g_assert_cmpint(vr_keymap_gdk_to_evdev(94), ==, 86);                  /* the ISO key, 102ND */
    g_assert_cmpint(vr_keymap_gdk_to_evdev(9), ==, 1);                    /* Escape */
    g_assert_cmpint(vr_keymap_gdk_to_evdev(255), ==, 247);                /* X11's last keycode */
    g_assert_cmpint(vr_keymap_gdk_to_evdev(248 + 8), ==, VR_KEY_MICMUTE); /* Wayland */
    g_assert_cmpint(vr_keymap_gdk_to_evdev(VR_KEY_SELECT + 8), ==, VR_KEY_SELECT);
    /* Nothing: below evdev's first key, the gap at 84, KEY_UNKNOWN, mouse buttons. */
    g_assert_cmpint(vr_keymap_gdk_to_evdev(0), ==, -1);
    g_assert_cmpint(vr_keymap_gdk_to_evdev(8), ==, -1);
    g_assert_cmpint(vr_keymap_gdk_to_evdev(84 + 8), ==, -1);
    g_assert_cmpint(vr_keymap_gdk_to_evdev(240 + 8), ==, -1);
    g_assert_cmpint(vr_keymap_gdk_to_evdev(VR_BTN_LEFT + 8), ==, -1);
    g_assert_cmpint(vr_keymap_gdk_to_evdev(100000), ==, -1);
}

/* xkb's evdev keycodes (what X11 and Wayland give GDK) name keys; each must land on the
 * Linux key of that name. */
static void test_gdk_xkb(void)
{
    static const char *const path = "/usr/share/X11/xkb/keycodes/evdev";
    static const struct {
        const char *xkb, *linux_name;
    } keys[] = {
        {"ESC", "esc"},         {"AC01", "a"},         {"AE01", "1"},       {"LFSH", "leftshift"},
        {"RTSH", "rightshift"}, {"LSGT", "102nd"},     {"RTRN", "enter"},   {"BKSP", "backspace"},
        {"LCTL", "leftctrl"},   {"RCTL", "rightctrl"}, {"LALT", "leftalt"}, {"RALT", "rightalt"},
        {"LWIN", "leftmeta"},   {"RWIN", "rightmeta"}, {"COMP", "compose"}, {"PRSC", "sysrq"},
        {"PAUS", "pause"},      {"DELE", "delete"},    {"INS", "insert"},   {"KPEN", "kpenter"},
        {"KPDV", "kpslash"},    {"KP7", "kp7"},        {"FK01", "f1"},      {"FK12", "f12"},
        {"FK13", "f13"},        {"FK24", "f24"},       {"AB11", "ro"},      {"HENK", "henkan"},
        {"MUHE", "muhenkan"},   {"AE13", "yen"},       {"HNGL", "hangeul"}, {"HJCV", "hanja"},
        {"UP", "up"},           {"PGDN", "pagedown"},  {"MUTE", "mute"},    {"I147", "menu"},
        {"I148", "calc"},
    };
    g_autofree char *text = NULL;
    if (!g_file_get_contents(path, &text, NULL, NULL)) {
        g_test_skip("xkb's evdev keycodes (/usr/share/X11/xkb/keycodes/evdev, xkb-data) are "
                    "not installed");
        return;
    }
    for (size_t i = 0; i < G_N_ELEMENTS(keys); i++) {
        g_autofree char *needle = g_strdup_printf("<%s> = ", keys[i].xkb);
        const char *at = strstr(text, needle);
        g_assert_nonnull(at);
        unsigned keycode = (unsigned) strtoul(at + strlen(needle), NULL, 10);
        int want = vr_keymap_evdev_from_name(keys[i].linux_name);
        g_assert_cmpint(want, >, 0);
        if (vr_keymap_gdk_to_evdev(keycode) != want)
            g_error("xkb <%s> = %u: %d, expected %s (%d)", keys[i].xkb, keycode,
                    vr_keymap_gdk_to_evdev(keycode), keys[i].linux_name, want);
    }
}

#if HAVE_SDL
/* SDL scancodes (from SDL's header) that share a Linux key with another one. */
static bool shares_key(int sc)
{
    return sc == SDL_SCANCODE_NONUSHASH || sc == SDL_SCANCODE_SYSREQ ||
           sc == SDL_SCANCODE_AUDIOMUTE || sc == SDL_SCANCODE_AC_STOP;
}

/* Defined by SDL, with no Linux key. */
static bool no_linux_key(int sc)
{
    static const int none[] = {
        SDL_SCANCODE_KP_EQUALSAS400,
        SDL_SCANCODE_INTERNATIONAL7,
        SDL_SCANCODE_INTERNATIONAL8,
        SDL_SCANCODE_INTERNATIONAL9,
        SDL_SCANCODE_LANG6,
        SDL_SCANCODE_LANG7,
        SDL_SCANCODE_LANG8,
        SDL_SCANCODE_LANG9,
        SDL_SCANCODE_PRIOR,
        SDL_SCANCODE_RETURN2,
        SDL_SCANCODE_SEPARATOR,
        SDL_SCANCODE_OUT,
        SDL_SCANCODE_OPER,
        SDL_SCANCODE_CLEARAGAIN,
        SDL_SCANCODE_CRSEL,
        SDL_SCANCODE_EXSEL,
        SDL_SCANCODE_KP_00,
        SDL_SCANCODE_KP_000,
        SDL_SCANCODE_THOUSANDSSEPARATOR,
        SDL_SCANCODE_DECIMALSEPARATOR,
        SDL_SCANCODE_CURRENCYUNIT,
        SDL_SCANCODE_CURRENCYSUBUNIT,
        SDL_SCANCODE_MODE,
        SDL_SCANCODE_SOFTLEFT,
        SDL_SCANCODE_SOFTRIGHT,
        SDL_SCANCODE_CALL,
        SDL_SCANCODE_ENDCALL,
    };
    for (size_t i = 0; i < G_N_ELEMENTS(none); i++) {
        if (none[i] == sc)
            return true;
    }
    /* The keypad's braces, hexadecimal, logic and memory keys, but its plus-minus. */
    return sc >= SDL_SCANCODE_KP_LEFTBRACE && sc <= SDL_SCANCODE_KP_HEXADECIMAL &&
           sc != SDL_SCANCODE_KP_PLUSMINUS;
}
#endif

/* Chosen keys, by SDL's own constants: the table's numbering is SDL's. */
static void test_sdl_keys(void)
{
#if HAVE_SDL
    static const struct {
        int sdl, key;
    } keys[] = {
        {SDL_SCANCODE_A, VR_KEY_A},
        {SDL_SCANCODE_M, VR_KEY_M},
        {SDL_SCANCODE_Z, VR_KEY_Z},
        {SDL_SCANCODE_1, VR_KEY_1},
        {SDL_SCANCODE_0, VR_KEY_0},
        {SDL_SCANCODE_RETURN, VR_KEY_ENTER},
        {SDL_SCANCODE_GRAVE, VR_KEY_GRAVE},
        {SDL_SCANCODE_F1, VR_KEY_F1},
        {SDL_SCANCODE_F11, VR_KEY_F11},
        {SDL_SCANCODE_F12, VR_KEY_F12},
        {SDL_SCANCODE_F13, VR_KEY_F13},
        {SDL_SCANCODE_F24, VR_KEY_F24},
        {SDL_SCANCODE_PRINTSCREEN, VR_KEY_SYSRQ},
        {SDL_SCANCODE_SYSREQ, VR_KEY_SYSRQ},
        {SDL_SCANCODE_PAUSE, VR_KEY_PAUSE},
        {SDL_SCANCODE_INSERT, VR_KEY_INSERT},
        {SDL_SCANCODE_DELETE, VR_KEY_DELETE},
        {SDL_SCANCODE_UP, VR_KEY_UP},
        {SDL_SCANCODE_NUMLOCKCLEAR, VR_KEY_NUMLOCK},
        {SDL_SCANCODE_KP_DIVIDE, VR_KEY_KPSLASH},
        {SDL_SCANCODE_KP_ENTER, VR_KEY_KPENTER},
        {SDL_SCANCODE_KP_1, VR_KEY_KP1},
        {SDL_SCANCODE_KP_9, VR_KEY_KP9},
        {SDL_SCANCODE_KP_0, VR_KEY_KP0},
        {SDL_SCANCODE_KP_PERIOD, VR_KEY_KPDOT},
        {SDL_SCANCODE_NONUSBACKSLASH, VR_KEY_102ND},
        {SDL_SCANCODE_NONUSHASH, VR_KEY_BACKSLASH},
        {SDL_SCANCODE_APPLICATION, VR_KEY_COMPOSE},
        {SDL_SCANCODE_MENU, VR_KEY_MENU},
        {SDL_SCANCODE_INTERNATIONAL1, VR_KEY_RO},
        {SDL_SCANCODE_INTERNATIONAL2, VR_KEY_KATAKANAHIRAGANA},
        {SDL_SCANCODE_INTERNATIONAL3, VR_KEY_YEN},
        {SDL_SCANCODE_INTERNATIONAL4, VR_KEY_HENKAN},
        {SDL_SCANCODE_INTERNATIONAL5, VR_KEY_MUHENKAN},
        {SDL_SCANCODE_LANG1, VR_KEY_HANGEUL},
        {SDL_SCANCODE_LANG2, VR_KEY_HANJA},
        {SDL_SCANCODE_LCTRL, VR_KEY_LEFTCTRL},
        {SDL_SCANCODE_RCTRL, VR_KEY_RIGHTCTRL},
        {SDL_SCANCODE_RSHIFT, VR_KEY_RIGHTSHIFT},
        {SDL_SCANCODE_RALT, VR_KEY_RIGHTALT},
        {SDL_SCANCODE_LGUI, VR_KEY_LEFTMETA},
        {SDL_SCANCODE_RGUI, VR_KEY_RIGHTMETA},
        {SDL_SCANCODE_MUTE, VR_KEY_MUTE},
        {SDL_SCANCODE_VOLUMEUP, VR_KEY_VOLUMEUP},
        {SDL_SCANCODE_AUDIOPLAY, VR_KEY_PLAYPAUSE},
        {SDL_SCANCODE_AUDIONEXT, VR_KEY_NEXTSONG},
        {SDL_SCANCODE_AC_BACK, VR_KEY_BACK},
        {SDL_SCANCODE_CALCULATOR, VR_KEY_CALC},
        {SDL_SCANCODE_SLEEP, VR_KEY_SLEEP},
        {SDL_SCANCODE_AUDIOFASTFORWARD, VR_KEY_FASTFORWARD},
    };
    for (size_t i = 0; i < G_N_ELEMENTS(keys); i++) {
        if (vr_keymap_sdl_to_evdev(keys[i].sdl) != keys[i].key)
            g_error("SDL %s (%d): %d, expected %d", SDL_GetScancodeName(keys[i].sdl), keys[i].sdl,
                    vr_keymap_sdl_to_evdev(keys[i].sdl), keys[i].key);
    }
    g_assert_cmpint(vr_keymap_sdl_to_evdev(SDL_SCANCODE_UNKNOWN), ==, -1);
    g_assert_cmpint(vr_keymap_sdl_to_evdev(-1), ==, -1);
    g_assert_cmpint(vr_keymap_sdl_to_evdev(SDL_NUM_SCANCODES), ==, -1);
#else
    g_test_skip("SDL2 is not available (Vireo was built without it)");
#endif
}

/* Every scancode SDL defines is a key of Vireo's keyboard, each its own, unless it truly is
 * another one's key or Linux has none. SDL names all but the ISO key and the international
 * and language keys, which its header defines all the same. */
#if HAVE_SDL
static bool sdl_defines(int sc, const char *name)
{
    return (name && *name) || sc == SDL_SCANCODE_NONUSBACKSLASH ||
           (sc >= SDL_SCANCODE_INTERNATIONAL1 && sc <= SDL_SCANCODE_LANG9);
}
#endif

static void test_sdl_all(void)
{
#if HAVE_SDL
    int owner[VR_VIRTIO_INPUT_MAX_CODES];
    for (size_t i = 0; i < G_N_ELEMENTS(owner); i++)
        owner[i] = -1;
    unsigned named = 0, mapped = 0;
    for (int sc = 0; sc < SDL_NUM_SCANCODES; sc++) {
        const char *name = SDL_GetScancodeName((SDL_Scancode) sc);
        int key = vr_keymap_sdl_to_evdev(sc);
        if (!sdl_defines(sc, name)) {
            g_assert_cmpint(key, ==, -1);
            continue;
        }
        if (!name || !*name)
            name = "(unnamed)";
        named++;
        if (no_linux_key(sc)) {
            if (key != -1)
                g_error("SDL %s (%d) maps to %d; Linux has no such key", name, sc, key);
            continue;
        }
        if (key < 0)
            g_error("SDL %s (%d) has no key", name, sc);
        g_assert_true(vr_evdev_is_keyboard_key((unsigned) key));
        mapped++;
        if (shares_key(sc))
            continue;
        if (owner[key] >= 0)
            g_error("SDL %s (%d) and %s (%d) both map to %d (%s)", name, sc,
                    SDL_GetScancodeName((SDL_Scancode) owner[key]), owner[key], key,
                    vr_keymap_evdev_name(key));
        owner[key] = sc;
    }
    g_test_message("%u scancodes defined by SDL, %u mapped", named, mapped);
    g_assert_cmpuint(mapped, >=, 170);
    /* The ones sharing a key share the right one. */
    g_assert_cmpint(vr_keymap_sdl_to_evdev(SDL_SCANCODE_AUDIOMUTE), ==,
                    vr_keymap_sdl_to_evdev(SDL_SCANCODE_MUTE));
    g_assert_cmpint(vr_keymap_sdl_to_evdev(SDL_SCANCODE_AC_STOP), ==,
                    vr_keymap_sdl_to_evdev(SDL_SCANCODE_STOP));
#else
    g_test_skip("SDL2 is not available (Vireo was built without it)");
#endif
}

static void test_names(void)
{
    g_assert_cmpint(vr_keymap_evdev_from_name("ctrl"), ==, VR_KEY_LEFTCTRL);
    g_assert_cmpint(vr_keymap_evdev_from_name("Alt"), ==, VR_KEY_LEFTALT);
    g_assert_cmpint(vr_keymap_evdev_from_name("DELETE"), ==, 111);
    g_assert_cmpint(vr_keymap_evdev_from_name("del"), ==, 111);
    g_assert_cmpint(vr_keymap_evdev_from_name("backspace"), ==, 14);
    g_assert_cmpint(vr_keymap_evdev_from_name("sysrq"), ==, 99);
    g_assert_cmpint(vr_keymap_evdev_from_name("printscreen"), ==, 99);
    g_assert_cmpint(vr_keymap_evdev_from_name("102nd"), ==, 86);
    g_assert_cmpint(vr_keymap_evdev_from_name("altgr"), ==, VR_KEY_RIGHTALT);
    static const int fkeys[] = {59, 60, 61, 62, 63, 64, 65, 66, 67, 68, 87, 88};
    for (unsigned i = 0; i < 12; i++) {
        g_autofree char *name = g_strdup_printf("f%u", i + 1);
        g_assert_cmpint(vr_keymap_evdev_from_name(name), ==, fkeys[i]);
    }
    g_assert_cmpint(vr_keymap_evdev_from_name("f25"), ==, -1);
    g_assert_cmpint(vr_keymap_evdev_from_name(""), ==, -1);
    g_assert_cmpint(vr_keymap_evdev_from_name("reserved"), ==, -1);
    g_assert_cmpstr(vr_keymap_evdev_name(VR_KEY_LEFTCTRL), ==, "leftctrl");
    g_assert_null(vr_keymap_evdev_name(0));
    g_assert_null(vr_keymap_evdev_name(VR_BTN_LEFT));
    /* Every key of the keyboard has a name that leads back to it. */
    for (int code = 0; code < VR_VIRTIO_INPUT_MAX_CODES; code++) {
        if (!vr_evdev_is_keyboard_key((unsigned) code))
            continue;
        const char *name = vr_keymap_evdev_name(code);
        g_assert_nonnull(name);
        g_assert_cmpint(vr_keymap_evdev_from_name(name), ==, code);
    }
}

static void assert_combo(const VrVirtioInputEvent *ev, const int *keys, size_t n)
{
    for (size_t i = 0; i < 2 * n; i++) {
        bool press = i < n;
        int key = press ? keys[i] : keys[2 * n - 1 - i];
        g_assert_cmpuint(ev[2 * i].type, ==, VR_EV_KEY);
        g_assert_cmpint(ev[2 * i].code, ==, key);
        g_assert_cmpint(ev[2 * i].value, ==, press ? 1 : 0);
        g_assert_cmpuint(ev[2 * i + 1].type, ==, VR_EV_SYN);
        g_assert_cmpuint(ev[2 * i + 1].code, ==, VR_SYN_REPORT);
        g_assert_cmpint(ev[2 * i + 1].value, ==, 0);
    }
}

static void test_combos(void)
{
    VrVirtioInputEvent ev[VR_KEYMAP_COMBO_EVENTS(3) + 1];
    const int cad[] = {vr_keymap_evdev_from_name("ctrl"), vr_keymap_evdev_from_name("alt"),
                       vr_keymap_evdev_from_name("delete")};
    g_assert_cmpuint(vr_keymap_combo_events(cad, 3, ev, G_N_ELEMENTS(ev)), ==, 12);
    /* Written out: Ctrl, Alt, Delete down; Delete, Alt, Ctrl up. */
    static const VrVirtioInputEvent want[] = {
        {1, 29, 1},  {0, 0, 0}, {1, 56, 1}, {0, 0, 0}, {1, 111, 1}, {0, 0, 0},
        {1, 111, 0}, {0, 0, 0}, {1, 56, 0}, {0, 0, 0}, {1, 29, 0},  {0, 0, 0},
    };
    g_assert_cmpmem(ev, sizeof(want), want, sizeof(want));

    for (unsigned f = 1; f <= 12; f++) {
        g_autofree char *name = g_strdup_printf("F%u", f);
        const int keys[] = {VR_KEY_LEFTCTRL, VR_KEY_LEFTALT, vr_keymap_evdev_from_name(name)};
        memset(ev, 0xff, sizeof(ev));
        g_assert_cmpuint(vr_keymap_combo_events(keys, 3, ev, 12), ==, 12);
        assert_combo(ev, keys, 3);
        g_assert_cmpuint(ev[12].type, ==, 0xffff); /* nothing past the end */
    }

    /* Refused whole: too little room, nothing to press, not a key. */
    memset(ev, 0xff, sizeof(ev));
    g_assert_cmpuint(vr_keymap_combo_events(cad, 3, ev, 11), ==, 0);
    g_assert_cmpuint(vr_keymap_combo_events(cad, 0, ev, 12), ==, 0);
    const int bad[] = {VR_KEY_LEFTCTRL, -1};
    g_assert_cmpuint(vr_keymap_combo_events(bad, 2, ev, 12), ==, 0);
    const int button[] = {VR_BTN_LEFT};
    g_assert_cmpuint(vr_keymap_combo_events(button, 1, ev, 12), ==, 0);
    g_assert_cmpuint(ev[0].type, ==, 0xffff);
}

/* The event groups of a key, a tablet position with and without a button, the relative
 * mouse and the wheel. */
static void test_event_groups(void)
{
    VrVirtioInputEvent ev[VR_INPUT_EVENTS_MAX];
    g_assert_cmpuint(vr_input_key_events(KEY_A, true, ev), ==, 2);
    g_assert_cmpuint(ev[0].type, ==, EV_KEY);
    g_assert_cmpuint(ev[0].code, ==, KEY_A);
    g_assert_cmpint(ev[0].value, ==, 1);
    g_assert_cmpuint(ev[1].type, ==, EV_SYN);
    g_assert_cmpuint(ev[1].code, ==, SYN_REPORT);
    g_assert_cmpuint(vr_input_key_events(KEY_LEFTSHIFT, false, ev), ==, 2);
    g_assert_cmpint(ev[0].value, ==, 0);

    g_assert_cmpuint(vr_input_tablet_events(100, 32767, 0, false, ev), ==, 3);
    g_assert_cmpuint(ev[0].type, ==, EV_ABS);
    g_assert_cmpuint(ev[0].code, ==, ABS_X);
    g_assert_cmpint(ev[0].value, ==, 100);
    g_assert_cmpuint(ev[1].code, ==, ABS_Y);
    g_assert_cmpint(ev[1].value, ==, 32767);
    g_assert_cmpuint(ev[2].type, ==, EV_SYN);
    g_assert_cmpuint(vr_input_tablet_events(5, 6, BTN_RIGHT, true, ev), ==, 4);
    g_assert_cmpuint(ev[2].type, ==, EV_KEY);
    g_assert_cmpuint(ev[2].code, ==, BTN_RIGHT);
    g_assert_cmpint(ev[2].value, ==, 1);
    g_assert_cmpuint(ev[3].type, ==, EV_SYN);

    g_assert_cmpuint(vr_input_mouse_events(0, 0, ev), ==, 0);
    g_assert_cmpuint(vr_input_mouse_events(-4, 0, ev), ==, 2);
    g_assert_cmpuint(ev[0].type, ==, EV_REL);
    g_assert_cmpuint(ev[0].code, ==, REL_X);
    g_assert_cmpint(ev[0].value, ==, -4);
    g_assert_cmpuint(vr_input_mouse_events(7, 9, ev), ==, 3);
    g_assert_cmpuint(ev[1].code, ==, REL_Y);
    g_assert_cmpint(ev[1].value, ==, 9);
    g_assert_cmpuint(ev[2].type, ==, EV_SYN);

    g_assert_cmpuint(vr_input_wheel_events(0, 0, ev), ==, 0);
    g_assert_cmpuint(vr_input_wheel_events(0, -2, ev), ==, 2);
    g_assert_cmpuint(ev[0].type, ==, EV_REL);
    g_assert_cmpuint(ev[0].code, ==, REL_WHEEL);
    g_assert_cmpint(ev[0].value, ==, -2);
    g_assert_cmpuint(vr_input_wheel_events(3, 1, ev), ==, 3);
    g_assert_cmpuint(ev[0].code, ==, REL_WHEEL);
    g_assert_cmpuint(ev[1].code, ==, REL_HWHEEL);
    g_assert_cmpint(ev[1].value, ==, 3);
    g_assert_cmpuint(ev[2].type, ==, EV_SYN);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/keymap/gdk", test_gdk);
    g_test_add_func("/keymap/gdk-xkb", test_gdk_xkb);
    g_test_add_func("/keymap/sdl-keys", test_sdl_keys);
    g_test_add_func("/keymap/sdl-all", test_sdl_all);
    g_test_add_func("/keymap/names", test_names);
    g_test_add_func("/keymap/combos", test_combos);
    g_test_add_func("/keymap/event-groups", test_event_groups);
    return g_test_run();
}
