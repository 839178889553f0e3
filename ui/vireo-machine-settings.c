/* VireoMachineSettings: a machine's settings, saved as they are changed. */
#include <errno.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "vireo-machine-settings.h"
#include "vireo-util.h"
#include "virtio/virtio-net.h"
#include "vr-board.h"
#include "vr-boot.h"
#include "net/vr-net-slirp.h"
#include "vr-audio.h"

#define GIB (1ull << 30)
#define MIB (1ull << 20)

struct _VireoMachineSettings {
    AdwPreferencesWindow parent_instance;

    VireoLibrary *library;
    VireoMachine *machine;
    gboolean loading;

    AdwPreferencesGroup *running_group;
    AdwPreferencesGroup *saved_group;
    GtkWidget *discard_state_button;
    GtkWidget *machine_group;
    GtkWidget *boot_group;
    GtkWidget *disks_group;
    AdwEntryRow *name_row;
    AdwActionRow *arch_row;
    AdwActionRow *cpus_row;
    GtkSpinButton *cpus_spin;
    GtkWidget *display_row;
    GtkSwitch *display_switch;
    char *display_subtitle; /* the row's own, shown while the machine is off */
    AdwEntryRow *memory_row;
    GtkLabel *machine_error;
    AdwComboRow *firmware_row;
    AdwActionRow *firmware_file_row;
    GtkWidget *firmware_choose_button;
    AdwActionRow *kernel_row;
    GtkWidget *kernel_choose_button;
    GtkWidget *kernel_clear_button;
    AdwActionRow *initrd_row;
    GtkWidget *initrd_choose_button;
    GtkWidget *initrd_clear_button;
    AdwEntryRow *cmdline_row;
    GtkLabel *boot_error;
    GtkWidget *new_disk_button;
    GtkWidget *attach_disk_button;
    GtkListBox *disk_list;
    GtkLabel *disks_error;
    GtkWidget *net_running_group;
    GtkWidget *net_group;
    GtkWidget *forwards_group;
    GtkWidget *add_forward_group;
    GtkSwitch *net_switch;
    GtkWidget *restricted_row;
    GtkSwitch *restricted_switch;
    AdwActionRow *mac_row;
    GtkWidget *new_mac_button;
    GtkLabel *net_error;
    GtkListBox *forward_list;
    AdwComboRow *protocol_row;
    AdwEntryRow *host_address_row;
    AdwEntryRow *host_port_row;
    AdwEntryRow *guest_port_row;
    GtkLabel *forwards_error;
    GtkWidget *add_forward_button;
    GtkWidget *sound_running_group;
    GtkWidget *sound_group;
    GtkSwitch *sound_switch;
    AdwComboRow *output_device_row;
    AdwComboRow *input_device_row;
    GtkStringList *output_devices;
    GtkStringList *input_devices;
    GtkWidget *latency_row;
    GtkSpinButton *latency_spin;
    GtkLabel *sound_error;
    /* The server's devices (VrAudioDevice), listed when the window opens; NULL without a
     * server, and server_error says why. */
    GPtrArray *sinks, *sources;
    char *server_error;
    /* The names behind the drop-downs' items (NULL: the server's default), as shown. */
    GPtrArray *output_names, *input_names;
};

G_DEFINE_FINAL_TYPE(VireoMachineSettings, vireo_machine_settings, ADW_TYPE_PREFERENCES_WINDOW)

static void load(VireoMachineSettings *self);

/* ---- errors ---- */

static void show_error(VireoMachineSettings *self, GtkLabel *label, const char *text)
{
    gtk_label_set_text(label, text ? text : "");
    gtk_widget_set_visible(GTK_WIDGET(label), text != NULL);
    if (text) {
        g_autofree char *escaped = g_markup_escape_text(text, -1);
        AdwToast *toast = adw_toast_new(escaped);
        adw_toast_set_timeout(toast, 6);
        adw_preferences_window_add_toast(ADW_PREFERENCES_WINDOW(self), toast);
    }
}

static void clear_errors(VireoMachineSettings *self)
{
    gtk_widget_set_visible(GTK_WIDGET(self->machine_error), FALSE);
    gtk_widget_set_visible(GTK_WIDGET(self->boot_error), FALSE);
    gtk_widget_set_visible(GTK_WIDGET(self->disks_error), FALSE);
    gtk_widget_set_visible(GTK_WIDGET(self->net_error), FALSE);
    gtk_widget_set_visible(GTK_WIDGET(self->forwards_error), FALSE);
    gtk_widget_set_visible(GTK_WIDGET(self->sound_error), FALSE);
    GtkWidget *rows[] = {
        GTK_WIDGET(self->name_row),         GTK_WIDGET(self->arch_row),
        GTK_WIDGET(self->cpus_row),         GTK_WIDGET(self->memory_row),
        GTK_WIDGET(self->firmware_row),     GTK_WIDGET(self->kernel_row),
        GTK_WIDGET(self->initrd_row),       GTK_WIDGET(self->cmdline_row),
        GTK_WIDGET(self->host_address_row), GTK_WIDGET(self->host_port_row),
        GTK_WIDGET(self->guest_port_row),
    };
    for (unsigned i = 0; i < G_N_ELEMENTS(rows); i++)
        gtk_widget_remove_css_class(rows[i], "error");
}

/* Shows why a change was refused beside the value it refused: the row of the field the
 * validator names, else row (NULL: none), with the reason under its group. */
static void refuse(VireoMachineSettings *self, const GError *error, GtkWidget *row, GtkLabel *label)
{
    const char *field = vr_config_error_get_field(error);
    GtkWidget *focus = row;
    if (g_strcmp0(field, "arch") == 0 || g_strcmp0(field, "board") == 0) {
        row = focus = GTK_WIDGET(self->arch_row);
        label = self->machine_error;
    } else if (g_strcmp0(field, "cpus") == 0) {
        row = GTK_WIDGET(self->cpus_row);
        focus = GTK_WIDGET(self->cpus_spin);
        label = self->machine_error;
    } else if (g_strcmp0(field, "memory") == 0) {
        row = focus = GTK_WIDGET(self->memory_row);
        label = self->machine_error;
    } else if (g_strcmp0(field, "firmware") == 0) {
        row = focus = GTK_WIDGET(self->firmware_row);
        label = self->boot_error;
    } else if (g_strcmp0(field, "kernel") == 0) {
        row = GTK_WIDGET(self->kernel_row);
        focus = self->kernel_choose_button;
        label = self->boot_error;
    } else if (g_strcmp0(field, "cmdline") == 0) {
        row = focus = GTK_WIDGET(self->cmdline_row);
        label = self->boot_error;
    } else if (g_strcmp0(field, "disks") == 0) {
        row = focus = NULL;
        label = self->disks_error;
    }
    show_error(self, label, error->message);
    if (row)
        vireo_point_at_row(row, focus);
}

/* ---- saving ---- */

typedef gboolean (*Change)(VireoMachineSettings *self, VrMachineConfig *cfg, gpointer data,
                           GError **error);

/* Applies change to a copy of the machine's settings, checks and saves the result. */
static gboolean save(VireoMachineSettings *self, Change change, gpointer data, GError **error)
{
    VrMachineConfig cfg;
    vr_machine_config_copy(&cfg, vireo_machine_get_config(self->machine));
    gboolean ok =
        change(self, &cfg, data, error) && vireo_machine_save_config(self->machine, &cfg, error);
    vr_machine_config_clear(&cfg);
    return ok;
}

/* The engine's checks, said in the user's words; the error keeps the engine's code, which
 * names the refused value. */
static gboolean check(const VrMachineConfig *cfg, GError **error)
{
    g_autoptr(GError) local = NULL;
    if (vr_machine_config_validate(cfg, &local))
        return TRUE;
    g_autofree char *why = vireo_config_error_text(cfg, local);
    g_set_error_literal(error, local->domain, local->code, why);
    return FALSE;
}

static gboolean change_cpus(VireoMachineSettings *self, VrMachineConfig *cfg, gpointer data,
                            GError **error)
{
    cfg->cpus = GPOINTER_TO_UINT(data);
    return check(cfg, error);
}

static gboolean change_memory(VireoMachineSettings *self, VrMachineConfig *cfg, gpointer data,
                              GError **error)
{
    return vireo_parse_memory(data, &cfg->memory, error) && check(cfg, error);
}

static gboolean change_cmdline(VireoMachineSettings *self, VrMachineConfig *cfg, gpointer data,
                               GError **error)
{
    g_free(cfg->append);
    cfg->append = data && *(const char *) data ? g_strdup(data) : NULL;
    return check(cfg, error);
}

typedef struct {
    const char *which; /* "firmware", "kernel", "initrd" */
    const char *path;  /* NULL: none (firmware: default) */
} FileChange;

