/* Frames shown through GL (see vireo-gl-frames.h). */
#include <epoxy/gl.h>
#include <glib/gi18n.h>
#include <string.h>
#include <unistd.h>

#include "vireo-gl-frames.h"

/* Imports kept that no texture uses, at most; and how long such an import is kept. */
#define MAX_IDLE_IMPORTS    4
#define IDLE_IMPORT_SECONDS 5

/* An image imported into GL: its memory object and a texture on it. */
typedef struct {
    guint64 id;
    GLuint memory, texture;
    guint users; /* GdkTextures alive on it */
    gint64 idle_since;
} Import;

struct _VireoGlFrames {
    GdkGLContext *context;
    guint8 device_uuid[16], driver_uuid[16];
    GHashTable *imports; /* image id → Import */
    guint trim_id;
};

static void import_free(gpointer data)
{
    Import *im = data;
    glDeleteTextures(1, &im->texture);
    glDeleteMemoryObjectsEXT(1, &im->memory);
    g_free(im);
}

/* Drops imports no texture uses: all that have been idle for IDLE_IMPORT_SECONDS, and the
 * oldest beyond MAX_IDLE_IMPORTS. */
static void trim(VireoGlFrames *gl)
{
    gint64 now = g_get_monotonic_time();
    guint idle = 0;
    GHashTableIter it;
    Import *im;
    g_hash_table_iter_init(&it, gl->imports);
    while (g_hash_table_iter_next(&it, NULL, (gpointer *) &im))
        if (im->users == 0)
            idle++;
    gdk_gl_context_make_current(gl->context);
    for (;;) {
        Import *oldest = NULL;
        g_hash_table_iter_init(&it, gl->imports);
        while (g_hash_table_iter_next(&it, NULL, (gpointer *) &im))
            if (im->users == 0 && (!oldest || im->idle_since < oldest->idle_since))
                oldest = im;
        if (!oldest || (idle <= MAX_IDLE_IMPORTS &&
                        now - oldest->idle_since < IDLE_IMPORT_SECONDS * G_USEC_PER_SEC))
            break;
        g_hash_table_remove(gl->imports, &oldest->id);
        idle--;
    }
}

static gboolean trim_later(gpointer data)
{
    VireoGlFrames *gl = data;
    gl->trim_id = 0;
    trim(gl);
    gboolean idle_left = FALSE;
    GHashTableIter it;
    Import *im;
    g_hash_table_iter_init(&it, gl->imports);
    while (g_hash_table_iter_next(&it, NULL, (gpointer *) &im))
        idle_left |= im->users == 0;
    if (idle_left)
        gl->trim_id = g_timeout_add_seconds(IDLE_IMPORT_SECONDS, trim_later, gl);
    return G_SOURCE_REMOVE;
}

static VireoGlFrames *probe(GdkDisplay *display, char **why)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(GdkGLContext) context = gdk_display_create_gl_context(display, &error);
    if (!context || !gdk_gl_context_realize(context, &error)) {
        /* Translators: the reason comes from GTK. */
        *why = g_strdup_printf(_("GTK has no OpenGL here: %s"), error->message);
        return NULL;
    }
    gdk_gl_context_make_current(context);
    if (!epoxy_has_gl_extension("GL_EXT_memory_object_fd")) {
        *why = g_strdup_printf(_("The OpenGL driver (%s) cannot import Vulkan memory."),
                               (const char *) glGetString(GL_RENDERER));
        gdk_gl_context_clear_current();
        return NULL;
    }
    VireoGlFrames *gl = g_new0(VireoGlFrames, 1);
    GLint n = 0;
    glGetIntegerv(GL_NUM_DEVICE_UUIDS_EXT, &n);
    if (n > 0)
        glGetUnsignedBytei_vEXT(GL_DEVICE_UUID_EXT, 0, gl->device_uuid);
    glGetUnsignedBytevEXT(GL_DRIVER_UUID_EXT, gl->driver_uuid);
    gdk_gl_context_clear_current();
    gl->context = g_steal_pointer(&context);
    gl->imports = g_hash_table_new_full(g_int64_hash, g_int64_equal, NULL, import_free);
    return gl;
}

VireoGlFrames *vireo_gl_frames_get(GdkDisplay *display, char **why)
{
    static GQuark quark;
    if (!quark)
        quark = g_quark_from_static_string("vireo-gl-frames");
    char *reason = g_object_get_qdata(G_OBJECT(display), quark);
    VireoGlFrames *gl = g_object_get_data(G_OBJECT(display), "vireo-gl-frames");
    if (!gl && !reason) {
        gl = probe(display, &reason);
        if (gl)
            g_object_set_data(G_OBJECT(display), "vireo-gl-frames", gl);
        else
            g_object_set_qdata_full(G_OBJECT(display), quark, reason, g_free);
    }
    if (!gl && why)
        *why = g_strdup(reason);
    return gl;
}

