/* virtio-net driven as a guest driver would: feature negotiation, transmit byte for byte
 * (with the checksum the device completes), receive into mergeable buffers, waiting for
 * buffers, the link state, malformed chains and a reset. */
#include <glib.h>
#include <string.h>

#include "virtio-test-driver.h"
#include "net/vr-net-slirp.h"
#include "virtio/virtio-net.h"

#define RAM_SIZE (16ull << 20)
#define QSIZE    16
#define RXQ      0
#define TXQ      1
#define HDR      VR_VIRTIO_NET_HDR_SIZE

static const uint8_t test_mac[6] = {0x52, 0x54, 0x00, 0x12, 0x34, 0x56};

/* A backend that keeps what the guest sends. */
typedef struct {
    VrNetBackend be;
    GMutex lock;
    GPtrArray *sent; /* GBytes */
    gint ready_calls;
} TestBackend;

static void tb_send(VrNetBackend *be, const uint8_t *frame, size_t len)
{
    TestBackend *t = (TestBackend *) be;
    g_mutex_lock(&t->lock);
    g_ptr_array_add(t->sent, g_bytes_new(frame, len));
    g_mutex_unlock(&t->lock);
}

static void tb_ready(VrNetBackend *be)
{
    g_atomic_int_inc(&((TestBackend *) be)->ready_calls);
}

static void tb_free(VrNetBackend *be)
{
    TestBackend *t = (TestBackend *) be;
    g_ptr_array_unref(t->sent);
    g_mutex_clear(&t->lock);
    g_free(t);
}

static const VrNetBackendOps tb_ops = {"test", tb_send, tb_ready, tb_free};

static TestBackend *tb_new(void)
{
    TestBackend *t = g_new0(TestBackend, 1);
    t->be.ops = &tb_ops;
    g_mutex_init(&t->lock);
    t->sent = g_ptr_array_new_with_free_func((GDestroyNotify) g_bytes_unref);
    return t;
}

static guint tb_count(TestBackend *t)
{
    g_mutex_lock(&t->lock);
    guint n = t->sent->len;
    g_mutex_unlock(&t->lock);
    return n;
}

static GBytes *tb_frame(TestBackend *t, guint i)
{
    g_mutex_lock(&t->lock);
    g_assert_cmpuint(i, <, t->sent->len);
    GBytes *b = g_bytes_ref(g_ptr_array_index(t->sent, i));
    g_mutex_unlock(&t->lock);
    return b;
}

static TestBackend *net_machine(TdMachine *m, TdQueue q[2], uint64_t features)
{
    TestBackend *t = tb_new();
    VrVirtioDevice *dev = vr_virtio_net_new(test_mac, 1500, &t->be);
    td_init(m, dev, RAM_SIZE, td_with_iothread());
    if (q)
        td_start(m, features, q, 2, QSIZE);
    return t;
}

static uint64_t base_features(void)
{
    return VR_VIRTIO_BIT(VR_VIRTIO_NET_F_MAC) | VR_VIRTIO_BIT(VR_VIRTIO_NET_F_STATUS) |
           VR_VIRTIO_BIT(VR_VIRTIO_NET_F_CSUM) | VR_VIRTIO_BIT(VR_VIRTIO_NET_F_GUEST_CSUM);
}

/* Writes the header and frame into guest RAM and sends them as a chain of two buffers. */
static uint32_t send_frame(TdMachine *m, TdQueue *q, const uint8_t hdr[HDR], const uint8_t *frame,
                           size_t len)
{
    uint64_t h = td_alloc(m, HDR, 8), f = td_alloc(m, len, 8);
    memcpy(td_host(m, h), hdr, HDR);
    memcpy(td_host(m, f), frame, len);
    TdBuf bufs[] = {{h, HDR, false}, {f, (uint32_t) len, false}};
    return td_submit(m, q, bufs, 2);
}