static gboolean change_file(VireoMachineSettings *self, VrMachineConfig *cfg, gpointer data,
                            GError **error)
{
    FileChange *fc = data;
    char **slot = g_str_equal(fc->which, "firmware") ? &cfg->bios
                  : g_str_equal(fc->which, "kernel") ? &cfg->kernel
                                                     : &cfg->initrd;
    if (fc->path && !g_str_equal(fc->path, "none") && access(fc->path, R_OK) != 0) {
        g_set_error(error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, _("“%s” cannot be read."), fc->path);
        return FALSE;
    }
    if (g_str_equal(fc->which, "kernel") && fc->path) {
        /* What the loader boots (U-Boot and Image.gz too), refused with its reason if not. */
        if (vr_boot_probe_kernel(fc->path, error) == VR_BOOT_FILE_UNUSABLE)
            return FALSE;
    }
    g_free(*slot);
    *slot = g_strdup(fc->path);
    return check(cfg, error);
}

/* ---- the machine group ---- */

static void on_name_apply(AdwEntryRow *row, gpointer data)
{
    VireoMachineSettings *self = data;
    clear_errors(self);
    const char *name = gtk_editable_get_text(GTK_EDITABLE(row));
    g_autoptr(GError) error = NULL;
    if (!vireo_library_rename(self->library, self->machine, name, &error)) {
        refuse(self, error, GTK_WIDGET(row), self->machine_error);
        return;
    }
    load(self);
}

static gboolean change_display(VireoMachineSettings *self, VrMachineConfig *cfg, gpointer data,
                               GError **error)
{
    cfg->display = GPOINTER_TO_INT(data);
    return check(cfg, error);
}

static void on_display_changed(GObject *object, GParamSpec *pspec, gpointer data)
{
    VireoMachineSettings *self = data;
    gboolean on = gtk_switch_get_active(self->display_switch);
    if (self->loading || on == vireo_machine_get_config(self->machine)->display)
        return;
    clear_errors(self);
    g_autoptr(GError) error = NULL;
    if (!save(self, change_display, GINT_TO_POINTER(on), &error)) {
        load(self);
        refuse(self, error, self->display_row, self->machine_error);
    }
}

static void on_cpus_changed(GtkSpinButton *spin, gpointer data)
{
    VireoMachineSettings *self = data;
    guint cpus = (guint) gtk_spin_button_get_value_as_int(spin);
    /* The saved value coming back (load() below, whose value-changed the adjustment delivers
     * after this handler returns) is no change, and keeps the reason shown. */
    if (self->loading || cpus == vireo_machine_get_config(self->machine)->cpus)
        return;
    clear_errors(self);
    g_autoptr(GError) error = NULL;
    if (!save(self, change_cpus, GUINT_TO_POINTER(cpus), &error)) {
        load(self);
        refuse(self, error, GTK_WIDGET(self->cpus_row), self->machine_error);
    }
}

static void on_memory_apply(AdwEntryRow *row, gpointer data)
{
    VireoMachineSettings *self = data;
    clear_errors(self);
    g_autoptr(GError) error = NULL;
    if (!save(self, change_memory, (gpointer) gtk_editable_get_text(GTK_EDITABLE(row)), &error)) {
        refuse(self, error, GTK_WIDGET(row), self->machine_error);
        return;
    }
    load(self);
}

/* ---- the boot group ---- */

static void on_cmdline_apply(AdwEntryRow *row, gpointer data)
{
    VireoMachineSettings *self = data;
    clear_errors(self);
    g_autoptr(GError) error = NULL;
    if (!save(self, change_cmdline, (gpointer) gtk_editable_get_text(GTK_EDITABLE(row)), &error)) {
        refuse(self, error, GTK_WIDGET(row), self->boot_error);
        return;
    }
    load(self);
}

gboolean vireo_machine_settings_set_boot_file(VireoMachineSettings *self, const char *which,
                                              const char *path, GError **error)
{
    g_return_val_if_fail(g_str_equal(which, "firmware") || g_str_equal(which, "kernel") ||
                             g_str_equal(which, "initrd"),
                         FALSE);
    FileChange fc = {which, path};
    gboolean ok = save(self, change_file, &fc, error);
    load(self);
    return ok;
}

static void set_file(VireoMachineSettings *self, const char *which, const char *path)
{
    clear_errors(self);
    g_autoptr(GError) error = NULL;
    gboolean ok = vireo_machine_settings_set_boot_file(self, which, path, &error);
    if (!ok) {
        GtkWidget *row = g_str_equal(which, "firmware") ? GTK_WIDGET(self->firmware_row)
                         : g_str_equal(which, "kernel") ? GTK_WIDGET(self->kernel_row)
                                                        : GTK_WIDGET(self->initrd_row);
        refuse(self, error, row, self->boot_error);
    }
}

static void on_firmware_selected(GObject *object, GParamSpec *pspec, gpointer data)
{
    VireoMachineSettings *self = data;
    if (self->loading)
        return;
    guint i = adw_combo_row_get_selected(self->firmware_row);
    adw_action_row_set_subtitle(ADW_ACTION_ROW(self->firmware_row), vireo_firmware_choice_text(i));
    if (i == 0)
        set_file(self, "firmware", NULL);
    else if (i == 1)
        set_file(self, "firmware", "none");
    else
        gtk_widget_set_visible(GTK_WIDGET(self->firmware_file_row), TRUE);
}

typedef struct {
    VireoMachineSettings *self;
    const char *which;
} Chooser;

static void file_chosen(GFile *file, gpointer data)
{
    Chooser *c = data;
    if (file) {
        g_autofree char *path = g_file_get_path(file);
        set_file(c->self, c->which, path);
    }
    g_object_unref(c->self);
    g_free(c);
}

static void choose(VireoMachineSettings *self, const char *which, const char *title)
{
    Chooser *c = g_new(Chooser, 1);
    c->self = g_object_ref(self);
    c->which = which;
    vireo_choose_file(GTK_WINDOW(self), title, VIREO_FILES_ANY, file_chosen, c);
}

static void on_firmware_choose(GtkButton *b, gpointer data)
{
    choose(data, "firmware", _("Choose Firmware"));
}

static void on_kernel_choose(GtkButton *b, gpointer data)
{
    choose(data, "kernel", _("Choose a Kernel"));
}

static void on_initrd_choose(GtkButton *b, gpointer data)
{
    choose(data, "initrd", _("Choose an Initramfs"));
}

static void on_kernel_clear(GtkButton *b, gpointer data)
{
    set_file(data, "kernel", NULL);
}

static void on_initrd_clear(GtkButton *b, gpointer data)
{
    set_file(data, "initrd", NULL);
}

/* ---- disks ---- */

static gboolean refuse_if_running(VireoMachineSettings *self, GError **error)
{
    if (!vireo_machine_is_active(self->machine))
        return FALSE;
    g_set_error_literal(error, G_IO_ERROR, G_IO_ERROR_BUSY,
                        _("Disks can be added and removed while the machine is off."));
    return TRUE;
}

typedef struct {
    const char *path;
    gboolean readonly;
} DiskAdd;

static gboolean change_add_disk(VireoMachineSettings *self, VrMachineConfig *cfg, gpointer data,
                                GError **error)
{
    DiskAdd *d = data;
    vr_machine_config_add_disk(cfg, d->path, d->readonly);
    return check(cfg, error);
}

gboolean vireo_machine_settings_attach_disk(VireoMachineSettings *self, const char *path,
                                            GError **error)
{
    if (refuse_if_running(self, error))
        return FALSE;
    g_autofree char *base = g_path_get_basename(path);
    g_autoptr(GError) probe_error = NULL;
    VrImageKind kind = vr_image_probe(path, &probe_error);
    if (kind == VR_IMAGE_QCOW2) {
        g_set_error(error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                    _("“%s” is a qcow2 image, which Vireo cannot use yet. Convert it to a raw "
                      "image with “qemu-img convert -O raw”."),
                    base);
        return FALSE;
    }
    if (kind != VR_IMAGE_ISO && kind != VR_IMAGE_DISK) {
        g_set_error(error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                    _("“%s” is not a disk image or an ISO image (a raw image is a whole number "
                      "of 512-byte sectors)."),
                    base);
        return FALSE;
    }
    g_autofree char *abs = g_canonicalize_filename(path, NULL);
    DiskAdd d = {abs, kind == VR_IMAGE_ISO || access(abs, W_OK) != 0};
    if (!save(self, change_add_disk, &d, error))
        return FALSE;
    load(self);
    return TRUE;
}

