/* virtio-snd driven as a guest driver would: the configuration and the INFO answers, the PCM
 * state machine, tones through tx arriving in a WAV file bit for bit (after conversion),
 * rx filled from a WAV file, RELEASE returning the buffers, mute and the level meter, and
 * malformed requests answered while the output stream goes on playing. */
#include <glib.h>
#include <glib/gstdio.h>
#include <math.h>
#include <string.h>

#include "virtio-test-driver.h"
#include "virtio/virtio-snd.h"
#include "vr-audio.h"
#include "vr-state.h"

#define RAM_SIZE (16ull << 20)
#define QSIZE    64
#define CTLQ     0
#define TXQ      2
#define RXQ      3
#define OUT      0
#define IN       1
#define RATE_8K  VR_VIRTIO_SND_PCM_RATE_8000

static uint32_t le32(const uint8_t *p)
{
    return (uint32_t) p[0] | (uint32_t) p[1] << 8 | (uint32_t) p[2] << 16 | (uint32_t) p[3] << 24;
}

static uint64_t le64(const uint8_t *p)
{
    return le32(p) | (uint64_t) le32(p + 4) << 32;
}

static void put32(uint8_t *p, uint32_t v)
{
    for (unsigned i = 0; i < 4; i++)
        p[i] = (uint8_t) (v >> (8 * i));
}

typedef struct {
    TdMachine m;
    TdQueue q[4];
    VrVirtioDevice *dev;
    char *dir, *out_path, *in_path;
} Snd;

static void snd_init_with(Snd *s, VrAudioBackend *be)
{
    s->dev = vr_virtio_snd_new(be);
    td_init(&s->m, s->dev, RAM_SIZE, td_with_iothread());
    td_start(&s->m, 0, s->q, 4, QSIZE);
}

static void snd_init_null(Snd *s)
{
    memset(s, 0, sizeof(*s));
    snd_init_with(s, vr_audio_null_new(20));
}

/* A machine whose sound goes to (and comes from) WAV files in a folder of its own;
 * in_data, when given, is the input file's S16 data. */
static void snd_init_wav(Snd *s, unsigned in_channels, const int16_t *in_data, size_t in_frames)
{
    memset(s, 0, sizeof(*s));
    s->dir = g_dir_make_tmp("vireo-snd-XXXXXX", NULL);
    s->out_path = g_build_filename(s->dir, "out.wav", NULL);
    s->in_path = g_build_filename(s->dir, "in.wav", NULL);
    if (in_data) {
        size_t len = in_frames * in_channels * 2;
        g_autofree uint8_t *f = g_malloc0(44 + len);
        memcpy(f, "RIFF", 4);
        put32(f + 4, (uint32_t) (36 + len));
        memcpy(f + 8, "WAVEfmt ", 8);
        put32(f + 16, 16);
        f[20] = 1;
        f[22] = (uint8_t) in_channels;
        put32(f + 24, 8000);
        put32(f + 28, 8000 * in_channels * 2);
        f[32] = (uint8_t) (in_channels * 2);
        f[34] = 16;
        memcpy(f + 36, "data", 4);
        put32(f + 40, (uint32_t) len);
        memcpy(f + 44, in_data, len);
        g_assert_true(g_file_set_contents(s->in_path, (char *) f, (gssize) (44 + len), NULL));
    }
    g_autoptr(GError) error = NULL;
    VrAudioBackend *be = vr_audio_wav_new(s->out_path, in_data ? s->in_path : NULL, 20, &error);
    g_assert_no_error(error);
    snd_init_with(s, be);
}

static void snd_free(Snd *s)
{
    /* As a machine does: the sound thread stops before the I/O thread. */
    vr_virtio_snd_close_backend(s->dev);
    td_free(&s->m);
    if (s->dir) {
        g_unlink(s->out_path);
        g_unlink(s->in_path);
        g_rmdir(s->dir);
    }
    g_free(s->dir);
    g_free(s->out_path);
    g_free(s->in_path);
}

/* Sends a control request; returns the status and copies the answer to resp. */
static uint32_t ctl(Snd *s, const void *req, uint32_t req_len, void *resp, uint32_t resp_len)
{
    uint64_t r = td_alloc(&s->m, MAX(req_len, 1), 8), a = td_alloc(&s->m, resp_len, 8);
    memcpy(td_host(&s->m, r), req, req_len);
    TdBuf bufs[] = {{r, req_len, false}, {a, resp_len, true}};
    uint32_t len = td_submit(&s->m, &s->q[CTLQ], bufs, 2);
    g_assert_cmpuint(len, !=, G_MAXUINT32);
    if (resp)
        memcpy(resp, td_host(&s->m, a), resp_len);
    return len >= 4 ? le32(td_host(&s->m, a)) : 0;
}

static uint32_t pcm(Snd *s, uint32_t code, uint32_t stream)
{
    uint8_t req[8];
    put32(req, code);
    put32(req + 4, stream);
    return ctl(s, req, 8, NULL, 4);
}

static uint32_t set_params(Snd *s, uint32_t stream, uint32_t buffer, uint32_t period,
                           uint8_t channels, uint8_t format, uint8_t rate, uint32_t features)
{
    uint8_t req[24] = {0};
    put32(req, VR_VIRTIO_SND_R_PCM_SET_PARAMS);
    put32(req + 4, stream);
    put32(req + 8, buffer);
    put32(req + 12, period);
    put32(req + 16, features);
    req[20] = channels;
    req[21] = format;
    req[22] = rate;
    return ctl(s, req, 24, NULL, 4);
}

static uint32_t query(Snd *s, uint32_t code, uint32_t start, uint32_t count, uint32_t size,
                      uint8_t *out, uint32_t out_len)
{
    uint8_t req[16];
    put32(req, code);
    put32(req + 4, start);
    put32(req + 8, count);
    put32(req + 12, size);
    return ctl(s, req, 16, out, out_len);
}

/* ---- tx and rx buffers, several in flight ---- */

typedef struct {
    uint16_t head;
    uint64_t data, status;
    uint32_t data_len;
} Xfer;

/* Posts a buffer in descriptor slot (3 descriptors each) without kicking. */
static Xfer post(Snd *s, unsigned q, unsigned slot, uint32_t stream, const void *data,
                 uint32_t data_len)
{
    Xfer x = {.head = (uint16_t) (slot * 3), .data_len = data_len};
    uint64_t hdr = td_alloc(&s->m, 4, 8);
    put32(td_host(&s->m, hdr), stream);
    x.data = td_alloc(&s->m, MAX(data_len, 1), 8);
    x.status = td_alloc(&s->m, 8, 8);
    if (data)
        memcpy(td_host(&s->m, x.data), data, data_len);
    bool tx = q == TXQ;
    td_set_desc(&s->m, &s->q[q], x.head, hdr, 4, VR_VIRTQ_DESC_F_NEXT, x.head + 1);
    td_set_desc(&s->m, &s->q[q], x.head + 1, x.data, data_len,
                VR_VIRTQ_DESC_F_NEXT | (tx ? 0 : VR_VIRTQ_DESC_F_WRITE), x.head + 2);
    td_set_desc(&s->m, &s->q[q], x.head + 2, x.status, 8, VR_VIRTQ_DESC_F_WRITE, 0);
    td_publish(&s->m, &s->q[q], x.head);
    return x;
}

