/* virtio-rng, the entropy device (VIRTIO 1.2, 5.4): one request queue whose device-writable
 * buffers are filled from the host's getrandom(). In Linux it feeds /dev/hwrng. */
#ifndef VR_VIRTIO_RNG_H
#define VR_VIRTIO_RNG_H

#include "virtio.h"

#define VR_VIRTIO_RNG_QUEUE_SIZE 64
/* Most bytes given for one buffer; the used length says how many (5.4.6). */
#define VR_VIRTIO_RNG_MAX_FILL (64 * 1024)

VrVirtioDevice *vr_virtio_rng_new(void);

#endif
