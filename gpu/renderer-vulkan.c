/* The Vulkan renderer: each resource is a VkImage holding the guest's bytes as they are
 * (R8G8B8A8_UINT, one byte a component, whatever the guest's format); transfers go through a
 * host-visible staging buffer; a frame is composed by a compute shader (compose.comp) into a
 * frame image of its own memory, then the composed rectangles are copied back into a host
 * buffer and from there into the VrGpuFrame a viewer picks up. Every operation is submitted
 * and waited for before it returns, on one command buffer.
 *
 * The shader converts formats and blends the cursor in integers with the CPU renderer's
 * rounding, so both renderers give the same bytes. Frames follow the CPU renderer's rule:
 * changed in place only while nobody else holds them. */
#include "vr-i18n.h"
#include "vr-renderer.h"
#include "vr-renderer-util.h"

#include <gio/gio.h>
#include <string.h>
#include <unistd.h>
#include <vulkan/vulkan.h>

static const uint32_t compose_spv[] =
#include "compose.comp.inc"
    ;

#define CURSOR_MAX 256
/* The most a staging buffer holds; larger transfers go in pieces. */
#define STAGING_MAX (16u << 20)
#define GROUP_SIZE  16
/* The most exported images a renderer keeps: the one being written, the newest frame's, and
 * those a viewer still shows. */
#define MAX_SLOTS 4
/* What an exported image is: the bytes GL_RGBA8 has, copied into, read back, sampled. */
#define SLOT_FORMAT VK_FORMAT_R8G8B8A8_UNORM
#define SLOT_USAGE \
    (VK_IMAGE_USAGE_TRANSFER_DST_BIT | VK_IMAGE_USAGE_TRANSFER_SRC_BIT | VK_IMAGE_USAGE_SAMPLED_BIT)

/* An image, its own memory and the view the shader or copies use. */
typedef struct {
    VkImage image;
    VkDeviceMemory memory;
    VkImageView view;
} Image;

typedef struct {
    VkBuffer buffer;
    VkDeviceMemory memory;
    uint8_t *map;
    VkDeviceSize size;
    bool coherent;
} Buffer;

struct VrRendererResource {
    uint32_t format, width, height;
    Image image;
};

/* What outlives the renderer while frames still show its exported images: the device, its
 * queue, and what reading an exported image back takes. Reference-counted: the renderer
 * holds one, each exported image one. */
typedef struct {
    gatomicrefcount ref;
    VkInstance instance; /* the process's (process_instance), never destroyed */
    VkDevice device;
    VkQueue queue;
    uint32_t family;   /* the queue's family */
    GMutex queue_lock; /* vkQueueSubmit and vkDeviceWaitIdle, called from several threads */
    VkPhysicalDeviceMemoryProperties memory_props;
    uint32_t max_allocations;
    gint allocations;                   /* atomic */
    PFN_vkGetMemoryFdKHR get_memory_fd; /* NULL: the device cannot export memory */
    GMutex read_lock;                   /* what follows: reading exported images back */
    VkCommandPool read_pool;
    VkCommandBuffer read_cmd;
    VkFence read_fence;
    Buffer read_buffer;
} Shared;

/* compose.comp's push constants. */
typedef struct {
    int32_t scanout_bytes[4], cursor_bytes[4];
    int32_t src[2], dst[2], size[2], cursor_pos[2], cursor_size[2];
} ComposeParams;

typedef struct {
    VrRenderer base;

    Shared *sh;
    VkPhysicalDevice physical;
    uint32_t max_dimension;
    VkDevice device; /* sh->device */
    VkCommandPool pool;
    VkCommandBuffer cmd;
    VkFence fence;
    VkDescriptorSetLayout set_layout;
    VkDescriptorPool descriptor_pool;
    VkDescriptorSet set;
    VkPipelineLayout pipeline_layout;
    VkPipeline pipeline;
    VkFormat frame_format;
    char device_name[VK_MAX_PHYSICAL_DEVICE_NAME_SIZE];
    bool software; /* a CPU device, such as Mesa's lavapipe */
    bool broken;   /* a submission failed (device lost): nothing more is drawn */

    Buffer staging;  /* uploads and state-file reads */
    Buffer readback; /* the frame's size: composed rectangles come back here */
    Image frame_image;
    uint32_t frame_width, frame_height; /* of frame_image; 0: none */
    Image cursor_image;                 /* CURSOR_MAX x CURSOR_MAX */

    VrScreenState screen;
    uint32_t cursor_format;

    /* Exported frames (vk_export_frames): slots of exportable images the frame image is
     * copied into; a frame shows one, and a slot is not written while a frame does. */
    uint8_t device_uuid[VK_UUID_SIZE], driver_uuid[VK_UUID_SIZE];
    gint export_on; /* atomic: asked for */
    struct Slot *slots[MAX_SLOTS];
} VkRenderer;

/* An exportable image (see VrGpuFrameImage). in_use and retired are under slots_lock:
 * frames are released on any thread. stale (the renderer's thread only) is where it differs
 * from the frame image. */
typedef struct Slot {
    VrGpuFrameImage pub;
    Shared *sh;
    VkImage image;
    VkDeviceMemory memory;
    bool in_use;  /* a frame shows it */
    bool retired; /* the renderer let it go: freed when no frame shows it */
    VrGpuRect stale;
    bool have_stale;
} Slot;

static GMutex slots_lock;
static uint64_t next_image_id = 1; /* under slots_lock */

/* Byte index of red, green, blue and alpha (-1: none) within a pixel, per format. */
/* The byte layout of format (vr-renderer-util.h) as the shader takes it. */
static void format_bytes(uint32_t format, bool cursor, int32_t out[4])
{
    int8_t b[4];
    if (!(cursor ? vr_gpu_cursor_bytes(format, b) : vr_gpu_format_bytes(format, b)))
        vr_gpu_format_bytes(VR_GPU_FORMAT_B8G8R8A8, b);
    for (int i = 0; i < 4; i++)
        out[i] = b[i];
}

static const char *result_name(VkResult r)
{
    switch (r) {
    case VK_SUCCESS: return "VK_SUCCESS";
    case VK_ERROR_OUT_OF_HOST_MEMORY: return "VK_ERROR_OUT_OF_HOST_MEMORY";
    case VK_ERROR_OUT_OF_DEVICE_MEMORY: return "VK_ERROR_OUT_OF_DEVICE_MEMORY";
    case VK_ERROR_INITIALIZATION_FAILED: return "VK_ERROR_INITIALIZATION_FAILED";
    case VK_ERROR_DEVICE_LOST: return "VK_ERROR_DEVICE_LOST";
    case VK_ERROR_LAYER_NOT_PRESENT: return "VK_ERROR_LAYER_NOT_PRESENT";
    case VK_ERROR_EXTENSION_NOT_PRESENT: return "VK_ERROR_EXTENSION_NOT_PRESENT";
    case VK_ERROR_FEATURE_NOT_PRESENT: return "VK_ERROR_FEATURE_NOT_PRESENT";
    case VK_ERROR_INCOMPATIBLE_DRIVER: return "VK_ERROR_INCOMPATIBLE_DRIVER";
    case VK_ERROR_TOO_MANY_OBJECTS: return "VK_ERROR_TOO_MANY_OBJECTS";
    case VK_ERROR_FORMAT_NOT_SUPPORTED: return "VK_ERROR_FORMAT_NOT_SUPPORTED";
    default: return "VkResult";
    }
}

/* ---- Memory, images, buffers ---- */

/* A memory type allowed by bits with all of need, preferring one that also has prefer. */
static bool find_memory(Shared *sh, uint32_t bits, VkMemoryPropertyFlags need,
                        VkMemoryPropertyFlags prefer, uint32_t *out)
{
    const VkPhysicalDeviceMemoryProperties *p = &sh->memory_props;
    for (int pass = 0; pass < 2; pass++)
        for (uint32_t i = 0; i < p->memoryTypeCount; i++) {
            VkMemoryPropertyFlags want = pass == 0 ? need | prefer : need;
            if ((bits & (1u << i)) && (p->memoryTypes[i].propertyFlags & want) == want) {
                *out = i;
                return true;
            }
        }
    return false;
}

/* Memory for req; next (may be NULL) extends the allocation's description. */
static bool allocate(Shared *sh, const VkMemoryRequirements *req, VkMemoryPropertyFlags need,
                     VkMemoryPropertyFlags prefer, const void *next, VkDeviceMemory *out,
                     VkMemoryPropertyFlags *got)
{
    uint32_t type;
    if ((uint32_t) g_atomic_int_get(&sh->allocations) >= sh->max_allocations ||
        !find_memory(sh, req->memoryTypeBits, need, prefer, &type))
        return false;
    VkMemoryAllocateInfo ai = {
        .sType = VK_STRUCTURE_TYPE_MEMORY_ALLOCATE_INFO,
        .pNext = next,
        .allocationSize = req->size,
        .memoryTypeIndex = type,
    };
    if (vkAllocateMemory(sh->device, &ai, NULL, out) != VK_SUCCESS)
        return false;
    g_atomic_int_inc(&sh->allocations);
    if (got)
        *got = sh->memory_props.memoryTypes[type].propertyFlags;
    return true;
}

