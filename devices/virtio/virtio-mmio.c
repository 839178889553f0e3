/* The virtio-mmio transport, version 2. The threading model is in virtio-mmio.h. */
#define G_LOG_DOMAIN "vireo-virtio"

#include "virtio-mmio.h"

#include <string.h>

#include "virtqueue.h"

/* Status bits the driver may set. */
#define DRIVER_STATUS_BITS                                                                 \
    (VR_VIRTIO_STATUS_ACKNOWLEDGE | VR_VIRTIO_STATUS_DRIVER | VR_VIRTIO_STATUS_DRIVER_OK | \
     VR_VIRTIO_STATUS_FEATURES_OK | VR_VIRTIO_STATUS_FAILED)

/* Features every device gets from the transport and the virtqueue code. */
#define TRANSPORT_FEATURES                                                             \
    (VR_VIRTIO_BIT(VR_VIRTIO_F_VERSION_1) | VR_VIRTIO_BIT(VR_VIRTIO_F_INDIRECT_DESC) | \
     VR_VIRTIO_BIT(VR_VIRTIO_F_EVENT_IDX))

typedef struct {
    VrVirtqueue vq;
    uint32_t num; /* QueueNum as written */
    bool ready;   /* QueueReady as written; both locks */
} MmioQueue;

struct VrVirtioMmio {
    VrDevice base;
    VrAddressSpace *as;
    VrVirtioDevice *dev;
    VrIrq irq;
    VrIoNotifier *notifier;
    uint64_t offered;

    GMutex queue_lock; /* whoever processes or reconfigures the queues */
    GMutex lock;       /* registers */
    int stop;          /* atomic: someone waits for queue_lock to reconfigure, or quiesced */
    bool quiesced;     /* queue_lock: between quiesce (or load) and unquiesce */
    guint pending;     /* atomic: queues kicked and not yet looked at */
    /* The thread processing the queues, if any: a kick from inside that processing (a
     * console echoing its output, maybe through another device) is picked up by the loop
     * rather than re-entering it. */
    GThread *processing;

    /* Registers (lock). status and the queues' ready/started state: both locks. */
    uint32_t status;
    uint32_t device_features_sel;
    uint32_t driver_features_sel;
    uint64_t driver_features;
    bool driver_features_beyond_64; /* the driver set a bit past 63 */
    uint32_t queue_sel;
    uint32_t shm_sel;
    uint32_t interrupt_status;
    uint32_t config_generation;
    bool irq_level;
    MmioQueue queues[VR_VIRTIO_MAX_QUEUES];

    VrRateLimit log;
};

#define guest_error(t, ...) vr_virtio_log_guest_error(&(t)->log, (t)->dev->name, __VA_ARGS__)

/* ---- Interrupts and device errors (register lock held) ---- */

static void update_irq_locked(VrVirtioMmio *t)
{
    bool level = t->interrupt_status != 0;
    if (level != t->irq_level) {
        t->irq_level = level;
        vr_irq_set(&t->irq, level);
    }
}

static void raise_interrupt_locked(VrVirtioMmio *t, uint32_t bits)
{
    t->interrupt_status |= bits;
    update_irq_locked(t);
}

/* Both locks held. */
static void needs_reset_locked(VrVirtioMmio *t, const char *fmt, ...) G_GNUC_PRINTF(2, 3);

static void needs_reset_locked(VrVirtioMmio *t, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    g_autofree char *msg = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    guest_error(t, "%s; the device needs a reset", msg);
    if (t->status & VR_VIRTIO_STATUS_DEVICE_NEEDS_RESET)
        return;
    t->status |= VR_VIRTIO_STATUS_DEVICE_NEEDS_RESET;
    /* 2.1.2: once DRIVER_OK, setting DEVICE_NEEDS_RESET comes with a config change
     * notification. */
    if (t->status & VR_VIRTIO_STATUS_DRIVER_OK)
        raise_interrupt_locked(t, VR_VIRTIO_MMIO_INT_CONFIG);
}

/* ---- Virtqueue callbacks (queue lock held, register lock not) ---- */

static void vq_notify(void *opaque, VrVirtqueue *vq)
{
    VrVirtioMmio *t = opaque;
    g_mutex_lock(&t->lock);
    raise_interrupt_locked(t, VR_VIRTIO_MMIO_INT_VRING);
    g_mutex_unlock(&t->lock);
}

static void vq_error(void *opaque, VrVirtqueue *vq, const char *message)
{
    VrVirtioMmio *t = opaque;
    g_mutex_lock(&t->lock);
    needs_reset_locked(t, "%s", message);
    g_mutex_unlock(&t->lock);
}

/* ---- Queue processing ---- */

static bool device_live(const VrVirtioMmio *t)
{
    return (t->status & (VR_VIRTIO_STATUS_DRIVER_OK | VR_VIRTIO_STATUS_DEVICE_NEEDS_RESET)) ==
           VR_VIRTIO_STATUS_DRIVER_OK;
}

