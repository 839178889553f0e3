/* The evdev event types and codes of the virtio-input ABI (VIRTIO 1.2, 5.8: "the underlying
 * evdev implementation", Linux's input-event-codes.h), under Vireo's own names. Values are
 * the Linux ABI's and never change. */
#ifndef VR_VIRTIO_INPUT_CODES_H
#define VR_VIRTIO_INPUT_CODES_H

#include <stdbool.h>

/* Event types. */
#define VR_EV_SYN 0x00
#define VR_EV_KEY 0x01
#define VR_EV_REL 0x02
#define VR_EV_ABS 0x03
#define VR_EV_MSC 0x04
#define VR_EV_LED 0x11
#define VR_EV_REP 0x14
#define VR_EV_CNT 0x20

#define VR_SYN_REPORT 0

/* Bus types of the device ids. */
#define VR_BUS_VIRTUAL 0x06

/* Input properties. */
#define VR_INPUT_PROP_POINTER 0x00
#define VR_INPUT_PROP_DIRECT  0x01

/* Relative axes. */
#define VR_REL_X      0x00
#define VR_REL_Y      0x01
#define VR_REL_HWHEEL 0x06
#define VR_REL_WHEEL  0x08

/* Absolute axes. */
#define VR_ABS_X     0x00
#define VR_ABS_Y     0x01
#define VR_ABS_Z     0x02
#define VR_ABS_RX    0x03
#define VR_ABS_RY    0x04
#define VR_ABS_RZ    0x05
#define VR_ABS_HAT0X 0x10
#define VR_ABS_HAT0Y 0x11

/* Miscellaneous events. */
#define VR_MSC_SCAN 0x04

/* LEDs (the driver's status events) and autorepeat parameters. */
#define VR_LED_NUML    0x00
#define VR_LED_CAPSL   0x01
#define VR_LED_SCROLLL 0x02
#define VR_REP_DELAY   0x00
#define VR_REP_PERIOD  0x01

/* Mouse buttons. */
#define VR_BTN_LEFT   0x110
#define VR_BTN_RIGHT  0x111
#define VR_BTN_MIDDLE 0x112
#define VR_BTN_SIDE   0x113
#define VR_BTN_EXTRA  0x114

/* Gamepad buttons. BTN_A/B/X/Y are the codes Linux's xpad driver reports for the Xbox
 * buttons of those letters; Linux also calls them BTN_SOUTH, BTN_EAST, BTN_NORTH and
 * BTN_WEST, although xpad's X (0x133, "north") is the left button and Y (0x134, "west") the
 * top one. Guest software (SDL's evdev mapping, Steam) reads them the xpad way. */
#define VR_BTN_GAMEPAD 0x130
#define VR_BTN_A       0x130
#define VR_BTN_SOUTH   VR_BTN_A
#define VR_BTN_B       0x131
#define VR_BTN_EAST    VR_BTN_B
#define VR_BTN_X       0x133
#define VR_BTN_NORTH   VR_BTN_X
#define VR_BTN_Y       0x134
#define VR_BTN_WEST    VR_BTN_Y
#define VR_BTN_TL      0x136
#define VR_BTN_TR      0x137
#define VR_BTN_TL2     0x138
#define VR_BTN_TR2     0x139
#define VR_BTN_SELECT  0x13a
#define VR_BTN_START   0x13b
#define VR_BTN_MODE    0x13c
#define VR_BTN_THUMBL  0x13d
#define VR_BTN_THUMBR  0x13e
#define VR_BTN_TOUCH   0x14a

