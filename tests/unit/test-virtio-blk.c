/* virtio-blk on a temporary raw image, driven as Linux's virtio_blk drives it: reads,
 * writes, flushes, discards and write-zeroes checked against the file's bytes afterwards;
 * read-only refusal; requests past the end or malformed; opening errors and image locks. */
#include <errno.h>
#include <fcntl.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "virtio-test-driver.h"
#include "virtio/virtio-blk.h"
#include "virtio/virtio-rng.h"
#include "vr-state.h"

#define RAM_SIZE  (64ull << 20)
#define DISK_SIZE (4ull << 20)
#define SECTORS   (DISK_SIZE / 512)
#define F_V1      VR_VIRTIO_BIT(VR_VIRTIO_F_VERSION_1)
#define F_INDIR   VR_VIRTIO_BIT(VR_VIRTIO_F_INDIRECT_DESC)
#define F_EVIDX   VR_VIRTIO_BIT(VR_VIRTIO_F_EVENT_IDX)
#define F_DISCARD VR_VIRTIO_BIT(VR_VIRTIO_BLK_F_DISCARD)
#define F_WZEROES VR_VIRTIO_BIT(VR_VIRTIO_BLK_F_WRITE_ZEROES)
#define F_FLUSH   VR_VIRTIO_BIT(VR_VIRTIO_BLK_F_FLUSH)
#define ALL_RW    (F_INDIR | F_EVIDX | F_DISCARD | F_WZEROES | F_FLUSH)

static char *tmpdir;

static uint8_t pattern(uint64_t offset)
{
    return (uint8_t) (offset * 7 + offset / 512 + 1);
}

/* A raw image of size bytes filled with pattern(). */
static char *make_image(const char *name, uint64_t size)
{
    char *path = g_build_filename(tmpdir, name, NULL);
    g_autofree uint8_t *data = g_malloc(size);
    for (uint64_t i = 0; i < size; i++)
        data[i] = pattern(i);
    g_assert_true(g_file_set_contents(path, (const char *) data, (gssize) size, NULL));
    return path;
}

static void read_file_at(const char *path, uint64_t offset, void *buf, size_t len)
{
    int fd = open(path, O_RDONLY);
    g_assert_cmpint(fd, >=, 0);
    g_assert_cmpint(pread(fd, buf, len, (off_t) offset), ==, (ssize_t) len);
    close(fd);
}

static bool file_matches_pattern(const char *path, uint64_t offset, size_t len)
{
    g_autofree uint8_t *buf = g_malloc(len);
    read_file_at(path, offset, buf, len);
    for (size_t i = 0; i < len; i++)
        if (buf[i] != pattern(offset + i))
            return false;
    return true;
}

static bool file_is_zero(const char *path, uint64_t offset, size_t len)
{
    g_autofree uint8_t *buf = g_malloc(len);
    read_file_at(path, offset, buf, len);
    for (size_t i = 0; i < len; i++)
        if (buf[i])
            return false;
    return true;
}

static uint64_t file_size(const char *path)
{
    GStatBuf st;
    g_assert_cmpint(g_stat(path, &st), ==, 0);
    return (uint64_t) st.st_size;
}

typedef struct {
    TdMachine m;
    TdQueue q;
    uint64_t hdr, status, data;
    char *path;
} Blk;

static void blk_open(Blk *b, const char *name, bool readonly, uint64_t features)
{
    memset(b, 0, sizeof(*b));
    b->path = make_image(name, DISK_SIZE);
    g_autoptr(GError) error = NULL;
    VrVirtioDevice *dev = vr_virtio_blk_new(b->path, readonly, &error);
    g_assert_no_error(error);
    td_init(&b->m, dev, RAM_SIZE, td_with_iothread());
    td_start(&b->m, features, &b->q, 1, VR_VIRTIO_BLK_QUEUE_SIZE);
    b->hdr = td_alloc(&b->m, 16, 16);
    b->status = td_alloc(&b->m, 16, 16);
    b->data = td_alloc(&b->m, 2 << 20, 4096);
}

static void blk_close(Blk *b)
{
    g_assert_cmpuint(td_read(&b->m, VR_VIRTIO_MMIO_STATUS) & VR_VIRTIO_STATUS_DEVICE_NEEDS_RESET,
                     ==, 0);
    td_free(&b->m);
    g_unlink(b->path);
    g_free(b->path);
}

static void set_header(Blk *b, uint32_t type, uint64_t sector)
{
    uint8_t *h = td_host(&b->m, b->hdr);
    uint32_t t = GUINT32_TO_LE(type), r = 0;
    uint64_t s = GUINT64_TO_LE(sector);
    memcpy(h, &t, 4);
    memcpy(h + 4, &r, 4);
    memcpy(h + 8, &s, 8);
}

/* A request: header, data (len bytes at b->data, split in pieces of piece bytes), status.
 * Returns the status byte; *used gets the used length. */
static uint8_t request(Blk *b, uint32_t type, uint64_t sector, uint32_t len, bool writable,
                       uint32_t piece, bool indirect, uint32_t *used)
{
    set_header(b, type, sector);
    *(uint8_t *) td_host(&b->m, b->status) = 0xee;
    TdBuf bufs[VR_VIRTIO_BLK_QUEUE_SIZE];
    unsigned n = 0;
    /* The header in two pieces: framing must not matter (2.6.4). */
    bufs[n++] = (TdBuf){b->hdr, 8, false};
    bufs[n++] = (TdBuf){b->hdr + 8, 8, false};
    for (uint32_t off = 0; off < len; off += piece)
        bufs[n++] = (TdBuf){b->data + off, MIN(piece, len - off), writable};
    bufs[n++] = (TdBuf){b->status, 1, true};
    uint32_t u =
        indirect ? td_submit_indirect(&b->m, &b->q, bufs, n) : td_submit(&b->m, &b->q, bufs, n);
    g_assert_cmpuint(u, !=, G_MAXUINT32);
    if (used)
        *used = u;
    return *(uint8_t *) td_host(&b->m, b->status);
}

static uint8_t simple(Blk *b, uint32_t type, uint64_t sector, uint32_t len, bool writable)
{
    return request(b, type, sector, len, writable, 4096, false, NULL);
}

/* Discard or write-zeroes with the given segments (sector, count, flags). */
static uint8_t discard(Blk *b, uint32_t type, const uint64_t (*segs)[3], unsigned n)
{
    uint8_t *d = td_host(&b->m, b->data);
    for (unsigned i = 0; i < n; i++) {
        uint64_t s = GUINT64_TO_LE(segs[i][0]);
        uint32_t c = GUINT32_TO_LE((uint32_t) segs[i][1]);
        uint32_t f = GUINT32_TO_LE((uint32_t) segs[i][2]);
        memcpy(d + 16 * i, &s, 8);
        memcpy(d + 16 * i + 8, &c, 4);
        memcpy(d + 16 * i + 12, &f, 4);
    }
    return simple(b, type, 0, 16 * n, false);
}

/* ---- Opening ---- */

static void expect_open_error(const char *path, bool readonly, const char *needle)
{
    g_autoptr(GError) error = NULL;
    VrVirtioDevice *dev = vr_virtio_blk_new(path, readonly, &error);
    g_assert_null(dev);
    g_assert_nonnull(error);
    g_test_message("%s", error->message);
    g_assert_nonnull(strstr(error->message, path));
    g_assert_nonnull(strstr(error->message, needle));
}

static void test_open_errors(void)
{
    g_autofree char *missing = g_build_filename(tmpdir, "missing.img", NULL);
    expect_open_error(missing, false, "No such file");
    expect_open_error(missing, true, "No such file");
    expect_open_error(tmpdir, false, "directory");
    expect_open_error(tmpdir, true, "directory");

    g_autofree char *odd = g_build_filename(tmpdir, "odd.img", NULL);
    g_autofree char *thousand = g_malloc0(1000);
    g_assert_true(g_file_set_contents(odd, thousand, 1000, NULL));
    expect_open_error(odd, false, "multiple of 512");
    g_autofree char *empty = g_build_filename(tmpdir, "empty.img", NULL);
    g_assert_true(g_file_set_contents(empty, "", 0, NULL));
    expect_open_error(empty, true, "multiple of 512");
    expect_open_error("/dev/null", true, "not a regular file");

    g_autofree char *secret = make_image("secret.img", 4096);
    g_assert_cmpint(g_chmod(secret, 0), ==, 0);
    if (geteuid() != 0) {
        expect_open_error(secret, false, "Permission denied");
        expect_open_error(secret, true, "Permission denied");
    } else {
        g_test_message("running as root: permission check skipped");
    }
    /* Writable needs write permission; read-only does not. */
    g_assert_cmpint(g_chmod(secret, 0444), ==, 0);
    if (geteuid() != 0)
        expect_open_error(secret, false, "Permission denied");
    g_autoptr(GError) error = NULL;
    VrVirtioDevice *dev = vr_virtio_blk_new(secret, true, &error);
    g_assert_no_error(error);
    g_assert_cmpuint(vr_virtio_blk_capacity(dev), ==, 8);
    vr_virtio_device_free(dev);
    g_unlink(odd);
    g_unlink(empty);
    g_unlink(secret);
}

