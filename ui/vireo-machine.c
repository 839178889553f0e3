/* VireoMachine: a machine of the library, and the engine's VrMachine while it runs. */
#include <errno.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "vireo-config.h"
#include "vireo-gl-frames.h"
#include "vireo-machine.h"
#include "vireo-util.h"
#include "net/vr-net-slirp.h"

#define CONSOLE_LOG_MAX   (1u << 20)
#define DRAIN_CHUNK       (16u << 10)
#define DRAIN_PER_TURN    (64u << 10)
#define INPUT_PENDING_MAX (64u << 10)

struct _VireoMachine {
    GObject parent_instance;

    VrLibraryEntry *entry;
    char *problem; /* the entry's problem in the user's language */
    GdkTexture *thumbnail;

    VrMachine *vm;
    VireoMachineState state;
    gboolean start_after_teardown;
    guint teardowns; /* machines still being freed on a worker thread */
    gboolean resetting;
    gboolean building;            /* vr_machine_new() runs on a worker thread */
    gboolean restoring;           /* ... vr_machine_new_from_state() rather */
    gboolean cancel_start;        /* forced off while it was being built */
    VrMachine *teardown_deferred; /* stopped while a reset or a save ran */
    gboolean saving;              /* vr_machine_save_state() runs on a worker thread */
    gboolean resume_after_save;   /* it ran before it was paused for saving */
    gboolean quit_saved;          /* powered off after its state was saved */
    char *restore_error;          /* why the saved state was refused, until discarded */
    gboolean display_gl;          /* the screen's frames are shown through GL */
    char *display_note;           /* why not, when the renderer could have exported them */
    char *guest_address;          /* the guest's address from DHCP while it runs, or NULL */
    gboolean net_link;            /* the network cable is plugged in (at every start) */

    GByteArray *console_log;
    GByteArray *input_pending;
    guint input_retry;
    guint drain_source;
};

G_DEFINE_FINAL_TYPE(VireoMachine, vireo_machine, G_TYPE_OBJECT)

G_DEFINE_ENUM_TYPE(VireoMachineState, vireo_machine_state,
                   G_DEFINE_ENUM_VALUE(VIREO_MACHINE_OFF, "off"),
                   G_DEFINE_ENUM_VALUE(VIREO_MACHINE_STARTING, "starting"),
                   G_DEFINE_ENUM_VALUE(VIREO_MACHINE_RUNNING, "running"),
                   G_DEFINE_ENUM_VALUE(VIREO_MACHINE_PAUSED, "paused"))

enum {
    PROP_0,
    PROP_NAME,
    PROP_FOLDER,
    PROP_DESCRIPTION,
    PROP_PROBLEM,
    PROP_STATE,
    PROP_THUMBNAIL,
    PROP_BUSY,
    PROP_SAVING,
    PROP_SAVED_STATE,
    PROP_GUEST_ADDRESS,
    PROP_NET_LINK,
    N_PROPS,
};
static GParamSpec *props[N_PROPS];

enum {
    SIGNAL_CONSOLE_OUTPUT,
    SIGNAL_CONSOLE_CLEARED,
    SIGNAL_ERROR,
    SIGNAL_STOPPED,
    SIGNAL_CONFIG_CHANGED,
    SIGNAL_MEDIA_CHANGED,
    SIGNAL_DISPLAY_UPDATED,
    N_SIGNALS,
};
static guint signals[N_SIGNALS];

static void teardown(VireoMachine *self, VrMachine *vm);
static void forget_saved_state(VireoMachine *self);

/* ---- properties ---- */

const char *vireo_machine_get_folder(VireoMachine *self)
{
    return self->entry->folder;
}

const char *vireo_machine_get_name(VireoMachine *self)
{
    return vr_library_entry_name(self->entry);
}

char *vireo_machine_describe(VireoMachine *self)
{
    const VrMachineConfig *cfg = &self->entry->cfg;
    if (!self->entry->cfg_loaded)
        return g_strdup(_("Settings unreadable"));
    g_autofree char *memory = vireo_format_memory(cfg->memory);
    g_autofree char *cpus =
        g_strdup_printf(g_dngettext(GETTEXT_PACKAGE, "%u CPU", "%u CPUs", cfg->cpus), cfg->cpus);
    /* Translators: architecture · CPUs · memory, e.g. "RISC-V 64 · 2 CPUs · 1 GiB". */
    return g_strdup_printf(_("%s · %s · %s"), vireo_arch_label(cfg->arch), cpus, memory);
}

const VrMachineConfig *vireo_machine_get_config(VireoMachine *self)
{
    return &self->entry->cfg;
}

const VrLibraryEntry *vireo_machine_get_entry(VireoMachine *self)
{
    return self->entry;
}

const char *vireo_machine_get_problem(VireoMachine *self)
{
    return self->entry->problem ? self->problem : NULL;
}

/* The library's findings, said in the user's language (the file names stay as they are;
 * what GKeyFile or the checks said about a bad value stays in English). */
static char *word_problem(const VrLibraryEntry *e)
{
    const char *path = e->problem_path ? e->problem_path : e->ini_path;
    const char *detail = e->problem_detail ? e->problem_detail : "";
    if (e->problem == VR_PROBLEM_NONE)
        return NULL;
    if (e->problem == VR_PROBLEM_CONFIG) {
        if (e->problem_missing)
            return g_strdup_printf(_("The settings file %s is missing."), path);
        if (e->cfg_loaded)
            return g_strdup_printf(_("The settings in %s cannot be used: %s"), path, detail);
        return g_strdup_printf(_("The settings file %s is damaged: %s"), path, detail);
    }
    if (e->problem_missing) {
        switch (e->problem_role) {
        case VR_FILE_DISK: return g_strdup_printf(_("The disk image %s is missing."), path);
        case VR_FILE_KERNEL: return g_strdup_printf(_("The kernel %s is missing."), path);
        case VR_FILE_INITRD: return g_strdup_printf(_("The initramfs %s is missing."), path);
        case VR_FILE_FIRMWARE: return g_strdup_printf(_("The firmware %s is missing."), path);
        case VR_FILE_SETTINGS: break;
        }
        return g_strdup_printf(_("%s is missing."), path);
    }
    switch (e->problem_role) {
    case VR_FILE_DISK:
        return g_strdup_printf(_("The disk image %s cannot be opened: %s"), path, detail);
    case VR_FILE_KERNEL:
        return g_strdup_printf(_("The kernel %s cannot be read: %s"), path, detail);
    case VR_FILE_INITRD:
        return g_strdup_printf(_("The initramfs %s cannot be read: %s"), path, detail);
    case VR_FILE_FIRMWARE:
        return g_strdup_printf(_("The firmware %s cannot be read: %s"), path, detail);
    case VR_FILE_SETTINGS: break;
    }
    return g_strdup_printf(_("%s cannot be read: %s"), path, detail);
}

