/* The window of `vireo run --display gtk`: a machine's screen in a plain GTK window, for the
 * command line, as QEMU's -display gtk. The guest follows the window's size; keys, the
 * tablet, the wheel and (grabbed with Ctrl+Alt+G) the relative mouse go to the guest. Frames
 * come through GL where the renderer can export them and GTK's GL can import them
 * (vireo-gl-frames.h), else as memory textures.
 *
 * It lives on the thread that made it, which runs the default main context (GTK's). */
#pragma once

#include <glib.h>

#include "vr-machine.h"

G_BEGIN_DECLS

typedef struct _VireoRunWindow VireoRunWindow;

/* Opens a window called title showing m's screen (m has one). on_close(data) runs when the
 * user closes the window (the window stays until freed). NULL with error when GTK cannot
 * open a window (no display). */
VireoRunWindow *vireo_run_window_new(VrMachine *m, const char *title, void (*on_close)(void *),
                                     void *data, GError **error);
/* The machine said its screen has a new frame (VR_EVENT_DISPLAY_UPDATED). */
void vireo_run_window_update(VireoRunWindow *w);
/* Whether frames go through GL; when not, *note (may be NULL) says why where the renderer
 * could have exported them (else NULL). */
gboolean vireo_run_window_through_gl(VireoRunWindow *w, const char **note);
void vireo_run_window_free(VireoRunWindow *w);

G_END_DECLS
