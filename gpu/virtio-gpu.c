/* virtio-gpu 2D: command parsing and checking, resources and their backing, the display size
 * and its EDID; the pixels themselves are the renderer's. */
#define G_LOG_DOMAIN "vireo-virtio"

#include "virtio-gpu.h"

#include <string.h>

#include "virtio/virtqueue.h"

#define BATCH                  64
#define CMD_MAX                64 /* the largest fixed part of a command */
#define RESP_EDID_SIZE         (VR_VIRTIO_GPU_HDR_SIZE + 8 + 1024)
#define RESP_DISPLAY_INFO_SIZE (VR_VIRTIO_GPU_HDR_SIZE + VR_VIRTIO_GPU_MAX_SCANOUTS * 24)
#define MEM_ENTRY_SIZE         16
/* The largest cursor image taken (Linux's is 64 x 64). */
#define MAX_CURSOR 256

typedef struct {
    uint64_t addr;
    uint32_t len;
} BackingEntry;

typedef struct {
    uint32_t id, format, width, height;
    VrRendererResource *res;
    BackingEntry *entries; /* NULL: no backing attached */
    unsigned n_entries;
    uint64_t backing_len;
    struct iovec *iov; /* the entries in host memory; NULL until looked up (after a load) */
} GpuResource;

typedef struct {
    VrVirtioDevice dev;
    VrRateLimit log;
    VrRenderer *renderer;
    uint64_t max_memory;
    void (*frame_notify)(void *data);
    void *frame_notify_data;

    GMutex lock; /* what follows, up to the queue handling's own state */
    uint32_t display_width, display_height;
    uint32_t events_read;
    uint64_t memory_used;

    /* Queue handling only (the transport's queue lock). */
    GHashTable *resources; /* id -> GpuResource */
    uint32_t scanout_id;   /* resource on scanout 0; 0: disabled */
    VrGpuRect scanout_rect;
    uint32_t cursor_id; /* resource the cursor image came from; 0: no cursor */
    uint32_t hot_x, hot_y, cursor_x, cursor_y;
    VrVirtqElement *elem;
    uint8_t resp[RESP_EDID_SIZE];
    bool frame_changed; /* since the last notification */
} VrVirtioGpu;

static void notify_frame(VrVirtioGpu *g)
{
    g->frame_changed = false;
    if (g->frame_notify)
        g->frame_notify(g->frame_notify_data);
}

static uint32_t rd32(const uint8_t *p, size_t off)
{
    uint32_t v;
    memcpy(&v, p + off, 4);
    return GUINT32_FROM_LE(v);
}

static uint64_t rd64(const uint8_t *p, size_t off)
{
    uint64_t v;
    memcpy(&v, p + off, 8);
    return GUINT64_FROM_LE(v);
}

static void wr32(uint8_t *p, size_t off, uint32_t v)
{
    v = GUINT32_TO_LE(v);
    memcpy(p + off, &v, 4);
}

static VrGpuRect rd_rect(const uint8_t *p, size_t off)
{
    return (VrGpuRect){rd32(p, off), rd32(p, off + 4), rd32(p, off + 8), rd32(p, off + 12)};
}

/* Whether rect lies inside a width x height image (with no wrap-around). */
static bool rect_inside(const VrGpuRect *r, uint32_t width, uint32_t height)
{
    return (uint64_t) r->x + r->width <= width && (uint64_t) r->y + r->height <= height;
}

static void resource_free(gpointer data)
{
    GpuResource *r = data;
    g_free(r->entries);
    g_free(r->iov);
    g_free(r);
}

/* ---- EDID ---- */

