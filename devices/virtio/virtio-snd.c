/* virtio-snd: control requests, the PCM state machine, and a thread that moves sound
 * between the tx and rx buffers and the audio backend. */
#define G_LOG_DOMAIN "vireo-virtio"

#include "virtio-snd.h"

#include <math.h>
#include <string.h>

#include "virtqueue.h"

#define CTLQ 0
#define EVTQ 1
#define TXQ  2
#define RXQ  3

#define OUT_STREAM 0
#define IN_STREAM  1

#define BATCH 256
/* How often the thread moves sound while a stream runs. */
#define TICK_US 4000
/* Most frames converted at once. */
#define CHUNK_FRAMES 1024
/* The level meter's window: the peak of this one and the last. */
#define LEVEL_WINDOW_US 25000
/* A backend that moves no sound for this long while the guest has buffers waiting has
 * stalled (a sink starting up, a server busy): the device then keeps time itself, as a sound
 * card's DMA does, dropping output and filling input with silence at the stream's rate.
 * Linux gives up on a period (EIO) when none completes within 100 ms. */
#define STALL_US 60000

#define XFER_HDR   4 /* stream_id */
#define STATUS_LEN 8 /* status, latency_bytes */

typedef enum {
    PCM_PARAMS,   /* parameters set, nothing open */
    PCM_PREPARED, /* the backend's stream open */
    PCM_RUNNING,
    PCM_STOPPED,
    PCM_RELEASED,
    PCM_STATE_COUNT,
} PcmState;

static const char *const state_names[] = {"SET_PARAMETERS", "PREPARE", "START", "STOP", "RELEASE"};

/* How a guest sample becomes one the backend takes. */
typedef enum { CONV_COPY, CONV_FLIP, CONV_INT, CONV_F64, CONV_ULAW, CONV_ALAW } ConvKind;

typedef struct {
    uint8_t bytes; /* in guest memory */
    uint8_t width; /* significant bits, for CONV_INT */
    bool is_unsigned;
    ConvKind kind;
    VrAudioFormat to;
} FormatInfo;

static const FormatInfo formats[VR_VIRTIO_SND_PCM_FMT_COUNT] = {
    [VR_VIRTIO_SND_PCM_FMT_MU_LAW] = {1, 8, false, CONV_ULAW, VR_AUDIO_S16},
    [VR_VIRTIO_SND_PCM_FMT_A_LAW] = {1, 8, false, CONV_ALAW, VR_AUDIO_S16},
    [VR_VIRTIO_SND_PCM_FMT_S8] = {1, 8, false, CONV_FLIP, VR_AUDIO_U8},
    [VR_VIRTIO_SND_PCM_FMT_U8] = {1, 8, true, CONV_COPY, VR_AUDIO_U8},
    [VR_VIRTIO_SND_PCM_FMT_S16] = {2, 16, false, CONV_COPY, VR_AUDIO_S16},
    [VR_VIRTIO_SND_PCM_FMT_U16] = {2, 16, true, CONV_FLIP, VR_AUDIO_S16},
    [VR_VIRTIO_SND_PCM_FMT_S18_3] = {3, 18, false, CONV_INT, VR_AUDIO_S32},
    [VR_VIRTIO_SND_PCM_FMT_U18_3] = {3, 18, true, CONV_INT, VR_AUDIO_S32},
    [VR_VIRTIO_SND_PCM_FMT_S20_3] = {3, 20, false, CONV_INT, VR_AUDIO_S32},
    [VR_VIRTIO_SND_PCM_FMT_U20_3] = {3, 20, true, CONV_INT, VR_AUDIO_S32},
    [VR_VIRTIO_SND_PCM_FMT_S24_3] = {3, 24, false, CONV_INT, VR_AUDIO_S32},
    [VR_VIRTIO_SND_PCM_FMT_U24_3] = {3, 24, true, CONV_INT, VR_AUDIO_S32},
    [VR_VIRTIO_SND_PCM_FMT_S20] = {4, 20, false, CONV_INT, VR_AUDIO_S32},
    [VR_VIRTIO_SND_PCM_FMT_U20] = {4, 20, true, CONV_INT, VR_AUDIO_S32},
    [VR_VIRTIO_SND_PCM_FMT_S24] = {4, 24, false, CONV_INT, VR_AUDIO_S32},
    [VR_VIRTIO_SND_PCM_FMT_U24] = {4, 24, true, CONV_INT, VR_AUDIO_S32},
    [VR_VIRTIO_SND_PCM_FMT_S32] = {4, 32, false, CONV_COPY, VR_AUDIO_S32},
    [VR_VIRTIO_SND_PCM_FMT_U32] = {4, 32, true, CONV_FLIP, VR_AUDIO_S32},
    [VR_VIRTIO_SND_PCM_FMT_FLOAT] = {4, 32, false, CONV_COPY, VR_AUDIO_F32},
    [VR_VIRTIO_SND_PCM_FMT_FLOAT64] = {8, 64, false, CONV_F64, VR_AUDIO_F32},
};

static const unsigned rates[] = {5512,  8000,  11025, 16000, 22050,  32000,  44100,
                                 48000, 64000, 88200, 96000, 176400, 192000, 384000};

unsigned vr_virtio_snd_rate(unsigned index)
{
    return index < G_N_ELEMENTS(rates) ? rates[index] : 0;
}

static uint64_t output_formats(void)
{
    uint64_t mask = 0;
    for (unsigned f = 0; f < VR_VIRTIO_SND_PCM_FMT_COUNT; f++)
        if (formats[f].bytes)
            mask |= UINT64_C(1) << f;
    return mask;
}

#define INPUT_FORMATS                                                                         \
    ((UINT64_C(1) << VR_VIRTIO_SND_PCM_FMT_U8) | (UINT64_C(1) << VR_VIRTIO_SND_PCM_FMT_S16) | \
     (UINT64_C(1) << VR_VIRTIO_SND_PCM_FMT_S32) | (UINT64_C(1) << VR_VIRTIO_SND_PCM_FMT_FLOAT))
/* 8 kHz (index 1) to 192 kHz (index 12). */
#define RATES (((UINT64_C(1) << 13) - 1) & ~UINT64_C(1))

/* A tx or rx buffer the device holds. */
typedef struct {
    VrVirtqElement *e;
    uint32_t data_len; /* tx: bytes to play; rx: room for data */
    uint32_t status;
    uint32_t latency;
    uint32_t written; /* rx: data bytes filled */
} Xfer;

