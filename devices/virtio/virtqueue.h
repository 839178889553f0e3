/* The split virtqueue (VIRTIO 1.2, 2.7), as a device sees it.
 *
 * Everything in the rings comes from the guest and is checked before use: an index out of
 * range, a chain that loops or is longer than the queue, a buffer or table outside RAM or
 * wrapping around the address space, lengths adding up past 4 GiB, a device-readable
 * buffer after a device-writable one, an indirect table inside an indirect table, or a
 * ring outside RAM puts the queue in a broken state and calls the error callback once (the
 * transport then sets DEVICE_NEEDS_RESET). A broken queue pops nothing until it is stopped.
 *
 * Descriptors are copied out of guest memory once and validated as copied, so a guest
 * changing them behind the device's back cannot make it use unchecked values. Buffers are
 * handed out as iovecs pointing straight into guest RAM: no copy, no allocation.
 *
 * Threads: a queue is used by one thread at a time (the transport's queue lock); the guest
 * side is synchronized with acquire/release accesses to the ring indexes and full fences
 * around the notification-suppression fields, as 2.7.7 and 2.7.10 ask.
 */
#ifndef VR_VIRTQUEUE_H
#define VR_VIRTQUEUE_H

#include <glib.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/uio.h>

#include "vr-memory.h"

/* Largest queue size a transport accepts; also the most buffers in one chain. */
#define VR_VIRTQ_MAX_SIZE 1024

/* Descriptor flags. */
#define VR_VIRTQ_DESC_F_NEXT     1
#define VR_VIRTQ_DESC_F_WRITE    2
#define VR_VIRTQ_DESC_F_INDIRECT 4
/* Ring flags. */
#define VR_VIRTQ_AVAIL_F_NO_INTERRUPT 1
#define VR_VIRTQ_USED_F_NO_NOTIFY     1

typedef struct VrVirtqueue VrVirtqueue;

/* One descriptor chain: the device-readable buffers first (iov[0 .. out_num)), then the
 * device-writable ones (iov[out_num .. out_num + in_num)). Empty buffers are left out. */
typedef struct VrVirtqElement {
    uint16_t head;    /* the chain's id in the used ring */
    unsigned out_num; /* device-readable iovecs */
    unsigned in_num;  /* device-writable iovecs */
    uint32_t out_len; /* bytes the device may read */
    uint32_t in_len;  /* bytes the device may write */
    struct iovec iov[VR_VIRTQ_MAX_SIZE];
} VrVirtqElement;

static inline struct iovec *vr_virtq_element_in(VrVirtqElement *e)
{
    return e->iov + e->out_num;
}

struct VrVirtqueue {
    /* Configuration, written by the transport while the queue is stopped. */
    VrAddressSpace *as;
    unsigned index;
    uint16_t size;        /* a power of two, 1 .. VR_VIRTQ_MAX_SIZE */
    uint64_t desc_addr;   /* descriptor area */
    uint64_t driver_addr; /* available ring */
    uint64_t device_addr; /* used ring */
    bool indirect_desc;   /* VIRTIO_F_INDIRECT_DESC negotiated */
    bool event_idx;       /* VIRTIO_F_EVENT_IDX negotiated */
    /* A used buffer notification is due (raise the interrupt). */
    void (*notify)(void *opaque, VrVirtqueue *vq);
    /* The driver broke the rules; message says how. Called once until the queue stops. */
    void (*error)(void *opaque, VrVirtqueue *vq, const char *message);
    void *opaque;
    /* Optional: while *stop is nonzero, pop returns nothing (the transport wants the
     * queue lock soon, for a reset). */
    const int *stop;

    /* State while started; owned by whoever holds the queue lock. */
    bool started;
    bool broken;
    uint8_t *desc; /* host addresses of the three areas, checked at start */
    uint8_t *avail;
    uint8_t *used;
    uint16_t last_avail_idx;   /* next available ring entry to pop */
    uint16_t shadow_avail_idx; /* the driver's avail idx when last read */
    uint16_t used_idx;         /* next used ring entry to write */
    uint16_t signalled_used;   /* used idx when the last notification decision was made */
    bool signalled_used_valid;
    bool pushed; /* pushed since the last notification decision */
};

/* Checks the size and the three areas (in RAM, aligned as 2.7 asks) and starts the queue
 * at index 0. On a bad configuration returns false with error set (the error callback is
 * not called) and the queue stays broken. */
bool vr_virtqueue_start(VrVirtqueue *vq, GError **error);
/* Forgets the rings; the configuration stays. */
void vr_virtqueue_stop(VrVirtqueue *vq);

/* Takes the next available chain into elem. false when there is none, the queue is
 * broken or stopping, or the chain is malformed (then the queue breaks). */
bool vr_virtqueue_pop(VrVirtqueue *vq, VrVirtqElement *elem);
/* Returns a chain to the driver, saying it wrote written bytes (clamped to in_len). */
void vr_virtqueue_push(VrVirtqueue *vq, const VrVirtqElement *elem, uint32_t written);
/* Returns n chains at once: the driver sees all of them or none (a packet spread over
 * several buffers). */
void vr_virtqueue_push_many(VrVirtqueue *vq, VrVirtqElement *const *elems, const uint32_t *written,
                            unsigned n);
/* Gives back the last n chains popped and not pushed; the next pops take them again. */
void vr_virtqueue_unpop(VrVirtqueue *vq, unsigned n);
/* After one or more pushes: sends a used buffer notification unless the driver suppressed
 * it (VIRTQ_AVAIL_F_NO_INTERRUPT, or used_event with VIRTIO_F_EVENT_IDX). */
void vr_virtqueue_notify(VrVirtqueue *vq);

/* Available buffer notification suppression: a device that drains a queue in a loop asks
 * not to be kicked meanwhile, then asks again and looks once more:
 *     do {
 *         vr_virtqueue_disable_notify(vq);
 *         while (vr_virtqueue_pop(vq, e)) { ...; vr_virtqueue_push(vq, e, n); }
 *         vr_virtqueue_notify(vq);
 *     } while (vr_virtqueue_enable_notify(vq));
 * enable_notify returns true when the driver added buffers the device has not seen yet
 * (closing the race with a kick the driver skipped). */
void vr_virtqueue_disable_notify(VrVirtqueue *vq);
bool vr_virtqueue_enable_notify(VrVirtqueue *vq);

#endif
