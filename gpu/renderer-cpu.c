/* The CPU renderer: resources are host pixel buffers in the guest's format; a flush converts
 * the flushed part of the scanout to XRGB8888 and draws the cursor over it. A frame handed
 * out stays as it is: the next change is made in place only while nobody else holds the
 * frame, and into a copy otherwise. */
#include "vr-renderer.h"
#include "vr-renderer-util.h"

#include <string.h>

struct VrRendererResource {
    uint32_t format, width, height;
    uint8_t *pixels; /* width * 4 bytes a row */
};

typedef struct {
    VrRenderer base;
    VrScreenState screen;
    uint32_t *cursor; /* 0xAARRGGBB (straight alpha) per pixel; NULL: no cursor */
} CpuRenderer;

/* A pixel whose bytes (red, green, blue, alpha) are where b says, as 0xAARRGGBB. */
static inline uint32_t to_argb(const int8_t b[4], const uint8_t *p)
{
    uint32_t a = b[3] >= 0 ? p[b[3]] : 0xff;
    return a << 24 | (uint32_t) p[b[0]] << 16 | (uint32_t) p[b[1]] << 8 | p[b[2]];
}

/* ---- Composition ---- */

static uint8_t blend(uint32_t src, uint32_t dst, uint32_t a)
{
    return (uint8_t) ((src * a + dst * (255 - a) + 127) / 255);
}

/* Draws rect (frame coordinates, inside the frame) of the scanout and the cursor into f. */
static void compose(CpuRenderer *cr, VrGpuFrame *f, const VrGpuRect *rect)
{
    const VrRendererResource *res = cr->screen.scanout;
    int8_t l[4];
    vr_gpu_format_bytes(res->format, l);
    int64_t cx0 = cr->screen.cursor_x - cr->screen.hot_x,
            cy0 = cr->screen.cursor_y - cr->screen.hot_y;
    for (uint32_t y = rect->y; y < rect->y + rect->height; y++) {
        const uint8_t *src = res->pixels + ((size_t) (cr->screen.scanout_rect.y + y) * res->width +
                                            cr->screen.scanout_rect.x + rect->x) *
                                               4;
        uint32_t *dst = (uint32_t *) (f->pixels + (size_t) y * f->stride) + rect->x;
        for (uint32_t x = 0; x < rect->width; x++)
            dst[x] = to_argb(l, src + 4 * x) | 0xff000000u;
        if (!cr->cursor || y < cy0 || y >= cy0 + cr->screen.cursor_height)
            continue;
        const uint32_t *crow = cr->cursor + (size_t) (y - cy0) * cr->screen.cursor_width;
        int64_t from = MAX((int64_t) rect->x, cx0);
        int64_t to = MIN((int64_t) rect->x + rect->width, cx0 + cr->screen.cursor_width);
        for (int64_t x = from; x < to; x++) {
            uint32_t c = crow[x - cx0], a = c >> 24, d = dst[x - rect->x];
            if (a == 0)
                continue;
            dst[x - rect->x] = 0xff000000u |
                               (uint32_t) blend(c >> 16 & 0xff, d >> 16 & 0xff, a) << 16 |
                               (uint32_t) blend(c >> 8 & 0xff, d >> 8 & 0xff, a) << 8 |
                               blend(c & 0xff, d & 0xff, a);
        }
    }
}

/* Recomposes the n given frame rectangles (already clipped to the frame) and publishes the
 * result as the next frame; a new frame of the scanout's size, composed whole, when full. */
static void update_frame(VrRenderer *r, const VrGpuRect *rects, unsigned n, bool full)
{
    CpuRenderer *cr = (CpuRenderer *) r;
    if (!cr->screen.scanout)
        return;
    uint32_t w = cr->screen.scanout_rect.width, h = cr->screen.scanout_rect.height;
    g_mutex_lock(&cr->screen.lock);
    VrGpuFrame *f = cr->screen.frame;
    if (full || !f || f->width != w || f->height != h) {
        f = vr_gpu_frame_new(w, h, true);
        VrGpuRect all = {0, 0, w, h};
        compose(cr, f, &all);
        f->dirty = all;
    } else {
        if (!g_atomic_ref_count_compare(&f->refcount, 1)) {
            /* A viewer holds the current frame: change a copy. */
            VrGpuFrame *copy = vr_gpu_frame_new(w, h, true);
            memcpy(copy->pixels, f->pixels, (size_t) f->stride * h);
            f = copy;
        } else {
            cr->screen.frame = NULL; /* changed in place below */
        }
        bool have = false;
        for (unsigned i = 0; i < n; i++) {
            compose(cr, f, &rects[i]);
            vr_gpu_rect_union(&f->dirty, &have, &rects[i]);
        }
        if (!have) {
            f->dirty = (VrGpuRect){0, 0, 0, 0};
        }
    }
    vr_screen_publish_locked(&cr->screen, f);
    g_mutex_unlock(&cr->screen.lock);
}

/* ---- Operations ---- */

