/* Small helpers shared by Vireo's windows. */
#include <adwaita.h>
#include <glib/gi18n.h>
#include <string.h>
#include <unistd.h>

#include "vireo-util.h"
#include "vr-board.h"
#include "vr-machine-config.h"

/* A whole number of quarters (1.25, 1.5, 1.75) written with the locale's decimal mark, and
 * without trailing zeros. */
static char *quarters_text(guint64 bytes, guint64 unit)
{
    g_autofree char *number = g_strdup_printf("%.2f", (double) bytes / (double) unit);
    gsize len = strlen(number);
    while (len > 0 && number[len - 1] == '0')
        number[--len] = '\0';
    return g_steal_pointer(&number);
}

/* "N GiB", "1.5 GiB", "N MiB": the round forms both formats share; NULL for others. */
static char *round_memory(guint64 bytes)
{
    const guint64 tib = 1ull << 40, gib = 1ull << 30, mib = 1ull << 20;
    if (bytes >= tib && bytes % tib == 0)
        return g_strdup_printf(_("%llu TiB"), (unsigned long long) (bytes / tib));
    if (bytes >= gib && bytes % gib == 0)
        return g_strdup_printf(_("%llu GiB"), (unsigned long long) (bytes / gib));
    if (bytes >= gib && bytes % (gib / 4) == 0) {
        g_autofree char *number = quarters_text(bytes, gib);
        /* Translators: %s is a number with a fraction, e.g. 1.5 or 2.75. */
        return g_strdup_printf(_("%s GiB"), number);
    }
    if (bytes >= mib && bytes % mib == 0)
        return g_strdup_printf(_("%llu MiB"), (unsigned long long) (bytes / mib));
    return NULL;
}

char *vireo_format_memory(guint64 bytes)
{
    char *round = round_memory(bytes);
    if (round)
        return round;
    if (bytes < (1ull << 20) && bytes >= 1024 && bytes % 1024 == 0)
        return g_strdup_printf(_("%llu KiB"), (unsigned long long) (bytes / 1024));
    return g_format_size_full(bytes, G_FORMAT_SIZE_IEC_UNITS);
}

char *vireo_format_memory_exact(guint64 bytes)
{
    char *round = round_memory(bytes);
    if (round)
        return round;
    if (bytes % 1024 == 0)
        return g_strdup_printf(_("%llu KiB"), (unsigned long long) (bytes / 1024));
    return g_strdup_printf(g_dngettext(GETTEXT_PACKAGE, "%llu byte", "%llu bytes", (gulong) bytes),
                           (unsigned long long) bytes);
}

gboolean vireo_parse_memory(const char *text, guint64 *bytes, GError **error)
{
    g_autofree char *t = g_strstrip(g_strdup(text ? text : ""));
    const char *p = t;
    guint64 whole = 0, frac = 0, frac_scale = 1;
    gboolean digits = FALSE;
    for (; g_ascii_isdigit(*p); p++, digits = TRUE) {
        if (whole > (G_MAXUINT64 - 9) / 10)
            goto bad;
        whole = whole * 10 + (guint64) (*p - '0');
    }
    /* Either decimal mark: what the other locale's users type, and what we show them. */
    if (*p == '.' || *p == ',') {
        p++;
        for (; g_ascii_isdigit(*p); p++, digits = TRUE) {
            if (frac_scale < 1000000000ull) {
                frac = frac * 10 + (guint64) (*p - '0');
                frac_scale *= 10;
            }
        }
    }
    if (!digits)
        goto bad;
    while (*p == ' ' || *p == '\t')
        p++;
    /* No unit: MiB, what a machine's memory is usually counted in. */
    unsigned shift = 20;
    switch (g_ascii_toupper(*p)) {
    case '\0': break;
    case 'K': shift = 10; break;
    case 'M': shift = 20; break;
    case 'G': shift = 30; break;
    case 'T': shift = 40; break;
    default: goto bad;
    }
    if (*p) {
        p++;
        if (g_ascii_strcasecmp(p, "iB") != 0 && g_ascii_strcasecmp(p, "B") != 0 && *p != '\0')
            goto bad;
    }
    if (whole > (G_MAXUINT64 >> shift) - 1)
        goto bad;
    /* A fraction is rounded to whole KiB: the engine then says whether the amount fits. */
    guint64 part = (((frac << (shift - 10)) + frac_scale / 2) / frac_scale) << 10;
    *bytes = (whole << shift) + part;
    if (*bytes == 0)
        goto bad;
    return TRUE;
bad:
    g_set_error(error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                _("“%s” is not an amount of memory: write a number with M or G, such as "
                  "512M or 2G."),
                text ? text : "");
    return FALSE;
}

