/* VireoAssistant: the new-machine assistant. */
#include <glib/gi18n.h>
#include <string.h>
#include <unistd.h>

#include "vireo-assistant.h"
#include "vireo-util.h"
#include "virtio/virtio-net.h"
#include "vireo-osinfo.h"
#include "vr-board.h"
#include "vr-iso.h"
#include "vr-boot.h"

#define GIB (1ull << 30)
#define MIB (1ull << 20)

typedef enum {
    SOURCE_NONE,
    SOURCE_ISO,
    SOURCE_DISK,
    SOURCE_KERNEL,
} Source;

struct _VireoAssistant {
    AdwWindow parent_instance;

    VireoLibrary *library;
    Source source;
    char *image_path; /* the ISO or disk image */
    char *kernel_path;
    char *initrd_path;
    gboolean name_edited;
    gboolean setting_name;
    gboolean detecting;
    /* Values the user set stay when the assistant proposes again (after Back). */
    gboolean proposing;
    gboolean cpus_edited;
    gboolean memory_edited;
    GCancellable *cancellable;
    char *os_warning; /* what the detection found worth a warning */
    char *refusal;    /* why the chosen image cannot make a machine (another architecture) */

    AdwToastOverlay *toast_overlay;
    GtkWidget *cancel_button;
    GtkWidget *back_button;
    GtkWidget *next_button;
    GtkWidget *create_button;
    GtkStack *stack;
    AdwActionRow *iso_row;
    AdwActionRow *disk_row;
    AdwActionRow *kernel_row;
    AdwActionRow *kernel_file_row;
    GtkWidget *kernel_choose_button;
    AdwActionRow *initrd_file_row;
    GtkWidget *initrd_choose_button;
    GtkWidget *initrd_clear_button;
    AdwEntryRow *cmdline_row;
    AdwComboRow *firmware_row;
    GtkLabel *kernel_error;
    AdwActionRow *os_row;
    GtkStack *os_icon_stack;
    GtkSpinner *os_spinner;
    GtkImage *os_icon;
    AdwActionRow *warning_row;
    AdwEntryRow *name_row;
    AdwComboRow *arch_row;
    AdwActionRow *cpus_row;
    GtkSpinButton *cpus_spin;
    AdwActionRow *memory_row;
    GtkEntry *memory_entry;
    GtkLabel *validation_label;
    AdwActionRow *image_row;
    AdwActionRow *disk_switch_row;
    GtkSwitch *disk_switch;
    AdwActionRow *disk_size_row;
    GtkSpinButton *disk_spin;
};

G_DEFINE_FINAL_TYPE(VireoAssistant, vireo_assistant, ADW_TYPE_WINDOW)

enum {
    SIGNAL_CREATED,
    N_SIGNALS,
};
static guint signals[N_SIGNALS];

static void check_machine(VireoAssistant *self, gboolean point);

gboolean vireo_assistant_is_detecting(VireoAssistant *self)
{
    return self->detecting;
}

static void toast(VireoAssistant *self, const char *text)
{
    g_autofree char *escaped = g_markup_escape_text(text, -1);
    AdwToast *t = adw_toast_new(escaped);
    adw_toast_set_timeout(t, 6);
    adw_toast_overlay_add_toast(self->toast_overlay, t);
}

static guint64 host_memory(void)
{
    long pages = sysconf(_SC_PHYS_PAGES), size = sysconf(_SC_PAGESIZE);
    return pages > 0 && size > 0 ? (guint64) pages * (guint64) size : 4 * GIB;
}

/* ---- pages ---- */

static void show_page(VireoAssistant *self, const char *page)
{
    gtk_stack_set_visible_child_name(self->stack, page);
    gboolean source = g_str_equal(page, "source");
    gboolean kernel = g_str_equal(page, "kernel");
    gboolean details = g_str_equal(page, "details");
    gtk_widget_set_visible(self->back_button, !source);
    gtk_widget_set_visible(self->next_button, kernel);
    gtk_widget_set_visible(self->create_button, details);
    if (kernel)
        gtk_widget_set_sensitive(self->next_button, self->kernel_path != NULL);
    if (details)
        check_machine(self, TRUE);
}

static void on_back(GtkButton *button, gpointer data)
{
    VireoAssistant *self = data;
    const char *page = gtk_stack_get_visible_child_name(self->stack);
    g_cancellable_cancel(self->cancellable);
    if (g_str_equal(page, "details") && self->source == SOURCE_KERNEL)
        show_page(self, "kernel");
    else
        show_page(self, "source");
}

static void on_cancel(GtkButton *button, gpointer data)
{
    gtk_window_close(GTK_WINDOW(data));
}

/* ---- proposals ---- */

static void set_name(VireoAssistant *self, const char *base)
{
    if (self->name_edited)
        return;
    g_autofree char *name = vr_library_unique_name(vireo_library_get_dir(self->library), base);
    self->setting_name = TRUE;
    gtk_editable_set_text(GTK_EDITABLE(self->name_row), name);
    self->setting_name = FALSE;
}

/* A name from a file name: "debian-12.iso" -> "debian-12". */
static char *name_from_path(const char *path)
{
    g_autofree char *base = g_path_get_basename(path);
    char *dot = strrchr(base, '.');
    if (dot && dot != base)
        *dot = '\0';
    return g_strdup(base);
}

