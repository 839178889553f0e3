/* virtio-rng on getrandom(). */
#define G_LOG_DOMAIN "vireo-virtio"

#include "virtio-rng.h"

#include <errno.h>
#include <sys/random.h>

#include "virtqueue.h"

#define BATCH 256

typedef struct {
    VrVirtioDevice dev;
    VrRateLimit log;
    VrVirtqElement *elem; /* queue_notify only */
} VrVirtioRng;

/* Fills up to VR_VIRTIO_RNG_MAX_FILL bytes of the element's writable buffers. */
static uint32_t fill(VrVirtioRng *r, VrVirtqElement *e)
{
    const struct iovec *in = vr_virtq_element_in(e);
    size_t total = 0;
    for (unsigned i = 0; i < e->in_num && total < VR_VIRTIO_RNG_MAX_FILL; i++) {
        size_t want = MIN(in[i].iov_len, VR_VIRTIO_RNG_MAX_FILL - total);
        size_t got = 0;
        while (got < want) {
            ssize_t n = getrandom((uint8_t *) in[i].iov_base + got, want - got, 0);
            if (n < 0 && errno == EINTR)
                continue;
            if (n <= 0) {
                vr_virtio_log_guest_error(&r->log, r->dev.name, "getrandom failed: %s",
                                          g_strerror(errno));
                return (uint32_t) (total + got);
            }
            got += (size_t) n;
        }
        total += got;
    }
    return (uint32_t) total;
}

static void rng_queue_notify(VrVirtioDevice *dev, unsigned index, VrVirtqueue *vq)
{
    VrVirtioRng *r = (VrVirtioRng *) dev;
    unsigned budget = BATCH;
    do {
        vr_virtqueue_disable_notify(vq);
        while (vr_virtqueue_pop(vq, r->elem)) {
            vr_virtqueue_push(vq, r->elem, fill(r, r->elem));
            if (--budget == 0) {
                vr_virtqueue_notify(vq);
                vr_virtio_device_kick(dev, index);
                return;
            }
        }
        vr_virtqueue_notify(vq);
    } while (vr_virtqueue_enable_notify(vq));
}

static void rng_config_read(VrVirtioDevice *dev, uint32_t offset, uint8_t *buf, unsigned len)
{
    /* No configuration space (config_size 0): never called. */
}

static void rng_free(VrVirtioDevice *dev)
{
    VrVirtioRng *r = (VrVirtioRng *) dev;
    g_free(r->elem);
    g_free(r);
}

/* Payload: u32 version (1); the device keeps nothing else. */
#define RNG_STATE_VERSION 1

static void rng_save(VrVirtioDevice *dev, VrStateWriter *w)
{
    vr_state_put_u32(w, RNG_STATE_VERSION);
}

static bool rng_load(VrVirtioDevice *dev, VrStateReader *r)
{
    uint32_t version = vr_state_get_u32(r);
    if (!vr_state_reader_failed(r) && version != RNG_STATE_VERSION)
        vr_state_reader_invalid(r, "virtio-rng state version %u is not known (expected %u)",
                                version, RNG_STATE_VERSION);
    return !vr_state_reader_failed(r);
}

static const VrVirtioDeviceClass rng_class = {
    .name = "virtio-rng",
    .device_id = VR_VIRTIO_ID_ENTROPY,
    .config_read = rng_config_read,
    .queue_notify = rng_queue_notify,
    .save = rng_save,
    .load = rng_load,
    .free = rng_free,
};

VrVirtioDevice *vr_virtio_rng_new(void)
{
    VrVirtioRng *r = g_new0(VrVirtioRng, 1);
    r->dev.cls = &rng_class;
    r->dev.name = g_strdup("virtio-rng");
    r->dev.num_queues = 1;
    r->dev.queue_max_size = VR_VIRTIO_RNG_QUEUE_SIZE;
    r->elem = g_new0(VrVirtqElement, 1);
    return &r->dev;
}
