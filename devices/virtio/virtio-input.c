/* virtio-input: configuration space, queued events, and the power button built on it. */
#define G_LOG_DOMAIN "vireo-virtio"

#include "virtio-input.h"

#include <string.h>

#include "virtqueue.h"

#define EVENTQ      0
#define STATUSQ     1
#define BATCH       256
#define EVENT_SIZE  8 /* le16 type, le16 code, le32 value */
#define BITMAP_SIZE 128
#define STRING_MAX  128
#define ABS_AXES    64

typedef struct {
    int32_t min, max, fuzz, flat, res;
} AbsInfo;

typedef struct {
    VrVirtioDevice dev;
    VrRateLimit log;

    /* Fixed before the device is attached. */
    char *id_name;
    char *serial;
    bool have_ids;
    uint16_t ids[4]; /* bustype, vendor, product, version */
    uint8_t prop_bits[BITMAP_SIZE];
    uint8_t ev_bits[VR_EV_CNT][BITMAP_SIZE];
    uint64_t abs_set;
    AbsInfo abs[ABS_AXES];

    GMutex lock; /* what follows */
    uint8_t select, subsel;
    VrVirtioInputEvent pending[VR_VIRTIO_INPUT_PENDING_MAX];
    size_t head, count;

    VrVirtqElement *elem; /* queue_notify only */
} VrVirtioInput;

static void set_bit(uint8_t *bitmap, unsigned bit)
{
    bitmap[bit / 8] |= (uint8_t) (1u << (bit % 8));
}

/* A bitmap's size as the driver sees it: up to its last non-zero byte. */
static unsigned bitmap_size(const uint8_t *bitmap)
{
    unsigned n = BITMAP_SIZE;
    while (n > 0 && bitmap[n - 1] == 0)
        n--;
    return n;
}

static void put_le32(uint8_t *p, int32_t v)
{
    uint32_t le = GUINT32_TO_LE((uint32_t) v);
    memcpy(p, &le, 4);
}

/* The union of the configuration space for the selector the driver wrote; returns its
 * size (0: nothing there). Device lock held. */
static unsigned config_payload(const VrVirtioInput *in, uint8_t *u)
{
    unsigned sel = in->select, sub = in->subsel;
    switch (sel) {
    case VR_VIRTIO_INPUT_CFG_ID_NAME:
    case VR_VIRTIO_INPUT_CFG_ID_SERIAL: {
        const char *s = sel == VR_VIRTIO_INPUT_CFG_ID_NAME ? in->id_name : in->serial;
        if (sub != 0 || !s)
            return 0;
        size_t len = MIN(strlen(s), STRING_MAX);
        memcpy(u, s, len);
        return (unsigned) len;
    }
    case VR_VIRTIO_INPUT_CFG_ID_DEVIDS:
        if (sub != 0 || !in->have_ids)
            return 0;
        for (unsigned i = 0; i < 4; i++) {
            uint16_t le = GUINT16_TO_LE(in->ids[i]);
            memcpy(u + 2 * i, &le, 2);
        }
        return 8;
    case VR_VIRTIO_INPUT_CFG_PROP_BITS:
        if (sub != 0)
            return 0;
        memcpy(u, in->prop_bits, BITMAP_SIZE);
        return bitmap_size(in->prop_bits);
    case VR_VIRTIO_INPUT_CFG_EV_BITS:
        if (sub >= VR_EV_CNT)
            return 0;
        memcpy(u, in->ev_bits[sub], BITMAP_SIZE);
        return bitmap_size(in->ev_bits[sub]);
    case VR_VIRTIO_INPUT_CFG_ABS_INFO: {
        if (sub >= ABS_AXES || !(in->abs_set & (UINT64_C(1) << sub)))
            return 0;
        const AbsInfo *a = &in->abs[sub];
        put_le32(u, a->min);
        put_le32(u + 4, a->max);
        put_le32(u + 8, a->fuzz);
        put_le32(u + 12, a->flat);
        put_le32(u + 16, a->res);
        return 20;
    }
    default: return 0;
    }
}

static void input_config_read(VrVirtioDevice *dev, uint32_t offset, uint8_t *buf, unsigned len)
{
    VrVirtioInput *in = (VrVirtioInput *) dev;
    uint8_t config[VR_VIRTIO_INPUT_CONFIG_SIZE] = {0};
    g_mutex_lock(&in->lock);
    config[0] = in->select;
    config[1] = in->subsel;
    config[2] = (uint8_t) config_payload(in, config + VR_VIRTIO_INPUT_CONFIG_PAYLOAD);
    g_mutex_unlock(&in->lock);
    memcpy(buf, config + offset, len);
}