typedef struct {
    unsigned id;
    VrAudioDirection dir;
    PcmState state;
    uint32_t buffer_bytes, period_bytes, features;
    uint8_t channels, format, rate;
    VrAudioStream *audio; /* open from PREPARE to RELEASE */
    GQueue pending;       /* Xfer *, oldest first */
    uint32_t head_done;   /* bytes of the oldest one played or filled */
    /* Frames to convert at once: about what the backend took last time, so a backend with
     * little room does not cost a whole chunk's conversion on every turn. */
    size_t chunk;
    /* Keeping time through a stall: when sound last moved (or there was none to move),
     * frames dropped or made up since, and (input) the backend's frames still to be
     * skipped because silence stood in for them. */
    gint64 moved_at;
    bool stalled;
    uint64_t stall_frames;
    uint64_t owed;
} Stream;

typedef struct {
    VrVirtioDevice dev;
    VrRateLimit log;

    GMutex lock; /* everything below */
    GCond wake;
    VrAudioBackend *backend;
    Stream streams[VR_VIRTIO_SND_STREAMS];
    GQueue done[2]; /* Xfer * finished, for the tx (0) and rx (1) queues */
    GQueue spare;   /* Xfer * with an element, for reuse */
    bool muted;
    unsigned stalls; /* times a backend stalled while a stream ran */
    VrRateLimit stall_log;
    float level_now, level_last;
    gint64 level_since;
    GThread *thread;
    bool quit;
    uint8_t *guest_buf, *host_buf; /* the thread's scratch, CHUNK_FRAMES frames */

    /* Used by queue_notify only (queue lock held). */
    VrVirtqElement *ctl;
} VrVirtioSnd;

static void put16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t) v;
    p[1] = (uint8_t) (v >> 8);
}

static void put32(uint8_t *p, uint32_t v)
{
    put16(p, (uint16_t) v);
    put16(p + 2, (uint16_t) (v >> 16));
}

static void put64(uint8_t *p, uint64_t v)
{
    put32(p, (uint32_t) v);
    put32(p + 4, (uint32_t) (v >> 32));
}

static uint32_t get32(const uint8_t *p)
{
    return (uint32_t) p[0] | (uint32_t) p[1] << 8 | (uint32_t) p[2] << 16 | (uint32_t) p[3] << 24;
}

static size_t guest_frame(const Stream *s)
{
    return (size_t) formats[s->format].bytes * s->channels;
}

static VrAudioSpec backend_spec(const Stream *s)
{
    VrAudioSpec spec = {formats[s->format].to, rates[s->rate], s->channels};
    return spec;
}

static void stream_defaults(Stream *s)
{
    s->state = PCM_PARAMS;
    s->format = VR_VIRTIO_SND_PCM_FMT_S16;
    s->rate = VR_VIRTIO_SND_PCM_RATE_48000;
    s->channels = 2;
    s->period_bytes = 48000 / 100 * 4; /* 10 ms */
    s->buffer_bytes = 4 * s->period_bytes;
    s->features = 0;
    s->chunk = CHUNK_FRAMES;
}

/* ---- Conversion of output samples ---- */

static int16_t ulaw_decode(uint8_t u)
{
    u = (uint8_t) ~u;
    int t = (((u & 0x0f) << 3) + 0x84) << ((u & 0x70) >> 4);
    return (int16_t) ((u & 0x80) ? 0x84 - t : t - 0x84);
}

static int16_t alaw_decode(uint8_t a)
{
    a ^= 0x55;
    int t = (a & 0x0f) << 4;
    int seg = (a & 0x70) >> 4;
    if (seg == 0)
        t += 8;
    else
        t = (t + 0x108) << (seg - 1);
    return (int16_t) ((a & 0x80) ? t : -t);
}

/* Converts samples from the guest's format to the backend's. */
static void convert(const FormatInfo *f, const uint8_t *src, uint8_t *dst, size_t samples)
{
    switch (f->kind) {
    case CONV_COPY: memcpy(dst, src, samples * f->bytes); return;
    case CONV_FLIP:
        memcpy(dst, src, samples * f->bytes);
        for (size_t i = 0; i < samples; i++)
            dst[i * f->bytes + f->bytes - 1] ^= 0x80;
        return;
    case CONV_INT:
        for (size_t i = 0; i < samples; i++, src += f->bytes) {
            uint32_t v = (uint32_t) src[0] | (uint32_t) src[1] << 8 | (uint32_t) src[2] << 16;
            if (f->bytes == 4)
                v |= (uint32_t) src[3] << 24;
            v &= (UINT32_C(1) << f->width) - 1;
            if (f->is_unsigned)
                v ^= UINT32_C(1) << (f->width - 1);
            /* Into the top bits: the sign lands in bit 31. */
            put32(dst + 4 * i, v << (32 - f->width));
        }
        return;
    case CONV_F64:
        for (size_t i = 0; i < samples; i++) {
            double d;
            memcpy(&d, src + 8 * i, 8);
            float x = (float) d;
            memcpy(dst + 4 * i, &x, 4);
        }
        return;
    case CONV_ULAW:
    case CONV_ALAW:
        for (size_t i = 0; i < samples; i++) {
            int16_t v = f->kind == CONV_ULAW ? ulaw_decode(src[i]) : alaw_decode(src[i]);
            put16(dst + 2 * i, (uint16_t) v);
        }
        return;
    }
}

/* ---- The thread that moves sound ---- */

/* d->lock held. The oldest buffer of s is done: it goes back to the driver. */
static void finish_head(VrVirtioSnd *d, Stream *s, uint32_t status)
{
    Xfer *x = g_queue_pop_head(&s->pending);
    x->status = status;
    x->written = s->head_done;
    /* The device's latency: what left the guest's buffers and is not yet heard. Linux adds
     * it to the part of its own buffer still queued at the device. */
    size_t queued = 0;
    if (s->audio && s->dir == VR_AUDIO_OUTPUT)
        queued = vr_audio_stream_queued(s->audio) * guest_frame(s);
    x->latency = (uint32_t) MIN(queued, UINT32_MAX);
    s->head_done = 0;
    g_queue_push_tail(&d->done[s->dir == VR_AUDIO_OUTPUT ? 0 : 1], x);
}

