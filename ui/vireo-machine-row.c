/* VireoMachineRow: a machine in the library list. */
#include <glib/gi18n.h>

#include "vireo-machine-row.h"
#include "vireo-window.h"

struct _VireoMachineRow {
    GtkListBoxRow parent_instance;
    VireoMachine *machine;

    GtkStack *thumbnail_stack;
    GtkPicture *thumbnail;
    GtkLabel *name_label;
    GtkLabel *description_label;
    GtkLabel *problem_label;
    GtkLabel *state_label;
    GtkWidget *start_button;
    GtkWidget *pause_button;
    GtkWidget *resume_button;
};

G_DEFINE_FINAL_TYPE(VireoMachineRow, vireo_machine_row, GTK_TYPE_LIST_BOX_ROW)

VireoMachine *vireo_machine_row_get_machine(VireoMachineRow *self)
{
    return self->machine;
}

static void update(VireoMachineRow *self)
{
    VireoMachine *m = self->machine;
    VireoMachineState state = vireo_machine_get_state(m);
    const char *problem = vireo_machine_get_problem(m);
    gboolean active = vireo_machine_is_active(m);
    gboolean broken = problem && !active;

    gtk_label_set_text(self->name_label, vireo_machine_get_name(m));
    g_autofree char *description = vireo_machine_describe(m);
    gtk_label_set_text(self->description_label, description);
    gtk_label_set_text(self->problem_label, problem ? problem : "");
    gtk_widget_set_visible(GTK_WIDGET(self->problem_label), broken);

    GtkWidget *badge = GTK_WIDGET(self->state_label);
    gtk_widget_remove_css_class(badge, "running");
    gtk_widget_remove_css_class(badge, "paused");
    gtk_widget_remove_css_class(badge, "problem");
    gtk_widget_remove_css_class(badge, "saved");
    if (broken) {
        gtk_label_set_text(self->state_label,
                           vireo_machine_get_problem_kind(m) == VR_PROBLEM_MISSING_FILE
                               ? _("File Missing")
                               : _("Damaged"));
        gtk_widget_add_css_class(badge, "problem");
    } else {
        gtk_label_set_text(self->state_label, vireo_machine_get_state_label(m));
        if (state == VIREO_MACHINE_RUNNING || state == VIREO_MACHINE_STARTING)
            gtk_widget_add_css_class(badge, "running");
        else if (state == VIREO_MACHINE_PAUSED && !vireo_machine_is_saving(m))
            gtk_widget_add_css_class(badge, "paused");
        else if (vireo_machine_is_saving(m) ||
                 (state == VIREO_MACHINE_OFF && vireo_machine_has_saved_state(m)))
            gtk_widget_add_css_class(badge, "saved");
    }

    gtk_widget_set_visible(self->start_button,
                           state == VIREO_MACHINE_OFF || state == VIREO_MACHINE_STARTING);
    gtk_widget_set_visible(self->pause_button, state == VIREO_MACHINE_RUNNING);
    gtk_widget_set_visible(self->resume_button, state == VIREO_MACHINE_PAUSED);

    GtkWidget *w = GTK_WIDGET(self);
    gtk_widget_action_set_enabled(w, "row.start", state == VIREO_MACHINE_OFF && !problem);
    gboolean saving = vireo_machine_is_saving(m);
    gtk_widget_action_set_enabled(w, "row.pause", state == VIREO_MACHINE_RUNNING && !saving);
    gtk_widget_action_set_enabled(w, "row.resume", state == VIREO_MACHINE_PAUSED && !saving);
    gboolean busy = FALSE;
    g_object_get(m, "busy", &busy, NULL);
    gtk_widget_action_set_enabled(
        w, "row.reset", (state == VIREO_MACHINE_RUNNING || state == VIREO_MACHINE_PAUSED) && !busy);
    gtk_widget_action_set_enabled(w, "row.shut-down", state == VIREO_MACHINE_RUNNING && !busy);
    gtk_widget_action_set_enabled(w, "row.force-off",
                                  state == VIREO_MACHINE_RUNNING || state == VIREO_MACHINE_PAUSED);
    gtk_widget_action_set_enabled(w, "row.settings", vireo_machine_get_entry(m)->cfg_loaded);
    gboolean saved = vireo_machine_has_saved_state(m);
    gtk_widget_action_set_enabled(
        w, "row.save-state",
        (state == VIREO_MACHINE_RUNNING || state == VIREO_MACHINE_PAUSED) && !busy);
    gtk_widget_action_set_enabled(w, "row.discard-state", saved && state == VIREO_MACHINE_OFF);
    /* A saved state names the folder's disks by their paths. */
    gtk_widget_action_set_enabled(w, "row.rename",
                                  !active && !saved && vireo_machine_get_entry(m)->cfg_loaded);
    gtk_widget_action_set_enabled(w, "row.duplicate", !active);
    gtk_widget_action_set_enabled(w, "row.delete", !active);

    GdkTexture *texture = vireo_machine_get_thumbnail(m);
    gtk_picture_set_paintable(self->thumbnail, GDK_PAINTABLE(texture));
    gtk_stack_set_visible_child_name(self->thumbnail_stack, texture ? "picture" : "icon");

    g_autofree char *a11y = g_strdup_printf("%s, %s, %s", vireo_machine_get_name(m), description,
                                            gtk_label_get_text(self->state_label));
    gtk_accessible_update_property(GTK_ACCESSIBLE(self), GTK_ACCESSIBLE_PROPERTY_LABEL, a11y, -1);
}

