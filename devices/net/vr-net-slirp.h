/* User-mode networking on libslirp: the guest sits behind a NAT on 10.0.2.0/24 (it gets
 * 10.0.2.15 by DHCP; 10.0.2.2 is the gateway and the host's loopback, 10.0.2.3 the DNS
 * server) and on fec0::/64 for IPv6, and reaches the world through the host's sockets.
 * Host port forwards are added and removed while it runs.
 *
 * libslirp is not thread-safe: every call into it is made with the backend's lock held.
 * Its sockets and timers are served by a thread of the backend's own ("vireo-net"); frames
 * from the guest go into slirp on the caller's thread (the card's queue thread).
 */
#ifndef VR_NET_SLIRP_H
#define VR_NET_SLIRP_H

#include <gio/gio.h>
#include <stdbool.h>
#include <stdint.h>

#include "vr-net-backend.h"

#define VR_NET_SLIRP_GUEST_ADDR   "10.0.2.15"
#define VR_NET_SLIRP_GATEWAY_ADDR "10.0.2.2"
#define VR_NET_SLIRP_DNS_ADDR     "10.0.2.3"

typedef struct VrNetSlirpConfig {
    /* No connection out of the virtual network: only host forwards reach the guest. */
    bool restricted;
    bool ipv6;
    const char *hostname; /* given to the guest by DHCP; NULL for none */
} VrNetSlirpConfig;

/* A host port forward: connections to host_addr:host_port reach guest_addr:guest_port. */
typedef struct VrNetForward {
    bool udp;
    char host_addr[16];  /* dotted IPv4; "" is 127.0.0.1 */
    uint16_t host_port;  /* 1..65535 */
    char guest_addr[16]; /* dotted IPv4 in 10.0.2.0/24; "" is the guest's DHCP address */
    uint16_t guest_port; /* 1..65535 */
} VrNetForward;

VrNetBackend *vr_net_slirp_new(const VrNetSlirpConfig *config, GError **error);

/* The guest's IPv4 address, once DHCP has given it one: seen in the server's ACK, so it is
 * known as soon as the guest can use it. fn is called (on the backend's thread, or the one
 * sending frames) when it changes; it must not call back into the backend. */
typedef void (*VrNetAddressFn)(void *opaque);
void vr_net_slirp_set_address_fn(VrNetBackend *be, VrNetAddressFn fn, void *opaque);
/* Writes the dotted address into out; false while the guest has none. */
bool vr_net_slirp_guest_address(VrNetBackend *be, char out[16]);
/* Refuses a forward whose host port is taken (G_IO_ERROR_ADDRESS_IN_USE) or whose addresses
 * are wrong (G_IO_ERROR_INVALID_ARGUMENT). Thread-safe. */
bool vr_net_slirp_add_forward(VrNetBackend *be, const VrNetForward *fwd, GError **error);
/* Closes the host port and the connections made through it. G_IO_ERROR_NOT_FOUND when
 * there is no such forward. Thread-safe. */
bool vr_net_slirp_remove_forward(VrNetBackend *be, const VrNetForward *fwd, GError **error);

/* Whether fwd's host port can be taken now (bound and let go at once, as adding the forward
 * would bind it): G_IO_ERROR_ADDRESS_IN_USE when something holds it, G_IO_ERROR_INVALID_ARGUMENT
 * for addresses that are not IPv4. For a machine that is off; thread-safe. */
bool vr_net_forward_check_host_port(const VrNetForward *fwd, GError **error);

/* Parses QEMU's hostfwd syntax, "[tcp|udp]:[hostaddr]:hostport-[guestaddr]:guestport"
 * (e.g. "tcp:127.0.0.1:2222-:22"), into fwd. */
bool vr_net_forward_parse(const char *text, VrNetForward *fwd, GError **error);
/* The same syntax back, with every part written out; free with g_free. */
char *vr_net_forward_to_string(const VrNetForward *fwd);

#endif