static void test_locks(void)
{
    g_autofree char *path = make_image("locked.img", 8192);
    g_autoptr(GError) error = NULL;
    VrVirtioDevice *a = vr_virtio_blk_new(path, false, &error);
    g_assert_no_error(error);
    /* A second writer, or a reader, is refused while a machine writes it. */
    expect_open_error(path, false, "in use");
    expect_open_error(path, true, "being written");
    vr_virtio_device_free(a);

    /* Readers share. */
    VrVirtioDevice *r1 = vr_virtio_blk_new(path, true, &error);
    g_assert_no_error(error);
    VrVirtioDevice *r2 = vr_virtio_blk_new(path, true, &error);
    g_assert_no_error(error);
    expect_open_error(path, false, "in use");
    vr_virtio_device_free(r1);
    vr_virtio_device_free(r2);
    /* Everyone let go: a writer may come. */
    a = vr_virtio_blk_new(path, false, &error);
    g_assert_no_error(error);
    vr_virtio_device_free(a);
    g_unlink(path);
}

/* ---- Configuration ---- */

static uint32_t config32(TdMachine *m, uint32_t off)
{
    return td_read(m, VR_VIRTIO_MMIO_CONFIG + off);
}

static void test_config(void)
{
    Blk b;
    blk_open(&b, "config.img", false, ALL_RW);
    TdMachine *m = &b.m;
    g_assert_cmpuint(td_read(m, VR_VIRTIO_MMIO_DEVICE_ID), ==, VR_VIRTIO_ID_BLOCK);
    uint64_t cap = config32(m, 0) | (uint64_t) config32(m, 4) << 32;
    g_assert_cmpuint(cap, ==, SECTORS);
    g_assert_cmpuint(config32(m, 8), ==, VR_VIRTIO_BLK_SIZE_MAX);
    g_assert_cmpuint(config32(m, 12), ==, VR_VIRTIO_BLK_SEG_MAX);
    g_assert_cmpuint(config32(m, 20), ==, 512);
    g_assert_cmpuint(config32(m, 36), ==, VR_VIRTIO_BLK_MAX_DISCARD);
    g_assert_cmpuint(config32(m, 40), ==, VR_VIRTIO_BLK_DISCARD_SEGS);
    g_assert_cmpuint(config32(m, 44), ==, 8);
    g_assert_cmpuint(config32(m, 48), ==, VR_VIRTIO_BLK_MAX_DISCARD);
    g_assert_cmpuint(td_read_sized(m, VR_VIRTIO_MMIO_CONFIG + 56, 1), ==, 1);
    g_assert_cmpuint(td_read_sized(m, VR_VIRTIO_MMIO_CONFIG + 0, 8), ==, SECTORS);
    g_assert_cmpuint(td_read_sized(m, VR_VIRTIO_MMIO_CONFIG + 60, 4), ==, 0); /* past it */
    /* Configuration writes to a block device are ignored. */
    td_write(m, VR_VIRTIO_MMIO_CONFIG, 1);
    g_assert_cmpuint(config32(m, 0), ==, (uint32_t) SECTORS);
    uint64_t f = td_device_features(m);
    g_assert_true(f & F_FLUSH);
    g_assert_true(f & F_DISCARD);
    g_assert_true(f & F_WZEROES);
    g_assert_true(f & VR_VIRTIO_BIT(VR_VIRTIO_BLK_F_SEG_MAX));
    g_assert_true(f & VR_VIRTIO_BIT(VR_VIRTIO_BLK_F_SIZE_MAX));
    g_assert_true(f & VR_VIRTIO_BIT(VR_VIRTIO_BLK_F_BLK_SIZE));
    g_assert_false(f & VR_VIRTIO_BIT(VR_VIRTIO_BLK_F_RO));
    td_write(m, VR_VIRTIO_MMIO_STATUS, 0);
    td_start(m, ALL_RW, &b.q, 1, VR_VIRTIO_BLK_QUEUE_SIZE);
    blk_close(&b);
}

/* ---- Reads and writes ---- */

static void test_read_write(void)
{
    Blk b;
    blk_open(&b, "rw.img", false, ALL_RW);
    uint8_t *data = td_host(&b.m, b.data);
    uint32_t used;

    /* Read 3 sectors at sector 5 in odd pieces. */
    memset(data, 0, 4096);
    g_assert_cmpuint(request(&b, VR_VIRTIO_BLK_T_IN, 5, 1536, true, 100, false, &used), ==,
                     VR_VIRTIO_BLK_S_OK);
    g_assert_cmpuint(used, ==, 1536 + 1);
    for (unsigned i = 0; i < 1536; i++)
        g_assert_cmpuint(data[i], ==, pattern(5 * 512 + i));

    /* Write 4 sectors at sector 10, then check the file itself. */
    for (unsigned i = 0; i < 2048; i++)
        data[i] = (uint8_t) (0xa5 ^ i);
    g_assert_cmpuint(request(&b, VR_VIRTIO_BLK_T_OUT, 10, 2048, false, 512, false, &used), ==,
                     VR_VIRTIO_BLK_S_OK);
    g_assert_cmpuint(used, ==, 1);
    g_assert_cmpuint(simple(&b, VR_VIRTIO_BLK_T_FLUSH, 0, 0, false), ==, VR_VIRTIO_BLK_S_OK);
    uint8_t back[2048];
    read_file_at(b.path, 10 * 512, back, sizeof(back));
    for (unsigned i = 0; i < 2048; i++)
        g_assert_cmpuint(back[i], ==, (uint8_t) (0xa5 ^ i));
    g_assert_true(file_matches_pattern(b.path, 9 * 512, 512));
    g_assert_true(file_matches_pattern(b.path, 14 * 512, 512));
    /* And read it back through the device, through an indirect table. */
    memset(data, 0, 2048);
    g_assert_cmpuint(request(&b, VR_VIRTIO_BLK_T_IN, 10, 2048, true, 1000, true, &used), ==,
                     VR_VIRTIO_BLK_S_OK);
    g_assert_cmpmem(data, 2048, back, 2048);

    /* A big write, at the last sectors of the disk. */
    for (unsigned i = 0; i < (1u << 20); i++)
        data[i] = (uint8_t) (i >> 3);
    g_assert_cmpuint(
        request(&b, VR_VIRTIO_BLK_T_OUT, SECTORS - 2048, 1 << 20, false, 65536, true, &used), ==,
        VR_VIRTIO_BLK_S_OK);
    g_autofree uint8_t *tail = g_malloc(1 << 20);
    read_file_at(b.path, DISK_SIZE - (1 << 20), tail, 1 << 20);
    for (unsigned i = 0; i < (1u << 20); i++)
        g_assert_cmpuint(tail[i], ==, (uint8_t) (i >> 3));
    g_assert_cmpuint(file_size(b.path), ==, DISK_SIZE);

    /* GET_ID: the image's name. */
    memset(data, 0xff, 20);
    g_assert_cmpuint(simple(&b, VR_VIRTIO_BLK_T_GET_ID, 0, 20, true), ==, VR_VIRTIO_BLK_S_OK);
    g_assert_cmpmem(data, 7, "rw.img\0", 7);

    /* Discard: holes read back as zeroes, the size stays. */
    const uint64_t segs[][3] = {{64, 16, 0}, {200, 8, 0}};
    g_assert_cmpuint(discard(&b, VR_VIRTIO_BLK_T_DISCARD, segs, 2), ==, VR_VIRTIO_BLK_S_OK);
    g_assert_true(file_is_zero(b.path, 64 * 512, 16 * 512));
    g_assert_true(file_is_zero(b.path, 200 * 512, 8 * 512));
    g_assert_true(file_matches_pattern(b.path, 80 * 512, 512));
    g_assert_true(file_matches_pattern(b.path, 63 * 512, 512));
    g_assert_cmpuint(file_size(b.path), ==, DISK_SIZE);

    /* Write zeroes, with and without unmap (an unaligned range too). */
    const uint64_t z1[][3] = {{300, 3, 0}};
    g_assert_cmpuint(discard(&b, VR_VIRTIO_BLK_T_WRITE_ZEROES, z1, 1), ==, VR_VIRTIO_BLK_S_OK);
    g_assert_true(file_is_zero(b.path, 300 * 512, 3 * 512));
    g_assert_true(file_matches_pattern(b.path, 303 * 512, 512));
    g_assert_true(file_matches_pattern(b.path, 299 * 512, 512));
    const uint64_t z2[][3] = {{401, 33, 1}};
    g_assert_cmpuint(discard(&b, VR_VIRTIO_BLK_T_WRITE_ZEROES, z2, 1), ==, VR_VIRTIO_BLK_S_OK);
    g_assert_true(file_is_zero(b.path, 401 * 512, 33 * 512));
    g_assert_true(file_matches_pattern(b.path, 434 * 512, 512));
    g_assert_true(file_matches_pattern(b.path, 400 * 512, 512));
    g_assert_cmpuint(file_size(b.path), ==, DISK_SIZE);
    blk_close(&b);
}

