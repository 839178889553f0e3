/* VireoWindow: the library, a machine's page, drag and drop, and the dialogs of the
 * library's operations (delete with undo, rename, duplicate). */
#include <glib/gi18n.h>
#include <string.h>

#include "vireo-assistant.h"
#include "vireo-machine-page.h"
#include "vireo-machine-row.h"
#include "vireo-machine-settings.h"
#include "vireo-util.h"
#include "vireo-window.h"

struct _VireoWindow {
    AdwApplicationWindow parent_instance;

    VireoLibrary *library;
    GtkFilterListModel *filtered;
    GtkStringFilter *filter;
    gboolean close_confirmed;
    GPtrArray *closing_saves; /* machines saving their state before the window closes */
    AdwToast *info_toast;     /* the news toast while it shows (not owned) */
    guint gone_check;         /* looks whether the open machine left the library */

    AdwToastOverlay *toast_overlay;
    GtkStack *main_stack;
    AdwWindowTitle *library_title;
    GtkToggleButton *search_button;
    GtkSearchBar *search_bar;
    GtkSearchEntry *search_entry;
    GtkStack *library_stack;
    GtkListBox *machine_list;
    VireoMachinePage *machine_page;
    GtkWidget *drop_highlight;
};

G_DEFINE_FINAL_TYPE(VireoWindow, vireo_window, ADW_TYPE_APPLICATION_WINDOW)

VireoLibrary *vireo_window_get_library(VireoWindow *self)
{
    return self->library;
}

VireoMachinePage *vireo_window_get_machine_page(VireoWindow *self)
{
    return self->machine_page;
}

/* ---- toasts ---- */

void vireo_window_add_toast(VireoWindow *self, AdwToast *toast)
{
    adw_toast_overlay_add_toast(self->toast_overlay, toast);
}

static void on_info_toast_dismissed(AdwToast *toast, gpointer data)
{
    VireoWindow *self = data;
    if (self->info_toast == toast)
        self->info_toast = NULL;
}

/* A text shown in full, selectable (a command in it can be copied). */
static GtkWidget *selectable_label(const char *text, gboolean monospace)
{
    GtkWidget *label = gtk_label_new(text);
    gtk_label_set_wrap(GTK_LABEL(label), TRUE);
    gtk_label_set_wrap_mode(GTK_LABEL(label), PANGO_WRAP_WORD_CHAR);
    gtk_label_set_selectable(GTK_LABEL(label), TRUE);
    gtk_label_set_xalign(GTK_LABEL(label), 0);
    gtk_widget_set_name(label, "details_label");
    if (monospace)
        gtk_widget_add_css_class(label, "monospace");
    return label;
}

/* A dialog that shows all of a long message: body (may be NULL), then text in a
 * selectable label. */
static GtkWidget *show_details(VireoWindow *self, const char *heading, const char *body,
                               const char *text, gboolean monospace)
{
    GtkWidget *dialog = adw_message_dialog_new(GTK_WINDOW(self), heading, body);
    adw_message_dialog_add_response(ADW_MESSAGE_DIALOG(dialog), "close", _("_Close"));
    adw_message_dialog_set_default_response(ADW_MESSAGE_DIALOG(dialog), "close");
    adw_message_dialog_set_close_response(ADW_MESSAGE_DIALOG(dialog), "close");
    adw_message_dialog_set_extra_child(ADW_MESSAGE_DIALOG(dialog),
                                       selectable_label(text, monospace));
    gtk_window_present(GTK_WINDOW(dialog));
    return dialog;
}

static void on_details_clicked(AdwToast *toast, gpointer data)
{
    const char *details = g_object_get_data(G_OBJECT(toast), "details");
    if (details)
        show_details(data, g_object_get_data(G_OBJECT(toast), "summary"), NULL, details, FALSE);
}

/* A toast shows about this many characters before it cuts the rest off. */
#define TOAST_MAX_CHARS 56

/* The start of a long text that fits a toast: up to its first ": " (“Echo” could not
 * start: …), else whole words and an ellipsis. */
static char *summarize(const char *text)
{
    const char *colon = strstr(text, ": ");
    if (colon && g_utf8_strlen(text, colon - text) <= TOAST_MAX_CHARS)
        return g_strndup(text, (gsize) (colon - text));
    const char *cut = g_utf8_offset_to_pointer(text, TOAST_MAX_CHARS - 1);
    const char *space = cut;
    while (space > text && *space != ' ')
        space--;
    if (space > text)
        cut = space;
    g_autofree char *start = g_strndup(text, (gsize) (cut - text));
    return g_strconcat(start, "…", NULL);
}

/* News (a machine stopped, a file was refused) goes to one toast, updated in place, so the
 * newest never waits behind stale ones. (Dismissing several toasts in a row, or a
 * high-priority toast, trips libadwaita 1.2's toast animations.) A text too long for a
 * toast gets a toast of its start, and its Details button shows all of it. */
void vireo_window_toast(VireoWindow *self, const char *text)
{
    gboolean long_text = g_utf8_strlen(text, -1) > TOAST_MAX_CHARS;
    g_autofree char *summary = long_text ? summarize(text) : g_strdup(text);
    /* A toast's title is markup. */
    g_autofree char *escaped = g_markup_escape_text(summary, -1);
    AdwToast *toast = self->info_toast;
    gboolean fresh = !toast;
    if (fresh) {
        toast = adw_toast_new(escaped);
        self->info_toast = toast;
        g_signal_connect_object(toast, "dismissed", G_CALLBACK(on_info_toast_dismissed), self, 0);
        g_signal_connect_object(toast, "button-clicked", G_CALLBACK(on_details_clicked), self, 0);
    }
    adw_toast_set_title(toast, escaped);
    adw_toast_set_timeout(toast, long_text ? 10 : 5);
    adw_toast_set_button_label(toast, long_text ? _("_Details") : NULL);
    g_object_set_data_full(G_OBJECT(toast), "summary", long_text ? g_strdup(summary) : NULL,
                           g_free);
    g_object_set_data_full(G_OBJECT(toast), "details", long_text ? g_strdup(text) : NULL, g_free);
    if (fresh)
        vireo_window_add_toast(self, toast);
    else /* Shown already: its timeout starts again. */
        adw_toast_overlay_add_toast(self->toast_overlay, g_object_ref(toast));
}

