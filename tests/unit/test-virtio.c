/* The virtio-mmio transport and the split virtqueue, driven as a guest driver drives them:
 * identification, feature negotiation, queue setup, interrupts and their suppression, and
 * every malformed ring a hostile guest can build, each of which must end in
 * DEVICE_NEEDS_RESET with the host unharmed. virtio-rng serves as the device. */
#include <glib.h>
#include <glib/gstdio.h>
#include <string.h>

#include "virtio-test-driver.h"
#include "virtio/virtio-rng.h"
#include "vr-state.h"

#define RAM_SIZE (16ull << 20)
#define QSIZE    16
#define F_V1     VR_VIRTIO_BIT(VR_VIRTIO_F_VERSION_1)
#define F_INDIR  VR_VIRTIO_BIT(VR_VIRTIO_F_INDIRECT_DESC)
#define F_EVIDX  VR_VIRTIO_BIT(VR_VIRTIO_F_EVENT_IDX)

static void rng_machine(TdMachine *m, uint64_t ram)
{
    td_init(m, vr_virtio_rng_new(), ram, td_with_iothread());
}

static bool all_zero(const uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (p[i])
            return false;
    return true;
}

/* ---- Identification and registers ---- */

static void test_identity(void)
{
    TdMachine m;
    rng_machine(&m, RAM_SIZE);
    g_assert_cmphex(td_read(&m, VR_VIRTIO_MMIO_MAGIC_VALUE), ==, 0x74726976);
    g_assert_cmpuint(td_read(&m, VR_VIRTIO_MMIO_VERSION), ==, 2);
    g_assert_cmpuint(td_read(&m, VR_VIRTIO_MMIO_DEVICE_ID), ==, VR_VIRTIO_ID_ENTROPY);
    g_assert_cmphex(td_read(&m, VR_VIRTIO_MMIO_VENDOR_ID), ==, VR_VIRTIO_MMIO_VENDOR);
    g_assert_cmpuint(td_read(&m, VR_VIRTIO_MMIO_STATUS), ==, 0);
    td_write(&m, VR_VIRTIO_MMIO_QUEUE_SEL, 0);
    g_assert_cmpuint(td_read(&m, VR_VIRTIO_MMIO_QUEUE_NUM_MAX), ==, VR_VIRTIO_RNG_QUEUE_SIZE);
    td_write(&m, VR_VIRTIO_MMIO_QUEUE_SEL, 1); /* no such queue */
    g_assert_cmpuint(td_read(&m, VR_VIRTIO_MMIO_QUEUE_NUM_MAX), ==, 0);
    g_assert_cmpuint(td_read(&m, VR_VIRTIO_MMIO_QUEUE_READY), ==, 0);
    td_write(&m, VR_VIRTIO_MMIO_QUEUE_READY, 1); /* ignored */
    g_assert_cmpuint(td_read(&m, VR_VIRTIO_MMIO_STATUS), ==, 0);
    /* No shared memory regions: length -1. */
    td_write(&m, VR_VIRTIO_MMIO_SHM_SEL, 0);
    g_assert_cmphex(td_read(&m, VR_VIRTIO_MMIO_SHM_LEN_LOW), ==, 0xffffffff);
    g_assert_cmphex(td_read(&m, VR_VIRTIO_MMIO_SHM_LEN_HIGH), ==, 0xffffffff);
    /* Odd accesses are answered, not fatal: narrow control register reads give 0, config
     * beyond the (empty) config space reads 0, writes to read-only registers do nothing. */
    g_assert_cmpuint(td_read_sized(&m, VR_VIRTIO_MMIO_MAGIC_VALUE, 2), ==, 0);
    g_assert_cmpuint(td_read_sized(&m, VR_VIRTIO_MMIO_MAGIC_VALUE, 1), ==, 0);
    g_assert_cmpuint(td_read_sized(&m, VR_VIRTIO_MMIO_CONFIG, 4), ==, 0);
    g_assert_cmpuint(td_read_sized(&m, VR_VIRTIO_MMIO_CONFIG + 0xf8, 8), ==, 0);
    td_write(&m, VR_VIRTIO_MMIO_MAGIC_VALUE, 0);
    td_write_sized(&m, VR_VIRTIO_MMIO_STATUS, 1, 0xff);
    td_write_sized(&m, VR_VIRTIO_MMIO_CONFIG, 4, 0x12345678);
    g_assert_cmphex(td_read(&m, VR_VIRTIO_MMIO_MAGIC_VALUE), ==, 0x74726976);
    g_assert_cmpuint(td_read(&m, VR_VIRTIO_MMIO_STATUS), ==, 0);
    td_free(&m);
}

/* ---- Feature negotiation ---- */