VrProblem vireo_machine_get_problem_kind(VireoMachine *self)
{
    return self->entry->problem;
}

VireoMachineState vireo_machine_get_state(VireoMachine *self)
{
    return self->state;
}

gboolean vireo_machine_is_active(VireoMachine *self)
{
    return self->state != VIREO_MACHINE_OFF;
}

GdkTexture *vireo_machine_get_thumbnail(VireoMachine *self)
{
    return self->thumbnail;
}

gboolean vireo_machine_has_saved_state(VireoMachine *self)
{
    return self->entry->saved_state != NULL;
}

gboolean vireo_machine_is_saving(VireoMachine *self)
{
    return self->saving;
}

const char *vireo_machine_get_restore_error(VireoMachine *self)
{
    return self->restore_error;
}

const char *vireo_machine_get_state_label(VireoMachine *self)
{
    if (self->saving)
        return _("Saving…");
    switch (self->state) {
    case VIREO_MACHINE_OFF: return self->entry->saved_state ? _("Saved") : _("Off");
    case VIREO_MACHINE_STARTING: return _("Starting…");
    case VIREO_MACHINE_RUNNING: return _("Running");
    case VIREO_MACHINE_PAUSED: return _("Paused");
    }
    return "";
}

static void set_state(VireoMachine *self, VireoMachineState state)
{
    if (self->state == state)
        return;
    self->state = state;
    g_object_notify_by_pspec(G_OBJECT(self), props[PROP_STATE]);
}

static void load_thumbnail(VireoMachine *self)
{
    g_clear_object(&self->thumbnail);
    if (self->entry->screenshot) {
        g_autoptr(GError) error = NULL;
        self->thumbnail = gdk_texture_new_from_filename(self->entry->screenshot, &error);
        if (!self->thumbnail)
            g_debug("%s: %s", self->entry->screenshot, error->message);
    }
    g_object_notify_by_pspec(G_OBJECT(self), props[PROP_THUMBNAIL]);
}

void vireo_machine_set_entry(VireoMachine *self, VrLibraryEntry *entry)
{
    gboolean saved_before = self->entry && self->entry->saved_state;
    g_clear_pointer(&self->entry, vr_library_entry_free);
    self->entry = entry;
    g_free(self->problem);
    self->problem = word_problem(entry);
    load_thumbnail(self);
    g_object_notify_by_pspec(G_OBJECT(self), props[PROP_NAME]);
    g_object_notify_by_pspec(G_OBJECT(self), props[PROP_FOLDER]);
    g_object_notify_by_pspec(G_OBJECT(self), props[PROP_DESCRIPTION]);
    g_object_notify_by_pspec(G_OBJECT(self), props[PROP_PROBLEM]);
    if (saved_before != (entry->saved_state != NULL))
        g_object_notify_by_pspec(G_OBJECT(self), props[PROP_SAVED_STATE]);
    g_signal_emit(self, signals[SIGNAL_CONFIG_CHANGED], 0);
}

void vireo_machine_reload(VireoMachine *self)
{
    vireo_machine_set_entry(self, vr_library_entry_load(self->entry->folder));
}

void vireo_machine_set_folder(VireoMachine *self, const char *folder)
{
    vireo_machine_set_entry(self, vr_library_entry_load(folder));
}

gboolean vireo_machine_save_config(VireoMachine *self, const VrMachineConfig *cfg, GError **error)
{
    if (!vr_machine_config_validate(cfg, error))
        return FALSE;
    if (!vr_machine_config_save_file(cfg, self->entry->ini_path, error))
        return FALSE;
    vireo_machine_reload(self);
    return TRUE;
}

/* ---- CD drives ---- */

static const VrDiskConfig *cd_config(VireoMachine *self, guint disk)
{
    const VrMachineConfig *cfg = &self->entry->cfg;
    if (!self->entry->cfg_loaded || !cfg->disks || disk >= cfg->disks->len)
        return NULL;
    const VrDiskConfig *d = &g_array_index(cfg->disks, VrDiskConfig, disk);
    return d->cdrom ? d : NULL;
}

gboolean vireo_machine_is_cd_drive(VireoMachine *self, guint disk)
{
    return cd_config(self, disk) != NULL;
}

char *vireo_machine_get_cd_path(VireoMachine *self, guint disk)
{
    if (self->vm)
        return vr_machine_cd_path(self->vm, disk);
    const VrDiskConfig *d = cd_config(self, disk);
    return d ? g_strdup(d->path) : NULL;
}

/* Writes the disc of CD drive disk (and its eject-on-reboot) to machine.ini. */
static gboolean save_cd(VireoMachine *self, guint disk, const char *path, gboolean eject_on_reboot,
                        GError **error)
{
    const VrDiskConfig *now = cd_config(self, disk);
    if (!now) /* the settings changed meanwhile: nothing to keep */
        return TRUE;
    if (g_strcmp0(now->path, path) == 0 && now->eject_on_reboot == (eject_on_reboot && path))
        return TRUE;
    VrMachineConfig cfg;
    vr_machine_config_copy(&cfg, &self->entry->cfg);
    VrDiskConfig *d = &g_array_index(cfg.disks, VrDiskConfig, disk);
    g_free(d->path);
    d->path = g_strdup(path);
    d->eject_on_reboot = eject_on_reboot && path;
    gboolean ok = vireo_machine_save_config(self, &cfg, error);
    vr_machine_config_clear(&cfg);
    return ok;
}

