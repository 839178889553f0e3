/* virtio-input: the configuration space a driver reads (name, ids, event bits, absolute
 * axes), events delivered one per buffer, events waiting while the driver has no buffers
 * (bounded), dropped by a reset, kept by a state file; the power button's press; and the
 * keyboard, tablet, mouse and gamepad as Linux's driver reads them and as joydev judges them. */
#include <glib.h>
#include <glib/gstdio.h>
#include <string.h>

#include "virtio-test-driver.h"
#include "virtio/virtio-input.h"
#include "vr-keymap.h"
#include "vr-state.h"

#define RAM_SIZE (16ull << 20)
#define QSIZE    16
#define EVENTQ   0
#define STATUSQ  1

/* Selects (select, subsel) as Linux does, one byte each; returns size. */
static unsigned cfg_select(TdMachine *m, uint8_t select, uint8_t subsel)
{
    td_write_sized(m, VR_VIRTIO_MMIO_CONFIG + 0, 1, select);
    td_write_sized(m, VR_VIRTIO_MMIO_CONFIG + 1, 1, subsel);
    return (unsigned) td_read_sized(m, VR_VIRTIO_MMIO_CONFIG + 2, 1);
}

static uint8_t cfg_byte(TdMachine *m, unsigned i)
{
    return (uint8_t) td_read_sized(m, VR_VIRTIO_MMIO_CONFIG + VR_VIRTIO_INPUT_CONFIG_PAYLOAD + i,
                                   1);
}

static char *cfg_string(TdMachine *m, unsigned size)
{
    char *s = g_malloc0(size + 1);
    for (unsigned i = 0; i < size; i++)
        s[i] = (char) cfg_byte(m, i);
    return s;
}

/* Posts n event buffers of 8 bytes at buf, descriptors first..first+n-1. */
static void post_events(TdMachine *m, TdQueue *q, uint64_t buf, uint16_t first, uint16_t n)
{
    for (uint16_t i = 0; i < n; i++) {
        uint16_t d = (uint16_t) ((first + i) % q->size);
        td_set_desc(m, q, d, buf + 8ull * d, 8, VR_VIRTQ_DESC_F_WRITE, 0);
        td_publish(m, q, d);
    }
    td_kick(m, q);
}

/* Takes the next used event buffer and decodes it. */
static VrVirtioInputEvent next_event(TdMachine *m, TdQueue *q, uint64_t buf)
{
    uint32_t id, len;
    g_assert_true(td_wait_used(m, q, &id, &len));
    g_assert_cmpuint(len, ==, 8);
    const uint8_t *p = td_host(m, buf + 8ull * id);
    VrVirtioInputEvent e;
    e.type = (uint16_t) (p[0] | p[1] << 8);
    e.code = (uint16_t) (p[2] | p[3] << 8);
    e.value = (int32_t) ((uint32_t) p[4] | (uint32_t) p[5] << 8 | (uint32_t) p[6] << 16 |
                         (uint32_t) p[7] << 24);
    return e;
}

static void assert_event(VrVirtioInputEvent e, uint16_t type, uint16_t code, int32_t value)
{
    g_assert_cmpuint(e.type, ==, type);
    g_assert_cmpuint(e.code, ==, code);
    g_assert_cmpint(e.value, ==, value);
}

