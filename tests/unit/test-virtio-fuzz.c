/* Throws random register accesses and random ring contents at the virtio-mmio transport and
 * each device, with and without an I/O thread, for a few seconds from a fixed seed. Every so
 * often (and at the end) a well-behaved driver resets the device and checks it still works.
 * Run it under valgrind or AddressSanitizer to catch what does not crash by itself.
 *
 *   VIREO_FUZZ_SEED=<n>     seed (default 20240601)
 *   VIREO_FUZZ_SECONDS=<s>  seconds for each device and mode (default 0.6)
 */
#include <glib.h>
#include <glib/gstdio.h>
#include <stdlib.h>
#include <string.h>

#include "virtio-test-driver.h"
#include "virtio/virtio-blk.h"
#include "virtio/virtio-console.h"
#include "virtio/virtio-input.h"
#include "virtio/virtio-net.h"
#include "virtio/virtio-rng.h"
#include "virtio/virtio-snd.h"
#include "virtio-gpu.h"

#define RAM_SIZE   (4ull << 20)
#define RING_AREA  (TD_RAM_BASE + 0x10000) /* queue i: + i * 0x8000 */
#define TABLE_AREA (TD_RAM_BASE + 0x80000) /* indirect tables */
#define DATA_AREA  (TD_RAM_BASE + 0x100000)
#define DESC_OFF   0x0000
#define AVAIL_OFF  0x4000
#define USED_OFF   0x6000
#define SANE_QSIZE 16

enum { DEV_RNG, DEV_CONSOLE, DEV_BLK, DEV_INPUT, DEV_GPU, DEV_NET, DEV_SND, N_DEVS };

typedef struct {
    TdMachine m;
    int kind;
    unsigned nq;
    GRand *r;
    char *image;
    guint64 sanity_checks;
    guint64 actions;
} Fuzz;

static guint32 seed = 20240601;
static double seconds = 0.6;
static char *tmpdir;

static size_t discard_output(void *opaque, const uint8_t *data, size_t len)
{
    guint64 *count = opaque;
    *count += len;
    return len;
}

static guint64 console_bytes;

/* A network backend that counts the frames it is sent. */
typedef struct {
    VrNetBackend be;
    gint frames;
} CountingBackend;

static void counting_send(VrNetBackend *be, const uint8_t *frame, size_t len)
{
    g_atomic_int_inc(&((CountingBackend *) be)->frames);
}

static void counting_free(VrNetBackend *be)
{
    g_free(be);
}

static const VrNetBackendOps counting_ops = {"counting", counting_send, NULL, counting_free};
static CountingBackend *net_backend;

static uint64_t queue_base(unsigned i)
{
    return RING_AREA + 0x8000ull * i;
}

static unsigned rnd(Fuzz *f, int n)
{
    return (unsigned) g_rand_int_range(f->r, 0, n);
}

static uint64_t pick_addr(Fuzz *f)
{
    switch (rnd(f, 12)) {
    case 0: return 0;
    case 1: return TD_MMIO_BASE + (uint64_t) rnd(f, 0x200);
    case 2: return TD_RAM_BASE + RAM_SIZE - (uint64_t) rnd(f, 64);
    case 3: return G_MAXUINT64 - (uint64_t) rnd(f, 4096);
    case 4: return ((uint64_t) g_rand_int(f->r) << 32) | g_rand_int(f->r);
    case 5: return TD_RAM_BASE - (uint64_t) rnd(f, 64);
    case 6: return TABLE_AREA + 16ull * (uint64_t) rnd(f, 64);
    default: return DATA_AREA + (uint64_t) rnd(f, (int) (RAM_SIZE - 0x100000));
    }
}

static uint32_t pick_len(Fuzz *f)
{
    switch (rnd(f, 10)) {
    case 0: return 0;
    case 1: return 0xffffffffu;
    case 2: return g_rand_int(f->r);
    case 3: return 16u * (uint32_t) rnd(f, 70); /* indirect table sizes */
    case 4: return (uint32_t) rnd(f, 1 << 21);
    default: return 1 + (uint32_t) rnd(f, 4096);
    }
}

