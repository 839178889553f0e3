/* UI tests of the new-machine assistant: an ISO libosinfo knows (its proposals), one it does
 * not (general defaults), a file dropped on the window, something that is not an image, a
 * kernel, and the inline checks that keep Create from making a bad machine. */
#include <glib/gstdio.h>
#include <sys/stat.h>

#include "boot-iso.h"
#include "ui-test.h"
#include "vireo-util.h"
#include "vr-board.h"
#include "vr-library.h"

static GtkWidget *A(VireoAssistant *a, const char *id)
{
    GtkWidget *w = ui_find(GTK_WIDGET(a), id);
    if (!w)
        g_error("no widget '%s' in the assistant", id);
    return w;
}

/* The label under root whose whole text is text. */
static GtkWidget *exact_label(GtkWidget *root, const char *text)
{
    if (GTK_IS_LABEL(root) && g_strcmp0(gtk_label_get_text(GTK_LABEL(root)), text) == 0)
        return root;
    for (GtkWidget *c = gtk_widget_get_first_child(root); c; c = gtk_widget_get_next_sibling(c)) {
        GtkWidget *found = exact_label(c, text);
        if (found)
            return found;
    }
    return NULL;
}

static const char *page_of(VireoAssistant *a)
{
    return gtk_stack_get_visible_child_name(GTK_STACK(A(a, "stack")));
}

static const char *row_title(VireoAssistant *a, const char *id)
{
    return adw_preferences_row_get_title(ADW_PREFERENCES_ROW(A(a, id)));
}

static int spin(VireoAssistant *a, const char *id)
{
    return gtk_spin_button_get_value_as_int(GTK_SPIN_BUTTON(A(a, id)));
}

static const char *memory_text(VireoAssistant *a)
{
    return gtk_editable_get_text(GTK_EDITABLE(A(a, "memory_entry")));
}

static VireoAssistant *wait_for_assistant(void)
{
    GtkWidget *w = NULL;
    UI_WAIT_FOR((w = ui_find_toplevel(VIREO_TYPE_ASSISTANT)), 5000, "the assistant");
    UI_WAIT_FOR(gtk_widget_get_mapped(w), 5000, "the assistant on screen");
    return VIREO_ASSISTANT(w);
}

static void wait_detection(VireoAssistant *a)
{
    UI_WAIT_FOR(!vireo_assistant_is_detecting(a), 20000, "libosinfo to look at the image");
    ui_iterate(50);
}

/* Create, and the assistant closes; returns the machine.ini of the new machine. */
static GKeyFile *create(VireoAssistant *a, const char *expected_name)
{
    g_object_add_weak_pointer(G_OBJECT(a), (gpointer *) &a);
    ui_click(A(a, "create_button"));
    UI_WAIT_FOR(a == NULL, 5000, "the assistant to close");
    return ui_read_ini(expected_name);
}

/* A new machine has networking, with a MAC address of its own (checked against the one made
 * before it), and sound through the host's sound server. */
static char *first_mac;

static void assert_own_network(GKeyFile *kf)
{
    g_autoptr(GError) error = NULL;
    g_assert_true(g_key_file_get_boolean(kf, "net", "enabled", &error));
    g_assert_no_error(error);
    g_autofree char *mac = g_key_file_get_string(kf, "net", "mac", NULL);
    g_assert_nonnull(mac);
    g_assert_true(g_regex_match_simple("^52:54:00(:[0-9a-f]{2}){3}$", mac, 0, 0));
    if (!first_mac)
        first_mac = g_strdup(mac);
    else
        g_assert_cmpstr(mac, !=, first_mac);
    g_assert_true(g_key_file_get_boolean(kf, "sound", "enabled", &error));
    g_assert_no_error(error);
    g_autofree char *backend = g_key_file_get_string(kf, "sound", "backend", NULL);
    g_assert_cmpstr(backend, ==, "pulse");
}

