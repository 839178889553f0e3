/* virtio-console: output through the transmit queue, input through the receive queue with
 * flow control (host bytes wait while the guest has no buffers), the terminal size in the
 * configuration space, emergency writes. */
#include <glib.h>
#include <glib/gstdio.h>
#include <string.h>

#include "virtio-test-driver.h"
#include "virtio/virtio-console.h"
#include "vr-state.h"

#define RAM_SIZE (16ull << 20)
#define QSIZE    16
#define RXQ      0
#define TXQ      1

typedef struct {
    GMutex lock;
    GByteArray *out;
    gint ready_calls;
} Host;

static size_t output(void *opaque, const uint8_t *data, size_t len)
{
    Host *h = opaque;
    g_mutex_lock(&h->lock);
    g_byte_array_append(h->out, data, (guint) len);
    g_mutex_unlock(&h->lock);
    return len;
}

static void input_ready(void *opaque)
{
    Host *h = opaque;
    g_atomic_int_inc(&h->ready_calls);
}

static void host_init(Host *h)
{
    g_mutex_init(&h->lock);
    h->out = g_byte_array_new();
    h->ready_calls = 0;
}

static void host_free(Host *h)
{
    g_byte_array_unref(h->out);
    g_mutex_clear(&h->lock);
}

static bool output_is(Host *h, const char *expected)
{
    g_mutex_lock(&h->lock);
    bool same = h->out->len == strlen(expected) && memcmp(h->out->data, expected, h->out->len) == 0;
    g_mutex_unlock(&h->lock);
    return same;
}

static VrVirtioDevice *console_machine(TdMachine *m, Host *h, TdQueue q[2], uint64_t features)
{
    host_init(h);
    VrVirtioDevice *dev = vr_virtio_console_new(output, h);
    vr_virtio_console_set_input_ready(dev, input_ready, h);
    td_init(m, dev, RAM_SIZE, td_with_iothread());
    if (q)
        td_start(m, features, q, 2, QSIZE);
    return dev;
}

static void test_output(void)
{
    TdMachine m;
    Host h;
    TdQueue q[2];
    console_machine(&m, &h, q, 0);
    g_assert_cmpuint(td_read(&m, VR_VIRTIO_MMIO_DEVICE_ID), ==, VR_VIRTIO_ID_CONSOLE);
    uint64_t buf = td_alloc(&m, 64, 8);
    memcpy(td_host(&m, buf), "hello, world", 12);
    TdBuf bufs[] = {{buf, 5, false}, {buf + 5, 7, false}};
    g_assert_cmpuint(td_submit(&m, &q[TXQ], bufs, 2), ==, 0);
    g_assert_true(output_is(&h, "hello, world"));
    /* Several buffers in one kick, in order. */
    memcpy(td_host(&m, buf + 16), "abc", 3);
    for (uint16_t i = 0; i < 3; i++) {
        td_set_desc(&m, &q[TXQ], i, buf + 16 + i, 1, 0, 0);
        td_publish(&m, &q[TXQ], i);
    }
    td_kick(&m, &q[TXQ]);
    for (int i = 0; i < 3; i++)
        g_assert_true(td_wait_used(&m, &q[TXQ], NULL, NULL));
    g_assert_true(output_is(&h, "hello, worldabc"));
    td_free(&m);
    host_free(&h);
}

/* Posts n receive buffers of size bytes each at buf, descriptors first..first+n-1. */
static void post_rx(TdMachine *m, TdQueue *q, uint64_t buf, uint32_t size, uint16_t first,
                    uint16_t n)
{
    for (uint16_t i = 0; i < n; i++) {
        uint16_t d = (uint16_t) ((first + i) % q->size);
        td_set_desc(m, q, d, buf + (uint64_t) d * size, size, VR_VIRTQ_DESC_F_WRITE, 0);
        td_publish(m, q, d);
    }
    td_kick(m, q);
}

