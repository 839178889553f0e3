/* The audio backends: the null backend's pace and silence, WAV files written and read back
 * (with conversion), bad WAV files, and PulseAudio against a server of the test's own
 * (a null sink recorded through its monitor), killed and started again mid-stream. */
#include <glib.h>
#include <glib/gstdio.h>
#include <math.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>

#include "../pulse-test-server.h"
#include "vr-audio.h"

/* Writes all frames, waiting while the backend has no room; returns the seconds it took. */
static double write_paced(VrAudioStream *s, const void *data, size_t frames, double timeout)
{
    size_t frame = vr_audio_frame_bytes(&s->spec), done = 0;
    gint64 start = g_get_monotonic_time();
    while (done < frames) {
        done += vr_audio_stream_write(s, (const uint8_t *) data + done * frame, frames - done);
        g_assert_cmpfloat((g_get_monotonic_time() - start) / 1e6, <, timeout);
        if (done < frames)
            g_usleep(2000);
    }
    return (g_get_monotonic_time() - start) / 1e6;
}

static void test_null_pace(void)
{
    VrAudioBackend *be = vr_audio_null_new(100);
    g_autofree char *status = vr_audio_backend_status(be);
    g_assert_cmpstr(status, ==, "connected");
    VrAudioSpec spec = {VR_AUDIO_S16, 48000, 2};
    VrAudioStream *s = vr_audio_stream_open(be, VR_AUDIO_OUTPUT, &spec, NULL);
    g_assert_nonnull(s);
    /* Stopped: nothing is taken. */
    int16_t buf[2 * 4800] = {0};
    g_assert_cmpuint(vr_audio_stream_write(s, buf, 4800), ==, 0);
    vr_audio_stream_start(s);
    /* The latency's worth (0.1 s) at once, then the rest at the stream's rate: 0.3 s more
     * takes about 0.3 s. */
    gint64 t_first = g_get_monotonic_time();
    size_t first = vr_audio_stream_write(s, buf, 4800);
    g_assert_cmpuint(first, ==, 4800);
    /* Full: the second write takes only what played since the first (more when this test
     * was held up in between). */
    size_t second = vr_audio_stream_write(s, buf, 4800);
    double gap = (g_get_monotonic_time() - t_first) / 1e6;
    g_assert_cmpfloat((double) second, <, 200 + gap * 48000);
    double seconds = 0;
    for (unsigned i = 0; i < 3; i++)
        seconds += write_paced(s, buf, 4800, 5);
    g_assert_cmpfloat(seconds, >, 0.25);
    g_assert_cmpfloat(seconds, <, 0.9);
    g_assert_cmpuint(vr_audio_stream_queued(s), <=, 4800);
    /* Nothing written for longer than the latency: the stream ran dry (once, unless this
     * test was held up for as long before). */
    guint before = vr_audio_backend_underruns(be);
    g_usleep(300000);
    g_assert_cmpuint(vr_audio_stream_write(s, buf, 10), ==, 10);
    g_assert_cmpuint(vr_audio_backend_underruns(be), ==, before + 1);
    vr_audio_stream_close(s);
    vr_audio_backend_free(be);
}

static void test_null_input(void)
{
    VrAudioBackend *be = vr_audio_null_new(200);
    VrAudioSpec spec = {VR_AUDIO_U8, 8000, 1};
    VrAudioStream *s = vr_audio_stream_open(be, VR_AUDIO_INPUT, &spec, NULL);
    uint8_t buf[4000];
    memset(buf, 0x55, sizeof(buf));
    g_assert_cmpuint(vr_audio_stream_read(s, buf, sizeof(buf)), ==, 0);
    gint64 start = g_get_monotonic_time();
    vr_audio_stream_start(s);
    g_usleep(100000);
    size_t got = vr_audio_stream_read(s, buf, sizeof(buf) - 1);
    double elapsed = (g_get_monotonic_time() - start) / 1e6;
    /* About 800 frames in 0.1 s; more when this test was held up for longer than that, but
     * never more than the time since the start gave. */
    g_assert_cmpuint(got, >=, 700);
    g_assert_cmpfloat((double) got, <=, 200 + elapsed * 8000);
    for (size_t i = 0; i < got; i++)
        g_assert_cmpuint(buf[i], ==, 0x80);
    g_assert_cmpuint(buf[got], ==, 0x55);
    vr_audio_stream_close(s);
    vr_audio_backend_free(be);
}

typedef struct {
    char *dir;
    char *out, *in;
} Tmp;

