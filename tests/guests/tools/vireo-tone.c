/* vireo-tone: plays sine tones on the first sound card and records from it, through the ALSA
 * kernel interface alone (no alsa-lib), for host tests that check what the guest played and
 * what it heard.
 *
 *   vireo-tone play FORMAT RATE CHANNELS SECONDS [FREQ_L [FREQ_R]]
 *   vireo-tone rec FORMAT RATE CHANNELS SECONDS
 *   vireo-tone burst FORMAT RATE CHANNELS COUNT SECONDS [FREQ]
 *
 * FORMAT is u8, s16, s32 or float. play writes SECONDS of tone to /dev/snd/pcmC0D0p: even
 * channels (left) at FREQ_L Hz (default 440), odd ones (right) at FREQ_R Hz (default FREQ_L),
 * amplitude 0.5 of full scale, waits until it has been played and prints "tone: played N
 * frames, X xruns". rec reads SECONDS from /dev/snd/pcmC0D0c and prints, for each channel,
 * "tone: rec chC hz=F peak=P gap_ms=G sound_s=S": over the part with sound (from the first to
 * the last sample above 0.05 of full scale, S seconds long), F is the frequency found by zero
 * crossings, P the largest sample (0..1) and G the longest run of silence inside it. Exit
 * status 1 when the device cannot be opened or set up, 2 for bad arguments.
 * burst, for the latency benchmark (tests/bench/sound.py), plays one stream without a pause:
 * COUNT times 1 s of silence then SECONDS of tone at FREQ Hz (default 1000, rounded to whole
 * cycles per 20 ms period, so one period computed once repeats), and prints
 * "tone: onset I delay=D" just before it writes the first period of burst I, D being the frames
 * the device still had queued then (ALSA's delay); then "tone: bursts N, X xruns".
 * play and burst first turn the card's "Master Playback Switch" on and its "Master Playback
 * Volume" to the top where it has them (HD-audio under QEMU starts muted; virtio-snd has none).
 * Built static for riscv64 by tests/guests/build-initramfs.sh.
 */
#include <errno.h>
#include <fcntl.h>
#include <sound/asound.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#define SOUND_LEVEL   0.05 /* where a tone starts and ends */
#define SILENCE_LEVEL 0.01 /* below this, a sample counts as silence */

typedef struct {
    const char *name;
    unsigned alsa;
    unsigned bytes;
} Format;

static const Format formats[] = {
    {"u8", SNDRV_PCM_FORMAT_U8, 1},
    {"s16", SNDRV_PCM_FORMAT_S16_LE, 2},
    {"s32", SNDRV_PCM_FORMAT_S32_LE, 4},
    {"float", SNDRV_PCM_FORMAT_FLOAT_LE, 4},
};

static void mask_only(struct snd_pcm_hw_params *p, int var, unsigned bit)
{
    struct snd_mask *m = &p->masks[var - SNDRV_PCM_HW_PARAM_FIRST_MASK];
    memset(m, 0, sizeof(*m));
    m->bits[bit / 32] = 1u << (bit % 32);
}

static void interval_only(struct snd_pcm_hw_params *p, int var, unsigned v)
{
    struct snd_interval *i = &p->intervals[var - SNDRV_PCM_HW_PARAM_FIRST_INTERVAL];
    memset(i, 0, sizeof(*i));
    i->min = i->max = v;
    i->integer = 1;
}

/* Opens the PCM device and sets it up: interleaved frames, a period of 20 ms, 4 periods. */
static int pcm_open(const char *path, const Format *f, unsigned rate, unsigned channels)
{
    int fd = open(path, O_RDWR | O_CLOEXEC);
    if (fd < 0) {
        perror(path);
        return -1;
    }
    struct snd_pcm_hw_params p;
    memset(&p, 0, sizeof(p));
    for (int i = 0; i <= SNDRV_PCM_HW_PARAM_LAST_MASK - SNDRV_PCM_HW_PARAM_FIRST_MASK; i++)
        memset(&p.masks[i], 0xff, sizeof(p.masks[i]));
    for (int i = 0; i <= SNDRV_PCM_HW_PARAM_LAST_INTERVAL - SNDRV_PCM_HW_PARAM_FIRST_INTERVAL; i++)
        p.intervals[i].max = ~0u;
    p.rmask = ~0u;
    p.info = ~0u;
    mask_only(&p, SNDRV_PCM_HW_PARAM_ACCESS, SNDRV_PCM_ACCESS_RW_INTERLEAVED);
    mask_only(&p, SNDRV_PCM_HW_PARAM_FORMAT, f->alsa);
    mask_only(&p, SNDRV_PCM_HW_PARAM_SUBFORMAT, SNDRV_PCM_SUBFORMAT_STD);
    interval_only(&p, SNDRV_PCM_HW_PARAM_CHANNELS, channels);
    interval_only(&p, SNDRV_PCM_HW_PARAM_RATE, rate);
    interval_only(&p, SNDRV_PCM_HW_PARAM_PERIOD_SIZE, rate / 50);
    interval_only(&p, SNDRV_PCM_HW_PARAM_PERIODS, 4);
    if (ioctl(fd, SNDRV_PCM_IOCTL_HW_PARAMS, &p) < 0) {
        fprintf(stderr, "%s: hw_params %s %u Hz %u channels: %s\n", path, f->name, rate, channels,
                strerror(errno));
        close(fd);
        return -1;
    }
    if (ioctl(fd, SNDRV_PCM_IOCTL_PREPARE) < 0) {
        perror("prepare");
        close(fd);
        return -1;
    }
    return fd;
}