static void test_features(void)
{
    TdMachine m;
    rng_machine(&m, RAM_SIZE);
    uint64_t offered = td_device_features(&m);
    g_assert_true(offered & F_V1);
    g_assert_true(offered & F_INDIR);
    g_assert_true(offered & F_EVIDX);
    /* Only what the transport implements. */
    g_assert_cmphex(offered, ==, F_V1 | F_INDIR | F_EVIDX);
    td_write(&m, VR_VIRTIO_MMIO_DEVICE_FEATURES_SEL, 2);
    g_assert_cmphex(td_read(&m, VR_VIRTIO_MMIO_DEVICE_FEATURES), ==, 0);

    /* A legacy driver (no VERSION_1) is refused. */
    g_assert_false(td_negotiate(&m, F_INDIR));
    /* So is a feature that was not offered, */
    g_assert_false(td_negotiate(&m, F_V1 | VR_VIRTIO_BIT(5)));
    g_assert_false(td_negotiate(&m, F_V1 | VR_VIRTIO_BIT(34)));
    /* and a bit past 63. */
    td_write(&m, VR_VIRTIO_MMIO_STATUS, 0);
    td_write(&m, VR_VIRTIO_MMIO_DRIVER_FEATURES_SEL, 1);
    td_write(&m, VR_VIRTIO_MMIO_DRIVER_FEATURES, 1);
    td_write(&m, VR_VIRTIO_MMIO_DRIVER_FEATURES_SEL, 2);
    td_write(&m, VR_VIRTIO_MMIO_DRIVER_FEATURES, 1);
    td_write(&m, VR_VIRTIO_MMIO_STATUS, 3 | VR_VIRTIO_STATUS_FEATURES_OK);
    g_assert_cmpuint(td_read(&m, VR_VIRTIO_MMIO_STATUS), ==, 3);

    /* A subset that includes VERSION_1 is fine, and is fixed from FEATURES_OK on. */
    g_assert_true(td_negotiate(&m, F_V1 | F_EVIDX));
    g_assert_cmphex(m.dev->negotiated, ==, F_V1 | F_EVIDX);
    td_write(&m, VR_VIRTIO_MMIO_DRIVER_FEATURES_SEL, 0);
    td_write(&m, VR_VIRTIO_MMIO_DRIVER_FEATURES, (uint32_t) F_INDIR);
    g_assert_cmphex(m.dev->negotiated, ==, F_V1 | F_EVIDX);

    /* Clearing bits without a reset is ignored. */
    td_write(&m, VR_VIRTIO_MMIO_STATUS, VR_VIRTIO_STATUS_ACKNOWLEDGE);
    g_assert_cmpuint(td_read(&m, VR_VIRTIO_MMIO_STATUS), ==, 3 | VR_VIRTIO_STATUS_FEATURES_OK);

    /* Reset forgets everything. */
    td_write(&m, VR_VIRTIO_MMIO_STATUS, 0);
    g_assert_cmpuint(td_read(&m, VR_VIRTIO_MMIO_STATUS), ==, 0);
    g_assert_cmphex(m.dev->negotiated, ==, 0);

    /* DRIVER_OK without FEATURES_OK is a broken driver. */
    td_write(&m, VR_VIRTIO_MMIO_STATUS, 3);
    td_write(&m, VR_VIRTIO_MMIO_STATUS, 3 | VR_VIRTIO_STATUS_DRIVER_OK);
    uint32_t s = td_read(&m, VR_VIRTIO_MMIO_STATUS);
    g_assert_true(s & VR_VIRTIO_STATUS_DEVICE_NEEDS_RESET);
    g_assert_false(s & VR_VIRTIO_STATUS_DRIVER_OK);
    /* The driver cannot clear DEVICE_NEEDS_RESET but by resetting. */
    td_write(&m, VR_VIRTIO_MMIO_STATUS, 3);
    g_assert_true(td_read(&m, VR_VIRTIO_MMIO_STATUS) & VR_VIRTIO_STATUS_DEVICE_NEEDS_RESET);
    td_write(&m, VR_VIRTIO_MMIO_STATUS, 0);
    g_assert_cmpuint(td_read(&m, VR_VIRTIO_MMIO_STATUS), ==, 0);
    td_free(&m);
}

/* ---- Queue setup ---- */

static void bad_queue(uint16_t num, uint64_t desc, uint64_t avail, uint64_t used,
                      bool before_features_ok)
{
    TdMachine m;
    rng_machine(&m, RAM_SIZE);
    if (before_features_ok) {
        td_write(&m, VR_VIRTIO_MMIO_STATUS, 3);
    } else {
        g_assert_true(td_negotiate(&m, F_V1));
    }
    td_write(&m, VR_VIRTIO_MMIO_QUEUE_SEL, 0);
    td_write(&m, VR_VIRTIO_MMIO_QUEUE_NUM, num);
    td_write(&m, VR_VIRTIO_MMIO_QUEUE_DESC_LOW, (uint32_t) desc);
    td_write(&m, VR_VIRTIO_MMIO_QUEUE_DESC_HIGH, (uint32_t) (desc >> 32));
    td_write(&m, VR_VIRTIO_MMIO_QUEUE_DRIVER_LOW, (uint32_t) avail);
    td_write(&m, VR_VIRTIO_MMIO_QUEUE_DRIVER_HIGH, (uint32_t) (avail >> 32));
    td_write(&m, VR_VIRTIO_MMIO_QUEUE_DEVICE_LOW, (uint32_t) used);
    td_write(&m, VR_VIRTIO_MMIO_QUEUE_DEVICE_HIGH, (uint32_t) (used >> 32));
    td_write(&m, VR_VIRTIO_MMIO_QUEUE_READY, 1);
    g_assert_true(td_read(&m, VR_VIRTIO_MMIO_STATUS) & VR_VIRTIO_STATUS_DEVICE_NEEDS_RESET);
    g_assert_cmpuint(td_read(&m, VR_VIRTIO_MMIO_QUEUE_READY), ==, 1);
    /* Nothing is used; the device recovers after a reset. */
    td_write(&m, VR_VIRTIO_MMIO_QUEUE_NOTIFY, 0);
    td_sync(&m);
    td_write(&m, VR_VIRTIO_MMIO_STATUS, 0);
    TdQueue q;
    td_start(&m, 0, &q, 1, QSIZE);
    uint64_t buf = td_alloc(&m, 64, 8);
    TdBuf b = {buf, 64, true};
    g_assert_cmpuint(td_submit(&m, &q, &b, 1), ==, 64);
    td_free(&m);
}

static void test_queue_setup(void)
{
    const uint64_t ram = TD_RAM_BASE + 0x100000;
    bad_queue(QSIZE, ram, ram + 0x1000, ram + 0x2000, true);     /* before FEATURES_OK */
    bad_queue(0, ram, ram + 0x1000, ram + 0x2000, false);        /* size 0 */
    bad_queue(128, ram, ram + 0x1000, ram + 0x2000, false);      /* above QueueNumMax */
    bad_queue(12, ram, ram + 0x1000, ram + 0x2000, false);       /* not a power of two */
    bad_queue(QSIZE, 0x1000, ram + 0x1000, ram + 0x2000, false); /* rings not in RAM */
    bad_queue(QSIZE, ram, TD_MMIO_BASE, ram + 0x2000, false);
    bad_queue(QSIZE, ram, ram + 0x1000, TD_RAM_BASE + RAM_SIZE - 8, false); /* runs off RAM */
    bad_queue(QSIZE, ram, ram + 0x1000, 0xfffffffffffffff0ull, false);
    bad_queue(QSIZE, ram + 8, ram + 0x1000, ram + 0x2000, false); /* misaligned */
    bad_queue(QSIZE, ram, ram + 0x1001, ram + 0x2000, false);
    bad_queue(QSIZE, ram, ram + 0x1000, ram + 0x2002, false);

    /* Queue registers are read-only while the queue is ready, and a queue can be stopped
     * and moved. */
    TdMachine m;
    rng_machine(&m, RAM_SIZE);
    TdQueue q;
    td_start(&m, 0, &q, 1, QSIZE);
    td_write(&m, VR_VIRTIO_MMIO_QUEUE_SEL, 0);
    td_write(&m, VR_VIRTIO_MMIO_QUEUE_DESC_LOW, 0x1000); /* ignored */
    td_write(&m, VR_VIRTIO_MMIO_QUEUE_NUM, 4);           /* ignored */
    uint64_t buf = td_alloc(&m, 32, 8);
    TdBuf b = {buf, 32, true};
    g_assert_cmpuint(td_submit(&m, &q, &b, 1), ==, 32);
    td_write(&m, VR_VIRTIO_MMIO_QUEUE_READY, 0);
    g_assert_cmpuint(td_read(&m, VR_VIRTIO_MMIO_QUEUE_READY), ==, 0);
    /* A kick while stopped is ignored. */
    td_publish(&m, &q, 0);
    td_kick(&m, &q);
    td_sync(&m);
    g_assert_cmpuint(td_used_idx(&m, &q), ==, 1);
    td_queue_setup(&m, &q, 0, 8);
    g_assert_cmpuint(td_submit(&m, &q, &b, 1), ==, 32);
    g_assert_cmpuint(td_read(&m, VR_VIRTIO_MMIO_STATUS) & VR_VIRTIO_STATUS_DEVICE_NEEDS_RESET, ==,
                     0);
    td_free(&m);
}