static void release(Shared *sh, VkDeviceMemory *memory)
{
    if (*memory) {
        vkFreeMemory(sh->device, *memory, NULL);
        g_atomic_int_add(&sh->allocations, -1);
        *memory = VK_NULL_HANDLE;
    }
}

static void image_destroy(Shared *sh, Image *img)
{
    if (img->view)
        vkDestroyImageView(sh->device, img->view, NULL);
    if (img->image)
        vkDestroyImage(sh->device, img->image, NULL);
    release(sh, &img->memory);
    *img = (Image){0};
}

/* A 2D image with optimal tiling, its description extended by next (may be NULL); false
 * when the device refuses it. */
static bool new_image(Shared *sh, VkImage *out, const void *next, VkFormat format,
                      VkImageCreateFlags flags, VkImageUsageFlags usage, uint32_t width,
                      uint32_t height)
{
    VkImageCreateInfo ci = {
        .sType = VK_STRUCTURE_TYPE_IMAGE_CREATE_INFO,
        .pNext = next,
        .flags = flags,
        .imageType = VK_IMAGE_TYPE_2D,
        .format = format,
        .extent = {width, height, 1},
        .mipLevels = 1,
        .arrayLayers = 1,
        .samples = VK_SAMPLE_COUNT_1_BIT,
        .tiling = VK_IMAGE_TILING_OPTIMAL,
        .usage = usage,
        .sharingMode = VK_SHARING_MODE_EXCLUSIVE,
        .initialLayout = VK_IMAGE_LAYOUT_UNDEFINED,
    };
    if (vkCreateImage(sh->device, &ci, NULL, out) != VK_SUCCESS) {
        *out = VK_NULL_HANDLE;
        return false;
    }
    return true;
}

/* A 2D image in device memory of its own, with a view of view_format. */
static bool image_create(VkRenderer *vr, Image *img, VkFormat format, VkFormat view_format,
                         VkImageCreateFlags flags, VkImageUsageFlags usage, uint32_t width,
                         uint32_t height)
{
    *img = (Image){0};
    if (!new_image(vr->sh, &img->image, NULL, format, flags, usage, width, height))
        return false;
    VkMemoryRequirements req;
    vkGetImageMemoryRequirements(vr->device, img->image, &req);
    if (!allocate(vr->sh, &req, 0, VK_MEMORY_PROPERTY_DEVICE_LOCAL_BIT, NULL, &img->memory, NULL) ||
        vkBindImageMemory(vr->device, img->image, img->memory, 0) != VK_SUCCESS) {
        image_destroy(vr->sh, img);
        return false;
    }
    VkImageViewCreateInfo vi = {
        .sType = VK_STRUCTURE_TYPE_IMAGE_VIEW_CREATE_INFO,
        .image = img->image,
        .viewType = VK_IMAGE_VIEW_TYPE_2D,
        .format = view_format,
        .subresourceRange = {VK_IMAGE_ASPECT_COLOR_BIT, 0, 1, 0, 1},
    };
    if (vkCreateImageView(vr->device, &vi, NULL, &img->view) != VK_SUCCESS) {
        img->view = VK_NULL_HANDLE;
        image_destroy(vr->sh, img);
        return false;
    }
    return true;
}

static void buffer_destroy(Shared *sh, Buffer *b)
{
    if (b->map)
        vkUnmapMemory(sh->device, b->memory);
    if (b->buffer)
        vkDestroyBuffer(sh->device, b->buffer, NULL);
    release(sh, &b->memory);
    *b = (Buffer){0};
}

/* Makes b a mapped host-visible buffer of at least size bytes. */
static bool buffer_ensure(Shared *sh, Buffer *b, VkDeviceSize size)
{
    if (b->buffer && b->size >= size)
        return true;
    buffer_destroy(sh, b);
    VkBufferCreateInfo ci = {
        .sType = VK_STRUCTURE_TYPE_BUFFER_CREATE_INFO,
        .size = size,
        .usage = VK_BUFFER_USAGE_TRANSFER_SRC_BIT | VK_BUFFER_USAGE_TRANSFER_DST_BIT,
        .sharingMode = VK_SHARING_MODE_EXCLUSIVE,
    };
    if (vkCreateBuffer(sh->device, &ci, NULL, &b->buffer) != VK_SUCCESS) {
        b->buffer = VK_NULL_HANDLE;
        return false;
    }
    VkMemoryRequirements req;
    vkGetBufferMemoryRequirements(sh->device, b->buffer, &req);
    VkMemoryPropertyFlags got = 0;
    void *map = NULL;
    if (!allocate(sh, &req, VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT,
                  VK_MEMORY_PROPERTY_HOST_CACHED_BIT | VK_MEMORY_PROPERTY_HOST_COHERENT_BIT, NULL,
                  &b->memory, &got) ||
        vkBindBufferMemory(sh->device, b->buffer, b->memory, 0) != VK_SUCCESS ||
        vkMapMemory(sh->device, b->memory, 0, VK_WHOLE_SIZE, 0, &map) != VK_SUCCESS) {
        buffer_destroy(sh, b);
        return false;
    }
    b->map = map;
    b->size = size;
    b->coherent = (got & VK_MEMORY_PROPERTY_HOST_COHERENT_BIT) != 0;
    return true;
}

/* Host writes to b become visible to the device (before a submission), or the device's
 * writes to the host (after one). */
static void buffer_flush(Shared *sh, Buffer *b)
{
    if (b->coherent)
        return;
    VkMappedMemoryRange range = {
        .sType = VK_STRUCTURE_TYPE_MAPPED_MEMORY_RANGE,
        .memory = b->memory,
        .size = VK_WHOLE_SIZE,
    };
    vkFlushMappedMemoryRanges(sh->device, 1, &range);
}

static void buffer_invalidate(Shared *sh, Buffer *b)
{
    if (b->coherent)
        return;
    VkMappedMemoryRange range = {
        .sType = VK_STRUCTURE_TYPE_MAPPED_MEMORY_RANGE,
        .memory = b->memory,
        .size = VK_WHOLE_SIZE,
    };
    vkInvalidateMappedMemoryRanges(sh->device, 1, &range);
}

/* ---- Submission ---- */

/* The only stages the renderer uses. */
#define STAGES (VK_PIPELINE_STAGE_TRANSFER_BIT | VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT)

/* Every access before it is done and visible to every access after it. Submissions follow
 * each other with a fence wait in between, which orders them but does not make one's writes
 * visible to the next; each command buffer starts with this. */
static void barrier_all(VkRenderer *vr, VkPipelineStageFlags dst_stage, VkAccessFlags dst_access)
{
    VkMemoryBarrier mb = {
        .sType = VK_STRUCTURE_TYPE_MEMORY_BARRIER,
        .srcAccessMask = VK_ACCESS_SHADER_WRITE_BIT | VK_ACCESS_TRANSFER_WRITE_BIT,
        .dstAccessMask = dst_access,
    };
    vkCmdPipelineBarrier(vr->cmd, STAGES, dst_stage, 0, 1, &mb, 0, NULL, 0, NULL);
}

static void begin(VkRenderer *vr)
{
    vkResetCommandBuffer(vr->cmd, 0);
    VkCommandBufferBeginInfo bi = {
        .sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_BEGIN_INFO,
        .flags = VK_COMMAND_BUFFER_USAGE_ONE_TIME_SUBMIT_BIT,
    };
    vkBeginCommandBuffer(vr->cmd, &bi);
    barrier_all(vr, STAGES,
                VK_ACCESS_SHADER_READ_BIT | VK_ACCESS_SHADER_WRITE_BIT |
                    VK_ACCESS_TRANSFER_READ_BIT | VK_ACCESS_TRANSFER_WRITE_BIT);
}

/* Ends, submits and waits; afterwards the host sees what the commands wrote. */
/* Ends cmd, submits it to the queue (under the queue lock: other threads submit too) and
 * waits for fence, which is reset for the next use. */
static VkResult end_submit_wait(Shared *sh, VkCommandBuffer cmd, VkFence fence)
{
    VkResult r = vkEndCommandBuffer(cmd);
    if (r == VK_SUCCESS) {
        VkSubmitInfo si = {
            .sType = VK_STRUCTURE_TYPE_SUBMIT_INFO,
            .commandBufferCount = 1,
            .pCommandBuffers = &cmd,
        };
        g_mutex_lock(&sh->queue_lock);
        r = vkQueueSubmit(sh->queue, 1, &si, fence);
        g_mutex_unlock(&sh->queue_lock);
    }
    if (r == VK_SUCCESS)
        r = vkWaitForFences(sh->device, 1, &fence, VK_TRUE, UINT64_MAX);
    vkResetFences(sh->device, 1, &fence);
    return r;
}