/* d->lock held. */
static void meter(VrVirtioSnd *d, VrAudioFormat format, const uint8_t *buf, size_t samples)
{
    gint64 now = g_get_monotonic_time();
    if (now - d->level_since >= LEVEL_WINDOW_US) {
        d->level_last = now - d->level_since < 2 * LEVEL_WINDOW_US ? d->level_now : 0;
        d->level_now = 0;
        d->level_since = now;
    }
    float peak = d->level_now;
    for (size_t i = 0; i < samples; i++) {
        float v = fabsf(vr_audio_sample_float(format, buf, i));
        if (v > peak)
            peak = v;
    }
    d->level_now = MIN(peak, 1.0f);
}

static void moved(Stream *s)
{
    s->moved_at = g_get_monotonic_time();
    s->stalled = false;
    s->stall_frames = 0;
}

/* d->lock held; returns whether a buffer finished. While the backend has moved no sound for
 * STALL_US with the guest's buffers waiting, the device drops output and makes up silent
 * input at the stream's rate. */
static bool keep_time(VrVirtioSnd *d, Stream *s)
{
    gint64 now = g_get_monotonic_time();
    if (g_queue_is_empty(&s->pending) || !s->moved_at) {
        /* Nothing to move, or a stream just loaded: no stall. */
        moved(s);
        return false;
    }
    if (now - s->moved_at <= STALL_US)
        return false;
    if (!s->stalled) {
        s->stalled = true;
        d->stalls++;
        vr_virtio_log_guest_error(&d->stall_log, d->dev.name,
                                  "the audio backend moved no sound for %d ms; the %s stream "
                                  "goes on without it",
                                  STALL_US / 1000, s->dir == VR_AUDIO_OUTPUT ? "output" : "input");
    }
    uint64_t due = (uint64_t) (now - s->moved_at - STALL_US) * rates[s->rate] / G_USEC_PER_SEC;
    uint64_t n = due > s->stall_frames ? due - s->stall_frames : 0;
    size_t gf = guest_frame(s);
    bool finished = false;
    Xfer *x;
    while (n && (x = g_queue_peek_head(&s->pending))) {
        uint32_t room = (x->data_len - s->head_done) / (uint32_t) gf;
        uint32_t take = (uint32_t) MIN(n, room);
        if (s->dir == VR_AUDIO_INPUT && take) {
            VrAudioFormat f = formats[s->format].to;
            for (uint32_t done = 0; done < take;) {
                uint32_t k = MIN(take - done, CHUNK_FRAMES);
                vr_audio_silence(f, d->host_buf, (size_t) k * s->channels);
                vr_iov_from_buf(vr_virtq_element_in(x->e), x->e->in_num, s->head_done + done * gf,
                                d->host_buf, k * gf);
                done += k;
            }
            s->owed += take;
        }
        s->head_done += take * (uint32_t) gf;
        s->stall_frames += take;
        n -= take;
        if (s->head_done + gf > x->data_len) {
            finish_head(d, s, VR_VIRTIO_SND_S_OK);
            finished = true;
        }
    }
    return finished;
}

/* d->lock held. Through a stall the device kept the guest's time without the backend; when
 * the backend takes sound again it wants its whole latency's worth at once. It gets silence
 * for that, so that the guest's buffers are not taken faster than they play, which would run
 * the guest's own buffer dry. Returns whether the backend took any. */
static bool refill_after_stall(VrVirtioSnd *d, Stream *s)
{
    const FormatInfo *f = &formats[s->format];
    size_t want = MAX((size_t) d->backend->latency_ms * rates[s->rate] / 1000, 1), given = 0;
    vr_audio_silence(f->to, d->host_buf, (size_t) CHUNK_FRAMES * s->channels);
    while (given < want) {
        size_t n = MIN(want - given, CHUNK_FRAMES);
        size_t took = vr_audio_stream_write(s->audio, d->host_buf, n);
        given += took;
        if (took < n)
            break;
    }
    if (!given)
        return false;
    moved(s);
    return true;
}

/* d->lock held; returns whether a buffer finished. */
static bool pump_output(VrVirtioSnd *d, Stream *s)
{
    const FormatInfo *f = &formats[s->format];
    size_t gf = guest_frame(s);
    if (s->stalled && !g_queue_is_empty(&s->pending) && !refill_after_stall(d, s))
        return false;
    bool finished = false;
    Xfer *x;
    while ((x = g_queue_peek_head(&s->pending))) {
        size_t frames = MIN((x->data_len - s->head_done) / gf, MAX(s->chunk, 16));
        if (frames == 0) {
            finish_head(d, s, VR_VIRTIO_SND_S_OK);
            finished = true;
            continue;
        }
        size_t samples = frames * s->channels;
        vr_iov_to_buf(x->e->iov, x->e->out_num, XFER_HDR + s->head_done, d->guest_buf, frames * gf);
        convert(f, d->guest_buf, d->host_buf, samples);
        meter(d, f->to, d->host_buf, samples);
        if (d->muted)
            vr_audio_silence(f->to, d->host_buf, samples);
        size_t took = vr_audio_stream_write(s->audio, d->host_buf, frames);
        if (took)
            moved(s);
        s->head_done += (uint32_t) (took * gf);
        s->chunk = took < frames ? MAX(took, 16) : MIN(s->chunk * 2, CHUNK_FRAMES);
        if (took < frames)
            break;
    }
    return finished;
}

/* d->lock held; returns whether a buffer finished. Input formats are the backend's own. */
static bool pump_input(VrVirtioSnd *d, Stream *s)
{
    size_t gf = guest_frame(s);
    bool finished = false;
    Xfer *x;
    while ((x = g_queue_peek_head(&s->pending))) {
        size_t frames = MIN((x->data_len - s->head_done) / gf, CHUNK_FRAMES);
        if (frames == 0) {
            finish_head(d, s, VR_VIRTIO_SND_S_OK);
            finished = true;
            continue;
        }
        size_t read = vr_audio_stream_read(s->audio, d->host_buf, frames);
        if (read)
            moved(s);
        /* What arrives late, after silence stood in for it, is dropped. */
        size_t skip = (size_t) MIN(read, s->owed), got = read - skip;
        s->owed -= skip;
        vr_iov_from_buf(vr_virtq_element_in(x->e), x->e->in_num, s->head_done,
                        d->host_buf + skip * gf, got * gf);
        s->head_done += (uint32_t) (got * gf);
        if (read < frames)
            break;
    }
    return finished;
}