/* An ISO libosinfo knows: the OS is named and its recommendations are proposed. */
static void test_known_iso(void)
{
    /* The label is Debian's amd64 one, but a RISC-V EFI loader on the image says it boots
     * here (tests/ui/test-ui-iso-arch.c: images for other machines). */
    g_autofree char *iso = ui_make_boot_iso("debian-11.5.0-amd64-netinst.iso",
                                            "Debian 11.5.0 amd64 n", BOOT_ISO_RISCV64);
    g_autoptr(GFile) file = g_file_new_for_path(iso);
    VireoAssistant *a = vireo_window_open_file(ui_window(), file);
    g_assert_nonnull(a);
    g_assert_true(a == wait_for_assistant());
    g_assert_cmpstr(page_of(a), ==, "details");
    wait_detection(a);

    g_assert_cmpstr(row_title(a, "os_row"), ==, "Debian 11");
    g_assert_cmpstr(gtk_editable_get_text(GTK_EDITABLE(A(a, "name_row"))), ==, "Debian 11");
    g_assert_cmpstr(memory_text(a), ==, "1 GiB");  /* osinfo-db: 1 GiB recommended */
    g_assert_cmpint(spin(a, "disk_spin"), ==, 20); /* 20 GiB recommended */
    g_assert_true(gtk_switch_get_active(GTK_SWITCH(A(a, "disk_switch"))));
    g_assert_true(gtk_widget_is_sensitive(A(a, "create_button")));
    ui_screenshot(GTK_WIDGET(a), "assistant-known-iso");

    g_autoptr(GKeyFile) kf = create(a, "Debian 11");
    g_autofree char *memory = g_key_file_get_string(kf, "machine", "memory", NULL);
    g_assert_cmpstr(memory, ==, "1G");
    g_autofree char *disk0 = g_key_file_get_string(kf, "disk 0", "path", NULL);
    g_assert_cmpstr(disk0, ==, "disk.img");
    g_autofree char *disk1 = g_key_file_get_string(kf, "disk 1", "path", NULL);
    g_assert_cmpstr(disk1, ==, iso);
    g_assert_true(g_key_file_get_boolean(kf, "disk 1", "readonly", NULL));
    g_autofree char *img = g_build_filename(ui_machines_dir(), "Debian 11.vireo", "disk.img", NULL);
    GStatBuf st;
    g_assert_cmpint(g_stat(img, &st), ==, 0);
    g_assert_cmpuint((guint64) st.st_size, ==, 20ull << 30);
    assert_own_network(kf);

    /* The window shows the new machine. */
    ui_iterate(100);
    VireoMachinePage *page = vireo_window_get_machine_page(ui_window());
    g_assert_cmpstr(vireo_machine_get_name(vireo_machine_page_get_machine(page)), ==, "Debian 11");
    g_assert_nonnull(ui_row_for("Debian 11"));
    ui_screenshot(GTK_WIDGET(ui_window()), "assistant-created");
    vireo_window_show_library(ui_window());
}

/* An ISO libosinfo does not know: general defaults, a name from the file, and a machine. */
static void test_unknown_iso(void)
{
    g_autofree char *iso = ui_make_iso("homebrew-os.iso", "HOMEBREW_OS_0_1");
    VireoAssistant *a = vireo_window_new_machine(ui_window());
    g_autoptr(GFile) file = g_file_new_for_path(iso);
    g_assert_true(vireo_assistant_set_file(a, file));
    wait_detection(a);
    g_assert_cmpstr(row_title(a, "os_row"), ==, "Unknown Operating System");
    g_assert_nonnull(
        strstr(adw_action_row_get_subtitle(ADW_ACTION_ROW(A(a, "os_row"))), "HOMEBREW_OS_0_1"));
    /* Said without naming the library behind it. */
    g_assert_nonnull(strstr(adw_action_row_get_subtitle(ADW_ACTION_ROW(A(a, "os_row"))),
                            "is not in the list of known systems"));
    g_assert_cmpstr(gtk_editable_get_text(GTK_EDITABLE(A(a, "name_row"))), ==, "homebrew-os");
    g_assert_cmpint(spin(a, "disk_spin"), ==, 20);
    g_assert_nonnull(strstr(memory_text(a), "GiB"));
    g_assert_cmpint(spin(a, "cpus_spin"), >=, 1);
    ui_screenshot(GTK_WIDGET(a), "assistant-unknown-iso");
    g_autoptr(GKeyFile) kf = create(a, "homebrew-os");
    g_assert_true(g_key_file_has_group(kf, "disk 1"));
    g_assert_nonnull(ui_row_for("homebrew-os"));
    vireo_window_show_library(ui_window());
}