/* Queue lock held. */
static void run_pending_locked(VrVirtioMmio *t)
{
    g_atomic_pointer_set(&t->processing, g_thread_self());
    guint mask;
    while ((mask = g_atomic_int_and(&t->pending, 0)) != 0) {
        for (unsigned i = 0; i < t->dev->num_queues; i++) {
            MmioQueue *q = &t->queues[i];
            if (!(mask & (1u << i)) || !device_live(t) || !q->ready || !q->vq.started ||
                q->vq.broken)
                continue;
            t->dev->cls->queue_notify(t->dev, i, &q->vq);
        }
        /* On the I/O thread, kicks that came meanwhile raised the notifier again: let the
         * other devices on the thread have their turn first. */
        if (t->notifier)
            break;
    }
    g_atomic_pointer_set(&t->processing, NULL);
}

/* Without an I/O thread, a kick never waits for the queue lock (a disk worker kicking while
 * a reset waits for that very worker would never return): it leaves its bit in pending, and
 * whoever lets go of the lock looks at pending again. */
static void unlock_queue(VrVirtioMmio *t)
{
    g_mutex_unlock(&t->queue_lock);
    while (!t->notifier && g_atomic_int_get(&t->pending) != 0 && g_mutex_trylock(&t->queue_lock)) {
        run_pending_locked(t);
        g_mutex_unlock(&t->queue_lock);
    }
}

static void process_pending(VrVirtioMmio *t)
{
    if (t->notifier) {
        g_mutex_lock(&t->queue_lock);
        run_pending_locked(t);
        g_mutex_unlock(&t->queue_lock);
    } else if (g_mutex_trylock(&t->queue_lock)) {
        run_pending_locked(t);
        unlock_queue(t);
    }
}

static void notifier_fired(void *opaque)
{
    process_pending(opaque);
}

static void transport_kick(void *opaque, unsigned index)
{
    VrVirtioMmio *t = opaque;
    if (index >= t->dev->num_queues)
        return;
    g_atomic_int_or(&t->pending, 1u << index);
    if (t->notifier)
        vr_io_notifier_raise(t->notifier);
    else if (g_atomic_pointer_get(&t->processing) != g_thread_self())
        process_pending(t);
}

static void transport_config_update(void *opaque, void (*update)(VrVirtioDevice *dev, void *data),
                                    void *data)
{
    VrVirtioMmio *t = opaque;
    g_mutex_lock(&t->lock);
    update(t->dev, data);
    t->config_generation++;
    if (t->status & VR_VIRTIO_STATUS_DRIVER_OK)
        raise_interrupt_locked(t, VR_VIRTIO_MMIO_INT_CONFIG);
    g_mutex_unlock(&t->lock);
}

static bool transport_driver_ok(void *opaque)
{
    VrVirtioMmio *t = opaque;
    g_mutex_lock(&t->lock);
    bool live = device_live(t);
    g_mutex_unlock(&t->lock);
    return live;
}

static const VrVirtioTransportHooks transport_hooks = {
    .kick = transport_kick,
    .config_update = transport_config_update,
    .driver_ok = transport_driver_ok,
};

/* Takes both locks, asking whoever processes queues to let go soon. */
static void lock_both(VrVirtioMmio *t)
{
    g_atomic_int_inc(&t->stop);
    g_mutex_lock(&t->queue_lock);
    g_atomic_int_dec_and_test(&t->stop);
    g_mutex_lock(&t->lock);
}

static void unlock_both(VrVirtioMmio *t)
{
    g_mutex_unlock(&t->lock);
    unlock_queue(t);
}

/* ---- Status and queue state (both locks held) ---- */

static void reset_locked(VrVirtioMmio *t)
{
    if (t->dev->cls->reset)
        t->dev->cls->reset(t->dev);
    for (unsigned i = 0; i < VR_VIRTIO_MAX_QUEUES; i++) {
        MmioQueue *q = &t->queues[i];
        vr_virtqueue_stop(&q->vq);
        q->ready = false;
        q->num = 0;
        q->vq.size = 0;
        q->vq.desc_addr = q->vq.driver_addr = q->vq.device_addr = 0;
    }
    g_atomic_int_set(&t->pending, 0);
    t->status = 0;
    t->device_features_sel = 0;
    t->driver_features_sel = 0;
    t->driver_features = 0;
    t->driver_features_beyond_64 = false;
    t->queue_sel = 0;
    t->shm_sel = 0;
    t->dev->negotiated = 0;
    t->interrupt_status = 0;
    update_irq_locked(t);
}

static bool features_acceptable(VrVirtioMmio *t)
{
    uint64_t f = t->driver_features;
    if (t->driver_features_beyond_64 || (f & ~t->offered)) {
        guest_error(t,
                    "driver accepted features 0x%" G_GINT64_MODIFIER
                    "x the device did not offer (offered 0x%" G_GINT64_MODIFIER
                    "x); FEATURES_OK refused",
                    f, t->offered);
        return false;
    }
    if (!(f & VR_VIRTIO_BIT(VR_VIRTIO_F_VERSION_1))) {
        guest_error(t, "driver did not accept VIRTIO_F_VERSION_1 (legacy drivers are not "
                       "supported); FEATURES_OK refused");
        return false;
    }
    if (t->dev->cls->validate_features && !t->dev->cls->validate_features(t->dev, f)) {
        guest_error(
            t, "device refused the feature set 0x%" G_GINT64_MODIFIER "x; FEATURES_OK refused", f);
        return false;
    }
    return true;
}