/* ---- the library ---- */

static void update_library_state(VireoWindow *self)
{
    guint total = g_list_model_get_n_items(vireo_library_get_model(self->library));
    guint shown = g_list_model_get_n_items(G_LIST_MODEL(self->filtered));
    const char *page = total == 0 ? "empty" : shown == 0 ? "no-results" : "list";
    gtk_stack_set_visible_child_name(self->library_stack, page);
    g_autofree char *subtitle =
        total ? g_strdup_printf(g_dngettext(GETTEXT_PACKAGE, "%u machine", "%u machines", total),
                                total)
              : g_strdup("");
    adw_window_title_set_subtitle(self->library_title, subtitle);
    gtk_widget_set_sensitive(GTK_WIDGET(self->search_button), total > 0);
}

static void on_items_changed(GListModel *model, guint position, guint removed, guint added,
                             gpointer data)
{
    update_library_state(data);
}

/* The machine on screen left the library (another program removed its folder): its page
 * goes too. Looked at once the library settled (a rename takes a machine out and puts it
 * back). */
static gboolean check_gone(gpointer data)
{
    VireoWindow *self = data;
    self->gone_check = 0;
    VireoMachine *machine = vireo_machine_page_get_machine(self->machine_page);
    guint position;
    if (!machine || g_strcmp0(gtk_stack_get_visible_child_name(self->main_stack), "machine") != 0 ||
        g_list_store_find(G_LIST_STORE(vireo_library_get_model(self->library)), machine, &position))
        return G_SOURCE_REMOVE;
    g_autofree char *text =
        g_strdup_printf(_("“%s” is gone: its folder was removed"), vireo_machine_get_name(machine));
    vireo_window_show_library(self);
    vireo_machine_page_forget(self->machine_page, machine);
    vireo_window_toast(self, text);
    return G_SOURCE_REMOVE;
}

static void on_library_changed(GListModel *model, guint position, guint removed, guint added,
                               gpointer data)
{
    VireoWindow *self = data;
    if (removed && !self->gone_check)
        self->gone_check = g_idle_add(check_gone, self);
}

static GtkWidget *create_row(gpointer item, gpointer data)
{
    return GTK_WIDGET(vireo_machine_row_new(VIREO_MACHINE(item)));
}

static void on_row_activated(GtkListBox *list, GtkListBoxRow *row, gpointer data)
{
    vireo_window_open_machine(data, vireo_machine_row_get_machine(VIREO_MACHINE_ROW(row)));
}

static void on_search_changed(GtkSearchEntry *entry, gpointer data)
{
    VireoWindow *self = data;
    gtk_string_filter_set_search(self->filter, gtk_editable_get_text(GTK_EDITABLE(entry)));
}

static void on_stop_search(GtkSearchEntry *entry, gpointer data)
{
    VireoWindow *self = data;
    gtk_editable_set_text(GTK_EDITABLE(entry), "");
    gtk_search_bar_set_search_mode(self->search_bar, FALSE);
}

/* On a machine's page the keyboard belongs to the guest: the application's Ctrl shortcuts
 * (Ctrl+N, Ctrl+F, Ctrl+W, Ctrl+Q, Ctrl+,) would take keys a shell needs, so there they
 * move to Ctrl+Shift. (An empty accelerator list would do as well, but GTK 4.8 warns when
 * one is set.) */
static void set_accels(VireoWindow *self, gboolean console)
{
    GtkApplication *app = gtk_window_get_application(GTK_WINDOW(self));
    if (!app)
        return;
    static const struct {
        const char *action;
        const char *library;
        const char *console;
    } accels[] = {
        {"win.new-machine", "<Primary>n", "<Primary><Shift>n"},
        {"win.search", "<Primary>f", "<Primary><Shift>f"},
        {"app.preferences", "<Primary>comma", "<Primary><Shift>comma"},
        {"window.close", "<Primary>w", "<Primary><Shift>w"},
        {"app.quit", "<Primary>q", "<Primary><Shift>q"},
    };
    for (unsigned i = 0; i < G_N_ELEMENTS(accels); i++) {
        const char *list[] = {console ? accels[i].console : accels[i].library, NULL};
        gtk_application_set_accels_for_action(app, accels[i].action, list);
    }
}

void vireo_window_show_library(VireoWindow *self)
{
    set_accels(self, FALSE);
    vireo_machine_page_leave(self->machine_page);
    gtk_stack_set_visible_child_name(self->main_stack, "library");
    /* Typing in the library searches; on a machine's page it goes to the guest. */
    gtk_search_bar_set_key_capture_widget(self->search_bar, GTK_WIDGET(self));
    gtk_widget_action_set_enabled(GTK_WIDGET(self), "win.search", TRUE);
    gtk_widget_action_set_enabled(GTK_WIDGET(self), "win.back", FALSE);
}

void vireo_window_open_machine(VireoWindow *self, VireoMachine *machine)
{
    set_accels(self, TRUE);
    gtk_search_bar_set_key_capture_widget(self->search_bar, NULL);
    vireo_machine_page_set_machine(self->machine_page, machine);
    gtk_stack_set_visible_child_name(self->main_stack, "machine");
    gtk_widget_action_set_enabled(GTK_WIDGET(self), "win.search", FALSE);
    gtk_widget_action_set_enabled(GTK_WIDGET(self), "win.back", TRUE);
    vireo_machine_page_focus_console(self->machine_page);
}

