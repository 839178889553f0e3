/* The PulseAudio backend, on a pa_threaded_mainloop of its own.
 *
 * Everything here (the context, its streams, the status) is guarded by the mainloop's
 * lock: the callbacks run on the mainloop's thread with it held, and the interface's calls
 * take it for as long as one buffer takes to copy. Nothing waits for the server: a stream
 * that has no PulseAudio stream behind it (no server yet, the server gone, a stream that
 * failed) takes and gives frames on a clock of its own, so the guest sees time pass. */
#define G_LOG_DOMAIN "vireo-audio"

#include <pulse/pulseaudio.h>
#include <string.h>

#include "vr-audio.h"
#include "vr-i18n.h"

#define RETRY_USEC (1000 * 1000)

typedef struct PulseStream PulseStream;

typedef struct {
    VrAudioBackend be;
    pa_threaded_mainloop *ml;
    pa_context *ctx; /* NULL between a failure and the next try */
    bool ready;
    char *server, *sink, *source;
    char *why; /* the status line */
    GList *streams;
    pa_time_event *retry;
} PulseBackend;

struct PulseStream {
    VrAudioStream s;
    PulseBackend *pb;
    pa_stream *ps; /* NULL while there is no server */
    bool started;
    bool primed;        /* output: the stream on the server got its first latency of silence */
    VrAudioPacer pacer; /* the clock while ps is not there or not ready */
    GByteArray *carry;  /* input: arrived and not yet read */
};

static pa_sample_format_t pa_format(VrAudioFormat f)
{
    switch (f) {
    case VR_AUDIO_U8: return PA_SAMPLE_U8;
    case VR_AUDIO_S16: return PA_SAMPLE_S16LE;
    case VR_AUDIO_S32: return PA_SAMPLE_S32LE;
    case VR_AUDIO_F32: return PA_SAMPLE_FLOAT32LE;
    }
    return PA_SAMPLE_INVALID;
}

static pa_channel_position_t pa_position(VrAudioPosition p)
{
    switch (p) {
    case VR_AUDIO_POS_MONO: return PA_CHANNEL_POSITION_MONO;
    case VR_AUDIO_POS_FL: return PA_CHANNEL_POSITION_FRONT_LEFT;
    case VR_AUDIO_POS_FR: return PA_CHANNEL_POSITION_FRONT_RIGHT;
    case VR_AUDIO_POS_RL: return PA_CHANNEL_POSITION_REAR_LEFT;
    case VR_AUDIO_POS_RR: return PA_CHANNEL_POSITION_REAR_RIGHT;
    case VR_AUDIO_POS_FC: return PA_CHANNEL_POSITION_FRONT_CENTER;
    case VR_AUDIO_POS_LFE: return PA_CHANNEL_POSITION_LFE;
    case VR_AUDIO_POS_RC: return PA_CHANNEL_POSITION_REAR_CENTER;
    case VR_AUDIO_POS_SL: return PA_CHANNEL_POSITION_SIDE_LEFT;
    case VR_AUDIO_POS_SR: return PA_CHANNEL_POSITION_SIDE_RIGHT;
    }
    return PA_CHANNEL_POSITION_INVALID;
}

static void set_why(PulseBackend *pb, char *why)
{
    g_free(pb->why);
    pb->why = why;
}

static void underflow_cb(pa_stream *ps, void *userdata)
{
    PulseStream *st = userdata;
    if (st->started)
        g_atomic_int_inc(&st->pb->be.underruns);
}

/* Lock held. */
static void stream_drop(PulseStream *st)
{
    if (!st->ps)
        return;
    pa_stream_set_underflow_callback(st->ps, NULL, NULL);
    pa_stream_disconnect(st->ps);
    pa_stream_unref(st->ps);
    st->ps = NULL;
    st->primed = false;
    if (st->carry)
        g_byte_array_set_size(st->carry, 0);
    if (st->started)
        vr_audio_pacer_start(&st->pacer);
}