void vr_virtio_gpu_make_edid(uint8_t *e, uint32_t width, uint32_t height)
{
    memset(e, 0, VR_VIRTIO_GPU_EDID_SIZE);
    static const uint8_t header[8] = {0x00, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x00};
    memcpy(e, header, 8);
    /* Manufacturer "VRO" (three 5-bit letters, big-endian), product 1, serial 0. */
    uint16_t maker = (uint16_t) (('V' - '@') << 10 | ('R' - '@') << 5 | ('O' - '@'));
    e[8] = (uint8_t) (maker >> 8);
    e[9] = (uint8_t) maker;
    e[10] = 1;
    e[16] = 1;  /* week */
    e[17] = 36; /* 2026 - 1990 */
    e[18] = 1;  /* EDID 1.4 */
    e[19] = 4;
    e[20] = 0x80; /* digital input */
    /* Screen size in cm at about 96 dots an inch. */
    e[21] = (uint8_t) MAX(1u, MIN(255u, width * 254 / 9600));
    e[22] = (uint8_t) MAX(1u, MIN(255u, height * 254 / 9600));
    e[23] = 120;  /* gamma 2.2 */
    e[24] = 0x06; /* sRGB; the preferred timing is the native mode */
    /* sRGB chromaticity: red, green, blue, white x and y, in 1/1024. */
    static const uint16_t chroma[8] = {655, 338, 307, 614, 154, 61, 320, 337};
    e[25] = (uint8_t) ((chroma[0] & 3) << 6 | (chroma[1] & 3) << 4 | (chroma[2] & 3) << 2 |
                       (chroma[3] & 3));
    e[26] = (uint8_t) ((chroma[4] & 3) << 6 | (chroma[5] & 3) << 4 | (chroma[6] & 3) << 2 |
                       (chroma[7] & 3));
    for (unsigned i = 0; i < 8; i++)
        e[27 + i] = (uint8_t) (chroma[i] >> 2);
    /* Other modes a guest may offer besides the window's: the established 640x480, 800x600
     * and 1024x768, and standard timings (width / 8 - 31; aspect in the top two bits: 16:10,
     * 4:3, 5:4, 16:9), all at 60 Hz. */
    e[35] = 0x21;
    e[36] = 0x08;
    static const struct {
        uint16_t width;
        uint8_t aspect;
    } standard[8] = {{1152, 1}, {1280, 3}, {1280, 2}, {1440, 0},
                     {1600, 3}, {1680, 0}, {1920, 3}, {1920, 0}};
    for (unsigned i = 0; i < 8; i++) {
        e[38 + 2 * i] = (uint8_t) (standard[i].width / 8 - 31);
        e[39 + 2 * i] = (uint8_t) (standard[i].aspect << 6);
    }

    /* Descriptor 1: the preferred mode's detailed timing, 60 Hz with reduced blanking. */
    uint8_t *d = e + 54;
    uint32_t hblank = 160, vblank = 35, hfront = 48, hsync = 32, vfront = 3, vsync = 5;
    uint64_t clock = (uint64_t) (width + hblank) * (height + vblank) * 60 / 10000;
    clock = MAX(1u, MIN(clock, 0xffffu)); /* 10 kHz units */
    d[0] = (uint8_t) clock;
    d[1] = (uint8_t) (clock >> 8);
    d[2] = (uint8_t) width;
    d[3] = (uint8_t) hblank;
    d[4] = (uint8_t) ((width >> 8 & 0xf) << 4 | (hblank >> 8 & 0xf));
    d[5] = (uint8_t) height;
    d[6] = (uint8_t) vblank;
    d[7] = (uint8_t) ((height >> 8 & 0xf) << 4 | (vblank >> 8 & 0xf));
    d[8] = (uint8_t) hfront;
    d[9] = (uint8_t) hsync;
    d[10] = (uint8_t) ((vfront & 0xf) << 4 | (vsync & 0xf));
    d[11] = 0;
    uint32_t wmm = e[21] * 10u, hmm = e[22] * 10u;
    d[12] = (uint8_t) wmm;
    d[13] = (uint8_t) hmm;
    d[14] = (uint8_t) ((wmm >> 8 & 0xf) << 4 | (hmm >> 8 & 0xf));
    d[17] = 0x1e; /* digital separate sync, both polarities positive */

    /* Descriptor 2: the monitor's name. */
    d = e + 72;
    d[3] = 0xfc;
    memcpy(d + 5, "Vireo\n       ", 13);
    /* Descriptors 3 and 4: unused (dummy). */
    e[90 + 3] = 0x10;
    e[108 + 3] = 0x10;

    uint8_t sum = 0;
    for (unsigned i = 0; i < VR_VIRTIO_GPU_EDID_SIZE - 1; i++)
        sum = (uint8_t) (sum + e[i]);
    e[VR_VIRTIO_GPU_EDID_SIZE - 1] = (uint8_t) (0x100 - sum);
}

/* ---- Commands ---- */

typedef struct {
    VrAddressSpace *as;
    const uint8_t *cmd; /* the first CMD_MAX bytes, zero-padded */
    size_t cmd_len;     /* bytes the driver gave */
    uint32_t resp_len;  /* bytes of g->resp to send */
} Request;

#define guest_error(g, ...) vr_virtio_log_guest_error(&(g)->log, (g)->dev.name, __VA_ARGS__)

static GpuResource *find(VrVirtioGpu *g, uint32_t id)
{
    return id ? g_hash_table_lookup(g->resources, GUINT_TO_POINTER(id)) : NULL;
}

/* Looks up a resource a command names; logs the unknown id. */
static GpuResource *lookup(VrVirtioGpu *g, const char *what, uint32_t id)
{
    GpuResource *r = find(g, id);
    if (!r)
        guest_error(g, "%s: unknown resource id %u", what, id);
    return r;
}

static bool short_request(VrVirtioGpu *g, Request *q, const char *what, size_t need)
{
    if (q->cmd_len >= need)
        return false;
    guest_error(g, "%s: request of %zu bytes, expected %zu", what, q->cmd_len, need);
    return true;
}

static uint32_t cmd_get_display_info(VrVirtioGpu *g, Request *q)
{
    uint8_t *p = g->resp + VR_VIRTIO_GPU_HDR_SIZE;
    memset(p, 0, RESP_DISPLAY_INFO_SIZE - VR_VIRTIO_GPU_HDR_SIZE);
    g_mutex_lock(&g->lock);
    wr32(p, 8, g->display_width);
    wr32(p, 12, g->display_height);
    g_mutex_unlock(&g->lock);
    wr32(p, 16, 1); /* enabled */
    q->resp_len = RESP_DISPLAY_INFO_SIZE;
    return VR_VIRTIO_GPU_RESP_OK_DISPLAY_INFO;
}

static uint32_t cmd_get_edid(VrVirtioGpu *g, Request *q)
{
    if (short_request(g, q, "GET_EDID", VR_VIRTIO_GPU_HDR_SIZE + 8))
        return VR_VIRTIO_GPU_RESP_ERR_UNSPEC;
    if (!vr_virtio_has_feature(&g->dev, VR_VIRTIO_GPU_F_EDID)) {
        guest_error(g, "GET_EDID without VIRTIO_GPU_F_EDID negotiated");
        return VR_VIRTIO_GPU_RESP_ERR_UNSPEC;
    }
    uint32_t scanout = rd32(q->cmd, 24);
    if (scanout != 0) {
        guest_error(g, "GET_EDID: scanout %u does not exist", scanout);
        return VR_VIRTIO_GPU_RESP_ERR_INVALID_SCANOUT_ID;
    }
    uint8_t *p = g->resp + VR_VIRTIO_GPU_HDR_SIZE;
    memset(p, 0, RESP_EDID_SIZE - VR_VIRTIO_GPU_HDR_SIZE);
    wr32(p, 0, VR_VIRTIO_GPU_EDID_SIZE);
    g_mutex_lock(&g->lock);
    uint32_t w = g->display_width, h = g->display_height;
    g_mutex_unlock(&g->lock);
    vr_virtio_gpu_make_edid(p + 8, w, h);
    q->resp_len = RESP_EDID_SIZE;
    return VR_VIRTIO_GPU_RESP_OK_EDID;
}

