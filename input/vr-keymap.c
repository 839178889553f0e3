/* Host key codes to evdev key codes: GDK's are evdev + 8, SDL's are USB HID usages (below
 * 0x100) and SDL's own numbers for media keys (from 257), mapped here by what each key is. */
#include "vr-keymap.h"

#include <glib.h>
#include <stdint.h>

/* Indexed by SDL_Scancode. Where Linux's own drivers disagree with a name, the key follows
 * what a Linux host reports, so a key read by SDL on Linux comes back as the same evdev code:
 * PrintScreen and SysRq are one key (SYSRQ); the PC keyboard's Menu key is APPLICATION in SDL
 * and COMPOSE in Linux, while SDL's MENU is Linux's MENU; HID's Execute is Linux's OPEN.
 * NONUSHASH, the ISO key left of Enter, is the key Linux calls BACKSLASH, as US BACKSLASH is;
 * AUDIOMUTE and MUTE, AC_STOP and STOP are one key each. 0: no Linux key (the keypad's
 * hexadecimal, logic and memory keys, INTERNATIONAL7-9, LANG6-9, phone keys, ...). */
static const uint16_t sdl_keys[] = {
    [4] = VR_KEY_A,                  /* A */
    [5] = VR_KEY_B,                  /* B */
    [6] = VR_KEY_C,                  /* C */
    [7] = VR_KEY_D,                  /* D */
    [8] = VR_KEY_E,                  /* E */
    [9] = VR_KEY_F,                  /* F */
    [10] = VR_KEY_G,                 /* G */
    [11] = VR_KEY_H,                 /* H */
    [12] = VR_KEY_I,                 /* I */
    [13] = VR_KEY_J,                 /* J */
    [14] = VR_KEY_K,                 /* K */
    [15] = VR_KEY_L,                 /* L */
    [16] = VR_KEY_M,                 /* M */
    [17] = VR_KEY_N,                 /* N */
    [18] = VR_KEY_O,                 /* O */
    [19] = VR_KEY_P,                 /* P */
    [20] = VR_KEY_Q,                 /* Q */
    [21] = VR_KEY_R,                 /* R */
    [22] = VR_KEY_S,                 /* S */
    [23] = VR_KEY_T,                 /* T */
    [24] = VR_KEY_U,                 /* U */
    [25] = VR_KEY_V,                 /* V */
    [26] = VR_KEY_W,                 /* W */
    [27] = VR_KEY_X,                 /* X */
    [28] = VR_KEY_Y,                 /* Y */
    [29] = VR_KEY_Z,                 /* Z */
    [30] = VR_KEY_1,                 /* 1 */
    [31] = VR_KEY_2,                 /* 2 */
    [32] = VR_KEY_3,                 /* 3 */
    [33] = VR_KEY_4,                 /* 4 */
    [34] = VR_KEY_5,                 /* 5 */
    [35] = VR_KEY_6,                 /* 6 */
    [36] = VR_KEY_7,                 /* 7 */
    [37] = VR_KEY_8,                 /* 8 */
    [38] = VR_KEY_9,                 /* 9 */
    [39] = VR_KEY_0,                 /* 0 */
    [40] = VR_KEY_ENTER,             /* RETURN */
    [41] = VR_KEY_ESC,               /* ESCAPE */
    [42] = VR_KEY_BACKSPACE,         /* BACKSPACE */
    [43] = VR_KEY_TAB,               /* TAB */
    [44] = VR_KEY_SPACE,             /* SPACE */
    [45] = VR_KEY_MINUS,             /* MINUS */
    [46] = VR_KEY_EQUAL,             /* EQUALS */
    [47] = VR_KEY_LEFTBRACE,         /* LEFTBRACKET */
    [48] = VR_KEY_RIGHTBRACE,        /* RIGHTBRACKET */
    [49] = VR_KEY_BACKSLASH,         /* BACKSLASH */
    [50] = VR_KEY_BACKSLASH,         /* NONUSHASH */
    [51] = VR_KEY_SEMICOLON,         /* SEMICOLON */
    [52] = VR_KEY_APOSTROPHE,        /* APOSTROPHE */
    [53] = VR_KEY_GRAVE,             /* GRAVE */
    [54] = VR_KEY_COMMA,             /* COMMA */
    [55] = VR_KEY_DOT,               /* PERIOD */
    [56] = VR_KEY_SLASH,             /* SLASH */
    [57] = VR_KEY_CAPSLOCK,          /* CAPSLOCK */
    [58] = VR_KEY_F1,                /* F1 */
    [59] = VR_KEY_F2,                /* F2 */
    [60] = VR_KEY_F3,                /* F3 */
    [61] = VR_KEY_F4,                /* F4 */
    [62] = VR_KEY_F5,                /* F5 */
    [63] = VR_KEY_F6,                /* F6 */
    [64] = VR_KEY_F7,                /* F7 */
    [65] = VR_KEY_F8,                /* F8 */
    [66] = VR_KEY_F9,                /* F9 */
    [67] = VR_KEY_F10,               /* F10 */
    [68] = VR_KEY_F11,               /* F11 */
    [69] = VR_KEY_F12,               /* F12 */
    [70] = VR_KEY_SYSRQ,             /* PRINTSCREEN */
    [71] = VR_KEY_SCROLLLOCK,        /* SCROLLLOCK */
    [72] = VR_KEY_PAUSE,             /* PAUSE */
    [73] = VR_KEY_INSERT,            /* INSERT */
    [74] = VR_KEY_HOME,              /* HOME */
    [75] = VR_KEY_PAGEUP,            /* PAGEUP */
    [76] = VR_KEY_DELETE,            /* DELETE */
    [77] = VR_KEY_END,               /* END */
    [78] = VR_KEY_PAGEDOWN,          /* PAGEDOWN */
    [79] = VR_KEY_RIGHT,             /* RIGHT */
    [80] = VR_KEY_LEFT,              /* LEFT */
    [81] = VR_KEY_DOWN,              /* DOWN */
    [82] = VR_KEY_UP,                /* UP */
    [83] = VR_KEY_NUMLOCK,           /* NUMLOCKCLEAR */
    [84] = VR_KEY_KPSLASH,           /* KP_DIVIDE */
    [85] = VR_KEY_KPASTERISK,        /* KP_MULTIPLY */
    [86] = VR_KEY_KPMINUS,           /* KP_MINUS */
    [87] = VR_KEY_KPPLUS,            /* KP_PLUS */
    [88] = VR_KEY_KPENTER,           /* KP_ENTER */
    [89] = VR_KEY_KP1,               /* KP_1 */
    [90] = VR_KEY_KP2,               /* KP_2 */
    [91] = VR_KEY_KP3,               /* KP_3 */
    [92] = VR_KEY_KP4,               /* KP_4 */
    [93] = VR_KEY_KP5,               /* KP_5 */
    [94] = VR_KEY_KP6,               /* KP_6 */
    [95] = VR_KEY_KP7,               /* KP_7 */
    [96] = VR_KEY_KP8,               /* KP_8 */
    [97] = VR_KEY_KP9,               /* KP_9 */
    [98] = VR_KEY_KP0,               /* KP_0 */
    [99] = VR_KEY_KPDOT,             /* KP_PERIOD */
    [100] = VR_KEY_102ND,            /* NONUSBACKSLASH */
    [101] = VR_KEY_COMPOSE,          /* APPLICATION */
    [102] = VR_KEY_POWER,            /* POWER */
    [103] = VR_KEY_KPEQUAL,          /* KP_EQUALS */
    [104] = VR_KEY_F13,              /* F13 */
    [105] = VR_KEY_F14,              /* F14 */
    [106] = VR_KEY_F15,              /* F15 */
    [107] = VR_KEY_F16,              /* F16 */
    [108] = VR_KEY_F17,              /* F17 */
    [109] = VR_KEY_F18,              /* F18 */
    [110] = VR_KEY_F19,              /* F19 */
    [111] = VR_KEY_F20,              /* F20 */
    [112] = VR_KEY_F21,              /* F21 */
    [113] = VR_KEY_F22,              /* F22 */
    [114] = VR_KEY_F23,              /* F23 */
    [115] = VR_KEY_F24,              /* F24 */
    [116] = VR_KEY_OPEN,             /* EXECUTE */
    [117] = VR_KEY_HELP,             /* HELP */
    [118] = VR_KEY_MENU,             /* MENU */
    [119] = VR_KEY_SELECT,           /* SELECT */
    [120] = VR_KEY_STOP,             /* STOP */
    [121] = VR_KEY_AGAIN,            /* AGAIN */
    [122] = VR_KEY_UNDO,             /* UNDO */
    [123] = VR_KEY_CUT,              /* CUT */
    [124] = VR_KEY_COPY,             /* COPY */
    [125] = VR_KEY_PASTE,            /* PASTE */
    [126] = VR_KEY_FIND,             /* FIND */
    [127] = VR_KEY_MUTE,             /* MUTE */
    [128] = VR_KEY_VOLUMEUP,         /* VOLUMEUP */
    [129] = VR_KEY_VOLUMEDOWN,       /* VOLUMEDOWN */
    [133] = VR_KEY_KPCOMMA,          /* KP_COMMA */
    [135] = VR_KEY_RO,               /* INTERNATIONAL1 */
    [136] = VR_KEY_KATAKANAHIRAGANA, /* INTERNATIONAL2 */
    [137] = VR_KEY_YEN,              /* INTERNATIONAL3 */
    [138] = VR_KEY_HENKAN,           /* INTERNATIONAL4 */
    [139] = VR_KEY_MUHENKAN,         /* INTERNATIONAL5 */
    [140] = VR_KEY_KPJPCOMMA,        /* INTERNATIONAL6 */
    [144] = VR_KEY_HANGEUL,          /* LANG1 */
    [145] = VR_KEY_HANJA,            /* LANG2 */
    [146] = VR_KEY_KATAKANA,         /* LANG3 */
    [147] = VR_KEY_HIRAGANA,         /* LANG4 */
    [148] = VR_KEY_ZENKAKUHANKAKU,   /* LANG5 */
    [153] = VR_KEY_ALTERASE,         /* ALTERASE */
    [154] = VR_KEY_SYSRQ,            /* SYSREQ */
    [155] = VR_KEY_CANCEL,           /* CANCEL */
    [156] = VR_KEY_CLEAR,            /* CLEAR */
    [182] = VR_KEY_KPLEFTPAREN,      /* KP_LEFTPAREN */
    [183] = VR_KEY_KPRIGHTPAREN,     /* KP_RIGHTPAREN */
    [215] = VR_KEY_KPPLUSMINUS,      /* KP_PLUSMINUS */
    [224] = VR_KEY_LEFTCTRL,         /* LCTRL */
    [225] = VR_KEY_LEFTSHIFT,        /* LSHIFT */
    [226] = VR_KEY_LEFTALT,          /* LALT */
    [227] = VR_KEY_LEFTMETA,         /* LGUI */
    [228] = VR_KEY_RIGHTCTRL,        /* RCTRL */
    [229] = VR_KEY_RIGHTSHIFT,       /* RSHIFT */
    [230] = VR_KEY_RIGHTALT,         /* RALT */
    [231] = VR_KEY_RIGHTMETA,        /* RGUI */
    [258] = VR_KEY_NEXTSONG,         /* AUDIONEXT */
    [259] = VR_KEY_PREVIOUSSONG,     /* AUDIOPREV */
    [260] = VR_KEY_STOPCD,           /* AUDIOSTOP */
    [261] = VR_KEY_PLAYPAUSE,        /* AUDIOPLAY */
    [262] = VR_KEY_MUTE,             /* AUDIOMUTE */
    [263] = VR_KEY_MEDIA,            /* MEDIASELECT */
    [264] = VR_KEY_WWW,              /* WWW */
    [265] = VR_KEY_MAIL,             /* MAIL */
    [266] = VR_KEY_CALC,             /* CALCULATOR */
    [267] = VR_KEY_COMPUTER,         /* COMPUTER */
    [268] = VR_KEY_SEARCH,           /* AC_SEARCH */
    [269] = VR_KEY_HOMEPAGE,         /* AC_HOME */
    [270] = VR_KEY_BACK,             /* AC_BACK */
    [271] = VR_KEY_FORWARD,          /* AC_FORWARD */
    [272] = VR_KEY_STOP,             /* AC_STOP */
    [273] = VR_KEY_REFRESH,          /* AC_REFRESH */
    [274] = VR_KEY_BOOKMARKS,        /* AC_BOOKMARKS */
    [275] = VR_KEY_BRIGHTNESSDOWN,   /* BRIGHTNESSDOWN */
    [276] = VR_KEY_BRIGHTNESSUP,     /* BRIGHTNESSUP */
    [277] = VR_KEY_SWITCHVIDEOMODE,  /* DISPLAYSWITCH */
    [278] = VR_KEY_KBDILLUMTOGGLE,   /* KBDILLUMTOGGLE */
    [279] = VR_KEY_KBDILLUMDOWN,     /* KBDILLUMDOWN */
    [280] = VR_KEY_KBDILLUMUP,       /* KBDILLUMUP */
    [281] = VR_KEY_EJECTCD,          /* EJECT */
    [282] = VR_KEY_SLEEP,            /* SLEEP */
    [283] = VR_KEY_PROG1,            /* APP1 */
    [284] = VR_KEY_PROG2,            /* APP2 */
    [285] = VR_KEY_REWIND,           /* AUDIOREWIND */
    [286] = VR_KEY_FASTFORWARD,      /* AUDIOFASTFORWARD */
};

