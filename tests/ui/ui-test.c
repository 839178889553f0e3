/* Helpers for the UI tests. */
#include <gdk/x11/gdkx.h>
#include <glib/gstdio.h>
#include <stdarg.h>
#include <string.h>

#include "boot-iso.h"
#include "fake-iso.h"
#include "ui-test.h"
#include "vireo-i18n.h"
#include "vireo-util.h"
#include "vr-library.h"
#include "riscv/riscv.h"

static VireoApplication *app;
static char *root_dir, *machines_dir, *scratch_dir;

static gboolean remove_tree(const char *path)
{
    g_autoptr(GFile) file = g_file_new_for_path(path);
    g_autoptr(GFileEnumerator) e = g_file_enumerate_children(
        file, G_FILE_ATTRIBUTE_STANDARD_NAME, G_FILE_QUERY_INFO_NOFOLLOW_SYMLINKS, NULL, NULL);
    if (e) {
        GFileInfo *info;
        while ((info = g_file_enumerator_next_file(e, NULL, NULL))) {
            g_autofree char *child = g_build_filename(path, g_file_info_get_name(info), NULL);
            remove_tree(child);
            g_object_unref(info);
        }
    }
    return g_remove(path) == 0;
}

/* A notification server on the test's session bus (there is no desktop): it records what
 * it is sent, for the tests to look at. */
static GPtrArray *notifications;
static guint notification_ids;

static const char notifications_xml[] =
    "<node><interface name='org.freedesktop.Notifications'>"
    "<method name='Notify'><arg type='s' direction='in'/><arg type='u' direction='in'/>"
    "<arg type='s' direction='in'/><arg type='s' direction='in'/>"
    "<arg type='s' direction='in'/><arg type='as' direction='in'/>"
    "<arg type='a{sv}' direction='in'/><arg type='i' direction='in'/>"
    "<arg type='u' direction='out'/></method>"
    "<method name='CloseNotification'><arg type='u' direction='in'/></method>"
    "<method name='GetCapabilities'><arg type='as' direction='out'/></method>"
    "<method name='GetServerInformation'><arg type='s' direction='out'/>"
    "<arg type='s' direction='out'/><arg type='s' direction='out'/>"
    "<arg type='s' direction='out'/></method>"
    "<signal name='NotificationClosed'><arg type='u'/><arg type='u'/></signal>"
    "<signal name='ActionInvoked'><arg type='u'/><arg type='s'/></signal>"
    "</interface></node>";

static void notifications_call(GDBusConnection *c, const char *sender, const char *path,
                               const char *iface, const char *method, GVariant *params,
                               GDBusMethodInvocation *invocation, gpointer data)
{
    if (g_str_equal(method, "Notify")) {
        const char *summary = NULL, *body = NULL;
        g_variant_get_child(params, 3, "&s", &summary);
        g_variant_get_child(params, 4, "&s", &body);
        g_ptr_array_add(notifications, g_strdup_printf("%s\n%s", summary, body));
        g_dbus_method_invocation_return_value(invocation, g_variant_new("(u)", ++notification_ids));
    } else if (g_str_equal(method, "GetCapabilities")) {
        const char *caps[] = {"body", "actions", NULL};
        g_dbus_method_invocation_return_value(invocation, g_variant_new("(^as)", caps));
    } else if (g_str_equal(method, "GetServerInformation")) {
        g_dbus_method_invocation_return_value(
            invocation, g_variant_new("(ssss)", "vireo-test", "vireo", "1", "1.2"));
    } else {
        g_dbus_method_invocation_return_value(invocation, NULL);
    }
}