static uint32_t xfer_status(Snd *s, const Xfer *x)
{
    return le32(td_host(&s->m, x->status));
}

/* Waits for n buffers of queue q to come back; lens[head] gets each used length. */
static void collect(Snd *s, unsigned q, unsigned n, uint32_t *lens)
{
    for (unsigned i = 0; i < n; i++) {
        uint32_t id, len;
        g_assert_true(td_wait_used(&s->m, &s->q[q], &id, &len));
        g_assert_cmpuint(id, <, QSIZE);
        lens[id] = len;
    }
}

/* ---- Tests ---- */

static void test_config_and_info(void)
{
    Snd s;
    snd_init_null(&s);
    TdMachine *m = &s.m;
    g_assert_cmpuint(td_read(m, VR_VIRTIO_MMIO_DEVICE_ID), ==, VR_VIRTIO_ID_SOUND);
    g_assert_cmpuint(td_read(m, VR_VIRTIO_MMIO_CONFIG), ==, 2);     /* jacks */
    g_assert_cmpuint(td_read(m, VR_VIRTIO_MMIO_CONFIG + 4), ==, 2); /* streams */
    g_assert_cmpuint(td_read(m, VR_VIRTIO_MMIO_CONFIG + 8), ==, 16);

    uint8_t a[4 + 2 * 32];
    g_assert_cmphex(query(&s, VR_VIRTIO_SND_R_PCM_INFO, 0, 2, 32, a, sizeof(a)), ==,
                    VR_VIRTIO_SND_S_OK);
    const uint8_t *out = a + 4, *in = a + 4 + 32;
    uint64_t want_in = 1u << VR_VIRTIO_SND_PCM_FMT_U8 | 1u << VR_VIRTIO_SND_PCM_FMT_S16 |
                       1u << VR_VIRTIO_SND_PCM_FMT_S32 | 1u << VR_VIRTIO_SND_PCM_FMT_FLOAT;
    g_assert_cmphex(le64(in + 8), ==, want_in);
    uint64_t out_formats = le64(out + 8);
    g_assert_cmphex(out_formats & want_in, ==, want_in);
    g_assert_true(out_formats & (1u << VR_VIRTIO_SND_PCM_FMT_FLOAT64));
    g_assert_true(out_formats & (1u << VR_VIRTIO_SND_PCM_FMT_S24));
    g_assert_false(out_formats & (1u << VR_VIRTIO_SND_PCM_FMT_IMA_ADPCM));
    for (unsigned i = 0; i < 14; i++) {
        bool offered = (le64(out + 16) >> i) & 1;
        unsigned rate = vr_virtio_snd_rate(i);
        g_assert_cmpint(offered, ==, rate >= 8000 && rate <= 192000);
        g_assert_cmpuint(le64(in + 16), ==, le64(out + 16));
    }
    g_assert_cmpuint(out[24], ==, VR_VIRTIO_SND_D_OUTPUT);
    g_assert_cmpuint(in[24], ==, VR_VIRTIO_SND_D_INPUT);
    g_assert_cmpuint(out[25], ==, 1);
    g_assert_cmpuint(out[26], ==, 8);
    g_assert_cmpuint(in[26], ==, 8);

    /* Jacks: line out and microphone, both connected. */
    uint8_t j[4 + 2 * 24];
    g_assert_cmphex(query(&s, VR_VIRTIO_SND_R_JACK_INFO, 0, 2, 24, j, sizeof(j)), ==,
                    VR_VIRTIO_SND_S_OK);
    g_assert_cmpuint(j[4 + 16], ==, 1);
    g_assert_cmpuint(j[4 + 24 + 16], ==, 1);
    g_assert_cmphex((le32(j + 4 + 8) >> 20) & 0xf, ==, 0x0);      /* line out */
    g_assert_cmphex((le32(j + 4 + 24 + 8) >> 20) & 0xf, ==, 0xa); /* mic in */

    /* Channel maps, asked one at a time with a larger item size than the structure. */
    static const uint8_t eight[] = {VR_VIRTIO_SND_CHMAP_FL, VR_VIRTIO_SND_CHMAP_FR,
                                    VR_VIRTIO_SND_CHMAP_RL, VR_VIRTIO_SND_CHMAP_RR,
                                    VR_VIRTIO_SND_CHMAP_FC, VR_VIRTIO_SND_CHMAP_LFE,
                                    VR_VIRTIO_SND_CHMAP_SL, VR_VIRTIO_SND_CHMAP_SR};
    for (unsigned id = 0; id < 16; id++) {
        uint8_t c[4 + 40];
        memset(c, 0xee, sizeof(c));
        g_assert_cmphex(query(&s, VR_VIRTIO_SND_R_CHMAP_INFO, id, 1, 40, c, sizeof(c)), ==,
                        VR_VIRTIO_SND_S_OK);
        unsigned channels = id % 8 + 1;
        g_assert_cmpuint(c[4 + 4], ==, id < 8 ? VR_VIRTIO_SND_D_OUTPUT : VR_VIRTIO_SND_D_INPUT);
        g_assert_cmpuint(c[4 + 5], ==, channels);
        if (channels == 1)
            g_assert_cmpuint(c[4 + 6], ==, VR_VIRTIO_SND_CHMAP_MONO);
        if (channels == 2) {
            g_assert_cmpuint(c[4 + 6], ==, VR_VIRTIO_SND_CHMAP_FL);
            g_assert_cmpuint(c[4 + 7], ==, VR_VIRTIO_SND_CHMAP_FR);
        }
        if (channels == 8)
            g_assert_cmpmem(c + 4 + 6, 8, eight, 8);
        for (unsigned b = 6 + channels; b < 40; b++)
            g_assert_cmpuint(c[4 + b], ==, 0);
    }

    /* Out of range, too small an item, too small an answer. */
    g_assert_cmphex(query(&s, VR_VIRTIO_SND_R_PCM_INFO, 1, 2, 32, a, sizeof(a)), ==,
                    VR_VIRTIO_SND_S_BAD_MSG);
    g_assert_cmphex(query(&s, VR_VIRTIO_SND_R_CHMAP_INFO, 0xffffffff, 2, 24, a, sizeof(a)), ==,
                    VR_VIRTIO_SND_S_BAD_MSG);
    g_assert_cmphex(query(&s, VR_VIRTIO_SND_R_PCM_INFO, 0, 1, 16, a, sizeof(a)), ==,
                    VR_VIRTIO_SND_S_BAD_MSG);
    g_assert_cmphex(query(&s, VR_VIRTIO_SND_R_JACK_INFO, 0, 2, 24, a, 30), ==,
                    VR_VIRTIO_SND_S_BAD_MSG);
    snd_free(&s);
}