/* Keys. */
#define VR_KEY_ESC              1
#define VR_KEY_1                2
#define VR_KEY_2                3
#define VR_KEY_3                4
#define VR_KEY_4                5
#define VR_KEY_5                6
#define VR_KEY_6                7
#define VR_KEY_7                8
#define VR_KEY_8                9
#define VR_KEY_9                10
#define VR_KEY_0                11
#define VR_KEY_MINUS            12
#define VR_KEY_EQUAL            13
#define VR_KEY_BACKSPACE        14
#define VR_KEY_TAB              15
#define VR_KEY_Q                16
#define VR_KEY_W                17
#define VR_KEY_E                18
#define VR_KEY_R                19
#define VR_KEY_T                20
#define VR_KEY_Y                21
#define VR_KEY_U                22
#define VR_KEY_I                23
#define VR_KEY_O                24
#define VR_KEY_P                25
#define VR_KEY_LEFTBRACE        26
#define VR_KEY_RIGHTBRACE       27
#define VR_KEY_ENTER            28
#define VR_KEY_LEFTCTRL         29
#define VR_KEY_A                30
#define VR_KEY_S                31
#define VR_KEY_D                32
#define VR_KEY_F                33
#define VR_KEY_G                34
#define VR_KEY_H                35
#define VR_KEY_J                36
#define VR_KEY_K                37
#define VR_KEY_L                38
#define VR_KEY_SEMICOLON        39
#define VR_KEY_APOSTROPHE       40
#define VR_KEY_GRAVE            41
#define VR_KEY_LEFTSHIFT        42
#define VR_KEY_BACKSLASH        43
#define VR_KEY_Z                44
#define VR_KEY_X                45
#define VR_KEY_C                46
#define VR_KEY_V                47
#define VR_KEY_B                48
#define VR_KEY_N                49
#define VR_KEY_M                50
#define VR_KEY_COMMA            51
#define VR_KEY_DOT              52
#define VR_KEY_SLASH            53
#define VR_KEY_RIGHTSHIFT       54
#define VR_KEY_KPASTERISK       55
#define VR_KEY_LEFTALT          56
#define VR_KEY_SPACE            57
#define VR_KEY_CAPSLOCK         58
#define VR_KEY_F1               59
#define VR_KEY_F2               60
#define VR_KEY_F3               61
#define VR_KEY_F4               62
#define VR_KEY_F5               63
#define VR_KEY_F6               64
#define VR_KEY_F7               65
#define VR_KEY_F8               66
#define VR_KEY_F9               67
#define VR_KEY_F10              68
#define VR_KEY_NUMLOCK          69
#define VR_KEY_SCROLLLOCK       70
#define VR_KEY_KP7              71
#define VR_KEY_KP8              72
#define VR_KEY_KP9              73
#define VR_KEY_KPMINUS          74
#define VR_KEY_KP4              75
#define VR_KEY_KP5              76
#define VR_KEY_KP6              77
#define VR_KEY_KPPLUS           78
#define VR_KEY_KP1              79
#define VR_KEY_KP2              80
#define VR_KEY_KP3              81
#define VR_KEY_KP0              82
#define VR_KEY_KPDOT            83
#define VR_KEY_ZENKAKUHANKAKU   85
#define VR_KEY_102ND            86
#define VR_KEY_F11              87
#define VR_KEY_F12              88
#define VR_KEY_RO               89
#define VR_KEY_KATAKANA         90
#define VR_KEY_HIRAGANA         91
#define VR_KEY_HENKAN           92
#define VR_KEY_KATAKANAHIRAGANA 93
#define VR_KEY_MUHENKAN         94
#define VR_KEY_KPJPCOMMA        95
#define VR_KEY_KPENTER          96
#define VR_KEY_RIGHTCTRL        97
#define VR_KEY_KPSLASH          98
#define VR_KEY_SYSRQ            99
#define VR_KEY_RIGHTALT         100
#define VR_KEY_LINEFEED         101
#define VR_KEY_HOME             102
#define VR_KEY_UP               103
#define VR_KEY_PAGEUP           104
#define VR_KEY_LEFT             105
#define VR_KEY_RIGHT            106
#define VR_KEY_END              107
#define VR_KEY_DOWN             108
#define VR_KEY_PAGEDOWN         109
#define VR_KEY_INSERT           110
#define VR_KEY_DELETE           111
#define VR_KEY_MACRO            112
#define VR_KEY_MUTE             113
#define VR_KEY_VOLUMEDOWN       114
#define VR_KEY_VOLUMEUP         115
#define VR_KEY_POWER            116
#define VR_KEY_KPEQUAL          117
#define VR_KEY_KPPLUSMINUS      118
#define VR_KEY_PAUSE            119
#define VR_KEY_SCALE            120
#define VR_KEY_KPCOMMA          121
#define VR_KEY_HANGEUL          122
#define VR_KEY_HANJA            123
#define VR_KEY_YEN              124
#define VR_KEY_LEFTMETA         125
#define VR_KEY_RIGHTMETA        126
#define VR_KEY_COMPOSE          127
#define VR_KEY_STOP             128
#define VR_KEY_AGAIN            129
#define VR_KEY_PROPS            130
#define VR_KEY_UNDO             131
#define VR_KEY_FRONT            132
#define VR_KEY_COPY             133
#define VR_KEY_OPEN             134
#define VR_KEY_PASTE            135
#define VR_KEY_FIND             136
#define VR_KEY_CUT              137
#define VR_KEY_HELP             138
#define VR_KEY_MENU             139
#define VR_KEY_CALC             140
#define VR_KEY_SETUP            141
#define VR_KEY_SLEEP            142
#define VR_KEY_WAKEUP           143
#define VR_KEY_FILE             144
#define VR_KEY_SENDFILE         145
#define VR_KEY_DELETEFILE       146
#define VR_KEY_XFER             147
#define VR_KEY_PROG1            148
#define VR_KEY_PROG2            149
#define VR_KEY_WWW              150
#define VR_KEY_MSDOS            151
#define VR_KEY_COFFEE           152
#define VR_KEY_ROTATE_DISPLAY   153
#define VR_KEY_CYCLEWINDOWS     154
#define VR_KEY_MAIL             155
#define VR_KEY_BOOKMARKS        156
#define VR_KEY_COMPUTER         157
#define VR_KEY_BACK             158
#define VR_KEY_FORWARD          159
#define VR_KEY_CLOSECD          160
#define VR_KEY_EJECTCD          161
#define VR_KEY_EJECTCLOSECD     162
#define VR_KEY_NEXTSONG         163
#define VR_KEY_PLAYPAUSE        164
#define VR_KEY_PREVIOUSSONG     165
#define VR_KEY_STOPCD           166
#define VR_KEY_RECORD           167
#define VR_KEY_REWIND           168
#define VR_KEY_PHONE            169
#define VR_KEY_ISO              170
#define VR_KEY_CONFIG           171
#define VR_KEY_HOMEPAGE         172
#define VR_KEY_REFRESH          173
#define VR_KEY_EXIT             174
#define VR_KEY_MOVE             175
#define VR_KEY_EDIT             176
#define VR_KEY_SCROLLUP         177
#define VR_KEY_SCROLLDOWN       178
#define VR_KEY_KPLEFTPAREN      179
#define VR_KEY_KPRIGHTPAREN     180
#define VR_KEY_NEW              181
#define VR_KEY_REDO             182
#define VR_KEY_F13              183
#define VR_KEY_F14              184
#define VR_KEY_F15              185
#define VR_KEY_F16              186
#define VR_KEY_F17              187
#define VR_KEY_F18              188
#define VR_KEY_F19              189
#define VR_KEY_F20              190
#define VR_KEY_F21              191
#define VR_KEY_F22              192
#define VR_KEY_F23              193
#define VR_KEY_F24              194
#define VR_KEY_PLAYCD           200
#define VR_KEY_PAUSECD          201
#define VR_KEY_PROG3            202
#define VR_KEY_PROG4            203
#define VR_KEY_ALL_APPLICATIONS 204
#define VR_KEY_SUSPEND          205
#define VR_KEY_CLOSE            206
#define VR_KEY_PLAY             207
#define VR_KEY_FASTFORWARD      208
#define VR_KEY_BASSBOOST        209
#define VR_KEY_PRINT            210
#define VR_KEY_HP               211
#define VR_KEY_CAMERA           212
#define VR_KEY_SOUND            213
#define VR_KEY_QUESTION         214
#define VR_KEY_EMAIL            215
#define VR_KEY_CHAT             216
#define VR_KEY_SEARCH           217
#define VR_KEY_CONNECT          218
#define VR_KEY_FINANCE          219
#define VR_KEY_SPORT            220
#define VR_KEY_SHOP             221
#define VR_KEY_ALTERASE         222
#define VR_KEY_CANCEL           223
#define VR_KEY_BRIGHTNESSDOWN   224
#define VR_KEY_BRIGHTNESSUP     225
#define VR_KEY_MEDIA            226
#define VR_KEY_SWITCHVIDEOMODE  227
#define VR_KEY_KBDILLUMTOGGLE   228
#define VR_KEY_KBDILLUMDOWN     229
#define VR_KEY_KBDILLUMUP       230
#define VR_KEY_SEND             231
#define VR_KEY_REPLY            232
#define VR_KEY_FORWARDMAIL      233
#define VR_KEY_SAVE             234
#define VR_KEY_DOCUMENTS        235
#define VR_KEY_BATTERY          236
#define VR_KEY_BLUETOOTH        237
#define VR_KEY_WLAN             238
#define VR_KEY_UWB              239
#define VR_KEY_UNKNOWN          240
#define VR_KEY_VIDEO_NEXT       241
#define VR_KEY_VIDEO_PREV       242
#define VR_KEY_BRIGHTNESS_CYCLE 243
#define VR_KEY_BRIGHTNESS_AUTO  244
#define VR_KEY_DISPLAY_OFF      245
#define VR_KEY_WWAN             246
#define VR_KEY_RFKILL           247
#define VR_KEY_MICMUTE          248
#define VR_KEY_SELECT           0x161
#define VR_KEY_CLEAR            0x163

/* The keys of Vireo's keyboard: every key code Linux defines up to KEY_MICMUTE but
 * KEY_UNKNOWN (a PC keyboard's 105 keys, the Japanese, Korean and Brazilian ones, F13-F24,
 * media and laptop keys), and SELECT and CLEAR, which SDL names. */
static inline bool vr_evdev_is_keyboard_key(unsigned code)
{
    return (code >= VR_KEY_ESC && code <= VR_KEY_KPDOT) ||
           (code >= VR_KEY_ZENKAKUHANKAKU && code <= VR_KEY_F24) ||
           (code >= VR_KEY_PLAYCD && code <= VR_KEY_MICMUTE && code != VR_KEY_UNKNOWN) ||
           code == VR_KEY_SELECT || code == VR_KEY_CLEAR;
}

#endif