static const VrBoardInfo *selected_board(VireoAssistant *self);

static void propose(VireoAssistant *self, unsigned cpus, guint64 memory, guint64 disk)
{
    const VrBoardInfo *board = selected_board(self);
    unsigned host_cpus = MAX(1u, (unsigned) g_get_num_processors());
    cpus = CLAMP(cpus, board->min_cpus, MAX(board->min_cpus, MIN(host_cpus, board->max_cpus)));
    /* No more than half of this computer's memory, unless the system needs more. */
    guint64 host = host_memory();
    memory = MIN(memory, MAX(host / 2, 256 * MIB));
    memory = MAX(memory, 64 * MIB);
    /* A round amount, as a person would write it. */
    memory = memory >= GIB ? memory / (GIB / 4) * (GIB / 4) : memory / MIB * MIB;
    self->proposing = TRUE;
    if (!self->cpus_edited)
        gtk_spin_button_set_value(self->cpus_spin, cpus);
    if (!self->memory_edited) {
        g_autofree char *text = vireo_format_memory_exact(memory);
        gtk_editable_set_text(GTK_EDITABLE(self->memory_entry), text);
    }
    self->proposing = FALSE;
    if (disk)
        gtk_spin_button_set_value(self->disk_spin, (double) ((disk + GIB - 1) / GIB));
}

static void set_warning(VireoAssistant *self)
{
    g_autoptr(GString) text = g_string_new(NULL);
    if (self->os_warning)
        g_string_append(text, self->os_warning);
    /* Disks and ISOs boot through the board's UEFI firmware. */
    const char *uefi = selected_board(self)->default_uefi;
    if ((self->source == SOURCE_ISO || self->source == SOURCE_DISK) &&
        (!uefi || !g_file_test(uefi, G_FILE_TEST_EXISTS))) {
        if (text->len)
            g_string_append(text, "\n");
        g_string_append(text, _("Starting from a disk or an ISO image needs U-Boot (Debian "
                                "package u-boot-qemu), which is not installed. The machine "
                                "can be created now and started once it is."));
    }
    gtk_widget_set_visible(GTK_WIDGET(self->warning_row), text->len > 0);
    adw_preferences_row_set_title(ADW_PREFERENCES_ROW(self->warning_row),
                                  text->len ? _("Good to Know") : "");
    adw_action_row_set_subtitle(self->warning_row, text->str);
}

static void set_os_row(VireoAssistant *self, const char *icon, const char *title,
                       const char *subtitle)
{
    gtk_image_set_from_icon_name(self->os_icon, icon);
    gtk_stack_set_visible_child_name(self->os_icon_stack, "icon");
    gtk_spinner_stop(self->os_spinner);
    adw_preferences_row_set_title(ADW_PREFERENCES_ROW(self->os_row), title);
    adw_action_row_set_subtitle(self->os_row, subtitle ? subtitle : "");
}

/* ---- detection ---- */

typedef struct {
    VireoOsInfo info;
    gboolean readable;
    char *error;
    VrIsoBoot boot;  /* what the image's boot catalog and EFI loaders say */
    char *iso_error; /* why the image cannot be read as an ISO 9660 image (damaged) */
} Detection;

static void detection_free(gpointer data)
{
    Detection *d = data;
    vireo_osinfo_clear(&d->info);
    g_free(d->error);
    g_free(d->iso_error);
    g_free(d);
}

static void detect_thread(GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
    Detection *d = g_new0(Detection, 1);
    g_autoptr(GError) error = NULL;
    d->readable = vireo_osinfo_detect(data, &d->info, &error);
    if (!d->readable)
        d->error = g_strdup(error->message);
    g_autoptr(GError) iso_error = NULL;
    if (!vr_iso_read_boot(data, &d->boot, &iso_error))
        d->iso_error = g_strdup(iso_error->message);
    g_task_return_pointer(task, d, detection_free);
}

/* The architecture the image is for: a RISC-V EFI loader on it settles it; else libosinfo's
 * word where it knows the image, else the image's boot catalog and loaders (x86 BIOS or EFI,
 * ARM EFI). An image that may be for another machine than Vireo runs is refused, with the
 * reason, rather than made into a machine that stops at U-Boot's prompt. */
static void refuse_other_arch(VireoAssistant *self, const Detection *d)
{
    g_clear_pointer(&self->refusal, g_free);
    const char *arch = vr_iso_boot_arch(&d->boot);
    if (!d->boot.efi_riscv && d->info.identified && d->info.arch &&
        g_strcmp0(d->info.arch, "all") != 0)
        arch = d->info.arch;
    if (!arch || g_strv_contains(vr_supported_archs(), arch))
        return;
    gboolean pc = g_str_equal(arch, "x86_64") || g_str_equal(arch, "i386") ||
                  g_str_equal(arch, "i486") || g_str_equal(arch, "i586") ||
                  g_str_equal(arch, "i686");
    self->refusal =
        pc ? g_strdup_printf(
                 /* Translators: both %s are architectures ("x86-64", "RISC-V 64"). */
                 _("This is an installer for %s PCs; Vireo runs %s machines so far."),
                 vireo_arch_label(g_str_equal(arch, "x86_64") ? arch : "x86"),
                 vireo_arch_label("riscv64"))
           : g_strdup_printf(
                 /* Translators: both %s are architectures ("aarch64", "RISC-V 64"). */
                 _("This is an installer for %s computers; Vireo runs %s machines so far."),
                 vireo_arch_label(arch), vireo_arch_label("riscv64"));
}

