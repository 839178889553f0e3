/* virtio-gpu (VIRTIO 1.2, 5.7) in 2D: the guest creates resources (images), backs them with
 * pages of its RAM, copies rectangles from the backing into them, shows one on the scanout
 * and flushes what changed; a cursor image moves on the cursor queue. One scanout, EDID, no
 * 3D (no capsets), no blob resources. The commands run on a VrRenderer (vr-renderer.h); the
 * viewer takes the newest frame with vr_virtio_gpu_get_frame from any thread.
 *
 * The guest is untrusted: every id, rectangle, size and backing entry is checked and a bad
 * one answered with VIRTIO_GPU_RESP_ERR_* (see README.md for which) and a rate-limited log
 * line. All resources together may hold at most the host memory given at creation.
 */
#ifndef VR_VIRTIO_GPU_H
#define VR_VIRTIO_GPU_H

#include "virtio/virtio.h"
#include "vr-renderer.h"

#define VR_VIRTIO_ID_GPU 16

#define VR_VIRTIO_GPU_F_EDID 1

#define VR_VIRTIO_GPU_QUEUE_SIZE 256
#define VR_VIRTIO_GPU_CONTROLQ   0
#define VR_VIRTIO_GPU_CURSORQ    1

/* Configuration space: le32 events_read, events_clear, num_scanouts, num_capsets. */
#define VR_VIRTIO_GPU_CONFIG_SIZE   16
#define VR_VIRTIO_GPU_EVENT_DISPLAY 1u

/* Commands, responses and flags (5.7.6). */
#define VR_VIRTIO_GPU_CMD_GET_DISPLAY_INFO        0x0100
#define VR_VIRTIO_GPU_CMD_RESOURCE_CREATE_2D      0x0101
#define VR_VIRTIO_GPU_CMD_RESOURCE_UNREF          0x0102
#define VR_VIRTIO_GPU_CMD_SET_SCANOUT             0x0103
#define VR_VIRTIO_GPU_CMD_RESOURCE_FLUSH          0x0104
#define VR_VIRTIO_GPU_CMD_TRANSFER_TO_HOST_2D     0x0105
#define VR_VIRTIO_GPU_CMD_RESOURCE_ATTACH_BACKING 0x0106
#define VR_VIRTIO_GPU_CMD_RESOURCE_DETACH_BACKING 0x0107
#define VR_VIRTIO_GPU_CMD_GET_EDID                0x010a
#define VR_VIRTIO_GPU_CMD_UPDATE_CURSOR           0x0300
#define VR_VIRTIO_GPU_CMD_MOVE_CURSOR             0x0301

#define VR_VIRTIO_GPU_RESP_OK_NODATA               0x1100
#define VR_VIRTIO_GPU_RESP_OK_DISPLAY_INFO         0x1101
#define VR_VIRTIO_GPU_RESP_OK_EDID                 0x1104
#define VR_VIRTIO_GPU_RESP_ERR_UNSPEC              0x1200
#define VR_VIRTIO_GPU_RESP_ERR_OUT_OF_MEMORY       0x1201
#define VR_VIRTIO_GPU_RESP_ERR_INVALID_SCANOUT_ID  0x1202
#define VR_VIRTIO_GPU_RESP_ERR_INVALID_RESOURCE_ID 0x1203
#define VR_VIRTIO_GPU_RESP_ERR_INVALID_PARAMETER   0x1205

#define VR_VIRTIO_GPU_FLAG_FENCE         1u
#define VR_VIRTIO_GPU_FLAG_INFO_RING_IDX 2u

#define VR_VIRTIO_GPU_HDR_SIZE     24
#define VR_VIRTIO_GPU_MAX_SCANOUTS 16 /* entries in a display info response */
#define VR_VIRTIO_GPU_EDID_SIZE    128
/* The most entries one RESOURCE_ATTACH_BACKING may list. */
#define VR_VIRTIO_GPU_MAX_BACKING 16384
/* The most resources at once, whatever their size. */
#define VR_VIRTIO_GPU_MAX_RESOURCES 4096
/* The largest display size (what an EDID detailed timing can describe). */
#define VR_VIRTIO_GPU_MAX_DISPLAY 4095
/* Default host memory for all resources together. */
#define VR_VIRTIO_GPU_DEFAULT_MEMORY (256ull << 20)

/* A device rendering on renderer (taken over), with a display of width x height and at
 * most max_memory bytes of resources. */
VrVirtioDevice *vr_virtio_gpu_new(VrRenderer *renderer, uint32_t width, uint32_t height,
                                  uint64_t max_memory);

/* The host's display changed size (the window was resized): GET_DISPLAY_INFO and GET_EDID
 * answer the new size, and the driver is told with VIRTIO_GPU_EVENT_DISPLAY and a
 * configuration change interrupt. 1 .. VR_VIRTIO_GPU_MAX_DISPLAY each; false otherwise.
 * Thread-safe. */
bool vr_virtio_gpu_set_display_size(VrVirtioDevice *dev, uint32_t width, uint32_t height);

/* The newest frame of the scanout, or NULL while the guest shows nothing. Thread-safe. */
VrGpuFrame *vr_virtio_gpu_get_frame(VrVirtioDevice *dev);

/* fn(data) is called, on the device's thread, after each command that gave the scanout a
 * new frame (a flush, a scanout or cursor change, a reset, a restore). Set it before the
 * device runs. */
void vr_virtio_gpu_set_frame_notify(VrVirtioDevice *dev, void (*fn)(void *data), void *data);

/* The renderer's name ("cpu", "vulkan"). */
const char *vr_virtio_gpu_renderer_name(VrVirtioDevice *dev);
/* vr_renderer_export_frames on the device's renderer. Any thread. */
bool vr_virtio_gpu_export_frames(VrVirtioDevice *dev, bool on, uint8_t device_uuid[16],
                                 uint8_t driver_uuid[16]);

/* Host memory the resources hold now (for tests). Thread-safe. */
uint64_t vr_virtio_gpu_memory_used(VrVirtioDevice *dev);

/* Fills edid (VR_VIRTIO_GPU_EDID_SIZE bytes) with a block whose preferred mode is
 * width x height. */
void vr_virtio_gpu_make_edid(uint8_t *edid, uint32_t width, uint32_t height);

#endif
