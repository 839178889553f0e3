/* virtio-net with one queue pair. */
#define G_LOG_DOMAIN "vireo-virtio"

#include "virtio-net.h"

#include <stdio.h>
#include <string.h>

#include "virtqueue.h"

#define RXQ   0
#define TXQ   1
#define BATCH 256

typedef struct {
    size_t len;
    unsigned flags;
    uint8_t data[];
} RxFrame;

typedef struct {
    VrVirtioDevice dev;
    /* Read-locked while used, write-locked to take it away (vr_virtio_net_close_backend). */
    GRWLock backend_lock;
    VrNetBackend *backend;
    uint8_t mac[6];
    uint16_t mtu;
    VrRateLimit log;

    GMutex lock; /* link, backlog, refused, stats */
    bool link_up;
    GQueue backlog; /* RxFrame *, oldest first */
    bool writing;   /* its head is off it while written to the guest, and still counts */
    bool refused;   /* the backend was told there is no room */
    VrVirtioNetStats stats;

    /* Used by queue_notify only (queue lock held). */
    VrVirtqElement *tx;
    uint8_t *frame;                              /* the frame being sent */
    VrVirtqElement *rx[VR_VIRTIO_NET_MAX_MERGE]; /* allocated when first needed */
} VrVirtioNet;

enum { PUT_DONE, PUT_DROPPED, PUT_NO_BUFFERS };

static void put16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t) v;
    p[1] = (uint8_t) (v >> 8);
}

static uint16_t get16(const uint8_t *p)
{
    return (uint16_t) (p[0] | (p[1] << 8));
}

static void count(VrVirtioNet *n, uint64_t *counter)
{
    g_mutex_lock(&n->lock);
    (*counter)++;
    g_mutex_unlock(&n->lock);
}

/* ---- Transmit ---- */

/* The Internet checksum of data[start..len), with whatever the field holds (the guest put
 * the pseudo-header's sum there), stored at start + offset. */
static void complete_checksum(uint8_t *data, size_t len, size_t start, size_t offset)
{
    uint32_t sum = 0;
    size_t i = start;
    for (; i + 1 < len; i += 2)
        sum += (uint32_t) (data[i] << 8 | data[i + 1]);
    if (i < len)
        sum += (uint32_t) data[i] << 8;
    while (sum >> 16)
        sum = (sum & 0xffff) + (sum >> 16);
    uint16_t csum = (uint16_t) ~sum;
    /* 0 means "no checksum" to UDP; 0xffff is the same value to TCP and UDP alike. */
    if (csum == 0)
        csum = 0xffff;
    data[start + offset] = (uint8_t) (csum >> 8);
    data[start + offset + 1] = (uint8_t) csum;
}

static void send_chain(VrVirtioNet *n, VrVirtqElement *e)
{
    const char *who = n->dev.name;
    if (e->out_len < VR_VIRTIO_NET_HDR_SIZE) {
        vr_virtio_log_guest_error(&n->log, who,
                                  "transmit chain of %u bytes, shorter than the %u-byte header",
                                  e->out_len, VR_VIRTIO_NET_HDR_SIZE);
        goto drop;
    }
    size_t len = e->out_len - VR_VIRTIO_NET_HDR_SIZE;
    if (len == 0) {
        vr_virtio_log_guest_error(&n->log, who, "transmit chain with a header and no frame");
        goto drop;
    }
    if (len > VR_NET_MAX_FRAME) {
        vr_virtio_log_guest_error(&n->log, who, "transmitted frame of %zu bytes, more than %u", len,
                                  VR_NET_MAX_FRAME);
        goto drop;
    }
    uint8_t hdr[VR_VIRTIO_NET_HDR_SIZE];
    vr_iov_to_buf(e->iov, e->out_num, 0, hdr, sizeof(hdr));
    if (hdr[1] != VR_VIRTIO_NET_HDR_GSO_NONE) {
        vr_virtio_log_guest_error(
            &n->log, who, "transmitted frame with gso_type %u, no segmentation offered", hdr[1]);
        goto drop;
    }
    vr_iov_to_buf(e->iov, e->out_num, VR_VIRTIO_NET_HDR_SIZE, n->frame, len);
    if (hdr[0] & VR_VIRTIO_NET_HDR_F_NEEDS_CSUM) {
        size_t start = get16(hdr + 6), offset = get16(hdr + 8);
        if (!vr_virtio_has_feature(&n->dev, VR_VIRTIO_NET_F_CSUM)) {
            vr_virtio_log_guest_error(&n->log, who,
                                      "NEEDS_CSUM without VIRTIO_NET_F_CSUM negotiated");
            goto drop;
        }
        if (start >= len || start + offset + 2 > len) {
            vr_virtio_log_guest_error(&n->log, who,
                                      "checksum at %zu + %zu lies outside the %zu-byte frame",
                                      start, offset, len);
            goto drop;
        }
        complete_checksum(n->frame, len, start, offset);
    }
    g_mutex_lock(&n->lock);
    bool up = n->link_up;
    if (up)
        n->stats.tx_frames++;
    else
        n->stats.tx_dropped++;
    g_mutex_unlock(&n->lock);
    if (up) {
        g_rw_lock_reader_lock(&n->backend_lock);
        if (n->backend)
            vr_net_backend_send(n->backend, n->frame, len);
        g_rw_lock_reader_unlock(&n->backend_lock);
    }
    return;
drop:
    count(n, &n->stats.tx_dropped);
}

