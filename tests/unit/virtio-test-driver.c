/* A tiny virtio-mmio driver for unit tests. */
#include "virtio-test-driver.h"

#include <string.h>

void td_add_both(const char *path, GTestFunc fn)
{
    g_autofree char *sync = g_strdup_printf("%s/sync", path);
    g_autofree char *io = g_strdup_printf("%s/io", path);
    g_test_add_func(sync, fn);
    g_test_add_func(io, fn);
}

bool td_with_iothread(void)
{
    return g_str_has_suffix(g_test_get_path(), "/io");
}

static void irq_set(void *opaque, unsigned line, bool level)
{
    TdMachine *m = opaque;
    if (line != TD_IRQ_LINE)
        g_atomic_int_set(&m->irq_bad, 1);
    int old = g_atomic_int_get(&m->irq_level);
    if (level && !old)
        g_atomic_int_inc(&m->irq_rises);
    g_atomic_int_set(&m->irq_level, level);
}

/* The register block forwards to whatever transport the machine has now (td_attach). */
static bool shim_read(void *opaque, uint64_t offset, unsigned size, uint64_t *value)
{
    TdMachine *m = opaque;
    return vr_virtio_mmio_ops()->read(m->t, offset, size, value);
}

static bool shim_write(void *opaque, uint64_t offset, unsigned size, uint64_t value)
{
    TdMachine *m = opaque;
    return vr_virtio_mmio_ops()->write(m->t, offset, size, value);
}

static const VrMmioOps shim_ops = {.read = shim_read, .write = shim_write};

void td_attach(TdMachine *m, VrVirtioDevice *dev)
{
    g_assert_null(m->t);
    if (m->want_iothread && !m->io) {
        m->io = vr_iothread_new("virtio-test-io");
        m->owns_io = true;
    }
    VrIrq irq = {.set = irq_set, .opaque = m, .line = TD_IRQ_LINE};
    m->dev = dev;
    m->t = vr_virtio_mmio_new(m->as, dev, &irq, m->io);
    g_assert_nonnull(m->t);
}

void td_detach(TdMachine *m)
{
    /* The I/O thread stops first, as the board's teardown does. */
    if (m->owns_io) {
        vr_iothread_free(m->io);
        m->io = NULL;
        m->owns_io = false;
    }
    vr_virtio_mmio_free(m->t);
    m->t = NULL;
    m->dev = NULL;
}

static void init_machine(TdMachine *m, VrVirtioDevice *dev, uint64_t ram_size, VrIoThread *io,
                         bool own_iothread)
{
    memset(m, 0, sizeof(*m));
    m->as = vr_address_space_new();
    g_assert_true(vr_address_space_add_ram(m->as, "ram", TD_RAM_BASE, ram_size, NULL));
    m->ram_size = ram_size;
    m->next_alloc = TD_RAM_BASE + 0x1000;
    m->io = io;
    m->want_iothread = own_iothread;
    vr_address_space_add_mmio(m->as, "virtio", TD_MMIO_BASE, VR_VIRTIO_MMIO_SIZE, &shim_ops, m);
    td_attach(m, dev);
}

void td_init_shared(TdMachine *m, VrVirtioDevice *dev, uint64_t ram_size, VrIoThread *io)
{
    init_machine(m, dev, ram_size, io, false);
}

void td_init(TdMachine *m, VrVirtioDevice *dev, uint64_t ram_size, bool with_iothread)
{
    init_machine(m, dev, ram_size, NULL, with_iothread);
}

void td_free(TdMachine *m)
{
    td_detach(m);
    vr_address_space_free(m->as);
    g_assert_cmpint(g_atomic_int_get(&m->irq_bad), ==, 0);
    memset(m, 0, sizeof(*m));
}

uint64_t td_read_sized(TdMachine *m, uint32_t offset, unsigned size)
{
    uint64_t v = 0xdeadbeef;
    g_assert_true(vr_address_space_load(m->as, TD_MMIO_BASE + offset, size, &v));
    return v;
}