static void test_features(void)
{
    TdMachine m;
    TestBackend *t = net_machine(&m, NULL, 0);
    g_assert_cmpuint(td_read(&m, VR_VIRTIO_MMIO_DEVICE_ID), ==, VR_VIRTIO_ID_NET);
    uint64_t offered = td_device_features(&m);
    for (unsigned bit = 0; bit < 64; bit++) {
        bool want = bit == VR_VIRTIO_NET_F_CSUM || bit == VR_VIRTIO_NET_F_GUEST_CSUM ||
                    bit == VR_VIRTIO_NET_F_MTU || bit == VR_VIRTIO_NET_F_MAC ||
                    bit == VR_VIRTIO_NET_F_MRG_RXBUF || bit == VR_VIRTIO_NET_F_STATUS ||
                    bit == VR_VIRTIO_F_VERSION_1 || bit == VR_VIRTIO_F_INDIRECT_DESC ||
                    bit == VR_VIRTIO_F_EVENT_IDX;
        g_assert_cmpint(!!(offered & VR_VIRTIO_BIT(bit)), ==, want);
    }
    for (unsigned i = 0; i < 6; i++)
        g_assert_cmpuint(td_read_sized(&m, VR_VIRTIO_MMIO_CONFIG + i, 1), ==, test_mac[i]);
    g_assert_cmpuint(td_read_sized(&m, VR_VIRTIO_MMIO_CONFIG + 6, 2), ==, VR_VIRTIO_NET_S_LINK_UP);
    g_assert_cmpuint(td_read_sized(&m, VR_VIRTIO_MMIO_CONFIG + 8, 2), ==, 1);
    g_assert_cmpuint(td_read_sized(&m, VR_VIRTIO_MMIO_CONFIG + 10, 2), ==, 1500);
    /* No driver yet: a frame from the backend is taken and dropped. */
    uint8_t frame[60] = {0};
    g_assert_true(vr_net_backend_deliver(&t->be, frame, sizeof(frame), 0));
    VrVirtioNetStats st;
    vr_virtio_net_stats(m.dev, &st);
    g_assert_cmpuint(st.rx_dropped, ==, 1);
    /* A feature not offered (HOST_TSO4, 11) is refused. */
    g_assert_false(td_negotiate(&m, VR_VIRTIO_BIT(VR_VIRTIO_F_VERSION_1) | VR_VIRTIO_BIT(11)));
    td_write(&m, VR_VIRTIO_MMIO_STATUS, 0);
    g_assert_true(td_negotiate(&m, VR_VIRTIO_BIT(VR_VIRTIO_F_VERSION_1) | offered));
    td_free(&m);
}

static void test_tx(void)
{
    TdMachine m;
    TdQueue q[2];
    TestBackend *t = net_machine(&m, q, base_features());
    uint8_t frame[300];
    for (unsigned i = 0; i < sizeof(frame); i++)
        frame[i] = (uint8_t) g_test_rand_int();
    uint8_t hdr[HDR] = {0};
    g_assert_cmpuint(send_frame(&m, &q[TXQ], hdr, frame, sizeof(frame)), ==, 0);
    g_assert_cmpuint(tb_count(t), ==, 1);
    g_autoptr(GBytes) got = tb_frame(t, 0);
    g_assert_cmpmem(g_bytes_get_data(got, NULL), g_bytes_get_size(got), frame, sizeof(frame));
    td_free(&m);
}

/* The Internet checksum (RFC 1071) of a TCP segment over IPv4 with its pseudo-header,
 * computed byte by byte, independently of the device. */
static uint16_t tcp4_checksum(const uint8_t *ip, const uint8_t *seg, size_t seg_len)
{
    uint8_t *buf = g_malloc0(12 + seg_len + 1);
    memcpy(buf, ip + 12, 8); /* source and destination */
    buf[9] = 6;              /* TCP */
    buf[10] = (uint8_t) (seg_len >> 8);
    buf[11] = (uint8_t) seg_len;
    memcpy(buf + 12, seg, seg_len);
    buf[12 + 16] = buf[12 + 17] = 0;
    uint64_t sum = 0;
    for (size_t i = 0; i < 12 + seg_len; i += 2)
        sum += (uint64_t) buf[i] * 256 + buf[i + 1];
    while (sum > 0xffff)
        sum = (sum & 0xffff) + (sum >> 16);
    g_free(buf);
    return (uint16_t) (0xffff - sum);
}

