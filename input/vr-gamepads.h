/* Game controllers through SDL2's game controller API, fed to a virtio-input gamepad
 * (vr_virtio_input_gamepad_new). SDL knows the button layout of thousands of controllers and
 * presents each as an Xbox-style pad; VrGamepads turns its events into the evdev events of
 * the guest's gamepad, laid out as Linux's xpad driver lays out an Xbox 360 pad:
 *
 *   A, B, X, Y                  BTN_A, BTN_B, BTN_X, BTN_Y (BTN_SOUTH, EAST, NORTH, WEST)
 *   shoulders, back, start      BTN_TL, BTN_TR, BTN_SELECT, BTN_START
 *   guide, stick buttons        BTN_MODE, BTN_THUMBL, BTN_THUMBR
 *   left stick, right stick     ABS_X/ABS_Y, ABS_RX/ABS_RY (SDL's -32768..32767, unchanged)
 *   left and right trigger      ABS_Z, ABS_RZ (SDL's 0..32767 scaled to 0..255)
 *   d-pad                       ABS_HAT0X, ABS_HAT0Y (-1, 0, 1; left and up negative)
 *
 * Controllers come and go while it runs (hot plug). The first one connected feeds the guest;
 * when it goes, the guest sees its buttons released and axes at rest, and the next one
 * connected, if any, takes over from its current state.
 *
 * There is no thread: the owner calls vr_gamepads_poll every VR_GAMEPADS_POLL_MS or so, for
 * instance from a GLib timeout, on the thread that called vr_gamepads_new, and all calls on a
 * VrGamepads come from that thread (SDL's event queue is per process and wants one thread).
 * One VrGamepads per process: it takes every controller and joystick event from SDL's queue.
 */
#ifndef VR_GAMEPADS_H
#define VR_GAMEPADS_H

#include <glib.h>
#include <stdbool.h>

#include "virtio/virtio-input.h"

#define VR_GAMEPADS_POLL_MS 8

typedef struct VrGamepads VrGamepads;

/* Receives n events for the guest's gamepad: one or more changes, then SYN_REPORT. Meant to
 * be passed to vr_virtio_input_send. Called from vr_gamepads_poll. */
typedef void (*VrGamepadEventFn)(const VrVirtioInputEvent *events, size_t n, void *data);

/* Starts SDL's game controller subsystem (no video). Fails when Vireo was built without
 * SDL2 or SDL cannot start, with the reason. */
VrGamepads *vr_gamepads_new(VrGamepadEventFn fn, void *data, GError **error);
/* Handles what happened since the last call: controllers connected and disconnected,
 * buttons, sticks and triggers; calls fn for each change the guest should see. */
void vr_gamepads_poll(VrGamepads *g);
/* Controllers connected; index 0 is the one feeding the guest. */
unsigned vr_gamepads_count(VrGamepads *g);
/* The name SDL gives controller index (< count), NULL past the end. */
const char *vr_gamepads_name(VrGamepads *g, unsigned index);
void vr_gamepads_free(VrGamepads *g);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(VrGamepads, vr_gamepads_free)

#endif
