/* virtio-input (VIRTIO 1.2, 5.8): an evdev-like input device. The driver learns what the
 * device is from its configuration space (name, serial, ids, property bits, the event codes
 * it sends per event type, absolute axes); eventq 0 carries events to the guest, one
 * virtio_input_event per buffer, and statusq 1 brings the driver's status events (LEDs),
 * which the device takes and ignores. In Linux each device is an /dev/input/eventN.
 *
 * The host describes the device before attaching it (set_* below), then queues events with
 * vr_virtio_input_send from any thread. Events wait, in order, while the driver has no
 * buffers in eventq, up to VR_VIRTIO_INPUT_PENDING_MAX of them; a reset of the device drops
 * them, as a real device forgets what its driver never read.
 */
#ifndef VR_VIRTIO_INPUT_H
#define VR_VIRTIO_INPUT_H

#include "virtio-input-codes.h"
#include "virtio.h"

#define VR_VIRTIO_INPUT_QUEUE_SIZE 64
/* Events held while the driver has no buffers for them. */
#define VR_VIRTIO_INPUT_PENDING_MAX 256

/* Configuration selectors (5.8.4). */
#define VR_VIRTIO_INPUT_CFG_UNSET      0x00
#define VR_VIRTIO_INPUT_CFG_ID_NAME    0x01
#define VR_VIRTIO_INPUT_CFG_ID_SERIAL  0x02
#define VR_VIRTIO_INPUT_CFG_ID_DEVIDS  0x03
#define VR_VIRTIO_INPUT_CFG_PROP_BITS  0x10
#define VR_VIRTIO_INPUT_CFG_EV_BITS    0x11
#define VR_VIRTIO_INPUT_CFG_ABS_INFO   0x12
#define VR_VIRTIO_INPUT_CONFIG_SIZE    136 /* select, subsel, size, 5 reserved, 128 */
#define VR_VIRTIO_INPUT_CONFIG_PAYLOAD 8

/* The most event codes of one type the configuration space can describe (128 bytes). */
#define VR_VIRTIO_INPUT_MAX_CODES 1024

typedef struct VrVirtioInputEvent {
    uint16_t type;
    uint16_t code;
    int32_t value;
} VrVirtioInputEvent;

/* A device called name (at most 128 bytes are shown to the driver), sending EV_SYN
 * SYN_REPORT and nothing else until set_event_bit adds codes. */
VrVirtioDevice *vr_virtio_input_new(const char *name);

/* Describing the device; call these before it is attached to a transport. */
void vr_virtio_input_set_serial(VrVirtioDevice *dev, const char *serial);
void vr_virtio_input_set_ids(VrVirtioDevice *dev, uint16_t bustype, uint16_t vendor,
                             uint16_t product, uint16_t version);
/* The device sends events of type with code (type < VR_EV_CNT, code <
 * VR_VIRTIO_INPUT_MAX_CODES). */
void vr_virtio_input_set_event_bit(VrVirtioDevice *dev, unsigned type, unsigned code);
/* An input property (INPUT_PROP_*, below 1024). */
void vr_virtio_input_set_prop_bit(VrVirtioDevice *dev, unsigned prop);
/* The range of an absolute axis (also sets its EV_ABS bit). axis < 64. */
void vr_virtio_input_set_abs_info(VrVirtioDevice *dev, unsigned axis, int32_t min, int32_t max,
                                  int32_t fuzz, int32_t flat, int32_t res);

/* Queues n events for the guest, all or none: false when they do not fit beside the
 * events still waiting (the guest is not reading). Events go out in the order queued.
 * Thread-safe. */
bool vr_virtio_input_send(VrVirtioDevice *dev, const VrVirtioInputEvent *events, size_t n);
/* Events queued and not yet handed to the driver. Thread-safe. */
size_t vr_virtio_input_pending(VrVirtioDevice *dev);

/* A power button, as the board offers it: EV_KEY with KEY_POWER, on the virtual bus. */
VrVirtioDevice *vr_virtio_input_power_button_new(void);
/* Presses and releases the power button (KEY_POWER 1, SYN, KEY_POWER 0, SYN); false when
 * the events do not fit. */
bool vr_virtio_input_press_power(VrVirtioDevice *dev);

/* The standard devices, described as a Linux guest expects them (on the virtual bus, Vireo's
 * own product numbers below). Each shows in the guest as one /dev/input/eventN. */
#define VR_VIRTIO_INPUT_PRODUCT_KEYBOARD 0x0001
#define VR_VIRTIO_INPUT_PRODUCT_MOUSE    0x0002
#define VR_VIRTIO_INPUT_PRODUCT_TABLET   0x0003
#define VR_VIRTIO_INPUT_PRODUCT_GAMEPAD  0x0004

/* A keyboard, "Vireo Keyboard": every key of vr_evdev_is_keyboard_key (EV_KEY), the guest's
 * own autorepeat (EV_REP: send a press once, not the host's repeats), the caps, num and
 * scroll lock LEDs (EV_LED; the guest's LED changes are taken and ignored). */
VrVirtioDevice *vr_virtio_input_keyboard_new(void);

/* The absolute axes' range of the tablet: 0 is the left (top) edge of the screen,
 * VR_INPUT_ABS_MAX the right (bottom) one. */
#define VR_INPUT_ABS_MAX 32767
/* An absolute pointer, "Vireo Tablet": ABS_X and ABS_Y 0..VR_INPUT_ABS_MAX, BTN_LEFT,
 * BTN_RIGHT and BTN_MIDDLE, REL_WHEEL and REL_HWHEEL (a notch: +1 up, away from the user,
 * or right). No side or extra button: with them Linux's joydev would take it for a joystick.
 * It also declares MSC_SCAN, for the same reason, and never sends it. */
VrVirtioDevice *vr_virtio_input_tablet_new(void);

/* A relative mouse, "Vireo Mouse": REL_X, REL_Y (down positive), REL_WHEEL, REL_HWHEEL (as
 * the tablet's), BTN_LEFT, BTN_RIGHT, BTN_MIDDLE, BTN_SIDE and BTN_EXTRA. */
VrVirtioDevice *vr_virtio_input_mouse_new(void);

/* The gamepad's axes, as Linux's xpad driver gives an Xbox 360 pad's. */
#define VR_GAMEPAD_STICK_MIN   (-32768)
#define VR_GAMEPAD_STICK_MAX   32767
#define VR_GAMEPAD_STICK_FUZZ  16
#define VR_GAMEPAD_STICK_FLAT  128
#define VR_GAMEPAD_TRIGGER_MAX 255
/* A gamepad, "Vireo Gamepad", laid out as xpad lays out an Xbox 360 pad: BTN_A, BTN_B, BTN_X,
 * BTN_Y, BTN_TL, BTN_TR, BTN_SELECT, BTN_START, BTN_MODE, BTN_THUMBL, BTN_THUMBR; sticks
 * ABS_X/ABS_Y (left) and ABS_RX/ABS_RY (right), VR_GAMEPAD_STICK_MIN..MAX, up and left
 * negative; triggers ABS_Z (left) and ABS_RZ (right), 0..VR_GAMEPAD_TRIGGER_MAX; the d-pad as
 * ABS_HAT0X and ABS_HAT0Y, -1..1 (left, up negative). Linux's joydev gives it a
 * /dev/input/jsN. */
VrVirtioDevice *vr_virtio_input_gamepad_new(void);

#endif
