/* The desktop application and the window of `vireo run --display gtk` are a module of their
 * own (vireo-gui.so), which the command line loads only when it opens a window: GTK,
 * libadwaita, VTE, libosinfo and the libraries under them take tens of milliseconds to load
 * and link, which every `vireo run` without a window, and every machine's start-up with it,
 * would pay otherwise. The module uses the engine and the command line's helpers from the
 * executable, which exports them. */
#pragma once

#include <glib.h>

#include "vireo-run-window.h"

/* Changes whenever VireoGuiModule does: the command line loads no module of another. */
#define VIREO_GUI_MODULE_ABI 1

typedef struct {
    unsigned abi;        /* VIREO_GUI_MODULE_ABI of the module's build */
    const char *version; /* VIREO_VERSION of the module's build */
    int (*gui_main)(int argc, char **argv);
    VireoRunWindow *(*run_window_new)(VrMachine *m, const char *title, void (*on_close)(void *),
                                      void *data, GError **error);
    void (*run_window_update)(VireoRunWindow *w);
    gboolean (*run_window_through_gl)(VireoRunWindow *w, const char **note);
    void (*run_window_free)(VireoRunWindow *w);
} VireoGuiModule;

/* What the module exports, by this name. */
#define VIREO_GUI_MODULE_ENTRY "vireo_gui_module"
const VireoGuiModule *vireo_gui_module(void);

/* In the command line: the module, loaded on the first call (from the build folder when the
 * program runs from there, else from the installed VIREO_MODULEDIR); NULL with error when it
 * is missing, cannot be loaded (a library it needs is missing) or is of another build. */
const VireoGuiModule *vireo_gui_load(GError **error);
