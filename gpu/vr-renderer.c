/* Choosing a renderer: Vulkan where it works on a GPU, the CPU otherwise. */
#include "vr-i18n.h"
#include "vr-renderer.h"

#include <gio/gio.h>
#include <string.h>

#if !VIREO_HAVE_VULKAN
VrRenderer *vr_renderer_vulkan_new(GError **error)
{
    g_set_error_literal(error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                        _("Vireo was built without Vulkan."));
    return NULL;
}

const char *vr_renderer_vulkan_device_name(VrRenderer *r, bool *software)
{
    return NULL;
}
#endif

VrRenderer *vr_renderer_new_best(char **why_not_vulkan)
{
    const char *choice = g_getenv("VIREO_RENDERER");
    if (choice && strcmp(choice, "cpu") == 0) {
        if (why_not_vulkan)
            *why_not_vulkan = g_strdup("VIREO_RENDERER=cpu");
        return vr_renderer_cpu_new();
    }
    bool forced = choice && strcmp(choice, "vulkan") == 0;
    if (choice && *choice && !forced)
        g_message("VIREO_RENDERER=%s is neither cpu nor vulkan; choosing as if it were unset",
                  choice);
    g_autoptr(GError) error = NULL;
    VrRenderer *r = vr_renderer_vulkan_new(&error);
    bool software = false;
    const char *device = r ? vr_renderer_vulkan_device_name(r, &software) : NULL;
    if (r && software && !forced) {
        /* Translators: the name of a Vulkan device that runs on the CPU, such as
         * "llvmpipe (LLVM 15.0.6, 256 bits)". */
        g_autofree char *why = g_strdup_printf(
            _("The only usable Vulkan device, %s, runs on the CPU; the CPU renderer is faster."),
            device);
        r->ops->free(r);
        if (why_not_vulkan)
            *why_not_vulkan = g_steal_pointer(&why);
        return vr_renderer_cpu_new();
    }
    if (r) {
        if (why_not_vulkan)
            *why_not_vulkan = NULL;
        return r;
    }
    if (forced)
        g_message("VIREO_RENDERER=vulkan, but Vulkan does not work: %s", error->message);
    if (why_not_vulkan)
        *why_not_vulkan = g_strdup(error->message);
    return vr_renderer_cpu_new();
}