static void test_input_flow_control(void)
{
    TdMachine m;
    Host h;
    TdQueue q[2];
    VrVirtioDevice *dev = console_machine(&m, &h, q, VR_VIRTIO_BIT(VR_VIRTIO_F_EVENT_IDX));
    const size_t total = 3 * VR_VIRTIO_CONSOLE_INPUT_BUFFER;
    g_autofree uint8_t *src = g_malloc(total);
    for (size_t i = 0; i < total; i++)
        src[i] = (uint8_t) (i * 13 + (i >> 8));

    /* No buffers yet: the host side holds what fits, and says so. */
    size_t sent = vr_virtio_console_input(dev, src, total);
    g_assert_cmpuint(sent, ==, VR_VIRTIO_CONSOLE_INPUT_BUFFER);
    g_assert_cmpuint(vr_virtio_console_input_room(dev), ==, 0);
    g_assert_cmpuint(vr_virtio_console_input(dev, src + sent, 10), ==, 0);
    td_sync(&m);
    g_assert_cmpuint(td_used_idx(&m, &q[RXQ]), ==, 0);

    /* The guest posts buffers of 100 bytes, a few at a time; the bytes arrive in order and
     * the host refills as room appears. */
    uint64_t rxbuf = td_alloc(&m, 100ull * QSIZE, 8);
    g_autofree uint8_t *got = g_malloc(total);
    size_t received = 0;
    uint16_t next = 0;
    int rounds = 0;
    while (received < total) {
        g_assert_cmpint(++rounds, <, 10000);
        post_rx(&m, &q[RXQ], rxbuf, 100, next, 4);
        next += 4;
        for (int i = 0; i < 4 && received < total; i++) {
            uint32_t id, len;
            g_assert_true(td_wait_used(&m, &q[RXQ], &id, &len));
            g_assert_cmpuint(len, >, 0);
            g_assert_cmpuint(len, <=, 100);
            memcpy(got + received, td_host(&m, rxbuf + 100ull * id), len);
            received += len;
        }
        if (sent < total)
            sent += vr_virtio_console_input(dev, src + sent, total - sent);
        if (received == sent && sent < total)
            g_assert_not_reached(); /* input and room must never both run dry */
    }
    g_assert_cmpmem(got, total, src, total);
    g_assert_cmpint(g_atomic_int_get(&h.ready_calls), >, 0);
    g_assert_cmpuint(vr_virtio_console_input_room(dev), ==, VR_VIRTIO_CONSOLE_INPUT_BUFFER);
    /* Buffers the guest posted beyond what was needed stay available for later input. */
    uint16_t used_before = td_used_idx(&m, &q[RXQ]);
    g_assert_cmpuint(vr_virtio_console_input(dev, (const uint8_t *) "xy", 2), ==, 2);
    if ((uint16_t) (q[RXQ].avail_idx - used_before) > 0) {
        uint32_t id, len;
        g_assert_true(td_wait_used(&m, &q[RXQ], &id, &len));
        g_assert_cmpuint(len, ==, 2);
        g_assert_cmpmem(td_host(&m, rxbuf + 100ull * id), 2, "xy", 2);
    }
    td_free(&m);
    host_free(&h);
}

/* Input typed before the driver is ready waits for it. */
static void test_input_before_driver(void)
{
    TdMachine m;
    Host h;
    VrVirtioDevice *dev = console_machine(&m, &h, NULL, 0);
    g_assert_cmpuint(vr_virtio_console_input(dev, (const uint8_t *) "early", 5), ==, 5);
    TdQueue q[2];
    g_assert_true(td_negotiate(&m, VR_VIRTIO_BIT(VR_VIRTIO_F_VERSION_1)));
    td_queue_setup(&m, &q[0], 0, QSIZE);
    td_queue_setup(&m, &q[1], 1, QSIZE);
    uint64_t rx = td_alloc(&m, 64, 8);
    td_set_desc(&m, &q[RXQ], 0, rx, 64, VR_VIRTQ_DESC_F_WRITE, 0);
    td_publish(&m, &q[RXQ], 0);
    td_kick(&m, &q[RXQ]);
    td_sync(&m);
    g_assert_cmpuint(td_used_idx(&m, &q[RXQ]), ==, 0); /* not before DRIVER_OK */
    td_driver_ok(&m);
    uint32_t len;
    g_assert_true(td_wait_used(&m, &q[RXQ], NULL, &len));
    g_assert_cmpuint(len, ==, 5);
    g_assert_cmpmem(td_host(&m, rx), 5, "early", 5);
    /* Input kept across a reset. */
    td_write(&m, VR_VIRTIO_MMIO_STATUS, 0);
    g_assert_cmpuint(vr_virtio_console_input(dev, (const uint8_t *) "again", 5), ==, 5);
    td_start(&m, 0, q, 2, QSIZE);
    TdBuf b = {rx, 64, true};
    g_assert_cmpuint(td_submit(&m, &q[RXQ], &b, 1), ==, 5);
    g_assert_cmpmem(td_host(&m, rx), 5, "again", 5);
    td_free(&m);
    host_free(&h);
}