/* Creates resource id; the checks a command and a state file share. Returns the response. */
static uint32_t create_resource(VrVirtioGpu *g, uint32_t id, uint32_t format, uint32_t width,
                                uint32_t height, GpuResource **out)
{
    if (id == 0 || find(g, id)) {
        guest_error(g, "RESOURCE_CREATE_2D: resource id %u is %s", id, id ? "taken" : "reserved");
        return VR_VIRTIO_GPU_RESP_ERR_INVALID_RESOURCE_ID;
    }
    if (!vr_gpu_format_known(format)) {
        guest_error(g, "RESOURCE_CREATE_2D: unknown format %u", format);
        return VR_VIRTIO_GPU_RESP_ERR_INVALID_PARAMETER;
    }
    if (width == 0 || height == 0 || width > UINT32_MAX / VR_GPU_BYTES_PER_PIXEL) {
        guest_error(g, "RESOURCE_CREATE_2D: resource of %ux%u", width, height);
        return VR_VIRTIO_GPU_RESP_ERR_INVALID_PARAMETER;
    }
    /* width * height fits in 64 bits; times 4 it might not. */
    uint64_t pixels = (uint64_t) width * height;
    g_mutex_lock(&g->lock);
    uint64_t used = g->memory_used;
    g_mutex_unlock(&g->lock);
    if (pixels > (g->max_memory - used) / VR_GPU_BYTES_PER_PIXEL ||
        g_hash_table_size(g->resources) >= VR_VIRTIO_GPU_MAX_RESOURCES) {
        guest_error(g,
                    "RESOURCE_CREATE_2D: %ux%u does not fit (%" G_GUINT64_FORMAT
                    " of %" G_GUINT64_FORMAT " bytes used, %u resources)",
                    width, height, used, g->max_memory, g_hash_table_size(g->resources));
        return VR_VIRTIO_GPU_RESP_ERR_OUT_OF_MEMORY;
    }
    VrRendererResource *res = g->renderer->ops->resource_create(g->renderer, format, width, height);
    if (!res) {
        guest_error(g, "RESOURCE_CREATE_2D: the host has no memory for %ux%u", width, height);
        return VR_VIRTIO_GPU_RESP_ERR_OUT_OF_MEMORY;
    }
    GpuResource *r = g_new0(GpuResource, 1);
    *r = (GpuResource){.id = id, .format = format, .width = width, .height = height, .res = res};
    g_hash_table_insert(g->resources, GUINT_TO_POINTER(id), r);
    g_mutex_lock(&g->lock);
    g->memory_used += pixels * VR_GPU_BYTES_PER_PIXEL;
    g_mutex_unlock(&g->lock);
    if (out)
        *out = r;
    return VR_VIRTIO_GPU_RESP_OK_NODATA;
}

static uint32_t cmd_resource_create_2d(VrVirtioGpu *g, Request *q)
{
    if (short_request(g, q, "RESOURCE_CREATE_2D", VR_VIRTIO_GPU_HDR_SIZE + 16))
        return VR_VIRTIO_GPU_RESP_ERR_UNSPEC;
    return create_resource(g, rd32(q->cmd, 24), rd32(q->cmd, 28), rd32(q->cmd, 32),
                           rd32(q->cmd, 36), NULL);
}

static void destroy_resource(VrVirtioGpu *g, GpuResource *r)
{
    if (g->scanout_id == r->id) {
        g->renderer->ops->set_scanout(g->renderer, 0, NULL, NULL);
        g->scanout_id = 0;
        g->frame_changed = true;
    }
    if (g->cursor_id == r->id)
        g->cursor_id = 0; /* the cursor keeps its copy of the image */
    g->renderer->ops->resource_destroy(g->renderer, r->res);
    g_mutex_lock(&g->lock);
    g->memory_used -= (uint64_t) r->width * r->height * VR_GPU_BYTES_PER_PIXEL;
    g_mutex_unlock(&g->lock);
    g_hash_table_remove(g->resources, GUINT_TO_POINTER(r->id));
}

static uint32_t cmd_resource_unref(VrVirtioGpu *g, Request *q)
{
    if (short_request(g, q, "RESOURCE_UNREF", VR_VIRTIO_GPU_HDR_SIZE + 8))
        return VR_VIRTIO_GPU_RESP_ERR_UNSPEC;
    GpuResource *r = lookup(g, "RESOURCE_UNREF", rd32(q->cmd, 24));
    if (!r)
        return VR_VIRTIO_GPU_RESP_ERR_INVALID_RESOURCE_ID;
    destroy_resource(g, r);
    return VR_VIRTIO_GPU_RESP_OK_NODATA;
}

/* Finds the host memory of r's backing; false when an entry is not guest RAM. */
static bool resolve_backing(VrVirtioGpu *g, VrAddressSpace *as, GpuResource *r)
{
    if (r->iov)
        return true;
    struct iovec *iov = g_new(struct iovec, r->n_entries);
    for (unsigned i = 0; i < r->n_entries; i++) {
        uint8_t *host = vr_address_space_ram_ptr(as, r->entries[i].addr, r->entries[i].len);
        if (!host) {
            guest_error(g,
                        "resource %u: backing entry %u at 0x%" G_GINT64_MODIFIER "x (%u bytes) "
                        "is not guest RAM",
                        r->id, i, r->entries[i].addr, r->entries[i].len);
            g_free(iov);
            return false;
        }
        iov[i] = (struct iovec){host, r->entries[i].len};
    }
    r->iov = iov;
    return true;
}

