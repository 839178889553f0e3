/* VireoLibrary: the machine folders as a list model. */
#include <errno.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <string.h>

#include "vireo-library.h"

struct _VireoLibrary {
    GObject parent_instance;
    char *dir;
    GListStore *store;
    GFileMonitor *monitor;
    guint reload_source;
    GPtrArray *staged; /* deleted folders waiting for their undo toast to go */
};

G_DEFINE_FINAL_TYPE(VireoLibrary, vireo_library, G_TYPE_OBJECT)

enum {
    SIGNAL_MACHINE_ERROR,
    SIGNAL_MACHINE_STOPPED,
    N_SIGNALS,
};
static guint signals[N_SIGNALS];

const char *vireo_library_get_dir(VireoLibrary *self)
{
    return self->dir;
}

GListModel *vireo_library_get_model(VireoLibrary *self)
{
    return G_LIST_MODEL(self->store);
}

static int compare_machines(gconstpointer a, gconstpointer b, gpointer data)
{
    VireoMachine *ma = (VireoMachine *) a, *mb = (VireoMachine *) b;
    g_autofree char *fa = g_utf8_casefold(vireo_machine_get_name(ma), -1);
    g_autofree char *fb = g_utf8_casefold(vireo_machine_get_name(mb), -1);
    g_autofree char *ka = g_utf8_collate_key(fa, -1);
    g_autofree char *kb = g_utf8_collate_key(fb, -1);
    int c = strcmp(ka, kb);
    return c ? c : strcmp(vireo_machine_get_folder(ma), vireo_machine_get_folder(mb));
}

static void relay_error(VireoMachine *machine, const char *message, gpointer data)
{
    g_signal_emit(data, signals[SIGNAL_MACHINE_ERROR], 0, machine, message);
}

static void relay_stopped(VireoMachine *machine, const char *how, gpointer data)
{
    g_signal_emit(data, signals[SIGNAL_MACHINE_STOPPED], 0, machine, how);
}

static void insert(VireoLibrary *self, VireoMachine *machine)
{
    g_signal_connect_object(machine, "error", G_CALLBACK(relay_error), self, 0);
    g_signal_connect_object(machine, "stopped", G_CALLBACK(relay_stopped), self, 0);
    g_list_store_insert_sorted(self->store, machine, compare_machines, NULL);
}

static gboolean find_position(VireoLibrary *self, VireoMachine *machine, guint *position)
{
    return g_list_store_find(self->store, machine, position);
}

static void take_off(VireoLibrary *self, VireoMachine *machine)
{
    guint pos;
    if (find_position(self, machine, &pos)) {
        g_signal_handlers_disconnect_by_data(machine, self);
        g_list_store_remove(self->store, pos);
    }
}

/* After a rename: the machine moves to its new place in the order. */
static void resort(VireoLibrary *self, VireoMachine *machine)
{
    guint pos;
    if (!find_position(self, machine, &pos))
        return;
    g_object_ref(machine);
    g_list_store_remove(self->store, pos);
    g_list_store_insert_sorted(self->store, machine, compare_machines, NULL);
    g_object_unref(machine);
}

VireoMachine *vireo_library_find(VireoLibrary *self, const char *folder)
{
    g_autofree char *canonical = g_canonicalize_filename(folder, NULL);
    guint n = g_list_model_get_n_items(G_LIST_MODEL(self->store));
    for (guint i = 0; i < n; i++) {
        g_autoptr(VireoMachine) m = g_list_model_get_item(G_LIST_MODEL(self->store), i);
        if (g_strcmp0(vireo_machine_get_folder(m), canonical) == 0)
            return m;
    }
    return NULL;
}

GPtrArray *vireo_library_get_active(VireoLibrary *self)
{
    GPtrArray *active = g_ptr_array_new_with_free_func(g_object_unref);
    guint n = g_list_model_get_n_items(G_LIST_MODEL(self->store));
    for (guint i = 0; i < n; i++) {
        VireoMachine *m = g_list_model_get_item(G_LIST_MODEL(self->store), i);
        if (vireo_machine_is_active(m))
            g_ptr_array_add(active, m);
        else
            g_object_unref(m);
    }
    return active;
}

/* What the library row shows of an entry: a reload only touches machines where it changed. */
static char *entry_signature(const VrLibraryEntry *e)
{
    return g_strdup_printf(
        "%s|%s|%s|%u|%" G_GUINT64_FORMAT "|%s|%d|%d", vr_library_entry_name(e),
        e->problem_message ? e->problem_message : "", e->cfg.arch ? e->cfg.arch : "", e->cfg.cpus,
        e->cfg.memory, e->screenshot ? e->screenshot : "", e->cfg_loaded, e->saved_state != NULL);
}