static void test_serial(void)
{
    g_autofree char *path = make_image("a-very-long-image-name-indeed.img", 4096);
    g_autoptr(GError) error = NULL;
    VrVirtioDevice *dev = vr_virtio_blk_new(path, false, &error);
    g_assert_no_error(error);
    Blk b = {0};
    b.path = g_strdup(path);
    td_init(&b.m, dev, RAM_SIZE, false);
    td_start(&b.m, 0, &b.q, 1, 16);
    b.hdr = td_alloc(&b.m, 16, 16);
    b.status = td_alloc(&b.m, 16, 16);
    b.data = td_alloc(&b.m, 4096, 16);
    g_assert_cmpuint(simple(&b, VR_VIRTIO_BLK_T_GET_ID, 0, 20, true), ==, VR_VIRTIO_BLK_S_OK);
    g_assert_cmpmem(td_host(&b.m, b.data), 20, "a-very-long-image-na", 20);
    /* A short buffer gets what fits. */
    memset(td_host(&b.m, b.data), 'x', 20);
    g_assert_cmpuint(simple(&b, VR_VIRTIO_BLK_T_GET_ID, 0, 4, true), ==, VR_VIRTIO_BLK_S_OK);
    g_assert_cmpmem(td_host(&b.m, b.data), 5, "a-vex", 5);
    /* The driver did not take DISCARD or WRITE_ZEROES: those requests are unsupported. */
    const uint64_t segs[][3] = {{0, 8, 0}};
    g_assert_cmpuint(discard(&b, VR_VIRTIO_BLK_T_DISCARD, segs, 1), ==, VR_VIRTIO_BLK_S_UNSUPP);
    g_assert_cmpuint(discard(&b, VR_VIRTIO_BLK_T_WRITE_ZEROES, segs, 1), ==,
                     VR_VIRTIO_BLK_S_UNSUPP);
    g_assert_true(file_matches_pattern(path, 0, 4096));
    td_free(&b.m);

    dev = vr_virtio_blk_new(path, false, &error);
    g_assert_no_error(error);
    vr_virtio_blk_set_serial(dev, "disk 0\n");
    td_init(&b.m, dev, RAM_SIZE, false);
    td_start(&b.m, 0, &b.q, 1, 16);
    b.hdr = td_alloc(&b.m, 16, 16);
    b.status = td_alloc(&b.m, 16, 16);
    b.data = td_alloc(&b.m, 4096, 16);
    g_assert_cmpuint(simple(&b, VR_VIRTIO_BLK_T_GET_ID, 0, 20, true), ==, VR_VIRTIO_BLK_S_OK);
    g_assert_cmpmem(td_host(&b.m, b.data), 6, "disk0\0", 6);
    blk_close(&b);
}

static void test_read_only(void)
{
    Blk b;
    blk_open(&b, "ro.img", true, F_INDIR | F_FLUSH | VR_VIRTIO_BIT(VR_VIRTIO_BLK_F_RO));
    uint64_t f = td_device_features(&b.m);
    g_assert_true(f & VR_VIRTIO_BIT(VR_VIRTIO_BLK_F_RO));
    g_assert_false(f & F_DISCARD);
    g_assert_false(f & F_WZEROES);
    uint8_t *data = td_host(&b.m, b.data);

    g_assert_cmpuint(simple(&b, VR_VIRTIO_BLK_T_IN, 1, 512, true), ==, VR_VIRTIO_BLK_S_OK);
    g_assert_cmpuint(data[0], ==, pattern(512));
    memset(data, 0x11, 4096);
    g_assert_cmpuint(simple(&b, VR_VIRTIO_BLK_T_OUT, 0, 4096, false), ==, VR_VIRTIO_BLK_S_IOERR);
    g_assert_true(file_matches_pattern(b.path, 0, DISK_SIZE));
    const uint64_t segs[][3] = {{0, 8, 0}};
    g_assert_cmpuint(discard(&b, VR_VIRTIO_BLK_T_DISCARD, segs, 1), ==, VR_VIRTIO_BLK_S_UNSUPP);
    g_assert_cmpuint(discard(&b, VR_VIRTIO_BLK_T_WRITE_ZEROES, segs, 1), ==,
                     VR_VIRTIO_BLK_S_UNSUPP);
    g_assert_true(file_matches_pattern(b.path, 0, DISK_SIZE));
    g_assert_cmpuint(simple(&b, VR_VIRTIO_BLK_T_FLUSH, 0, 0, false), ==, VR_VIRTIO_BLK_S_OK);
    blk_close(&b);
}

