/* The frames Vireo reads itself on a user-mode network (devices/net/vr-net-frames.h): the
 * input is one Ethernet frame, looked at as a DHCP ACK for the guest and as a DNS query for
 * the host's name. An answer must fit where it was asked to go and must itself be a DNS
 * answer to the same port, never a query the function would answer again. */
#include <string.h>

#include "fuzz-common.h"
#include "net/vr-net-frames.h"

#define DNS_ADDR  0x0302000au /* 10.0.2.3, in network order on a little-endian host */
#define HOST_ADDR 0x0202000au

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    fuzz_init_logging();
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    uint32_t addr;
    (void) vr_net_frame_dhcp_ack(data, size, &addr);
    uint8_t out[600];
    size_t room = size % 2 ? sizeof(out) : 80;
    size_t n =
        vr_net_frame_answer_dns(data, size, DNS_ADDR, VR_NET_HOST_NAME, HOST_ADDR, out, room);
    if (n) {
        if (n > room || n < 14 + 20 + 8 + 12)
            __builtin_trap();
        uint8_t again[600];
        if (vr_net_frame_answer_dns(out, n, DNS_ADDR, VR_NET_HOST_NAME, HOST_ADDR, again,
                                    sizeof(again)) != 0)
            __builtin_trap();
    }
    return 0;
}