gboolean vireo_machine_settings_new_disk(VireoMachineSettings *self, guint64 size, GError **error)
{
    if (refuse_if_running(self, error))
        return FALSE;
    g_autofree char *path = vr_library_new_disk_path(vireo_machine_get_folder(self->machine));
    /* Asked before the image is made, so a refusal leaves nothing behind. */
    VrMachineConfig cfg;
    vr_machine_config_copy(&cfg, vireo_machine_get_config(self->machine));
    vr_machine_config_add_disk(&cfg, path, FALSE);
    gboolean ok = check(&cfg, error);
    vr_machine_config_clear(&cfg);
    if (!ok)
        return FALSE;
    g_autoptr(GError) local = NULL;
    if (!vr_disk_create_raw(path, size, &local)) {
        g_set_error(error, local->domain, local->code, _("The disk could not be created: %s"),
                    local->message);
        return FALSE;
    }
    DiskAdd d = {path, FALSE};
    if (!save(self, change_add_disk, &d, error)) {
        g_unlink(path);
        return FALSE;
    }
    load(self);
    return TRUE;
}

static gboolean change_remove_disk(VireoMachineSettings *self, VrMachineConfig *cfg, gpointer data,
                                   GError **error)
{
    guint index = GPOINTER_TO_UINT(data);
    if (!cfg->disks || index >= cfg->disks->len) {
        g_set_error_literal(error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, _("No such disk."));
        return FALSE;
    }
    g_free(g_array_index(cfg->disks, VrDiskConfig, index).path);
    g_array_remove_index(cfg->disks, index);
    return check(cfg, error);
}

gboolean vireo_machine_settings_remove_disk(VireoMachineSettings *self, guint index,
                                            gboolean delete_file, GError **error)
{
    if (refuse_if_running(self, error))
        return FALSE;
    const VrMachineConfig *cfg = vireo_machine_get_config(self->machine);
    if (!cfg->disks || index >= cfg->disks->len) {
        g_set_error_literal(error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, _("No such disk."));
        return FALSE;
    }
    g_autofree char *path = g_strdup(g_array_index(cfg->disks, VrDiskConfig, index).path);
    if (!save(self, change_remove_disk, GUINT_TO_POINTER(index), error))
        return FALSE;
    if (delete_file && path && g_unlink(path) != 0)
        g_message("cannot delete %s: %s", path, g_strerror(errno));
    load(self);
    return TRUE;
}

typedef struct {
    guint index;
    gboolean value;
} DiskFlag;

static gboolean change_readonly(VireoMachineSettings *self, VrMachineConfig *cfg, gpointer data,
                                GError **error)
{
    DiskFlag *f = data;
    if (!cfg->disks || f->index >= cfg->disks->len) {
        g_set_error_literal(error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, _("No such disk."));
        return FALSE;
    }
    VrDiskConfig *d = &g_array_index(cfg->disks, VrDiskConfig, f->index);
    if (d->cdrom) {
        if (f->value)
            return TRUE;
        g_set_error_literal(error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                            _("A CD drive is always read-only."));
        return FALSE;
    }
    if (!f->value && access(d->path, W_OK) != 0) {
        int err = errno;
        g_autofree char *base = g_path_get_basename(d->path);
        g_set_error(error, G_IO_ERROR, g_io_error_from_errno(err),
                    _("“%s” can only be used read-only: %s."), base, g_strerror(err));
        return FALSE;
    }
    d->readonly = f->value;
    return check(cfg, error);
}

/* Disk settings other than adding and removing: also only while the machine is off, as the
 * running machine keeps the disks it started with. */
static gboolean refuse_disk_change_if_running(VireoMachineSettings *self, GError **error)
{
    if (!vireo_machine_is_active(self->machine))
        return FALSE;
    g_set_error_literal(error, G_IO_ERROR, G_IO_ERROR_BUSY,
                        _("A disk’s settings can be changed while the machine is off."));
    return TRUE;
}

gboolean vireo_machine_settings_set_disk_readonly(VireoMachineSettings *self, guint index,
                                                  gboolean readonly, GError **error)
{
    if (refuse_disk_change_if_running(self, error))
        return FALSE;
    DiskFlag f = {index, readonly};
    return save(self, change_readonly, &f, error);
}

static gboolean change_follow_symlink(VireoMachineSettings *self, VrMachineConfig *cfg,
                                      gpointer data, GError **error)
{
    DiskFlag *f = data;
    if (!cfg->disks || f->index >= cfg->disks->len) {
        g_set_error_literal(error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, _("No such disk."));
        return FALSE;
    }
    g_array_index(cfg->disks, VrDiskConfig, f->index).follow_symlink = f->value;
    return check(cfg, error);
}

gboolean vireo_machine_settings_set_disk_follow_symlink(VireoMachineSettings *self, guint index,
                                                        gboolean allow, GError **error)
{
    if (refuse_disk_change_if_running(self, error))
        return FALSE;
    DiskFlag f = {index, allow};
    return save(self, change_follow_symlink, &f, error);
}

static void disk_result(VireoMachineSettings *self, gboolean ok, GError *error)
{
    clear_errors(self);
    load(self);
    if (!ok)
        refuse(self, error, NULL, self->disks_error);
}

typedef struct {
    VireoMachineSettings *self;
    gboolean ok;
    GError *error;
} LaterResult;

static gboolean show_later_result(gpointer data)
{
    LaterResult *r = data;
    disk_result(r->self, r->ok, r->error);
    g_clear_error(&r->error);
    g_object_unref(r->self);
    g_free(r);
    return G_SOURCE_REMOVE;
}

/* disk_result() once the widget that asked has finished its signal: the rows it is in are
 * made again. Takes error. */
static void later_disk_result(VireoMachineSettings *self, gboolean ok, GError *error)
{
    LaterResult *r = g_new(LaterResult, 1);
    r->self = g_object_ref(self);
    r->ok = ok;
    r->error = error;
    g_idle_add(show_later_result, r);
}

static void on_readonly_switched(GObject *object, GParamSpec *pspec, gpointer data)
{
    VireoMachineSettings *self = data;
    if (self->loading)
        return;
    guint index = GPOINTER_TO_UINT(g_object_get_data(object, "index"));
    GError *error = NULL;
    gboolean ok = vireo_machine_settings_set_disk_readonly(
        self, index, gtk_switch_get_active(GTK_SWITCH(object)), &error);
    later_disk_result(self, ok, error);
}

static void on_allow_link_response(AdwMessageDialog *dialog, const char *response, gpointer data)
{
    VireoMachineSettings *self = data;
    if (g_strcmp0(response, "allow") != 0)
        return;
    guint index = GPOINTER_TO_UINT(g_object_get_data(G_OBJECT(dialog), "index"));
    g_autoptr(GError) error = NULL;
    gboolean ok = vireo_machine_settings_set_disk_follow_symlink(self, index, TRUE, &error);
    disk_result(self, ok, error);
}

/* The link row's button: allowing asks first, saying what may happen; stopping does not. */
static void on_link_button(GtkButton *button, gpointer data)
{
    VireoMachineSettings *self = data;
    guint index = GPOINTER_TO_UINT(g_object_get_data(G_OBJECT(button), "index"));
    const VrMachineConfig *cfg = vireo_machine_get_config(self->machine);
    if (!cfg->disks || index >= cfg->disks->len)
        return;
    const VrDiskConfig *d = &g_array_index(cfg->disks, VrDiskConfig, index);
    if (d->follow_symlink) {
        GError *error = NULL;
        gboolean ok = vireo_machine_settings_set_disk_follow_symlink(self, index, FALSE, &error);
        later_disk_result(self, ok, error);
        return;
    }
    g_autofree char *base = g_path_get_basename(d->path);
    char *real = realpath(d->path, NULL);
    g_autofree char *target = real ? g_strdup(real) : g_file_read_link(d->path, NULL);
    free(real);
    g_autofree char *body = g_strdup_printf(
        _("“%s” is a symbolic link to %s. If you allow it, the guest writes to that file: "
          "whatever else uses the file sees the changes, and if the link is changed later, the "
          "guest writes wherever it then leads."),
        base, target ? target : "?");
    GtkWidget *dialog =
        adw_message_dialog_new(GTK_WINDOW(self), _("Write Through the Link?"), body);
    adw_message_dialog_add_responses(ADW_MESSAGE_DIALOG(dialog), "cancel", _("_Cancel"), "allow",
                                     _("_Allow Writing"), NULL);
    adw_message_dialog_set_response_appearance(ADW_MESSAGE_DIALOG(dialog), "allow",
                                               ADW_RESPONSE_DESTRUCTIVE);
    adw_message_dialog_set_default_response(ADW_MESSAGE_DIALOG(dialog), "cancel");
    adw_message_dialog_set_close_response(ADW_MESSAGE_DIALOG(dialog), "cancel");
    g_object_set_data(G_OBJECT(dialog), "index", GUINT_TO_POINTER(index));
    g_signal_connect_object(dialog, "response", G_CALLBACK(on_allow_link_response), self, 0);
    gtk_window_present(GTK_WINDOW(dialog));
}