/* ---- machines ---- */

void vireo_window_start_machine(VireoWindow *self, VireoMachine *machine)
{
    g_autoptr(GError) error = NULL;
    if (!vireo_machine_start(machine, &error))
        vireo_window_toast(self, error->message);
}

VireoMachineSettings *vireo_window_open_settings(VireoWindow *self, VireoMachine *machine)
{
    VireoMachineSettings *settings =
        vireo_machine_settings_new(GTK_WINDOW(self), self->library, machine);
    gtk_window_present(GTK_WINDOW(settings));
    return settings;
}

static void on_assistant_created(VireoAssistant *assistant, VireoMachine *machine, gpointer data)
{
    VireoWindow *self = data;
    /* A machine made to install from a CD starts its installer at once. */
    const VrMachineConfig *cfg = vireo_machine_get_config(machine);
    gboolean installer = FALSE;
    for (guint i = 0; cfg->disks && i < cfg->disks->len; i++) {
        const VrDiskConfig *d = &g_array_index(cfg->disks, VrDiskConfig, i);
        installer |= d->cdrom && d->path && d->eject_on_reboot;
    }
    g_autofree char *text =
        installer ? g_strdup_printf(_("“%s” created; its installer is starting"),
                                    vireo_machine_get_name(machine))
                  : g_strdup_printf(_("“%s” created"), vireo_machine_get_name(machine));
    vireo_window_toast(self, text);
    vireo_window_open_machine(self, machine);
    if (installer)
        vireo_window_start_machine(self, machine);
}

VireoAssistant *vireo_window_new_machine(VireoWindow *self)
{
    VireoAssistant *assistant = vireo_assistant_new(GTK_WINDOW(self), self->library);
    g_signal_connect_object(assistant, "created", G_CALLBACK(on_assistant_created), self, 0);
    gtk_window_present(GTK_WINDOW(assistant));
    return assistant;
}

VireoAssistant *vireo_window_open_file(VireoWindow *self, GFile *file)
{
    g_autofree char *path = g_file_get_path(file);
    g_autofree char *name = g_file_get_basename(file);
    if (!path) {
        g_autofree char *text = g_strdup_printf(_("“%s” is not a local file"), name);
        vireo_window_toast(self, text);
        return NULL;
    }
    g_autoptr(GError) error = NULL;
    VrImageKind kind = vr_image_probe(path, &error);
    if (kind == VR_IMAGE_QCOW2) {
        g_autofree char *body = g_strdup_printf(
            _("“%s” is a qcow2 image, which Vireo cannot use yet. This command converts it to a "
              "raw image, which Vireo can use:"),
            name);
        g_autofree char *stem = g_str_has_suffix(path, ".qcow2")
                                    ? g_strndup(path, strlen(path) - strlen(".qcow2"))
                                    : g_strdup(path);
        g_autofree char *raw = g_strconcat(stem, ".img", NULL);
        g_autofree char *quoted_in = g_shell_quote(path);
        g_autofree char *quoted_out = g_shell_quote(raw);
        g_autofree char *command =
            g_strdup_printf("qemu-img convert -O raw %s %s", quoted_in, quoted_out);
        show_details(self, _("Convert the Image First"), body, command, TRUE);
        return NULL;
    }
    if (kind == VR_IMAGE_UNKNOWN) {
        g_autofree char *text =
            g_strdup_printf(_("“%s” is not an ISO image, a disk image or a kernel"), name);
        vireo_window_toast(self, text);
        return NULL;
    }
    VireoAssistant *assistant = vireo_window_new_machine(self);
    vireo_assistant_set_file(assistant, file);
    return assistant;
}

static void on_delete_undo(AdwToast *toast, gpointer data)
{
    VireoWindow *self = data;
    const char *staged = g_object_get_data(G_OBJECT(toast), "staged");
    g_autoptr(GError) error = NULL;
    VireoMachine *machine = vireo_library_restore(self->library, staged, &error);
    g_object_set_data(G_OBJECT(toast), "restored", GINT_TO_POINTER(1));
    if (!machine)
        vireo_window_toast(self, error->message);
}

static gboolean purge_unless_restored(gpointer data)
{
    AdwToast *toast = data;
    VireoLibrary *library = g_object_get_data(G_OBJECT(toast), "library");
    if (!g_object_get_data(G_OBJECT(toast), "restored"))
        vireo_library_purge(library, g_object_get_data(G_OBJECT(toast), "staged"));
    return G_SOURCE_REMOVE;
}

static void on_delete_toast_dismissed(AdwToast *toast, gpointer data)
{
    /* The toast goes away both on its own and after its Undo button (which libadwaita
     * reports after "dismissed"): decide once the click, if any, is in. */
    g_idle_add_full(G_PRIORITY_DEFAULT_IDLE, purge_unless_restored, g_object_ref(toast),
                    g_object_unref);
}

void vireo_window_delete_machine(VireoWindow *self, VireoMachine *machine)
{
    g_autoptr(VireoMachine) keep = g_object_ref(machine);
    g_autofree char *name = g_strdup(vireo_machine_get_name(machine));
    g_autoptr(GError) error = NULL;
    if (vireo_machine_page_get_machine(self->machine_page) == machine)
        vireo_window_show_library(self);
    char *staged = vireo_library_delete(self->library, machine, &error);
    if (!staged) {
        vireo_window_toast(self, error->message);
        return;
    }
    vireo_machine_page_forget(self->machine_page, machine);
    g_autofree char *escaped = g_markup_escape_text(name, -1);
    g_autofree char *title = g_strdup_printf(_("“%s” deleted"), escaped);
    AdwToast *toast = adw_toast_new(title);
    adw_toast_set_button_label(toast, _("_Undo"));
    adw_toast_set_timeout(toast, 10);
    g_object_set_data_full(G_OBJECT(toast), "staged", staged, g_free);
    g_object_set_data_full(G_OBJECT(toast), "library", g_object_ref(self->library), g_object_unref);
    g_signal_connect_object(toast, "button-clicked", G_CALLBACK(on_delete_undo), self, 0);
    g_signal_connect_object(toast, "dismissed", G_CALLBACK(on_delete_toast_dismissed), self, 0);
    /* The undo comes first: the news toast makes way. */
    if (self->info_toast)
        adw_toast_dismiss(self->info_toast);
    vireo_window_add_toast(self, toast);
}

