/* The libslirp network backend. */
#define G_LOG_DOMAIN "vireo-net"

#include "vr-net-slirp.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <slirp/libslirp.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include "../virtio/virtio.h"
#include "vr-i18n.h"
#include "vr-net-frames.h"

typedef struct {
    SlirpTimerCb cb;
    void *cb_opaque;
    int64_t expire_ms; /* -1: not armed */
} SlirpTimer;

typedef struct {
    VrNetBackend be;
    GMutex lock; /* every call into slirp; timers; pollfds */
    Slirp *slirp;
    GPtrArray *timers;
    GArray *pollfds; /* struct pollfd; [0] is wake_fd */
    int wake_fd;
    /* The poller sleeps in poll() (lock let go) on a copy of pollfds; poll_rounds counts the
     * polls it came back from. Both under lock. */
    bool in_poll;
    guint64 poll_rounds;
    GCond polled;
    gint quit;
    GThread *thread;
    VrRateLimit log;
    gint refused; /* atomic: frames the card had no room for */
    /* The address DHCP last gave the guest (0: none yet), under addr_lock; addr_fn is told
     * when it changes. */
    GMutex addr_lock;
    uint32_t guest_addr;
    VrNetAddressFn addr_fn;
    void *addr_opaque;
} VrNetSlirp;

static int64_t now_ms(void)
{
    return g_get_monotonic_time() / 1000;
}

static void wake(VrNetSlirp *s)
{
    uint64_t one = 1;
    ssize_t r = write(s->wake_fd, &one, sizeof(one));
    (void) r;
}

/* ---- slirp's callbacks (lock held) ---- */

/* A DHCP ACK on its way to the guest: the address it gives is the guest's from now on. */
static void note_guest_address(VrNetSlirp *s, const uint8_t *frame, size_t len)
{
    uint32_t addr;
    if (!vr_net_frame_dhcp_ack(frame, len, &addr))
        return;
    g_mutex_lock(&s->addr_lock);
    bool changed = addr != s->guest_addr;
    s->guest_addr = addr;
    VrNetAddressFn fn = s->addr_fn;
    void *opaque = s->addr_opaque;
    g_mutex_unlock(&s->addr_lock);
    if (changed && fn)
        fn(opaque);
}

static ssize_t cb_send_packet(const void *buf, size_t len, void *opaque)
{
    VrNetSlirp *s = opaque;
    note_guest_address(s, buf, len);
    /* No room in the card: dropped, TCP sends it again. */
    if (!vr_net_backend_deliver(&s->be, buf, len, VR_NET_RX_CSUM_VALID))
        g_atomic_int_inc(&s->refused);
    return (ssize_t) len;
}

static void cb_guest_error(const char *msg, void *opaque)
{
    VrNetSlirp *s = opaque;
    vr_virtio_log_guest_error(&s->log, "slirp", "%s", msg);
}

static int64_t cb_clock_get_ns(void *opaque)
{
    return g_get_monotonic_time() * 1000;
}

static void *cb_timer_new(SlirpTimerCb cb, void *cb_opaque, void *opaque)
{
    VrNetSlirp *s = opaque;
    SlirpTimer *t = g_new0(SlirpTimer, 1);
    t->cb = cb;
    t->cb_opaque = cb_opaque;
    t->expire_ms = -1;
    g_ptr_array_add(s->timers, t);
    return t;
}

static void cb_timer_free(void *timer, void *opaque)
{
    VrNetSlirp *s = opaque;
    g_ptr_array_remove_fast(s->timers, timer);
    g_free(timer);
}

static void cb_timer_mod(void *timer, int64_t expire_time, void *opaque)
{
    VrNetSlirp *s = opaque;
    ((SlirpTimer *) timer)->expire_ms = expire_time;
    wake(s);
}

static void cb_register_poll_fd(int fd, void *opaque)
{
}

static void cb_unregister_poll_fd(int fd, void *opaque)
{
}

static void cb_notify(void *opaque)
{
    wake(opaque);
}