/* Linux's names of its key codes, lower case, without KEY_. */
static const struct {
    uint16_t code;
    const char *name;
} key_names[] = {
    {VR_KEY_ESC, "esc"},
    {VR_KEY_1, "1"},
    {VR_KEY_2, "2"},
    {VR_KEY_3, "3"},
    {VR_KEY_4, "4"},
    {VR_KEY_5, "5"},
    {VR_KEY_6, "6"},
    {VR_KEY_7, "7"},
    {VR_KEY_8, "8"},
    {VR_KEY_9, "9"},
    {VR_KEY_0, "0"},
    {VR_KEY_MINUS, "minus"},
    {VR_KEY_EQUAL, "equal"},
    {VR_KEY_BACKSPACE, "backspace"},
    {VR_KEY_TAB, "tab"},
    {VR_KEY_Q, "q"},
    {VR_KEY_W, "w"},
    {VR_KEY_E, "e"},
    {VR_KEY_R, "r"},
    {VR_KEY_T, "t"},
    {VR_KEY_Y, "y"},
    {VR_KEY_U, "u"},
    {VR_KEY_I, "i"},
    {VR_KEY_O, "o"},
    {VR_KEY_P, "p"},
    {VR_KEY_LEFTBRACE, "leftbrace"},
    {VR_KEY_RIGHTBRACE, "rightbrace"},
    {VR_KEY_ENTER, "enter"},
    {VR_KEY_LEFTCTRL, "leftctrl"},
    {VR_KEY_A, "a"},
    {VR_KEY_S, "s"},
    {VR_KEY_D, "d"},
    {VR_KEY_F, "f"},
    {VR_KEY_G, "g"},
    {VR_KEY_H, "h"},
    {VR_KEY_J, "j"},
    {VR_KEY_K, "k"},
    {VR_KEY_L, "l"},
    {VR_KEY_SEMICOLON, "semicolon"},
    {VR_KEY_APOSTROPHE, "apostrophe"},
    {VR_KEY_GRAVE, "grave"},
    {VR_KEY_LEFTSHIFT, "leftshift"},
    {VR_KEY_BACKSLASH, "backslash"},
    {VR_KEY_Z, "z"},
    {VR_KEY_X, "x"},
    {VR_KEY_C, "c"},
    {VR_KEY_V, "v"},
    {VR_KEY_B, "b"},
    {VR_KEY_N, "n"},
    {VR_KEY_M, "m"},
    {VR_KEY_COMMA, "comma"},
    {VR_KEY_DOT, "dot"},
    {VR_KEY_SLASH, "slash"},
    {VR_KEY_RIGHTSHIFT, "rightshift"},
    {VR_KEY_KPASTERISK, "kpasterisk"},
    {VR_KEY_LEFTALT, "leftalt"},
    {VR_KEY_SPACE, "space"},
    {VR_KEY_CAPSLOCK, "capslock"},
    {VR_KEY_F1, "f1"},
    {VR_KEY_F2, "f2"},
    {VR_KEY_F3, "f3"},
    {VR_KEY_F4, "f4"},
    {VR_KEY_F5, "f5"},
    {VR_KEY_F6, "f6"},
    {VR_KEY_F7, "f7"},
    {VR_KEY_F8, "f8"},
    {VR_KEY_F9, "f9"},
    {VR_KEY_F10, "f10"},
    {VR_KEY_NUMLOCK, "numlock"},
    {VR_KEY_SCROLLLOCK, "scrolllock"},
    {VR_KEY_KP7, "kp7"},
    {VR_KEY_KP8, "kp8"},
    {VR_KEY_KP9, "kp9"},
    {VR_KEY_KPMINUS, "kpminus"},
    {VR_KEY_KP4, "kp4"},
    {VR_KEY_KP5, "kp5"},
    {VR_KEY_KP6, "kp6"},
    {VR_KEY_KPPLUS, "kpplus"},
    {VR_KEY_KP1, "kp1"},
    {VR_KEY_KP2, "kp2"},
    {VR_KEY_KP3, "kp3"},
    {VR_KEY_KP0, "kp0"},
    {VR_KEY_KPDOT, "kpdot"},
    {VR_KEY_ZENKAKUHANKAKU, "zenkakuhankaku"},
    {VR_KEY_102ND, "102nd"},
    {VR_KEY_F11, "f11"},
    {VR_KEY_F12, "f12"},
    {VR_KEY_RO, "ro"},
    {VR_KEY_KATAKANA, "katakana"},
    {VR_KEY_HIRAGANA, "hiragana"},
    {VR_KEY_HENKAN, "henkan"},
    {VR_KEY_KATAKANAHIRAGANA, "katakanahiragana"},
    {VR_KEY_MUHENKAN, "muhenkan"},
    {VR_KEY_KPJPCOMMA, "kpjpcomma"},
    {VR_KEY_KPENTER, "kpenter"},
    {VR_KEY_RIGHTCTRL, "rightctrl"},
    {VR_KEY_KPSLASH, "kpslash"},
    {VR_KEY_SYSRQ, "sysrq"},
    {VR_KEY_RIGHTALT, "rightalt"},
    {VR_KEY_LINEFEED, "linefeed"},
    {VR_KEY_HOME, "home"},
    {VR_KEY_UP, "up"},
    {VR_KEY_PAGEUP, "pageup"},
    {VR_KEY_LEFT, "left"},
    {VR_KEY_RIGHT, "right"},
    {VR_KEY_END, "end"},
    {VR_KEY_DOWN, "down"},
    {VR_KEY_PAGEDOWN, "pagedown"},
    {VR_KEY_INSERT, "insert"},
    {VR_KEY_DELETE, "delete"},
    {VR_KEY_MACRO, "macro"},
    {VR_KEY_MUTE, "mute"},
    {VR_KEY_VOLUMEDOWN, "volumedown"},
    {VR_KEY_VOLUMEUP, "volumeup"},
    {VR_KEY_POWER, "power"},
    {VR_KEY_KPEQUAL, "kpequal"},
    {VR_KEY_KPPLUSMINUS, "kpplusminus"},
    {VR_KEY_PAUSE, "pause"},
    {VR_KEY_SCALE, "scale"},
    {VR_KEY_KPCOMMA, "kpcomma"},
    {VR_KEY_HANGEUL, "hangeul"},
    {VR_KEY_HANJA, "hanja"},
    {VR_KEY_YEN, "yen"},
    {VR_KEY_LEFTMETA, "leftmeta"},
    {VR_KEY_RIGHTMETA, "rightmeta"},
    {VR_KEY_COMPOSE, "compose"},
    {VR_KEY_STOP, "stop"},
    {VR_KEY_AGAIN, "again"},
    {VR_KEY_PROPS, "props"},
    {VR_KEY_UNDO, "undo"},
    {VR_KEY_FRONT, "front"},
    {VR_KEY_COPY, "copy"},
    {VR_KEY_OPEN, "open"},
    {VR_KEY_PASTE, "paste"},
    {VR_KEY_FIND, "find"},
    {VR_KEY_CUT, "cut"},
    {VR_KEY_HELP, "help"},
    {VR_KEY_MENU, "menu"},
    {VR_KEY_CALC, "calc"},
    {VR_KEY_SETUP, "setup"},
    {VR_KEY_SLEEP, "sleep"},
    {VR_KEY_WAKEUP, "wakeup"},
    {VR_KEY_FILE, "file"},
    {VR_KEY_SENDFILE, "sendfile"},
    {VR_KEY_DELETEFILE, "deletefile"},
    {VR_KEY_XFER, "xfer"},
    {VR_KEY_PROG1, "prog1"},
    {VR_KEY_PROG2, "prog2"},
    {VR_KEY_WWW, "www"},
    {VR_KEY_MSDOS, "msdos"},
    {VR_KEY_COFFEE, "coffee"},
    {VR_KEY_ROTATE_DISPLAY, "rotate_display"},
    {VR_KEY_CYCLEWINDOWS, "cyclewindows"},
    {VR_KEY_MAIL, "mail"},
    {VR_KEY_BOOKMARKS, "bookmarks"},
    {VR_KEY_COMPUTER, "computer"},
    {VR_KEY_BACK, "back"},
    {VR_KEY_FORWARD, "forward"},
    {VR_KEY_CLOSECD, "closecd"},
    {VR_KEY_EJECTCD, "ejectcd"},
    {VR_KEY_EJECTCLOSECD, "ejectclosecd"},
    {VR_KEY_NEXTSONG, "nextsong"},
    {VR_KEY_PLAYPAUSE, "playpause"},
    {VR_KEY_PREVIOUSSONG, "previoussong"},
    {VR_KEY_STOPCD, "stopcd"},
    {VR_KEY_RECORD, "record"},
    {VR_KEY_REWIND, "rewind"},
    {VR_KEY_PHONE, "phone"},
    {VR_KEY_ISO, "iso"},
    {VR_KEY_CONFIG, "config"},
    {VR_KEY_HOMEPAGE, "homepage"},
    {VR_KEY_REFRESH, "refresh"},
    {VR_KEY_EXIT, "exit"},
    {VR_KEY_MOVE, "move"},
    {VR_KEY_EDIT, "edit"},
    {VR_KEY_SCROLLUP, "scrollup"},
    {VR_KEY_SCROLLDOWN, "scrolldown"},
    {VR_KEY_KPLEFTPAREN, "kpleftparen"},
    {VR_KEY_KPRIGHTPAREN, "kprightparen"},
    {VR_KEY_NEW, "new"},
    {VR_KEY_REDO, "redo"},
    {VR_KEY_F13, "f13"},
    {VR_KEY_F14, "f14"},
    {VR_KEY_F15, "f15"},
    {VR_KEY_F16, "f16"},
    {VR_KEY_F17, "f17"},
    {VR_KEY_F18, "f18"},
    {VR_KEY_F19, "f19"},
    {VR_KEY_F20, "f20"},
    {VR_KEY_F21, "f21"},
    {VR_KEY_F22, "f22"},
    {VR_KEY_F23, "f23"},
    {VR_KEY_F24, "f24"},
    {VR_KEY_PLAYCD, "playcd"},
    {VR_KEY_PAUSECD, "pausecd"},
    {VR_KEY_PROG3, "prog3"},
    {VR_KEY_PROG4, "prog4"},
    {VR_KEY_ALL_APPLICATIONS, "all_applications"},
    {VR_KEY_SUSPEND, "suspend"},
    {VR_KEY_CLOSE, "close"},
    {VR_KEY_PLAY, "play"},
    {VR_KEY_FASTFORWARD, "fastforward"},
    {VR_KEY_BASSBOOST, "bassboost"},
    {VR_KEY_PRINT, "print"},
    {VR_KEY_HP, "hp"},
    {VR_KEY_CAMERA, "camera"},
    {VR_KEY_SOUND, "sound"},
    {VR_KEY_QUESTION, "question"},
    {VR_KEY_EMAIL, "email"},
    {VR_KEY_CHAT, "chat"},
    {VR_KEY_SEARCH, "search"},
    {VR_KEY_CONNECT, "connect"},
    {VR_KEY_FINANCE, "finance"},
    {VR_KEY_SPORT, "sport"},
    {VR_KEY_SHOP, "shop"},
    {VR_KEY_ALTERASE, "alterase"},
    {VR_KEY_CANCEL, "cancel"},
    {VR_KEY_BRIGHTNESSDOWN, "brightnessdown"},
    {VR_KEY_BRIGHTNESSUP, "brightnessup"},
    {VR_KEY_MEDIA, "media"},
    {VR_KEY_SWITCHVIDEOMODE, "switchvideomode"},
    {VR_KEY_KBDILLUMTOGGLE, "kbdillumtoggle"},
    {VR_KEY_KBDILLUMDOWN, "kbdillumdown"},
    {VR_KEY_KBDILLUMUP, "kbdillumup"},
    {VR_KEY_SEND, "send"},
    {VR_KEY_REPLY, "reply"},
    {VR_KEY_FORWARDMAIL, "forwardmail"},
    {VR_KEY_SAVE, "save"},
    {VR_KEY_DOCUMENTS, "documents"},
    {VR_KEY_BATTERY, "battery"},
    {VR_KEY_BLUETOOTH, "bluetooth"},
    {VR_KEY_WLAN, "wlan"},
    {VR_KEY_UWB, "uwb"},
    {VR_KEY_VIDEO_NEXT, "video_next"},
    {VR_KEY_VIDEO_PREV, "video_prev"},
    {VR_KEY_BRIGHTNESS_CYCLE, "brightness_cycle"},
    {VR_KEY_BRIGHTNESS_AUTO, "brightness_auto"},
    {VR_KEY_DISPLAY_OFF, "display_off"},
    {VR_KEY_WWAN, "wwan"},
    {VR_KEY_RFKILL, "rfkill"},
    {VR_KEY_MICMUTE, "micmute"},
    {VR_KEY_SELECT, "select"},
    {VR_KEY_CLEAR, "clear"},
};

