/* VireoMachinePage: a machine's console and controls. */
#include <glib/gi18n.h>
#include <vte/vte.h>

#include "vireo-console-palette.h"
#include "vireo-display.h"
#include "vr-gamepads.h"
#include "vr-keymap.h"
#include "vireo-machine-page.h"
#include "vireo-util.h"
#include "vireo-window.h"

#define THUMBNAIL_WIDTH 480
/* How long a guest asked to shut down may take before the page offers Force Off. */
#define SHUTDOWN_TIMEOUT_S 60

struct _VireoMachinePage {
    AdwBin parent_instance;

    VireoMachine *machine;
    GHashTable *consoles; /* VireoMachine -> GtkScrolledWindow holding its VteTerminal */
    GHashTable *screens;  /* VireoMachine -> its VireoDisplay (machines with a screen) */
    GtkWidget *console_toggle;
    /* The serial console is shown instead of the screen (machine.view-console). */
    gboolean view_console;
    VireoDisplayScaleMode scale;
    /* Game controllers (SDL2), feeding the gamepad of the machine whose screen is on show. */
    VrGamepads *pads;
    gboolean pads_failed;
    guint pads_source;

    AdwWindowTitle *title;
    GtkWidget *start_button;
    GtkWidget *pause_button;
    GtkWidget *resume_button;
    GtkWidget *shut_down_button;
    GtkSpinner *saving_spinner;
    GtkRevealer *banner_revealer;
    GtkLabel *banner_label;
    GtkWidget *banner_discard;
    GtkButton *banner_close;
    /* Which start the machine is in (counted when it begins starting), and the start during
     * which the banner's news came (0: the banner holds an error). News that came while the
     * machine was starting stays when it is up. */
    guint start_serial;
    guint banner_news_serial;
    GtkStack *content_stack;
    GtkStack *console_stack;
    AdwStatusPage *off_page;
    AdwStatusPage *problem_page;

    /* The guest was asked to shut down and has not powered off yet. */
    gboolean shutting_down;
    guint shutdown_timer;
    guint shutdown_timeout_s;
    GtkWidget *problem_settings_button;
    GtkWidget *paused_cue;
    GtkBox *media_bar;
    GtkWidget *net_bar;
    GtkLabel *net_address_label;
    GtkSwitch *net_cable_switch;
    gboolean net_updating;
    GtkWidget *sound_bar;
    GtkToggleButton *sound_mute_button;
    GtkLevelBar *sound_level;
    GtkLabel *sound_status_label;
    gboolean sound_updating;
    guint sound_source; /* the level's updates while the bar is on show */
    guint focus_source; /* gives the console the keyboard once an action is done */
};

G_DEFINE_FINAL_TYPE(VireoMachinePage, vireo_machine_page, ADW_TYPE_BIN)

VireoMachine *vireo_machine_page_get_machine(VireoMachinePage *self)
{
    return self->machine;
}

/* ---- the terminal ---- */

static VteTerminal *terminal_of(GtkWidget *console)
{
    return console ? VTE_TERMINAL(gtk_scrolled_window_get_child(GTK_SCROLLED_WINDOW(console)))
                   : NULL;
}

/* The guest's "\n" starts a new line at its left edge, as a serial terminal set to add
 * carriage returns does (bare-metal programs print bare line feeds). */
static void feed(VteTerminal *term, const guint8 *data, gsize len)
{
    gboolean after_cr = GPOINTER_TO_INT(g_object_get_data(G_OBJECT(term), "after-cr"));
    g_autoptr(GString) out = g_string_sized_new(len + len / 16);
    for (gsize i = 0; i < len; i++) {
        if (data[i] == '\n' && !after_cr)
            g_string_append_c(out, '\r');
        g_string_append_c(out, (char) data[i]);
        after_cr = data[i] == '\r';
    }
    g_object_set_data(G_OBJECT(term), "after-cr", GINT_TO_POINTER(after_cr));
    vte_terminal_feed(term, out->str, (gssize) out->len);
}

static void on_console_output(VireoMachine *machine, GBytes *bytes, gpointer data)
{
    gsize len;
    const guint8 *p = g_bytes_get_data(bytes, &len);
    feed(VTE_TERMINAL(data), p, len);
}

/* A fresh screen for a fresh boot. */
static void clear_terminal(VteTerminal *term)
{
    vte_terminal_reset(term, TRUE, TRUE);
    /* reset() leaves the text on screen: clear it, home the cursor, drop the scrollback. */
    vte_terminal_feed(term, "\033[2J\033[3J\033[H", -1);
    g_object_set_data(G_OBJECT(term), "after-cr", NULL);
}

static void on_console_cleared(VireoMachine *machine, gpointer data)
{
    clear_terminal(VTE_TERMINAL(data));
}

static void on_commit(VteTerminal *term, const char *text, guint size, gpointer data)
{
    /* Keys typed while the machine is paused are not kept for later (the page says so). */
    if (vireo_machine_get_state(VIREO_MACHINE(data)) == VIREO_MACHINE_RUNNING)
        vireo_machine_console_input(VIREO_MACHINE(data), text, size);
}

/* The screen of a terminal that is not on screen (its page was left), drawn from its
 * text: GTK draws no widget that is not mapped. */
static GdkTexture *render_text(VteTerminal *term, int max_width)
{
    long cols = vte_terminal_get_column_count(term), rows = vte_terminal_get_row_count(term);
    long char_width = vte_terminal_get_char_width(term);
    long char_height = vte_terminal_get_char_height(term);
    if (!gtk_widget_get_realized(GTK_WIDGET(term)) || cols <= 0 || rows <= 0 || char_width <= 0 ||
        char_height <= 0)
        return NULL;
    const int pad = 6;
    int width = (int) (cols * char_width) + 2 * pad, height = (int) (rows * char_height) + 2 * pad;
    double scale = width > max_width ? (double) max_width / width : 1.0;
    int out_width = MAX(1, (int) (width * scale)), out_height = MAX(1, (int) (height * scale));
    cairo_surface_t *surface =
        cairo_image_surface_create(CAIRO_FORMAT_ARGB32, out_width, out_height);
    cairo_t *cr = cairo_create(surface);
    cairo_scale(cr, scale, scale);
    cairo_set_source_rgb(cr, 0x1e / 255.0, 0x1e / 255.0, 0x1e / 255.0);
    cairo_paint(cr);
    cairo_set_source_rgb(cr, 0xde / 255.0, 0xdd / 255.0, 0xda / 255.0);
    /* The last screenful, up to the cursor. */
    long cursor_col = 0, cursor_row = 0;
    vte_terminal_get_cursor_position(term, &cursor_col, &cursor_row);
    long top = MAX(0, cursor_row - rows + 1);
    g_autofree char *text =
        vte_terminal_get_text_range(term, top, 0, top + rows - 1, cols - 1, NULL, NULL, NULL);
    PangoLayout *layout = pango_cairo_create_layout(cr);
    pango_layout_set_font_description(layout, vte_terminal_get_font(term));
    g_auto(GStrv) lines = g_strsplit(text ? text : "", "\n", (int) rows + 1);
    for (long i = 0; lines[i] && i < rows; i++) {
        pango_layout_set_text(layout, lines[i], -1);
        cairo_move_to(cr, pad, pad + (double) i * char_height);
        pango_cairo_show_layout(cr, layout);
    }
    g_object_unref(layout);
    cairo_destroy(cr);
    cairo_surface_flush(surface);
    int stride = cairo_image_surface_get_stride(surface);
    g_autoptr(GBytes) bytes =
        g_bytes_new(cairo_image_surface_get_data(surface), (gsize) stride * (gsize) out_height);
    cairo_surface_destroy(surface);
    return gdk_memory_texture_new(out_width, out_height, GDK_MEMORY_DEFAULT, bytes, (gsize) stride);
}