static uint32_t pick_value(Fuzz *f)
{
    static const uint32_t statuses[] = {0, 1, 3, 0xb, 0xf, 0x4f, 0x80, 0x8b, 0x7, 0x4};
    switch (rnd(f, 10)) {
    case 0:
    case 1:
    case 2: return (uint32_t) rnd(f, 5);
    case 3:
    case 4: return g_rand_int(f->r);
    case 5:
    case 6: return statuses[rnd(f, G_N_ELEMENTS(statuses))];
    case 7: return (uint32_t) queue_base((unsigned) rnd(f, 3)) + (uint32_t) rnd(f, 3) * 0x2000;
    case 8: return 1u << rnd(f, 32);
    default: return 1u << rnd(f, 10); /* queue sizes */
    }
}

static const uint32_t registers[] = {
    VR_VIRTIO_MMIO_MAGIC_VALUE,
    VR_VIRTIO_MMIO_DEVICE_FEATURES,
    VR_VIRTIO_MMIO_DEVICE_FEATURES_SEL,
    VR_VIRTIO_MMIO_DRIVER_FEATURES,
    VR_VIRTIO_MMIO_DRIVER_FEATURES_SEL,
    VR_VIRTIO_MMIO_QUEUE_SEL,
    VR_VIRTIO_MMIO_QUEUE_NUM_MAX,
    VR_VIRTIO_MMIO_QUEUE_NUM,
    VR_VIRTIO_MMIO_QUEUE_READY,
    VR_VIRTIO_MMIO_QUEUE_NOTIFY,
    VR_VIRTIO_MMIO_INTERRUPT_STATUS,
    VR_VIRTIO_MMIO_INTERRUPT_ACK,
    VR_VIRTIO_MMIO_STATUS,
    VR_VIRTIO_MMIO_QUEUE_DESC_LOW,
    VR_VIRTIO_MMIO_QUEUE_DESC_HIGH,
    VR_VIRTIO_MMIO_QUEUE_DRIVER_LOW,
    VR_VIRTIO_MMIO_QUEUE_DRIVER_HIGH,
    VR_VIRTIO_MMIO_QUEUE_DEVICE_LOW,
    VR_VIRTIO_MMIO_QUEUE_DEVICE_HIGH,
    VR_VIRTIO_MMIO_SHM_SEL,
    VR_VIRTIO_MMIO_SHM_LEN_LOW,
    VR_VIRTIO_MMIO_QUEUE_RESET,
    VR_VIRTIO_MMIO_CONFIG_GENERATION,
    VR_VIRTIO_MMIO_CONFIG,
    VR_VIRTIO_MMIO_CONFIG + 4,
    VR_VIRTIO_MMIO_CONFIG + 8,
};

static void random_register_access(Fuzz *f)
{
    uint32_t off;
    unsigned size = 4;
    int s = rnd(f, 20);
    if (s == 0)
        size = 1;
    else if (s == 1)
        size = 2;
    else if (s == 2)
        size = 8;
    if (rnd(f, 5) == 0)
        off = (uint32_t) rnd(f, VR_VIRTIO_MMIO_SIZE);
    else
        off = registers[rnd(f, G_N_ELEMENTS(registers))];
    off &= ~(size - 1);
    if (rnd(f, 3) == 0) {
        (void) td_read_sized(&f->m, off, size);
    } else {
        uint64_t v = pick_value(f);
        if (size == 8)
            v |= (uint64_t) pick_value(f) << 32;
        td_write_sized(&f->m, off, size, v);
    }
}

