#include "vproc.h"

#include "guest.h"

#include <string.h>

typedef struct {
    VProc *p;
    GString *into;
    GInputStream *stream;
    char buf[65536];
    bool done;
} Reader;

static void read_more(Reader *r);

static void on_read(GObject *source, GAsyncResult *res, gpointer data)
{
    Reader *r = data;
    gssize n = g_input_stream_read_finish(G_INPUT_STREAM(source), res, NULL);
    if (n <= 0) {
        r->done = true;
        return;
    }
    g_string_append_len(r->into, r->buf, n);
    read_more(r);
}

static void read_more(Reader *r)
{
    g_input_stream_read_async(r->stream, r->buf, sizeof(r->buf), G_PRIORITY_DEFAULT, NULL, on_read,
                              r);
}

typedef struct {
    VProc pub;
    Reader out, err;
    GMainContext *ctx;
} VProcImpl;

VProc *vproc_start(const char *const *argv)
{
    const char *vireo = g_getenv("VIREO");
    g_assert_nonnull(vireo);
    g_autoptr(GPtrArray) args = g_ptr_array_new();
    g_ptr_array_add(args, (gpointer) vireo);
    for (unsigned i = 0; argv[i]; i++)
        g_ptr_array_add(args, (gpointer) argv[i]);
    g_ptr_array_add(args, NULL);
    g_autoptr(GError) error = NULL;
    VProcImpl *impl = g_new0(VProcImpl, 1);
    impl->ctx = g_main_context_ref_thread_default();
    VProc *p = &impl->pub;
    p->status = -1;
    p->out = g_string_new(NULL);
    p->err = g_string_new(NULL);
    p->proc = g_subprocess_newv((const char *const *) args->pdata,
                                G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                                    G_SUBPROCESS_FLAGS_STDERR_PIPE,
                                &error);
    g_assert_no_error(error);
    p->in = g_subprocess_get_stdin_pipe(p->proc);
    impl->out = (Reader){.p = p, .into = p->out, .stream = g_subprocess_get_stdout_pipe(p->proc)};
    impl->err = (Reader){.p = p, .into = p->err, .stream = g_subprocess_get_stderr_pipe(p->proc)};
    read_more(&impl->out);
    read_more(&impl->err);
    return p;
}

static void iterate_until(VProc *p, gint64 deadline)
{
    VProcImpl *impl = (VProcImpl *) p;
    (void) g_main_context_iteration(impl->ctx, FALSE);
    if (g_get_monotonic_time() < deadline)
        g_usleep(2000);
}

bool vproc_expect(VProc *p, const char *needle, double timeout_s)
{
    VProcImpl *impl = (VProcImpl *) p;
    gint64 deadline = g_get_monotonic_time() + (gint64) (timeout_s * G_USEC_PER_SEC);
    for (;;) {
        const char *hit =
            p->out->len > p->scan_from ? strstr(p->out->str + p->scan_from, needle) : NULL;
        if (hit) {
            p->scan_from = (gsize) (hit - p->out->str) + strlen(needle);
            return true;
        }
        if (g_get_monotonic_time() >= deadline || (impl->out.done && impl->err.done))
            return false;
        iterate_until(p, deadline);
    }
}

void vproc_type(VProc *p, const char *text)
{
    g_autoptr(GError) error = NULL;
    g_output_stream_write_all(p->in, text, strlen(text), NULL, NULL, &error);
    g_assert_no_error(error);
    g_output_stream_flush(p->in, NULL, NULL);
}

void vproc_run_for(VProc *p, unsigned ms)
{
    gint64 deadline = g_get_monotonic_time() + (gint64) ms * 1000;
    while (g_get_monotonic_time() < deadline)
        iterate_until(p, deadline);
}

int vproc_wait(VProc *p, double timeout_s)
{
    VProcImpl *impl = (VProcImpl *) p;
    gint64 deadline = g_get_monotonic_time() + (gint64) (timeout_s * G_USEC_PER_SEC);
    while (!(impl->out.done && impl->err.done)) {
        if (g_get_monotonic_time() >= deadline) {
            g_subprocess_force_exit(p->proc);
            g_subprocess_wait(p->proc, NULL, NULL);
            return -1;
        }
        iterate_until(p, deadline);
    }
    g_subprocess_wait(p->proc, NULL, NULL);
    p->status = g_subprocess_get_if_exited(p->proc) ? g_subprocess_get_exit_status(p->proc) : 128;
    return p->status;
}

bool vproc_save_and_quit(VProc *p, const char *path, double timeout_s)
{
    g_autofree char *keys = g_strdup_printf("\001cpause\nsavevm %s\nquit\n", path);
    vproc_type(p, keys);
    if (vproc_wait(p, timeout_s) != 0 || !strstr(p->err->str, "state saved to")) {
        /* What vireo said, for the failure's log. */
        g_printerr("vireo (exit status %d) wrote to stderr:\n%s\n", p->status, p->err->str);
        return false;
    }
    return true;
}

void vproc_free(VProc *p)
{
    if (!p)
        return;
    VProcImpl *impl = (VProcImpl *) p;
    if (p->status < 0 && !(impl->out.done && impl->err.done)) {
        g_subprocess_force_exit(p->proc);
        while (!(impl->out.done && impl->err.done))
            g_main_context_iteration(impl->ctx, TRUE);
    }
    g_subprocess_wait(p->proc, NULL, NULL);
    g_object_unref(p->proc);
    g_string_free(p->out, TRUE);
    g_string_free(p->err, TRUE);
    g_main_context_unref(impl->ctx);
    g_free(impl);
}

char *vproc_run_cmd(VProc *p, const char *command, double timeout_s)
{
    GuestCommand c;
    guest_command_init(&c, command);
    char *result = NULL;
    vproc_type(p, c.line);
    if (vproc_expect(p, c.start, timeout_s)) {
        gsize from = p->scan_from;
        if (vproc_expect(p, c.end, timeout_s))
            result = guest_command_output(p->out->str + from, p->scan_from - strlen(c.end) - from);
    }
    guest_command_clear(&c);
    return result;
}