static void on_remove_response(AdwMessageDialog *dialog, const char *response, gpointer data)
{
    VireoMachineSettings *self = data;
    guint index = GPOINTER_TO_UINT(g_object_get_data(G_OBJECT(dialog), "index"));
    if (g_strcmp0(response, "cancel") == 0)
        return;
    g_autoptr(GError) error = NULL;
    gboolean ok =
        vireo_machine_settings_remove_disk(self, index, g_strcmp0(response, "delete") == 0, &error);
    disk_result(self, ok, error);
}

static void on_remove_disk(GtkButton *button, gpointer data)
{
    VireoMachineSettings *self = data;
    guint index = GPOINTER_TO_UINT(g_object_get_data(G_OBJECT(button), "index"));
    const VrMachineConfig *cfg = vireo_machine_get_config(self->machine);
    g_autoptr(GError) error = NULL;
    if (refuse_if_running(self, &error)) {
        disk_result(self, FALSE, error);
        return;
    }
    if (!cfg->disks || index >= cfg->disks->len)
        return;
    const VrDiskConfig *d = &g_array_index(cfg->disks, VrDiskConfig, index);
    g_autofree char *base = d->path ? g_path_get_basename(d->path) : NULL;
    g_autofree char *heading =
        d->cdrom ? g_strdup(_("Remove the CD Drive?")) : g_strdup_printf(_("Remove “%s”?"), base);
    g_autofree char *prefix = g_strconcat(vireo_machine_get_folder(self->machine), "/", NULL);
    /* A CD's disc is never deleted from here. */
    gboolean inside = !d->cdrom && g_str_has_prefix(d->path, prefix);
    GtkWidget *dialog = adw_message_dialog_new(
        GTK_WINDOW(self), heading,
        d->cdrom ? _("The machine loses this drive; the disc image itself is kept.")
        : inside ? _("The disk image is in the machine’s folder. Delete the file too, or keep it?")
                 : _("The machine stops using this file; the file itself is kept."));
    adw_message_dialog_add_response(ADW_MESSAGE_DIALOG(dialog), "cancel", _("_Cancel"));
    if (inside) {
        adw_message_dialog_add_responses(ADW_MESSAGE_DIALOG(dialog), "keep", _("_Keep File"),
                                         "delete", _("_Delete File"), NULL);
        adw_message_dialog_set_response_appearance(ADW_MESSAGE_DIALOG(dialog), "delete",
                                                   ADW_RESPONSE_DESTRUCTIVE);
    } else {
        adw_message_dialog_add_response(ADW_MESSAGE_DIALOG(dialog), "keep", _("_Remove"));
        adw_message_dialog_set_response_appearance(ADW_MESSAGE_DIALOG(dialog), "keep",
                                                   ADW_RESPONSE_DESTRUCTIVE);
    }
    adw_message_dialog_set_close_response(ADW_MESSAGE_DIALOG(dialog), "cancel");
    g_object_set_data(G_OBJECT(dialog), "index", GUINT_TO_POINTER(index));
    g_signal_connect_object(dialog, "response", G_CALLBACK(on_remove_response), self, 0);
    gtk_window_present(GTK_WINDOW(dialog));
}

static void attach_chosen(GFile *file, gpointer data)
{
    g_autoptr(VireoMachineSettings) self = data;
    if (!file)
        return;
    g_autofree char *path = g_file_get_path(file);
    g_autoptr(GError) error = NULL;
    gboolean ok = vireo_machine_settings_attach_disk(self, path, &error);
    disk_result(self, ok, error);
}

static void on_attach_disk(GtkButton *button, gpointer data)
{
    VireoMachineSettings *self = data;
    vireo_choose_file(GTK_WINDOW(self), _("Attach a Disk or ISO Image"), VIREO_FILES_DISK,
                      attach_chosen, g_object_ref(self));
}

static void on_new_disk_response(AdwMessageDialog *dialog, const char *response, gpointer data)
{
    VireoMachineSettings *self = data;
    if (g_strcmp0(response, "create") != 0)
        return;
    GtkSpinButton *spin = g_object_get_data(G_OBJECT(dialog), "spin");
    g_autoptr(GError) error = NULL;
    guint64 size = (guint64) gtk_spin_button_get_value_as_int(spin) * GIB;
    gboolean ok = vireo_machine_settings_new_disk(self, size, &error);
    disk_result(self, ok, error);
}

static void on_new_disk(GtkButton *button, gpointer data)
{
    VireoMachineSettings *self = data;
    GtkWidget *dialog =
        adw_message_dialog_new(GTK_WINDOW(self), _("New Disk"),
                               _("An empty raw disk image in the machine’s folder. It takes "
                                 "space only as the guest fills it."));
    adw_message_dialog_add_responses(ADW_MESSAGE_DIALOG(dialog), "cancel", _("_Cancel"), "create",
                                     _("C_reate"), NULL);
    adw_message_dialog_set_response_appearance(ADW_MESSAGE_DIALOG(dialog), "create",
                                               ADW_RESPONSE_SUGGESTED);
    adw_message_dialog_set_default_response(ADW_MESSAGE_DIALOG(dialog), "create");
    adw_message_dialog_set_close_response(ADW_MESSAGE_DIALOG(dialog), "cancel");
    GtkWidget *box = gtk_box_new(GTK_ORIENTATION_HORIZONTAL, 12);
    gtk_widget_set_halign(box, GTK_ALIGN_CENTER);
    GtkWidget *label = gtk_label_new(_("Size in GiB"));
    GtkWidget *spin = gtk_spin_button_new_with_range(1, 4096, 1);
    gtk_spin_button_set_value(GTK_SPIN_BUTTON(spin), 16);
    gtk_accessible_update_relation(GTK_ACCESSIBLE(spin), GTK_ACCESSIBLE_RELATION_LABELLED_BY, label,
                                   NULL, -1);
    gtk_box_append(GTK_BOX(box), label);
    gtk_box_append(GTK_BOX(box), spin);
    adw_message_dialog_set_extra_child(ADW_MESSAGE_DIALOG(dialog), box);
    g_object_set_data(G_OBJECT(dialog), "spin", spin);
    g_signal_connect_object(dialog, "response", G_CALLBACK(on_new_disk_response), self, 0);
    gtk_window_present(GTK_WINDOW(dialog));
}

/* A CD drive: always read-only, its disc changed on the machine's page. */
static GtkWidget *cd_row(VireoMachineSettings *self, guint index, const VrDiskConfig *d)
{
    GtkWidget *row = adw_action_row_new();
    adw_preferences_row_set_title(ADW_PREFERENCES_ROW(row), _("CD Drive"));
    adw_preferences_row_set_use_markup(ADW_PREFERENCES_ROW(row), FALSE);
    g_autofree char *device = g_strdup_printf("vd%c", 'a' + index);
    g_autofree char *base = d->path ? g_path_get_basename(d->path) : g_strdup(_("Empty"));
    /* Translators: the guest's name of the drive (vdb), then its disc's file or "Empty". */
    g_autofree char *subtitle = g_strdup_printf(_("%s · %s"), device, base);
    adw_action_row_set_subtitle(ADW_ACTION_ROW(row), subtitle);
    adw_action_row_set_icon_name(ADW_ACTION_ROW(row), "media-optical-symbolic");
    if (d->path)
        gtk_widget_set_tooltip_text(row, d->path);
    GtkWidget *remove = gtk_button_new_from_icon_name("user-trash-symbolic");
    gtk_widget_set_valign(remove, GTK_ALIGN_CENTER);
    gtk_widget_add_css_class(remove, "flat");
    gtk_widget_set_tooltip_text(remove, _("Remove CD Drive"));
    g_object_set_data(G_OBJECT(remove), "index", GUINT_TO_POINTER(index));
    g_signal_connect(remove, "clicked", G_CALLBACK(on_remove_disk), self);
    adw_action_row_add_suffix(ADW_ACTION_ROW(row), remove);
    return row;
}