/* A damaged image, or one with nothing to start (no boot record, no EFI loader: a disc of
 * files rather than an installer), is refused with the reason: a machine made from it would
 * stop at the firmware's prompt. */
static void refuse_unbootable(VireoAssistant *self, const Detection *d)
{
    if (self->refusal)
        return;
    g_autofree char *base = g_path_get_basename(self->image_path);
    if (d->iso_error)
        /* Translators: %s says what is wrong with the image, naming it. */
        self->refusal = g_strdup_printf(_("This image cannot be used: %s"), d->iso_error);
    else if (!d->boot.bios && !d->boot.efi && !d->boot.efi_x86 && !d->boot.efi_arm &&
             !d->boot.efi_riscv)
        self->refusal = g_strdup_printf(
            /* Translators: %s is the image's file name. */
            _("“%s” is not an installer: it holds files but nothing to start (no boot record "
              "and no EFI loader)."),
            base);
}

static void detect_done(GObject *source, GAsyncResult *result, gpointer data)
{
    Detection *d = g_task_propagate_pointer(G_TASK(result), NULL);
    GCancellable *cancellable = g_task_get_cancellable(G_TASK(result));
    if (g_cancellable_is_cancelled(cancellable) || !VIREO_IS_ASSISTANT(source)) {
        detection_free(d);
        return;
    }
    VireoAssistant *self = VIREO_ASSISTANT(source);
    self->detecting = FALSE;
    g_clear_pointer(&self->os_warning, g_free);
    g_autofree char *base = g_path_get_basename(self->image_path);

    if (d->readable && d->info.identified) {
        g_autofree char *subtitle = g_strdup_printf(_("Recognized from the image “%s”"), base);
        set_os_row(self, "media-optical-symbolic", d->info.name, subtitle);
        /* libosinfo's CPU figures are minimums: two make an installer bearable. */
        propose(self, MAX(d->info.cpus, 2u), d->info.memory ? d->info.memory : 2 * GIB,
                d->info.storage ? d->info.storage : 20 * GIB);
        set_name(self, d->info.name);
    } else {
        g_autofree char *subtitle = NULL;
        if (!d->readable)
            subtitle = g_strdup_printf(_("“%s” cannot be read as an install image. General "
                                         "settings are proposed below."),
                                       base);
        else if (d->info.volume_id && *d->info.volume_id)
            subtitle = g_strdup_printf(_("The system on “%s” (volume “%s”) is not in the list of "
                                         "known systems. General settings are proposed below."),
                                       base, d->info.volume_id);
        else
            subtitle = g_strdup_printf(_("The system on “%s” is not in the list of known systems. "
                                         "General settings are proposed below."),
                                       base);
        set_os_row(self, "media-optical-symbolic", _("Unknown Operating System"), subtitle);
        propose(self, 2, 2 * GIB, 20 * GIB);
        g_autofree char *name = name_from_path(self->image_path);
        set_name(self, name);
    }
    refuse_other_arch(self, d);
    refuse_unbootable(self, d);
    set_warning(self);
    detection_free(d);
    check_machine(self, FALSE);
}

static void start_detection(VireoAssistant *self)
{
    g_cancellable_cancel(self->cancellable);
    g_clear_object(&self->cancellable);
    self->cancellable = g_cancellable_new();
    self->detecting = TRUE;
    gtk_stack_set_visible_child_name(self->os_icon_stack, "spinner");
    gtk_spinner_start(self->os_spinner);
    adw_preferences_row_set_title(ADW_PREFERENCES_ROW(self->os_row), _("Looking at the image…"));
    adw_action_row_set_subtitle(self->os_row, "");
    GTask *task = g_task_new(self, self->cancellable, detect_done, NULL);
    g_task_set_task_data(task, g_strdup(self->image_path), g_free);
    g_task_run_in_thread(task, detect_thread);
    g_object_unref(task);
}

/* ---- sources ---- */

static void use_iso(VireoAssistant *self, const char *path)
{
    self->source = SOURCE_ISO;
    g_clear_pointer(&self->refusal, g_free);
    g_free(self->image_path);
    self->image_path = g_strdup(path);
    gtk_widget_set_visible(GTK_WIDGET(self->image_row), FALSE);
    gtk_widget_set_visible(GTK_WIDGET(self->disk_switch_row), TRUE);
    gtk_switch_set_active(self->disk_switch, TRUE);
    show_page(self, "details");
    start_detection(self);
    check_machine(self, FALSE);
}