/* Buffers queued before DRIVER_OK are served once the driver sets it. */
static void test_buffers_before_driver_ok(void)
{
    TdMachine m;
    rng_machine(&m, RAM_SIZE);
    g_assert_true(td_negotiate(&m, F_V1));
    TdQueue q;
    td_queue_setup(&m, &q, 0, QSIZE);
    uint64_t buf = td_alloc(&m, 16, 8);
    td_set_desc(&m, &q, 0, buf, 16, VR_VIRTQ_DESC_F_WRITE, 0);
    td_publish(&m, &q, 0);
    td_kick(&m, &q);
    td_sync(&m);
    g_assert_cmpuint(td_used_idx(&m, &q), ==, 0);
    td_driver_ok(&m);
    uint32_t len;
    g_assert_true(td_wait_used(&m, &q, NULL, &len));
    g_assert_cmpuint(len, ==, 16);
    td_free(&m);
}

/* ---- virtio-rng ---- */

static void test_rng(void)
{
    TdMachine m;
    rng_machine(&m, RAM_SIZE);
    TdQueue q;
    td_start(&m, F_INDIR, &q, 1, QSIZE);

    uint64_t a = td_alloc(&m, 4096, 8), b = td_alloc(&m, 4096, 8);
    TdBuf one = {a, 4096, true};
    g_assert_cmpuint(td_submit(&m, &q, &one, 1), ==, 4096);
    TdBuf two = {b, 4096, true};
    g_assert_cmpuint(td_submit(&m, &q, &two, 1), ==, 4096);
    g_assert_false(all_zero(td_host(&m, a), 4096));
    g_assert_false(memcmp(td_host(&m, a), td_host(&m, b), 4096) == 0);

    /* A chain with a readable part: only the writable part is filled. */
    uint64_t hdr = td_alloc(&m, 64, 8), out = td_alloc(&m, 100, 8), out2 = td_alloc(&m, 7, 1);
    TdBuf mixed[] = {{hdr, 64, false}, {out, 100, true}, {out2, 7, true}};
    g_assert_cmpuint(td_submit(&m, &q, mixed, 3), ==, 107);
    g_assert_true(all_zero(td_host(&m, hdr), 64));
    g_assert_false(all_zero(td_host(&m, out), 100));

    /* Through an indirect table. */
    uint64_t c = td_alloc(&m, 512, 8);
    TdBuf ind[] = {{c, 256, true}, {c + 256, 256, true}};
    g_assert_cmpuint(td_submit_indirect(&m, &q, ind, 2), ==, 512);
    g_assert_false(all_zero(td_host(&m, c + 256), 256));

    /* A huge buffer gets a capped amount, and the used length says so. */
    uint64_t big = td_alloc(&m, 1 << 20, 8);
    TdBuf huge = {big, 1 << 20, true};
    g_assert_cmpuint(td_submit(&m, &q, &huge, 1), ==, VR_VIRTIO_RNG_MAX_FILL);
    g_assert_true(all_zero(td_host(&m, big + VR_VIRTIO_RNG_MAX_FILL), 4096));

    /* A readable-only buffer gets nothing, and the device carries on. */
    TdBuf ro = {hdr, 64, false};
    g_assert_cmpuint(td_submit(&m, &q, &ro, 1), ==, 0);
    g_assert_cmpuint(td_read(&m, VR_VIRTIO_MMIO_STATUS) & VR_VIRTIO_STATUS_DEVICE_NEEDS_RESET, ==,
                     0);
    td_free(&m);
}

/* ---- Interrupts ---- */

static void test_interrupts(void)
{
    TdMachine m;
    rng_machine(&m, RAM_SIZE);
    TdQueue q;
    td_start(&m, 0, &q, 1, QSIZE);
    uint64_t buf = td_alloc(&m, 16, 8);
    TdBuf b = {buf, 16, true};

    g_assert_cmpint(g_atomic_int_get(&m.irq_level), ==, 0);
    g_assert_cmpuint(td_submit(&m, &q, &b, 1), ==, 16);
    /* The line is raised when the used ring is updated, and InterruptStatus says why. */
    g_assert_cmpint(g_atomic_int_get(&m.irq_level), ==, 1);
    g_assert_cmpuint(td_read(&m, VR_VIRTIO_MMIO_INTERRUPT_STATUS), ==, VR_VIRTIO_MMIO_INT_VRING);
    /* It stays up until acknowledged; acknowledging another bit does nothing. */
    td_write(&m, VR_VIRTIO_MMIO_INTERRUPT_ACK, VR_VIRTIO_MMIO_INT_CONFIG);
    g_assert_cmpint(g_atomic_int_get(&m.irq_level), ==, 1);
    td_write(&m, VR_VIRTIO_MMIO_INTERRUPT_ACK, VR_VIRTIO_MMIO_INT_VRING);
    g_assert_cmpint(g_atomic_int_get(&m.irq_level), ==, 0);
    g_assert_cmpuint(td_read(&m, VR_VIRTIO_MMIO_INTERRUPT_STATUS), ==, 0);

    /* VIRTQ_AVAIL_F_NO_INTERRUPT: the buffer is used but nobody is interrupted. */
    td_set_avail_flags(&m, &q, VR_VIRTQ_AVAIL_F_NO_INTERRUPT);
    int rises = g_atomic_int_get(&m.irq_rises);
    g_assert_cmpuint(td_submit(&m, &q, &b, 1), ==, 16);
    td_sync(&m);
    g_assert_cmpint(g_atomic_int_get(&m.irq_rises), ==, rises);
    g_assert_cmpint(g_atomic_int_get(&m.irq_level), ==, 0);
    td_set_avail_flags(&m, &q, 0);
    g_assert_cmpuint(td_submit(&m, &q, &b, 1), ==, 16);
    g_assert_cmpint(g_atomic_int_get(&m.irq_level), ==, 1);

    /* Reset drops the line. */
    td_write(&m, VR_VIRTIO_MMIO_STATUS, 0);
    g_assert_cmpint(g_atomic_int_get(&m.irq_level), ==, 0);
    g_assert_cmpuint(td_read(&m, VR_VIRTIO_MMIO_INTERRUPT_STATUS), ==, 0);
    td_free(&m);
}

