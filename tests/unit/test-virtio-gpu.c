/* virtio-gpu 2D on the CPU renderer, driven as Linux's driver drives it: display info, EDID,
 * a display resize event, resources with scattered backing, full and partial transfers and
 * flushes giving pixel-exact frames in every format, the cursor drawn over the frame, each
 * malformed command answered with its error, the memory limit, reset, and state files. The
 * tests of frames, formats, the cursor, the memory limit, reset, state files, random commands
 * and a viewer thread run again on the Vulkan renderer (/virtio-gpu/vulkan/), skipped where
 * it does not start. */
#include <glib.h>
#include <glib/gstdio.h>
#include <string.h>

#include "virtio-gpu.h"
#include "virtio-test-driver.h"
#include "vr-state.h"

#define RAM_SIZE (16ull << 20)
#define QSIZE    16
#define W        64
#define H        48

typedef struct {
    TdMachine m;
    TdQueue q[2];
    uint64_t cmd, resp; /* guest buffers for a request and its response */
} Gpu;

/* The tests under /virtio-gpu/vulkan/ run the device on the Vulkan renderer. */
static bool on_vulkan(void)
{
    return strstr(g_test_get_path(), "/vulkan/") != NULL;
}

static VrRenderer *renderer_new(void)
{
    if (!on_vulkan())
        return vr_renderer_cpu_new();
    g_autoptr(GError) error = NULL;
    VrRenderer *r = vr_renderer_vulkan_new(&error);
    g_assert_no_error(error);
    return r;
}

static void gpu_init_memory(Gpu *g, uint32_t width, uint32_t height, uint64_t max_memory)
{
    VrVirtioDevice *dev = vr_virtio_gpu_new(renderer_new(), width, height, max_memory);
    td_init(&g->m, dev, RAM_SIZE, td_with_iothread());
    td_start(&g->m, VR_VIRTIO_BIT(VR_VIRTIO_GPU_F_EDID), g->q, 2, QSIZE);
    g->cmd = td_alloc(&g->m, 64 + 16ull * (VR_VIRTIO_GPU_MAX_BACKING + 1), 16);
    g->resp = td_alloc(&g->m, 2048, 16);
}

static void gpu_init(Gpu *g)
{
    gpu_init_memory(g, 1024, 768, VR_VIRTIO_GPU_DEFAULT_MEMORY);
}

static void put32(uint8_t *p, size_t off, uint32_t v)
{
    v = GUINT32_TO_LE(v);
    memcpy(p + off, &v, 4);
}

static void put64(uint8_t *p, size_t off, uint64_t v)
{
    v = GUINT64_TO_LE(v);
    memcpy(p + off, &v, 8);
}

static uint32_t get32(const uint8_t *p, size_t off)
{
    uint32_t v;
    memcpy(&v, p + off, 4);
    return GUINT32_FROM_LE(v);
}

/* Sends len bytes of request on the control queue with a response buffer of resp_len;
 * returns the response type (0 when the device wrote nothing). */
static uint32_t ctrl_sized(Gpu *g, const uint8_t *req, size_t len, uint32_t resp_len)
{
    memcpy(td_host(&g->m, g->cmd), req, len);
    memset(td_host(&g->m, g->resp), 0, 2048);
    TdBuf bufs[2] = {{g->cmd, (uint32_t) len, false}, {g->resp, resp_len, true}};
    uint32_t written = td_submit(&g->m, &g->q[VR_VIRTIO_GPU_CONTROLQ], bufs, 2);
    g_assert_cmpuint(written, !=, G_MAXUINT32);
    return written >= VR_VIRTIO_GPU_HDR_SIZE ? get32(td_host(&g->m, g->resp), 0) : 0;
}

static uint32_t ctrl(Gpu *g, const uint8_t *req, size_t len)
{
    return ctrl_sized(g, req, len, 2048);
}

static const uint8_t *resp(Gpu *g)
{
    return td_host(&g->m, g->resp);
}

static void hdr(uint8_t *c, uint32_t type)
{
    memset(c, 0, 64);
    put32(c, 0, type);
}

static uint32_t create(Gpu *g, uint32_t id, uint32_t format, uint32_t w, uint32_t h)
{
    uint8_t c[64];
    hdr(c, VR_VIRTIO_GPU_CMD_RESOURCE_CREATE_2D);
    put32(c, 24, id);
    put32(c, 28, format);
    put32(c, 32, w);
    put32(c, 36, h);
    return ctrl(g, c, 40);
}

static uint32_t id_only(Gpu *g, uint32_t type, uint32_t id)
{
    uint8_t c[64];
    hdr(c, type);
    put32(c, 24, id);
    return ctrl(g, c, 32);
}

typedef struct {
    uint64_t addr;
    uint32_t len;
} Entry;

/* ATTACH_BACKING listing n entries, of which given are written. */
static uint32_t attach_n(Gpu *g, uint32_t id, const Entry *e, uint32_t n, uint32_t given)
{
    size_t len = 32 + 16ull * given;
    g_autofree uint8_t *c = g_malloc0(MAX(len, 64));
    hdr(c, VR_VIRTIO_GPU_CMD_RESOURCE_ATTACH_BACKING);
    put32(c, 24, id);
    put32(c, 28, n);
    for (uint32_t i = 0; i < given; i++) {
        put64(c, 32 + 16 * i, e[i].addr);
        put32(c, 32 + 16 * i + 8, e[i].len);
    }
    return ctrl(g, c, len);
}

static uint32_t attach(Gpu *g, uint32_t id, const Entry *e, uint32_t n)
{
    return attach_n(g, id, e, n, n);
}

static void put_rect(uint8_t *c, size_t off, VrGpuRect r)
{
    put32(c, off, r.x);
    put32(c, off + 4, r.y);
    put32(c, off + 8, r.width);
    put32(c, off + 12, r.height);
}

static uint32_t transfer(Gpu *g, uint32_t id, VrGpuRect r, uint64_t offset)
{
    uint8_t c[64];
    hdr(c, VR_VIRTIO_GPU_CMD_TRANSFER_TO_HOST_2D);
    put_rect(c, 24, r);
    put64(c, 40, offset);
    put32(c, 48, id);
    return ctrl(g, c, 56);
}

static uint32_t set_scanout(Gpu *g, uint32_t scanout, uint32_t id, VrGpuRect r)
{
    uint8_t c[64];
    hdr(c, VR_VIRTIO_GPU_CMD_SET_SCANOUT);
    put_rect(c, 24, r);
    put32(c, 40, scanout);
    put32(c, 44, id);
    return ctrl(g, c, 48);
}

static uint32_t flush(Gpu *g, uint32_t id, VrGpuRect r)
{
    uint8_t c[64];
    hdr(c, VR_VIRTIO_GPU_CMD_RESOURCE_FLUSH);
    put_rect(c, 24, r);
    put32(c, 40, id);
    return ctrl(g, c, 48);
}

static void cursor_cmd(Gpu *g, uint32_t type, uint32_t scanout, uint32_t x, uint32_t y, uint32_t id,
                       uint32_t hot_x, uint32_t hot_y, size_t len)
{
    uint8_t c[64];
    hdr(c, type);
    put32(c, 24, scanout);
    put32(c, 28, x);
    put32(c, 32, y);
    put32(c, 40, id);
    put32(c, 44, hot_x);
    put32(c, 48, hot_y);
    memcpy(td_host(&g->m, g->cmd), c, len);
    TdBuf buf = {g->cmd, (uint32_t) len, false};
    g_assert_cmpuint(td_submit(&g->m, &g->q[VR_VIRTIO_GPU_CURSORQ], &buf, 1), ==, 0);
}

static void cursor_update(Gpu *g, uint32_t id, uint32_t x, uint32_t y, uint32_t hx, uint32_t hy)
{
    cursor_cmd(g, VR_VIRTIO_GPU_CMD_UPDATE_CURSOR, 0, x, y, id, hx, hy, 56);
}

static void cursor_move(Gpu *g, uint32_t x, uint32_t y)
{
    cursor_cmd(g, VR_VIRTIO_GPU_CMD_MOVE_CURSOR, 0, x, y, 0, 0, 0, 56);
}