/* Returns true when the queues want a look (DRIVER_OK was just set). */
static bool write_status_locked(VrVirtioMmio *t, uint32_t value)
{
    if (value == 0) {
        reset_locked(t);
        return false;
    }
    uint32_t old = t->status;
    if (old & ~value & DRIVER_STATUS_BITS)
        guest_error(t, "driver cleared status bits 0x%x without a reset; ignored",
                    old & ~value & DRIVER_STATUS_BITS);
    uint32_t set = value & ~old & DRIVER_STATUS_BITS;
    if (set & VR_VIRTIO_STATUS_FEATURES_OK) {
        if (features_acceptable(t))
            t->dev->negotiated = t->driver_features;
        else
            set &= ~VR_VIRTIO_STATUS_FEATURES_OK;
    }
    bool kick = false;
    if (set & VR_VIRTIO_STATUS_DRIVER_OK) {
        if (!((old | set) & VR_VIRTIO_STATUS_FEATURES_OK)) {
            set &= ~VR_VIRTIO_STATUS_DRIVER_OK;
            t->status |= set;
            needs_reset_locked(t, "driver set DRIVER_OK without FEATURES_OK");
            return false;
        }
        kick = true;
    }
    t->status |= set;
    return kick;
}

static bool queue_live(const VrVirtioMmio *t, const MmioQueue *q)
{
    return device_live(t) && q->ready && q->vq.started && !q->vq.broken;
}

/* Waits for the device's requests in flight and returns the finished ones to the driver,
 * popping nothing new. Queue lock held. */
static void finish_in_flight_locked(VrVirtioMmio *t)
{
    if (!t->dev->cls->drain)
        return;
    g_atomic_int_inc(&t->stop);
    t->dev->cls->drain(t->dev);
    /* A kick from in here is left to the loop that runs next, as in process_pending. */
    GThread *was = g_atomic_pointer_get(&t->processing);
    g_atomic_pointer_set(&t->processing, g_thread_self());
    for (unsigned i = 0; i < t->dev->num_queues; i++) {
        if (queue_live(t, &t->queues[i]))
            t->dev->cls->queue_notify(t->dev, i, &t->queues[i].vq);
    }
    g_atomic_pointer_set(&t->processing, was);
    g_atomic_int_dec_and_test(&t->stop);
}

static void write_queue_ready_locked(VrVirtioMmio *t, MmioQueue *q, uint32_t value)
{
    bool ready = value != 0;
    if (ready == q->ready)
        return;
    if (!ready) {
        /* Requests taken from the queue go back to it before its rings are forgotten. The
         * register lock is dropped meanwhile: completions raise the interrupt. */
        g_mutex_unlock(&t->lock);
        finish_in_flight_locked(t);
        g_mutex_lock(&t->lock);
        q->ready = false;
        vr_virtqueue_stop(&q->vq);
        return;
    }
    q->ready = true;
    if (!(t->status & VR_VIRTIO_STATUS_FEATURES_OK)) {
        needs_reset_locked(t, "queue %u enabled before FEATURES_OK", q->vq.index);
        return;
    }
    if (q->num == 0 || q->num > t->dev->queue_max_size) {
        needs_reset_locked(t, "queue %u: size %u is not between 1 and QueueNumMax %u", q->vq.index,
                           q->num, t->dev->queue_max_size);
        return;
    }
    q->vq.size = (uint16_t) q->num;
    q->vq.indirect_desc = vr_virtio_has_feature(t->dev, VR_VIRTIO_F_INDIRECT_DESC);
    q->vq.event_idx = vr_virtio_has_feature(t->dev, VR_VIRTIO_F_EVENT_IDX);
    g_autoptr(GError) error = NULL;
    if (!vr_virtqueue_start(&q->vq, &error))
        needs_reset_locked(t, "%s", error->message);
}

/* ---- Registers ---- */

static MmioQueue *selected_queue(VrVirtioMmio *t)
{
    return t->queue_sel < t->dev->num_queues ? &t->queues[t->queue_sel] : NULL;
}

static bool config_in_range(VrVirtioMmio *t, uint64_t off, unsigned size)
{
    if (off + size <= t->dev->config_size)
        return true;
    guest_error(
        t, "%u-byte access at configuration offset 0x%" G_GINT64_MODIFIER "x, beyond its %u bytes",
        size, off, t->dev->config_size);
    return false;
}