static void test_event_idx(void)
{
    TdMachine m;
    rng_machine(&m, RAM_SIZE);
    TdQueue q;
    td_start(&m, F_EVIDX, &q, 1, QSIZE);
    uint64_t buf = td_alloc(&m, 16, 8);
    TdBuf b = {buf, 16, true};

    /* used_event = 0: the first used buffer (used idx 0 -> 1) interrupts. */
    g_assert_cmpuint(td_submit(&m, &q, &b, 1), ==, 16);
    g_assert_cmpint(g_atomic_int_get(&m.irq_level), ==, 1);
    td_write(&m, VR_VIRTIO_MMIO_INTERRUPT_ACK, 1);
    /* The device asks to be kicked for the next buffer: avail_event = its avail idx. */
    td_sync(&m);
    g_assert_cmpuint(td_avail_event(&m, &q), ==, q.avail_idx);

    /* Interrupt only when used idx passes used_event = 4: entries 1, 2, 3 are silent. */
    td_set_used_event(&m, &q, 4);
    for (int i = 1; i <= 3; i++) {
        g_assert_cmpuint(td_submit(&m, &q, &b, 1), ==, 16);
        td_sync(&m);
        g_assert_cmpint(g_atomic_int_get(&m.irq_level), ==, 0);
    }
    g_assert_cmpuint(td_submit(&m, &q, &b, 1), ==, 16); /* entry 4 */
    g_assert_cmpint(g_atomic_int_get(&m.irq_level), ==, 1);
    td_write(&m, VR_VIRTIO_MMIO_INTERRUPT_ACK, 1);
    /* The NO_INTERRUPT flag means nothing with EVENT_IDX. */
    td_set_avail_flags(&m, &q, VR_VIRTQ_AVAIL_F_NO_INTERRUPT);
    td_set_used_event(&m, &q, q.used_seen);
    g_assert_cmpuint(td_submit(&m, &q, &b, 1), ==, 16);
    g_assert_cmpint(g_atomic_int_get(&m.irq_level), ==, 1);
    td_free(&m);
}

/* Several buffers in one kick each get used, in order. */
static void test_batch(void)
{
    TdMachine m;
    rng_machine(&m, RAM_SIZE);
    TdQueue q;
    td_start(&m, 0, &q, 1, QSIZE);
    uint64_t buf = td_alloc(&m, 16 * QSIZE, 8);
    for (uint16_t i = 0; i < QSIZE; i++) {
        td_set_desc(&m, &q, i, buf + 16 * i, 16 - (i % 4), VR_VIRTQ_DESC_F_WRITE, 0);
        td_publish(&m, &q, i);
    }
    td_kick(&m, &q);
    for (uint16_t i = 0; i < QSIZE; i++) {
        uint32_t id, len;
        g_assert_true(td_wait_used(&m, &q, &id, &len));
        g_assert_cmpuint(id, ==, i);
        g_assert_cmpuint(len, ==, 16 - (i % 4));
    }
    td_free(&m);
}

/* ---- Malformed rings: each ends in DEVICE_NEEDS_RESET ---- */

typedef void (*BreakFn)(TdMachine *m, TdQueue *q);

static void expect_needs_reset(BreakFn fn, uint64_t features, uint64_t ram)
{
    TdMachine m;
    rng_machine(&m, ram);
    TdQueue q;
    td_start(&m, features, &q, 1, QSIZE);
    guint64 logged_before, suppressed_before;
    vr_virtio_log_counts(&logged_before, &suppressed_before);

    fn(&m, &q);
    td_kick(&m, &q);
    g_assert_true(td_wait_needs_reset(&m));
    td_sync(&m);
    /* The driver hears about it through a configuration change interrupt. */
    g_assert_true(td_read(&m, VR_VIRTIO_MMIO_INTERRUPT_STATUS) & VR_VIRTIO_MMIO_INT_CONFIG);
    g_assert_cmpint(g_atomic_int_get(&m.irq_level), ==, 1);
    /* Nothing was used, and nothing more is processed until a reset. */
    g_assert_cmpuint(td_used_idx(&m, &q), ==, 0);
    td_kick(&m, &q);
    td_sync(&m);
    g_assert_cmpuint(td_used_idx(&m, &q), ==, 0);
    /* A log line was written (or rate-limited). */
    guint64 logged, suppressed;
    vr_virtio_log_counts(&logged, &suppressed);
    g_assert_cmpuint(logged + suppressed, >, logged_before + suppressed_before);

    /* After a reset the same device works again. */
    td_write(&m, VR_VIRTIO_MMIO_STATUS, 0);
    g_assert_cmpint(g_atomic_int_get(&m.irq_level), ==, 0);
    TdQueue q2;
    td_start(&m, features, &q2, 1, QSIZE);
    uint64_t buf = td_alloc(&m, 32, 8);
    TdBuf b = {buf, 32, true};
    g_assert_cmpuint(td_submit(&m, &q2, &b, 1), ==, 32);
    g_assert_false(all_zero(td_host(&m, buf), 32));
    td_free(&m);
}

static uint64_t scratch(TdMachine *m)
{
    return td_alloc(m, 4096, 16);
}

static void brk_loop(TdMachine *m, TdQueue *q)
{
    uint64_t b = scratch(m);
    td_set_desc(m, q, 0, b, 8, VR_VIRTQ_DESC_F_WRITE | VR_VIRTQ_DESC_F_NEXT, 1);
    td_set_desc(m, q, 1, b, 8, VR_VIRTQ_DESC_F_WRITE | VR_VIRTQ_DESC_F_NEXT, 0);
    td_publish(m, q, 0);
}

static void brk_self_loop(TdMachine *m, TdQueue *q)
{
    td_set_desc(m, q, 5, scratch(m), 8, VR_VIRTQ_DESC_F_WRITE | VR_VIRTQ_DESC_F_NEXT, 5);
    td_publish(m, q, 5);
}