static size_t build_tcp_frame(uint8_t *f, size_t payload)
{
    memset(f, 0, 54);
    memcpy(f, "\x52\x55\x0a\x00\x02\x02", 6);
    memcpy(f + 6, test_mac, 6);
    f[12] = 0x08;
    uint8_t *ip = f + 14;
    size_t ip_len = 20 + 20 + payload;
    ip[0] = 0x45;
    ip[2] = (uint8_t) (ip_len >> 8);
    ip[3] = (uint8_t) ip_len;
    ip[8] = 64;
    ip[9] = 6;
    memcpy(ip + 12, "\x0a\x00\x02\x0f\x0a\x00\x02\x02", 8);
    uint8_t *tcp = ip + 20;
    tcp[0] = 0x9c;
    tcp[1] = 0x40;
    tcp[3] = 80;
    tcp[12] = 0x50;
    tcp[13] = 0x18;
    tcp[14] = 0xff;
    for (size_t i = 0; i < payload; i++)
        tcp[20 + i] = (uint8_t) g_test_rand_int();
    return 14 + ip_len;
}

static void test_tx_csum(void)
{
    TdMachine m;
    TdQueue q[2];
    TestBackend *t = net_machine(&m, q, base_features());
    /* An odd payload length exercises the last, half-filled word. */
    uint8_t frame[14 + 40 + 333];
    size_t len = build_tcp_frame(frame, 333);
    uint16_t expected = tcp4_checksum(frame + 14, frame + 34, len - 34);
    /* What Linux leaves in the field: the pseudo-header's sum, not inverted. */
    uint32_t pseudo = 0x0a00 + 0x020f + 0x0a00 + 0x0202 + 6 + (uint32_t) (len - 34);
    while (pseudo >> 16)
        pseudo = (pseudo & 0xffff) + (pseudo >> 16);
    frame[34 + 16] = (uint8_t) (pseudo >> 8);
    frame[34 + 17] = (uint8_t) pseudo;
    uint8_t hdr[HDR] = {VR_VIRTIO_NET_HDR_F_NEEDS_CSUM, 0, 0, 0, 0, 0, 34, 0, 16, 0, 0, 0};
    g_assert_cmpuint(send_frame(&m, &q[TXQ], hdr, frame, len), ==, 0);
    g_assert_cmpuint(tb_count(t), ==, 1);
    g_autoptr(GBytes) got = tb_frame(t, 0);
    const uint8_t *g = g_bytes_get_data(got, NULL);
    g_assert_cmpuint(g_bytes_get_size(got), ==, len);
    g_assert_cmphex(g[50] << 8 | g[51], ==, expected);
    /* Everything else is as the guest wrote it. */
    g_assert_cmpmem(g, 50, frame, 50);
    g_assert_cmpmem(g + 52, len - 52, frame + 52, len - 52);
    /* Without NEEDS_CSUM the field goes out untouched. */
    hdr[0] = 0;
    g_assert_cmpuint(send_frame(&m, &q[TXQ], hdr, frame, len), ==, 0);
    g_autoptr(GBytes) got2 = tb_frame(t, 1);
    g_assert_cmpmem(g_bytes_get_data(got2, NULL), g_bytes_get_size(got2), frame, len);
    td_free(&m);
}

/* Offers count receive buffers of size bytes each, as chains of one descriptor starting at
 * descriptor first; returns the address of the first (the rest follow it in RAM). */
static uint64_t post_rx(TdMachine *m, TdQueue *q, uint16_t first, unsigned count, uint32_t size)
{
    uint64_t base = td_alloc(m, (uint64_t) size * count, 8);
    for (unsigned i = 0; i < count; i++) {
        td_set_desc(m, q, (uint16_t) (first + i), base + (uint64_t) size * i, size,
                    VR_VIRTQ_DESC_F_WRITE, 0);
        td_publish(m, q, (uint16_t) (first + i));
    }
    td_kick(m, q);
    return base;
}

