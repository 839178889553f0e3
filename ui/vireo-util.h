/* Small helpers shared by Vireo's windows. */
#pragma once

#include <gtk/gtk.h>

#include "vr-machine.h"

G_BEGIN_DECLS

/* "512 MiB", "2 GiB", "1.5 GiB", "4 KiB" */
char *vireo_format_memory(guint64 bytes);
/* The same where it is round, else in KiB (or bytes): never rounded, so what a memory entry
 * shows is the amount it holds. */
char *vireo_format_memory_exact(guint64 bytes);
/* An amount of memory as people write it: "2048" (MiB), "2048M", "2 GiB", "1.5G", "512 MB",
 * "1,5 GiB" (either decimal mark); a fraction is rounded to whole KiB. Whether a machine may
 * have it is the engine's validator's call. */
gboolean vireo_parse_memory(const char *text, guint64 *bytes, GError **error);

/* Why vr_machine_config_validate() refused cfg, said in the user's words with the limits of
 * the machine's board; error is what it returned (another error: its message). */
char *vireo_config_error_text(const VrMachineConfig *cfg, const GError *error);
/* Marks row as holding a refused value (the "error" style), shows the page it is on and
 * moves the keyboard focus to focus (or to row) so the user sees which value it is. */
void vireo_point_at_row(GtkWidget *row, GtkWidget *focus);
/* What the firmware choice at index (0: the default, 1: none, 2: a file) of the assistant's and
 * Settings' firmware rows means, for the row's subtitle (the choices themselves are short, so
 * the row shows them whole). */
const char *vireo_firmware_choice_text(guint index);
/* "RISC-V 64" for "riscv64"; the name itself for others. */
const char *vireo_arch_label(const char *arch);

/* The application's settings (org.vireo.Vireo). */
GSettings *vireo_settings(void);

/* What the widget shows now, as a texture scaled to at most max_width pixels wide (0: as
 * it is); NULL when it is not on screen. */
GdkTexture *vireo_widget_render(GtkWidget *widget, int max_width);

/* The folder file choosers start in (the default-folder setting, else Downloads). */
GFile *vireo_default_folder(void);

typedef enum {
    VIREO_FILES_ISO,
    VIREO_FILES_DISK,
    VIREO_FILES_KERNEL,
    VIREO_FILES_ANY,
    VIREO_FILES_FOLDER,
} VireoFileKind;

typedef void (*VireoFileChosen)(GFile *file, gpointer data);
/* A portal-friendly file chooser; callback gets the file (NULL when cancelled). */
void vireo_choose_file(GtkWindow *parent, const char *title, VireoFileKind kind,
                       VireoFileChosen callback, gpointer data);

G_END_DECLS