static VrRendererResource *cpu_resource_create(VrRenderer *r, uint32_t format, uint32_t width,
                                               uint32_t height)
{
    VrRendererResource *res = g_new0(VrRendererResource, 1);
    res->format = format;
    res->width = width;
    res->height = height;
    res->pixels = g_try_malloc0((size_t) width * height * 4);
    if (!res->pixels) {
        g_free(res);
        return NULL;
    }
    return res;
}

static void cpu_resource_destroy(VrRenderer *r, VrRendererResource *res)
{
    g_free(res->pixels);
    g_free(res);
}

static void cpu_resource_write(VrRenderer *r, VrRendererResource *res, const VrGpuRect *rect,
                               const struct iovec *backing, unsigned n_backing, uint64_t offset,
                               uint32_t stride)
{
    /* Walks the backing once, row by row (rows come in increasing offsets). */
    unsigned i = 0;
    uint64_t entry_start = 0;
    size_t row_bytes = (size_t) rect->width * 4;
    for (uint32_t y = 0; y < rect->height; y++) {
        uint64_t src = offset + (uint64_t) y * stride;
        uint8_t *dst = res->pixels + ((size_t) (rect->y + y) * res->width + rect->x) * 4;
        size_t done = 0;
        while (done < row_bytes && i < n_backing) {
            uint64_t at = src + done;
            if (at >= entry_start + backing[i].iov_len) {
                entry_start += backing[i].iov_len;
                i++;
                continue;
            }
            size_t n = MIN(row_bytes - done, (size_t) (entry_start + backing[i].iov_len - at));
            memcpy(dst + done, (const uint8_t *) backing[i].iov_base + (at - entry_start), n);
            done += n;
        }
    }
}

static void cpu_resource_read_all(VrRenderer *r, VrRendererResource *res, uint8_t *buf)
{
    memcpy(buf, res->pixels, (size_t) res->width * res->height * 4);
}

static void cpu_resource_write_all(VrRenderer *r, VrRendererResource *res, const uint8_t *buf)
{
    memcpy(res->pixels, buf, (size_t) res->width * res->height * 4);
}

static void cpu_set_cursor(VrRenderer *r, VrRendererResource *res, uint32_t hot_x, uint32_t hot_y,
                           unsigned index, uint32_t x, uint32_t y)
{
    CpuRenderer *cr = (CpuRenderer *) r;
    VrGpuRect before;
    bool had = vr_screen_cursor_rect(&cr->screen, &before);
    g_clear_pointer(&cr->cursor, g_free);
    if (res) {
        int8_t l[4];
        vr_gpu_cursor_bytes(res->format, l);
        size_t n = (size_t) res->width * res->height;
        cr->cursor = g_new(uint32_t, n);
        for (size_t i = 0; i < n; i++)
            cr->cursor[i] = to_argb(l, res->pixels + 4 * i);
        cr->screen.cursor_width = res->width;
        cr->screen.cursor_height = res->height;
    }
    cr->screen.have_cursor = cr->cursor != NULL;
    vr_screen_cursor_set(&cr->screen, &before, had, hot_x, hot_y, x, y);
}

static void cpu_free(VrRenderer *r)
{
    CpuRenderer *cr = (CpuRenderer *) r;
    vr_screen_clear(&cr->screen);
    g_free(cr->cursor);
    g_free(cr);
}

static void cpu_set_scanout(VrRenderer *r, unsigned index, VrRendererResource *res,
                            const VrGpuRect *rect)
{
    vr_screen_set_scanout(&((CpuRenderer *) r)->screen, res, rect);
}

static void cpu_flush(VrRenderer *r, VrRendererResource *res, const VrGpuRect *rect)
{
    vr_screen_flush(&((CpuRenderer *) r)->screen, res, rect);
}

static void cpu_move_cursor(VrRenderer *r, unsigned index, uint32_t x, uint32_t y)
{
    vr_screen_move_cursor(&((CpuRenderer *) r)->screen, x, y);
}

static VrGpuFrame *cpu_get_frame(VrRenderer *r, unsigned index)
{
    return vr_screen_get_frame(&((CpuRenderer *) r)->screen);
}

static const VrRendererOps cpu_ops = {
    .name = "cpu",
    .resource_create = cpu_resource_create,
    .resource_destroy = cpu_resource_destroy,
    .resource_write = cpu_resource_write,
    .resource_read_all = cpu_resource_read_all,
    .resource_write_all = cpu_resource_write_all,
    .set_scanout = cpu_set_scanout,
    .flush = cpu_flush,
    .set_cursor = cpu_set_cursor,
    .move_cursor = cpu_move_cursor,
    .get_frame = cpu_get_frame,
    .free = cpu_free,
};

VrRenderer *vr_renderer_cpu_new(void)
{
    CpuRenderer *cr = g_new0(CpuRenderer, 1);
    cr->base.ops = &cpu_ops;
    vr_screen_init(&cr->screen, &cr->base, update_frame);
    return &cr->base;
}
