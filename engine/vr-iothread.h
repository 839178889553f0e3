/* A machine's I/O thread: a GMainContext on a thread of its own, where device backends
 * (disk files, the console, audio, USB) do their work without holding up a hart. */
#ifndef VR_IOTHREAD_H
#define VR_IOTHREAD_H

#include <glib.h>

typedef struct VrIoThread VrIoThread;

VrIoThread *vr_iothread_new(const char *name);
/* Stops the thread after the work already queued, but at most VR_IOTHREAD_STOP_GRACE_MS
 * later (between two callbacks), and frees it. */
#define VR_IOTHREAD_STOP_GRACE_MS 500
void vr_iothread_free(VrIoThread *t);
GMainContext *vr_iothread_context(VrIoThread *t);

/* A wake-up a device can raise from any thread, cheaply and as often as it likes: the
 * callback runs once on the I/O thread for any number of raises before it runs. */
typedef struct VrIoNotifier VrIoNotifier;
VrIoNotifier *vr_io_notifier_new(VrIoThread *t, void (*fn)(void *opaque), void *opaque);
void vr_io_notifier_raise(VrIoNotifier *n);
/* Detaches and frees; the callback does not run after this returns. Call it on the I/O
 * thread or after the thread has stopped. */
void vr_io_notifier_free(VrIoNotifier *n);

#endif
