/* The libslirp backend seen from the guest's wire: frames built here go in, and what comes
 * back is checked (DHCP and the address it gives, the host's name, ARP, a TCP connection through
 * the NAT to a socket of the test's, restricted mode, host port forwards added and removed, forward
 * syntax). */
#include <arpa/inet.h>
#include <errno.h>
#include <gio/gio.h>
#include <netinet/in.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "net/vr-net-frames.h"
#include "net/vr-net-slirp.h"

static const uint8_t guest_mac[6] = {0x52, 0x54, 0x00, 0x12, 0x34, 0x56};
static const uint8_t guest_ip[4] = {10, 0, 2, 15};
static const uint8_t gateway_ip[4] = {10, 0, 2, 2};

/* The card's side: frames from the backend, in order. */
typedef struct {
    GAsyncQueue *frames; /* GBytes */
} Wire;

static bool wire_receive(void *opaque, const uint8_t *frame, size_t len, unsigned flags)
{
    Wire *w = opaque;
    g_async_queue_push(w->frames, g_bytes_new(frame, len));
    return true;
}

static VrNetBackend *start(Wire *w, bool restricted)
{
    w->frames = g_async_queue_new_full((GDestroyNotify) g_bytes_unref);
    VrNetSlirpConfig cfg = {.restricted = restricted, .ipv6 = true};
    g_autoptr(GError) error = NULL;
    VrNetBackend *be = vr_net_slirp_new(&cfg, &error);
    g_assert_no_error(error);
    VrNetReceiver r = {wire_receive, w};
    vr_net_backend_set_receiver(be, &r);
    return be;
}

static void stop(Wire *w, VrNetBackend *be)
{
    vr_net_backend_free(be);
    g_async_queue_unref(w->frames);
}

typedef bool (*FrameTest)(const uint8_t *f, size_t len, void *data);

/* Waits up to timeout_ms for a frame that passes test; other frames are skipped. */
static bool wait_frame(Wire *w, FrameTest test, void *data, unsigned timeout_ms)
{
    gint64 deadline = g_get_monotonic_time() + timeout_ms * 1000ll;
    for (;;) {
        gint64 left = deadline - g_get_monotonic_time();
        if (left <= 0)
            return false;
        g_autoptr(GBytes) b = g_async_queue_timeout_pop(w->frames, (guint64) left);
        if (!b)
            return false;
        size_t len;
        const uint8_t *f = g_bytes_get_data(b, &len);
        if (test(f, len, data))
            return true;
    }
}

static uint16_t rd16(const uint8_t *p)
{
    return (uint16_t) (p[0] << 8 | p[1]);
}

static void wr16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t) (v >> 8);
    p[1] = (uint8_t) v;
}

static uint16_t inet_sum(const uint8_t *p, size_t len, uint32_t sum)
{
    for (size_t i = 0; i + 1 < len; i += 2)
        sum += rd16(p + i);
    if (len & 1)
        sum += (uint32_t) p[len - 1] << 8;
    while (sum >> 16)
        sum = (sum & 0xffff) + (sum >> 16);
    return (uint16_t) ~sum;
}

/* Ethernet header and an IPv4 header of total length ip_len; returns the IP header. */
static uint8_t *ip_frame(uint8_t *f, const uint8_t dst_mac[6], const uint8_t src[4],
                         const uint8_t dst[4], uint8_t proto, size_t ip_len)
{
    memcpy(f, dst_mac, 6);
    memcpy(f + 6, guest_mac, 6);
    wr16(f + 12, 0x0800);
    uint8_t *ip = f + 14;
    memset(ip, 0, 20);
    ip[0] = 0x45;
    wr16(ip + 2, (uint16_t) ip_len);
    wr16(ip + 4, 0x1234);
    ip[8] = 64;
    ip[9] = proto;
    memcpy(ip + 12, src, 4);
    memcpy(ip + 16, dst, 4);
    wr16(ip + 10, inet_sum(ip, 20, 0));
    return ip;
}

/* ---- DHCP ---- */

static void count_call(void *opaque)
{
    g_atomic_int_inc((gint *) opaque);
}