/* A picture of the console for the library (the machine's "last screen"). */
static void save_thumbnail_of(VireoMachine *machine, VteTerminal *term)
{
    if (!term)
        return;
    /* The widget as drawn; when it has no frame to give (between frames, or behind a dialog
     * that just opened), its text drawn here. */
    g_autoptr(GdkTexture) texture = gtk_widget_get_mapped(GTK_WIDGET(term))
                                        ? vireo_widget_render(GTK_WIDGET(term), THUMBNAIL_WIDTH)
                                        : NULL;
    if (!texture)
        texture = render_text(term, THUMBNAIL_WIDTH);
    g_autoptr(GError) error = NULL;
    if (texture && !vireo_machine_save_thumbnail(machine, texture, &error))
        g_message("%s", error->message);
}

/* ---- the screen ---- */

static VireoDisplay *screen_of(VireoMachinePage *self, VireoMachine *machine)
{
    return machine ? g_hash_table_lookup(self->screens, machine) : NULL;
}

/* The screen's last picture for the library: as drawn when it is on show, else the guest's
 * own pixels. FALSE when it has none. */
static gboolean save_screen_thumbnail(VireoMachinePage *self, VireoMachine *machine)
{
    VireoDisplay *d = screen_of(self, machine);
    if (!d)
        return FALSE;
    g_autoptr(GdkTexture) picture = vireo_display_get_texture(d);
    if (!picture)
        return FALSE;
    g_autoptr(GdkTexture) texture = gtk_widget_get_mapped(GTK_WIDGET(d))
                                        ? vireo_widget_render(GTK_WIDGET(d), THUMBNAIL_WIDTH)
                                        : NULL;
    g_autoptr(GError) error = NULL;
    if (!vireo_machine_save_thumbnail(machine, texture ? texture : picture, &error))
        g_message("%s", error->message);
    return TRUE;
}

static VrGpuFrame *screen_frame(gpointer data)
{
    return vireo_machine_get_frame(VIREO_MACHINE(data));
}

static gboolean send_events(VrInputDevice device, const VrVirtioInputEvent *ev, gsize n,
                            gpointer machine)
{
    return vireo_machine_send_input(machine, device, ev, n);
}

static void on_screen_resize(VireoDisplay *d, guint width, guint height, gpointer data)
{
    vireo_machine_set_display_size(data, width, height);
}

static void on_display_updated(VireoMachine *machine, gpointer data)
{
    vireo_display_queue_update(VIREO_DISPLAY(data));
}

static VireoDisplay *screen_for(VireoMachinePage *self, VireoMachine *machine)
{
    VireoDisplay *d = screen_of(self, machine);
    if (d || !vireo_machine_has_display(machine))
        return d;
    d = VIREO_DISPLAY(vireo_display_new());
    gtk_widget_set_hexpand(GTK_WIDGET(d), TRUE);
    gtk_widget_set_vexpand(GTK_WIDGET(d), TRUE);
    gtk_accessible_update_property(GTK_ACCESSIBLE(d), GTK_ACCESSIBLE_PROPERTY_LABEL, _("Screen"),
                                   -1);
    vireo_display_set_hide_cursor(d, TRUE);
    /* While the keyboard is grabbed the pointer is the guest's relative mouse (X11). */
    vireo_display_set_relative_pointer(d, TRUE);
    vireo_display_set_scale_mode(d, self->scale);
    vireo_display_set_frame_source(d, screen_frame, machine, NULL);
    /* The machine outlives the widget: the screens table holds it. */
    vireo_display_forward_input(d, send_events, machine);
    g_signal_connect_object(d, "resize-guest", G_CALLBACK(on_screen_resize), machine, 0);
    g_signal_connect_object(machine, "display-updated", G_CALLBACK(on_display_updated), d, 0);
    gtk_stack_add_child(self->console_stack, GTK_WIDGET(d));
    g_hash_table_insert(self->screens, g_object_ref(machine), d);
    return d;
}

static void on_pad_events(const VrVirtioInputEvent *events, size_t n, void *data)
{
    VireoMachinePage *self = data;
    if (self->machine && screen_of(self, self->machine))
        vireo_machine_send_input(self->machine, VR_INPUT_GAMEPAD, events, n);
}

static gboolean poll_pads(gpointer data)
{
    VireoMachinePage *self = data;
    vr_gamepads_poll(self->pads);
    return G_SOURCE_CONTINUE;
}

/* Game controllers are read while a running machine's screen is on show (SDL2 opened the
 * first time; without it, or without controller support, the screen works without them). */
static void update_pads(VireoMachinePage *self, gboolean want)
{
    if (want && !self->pads && !self->pads_failed) {
        g_autoptr(GError) error = NULL;
        self->pads = vr_gamepads_new(on_pad_events, self, &error);
        if (!self->pads) {
            self->pads_failed = TRUE;
            g_message("%s", error->message);
        }
    }
    if (want && self->pads && !self->pads_source)
        self->pads_source = g_timeout_add(VR_GAMEPADS_POLL_MS, poll_pads, self);
    else if (!want)
        g_clear_handle_id(&self->pads_source, g_source_remove);
}

/* The screen of the page's machine when it is the one on show. */
static VireoDisplay *shown_screen(VireoMachinePage *self)
{
    VireoDisplay *d = screen_of(self, self->machine);
    return d && gtk_stack_get_visible_child(self->console_stack) == GTK_WIDGET(d) ? d : NULL;
}

GtkWidget *vireo_machine_page_get_screen(VireoMachinePage *self)
{
    return GTK_WIDGET(screen_of(self, self->machine));
}

/* Every machine with a console here, on screen or not, leaves its last screen to the
 * library when it stops (a Force Off from the library included): the picture of its screen
 * when it has one, else the console's. */
static void on_console_stopped(VireoMachine *machine, const char *how, gpointer data)
{
    VireoMachinePage *self = g_object_get_data(G_OBJECT(data), "vireo-page");
    if (self && save_screen_thumbnail(self, machine))
        return;
    save_thumbnail_of(machine, VTE_TERMINAL(data));
}

