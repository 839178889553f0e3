/* The host side of a machine's sound: one interface for every audio backend (PulseAudio, a
 * WAV file, nothing at all), streams of interleaved frames in and out.
 *
 * A stream never blocks its caller: write takes as many frames as the backend has room
 * for now (0 when full), read gives as many as have arrived. Backends pace themselves in
 * real time, so a caller that writes whenever there is room hears its frames played at
 * the stream's rate, whatever the backend is; a backend that loses its server goes on
 * taking frames at that pace and says why in its status line.
 *
 * Threads: a backend and its streams may be used from any thread, one call at a time per
 * stream; backends that need a thread of their own (PulseAudio) keep it to themselves.
 */
#ifndef VR_AUDIO_H
#define VR_AUDIO_H

#include <glib.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Sample formats a backend takes: little-endian, interleaved. */
typedef enum {
    VR_AUDIO_U8,
    VR_AUDIO_S16,
    VR_AUDIO_S32,
    VR_AUDIO_F32,
} VrAudioFormat;

typedef enum {
    VR_AUDIO_OUTPUT, /* playback: frames go to the host */
    VR_AUDIO_INPUT,  /* capture: frames come from the host */
} VrAudioDirection;

#define VR_AUDIO_MAX_CHANNELS 8
#define VR_AUDIO_MIN_RATE     8000
#define VR_AUDIO_MAX_RATE     192000

typedef struct {
    VrAudioFormat format;
    uint32_t rate;     /* frames a second, VR_AUDIO_MIN_RATE .. VR_AUDIO_MAX_RATE */
    unsigned channels; /* 1 .. VR_AUDIO_MAX_CHANNELS, in vr_audio_channel_positions' order */
} VrAudioSpec;

/* Channel positions of the interleaved channels for a channel count (1..8), as virtio-snd
 * and ALSA name them: 1 mono; 2 FL FR; 3 FL FR FC; 4 FL FR RL RR; 5 + FC; 6 + LFE;
 * 7 + RC; 8 FL FR RL RR FC LFE SL SR. */
typedef enum {
    VR_AUDIO_POS_MONO,
    VR_AUDIO_POS_FL,
    VR_AUDIO_POS_FR,
    VR_AUDIO_POS_RL,
    VR_AUDIO_POS_RR,
    VR_AUDIO_POS_FC,
    VR_AUDIO_POS_LFE,
    VR_AUDIO_POS_RC,
    VR_AUDIO_POS_SL,
    VR_AUDIO_POS_SR,
} VrAudioPosition;
const VrAudioPosition *vr_audio_channel_positions(unsigned channels);

unsigned vr_audio_format_bytes(VrAudioFormat format);
static inline size_t vr_audio_frame_bytes(const VrAudioSpec *spec)
{
    return (size_t) vr_audio_format_bytes(spec->format) * spec->channels;
}
/* Fills frames of silence (0x80 for U8, zero otherwise). */
void vr_audio_silence(VrAudioFormat format, void *buf, size_t samples);
/* One sample as a value in -1 .. 1. */
float vr_audio_sample_float(VrAudioFormat format, const void *buf, size_t index);
/* Whether spec is one a backend accepts (format known, rate and channels in range). */
bool vr_audio_spec_valid(const VrAudioSpec *spec);

typedef struct VrAudioBackend VrAudioBackend;
typedef struct VrAudioStream VrAudioStream;

typedef struct VrAudioBackendOps {
    const char *name; /* "pulse", "wav", "null" */
    /* A new stream, stopped. NULL with error set when the backend cannot have one. */
    VrAudioStream *(*open)(VrAudioBackend *be, VrAudioDirection dir, const VrAudioSpec *spec,
                           GError **error);
    void (*start)(VrAudioStream *s);
    void (*stop)(VrAudioStream *s);
    /* Output streams: takes up to frames frames; returns how many it took. */
    size_t (*write)(VrAudioStream *s, const void *data, size_t frames);
    /* Input streams: gives up to frames frames; returns how many it gave. */
    size_t (*read)(VrAudioStream *s, void *data, size_t frames);
    /* Frames taken and not yet played (output) or arrived and not yet read (input). */
    size_t (*queued)(VrAudioStream *s);
    void (*close)(VrAudioStream *s);
    /* "connected", or why not (newly allocated). */
    char *(*status)(VrAudioBackend *be);
    void (*free)(VrAudioBackend *be);
} VrAudioBackendOps;

struct VrAudioBackend {
    const VrAudioBackendOps *ops;
    unsigned latency_ms; /* how far ahead output is buffered, and input's fragment */
    gint underruns;      /* atomic: an output stream ran dry while started */
};