static gpointer sound_thread(gpointer data)
{
    VrVirtioSnd *d = data;
    g_mutex_lock(&d->lock);
    while (!d->quit) {
        bool running = false, kick[2] = {false, false};
        for (unsigned i = 0; i < VR_VIRTIO_SND_STREAMS; i++) {
            Stream *s = &d->streams[i];
            if (s->state != PCM_RUNNING || !s->audio)
                continue;
            running = true;
            bool out = s->dir == VR_AUDIO_OUTPUT;
            bool finished = out ? pump_output(d, s) : pump_input(d, s);
            if (keep_time(d, s) || finished)
                kick[out ? 0 : 1] = true;
        }
        if (kick[0] || kick[1]) {
            /* Without the lock: with no I/O thread the kick runs queue_notify right here. */
            g_mutex_unlock(&d->lock);
            if (kick[0])
                vr_virtio_device_kick(&d->dev, TXQ);
            if (kick[1])
                vr_virtio_device_kick(&d->dev, RXQ);
            g_mutex_lock(&d->lock);
            continue;
        }
        if (running)
            g_cond_wait_until(&d->wake, &d->lock, g_get_monotonic_time() + TICK_US);
        else
            g_cond_wait(&d->wake, &d->lock);
    }
    g_mutex_unlock(&d->lock);
    return NULL;
}

/* ---- Control requests ---- */

static void write_status(VrVirtqElement *e, uint32_t code)
{
    uint8_t b[4];
    put32(b, code);
    vr_iov_from_buf(vr_virtq_element_in(e), e->in_num, 0, b, 4);
}

static void jack_info(unsigned id, uint8_t *p)
{
    /* HDA pin default configuration: a jack at the rear, 1/8" connector; line out in
     * green or microphone in pink. Pin capabilities: output or input, presence detect. */
    bool out = id == 0;
    put32(p, 0);
    put32(p + 4, 0);
    put32(p + 8, out ? 0x01014010 : 0x01a19020);
    put32(p + 12, (out ? 1u << 4 : 1u << 5) | 1u << 2);
    p[16] = 1;
}

static void pcm_info(unsigned id, uint8_t *p)
{
    bool out = id == OUT_STREAM;
    put32(p, 0);
    put32(p + 4, 0);
    put64(p + 8, out ? output_formats() : INPUT_FORMATS);
    put64(p + 16, RATES);
    p[24] = out ? VR_VIRTIO_SND_D_OUTPUT : VR_VIRTIO_SND_D_INPUT;
    p[25] = 1;
    p[26] = VR_AUDIO_MAX_CHANNELS;
}

static uint8_t chmap_position(VrAudioPosition pos)
{
    static const uint8_t map[] = {
        [VR_AUDIO_POS_MONO] = VR_VIRTIO_SND_CHMAP_MONO, [VR_AUDIO_POS_FL] = VR_VIRTIO_SND_CHMAP_FL,
        [VR_AUDIO_POS_FR] = VR_VIRTIO_SND_CHMAP_FR,     [VR_AUDIO_POS_RL] = VR_VIRTIO_SND_CHMAP_RL,
        [VR_AUDIO_POS_RR] = VR_VIRTIO_SND_CHMAP_RR,     [VR_AUDIO_POS_FC] = VR_VIRTIO_SND_CHMAP_FC,
        [VR_AUDIO_POS_LFE] = VR_VIRTIO_SND_CHMAP_LFE,   [VR_AUDIO_POS_RC] = VR_VIRTIO_SND_CHMAP_RC,
        [VR_AUDIO_POS_SL] = VR_VIRTIO_SND_CHMAP_SL,     [VR_AUDIO_POS_SR] = VR_VIRTIO_SND_CHMAP_SR,
    };
    return map[pos];
}

static void chmap_info(unsigned id, uint8_t *p)
{
    unsigned channels = id % VR_AUDIO_MAX_CHANNELS + 1;
    put32(p, 0);
    p[4] = id < VR_AUDIO_MAX_CHANNELS ? VR_VIRTIO_SND_D_OUTPUT : VR_VIRTIO_SND_D_INPUT;
    p[5] = (uint8_t) channels;
    const VrAudioPosition *pos = vr_audio_channel_positions(channels);
    for (unsigned c = 0; c < channels; c++)
        p[6 + c] = chmap_position(pos[c]);
}

/* JACK_INFO, PCM_INFO, CHMAP_INFO: virtio_snd_query_info (code, start_id, count, size). */
static uint32_t query_info(VrVirtioSnd *d, VrVirtqElement *e, const uint8_t *req, uint32_t code,
                           uint32_t *written)
{
    const char *who = d->dev.name;
    if (e->out_len < 16) {
        vr_virtio_log_guest_error(&d->log, who, "info request 0x%x of %u bytes (expected 16)", code,
                                  e->out_len);
        return VR_VIRTIO_SND_S_BAD_MSG;
    }
    uint32_t start = get32(req + 4), count = get32(req + 8), size = get32(req + 12);
    unsigned items, item_size;
    void (*fill)(unsigned id, uint8_t *p);
    if (code == VR_VIRTIO_SND_R_JACK_INFO) {
        items = VR_VIRTIO_SND_JACKS, item_size = VR_VIRTIO_SND_JACK_INFO_SIZE, fill = jack_info;
    } else if (code == VR_VIRTIO_SND_R_PCM_INFO) {
        items = VR_VIRTIO_SND_STREAMS, item_size = VR_VIRTIO_SND_PCM_INFO_SIZE, fill = pcm_info;
    } else {
        items = VR_VIRTIO_SND_CHMAPS, item_size = VR_VIRTIO_SND_CHMAP_INFO_SIZE;
        fill = chmap_info;
    }
    if ((uint64_t) start + count > items || size < item_size || size > 4096) {
        vr_virtio_log_guest_error(&d->log, who,
                                  "info request 0x%x for items %u + %u of %u, %u bytes each "
                                  "(at least %u)",
                                  code, start, count, items, size, item_size);
        return VR_VIRTIO_SND_S_BAD_MSG;
    }
    if ((uint64_t) 4 + (uint64_t) count * size > e->in_len) {
        vr_virtio_log_guest_error(&d->log, who,
                                  "info request 0x%x with %u writable bytes for %u items of %u",
                                  code, e->in_len, count, size);
        return VR_VIRTIO_SND_S_BAD_MSG;
    }
    g_autofree uint8_t *item = g_malloc0(size);
    for (uint32_t i = 0; i < count; i++) {
        memset(item, 0, size);
        fill(start + i, item);
        vr_iov_from_buf(vr_virtq_element_in(e), e->in_num, 4 + (size_t) i * size, item, size);
    }
    *written = 4 + count * size;
    return VR_VIRTIO_SND_S_OK;
}