static void start_notification_server(void)
{
    notifications = g_ptr_array_new_with_free_func(g_free);
    g_autoptr(GError) error = NULL;
    GDBusConnection *bus = g_bus_get_sync(G_BUS_TYPE_SESSION, NULL, &error);
    g_assert_no_error(error);
    g_autoptr(GDBusNodeInfo) info = g_dbus_node_info_new_for_xml(notifications_xml, &error);
    g_assert_no_error(error);
    static const GDBusInterfaceVTable vtable = {notifications_call, NULL, NULL, {0}};
    g_dbus_connection_register_object(bus, "/org/freedesktop/Notifications", info->interfaces[0],
                                      &vtable, NULL, NULL, &error);
    g_assert_no_error(error);
    g_autoptr(GVariant) reply = g_dbus_connection_call_sync(
        bus, "org.freedesktop.DBus", "/org/freedesktop/DBus", "org.freedesktop.DBus", "RequestName",
        g_variant_new("(su)", "org.freedesktop.Notifications", 4u), G_VARIANT_TYPE("(u)"),
        G_DBUS_CALL_FLAGS_NONE, -1, NULL, &error);
    g_assert_no_error(error);
}

const char *ui_last_notification(void)
{
    return notifications && notifications->len
               ? g_ptr_array_index(notifications, notifications->len - 1)
               : NULL;
}

void ui_test_init(int *argc, char ***argv)
{
    /* Before anything asks GLib where the user's data is. */
    root_dir = g_dir_make_tmp("vireo-ui-XXXXXX", NULL);
    g_assert_nonnull(root_dir);
    g_autofree char *data = g_build_filename(root_dir, "data", NULL);
    g_autofree char *config = g_build_filename(root_dir, "config", NULL);
    g_autofree char *cache = g_build_filename(root_dir, "cache", NULL);
    g_mkdir_with_parents(data, 0700);
    g_setenv("XDG_DATA_HOME", data, TRUE);
    g_setenv("XDG_CONFIG_HOME", config, TRUE);
    g_setenv("XDG_CACHE_HOME", cache, TRUE);
    g_setenv("GSETTINGS_BACKEND", "memory", TRUE);
    machines_dir = g_build_filename(data, "vireo", "machines", NULL);
    scratch_dir = g_build_filename(root_dir, "scratch", NULL);
    g_mkdir_with_parents(scratch_dir, 0700);

    vireo_i18n_init();
    gtk_test_init(argc, argv, NULL);
    /* The tier the window's machines run on (VIREO_ACCEL chooses it for a run of the suite). */
    g_test_message("accel: %s", vr_accel_name(vr_accel_default()));
    start_notification_server();
    app = vireo_application_new(G_APPLICATION_NON_UNIQUE);
    g_autoptr(GError) error = NULL;
    g_application_register(G_APPLICATION(app), NULL, &error);
    g_assert_no_error(error);
    g_application_activate(G_APPLICATION(app));
    VireoWindow *window = ui_window();
    UI_WAIT_FOR(gtk_widget_get_mapped(GTK_WIDGET(window)) &&
                    gtk_widget_get_width(GTK_WIDGET(window)) > 0,
                10000, "the window to show");
}

void ui_test_finish(void)
{
    vireo_library_shutdown(ui_library());
    GListModel *toplevels = gtk_window_get_toplevels();
    for (guint i = g_list_model_get_n_items(toplevels); i-- > 0;) {
        g_autoptr(GtkWindow) w = g_list_model_get_item(toplevels, i);
        gtk_window_destroy(w);
    }
    ui_iterate(50);
    g_clear_object(&app);
    remove_tree(root_dir);
}

VireoApplication *ui_app(void)
{
    return app;
}

VireoWindow *ui_window(void)
{
    return vireo_application_get_window(app);
}

VireoLibrary *ui_library(void)
{
    return vireo_application_get_library(app);
}

const char *ui_machines_dir(void)
{
    return machines_dir;
}

const char *ui_scratch_dir(void)
{
    return scratch_dir;
}

void ui_iterate(int ms)
{
    gint64 end = g_get_monotonic_time() + (gint64) ms * 1000;
    while (g_get_monotonic_time() < end) {
        while (g_main_context_iteration(NULL, FALSE))
            ;
        g_usleep(1000);
    }
}

void ui_wait(gboolean (*cond)(gpointer), gpointer data, int timeout_ms, const char *what)
{
    UI_WAIT_FOR(cond(data), timeout_ms, what);
}