static GtkWidget *disk_row(VireoMachineSettings *self, guint index, const VrDiskConfig *d)
{
    if (d->cdrom)
        return cd_row(self, index, d);
    gboolean active = vireo_machine_is_active(self->machine);
    GtkWidget *row = adw_expander_row_new();
    g_autofree char *base = g_path_get_basename(d->path);
    adw_preferences_row_set_title(ADW_PREFERENCES_ROW(row), base);
    adw_preferences_row_set_use_markup(ADW_PREFERENCES_ROW(row), FALSE);
    GStatBuf st;
    g_autofree char *size = g_stat(d->path, &st) == 0
                                ? g_format_size_full((guint64) st.st_size, G_FORMAT_SIZE_IEC_UNITS)
                                : g_strdup(_("missing"));
    g_autofree char *device = g_strdup_printf("vd%c", 'a' + index);
    /* Where the disk is: a file elsewhere (or a link) is worth knowing before it is removed,
     * copied with the machine, or written. */
    g_autofree char *prefix = g_strconcat(vireo_machine_get_folder(self->machine), "/", NULL);
    gboolean inside = g_str_has_prefix(d->path, prefix);
    GStatBuf lst;
    gboolean link = g_lstat(d->path, &lst) == 0 && S_ISLNK(lst.st_mode);
    char *real = link ? realpath(d->path, NULL) : NULL;
    g_autofree char *target = real ? g_strdup(real) : link ? g_file_read_link(d->path, NULL) : NULL;
    free(real);
    gboolean blocked = link && !d->readonly && !d->follow_symlink;
    const char *parts[6] = {device, size, NULL, NULL, NULL, NULL};
    unsigned n = 2;
    if (d->readonly)
        parts[n++] = _("read-only");
    if (!inside)
        parts[n++] = _("outside the machine’s folder");
    if (link)
        parts[n++] = _("symbolic link");
    g_autofree char *subtitle = g_strjoinv(" · ", (char **) parts);
    adw_expander_row_set_subtitle(ADW_EXPANDER_ROW(row), subtitle);
    adw_expander_row_set_icon_name(ADW_EXPANDER_ROW(row), g_str_has_suffix(d->path, ".iso")
                                                              ? "media-optical-symbolic"
                                                              : "drive-harddisk-symbolic");
    GtkWidget *remove = gtk_button_new_from_icon_name("user-trash-symbolic");
    gtk_widget_set_valign(remove, GTK_ALIGN_CENTER);
    gtk_widget_add_css_class(remove, "flat");
    gtk_widget_set_tooltip_text(remove, _("Remove Disk"));
    g_object_set_data(G_OBJECT(remove), "index", GUINT_TO_POINTER(index));
    g_signal_connect(remove, "clicked", G_CALLBACK(on_remove_disk), self);
    adw_expander_row_add_action(ADW_EXPANDER_ROW(row), remove);

    GtkWidget *readonly_row = adw_action_row_new();
    adw_preferences_row_set_title(ADW_PREFERENCES_ROW(readonly_row), _("Read-Only"));
    adw_action_row_set_subtitle(ADW_ACTION_ROW(readonly_row),
                                _("The guest can read the disk but not change it"));
    GtkWidget *readonly = gtk_switch_new();
    gtk_widget_set_valign(readonly, GTK_ALIGN_CENTER);
    gtk_switch_set_active(GTK_SWITCH(readonly), d->readonly);
    gtk_widget_set_sensitive(readonly, !active);
    g_autofree char *readonly_name = g_strdup_printf("disk-readonly-%u", index);
    gtk_widget_set_name(readonly, readonly_name);
    g_object_set_data(G_OBJECT(readonly), "index", GUINT_TO_POINTER(index));
    g_signal_connect(readonly, "notify::active", G_CALLBACK(on_readonly_switched), self);
    adw_action_row_add_suffix(ADW_ACTION_ROW(readonly_row), readonly);
    adw_action_row_set_activatable_widget(ADW_ACTION_ROW(readonly_row), readonly);
    adw_expander_row_add_row(ADW_EXPANDER_ROW(row), readonly_row);

    GtkWidget *where = adw_action_row_new();
    adw_preferences_row_set_title(ADW_PREFERENCES_ROW(where), _("Location"));
    adw_preferences_row_set_use_markup(ADW_PREFERENCES_ROW(where), FALSE);
    g_autofree char *location =
        target ? g_strdup_printf("%s → %s", d->path, target) : g_strdup(d->path);
    adw_action_row_set_subtitle(ADW_ACTION_ROW(where), location);
    adw_expander_row_add_row(ADW_EXPANDER_ROW(row), where);

    if (link) {
        GtkWidget *link_row = adw_action_row_new();
        adw_preferences_row_set_title(ADW_PREFERENCES_ROW(link_row), _("Symbolic Link"));
        adw_preferences_row_set_use_markup(ADW_PREFERENCES_ROW(link_row), FALSE);
        g_autofree char *why = NULL;
        if (d->follow_symlink)
            why = g_strdup_printf(_("Writing through the link is allowed: the guest writes %s."),
                                  target ? target : "?");
        else if (blocked)
            why = g_strdup_printf(_("It leads to %s. Vireo writes a disk only through its own "
                                    "path, so the machine cannot start until writing through "
                                    "the link is allowed or the disk is read-only."),
                                  target ? target : "?");
        else
            why = g_strdup_printf(_("It leads to %s."), target ? target : "?");
        adw_action_row_set_subtitle(ADW_ACTION_ROW(link_row), why);
        if (d->follow_symlink || blocked) {
            GtkWidget *button = gtk_button_new_with_mnemonic(d->follow_symlink ? _("_Stop Allowing")
                                                                               : _("_Allow…"));
            gtk_widget_set_valign(button, GTK_ALIGN_CENTER);
            gtk_widget_set_sensitive(button, !active);
            g_object_set_data(G_OBJECT(button), "index", GUINT_TO_POINTER(index));
            g_signal_connect(button, "clicked", G_CALLBACK(on_link_button), self);
            adw_action_row_add_suffix(ADW_ACTION_ROW(link_row), button);
        }
        adw_expander_row_add_row(ADW_EXPANDER_ROW(row), link_row);
    }
    /* A disk that keeps the machine from starting is shown open. */
    if (blocked)
        adw_expander_row_set_expanded(ADW_EXPANDER_ROW(row), TRUE);
    return row;
}

/* ---- the network ---- */

typedef enum {
    NET_ENABLED,
    NET_RESTRICTED,
    NET_NEW_MAC,
} NetChange;

typedef struct {
    NetChange what;
    gboolean on;
} NetChangeData;

static gboolean change_net(VireoMachineSettings *self, VrMachineConfig *cfg, gpointer data,
                           GError **error)
{
    NetChangeData *c = data;
    switch (c->what) {
    case NET_ENABLED: cfg->net = c->on; break;
    case NET_RESTRICTED: cfg->net_restricted = c->on; break;
    case NET_NEW_MAC:
        g_free(cfg->net_mac);
        cfg->net_mac = NULL;
        break;
    }
    /* A card keeps its address from start to start, as a real one does. */
    if (cfg->net && !cfg->net_mac)
        cfg->net_mac = vr_net_new_mac();
    return check(cfg, error);
}

static void net_change(VireoMachineSettings *self, NetChange what, gboolean on, GtkWidget *row)
{
    clear_errors(self);
    NetChangeData c = {what, on};
    g_autoptr(GError) error = NULL;
    gboolean ok = save(self, change_net, &c, &error);
    load(self);
    if (!ok)
        refuse(self, error, row, self->net_error);
}

static void on_net_switched(GObject *object, GParamSpec *pspec, gpointer data)
{
    VireoMachineSettings *self = data;
    gboolean on = gtk_switch_get_active(self->net_switch);
    if (self->loading || on == vireo_machine_get_config(self->machine)->net)
        return;
    net_change(self, NET_ENABLED, on, NULL);
}

static void on_restricted_switched(GObject *object, GParamSpec *pspec, gpointer data)
{
    VireoMachineSettings *self = data;
    gboolean on = gtk_switch_get_active(self->restricted_switch);
    if (self->loading || on == vireo_machine_get_config(self->machine)->net_restricted)
        return;
    net_change(self, NET_RESTRICTED, on, self->restricted_row);
}

static void on_new_mac(GtkButton *button, gpointer data)
{
    VireoMachineSettings *self = data;
    net_change(self, NET_NEW_MAC, TRUE, GTK_WIDGET(self->mac_row));
}

/* A port number typed by the user: 1 to 65535, nothing else. */
static gboolean parse_port(const char *text, const char *what, guint *port, GError **error)
{
    g_autofree char *digits = g_strstrip(g_strdup(text));
    guint64 n = 0;
    if (!g_ascii_string_to_unsigned(digits, 10, 1, 65535, &n, NULL)) {
        g_set_error(error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                    /* Translators: what is "the host port" or "the guest port". */
                    _("%s must be a number from 1 to 65535, not “%s”"), what, text);
        return FALSE;
    }
    *port = (guint) n;
    return TRUE;
}

gboolean vireo_machine_settings_add_forward(VireoMachineSettings *self, gboolean udp,
                                            const char *host_address, const char *host_port,
                                            const char *guest_port, GError **error)
{
    guint hport, gport;
    if (!parse_port(host_port, _("The host port"), &hport, error) ||
        !parse_port(guest_port, _("The guest port"), &gport, error))
        return FALSE;
    g_autofree char *address = g_strstrip(g_strdup(host_address ? host_address : ""));
    g_autofree char *forward = g_strdup_printf("%s:%s:%u-:%u", udp ? "udp" : "tcp",
                                               *address ? address : "127.0.0.1", hport, gport);
    g_autoptr(GInetAddress) ip = *address ? g_inet_address_new_from_string(address) : NULL;
    if (*address && (!ip || g_inet_address_get_family(ip) != G_SOCKET_FAMILY_IPV4)) {
        g_set_error(error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                    _("“%s” is not an IPv4 address of the host such as 127.0.0.1"), address);
        return FALSE;
    }
    if (!vireo_machine_add_forward(self->machine, forward, error))
        return FALSE;
    load(self);
    return TRUE;
}

