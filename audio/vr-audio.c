/* What every audio backend shares: formats, channel maps, pacing, the calls through the
 * interface, and the null backend. */
#define G_LOG_DOMAIN "vireo-audio"

#include "vr-audio.h"

#include <string.h>

G_DEFINE_QUARK(vr - audio - error - quark, vr_audio_error)

static const VrAudioPosition positions[VR_AUDIO_MAX_CHANNELS + 1][VR_AUDIO_MAX_CHANNELS] = {
    [1] = {VR_AUDIO_POS_MONO},
    [2] = {VR_AUDIO_POS_FL, VR_AUDIO_POS_FR},
    [3] = {VR_AUDIO_POS_FL, VR_AUDIO_POS_FR, VR_AUDIO_POS_FC},
    [4] = {VR_AUDIO_POS_FL, VR_AUDIO_POS_FR, VR_AUDIO_POS_RL, VR_AUDIO_POS_RR},
    [5] = {VR_AUDIO_POS_FL, VR_AUDIO_POS_FR, VR_AUDIO_POS_RL, VR_AUDIO_POS_RR, VR_AUDIO_POS_FC},
    [6] = {VR_AUDIO_POS_FL, VR_AUDIO_POS_FR, VR_AUDIO_POS_RL, VR_AUDIO_POS_RR, VR_AUDIO_POS_FC,
           VR_AUDIO_POS_LFE},
    [7] = {VR_AUDIO_POS_FL, VR_AUDIO_POS_FR, VR_AUDIO_POS_RL, VR_AUDIO_POS_RR, VR_AUDIO_POS_FC,
           VR_AUDIO_POS_LFE, VR_AUDIO_POS_RC},
    [8] = {VR_AUDIO_POS_FL, VR_AUDIO_POS_FR, VR_AUDIO_POS_RL, VR_AUDIO_POS_RR, VR_AUDIO_POS_FC,
           VR_AUDIO_POS_LFE, VR_AUDIO_POS_SL, VR_AUDIO_POS_SR},
};

const VrAudioPosition *vr_audio_channel_positions(unsigned channels)
{
    g_return_val_if_fail(channels >= 1 && channels <= VR_AUDIO_MAX_CHANNELS, NULL);
    return positions[channels];
}

unsigned vr_audio_format_bytes(VrAudioFormat format)
{
    switch (format) {
    case VR_AUDIO_U8: return 1;
    case VR_AUDIO_S16: return 2;
    case VR_AUDIO_S32:
    case VR_AUDIO_F32: return 4;
    }
    return 0;
}

void vr_audio_silence(VrAudioFormat format, void *buf, size_t samples)
{
    memset(buf, format == VR_AUDIO_U8 ? 0x80 : 0, samples * vr_audio_format_bytes(format));
}

float vr_audio_sample_float(VrAudioFormat format, const void *buf, size_t index)
{
    const uint8_t *p = (const uint8_t *) buf + index * vr_audio_format_bytes(format);
    switch (format) {
    case VR_AUDIO_U8: return (float) (p[0] - 128) / 128.0f;
    case VR_AUDIO_S16: return (float) (int16_t) (p[0] | p[1] << 8) / 32768.0f;
    case VR_AUDIO_S32: {
        uint32_t v =
            (uint32_t) p[0] | (uint32_t) p[1] << 8 | (uint32_t) p[2] << 16 | (uint32_t) p[3] << 24;
        return (float) ((double) (int32_t) v / 2147483648.0);
    }
    case VR_AUDIO_F32: {
        float f;
        memcpy(&f, p, 4);
        return f;
    }
    }
    return 0;
}

bool vr_audio_spec_valid(const VrAudioSpec *spec)
{
    return vr_audio_format_bytes(spec->format) > 0 && spec->rate >= VR_AUDIO_MIN_RATE &&
           spec->rate <= VR_AUDIO_MAX_RATE && spec->channels >= 1 &&
           spec->channels <= VR_AUDIO_MAX_CHANNELS;
}

/* ---- The calls ---- */

VrAudioStream *vr_audio_stream_open(VrAudioBackend *be, VrAudioDirection dir,
                                    const VrAudioSpec *spec, GError **error)
{
    if (!vr_audio_spec_valid(spec)) {
        g_set_error(error, VR_AUDIO_ERROR, VR_AUDIO_ERROR_FORMAT,
                    "audio stream of format %d, %u Hz, %u channels is not supported",
                    (int) spec->format, spec->rate, spec->channels);
        return NULL;
    }
    VrAudioStream *s = be->ops->open(be, dir, spec, error);
    if (s) {
        s->be = be;
        s->dir = dir;
        s->spec = *spec;
    }
    return s;
}

void vr_audio_stream_start(VrAudioStream *s)
{
    s->be->ops->start(s);
}

void vr_audio_stream_stop(VrAudioStream *s)
{
    s->be->ops->stop(s);
}

size_t vr_audio_stream_write(VrAudioStream *s, const void *data, size_t frames)
{
    g_return_val_if_fail(s->dir == VR_AUDIO_OUTPUT, 0);
    return frames ? s->be->ops->write(s, data, frames) : 0;
}

