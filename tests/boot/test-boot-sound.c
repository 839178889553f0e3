/* Sound seen from Linux: the test kernel (ALSA and the virtio-snd driver) and the busybox
 * initramfs on a machine with a sound card. The guest's vireo-tone plays sine tones and
 * records; the host checks what came out, by FFT, on a PulseAudio server of the test's own
 * (a null sink whose monitor parec records, a second one whose monitor is the guest's
 * input), and in the WAV file the WAV backend writes (stereo channel order, 8-bit and float
 * samples, 8 kHz and 96 kHz). The server killed and started again while the guest plays:
 * the tone comes back and the machine goes on. */
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <math.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../pulse-test-server.h"
#include "guest.h"

#define BOOT_TIMEOUT 180
#define CMD_TIMEOUT  60
#define PA_RATE      48000

static char *kernel, *initrd;

static bool need_guest(void)
{
    if (!kernel || !initrd) {
        g_test_skip("the Linux kernel or the initramfs is not built: run "
                    "tests/guests/build-all.sh");
        return false;
    }
    return true;
}

/* ---- what a recording holds ---- */

typedef struct {
    double hz;      /* the strongest frequency, by FFT */
    double peak;    /* the largest sample, 0 .. 1 */
    double gap_ms;  /* the longest silence between the first and the last sound */
    double sound_s; /* from the first to the last sound */
} Tone;

#define SOUND_LEVEL   0.05
#define SILENCE_LEVEL 0.01

/* In-place radix-2 FFT of n (a power of two) complex values. */
static void fft(double *re, double *im, size_t n)
{
    for (size_t i = 1, j = 0; i < n; i++) {
        size_t bit = n >> 1;
        for (; j & bit; bit >>= 1)
            j ^= bit;
        j |= bit;
        if (i < j) {
            double t = re[i];
            re[i] = re[j];
            re[j] = t;
            t = im[i];
            im[i] = im[j];
            im[j] = t;
        }
    }
    for (size_t len = 2; len <= n; len <<= 1) {
        double a = -2 * G_PI / (double) len;
        for (size_t i = 0; i < n; i += len)
            for (size_t k = 0; k < len / 2; k++) {
                double wr = cos(a * (double) k), wi = sin(a * (double) k);
                double *ur = &re[i + k], *ui = &im[i + k];
                double *vr = &re[i + k + len / 2], *vi = &im[i + k + len / 2];
                double xr = *vr * wr - *vi * wi, xi = *vr * wi + *vi * wr;
                *vr = *ur - xr;
                *vi = *ui - xi;
                *ur += xr;
                *ui += xi;
            }
    }
}

/* The strongest frequency of n samples at rate: a Hann window over the largest power of two
 * in the middle, the peak bin above 20 Hz refined by a parabola through its neighbours. */
static double strongest_hz(const float *v, size_t n, unsigned rate)
{
    size_t len = 1;
    while (len * 2 <= n && len < 65536)
        len *= 2;
    if (len < 256)
        return 0;
    size_t from = (n - len) / 2;
    g_autofree double *re = g_new(double, len);
    g_autofree double *im = g_new0(double, len);
    for (size_t i = 0; i < len; i++)
        re[i] = v[from + i] * (0.5 - 0.5 * cos(2 * G_PI * (double) i / (double) (len - 1)));
    fft(re, im, len);
    size_t lo = (size_t) ceil(20.0 * (double) len / rate), best = lo;
    double best_mag = 0;
    for (size_t k = lo; k < len / 2 - 1; k++) {
        double mag = hypot(re[k], im[k]);
        if (mag > best_mag) {
            best_mag = mag;
            best = k;
        }
    }
    double a = log(hypot(re[best - 1], im[best - 1]) + 1e-12);
    double b = log(best_mag + 1e-12);
    double c = log(hypot(re[best + 1], im[best + 1]) + 1e-12);
    double denom = a - 2 * b + c;
    double delta = denom != 0 ? 0.5 * (a - c) / denom : 0;
    return ((double) best + delta) * rate / (double) len;
}