static void on_add_forward(GtkButton *button, gpointer data)
{
    VireoMachineSettings *self = data;
    clear_errors(self);
    g_autoptr(GError) error = NULL;
    const char *host_port = gtk_editable_get_text(GTK_EDITABLE(self->host_port_row));
    const char *guest_port = gtk_editable_get_text(GTK_EDITABLE(self->guest_port_row));
    if (vireo_machine_settings_add_forward(
            self, adw_combo_row_get_selected(self->protocol_row) == 1,
            gtk_editable_get_text(GTK_EDITABLE(self->host_address_row)), host_port, guest_port,
            &error)) {
        gtk_editable_set_text(GTK_EDITABLE(self->host_port_row), "");
        gtk_editable_set_text(GTK_EDITABLE(self->guest_port_row), "");
        return;
    }
    /* The field the reason is about. */
    GtkWidget *row = GTK_WIDGET(self->host_port_row);
    guint n;
    if (parse_port(host_port, "", &n, NULL) && !parse_port(guest_port, "", &n, NULL))
        row = GTK_WIDGET(self->guest_port_row);
    else if (g_error_matches(error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT) &&
             parse_port(host_port, "", &n, NULL))
        row = GTK_WIDGET(self->host_address_row);
    show_error(self, self->forwards_error, error->message);
    vireo_point_at_row(row, row);
}

gboolean vireo_machine_settings_remove_forward(VireoMachineSettings *self, const char *forward,
                                               GError **error)
{
    if (!vireo_machine_remove_forward(self->machine, forward, error))
        return FALSE;
    load(self);
    return TRUE;
}

static gboolean remove_forward_later(gpointer data)
{
    GtkWidget *button = data;
    VireoMachineSettings *self =
        VIREO_MACHINE_SETTINGS(gtk_widget_get_ancestor(button, VIREO_TYPE_MACHINE_SETTINGS));
    if (self) {
        clear_errors(self);
        g_autoptr(GError) error = NULL;
        if (!vireo_machine_settings_remove_forward(
                self, g_object_get_data(G_OBJECT(button), "forward"), &error))
            show_error(self, self->forwards_error, error->message);
    }
    g_object_unref(button);
    return G_SOURCE_REMOVE;
}

static void on_remove_forward(GtkButton *button, gpointer data)
{
    /* The list is made again: not while its button is still in its signal. */
    g_idle_add(remove_forward_later, g_object_ref(button));
}

static GtkWidget *forward_row(VireoMachineSettings *self, guint index, const char *text)
{
    VrNetForward fwd;
    GtkWidget *row = adw_action_row_new();
    adw_preferences_row_set_use_markup(ADW_PREFERENCES_ROW(row), FALSE);
    if (!vr_net_forward_parse(text, &fwd, NULL)) {
        adw_preferences_row_set_title(ADW_PREFERENCES_ROW(row), text);
        return row;
    }
    g_autofree char *title = g_strdup_printf(
        /* Translators: the host's address and port, then the guest's port. */
        _("%s:%u → guest port %u"), fwd.host_addr[0] ? fwd.host_addr : "127.0.0.1", fwd.host_port,
        fwd.guest_port);
    adw_preferences_row_set_title(ADW_PREFERENCES_ROW(row), title);
    adw_action_row_set_subtitle(ADW_ACTION_ROW(row), fwd.udp ? "UDP" : "TCP");
    adw_action_row_set_icon_name(ADW_ACTION_ROW(row), "network-transmit-receive-symbolic");
    GtkWidget *remove = gtk_button_new_from_icon_name("user-trash-symbolic");
    gtk_widget_set_valign(remove, GTK_ALIGN_CENTER);
    gtk_widget_add_css_class(remove, "flat");
    gtk_widget_set_tooltip_text(remove, _("Remove Port Forward"));
    g_autofree char *name = g_strdup_printf("forward-remove-%u", index);
    gtk_widget_set_name(remove, name);
    g_object_set_data_full(G_OBJECT(remove), "forward", g_strdup(text), g_free);
    g_signal_connect(remove, "clicked", G_CALLBACK(on_remove_forward), self);
    adw_action_row_add_suffix(ADW_ACTION_ROW(row), remove);
    return row;
}

static void load_net(VireoMachineSettings *self, const VrMachineConfig *cfg, gboolean active,
                     gboolean saved)
{
    gtk_widget_set_visible(self->net_running_group, active && !saved);
    gtk_widget_set_sensitive(self->net_group, !saved);
    gtk_widget_set_sensitive(self->forwards_group, !saved);
    gtk_widget_set_sensitive(self->add_forward_group, !saved);
    gtk_switch_set_active(self->net_switch, cfg->net);
    gtk_switch_set_active(self->restricted_switch, cfg->net_restricted);
    gtk_widget_set_sensitive(self->restricted_row, cfg->net);
    gtk_widget_set_sensitive(GTK_WIDGET(self->mac_row), cfg->net);
    adw_action_row_set_subtitle(self->mac_row,
                                cfg->net_mac ? cfg->net_mac : _("A new one at every start"));
    gtk_widget_set_sensitive(self->new_mac_button, !active);
    GtkWidget *child;
    while ((child = gtk_widget_get_first_child(GTK_WIDGET(self->forward_list))))
        gtk_list_box_remove(self->forward_list, child);
    guint n = cfg->net_forwards ? cfg->net_forwards->len : 0;
    for (guint i = 0; i < n; i++)
        gtk_list_box_append(self->forward_list, forward_row(self, i, cfg->net_forwards->pdata[i]));
    if (n == 0) {
        GtkWidget *row = adw_action_row_new();
        adw_preferences_row_set_title(ADW_PREFERENCES_ROW(row), _("No port forwards"));
        gtk_widget_add_css_class(row, "dim-label");
        gtk_list_box_append(self->forward_list, row);
    }
}

/* ---- sound ---- */

typedef enum {
    SOUND_ENABLED,
    SOUND_OUTPUT,
    SOUND_INPUT,
    SOUND_LATENCY,
} SoundChange;

typedef struct {
    SoundChange what;
    gboolean on;
    const char *device; /* NULL: the server's default */
    guint latency_ms;
} SoundChangeData;

static gboolean change_sound(VireoMachineSettings *self, VrMachineConfig *cfg, gpointer data,
                             GError **error)
{
    SoundChangeData *c = data;
    switch (c->what) {
    case SOUND_ENABLED: cfg->sound = c->on; break;
    case SOUND_OUTPUT:
        g_free(cfg->sound_output_device);
        cfg->sound_output_device = g_strdup(c->device);
        break;
    case SOUND_INPUT:
        g_free(cfg->sound_input_device);
        cfg->sound_input_device = g_strdup(c->device);
        break;
    case SOUND_LATENCY: cfg->sound_latency_ms = c->latency_ms; break;
    }
    return check(cfg, error);
}

static void sound_change(VireoMachineSettings *self, SoundChangeData *c, GtkWidget *row)
{
    clear_errors(self);
    g_autoptr(GError) error = NULL;
    gboolean ok = save(self, change_sound, c, &error);
    load(self);
    if (!ok)
        refuse(self, error, row, self->sound_error);
}

static void on_sound_switched(GObject *object, GParamSpec *pspec, gpointer data)
{
    VireoMachineSettings *self = data;
    gboolean on = gtk_switch_get_active(self->sound_switch);
    if (self->loading || on == vireo_machine_get_config(self->machine)->sound)
        return;
    SoundChangeData c = {.what = SOUND_ENABLED, .on = on};
    sound_change(self, &c, NULL);
}

static void on_device_selected(GObject *object, GParamSpec *pspec, gpointer data)
{
    VireoMachineSettings *self = data;
    if (self->loading)
        return;
    gboolean output = ADW_COMBO_ROW(object) == self->output_device_row;
    GPtrArray *names = output ? self->output_names : self->input_names;
    guint i = adw_combo_row_get_selected(ADW_COMBO_ROW(object));
    if (!names || i >= names->len)
        return;
    const char *name = names->pdata[i];
    const VrMachineConfig *cfg = vireo_machine_get_config(self->machine);
    if (g_strcmp0(name, output ? cfg->sound_output_device : cfg->sound_input_device) == 0)
        return;
    SoundChangeData c = {.what = output ? SOUND_OUTPUT : SOUND_INPUT, .device = name};
    sound_change(self, &c, GTK_WIDGET(object));
}

