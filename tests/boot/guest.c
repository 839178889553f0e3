/* Driving a guest through its serial console (see guest.h). */
#include <glib/gstdio.h>
#include <stdio.h>
#include <string.h>

#include "guest.h"

char *guest_artifact(const char *script, const char *file)
{
    const char *dir = g_getenv("VIREO_GUESTS_SCRIPTS");
    if (!dir)
        return NULL;
    g_autofree char *path = g_build_filename(dir, script, NULL);
    const char *argv[] = {path, "--no-build", NULL};
    g_autofree char *out = NULL;
    int status = 0;
    if (!g_spawn_sync(NULL, (char **) argv, NULL, G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL, &out,
                      NULL, &status, NULL) ||
        !g_spawn_check_wait_status(status, NULL))
        return NULL;
    g_strstrip(out);
    if (file) {
        g_autofree char *folder = g_path_get_dirname(out);
        char *p = g_build_filename(folder, file, NULL);
        if (!g_file_test(p, G_FILE_TEST_EXISTS)) {
            g_free(p);
            return NULL;
        }
        return p;
    }
    return g_file_test(out, G_FILE_TEST_EXISTS) ? g_steal_pointer(&out) : NULL;
}

static void on_event(VrMachine *m, const VrMachineEvent *ev, void *data)
{
    Guest *g = data;
    if (ev->kind == VR_EVENT_CONSOLE_OUTPUT) {
        char buf[4096];
        size_t n;
        while ((n = vr_machine_console_read(m, (uint8_t *) buf, sizeof(buf))) > 0) {
            g_string_append_len(g->console, buf, (gssize) n);
            /* Written as it comes, so a failed assertion still leaves the whole log. */
            if (g->log) {
                fwrite(buf, 1, n, g->log);
                fflush(g->log);
            }
        }
    } else if (ev->kind == VR_EVENT_NET_CHANGED) {
        g->net_changes++;
    } else if (ev->kind == VR_EVENT_STATE_CHANGED && ev->state == VR_MACHINE_STOPPED) {
        g->stopped = true;
        g->result = ev->result;
    }
}

Guest *guest_start(const char *name, const VrMachineConfig *cfg)
{
    Guest *g = g_new0(Guest, 1);
    g->name = g_strdup(name);
    g->ctx = g_main_context_new();
    g->console = g_string_new(NULL);
    g_autoptr(GError) error = NULL;
    const char *dir = g_getenv("VIREO_TEST_OUTPUT");
    if (dir) {
        g_mkdir_with_parents(dir, 0755);
        g_autofree char *file = g_strdup_printf("%s.console.log", name);
        g_autofree char *path = g_build_filename(dir, file, NULL);
        g->log = fopen(path, "w");
    }
    g->m = vr_machine_new(cfg, &error);
    g_assert_no_error(error);
    /* Which execution tier ran (VIREO_ACCEL chooses it for a whole run of the suite). */
    g_test_message("%s: accel: %s", name, vr_machine_accel_name(vr_machine_get_accel(g->m)));
    vr_machine_set_event_handler(g->m, g->ctx, on_event, g);
    g_assert_true(vr_machine_start(g->m, &error));
    g_assert_no_error(error);
    return g;
}

/* Runs the context until cond(g, arg) holds or the deadline passes. */
static bool run_until(Guest *g, bool (*cond)(Guest *, const void *), const void *arg,
                      double timeout_s)
{
    gint64 deadline = g_get_monotonic_time() + (gint64) (timeout_s * G_USEC_PER_SEC);
    while (!cond(g, arg)) {
        if (g_get_monotonic_time() >= deadline)
            return false;
        /* A short sleep-wait keeps the loop responsive without spinning. */
        if (!g_main_context_iteration(g->ctx, FALSE))
            g_usleep(2000);
    }
    return true;
}

static bool found(Guest *g, const void *needle)
{
    return strstr(g->console->str + g->scan_from, needle) != NULL || g->stopped;
}

bool guest_expect(Guest *g, const char *needle, double timeout_s)
{
    run_until(g, found, needle, timeout_s);
    /* Output that arrived together with the power-off is still in the buffer. */
    g_main_context_iteration(g->ctx, FALSE);
    const char *hit = strstr(g->console->str + g->scan_from, needle);
    if (!hit) {
        g_test_message("%s: no '%s' within %.0f s; the console ends with: %s", g->name, needle,
                       timeout_s,
                       g->console->str + (g->console->len > 600 ? g->console->len - 600 : 0));
        return false;
    }
    g->scan_from = (gsize) (hit - g->console->str) + strlen(needle);
    return true;
}

static bool input_done(Guest *g, const void *arg)
{
    const GByteArray *pending = arg;
    return pending->len == 0 || g->stopped;
}

void guest_type(Guest *g, const char *text)
{
    g_autoptr(GByteArray) pending = g_byte_array_new();
    g_byte_array_append(pending, (const guint8 *) text, (guint) strlen(text));
    gint64 deadline = g_get_monotonic_time() + 30 * G_USEC_PER_SEC;
    while (!input_done(g, pending) && g_get_monotonic_time() < deadline) {
        size_t n = vr_machine_console_input(g->m, pending->data, pending->len);
        g_byte_array_remove_range(pending, 0, (guint) n);
        if (pending->len) {
            g_main_context_iteration(g->ctx, FALSE);
            g_usleep(1000);
        }
    }
    g_assert_cmpuint(pending->len, ==, 0);
}

void guest_command_init(GuestCommand *c, const char *command)
{
    static unsigned serial;
    unsigned n = ++serial;
    c->line = g_strdup_printf("echo '<<S''%u>>'; %s; echo '<<E''%u>>'\n", n, command, n);
    c->start = g_strdup_printf("<<S%u>>", n);
    c->end = g_strdup_printf("<<E%u>>", n);
}

void guest_command_clear(GuestCommand *c)
{
    g_free(c->line);
    g_free(c->start);
    g_free(c->end);
}

char *guest_command_output(const char *text, gsize len)
{
    /* The serial line ends lines with \r\n. */
    g_autoptr(GString) out = g_string_new(NULL);
    for (gsize i = 0; i < len; i++)
        if (text[i] != '\r')
            g_string_append_c(out, text[i]);
    return g_strdup(g_strstrip(out->str));
}

char *guest_run(Guest *g, const char *command, double timeout_s)
{
    GuestCommand c;
    guest_command_init(&c, command);
    char *result = NULL;
    guest_type(g, c.line);
    if (guest_expect(g, c.start, timeout_s)) {
        gsize from = g->scan_from;
        if (guest_expect(g, c.end, timeout_s))
            result =
                guest_command_output(g->console->str + from, g->scan_from - strlen(c.end) - from);
    }
    guest_command_clear(&c);
    return result;
}

static bool is_stopped(Guest *g, const void *arg)
{
    return g->stopped;
}

bool guest_wait_stopped(Guest *g, double timeout_s)
{
    return run_until(g, is_stopped, NULL, timeout_s);
}

void guest_free(Guest *g)
{
    if (!g)
        return;
    if (!g->stopped)
        vr_machine_power_off(g->m);
    vr_machine_set_event_handler(g->m, NULL, NULL, NULL);
    if (g->log)
        fclose(g->log);
    vr_machine_free(g->m);
    g_main_context_unref(g->ctx);
    g_string_free(g->console, TRUE);
    g_free(g->name);
    g_free(g);
}