static const SlirpCb slirp_callbacks = {
    .send_packet = cb_send_packet,
    .guest_error = cb_guest_error,
    .clock_get_ns = cb_clock_get_ns,
    .timer_new = cb_timer_new,
    .timer_free = cb_timer_free,
    .timer_mod = cb_timer_mod,
    .register_poll_fd = cb_register_poll_fd,
    .unregister_poll_fd = cb_unregister_poll_fd,
    .notify = cb_notify,
};

static int to_poll_events(int events)
{
    int e = 0;
    if (events & SLIRP_POLL_IN)
        e |= POLLIN;
    if (events & SLIRP_POLL_OUT)
        e |= POLLOUT;
    if (events & SLIRP_POLL_PRI)
        e |= POLLPRI;
    if (events & SLIRP_POLL_ERR)
        e |= POLLERR;
    if (events & SLIRP_POLL_HUP)
        e |= POLLHUP;
    return e;
}

static int add_poll(int fd, int events, void *opaque)
{
    VrNetSlirp *s = opaque;
    struct pollfd p = {.fd = fd, .events = (short) to_poll_events(events)};
    g_array_append_val(s->pollfds, p);
    return (int) s->pollfds->len - 1;
}

static int get_revents(int idx, void *opaque)
{
    VrNetSlirp *s = opaque;
    if (idx < 1 || (guint) idx >= s->pollfds->len)
        return 0;
    short r = g_array_index(s->pollfds, struct pollfd, idx).revents;
    int e = 0;
    if (r & POLLIN)
        e |= SLIRP_POLL_IN;
    if (r & POLLOUT)
        e |= SLIRP_POLL_OUT;
    if (r & POLLPRI)
        e |= SLIRP_POLL_PRI;
    if (r & POLLERR)
        e |= SLIRP_POLL_ERR;
    if (r & POLLHUP)
        e |= SLIRP_POLL_HUP;
    return e;
}

/* Runs the timers that are due, one at a time (a callback may add, change or free
 * timers). */
static void run_timers_locked(VrNetSlirp *s)
{
    for (;;) {
        int64_t now = now_ms();
        SlirpTimer *due = NULL;
        for (guint i = 0; i < s->timers->len && !due; i++) {
            SlirpTimer *t = g_ptr_array_index(s->timers, i);
            if (t->expire_ms >= 0 && t->expire_ms <= now)
                due = t;
        }
        if (!due)
            return;
        due->expire_ms = -1;
        due->cb(due->cb_opaque);
    }
}

static gpointer slirp_thread(gpointer data)
{
    VrNetSlirp *s = data;
    g_mutex_lock(&s->lock);
    while (!g_atomic_int_get(&s->quit)) {
        uint32_t timeout = 1000;
        g_array_set_size(s->pollfds, 1);
        slirp_pollfds_fill(s->slirp, &timeout, add_poll, s);
        int64_t now = now_ms();
        for (guint i = 0; i < s->timers->len; i++) {
            SlirpTimer *t = g_ptr_array_index(s->timers, i);
            if (t->expire_ms >= 0)
                timeout = (uint32_t) MIN((int64_t) timeout, MAX(t->expire_ms - now, 0));
        }
        /* poll() works on a copy: another thread may add sockets meanwhile, which are
         * looked at in the next round (slirp gives them no poll index until then). */
        guint n = s->pollfds->len;
        g_autofree struct pollfd *fds = g_memdup2(s->pollfds->data, n * sizeof(struct pollfd));
        s->in_poll = true;
        g_mutex_unlock(&s->lock);
        int ret = poll(fds, n, (int) MIN(timeout, (uint32_t) G_MAXINT));
        g_mutex_lock(&s->lock);
        s->in_poll = false;
        s->poll_rounds++;
        g_cond_broadcast(&s->polled);
        if (ret > 0 && (fds[0].revents & POLLIN)) {
            uint64_t v;
            ssize_t r = read(s->wake_fd, &v, sizeof(v));
            (void) r;
        }
        memcpy(s->pollfds->data, fds, n * sizeof(struct pollfd));
        slirp_pollfds_poll(s->slirp, ret < 0, get_revents, s);
        run_timers_locked(s);
    }
    g_mutex_unlock(&s->lock);
    return NULL;
}