static Tone analyse(const float *v, size_t n, unsigned rate)
{
    Tone t = {0};
    size_t first = n, last = 0;
    for (size_t i = 0; i < n; i++) {
        double a = fabs(v[i]);
        t.peak = MAX(t.peak, a);
        if (a > SOUND_LEVEL) {
            if (first == n)
                first = i;
            last = i;
        }
    }
    if (first >= last)
        return t;
    size_t quiet = 0, longest = 0;
    for (size_t i = first; i <= last; i++) {
        quiet = fabs(v[i]) < SILENCE_LEVEL ? quiet + 1 : 0;
        longest = MAX(longest, quiet);
    }
    t.gap_ms = (double) longest * 1000.0 / rate;
    t.sound_s = (double) (last - first + 1) / rate;
    t.hz = strongest_hz(v + first, last - first + 1, rate);
    return t;
}

static void check_tone(const char *what, const Tone *t, double hz, double min_sound_s,
                       bool check_gap)
{
    g_test_message("%s: %.2f Hz (want %.0f), peak %.3f, longest gap %.1f ms, sound %.2f s", what,
                   t->hz, hz, t->peak, t->gap_ms, t->sound_s);
    g_assert_cmpfloat(fabs(t->hz - hz), <, hz * 0.01);
    g_assert_cmpfloat(t->sound_s, >=, min_sound_s);
    if (check_gap)
        g_assert_cmpfloat(t->gap_ms, <=, 20);
}

/* Mono s16 samples of a raw recording as floats. */
static float *read_s16(const char *path, size_t *n)
{
    g_autofree char *data = NULL;
    gsize len = 0;
    g_assert_true(g_file_get_contents(path, &data, &len, NULL));
    *n = len / 2;
    float *v = g_new(float, *n + 1);
    for (size_t i = 0; i < *n; i++) {
        int16_t s;
        memcpy(&s, data + 2 * i, 2);
        v[i] = s / 32768.0f;
    }
    return v;
}

/* ---- a WAV file the WAV backend wrote ---- */

typedef struct {
    unsigned format; /* 1 PCM, 3 float */
    unsigned channels, rate, bits;
    size_t frames;
    float *samples; /* interleaved */
} Wav;

static uint32_t le32(const guint8 *p)
{
    return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t) p[3] << 24;
}

static void wav_read(Wav *w, const char *path)
{
    memset(w, 0, sizeof(*w));
    g_autofree guint8 *data = NULL;
    gsize len = 0;
    g_assert_true(g_file_get_contents(path, (char **) &data, &len, NULL));
    g_assert_cmpuint(len, >=, 12);
    g_assert_cmpint(memcmp(data, "RIFF", 4), ==, 0);
    g_assert_cmpint(memcmp(data + 8, "WAVE", 4), ==, 0);
    const guint8 *pcm = NULL;
    size_t pcm_len = 0;
    for (size_t at = 12; at + 8 <= len;) {
        uint32_t size = le32(data + at + 4);
        const guint8 *body = data + at + 8;
        g_assert_cmpuint(at + 8 + size, <=, len);
        if (memcmp(data + at, "fmt ", 4) == 0) {
            g_assert_cmpuint(size, >=, 16);
            w->format = body[0] | body[1] << 8;
            w->channels = body[2] | body[3] << 8;
            w->rate = le32(body + 4);
            w->bits = body[14] | body[15] << 8;
        } else if (memcmp(data + at, "data", 4) == 0) {
            pcm = body;
            pcm_len = size;
        }
        at += 8 + size + (size & 1);
    }
    g_assert_nonnull(pcm);
    g_assert_cmpuint(w->channels, >=, 1);
    unsigned bytes = w->bits / 8;
    g_assert_true(bytes == 1 || bytes == 2 || bytes == 4);
    w->frames = pcm_len / (bytes * w->channels);
    w->samples = g_new(float, w->frames * w->channels + 1);
    for (size_t i = 0; i < w->frames * w->channels; i++) {
        const guint8 *s = pcm + i * bytes;
        if (bytes == 1) {
            w->samples[i] = (s[0] - 128) / 128.0f;
        } else if (bytes == 2) {
            int16_t x;
            memcpy(&x, s, 2);
            w->samples[i] = x / 32768.0f;
        } else if (w->format == 3) {
            memcpy(&w->samples[i], s, 4);
        } else {
            int32_t x;
            memcpy(&x, s, 4);
            w->samples[i] = (float) (x / 2147483648.0);
        }
    }
}

static Tone wav_channel(const Wav *w, unsigned channel)
{
    g_autofree float *v = g_new(float, w->frames + 1);
    for (size_t i = 0; i < w->frames; i++)
        v[i] = w->samples[i * w->channels + channel];
    return analyse(v, w->frames, w->rate);
}