static GtkDropTarget *window_drop_target(void)
{
    g_autoptr(GListModel) controllers = gtk_widget_observe_controllers(GTK_WIDGET(ui_window()));
    for (guint i = 0; i < g_list_model_get_n_items(controllers); i++) {
        g_autoptr(GObject) c = g_list_model_get_item(controllers, i);
        if (GTK_IS_DROP_TARGET(c))
            return GTK_DROP_TARGET(c);
    }
    g_error("the window has no drop target");
}

/* Emits the drop as GTK does when files are dropped on the window. */
static gboolean drop_files(const char *const *paths)
{
    GtkDropTarget *target = window_drop_target();
    g_assert_true(g_type_is_a(GDK_TYPE_FILE_LIST, gtk_drop_target_get_gtypes(target, NULL)[0]));
    GSList *files = NULL;
    for (unsigned i = 0; paths[i]; i++)
        files = g_slist_append(files, g_file_new_for_path(paths[i]));
    GValue value = G_VALUE_INIT;
    g_value_init(&value, GDK_TYPE_FILE_LIST);
    g_value_take_boxed(&value, gdk_file_list_new_from_list(files));
    g_slist_free_full(files, g_object_unref);
    gboolean accepted = FALSE;
    g_signal_emit_by_name(target, "drop", &value, 100.0, 100.0, &accepted);
    g_value_unset(&value);
    return accepted;
}

/* A file dropped anywhere on the window opens the assistant filled in from it. */
static void test_drop_iso(void)
{
    g_autofree char *iso =
        ui_make_boot_iso("debian-dropped.iso", "Debian 11.6.0 amd64 n", BOOT_ISO_RISCV64);
    const char *paths[] = {iso, NULL};
    g_assert_true(drop_files(paths));
    VireoAssistant *a = wait_for_assistant();
    g_assert_cmpstr(page_of(a), ==, "details");
    wait_detection(a);
    g_assert_cmpstr(row_title(a, "os_row"), ==, "Debian 11");
    /* "Debian 11" is taken by the first test: the proposal is free. */
    g_assert_cmpstr(gtk_editable_get_text(GTK_EDITABLE(A(a, "name_row"))), ==, "Debian 11 2");
    ui_screenshot(GTK_WIDGET(a), "assistant-dropped-iso");
    g_autoptr(GKeyFile) kf = create(a, "Debian 11 2");
    g_autofree char *disk1 = g_key_file_get_string(kf, "disk 1", "path", NULL);
    g_assert_cmpstr(disk1, ==, iso);
    vireo_window_show_library(ui_window());
}

/* A raw disk image dropped: used where it is, no new disk. */
static void test_drop_disk(void)
{
    g_autofree char *disk = g_build_filename(ui_scratch_dir(), "installed.img", NULL);
    g_autoptr(GError) error = NULL;
    g_assert_true(vr_disk_create_raw(disk, 64 << 20, &error));
    const char *paths[] = {disk, NULL};
    g_assert_true(drop_files(paths));
    VireoAssistant *a = wait_for_assistant();
    g_assert_cmpstr(page_of(a), ==, "details");
    g_assert_cmpstr(row_title(a, "os_row"), ==, "Disk Image");
    g_assert_true(gtk_widget_get_visible(A(a, "image_row")));
    g_assert_false(gtk_widget_get_visible(A(a, "disk_switch_row")));
    g_autoptr(GKeyFile) kf = create(a, "installed");
    g_autofree char *disk0 = g_key_file_get_string(kf, "disk 0", "path", NULL);
    g_assert_cmpstr(disk0, ==, disk);
    g_assert_false(g_key_file_has_group(kf, "disk 1"));
    assert_own_network(kf);
    g_assert_nonnull(first_mac); /* the known ISO's machine came first: two MACs compared */
    vireo_window_show_library(ui_window());
}