static void on_delete_response(AdwMessageDialog *dialog, const char *response, gpointer data)
{
    VireoWindow *self = data;
    VireoMachine *machine = g_object_get_data(G_OBJECT(dialog), "machine");
    if (g_strcmp0(response, "delete") == 0)
        vireo_window_delete_machine(self, machine);
}

void vireo_window_confirm_delete(VireoWindow *self, VireoMachine *machine)
{
    if (vireo_machine_is_active(machine)) {
        g_autofree char *text = g_strdup_printf(
            _("“%s” is running; turn it off before deleting it"), vireo_machine_get_name(machine));
        vireo_window_toast(self, text);
        return;
    }
    g_autofree char *heading = g_strdup_printf(_("Delete “%s”?"), vireo_machine_get_name(machine));
    GtkWidget *dialog = adw_message_dialog_new(
        GTK_WINDOW(self), heading,
        _("Its settings and the disk images in its folder are deleted. Files it uses from "
          "elsewhere are kept."));
    adw_message_dialog_add_responses(ADW_MESSAGE_DIALOG(dialog), "cancel", _("_Cancel"), "delete",
                                     _("_Delete"), NULL);
    adw_message_dialog_set_response_appearance(ADW_MESSAGE_DIALOG(dialog), "delete",
                                               ADW_RESPONSE_DESTRUCTIVE);
    adw_message_dialog_set_default_response(ADW_MESSAGE_DIALOG(dialog), "cancel");
    adw_message_dialog_set_close_response(ADW_MESSAGE_DIALOG(dialog), "cancel");
    g_object_set_data_full(G_OBJECT(dialog), "machine", g_object_ref(machine), g_object_unref);
    g_signal_connect_object(dialog, "response", G_CALLBACK(on_delete_response), self, 0);
    gtk_window_present(GTK_WINDOW(dialog));
}

static void on_force_off_response(AdwMessageDialog *dialog, const char *response, gpointer data)
{
    VireoMachine *machine = g_object_get_data(G_OBJECT(dialog), "machine");
    if (g_strcmp0(response, "force-off") == 0)
        vireo_machine_force_off(machine);
}

/* Asks whether to pull the plug on machine. */
static void ask_force_off(VireoWindow *self, VireoMachine *machine, const char *heading,
                          const char *body)
{
    GtkWidget *dialog = adw_message_dialog_new(GTK_WINDOW(self), heading, body);
    adw_message_dialog_add_responses(ADW_MESSAGE_DIALOG(dialog), "cancel", _("_Cancel"),
                                     "force-off", _("_Force Off"), NULL);
    adw_message_dialog_set_response_appearance(ADW_MESSAGE_DIALOG(dialog), "force-off",
                                               ADW_RESPONSE_DESTRUCTIVE);
    adw_message_dialog_set_default_response(ADW_MESSAGE_DIALOG(dialog), "cancel");
    adw_message_dialog_set_close_response(ADW_MESSAGE_DIALOG(dialog), "cancel");
    g_object_set_data_full(G_OBJECT(dialog), "machine", g_object_ref(machine), g_object_unref);
    g_signal_connect(dialog, "response", G_CALLBACK(on_force_off_response), NULL);
    gtk_window_present(GTK_WINDOW(dialog));
}

void vireo_window_confirm_force_off(VireoWindow *self, VireoMachine *machine)
{
    g_autofree char *heading =
        g_strdup_printf(_("Force Off “%s”?"), vireo_machine_get_name(machine));
    ask_force_off(self, machine, heading,
                  _("Unsaved work in the guest is lost, like pulling the plug."));
}

void vireo_window_shut_down_machine(VireoWindow *self, VireoMachine *machine)
{
    g_autoptr(GError) error = NULL;
    if (vireo_machine_request_shutdown(machine, &error))
        return;
    g_autofree char *body = g_strdup_printf(
        "%s.\n\n%s", error->message,
        _("Force Off stops it at once: unsaved work in the guest is lost, like pulling the "
          "plug."));
    ask_force_off(self, machine, _("The Guest Did Not Answer"), body);
}

/* The rename dialog: an entry whose text is checked as it is typed. */
static void rename_check(GtkEditable *entry, gpointer data)
{
    AdwMessageDialog *dialog = data;
    VireoWindow *self = g_object_get_data(G_OBJECT(dialog), "window");
    VireoMachine *machine = g_object_get_data(G_OBJECT(dialog), "machine");
    GtkLabel *error_label = g_object_get_data(G_OBJECT(dialog), "error-label");
    g_autoptr(GError) error = NULL;
    const char *text = gtk_editable_get_text(entry);
    gboolean ok = vireo_library_check_new_name(self->library, machine, text, &error);
    gtk_label_set_text(error_label, ok ? "" : error->message);
    gtk_widget_set_visible(GTK_WIDGET(error_label), !ok);
    if (ok)
        gtk_widget_remove_css_class(GTK_WIDGET(entry), "error");
    else
        gtk_widget_add_css_class(GTK_WIDGET(entry), "error");
    adw_message_dialog_set_response_enabled(dialog, "rename", ok);
}