/* Unmutes the card's master output, if it has controls of those names: nothing (no alsactl)
 * else sets them in this initramfs. */
static void unmute(void)
{
    static const char *const names[] = {"Master Playback Switch", "Master Playback Volume"};
    int fd = open("/dev/snd/controlC0", O_RDWR | O_CLOEXEC);
    if (fd < 0)
        return;
    for (size_t n = 0; n < sizeof(names) / sizeof(names[0]); n++) {
        struct snd_ctl_elem_info info;
        memset(&info, 0, sizeof(info));
        info.id.iface = SNDRV_CTL_ELEM_IFACE_MIXER;
        strncpy((char *) info.id.name, names[n], sizeof(info.id.name) - 1);
        if (ioctl(fd, SNDRV_CTL_IOCTL_ELEM_INFO, &info) < 0)
            continue;
        struct snd_ctl_elem_value v;
        memset(&v, 0, sizeof(v));
        v.id = info.id;
        for (unsigned c = 0; c < info.count && c < 128; c++)
            v.value.integer.value[c] =
                info.type == SNDRV_CTL_ELEM_TYPE_BOOLEAN ? 1 : info.value.integer.max;
        if (info.type == SNDRV_CTL_ELEM_TYPE_BOOLEAN || info.type == SNDRV_CTL_ELEM_TYPE_INTEGER)
            ioctl(fd, SNDRV_CTL_IOCTL_ELEM_WRITE, &v);
    }
    close(fd);
}

#define PI 3.14159265358979323846

/* sin(2 pi turns), without libm (the tools are built without it). */
static double sine_turns(double turns)
{
    turns -= (double) (long long) turns;
    if (turns < 0)
        turns += 1;
    /* Into -1/4 .. 1/4 turn, where the series converges fast. */
    if (turns > 0.75)
        turns -= 1;
    else if (turns > 0.25)
        turns = 0.5 - turns;
    double x = 2 * PI * turns, x2 = x * x, term = x, sum = x;
    for (int k = 1; k < 10; k++) {
        term *= -x2 / ((2 * k) * (2 * k + 1));
        sum += term;
    }
    return sum;
}

static double absolute(double v)
{
    return v < 0 ? -v : v;
}

static long round_to_long(double v)
{
    return (long) (v < 0 ? v - 0.5 : v + 0.5);
}

static void put_sample(const Format *f, uint8_t *s, double v)
{
    if (f->bytes == 1) {
        s[0] = (uint8_t) round_to_long(v * 127 + 128);
    } else if (f->alsa == SNDRV_PCM_FORMAT_S16_LE) {
        int16_t x = (int16_t) round_to_long(v * 32767);
        memcpy(s, &x, 2);
    } else if (f->alsa == SNDRV_PCM_FORMAT_S32_LE) {
        int32_t x = (int32_t) round_to_long(v * 2147483647.0);
        memcpy(s, &x, 4);
    } else {
        float x = (float) v;
        memcpy(s, &x, 4);
    }
}

static double get_sample(const Format *f, const uint8_t *s)
{
    if (f->bytes == 1)
        return (s[0] - 128) / 128.0;
    if (f->alsa == SNDRV_PCM_FORMAT_S16_LE) {
        int16_t x;
        memcpy(&x, s, 2);
        return x / 32768.0;
    }
    if (f->alsa == SNDRV_PCM_FORMAT_S32_LE) {
        int32_t x;
        memcpy(&x, s, 4);
        return x / 2147483648.0;
    }
    float x;
    memcpy(&x, s, 4);
    return x;
}