gboolean vireo_machine_change_cd(VireoMachine *self, guint disk, const char *path, GError **error)
{
    if (self->building) {
        g_set_error(error, G_IO_ERROR, G_IO_ERROR_BUSY, "%s",
                    _("The machine is starting; change the CD once it runs"));
        return FALSE;
    }
    /* The engine holds the machine for a save or a reset on a worker thread: waiting for it
     * here would stop the window. */
    if (self->saving || self->resetting) {
        g_set_error(error, G_IO_ERROR, G_IO_ERROR_BUSY, "%s",
                    _("The machine is busy saving or restarting; change the CD in a moment"));
        return FALSE;
    }
    /* A running machine takes the disc at once; its event writes machine.ini. */
    if (self->vm)
        return vr_machine_change_cd(self->vm, disk, path, error);
    if (!cd_config(self, disk)) {
        g_set_error(error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                    /* Translators: %u counts the machine's disks from 0. */
                    _("Disk %u of the machine is not a CD drive"), disk);
        return FALSE;
    }
    g_autofree char *full = path ? g_canonicalize_filename(path, NULL) : NULL;
    if (full) {
        VrMachineConfig one;
        vr_machine_config_init(&one);
        vr_machine_config_add_cdrom(&one, full);
        gboolean readable = vr_library_check_files(&one, error);
        vr_machine_config_clear(&one);
        if (!readable)
            return FALSE;
    }
    if (!save_cd(self, disk, full, FALSE, error))
        return FALSE;
    g_signal_emit(self, signals[SIGNAL_MEDIA_CHANGED], 0, disk, FALSE);
    return TRUE;
}

static void on_media_changed(VireoMachine *self, VrMachine *m, const VrMachineEvent *ev)
{
    g_autofree char *path = vr_machine_cd_path(m, ev->disk);
    g_autoptr(GError) error = NULL;
    if (!save_cd(self, ev->disk, path, vr_machine_cd_eject_on_reboot(m, ev->disk), &error))
        g_signal_emit(self, signals[SIGNAL_ERROR], 0, error->message);
    g_signal_emit(self, signals[SIGNAL_MEDIA_CHANGED], 0, ev->disk, ev->ejected_on_reboot);
}

gboolean vireo_machine_save_thumbnail(VireoMachine *self, GdkTexture *texture, GError **error)
{
    g_autofree char *path = g_build_filename(self->entry->folder, "screenshot.png", NULL);
    g_autofree char *tmp = g_strconcat(path, ".new", NULL);
    if (!gdk_texture_save_to_png(texture, tmp)) {
        g_set_error(error, G_IO_ERROR, G_IO_ERROR_FAILED, _("Cannot write %s"), tmp);
        return FALSE;
    }
    if (g_rename(tmp, path) != 0) {
        int err = errno;
        g_unlink(tmp);
        g_set_error(error, G_IO_ERROR, g_io_error_from_errno(err), _("Cannot write %s: %s"), path,
                    g_strerror(err));
        return FALSE;
    }
    g_free(self->entry->screenshot);
    self->entry->screenshot = g_steal_pointer(&path);
    g_set_object(&self->thumbnail, texture);
    g_object_notify_by_pspec(G_OBJECT(self), props[PROP_THUMBNAIL]);
    return TRUE;
}

/* ---- the console ---- */

static void log_append(VireoMachine *self, const guint8 *data, gsize len)
{
    g_byte_array_append(self->console_log, data, (guint) len);
    if (self->console_log->len > CONSOLE_LOG_MAX)
        g_byte_array_remove_range(self->console_log, 0,
                                  self->console_log->len - CONSOLE_LOG_MAX / 2);
}

static gboolean drain_again(gpointer data);

/* Reads what the guest printed, a bounded amount per main loop turn so that a flooding
 * guest cannot starve the UI; the machine's buffer filling up slows the guest down. */
static void drain_console(VireoMachine *self)
{
    if (!self->vm)
        return;
    g_autoptr(GByteArray) out = g_byte_array_new();
    guint8 buf[DRAIN_CHUNK];
    while (out->len < DRAIN_PER_TURN) {
        size_t n = vr_machine_console_read(self->vm, buf, sizeof(buf));
        if (n == 0)
            break;
        g_byte_array_append(out, buf, (guint) n);
    }
    if (out->len) {
        log_append(self, out->data, out->len);
        g_autoptr(GBytes) bytes = g_byte_array_free_to_bytes(g_steal_pointer(&out));
        g_signal_emit(self, signals[SIGNAL_CONSOLE_OUTPUT], 0, bytes);
        if (g_bytes_get_size(bytes) >= DRAIN_PER_TURN && !self->drain_source)
            self->drain_source = g_timeout_add(10, drain_again, self);
    }
}

static gboolean drain_again(gpointer data)
{
    VireoMachine *self = data;
    self->drain_source = 0;
    drain_console(self);
    return G_SOURCE_REMOVE;
}

static gboolean input_retry(gpointer data);

static void flush_input(VireoMachine *self)
{
    if (!self->vm) {
        g_byte_array_set_size(self->input_pending, 0);
        return;
    }
    if (self->input_pending->len) {
        size_t n =
            vr_machine_console_input(self->vm, self->input_pending->data, self->input_pending->len);
        g_byte_array_remove_range(self->input_pending, 0, (guint) n);
    }
    if (self->input_pending->len && !self->input_retry)
        self->input_retry = g_timeout_add(20, input_retry, self);
}

static gboolean input_retry(gpointer data)
{
    VireoMachine *self = data;
    self->input_retry = 0;
    flush_input(self);
    return G_SOURCE_REMOVE;
}

void vireo_machine_console_input(VireoMachine *self, const char *data, gsize len)
{
    if (!self->vm || self->state == VIREO_MACHINE_OFF || self->saving)
        return;
    gsize room = INPUT_PENDING_MAX - MIN(INPUT_PENDING_MAX, self->input_pending->len);
    g_byte_array_append(self->input_pending, (const guint8 *) data, (guint) MIN(len, room));
    flush_input(self);
}

GBytes *vireo_machine_get_console_log(VireoMachine *self)
{
    return g_bytes_new(self->console_log->data, self->console_log->len);
}

/* ---- the engine's events ---- */

static char *describe_end(VireoMachine *self, VrMachineResult result)
{
    const char *name = vireo_machine_get_name(self);
    switch (result.end) {
    case VR_END_FAILED:
        return g_strdup_printf(_("“%s” stopped: the guest reported failure %u"), name, result.code);
    case VR_END_STOPPED:
        if (self->quit_saved)
            return g_strdup_printf(_("“%s” was saved and stopped"), name);
        return g_strdup_printf(_("“%s” was forced off"), name);
    case VR_END_POWER_OFF:
    case VR_END_NONE: break;
    }
    return g_strdup_printf(_("“%s” powered off"), name);
}

/* ---- the network ---- */

static void update_guest_address(VireoMachine *self, VrMachine *m)
{
    g_autofree char *address = m ? vr_machine_net_guest_address(m) : NULL;
    if (g_strcmp0(address, self->guest_address) == 0)
        return;
    g_free(self->guest_address);
    self->guest_address = g_steal_pointer(&address);
    g_object_notify_by_pspec(G_OBJECT(self), props[PROP_GUEST_ADDRESS]);
}