/* Lock held, context ready. */
static void stream_connect(PulseStream *st)
{
    PulseBackend *pb = st->pb;
    const VrAudioSpec *spec = &st->s.spec;
    pa_sample_spec ss = {pa_format(spec->format), spec->rate, (uint8_t) spec->channels};
    pa_channel_map map;
    pa_channel_map_init(&map);
    map.channels = (uint8_t) spec->channels;
    const VrAudioPosition *pos = vr_audio_channel_positions(spec->channels);
    for (unsigned c = 0; c < spec->channels; c++)
        map.map[c] = pa_position(pos[c]);
    bool out = st->s.dir == VR_AUDIO_OUTPUT;
    st->ps = pa_stream_new(pb->ctx, out ? "Vireo output" : "Vireo input", &ss, &map);
    if (!st->ps)
        return;
    uint32_t latency = (uint32_t) pa_usec_to_bytes((pa_usec_t) pb->be.latency_ms * 1000, &ss);
    /* The server asks for more in small steps, so that the guest's periods complete
     * steadily and not in bursts a quarter of the latency apart (Linux gives up on a period
     * that takes 100 ms). */
    uint32_t minreq = MIN(latency / 4, (uint32_t) pa_usec_to_bytes(10000, &ss));
    pa_buffer_attr attr = {
        .maxlength = (uint32_t) -1,
        .tlength = out ? latency : (uint32_t) -1,
        .prebuf = (uint32_t) -1,
        .minreq = out ? MAX(minreq, (uint32_t) pa_frame_size(&ss)) : (uint32_t) -1,
        .fragsize = out ? (uint32_t) -1 : latency,
    };
    pa_stream_flags_t flags =
        PA_STREAM_ADJUST_LATENCY | PA_STREAM_AUTO_TIMING_UPDATE | PA_STREAM_INTERPOLATE_TIMING;
    if (!st->started)
        flags |= PA_STREAM_START_CORKED;
    int r;
    if (out) {
        pa_stream_set_underflow_callback(st->ps, underflow_cb, st);
        r = pa_stream_connect_playback(st->ps, pb->sink, &attr, flags, NULL, NULL);
    } else {
        r = pa_stream_connect_record(st->ps, pb->source, &attr, flags);
    }
    if (r < 0) {
        g_message("PulseAudio stream: %s", pa_strerror(pa_context_errno(pb->ctx)));
        stream_drop(st);
    }
}

static void connect_context(PulseBackend *pb);

static void retry_cb(pa_mainloop_api *api, pa_time_event *e, const struct timeval *tv,
                     void *userdata)
{
    PulseBackend *pb = userdata;
    api->time_free(e);
    pb->retry = NULL;
    connect_context(pb);
}

/* Lock held: forgets the context and tries again in a second. */
static void context_lost(PulseBackend *pb)
{
    pb->ready = false;
    for (GList *l = pb->streams; l; l = l->next)
        stream_drop(l->data);
    if (pb->ctx) {
        pa_context_set_state_callback(pb->ctx, NULL, NULL);
        pa_context_disconnect(pb->ctx);
        pa_context_unref(pb->ctx);
        pb->ctx = NULL;
    }
    if (!pb->retry) {
        pa_mainloop_api *api = pa_threaded_mainloop_get_api(pb->ml);
        struct timeval tv;
        pa_timeval_add(pa_gettimeofday(&tv), RETRY_USEC);
        pb->retry = api->time_new(api, &tv, retry_cb, pb);
    }
}

