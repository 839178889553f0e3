/* Event groups for the keyboard and the tablet (see vr-input-events.h). */
#include "vr-input-events.h"

#include "virtio/virtio-input-codes.h"

static size_t syn(VrVirtioInputEvent *out, size_t n)
{
    out[n] = (VrVirtioInputEvent){VR_EV_SYN, VR_SYN_REPORT, 0};
    return n + 1;
}

size_t vr_input_key_events(unsigned code, bool pressed, VrVirtioInputEvent *out)
{
    out[0] = (VrVirtioInputEvent){VR_EV_KEY, (uint16_t) code, pressed};
    return syn(out, 1);
}

size_t vr_input_tablet_events(int32_t x, int32_t y, unsigned button, bool pressed,
                              VrVirtioInputEvent *out)
{
    size_t n = 0;
    out[n++] = (VrVirtioInputEvent){VR_EV_ABS, VR_ABS_X, x};
    out[n++] = (VrVirtioInputEvent){VR_EV_ABS, VR_ABS_Y, y};
    if (button)
        out[n++] = (VrVirtioInputEvent){VR_EV_KEY, (uint16_t) button, pressed};
    return syn(out, n);
}

size_t vr_input_mouse_events(int dx, int dy, VrVirtioInputEvent *out)
{
    size_t n = 0;
    if (dx)
        out[n++] = (VrVirtioInputEvent){VR_EV_REL, VR_REL_X, dx};
    if (dy)
        out[n++] = (VrVirtioInputEvent){VR_EV_REL, VR_REL_Y, dy};
    return n ? syn(out, n) : 0;
}

size_t vr_input_wheel_events(int dx, int dy, VrVirtioInputEvent *out)
{
    size_t n = 0;
    if (dy)
        out[n++] = (VrVirtioInputEvent){VR_EV_REL, VR_REL_WHEEL, dy};
    if (dx)
        out[n++] = (VrVirtioInputEvent){VR_EV_REL, VR_REL_HWHEEL, dx};
    return n ? syn(out, n) : 0;
}
