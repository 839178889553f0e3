/* The locale and the translations, for the window and the command line alike. */
#include <glib/gi18n.h>
#include <locale.h>

#include "vireo-config.h"
#include "vireo-i18n.h"

gboolean vireo_running_uninstalled(void)
{
    static int uninstalled = -1;
    if (uninstalled < 0) {
        g_autofree char *exe = g_file_read_link("/proc/self/exe", NULL);
        g_autofree char *root = g_path_get_dirname(VIREO_BUILD_SCHEMADIR);
        g_autofree char *prefix = g_strconcat(root, "/", NULL);
        uninstalled = exe && g_str_has_prefix(exe, prefix);
    }
    return uninstalled;
}

void vireo_i18n_init(void)
{
    setlocale(LC_ALL, "");
    bindtextdomain(GETTEXT_PACKAGE,
                   vireo_running_uninstalled() ? VIREO_BUILD_LOCALEDIR : VIREO_LOCALEDIR);
    bind_textdomain_codeset(GETTEXT_PACKAGE, "UTF-8");
    textdomain(GETTEXT_PACKAGE);
}
