/* What stands behind a network card: a backend takes the guest's Ethernet frames and hands
 * frames for the guest to the card (its receiver).
 *
 * Threads: vr_net_backend_send runs on the card's queue thread (the machine's I/O thread);
 * a backend delivers frames from a thread of its own choosing, through the receiver, which
 * copies them and never blocks. When the card has no room (the guest gave no receive
 * buffers and its own queue of waiting frames is full) the receiver refuses the frame; the
 * backend may drop it (TCP sends it again) or hold it until receive_ready.
 */
#ifndef VR_NET_BACKEND_H
#define VR_NET_BACKEND_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Largest frame either way (without the virtio header). */
#define VR_NET_MAX_FRAME 65535

/* The frame's TCP/UDP checksum is known to be right (the backend made the frame). */
#define VR_NET_RX_CSUM_VALID 1u

typedef struct VrNetBackend VrNetBackend;

/* The card's side. receive copies the frame and returns false when it has no room. Any
 * thread; it never calls back into the backend except through receive_ready, which must
 * therefore not wait for the backend's own locks. */
typedef struct VrNetReceiver {
    bool (*receive)(void *opaque, const uint8_t *frame, size_t len, unsigned flags);
    void *opaque;
} VrNetReceiver;

typedef struct VrNetBackendOps {
    const char *name;
    /* A frame from the guest (copy it if it must outlive the call). Must not block. */
    void (*send)(VrNetBackend *be, const uint8_t *frame, size_t len);
    /* Optional: the receiver has room again after refusing a frame. Any thread. */
    void (*receive_ready)(VrNetBackend *be);
    /* Stops delivering (joins the backend's threads) and frees. */
    void (*free)(VrNetBackend *be);
} VrNetBackendOps;

/* The base of every backend: embed it first. */
struct VrNetBackend {
    const VrNetBackendOps *ops;
    VrNetReceiver receiver; /* set once by the card before frames can flow */
};

void vr_net_backend_set_receiver(VrNetBackend *be, const VrNetReceiver *receiver);
void vr_net_backend_send(VrNetBackend *be, const uint8_t *frame, size_t len);
void vr_net_backend_receive_ready(VrNetBackend *be);
/* For backends: hands a frame to the card; false when it has no room, or no card is set. */
bool vr_net_backend_deliver(VrNetBackend *be, const uint8_t *frame, size_t len, unsigned flags);
void vr_net_backend_free(VrNetBackend *be);

#endif