/* Something that is not an image: the window says so, no assistant. */
static void test_drop_not_an_image(void)
{
    g_autofree char *text = g_build_filename(ui_scratch_dir(), "shopping-list.txt", NULL);
    g_assert_true(g_file_set_contents(text, "milk\neggs\n", -1, NULL));
    const char *paths[] = {text, NULL};
    drop_files(paths);
    ui_iterate(100);
    g_assert_null(ui_find_toplevel(VIREO_TYPE_ASSISTANT));
    GtkWidget *overlay = ui_find(GTK_WIDGET(ui_window()), "toast_overlay");
    GtkWidget *label = NULL;
    UI_WAIT_FOR((label = ui_find_label(overlay, "is not an ISO image")), 5000,
                "the toast saying it is not an image");
    g_assert_nonnull(strstr(gtk_label_get_text(GTK_LABEL(label)), "shopping-list.txt"));
    ui_screenshot(GTK_WIDGET(ui_window()), "drop-not-an-image");

    /* A qcow2 image: a dialog says what to do with it (the whole command). */
    g_autofree char *qcow = g_build_filename(ui_scratch_dir(), "old.qcow2", NULL);
    g_assert_true(g_file_set_contents(qcow, "QFI\xfb\0\0\0\3", 8, NULL));
    const char *qpaths[] = {qcow, NULL};
    drop_files(qpaths);
    GtkWidget *dialog = NULL;
    UI_WAIT_FOR((dialog = ui_find_toplevel(ADW_TYPE_MESSAGE_DIALOG)) &&
                    ui_find_label(dialog, "qemu-img convert -O raw"),
                8000, "the qcow2 dialog");
    g_assert_null(ui_find_toplevel(VIREO_TYPE_ASSISTANT));
    gtk_window_destroy(GTK_WINDOW(dialog));
}

/* A bare-metal kernel: recognized (no firmware), named from the file; the name is checked
 * as it is typed and Create waits for a good one. */
