/* The locale and the translations, for the window and the command line alike. */
#pragma once

#include <glib.h>

/* Whether this program runs from its build folder (not installed): it then uses the
 * build folder's GSettings schema and translations. */
gboolean vireo_running_uninstalled(void);
/* setlocale(LC_ALL, "") and the gettext domain GETTEXT_PACKAGE bound to the build folder's
 * translations (BUILD/po/locale) when run from it, or to the installed ones. Messages of the
 * engine, the command line and the window then come out in the user's language. */
void vireo_i18n_init(void);
