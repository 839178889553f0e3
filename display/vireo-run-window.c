/* The window of `vireo run --display gtk` (see vireo-run-window.h). */
#include <gtk/gtk.h>

#include "vireo-display.h"
#include "vireo-gl-frames.h"
#include "vireo-run-window.h"
#include "vr-i18n.h"

struct _VireoRunWindow {
    VrMachine *m;
    GtkWindow *window;
    VireoDisplay *display;
    void (*on_close)(void *);
    void *close_data;
    gboolean through_gl;
    char *note;
};

static VrGpuFrame *frame(gpointer data)
{
    VireoRunWindow *w = data;
    return vr_machine_get_frame(w->m);
}

static gboolean send(VrInputDevice device, const VrVirtioInputEvent *events, gsize n, gpointer data)
{
    VireoRunWindow *w = data;
    return vr_machine_input_send(w->m, device, events, n);
}

static void on_resize_guest(VireoDisplay *d, guint width, guint height, gpointer data)
{
    VireoRunWindow *w = data;
    vr_machine_set_display_size(w->m, width, height);
}

static gboolean on_close_request(GtkWindow *window, gpointer data)
{
    VireoRunWindow *w = data;
    if (w->on_close)
        w->on_close(w->close_data);
    return TRUE; /* the window goes when the machine has stopped */
}

VireoRunWindow *vireo_run_window_new(VrMachine *m, const char *title, void (*on_close)(void *),
                                     void *data, GError **error)
{
    g_return_val_if_fail(vr_machine_has_display(m), NULL);
    if (!gtk_init_check()) {
        g_set_error_literal(error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                            _("GTK cannot open a window: there is no display"));
        return NULL;
    }
    VireoRunWindow *w = g_new0(VireoRunWindow, 1);
    w->m = m;
    w->on_close = on_close;
    w->close_data = data;
    w->through_gl = vireo_gl_frames_choose(m, gdk_display_get_default(), &w->note);
    w->window = GTK_WINDOW(gtk_window_new());
    g_object_ref_sink(w->window);
    gtk_window_set_title(w->window, title);
    gtk_window_set_default_size(w->window, 1280, 800);
    w->display = VIREO_DISPLAY(vireo_display_new());
    vireo_display_set_scale_mode(w->display, VIREO_DISPLAY_SCALE_RESIZE_GUEST);
    vireo_display_set_hide_cursor(w->display, TRUE);
    vireo_display_set_relative_pointer(w->display, TRUE);
    vireo_display_set_frame_source(w->display, frame, w, NULL);
    vireo_display_forward_input(w->display, send, w);
    g_signal_connect(w->display, "resize-guest", G_CALLBACK(on_resize_guest), w);
    gtk_window_set_child(w->window, GTK_WIDGET(w->display));
    g_signal_connect(w->window, "close-request", G_CALLBACK(on_close_request), w);
    gtk_window_present(w->window);
    gtk_widget_grab_focus(GTK_WIDGET(w->display));
    return w;
}

void vireo_run_window_update(VireoRunWindow *w)
{
    vireo_display_queue_update(w->display);
}

gboolean vireo_run_window_through_gl(VireoRunWindow *w, const char **note)
{
    if (note)
        *note = w->through_gl ? NULL : w->note;
    return w->through_gl;
}

void vireo_run_window_free(VireoRunWindow *w)
{
    if (!w)
        return;
    vireo_display_forward_input(w->display, NULL, NULL);
    vireo_display_set_frame_source(w->display, NULL, NULL, NULL);
    g_signal_handlers_disconnect_by_data(w->window, w);
    gtk_window_destroy(w->window);
    g_object_unref(w->window);
    g_free(w->note);
    g_free(w);
}