static void test_kernel(void)
{
    const char *elf = ui_guest("demo.elf");
    if (!elf) {
        g_test_skip("demo.elf was not built (no riscv64-unknown-elf-gcc)");
        return;
    }
    VireoAssistant *a = vireo_window_new_machine(ui_window());
    wait_for_assistant();
    g_assert_cmpstr(page_of(a), ==, "source");
    ui_screenshot(GTK_WIDGET(a), "assistant-source");
    /* The kernel row leads to the kernel page; Next waits for a kernel. */
    g_signal_emit_by_name(A(a, "kernel_row"), "activated");
    g_assert_cmpstr(page_of(a), ==, "kernel");
    g_assert_false(gtk_widget_is_sensitive(A(a, "next_button")));
    /* Not a kernel: said inline, Next stays off. */
    g_autofree char *text = g_build_filename(ui_scratch_dir(), "readme.txt", NULL);
    g_file_set_contents(text, "Read me first: how this machine is set up.\n", -1, NULL);
    vireo_assistant_set_kernel(a, text, NULL);
    g_assert_true(gtk_widget_get_visible(A(a, "kernel_error")));
    g_assert_nonnull(strstr(gtk_label_get_text(GTK_LABEL(A(a, "kernel_error"))),
                            "is not a RISC-V kernel: it is a text file"));
    ui_screenshot(GTK_WIDGET(a), "assistant-kernel-refused");
    g_assert_false(gtk_widget_is_sensitive(A(a, "next_button")));

    vireo_assistant_set_kernel(a, elf, NULL);
    g_assert_false(gtk_widget_get_visible(A(a, "kernel_error")));
    g_assert_cmpuint(adw_combo_row_get_selected(ADW_COMBO_ROW(A(a, "firmware_row"))), ==, 1);
    ui_screenshot(GTK_WIDGET(a), "assistant-kernel");
    ui_click(A(a, "next_button"));
    g_assert_cmpstr(page_of(a), ==, "details");
    g_assert_cmpstr(row_title(a, "os_row"), ==, "Bare-Metal Program");
    GtkEditable *name = GTK_EDITABLE(A(a, "name_row"));
    g_assert_cmpstr(gtk_editable_get_text(name), ==, "demo");

    gtk_editable_set_text(name, "");
    g_assert_false(gtk_widget_is_sensitive(A(a, "create_button")));
    GtkWidget *why = A(a, "validation_label");
    g_assert_true(gtk_widget_get_visible(why));
    g_assert_cmpstr(gtk_label_get_text(GTK_LABEL(why)), ==, "A machine needs a name.");
    gtk_editable_set_text(name, "Debian 11");
    g_assert_false(gtk_widget_is_sensitive(A(a, "create_button")));
    g_assert_nonnull(strstr(gtk_label_get_text(GTK_LABEL(why)), "already a machine"));
    gtk_editable_set_text(name, ".hidden");
    g_assert_false(gtk_widget_is_sensitive(A(a, "create_button")));
    ui_screenshot(GTK_WIDGET(a), "assistant-name-refused");
    gtk_editable_set_text(name, "Bare Metal");
    g_assert_true(gtk_widget_is_sensitive(A(a, "create_button")));
    g_assert_false(gtk_widget_get_visible(why));
    g_assert_false(gtk_widget_has_css_class(A(a, "name_row"), "error"));

    /* The spin buttons offer what the board takes; a value past that (as a wider range would
     * give) is refused by the validator and marks its own row, not the name's. */
    const VrBoardInfo *board = vr_board_find("riscv64-virt");
    GtkAdjustment *cpus = gtk_spin_button_get_adjustment(GTK_SPIN_BUTTON(A(a, "cpus_spin")));
    g_assert_cmpfloat(gtk_adjustment_get_upper(cpus), ==, board->max_cpus);
    int proposed_cpus = spin(a, "cpus_spin");
    gtk_adjustment_set_upper(cpus, 64);
    gtk_spin_button_set_value(GTK_SPIN_BUTTON(A(a, "cpus_spin")), board->max_cpus + 1);
    g_assert_false(gtk_widget_is_sensitive(A(a, "create_button")));
    g_assert_cmpstr(gtk_label_get_text(GTK_LABEL(why)), ==, "A machine has 1 to 8 CPUs.");
    g_assert_true(gtk_widget_has_css_class(A(a, "cpus_row"), "error"));
    g_assert_false(gtk_widget_has_css_class(A(a, "memory_row"), "error"));
    g_assert_false(gtk_widget_has_css_class(A(a, "name_row"), "error"));
    ui_screenshot(GTK_WIDGET(a), "assistant-refused-cpus");
    gtk_spin_button_set_value(GTK_SPIN_BUTTON(A(a, "cpus_spin")), proposed_cpus);
    g_assert_false(gtk_widget_has_css_class(A(a, "cpus_row"), "error"));
    g_assert_true(gtk_widget_is_sensitive(A(a, "create_button")));

    gtk_editable_set_text(GTK_EDITABLE(A(a, "memory_entry")), "8M");
    g_assert_false(gtk_widget_is_sensitive(A(a, "create_button")));
    g_assert_cmpstr(gtk_label_get_text(GTK_LABEL(why)), ==,
                    "A machine needs at least 16 MiB of memory.");
    g_assert_true(gtk_widget_has_css_class(A(a, "memory_row"), "error"));
    g_assert_false(gtk_widget_has_css_class(A(a, "cpus_row"), "error"));
    gtk_editable_set_text(GTK_EDITABLE(A(a, "memory_entry")), "lots");
    g_assert_false(gtk_widget_is_sensitive(A(a, "create_button")));
    g_assert_nonnull(strstr(gtk_label_get_text(GTK_LABEL(why)), "is not an amount of memory"));
    g_assert_true(gtk_widget_has_css_class(A(a, "memory_row"), "error"));
    /* A number alone is MiB; written the one way once the user is done with the entry. */
    gtk_editable_set_text(GTK_EDITABLE(A(a, "memory_entry")), "64");
    g_assert_true(gtk_widget_is_sensitive(A(a, "create_button")));
    g_signal_emit_by_name(A(a, "memory_entry"), "activate");
    g_assert_cmpstr(memory_text(a), ==, "64 MiB");

    g_autoptr(GKeyFile) kf = create(a, "Bare Metal");
    g_autofree char *fw = g_key_file_get_string(kf, "boot", "firmware", NULL);
    g_assert_cmpstr(fw, ==, "none");
    g_autofree char *kernel = g_key_file_get_string(kf, "boot", "kernel", NULL);
    g_assert_cmpstr(kernel, ==, elf);
    g_autofree char *memory = g_key_file_get_string(kf, "machine", "memory", NULL);
    g_assert_cmpstr(memory, ==, "64M");
    g_assert_false(g_key_file_has_group(kf, "disk 0"));
    vireo_window_show_library(ui_window());
}