static void test_config(void)
{
    TdMachine m;
    VrVirtioDevice *dev = vr_virtio_input_power_button_new();
    td_init(&m, dev, RAM_SIZE, td_with_iothread());
    g_assert_cmpuint(td_read(&m, VR_VIRTIO_MMIO_DEVICE_ID), ==, 18);
    g_assert_true(td_negotiate(&m, VR_VIRTIO_BIT(VR_VIRTIO_F_VERSION_1)));

    unsigned size = cfg_select(&m, VR_VIRTIO_INPUT_CFG_ID_NAME, 0);
    g_assert_cmpuint(size, ==, strlen("Vireo Power Button"));
    g_autofree char *name = cfg_string(&m, size);
    g_assert_cmpstr(name, ==, "Vireo Power Button");
    g_assert_cmpuint(td_read_sized(&m, VR_VIRTIO_MMIO_CONFIG + 0, 1), ==,
                     VR_VIRTIO_INPUT_CFG_ID_NAME);
    /* No serial, no properties, nothing under a subsel the name does not have. */
    g_assert_cmpuint(cfg_select(&m, VR_VIRTIO_INPUT_CFG_ID_SERIAL, 0), ==, 0);
    g_assert_cmpuint(cfg_select(&m, VR_VIRTIO_INPUT_CFG_ID_NAME, 1), ==, 0);
    g_assert_cmpuint(cfg_select(&m, VR_VIRTIO_INPUT_CFG_PROP_BITS, 0), ==, 0);
    g_assert_cmpuint(cfg_select(&m, VR_VIRTIO_INPUT_CFG_UNSET, 0), ==, 0);

    g_assert_cmpuint(cfg_select(&m, VR_VIRTIO_INPUT_CFG_ID_DEVIDS, 0), ==, 8);
    g_assert_cmpuint(cfg_byte(&m, 0), ==, VR_BUS_VIRTUAL);

    /* EV_KEY: KEY_POWER (116 = byte 14, bit 4) and nothing else. */
    size = cfg_select(&m, VR_VIRTIO_INPUT_CFG_EV_BITS, VR_EV_KEY);
    g_assert_cmpuint(size, ==, 116 / 8 + 1);
    for (unsigned i = 0; i < size; i++)
        g_assert_cmpuint(cfg_byte(&m, i), ==, i == 14 ? 1u << 4 : 0);
    g_assert_cmpuint(cfg_select(&m, VR_VIRTIO_INPUT_CFG_EV_BITS, VR_EV_SYN), ==, 1);
    g_assert_cmpuint(cfg_byte(&m, 0), ==, 1);
    g_assert_cmpuint(cfg_select(&m, VR_VIRTIO_INPUT_CFG_EV_BITS, VR_EV_REL), ==, 0);
    g_assert_cmpuint(cfg_select(&m, VR_VIRTIO_INPUT_CFG_EV_BITS, VR_EV_ABS), ==, 0);
    g_assert_cmpuint(cfg_select(&m, VR_VIRTIO_INPUT_CFG_EV_BITS, 200), ==, 0);
    g_assert_cmpuint(cfg_select(&m, VR_VIRTIO_INPUT_CFG_ABS_INFO, 0), ==, 0);
    /* The rest of the space is the device's: writes there change nothing. */
    cfg_select(&m, VR_VIRTIO_INPUT_CFG_ID_NAME, 0);
    td_write_sized(&m, VR_VIRTIO_MMIO_CONFIG + 2, 1, 3);
    td_write_sized(&m, VR_VIRTIO_MMIO_CONFIG + 8, 1, 'X');
    g_assert_cmpuint(td_read_sized(&m, VR_VIRTIO_MMIO_CONFIG + 2, 1), ==, 18);
    g_assert_cmpuint(cfg_byte(&m, 0), ==, 'V');
    td_free(&m);
}

/* What a tablet needs: properties, absolute axes with their ranges, a serial. */
static void test_config_tablet(void)
{
    TdMachine m;
    VrVirtioDevice *dev = vr_virtio_input_new("tablet");
    vr_virtio_input_set_serial(dev, "0001");
    vr_virtio_input_set_prop_bit(dev, 1);
    vr_virtio_input_set_abs_info(dev, 1, -5, 32767, 2, 3, 4);
    td_init(&m, dev, RAM_SIZE, td_with_iothread());
    unsigned size = cfg_select(&m, VR_VIRTIO_INPUT_CFG_ID_SERIAL, 0);
    g_autofree char *serial = cfg_string(&m, size);
    g_assert_cmpstr(serial, ==, "0001");
    g_assert_cmpuint(cfg_select(&m, VR_VIRTIO_INPUT_CFG_PROP_BITS, 0), ==, 1);
    g_assert_cmpuint(cfg_byte(&m, 0), ==, 2);
    g_assert_cmpuint(cfg_select(&m, VR_VIRTIO_INPUT_CFG_EV_BITS, VR_EV_ABS), ==, 1);
    g_assert_cmpuint(cfg_byte(&m, 0), ==, 2);
    g_assert_cmpuint(cfg_select(&m, VR_VIRTIO_INPUT_CFG_ABS_INFO, 0), ==, 0);
    g_assert_cmpuint(cfg_select(&m, VR_VIRTIO_INPUT_CFG_ABS_INFO, 1), ==, 20);
    g_assert_cmpint((int32_t) td_read_sized(&m, VR_VIRTIO_MMIO_CONFIG + 8, 4), ==, -5);
    g_assert_cmpuint(td_read_sized(&m, VR_VIRTIO_MMIO_CONFIG + 12, 4), ==, 32767);
    g_assert_cmpuint(td_read_sized(&m, VR_VIRTIO_MMIO_CONFIG + 24, 4), ==, 4);
    g_assert_cmpuint(cfg_select(&m, VR_VIRTIO_INPUT_CFG_ID_DEVIDS, 0), ==, 0);
    td_free(&m);
}