void td_write_sized(TdMachine *m, uint32_t offset, unsigned size, uint64_t value)
{
    g_assert_true(vr_address_space_store(m->as, TD_MMIO_BASE + offset, size, value));
}

uint32_t td_read(TdMachine *m, uint32_t offset)
{
    return (uint32_t) td_read_sized(m, offset, 4);
}

void td_write(TdMachine *m, uint32_t offset, uint32_t value)
{
    td_write_sized(m, offset, 4, value);
}

uint64_t td_alloc(TdMachine *m, uint64_t size, uint64_t align)
{
    uint64_t a = (m->next_alloc + align - 1) & ~(align - 1);
    g_assert_cmpuint(a + size, <=, TD_RAM_BASE + m->ram_size);
    m->next_alloc = a + size;
    memset(td_host(m, a), 0, size);
    return a;
}

void *td_host(TdMachine *m, uint64_t gpa)
{
    void *p = vr_address_space_ram_ptr(m->as, gpa, 1);
    g_assert_nonnull(p);
    return p;
}

uint64_t td_device_features(TdMachine *m)
{
    td_write(m, VR_VIRTIO_MMIO_DEVICE_FEATURES_SEL, 1);
    uint64_t f = (uint64_t) td_read(m, VR_VIRTIO_MMIO_DEVICE_FEATURES) << 32;
    td_write(m, VR_VIRTIO_MMIO_DEVICE_FEATURES_SEL, 0);
    return f | td_read(m, VR_VIRTIO_MMIO_DEVICE_FEATURES);
}

bool td_negotiate(TdMachine *m, uint64_t features)
{
    td_write(m, VR_VIRTIO_MMIO_STATUS, 0);
    td_write(m, VR_VIRTIO_MMIO_STATUS, VR_VIRTIO_STATUS_ACKNOWLEDGE);
    td_write(m, VR_VIRTIO_MMIO_STATUS, VR_VIRTIO_STATUS_ACKNOWLEDGE | VR_VIRTIO_STATUS_DRIVER);
    td_write(m, VR_VIRTIO_MMIO_DRIVER_FEATURES_SEL, 0);
    td_write(m, VR_VIRTIO_MMIO_DRIVER_FEATURES, (uint32_t) features);
    td_write(m, VR_VIRTIO_MMIO_DRIVER_FEATURES_SEL, 1);
    td_write(m, VR_VIRTIO_MMIO_DRIVER_FEATURES, (uint32_t) (features >> 32));
    td_write(m, VR_VIRTIO_MMIO_STATUS,
             VR_VIRTIO_STATUS_ACKNOWLEDGE | VR_VIRTIO_STATUS_DRIVER | VR_VIRTIO_STATUS_FEATURES_OK);
    return (td_read(m, VR_VIRTIO_MMIO_STATUS) & VR_VIRTIO_STATUS_FEATURES_OK) != 0;
}

void td_queue_setup(TdMachine *m, TdQueue *q, unsigned index, uint16_t size)
{
    memset(q, 0, sizeof(*q));
    q->index = index;
    q->size = size;
    q->desc = td_alloc(m, 16ull * size, 16);
    q->avail = td_alloc(m, 6 + 2ull * size, 2);
    q->used = td_alloc(m, 6 + 8ull * size, 4);
    td_write(m, VR_VIRTIO_MMIO_QUEUE_SEL, index);
    g_assert_cmpuint(td_read(m, VR_VIRTIO_MMIO_QUEUE_READY), ==, 0);
    g_assert_cmpuint(td_read(m, VR_VIRTIO_MMIO_QUEUE_NUM_MAX), >=, size);
    td_write(m, VR_VIRTIO_MMIO_QUEUE_NUM, size);
    td_write(m, VR_VIRTIO_MMIO_QUEUE_DESC_LOW, (uint32_t) q->desc);
    td_write(m, VR_VIRTIO_MMIO_QUEUE_DESC_HIGH, (uint32_t) (q->desc >> 32));
    td_write(m, VR_VIRTIO_MMIO_QUEUE_DRIVER_LOW, (uint32_t) q->avail);
    td_write(m, VR_VIRTIO_MMIO_QUEUE_DRIVER_HIGH, (uint32_t) (q->avail >> 32));
    td_write(m, VR_VIRTIO_MMIO_QUEUE_DEVICE_LOW, (uint32_t) q->used);
    td_write(m, VR_VIRTIO_MMIO_QUEUE_DEVICE_HIGH, (uint32_t) (q->used >> 32));
    td_write(m, VR_VIRTIO_MMIO_QUEUE_READY, 1);
    g_assert_cmpuint(td_read(m, VR_VIRTIO_MMIO_QUEUE_READY), ==, 1);
}