static void test_size_and_emergency_write(void)
{
    TdMachine m;
    Host h;
    TdQueue q[2];
    VrVirtioDevice *dev = console_machine(&m, &h, NULL, 0);
    uint64_t f = td_device_features(&m);
    g_assert_true(f & VR_VIRTIO_BIT(VR_VIRTIO_CONSOLE_F_SIZE));
    g_assert_true(f & VR_VIRTIO_BIT(VR_VIRTIO_CONSOLE_F_EMERG_WRITE));
    g_assert_false(f & VR_VIRTIO_BIT(1)); /* no MULTIPORT */
    g_assert_cmpuint(td_read_sized(&m, VR_VIRTIO_MMIO_CONFIG + 0, 2), ==, 80);
    g_assert_cmpuint(td_read_sized(&m, VR_VIRTIO_MMIO_CONFIG + 2, 2), ==, 24);

    /* An emergency write works before the driver has set anything up. */
    td_write(&m, VR_VIRTIO_MMIO_CONFIG + 8, 'E');
    g_assert_true(output_is(&h, "E"));

    td_start(&m, VR_VIRTIO_BIT(VR_VIRTIO_CONSOLE_F_SIZE), q, 2, QSIZE);
    uint32_t gen = td_read(&m, VR_VIRTIO_MMIO_CONFIG_GENERATION);
    vr_virtio_console_set_size(dev, 132, 43);
    g_assert_cmpuint(td_read(&m, VR_VIRTIO_MMIO_CONFIG_GENERATION), !=, gen);
    g_assert_cmpuint(td_read_sized(&m, VR_VIRTIO_MMIO_CONFIG + 0, 2), ==, 132);
    g_assert_cmpuint(td_read_sized(&m, VR_VIRTIO_MMIO_CONFIG + 2, 2), ==, 43);
    g_assert_cmpuint(td_read(&m, VR_VIRTIO_MMIO_CONFIG), ==, 132 | 43 << 16);
    /* The driver hears of it by a configuration change interrupt. */
    g_assert_cmpuint(td_read(&m, VR_VIRTIO_MMIO_INTERRUPT_STATUS), ==, VR_VIRTIO_MMIO_INT_CONFIG);
    g_assert_cmpint(g_atomic_int_get(&m.irq_level), ==, 1);
    td_write(&m, VR_VIRTIO_MMIO_INTERRUPT_ACK, VR_VIRTIO_MMIO_INT_CONFIG);
    g_assert_cmpint(g_atomic_int_get(&m.irq_level), ==, 0);
    /* The same size again changes nothing. */
    gen = td_read(&m, VR_VIRTIO_MMIO_CONFIG_GENERATION);
    vr_virtio_console_set_size(dev, 132, 43);
    g_assert_cmpuint(td_read(&m, VR_VIRTIO_MMIO_CONFIG_GENERATION), ==, gen);
    g_assert_cmpint(g_atomic_int_get(&m.irq_level), ==, 0);
    /* cols/rows are read-only to the driver. */
    td_write_sized(&m, VR_VIRTIO_MMIO_CONFIG, 2, 1);
    g_assert_cmpuint(td_read_sized(&m, VR_VIRTIO_MMIO_CONFIG + 0, 2), ==, 132);
    td_free(&m);
    host_free(&h);
}

