/* virtio-console (VIRTIO 1.2, 5.3) with a single port (no MULTIPORT): receiveq 0 carries
 * host bytes to the guest, transmitq 1 the guest's bytes to the host. Offers
 * VIRTIO_CONSOLE_F_SIZE (cols/rows, 80x24 until the host says otherwise) and
 * VIRTIO_CONSOLE_F_EMERG_WRITE. In Linux the port is /dev/hvc0.
 */
#ifndef VR_VIRTIO_CONSOLE_H
#define VR_VIRTIO_CONSOLE_H

#include "virtio.h"

#define VR_VIRTIO_CONSOLE_F_SIZE        0
#define VR_VIRTIO_CONSOLE_F_EMERG_WRITE 2

#define VR_VIRTIO_CONSOLE_QUEUE_SIZE 64
/* Host bytes held while the guest has no receive buffers. */
#define VR_VIRTIO_CONSOLE_INPUT_BUFFER 4096

/* What the guest writes to the console. Called on the I/O thread (or, for an emergency
 * write, on a hart thread), never twice at once, with no console lock held. Returns how many
 * bytes the host took: fewer than len when it has no room, and then the guest's buffer
 * waits in its queue until vr_virtio_console_output_ready (an emergency write's byte is
 * dropped). */
typedef size_t (*VrVirtioConsoleOutputFn)(void *opaque, const uint8_t *data, size_t len);

VrVirtioDevice *vr_virtio_console_new(VrVirtioConsoleOutputFn output, void *opaque);

/* Queues bytes from the host for the guest; returns how many were taken, which is fewer
 * than len when the buffer is full because the guest is not reading: offer the rest again
 * later (vr_virtio_console_input_room says when). Thread-safe. */
size_t vr_virtio_console_input(VrVirtioDevice *dev, const uint8_t *data, size_t len);
/* Bytes vr_virtio_console_input would take now. Thread-safe. */
size_t vr_virtio_console_input_room(VrVirtioDevice *dev);
/* Called (on the I/O thread, no console lock held) whenever the guest took buffered input,
 * so a host side that was told "full" knows to offer more. Optional; set it before the
 * device is attached. */
void vr_virtio_console_set_input_ready(VrVirtioDevice *dev, void (*ready)(void *opaque),
                                       void *opaque);
/* The host has room for output again after refusing some. Thread-safe. */
void vr_virtio_console_output_ready(VrVirtioDevice *dev);
/* Tells the guest the terminal's size (a configuration change). Thread-safe. */
void vr_virtio_console_set_size(VrVirtioDevice *dev, uint16_t cols, uint16_t rows);

#endif