static GtkWidget *console_for(VireoMachinePage *self, VireoMachine *machine, gboolean create)
{
    GtkWidget *console = g_hash_table_lookup(self->consoles, machine);
    if (console || !create)
        return console;

    VteTerminal *term = VTE_TERMINAL(vte_terminal_new());
    vte_terminal_set_scrollback_lines(term, 10000);
    vte_terminal_set_scroll_on_keystroke(term, TRUE);
    vte_terminal_set_mouse_autohide(term, TRUE);
    vte_terminal_set_cursor_blink_mode(term, VTE_CURSOR_BLINK_OFF);
    PangoFontDescription *font = pango_font_description_from_string("Monospace 11");
    vte_terminal_set_font(term, font);
    pango_font_description_free(font);
    vireo_console_set_colors(term);
    gtk_widget_set_hexpand(GTK_WIDGET(term), TRUE);
    gtk_widget_set_vexpand(GTK_WIDGET(term), TRUE);
    gtk_widget_add_css_class(GTK_WIDGET(term), "console-terminal");
    gtk_accessible_update_property(GTK_ACCESSIBLE(term), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                   _("Serial console"), -1);
    g_signal_connect_object(term, "commit", G_CALLBACK(on_commit), machine, 0);
    g_signal_connect_object(machine, "console-output", G_CALLBACK(on_console_output), term, 0);
    g_signal_connect_object(machine, "console-cleared", G_CALLBACK(on_console_cleared), term, 0);
    g_object_set_data(G_OBJECT(term), "vireo-page", self);
    g_signal_connect_object(machine, "stopped", G_CALLBACK(on_console_stopped), term, 0);
    g_autoptr(GBytes) log = vireo_machine_get_console_log(machine);
    gsize len;
    const guint8 *p = g_bytes_get_data(log, &len);
    if (len)
        feed(term, p, len);

    console = gtk_scrolled_window_new();
    gtk_scrolled_window_set_policy(GTK_SCROLLED_WINDOW(console), GTK_POLICY_NEVER,
                                   GTK_POLICY_AUTOMATIC);
    gtk_scrolled_window_set_child(GTK_SCROLLED_WINDOW(console), GTK_WIDGET(term));
    gtk_stack_add_child(self->console_stack, console);
    g_hash_table_insert(self->consoles, g_object_ref(machine), console);
    return console;
}

GtkWidget *vireo_machine_page_get_terminal(VireoMachinePage *self)
{
    if (!self->machine)
        return NULL;
    return GTK_WIDGET(terminal_of(console_for(self, self->machine, FALSE)));
}

void vireo_machine_page_focus_console(VireoMachinePage *self)
{
    VireoDisplay *screen = shown_screen(self);
    if (screen &&
        g_strcmp0(gtk_stack_get_visible_child_name(self->content_stack), "console") == 0) {
        gtk_widget_grab_focus(GTK_WIDGET(screen));
        return;
    }
    GtkWidget *term = vireo_machine_page_get_terminal(self);
    if (term && g_strcmp0(gtk_stack_get_visible_child_name(self->content_stack), "console") == 0)
        gtk_widget_grab_focus(term);
}

/* After a button, a menu item or a shortcut, the keyboard goes back to the guest (a
 * clicked button keeps the focus, a closed menu gives it to its button, a hidden button
 * passes it on: a Space would then press a button instead of reaching the guest). */
static gboolean focus_console_now(gpointer data)
{
    VireoMachinePage *self = data;
    self->focus_source = 0;
    if (self->machine && vireo_machine_is_active(self->machine) &&
        gtk_widget_get_mapped(GTK_WIDGET(self)))
        vireo_machine_page_focus_console(self);
    return G_SOURCE_REMOVE;
}

static void focus_console_later(VireoMachinePage *self)
{
    if (!self->focus_source)
        self->focus_source = g_idle_add(focus_console_now, self);
}

void vireo_machine_page_forget(VireoMachinePage *self, VireoMachine *machine)
{
    GtkWidget *console = g_hash_table_lookup(self->consoles, machine);
    if (console) {
        gtk_stack_remove(self->console_stack, console);
        g_hash_table_remove(self->consoles, machine);
    }
    GtkWidget *screen = g_hash_table_lookup(self->screens, machine);
    if (screen) {
        gtk_stack_remove(self->console_stack, screen);
        g_hash_table_remove(self->screens, machine);
    }
    if (self->machine == machine)
        vireo_machine_page_set_machine(self, NULL);
}

static void save_thumbnail(VireoMachinePage *self)
{
    if (shown_screen(self) && save_screen_thumbnail(self, self->machine))
        return;
    GtkWidget *term = vireo_machine_page_get_terminal(self);
    if (term && gtk_widget_get_mapped(term))
        save_thumbnail_of(self->machine, VTE_TERMINAL(term));
}

void vireo_machine_page_leave(VireoMachinePage *self)
{
    if (self->machine && vireo_machine_is_active(self->machine))
        save_thumbnail(self);
}

/* ---- the banner ---- */

static void show_banner(VireoMachinePage *self, const char *text)
{
    self->banner_news_serial = 0;
    gtk_widget_add_css_class(gtk_widget_get_parent(GTK_WIDGET(self->banner_label)), "error");
    gtk_label_set_text(self->banner_label, text);
    /* A saved state that cannot be resumed: the way out is right there. */
    const char *restore_error =
        self->machine ? vireo_machine_get_restore_error(self->machine) : NULL;
    gtk_widget_set_visible(self->banner_discard, g_strcmp0(restore_error, text) == 0);
    gtk_revealer_set_reveal_child(self->banner_revealer, TRUE);
}

/* News rather than trouble: the banner without the error colour. */
static void show_info_banner(VireoMachinePage *self, const char *text)
{
    show_banner(self, text);
    gtk_widget_remove_css_class(gtk_widget_get_parent(GTK_WIDGET(self->banner_label)), "error");
    self->banner_news_serial = self->start_serial;
}

static void hide_banner(VireoMachinePage *self)
{
    gtk_widget_set_visible(self->banner_discard, FALSE);
    gtk_revealer_set_reveal_child(self->banner_revealer, FALSE);
}

const char *vireo_machine_page_get_banner(VireoMachinePage *self)
{
    return gtk_revealer_get_reveal_child(self->banner_revealer)
               ? gtk_label_get_text(self->banner_label)
               : NULL;
}

static void on_banner_close(GtkButton *button, gpointer data)
{
    hide_banner(data);
}

/* ---- shutting down ---- */

static void shutdown_done(VireoMachinePage *self)
{
    self->shutting_down = FALSE;
    g_clear_handle_id(&self->shutdown_timer, g_source_remove);
}

static void update(VireoMachinePage *self);

static void on_force_off_response(AdwMessageDialog *dialog, const char *response, gpointer data)
{
    VireoMachinePage *self = data;
    VireoMachine *m = g_object_get_data(G_OBJECT(dialog), "machine");
    if (g_str_equal(response, "force-off")) {
        vireo_machine_force_off(m);
    } else if (g_object_get_data(G_OBJECT(dialog), "ends-shutdown") && self->machine == m) {
        /* The user gives up waiting: Shut Down may be tried again. */
        shutdown_done(self);
        update(self);
    }
}