/* Echo: what the guest writes comes back as input, from inside the output callback. */
typedef struct {
    VrVirtioDevice *dev;
    gint bytes;
} Echo;

static size_t echo_output(void *opaque, const uint8_t *data, size_t len)
{
    Echo *e = opaque;
    g_assert_cmpuint(vr_virtio_console_input(e->dev, data, len), ==, len);
    g_atomic_int_add(&e->bytes, (gint) len);
    return len;
}

static void test_echo(void)
{
    Echo e = {0};
    e.dev = vr_virtio_console_new(echo_output, &e);
    TdMachine m;
    td_init(&m, e.dev, RAM_SIZE, td_with_iothread());
    TdQueue q[2];
    td_start(&m, 0, q, 2, QSIZE);
    uint64_t rx = td_alloc(&m, 64, 8), tx = td_alloc(&m, 64, 8);
    td_set_desc(&m, &q[RXQ], 0, rx, 64, VR_VIRTQ_DESC_F_WRITE, 0);
    td_publish(&m, &q[RXQ], 0);
    td_kick(&m, &q[RXQ]);
    memcpy(td_host(&m, tx), "ping", 4);
    TdBuf b = {tx, 4, false};
    g_assert_cmpuint(td_submit(&m, &q[TXQ], &b, 1), ==, 0);
    uint32_t len;
    g_assert_true(td_wait_used(&m, &q[RXQ], NULL, &len));
    g_assert_cmpuint(len, ==, 4);
    g_assert_cmpmem(td_host(&m, rx), 4, "ping", 4);
    /* The emergency write path may echo too. */
    td_write(&m, VR_VIRTIO_MMIO_CONFIG + 8, '!');
    g_assert_cmpint(g_atomic_int_get(&e.bytes), ==, 5);
    td_free(&m);
}

/* Two consoles feeding each other from inside their processing: A's output is B's input,
 * and when B's guest takes it, B's host side answers through A. Without an I/O thread this
 * nests the processing of both transports on one thread. */
typedef struct {
    VrVirtioDevice *a, *b;
} Pair;

static size_t a_output(void *opaque, const uint8_t *data, size_t len)
{
    Pair *p = opaque;
    g_assert_cmpuint(vr_virtio_console_input(p->b, data, len), ==, len);
    return len;
}

static void b_ready(void *opaque)
{
    Pair *p = opaque;
    g_assert_cmpuint(vr_virtio_console_input(p->a, (const uint8_t *) "ack", 3), ==, 3);
}

static void test_cross_feed(void)
{
    Pair p;
    p.a = vr_virtio_console_new(a_output, &p);
    p.b = vr_virtio_console_new(NULL, NULL);
    vr_virtio_console_set_input_ready(p.b, b_ready, &p);
    TdMachine ma, mb;
    td_init(&ma, p.a, RAM_SIZE, td_with_iothread());
    td_init(&mb, p.b, RAM_SIZE, td_with_iothread());
    TdQueue qa[2], qb[2];
    td_start(&ma, 0, qa, 2, QSIZE);
    td_start(&mb, 0, qb, 2, QSIZE);
    uint64_t rxa = td_alloc(&ma, 64, 8), txa = td_alloc(&ma, 64, 8);
    uint64_t rxb = td_alloc(&mb, 64, 8);
    td_set_desc(&ma, &qa[RXQ], 0, rxa, 64, VR_VIRTQ_DESC_F_WRITE, 0);
    td_publish(&ma, &qa[RXQ], 0);
    td_kick(&ma, &qa[RXQ]);
    td_set_desc(&mb, &qb[RXQ], 0, rxb, 64, VR_VIRTQ_DESC_F_WRITE, 0);
    td_publish(&mb, &qb[RXQ], 0);
    td_kick(&mb, &qb[RXQ]);

    memcpy(td_host(&ma, txa), "hello", 5);
    TdBuf b = {txa, 5, false};
    g_assert_cmpuint(td_submit(&ma, &qa[TXQ], &b, 1), ==, 0);
    uint32_t len;
    g_assert_true(td_wait_used(&mb, &qb[RXQ], NULL, &len));
    g_assert_cmpuint(len, ==, 5);
    g_assert_cmpmem(td_host(&mb, rxb), 5, "hello", 5);
    g_assert_true(td_wait_used(&ma, &qa[RXQ], NULL, &len));
    g_assert_cmpuint(len, ==, 3);
    g_assert_cmpmem(td_host(&ma, rxa), 3, "ack", 3);
    /* Both I/O threads stop before either device goes. */
    vr_iothread_free(ma.io);
    vr_iothread_free(mb.io);
    ma.io = mb.io = NULL;
    td_free(&ma);
    td_free(&mb);
}