/* A plausible setup with random twists. */
static void random_setup(Fuzz *f)
{
    TdMachine *m = &f->m;
    td_write(m, VR_VIRTIO_MMIO_STATUS, 0);
    td_write(m, VR_VIRTIO_MMIO_STATUS, 3);
    uint64_t feats = td_device_features(m);
    if (rnd(f, 4) == 0)
        feats = ((uint64_t) g_rand_int(f->r) << 32) | g_rand_int(f->r);
    else
        feats &= ((uint64_t) g_rand_int(f->r) << 32) | g_rand_int(f->r) |
                 VR_VIRTIO_BIT(VR_VIRTIO_F_VERSION_1);
    td_write(m, VR_VIRTIO_MMIO_DRIVER_FEATURES_SEL, 0);
    td_write(m, VR_VIRTIO_MMIO_DRIVER_FEATURES, (uint32_t) feats);
    td_write(m, VR_VIRTIO_MMIO_DRIVER_FEATURES_SEL, 1);
    td_write(m, VR_VIRTIO_MMIO_DRIVER_FEATURES, (uint32_t) (feats >> 32));
    td_write(m, VR_VIRTIO_MMIO_STATUS, 0xb);
    for (unsigned i = 0; i < f->nq; i++) {
        uint64_t base = queue_base(i);
        memset(td_host(m, base), 0, 0x8000);
        td_write(m, VR_VIRTIO_MMIO_QUEUE_SEL, i);
        uint32_t num = rnd(f, 8) ? 1u << rnd(f, 9) : pick_value(f);
        td_write(m, VR_VIRTIO_MMIO_QUEUE_NUM, num);
        uint64_t desc = rnd(f, 8) ? base + DESC_OFF : pick_addr(f);
        td_write(m, VR_VIRTIO_MMIO_QUEUE_DESC_LOW, (uint32_t) desc);
        td_write(m, VR_VIRTIO_MMIO_QUEUE_DESC_HIGH, (uint32_t) (desc >> 32));
        td_write(m, VR_VIRTIO_MMIO_QUEUE_DRIVER_LOW, (uint32_t) (base + AVAIL_OFF));
        td_write(m, VR_VIRTIO_MMIO_QUEUE_DRIVER_HIGH, 0);
        td_write(m, VR_VIRTIO_MMIO_QUEUE_DEVICE_LOW, (uint32_t) (base + USED_OFF));
        td_write(m, VR_VIRTIO_MMIO_QUEUE_DEVICE_HIGH, 0);
        td_write(m, VR_VIRTIO_MMIO_QUEUE_READY, 1);
    }
    td_write(m, VR_VIRTIO_MMIO_STATUS, 0xf);
}

/* Random descriptors, available entries and suppression fields, then a kick. */
static void scribble(Fuzz *f)
{
    TdMachine *m = &f->m;
    unsigned qi = (unsigned) rnd(f, (int) f->nq);
    uint64_t base = queue_base(qi);
    uint16_t size = 1u << rnd(f, 9);
    for (int n = rnd(f, 8); n >= 0; n--) {
        uint16_t flags = (uint16_t) (rnd(f, 10) ? rnd(f, 8) : g_rand_int(f->r));
        uint16_t next = (uint16_t) (rnd(f, 10) ? rnd(f, size) : g_rand_int(f->r));
        uint64_t table = rnd(f, 4) ? base + DESC_OFF : TABLE_AREA + 16ull * rnd(f, 64);
        td_set_desc_at(m, table, (uint16_t) rnd(f, 256), pick_addr(f), pick_len(f), flags, next);
    }
    uint8_t *avail = td_host(m, base + AVAIL_OFF);
    for (int n = rnd(f, 4); n >= 0; n--) {
        uint16_t head = (uint16_t) (rnd(f, 10) ? rnd(f, size) : g_rand_int(f->r));
        memcpy(avail + 4 + 2 * rnd(f, 256), &head, 2);
    }
    uint16_t idx;
    memcpy(&idx, avail + 2, 2);
    idx = (uint16_t) (rnd(f, 10) ? idx + 1 + rnd(f, 4) : g_rand_int(f->r));
    __atomic_store_n((uint16_t *) (avail + 2), idx, __ATOMIC_RELEASE);
    if (rnd(f, 4) == 0) {
        uint16_t flags = (uint16_t) rnd(f, 3);
        memcpy(avail, &flags, 2);
    }
    if (rnd(f, 4) == 0) {
        uint16_t ev = (uint16_t) g_rand_int(f->r);
        memcpy(avail + 4 + 2 * rnd(f, 257), &ev, 2);
    }
    td_write(m, VR_VIRTIO_MMIO_QUEUE_NOTIFY, rnd(f, 10) ? qi : (uint32_t) rnd(f, 20));
}