static void context_state_cb(pa_context *ctx, void *userdata)
{
    PulseBackend *pb = userdata;
    switch (pa_context_get_state(ctx)) {
    case PA_CONTEXT_READY:
        pb->ready = true;
        set_why(pb, g_strdup("connected"));
        g_message("PulseAudio: connected to %s", pa_context_get_server(ctx));
        for (GList *l = pb->streams; l; l = l->next)
            stream_connect(l->data);
        break;
    case PA_CONTEXT_FAILED:
    case PA_CONTEXT_TERMINATED:
        set_why(pb, g_strdup_printf(_("no PulseAudio server (%s); the machine is silent and "
                                      "Vireo tries again every second"),
                                    pa_strerror(pa_context_errno(ctx))));
        if (pb->ready)
            g_message("PulseAudio: the server went away (%s)", pa_strerror(pa_context_errno(ctx)));
        context_lost(pb);
        break;
    default: break;
    }
}

/* Lock held. */
static void connect_context(PulseBackend *pb)
{
    pa_proplist *props = pa_proplist_new();
    pa_proplist_sets(props, PA_PROP_APPLICATION_NAME, "Vireo");
    pa_proplist_sets(props, PA_PROP_APPLICATION_ID, "org.vireo.Vireo");
    pa_proplist_sets(props, PA_PROP_MEDIA_ROLE, "game");
    pb->ctx = pa_context_new_with_proplist(pa_threaded_mainloop_get_api(pb->ml), "Vireo", props);
    pa_proplist_free(props);
    if (!pb->ctx) {
        context_lost(pb);
        return;
    }
    pa_context_set_state_callback(pb->ctx, context_state_cb, pb);
    if (pa_context_connect(pb->ctx, pb->server, PA_CONTEXT_NOAUTOSPAWN, NULL) < 0) {
        set_why(pb, g_strdup_printf(_("no PulseAudio server (%s); the machine is silent and "
                                      "Vireo tries again every second"),
                                    pa_strerror(pa_context_errno(pb->ctx))));
        context_lost(pb);
    }
}

/* ---- Streams ---- */

static VrAudioStream *pulse_open(VrAudioBackend *be, VrAudioDirection dir, const VrAudioSpec *spec,
                                 GError **error)
{
    PulseBackend *pb = (PulseBackend *) be;
    PulseStream *st = g_new0(PulseStream, 1);
    st->pb = pb;
    st->s.be = be;
    st->s.dir = dir;
    st->s.spec = *spec;
    vr_audio_pacer_init(&st->pacer, spec->rate, be->latency_ms);
    if (dir == VR_AUDIO_INPUT)
        st->carry = g_byte_array_new();
    pa_threaded_mainloop_lock(pb->ml);
    pb->streams = g_list_prepend(pb->streams, st);
    if (pb->ready)
        stream_connect(st);
    pa_threaded_mainloop_unlock(pb->ml);
    return &st->s;
}

static void cork(PulseStream *st, bool corked)
{
    if (st->ps && pa_stream_get_state(st->ps) == PA_STREAM_READY) {
        pa_operation *op = pa_stream_cork(st->ps, corked, NULL, NULL);
        if (op)
            pa_operation_unref(op);
    }
}

static void pulse_start(VrAudioStream *s)
{
    PulseStream *st = (PulseStream *) s;
    pa_threaded_mainloop_lock(st->pb->ml);
    st->started = true;
    vr_audio_pacer_start(&st->pacer);
    cork(st, false);
    pa_threaded_mainloop_unlock(st->pb->ml);
}

static void pulse_stop(VrAudioStream *s)
{
    PulseStream *st = (PulseStream *) s;
    pa_threaded_mainloop_lock(st->pb->ml);
    st->started = false;
    vr_audio_pacer_stop(&st->pacer);
    cork(st, true);
    pa_threaded_mainloop_unlock(st->pb->ml);
}

/* Lock held: whether the stream goes to the server now; *wait when it is on its way. */
static bool stream_live(PulseStream *st, bool *wait)
{
    *wait = false;
    if (!st->ps)
        return false;
    pa_stream_state_t state = pa_stream_get_state(st->ps);
    if (state == PA_STREAM_READY) {
        /* A stream that got ready while started was corked when it was made. */
        if (st->started && pa_stream_is_corked(st->ps) == 1)
            cork(st, false);
        return true;
    }
    *wait = state == PA_STREAM_CREATING;
    if (!*wait && st->started && !st->pacer.running)
        vr_audio_pacer_start(&st->pacer);
    return false;
}