static void tmp_init(Tmp *t)
{
    t->dir = g_dir_make_tmp("vireo-audio-XXXXXX", NULL);
    g_assert_nonnull(t->dir);
    t->out = g_build_filename(t->dir, "out.wav", NULL);
    t->in = g_build_filename(t->dir, "in.wav", NULL);
}

static void tmp_free(Tmp *t)
{
    g_unlink(t->out);
    g_unlink(t->in);
    g_rmdir(t->dir);
    g_free(t->dir);
    g_free(t->out);
    g_free(t->in);
}

static uint32_t le32(const uint8_t *p)
{
    return (uint32_t) p[0] | (uint32_t) p[1] << 8 | (uint32_t) p[2] << 16 | (uint32_t) p[3] << 24;
}

static uint16_t le16(const uint8_t *p)
{
    return (uint16_t) (p[0] | p[1] << 8);
}

/* A WAV file as the test builds it, independent of the backend's writer. */
static void make_wav(const char *path, unsigned tag, unsigned channels, unsigned rate,
                     unsigned bits, const void *data, size_t len)
{
    g_autofree uint8_t *f = g_malloc(44 + len);
    memcpy(f, "RIFF", 4);
    uint32_t v = (uint32_t) (36 + len);
    memcpy(f + 4, &v, 4);
    memcpy(f + 8, "WAVEfmt ", 8);
    v = 16;
    memcpy(f + 16, &v, 4);
    uint16_t h = (uint16_t) tag;
    memcpy(f + 20, &h, 2);
    h = (uint16_t) channels;
    memcpy(f + 22, &h, 2);
    memcpy(f + 24, &rate, 4);
    v = rate * channels * bits / 8;
    memcpy(f + 28, &v, 4);
    h = (uint16_t) (channels * bits / 8);
    memcpy(f + 32, &h, 2);
    h = (uint16_t) bits;
    memcpy(f + 34, &h, 2);
    memcpy(f + 36, "data", 4);
    v = (uint32_t) len;
    memcpy(f + 40, &v, 4);
    memcpy(f + 44, data, len);
    g_assert_true(g_file_set_contents(path, (const char *) f, (gssize) (44 + len), NULL));
}

static void test_wav_output(void)
{
    Tmp t;
    tmp_init(&t);
    g_autoptr(GError) error = NULL;
    VrAudioBackend *be = vr_audio_wav_new(t.out, NULL, 20, &error);
    g_assert_no_error(error);
    VrAudioSpec spec = {VR_AUDIO_F32, 16000, 2};
    VrAudioStream *s = vr_audio_stream_open(be, VR_AUDIO_OUTPUT, &spec, NULL);
    float tone[2 * 1600];
    for (unsigned i = 0; i < 1600; i++) {
        tone[2 * i] = sinf((float) i * 0.1f);
        tone[2 * i + 1] = -tone[2 * i] / 2;
    }
    vr_audio_stream_start(s);
    double seconds = write_paced(s, tone, 1600, 5);
    /* 0.1 s of sound, less the 20 ms written ahead. */
    g_assert_cmpfloat(seconds, >, 0.06);
    vr_audio_stream_close(s);
    vr_audio_backend_free(be);

    g_autofree uint8_t *f = NULL;
    gsize len;
    g_assert_true(g_file_get_contents(t.out, (char **) &f, &len, NULL));
    g_assert_cmpuint(len, ==, 44 + sizeof(tone));
    g_assert_cmpmem(f, 4, "RIFF", 4);
    g_assert_cmpuint(le32(f + 4), ==, 36 + sizeof(tone));
    g_assert_cmpuint(le16(f + 20), ==, 3); /* IEEE float */
    g_assert_cmpuint(le16(f + 22), ==, 2);
    g_assert_cmpuint(le32(f + 24), ==, 16000);
    g_assert_cmpuint(le16(f + 34), ==, 32);
    g_assert_cmpuint(le32(f + 40), ==, sizeof(tone));
    g_assert_cmpmem(f + 44, len - 44, tone, sizeof(tone));
    tmp_free(&t);
}