/* d->lock held: every buffer of s goes back, as far as it got. */
static void return_all(VrVirtioSnd *d, Stream *s)
{
    while (!g_queue_is_empty(&s->pending))
        finish_head(d, s, VR_VIRTIO_SND_S_OK);
}

/* d->lock held. */
static void close_audio(Stream *s)
{
    if (s->audio) {
        vr_audio_stream_stop(s->audio);
        vr_audio_stream_close(s->audio);
        s->audio = NULL;
    }
}

/* d->lock held. */
static bool open_audio(VrVirtioSnd *d, Stream *s)
{
    if (s->audio)
        return true;
    if (!d->backend)
        return false;
    VrAudioSpec spec = backend_spec(s);
    g_autoptr(GError) error = NULL;
    s->audio = vr_audio_stream_open(d->backend, s->dir, &spec, &error);
    if (!s->audio) {
        g_message("%s: stream %u: %s", d->dev.name, s->id, error->message);
        return false;
    }
    return true;
}

static bool state_in(PcmState state, unsigned allowed)
{
    return (allowed >> state) & 1;
}

#define ST(x) (1u << (x))

static uint32_t set_params(VrVirtioSnd *d, Stream *s, const uint8_t *req)
{
    const char *who = d->dev.name;
    uint32_t buffer = get32(req + 8), period = get32(req + 12), features = get32(req + 16);
    uint8_t channels = req[20], format = req[21], rate = req[22];
    uint64_t fmts = s->dir == VR_AUDIO_OUTPUT ? output_formats() : INPUT_FORMATS;
    if (!state_in(s->state, ST(PCM_PARAMS) | ST(PCM_PREPARED) | ST(PCM_RELEASED))) {
        vr_virtio_log_guest_error(&d->log, who, "SET_PARAMS on stream %u in state %s", s->id,
                                  state_names[s->state]);
        return VR_VIRTIO_SND_S_BAD_MSG;
    }
    if (features || format >= 64 || !((fmts >> format) & 1) || rate >= 64 ||
        !((RATES >> rate) & 1) || channels < 1 || channels > VR_AUDIO_MAX_CHANNELS) {
        vr_virtio_log_guest_error(&d->log, who,
                                  "stream %u parameters not offered: format %u, rate %u, "
                                  "%u channels, features 0x%x",
                                  s->id, format, rate, channels, features);
        return VR_VIRTIO_SND_S_NOT_SUPP;
    }
    size_t frame = (size_t) formats[format].bytes * channels;
    if (period == 0 || buffer < period || buffer % frame || period % frame) {
        vr_virtio_log_guest_error(&d->log, who,
                                  "stream %u: buffer of %u bytes and period of %u bytes "
                                  "(expected whole %zu-byte frames, period <= buffer)",
                                  s->id, buffer, period, frame);
        return VR_VIRTIO_SND_S_BAD_MSG;
    }
    close_audio(s);
    s->buffer_bytes = buffer;
    s->period_bytes = period;
    s->features = features;
    s->channels = channels;
    s->format = format;
    s->rate = rate;
    s->state = PCM_PARAMS;
    return VR_VIRTIO_SND_S_OK;
}

/* d->lock held. */
static uint32_t pcm_request(VrVirtioSnd *d, Stream *s, uint32_t code, const uint8_t *req)
{
    const char *who = d->dev.name;
    unsigned allowed;
    switch (code) {
    case VR_VIRTIO_SND_R_PCM_SET_PARAMS: return set_params(d, s, req);
    case VR_VIRTIO_SND_R_PCM_PREPARE:
        allowed = ST(PCM_PARAMS) | ST(PCM_PREPARED) | ST(PCM_RELEASED);
        break;
    case VR_VIRTIO_SND_R_PCM_START: allowed = ST(PCM_PREPARED) | ST(PCM_STOPPED); break;
    case VR_VIRTIO_SND_R_PCM_STOP: allowed = ST(PCM_RUNNING); break;
    default: /* RELEASE */ allowed = ST(PCM_PREPARED) | ST(PCM_STOPPED); break;
    }
    static const char *const names[] = {"SET_PARAMS", "PREPARE", "RELEASE", "START", "STOP"};
    if (!state_in(s->state, allowed)) {
        vr_virtio_log_guest_error(&d->log, who, "%s on stream %u in state %s",
                                  names[code - VR_VIRTIO_SND_R_PCM_SET_PARAMS], s->id,
                                  state_names[s->state]);
        return VR_VIRTIO_SND_S_BAD_MSG;
    }
    switch (code) {
    case VR_VIRTIO_SND_R_PCM_PREPARE:
        if (!open_audio(d, s))
            return VR_VIRTIO_SND_S_IO_ERR;
        s->state = PCM_PREPARED;
        break;
    case VR_VIRTIO_SND_R_PCM_START:
        if (!s->audio)
            return VR_VIRTIO_SND_S_IO_ERR;
        vr_audio_stream_start(s->audio);
        moved(s);
        s->state = PCM_RUNNING;
        g_cond_signal(&d->wake);
        break;
    case VR_VIRTIO_SND_R_PCM_STOP:
        if (s->audio)
            vr_audio_stream_stop(s->audio);
        s->state = PCM_STOPPED;
        break;
    default:
        /* The device completes every buffer of the stream before the release. */
        return_all(d, s);
        close_audio(s);
        s->state = PCM_RELEASED;
        break;
    }
    return VR_VIRTIO_SND_S_OK;
}