static void transmit(VrVirtioNet *n, VrVirtqueue *vq)
{
    unsigned budget = BATCH;
    do {
        vr_virtqueue_disable_notify(vq);
        while (vr_virtqueue_pop(vq, n->tx)) {
            send_chain(n, n->tx);
            vr_virtqueue_push(vq, n->tx, 0);
            if (--budget == 0) {
                /* A storm of chains: let the other devices have a turn. */
                vr_virtqueue_notify(vq);
                vr_virtio_device_kick(&n->dev, TXQ);
                return;
            }
        }
        vr_virtqueue_notify(vq);
    } while (vr_virtqueue_enable_notify(vq));
}

/* ---- Receive ---- */

/* Tells the backend the device has room again. Never waits: a backend being closed may be
 * joining the very thread that got here by delivering a frame. */
static void tell_ready(VrVirtioNet *n)
{
    if (!g_rw_lock_reader_trylock(&n->backend_lock))
        return;
    if (n->backend)
        vr_net_backend_receive_ready(n->backend);
    g_rw_lock_reader_unlock(&n->backend_lock);
}

/* Writes len bytes at position *pos of the stream the chains form (each chain's share is
 * written[i] bytes). */
static void write_stream(VrVirtioNet *n, const uint32_t *written, unsigned count, size_t *pos,
                         const uint8_t *data, size_t len)
{
    size_t skip = *pos;
    for (unsigned i = 0; i < count && len > 0; i++) {
        if (skip >= written[i]) {
            skip -= written[i];
            continue;
        }
        size_t take = MIN(len, written[i] - skip);
        VrVirtqElement *e = n->rx[i];
        vr_iov_from_buf(vr_virtq_element_in(e), e->in_num, skip, data, take);
        data += take;
        len -= take;
        *pos += take;
        skip = 0;
    }
}

static int put_frame(VrVirtioNet *n, VrVirtqueue *vq, const RxFrame *f)
{
    const char *who = n->dev.name;
    bool mergeable = vr_virtio_has_feature(&n->dev, VR_VIRTIO_NET_F_MRG_RXBUF);
    size_t need = VR_VIRTIO_NET_HDR_SIZE + f->len, filled = 0;
    uint32_t written[VR_VIRTIO_NET_MAX_MERGE];
    unsigned used = 0;
    while (filled < need) {
        if (used == VR_VIRTIO_NET_MAX_MERGE) {
            vr_virtqueue_unpop(vq, used);
            vr_virtio_log_guest_error(&n->log, who,
                                      "a %zu-byte frame needs more than %u receive buffers", f->len,
                                      VR_VIRTIO_NET_MAX_MERGE);
            return PUT_DROPPED;
        }
        if (!n->rx[used])
            n->rx[used] = g_new0(VrVirtqElement, 1);
        VrVirtqElement *e = n->rx[used];
        if (!vr_virtqueue_pop(vq, e)) {
            vr_virtqueue_unpop(vq, used);
            return PUT_NO_BUFFERS;
        }
        if (e->out_len > 0 || (used == 0 && e->in_len < VR_VIRTIO_NET_HDR_SIZE)) {
            /* Returned empty on its own; the frame's buffers stay together in the used
             * ring. */
            vr_virtio_log_guest_error(&n->log, who,
                                      "receive chain with %u readable and %u writable bytes",
                                      e->out_len, e->in_len);
            vr_virtqueue_push(vq, e, 0);
            continue;
        }
        if (!mergeable && e->in_len < need) {
            vr_virtio_log_guest_error(
                &n->log, who, "receive buffer of %u bytes for a %zu-byte frame", e->in_len, need);
            vr_virtqueue_push(vq, e, 0);
            return PUT_DROPPED;
        }
        written[used] = (uint32_t) MIN(e->in_len, need - filled);
        filled += written[used];
        used++;
    }
    uint8_t hdr[VR_VIRTIO_NET_HDR_SIZE] = {0};
    if ((f->flags & VR_NET_RX_CSUM_VALID) &&
        vr_virtio_has_feature(&n->dev, VR_VIRTIO_NET_F_GUEST_CSUM))
        hdr[0] = VR_VIRTIO_NET_HDR_F_DATA_VALID;
    put16(hdr + 10, (uint16_t) used);
    size_t pos = 0;
    write_stream(n, written, used, &pos, hdr, sizeof(hdr));
    write_stream(n, written, used, &pos, f->data, f->len);
    vr_virtqueue_push_many(vq, n->rx, written, used);
    return PUT_DONE;
}