/* What a stopped machine's network shows: no address, and the cable in for the next start. */
static void reset_net(VireoMachine *self)
{
    update_guest_address(self, NULL);
    if (!self->net_link) {
        self->net_link = TRUE;
        g_object_notify_by_pspec(G_OBJECT(self), props[PROP_NET_LINK]);
    }
}

gboolean vireo_machine_has_net(VireoMachine *self)
{
    return self->vm && vr_machine_has_net(self->vm);
}

const char *vireo_machine_get_guest_address(VireoMachine *self)
{
    return self->guest_address;
}

gboolean vireo_machine_has_sound(VireoMachine *self)
{
    return self->vm && vr_machine_has_sound(self->vm);
}

gboolean vireo_machine_set_sound_muted(VireoMachine *self, gboolean muted)
{
    if (!vireo_machine_has_sound(self) || !vr_machine_sound_set_muted(self->vm, muted))
        return FALSE;
    /* Kept in machine.ini: the machine starts as it was left. */
    const VrMachineConfig *now = &self->entry->cfg;
    if (!self->entry->cfg_loaded || now->sound_muted == (bool) muted)
        return TRUE;
    VrMachineConfig cfg;
    vr_machine_config_copy(&cfg, now);
    cfg.sound_muted = muted;
    g_autoptr(GError) error = NULL;
    if (!vireo_machine_save_config(self, &cfg, &error))
        g_message("%s: the mute could not be kept: %s", vireo_machine_get_name(self),
                  error->message);
    vr_machine_config_clear(&cfg);
    return TRUE;
}

gboolean vireo_machine_get_sound_muted(VireoMachine *self)
{
    return vireo_machine_has_sound(self) && vr_machine_sound_muted(self->vm);
}

float vireo_machine_get_sound_level(VireoMachine *self)
{
    return vireo_machine_has_sound(self) ? vr_machine_sound_level(self->vm) : 0.0f;
}

guint vireo_machine_get_sound_underruns(VireoMachine *self)
{
    return vireo_machine_has_sound(self) ? vr_machine_sound_underruns(self->vm) : 0;
}

char *vireo_machine_get_sound_status(VireoMachine *self)
{
    return vireo_machine_has_sound(self) ? vr_machine_sound_status(self->vm) : NULL;
}

gboolean vireo_machine_get_net_link(VireoMachine *self)
{
    return self->net_link;
}

gboolean vireo_machine_set_net_link(VireoMachine *self, gboolean up)
{
    up = !!up;
    if (!vireo_machine_has_net(self) || !vr_machine_net_set_link(self->vm, up))
        return FALSE;
    if (self->net_link != up) {
        self->net_link = up;
        g_object_notify_by_pspec(G_OBJECT(self), props[PROP_NET_LINK]);
    }
    return TRUE;
}

/* The forward as machine.ini keeps it: every part written out but the guest's address, which
 * is the DHCP address when it is not given. */
static char *forward_text(const VrNetForward *fwd)
{
    return g_strdup_printf("%s:%s:%u-%s:%u", fwd->udp ? "udp" : "tcp",
                           fwd->host_addr[0] ? fwd->host_addr : "127.0.0.1", fwd->host_port,
                           fwd->guest_addr, fwd->guest_port);
}

/* The index in cfg's forwards of the one that takes the same host port (and protocol) as fwd,
 * or -1. */
static int find_forward(const VrMachineConfig *cfg, const VrNetForward *fwd)
{
    for (guint i = 0; cfg->net_forwards && i < cfg->net_forwards->len; i++) {
        VrNetForward other;
        if (vr_net_forward_parse(cfg->net_forwards->pdata[i], &other, NULL) &&
            other.udp == fwd->udp && other.host_port == fwd->host_port)
            return (int) i;
    }
    return -1;
}

static gboolean refuse_net_change_if_busy(VireoMachine *self, GError **error)
{
    if (self->building) {
        g_set_error_literal(error, G_IO_ERROR, G_IO_ERROR_BUSY,
                            _("The machine is starting; change its port forwards once it runs"));
        return TRUE;
    }
    if (!self->entry->cfg_loaded) {
        g_set_error_literal(error, G_IO_ERROR, G_IO_ERROR_FAILED, self->problem);
        return TRUE;
    }
    return FALSE;
}

gboolean vireo_machine_add_forward(VireoMachine *self, const char *forward, GError **error)
{
    if (refuse_net_change_if_busy(self, error))
        return FALSE;
    VrNetForward fwd;
    if (!vr_net_forward_parse(forward, &fwd, error))
        return FALSE;
    const VrMachineConfig *now = &self->entry->cfg;
    if (find_forward(now, &fwd) >= 0) {
        g_set_error(error, G_IO_ERROR, G_IO_ERROR_EXISTS,
                    /* Translators: TCP or UDP, then the host's port number. */
                    _("%s port %u of the host is already forwarded to the guest"),
                    fwd.udp ? "UDP" : "TCP", fwd.host_port);
        return FALSE;
    }
    g_autofree char *text = forward_text(&fwd);
    /* A running machine takes it at once (and refuses a taken port itself). */
    gboolean live = vireo_machine_has_net(self);
    if (live ? !vr_machine_net_add_forward(self->vm, text, error)
             : !vr_net_forward_check_host_port(&fwd, error))
        return FALSE;
    VrMachineConfig cfg;
    vr_machine_config_copy(&cfg, now);
    g_ptr_array_add(cfg.net_forwards, g_strdup(text));
    gboolean ok = vireo_machine_save_config(self, &cfg, error);
    vr_machine_config_clear(&cfg);
    if (!ok && live)
        vr_machine_net_remove_forward(self->vm, text, NULL);
    return ok;
}

