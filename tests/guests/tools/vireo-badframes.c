/* vireo-badframes: sends malformed Ethernet frames out of a network card, for host tests that
 * check that a guest cannot hurt the user-mode network behind it.
 *
 *   vireo-badframes IFACE COUNT [SEED]
 *
 * Sends, through a raw packet socket on IFACE: a list of frames that are each wrong in one
 * way (short Ethernet, IPv4, IPv6, ARP, TCP and UDP headers; lengths larger or smaller than
 * the frame; bad checksums; a DHCP request whose options overrun; DNS queries that are cut
 * off or point back at themselves; a flood of IPv4 fragments that never complete), then COUNT
 * frames of random length and content (half of them behind a plausible IPv4 header), as fast
 * as the card takes them. Prints "badframes: sent N of M frames" and exits 0; 1 when the
 * socket cannot be opened. Built static for riscv64 by tests/guests/build-initramfs.sh.
 */
#include <arpa/inet.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#define FRAME_MAX 1514

/* The user-mode network's hosts all answer from this address (10.0.2.2's). */
static const uint8_t net_mac[6] = {0x52, 0x55, 0x0a, 0x00, 0x02, 0x02};
static uint8_t own_mac[6];
static int fd;
static struct sockaddr_ll to;
static unsigned sent, tried;

static uint32_t seed = 1;
static uint32_t rnd(void)
{
    seed ^= seed << 13;
    seed ^= seed >> 17;
    seed ^= seed << 5;
    return seed;
}

static void put16(uint8_t *p, unsigned v)
{
    p[0] = (uint8_t) (v >> 8);
    p[1] = (uint8_t) v;
}

static void send_frame(const uint8_t *f, size_t len)
{
    tried++;
    if (sendto(fd, f, len, 0, (struct sockaddr *) &to, sizeof(to)) == (ssize_t) len)
        sent++;
}

static size_t eth(uint8_t *f, unsigned type)
{
    memcpy(f, net_mac, 6);
    memcpy(f + 6, own_mac, 6);
    put16(f + 12, type);
    return 14;
}

/* An IPv4 header at f + 14: ihl words, total length, protocol, to 10.0.2.dst. */
static uint8_t *ip4(uint8_t *f, unsigned ihl, unsigned total, unsigned proto, unsigned dst)
{
    eth(f, 0x0800);
    uint8_t *ip = f + 14;
    memset(ip, 0, 20);
    ip[0] = (uint8_t) (0x40 | (ihl & 0xf));
    put16(ip + 2, total);
    put16(ip + 4, rnd());
    ip[8] = 64;
    ip[9] = (uint8_t) proto;
    memcpy(ip + 12, "\x0a\x00\x02\x0f", 4);
    memcpy(ip + 16, "\x0a\x00\x02", 3);
    ip[19] = (uint8_t) dst;
    unsigned sum = 0;
    for (int i = 0; i < 20; i += 2)
        sum += (unsigned) (ip[i] << 8 | ip[i + 1]);
    while (sum >> 16)
        sum = (sum & 0xffff) + (sum >> 16);
    put16(ip + 10, ~sum & 0xffff);
    return ip;
}

/* A UDP datagram to 10.0.2.dst:port whose UDP length field says ulen, with body. */
static void udp(unsigned dst, unsigned port, unsigned ulen, const uint8_t *body, size_t n)
{
    uint8_t f[FRAME_MAX] = {0};
    uint8_t *ip = ip4(f, 5, 28 + (unsigned) n, 17, dst);
    uint8_t *u = ip + 20;
    put16(u, 40000 + (rnd() & 0xff));
    put16(u + 2, port);
    put16(u + 4, ulen);
    memcpy(u + 8, body, n);
    send_frame(f, 14 + 28 + n);
}