static void test_wav_input(void)
{
    Tmp t;
    tmp_init(&t);
    int16_t data[800];
    for (unsigned i = 0; i < G_N_ELEMENTS(data); i++)
        data[i] = (int16_t) (i * 40 - 16000);
    make_wav(t.in, 1, 1, 8000, 16, data, sizeof(data));
    g_autoptr(GError) error = NULL;
    VrAudioBackend *be = vr_audio_wav_new(NULL, t.in, 500, &error);
    g_assert_no_error(error);

    /* The file's own format: byte for byte, then silence. */
    VrAudioSpec spec = {VR_AUDIO_S16, 8000, 1};
    VrAudioStream *s = vr_audio_stream_open(be, VR_AUDIO_INPUT, &spec, NULL);
    vr_audio_stream_start(s);
    int16_t got[1000];
    size_t n = 0;
    gint64 deadline = g_get_monotonic_time() + 5 * G_USEC_PER_SEC;
    while (n < G_N_ELEMENTS(got) && g_get_monotonic_time() < deadline) {
        n += vr_audio_stream_read(s, got + n, G_N_ELEMENTS(got) - n);
        g_usleep(5000);
    }
    g_assert_cmpuint(n, ==, G_N_ELEMENTS(got));
    g_assert_cmpmem(got, sizeof(data), data, sizeof(data));
    for (unsigned i = 800; i < 1000; i++)
        g_assert_cmpint(got[i], ==, 0);
    vr_audio_stream_close(s);

    /* Another format and channel count: converted, each channel the file's mono one. */
    VrAudioSpec fspec = {VR_AUDIO_F32, 8000, 2};
    s = vr_audio_stream_open(be, VR_AUDIO_INPUT, &fspec, NULL);
    vr_audio_stream_start(s);
    g_usleep(60000);
    float fl[2 * 100];
    n = vr_audio_stream_read(s, fl, 100);
    g_assert_cmpuint(n, >=, 100);
    for (unsigned i = 0; i < 100; i++) {
        g_assert_cmpfloat_with_epsilon(fl[2 * i], data[i] / 32768.0f, 1e-6);
        g_assert_cmpfloat(fl[2 * i + 1], ==, fl[2 * i]);
    }
    vr_audio_stream_close(s);

    /* Another rate: twice the file's, the frames between interpolated (the file is a ramp,
     * so each is the mean of its neighbours). */
    VrAudioSpec fast = {VR_AUDIO_S16, 16000, 1};
    s = vr_audio_stream_open(be, VR_AUDIO_INPUT, &fast, NULL);
    vr_audio_stream_start(s);
    g_usleep(60000);
    int16_t up[200];
    n = vr_audio_stream_read(s, up, G_N_ELEMENTS(up));
    g_assert_cmpuint(n, ==, G_N_ELEMENTS(up));
    for (unsigned i = 0; i < G_N_ELEMENTS(up); i++) {
        int want = i % 2 ? (data[i / 2] + data[i / 2 + 1]) / 2 : data[i / 2];
        g_assert_cmpint(up[i], ==, want);
    }
    vr_audio_stream_close(s);
    vr_audio_backend_free(be);
    tmp_free(&t);
}

static void test_wav_errors(void)
{
    Tmp t;
    tmp_init(&t);
    g_autoptr(GError) error = NULL;
    VrAudioBackend *be = vr_audio_wav_new(NULL, t.in, 50, &error);
    g_assert_null(be);
    g_assert_error(error, VR_AUDIO_ERROR, VR_AUDIO_ERROR_FILE);
    g_assert_nonnull(strstr(error->message, "in.wav"));
    g_clear_error(&error);

    g_assert_true(g_file_set_contents(t.in, "RIFF....WAVEjunk", -1, NULL));
    be = vr_audio_wav_new(NULL, t.in, 50, &error);
    g_assert_null(be);
    g_assert_error(error, VR_AUDIO_ERROR, VR_AUDIO_ERROR_FORMAT);
    g_assert_nonnull(strstr(error->message, "in.wav"));
    g_clear_error(&error);

    uint8_t pcm24[6] = {0};
    make_wav(t.in, 1, 1, 8000, 24, pcm24, sizeof(pcm24));
    be = vr_audio_wav_new(NULL, t.in, 50, &error);
    g_assert_null(be);
    g_assert_error(error, VR_AUDIO_ERROR, VR_AUDIO_ERROR_FORMAT);
    g_clear_error(&error);

    /* A folder that is not there for the output. */
    g_autofree char *bad = g_build_filename(t.dir, "no", "such.wav", NULL);
    be = vr_audio_wav_new(bad, NULL, 50, &error);
    g_assert_null(be);
    g_assert_error(error, VR_AUDIO_ERROR, VR_AUDIO_ERROR_FILE);
    g_assert_nonnull(strstr(error->message, "such.wav"));
    tmp_free(&t);
}

/* ---- PulseAudio ---- */