static void test_bad_requests(void)
{
    Blk b;
    blk_open(&b, "bad.img", false, ALL_RW);
    uint32_t used;

    /* Past the end, partly past the end, far past the end, overflowing. */
    g_assert_cmpuint(simple(&b, VR_VIRTIO_BLK_T_IN, SECTORS, 512, true), ==, VR_VIRTIO_BLK_S_IOERR);
    g_assert_cmpuint(simple(&b, VR_VIRTIO_BLK_T_IN, SECTORS - 1, 1024, true), ==,
                     VR_VIRTIO_BLK_S_IOERR);
    g_assert_cmpuint(simple(&b, VR_VIRTIO_BLK_T_OUT, SECTORS - 1, 1024, false), ==,
                     VR_VIRTIO_BLK_S_IOERR);
    g_assert_cmpuint(simple(&b, VR_VIRTIO_BLK_T_OUT, G_MAXUINT64, 512, false), ==,
                     VR_VIRTIO_BLK_S_IOERR);
    g_assert_cmpuint(simple(&b, VR_VIRTIO_BLK_T_IN, G_MAXUINT64 / 512, 512, true), ==,
                     VR_VIRTIO_BLK_S_IOERR);
    /* Not whole sectors. */
    g_assert_cmpuint(simple(&b, VR_VIRTIO_BLK_T_IN, 0, 100, true), ==, VR_VIRTIO_BLK_S_IOERR);
    g_assert_cmpuint(simple(&b, VR_VIRTIO_BLK_T_OUT, 0, 513, false), ==, VR_VIRTIO_BLK_S_IOERR);
    g_assert_true(file_matches_pattern(b.path, 0, DISK_SIZE));
    /* The last sector itself is fine, and so is an empty read. */
    g_assert_cmpuint(simple(&b, VR_VIRTIO_BLK_T_IN, SECTORS - 1, 512, true), ==,
                     VR_VIRTIO_BLK_S_OK);
    g_assert_cmpuint(simple(&b, VR_VIRTIO_BLK_T_IN, SECTORS, 0, true), ==, VR_VIRTIO_BLK_S_OK);
    /* Unknown types. */
    g_assert_cmpuint(simple(&b, 2, 0, 0, false), ==, VR_VIRTIO_BLK_S_UNSUPP);
    g_assert_cmpuint(simple(&b, 0x80000000u, 0, 0, false), ==, VR_VIRTIO_BLK_S_UNSUPP);
    g_assert_cmpuint(simple(&b, 14, 0, 0, false), ==, VR_VIRTIO_BLK_S_UNSUPP);

    /* Discard: unmap flag, unknown flags, bad lengths, too many segments, out of range. */
    const uint64_t unmap[][3] = {{0, 8, 1}};
    g_assert_cmpuint(discard(&b, VR_VIRTIO_BLK_T_DISCARD, unmap, 1), ==, VR_VIRTIO_BLK_S_UNSUPP);
    const uint64_t flags[][3] = {{0, 8, 2}};
    g_assert_cmpuint(discard(&b, VR_VIRTIO_BLK_T_WRITE_ZEROES, flags, 1), ==,
                     VR_VIRTIO_BLK_S_UNSUPP);
    const uint64_t range[][3] = {{0, 8, 0}, {SECTORS - 4, 8, 0}};
    g_assert_cmpuint(discard(&b, VR_VIRTIO_BLK_T_DISCARD, range, 2), ==, VR_VIRTIO_BLK_S_IOERR);
    g_assert_cmpuint(discard(&b, VR_VIRTIO_BLK_T_WRITE_ZEROES, range, 2), ==,
                     VR_VIRTIO_BLK_S_IOERR);
    /* Nothing of a rejected request was done, not even its good first segment. */
    g_assert_true(file_matches_pattern(b.path, 0, DISK_SIZE));
    const uint64_t wrap[][3] = {{G_MAXUINT64 - 2, 8, 0}};
    g_assert_cmpuint(discard(&b, VR_VIRTIO_BLK_T_DISCARD, wrap, 1), ==, VR_VIRTIO_BLK_S_IOERR);
    uint64_t many[VR_VIRTIO_BLK_DISCARD_SEGS + 1][3];
    for (unsigned i = 0; i < G_N_ELEMENTS(many); i++) {
        many[i][0] = i * 8;
        many[i][1] = 8;
        many[i][2] = 0;
    }
    g_assert_cmpuint(discard(&b, VR_VIRTIO_BLK_T_DISCARD, many, G_N_ELEMENTS(many)), ==,
                     VR_VIRTIO_BLK_S_IOERR);
    g_assert_cmpuint(simple(&b, VR_VIRTIO_BLK_T_DISCARD, 0, 10, false), ==, VR_VIRTIO_BLK_S_IOERR);
    g_assert_true(file_matches_pattern(b.path, 0, DISK_SIZE));

    /* A header too short: IOERR. */
    *(uint8_t *) td_host(&b.m, b.status) = 0xee;
    TdBuf shorthdr[] = {{b.hdr, 8, false}, {b.status, 1, true}};
    g_assert_cmpuint(td_submit(&b.m, &b.q, shorthdr, 2), ==, 1);
    g_assert_cmpuint(*(uint8_t *) td_host(&b.m, b.status), ==, VR_VIRTIO_BLK_S_IOERR);
    /* No room for a status byte: the request is returned with nothing written. */
    set_header(&b, VR_VIRTIO_BLK_T_IN, 0);
    TdBuf nostatus[] = {{b.hdr, 16, false}};
    g_assert_cmpuint(td_submit(&b.m, &b.q, nostatus, 1), ==, 0);
    /* The status byte is the last writable byte, wherever the descriptors split. */
    set_header(&b, VR_VIRTIO_BLK_T_IN, 2);
    uint8_t *data = td_host(&b.m, b.data);
    memset(data, 0, 600);
    TdBuf joined[] = {{b.hdr, 16, false}, {b.data, 513, true}};
    g_assert_cmpuint(td_submit(&b.m, &b.q, joined, 2), ==, 513);
    g_assert_cmpuint(data[512], ==, VR_VIRTIO_BLK_S_OK);
    g_assert_cmpuint(data[0], ==, pattern(1024));
    (void) used;
    blk_close(&b);
}

/* Many requests in flight at once, on the I/O thread, with event idx and indirect tables. */
static void test_many_requests(void)
{
    Blk b;
    blk_open(&b, "many.img", false, ALL_RW);
    TdMachine *m = &b.m;
    TdQueue *q = &b.q;
    const unsigned n = VR_VIRTIO_BLK_QUEUE_SIZE; /* a full queue: past one batch */
    uint64_t hdrs = td_alloc(m, 16 * n, 16), stats = td_alloc(m, n, 1);
    uint64_t tables = td_alloc(m, 16 * 3 * n, 16), bufs = td_alloc(m, 4096ull * n, 4096);
    for (unsigned i = 0; i < n; i++) {
        uint8_t *h = td_host(m, hdrs + 16 * i);
        uint32_t t = GUINT32_TO_LE(VR_VIRTIO_BLK_T_OUT);
        uint64_t s = GUINT64_TO_LE(8ull * i);
        memset(h, 0, 16);
        memcpy(h, &t, 4);
        memcpy(h + 8, &s, 8);
        memset(td_host(m, bufs + 4096ull * i), (int) i, 4096);
        uint64_t table = tables + 48ull * i;
        td_set_desc_at(m, table, 0, hdrs + 16 * i, 16, VR_VIRTQ_DESC_F_NEXT, 1);
        td_set_desc_at(m, table, 1, bufs + 4096ull * i, 4096, VR_VIRTQ_DESC_F_NEXT, 2);
        td_set_desc_at(m, table, 2, stats + i, 1, VR_VIRTQ_DESC_F_WRITE, 0);
        td_set_desc(m, q, (uint16_t) i, table, 48, VR_VIRTQ_DESC_F_INDIRECT, 0);
        td_publish(m, q, (uint16_t) i);
        if (i % 50 == 49 || i == n - 1)
            td_kick(m, q);
    }
    bool seen[VR_VIRTIO_BLK_QUEUE_SIZE] = {false};
    for (unsigned i = 0; i < n; i++) {
        uint32_t id, len;
        g_assert_true(td_wait_used(m, q, &id, &len));
        g_assert_cmpuint(id, <, n);
        g_assert_false(seen[id]);
        seen[id] = true;
        g_assert_cmpuint(len, ==, 1);
    }
    g_assert_cmpint(g_atomic_int_get(&m->irq_level), ==, 1);
    g_autofree uint8_t *file = g_malloc(4096ull * n);
    read_file_at(b.path, 0, file, 4096ull * n);
    for (unsigned i = 0; i < n; i++) {
        g_assert_cmpuint(*(uint8_t *) td_host(m, stats + i), ==, VR_VIRTIO_BLK_S_OK);
        g_assert_cmpuint(file[4096ull * i], ==, (uint8_t) i);
        g_assert_cmpuint(file[4096ull * i + 4095], ==, (uint8_t) i);
    }
    blk_close(&b);
}

/* A reset while the I/O thread is busy with big reads completes, and the device works
 * afterwards. */
static void test_reset_while_busy(void)
{
    Blk b;
    blk_open(&b, "busy.img", false, ALL_RW);
    TdMachine *m = &b.m;
    for (int round = 0; round < 5; round++) {
        TdQueue *q = &b.q;
        uint64_t bufs = b.data;
        for (uint16_t i = 0; i < 128; i++) {
            uint64_t table = td_alloc(m, 48, 16);
            td_set_desc_at(m, table, 0, b.hdr, 16, VR_VIRTQ_DESC_F_NEXT, 1);
            td_set_desc_at(m, table, 1, bufs, 1 << 20, VR_VIRTQ_DESC_F_NEXT | VR_VIRTQ_DESC_F_WRITE,
                           2);
            td_set_desc_at(m, table, 2, b.status, 1, VR_VIRTQ_DESC_F_WRITE, 0);
            td_set_desc(m, q, i, table, 48, VR_VIRTQ_DESC_F_INDIRECT, 0);
            td_publish(m, q, i);
        }
        set_header(&b, VR_VIRTIO_BLK_T_IN, 0);
        td_kick(m, q);
        g_usleep(round * 200);
        td_write(m, VR_VIRTIO_MMIO_STATUS, 0);
        g_assert_cmpuint(td_read(m, VR_VIRTIO_MMIO_STATUS), ==, 0);
        g_assert_cmpuint(td_read(m, VR_VIRTIO_MMIO_INTERRUPT_STATUS), ==, 0);
        td_start(m, ALL_RW, q, 1, VR_VIRTIO_BLK_QUEUE_SIZE);
        g_assert_cmpuint(simple(&b, VR_VIRTIO_BLK_T_IN, 3, 512, true), ==, VR_VIRTIO_BLK_S_OK);
        g_assert_cmpuint(*(uint8_t *) td_host(m, b.data), ==, pattern(3 * 512));
    }
    blk_close(&b);
}