/* The kernel page takes what Vireo boots: U-Boot and a gzip-compressed Image; a machine made
 * from U-Boot keeps it as its kernel. */
static void test_boot_files(void)
{
    VireoAssistant *a = vireo_window_new_machine(ui_window());
    wait_for_assistant();
    g_signal_emit_by_name(A(a, "kernel_row"), "activated");
    g_autofree char *image_gz = ui_make_image_gz("Image.gz");
    vireo_assistant_set_kernel(a, image_gz, NULL);
    g_assert_false(gtk_widget_get_visible(A(a, "kernel_error")));
    g_assert_true(gtk_widget_is_sensitive(A(a, "next_button")));

    g_autofree char *flat = ui_make_flat_binary("u-boot.bin");
    const char *uboot =
        g_file_test(UI_DEBIAN_UBOOT, G_FILE_TEST_IS_REGULAR) ? UI_DEBIAN_UBOOT : flat;
    vireo_assistant_set_kernel(a, uboot, NULL);
    g_assert_false(gtk_widget_get_visible(A(a, "kernel_error")));
    g_assert_true(gtk_widget_is_sensitive(A(a, "next_button")));
    /* The firmware choice is shown whole beside what it means. */
    ui_iterate(50);
    GtkWidget *firmware = A(a, "firmware_row");
    g_assert_nonnull(strstr(adw_action_row_get_subtitle(ADW_ACTION_ROW(firmware)), "OpenSBI"));
    GtkWidget *label = exact_label(firmware, "OpenSBI");
    g_assert_nonnull(label);
    PangoLayout *choice = gtk_label_get_layout(GTK_LABEL(label));
    g_assert_false(pango_layout_is_ellipsized(choice));
    ui_screenshot(GTK_WIDGET(a), "assistant-kernel-u-boot");
    ui_click(A(a, "next_button"));
    g_assert_cmpstr(page_of(a), ==, "details");
    gtk_editable_set_text(GTK_EDITABLE(A(a, "name_row")), "U-Boot");
    g_autoptr(GKeyFile) kf = create(a, "U-Boot");
    g_autofree char *kernel = g_key_file_get_string(kf, "boot", "kernel", NULL);
    g_assert_cmpstr(kernel, ==, uboot);
    vireo_window_show_library(ui_window());
}

/* Memory as people write it, and written back the one way. */
static void test_memory_parse(void)
{
    static const struct {
        const char *text;
        guint64 bytes;
        const char *shown;
    } good[] = {
        {"2048", 2ull << 30, "2 GiB"},      {"2048M", 2ull << 30, "2 GiB"},
        {"2 GiB", 2ull << 30, "2 GiB"},     {"2GB", 2ull << 30, "2 GiB"},
        {" 2g ", 2ull << 30, "2 GiB"},      {"1.5G", 3ull << 29, "1.5 GiB"},
        {"1,5 GiB", 3ull << 29, "1.5 GiB"}, {"1.25 GiB", 5ull << 28, "1.25 GiB"},
        {"512", 512ull << 20, "512 MiB"},   {"512 MB", 512ull << 20, "512 MiB"},
        {"0.5G", 512ull << 20, "512 MiB"},  {"65540K", 65540ull << 10, "65540 KiB"},
        {"1T", 1ull << 40, "1 TiB"},        {"3 mib", 3ull << 20, "3 MiB"},
    };
    for (unsigned i = 0; i < G_N_ELEMENTS(good); i++) {
        guint64 bytes = 0;
        g_autoptr(GError) error = NULL;
        if (!vireo_parse_memory(good[i].text, &bytes, &error))
            g_error("“%s” refused: %s", good[i].text, error->message);
        g_assert_cmpuint(bytes, ==, good[i].bytes);
        g_autofree char *shown = vireo_format_memory_exact(bytes);
        g_assert_cmpstr(shown, ==, good[i].shown);
        guint64 again = 0;
        g_assert_true(vireo_parse_memory(shown, &again, NULL));
        g_assert_cmpuint(again, ==, bytes);
    }
    static const char *const bad[] = {
        "", "lots", "G", "2X", "2 GiBs", "0", "-1G", "1.5.5G", "99999999999999999999", "20000000T"};
    for (unsigned i = 0; i < G_N_ELEMENTS(bad); i++) {
        guint64 bytes = 0;
        g_autoptr(GError) error = NULL;
        if (vireo_parse_memory(bad[i], &bytes, &error))
            g_error("“%s” taken as %" G_GUINT64_FORMAT " bytes", bad[i], bytes);
        g_assert_nonnull(strstr(error->message, "is not an amount of memory"));
    }
}