/* Only select (byte 0) and subsel (byte 1) are the driver's to write. */
static void input_config_write(VrVirtioDevice *dev, uint32_t offset, const uint8_t *buf,
                               unsigned len)
{
    VrVirtioInput *in = (VrVirtioInput *) dev;
    g_mutex_lock(&in->lock);
    for (unsigned i = 0; i < len; i++) {
        if (offset + i == 0)
            in->select = buf[i];
        else if (offset + i == 1)
            in->subsel = buf[i];
    }
    g_mutex_unlock(&in->lock);
}

static void deliver(VrVirtioInput *in, VrVirtqueue *vq)
{
    unsigned budget = BATCH;
    do {
        for (;;) {
            g_mutex_lock(&in->lock);
            bool have = in->count > 0;
            g_mutex_unlock(&in->lock);
            if (!have || !vr_virtqueue_pop(vq, in->elem))
                break;
            if (in->elem->in_len < EVENT_SIZE) {
                /* The event stays for the next buffer. */
                vr_virtio_log_guest_error(&in->log, in->dev.name,
                                          "event buffer of %u bytes, less than the %u of an "
                                          "event",
                                          in->elem->in_len, EVENT_SIZE);
                vr_virtqueue_push(vq, in->elem, 0);
            } else {
                uint8_t raw[EVENT_SIZE];
                g_mutex_lock(&in->lock);
                const VrVirtioInputEvent *e = &in->pending[in->head];
                uint16_t type = GUINT16_TO_LE(e->type), code = GUINT16_TO_LE(e->code);
                memcpy(raw, &type, 2);
                memcpy(raw + 2, &code, 2);
                put_le32(raw + 4, e->value);
                in->head = (in->head + 1) % VR_VIRTIO_INPUT_PENDING_MAX;
                in->count--;
                g_mutex_unlock(&in->lock);
                vr_iov_from_buf(vr_virtq_element_in(in->elem), in->elem->in_num, 0, raw,
                                EVENT_SIZE);
                vr_virtqueue_push(vq, in->elem, EVENT_SIZE);
            }
            if (--budget == 0) {
                vr_virtqueue_notify(vq);
                vr_virtio_device_kick(&in->dev, EVENTQ);
                return;
            }
        }
        vr_virtqueue_notify(vq);
    } while (vr_virtqueue_enable_notify(vq));
}

/* Status events (the keyboard's LEDs) are taken and ignored: the host's keyboard keeps its own
 * LEDs. */
static void take_status(VrVirtioInput *in, VrVirtqueue *vq)
{
    unsigned budget = BATCH;
    do {
        vr_virtqueue_disable_notify(vq);
        while (vr_virtqueue_pop(vq, in->elem)) {
            vr_virtqueue_push(vq, in->elem, 0);
            if (--budget == 0) {
                vr_virtqueue_notify(vq);
                vr_virtio_device_kick(&in->dev, STATUSQ);
                return;
            }
        }
        vr_virtqueue_notify(vq);
    } while (vr_virtqueue_enable_notify(vq));
}

static void input_queue_notify(VrVirtioDevice *dev, unsigned index, VrVirtqueue *vq)
{
    VrVirtioInput *in = (VrVirtioInput *) dev;
    if (index == EVENTQ)
        deliver(in, vq);
    else
        take_status(in, vq);
}

static void input_reset(VrVirtioDevice *dev)
{
    VrVirtioInput *in = (VrVirtioInput *) dev;
    g_mutex_lock(&in->lock);
    in->select = 0;
    in->subsel = 0;
    in->head = 0;
    in->count = 0;
    g_mutex_unlock(&in->lock);
}

static void input_free(VrVirtioDevice *dev)
{
    VrVirtioInput *in = (VrVirtioInput *) dev;
    g_mutex_clear(&in->lock);
    g_free(in->id_name);
    g_free(in->serial);
    g_free(in->elem);
    g_free(in);
}

/* Payload: u32 version (1), u8 select, u8 subsel, u32 events waiting, then each as u16 type,
 * u16 code, u32 value. What describes the device comes from its configuration. */
#define INPUT_STATE_VERSION 1