static bool mmio_read(void *opaque, uint64_t offset, unsigned size, uint64_t *value)
{
    VrVirtioMmio *t = opaque;
    uint64_t v = 0;

    g_mutex_lock(&t->lock);
    if (offset >= VR_VIRTIO_MMIO_CONFIG) {
        uint64_t off = offset - VR_VIRTIO_MMIO_CONFIG;
        if (config_in_range(t, off, size)) {
            uint8_t buf[8] = {0};
            t->dev->cls->config_read(t->dev, (uint32_t) off, buf, size);
            for (unsigned i = 0; i < size; i++)
                v |= (uint64_t) buf[i] << (8 * i);
        }
        goto out;
    }
    if (size != 4) {
        guest_error(t,
                    "%u-byte read of register 0x%03" G_GINT64_MODIFIER
                    "x (only 32-bit accesses are allowed)",
                    size, offset);
        goto out;
    }
    MmioQueue *q = selected_queue(t);
    switch (offset) {
    case VR_VIRTIO_MMIO_MAGIC_VALUE: v = VR_VIRTIO_MMIO_MAGIC; break;
    case VR_VIRTIO_MMIO_VERSION: v = 2; break;
    case VR_VIRTIO_MMIO_DEVICE_ID: v = t->dev->cls->device_id; break;
    case VR_VIRTIO_MMIO_VENDOR_ID: v = VR_VIRTIO_MMIO_VENDOR; break;
    case VR_VIRTIO_MMIO_DEVICE_FEATURES:
        if (t->device_features_sel < 2)
            v = (uint32_t) (t->offered >> (32 * t->device_features_sel));
        break;
    case VR_VIRTIO_MMIO_QUEUE_NUM_MAX: v = q ? t->dev->queue_max_size : 0; break;
    case VR_VIRTIO_MMIO_QUEUE_READY: v = q ? q->ready : 0; break;
    case VR_VIRTIO_MMIO_INTERRUPT_STATUS: v = t->interrupt_status; break;
    case VR_VIRTIO_MMIO_STATUS: v = t->status; break;
    case VR_VIRTIO_MMIO_SHM_LEN_LOW:
    case VR_VIRTIO_MMIO_SHM_LEN_HIGH:
    case VR_VIRTIO_MMIO_SHM_BASE_LOW:
    case VR_VIRTIO_MMIO_SHM_BASE_HIGH:
        /* No shared memory regions: length and base of -1 (4.2.2). */
        v = 0xffffffffu;
        break;
    case VR_VIRTIO_MMIO_QUEUE_RESET: v = 0; break;
    case VR_VIRTIO_MMIO_CONFIG_GENERATION: v = t->config_generation; break;
    default:
        guest_error(t, "read of write-only or undefined register 0x%03" G_GINT64_MODIFIER "x",
                    offset);
        break;
    }
out:
    g_mutex_unlock(&t->lock);
    *value = v;
    return true;
}

static void set_half(uint64_t *field, bool high, uint32_t value)
{
    if (high)
        *field = (*field & 0xffffffffu) | ((uint64_t) value << 32);
    else
        *field = (*field & ~(uint64_t) 0xffffffffu) | value;
}

