/* DHCP and DNS inside the guest's frames (RFC 2131, RFC 1035). */
#include "vr-net-frames.h"

#include <glib.h>
#include <string.h>

#define ETH_HLEN      14
#define ETH_TYPE_IPV4 0x0800
#define IP_PROTO_UDP  17
#define UDP_HLEN      8
#define DHCP_SERVER   67
#define DHCP_CLIENT   68
#define DNS_PORT      53
#define DNS_HLEN      12
#define DNS_TYPE_A    1
#define DNS_CLASS_IN  1
#define DNS_TTL       60

static uint16_t get16(const uint8_t *p)
{
    return (uint16_t) (p[0] << 8 | p[1]);
}

static void put16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t) (v >> 8);
    p[1] = (uint8_t) v;
}

/* The UDP datagram of an unfragmented IPv4 frame: its payload, length and ports, and the
 * IPv4 header. False for anything else. */
typedef struct {
    const uint8_t *ip, *payload;
    size_t payload_len;
    uint16_t sport, dport;
} Udp4;

static bool udp4(const uint8_t *f, size_t len, Udp4 *u)
{
    if (len < ETH_HLEN + 20 || get16(f + 12) != ETH_TYPE_IPV4)
        return false;
    const uint8_t *ip = f + ETH_HLEN;
    size_t ihl = (size_t) (ip[0] & 0xf) * 4;
    size_t total = get16(ip + 2);
    if ((ip[0] >> 4) != 4 || ihl < 20 || total < ihl + UDP_HLEN || ETH_HLEN + total > len ||
        ip[9] != IP_PROTO_UDP || (get16(ip + 6) & 0x3fff) != 0)
        return false;
    const uint8_t *udp = ip + ihl;
    size_t ulen = get16(udp + 4);
    if (ulen < UDP_HLEN || ihl + ulen > total)
        return false;
    u->ip = ip;
    u->sport = get16(udp);
    u->dport = get16(udp + 2);
    u->payload = udp + UDP_HLEN;
    u->payload_len = ulen - UDP_HLEN;
    return true;
}

bool vr_net_frame_dhcp_ack(const uint8_t *frame, size_t len, uint32_t *addr)
{
    static const uint8_t cookie[4] = {0x63, 0x82, 0x53, 0x63};
    Udp4 u;
    if (!udp4(frame, len, &u) || u.sport != DHCP_SERVER || u.dport != DHCP_CLIENT ||
        u.payload_len < 240 || u.payload[0] != 2 /* BOOTREPLY */ ||
        memcmp(u.payload + 236, cookie, 4) != 0)
        return false;
    const uint8_t *o = u.payload + 240, *end = u.payload + u.payload_len;
    while (o < end && *o != 255) {
        if (*o == 0) {
            o++;
            continue;
        }
        if (end - o < 2 || end - o < 2 + o[1])
            return false;
        if (o[0] == 53 && o[1] == 1) {
            if (o[2] != 5 /* DHCPACK */)
                return false;
            memcpy(addr, u.payload + 16, 4);
            return true;
        }
        o += 2 + o[1];
    }
    return false;
}

/* Whether the question's name at q (within msg..end) is name, case aside; *after: past it. */
static bool name_is(const uint8_t *q, const uint8_t *end, const char *name, const uint8_t **after)
{
    const char *n = name;
    for (;;) {
        if (q >= end)
            return false;
        unsigned l = *q++;
        if (l == 0)
            break;
        if (l > 63 || (size_t) (end - q) < l)
            return false;
        if (n != name) {
            if (*n != '.')
                return false;
            n++;
        }
        if (strlen(n) < l || g_ascii_strncasecmp((const char *) q, n, l) != 0)
            return false;
        n += l;
        q += l;
    }
    *after = q;
    return *n == '\0';
}

static uint32_t sum16(uint32_t sum, const uint8_t *p, size_t len)
{
    for (size_t i = 0; i + 1 < len; i += 2)
        sum += get16(p + i);
    if (len & 1)
        sum += (uint32_t) p[len - 1] << 8;
    return sum;
}

static uint16_t fold(uint32_t sum)
{
    while (sum >> 16)
        sum = (sum & 0xffff) + (sum >> 16);
    return (uint16_t) ~sum;
}

size_t vr_net_frame_answer_dns(const uint8_t *frame, size_t len, uint32_t dns_addr,
                               const char *name, uint32_t addr, uint8_t *out, size_t out_size)
{
    Udp4 u;
    if (!udp4(frame, len, &u) || u.dport != DNS_PORT || memcmp(u.ip + 16, &dns_addr, 4) != 0 ||
        u.payload_len < DNS_HLEN)
        return 0;
    const uint8_t *dns = u.payload, *end = u.payload + u.payload_len, *after;
    /* A standard query (QR 0, opcode 0) with one question and nothing else. */
    if ((dns[2] & 0xf8) != 0 || get16(dns + 4) != 1 || get16(dns + 6) != 0 || get16(dns + 8) != 0 ||
        !name_is(dns + DNS_HLEN, end, name, &after) || end - after < 4 ||
        get16(after + 2) != DNS_CLASS_IN)
        return 0;
    bool type_a = get16(after) == DNS_TYPE_A;
    size_t question = (size_t) (after + 4 - dns);
    size_t dns_len = question + (type_a ? 16 : 0);
    size_t total = ETH_HLEN + 20 + UDP_HLEN + dns_len;
    if (total > out_size)
        return 0;

    memset(out, 0, total);
    memcpy(out, frame + 6, 6); /* to the guest */
    memcpy(out + 6, frame, 6); /* from the address it asked */
    put16(out + 12, ETH_TYPE_IPV4);
    uint8_t *ip = out + ETH_HLEN;
    ip[0] = 0x45;
    put16(ip + 2, (uint16_t) (20 + UDP_HLEN + dns_len));
    ip[8] = 64;
    ip[9] = IP_PROTO_UDP;
    memcpy(ip + 12, &dns_addr, 4);
    memcpy(ip + 16, u.ip + 12, 4);
    put16(ip + 10, fold(sum16(0, ip, 20)));

    uint8_t *udp = ip + 20;
    put16(udp, DNS_PORT);
    put16(udp + 2, u.sport);
    put16(udp + 4, (uint16_t) (UDP_HLEN + dns_len));

    uint8_t *a = udp + UDP_HLEN;
    memcpy(a, dns, question);
    a[2] = 0x84 | (dns[2] & 0x01); /* a response, authoritative; recursion as asked */
    a[3] = 0x80;                   /* recursion available, no error */
    if (type_a) {
        put16(a + 6, 1);
        uint8_t *rr = a + question;
        put16(rr, 0xc000 | DNS_HLEN); /* the question's name */
        put16(rr + 2, DNS_TYPE_A);
        put16(rr + 4, DNS_CLASS_IN);
        put16(rr + 8, DNS_TTL);
        put16(rr + 10, 4);
        memcpy(rr + 12, &addr, 4);
    }

    uint32_t sum = sum16(0, ip + 12, 8) + IP_PROTO_UDP + UDP_HLEN + (uint32_t) dns_len;
    uint16_t csum = fold(sum16(sum, udp, UDP_HLEN + dns_len));
    put16(udp + 6, csum ? csum : 0xffff);
    return total;
}