/* A question about pulling the plug on the page's machine: answered "force-off" or not. */
static AdwMessageDialog *ask_force_off(VireoMachinePage *self, const char *heading,
                                       const char *body, const char *cancel_label)
{
    GtkRoot *root = gtk_widget_get_root(GTK_WIDGET(self));
    AdwMessageDialog *dialog = ADW_MESSAGE_DIALOG(
        adw_message_dialog_new(GTK_IS_WINDOW(root) ? GTK_WINDOW(root) : NULL, heading, body));
    adw_message_dialog_add_responses(dialog, "cancel", cancel_label, "force-off", _("_Force Off"),
                                     NULL);
    adw_message_dialog_set_response_appearance(dialog, "force-off", ADW_RESPONSE_DESTRUCTIVE);
    adw_message_dialog_set_default_response(dialog, "cancel");
    adw_message_dialog_set_close_response(dialog, "cancel");
    g_object_set_data_full(G_OBJECT(dialog), "machine", g_object_ref(self->machine),
                           g_object_unref);
    g_signal_connect_object(dialog, "response", G_CALLBACK(on_force_off_response), self, 0);
    gtk_window_present(GTK_WINDOW(dialog));
    return dialog;
}

static void confirm_force_off(VireoMachinePage *self)
{
    (void) ask_force_off(self, _("Force Off?"),
                         _("Unsaved work in the guest is lost, like pulling the plug."),
                         _("_Cancel"));
}

static void guest_did_not_answer(VireoMachinePage *self, const char *why)
{
    g_autofree char *body = g_strdup_printf(
        "%s\n\n%s", why,
        _("Force Off stops it at once: unsaved work in the guest is lost, like pulling the "
          "plug."));
    AdwMessageDialog *dialog =
        ask_force_off(self, _("The Guest Did Not Answer"), body, _("_Cancel"));
    g_object_set_data(G_OBJECT(dialog), "ends-shutdown", GINT_TO_POINTER(TRUE));
}

static gboolean on_shutdown_timeout(gpointer data)
{
    VireoMachinePage *self = data;
    self->shutdown_timer = 0;
    g_autofree char *why = g_strdup_printf(
        g_dngettext(GETTEXT_PACKAGE,
                    "“%s” is still running %u second after it was asked to shut down: it may "
                    "be busy, or it may not listen to its power button.",
                    "“%s” is still running %u seconds after it was asked to shut down: it may "
                    "be busy, or it may not listen to its power button.",
                    self->shutdown_timeout_s),
        vireo_machine_get_name(self->machine), self->shutdown_timeout_s);
    guest_did_not_answer(self, why);
    return G_SOURCE_REMOVE;
}

static void shut_down(VireoMachinePage *self)
{
    g_autoptr(GError) error = NULL;
    if (!vireo_machine_request_shutdown(self->machine, &error)) {
        g_autofree char *why = g_strdup_printf("%s.", error->message);
        guest_did_not_answer(self, why);
        return;
    }
    self->shutting_down = TRUE;
    g_clear_handle_id(&self->shutdown_timer, g_source_remove);
    self->shutdown_timer =
        g_timeout_add_seconds(self->shutdown_timeout_s, on_shutdown_timeout, self);
    update(self);
}

void vireo_machine_page_set_shutdown_timeout(VireoMachinePage *self, guint seconds)
{
    self->shutdown_timeout_s = seconds;
}

/* ---- CD drives ---- */

void vireo_machine_page_change_cd(VireoMachinePage *self, guint disk, const char *path)
{
    if (!self->machine)
        return;
    g_autoptr(GError) error = NULL;
    if (!vireo_machine_change_cd(self->machine, disk, path, &error))
        show_banner(self, error->message);
}

typedef struct {
    VireoMachinePage *self;
    guint disk;
} CdChoice;

static void on_cd_chosen(GFile *file, gpointer data)
{
    CdChoice *c = data;
    if (file) {
        g_autofree char *path = g_file_get_path(file);
        if (path)
            vireo_machine_page_change_cd(c->self, c->disk, path);
    }
    g_object_unref(c->self);
    g_free(c);
}

static void on_change_cd_clicked(GtkButton *button, gpointer data)
{
    VireoMachinePage *self = data;
    CdChoice *c = g_new0(CdChoice, 1);
    c->self = g_object_ref(self);
    c->disk = GPOINTER_TO_UINT(g_object_get_data(G_OBJECT(button), "disk"));
    GtkRoot *root = gtk_widget_get_root(GTK_WIDGET(self));
    vireo_choose_file(GTK_IS_WINDOW(root) ? GTK_WINDOW(root) : NULL, _("Choose a CD Image"),
                      VIREO_FILES_ISO, on_cd_chosen, c);
}

static void on_eject_clicked(GtkButton *button, gpointer data)
{
    vireo_machine_page_change_cd(
        data, GPOINTER_TO_UINT(g_object_get_data(G_OBJECT(button), "disk")), NULL);
}

/* One row per CD drive: the disc's name (or No Disc), Eject and Change CD…. */
static void update_media(VireoMachinePage *self)
{
    GtkWidget *child;
    while ((child = gtk_widget_get_first_child(GTK_WIDGET(self->media_bar))))
        gtk_box_remove(self->media_bar, child);
    VireoMachine *m = self->machine;
    const VrMachineConfig *cfg = m ? vireo_machine_get_config(m) : NULL;
    guint n = cfg && cfg->disks && vireo_machine_get_entry(m)->cfg_loaded ? cfg->disks->len : 0;
    guint drives = 0;
    for (guint i = 0; i < n; i++) {
        if (!vireo_machine_is_cd_drive(m, i))
            continue;
        drives++;
        g_autofree char *path = vireo_machine_get_cd_path(m, i);
        g_autofree char *name = path ? g_path_get_basename(path) : NULL;
        GtkWidget *row = gtk_box_new(GTK_ORIENTATION_HORIZONTAL, 6);
        gtk_box_append(GTK_BOX(row), gtk_image_new_from_icon_name("media-optical-symbolic"));
        GtkWidget *label = gtk_label_new(name ? name : _("No Disc"));
        gtk_label_set_ellipsize(GTK_LABEL(label), PANGO_ELLIPSIZE_MIDDLE);
        gtk_label_set_xalign(GTK_LABEL(label), 0);
        gtk_widget_set_hexpand(label, TRUE);
        if (path)
            gtk_widget_set_tooltip_text(label, path);
        else
            gtk_widget_add_css_class(label, "dim-label");
        gtk_widget_set_name(label, "cd_label");
        gtk_box_append(GTK_BOX(row), label);
        GtkWidget *eject = gtk_button_new_with_mnemonic(_("_Eject"));
        gtk_widget_set_sensitive(eject, path != NULL);
        g_object_set_data(G_OBJECT(eject), "disk", GUINT_TO_POINTER(i));
        g_signal_connect(eject, "clicked", G_CALLBACK(on_eject_clicked), self);
        gtk_box_append(GTK_BOX(row), eject);
        GtkWidget *change = gtk_button_new_with_mnemonic(_("_Change CD…"));
        g_object_set_data(G_OBJECT(change), "disk", GUINT_TO_POINTER(i));
        g_signal_connect(change, "clicked", G_CALLBACK(on_change_cd_clicked), self);
        gtk_box_append(GTK_BOX(row), change);
        gtk_box_append(self->media_bar, row);
    }
    gtk_widget_set_visible(GTK_WIDGET(self->media_bar), drives > 0);
}