void td_driver_ok(TdMachine *m)
{
    uint32_t s = td_read(m, VR_VIRTIO_MMIO_STATUS);
    td_write(m, VR_VIRTIO_MMIO_STATUS, s | VR_VIRTIO_STATUS_DRIVER_OK);
}

void td_start(TdMachine *m, uint64_t extra_features, TdQueue *queues, unsigned n, uint16_t size)
{
    g_assert_true(td_negotiate(m, VR_VIRTIO_BIT(VR_VIRTIO_F_VERSION_1) | extra_features));
    for (unsigned i = 0; i < n; i++)
        td_queue_setup(m, &queues[i], i, size);
    td_driver_ok(m);
    g_assert_cmpuint(td_read(m, VR_VIRTIO_MMIO_STATUS), ==,
                     VR_VIRTIO_STATUS_ACKNOWLEDGE | VR_VIRTIO_STATUS_DRIVER |
                         VR_VIRTIO_STATUS_FEATURES_OK | VR_VIRTIO_STATUS_DRIVER_OK);
}

void td_set_desc_at(TdMachine *m, uint64_t table, uint16_t i, uint64_t addr, uint32_t len,
                    uint16_t flags, uint16_t next)
{
    uint8_t *d = td_host(m, table + 16ull * i);
    uint64_t a = GUINT64_TO_LE(addr);
    uint32_t l = GUINT32_TO_LE(len);
    uint16_t f = GUINT16_TO_LE(flags), n = GUINT16_TO_LE(next);
    memcpy(d, &a, 8);
    memcpy(d + 8, &l, 4);
    memcpy(d + 12, &f, 2);
    memcpy(d + 14, &n, 2);
}

void td_set_desc(TdMachine *m, TdQueue *q, uint16_t i, uint64_t addr, uint32_t len, uint16_t flags,
                 uint16_t next)
{
    g_assert_cmpuint(i, <, q->size);
    td_set_desc_at(m, q->desc, i, addr, len, flags, next);
}

void td_publish(TdMachine *m, TdQueue *q, uint16_t head)
{
    uint16_t *ring = td_host(m, q->avail + 4 + 2ull * (q->avail_idx % q->size));
    *ring = GUINT16_TO_LE(head);
    q->avail_idx++;
    __atomic_store_n((uint16_t *) td_host(m, q->avail + 2), GUINT16_TO_LE(q->avail_idx),
                     __ATOMIC_RELEASE);
}

void td_kick(TdMachine *m, TdQueue *q)
{
    td_write(m, VR_VIRTIO_MMIO_QUEUE_NOTIFY, q->index);
}

uint16_t td_used_idx(TdMachine *m, TdQueue *q)
{
    return GUINT16_FROM_LE(__atomic_load_n((uint16_t *) td_host(m, q->used + 2), __ATOMIC_ACQUIRE));
}