static void on_latency_changed(GtkSpinButton *spin, gpointer data)
{
    VireoMachineSettings *self = data;
    guint ms = (guint) gtk_spin_button_get_value_as_int(spin);
    guint now = vireo_machine_get_config(self->machine)->sound_latency_ms;
    if (self->loading || ms == (now ? now : VR_AUDIO_DEFAULT_LATENCY_MS))
        return;
    SoundChangeData c = {.what = SOUND_LATENCY, .latency_ms = ms};
    sound_change(self, &c, self->latency_row);
}

/* Fills a drop-down: the server's default, then the server's devices, then the saved device
 * when the server does not have it (or there is no server). */
static void fill_devices(VireoMachineSettings *self, AdwComboRow *row, GtkStringList *list,
                         GPtrArray **names, GPtrArray *devices, const char *chosen)
{
    guint old = g_list_model_get_n_items(G_LIST_MODEL(list));
    g_clear_pointer(names, g_ptr_array_unref);
    *names = g_ptr_array_new_with_free_func(g_free);
    g_autoptr(GPtrArray) labels = g_ptr_array_new_with_free_func(g_free);
    g_ptr_array_add(*names, NULL);
    g_ptr_array_add(labels, g_strdup(_("Default")));
    guint selected = 0;
    for (guint i = 0; devices && i < devices->len; i++) {
        const VrAudioDevice *dev = devices->pdata[i];
        if (g_strcmp0(dev->name, chosen) == 0)
            selected = (*names)->len;
        g_ptr_array_add(*names, g_strdup(dev->name));
        g_ptr_array_add(labels, g_strdup(dev->description));
    }
    if (chosen && selected == 0) {
        selected = (*names)->len;
        g_ptr_array_add(*names, g_strdup(chosen));
        /* Translators: %s is a sound device's name the sound server does not list. */
        g_ptr_array_add(labels, g_strdup_printf(_("%s (not found)"), chosen));
    }
    g_ptr_array_add(labels, NULL);
    gtk_string_list_splice(list, 0, old, (const char *const *) labels->pdata);
    adw_combo_row_set_selected(row, selected);
}

static void load_sound(VireoMachineSettings *self, const VrMachineConfig *cfg, gboolean active,
                       gboolean saved)
{
    gtk_widget_set_visible(self->sound_running_group, active && !saved);
    gtk_widget_set_sensitive(self->sound_group, !saved);
    gtk_switch_set_active(self->sound_switch, cfg->sound);
    gboolean pulse = cfg->sound_backend == VR_SOUND_PULSE;
    fill_devices(self, self->output_device_row, self->output_devices, &self->output_names,
                 self->sinks, cfg->sound_output_device);
    fill_devices(self, self->input_device_row, self->input_devices, &self->input_names,
                 self->sources, cfg->sound_input_device);
    g_autofree char *subtitle = NULL;
    if (!pulse)
        /* Translators: %s is the backend machine.ini names (wav or null). */
        subtitle = g_strdup_printf(_("machine.ini sends this machine’s sound to the %s backend"),
                                   cfg->sound_backend == VR_SOUND_WAV ? "wav" : "null");
    else if (self->server_error)
        subtitle = g_strdup(self->server_error);
    adw_action_row_set_subtitle(ADW_ACTION_ROW(self->output_device_row), subtitle ? subtitle : "");
    adw_action_row_set_subtitle(ADW_ACTION_ROW(self->input_device_row), subtitle ? subtitle : "");
    gtk_widget_set_sensitive(GTK_WIDGET(self->output_device_row), cfg->sound && pulse);
    gtk_widget_set_sensitive(GTK_WIDGET(self->input_device_row), cfg->sound && pulse);
    gtk_widget_set_sensitive(self->latency_row, cfg->sound);
    gtk_spin_button_set_value(self->latency_spin, cfg->sound_latency_ms
                                                      ? cfg->sound_latency_ms
                                                      : VR_AUDIO_DEFAULT_LATENCY_MS);
}

/* Asks the sound server for its devices once, when the window opens. */
static void list_sound_devices(VireoMachineSettings *self)
{
    g_autoptr(GError) error = NULL;
    if (!vr_audio_pulse_list_devices(NULL, &self->sinks, &self->sources, &error))
        self->server_error = g_strdup(error->message);
}

/* ---- showing the settings ---- */

static void set_file_row(AdwActionRow *row, const char *path, GtkWidget *clear)
{
    adw_action_row_set_subtitle(row, path ? path : _("None"));
    if (clear)
        gtk_widget_set_visible(clear, path != NULL);
}

static void load(VireoMachineSettings *self)
{
    self->loading = TRUE;
    const VrMachineConfig *cfg = vireo_machine_get_config(self->machine);
    gboolean active = vireo_machine_is_active(self->machine);
    g_autofree char *title =
        g_strdup_printf(_("“%s” Settings"), vireo_machine_get_name(self->machine));
    gtk_window_set_title(GTK_WINDOW(self), title);
    /* A saved state resumes with the settings it was saved with: they wait until it is gone. */
    gboolean saved = vireo_machine_has_saved_state(self->machine);
    gtk_widget_set_visible(GTK_WIDGET(self->running_group), active && !saved);
    gtk_widget_set_visible(GTK_WIDGET(self->saved_group), saved);
    gtk_widget_set_sensitive(self->discard_state_button, !active);
    gtk_widget_set_sensitive(self->machine_group, !saved);
    gtk_widget_set_sensitive(self->boot_group, !saved);
    gtk_widget_set_sensitive(self->disks_group, !saved);
    gtk_editable_set_text(GTK_EDITABLE(self->name_row), vireo_machine_get_name(self->machine));
    gtk_editable_set_editable(GTK_EDITABLE(self->name_row), !active);
    adw_action_row_set_subtitle(self->arch_row, vireo_arch_label(cfg->arch));
    /* The spin button offers what the machine's board takes. */
    const VrBoardInfo *board = vr_board_for_config(cfg, NULL);
    if (board)
        gtk_spin_button_set_range(self->cpus_spin, board->min_cpus, board->max_cpus);
    gtk_spin_button_set_value(self->cpus_spin, cfg->cpus);
    gtk_switch_set_active(self->display_switch, cfg->display);
    /* While it runs: what draws its screen, and why not Vulkan. */
    const char *note = NULL;
    const char *renderer = vireo_machine_get_renderer(self->machine, &note);
    g_autofree char *drawn = NULL;
    const char *copy_note = NULL;
    gboolean through_gl = vireo_machine_get_display_gl(self->machine, &copy_note);
    if (g_strcmp0(renderer, "vulkan") == 0 && through_gl)
        drawn = g_strdup(_("Drawn with Vulkan, shown through OpenGL"));
    else if (g_strcmp0(renderer, "vulkan") == 0 && copy_note)
        /* Translators: %s says why the picture cannot go from Vulkan to OpenGL directly. */
        drawn = g_strdup_printf(_("Drawn with Vulkan, copied by the CPU: %s"), copy_note);
    else if (g_strcmp0(renderer, "vulkan") == 0)
        drawn = g_strdup(_("Drawn with Vulkan, copied by the CPU"));
    else if (renderer && note)
        /* Translators: %s says why Vulkan is not used. */
        drawn = g_strdup_printf(_("Drawn by the CPU: %s"), note);
    else if (renderer)
        drawn = g_strdup(_("Drawn by the CPU"));
    if (!self->display_subtitle)
        self->display_subtitle =
            g_strdup(adw_action_row_get_subtitle(ADW_ACTION_ROW(self->display_row)));
    adw_action_row_set_subtitle(ADW_ACTION_ROW(self->display_row),
                                drawn ? drawn : self->display_subtitle);
    /* The machine's devices are fixed while it runs. */
    gtk_widget_set_sensitive(self->display_row, !active);
    g_autofree char *memory = vireo_format_memory_exact(cfg->memory);
    gtk_editable_set_text(GTK_EDITABLE(self->memory_row), memory);

    guint fw = !cfg->bios ? 0 : g_str_equal(cfg->bios, "none") ? 1 : 2;
    adw_combo_row_set_selected(self->firmware_row, fw);
    adw_action_row_set_subtitle(ADW_ACTION_ROW(self->firmware_row), vireo_firmware_choice_text(fw));
    gtk_widget_set_visible(GTK_WIDGET(self->firmware_file_row), fw == 2);
    set_file_row(self->firmware_file_row, fw == 2 ? cfg->bios : NULL, NULL);
    set_file_row(self->kernel_row, cfg->kernel, self->kernel_clear_button);
    set_file_row(self->initrd_row, cfg->initrd, self->initrd_clear_button);
    gtk_editable_set_text(GTK_EDITABLE(self->cmdline_row), cfg->append ? cfg->append : "");

    /* The rows are made again: those the user had open stay open (known by their file, as
     * removing a disk moves the others up). */
    g_autoptr(GHashTable) expanded = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    GtkWidget *child;
    for (child = gtk_widget_get_first_child(GTK_WIDGET(self->disk_list)); child;
         child = gtk_widget_get_next_sibling(child))
        if (ADW_IS_EXPANDER_ROW(child) && adw_expander_row_get_expanded(ADW_EXPANDER_ROW(child)))
            g_hash_table_add(expanded, g_strdup(g_object_get_data(G_OBJECT(child), "path")));
    while ((child = gtk_widget_get_first_child(GTK_WIDGET(self->disk_list))))
        gtk_list_box_remove(self->disk_list, child);
    for (guint i = 0; cfg->disks && i < cfg->disks->len; i++) {
        const VrDiskConfig *d = &g_array_index(cfg->disks, VrDiskConfig, i);
        GtkWidget *row = disk_row(self, i, d);
        g_object_set_data_full(G_OBJECT(row), "path", g_strdup(d->path), g_free);
        if (d->path && ADW_IS_EXPANDER_ROW(row) && g_hash_table_contains(expanded, d->path))
            adw_expander_row_set_expanded(ADW_EXPANDER_ROW(row), TRUE);
        gtk_list_box_append(self->disk_list, row);
    }
    if (!cfg->disks || cfg->disks->len == 0) {
        GtkWidget *row = adw_action_row_new();
        adw_preferences_row_set_title(ADW_PREFERENCES_ROW(row), _("No disks"));
        gtk_widget_add_css_class(row, "dim-label");
        gtk_list_box_append(self->disk_list, row);
    }
    gtk_widget_set_sensitive(self->new_disk_button, !active);
    gtk_widget_set_sensitive(self->attach_disk_button, !active);
    load_net(self, cfg, active, saved);
    load_sound(self, cfg, active, saved);
    self->loading = FALSE;
}