static uint32_t cmd_attach_backing(VrVirtioGpu *g, Request *q, VrVirtqElement *e)
{
    if (short_request(g, q, "RESOURCE_ATTACH_BACKING", VR_VIRTIO_GPU_HDR_SIZE + 8))
        return VR_VIRTIO_GPU_RESP_ERR_UNSPEC;
    GpuResource *r = lookup(g, "RESOURCE_ATTACH_BACKING", rd32(q->cmd, 24));
    if (!r)
        return VR_VIRTIO_GPU_RESP_ERR_INVALID_RESOURCE_ID;
    uint32_t n = rd32(q->cmd, 28);
    if (r->entries) {
        guest_error(g, "RESOURCE_ATTACH_BACKING: resource %u has backing already", r->id);
        return VR_VIRTIO_GPU_RESP_ERR_UNSPEC;
    }
    if (n == 0 || n > VR_VIRTIO_GPU_MAX_BACKING) {
        guest_error(g, "RESOURCE_ATTACH_BACKING: %u entries, expected 1 to %u", n,
                    VR_VIRTIO_GPU_MAX_BACKING);
        return VR_VIRTIO_GPU_RESP_ERR_INVALID_PARAMETER;
    }
    if (short_request(g, q, "RESOURCE_ATTACH_BACKING",
                      VR_VIRTIO_GPU_HDR_SIZE + 8 + (size_t) n * MEM_ENTRY_SIZE))
        return VR_VIRTIO_GPU_RESP_ERR_UNSPEC;
    g_autofree BackingEntry *entries = g_new(BackingEntry, n);
    uint64_t total = 0;
    for (uint32_t i = 0; i < n; i++) {
        uint8_t raw[MEM_ENTRY_SIZE];
        vr_iov_to_buf(e->iov, e->out_num, VR_VIRTIO_GPU_HDR_SIZE + 8 + (size_t) i * MEM_ENTRY_SIZE,
                      raw, sizeof(raw));
        entries[i] = (BackingEntry){rd64(raw, 0), rd32(raw, 8)};
        if (entries[i].len == 0) {
            guest_error(g, "RESOURCE_ATTACH_BACKING: entry %u is empty", i);
            return VR_VIRTIO_GPU_RESP_ERR_INVALID_PARAMETER;
        }
        total += entries[i].len;
    }
    r->entries = g_steal_pointer(&entries);
    r->n_entries = n;
    r->backing_len = total;
    if (!resolve_backing(g, q->as, r)) {
        g_clear_pointer(&r->entries, g_free);
        r->n_entries = 0;
        r->backing_len = 0;
        return VR_VIRTIO_GPU_RESP_ERR_INVALID_PARAMETER;
    }
    return VR_VIRTIO_GPU_RESP_OK_NODATA;
}

static uint32_t cmd_detach_backing(VrVirtioGpu *g, Request *q)
{
    if (short_request(g, q, "RESOURCE_DETACH_BACKING", VR_VIRTIO_GPU_HDR_SIZE + 8))
        return VR_VIRTIO_GPU_RESP_ERR_UNSPEC;
    GpuResource *r = lookup(g, "RESOURCE_DETACH_BACKING", rd32(q->cmd, 24));
    if (!r)
        return VR_VIRTIO_GPU_RESP_ERR_INVALID_RESOURCE_ID;
    if (!r->entries) {
        guest_error(g, "RESOURCE_DETACH_BACKING: resource %u has no backing", r->id);
        return VR_VIRTIO_GPU_RESP_ERR_UNSPEC;
    }
    g_clear_pointer(&r->entries, g_free);
    g_clear_pointer(&r->iov, g_free);
    r->n_entries = 0;
    r->backing_len = 0;
    return VR_VIRTIO_GPU_RESP_OK_NODATA;
}

static bool check_rect(VrVirtioGpu *g, const char *what, const GpuResource *r,
                       const VrGpuRect *rect)
{
    if (rect_inside(rect, r->width, r->height))
        return true;
    guest_error(g, "%s: rectangle %ux%u at %u,%u is outside resource %u (%ux%u)", what, rect->width,
                rect->height, rect->x, rect->y, r->id, r->width, r->height);
    return false;
}

static uint32_t cmd_set_scanout(VrVirtioGpu *g, Request *q)
{
    if (short_request(g, q, "SET_SCANOUT", VR_VIRTIO_GPU_HDR_SIZE + 24))
        return VR_VIRTIO_GPU_RESP_ERR_UNSPEC;
    VrGpuRect rect = rd_rect(q->cmd, 24);
    uint32_t scanout = rd32(q->cmd, 40), id = rd32(q->cmd, 44);
    if (scanout != 0) {
        guest_error(g, "SET_SCANOUT: scanout %u does not exist", scanout);
        return VR_VIRTIO_GPU_RESP_ERR_INVALID_SCANOUT_ID;
    }
    if (id == 0) {
        g->renderer->ops->set_scanout(g->renderer, 0, NULL, NULL);
        g->scanout_id = 0;
        g->frame_changed = true;
        return VR_VIRTIO_GPU_RESP_OK_NODATA;
    }
    GpuResource *r = lookup(g, "SET_SCANOUT", id);
    if (!r)
        return VR_VIRTIO_GPU_RESP_ERR_INVALID_RESOURCE_ID;
    if (!check_rect(g, "SET_SCANOUT", r, &rect))
        return VR_VIRTIO_GPU_RESP_ERR_INVALID_PARAMETER;
    if (rect.width == 0 || rect.height == 0) {
        guest_error(g, "SET_SCANOUT: empty rectangle");
        return VR_VIRTIO_GPU_RESP_ERR_INVALID_PARAMETER;
    }
    g->scanout_id = id;
    g->scanout_rect = rect;
    g->renderer->ops->set_scanout(g->renderer, 0, r->res, &rect);
    g->frame_changed = true;
    return VR_VIRTIO_GPU_RESP_OK_NODATA;
}

static uint32_t cmd_resource_flush(VrVirtioGpu *g, Request *q)
{
    if (short_request(g, q, "RESOURCE_FLUSH", VR_VIRTIO_GPU_HDR_SIZE + 24))
        return VR_VIRTIO_GPU_RESP_ERR_UNSPEC;
    VrGpuRect rect = rd_rect(q->cmd, 24);
    GpuResource *r = lookup(g, "RESOURCE_FLUSH", rd32(q->cmd, 40));
    if (!r)
        return VR_VIRTIO_GPU_RESP_ERR_INVALID_RESOURCE_ID;
    if (!check_rect(g, "RESOURCE_FLUSH", r, &rect))
        return VR_VIRTIO_GPU_RESP_ERR_INVALID_PARAMETER;
    if (rect.width > 0 && rect.height > 0) {
        g->renderer->ops->flush(g->renderer, r->res, &rect);
        g->frame_changed |= g->scanout_id == r->id;
    }
    return VR_VIRTIO_GPU_RESP_OK_NODATA;
}