static void receive(VrVirtioNet *n, VrVirtqueue *vq)
{
    unsigned budget = BATCH;
    bool took = false;
    for (;;) {
        /* Taken off the backlog while it is written out: a link going down meanwhile
         * empties the backlog. */
        g_mutex_lock(&n->lock);
        RxFrame *f = g_queue_pop_head(&n->backlog);
        n->writing = f != NULL;
        g_mutex_unlock(&n->lock);
        if (!f)
            break;
        int r = put_frame(n, vq, f);
        if (r == PUT_NO_BUFFERS) {
            g_mutex_lock(&n->lock);
            n->writing = false;
            if (n->link_up)
                g_queue_push_head(&n->backlog, f);
            else
                g_free(f);
            g_mutex_unlock(&n->lock);
            vr_virtqueue_notify(vq);
            /* Asks for a kick when the guest adds buffers; true if it did meanwhile. */
            if (vr_virtqueue_enable_notify(vq))
                continue;
            break;
        }
        g_mutex_lock(&n->lock);
        n->writing = false;
        if (r == PUT_DONE)
            n->stats.rx_frames++;
        else
            n->stats.rx_dropped++;
        g_mutex_unlock(&n->lock);
        g_free(f);
        took = true;
        if (--budget == 0) {
            vr_virtio_device_kick(&n->dev, RXQ);
            break;
        }
    }
    vr_virtqueue_notify(vq);
    if (took) {
        g_mutex_lock(&n->lock);
        bool tell = n->refused;
        n->refused = false;
        g_mutex_unlock(&n->lock);
        if (tell)
            tell_ready(n);
    }
}

static bool net_receive(void *opaque, const uint8_t *data, size_t len, unsigned flags)
{
    VrVirtioNet *n = opaque;
    /* Before a driver runs the card (or after it gave up) frames would only go stale. */
    bool driver = vr_virtio_device_driver_ok(&n->dev);
    g_mutex_lock(&n->lock);
    if (!n->link_up || !driver) {
        /* Taken and lost, as on a cable pulled out: the backend must not wait for room. */
        n->stats.rx_dropped++;
        g_mutex_unlock(&n->lock);
        return true;
    }
    if (g_queue_get_length(&n->backlog) + n->writing >= VR_VIRTIO_NET_RX_BACKLOG) {
        n->refused = true;
        n->stats.rx_dropped++;
        g_mutex_unlock(&n->lock);
        return false;
    }
    RxFrame *f = g_malloc(sizeof(RxFrame) + len);
    f->len = len;
    f->flags = flags;
    memcpy(f->data, data, len);
    g_queue_push_tail(&n->backlog, f);
    g_mutex_unlock(&n->lock);
    vr_virtio_device_kick(&n->dev, RXQ);
    return true;
}

/* n->lock held. */
static void drop_backlog_locked(VrVirtioNet *n)
{
    RxFrame *f;
    while ((f = g_queue_pop_head(&n->backlog))) {
        n->stats.rx_dropped++;
        g_free(f);
    }
}

