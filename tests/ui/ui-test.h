/* Helpers for the UI tests: the real application and window, under Xvfb (see run-ui-test.sh),
 * with a fresh XDG data folder, driven by activating widgets and actions. */
#pragma once

#include <vte/vte.h>

#include "vireo-application.h"
#include "vireo-assistant.h"
#include "vireo-machine-page.h"
#include "vireo-machine-row.h"
#include "vireo-machine-settings.h"

/* Call first in main(): a fresh XDG_DATA_HOME, gtk_test_init(), the application
 * registered (not unique: tests run side by side). */
void ui_test_init(int *argc, char ***argv);
/* Powers every machine off and removes the temporary folders. */
void ui_test_finish(void);

VireoApplication *ui_app(void);
VireoWindow *ui_window(void);
VireoLibrary *ui_library(void);
/* Where machine folders live in this test. */
const char *ui_machines_dir(void);
/* A folder for the test's own files. */
const char *ui_scratch_dir(void);

/* Runs the main loop for ms milliseconds. */
void ui_iterate(int ms);
/* Runs the main loop until cond(data) holds; fails the test after timeout_ms. */
void ui_wait(gboolean (*cond)(gpointer), gpointer data, int timeout_ms, const char *what);
/* Checks expr every 20 ms of main loop. */
#define UI_WAIT_FOR(expr, timeout_ms, what)                                            \
    do {                                                                               \
        gint64 deadline_ = g_get_monotonic_time() + (gint64) (timeout_ms) *1000;       \
        while (!(expr)) {                                                              \
            if (g_get_monotonic_time() > deadline_)                                    \
                g_error("timed out after %d ms waiting for %s", (timeout_ms), (what)); \
            ui_iterate(20);                                                            \
        }                                                                              \
    } while (0)

/* Widgets by their id in the .ui template (GtkBuildable id), or by type. */
GtkWidget *ui_find(GtkWidget *root, const char *id);
/* The widget under root whose widget name (gtk_widget_set_name) is name, else NULL. */
GtkWidget *ui_find_named(GtkWidget *root, const char *name);
GtkWidget *ui_find_type(GtkWidget *root, GType type);
/* A label (or a widget's accessible text) under root whose text contains text. */
GtkWidget *ui_find_label(GtkWidget *root, const char *text);
/* A button under root whose label is label. */
GtkWidget *ui_find_button(GtkWidget *root, const char *label);
/* Clicks a button (as a pointer click does: "clicked", not the delayed keyboard
 * activation); fails the test when it is insensitive or hidden. */
void ui_click(GtkWidget *button);
/* Input as a user's keyboard and mouse make it: X events synthesized with xdotool (XTEST),
 * to the toplevel of widget, which gets the X input focus first. They go through GTK's
 * whole event path (focus, key bindings, capture controllers, the terminal's input
 * method). ui_have_xdotool() is FALSE where xdotool is missing; the test then skips. */
gboolean ui_have_xdotool(void);
/* Keys by their X names ("Return", "space", "ctrl+shift+p"), one after the other. */
void ui_keys(GtkWidget *widget, const char *keys);
/* Text typed key by key. */
void ui_type(GtkWidget *widget, const char *text);
/* A left click in the middle of widget (which takes the focus, as a real click does). */
void ui_real_click(GtkWidget *widget);
/* The same at the point (x, y) of widget. */
void ui_real_click_at(GtkWidget *widget, float x, float y);

/* The newest toplevel window of type (dialogs, the assistant, settings). */
GtkWidget *ui_find_toplevel(GType type);

/* A file chooser answered as a person answers it. GtkFileChooserNative shows GTK's own
 * dialog where no desktop portal runs (as under the tests' session bus): waits for the
 * chooser called title, checks that it is modal, opened in the folder choosers start in
 * (vireo_default_folder()) and offers first the filter named first_filter (NULL: no filter),
 * keeps a screenshot called shot (NULL: none), and answers with path, selected in the dialog
 * (NULL: Cancel). */
void ui_answer_chooser(const char *title, const char *first_filter, const char *path,
                       const char *shot);

/* "summary\nbody" of the last desktop notification the application sent, or NULL. */
const char *ui_last_notification(void);

