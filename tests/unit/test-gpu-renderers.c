/* The Vulkan renderer against the CPU renderer: both get the same operations (every format,
 * partial transfers with odd offsets and strides from scattered backing, scanouts of part of
 * a resource, partial flushes, cursors with alpha at and beyond the edges, resources
 * destroyed and made again, state-file reads and writes, a long random sequence) and must
 * give the same frames: size, sequence number, changed rectangle and every byte. Frames held
 * by a viewer must not change. The same again with the Vulkan renderer exporting its frames
 * (GPU images, pixels read back when asked). Skipped where there is no Vulkan device
 * (lavapipe is one). */
#include <glib.h>
#include <string.h>

#include "vr-renderer.h"

static const uint32_t formats[] = {
    VR_GPU_FORMAT_B8G8R8A8, VR_GPU_FORMAT_B8G8R8X8, VR_GPU_FORMAT_A8R8G8B8, VR_GPU_FORMAT_X8R8G8B8,
    VR_GPU_FORMAT_R8G8B8A8, VR_GPU_FORMAT_X8B8G8R8, VR_GPU_FORMAT_A8B8G8R8, VR_GPU_FORMAT_R8G8B8X8,
};

#define MAX_RES 8

/* The Vulkan renderer exports its frames (the /exported/ tests). */
static bool exporting;

/* The two renderers and, per slot, a resource of each made alike. */
typedef struct {
    VrRenderer *r[2]; /* CPU, Vulkan */
    VrRendererResource *res[MAX_RES][2];
    uint32_t width[MAX_RES], height[MAX_RES];
    unsigned checks;
} Pair;

static bool pair_init(Pair *p)
{
    memset(p, 0, sizeof(*p));
    g_autoptr(GError) error = NULL;
    p->r[1] = vr_renderer_vulkan_new(&error);
    if (!p->r[1]) {
        g_autofree char *why = g_strdup_printf("no Vulkan renderer: %s", error->message);
        g_test_skip(why);
        return false;
    }
    g_assert_cmpstr(p->r[1]->ops->name, ==, "vulkan");
    uint8_t device_uuid[16];
    if (exporting && !vr_renderer_export_frames(p->r[1], true, device_uuid, NULL)) {
        g_test_skip("the Vulkan device cannot export images");
        p->r[1]->ops->free(p->r[1]);
        return false;
    }
    p->r[0] = vr_renderer_cpu_new();
    g_assert_false(vr_renderer_export_frames(p->r[0], true, NULL, NULL));
    return true;
}

static void pair_free(Pair *p)
{
    for (unsigned k = 0; k < 2; k++) {
        p->r[k]->ops->set_scanout(p->r[k], 0, NULL, NULL);
        p->r[k]->ops->set_cursor(p->r[k], NULL, 0, 0, 0, 0, 0);
        for (unsigned i = 0; i < MAX_RES; i++)
            if (p->res[i][k])
                p->r[k]->ops->resource_destroy(p->r[k], p->res[i][k]);
        p->r[k]->ops->free(p->r[k]);
    }
}

/* The frames of both renderers are alike, byte for byte. */
static void check(Pair *p)
{
    g_autoptr(VrGpuFrame) a = p->r[0]->ops->get_frame(p->r[0], 0);
    g_autoptr(VrGpuFrame) b = p->r[1]->ops->get_frame(p->r[1], 0);
    p->checks++;
    if (!a) {
        g_assert_null(b);
        return;
    }
    g_assert_nonnull(b);
    g_assert_cmpuint(b->width, ==, a->width);
    g_assert_cmpuint(b->height, ==, a->height);
    g_assert_cmpuint(b->sequence, ==, a->sequence);
    g_assert_cmpuint(b->dirty.x, ==, a->dirty.x);
    g_assert_cmpuint(b->dirty.y, ==, a->dirty.y);
    g_assert_cmpuint(b->dirty.width, ==, a->dirty.width);
    g_assert_cmpuint(b->dirty.height, ==, a->dirty.height);
    g_assert_cmpuint(b->stride, >=, b->width * 4);
    g_assert_null(a->image);
    if (exporting) {
        /* An image of the frame's size. */
        g_assert_nonnull(b->image);
        g_assert_cmpuint(b->image->width, ==, b->width);
        g_assert_cmpuint(b->image->height, ==, b->height);
        g_assert_cmpint(b->image->memory_fd, >=, 0);
        g_assert_cmpuint(b->image->memory_size, >=, (uint64_t) b->width * b->height * 4);
    } else {
        g_assert_null(b->image);
    }
    const uint8_t *pa_all = vr_gpu_frame_pixels(a), *pb_all = vr_gpu_frame_pixels(b);
    g_assert_nonnull(pb_all);
    for (uint32_t y = 0; y < a->height; y++) {
        const uint8_t *ra = pa_all + (size_t) y * a->stride;
        const uint8_t *rb = pb_all + (size_t) y * b->stride;
        if (memcmp(ra, rb, (size_t) a->width * 4) == 0)
            continue;
        for (uint32_t x = 0; x < a->width; x++) {
            uint32_t pa, pb;
            memcpy(&pa, ra + 4 * x, 4);
            memcpy(&pb, rb + 4 * x, 4);
            if (pa != pb)
                g_error("frame %" G_GUINT64_FORMAT " pixel %u,%u: cpu 0x%08x, vulkan 0x%08x",
                        a->sequence, x, y, pa, pb);
        }
    }
}