static bool submit(VkRenderer *vr)
{
    barrier_all(vr, VK_PIPELINE_STAGE_HOST_BIT, VK_ACCESS_HOST_READ_BIT);
    VkResult r = end_submit_wait(vr->sh, vr->cmd, vr->fence);
    if (r != VK_SUCCESS) {
        g_warning("Vulkan renderer: a submission failed (%s); the display stops changing",
                  result_name(r));
        vr->broken = true;
        return false;
    }
    return true;
}

/* A new image goes to the layout it keeps for life. */
static void to_general(VkRenderer *vr, VkImage image)
{
    VkImageMemoryBarrier ib = {
        .sType = VK_STRUCTURE_TYPE_IMAGE_MEMORY_BARRIER,
        .srcAccessMask = 0,
        .dstAccessMask = VK_ACCESS_SHADER_READ_BIT | VK_ACCESS_SHADER_WRITE_BIT |
                         VK_ACCESS_TRANSFER_READ_BIT | VK_ACCESS_TRANSFER_WRITE_BIT,
        .oldLayout = VK_IMAGE_LAYOUT_UNDEFINED,
        .newLayout = VK_IMAGE_LAYOUT_GENERAL,
        .srcQueueFamilyIndex = VK_QUEUE_FAMILY_IGNORED,
        .dstQueueFamilyIndex = VK_QUEUE_FAMILY_IGNORED,
        .image = image,
        .subresourceRange = {VK_IMAGE_ASPECT_COLOR_BIT, 0, 1, 0, 1},
    };
    vkCmdPipelineBarrier(vr->cmd, VK_PIPELINE_STAGE_TOP_OF_PIPE_BIT, STAGES, 0, 0, NULL, 0, NULL, 1,
                         &ib);
}

/* ---- Transfers in pieces that fit the staging buffer ---- */

/* Calls fn for each piece of rect (in rows, then along a row when one row is too large),
 * in increasing order of position. fn fills or reads the staging buffer; the copy between it
 * and the image runs in between: to_image says which way. */
typedef void (*PieceFn)(VkRenderer *vr, const VrGpuRect *piece, void *data);

static bool transfer_pieces(VkRenderer *vr, Image *img, const VrGpuRect *rect, bool to_image,
                            PieceFn fn, void *data)
{
    if (rect->width == 0 || rect->height == 0)
        return true;
    uint64_t row_bytes = (uint64_t) rect->width * 4;
    uint32_t rows = (uint32_t) MIN((uint64_t) rect->height, MAX(1, STAGING_MAX / row_bytes));
    uint32_t cols = row_bytes > STAGING_MAX ? STAGING_MAX / 4 : rect->width;
    if (!buffer_ensure(vr->sh, &vr->staging, MIN((uint64_t) STAGING_MAX, row_bytes * rect->height)))
        return false;
    for (uint32_t y = 0; y < rect->height; y += rows)
        for (uint32_t x = 0; x < rect->width; x += cols) {
            VrGpuRect piece = {x, y, MIN(cols, rect->width - x), MIN(rows, rect->height - y)};
            if (to_image) {
                fn(vr, &piece, data);
                buffer_flush(vr->sh, &vr->staging);
            }
            VkBufferImageCopy region = {
                .bufferOffset = 0,
                .imageSubresource = {VK_IMAGE_ASPECT_COLOR_BIT, 0, 0, 1},
                .imageOffset = {(int32_t) (rect->x + x), (int32_t) (rect->y + y), 0},
                .imageExtent = {piece.width, piece.height, 1},
            };
            begin(vr);
            if (to_image)
                vkCmdCopyBufferToImage(vr->cmd, vr->staging.buffer, img->image,
                                       VK_IMAGE_LAYOUT_GENERAL, 1, &region);
            else
                vkCmdCopyImageToBuffer(vr->cmd, img->image, VK_IMAGE_LAYOUT_GENERAL,
                                       vr->staging.buffer, 1, &region);
            if (!submit(vr))
                return false;
            if (!to_image) {
                buffer_invalidate(vr->sh, &vr->staging);
                fn(vr, &piece, data);
            }
        }
    return true;
}

/* The guest's backing: an iovec list read at increasing offsets. */
typedef struct {
    const struct iovec *iov;
    unsigned n, i;
    uint64_t entry_start; /* offset of entry i */
    uint64_t offset;
    uint32_t stride;
} Backing;

static void backing_read(Backing *b, uint64_t at, uint8_t *dst, size_t len)
{
    if (at < b->entry_start) {
        b->i = 0;
        b->entry_start = 0;
    }
    while (len > 0 && b->i < b->n) {
        uint64_t end = b->entry_start + b->iov[b->i].iov_len;
        if (at >= end) {
            b->entry_start = end;
            b->i++;
            continue;
        }
        size_t n = (size_t) MIN((uint64_t) len, end - at);
        memcpy(dst, (const uint8_t *) b->iov[b->i].iov_base + (at - b->entry_start), n);
        dst += n;
        at += n;
        len -= n;
    }
}

static void gather_piece(VkRenderer *vr, const VrGpuRect *piece, void *data)
{
    Backing *b = data;
    size_t row = (size_t) piece->width * 4;
    for (uint32_t y = 0; y < piece->height; y++)
        backing_read(b, b->offset + (uint64_t) (piece->y + y) * b->stride + (uint64_t) piece->x * 4,
                     vr->staging.map + y * row, row);
}

/* A whole image's bytes in a host buffer, rows width * 4 bytes apart. */
typedef struct {
    uint8_t *buf;
    uint32_t width;
} HostImage;

static void host_to_piece(VkRenderer *vr, const VrGpuRect *piece, void *data)
{
    HostImage *h = data;
    size_t row = (size_t) piece->width * 4;
    for (uint32_t y = 0; y < piece->height; y++)
        memcpy(vr->staging.map + y * row,
               h->buf + ((size_t) (piece->y + y) * h->width + piece->x) * 4, row);
}

static void piece_to_host(VkRenderer *vr, const VrGpuRect *piece, void *data)
{
    HostImage *h = data;
    size_t row = (size_t) piece->width * 4;
    for (uint32_t y = 0; y < piece->height; y++)
        memcpy(h->buf + ((size_t) (piece->y + y) * h->width + piece->x) * 4,
               vr->staging.map + y * row, row);
}

/* ---- Frames ---- */

/* A frame image and readback buffer of width x height. */
static bool frame_image_ensure(VkRenderer *vr, uint32_t width, uint32_t height)
{
    if (vr->frame_image.image && vr->frame_width == width && vr->frame_height == height)
        return true;
    image_destroy(vr->sh, &vr->frame_image);
    vr->frame_width = vr->frame_height = 0;
    if (!image_create(vr, &vr->frame_image, vr->frame_format, VK_FORMAT_R8G8B8A8_UINT,
                      VK_IMAGE_CREATE_MUTABLE_FORMAT_BIT,
                      VK_IMAGE_USAGE_STORAGE_BIT | VK_IMAGE_USAGE_TRANSFER_SRC_BIT |
                          VK_IMAGE_USAGE_SAMPLED_BIT,
                      width, height) ||
        !buffer_ensure(vr->sh, &vr->readback, (VkDeviceSize) width * height * 4)) {
        image_destroy(vr->sh, &vr->frame_image);
        return false;
    }
    begin(vr);
    to_general(vr, vr->frame_image.image);
    if (!submit(vr))
        return false;
    vr->frame_width = width;
    vr->frame_height = height;
    return true;
}

/* ---- Exported frames ---- */

static void shared_unref(Shared *sh);

static void slot_free(Slot *slot)
{
    Shared *sh = slot->sh;
    if (slot->pub.memory_fd >= 0)
        close(slot->pub.memory_fd);
    if (slot->image)
        vkDestroyImage(sh->device, slot->image, NULL);
    release(sh, &slot->memory);
    g_free(slot);
    shared_unref(sh);
}

static void slot_release(VrGpuFrameImage *image)
{
    Slot *slot = (Slot *) image;
    g_mutex_lock(&slots_lock);
    slot->in_use = false;
    bool gone = slot->retired;
    g_mutex_unlock(&slots_lock);
    if (gone)
        slot_free(slot);
}

static void slot_retire(Slot *slot)
{
    g_mutex_lock(&slots_lock);
    slot->retired = true;
    bool free_now = !slot->in_use;
    g_mutex_unlock(&slots_lock);
    if (free_now)
        slot_free(slot);
}

/* The renderer lets its slots go: those no frame shows now, the others with their last
 * frame. */
static void slots_retire(VkRenderer *vr)
{
    for (unsigned i = 0; i < MAX_SLOTS; i++)
        if (vr->slots[i]) {
            slot_retire(vr->slots[i]);
            vr->slots[i] = NULL;
        }
}

/* The image's ownership between the renderer's queue and the importer (GL): taken back
 * before the renderer touches it (from "undefined" when it is new), handed over after. */
