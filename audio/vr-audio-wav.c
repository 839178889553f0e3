/* The WAV-file backend: output recorded to a file, input played from one, both paced in
 * real time. */
#define G_LOG_DOMAIN "vireo-audio"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <string.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "vr-audio.h"
#include "vr-i18n.h"

#define WAV_HEADER_SIZE  44
#define WAV_FORMAT_PCM   1
#define WAV_FORMAT_FLOAT 3
#define WAV_FORMAT_EXT   0xfffe

typedef struct {
    VrAudioBackend be;
    GMutex lock; /* the output file */
    char *output_path;
    int out_fd;
    VrAudioSpec out_spec;
    uint64_t out_bytes; /* data written after the header */
    bool out_failed;
    char *input_path;
    GBytes *input; /* the data chunk */
    VrAudioSpec in_spec;
} WavBackend;

typedef struct {
    VrAudioStream s;
    VrAudioPacer pacer;
    uint64_t in_pos; /* input: frames of the stream given so far */
} WavStream;

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

static uint16_t get16(const uint8_t *p)
{
    return (uint16_t) (p[0] | p[1] << 8);
}

static uint32_t get32(const uint8_t *p)
{
    return (uint32_t) get16(p) | (uint32_t) get16(p + 2) << 16;
}

static void wav_header(uint8_t h[WAV_HEADER_SIZE], const VrAudioSpec *spec, uint64_t data_bytes)
{
    uint32_t data = (uint32_t) MIN(data_bytes, UINT32_MAX - WAV_HEADER_SIZE);
    unsigned sample = vr_audio_format_bytes(spec->format);
    memcpy(h, "RIFF", 4);
    put32(h + 4, 36 + data);
    memcpy(h + 8, "WAVEfmt ", 8);
    put32(h + 16, 16);
    put16(h + 20, spec->format == VR_AUDIO_F32 ? WAV_FORMAT_FLOAT : WAV_FORMAT_PCM);
    put16(h + 22, (uint16_t) spec->channels);
    put32(h + 24, spec->rate);
    put32(h + 28, spec->rate * spec->channels * sample);
    put16(h + 32, (uint16_t) (spec->channels * sample));
    put16(h + 34, (uint16_t) (sample * 8));
    memcpy(h + 36, "data", 4);
    put32(h + 40, data);
}

static bool write_all(int fd, const void *data, size_t len, off_t offset)
{
    const uint8_t *p = data;
    while (len > 0) {
        ssize_t n = pwrite(fd, p, len, offset);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return false;
        p += n;
        len -= (size_t) n;
        offset += n;
    }
    return true;
}