static void create(Pair *p, unsigned slot, uint32_t format, uint32_t w, uint32_t h)
{
    for (unsigned k = 0; k < 2; k++) {
        g_assert_null(p->res[slot][k]);
        p->res[slot][k] = p->r[k]->ops->resource_create(p->r[k], format, w, h);
        g_assert_nonnull(p->res[slot][k]);
    }
    p->width[slot] = w;
    p->height[slot] = h;
}

static void destroy(Pair *p, unsigned slot)
{
    for (unsigned k = 0; k < 2; k++) {
        p->r[k]->ops->resource_destroy(p->r[k], p->res[slot][k]);
        p->res[slot][k] = NULL;
    }
}

/* Guest memory: one buffer cut into iovecs of the given lengths, in order. */
typedef struct {
    uint8_t *mem;
    size_t len;
    struct iovec iov[8];
    unsigned n;
} Backing;

static void backing_init(Backing *b, GRand *rnd, const size_t *lens, unsigned n)
{
    b->len = 0;
    for (unsigned i = 0; i < n; i++)
        b->len += lens[i];
    /* Entries not adjacent in memory: a gap of 16 bytes between them. */
    b->mem = g_malloc(b->len + 16 * n);
    uint8_t *at = b->mem;
    for (unsigned i = 0; i < n; i++) {
        b->iov[i] = (struct iovec){at, lens[i]};
        at += lens[i] + 16;
    }
    b->n = n;
    for (size_t i = 0; i < b->len + 16 * n; i++)
        b->mem[i] = (uint8_t) g_rand_int(rnd);
}

static void backing_clear(Backing *b)
{
    g_free(b->mem);
}

/* Random guest bytes; alpha bytes often 0 or 0xff, which the blend treats at its edges. */
static void backing_scramble(Backing *b, GRand *rnd)
{
    static const uint8_t picks[] = {0x00, 0xff, 0x01, 0xfe, 0x80, 0x7f};
    for (size_t i = 0; i < b->len + 16 * b->n; i++)
        b->mem[i] = g_rand_int_range(rnd, 0, 3) ? (uint8_t) g_rand_int(rnd)
                                                : picks[g_rand_int_range(rnd, 0, 6)];
}

static void write_rect(Pair *p, unsigned slot, VrGpuRect r, const Backing *b, uint64_t offset,
                       uint32_t stride)
{
    g_assert_true(r.height == 0 ||
                  offset + (uint64_t) (r.height - 1) * stride + (uint64_t) r.width * 4 <= b->len);
    for (unsigned k = 0; k < 2; k++)
        p->r[k]->ops->resource_write(p->r[k], p->res[slot][k], &r, b->iov, b->n, offset, stride);
}

static void scanout(Pair *p, int slot, VrGpuRect r)
{
    for (unsigned k = 0; k < 2; k++)
        p->r[k]->ops->set_scanout(p->r[k], 0, slot < 0 ? NULL : p->res[slot][k], &r);
    check(p);
}

static void flush(Pair *p, unsigned slot, VrGpuRect r)
{
    for (unsigned k = 0; k < 2; k++)
        p->r[k]->ops->flush(p->r[k], p->res[slot][k], &r);
    check(p);
}