/* A press before the driver runs waits for buffers, then arrives whole and in order. */
static void test_power_press(void)
{
    TdMachine m;
    VrVirtioDevice *dev = vr_virtio_input_power_button_new();
    td_init(&m, dev, RAM_SIZE, td_with_iothread());
    TdQueue q[2];
    td_start(&m, 0, q, 2, QSIZE);
    g_assert_true(vr_virtio_device_driver_ok(dev));
    g_assert_true(vr_virtio_input_press_power(dev));
    td_sync(&m);
    g_assert_cmpuint(td_used_idx(&m, &q[EVENTQ]), ==, 0);
    g_assert_cmpuint(vr_virtio_input_pending(dev), ==, 4);

    uint64_t buf = td_alloc(&m, 8ull * QSIZE, 8);
    post_events(&m, &q[EVENTQ], buf, 0, 2);
    assert_event(next_event(&m, &q[EVENTQ], buf), VR_EV_KEY, VR_KEY_POWER, 1);
    assert_event(next_event(&m, &q[EVENTQ], buf), VR_EV_SYN, VR_SYN_REPORT, 0);
    td_sync(&m);
    g_assert_cmpuint(td_used_idx(&m, &q[EVENTQ]), ==, 2);
    g_assert_cmpuint(vr_virtio_input_pending(dev), ==, 2);
    post_events(&m, &q[EVENTQ], buf, 2, 4);
    assert_event(next_event(&m, &q[EVENTQ], buf), VR_EV_KEY, VR_KEY_POWER, 0);
    assert_event(next_event(&m, &q[EVENTQ], buf), VR_EV_SYN, VR_SYN_REPORT, 0);
    g_assert_cmpuint(vr_virtio_input_pending(dev), ==, 0);

    /* Buffers left over take the next events at once. */
    VrVirtioInputEvent e = {VR_EV_KEY, VR_KEY_POWER, 1};
    g_assert_true(vr_virtio_input_send(dev, &e, 1));
    assert_event(next_event(&m, &q[EVENTQ], buf), VR_EV_KEY, VR_KEY_POWER, 1);

    /* Status events are taken (length 0). */
    TdBuf status = {td_alloc(&m, 8, 8), 8, false};
    g_assert_cmpuint(td_submit(&m, &q[STATUSQ], &status, 1), ==, 0);
    td_free(&m);
}

/* A buffer too small for an event is returned empty; the event waits for the next. */

static void test_small_buffer(void)
{
    TdMachine m;
    VrVirtioDevice *dev = vr_virtio_input_power_button_new();
    td_init(&m, dev, RAM_SIZE, td_with_iothread());
    TdQueue q[2];
    td_start(&m, 0, q, 2, QSIZE);
    VrVirtioInputEvent e = {VR_EV_KEY, VR_KEY_POWER, 1};
    g_assert_true(vr_virtio_input_send(dev, &e, 1));
    TdBuf small = {td_alloc(&m, 4, 8), 4, true};
    g_assert_cmpuint(td_submit(&m, &q[EVENTQ], &small, 1), ==, 0);
    g_assert_cmpuint(vr_virtio_input_pending(dev), ==, 1);
    TdBuf whole = {td_alloc(&m, 8, 8), 8, true};
    g_assert_cmpuint(td_submit(&m, &q[EVENTQ], &whole, 1), ==, 8);
    g_assert_cmpuint(vr_virtio_input_pending(dev), ==, 0);
    td_free(&m);
}

/* A driver that never reads holds at most VR_VIRTIO_INPUT_PENDING_MAX events; a group that
 * does not fit is refused whole. A reset forgets them, and the driver is gone until it sets
 * DRIVER_OK again. */
static void test_bounded_and_reset(void)
{
    TdMachine m;
    VrVirtioDevice *dev = vr_virtio_input_power_button_new();
    g_assert_false(vr_virtio_device_driver_ok(dev)); /* not attached */
    td_init(&m, dev, RAM_SIZE, td_with_iothread());
    g_assert_false(vr_virtio_device_driver_ok(dev));
    TdQueue q[2];
    td_start(&m, 0, q, 2, QSIZE);
    for (unsigned i = 0; i < VR_VIRTIO_INPUT_PENDING_MAX / 4; i++)
        g_assert_true(vr_virtio_input_press_power(dev));
    g_assert_false(vr_virtio_input_press_power(dev));
    g_assert_cmpuint(vr_virtio_input_pending(dev), ==, VR_VIRTIO_INPUT_PENDING_MAX);
    VrVirtioInputEvent e = {VR_EV_SYN, VR_SYN_REPORT, 0};
    g_assert_false(vr_virtio_input_send(dev, &e, 1));

    cfg_select(&m, VR_VIRTIO_INPUT_CFG_EV_BITS, VR_EV_KEY);
    td_write(&m, VR_VIRTIO_MMIO_STATUS, 0);
    g_assert_false(vr_virtio_device_driver_ok(dev));
    g_assert_cmpuint(vr_virtio_input_pending(dev), ==, 0);
    g_assert_cmpuint(td_read_sized(&m, VR_VIRTIO_MMIO_CONFIG + 0, 1), ==, 0);
    g_assert_cmpuint(td_read_sized(&m, VR_VIRTIO_MMIO_CONFIG + 2, 1), ==, 0);

    td_start(&m, 0, q, 2, QSIZE);
    g_assert_true(vr_virtio_device_driver_ok(dev));
    uint64_t buf = td_alloc(&m, 8ull * QSIZE, 8);
    post_events(&m, &q[EVENTQ], buf, 0, 4);
    td_sync(&m);
    g_assert_cmpuint(td_used_idx(&m, &q[EVENTQ]), ==, 0);
    g_assert_true(vr_virtio_input_press_power(dev));
    assert_event(next_event(&m, &q[EVENTQ], buf), VR_EV_KEY, VR_KEY_POWER, 1);
    td_free(&m);
}