static guint64 host_memory(void)
{
    long pages = sysconf(_SC_PHYS_PAGES), page_size = sysconf(_SC_PAGESIZE);
    return pages > 0 && page_size > 0 ? (guint64) pages * (guint64) page_size : 0;
}

static char *memory_error_text(const VrMachineConfig *cfg, const VrBoardInfo *board)
{
    guint64 host = host_memory();
    if (cfg->memory < board->min_memory) {
        g_autofree char *min = vireo_format_memory(board->min_memory);
        return g_strdup_printf(_("A machine needs at least %s of memory."), min);
    }
    if (host && cfg->memory > host) {
        g_autofree char *want = vireo_format_memory(cfg->memory);
        g_autofree char *have = vireo_format_memory(host);
        return g_strdup_printf(_("%s is more memory than this computer has (%s)."), want, have);
    }
    if (cfg->memory > board->max_memory) {
        g_autofree char *max = vireo_format_memory(board->max_memory);
        return g_strdup_printf(_("A machine has at most %s of memory."), max);
    }
    g_autofree char *page = vireo_format_memory(board->memory_granularity);
    return g_strdup_printf(_("Memory comes in whole pages of %s."), page);
}

char *vireo_config_error_text(const VrMachineConfig *cfg, const GError *error)
{
    const VrBoardInfo *board = vr_board_for_config(cfg, NULL);
    if (!board || !error || error->domain != VR_CONFIG_ERROR)
        return g_strdup(error ? error->message : "");
    switch ((VrConfigError) error->code) {
    case VR_CONFIG_ERROR_CPUS:
        return g_strdup_printf(_("A machine has %u to %u CPUs."), board->min_cpus, board->max_cpus);
    case VR_CONFIG_ERROR_MEMORY: return memory_error_text(cfg, board);
    case VR_CONFIG_ERROR_DISKS:
        return g_strdup_printf(_("A machine takes at most %u disks."),
                               vr_board_max_disks(board, cfg->virtio_console));
    case VR_CONFIG_ERROR_CMDLINE:
        if (cfg->append && strlen(cfg->append) > board->max_cmdline)
            return g_strdup_printf(_("The kernel command line is too long (at most %u "
                                     "characters)."),
                                   (unsigned) board->max_cmdline);
        return g_strdup(_("The kernel command line must be one line of text."));
    case VR_CONFIG_ERROR_KERNEL:
        return g_strdup(_("Without firmware the kernel is what runs: choose a kernel first."));
    case VR_CONFIG_ERROR_ARCH:
    case VR_CONFIG_ERROR_BOARD:
    case VR_CONFIG_ERROR_FIRMWARE:
    case VR_CONFIG_ERROR_NET:
    case VR_CONFIG_ERROR_SOUND:
    case VR_CONFIG_ERROR_ACCEL: break;
    }
    return g_strdup(error->message);
}

void vireo_point_at_row(GtkWidget *row, GtkWidget *focus)
{
    gtk_widget_add_css_class(row, "error");
    GtkWidget *page = gtk_widget_get_ancestor(row, ADW_TYPE_PREFERENCES_PAGE);
    GtkWidget *window = gtk_widget_get_ancestor(row, ADW_TYPE_PREFERENCES_WINDOW);
    if (page && window)
        adw_preferences_window_set_visible_page(ADW_PREFERENCES_WINDOW(window),
                                                ADW_PREFERENCES_PAGE(page));
    /* The page's scrolled window brings the focused widget into view. */
    gtk_widget_grab_focus(focus ? focus : row);
}

const char *vireo_firmware_choice_text(guint index)
{
    switch (index) {
    case 0: return _("The default: Debian’s OpenSBI starts first, then the kernel");
    case 1: return _("The kernel runs alone from the start, as a bare-metal program does");
    default: return _("A firmware file of your choice");
    }
}

const char *vireo_arch_label(const char *arch)
{
    if (g_strcmp0(arch, "riscv64") == 0)
        return _("RISC-V 64");
    if (g_strcmp0(arch, "x86_64") == 0)
        return _("x86-64");
    return arch ? arch : _("Unknown architecture");
}

GSettings *vireo_settings(void)
{
    GApplication *app = g_application_get_default();
    GSettings *settings = app ? g_object_get_data(G_OBJECT(app), "vireo-settings") : NULL;
    g_return_val_if_fail(settings != NULL, NULL);
    return settings;
}