static void on_discard_state(GtkButton *button, gpointer data)
{
    VireoMachineSettings *self = data;
    g_autoptr(GError) error = NULL;
    if (!vireo_machine_discard_saved_state(self->machine, &error))
        show_error(self, self->machine_error, error->message);
}

static void on_machine_notify(GObject *object, GParamSpec *pspec, gpointer data)
{
    VireoMachineSettings *self = data;
    if (g_str_equal(pspec->name, "state") || g_str_equal(pspec->name, "saved-state"))
        load(self);
}

VireoMachineSettings *vireo_machine_settings_new(GtkWindow *parent, VireoLibrary *library,
                                                 VireoMachine *machine)
{
    VireoMachineSettings *self =
        g_object_new(VIREO_TYPE_MACHINE_SETTINGS, "transient-for", parent, NULL);
    self->library = g_object_ref(library);
    self->machine = g_object_ref(machine);
    g_signal_connect_object(machine, "notify::state", G_CALLBACK(on_machine_notify), self, 0);
    g_signal_connect_object(machine, "notify::saved-state", G_CALLBACK(on_machine_notify), self, 0);
    list_sound_devices(self);
    load(self);
    return self;
}

static void vireo_machine_settings_dispose(GObject *object)
{
    VireoMachineSettings *self = VIREO_MACHINE_SETTINGS(object);
    g_clear_pointer(&self->display_subtitle, g_free);
    g_clear_pointer(&self->sinks, g_ptr_array_unref);
    g_clear_pointer(&self->sources, g_ptr_array_unref);
    g_clear_pointer(&self->server_error, g_free);
    g_clear_pointer(&self->output_names, g_ptr_array_unref);
    g_clear_pointer(&self->input_names, g_ptr_array_unref);
    g_clear_object(&self->machine);
    g_clear_object(&self->library);
    gtk_widget_dispose_template(GTK_WIDGET(self), VIREO_TYPE_MACHINE_SETTINGS);
    G_OBJECT_CLASS(vireo_machine_settings_parent_class)->dispose(object);
}

static void vireo_machine_settings_class_init(VireoMachineSettingsClass *klass)
{
    GObjectClass *object_class = G_OBJECT_CLASS(klass);
    GtkWidgetClass *widget_class = GTK_WIDGET_CLASS(klass);
    object_class->dispose = vireo_machine_settings_dispose;

    gtk_widget_class_set_template_from_resource(widget_class,
                                                "/org/vireo/Vireo/ui/vireo-machine-settings.ui");
#define BIND(name) gtk_widget_class_bind_template_child(widget_class, VireoMachineSettings, name)
    BIND(running_group);
    BIND(saved_group);
    BIND(discard_state_button);
    BIND(machine_group);
    BIND(boot_group);
    BIND(disks_group);
    BIND(name_row);
    BIND(arch_row);
    BIND(cpus_row);
    BIND(cpus_spin);
    BIND(display_row);
    BIND(display_switch);
    BIND(memory_row);
    BIND(machine_error);
    BIND(firmware_row);
    BIND(firmware_file_row);
    BIND(firmware_choose_button);
    BIND(kernel_row);
    BIND(kernel_choose_button);
    BIND(kernel_clear_button);
    BIND(initrd_row);
    BIND(initrd_choose_button);
    BIND(initrd_clear_button);
    BIND(cmdline_row);
    BIND(boot_error);
    BIND(new_disk_button);
    BIND(attach_disk_button);
    BIND(disk_list);
    BIND(disks_error);
    BIND(net_running_group);
    BIND(net_group);
    BIND(forwards_group);
    BIND(add_forward_group);
    BIND(net_switch);
    BIND(restricted_row);
    BIND(restricted_switch);
    BIND(mac_row);
    BIND(new_mac_button);
    BIND(net_error);
    BIND(forward_list);
    BIND(protocol_row);
    BIND(host_address_row);
    BIND(host_port_row);
    BIND(guest_port_row);
    BIND(forwards_error);
    BIND(add_forward_button);
    BIND(sound_running_group);
    BIND(sound_group);
    BIND(sound_switch);
    BIND(output_device_row);
    BIND(input_device_row);
    BIND(output_devices);
    BIND(input_devices);
    BIND(latency_row);
    BIND(latency_spin);
    BIND(sound_error);
#undef BIND
}

static void vireo_machine_settings_init(VireoMachineSettings *self)
{
    gtk_widget_init_template(GTK_WIDGET(self));
    g_signal_connect(self->name_row, "apply", G_CALLBACK(on_name_apply), self);
    g_signal_connect(self->cpus_spin, "value-changed", G_CALLBACK(on_cpus_changed), self);
    g_signal_connect(self->display_switch, "notify::active", G_CALLBACK(on_display_changed), self);
    g_signal_connect(self->memory_row, "apply", G_CALLBACK(on_memory_apply), self);
    g_signal_connect(self->cmdline_row, "apply", G_CALLBACK(on_cmdline_apply), self);
    g_signal_connect(self->firmware_row, "notify::selected", G_CALLBACK(on_firmware_selected),
                     self);
    g_signal_connect(self->firmware_choose_button, "clicked", G_CALLBACK(on_firmware_choose), self);
    g_signal_connect(self->kernel_choose_button, "clicked", G_CALLBACK(on_kernel_choose), self);
    g_signal_connect(self->kernel_clear_button, "clicked", G_CALLBACK(on_kernel_clear), self);
    g_signal_connect(self->initrd_choose_button, "clicked", G_CALLBACK(on_initrd_choose), self);
    g_signal_connect(self->initrd_clear_button, "clicked", G_CALLBACK(on_initrd_clear), self);
    g_signal_connect(self->new_disk_button, "clicked", G_CALLBACK(on_new_disk), self);
    g_signal_connect(self->attach_disk_button, "clicked", G_CALLBACK(on_attach_disk), self);
    g_signal_connect(self->discard_state_button, "clicked", G_CALLBACK(on_discard_state), self);
    g_signal_connect(self->net_switch, "notify::active", G_CALLBACK(on_net_switched), self);
    g_signal_connect(self->restricted_switch, "notify::active", G_CALLBACK(on_restricted_switched),
                     self);
    g_signal_connect(self->new_mac_button, "clicked", G_CALLBACK(on_new_mac), self);
    g_signal_connect(self->add_forward_button, "clicked", G_CALLBACK(on_add_forward), self);
    g_signal_connect(self->sound_switch, "notify::active", G_CALLBACK(on_sound_switched), self);
    g_signal_connect(self->output_device_row, "notify::selected", G_CALLBACK(on_device_selected),
                     self);
    g_signal_connect(self->input_device_row, "notify::selected", G_CALLBACK(on_device_selected),
                     self);
    g_signal_connect(self->latency_spin, "value-changed", G_CALLBACK(on_latency_changed), self);
}