/* ---- Machine state ---- */

/* Quiesces the transport and writes its state to path, as vr_machine_save_state does. */
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

/* Loads the state at path into the machine's (new) transport and lets it run. */
static void load_transport(TdMachine *m, const char *path)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(VrStateFile) f = vr_state_file_open(path, &error);
    g_assert_no_error(error);
    g_autoptr(VrStateReader) r = vr_state_file_find(f, "dev:virtio0");
    g_assert_nonnull(r);
    VrDevice *dev = vr_virtio_mmio_base(m->t);
    g_assert_true(dev->ops->load(dev, r));
    g_assert_true(vr_state_reader_check(r, &error));
    g_assert_no_error(error);
    dev->ops->unquiesce(dev);
}

/* A transport and its disk saved with a request published but not kicked, then built again
 * over the same RAM and image: the waiting request completes, later ones carry on from the
 * same ring indexes, nothing is lost or done twice. */
static void test_state_round_trip(void)
{
    Blk b;
    blk_open(&b, "state.img", false, ALL_RW);
    TdMachine *m = &b.m;
    uint8_t *data = td_host(m, b.data);
    for (unsigned i = 0; i < 3; i++) {
        memset(data, 0x40 + i, 4096);
        g_assert_cmpuint(simple(&b, VR_VIRTIO_BLK_T_OUT, 8 * i, 4096, false), ==,
                         VR_VIRTIO_BLK_S_OK);
    }
    g_assert_cmpuint(td_used_idx(m, &b.q), ==, 3);
    /* A write the driver published without a kick (notifications were off, say). */
    memset(data, 0x55, 4096);
    set_header(&b, VR_VIRTIO_BLK_T_OUT, 64);
    *(uint8_t *) td_host(m, b.status) = 0xee;
    td_set_desc(m, &b.q, 0, b.hdr, 16, VR_VIRTQ_DESC_F_NEXT, 1);
    td_set_desc(m, &b.q, 1, b.data, 4096, VR_VIRTQ_DESC_F_NEXT, 2);
    td_set_desc(m, &b.q, 2, b.status, 1, VR_VIRTQ_DESC_F_WRITE, 0);
    td_publish(m, &b.q, 0);

    g_autofree char *state = g_build_filename(tmpdir, "blk.state", NULL);
    save_transport(m, state);
    uint32_t generation = td_read(m, VR_VIRTIO_MMIO_CONFIG_GENERATION);
    td_detach(m);

    g_autoptr(GError) error = NULL;
    VrVirtioDevice *dev = vr_virtio_blk_new(b.path, false, &error);
    g_assert_no_error(error);
    td_attach(m, dev);
    load_transport(m, state);
    uint32_t id, len;
    g_assert_true(td_wait_used(m, &b.q, &id, &len));
    g_assert_cmpuint(id, ==, 0);
    g_assert_cmpuint(*(uint8_t *) td_host(m, b.status), ==, VR_VIRTIO_BLK_S_OK);
    g_assert_cmpuint(td_used_idx(m, &b.q), ==, 4);
    g_assert_cmpuint(td_read(m, VR_VIRTIO_MMIO_STATUS), ==,
                     VR_VIRTIO_STATUS_ACKNOWLEDGE | VR_VIRTIO_STATUS_DRIVER |
                         VR_VIRTIO_STATUS_FEATURES_OK | VR_VIRTIO_STATUS_DRIVER_OK);
    g_assert_cmpuint(td_read(m, VR_VIRTIO_MMIO_CONFIG_GENERATION), ==, generation);
    td_write(m, VR_VIRTIO_MMIO_QUEUE_SEL, 0);
    g_assert_cmpuint(td_read(m, VR_VIRTIO_MMIO_QUEUE_READY), ==, 1);

    for (unsigned i = 0; i < 3; i++) {
        g_assert_cmpuint(simple(&b, VR_VIRTIO_BLK_T_IN, 8 * i, 4096, true), ==, VR_VIRTIO_BLK_S_OK);
        g_assert_cmpuint(data[0], ==, 0x40 + i);
        g_assert_cmpuint(data[4095], ==, 0x40 + i);
    }
    g_assert_cmpuint(td_used_idx(m, &b.q), ==, 7);
    uint8_t buf[4096];
    read_file_at(b.path, 64 * 512, buf, sizeof(buf));
    for (size_t i = 0; i < sizeof(buf); i++)
        g_assert_cmpuint(buf[i], ==, 0x55);
    g_unlink(state);
    blk_close(&b);
}

/* A virtio-rng payload where a virtio-blk one belongs: refused, naming the device id. */
static void test_state_wrong_device(void)
{
    g_autofree char *state = g_build_filename(tmpdir, "rng.state", NULL);
    TdMachine m;
    TdQueue q;
    td_init(&m, vr_virtio_rng_new(), 1 << 20, false);
    td_start(&m, 0, &q, 1, 8);
    save_transport(&m, state);
    td_free(&m);

    Blk b;
    blk_open(&b, "wrong.img", false, ALL_RW);
    g_autoptr(GError) error = NULL;
    g_autoptr(VrStateFile) f = vr_state_file_open(state, &error);
    g_assert_no_error(error);
    g_autoptr(VrStateReader) r = vr_state_file_find(f, "dev:virtio0");
    VrDevice *dev = vr_virtio_mmio_base(b.m.t);
    g_assert_false(dev->ops->load(dev, r));
    g_assert_false(vr_state_reader_check(r, &error));
    g_assert_nonnull(strstr(error->message, "device with id 4"));
    dev->ops->unquiesce(dev);
    g_assert_cmpuint(td_read(&b.m, VR_VIRTIO_MMIO_STATUS), ==, 0);
    g_unlink(state);
    blk_close(&b);
}

/* ---- The worker pool ---- */

typedef struct {
    GMutex lock;
    GCond cond;
    bool gate_closed; /* requests wait in the hook while closed */
    unsigned in_hook;
    unsigned delay_us[VR_VIRTIO_BLK_QUEUE_SIZE]; /* by order of arrival */
    bool hold_first; /* the first request waits in the hook until first_released */
    bool first_released;
    unsigned arrivals;
    const char *path;      /* checked when a flush starts */
    unsigned flush_checks; /* flushes that found every earlier write on disk */
    unsigned writes_expected;
} Hook;

static Hook hook;

static void request_hook(void *opaque, uint32_t type)
{
    Hook *h = opaque;
    g_mutex_lock(&h->lock);
    unsigned n = h->arrivals++;
    h->in_hook++;
    g_cond_broadcast(&h->cond);
    while (h->gate_closed || (n == 0 && h->hold_first && !h->first_released))
        g_cond_wait(&h->cond, &h->lock);
    unsigned delay = n < G_N_ELEMENTS(h->delay_us) ? h->delay_us[n] : 0;
    g_mutex_unlock(&h->lock);
    g_usleep(delay);
    if (type == VR_VIRTIO_BLK_T_FLUSH && h->path) {
        /* Every write before the flush has finished: its data is in the file. */
        g_autofree uint8_t *file = g_malloc(4096ull * h->writes_expected);
        read_file_at(h->path, 0, file, 4096ull * h->writes_expected);
        bool all = true;
        for (unsigned i = 0; i < h->writes_expected; i++)
            all &= file[4096ull * i] == (uint8_t) (i + 1) &&
                   file[4096ull * i + 4095] == (uint8_t) (i + 1);
        g_mutex_lock(&h->lock);
        h->flush_checks += all;
        g_mutex_unlock(&h->lock);
    }
    g_mutex_lock(&h->lock);
    h->in_hook--;
    g_cond_broadcast(&h->cond);
    g_mutex_unlock(&h->lock);
}

static void hook_reset(void)
{
    g_mutex_lock(&hook.lock);
    hook.gate_closed = false;
    hook.hold_first = hook.first_released = false;
    hook.in_hook = 0;
    hook.arrivals = 0;
    memset(hook.delay_us, 0, sizeof(hook.delay_us));
    hook.path = NULL;
    hook.flush_checks = 0;
    hook.writes_expected = 0;
    g_mutex_unlock(&hook.lock);
}