/* Input pushed from another thread while the guest reads. */
typedef struct {
    VrVirtioDevice *dev;
    const uint8_t *src;
    size_t len;
} Feeder;

static gpointer feed(gpointer data)
{
    Feeder *f = data;
    size_t sent = 0;
    while (sent < f->len) {
        size_t n = vr_virtio_console_input(f->dev, f->src + sent, MIN(f->len - sent, 777));
        sent += n;
        if (!n)
            g_usleep(50);
    }
    return NULL;
}

static void test_threaded_input(void)
{
    TdMachine m;
    Host h;
    TdQueue q[2];
    VrVirtioDevice *dev = console_machine(&m, &h, q, VR_VIRTIO_BIT(VR_VIRTIO_F_EVENT_IDX));
    const size_t total = 200000;
    g_autofree uint8_t *src = g_malloc(total);
    for (size_t i = 0; i < total; i++)
        src[i] = (uint8_t) g_random_int();
    Feeder f = {dev, src, total};
    GThread *th = g_thread_new("feeder", feed, &f);
    uint64_t rxbuf = td_alloc(&m, 256ull * QSIZE, 8);
    g_autofree uint8_t *got = g_malloc(total);
    size_t received = 0;
    post_rx(&m, &q[RXQ], rxbuf, 256, 0, QSIZE);
    while (received < total) {
        uint32_t id, len;
        if (!td_wait_used(&m, &q[RXQ], &id, &len)) {
            /* Sync mode: input is only moved when someone kicks; the feeder's kicks do. */
            g_assert_not_reached();
        }
        memcpy(got + received, td_host(&m, rxbuf + 256ull * id), len);
        received += len;
        post_rx(&m, &q[RXQ], rxbuf, 256, (uint16_t) id, 1);
    }
    g_thread_join(th);
    g_assert_cmpmem(got, total, src, total);
    td_free(&m);
    host_free(&h);
}

/* Saved with host input buffered (wrapped around the end of its ring buffer) and a terminal
 * size set, then built again: the guest reads the same bytes, in order, and sees the size. */