/* ---- a PulseAudio server of the test's own ---- */

typedef VrTestPulse Pulse;

static bool have_pulse(void)
{
    const char *missing = vr_test_pulse_missing();
    if (missing)
        g_test_skip(missing);
    return !missing;
}

/* The server, with two null sinks: vireo_out (the default sink: the guest's output) and
 * vireo_in, whose monitor is the default source (the guest's input). Started again after
 * pulse_kill, with the same names. */
static void pulse_start(Pulse *p)
{
    if (!p->dir) {
        const char *modules[] = {"module-null-sink sink_name=vireo_out",
                                 "module-null-sink sink_name=vireo_in", NULL};
        vr_test_pulse_init(p, modules);
    }
    vr_test_pulse_start(p);
    const char *sink[] = {"set-default-sink", "vireo_out", NULL};
    const char *source[] = {"set-default-source", "vireo_in.monitor", NULL};
    vr_test_pulse_ctl(p, sink);
    vr_test_pulse_ctl(p, source);
    /* The machine's backend finds the server as libpulse does: $PULSE_SERVER (set once,
     * before the backend's thread reads it). */
    if (g_strcmp0(g_getenv("PULSE_SERVER"), p->server) != 0)
        g_setenv("PULSE_SERVER", p->server, TRUE);
}

/* Records the guest's output (vireo_out's monitor, mono s16 at PA_RATE) into path. */
static GSubprocess *parec_start(const Pulse *p, const char *path)
{
    const char *argv[] = {"parec",
                          "--raw",
                          "--format=s16le",
                          "--rate=48000",
                          "--channels=1",
                          "--latency-msec=20",
                          "-d",
                          "vireo_out.monitor",
                          NULL};
    return vr_test_pulse_client(p, NULL, path, argv);
}

/* ---- the guest ---- */

static Guest *boot(const char *name, VrSoundBackend backend, const char *output)
{
    VrMachineConfig cfg;
    vr_machine_config_init(&cfg);
    cfg.memory = 256ull << 20;
    cfg.kernel = g_strdup(kernel);
    cfg.initrd = g_strdup(initrd);
    cfg.append = g_strdup("console=ttyS0 earlycon=sbi");
    cfg.sound = true;
    cfg.sound_backend = backend;
    cfg.sound_output = g_strdup(output);
    Guest *g = guest_start(name, &cfg);
    vr_machine_config_clear(&cfg);
    g_assert_true(vr_machine_has_sound(g->m));
    g_assert_true(guest_expect(g, "vireo-initramfs: ready", BOOT_TIMEOUT));
    return g;
}

/* Runs the guest's events for a while. */
static void pump(Guest *g, double seconds)
{
    gint64 end = g_get_monotonic_time() + (gint64) (seconds * G_USEC_PER_SEC);
    while (g_get_monotonic_time() < end)
        if (!g_main_context_iteration(g->ctx, FALSE))
            g_usleep(2000);
}

static bool sound_connected(Guest *g)
{
    g_autofree char *status = vr_machine_sound_status(g->m);
    return status && strcmp(status, "connected") == 0;
}

/* Waits until the backend is (or is not) connected to its server. */
static bool wait_connected(Guest *g, bool connected, double timeout_s)
{
    gint64 end = g_get_monotonic_time() + (gint64) (timeout_s * G_USEC_PER_SEC);
    while (sound_connected(g) != connected) {
        if (g_get_monotonic_time() > end)
            return false;
        pump(g, 0.02);
    }
    return true;
}

static void power_off(Guest *g)
{
    guest_type(g, "poweroff -f\n");
    g_assert_true(guest_wait_stopped(g, CMD_TIMEOUT));
    g_assert_cmpint(g->result.end, ==, VR_END_POWER_OFF);
}

static void check_played(const char *out, unsigned frames)
{
    g_assert_nonnull(out);
    g_autofree char *want = g_strdup_printf("tone: played %u frames", frames);
    g_test_message("guest: %s", out);
    g_assert_nonnull(strstr(out, want));
}

