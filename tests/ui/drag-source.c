/* A window that offers a file to drag (tests/ui/test-ui-dnd.c starts it): as a file manager
 * does, a GtkDragSource with the file as a GdkFileList, which GTK hands on as text/uri-list
 * over XDND. Usage: drag-source FILE. Says "ready" on stdout once its window is on screen
 * and "dropped" once the drag ended in a drop. */
#include <gtk/gtk.h>
#include <stdio.h>

static GdkContentProvider *on_prepare(GtkDragSource *source, double x, double y, gpointer data)
{
    GSList *files = g_slist_append(NULL, g_file_new_for_path(data));
    GdkFileList *list = gdk_file_list_new_from_list(files);
    g_slist_free_full(files, g_object_unref);
    GdkContentProvider *provider = gdk_content_provider_new_typed(GDK_TYPE_FILE_LIST, list);
    g_boxed_free(GDK_TYPE_FILE_LIST, list);
    return provider;
}

static void on_drag_end(GtkDragSource *source, GdkDrag *drag, gboolean delete_data, gpointer data)
{
    printf("drag-end\n");
    fflush(stdout);
}

static void on_drop_performed(GdkDrag *drag, gpointer data)
{
    printf("dropped\n");
    fflush(stdout);
}

static void on_drag_begin(GtkDragSource *source, GdkDrag *drag, gpointer data)
{
    printf("drag-begin\n");
    fflush(stdout);
    g_signal_connect(drag, "drop-performed", G_CALLBACK(on_drop_performed), NULL);
}

static void on_map(GtkWidget *widget, gpointer data)
{
    printf("ready\n");
    fflush(stdout);
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: %s FILE\n", argv[0]);
        return 2;
    }
    gtk_init();
    GtkWidget *window = gtk_window_new();
    gtk_window_set_title(GTK_WINDOW(window), "vireo-drag-source");
    gtk_window_set_default_size(GTK_WINDOW(window), 240, 160);
    g_autofree char *base = g_path_get_basename(argv[1]);
    GtkWidget *label = gtk_label_new(base);
    gtk_widget_set_size_request(label, 240, 160);
    gtk_window_set_child(GTK_WINDOW(window), label);
    GtkDragSource *source = gtk_drag_source_new();
    gtk_drag_source_set_actions(source, GDK_ACTION_COPY);
    g_signal_connect(source, "prepare", G_CALLBACK(on_prepare), argv[1]);
    g_signal_connect(source, "drag-begin", G_CALLBACK(on_drag_begin), NULL);
    g_signal_connect(source, "drag-end", G_CALLBACK(on_drag_end), NULL);
    gtk_widget_add_controller(label, GTK_EVENT_CONTROLLER(source));
    g_signal_connect(window, "map", G_CALLBACK(on_map), NULL);
    gtk_window_present(GTK_WINDOW(window));
    while (g_list_model_get_n_items(gtk_window_get_toplevels()) > 0)
        g_main_context_iteration(NULL, TRUE);
    return 0;
}