static void input_save(VrVirtioDevice *dev, VrStateWriter *w)
{
    VrVirtioInput *in = (VrVirtioInput *) dev;
    g_mutex_lock(&in->lock);
    vr_state_put_u32(w, INPUT_STATE_VERSION);
    vr_state_put_u8(w, in->select);
    vr_state_put_u8(w, in->subsel);
    vr_state_put_u32(w, (uint32_t) in->count);
    for (size_t i = 0; i < in->count; i++) {
        const VrVirtioInputEvent *e = &in->pending[(in->head + i) % VR_VIRTIO_INPUT_PENDING_MAX];
        vr_state_put_u16(w, e->type);
        vr_state_put_u16(w, e->code);
        vr_state_put_u32(w, (uint32_t) e->value);
    }
    g_mutex_unlock(&in->lock);
}

static bool input_load(VrVirtioDevice *dev, VrStateReader *r)
{
    VrVirtioInput *in = (VrVirtioInput *) dev;
    uint32_t version = vr_state_get_u32(r);
    if (!vr_state_reader_failed(r) && version != INPUT_STATE_VERSION) {
        vr_state_reader_invalid(r, "virtio-input state version %u is not known (expected %u)",
                                version, INPUT_STATE_VERSION);
        return false;
    }
    uint8_t select = vr_state_get_u8(r), subsel = vr_state_get_u8(r);
    uint32_t count = vr_state_get_u32(r);
    if (vr_state_reader_failed(r))
        return false;
    if (count > VR_VIRTIO_INPUT_PENDING_MAX) {
        vr_state_reader_invalid(r, "%u input events waiting, more than the %u a device holds",
                                count, VR_VIRTIO_INPUT_PENDING_MAX);
        return false;
    }
    g_mutex_lock(&in->lock);
    in->select = select;
    in->subsel = subsel;
    in->head = 0;
    in->count = count;
    for (uint32_t i = 0; i < count; i++) {
        in->pending[i].type = vr_state_get_u16(r);
        in->pending[i].code = vr_state_get_u16(r);
        in->pending[i].value = (int32_t) vr_state_get_u32(r);
    }
    if (vr_state_reader_failed(r))
        in->count = 0;
    g_mutex_unlock(&in->lock);
    return !vr_state_reader_failed(r);
}

static const VrVirtioDeviceClass input_class = {
    .name = "virtio-input",
    .device_id = VR_VIRTIO_ID_INPUT,
    .config_read = input_config_read,
    .config_write = input_config_write,
    .queue_notify = input_queue_notify,
    .reset = input_reset,
    .save = input_save,
    .load = input_load,
    .free = input_free,
};

VrVirtioDevice *vr_virtio_input_new(const char *name)
{
    VrVirtioInput *in = g_new0(VrVirtioInput, 1);
    in->dev.cls = &input_class;
    in->dev.name = g_strdup_printf("virtio-input %s", name);
    in->dev.num_queues = 2;
    in->dev.queue_max_size = VR_VIRTIO_INPUT_QUEUE_SIZE;
    in->dev.config_size = VR_VIRTIO_INPUT_CONFIG_SIZE;
    in->id_name = g_strdup(name);
    set_bit(in->ev_bits[VR_EV_SYN], VR_SYN_REPORT);
    g_mutex_init(&in->lock);
    in->elem = g_new0(VrVirtqElement, 1);
    return &in->dev;
}

void vr_virtio_input_set_serial(VrVirtioDevice *dev, const char *serial)
{
    VrVirtioInput *in = (VrVirtioInput *) dev;
    g_free(in->serial);
    in->serial = g_strdup(serial);
}

void vr_virtio_input_set_ids(VrVirtioDevice *dev, uint16_t bustype, uint16_t vendor,
                             uint16_t product, uint16_t version)
{
    VrVirtioInput *in = (VrVirtioInput *) dev;
    in->have_ids = true;
    in->ids[0] = bustype;
    in->ids[1] = vendor;
    in->ids[2] = product;
    in->ids[3] = version;
}

void vr_virtio_input_set_event_bit(VrVirtioDevice *dev, unsigned type, unsigned code)
{
    VrVirtioInput *in = (VrVirtioInput *) dev;
    g_return_if_fail(type < VR_EV_CNT && code < VR_VIRTIO_INPUT_MAX_CODES);
    set_bit(in->ev_bits[type], code);
}

void vr_virtio_input_set_prop_bit(VrVirtioDevice *dev, unsigned prop)
{
    VrVirtioInput *in = (VrVirtioInput *) dev;
    g_return_if_fail(prop < BITMAP_SIZE * 8);
    set_bit(in->prop_bits, prop);
}