/* A test pattern: the B8G8R8X8 bytes of pixel (x, y) for a given salt. */
static void pattern(uint8_t *px, uint32_t x, uint32_t y, unsigned salt)
{
    px[0] = (uint8_t) (x * 3 + salt);
    px[1] = (uint8_t) (y * 5 + salt);
    px[2] = (uint8_t) ((x ^ y) + salt * 7);
    px[3] = 0x5a;
}

static uint32_t pattern_xrgb(uint32_t x, uint32_t y, unsigned salt)
{
    uint8_t p[4];
    pattern(p, x, y, salt);
    return 0xff000000u | (uint32_t) p[2] << 16 | (uint32_t) p[1] << 8 | p[0];
}

static uint32_t frame_px(const VrGpuFrame *f, uint32_t x, uint32_t y)
{
    uint32_t v;
    memcpy(&v, f->pixels + (size_t) y * f->stride + 4ull * x, 4);
    return v;
}

/* Backing of a W x H image split into two entries that are apart in RAM, the split falling
 * inside a row. Writes pixel (x, y) of the guest's image through backing_px. */
typedef struct {
    Entry e[2];
} Backing;

static void backing_init(Gpu *g, Backing *b)
{
    uint32_t total = W * H * 4, first = 5000;
    b->e[0] = (Entry){td_alloc(&g->m, first, 4096), first};
    td_alloc(&g->m, 4096, 4096); /* a gap */
    b->e[1] = (Entry){td_alloc(&g->m, total - first, 4096), total - first};
}

static uint8_t *backing_px(Gpu *g, const Backing *b, uint32_t x, uint32_t y)
{
    uint64_t off = ((uint64_t) y * W + x) * 4;
    if (off < b->e[0].len)
        return td_host(&g->m, b->e[0].addr + off);
    return td_host(&g->m, b->e[1].addr + off - b->e[0].len);
}

static void fill(Gpu *g, const Backing *b, unsigned salt)
{
    for (uint32_t y = 0; y < H; y++)
        for (uint32_t x = 0; x < W; x++)
            pattern(backing_px(g, b, x, y), x, y, salt);
}

/* A W x H resource 1 (B8G8R8X8) with the pattern of salt 1, shown on the scanout. */
static void show_pattern(Gpu *g, Backing *b)
{
    VrGpuRect all = {0, 0, W, H};
    backing_init(g, b);
    fill(g, b, 1);
    g_assert_cmphex(create(g, 1, VR_GPU_FORMAT_B8G8R8X8, W, H), ==, VR_VIRTIO_GPU_RESP_OK_NODATA);
    g_assert_cmphex(attach(g, 1, b->e, 2), ==, VR_VIRTIO_GPU_RESP_OK_NODATA);
    g_assert_cmphex(transfer(g, 1, all, 0), ==, VR_VIRTIO_GPU_RESP_OK_NODATA);
    g_assert_cmphex(set_scanout(g, 0, 1, all), ==, VR_VIRTIO_GPU_RESP_OK_NODATA);
    g_assert_cmphex(flush(g, 1, all), ==, VR_VIRTIO_GPU_RESP_OK_NODATA);
}

static void test_display_info(void)
{
    Gpu g;
    gpu_init(&g);
    g_assert_cmpuint(td_read(&g.m, VR_VIRTIO_MMIO_DEVICE_ID), ==, 16);
    g_assert_true(td_device_features(&g.m) & VR_VIRTIO_BIT(VR_VIRTIO_GPU_F_EDID));
    g_assert_cmpuint(td_read(&g.m, VR_VIRTIO_MMIO_CONFIG + 0), ==, 0);  /* events_read */
    g_assert_cmpuint(td_read(&g.m, VR_VIRTIO_MMIO_CONFIG + 8), ==, 1);  /* num_scanouts */
    g_assert_cmpuint(td_read(&g.m, VR_VIRTIO_MMIO_CONFIG + 12), ==, 0); /* num_capsets */

    uint8_t c[64];
    hdr(c, VR_VIRTIO_GPU_CMD_GET_DISPLAY_INFO);
    put32(c, 4, VR_VIRTIO_GPU_FLAG_FENCE);
    put64(c, 8, UINT64_C(0x1122334455667788));
    g_assert_cmphex(ctrl(&g, c, 24), ==, VR_VIRTIO_GPU_RESP_OK_DISPLAY_INFO);
    const uint8_t *r = resp(&g);
    g_assert_cmphex(get32(r, 4), ==, VR_VIRTIO_GPU_FLAG_FENCE);
    g_assert_cmphex(get32(r, 8), ==, 0x55667788);
    g_assert_cmphex(get32(r, 12), ==, 0x11223344);
    g_assert_cmpuint(get32(r, 24), ==, 0);
    g_assert_cmpuint(get32(r, 28), ==, 0);
    g_assert_cmpuint(get32(r, 32), ==, 1024);
    g_assert_cmpuint(get32(r, 36), ==, 768);
    g_assert_cmpuint(get32(r, 40), ==, 1);           /* enabled */
    g_assert_cmpuint(get32(r, 24 + 24 + 16), ==, 0); /* scanout 1 is not there */
    /* Without the fence flag, no fence in the answer. */
    put32(c, 4, 0);
    g_assert_cmphex(ctrl(&g, c, 24), ==, VR_VIRTIO_GPU_RESP_OK_DISPLAY_INFO);
    g_assert_cmphex(get32(resp(&g), 4), ==, 0);
    g_assert_cmphex(get32(resp(&g), 8), ==, 0);
    td_free(&g.m);
}

/* The preferred mode of an EDID block, from its first detailed timing. */
static void edid_mode(const uint8_t *e, uint32_t *w, uint32_t *h)
{
    const uint8_t *d = e + 54;
    *w = d[2] | (uint32_t) (d[4] >> 4) << 8;
    *h = d[5] | (uint32_t) (d[7] >> 4) << 8;
}

static void check_edid(const uint8_t *e, uint32_t w, uint32_t h)
{
    static const uint8_t header[8] = {0x00, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x00};
    g_assert_cmpmem(e, 8, header, 8);
    uint8_t sum = 0;
    for (unsigned i = 0; i < 128; i++)
        sum = (uint8_t) (sum + e[i]);
    g_assert_cmpuint(sum, ==, 0);
    g_assert_cmpuint(e[18], ==, 1);
    g_assert_cmpuint(e[24] & 0x02, ==, 0x02); /* the first timing is the preferred mode */
    uint32_t mw, mh;
    edid_mode(e, &mw, &mh);
    g_assert_cmpuint(mw, ==, w);
    g_assert_cmpuint(mh, ==, h);
    g_assert_cmpuint(e[54] | e[55] << 8, >, 0); /* a pixel clock: a timing, not a descriptor */
}

static void test_edid(void)
{
    Gpu g;
    gpu_init(&g);
    uint8_t c[64];
    hdr(c, VR_VIRTIO_GPU_CMD_GET_EDID);
    g_assert_cmphex(ctrl(&g, c, 32), ==, VR_VIRTIO_GPU_RESP_OK_EDID);
    g_assert_cmpuint(get32(resp(&g), 24), ==, 128);
    check_edid(resp(&g) + 32, 1024, 768);

    g_assert_true(vr_virtio_gpu_set_display_size(g.m.dev, 1920, 1080));
    g_assert_cmphex(ctrl(&g, c, 32), ==, VR_VIRTIO_GPU_RESP_OK_EDID);
    check_edid(resp(&g) + 32, 1920, 1080);

    /* The largest display, and sizes whose timings overflow the pixel clock field. */
    uint8_t e[128];
    vr_virtio_gpu_make_edid(e, VR_VIRTIO_GPU_MAX_DISPLAY, VR_VIRTIO_GPU_MAX_DISPLAY);
    check_edid(e, VR_VIRTIO_GPU_MAX_DISPLAY, VR_VIRTIO_GPU_MAX_DISPLAY);
    vr_virtio_gpu_make_edid(e, 1, 1);
    check_edid(e, 1, 1);

    put32(c, 24, 1);
    g_assert_cmphex(ctrl(&g, c, 32), ==, VR_VIRTIO_GPU_RESP_ERR_INVALID_SCANOUT_ID);
    g_assert_cmphex(ctrl(&g, c, 28), ==, VR_VIRTIO_GPU_RESP_ERR_UNSPEC); /* short */
    td_free(&g.m);

    /* A driver that did not accept VIRTIO_GPU_F_EDID gets none. */
    VrVirtioDevice *dev =
        vr_virtio_gpu_new(vr_renderer_cpu_new(), 800, 600, VR_VIRTIO_GPU_DEFAULT_MEMORY);
    td_init(&g.m, dev, RAM_SIZE, td_with_iothread());
    td_start(&g.m, 0, g.q, 2, QSIZE);
    g.cmd = td_alloc(&g.m, 64, 16);
    g.resp = td_alloc(&g.m, 2048, 16);
    put32(c, 24, 0);
    g_assert_cmphex(ctrl(&g, c, 32), ==, VR_VIRTIO_GPU_RESP_ERR_UNSPEC);
    td_free(&g.m);
}