gboolean vireo_machine_remove_forward(VireoMachine *self, const char *forward, GError **error)
{
    if (refuse_net_change_if_busy(self, error))
        return FALSE;
    VrNetForward fwd;
    if (!vr_net_forward_parse(forward, &fwd, error))
        return FALSE;
    int index = find_forward(&self->entry->cfg, &fwd);
    if (index < 0) {
        g_set_error(error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                    /* Translators: TCP or UDP, then the host's port number. */
                    _("%s port %u of the host is not forwarded to the guest"),
                    fwd.udp ? "UDP" : "TCP", fwd.host_port);
        return FALSE;
    }
    g_autofree char *saved = g_strdup(self->entry->cfg.net_forwards->pdata[index]);
    VrMachineConfig cfg;
    vr_machine_config_copy(&cfg, &self->entry->cfg);
    g_ptr_array_remove_index(cfg.net_forwards, (guint) index);
    gboolean ok = vireo_machine_save_config(self, &cfg, error);
    vr_machine_config_clear(&cfg);
    if (!ok)
        return FALSE;
    /* A forward saved while the machine ran without a network card was never open. */
    g_autoptr(GError) local = NULL;
    if (vireo_machine_has_net(self) && !vr_machine_net_remove_forward(self->vm, saved, &local) &&
        !g_error_matches(local, G_IO_ERROR, G_IO_ERROR_NOT_FOUND)) {
        g_propagate_error(error, g_steal_pointer(&local));
        return FALSE;
    }
    return TRUE;
}

static void on_event(VrMachine *m, const VrMachineEvent *ev, void *data)
{
    VireoMachine *self = data;
    if (m != self->vm)
        return;
    switch (ev->kind) {
    case VR_EVENT_CONSOLE_OUTPUT: drain_console(self); break;
    case VR_EVENT_ERROR: g_signal_emit(self, signals[SIGNAL_ERROR], 0, ev->message); break;
    case VR_EVENT_RESET: break;
    case VR_EVENT_CONSOLE_INPUT_READY: break;
    case VR_EVENT_DISPLAY_UPDATED: g_signal_emit(self, signals[SIGNAL_DISPLAY_UPDATED], 0); break;
    case VR_EVENT_MEDIA_CHANGED: on_media_changed(self, m, ev); break;
    case VR_EVENT_NET_CHANGED: update_guest_address(self, m); break;
    case VR_EVENT_STATE_CHANGED:
        switch (ev->state) {
        case VR_MACHINE_RUNNING: set_state(self, VIREO_MACHINE_RUNNING); break;
        case VR_MACHINE_PAUSED: set_state(self, VIREO_MACHINE_PAUSED); break;
        case VR_MACHINE_CREATED: break;
        case VR_MACHINE_STOPPED: {
            drain_console(self);
            g_autofree char *how = describe_end(self, ev->result);
            self->quit_saved = FALSE;
            VrMachine *vm = g_steal_pointer(&self->vm);
            g_byte_array_set_size(self->input_pending, 0);
            reset_net(self);
            /* Freed from an idle, not inside the machine's own event dispatch. */
            teardown(self, vm);
            set_state(self, VIREO_MACHINE_OFF);
            g_signal_emit(self, signals[SIGNAL_STOPPED], 0, how);
            break;
        }
        }
        break;
    }
}

/* ---- freeing a stopped machine ---- */

static void free_thread(GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
    vr_machine_free(data);
    g_task_return_boolean(task, TRUE);
}

static gboolean start_now(VireoMachine *self, GError **error);

static void free_done(GObject *source, GAsyncResult *result, gpointer data)
{
    VireoMachine *self = VIREO_MACHINE(source);
    self->teardowns--;
    if (self->teardowns == 0 && self->start_after_teardown) {
        self->start_after_teardown = FALSE;
        g_autoptr(GError) error = NULL;
        if (!start_now(self, &error)) {
            set_state(self, VIREO_MACHINE_OFF);
            g_signal_emit(self, signals[SIGNAL_ERROR], 0, error->message);
        }
    }
}

typedef struct {
    VireoMachine *self;
    VrMachine *vm;
} Teardown;

static gboolean teardown_idle(gpointer data)
{
    Teardown *t = data;
    VireoMachine *self = t->self;
    /* Its events stop here; the last console bytes were read when it stopped. */
    vr_machine_set_event_handler(t->vm, NULL, NULL, NULL);
    GTask *task = g_task_new(self, NULL, free_done, NULL);
    g_task_set_task_data(task, t->vm, NULL);
    g_task_run_in_thread(task, free_thread);
    g_object_unref(task);
    g_object_unref(self);
    g_free(t);
    return G_SOURCE_REMOVE;
}

static void teardown(VireoMachine *self, VrMachine *vm)
{
    g_clear_handle_id(&self->drain_source, g_source_remove);
    g_clear_handle_id(&self->input_retry, g_source_remove);
    self->teardowns++;
    if (self->resetting || self->saving) {
        /* The reset or save thread still uses vm: free it when that returns. */
        self->teardown_deferred = vm;
        return;
    }
    Teardown *t = g_new(Teardown, 1);
    t->self = g_object_ref(self);
    t->vm = vm;
    g_idle_add(teardown_idle, t);
}

/* ---- requests ---- */

static void build_thread(GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
    GError *error = NULL;
    VrMachine *vm = vr_machine_new(data, &error);
    if (vm)
        g_task_return_pointer(task, vm, (GDestroyNotify) vr_machine_free);
    else
        g_task_return_error(task, error);
}

/* Builds the machine its saved state describes, paused where it was saved. */
static void restore_thread(GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
    GError *error = NULL;
    VrMachine *vm = vr_machine_new_from_state(data, &error);
    if (vm)
        g_task_return_pointer(task, vm, (GDestroyNotify) vr_machine_free);
    else
        g_task_return_error(task, error);
}

static void config_free(gpointer data)
{
    vr_machine_config_clear(data);
    g_free(data);
}

/* How the screen reaches the window, chosen once for the machine's run: the renderer's
 * frames as GPU images imported into GL where both sides can, else their pixels copied. */
static void choose_display_path(VireoMachine *self)
{
    g_clear_pointer(&self->display_note, g_free);
    self->display_gl =
        vireo_gl_frames_choose(self->vm, gdk_display_get_default(), &self->display_note);
}

