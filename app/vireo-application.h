/* VireoApplication: the desktop application. One instance per session: launching `vireo`
 * again raises the window of the one that runs. */
#pragma once

#include <adwaita.h>

#include "vireo-library.h"
#include "vireo-window.h"

G_BEGIN_DECLS

#define VIREO_TYPE_APPLICATION (vireo_application_get_type())
G_DECLARE_FINAL_TYPE(VireoApplication, vireo_application, VIREO, APPLICATION, AdwApplication)

/* extra_flags: G_APPLICATION_NON_UNIQUE for tests. */
VireoApplication *vireo_application_new(GApplicationFlags extra_flags);
VireoLibrary *vireo_application_get_library(VireoApplication *self);
/* The main window, made when there is none. */
VireoWindow *vireo_application_get_window(VireoApplication *self);
/* Whether the window is hidden and machines run on (the close dialog's "Keep Running"). */
gboolean vireo_application_in_background(VireoApplication *self);

G_END_DECLS