static void test_state_machine(void)
{
    Snd s;
    snd_init_null(&s);
    const uint32_t OK = VR_VIRTIO_SND_S_OK, BAD = VR_VIRTIO_SND_S_BAD_MSG,
                   NOTSUPP = VR_VIRTIO_SND_S_NOT_SUPP;
    /* Parameters are set from the start; nothing runs before PREPARE. */
    g_assert_cmphex(pcm(&s, VR_VIRTIO_SND_R_PCM_START, OUT), ==, BAD);
    g_assert_cmphex(pcm(&s, VR_VIRTIO_SND_R_PCM_STOP, OUT), ==, BAD);
    g_assert_cmphex(pcm(&s, VR_VIRTIO_SND_R_PCM_RELEASE, OUT), ==, BAD);
    g_assert_cmphex(set_params(&s, OUT, 4000, 1000, 2, VR_VIRTIO_SND_PCM_FMT_S16, RATE_8K, 0), ==,
                    OK);
    g_assert_cmphex(pcm(&s, VR_VIRTIO_SND_R_PCM_PREPARE, OUT), ==, OK);
    g_assert_cmphex(pcm(&s, VR_VIRTIO_SND_R_PCM_PREPARE, OUT), ==, OK);
    g_assert_cmphex(pcm(&s, VR_VIRTIO_SND_R_PCM_STOP, OUT), ==, BAD);
    g_assert_cmphex(pcm(&s, VR_VIRTIO_SND_R_PCM_START, OUT), ==, OK);
    g_assert_cmphex(set_params(&s, OUT, 4000, 1000, 2, VR_VIRTIO_SND_PCM_FMT_S16, RATE_8K, 0), ==,
                    BAD);
    g_assert_cmphex(pcm(&s, VR_VIRTIO_SND_R_PCM_PREPARE, OUT), ==, BAD);
    g_assert_cmphex(pcm(&s, VR_VIRTIO_SND_R_PCM_RELEASE, OUT), ==, BAD);
    g_assert_cmphex(pcm(&s, VR_VIRTIO_SND_R_PCM_START, OUT), ==, BAD);
    g_assert_cmphex(pcm(&s, VR_VIRTIO_SND_R_PCM_STOP, OUT), ==, OK);
    g_assert_cmphex(pcm(&s, VR_VIRTIO_SND_R_PCM_STOP, OUT), ==, BAD);
    g_assert_cmphex(pcm(&s, VR_VIRTIO_SND_R_PCM_PREPARE, OUT), ==, BAD);
    g_assert_cmphex(pcm(&s, VR_VIRTIO_SND_R_PCM_START, OUT), ==, OK);
    g_assert_cmphex(pcm(&s, VR_VIRTIO_SND_R_PCM_STOP, OUT), ==, OK);
    g_assert_cmphex(pcm(&s, VR_VIRTIO_SND_R_PCM_RELEASE, OUT), ==, OK);
    g_assert_cmphex(pcm(&s, VR_VIRTIO_SND_R_PCM_START, OUT), ==, BAD);
    g_assert_cmphex(pcm(&s, VR_VIRTIO_SND_R_PCM_RELEASE, OUT), ==, BAD);
    g_assert_cmphex(pcm(&s, VR_VIRTIO_SND_R_PCM_PREPARE, OUT), ==, OK);
    g_assert_cmphex(pcm(&s, VR_VIRTIO_SND_R_PCM_RELEASE, OUT), ==, OK);
    g_assert_cmphex(set_params(&s, OUT, 800, 400, 1, VR_VIRTIO_SND_PCM_FMT_U8, RATE_8K, 0), ==, OK);

    /* Parameters not offered. */
    g_assert_cmphex(set_params(&s, IN, 800, 400, 1, VR_VIRTIO_SND_PCM_FMT_FLOAT64, RATE_8K, 0), ==,
                    NOTSUPP);
    g_assert_cmphex(set_params(&s, OUT, 800, 400, 1, VR_VIRTIO_SND_PCM_FMT_IMA_ADPCM, RATE_8K, 0),
                    ==, NOTSUPP);
    g_assert_cmphex(set_params(&s, OUT, 800, 400, 1, VR_VIRTIO_SND_PCM_FMT_U8, 0, 0), ==, NOTSUPP);
    g_assert_cmphex(set_params(&s, OUT, 800, 400, 1, VR_VIRTIO_SND_PCM_FMT_U8, 13, 0), ==, NOTSUPP);
    g_assert_cmphex(set_params(&s, OUT, 800, 400, 1, VR_VIRTIO_SND_PCM_FMT_U8, 200, 0), ==,
                    NOTSUPP);
    g_assert_cmphex(set_params(&s, OUT, 900, 450, 9, VR_VIRTIO_SND_PCM_FMT_U8, RATE_8K, 0), ==,
                    NOTSUPP);
    g_assert_cmphex(set_params(&s, OUT, 800, 400, 0, VR_VIRTIO_SND_PCM_FMT_U8, RATE_8K, 0), ==,
                    NOTSUPP);
    g_assert_cmphex(set_params(&s, OUT, 800, 400, 1, VR_VIRTIO_SND_PCM_FMT_U8, RATE_8K, 1), ==,
                    NOTSUPP);
    /* Malformed: no period, period past the buffer, half frames, unknown streams. */
    g_assert_cmphex(set_params(&s, OUT, 800, 0, 1, VR_VIRTIO_SND_PCM_FMT_U8, RATE_8K, 0), ==, BAD);
    g_assert_cmphex(set_params(&s, OUT, 400, 800, 1, VR_VIRTIO_SND_PCM_FMT_U8, RATE_8K, 0), ==,
                    BAD);
    g_assert_cmphex(set_params(&s, OUT, 802, 401, 2, VR_VIRTIO_SND_PCM_FMT_S16, RATE_8K, 0), ==,
                    BAD);
    g_assert_cmphex(set_params(&s, 2, 800, 400, 1, VR_VIRTIO_SND_PCM_FMT_U8, RATE_8K, 0), ==, BAD);
    g_assert_cmphex(pcm(&s, VR_VIRTIO_SND_R_PCM_PREPARE, 0x80000000), ==, BAD);
    /* Short requests, unknown requests, remapping. */
    uint8_t req[16] = {0};
    put32(req, VR_VIRTIO_SND_R_PCM_SET_PARAMS);
    g_assert_cmphex(ctl(&s, req, 16, NULL, 4), ==, BAD);
    put32(req, VR_VIRTIO_SND_R_PCM_START);
    g_assert_cmphex(ctl(&s, req, 7, NULL, 4), ==, BAD);
    g_assert_cmphex(ctl(&s, req, 2, NULL, 4), ==, BAD);
    put32(req, VR_VIRTIO_SND_R_PCM_INFO);
    g_assert_cmphex(ctl(&s, req, 12, NULL, 4), ==, BAD);
    put32(req, 0x0300);
    g_assert_cmphex(ctl(&s, req, 16, NULL, 4), ==, NOTSUPP);
    put32(req, VR_VIRTIO_SND_R_JACK_REMAP);
    g_assert_cmphex(ctl(&s, req, 16, NULL, 4), ==, NOTSUPP);
    /* No room for the status: the request comes back empty. */
    uint64_t r = td_alloc(&s.m, 8, 8), a = td_alloc(&s.m, 2, 8);
    put32(td_host(&s.m, r), VR_VIRTIO_SND_R_PCM_PREPARE);
    TdBuf bufs[] = {{r, 8, false}, {a, 2, true}};
    g_assert_cmpuint(td_submit(&s.m, &s.q[CTLQ], bufs, 2), ==, 0);
    /* The parameters that were refused changed nothing: U8 mono from above. */
    g_assert_cmphex(pcm(&s, VR_VIRTIO_SND_R_PCM_PREPARE, OUT), ==, OK);
    g_assert_cmphex(pcm(&s, VR_VIRTIO_SND_R_PCM_START, OUT), ==, OK);
    uint8_t pcm_data[400];
    memset(pcm_data, 0x80, sizeof(pcm_data));
    Xfer x = post(&s, TXQ, 0, OUT, pcm_data, sizeof(pcm_data));
    td_kick(&s.m, &s.q[TXQ]);
    uint32_t lens[QSIZE];
    collect(&s, TXQ, 1, lens);
    g_assert_cmphex(xfer_status(&s, &x), ==, OK);
    snd_free(&s);
}