void vireo_library_reload(VireoLibrary *self)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(GPtrArray) entries = vr_library_list(self->dir, &error);
    if (!entries) {
        g_warning("%s", error->message);
        return;
    }
    g_autoptr(GHashTable) seen = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    for (guint i = 0; i < entries->len; i++) {
        VrLibraryEntry *e = g_ptr_array_index(entries, i);
        g_hash_table_add(seen, g_strdup(e->folder));
        VireoMachine *m = vireo_library_find(self, e->folder);
        g_ptr_array_index(entries, i) = NULL;
        if (!m) {
            g_autoptr(VireoMachine) added = vireo_machine_new(e);
            insert(self, added);
            continue;
        }
        /* Compare with what the machine holds now: reload only what changed. */
        g_autofree char *a = entry_signature(vireo_machine_get_entry(m));
        g_autofree char *b = entry_signature(e);
        if (strcmp(a, b) != 0) {
            vireo_machine_set_entry(m, e);
            resort(self, m);
        } else {
            vr_library_entry_free(e);
        }
    }
    /* Machines whose folder went away; a running one stays until it stops. */
    for (guint i = g_list_model_get_n_items(G_LIST_MODEL(self->store)); i-- > 0;) {
        g_autoptr(VireoMachine) m = g_list_model_get_item(G_LIST_MODEL(self->store), i);
        if (!g_hash_table_contains(seen, vireo_machine_get_folder(m)) &&
            !vireo_machine_is_active(m))
            take_off(self, m);
    }
}

static gboolean reload_later(gpointer data)
{
    VireoLibrary *self = data;
    self->reload_source = 0;
    vireo_library_reload(self);
    return G_SOURCE_REMOVE;
}

static void on_dir_changed(GFileMonitor *monitor, GFile *file, GFile *other,
                           GFileMonitorEvent event, gpointer data)
{
    VireoLibrary *self = data;
    /* Folders come in several steps (mkdir, machine.ini, rename): look once it settled. */
    if (self->reload_source)
        g_source_remove(self->reload_source);
    self->reload_source = g_timeout_add(300, reload_later, self);
}

VireoMachine *vireo_library_add(VireoLibrary *self, const char *folder)
{
    VireoMachine *m = vireo_library_find(self, folder);
    if (m) {
        vireo_machine_reload(m);
        return m;
    }
    g_autoptr(VireoMachine) added = vireo_machine_new(vr_library_entry_load(folder));
    insert(self, added);
    return added;
}

char *vireo_library_delete(VireoLibrary *self, VireoMachine *machine, GError **error)
{
    if (vireo_machine_is_active(machine)) {
        g_set_error(error, G_IO_ERROR, G_IO_ERROR_BUSY,
                    _("“%s” is running; turn it off before deleting it"),
                    vireo_machine_get_name(machine));
        return NULL;
    }
    char *staged = vr_library_trash(vireo_machine_get_folder(machine), error);
    if (!staged)
        return NULL;
    g_ptr_array_add(self->staged, g_strdup(staged));
    take_off(self, machine);
    return staged;
}

static gboolean remove_staged(VireoLibrary *self, const char *staged)
{
    for (guint i = 0; i < self->staged->len; i++) {
        if (strcmp(g_ptr_array_index(self->staged, i), staged) == 0) {
            g_ptr_array_remove_index(self->staged, i);
            return TRUE;
        }
    }
    return FALSE;
}

VireoMachine *vireo_library_restore(VireoLibrary *self, const char *staged, GError **error)
{
    g_autofree char *base = g_path_get_basename(staged);
    g_autofree char *folder = g_build_filename(self->dir, base, NULL);
    if (!vr_library_restore(staged, folder, error))
        return NULL;
    remove_staged(self, staged);
    return vireo_library_add(self, folder);
}

static void purge_thread(GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
    g_autoptr(GError) error = NULL;
    if (!vr_library_purge(data, &error))
        g_warning("%s", error->message);
    g_task_return_boolean(task, TRUE);
}

void vireo_library_purge(VireoLibrary *self, const char *staged)
{
    if (!remove_staged(self, staged))
        return;
    GTask *task = g_task_new(self, NULL, NULL, NULL);
    g_task_set_task_data(task, g_strdup(staged), g_free);
    g_task_run_in_thread(task, purge_thread);
    g_object_unref(task);
}

static gboolean has_control_chars(const char *name)
{
    for (const char *c = name; *c; c++)
        if ((unsigned char) *c < 0x20 || *c == 0x7f)
            return TRUE;
    return FALSE;
}