static void host_side(Fuzz *f)
{
    if (f->kind == DEV_INPUT) {
        (void) vr_virtio_input_press_power(f->m.dev);
        return;
    }
    if (f->kind == DEV_GPU) {
        (void) vr_virtio_gpu_set_display_size(f->m.dev, (uint32_t) rnd(f, 5000),
                                              (uint32_t) rnd(f, 5000));
        return;
    }
    if (f->kind == DEV_NET) {
        uint8_t frame[2000];
        for (unsigned i = 0; i < sizeof(frame); i++)
            frame[i] = (uint8_t) g_rand_int(f->r);
        if (rnd(f, 5))
            (void) vr_net_backend_deliver(&net_backend->be, frame, 1 + rnd(f, sizeof(frame)), 1);
        else
            vr_virtio_net_set_link(f->m.dev, rnd(f, 2));
        return;
    }
    if (f->kind == DEV_SND) {
        vr_virtio_snd_set_muted(f->m.dev, rnd(f, 2));
        (void) vr_virtio_snd_level(f->m.dev);
        return;
    }
    if (f->kind != DEV_CONSOLE)
        return;
    uint8_t junk[300];
    for (unsigned i = 0; i < sizeof(junk); i++)
        junk[i] = (uint8_t) g_rand_int(f->r);
    if (rnd(f, 3))
        vr_virtio_console_input(f->m.dev, junk, (size_t) rnd(f, sizeof(junk)));
    else
        vr_virtio_console_set_size(f->m.dev, (uint16_t) rnd(f, 300), (uint16_t) rnd(f, 100));
}

