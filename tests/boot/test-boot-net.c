/* Networking seen from Linux: the test kernel and busybox initramfs on a machine with
 * user-mode networking (virtio-net on libslirp). The guest takes an address with udhcpc,
 * resolves the host's name and fetches pages from an HTTP server this test runs on the host's
 * 127.0.0.1, over IPv4 and IPv6; the cable is pulled and put back; host port forwards reach
 * busybox httpd in the guest, also when added while it runs, and stop when removed;
 * restricted mode blocks the way out; a guest that sends malformed frames and a storm of
 * random ones leaves the network working, also after the card is reset. */
#include <arpa/inet.h>
#include <errno.h>
#include <gio/gio.h>
#include <netinet/in.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "guest.h"

#define BOOT_TIMEOUT 180
#define CMD_TIMEOUT  60

static char *kernel, *initrd;

/* ---- an HTTP server on the host's loopback (IPv4 and IPv6, one port) ---- */

typedef struct {
    int fds[2];
    uint16_t port;
    char token[32];
    gint requests;
    gint quit;
    GThread *thread;
} Server;

static int listen_on(int family, uint16_t *port)
{
    int fd = socket(family, SOCK_STREAM | SOCK_CLOEXEC, 0);
    g_assert_cmpint(fd, >=, 0);
    int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    int r;
    if (family == AF_INET) {
        struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons(*port)};
        sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        r = bind(fd, (struct sockaddr *) &sa, sizeof(sa));
    } else {
        setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
        struct sockaddr_in6 sa = {.sin6_family = AF_INET6, .sin6_port = htons(*port)};
        sa.sin6_addr = in6addr_loopback;
        r = bind(fd, (struct sockaddr *) &sa, sizeof(sa));
    }
    if (r != 0) {
        close(fd);
        return -1;
    }
    g_assert_cmpint(listen(fd, 8), ==, 0);
    struct sockaddr_storage ss;
    socklen_t len = sizeof(ss);
    getsockname(fd, (struct sockaddr *) &ss, &len);
    *port = ntohs(family == AF_INET ? ((struct sockaddr_in *) &ss)->sin_port
                                    : ((struct sockaddr_in6 *) &ss)->sin6_port);
    return fd;
}

static void serve_one(Server *s, int fd)
{
    char req[1024];
    size_t got = 0;
    struct pollfd p = {.fd = fd, .events = POLLIN};
    while (got < sizeof(req) - 1 && poll(&p, 1, 5000) > 0) {
        ssize_t n = read(fd, req + got, sizeof(req) - 1 - got);
        if (n <= 0)
            break;
        got += (size_t) n;
        req[got] = '\0';
        if (strstr(req, "\r\n\r\n"))
            break;
    }
    req[got] = '\0';
    char path[128] = "?";
    sscanf(req, "GET %127s", path);
    g_autofree char *body = g_strdup_printf("vireo-net-page %s %s\n", s->token, path);
    g_autofree char *reply = g_strdup_printf("HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n"
                                             "Content-Length: %zu\r\n\r\n%s",
                                             strlen(body), body);
    ssize_t w = write(fd, reply, strlen(reply));
    (void) w;
    g_atomic_int_inc(&s->requests);
}

static gpointer server_thread(gpointer data)
{
    Server *s = data;
    while (!g_atomic_int_get(&s->quit)) {
        struct pollfd p[2] = {{.fd = s->fds[0], .events = POLLIN},
                              {.fd = s->fds[1], .events = POLLIN}};
        if (poll(p, s->fds[1] >= 0 ? 2 : 1, 100) <= 0)
            continue;
        for (int i = 0; i < 2; i++) {
            if (s->fds[i] < 0 || !(p[i].revents & POLLIN))
                continue;
            int c = accept4(s->fds[i], NULL, NULL, SOCK_CLOEXEC);
            if (c >= 0) {
                serve_one(s, c);
                close(c);
            }
        }
    }
    return NULL;
}

static void server_start(Server *s)
{
    memset(s, 0, sizeof(*s));
    g_snprintf(s->token, sizeof(s->token), "%08x", g_test_rand_int());
    s->fds[0] = listen_on(AF_INET, &s->port);
    g_assert_cmpint(s->fds[0], >=, 0);
    /* The same port on ::1, where the host has IPv6. */
    uint16_t port6 = s->port;
    s->fds[1] = listen_on(AF_INET6, &port6);
    s->thread = g_thread_new("http", server_thread, s);
}

static void server_stop(Server *s)
{
    g_atomic_int_set(&s->quit, 1);
    g_thread_join(s->thread);
    close(s->fds[0]);
    if (s->fds[1] >= 0)
        close(s->fds[1]);
}

