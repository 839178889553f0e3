/* virtio-net (VIRTIO 1.2, 5.1): one receive queue (0) and one transmit queue (1), in front
 * of a network backend (devices/net/vr-net-backend.h).
 *
 * Offers VIRTIO_NET_F_MAC, _STATUS (link up or down, set by the host, with a configuration
 * change interrupt), _MRG_RXBUF (a frame spread over several receive buffers), _CSUM (the
 * device completes the checksum of a frame the guest sent with NEEDS_CSUM before the
 * backend sees it), _GUEST_CSUM (frames the backend vouches for arrive with DATA_VALID)
 * and _MTU. No segmentation offload and no control queue, so no frame is longer than
 * VR_NET_MAX_FRAME.
 *
 * Frames from the backend wait in a bounded queue of the device's own while the guest has
 * no receive buffers; when it is full the backend is refused and told (receive_ready) once
 * the guest took some. A device reset, and a link going down, drop the frames waiting;
 * frames that come while no driver runs the card (not DRIVER_OK) are dropped.
 */
#ifndef VR_VIRTIO_NET_H
#define VR_VIRTIO_NET_H

#include "../net/vr-net-backend.h"
#include "virtio.h"

#define VR_VIRTIO_ID_NET 1

/* Feature bits (5.1.3). */
#define VR_VIRTIO_NET_F_CSUM       0
#define VR_VIRTIO_NET_F_GUEST_CSUM 1
#define VR_VIRTIO_NET_F_MTU        3
#define VR_VIRTIO_NET_F_MAC        5
#define VR_VIRTIO_NET_F_MRG_RXBUF  15
#define VR_VIRTIO_NET_F_STATUS     16

/* The packet header (5.1.6): flags, gso_type, hdr_len, gso_size, csum_start, csum_offset,
 * num_buffers, little-endian. */
#define VR_VIRTIO_NET_HDR_SIZE         12
#define VR_VIRTIO_NET_HDR_F_NEEDS_CSUM 1
#define VR_VIRTIO_NET_HDR_F_DATA_VALID 2
#define VR_VIRTIO_NET_HDR_GSO_NONE     0
#define VR_VIRTIO_NET_S_LINK_UP        1
#define VR_VIRTIO_NET_CONFIG_SIZE      12 /* mac, status, max_virtqueue_pairs, mtu */

#define VR_VIRTIO_NET_QUEUE_SIZE 256
/* Frames from the backend held while the guest has no receive buffers. */
#define VR_VIRTIO_NET_RX_BACKLOG 256
/* Most receive buffers one frame may be spread over. */
#define VR_VIRTIO_NET_MAX_MERGE   64
#define VR_VIRTIO_NET_DEFAULT_MTU 1500

/* Takes the backend (freed with the device). mtu 0 does not offer VIRTIO_NET_F_MTU. */
VrVirtioDevice *vr_virtio_net_new(const uint8_t mac[6], uint16_t mtu, VrNetBackend *backend);
/* The backend, as given to vr_virtio_net_new (NULL once closed); for its own calls (a slirp
 * backend's forwards). */
VrNetBackend *vr_virtio_net_backend(VrVirtioDevice *dev);
/* Stops and frees the backend: no frame goes out or comes in after this returns. A machine
 * calls it before its I/O thread stops, since a backend's thread may kick the receive queue
 * at any moment. Done by the device's free too. */
void vr_virtio_net_close_backend(VrVirtioDevice *dev);
/* The link as the guest sees it; a change raises a configuration change interrupt. While
 * down, transmitted frames are dropped and none is received. Thread-safe. */
void vr_virtio_net_set_link(VrVirtioDevice *dev, bool up);
bool vr_virtio_net_link(VrVirtioDevice *dev);
/* Frames dropped so far (bad ones from the guest, ones the backend had no room for). */
typedef struct VrVirtioNetStats {
    uint64_t tx_frames, tx_dropped;
    uint64_t rx_frames, rx_dropped;
} VrVirtioNetStats;
void vr_virtio_net_stats(VrVirtioDevice *dev, VrVirtioNetStats *stats);
/* Parses "52:54:00:12:34:56"; false (mac untouched) on anything else, or a multicast
 * address. */
bool vr_net_parse_mac(const char *text, uint8_t mac[6]);
/* A random locally administered-style address in QEMU's 52:54:00 range, which guests and
 * tools know as a virtual machine's. */
void vr_net_random_mac(uint8_t mac[6]);
/* "52:54:00:12:34:56" */
char *vr_net_format_mac(const uint8_t mac[6]);
/* A random address (vr_net_random_mac), formatted. */
char *vr_net_new_mac(void);

#endif