static void brk_head_out_of_range(TdMachine *m, TdQueue *q)
{
    td_publish(m, q, QSIZE + 3);
}

static void brk_next_out_of_range(TdMachine *m, TdQueue *q)
{
    td_set_desc(m, q, 0, scratch(m), 8, VR_VIRTQ_DESC_F_WRITE | VR_VIRTQ_DESC_F_NEXT, 0xffff);
    td_publish(m, q, 0);
}

static void brk_avail_idx_jump(TdMachine *m, TdQueue *q)
{
    td_set_desc(m, q, 0, scratch(m), 8, VR_VIRTQ_DESC_F_WRITE, 0);
    td_publish(m, q, 0);
    uint16_t idx = GUINT16_TO_LE(QSIZE + 5);
    memcpy(td_host(m, q->avail + 2), &idx, 2);
}

static void brk_outside_ram(TdMachine *m, TdQueue *q)
{
    td_set_desc(m, q, 0, 0x1000, 64, VR_VIRTQ_DESC_F_WRITE, 0);
    td_publish(m, q, 0);
}

static void brk_in_mmio(TdMachine *m, TdQueue *q)
{
    /* A buffer over the device's own registers is not RAM either. */
    td_set_desc(m, q, 0, TD_MMIO_BASE, 0x100, VR_VIRTQ_DESC_F_WRITE, 0);
    td_publish(m, q, 0);
}

static void brk_past_ram_end(TdMachine *m, TdQueue *q)
{
    td_set_desc(m, q, 0, TD_RAM_BASE + m->ram_size - 16, 32, VR_VIRTQ_DESC_F_WRITE, 0);
    td_publish(m, q, 0);
}

static void brk_wrapping(TdMachine *m, TdQueue *q)
{
    td_set_desc(m, q, 0, 0xfffffffffffff000ull, 0x2000, VR_VIRTQ_DESC_F_WRITE, 0);
    td_publish(m, q, 0);
}

static void brk_huge_length(TdMachine *m, TdQueue *q)
{
    td_set_desc(m, q, 0, TD_RAM_BASE, 0xffffffffu, VR_VIRTQ_DESC_F_WRITE, 0);
    td_publish(m, q, 0);
}

/* Every buffer fits in RAM, but together they pass 4 GiB (RAM of 512 MiB, 16 buffers). */
static void brk_total_over_4g(TdMachine *m, TdQueue *q)
{
    for (uint16_t i = 0; i < QSIZE; i++)
        td_set_desc(m, q, i, TD_RAM_BASE, (uint32_t) m->ram_size,
                    VR_VIRTQ_DESC_F_WRITE | (i + 1 < QSIZE ? VR_VIRTQ_DESC_F_NEXT : 0), i + 1);
    td_publish(m, q, 0);
}

static void brk_too_long(TdMachine *m, TdQueue *q)
{
    /* No loop, but 17 buffers for a queue of 16, through an indirect table. */
    uint64_t table = td_alloc(m, 16 * 32, 16), b = scratch(m);
    for (uint16_t i = 0; i < QSIZE + 1; i++)
        td_set_desc_at(m, table, i, b, 8,
                       VR_VIRTQ_DESC_F_WRITE | (i < QSIZE ? VR_VIRTQ_DESC_F_NEXT : 0), i + 1);
    td_set_desc(m, q, 0, table, 16 * 32, VR_VIRTQ_DESC_F_INDIRECT, 0);
    td_publish(m, q, 0);
}

static void brk_writable_before_readable(TdMachine *m, TdQueue *q)
{
    uint64_t b = scratch(m);
    td_set_desc(m, q, 0, b, 8, VR_VIRTQ_DESC_F_WRITE | VR_VIRTQ_DESC_F_NEXT, 1);
    td_set_desc(m, q, 1, b + 8, 8, VR_VIRTQ_DESC_F_NEXT, 2);
    td_set_desc(m, q, 2, b + 16, 8, VR_VIRTQ_DESC_F_WRITE, 0);
    td_publish(m, q, 0);
}

static void brk_indirect_not_negotiated(TdMachine *m, TdQueue *q)
{
    uint64_t table = td_alloc(m, 16, 16);
    td_set_desc_at(m, table, 0, scratch(m), 8, VR_VIRTQ_DESC_F_WRITE, 0);
    td_set_desc(m, q, 0, table, 16, VR_VIRTQ_DESC_F_INDIRECT, 0);
    td_publish(m, q, 0);
}

static void brk_indirect_bad_len(TdMachine *m, TdQueue *q)
{
    uint64_t table = td_alloc(m, 32, 16);
    td_set_desc_at(m, table, 0, scratch(m), 8, VR_VIRTQ_DESC_F_WRITE, 0);
    td_set_desc(m, q, 0, table, 24, VR_VIRTQ_DESC_F_INDIRECT, 0);
    td_publish(m, q, 0);
}

static void brk_indirect_zero_len(TdMachine *m, TdQueue *q)
{
    td_set_desc(m, q, 0, td_alloc(m, 16, 16), 0, VR_VIRTQ_DESC_F_INDIRECT, 0);
    td_publish(m, q, 0);
}

static void brk_indirect_outside_ram(TdMachine *m, TdQueue *q)
{
    td_set_desc(m, q, 0, 0x2000, 64, VR_VIRTQ_DESC_F_INDIRECT, 0);
    td_publish(m, q, 0);
}

static void brk_indirect_in_indirect(TdMachine *m, TdQueue *q)
{
    uint64_t inner = td_alloc(m, 16, 16), outer = td_alloc(m, 16, 16);
    td_set_desc_at(m, inner, 0, scratch(m), 8, VR_VIRTQ_DESC_F_WRITE, 0);
    td_set_desc_at(m, outer, 0, inner, 16, VR_VIRTQ_DESC_F_INDIRECT, 0);
    td_set_desc(m, q, 0, outer, 16, VR_VIRTQ_DESC_F_INDIRECT, 0);
    td_publish(m, q, 0);
}

static void brk_indirect_with_next(TdMachine *m, TdQueue *q)
{
    uint64_t table = td_alloc(m, 16, 16), b = scratch(m);
    td_set_desc_at(m, table, 0, b, 8, VR_VIRTQ_DESC_F_WRITE, 0);
    td_set_desc(m, q, 0, table, 16, VR_VIRTQ_DESC_F_INDIRECT | VR_VIRTQ_DESC_F_NEXT, 1);
    td_set_desc(m, q, 1, b, 8, VR_VIRTQ_DESC_F_WRITE, 0);
    td_publish(m, q, 0);
}

