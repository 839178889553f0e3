/* The split virtqueue, device side. */
#define G_LOG_DOMAIN "vireo-virtio"

#include "virtqueue.h"

#include <gio/gio.h>
#include <stdarg.h>
#include <string.h>

/* Ring layouts (2.7.5, 2.7.6, 2.7.8): offsets in bytes. */
#define DESC_SIZE       16
#define AVAIL_FLAGS     0
#define AVAIL_IDX       2
#define AVAIL_RING      4
#define USED_FLAGS      0
#define USED_IDX        2
#define USED_RING       4
#define USED_ELEM_SIZE  8
#define MAX_CHAIN_BYTES UINT32_MAX /* 2.7.5: a chain is at most 2^32 bytes */

typedef struct {
    uint64_t addr;
    uint32_t len;
    uint16_t flags;
    uint16_t next;
} Desc;

/* Guest memory is shared with harts running concurrently: the ring indexes are read and
 * written with atomics of their natural size (the areas are aligned at start). */
static inline uint16_t load16(const uint8_t *p)
{
    return GUINT16_FROM_LE(__atomic_load_n((const uint16_t *) p, __ATOMIC_RELAXED));
}

static inline uint16_t load16_acquire(const uint8_t *p)
{
    return GUINT16_FROM_LE(__atomic_load_n((const uint16_t *) p, __ATOMIC_ACQUIRE));
}

static inline void store16(uint8_t *p, uint16_t v)
{
    __atomic_store_n((uint16_t *) p, GUINT16_TO_LE(v), __ATOMIC_RELAXED);
}

static inline void store16_release(uint8_t *p, uint16_t v)
{
    __atomic_store_n((uint16_t *) p, GUINT16_TO_LE(v), __ATOMIC_RELEASE);
}

static inline void store32(uint8_t *p, uint32_t v)
{
    __atomic_store_n((uint32_t *) p, GUINT32_TO_LE(v), __ATOMIC_RELAXED);
}

/* One copy of a descriptor out of guest memory; everything after looks at the copy. */
static inline void read_desc(const uint8_t *table, unsigned i, Desc *d)
{
    uint8_t raw[DESC_SIZE];
    memcpy(raw, table + (size_t) i * DESC_SIZE, DESC_SIZE);
    uint64_t addr;
    uint32_t len;
    uint16_t flags, next;
    memcpy(&addr, raw, 8);
    memcpy(&len, raw + 8, 4);
    memcpy(&flags, raw + 12, 2);
    memcpy(&next, raw + 14, 2);
    d->addr = GUINT64_FROM_LE(addr);
    d->len = GUINT32_FROM_LE(len);
    d->flags = GUINT16_FROM_LE(flags);
    d->next = GUINT16_FROM_LE(next);
}

static bool fail(VrVirtqueue *vq, const char *fmt, ...) G_GNUC_PRINTF(2, 3);

static bool fail(VrVirtqueue *vq, const char *fmt, ...)
{
    if (vq->broken)
        return false;
    vq->broken = true;
    va_list ap;
    va_start(ap, fmt);
    g_autofree char *msg = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    if (vq->error)
        vq->error(vq->opaque, vq, msg);
    return false;
}

static inline bool stopping(const VrVirtqueue *vq)
{
    return vq->stop && __atomic_load_n(vq->stop, __ATOMIC_RELAXED) != 0;
}

/* Its messages describe a guest driver's mistake and end up in the log (the transport's
 * rate-limited guest error), never before the user: they stay English (see vr-i18n.h). */
bool vr_virtqueue_start(VrVirtqueue *vq, GError **error)
{
    vr_virtqueue_stop(vq);
    vq->broken = true;
    unsigned n = vq->size;
    if (n == 0 || n > VR_VIRTQ_MAX_SIZE || (n & (n - 1)) != 0) {
        g_set_error(error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                    "queue %u: size %u is not a power of two from 1 to %u", vq->index, n,
                    VR_VIRTQ_MAX_SIZE);
        return false;
    }
    const struct {
        const char *what;
        uint64_t addr;
        uint64_t len;
        unsigned align;
        uint8_t **host;
    } areas[] = {
        {"descriptor area", vq->desc_addr, (uint64_t) DESC_SIZE * n, 16, &vq->desc},
        {"driver area (available ring)", vq->driver_addr, 6 + 2 * (uint64_t) n, 2, &vq->avail},
        {"device area (used ring)", vq->device_addr, 6 + 8 * (uint64_t) n, 4, &vq->used},
    };
    for (unsigned i = 0; i < G_N_ELEMENTS(areas); i++) {
        if (areas[i].addr & (areas[i].align - 1)) {
            g_set_error(error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                        "queue %u: %s at 0x%" G_GINT64_MODIFIER "x is not aligned to %u bytes",
                        vq->index, areas[i].what, areas[i].addr, areas[i].align);
            return false;
        }
        uint8_t *host = vr_address_space_ram_ptr(vq->as, areas[i].addr, areas[i].len);
        if (!host) {
            g_set_error(error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                        "queue %u: %s at 0x%" G_GINT64_MODIFIER "x (%" G_GUINT64_FORMAT
                        " bytes) is not in guest RAM",
                        vq->index, areas[i].what, areas[i].addr, areas[i].len);
            return false;
        }
        *areas[i].host = host;
    }
    vq->broken = false;
    vq->started = true;
    return true;
}