GtkWidget *ui_find_named(GtkWidget *root, const char *name)
{
    if (g_strcmp0(gtk_widget_get_name(root), name) == 0)
        return root;
    for (GtkWidget *c = gtk_widget_get_first_child(root); c; c = gtk_widget_get_next_sibling(c)) {
        GtkWidget *found = ui_find_named(c, name);
        if (found)
            return found;
    }
    return NULL;
}

void ui_vireo_create(const char *first_arg, ...)
{
    g_autoptr(GPtrArray) argv = g_ptr_array_new();
    g_ptr_array_add(argv, (gpointer) g_getenv("VIREO"));
    g_ptr_array_add(argv, (gpointer) "create");
    va_list ap;
    va_start(ap, first_arg);
    for (const char *a = first_arg; a; a = va_arg(ap, const char *))
        g_ptr_array_add(argv, (gpointer) a);
    va_end(ap);
    g_ptr_array_add(argv, NULL);
    int status = 0;
    g_autoptr(GError) error = NULL;
    g_assert_true(g_spawn_sync(NULL, (char **) argv->pdata, NULL, G_SPAWN_STDOUT_TO_DEV_NULL, NULL,
                               NULL, NULL, NULL, &status, &error));
    g_assert_no_error(error);
    g_assert_true(g_spawn_check_wait_status(status, NULL));
}

GtkWidget *ui_find(GtkWidget *root, const char *id)
{
    if (!root)
        return NULL;
    const char *bid = gtk_buildable_get_buildable_id(GTK_BUILDABLE(root));
    if (bid && strcmp(bid, id) == 0)
        return root;
    for (GtkWidget *c = gtk_widget_get_first_child(root); c; c = gtk_widget_get_next_sibling(c)) {
        GtkWidget *found = ui_find(c, id);
        if (found)
            return found;
    }
    return NULL;
}

GtkWidget *ui_find_type(GtkWidget *root, GType type)
{
    if (!root)
        return NULL;
    if (G_TYPE_CHECK_INSTANCE_TYPE(root, type))
        return root;
    for (GtkWidget *c = gtk_widget_get_first_child(root); c; c = gtk_widget_get_next_sibling(c)) {
        GtkWidget *found = ui_find_type(c, type);
        if (found)
            return found;
    }
    return NULL;
}

GtkWidget *ui_find_label(GtkWidget *root, const char *text)
{
    if (!root)
        return NULL;
    if (GTK_IS_LABEL(root) && gtk_widget_get_visible(root) &&
        strstr(gtk_label_get_text(GTK_LABEL(root)), text))
        return root;
    for (GtkWidget *c = gtk_widget_get_first_child(root); c; c = gtk_widget_get_next_sibling(c)) {
        GtkWidget *found = ui_find_label(c, text);
        if (found)
            return found;
    }
    return NULL;
}

GtkWidget *ui_find_button(GtkWidget *root, const char *label)
{
    if (!root)
        return NULL;
    if (GTK_IS_BUTTON(root) && g_strcmp0(gtk_button_get_label(GTK_BUTTON(root)), label) == 0 &&
        gtk_widget_is_visible(root))
        return root;
    for (GtkWidget *c = gtk_widget_get_first_child(root); c; c = gtk_widget_get_next_sibling(c)) {
        GtkWidget *found = ui_find_button(c, label);
        if (found)
            return found;
    }
    return NULL;
}

void ui_click(GtkWidget *button)
{
    g_assert_nonnull(button);
    g_assert_true(GTK_IS_BUTTON(button));
    g_assert_true(gtk_widget_is_sensitive(button));
    g_assert_true(gtk_widget_is_visible(button));
    g_signal_emit_by_name(button, "clicked");
    ui_iterate(20);
}

gboolean ui_have_xdotool(void)
{
    g_autofree char *path = g_find_program_in_path("xdotool");
    return path != NULL;
}

static void xdotool(const char *const *args)
{
    g_autoptr(GStrvBuilder) b = g_strv_builder_new();
    g_strv_builder_add(b, "xdotool");
    g_strv_builder_addv(b, (const char **) args);
    g_auto(GStrv) argv = g_strv_builder_end(b);
    g_autoptr(GError) error = NULL;
    g_autofree char *err = NULL;
    int status = 0;
    g_assert_true(g_spawn_sync(NULL, argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL,
                               NULL, NULL, NULL, &err, &status, &error));
    g_assert_no_error(error);
    if (!g_spawn_check_wait_status(status, NULL))
        g_error("xdotool %s failed: %s", args[0], err);
}