static void on_notify(GObject *object, GParamSpec *pspec, gpointer data)
{
    update(data);
}

static VireoWindow *window_of(GtkWidget *widget)
{
    GtkRoot *root = gtk_widget_get_root(widget);
    return VIREO_IS_WINDOW(root) ? VIREO_WINDOW(root) : NULL;
}

static void row_action(GtkWidget *widget, const char *name, GVariant *param)
{
    VireoMachineRow *self = VIREO_MACHINE_ROW(widget);
    VireoWindow *window = window_of(widget);
    VireoMachine *m = self->machine;
    if (!window)
        return;
    if (g_str_equal(name, "row.open"))
        vireo_window_open_machine(window, m);
    else if (g_str_equal(name, "row.start"))
        vireo_window_start_machine(window, m);
    else if (g_str_equal(name, "row.pause"))
        vireo_machine_pause(m);
    else if (g_str_equal(name, "row.resume"))
        vireo_machine_resume(m);
    else if (g_str_equal(name, "row.reset"))
        vireo_machine_reset(m);
    else if (g_str_equal(name, "row.shut-down"))
        vireo_window_shut_down_machine(window, m);
    else if (g_str_equal(name, "row.force-off"))
        vireo_window_confirm_force_off(window, m);
    else if (g_str_equal(name, "row.save-state"))
        vireo_machine_save_state_and_quit(m);
    else if (g_str_equal(name, "row.discard-state")) {
        g_autoptr(GError) error = NULL;
        if (!vireo_machine_discard_saved_state(m, &error))
            vireo_window_toast(window, error->message);
    } else if (g_str_equal(name, "row.settings"))
        vireo_window_open_settings(window, m);
    else if (g_str_equal(name, "row.rename"))
        vireo_window_rename_machine(window, m);
    else if (g_str_equal(name, "row.duplicate"))
        vireo_window_duplicate_machine(window, m);
    else if (g_str_equal(name, "row.delete"))
        vireo_window_confirm_delete(window, m);
}

VireoMachineRow *vireo_machine_row_new(VireoMachine *machine)
{
    VireoMachineRow *self = g_object_new(VIREO_TYPE_MACHINE_ROW, NULL);
    self->machine = g_object_ref(machine);
    g_signal_connect_object(machine, "notify", G_CALLBACK(on_notify), self, 0);
    update(self);
    return self;
}

static void vireo_machine_row_dispose(GObject *object)
{
    VireoMachineRow *self = VIREO_MACHINE_ROW(object);
    g_clear_object(&self->machine);
    gtk_widget_dispose_template(GTK_WIDGET(self), VIREO_TYPE_MACHINE_ROW);
    G_OBJECT_CLASS(vireo_machine_row_parent_class)->dispose(object);
}

static void vireo_machine_row_class_init(VireoMachineRowClass *klass)
{
    GObjectClass *object_class = G_OBJECT_CLASS(klass);
    GtkWidgetClass *widget_class = GTK_WIDGET_CLASS(klass);
    object_class->dispose = vireo_machine_row_dispose;

    gtk_widget_class_set_template_from_resource(widget_class,
                                                "/org/vireo/Vireo/ui/vireo-machine-row.ui");
    gtk_widget_class_bind_template_child(widget_class, VireoMachineRow, thumbnail_stack);
    gtk_widget_class_bind_template_child(widget_class, VireoMachineRow, thumbnail);
    gtk_widget_class_bind_template_child(widget_class, VireoMachineRow, name_label);
    gtk_widget_class_bind_template_child(widget_class, VireoMachineRow, description_label);
    gtk_widget_class_bind_template_child(widget_class, VireoMachineRow, problem_label);
    gtk_widget_class_bind_template_child(widget_class, VireoMachineRow, state_label);
    gtk_widget_class_bind_template_child(widget_class, VireoMachineRow, start_button);
    gtk_widget_class_bind_template_child(widget_class, VireoMachineRow, pause_button);
    gtk_widget_class_bind_template_child(widget_class, VireoMachineRow, resume_button);

    static const char *const actions[] = {
        "row.open",       "row.start",         "row.pause",    "row.resume",    "row.reset",
        "row.force-off",  "row.settings",      "row.rename",   "row.duplicate", "row.delete",
        "row.save-state", "row.discard-state", "row.shut-down"};
    for (unsigned i = 0; i < G_N_ELEMENTS(actions); i++)
        gtk_widget_class_install_action(widget_class, actions[i], NULL, row_action);
}

static void vireo_machine_row_init(VireoMachineRow *self)
{
    gtk_widget_init_template(GTK_WIDGET(self));
}