static void test_display_event(void)
{
    Gpu g;
    gpu_init(&g);
    td_write(&g.m, VR_VIRTIO_MMIO_INTERRUPT_ACK, td_read(&g.m, VR_VIRTIO_MMIO_INTERRUPT_STATUS));
    int rises = g_atomic_int_get(&g.m.irq_rises);
    uint32_t generation = td_read(&g.m, VR_VIRTIO_MMIO_CONFIG_GENERATION);
    g_assert_true(vr_virtio_gpu_set_display_size(g.m.dev, 1280, 800));
    g_assert_cmpuint(td_read(&g.m, VR_VIRTIO_MMIO_CONFIG_GENERATION), !=, generation);
    g_assert_cmpuint(td_read(&g.m, VR_VIRTIO_MMIO_INTERRUPT_STATUS), ==, VR_VIRTIO_MMIO_INT_CONFIG);
    g_assert_cmpint(g_atomic_int_get(&g.m.irq_rises), ==, rises + 1);
    g_assert_cmpuint(td_read(&g.m, VR_VIRTIO_MMIO_CONFIG + 0), ==, VR_VIRTIO_GPU_EVENT_DISPLAY);

    uint8_t c[64];
    hdr(c, VR_VIRTIO_GPU_CMD_GET_DISPLAY_INFO);
    g_assert_cmphex(ctrl(&g, c, 24), ==, VR_VIRTIO_GPU_RESP_OK_DISPLAY_INFO);
    g_assert_cmpuint(get32(resp(&g), 32), ==, 1280);
    g_assert_cmpuint(get32(resp(&g), 36), ==, 800);

    /* events_clear clears; events_read is the device's. */
    td_write(&g.m, VR_VIRTIO_MMIO_CONFIG + 0, 0);
    g_assert_cmpuint(td_read(&g.m, VR_VIRTIO_MMIO_CONFIG + 0), ==, VR_VIRTIO_GPU_EVENT_DISPLAY);
    td_write(&g.m, VR_VIRTIO_MMIO_CONFIG + 4, VR_VIRTIO_GPU_EVENT_DISPLAY);
    g_assert_cmpuint(td_read(&g.m, VR_VIRTIO_MMIO_CONFIG + 0), ==, 0);

    /* Sizes an EDID cannot describe are refused and change nothing. */
    generation = td_read(&g.m, VR_VIRTIO_MMIO_CONFIG_GENERATION);
    g_assert_false(vr_virtio_gpu_set_display_size(g.m.dev, 0, 600));
    g_assert_false(vr_virtio_gpu_set_display_size(g.m.dev, 800, VR_VIRTIO_GPU_MAX_DISPLAY + 1));
    g_assert_cmpuint(td_read(&g.m, VR_VIRTIO_MMIO_CONFIG_GENERATION), ==, generation);
    g_assert_cmpuint(td_read(&g.m, VR_VIRTIO_MMIO_CONFIG + 0), ==, 0);
    td_free(&g.m);
}

static void assert_pattern(const VrGpuFrame *f, VrGpuRect r, unsigned salt)
{
    for (uint32_t y = r.y; y < r.y + r.height; y++)
        for (uint32_t x = r.x; x < r.x + r.width; x++)
            g_assert_cmphex(frame_px(f, x, y), ==, pattern_xrgb(x, y, salt));
}

static void assert_rect(VrGpuRect got, VrGpuRect want)
{
    g_assert_cmpuint(got.x, ==, want.x);
    g_assert_cmpuint(got.y, ==, want.y);
    g_assert_cmpuint(got.width, ==, want.width);
    g_assert_cmpuint(got.height, ==, want.height);
}

static void test_frames(void)
{
    Gpu g;
    gpu_init(&g);
    g_assert_null(vr_virtio_gpu_get_frame(g.m.dev));
    Backing b;
    show_pattern(&g, &b);
    VrGpuRect all = {0, 0, W, H};
    g_autoptr(VrGpuFrame) f1 = vr_virtio_gpu_get_frame(g.m.dev);
    g_assert_nonnull(f1);
    g_assert_cmpuint(f1->width, ==, W);
    g_assert_cmpuint(f1->height, ==, H);
    assert_rect(f1->dirty, all);
    assert_pattern(f1, all, 1);

    /* The guest draws everything anew but transfers and flushes one rectangle: only that
     * rectangle changes, and the frame held above stays as it was. */
    fill(&g, &b, 2);
    VrGpuRect part = {10, 5, 20, 7};
    g_assert_cmphex(transfer(&g, 1, part, (5ull * W + 10) * 4), ==, VR_VIRTIO_GPU_RESP_OK_NODATA);
    g_assert_cmphex(flush(&g, 1, part), ==, VR_VIRTIO_GPU_RESP_OK_NODATA);
    g_autoptr(VrGpuFrame) f2 = vr_virtio_gpu_get_frame(g.m.dev);
    g_assert_true(f2 != f1);
    g_assert_cmpuint(f2->sequence, ==, f1->sequence + 1);
    assert_rect(f2->dirty, part);
    for (uint32_t y = 0; y < H; y++)
        for (uint32_t x = 0; x < W; x++) {
            bool in = x >= 10 && x < 30 && y >= 5 && y < 12;
            g_assert_cmphex(frame_px(f2, x, y), ==, pattern_xrgb(x, y, in ? 2 : 1));
        }
    assert_pattern(f1, all, 1);

    /* A transfer with no flush shows nothing new; a flush of part of it shows that part. */
    g_assert_cmphex(transfer(&g, 1, all, 0), ==, VR_VIRTIO_GPU_RESP_OK_NODATA);
    g_autoptr(VrGpuFrame) f3 = vr_virtio_gpu_get_frame(g.m.dev);
    g_assert_cmpuint(f3->sequence, ==, f2->sequence);
    VrGpuRect top = {0, 0, W, 3};
    g_assert_cmphex(flush(&g, 1, top), ==, VR_VIRTIO_GPU_RESP_OK_NODATA);
    g_clear_pointer(&f3, vr_gpu_frame_unref);
    f3 = vr_virtio_gpu_get_frame(g.m.dev);
    assert_rect(f3->dirty, top);
    assert_pattern(f3, top, 2);
    g_assert_cmphex(frame_px(f3, 0, 3), ==, pattern_xrgb(0, 3, 1));

    /* A scanout showing part of the resource. */
    VrGpuRect window = {8, 4, 32, 16};
    g_assert_cmphex(set_scanout(&g, 0, 1, window), ==, VR_VIRTIO_GPU_RESP_OK_NODATA);
    g_autoptr(VrGpuFrame) f4 = vr_virtio_gpu_get_frame(g.m.dev);
    g_assert_cmpuint(f4->width, ==, 32);
    g_assert_cmpuint(f4->height, ==, 16);
    for (uint32_t y = 0; y < 16; y++)
        for (uint32_t x = 0; x < 32; x++)
            g_assert_cmphex(frame_px(f4, x, y), ==, pattern_xrgb(x + 8, y + 4, 2));

    /* Disabling the scanout leaves no frame; unref of the shown resource does too. */
    g_assert_cmphex(set_scanout(&g, 0, 0, (VrGpuRect){0}), ==, VR_VIRTIO_GPU_RESP_OK_NODATA);
    g_assert_null(vr_virtio_gpu_get_frame(g.m.dev));
    g_assert_cmphex(set_scanout(&g, 0, 1, all), ==, VR_VIRTIO_GPU_RESP_OK_NODATA);
    g_autoptr(VrGpuFrame) f5 = vr_virtio_gpu_get_frame(g.m.dev);
    g_assert_nonnull(f5);
    g_assert_cmphex(id_only(&g, VR_VIRTIO_GPU_CMD_RESOURCE_UNREF, 1), ==,
                    VR_VIRTIO_GPU_RESP_OK_NODATA);
    g_assert_null(vr_virtio_gpu_get_frame(g.m.dev));
    g_assert_cmpuint(vr_virtio_gpu_memory_used(g.m.dev), ==, 0);
    td_free(&g.m);
}