/* The X window of widget's toplevel, given the input focus. */
static char *focus_toplevel(GtkWidget *widget)
{
    g_assert_true(ui_have_xdotool());
    GtkNative *native = gtk_widget_get_native(widget);
    g_assert_nonnull(native);
    GdkSurface *surface = gtk_native_get_surface(native);
    g_assert_true(GDK_IS_X11_SURFACE(surface));
    char *xid = g_strdup_printf("%lu", (unsigned long) gdk_x11_surface_get_xid(surface));
    const char *args[] = {"windowfocus", "--sync", xid, NULL};
    xdotool(args);
    ui_iterate(50);
    return xid;
}

void ui_keys(GtkWidget *widget, const char *keys)
{
    g_autofree char *xid = focus_toplevel(widget);
    g_auto(GStrv) list = g_strsplit(keys, " ", -1);
    for (unsigned i = 0; list[i]; i++) {
        const char *args[] = {"key", "--clearmodifiers", list[i], NULL};
        xdotool(args);
        ui_iterate(30);
    }
    ui_iterate(100);
}

void ui_type(GtkWidget *widget, const char *text)
{
    g_autofree char *xid = focus_toplevel(widget);
    const char *args[] = {"type", "--delay", "15", text, NULL};
    xdotool(args);
    ui_iterate(150);
}

void ui_real_click(GtkWidget *widget)
{
    ui_real_click_at(widget, gtk_widget_get_width(widget) / 2.f,
                     gtk_widget_get_height(widget) / 2.f);
}

void ui_real_click_at(GtkWidget *widget, float wx, float wy)
{
    g_assert_true(gtk_widget_is_sensitive(widget));
    g_assert_true(gtk_widget_is_visible(widget));
    GtkNative *native = gtk_widget_get_native(widget);
    g_autofree char *xid = NULL;
    if (GTK_IS_WINDOW(native)) {
        xid = focus_toplevel(widget);
    } else {
        /* A popover (a menu): the pointer goes to it where it is, focus or not. */
        g_assert_true(ui_have_xdotool());
        xid = g_strdup_printf(
            "%lu", (unsigned long) gdk_x11_surface_get_xid(gtk_native_get_surface(native)));
    }
    graphene_point_t in = GRAPHENE_POINT_INIT(wx, wy);
    graphene_point_t out;
    g_assert_true(gtk_widget_compute_point(widget, GTK_WIDGET(native), &in, &out));
    double dx = 0, dy = 0;
    gtk_native_get_surface_transform(native, &dx, &dy);
    g_autofree char *x = g_strdup_printf("%d", (int) (out.x + dx));
    g_autofree char *y = g_strdup_printf("%d", (int) (out.y + dy));
    const char *move[] = {"mousemove", "--sync", "--window", xid, x, y, NULL};
    xdotool(move);
    ui_iterate(50);
    const char *click[] = {"click", "1", NULL};
    xdotool(click);
    ui_iterate(150);
}

GtkWidget *ui_find_toplevel(GType type)
{
    GListModel *toplevels = gtk_window_get_toplevels();
    GtkWidget *found = NULL;
    for (guint i = 0; i < g_list_model_get_n_items(toplevels); i++) {
        g_autoptr(GtkWidget) w = g_list_model_get_item(toplevels, i);
        if (G_TYPE_CHECK_INSTANCE_TYPE(w, type) && gtk_widget_get_visible(w))
            found = w;
    }
    return found;
}

void ui_screenshot(GtkWidget *widget, const char *name)
{
    g_autoptr(GdkTexture) texture = ui_render(widget, name);
}

typedef struct {
    GtkWidget *widget;
    GdkPaintable *paintable;
    int width, height;
    GskRenderNode *node;
} Capture;