static void slot_barrier(VkCommandBuffer cmd, uint32_t family, Slot *slot, bool acquire, bool fresh,
                         VkAccessFlags access)
{
    VkImageMemoryBarrier ib = {
        .sType = VK_STRUCTURE_TYPE_IMAGE_MEMORY_BARRIER,
        .srcAccessMask = acquire ? 0 : access,
        .dstAccessMask = acquire ? access : 0,
        .oldLayout = fresh ? VK_IMAGE_LAYOUT_UNDEFINED : VK_IMAGE_LAYOUT_GENERAL,
        .newLayout = VK_IMAGE_LAYOUT_GENERAL,
        .srcQueueFamilyIndex = fresh     ? VK_QUEUE_FAMILY_IGNORED
                               : acquire ? VK_QUEUE_FAMILY_EXTERNAL
                                         : family,
        .dstQueueFamilyIndex = fresh     ? VK_QUEUE_FAMILY_IGNORED
                               : acquire ? family
                                         : VK_QUEUE_FAMILY_EXTERNAL,
        .image = slot->image,
        .subresourceRange = {VK_IMAGE_ASPECT_COLOR_BIT, 0, 1, 0, 1},
    };
    vkCmdPipelineBarrier(
        cmd, acquire ? VK_PIPELINE_STAGE_TOP_OF_PIPE_BIT : VK_PIPELINE_STAGE_TRANSFER_BIT,
        acquire ? VK_PIPELINE_STAGE_TRANSFER_BIT : VK_PIPELINE_STAGE_BOTTOM_OF_PIPE_BIT, 0, 0, NULL,
        0, NULL, 1, &ib);
}

/* The pixels of an exported image, read back on the caller's thread with a command buffer
 * of their own; R, G, B, A become B, G, R, 0xff (XRGB8888). */
static bool slot_read(VrGpuFrameImage *image, uint8_t *pixels, uint32_t stride)
{
    Slot *slot = (Slot *) image;
    Shared *sh = slot->sh;
    uint32_t w = image->width, h = image->height;
    g_mutex_lock(&sh->read_lock);
    bool ok = buffer_ensure(sh, &sh->read_buffer, (VkDeviceSize) w * h * 4);
    if (ok) {
        VkCommandBufferBeginInfo bi = {
            .sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_BEGIN_INFO,
            .flags = VK_COMMAND_BUFFER_USAGE_ONE_TIME_SUBMIT_BIT,
        };
        vkResetCommandBuffer(sh->read_cmd, 0);
        vkBeginCommandBuffer(sh->read_cmd, &bi);
        slot_barrier(sh->read_cmd, sh->family, slot, true, false, VK_ACCESS_TRANSFER_READ_BIT);
        VkBufferImageCopy region = {
            .imageSubresource = {VK_IMAGE_ASPECT_COLOR_BIT, 0, 0, 1},
            .imageExtent = {w, h, 1},
        };
        vkCmdCopyImageToBuffer(sh->read_cmd, slot->image, VK_IMAGE_LAYOUT_GENERAL,
                               sh->read_buffer.buffer, 1, &region);
        VkMemoryBarrier mb = {
            .sType = VK_STRUCTURE_TYPE_MEMORY_BARRIER,
            .srcAccessMask = VK_ACCESS_TRANSFER_WRITE_BIT,
            .dstAccessMask = VK_ACCESS_HOST_READ_BIT,
        };
        vkCmdPipelineBarrier(sh->read_cmd, VK_PIPELINE_STAGE_TRANSFER_BIT,
                             VK_PIPELINE_STAGE_HOST_BIT, 0, 1, &mb, 0, NULL, 0, NULL);
        slot_barrier(sh->read_cmd, sh->family, slot, false, false, VK_ACCESS_TRANSFER_READ_BIT);
        VkResult r = end_submit_wait(sh, sh->read_cmd, sh->read_fence);
        ok = r == VK_SUCCESS;
        if (!ok)
            g_warning("Vulkan renderer: reading a frame back failed (%s)", result_name(r));
    }
    if (ok) {
        buffer_invalidate(sh, &sh->read_buffer);
        for (uint32_t y = 0; y < h; y++) {
            const uint8_t *src = sh->read_buffer.map + (size_t) y * w * 4;
            uint8_t *dst = pixels + (size_t) y * stride;
            for (uint32_t x = 0; x < w; x++, src += 4, dst += 4) {
                dst[0] = src[2];
                dst[1] = src[1];
                dst[2] = src[0];
                dst[3] = 0xff;
            }
        }
    }
    g_mutex_unlock(&sh->read_lock);
    return ok;
}

/* A new exportable image of width x height, its memory's file descriptor taken. */
static Slot *slot_create(VkRenderer *vr, uint32_t width, uint32_t height)
{
    Shared *sh = vr->sh;
    Slot *slot = g_new0(Slot, 1);
    slot->pub.memory_fd = -1;
    slot->sh = sh;
    g_atomic_ref_count_inc(&sh->ref);
    VkExternalMemoryImageCreateInfo ext = {
        .sType = VK_STRUCTURE_TYPE_EXTERNAL_MEMORY_IMAGE_CREATE_INFO,
        .handleTypes = VK_EXTERNAL_MEMORY_HANDLE_TYPE_OPAQUE_FD_BIT,
    };
    if (!new_image(sh, &slot->image, &ext, SLOT_FORMAT, 0, SLOT_USAGE, width, height)) {
        slot_free(slot);
        return NULL;
    }
    VkMemoryRequirements req;
    vkGetImageMemoryRequirements(sh->device, slot->image, &req);
    VkMemoryDedicatedAllocateInfo dedicated = {
        .sType = VK_STRUCTURE_TYPE_MEMORY_DEDICATED_ALLOCATE_INFO,
        .image = slot->image,
    };
    VkExportMemoryAllocateInfo export = {
        .sType = VK_STRUCTURE_TYPE_EXPORT_MEMORY_ALLOCATE_INFO,
        .pNext = &dedicated,
        .handleTypes = VK_EXTERNAL_MEMORY_HANDLE_TYPE_OPAQUE_FD_BIT,
    };
    VkMemoryGetFdInfoKHR fd_info = {
        .sType = VK_STRUCTURE_TYPE_MEMORY_GET_FD_INFO_KHR,
        .handleType = VK_EXTERNAL_MEMORY_HANDLE_TYPE_OPAQUE_FD_BIT,
    };
    if (!allocate(sh, &req, 0, VK_MEMORY_PROPERTY_DEVICE_LOCAL_BIT, &export, &slot->memory, NULL) ||
        vkBindImageMemory(sh->device, slot->image, slot->memory, 0) != VK_SUCCESS ||
        (fd_info.memory = slot->memory,
         sh->get_memory_fd(sh->device, &fd_info, &slot->pub.memory_fd) != VK_SUCCESS)) {
        slot->pub.memory_fd = -1;
        slot_free(slot);
        return NULL;
    }
    g_mutex_lock(&slots_lock);
    slot->pub.id = next_image_id++;
    g_mutex_unlock(&slots_lock);
    slot->pub.memory_size = req.size;
    slot->pub.width = width;
    slot->pub.height = height;
    memcpy(slot->pub.device_uuid, vr->device_uuid, VK_UUID_SIZE);
    memcpy(slot->pub.driver_uuid, vr->driver_uuid, VK_UUID_SIZE);
    slot->pub.read = slot_read;
    slot->pub.release = slot_release;
    slot->stale = (VrGpuRect){0, 0, width, height};
    slot->have_stale = true;
    return slot;
}

/* A slot of width x height that no frame shows, marked as shown; *fresh when it was just
 * made. NULL when all MAX_SLOTS are shown or there is no memory for another. */
static Slot *slot_pick(VkRenderer *vr, uint32_t width, uint32_t height, bool *fresh)
{
    int empty = -1;
    for (unsigned i = 0; i < MAX_SLOTS; i++) {
        Slot *slot = vr->slots[i];
        if (slot && (slot->pub.width != width || slot->pub.height != height)) {
            slot_retire(slot);
            vr->slots[i] = slot = NULL;
        }
        if (!slot) {
            if (empty < 0)
                empty = (int) i;
            continue;
        }
        g_mutex_lock(&slots_lock);
        bool free_slot = !slot->in_use;
        slot->in_use = true;
        g_mutex_unlock(&slots_lock);
        if (free_slot) {
            *fresh = false;
            return slot;
        }
    }
    if (empty < 0)
        return NULL;
    Slot *slot = slot_create(vr, width, height);
    if (!slot)
        return NULL;
    slot->in_use = true;
    vr->slots[empty] = slot;
    *fresh = true;
    return slot;
}