/* Returns the status of a request; *written is set for answers longer than a status. */
static uint32_t control(VrVirtioSnd *d, VrVirtqElement *e, uint32_t *written, bool *kick)
{
    const char *who = d->dev.name;
    uint8_t req[24] = {0};
    if (e->out_len < 4) {
        vr_virtio_log_guest_error(&d->log, who, "control request of %u bytes", e->out_len);
        return VR_VIRTIO_SND_S_BAD_MSG;
    }
    vr_iov_to_buf(e->iov, e->out_num, 0, req, sizeof(req));
    uint32_t code = get32(req);
    switch (code) {
    case VR_VIRTIO_SND_R_JACK_INFO:
    case VR_VIRTIO_SND_R_PCM_INFO:
    case VR_VIRTIO_SND_R_CHMAP_INFO: return query_info(d, e, req, code, written);
    case VR_VIRTIO_SND_R_JACK_REMAP:
        vr_virtio_log_guest_error(&d->log, who, "JACK_REMAP, which no jack offers");
        return VR_VIRTIO_SND_S_NOT_SUPP;
    case VR_VIRTIO_SND_R_PCM_SET_PARAMS:
    case VR_VIRTIO_SND_R_PCM_PREPARE:
    case VR_VIRTIO_SND_R_PCM_RELEASE:
    case VR_VIRTIO_SND_R_PCM_START:
    case VR_VIRTIO_SND_R_PCM_STOP: {
        uint32_t need = code == VR_VIRTIO_SND_R_PCM_SET_PARAMS ? 24 : 8;
        if (e->out_len < need) {
            vr_virtio_log_guest_error(&d->log, who, "PCM request 0x%x of %u bytes (expected %u)",
                                      code, e->out_len, need);
            return VR_VIRTIO_SND_S_BAD_MSG;
        }
        uint32_t id = get32(req + 4);
        if (id >= VR_VIRTIO_SND_STREAMS) {
            vr_virtio_log_guest_error(&d->log, who, "PCM request 0x%x for stream %u of %u", code,
                                      id, VR_VIRTIO_SND_STREAMS);
            return VR_VIRTIO_SND_S_BAD_MSG;
        }
        g_mutex_lock(&d->lock);
        uint32_t status = pcm_request(d, &d->streams[id], code, req);
        *kick = !g_queue_is_empty(&d->done[0]) || !g_queue_is_empty(&d->done[1]);
        g_mutex_unlock(&d->lock);
        return status;
    }
    default:
        vr_virtio_log_guest_error(&d->log, who, "control request 0x%x is not known", code);
        return VR_VIRTIO_SND_S_NOT_SUPP;
    }
}

static void control_queue(VrVirtioSnd *d, VrVirtqueue *vq)
{
    unsigned budget = BATCH;
    bool kick = false;
    do {
        vr_virtqueue_disable_notify(vq);
        while (vr_virtqueue_pop(vq, d->ctl)) {
            VrVirtqElement *e = d->ctl;
            uint32_t written = 4;
            if (e->in_len < 4) {
                vr_virtio_log_guest_error(&d->log, d->dev.name,
                                          "control request with %u writable bytes, no room "
                                          "for a status",
                                          e->in_len);
                vr_virtqueue_push(vq, e, 0);
            } else {
                uint32_t status = control(d, e, &written, &kick);
                if (status != VR_VIRTIO_SND_S_OK)
                    written = 4;
                write_status(e, status);
                vr_virtqueue_push(vq, e, written);
            }
            if (--budget == 0) {
                vr_virtqueue_notify(vq);
                vr_virtio_device_kick(&d->dev, CTLQ);
                goto out;
            }
        }
        vr_virtqueue_notify(vq);
    } while (vr_virtqueue_enable_notify(vq));
out:
    /* Buffers a RELEASE returned. */
    if (kick) {
        vr_virtio_device_kick(&d->dev, TXQ);
        vr_virtio_device_kick(&d->dev, RXQ);
    }
}

/* ---- tx and rx ---- */

/* d->lock held. */
static Xfer *take_xfer(VrVirtioSnd *d)
{
    Xfer *x = g_queue_pop_head(&d->spare);
    if (!x) {
        x = g_new0(Xfer, 1);
        x->e = g_new0(VrVirtqElement, 1);
    }
    return x;
}

/* d->lock held. */
static void push_done(VrVirtioSnd *d, VrVirtqueue *vq, bool tx)
{
    Xfer *x;
    while ((x = g_queue_pop_head(&d->done[tx ? 0 : 1]))) {
        uint8_t st[STATUS_LEN];
        put32(st, x->status);
        put32(st + 4, x->latency);
        VrVirtqElement *e = x->e;
        if (e->in_len >= STATUS_LEN)
            vr_iov_from_buf(vr_virtq_element_in(e), e->in_num, e->in_len - STATUS_LEN, st,
                            STATUS_LEN);
        vr_virtqueue_push(vq, e, tx ? STATUS_LEN : x->written + STATUS_LEN);
        g_queue_push_tail(&d->spare, x);
    }
}

/* d->lock held: checks a buffer just popped; false when it goes back at once, with status. */
static bool accept_xfer(VrVirtioSnd *d, Xfer *x, bool tx, uint32_t *status)
{
    const char *who = d->dev.name;
    VrVirtqElement *e = x->e;
    const char *q = tx ? "tx" : "rx";
    *status = VR_VIRTIO_SND_S_BAD_MSG;
    if (e->in_len < STATUS_LEN || e->out_len < XFER_HDR || (!tx && e->out_len != XFER_HDR)) {
        vr_virtio_log_guest_error(&d->log, who, "%s buffer with %u readable and %u writable bytes",
                                  q, e->out_len, e->in_len);
        return false;
    }
    uint8_t hdr[XFER_HDR];
    vr_iov_to_buf(e->iov, e->out_num, 0, hdr, sizeof(hdr));
    uint32_t id = get32(hdr);
    Stream *s = id < VR_VIRTIO_SND_STREAMS ? &d->streams[id] : NULL;
    if (!s || (s->dir == VR_AUDIO_OUTPUT) != tx) {
        vr_virtio_log_guest_error(&d->log, who, "%s buffer for stream %u, which is no %s stream", q,
                                  id, tx ? "output" : "input");
        return false;
    }
    if (!state_in(s->state, ST(PCM_PREPARED) | ST(PCM_RUNNING) | ST(PCM_STOPPED))) {
        vr_virtio_log_guest_error(&d->log, who, "%s buffer for stream %u in state %s", q, id,
                                  state_names[s->state]);
        return false;
    }
    x->data_len = tx ? e->out_len - XFER_HDR : e->in_len - STATUS_LEN;
    if (x->data_len % guest_frame(s)) {
        vr_virtio_log_guest_error(&d->log, who,
                                  "%s buffer of %u bytes for stream %u, not whole %zu-byte frames",
                                  q, x->data_len, id, guest_frame(s));
        return false;
    }
    x->written = 0;
    g_queue_push_tail(&s->pending, x);
    return true;
}