/* The test's own server, with one null sink, vireo_test. */
static bool pulse_init(VrTestPulse *p)
{
    const char *missing = vr_test_pulse_missing();
    if (missing) {
        g_test_skip(missing);
        return false;
    }
    const char *modules[] = {"module-null-sink sink_name=vireo_test", NULL};
    vr_test_pulse_init(p, modules);
    return true;
}

static bool wait_status(VrAudioBackend *be, bool connected, double timeout)
{
    gint64 deadline = g_get_monotonic_time() + (gint64) (timeout * G_USEC_PER_SEC);
    while (g_get_monotonic_time() < deadline) {
        g_autofree char *status = vr_audio_backend_status(be);
        if ((strcmp(status, "connected") == 0) == connected)
            return true;
        g_usleep(10000);
    }
    return false;
}

#define PA_RATE 48000

/* Plays a 440 Hz tone for seconds while recording the sink's monitor; returns the frequency
 * heard (zero crossings over the part with sound) and sets *longest_gap_ms to the longest
 * silence inside it. */
static double play_and_record(VrAudioStream *out, VrAudioStream *in, double seconds,
                              double *longest_gap_ms)
{
    size_t frames = (size_t) (seconds * PA_RATE);
    g_autofree int16_t *tone = g_new(int16_t, frames);
    for (size_t i = 0; i < frames; i++)
        tone[i] = (int16_t) (12000 * sin(2 * G_PI * 440.0 * (double) i / PA_RATE));
    size_t cap = frames + PA_RATE * 2;
    g_autofree int16_t *rec = g_new0(int16_t, cap);
    size_t written = 0, recorded = 0;
    gint64 deadline = g_get_monotonic_time() + (gint64) ((seconds + 3) * G_USEC_PER_SEC);
    gint64 tail_end = 0;
    while (g_get_monotonic_time() < deadline) {
        if (written < frames)
            written += vr_audio_stream_write(out, tone + written, frames - written);
        else if (!tail_end)
            tail_end = g_get_monotonic_time() + 300000;
        if (recorded < cap)
            recorded += vr_audio_stream_read(in, rec + recorded, cap - recorded);
        if (tail_end && g_get_monotonic_time() > tail_end)
            break;
        g_usleep(3000);
    }
    g_assert_cmpuint(written, ==, frames);
    /* The part with sound: first and last sample above a threshold. */
    size_t first = recorded, last = 0;
    for (size_t i = 0; i < recorded; i++) {
        if (abs(rec[i]) > 3000) {
            if (first == recorded)
                first = i;
            last = i;
        }
    }
    if (first >= last)
        return 0;
    unsigned crossings = 0;
    size_t first_cross = 0, last_cross = 0, quiet = 0, gap = 0;
    for (size_t i = first + 1; i <= last; i++) {
        if ((rec[i - 1] < 0) != (rec[i] < 0)) {
            if (!crossings)
                first_cross = i;
            last_cross = i;
            crossings++;
        }
        quiet = abs(rec[i]) < 200 ? quiet + 1 : 0;
        gap = MAX(gap, quiet);
    }
    /* A 440 Hz tone passes zero 880 times a second; over a gap its sample count is still
     * right, since the monitor records silence there too. */
    *longest_gap_ms = gap * 1000.0 / PA_RATE;
    if (crossings < 2)
        return 0;
    return (crossings - 1) / 2.0 / ((double) (last_cross - first_cross) / PA_RATE);
}