/* ---- The backend ---- */

static struct in_addr ip4(const char *text)
{
    struct in_addr a;
    inet_pton(AF_INET, text, &a);
    return a;
}

/* With the lock held, after closing sockets slirp polls: waits until the poller is out of
 * the poll() it may be in, since a socket being polled lives on in the kernel until then (a
 * listener closed that way would still accept a connection). Not on the poller's thread. */
static void wait_poll_round_locked(VrNetSlirp *s)
{
    if (!s->in_poll)
        return;
    guint64 round = s->poll_rounds;
    wake(s);
    while (s->poll_rounds == round)
        g_cond_wait(&s->polled, &s->lock);
}

static void slirp_send(VrNetBackend *be, const uint8_t *frame, size_t len)
{
    VrNetSlirp *s = (VrNetSlirp *) be;
    /* The host's name is answered here: slirp's DNS server only relays to the host's. */
    uint8_t answer[600];
    size_t n =
        vr_net_frame_answer_dns(frame, len, ip4(VR_NET_SLIRP_DNS_ADDR).s_addr, VR_NET_HOST_NAME,
                                ip4(VR_NET_SLIRP_GATEWAY_ADDR).s_addr, answer, sizeof(answer));
    if (n) {
        if (!vr_net_backend_deliver(&s->be, answer, n, VR_NET_RX_CSUM_VALID))
            g_atomic_int_inc(&s->refused);
        return;
    }
    g_mutex_lock(&s->lock);
    slirp_input(s->slirp, frame, (int) len);
    g_mutex_unlock(&s->lock);
    /* The frame may have opened a socket or armed a timer. */
    wake(s);
}

static void slirp_free(VrNetBackend *be)
{
    VrNetSlirp *s = (VrNetSlirp *) be;
    g_atomic_int_set(&s->quit, 1);
    wake(s);
    g_thread_join(s->thread);
    slirp_cleanup(s->slirp);
    g_ptr_array_unref(s->timers);
    g_array_unref(s->pollfds);
    close(s->wake_fd);
    g_cond_clear(&s->polled);
    g_mutex_clear(&s->lock);
    g_mutex_clear(&s->addr_lock);
    g_free(s);
}

static const VrNetBackendOps slirp_ops = {
    .name = "slirp",
    .send = slirp_send,
    .free = slirp_free,
};

VrNetBackend *vr_net_slirp_new(const VrNetSlirpConfig *config, GError **error)
{
    int wake_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    if (wake_fd < 0) {
        int e = errno;
        g_set_error(error, G_IO_ERROR, g_io_error_from_errno(e),
                    _("Network: cannot create an event descriptor: %s"), g_strerror(e));
        return NULL;
    }
    VrNetSlirp *s = g_new0(VrNetSlirp, 1);
    s->be.ops = &slirp_ops;
    s->wake_fd = wake_fd;
    g_mutex_init(&s->lock);
    g_mutex_init(&s->addr_lock);
    g_cond_init(&s->polled);
    s->timers = g_ptr_array_new();
    s->pollfds = g_array_new(FALSE, TRUE, sizeof(struct pollfd));
    struct pollfd wake_poll = {.fd = wake_fd, .events = POLLIN};
    g_array_append_val(s->pollfds, wake_poll);

    SlirpConfig cfg = {
        .version = 4,
        .restricted = config->restricted,
        .in_enabled = true,
        .vnetwork = ip4("10.0.2.0"),
        .vnetmask = ip4("255.255.255.0"),
        .vhost = ip4(VR_NET_SLIRP_GATEWAY_ADDR),
        .in6_enabled = config->ipv6,
        .vprefix_len = 64,
        .vhostname = config->hostname,
        .vdhcp_start = ip4(VR_NET_SLIRP_GUEST_ADDR),
        .vnameserver = ip4(VR_NET_SLIRP_DNS_ADDR),
    };
    inet_pton(AF_INET6, "fec0::", &cfg.vprefix_addr6);
    inet_pton(AF_INET6, "fec0::2", &cfg.vhost6);
    inet_pton(AF_INET6, "fec0::3", &cfg.vnameserver6);
    s->slirp = slirp_new(&cfg, &slirp_callbacks, s);
    if (!s->slirp) {
        g_set_error(error, G_IO_ERROR, G_IO_ERROR_FAILED,
                    _("Network: the user-mode network stack could not be started"));
        g_ptr_array_unref(s->timers);
        g_array_unref(s->pollfds);
        close(wake_fd);
        g_cond_clear(&s->polled);
        g_mutex_clear(&s->lock);
        g_mutex_clear(&s->addr_lock);
        g_free(s);
        return NULL;
    }
    s->thread = g_thread_new("vireo-net", slirp_thread, s);
    return &s->be;
}