void vr_virtio_input_set_abs_info(VrVirtioDevice *dev, unsigned axis, int32_t min, int32_t max,
                                  int32_t fuzz, int32_t flat, int32_t res)
{
    VrVirtioInput *in = (VrVirtioInput *) dev;
    g_return_if_fail(axis < ABS_AXES);
    in->abs[axis] = (AbsInfo){min, max, fuzz, flat, res};
    in->abs_set |= UINT64_C(1) << axis;
    set_bit(in->ev_bits[VR_EV_ABS], axis);
}

bool vr_virtio_input_send(VrVirtioDevice *dev, const VrVirtioInputEvent *events, size_t n)
{
    VrVirtioInput *in = (VrVirtioInput *) dev;
    g_mutex_lock(&in->lock);
    bool fits = n <= VR_VIRTIO_INPUT_PENDING_MAX - in->count;
    if (fits) {
        for (size_t i = 0; i < n; i++)
            in->pending[(in->head + in->count + i) % VR_VIRTIO_INPUT_PENDING_MAX] = events[i];
        in->count += n;
    }
    g_mutex_unlock(&in->lock);
    if (fits && n > 0)
        vr_virtio_device_kick(dev, EVENTQ);
    return fits;
}

size_t vr_virtio_input_pending(VrVirtioDevice *dev)
{
    VrVirtioInput *in = (VrVirtioInput *) dev;
    g_mutex_lock(&in->lock);
    size_t n = in->count;
    g_mutex_unlock(&in->lock);
    return n;
}

VrVirtioDevice *vr_virtio_input_power_button_new(void)
{
    VrVirtioDevice *dev = vr_virtio_input_new("Vireo Power Button");
    vr_virtio_input_set_ids(dev, VR_BUS_VIRTUAL, 0, 0, 1);
    vr_virtio_input_set_event_bit(dev, VR_EV_KEY, VR_KEY_POWER);
    return dev;
}

bool vr_virtio_input_press_power(VrVirtioDevice *dev)
{
    static const VrVirtioInputEvent press[] = {
        {VR_EV_KEY, VR_KEY_POWER, 1},
        {VR_EV_SYN, VR_SYN_REPORT, 0},
        {VR_EV_KEY, VR_KEY_POWER, 0},
        {VR_EV_SYN, VR_SYN_REPORT, 0},
    };
    return vr_virtio_input_send(dev, press, G_N_ELEMENTS(press));
}

VrVirtioDevice *vr_virtio_input_keyboard_new(void)
{
    VrVirtioDevice *dev = vr_virtio_input_new("Vireo Keyboard");
    vr_virtio_input_set_ids(dev, VR_BUS_VIRTUAL, 0, VR_VIRTIO_INPUT_PRODUCT_KEYBOARD, 1);
    for (unsigned code = 0; code < VR_VIRTIO_INPUT_MAX_CODES; code++) {
        if (vr_evdev_is_keyboard_key(code))
            vr_virtio_input_set_event_bit(dev, VR_EV_KEY, code);
    }
    /* Linux's driver turns on its software autorepeat when the EV_REP bitmap is not empty. */
    vr_virtio_input_set_event_bit(dev, VR_EV_REP, VR_REP_DELAY);
    vr_virtio_input_set_event_bit(dev, VR_EV_REP, VR_REP_PERIOD);
    vr_virtio_input_set_event_bit(dev, VR_EV_LED, VR_LED_NUML);
    vr_virtio_input_set_event_bit(dev, VR_EV_LED, VR_LED_CAPSL);
    vr_virtio_input_set_event_bit(dev, VR_EV_LED, VR_LED_SCROLLL);
    return dev;
}

/* An absolute pointer the way QEMU's and VMware's tablets are one: absolute axes, mouse
 * buttons, no BTN_TOUCH and no INPUT_PROP_DIRECT. udev then tags it ID_INPUT_MOUSE and
 * libinput and X drive it as a pointer that jumps to where the host's pointer is; with
 * BTN_TOUCH or INPUT_PROP_DIRECT it would be a touchscreen (taps, no hover, no right button).
 * Linux's joydev binds every device with ABS_X except an "absolute mouse": event types exactly
 * SYN, KEY, ABS (and MSC, and REL), axes exactly ABS_X and ABS_Y, keys exactly the left, right
 * and middle buttons. So the tablet has no side or extra button, and declares MSC_SCAN (never
 * sent) because its wheels bring EV_REL, allowed only beside EV_MSC; otherwise the guest would
 * see the tablet as a joystick too, /dev/input/js0 ahead of the gamepad. */