static void test_pulse(void)
{
    VrTestPulse p;
    if (!pulse_init(&p))
        return;

    /* No server yet: the streams go on, silent, and the status says why. */
    VrAudioBackend *be = vr_audio_pulse_new(p.server, "vireo_test", "vireo_test.monitor", 100);
    g_assert_true(wait_status(be, false, 1));
    g_usleep(200000);
    g_autofree char *why = vr_audio_backend_status(be);
    g_assert_nonnull(strstr(why, "PulseAudio"));
    VrAudioSpec spec = {VR_AUDIO_S16, PA_RATE, 1};
    VrAudioStream *out = vr_audio_stream_open(be, VR_AUDIO_OUTPUT, &spec, NULL);
    VrAudioStream *in = vr_audio_stream_open(be, VR_AUDIO_INPUT, &spec, NULL);
    g_assert_nonnull(out);
    g_assert_nonnull(in);
    vr_audio_stream_start(out);
    vr_audio_stream_start(in);
    int16_t quiet[PA_RATE / 10] = {0};
    write_paced(out, quiet, G_N_ELEMENTS(quiet), 2);

    /* The server comes: the backend finds it within its retry interval. */
    vr_test_pulse_start(&p);
    g_assert_true(wait_status(be, true, 5));
    /* The streams are made on the server; the first moments may be lost. */
    g_usleep(300000);
    int16_t drop[PA_RATE];
    vr_audio_stream_read(in, drop, G_N_ELEMENTS(drop));
    /* The new stream's latency (100 ms) is filled with silence: the caller's frames go as
     * they play from the start, not 100 ms of them at once. */
    int16_t probe[PA_RATE / 10] = {0};
    size_t first = vr_audio_stream_write(out, probe, G_N_ELEMENTS(probe));
    g_test_message("the new stream took %zu frames at once", first);
    g_assert_cmpuint(first, <, PA_RATE / 50);
    double gap = 0;
    double hz = play_and_record(out, in, 1.5, &gap);
    g_test_message("heard %.2f Hz, longest gap %.1f ms, underruns %u", hz, gap,
                   vr_audio_backend_underruns(be));
    g_assert_cmpfloat(fabs(hz - 440.0), <, 4.4);
    g_assert_cmpfloat(gap, <, 20);

    /* The server dies mid-stream: writes go on at the stream's pace, the status says so. */
    vr_test_pulse_kill(&p);
    g_assert_true(wait_status(be, false, 5));
    int16_t more[PA_RATE / 5] = {0};
    double took = write_paced(out, more, G_N_ELEMENTS(more), 3);
    g_assert_cmpfloat(took, <, 0.5);

    /* It comes back: the backend reconnects and the tone is heard again. */
    vr_test_pulse_start(&p);
    g_assert_true(wait_status(be, true, 5));
    g_usleep(300000);
    vr_audio_stream_read(in, drop, G_N_ELEMENTS(drop));
    hz = play_and_record(out, in, 1.0, &gap);
    g_test_message("after the restart: %.2f Hz, longest gap %.1f ms", hz, gap);
    g_assert_cmpfloat(fabs(hz - 440.0), <, 4.4);

    vr_audio_stream_close(out);
    vr_audio_stream_close(in);
    vr_audio_backend_free(be);
    vr_test_pulse_free(&p);
}

static bool has_device(GPtrArray *devices, const char *name)
{
    for (guint i = 0; i < devices->len; i++) {
        VrAudioDevice *dev = devices->pdata[i];
        g_assert_nonnull(dev->description);
        if (strcmp(dev->name, name) == 0)
            return true;
    }
    return false;
}

/* The server's sinks and sources; no server is an error that says so. */
static void test_pulse_devices(void)
{
    VrTestPulse p;
    if (!pulse_init(&p))
        return;

    GPtrArray *sinks = NULL, *sources = NULL;
    g_autoptr(GError) error = NULL;
    gint64 t0 = g_get_monotonic_time();
    g_assert_false(vr_audio_pulse_list_devices(p.server, &sinks, &sources, &error));
    g_assert_error(error, VR_AUDIO_ERROR, VR_AUDIO_ERROR_NO_SERVER);
    g_assert_cmpint(g_get_monotonic_time() - t0, <, 3 * G_USEC_PER_SEC);
    g_assert_null(sinks);
    g_clear_error(&error);

    vr_test_pulse_start(&p);
    /* The socket may be there a moment before the server takes clients. */
    bool ok = false;
    for (unsigned i = 0; i < 50 && !ok; i++) {
        ok = vr_audio_pulse_list_devices(p.server, &sinks, &sources, &error);
        if (!ok) {
            g_clear_error(&error);
            g_usleep(100000);
        }
    }
    g_assert_true(ok);
    g_assert_true(has_device(sinks, "vireo_test"));
    /* The sink's monitor is not a source to record from. */
    g_assert_false(has_device(sources, "vireo_test.monitor"));
    g_ptr_array_unref(sinks);
    g_ptr_array_unref(sources);

    vr_test_pulse_free(&p);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/audio/null/pace", test_null_pace);
    g_test_add_func("/audio/null/input", test_null_input);
    g_test_add_func("/audio/wav/output", test_wav_output);
    g_test_add_func("/audio/wav/input", test_wav_input);
    g_test_add_func("/audio/wav/errors", test_wav_errors);
    g_test_add_func("/audio/pulse/tone-and-restart", test_pulse);
    g_test_add_func("/audio/pulse/devices", test_pulse_devices);
    return g_test_run();
}