static void deliver_frame(TestBackend *t, const uint8_t *f, size_t len, unsigned flags)
{
    g_assert_true(vr_net_backend_deliver(&t->be, f, len, flags));
}

static void test_rx_mergeable(void)
{
    TdMachine m;
    TdQueue q[2];
    TestBackend *t = net_machine(&m, q, base_features() | VR_VIRTIO_BIT(VR_VIRTIO_NET_F_MRG_RXBUF));
    uint64_t base = post_rx(&m, &q[RXQ], 0, 4, 100);
    uint8_t frame[250];
    for (unsigned i = 0; i < sizeof(frame); i++)
        frame[i] = (uint8_t) g_test_rand_int();
    deliver_frame(t, frame, sizeof(frame), VR_NET_RX_CSUM_VALID);
    uint32_t ids[3], lens[3];
    for (unsigned i = 0; i < 3; i++)
        g_assert_true(td_wait_used(&m, &q[RXQ], &ids[i], &lens[i]));
    g_assert_cmpuint(td_used_idx(&m, &q[RXQ]), ==, 3);
    g_assert_cmpuint(ids[0], ==, 0);
    g_assert_cmpuint(ids[1], ==, 1);
    g_assert_cmpuint(ids[2], ==, 2);
    g_assert_cmpuint(lens[0], ==, 100);
    g_assert_cmpuint(lens[1], ==, 100);
    g_assert_cmpuint(lens[2], ==, HDR + 250 - 200);
    const uint8_t *h = td_host(&m, base);
    g_assert_cmpuint(h[0], ==, VR_VIRTIO_NET_HDR_F_DATA_VALID);
    g_assert_cmpuint(h[10] | h[11] << 8, ==, 3); /* num_buffers */
    /* The buffers are contiguous in RAM here, so the frame reads back as one. */
    g_assert_cmpmem(h + HDR, sizeof(frame), frame, sizeof(frame));
    g_assert_cmpint(g_atomic_int_get(&m.irq_rises), >, 0);

    /* A frame without the checksum promise has no DATA_VALID; it takes the fourth buffer. */
    deliver_frame(t, frame, 50, 0);
    uint32_t id, len;
    g_assert_true(td_wait_used(&m, &q[RXQ], &id, &len));
    g_assert_cmpuint(id, ==, 3);
    g_assert_cmpuint(len, ==, HDR + 50);
    const uint8_t *h4 = td_host(&m, base + 300);
    g_assert_cmpuint(h4[0], ==, 0);
    g_assert_cmpuint(h4[10] | h4[11] << 8, ==, 1);
    g_assert_cmpmem(h4 + HDR, 50, frame, 50);
    td_free(&m);
}

static void test_rx_wait(void)
{
    TdMachine m;
    TdQueue q[2];
    TestBackend *t = net_machine(&m, q, base_features());
    uint8_t frame[64];
    memset(frame, 0xab, sizeof(frame));
    /* No buffers: frames wait, up to the backlog; then the backend is refused. */
    for (unsigned i = 0; i < VR_VIRTIO_NET_RX_BACKLOG; i++) {
        frame[0] = (uint8_t) i;
        deliver_frame(t, frame, sizeof(frame), 0);
    }
    g_assert_false(vr_net_backend_deliver(&t->be, frame, sizeof(frame), 0));
    td_sync(&m);
    g_assert_cmpuint(td_used_idx(&m, &q[RXQ]), ==, 0);
    g_assert_cmpint(g_atomic_int_get(&t->ready_calls), ==, 0);
    /* Buffers (without MRG_RXBUF each takes one whole frame): the oldest arrive in order. */
    uint64_t base = post_rx(&m, &q[RXQ], 0, 4, 1526);
    for (unsigned i = 0; i < 4; i++) {
        uint32_t id, len;
        g_assert_true(td_wait_used(&m, &q[RXQ], &id, &len));
        g_assert_cmpuint(id, ==, i);
        g_assert_cmpuint(len, ==, HDR + sizeof(frame));
        const uint8_t *b = td_host(&m, base + 1526ull * i);
        g_assert_cmpuint(b[10] | b[11] << 8, ==, 1);
        g_assert_cmpuint(b[HDR], ==, i);
    }
    g_assert_cmpint(g_atomic_int_get(&t->ready_calls), ==, 1);
    g_assert_true(vr_net_backend_deliver(&t->be, frame, sizeof(frame), 0));
    td_free(&m);
}