static size_t pulse_write(VrAudioStream *s, const void *data, size_t frames)
{
    PulseStream *st = (PulseStream *) s;
    size_t frame = vr_audio_frame_bytes(&s->spec), took = 0;
    bool wait;
    pa_threaded_mainloop_lock(st->pb->ml);
    if (stream_live(st, &wait)) {
        size_t room = pa_stream_writable_size(st->ps);
        if (room != (size_t) -1 && !st->primed && st->started) {
            /* A new stream wants its whole latency at once. Silence fills it, so that the
             * caller's frames are taken as they play from the start: a guest whose buffer
             * the device emptied into the server's that fast would run dry. */
            room -= room % frame;
            if (room) {
                g_autofree void *quiet = g_malloc(room);
                vr_audio_silence(s->spec.format, quiet,
                                 room / vr_audio_format_bytes(s->spec.format));
                pa_stream_write(st->ps, quiet, room, NULL, 0, PA_SEEK_RELATIVE);
            }
            st->primed = true;
            room = pa_stream_writable_size(st->ps);
        }
        if (room != (size_t) -1) {
            took = MIN(frames, room / frame);
            if (took && pa_stream_write(st->ps, data, took * frame, NULL, 0, PA_SEEK_RELATIVE) < 0)
                took = 0;
        }
    } else if (!wait) {
        took = MIN(frames, vr_audio_pacer_room(&st->pacer, s->be, VR_AUDIO_OUTPUT));
        vr_audio_pacer_advance(&st->pacer, took);
    }
    pa_threaded_mainloop_unlock(st->pb->ml);
    return took;
}

static size_t pulse_read(VrAudioStream *s, void *data, size_t frames)
{
    PulseStream *st = (PulseStream *) s;
    size_t frame = vr_audio_frame_bytes(&s->spec), gave = 0;
    bool wait;
    pa_threaded_mainloop_lock(st->pb->ml);
    if (stream_live(st, &wait)) {
        while (st->carry->len < frames * frame) {
            const void *chunk;
            size_t len = 0;
            if (pa_stream_peek(st->ps, &chunk, &len) < 0 || len == 0)
                break;
            guint at = st->carry->len;
            g_byte_array_set_size(st->carry, at + (guint) len);
            if (chunk)
                memcpy(st->carry->data + at, chunk, len);
            else
                vr_audio_silence(s->spec.format, st->carry->data + at,
                                 len / vr_audio_format_bytes(s->spec.format));
            pa_stream_drop(st->ps);
        }
        gave = MIN(frames, st->carry->len / frame);
        if (gave) {
            memcpy(data, st->carry->data, gave * frame);
            g_byte_array_remove_range(st->carry, 0, (guint) (gave * frame));
        }
    } else if (!wait) {
        gave = MIN(frames, vr_audio_pacer_room(&st->pacer, s->be, VR_AUDIO_INPUT));
        vr_audio_silence(s->spec.format, data, gave * s->spec.channels);
        vr_audio_pacer_advance(&st->pacer, gave);
    }
    pa_threaded_mainloop_unlock(st->pb->ml);
    return gave;
}

static size_t pulse_queued(VrAudioStream *s)
{
    PulseStream *st = (PulseStream *) s;
    size_t queued = 0;
    bool wait;
    pa_threaded_mainloop_lock(st->pb->ml);
    if (stream_live(st, &wait)) {
        pa_usec_t usec = 0;
        int negative = 0;
        if (pa_stream_get_latency(st->ps, &usec, &negative) == 0 && !negative)
            queued = (size_t) (usec * s->spec.rate / PA_USEC_PER_SEC);
    } else if (s->dir == VR_AUDIO_OUTPUT) {
        queued = vr_audio_pacer_queued(&st->pacer);
    }
    pa_threaded_mainloop_unlock(st->pb->ml);
    return queued;
}

