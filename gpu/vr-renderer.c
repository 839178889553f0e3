/* Choosing a renderer: Vulkan where it works on a GPU, the CPU otherwise. */
#include "vr-i18n.h"
#include "vr-renderer.h"
#include "vr-renderer-util.h"

#include <gio/gio.h>
#include <string.h>

#if !VIREO_HAVE_VULKAN
VrRenderer *vr_renderer_vulkan_new(GError **error)
{
    g_set_error_literal(error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                        _("Vireo was built without Vulkan."));
    return NULL;
}

const char *vr_renderer_vulkan_device_name(VrRenderer *r, bool *software)
{
    return NULL;
}
#endif

VrRenderer *vr_renderer_new_best(char **why_not_vulkan)
{
    const char *choice = g_getenv("VIREO_RENDERER");
    if (choice && strcmp(choice, "cpu") == 0) {
        if (why_not_vulkan)
            *why_not_vulkan = g_strdup("VIREO_RENDERER=cpu");
        return vr_renderer_cpu_new();
    }
    bool forced = choice && strcmp(choice, "vulkan") == 0;
    if (choice && *choice && !forced)
        g_message("VIREO_RENDERER=%s is neither cpu nor vulkan; choosing as if it were unset",
                  choice);
    g_autoptr(GError) error = NULL;
    VrRenderer *r = vr_renderer_vulkan_new(&error);
    bool software = false;
    const char *device = r ? vr_renderer_vulkan_device_name(r, &software) : NULL;
    if (r && software && !forced) {
        /* Translators: the name of a Vulkan device that runs on the CPU, such as
         * "llvmpipe (LLVM 15.0.6, 256 bits)". */
        g_autofree char *why = g_strdup_printf(
            _("The only usable Vulkan device, %s, runs on the CPU; the CPU renderer is faster."),
            device);
        r->ops->free(r);
        if (why_not_vulkan)
            *why_not_vulkan = g_steal_pointer(&why);
        return vr_renderer_cpu_new();
    }
    if (r) {
        if (why_not_vulkan)
            *why_not_vulkan = NULL;
        return r;
    }
    if (forced)
        g_message("VIREO_RENDERER=vulkan, but Vulkan does not work: %s", error->message);
    if (why_not_vulkan)
        *why_not_vulkan = g_strdup(error->message);
    return vr_renderer_cpu_new();
}

/* ---- what the renderers share ---- */

VrGpuFrame *vr_gpu_frame_new(uint32_t width, uint32_t height, bool zeroed)
{
    VrGpuFrame *f = g_new0(VrGpuFrame, 1);
    g_atomic_ref_count_init(&f->refcount);
    f->width = width;
    f->height = height;
    f->stride = width * 4;
    f->pixels =
        zeroed ? g_malloc0((size_t) f->stride * height) : g_malloc((size_t) f->stride * height);
    g_mutex_init(&f->pixels_lock);
    return f;
}

VrGpuFrame *vr_gpu_frame_new_image(VrGpuFrameImage *image)
{
    VrGpuFrame *f = g_new0(VrGpuFrame, 1);
    g_atomic_ref_count_init(&f->refcount);
    f->width = image->width;
    f->height = image->height;
    f->stride = image->width * 4;
    f->image = image;
    g_mutex_init(&f->pixels_lock);
    return f;
}

const uint8_t *vr_gpu_frame_pixels(VrGpuFrame *frame)
{
    if (!frame->image)
        return frame->pixels;
    g_mutex_lock(&frame->pixels_lock);
    if (!frame->pixels) {
        uint8_t *pixels = g_malloc((size_t) frame->stride * frame->height);
        if (frame->image->read(frame->image, pixels, frame->stride))
            frame->pixels = pixels;
        else
            g_free(pixels);
    }
    g_mutex_unlock(&frame->pixels_lock);
    return frame->pixels;
}

bool vr_renderer_export_frames(VrRenderer *r, bool on, uint8_t device_uuid[16],
                               uint8_t driver_uuid[16])
{
    uint8_t dev[16], drv[16];
    if (!r->ops->export_frames)
        return false;
    if (!r->ops->export_frames(r, on, dev, drv))
        return false;
    if (device_uuid)
        memcpy(device_uuid, dev, 16);
    if (driver_uuid)
        memcpy(driver_uuid, drv, 16);
    return true;
}

VrGpuFrame *vr_gpu_frame_ref(VrGpuFrame *frame)
{
    g_atomic_ref_count_inc(&frame->refcount);
    return frame;
}

void vr_gpu_frame_unref(VrGpuFrame *frame)
{
    if (frame && g_atomic_ref_count_dec(&frame->refcount)) {
        if (frame->image)
            frame->image->release(frame->image);
        g_mutex_clear(&frame->pixels_lock);
        g_free(frame->pixels);
        g_free(frame);
    }
}

void vr_screen_init(VrScreenState *s, VrRenderer *r, VrScreenUpdateFn update)
{
    memset(s, 0, sizeof(*s));
    s->renderer = r;
    s->update = update;
    g_mutex_init(&s->lock);
}

void vr_screen_clear(VrScreenState *s)
{
    g_mutex_lock(&s->lock);
    g_clear_pointer(&s->frame, vr_gpu_frame_unref);
    g_mutex_unlock(&s->lock);
    g_mutex_clear(&s->lock);
}

bool vr_screen_cursor_rect(const VrScreenState *s, VrGpuRect *out)
{
    if (!s->have_cursor || !s->scanout)
        return false;
    VrGpuRect frame = {0, 0, s->scanout_rect.width, s->scanout_rect.height};
    return vr_gpu_rect_intersect(&frame, s->cursor_x - s->hot_x, s->cursor_y - s->hot_y,
                                 s->cursor_width, s->cursor_height, out);
}