void vr_virtqueue_stop(VrVirtqueue *vq)
{
    vq->started = false;
    vq->broken = false;
    vq->desc = vq->avail = vq->used = NULL;
    vq->last_avail_idx = 0;
    vq->shadow_avail_idx = 0;
    vq->used_idx = 0;
    vq->signalled_used = 0;
    vq->signalled_used_valid = false;
    vq->pushed = false;
}

/* Reads the driver's avail idx; a jump of more than the queue size is a broken driver. */
static bool read_avail_idx(VrVirtqueue *vq)
{
    uint16_t idx = load16_acquire(vq->avail + AVAIL_IDX);
    if ((uint16_t) (idx - vq->last_avail_idx) > vq->size)
        return fail(vq,
                    "available ring index moved from %u to %u, more entries than the queue "
                    "size %u",
                    vq->last_avail_idx, idx, vq->size);
    vq->shadow_avail_idx = idx;
    return true;
}

/* Walks the chain starting at descriptor head into e. */
static bool read_chain(VrVirtqueue *vq, uint16_t head, VrVirtqElement *e)
{
    const uint8_t *table = vq->desc;
    unsigned table_len = vq->size;
    bool indirect = false;
    bool seen_writable = false;
    unsigned count = 0; /* buffer descriptors: at most the queue size (2.7.5.3.1) */
    uint64_t out_len = 0, in_len = 0;
    unsigned i = head;

    e->head = head;
    e->out_num = 0;
    e->in_num = 0;
    for (;;) {
        if (i >= table_len)
            return fail(vq, "chain at %u: descriptor index %u is beyond the %s of %u entries", head,
                        i, indirect ? "indirect table" : "descriptor table", table_len);
        Desc d;
        read_desc(table, i, &d);

        if (d.flags & VR_VIRTQ_DESC_F_INDIRECT) {
            if (indirect)
                return fail(vq, "chain at %u: indirect descriptor inside an indirect table", head);
            if (!vq->indirect_desc)
                return fail(vq,
                            "chain at %u: indirect descriptor, but VIRTIO_F_INDIRECT_DESC "
                            "was not negotiated",
                            head);
            if (d.flags & VR_VIRTQ_DESC_F_NEXT)
                return fail(vq, "chain at %u: indirect descriptor %u also has NEXT set", head, i);
            if (d.len == 0 || d.len % DESC_SIZE != 0)
                return fail(vq,
                            "chain at %u: indirect table length %u is not a non-zero multiple "
                            "of %u",
                            head, d.len, DESC_SIZE);
            const uint8_t *t = vr_address_space_ram_ptr(vq->as, d.addr, d.len);
            if (!t)
                return fail(vq,
                            "chain at %u: indirect table at 0x%" G_GINT64_MODIFIER
                            "x (%u bytes) is not in guest RAM",
                            head, d.addr, d.len);
            table = t;
            table_len = d.len / DESC_SIZE;
            indirect = true;
            i = 0;
            continue;
        }

        if (++count > vq->size)
            return fail(vq, "chain at %u is longer than the queue size %u (the descriptors loop?)",
                        head, vq->size);
        if (d.flags & VR_VIRTQ_DESC_F_WRITE) {
            seen_writable = true;
        } else if (seen_writable) {
            return fail(vq,
                        "chain at %u: device-readable descriptor %u after a device-writable one",
                        head, i);
        }
        if (d.len) {
            if (d.addr + d.len - 1 < d.addr)
                return fail(vq,
                            "chain at %u: buffer at 0x%" G_GINT64_MODIFIER
                            "x (%u bytes) wraps around the address space",
                            head, d.addr, d.len);
            uint8_t *p = vr_address_space_ram_ptr(vq->as, d.addr, d.len);
            if (!p)
                return fail(vq,
                            "chain at %u: buffer at 0x%" G_GINT64_MODIFIER
                            "x (%u bytes) is not in guest RAM",
                            head, d.addr, d.len);
            if (d.flags & VR_VIRTQ_DESC_F_WRITE)
                in_len += d.len;
            else
                out_len += d.len;
            if (in_len + out_len > MAX_CHAIN_BYTES)
                return fail(vq, "chain at %u holds more than 4 GiB", head);
            /* count <= size <= VR_VIRTQ_MAX_SIZE bounds the array index. */
            struct iovec *v = &e->iov[e->out_num + e->in_num];
            v->iov_base = p;
            v->iov_len = d.len;
            if (d.flags & VR_VIRTQ_DESC_F_WRITE)
                e->in_num++;
            else
                e->out_num++;
        }
        if (!(d.flags & VR_VIRTQ_DESC_F_NEXT))
            break;
        i = d.next;
    }
    e->out_len = (uint32_t) out_len;
    e->in_len = (uint32_t) in_len;
    return true;
}