static bool mmio_write(void *opaque, uint64_t offset, unsigned size, uint64_t value64)
{
    VrVirtioMmio *t = opaque;
    uint32_t value = (uint32_t) value64;

    if (offset >= VR_VIRTIO_MMIO_CONFIG) {
        /* No transport lock: a device may call its backend from here (console emerg_wr). */
        uint64_t off = offset - VR_VIRTIO_MMIO_CONFIG;
        if (config_in_range(t, off, size) && t->dev->cls->config_write) {
            uint8_t buf[8];
            for (unsigned i = 0; i < size; i++)
                buf[i] = (uint8_t) (value64 >> (8 * i));
            t->dev->cls->config_write(t->dev, (uint32_t) off, buf, size);
        }
        return true;
    }
    if (size != 4) {
        g_mutex_lock(&t->lock);
        guest_error(t,
                    "%u-byte write to register 0x%03" G_GINT64_MODIFIER
                    "x (only 32-bit accesses are allowed)",
                    size, offset);
        g_mutex_unlock(&t->lock);
        return true;
    }

    /* The fast path: no lock. */
    if (offset == VR_VIRTIO_MMIO_QUEUE_NOTIFY) {
        if (value < t->dev->num_queues)
            transport_kick(t, value);
        else
            guest_error(t, "notification for queue %u, which does not exist", value);
        return true;
    }

    /* What changes the queues under the device takes both locks. */
    if (offset == VR_VIRTIO_MMIO_STATUS || offset == VR_VIRTIO_MMIO_QUEUE_READY) {
        bool kick = false;
        if (offset == VR_VIRTIO_MMIO_STATUS && value == 0 && t->dev->cls->drain) {
            /* A reset waits for the requests in flight (they write into guest RAM), without
             * the register lock, so other harts can read the other registers meanwhile. */
            g_atomic_int_inc(&t->stop);
            g_mutex_lock(&t->queue_lock);
            t->dev->cls->drain(t->dev);
            g_atomic_int_dec_and_test(&t->stop);
            g_mutex_lock(&t->lock);
        } else {
            lock_both(t);
        }
        if (offset == VR_VIRTIO_MMIO_STATUS) {
            kick = write_status_locked(t, value);
            if (kick)
                g_atomic_int_or(&t->pending, (1u << t->dev->num_queues) - 1);
        } else {
            MmioQueue *q = selected_queue(t);
            if (q)
                write_queue_ready_locked(t, q, value);
            else
                guest_error(t, "QueueReady for queue %u, which does not exist", t->queue_sel);
        }
        unlock_both(t);
        /* Buffers the driver queued before DRIVER_OK are looked at now. */
        if (kick) {
            if (t->notifier)
                vr_io_notifier_raise(t->notifier);
            else
                process_pending(t);
        }
        return true;
    }

    g_mutex_lock(&t->lock);
    MmioQueue *q = selected_queue(t);
    switch (offset) {
    case VR_VIRTIO_MMIO_DEVICE_FEATURES_SEL: t->device_features_sel = value; break;
    case VR_VIRTIO_MMIO_DRIVER_FEATURES:
        if (t->status & VR_VIRTIO_STATUS_FEATURES_OK) {
            guest_error(t, "driver features written after FEATURES_OK; ignored");
        } else if (t->driver_features_sel < 2) {
            set_half(&t->driver_features, t->driver_features_sel == 1, value);
        } else if (value) {
            t->driver_features_beyond_64 = true;
        }
        break;
    case VR_VIRTIO_MMIO_DRIVER_FEATURES_SEL: t->driver_features_sel = value; break;
    case VR_VIRTIO_MMIO_QUEUE_SEL: t->queue_sel = value; break;
    case VR_VIRTIO_MMIO_INTERRUPT_ACK:
        t->interrupt_status &= ~value;
        update_irq_locked(t);
        break;
    case VR_VIRTIO_MMIO_SHM_SEL: t->shm_sel = value; break;
    case VR_VIRTIO_MMIO_QUEUE_NUM:
    case VR_VIRTIO_MMIO_QUEUE_DESC_LOW:
    case VR_VIRTIO_MMIO_QUEUE_DESC_HIGH:
    case VR_VIRTIO_MMIO_QUEUE_DRIVER_LOW:
    case VR_VIRTIO_MMIO_QUEUE_DRIVER_HIGH:
    case VR_VIRTIO_MMIO_QUEUE_DEVICE_LOW:
    case VR_VIRTIO_MMIO_QUEUE_DEVICE_HIGH:
        if (!q) {
            guest_error(t,
                        "queue register 0x%03" G_GINT64_MODIFIER
                        "x written for queue %u, which does not exist",
                        offset, t->queue_sel);
            break;
        }
        if (q->ready) {
            /* 4.2.2.2: not while QueueReady; the I/O thread may be using these. */
            guest_error(t,
                        "queue %u: register 0x%03" G_GINT64_MODIFIER
                        "x written while the queue is ready; ignored",
                        t->queue_sel, offset);
            break;
        }
        switch (offset) {
        case VR_VIRTIO_MMIO_QUEUE_NUM: q->num = value; break;
        case VR_VIRTIO_MMIO_QUEUE_DESC_LOW: set_half(&q->vq.desc_addr, false, value); break;
        case VR_VIRTIO_MMIO_QUEUE_DESC_HIGH: set_half(&q->vq.desc_addr, true, value); break;
        case VR_VIRTIO_MMIO_QUEUE_DRIVER_LOW: set_half(&q->vq.driver_addr, false, value); break;
        case VR_VIRTIO_MMIO_QUEUE_DRIVER_HIGH: set_half(&q->vq.driver_addr, true, value); break;
        case VR_VIRTIO_MMIO_QUEUE_DEVICE_LOW: set_half(&q->vq.device_addr, false, value); break;
        case VR_VIRTIO_MMIO_QUEUE_DEVICE_HIGH: set_half(&q->vq.device_addr, true, value); break;
        default: break;
        }
        break;
    case VR_VIRTIO_MMIO_QUEUE_RESET:
        guest_error(t, "QueueReset written, but VIRTIO_F_RING_RESET is not offered; ignored");
        break;
    default:
        guest_error(t, "write of read-only or undefined register 0x%03" G_GINT64_MODIFIER "x",
                    offset);
        break;
    }
    g_mutex_unlock(&t->lock);
    return true;
}

static const VrMmioOps mmio_ops = {
    .read = mmio_read,
    .write = mmio_write,
};

const VrMmioOps *vr_virtio_mmio_ops(void)
{
    return &mmio_ops;
}

/* A machine reset resets the device as a driver does, by writing 0 to Status. */
static void mmio_device_reset(VrDevice *base)
{
    mmio_ops.write(base, VR_VIRTIO_MMIO_STATUS, 4, 0);
}

static void mmio_device_free(VrDevice *base)
{
    vr_virtio_mmio_free((VrVirtioMmio *) base);
}

/* ---- Machine state ---- */

/* Looks at every queue again: kicks that came while quiesced were dropped, and buffers the
 * driver added while the device was stopped wait in the rings without a kick of their own. */