static void open_hooked(Blk *b, const char *name)
{
    memset(b, 0, sizeof(*b));
    b->path = make_image(name, DISK_SIZE);
    g_autoptr(GError) error = NULL;
    VrVirtioDevice *dev = vr_virtio_blk_new(b->path, false, &error);
    g_assert_no_error(error);
    vr_virtio_blk_set_request_hook(dev, request_hook, &hook);
    td_init(&b->m, dev, RAM_SIZE, td_with_iothread());
    td_start(&b->m, ALL_RW, &b->q, 1, VR_VIRTIO_BLK_QUEUE_SIZE);
    b->hdr = td_alloc(&b->m, 16, 16);
    b->status = td_alloc(&b->m, 16, 16);
    b->data = td_alloc(&b->m, 2 << 20, 4096);
}

/* Request i of a batch: a header, 4096 data bytes, a status byte, through descriptors
 * 3i .. 3i + 2. */
typedef struct {
    uint64_t hdrs, stats, bufs;
} Batch;

static void batch_alloc(TdMachine *m, Batch *bt, unsigned n)
{
    bt->hdrs = td_alloc(m, 16 * n, 16);
    bt->stats = td_alloc(m, n, 1);
    bt->bufs = td_alloc(m, 4096ull * n, 4096);
}

static void batch_put(TdMachine *m, TdQueue *q, const Batch *bt, unsigned i, uint32_t type,
                      uint64_t sector)
{
    uint8_t *h = td_host(m, bt->hdrs + 16 * i);
    uint32_t t = GUINT32_TO_LE(type);
    uint64_t s = GUINT64_TO_LE(sector);
    memset(h, 0, 16);
    memcpy(h, &t, 4);
    memcpy(h + 8, &s, 8);
    *(uint8_t *) td_host(m, bt->stats + i) = 0xee;
    uint16_t d = (uint16_t) (3 * i);
    bool data = type == VR_VIRTIO_BLK_T_IN || type == VR_VIRTIO_BLK_T_OUT;
    td_set_desc(m, q, d, bt->hdrs + 16 * i, 16, VR_VIRTQ_DESC_F_NEXT, data ? d + 1 : d + 2);
    if (data)
        td_set_desc(m, q, d + 1, bt->bufs + 4096ull * i, 4096,
                    VR_VIRTQ_DESC_F_NEXT | (type == VR_VIRTIO_BLK_T_IN ? VR_VIRTQ_DESC_F_WRITE : 0),
                    d + 2);
    td_set_desc(m, q, d + 2, bt->stats + i, 1, VR_VIRTQ_DESC_F_WRITE, 0);
    td_publish(m, q, d);
}

/* Writes and reads of different sectors in flight together, finishing in another order than
 * they were made (the first ones are the slowest); then a flush, which must find every write
 * before it on disk. */
static void test_concurrent(void)
{
    hook_reset();
    Blk b;
    open_hooked(&b, "concurrent.img");
    TdMachine *m = &b.m;
    TdQueue *q = &b.q;
    enum { N = 40 };
    Batch bt;
    batch_alloc(m, &bt, N + 1);
    /* The first to reach the hook (request 0, unless a loaded host woke its worker late) is
     * held back until eight others have finished; the next ones are slower than those after
     * them. */
    hook.hold_first = true;
    for (unsigned i = 1; i < 8; i++)
        hook.delay_us[i] = (8 - i) * 20000;
    /* Requests 0..19 write sectors 8i with i + 1; 20..39 read sectors 8(i - 20) + 256. */
    for (unsigned i = 0; i < N; i++) {
        if (i < N / 2) {
            memset(td_host(m, bt.bufs + 4096ull * i), (int) (i + 1), 4096);
            batch_put(m, q, &bt, i, VR_VIRTIO_BLK_T_OUT, 8ull * i);
        } else {
            batch_put(m, q, &bt, i, VR_VIRTIO_BLK_T_IN, 8ull * (i - N / 2) + 256);
        }
    }
    hook.path = b.path;
    hook.writes_expected = N / 2;
    batch_put(m, q, &bt, N, VR_VIRTIO_BLK_T_FLUSH, 0);
    td_kick(m, q);
    unsigned order[N + 1];
    bool seen[N + 1] = {false};
    for (unsigned k = 0; k < N + 1; k++) {
        uint32_t id, len;
        g_assert_true(td_wait_used(m, q, &id, &len));
        g_assert_cmpuint(id % 3, ==, 0);
        unsigned i = id / 3;
        g_assert_cmpuint(i, <=, N);
        g_assert_false(seen[i]);
        seen[i] = true;
        order[k] = i;
        if (k == 7) {
            g_mutex_lock(&hook.lock);
            hook.first_released = true;
            g_cond_broadcast(&hook.cond);
            g_mutex_unlock(&hook.lock);
        }
        g_assert_cmpuint(*(uint8_t *) td_host(m, bt.stats + i), ==, VR_VIRTIO_BLK_S_OK);
    }
    /* Out of order, and the flush finished last. */
    bool in_order = true;
    for (unsigned k = 0; k < N; k++)
        in_order &= order[k] == k;
    g_assert_false(in_order);
    g_assert_cmpuint(order[N], ==, N);
    g_assert_cmpuint(hook.flush_checks, ==, 1);
    for (unsigned i = N / 2; i < N; i++) {
        const uint8_t *buf = td_host(m, bt.bufs + 4096ull * i);
        uint64_t off = (8ull * (i - N / 2) + 256) * 512;
        for (unsigned j = 0; j < 4096; j += 511)
            g_assert_cmpuint(buf[j], ==, pattern(off + j));
    }
    g_assert_true(file_matches_pattern(b.path, 20 * 4096, 256 * 512 - 20 * 4096));
    blk_close(&b);
    hook_reset();
}

typedef struct {
    TdMachine *m;
    gint done;
} ResetJob;

static gpointer reset_thread(gpointer data)
{
    ResetJob *j = data;
    td_write(j->m, VR_VIRTIO_MMIO_STATUS, 0);
    g_atomic_int_set(&j->done, 1);
    return NULL;
}

/* A reset while requests sit in the workers waits for them all to finish (every status byte
 * written, every read's data in RAM) and returns none of them to the driver. */
static void test_reset_waits(void)
{
    hook_reset();
    hook.gate_closed = true;
    Blk b;
    open_hooked(&b, "reset-waits.img");
    TdMachine *m = &b.m;
    TdQueue *q = &b.q;
    enum { N = 8 };
    Batch bt;
    batch_alloc(m, &bt, N);
    for (unsigned i = 0; i < N; i++)
        batch_put(m, q, &bt, i, VR_VIRTIO_BLK_T_IN, 8ull * i);
    td_kick(m, q);
    g_mutex_lock(&hook.lock);
    gint64 end = g_get_monotonic_time() + 5 * G_USEC_PER_SEC;
    while (hook.in_hook < 4)
        g_assert_true(g_cond_wait_until(&hook.cond, &hook.lock, end));
    g_mutex_unlock(&hook.lock);

    ResetJob job = {m, 0};
    GThread *th = g_thread_new("reset", reset_thread, &job);
    g_usleep(100000);
    g_assert_cmpint(g_atomic_int_get(&job.done), ==, 0); /* still waiting for the disk */
    /* Other registers answer meanwhile. */
    g_assert_cmpuint(td_read(m, VR_VIRTIO_MMIO_MAGIC_VALUE), ==, VR_VIRTIO_MMIO_MAGIC);
    g_mutex_lock(&hook.lock);
    hook.gate_closed = false;
    g_cond_broadcast(&hook.cond);
    g_mutex_unlock(&hook.lock);
    g_thread_join(th);
    g_assert_cmpint(g_atomic_int_get(&job.done), ==, 1);
    /* The first four were with the workers; the rest had been taken from the ring, or not
     * yet when the reset stopped the device taking more (then the reset forgets them with the
     * rings). Each request either finished whole or never started. */
    g_assert_cmpuint(hook.arrivals, >=, 4);
    g_assert_cmpuint(hook.arrivals, <=, N);
    unsigned finished = 0;
    for (unsigned i = 0; i < N; i++) {
        uint8_t status = *(uint8_t *) td_host(m, bt.stats + i);
        if (status == 0xee)
            continue;
        g_assert_cmpuint(status, ==, VR_VIRTIO_BLK_S_OK);
        g_assert_cmpuint(*(uint8_t *) td_host(m, bt.bufs + 4096ull * i + 100), ==,
                         pattern(8ull * i * 512 + 100));
        finished++;
    }
    g_assert_cmpuint(finished, ==, hook.arrivals);
    g_assert_cmpuint(td_used_idx(m, q), ==, 0);
    g_assert_cmpuint(td_read(m, VR_VIRTIO_MMIO_STATUS), ==, 0);
    td_start(m, ALL_RW, q, 1, VR_VIRTIO_BLK_QUEUE_SIZE);
    g_assert_cmpuint(simple(&b, VR_VIRTIO_BLK_T_IN, 3, 512, true), ==, VR_VIRTIO_BLK_S_OK);
    blk_close(&b);
    hook_reset();
}

