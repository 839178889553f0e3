/* Host key codes to the evdev key codes a virtio-input keyboard sends: GDK's hardware keycodes
 * (X11 with the evdev driver, Wayland), SDL2's scancodes (USB HID usages and SDL's own media
 * keys), key names for menus and tests, and key combinations (Ctrl+Alt+Del) as events. */
#ifndef VR_KEYMAP_H
#define VR_KEYMAP_H

#include <stddef.h>

#include "virtio/virtio-input.h"

/* GDK's hardware_keycode, which on X11 (evdev/xkb) and on Wayland is the evdev code + 8, to
 * that evdev code; -1 for a code that is no key of Vireo's keyboard. */
int vr_keymap_gdk_to_evdev(unsigned hardware_keycode);

/* An SDL_Scancode value to its evdev key code; -1 for a scancode with no Linux key (or one
 * SDL does not define). */
int vr_keymap_sdl_to_evdev(int sdl_scancode);

/* A key by name, case-insensitive: Linux's KEY_ names without the prefix ("a", "f1",
 * "delete", "leftctrl", "102nd", "kp7", "sysrq") and the common short ones ("ctrl", "alt",
 * "shift", "super", "altgr", "esc", "del", "printscreen", ...). -1 for no such key. */
int vr_keymap_evdev_from_name(const char *name);
/* The Linux name of an evdev key code ("leftctrl"), NULL for none. */
const char *vr_keymap_evdev_name(int code);

/* The events of a key combination: keys[0..n-1] pressed in order and released in reverse,
 * each press and release followed by SYN_REPORT (4 n events). */
#define VR_KEYMAP_COMBO_EVENTS(n) (4 * (n))
/* Writes the events of the combination to out and returns how many (4 n); 0 and nothing
 * written when they do not fit in max, n is 0, or a key is no key of Vireo's keyboard. */
size_t vr_keymap_combo_events(const int *keys, size_t n, VrVirtioInputEvent *out, size_t max);

#endif