static void cursor(Pair *p, int slot, uint32_t hx, uint32_t hy, uint32_t x, uint32_t y)
{
    for (unsigned k = 0; k < 2; k++)
        p->r[k]->ops->set_cursor(p->r[k], slot < 0 ? NULL : p->res[slot][k], hx, hy, 0, x, y);
    check(p);
}

static void move(Pair *p, uint32_t x, uint32_t y)
{
    for (unsigned k = 0; k < 2; k++)
        p->r[k]->ops->move_cursor(p->r[k], 0, x, y);
    check(p);
}

/* The whole image of a slot reads the same from both renderers; returns the CPU's copy. */
static uint8_t *read_all_same(Pair *p, unsigned slot)
{
    size_t len = (size_t) p->width[slot] * p->height[slot] * 4;
    uint8_t *a = g_malloc(len);
    g_autofree uint8_t *b = g_malloc(len);
    memset(b, 0xcc, len);
    p->r[0]->ops->resource_read_all(p->r[0], p->res[slot][0], a);
    p->r[1]->ops->resource_read_all(p->r[1], p->res[slot][1], b);
    g_assert_true(memcmp(a, b, len) == 0);
    return a;
}

static void test_formats_and_transfers(void)
{
    Pair p;
    if (!pair_init(&p))
        return;
    g_autoptr(GRand) rnd = g_rand_new_with_seed(11);
    const uint32_t w = 61, h = 37;
    /* Rows 4 * w + 13 bytes apart from offset 7, the entries cut inside rows and pixels. */
    const uint32_t stride = 4 * w + 13;
    const uint64_t offset = 7;
    size_t need = offset + (size_t) (h - 1) * stride + 4 * w;
    size_t lens[3] = {1001, 3 * stride + 2, 0};
    lens[2] = need - lens[0] - lens[1];
    Backing b;
    backing_init(&b, rnd, lens, 3);

    for (unsigned i = 0; i < G_N_ELEMENTS(formats); i++) {
        create(&p, 0, formats[i], w, h);
        backing_scramble(&b, rnd);
        /* A new resource is zero: a scanout of it is black. */
        scanout(&p, 0, (VrGpuRect){0, 0, w, h});
        write_rect(&p, 0, (VrGpuRect){0, 0, w, h}, &b, offset, stride);
        check(&p); /* a transfer alone changes no frame */
        flush(&p, 0, (VrGpuRect){0, 0, w, h});
        g_autofree uint8_t *all = read_all_same(&p, 0);

        /* A rectangle inside: the transfer's first row at offset + 5 rows + 3 pixels. */
        backing_scramble(&b, rnd);
        write_rect(&p, 0, (VrGpuRect){3, 5, 17, 9}, &b, offset + 5ull * stride + 12, stride);
        flush(&p, 0, (VrGpuRect){3, 5, 17, 9});
        /* Only part of it flushed, then a flush reaching outside the scanout. */
        backing_scramble(&b, rnd);
        write_rect(&p, 0, (VrGpuRect){40, 20, 21, 17}, &b, offset + 20ull * stride + 160, stride);
        flush(&p, 0, (VrGpuRect){45, 22, 5, 5});

        /* A scanout of part of the resource; flushes across its edge and wholly outside. */
        scanout(&p, 0, (VrGpuRect){9, 4, 33, 21});
        flush(&p, 0, (VrGpuRect){40, 20, 21, 17});
        flush(&p, 0, (VrGpuRect){0, 0, 9, 37});
        flush(&p, 0, (VrGpuRect){0, 0, w, h});
        g_clear_pointer(&all, g_free);
        all = read_all_same(&p, 0);
        scanout(&p, -1, (VrGpuRect){0});
        destroy(&p, 0);
    }
    g_assert_cmpuint(p.checks, ==, 8 * 10);
    backing_clear(&b);
    pair_free(&p);
}

/* A cursor image of format with straight alpha covering every edge case of the blend. */
static void cursor_image(Pair *p, unsigned slot, uint32_t format, uint32_t w, uint32_t h,
                         GRand *rnd)
{
    create(p, slot, format, w, h);
    size_t lens[2] = {(size_t) w * h * 2 + 3, (size_t) w * h * 2 - 3};
    Backing b;
    backing_init(&b, rnd, lens, 2);
    backing_scramble(&b, rnd);
    write_rect(p, slot, (VrGpuRect){0, 0, w, h}, &b, 0, w * 4);
    backing_clear(&b);
}