static uint32_t cmd_transfer_to_host_2d(VrVirtioGpu *g, Request *q)
{
    if (short_request(g, q, "TRANSFER_TO_HOST_2D", VR_VIRTIO_GPU_HDR_SIZE + 32))
        return VR_VIRTIO_GPU_RESP_ERR_UNSPEC;
    VrGpuRect rect = rd_rect(q->cmd, 24);
    uint64_t offset = rd64(q->cmd, 40);
    GpuResource *r = lookup(g, "TRANSFER_TO_HOST_2D", rd32(q->cmd, 48));
    if (!r)
        return VR_VIRTIO_GPU_RESP_ERR_INVALID_RESOURCE_ID;
    if (!check_rect(g, "TRANSFER_TO_HOST_2D", r, &rect))
        return VR_VIRTIO_GPU_RESP_ERR_INVALID_PARAMETER;
    if (!r->entries) {
        guest_error(g, "TRANSFER_TO_HOST_2D: resource %u has no backing", r->id);
        return VR_VIRTIO_GPU_RESP_ERR_UNSPEC;
    }
    if (rect.width == 0 || rect.height == 0)
        return VR_VIRTIO_GPU_RESP_OK_NODATA;
    /* The rows lie in the backing stride bytes apart, the stride being the resource's. */
    uint32_t stride = r->width * VR_GPU_BYTES_PER_PIXEL;
    uint64_t span =
        (uint64_t) (rect.height - 1) * stride + (uint64_t) rect.width * VR_GPU_BYTES_PER_PIXEL;
    if (offset > r->backing_len || span > r->backing_len - offset) {
        guest_error(g,
                    "TRANSFER_TO_HOST_2D: %" G_GUINT64_FORMAT " bytes at offset %" G_GUINT64_FORMAT
                    " run past the %" G_GUINT64_FORMAT " bytes of resource %u's backing",
                    span, offset, r->backing_len, r->id);
        return VR_VIRTIO_GPU_RESP_ERR_INVALID_PARAMETER;
    }
    if (!resolve_backing(g, q->as, r))
        return VR_VIRTIO_GPU_RESP_ERR_INVALID_PARAMETER;
    g->renderer->ops->resource_write(g->renderer, r->res, &rect, r->iov, r->n_entries, offset,
                                     stride);
    return VR_VIRTIO_GPU_RESP_OK_NODATA;
}

static uint32_t process_control(VrVirtioGpu *g, VrAddressSpace *as, VrVirtqElement *e)
{
    uint8_t cmd[CMD_MAX] = {0};
    Request q = {.as = as, .cmd = cmd, .resp_len = VR_VIRTIO_GPU_HDR_SIZE};
    q.cmd_len = e->out_len;
    vr_iov_to_buf(e->iov, e->out_num, 0, cmd, sizeof(cmd));
    uint32_t type = rd32(cmd, 0), flags = rd32(cmd, 4);
    uint32_t resp;
    if (e->out_len < VR_VIRTIO_GPU_HDR_SIZE) {
        guest_error(g, "control request of %u bytes, shorter than a header", e->out_len);
        resp = VR_VIRTIO_GPU_RESP_ERR_UNSPEC;
        flags = 0;
    } else {
        switch (type) {
        case VR_VIRTIO_GPU_CMD_GET_DISPLAY_INFO: resp = cmd_get_display_info(g, &q); break;
        case VR_VIRTIO_GPU_CMD_GET_EDID: resp = cmd_get_edid(g, &q); break;
        case VR_VIRTIO_GPU_CMD_RESOURCE_CREATE_2D: resp = cmd_resource_create_2d(g, &q); break;
        case VR_VIRTIO_GPU_CMD_RESOURCE_UNREF: resp = cmd_resource_unref(g, &q); break;
        case VR_VIRTIO_GPU_CMD_RESOURCE_ATTACH_BACKING: resp = cmd_attach_backing(g, &q, e); break;
        case VR_VIRTIO_GPU_CMD_RESOURCE_DETACH_BACKING: resp = cmd_detach_backing(g, &q); break;
        case VR_VIRTIO_GPU_CMD_SET_SCANOUT: resp = cmd_set_scanout(g, &q); break;
        case VR_VIRTIO_GPU_CMD_RESOURCE_FLUSH: resp = cmd_resource_flush(g, &q); break;
        case VR_VIRTIO_GPU_CMD_TRANSFER_TO_HOST_2D: resp = cmd_transfer_to_host_2d(g, &q); break;
        default:
            guest_error(g, "unknown control command 0x%x", type);
            resp = VR_VIRTIO_GPU_RESP_ERR_UNSPEC;
            break;
        }
    }
    if (resp >= VR_VIRTIO_GPU_RESP_ERR_UNSPEC)
        q.resp_len = VR_VIRTIO_GPU_HDR_SIZE;
    /* The header: the type, and the fence echoed (every command has finished when it is
     * answered, so its fence has signalled). */
    memset(g->resp, 0, VR_VIRTIO_GPU_HDR_SIZE);
    wr32(g->resp, 0, resp);
    if (flags & VR_VIRTIO_GPU_FLAG_FENCE) {
        wr32(g->resp, 4, VR_VIRTIO_GPU_FLAG_FENCE | (flags & VR_VIRTIO_GPU_FLAG_INFO_RING_IDX));
        memcpy(g->resp + 8, cmd + 8, 16); /* fence_id, ctx_id, ring_idx */
    }
    if (e->in_len < q.resp_len) {
        guest_error(g, "response buffer of %u bytes for a response of %u", e->in_len, q.resp_len);
        return 0;
    }
    return (uint32_t) vr_iov_from_buf(vr_virtq_element_in(e), e->in_num, 0, g->resp, q.resp_len);
}