/* Each format's bytes for red 0x11, green 0x22, blue 0x33, alpha 0x44 land as 0xff112233. */
static void test_formats(void)
{
    static const struct {
        uint32_t format;
        uint8_t bytes[4];
    } formats[] = {
        {VR_GPU_FORMAT_B8G8R8A8, {0x33, 0x22, 0x11, 0x44}},
        {VR_GPU_FORMAT_B8G8R8X8, {0x33, 0x22, 0x11, 0x44}},
        {VR_GPU_FORMAT_A8R8G8B8, {0x44, 0x11, 0x22, 0x33}},
        {VR_GPU_FORMAT_X8R8G8B8, {0x44, 0x11, 0x22, 0x33}},
        {VR_GPU_FORMAT_R8G8B8A8, {0x11, 0x22, 0x33, 0x44}},
        {VR_GPU_FORMAT_R8G8B8X8, {0x11, 0x22, 0x33, 0x44}},
        {VR_GPU_FORMAT_A8B8G8R8, {0x44, 0x33, 0x22, 0x11}},
        {VR_GPU_FORMAT_X8B8G8R8, {0x44, 0x33, 0x22, 0x11}},
    };
    Gpu g;
    gpu_init(&g);
    uint64_t backing = td_alloc(&g.m, 8, 8);
    VrGpuRect r = {0, 0, 2, 1};
    for (unsigned i = 0; i < G_N_ELEMENTS(formats); i++) {
        uint8_t *p = td_host(&g.m, backing);
        memcpy(p, formats[i].bytes, 4);
        memset(p + 4, 0, 4);
        uint32_t id = 10 + i;
        g_assert_cmphex(create(&g, id, formats[i].format, 2, 1), ==, VR_VIRTIO_GPU_RESP_OK_NODATA);
        Entry e = {backing, 8};
        g_assert_cmphex(attach(&g, id, &e, 1), ==, VR_VIRTIO_GPU_RESP_OK_NODATA);
        g_assert_cmphex(transfer(&g, id, r, 0), ==, VR_VIRTIO_GPU_RESP_OK_NODATA);
        g_assert_cmphex(set_scanout(&g, 0, id, r), ==, VR_VIRTIO_GPU_RESP_OK_NODATA);
        g_autoptr(VrGpuFrame) f = vr_virtio_gpu_get_frame(g.m.dev);
        g_assert_cmphex(frame_px(f, 0, 0), ==, 0xff112233);
        g_assert_cmphex(frame_px(f, 1, 0), ==, 0xff000000);
    }
    td_free(&g.m);
}

static uint32_t blend(uint32_t c, uint32_t bg, uint32_t a)
{
    uint32_t out = 0xff000000u;
    for (unsigned s = 0; s < 24; s += 8) {
        uint32_t x = (c >> s & 0xff) * a + (bg >> s & 0xff) * (255 - a);
        out |= (x + 127) / 255 << s;
    }
    return out;
}

static void test_cursor(void)
{
    Gpu g;
    gpu_init(&g);
    Backing b;
    show_pattern(&g, &b);

    /* A 4x4 B8G8R8A8 cursor: opaque red on the diagonal, half-transparent green in column 3,
     * the rest transparent. */
    uint64_t cb = td_alloc(&g.m, 64, 8);
    uint8_t *p = td_host(&g.m, cb);
    for (unsigned y = 0; y < 4; y++)
        for (unsigned x = 0; x < 4; x++) {
            uint8_t *q = p + 4 * (y * 4 + x);
            if (x == y)
                memcpy(q, (uint8_t[]){0x00, 0x00, 0xff, 0xff}, 4);
            else if (x == 3)
                memcpy(q, (uint8_t[]){0x00, 0xff, 0x00, 0x80}, 4);
        }
    g_assert_cmphex(create(&g, 2, VR_GPU_FORMAT_B8G8R8A8, 4, 4), ==, VR_VIRTIO_GPU_RESP_OK_NODATA);
    Entry e = {cb, 64};
    g_assert_cmphex(attach(&g, 2, &e, 1), ==, VR_VIRTIO_GPU_RESP_OK_NODATA);
    g_assert_cmphex(transfer(&g, 2, (VrGpuRect){0, 0, 4, 4}, 0), ==, VR_VIRTIO_GPU_RESP_OK_NODATA);

    g_autoptr(VrGpuFrame) before = vr_virtio_gpu_get_frame(g.m.dev);
    cursor_update(&g, 2, 10, 10, 1, 1); /* the image's top left at 9,9 */
    g_autoptr(VrGpuFrame) f = vr_virtio_gpu_get_frame(g.m.dev);
    g_assert_cmpuint(f->sequence, ==, before->sequence + 1);
    assert_rect(f->dirty, (VrGpuRect){9, 9, 4, 4});
    for (uint32_t y = 0; y < H; y++)
        for (uint32_t x = 0; x < W; x++) {
            uint32_t bg = pattern_xrgb(x, y, 1), want = bg;
            if (x >= 9 && x < 13 && y >= 9 && y < 13) {
                if (x - 9 == y - 9)
                    want = 0xffff0000;
                else if (x - 9 == 3)
                    want = blend(0xff00ff00, bg, 0x80);
            }
            g_assert_cmphex(frame_px(f, x, y), ==, want);
        }

    /* Moving it puts back what was under it and draws it at the new place. */
    cursor_move(&g, 31, 21);
    g_clear_pointer(&f, vr_gpu_frame_unref);
    f = vr_virtio_gpu_get_frame(g.m.dev);
    assert_rect(f->dirty, (VrGpuRect){9, 9, 34 - 9, 24 - 9});
    assert_pattern(f, (VrGpuRect){9, 9, 4, 4}, 1);
    g_assert_cmphex(frame_px(f, 30, 20), ==, 0xffff0000);
    g_assert_cmphex(frame_px(f, 33, 23), ==, 0xffff0000);
    g_assert_cmphex(frame_px(f, 31, 20), ==, pattern_xrgb(31, 20, 1));

    /* A flush under the cursor keeps it on top. */
    g_assert_cmphex(flush(&g, 1, (VrGpuRect){0, 0, W, H}), ==, VR_VIRTIO_GPU_RESP_OK_NODATA);
    g_clear_pointer(&f, vr_gpu_frame_unref);
    f = vr_virtio_gpu_get_frame(g.m.dev);
    g_assert_cmphex(frame_px(f, 30, 20), ==, 0xffff0000);

    /* Partly off the screen, on both sides: clipped. */
    cursor_move(&g, W - 1, H - 1);
    cursor_move(&g, (uint32_t) -2, (uint32_t) -2);
    g_clear_pointer(&f, vr_gpu_frame_unref);
    f = vr_virtio_gpu_get_frame(g.m.dev);
    g_assert_cmphex(frame_px(f, 0, 0), ==, 0xffff0000); /* image pixel 3,3 */
    g_assert_cmphex(frame_px(f, W - 1, H - 1), ==, pattern_xrgb(W - 1, H - 1, 1));

    /* Resource 0 hides it. */
    cursor_update(&g, 0, 0, 0, 0, 0);
    g_clear_pointer(&f, vr_gpu_frame_unref);
    f = vr_virtio_gpu_get_frame(g.m.dev);
    assert_pattern(f, (VrGpuRect){0, 0, W, H}, 1);
    td_free(&g.m);
}

static guint64 log_lines(void)
{
    guint64 logged, suppressed;
    vr_virtio_log_counts(&logged, &suppressed);
    return logged + suppressed;
}