static void kick_all(VrVirtioMmio *t)
{
    g_atomic_int_or(&t->pending, (1u << t->dev->num_queues) - 1);
    if (t->notifier)
        vr_io_notifier_raise(t->notifier);
    else
        process_pending(t);
}

static void mmio_device_quiesce(VrDevice *base)
{
    VrVirtioMmio *t = (VrVirtioMmio *) base;
    g_atomic_int_inc(&t->stop); /* pop takes nothing until unquiesce */
    g_mutex_lock(&t->queue_lock);
    if (t->quiesced) {
        g_atomic_int_dec_and_test(&t->stop);
    } else {
        t->quiesced = true;
        finish_in_flight_locked(t);
    }
    unlock_queue(t);
}

static void mmio_device_unquiesce(VrDevice *base)
{
    VrVirtioMmio *t = (VrVirtioMmio *) base;
    g_mutex_lock(&t->queue_lock);
    bool was = t->quiesced;
    if (was) {
        t->quiesced = false;
        g_atomic_int_dec_and_test(&t->stop);
        /* After a load the line is raised again for the interrupts the driver has not
         * acknowledged yet. */
        g_mutex_lock(&t->lock);
        update_irq_locked(t);
        g_mutex_unlock(&t->lock);
    }
    unlock_queue(t);
    if (was)
        kick_all(t);
}

/*
 * Payload (all little-endian):
 *   u32 version (1), u32 device id, u32 queue count, u32 status, u32 DeviceFeaturesSel,
 *   u32 DriverFeaturesSel, u64 driver features, bool driver set bits past 63,
 *   u64 negotiated features, u32 QueueSel, u32 SHMSel, u32 InterruptStatus,
 *   u32 ConfigGeneration, bool interrupt line level,
 *   per queue: u32 QueueNum, bool QueueReady, u64 desc, u64 driver, u64 device area,
 *              bool started, bool broken, u16 last_avail_idx, u16 shadow_avail_idx,
 *              u16 used_idx, u16 signalled_used, bool signalled_used_valid, bool pushed,
 *   bool device state follows, then the device's own payload (its save hook).
 */
#define MMIO_STATE_VERSION 1

static void mmio_device_save(VrDevice *base, VrStateWriter *w)
{
    VrVirtioMmio *t = (VrVirtioMmio *) base;
    lock_both(t);
    vr_state_put_u32(w, MMIO_STATE_VERSION);
    vr_state_put_u32(w, t->dev->cls->device_id);
    vr_state_put_u32(w, t->dev->num_queues);
    vr_state_put_u32(w, t->status);
    vr_state_put_u32(w, t->device_features_sel);
    vr_state_put_u32(w, t->driver_features_sel);
    vr_state_put_u64(w, t->driver_features);
    vr_state_put_bool(w, t->driver_features_beyond_64);
    vr_state_put_u64(w, t->dev->negotiated);
    vr_state_put_u32(w, t->queue_sel);
    vr_state_put_u32(w, t->shm_sel);
    vr_state_put_u32(w, t->interrupt_status);
    vr_state_put_u32(w, t->config_generation);
    vr_state_put_bool(w, t->irq_level);
    for (unsigned i = 0; i < t->dev->num_queues; i++) {
        const MmioQueue *q = &t->queues[i];
        const VrVirtqueue *vq = &q->vq;
        vr_state_put_u32(w, q->num);
        vr_state_put_bool(w, q->ready);
        vr_state_put_u64(w, vq->desc_addr);
        vr_state_put_u64(w, vq->driver_addr);
        vr_state_put_u64(w, vq->device_addr);
        vr_state_put_bool(w, vq->started);
        vr_state_put_bool(w, vq->broken);
        vr_state_put_u16(w, vq->last_avail_idx);
        vr_state_put_u16(w, vq->shadow_avail_idx);
        vr_state_put_u16(w, vq->used_idx);
        vr_state_put_u16(w, vq->signalled_used);
        vr_state_put_bool(w, vq->signalled_used_valid);
        vr_state_put_bool(w, vq->pushed);
    }
    vr_state_put_bool(w, t->dev->cls->save != NULL);
    if (t->dev->cls->save)
        t->dev->cls->save(t->dev, w);
    unlock_both(t);
}