/* ---- The device ---- */

static void net_queue_notify(VrVirtioDevice *dev, unsigned index, VrVirtqueue *vq)
{
    VrVirtioNet *n = (VrVirtioNet *) dev;
    if (index == RXQ)
        receive(n, vq);
    else
        transmit(n, vq);
}

static void net_config_read(VrVirtioDevice *dev, uint32_t offset, uint8_t *buf, unsigned len)
{
    VrVirtioNet *n = (VrVirtioNet *) dev;
    uint8_t config[VR_VIRTIO_NET_CONFIG_SIZE];
    memcpy(config, n->mac, 6);
    g_mutex_lock(&n->lock);
    put16(config + 6, n->link_up ? VR_VIRTIO_NET_S_LINK_UP : 0);
    g_mutex_unlock(&n->lock);
    put16(config + 8, 1);
    put16(config + 10, n->mtu);
    memcpy(buf, config + offset, len);
}

static void net_reset(VrVirtioDevice *dev)
{
    VrVirtioNet *n = (VrVirtioNet *) dev;
    g_mutex_lock(&n->lock);
    drop_backlog_locked(n);
    bool tell = n->refused;
    n->refused = false;
    g_mutex_unlock(&n->lock);
    if (tell)
        tell_ready(n);
}

static void net_free(VrVirtioDevice *dev)
{
    VrVirtioNet *n = (VrVirtioNet *) dev;
    /* First, so nothing is delivered any more. */
    vr_virtio_net_close_backend(dev);
    drop_backlog_locked(n);
    g_mutex_clear(&n->lock);
    g_rw_lock_clear(&n->backend_lock);
    for (unsigned i = 0; i < VR_VIRTIO_NET_MAX_MERGE; i++)
        g_free(n->rx[i]);
    g_free(n->tx);
    g_free(n->frame);
    g_free(n);
}

/* Payload: u32 version (1), u8 link up. Frames waiting for receive buffers are not kept: a
 * network loses frames, and TCP sends them again. */
#define NET_STATE_VERSION 1

static void net_save(VrVirtioDevice *dev, VrStateWriter *w)
{
    VrVirtioNet *n = (VrVirtioNet *) dev;
    vr_state_put_u32(w, NET_STATE_VERSION);
    g_mutex_lock(&n->lock);
    vr_state_put_u8(w, n->link_up);
    g_mutex_unlock(&n->lock);
}

static bool net_load(VrVirtioDevice *dev, VrStateReader *r)
{
    VrVirtioNet *n = (VrVirtioNet *) dev;
    uint32_t version = vr_state_get_u32(r);
    if (!vr_state_reader_failed(r) && version != NET_STATE_VERSION) {
        vr_state_reader_invalid(r, "virtio-net state version %u is not known (expected %u)",
                                version, NET_STATE_VERSION);
        return false;
    }
    uint8_t up = vr_state_get_u8(r);
    if (vr_state_reader_failed(r))
        return false;
    if (up > 1) {
        vr_state_reader_invalid(r, "virtio-net link state %u (expected 0 or 1)", up);
        return false;
    }
    g_mutex_lock(&n->lock);
    n->link_up = up;
    g_mutex_unlock(&n->lock);
    return true;
}

static const VrVirtioDeviceClass net_class = {
    .name = "virtio-net",
    .device_id = VR_VIRTIO_ID_NET,
    .config_read = net_config_read,
    .queue_notify = net_queue_notify,
    .reset = net_reset,
    .save = net_save,
    .load = net_load,
    .free = net_free,
};