/* The analysis line vireo-tone rec prints for channel. */
static Tone guest_tone(const char *out, unsigned channel)
{
    Tone t = {0};
    g_assert_nonnull(out);
    g_test_message("guest: %s", out);
    g_autofree char *key = g_strdup_printf("tone: rec ch%u ", channel);
    const char *line = strstr(out, key);
    g_assert_nonnull(line);
    g_assert_cmpint(sscanf(line + strlen(key), "hz=%lf peak=%lf gap_ms=%lf sound_s=%lf", &t.hz,
                           &t.peak, &t.gap_ms, &t.sound_s),
                    ==, 4);
    return t;
}

static char *output_path(const char *name)
{
    const char *dir = g_getenv("VIREO_TEST_OUTPUT");
    g_autofree char *folder = g_strdup(dir ? dir : g_get_tmp_dir());
    g_mkdir_with_parents(folder, 0755);
    return g_build_filename(folder, name, NULL);
}

/* ---- the cases ---- */

static void test_play_pulse(void)
{
    if (!need_guest() || !have_pulse())
        return;
    Pulse p = {0};
    pulse_start(&p);
    Guest *g = boot("sound-play-pulse", VR_SOUND_PULSE, NULL);
    g_assert_true(wait_connected(g, true, 10));
    g_autofree char *rec = output_path("sound-play-pulse.raw");
    GSubprocess *parec = parec_start(&p, rec);
    pump(g, 0.3);
    g_autofree char *out = guest_run(g, "vireo-tone play s16 48000 1 1.5 440", CMD_TIMEOUT);
    check_played(out, 72000);
    pump(g, 0.3);
    vr_test_pulse_client_stop(parec);
    size_t n;
    g_autofree float *v = read_s16(rec, &n);
    Tone t = analyse(v, n, PA_RATE);
    g_test_message("underruns %u", vr_machine_sound_underruns(g->m));
    check_tone("monitor of the sink", &t, 440, 1.4, true);
    power_off(g);
    guest_free(g);
    vr_test_pulse_free(&p);
}

static void test_record_pulse(void)
{
    if (!need_guest() || !have_pulse())
        return;
    Pulse p = {0};
    pulse_start(&p);
    Guest *g = boot("sound-record-pulse", VR_SOUND_PULSE, NULL);
    g_assert_true(wait_connected(g, true, 10));
    /* 660 Hz played into vireo_in, whose monitor the guest records. */
    g_autofree char *tone = output_path("sound-record-pulse.raw");
    size_t frames = PA_RATE * 8;
    g_autofree int16_t *samples = g_new(int16_t, frames);
    for (size_t i = 0; i < frames; i++)
        samples[i] = (int16_t) lrint(16000 * sin(2 * G_PI * 660.0 * (double) i / PA_RATE));
    g_assert_true(g_file_set_contents(tone, (const char *) samples, (gssize) (frames * 2), NULL));
    const char *argv[] = {
        "pacat", "--playback", "--raw", "--format=s16le", "--rate=48000", "--channels=1",
        "-d",    "vireo_in",   NULL};
    GSubprocess *pacat = vr_test_pulse_client(&p, tone, NULL, argv);
    pump(g, 0.5);
    g_autofree char *out = guest_run(g, "vireo-tone rec s16 48000 1 1.5", CMD_TIMEOUT);
    Tone t = guest_tone(out, 0);
    check_tone("recorded in the guest", &t, 660, 1.0, true);
    vr_test_pulse_client_stop(pacat);
    power_off(g);
    guest_free(g);
    vr_test_pulse_free(&p);
}

typedef struct {
    const char *format;
    unsigned rate, channels;
    double left, right;
    unsigned wav_format, wav_bits; /* what the WAV backend writes for it */
} FormatCase;