bool td_wait_used(TdMachine *m, TdQueue *q, uint32_t *id, uint32_t *len)
{
    gint64 deadline = g_get_monotonic_time() + 5 * G_USEC_PER_SEC;
    while (td_used_idx(m, q) == q->used_seen) {
        if (g_get_monotonic_time() > deadline)
            return false;
        g_usleep(100);
    }
    const uint8_t *e = td_host(m, q->used + 4 + 8ull * (q->used_seen % q->size));
    uint32_t i, l;
    memcpy(&i, e, 4);
    memcpy(&l, e + 4, 4);
    if (id)
        *id = GUINT32_FROM_LE(i);
    if (len)
        *len = GUINT32_FROM_LE(l);
    q->used_seen++;
    /* Let the device finish what it does after publishing (the interrupt). */
    td_sync(m);
    return true;
}

void td_set_avail_flags(TdMachine *m, TdQueue *q, uint16_t flags)
{
    __atomic_store_n((uint16_t *) td_host(m, q->avail), GUINT16_TO_LE(flags), __ATOMIC_SEQ_CST);
}

void td_set_used_event(TdMachine *m, TdQueue *q, uint16_t value)
{
    __atomic_store_n((uint16_t *) td_host(m, q->avail + 4 + 2ull * q->size), GUINT16_TO_LE(value),
                     __ATOMIC_SEQ_CST);
}

uint16_t td_avail_event(TdMachine *m, TdQueue *q)
{
    return GUINT16_FROM_LE(
        __atomic_load_n((uint16_t *) td_host(m, q->used + 4 + 8ull * q->size), __ATOMIC_SEQ_CST));
}

uint32_t td_submit(TdMachine *m, TdQueue *q, const TdBuf *bufs, unsigned n)
{
    for (unsigned i = 0; i < n; i++)
        td_set_desc(m, q, i, bufs[i].addr, bufs[i].len,
                    (bufs[i].writable ? VR_VIRTQ_DESC_F_WRITE : 0) |
                        (i + 1 < n ? VR_VIRTQ_DESC_F_NEXT : 0),
                    i + 1);
    td_publish(m, q, 0);
    td_kick(m, q);
    uint32_t id, len;
    if (!td_wait_used(m, q, &id, &len))
        return G_MAXUINT32;
    g_assert_cmpuint(id, ==, 0);
    return len;
}

uint32_t td_submit_indirect(TdMachine *m, TdQueue *q, const TdBuf *bufs, unsigned n)
{
    uint64_t table = td_alloc(m, 16ull * n, 16);
    for (unsigned i = 0; i < n; i++)
        td_set_desc_at(m, table, i, bufs[i].addr, bufs[i].len,
                       (bufs[i].writable ? VR_VIRTQ_DESC_F_WRITE : 0) |
                           (i + 1 < n ? VR_VIRTQ_DESC_F_NEXT : 0),
                       i + 1);
    td_set_desc(m, q, 0, table, 16 * n, VR_VIRTQ_DESC_F_INDIRECT, 0);
    td_publish(m, q, 0);
    td_kick(m, q);
    uint32_t id, len;
    if (!td_wait_used(m, q, &id, &len))
        return G_MAXUINT32;
    g_assert_cmpuint(id, ==, 0);
    return len;
}

bool td_wait_needs_reset(TdMachine *m)
{
    gint64 deadline = g_get_monotonic_time() + 5 * G_USEC_PER_SEC;
    while (!(td_read(m, VR_VIRTIO_MMIO_STATUS) & VR_VIRTIO_STATUS_DEVICE_NEEDS_RESET)) {
        if (g_get_monotonic_time() > deadline)
            return false;
        g_usleep(100);
    }
    return true;
}

static gboolean signal_done(gpointer data)
{
    gint *done = data;
    g_atomic_int_set(done, 1);
    return G_SOURCE_REMOVE;
}

void td_sync(TdMachine *m)
{
    if (!m->io)
        return;
    /* An idle source of lower priority than the notifiers runs after them. */
    gint done = 0;
    GSource *s = g_idle_source_new();
    g_source_set_callback(s, signal_done, &done, NULL);
    g_source_set_priority(s, G_PRIORITY_LOW);
    g_source_attach(s, vr_iothread_context(m->io));
    g_source_unref(s);
    while (!g_atomic_int_get(&done))
        g_usleep(100);
}
