/* vireo-drawtest: draws known pictures on the first connected DRM output through dumb
 * buffers, so a host test can check the frames it receives pixel by pixel.
 *
 *   vireo-drawtest [CARD [WxH]]      (default /dev/dri/card0, the preferred mode)
 *
 * It sets the output's preferred mode (or the mode WxH) with a framebuffer holding pattern A and
 * then reads commands from stdin, one per line, answering each with "drawtest: <command> done" once
 * the kernel has taken the update (or "drawtest: error ..." and exit status 1):
 *
 *   info                  prints "drawtest: mode WxH"
 *   full                  the whole framebuffer gets pattern A again, flushed whole
 *   partial X Y W H       that rectangle gets pattern B, flushed through DIRTYFB with one clip
 *   cursor X Y            shows the 64x64 cursor image (see cursor_pixel) with its top-left
 *                         corner at X, Y
 *   move X Y              moves the cursor
 *   hide                  removes the cursor
 *   bench N full|small    N updates as fast as the kernel takes them: one pixel changes
 *                         and the whole screen (full) or a 64x64 square that moves (small)
 *                         is flushed, then the other framebuffer on the same buffer is shown
 *                         (which waits for the host to have done them all); prints
 *                         "drawtest: bench N frames in T us" (monotonic clock) before its
 *                         "done"
 *   quit                  exits (the console takes the screen back)
 *
 * The patterns are functions of the pixel position (pattern_a, pattern_b, cursor_pixel),
 * repeated in the host test. Built static for riscv64 by tests/guests/build-initramfs.sh.
 */
#include <drm/drm.h>
#include <drm/drm_mode.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#define CURSOR_SIZE 64

static uint32_t pattern_a(uint32_t x, uint32_t y)
{
    return (x * 7 & 0xff) << 16 | (y * 3 & 0xff) << 8 | ((x ^ y) & 0xff);
}

static uint32_t pattern_b(uint32_t x, uint32_t y)
{
    return (255 - (y & 0xff)) << 16 | (x * 5 & 0xff) << 8 | ((x + y) * 11 & 0xff);
}

/* ARGB8888: an opaque red frame, a half-transparent green middle, fully transparent
 * corners. */
static uint32_t cursor_pixel(uint32_t x, uint32_t y)
{
    if ((x < 8 && y < 8) || (x >= 56 && y >= 56))
        return 0;
    if (x < 4 || y < 4 || x >= 60 || y >= 60)
        return 0xffff0000u;
    return 0x8000c000u | (x * 4 & 0xff);
}

static int fd;

static void die(const char *what)
{
    printf("drawtest: error %s: %s\n", what, strerror(errno));
    fflush(stdout);
    exit(1);
}

static void xioctl(unsigned long request, void *arg, const char *what)
{
    int r;
    do
        r = ioctl(fd, request, arg);
    while (r < 0 && (errno == EINTR || errno == EAGAIN));
    if (r < 0)
        die(what);
}

typedef struct {
    uint32_t handle, pitch, fb;
    uint64_t size;
    uint32_t *map;
} Buffer;

static void create_buffer(Buffer *b, uint32_t width, uint32_t height, int with_fb)
{
    struct drm_mode_create_dumb create = {.width = width, .height = height, .bpp = 32};
    xioctl(DRM_IOCTL_MODE_CREATE_DUMB, &create, "CREATE_DUMB");
    b->handle = create.handle;
    b->pitch = create.pitch;
    b->size = create.size;
    if (with_fb) {
        struct drm_mode_fb_cmd fb = {.width = width,
                                     .height = height,
                                     .pitch = create.pitch,
                                     .bpp = 32,
                                     .depth = 24,
                                     .handle = create.handle};
        xioctl(DRM_IOCTL_MODE_ADDFB, &fb, "ADDFB");
        b->fb = fb.fb_id;
    }
    struct drm_mode_map_dumb map = {.handle = create.handle};
    xioctl(DRM_IOCTL_MODE_MAP_DUMB, &map, "MAP_DUMB");
    b->map = mmap(NULL, create.size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, (off_t) map.offset);
    if (b->map == MAP_FAILED)
        die("mmap");
}