/* Waiting events and the selector go into a state file and come back out. */
static void test_state(void)
{
    TdMachine m;
    VrVirtioDevice *dev = vr_virtio_input_power_button_new();
    td_init(&m, dev, RAM_SIZE, td_with_iothread());
    TdQueue q[2];
    td_start(&m, 0, q, 2, QSIZE);
    g_assert_true(vr_virtio_input_press_power(dev));
    cfg_select(&m, VR_VIRTIO_INPUT_CFG_EV_BITS, VR_EV_KEY);

    g_autofree char *dir = g_dir_make_tmp("vireo-input-state-XXXXXX", NULL);
    g_autofree char *path = g_build_filename(dir, "input.state", NULL);
    VrDevice *base = vr_virtio_mmio_base(m.t);
    base->ops->quiesce(base);
    g_autoptr(GError) error = NULL;
    VrStateWriter *w = vr_state_writer_new(path, &error);
    g_assert_no_error(error);
    vr_state_begin_section(w, "dev:power-button");
    base->ops->save(base, w);
    vr_state_end_section(w);
    g_assert_true(vr_state_writer_finish(w, &error));
    td_detach(&m);

    dev = vr_virtio_input_power_button_new();
    td_attach(&m, dev);
    g_autoptr(VrStateFile) f = vr_state_file_open(path, &error);
    g_assert_no_error(error);
    g_autoptr(VrStateReader) r = vr_state_file_find(f, "dev:power-button");
    base = vr_virtio_mmio_base(m.t);
    g_assert_true(base->ops->load(base, r));
    g_assert_true(vr_state_reader_check(r, &error));
    base->ops->unquiesce(base);
    g_assert_true(vr_virtio_device_driver_ok(dev));
    g_assert_cmpuint(vr_virtio_input_pending(dev), ==, 4);
    g_assert_cmpuint(td_read_sized(&m, VR_VIRTIO_MMIO_CONFIG + 0, 1), ==,
                     VR_VIRTIO_INPUT_CFG_EV_BITS);
    g_assert_cmpuint(td_read_sized(&m, VR_VIRTIO_MMIO_CONFIG + 1, 1), ==, VR_EV_KEY);
    g_assert_cmpuint(td_read_sized(&m, VR_VIRTIO_MMIO_CONFIG + 2, 1), ==, 15);

    uint64_t buf = td_alloc(&m, 8ull * QSIZE, 8);
    post_events(&m, &q[EVENTQ], buf, 0, 4);
    assert_event(next_event(&m, &q[EVENTQ], buf), VR_EV_KEY, VR_KEY_POWER, 1);
    assert_event(next_event(&m, &q[EVENTQ], buf), VR_EV_SYN, VR_SYN_REPORT, 0);
    assert_event(next_event(&m, &q[EVENTQ], buf), VR_EV_KEY, VR_KEY_POWER, 0);
    assert_event(next_event(&m, &q[EVENTQ], buf), VR_EV_SYN, VR_SYN_REPORT, 0);
    g_unlink(path);
    g_rmdir(dir);
    td_free(&m);
}

/* A state file claiming more waiting events than a device holds is refused. */
static void test_state_bad_count(void)
{
    g_autofree char *dir = g_dir_make_tmp("vireo-input-state-XXXXXX", NULL);
    g_autofree char *path = g_build_filename(dir, "input.state", NULL);
    g_autoptr(GError) error = NULL;
    VrStateWriter *w = vr_state_writer_new(path, &error);
    g_assert_no_error(error);
    vr_state_begin_section(w, "dev:input");
    vr_state_put_u32(w, 1);
    vr_state_put_u8(w, 0);
    vr_state_put_u8(w, 0);
    vr_state_put_u32(w, VR_VIRTIO_INPUT_PENDING_MAX + 1);
    vr_state_end_section(w);
    g_assert_true(vr_state_writer_finish(w, &error));

    VrVirtioDevice *dev = vr_virtio_input_power_button_new();
    g_autoptr(VrStateFile) f = vr_state_file_open(path, &error);
    g_assert_no_error(error);
    g_autoptr(VrStateReader) r = vr_state_file_find(f, "dev:input");
    g_assert_false(dev->cls->load(dev, r));
    g_assert_false(vr_state_reader_check(r, &error));
    g_assert_nonnull(strstr(error->message, "257 input events"));
    vr_virtio_device_free(dev);
    g_unlink(path);
    g_rmdir(dir);
}

/* What Linux's virtio-input driver learns from the configuration space when it probes. */
typedef struct {
    char name[129];
    unsigned ids_size;
    uint16_t ids[4];
    uint8_t props[128];
    bool has_type[VR_EV_CNT]; /* the input device's evbit */
    uint8_t bits[VR_EV_CNT][128];
    bool has_abs_info[64];
    int32_t abs_info[64][5]; /* min, max, fuzz, flat, res */
} GuestView;

