/* The SDL2 window viewer of `vireo run --display sdl`: a machine's screen in a plain SDL
 * window, for people who want no GTK. Keys (SDL scancodes translated to evdev), the pointer
 * (the guest's tablet, so the host cursor and the guest's line up), the wheel and gamepads
 * (input/vr-gamepads.h) go to the guest; resizing the window asks the guest to follow.
 * Ctrl+Alt+G grabs (and releases): every key goes to the guest, and the pointer, held in
 * the window, moves the guest's relative mouse; the title says how to release.
 *
 * It lives on the thread that created it (SDL's video wants one thread), polling SDL's
 * events from a GLib source on that thread's default main context.
 */
#ifndef VR_SDL_VIEWER_H
#define VR_SDL_VIEWER_H

#include <glib.h>

#include "vr-machine.h"

typedef struct VrSdlViewer VrSdlViewer;

/* Called when the user closes the window. */
typedef void (*VrSdlViewerCloseFn)(void *data);

/* Opens a window called title showing m's screen (m has one: vr_machine_has_display). NULL
 * with an error when SDL cannot open a window (no display, no SDL support built in). */
VrSdlViewer *vr_sdl_viewer_new(VrMachine *m, const char *title, VrSdlViewerCloseFn on_close,
                               void *data, GError **error);
/* The machine said its screen has a new frame (VR_EVENT_DISPLAY_UPDATED). */
void vr_sdl_viewer_update(VrSdlViewer *v);
void vr_sdl_viewer_free(VrSdlViewer *v);

#endif