/* Whether exportable images of the frame format's kind can be made at all. */
static bool can_export_images(VkRenderer *vr)
{
    VkPhysicalDeviceExternalImageFormatInfo ext_info = {
        .sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_EXTERNAL_IMAGE_FORMAT_INFO,
        .handleType = VK_EXTERNAL_MEMORY_HANDLE_TYPE_OPAQUE_FD_BIT,
    };
    VkPhysicalDeviceImageFormatInfo2 info = {
        .sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_IMAGE_FORMAT_INFO_2,
        .pNext = &ext_info,
        .format = SLOT_FORMAT,
        .type = VK_IMAGE_TYPE_2D,
        .tiling = VK_IMAGE_TILING_OPTIMAL,
        .usage = SLOT_USAGE,
    };
    VkExternalImageFormatProperties ext_props = {
        .sType = VK_STRUCTURE_TYPE_EXTERNAL_IMAGE_FORMAT_PROPERTIES,
    };
    VkImageFormatProperties2 props = {
        .sType = VK_STRUCTURE_TYPE_IMAGE_FORMAT_PROPERTIES_2,
        .pNext = &ext_props,
    };
    if (vkGetPhysicalDeviceImageFormatProperties2(vr->physical, &info, &props) != VK_SUCCESS)
        return false;
    return (ext_props.externalMemoryProperties.externalMemoryFeatures &
            VK_EXTERNAL_MEMORY_FEATURE_EXPORTABLE_BIT) != 0;
}

static bool vk_export_frames(VrRenderer *r, bool on, uint8_t device_uuid[16],
                             uint8_t driver_uuid[16])
{
    VkRenderer *vr = (VkRenderer *) r;
    if (!vr->sh->get_memory_fd || !can_export_images(vr))
        return false;
    g_atomic_int_set(&vr->export_on, on);
    memcpy(device_uuid, vr->device_uuid, VK_UUID_SIZE);
    memcpy(driver_uuid, vr->driver_uuid, VK_UUID_SIZE);
    return true;
}

/* Composes the n frame rectangles (already clipped to the frame) on the device and
 * publishes the result as the next frame; a new frame of the scanout's size, composed whole,
 * when full. Exporting, the frame image is copied into a free slot that the frame shows;
 * otherwise (or with no slot free) the rectangles are read back into the frame's pixels. */
static void update_frame(VrRenderer *renderer, const VrGpuRect *rects, unsigned n, bool full)
{
    VkRenderer *vr = (VkRenderer *) renderer;
    if (!vr->screen.scanout || vr->broken)
        return;
    uint32_t w = vr->screen.scanout_rect.width, h = vr->screen.scanout_rect.height;
    VrGpuRect all = {0, 0, w, h};
    if (!vr->frame_image.image || vr->frame_width != w || vr->frame_height != h)
        full = true; /* a new frame image: nothing composed in it yet */
    if (!frame_image_ensure(vr, w, h)) {
        g_warning("Vulkan renderer: no device memory for a %ux%u frame", w, h);
        return;
    }
    bool fresh = false;
    Slot *slot = g_atomic_int_get(&vr->export_on) ? slot_pick(vr, w, h, &fresh) : NULL;
    /* Pixels are read back only for what changed, onto the pixels of the frame before; all
     * of them when that frame has none (it showed an image). */
    bool read_all = false;
    g_mutex_lock(&vr->screen.lock);
    if (!slot &&
        (!vr->screen.frame || vr->screen.frame->width != w || vr->screen.frame->height != h))
        full = true;
    else if (!slot && vr->screen.frame->image)
        read_all = true;
    g_mutex_unlock(&vr->screen.lock);
    if (full) {
        rects = &all;
        n = 1;
    }

    VkDescriptorImageInfo images[3] = {
        {VK_NULL_HANDLE, vr->screen.scanout->image.view, VK_IMAGE_LAYOUT_GENERAL},
        {VK_NULL_HANDLE, vr->cursor_image.view, VK_IMAGE_LAYOUT_GENERAL},
        {VK_NULL_HANDLE, vr->frame_image.view, VK_IMAGE_LAYOUT_GENERAL},
    };
    VkWriteDescriptorSet write = {
        .sType = VK_STRUCTURE_TYPE_WRITE_DESCRIPTOR_SET,
        .dstSet = vr->set,
        .dstBinding = 0,
        .descriptorCount = 3,
        .descriptorType = VK_DESCRIPTOR_TYPE_STORAGE_IMAGE,
        .pImageInfo = images,
    };
    vkUpdateDescriptorSets(vr->device, 1, &write, 0, NULL);

    ComposeParams p = {0};
    format_bytes(vr->screen.scanout->format, false, p.scanout_bytes);
    format_bytes(vr->cursor_format, true, p.cursor_bytes);
    VrGpuRect on_frame;
    if (vr_screen_cursor_rect(&vr->screen, &on_frame)) {
        /* Some of the cursor is on the frame, so its corner is within 256 of it. */
        p.cursor_pos[0] = (int32_t) (vr->screen.cursor_x - vr->screen.hot_x);
        p.cursor_pos[1] = (int32_t) (vr->screen.cursor_y - vr->screen.hot_y);
        p.cursor_size[0] = (int32_t) vr->screen.cursor_width;
        p.cursor_size[1] = (int32_t) vr->screen.cursor_height;
    }

    begin(vr);
    vkCmdBindPipeline(vr->cmd, VK_PIPELINE_BIND_POINT_COMPUTE, vr->pipeline);
    vkCmdBindDescriptorSets(vr->cmd, VK_PIPELINE_BIND_POINT_COMPUTE, vr->pipeline_layout, 0, 1,
                            &vr->set, 0, NULL);
    VkBufferImageCopy regions[2];
    g_assert(n <= G_N_ELEMENTS(regions));
    VrGpuRect changed = {0, 0, 0, 0};
    bool have_changed = false;
    for (unsigned i = 0; i < n; i++) {
        const VrGpuRect *r = &rects[i];
        p.src[0] = (int32_t) (vr->screen.scanout_rect.x + r->x);
        p.src[1] = (int32_t) (vr->screen.scanout_rect.y + r->y);
        p.dst[0] = (int32_t) r->x;
        p.dst[1] = (int32_t) r->y;
        p.size[0] = (int32_t) r->width;
        p.size[1] = (int32_t) r->height;
        vkCmdPushConstants(vr->cmd, vr->pipeline_layout, VK_SHADER_STAGE_COMPUTE_BIT, 0, sizeof(p),
                           &p);
        vkCmdDispatch(vr->cmd, (r->width + GROUP_SIZE - 1) / GROUP_SIZE,
                      (r->height + GROUP_SIZE - 1) / GROUP_SIZE, 1);
        regions[i] = (VkBufferImageCopy){
            .bufferOffset = ((VkDeviceSize) r->y * w + r->x) * 4,
            .bufferRowLength = w,
            .imageSubresource = {VK_IMAGE_ASPECT_COLOR_BIT, 0, 0, 1},
            .imageOffset = {(int32_t) r->x, (int32_t) r->y, 0},
            .imageExtent = {r->width, r->height, 1},
        };
        vr_gpu_rect_union(&changed, &have_changed, r);
    }
    VkMemoryBarrier mb = {
        .sType = VK_STRUCTURE_TYPE_MEMORY_BARRIER,
        .srcAccessMask = VK_ACCESS_SHADER_WRITE_BIT,
        .dstAccessMask = VK_ACCESS_TRANSFER_READ_BIT,
    };
    vkCmdPipelineBarrier(vr->cmd, VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT,
                         VK_PIPELINE_STAGE_TRANSFER_BIT, 0, 1, &mb, 0, NULL, 0, NULL);
    if (slot) {
        /* What changed now and what the slot missed while other frames were drawn. */
        VrGpuRect copy = changed;
        bool have_copy = have_changed;
        if (slot->have_stale)
            vr_gpu_rect_union(&copy, &have_copy, &slot->stale);
        slot_barrier(vr->cmd, vr->sh->family, slot, true, fresh, VK_ACCESS_TRANSFER_WRITE_BIT);
        if (have_copy) {
            VkOffset3D from = {(int32_t) copy.x, (int32_t) copy.y, 0};
            VkOffset3D to = {(int32_t) (copy.x + copy.width), (int32_t) (copy.y + copy.height), 1};
            VkImageBlit blit = {
                .srcSubresource = {VK_IMAGE_ASPECT_COLOR_BIT, 0, 0, 1},
                .srcOffsets = {from, to},
                .dstSubresource = {VK_IMAGE_ASPECT_COLOR_BIT, 0, 0, 1},
                .dstOffsets = {from, to},
            };
            /* A blit converts: B8G8R8A8 in the frame image, R8G8B8A8 in the slot. */
            vkCmdBlitImage(vr->cmd, vr->frame_image.image, VK_IMAGE_LAYOUT_GENERAL, slot->image,
                           VK_IMAGE_LAYOUT_GENERAL, 1, &blit, VK_FILTER_NEAREST);
        }
        slot_barrier(vr->cmd, vr->sh->family, slot, false, false, VK_ACCESS_TRANSFER_WRITE_BIT);
    } else {
        if (read_all)
            regions[0] = (VkBufferImageCopy){
                .bufferRowLength = w,
                .imageSubresource = {VK_IMAGE_ASPECT_COLOR_BIT, 0, 0, 1},
                .imageExtent = {w, h, 1},
            };
        vkCmdCopyImageToBuffer(vr->cmd, vr->frame_image.image, VK_IMAGE_LAYOUT_GENERAL,
                               vr->readback.buffer, read_all ? 1 : n, regions);
    }
    if (!submit(vr)) {
        if (slot)
            slot_release(&slot->pub);
        return;
    }
    /* Every other slot now misses what changed. */
    for (unsigned i = 0; i < MAX_SLOTS; i++) {
        Slot *other = vr->slots[i];
        if (!other)
            continue;
        if (other == slot)
            other->have_stale = false;
        else if (have_changed)
            vr_gpu_rect_union(&other->stale, &other->have_stale, &changed);
    }

    VrGpuFrame *f;
    if (slot) {
        f = vr_gpu_frame_new_image(&slot->pub);
        g_mutex_lock(&vr->screen.lock);
    } else {
        buffer_invalidate(vr->sh, &vr->readback);
        g_mutex_lock(&vr->screen.lock);
        f = vr->screen.frame;
        if (read_all) {
            f = vr_gpu_frame_new(w, h, false);
            memcpy(f->pixels, vr->readback.map, (size_t) f->stride * h);
            n = 0;
        } else if (full) {
            f = vr_gpu_frame_new(w, h, false);
        } else if (!g_atomic_ref_count_compare(&f->refcount, 1)) {
            /* A viewer holds the current frame: change a copy. */
            VrGpuFrame *copy = vr_gpu_frame_new(w, h, false);
            memcpy(copy->pixels, f->pixels, (size_t) f->stride * h);
            f = copy;
        } else {
            vr->screen.frame = NULL; /* changed in place below */
        }
        for (unsigned i = 0; i < n; i++) {
            const VrGpuRect *r = &rects[i];
            for (uint32_t y = r->y; y < r->y + r->height; y++) {
                size_t at = ((size_t) y * w + r->x) * 4;
                memcpy(f->pixels + at, vr->readback.map + at, (size_t) r->width * 4);
            }
        }
    }
    f->dirty = have_changed ? changed : (VrGpuRect){0, 0, 0, 0};
    vr_screen_publish_locked(&vr->screen, f);
    g_mutex_unlock(&vr->screen.lock);
}