gboolean vireo_library_check_new_name(VireoLibrary *self, VireoMachine *machine, const char *name,
                                      GError **error)
{
    g_autoptr(GError) local = NULL;
    if (!vr_library_check_name(name, &local)) {
        /* The engine's words are English: say it again in the user's language, naming only
         * the rule the name breaks. */
        const char *why = local->message;
        gsize len = name ? strlen(name) : 0;
        if (!name || !*name || !g_utf8_validate(name, -1, NULL))
            why = _("A machine needs a name.");
        else if (len > 100)
            why = _("The name is too long.");
        else if (name[0] == '.')
            why = _("A name cannot start with a dot.");
        else if (strchr(name, '/'))
            why = _("A name cannot contain a slash (/).");
        else if (has_control_chars(name))
            why = _("A name cannot contain control characters.");
        else if (g_ascii_isspace(name[0]) || g_ascii_isspace(name[len - 1]))
            why = _("A name cannot start or end with a space.");
        g_set_error_literal(error, G_IO_ERROR, G_IO_ERROR_INVALID_FILENAME, why);
        return FALSE;
    }
    g_autofree char *folder = vr_library_folder_for(self->dir, name);
    g_autofree char *canonical = g_canonicalize_filename(folder, NULL);
    bool same = machine && g_strcmp0(canonical, vireo_machine_get_folder(machine)) == 0;
    if (!same && g_file_test(folder, G_FILE_TEST_EXISTS)) {
        g_set_error(error, G_IO_ERROR, G_IO_ERROR_EXISTS,
                    _("There is already a machine named “%s”."), name);
        return FALSE;
    }
    return TRUE;
}

gboolean vireo_library_rename(VireoLibrary *self, VireoMachine *machine, const char *name,
                              GError **error)
{
    if (vireo_machine_is_active(machine)) {
        g_set_error(error, G_IO_ERROR, G_IO_ERROR_BUSY,
                    _("“%s” is running; turn it off before renaming it"),
                    vireo_machine_get_name(machine));
        return FALSE;
    }
    if (!vireo_library_check_new_name(self, machine, name, error))
        return FALSE;
    g_autofree char *folder = vr_library_rename(vireo_machine_get_folder(machine), name, error);
    if (!folder)
        return FALSE;
    vireo_machine_set_folder(machine, folder);
    resort(self, machine);
    return TRUE;
}

typedef struct {
    char *folder;
    VrDuplicateReport report;
} Duplicate;

static void duplicate_free(gpointer data)
{
    Duplicate *d = data;
    g_free(d->folder);
    vr_duplicate_report_clear(&d->report);
    g_free(d);
}

typedef struct {
    char *folder, *name;
    VireoProgressFunc progress;
    gpointer data; /* the caller's, valid until its callback ran */
} DuplicateArgs;

static void duplicate_args_free(gpointer data)
{
    DuplicateArgs *args = data;
    g_free(args->folder);
    g_free(args->name);
    g_free(args);
}

typedef struct {
    GTask *task;
    double fraction;
} DuplicateProgress;

static void duplicate_progress_free(gpointer data)
{
    DuplicateProgress *p = data;
    g_object_unref(p->task);
    g_free(p);
}

/* On the caller's main context: the caller hears of progress until its callback ran. */
static gboolean duplicate_progress_report(gpointer data)
{
    DuplicateProgress *p = data;
    DuplicateArgs *args = g_task_get_task_data(p->task);
    if (!g_task_get_completed(p->task))
        args->progress(p->fraction, args->data);
    return G_SOURCE_REMOVE;
}

/* On the copying thread. */
static void duplicate_progress(uint64_t done, uint64_t total, gpointer data)
{
    DuplicateProgress *p = g_new0(DuplicateProgress, 1);
    p->task = g_object_ref(data);
    p->fraction = total ? (double) done / (double) total : 1.0;
    g_main_context_invoke_full(g_task_get_context(p->task), G_PRIORITY_DEFAULT,
                               duplicate_progress_report, p, duplicate_progress_free);
}

static void duplicate_thread(GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
    DuplicateArgs *args = data;
    GError *error = NULL;
    Duplicate *d = g_new0(Duplicate, 1);
    d->folder = vr_library_duplicate_full(args->folder, args->name, &d->report,
                                          args->progress ? duplicate_progress : NULL, task,
                                          cancellable, &error);
    if (d->folder) {
        g_task_return_pointer(task, d, duplicate_free);
    } else {
        duplicate_free(d);
        g_task_return_error(task, error);
    }
}

void vireo_library_duplicate_async(VireoLibrary *self, VireoMachine *machine, const char *name,
                                   VireoProgressFunc progress, GAsyncReadyCallback callback,
                                   gpointer data)
{
    GTask *task = g_task_new(self, NULL, callback, data);
    DuplicateArgs *args = g_new0(DuplicateArgs, 1);
    args->folder = g_strdup(vireo_machine_get_folder(machine));
    args->name = g_strdup(name);
    args->progress = progress;
    args->data = data;
    g_task_set_task_data(task, args, duplicate_args_free);
    if (vireo_machine_is_active(machine)) {
        g_task_return_new_error(task, G_IO_ERROR, G_IO_ERROR_BUSY,
                                _("“%s” is running; turn it off before duplicating it"),
                                vireo_machine_get_name(machine));
    } else {
        g_task_run_in_thread(task, duplicate_thread);
    }
    g_object_unref(task);
}