static bool load_queue_locked(VrVirtioMmio *t, MmioQueue *q, VrStateReader *r)
{
    VrVirtqueue *vq = &q->vq;
    q->num = vr_state_get_u32(r);
    bool ready = vr_state_get_bool(r);
    vq->desc_addr = vr_state_get_u64(r);
    vq->driver_addr = vr_state_get_u64(r);
    vq->device_addr = vr_state_get_u64(r);
    bool started = vr_state_get_bool(r);
    bool broken = vr_state_get_bool(r);
    uint16_t last_avail = vr_state_get_u16(r);
    uint16_t shadow_avail = vr_state_get_u16(r);
    uint16_t used = vr_state_get_u16(r);
    uint16_t signalled = vr_state_get_u16(r);
    bool signalled_valid = vr_state_get_bool(r);
    bool pushed = vr_state_get_bool(r);
    if (vr_state_reader_failed(r))
        return false;
    unsigned i = vq->index;
    bool needs_reset = t->status & VR_VIRTIO_STATUS_DEVICE_NEEDS_RESET;
    if (started && !ready) {
        vr_state_reader_invalid(r, "queue %u is started but not ready", i);
        return false;
    }
    if (ready && !started && !needs_reset) {
        /* The transport only leaves a ready queue stopped when it refused its setup. */
        vr_state_reader_invalid(r, "queue %u is ready but was never started", i);
        return false;
    }
    if (broken && !needs_reset) {
        vr_state_reader_invalid(r, "queue %u is broken without DEVICE_NEEDS_RESET", i);
        return false;
    }
    q->ready = ready;
    if (!started)
        return true;
    if (!(t->status & VR_VIRTIO_STATUS_FEATURES_OK)) {
        vr_state_reader_invalid(r, "queue %u is started without FEATURES_OK", i);
        return false;
    }
    if (q->num == 0 || q->num > t->dev->queue_max_size || (q->num & (q->num - 1)) != 0) {
        vr_state_reader_invalid(r, "queue %u: size %u is not a power of two from 1 to %u", i,
                                q->num, t->dev->queue_max_size);
        return false;
    }
    vq->size = (uint16_t) q->num;
    vq->indirect_desc = vr_virtio_has_feature(t->dev, VR_VIRTIO_F_INDIRECT_DESC);
    vq->event_idx = vr_virtio_has_feature(t->dev, VR_VIRTIO_F_EVENT_IDX);
    g_autoptr(GError) error = NULL;
    if (!vr_virtqueue_start(vq, &error)) {
        vr_virtqueue_stop(vq);
        vr_state_reader_invalid(r, "%s", error->message);
        return false;
    }
    if ((uint16_t) (shadow_avail - last_avail) > vq->size ||
        (uint16_t) (last_avail - used) > vq->size) {
        vr_state_reader_invalid(r,
                                "queue %u: indexes avail %u, next %u, used %u are more than "
                                "the queue size %u apart",
                                i, shadow_avail, last_avail, used, vq->size);
        return false;
    }
    if (!broken && device_live(t) && last_avail != used) {
        /* Quiesce returns every request taken; one left would never complete. */
        vr_state_reader_invalid(r, "queue %u: %u requests were in flight", i,
                                (uint16_t) (last_avail - used));
        return false;
    }
    vq->broken = broken;
    vq->last_avail_idx = last_avail;
    vq->shadow_avail_idx = shadow_avail;
    vq->used_idx = used;
    vq->signalled_used = signalled;
    vq->signalled_used_valid = signalled_valid;
    vq->pushed = pushed;
    return true;
}

static bool load_locked(VrVirtioMmio *t, VrStateReader *r)
{
    uint32_t version = vr_state_get_u32(r);
    if (!vr_state_reader_failed(r) && version != MMIO_STATE_VERSION) {
        vr_state_reader_invalid(r, "virtio-mmio state version %u is not known (expected %u)",
                                version, MMIO_STATE_VERSION);
        return false;
    }
    uint32_t device_id = vr_state_get_u32(r);
    uint32_t num_queues = vr_state_get_u32(r);
    uint32_t status = vr_state_get_u32(r);
    t->device_features_sel = vr_state_get_u32(r);
    t->driver_features_sel = vr_state_get_u32(r);
    t->driver_features = vr_state_get_u64(r);
    t->driver_features_beyond_64 = vr_state_get_bool(r);
    uint64_t negotiated = vr_state_get_u64(r);
    t->queue_sel = vr_state_get_u32(r);
    t->shm_sel = vr_state_get_u32(r);
    uint32_t interrupt_status = vr_state_get_u32(r);
    t->config_generation = vr_state_get_u32(r);
    bool irq_level = vr_state_get_bool(r);
    if (vr_state_reader_failed(r))
        return false;
    if (device_id != t->dev->cls->device_id) {
        vr_state_reader_invalid(r, "it holds a device with id %u, but this one is %s (id %u)",
                                device_id, t->dev->cls->name, t->dev->cls->device_id);
        return false;
    }
    if (num_queues != t->dev->num_queues) {
        vr_state_reader_invalid(r, "it holds %u queues, but %s has %u", num_queues, t->dev->name,
                                t->dev->num_queues);
        return false;
    }
    if (status & ~(DRIVER_STATUS_BITS | VR_VIRTIO_STATUS_DEVICE_NEEDS_RESET)) {
        vr_state_reader_invalid(r, "status 0x%x has bits no driver can set", status);
        return false;
    }
    if ((status & VR_VIRTIO_STATUS_DRIVER_OK) && !(status & VR_VIRTIO_STATUS_FEATURES_OK)) {
        vr_state_reader_invalid(r, "status 0x%x has DRIVER_OK without FEATURES_OK", status);
        return false;
    }
    if (status & VR_VIRTIO_STATUS_FEATURES_OK) {
        if (negotiated != t->driver_features || !features_acceptable(t)) {
            vr_state_reader_invalid(
                r, "features 0x%" G_GINT64_MODIFIER "x were not acceptable to the device",
                negotiated);
            return false;
        }
    } else if (negotiated != 0) {
        vr_state_reader_invalid(r, "features were negotiated without FEATURES_OK");
        return false;
    }
    if (interrupt_status & ~(uint32_t) (VR_VIRTIO_MMIO_INT_VRING | VR_VIRTIO_MMIO_INT_CONFIG) ||
        irq_level != (interrupt_status != 0)) {
        vr_state_reader_invalid(r, "interrupt status 0x%x with the line %s", interrupt_status,
                                irq_level ? "high" : "low");
        return false;
    }
    t->status = status;
    t->dev->negotiated = negotiated;
    t->interrupt_status = interrupt_status;
    for (unsigned i = 0; i < num_queues; i++) {
        if (!load_queue_locked(t, &t->queues[i], r))
            return false;
    }
    bool has_device_state = vr_state_get_bool(r);
    if (vr_state_reader_failed(r))
        return false;
    if (has_device_state != (t->dev->cls->load != NULL)) {
        vr_state_reader_invalid(r, "device state %s, but %s keeps %s",
                                has_device_state ? "present" : "absent", t->dev->name,
                                t->dev->cls->load ? "some" : "none");
        return false;
    }
    if (has_device_state && !t->dev->cls->load(t->dev, r))
        return false;
    return !vr_state_reader_failed(r);
}