VrVirtioDevice *vr_virtio_input_tablet_new(void)
{
    VrVirtioDevice *dev = vr_virtio_input_new("Vireo Tablet");
    vr_virtio_input_set_ids(dev, VR_BUS_VIRTUAL, 0, VR_VIRTIO_INPUT_PRODUCT_TABLET, 1);
    vr_virtio_input_set_abs_info(dev, VR_ABS_X, 0, VR_INPUT_ABS_MAX, 0, 0, 0);
    vr_virtio_input_set_abs_info(dev, VR_ABS_Y, 0, VR_INPUT_ABS_MAX, 0, 0, 0);
    vr_virtio_input_set_event_bit(dev, VR_EV_KEY, VR_BTN_LEFT);
    vr_virtio_input_set_event_bit(dev, VR_EV_KEY, VR_BTN_RIGHT);
    vr_virtio_input_set_event_bit(dev, VR_EV_KEY, VR_BTN_MIDDLE);
    vr_virtio_input_set_event_bit(dev, VR_EV_REL, VR_REL_WHEEL);
    vr_virtio_input_set_event_bit(dev, VR_EV_REL, VR_REL_HWHEEL);
    vr_virtio_input_set_event_bit(dev, VR_EV_MSC, VR_MSC_SCAN);
    return dev;
}

VrVirtioDevice *vr_virtio_input_mouse_new(void)
{
    VrVirtioDevice *dev = vr_virtio_input_new("Vireo Mouse");
    vr_virtio_input_set_ids(dev, VR_BUS_VIRTUAL, 0, VR_VIRTIO_INPUT_PRODUCT_MOUSE, 1);
    vr_virtio_input_set_event_bit(dev, VR_EV_REL, VR_REL_X);
    vr_virtio_input_set_event_bit(dev, VR_EV_REL, VR_REL_Y);
    vr_virtio_input_set_event_bit(dev, VR_EV_REL, VR_REL_WHEEL);
    vr_virtio_input_set_event_bit(dev, VR_EV_REL, VR_REL_HWHEEL);
    for (unsigned b = VR_BTN_LEFT; b <= VR_BTN_EXTRA; b++)
        vr_virtio_input_set_event_bit(dev, VR_EV_KEY, b);
    return dev;
}

/* Triggers are axes, not BTN_TL2/BTN_TR2 buttons, and the d-pad a hat, as xpad reports an Xbox
 * 360 pad: the layout SDL's and most games' evdev code know without a mapping. BTN_A (BTN_GAMEPAD)
 * and ABS_X each make joydev bind it. */
VrVirtioDevice *vr_virtio_input_gamepad_new(void)
{
    static const unsigned buttons[] = {
        VR_BTN_A,      VR_BTN_B,     VR_BTN_X,    VR_BTN_Y,      VR_BTN_TL,     VR_BTN_TR,
        VR_BTN_SELECT, VR_BTN_START, VR_BTN_MODE, VR_BTN_THUMBL, VR_BTN_THUMBR,
    };
    static const unsigned sticks[] = {VR_ABS_X, VR_ABS_Y, VR_ABS_RX, VR_ABS_RY};
    VrVirtioDevice *dev = vr_virtio_input_new("Vireo Gamepad");
    vr_virtio_input_set_ids(dev, VR_BUS_VIRTUAL, 0, VR_VIRTIO_INPUT_PRODUCT_GAMEPAD, 1);
    for (size_t i = 0; i < G_N_ELEMENTS(buttons); i++)
        vr_virtio_input_set_event_bit(dev, VR_EV_KEY, buttons[i]);
    for (size_t i = 0; i < G_N_ELEMENTS(sticks); i++)
        vr_virtio_input_set_abs_info(dev, sticks[i], VR_GAMEPAD_STICK_MIN, VR_GAMEPAD_STICK_MAX,
                                     VR_GAMEPAD_STICK_FUZZ, VR_GAMEPAD_STICK_FLAT, 0);
    vr_virtio_input_set_abs_info(dev, VR_ABS_Z, 0, VR_GAMEPAD_TRIGGER_MAX, 0, 0, 0);
    vr_virtio_input_set_abs_info(dev, VR_ABS_RZ, 0, VR_GAMEPAD_TRIGGER_MAX, 0, 0, 0);
    vr_virtio_input_set_abs_info(dev, VR_ABS_HAT0X, -1, 1, 0, 0, 0);
    vr_virtio_input_set_abs_info(dev, VR_ABS_HAT0Y, -1, 1, 0, 0, 0);
    return dev;
}