struct VrAudioStream {
    VrAudioBackend *be;
    VrAudioDirection dir;
    VrAudioSpec spec;
};

#define VR_AUDIO_DEFAULT_LATENCY_MS 50
#define VR_AUDIO_MIN_LATENCY_MS     5
#define VR_AUDIO_MAX_LATENCY_MS     2000

/* The backends. latency_ms is clamped to VR_AUDIO_MIN_LATENCY_MS .. _MAX_. */
/* Discards output and gives silence as input, both at the stream's pace. */
VrAudioBackend *vr_audio_null_new(unsigned latency_ms);
/* Output goes to output_path (may be NULL: discarded), a WAV file of the format of the first
 * stream opened (a later stream of the same format appends, one of another format starts
 * the file again); input comes from input_path (may be NULL: silence), a PCM or float WAV
 * file, converted to the stream's format and channels, then silence when it ends. The
 * input file is read when the backend is made: errors name the file. */
VrAudioBackend *vr_audio_wav_new(const char *output_path, const char *input_path,
                                 unsigned latency_ms, GError **error);
/* PulseAudio on a thread of its own. server, sink and source may be NULL (the defaults).
 * Never fails for want of a server: until one answers (and after one goes away, until it
 * is back) streams take and give frames as the null backend does, the status says why, and
 * it tries again every second. */
VrAudioBackend *vr_audio_pulse_new(const char *server, const char *sink, const char *source,
                                   unsigned latency_ms);

/* A PulseAudio sink or source: its name (what machine.ini's output-device and input-device
 * take) and its description (what a person reads). */
typedef struct {
    char *name;
    char *description;
} VrAudioDevice;
void vr_audio_device_free(VrAudioDevice *dev);
/* Asks the PulseAudio server (NULL: the default one, $PULSE_SERVER) for its sinks and its
 * sources (monitors of sinks left out), as VrAudioDevice arrays that free their elements, in
 * the server's order. Waits at most two seconds. Without a server (or one that does not
 * answer): false, and an error VR_AUDIO_ERROR_NO_SERVER. */
bool vr_audio_pulse_list_devices(const char *server, GPtrArray **sinks, GPtrArray **sources,
                                 GError **error);

/* The calls, as the interface above. */
VrAudioStream *vr_audio_stream_open(VrAudioBackend *be, VrAudioDirection dir,
                                    const VrAudioSpec *spec, GError **error);
void vr_audio_stream_start(VrAudioStream *s);
void vr_audio_stream_stop(VrAudioStream *s);
size_t vr_audio_stream_write(VrAudioStream *s, const void *data, size_t frames);
size_t vr_audio_stream_read(VrAudioStream *s, void *data, size_t frames);
size_t vr_audio_stream_queued(VrAudioStream *s);
void vr_audio_stream_close(VrAudioStream *s);
char *vr_audio_backend_status(VrAudioBackend *be);
unsigned vr_audio_backend_underruns(VrAudioBackend *be);
void vr_audio_backend_free(VrAudioBackend *be);

/* ---- For backends: real-time pacing ---- */

/* A stream's clock: how many frames the host has played (or recorded) since it started. */
typedef struct {
    uint32_t rate;
    size_t ahead; /* frames an output may be ahead of the clock; input: most kept */
    bool running;
    gint64 base_us;  /* when the clock last started from frame 0 */
    uint64_t frames; /* frames written (output) or read (input) since base_us */
} VrAudioPacer;

void vr_audio_pacer_init(VrAudioPacer *p, uint32_t rate, unsigned latency_ms);
void vr_audio_pacer_start(VrAudioPacer *p);
void vr_audio_pacer_stop(VrAudioPacer *p);
/* Output: frames that may be written now; counts an underrun on be when the clock passed
 * everything written. Input: frames that may be read now (older ones are dropped). */
size_t vr_audio_pacer_room(VrAudioPacer *p, VrAudioBackend *be, VrAudioDirection dir);
void vr_audio_pacer_advance(VrAudioPacer *p, size_t frames);
/* Output: frames written and not yet played by the clock. */
size_t vr_audio_pacer_queued(VrAudioPacer *p);

#define VR_AUDIO_ERROR vr_audio_error_quark()
GQuark vr_audio_error_quark(void);
typedef enum {
    VR_AUDIO_ERROR_FILE,      /* a WAV file that cannot be read or written */
    VR_AUDIO_ERROR_FORMAT,    /* a stream format or WAV file the backend does not take */
    VR_AUDIO_ERROR_NO_SERVER, /* no sound server answered */
} VrAudioError;

#endif