static void on_rename_response(AdwMessageDialog *dialog, const char *response, gpointer data)
{
    VireoWindow *self = data;
    if (g_strcmp0(response, "rename") != 0)
        return;
    VireoMachine *machine = g_object_get_data(G_OBJECT(dialog), "machine");
    GtkEditable *entry = g_object_get_data(G_OBJECT(dialog), "entry");
    g_autoptr(GError) error = NULL;
    if (!vireo_library_rename(self->library, machine, gtk_editable_get_text(entry), &error))
        vireo_window_toast(self, error->message);
}

static void rename_activate(GtkEntry *entry, gpointer data)
{
    AdwMessageDialog *dialog = data;
    if (!adw_message_dialog_get_response_enabled(dialog, "rename"))
        return;
    /* As the Rename button does: answer, then close. */
    g_object_ref(dialog);
    adw_message_dialog_response(dialog, "rename");
    gtk_window_destroy(GTK_WINDOW(dialog));
    g_object_unref(dialog);
}

void vireo_window_rename_machine(VireoWindow *self, VireoMachine *machine)
{
    if (vireo_machine_is_active(machine)) {
        g_autofree char *text = g_strdup_printf(
            _("“%s” is running; turn it off before renaming it"), vireo_machine_get_name(machine));
        vireo_window_toast(self, text);
        return;
    }
    g_autofree char *heading = g_strdup_printf(_("Rename “%s”"), vireo_machine_get_name(machine));
    GtkWidget *dialog = adw_message_dialog_new(GTK_WINDOW(self), heading, NULL);
    adw_message_dialog_add_responses(ADW_MESSAGE_DIALOG(dialog), "cancel", _("_Cancel"), "rename",
                                     _("_Rename"), NULL);
    adw_message_dialog_set_response_appearance(ADW_MESSAGE_DIALOG(dialog), "rename",
                                               ADW_RESPONSE_SUGGESTED);
    adw_message_dialog_set_default_response(ADW_MESSAGE_DIALOG(dialog), "rename");
    adw_message_dialog_set_close_response(ADW_MESSAGE_DIALOG(dialog), "cancel");

    GtkWidget *box = gtk_box_new(GTK_ORIENTATION_VERTICAL, 6);
    GtkWidget *entry = gtk_entry_new();
    gtk_accessible_update_property(GTK_ACCESSIBLE(entry), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                   _("New name"), -1);
    gtk_editable_set_text(GTK_EDITABLE(entry), vireo_machine_get_name(machine));
    GtkWidget *error_label = gtk_label_new(NULL);
    gtk_label_set_wrap(GTK_LABEL(error_label), TRUE);
    gtk_label_set_xalign(GTK_LABEL(error_label), 0);
    gtk_widget_add_css_class(error_label, "inline-error");
    gtk_widget_set_visible(error_label, FALSE);
    gtk_box_append(GTK_BOX(box), entry);
    gtk_box_append(GTK_BOX(box), error_label);
    adw_message_dialog_set_extra_child(ADW_MESSAGE_DIALOG(dialog), box);

    g_object_set_data(G_OBJECT(dialog), "window", self);
    g_object_set_data_full(G_OBJECT(dialog), "machine", g_object_ref(machine), g_object_unref);
    g_object_set_data(G_OBJECT(dialog), "entry", entry);
    g_object_set_data(G_OBJECT(dialog), "error-label", error_label);
    g_signal_connect(entry, "changed", G_CALLBACK(rename_check), dialog);
    g_signal_connect(entry, "activate", G_CALLBACK(rename_activate), dialog);
    g_signal_connect_object(dialog, "response", G_CALLBACK(on_rename_response), self, 0);
    rename_check(GTK_EDITABLE(entry), dialog);
    gtk_window_present(GTK_WINDOW(dialog));
    gtk_widget_grab_focus(entry);
}

/* A duplicate under way. */
typedef struct {
    VireoWindow *window;
    char *name; /* the original's */
    int percent;
} DuplicateJob;

/* Long copies say how far they are, in the "Duplicating" toast. */
static void duplicate_progress(double fraction, gpointer data)
{
    DuplicateJob *job = data;
    int percent = (int) (fraction * 100);
    if (percent == job->percent || percent >= 100)
        return;
    job->percent = percent;
    /* Translators: the machine's name, then how much of the copy is done ("42 %"). */
    g_autofree char *text = g_strdup_printf(_("Duplicating “%s”… %d %%"), job->name, percent);
    vireo_window_toast(job->window, text);
}

static void duplicate_done(GObject *source, GAsyncResult *result, gpointer data)
{
    DuplicateJob *job = data;
    g_autoptr(VireoWindow) self = job->window;
    g_free(job->name);
    g_free(job);
    g_autoptr(GError) error = NULL;
    VrDuplicateReport report;
    VireoMachine *copy =
        vireo_library_duplicate_finish(VIREO_LIBRARY(source), result, &report, &error);
    if (!copy) {
        g_autofree char *text = g_strdup_printf(_("Could not duplicate: %s"), error->message);
        vireo_window_toast(self, text);
        return;
    }
    /* Which disks the copy has of its own and which it shares with the original. */
    g_autoptr(GString) what = g_string_new(NULL);
    if (report.copied)
        g_string_append_printf(
            what, g_dngettext(GETTEXT_PACKAGE, "copied %u disk", "copied %u disks", report.copied),
            report.copied);
    if (report.shared->len) {
        if (what->len)
            g_string_append(what, _("; "));
        if (report.shared->len == 1) {
            g_autofree char *base = g_path_get_basename(g_ptr_array_index(report.shared, 0));
            /* Translators: %s is a disk image's file name, e.g. an installer ISO. */
            g_string_append_printf(what, _("“%s” is shared (read-only)"), base);
        } else {
            g_string_append_printf(what,
                                   g_dngettext(GETTEXT_PACKAGE, "%u read-only image is shared",
                                               "%u read-only images are shared",
                                               report.shared->len),
                                   report.shared->len);
        }
    }
    g_autofree char *text =
        what->len
            /* Translators: the new machine's name, then what was copied and what is shared. */
            ? g_strdup_printf(_("“%s” created: %s"), vireo_machine_get_name(copy), what->str)
            : g_strdup_printf(_("“%s” created"), vireo_machine_get_name(copy));
    vr_duplicate_report_clear(&report);
    vireo_window_toast(self, text);
}