static void test_malformed(void)
{
    Gpu g;
    gpu_init(&g);
    guint64 lines = log_lines();
    VrGpuRect all = {0, 0, W, H};
    uint64_t ram_end = TD_RAM_BASE + RAM_SIZE;
    uint64_t page = td_alloc(&g.m, 4096, 4096);

    /* Resource ids. */
    g_assert_cmphex(create(&g, 0, VR_GPU_FORMAT_B8G8R8X8, W, H), ==,
                    VR_VIRTIO_GPU_RESP_ERR_INVALID_RESOURCE_ID);
    g_assert_cmphex(create(&g, 1, VR_GPU_FORMAT_B8G8R8X8, W, H), ==, VR_VIRTIO_GPU_RESP_OK_NODATA);
    g_assert_cmphex(create(&g, 1, VR_GPU_FORMAT_B8G8R8X8, W, H), ==,
                    VR_VIRTIO_GPU_RESP_ERR_INVALID_RESOURCE_ID);
    uint32_t unknown[] = {0, 7};
    for (unsigned i = 0; i < G_N_ELEMENTS(unknown); i++) {
        uint32_t id = unknown[i];
        g_assert_cmphex(id_only(&g, VR_VIRTIO_GPU_CMD_RESOURCE_UNREF, id), ==,
                        VR_VIRTIO_GPU_RESP_ERR_INVALID_RESOURCE_ID);
        g_assert_cmphex(id_only(&g, VR_VIRTIO_GPU_CMD_RESOURCE_DETACH_BACKING, id), ==,
                        VR_VIRTIO_GPU_RESP_ERR_INVALID_RESOURCE_ID);
        Entry e = {page, 4096};
        g_assert_cmphex(attach(&g, id, &e, 1), ==, VR_VIRTIO_GPU_RESP_ERR_INVALID_RESOURCE_ID);
        g_assert_cmphex(transfer(&g, id, all, 0), ==, VR_VIRTIO_GPU_RESP_ERR_INVALID_RESOURCE_ID);
        g_assert_cmphex(set_scanout(&g, 0, id ? id : 9, all), ==,
                        VR_VIRTIO_GPU_RESP_ERR_INVALID_RESOURCE_ID);
        g_assert_cmphex(flush(&g, id, all), ==, VR_VIRTIO_GPU_RESP_ERR_INVALID_RESOURCE_ID);
    }

    /* Formats and sizes: byte sizes past 32 bits, near 64 bits, a row past 32 bits. */
    g_assert_cmphex(create(&g, 2, 999, W, H), ==, VR_VIRTIO_GPU_RESP_ERR_INVALID_PARAMETER);
    g_assert_cmphex(create(&g, 2, VR_GPU_FORMAT_B8G8R8X8, 0, H), ==,
                    VR_VIRTIO_GPU_RESP_ERR_INVALID_PARAMETER);
    g_assert_cmphex(create(&g, 2, VR_GPU_FORMAT_B8G8R8X8, W, 0), ==,
                    VR_VIRTIO_GPU_RESP_ERR_INVALID_PARAMETER);
    g_assert_cmphex(create(&g, 2, VR_GPU_FORMAT_B8G8R8X8, 65536, 16384), ==,
                    VR_VIRTIO_GPU_RESP_ERR_OUT_OF_MEMORY);
    g_assert_cmphex(create(&g, 2, VR_GPU_FORMAT_B8G8R8X8, 0x3fffffff, 0xffffffff), ==,
                    VR_VIRTIO_GPU_RESP_ERR_OUT_OF_MEMORY);
    g_assert_cmphex(create(&g, 2, VR_GPU_FORMAT_B8G8R8X8, 0xffffffff, 1), ==,
                    VR_VIRTIO_GPU_RESP_ERR_INVALID_PARAMETER);

    /* Backing: outside RAM, wrapping around, straddling RAM's end, empty, too many entries,
     * fewer entries than announced, twice. */
    g_assert_cmphex(transfer(&g, 1, all, 0), ==, VR_VIRTIO_GPU_RESP_ERR_UNSPEC);
    g_assert_cmphex(id_only(&g, VR_VIRTIO_GPU_CMD_RESOURCE_DETACH_BACKING, 1), ==,
                    VR_VIRTIO_GPU_RESP_ERR_UNSPEC);
    const Entry bad[][2] = {
        {{page, 4096}, {0x1000, 4096}},
        {{page, 4096}, {UINT64_MAX - 0xfff, 0x2000}},
        {{page, 4096}, {ram_end - 4096, 8192}},
        {{page, 4096}, {page, 0}},
    };
    for (unsigned i = 0; i < G_N_ELEMENTS(bad); i++)
        g_assert_cmphex(attach(&g, 1, bad[i], 2), ==, VR_VIRTIO_GPU_RESP_ERR_INVALID_PARAMETER);
    Entry one = {page, 4096};
    g_assert_cmphex(attach_n(&g, 1, &one, 0, 0), ==, VR_VIRTIO_GPU_RESP_ERR_INVALID_PARAMETER);
    g_assert_cmphex(attach_n(&g, 1, &one, VR_VIRTIO_GPU_MAX_BACKING + 1, 1), ==,
                    VR_VIRTIO_GPU_RESP_ERR_INVALID_PARAMETER);
    g_assert_cmphex(attach_n(&g, 1, &one, UINT32_MAX, 1), ==,
                    VR_VIRTIO_GPU_RESP_ERR_INVALID_PARAMETER);
    g_assert_cmphex(attach_n(&g, 1, &one, 4, 1), ==, VR_VIRTIO_GPU_RESP_ERR_UNSPEC);
    /* The most entries there may be, all of one page: taken. */
    g_autofree Entry *many = g_new(Entry, VR_VIRTIO_GPU_MAX_BACKING);
    for (unsigned i = 0; i < VR_VIRTIO_GPU_MAX_BACKING; i++)
        many[i] = (Entry){page, 4096};
    g_assert_cmphex(attach(&g, 1, many, VR_VIRTIO_GPU_MAX_BACKING), ==,
                    VR_VIRTIO_GPU_RESP_OK_NODATA);
    g_assert_cmphex(attach(&g, 1, &one, 1), ==, VR_VIRTIO_GPU_RESP_ERR_UNSPEC);
    g_assert_cmphex(id_only(&g, VR_VIRTIO_GPU_CMD_RESOURCE_DETACH_BACKING, 1), ==,
                    VR_VIRTIO_GPU_RESP_OK_NODATA);
    g_assert_cmphex(attach(&g, 1, &one, 1), ==, VR_VIRTIO_GPU_RESP_OK_NODATA);

    /* Rectangles outside the resource, wrapping around, and transfers past the backing (one
     * page: rows 0 to 15 of a 64-pixel-wide resource). */
    const VrGpuRect outside[] = {
        {60, 0, 10, 1},
        {0, 40, 1, 9},
        {0xffffffff, 0, 2, 1},
        {0, 0xfffffff0, 1, 0x20},
        {0, 0, 0xffffffff, 0xffffffff},
    };
    for (unsigned i = 0; i < G_N_ELEMENTS(outside); i++) {
        g_assert_cmphex(transfer(&g, 1, outside[i], 0), ==,
                        VR_VIRTIO_GPU_RESP_ERR_INVALID_PARAMETER);
        g_assert_cmphex(flush(&g, 1, outside[i]), ==, VR_VIRTIO_GPU_RESP_ERR_INVALID_PARAMETER);
        g_assert_cmphex(set_scanout(&g, 0, 1, outside[i]), ==,
                        VR_VIRTIO_GPU_RESP_ERR_INVALID_PARAMETER);
    }
    g_assert_cmphex(transfer(&g, 1, (VrGpuRect){0, 0, W, 16}, 0), ==, VR_VIRTIO_GPU_RESP_OK_NODATA);
    g_assert_cmphex(transfer(&g, 1, (VrGpuRect){0, 0, W, 17}, 0), ==,
                    VR_VIRTIO_GPU_RESP_ERR_INVALID_PARAMETER);
    g_assert_cmphex(transfer(&g, 1, (VrGpuRect){0, 0, 1, 1}, 4096), ==,
                    VR_VIRTIO_GPU_RESP_ERR_INVALID_PARAMETER);
    g_assert_cmphex(transfer(&g, 1, (VrGpuRect){0, 0, 1, 1}, UINT64_MAX - 2), ==,
                    VR_VIRTIO_GPU_RESP_ERR_INVALID_PARAMETER);
    g_assert_cmphex(set_scanout(&g, 0, 1, (VrGpuRect){0, 0, 0, 0}), ==,
                    VR_VIRTIO_GPU_RESP_ERR_INVALID_PARAMETER);
    g_assert_cmphex(set_scanout(&g, 1, 1, all), ==, VR_VIRTIO_GPU_RESP_ERR_INVALID_SCANOUT_ID);

    /* Short requests, an unknown command, a response buffer too small for the answer. */
    uint8_t c[64];
    hdr(c, VR_VIRTIO_GPU_CMD_RESOURCE_CREATE_2D);
    put32(c, 24, 3);
    g_assert_cmphex(ctrl(&g, c, 36), ==, VR_VIRTIO_GPU_RESP_ERR_UNSPEC);
    g_assert_cmphex(ctrl(&g, c, 8), ==, VR_VIRTIO_GPU_RESP_ERR_UNSPEC);
    hdr(c, VR_VIRTIO_GPU_CMD_TRANSFER_TO_HOST_2D);
    g_assert_cmphex(ctrl(&g, c, 48), ==, VR_VIRTIO_GPU_RESP_ERR_UNSPEC);
    hdr(c, 0x999);
    g_assert_cmphex(ctrl(&g, c, 24), ==, VR_VIRTIO_GPU_RESP_ERR_UNSPEC);
    hdr(c, VR_VIRTIO_GPU_CMD_GET_DISPLAY_INFO);
    g_assert_cmphex(ctrl_sized(&g, c, 24, 100), ==, 0);

    /* The cursor queue: unknown resource, wrong scanout, too short, unknown command; nothing
     * changes and nothing breaks. */
    cursor_update(&g, 77, 1, 1, 0, 0);
    cursor_cmd(&g, VR_VIRTIO_GPU_CMD_MOVE_CURSOR, 1, 5, 5, 0, 0, 0, 56);
    cursor_cmd(&g, VR_VIRTIO_GPU_CMD_MOVE_CURSOR, 0, 5, 5, 0, 0, 0, 30);
    cursor_cmd(&g, 0x333, 0, 5, 5, 0, 0, 0, 56);
    g_assert_cmphex(create(&g, 4, VR_GPU_FORMAT_B8G8R8A8, 512, 1), ==,
                    VR_VIRTIO_GPU_RESP_OK_NODATA);
    cursor_update(&g, 4, 1, 1, 0, 0); /* too large a cursor */

    g_assert_cmpuint(log_lines(), >, lines);
    g_assert_false(td_read(&g.m, VR_VIRTIO_MMIO_STATUS) & VR_VIRTIO_STATUS_DEVICE_NEEDS_RESET);
    hdr(c, VR_VIRTIO_GPU_CMD_GET_DISPLAY_INFO);
    g_assert_cmphex(ctrl(&g, c, 24), ==, VR_VIRTIO_GPU_RESP_OK_DISPLAY_INFO);
    td_free(&g.m);
}