/* What the backend must receive for a guest format: the same bytes, or the conversion. */
static GBytes *expected_output(uint8_t format, const uint8_t *data, size_t len)
{
    GByteArray *b = g_byte_array_new();
    switch (format) {
    case VR_VIRTIO_SND_PCM_FMT_S8:
        for (size_t i = 0; i < len; i++) {
            uint8_t v = data[i] ^ 0x80;
            g_byte_array_append(b, &v, 1);
        }
        break;
    case VR_VIRTIO_SND_PCM_FMT_U16:
        for (size_t i = 0; i < len; i += 2) {
            int16_t v = (int16_t) ((data[i] | data[i + 1] << 8) - 32768);
            g_byte_array_append(b, (uint8_t *) &v, 2);
        }
        break;
    case VR_VIRTIO_SND_PCM_FMT_S24:
        for (size_t i = 0; i < len; i += 4) {
            int32_t v = (int32_t) (le32(data + i) << 8);
            g_byte_array_append(b, (uint8_t *) &v, 4);
        }
        break;
    case VR_VIRTIO_SND_PCM_FMT_FLOAT64:
        for (size_t i = 0; i < len; i += 8) {
            double d;
            memcpy(&d, data + i, 8);
            float f = (float) d;
            g_byte_array_append(b, (uint8_t *) &f, 4);
        }
        break;
    default: g_byte_array_append(b, data, (guint) len);
    }
    return g_byte_array_free_to_bytes(b);
}

/* A 440 Hz tone at 8 kHz in the guest's format, each channel a different level. */
static uint8_t *make_tone(uint8_t format, unsigned channels, unsigned frames, size_t *len)
{
    static const unsigned bytes[] = {
        [VR_VIRTIO_SND_PCM_FMT_S8] = 1,      [VR_VIRTIO_SND_PCM_FMT_U8] = 1,
        [VR_VIRTIO_SND_PCM_FMT_S16] = 2,     [VR_VIRTIO_SND_PCM_FMT_U16] = 2,
        [VR_VIRTIO_SND_PCM_FMT_S24] = 4,     [VR_VIRTIO_SND_PCM_FMT_FLOAT] = 4,
        [VR_VIRTIO_SND_PCM_FMT_FLOAT64] = 8,
    };
    unsigned b = bytes[format];
    *len = (size_t) frames * channels * b;
    uint8_t *d = g_malloc(*len), *p = d;
    for (unsigned i = 0; i < frames; i++) {
        for (unsigned c = 0; c < channels; c++, p += b) {
            double v = sin(2 * G_PI * 440 * i / 8000.0) / (c + 1.5);
            switch (format) {
            case VR_VIRTIO_SND_PCM_FMT_S8: p[0] = (uint8_t) (int8_t) lround(v * 127); break;
            case VR_VIRTIO_SND_PCM_FMT_U8: p[0] = (uint8_t) (lround(v * 127) + 128); break;
            case VR_VIRTIO_SND_PCM_FMT_S16: {
                int16_t x = (int16_t) lround(v * 32767);
                memcpy(p, &x, 2);
                break;
            }
            case VR_VIRTIO_SND_PCM_FMT_U16: {
                uint16_t x = (uint16_t) (lround(v * 32767) + 32768);
                memcpy(p, &x, 2);
                break;
            }
            case VR_VIRTIO_SND_PCM_FMT_S24: {
                /* 24 bits, sign-extended into 32 as ALSA keeps them. */
                int32_t x = (int32_t) lround(v * 8388607);
                memcpy(p, &x, 4);
                break;
            }
            case VR_VIRTIO_SND_PCM_FMT_FLOAT: {
                float x = (float) v;
                memcpy(p, &x, 4);
                break;
            }
            default: {
                memcpy(p, &v, 8);
                break;
            }
            }
        }
    }
    return d;
}

/* Plays a tone through tx in four periods and returns the WAV file's data. */
static GBytes *play_tone(uint8_t format, unsigned channels, const uint8_t *tone, size_t len,
                         double *seconds)
{
    Snd s;
    snd_init_wav(&s, 0, NULL, 0);
    size_t period = len / 4;
    g_assert_cmphex(set_params(&s, OUT, (uint32_t) len, (uint32_t) period, (uint8_t) channels,
                               format, RATE_8K, 0),
                    ==, VR_VIRTIO_SND_S_OK);
    g_assert_cmphex(pcm(&s, VR_VIRTIO_SND_R_PCM_PREPARE, OUT), ==, VR_VIRTIO_SND_S_OK);
    /* As Linux does: buffers first, then START. */
    Xfer x[4];
    for (unsigned i = 0; i < 4; i++)
        x[i] = post(&s, TXQ, i, OUT, tone + i * period, (uint32_t) period);
    td_kick(&s.m, &s.q[TXQ]);
    gint64 start = g_get_monotonic_time();
    g_assert_cmphex(pcm(&s, VR_VIRTIO_SND_R_PCM_START, OUT), ==, VR_VIRTIO_SND_S_OK);
    uint32_t lens[QSIZE];
    collect(&s, TXQ, 4, lens);
    *seconds = (g_get_monotonic_time() - start) / 1e6;
    for (unsigned i = 0; i < 4; i++) {
        g_assert_cmphex(xfer_status(&s, &x[i]), ==, VR_VIRTIO_SND_S_OK);
        g_assert_cmpuint(lens[x[i].head], ==, 8);
    }
    g_assert_cmphex(pcm(&s, VR_VIRTIO_SND_R_PCM_STOP, OUT), ==, VR_VIRTIO_SND_S_OK);
    g_assert_cmphex(pcm(&s, VR_VIRTIO_SND_R_PCM_RELEASE, OUT), ==, VR_VIRTIO_SND_S_OK);
    g_autofree char *status = vr_virtio_snd_status(s.dev);
    g_assert_cmpstr(status, ==, "connected");
    char *path = g_strdup(s.out_path);
    g_unlink(s.in_path);
    td_free(&s.m);
    g_autofree char *file = NULL;
    gsize flen;
    g_assert_true(g_file_get_contents(path, &file, &flen, NULL));
    g_assert_cmpuint(flen, >=, 44);
    g_unlink(path);
    g_free(path);
    g_rmdir(s.dir);
    g_free(s.dir);
    g_free(s.out_path);
    g_free(s.in_path);
    return g_bytes_new(file + 44, flen - 44);
}

static void check_tone(uint8_t format, unsigned channels)
{
    unsigned frames = 800; /* 0.1 s */
    size_t len;
    g_autofree uint8_t *tone = make_tone(format, channels, frames, &len);
    double seconds;
    g_autoptr(GBytes) got = play_tone(format, channels, tone, len, &seconds);
    g_autoptr(GBytes) want = expected_output(format, tone, len);
    gsize got_len, want_len;
    const void *g = g_bytes_get_data(got, &got_len), *w = g_bytes_get_data(want, &want_len);
    g_assert_cmpmem(g, got_len, w, want_len);
    /* Played in real time: 0.1 s less the 20 ms the backend takes ahead. */
    g_test_message("format %u, %u channels: %.3f s", format, channels, seconds);
    g_assert_cmpfloat(seconds, >, 0.06);
}

