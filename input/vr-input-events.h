/* The evdev event groups a viewer sends to a virtio-input keyboard or tablet for one host
 * event, each ending with SYN_REPORT: the GTK machine page and the SDL viewer build them
 * here alike. */
#ifndef VR_INPUT_EVENTS_H
#define VR_INPUT_EVENTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "virtio/virtio-input.h"

/* Room for the largest group. */
#define VR_INPUT_EVENTS_MAX 4

/* A key going down or up: KEY code, SYN (2 events). */
size_t vr_input_key_events(unsigned code, bool pressed, VrVirtioInputEvent *out);

/* The tablet at (x, y) (0..32767 each), and button (BTN_*, 0 for none) going down or up
 * there: ABS_X, ABS_Y, [KEY button], SYN (3 or 4 events). */
size_t vr_input_tablet_events(int32_t x, int32_t y, unsigned button, bool pressed,
                              VrVirtioInputEvent *out);

/* A relative mouse's motion (dy > 0 down): REL_X, REL_Y (those not 0), SYN; 0 events when
 * both are 0. */
size_t vr_input_mouse_events(int dx, int dy, VrVirtioInputEvent *out);

/* Wheel clicks, dy > 0 up and dx > 0 right: REL_WHEEL, REL_HWHEEL (those not 0), SYN; 0
 * events when both are 0. */
size_t vr_input_wheel_events(int dx, int dy, VrVirtioInputEvent *out);

#endif