static void test_cursor(void)
{
    Pair p;
    if (!pair_init(&p))
        return;
    g_autoptr(GRand) rnd = g_rand_new_with_seed(12);
    const uint32_t w = 100, h = 70;
    create(&p, 0, VR_GPU_FORMAT_X8R8G8B8, w, h);
    size_t lens[2] = {w * h * 2 + 1, w * h * 2 - 1};
    Backing b;
    backing_init(&b, rnd, lens, 2);
    write_rect(&p, 0, (VrGpuRect){0, 0, w, h}, &b, 0, w * 4);
    scanout(&p, 0, (VrGpuRect){10, 5, 80, 60});

    for (unsigned i = 0; i < G_N_ELEMENTS(formats); i++) {
        cursor_image(&p, 1, formats[i], 13, 11, rnd);
        cursor(&p, 1, 2, 3, 20, 20);
        move(&p, 21, 20);
        move(&p, 0, 0);                         /* partly above and left of the frame */
        move(&p, 79, 59);                       /* partly below and right */
        move(&p, 80 + 2, 60 + 3);               /* just outside */
        move(&p, (uint32_t) -5, (uint32_t) -4); /* negative: partly on */
        move(&p, (uint32_t) -100, 3);           /* wholly outside */
        move(&p, 40, 30);
        flush(&p, 0, (VrGpuRect){0, 0, w, h}); /* under the cursor: it stays on top */
        cursor(&p, -1, 0, 0, 0, 0);
        cursor(&p, 1, 12, 10, 12, 10);      /* hot spot at the far corner, image at 0,0 */
        cursor(&p, 1, 0xffffffff, 0, 5, 5); /* a hot spot far away: nothing on the frame */
        destroy(&p, 1);                     /* the cursor keeps its copy */
        move(&p, 30, 30);
        cursor(&p, -1, 0, 0, 0, 0);
    }

    /* The largest cursor, with the frame changing under it. */
    cursor_image(&p, 1, VR_GPU_FORMAT_B8G8R8A8, 256, 256, rnd);
    cursor(&p, 1, 100, 100, 50, 40);
    backing_scramble(&b, rnd);
    write_rect(&p, 0, (VrGpuRect){0, 0, w, h}, &b, 0, w * 4);
    flush(&p, 0, (VrGpuRect){20, 20, 30, 30});
    move(&p, 0, 0);
    /* The cursor on the scanout's own resource. */
    cursor(&p, 0, 0, 0, 30, 30);
    backing_clear(&b);
    pair_free(&p);
}

/* Both renderers with a w x h resource of format in slot 0, filled from b (made here, random
 * bytes) and shown on the scanout; false (skipped) without Vulkan. */
static bool pair_with_picture(Pair *p, GRand *rnd, uint32_t format, uint32_t w, uint32_t h,
                              Backing *b)
{
    if (!pair_init(p))
        return false;
    create(p, 0, format, w, h);
    size_t lens[1] = {w * h * 4};
    backing_init(b, rnd, lens, 1);
    write_rect(p, 0, (VrGpuRect){0, 0, w, h}, b, 0, w * 4);
    scanout(p, 0, (VrGpuRect){0, 0, w, h});
    return true;
}

/* A frame held by a viewer never changes; one nobody holds may be reused. */
static void test_held_frames(void)
{
    Pair p;
    g_autoptr(GRand) rnd = g_rand_new_with_seed(13);
    const uint32_t w = 40, h = 30;
    Backing b;
    if (!pair_with_picture(&p, rnd, VR_GPU_FORMAT_B8G8R8X8, w, h, &b))
        return;
    VrRenderer *vk = p.r[1];
    g_autoptr(VrGpuFrame) held = vk->ops->get_frame(vk, 0);
    g_autofree uint8_t *copy = g_memdup2(vr_gpu_frame_pixels(held), (size_t) held->stride * h);
    for (unsigned i = 0; i < 5; i++) {
        backing_scramble(&b, rnd);
        write_rect(&p, 0, (VrGpuRect){0, 0, w, h}, &b, 0, w * 4);
        flush(&p, 0, (VrGpuRect){i, i, w - 2 * i, h - 2 * i});
    }
    g_assert_true(memcmp(vr_gpu_frame_pixels(held), copy, (size_t) held->stride * h) == 0);
    g_autoptr(VrGpuFrame) now = vk->ops->get_frame(vk, 0);
    g_assert_true(now != held);
    g_assert_cmpuint(now->sequence, ==, held->sequence + 5);
    g_assert_true(memcmp(vr_gpu_frame_pixels(now), copy, (size_t) now->stride * h) != 0);
    backing_clear(&b);
    pair_free(&p);
}