static int play(int fd, const Format *f, unsigned rate, unsigned channels, unsigned frames,
                double freq_l, double freq_r)
{
    size_t frame = (size_t) f->bytes * channels;
    uint8_t *buf = malloc(frames * frame);
    if (!buf)
        return 1;
    for (unsigned i = 0; i < frames; i++)
        for (unsigned c = 0; c < channels; c++) {
            double hz = c % 2 ? freq_r : freq_l;
            put_sample(f, buf + i * frame + c * f->bytes, 0.5 * sine_turns(hz * i / rate));
        }
    unsigned done = 0, xruns = 0;
    while (done < frames) {
        struct snd_xferi x = {0, buf + (size_t) done * frame, frames - done};
        if (ioctl(fd, SNDRV_PCM_IOCTL_WRITEI_FRAMES, &x) < 0) {
            if (errno == EINTR || errno == EAGAIN)
                continue;
            if (errno != EPIPE) {
                perror("writei");
                free(buf);
                return 1;
            }
            xruns++;
            ioctl(fd, SNDRV_PCM_IOCTL_PREPARE);
            continue;
        }
        done += (unsigned) x.result;
    }
    ioctl(fd, SNDRV_PCM_IOCTL_DRAIN);
    printf("tone: played %u frames, %u xruns\n", frames, xruns);
    free(buf);
    return 0;
}

/* Writes one period, starting again after an underrun; 0, or -1 with the error printed. */
static int write_period(int fd, const uint8_t *period, unsigned frames, size_t frame,
                        unsigned *xruns)
{
    unsigned done = 0;
    while (done < frames) {
        struct snd_xferi x = {0, (void *) (period + (size_t) done * frame), frames - done};
        if (ioctl(fd, SNDRV_PCM_IOCTL_WRITEI_FRAMES, &x) < 0) {
            if (errno == EINTR || errno == EAGAIN)
                continue;
            if (errno != EPIPE) {
                perror("writei");
                return -1;
            }
            (*xruns)++;
            ioctl(fd, SNDRV_PCM_IOCTL_PREPARE);
            continue;
        }
        done += (unsigned) x.result;
    }
    return 0;
}

static int burst(int fd, const Format *f, unsigned rate, unsigned channels, unsigned count,
                 double seconds, double freq)
{
    unsigned frames = rate / 50, xruns = 0;
    size_t frame = (size_t) f->bytes * channels;
    /* Whole cycles per period, so the period repeats without a click. */
    long cycles = round_to_long(freq * frames / rate);
    if (cycles < 1)
        cycles = 1;
    uint8_t *silence = malloc(frames * frame), *tone = malloc(frames * frame);
    if (!silence || !tone)
        return 1;
    for (unsigned i = 0; i < frames; i++)
        for (unsigned c = 0; c < channels; c++) {
            put_sample(f, silence + i * frame + c * f->bytes, 0);
            put_sample(f, tone + i * frame + c * f->bytes,
                       0.5 * sine_turns((double) cycles * i / frames));
        }
    unsigned tone_periods = (unsigned) (seconds * 50 + 0.5);
    for (unsigned b = 0; b < count; b++) {
        for (unsigned p = 0; p < 50; p++)
            if (write_period(fd, silence, frames, frame, &xruns) < 0)
                return 1;
        snd_pcm_sframes_t delay = 0;
        ioctl(fd, SNDRV_PCM_IOCTL_DELAY, &delay);
        printf("tone: onset %u delay=%ld\n", b + 1, (long) delay);
        fflush(stdout);
        for (unsigned p = 0; p < tone_periods; p++)
            if (write_period(fd, tone, frames, frame, &xruns) < 0)
                return 1;
    }
    for (unsigned p = 0; p < 10; p++)
        if (write_period(fd, silence, frames, frame, &xruns) < 0)
            return 1;
    ioctl(fd, SNDRV_PCM_IOCTL_DRAIN);
    printf("tone: bursts %u, %u xruns\n", count, xruns);
    free(silence);
    free(tone);
    return 0;
}