/* A well-behaved driver: reset, set up, one request that must work. */
static void sanity(Fuzz *f)
{
    TdMachine *m = &f->m;
    td_write(m, VR_VIRTIO_MMIO_STATUS, 0);
    g_assert_cmpuint(td_read(m, VR_VIRTIO_MMIO_STATUS), ==, 0);
    g_assert_cmpuint(td_read(m, VR_VIRTIO_MMIO_INTERRUPT_STATUS), ==, 0);
    g_assert_cmpint(g_atomic_int_get(&m->irq_level), ==, 0);
    g_assert_true(td_negotiate(m, VR_VIRTIO_BIT(VR_VIRTIO_F_VERSION_1) |
                                      VR_VIRTIO_BIT(VR_VIRTIO_F_INDIRECT_DESC)));
    TdQueue q[4];
    for (unsigned i = 0; i < f->nq; i++) {
        uint64_t base = queue_base(i);
        memset(td_host(m, base), 0, 0x8000);
        memset(&q[i], 0, sizeof(q[i]));
        q[i].index = i;
        q[i].size = SANE_QSIZE;
        q[i].desc = base + DESC_OFF;
        q[i].avail = base + AVAIL_OFF;
        q[i].used = base + USED_OFF;
        td_write(m, VR_VIRTIO_MMIO_QUEUE_SEL, i);
        td_write(m, VR_VIRTIO_MMIO_QUEUE_NUM, SANE_QSIZE);
        td_write(m, VR_VIRTIO_MMIO_QUEUE_DESC_LOW, (uint32_t) q[i].desc);
        td_write(m, VR_VIRTIO_MMIO_QUEUE_DESC_HIGH, 0);
        td_write(m, VR_VIRTIO_MMIO_QUEUE_DRIVER_LOW, (uint32_t) q[i].avail);
        td_write(m, VR_VIRTIO_MMIO_QUEUE_DRIVER_HIGH, 0);
        td_write(m, VR_VIRTIO_MMIO_QUEUE_DEVICE_LOW, (uint32_t) q[i].used);
        td_write(m, VR_VIRTIO_MMIO_QUEUE_DEVICE_HIGH, 0);
        td_write(m, VR_VIRTIO_MMIO_QUEUE_READY, 1);
    }
    td_driver_ok(m);
    g_assert_cmpuint(td_read(m, VR_VIRTIO_MMIO_STATUS), ==, 0xf);
    uint64_t buf = DATA_AREA;
    memset(td_host(m, buf), 0, 64);
    switch (f->kind) {
    case DEV_RNG: {
        TdBuf b = {buf, 32, true};
        g_assert_cmpuint(td_submit(m, &q[0], &b, 1), ==, 32);
        break;
    }
    case DEV_CONSOLE: {
        TdBuf b = {buf, 3, false};
        g_assert_cmpuint(td_submit(m, &q[1], &b, 1), ==, 0);
        break;
    }
    case DEV_BLK: {
        uint32_t hdr[4] = {GUINT32_TO_LE(VR_VIRTIO_BLK_T_IN), 0, GUINT32_TO_LE(1), 0};
        memcpy(td_host(m, buf), hdr, 16);
        *(uint8_t *) td_host(m, buf + 1024) = 0xee;
        TdBuf b[] = {{buf, 16, false}, {buf + 512, 512, true}, {buf + 1024, 1, true}};
        g_assert_cmpuint(td_submit(m, &q[0], b, 3), ==, 513);
        g_assert_cmpuint(*(uint8_t *) td_host(m, buf + 1024), ==, VR_VIRTIO_BLK_S_OK);
        break;
    }
    case DEV_INPUT: {
        g_assert_true(vr_virtio_input_press_power(m->dev));
        TdBuf b = {buf, 8, true};
        g_assert_cmpuint(td_submit(m, &q[0], &b, 1), ==, 8);
        g_assert_cmpuint(*(uint16_t *) td_host(m, buf + 2), ==, GUINT16_TO_LE(VR_KEY_POWER));
        break;
    }
    case DEV_GPU: {
        uint32_t type = GUINT32_TO_LE(VR_VIRTIO_GPU_CMD_GET_DISPLAY_INFO);
        memcpy(td_host(m, buf), &type, 4);
        TdBuf b[] = {{buf, VR_VIRTIO_GPU_HDR_SIZE, false}, {buf + 512, 512, true}};
        g_assert_cmpuint(td_submit(m, &q[0], b, 2), ==, VR_VIRTIO_GPU_HDR_SIZE + 16 * 24);
        g_assert_cmpuint(*(uint32_t *) td_host(m, buf + 512), ==,
                         GUINT32_TO_LE(VR_VIRTIO_GPU_RESP_OK_DISPLAY_INFO));
        break;
    }
    case DEV_NET: {
        /* A frame out (queue 1) reaches the backend; one in (queue 0) fills a buffer. */
        vr_virtio_net_set_link(m->dev, true);
        gint before = g_atomic_int_get(&net_backend->frames);
        memset(td_host(m, buf), 0, 12 + 60);
        TdBuf out[] = {{buf, 12, false}, {buf + 12, 60, false}};
        g_assert_cmpuint(td_submit(m, &q[1], out, 2), ==, 0);
        g_assert_cmpint(g_atomic_int_get(&net_backend->frames), ==, before + 1);
        uint8_t frame[60] = {0xab};
        g_assert_true(vr_net_backend_deliver(&net_backend->be, frame, sizeof(frame), 0));
        TdBuf in = {buf + 512, 2048, true};
        g_assert_cmpuint(td_submit(m, &q[0], &in, 1), ==, 12 + 60);
        g_assert_cmpuint(*(uint8_t *) td_host(m, buf + 512 + 12), ==, 0xab);
        break;
    }
    case DEV_SND: {
        /* PCM_INFO for both streams on the control queue. */
        uint32_t req[4] = {GUINT32_TO_LE(VR_VIRTIO_SND_R_PCM_INFO), 0, GUINT32_TO_LE(2),
                           GUINT32_TO_LE(VR_VIRTIO_SND_PCM_INFO_SIZE)};
        memcpy(td_host(m, buf), req, 16);
        TdBuf b[] = {{buf, 16, false}, {buf + 512, 4 + 2 * VR_VIRTIO_SND_PCM_INFO_SIZE, true}};
        g_assert_cmpuint(td_submit(m, &q[0], b, 2), ==, 4 + 2 * VR_VIRTIO_SND_PCM_INFO_SIZE);
        g_assert_cmpuint(*(uint32_t *) td_host(m, buf + 512), ==,
                         GUINT32_TO_LE(VR_VIRTIO_SND_S_OK));
        break;
    }
    default: g_assert_not_reached();
    }
    g_assert_cmpuint(td_read(m, VR_VIRTIO_MMIO_STATUS), ==, 0xf);
    f->sanity_checks++;
}

