/* The console's colours: each of the 16 palette colours is readable on the console's
 * background (WCAG contrast at least 4.5:1, black excepted: it is checked on white; the rule
 * is in ui/vireo-console-palette.h), and the terminal of a running machine paints exactly
 * those colours (each shown as a cell background, found in the rendered pixels). Runs in
 * English and in German (LANGUAGE=de) for the screenshots. */
#include <glib/gstdio.h>

#include "ui-test.h"
#include "vireo-console-palette.h"

static gboolean german(void)
{
    return g_strcmp0(g_getenv("LANGUAGE"), "de") == 0;
}

static GdkRGBA parse(const char *text)
{
    GdkRGBA c;
    g_assert_true(gdk_rgba_parse(&c, text));
    return c;
}

/* The formula against known values: black on white is 21:1, a colour on itself 1:1. */
static void test_contrast_formula(void)
{
    GdkRGBA black = parse("#000000"), white = parse("#ffffff"), grey = parse("#777777");
    g_assert_cmpfloat_with_epsilon(vireo_contrast_ratio(&black, &white), 21.0, 1e-9);
    g_assert_cmpfloat_with_epsilon(vireo_contrast_ratio(&grey, &grey), 1.0, 1e-9);
    /* #777777 on white is the well-known 4.48:1, just under the 4.5 needed. */
    g_assert_cmpfloat(vireo_contrast_ratio(&grey, &white), <, 4.5);
    g_assert_cmpfloat(vireo_contrast_ratio(&grey, &white), >, 4.47);
}

static void test_palette_contrast(void)
{
    GdkRGBA bg = parse(vireo_console_background);
    GdkRGBA fg = parse(vireo_console_foreground);
    g_assert_cmpfloat(vireo_contrast_ratio(&fg, &bg), >=, VIREO_CONSOLE_MIN_CONTRAST);
    for (unsigned i = 1; i < VIREO_CONSOLE_PALETTE_SIZE; i++) {
        GdkRGBA c = parse(vireo_console_palette[i]);
        double ratio = vireo_contrast_ratio(&c, &bg);
        g_test_message("colour %u %s: %.2f:1", i, vireo_console_palette[i], ratio);
        if (ratio < VIREO_CONSOLE_MIN_CONTRAST)
            g_error("palette colour %u (%s) has a contrast of %.2f:1 on the background %s; "
                    "at least %.1f:1 is needed",
                    i, vireo_console_palette[i], ratio, vireo_console_background,
                    VIREO_CONSOLE_MIN_CONTRAST);
    }
    /* Black is for text on white. */
    GdkRGBA black = parse(vireo_console_palette[0]);
    GdkRGBA white = parse(vireo_console_palette[7]),
            bright_white = parse(vireo_console_palette[15]);
    g_assert_cmpfloat(vireo_contrast_ratio(&black, &white), >=, VIREO_CONSOLE_MIN_CONTRAST);
    g_assert_cmpfloat(vireo_contrast_ratio(&black, &bright_white), >=, VIREO_CONSOLE_MIN_CONTRAST);
}

static VireoMachinePage *page(void)
{
    return vireo_window_get_machine_page(ui_window());
}

static gboolean console_shows(const char *text)
{
    GtkWidget *t = vireo_machine_page_get_terminal(page());
    if (!t)
        return FALSE;
    g_autofree char *all = ui_terminal_text(VTE_TERMINAL(t));
    return strstr(all, text) != NULL;
}