/* Exporting: frames held by viewers keep their images; with every image held the renderer
 * reads back instead, and goes back to images once they are free; a frame outlives its
 * renderer, and its pixels can still be read. */
static void test_exported_held(void)
{
    Pair p;
    g_autoptr(GRand) rnd = g_rand_new_with_seed(14);
    const uint32_t w = 64, h = 48;
    Backing b;
    if (!pair_with_picture(&p, rnd, VR_GPU_FORMAT_B8G8R8A8, w, h, &b))
        return;
    VrRenderer *vk = p.r[1];
    VrGpuFrame *held[6];
    uint8_t *copies[6];
    uint64_t ids[6];
    for (unsigned i = 0; i < 6; i++) {
        held[i] = vk->ops->get_frame(vk, 0);
        /* Four images at most: one is being written while the others are shown. */
        g_assert_true((held[i]->image != NULL) == (i < 4));
        ids[i] = held[i]->image ? held[i]->image->id : 0;
        for (unsigned k = 0; k < i; k++)
            g_assert_true(ids[i] == 0 || ids[k] != ids[i]);
        copies[i] = g_memdup2(vr_gpu_frame_pixels(held[i]), (size_t) held[i]->stride * h);
        backing_scramble(&b, rnd);
        write_rect(&p, 0, (VrGpuRect){0, 0, w, h}, &b, 0, w * 4);
        exporting = i < 3; /* the fourth frame on: no image is free, pixels are read back */
        flush(&p, 0, (VrGpuRect){i, 2 * i, w - 3 * i, h - 2 * i});
        exporting = true;
    }
    for (unsigned i = 0; i < 6; i++)
        g_assert_true(
            memcmp(vr_gpu_frame_pixels(held[i]), copies[i], (size_t) held[i]->stride * h) == 0);
    /* Images free again: the next frame shows one, reused, and its pixels are right. */
    for (unsigned i = 0; i < 6; i++)
        vr_gpu_frame_unref(held[i]);
    backing_scramble(&b, rnd);
    write_rect(&p, 0, (VrGpuRect){0, 0, w, h}, &b, 0, w * 4);
    flush(&p, 0, (VrGpuRect){5, 5, 10, 10});
    g_autoptr(VrGpuFrame) last = vk->ops->get_frame(vk, 0);
    g_assert_nonnull(last->image);
    g_assert_true(last->image->id <= ids[3]);
    g_autoptr(VrGpuFrame) cpu_last = p.r[0]->ops->get_frame(p.r[0], 0);
    pair_free(&p);
    /* The renderer is gone; the frame and its image are not. */
    g_assert_true(memcmp(vr_gpu_frame_pixels(last), vr_gpu_frame_pixels(cpu_last),
                         (size_t) last->stride * h) == 0);
    for (unsigned i = 0; i < 6; i++)
        g_free(copies[i]);
    backing_clear(&b);
}