static void fuzz(int kind, bool io)
{
    Fuzz f = {0};
    f.kind = kind;
    f.r = g_rand_new_with_seed(seed + (guint32) kind * 2 + io);
    VrVirtioDevice *dev = NULL;
    switch (kind) {
    case DEV_RNG:
        dev = vr_virtio_rng_new();
        f.nq = 1;
        break;
    case DEV_CONSOLE:
        dev = vr_virtio_console_new(discard_output, &console_bytes);
        f.nq = 2;
        break;
    case DEV_BLK: {
        f.image = g_build_filename(tmpdir, "fuzz.img", NULL);
        g_autofree char *zeros = g_malloc0(1 << 20);
        g_assert_true(g_file_set_contents(f.image, zeros, 1 << 20, NULL));
        g_autoptr(GError) error = NULL;
        dev = vr_virtio_blk_new(f.image, false, &error);
        g_assert_no_error(error);
        f.nq = 1;
        break;
    }
    case DEV_INPUT:
        dev = vr_virtio_input_power_button_new();
        f.nq = 2;
        break;
    case DEV_GPU:
        dev = vr_virtio_gpu_new(vr_renderer_cpu_new(), 800, 600, 16 << 20);
        f.nq = 2;
        break;
    case DEV_NET: {
        static const uint8_t mac[6] = {0x52, 0x54, 0x00, 0, 0, 1};
        net_backend = g_new0(CountingBackend, 1);
        net_backend->be.ops = &counting_ops;
        dev = vr_virtio_net_new(mac, 1500, &net_backend->be);
        f.nq = 2;
        break;
    }
    case DEV_SND:
        dev = vr_virtio_snd_new(vr_audio_null_new(20));
        f.nq = 4;
        break;
    default: g_assert_not_reached();
    }
    td_init(&f.m, dev, RAM_SIZE, io);
    sanity(&f);

    gint64 end = g_get_monotonic_time() + (gint64) (seconds * G_USEC_PER_SEC);
    while (g_get_monotonic_time() < end) {
        for (int i = 0; i < 64; i++) {
            int a = rnd(&f, 100);
            if (a < 40)
                random_register_access(&f);
            else if (a < 50)
                random_setup(&f);
            else if (a < 90)
                scribble(&f);
            else if (a < 97)
                host_side(&f);
            else
                td_write(&f.m, VR_VIRTIO_MMIO_STATUS, 0);
            f.actions++;
        }
        if (rnd(&f, 20) == 0)
            sanity(&f);
    }
    sanity(&f);
    g_test_message(
        "%s %s: %" G_GUINT64_FORMAT " actions, %" G_GUINT64_FORMAT " sanity checks passed",
        f.m.dev->name, io ? "with I/O thread" : "synchronous", f.actions, f.sanity_checks);
    /* As a machine does: the sound thread stops before the I/O thread. */
    if (kind == DEV_SND)
        vr_virtio_snd_close_backend(f.m.dev);
    td_free(&f.m);
    if (f.image) {
        g_unlink(f.image);
        g_free(f.image);
    }
    g_rand_free(f.r);
}

static void test_fuzz(gconstpointer data)
{
    int v = GPOINTER_TO_INT(data);
    fuzz(v / 2, v % 2);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    const char *s = g_getenv("VIREO_FUZZ_SEED");
    if (s)
        seed = (guint32) g_ascii_strtoull(s, NULL, 0);
    const char *t = g_getenv("VIREO_FUZZ_SECONDS");
    if (t)
        seconds = g_ascii_strtod(t, NULL);
    g_test_message("seed %u, %.2f s per case", seed, seconds);
    tmpdir = g_dir_make_tmp("vireo-virtio-fuzz-XXXXXX", NULL);
    static const char *names[] = {"rng", "console", "blk", "input", "gpu", "net", "snd"};
    for (int kind = 0; kind < N_DEVS; kind++) {
        for (int io = 0; io < 2; io++) {
            g_autofree char *path =
                g_strdup_printf("/virtio/fuzz/%s/%s", names[kind], io ? "io" : "sync");
            g_test_add_data_func(path, GINT_TO_POINTER(kind * 2 + io), test_fuzz);
        }
    }
    int rc = g_test_run();
    g_rmdir(tmpdir);
    g_free(tmpdir);
    return rc;
}