bool vr_virtqueue_pop(VrVirtqueue *vq, VrVirtqElement *e)
{
    if (!vq->started || vq->broken || stopping(vq))
        return false;
    if (vq->last_avail_idx == vq->shadow_avail_idx) {
        if (!read_avail_idx(vq))
            return false;
        if (vq->last_avail_idx == vq->shadow_avail_idx)
            return false;
    }
    unsigned slot = vq->last_avail_idx & (vq->size - 1);
    uint16_t head = load16(vq->avail + AVAIL_RING + 2 * slot);
    vq->last_avail_idx++;
    if (head >= vq->size)
        return fail(vq, "available ring entry %u names descriptor %u, beyond the queue size %u",
                    slot, head, vq->size);
    return read_chain(vq, head, e);
}

void vr_virtqueue_push(VrVirtqueue *vq, const VrVirtqElement *e, uint32_t written)
{
    if (!vq->started || vq->broken)
        return;
    if (written > e->in_len)
        written = e->in_len;
    uint8_t *elem = vq->used + USED_RING + USED_ELEM_SIZE * (vq->used_idx & (vq->size - 1));
    store32(elem, e->head);
    store32(elem + 4, written);
    vq->used_idx++;
    /* The element is visible before the index that publishes it (2.7.8.2). */
    store16_release(vq->used + USED_IDX, vq->used_idx);
    vq->pushed = true;
}

void vr_virtqueue_push_many(VrVirtqueue *vq, VrVirtqElement *const *elems, const uint32_t *written,
                            unsigned n)
{
    if (!vq->started || vq->broken || n == 0)
        return;
    for (unsigned i = 0; i < n; i++) {
        uint32_t len = MIN(written[i], elems[i]->in_len);
        uint8_t *elem = vq->used + USED_RING +
                        USED_ELEM_SIZE * ((uint16_t) (vq->used_idx + i) & (vq->size - 1));
        store32(elem, elems[i]->head);
        store32(elem + 4, len);
    }
    vq->used_idx = (uint16_t) (vq->used_idx + n);
    store16_release(vq->used + USED_IDX, vq->used_idx);
    vq->pushed = true;
}

void vr_virtqueue_unpop(VrVirtqueue *vq, unsigned n)
{
    vq->last_avail_idx = (uint16_t) (vq->last_avail_idx - n);
}

void vr_virtqueue_notify(VrVirtqueue *vq)
{
    if (!vq->started || vq->broken || !vq->pushed)
        return;
    vq->pushed = false;
    /* The used idx store must be visible before the driver's suppression fields are read,
     * or a driver re-enabling interrupts could miss this update. */
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    bool need;
    if (vq->event_idx) {
        uint16_t old = vq->signalled_used, now = vq->used_idx;
        bool valid = vq->signalled_used_valid;
        vq->signalled_used = now;
        vq->signalled_used_valid = true;
        uint16_t used_event = load16(vq->avail + AVAIL_RING + 2 * vq->size);
        /* Notify when an entry written since the last decision sat at used_event. */
        need = !valid || (uint16_t) (now - used_event - 1) < (uint16_t) (now - old);
    } else {
        need = !(load16(vq->avail + AVAIL_FLAGS) & VR_VIRTQ_AVAIL_F_NO_INTERRUPT);
    }
    if (need && vq->notify)
        vq->notify(vq->opaque, vq);
}

void vr_virtqueue_disable_notify(VrVirtqueue *vq)
{
    if (!vq->started || vq->broken)
        return;
    /* With EVENT_IDX an avail_event left behind already keeps the driver quiet. */
    if (!vq->event_idx)
        store16(vq->used + USED_FLAGS, VR_VIRTQ_USED_F_NO_NOTIFY);
}

bool vr_virtqueue_enable_notify(VrVirtqueue *vq)
{
    if (!vq->started || vq->broken)
        return false;
    if (vq->event_idx)
        store16(vq->used + USED_RING + USED_ELEM_SIZE * vq->size, vq->shadow_avail_idx);
    else
        store16(vq->used + USED_FLAGS, 0);
    /* Publish the request for notifications before looking for buffers added meanwhile. */
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    if (stopping(vq))
        return false;
    uint16_t seen = vq->shadow_avail_idx;
    if (!read_avail_idx(vq))
        return false;
    return vq->shadow_avail_idx != seen;
}
