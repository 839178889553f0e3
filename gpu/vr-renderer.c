/* Choosing a renderer: Vulkan where it works, the CPU otherwise. */
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