/* ---- Operations ---- */

static VrRendererResource *vk_resource_create(VrRenderer *r, uint32_t format, uint32_t width,
                                              uint32_t height)
{
    VkRenderer *vr = (VkRenderer *) r;
    if (vr->broken || width > vr->max_dimension || height > vr->max_dimension)
        return NULL;
    VrRendererResource *res = g_new0(VrRendererResource, 1);
    res->format = format;
    res->width = width;
    res->height = height;
    if (!image_create(vr, &res->image, VK_FORMAT_R8G8B8A8_UINT, VK_FORMAT_R8G8B8A8_UINT, 0,
                      VK_IMAGE_USAGE_TRANSFER_SRC_BIT | VK_IMAGE_USAGE_TRANSFER_DST_BIT |
                          VK_IMAGE_USAGE_STORAGE_BIT,
                      width, height)) {
        g_free(res);
        return NULL;
    }
    begin(vr);
    to_general(vr, res->image.image);
    VkClearColorValue zero = {.uint32 = {0, 0, 0, 0}};
    VkImageSubresourceRange range = {VK_IMAGE_ASPECT_COLOR_BIT, 0, 1, 0, 1};
    vkCmdClearColorImage(vr->cmd, res->image.image, VK_IMAGE_LAYOUT_GENERAL, &zero, 1, &range);
    if (!submit(vr)) {
        image_destroy(vr->sh, &res->image);
        g_free(res);
        return NULL;
    }
    return res;
}

static void vk_resource_destroy(VrRenderer *r, VrRendererResource *res)
{
    VkRenderer *vr = (VkRenderer *) r;
    image_destroy(vr->sh, &res->image);
    g_free(res);
}

static void vk_resource_write(VrRenderer *r, VrRendererResource *res, const VrGpuRect *rect,
                              const struct iovec *backing, unsigned n_backing, uint64_t offset,
                              uint32_t stride)
{
    VkRenderer *vr = (VkRenderer *) r;
    if (vr->broken || rect->width == 0 || rect->height == 0)
        return;
    Backing b = {backing, n_backing, 0, 0, offset, stride};
    if (!transfer_pieces(vr, &res->image, rect, true, gather_piece, &b))
        g_warning("Vulkan renderer: a transfer of %ux%u pixels failed", rect->width, rect->height);
}

static void vk_resource_read_all(VrRenderer *r, VrRendererResource *res, uint8_t *buf)
{
    VkRenderer *vr = (VkRenderer *) r;
    HostImage h = {buf, res->width};
    VrGpuRect all = {0, 0, res->width, res->height};
    if (vr->broken || !transfer_pieces(vr, &res->image, &all, false, piece_to_host, &h))
        memset(buf, 0, (size_t) res->width * res->height * 4);
}

static void vk_resource_write_all(VrRenderer *r, VrRendererResource *res, const uint8_t *buf)
{
    VkRenderer *vr = (VkRenderer *) r;
    HostImage h = {(uint8_t *) buf, res->width};
    VrGpuRect all = {0, 0, res->width, res->height};
    if (!vr->broken)
        transfer_pieces(vr, &res->image, &all, true, host_to_piece, &h);
}

static void vk_set_scanout(VrRenderer *r, unsigned index, VrRendererResource *res,
                           const VrGpuRect *rect)
{
    vr_screen_set_scanout(&((VkRenderer *) r)->screen, res, rect);
}

static void vk_flush(VrRenderer *r, VrRendererResource *res, const VrGpuRect *rect)
{
    vr_screen_flush(&((VkRenderer *) r)->screen, res, rect);
}

static void vk_move_cursor(VrRenderer *r, unsigned index, uint32_t x, uint32_t y)
{
    vr_screen_move_cursor(&((VkRenderer *) r)->screen, x, y);
}

static VrGpuFrame *vk_get_frame(VrRenderer *r, unsigned index)
{
    return vr_screen_get_frame(&((VkRenderer *) r)->screen);
}

static void vk_set_cursor(VrRenderer *r, VrRendererResource *res, uint32_t hot_x, uint32_t hot_y,
                          unsigned index, uint32_t x, uint32_t y)
{
    VkRenderer *vr = (VkRenderer *) r;
    VrGpuRect before;
    bool had = vr_screen_cursor_rect(&vr->screen, &before);
    vr->screen.have_cursor = false;
    if (res && !vr->broken) {
        uint32_t w = MIN(res->width, CURSOR_MAX), h = MIN(res->height, CURSOR_MAX);
        VkImageCopy region = {
            .srcSubresource = {VK_IMAGE_ASPECT_COLOR_BIT, 0, 0, 1},
            .dstSubresource = {VK_IMAGE_ASPECT_COLOR_BIT, 0, 0, 1},
            .extent = {w, h, 1},
        };
        begin(vr);
        vkCmdCopyImage(vr->cmd, res->image.image, VK_IMAGE_LAYOUT_GENERAL, vr->cursor_image.image,
                       VK_IMAGE_LAYOUT_GENERAL, 1, &region);
        if (submit(vr)) {
            vr->screen.have_cursor = true;
            vr->cursor_format = res->format;
            vr->screen.cursor_width = w;
            vr->screen.cursor_height = h;
        }
    }
    vr_screen_cursor_set(&vr->screen, &before, had, hot_x, hot_y, x, y);
}

static void shared_unref(Shared *sh)
{
    if (!g_atomic_ref_count_dec(&sh->ref))
        return;
    if (sh->device) {
        vkDeviceWaitIdle(sh->device);
        buffer_destroy(sh, &sh->read_buffer);
        if (sh->read_fence)
            vkDestroyFence(sh->device, sh->read_fence, NULL);
        if (sh->read_pool)
            vkDestroyCommandPool(sh->device, sh->read_pool, NULL);
        vkDestroyDevice(sh->device, NULL);
    }
    g_mutex_clear(&sh->queue_lock);
    g_mutex_clear(&sh->read_lock);
    g_free(sh);
}

static void vk_free(VrRenderer *r)
{
    VkRenderer *vr = (VkRenderer *) r;
    Shared *sh = vr->sh;
    if (vr->device) {
        g_mutex_lock(&sh->queue_lock);
        vkDeviceWaitIdle(vr->device);
        g_mutex_unlock(&sh->queue_lock);
        slots_retire(vr);
        image_destroy(sh, &vr->frame_image);
        image_destroy(sh, &vr->cursor_image);
        buffer_destroy(sh, &vr->staging);
        buffer_destroy(sh, &vr->readback);
        if (vr->pipeline)
            vkDestroyPipeline(vr->device, vr->pipeline, NULL);
        if (vr->pipeline_layout)
            vkDestroyPipelineLayout(vr->device, vr->pipeline_layout, NULL);
        if (vr->descriptor_pool)
            vkDestroyDescriptorPool(vr->device, vr->descriptor_pool, NULL);
        if (vr->set_layout)
            vkDestroyDescriptorSetLayout(vr->device, vr->set_layout, NULL);
        if (vr->fence)
            vkDestroyFence(vr->device, vr->fence, NULL);
        if (vr->pool)
            vkDestroyCommandPool(vr->device, vr->pool, NULL);
    }
    vr_screen_clear(&vr->screen);
    shared_unref(sh);
    g_free(vr);
}