static int32_t cfg_le32(TdMachine *m, unsigned i)
{
    return (int32_t) td_read_sized(m, VR_VIRTIO_MMIO_CONFIG + VR_VIRTIO_INPUT_CONFIG_PAYLOAD + i,
                                   4);
}

static void cfg_bits(TdMachine *m, unsigned select, unsigned subsel, uint8_t *bits, bool *has)
{
    unsigned size = cfg_select(m, (uint8_t) select, (uint8_t) subsel);
    for (unsigned i = 0; i < size; i++)
        bits[i] = cfg_byte(m, i);
    if (has)
        *has = size > 0;
}

/* Reads the device as virtinput_probe does: name, ids, properties, EV_REP's presence, the
 * bitmaps of the types it knows, then the range of every absolute axis. */
static void guest_probe(TdMachine *m, GuestView *v)
{
    static const unsigned types[] = {VR_EV_KEY,     VR_EV_REL, VR_EV_ABS, VR_EV_MSC,
                                     0x05 /* SW */, VR_EV_LED, 0x12 /* SND */};
    memset(v, 0, sizeof(*v));
    unsigned size = cfg_select(m, VR_VIRTIO_INPUT_CFG_ID_NAME, 0);
    for (unsigned i = 0; i < size; i++)
        v->name[i] = (char) cfg_byte(m, i);
    v->ids_size = cfg_select(m, VR_VIRTIO_INPUT_CFG_ID_DEVIDS, 0);
    for (unsigned i = 0; i < 4 && v->ids_size >= 8; i++)
        v->ids[i] = (uint16_t) (cfg_byte(m, 2 * i) | cfg_byte(m, 2 * i + 1) << 8);
    cfg_bits(m, VR_VIRTIO_INPUT_CFG_PROP_BITS, 0, v->props, NULL);
    v->has_type[VR_EV_SYN] = true; /* the input core's own */
    v->has_type[VR_EV_REP] = cfg_select(m, VR_VIRTIO_INPUT_CFG_EV_BITS, VR_EV_REP) > 0;
    for (size_t i = 0; i < G_N_ELEMENTS(types); i++)
        cfg_bits(m, VR_VIRTIO_INPUT_CFG_EV_BITS, types[i], v->bits[types[i]],
                 &v->has_type[types[i]]);
    for (unsigned a = 0; a < 64 && v->has_type[VR_EV_ABS]; a++) {
        if (!(v->bits[VR_EV_ABS][a / 8] & (1u << (a % 8))))
            continue;
        v->has_abs_info[a] = cfg_select(m, VR_VIRTIO_INPUT_CFG_ABS_INFO, (uint8_t) a) == 20;
        for (unsigned k = 0; k < 5; k++)
            v->abs_info[a][k] = cfg_le32(m, 4 * k);
    }
}

static bool has(const GuestView *v, unsigned type, unsigned code)
{
    return v->has_type[type] && (v->bits[type][code / 8] & (1u << (code % 8)));
}

static unsigned count_bits(const GuestView *v, unsigned type)
{
    unsigned n = 0;
    for (unsigned i = 0; i < 128 * 8; i++)
        n += has(v, type, i);
    return n;
}

/* Linux 6.1's joydev: it binds a device with ABS_X, ABS_Z, ABS_WHEEL or ABS_THROTTLE, or with
 * BTN_JOYSTICK, BTN_GAMEPAD or BTN_TRIGGER_HAPPY, unless it is an "absolute mouse" (event
 * types exactly SYN+KEY+ABS, +MSC or +MSC+REL; axes exactly X and Y; keys exactly the
 * left, right and middle buttons). */
static bool joydev_binds(const GuestView *v)
{
    bool match = has(v, VR_EV_ABS, VR_ABS_X) || has(v, VR_EV_ABS, VR_ABS_Z) ||
                 has(v, VR_EV_ABS, 0x08) || has(v, VR_EV_ABS, 0x06) || has(v, VR_EV_KEY, 0x120) ||
                 has(v, VR_EV_KEY, VR_BTN_GAMEPAD) || has(v, VR_EV_KEY, 0x2c0);
    if (!match)
        return false;
    uint32_t types = 0;
    for (unsigned t = 0; t < VR_EV_CNT; t++)
        types |= v->has_type[t] ? 1u << t : 0;
    uint32_t base = 1u << VR_EV_SYN | 1u << VR_EV_KEY | 1u << VR_EV_ABS;
    bool mouse_types = types == base || types == (base | 1u << VR_EV_MSC) ||
                       types == (base | 1u << VR_EV_MSC | 1u << VR_EV_REL);
    bool mouse_axes =
        count_bits(v, VR_EV_ABS) == 2 && has(v, VR_EV_ABS, VR_ABS_X) && has(v, VR_EV_ABS, VR_ABS_Y);
    bool mouse_keys = count_bits(v, VR_EV_KEY) == 3 && has(v, VR_EV_KEY, VR_BTN_LEFT) &&
                      has(v, VR_EV_KEY, VR_BTN_RIGHT) && has(v, VR_EV_KEY, VR_BTN_MIDDLE);
    return !(mouse_types && mouse_axes && mouse_keys);
}