static void test_destroy_and_state(void)
{
    Pair p;
    if (!pair_init(&p))
        return;
    g_autoptr(GRand) rnd = g_rand_new_with_seed(14);
    size_t lens[2] = {50000, 50000};
    Backing b;
    backing_init(&b, rnd, lens, 2);

    create(&p, 0, VR_GPU_FORMAT_A8B8G8R8, 64, 48);
    write_rect(&p, 0, (VrGpuRect){0, 0, 64, 48}, &b, 100, 256);
    scanout(&p, 0, (VrGpuRect){0, 0, 64, 48});
    scanout(&p, -1, (VrGpuRect){0});
    destroy(&p, 0);
    /* The same slot again, another size and format: zero until written. */
    create(&p, 0, VR_GPU_FORMAT_R8G8B8X8, 50, 70);
    scanout(&p, 0, (VrGpuRect){0, 0, 50, 70});
    write_rect(&p, 0, (VrGpuRect){1, 1, 48, 68}, &b, 3, 50 * 4 + 1);
    flush(&p, 0, (VrGpuRect){0, 0, 50, 70});

    /* State files: what read_all gives, write_all puts back, into another resource too. */
    g_autofree uint8_t *saved = read_all_same(&p, 0);
    create(&p, 1, VR_GPU_FORMAT_R8G8B8X8, 50, 70);
    for (unsigned k = 0; k < 2; k++)
        p.r[k]->ops->resource_write_all(p.r[k], p.res[1][k], saved);
    g_autofree uint8_t *again = read_all_same(&p, 1);
    g_assert_true(memcmp(saved, again, 50 * 70 * 4) == 0);
    scanout(&p, 1, (VrGpuRect){5, 6, 20, 30});
    /* Fresh bytes written whole and shown. */
    g_autofree uint8_t *fresh = g_malloc(50 * 70 * 4);
    for (size_t i = 0; i < 50 * 70 * 4; i++)
        fresh[i] = (uint8_t) g_rand_int(rnd);
    for (unsigned k = 0; k < 2; k++)
        p.r[k]->ops->resource_write_all(p.r[k], p.res[1][k], fresh);
    g_autofree uint8_t *back = read_all_same(&p, 1);
    g_assert_true(memcmp(fresh, back, 50 * 70 * 4) == 0);
    flush(&p, 1, (VrGpuRect){0, 0, 50, 70});
    backing_clear(&b);
    pair_free(&p);
}

/* A resource larger than the Vulkan renderer's staging buffer: its transfers and state-file
 * copies go in pieces. Also times full-screen flushes of both renderers. */
static void test_large(void)
{
    Pair p;
    if (!pair_init(&p))
        return;
    g_autoptr(GRand) rnd = g_rand_new_with_seed(15);
    const uint32_t w = 2500, h = 1900; /* 19 MB */
    size_t lens[3] = {(size_t) w * h * 4 / 3, (size_t) w * h * 4 / 3, 0};
    lens[2] = (size_t) w * h * 4 - lens[0] - lens[1];
    Backing b;
    backing_init(&b, rnd, lens, 3);
    create(&p, 0, VR_GPU_FORMAT_B8G8R8A8, w, h);
    write_rect(&p, 0, (VrGpuRect){0, 0, w, h}, &b, 0, w * 4);
    scanout(&p, 0, (VrGpuRect){7, 9, 1920, 1080});
    g_autofree uint8_t *all = read_all_same(&p, 0);
    for (unsigned k = 0; k < 2; k++)
        p.r[k]->ops->resource_write_all(p.r[k], p.res[0][k], all);
    g_clear_pointer(&all, g_free);
    all = read_all_same(&p, 0);

    /* A full-screen transfer and flush, as a guest redrawing everything does. */
    VrGpuRect screen = {7, 9, 1920, 1080};
    double seconds[2] = {0, 0};
    const unsigned rounds = 10;
    for (unsigned i = 0; i < rounds; i++) {
        for (unsigned k = 0; k < 2; k++) {
            gint64 t0 = g_get_monotonic_time();
            p.r[k]->ops->resource_write(p.r[k], p.res[0][k], &screen, b.iov, b.n,
                                        (9ull * w + 7) * 4, w * 4);
            p.r[k]->ops->flush(p.r[k], p.res[0][k], &screen);
            seconds[k] += (g_get_monotonic_time() - t0) / 1e6;
        }
        check(&p);
    }
    g_test_message("1920x1080 transfer + flush: cpu %.2f ms, vulkan %.2f ms",
                   seconds[0] * 1000 / rounds, seconds[1] * 1000 / rounds);
    seconds[0] = seconds[1] = 0;
    for (unsigned i = 0; i < rounds; i++) {
        for (unsigned k = 0; k < 2; k++) {
            gint64 t0 = g_get_monotonic_time();
            p.r[k]->ops->flush(p.r[k], p.res[0][k], &screen);
            seconds[k] += (g_get_monotonic_time() - t0) / 1e6;
        }
        check(&p);
    }
    g_test_message("1920x1080 flush alone: cpu %.2f ms, vulkan %.2f ms", seconds[0] * 1000 / rounds,
                   seconds[1] * 1000 / rounds);
    backing_clear(&b);
    pair_free(&p);
}