static void test_state(void)
{
    TdMachine m;
    Host h;
    TdQueue q[2];
    VrVirtioDevice *dev = console_machine(&m, &h, q, VR_VIRTIO_BIT(VR_VIRTIO_CONSOLE_F_SIZE));
    vr_virtio_console_set_size(dev, 132, 43);
    uint8_t stream[5500];
    for (size_t i = 0; i < sizeof(stream); i++)
        stream[i] = (uint8_t) (i * 13 + 5);
    g_assert_cmpuint(vr_virtio_console_input(dev, stream, 3000), ==, 3000);
    uint64_t buf = td_alloc(&m, 1000ull * QSIZE, 8);
    post_rx(&m, &q[RXQ], buf, 1000, 0, 2);
    for (int i = 0; i < 2; i++) {
        uint32_t id, len;
        g_assert_true(td_wait_used(&m, &q[RXQ], &id, &len));
        g_assert_cmpuint(len, ==, 1000);
    }
    g_assert_cmpmem(td_host(&m, buf), 2000, stream, 2000);
    g_assert_cmpuint(vr_virtio_console_input(dev, stream + 3000, 2500), ==, 2500);

    g_autofree char *dir = g_dir_make_tmp("vireo-console-state-XXXXXX", NULL);
    g_autofree char *path = g_build_filename(dir, "console.state", NULL);
    VrDevice *base = vr_virtio_mmio_base(m.t);
    base->ops->quiesce(base);
    g_autoptr(GError) error = NULL;
    VrStateWriter *w = vr_state_writer_new(path, &error);
    g_assert_no_error(error);
    vr_state_begin_section(w, "dev:virtio0");
    base->ops->save(base, w);
    vr_state_end_section(w);
    g_assert_true(vr_state_writer_finish(w, &error));
    td_detach(&m);

    dev = vr_virtio_console_new(output, &h);
    td_attach(&m, dev);
    g_autoptr(VrStateFile) f = vr_state_file_open(path, &error);
    g_assert_no_error(error);
    g_autoptr(VrStateReader) r = vr_state_file_find(f, "dev:virtio0");
    base = vr_virtio_mmio_base(m.t);
    g_assert_true(base->ops->load(base, r));
    g_assert_true(vr_state_reader_check(r, &error));
    base->ops->unquiesce(base);
    g_assert_cmpuint(td_read_sized(&m, VR_VIRTIO_MMIO_CONFIG + 0, 2), ==, 132);
    g_assert_cmpuint(td_read_sized(&m, VR_VIRTIO_MMIO_CONFIG + 2, 2), ==, 43);
    g_assert_cmpuint(vr_virtio_console_input_room(dev), ==, VR_VIRTIO_CONSOLE_INPUT_BUFFER - 3500);

    post_rx(&m, &q[RXQ], buf, 1000, 2, 4);
    g_autofree uint8_t *got = g_malloc(3500);
    size_t n = 0;
    for (int i = 0; i < 4; i++) {
        uint32_t id, len;
        g_assert_true(td_wait_used(&m, &q[RXQ], &id, &len));
        g_assert_cmpuint(id, ==, 2 + i);
        g_assert_cmpuint(n + len, <=, 3500);
        memcpy(got + n, td_host(&m, buf + 1000ull * id), len);
        n += len;
    }
    g_assert_cmpuint(n, ==, 3500);
    g_assert_cmpmem(got, 3500, stream + 2000, 3500);
    g_unlink(path);
    g_rmdir(dir);
    td_free(&m);
    host_free(&h);
}

/* A host with little room: it takes what its room allows and refuses the rest. */
typedef struct {
    GMutex lock;
    GByteArray *out;
    size_t room;
    guint refusals;
} SlowHost;

static size_t slow_output(void *opaque, const uint8_t *data, size_t len)
{
    SlowHost *h = opaque;
    g_mutex_lock(&h->lock);
    size_t n = MIN(len, h->room);
    g_byte_array_append(h->out, data, (guint) n);
    h->room -= n;
    h->refusals += n < len;
    g_mutex_unlock(&h->lock);
    return n;
}

static size_t slow_taken(SlowHost *h)
{
    g_mutex_lock(&h->lock);
    size_t n = h->out->len;
    g_mutex_unlock(&h->lock);
    return n;
}

/* A reader slower than the guest loses nothing: the guest's buffers wait in the transmit
 * queue, unused, until the host has room again. */
static void test_output_back_pressure(void)
{
    TdMachine m;
    TdQueue q[2];
    SlowHost h = {.out = g_byte_array_new(), .room = 100};
    g_mutex_init(&h.lock);
    VrVirtioDevice *dev = vr_virtio_console_new(slow_output, &h);
    td_init(&m, dev, RAM_SIZE, td_with_iothread());
    td_start(&m, 0, q, 2, QSIZE);

    enum { N = 3, SIZE = 1000 };
    uint64_t buf = td_alloc(&m, N * SIZE, 8);
    uint8_t *src = td_host(&m, buf);
    for (size_t i = 0; i < N * SIZE; i++)
        src[i] = (uint8_t) (i * 7 + (i >> 8));
    for (uint16_t i = 0; i < N; i++) {
        td_set_desc(&m, &q[TXQ], i, buf + (uint64_t) i * SIZE, SIZE, 0, 0);
        td_publish(&m, &q[TXQ], i);
    }
    td_kick(&m, &q[TXQ]);
    td_sync(&m);
    g_assert_cmpuint(slow_taken(&h), ==, 100);
    g_assert_cmpuint(td_used_idx(&m, &q[TXQ]), ==, 0);

    /* Room comes back a little at a time; each buffer is used once all of it went out. */
    for (int round = 0; round < 100 && td_used_idx(&m, &q[TXQ]) < N; round++) {
        g_mutex_lock(&h.lock);
        h.room += 300;
        g_mutex_unlock(&h.lock);
        vr_virtio_console_output_ready(dev);
        td_sync(&m);
        g_assert_cmpuint(td_used_idx(&m, &q[TXQ]), ==, MIN(slow_taken(&h) / SIZE, N));
    }
    g_assert_cmpuint(td_used_idx(&m, &q[TXQ]), ==, N);
    g_assert_cmpmem(h.out->data, h.out->len, src, N * SIZE);
    g_assert_cmpuint(h.refusals, >, 5);
    td_free(&m);
    g_byte_array_unref(h.out);
    g_mutex_clear(&h.lock);
}