static void use_disk(VireoAssistant *self, const char *path)
{
    self->source = SOURCE_DISK;
    g_clear_pointer(&self->refusal, g_free);
    g_free(self->image_path);
    self->image_path = g_strdup(path);
    g_clear_pointer(&self->os_warning, g_free);
    g_autofree char *base = g_path_get_basename(path);
    set_os_row(self, "drive-harddisk-symbolic", _("Disk Image"),
               _("The machine starts the system installed on this disk image, which is used "
                 "where it is."));
    g_autoptr(GFile) file = g_file_new_for_path(path);
    g_autoptr(GFileInfo) info =
        g_file_query_info(file, G_FILE_ATTRIBUTE_STANDARD_SIZE, G_FILE_QUERY_INFO_NONE, NULL, NULL);
    g_autofree char *size = g_format_size_full(info ? (guint64) g_file_info_get_size(info) : 0,
                                               G_FORMAT_SIZE_IEC_UNITS);
    adw_preferences_row_set_title(ADW_PREFERENCES_ROW(self->image_row), base);
    g_autofree char *subtitle = g_strdup_printf("%s · %s", size, path);
    adw_action_row_set_subtitle(self->image_row, subtitle);
    gtk_widget_set_visible(GTK_WIDGET(self->image_row), TRUE);
    gtk_switch_set_active(self->disk_switch, FALSE);
    gtk_widget_set_visible(GTK_WIDGET(self->disk_switch_row), FALSE);
    propose(self, 2, 2 * GIB, 0);
    g_autofree char *name = name_from_path(path);
    set_name(self, name);
    set_warning(self);
    show_page(self, "details");
}

static void update_kernel_page(VireoAssistant *self)
{
    adw_action_row_set_subtitle(self->kernel_file_row,
                                self->kernel_path ? self->kernel_path : _("None chosen"));
    adw_action_row_set_subtitle(self->initrd_file_row,
                                self->initrd_path ? self->initrd_path : _("None"));
    gtk_widget_set_visible(self->initrd_clear_button, self->initrd_path != NULL);

    g_autoptr(GError) error = NULL;
    gboolean ok = self->kernel_path != NULL;
    if (ok && vr_boot_probe_kernel(self->kernel_path, &error) == VR_BOOT_FILE_UNUSABLE) {
        /* The loader's own recognition: what it boots is offered, with its reason if not. */
        ok = FALSE;
        gtk_label_set_text(self->kernel_error, error->message);
    } else if (self->initrd_path && access(self->initrd_path, R_OK) != 0) {
        ok = FALSE;
        g_autofree char *text =
            g_strdup_printf(_("The initramfs “%s” cannot be read."), self->initrd_path);
        gtk_label_set_text(self->kernel_error, text);
    }
    gtk_widget_set_visible(GTK_WIDGET(self->kernel_error), self->kernel_path && !ok);
    gtk_widget_set_sensitive(self->next_button, ok);
}

void vireo_assistant_set_kernel(VireoAssistant *self, const char *kernel, const char *initrd)
{
    g_free(self->kernel_path);
    self->kernel_path = kernel ? g_canonicalize_filename(kernel, NULL) : NULL;
    g_free(self->initrd_path);
    self->initrd_path = initrd ? g_canonicalize_filename(initrd, NULL) : NULL;
    /* A RISC-V ELF that starts where RAM does is a bare-metal program: no firmware. */
    gboolean bare = self->kernel_path && vr_image_is_bare_metal(self->kernel_path);
    adw_combo_row_set_selected(self->firmware_row, bare ? 1 : 0);
    show_page(self, "kernel");
    update_kernel_page(self);
}

static void on_next(GtkButton *button, gpointer data)
{
    VireoAssistant *self = data;
    if (!self->kernel_path)
        return;
    self->source = SOURCE_KERNEL;
    g_clear_pointer(&self->refusal, g_free);
    g_clear_pointer(&self->os_warning, g_free);
    gboolean bare = adw_combo_row_get_selected(self->firmware_row) == 1;
    g_autofree char *base = g_path_get_basename(self->kernel_path);
    set_os_row(self, bare ? "application-x-executable-symbolic" : "utilities-terminal-symbolic",
               bare ? _("Bare-Metal Program") : _("Linux Kernel"), base);
    gtk_widget_set_visible(GTK_WIDGET(self->image_row), FALSE);
    gtk_widget_set_visible(GTK_WIDGET(self->disk_switch_row), TRUE);
    gtk_switch_set_active(self->disk_switch, FALSE);
    if (bare)
        propose(self, 1, 128 * MIB, 4 * GIB);
    else
        propose(self, 2, 512 * MIB, 4 * GIB);
    g_autofree char *name = name_from_path(self->kernel_path);
    set_name(self, g_str_equal(name, "Image") || g_str_has_prefix(name, "vmlinu") ? "Linux" : name);
    set_warning(self);
    show_page(self, "details");
}

gboolean vireo_assistant_set_file(VireoAssistant *self, GFile *file)
{
    g_autofree char *path = g_file_get_path(file);
    g_autofree char *name = g_file_get_basename(file);
    if (!path) {
        g_autofree char *text = g_strdup_printf(_("“%s” is not a local file"), name);
        toast(self, text);
        return FALSE;
    }
    g_autoptr(GError) error = NULL;
    switch (vr_image_probe(path, &error)) {
    case VR_IMAGE_ISO: use_iso(self, path); return TRUE;
    case VR_IMAGE_DISK: use_disk(self, path); return TRUE;
    case VR_IMAGE_KERNEL: vireo_assistant_set_kernel(self, path, NULL); return TRUE;
    case VR_IMAGE_QCOW2: {
        g_autofree char *text = g_strdup_printf(
            _("“%s” is a qcow2 image, which Vireo cannot use yet. Convert it to a raw image "
              "with “qemu-img convert -O raw”."),
            name);
        toast(self, text);
        return FALSE;
    }
    case VR_IMAGE_UNKNOWN: break;
    }
    g_autofree char *text =
        g_strdup_printf(_("“%s” is not an ISO image, a disk image or a kernel"), name);
    toast(self, text);
    return FALSE;
}