static void test_link(void)
{
    TdMachine m;
    TdQueue q[2];
    TestBackend *t = net_machine(&m, q, base_features());
    VrVirtioDevice *dev = m.dev;
    uint32_t gen = td_read(&m, VR_VIRTIO_MMIO_CONFIG_GENERATION);
    vr_virtio_net_set_link(dev, false);
    g_assert_false(vr_virtio_net_link(dev));
    g_assert_cmpuint(td_read(&m, VR_VIRTIO_MMIO_INTERRUPT_STATUS) & VR_VIRTIO_MMIO_INT_CONFIG, ==,
                     VR_VIRTIO_MMIO_INT_CONFIG);
    g_assert_cmpuint(td_read(&m, VR_VIRTIO_MMIO_CONFIG_GENERATION), !=, gen);
    g_assert_cmpuint(td_read_sized(&m, VR_VIRTIO_MMIO_CONFIG + 6, 2), ==, 0);
    td_write(&m, VR_VIRTIO_MMIO_INTERRUPT_ACK, VR_VIRTIO_MMIO_INT_CONFIG);
    /* While down: sent frames are lost, received ones too. */
    uint8_t hdr[HDR] = {0}, frame[60] = {1, 2, 3};
    g_assert_cmpuint(send_frame(&m, &q[TXQ], hdr, frame, sizeof(frame)), ==, 0);
    g_assert_cmpuint(tb_count(t), ==, 0);
    deliver_frame(t, frame, sizeof(frame), 0);
    VrVirtioNetStats st;
    vr_virtio_net_stats(dev, &st);
    g_assert_cmpuint(st.tx_dropped, ==, 1);
    g_assert_cmpuint(st.rx_dropped, ==, 1);
    vr_virtio_net_set_link(dev, true);
    g_assert_cmpuint(td_read(&m, VR_VIRTIO_MMIO_INTERRUPT_STATUS) & VR_VIRTIO_MMIO_INT_CONFIG, ==,
                     VR_VIRTIO_MMIO_INT_CONFIG);
    g_assert_cmpuint(td_read_sized(&m, VR_VIRTIO_MMIO_CONFIG + 6, 2), ==, VR_VIRTIO_NET_S_LINK_UP);
    g_assert_cmpuint(send_frame(&m, &q[TXQ], hdr, frame, sizeof(frame)), ==, 0);
    g_assert_cmpuint(tb_count(t), ==, 1);
    td_free(&m);
}