static void test_tx_u8_mono(void)
{
    check_tone(VR_VIRTIO_SND_PCM_FMT_U8, 1);
}

static void test_tx_s16_stereo(void)
{
    check_tone(VR_VIRTIO_SND_PCM_FMT_S16, 2);
}

static void test_tx_s16_mono(void)
{
    check_tone(VR_VIRTIO_SND_PCM_FMT_S16, 1);
}

static void test_tx_float_stereo(void)
{
    check_tone(VR_VIRTIO_SND_PCM_FMT_FLOAT, 2);
}

static void test_tx_float_mono(void)
{
    check_tone(VR_VIRTIO_SND_PCM_FMT_FLOAT, 1);
}

static void test_tx_converted(void)
{
    check_tone(VR_VIRTIO_SND_PCM_FMT_S8, 2);
    check_tone(VR_VIRTIO_SND_PCM_FMT_U16, 1);
    check_tone(VR_VIRTIO_SND_PCM_FMT_S24, 2);
    check_tone(VR_VIRTIO_SND_PCM_FMT_FLOAT64, 1);
}

static void test_rx_wav(void)
{
    int16_t input[2 * 600];
    for (unsigned i = 0; i < G_N_ELEMENTS(input); i++)
        input[i] = (int16_t) (i * 53 - 30000);
    Snd s;
    snd_init_wav(&s, 2, input, 600);
    g_assert_cmphex(set_params(&s, IN, 1200, 400, 2, VR_VIRTIO_SND_PCM_FMT_S16, RATE_8K, 0), ==,
                    VR_VIRTIO_SND_S_OK);
    g_assert_cmphex(pcm(&s, VR_VIRTIO_SND_R_PCM_PREPARE, IN), ==, VR_VIRTIO_SND_S_OK);
    /* rx buffers on the output stream, and tx ones on the input stream, are refused. */
    Xfer wrong = post(&s, RXQ, 5, OUT, NULL, 400);
    td_kick(&s.m, &s.q[RXQ]);
    uint32_t lens[QSIZE];
    collect(&s, RXQ, 1, lens);
    g_assert_cmphex(xfer_status(&s, &wrong), ==, VR_VIRTIO_SND_S_BAD_MSG);
    Xfer wrong_tx = post(&s, TXQ, 5, IN, input, 400);
    td_kick(&s.m, &s.q[TXQ]);
    collect(&s, TXQ, 1, lens);
    g_assert_cmphex(xfer_status(&s, &wrong_tx), ==, VR_VIRTIO_SND_S_BAD_MSG);

    Xfer x[3];
    for (unsigned i = 0; i < 3; i++)
        x[i] = post(&s, RXQ, i, IN, NULL, 400);
    td_kick(&s.m, &s.q[RXQ]);
    g_assert_cmphex(pcm(&s, VR_VIRTIO_SND_R_PCM_START, IN), ==, VR_VIRTIO_SND_S_OK);
    collect(&s, RXQ, 3, lens);
    for (unsigned i = 0; i < 3; i++) {
        g_assert_cmphex(xfer_status(&s, &x[i]), ==, VR_VIRTIO_SND_S_OK);
        g_assert_cmpuint(lens[x[i].head], ==, 400 + 8);
        g_assert_cmpmem(td_host(&s.m, x[i].data), 400, (uint8_t *) input + 400 * i, 400);
    }
    g_assert_cmphex(pcm(&s, VR_VIRTIO_SND_R_PCM_STOP, IN), ==, VR_VIRTIO_SND_S_OK);
    g_assert_cmphex(pcm(&s, VR_VIRTIO_SND_R_PCM_RELEASE, IN), ==, VR_VIRTIO_SND_S_OK);
    snd_free(&s);
}

static void test_release_returns_buffers(void)
{
    Snd s;
    snd_init_null(&s);
    g_assert_cmphex(set_params(&s, OUT, 1600, 400, 1, VR_VIRTIO_SND_PCM_FMT_S16, RATE_8K, 0), ==,
                    VR_VIRTIO_SND_S_OK);
    /* Before PREPARE a buffer has nowhere to go. */
    uint8_t data[400] = {0};
    Xfer early = post(&s, TXQ, 0, OUT, data, 400);
    td_kick(&s.m, &s.q[TXQ]);
    uint32_t lens[QSIZE];
    collect(&s, TXQ, 1, lens);
    g_assert_cmphex(xfer_status(&s, &early), ==, VR_VIRTIO_SND_S_BAD_MSG);
    g_assert_cmphex(pcm(&s, VR_VIRTIO_SND_R_PCM_PREPARE, OUT), ==, VR_VIRTIO_SND_S_OK);
    Xfer x[3];
    for (unsigned i = 0; i < 3; i++) {
        x[i] = post(&s, TXQ, i, OUT, data, 400);
        put32(td_host(&s.m, x[i].status), 0xdead);
    }
    td_kick(&s.m, &s.q[TXQ]);
    td_sync(&s.m);
    /* Not started: they wait. */
    g_usleep(50000);
    g_assert_cmpuint(td_used_idx(&s.m, &s.q[TXQ]), ==, 1);
    g_assert_cmphex(pcm(&s, VR_VIRTIO_SND_R_PCM_RELEASE, OUT), ==, VR_VIRTIO_SND_S_OK);
    collect(&s, TXQ, 3, lens);
    for (unsigned i = 0; i < 3; i++)
        g_assert_cmphex(xfer_status(&s, &x[i]), ==, VR_VIRTIO_SND_S_OK);
    snd_free(&s);
}

static void test_mute_and_level(void)
{
    Snd s;
    snd_init_wav(&s, 0, NULL, 0);
    g_assert_cmpfloat(vr_virtio_snd_level(s.dev), ==, 0);
    vr_virtio_snd_set_muted(s.dev, true);
    g_assert_true(vr_virtio_snd_muted(s.dev));
    /* A half-scale tone, 0.4 s. */
    int16_t tone[3200];
    for (unsigned i = 0; i < G_N_ELEMENTS(tone); i++)
        tone[i] = (int16_t) lround(16384 * sin(2 * G_PI * 440 * i / 8000.0));
    g_assert_cmphex(set_params(&s, OUT, 6400, 800, 1, VR_VIRTIO_SND_PCM_FMT_S16, RATE_8K, 0), ==,
                    VR_VIRTIO_SND_S_OK);
    g_assert_cmphex(pcm(&s, VR_VIRTIO_SND_R_PCM_PREPARE, OUT), ==, VR_VIRTIO_SND_S_OK);
    for (unsigned i = 0; i < 8; i++)
        post(&s, TXQ, i, OUT, tone + 400 * i, 800);
    td_kick(&s.m, &s.q[TXQ]);
    g_assert_cmphex(pcm(&s, VR_VIRTIO_SND_R_PCM_START, OUT), ==, VR_VIRTIO_SND_S_OK);
    float peak = 0;
    gint64 deadline = g_get_monotonic_time() + 5 * G_USEC_PER_SEC;
    while (td_used_idx(&s.m, &s.q[TXQ]) < 8 && g_get_monotonic_time() < deadline) {
        peak = MAX(peak, vr_virtio_snd_level(s.dev));
        g_usleep(5000);
    }
    uint32_t lens[QSIZE];
    collect(&s, TXQ, 8, lens);
    g_assert_cmpfloat(peak, >, 0.45);
    g_assert_cmpfloat(peak, <, 0.55);
    /* Some time after the end the meter falls back. */
    g_usleep(120000);
    g_assert_cmpfloat(vr_virtio_snd_level(s.dev), ==, 0);
    g_assert_cmphex(pcm(&s, VR_VIRTIO_SND_R_PCM_STOP, OUT), ==, VR_VIRTIO_SND_S_OK);
    g_assert_cmphex(pcm(&s, VR_VIRTIO_SND_R_PCM_RELEASE, OUT), ==, VR_VIRTIO_SND_S_OK);
    char *path = g_strdup(s.out_path);
    td_free(&s.m);
    g_autofree char *file = NULL;
    gsize flen;
    g_assert_true(g_file_get_contents(path, &file, &flen, NULL));
    g_assert_cmpuint(flen, ==, 44 + sizeof(tone));
    for (gsize i = 44; i < flen; i++)
        g_assert_cmpuint((uint8_t) file[i], ==, 0);
    g_unlink(path);
    g_free(path);
    g_rmdir(s.dir);
    g_free(s.dir);
    g_free(s.out_path);
    g_free(s.in_path);
}