static void test_formats(void)
{
    if (!need_guest())
        return;
    static const FormatCase cases[] = {
        {"s16", 48000, 2, 440, 660, 1, 16},   /* channel order */
        {"u8", 48000, 1, 440, 440, 1, 8},     /* 8-bit */
        {"float", 48000, 2, 660, 440, 3, 32}, /* float, and the order the other way */
        {"s16", 8000, 1, 440, 440, 1, 16},    /* 8 kHz */
        {"s32", 96000, 2, 440, 880, 1, 32},   /* 96 kHz */
    };
    g_autofree char *wav = output_path("sound-formats.wav");
    g_unlink(wav);
    Guest *g = boot("sound-formats", VR_SOUND_WAV, wav);
    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
        const FormatCase *c = &cases[i];
        g_autofree char *cmd = g_strdup_printf("vireo-tone play %s %u %u 1 %.0f %.0f", c->format,
                                               c->rate, c->channels, c->left, c->right);
        g_autofree char *out = guest_run(g, cmd, CMD_TIMEOUT);
        check_played(out, c->rate);
        Wav w;
        wav_read(&w, wav);
        g_test_message("%s: WAV format %u, %u bits, %u Hz, %u channels, %zu frames", cmd, w.format,
                       w.bits, w.rate, w.channels, w.frames);
        g_assert_cmpuint(w.format, ==, c->wav_format);
        g_assert_cmpuint(w.bits, ==, c->wav_bits);
        g_assert_cmpuint(w.rate, ==, c->rate);
        g_assert_cmpuint(w.channels, ==, c->channels);
        g_assert_cmpuint(w.frames, >=, c->rate);
        g_assert_cmpuint(w.frames, <, c->rate * 6 / 5);
        for (unsigned ch = 0; ch < c->channels; ch++) {
            Tone t = wav_channel(&w, ch);
            g_autofree char *what = g_strdup_printf("%s, channel %u", cmd, ch);
            check_tone(what, &t, ch % 2 ? c->right : c->left, 0.95, true);
            g_assert_cmpfloat(fabs(t.peak - 0.5), <, 0.02);
        }
        g_free(w.samples);
    }
    power_off(g);
    guest_free(g);
}

static void test_pulse_restart(void)
{
    if (!need_guest() || !have_pulse())
        return;
    Pulse p = {0};
    pulse_start(&p);
    Guest *g = boot("sound-pulse-restart", VR_SOUND_PULSE, NULL);
    g_assert_true(wait_connected(g, true, 10));
    g_autofree char *started = guest_run(
        g, "vireo-tone play s16 48000 1 8 440 > /tmp/tone.log 2>&1 & echo started", CMD_TIMEOUT);
    g_assert_cmpstr(started, ==, "started");
    /* The level meter shows the tone (amplitude 0.5) once it plays. */
    float level = 0;
    for (unsigned i = 0; i < 250 && level < 0.2f; i++) {
        pump(g, 0.02);
        level = vr_machine_sound_level(g->m);
    }
    g_assert_cmpfloat(level, >, 0.2);
    g_assert_cmpfloat(level, <, 0.6);
    g_autofree char *before = output_path("sound-pulse-restart-before.raw");
    GSubprocess *parec = parec_start(&p, before);
    pump(g, 1);
    vr_test_pulse_client_stop(parec);
    size_t n;
    g_autofree float *v1 = read_s16(before, &n);
    Tone t1 = analyse(v1, n, PA_RATE);
    check_tone("before the restart", &t1, 440, 0.5, false);

    /* The server dies mid-stream: the machine says so and goes on. */
    vr_test_pulse_kill(&p);
    g_assert_true(wait_connected(g, false, 5));
    g_autofree char *why = vr_machine_sound_status(g->m);
    g_test_message("without the server: %s", why);
    g_assert_nonnull(strstr(why, "PulseAudio"));
    pump(g, 0.5);
    g_assert_false(g->stopped);

    /* It comes back: the backend reconnects and the tone is heard again. */
    pulse_start(&p);
    g_assert_true(wait_connected(g, true, 5));
    pump(g, 0.3);
    g_autofree char *after = output_path("sound-pulse-restart-after.raw");
    parec = parec_start(&p, after);
    pump(g, 1.2);
    vr_test_pulse_client_stop(parec);
    g_autofree float *v2 = read_s16(after, &n);
    Tone t2 = analyse(v2, n, PA_RATE);
    check_tone("after the restart", &t2, 440, 0.8, false);

    g_autofree char *log = guest_run(g, "wait; cat /tmp/tone.log", CMD_TIMEOUT);
    check_played(log, 8 * 48000);
    g_autofree char *alive = guest_run(g, "echo alive-$((6 * 7))", CMD_TIMEOUT);
    g_assert_cmpstr(alive, ==, "alive-42");
    power_off(g);
    guest_free(g);
    vr_test_pulse_free(&p);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    kernel = guest_artifact("build-linux.sh", NULL);
    initrd = guest_artifact("build-initramfs.sh", NULL);
    g_test_add_func("/sound/play-pulse", test_play_pulse);
    g_test_add_func("/sound/record-pulse", test_record_pulse);
    g_test_add_func("/sound/formats", test_formats);
    g_test_add_func("/sound/pulse-restart", test_pulse_restart);
    return g_test_run();
}