gboolean vireo_gl_frames_can_import(VireoGlFrames *gl, const guint8 device_uuid[16],
                                    const guint8 driver_uuid[16], char **why)
{
    if (memcmp(gl->device_uuid, device_uuid, 16) != 0) {
        if (why)
            *why = g_strdup(_("OpenGL and Vulkan are on different devices."));
        return FALSE;
    }
    if (memcmp(gl->driver_uuid, driver_uuid, 16) != 0) {
        if (why)
            *why = g_strdup(_("OpenGL and Vulkan use different drivers."));
        return FALSE;
    }
    return TRUE;
}

/* The import of image, made now when there is none. */
static Import *import(VireoGlFrames *gl, const VrGpuFrameImage *image)
{
    Import *im = g_hash_table_lookup(gl->imports, &image->id);
    if (im)
        return im;
    int fd = dup(image->memory_fd);
    if (fd < 0) {
        g_warning("Cannot show a frame through OpenGL: %s", g_strerror(errno));
        return NULL;
    }
    gdk_gl_context_make_current(gl->context);
    while (glGetError() != GL_NO_ERROR)
        ;
    im = g_new0(Import, 1);
    im->id = image->id;
    glCreateMemoryObjectsEXT(1, &im->memory);
    /* The renderer gives each image an allocation of its own. */
    GLint dedicated = GL_TRUE;
    glMemoryObjectParameterivEXT(im->memory, GL_DEDICATED_MEMORY_OBJECT_EXT, &dedicated);
    glImportMemoryFdEXT(im->memory, image->memory_size, GL_HANDLE_TYPE_OPAQUE_FD_EXT, fd);
    glGenTextures(1, &im->texture);
    glBindTexture(GL_TEXTURE_2D, im->texture);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_TILING_EXT, GL_OPTIMAL_TILING_EXT);
    glTexStorageMem2DEXT(GL_TEXTURE_2D, 1, GL_RGBA8, (GLsizei) image->width,
                         (GLsizei) image->height, im->memory, 0);
    glBindTexture(GL_TEXTURE_2D, 0);
    GLenum err = glGetError();
    if (err != GL_NO_ERROR) {
        g_warning("Cannot show a frame through OpenGL: importing its image failed (GL error "
                  "0x%x)",
                  err);
        import_free(im);
        return NULL;
    }
    g_hash_table_insert(gl->imports, &im->id, im);
    return im;
}

typedef struct {
    VireoGlFrames *gl;
    guint64 id;
    VrGpuFrame *frame;
} TextureUse;

static void texture_released(gpointer data)
{
    TextureUse *use = data;
    Import *im = g_hash_table_lookup(use->gl->imports, &use->id);
    if (im && --im->users == 0) {
        im->idle_since = g_get_monotonic_time();
        if (!use->gl->trim_id)
            use->gl->trim_id = g_timeout_add_seconds(IDLE_IMPORT_SECONDS, trim_later, use->gl);
    }
    vr_gpu_frame_unref(use->frame);
    g_free(use);
}

GdkTexture *vireo_gl_frames_texture(VireoGlFrames *gl, VrGpuFrame *frame)
{
    g_return_val_if_fail(frame->image, NULL);
    Import *im = import(gl, frame->image);
    if (!im)
        return NULL;
    im->users++;
    /* GTK draws what GL has; the renderer finished writing before it published the frame. */
    glFlush();
    TextureUse *use = g_new0(TextureUse, 1);
    use->gl = gl;
    use->id = im->id;
    use->frame = vr_gpu_frame_ref(frame);
    GdkTexture *texture = gdk_gl_texture_new(gl->context, im->texture, (int) frame->width,
                                             (int) frame->height, texture_released, use);
    trim(gl);
    return texture;
}

guint vireo_gl_frames_n_imported(VireoGlFrames *gl)
{
    return g_hash_table_size(gl->imports);
}

gboolean vireo_gl_frames_choose(VrMachine *m, GdkDisplay *display, char **why)
{
    guint8 device_uuid[16], driver_uuid[16];
    char *reason = NULL;
    if (!display || !vr_machine_export_frames(m, false, device_uuid, driver_uuid))
        return FALSE;
    VireoGlFrames *gl = vireo_gl_frames_get(display, &reason);
    gboolean ok = gl && vireo_gl_frames_can_import(gl, device_uuid, driver_uuid, &reason) &&
                  vr_machine_export_frames(m, true, NULL, NULL);
    if (why && !ok)
        *why = g_steal_pointer(&reason);
    g_free(reason);
    return ok;
}
