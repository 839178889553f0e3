/* The entry of the desktop application's module (vireo-gui-module.h). */
#include "vireo-gui-module.h"
#include "vireo-cli.h"
#include "vireo-config.h"

const VireoGuiModule *vireo_gui_module(void)
{
    static const VireoGuiModule module = {
        .abi = VIREO_GUI_MODULE_ABI,
        .version = VIREO_VERSION,
        .gui_main = vireo_gui_main,
        .run_window_new = vireo_run_window_new,
        .run_window_update = vireo_run_window_update,
        .run_window_through_gl = vireo_run_window_through_gl,
        .run_window_free = vireo_run_window_free,
    };
    return &module;
}