static void test_malformed(void)
{
    TdMachine m;
    TdQueue q[2];
    TestBackend *t = net_machine(&m, q, VR_VIRTIO_BIT(VR_VIRTIO_NET_F_MAC));
    guint64 logged_before, suppressed_before;
    vr_virtio_log_counts(&logged_before, &suppressed_before);
    uint8_t hdr[HDR] = {0}, frame[64] = {0};
    uint64_t buf = td_alloc(&m, HDR + 70000, 8);
    /* Shorter than the header; a header and no frame; a frame over 65535 bytes. */
    TdBuf short_hdr[] = {{buf, 5, false}};
    g_assert_cmpuint(td_submit(&m, &q[TXQ], short_hdr, 1), ==, 0);
    TdBuf only_hdr[] = {{buf, HDR, false}};
    g_assert_cmpuint(td_submit(&m, &q[TXQ], only_hdr, 1), ==, 0);
    TdBuf huge[] = {{buf, HDR + VR_NET_MAX_FRAME + 1, false}};
    g_assert_cmpuint(td_submit(&m, &q[TXQ], huge, 1), ==, 0);
    /* Segmentation not negotiated; a checksum request without CSUM. */
    hdr[1] = 1;
    g_assert_cmpuint(send_frame(&m, &q[TXQ], hdr, frame, sizeof(frame)), ==, 0);
    hdr[1] = 0;
    hdr[0] = VR_VIRTIO_NET_HDR_F_NEEDS_CSUM;
    g_assert_cmpuint(send_frame(&m, &q[TXQ], hdr, frame, sizeof(frame)), ==, 0);
    g_assert_cmpuint(tb_count(t), ==, 0);
    /* A receive buffer too small for the frame (no MRG_RXBUF), a receive chain the device
     * may only read: each is returned empty, the device goes on. */
    post_rx(&m, &q[RXQ], 0, 1, 20);
    deliver_frame(t, frame, sizeof(frame), 0);
    uint32_t id, len;
    g_assert_true(td_wait_used(&m, &q[RXQ], &id, &len));
    g_assert_cmpuint(len, ==, 0);
    td_set_desc(&m, &q[RXQ], 1, buf, 200, 0, 0);
    td_publish(&m, &q[RXQ], 1);
    td_kick(&m, &q[RXQ]);
    deliver_frame(t, frame, sizeof(frame), 0);
    g_assert_true(td_wait_used(&m, &q[RXQ], &id, &len));
    g_assert_cmpuint(id, ==, 1);
    g_assert_cmpuint(len, ==, 0);
    /* A storm: the whole ring of header-only chains, over and over. */
    for (unsigned round = 0; round < 20; round++) {
        for (uint16_t i = 0; i < QSIZE; i++) {
            td_set_desc(&m, &q[TXQ], i, buf, HDR, 0, 0);
            td_publish(&m, &q[TXQ], i);
        }
        td_kick(&m, &q[TXQ]);
        for (uint16_t i = 0; i < QSIZE; i++)
            g_assert_true(td_wait_used(&m, &q[TXQ], NULL, NULL));
    }
    g_assert_cmpuint(td_read(&m, VR_VIRTIO_MMIO_STATUS) & VR_VIRTIO_STATUS_DEVICE_NEEDS_RESET, ==,
                     0);
    guint64 logged, suppressed;
    vr_virtio_log_counts(&logged, &suppressed);
    g_assert_cmpuint(logged + suppressed - logged_before - suppressed_before, >=, 7 + 20 * QSIZE);
    g_assert_cmpuint(logged - logged_before, <=, 20);
    /* Still working. */
    hdr[0] = 0;
    g_assert_cmpuint(send_frame(&m, &q[TXQ], hdr, frame, sizeof(frame)), ==, 0);
    g_assert_cmpuint(tb_count(t), ==, 1);
    td_free(&m);
}

static void test_reset(void)
{
    TdMachine m;
    TdQueue q[2];
    TestBackend *t = net_machine(&m, q, base_features() | VR_VIRTIO_BIT(VR_VIRTIO_NET_F_MRG_RXBUF));
    uint8_t hdr[HDR] = {0}, frame[80];
    memset(frame, 0x5a, sizeof(frame));
    g_assert_cmpuint(send_frame(&m, &q[TXQ], hdr, frame, sizeof(frame)), ==, 0);
    deliver_frame(t, frame, sizeof(frame), 0); /* waits: no buffers */
    td_write(&m, VR_VIRTIO_MMIO_STATUS, 0);
    g_assert_cmpuint(td_read(&m, VR_VIRTIO_MMIO_STATUS), ==, 0);
    /* A new driver: the frame from before the reset is gone, new traffic flows. */
    td_start(&m, base_features(), q, 2, QSIZE);
    uint64_t base = post_rx(&m, &q[RXQ], 0, 2, 1526);
    td_sync(&m);
    g_assert_cmpuint(td_used_idx(&m, &q[RXQ]), ==, 0);
    frame[0] = 0x77;
    deliver_frame(t, frame, sizeof(frame), 0);
    uint32_t id, len;
    g_assert_true(td_wait_used(&m, &q[RXQ], &id, &len));
    g_assert_cmpuint(len, ==, HDR + sizeof(frame));
    g_assert_cmpuint(((uint8_t *) td_host(&m, base))[HDR], ==, 0x77);
    g_assert_cmpuint(send_frame(&m, &q[TXQ], hdr, frame, sizeof(frame)), ==, 0);
    g_assert_cmpuint(tb_count(t), ==, 2);
    td_free(&m);
}

