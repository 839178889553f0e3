/* What every virtio device shares: feature and status bits, the interface between a device
 * model (blk, console, rng) and its transport (virtio-mmio), scatter-gather helpers, and
 * the rate-limited log line a misbehaving guest earns.
 *
 * Written from the VIRTIO 1.2 specification. Only modern (VIRTIO_F_VERSION_1) devices with
 * split virtqueues are modelled.
 *
 * Threads (see virtio-mmio.h for the whole model): a device's queue_notify and reset
 * callbacks run with the transport's queue lock held, so they never run concurrently with
 * each other; config_read runs on a hart thread with the transport's register lock held
 * (so it never sees half of a vr_virtio_device_config_update), config_write on a hart
 * thread with no transport lock; both may run concurrently with queue_notify.
 */
#ifndef VR_VIRTIO_H
#define VR_VIRTIO_H

#include <glib.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/uio.h>

#include "vr-state.h"

/* Device status bits (2.1). */
#define VR_VIRTIO_STATUS_ACKNOWLEDGE        0x01
#define VR_VIRTIO_STATUS_DRIVER             0x02
#define VR_VIRTIO_STATUS_DRIVER_OK          0x04
#define VR_VIRTIO_STATUS_FEATURES_OK        0x08
#define VR_VIRTIO_STATUS_DEVICE_NEEDS_RESET 0x40
#define VR_VIRTIO_STATUS_FAILED             0x80

/* Reserved (device-independent) feature bits (6). */
#define VR_VIRTIO_F_INDIRECT_DESC 28
#define VR_VIRTIO_F_EVENT_IDX     29
#define VR_VIRTIO_F_VERSION_1     32

#define VR_VIRTIO_BIT(n) (UINT64_C(1) << (n))

/* Device IDs (5). */
#define VR_VIRTIO_ID_BLOCK   2
#define VR_VIRTIO_ID_CONSOLE 3
#define VR_VIRTIO_ID_ENTROPY 4
#define VR_VIRTIO_ID_INPUT   18

/* The most queues a device may have. */
#define VR_VIRTIO_MAX_QUEUES 8

typedef struct VrVirtioDevice VrVirtioDevice;
typedef struct VrVirtqueue VrVirtqueue;

/* What a device model implements. All callbacks receive the device. */
typedef struct VrVirtioDeviceClass {
    const char *name; /* "virtio-blk", used in log lines */
    uint32_t device_id;
    /* Reads len (1..8) bytes of little-endian configuration space at offset; the transport
     * has checked that [offset, offset + len) lies within config_size. Hart thread, register
     * lock held. */
    void (*config_read)(VrVirtioDevice *dev, uint32_t offset, uint8_t *buf, unsigned len);
    /* Optional; as config_read, but with no transport lock held (a device may call out to
     * its backend from here). Writes to read-only fields are ignored by the device. */
    void (*config_write)(VrVirtioDevice *dev, uint32_t offset, const uint8_t *buf, unsigned len);
    /* Optional: device-specific checks of the feature set the driver accepted (already
     * known to be a subset of the offered set that includes VIRTIO_F_VERSION_1). Returning
     * false refuses FEATURES_OK. Hart thread. */
    bool (*validate_features)(VrVirtioDevice *dev, uint64_t features);
    /* The driver (or the host, through vr_virtio_device_kick) asked the device to look at
     * a queue. Runs on the I/O thread (or, without one, on the thread that kicked) with the
     * queue lock held, only while the device is DRIVER_OK, not in DEVICE_NEEDS_RESET, and
     * the queue is ready. Every element popped must be pushed (even with length 0): before
     * queue_notify returns, or, for a device with a drain callback, by a later queue_notify
     * of the same queue (the device kicks the queue when a request finishes). */
    void (*queue_notify)(VrVirtioDevice *dev, unsigned index, VrVirtqueue *vq);
    /* Optional: forget all driver-visible state (the driver wrote 0 to Status). Queue lock
     * held, so no queue_notify runs. A device with requests in flight waits for them (they
     * write into guest RAM) and drops them without returning them. */
    void (*reset)(VrVirtioDevice *dev);
    /* Optional, for devices that finish requests after queue_notify returned (virtio-blk's
     * workers): waits until no request is in flight. Finished ones stay with the device
     * until its next queue_notify returns them. Queue lock held, nothing being popped. */
    void (*drain)(VrVirtioDevice *dev);
    /* Optional: the device's own state for a state file (the transport writes its registers
     * and queues). Called quiesced: drained, and no queue_notify running. The payload starts
     * with a format version. */
    void (*save)(VrVirtioDevice *dev, VrStateWriter *w);
    /* Reads what save wrote, into a device just built from the same configuration; refuses a
     * bad value with vr_state_reader_invalid and returns false. Required when save is set. */
    bool (*load)(VrVirtioDevice *dev, VrStateReader *r);
    /* Frees the device and its backend. */
    void (*free)(VrVirtioDevice *dev);
} VrVirtioDeviceClass;