static void brk_indirect_next_out_of_table(TdMachine *m, TdQueue *q)
{
    uint64_t table = td_alloc(m, 32, 16), b = scratch(m);
    td_set_desc_at(m, table, 0, b, 8, VR_VIRTQ_DESC_F_WRITE | VR_VIRTQ_DESC_F_NEXT, 1);
    td_set_desc_at(m, table, 1, b, 8, VR_VIRTQ_DESC_F_WRITE | VR_VIRTQ_DESC_F_NEXT, 2);
    td_set_desc(m, q, 0, table, 32, VR_VIRTQ_DESC_F_INDIRECT, 0);
    td_publish(m, q, 0);
}

static void brk_indirect_loop(TdMachine *m, TdQueue *q)
{
    uint64_t table = td_alloc(m, 32, 16), b = scratch(m);
    td_set_desc_at(m, table, 0, b, 8, VR_VIRTQ_DESC_F_WRITE | VR_VIRTQ_DESC_F_NEXT, 1);
    td_set_desc_at(m, table, 1, b, 8, VR_VIRTQ_DESC_F_WRITE | VR_VIRTQ_DESC_F_NEXT, 0);
    td_set_desc(m, q, 0, table, 32, VR_VIRTQ_DESC_F_INDIRECT, 0);
    td_publish(m, q, 0);
}

static void brk_indirect_readable_after_writable(TdMachine *m, TdQueue *q)
{
    /* A writable direct descriptor, then an indirect table starting with a readable one. */
    uint64_t table = td_alloc(m, 16, 16), b = scratch(m);
    td_set_desc_at(m, table, 0, b, 8, 0, 0);
    td_set_desc(m, q, 0, b + 64, 8, VR_VIRTQ_DESC_F_WRITE | VR_VIRTQ_DESC_F_NEXT, 1);
    td_set_desc(m, q, 1, table, 16, VR_VIRTQ_DESC_F_INDIRECT, 0);
    td_publish(m, q, 0);
}

typedef struct {
    const char *name;
    BreakFn fn;
    uint64_t features;
    uint64_t ram;
} BreakCase;

static const BreakCase break_cases[] = {
    {"loop", brk_loop, 0, RAM_SIZE},
    {"self-loop", brk_self_loop, 0, RAM_SIZE},
    {"head-out-of-range", brk_head_out_of_range, 0, RAM_SIZE},
    {"next-out-of-range", brk_next_out_of_range, 0, RAM_SIZE},
    {"avail-idx-jump", brk_avail_idx_jump, 0, RAM_SIZE},
    {"outside-ram", brk_outside_ram, 0, RAM_SIZE},
    {"in-mmio", brk_in_mmio, 0, RAM_SIZE},
    {"past-ram-end", brk_past_ram_end, 0, RAM_SIZE},
    {"wrapping", brk_wrapping, 0, RAM_SIZE},
    {"huge-length", brk_huge_length, 0, RAM_SIZE},
    {"total-over-4g", brk_total_over_4g, 0, 512ull << 20},
    {"too-long", brk_too_long, F_INDIR, RAM_SIZE},
    {"writable-before-readable", brk_writable_before_readable, 0, RAM_SIZE},
    {"indirect-not-negotiated", brk_indirect_not_negotiated, 0, RAM_SIZE},
    {"indirect-bad-length", brk_indirect_bad_len, F_INDIR, RAM_SIZE},
    {"indirect-zero-length", brk_indirect_zero_len, F_INDIR, RAM_SIZE},
    {"indirect-outside-ram", brk_indirect_outside_ram, F_INDIR, RAM_SIZE},
    {"indirect-in-indirect", brk_indirect_in_indirect, F_INDIR, RAM_SIZE},
    {"indirect-with-next", brk_indirect_with_next, F_INDIR, RAM_SIZE},
    {"indirect-next-out-of-table", brk_indirect_next_out_of_table, F_INDIR, RAM_SIZE},
    {"indirect-loop", brk_indirect_loop, F_INDIR, RAM_SIZE},
    {"indirect-readable-after-writable", brk_indirect_readable_after_writable, F_INDIR, RAM_SIZE},
};

static void test_malformed(gconstpointer data)
{
    const BreakCase *c = data;
    expect_needs_reset(c->fn, c->features, c->ram);
}

/* A valid layout that looks odd: direct descriptors followed by an indirect table, with a
 * zero-length buffer in the middle (2.7.5.3.2: the device must handle it). */
static void test_direct_then_indirect(void)
{
    TdMachine m;
    rng_machine(&m, RAM_SIZE);
    TdQueue q;
    td_start(&m, F_INDIR, &q, 1, QSIZE);
    uint64_t table = td_alloc(&m, 32, 16), b = td_alloc(&m, 256, 8);
    td_set_desc_at(&m, table, 0, b + 64, 0, VR_VIRTQ_DESC_F_WRITE | VR_VIRTQ_DESC_F_NEXT, 1);
    td_set_desc_at(&m, table, 1, b + 128, 32, VR_VIRTQ_DESC_F_WRITE, 0);
    td_set_desc(&m, &q, 0, b, 16, VR_VIRTQ_DESC_F_NEXT, 1);
    td_set_desc(&m, &q, 1, b + 32, 16, VR_VIRTQ_DESC_F_WRITE | VR_VIRTQ_DESC_F_NEXT, 2);
    /* The WRITE flag on the descriptor naming the table is to be ignored. */
    td_set_desc(&m, &q, 2, table, 32, VR_VIRTQ_DESC_F_INDIRECT | VR_VIRTQ_DESC_F_WRITE, 0);
    td_publish(&m, &q, 0);
    td_kick(&m, &q);
    uint32_t len;
    g_assert_true(td_wait_used(&m, &q, NULL, &len));
    g_assert_cmpuint(len, ==, 48);
    g_assert_true(all_zero(td_host(&m, b), 16));
    g_assert_false(all_zero(td_host(&m, b + 128), 32));
    g_assert_cmpuint(td_read(&m, VR_VIRTIO_MMIO_STATUS) & VR_VIRTIO_STATUS_DEVICE_NEEDS_RESET, ==,
                     0);
    td_free(&m);
}

/* A flood of errors is logged a few lines at a time. */
static void test_log_rate_limit(void)
{
    TdMachine m;
    rng_machine(&m, RAM_SIZE);
    guint64 logged0, suppressed0;
    vr_virtio_log_counts(&logged0, &suppressed0);
    for (int i = 0; i < 1000; i++)
        td_write(&m, VR_VIRTIO_MMIO_QUEUE_NOTIFY, 99); /* no such queue */
    guint64 logged, suppressed;
    vr_virtio_log_counts(&logged, &suppressed);
    g_assert_cmpuint(logged - logged0, <=, 20);
    g_assert_cmpuint(logged - logged0 + suppressed - suppressed0, ==, 1000);
    td_free(&m);
}