/* ---- file choosers ---- */

static void iso_chosen(GFile *file, gpointer data)
{
    g_autoptr(VireoAssistant) self = data;
    if (file)
        vireo_assistant_set_file(self, file);
}

static void on_iso_row(AdwActionRow *row, gpointer data)
{
    VireoAssistant *self = data;
    vireo_choose_file(GTK_WINDOW(self), _("Choose an ISO Image"), VIREO_FILES_ISO, iso_chosen,
                      g_object_ref(self));
}

static void on_disk_row(AdwActionRow *row, gpointer data)
{
    VireoAssistant *self = data;
    vireo_choose_file(GTK_WINDOW(self), _("Choose a Disk Image"), VIREO_FILES_DISK, iso_chosen,
                      g_object_ref(self));
}

static void on_kernel_row(AdwActionRow *row, gpointer data)
{
    VireoAssistant *self = data;
    show_page(self, "kernel");
    update_kernel_page(self);
}

static void kernel_chosen(GFile *file, gpointer data)
{
    g_autoptr(VireoAssistant) self = data;
    if (!file)
        return;
    g_autofree char *path = g_file_get_path(file);
    vireo_assistant_set_kernel(self, path, self->initrd_path);
}

static void initrd_chosen(GFile *file, gpointer data)
{
    g_autoptr(VireoAssistant) self = data;
    if (!file)
        return;
    g_free(self->initrd_path);
    self->initrd_path = g_file_get_path(file);
    update_kernel_page(self);
}

static void on_kernel_choose(GtkButton *button, gpointer data)
{
    VireoAssistant *self = data;
    vireo_choose_file(GTK_WINDOW(self), _("Choose a Kernel"), VIREO_FILES_KERNEL, kernel_chosen,
                      g_object_ref(self));
}

static void on_initrd_choose(GtkButton *button, gpointer data)
{
    VireoAssistant *self = data;
    vireo_choose_file(GTK_WINDOW(self), _("Choose an Initramfs"), VIREO_FILES_ANY, initrd_chosen,
                      g_object_ref(self));
}

static void on_initrd_clear(GtkButton *button, gpointer data)
{
    VireoAssistant *self = data;
    g_clear_pointer(&self->initrd_path, g_free);
    update_kernel_page(self);
}

/* ---- validation and creating ---- */

static const char *selected_arch(VireoAssistant *self)
{
    guint i = adw_combo_row_get_selected(self->arch_row);
    const char *const *archs = vr_supported_archs();
    return i < g_strv_length((char **) archs) ? archs[i] : archs[0];
}

/* The board the new machine gets: its architecture's default. */
static const VrBoardInfo *selected_board(VireoAssistant *self)
{
    return vr_board_default_for_arch(selected_arch(self));
}

/* The CPUs spin button offers what the board takes; the memory entry takes any amount, which
 * the engine's validator then judges. */
static void set_board_limits(VireoAssistant *self)
{
    const VrBoardInfo *board = selected_board(self);
    self->proposing = TRUE;
    gtk_spin_button_set_range(self->cpus_spin, board->min_cpus, board->max_cpus);
    self->proposing = FALSE;
}

static void build_config(VireoAssistant *self, VrMachineConfig *cfg)
{
    vr_machine_config_init(cfg);
    cfg->name = g_strdup(gtk_editable_get_text(GTK_EDITABLE(self->name_row)));
    g_free(cfg->arch);
    cfg->arch = g_strdup(selected_arch(self));
    cfg->cpus = (unsigned) gtk_spin_button_get_value_as_int(self->cpus_spin);
    /* An entry that does not parse leaves the default: check_machine() refuses it before
     * anything is made. */
    vireo_parse_memory(gtk_editable_get_text(GTK_EDITABLE(self->memory_entry)), &cfg->memory, NULL);
    switch (self->source) {
    case SOURCE_ISO: {
        /* No kernel: the machine boots through UEFI, from its new disk once something is
         * installed there, else from the CD. The installer's restart ejects the CD. */
        vr_machine_config_add_cdrom(cfg, self->image_path);
        g_array_index(cfg->disks, VrDiskConfig, cfg->disks->len - 1).eject_on_reboot = true;
        break;
    }
    case SOURCE_DISK: vr_machine_config_add_disk(cfg, self->image_path, false); break;
    case SOURCE_KERNEL: {
        if (adw_combo_row_get_selected(self->firmware_row) == 1)
            cfg->bios = g_strdup("none");
        cfg->kernel = g_strdup(self->kernel_path);
        cfg->initrd = g_strdup(self->initrd_path);
        const char *cmdline = gtk_editable_get_text(GTK_EDITABLE(self->cmdline_row));
        if (cmdline && *cmdline)
            cfg->append = g_strdup(cmdline);
        break;
    }
    case SOURCE_NONE: break;
    }
    /* Networking through NAT, with an address of its own that it keeps from start to start. */
    cfg->net = true;
    cfg->net_mac = vr_net_new_mac();
    /* Sound through the host's sound server, its default devices. */
    cfg->sound = true;
    cfg->sound_backend = VR_SOUND_PULSE;
}