static bool is_offer(const uint8_t *f, size_t len, void *data)
{
    const uint32_t *xid = data;
    if (len < 14 + 20 + 8 + 240 || rd16(f + 12) != 0x0800 || f[14 + 9] != 17)
        return false;
    const uint8_t *udp = f + 14 + (f[14] & 0xf) * 4;
    if (rd16(udp) != 67 || rd16(udp + 2) != 68)
        return false;
    const uint8_t *bootp = udp + 8;
    uint32_t x;
    memcpy(&x, bootp + 4, 4);
    if (bootp[0] != 2 || x != *xid || memcmp(bootp + 16, guest_ip, 4) != 0 ||
        memcmp(bootp + 28, guest_mac, 6) != 0)
        return false;
    /* Option 53 (message type) is 2, OFFER. */
    const uint8_t *opt = bootp + 240, *end = f + len;
    while (opt + 2 <= end && opt[0] != 255) {
        if (opt[0] == 0) {
            opt++;
            continue;
        }
        if (opt[0] == 53 && opt[1] == 1 && opt + 3 <= end)
            return opt[2] == 2;
        opt += 2 + opt[1];
    }
    return false;
}

static void test_dhcp(void)
{
    Wire w;
    VrNetBackend *be = start(&w, false);
    uint8_t f[14 + 20 + 8 + 300] = {0};
    static const uint8_t any[4] = {0, 0, 0, 0}, bcast_ip[4] = {255, 255, 255, 255};
    static const uint8_t bcast[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
    uint8_t *ip = ip_frame(f, bcast, any, bcast_ip, 17, sizeof(f) - 14);
    uint8_t *udp = ip + 20;
    wr16(udp, 68);
    wr16(udp + 2, 67);
    wr16(udp + 4, 8 + 300);
    uint8_t *bootp = udp + 8;
    bootp[0] = 1; /* BOOTREQUEST */
    bootp[1] = 1;
    bootp[2] = 6;
    uint32_t xid = g_test_rand_int();
    memcpy(bootp + 4, &xid, 4);
    memcpy(bootp + 28, guest_mac, 6);
    memcpy(bootp + 236, "\x63\x82\x53\x63", 4);
    memcpy(bootp + 240, "\x35\x01\x01\xff", 4); /* DHCPDISCOVER, end */
    gint told = 0;
    vr_net_slirp_set_address_fn(be, count_call, &told);
    char addr[16];
    vr_net_backend_send(be, f, sizeof(f));
    g_assert_true(wait_frame(&w, is_offer, &xid, 3000));
    /* An offer is not an address yet. */
    g_assert_false(vr_net_slirp_guest_address(be, addr));
    g_assert_cmpint(g_atomic_int_get(&told), ==, 0);

    /* DHCPREQUEST for the offered address: the ACK gives it. */
    memcpy(bootp + 240, "\x35\x01\x03\x32\x04\x0a\x00\x02\x0f\x36\x04\x0a\x00\x02\x02\xff", 16);
    vr_net_backend_send(be, f, sizeof(f));
    gint64 deadline = g_get_monotonic_time() + 3 * G_USEC_PER_SEC;
    while (!vr_net_slirp_guest_address(be, addr) && g_get_monotonic_time() < deadline)
        g_usleep(1000);
    g_assert_true(vr_net_slirp_guest_address(be, addr));
    g_assert_cmpstr(addr, ==, "10.0.2.15");
    g_assert_cmpint(g_atomic_int_get(&told), ==, 1);
    stop(&w, be);
}

/* ---- the host's name ---- */

/* A DNS query for name (type qtype) from the guest's port 40000 to 10.0.2.3; returns its
 * length. */
static size_t dns_query(uint8_t *f, const char *name, uint16_t qtype)
{
    static const uint8_t dns_ip[4] = {10, 0, 2, 3};
    static const uint8_t slirp_mac[6] = {0x52, 0x55, 0x0a, 0x00, 0x02, 0x03};
    uint8_t q[256], *p = q + 12;
    memset(q, 0, 12);
    wr16(q, 0xbeef);
    q[2] = 0x01; /* recursion desired */
    wr16(q + 4, 1);
    g_auto(GStrv) labels = g_strsplit(name, ".", 0);
    for (char **l = labels; *l; l++) {
        *p++ = (uint8_t) strlen(*l);
        memcpy(p, *l, strlen(*l));
        p += strlen(*l);
    }
    *p++ = 0;
    wr16(p, qtype);
    wr16(p + 2, 1);
    p += 4;
    size_t dns_len = (size_t) (p - q);
    uint8_t *ip = ip_frame(f, slirp_mac, guest_ip, dns_ip, 17, 20 + 8 + dns_len);
    uint8_t *udp = ip + 20;
    wr16(udp, 40000);
    wr16(udp + 2, 53);
    wr16(udp + 4, (uint16_t) (8 + dns_len));
    wr16(udp + 6, 0);
    memcpy(udp + 8, q, dns_len);
    return 14 + 20 + 8 + dns_len;
}

typedef struct {
    uint16_t ancount;
    uint8_t addr[4];
} DnsAnswer;

/* A DNS answer to the query above, with valid IPv4 and UDP checksums. */
static bool is_dns_answer(const uint8_t *f, size_t len, void *data)
{
    DnsAnswer *a = data;
    if (len < 14 + 20 + 8 + 12 || rd16(f + 12) != 0x0800 || f[14 + 9] != 17)
        return false;
    const uint8_t *ip = f + 14, *udp = ip + 20, *dns = udp + 8;
    if (rd16(udp) != 53 || rd16(udp + 2) != 40000 || rd16(dns) != 0xbeef)
        return false;
    g_assert_cmpuint(inet_sum(ip, 20, 0), ==, 0);
    size_t ulen = rd16(udp + 4);
    g_assert_cmpuint(14 + 20 + ulen, ==, len);
    uint32_t pseudo =
        rd16(ip + 12) + rd16(ip + 14) + rd16(ip + 16) + rd16(ip + 18) + 17 + (uint32_t) ulen;
    g_assert_cmpuint(inet_sum(udp, ulen, pseudo), ==, 0);
    g_assert_cmpmem(f, 6, guest_mac, 6);
    g_assert_cmphex(dns[2] & 0x80, ==, 0x80); /* a response */
    g_assert_cmphex(dns[3] & 0x0f, ==, 0);    /* no error */
    a->ancount = rd16(dns + 6);
    if (a->ancount)
        memcpy(a->addr, f + len - 4, 4);
    return true;
}

static void test_host_name(void)
{
    Wire w;
    VrNetBackend *be = start(&w, true);
    uint8_t f[400];
    DnsAnswer a = {0};
    /* Type A, in any case: the gateway, which is the host. */
    vr_net_backend_send(be, f, dns_query(f, "Host.Vireo.Internal", 1));
    g_assert_true(wait_frame(&w, is_dns_answer, &a, 3000));
    g_assert_cmpuint(a.ancount, ==, 1);
    g_assert_cmpmem(a.addr, 4, gateway_ip, 4);
    /* AAAA: a name with no data, so resolvers fall back to A. */
    vr_net_backend_send(be, f, dns_query(f, VR_NET_HOST_NAME, 28));
    g_assert_true(wait_frame(&w, is_dns_answer, &a, 3000));
    g_assert_cmpuint(a.ancount, ==, 0);
    /* Other names go to slirp's relay; a cut-off query is ignored. */
    vr_net_backend_send(be, f, dns_query(f, "host.vireo.internal.example", 1));
    size_t n = dns_query(f, VR_NET_HOST_NAME, 1);
    for (size_t cut = 14; cut < n; cut += 7)
        vr_net_backend_send(be, f, cut);
    g_assert_false(wait_frame(&w, is_dns_answer, &a, 300));
    stop(&w, be);
}

/* ---- ARP ---- */

static void send_arp_request(VrNetBackend *be, const uint8_t target[4])
{
    uint8_t f[42] = {0};
    memset(f, 0xff, 6);
    memcpy(f + 6, guest_mac, 6);
    wr16(f + 12, 0x0806);
    wr16(f + 14, 1);
    wr16(f + 16, 0x0800);
    f[18] = 6;
    f[19] = 4;
    wr16(f + 20, 1); /* request */
    memcpy(f + 22, guest_mac, 6);
    memcpy(f + 28, guest_ip, 4);
    memcpy(f + 38, target, 4);
    vr_net_backend_send(be, f, sizeof(f));
}

static bool is_arp_reply(const uint8_t *f, size_t len, void *data)
{
    return len >= 42 && rd16(f + 12) == 0x0806 && rd16(f + 20) == 2 &&
           memcmp(f + 28, gateway_ip, 4) == 0 && memcmp(f + 32, guest_mac, 6) == 0 &&
           memcmp(f + 38, guest_ip, 4) == 0 && memcmp(f, guest_mac, 6) == 0;
}

static void test_arp(void)
{
    Wire w;
    VrNetBackend *be = start(&w, false);
    send_arp_request(be, gateway_ip);
    g_assert_true(wait_frame(&w, is_arp_reply, NULL, 3000));
    stop(&w, be);
}

/* ---- TCP through the NAT ---- */

static int listen_local(uint16_t *port)
{
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    g_assert_cmpint(fd, >=, 0);
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    g_assert_cmpint(bind(fd, (struct sockaddr *) &sa, sizeof(sa)), ==, 0);
    g_assert_cmpint(listen(fd, 4), ==, 0);
    socklen_t sl = sizeof(sa);
    g_assert_cmpint(getsockname(fd, (struct sockaddr *) &sa, &sl), ==, 0);
    *port = ntohs(sa.sin_port);
    return fd;
}

static void send_syn(VrNetBackend *be, const uint8_t dst_mac[6], uint16_t port)
{
    uint8_t f[14 + 20 + 20] = {0};
    uint8_t *ip = ip_frame(f, dst_mac, guest_ip, gateway_ip, 6, 40);
    uint8_t *tcp = ip + 20;
    wr16(tcp, 40000);
    wr16(tcp + 2, port);
    uint32_t seq = htonl(1000);
    memcpy(tcp + 4, &seq, 4);
    tcp[12] = 0x50;
    tcp[13] = 0x02; /* SYN */
    wr16(tcp + 14, 64240);
    uint32_t pseudo = rd16(ip + 12) + rd16(ip + 14) + rd16(ip + 16) + rd16(ip + 18) + 6 + 20;
    wr16(tcp + 16, inet_sum(tcp, 20, pseudo));
    vr_net_backend_send(be, f, sizeof(f));
}

static bool accepted(int fd, unsigned timeout_ms)
{
    struct pollfd p = {.fd = fd, .events = POLLIN};
    if (poll(&p, 1, (int) timeout_ms) != 1)
        return false;
    int c = accept(fd, NULL, NULL);
    if (c < 0)
        return false;
    close(c);
    return true;
}

static void tcp_connect(bool restricted)
{
    Wire w;
    VrNetBackend *be = start(&w, restricted);
    uint16_t port;
    int fd = listen_local(&port);
    static const uint8_t gw_mac[6] = {0x52, 0x55, 0x0a, 0x00, 0x02, 0x02};
    send_arp_request(be, gateway_ip);
    send_syn(be, gw_mac, port);
    /* Restricted: nothing may arrive; a second is plenty for a connect on loopback. */
    g_assert_cmpint(accepted(fd, restricted ? 1000 : 3000), ==, !restricted);
    close(fd);
    stop(&w, be);
}

static void test_tcp_out(void)
{
    tcp_connect(false);
}

static void test_tcp_restricted(void)
{
    tcp_connect(true);
}

/* ---- Host forwards ---- */

typedef struct {
    uint16_t port;
} SynTo;

static bool is_syn_to_guest(const uint8_t *f, size_t len, void *data)
{
    const SynTo *s = data;
    if (len < 54 || rd16(f + 12) != 0x0800 || f[14 + 9] != 6 || memcmp(f + 30, guest_ip, 4))
        return false;
    const uint8_t *tcp = f + 14 + (f[14] & 0xf) * 4;
    return rd16(tcp + 2) == s->port && (tcp[13] & 0x12) == 0x02;
}

static int connect_local(uint16_t port)
{
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    struct sockaddr_in sa = {
        .sin_family = AF_INET, .sin_port = htons(port), .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    int r = connect(fd, (struct sockaddr *) &sa, sizeof(sa));
    int e = errno;
    close(fd);
    return r == 0 ? 0 : e;
}

static uint16_t free_port(void)
{
    uint16_t port;
    int fd = listen_local(&port);
    close(fd);
    return port;
}

static void test_forwards(void)
{
    Wire w;
    VrNetBackend *be = start(&w, true);
    send_arp_request(be, gateway_ip); /* slirp learns the guest's address */
    g_assert_true(wait_frame(&w, is_arp_reply, NULL, 3000));

    /* A host port that is taken is refused with the reason. */
    uint16_t taken;
    int busy = listen_local(&taken);
    VrNetForward fwd = {.host_port = taken, .guest_port = 22};
    g_autoptr(GError) error = NULL;
    g_assert_false(vr_net_slirp_add_forward(be, &fwd, &error));
    g_assert_error(error, G_IO_ERROR, G_IO_ERROR_ADDRESS_IN_USE);
    g_assert_nonnull(strstr(error->message, "already in use"));
    g_clear_error(&error);
    close(busy);

    /* Added at run time (restricted mode lets forwards in): a connection to it reaches the
     * guest as a SYN to port 22. */
    fwd.host_port = free_port();
    g_assert_true(vr_net_slirp_add_forward(be, &fwd, &error));
    g_assert_no_error(error);
    g_assert_cmpint(connect_local(fwd.host_port), ==, 0);
    SynTo syn = {22};
    g_assert_true(wait_frame(&w, is_syn_to_guest, &syn, 3000));
    /* The same port twice is refused. */
    g_assert_false(vr_net_slirp_add_forward(be, &fwd, &error));
    g_assert_error(error, G_IO_ERROR, G_IO_ERROR_ADDRESS_IN_USE);
    g_clear_error(&error);
    /* Removed: the port is closed again. */
    g_assert_true(vr_net_slirp_remove_forward(be, &fwd, &error));
    g_assert_no_error(error);
    g_assert_cmpint(connect_local(fwd.host_port), ==, ECONNREFUSED);
    g_assert_false(vr_net_slirp_remove_forward(be, &fwd, &error));
    g_assert_error(error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
    stop(&w, be);
}

static void test_forward_syntax(void)
{
    VrNetForward f;
    g_autoptr(GError) error = NULL;
    g_assert_true(vr_net_forward_parse("tcp:127.0.0.1:2222-:22", &f, &error));
    g_assert_false(f.udp);
    g_assert_cmpstr(f.host_addr, ==, "127.0.0.1");
    g_assert_cmpuint(f.host_port, ==, 2222);
    g_assert_cmpstr(f.guest_addr, ==, "");
    g_assert_cmpuint(f.guest_port, ==, 22);
    g_autofree char *s = vr_net_forward_to_string(&f);
    g_assert_cmpstr(s, ==, "tcp:127.0.0.1:2222-10.0.2.15:22");
    g_assert_true(vr_net_forward_parse("udp::5353-10.0.2.15:53", &f, &error));
    g_assert_true(f.udp);
    g_assert_cmpstr(f.host_addr, ==, "");
    g_assert_cmpuint(f.host_port, ==, 5353);
    g_assert_cmpstr(f.guest_addr, ==, "10.0.2.15");
    const char *bad[] = {"",
                         "tcp:2222-22",
                         "sctp::1-:2",
                         "tcp::0-:22",
                         "tcp::70000-:22",
                         "tcp:localhost:80-:80",
                         "tcp::80-:80-:81",
                         "tcp::80x-:80"};
    for (unsigned i = 0; i < G_N_ELEMENTS(bad); i++) {
        g_assert_false(vr_net_forward_parse(bad[i], &f, &error));
        g_assert_error(error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
        g_assert_nonnull(strstr(error->message, "tcp:127.0.0.1:2222-:22"));
        g_clear_error(&error);
    }
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/net-slirp/dhcp", test_dhcp);
    g_test_add_func("/net-slirp/host-name", test_host_name);
    g_test_add_func("/net-slirp/arp", test_arp);
    g_test_add_func("/net-slirp/tcp-out", test_tcp_out);
    g_test_add_func("/net-slirp/tcp-restricted", test_tcp_restricted);
    g_test_add_func("/net-slirp/forwards", test_forwards);
    g_test_add_func("/net-slirp/forward-syntax", test_forward_syntax);
    return g_test_run();
}