/* A host that takes everything, at a cost per byte. */
typedef struct {
    gint64 bytes; /* atomic */
    guint64 sum;
} CountingHost;

static size_t counting_output(void *opaque, const uint8_t *data, size_t len)
{
    CountingHost *h = opaque;
    for (size_t i = 0; i < len; i++)
        h->sum += data[i];
    g_atomic_pointer_add(&h->bytes, (gssize) len);
    return len;
}

/* One chain naming 3 GiB: the I/O thread writes it out a slice per turn, so stopping it
 * does not wait for the whole chain. */
static void test_output_huge_chain(void)
{
    TdMachine m;
    TdQueue q[2];
    CountingHost h = {0};
    VrVirtioDevice *dev = vr_virtio_console_new(counting_output, &h);
    const uint64_t ram = 64ull << 20, part = 48ull << 20;
    td_init(&m, dev, ram, td_with_iothread());
    const uint16_t n = VR_VIRTIO_CONSOLE_QUEUE_SIZE;
    td_start(&m, 0, q, 2, n);
    uint64_t buf = td_alloc(&m, part, 4096);
    memset(td_host(&m, buf), 1, part);
    for (uint16_t i = 0; i < n; i++)
        td_set_desc(&m, &q[TXQ], i, buf, (uint32_t) part, i + 1 < n ? VR_VIRTQ_DESC_F_NEXT : 0,
                    (uint16_t) (i + 1));
    td_publish(&m, &q[TXQ], 0);
    td_kick(&m, &q[TXQ]);
    const gint64 total = (gint64) (n * part);
    gint64 until = g_get_monotonic_time() + 10 * G_USEC_PER_SEC;
    while (g_atomic_pointer_get(&h.bytes) == 0 && g_get_monotonic_time() < until)
        g_usleep(100);
    g_assert_cmpint(g_atomic_pointer_get(&h.bytes), >, 0);

    gint64 start = g_get_monotonic_time();
    td_free(&m);
    gint64 took = g_get_monotonic_time() - start;
    g_test_message("stopped after %" G_GINT64_FORMAT " of %" G_GINT64_FORMAT
                   " bytes in %" G_GINT64_FORMAT " us",
                   (gint64) g_atomic_pointer_get(&h.bytes), total, took);
    /* The grace period, and a turn. */
    g_assert_cmpint(g_atomic_pointer_get(&h.bytes), <, total / 2);
    g_assert_cmpint(took, <, 3 * G_USEC_PER_SEC);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    td_add_both("/virtio-console/state", test_state);
    td_add_both("/virtio-console/output", test_output);
    td_add_both("/virtio-console/output-back-pressure", test_output_back_pressure);
    /* With an I/O thread only: without one the kicking thread does all the turns. */
    g_test_add_func("/virtio-console/output-huge-chain/io", test_output_huge_chain);
    td_add_both("/virtio-console/input-flow-control", test_input_flow_control);
    td_add_both("/virtio-console/input-before-driver", test_input_before_driver);
    td_add_both("/virtio-console/size-and-emergency-write", test_size_and_emergency_write);
    td_add_both("/virtio-console/echo", test_echo);
    td_add_both("/virtio-console/cross-feed", test_cross_feed);
    td_add_both("/virtio-console/threaded-input", test_threaded_input);
    return g_test_run();
}