static void assert_abs(const GuestView *v, unsigned axis, int32_t min, int32_t max, int32_t fuzz,
                       int32_t flat)
{
    g_assert_true(v->has_abs_info[axis]);
    g_assert_cmpint(v->abs_info[axis][0], ==, min);
    g_assert_cmpint(v->abs_info[axis][1], ==, max);
    g_assert_cmpint(v->abs_info[axis][2], ==, fuzz);
    g_assert_cmpint(v->abs_info[axis][3], ==, flat);
}

static void assert_ids(const GuestView *v, uint16_t product)
{
    g_assert_cmpuint(v->ids_size, ==, 8);
    g_assert_cmpuint(v->ids[0], ==, VR_BUS_VIRTUAL);
    g_assert_cmpuint(v->ids[2], ==, product);
}

/* A machine with dev, its driver started and QSIZE event buffers posted at *buf. */
static void start_with_buffers(TdMachine *m, VrVirtioDevice *dev, TdQueue *q, uint64_t *buf)
{
    td_init(m, dev, RAM_SIZE, td_with_iothread());
    td_start(m, 0, q, 2, QSIZE);
    *buf = td_alloc(m, 8ull * QSIZE, 8);
    post_events(m, &q[EVENTQ], *buf, 0, QSIZE);
}

static void test_keyboard(void)
{
    TdMachine m;
    GuestView v;
    VrVirtioDevice *dev = vr_virtio_input_keyboard_new();
    td_init(&m, dev, RAM_SIZE, td_with_iothread());
    guest_probe(&m, &v);
    g_assert_cmpstr(v.name, ==, "Vireo Keyboard");
    assert_ids(&v, VR_VIRTIO_INPUT_PRODUCT_KEYBOARD);
    g_assert_true(v.has_type[VR_EV_KEY]);
    g_assert_true(v.has_type[VR_EV_REP]);
    g_assert_true(v.has_type[VR_EV_LED]);
    g_assert_false(v.has_type[VR_EV_REL]);
    g_assert_false(v.has_type[VR_EV_ABS]);
    for (unsigned led = VR_LED_NUML; led <= VR_LED_SCROLLL; led++)
        g_assert_true(has(&v, VR_EV_LED, led));
    /* Every key of a 105-key PC keyboard (ESC..KPDOT, 102ND, F11, F12, the right-hand block,
     * the Windows and Menu keys), media keys; no buttons and nothing that is no key. */
    for (unsigned k = VR_KEY_ESC; k <= VR_KEY_KPDOT; k++)
        g_assert_true(has(&v, VR_EV_KEY, k));
    static const unsigned more[] = {
        VR_KEY_102ND,     VR_KEY_F11,     VR_KEY_F12,      VR_KEY_KPENTER,  VR_KEY_RIGHTCTRL,
        VR_KEY_KPSLASH,   VR_KEY_SYSRQ,   VR_KEY_RIGHTALT, VR_KEY_HOME,     VR_KEY_UP,
        VR_KEY_PAGEUP,    VR_KEY_LEFT,    VR_KEY_RIGHT,    VR_KEY_END,      VR_KEY_DOWN,
        VR_KEY_PAGEDOWN,  VR_KEY_INSERT,  VR_KEY_DELETE,   VR_KEY_PAUSE,    VR_KEY_LEFTMETA,
        VR_KEY_RIGHTMETA, VR_KEY_COMPOSE, VR_KEY_MUTE,     VR_KEY_VOLUMEUP, VR_KEY_PLAYPAUSE,
        VR_KEY_NEXTSONG,  VR_KEY_F24,     VR_KEY_RO,       VR_KEY_YEN,      VR_KEY_HANGEUL,
        VR_KEY_MICMUTE,   VR_KEY_SELECT,  VR_KEY_CLEAR,
    };
    for (size_t i = 0; i < G_N_ELEMENTS(more); i++)
        g_assert_true(has(&v, VR_EV_KEY, more[i]));
    g_assert_false(has(&v, VR_EV_KEY, 0));
    g_assert_false(has(&v, VR_EV_KEY, 84));
    g_assert_false(has(&v, VR_EV_KEY, VR_BTN_LEFT));
    g_assert_false(has(&v, VR_EV_KEY, VR_BTN_GAMEPAD));
    g_assert_false(joydev_binds(&v));
    td_free(&m);

    /* Ctrl+Alt+Del reaches the guest as 12 events in order; the driver's LED changes are
     * taken. */
    TdQueue q[2];
    uint64_t buf;
    dev = vr_virtio_input_keyboard_new();
    start_with_buffers(&m, dev, q, &buf);
    const int keys[] = {VR_KEY_LEFTCTRL, VR_KEY_LEFTALT, VR_KEY_DELETE};
    VrVirtioInputEvent ev[VR_KEYMAP_COMBO_EVENTS(3)];
    g_assert_cmpuint(vr_keymap_combo_events(keys, 3, ev, G_N_ELEMENTS(ev)), ==, 12);
    g_assert_true(vr_virtio_input_send(dev, ev, 12));
    static const int order[] = {0, 1, 2, 2, 1, 0};
    for (unsigned i = 0; i < 6; i++) {
        assert_event(next_event(&m, &q[EVENTQ], buf), VR_EV_KEY, (uint16_t) keys[order[i]], i < 3);
        assert_event(next_event(&m, &q[EVENTQ], buf), VR_EV_SYN, VR_SYN_REPORT, 0);
    }
    uint64_t led = td_alloc(&m, 8, 8);
    uint8_t *p = td_host(&m, led);
    p[0] = VR_EV_LED;
    p[2] = VR_LED_CAPSL;
    p[4] = 1;
    TdBuf status = {led, 8, false};
    g_assert_cmpuint(td_submit(&m, &q[STATUSQ], &status, 1), ==, 0);
    td_free(&m);
}