void vireo_window_duplicate_machine(VireoWindow *self, VireoMachine *machine)
{
    if (vireo_machine_is_active(machine)) {
        g_autofree char *text =
            g_strdup_printf(_("“%s” is running; turn it off before duplicating it"),
                            vireo_machine_get_name(machine));
        vireo_window_toast(self, text);
        return;
    }
    /* Translators: the name of a duplicated machine; %s is the original's name. */
    g_autofree char *base = g_strdup_printf(_("%s (Copy)"), vireo_machine_get_name(machine));
    g_autofree char *name = vr_library_unique_name(vireo_library_get_dir(self->library), base);
    g_autofree char *text =
        g_strdup_printf(_("Duplicating “%s”…"), vireo_machine_get_name(machine));
    vireo_window_toast(self, text);
    DuplicateJob *job = g_new0(DuplicateJob, 1);
    job->window = g_object_ref(self);
    job->name = g_strdup(vireo_machine_get_name(machine));
    job->percent = -1;
    vireo_library_duplicate_async(self->library, machine, name, duplicate_progress, duplicate_done,
                                  job);
}

/* ---- what machines report ---- */

static void on_machine_error(VireoLibrary *library, VireoMachine *machine, const char *message,
                             gpointer data)
{
    VireoWindow *self = data;
    /* The machine's page shows it in its banner when it is on screen. */
    if (vireo_machine_page_get_machine(self->machine_page) == machine &&
        g_strcmp0(gtk_stack_get_visible_child_name(self->main_stack), "machine") == 0)
        return;
    vireo_window_toast(self, message);
}

static void on_machine_stopped(VireoLibrary *library, VireoMachine *machine, const char *how,
                               gpointer data)
{
    VireoWindow *self = data;
    vireo_window_toast(self, how);
}

/* ---- drag and drop ---- */

static gboolean on_drop(GtkDropTarget *target, const GValue *value, double x, double y,
                        gpointer data)
{
    VireoWindow *self = data;
    gtk_widget_set_visible(self->drop_highlight, FALSE);
    if (!G_VALUE_HOLDS(value, GDK_TYPE_FILE_LIST))
        return FALSE;
    GSList *files = gdk_file_list_get_files(g_value_get_boxed(value));
    if (!files) {
        vireo_window_toast(self, _("Nothing to create a machine from was dropped"));
        return FALSE;
    }
    if (files->next)
        vireo_window_toast(self, _("One file at a time: the first one is used"));
    vireo_window_open_file(self, files->data);
    g_slist_free(files);
    return TRUE;
}

static GdkDragAction on_drop_enter(GtkDropTarget *target, double x, double y, gpointer data)
{
    VireoWindow *self = data;
    gtk_widget_set_visible(self->drop_highlight, TRUE);
    return GDK_ACTION_COPY;
}

static void on_drop_leave(GtkDropTarget *target, gpointer data)
{
    VireoWindow *self = data;
    gtk_widget_set_visible(self->drop_highlight, FALSE);
}

/* ---- closing ---- */

void vireo_window_power_off_and_close(VireoWindow *self)
{
    g_autoptr(GPtrArray) active = vireo_library_get_active(self->library);
    for (guint i = 0; i < active->len; i++)
        vireo_machine_force_off(g_ptr_array_index(active, i));
    self->close_confirmed = TRUE;
    gtk_window_close(GTK_WINDOW(self));
}

void vireo_window_keep_running_and_close(VireoWindow *self)
{
    /* The window only hides: the application lives on (and tells so in a notification)
     * until the machines stop or it is opened again. */
    gtk_widget_set_visible(GTK_WIDGET(self), FALSE);
    GtkApplication *app = gtk_window_get_application(GTK_WINDOW(self));
    if (app)
        g_action_group_activate_action(G_ACTION_GROUP(app), "run-in-background", NULL);
}

static void on_closing_save_notify(GObject *object, GParamSpec *pspec, gpointer data);

static void finish_closing_saves(VireoWindow *self)
{
    g_autoptr(GPtrArray) machines = g_steal_pointer(&self->closing_saves);
    guint failed = 0;
    for (guint i = 0; i < machines->len; i++) {
        VireoMachine *m = g_ptr_array_index(machines, i);
        g_signal_handlers_disconnect_by_func(m, on_closing_save_notify, self);
        failed += vireo_machine_is_active(m);
    }
    if (failed == 0) {
        self->close_confirmed = TRUE;
        gtk_window_close(GTK_WINDOW(self));
        return;
    }
    /* Each failure was told in its own words (the machine's "error"); this says what
     * became of the window. */
    g_autofree char *text =
        g_strdup_printf(g_dngettext(GETTEXT_PACKAGE, "%u machine could not be saved and runs on",
                                    "%u machines could not be saved and run on", failed),
                        failed);
    vireo_window_toast(self, text);
}

/* Done once every machine has either stopped (saved) or is running on (its save failed). */
static void on_closing_save_notify(GObject *object, GParamSpec *pspec, gpointer data)
{
    VireoWindow *self = data;
    if (!self->closing_saves)
        return;
    for (guint i = 0; i < self->closing_saves->len; i++) {
        VireoMachine *m = g_ptr_array_index(self->closing_saves, i);
        /* Saved but not yet off: it powers off next. */
        if (vireo_machine_is_saving(m) ||
            (vireo_machine_is_active(m) && vireo_machine_has_saved_state(m)))
            return;
    }
    finish_closing_saves(self);
}

