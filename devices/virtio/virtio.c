/* Shared virtio helpers: the device's way to its transport, scatter-gather copies and the
 * rate-limited guest-error log. */
#define G_LOG_DOMAIN "vireo-virtio"

#include "virtio.h"

#include <string.h>

void vr_virtio_device_kick(VrVirtioDevice *dev, unsigned index)
{
    const VrVirtioTransportHooks *hooks = g_atomic_pointer_get(&dev->transport);
    if (hooks)
        hooks->kick(dev->transport_opaque, index);
}

void vr_virtio_device_config_update(VrVirtioDevice *dev,
                                    void (*update)(VrVirtioDevice *dev, void *data), void *data)
{
    const VrVirtioTransportHooks *hooks = g_atomic_pointer_get(&dev->transport);
    if (hooks)
        hooks->config_update(dev->transport_opaque, update, data);
    else
        update(dev, data);
}

bool vr_virtio_device_driver_ok(VrVirtioDevice *dev)
{
    const VrVirtioTransportHooks *hooks = g_atomic_pointer_get(&dev->transport);
    return hooks && hooks->driver_ok(dev->transport_opaque);
}

void vr_virtio_device_free(VrVirtioDevice *dev)
{
    if (!dev)
        return;
    char *name = dev->name;
    dev->cls->free(dev);
    g_free(name);
}

size_t vr_iov_to_buf(const struct iovec *iov, unsigned n, size_t offset, void *buf, size_t len)
{
    size_t done = 0;
    for (unsigned i = 0; i < n && done < len; i++) {
        if (offset >= iov[i].iov_len) {
            offset -= iov[i].iov_len;
            continue;
        }
        size_t chunk = MIN(iov[i].iov_len - offset, len - done);
        memcpy((uint8_t *) buf + done, (const uint8_t *) iov[i].iov_base + offset, chunk);
        done += chunk;
        offset = 0;
    }
    return done;
}

size_t vr_iov_from_buf(const struct iovec *iov, unsigned n, size_t offset, const void *buf,
                       size_t len)
{
    size_t done = 0;
    for (unsigned i = 0; i < n && done < len; i++) {
        if (offset >= iov[i].iov_len) {
            offset -= iov[i].iov_len;
            continue;
        }
        size_t chunk = MIN(iov[i].iov_len - offset, len - done);
        memcpy((uint8_t *) iov[i].iov_base + offset, (const uint8_t *) buf + done, chunk);
        done += chunk;
        offset = 0;
    }
    return done;
}

unsigned vr_iov_slice(const struct iovec *iov, unsigned n, size_t offset, size_t len,
                      struct iovec *dst, unsigned dst_cap)
{
    unsigned out = 0;
    for (unsigned i = 0; i < n && len > 0; i++) {
        if (offset >= iov[i].iov_len) {
            offset -= iov[i].iov_len;
            continue;
        }
        if (out == dst_cap)
            return 0;
        size_t chunk = MIN(iov[i].iov_len - offset, len);
        dst[out].iov_base = (uint8_t *) iov[i].iov_base + offset;
        dst[out].iov_len = chunk;
        out++;
        len -= chunk;
        offset = 0;
    }
    return len == 0 ? out : 0;
}

/* ---- Rate-limited log ---- */

/* A bucket of LOG_BURST lines that gets one line back each LOG_INTERVAL_US: a burst of ten,
 * then one a second for as long as the flood lasts. */
#define LOG_BURST       10
#define LOG_INTERVAL_US G_USEC_PER_SEC

static GMutex log_lock;
static guint64 log_logged, log_suppressed;

void vr_virtio_log_guest_error(VrRateLimit *rl, const char *who, const char *fmt, ...)
{
    gint64 now = g_get_monotonic_time();
    unsigned left_out = 0;
    bool print;

    g_mutex_lock(&log_lock);
    gint64 back = (now - rl->refilled_us) / LOG_INTERVAL_US;
    if (back > 0) {
        rl->spent = (gint64) rl->spent > back ? rl->spent - (unsigned) back : 0;
        /* The part of an interval already waited still counts towards the next line. */
        rl->refilled_us = rl->spent ? rl->refilled_us + back * LOG_INTERVAL_US : now;
    }
    print = rl->spent < LOG_BURST;
    if (print) {
        rl->spent++;
        left_out = rl->suppressed;
        rl->suppressed = 0;
        log_logged++;
    } else {
        rl->suppressed++;
        log_suppressed++;
    }
    g_mutex_unlock(&log_lock);

    if (!print)
        return;
    va_list ap;
    va_start(ap, fmt);
    g_autofree char *msg = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    if (left_out)
        g_message("%s: %s (and %u similar messages left out)", who, msg, left_out);
    else
        g_message("%s: %s", who, msg);
}

void vr_virtio_log_counts(guint64 *logged, guint64 *suppressed)
{
    g_mutex_lock(&log_lock);
    *logged = log_logged;
    *suppressed = log_suppressed;
    g_mutex_unlock(&log_lock);
}