/* After a frame's layout and paint: every widget has its allocation, and nothing can queue a
 * new layout before this handler returns. Snapshots taken between frames can meet a widget
 * whose new allocation is still to come (a dialog filling in as it loads), which GTK warns
 * about. */
static void capture_after_paint(GdkFrameClock *clock, gpointer data)
{
    Capture *c = data;
    if (c->node)
        return;
    c->width = gtk_widget_get_width(c->widget);
    c->height = gtk_widget_get_height(c->widget);
    if (c->width <= 0 || c->height <= 0)
        return;
    GtkSnapshot *snapshot = gtk_snapshot_new();
    gdk_paintable_snapshot(c->paintable, snapshot, c->width, c->height);
    c->node = gtk_snapshot_free_to_node(snapshot);
}

GdkTexture *ui_render(GtkWidget *widget, const char *name)
{
    /* Let layout and drawing settle first. */
    ui_iterate(300);
    const char *dir = g_getenv("VIREO_TEST_OUTPUT");
    g_assert_nonnull(dir);
    g_mkdir_with_parents(dir, 0755);
    g_autoptr(GdkPaintable) paintable = gtk_widget_paintable_new(widget);
    Capture c = {.widget = widget, .paintable = paintable};
    GdkFrameClock *clock = gtk_widget_get_frame_clock(widget);
    g_assert_nonnull(clock);
    gulong handler = g_signal_connect(clock, "after-paint", G_CALLBACK(capture_after_paint), &c);
    /* Until a frame has painted the widget at a size. */
    for (int tries = 0; !c.node && tries < 40; tries++) {
        gtk_widget_queue_draw(widget);
        ui_iterate(50);
    }
    g_signal_handler_disconnect(clock, handler);
    g_assert_nonnull(c.node);
    g_autoptr(GskRenderNode) node = c.node;
    int width = c.width, height = c.height;
    GskRenderer *renderer = gtk_native_get_renderer(gtk_widget_get_native(widget));
    graphene_rect_t bounds = GRAPHENE_RECT_INIT(0, 0, (float) width, (float) height);
    g_autoptr(GdkTexture) texture = gsk_renderer_render_texture(renderer, node, &bounds);
    g_autofree char *file = g_strdup_printf("%s.png", name);
    g_autofree char *path = g_build_filename(dir, file, NULL);
    g_assert_true(gdk_texture_save_to_png(texture, path));
    g_test_message("screenshot: %s", path);
    return g_steal_pointer(&texture);
}

GList *ui_library_rows(void)
{
    GtkWidget *list = ui_find(GTK_WIDGET(ui_window()), "machine_list");
    g_assert_nonnull(list);
    GList *rows = NULL;
    for (GtkWidget *c = gtk_widget_get_first_child(list); c; c = gtk_widget_get_next_sibling(c))
        if (VIREO_IS_MACHINE_ROW(c))
            rows = g_list_append(rows, c);
    return rows;
}

VireoMachineRow *ui_row_for(const char *name)
{
    g_autoptr(GList) rows = ui_library_rows();
    for (GList *l = rows; l; l = l->next) {
        VireoMachine *m = vireo_machine_row_get_machine(l->data);
        if (g_strcmp0(vireo_machine_get_name(m), name) == 0)
            return l->data;
    }
    return NULL;
}

char *ui_terminal_tail(VteTerminal *terminal, long rows)
{
    glong col = 0, row = 0;
    vte_terminal_get_cursor_position(terminal, &col, &row);
    char *text =
        vte_terminal_get_text_range(terminal, MAX(0, row - rows), 0, row,
                                    vte_terminal_get_column_count(terminal), NULL, NULL, NULL);
    return text ? text : g_strdup("");
}

char *ui_terminal_text(VteTerminal *terminal)
{
    /* Up to the cursor's row (absolute), from as far back as the scrollback reaches. */
    glong col = 0, row = 0;
    vte_terminal_get_cursor_position(terminal, &col, &row);
    glong first = MAX(0, row - 20000);
    char *text = vte_terminal_get_text_range(
        terminal, first, 0, row, vte_terminal_get_column_count(terminal), NULL, NULL, NULL);
    return text ? text : g_strdup("");
}

