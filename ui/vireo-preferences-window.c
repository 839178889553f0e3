/* VireoPreferencesWindow: the application's preferences. */
#include <glib/gi18n.h>

#include "vireo-preferences-window.h"
#include "vireo-util.h"

struct _VireoPreferencesWindow {
    AdwPreferencesWindow parent_instance;
    AdwActionRow *folder_row;
    GtkWidget *folder_button;
    GtkWidget *folder_reset_button;
    AdwActionRow *machines_row;
};

G_DEFINE_FINAL_TYPE(VireoPreferencesWindow, vireo_preferences_window, ADW_TYPE_PREFERENCES_WINDOW)

static void update(VireoPreferencesWindow *self)
{
    g_autoptr(GFile) folder = vireo_default_folder();
    g_autofree char *path = g_file_get_path(folder);
    adw_action_row_set_subtitle(self->folder_row, path);
    g_autofree char *setting = g_settings_get_string(vireo_settings(), "default-folder");
    gtk_widget_set_visible(self->folder_reset_button, setting && *setting);
}

static void folder_chosen(GFile *file, gpointer data)
{
    g_autoptr(VireoPreferencesWindow) self = data;
    if (!file)
        return;
    g_autofree char *path = g_file_get_path(file);
    if (path)
        g_settings_set_string(vireo_settings(), "default-folder", path);
    update(self);
}

static void on_folder(GtkButton *button, gpointer data)
{
    VireoPreferencesWindow *self = data;
    vireo_choose_file(GTK_WINDOW(self), _("Folder for Images"), VIREO_FILES_FOLDER, folder_chosen,
                      g_object_ref(self));
}

static void on_folder_reset(GtkButton *button, gpointer data)
{
    g_settings_reset(vireo_settings(), "default-folder");
    update(data);
}

VireoPreferencesWindow *vireo_preferences_window_new(GtkWindow *parent, const char *machines_dir)
{
    VireoPreferencesWindow *self =
        g_object_new(VIREO_TYPE_PREFERENCES_WINDOW, "transient-for", parent, NULL);
    adw_action_row_set_subtitle(self->machines_row, machines_dir);
    update(self);
    return self;
}

static void vireo_preferences_window_dispose(GObject *object)
{
    gtk_widget_dispose_template(GTK_WIDGET(object), VIREO_TYPE_PREFERENCES_WINDOW);
    G_OBJECT_CLASS(vireo_preferences_window_parent_class)->dispose(object);
}

static void vireo_preferences_window_class_init(VireoPreferencesWindowClass *klass)
{
    GtkWidgetClass *widget_class = GTK_WIDGET_CLASS(klass);
    G_OBJECT_CLASS(klass)->dispose = vireo_preferences_window_dispose;
    gtk_widget_class_set_template_from_resource(widget_class,
                                                "/org/vireo/Vireo/ui/vireo-preferences-window.ui");
    gtk_widget_class_bind_template_child(widget_class, VireoPreferencesWindow, folder_row);
    gtk_widget_class_bind_template_child(widget_class, VireoPreferencesWindow, folder_button);
    gtk_widget_class_bind_template_child(widget_class, VireoPreferencesWindow, folder_reset_button);
    gtk_widget_class_bind_template_child(widget_class, VireoPreferencesWindow, machines_row);
}

static void vireo_preferences_window_init(VireoPreferencesWindow *self)
{
    gtk_widget_init_template(GTK_WIDGET(self));
    g_signal_connect(self->folder_button, "clicked", G_CALLBACK(on_folder), self);
    g_signal_connect(self->folder_reset_button, "clicked", G_CALLBACK(on_folder_reset), self);
}