static void test_memory_cap(void)
{
    Gpu g;
    gpu_init_memory(&g, 800, 600, 1 << 20);
    g_assert_cmphex(create(&g, 1, VR_GPU_FORMAT_B8G8R8X8, 512, 512), ==,
                    VR_VIRTIO_GPU_RESP_OK_NODATA);
    g_assert_cmpuint(vr_virtio_gpu_memory_used(g.m.dev), ==, 1 << 20);
    g_assert_cmphex(create(&g, 2, VR_GPU_FORMAT_B8G8R8X8, 1, 1), ==,
                    VR_VIRTIO_GPU_RESP_ERR_OUT_OF_MEMORY);
    g_assert_cmphex(id_only(&g, VR_VIRTIO_GPU_CMD_RESOURCE_UNREF, 1), ==,
                    VR_VIRTIO_GPU_RESP_OK_NODATA);
    g_assert_cmpuint(vr_virtio_gpu_memory_used(g.m.dev), ==, 0);
    g_assert_cmphex(create(&g, 2, VR_GPU_FORMAT_B8G8R8X8, 256, 512), ==,
                    VR_VIRTIO_GPU_RESP_OK_NODATA);
    g_assert_cmphex(create(&g, 3, VR_GPU_FORMAT_B8G8R8X8, 512, 256), ==,
                    VR_VIRTIO_GPU_RESP_OK_NODATA);
    g_assert_cmphex(create(&g, 4, VR_GPU_FORMAT_B8G8R8X8, 1, 1), ==,
                    VR_VIRTIO_GPU_RESP_ERR_OUT_OF_MEMORY);
    /* A reset gives it all back. */
    td_write(&g.m, VR_VIRTIO_MMIO_STATUS, 0);
    g_assert_cmpuint(vr_virtio_gpu_memory_used(g.m.dev), ==, 0);
    td_free(&g.m);

    /* The limit also caps the number of resources, however small. */
    gpu_init(&g);
    for (uint32_t id = 1; id <= VR_VIRTIO_GPU_MAX_RESOURCES; id++)
        g_assert_cmphex(create(&g, id, VR_GPU_FORMAT_B8G8R8X8, 1, 1), ==,
                        VR_VIRTIO_GPU_RESP_OK_NODATA);
    g_assert_cmphex(create(&g, VR_VIRTIO_GPU_MAX_RESOURCES + 1, VR_GPU_FORMAT_B8G8R8X8, 1, 1), ==,
                    VR_VIRTIO_GPU_RESP_ERR_OUT_OF_MEMORY);
    td_free(&g.m);
}

static void test_reset(void)
{
    Gpu g;
    gpu_init(&g);
    Backing b;
    show_pattern(&g, &b);
    g_assert_true(vr_virtio_gpu_set_display_size(g.m.dev, 640, 480));
    VrGpuFrame *shown = vr_virtio_gpu_get_frame(g.m.dev);
    g_assert_nonnull(shown);
    vr_gpu_frame_unref(shown);
    td_write(&g.m, VR_VIRTIO_MMIO_STATUS, 0);
    g_assert_null(vr_virtio_gpu_get_frame(g.m.dev));
    g_assert_cmpuint(td_read(&g.m, VR_VIRTIO_MMIO_CONFIG + 0), ==, 0);
    td_start(&g.m, VR_VIRTIO_BIT(VR_VIRTIO_GPU_F_EDID), g.q, 2, QSIZE);
    g_assert_cmphex(flush(&g, 1, (VrGpuRect){0, 0, 1, 1}), ==,
                    VR_VIRTIO_GPU_RESP_ERR_INVALID_RESOURCE_ID);
    /* The display keeps the host's size. */
    uint8_t c[64];
    hdr(c, VR_VIRTIO_GPU_CMD_GET_DISPLAY_INFO);
    g_assert_cmphex(ctrl(&g, c, 24), ==, VR_VIRTIO_GPU_RESP_OK_DISPLAY_INFO);
    g_assert_cmpuint(get32(resp(&g), 32), ==, 640);
    td_free(&g.m);
}

static char *save_state(Gpu *g, const char *dir)
{
    char *path = g_build_filename(dir, "gpu.state", NULL);
    VrDevice *base = vr_virtio_mmio_base(g->m.t);
    base->ops->quiesce(base);
    g_autoptr(GError) error = NULL;
    VrStateWriter *w = vr_state_writer_new(path, &error);
    g_assert_no_error(error);
    vr_state_begin_section(w, "dev:gpu");
    base->ops->save(base, w);
    vr_state_end_section(w);
    g_assert_true(vr_state_writer_finish(w, &error));
    return path;
}