/* ---- A backend that stalls ---- */

/* Takes no output and gives no input while stuck. Unstuck, it takes everything, and its input
 * is every frame since the stream started in real time (a server that held sound back hands
 * it over late), frame k carrying the value k + 1. */
typedef struct StuckStream StuckStream;

typedef struct {
    VrAudioBackend be;
    gint stuck;
    StuckStream *last_output; /* the output stream open now (not freed before RELEASE) */
} StuckBackend;

struct StuckStream {
    VrAudioStream s;
    gint64 started;
    uint64_t given;
    int16_t taken[400]; /* the first output frames taken (mono S16) */
    size_t n_taken;
};

static VrAudioStream *stuck_open(VrAudioBackend *be, VrAudioDirection dir, const VrAudioSpec *spec,
                                 GError **error)
{
    StuckStream *st = g_new0(StuckStream, 1);
    st->s.be = be;
    st->s.dir = dir;
    st->s.spec = *spec;
    if (dir == VR_AUDIO_OUTPUT)
        ((StuckBackend *) be)->last_output = st;
    return &st->s;
}

static void stuck_start(VrAudioStream *s)
{
    ((StuckStream *) s)->started = g_get_monotonic_time();
}

static void stuck_stop(VrAudioStream *s)
{
}

static size_t stuck_write(VrAudioStream *s, const void *data, size_t frames)
{
    StuckStream *st = (StuckStream *) s;
    if (g_atomic_int_get(&((StuckBackend *) s->be)->stuck))
        return 0;
    size_t keep = MIN(frames, G_N_ELEMENTS(st->taken) - st->n_taken);
    memcpy(st->taken + st->n_taken, data, keep * sizeof(int16_t));
    st->n_taken += keep;
    return frames;
}

static size_t stuck_read(VrAudioStream *s, void *data, size_t frames)
{
    StuckStream *st = (StuckStream *) s;
    if (g_atomic_int_get(&((StuckBackend *) s->be)->stuck))
        return 0;
    uint64_t due =
        (uint64_t) (g_get_monotonic_time() - st->started) * s->spec.rate / G_USEC_PER_SEC;
    size_t n = (size_t) MIN(frames, due > st->given ? due - st->given : 0);
    int16_t *out = data; /* mono S16 */
    for (size_t i = 0; i < n; i++)
        out[i] = (int16_t) (++st->given);
    return n;
}

static size_t stuck_queued(VrAudioStream *s)
{
    return 0;
}

static void stuck_close(VrAudioStream *s)
{
    StuckBackend *be = (StuckBackend *) s->be;
    if (be->last_output == (StuckStream *) s)
        be->last_output = NULL;
    g_free(s);
}

static char *stuck_status(VrAudioBackend *be)
{
    return g_strdup("connected");
}

static void stuck_free(VrAudioBackend *be)
{
    g_free(be);
}

static const VrAudioBackendOps stuck_ops = {
    "stuck",    stuck_open,   stuck_start, stuck_stop,   stuck_write,
    stuck_read, stuck_queued, stuck_close, stuck_status, stuck_free,
};

/* A backend that moves no sound: the device keeps the stream's time itself, so the guest's
 * buffers come back at the stream's rate (a guest gives up on a period late by 100 ms)
 * rather than never, and input that arrives late after silence stood in for it is dropped,
 * so that what the guest records stays in time. */
