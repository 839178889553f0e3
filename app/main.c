/* vireo: the desktop application, and the command line. With no command (or with an image
 * file or GUI options), the window opens; `vireo run`, `create` and `list` work without a
 * display. */
#include <glib/gi18n.h>
#include <stdio.h>
#include <string.h>

#include "vireo-cli.h"
#include "vireo-config.h"
#ifdef VIREO_HAVE_GUI
#include "vireo-gui-module.h"
#endif
#include "vireo-i18n.h"
#include "vr-machine.h"

static void usage(FILE *out)
{
    /* Translators: keep the options, commands and columns; CAPITALS may be translated. */
    fputs(_("Usage: vireo [--machine NAME [--start]] [IMAGE]   open the window\n"
            "       vireo COMMAND [OPTIONS]\n"
            "\n"
            "Commands:\n"
            "  run       run a virtual machine on this terminal\n"
            "  create    create a machine in the library\n"
            "  list      list the machines in the library\n"
            "  version   print Vireo's version\n"
            "\n"
            "'vireo COMMAND --help' describes a command's options.\n"),
          out);
}

char *vireo_cli_escape(const char *text)
{
    if (!text)
        return g_strdup("");
    GString *out = g_string_sized_new(strlen(text));
    for (const char *p = text; *p;) {
        gunichar c = g_utf8_get_char_validated(p, -1);
        if (c == (gunichar) -1 || c == (gunichar) -2) {
            g_string_append_printf(out, "\\x%02x", (guint8) *p++);
            continue;
        }
        const char *next = g_utf8_next_char(p);
        switch (c) {
        case '\n': g_string_append(out, "\\n"); break;
        case '\r': g_string_append(out, "\\r"); break;
        case '\t': g_string_append(out, "\\t"); break;
        case 0x1b: g_string_append(out, "\\e"); break;
        default:
            if (c < 0x20 || c == 0x7f)
                g_string_append_printf(out, "\\x%02x", (unsigned) c);
            else if (c >= 0x80 && !g_unichar_isprint(c))
                g_string_append_printf(out, "\\u{%04x}", (unsigned) c);
            else
                g_string_append_len(out, p, next - p);
        }
        p = next;
    }
    return g_string_free(out, FALSE);
}

void vireo_cli_error(const char *command, const char *format, ...)
{
    va_list ap;
    va_start(ap, format);
    g_autofree char *raw = g_strdup_vprintf(format, ap);
    va_end(ap);
    /* Messages quote names, paths and values from outside (machine.ini, folder names, the
     * guest): nothing in them reaches the terminal as a control sequence. */
    g_autofree char *message = vireo_cli_escape(raw);
    if (command)
        fprintf(stderr, "vireo %s: %s\n", command, message);
    else
        fprintf(stderr, "vireo: %s\n", message);
}

/* What goes to the desktop application rather than to a command. */
static gboolean is_gui_invocation(int argc, char **argv)
{
    if (argc < 2)
        return TRUE;
    const char *first = argv[1];
    static const char *const gui_options[] = {
        "--machine", "-m", "--start", "-s", "--gapplication-service", NULL};
    for (unsigned i = 0; gui_options[i]; i++)
        if (g_str_equal(first, gui_options[i]) ||
            (g_str_has_prefix(first, gui_options[i]) && first[strlen(gui_options[i])] == '='))
            return TRUE;
    /* An image file to make a machine from (as the desktop file passes it). */
    return strchr(first, '/') || strchr(first, '.') ? g_file_test(first, G_FILE_TEST_EXISTS)
                                                    : FALSE;
}

int main(int argc, char **argv)
{
    /* Before any thread: the desktop app's threads start before any machine does. */
    vr_glib_numbers_ready();
    vireo_i18n_init();
    if (is_gui_invocation(argc, argv)) {
#ifdef VIREO_HAVE_GUI
        g_autoptr(GError) error = NULL;
        const VireoGuiModule *gui = vireo_gui_load(&error);
        if (!gui) {
            vireo_cli_error(NULL, "%s", error->message);
            return VIREO_EXIT_FAILED;
        }
        return gui->gui_main(argc, argv);
#else
        vireo_cli_error(NULL, _("this build has no desktop application (GTK 4, libadwaita, VTE "
                                "or libosinfo were missing when it was built)"));
        usage(stderr);
        return VIREO_EXIT_USAGE;
#endif
    }
    const char *cmd = argv[1];
    if (strcmp(cmd, "run") == 0)
        return vireo_cmd_run(argc - 1, argv + 1);
    if (strcmp(cmd, "create") == 0)
        return vireo_cmd_create(argc - 1, argv + 1);
    if (strcmp(cmd, "list") == 0)
        return vireo_cmd_list(argc - 1, argv + 1);
    if (strcmp(cmd, "version") == 0 || strcmp(cmd, "--version") == 0) {
        printf("vireo %s\n", VIREO_VERSION);
        return VIREO_EXIT_OK;
    }
    if (strcmp(cmd, "help") == 0 || strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0) {
        usage(stdout);
        return VIREO_EXIT_OK;
    }
    vireo_cli_error(NULL, _("unknown command '%s'"), cmd);
    usage(stderr);
    return VIREO_EXIT_USAGE;
}