static guint64 new_disk_size(VireoAssistant *self)
{
    if (!gtk_widget_get_visible(GTK_WIDGET(self->disk_switch_row)) ||
        !gtk_switch_get_active(self->disk_switch))
        return 0;
    return (guint64) gtk_spin_button_get_value_as_int(self->disk_spin) * GIB;
}

static void update_disk_row(VireoAssistant *self)
{
    gboolean on = gtk_widget_get_visible(GTK_WIDGET(self->disk_switch_row)) &&
                  gtk_switch_get_active(self->disk_switch);
    gtk_widget_set_visible(GTK_WIDGET(self->disk_size_row), on);
    g_autoptr(GFile) dir = g_file_new_for_path(vireo_library_get_dir(self->library));
    g_autoptr(GFileInfo) info =
        g_file_query_filesystem_info(dir, G_FILE_ATTRIBUTE_FILESYSTEM_FREE, NULL, NULL);
    if (!info)
        return;
    guint64 free_bytes = g_file_info_get_attribute_uint64(info, G_FILE_ATTRIBUTE_FILESYSTEM_FREE);
    g_autofree char *free_text = g_format_size_full(free_bytes, G_FORMAT_SIZE_IEC_UNITS);
    g_autofree char *subtitle = NULL;
    if (new_disk_size(self) > free_bytes)
        subtitle = g_strdup_printf(_("Only %s are free here: the disk takes space as it fills "
                                     "and may run out of room"),
                                   free_text);
    else
        subtitle = g_strdup_printf(_("Takes space only as it fills; %s free"), free_text);
    adw_action_row_set_subtitle(self->disk_size_row, subtitle);
}

/* The row holding a field the validator names (vr_config_error_field), and the widget in it
 * that takes the keyboard. */
static GtkWidget *row_for_field(VireoAssistant *self, const char *field, GtkWidget **focus)
{
    GtkWidget *row = NULL;
    *focus = NULL;
    if (g_strcmp0(field, "cpus") == 0) {
        row = GTK_WIDGET(self->cpus_row);
        *focus = GTK_WIDGET(self->cpus_spin);
    } else if (g_strcmp0(field, "memory") == 0) {
        row = GTK_WIDGET(self->memory_row);
        *focus = GTK_WIDGET(self->memory_entry);
    } else if (g_strcmp0(field, "arch") == 0 || g_strcmp0(field, "board") == 0) {
        row = GTK_WIDGET(self->arch_row);
    } else if (g_strcmp0(field, "disks") == 0) {
        row = gtk_widget_get_visible(GTK_WIDGET(self->image_row))
                  ? GTK_WIDGET(self->image_row)
                  : GTK_WIDGET(self->disk_switch_row);
    } else if (g_strcmp0(field, "cmdline") == 0) {
        row = GTK_WIDGET(self->cmdline_row);
    } else if (g_strcmp0(field, "kernel") == 0) {
        row = GTK_WIDGET(self->kernel_file_row);
        *focus = self->kernel_choose_button;
    } else if (g_strcmp0(field, "firmware") == 0) {
        row = GTK_WIDGET(self->firmware_row);
    }
    return row;
}

/* Checks what the machine would be, as the engine would, says what is wrong and marks the
 * row of the value that is refused; with point, the keyboard focus goes there too. */
static void check_machine(VireoAssistant *self, gboolean point)
{
    GtkWidget *rows[] = {
        GTK_WIDGET(self->name_row),     GTK_WIDGET(self->arch_row),
        GTK_WIDGET(self->cpus_row),     GTK_WIDGET(self->memory_row),
        GTK_WIDGET(self->image_row),    GTK_WIDGET(self->disk_switch_row),
        GTK_WIDGET(self->cmdline_row),  GTK_WIDGET(self->kernel_file_row),
        GTK_WIDGET(self->firmware_row),
    };
    for (unsigned i = 0; i < G_N_ELEMENTS(rows); i++)
        gtk_widget_remove_css_class(rows[i], "error");

    g_autoptr(GError) error = NULL;
    GtkWidget *row = NULL, *focus = NULL;
    const char *name = gtk_editable_get_text(GTK_EDITABLE(self->name_row));
    guint64 memory = 0;
    gboolean ok = vireo_library_check_new_name(self->library, NULL, name, &error);
    if (self->refusal) {
        ok = FALSE;
        g_clear_error(&error);
        g_set_error_literal(&error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED, self->refusal);
    } else if (!ok) {
        row = GTK_WIDGET(self->name_row);
    } else if (!vireo_parse_memory(gtk_editable_get_text(GTK_EDITABLE(self->memory_entry)), &memory,
                                   &error)) {
        ok = FALSE;
        row = GTK_WIDGET(self->memory_row);
        focus = GTK_WIDGET(self->memory_entry);
    } else {
        VrMachineConfig cfg;
        build_config(self, &cfg);
        g_autoptr(GError) refused = NULL;
        if (!vr_machine_config_validate(&cfg, &refused)) {
            ok = FALSE;
            g_autofree char *why = vireo_config_error_text(&cfg, refused);
            g_set_error_literal(&error, refused->domain, refused->code, why);
            row = row_for_field(self, vr_config_error_get_field(refused), &focus);
        }
        vr_machine_config_clear(&cfg);
    }
    if (row && point && gtk_widget_get_mapped(row))
        vireo_point_at_row(row, focus);
    else if (row)
        gtk_widget_add_css_class(row, "error");
    gtk_label_set_text(self->validation_label, ok ? "" : error->message);
    gtk_widget_set_visible(GTK_WIDGET(self->validation_label), !ok);
    gtk_widget_set_sensitive(self->create_button, ok && !self->detecting);
    update_disk_row(self);
}