VireoMachine *vireo_library_duplicate_finish(VireoLibrary *self, GAsyncResult *result,
                                             VrDuplicateReport *report, GError **error)
{
    Duplicate *d = g_task_propagate_pointer(G_TASK(result), error);
    if (report)
        memset(report, 0, sizeof(*report));
    if (!d)
        return NULL;
    VireoMachine *machine = vireo_library_add(self, d->folder);
    if (report) {
        *report = d->report;
        memset(&d->report, 0, sizeof(d->report));
    }
    duplicate_free(d);
    return machine;
}

void vireo_library_shutdown(VireoLibrary *self)
{
    guint n = g_list_model_get_n_items(G_LIST_MODEL(self->store));
    for (guint i = 0; i < n; i++) {
        g_autoptr(VireoMachine) m = g_list_model_get_item(G_LIST_MODEL(self->store), i);
        vireo_machine_shutdown(m);
    }
    while (self->staged->len) {
        g_autofree char *staged = g_strdup(g_ptr_array_index(self->staged, 0));
        g_ptr_array_remove_index(self->staged, 0);
        g_autoptr(GError) error = NULL;
        if (!vr_library_purge(staged, &error))
            g_warning("%s", error->message);
    }
}

/* ---- GObject ---- */

VireoLibrary *vireo_library_new(const char *dir)
{
    VireoLibrary *self = g_object_new(VIREO_TYPE_LIBRARY, NULL);
    self->dir = g_canonicalize_filename(dir, NULL);
    if (g_mkdir_with_parents(self->dir, 0755) != 0)
        g_warning("cannot create %s: %s", self->dir, g_strerror(errno));
    /* Folders a previous run deleted but could not remove for good (it ended first). */
    vr_library_purge_all_staged(self->dir);
    g_autoptr(GFile) file = g_file_new_for_path(self->dir);
    g_autoptr(GError) error = NULL;
    self->monitor = g_file_monitor_directory(file, G_FILE_MONITOR_WATCH_MOVES, NULL, &error);
    if (self->monitor)
        g_signal_connect(self->monitor, "changed", G_CALLBACK(on_dir_changed), self);
    else
        g_debug("no monitor for %s: %s", self->dir, error->message);
    vireo_library_reload(self);
    return self;
}

static void vireo_library_dispose(GObject *object)
{
    VireoLibrary *self = VIREO_LIBRARY(object);
    g_clear_handle_id(&self->reload_source, g_source_remove);
    if (self->monitor) {
        g_signal_handlers_disconnect_by_data(self->monitor, self);
        g_file_monitor_cancel(self->monitor);
        g_clear_object(&self->monitor);
    }
    if (self->store) {
        guint n = g_list_model_get_n_items(G_LIST_MODEL(self->store));
        for (guint i = 0; i < n; i++) {
            g_autoptr(VireoMachine) m = g_list_model_get_item(G_LIST_MODEL(self->store), i);
            g_signal_handlers_disconnect_by_data(m, self);
        }
    }
    g_clear_object(&self->store);
    G_OBJECT_CLASS(vireo_library_parent_class)->dispose(object);
}

static void vireo_library_finalize(GObject *object)
{
    VireoLibrary *self = VIREO_LIBRARY(object);
    g_free(self->dir);
    g_ptr_array_unref(self->staged);
    G_OBJECT_CLASS(vireo_library_parent_class)->finalize(object);
}

static void vireo_library_class_init(VireoLibraryClass *klass)
{
    GObjectClass *object_class = G_OBJECT_CLASS(klass);
    object_class->dispose = vireo_library_dispose;
    object_class->finalize = vireo_library_finalize;

    signals[SIGNAL_MACHINE_ERROR] =
        g_signal_new("machine-error", G_TYPE_FROM_CLASS(klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                     NULL, G_TYPE_NONE, 2, VIREO_TYPE_MACHINE, G_TYPE_STRING);
    signals[SIGNAL_MACHINE_STOPPED] =
        g_signal_new("machine-stopped", G_TYPE_FROM_CLASS(klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                     NULL, G_TYPE_NONE, 2, VIREO_TYPE_MACHINE, G_TYPE_STRING);
}

static void vireo_library_init(VireoLibrary *self)
{
    self->store = g_list_store_new(VIREO_TYPE_MACHINE);
    self->staged = g_ptr_array_new_with_free_func(g_free);
}