/* The cursor queue: commands with no response. */
static void process_cursor(VrVirtioGpu *g, VrVirtqElement *e)
{
    uint8_t cmd[CMD_MAX] = {0};
    vr_iov_to_buf(e->iov, e->out_num, 0, cmd, sizeof(cmd));
    if (e->out_len < VR_VIRTIO_GPU_HDR_SIZE + 32) {
        guest_error(g, "cursor request of %u bytes, expected %u", e->out_len,
                    VR_VIRTIO_GPU_HDR_SIZE + 32);
        return;
    }
    uint32_t type = rd32(cmd, 0), scanout = rd32(cmd, 24), x = rd32(cmd, 28), y = rd32(cmd, 32);
    if (type != VR_VIRTIO_GPU_CMD_UPDATE_CURSOR && type != VR_VIRTIO_GPU_CMD_MOVE_CURSOR) {
        guest_error(g, "unknown cursor command 0x%x", type);
        return;
    }
    if (scanout != 0) {
        guest_error(g, "cursor on scanout %u, which does not exist", scanout);
        return;
    }
    if (type == VR_VIRTIO_GPU_CMD_MOVE_CURSOR) {
        g->cursor_x = x;
        g->cursor_y = y;
        g->renderer->ops->move_cursor(g->renderer, 0, x, y);
        g->frame_changed = true;
        return;
    }
    uint32_t id = rd32(cmd, 40), hot_x = rd32(cmd, 44), hot_y = rd32(cmd, 48);
    GpuResource *r = NULL;
    if (id != 0) {
        r = lookup(g, "UPDATE_CURSOR", id);
        if (!r)
            return;
        if (r->width > MAX_CURSOR || r->height > MAX_CURSOR) {
            guest_error(g, "UPDATE_CURSOR: cursor of %ux%u, larger than %ux%u", r->width, r->height,
                        MAX_CURSOR, MAX_CURSOR);
            return;
        }
    }
    g->cursor_id = id;
    g->hot_x = hot_x;
    g->hot_y = hot_y;
    g->cursor_x = x;
    g->cursor_y = y;
    g->renderer->ops->set_cursor(g->renderer, r ? r->res : NULL, hot_x, hot_y, 0, x, y);
    g->frame_changed = true;
}

static void gpu_queue_notify(VrVirtioDevice *dev, unsigned index, VrVirtqueue *vq)
{
    VrVirtioGpu *g = (VrVirtioGpu *) dev;
    unsigned budget = BATCH;
    do {
        vr_virtqueue_disable_notify(vq);
        while (vr_virtqueue_pop(vq, g->elem)) {
            uint32_t written = 0;
            if (index == VR_VIRTIO_GPU_CONTROLQ)
                written = process_control(g, vq->as, g->elem);
            else
                process_cursor(g, g->elem);
            vr_virtqueue_push(vq, g->elem, written);
            if (--budget == 0) {
                if (g->frame_changed)
                    notify_frame(g);
                vr_virtqueue_notify(vq);
                vr_virtio_device_kick(dev, index); /* come back after the others */
                return;
            }
        }
        vr_virtqueue_notify(vq);
    } while (vr_virtqueue_enable_notify(vq));
    if (g->frame_changed)
        notify_frame(g);
}

/* ---- Configuration space ---- */

static void gpu_config_read(VrVirtioDevice *dev, uint32_t offset, uint8_t *buf, unsigned len)
{
    VrVirtioGpu *g = (VrVirtioGpu *) dev;
    uint8_t config[VR_VIRTIO_GPU_CONFIG_SIZE] = {0};
    g_mutex_lock(&g->lock);
    wr32(config, 0, g->events_read);
    g_mutex_unlock(&g->lock);
    wr32(config, 8, 1); /* num_scanouts */
    memcpy(buf, config + offset, len);
}

/* Only events_clear (bytes 4..7) is the driver's to write: its bits clear events_read's. */
static void gpu_config_write(VrVirtioDevice *dev, uint32_t offset, const uint8_t *buf, unsigned len)
{
    VrVirtioGpu *g = (VrVirtioGpu *) dev;
    g_mutex_lock(&g->lock);
    for (unsigned i = 0; i < len; i++) {
        if (offset + i >= 4 && offset + i < 8)
            g->events_read &= ~((uint32_t) buf[i] << 8 * (offset + i - 4));
    }
    g_mutex_unlock(&g->lock);
}

typedef struct {
    uint32_t width, height;
} DisplaySize;

static void set_display_size(VrVirtioDevice *dev, void *data)
{
    VrVirtioGpu *g = (VrVirtioGpu *) dev;
    const DisplaySize *s = data;
    g_mutex_lock(&g->lock);
    g->display_width = s->width;
    g->display_height = s->height;
    g->events_read |= VR_VIRTIO_GPU_EVENT_DISPLAY;
    g_mutex_unlock(&g->lock);
}

bool vr_virtio_gpu_set_display_size(VrVirtioDevice *dev, uint32_t width, uint32_t height)
{
    if (width == 0 || height == 0 || width > VR_VIRTIO_GPU_MAX_DISPLAY ||
        height > VR_VIRTIO_GPU_MAX_DISPLAY)
        return false;
    DisplaySize s = {width, height};
    vr_virtio_device_config_update(dev, set_display_size, &s);
    return true;
}

VrGpuFrame *vr_virtio_gpu_get_frame(VrVirtioDevice *dev)
{
    VrVirtioGpu *g = (VrVirtioGpu *) dev;
    return g->renderer->ops->get_frame(g->renderer, 0);
}

uint64_t vr_virtio_gpu_memory_used(VrVirtioDevice *dev)
{
    VrVirtioGpu *g = (VrVirtioGpu *) dev;
    g_mutex_lock(&g->lock);
    uint64_t used = g->memory_used;
    g_mutex_unlock(&g->lock);
    return used;
}