VrVirtioDevice *vr_virtio_net_new(const uint8_t mac[6], uint16_t mtu, VrNetBackend *backend)
{
    VrVirtioNet *n = g_new0(VrVirtioNet, 1);
    n->dev.cls = &net_class;
    n->dev.name = g_strdup_printf("virtio-net %02x:%02x:%02x:%02x:%02x:%02x", mac[0], mac[1],
                                  mac[2], mac[3], mac[4], mac[5]);
    n->dev.features = VR_VIRTIO_BIT(VR_VIRTIO_NET_F_MAC) | VR_VIRTIO_BIT(VR_VIRTIO_NET_F_STATUS) |
                      VR_VIRTIO_BIT(VR_VIRTIO_NET_F_MRG_RXBUF) |
                      VR_VIRTIO_BIT(VR_VIRTIO_NET_F_CSUM) |
                      VR_VIRTIO_BIT(VR_VIRTIO_NET_F_GUEST_CSUM);
    if (mtu)
        n->dev.features |= VR_VIRTIO_BIT(VR_VIRTIO_NET_F_MTU);
    n->dev.num_queues = 2;
    n->dev.queue_max_size = VR_VIRTIO_NET_QUEUE_SIZE;
    n->dev.config_size = VR_VIRTIO_NET_CONFIG_SIZE;
    memcpy(n->mac, mac, 6);
    n->mtu = mtu;
    n->link_up = true;
    g_mutex_init(&n->lock);
    g_rw_lock_init(&n->backend_lock);
    g_queue_init(&n->backlog);
    n->tx = g_new0(VrVirtqElement, 1);
    n->frame = g_malloc(VR_NET_MAX_FRAME);
    n->backend = backend;
    VrNetReceiver receiver = {net_receive, n};
    vr_net_backend_set_receiver(backend, &receiver);
    return &n->dev;
}

void vr_virtio_net_close_backend(VrVirtioDevice *dev)
{
    VrVirtioNet *n = (VrVirtioNet *) dev;
    g_rw_lock_writer_lock(&n->backend_lock);
    VrNetBackend *be = g_steal_pointer(&n->backend);
    g_rw_lock_writer_unlock(&n->backend_lock);
    /* No device lock held: the backend's thread may be delivering a frame right now. */
    vr_net_backend_free(be);
}

VrNetBackend *vr_virtio_net_backend(VrVirtioDevice *dev)
{
    return ((VrVirtioNet *) dev)->backend;
}

static void apply_link(VrVirtioDevice *dev, void *data)
{
    VrVirtioNet *n = (VrVirtioNet *) dev;
    bool up = *(bool *) data;
    g_mutex_lock(&n->lock);
    n->link_up = up;
    if (!up)
        drop_backlog_locked(n);
    g_mutex_unlock(&n->lock);
}

void vr_virtio_net_set_link(VrVirtioDevice *dev, bool up)
{
    VrVirtioNet *n = (VrVirtioNet *) dev;
    g_mutex_lock(&n->lock);
    bool changed = n->link_up != up;
    g_mutex_unlock(&n->lock);
    if (changed)
        vr_virtio_device_config_update(dev, apply_link, &up);
}

bool vr_virtio_net_link(VrVirtioDevice *dev)
{
    VrVirtioNet *n = (VrVirtioNet *) dev;
    g_mutex_lock(&n->lock);
    bool up = n->link_up;
    g_mutex_unlock(&n->lock);
    return up;
}

void vr_virtio_net_stats(VrVirtioDevice *dev, VrVirtioNetStats *stats)
{
    VrVirtioNet *n = (VrVirtioNet *) dev;
    g_mutex_lock(&n->lock);
    *stats = n->stats;
    g_mutex_unlock(&n->lock);
}

bool vr_net_parse_mac(const char *text, uint8_t mac[6])
{
    if (!text || strlen(text) != 17)
        return false;
    uint8_t out[6];
    for (unsigned i = 0; i < 6; i++) {
        const char *p = text + 3 * i;
        if (!g_ascii_isxdigit(p[0]) || !g_ascii_isxdigit(p[1]) || (i < 5 && p[2] != ':'))
            return false;
        out[i] = (uint8_t) (g_ascii_xdigit_value(p[0]) << 4 | g_ascii_xdigit_value(p[1]));
    }
    if (out[0] & 1)
        return false;
    memcpy(mac, out, 6);
    return true;
}

void vr_net_random_mac(uint8_t mac[6])
{
    mac[0] = 0x52;
    mac[1] = 0x54;
    mac[2] = 0x00;
    for (unsigned i = 3; i < 6; i++)
        mac[i] = (uint8_t) g_random_int_range(0, 256);
}

char *vr_net_format_mac(const uint8_t mac[6])
{
    return g_strdup_printf("%02x:%02x:%02x:%02x:%02x:%02x", mac[0], mac[1], mac[2], mac[3], mac[4],
                           mac[5]);
}

char *vr_net_new_mac(void)
{
    uint8_t mac[6];
    vr_net_random_mac(mac);
    return vr_net_format_mac(mac);
}
