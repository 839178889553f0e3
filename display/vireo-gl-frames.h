/* Frames shown through GL: a renderer's exported frame images (VrGpuFrameImage,
 * gpu/vr-renderer.h) imported into GL textures with GL_EXT_memory_object_fd and handed to GTK
 * as GdkGLTextures, so that the picture goes from the Vulkan device to the screen without
 * passing through the CPU.
 *
 * It works where GTK draws with GL, the GL driver offers GL_EXT_memory_object_fd, and GL
 * runs on the very device and driver the renderer exports from (their UUIDs match). Each
 * imported image is kept, by its id, for the frames after: only a new image is imported.
 * UI thread only. */
#pragma once

#include <gtk/gtk.h>

#include "vr-machine.h"
#include "vr-renderer.h"

G_BEGIN_DECLS

typedef struct _VireoGlFrames VireoGlFrames;

/* The GL frames of display (one for each display, made at the first call and kept); NULL
 * with *why (for the user; may be NULL) when frames cannot be shown through GL there: GTK
 * has no GL, or the driver lacks GL_EXT_memory_object_fd. */
VireoGlFrames *vireo_gl_frames_get(GdkDisplay *display, char **why);

/* Whether images exported by the device and driver with these UUIDs can be shown; *why
 * (may be NULL) says why not. */
gboolean vireo_gl_frames_can_import(VireoGlFrames *gl, const guint8 device_uuid[16],
                                    const guint8 driver_uuid[16], char **why);

/* A texture showing frame->image (frame must have one that can_import accepts): it holds a
 * reference to frame as long as GTK uses it. NULL when the import failed (logged). */
GdkTexture *vireo_gl_frames_texture(VireoGlFrames *gl, VrGpuFrame *frame);

/* The path for machine m's screen shown on display, chosen once when it starts: when its
 * renderer can export frames (the Vulkan renderer) and GL can import them, it is asked to,
 * and TRUE is returned; otherwise FALSE, with *why (may be NULL) saying why where the
 * renderer could have exported (else *why is left NULL). */
gboolean vireo_gl_frames_choose(VrMachine *m, GdkDisplay *display, char **why);

/* How many images are imported now (for tests). */
guint vireo_gl_frames_n_imported(VireoGlFrames *gl);

G_END_DECLS