/* A flood that goes on: ten lines, then one a second, not ten a second. */
static void test_log_rate_limit_sustained(void)
{
    VrRateLimit rl = {0};
    guint64 logged0, suppressed0;
    vr_virtio_log_counts(&logged0, &suppressed0);
    gint64 start = g_get_monotonic_time();
    unsigned calls = 0;
    while (g_get_monotonic_time() - start < 2500 * G_TIME_SPAN_MILLISECOND) {
        vr_virtio_log_guest_error(&rl, "test", "flood %u", calls++);
        g_usleep(1000);
    }
    guint64 logged, suppressed;
    vr_virtio_log_counts(&logged, &suppressed);
    /* Other tests' devices may log meanwhile only on this thread: the counts are ours. */
    g_assert_cmpuint(logged - logged0 + suppressed - suppressed0, ==, calls);
    g_assert_cmpuint(logged - logged0, >=, 11);
    g_assert_cmpuint(logged - logged0, <=, 13);
}

/* The virtqueue alone: the iov helpers a device uses on popped chains. */
static void test_iov_helpers(void)
{
    uint8_t a[3], b[5], c[4];
    struct iovec iov[] = {{a, 3}, {b, 5}, {c, 4}};
    const uint8_t src[12] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12};
    g_assert_cmpuint(vr_iov_from_buf(iov, 3, 0, src, 12), ==, 12);
    uint8_t dst[12] = {0};
    g_assert_cmpuint(vr_iov_to_buf(iov, 3, 2, dst, 12), ==, 10);
    g_assert_cmpmem(dst, 10, src + 2, 10);
    g_assert_cmpuint(vr_iov_to_buf(iov, 3, 12, dst, 4), ==, 0);
    struct iovec s[3];
    g_assert_cmpuint(vr_iov_slice(iov, 3, 2, 7, s, 3), ==, 3);
    g_assert_true(s[0].iov_base == a + 2 && s[0].iov_len == 1);
    g_assert_true(s[1].iov_base == b && s[1].iov_len == 5);
    g_assert_true(s[2].iov_base == c && s[2].iov_len == 1);
    g_assert_cmpuint(vr_iov_slice(iov, 3, 2, 7, s, 2), ==, 0);  /* does not fit */
    g_assert_cmpuint(vr_iov_slice(iov, 3, 10, 5, s, 3), ==, 0); /* past the end */
}

/* ---- Machine state ---- */

static char *state_dir;

static void write_state(const char *path, const void *payload, size_t len)
{
    g_autoptr(GError) error = NULL;
    VrStateWriter *w = vr_state_writer_new(path, &error);
    g_assert_no_error(error);
    vr_state_begin_section(w, "dev:virtio0");
    vr_state_put_bytes(w, payload, len);
    vr_state_end_section(w);
    g_assert_true(vr_state_writer_finish(w, &error));
}

/* Quiesces the transport and returns its state payload. */
static GBytes *save_payload(TdMachine *m)
{
    g_autofree char *path = g_build_filename(state_dir, "save.state", NULL);
    VrDevice *dev = vr_virtio_mmio_base(m->t);
    dev->ops->quiesce(dev);
    g_autoptr(GError) error = NULL;
    VrStateWriter *w = vr_state_writer_new(path, &error);
    g_assert_no_error(error);
    vr_state_begin_section(w, "dev:virtio0");
    dev->ops->save(dev, w);
    vr_state_end_section(w);
    g_assert_true(vr_state_writer_finish(w, &error));
    g_autoptr(VrStateFile) f = vr_state_file_open(path, &error);
    g_assert_no_error(error);
    g_autoptr(VrStateReader) r = vr_state_file_find(f, "dev:virtio0");
    size_t len = vr_state_reader_remaining(r);
    GBytes *bytes = g_bytes_new(vr_state_get_ptr(r, len), len);
    g_unlink(path);
    return bytes;
}

/* Loads payload into the machine's transport; returns the refusal (NULL when taken). */
static char *load_payload(TdMachine *m, const void *payload, size_t len)
{
    g_autofree char *path = g_build_filename(state_dir, "load.state", NULL);
    write_state(path, payload, len);
    g_autoptr(GError) error = NULL;
    g_autoptr(VrStateFile) f = vr_state_file_open(path, &error);
    g_assert_no_error(error);
    g_autoptr(VrStateReader) r = vr_state_file_find(f, "dev:virtio0");
    VrDevice *dev = vr_virtio_mmio_base(m->t);
    bool ok = dev->ops->load(dev, r);
    bool checked = vr_state_reader_check(r, &error);
    g_assert_true(!ok ? !checked : true);
    dev->ops->unquiesce(dev);
    g_unlink(path);
    return checked ? NULL : g_strdup(error->message);
}

/* An entropy device with EVENT_IDX saved with an interrupt not yet acknowledged and built
 * again: the interrupt is still there, the ring indexes and the event index carry on. */
static void test_state_round_trip(void)
{
    TdMachine m;
    TdQueue q;
    rng_machine(&m, RAM_SIZE);
    td_start(&m, F_EVIDX, &q, 1, QSIZE);
    uint64_t buf = td_alloc(&m, 64, 8);
    TdBuf one = {buf, 64, true};
    for (int i = 0; i < 21; i++) {
        td_set_used_event(&m, &q, q.used_seen);
        g_assert_cmpuint(td_submit(&m, &q, &one, 1), ==, 64);
    }
    g_assert_cmpuint(td_read(&m, VR_VIRTIO_MMIO_INTERRUPT_STATUS), ==, VR_VIRTIO_MMIO_INT_VRING);
    g_autoptr(GBytes) payload = save_payload(&m);
    uint16_t avail_event = td_avail_event(&m, &q);
    td_detach(&m);
    g_assert_cmpint(g_atomic_int_get(&m.irq_level), ==, 1); /* the line as it was left */
    g_atomic_int_set(&m.irq_level, 0);

    td_attach(&m, vr_virtio_rng_new());
    gsize len;
    const uint8_t *p = g_bytes_get_data(payload, &len);
    g_autofree char *refused = load_payload(&m, p, len);
    g_assert_null(refused);
    g_assert_cmpint(g_atomic_int_get(&m.irq_level), ==, 1);
    g_assert_cmpuint(td_read(&m, VR_VIRTIO_MMIO_INTERRUPT_STATUS), ==, VR_VIRTIO_MMIO_INT_VRING);
    g_assert_cmpuint(td_avail_event(&m, &q), ==, avail_event);
    td_write(&m, VR_VIRTIO_MMIO_INTERRUPT_ACK, VR_VIRTIO_MMIO_INT_VRING);
    g_assert_cmpint(g_atomic_int_get(&m.irq_level), ==, 0);
    for (int i = 0; i < 21; i++) {
        td_set_used_event(&m, &q, q.used_seen);
        int rises = g_atomic_int_get(&m.irq_rises);
        g_assert_cmpuint(td_submit(&m, &q, &one, 1), ==, 64);
        g_assert_cmpint(g_atomic_int_get(&m.irq_rises), ==, rises + 1);
        td_write(&m, VR_VIRTIO_MMIO_INTERRUPT_ACK, VR_VIRTIO_MMIO_INT_VRING);
    }
    g_assert_cmpuint(td_used_idx(&m, &q), ==, 42);
    td_free(&m);
}

