/* Looking into the frames between a guest and its user-mode network, where Vireo must know
 * or answer something libslirp does not: the address DHCP gave the guest, and the name by
 * which the guest finds the host. Pure functions on whole Ethernet frames; a frame that is
 * not what is looked for (or is malformed) is simply not recognised. */
#ifndef VR_NET_FRAMES_H
#define VR_NET_FRAMES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The name that resolves to the host (the gateway, 10.0.2.2) inside the guest. */
#define VR_NET_HOST_NAME "host.vireo.internal"

/* A DHCP ACK going to the guest: true, with the address it gives (network byte order). */
bool vr_net_frame_dhcp_ack(const uint8_t *frame, size_t len, uint32_t *addr);

/* A DNS query over UDP/IPv4 from the guest to dns_addr (network byte order) for name, asked
 * in class IN: writes the answer frame into out (type A: addr; any other type: no data)
 * and returns its length. 0 when the frame is anything else, or out is too small. */
size_t vr_net_frame_answer_dns(const uint8_t *frame, size_t len, uint32_t dns_addr,
                               const char *name, uint32_t addr, uint8_t *out, size_t out_size);

#endif