/* A random sequence of every operation, compared after each. */
static void test_random(void)
{
    Pair p;
    if (!pair_init(&p))
        return;
    g_autoptr(GRand) rnd = g_rand_new_with_seed(16);
    size_t lens[4] = {777, 5000, 12345, 200000};
    Backing b;
    backing_init(&b, rnd, lens, 4);
    int shown = -1;
    for (unsigned step = 0; step < 1500; step++) {
        unsigned slot = (unsigned) g_rand_int_range(rnd, 0, 4);
        bool exists = p.res[slot][0] != NULL;
        uint32_t w = p.width[slot], h = p.height[slot];
        switch (g_rand_int_range(rnd, 0, 9)) {
        case 0:
            if (exists) {
                if (shown == (int) slot) {
                    scanout(&p, -1, (VrGpuRect){0});
                    shown = -1;
                }
                destroy(&p, slot);
            } else {
                create(&p, slot, formats[g_rand_int_range(rnd, 0, G_N_ELEMENTS(formats))],
                       (uint32_t) g_rand_int_range(rnd, 1, 90),
                       (uint32_t) g_rand_int_range(rnd, 1, 70));
            }
            break;
        case 1:
        case 2:
            if (exists) {
                VrGpuRect r;
                r.x = (uint32_t) g_rand_int_range(rnd, 0, (gint32) w);
                r.y = (uint32_t) g_rand_int_range(rnd, 0, (gint32) h);
                r.width = (uint32_t) g_rand_int_range(rnd, 0, (gint32) (w - r.x + 1));
                r.height = (uint32_t) g_rand_int_range(rnd, 0, (gint32) (h - r.y + 1));
                uint32_t stride = r.width * 4 + (uint32_t) g_rand_int_range(rnd, 0, 40);
                uint64_t span = r.height ? (uint64_t) (r.height - 1) * stride + r.width * 4 : 0;
                uint64_t offset = (uint64_t) g_rand_int_range(rnd, 0, (gint32) (b.len - span + 1));
                backing_scramble(&b, rnd);
                write_rect(&p, slot, r, &b, offset, stride);
            }
            break;
        case 3:
            if (exists) {
                uint32_t x = (uint32_t) g_rand_int_range(rnd, 0, (gint32) w);
                uint32_t y = (uint32_t) g_rand_int_range(rnd, 0, (gint32) h);
                scanout(&p, (int) slot,
                        (VrGpuRect){x, y, (uint32_t) g_rand_int_range(rnd, 1, (gint32) (w - x + 1)),
                                    (uint32_t) g_rand_int_range(rnd, 1, (gint32) (h - y + 1))});
                shown = (int) slot;
            } else if (g_rand_int_range(rnd, 0, 4) == 0) {
                scanout(&p, -1, (VrGpuRect){0});
                shown = -1;
            }
            break;
        case 4:
        case 5:
            if (exists) {
                uint32_t x = (uint32_t) g_rand_int_range(rnd, 0, (gint32) w);
                uint32_t y = (uint32_t) g_rand_int_range(rnd, 0, (gint32) h);
                flush(&p, slot,
                      (VrGpuRect){x, y, (uint32_t) g_rand_int_range(rnd, 0, (gint32) (w - x + 1)),
                                  (uint32_t) g_rand_int_range(rnd, 0, (gint32) (h - y + 1))});
            }
            break;
        case 6:
            cursor(&p, exists && g_rand_int_range(rnd, 0, 5) ? (int) slot : -1,
                   (uint32_t) g_rand_int_range(rnd, 0, 20), (uint32_t) g_rand_int_range(rnd, 0, 20),
                   (uint32_t) g_rand_int_range(rnd, -30, 120),
                   (uint32_t) g_rand_int_range(rnd, -30, 100));
            break;
        case 7:
            move(&p, (uint32_t) g_rand_int_range(rnd, -30, 120),
                 (uint32_t) g_rand_int_range(rnd, -30, 100));
            break;
        case 8:
            if (exists)
                g_free(read_all_same(&p, slot));
            break;
        }
    }
    g_assert_cmpuint(p.checks, >, 500);
    backing_clear(&b);
    pair_free(&p);
}