/* w->lock held. A stream of another format than the file's starts the file again. */
static void output_begin(WavBackend *w, const VrAudioSpec *spec)
{
    if (!w->output_path)
        return;
    if (w->out_fd >= 0 && memcmp(&w->out_spec, spec, sizeof(*spec)) == 0)
        return;
    if (w->out_fd >= 0)
        close(w->out_fd);
    w->out_spec = *spec;
    w->out_bytes = 0;
    w->out_failed = false;
    w->out_fd = open(w->output_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    uint8_t h[WAV_HEADER_SIZE];
    wav_header(h, spec, 0);
    if (w->out_fd < 0 || !write_all(w->out_fd, h, sizeof(h), 0)) {
        g_warning("%s: %s", w->output_path, g_strerror(errno));
        w->out_failed = true;
    }
}

/* w->lock held. The sizes in the header follow every write, so the file is whole at any
 * moment. */
static void output_append(WavBackend *w, const void *data, size_t len)
{
    if (w->out_fd < 0 || w->out_failed)
        return;
    uint8_t h[WAV_HEADER_SIZE];
    if (!write_all(w->out_fd, data, len, (off_t) (WAV_HEADER_SIZE + w->out_bytes))) {
        g_warning("%s: %s", w->output_path, g_strerror(errno));
        w->out_failed = true;
        return;
    }
    w->out_bytes += len;
    wav_header(h, &w->out_spec, w->out_bytes);
    write_all(w->out_fd, h + 4, 4, 4);
    write_all(w->out_fd, h + 40, 4, 40);
}

static VrAudioStream *wav_open(VrAudioBackend *be, VrAudioDirection dir, const VrAudioSpec *spec,
                               GError **error)
{
    WavBackend *w = (WavBackend *) be;
    WavStream *ws = g_new0(WavStream, 1);
    vr_audio_pacer_init(&ws->pacer, spec->rate, be->latency_ms);
    if (dir == VR_AUDIO_OUTPUT) {
        g_mutex_lock(&w->lock);
        output_begin(w, spec);
        g_mutex_unlock(&w->lock);
    }
    return &ws->s;
}

static void wav_start(VrAudioStream *s)
{
    vr_audio_pacer_start(&((WavStream *) s)->pacer);
}

static void wav_stop(VrAudioStream *s)
{
    vr_audio_pacer_stop(&((WavStream *) s)->pacer);
}

static size_t wav_write(VrAudioStream *s, const void *data, size_t frames)
{
    WavBackend *w = (WavBackend *) s->be;
    WavStream *ws = (WavStream *) s;
    size_t take = MIN(frames, vr_audio_pacer_room(&ws->pacer, s->be, VR_AUDIO_OUTPUT));
    if (take == 0)
        return 0;
    g_mutex_lock(&w->lock);
    /* Another stream may have started the file again in another format meanwhile. */
    if (memcmp(&w->out_spec, &s->spec, sizeof(s->spec)) == 0)
        output_append(w, data, take * vr_audio_frame_bytes(&s->spec));
    g_mutex_unlock(&w->lock);
    vr_audio_pacer_advance(&ws->pacer, take);
    return take;
}

static void float_to_sample(VrAudioFormat format, float f, uint8_t *p)
{
    double v = CLAMP((double) f, -1.0, 1.0);
    switch (format) {
    case VR_AUDIO_U8: p[0] = (uint8_t) CLAMP(lround(v * 128.0) + 128, 0, 255); break;
    case VR_AUDIO_S16:
        put16(p, (uint16_t) (int16_t) CLAMP(lround(v * 32768.0), -32768, 32767));
        break;
    case VR_AUDIO_S32:
        put32(p,
              (uint32_t) (int32_t) CLAMP(llround(v * 2147483648.0), -2147483648LL, 2147483647LL));
        break;
    case VR_AUDIO_F32: {
        float x = (float) v;
        memcpy(p, &x, 4);
        break;
    }
    }
}

static size_t wav_read(VrAudioStream *s, void *data, size_t frames)
{
    WavBackend *w = (WavBackend *) s->be;
    WavStream *ws = (WavStream *) s;
    size_t give = MIN(frames, vr_audio_pacer_room(&ws->pacer, s->be, VR_AUDIO_INPUT));
    const VrAudioSpec *in = &w->in_spec, *out = &s->spec;
    size_t in_frame = w->input ? vr_audio_frame_bytes(in) : 1;
    size_t in_frames = w->input ? g_bytes_get_size(w->input) / in_frame : 0;
    const uint8_t *src = w->input ? g_bytes_get_data(w->input, NULL) : NULL;
    size_t out_frame = vr_audio_frame_bytes(out), sample = vr_audio_format_bytes(out->format);
    uint8_t *dst = data;
    bool same = w->input && memcmp(in, out, sizeof(*in)) == 0;
    for (size_t i = 0; i < give; i++, ws->in_pos++) {
        /* Another rate: the point between two of the file's frames, by linear
         * interpolation (the file's last frame holds to its end). */
        uint64_t at = same ? ws->in_pos : ws->in_pos * in->rate;
        uint64_t pos = same ? at : at / out->rate;
        float frac = same ? 0 : (float) (at % out->rate) / (float) out->rate;
        uint8_t *f = dst + i * out_frame;
        if (pos >= in_frames) {
            vr_audio_silence(out->format, f, out->channels);
        } else if (same) {
            memcpy(f, src + pos * in_frame, out_frame);
        } else {
            const uint8_t *a = src + pos * in_frame;
            const uint8_t *b = pos + 1 < in_frames ? a + in_frame : a;
            for (unsigned c = 0; c < out->channels; c++) {
                float va = vr_audio_sample_float(in->format, a, c % in->channels);
                float vb = vr_audio_sample_float(in->format, b, c % in->channels);
                float_to_sample(out->format, va + (vb - va) * frac, f + c * sample);
            }
        }
    }
    vr_audio_pacer_advance(&ws->pacer, give);
    return give;
}

static size_t wav_queued(VrAudioStream *s)
{
    WavStream *ws = (WavStream *) s;
    return s->dir == VR_AUDIO_OUTPUT ? vr_audio_pacer_queued(&ws->pacer) : 0;
}

static void wav_close(VrAudioStream *s)
{
    g_free(s);
}

static char *wav_status(VrAudioBackend *be)
{
    WavBackend *w = (WavBackend *) be;
    g_mutex_lock(&w->lock);
    char *status = w->out_failed ? g_strdup_printf(_("cannot write %s"), w->output_path)
                                 : g_strdup("connected");
    g_mutex_unlock(&w->lock);
    return status;
}

static void wav_free(VrAudioBackend *be)
{
    WavBackend *w = (WavBackend *) be;
    if (w->out_fd >= 0)
        close(w->out_fd);
    g_free(w->output_path);
    g_free(w->input_path);
    g_clear_pointer(&w->input, g_bytes_unref);
    g_mutex_clear(&w->lock);
    g_free(w);
}

static const VrAudioBackendOps wav_ops = {
    .name = "wav",
    .open = wav_open,
    .start = wav_start,
    .stop = wav_stop,
    .write = wav_write,
    .read = wav_read,
    .queued = wav_queued,
    .close = wav_close,
    .status = wav_status,
    .free = wav_free,
};

static bool bad_wav(const char *path, const char *what, GError **error)
{
    g_set_error(error, VR_AUDIO_ERROR, VR_AUDIO_ERROR_FORMAT,
                _("%s: %s (expected a PCM or float WAV file: 8, 16 or 32 bits, 1 to 8 "
                  "channels)"),
                path, what);
    return false;
}

/* Reads a WAV file's format and data chunk. */
static bool load_input(WavBackend *w, const char *path, GError **error)
{
    g_autofree char *contents = NULL;
    gsize len = 0;
    g_autoptr(GError) local = NULL;
    if (!g_file_get_contents(path, &contents, &len, &local)) {
        g_set_error(error, VR_AUDIO_ERROR, VR_AUDIO_ERROR_FILE, "%s", local->message);
        return false;
    }
    const uint8_t *p = (const uint8_t *) contents;
    if (len < 12 || memcmp(p, "RIFF", 4) != 0 || memcmp(p + 8, "WAVE", 4) != 0)
        return bad_wav(path, _("no RIFF WAVE header"), error);
    bool have_fmt = false;
    unsigned tag = 0, bits = 0;
    size_t off = 12;
    while (off + 8 <= len) {
        uint32_t size = get32(p + off + 4);
        const uint8_t *body = p + off + 8;
        size_t avail = len - off - 8;
        if (memcmp(p + off, "fmt ", 4) == 0) {
            if (size < 16 || size > avail)
                return bad_wav(path, _("a short fmt chunk"), error);
            tag = get16(body);
            w->in_spec.channels = get16(body + 2);
            w->in_spec.rate = get32(body + 4);
            bits = get16(body + 14);
            if (tag == WAV_FORMAT_EXT && size >= 26)
                tag = get16(body + 24);
            have_fmt = true;
        } else if (memcmp(p + off, "data", 4) == 0) {
            if (!have_fmt)
                return bad_wav(path, _("a data chunk before the fmt chunk"), error);
            if (tag == WAV_FORMAT_PCM && bits == 8)
                w->in_spec.format = VR_AUDIO_U8;
            else if (tag == WAV_FORMAT_PCM && bits == 16)
                w->in_spec.format = VR_AUDIO_S16;
            else if (tag == WAV_FORMAT_PCM && bits == 32)
                w->in_spec.format = VR_AUDIO_S32;
            else if (tag == WAV_FORMAT_FLOAT && bits == 32)
                w->in_spec.format = VR_AUDIO_F32;
            else
                return bad_wav(path, _("a sample format it does not take"), error);
            if (w->in_spec.channels < 1 || w->in_spec.channels > VR_AUDIO_MAX_CHANNELS ||
                w->in_spec.rate < 1000 || w->in_spec.rate > 384000)
                return bad_wav(path, _("a channel count or rate out of range"), error);
            size_t data = MIN((size_t) size, avail);
            data -= data % vr_audio_frame_bytes(&w->in_spec);
            w->input = g_bytes_new(body, data);
            return true;
        }
        if (size > avail)
            break;
        off += 8 + (size_t) size + (size & 1);
    }
    return bad_wav(path, _("no data chunk"), error);
}

VrAudioBackend *vr_audio_wav_new(const char *output_path, const char *input_path,
                                 unsigned latency_ms, GError **error)
{
    WavBackend *w = g_new0(WavBackend, 1);
    w->be.ops = &wav_ops;
    w->be.latency_ms = CLAMP(latency_ms, VR_AUDIO_MIN_LATENCY_MS, VR_AUDIO_MAX_LATENCY_MS);
    g_mutex_init(&w->lock);
    w->out_fd = -1;
    w->output_path = g_strdup(output_path);
    w->input_path = g_strdup(input_path);
    if (output_path) {
        /* Said now rather than when the guest first plays. */
        int fd = open(output_path, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
        if (fd < 0) {
            int e = errno;
            g_set_error(error, VR_AUDIO_ERROR, VR_AUDIO_ERROR_FILE, "%s: %s", output_path,
                        g_strerror(e));
            wav_free(&w->be);
            return NULL;
        }
        close(fd);
    }
    if (input_path && !load_input(w, input_path, error)) {
        wav_free(&w->be);
        return NULL;
    }
    return &w->be;
}