static void on_media_changed(VireoMachine *machine, guint disk, gboolean ejected_on_reboot,
                             gpointer data)
{
    VireoMachinePage *self = data;
    update_media(self);
    if (ejected_on_reboot)
        show_info_banner(self, _("The installer restarted the machine, so its CD was ejected: "
                                 "the machine now starts from its disk."));
}

static void on_config_changed(VireoMachine *machine, gpointer data)
{
    update_media(data);
}

/* ---- the network ---- */

/* While the machine runs with a network card: the guest's address and the cable. */
static void update_net(VireoMachinePage *self)
{
    VireoMachine *m = self->machine;
    gboolean shown = m && vireo_machine_is_active(m) && vireo_machine_has_net(m);
    gtk_widget_set_visible(self->net_bar, shown);
    if (!shown)
        return;
    const char *address = vireo_machine_get_guest_address(m);
    gboolean link = vireo_machine_get_net_link(m);
    g_autofree char *text = !link ? g_strdup(_("The network cable is unplugged"))
                            : address
                                ? g_strdup_printf(_("Guest address: %s"), address)
                                : g_strdup(_("Waiting for the guest to ask for an address (DHCP)"));
    gtk_label_set_text(self->net_address_label, text);
    self->net_updating = TRUE;
    gtk_switch_set_active(self->net_cable_switch, link);
    self->net_updating = FALSE;
}

static void on_cable_switched(GObject *object, GParamSpec *pspec, gpointer data)
{
    VireoMachinePage *self = data;
    if (self->net_updating || !self->machine)
        return;
    vireo_machine_set_net_link(self->machine, gtk_switch_get_active(self->net_cable_switch));
    update_net(self);
}

/* ---- sound ---- */

#define SOUND_LEVEL_INTERVAL_MS 50

static void show_sound_level(VireoMachinePage *self)
{
    VireoMachine *m = self->machine;
    gboolean muted = vireo_machine_get_sound_muted(m);
    gtk_level_bar_set_value(self->sound_level, muted ? 0.0 : vireo_machine_get_sound_level(m));
    guint underruns = vireo_machine_get_sound_underruns(m);
    g_autofree char *tip =
        /* Translators: the level bar's tooltip; %u counts the times the sound ran dry. */
        g_strdup_printf(g_dngettext(GETTEXT_PACKAGE, "The guest’s sound output (%u underrun)",
                                    "The guest’s sound output (%u underruns)", underruns),
                        underruns);
    gtk_widget_set_tooltip_text(GTK_WIDGET(self->sound_level), tip);
    g_autofree char *status = vireo_machine_get_sound_status(m);
    gboolean connected = !status || g_str_equal(status, "connected");
    /* The backend's words: why the sound goes nowhere. */
    gtk_label_set_text(self->sound_status_label, connected ? "" : status);
    gtk_widget_set_visible(GTK_WIDGET(self->sound_status_label), !connected);
}

static gboolean on_sound_tick(gpointer data)
{
    show_sound_level(data);
    return G_SOURCE_CONTINUE;
}

/* While the machine runs with a sound card: the mute button and the output's level, read
 * about 20 times a second while the page is on show. */
static void update_sound(VireoMachinePage *self)
{
    VireoMachine *m = self->machine;
    gboolean shown = m && vireo_machine_is_active(m) && vireo_machine_has_sound(m);
    gtk_widget_set_visible(self->sound_bar, shown);
    if (!shown || !gtk_widget_get_mapped(GTK_WIDGET(self))) {
        g_clear_handle_id(&self->sound_source, g_source_remove);
        return;
    }
    gboolean muted = vireo_machine_get_sound_muted(m);
    self->sound_updating = TRUE;
    gtk_toggle_button_set_active(self->sound_mute_button, muted);
    self->sound_updating = FALSE;
    gtk_button_set_icon_name(GTK_BUTTON(self->sound_mute_button),
                             muted ? "audio-volume-muted-symbolic" : "audio-volume-high-symbolic");
    gtk_widget_set_tooltip_text(GTK_WIDGET(self->sound_mute_button),
                                muted ? _("Unmute the machine’s sound")
                                      : _("Mute the machine’s sound"));
    show_sound_level(self);
    if (!self->sound_source)
        self->sound_source = g_timeout_add(SOUND_LEVEL_INTERVAL_MS, on_sound_tick, self);
}

static void on_mute_toggled(GtkToggleButton *button, gpointer data)
{
    VireoMachinePage *self = data;
    if (self->sound_updating || !self->machine)
        return;
    vireo_machine_set_sound_muted(self->machine, gtk_toggle_button_get_active(button));
    update_sound(self);
}

static void on_page_mapped(GtkWidget *widget, gpointer data)
{
    update_sound(data);
}

/* ---- state ---- */