int main(int argc, char **argv)
{
    const char *card = argc > 1 ? argv[1] : "/dev/dri/card0";
    unsigned want_w = 0, want_h = 0;
    if (argc > 2 && sscanf(argv[2], "%ux%u", &want_w, &want_h) != 2) {
        errno = EINVAL;
        die(argv[2]);
    }
    fd = open(card, O_RDWR | O_CLOEXEC);
    if (fd < 0)
        die(card);

    uint32_t conn_ids[16], crtc_ids[16], enc_ids[16];
    struct drm_mode_card_res res = {0};
    xioctl(DRM_IOCTL_MODE_GETRESOURCES, &res, "GETRESOURCES");
    if (res.count_connectors > 16 || res.count_crtcs > 16 || res.count_encoders > 16) {
        errno = E2BIG;
        die("GETRESOURCES");
    }
    res.count_fbs = 0;
    res.connector_id_ptr = (uintptr_t) conn_ids;
    res.crtc_id_ptr = (uintptr_t) crtc_ids;
    res.encoder_id_ptr = (uintptr_t) enc_ids;
    xioctl(DRM_IOCTL_MODE_GETRESOURCES, &res, "GETRESOURCES");

    struct drm_mode_modeinfo modes[128], mode;
    uint32_t connector = 0;
    for (uint32_t i = 0; i < res.count_connectors && !connector; i++) {
        struct drm_mode_get_connector c = {.connector_id = conn_ids[i]};
        xioctl(DRM_IOCTL_MODE_GETCONNECTOR, &c, "GETCONNECTOR");
        if (c.connection != 1 || c.count_modes == 0)
            continue;
        if (c.count_modes > 128)
            c.count_modes = 128;
        c.count_props = c.count_encoders = 0;
        c.modes_ptr = (uintptr_t) modes;
        xioctl(DRM_IOCTL_MODE_GETCONNECTOR, &c, "GETCONNECTOR");
        int found = 0;
        for (uint32_t k = 0; k < c.count_modes && !found; k++)
            if (want_w ? modes[k].hdisplay == want_w && modes[k].vdisplay == want_h
                       : (modes[k].type & DRM_MODE_TYPE_PREFERRED) != 0) {
                mode = modes[k];
                found = 1;
            }
        if (!found && want_w) {
            errno = ENOENT;
            die("no such mode");
        }
        if (!found)
            mode = modes[0];
        connector = conn_ids[i];
    }
    if (!connector) {
        errno = ENODEV;
        die("no connected output");
    }
    uint32_t crtc = crtc_ids[0];
    uint32_t width = mode.hdisplay, height = mode.vdisplay;

    Buffer fb;
    create_buffer(&fb, width, height, 1);
    uint32_t stride = fb.pitch / 4;
    for (uint32_t y = 0; y < height; y++)
        for (uint32_t x = 0; x < width; x++)
            fb.map[y * stride + x] = pattern_a(x, y);
    struct drm_mode_crtc set = {.crtc_id = crtc,
                                .fb_id = fb.fb,
                                .set_connectors_ptr = (uintptr_t) &connector,
                                .count_connectors = 1,
                                .mode = mode,
                                .mode_valid = 1};
    xioctl(DRM_IOCTL_MODE_SETCRTC, &set, "SETCRTC");
    /* A second framebuffer on the same buffer, for bench to show in turn. */
    struct drm_mode_fb_cmd fb_cmd2 = {.width = width,
                                      .height = height,
                                      .pitch = fb.pitch,
                                      .bpp = 32,
                                      .depth = 24,
                                      .handle = fb.handle};
    xioctl(DRM_IOCTL_MODE_ADDFB, &fb_cmd2, "ADDFB");
    uint32_t fb2 = fb_cmd2.fb_id, shown = fb.fb;

    Buffer cursor;
    create_buffer(&cursor, CURSOR_SIZE, CURSOR_SIZE, 0);
    for (uint32_t y = 0; y < CURSOR_SIZE; y++)
        for (uint32_t x = 0; x < CURSOR_SIZE; x++)
            cursor.map[y * (cursor.pitch / 4) + x] = cursor_pixel(x, y);

    printf("drawtest: ready %ux%u\n", width, height);
    fflush(stdout);

    char line[256];
    while (fgets(line, sizeof(line), stdin)) {
        char cmd[32] = "";
        int x = 0, y = 0, w = 0, h = 0;
        int n = sscanf(line, "%31s %d %d %d %d", cmd, &x, &y, &w, &h);
        if (n < 1)
            continue;
        if (strcmp(cmd, "info") == 0) {
            printf("drawtest: mode %ux%u\n", width, height);
        } else if (strcmp(cmd, "full") == 0) {
            for (uint32_t yy = 0; yy < height; yy++)
                for (uint32_t xx = 0; xx < width; xx++)
                    fb.map[yy * stride + xx] = pattern_a(xx, yy);
            struct drm_mode_fb_dirty_cmd dirty = {.fb_id = shown};
            xioctl(DRM_IOCTL_MODE_DIRTYFB, &dirty, "DIRTYFB");
        } else if (strcmp(cmd, "partial") == 0 && n == 5) {
            if (x < 0 || y < 0 || w <= 0 || h <= 0 || (uint32_t) (x + w) > width ||
                (uint32_t) (y + h) > height) {
                errno = EINVAL;
                die("partial: rectangle");
            }
            for (int yy = y; yy < y + h; yy++)
                for (int xx = x; xx < x + w; xx++)
                    fb.map[yy * stride + xx] = pattern_b(xx, yy);
            struct drm_clip_rect clip = {(unsigned short) x, (unsigned short) y,
                                         (unsigned short) (x + w), (unsigned short) (y + h)};
            struct drm_mode_fb_dirty_cmd dirty = {
                .fb_id = shown, .num_clips = 1, .clips_ptr = (uintptr_t) &clip};
            xioctl(DRM_IOCTL_MODE_DIRTYFB, &dirty, "DIRTYFB");
        } else if (strcmp(cmd, "cursor") == 0 && n == 3) {
            struct drm_mode_cursor c = {.flags = DRM_MODE_CURSOR_BO | DRM_MODE_CURSOR_MOVE,
                                        .crtc_id = crtc,
                                        .x = x,
                                        .y = y,
                                        .width = CURSOR_SIZE,
                                        .height = CURSOR_SIZE,
                                        .handle = cursor.handle};
            xioctl(DRM_IOCTL_MODE_CURSOR, &c, "CURSOR");
        } else if (strcmp(cmd, "move") == 0 && n == 3) {
            struct drm_mode_cursor c = {
                .flags = DRM_MODE_CURSOR_MOVE, .crtc_id = crtc, .x = x, .y = y};
            xioctl(DRM_IOCTL_MODE_CURSOR, &c, "CURSOR");
        } else if (strcmp(cmd, "hide") == 0) {
            struct drm_mode_cursor c = {.flags = DRM_MODE_CURSOR_BO, .crtc_id = crtc};
            xioctl(DRM_IOCTL_MODE_CURSOR, &c, "CURSOR");
        } else if (strcmp(cmd, "bench") == 0 && n >= 2 && x > 0) {
            char kind[16] = "";
            sscanf(line, "%*s %*d %15s", kind);
            int small = strcmp(kind, "small") == 0;
            struct timespec t0, t1;
            clock_gettime(CLOCK_MONOTONIC, &t0);
            for (int i = 0; i < x; i++) {
                uint32_t sx = small ? (uint32_t) (i * 37) % (width - 64) : 0;
                uint32_t sy = small ? (uint32_t) (i * 23) % (height - 64) : 0;
                fb.map[(sy + 1) * stride + sx + 1] ^= 0x00ffffffu;
                struct drm_clip_rect clip = {(unsigned short) sx, (unsigned short) sy,
                                             (unsigned short) (small ? sx + 64 : width),
                                             (unsigned short) (small ? sy + 64 : height)};
                struct drm_mode_fb_dirty_cmd dirty = {
                    .fb_id = shown, .num_clips = 1, .clips_ptr = (uintptr_t) &clip};
                xioctl(DRM_IOCTL_MODE_DIRTYFB, &dirty, "DIRTYFB");
            }
            /* The kernel queues flushes of the framebuffer on the screen without waiting for
             * the host; showing another framebuffer waits for it, and so for every flush
             * queued before. */
            shown = shown == fb.fb ? fb2 : fb.fb;
            struct drm_mode_crtc flip = {.crtc_id = crtc,
                                         .fb_id = shown,
                                         .set_connectors_ptr = (uintptr_t) &connector,
                                         .count_connectors = 1,
                                         .mode = mode,
                                         .mode_valid = 1};
            xioctl(DRM_IOCTL_MODE_SETCRTC, &flip, "SETCRTC");
            clock_gettime(CLOCK_MONOTONIC, &t1);
            long long us = (t1.tv_sec - t0.tv_sec) * 1000000LL + (t1.tv_nsec - t0.tv_nsec) / 1000;
            printf("drawtest: bench %d frames in %lld us\n", x, us);
        } else if (strcmp(cmd, "quit") == 0) {
            printf("drawtest: quit done\n");
            return 0;
        } else {
            printf("drawtest: error unknown command %s\n", cmd);
            fflush(stdout);
            continue;
        }
        printf("drawtest: %s done\n", cmd);
        fflush(stdout);
    }
    return 0;
}