static void test_stalled_backend(void)
{
    Snd s;
    memset(&s, 0, sizeof(s));
    StuckBackend *be = g_new0(StuckBackend, 1);
    be->be.ops = &stuck_ops;
    be->be.latency_ms = 20;
    be->stuck = 1;
    snd_init_with(&s, &be->be);

    /* Output: 8 buffers of 25 ms at 8 kHz. */
    int16_t data[200] = {0};
    g_assert_cmphex(set_params(&s, OUT, 1600, 400, 1, VR_VIRTIO_SND_PCM_FMT_S16, RATE_8K, 0), ==,
                    VR_VIRTIO_SND_S_OK);
    g_assert_cmphex(pcm(&s, VR_VIRTIO_SND_R_PCM_PREPARE, OUT), ==, VR_VIRTIO_SND_S_OK);
    Xfer x[8];
    for (unsigned i = 0; i < 8; i++)
        x[i] = post(&s, TXQ, i, OUT, data, 400);
    td_kick(&s.m, &s.q[TXQ]);
    gint64 start = g_get_monotonic_time();
    g_assert_cmphex(pcm(&s, VR_VIRTIO_SND_R_PCM_START, OUT), ==, VR_VIRTIO_SND_S_OK);
    uint32_t lens[QSIZE];
    collect(&s, TXQ, 1, lens);
    gint64 first = g_get_monotonic_time() - start;
    collect(&s, TXQ, 7, lens);
    gint64 all = g_get_monotonic_time() - start;
    g_test_message("stalled output: first buffer back after %" G_GINT64_FORMAT
                   " ms, all 8 (200 ms of sound) after %" G_GINT64_FORMAT " ms",
                   first / 1000, all / 1000);
    for (unsigned i = 0; i < 8; i++)
        g_assert_cmphex(xfer_status(&s, &x[i]), ==, VR_VIRTIO_SND_S_OK);
    /* Not at once, and soon enough for the guest: 60 ms of grace, then the stream's rate. */
    g_assert_cmpint(first, >=, 60000 + 25000);
    g_assert_cmpint(first, <, 60000 + 25000 + 60000);
    g_assert_cmpint(all, >=, 60000 + 200000);
    g_assert_cmpuint(vr_virtio_snd_stalls(s.dev), ==, 1);
    g_assert_cmpuint(vr_virtio_snd_underruns(s.dev), ==, 1);
    g_assert_cmphex(pcm(&s, VR_VIRTIO_SND_R_PCM_STOP, OUT), ==, VR_VIRTIO_SND_S_OK);

    /* The backend takes sound again after a stall: first its latency's worth of silence
     * (20 ms, 160 frames), so the guest's buffers are not taken faster than they play. */
    int16_t tone[200];
    for (unsigned i = 0; i < G_N_ELEMENTS(tone); i++)
        tone[i] = 1000;
    for (unsigned i = 0; i < 8; i++)
        x[i] = post(&s, TXQ, i, OUT, tone, 400);
    td_kick(&s.m, &s.q[TXQ]);
    g_assert_cmphex(pcm(&s, VR_VIRTIO_SND_R_PCM_START, OUT), ==, VR_VIRTIO_SND_S_OK);
    collect(&s, TXQ, 2, lens);
    g_assert_cmpuint(vr_virtio_snd_stalls(s.dev), ==, 2);
    g_atomic_int_set(&be->stuck, 0);
    collect(&s, TXQ, 6, lens);
    g_assert_cmphex(pcm(&s, VR_VIRTIO_SND_R_PCM_STOP, OUT), ==, VR_VIRTIO_SND_S_OK);
    g_assert_nonnull(be->last_output);
    const StuckStream *out = be->last_output;
    g_assert_cmpuint(out->n_taken, >, 160);
    for (unsigned i = 0; i < 160; i++)
        g_assert_cmpint(out->taken[i], ==, 0);
    g_assert_cmpint(out->taken[160], ==, 1000);
    g_assert_cmphex(pcm(&s, VR_VIRTIO_SND_R_PCM_RELEASE, OUT), ==, VR_VIRTIO_SND_S_OK);

    /* Input: silence while stuck; then the backend's late frames, less those that the
     * silence stood for. */
    g_atomic_int_set(&be->stuck, 1);
    g_assert_cmphex(set_params(&s, IN, 1600, 400, 1, VR_VIRTIO_SND_PCM_FMT_S16, RATE_8K, 0), ==,
                    VR_VIRTIO_SND_S_OK);
    g_assert_cmphex(pcm(&s, VR_VIRTIO_SND_R_PCM_PREPARE, IN), ==, VR_VIRTIO_SND_S_OK);
    for (unsigned i = 0; i < 8; i++) {
        x[i] = post(&s, RXQ, i, IN, NULL, 400);
        memset(td_host(&s.m, x[i].data), 0x55, 400);
    }
    td_kick(&s.m, &s.q[RXQ]);
    g_assert_cmphex(pcm(&s, VR_VIRTIO_SND_R_PCM_START, IN), ==, VR_VIRTIO_SND_S_OK);
    collect(&s, RXQ, 2, lens);
    g_atomic_int_set(&be->stuck, 0);
    collect(&s, RXQ, 6, lens);
    int16_t rec[8 * 200];
    for (unsigned i = 0; i < 8; i++) {
        g_assert_cmphex(xfer_status(&s, &x[i]), ==, VR_VIRTIO_SND_S_OK);
        g_assert_cmpuint(lens[x[i].head], ==, 400 + 8);
        memcpy(rec + 200 * i, td_host(&s.m, x[i].data), 400);
    }
    unsigned silent = 0;
    while (silent < G_N_ELEMENTS(rec) && rec[silent] == 0)
        silent++;
    g_test_message("stalled input: %u frames of silence, then %d", silent, rec[silent]);
    g_assert_cmpuint(silent, >=, 400);
    g_assert_cmpuint(silent, <, G_N_ELEMENTS(rec));
    for (unsigned i = silent; i < G_N_ELEMENTS(rec); i++)
        g_assert_cmpint(rec[i], ==, (int) i + 1);
    g_assert_cmpuint(vr_virtio_snd_stalls(s.dev), ==, 3);
    g_assert_cmphex(pcm(&s, VR_VIRTIO_SND_R_PCM_STOP, IN), ==, VR_VIRTIO_SND_S_OK);
    g_assert_cmphex(pcm(&s, VR_VIRTIO_SND_R_PCM_RELEASE, IN), ==, VR_VIRTIO_SND_S_OK);
    snd_free(&s);
}

/* Bad requests on every queue while the output stream plays: each gets its status, and the
 * tone arrives whole. */
static void test_bad_while_playing(void)
{
    Snd s;
    snd_init_wav(&s, 0, NULL, 0);
    int16_t tone[2 * 2400]; /* 0.3 s of stereo */
    for (unsigned i = 0; i < G_N_ELEMENTS(tone); i++)
        tone[i] = (int16_t) lround(12000 * sin(2 * G_PI * 440 * (i / 2) / 8000.0)) + (int16_t) i;
    g_assert_cmphex(set_params(&s, OUT, sizeof(tone), sizeof(tone) / 12, 2,
                               VR_VIRTIO_SND_PCM_FMT_S16, RATE_8K, 0),
                    ==, VR_VIRTIO_SND_S_OK);
    g_assert_cmphex(pcm(&s, VR_VIRTIO_SND_R_PCM_PREPARE, OUT), ==, VR_VIRTIO_SND_S_OK);
    Xfer x[12];
    size_t period = sizeof(tone) / 12;
    for (unsigned i = 0; i < 12; i++)
        x[i] = post(&s, TXQ, i, OUT, (uint8_t *) tone + i * period, (uint32_t) period);
    td_kick(&s.m, &s.q[TXQ]);
    g_assert_cmphex(pcm(&s, VR_VIRTIO_SND_R_PCM_START, OUT), ==, VR_VIRTIO_SND_S_OK);

    /* Control: unknown stream, wrong state of the other stream, nonsense. */
    g_assert_cmphex(pcm(&s, VR_VIRTIO_SND_R_PCM_START, 7), ==, VR_VIRTIO_SND_S_BAD_MSG);
    g_assert_cmphex(pcm(&s, VR_VIRTIO_SND_R_PCM_START, IN), ==, VR_VIRTIO_SND_S_BAD_MSG);
    g_assert_cmphex(pcm(&s, VR_VIRTIO_SND_R_PCM_STOP, IN), ==, VR_VIRTIO_SND_S_BAD_MSG);
    g_assert_cmphex(pcm(&s, VR_VIRTIO_SND_R_PCM_PREPARE, OUT), ==, VR_VIRTIO_SND_S_BAD_MSG);
    g_assert_cmphex(pcm(&s, 0x0106, OUT), ==, VR_VIRTIO_SND_S_NOT_SUPP);
    /* tx: a stream that is not there, a half frame, no status room. */
    Xfer bad1 = post(&s, TXQ, 12, 9, tone, 400);
    Xfer bad2 = post(&s, TXQ, 13, OUT, tone, 401);
    td_kick(&s.m, &s.q[TXQ]);
    /* A chain with nothing but the stream id: no status can be written. */
    uint64_t hdr = td_alloc(&s.m, 4, 8);
    td_set_desc(&s.m, &s.q[TXQ], 14 * 3, hdr, 4, 0, 0);
    td_publish(&s.m, &s.q[TXQ], 14 * 3);
    td_kick(&s.m, &s.q[TXQ]);
    uint32_t lens[QSIZE];
    memset(lens, 0xff, sizeof(lens));
    collect(&s, TXQ, 15, lens);
    g_assert_cmphex(xfer_status(&s, &bad1), ==, VR_VIRTIO_SND_S_BAD_MSG);
    g_assert_cmphex(xfer_status(&s, &bad2), ==, VR_VIRTIO_SND_S_BAD_MSG);
    g_assert_cmpuint(lens[14 * 3], !=, 0xffffffff);
    for (unsigned i = 0; i < 12; i++)
        g_assert_cmphex(xfer_status(&s, &x[i]), ==, VR_VIRTIO_SND_S_OK);
    g_assert_cmphex(pcm(&s, VR_VIRTIO_SND_R_PCM_STOP, OUT), ==, VR_VIRTIO_SND_S_OK);
    /* The device still runs: nothing needed a reset. */
    g_assert_false(td_read(&s.m, VR_VIRTIO_MMIO_STATUS) & VR_VIRTIO_STATUS_DEVICE_NEEDS_RESET);
    char *path = g_strdup(s.out_path);
    td_free(&s.m);
    g_autofree char *file = NULL;
    gsize flen;
    g_assert_true(g_file_get_contents(path, &file, &flen, NULL));
    g_assert_cmpmem(file + 44, flen - 44, tone, sizeof(tone));
    g_unlink(path);
    g_free(path);
    g_rmdir(s.dir);
    g_free(s.dir);
    g_free(s.out_path);
    g_free(s.in_path);
}