/* One channel's analysis line of what rec heard. */
static void analyse(const double *v, unsigned n, unsigned rate, unsigned channel)
{
    unsigned first = n, last = 0;
    double peak = 0;
    for (unsigned i = 0; i < n; i++) {
        double a = absolute(v[i]);
        if (a > peak)
            peak = a;
        if (a > SOUND_LEVEL) {
            if (first == n)
                first = i;
            last = i;
        }
    }
    double hz = 0, gap = 0, sound = 0;
    if (first < last) {
        /* Crossings of zero upwards, placed between samples by linear interpolation. */
        double first_cross = -1, last_cross = -1;
        unsigned crossings = 0, quiet = 0, longest = 0;
        for (unsigned i = first + 1; i <= last; i++) {
            if (v[i - 1] < 0 && v[i] >= 0) {
                double t = i - 1 + v[i - 1] / (v[i - 1] - v[i]);
                if (!crossings)
                    first_cross = t;
                last_cross = t;
                crossings++;
            }
            quiet = absolute(v[i]) < SILENCE_LEVEL ? quiet + 1 : 0;
            if (quiet > longest)
                longest = quiet;
        }
        if (crossings > 1 && last_cross > first_cross)
            hz = (crossings - 1) / ((last_cross - first_cross) / rate);
        gap = longest * 1000.0 / rate;
        sound = (double) (last - first + 1) / rate;
    }
    printf("tone: rec ch%u hz=%.2f peak=%.3f gap_ms=%.1f sound_s=%.3f\n", channel, hz, peak, gap,
           sound);
}

static int record(int fd, const Format *f, unsigned rate, unsigned channels, unsigned frames)
{
    size_t frame = (size_t) f->bytes * channels;
    uint8_t *buf = malloc(frames * frame);
    double *v = malloc(frames * sizeof(double));
    if (!buf || !v)
        return 1;
    unsigned done = 0, xruns = 0;
    if (ioctl(fd, SNDRV_PCM_IOCTL_START) < 0) {
        perror("start");
        return 1;
    }
    while (done < frames) {
        struct snd_xferi x = {0, buf + (size_t) done * frame, frames - done};
        if (ioctl(fd, SNDRV_PCM_IOCTL_READI_FRAMES, &x) < 0) {
            if (errno == EINTR || errno == EAGAIN)
                continue;
            if (errno != EPIPE) {
                perror("readi");
                return 1;
            }
            xruns++;
            ioctl(fd, SNDRV_PCM_IOCTL_PREPARE);
            ioctl(fd, SNDRV_PCM_IOCTL_START);
            continue;
        }
        done += (unsigned) x.result;
    }
    printf("tone: recorded %u frames, %u xruns\n", frames, xruns);
    for (unsigned c = 0; c < channels; c++) {
        for (unsigned i = 0; i < frames; i++)
            v[i] = get_sample(f, buf + i * frame + c * f->bytes);
        analyse(v, frames, rate, c);
    }
    free(v);
    free(buf);
    return 0;
}

int main(int argc, char **argv)
{
    int bursts = argc >= 7 && strcmp(argv[1], "burst") == 0;
    if (!bursts && (argc < 6 || (strcmp(argv[1], "play") != 0 && strcmp(argv[1], "rec") != 0))) {
        fprintf(stderr, "usage: vireo-tone play FORMAT RATE CHANNELS SECONDS [FREQ_L [FREQ_R]]\n"
                        "       vireo-tone rec FORMAT RATE CHANNELS SECONDS\n"
                        "       vireo-tone burst FORMAT RATE CHANNELS COUNT SECONDS [FREQ]\n");
        return 2;
    }
    int playing = strcmp(argv[1], "rec") != 0;
    const Format *f = NULL;
    for (size_t i = 0; i < sizeof(formats) / sizeof(formats[0]); i++)
        if (strcmp(argv[2], formats[i].name) == 0)
            f = &formats[i];
    unsigned rate = (unsigned) strtoul(argv[3], NULL, 10);
    unsigned channels = (unsigned) strtoul(argv[4], NULL, 10);
    unsigned count = bursts ? (unsigned) strtoul(argv[5], NULL, 10) : 1;
    int at = bursts ? 6 : 5; /* SECONDS, then the frequencies */
    double seconds = strtod(argv[at], NULL);
    double freq_l = argc > at + 1 ? strtod(argv[at + 1], NULL) : bursts ? 1000 : 440;
    double freq_r = argc > at + 2 ? strtod(argv[at + 2], NULL) : freq_l;
    if (!f || rate < 1000 || rate > 384000 || channels < 1 || channels > 8 || seconds <= 0 ||
        seconds > 60 || freq_l <= 0 || freq_r <= 0 || count < 1 || count > 100) {
        fprintf(stderr, "vireo-tone: bad format, rate, channels, seconds or frequency\n");
        return 2;
    }
    unsigned frames = (unsigned) (seconds * rate);
    if (playing)
        unmute();
    int fd = pcm_open(playing ? "/dev/snd/pcmC0D0p" : "/dev/snd/pcmC0D0c", f, rate, channels);
    if (fd < 0)
        return 1;
    int status = bursts    ? burst(fd, f, rate, channels, count, seconds, freq_l)
                 : playing ? play(fd, f, rate, channels, frames, freq_l, freq_r)
                           : record(fd, f, rate, channels, frames);
    close(fd);
    return status;
}