static void test_choice(void)
{
    char *why = (char *) "unset";
    g_setenv("VIREO_RENDERER", "cpu", true);
    VrRenderer *r = vr_renderer_new_best(&why);
    g_assert_cmpstr(r->ops->name, ==, "cpu");
    g_assert_cmpstr(why, ==, "VIREO_RENDERER=cpu");
    g_free(why);
    r->ops->free(r);

    g_autoptr(GError) error = NULL;
    VrRenderer *vk = vr_renderer_vulkan_new(&error);
    bool software = false;
    const char *device = vk ? vr_renderer_vulkan_device_name(vk, &software) : NULL;
    g_assert_true(!vk || (device && device[0]));
    g_assert_null(vr_renderer_vulkan_device_name(r = vr_renderer_cpu_new(), NULL));
    r->ops->free(r);
    for (unsigned forced = 0; forced < 2; forced++) {
        if (forced)
            g_setenv("VIREO_RENDERER", "vulkan", true);
        else
            g_unsetenv("VIREO_RENDERER");
        why = (char *) "unset";
        r = vr_renderer_new_best(&why);
        if (vk && (forced || !software)) {
            /* A GPU, or a software device insisted on. */
            g_assert_cmpstr(r->ops->name, ==, "vulkan");
            g_assert_cmpstr(vr_renderer_vulkan_device_name(r, NULL), ==, device);
            g_assert_null(why);
        } else if (vk) {
            /* Only lavapipe or the like: the CPU renderer is faster. */
            g_assert_cmpstr(r->ops->name, ==, "cpu");
            g_assert_nonnull(strstr(why, device));
            g_free(why);
        } else {
            g_assert_cmpstr(r->ops->name, ==, "cpu");
            g_assert_cmpstr(why, ==, error->message);
            g_free(why);
        }
        r->ops->free(r);
    }
    g_unsetenv("VIREO_RENDERER");
    if (vk)
        vk->ops->free(vk);
    else
        g_assert_true(error->message[0] != '\0');
}

/* With no Vulkan driver at all (the loader pointed at one that does not exist), the CPU
 * renderer is chosen, forced Vulkan or not, with the reason. */
static void test_no_driver(void)
{
    if (!g_test_subprocess()) {
        g_test_trap_subprocess(NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
        g_test_trap_assert_passed();
        return;
    }
    g_setenv("VK_ICD_FILENAMES", "/nonexistent/vireo_icd.json", true);
    g_setenv("VK_DRIVER_FILES", "/nonexistent/vireo_icd.json", true);
    g_autoptr(GError) error = NULL;
    g_assert_null(vr_renderer_vulkan_new(&error));
    g_assert_nonnull(error);
    g_assert_true(strstr(error->message, "Vulkan") != NULL);
    static const char *const choices[] = {NULL, "vulkan", "neither"};
    for (unsigned i = 0; i < G_N_ELEMENTS(choices); i++) {
        if (choices[i])
            g_setenv("VIREO_RENDERER", choices[i], true);
        else
            g_unsetenv("VIREO_RENDERER");
        g_autofree char *why = NULL;
        VrRenderer *r = vr_renderer_new_best(&why);
        g_assert_cmpstr(r->ops->name, ==, "cpu");
        g_assert_cmpstr(why, ==, error->message);
        r->ops->free(r);
    }
    /* No reason asked for: still the CPU renderer. */
    VrRenderer *r = vr_renderer_new_best(NULL);
    g_assert_cmpstr(r->ops->name, ==, "cpu");
    r->ops->free(r);
}

static void run_exported(gconstpointer test)
{
    exporting = true;
    ((void (*)(void)) test)();
    exporting = false;
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/gpu-renderers/choice", test_choice);
    g_test_add_func("/gpu-renderers/no-driver", test_no_driver);
    g_test_add_func("/gpu-renderers/formats-and-transfers", test_formats_and_transfers);
    g_test_add_func("/gpu-renderers/cursor", test_cursor);
    g_test_add_func("/gpu-renderers/held-frames", test_held_frames);
    g_test_add_func("/gpu-renderers/destroy-and-state", test_destroy_and_state);
    g_test_add_func("/gpu-renderers/large", test_large);
    g_test_add_func("/gpu-renderers/random", test_random);
    g_test_add_data_func("/gpu-renderers/exported/formats-and-transfers",
                         test_formats_and_transfers, run_exported);
    g_test_add_data_func("/gpu-renderers/exported/cursor", test_cursor, run_exported);
    g_test_add_data_func("/gpu-renderers/exported/held", test_exported_held, run_exported);
    g_test_add_data_func("/gpu-renderers/exported/random", test_random, run_exported);
    return g_test_run();
}