/* The colours (0xrrggbb) of the widget's pixels as it is drawn now. */
static GHashTable *rendered_colours(GtkWidget *widget)
{
    ui_iterate(300);
    int width = gtk_widget_get_width(widget), height = gtk_widget_get_height(widget);
    g_autoptr(GdkPaintable) paintable = gtk_widget_paintable_new(widget);
    GtkSnapshot *snapshot = gtk_snapshot_new();
    gdk_paintable_snapshot(paintable, snapshot, width, height);
    g_autoptr(GskRenderNode) node = gtk_snapshot_free_to_node(snapshot);
    g_assert_nonnull(node);
    GskRenderer *renderer = gtk_native_get_renderer(gtk_widget_get_native(widget));
    graphene_rect_t bounds = GRAPHENE_RECT_INIT(0, 0, (float) width, (float) height);
    g_autoptr(GdkTexture) texture = gsk_renderer_render_texture(renderer, node, &bounds);
    int tw = gdk_texture_get_width(texture), th = gdk_texture_get_height(texture);
    gsize stride = (gsize) tw * 4;
    g_autofree guint8 *pixels = g_malloc(stride * (gsize) th);
    gdk_texture_download(texture, pixels, stride);
    GHashTable *colours = g_hash_table_new(NULL, NULL);
    for (int y = 0; y < th; y++)
        for (int x = 0; x < tw; x++) {
            guint32 argb = *(guint32 *) (pixels + (gsize) y * stride + (gsize) x * 4);
            g_hash_table_add(colours, GUINT_TO_POINTER(argb & 0xffffff));
        }
    return colours;
}

static guint rgb_of(const char *text)
{
    GdkRGBA c = parse(text);
    return ((guint) lround(c.red * 255) << 16) | ((guint) lround(c.green * 255) << 8) |
           (guint) lround(c.blue * 255);
}

static void test_terminal_colours(void)
{
    const char *elf = ui_guest("echo.elf");
    if (!elf) {
        g_test_skip("echo.elf was not built (no riscv64-unknown-elf-gcc)");
        return;
    }
    g_autofree char *folder = ui_make_machine("Colours", elf, "none", 64ull << 20);
    vireo_library_reload(ui_library());
    VireoMachine *m = vireo_machine_row_get_machine(ui_row_for("Colours"));
    vireo_window_open_machine(ui_window(), m);
    g_autoptr(GError) error = NULL;
    g_assert_true(vireo_machine_start(m, &error));
    g_assert_no_error(error);
    UI_WAIT_FOR(console_shows("echo> "), 20000, "the prompt");
    VteTerminal *term = VTE_TERMINAL(vireo_machine_page_get_terminal(page()));

    /* What `ls --color` prints for a directory, a program, a link, an archive and a file;
     * then every palette colour as text and as a cell background. */
    vte_terminal_feed(term,
                      "\r\n$ ls --color\r\n"
                      "\033[01;34mDocuments\033[0m  \033[01;32mbuild.sh\033[0m  "
                      "\033[01;36mlatest\033[0m  \033[01;31mbackup.tar.gz\033[0m  "
                      "\033[01;35mphoto.png\033[0m  notes.txt  \033[34mplain-blue\033[0m\r\n",
                      -1);
    g_autoptr(GString) text = g_string_new(NULL), blocks = g_string_new(NULL);
    for (unsigned i = 0; i < VIREO_CONSOLE_PALETTE_SIZE; i++) {
        g_string_append_printf(text, "\033[%um %2u \033[0m", i < 8 ? 30 + i : 90 + i - 8, i);
        g_string_append_printf(blocks, "\033[%um    \033[0m", i < 8 ? 40 + i : 100 + i - 8);
    }
    g_string_append(text, "\r\n");
    g_string_append(blocks, "\r\n");
    vte_terminal_feed(term, text->str, (gssize) text->len);
    vte_terminal_feed(term, blocks->str, (gssize) blocks->len);

    g_autoptr(GHashTable) colours = rendered_colours(GTK_WIDGET(term));
    g_assert_true(
        g_hash_table_contains(colours, GUINT_TO_POINTER(rgb_of(vireo_console_background))));
    for (unsigned i = 0; i < VIREO_CONSOLE_PALETTE_SIZE; i++)
        if (!g_hash_table_contains(colours, GUINT_TO_POINTER(rgb_of(vireo_console_palette[i]))))
            g_error("the terminal does not paint palette colour %u (%s)", i,
                    vireo_console_palette[i]);
    ui_screenshot(GTK_WIDGET(ui_window()), german() ? "console-colours-german" : "console-colours");
    vireo_machine_force_off(m);
}

int main(int argc, char **argv)
{
    ui_test_init(&argc, &argv);
    g_test_add_func("/ui/console/contrast-formula", test_contrast_formula);
    g_test_add_func("/ui/console/palette-contrast", test_palette_contrast);
    g_test_add_func("/ui/console/terminal-colours", test_terminal_colours);
    int status = g_test_run();
    ui_test_finish();
    return status;
}