static void one_wrong_each(void)
{
    uint8_t f[FRAME_MAX];

    /* Ethernet: cut short, and an unknown type. */
    memset(f, 0xab, sizeof(f));
    send_frame(f, 1);
    send_frame(f, 13);
    eth(f, 0x88b5);
    send_frame(f, 60);

    /* IPv4 headers: longer than the frame, shorter than 20 bytes, total lengths too large
     * and too small, a wrong version, a bad checksum. */
    memset(f, 0, sizeof(f));
    ip4(f, 15, 60, 6, 2);
    send_frame(f, 34);
    ip4(f, 2, 40, 17, 2);
    send_frame(f, 54);
    ip4(f, 5, 65535, 17, 2);
    send_frame(f, 60);
    ip4(f, 5, 10, 6, 2);
    send_frame(f, 60);
    ip4(f, 5, 40, 6, 2)[0] = 0x65;
    send_frame(f, 54);
    ip4(f, 5, 40, 6, 2)[10] ^= 0xff;
    send_frame(f, 54);
    ip4(f, 5, 14, 6, 2);
    send_frame(f, 14 + 14);

    /* TCP: a data offset past the segment, every flag at once, a cut-off header. */
    uint8_t *ip = ip4(f, 5, 40, 6, 2);
    memset(ip + 20, 0, 20);
    put16(ip + 20, 40001);
    put16(ip + 22, 80);
    ip[32] = 0xf0;
    send_frame(f, 54);
    ip[32] = 0x50;
    ip[33] = 0xff;
    send_frame(f, 54);
    ip4(f, 5, 30, 6, 2);
    send_frame(f, 44);

    /* UDP: lengths of 0, 7 and past the datagram. */
    static const uint8_t junk[64] = {1, 2, 3, 4};
    udp(2, 9, 0, junk, 16);
    udp(2, 9, 7, junk, 16);
    udp(2, 9, 4000, junk, 16);

    /* DHCP: a request cut inside the fixed part, and one whose options run past the end. */
    uint8_t dhcp[300] = {1, 1, 6, 0};
    memcpy(dhcp + 236, "\x63\x82\x53\x63", 4);
    udp(255, 67, 8 + 100, dhcp, 100);
    memcpy(dhcp + 240, "\x35\x01\x03\x32\xff\x0a", 6);
    udp(255, 67, 8 + 246, dhcp, 246);
    memcpy(dhcp + 240, "\x35\xff", 2);
    udp(255, 67, 8 + 242, dhcp, 242);

    /* DNS to the network's server: a header alone, a name cut off, a name that points at
     * itself, a question count of 65535. */
    uint8_t dns[64] = {0x12, 0x34, 0x01, 0x00, 0x00, 0x01};
    udp(3, 53, 8 + 12, dns, 12);
    memcpy(dns + 12,
           "\x3f"
           "abc",
           4);
    udp(3, 53, 8 + 16, dns, 16);
    memcpy(dns + 12, "\xc0\x0c\x00\x01\x00\x01", 6);
    udp(3, 53, 8 + 18, dns, 18);
    memcpy(dns + 4, "\xff\xff", 2);
    memcpy(dns + 12, "\x04host\x05vireo\x08internal", 20);
    udp(3, 53, 8 + 32, dns, 32);

    /* ARP: cut short, and address lengths of 255. */
    eth(f, 0x0806);
    memcpy(f + 14, "\x00\x01\x08\x00\x06\x04\x00\x01", 8);
    send_frame(f, 20);
    memcpy(f + 14, "\x00\x01\x08\x00\xff\xff\x00\x01", 8);
    send_frame(f, 60);

    /* ICMP echo cut short. */
    ip = ip4(f, 5, 24, 1, 2);
    ip[20] = 8;
    send_frame(f, 38);

    /* IPv6: a payload longer than the frame, a hop-by-hop header of garbage, a neighbour
     * solicitation cut short. */
    eth(f, 0x86dd);
    memset(f + 14, 0, 40);
    f[14] = 0x60;
    put16(f + 18, 4000);
    f[20] = 17;
    f[21] = 64;
    f[22] = 0xfe;
    f[23] = 0x80;
    f[38] = 0xfe;
    f[39] = 0xc0;
    f[53] = 2;
    send_frame(f, 70);
    put16(f + 18, 16);
    f[20] = 0;
    memset(f + 54, 0xee, 16);
    send_frame(f, 70);
    put16(f + 18, 8);
    f[20] = 58;
    f[54] = 135;
    send_frame(f, 62);

    /* IPv4 fragments that never complete: first pieces of many datagrams, pieces that
     * overlap, and one at the largest offset. */
    for (unsigned i = 0; i < 200; i++) {
        ip = ip4(f, 5, 60, 17, 2);
        put16(ip + 6, 0x2000 | (i & 1 ? 1 : 0)); /* more fragments; offset 0 or 8 */
        send_frame(f, 74);
    }
    ip = ip4(f, 5, 60, 17, 2);
    put16(ip + 6, 0x1fff);
    send_frame(f, 74);
}

static void random_frames(unsigned count)
{
    uint8_t f[FRAME_MAX];
    for (unsigned i = 0; i < count; i++) {
        size_t len = 1 + rnd() % FRAME_MAX;
        for (size_t j = 0; j < len; j++)
            f[j] = (uint8_t) rnd();
        if (i & 1 && len >= 34) {
            static const unsigned protos[] = {1, 6, 17, 58};
            ip4(f, 5, (unsigned) (rnd() % 1600), protos[rnd() % 4], 2 + rnd() % 2);
        }
        send_frame(f, len);
    }
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: vireo-badframes IFACE COUNT [SEED]\n");
        return 2;
    }
    unsigned count = (unsigned) strtoul(argv[2], NULL, 10);
    if (argc > 3)
        seed = (uint32_t) strtoul(argv[3], NULL, 10) | 1;
    fd = socket(AF_PACKET, SOCK_RAW, htons(ETH_P_ALL));
    if (fd < 0) {
        perror("socket(AF_PACKET)");
        return 1;
    }
    struct ifreq ifr = {0};
    snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", argv[1]);
    if (ioctl(fd, SIOCGIFINDEX, &ifr) < 0) {
        perror(argv[1]);
        return 1;
    }
    to.sll_family = AF_PACKET;
    to.sll_ifindex = ifr.ifr_ifindex;
    to.sll_halen = 6;
    memcpy(to.sll_addr, net_mac, 6);
    if (ioctl(fd, SIOCGIFHWADDR, &ifr) < 0) {
        perror(argv[1]);
        return 1;
    }
    memcpy(own_mac, ifr.ifr_hwaddr.sa_data, 6);
    one_wrong_each();
    random_frames(count);
    printf("badframes: sent %u of %u frames\n", sent, tried);
    return 0;
}