/* A disk request stuck in the backend holds up neither the I/O thread it shares with an
 * entropy device (whose requests keep completing) nor the disk's own registers. */
static void test_slow_disk(void)
{
    hook_reset();
    hook.gate_closed = true;
    Blk b;
    open_hooked(&b, "slow.img");
    TdMachine *m = &b.m;
    g_assert_nonnull(m->io);
    set_header(&b, VR_VIRTIO_BLK_T_IN, 0);
    *(uint8_t *) td_host(m, b.status) = 0xee;
    td_set_desc(m, &b.q, 0, b.hdr, 16, VR_VIRTQ_DESC_F_NEXT, 1);
    td_set_desc(m, &b.q, 1, b.data, 512, VR_VIRTQ_DESC_F_NEXT | VR_VIRTQ_DESC_F_WRITE, 2);
    td_set_desc(m, &b.q, 2, b.status, 1, VR_VIRTQ_DESC_F_WRITE, 0);
    td_publish(m, &b.q, 0);
    td_kick(m, &b.q);
    g_mutex_lock(&hook.lock);
    gint64 end = g_get_monotonic_time() + 5 * G_USEC_PER_SEC;
    while (hook.in_hook < 1)
        g_assert_true(g_cond_wait_until(&hook.cond, &hook.lock, end));
    g_mutex_unlock(&hook.lock);

    TdMachine rng;
    TdQueue rq;
    td_init_shared(&rng, vr_virtio_rng_new(), 1 << 20, m->io);
    td_start(&rng, 0, &rq, 1, 8);
    uint64_t buf = td_alloc(&rng, 64, 8);
    for (int i = 0; i < 20; i++) {
        TdBuf one = {buf, 64, true};
        g_assert_cmpuint(td_submit(&rng, &rq, &one, 1), ==, 64);
    }
    td_write(m, VR_VIRTIO_MMIO_INTERRUPT_ACK, 0);
    g_assert_cmpuint(td_read(m, VR_VIRTIO_MMIO_INTERRUPT_STATUS), ==, 0);
    g_assert_cmpuint(*(uint8_t *) td_host(m, b.status), ==, 0xee); /* the disk still waits */

    g_mutex_lock(&hook.lock);
    hook.gate_closed = false;
    g_cond_broadcast(&hook.cond);
    g_mutex_unlock(&hook.lock);
    uint32_t id, len;
    g_assert_true(td_wait_used(m, &b.q, &id, &len));
    g_assert_cmpuint(*(uint8_t *) td_host(m, b.status), ==, VR_VIRTIO_BLK_S_OK);
    td_free(&rng); /* before the I/O thread it borrows */
    blk_close(&b);
    hook_reset();
}

/* ---- CD drives ---- */

#define F_RO      VR_VIRTIO_BIT(VR_VIRTIO_BLK_F_RO)
#define DISC_SIZE (1ull << 20)

/* A CD drive holding path (NULL: empty), with hook when hooked. */
static void cd_open(Blk *b, const char *path, bool hooked)
{
    memset(b, 0, sizeof(*b));
    g_autoptr(GError) error = NULL;
    VrVirtioDevice *dev = vr_virtio_blk_new_cdrom(path, &error);
    g_assert_no_error(error);
    g_assert_true(vr_virtio_blk_is_cdrom(dev));
    if (hooked)
        vr_virtio_blk_set_request_hook(dev, request_hook, &hook);
    td_init(&b->m, dev, RAM_SIZE, td_with_iothread());
    td_start(&b->m, F_INDIR | F_FLUSH | F_RO, &b->q, 1, VR_VIRTIO_BLK_QUEUE_SIZE);
    b->hdr = td_alloc(&b->m, 16, 16);
    b->status = td_alloc(&b->m, 16, 16);
    b->data = td_alloc(&b->m, 2 << 20, 4096);
}

static char *make_filled(const char *name, uint64_t size, uint8_t byte)
{
    char *path = g_build_filename(tmpdir, name, NULL);
    g_autofree uint8_t *data = g_malloc(size);
    memset(data, byte, size);
    g_assert_true(g_file_set_contents(path, (const char *) data, (gssize) size, NULL));
    return path;
}

static bool file_is_filled(const char *path, uint64_t size, uint8_t byte)
{
    g_assert_cmpuint(file_size(path), ==, size);
    g_autofree uint8_t *buf = g_malloc(size);
    read_file_at(path, 0, buf, size);
    for (uint64_t i = 0; i < size; i++)
        if (buf[i] != byte)
            return false;
    return true;
}

static uint64_t capacity(TdMachine *m)
{
    return td_read_sized(m, VR_VIRTIO_MMIO_CONFIG + 0, 8);
}

/* Writes, discards and write-zeroes all fail, and the disc keeps its bytes. */
static void check_unwritable(Blk *b, const char *disc, uint64_t size, uint8_t byte)
{
    memset(td_host(&b->m, b->data), 0x5a, 4096);
    g_assert_cmpuint(simple(b, VR_VIRTIO_BLK_T_OUT, 0, 4096, false), ==, VR_VIRTIO_BLK_S_IOERR);
    const uint64_t segs[][3] = {{0, 8, 0}};
    g_assert_cmpuint(discard(b, VR_VIRTIO_BLK_T_DISCARD, segs, 1), ==, VR_VIRTIO_BLK_S_UNSUPP);
    g_assert_cmpuint(discard(b, VR_VIRTIO_BLK_T_WRITE_ZEROES, segs, 1), ==, VR_VIRTIO_BLK_S_UNSUPP);
    g_assert_cmpuint(simple(b, VR_VIRTIO_BLK_T_FLUSH, 0, 0, false), ==, VR_VIRTIO_BLK_S_OK);
    if (disc)
        g_assert_true(file_is_filled(disc, size, byte));
}

/* An empty drive: read-only, capacity 0, every read fails, GET_ID answers. */
static void test_cdrom_empty(void)
{
    Blk b;
    cd_open(&b, NULL, false);
    TdMachine *m = &b.m;
    g_assert_true(td_device_features(m) & F_RO);
    g_assert_false(td_device_features(m) & F_DISCARD);
    g_assert_cmpuint(capacity(m), ==, 0);
    g_assert_cmpuint(simple(&b, VR_VIRTIO_BLK_T_IN, 0, 512, true), ==, VR_VIRTIO_BLK_S_IOERR);
    g_assert_cmpuint(simple(&b, VR_VIRTIO_BLK_T_IN, 0, 0, true), ==, VR_VIRTIO_BLK_S_IOERR);
    check_unwritable(&b, NULL, 0, 0);
    g_assert_cmpuint(simple(&b, VR_VIRTIO_BLK_T_GET_ID, 0, 20, true), ==, VR_VIRTIO_BLK_S_OK);
    td_free(&b.m);
}

/* A disc goes in, is changed and taken out while the driver runs: each time the capacity
 * changes as one step (ConfigGeneration moves) with a configuration change interrupt
 * (InterruptStatus bit 1), reads come from the disc in the drive, and no disc is written. */