static void xfer_queue(VrVirtioSnd *d, VrVirtqueue *vq, bool tx)
{
    unsigned budget = BATCH;
    bool queued = false;
    g_mutex_lock(&d->lock);
    push_done(d, vq, tx);
    for (;;) {
        vr_virtqueue_disable_notify(vq);
        for (;;) {
            Xfer *x = take_xfer(d);
            if (!vr_virtqueue_pop(vq, x->e)) {
                g_queue_push_head(&d->spare, x);
                break;
            }
            uint32_t status;
            if (accept_xfer(d, x, tx, &status)) {
                queued = true;
            } else {
                x->status = status;
                x->latency = 0;
                x->written = 0;
                g_queue_push_tail(&d->done[tx ? 0 : 1], x);
                push_done(d, vq, tx);
            }
            if (--budget == 0) {
                vr_virtqueue_notify(vq);
                vr_virtio_device_kick(&d->dev, tx ? TXQ : RXQ);
                goto out;
            }
        }
        vr_virtqueue_notify(vq);
        if (!vr_virtqueue_enable_notify(vq))
            break;
    }
out:
    if (queued)
        g_cond_signal(&d->wake);
    g_mutex_unlock(&d->lock);
}

/* ---- The device ---- */

static void snd_queue_notify(VrVirtioDevice *dev, unsigned index, VrVirtqueue *vq)
{
    VrVirtioSnd *d = (VrVirtioSnd *) dev;
    switch (index) {
    case CTLQ: control_queue(d, vq); break;
    case TXQ:
    case RXQ: xfer_queue(d, vq, index == TXQ); break;
    default:
        /* Event buffers wait in the ring: no event is ever sent. */
        break;
    }
}

static void snd_config_read(VrVirtioDevice *dev, uint32_t offset, uint8_t *buf, unsigned len)
{
    uint8_t config[VR_VIRTIO_SND_CONFIG_SIZE];
    put32(config, VR_VIRTIO_SND_JACKS);
    put32(config + 4, VR_VIRTIO_SND_STREAMS);
    put32(config + 8, VR_VIRTIO_SND_CHMAPS);
    memcpy(buf, config + offset, len);
}

static void snd_drain(VrVirtioDevice *dev)
{
    VrVirtioSnd *d = (VrVirtioSnd *) dev;
    g_mutex_lock(&d->lock);
    for (unsigned i = 0; i < VR_VIRTIO_SND_STREAMS; i++)
        return_all(d, &d->streams[i]);
    g_mutex_unlock(&d->lock);
}

static void snd_reset(VrVirtioDevice *dev)
{
    VrVirtioSnd *d = (VrVirtioSnd *) dev;
    g_mutex_lock(&d->lock);
    for (unsigned i = 0; i < VR_VIRTIO_SND_STREAMS; i++) {
        Stream *s = &d->streams[i];
        return_all(d, s);
        close_audio(s);
        stream_defaults(s);
    }
    /* Dropped, not returned: the driver is gone. */
    for (unsigned q = 0; q < 2; q++) {
        Xfer *x;
        while ((x = g_queue_pop_head(&d->done[q])))
            g_queue_push_tail(&d->spare, x);
    }
    g_mutex_unlock(&d->lock);
}

static void free_xfer(gpointer data)
{
    Xfer *x = data;
    g_free(x->e);
    g_free(x);
}

static void snd_free(VrVirtioDevice *dev)
{
    VrVirtioSnd *d = (VrVirtioSnd *) dev;
    vr_virtio_snd_close_backend(dev);
    for (unsigned i = 0; i < VR_VIRTIO_SND_STREAMS; i++)
        g_queue_clear_full(&d->streams[i].pending, free_xfer);
    for (unsigned q = 0; q < 2; q++)
        g_queue_clear_full(&d->done[q], free_xfer);
    g_queue_clear_full(&d->spare, free_xfer);
    g_mutex_clear(&d->lock);
    g_cond_clear(&d->wake);
    g_free(d->guest_buf);
    g_free(d->host_buf);
    g_free(d->ctl);
    g_free(d);
}

/* Payload: u32 version (1), then per stream: u8 state, u32 buffer_bytes, u32 period_bytes,
 * u32 features, u8 channels, u8 format, u8 rate. Buffers are not kept: the transport's
 * quiesce returned them all (drain). */
#define SND_STATE_VERSION 1

static void snd_save(VrVirtioDevice *dev, VrStateWriter *w)
{
    VrVirtioSnd *d = (VrVirtioSnd *) dev;
    vr_state_put_u32(w, SND_STATE_VERSION);
    g_mutex_lock(&d->lock);
    for (unsigned i = 0; i < VR_VIRTIO_SND_STREAMS; i++) {
        Stream *s = &d->streams[i];
        vr_state_put_u8(w, (uint8_t) s->state);
        vr_state_put_u32(w, s->buffer_bytes);
        vr_state_put_u32(w, s->period_bytes);
        vr_state_put_u32(w, s->features);
        vr_state_put_u8(w, s->channels);
        vr_state_put_u8(w, s->format);
        vr_state_put_u8(w, s->rate);
    }
    g_mutex_unlock(&d->lock);
}