static void pulse_close(VrAudioStream *s)
{
    PulseStream *st = (PulseStream *) s;
    PulseBackend *pb = st->pb;
    pa_threaded_mainloop_lock(pb->ml);
    st->started = false;
    stream_drop(st);
    pb->streams = g_list_remove(pb->streams, st);
    pa_threaded_mainloop_unlock(pb->ml);
    if (st->carry)
        g_byte_array_unref(st->carry);
    g_free(st);
}

static char *pulse_status(VrAudioBackend *be)
{
    PulseBackend *pb = (PulseBackend *) be;
    pa_threaded_mainloop_lock(pb->ml);
    char *why = g_strdup(pb->why);
    pa_threaded_mainloop_unlock(pb->ml);
    return why;
}

static void pulse_free(VrAudioBackend *be)
{
    PulseBackend *pb = (PulseBackend *) be;
    pa_threaded_mainloop_lock(pb->ml);
    while (pb->streams) {
        PulseStream *st = pb->streams->data;
        g_critical("PulseAudio backend freed with a stream open");
        stream_drop(st);
        pb->streams = g_list_delete_link(pb->streams, pb->streams);
    }
    if (pb->retry) {
        pa_threaded_mainloop_get_api(pb->ml)->time_free(pb->retry);
        pb->retry = NULL;
    }
    if (pb->ctx) {
        pa_context_set_state_callback(pb->ctx, NULL, NULL);
        pa_context_disconnect(pb->ctx);
        pa_context_unref(pb->ctx);
        pb->ctx = NULL;
    }
    pa_threaded_mainloop_unlock(pb->ml);
    pa_threaded_mainloop_stop(pb->ml);
    pa_threaded_mainloop_free(pb->ml);
    g_free(pb->server);
    g_free(pb->sink);
    g_free(pb->source);
    g_free(pb->why);
    g_free(pb);
}

static const VrAudioBackendOps pulse_ops = {
    .name = "pulse",
    .open = pulse_open,
    .start = pulse_start,
    .stop = pulse_stop,
    .write = pulse_write,
    .read = pulse_read,
    .queued = pulse_queued,
    .close = pulse_close,
    .status = pulse_status,
    .free = pulse_free,
};

VrAudioBackend *vr_audio_pulse_new(const char *server, const char *sink, const char *source,
                                   unsigned latency_ms)
{
    PulseBackend *pb = g_new0(PulseBackend, 1);
    pb->be.ops = &pulse_ops;
    pb->be.latency_ms = CLAMP(latency_ms, VR_AUDIO_MIN_LATENCY_MS, VR_AUDIO_MAX_LATENCY_MS);
    pb->server = g_strdup(server);
    pb->sink = g_strdup(sink);
    pb->source = g_strdup(source);
    pb->why = g_strdup(_("connecting to PulseAudio"));
    pb->ml = pa_threaded_mainloop_new();
    pa_threaded_mainloop_set_name(pb->ml, "vireo-pulse");
    pa_threaded_mainloop_lock(pb->ml);
    connect_context(pb);
    pa_threaded_mainloop_unlock(pb->ml);
    if (pa_threaded_mainloop_start(pb->ml) < 0)
        g_warning("PulseAudio: the mainloop's thread did not start");
    return &pb->be;
}

/* ---- the server's devices ---- */

#define LIST_TIMEOUT_USEC (2 * G_USEC_PER_SEC)

typedef struct {
    GPtrArray *sinks, *sources;
    unsigned pending; /* the info lists not yet finished */
} DeviceQuery;

void vr_audio_device_free(VrAudioDevice *dev)
{
    if (!dev)
        return;
    g_free(dev->name);
    g_free(dev->description);
    g_free(dev);
}

