/* The engine's messages for the user (its GError messages and error events) are translated
 * in the application's gettext domain, GETTEXT_PACKAGE from the build's vireo-config.h. The
 * program binds that domain (app/vireo-i18n.c); one that does not, such as a unit test,
 * gets the English messages. Log lines (g_message, g_debug) and the virtio diagnostics of a
 * misbehaving guest driver stay English: they are read in bug reports, not by the user at
 * work. Include this in .c files only. */
#ifndef VR_I18N_H
#define VR_I18N_H

#include "vireo-config.h"
#include <glib/gi18n-lib.h>

#endif
