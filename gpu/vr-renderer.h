/* What executes virtio-gpu's 2D commands on the host: resources (images the guest draws
 * into), transfers from guest backing into them, scanouts that show a rectangle of one, a
 * cursor, and the frames a viewer picks up. The device model (virtio-gpu.c) validates every
 * value it passes here; a renderer trusts them. The CPU renderer (renderer-cpu.c) keeps
 * resources as host pixel buffers; a Vulkan renderer keeps them in VkImages behind the same
 * operations.
 *
 * Threads: every operation but get_frame is called from the device's queue handling, one at
 * a time. get_frame may be called from any thread at any time.
 */
#ifndef VR_RENDERER_H
#define VR_RENDERER_H

#include <glib.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/uio.h>

/* Pixel formats (virtio-gpu's numbering; components named in memory order). */
#define VR_GPU_FORMAT_B8G8R8A8 1
#define VR_GPU_FORMAT_B8G8R8X8 2
#define VR_GPU_FORMAT_A8R8G8B8 3
#define VR_GPU_FORMAT_X8R8G8B8 4
#define VR_GPU_FORMAT_R8G8B8A8 67
#define VR_GPU_FORMAT_X8B8G8R8 68
#define VR_GPU_FORMAT_A8B8G8R8 121
#define VR_GPU_FORMAT_R8G8B8X8 134

/* Every supported format has 4 bytes a pixel. */
#define VR_GPU_BYTES_PER_PIXEL 4

typedef struct VrGpuRect {
    uint32_t x, y, width, height;
} VrGpuRect;

/* A picture in GPU memory that another API can import (a renderer exporting its frames,
 * vr_renderer_export_frames): a width x height image with the bytes R, G, B, 0xff per pixel
 * (VK_FORMAT_R8G8B8A8_UNORM, GL_RGBA8), optimal tiling, alone in a memory allocation of
 * memory_size bytes that memory_fd names as an opaque file descriptor
 * (VK_KHR_external_memory_fd, GL_EXT_memory_object_fd). It is only imported where the
 * importer's device and driver UUIDs are these. Its pixels do not change while a frame
 * refers to it. id is never reused, so an importer may keep its import under it; an import
 * takes a dup() of memory_fd. */
typedef struct VrGpuFrameImage VrGpuFrameImage;
struct VrGpuFrameImage {
    uint64_t id;
    int memory_fd;
    uint64_t memory_size;
    uint32_t width, height;
    uint8_t device_uuid[16], driver_uuid[16];
    /* The renderer's: copies the picture into pixels (XRGB8888, rows stride bytes apart);
     * false when the device failed. Any thread. */
    bool (*read)(VrGpuFrameImage *image, uint8_t *pixels, uint32_t stride);
    /* The renderer's: the last frame showing the image is gone. */
    void (*release)(VrGpuFrameImage *image);
};

/* One picture of a scanout: pixels in XRGB8888 (a native-endian 32-bit word 0xffRRGGBB per
 * pixel, so B, G, R, 0xff in memory on a little-endian host), rows stride bytes apart.
 * A frame never changes once handed out. dirty is what changed since the frame with the
 * previous sequence number; a viewer that missed one redraws the whole frame.
 *
 * A frame of a renderer exporting its frames also has image, the same picture on the GPU;
 * its pixels are then read back only when first asked for: use vr_gpu_frame_pixels(), as
 * pixels itself is NULL until then. */
typedef struct VrGpuFrame {
    uint64_t sequence;
    uint32_t width, height, stride;
    VrGpuRect dirty;
    uint8_t *pixels;
    VrGpuFrameImage *image;
    gatomicrefcount refcount;
    GMutex pixels_lock; /* pixels being read back */
} VrGpuFrame;

VrGpuFrame *vr_gpu_frame_ref(VrGpuFrame *frame);
void vr_gpu_frame_unref(VrGpuFrame *frame);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(VrGpuFrame, vr_gpu_frame_unref)
/* The frame's pixels, read back from its image the first time when it has one; NULL only
 * when that failed (a lost device). Any thread. */
const uint8_t *vr_gpu_frame_pixels(VrGpuFrame *frame);

/* A renderer's own resource; opaque to the device. */
typedef struct VrRendererResource VrRendererResource;
typedef struct VrRenderer VrRenderer;