static void test_mac_parse(void)
{
    uint8_t mac[6] = {0};
    g_assert_true(vr_net_parse_mac("52:54:00:ab:CD:0f", mac));
    g_assert_cmpmem(mac, 6, "\x52\x54\x00\xab\xcd\x0f", 6);
    g_assert_false(vr_net_parse_mac("52:54:00:ab:cd", mac));
    g_assert_false(vr_net_parse_mac("52-54-00-ab-cd-0f", mac));
    g_assert_false(vr_net_parse_mac("52:54:00:ab:cd:0g", mac));
    g_assert_false(vr_net_parse_mac("01:00:5e:00:00:01", mac)); /* multicast */
    vr_net_random_mac(mac);
    g_assert_cmpmem(mac, 3, "\x52\x54\x00", 3);
}

/* The card in front of libslirp: an ARP request for the gateway goes out through the
 * transmit queue and the reply comes back in a receive buffer. Then the backend is closed
 * under a running device. */
static void test_slirp(void)
{
    VrNetSlirpConfig cfg = {.ipv6 = false}; /* no router advertisements in between */
    g_autoptr(GError) error = NULL;
    VrNetBackend *be = vr_net_slirp_new(&cfg, &error);
    g_assert_no_error(error);
    TdMachine m;
    TdQueue q[2];
    td_init(&m, vr_virtio_net_new(test_mac, 1500, be), RAM_SIZE, td_with_iothread());
    g_assert_true(vr_virtio_net_backend(m.dev) == be);
    td_start(&m, base_features() | VR_VIRTIO_BIT(VR_VIRTIO_NET_F_MRG_RXBUF), q, 2, QSIZE);
    uint64_t base = post_rx(&m, &q[RXQ], 0, 8, 2048);
    uint8_t arp[42] = {0};
    memset(arp, 0xff, 6);
    memcpy(arp + 6, test_mac, 6);
    memcpy(arp + 12, "\x08\x06\x00\x01\x08\x00\x06\x04\x00\x01", 10);
    memcpy(arp + 22, test_mac, 6);
    memcpy(arp + 28, "\x0a\x00\x02\x0f", 4);
    memcpy(arp + 38, "\x0a\x00\x02\x02", 4);
    uint8_t hdr[HDR] = {0};
    g_assert_cmpuint(send_frame(&m, &q[TXQ], hdr, arp, sizeof(arp)), ==, 0);
    uint32_t id, len;
    g_assert_true(td_wait_used(&m, &q[RXQ], &id, &len));
    g_assert_cmpuint(len, >=, HDR + 42);
    const uint8_t *b = td_host(&m, base + 2048ull * id);
    g_assert_cmpuint(b[10] | b[11] << 8, ==, 1);
    const uint8_t *f = b + HDR;
    g_assert_cmpmem(f, 6, test_mac, 6);
    g_assert_cmpmem(f + 12, 2, "\x08\x06", 2);
    g_assert_cmpuint(f[21], ==, 2); /* reply */
    g_assert_cmpmem(f + 28, 4, "\x0a\x00\x02\x02", 4);
    vr_virtio_net_close_backend(m.dev);
    g_assert_null(vr_virtio_net_backend(m.dev));
    g_assert_cmpuint(send_frame(&m, &q[TXQ], hdr, arp, sizeof(arp)), ==, 0);
    td_free(&m);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    td_add_both("/virtio-net/features", test_features);
    td_add_both("/virtio-net/tx", test_tx);
    td_add_both("/virtio-net/tx-csum", test_tx_csum);
    td_add_both("/virtio-net/rx-mergeable", test_rx_mergeable);
    td_add_both("/virtio-net/rx-wait", test_rx_wait);
    td_add_both("/virtio-net/link", test_link);
    td_add_both("/virtio-net/malformed", test_malformed);
    td_add_both("/virtio-net/reset", test_reset);
    td_add_both("/virtio-net/slirp", test_slirp);
    g_test_add_func("/virtio-net/mac", test_mac_parse);
    return g_test_run();
}