/* The transport comes out of a load quiesced, as it was saved: unquiesce (once guest RAM is
 * back too) raises the interrupt line again and looks at the queues. */
static bool mmio_device_load(VrDevice *base, VrStateReader *r)
{
    VrVirtioMmio *t = (VrVirtioMmio *) base;
    if (!t->quiesced)
        mmio_device_quiesce(base);
    lock_both(t);
    reset_locked(t);
    bool ok = load_locked(t, r);
    if (!ok) {
        /* Leave no half-loaded device behind. */
        reset_locked(t);
        t->config_generation = 0;
    }
    /* The line goes up at unquiesce. */
    t->irq_level = false;
    unlock_both(t);
    return ok;
}

static const VrDeviceOps mmio_device_ops = {
    .reset = mmio_device_reset,
    .quiesce = mmio_device_quiesce,
    .unquiesce = mmio_device_unquiesce,
    .save = mmio_device_save,
    .load = mmio_device_load,
    .free = mmio_device_free,
};

VrDevice *vr_virtio_mmio_base(VrVirtioMmio *t)
{
    return &t->base;
}

VrVirtioMmio *vr_virtio_mmio_new(VrAddressSpace *as, VrVirtioDevice *dev, const VrIrq *irq,
                                 VrIoThread *io)
{
    g_return_val_if_fail(dev->num_queues >= 1 && dev->num_queues <= VR_VIRTIO_MAX_QUEUES, NULL);
    g_return_val_if_fail(dev->queue_max_size >= 1 && dev->queue_max_size <= VR_VIRTQ_MAX_SIZE &&
                             (dev->queue_max_size & (dev->queue_max_size - 1)) == 0,
                         NULL);
    g_return_val_if_fail(dev->config_size <= VR_VIRTIO_MMIO_SIZE - VR_VIRTIO_MMIO_CONFIG, NULL);

    VrVirtioMmio *t = g_new0(VrVirtioMmio, 1);
    t->base.ops = &mmio_device_ops;
    t->as = as;
    t->dev = dev;
    if (irq)
        t->irq = *irq;
    t->offered = dev->features | TRANSPORT_FEATURES;
    g_mutex_init(&t->queue_lock);
    g_mutex_init(&t->lock);
    for (unsigned i = 0; i < VR_VIRTIO_MAX_QUEUES; i++) {
        VrVirtqueue *vq = &t->queues[i].vq;
        vq->as = as;
        vq->index = i;
        vq->notify = vq_notify;
        vq->error = vq_error;
        vq->opaque = t;
        vq->stop = &t->stop;
    }
    if (!dev->name)
        dev->name = g_strdup(dev->cls->name);
    if (io)
        t->notifier = vr_io_notifier_new(io, notifier_fired, t);
    dev->transport_opaque = t;
    g_atomic_pointer_set(&dev->transport, &transport_hooks);
    return t;
}

void vr_virtio_mmio_free(VrVirtioMmio *t)
{
    if (!t)
        return;
    /* The device first: its workers may still kick through the notifier until joined. */
    g_atomic_pointer_set(&t->dev->transport, NULL);
    vr_virtio_device_free(t->dev);
    vr_io_notifier_free(t->notifier);
    g_mutex_clear(&t->queue_lock);
    g_mutex_clear(&t->lock);
    g_free(t);
}

VrVirtioDevice *vr_virtio_mmio_device(VrVirtioMmio *t)
{
    return t->dev;
}