static void on_name_changed(GtkEditable *editable, gpointer data)
{
    VireoAssistant *self = data;
    if (!self->setting_name)
        self->name_edited = TRUE;
    check_machine(self, FALSE);
}

static void on_value_changed(gpointer widget, gpointer data)
{
    check_machine(data, FALSE);
}

static void on_cpus_changed(GtkSpinButton *spin, gpointer data)
{
    VireoAssistant *self = data;
    if (!self->proposing)
        self->cpus_edited = TRUE;
    check_machine(self, FALSE);
}

static void on_memory_changed(GtkEditable *editable, gpointer data)
{
    VireoAssistant *self = data;
    if (!self->proposing)
        self->memory_edited = TRUE;
    check_machine(self, FALSE);
}

/* What the entry holds, written the one way (2 GiB, 1.5 GiB, 512 MiB) once the user is done. */
static void normalize_memory(VireoAssistant *self)
{
    guint64 bytes = 0;
    if (!self->memory_entry) /* the window is going away */
        return;
    const char *text = gtk_editable_get_text(GTK_EDITABLE(self->memory_entry));
    if (!vireo_parse_memory(text, &bytes, NULL))
        return;
    g_autofree char *normal = vireo_format_memory_exact(bytes);
    if (g_strcmp0(normal, text) != 0)
        gtk_editable_set_text(GTK_EDITABLE(self->memory_entry), normal);
}

static void on_memory_activate(GtkEntry *entry, gpointer data)
{
    normalize_memory(data);
}

static void on_memory_leave(GtkEventControllerFocus *controller, gpointer data)
{
    normalize_memory(data);
}

static void on_firmware_selected(GObject *object, GParamSpec *pspec, gpointer data)
{
    VireoAssistant *self = data;
    adw_action_row_set_subtitle(
        ADW_ACTION_ROW(self->firmware_row),
        vireo_firmware_choice_text(adw_combo_row_get_selected(self->firmware_row)));
}

static void on_switch_active(GObject *object, GParamSpec *pspec, gpointer data)
{
    check_machine(data, FALSE);
}

static void on_create(GtkButton *button, gpointer data)
{
    VireoAssistant *self = data;
    check_machine(self, TRUE);
    if (!gtk_widget_get_sensitive(self->create_button))
        return;
    VrMachineConfig cfg;
    build_config(self, &cfg);
    g_autoptr(GError) error = NULL;
    g_autofree char *folder =
        vr_library_create(vireo_library_get_dir(self->library), &cfg, new_disk_size(self), &error);
    vr_machine_config_clear(&cfg);
    if (!folder) {
        g_autofree char *text =
            g_strdup_printf(_("The machine could not be created: %s"), error->message);
        gtk_label_set_text(self->validation_label, text);
        gtk_widget_set_visible(GTK_WIDGET(self->validation_label), TRUE);
        toast(self, text);
        return;
    }
    VireoMachine *machine = vireo_library_add(self->library, folder);
    g_object_ref(self);
    g_signal_emit(self, signals[SIGNAL_CREATED], 0, machine);
    gtk_window_destroy(GTK_WINDOW(self));
    g_object_unref(self);
}

/* ---- GObject ---- */

VireoAssistant *vireo_assistant_new(GtkWindow *parent, VireoLibrary *library)
{
    VireoAssistant *self = g_object_new(VIREO_TYPE_ASSISTANT, "transient-for", parent, NULL);
    self->library = g_object_ref(library);

    GtkStringList *archs = gtk_string_list_new(NULL);
    for (const char *const *a = vr_supported_archs(); *a; a++)
        gtk_string_list_append(archs, vireo_arch_label(*a));
    adw_combo_row_set_model(self->arch_row, G_LIST_MODEL(archs));
    g_object_unref(archs);

    unsigned host_cpus = MAX(1u, (unsigned) g_get_num_processors());
    g_autofree char *cpus_text =
        g_strdup_printf(g_dngettext(GETTEXT_PACKAGE, "This computer has %u CPU core",
                                    "This computer has %u CPU cores", host_cpus),
                        host_cpus);
    adw_action_row_set_subtitle(self->cpus_row, cpus_text);
    g_autofree char *host_text = vireo_format_memory(host_memory());
    g_autofree char *memory_text = g_strdup_printf(_("This computer has %s"), host_text);
    adw_action_row_set_subtitle(self->memory_row, memory_text);
    set_board_limits(self);
    show_page(self, "source");
    return self;
}