static void test_cdrom_change(void)
{
    g_autofree char *one = make_filled("one.iso", DISC_SIZE, 0x11);
    g_autofree char *two = make_filled("two.iso", 2 * DISC_SIZE, 0x22);
    Blk b;
    cd_open(&b, NULL, false);
    TdMachine *m = &b.m;
    uint8_t *data = td_host(m, b.data);
    g_autoptr(GError) error = NULL;

    const struct {
        const char *disc;
        uint64_t size;
        uint8_t byte;
    } steps[] = {
        {one, DISC_SIZE, 0x11}, {two, 2 * DISC_SIZE, 0x22}, {NULL, 0, 0}, {one, DISC_SIZE, 0x11}};
    for (unsigned i = 0; i < G_N_ELEMENTS(steps); i++) {
        td_write(m, VR_VIRTIO_MMIO_INTERRUPT_ACK, td_read(m, VR_VIRTIO_MMIO_INTERRUPT_STATUS));
        g_assert_cmpuint(td_read(m, VR_VIRTIO_MMIO_INTERRUPT_STATUS), ==, 0);
        int rises = g_atomic_int_get(&m->irq_rises);
        uint32_t generation = td_read(m, VR_VIRTIO_MMIO_CONFIG_GENERATION);
        g_assert_true(vr_virtio_blk_change_medium(m->dev, steps[i].disc, &error));
        g_assert_no_error(error);
        g_assert_cmpuint(td_read(m, VR_VIRTIO_MMIO_CONFIG_GENERATION), !=, generation);
        g_assert_cmpuint(td_read(m, VR_VIRTIO_MMIO_INTERRUPT_STATUS), ==,
                         VR_VIRTIO_MMIO_INT_CONFIG);
        g_assert_cmpint(g_atomic_int_get(&m->irq_rises), ==, rises + 1);
        g_assert_cmpuint(capacity(m), ==, steps[i].size / 512);
        g_assert_cmpuint(vr_virtio_blk_capacity(m->dev), ==, steps[i].size / 512);
        memset(data, 0, 4096);
        if (steps[i].disc) {
            uint64_t last = steps[i].size / 512 - 8;
            g_assert_cmpuint(simple(&b, VR_VIRTIO_BLK_T_IN, last, 4096, true), ==,
                             VR_VIRTIO_BLK_S_OK);
            g_assert_cmpuint(data[0], ==, steps[i].byte);
            g_assert_cmpuint(data[4095], ==, steps[i].byte);
            g_assert_cmpuint(simple(&b, VR_VIRTIO_BLK_T_IN, last + 8, 512, true), ==,
                             VR_VIRTIO_BLK_S_IOERR);
        } else {
            g_assert_cmpuint(simple(&b, VR_VIRTIO_BLK_T_IN, 0, 512, true), ==,
                             VR_VIRTIO_BLK_S_IOERR);
        }
        check_unwritable(&b, steps[i].disc, steps[i].size, steps[i].byte);
    }

    /* A disc that cannot be read is refused, naming it; the one in the drive stays. */
    g_autofree char *missing = g_build_filename(tmpdir, "missing.iso", NULL);
    uint32_t generation = td_read(m, VR_VIRTIO_MMIO_CONFIG_GENERATION);
    g_assert_false(vr_virtio_blk_change_medium(m->dev, missing, &error));
    g_assert_nonnull(strstr(error->message, missing));
    g_clear_error(&error);
    g_assert_false(vr_virtio_blk_change_medium(m->dev, tmpdir, &error));
    g_clear_error(&error);
    g_assert_cmpuint(td_read(m, VR_VIRTIO_MMIO_CONFIG_GENERATION), ==, generation);
    g_assert_cmpuint(capacity(m), ==, DISC_SIZE / 512);
    g_assert_cmpuint(simple(&b, VR_VIRTIO_BLK_T_IN, 0, 512, true), ==, VR_VIRTIO_BLK_S_OK);
    g_assert_cmpuint(data[0], ==, 0x11);

    /* The drive holds a reader's lock on its disc: nothing may write it meanwhile. */
    VrVirtioDevice *writer = vr_virtio_blk_new(one, false, &error);
    g_assert_null(writer);
    g_clear_error(&error);
    g_assert_true(vr_virtio_blk_change_medium(m->dev, NULL, &error));
    writer = vr_virtio_blk_new(one, false, &error);
    g_assert_no_error(error);
    vr_virtio_device_free(writer);

    td_free(&b.m);
    g_assert_true(file_is_filled(one, DISC_SIZE, 0x11));
    g_assert_true(file_is_filled(two, 2 * DISC_SIZE, 0x22));
    g_unlink(one);
    g_unlink(two);
}

typedef struct {
    VrVirtioDevice *dev;
    const char *disc;
    gint done;
} ChangeJob;

static gpointer change_thread(gpointer data)
{
    ChangeJob *j = data;
    g_assert_true(vr_virtio_blk_change_medium(j->dev, j->disc, NULL));
    g_atomic_int_set(&j->done, 1);
    return NULL;
}

/* A read running on the workers when the disc changes finishes on the old disc; the change
 * waits for it, and reads after it see the new disc. */
static void test_cdrom_change_in_flight(void)
{
    g_autofree char *one = make_filled("flight-one.iso", DISC_SIZE, 0x11);
    g_autofree char *two = make_filled("flight-two.iso", DISC_SIZE, 0x22);
    hook_reset();
    hook.gate_closed = true;
    Blk b;
    cd_open(&b, one, true);
    TdMachine *m = &b.m;
    set_header(&b, VR_VIRTIO_BLK_T_IN, 0);
    *(uint8_t *) td_host(m, b.status) = 0xee;
    td_set_desc(m, &b.q, 0, b.hdr, 16, VR_VIRTQ_DESC_F_NEXT, 1);
    td_set_desc(m, &b.q, 1, b.data, 512, VR_VIRTQ_DESC_F_NEXT | VR_VIRTQ_DESC_F_WRITE, 2);
    td_set_desc(m, &b.q, 2, b.status, 1, VR_VIRTQ_DESC_F_WRITE, 0);
    td_publish(m, &b.q, 0);
    td_kick(m, &b.q);
    g_mutex_lock(&hook.lock);
    gint64 end = g_get_monotonic_time() + 5 * G_USEC_PER_SEC;
    while (hook.in_hook < 1)
        g_assert_true(g_cond_wait_until(&hook.cond, &hook.lock, end));
    g_mutex_unlock(&hook.lock);

    ChangeJob job = {m->dev, two, 0};
    GThread *th = g_thread_new("change", change_thread, &job);
    g_usleep(100000);
    g_assert_cmpint(g_atomic_int_get(&job.done), ==, 0); /* waits for the read */
    g_mutex_lock(&hook.lock);
    hook.gate_closed = false;
    g_cond_broadcast(&hook.cond);
    g_mutex_unlock(&hook.lock);
    g_thread_join(th);
    uint32_t id, len;
    g_assert_true(td_wait_used(m, &b.q, &id, &len));
    g_assert_cmpuint(*(uint8_t *) td_host(m, b.status), ==, VR_VIRTIO_BLK_S_OK);
    g_assert_cmpuint(*(uint8_t *) td_host(m, b.data), ==, 0x11);
    g_assert_cmpuint(simple(&b, VR_VIRTIO_BLK_T_IN, 0, 512, true), ==, VR_VIRTIO_BLK_S_OK);
    g_assert_cmpuint(*(uint8_t *) td_host(m, b.data), ==, 0x22);
    td_free(&b.m);
    hook_reset();
    g_unlink(one);
    g_unlink(two);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_mutex_init(&hook.lock);
    g_cond_init(&hook.cond);
    tmpdir = g_dir_make_tmp("vireo-virtio-blk-XXXXXX", NULL);
    g_assert_nonnull(tmpdir);
    g_test_add_func("/virtio-blk/open-errors", test_open_errors);
    g_test_add_func("/virtio-blk/locks", test_locks);
    g_test_add_func("/virtio-blk/serial", test_serial);
    td_add_both("/virtio-blk/config", test_config);
    td_add_both("/virtio-blk/read-write", test_read_write);
    td_add_both("/virtio-blk/read-only", test_read_only);
    td_add_both("/virtio-blk/bad-requests", test_bad_requests);
    td_add_both("/virtio-blk/many-requests", test_many_requests);
    g_test_add_func("/virtio-blk/reset-while-busy/io", test_reset_while_busy);
    td_add_both("/virtio-blk/state/round-trip", test_state_round_trip);
    g_test_add_func("/virtio-blk/state/wrong-device", test_state_wrong_device);
    td_add_both("/virtio-blk/workers/concurrent", test_concurrent);
    td_add_both("/virtio-blk/workers/reset-waits", test_reset_waits);
    g_test_add_func("/virtio-blk/workers/slow-disk/io", test_slow_disk);
    td_add_both("/virtio-blk/cdrom/empty", test_cdrom_empty);
    td_add_both("/virtio-blk/cdrom/change", test_cdrom_change);
    g_test_add_func("/virtio-blk/cdrom/change-in-flight/io", test_cdrom_change_in_flight);
    int rc = g_test_run();
    g_rmdir(tmpdir);
    g_free(tmpdir);
    return rc;
}