static char *expected_page(const Server *s, const char *path)
{
    return g_strdup_printf("vireo-net-page %s %s", s->token, path);
}

/* ---- the host's side of a forward ---- */

static uint16_t free_port(void)
{
    uint16_t port = 0;
    int fd = listen_on(AF_INET, &port);
    close(fd);
    return port;
}

/* GET / from 127.0.0.1:port: the body, or NULL when nothing answers within a few seconds. */
static char *fetch_local(uint16_t port)
{
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons(port)};
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (connect(fd, (struct sockaddr *) &sa, sizeof(sa)) != 0) {
        close(fd);
        return NULL;
    }
    const char *req = "GET / HTTP/1.0\r\n\r\n";
    ssize_t w = write(fd, req, strlen(req));
    (void) w;
    GString *got = g_string_new(NULL);
    struct pollfd p = {.fd = fd, .events = POLLIN};
    char buf[4096];
    while (poll(&p, 1, 5000) > 0) {
        ssize_t n = read(fd, buf, sizeof(buf));
        if (n <= 0)
            break;
        g_string_append_len(got, buf, n);
    }
    close(fd);
    const char *body = strstr(got->str, "\r\n\r\n");
    char *out = body ? g_strstrip(g_strdup(body + 4)) : NULL;
    g_string_free(got, TRUE);
    return out;
}

/* ---- the guest ---- */

static Guest *boot(const char *name, bool restricted, const char *forward)
{
    VrMachineConfig cfg;
    vr_machine_config_init(&cfg);
    cfg.memory = 256ull << 20;
    cfg.kernel = g_strdup(kernel);
    cfg.initrd = g_strdup(initrd);
    cfg.append = g_strdup("console=ttyS0 earlycon=sbi");
    cfg.net = true;
    cfg.net_restricted = restricted;
    if (forward)
        g_ptr_array_add(cfg.net_forwards, g_strdup(forward));
    Guest *g = guest_start(name, &cfg);
    vr_machine_config_clear(&cfg);
    g_assert_true(vr_machine_has_net(g->m));
    g_assert_true(guest_expect(g, "vireo-initramfs: ready", BOOT_TIMEOUT));
    return g;
}

static bool need_guest(void)
{
    if (!kernel || !initrd) {
        g_test_skip("the Linux kernel or the initramfs is not built: run "
                    "tests/guests/build-all.sh");
        return false;
    }
    return true;
}

/* udhcpc on eth0: the guest has 10.0.2.15, and the machine knows it (and said so, the first
 * time: a second lease of the same address changes nothing). */
static void take_address(Guest *g)
{
    g_autofree char *had = vr_machine_net_guest_address(g->m);
    unsigned before = g->net_changes;
    g_autofree char *out = guest_run(g, "udhcpc -i eth0 -n -q -t 5 -T 2 2>&1", CMD_TIMEOUT);
    g_assert_nonnull(out);
    g_assert_nonnull(strstr(out, "udhcpc: eth0 has 10.0.2.15"));
    g_autofree char *addr = vr_machine_net_guest_address(g->m);
    g_assert_cmpstr(addr, ==, "10.0.2.15");
    if (!had)
        g_assert_cmpuint(g->net_changes, >, before);
    else
        g_assert_cmpuint(g->net_changes, ==, before);
}

/* wget in the guest: the page's first line, or "" when the fetch failed. */
static char *guest_fetch(Guest *g, const char *url)
{
    g_autofree char *cmd = g_strdup_printf("wget -T 5 -q -O - '%s' 2>/dev/null | head -n 1", url);
    char *out = guest_run(g, cmd, CMD_TIMEOUT);
    g_assert_nonnull(out);
    return out;
}

static void power_off(Guest *g)
{
    guest_type(g, "poweroff -f\n");
    g_assert_true(guest_wait_stopped(g, CMD_TIMEOUT));
    g_assert_cmpint(g->result.end, ==, VR_END_POWER_OFF);
}