static void build_done(GObject *source, GAsyncResult *result, gpointer data)
{
    VireoMachine *self = VIREO_MACHINE(source);
    g_autoptr(GError) error = NULL;
    VrMachine *vm = g_task_propagate_pointer(G_TASK(result), &error);
    gboolean restored = self->restoring;
    self->building = FALSE;
    self->restoring = FALSE;
    if (vm && self->cancel_start) {
        /* Forced off before it ran: it never starts. */
        self->cancel_start = FALSE;
        vr_machine_free(vm);
        set_state(self, VIREO_MACHINE_OFF);
        return;
    }
    self->cancel_start = FALSE;
    if (!vm && restored) {
        /* Nothing is deleted: the user decides (Discard Saved State, or fix the disk). */
        set_state(self, VIREO_MACHINE_OFF);
        g_free(self->restore_error);
        self->restore_error = g_strdup_printf(_("“%s” could not resume its saved state: %s"),
                                              vireo_machine_get_name(self), error->message);
        g_signal_emit(self, signals[SIGNAL_ERROR], 0, self->restore_error);
        return;
    }
    if (!vm) {
        set_state(self, VIREO_MACHINE_OFF);
        g_autofree char *msg = g_strdup_printf(_("“%s” could not start: %s"),
                                               vireo_machine_get_name(self), error->message);
        g_signal_emit(self, signals[SIGNAL_ERROR], 0, msg);
        return;
    }
    self->vm = vm;
    choose_display_path(self);
    /* The cable is in at every start, a resumed one too (its saved state may have it out). */
    if (vr_machine_has_net(vm))
        vr_machine_net_set_link(vm, true);
    /* The mute is the user's, kept in machine.ini (a saved state does not hold it). */
    if (restored && vr_machine_has_sound(vm) && self->entry->cfg_loaded)
        vr_machine_sound_set_muted(vm, self->entry->cfg.sound_muted);
    if (!restored) {
        /* A resumed guest goes on where its console left off. */
        g_byte_array_set_size(self->console_log, 0);
        g_signal_emit(self, signals[SIGNAL_CONSOLE_CLEARED], 0);
    }
    vr_machine_set_event_handler(vm, g_main_context_default(), on_event, self);
    if (vr_machine_start(vm, &error)) {
        if (restored)
            forget_saved_state(self);
    } else {
        self->vm = NULL;
        vr_machine_set_event_handler(vm, NULL, NULL, NULL);
        vr_machine_free(vm);
        set_state(self, VIREO_MACHINE_OFF);
        g_autofree char *msg = g_strdup_printf(_("“%s” could not start: %s"),
                                               vireo_machine_get_name(self), error->message);
        g_signal_emit(self, signals[SIGNAL_ERROR], 0, msg);
    }
}

static gboolean start_now(VireoMachine *self, GError **error)
{
    if (self->entry->problem) {
        g_set_error_literal(error, G_IO_ERROR, G_IO_ERROR_FAILED, self->problem);
        return FALSE;
    }
    if (self->entry->saved_state) {
        self->building = TRUE;
        self->restoring = TRUE;
        GTask *task = g_task_new(self, NULL, build_done, NULL);
        g_task_set_task_data(task, g_strdup(self->entry->saved_state), g_free);
        g_task_run_in_thread(task, restore_thread);
        g_object_unref(task);
        return TRUE;
    }
    VrMachineConfig *cfg = g_new0(VrMachineConfig, 1);
    vr_machine_config_copy(cfg, &self->entry->cfg);
    if (!cfg->name)
        cfg->name = g_strdup(self->entry->id);
    self->building = TRUE;
    GTask *task = g_task_new(self, NULL, build_done, NULL);
    g_task_set_task_data(task, cfg, config_free);
    g_task_run_in_thread(task, build_thread);
    g_object_unref(task);
    return TRUE;
}

gboolean vireo_machine_start(VireoMachine *self, GError **error)
{
    if (self->state != VIREO_MACHINE_OFF)
        return TRUE;
    /* A second look at the folder: files may have come or gone since it was listed. */
    g_clear_pointer(&self->restore_error, g_free);
    vireo_machine_reload(self);
    if (self->entry->problem) {
        g_set_error(error, G_IO_ERROR, G_IO_ERROR_FAILED, _("“%s” cannot start: %s"),
                    vireo_machine_get_name(self), self->problem);
        return FALSE;
    }
    set_state(self, VIREO_MACHINE_STARTING);
    if (self->teardowns) {
        /* The last run's machine still holds its disks: start once it let go. */
        self->start_after_teardown = TRUE;
        return TRUE;
    }
    if (!start_now(self, error)) {
        set_state(self, VIREO_MACHINE_OFF);
        return FALSE;
    }
    return TRUE;
}

void vireo_machine_pause(VireoMachine *self)
{
    /* Returns once the harts are parked: microseconds to a few milliseconds. */
    if (self->vm && !self->resetting && !self->saving)
        vr_machine_pause(self->vm);
}

void vireo_machine_resume(VireoMachine *self)
{
    if (self->vm && !self->resetting && !self->saving)
        vr_machine_resume(self->vm);
}

static void reset_thread(GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
    vr_machine_reset(data);
    g_task_return_boolean(task, TRUE);
}

static void reset_done(GObject *source, GAsyncResult *result, gpointer data)
{
    VireoMachine *self = VIREO_MACHINE(source);
    self->resetting = FALSE;
    g_object_notify_by_pspec(G_OBJECT(self), props[PROP_BUSY]);
    if (self->teardown_deferred) {
        VrMachine *vm = g_steal_pointer(&self->teardown_deferred);
        self->teardowns--;
        teardown(self, vm);
    }
}

static void firmware_thread(GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
    /* Refused only when the machine stopped meanwhile or boots its own kernel, which the
     * caller checked. */
    vr_machine_restart_to_firmware(data, NULL);
    g_task_return_boolean(task, TRUE);
}

static void start_reset(VireoMachine *self, GTaskThreadFunc func)
{
    if (!self->vm || self->resetting || self->saving)
        return;
    /* Reloading the boot images reads files: off the UI thread. */
    self->resetting = TRUE;
    g_object_notify_by_pspec(G_OBJECT(self), props[PROP_BUSY]);
    GTask *task = g_task_new(self, NULL, reset_done, NULL);
    g_task_set_task_data(task, self->vm, NULL);
    g_task_run_in_thread(task, func);
    g_object_unref(task);
}

void vireo_machine_reset(VireoMachine *self)
{
    start_reset(self, reset_thread);
}

gboolean vireo_machine_boots_uefi(VireoMachine *self)
{
    return self->entry->cfg_loaded && vr_machine_config_boots_uefi(&self->entry->cfg);
}

void vireo_machine_restart_to_firmware(VireoMachine *self)
{
    if (vireo_machine_boots_uefi(self))
        start_reset(self, firmware_thread);
}

/* ---- saving the state ---- */

/* Once the machine resumed from it, the file is spent: its disks moved on. */
static void forget_saved_state(VireoMachine *self)
{
    if (self->entry->saved_state && g_unlink(self->entry->saved_state) != 0 && errno != ENOENT) {
        int err = errno;
        g_autofree char *msg =
            g_strdup_printf(_("Cannot delete %s: %s"), self->entry->saved_state, g_strerror(err));
        g_signal_emit(self, signals[SIGNAL_ERROR], 0, msg);
    }
    g_clear_pointer(&self->restore_error, g_free);
    vireo_machine_reload(self);
}