size_t vr_audio_stream_read(VrAudioStream *s, void *data, size_t frames)
{
    g_return_val_if_fail(s->dir == VR_AUDIO_INPUT, 0);
    return frames ? s->be->ops->read(s, data, frames) : 0;
}

size_t vr_audio_stream_queued(VrAudioStream *s)
{
    return s->be->ops->queued(s);
}

void vr_audio_stream_close(VrAudioStream *s)
{
    if (s)
        s->be->ops->close(s);
}

char *vr_audio_backend_status(VrAudioBackend *be)
{
    return be->ops->status(be);
}

unsigned vr_audio_backend_underruns(VrAudioBackend *be)
{
    return (unsigned) g_atomic_int_get(&be->underruns);
}

void vr_audio_backend_free(VrAudioBackend *be)
{
    if (be)
        be->ops->free(be);
}

/* ---- Pacing ---- */

void vr_audio_pacer_init(VrAudioPacer *p, uint32_t rate, unsigned latency_ms)
{
    memset(p, 0, sizeof(*p));
    p->rate = rate;
    p->ahead = MAX((size_t) rate * latency_ms / 1000, 1);
}

void vr_audio_pacer_start(VrAudioPacer *p)
{
    p->running = true;
    p->base_us = g_get_monotonic_time();
    p->frames = 0;
}

void vr_audio_pacer_stop(VrAudioPacer *p)
{
    p->running = false;
}

static uint64_t pacer_played(const VrAudioPacer *p, gint64 now)
{
    return (uint64_t) (now - p->base_us) * p->rate / G_USEC_PER_SEC;
}

size_t vr_audio_pacer_room(VrAudioPacer *p, VrAudioBackend *be, VrAudioDirection dir)
{
    if (!p->running)
        return 0;
    gint64 now = g_get_monotonic_time();
    uint64_t played = pacer_played(p, now);
    if (dir == VR_AUDIO_INPUT) {
        if (played > p->frames + p->ahead)
            p->frames = played - p->ahead;
        return (size_t) (played - p->frames);
    }
    if (played > p->frames) {
        /* Everything written has been played: the stream ran dry. The clock starts again
         * from now, so the next frames are not owed to the past. */
        if (p->frames > 0 && be)
            g_atomic_int_inc(&be->underruns);
        p->base_us = now;
        p->frames = 0;
        played = 0;
    }
    return (size_t) (played + p->ahead - p->frames);
}

void vr_audio_pacer_advance(VrAudioPacer *p, size_t frames)
{
    p->frames += frames;
}

size_t vr_audio_pacer_queued(VrAudioPacer *p)
{
    if (!p->running)
        return 0;
    uint64_t played = pacer_played(p, g_get_monotonic_time());
    return played >= p->frames ? 0 : (size_t) (p->frames - played);
}

/* ---- The null backend ---- */

typedef struct {
    VrAudioStream s;
    VrAudioPacer pacer;
} NullStream;

static VrAudioStream *null_open(VrAudioBackend *be, VrAudioDirection dir, const VrAudioSpec *spec,
                                GError **error)
{
    NullStream *n = g_new0(NullStream, 1);
    vr_audio_pacer_init(&n->pacer, spec->rate, be->latency_ms);
    return &n->s;
}

static void null_start(VrAudioStream *s)
{
    vr_audio_pacer_start(&((NullStream *) s)->pacer);
}

static void null_stop(VrAudioStream *s)
{
    vr_audio_pacer_stop(&((NullStream *) s)->pacer);
}

static size_t null_write(VrAudioStream *s, const void *data, size_t frames)
{
    NullStream *n = (NullStream *) s;
    size_t take = MIN(frames, vr_audio_pacer_room(&n->pacer, s->be, VR_AUDIO_OUTPUT));
    vr_audio_pacer_advance(&n->pacer, take);
    return take;
}

static size_t null_read(VrAudioStream *s, void *data, size_t frames)
{
    NullStream *n = (NullStream *) s;
    size_t give = MIN(frames, vr_audio_pacer_room(&n->pacer, s->be, VR_AUDIO_INPUT));
    vr_audio_silence(s->spec.format, data, give * s->spec.channels);
    vr_audio_pacer_advance(&n->pacer, give);
    return give;
}

static size_t null_queued(VrAudioStream *s)
{
    NullStream *n = (NullStream *) s;
    return s->dir == VR_AUDIO_OUTPUT ? vr_audio_pacer_queued(&n->pacer) : 0;
}

static void null_close(VrAudioStream *s)
{
    g_free(s);
}

static char *null_status(VrAudioBackend *be)
{
    return g_strdup("connected");
}

static void null_free(VrAudioBackend *be)
{
    g_free(be);
}

static const VrAudioBackendOps null_ops = {
    .name = "null",
    .open = null_open,
    .start = null_start,
    .stop = null_stop,
    .write = null_write,
    .read = null_read,
    .queued = null_queued,
    .close = null_close,
    .status = null_status,
    .free = null_free,
};

VrAudioBackend *vr_audio_null_new(unsigned latency_ms)
{
    VrAudioBackend *be = g_new0(VrAudioBackend, 1);
    be->ops = &null_ops;
    be->latency_ms = CLAMP(latency_ms, VR_AUDIO_MIN_LATENCY_MS, VR_AUDIO_MAX_LATENCY_MS);
    return be;
}