char *ui_make_iso(const char *name, const char *volume_id)
{
    return boot_iso_make(scratch_dir, name, volume_id, BOOT_ISO_RISCV64);
}

void ui_wait_frames(GtkWidget *widget, int n)
{
    GdkFrameClock *clock = gtk_widget_get_frame_clock(widget);
    if (!clock)
        return;
    gint64 start = gdk_frame_clock_get_frame_counter(clock);
    gtk_widget_queue_draw(widget);
    gint64 deadline = g_get_monotonic_time() + 5 * G_USEC_PER_SEC;
    while (gdk_frame_clock_get_frame_counter(clock) < start + n &&
           g_get_monotonic_time() < deadline) {
        gtk_widget_queue_draw(widget);
        ui_iterate(20);
    }
}

char *ui_console_tail(void)
{
    GtkWidget *t = vireo_machine_page_get_terminal(ui_page());
    return t ? ui_terminal_tail(VTE_TERMINAL(t), 60) : g_strdup("");
}

gboolean ui_console_shows(const char *text)
{
    g_autofree char *tail = ui_console_tail();
    return strstr(tail, text) != NULL;
}

void ui_wait_console(const char *text, int timeout_ms, const char *what)
{
    gint64 deadline = g_get_monotonic_time() + (gint64) timeout_ms * 1000;
    for (;;) {
        g_autofree char *tail = ui_console_tail();
        if (strstr(tail, text))
            return;
        if (g_get_monotonic_time() > deadline)
            g_error("timed out after %d ms waiting for %s; the console ends with:\n%s", timeout_ms,
                    what, *tail ? tail : "(no console)");
        ui_iterate(20);
    }
}

static VireoMachine *log_machine;
static gsize log_from; /* where the next ui_log_wait looks from */

void ui_log_use(VireoMachine *machine)
{
    log_machine = machine;
    log_from = 0;
}

char *ui_log_text(void)
{
    g_autoptr(GBytes) log = vireo_machine_get_console_log(log_machine);
    gsize len = 0;
    const char *p = g_bytes_get_data(log, &len);
    return g_strndup(p ? p : "", len);
}

gboolean ui_log_has(const char *needle)
{
    g_autofree char *text = ui_log_text();
    return strlen(text) > log_from && strstr(text + log_from, needle) != NULL;
}

void ui_log_wait(const char *needle, int timeout_ms)
{
    gint64 deadline = g_get_monotonic_time() + (gint64) timeout_ms * 1000;
    while (!ui_log_has(needle) && g_get_monotonic_time() < deadline)
        ui_iterate(50);
    g_autofree char *text = ui_log_text();
    if (!ui_log_has(needle))
        g_error("the serial console did not show %s after:\n%s", needle, text + log_from);
    log_from = (gsize) (strstr(text + log_from, needle) - text) + strlen(needle);
}

void ui_log_type(const char *line)
{
    vireo_machine_console_input(log_machine, line, strlen(line));
}

VireoMachinePage *ui_page(void)
{
    return vireo_window_get_machine_page(ui_window());
}

GtkWidget *ui_page_widget(const char *id)
{
    GtkWidget *w = ui_find(GTK_WIDGET(ui_page()), id);
    if (!w)
        g_error("no widget '%s' on the machine page", id);
    return w;
}

char *ui_guest_artifact(const char *name)
{
    g_autofree char *script =
        g_build_filename(g_getenv("VIREO_SOURCE_ROOT"), "tests", "guests", "build-all.sh", NULL);
    const char *argv[] = {script, "--no-build", name, NULL};
    g_autofree char *out = NULL;
    int status = 0;
    if (!g_spawn_sync(NULL, (char **) argv, NULL, G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL, &out,
                      NULL, &status, NULL) ||
        !g_spawn_check_wait_status(status, NULL))
        return NULL;
    g_strstrip(out);
    return *out && g_file_test(out, G_FILE_TEST_EXISTS) ? g_steal_pointer(&out) : NULL;
}

char *ui_make_data_iso(const char *name, const char *volume_id)
{
    char *path = g_build_filename(scratch_dir, name, NULL);
    g_assert_true(fake_iso_write(path, volume_id, FALSE));
    return path;
}