static void test_dhcp_fetch(void)
{
    if (!need_guest())
        return;
    Server s;
    server_start(&s);
    Guest *g = boot("net-dhcp-fetch", false, NULL);
    g_autofree char *none = vr_machine_net_guest_address(g->m);
    g_assert_null(none);
    take_address(g);
    g_autofree char *route = guest_run(g, "route -n | grep '^0.0.0.0'", CMD_TIMEOUT);
    g_assert_nonnull(strstr(route, "10.0.2.2"));
    g_autofree char *resolv = guest_run(g, "cat /etc/resolv.conf", CMD_TIMEOUT);
    g_assert_cmpstr(resolv, ==, "nameserver 10.0.2.3");

    /* The host's name, through the network's DNS server, then a page by that name. */
    g_autofree char *ns = guest_run(g, "nslookup host.vireo.internal 2>&1", CMD_TIMEOUT);
    g_assert_nonnull(strstr(ns, "10.0.2.2"));
    g_autofree char *url = g_strdup_printf("http://host.vireo.internal:%u/by-name", s.port);
    g_autofree char *page = guest_fetch(g, url);
    g_autofree char *want = expected_page(&s, "/by-name");
    g_assert_cmpstr(page, ==, want);

    /* IPv6: an address from the router's advertisements, and the host at fec0::2. */
    if (s.fds[1] >= 0) {
        g_autofree char *v6 = guest_run(g,
                                        "for i in 1 2 3 4 5 6 7 8 9 10; do ip -6 addr show "
                                        "dev eth0 | grep -q 'inet6 fec0' && break; sleep 1; "
                                        "done; ip -6 addr show dev eth0 | grep -c 'inet6 fec0'",
                                        CMD_TIMEOUT);
        g_assert_cmpstr(v6, ==, "1");
        g_autofree char *url6 = g_strdup_printf("http://[fec0::2]:%u/v6", s.port);
        g_autofree char *page6 = guest_fetch(g, url6);
        g_autofree char *want6 = expected_page(&s, "/v6");
        g_assert_cmpstr(page6, ==, want6);
    } else {
        g_test_message("the host has no IPv6 loopback: the IPv6 fetch was left out");
    }

    /* The cable: the guest sees the carrier go and come back, and fetches again. */
    g_assert_true(vr_machine_net_set_link(g->m, false));
    g_autofree char *down = guest_run(g, "sleep 1; cat /sys/class/net/eth0/carrier", CMD_TIMEOUT);
    g_assert_cmpstr(down, ==, "0");
    g_assert_true(vr_machine_net_set_link(g->m, true));
    g_autofree char *up = guest_run(g, "sleep 1; cat /sys/class/net/eth0/carrier", CMD_TIMEOUT);
    g_assert_cmpstr(up, ==, "1");
    g_autofree char *url_ip = g_strdup_printf("http://10.0.2.2:%u/after-cable", s.port);
    g_autofree char *again = guest_fetch(g, url_ip);
    g_autofree char *want_again = expected_page(&s, "/after-cable");
    g_assert_cmpstr(again, ==, want_again);
    power_off(g);
    guest_free(g);
    server_stop(&s);
}

#define GUEST_HTTPD                                                     \
    "mkdir -p /www && echo guest-page-$((6 * 7)) > /www/index.html && " \
    "httpd -p 8080 -h /www && echo started"

static void test_forwards(void)
{
    if (!need_guest())
        return;
    uint16_t p1 = free_port();
    g_autofree char *fwd1 = g_strdup_printf("tcp:127.0.0.1:%u-:8080", p1);
    Guest *g = boot("net-forwards", false, fwd1);
    take_address(g);
    g_autofree char *started = guest_run(g, GUEST_HTTPD, CMD_TIMEOUT);
    g_assert_cmpstr(started, ==, "started");

    /* The forward in the machine's settings. */
    g_autofree char *page1 = fetch_local(p1);
    g_assert_cmpstr(page1, ==, "guest-page-42");

    /* One added while the guest runs works at once; removed, it stops. */
    uint16_t p2 = free_port();
    g_autofree char *fwd2 = g_strdup_printf("tcp:127.0.0.1:%u-:8080", p2);
    g_autoptr(GError) error = NULL;
    g_assert_true(vr_machine_net_add_forward(g->m, fwd2, &error));
    g_assert_no_error(error);
    g_autofree char *page2 = fetch_local(p2);
    g_assert_cmpstr(page2, ==, "guest-page-42");
    g_assert_true(vr_machine_net_remove_forward(g->m, fwd2, &error));
    g_assert_no_error(error);
    g_autofree char *gone = fetch_local(p2);
    g_assert_null(gone);
    g_autofree char *still = fetch_local(p1);
    g_assert_cmpstr(still, ==, "guest-page-42");

    /* UDP: a datagram to the host's port reaches a listener in the guest. */
    uint16_t p3 = free_port();
    g_autofree char *fwd3u = g_strdup_printf("udp:127.0.0.1:%u-:9000", p3);
    g_assert_true(vr_machine_net_add_forward(g->m, fwd3u, &error));
    g_assert_no_error(error);
    g_autofree char *listening =
        guest_run(g, "(nc -u -l -p 9000 > /tmp/udp.txt &) ; sleep 1; echo listening", CMD_TIMEOUT);
    g_assert_cmpstr(listening, ==, "listening");
    int ufd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    struct sockaddr_in to = {.sin_family = AF_INET, .sin_port = htons(p3)};
    to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    g_assert_cmpint(sendto(ufd, "datagram-42\n", 12, 0, (struct sockaddr *) &to, sizeof(to)), ==,
                    12);
    close(ufd);
    g_autofree char *datagram = guest_run(
        g,
        "for i in 1 2 3 4 5 6 7 8 9 10; do [ -s /tmp/udp.txt ] && break; sleep 0.5; done; "
        "cat /tmp/udp.txt",
        CMD_TIMEOUT);
    g_assert_cmpstr(datagram, ==, "datagram-42");

    /* A host port something else holds is refused, with the reason. */
    uint16_t taken = 0;
    int holder = listen_on(AF_INET, &taken);
    g_autofree char *fwd4 = g_strdup_printf("tcp:127.0.0.1:%u-:8080", taken);
    g_assert_false(vr_machine_net_add_forward(g->m, fwd4, &error));
    g_assert_error(error, G_IO_ERROR, G_IO_ERROR_ADDRESS_IN_USE);
    g_clear_error(&error);
    close(holder);
    power_off(g);
    guest_free(g);
}