/* ---- Machine state ---- */

static void save_transport(TdMachine *m, const char *path)
{
    VrDevice *dev = vr_virtio_mmio_base(m->t);
    dev->ops->quiesce(dev);
    g_autoptr(GError) error = NULL;
    VrStateWriter *w = vr_state_writer_new(path, &error);
    g_assert_no_error(error);
    vr_state_begin_section(w, "dev:virtio0");
    dev->ops->save(dev, w);
    vr_state_end_section(w);
    g_assert_true(vr_state_writer_finish(w, &error));
    g_assert_no_error(error);
}

static bool load_transport(TdMachine *m, const char *path)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(VrStateFile) f = vr_state_file_open(path, &error);
    g_assert_no_error(error);
    g_autoptr(VrStateReader) r = vr_state_file_find(f, "dev:virtio0");
    g_assert_nonnull(r);
    VrDevice *dev = vr_virtio_mmio_base(m->t);
    if (!dev->ops->load(dev, r))
        return false;
    g_assert_true(vr_state_reader_check(r, &error));
    g_assert_no_error(error);
    dev->ops->unquiesce(dev);
    return true;
}

/* Saved while the output stream plays: every buffer the device held comes back, and the
 * device built again from the state plays on in the same stream, with the same parameters. */
static void test_state_round_trip(void)
{
    Snd s;
    snd_init_wav(&s, 0, NULL, 0);
    uint8_t tone[6 * 400];
    for (unsigned i = 0; i < sizeof(tone); i++)
        tone[i] = (uint8_t) (128 + 100 * sin(2 * G_PI * 440 * i / 8000.0));
    g_assert_cmphex(set_params(&s, OUT, 2400, 400, 1, VR_VIRTIO_SND_PCM_FMT_U8, RATE_8K, 0), ==,
                    VR_VIRTIO_SND_S_OK);
    g_assert_cmphex(pcm(&s, VR_VIRTIO_SND_R_PCM_PREPARE, OUT), ==, VR_VIRTIO_SND_S_OK);
    g_assert_cmphex(set_params(&s, IN, 800, 400, 2, VR_VIRTIO_SND_PCM_FMT_S16, RATE_8K, 0), ==,
                    VR_VIRTIO_SND_S_OK);
    Xfer x[6];
    for (unsigned i = 0; i < 6; i++)
        x[i] = post(&s, TXQ, i, OUT, tone + 400 * i, 400);
    td_kick(&s.m, &s.q[TXQ]);
    g_assert_cmphex(pcm(&s, VR_VIRTIO_SND_R_PCM_START, OUT), ==, VR_VIRTIO_SND_S_OK);
    uint32_t lens[QSIZE];
    collect(&s, TXQ, 1, lens);

    g_autofree char *state = g_build_filename(s.dir, "snd.state", NULL);
    save_transport(&s.m, state);
    /* The quiesce returned the rest. */
    collect(&s, TXQ, 5, lens);
    for (unsigned i = 0; i < 6; i++)
        g_assert_cmphex(xfer_status(&s, &x[i]), ==, VR_VIRTIO_SND_S_OK);
    vr_virtio_snd_close_backend(s.dev);
    td_detach(&s.m);

    /* A new device over the same RAM: the output stream still runs, U8 mono. */
    g_autofree char *out2 = g_build_filename(s.dir, "out2.wav", NULL);
    g_autoptr(GError) error = NULL;
    VrAudioBackend *be = vr_audio_wav_new(out2, NULL, 20, &error);
    g_assert_no_error(error);
    s.dev = vr_virtio_snd_new(be);
    td_attach(&s.m, s.dev);
    g_assert_true(load_transport(&s.m, state));
    g_assert_cmphex(pcm(&s, VR_VIRTIO_SND_R_PCM_START, OUT), ==, VR_VIRTIO_SND_S_BAD_MSG);
    g_assert_cmphex(pcm(&s, VR_VIRTIO_SND_R_PCM_PREPARE, IN), ==, VR_VIRTIO_SND_S_OK);
    Xfer y = post(&s, TXQ, 0, OUT, tone, 400);
    td_kick(&s.m, &s.q[TXQ]);
    collect(&s, TXQ, 1, lens);
    g_assert_cmphex(xfer_status(&s, &y), ==, VR_VIRTIO_SND_S_OK);
    /* Still U8 mono: 3 bytes are whole frames (S16 stereo, the default, would refuse them). */
    Xfer odd = post(&s, TXQ, 1, OUT, tone, 3);
    td_kick(&s.m, &s.q[TXQ]);
    collect(&s, TXQ, 1, lens);
    g_assert_cmphex(xfer_status(&s, &odd), ==, VR_VIRTIO_SND_S_OK);
    g_assert_cmphex(pcm(&s, VR_VIRTIO_SND_R_PCM_STOP, OUT), ==, VR_VIRTIO_SND_S_OK);
    vr_virtio_snd_close_backend(s.dev);
    g_autofree char *file = NULL;
    gsize flen;
    g_assert_true(g_file_get_contents(out2, &file, &flen, NULL));
    g_assert_cmpuint(flen, ==, 44 + 403);
    g_assert_cmpmem(file + 44, 400, tone, 400);
    g_assert_cmpuint((uint8_t) file[20], ==, 1); /* PCM */
    g_assert_cmpuint((uint8_t) file[22], ==, 1); /* mono */
    g_unlink(out2);

    g_unlink(state);
    snd_free(&s);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    td_add_both("/virtio-snd/config-and-info", test_config_and_info);
    td_add_both("/virtio-snd/state-machine", test_state_machine);
    td_add_both("/virtio-snd/tx/u8-mono", test_tx_u8_mono);
    td_add_both("/virtio-snd/tx/s16-stereo", test_tx_s16_stereo);
    td_add_both("/virtio-snd/tx/s16-mono", test_tx_s16_mono);
    td_add_both("/virtio-snd/tx/float-stereo", test_tx_float_stereo);
    td_add_both("/virtio-snd/tx/float-mono", test_tx_float_mono);
    td_add_both("/virtio-snd/tx/converted", test_tx_converted);
    td_add_both("/virtio-snd/rx/wav", test_rx_wav);
    td_add_both("/virtio-snd/release-returns-buffers", test_release_returns_buffers);
    td_add_both("/virtio-snd/mute-and-level", test_mute_and_level);
    td_add_both("/virtio-snd/bad-while-playing", test_bad_while_playing);
    td_add_both("/virtio-snd/stalled-backend", test_stalled_backend);
    td_add_both("/virtio-snd/state-round-trip", test_state_round_trip);
    return g_test_run();
}