void vr_screen_set_scanout(VrScreenState *s, VrRendererResource *res, const VrGpuRect *rect)
{
    s->scanout = res;
    if (!res) {
        g_mutex_lock(&s->lock);
        g_clear_pointer(&s->frame, vr_gpu_frame_unref);
        g_mutex_unlock(&s->lock);
        return;
    }
    s->scanout_rect = *rect;
    s->update(s->renderer, NULL, 0, true);
}

void vr_screen_flush(VrScreenState *s, VrRendererResource *res, const VrGpuRect *rect)
{
    VrGpuRect part;
    if (res != s->scanout || !vr_gpu_rect_intersect(&s->scanout_rect, rect->x, rect->y, rect->width,
                                                    rect->height, &part))
        return;
    part.x -= s->scanout_rect.x;
    part.y -= s->scanout_rect.y;
    s->update(s->renderer, &part, 1, false);
}

void vr_screen_cursor_changed(VrScreenState *s, const VrGpuRect *before, bool had_before)
{
    VrGpuRect rects[2];
    unsigned n = 0;
    if (had_before)
        rects[n++] = *before;
    if (vr_screen_cursor_rect(s, &rects[n]))
        n++;
    if (n > 0)
        s->update(s->renderer, rects, n, false);
}

void vr_screen_cursor_set(VrScreenState *s, const VrGpuRect *before, bool had_before,
                          uint32_t hot_x, uint32_t hot_y, uint32_t x, uint32_t y)
{
    s->hot_x = hot_x;
    s->hot_y = hot_y;
    s->cursor_x = (int32_t) x;
    s->cursor_y = (int32_t) y;
    vr_screen_cursor_changed(s, before, had_before);
}

void vr_screen_move_cursor(VrScreenState *s, uint32_t x, uint32_t y)
{
    VrGpuRect before;
    bool had = vr_screen_cursor_rect(s, &before);
    s->cursor_x = (int32_t) x;
    s->cursor_y = (int32_t) y;
    vr_screen_cursor_changed(s, &before, had);
}

VrGpuFrame *vr_screen_get_frame(VrScreenState *s)
{
    g_mutex_lock(&s->lock);
    VrGpuFrame *f = s->frame ? vr_gpu_frame_ref(s->frame) : NULL;
    g_mutex_unlock(&s->lock);
    return f;
}

void vr_screen_publish_locked(VrScreenState *s, VrGpuFrame *f)
{
    f->sequence = ++s->sequence;
    if (s->frame != f)
        g_clear_pointer(&s->frame, vr_gpu_frame_unref);
    s->frame = f;
}

bool vr_gpu_rect_intersect(const VrGpuRect *a, int64_t x, int64_t y, int64_t w, int64_t h,
                           VrGpuRect *out)
{
    int64_t x0 = MAX((int64_t) a->x, x), y0 = MAX((int64_t) a->y, y);
    int64_t x1 = MIN((int64_t) a->x + a->width, x + w), y1 = MIN((int64_t) a->y + a->height, y + h);
    if (x1 <= x0 || y1 <= y0)
        return false;
    *out = (VrGpuRect){(uint32_t) x0, (uint32_t) y0, (uint32_t) (x1 - x0), (uint32_t) (y1 - y0)};
    return true;
}

void vr_gpu_rect_union(VrGpuRect *acc, bool *have, const VrGpuRect *r)
{
    if (!*have) {
        *acc = *r;
        *have = true;
        return;
    }
    uint64_t x1 = MAX((uint64_t) acc->x + acc->width, (uint64_t) r->x + r->width);
    uint64_t y1 = MAX((uint64_t) acc->y + acc->height, (uint64_t) r->y + r->height);
    acc->x = MIN(acc->x, r->x);
    acc->y = MIN(acc->y, r->y);
    acc->width = (uint32_t) (x1 - acc->x);
    acc->height = (uint32_t) (y1 - acc->y);
}

bool vr_gpu_format_bytes(uint32_t format, int8_t bytes[4])
{
    static const struct {
        uint32_t format;
        int8_t bytes[4];
    } table[] = {
        {VR_GPU_FORMAT_B8G8R8A8, {2, 1, 0, 3}}, {VR_GPU_FORMAT_B8G8R8X8, {2, 1, 0, -1}},
        {VR_GPU_FORMAT_A8R8G8B8, {1, 2, 3, 0}}, {VR_GPU_FORMAT_X8R8G8B8, {1, 2, 3, -1}},
        {VR_GPU_FORMAT_R8G8B8A8, {0, 1, 2, 3}}, {VR_GPU_FORMAT_X8B8G8R8, {3, 2, 1, -1}},
        {VR_GPU_FORMAT_A8B8G8R8, {3, 2, 1, 0}}, {VR_GPU_FORMAT_R8G8B8X8, {0, 1, 2, -1}},
    };
    for (unsigned i = 0; i < G_N_ELEMENTS(table); i++)
        if (table[i].format == format) {
            memcpy(bytes, table[i].bytes, sizeof(table[i].bytes));
            return true;
        }
    return false;
}

bool vr_gpu_cursor_bytes(uint32_t format, int8_t bytes[4])
{
    if (!vr_gpu_format_bytes(format, bytes))
        return false;
    if (bytes[3] < 0)
        bytes[3] = (int8_t) (6 - bytes[0] - bytes[1] - bytes[2]);
    return true;
}

bool vr_gpu_format_known(uint32_t format)
{
    int8_t b[4];
    return vr_gpu_format_bytes(format, b);
}

bool vr_gpu_format_has_alpha(uint32_t format)
{
    int8_t b[4];
    return vr_gpu_format_bytes(format, b) && b[3] >= 0;
}
