/* VireoApplication: the desktop application. */
#include <glib/gi18n.h>

#include "vireo-application.h"
#include "vireo-cli.h"
#include "vireo-config.h"
#include "vireo-i18n.h"
#include "vireo-preferences-window.h"
#include "vr-machine-config.h"

/* From the GResource built in resources/ (registered by hand: it lives in a static
 * library, where a constructor would not be linked in). */
void vireo_register_resource(void);

struct _VireoApplication {
    AdwApplication parent_instance;
    GSettings *settings;
    VireoLibrary *library;
    VireoWindow *window;
    gboolean background;
};

G_DEFINE_FINAL_TYPE(VireoApplication, vireo_application, ADW_TYPE_APPLICATION)

static GSettings *open_settings(void)
{
    GSettingsSchemaSource *source = g_settings_schema_source_get_default();
    g_autoptr(GSettingsSchemaSource) build_source = NULL;
    if (vireo_running_uninstalled() &&
        g_file_test(VIREO_BUILD_SCHEMADIR "/gschemas.compiled", G_FILE_TEST_EXISTS))
        build_source =
            g_settings_schema_source_new_from_directory(VIREO_BUILD_SCHEMADIR, source, FALSE, NULL);
    g_autoptr(GSettingsSchema) schema = NULL;
    if (build_source)
        schema = g_settings_schema_source_lookup(build_source, VIREO_APP_ID, TRUE);
    if (!schema && source)
        schema = g_settings_schema_source_lookup(source, VIREO_APP_ID, TRUE);
    if (!schema)
        g_error("The settings schema %s is not installed (install Vireo, or run it from its "
                "build folder)",
                VIREO_APP_ID);
    return g_settings_new_full(schema, NULL, NULL);
}

VireoLibrary *vireo_application_get_library(VireoApplication *self)
{
    return self->library;
}

gboolean vireo_application_in_background(VireoApplication *self)
{
    return self->background;
}

VireoWindow *vireo_application_get_window(VireoApplication *self)
{
    if (!self->window) {
        self->window = vireo_window_new(GTK_APPLICATION(self), self->library);
        g_object_add_weak_pointer(G_OBJECT(self->window), (gpointer *) &self->window);
    }
    return self->window;
}

/* ---- running in the background ---- */

static void leave_background(VireoApplication *self)
{
    if (!self->background)
        return;
    self->background = FALSE;
    g_application_withdraw_notification(G_APPLICATION(self), "background");
}

static void update_background(VireoApplication *self)
{
    if (!self->background)
        return;
    g_autoptr(GPtrArray) active = vireo_library_get_active(self->library);
    if (active->len == 0) {
        /* The last machine stopped: nothing keeps the application any more. */
        leave_background(self);
        if (self->window)
            gtk_window_destroy(GTK_WINDOW(self->window));
        return;
    }
    g_autoptr(GNotification) n = g_notification_new(_("Vireo is running in the background"));
    g_autofree char *body = NULL;
    if (active->len == 1)
        body = g_strdup_printf(_("“%s” keeps running."),
                               vireo_machine_get_name(g_ptr_array_index(active, 0)));
    else
        body = g_strdup_printf(g_dngettext(GETTEXT_PACKAGE, "%u machine keeps running.",
                                           "%u machines keep running.", active->len),
                               active->len);
    g_notification_set_body(n, body);
    g_notification_set_default_action(n, "app.show-window");
    g_notification_add_button(n, _("Show Vireo"), "app.show-window");
    g_notification_add_button(n, _("Power Off All"), "app.power-off-all");
    g_application_send_notification(G_APPLICATION(self), "background", n);
}

static void on_machine_stopped(VireoLibrary *library, VireoMachine *machine, const char *how,
                               gpointer data)
{
    update_background(data);
}

static void action_run_in_background(GSimpleAction *action, GVariant *param, gpointer data)
{
    VireoApplication *self = data;
    self->background = TRUE;
    update_background(self);
}

static void action_show_window(GSimpleAction *action, GVariant *param, gpointer data)
{
    VireoApplication *self = data;
    leave_background(self);
    gtk_window_present(GTK_WINDOW(vireo_application_get_window(self)));
}

static void action_power_off_all(GSimpleAction *action, GVariant *param, gpointer data)
{
    VireoApplication *self = data;
    g_autoptr(GPtrArray) active = vireo_library_get_active(self->library);
    for (guint i = 0; i < active->len; i++)
        vireo_machine_force_off(g_ptr_array_index(active, i));
}

/* ---- actions ---- */

static void action_quit(GSimpleAction *action, GVariant *param, gpointer data)
{
    VireoApplication *self = data;
    g_autoptr(GPtrArray) active = vireo_library_get_active(self->library);
    if (active->len && self->window) {
        /* The window asks what to do with them. */
        leave_background(self);
        gtk_window_present(GTK_WINDOW(self->window));
        gtk_window_close(GTK_WINDOW(self->window));
        return;
    }
    g_application_quit(G_APPLICATION(self));
}