static void vireo_assistant_dispose(GObject *object)
{
    VireoAssistant *self = VIREO_ASSISTANT(object);
    if (self->cancellable)
        g_cancellable_cancel(self->cancellable);
    g_clear_object(&self->cancellable);
    g_clear_object(&self->library);
    gtk_widget_dispose_template(GTK_WIDGET(self), VIREO_TYPE_ASSISTANT);
    G_OBJECT_CLASS(vireo_assistant_parent_class)->dispose(object);
}

static void vireo_assistant_finalize(GObject *object)
{
    VireoAssistant *self = VIREO_ASSISTANT(object);
    g_free(self->image_path);
    g_free(self->kernel_path);
    g_free(self->initrd_path);
    g_free(self->os_warning);
    g_free(self->refusal);
    G_OBJECT_CLASS(vireo_assistant_parent_class)->finalize(object);
}

static void vireo_assistant_class_init(VireoAssistantClass *klass)
{
    GObjectClass *object_class = G_OBJECT_CLASS(klass);
    GtkWidgetClass *widget_class = GTK_WIDGET_CLASS(klass);
    object_class->dispose = vireo_assistant_dispose;
    object_class->finalize = vireo_assistant_finalize;

    signals[SIGNAL_CREATED] = g_signal_new("created", G_TYPE_FROM_CLASS(klass), G_SIGNAL_RUN_LAST,
                                           0, NULL, NULL, NULL, G_TYPE_NONE, 1, VIREO_TYPE_MACHINE);

    gtk_widget_class_set_template_from_resource(widget_class,
                                                "/org/vireo/Vireo/ui/vireo-assistant.ui");
#define BIND(name) gtk_widget_class_bind_template_child(widget_class, VireoAssistant, name)
    BIND(toast_overlay);
    BIND(cancel_button);
    BIND(back_button);
    BIND(next_button);
    BIND(create_button);
    BIND(stack);
    BIND(iso_row);
    BIND(disk_row);
    BIND(kernel_row);
    BIND(kernel_file_row);
    BIND(kernel_choose_button);
    BIND(initrd_file_row);
    BIND(initrd_choose_button);
    BIND(initrd_clear_button);
    BIND(cmdline_row);
    BIND(firmware_row);
    BIND(kernel_error);
    BIND(os_row);
    BIND(os_icon_stack);
    BIND(os_spinner);
    BIND(os_icon);
    BIND(warning_row);
    BIND(name_row);
    BIND(arch_row);
    BIND(cpus_row);
    BIND(cpus_spin);
    BIND(memory_row);
    BIND(memory_entry);
    BIND(validation_label);
    BIND(image_row);
    BIND(disk_switch_row);
    BIND(disk_switch);
    BIND(disk_size_row);
    BIND(disk_spin);
#undef BIND
    gtk_widget_class_add_binding_action(widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void vireo_assistant_init(VireoAssistant *self)
{
    gtk_widget_init_template(GTK_WIDGET(self));
    g_signal_connect(self->cancel_button, "clicked", G_CALLBACK(on_cancel), self);
    g_signal_connect(self->back_button, "clicked", G_CALLBACK(on_back), self);
    g_signal_connect(self->next_button, "clicked", G_CALLBACK(on_next), self);
    g_signal_connect(self->create_button, "clicked", G_CALLBACK(on_create), self);
    g_signal_connect(self->iso_row, "activated", G_CALLBACK(on_iso_row), self);
    g_signal_connect(self->disk_row, "activated", G_CALLBACK(on_disk_row), self);
    g_signal_connect(self->kernel_row, "activated", G_CALLBACK(on_kernel_row), self);
    g_signal_connect(self->kernel_choose_button, "clicked", G_CALLBACK(on_kernel_choose), self);
    g_signal_connect(self->initrd_choose_button, "clicked", G_CALLBACK(on_initrd_choose), self);
    g_signal_connect(self->initrd_clear_button, "clicked", G_CALLBACK(on_initrd_clear), self);
    g_signal_connect(self->name_row, "changed", G_CALLBACK(on_name_changed), self);
    g_signal_connect(self->cpus_spin, "value-changed", G_CALLBACK(on_cpus_changed), self);
    g_signal_connect(self->memory_entry, "changed", G_CALLBACK(on_memory_changed), self);
    g_signal_connect(self->memory_entry, "activate", G_CALLBACK(on_memory_activate), self);
    GtkEventController *focus = gtk_event_controller_focus_new();
    g_signal_connect(focus, "leave", G_CALLBACK(on_memory_leave), self);
    gtk_widget_add_controller(GTK_WIDGET(self->memory_entry), focus);
    g_signal_connect(self->disk_spin, "value-changed", G_CALLBACK(on_value_changed), self);
    g_signal_connect(self->disk_switch, "notify::active", G_CALLBACK(on_switch_active), self);
    g_signal_connect(self->firmware_row, "notify::selected", G_CALLBACK(on_firmware_selected),
                     self);
    on_firmware_selected(NULL, NULL, self);
}