static const VrRendererOps vulkan_ops = {
    .name = "vulkan",
    .resource_create = vk_resource_create,
    .resource_destroy = vk_resource_destroy,
    .resource_write = vk_resource_write,
    .resource_read_all = vk_resource_read_all,
    .resource_write_all = vk_resource_write_all,
    .set_scanout = vk_set_scanout,
    .flush = vk_flush,
    .set_cursor = vk_set_cursor,
    .move_cursor = vk_move_cursor,
    .get_frame = vk_get_frame,
    .export_frames = vk_export_frames,
    .free = vk_free,
};

/* ---- Set-up ---- */

static bool has_features(VkPhysicalDevice pd, VkFormat format, VkFormatFeatureFlags need)
{
    VkFormatProperties fp;
    vkGetPhysicalDeviceFormatProperties(pd, format, &fp);
    return (fp.optimalTilingFeatures & need) == need;
}

static bool has_extension(VkPhysicalDevice pd, const char *name)
{
    uint32_t n = 0;
    vkEnumerateDeviceExtensionProperties(pd, NULL, &n, NULL);
    g_autofree VkExtensionProperties *ext = g_new(VkExtensionProperties, MAX(n, 1));
    vkEnumerateDeviceExtensionProperties(pd, NULL, &n, ext);
    for (uint32_t i = 0; i < n; i++)
        if (strcmp(ext[i].extensionName, name) == 0)
            return true;
    return false;
}

/* How much a device type is preferred: a real GPU before a software one. */
static int type_rank(VkPhysicalDeviceType type)
{
    switch (type) {
    case VK_PHYSICAL_DEVICE_TYPE_DISCRETE_GPU: return 4;
    case VK_PHYSICAL_DEVICE_TYPE_INTEGRATED_GPU: return 3;
    case VK_PHYSICAL_DEVICE_TYPE_VIRTUAL_GPU: return 2;
    case VK_PHYSICAL_DEVICE_TYPE_CPU: return 1;
    default: return 0;
    }
}

/* Picks the best device with a compute queue and the image formats the renderer needs; its
 * queue family in *family. On failure, *why says what the last device lacked. */
static bool pick_device(VkRenderer *vr, uint32_t *family, char **why)
{
    uint32_t n = 0;
    vkEnumeratePhysicalDevices(vr->sh->instance, &n, NULL);
    if (n == 0) {
        *why = g_strdup(_("There is no Vulkan device."));
        return false;
    }
    g_autofree VkPhysicalDevice *devices = g_new(VkPhysicalDevice, n);
    vkEnumeratePhysicalDevices(vr->sh->instance, &n, devices);
    int best_rank = -1;
    for (uint32_t d = 0; d < n; d++) {
        VkPhysicalDeviceProperties props;
        vkGetPhysicalDeviceProperties(devices[d], &props);
        const VkFormatFeatureFlags resource_features = VK_FORMAT_FEATURE_STORAGE_IMAGE_BIT |
                                                       VK_FORMAT_FEATURE_TRANSFER_SRC_BIT |
                                                       VK_FORMAT_FEATURE_TRANSFER_DST_BIT;
        if (!has_features(devices[d], VK_FORMAT_R8G8B8A8_UINT, resource_features) ||
            !has_features(devices[d], VK_FORMAT_R8G8B8A8_UNORM,
                          VK_FORMAT_FEATURE_STORAGE_IMAGE_BIT |
                              VK_FORMAT_FEATURE_TRANSFER_SRC_BIT)) {
            g_free(*why);
            *why = g_strdup_printf(_("The Vulkan device %s cannot store 8-bit RGBA images."),
                                   props.deviceName);
            continue;
        }
        uint32_t nq = 0;
        vkGetPhysicalDeviceQueueFamilyProperties(devices[d], &nq, NULL);
        g_autofree VkQueueFamilyProperties *queues = g_new(VkQueueFamilyProperties, nq);
        vkGetPhysicalDeviceQueueFamilyProperties(devices[d], &nq, queues);
        uint32_t q = 0;
        while (q < nq && !(queues[q].queueFlags & VK_QUEUE_COMPUTE_BIT))
            q++;
        if (q == nq) {
            g_free(*why);
            *why =
                g_strdup_printf(_("The Vulkan device %s has no compute queue."), props.deviceName);
            continue;
        }
        if (type_rank(props.deviceType) > best_rank) {
            best_rank = type_rank(props.deviceType);
            vr->physical = devices[d];
            *family = q;
        }
    }
    return best_rank >= 0;
}

static bool create_pipeline(VkRenderer *vr)
{
    VkDescriptorSetLayoutBinding bindings[3];
    for (uint32_t i = 0; i < 3; i++)
        bindings[i] = (VkDescriptorSetLayoutBinding){
            .binding = i,
            .descriptorType = VK_DESCRIPTOR_TYPE_STORAGE_IMAGE,
            .descriptorCount = 1,
            .stageFlags = VK_SHADER_STAGE_COMPUTE_BIT,
        };
    VkDescriptorSetLayoutCreateInfo sli = {
        .sType = VK_STRUCTURE_TYPE_DESCRIPTOR_SET_LAYOUT_CREATE_INFO,
        .bindingCount = 3,
        .pBindings = bindings,
    };
    if (vkCreateDescriptorSetLayout(vr->device, &sli, NULL, &vr->set_layout) != VK_SUCCESS)
        return false;
    VkDescriptorPoolSize size = {VK_DESCRIPTOR_TYPE_STORAGE_IMAGE, 3};
    VkDescriptorPoolCreateInfo dpi = {
        .sType = VK_STRUCTURE_TYPE_DESCRIPTOR_POOL_CREATE_INFO,
        .maxSets = 1,
        .poolSizeCount = 1,
        .pPoolSizes = &size,
    };
    if (vkCreateDescriptorPool(vr->device, &dpi, NULL, &vr->descriptor_pool) != VK_SUCCESS)
        return false;
    VkDescriptorSetAllocateInfo dai = {
        .sType = VK_STRUCTURE_TYPE_DESCRIPTOR_SET_ALLOCATE_INFO,
        .descriptorPool = vr->descriptor_pool,
        .descriptorSetCount = 1,
        .pSetLayouts = &vr->set_layout,
    };
    if (vkAllocateDescriptorSets(vr->device, &dai, &vr->set) != VK_SUCCESS)
        return false;
    VkPushConstantRange pcr = {VK_SHADER_STAGE_COMPUTE_BIT, 0, sizeof(ComposeParams)};
    VkPipelineLayoutCreateInfo pli = {
        .sType = VK_STRUCTURE_TYPE_PIPELINE_LAYOUT_CREATE_INFO,
        .setLayoutCount = 1,
        .pSetLayouts = &vr->set_layout,
        .pushConstantRangeCount = 1,
        .pPushConstantRanges = &pcr,
    };
    if (vkCreatePipelineLayout(vr->device, &pli, NULL, &vr->pipeline_layout) != VK_SUCCESS)
        return false;
    VkShaderModuleCreateInfo smi = {
        .sType = VK_STRUCTURE_TYPE_SHADER_MODULE_CREATE_INFO,
        .codeSize = sizeof(compose_spv),
        .pCode = compose_spv,
    };
    VkShaderModule module;
    if (vkCreateShaderModule(vr->device, &smi, NULL, &module) != VK_SUCCESS)
        return false;
    VkComputePipelineCreateInfo cpi = {
        .sType = VK_STRUCTURE_TYPE_COMPUTE_PIPELINE_CREATE_INFO,
        .stage =
            {
                .sType = VK_STRUCTURE_TYPE_PIPELINE_SHADER_STAGE_CREATE_INFO,
                .stage = VK_SHADER_STAGE_COMPUTE_BIT,
                .module = module,
                .pName = "main",
            },
        .layout = vr->pipeline_layout,
    };
    VkResult r = vkCreateComputePipelines(vr->device, VK_NULL_HANDLE, 1, &cpi, NULL, &vr->pipeline);
    vkDestroyShaderModule(vr->device, module, NULL);
    return r == VK_SUCCESS;
}