static void action_about(GSimpleAction *action, GVariant *param, gpointer data)
{
    VireoApplication *self = data;
    static const char *developers[] = {"The Vireo developers", NULL};
    GtkWidget *about = adw_about_window_new();
    gtk_window_set_transient_for(GTK_WINDOW(about), GTK_WINDOW(vireo_application_get_window(self)));
    adw_about_window_set_application_name(ADW_ABOUT_WINDOW(about), _("Vireo"));
    adw_about_window_set_application_icon(ADW_ABOUT_WINDOW(about), VIREO_APP_ID);
    adw_about_window_set_version(ADW_ABOUT_WINDOW(about), VIREO_VERSION);
    adw_about_window_set_developer_name(ADW_ABOUT_WINDOW(about), _("The Vireo developers"));
    adw_about_window_set_developers(ADW_ABOUT_WINDOW(about), developers);
    /* "RISC-V 64" holds together on one line: a word joiner (U+2060) after its hyphen and
     * a no-break space (U+00A0) before 64. */
    adw_about_window_set_comments(ADW_ABOUT_WINDOW(about),
                                  _("Create and run virtual machines with an engine of its own: "
                                    "RISC-⁠V 64 guests on Vireo’s interpreter, with virtio "
                                    "devices."));
    adw_about_window_set_license_type(ADW_ABOUT_WINDOW(about), GTK_LICENSE_GPL_3_0);
    /* Translators: your names, one per line, to be credited in the About window. */
    adw_about_window_set_translator_credits(ADW_ABOUT_WINDOW(about), _("translator-credits"));
    gtk_window_present(GTK_WINDOW(about));
}

static void action_preferences(GSimpleAction *action, GVariant *param, gpointer data)
{
    VireoApplication *self = data;
    VireoPreferencesWindow *prefs = vireo_preferences_window_new(
        GTK_WINDOW(vireo_application_get_window(self)), vireo_library_get_dir(self->library));
    gtk_window_present(GTK_WINDOW(prefs));
}

static const GActionEntry app_actions[] = {
    {"quit", action_quit, NULL, NULL, NULL, {0}},
    {"about", action_about, NULL, NULL, NULL, {0}},
    {"preferences", action_preferences, NULL, NULL, NULL, {0}},
    {"show-window", action_show_window, NULL, NULL, NULL, {0}},
    {"run-in-background", action_run_in_background, NULL, NULL, NULL, {0}},
    {"power-off-all", action_power_off_all, NULL, NULL, NULL, {0}},
};

/* ---- GApplication ---- */