typedef struct {
    VrMachine *vm;
    char *path;
} SaveJob;

static void save_job_free(gpointer data)
{
    SaveJob *job = data;
    g_free(job->path);
    g_free(job);
}

static void save_thread(GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
    SaveJob *job = data;
    GError *error = NULL;
    if (vr_machine_save_state(job->vm, job->path, &error))
        g_task_return_boolean(task, TRUE);
    else
        g_task_return_error(task, error);
}

static void notify_busy(VireoMachine *self)
{
    g_object_notify_by_pspec(G_OBJECT(self), props[PROP_BUSY]);
    g_object_notify_by_pspec(G_OBJECT(self), props[PROP_SAVING]);
}

static void save_done(GObject *source, GAsyncResult *result, gpointer data)
{
    VireoMachine *self = VIREO_MACHINE(source);
    g_autoptr(GError) error = NULL;
    gboolean saved = g_task_propagate_boolean(G_TASK(result), &error);
    self->saving = FALSE;
    if (self->teardown_deferred) {
        /* It stopped meanwhile (the guest cannot run while paused: only a forced off). */
        VrMachine *vm = g_steal_pointer(&self->teardown_deferred);
        self->teardowns--;
        teardown(self, vm);
    }
    if (saved) {
        vireo_machine_reload(self);
        if (self->vm) {
            self->quit_saved = TRUE;
            vr_machine_power_off(self->vm);
        }
    } else {
        /* Nothing is lost: the machine goes on as it was. */
        if (self->vm && self->resume_after_save)
            vr_machine_resume(self->vm);
        g_autofree char *msg = g_strdup_printf(_("“%s” could not save its state: %s"),
                                               vireo_machine_get_name(self), error->message);
        g_signal_emit(self, signals[SIGNAL_ERROR], 0, msg);
    }
    notify_busy(self);
}

gboolean vireo_machine_save_state_and_quit(VireoMachine *self)
{
    if (!self->vm || self->resetting || self->saving ||
        (self->state != VIREO_MACHINE_RUNNING && self->state != VIREO_MACHINE_PAUSED))
        return FALSE;
    self->resume_after_save = self->state == VIREO_MACHINE_RUNNING;
    /* Held still first, so nothing it does after the save is lost when it powers off. */
    vr_machine_pause(self->vm);
    self->saving = TRUE;
    SaveJob *job = g_new0(SaveJob, 1);
    job->vm = self->vm;
    job->path = g_build_filename(self->entry->folder, VR_LIBRARY_SAVED_STATE, NULL);
    GTask *task = g_task_new(self, NULL, save_done, NULL);
    g_task_set_task_data(task, job, save_job_free);
    g_task_run_in_thread(task, save_thread);
    g_object_unref(task);
    notify_busy(self);
    return TRUE;
}

gboolean vireo_machine_discard_saved_state(VireoMachine *self, GError **error)
{
    if (self->state != VIREO_MACHINE_OFF) {
        g_set_error(error, G_IO_ERROR, G_IO_ERROR_BUSY,
                    _("“%s” is running: its saved state is in use"), vireo_machine_get_name(self));
        return FALSE;
    }
    g_clear_pointer(&self->restore_error, g_free);
    if (self->entry->saved_state && g_unlink(self->entry->saved_state) != 0 && errno != ENOENT) {
        int err = errno;
        g_set_error(error, G_IO_ERROR, g_io_error_from_errno(err), _("Cannot delete %s: %s"),
                    self->entry->saved_state, g_strerror(err));
        vireo_machine_reload(self);
        return FALSE;
    }
    vireo_machine_reload(self);
    return TRUE;
}

void vireo_machine_force_off(VireoMachine *self)
{
    if (self->vm) {
        vr_machine_power_off(self->vm);
    } else if (self->building) {
        self->cancel_start = TRUE;
    } else if (self->state == VIREO_MACHINE_STARTING && self->start_after_teardown) {
        self->start_after_teardown = FALSE;
        set_state(self, VIREO_MACHINE_OFF);
    }
}

gboolean vireo_machine_request_shutdown(VireoMachine *self, GError **error)
{
    if (!self->vm) {
        g_set_error(error, G_IO_ERROR, G_IO_ERROR_NOT_INITIALIZED, _("“%s” is not running"),
                    vireo_machine_get_name(self));
        return FALSE;
    }
    return vr_machine_request_shutdown(self->vm, error);
}

void vireo_machine_shutdown(VireoMachine *self)
{
    self->start_after_teardown = FALSE;
    /* Let what runs on worker threads (a start, a reset) come back first. */
    while (self->building || self->resetting || self->saving)
        g_main_context_iteration(NULL, TRUE);
    if (self->vm) {
        VrMachine *vm = g_steal_pointer(&self->vm);
        vr_machine_set_event_handler(vm, NULL, NULL, NULL);
        vr_machine_power_off(vm);
        vr_machine_free(vm);
    }
    while (self->teardowns)
        g_main_context_iteration(NULL, TRUE);
    set_state(self, VIREO_MACHINE_OFF);
}

/* ---- GObject ---- */

VireoMachine *vireo_machine_new(VrLibraryEntry *entry)
{
    VireoMachine *self = g_object_new(VIREO_TYPE_MACHINE, NULL);
    vireo_machine_set_entry(self, entry);
    return self;
}

static void vireo_machine_get_property(GObject *object, guint prop_id, GValue *value,
                                       GParamSpec *pspec)
{
    VireoMachine *self = VIREO_MACHINE(object);
    switch (prop_id) {
    case PROP_NAME:
        g_value_set_string(value, self->entry ? vireo_machine_get_name(self) : "");
        break;
    case PROP_FOLDER: g_value_set_string(value, self->entry ? self->entry->folder : NULL); break;
    case PROP_DESCRIPTION:
        g_value_take_string(value, self->entry ? vireo_machine_describe(self) : NULL);
        break;
    case PROP_PROBLEM:
        g_value_set_string(value, self->entry ? vireo_machine_get_problem(self) : NULL);
        break;
    case PROP_STATE: g_value_set_enum(value, self->state); break;
    case PROP_THUMBNAIL: g_value_set_object(value, self->thumbnail); break;
    case PROP_BUSY: g_value_set_boolean(value, self->resetting || self->saving); break;
    case PROP_SAVING: g_value_set_boolean(value, self->saving); break;
    case PROP_SAVED_STATE:
        g_value_set_boolean(value, self->entry && self->entry->saved_state != NULL);
        break;
    case PROP_GUEST_ADDRESS: g_value_set_string(value, self->guest_address); break;
    case PROP_NET_LINK: g_value_set_boolean(value, self->net_link); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID(object, prop_id, pspec);
    }
}