static void test_restricted(void)
{
    if (!need_guest())
        return;
    Server s;
    server_start(&s);
    uint16_t p1 = free_port();
    g_autofree char *fwd1 = g_strdup_printf("tcp:127.0.0.1:%u-:8080", p1);
    Guest *g = boot("net-restricted", true, fwd1);
    take_address(g);
    /* No way out: the fetch fails and the server sees nothing. */
    g_autofree char *url = g_strdup_printf("http://10.0.2.2:%u/restricted", s.port);
    g_autofree char *page = guest_fetch(g, url);
    g_assert_cmpstr(page, ==, "");
    g_assert_cmpint(g_atomic_int_get(&s.requests), ==, 0);
    /* The way in still works. */
    g_autofree char *started = guest_run(g, GUEST_HTTPD, CMD_TIMEOUT);
    g_assert_cmpstr(started, ==, "started");
    g_autofree char *in = fetch_local(p1);
    g_assert_cmpstr(in, ==, "guest-page-42");
    power_off(g);
    guest_free(g);
    server_stop(&s);
}

static void test_malformed(void)
{
    if (!need_guest())
        return;
    Server s;
    server_start(&s);
    Guest *g = boot("net-malformed", false, NULL);
    take_address(g);
    g_autofree char *cmd =
        g_strdup_printf("vireo-badframes eth0 5000 %u", (unsigned) g_test_rand_int());
    g_autofree char *sent = guest_run(g, cmd, 300);
    g_assert_nonnull(sent);
    g_test_message("%s", sent);
    g_assert_true(g_str_has_prefix(sent, "badframes: sent "));
    g_assert_false(g->stopped);
    g_autofree char *url = g_strdup_printf("http://10.0.2.2:%u/after-storm", s.port);
    g_autofree char *page = guest_fetch(g, url);
    g_autofree char *want = expected_page(&s, "/after-storm");
    g_assert_cmpstr(page, ==, want);

    /* The card reset (its driver unbound and bound again): a new lease, and pages again. */
    g_autofree char *rebound =
        guest_run(g,
                  "d=$(basename $(readlink /sys/class/net/eth0/device)); "
                  "echo $d > /sys/bus/virtio/drivers/virtio_net/unbind && "
                  "echo $d > /sys/bus/virtio/drivers/virtio_net/bind && sleep 1 && "
                  "ifconfig eth0 | head -n 1 | cut -c1-4",
                  CMD_TIMEOUT);
    g_assert_cmpstr(rebound, ==, "eth0");
    take_address(g);
    g_autofree char *url2 = g_strdup_printf("http://10.0.2.2:%u/after-reset", s.port);
    g_autofree char *page2 = guest_fetch(g, url2);
    g_autofree char *want2 = expected_page(&s, "/after-reset");
    g_assert_cmpstr(page2, ==, want2);
    power_off(g);
    guest_free(g);
    server_stop(&s);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    kernel = guest_artifact("build-linux.sh", NULL);
    initrd = guest_artifact("build-initramfs.sh", NULL);
    g_test_add_func("/net/dhcp-fetch", test_dhcp_fetch);
    g_test_add_func("/net/forwards", test_forwards);
    g_test_add_func("/net/restricted", test_restricted);
    g_test_add_func("/net/malformed", test_malformed);
    return g_test_run();
}