/* ---- Reset, state files, lifetime ---- */

static void destroy_all(VrVirtioGpu *g)
{
    g->renderer->ops->set_scanout(g->renderer, 0, NULL, NULL);
    g->renderer->ops->set_cursor(g->renderer, NULL, 0, 0, 0, 0, 0);
    g->scanout_id = 0;
    g->cursor_id = 0;
    GHashTableIter it;
    gpointer value;
    g_hash_table_iter_init(&it, g->resources);
    while (g_hash_table_iter_next(&it, NULL, &value)) {
        GpuResource *r = value;
        g->renderer->ops->resource_destroy(g->renderer, r->res);
        g_hash_table_iter_remove(&it);
    }
    g_mutex_lock(&g->lock);
    g->memory_used = 0;
    g_mutex_unlock(&g->lock);
}

static void gpu_reset(VrVirtioDevice *dev)
{
    VrVirtioGpu *g = (VrVirtioGpu *) dev;
    destroy_all(g);
    g->hot_x = g->hot_y = g->cursor_x = g->cursor_y = 0;
    g_mutex_lock(&g->lock);
    g->events_read = 0;
    g_mutex_unlock(&g->lock);
    notify_frame(g);
}

/* Payload: u32 version (1); u32 display width, height, events_read; u32 resources, each as
 * u32 id, format, width, height, u32 backing entries (u64 address, u32 length each), then
 * its pixels (width * height * 4 bytes); u32 scanout resource, its rectangle (4 x u32); u32
 * cursor resource, hot x, hot y, x, y. */
#define GPU_STATE_VERSION 1

static void gpu_save(VrVirtioDevice *dev, VrStateWriter *w)
{
    VrVirtioGpu *g = (VrVirtioGpu *) dev;
    vr_state_put_u32(w, GPU_STATE_VERSION);
    g_mutex_lock(&g->lock);
    vr_state_put_u32(w, g->display_width);
    vr_state_put_u32(w, g->display_height);
    vr_state_put_u32(w, g->events_read);
    g_mutex_unlock(&g->lock);
    vr_state_put_u32(w, g_hash_table_size(g->resources));
    GHashTableIter it;
    gpointer value;
    g_hash_table_iter_init(&it, g->resources);
    while (g_hash_table_iter_next(&it, NULL, &value)) {
        GpuResource *r = value;
        vr_state_put_u32(w, r->id);
        vr_state_put_u32(w, r->format);
        vr_state_put_u32(w, r->width);
        vr_state_put_u32(w, r->height);
        vr_state_put_u32(w, r->n_entries);
        for (unsigned i = 0; i < r->n_entries; i++) {
            vr_state_put_u64(w, r->entries[i].addr);
            vr_state_put_u32(w, r->entries[i].len);
        }
        size_t size = (size_t) r->width * r->height * VR_GPU_BYTES_PER_PIXEL;
        g_autofree uint8_t *pixels = g_malloc(size);
        g->renderer->ops->resource_read_all(g->renderer, r->res, pixels);
        vr_state_put_bytes(w, pixels, size);
    }
    vr_state_put_u32(w, g->scanout_id);
    vr_state_put_u32(w, g->scanout_rect.x);
    vr_state_put_u32(w, g->scanout_rect.y);
    vr_state_put_u32(w, g->scanout_rect.width);
    vr_state_put_u32(w, g->scanout_rect.height);
    vr_state_put_u32(w, g->cursor_id);
    vr_state_put_u32(w, g->hot_x);
    vr_state_put_u32(w, g->hot_y);
    vr_state_put_u32(w, g->cursor_x);
    vr_state_put_u32(w, g->cursor_y);
}

static bool load_resources(VrVirtioGpu *g, VrStateReader *r)
{
    uint32_t n = vr_state_get_u32(r);
    if (vr_state_reader_failed(r))
        return false;
    if (n > VR_VIRTIO_GPU_MAX_RESOURCES) {
        vr_state_reader_invalid(r, "%u virtio-gpu resources, more than the %u a device holds", n,
                                VR_VIRTIO_GPU_MAX_RESOURCES);
        return false;
    }
    for (uint32_t i = 0; i < n; i++) {
        uint32_t id = vr_state_get_u32(r), format = vr_state_get_u32(r);
        uint32_t width = vr_state_get_u32(r), height = vr_state_get_u32(r);
        uint32_t n_entries = vr_state_get_u32(r);
        if (vr_state_reader_failed(r))
            return false;
        GpuResource *res = NULL;
        if (create_resource(g, id, format, width, height, &res) != VR_VIRTIO_GPU_RESP_OK_NODATA) {
            vr_state_reader_invalid(r,
                                    "virtio-gpu resource %u (format %u, %ux%u) cannot be made "
                                    "(id taken or zero, unknown format, or over the memory limit)",
                                    id, format, width, height);
            return false;
        }
        if (n_entries > VR_VIRTIO_GPU_MAX_BACKING) {
            vr_state_reader_invalid(r,
                                    "virtio-gpu resource %u has %u backing entries, more than %u",
                                    id, n_entries, VR_VIRTIO_GPU_MAX_BACKING);
            return false;
        }
        if (n_entries > 0) {
            res->entries = g_new(BackingEntry, n_entries);
            res->n_entries = n_entries;
            for (uint32_t j = 0; j < n_entries; j++) {
                res->entries[j].addr = vr_state_get_u64(r);
                res->entries[j].len = vr_state_get_u32(r);
                res->backing_len += res->entries[j].len;
            }
        }
        size_t size = (size_t) width * height * VR_GPU_BYTES_PER_PIXEL;
        const uint8_t *pixels = vr_state_get_ptr(r, size);
        if (!pixels)
            return false;
        g->renderer->ops->resource_write_all(g->renderer, res->res, pixels);
    }
    return !vr_state_reader_failed(r);
}