static void update(VireoMachinePage *self)
{
    VireoMachine *m = self->machine;
    GtkWidget *w = GTK_WIDGET(self);
    static const char *const actions[] = {
        "machine.start",         "machine.pause",       "machine.resume",
        "machine.toggle-pause",  "machine.reset",       "machine.force-off",
        "machine.settings",      "machine.show-folder", "machine.copy",
        "machine.paste",         "machine.clear",       "machine.save-state",
        "machine.discard-state", "machine.shut-down",   "machine.firmware-menu",
    };
    if (!m) {
        for (unsigned i = 0; i < G_N_ELEMENTS(actions); i++)
            gtk_widget_action_set_enabled(w, actions[i], FALSE);
        gtk_widget_set_visible(self->paused_cue, FALSE);
        return;
    }
    VireoMachineState state = vireo_machine_get_state(m);
    const char *problem = vireo_machine_get_problem(m);
    gboolean active = vireo_machine_is_active(m);
    gboolean running = state == VIREO_MACHINE_RUNNING, paused = state == VIREO_MACHINE_PAUSED;
    gboolean busy = FALSE;
    g_object_get(m, "busy", &busy, NULL);
    gboolean saving = vireo_machine_is_saving(m);
    gboolean saved = vireo_machine_has_saved_state(m) && state == VIREO_MACHINE_OFF;
    if (!running && !paused)
        shutdown_done(self);

    adw_window_title_set_title(self->title, vireo_machine_get_name(m));
    const char *subtitle = vireo_machine_get_state_label(m);
    if (problem && !active)
        subtitle = _("Cannot start");
    else if (saved)
        subtitle = _("Saved · Start resumes it where it was");
    else if (self->shutting_down)
        subtitle = _("Shutting down…");
    adw_window_title_set_subtitle(self->title, subtitle);
    gtk_widget_set_visible(GTK_WIDGET(self->saving_spinner), saving);
    gtk_spinner_set_spinning(self->saving_spinner, saving);

    gtk_widget_set_visible(self->start_button, !running && !paused);
    gtk_widget_set_visible(self->pause_button, running);
    gtk_widget_set_visible(self->resume_button, paused);
    gtk_widget_set_visible(self->shut_down_button, running || paused);

    gtk_widget_action_set_enabled(w, "machine.start", state == VIREO_MACHINE_OFF && !problem);
    gtk_widget_action_set_enabled(w, "machine.pause", running && !busy);
    gtk_widget_action_set_enabled(w, "machine.resume", paused && !busy);
    gtk_widget_action_set_enabled(w, "machine.toggle-pause", (running || paused) && !busy);
    gtk_widget_action_set_enabled(w, "machine.reset", (running || paused) && !busy);
    gtk_widget_action_set_enabled(w, "machine.firmware-menu",
                                  (running || paused) && !busy && vireo_machine_boots_uefi(m));
    gtk_widget_action_set_enabled(w, "machine.force-off", running || paused);
    gtk_widget_action_set_enabled(w, "machine.shut-down",
                                  running && !busy && !saving && !self->shutting_down);
    gtk_widget_action_set_enabled(w, "machine.settings", vireo_machine_get_entry(m)->cfg_loaded);
    gtk_widget_action_set_enabled(w, "machine.show-folder", TRUE);
    gtk_widget_action_set_enabled(w, "machine.save-state", (running || paused) && !busy);
    gtk_widget_action_set_enabled(w, "machine.discard-state",
                                  vireo_machine_has_saved_state(m) && state == VIREO_MACHINE_OFF);

    g_autoptr(GBytes) log = vireo_machine_get_console_log(m);
    /* The console once the machine runs or has printed something; a start that failed
     * before any output leaves the "off" page (and the banner saying why). */
    gboolean show_console = active || g_bytes_get_size(log) > 0;
    GtkWidget *console = console_for(self, m, show_console);
    const char *page = "off";
    if (problem && !active) {
        page = "problem";
        adw_status_page_set_description(self->problem_page, problem);
        /* Settings that could not be read cannot be edited here. */
        gtk_widget_set_visible(self->problem_settings_button,
                               vireo_machine_get_entry(m)->cfg_loaded);
    } else if (console && show_console) {
        page = "console";
        VireoDisplay *screen = screen_for(self, m);
        gtk_stack_set_visible_child(self->console_stack,
                                    screen && !self->view_console ? GTK_WIDGET(screen) : console);
    } else {
        adw_status_page_set_title(self->off_page, vireo_machine_get_name(m));
        adw_status_page_set_description(
            self->off_page, saved ? _("Its state was saved. Start resumes it where it was.")
                                  : _("This machine is off. Start it to see its console here."));
    }
    gtk_stack_set_visible_child_name(self->content_stack, page);
    gboolean have_screen = vireo_machine_has_display(m);
    gtk_widget_set_visible(self->console_toggle, have_screen);
    gtk_toggle_button_set_active(GTK_TOGGLE_BUTTON(self->console_toggle), self->view_console);
    gboolean screen_shown = shown_screen(self) && g_str_equal(page, "console");
    gtk_widget_action_set_enabled(w, "machine.send-keys", screen_shown && running);
    gtk_widget_action_set_enabled(w, "machine.screenshot", screen_shown);
    gtk_widget_action_set_enabled(w, "machine.fullscreen", screen_shown);
    update_pads(self, screen_shown && running);
    gtk_widget_action_set_enabled(w, "machine.scale", have_screen);
    gtk_widget_action_set_enabled(w, "machine.view-console", have_screen);
    gboolean have_console = console && g_str_equal(page, "console") && !screen_shown;
    gtk_widget_action_set_enabled(w, "machine.copy", have_console);
    gtk_widget_action_set_enabled(w, "machine.paste", have_console && running);
    gtk_widget_action_set_enabled(w, "machine.clear", have_console);
    if (console)
        /* A paused guest takes no keys (they would arrive all at once, long after they were
         * typed); keys typed while the state is written would be lost with the power-off. */
        vte_terminal_set_input_enabled(terminal_of(console), running && !saving);
    gtk_widget_set_visible(self->paused_cue, paused && !saving && have_console);
}

static void on_machine_notify(GObject *object, GParamSpec *pspec, gpointer data)
{
    VireoMachinePage *self = data;
    VireoMachineState before = GPOINTER_TO_INT(g_object_get_data(G_OBJECT(self), "last-state"));
    VireoMachineState now = vireo_machine_get_state(self->machine);
    g_object_set_data(G_OBJECT(self), "last-state", GINT_TO_POINTER(now));
    update(self);
    update_net(self);
    update_sound(self);
    if (now == VIREO_MACHINE_PAUSED && before != VIREO_MACHINE_PAUSED)
        save_thumbnail(self);
    if (now == VIREO_MACHINE_STARTING && before != VIREO_MACHINE_STARTING)
        self->start_serial++;
    /* Up: what the banner said about an earlier run is over, news of this start is not. */
    if (now == VIREO_MACHINE_RUNNING && before == VIREO_MACHINE_STARTING &&
        self->banner_news_serial != self->start_serial)
        hide_banner(self);
    /* The button that was pressed may have gone with the new state (Pause, Resume). */
    if (now != before && (now == VIREO_MACHINE_RUNNING || now == VIREO_MACHINE_PAUSED))
        focus_console_later(self);
}

static void on_machine_error(VireoMachine *machine, const char *message, gpointer data)
{
    show_banner(data, message);
}

void vireo_machine_page_set_machine(VireoMachinePage *self, VireoMachine *machine)
{
    if (self->machine == machine) {
        update(self);
        return;
    }
    if (self->machine) {
        g_signal_handlers_disconnect_by_data(self->machine, self);
        g_clear_object(&self->machine);
    }
    shutdown_done(self);
    hide_banner(self);
    if (machine) {
        self->machine = g_object_ref(machine);
        if (vireo_machine_get_restore_error(machine))
            show_banner(self, vireo_machine_get_restore_error(machine));
        g_object_set_data(G_OBJECT(self), "last-state",
                          GINT_TO_POINTER(vireo_machine_get_state(machine)));
        g_signal_connect(machine, "notify", G_CALLBACK(on_machine_notify), self);
        g_signal_connect(machine, "error", G_CALLBACK(on_machine_error), self);
        g_signal_connect(machine, "media-changed", G_CALLBACK(on_media_changed), self);
        g_signal_connect(machine, "config-changed", G_CALLBACK(on_config_changed), self);
    }
    update_media(self);
    update_net(self);
    update_sound(self);
    update(self);
}

/* ---- actions ---- */

/* Presses the keys of combo ("ctrl+alt+delete") in order and lets them go in reverse. */
static void send_keys(VireoMachine *m, const char *combo)
{
    g_auto(GStrv) names = g_strsplit(combo, "+", -1);
    int keys[8];
    gsize n = 0;
    for (gsize i = 0; names[i] && n < G_N_ELEMENTS(keys); i++) {
        int code = vr_keymap_evdev_from_name(names[i]);
        if (code < 0) {
            g_warning("no key called %s", names[i]);
            return;
        }
        keys[n++] = code;
    }
    VrVirtioInputEvent ev[VR_KEYMAP_COMBO_EVENTS(8)];
    gsize count = vr_keymap_combo_events(keys, n, ev, G_N_ELEMENTS(ev));
    if (count)
        vireo_machine_send_input(m, VR_INPUT_KEYBOARD, ev, count);
}