/* Everything after the instance; *why says what failed. */
static bool setup(VkRenderer *vr, char **why)
{
    uint32_t family = 0;
    if (!pick_device(vr, &family, why))
        return false;
    g_clear_pointer(why, g_free);
    VkPhysicalDeviceProperties props;
    vkGetPhysicalDeviceProperties(vr->physical, &props);
    vkGetPhysicalDeviceMemoryProperties(vr->physical, &vr->sh->memory_props);
    vr->sh->max_allocations = props.limits.maxMemoryAllocationCount;
    vr->max_dimension = props.limits.maxImageDimension2D;
    /* The frame image has the bytes of B8G8R8A8 (XRGB8888): typed so where the device can
     * write such images, R8G8B8A8 (the same bytes, red and blue named the other way) where
     * it cannot. The shader writes it through an R8G8B8A8_UINT view either way. */
    vr->frame_format =
        has_features(vr->physical, VK_FORMAT_B8G8R8A8_UNORM,
                     VK_FORMAT_FEATURE_STORAGE_IMAGE_BIT | VK_FORMAT_FEATURE_TRANSFER_SRC_BIT)
            ? VK_FORMAT_B8G8R8A8_UNORM
            : VK_FORMAT_R8G8B8A8_UNORM;

    float priority = 1.0f;
    VkDeviceQueueCreateInfo qi = {
        .sType = VK_STRUCTURE_TYPE_DEVICE_QUEUE_CREATE_INFO,
        .queueFamilyIndex = family,
        .queueCount = 1,
        .pQueuePriorities = &priority,
    };
    /* Exporting frames takes Vulkan 1.1 (dedicated allocations, device UUIDs), external
     * memory as file descriptors and images that can be blitted to R8G8B8A8 (the order
     * GL_RGBA8 has). */
    const char *extensions[] = {VK_KHR_EXTERNAL_MEMORY_FD_EXTENSION_NAME};
    bool can_export =
        props.apiVersion >= VK_API_VERSION_1_1 &&
        has_extension(vr->physical, VK_KHR_EXTERNAL_MEMORY_FD_EXTENSION_NAME) &&
        vr->frame_format == VK_FORMAT_B8G8R8A8_UNORM &&
        has_features(vr->physical, VK_FORMAT_B8G8R8A8_UNORM, VK_FORMAT_FEATURE_BLIT_SRC_BIT) &&
        has_features(vr->physical, VK_FORMAT_R8G8B8A8_UNORM,
                     VK_FORMAT_FEATURE_BLIT_DST_BIT | VK_FORMAT_FEATURE_TRANSFER_SRC_BIT);
    VkDeviceCreateInfo di = {
        .sType = VK_STRUCTURE_TYPE_DEVICE_CREATE_INFO,
        .queueCreateInfoCount = 1,
        .pQueueCreateInfos = &qi,
        .enabledExtensionCount = can_export ? 1 : 0,
        .ppEnabledExtensionNames = extensions,
    };
    VkResult r = vkCreateDevice(vr->physical, &di, NULL, &vr->sh->device);
    vr->device = vr->sh->device;
    if (r != VK_SUCCESS) {
        vr->device = vr->sh->device = VK_NULL_HANDLE;
        /* Translators: the device's name, then a Vulkan error code such as
         * VK_ERROR_INITIALIZATION_FAILED. */
        *why = g_strdup_printf(_("The Vulkan device %s could not be opened (%s)."),
                               props.deviceName, result_name(r));
        return false;
    }
    vkGetDeviceQueue(vr->device, family, 0, &vr->sh->queue);
    vr->sh->family = family;
    if (can_export) {
        VkPhysicalDeviceIDProperties id = {.sType =
                                               VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_ID_PROPERTIES};
        VkPhysicalDeviceProperties2 props2 = {
            .sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_PROPERTIES_2,
            .pNext = &id,
        };
        vkGetPhysicalDeviceProperties2(vr->physical, &props2);
        memcpy(vr->device_uuid, id.deviceUUID, VK_UUID_SIZE);
        memcpy(vr->driver_uuid, id.driverUUID, VK_UUID_SIZE);
        vr->sh->get_memory_fd =
            (PFN_vkGetMemoryFdKHR) vkGetDeviceProcAddr(vr->device, "vkGetMemoryFdKHR");
    }
    VkCommandPoolCreateInfo pi = {
        .sType = VK_STRUCTURE_TYPE_COMMAND_POOL_CREATE_INFO,
        .flags = VK_COMMAND_POOL_CREATE_RESET_COMMAND_BUFFER_BIT,
        .queueFamilyIndex = family,
    };
    VkFenceCreateInfo fi = {.sType = VK_STRUCTURE_TYPE_FENCE_CREATE_INFO};
    bool ok = vkCreateCommandPool(vr->device, &pi, NULL, &vr->pool) == VK_SUCCESS &&
              vkCreateFence(vr->device, &fi, NULL, &vr->fence) == VK_SUCCESS &&
              vkCreateCommandPool(vr->device, &pi, NULL, &vr->sh->read_pool) == VK_SUCCESS &&
              vkCreateFence(vr->device, &fi, NULL, &vr->sh->read_fence) == VK_SUCCESS;
    if (ok) {
        VkCommandBufferAllocateInfo ai = {
            .sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_ALLOCATE_INFO,
            .commandPool = vr->pool,
            .level = VK_COMMAND_BUFFER_LEVEL_PRIMARY,
            .commandBufferCount = 1,
        };
        ok = vkAllocateCommandBuffers(vr->device, &ai, &vr->cmd) == VK_SUCCESS;
        ai.commandPool = vr->sh->read_pool;
        ok = ok && vkAllocateCommandBuffers(vr->device, &ai, &vr->sh->read_cmd) == VK_SUCCESS;
    }
    if (!ok || !create_pipeline(vr)) {
        *why = g_strdup_printf(_("The Vulkan device %s could not set up the compute shader."),
                               props.deviceName);
        return false;
    }
    if (!image_create(vr, &vr->cursor_image, VK_FORMAT_R8G8B8A8_UINT, VK_FORMAT_R8G8B8A8_UINT, 0,
                      VK_IMAGE_USAGE_STORAGE_BIT | VK_IMAGE_USAGE_TRANSFER_DST_BIT, CURSOR_MAX,
                      CURSOR_MAX)) {
        *why = g_strdup_printf(_("The Vulkan device %s has no memory for the renderer."),
                               props.deviceName);
        return false;
    }
    begin(vr);
    to_general(vr, vr->cursor_image.image);
    if (!submit(vr)) {
        *why =
            g_strdup_printf(_("The Vulkan device %s failed its first command."), props.deviceName);
        return false;
    }
    g_strlcpy(vr->device_name, props.deviceName, sizeof(vr->device_name));
    vr->software = props.deviceType == VK_PHYSICAL_DEVICE_TYPE_CPU;
    g_debug("Vulkan renderer on %s", props.deviceName);
    return true;
}

/* One instance for the process, made for the first renderer and kept to the end: making one
 * takes a while (the loader reads every driver's manifest), and the loader unloads a driver
 * with the last instance, dropping the driver's own global data. A failure is not kept: a
 * driver installed meanwhile counts at the next try. */
static VkResult process_instance(VkInstance *out)
{
    static GMutex lock;
    static VkInstance instance;
    VkResult r = VK_SUCCESS;
    g_mutex_lock(&lock);
    if (!instance) {
        VkApplicationInfo app = {
            .sType = VK_STRUCTURE_TYPE_APPLICATION_INFO,
            .pApplicationName = "Vireo",
            .pEngineName = "Vireo",
            .apiVersion = VK_API_VERSION_1_1,
        };
        VkInstanceCreateInfo ci = {
            .sType = VK_STRUCTURE_TYPE_INSTANCE_CREATE_INFO,
            .pApplicationInfo = &app,
        };
        r = vkCreateInstance(&ci, NULL, &instance);
        if (r != VK_SUCCESS)
            instance = VK_NULL_HANDLE;
    }
    *out = instance;
    g_mutex_unlock(&lock);
    return r;
}

VrRenderer *vr_renderer_vulkan_new(GError **error)
{
    VkRenderer *vr = g_new0(VkRenderer, 1);
    vr->base.ops = &vulkan_ops;
    vr_screen_init(&vr->screen, &vr->base, update_frame);
    vr->sh = g_new0(Shared, 1);
    g_atomic_ref_count_init(&vr->sh->ref);
    g_mutex_init(&vr->sh->queue_lock);
    g_mutex_init(&vr->sh->read_lock);
    VkResult r = process_instance(&vr->sh->instance);
    if (r != VK_SUCCESS) {
        vk_free(&vr->base);
        /* Translators: a Vulkan error code such as VK_ERROR_INCOMPATIBLE_DRIVER. */
        g_set_error(error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                    _("There is no Vulkan driver (%s)."), result_name(r));
        return NULL;
    }
    g_autofree char *why = NULL;
    if (!setup(vr, &why)) {
        vk_free(&vr->base);
        g_set_error_literal(error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED, why);
        return NULL;
    }
    return &vr->base;
}

const char *vr_renderer_vulkan_device_name(VrRenderer *r, bool *software)
{
    if (r->ops != &vulkan_ops)
        return NULL;
    VkRenderer *vr = (VkRenderer *) r;
    if (software)
        *software = vr->software;
    return vr->device_name;
}
