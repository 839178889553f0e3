/* Loading the desktop application's module (vireo-gui-module.h). */
#include <dlfcn.h>
#include <glib/gi18n.h>

#include "vireo-config.h"
#include "vireo-gui-module.h"
#include "vireo-i18n.h"

const VireoGuiModule *vireo_gui_load(GError **error)
{
    static const VireoGuiModule *module;
    if (module)
        return module;
    g_autofree char *path =
        g_build_filename(vireo_running_uninstalled() ? VIREO_BUILD_MODULEDIR : VIREO_MODULEDIR,
                         "vireo-gui.so", NULL);
    if (!g_file_test(path, G_FILE_TEST_EXISTS)) {
        /* Translators: %s is the path of a file that is missing. */
        g_set_error(error, G_FILE_ERROR, G_FILE_ERROR_NOENT,
                    _("the desktop application's module %s is missing (is Vireo installed "
                      "completely?)"),
                    path);
        return NULL;
    }
    void *handle = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    if (!handle) {
        /* Translators: the second %s is the system's reason, e.g. a library it needs that is
         * missing. */
        g_set_error(error, G_FILE_ERROR, G_FILE_ERROR_FAILED,
                    _("the desktop application's module %s cannot be loaded: %s"), path, dlerror());
        return NULL;
    }
    const VireoGuiModule *(*entry)(void) =
        (const VireoGuiModule *(*) (void) ) dlsym(handle, VIREO_GUI_MODULE_ENTRY);
    const VireoGuiModule *m = entry ? entry() : NULL;
    if (!m || m->abi != VIREO_GUI_MODULE_ABI || g_strcmp0(m->version, VIREO_VERSION) != 0) {
        /* Translators: %s is the path of the module, a file of another build of Vireo. */
        g_set_error(error, G_FILE_ERROR, G_FILE_ERROR_FAILED,
                    _("the desktop application's module %s belongs to another build of Vireo"),
                    path);
        dlclose(handle);
        return NULL;
    }
    module = m;
    return module;
}