static void test_tablet(void)
{
    TdMachine m;
    GuestView v;
    VrVirtioDevice *dev = vr_virtio_input_tablet_new();
    TdQueue q[2];
    uint64_t buf;
    start_with_buffers(&m, dev, q, &buf);
    guest_probe(&m, &v);
    g_assert_cmpstr(v.name, ==, "Vireo Tablet");
    assert_ids(&v, VR_VIRTIO_INPUT_PRODUCT_TABLET);
    assert_abs(&v, VR_ABS_X, 0, VR_INPUT_ABS_MAX, 0, 0);
    assert_abs(&v, VR_ABS_Y, 0, VR_INPUT_ABS_MAX, 0, 0);
    g_assert_cmpuint(VR_INPUT_ABS_MAX, ==, 32767);
    g_assert_cmpuint(count_bits(&v, VR_EV_ABS), ==, 2);
    g_assert_true(has(&v, VR_EV_KEY, VR_BTN_LEFT));
    g_assert_true(has(&v, VR_EV_KEY, VR_BTN_RIGHT));
    g_assert_true(has(&v, VR_EV_KEY, VR_BTN_MIDDLE));
    g_assert_true(has(&v, VR_EV_REL, VR_REL_WHEEL));
    g_assert_true(has(&v, VR_EV_REL, VR_REL_HWHEEL));
    g_assert_false(has(&v, VR_EV_REL, VR_REL_X));
    /* A pointer (udev: ID_INPUT_MOUSE), not a touchscreen or a pen tablet, and no joystick. */
    g_assert_false(has(&v, VR_EV_KEY, VR_BTN_TOUCH));
    g_assert_false(has(&v, VR_EV_KEY, 0x140 /* BTN_TOOL_PEN */));
    g_assert_false(v.props[0] & (1u << VR_INPUT_PROP_DIRECT));
    g_assert_false(v.has_type[VR_EV_REP]);
    g_assert_false(joydev_binds(&v));

    const VrVirtioInputEvent move[] = {
        {VR_EV_ABS, VR_ABS_X, 0},      {VR_EV_ABS, VR_ABS_Y, VR_INPUT_ABS_MAX},
        {VR_EV_SYN, VR_SYN_REPORT, 0}, {VR_EV_KEY, VR_BTN_LEFT, 1},
        {VR_EV_SYN, VR_SYN_REPORT, 0}, {VR_EV_REL, VR_REL_WHEEL, -1},
        {VR_EV_SYN, VR_SYN_REPORT, 0},
    };
    g_assert_true(vr_virtio_input_send(dev, move, G_N_ELEMENTS(move)));
    for (size_t i = 0; i < G_N_ELEMENTS(move); i++)
        assert_event(next_event(&m, &q[EVENTQ], buf), move[i].type, move[i].code, move[i].value);
    td_free(&m);
}

static void test_mouse(void)
{
    TdMachine m;
    GuestView v;
    VrVirtioDevice *dev = vr_virtio_input_mouse_new();
    TdQueue q[2];
    uint64_t buf;
    start_with_buffers(&m, dev, q, &buf);
    guest_probe(&m, &v);
    g_assert_cmpstr(v.name, ==, "Vireo Mouse");
    assert_ids(&v, VR_VIRTIO_INPUT_PRODUCT_MOUSE);
    g_assert_false(v.has_type[VR_EV_ABS]);
    static const unsigned rel[] = {VR_REL_X, VR_REL_Y, VR_REL_WHEEL, VR_REL_HWHEEL};
    for (size_t i = 0; i < G_N_ELEMENTS(rel); i++)
        g_assert_true(has(&v, VR_EV_REL, rel[i]));
    g_assert_cmpuint(count_bits(&v, VR_EV_REL), ==, 4);
    for (unsigned b = VR_BTN_LEFT; b <= VR_BTN_EXTRA; b++)
        g_assert_true(has(&v, VR_EV_KEY, b));
    g_assert_cmpuint(count_bits(&v, VR_EV_KEY), ==, 5);
    g_assert_false(joydev_binds(&v));

    const VrVirtioInputEvent move[] = {
        {VR_EV_REL, VR_REL_X, -3},   {VR_EV_REL, VR_REL_Y, 7},      {VR_EV_SYN, VR_SYN_REPORT, 0},
        {VR_EV_KEY, VR_BTN_SIDE, 1}, {VR_EV_SYN, VR_SYN_REPORT, 0},
    };
    g_assert_true(vr_virtio_input_send(dev, move, G_N_ELEMENTS(move)));
    for (size_t i = 0; i < G_N_ELEMENTS(move); i++)
        assert_event(next_event(&m, &q[EVENTQ], buf), move[i].type, move[i].code, move[i].value);
    td_free(&m);
}