typedef struct VrRendererOps {
    const char *name; /* "cpu" or "vulkan", shown to the user */
    /* A width x height image of format, contents zero; NULL when the host has no memory for
     * it. */
    VrRendererResource *(*resource_create)(VrRenderer *r, uint32_t format, uint32_t width,
                                           uint32_t height);
    /* Frees a resource; a scanout or cursor showing it has been unset before. */
    void (*resource_destroy)(VrRenderer *r, VrRendererResource *res);
    /* Copies rect of the image from the guest's backing: row i of the rectangle starts at byte
     * offset + i * stride of the backing (the device checked that all of it lies inside). */
    void (*resource_write)(VrRenderer *r, VrRendererResource *res, const VrGpuRect *rect,
                           const struct iovec *backing, unsigned n_backing, uint64_t offset,
                           uint32_t stride);
    /* The whole image, width * height * 4 bytes in the resource's format, from or into buf
     * (for state files). */
    void (*resource_read_all)(VrRenderer *r, VrRendererResource *res, uint8_t *buf);
    void (*resource_write_all)(VrRenderer *r, VrRendererResource *res, const uint8_t *buf);
    /* Scanout index shows rect of res from now on (res NULL: it is disabled). The frame is
     * composed anew. */
    void (*set_scanout)(VrRenderer *r, unsigned index, VrRendererResource *res,
                        const VrGpuRect *rect);
    /* rect of res (resource coordinates) changed: every scanout showing it gets a new frame. */
    void (*flush)(VrRenderer *r, VrRendererResource *res, const VrGpuRect *rect);
    /* The cursor image becomes a copy of res (NULL: no cursor) with its hot spot; shown on
     * scanout index at (x, y) minus the hot spot, blended with straight alpha. The byte an
     * X format leaves unused is the cursor's alpha all the same: Linux creates its cursor
     * buffers as XRGB8888 and writes ARGB into them. move_cursor only moves it. */
    void (*set_cursor)(VrRenderer *r, VrRendererResource *res, uint32_t hot_x, uint32_t hot_y,
                       unsigned index, uint32_t x, uint32_t y);
    void (*move_cursor)(VrRenderer *r, unsigned index, uint32_t x, uint32_t y);
    /* The newest frame of scanout index (a reference for the caller), or NULL while it is
     * disabled. Any thread. */
    VrGpuFrame *(*get_frame)(VrRenderer *r, unsigned index);
    /* Optional (NULL: the renderer cannot export): whether frames from the next change on
     * carry an exported image (VrGpuFrameImage) and leave their pixels to be read back when
     * asked; the device's and driver's UUIDs in device_uuid and driver_uuid. Any thread. */
    bool (*export_frames)(VrRenderer *r, bool on, uint8_t device_uuid[16], uint8_t driver_uuid[16]);
    /* Frees the renderer; frames handed out stay valid, their images too. */
    void (*free)(VrRenderer *r);
} VrRendererOps;

/* Embed first in the renderer's own struct. */
struct VrRenderer {
    const VrRendererOps *ops;
};

/* The renderer on the host CPU; always available. */
VrRenderer *vr_renderer_cpu_new(void);

/* The renderer on a Vulkan device (renderer-vulkan.c), a real GPU preferred over a software
 * one; NULL with error saying why when there is no Vulkan driver or device, the device lacks
 * something the renderer needs, or Vireo was built without Vulkan. */
VrRenderer *vr_renderer_vulkan_new(GError **error);

/* The name of the Vulkan device r renders on, and in *software (when not NULL) whether it is
 * one that runs on the CPU (Mesa's lavapipe); NULL when r is not the Vulkan renderer. */
const char *vr_renderer_vulkan_device_name(VrRenderer *r, bool *software);

/* The Vulkan renderer where it works on a GPU, the CPU renderer otherwise: also when the only
 * Vulkan device runs on the CPU, where composing on it is slower than the CPU renderer.
 * *why_not_vulkan (when why_not_vulkan is not NULL) gets the reason the CPU renderer was
 * chosen, for the user, or NULL when it was not; the caller frees it. The environment
 * variable VIREO_RENDERER=cpu chooses the CPU renderer without trying Vulkan (the reason is
 * then "VIREO_RENDERER=cpu"); VIREO_RENDERER=vulkan takes any Vulkan device, software ones
 * too, and falls back to the CPU with a log message when there is none. */
VrRenderer *vr_renderer_new_best(char **why_not_vulkan);

/* Asks r to export its frames (on) or to stop; false when it cannot: the CPU renderer, a
 * Vulkan device without external memory. device_uuid and driver_uuid (may be NULL) get the
 * UUIDs an importer must match (VkPhysicalDeviceIDProperties, GL_DEVICE_UUID_EXT). */
bool vr_renderer_export_frames(VrRenderer *r, bool on, uint8_t device_uuid[16],
                               uint8_t driver_uuid[16]);

/* Whether format is one of the above, and whether it carries alpha. */
bool vr_gpu_format_known(uint32_t format);
bool vr_gpu_format_has_alpha(uint32_t format);

#endif