/* The memory entry takes "1.5G"; Back and Next again keep the CPUs and memory the user chose
 * rather than proposing them again. */
static void test_memory_and_back(void)
{
    VireoAssistant *a = vireo_window_new_machine(ui_window());
    wait_for_assistant();
    g_signal_emit_by_name(A(a, "kernel_row"), "activated");
    g_autofree char *kernel = ui_make_image_gz("Image.gz");
    vireo_assistant_set_kernel(a, kernel, NULL);
    ui_click(A(a, "next_button"));
    g_assert_cmpstr(page_of(a), ==, "details");
    g_assert_cmpstr(memory_text(a), ==, "512 MiB");
    gtk_spin_button_set_value(GTK_SPIN_BUTTON(A(a, "cpus_spin")), 3);
    GtkWidget *memory = A(a, "memory_entry");
    gtk_editable_set_text(GTK_EDITABLE(memory), "1.5G");
    g_assert_true(gtk_widget_is_sensitive(A(a, "create_button")));
    gtk_widget_grab_focus(memory);
    gtk_widget_grab_focus(A(a, "name_row"));
    ui_iterate(50);
    g_assert_cmpstr(memory_text(a), ==, "1.5 GiB");
    ui_screenshot(GTK_WIDGET(a), "assistant-memory");

    ui_click(A(a, "back_button"));
    g_assert_cmpstr(page_of(a), ==, "kernel");
    ui_click(A(a, "next_button"));
    g_assert_cmpstr(page_of(a), ==, "details");
    g_assert_cmpint(spin(a, "cpus_spin"), ==, 3);
    g_assert_cmpstr(memory_text(a), ==, "1.5 GiB");
    gtk_editable_set_text(GTK_EDITABLE(A(a, "name_row")), "Roomy");
    /* The window closes with the keyboard in the memory entry. */
    gtk_widget_grab_focus(A(a, "memory_entry"));
    ui_iterate(20);
    g_autoptr(GKeyFile) kf = create(a, "Roomy");
    g_autofree char *saved = g_key_file_get_string(kf, "machine", "memory", NULL);
    g_assert_cmpstr(saved, ==, "1536M");
    g_assert_cmpint(g_key_file_get_integer(kf, "machine", "cpus", NULL), ==, 3);
    vireo_window_show_library(ui_window());
}

int main(int argc, char **argv)
{
    ui_test_init(&argc, &argv);
    g_test_add_func("/ui/assistant/known-iso", test_known_iso);
    g_test_add_func("/ui/assistant/unknown-iso", test_unknown_iso);
    g_test_add_func("/ui/assistant/drop-iso", test_drop_iso);
    g_test_add_func("/ui/assistant/drop-disk", test_drop_disk);
    g_test_add_func("/ui/assistant/drop-not-an-image", test_drop_not_an_image);
    g_test_add_func("/ui/assistant/kernel", test_kernel);
    g_test_add_func("/ui/assistant/boot-files", test_boot_files);
    g_test_add_func("/ui/assistant/memory-parse", test_memory_parse);
    g_test_add_func("/ui/assistant/memory-and-back", test_memory_and_back);
    int status = g_test_run();
    ui_test_finish();
    return status;
}
