/* virtio-input: the configuration space a driver reads (name, ids, event bits, absolute
 * axes), events delivered one per buffer, events waiting while the driver has no buffers
 * (bounded), dropped by a reset, kept by a state file; and the power button's press. */
#include <glib.h>
#include <glib/gstdio.h>
#include <string.h>

#include "virtio-test-driver.h"
#include "virtio/virtio-input.h"
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
    return g_test_run();
}