char *ui_make_boot_iso(const char *name, const char *volume_id, int kind)
{
    return boot_iso_make(scratch_dir, name, volume_id, (BootIsoKind) kind);
}

const char *ui_guest(const char *name)
{
    const char *dir = g_getenv("VIREO_TEST_GUESTS");
    if (!dir)
        return NULL;
    static GHashTable *paths;
    if (!paths)
        paths = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
    char *path = g_hash_table_lookup(paths, name);
    if (!path) {
        path = g_build_filename(dir, name, NULL);
        if (!g_file_test(path, G_FILE_TEST_EXISTS)) {
            g_free(path);
            return NULL;
        }
        g_hash_table_insert(paths, g_strdup(name), path);
    }
    return path;
}

char *ui_make_machine(const char *name, const char *kernel, const char *bios, guint64 memory)
{
    return ui_make_machine_with_disk(name, kernel, bios, memory, 0);
}

char *ui_make_machine_with_disk(const char *name, const char *kernel, const char *bios,
                                guint64 memory, guint64 disk_size)
{
    VrMachineConfig cfg;
    vr_machine_config_init(&cfg);
    cfg.name = g_strdup(name);
    cfg.kernel = g_strdup(kernel);
    cfg.bios = g_strdup(bios);
    cfg.memory = memory;
    g_autoptr(GError) error = NULL;
    char *folder = vr_library_create(machines_dir, &cfg, disk_size, &error);
    g_assert_no_error(error);
    vr_machine_config_clear(&cfg);
    return folder;
}

GKeyFile *ui_read_ini(const char *name)
{
    g_autofree char *folder = vr_library_folder_for(machines_dir, name);
    g_autofree char *ini = g_build_filename(folder, "machine.ini", NULL);
    GKeyFile *kf = g_key_file_new();
    g_autoptr(GError) error = NULL;
    g_key_file_load_from_file(kf, ini, G_KEY_FILE_NONE, &error);
    g_assert_no_error(error);
    return kf;
}

char *ui_make_flat_binary(const char *name)
{
    guint8 code[8192];
    for (unsigned i = 0; i < sizeof(code); i++)
        code[i] = (guint8) (i * 13 + 0x97);
    char *path = g_build_filename(ui_scratch_dir(), name, NULL);
    g_assert_true(g_file_set_contents(path, (const char *) code, sizeof(code), NULL));
    return path;
}

char *ui_make_image_gz(const char *name)
{
    guint8 image[16384] = {0};
    guint64 size = GUINT64_TO_LE(4ull << 20);
    memcpy(image + 0x10, &size, 8);
    memcpy(image + 0x30, "RISCV\0\0\0", 8);
    memcpy(image + 0x38, "RSC\x05", 4);
    g_autoptr(GZlibCompressor) gz = g_zlib_compressor_new(G_ZLIB_COMPRESSOR_FORMAT_GZIP, 9);
    guint8 out[32768];
    gsize read = 0, written = 0;
    g_assert_cmpint(g_converter_convert(G_CONVERTER(gz), image, sizeof(image), out, sizeof(out),
                                        G_CONVERTER_INPUT_AT_END, &read, &written, NULL),
                    ==, G_CONVERTER_FINISHED);
    char *path = g_build_filename(ui_scratch_dir(), name, NULL);
    g_assert_true(g_file_set_contents(path, (const char *) out, (gssize) written, NULL));
    return path;
}

/* words stay on one line wherever label's text wraps (laid out at many widths). */
void ui_assert_kept_together(GtkWidget *label, const char *words)
{
    const char *text = gtk_label_get_text(GTK_LABEL(label));
    const char *at = strstr(text, words);
    g_assert_nonnull(at);
    int from = (int) (at - text), to = from + (int) strlen(words);
    PangoLayout *layout = gtk_widget_create_pango_layout(label, text);
    pango_layout_set_wrap(layout, gtk_label_get_wrap_mode(GTK_LABEL(label)));
    for (int width = 120; width <= 600; width += 3) {
        pango_layout_set_width(layout, width * PANGO_SCALE);
        for (GSList *l = pango_layout_get_lines_readonly(layout); l; l = l->next) {
            int start = ((PangoLayoutLine *) l->data)->start_index;
            if (start > from && start < to)
                g_error("“%s” breaks across lines at a width of %d pixels", words, width);
        }
    }
    g_object_unref(layout);
}