void vireo_window_save_state_and_close(VireoWindow *self)
{
    if (self->closing_saves)
        return;
    self->closing_saves = vireo_library_get_active(self->library);
    for (guint i = 0; i < self->closing_saves->len; i++) {
        VireoMachine *m = g_ptr_array_index(self->closing_saves, i);
        g_signal_connect_object(m, "notify", G_CALLBACK(on_closing_save_notify), self, 0);
        if (!vireo_machine_save_state_and_quit(m)) {
            g_autofree char *text =
                g_strdup_printf(_("“%s” cannot save its state now"), vireo_machine_get_name(m));
            vireo_window_toast(self, text);
        }
    }
    on_closing_save_notify(NULL, NULL, self);
}

static gboolean save_state_later(gpointer data)
{
    vireo_window_save_state_and_close(data);
    return G_SOURCE_REMOVE;
}

static gboolean power_off_later(gpointer data)
{
    vireo_window_power_off_and_close(data);
    return G_SOURCE_REMOVE;
}

static gboolean keep_running_later(gpointer data)
{
    vireo_window_keep_running_and_close(data);
    return G_SOURCE_REMOVE;
}

static void on_close_response(AdwMessageDialog *dialog, const char *response, gpointer data)
{
    VireoWindow *self = data;
    /* Once the dialog (transient for this window) is gone. */
    if (g_strcmp0(response, "power-off") == 0)
        g_idle_add_full(G_PRIORITY_DEFAULT, power_off_later, g_object_ref(self), g_object_unref);
    else if (g_strcmp0(response, "save-state") == 0)
        g_idle_add_full(G_PRIORITY_DEFAULT, save_state_later, g_object_ref(self), g_object_unref);
    else if (g_strcmp0(response, "background") == 0)
        g_idle_add_full(G_PRIORITY_DEFAULT, keep_running_later, g_object_ref(self), g_object_unref);
}

static void save_window_state(VireoWindow *self)
{
    GSettings *settings = vireo_settings();
    int width, height;
    gtk_window_get_default_size(GTK_WINDOW(self), &width, &height);
    gboolean maximized = gtk_window_is_maximized(GTK_WINDOW(self));
    g_settings_set_boolean(settings, "window-maximized", maximized);
    if (!maximized && width > 0 && height > 0) {
        g_settings_set_int(settings, "window-width", width);
        g_settings_set_int(settings, "window-height", height);
    }
}

static gboolean vireo_window_close_request(GtkWindow *window)
{
    VireoWindow *self = VIREO_WINDOW(window);
    save_window_state(self);
    g_autoptr(GPtrArray) active = vireo_library_get_active(self->library);
    if (self->close_confirmed || active->len == 0)
        return GTK_WINDOW_CLASS(vireo_window_parent_class)->close_request(window);

    g_autofree char *body = NULL;
    if (active->len == 1)
        body = g_strdup_printf(
            _("“%s” is still running. Keep it running in the background, save its state (the "
              "next start resumes it), or power it off? Powering off is like pulling the plug."),
            vireo_machine_get_name(g_ptr_array_index(active, 0)));
    else
        body = g_strdup_printf(g_dngettext(GETTEXT_PACKAGE,
                                           "%u machine is still running. Keep it running in "
                                           "the background, save its state (the next start "
                                           "resumes it), or power it off?",
                                           "%u machines are still running. Keep them running "
                                           "in the background, save their state (the next "
                                           "start resumes them), or power them off?",
                                           active->len),
                               active->len);
    GtkWidget *dialog = adw_message_dialog_new(
        window,
        g_dngettext(GETTEXT_PACKAGE, "A Machine Is Running", "Machines Are Running", active->len),
        body);
    adw_message_dialog_add_responses(ADW_MESSAGE_DIALOG(dialog), "cancel", _("_Cancel"),
                                     "power-off", _("_Power Off"), "save-state", _("_Save State"),
                                     "background", _("_Keep Running"), NULL);
    adw_message_dialog_set_response_appearance(ADW_MESSAGE_DIALOG(dialog), "power-off",
                                               ADW_RESPONSE_DESTRUCTIVE);
    adw_message_dialog_set_response_appearance(ADW_MESSAGE_DIALOG(dialog), "background",
                                               ADW_RESPONSE_SUGGESTED);
    adw_message_dialog_set_default_response(ADW_MESSAGE_DIALOG(dialog), "background");
    adw_message_dialog_set_close_response(ADW_MESSAGE_DIALOG(dialog), "cancel");
    g_signal_connect_object(dialog, "response", G_CALLBACK(on_close_response), self, 0);
    gtk_window_present(GTK_WINDOW(dialog));
    return TRUE;
}

/* ---- actions ---- */

static void action_new_machine(GtkWidget *widget, const char *name, GVariant *param)
{
    vireo_window_new_machine(VIREO_WINDOW(widget));
}

static void action_search(GtkWidget *widget, const char *name, GVariant *param)
{
    VireoWindow *self = VIREO_WINDOW(widget);
    if (g_list_model_get_n_items(vireo_library_get_model(self->library)) == 0)
        return;
    gtk_search_bar_set_search_mode(self->search_bar, TRUE);
    gtk_widget_grab_focus(GTK_WIDGET(self->search_entry));
}

static void action_back(GtkWidget *widget, const char *name, GVariant *param)
{
    vireo_window_show_library(VIREO_WINDOW(widget));
}

/* ---- GObject ---- */