/* Resources, their backing, the scanout and the cursor go into a state file and come back. */
static void test_state(void)
{
    Gpu g;
    gpu_init(&g);
    Backing b;
    show_pattern(&g, &b);
    uint64_t cb = td_alloc(&g.m, 4, 4);
    memcpy(td_host(&g.m, cb), (uint8_t[]){0x00, 0x00, 0xff, 0xff}, 4);
    g_assert_cmphex(create(&g, 2, VR_GPU_FORMAT_B8G8R8A8, 1, 1), ==, VR_VIRTIO_GPU_RESP_OK_NODATA);
    Entry e = {cb, 4};
    g_assert_cmphex(attach(&g, 2, &e, 1), ==, VR_VIRTIO_GPU_RESP_OK_NODATA);
    g_assert_cmphex(transfer(&g, 2, (VrGpuRect){0, 0, 1, 1}, 0), ==, VR_VIRTIO_GPU_RESP_OK_NODATA);
    cursor_update(&g, 2, 5, 6, 0, 0);
    g_assert_true(vr_virtio_gpu_set_display_size(g.m.dev, 1280, 720));

    g_autofree char *dir = g_dir_make_tmp("vireo-gpu-state-XXXXXX", NULL);
    g_autofree char *path = save_state(&g, dir);
    td_detach(&g.m);

    VrVirtioDevice *dev =
        vr_virtio_gpu_new(vr_renderer_cpu_new(), 800, 600, VR_VIRTIO_GPU_DEFAULT_MEMORY);
    td_attach(&g.m, dev);
    g_autoptr(GError) error = NULL;
    g_autoptr(VrStateFile) f = vr_state_file_open(path, &error);
    g_assert_no_error(error);
    g_autoptr(VrStateReader) r = vr_state_file_find(f, "dev:gpu");
    VrDevice *base = vr_virtio_mmio_base(g.m.t);
    g_assert_true(base->ops->load(base, r));
    g_assert_true(vr_state_reader_check(r, &error));
    base->ops->unquiesce(base);

    g_autoptr(VrGpuFrame) frame = vr_virtio_gpu_get_frame(dev);
    g_assert_nonnull(frame);
    g_assert_cmphex(frame_px(frame, 5, 6), ==, 0xffff0000);
    g_assert_cmphex(frame_px(frame, 4, 6), ==, pattern_xrgb(4, 6, 1));
    g_assert_cmphex(frame_px(frame, W - 1, H - 1), ==, pattern_xrgb(W - 1, H - 1, 1));
    g_assert_cmpuint(vr_virtio_gpu_memory_used(dev), ==, W * H * 4 + 4);
    g_assert_cmpuint(td_read(&g.m, VR_VIRTIO_MMIO_CONFIG + 0), ==, VR_VIRTIO_GPU_EVENT_DISPLAY);
    uint8_t c[64];
    hdr(c, VR_VIRTIO_GPU_CMD_GET_DISPLAY_INFO);
    g_assert_cmphex(ctrl(&g, c, 24), ==, VR_VIRTIO_GPU_RESP_OK_DISPLAY_INFO);
    g_assert_cmpuint(get32(resp(&g), 32), ==, 1280);

    /* The backing came back too: a transfer after the load reads the guest's pages. */
    fill(&g, &b, 3);
    VrGpuRect all = {0, 0, W, H};
    g_assert_cmphex(transfer(&g, 1, all, 0), ==, VR_VIRTIO_GPU_RESP_OK_NODATA);
    g_assert_cmphex(flush(&g, 1, all), ==, VR_VIRTIO_GPU_RESP_OK_NODATA);
    g_clear_pointer(&frame, vr_gpu_frame_unref);
    frame = vr_virtio_gpu_get_frame(dev);
    g_assert_cmphex(frame_px(frame, 0, 0), ==, pattern_xrgb(0, 0, 3));
    g_unlink(path);
    g_rmdir(dir);
    td_free(&g.m);
}

/* A state file with a resource the device could not make is refused, naming it. */
static void test_state_bad(void)
{
    g_autofree char *dir = g_dir_make_tmp("vireo-gpu-state-XXXXXX", NULL);
    g_autofree char *path = g_build_filename(dir, "gpu.state", NULL);
    g_autoptr(GError) error = NULL;
    VrStateWriter *w = vr_state_writer_new(path, &error);
    g_assert_no_error(error);
    vr_state_begin_section(w, "dev:gpu");
    vr_state_put_u32(w, 1);
    vr_state_put_u32(w, 800);
    vr_state_put_u32(w, 600);
    vr_state_put_u32(w, 0);
    vr_state_put_u32(w, 1); /* one resource */
    vr_state_put_u32(w, 5);
    vr_state_put_u32(w, 999); /* format */
    vr_state_put_u32(w, 1);
    vr_state_put_u32(w, 1);
    vr_state_put_u32(w, 0);
    vr_state_end_section(w);
    g_assert_true(vr_state_writer_finish(w, &error));

    VrVirtioDevice *dev =
        vr_virtio_gpu_new(vr_renderer_cpu_new(), 800, 600, VR_VIRTIO_GPU_DEFAULT_MEMORY);
    g_autoptr(VrStateFile) f = vr_state_file_open(path, &error);
    g_assert_no_error(error);
    g_autoptr(VrStateReader) r = vr_state_file_find(f, "dev:gpu");
    g_assert_false(dev->cls->load(dev, r));
    g_assert_false(vr_state_reader_check(r, &error));
    g_assert_nonnull(strstr(error->message, "virtio-gpu resource 5 (format 999"));
    g_assert_cmpuint(vr_virtio_gpu_memory_used(dev), ==, 0);
    vr_virtio_device_free(dev);
    g_unlink(path);
    g_rmdir(dir);
}

/* Random commands, mostly near the edge of what is valid, from a fixed seed: every answer is
 * an OK or an error, the limits hold, and the device goes on answering. */
static uint32_t rnd_size(GRand *r)
{
    static const uint32_t edges[] = {0, 1, 2, 63, 64, 65, 4096, 0x3fffffff, 0x40000000, 0xffffffff};
    return g_rand_boolean(r) ? (uint32_t) g_rand_int_range(r, 0, 80)
                             : edges[g_rand_int_range(r, 0, G_N_ELEMENTS(edges))];
}