/* A visible button under root that shows the icon named icon. */
GtkWidget *ui_find_icon_button(GtkWidget *root, const char *icon)
{
    if (GTK_IS_BUTTON(root) && g_strcmp0(gtk_button_get_icon_name(GTK_BUTTON(root)), icon) == 0 &&
        gtk_widget_is_visible(root))
        return root;
    for (GtkWidget *c = gtk_widget_get_first_child(root); c; c = gtk_widget_get_next_sibling(c)) {
        GtkWidget *found = ui_find_icon_button(c, icon);
        if (found)
            return found;
    }
    return NULL;
}

static GtkWidget *ui_chooser(void)
{
    return ui_find_toplevel(GTK_TYPE_FILE_CHOOSER_DIALOG);
}

static char *ui_chooser_folder(GtkWidget *dialog)
{
    GtkFileChooser *c = GTK_FILE_CHOOSER(dialog);
    g_autoptr(GFile) folder = gtk_file_chooser_get_current_folder(c);
    return folder ? g_file_get_path(folder) : NULL;
}

void ui_answer_chooser(const char *title, const char *first_filter, const char *path,
                       const char *shot)
{
    GtkWidget *dialog = NULL;
    UI_WAIT_FOR((dialog = ui_chooser()) != NULL, 10000, title);
    UI_WAIT_FOR(gtk_widget_get_mapped(dialog), 5000, "the chooser on screen");
    g_assert_cmpstr(gtk_window_get_title(GTK_WINDOW(dialog)), ==, title);
    g_assert_true(gtk_window_get_modal(GTK_WINDOW(dialog)));
    GtkFileChooser *c = GTK_FILE_CHOOSER(dialog);
    g_autofree char *folder = NULL;
    /* The dialog takes the folder once it has shown. */
    UI_WAIT_FOR((folder = ui_chooser_folder(dialog)) != NULL, 5000, "the chooser's folder");
    g_autoptr(GFile) expected = vireo_default_folder();
    g_autofree char *expected_path = g_file_get_path(expected);
    g_assert_cmpstr(folder, ==, expected_path);
    g_autoptr(GListModel) filters = gtk_file_chooser_get_filters(c);
    if (first_filter) {
        g_assert_cmpuint(g_list_model_get_n_items(filters), >=, 1);
        g_autoptr(GtkFileFilter) f = g_list_model_get_item(filters, 0);
        g_assert_cmpstr(gtk_file_filter_get_name(f), ==, first_filter);
    } else {
        g_assert_cmpuint(g_list_model_get_n_items(filters), ==, 0);
    }
    if (shot)
        ui_screenshot(dialog, shot);
    if (path) {
        g_autoptr(GFile) file = g_file_new_for_path(path);
        g_autoptr(GError) error = NULL;
        g_assert_true(gtk_file_chooser_set_file(c, file, &error));
        g_assert_no_error(error);
        /* The dialog selects the file once it has listed its folder. */
        gboolean selected = FALSE;
        for (int i = 0; i < 250 && !selected; i++) {
            g_autoptr(GFile) now = gtk_file_chooser_get_file(c);
            selected = now && g_file_equal(now, file);
            if (!selected)
                ui_iterate(20);
        }
        g_assert_true(selected);
    } else {
        /* As long as a person takes at least: GTK 4.8's dialog closed while it still lists its
         * folder can warn that it snapshots a button with no allocation. */
        ui_wait_frames(dialog, 5);
        ui_iterate(300);
    }
    gtk_dialog_response(GTK_DIALOG(dialog), path ? GTK_RESPONSE_ACCEPT : GTK_RESPONSE_CANCEL);
    UI_WAIT_FOR(ui_chooser() == NULL, 5000, "the chooser to close");
    ui_iterate(50);
}