static void vireo_machine_dispose(GObject *object)
{
    VireoMachine *self = VIREO_MACHINE(object);
    g_clear_handle_id(&self->drain_source, g_source_remove);
    g_clear_handle_id(&self->input_retry, g_source_remove);
    if (self->vm) {
        /* Nobody holds the machine any more: it stops with its last reference. */
        VrMachine *vm = g_steal_pointer(&self->vm);
        vr_machine_set_event_handler(vm, NULL, NULL, NULL);
        vr_machine_free(vm);
    }
    g_clear_object(&self->thumbnail);
    G_OBJECT_CLASS(vireo_machine_parent_class)->dispose(object);
}

static void vireo_machine_finalize(GObject *object)
{
    VireoMachine *self = VIREO_MACHINE(object);
    g_clear_pointer(&self->entry, vr_library_entry_free);
    g_free(self->problem);
    g_free(self->restore_error);
    g_free(self->display_note);
    g_free(self->guest_address);
    g_byte_array_unref(self->console_log);
    g_byte_array_unref(self->input_pending);
    G_OBJECT_CLASS(vireo_machine_parent_class)->finalize(object);
}

static void vireo_machine_class_init(VireoMachineClass *klass)
{
    GObjectClass *object_class = G_OBJECT_CLASS(klass);
    object_class->get_property = vireo_machine_get_property;
    object_class->dispose = vireo_machine_dispose;
    object_class->finalize = vireo_machine_finalize;

    props[PROP_NAME] =
        g_param_spec_string("name", NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
    props[PROP_FOLDER] =
        g_param_spec_string("folder", NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
    props[PROP_DESCRIPTION] = g_param_spec_string("description", NULL, NULL, NULL,
                                                  G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
    props[PROP_PROBLEM] =
        g_param_spec_string("problem", NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
    props[PROP_STATE] =
        g_param_spec_enum("state", NULL, NULL, VIREO_TYPE_MACHINE_STATE, VIREO_MACHINE_OFF,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
    props[PROP_THUMBNAIL] = g_param_spec_object("thumbnail", NULL, NULL, GDK_TYPE_TEXTURE,
                                                G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
    props[PROP_BUSY] =
        g_param_spec_boolean("busy", NULL, NULL, FALSE, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
    props[PROP_SAVING] = g_param_spec_boolean("saving", NULL, NULL, FALSE,
                                              G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
    props[PROP_SAVED_STATE] = g_param_spec_boolean("saved-state", NULL, NULL, FALSE,
                                                   G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
    /* The guest's IPv4 address from DHCP while it runs ("10.0.2.15"), else NULL. */
    props[PROP_GUEST_ADDRESS] =
        g_param_spec_string("guest-address", NULL, NULL, NULL,
                            G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
    /* The network cable is plugged in (it is at every start). */
    props[PROP_NET_LINK] =
        g_param_spec_boolean("net-link", NULL, NULL, TRUE,
                             G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
    g_object_class_install_properties(object_class, N_PROPS, props);

    signals[SIGNAL_CONSOLE_OUTPUT] =
        g_signal_new("console-output", G_TYPE_FROM_CLASS(klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                     NULL, G_TYPE_NONE, 1, G_TYPE_BYTES);
    signals[SIGNAL_CONSOLE_CLEARED] =
        g_signal_new("console-cleared", G_TYPE_FROM_CLASS(klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                     NULL, G_TYPE_NONE, 0);
    signals[SIGNAL_ERROR] = g_signal_new("error", G_TYPE_FROM_CLASS(klass), G_SIGNAL_RUN_LAST, 0,
                                         NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
    signals[SIGNAL_STOPPED] = g_signal_new("stopped", G_TYPE_FROM_CLASS(klass), G_SIGNAL_RUN_LAST,
                                           0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
    signals[SIGNAL_CONFIG_CHANGED] =
        g_signal_new("config-changed", G_TYPE_FROM_CLASS(klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                     NULL, G_TYPE_NONE, 0);
    /* A CD drive's disc changed (disk: its index in the configuration); ejected_on_reboot:
     * the guest restarted and the drive gave up its disc. machine.ini already says so. */
    signals[SIGNAL_MEDIA_CHANGED] =
        g_signal_new("media-changed", G_TYPE_FROM_CLASS(klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                     NULL, G_TYPE_NONE, 2, G_TYPE_UINT, G_TYPE_BOOLEAN);
    /* The screen has a new frame (vireo_machine_get_frame). */
    signals[SIGNAL_DISPLAY_UPDATED] =
        g_signal_new("display-updated", G_TYPE_FROM_CLASS(klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                     NULL, G_TYPE_NONE, 0);
}

static void vireo_machine_init(VireoMachine *self)
{
    self->console_log = g_byte_array_new();
    self->input_pending = g_byte_array_new();
    self->net_link = TRUE;
}

/* ---- the screen ---- */

gboolean vireo_machine_has_display(VireoMachine *self)
{
    return self->vm ? vr_machine_has_display(self->vm) : self->entry->cfg.display;
}

VrGpuFrame *vireo_machine_get_frame(VireoMachine *self)
{
    return self->vm ? vr_machine_get_frame(self->vm) : NULL;
}

void vireo_machine_set_display_size(VireoMachine *self, guint width, guint height)
{
    if (self->vm)
        vr_machine_set_display_size(self->vm, width, height);
}

gboolean vireo_machine_send_input(VireoMachine *self, VrInputDevice device,
                                  const VrVirtioInputEvent *events, gsize n)
{
    return self->vm && vireo_machine_get_state(self) == VIREO_MACHINE_RUNNING &&
           vr_machine_input_send(self->vm, device, events, n);
}

gboolean vireo_machine_get_display_gl(VireoMachine *self, const char **note)
{
    if (note)
        *note = self->vm && !self->display_gl ? self->display_note : NULL;
    return self->vm && self->display_gl;
}

const char *vireo_machine_get_renderer(VireoMachine *self, const char **note)
{
    if (note)
        *note = self->vm ? vr_machine_renderer_note(self->vm) : NULL;
    return self->vm ? vr_machine_renderer_name(self->vm) : NULL;
}
