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