void vr_net_slirp_set_address_fn(VrNetBackend *be, VrNetAddressFn fn, void *opaque)
{
    VrNetSlirp *s = (VrNetSlirp *) be;
    g_mutex_lock(&s->addr_lock);
    s->addr_fn = fn;
    s->addr_opaque = opaque;
    g_mutex_unlock(&s->addr_lock);
}

bool vr_net_slirp_guest_address(VrNetBackend *be, char out[16])
{
    VrNetSlirp *s = (VrNetSlirp *) be;
    g_mutex_lock(&s->addr_lock);
    struct in_addr a = {.s_addr = s->guest_addr};
    g_mutex_unlock(&s->addr_lock);
    if (!a.s_addr)
        return false;
    inet_ntop(AF_INET, &a, out, 16);
    return true;
}

static bool parse_ip4(const char *text, const char *fallback, struct in_addr *out)
{
    return inet_pton(AF_INET, text[0] ? text : fallback, out) == 1;
}

/* Whether the host port can be bound now (slirp reports no reason when it cannot). */
static bool host_port_free(const VrNetForward *fwd, struct in_addr addr, GError **error)
{
    int fd = socket(AF_INET, (fwd->udp ? SOCK_DGRAM : SOCK_STREAM) | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return true;
    int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    struct sockaddr_in sa = {
        .sin_family = AF_INET, .sin_port = htons(fwd->host_port), .sin_addr = addr};
    bool ok = bind(fd, (struct sockaddr *) &sa, sizeof(sa)) == 0;
    int e = errno;
    close(fd);
    if (!ok) {
        char buf[INET_ADDRSTRLEN];
        inet_ntop(AF_INET, &addr, buf, sizeof(buf));
        g_set_error(error, G_IO_ERROR, g_io_error_from_errno(e),
                    _("Network: cannot forward %s port %u on %s: %s"), fwd->udp ? "UDP" : "TCP",
                    fwd->host_port, buf,
                    e == EADDRINUSE ? _("the port is already in use") : g_strerror(e));
    }
    return ok;
}

static bool forward_addrs(const VrNetForward *fwd, struct in_addr *host, struct in_addr *guest,
                          GError **error)
{
    if (!parse_ip4(fwd->host_addr, "127.0.0.1", host) ||
        !parse_ip4(fwd->guest_addr, VR_NET_SLIRP_GUEST_ADDR, guest) || fwd->host_port == 0 ||
        fwd->guest_port == 0) {
        g_set_error(error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                    _("Network: port forward “%s:%u-%s:%u” needs IPv4 addresses and ports "
                      "from 1 to 65535"),
                    fwd->host_addr, fwd->host_port, fwd->guest_addr, fwd->guest_port);
        return false;
    }
    return true;
}

bool vr_net_forward_check_host_port(const VrNetForward *fwd, GError **error)
{
    struct in_addr host, guest;
    return forward_addrs(fwd, &host, &guest, error) && host_port_free(fwd, host, error);
}

bool vr_net_slirp_add_forward(VrNetBackend *be, const VrNetForward *fwd, GError **error)
{
    VrNetSlirp *s = (VrNetSlirp *) be;
    struct in_addr host, guest;
    if (!forward_addrs(fwd, &host, &guest, error) || !host_port_free(fwd, host, error))
        return false;
    g_mutex_lock(&s->lock);
    int r = slirp_add_hostfwd(s->slirp, fwd->udp, host, fwd->host_port, guest, fwd->guest_port);
    g_mutex_unlock(&s->lock);
    wake(s);
    if (r < 0) {
        g_set_error(error, G_IO_ERROR, G_IO_ERROR_FAILED,
                    _("Network: cannot forward %s port %u on %s"), fwd->udp ? "UDP" : "TCP",
                    fwd->host_port, fwd->host_addr[0] ? fwd->host_addr : "127.0.0.1");
        return false;
    }
    return true;
}

bool vr_net_slirp_remove_forward(VrNetBackend *be, const VrNetForward *fwd, GError **error)
{
    VrNetSlirp *s = (VrNetSlirp *) be;
    struct in_addr host, guest;
    if (!forward_addrs(fwd, &host, &guest, error))
        return false;
    /* slirp removes the first socket bound to the port, which may be a connection the
     * forward accepted (it has the same local address) rather than the listener: remove
     * until none is left, so the forward and its connections go together. */
    g_mutex_lock(&s->lock);
    int r = slirp_remove_hostfwd(s->slirp, fwd->udp, host, fwd->host_port);
    if (r == 0) {
        while (slirp_remove_hostfwd(s->slirp, fwd->udp, host, fwd->host_port) == 0) {
        }
        wait_poll_round_locked(s);
    }
    g_mutex_unlock(&s->lock);
    wake(s);
    if (r < 0) {
        g_set_error(error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                    _("Network: no %s port forward from port %u on %s"), fwd->udp ? "UDP" : "TCP",
                    fwd->host_port, fwd->host_addr[0] ? fwd->host_addr : "127.0.0.1");
        return false;
    }
    return true;
}

/* "[addr]:port" into addr (may stay empty) and port. */
static bool parse_end(const char *text, char addr[16], uint16_t *port)
{
    const char *colon = strrchr(text, ':');
    if (!colon || (size_t) (colon - text) >= 16)
        return false;
    memcpy(addr, text, (size_t) (colon - text));
    addr[colon - text] = '\0';
    struct in_addr a;
    if (addr[0] && inet_pton(AF_INET, addr, &a) != 1)
        return false;
    const char *p = colon + 1;
    guint64 v;
    if (!g_ascii_string_to_unsigned(p, 10, 1, 65535, &v, NULL))
        return false;
    *port = (uint16_t) v;
    return true;
}

bool vr_net_forward_parse(const char *text, VrNetForward *fwd, GError **error)
{
    VrNetForward f = {0};
    const char *rest = text;
    if (g_str_has_prefix(rest, "tcp:")) {
        rest += 4;
    } else if (g_str_has_prefix(rest, "udp:")) {
        f.udp = true;
        rest += 4;
    } else if (rest[0] == ':') {
        rest += 1;
    }
    g_auto(GStrv) ends = g_strsplit(rest, "-", 0);
    if (g_strv_length(ends) != 2 || !parse_end(ends[0], f.host_addr, &f.host_port) ||
        !parse_end(ends[1], f.guest_addr, &f.guest_port)) {
        g_set_error(error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                    _("Port forward “%s”: expected [tcp|udp]:[host address]:host port-[guest "
                      "address]:guest port, such as tcp:127.0.0.1:2222-:22"),
                    text);
        return false;
    }
    *fwd = f;
    return true;
}

char *vr_net_forward_to_string(const VrNetForward *fwd)
{
    return g_strdup_printf("%s:%s:%u-%s:%u", fwd->udp ? "udp" : "tcp",
                           fwd->host_addr[0] ? fwd->host_addr : "127.0.0.1", fwd->host_port,
                           fwd->guest_addr[0] ? fwd->guest_addr : VR_NET_SLIRP_GUEST_ADDR,
                           fwd->guest_port);
}
