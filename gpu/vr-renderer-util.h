/* What the renderers share (gpu/ only): frames, rectangles and where each format keeps its
 * bytes. */
#ifndef VR_RENDERER_UTIL_H
#define VR_RENDERER_UTIL_H

#include "vr-renderer.h"

/* A frame of width x height, stride width * 4, its pixels zeroed or not; reference count 1. */
VrGpuFrame *vr_gpu_frame_new(uint32_t width, uint32_t height, bool zeroed);
/* A frame of image's size showing image (taken over: released with the frame), pixels not
 * read back yet; reference count 1. */
VrGpuFrame *vr_gpu_frame_new_image(VrGpuFrameImage *image);

/* What both renderers keep of the screen: the scanout, where the cursor is, and the newest
 * frame. The renderer composes (update); the rest is the same for both. Embedded in the
 * renderer's struct; every field but frame and sequence belongs to the device's thread,
 * those two are under lock (get_frame runs on other threads). */
typedef struct VrScreenState VrScreenState;
/* Recompose the n frame rectangles (clipped to the frame) and publish the next frame; a new
 * frame of the scanout's size, composed whole, when full. */
typedef void (*VrScreenUpdateFn)(VrRenderer *r, const VrGpuRect *rects, unsigned n, bool full);
struct VrScreenState {
    VrRenderer *renderer;
    VrScreenUpdateFn update;
    VrRendererResource *scanout; /* scanout 0; NULL: disabled */
    VrGpuRect scanout_rect;
    bool have_cursor;
    uint32_t cursor_width, cursor_height;
    uint32_t hot_x, hot_y;
    int64_t cursor_x, cursor_y; /* where the hot spot is, scanout coordinates */
    GMutex lock;
    VrGpuFrame *frame;
    uint64_t sequence;
};

void vr_screen_init(VrScreenState *s, VrRenderer *r, VrScreenUpdateFn update);
/* Drops the frame and the lock. */
void vr_screen_clear(VrScreenState *s);
/* The cursor's rectangle within the frame, if any of it is there. */
bool vr_screen_cursor_rect(const VrScreenState *s, VrGpuRect *out);
/* The renderers' set_scanout, flush, move_cursor and get_frame, all but the composing. */
void vr_screen_set_scanout(VrScreenState *s, VrRendererResource *res, const VrGpuRect *rect);
void vr_screen_flush(VrScreenState *s, VrRendererResource *res, const VrGpuRect *rect);
void vr_screen_move_cursor(VrScreenState *s, uint32_t x, uint32_t y);
VrGpuFrame *vr_screen_get_frame(VrScreenState *s);
/* After the cursor changed (had_before: it was at before): recompose both places. */
void vr_screen_cursor_changed(VrScreenState *s, const VrGpuRect *before, bool had_before);
/* The end of a renderer's set_cursor, once it has taken the image (have_cursor and the size
 * set): the hot spot and position, then both places recomposed. */
void vr_screen_cursor_set(VrScreenState *s, const VrGpuRect *before, bool had_before,
                          uint32_t hot_x, uint32_t hot_y, uint32_t x, uint32_t y);
/* Makes f (reference taken over) the newest frame with the next sequence number; call with
 * the lock held. */
void vr_screen_publish_locked(VrScreenState *s, VrGpuFrame *f);

/* a clipped to the rectangle (x, y, w, h) of 64-bit values; false when nothing is left. */
bool vr_gpu_rect_intersect(const VrGpuRect *a, int64_t x, int64_t y, int64_t w, int64_t h,
                           VrGpuRect *out);
/* Grows acc (empty while !*have) to cover r. */
void vr_gpu_rect_union(VrGpuRect *acc, bool *have, const VrGpuRect *r);

/* Byte offsets of red, green, blue and alpha (-1: none) within a pixel of format; false for
 * an unknown format. vr_gpu_cursor_bytes gives alpha the fourth byte also where the format
 * has none (vr-renderer.h, set_cursor). */
bool vr_gpu_format_bytes(uint32_t format, int8_t bytes[4]);
bool vr_gpu_cursor_bytes(uint32_t format, int8_t bytes[4]);

#endif