static VrAudioDevice *device_new(const char *name, const char *description)
{
    VrAudioDevice *dev = g_new0(VrAudioDevice, 1);
    dev->name = g_strdup(name);
    dev->description = g_strdup(description && *description ? description : name);
    return dev;
}

static void sink_info_cb(pa_context *ctx, const pa_sink_info *info, int eol, void *userdata)
{
    (void) ctx;
    DeviceQuery *q = userdata;
    if (eol) {
        q->pending--;
        return;
    }
    g_ptr_array_add(q->sinks, device_new(info->name, info->description));
}

static void source_info_cb(pa_context *ctx, const pa_source_info *info, int eol, void *userdata)
{
    (void) ctx;
    DeviceQuery *q = userdata;
    if (eol) {
        q->pending--;
        return;
    }
    if (info->monitor_of_sink == PA_INVALID_INDEX)
        g_ptr_array_add(q->sources, device_new(info->name, info->description));
}

/* Runs ml until done() or the deadline; false at the deadline or when the loop fails. */
static bool iterate_until(pa_mainloop *ml, gint64 deadline, bool (*done)(void *), void *data)
{
    while (!done(data)) {
        gint64 left = deadline - g_get_monotonic_time();
        if (left <= 0)
            return false;
        if (pa_mainloop_prepare(ml, (int) left) < 0 || pa_mainloop_poll(ml) < 0 ||
            pa_mainloop_dispatch(ml) < 0)
            return false;
    }
    return true;
}

static bool context_settled(void *data)
{
    pa_context_state_t state = pa_context_get_state(data);
    return state == PA_CONTEXT_READY || !PA_CONTEXT_IS_GOOD(state);
}

static bool query_done(void *data)
{
    return ((DeviceQuery *) data)->pending == 0;
}

bool vr_audio_pulse_list_devices(const char *server, GPtrArray **sinks, GPtrArray **sources,
                                 GError **error)
{
    gint64 deadline = g_get_monotonic_time() + LIST_TIMEOUT_USEC;
    pa_mainloop *ml = pa_mainloop_new();
    pa_context *ctx = pa_context_new(pa_mainloop_get_api(ml), "Vireo");
    DeviceQuery q = {g_ptr_array_new_with_free_func((GDestroyNotify) vr_audio_device_free),
                     g_ptr_array_new_with_free_func((GDestroyNotify) vr_audio_device_free), 0};
    bool ok = false;
    if (pa_context_connect(ctx, server, PA_CONTEXT_NOAUTOSPAWN, NULL) >= 0 &&
        iterate_until(ml, deadline, context_settled, ctx) &&
        pa_context_get_state(ctx) == PA_CONTEXT_READY) {
        pa_operation *ops[2] = {pa_context_get_sink_info_list(ctx, sink_info_cb, &q),
                                pa_context_get_source_info_list(ctx, source_info_cb, &q)};
        q.pending = (ops[0] != NULL) + (ops[1] != NULL);
        ok = ops[0] && ops[1] && iterate_until(ml, deadline, query_done, &q);
        for (unsigned i = 0; i < 2; i++) {
            if (ops[i]) {
                if (!ok)
                    pa_operation_cancel(ops[i]);
                pa_operation_unref(ops[i]);
            }
        }
    }
    if (ok) {
        *sinks = g_steal_pointer(&q.sinks);
        *sources = g_steal_pointer(&q.sources);
    } else {
        int err = pa_context_errno(ctx);
        g_set_error(error, VR_AUDIO_ERROR, VR_AUDIO_ERROR_NO_SERVER,
                    /* Translators: the reason comes from PulseAudio. */
                    _("No PulseAudio server answered: %s"),
                    err ? pa_strerror(err) : _("it did not answer in time"));
        g_ptr_array_unref(q.sinks);
        g_ptr_array_unref(q.sources);
    }
    pa_context_disconnect(ctx);
    pa_context_unref(ctx);
    pa_mainloop_free(ml);
    return ok;
}