/* Short names people write in key combinations. */
static const struct {
    const char *alias;
    uint16_t code;
} key_aliases[] = {
    {"ctrl", VR_KEY_LEFTCTRL},     {"control", VR_KEY_LEFTCTRL}, {"lctrl", VR_KEY_LEFTCTRL},
    {"rctrl", VR_KEY_RIGHTCTRL},   {"shift", VR_KEY_LEFTSHIFT},  {"lshift", VR_KEY_LEFTSHIFT},
    {"rshift", VR_KEY_RIGHTSHIFT}, {"alt", VR_KEY_LEFTALT},      {"lalt", VR_KEY_LEFTALT},
    {"ralt", VR_KEY_RIGHTALT},     {"altgr", VR_KEY_RIGHTALT},   {"super", VR_KEY_LEFTMETA},
    {"meta", VR_KEY_LEFTMETA},     {"win", VR_KEY_LEFTMETA},     {"escape", VR_KEY_ESC},
    {"return", VR_KEY_ENTER},      {"del", VR_KEY_DELETE},       {"ins", VR_KEY_INSERT},
    {"pgup", VR_KEY_PAGEUP},       {"pgdn", VR_KEY_PAGEDOWN},    {"printscreen", VR_KEY_SYSRQ},
    {"prtsc", VR_KEY_SYSRQ},       {"break", VR_KEY_PAUSE},      {"caps", VR_KEY_CAPSLOCK},
    {"less", VR_KEY_102ND},
};