GdkTexture *vireo_widget_render(GtkWidget *widget, int max_width)
{
    GtkNative *native = gtk_widget_get_native(widget);
    int width = gtk_widget_get_width(widget), height = gtk_widget_get_height(widget);
    if (!native || !gtk_widget_get_mapped(widget) || width <= 0 || height <= 0)
        return NULL;
    GskRenderer *renderer = gtk_native_get_renderer(native);
    if (!renderer)
        return NULL;
    double scale = max_width > 0 && width > max_width ? (double) max_width / width : 1.0;
    g_autoptr(GdkPaintable) paintable = gtk_widget_paintable_new(widget);
    GtkSnapshot *snapshot = gtk_snapshot_new();
    gtk_snapshot_scale(snapshot, (float) scale, (float) scale);
    gdk_paintable_snapshot(paintable, snapshot, width, height);
    g_autoptr(GskRenderNode) node = gtk_snapshot_free_to_node(snapshot);
    if (!node)
        return NULL;
    graphene_rect_t bounds =
        GRAPHENE_RECT_INIT(0, 0, (float) (width * scale), (float) (height * scale));
    return gsk_renderer_render_texture(renderer, node, &bounds);
}

GFile *vireo_default_folder(void)
{
    g_autofree char *folder = g_settings_get_string(vireo_settings(), "default-folder");
    if (folder && *folder && g_file_test(folder, G_FILE_TEST_IS_DIR))
        return g_file_new_for_path(folder);
    const char *downloads = g_get_user_special_dir(G_USER_DIRECTORY_DOWNLOAD);
    if (downloads && g_file_test(downloads, G_FILE_TEST_IS_DIR))
        return g_file_new_for_path(downloads);
    return g_file_new_for_path(g_get_home_dir());
}

typedef struct {
    VireoFileChosen callback;
    gpointer data;
} ChooserData;

static void chooser_response(GtkNativeDialog *dialog, int response, gpointer user_data)
{
    ChooserData *cd = user_data;
    g_autoptr(GFile) file = NULL;
    if (response == GTK_RESPONSE_ACCEPT)
        file = gtk_file_chooser_get_file(GTK_FILE_CHOOSER(dialog));
    cd->callback(file, cd->data);
    g_free(cd);
    gtk_native_dialog_destroy(dialog);
    g_object_unref(dialog);
}

static void add_filter(GtkFileChooser *chooser, const char *name, const char *const *patterns,
                       const char *const *mime_types)
{
    g_autoptr(GtkFileFilter) filter = gtk_file_filter_new();
    gtk_file_filter_set_name(filter, name);
    for (unsigned i = 0; patterns && patterns[i]; i++)
        gtk_file_filter_add_pattern(filter, patterns[i]);
    for (unsigned i = 0; mime_types && mime_types[i]; i++)
        gtk_file_filter_add_mime_type(filter, mime_types[i]);
    gtk_file_chooser_add_filter(chooser, filter);
}

void vireo_choose_file(GtkWindow *parent, const char *title, VireoFileKind kind,
                       VireoFileChosen callback, gpointer data)
{
    GtkFileChooserAction action = kind == VIREO_FILES_FOLDER ? GTK_FILE_CHOOSER_ACTION_SELECT_FOLDER
                                                             : GTK_FILE_CHOOSER_ACTION_OPEN;
    GtkFileChooserNative *native =
        gtk_file_chooser_native_new(title, parent, action, _("_Select"), _("_Cancel"));
    gtk_native_dialog_set_modal(GTK_NATIVE_DIALOG(native), TRUE);
    GtkFileChooser *chooser = GTK_FILE_CHOOSER(native);
    static const char *const iso_patterns[] = {"*.iso", "*.ISO", NULL};
    static const char *const iso_types[] = {"application/x-cd-image", NULL};
    static const char *const disk_patterns[] = {"*.img", "*.raw", "*.IMG", "*.RAW", NULL};
    static const char *const disk_types[] = {"application/x-raw-disk-image", NULL};
    static const char *const all[] = {"*", NULL};
    switch (kind) {
    case VIREO_FILES_ISO:
        add_filter(chooser, _("ISO Images"), iso_patterns, iso_types);
        add_filter(chooser, _("All Files"), all, NULL);
        break;
    case VIREO_FILES_DISK:
        add_filter(chooser, _("Disk Images"), disk_patterns, disk_types);
        add_filter(chooser, _("ISO Images"), iso_patterns, iso_types);
        add_filter(chooser, _("All Files"), all, NULL);
        break;
    case VIREO_FILES_KERNEL:
    case VIREO_FILES_ANY: add_filter(chooser, _("All Files"), all, NULL); break;
    case VIREO_FILES_FOLDER: break;
    }
    g_autoptr(GFile) folder = vireo_default_folder();
    gtk_file_chooser_set_current_folder(chooser, folder, NULL);
    ChooserData *cd = g_new(ChooserData, 1);
    cd->callback = callback;
    cd->data = data;
    g_signal_connect(native, "response", G_CALLBACK(chooser_response), cd);
    gtk_native_dialog_show(GTK_NATIVE_DIALOG(native));
}