/* Saves what the window shows to <build>/test-output/ui/<name>.png. */
void ui_screenshot(GtkWidget *widget, const char *name);
/* The same, and returns the picture for a test to look at its pixels. */
GdkTexture *ui_render(GtkWidget *widget, const char *name);

/* The rows of the library list. */
GList *ui_library_rows(void);
VireoMachineRow *ui_row_for(const char *name);

/* Everything the terminal shows (scrollback included). */
char *ui_terminal_text(VteTerminal *terminal);
/* The last rows lines up to the cursor. */
char *ui_terminal_tail(VteTerminal *terminal, long rows);

/* Test files: an installer ISO for RISC-V (an El Torito EFI entry and
 * /EFI/BOOT/BOOTRISCV64.EFI, whose contents are no real loader) with this volume label; an
 * ISO 9660 image of files with nothing to boot; a RISC-V test guest by name (demo.elf,
 * echo.elf) or NULL when it was not built (no cross compiler). */
char *ui_make_iso(const char *name, const char *volume_id);
/* The window's machine page, and the widget of its template with that id (the test fails
 * when there is none). */
VireoMachinePage *ui_page(void);
/* The last 60 lines of the machine page's console ("" when it has none); whether they show
 * text; waiting until they do (a timeout fails the test, showing them). */
char *ui_console_tail(void);
gboolean ui_console_shows(const char *text);
void ui_wait_console(const char *text, int timeout_ms, const char *what);
/* A machine's serial console as the engine gives it (all of it, not the terminal's view):
 * ui_log_use(m) reads m's from its beginning; ui_log_wait waits for needle after the
 * previous match (a timeout fails the test, showing what came); ui_log_has looks there too;
 * ui_log_type types line on it. */
void ui_log_use(VireoMachine *machine);
char *ui_log_text(void);
gboolean ui_log_has(const char *needle);
void ui_log_wait(const char *needle, int timeout_ms);
void ui_log_type(const char *line);
/* Runs the main loop until widget's window has drawn n more frames (text a terminal was just
 * fed is on screen then), or 5 s passed. */
void ui_wait_frames(GtkWidget *widget, int n);
GtkWidget *ui_page_widget(const char *id);
/* tests/guests/build-all.sh --no-build NAME (VIREO_SOURCE_ROOT names the source tree): the
 * cached guest's main file, or NULL when it is not built. Call before ui_test_init() or with
 * VIREO_GUEST_CACHE set: ui_test_init() moves XDG_CACHE_HOME. */
char *ui_guest_artifact(const char *name);
char *ui_make_data_iso(const char *name, const char *volume_id);
const char *ui_guest(const char *name);
/* A bootable ISO made by xorriso (tests/unit/boot-iso.h): kind is a BootIsoKind (x86 BIOS and
 * EFI, x86 BIOS only, RISC-V EFI). */
char *ui_make_boot_iso(const char *name, const char *volume_id, int kind);
/* A machine folder made directly (as `vireo create` does). */
char *ui_make_machine(const char *name, const char *kernel, const char *bios, guint64 memory);
/* The same with a new empty disk image of disk_size bytes (disk.img) in its folder. */
char *ui_make_machine_with_disk(const char *name, const char *kernel, const char *bios,
                                guint64 memory, guint64 disk_size);
/* machine.ini of the machine named name, as a key file. */
GKeyFile *ui_read_ini(const char *name);
/* Runs `$VIREO create ARGS...` (NULL-terminated) as a user would; the test fails unless it
 * exits 0. */
void ui_vireo_create(const char *first_arg, ...) G_GNUC_NULL_TERMINATED;

/* Boot files as Vireo boots them, in the scratch folder: a flat binary the way U-Boot is (code
 * from its first byte, no header), and a gzip-compressed RISC-V Linux Image (Image.gz). */
char *ui_make_flat_binary(const char *name);
char *ui_make_image_gz(const char *name);
/* Debian's S-mode U-Boot (package u-boot-qemu), when installed. */
#define UI_DEBIAN_UBOOT "/usr/lib/u-boot/qemu-riscv64_smode/u-boot.bin"

/* Fails the test when words (a part of label's text) break across lines at any width from
 * 120 to 600 pixels. */
void ui_assert_kept_together(GtkWidget *label, const char *words);
/* A visible button under root that shows the icon named icon, or NULL. */
GtkWidget *ui_find_icon_button(GtkWidget *root, const char *icon);