static void test_gamepad(void)
{
    TdMachine m;
    GuestView v;
    VrVirtioDevice *dev = vr_virtio_input_gamepad_new();
    TdQueue q[2];
    uint64_t buf;
    start_with_buffers(&m, dev, q, &buf);
    guest_probe(&m, &v);
    g_assert_cmpstr(v.name, ==, "Vireo Gamepad");
    assert_ids(&v, VR_VIRTIO_INPUT_PRODUCT_GAMEPAD);
    static const unsigned buttons[] = {
        0x130 /* BTN_SOUTH */,  0x131 /* BTN_EAST */,   0x133 /* BTN_NORTH */,
        0x134 /* BTN_WEST */,   0x136 /* BTN_TL */,     0x137 /* BTN_TR */,
        0x13a /* BTN_SELECT */, 0x13b /* BTN_START */,  0x13c /* BTN_MODE */,
        0x13d /* BTN_THUMBL */, 0x13e /* BTN_THUMBR */,
    };
    for (size_t i = 0; i < G_N_ELEMENTS(buttons); i++)
        g_assert_true(has(&v, VR_EV_KEY, buttons[i]));
    g_assert_cmpuint(count_bits(&v, VR_EV_KEY), ==, G_N_ELEMENTS(buttons));
    /* xpad's ranges for an Xbox 360 pad. */
    static const unsigned sticks[] = {0, 1, 3, 4};
    for (size_t i = 0; i < G_N_ELEMENTS(sticks); i++)
        assert_abs(&v, sticks[i], -32768, 32767, 16, 128);
    assert_abs(&v, 2 /* ABS_Z */, 0, 255, 0, 0);
    assert_abs(&v, 5 /* ABS_RZ */, 0, 255, 0, 0);
    assert_abs(&v, 0x10 /* ABS_HAT0X */, -1, 1, 0, 0);
    assert_abs(&v, 0x11 /* ABS_HAT0Y */, -1, 1, 0, 0);
    g_assert_cmpuint(count_bits(&v, VR_EV_ABS), ==, 8);
    g_assert_false(v.has_type[VR_EV_REL]);
    /* A /dev/input/jsN for it. */
    g_assert_true(joydev_binds(&v));

    const VrVirtioInputEvent press[] = {
        {VR_EV_KEY, VR_BTN_A, 1},      {VR_EV_SYN, VR_SYN_REPORT, 0}, {VR_EV_ABS, VR_ABS_X, -32768},
        {VR_EV_ABS, VR_ABS_HAT0Y, -1}, {VR_EV_SYN, VR_SYN_REPORT, 0},
    };
    g_assert_true(vr_virtio_input_send(dev, press, G_N_ELEMENTS(press)));
    for (size_t i = 0; i < G_N_ELEMENTS(press); i++)
        assert_event(next_event(&m, &q[EVENTQ], buf), press[i].type, press[i].code, press[i].value);
    td_free(&m);
}

/* The power button is no joystick either, and a generic device tells joydev nothing. */
static void test_joydev_check(void)
{
    TdMachine m;
    GuestView v;
    td_init(&m, vr_virtio_input_power_button_new(), RAM_SIZE, false);
    guest_probe(&m, &v);
    g_assert_false(joydev_binds(&v));
    td_free(&m);
    /* The check itself: a tablet with a side button would be bound. */
    VrVirtioDevice *dev = vr_virtio_input_tablet_new();
    vr_virtio_input_set_event_bit(dev, VR_EV_KEY, VR_BTN_SIDE);
    td_init(&m, dev, RAM_SIZE, false);
    guest_probe(&m, &v);
    g_assert_true(joydev_binds(&v));
    td_free(&m);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    td_add_both("/virtio-input/config", test_config);
    td_add_both("/virtio-input/config-tablet", test_config_tablet);
    td_add_both("/virtio-input/power-press", test_power_press);
    td_add_both("/virtio-input/small-buffer", test_small_buffer);
    td_add_both("/virtio-input/bounded-and-reset", test_bounded_and_reset);
    td_add_both("/virtio-input/state", test_state);
    g_test_add_func("/virtio-input/state-bad-count", test_state_bad_count);
    td_add_both("/virtio-input/keyboard", test_keyboard);
    td_add_both("/virtio-input/tablet", test_tablet);
    td_add_both("/virtio-input/mouse", test_mouse);
    td_add_both("/virtio-input/gamepad", test_gamepad);
    g_test_add_func("/virtio-input/joydev-check", test_joydev_check);
    return g_test_run();
}