static void test_random_commands(void)
{
    static const uint32_t types[] = {
        VR_VIRTIO_GPU_CMD_GET_DISPLAY_INFO,
        VR_VIRTIO_GPU_CMD_RESOURCE_CREATE_2D,
        VR_VIRTIO_GPU_CMD_RESOURCE_UNREF,
        VR_VIRTIO_GPU_CMD_SET_SCANOUT,
        VR_VIRTIO_GPU_CMD_RESOURCE_FLUSH,
        VR_VIRTIO_GPU_CMD_RESOURCE_FLUSH,
        VR_VIRTIO_GPU_CMD_TRANSFER_TO_HOST_2D,
        VR_VIRTIO_GPU_CMD_TRANSFER_TO_HOST_2D,
        VR_VIRTIO_GPU_CMD_TRANSFER_TO_HOST_2D,
        VR_VIRTIO_GPU_CMD_TRANSFER_TO_HOST_2D,
        VR_VIRTIO_GPU_CMD_RESOURCE_ATTACH_BACKING,
        VR_VIRTIO_GPU_CMD_RESOURCE_ATTACH_BACKING,
        VR_VIRTIO_GPU_CMD_RESOURCE_DETACH_BACKING,
        VR_VIRTIO_GPU_CMD_GET_EDID,
        0x10c,
    };
    static const uint32_t formats[] = {VR_GPU_FORMAT_B8G8R8A8, VR_GPU_FORMAT_X8B8G8R8, 0, 5};
    Gpu g;
    gpu_init_memory(&g, 800, 600, 4 << 20);
    g_autoptr(GRand) r = g_rand_new_with_seed(20261202);
    uint64_t area = td_alloc(&g.m, 1 << 20, 4096);
    /* Two resources ready for transfers, so that many random ones get through. */
    for (uint32_t id = 1; id <= 2; id++) {
        g_assert_cmphex(create(&g, id, VR_GPU_FORMAT_B8G8R8A8, 64, 64), ==,
                        VR_VIRTIO_GPU_RESP_OK_NODATA);
        Entry e = {area + (id - 1) * 16384, 16384};
        g_assert_cmphex(attach(&g, id, &e, 1), ==, VR_VIRTIO_GPU_RESP_OK_NODATA);
    }
    for (unsigned i = 0; i < 20000; i++) {
        uint8_t c[64];
        hdr(c, types[g_rand_int_range(r, 0, G_N_ELEMENTS(types))]);
        put32(c, 4, g_rand_int(r) & 3);
        for (unsigned off = 24; off < 64; off += 4)
            put32(c, off, rnd_size(r));
        uint32_t type = get32(c, 0);
        bool rect = type == VR_VIRTIO_GPU_CMD_SET_SCANOUT ||
                    type == VR_VIRTIO_GPU_CMD_RESOURCE_FLUSH ||
                    type == VR_VIRTIO_GPU_CMD_TRANSFER_TO_HOST_2D;
        if (rect && g_rand_int_range(r, 0, 4)) {
            put_rect(c, 24,
                     (VrGpuRect){g_rand_int_range(r, 0, 8), g_rand_int_range(r, 0, 8),
                                 g_rand_int_range(r, 0, 24), g_rand_int_range(r, 0, 24)});
            put32(c, 40, 0); /* scanout 0, or the offset's low half */
            if (type == VR_VIRTIO_GPU_CMD_RESOURCE_FLUSH)
                put32(c, 40, (uint32_t) g_rand_int_range(r, 0, 5));
        }
        if (type == VR_VIRTIO_GPU_CMD_GET_EDID && g_rand_int_range(r, 0, 4))
            put32(c, 24, 0);
        if (type == VR_VIRTIO_GPU_CMD_RESOURCE_CREATE_2D)
            put32(c, 28, formats[g_rand_int_range(r, 0, G_N_ELEMENTS(formats))]);
        if (g_rand_int_range(r, 0, 4) && type != VR_VIRTIO_GPU_CMD_TRANSFER_TO_HOST_2D)
            put32(c, type == VR_VIRTIO_GPU_CMD_SET_SCANOUT ? 44 : 24,
                  (uint32_t) g_rand_int_range(r, 0, 5));
        if (type == VR_VIRTIO_GPU_CMD_TRANSFER_TO_HOST_2D) {
            put64(c, 40,
                  g_rand_boolean(r) ? (uint64_t) g_rand_int_range(r, 0, 8192)
                                    : (uint64_t) g_rand_int(r) << 32 | g_rand_int(r));
            put32(c, 48, (uint32_t) g_rand_int_range(r, 0, 5));
        }
        size_t len = g_rand_int_range(r, 0, 10) ? 64 : (size_t) g_rand_int_range(r, 0, 64);
        uint32_t answer;
        if (type == VR_VIRTIO_GPU_CMD_RESOURCE_ATTACH_BACKING && g_rand_boolean(r)) {
            Entry e[3];
            for (unsigned k = 0; k < 3; k++)
                e[k] = (Entry){g_rand_int_range(r, 0, 8) ? area + g_rand_int_range(r, 0, 1 << 20)
                                                         : (uint64_t) g_rand_int(r) << 20,
                               g_rand_int_range(r, 0, 4) ? (uint32_t) g_rand_int_range(r, 1, 8192)
                                                         : rnd_size(r)};
            answer = attach(&g, (uint32_t) g_rand_int_range(r, 0, 5), e, 3);
        } else if (g_rand_int_range(r, 0, 8) == 0) {
            cursor_cmd(&g,
                       g_rand_boolean(r) ? VR_VIRTIO_GPU_CMD_UPDATE_CURSOR
                                         : VR_VIRTIO_GPU_CMD_MOVE_CURSOR,
                       g_rand_int_range(r, 0, 8) == 0, g_rand_int(r) % 900, g_rand_int(r) % 700,
                       (uint32_t) g_rand_int_range(r, 0, 5), rnd_size(r), rnd_size(r),
                       g_rand_int_range(r, 0, 8) ? 56 : 20);
            continue;
        } else {
            answer = ctrl(&g, c, len);
        }
        g_assert_true(
            (answer >= VR_VIRTIO_GPU_RESP_OK_NODATA && answer <= VR_VIRTIO_GPU_RESP_OK_EDID) ||
            (answer >= VR_VIRTIO_GPU_RESP_ERR_UNSPEC &&
             answer <= VR_VIRTIO_GPU_RESP_ERR_INVALID_PARAMETER));
        g_assert_cmpuint(vr_virtio_gpu_memory_used(g.m.dev), <=, 4 << 20);
        VrGpuFrame *f = vr_virtio_gpu_get_frame(g.m.dev);
        if (f) {
            g_assert_cmpuint((uint64_t) f->width * f->height * 4, <=, 4 << 20);
            vr_gpu_frame_unref(f);
        }
    }
    g_assert_false(td_read(&g.m, VR_VIRTIO_MMIO_STATUS) & VR_VIRTIO_STATUS_DEVICE_NEEDS_RESET);
    uint8_t c[64];
    hdr(c, VR_VIRTIO_GPU_CMD_GET_DISPLAY_INFO);
    g_assert_cmphex(ctrl(&g, c, 24), ==, VR_VIRTIO_GPU_RESP_OK_DISPLAY_INFO);
    td_free(&g.m);
}

/* A viewer on another thread takes frames while the guest redraws the whole screen in one
 * pattern or the other: every frame it gets is wholly one of them, and never changes while
 * it holds it. */
typedef struct {
    VrVirtioDevice *dev;
    gint stop;
    gint frames; /* atomic */
} Viewer;

static gpointer viewer_thread(gpointer data)
{
    Viewer *v = data;
    while (!g_atomic_int_get(&v->stop)) {
        g_autoptr(VrGpuFrame) f = vr_virtio_gpu_get_frame(v->dev);
        if (!f)
            continue;
        unsigned salt = frame_px(f, 0, 0) == pattern_xrgb(0, 0, 1) ? 1 : 2;
        for (unsigned pass = 0; pass < 2; pass++)
            for (uint32_t y = 0; y < H; y++)
                for (uint32_t x = 0; x < W; x++)
                    g_assert_cmphex(frame_px(f, x, y), ==, pattern_xrgb(x, y, salt));
        g_atomic_int_inc(&v->frames);
    }
    return NULL;
}

static void test_viewer_thread(void)
{
    Gpu g;
    gpu_init(&g);
    Backing b;
    show_pattern(&g, &b);
    Viewer v = {g.m.dev, 0, 0};
    GThread *t = g_thread_new("viewer", viewer_thread, &v);
    VrGpuRect all = {0, 0, W, H};
    /* At least 400 redraws, and on until the viewer has looked at 20 frames (up to 10 s). */
    gint64 deadline = g_get_monotonic_time() + 10 * G_USEC_PER_SEC;
    for (unsigned i = 0;
         i < 400 || (g_atomic_int_get(&v.frames) < 20 && g_get_monotonic_time() < deadline); i++) {
        fill(&g, &b, 1 + i % 2);
        g_assert_cmphex(transfer(&g, 1, all, 0), ==, VR_VIRTIO_GPU_RESP_OK_NODATA);
        g_assert_cmphex(flush(&g, 1, all), ==, VR_VIRTIO_GPU_RESP_OK_NODATA);
    }
    g_atomic_int_set(&v.stop, 1);
    g_thread_join(t);
    g_assert_cmpint(g_atomic_int_get(&v.frames), >=, 20);
    td_free(&g.m);
}

/* A test of the device run again on the Vulkan renderer, or skipped naming why not. */
static void run_on_vulkan(gconstpointer test)
{
    g_autoptr(GError) error = NULL;
    VrRenderer *r = vr_renderer_vulkan_new(&error);
    if (!r) {
        g_autofree char *why = g_strdup_printf("no Vulkan renderer: %s", error->message);
        g_test_skip(why);
        return;
    }
    r->ops->free(r);
    ((void (*)(void)) test)();
}

static void add_on_vulkan(const char *name, void (*test)(void), bool both)
{
    for (unsigned io = 0; io < (both ? 2u : 1u); io++) {
        g_autofree char *path =
            g_strdup_printf("/virtio-gpu/vulkan/%s/%s", name, io ? "io" : "sync");
        g_test_add_data_func(path, (gconstpointer) test, run_on_vulkan);
    }
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    td_add_both("/virtio-gpu/display-info", test_display_info);
    td_add_both("/virtio-gpu/edid", test_edid);
    td_add_both("/virtio-gpu/display-event", test_display_event);
    td_add_both("/virtio-gpu/frames", test_frames);
    g_test_add_func("/virtio-gpu/formats/sync", test_formats);
    td_add_both("/virtio-gpu/cursor", test_cursor);
    td_add_both("/virtio-gpu/malformed", test_malformed);
    g_test_add_func("/virtio-gpu/memory-cap/sync", test_memory_cap);
    g_test_add_func("/virtio-gpu/reset/sync", test_reset);
    td_add_both("/virtio-gpu/state", test_state);
    g_test_add_func("/virtio-gpu/state-bad", test_state_bad);
    td_add_both("/virtio-gpu/random-commands", test_random_commands);
    td_add_both("/virtio-gpu/viewer-thread", test_viewer_thread);
    add_on_vulkan("frames", test_frames, true);
    add_on_vulkan("formats", test_formats, false);
    add_on_vulkan("cursor", test_cursor, true);
    add_on_vulkan("memory-cap", test_memory_cap, false);
    add_on_vulkan("reset", test_reset, false);
    add_on_vulkan("state", test_state, true);
    add_on_vulkan("random-commands", test_random_commands, false);
    add_on_vulkan("viewer-thread", test_viewer_thread, true);
    return g_test_run();
}