static void vireo_application_startup(GApplication *app)
{
    VireoApplication *self = VIREO_APPLICATION(app);
    static gsize registered;
    if (g_once_init_enter(&registered)) {
        vireo_register_resource();
        g_once_init_leave(&registered, 1);
    }
    G_APPLICATION_CLASS(vireo_application_parent_class)->startup(app);

    self->settings = open_settings();
    g_object_set_data(G_OBJECT(self), "vireo-settings", self->settings);
    g_autofree char *dir = vr_machines_dir();
    self->library = vireo_library_new(dir);
    g_signal_connect_object(self->library, "machine-stopped", G_CALLBACK(on_machine_stopped), self,
                            0);

    g_autoptr(GtkCssProvider) css = gtk_css_provider_new();
    gtk_css_provider_load_from_resource(css, "/org/vireo/Vireo/style.css");
    gtk_style_context_add_provider_for_display(gdk_display_get_default(), GTK_STYLE_PROVIDER(css),
                                               GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
    gtk_window_set_default_icon_name(VIREO_APP_ID);

    g_action_map_add_action_entries(G_ACTION_MAP(self), app_actions, G_N_ELEMENTS(app_actions),
                                    self);
    /* The window sets the keyboard shortcuts: they differ between the library and a
     * machine's console. */
}

static void vireo_application_activate(GApplication *app)
{
    VireoApplication *self = VIREO_APPLICATION(app);
    leave_background(self);
    gtk_window_present(GTK_WINDOW(vireo_application_get_window(self)));
}

typedef struct {
    VireoWindow *window;
    VireoMachine *machine;
    gboolean start;
} OpenRequest;

static void open_request_run(OpenRequest *req)
{
    vireo_window_open_machine(req->window, req->machine);
    if (req->start)
        vireo_window_start_machine(req->window, req->machine);
    g_object_unref(req->window);
    g_object_unref(req->machine);
    g_free(req);
}

static void open_request_on_map(OpenRequest *req, GtkWidget *window)
{
    g_signal_handlers_disconnect_by_data(window, req);
    open_request_run(req);
}

static int vireo_application_command_line(GApplication *app, GApplicationCommandLine *cmdline)
{
    VireoApplication *self = VIREO_APPLICATION(app);
    GVariantDict *options = g_application_command_line_get_options_dict(cmdline);
    g_application_activate(app);
    VireoWindow *window = vireo_application_get_window(self);

    const char *machine = NULL;
    gboolean start = FALSE;
    g_variant_dict_lookup(options, "machine", "&s", &machine);
    g_variant_dict_lookup(options, "start", "b", &start);
    if (machine) {
        g_autoptr(GError) error = NULL;
        g_autofree char *ini = vr_machine_config_find(machine, &error);
        g_autofree char *folder = ini ? g_path_get_dirname(ini) : NULL;
        VireoMachine *m = NULL;
        if (folder) {
            vireo_library_reload(self->library);
            m = vireo_library_find(self->library, folder);
            if (!m)
                m = vireo_library_add(self->library, folder);
        }
        if (!m) {
            g_application_command_line_printerr(cmdline, "vireo: %s\n", error->message);
            return VIREO_EXIT_USAGE;
        }
        /* The page opens once the window is on screen: GTK 4.8 warns when a window's
         * accelerators change before it is mapped. */
        OpenRequest *req = g_new0(OpenRequest, 1);
        req->window = g_object_ref(window);
        req->machine = g_object_ref(m);
        req->start = start;
        if (gtk_widget_get_mapped(GTK_WIDGET(window)))
            open_request_run(req);
        else
            g_signal_connect_data(window, "map", G_CALLBACK(open_request_on_map), req, NULL,
                                  G_CONNECT_SWAPPED);
    }

    g_autofree const char **files = NULL;
    if (g_variant_dict_lookup(options, G_OPTION_REMAINING, "^a&ay", &files)) {
        for (unsigned i = 0; files[i]; i++) {
            g_autoptr(GFile) file =
                g_application_command_line_create_file_for_arg(cmdline, files[i]);
            vireo_window_open_file(window, file);
            break; /* one assistant at a time */
        }
    }
    return VIREO_EXIT_OK;
}

static void vireo_application_shutdown(GApplication *app)
{
    VireoApplication *self = VIREO_APPLICATION(app);
    if (self->library)
        vireo_library_shutdown(self->library);
    G_APPLICATION_CLASS(vireo_application_parent_class)->shutdown(app);
}

static void vireo_application_dispose(GObject *object)
{
    VireoApplication *self = VIREO_APPLICATION(object);
    g_clear_object(&self->library);
    g_clear_object(&self->settings);
    G_OBJECT_CLASS(vireo_application_parent_class)->dispose(object);
}

static void vireo_application_class_init(VireoApplicationClass *klass)
{
    GApplicationClass *app_class = G_APPLICATION_CLASS(klass);
    G_OBJECT_CLASS(klass)->dispose = vireo_application_dispose;
    app_class->startup = vireo_application_startup;
    app_class->activate = vireo_application_activate;
    app_class->command_line = vireo_application_command_line;
    app_class->shutdown = vireo_application_shutdown;
}

static void vireo_application_init(VireoApplication *self)
{
    static const GOptionEntry options[] = {
        {"machine", 'm', 0, G_OPTION_ARG_STRING, NULL, N_("Open this machine of the library"),
         N_("NAME")},
        {"start", 's', 0, G_OPTION_ARG_NONE, NULL, N_("Start the machine given with --machine"),
         NULL},
        {G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_FILENAME_ARRAY, NULL, NULL, N_("[IMAGE…]")},
        {NULL},
    };
    g_application_add_main_option_entries(G_APPLICATION(self), options);
    g_application_set_option_context_summary(
        G_APPLICATION(self),
        _("Opens the Vireo window; an image file given opens the new-machine assistant.\n"
          "Other commands: vireo run, vireo create, vireo list (see vireo help)."));
}

VireoApplication *vireo_application_new(GApplicationFlags extra_flags)
{
    return g_object_new(VIREO_TYPE_APPLICATION, "application-id", VIREO_APP_ID, "flags",
                        G_APPLICATION_HANDLES_COMMAND_LINE | extra_flags, NULL);
}

int vireo_gui_main(int argc, char **argv)
{
    if (!gtk_init_check()) {
        g_printerr(_("vireo: there is no display to open the window on (is this a desktop "
                     "session?).\nOn a terminal, “vireo run MACHINE” runs a machine and “vireo "
                     "list” lists them.\n"));
        return VIREO_EXIT_FAILED;
    }
    g_set_application_name(_("Vireo"));
    g_autoptr(VireoApplication) app = vireo_application_new(G_APPLICATION_DEFAULT_FLAGS);
    return g_application_run(G_APPLICATION(app), argc, argv);
}