static bool gpu_load(VrVirtioDevice *dev, VrStateReader *r)
{
    VrVirtioGpu *g = (VrVirtioGpu *) dev;
    uint32_t version = vr_state_get_u32(r);
    if (!vr_state_reader_failed(r) && version != GPU_STATE_VERSION) {
        vr_state_reader_invalid(r, "virtio-gpu state version %u is not known (expected %u)",
                                version, GPU_STATE_VERSION);
        return false;
    }
    uint32_t width = vr_state_get_u32(r), height = vr_state_get_u32(r);
    uint32_t events = vr_state_get_u32(r);
    if (vr_state_reader_failed(r))
        return false;
    if (width == 0 || height == 0 || width > VR_VIRTIO_GPU_MAX_DISPLAY ||
        height > VR_VIRTIO_GPU_MAX_DISPLAY) {
        vr_state_reader_invalid(r, "virtio-gpu display size %ux%u, expected 1 to %u each", width,
                                height, VR_VIRTIO_GPU_MAX_DISPLAY);
        return false;
    }
    destroy_all(g);
    bool ok = load_resources(g, r);
    uint32_t scanout_id = vr_state_get_u32(r);
    VrGpuRect rect;
    rect.x = vr_state_get_u32(r);
    rect.y = vr_state_get_u32(r);
    rect.width = vr_state_get_u32(r);
    rect.height = vr_state_get_u32(r);
    uint32_t cursor_id = vr_state_get_u32(r);
    uint32_t hot_x = vr_state_get_u32(r), hot_y = vr_state_get_u32(r);
    uint32_t x = vr_state_get_u32(r), y = vr_state_get_u32(r);
    ok = ok && !vr_state_reader_failed(r);
    GpuResource *scanout = find(g, scanout_id), *cursor = find(g, cursor_id);
    if (ok && scanout_id != 0 &&
        (!scanout || rect.width == 0 || rect.height == 0 ||
         !rect_inside(&rect, scanout->width, scanout->height))) {
        vr_state_reader_invalid(r,
                                "virtio-gpu scanout shows resource %u at %ux%u+%u+%u, which "
                                "does not exist or is too small",
                                scanout_id, rect.width, rect.height, rect.x, rect.y);
        ok = false;
    }
    if (ok && cursor_id != 0 &&
        (!cursor || cursor->width > MAX_CURSOR || cursor->height > MAX_CURSOR)) {
        vr_state_reader_invalid(r, "virtio-gpu cursor resource %u does not exist or is too large",
                                cursor_id);
        ok = false;
    }
    if (!ok) {
        destroy_all(g);
        return false;
    }
    g_mutex_lock(&g->lock);
    g->display_width = width;
    g->display_height = height;
    g->events_read = events & VR_VIRTIO_GPU_EVENT_DISPLAY;
    g_mutex_unlock(&g->lock);
    g->hot_x = hot_x;
    g->hot_y = hot_y;
    g->cursor_x = x;
    g->cursor_y = y;
    g->cursor_id = cursor_id;
    g->renderer->ops->set_cursor(g->renderer, cursor ? cursor->res : NULL, hot_x, hot_y, 0, x, y);
    g->scanout_id = scanout_id;
    if (scanout) {
        g->scanout_rect = rect;
        g->renderer->ops->set_scanout(g->renderer, 0, scanout->res, &rect);
    }
    notify_frame(g);
    return true;
}

static void gpu_free(VrVirtioDevice *dev)
{
    VrVirtioGpu *g = (VrVirtioGpu *) dev;
    destroy_all(g);
    g_hash_table_destroy(g->resources);
    g->renderer->ops->free(g->renderer);
    g_mutex_clear(&g->lock);
    g_free(g->elem);
    g_free(g);
}

static const VrVirtioDeviceClass gpu_class = {
    .name = "virtio-gpu",
    .device_id = VR_VIRTIO_ID_GPU,
    .config_read = gpu_config_read,
    .config_write = gpu_config_write,
    .queue_notify = gpu_queue_notify,
    .reset = gpu_reset,
    .save = gpu_save,
    .load = gpu_load,
    .free = gpu_free,
};

VrVirtioDevice *vr_virtio_gpu_new(VrRenderer *renderer, uint32_t width, uint32_t height,
                                  uint64_t max_memory)
{
    g_return_val_if_fail(width > 0 && width <= VR_VIRTIO_GPU_MAX_DISPLAY && height > 0 &&
                             height <= VR_VIRTIO_GPU_MAX_DISPLAY,
                         NULL);
    VrVirtioGpu *g = g_new0(VrVirtioGpu, 1);
    g->dev.cls = &gpu_class;
    g->dev.name = g_strdup_printf("virtio-gpu (%s)", renderer->ops->name);
    g->dev.features = VR_VIRTIO_BIT(VR_VIRTIO_GPU_F_EDID);
    g->dev.num_queues = 2;
    g->dev.queue_max_size = VR_VIRTIO_GPU_QUEUE_SIZE;
    g->dev.config_size = VR_VIRTIO_GPU_CONFIG_SIZE;
    g->renderer = renderer;
    g->max_memory = max_memory;
    g->display_width = width;
    g->display_height = height;
    g->resources = g_hash_table_new_full(NULL, NULL, NULL, resource_free);
    g_mutex_init(&g->lock);
    g->elem = g_new0(VrVirtqElement, 1);
    return &g->dev;
}

void vr_virtio_gpu_set_frame_notify(VrVirtioDevice *dev, void (*fn)(void *data), void *data)
{
    VrVirtioGpu *g = (VrVirtioGpu *) dev;
    g->frame_notify = fn;
    g->frame_notify_data = data;
}

const char *vr_virtio_gpu_renderer_name(VrVirtioDevice *dev)
{
    return ((VrVirtioGpu *) dev)->renderer->ops->name;
}

bool vr_virtio_gpu_export_frames(VrVirtioDevice *dev, bool on, uint8_t device_uuid[16],
                                 uint8_t driver_uuid[16])
{
    return vr_renderer_export_frames(((VrVirtioGpu *) dev)->renderer, on, device_uuid, driver_uuid);
}