static bool snd_load(VrVirtioDevice *dev, VrStateReader *r)
{
    VrVirtioSnd *d = (VrVirtioSnd *) dev;
    uint32_t version = vr_state_get_u32(r);
    if (!vr_state_reader_failed(r) && version != SND_STATE_VERSION) {
        vr_state_reader_invalid(r, "virtio-snd state version %u is not known (expected %u)",
                                version, SND_STATE_VERSION);
        return false;
    }
    Stream loaded[VR_VIRTIO_SND_STREAMS];
    for (unsigned i = 0; i < VR_VIRTIO_SND_STREAMS; i++) {
        Stream *s = &loaded[i];
        memset(s, 0, sizeof(*s));
        s->id = i;
        s->dir = i == OUT_STREAM ? VR_AUDIO_OUTPUT : VR_AUDIO_INPUT;
        uint8_t state = vr_state_get_u8(r);
        s->buffer_bytes = vr_state_get_u32(r);
        s->period_bytes = vr_state_get_u32(r);
        s->features = vr_state_get_u32(r);
        s->channels = vr_state_get_u8(r);
        s->format = vr_state_get_u8(r);
        s->rate = vr_state_get_u8(r);
        if (vr_state_reader_failed(r))
            return false;
        uint64_t fmts = i == OUT_STREAM ? output_formats() : INPUT_FORMATS;
        if (state >= PCM_STATE_COUNT || s->features || s->format >= 64 ||
            !((fmts >> s->format) & 1) || s->rate >= 64 || !((RATES >> s->rate) & 1) ||
            s->channels < 1 || s->channels > VR_AUDIO_MAX_CHANNELS || s->period_bytes == 0 ||
            s->buffer_bytes < s->period_bytes) {
            vr_state_reader_invalid(r,
                                    "virtio-snd stream %u: state %u, format %u, rate %u, "
                                    "%u channels, buffer %u, period %u (expected what the "
                                    "device offers)",
                                    i, state, s->format, s->rate, s->channels, s->buffer_bytes,
                                    s->period_bytes);
            return false;
        }
        s->state = (PcmState) state;
    }
    g_mutex_lock(&d->lock);
    bool ok = true;
    for (unsigned i = 0; i < VR_VIRTIO_SND_STREAMS; i++) {
        Stream *s = &d->streams[i];
        close_audio(s);
        s->state = loaded[i].state;
        s->buffer_bytes = loaded[i].buffer_bytes;
        s->period_bytes = loaded[i].period_bytes;
        s->features = loaded[i].features;
        s->channels = loaded[i].channels;
        s->format = loaded[i].format;
        s->rate = loaded[i].rate;
        if (state_in(s->state, ST(PCM_PREPARED) | ST(PCM_RUNNING) | ST(PCM_STOPPED)) &&
            !open_audio(d, s))
            ok = false;
        if (s->state == PCM_RUNNING && s->audio)
            vr_audio_stream_start(s->audio);
        moved(s);
        s->owed = 0;
    }
    g_cond_signal(&d->wake);
    g_mutex_unlock(&d->lock);
    if (!ok)
        vr_state_reader_invalid(r, "virtio-snd: the audio backend refused a stream");
    return ok;
}

static const VrVirtioDeviceClass snd_class = {
    .name = "virtio-snd",
    .device_id = VR_VIRTIO_ID_SOUND,
    .config_read = snd_config_read,
    .queue_notify = snd_queue_notify,
    .reset = snd_reset,
    .drain = snd_drain,
    .save = snd_save,
    .load = snd_load,
    .free = snd_free,
};

VrVirtioDevice *vr_virtio_snd_new(VrAudioBackend *backend)
{
    VrVirtioSnd *d = g_new0(VrVirtioSnd, 1);
    d->dev.cls = &snd_class;
    d->dev.name = g_strdup_printf("virtio-snd %s", backend->ops->name);
    d->dev.num_queues = 4;
    d->dev.queue_max_size = VR_VIRTIO_SND_QUEUE_SIZE;
    d->dev.config_size = VR_VIRTIO_SND_CONFIG_SIZE;
    g_mutex_init(&d->lock);
    g_cond_init(&d->wake);
    d->backend = backend;
    for (unsigned i = 0; i < VR_VIRTIO_SND_STREAMS; i++) {
        Stream *s = &d->streams[i];
        s->id = i;
        s->dir = i == OUT_STREAM ? VR_AUDIO_OUTPUT : VR_AUDIO_INPUT;
        g_queue_init(&s->pending);
        stream_defaults(s);
    }
    /* The largest frame: 8 channels of FLOAT64 in, 8 of 32 bits out. */
    d->guest_buf = g_malloc((size_t) CHUNK_FRAMES * VR_AUDIO_MAX_CHANNELS * 8);
    d->host_buf = g_malloc((size_t) CHUNK_FRAMES * VR_AUDIO_MAX_CHANNELS * 4);
    d->ctl = g_new0(VrVirtqElement, 1);
    d->level_since = g_get_monotonic_time();
    d->thread = g_thread_new("vireo-sound", sound_thread, d);
    return &d->dev;
}

void vr_virtio_snd_close_backend(VrVirtioDevice *dev)
{
    VrVirtioSnd *d = (VrVirtioSnd *) dev;
    g_mutex_lock(&d->lock);
    d->quit = true;
    g_cond_signal(&d->wake);
    GThread *thread = g_steal_pointer(&d->thread);
    g_mutex_unlock(&d->lock);
    if (thread)
        g_thread_join(thread);
    g_mutex_lock(&d->lock);
    for (unsigned i = 0; i < VR_VIRTIO_SND_STREAMS; i++)
        close_audio(&d->streams[i]);
    VrAudioBackend *be = g_steal_pointer(&d->backend);
    g_mutex_unlock(&d->lock);
    vr_audio_backend_free(be);
}

void vr_virtio_snd_set_muted(VrVirtioDevice *dev, bool muted)
{
    VrVirtioSnd *d = (VrVirtioSnd *) dev;
    g_mutex_lock(&d->lock);
    d->muted = muted;
    g_mutex_unlock(&d->lock);
}

bool vr_virtio_snd_muted(VrVirtioDevice *dev)
{
    VrVirtioSnd *d = (VrVirtioSnd *) dev;
    g_mutex_lock(&d->lock);
    bool muted = d->muted;
    g_mutex_unlock(&d->lock);
    return muted;
}

float vr_virtio_snd_level(VrVirtioDevice *dev)
{
    VrVirtioSnd *d = (VrVirtioSnd *) dev;
    g_mutex_lock(&d->lock);
    gint64 age = g_get_monotonic_time() - d->level_since;
    float level = 0;
    if (age < LEVEL_WINDOW_US * 2)
        level = d->level_now;
    if (age < LEVEL_WINDOW_US)
        level = MAX(level, d->level_last);
    g_mutex_unlock(&d->lock);
    return level;
}

unsigned vr_virtio_snd_underruns(VrVirtioDevice *dev)
{
    VrVirtioSnd *d = (VrVirtioSnd *) dev;
    g_mutex_lock(&d->lock);
    unsigned n = (d->backend ? vr_audio_backend_underruns(d->backend) : 0) + d->stalls;
    g_mutex_unlock(&d->lock);
    return n;
}

unsigned vr_virtio_snd_stalls(VrVirtioDevice *dev)
{
    VrVirtioSnd *d = (VrVirtioSnd *) dev;
    g_mutex_lock(&d->lock);
    unsigned n = d->stalls;
    g_mutex_unlock(&d->lock);
    return n;
}

char *vr_virtio_snd_status(VrVirtioDevice *dev)
{
    VrVirtioSnd *d = (VrVirtioSnd *) dev;
    g_mutex_lock(&d->lock);
    char *status =
        d->backend ? vr_audio_backend_status(d->backend) : g_strdup("the sound backend is closed");
    g_mutex_unlock(&d->lock);
    return status;
}