/* Saves the guest's picture, at its own size, to the Pictures folder and says where. */
static void take_screenshot(VireoMachinePage *self)
{
    VireoDisplay *d = shown_screen(self);
    if (!d)
        return;
    const char *dir = g_get_user_special_dir(G_USER_DIRECTORY_PICTURES);
    if (!dir)
        dir = g_get_home_dir();
    g_autoptr(GDateTime) now = g_date_time_new_now_local();
    g_autofree char *stamp = g_date_time_format(now, "%Y-%m-%d %H-%M-%S");
    /* Translators: a file name: the machine's name, then the date and time. */
    g_autofree char *base =
        g_strdup_printf(_("%s screenshot %s.png"), vireo_machine_get_name(self->machine), stamp);
    g_autofree char *path = g_build_filename(dir, base, NULL);
    g_autoptr(GError) error = NULL;
    GtkRoot *root = gtk_widget_get_root(GTK_WIDGET(self));
    g_mkdir_with_parents(dir, 0755);
    if (!vireo_display_save_png(d, path, &error)) {
        show_banner(self, error->message);
        return;
    }
    if (VIREO_IS_WINDOW(root)) {
        /* Translators: %s is the file the screenshot was saved to. */
        g_autofree char *text = g_strdup_printf(_("Screenshot saved to %s"), path);
        vireo_window_toast(VIREO_WINDOW(root), text);
    }
}

/* The screen's scale ("fit", "one", "resize"): a property behind the stateful action
 * machine.scale. */
enum { PROP_0, PROP_SCREEN_SCALE, N_PAGE_PROPS };

static const char *const scale_names[] = {"fit", "one", "resize"};

static void set_scale(VireoMachinePage *self, VireoDisplayScaleMode mode)
{
    self->scale = mode;
    GHashTableIter it;
    gpointer value;
    g_hash_table_iter_init(&it, self->screens);
    while (g_hash_table_iter_next(&it, NULL, &value))
        vireo_display_set_scale_mode(VIREO_DISPLAY(value), mode);
}

static void page_get_property(GObject *object, guint id, GValue *value, GParamSpec *pspec)
{
    VireoMachinePage *self = VIREO_MACHINE_PAGE(object);
    if (id == PROP_SCREEN_SCALE)
        g_value_set_string(value, scale_names[self->scale]);
    else
        G_OBJECT_WARN_INVALID_PROPERTY_ID(object, id, pspec);
}

static void page_set_property(GObject *object, guint id, const GValue *value, GParamSpec *pspec)
{
    VireoMachinePage *self = VIREO_MACHINE_PAGE(object);
    if (id != PROP_SCREEN_SCALE) {
        G_OBJECT_WARN_INVALID_PROPERTY_ID(object, id, pspec);
        return;
    }
    const char *name = g_value_get_string(value);
    for (guint i = 0; i < G_N_ELEMENTS(scale_names); i++)
        if (g_strcmp0(name, scale_names[i]) == 0)
            set_scale(self, (VireoDisplayScaleMode) i);
}

static void page_action(GtkWidget *widget, const char *name, GVariant *param)
{
    VireoMachinePage *self = VIREO_MACHINE_PAGE(widget);
    VireoMachine *m = self->machine;
    if (!m)
        return;
    VteTerminal *term = VTE_TERMINAL(vireo_machine_page_get_terminal(self));
    GtkRoot *root = gtk_widget_get_root(widget);
    if (g_str_equal(name, "machine.start")) {
        g_autoptr(GError) error = NULL;
        hide_banner(self);
        if (!vireo_machine_start(m, &error))
            show_banner(self, error->message);
    } else if (g_str_equal(name, "machine.pause")) {
        vireo_machine_pause(m);
    } else if (g_str_equal(name, "machine.resume")) {
        vireo_machine_resume(m);
    } else if (g_str_equal(name, "machine.toggle-pause")) {
        if (vireo_machine_get_state(m) == VIREO_MACHINE_PAUSED)
            vireo_machine_resume(m);
        else
            vireo_machine_pause(m);
    } else if (g_str_equal(name, "machine.reset")) {
        vireo_machine_reset(m);
    } else if (g_str_equal(name, "machine.firmware-menu")) {
        vireo_machine_restart_to_firmware(m);
    } else if (g_str_equal(name, "machine.shut-down")) {
        shut_down(self);
    } else if (g_str_equal(name, "machine.force-off")) {
        confirm_force_off(self);
    } else if (g_str_equal(name, "machine.save-state")) {
        hide_banner(self);
        vireo_machine_save_state_and_quit(m);
    } else if (g_str_equal(name, "machine.discard-state")) {
        g_autoptr(GError) error = NULL;
        hide_banner(self);
        if (!vireo_machine_discard_saved_state(m, &error))
            show_banner(self, error->message);
    } else if (g_str_equal(name, "machine.settings")) {
        if (VIREO_IS_WINDOW(root))
            vireo_window_open_settings(VIREO_WINDOW(root), m);
    } else if (g_str_equal(name, "machine.show-folder")) {
        g_autoptr(GFile) folder = g_file_new_for_path(vireo_machine_get_folder(m));
        g_autofree char *uri = g_file_get_uri(folder);
        gtk_show_uri(GTK_IS_WINDOW(root) ? GTK_WINDOW(root) : NULL, uri, GDK_CURRENT_TIME);
    } else if (g_str_equal(name, "machine.view-console")) {
        self->view_console = !self->view_console;
        update(self);
    } else if (g_str_equal(name, "machine.send-keys")) {
        send_keys(m, g_variant_get_string(param, NULL));
    } else if (g_str_equal(name, "machine.screenshot")) {
        take_screenshot(self);
    } else if (g_str_equal(name, "machine.fullscreen") && GTK_IS_WINDOW(root)) {
        /* The screen fills the monitor; the same again (or F11) leaves. */
        if (gtk_window_is_fullscreen(GTK_WINDOW(root)))
            gtk_window_unfullscreen(GTK_WINDOW(root));
        else
            gtk_window_fullscreen(GTK_WINDOW(root));
    } else if (term && g_str_equal(name, "machine.copy")) {
        vte_terminal_copy_clipboard_format(term, VTE_FORMAT_TEXT);
    } else if (term && g_str_equal(name, "machine.paste")) {
        vte_terminal_paste_clipboard(term);
    } else if (term && g_str_equal(name, "machine.clear")) {
        clear_terminal(term);
    }
    focus_console_later(self);
}

