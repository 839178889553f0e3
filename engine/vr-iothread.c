/* The I/O thread and its notifiers. */
#include "vr-iothread.h"

struct VrIoThread {
    GMainContext *context;
    GMainLoop *loop;
    GThread *thread;
};

static gpointer iothread_main(gpointer data)
{
    VrIoThread *t = data;
    g_main_context_push_thread_default(t->context);
    g_main_loop_run(t->loop);
    g_main_context_pop_thread_default(t->context);
    return NULL;
}

VrIoThread *vr_iothread_new(const char *name)
{
    VrIoThread *t = g_new0(VrIoThread, 1);
    t->context = g_main_context_new();
    t->loop = g_main_loop_new(t->context, FALSE);
    t->thread = g_thread_new(name, iothread_main, t);
    return t;
}

static gboolean quit_loop(gpointer data)
{
    g_main_loop_quit(data);
    return G_SOURCE_REMOVE;
}

void vr_iothread_free(VrIoThread *t)
{
    if (!t)
        return;
    GSource *s = g_idle_source_new();
    g_source_set_callback(s, quit_loop, t->loop, NULL);
    g_source_set_priority(s, G_PRIORITY_LOW);
    g_source_attach(s, t->context);
    g_source_unref(s);
    /* A device that always has more to do (a guest that keeps queueing work) would keep the
     * idle source from ever running: after a grace period the loop stops between two turns
     * of its devices' work, each of which is bounded. */
    s = g_timeout_source_new(VR_IOTHREAD_STOP_GRACE_MS);
    g_source_set_callback(s, quit_loop, t->loop, NULL);
    g_source_set_priority(s, G_PRIORITY_HIGH);
    g_source_attach(s, t->context);
    g_source_unref(s);
    g_thread_join(t->thread);
    g_main_loop_unref(t->loop);
    g_main_context_unref(t->context);
    g_free(t);
}

GMainContext *vr_iothread_context(VrIoThread *t)
{
    return t->context;
}

/* A GSource that is ready while its flag is set. */
typedef struct {
    GSource source;
    gint raised;
    void (*fn)(void *opaque);
    void *opaque;
} NotifierSource;

/* The notifier holds a reference to its context: a device's worker may still raise it after
 * the I/O thread stopped (teardown stops the thread before the devices), and the context must
 * then still be there to be woken, if in vain. */
struct VrIoNotifier {
    NotifierSource *src;
    GMainContext *context;
};

static gboolean notifier_prepare(GSource *s, gint *timeout)
{
    NotifierSource *n = (NotifierSource *) s;
    *timeout = -1;
    return g_atomic_int_get(&n->raised) != 0;
}

static gboolean notifier_check(GSource *s)
{
    NotifierSource *n = (NotifierSource *) s;
    return g_atomic_int_get(&n->raised) != 0;
}

static gboolean notifier_dispatch(GSource *s, GSourceFunc cb, gpointer data)
{
    NotifierSource *n = (NotifierSource *) s;
    g_atomic_int_set(&n->raised, 0);
    n->fn(n->opaque);
    return G_SOURCE_CONTINUE;
}

static GSourceFuncs notifier_funcs = {
    .prepare = notifier_prepare,
    .check = notifier_check,
    .dispatch = notifier_dispatch,
};

VrIoNotifier *vr_io_notifier_new(VrIoThread *t, void (*fn)(void *opaque), void *opaque)
{
    VrIoNotifier *n = g_new0(VrIoNotifier, 1);
    n->src = (NotifierSource *) g_source_new(&notifier_funcs, sizeof(NotifierSource));
    n->src->fn = fn;
    n->src->opaque = opaque;
    n->context = g_main_context_ref(t->context);
    g_source_attach(&n->src->source, t->context);
    return n;
}

void vr_io_notifier_raise(VrIoNotifier *n)
{
    if (g_atomic_int_compare_and_exchange(&n->src->raised, 0, 1))
        g_main_context_wakeup(n->context);
}

void vr_io_notifier_free(VrIoNotifier *n)
{
    if (!n)
        return;
    g_source_destroy(&n->src->source);
    g_source_unref(&n->src->source);
    g_main_context_unref(n->context);
    g_free(n);
}