VireoWindow *vireo_window_new(GtkApplication *app, VireoLibrary *library)
{
    VireoWindow *self = g_object_new(VIREO_TYPE_WINDOW, "application", app, NULL);
    self->library = g_object_ref(library);

    GtkExpression *expr = gtk_property_expression_new(VIREO_TYPE_MACHINE, NULL, "name");
    self->filter = gtk_string_filter_new(expr);
    gtk_string_filter_set_match_mode(self->filter, GTK_STRING_FILTER_MATCH_MODE_SUBSTRING);
    gtk_string_filter_set_ignore_case(self->filter, TRUE);
    self->filtered = gtk_filter_list_model_new(g_object_ref(vireo_library_get_model(library)),
                                               GTK_FILTER(g_object_ref(self->filter)));
    gtk_list_box_bind_model(self->machine_list, G_LIST_MODEL(self->filtered), create_row, self,
                            NULL);
    g_signal_connect_object(self->filtered, "items-changed", G_CALLBACK(on_items_changed), self, 0);
    g_signal_connect_object(vireo_library_get_model(library), "items-changed",
                            G_CALLBACK(on_library_changed), self, 0);
    g_signal_connect_object(library, "machine-error", G_CALLBACK(on_machine_error), self, 0);
    g_signal_connect_object(library, "machine-stopped", G_CALLBACK(on_machine_stopped), self, 0);
    update_library_state(self);

    GSettings *settings = vireo_settings();
    gtk_window_set_default_size(GTK_WINDOW(self), g_settings_get_int(settings, "window-width"),
                                g_settings_get_int(settings, "window-height"));
    if (g_settings_get_boolean(settings, "window-maximized"))
        gtk_window_maximize(GTK_WINDOW(self));
    vireo_window_show_library(self);
    return self;
}

static void vireo_window_dispose(GObject *object)
{
    VireoWindow *self = VIREO_WINDOW(object);
    g_clear_handle_id(&self->gone_check, g_source_remove);
    if (self->closing_saves) {
        for (guint i = 0; i < self->closing_saves->len; i++)
            g_signal_handlers_disconnect_by_func(g_ptr_array_index(self->closing_saves, i),
                                                 on_closing_save_notify, self);
        g_clear_pointer(&self->closing_saves, g_ptr_array_unref);
    }
    if (self->library) {
        g_signal_handlers_disconnect_by_data(self->library, self);
        g_signal_handlers_disconnect_by_data(vireo_library_get_model(self->library), self);
    }
    if (self->machine_list)
        gtk_list_box_bind_model(self->machine_list, NULL, NULL, NULL, NULL);
    g_clear_object(&self->filtered);
    g_clear_object(&self->filter);
    gtk_widget_dispose_template(GTK_WIDGET(self), VIREO_TYPE_WINDOW);
    G_OBJECT_CLASS(vireo_window_parent_class)->dispose(object);
}

static void vireo_window_finalize(GObject *object)
{
    VireoWindow *self = VIREO_WINDOW(object);
    g_clear_object(&self->library);
    G_OBJECT_CLASS(vireo_window_parent_class)->finalize(object);
}

static void vireo_window_class_init(VireoWindowClass *klass)
{
    GObjectClass *object_class = G_OBJECT_CLASS(klass);
    GtkWidgetClass *widget_class = GTK_WIDGET_CLASS(klass);
    GtkWindowClass *window_class = GTK_WINDOW_CLASS(klass);
    object_class->dispose = vireo_window_dispose;
    object_class->finalize = vireo_window_finalize;
    window_class->close_request = vireo_window_close_request;

    g_type_ensure(VIREO_TYPE_MACHINE_PAGE);
    gtk_widget_class_set_template_from_resource(widget_class,
                                                "/org/vireo/Vireo/ui/vireo-window.ui");
    gtk_widget_class_bind_template_child(widget_class, VireoWindow, toast_overlay);
    gtk_widget_class_bind_template_child(widget_class, VireoWindow, main_stack);
    gtk_widget_class_bind_template_child(widget_class, VireoWindow, library_title);
    gtk_widget_class_bind_template_child(widget_class, VireoWindow, search_button);
    gtk_widget_class_bind_template_child(widget_class, VireoWindow, search_bar);
    gtk_widget_class_bind_template_child(widget_class, VireoWindow, search_entry);
    gtk_widget_class_bind_template_child(widget_class, VireoWindow, library_stack);
    gtk_widget_class_bind_template_child(widget_class, VireoWindow, machine_list);
    gtk_widget_class_bind_template_child(widget_class, VireoWindow, machine_page);
    gtk_widget_class_bind_template_child(widget_class, VireoWindow, drop_highlight);

    gtk_widget_class_install_action(widget_class, "win.new-machine", NULL, action_new_machine);
    gtk_widget_class_install_action(widget_class, "win.search", NULL, action_search);
    gtk_widget_class_install_action(widget_class, "win.back", NULL, action_back);
    gtk_widget_class_add_binding_action(widget_class, GDK_KEY_Left, GDK_ALT_MASK, "win.back", NULL);
}

static void vireo_window_init(VireoWindow *self)
{
    gtk_widget_init_template(GTK_WIDGET(self));

    g_object_bind_property(self->search_button, "active", self->search_bar, "search-mode-enabled",
                           G_BINDING_BIDIRECTIONAL);
    gtk_search_bar_connect_entry(self->search_bar, GTK_EDITABLE(self->search_entry));
    g_signal_connect(self->machine_list, "row-activated", G_CALLBACK(on_row_activated), self);
    g_signal_connect(self->search_entry, "search-changed", G_CALLBACK(on_search_changed), self);
    g_signal_connect(self->search_entry, "stop-search", G_CALLBACK(on_stop_search), self);

    GtkDropTarget *drop = gtk_drop_target_new(GDK_TYPE_FILE_LIST, GDK_ACTION_COPY);
    g_signal_connect(drop, "drop", G_CALLBACK(on_drop), self);
    g_signal_connect(drop, "enter", G_CALLBACK(on_drop_enter), self);
    g_signal_connect(drop, "leave", G_CALLBACK(on_drop_leave), self);
    gtk_widget_add_controller(GTK_WIDGET(self), GTK_EVENT_CONTROLLER(drop));
}