/* Shortcuts that must win over the terminal, which takes every other key for the guest. */
static void add_capture_shortcuts(VireoMachinePage *self)
{
    static const struct {
        const char *trigger;
        const char *action;
    } shortcuts[] = {
        {"<Control><Shift>s", "machine.start"},
        {"<Control><Shift>p", "machine.toggle-pause"},
        {"<Control><Shift>r", "machine.reset"},
        {"<Control><Shift>d", "machine.shut-down"},
        {"<Control><Shift>o", "machine.force-off"},
        {"<Control><Shift>comma", "machine.settings"},
        {"F11", "machine.fullscreen"},
        {"<Control><Shift>c", "machine.copy"},
        {"<Control><Shift>v", "machine.paste"},
        {"<Alt>Left", "win.back"},
    };
    GtkEventController *controller = gtk_shortcut_controller_new();
    gtk_event_controller_set_propagation_phase(controller, GTK_PHASE_CAPTURE);
    for (unsigned i = 0; i < G_N_ELEMENTS(shortcuts); i++) {
        GtkShortcut *s = gtk_shortcut_new(gtk_shortcut_trigger_parse_string(shortcuts[i].trigger),
                                          gtk_named_action_new(shortcuts[i].action));
        gtk_shortcut_controller_add_shortcut(GTK_SHORTCUT_CONTROLLER(controller), s);
    }
    gtk_widget_add_controller(GTK_WIDGET(self), controller);
}

/* ---- GObject ---- */

static void vireo_machine_page_dispose(GObject *object)
{
    VireoMachinePage *self = VIREO_MACHINE_PAGE(object);
    shutdown_done(self);
    g_clear_handle_id(&self->focus_source, g_source_remove);
    g_clear_handle_id(&self->sound_source, g_source_remove);
    if (self->machine) {
        g_signal_handlers_disconnect_by_data(self->machine, self);
        g_clear_object(&self->machine);
    }
    g_clear_pointer(&self->consoles, g_hash_table_unref);
    g_clear_pointer(&self->screens, g_hash_table_unref);
    g_clear_handle_id(&self->pads_source, g_source_remove);
    g_clear_pointer(&self->pads, vr_gamepads_free);
    gtk_widget_dispose_template(GTK_WIDGET(self), VIREO_TYPE_MACHINE_PAGE);
    G_OBJECT_CLASS(vireo_machine_page_parent_class)->dispose(object);
}

static void vireo_machine_page_class_init(VireoMachinePageClass *klass)
{
    GObjectClass *object_class = G_OBJECT_CLASS(klass);
    GtkWidgetClass *widget_class = GTK_WIDGET_CLASS(klass);
    object_class->dispose = vireo_machine_page_dispose;
    object_class->get_property = page_get_property;
    object_class->set_property = page_set_property;
    g_object_class_install_property(
        object_class, PROP_SCREEN_SCALE,
        g_param_spec_string("screen-scale", NULL, NULL, "fit",
                            G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

    gtk_widget_class_set_template_from_resource(widget_class,
                                                "/org/vireo/Vireo/ui/vireo-machine-page.ui");
    gtk_widget_class_bind_template_child(widget_class, VireoMachinePage, title);
    gtk_widget_class_bind_template_child(widget_class, VireoMachinePage, start_button);
    gtk_widget_class_bind_template_child(widget_class, VireoMachinePage, pause_button);
    gtk_widget_class_bind_template_child(widget_class, VireoMachinePage, resume_button);
    gtk_widget_class_bind_template_child(widget_class, VireoMachinePage, shut_down_button);
    gtk_widget_class_bind_template_child(widget_class, VireoMachinePage, banner_revealer);
    gtk_widget_class_bind_template_child(widget_class, VireoMachinePage, banner_label);
    gtk_widget_class_bind_template_child(widget_class, VireoMachinePage, banner_discard);
    gtk_widget_class_bind_template_child(widget_class, VireoMachinePage, saving_spinner);
    gtk_widget_class_bind_template_child(widget_class, VireoMachinePage, banner_close);
    gtk_widget_class_bind_template_child(widget_class, VireoMachinePage, content_stack);
    gtk_widget_class_bind_template_child(widget_class, VireoMachinePage, console_stack);
    gtk_widget_class_bind_template_child(widget_class, VireoMachinePage, off_page);
    gtk_widget_class_bind_template_child(widget_class, VireoMachinePage, problem_page);
    gtk_widget_class_bind_template_child(widget_class, VireoMachinePage, problem_settings_button);
    gtk_widget_class_bind_template_child(widget_class, VireoMachinePage, paused_cue);
    gtk_widget_class_bind_template_child(widget_class, VireoMachinePage, media_bar);
    gtk_widget_class_bind_template_child(widget_class, VireoMachinePage, net_bar);
    gtk_widget_class_bind_template_child(widget_class, VireoMachinePage, net_address_label);
    gtk_widget_class_bind_template_child(widget_class, VireoMachinePage, net_cable_switch);
    gtk_widget_class_bind_template_child(widget_class, VireoMachinePage, sound_bar);
    gtk_widget_class_bind_template_child(widget_class, VireoMachinePage, sound_mute_button);
    gtk_widget_class_bind_template_child(widget_class, VireoMachinePage, sound_level);
    gtk_widget_class_bind_template_child(widget_class, VireoMachinePage, sound_status_label);
    gtk_widget_class_bind_template_child(widget_class, VireoMachinePage, console_toggle);

    static const char *const actions[] = {
        "machine.start",         "machine.pause",       "machine.resume",
        "machine.toggle-pause",  "machine.reset",       "machine.force-off",
        "machine.settings",      "machine.show-folder", "machine.copy",
        "machine.paste",         "machine.clear",       "machine.save-state",
        "machine.discard-state", "machine.shut-down",   "machine.firmware-menu",
    };
    for (unsigned i = 0; i < G_N_ELEMENTS(actions); i++)
        gtk_widget_class_install_action(widget_class, actions[i], NULL, page_action);
    gtk_widget_class_install_action(widget_class, "machine.view-console", NULL, page_action);
    gtk_widget_class_install_action(widget_class, "machine.screenshot", NULL, page_action);
    gtk_widget_class_install_action(widget_class, "machine.fullscreen", NULL, page_action);
    gtk_widget_class_install_action(widget_class, "machine.send-keys", "s", page_action);
    gtk_widget_class_install_property_action(widget_class, "machine.scale", "screen-scale");
}

static void vireo_machine_page_init(VireoMachinePage *self)
{
    gtk_widget_init_template(GTK_WIDGET(self));
    self->shutdown_timeout_s = SHUTDOWN_TIMEOUT_S;
    self->consoles = g_hash_table_new_full(g_direct_hash, g_direct_equal, g_object_unref, NULL);
    self->screens = g_hash_table_new_full(g_direct_hash, g_direct_equal, g_object_unref, NULL);
    g_signal_connect(self->banner_close, "clicked", G_CALLBACK(on_banner_close), self);
    g_signal_connect(self->net_cable_switch, "notify::active", G_CALLBACK(on_cable_switched), self);
    g_signal_connect(self->sound_mute_button, "toggled", G_CALLBACK(on_mute_toggled), self);
    g_signal_connect(self, "map", G_CALLBACK(on_page_mapped), self);
    g_signal_connect(self, "unmap", G_CALLBACK(on_page_mapped), self);
    add_capture_shortcuts(self);
    update(self);
}