/* How a device reaches its transport; set by the transport when the device is attached. */
typedef struct VrVirtioTransportHooks {
    void (*kick)(void *opaque, unsigned index);
    void (*config_update)(void *opaque, void (*update)(VrVirtioDevice *dev, void *data),
                          void *data);
    /* Whether the driver set DRIVER_OK (and the device does not need a reset). */
    bool (*driver_ok)(void *opaque);
} VrVirtioTransportHooks;

/* The base of every device model: embed it first in the device's own struct. */
struct VrVirtioDevice {
    const VrVirtioDeviceClass *cls;
    char *name; /* for log lines, e.g. "virtio-blk disk.img"; freed by vr_virtio_device_free */
    /* Fixed at creation: device-specific feature bits offered (the transport adds
     * VERSION_1, INDIRECT_DESC and EVENT_IDX), queue count, largest queue size (a power of
     * two, at most VR_VIRTQ_MAX_SIZE), size of the configuration space (<= 0x100). */
    uint64_t features;
    unsigned num_queues;
    uint16_t queue_max_size;
    uint32_t config_size;
    /* Features the driver accepted; valid from FEATURES_OK until the next reset. Written by
     * the transport with both of its locks held, so readable from queue_notify. */
    uint64_t negotiated;
    /* Set by the transport. */
    const VrVirtioTransportHooks *transport;
    void *transport_opaque;
};

/* Asks the transport to run queue_notify for queue index on the I/O thread. Thread-safe and
 * cheap; harmless before the device is attached or while it is not DRIVER_OK (the queues
 * are looked at again when the driver sets DRIVER_OK). */
void vr_virtio_device_kick(VrVirtioDevice *dev, unsigned index);
/* Changes the configuration space as one step for the driver: calls update(dev, data) with
 * the transport's register lock held (so no config_read sees half of it), bumps
 * ConfigGeneration and, once DRIVER_OK, raises a configuration change interrupt.
 * Thread-safe; update may take the device's own locks (the ones config_read takes) but
 * nothing else. Without a transport it just calls update. */
void vr_virtio_device_config_update(VrVirtioDevice *dev,
                                    void (*update)(VrVirtioDevice *dev, void *data), void *data);
/* Whether a driver runs the device: DRIVER_OK is set and DEVICE_NEEDS_RESET is not. False
 * before the device is attached. Thread-safe (takes the transport's register lock, so not
 * from config_read or a config_update callback). */
bool vr_virtio_device_driver_ok(VrVirtioDevice *dev);
/* Whether the driver accepted feature bit (valid from FEATURES_OK). */
static inline bool vr_virtio_has_feature(const VrVirtioDevice *dev, unsigned bit)
{
    return (dev->negotiated & VR_VIRTIO_BIT(bit)) != 0;
}
void vr_virtio_device_free(VrVirtioDevice *dev);

/* ---- Scatter-gather helpers ---- */

/* Copies up to len bytes starting offset bytes into the iovecs to buf; returns the count. */
size_t vr_iov_to_buf(const struct iovec *iov, unsigned n, size_t offset, void *buf, size_t len);
/* Copies up to len bytes from buf into the iovecs starting offset bytes in; returns the
 * count. */
size_t vr_iov_from_buf(const struct iovec *iov, unsigned n, size_t offset, const void *buf,
                       size_t len);
/* Describes bytes [offset, offset + len) of the iovecs in dst (at most dst_cap entries);
 * returns the number of entries, or 0 if it does not fit. */
unsigned vr_iov_slice(const struct iovec *iov, unsigned n, size_t offset, size_t len,
                      struct iovec *dst, unsigned dst_cap);

/* ---- Rate-limited log lines about what a guest did wrong ---- */

/* A burst of lines, then at most one a second, with a count of what was left out. One per
 * device, zero-initialized. */
typedef struct VrRateLimit {
    gint64 refilled_us; /* when the allowance last grew */
    unsigned spent;     /* lines of the burst used and not yet given back */
    unsigned suppressed;
} VrRateLimit;

/* Logs "<who>: <message>" as a G_LOG_LEVEL_MESSAGE in the "vireo-virtio" domain, unless
 * the limit says to stay quiet. Thread-safe. */
void vr_virtio_log_guest_error(VrRateLimit *rl, const char *who, const char *fmt, ...)
    G_GNUC_PRINTF(3, 4);
/* Lines logged and left out by the rate limiter since the process started (for tests). */
void vr_virtio_log_counts(guint64 *logged, guint64 *suppressed);

#endif