typedef struct {
    const char *what;
    size_t offset; /* where to write value; SIZE_MAX: cut the payload instead */
    unsigned width;
    uint64_t value;
    const char *reason; /* expected in the refusal */
} Damage;

/* Payload offsets (see the layout in virtio-mmio.c). */
#define OFF_STATUS 12
#define OFF_QUEUE0 58 /* QueueNum, then QueueReady, desc, driver, device ... */

static const Damage damages[] = {
    {"bad version", 0, 4, 99, "version 99"},
    {"other device", 4, 4, 2, "device with id 2"},
    {"queue count", 8, 4, 2, "2 queues"},
    {"status bits", OFF_STATUS, 4, 0x2f, "status 0x2f"},
    {"DRIVER_OK alone", OFF_STATUS, 4, 0x07, "without FEATURES_OK"},
    {"queue size 3", OFF_QUEUE0, 4, 3, "power of two"},
    {"queue size above max", OFF_QUEUE0, 4, 2048, "power of two"},
    {"rings outside RAM", OFF_QUEUE0 + 5, 8, 0x1000, "not in guest RAM"},
    {"misaligned ring", OFF_QUEUE0 + 5, 8, TD_RAM_BASE + 0x10008, "not aligned"},
    {"interrupt bits", 49, 4, 0x4, "interrupt status 0x4"},
    {"truncated", SIZE_MAX, 0, 3, NULL},
};

/* Each damaged payload is refused with its reason, and the device is left reset. */
static void test_state_damaged(void)
{
    TdMachine m;
    TdQueue q;
    rng_machine(&m, RAM_SIZE);
    td_start(&m, 0, &q, 1, QSIZE);
    uint64_t buf = td_alloc(&m, 64, 8);
    TdBuf one = {buf, 64, true};
    g_assert_cmpuint(td_submit(&m, &q, &one, 1), ==, 64);
    g_autoptr(GBytes) payload = save_payload(&m);
    gsize len;
    const uint8_t *good = g_bytes_get_data(payload, &len);
    g_assert_cmpuint(len, >, OFF_QUEUE0 + 40);
    g_assert_cmpuint(good[OFF_QUEUE0], ==, QSIZE);

    for (unsigned i = 0; i < G_N_ELEMENTS(damages); i++) {
        const Damage *d = &damages[i];
        g_test_message("damage: %s", d->what);
        g_autofree uint8_t *bad = g_memdup2(good, len);
        size_t bad_len = len;
        if (d->offset == SIZE_MAX) {
            bad_len -= d->value;
        } else {
            uint64_t v = GUINT64_TO_LE(d->value);
            memcpy(bad + d->offset, &v, d->width);
        }
        td_detach(&m);
        td_attach(&m, vr_virtio_rng_new());
        g_autofree char *refused = load_payload(&m, bad, bad_len);
        g_assert_nonnull(refused);
        if (d->reason && !strstr(refused, d->reason))
            g_error("%s: refusal \"%s\" does not say \"%s\"", d->what, refused, d->reason);
        g_assert_cmpuint(td_read(&m, VR_VIRTIO_MMIO_STATUS), ==, 0);
    }
    /* Bytes after the payload: another version's state. */
    g_autofree uint8_t *longer = g_malloc0(len + 1);
    memcpy(longer, good, len);
    td_detach(&m);
    td_attach(&m, vr_virtio_rng_new());
    g_autofree char *refused = load_payload(&m, longer, len + 1);
    g_assert_nonnull(refused);
    /* The undamaged payload still loads, and the device works. */
    td_detach(&m);
    td_attach(&m, vr_virtio_rng_new());
    g_autofree char *taken = load_payload(&m, good, len);
    g_assert_null(taken);
    g_assert_cmpuint(td_submit(&m, &q, &one, 1), ==, 64);
    td_free(&m);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    state_dir = g_dir_make_tmp("vireo-virtio-state-XXXXXX", NULL);
    g_assert_nonnull(state_dir);
    g_test_add_func("/virtio/log-rate-limit-sustained", test_log_rate_limit_sustained);
    g_test_add_func("/virtio/iov-helpers", test_iov_helpers);
    td_add_both("/virtio/state/round-trip", test_state_round_trip);
    g_test_add_func("/virtio/state/damaged", test_state_damaged);
    td_add_both("/virtio/mmio/identity", test_identity);
    td_add_both("/virtio/mmio/features", test_features);
    td_add_both("/virtio/mmio/queue-setup", test_queue_setup);
    td_add_both("/virtio/mmio/buffers-before-driver-ok", test_buffers_before_driver_ok);
    td_add_both("/virtio/mmio/interrupts", test_interrupts);
    td_add_both("/virtio/mmio/event-idx", test_event_idx);
    td_add_both("/virtio/mmio/log-rate-limit", test_log_rate_limit);
    td_add_both("/virtio/virtqueue/batch", test_batch);
    td_add_both("/virtio/virtqueue/direct-then-indirect", test_direct_then_indirect);
    td_add_both("/virtio/rng", test_rng);
    for (unsigned i = 0; i < G_N_ELEMENTS(break_cases); i++) {
        for (int io = 0; io < 2; io++) {
            g_autofree char *path =
                g_strdup_printf("/virtio/malformed/%s/%s", break_cases[i].name, io ? "io" : "sync");
            g_test_add_data_func(path, &break_cases[i], test_malformed);
        }
    }
    int rc = g_test_run();
    g_rmdir(state_dir);
    g_free(state_dir);
    return rc;
}