int vr_keymap_gdk_to_evdev(unsigned hardware_keycode)
{
    if (hardware_keycode < 8 || !vr_evdev_is_keyboard_key(hardware_keycode - 8))
        return -1;
    return (int) (hardware_keycode - 8);
}

int vr_keymap_sdl_to_evdev(int sdl_scancode)
{
    if (sdl_scancode < 0 || (size_t) sdl_scancode >= G_N_ELEMENTS(sdl_keys) ||
        sdl_keys[sdl_scancode] == 0)
        return -1;
    return sdl_keys[sdl_scancode];
}

int vr_keymap_evdev_from_name(const char *name)
{
    g_return_val_if_fail(name != NULL, -1);
    for (size_t i = 0; i < G_N_ELEMENTS(key_names); i++) {
        if (g_ascii_strcasecmp(key_names[i].name, name) == 0)
            return key_names[i].code;
    }
    for (size_t i = 0; i < G_N_ELEMENTS(key_aliases); i++) {
        if (g_ascii_strcasecmp(key_aliases[i].alias, name) == 0)
            return key_aliases[i].code;
    }
    return -1;
}

const char *vr_keymap_evdev_name(int code)
{
    for (size_t i = 0; i < G_N_ELEMENTS(key_names); i++) {
        if (key_names[i].code == code)
            return key_names[i].name;
    }
    return NULL;
}

size_t vr_keymap_combo_events(const int *keys, size_t n, VrVirtioInputEvent *out, size_t max)
{
    if (n == 0 || n > max / 4)
        return 0;
    for (size_t i = 0; i < n; i++) {
        if (keys[i] < 0 || !vr_evdev_is_keyboard_key((unsigned) keys[i]))
            return 0;
    }
    size_t k = 0;
    for (size_t i = 0; i < 2 * n; i++) {
        bool press = i < n;
        int key = press ? keys[i] : keys[2 * n - 1 - i];
        out[k++] = (VrVirtioInputEvent){VR_EV_KEY, (uint16_t) key, press ? 1 : 0};
        out[k++] = (VrVirtioInputEvent){VR_EV_SYN, VR_SYN_REPORT, 0};
    }
    return k;
}
