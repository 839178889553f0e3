/* The riscv64-virt board's interrupt and serial devices at the register level: the CLINT, the
 * PLIC and the NS16550A UART driven through their MMIO callbacks, with interrupt lines and
 * timer compare registers that record what the devices do to them. Then each device (the
 * Goldfish RTC too) saved to a real state file and loaded into a fresh one, which must answer
 * every register as the saved one did, and damaged payloads that must be refused. */
#include <glib.h>
#include <glib/gstdio.h>
#include <string.h>

#include "aclint.h"
#include "goldfish-rtc.h"
#include "plic.h"
#include "uart16550.h"
#include "vr-state.h"

/* ---- fakes ---- */

typedef struct {
    bool level;
    unsigned calls, raises;
} FakeLine;

/* opaque is an array of FakeLine, line the index. */
static void fake_line_set(void *opaque, unsigned line, bool level)
{
    FakeLine *l = &((FakeLine *) opaque)[line];
    l->calls++;
    if (level && !l->level)
        l->raises++;
    l->level = level;
}

static VrIrq fake_irq(FakeLine *lines, unsigned i)
{
    return (VrIrq){.set = fake_line_set, .opaque = lines, .line = i};
}

static unsigned total_calls(const FakeLine *lines, unsigned n)
{
    unsigned calls = 0;
    for (unsigned i = 0; i < n; i++)
        calls += lines[i].calls;
    return calls;
}

typedef struct {
    uint64_t cmp;
    unsigned sets;
} FakeTimer;

static uint64_t fake_timer_get(void *opaque)
{
    return ((FakeTimer *) opaque)->cmp;
}

static void fake_timer_set(void *opaque, uint64_t value)
{
    FakeTimer *t = opaque;
    t->cmp = value;
    t->sets++;
}

static uint64_t rd(const VrMmioOps *ops, void *dev, uint64_t offset, unsigned size)
{
    uint64_t v = 0xdeadbeef;
    g_assert_true(ops->read(dev, offset, size, &v));
    return v;
}

static void wr(const VrMmioOps *ops, void *dev, uint64_t offset, unsigned size, uint64_t v)
{
    g_assert_true(ops->write(dev, offset, size, v));
}

static void push(GArray *a, uint64_t v)
{
    g_array_append_val(a, v);
}

/* ---- state files ---- */

#define SECTION "dev:test"

typedef struct {
    char *dir;
    char *path;
} TempState;

static void temp_state_init(TempState *t)
{
    g_autoptr(GError) error = NULL;
    t->dir = g_dir_make_tmp("vireo-test-devices-XXXXXX", &error);
    g_assert_no_error(error);
    t->path = g_build_filename(t->dir, "state", NULL);
}

static void temp_state_clear(TempState *t)
{
    g_unlink(t->path);
    g_rmdir(t->dir);
    g_free(t->path);
    g_free(t->dir);
}

static void save_device(VrDevice *dev, const char *path)
{
    g_autoptr(GError) error = NULL;
    VrStateWriter *w = vr_state_writer_new(path, &error);
    g_assert_no_error(error);
    vr_state_begin_section(w, SECTION);
    dev->ops->save(dev, w);
    vr_state_end_section(w);
    g_assert_true(vr_state_writer_finish(w, &error));
    g_assert_no_error(error);
}

static void write_payload(const char *path, const GByteArray *payload)
{
    g_autoptr(GError) error = NULL;
    VrStateWriter *w = vr_state_writer_new(path, &error);
    g_assert_no_error(error);
    vr_state_begin_section(w, SECTION);
    vr_state_put_bytes(w, payload->data, payload->len);
    vr_state_end_section(w);
    g_assert_true(vr_state_writer_finish(w, &error));
}

/* The payload a device saves, as bytes to damage. */
static GByteArray *saved_payload(VrDevice *dev, const char *path)
{
    save_device(dev, path);
    g_autoptr(GError) error = NULL;
    g_autoptr(VrStateFile) f = vr_state_file_open(path, &error);
    g_assert_no_error(error);
    g_autoptr(VrStateReader) r = vr_state_file_find(f, SECTION);
    g_assert_nonnull(r);
    size_t n = vr_state_reader_remaining(r);
    GByteArray *bytes = g_byte_array_new();
    g_byte_array_append(bytes, vr_state_get_ptr(r, n), (guint) n);
    return bytes;
}

/* Loads the section into dev; the error, when refused, says why. */
static bool load_device(VrDevice *dev, const char *path, GError **error)
{
    g_autoptr(VrStateFile) f = vr_state_file_open(path, error);
    g_assert_nonnull(f);
    g_autoptr(VrStateReader) r = vr_state_file_find(f, SECTION);
    g_assert_nonnull(r);
    bool ok = dev->ops->load(dev, r);
    bool checked = vr_state_reader_check(r, error);
    g_assert_true(ok || !checked);
    return checked;
}

/* Writes payload and expects dev to refuse it with a message holding reason. */
static void assert_refused(VrDevice *dev, const char *path, const GByteArray *payload,
                           const char *reason)
{
    write_payload(path, payload);
    g_autoptr(GError) error = NULL;
    g_assert_false(load_device(dev, path, &error));
    g_assert_nonnull(error);
    if (g_test_verbose())
        g_test_message("refused: %s", error->message);
    g_assert_nonnull(strstr(error->message, SECTION));
    if (!strstr(error->message, reason))
        g_error("'%s' does not say '%s'", error->message, reason);
}

static void put_u32_at(GByteArray *b, size_t at, uint32_t v)
{
    g_assert_cmpuint(at + 4, <=, b->len);
    for (unsigned i = 0; i < 4; i++)
        b->data[at + i] = (uint8_t) (v >> (8 * i));
}

/* The refusals every device shares: another version, a payload cut short, one too long. */
static void assert_common_refusals(VrDevice *dev, const char *path, const GByteArray *good)
{
    g_autoptr(GByteArray) b = g_byte_array_new();
    g_byte_array_append(b, good->data, good->len);
    put_u32_at(b, 0, 2);
    assert_refused(dev, path, b, "version 2 is not known");

    g_byte_array_set_size(b, 0);
    g_byte_array_append(b, good->data, good->len - 1);
    assert_refused(dev, path, b, "shorter than its contents need");

    g_byte_array_set_size(b, 0);
    g_byte_array_append(b, good->data, good->len);
    g_byte_array_append(b, (const guint8 *) "x", 1);
    assert_refused(dev, path, b, "1 bytes were left unread");
}

/* ---- CLINT ---- */

#define N_HARTS 2
#define MSIP(h) (4 * (h))
#define CMP(h)  (0x4000 + 8 * (h))
#define MTIME   0xbff8

typedef struct {
    VrClock clock;
    FakeLine lines[N_HARTS];
    FakeTimer timers[N_HARTS];
    VrAclint *clint;
} Clint;

static void clint_init(Clint *c, unsigned n_harts)
{
    memset(c, 0, sizeof(*c));
    vr_clock_init(&c->clock);
    VrIrq msip[4];
    VrTimerCmp timers[4];
    g_assert_cmpuint(n_harts, <=, 4);
    for (unsigned h = 0; h < n_harts; h++) {
        msip[h] = fake_irq(c->lines, h < N_HARTS ? h : 0);
        timers[h] = (VrTimerCmp){.get = fake_timer_get,
                                 .set = fake_timer_set,
                                 .opaque = &c->timers[h < N_HARTS ? h : 0]};
    }
    c->clint = vr_aclint_new(n_harts, &c->clock, msip, timers);
}

#define CLINT_RD(c, off, size)    rd(vr_aclint_ops(), (c)->clint, off, size)
#define CLINT_WR(c, off, size, v) wr(vr_aclint_ops(), (c)->clint, off, size, v)

static void test_clint_msip(void)
{
    Clint c;
    clint_init(&c, N_HARTS);
    CLINT_WR(&c, MSIP(1), 4, 1);
    g_assert_cmpuint(CLINT_RD(&c, MSIP(1), 4), ==, 1);
    g_assert_true(c.lines[1].level);
    g_assert_false(c.lines[0].level);
    g_assert_cmpuint(CLINT_RD(&c, MSIP(0), 4), ==, 0);
    /* Only bit 0 exists. */
    CLINT_WR(&c, MSIP(1), 4, 0xfffffffe);
    g_assert_cmpuint(CLINT_RD(&c, MSIP(1), 4), ==, 0);
    g_assert_false(c.lines[1].level);
    CLINT_WR(&c, MSIP(0), 4, 0x80000003);
    g_assert_cmpuint(CLINT_RD(&c, MSIP(0), 4), ==, 1);
    g_assert_true(c.lines[0].level);
    /* msip is a 32-bit register: other sizes are bus errors. */
    uint64_t v;
    g_assert_false(vr_aclint_ops()->read(c.clint, MSIP(0), 8, &v));
    g_assert_false(vr_aclint_ops()->write(c.clint, MSIP(0), 2, 0));
    g_assert_true(c.lines[0].level);
    vr_aclint_free(c.clint);
}

static void test_clint_out_of_range(void)
{
    Clint c;
    clint_init(&c, N_HARTS);
    /* Harts the machine does not have read as zero and ignore writes. */
    CLINT_WR(&c, MSIP(N_HARTS), 4, 1);
    CLINT_WR(&c, MSIP(100), 4, 1);
    g_assert_cmpuint(CLINT_RD(&c, MSIP(N_HARTS), 4), ==, 0);
    g_assert_cmpuint(CLINT_RD(&c, MSIP(4095), 4), ==, 0);
    CLINT_WR(&c, CMP(N_HARTS), 8, 1234);
    g_assert_cmpuint(CLINT_RD(&c, CMP(N_HARTS), 8), ==, 0);
    g_assert_cmpuint(CLINT_RD(&c, CMP(4094), 4), ==, 0);
    g_assert_cmpuint(total_calls(c.lines, N_HARTS), ==, 0);
    g_assert_cmpuint(c.timers[0].sets + c.timers[1].sets, ==, 0);
    vr_aclint_free(c.clint);
}

static void test_clint_mtimecmp(void)
{
    Clint c;
    clint_init(&c, N_HARTS);
    CLINT_WR(&c, CMP(1), 8, 0x1122334455667788ull);
    g_assert_cmphex(c.timers[1].cmp, ==, 0x1122334455667788ull);
    g_assert_cmpuint(c.timers[0].sets, ==, 0);
    g_assert_cmphex(CLINT_RD(&c, CMP(1), 8), ==, 0x1122334455667788ull);
    g_assert_cmphex(CLINT_RD(&c, CMP(1), 4), ==, 0x55667788);
    g_assert_cmphex(CLINT_RD(&c, CMP(1) + 4, 4), ==, 0x11223344);
    /* 32-bit halves change only their half. */
    CLINT_WR(&c, CMP(1), 4, 0xaabbccdd);
    g_assert_cmphex(c.timers[1].cmp, ==, 0x11223344aabbccddull);
    CLINT_WR(&c, CMP(1) + 4, 4, 0x01020304);
    g_assert_cmphex(c.timers[1].cmp, ==, 0x01020304aabbccddull);
    /* The register is the hart's: a value set there reads back through the CLINT. */
    c.timers[0].cmp = 42;
    g_assert_cmpuint(CLINT_RD(&c, CMP(0), 8), ==, 42);
    uint64_t v;
    g_assert_false(vr_aclint_ops()->read(c.clint, CMP(0), 2, &v));
    vr_aclint_free(c.clint);
}

static void test_clint_mtime(void)
{
    Clint c;
    clint_init(&c, N_HARTS);
    /* 123.456789 s of guest time at 10 MHz. */
    vr_clock_set_paused(&c.clock, 123456789000ll);
    g_assert_cmpuint(CLINT_RD(&c, MTIME, 8), ==, 1234567890ull);
    g_assert_cmpuint(CLINT_RD(&c, MTIME, 8), ==, vr_clock_ticks(&c.clock));
    vr_clock_set_paused(&c.clock, 0x123456789abll * 100);
    g_assert_cmphex(CLINT_RD(&c, MTIME, 4), ==, 0x456789ab);
    g_assert_cmphex(CLINT_RD(&c, MTIME + 4, 4), ==, 0x123);
    /* Writes are taken and ignored: mtime is the machine's clock. */
    CLINT_WR(&c, MTIME, 8, 0);
    g_assert_cmphex(CLINT_RD(&c, MTIME, 8), ==, 0x123456789abull);
    /* A running clock moves on. */
    vr_clock_resume(&c.clock);
    uint64_t t0 = CLINT_RD(&c, MTIME, 8);
    g_usleep(2000);
    g_assert_cmpuint(CLINT_RD(&c, MTIME, 8), >, t0 + 10000);
    vr_aclint_free(c.clint);
}

/* Past mtime, up to the end of the window: nothing, read as zero at every size. */
static void test_clint_past_mtime(void)
{
    Clint c;
    clint_init(&c, N_HARTS);
    vr_clock_set_paused(&c.clock, 0x123456789abll * 100);
    g_assert_cmphex(CLINT_RD(&c, MTIME + 8, 8), ==, 0);
    g_assert_cmphex(CLINT_RD(&c, MTIME + 8, 4), ==, 0);
    g_assert_cmphex(CLINT_RD(&c, MTIME + 12, 4), ==, 0);
    g_assert_cmphex(CLINT_RD(&c, 0xfff8, 8), ==, 0);
    g_assert_cmphex(CLINT_RD(&c, 0xfffc, 4), ==, 0);
    CLINT_WR(&c, 0xc000, 8, ~0ull);
    g_assert_cmphex(CLINT_RD(&c, MTIME, 8), ==, 0x123456789abull);
    vr_aclint_free(c.clint);
}

static void test_clint_reset(void)
{
    Clint c;
    clint_init(&c, N_HARTS);
    CLINT_WR(&c, MSIP(0), 4, 1);
    CLINT_WR(&c, MSIP(1), 4, 1);
    c.timers[0].cmp = 77;
    VrDevice *dev = vr_aclint_device(c.clint);
    dev->ops->reset(dev);
    g_assert_cmpuint(CLINT_RD(&c, MSIP(0), 4), ==, 0);
    g_assert_cmpuint(CLINT_RD(&c, MSIP(1), 4), ==, 0);
    g_assert_false(c.lines[0].level);
    g_assert_false(c.lines[1].level);
    /* mtimecmp is the hart's to reset, not the CLINT's. */
    g_assert_cmpuint(c.timers[0].cmp, ==, 77);
    dev->ops->free(dev);
}

static void test_clint_state(void)
{
    TempState t;
    temp_state_init(&t);
    Clint a, b;
    clint_init(&a, N_HARTS);
    clint_init(&b, N_HARTS);
    CLINT_WR(&a, MSIP(1), 4, 1);
    save_device(vr_aclint_device(a.clint), t.path);
    g_autoptr(GError) error = NULL;
    g_assert_true(load_device(vr_aclint_device(b.clint), t.path, &error));
    g_assert_no_error(error);
    for (unsigned h = 0; h < N_HARTS + 1; h++)
        g_assert_cmpuint(CLINT_RD(&b, MSIP(h), 4), ==, CLINT_RD(&a, MSIP(h), 4));
    /* The lines are the harts' to restore: loading does not touch them, nor mtimecmp. */
    g_assert_cmpuint(total_calls(b.lines, N_HARTS), ==, 0);
    g_assert_cmpuint(b.timers[0].sets + b.timers[1].sets, ==, 0);
    /* The loaded msip is live: clearing it lowers the line. */
    b.lines[1].level = true;
    CLINT_WR(&b, MSIP(1), 4, 0);
    g_assert_false(b.lines[1].level);

    g_autoptr(GByteArray) good = saved_payload(vr_aclint_device(a.clint), t.path);
    g_assert_cmpuint(good->len, ==, 4 + 4 + 4 * N_HARTS);
    g_autoptr(GByteArray) bad = g_byte_array_new();
    g_byte_array_append(bad, good->data, good->len);
    put_u32_at(bad, 8 + 4, 2);
    assert_refused(vr_aclint_device(b.clint), t.path, bad, "hart 1's msip holds 0x2");
    /* Another number of harts. */
    Clint c3;
    clint_init(&c3, 3);
    assert_refused(vr_aclint_device(c3.clint), t.path, good, "served 2 harts, this machine has 3");
    /* A load refused for a value leaves the device as it was (trailing bytes are found only
     * after the loader, which the machine then throws away). */
    g_assert_cmpuint(CLINT_RD(&b, MSIP(1), 4), ==, 0);
    assert_common_refusals(vr_aclint_device(b.clint), t.path, good);

    vr_aclint_free(c3.clint);
    vr_aclint_free(a.clint);
    vr_aclint_free(b.clint);
    temp_state_clear(&t);
}

/* ---- PLIC ---- */

#define N_CONTEXTS         4
#define PRIO(s)            (4 * (s))
#define PENDING(w)         (0x1000 + 4 * (w))
#define ENABLE(c, w)       (0x2000 + 0x80 * (c) + 4 * (w))
#define THRESHOLD(c)       (0x200000 + 0x1000 * (c))
#define CLAIM(c)           (THRESHOLD(c) + 4)
#define PLIC_RD(p, off)    rd(vr_plic_ops(), (p)->plic, off, 4)
#define PLIC_WR(p, off, v) wr(vr_plic_ops(), (p)->plic, off, 4, v)

typedef struct {
    FakeLine lines[N_CONTEXTS];
    VrPlic *plic;
} Plic;

static void plic_init(Plic *p, unsigned n_contexts)
{
    memset(p, 0, sizeof(*p));
    VrIrq ctx[8];
    g_assert_cmpuint(n_contexts, <=, 8);
    for (unsigned c = 0; c < n_contexts; c++)
        ctx[c] = fake_irq(p->lines, c % N_CONTEXTS);
    p->plic = vr_plic_new(n_contexts, ctx);
}

static void plic_source(Plic *p, unsigned s, bool level)
{
    VrIrq irq = vr_plic_irq(p->plic, s);
    vr_irq_set(&irq, level);
}

static void test_plic_registers(void)
{
    Plic p;
    plic_init(&p, N_CONTEXTS);
    /* Priorities have 3 bits; source 0 and sources past the last have none. */
    PLIC_WR(&p, PRIO(5), 0xff);
    g_assert_cmpuint(PLIC_RD(&p, PRIO(5)), ==, 7);
    PLIC_WR(&p, PRIO(0), 3);
    g_assert_cmpuint(PLIC_RD(&p, PRIO(0)), ==, 0);
    PLIC_WR(&p, PRIO(VR_PLIC_NUM_SOURCES), 3);
    g_assert_cmpuint(PLIC_RD(&p, PRIO(VR_PLIC_NUM_SOURCES)), ==, 0);
    /* Enables: source 0 cannot be enabled. */
    PLIC_WR(&p, ENABLE(1, 0), 0xffffffff);
    g_assert_cmphex(PLIC_RD(&p, ENABLE(1, 0)), ==, 0xfffffffe);
    PLIC_WR(&p, ENABLE(1, 2), 0x80000001);
    g_assert_cmphex(PLIC_RD(&p, ENABLE(1, 2)), ==, 0x80000001);
    g_assert_cmphex(PLIC_RD(&p, ENABLE(0, 0)), ==, 0);
    g_assert_cmphex(PLIC_RD(&p, ENABLE(N_CONTEXTS, 0)), ==, 0);
    /* Thresholds have 3 bits. */
    PLIC_WR(&p, THRESHOLD(2), 0x1f);
    g_assert_cmpuint(PLIC_RD(&p, THRESHOLD(2)), ==, 7);
    g_assert_cmpuint(PLIC_RD(&p, THRESHOLD(N_CONTEXTS)), ==, 0);
    /* Pending bits are read-only. */
    PLIC_WR(&p, PENDING(0), 0xffffffff);
    g_assert_cmphex(PLIC_RD(&p, PENDING(0)), ==, 0);
    uint64_t v;
    g_assert_false(vr_plic_ops()->read(p.plic, PRIO(1), 8, &v));
    g_assert_cmpuint(total_calls(p.lines, N_CONTEXTS), ==, 0);
    vr_plic_free(p.plic);
}

static void test_plic_claim_order(void)
{
    Plic p;
    plic_init(&p, N_CONTEXTS);
    PLIC_WR(&p, PRIO(3), 1);
    PLIC_WR(&p, PRIO(5), 5);
    PLIC_WR(&p, PRIO(7), 5);
    PLIC_WR(&p, PRIO(40), 2);
    PLIC_WR(&p, ENABLE(0, 0), 0xffffffff);
    PLIC_WR(&p, ENABLE(0, 1), 0xffffffff);
    plic_source(&p, 7, true);
    plic_source(&p, 3, true);
    plic_source(&p, 40, true);
    plic_source(&p, 5, true);
    g_assert_cmphex(PLIC_RD(&p, PENDING(0)), ==, (1u << 3) | (1u << 5) | (1u << 7));
    g_assert_cmphex(PLIC_RD(&p, PENDING(1)), ==, 1u << 8);
    g_assert_true(p.lines[0].level);
    g_assert_false(p.lines[1].level);
    /* Highest priority first, ties to the lowest number. */
    g_assert_cmpuint(PLIC_RD(&p, CLAIM(0)), ==, 5);
    g_assert_cmpuint(PLIC_RD(&p, CLAIM(0)), ==, 7);
    g_assert_cmpuint(PLIC_RD(&p, CLAIM(0)), ==, 40);
    g_assert_true(p.lines[0].level);
    g_assert_cmpuint(PLIC_RD(&p, CLAIM(0)), ==, 3);
    g_assert_false(p.lines[0].level);
    g_assert_cmpuint(PLIC_RD(&p, CLAIM(0)), ==, 0);
    g_assert_cmphex(PLIC_RD(&p, PENDING(0)), ==, 0);
    /* Claimed sources stay out of the way while their lines are still high. */
    plic_source(&p, 5, true);
    g_assert_cmphex(PLIC_RD(&p, PENDING(0)), ==, 0);
    vr_plic_free(p.plic);
}

static void test_plic_complete(void)
{
    Plic p;
    plic_init(&p, N_CONTEXTS);
    PLIC_WR(&p, PRIO(9), 1);
    PLIC_WR(&p, ENABLE(0, 0), 1u << 9);
    plic_source(&p, 9, true);
    g_assert_cmpuint(PLIC_RD(&p, CLAIM(0)), ==, 9);
    g_assert_false(p.lines[0].level);
    /* Completed with the line still high: pending again (level-triggered). */
    PLIC_WR(&p, CLAIM(0), 9);
    g_assert_cmphex(PLIC_RD(&p, PENDING(0)), ==, 1u << 9);
    g_assert_true(p.lines[0].level);
    g_assert_cmpuint(PLIC_RD(&p, CLAIM(0)), ==, 9);
    /* Completed after the line went low: nothing more. */
    plic_source(&p, 9, false);
    PLIC_WR(&p, CLAIM(0), 9);
    g_assert_cmphex(PLIC_RD(&p, PENDING(0)), ==, 0);
    g_assert_false(p.lines[0].level);
    /* Completing what was not claimed, or no source, changes nothing. */
    PLIC_WR(&p, CLAIM(0), 9);
    PLIC_WR(&p, CLAIM(0), 0);
    PLIC_WR(&p, CLAIM(0), 1000);
    g_assert_cmphex(PLIC_RD(&p, PENDING(0)), ==, 0);
    vr_plic_free(p.plic);
}

static void test_plic_threshold_and_contexts(void)
{
    Plic p;
    plic_init(&p, N_CONTEXTS);
    PLIC_WR(&p, PRIO(4), 3);
    PLIC_WR(&p, ENABLE(3, 0), 1u << 4);
    plic_source(&p, 4, true);
    /* Only the context that enables the source sees it. */
    g_assert_true(p.lines[3].level);
    g_assert_false(p.lines[0].level || p.lines[1].level || p.lines[2].level);
    /* A priority must be above the threshold. */
    PLIC_WR(&p, THRESHOLD(3), 3);
    g_assert_false(p.lines[3].level);
    g_assert_cmpuint(PLIC_RD(&p, CLAIM(3)), ==, 0);
    PLIC_WR(&p, THRESHOLD(3), 2);
    g_assert_true(p.lines[3].level);
    /* Priority 0 never interrupts. */
    PLIC_WR(&p, PRIO(4), 0);
    g_assert_false(p.lines[3].level);
    PLIC_WR(&p, PRIO(4), 3);
    /* Disabled again: the line falls, the source stays pending. */
    PLIC_WR(&p, ENABLE(3, 0), 0);
    g_assert_false(p.lines[3].level);
    g_assert_cmphex(PLIC_RD(&p, PENDING(0)), ==, 1u << 4);
    vr_plic_free(p.plic);
}

static void test_plic_reset(void)
{
    Plic p;
    plic_init(&p, N_CONTEXTS);
    PLIC_WR(&p, PRIO(2), 1);
    PLIC_WR(&p, PRIO(6), 1);
    PLIC_WR(&p, ENABLE(0, 0), 0x44);
    PLIC_WR(&p, THRESHOLD(0), 0);
    PLIC_WR(&p, THRESHOLD(1), 4);
    plic_source(&p, 2, true);
    plic_source(&p, 6, true);
    plic_source(&p, 6, false);
    g_assert_true(p.lines[0].level);
    vr_plic_reset(p.plic);
    g_assert_false(p.lines[0].level);
    g_assert_cmpuint(PLIC_RD(&p, PRIO(2)), ==, 0);
    g_assert_cmpuint(PLIC_RD(&p, ENABLE(0, 0)), ==, 0);
    g_assert_cmpuint(PLIC_RD(&p, THRESHOLD(1)), ==, 0);
    /* Source 2's line is still high: it is pending again; source 6's is not. */
    g_assert_cmphex(PLIC_RD(&p, PENDING(0)), ==, 1u << 2);
    vr_plic_free(p.plic);
}

/* Every register of a PLIC, claims last (they change it); the same on two PLICs in the same
 * state gives the same list. */
static GArray *plic_probe(Plic *p)
{
    GArray *a = g_array_new(FALSE, FALSE, sizeof(uint64_t));
    for (unsigned s = 0; s < VR_PLIC_NUM_SOURCES; s++)
        push(a, PLIC_RD(p, PRIO(s)));
    for (unsigned w = 0; w < 3; w++)
        push(a, PLIC_RD(p, PENDING(w)));
    for (unsigned c = 0; c < N_CONTEXTS; c++) {
        for (unsigned w = 0; w < 3; w++)
            push(a, PLIC_RD(p, ENABLE(c, w)));
        push(a, PLIC_RD(p, THRESHOLD(c)));
        push(a, p->lines[c].level);
    }
    for (unsigned c = 0; c < N_CONTEXTS; c++) {
        for (unsigned i = 0; i < 4; i++) {
            unsigned s = (unsigned) PLIC_RD(p, CLAIM(c));
            push(a, s);
            push(a, p->lines[c].level);
        }
    }
    /* Complete everything claimed: what comes back pending shows the saved line levels. */
    for (unsigned s = 1; s < VR_PLIC_NUM_SOURCES; s++)
        PLIC_WR(p, CLAIM(0), s);
    for (unsigned w = 0; w < 3; w++)
        push(a, PLIC_RD(p, PENDING(w)));
    return a;
}

static void assert_same_probe(GArray *a, GArray *b)
{
    g_assert_cmpuint(a->len, ==, b->len);
    for (guint i = 0; i < a->len; i++) {
        if (g_array_index(a, uint64_t, i) != g_array_index(b, uint64_t, i))
            g_error("read %u: saved device 0x%" G_GINT64_MODIFIER
                    "x, loaded one 0x%" G_GINT64_MODIFIER "x",
                    i, g_array_index(a, uint64_t, i), g_array_index(b, uint64_t, i));
    }
}

static void test_plic_state(void)
{
    TempState t;
    temp_state_init(&t);
    Plic a, b;
    plic_init(&a, N_CONTEXTS);
    plic_init(&b, N_CONTEXTS);
    for (unsigned s = 1; s < VR_PLIC_NUM_SOURCES; s++)
        PLIC_WR(&a, PRIO(s), s % 8);
    PLIC_WR(&a, ENABLE(0, 0), 0x0000ff00);
    PLIC_WR(&a, ENABLE(1, 1), 0x00f0000f);
    PLIC_WR(&a, ENABLE(2, 2), 0x80000000);
    PLIC_WR(&a, ENABLE(3, 0), 0x00000a00);
    PLIC_WR(&a, THRESHOLD(1), 2);
    PLIC_WR(&a, THRESHOLD(3), 7);
    plic_source(&a, 9, true);                        /* claimed below, line still high */
    plic_source(&a, 10, true);                       /* claimed below, line low by now */
    plic_source(&a, 11, true);                       /* claimed below, line still high */
    plic_source(&a, 35, true);                       /* pending for context 1 */
    plic_source(&a, 95, true);                       /* pending for context 2 */
    g_assert_cmpuint(PLIC_RD(&a, CLAIM(0)), ==, 11); /* priority 3, the highest */
    g_assert_cmpuint(PLIC_RD(&a, CLAIM(0)), ==, 10);
    plic_source(&a, 10, false);
    g_assert_cmpuint(PLIC_RD(&a, CLAIM(0)), ==, 9);
    plic_source(&a, 12, true); /* pending, line low: stays pending */
    plic_source(&a, 12, false);
    g_assert_true(a.lines[0].level); /* 12 */
    g_assert_true(a.lines[1].level); /* 35 */
    g_assert_true(a.lines[2].level); /* 95 */
    g_assert_false(a.lines[3].level);

    save_device(vr_plic_device(a.plic), t.path);
    g_autoptr(GError) error = NULL;
    g_assert_true(load_device(vr_plic_device(b.plic), t.path, &error));
    g_assert_no_error(error);
    g_assert_cmpuint(total_calls(b.lines, N_CONTEXTS), ==, 0);
    /* The harts restore their own lines; here the fakes take the saved levels. */
    memcpy(b.lines, a.lines, sizeof(b.lines));
    g_autoptr(GByteArray) good = saved_payload(vr_plic_device(a.plic), t.path);
    g_autoptr(GArray) pa = plic_probe(&a);
    g_autoptr(GArray) pb = plic_probe(&b);
    assert_same_probe(pa, pb);

    /* 12 + 4 * 96 priorities, 9 words of bits, 4 contexts of 3 + 1 words and a flag */
    g_assert_cmpuint(good->len, ==, 12 + 4 * 96 + 4 * 9 + N_CONTEXTS * 17);
    Plic c;
    plic_init(&c, N_CONTEXTS);
    g_autoptr(GByteArray) bad = g_byte_array_new();
    g_byte_array_append(bad, good->data, good->len);
    put_u32_at(bad, 4, 128);
    assert_refused(vr_plic_device(c.plic), t.path, bad, "had 128 sources");
    memcpy(bad->data, good->data, good->len);
    put_u32_at(bad, 12 + 4 * 3, 9);
    assert_refused(vr_plic_device(c.plic), t.path, bad, "source 3 has priority 9");
    memcpy(bad->data, good->data, good->len);
    put_u32_at(bad, 12 + 4 * 96 + 4, 1u << 12); /* claimed word 0: 12 is pending too */
    assert_refused(vr_plic_device(c.plic), t.path, bad, "source 12 is both pending and claimed");
    memcpy(bad->data, good->data, good->len);
    size_t ctx0 = 12 + 4 * 96 + 4 * 9;
    put_u32_at(bad, ctx0 + 12, 8);
    assert_refused(vr_plic_device(c.plic), t.path, bad, "context 0 has threshold 8");
    memcpy(bad->data, good->data, good->len);
    bad->data[ctx0 + 17 + 16] = 0; /* context 1's line, high when saved */
    assert_refused(vr_plic_device(c.plic), t.path, bad, "context 1's line is low");
    /* A machine with other harts. */
    Plic d;
    plic_init(&d, 2);
    assert_refused(vr_plic_device(d.plic), t.path, good, "served 4 contexts, this machine has 2");
    /* Loads refused for a value leave the PLIC as it was. */
    g_assert_cmpuint(PLIC_RD(&c, PRIO(3)), ==, 0);
    g_assert_cmpuint(total_calls(c.lines, N_CONTEXTS), ==, 0);
    assert_common_refusals(vr_plic_device(c.plic), t.path, good);

    vr_plic_free(a.plic);
    vr_plic_free(b.plic);
    vr_plic_free(c.plic);
    vr_plic_free(d.plic);
    temp_state_clear(&t);
}

/* ---- UART ---- */

enum {
    RBR = 0,
    IER = 1,
    IIR = 2,
    LCR = 3,
    MCR = 4,
    LSR = 5,
    MSR = 6,
    SCR = 7,
};

typedef struct {
    FakeLine line[1];
    GByteArray *sent;
    bool refuse;
    VrUart16550 *uart;
} Uart;

static bool fake_tx(void *opaque, uint8_t byte)
{
    Uart *u = opaque;
    if (u->refuse)
        return false;
    g_byte_array_append(u->sent, &byte, 1);
    return true;
}

static void uart_init(Uart *u)
{
    memset(u, 0, sizeof(*u));
    u->sent = g_byte_array_new();
    VrIrq irq = fake_irq(u->line, 0);
    u->uart = vr_uart16550_new(fake_tx, u, &irq);
}

static void uart_clear(Uart *u)
{
    vr_uart16550_free(u->uart);
    g_byte_array_unref(u->sent);
}

#define UART_RD(u, reg)    ((uint8_t) rd(vr_uart16550_ops(), (u)->uart, reg, 1))
#define UART_WR(u, reg, v) wr(vr_uart16550_ops(), (u)->uart, reg, 1, v)

static void test_uart_transmit(void)
{
    Uart u;
    uart_init(&u);
    g_assert_cmphex(UART_RD(&u, LSR), ==, 0x60);
    UART_WR(&u, RBR, 'A');
    g_assert_cmpuint(u.sent->len, ==, 1);
    g_assert_cmpuint(u.sent->data[0], ==, 'A');
    g_assert_cmphex(UART_RD(&u, LSR), ==, 0x60);
    /* The host side refuses: the byte waits, THRE and TEMT fall, a second byte is lost. */
    u.refuse = true;
    UART_WR(&u, RBR, 'B');
    g_assert_cmphex(UART_RD(&u, LSR) & 0x60, ==, 0);
    UART_WR(&u, RBR, 'C');
    vr_uart16550_tx_ready(u.uart);
    g_assert_cmphex(UART_RD(&u, LSR) & 0x60, ==, 0);
    u.refuse = false;
    vr_uart16550_tx_ready(u.uart);
    g_assert_cmphex(UART_RD(&u, LSR), ==, 0x60);
    g_assert_cmpuint(u.sent->len, ==, 2);
    g_assert_cmpuint(u.sent->data[1], ==, 'B');
    uart_clear(&u);
}

static void test_uart_receive(void)
{
    Uart u;
    uart_init(&u);
    uint8_t data[20];
    for (unsigned i = 0; i < sizeof(data); i++)
        data[i] = (uint8_t) ('a' + i);
    g_assert_cmpuint(UART_RD(&u, LSR) & 1, ==, 0);
    g_assert_cmpuint(UART_RD(&u, RBR), ==, 0);
    /* The FIFO takes 16. */
    g_assert_cmpuint(vr_uart16550_receive(u.uart, data, sizeof(data)), ==, 16);
    g_assert_cmpuint(vr_uart16550_receive(u.uart, data, 1), ==, 0);
    for (unsigned i = 0; i < 16; i++) {
        g_assert_cmpuint(UART_RD(&u, LSR) & 1, ==, 1);
        g_assert_cmpuint(UART_RD(&u, RBR), ==, 'a' + i);
    }
    g_assert_cmpuint(UART_RD(&u, LSR) & 1, ==, 0);
    /* Room again, and the order kept across the ring's end. */
    g_assert_cmpuint(vr_uart16550_receive(u.uart, data + 16, 4), ==, 4);
    g_assert_cmpuint(UART_RD(&u, RBR), ==, 'q');
    /* FCR bit 1 clears the receive FIFO. */
    UART_WR(&u, IIR, 0x03);
    g_assert_cmpuint(UART_RD(&u, LSR) & 1, ==, 0);
    g_assert_cmpuint(u.line[0].calls, ==, 0); /* no interrupt enabled */
    uart_clear(&u);
}

static void test_uart_interrupts(void)
{
    Uart u;
    uart_init(&u);
    g_assert_cmphex(UART_RD(&u, IIR), ==, 0x01);
    /* Received data. */
    UART_WR(&u, IER, 0x01);
    g_assert_false(u.line[0].level);
    vr_uart16550_receive(u.uart, (const uint8_t *) "xy", 2);
    g_assert_true(u.line[0].level);
    g_assert_cmphex(UART_RD(&u, IIR), ==, 0x04);
    UART_WR(&u, IIR, 0x01); /* FIFOs on: IIR says so */
    g_assert_cmphex(UART_RD(&u, IIR), ==, 0xc4);
    (void) UART_RD(&u, RBR);
    g_assert_true(u.line[0].level);
    (void) UART_RD(&u, RBR);
    g_assert_false(u.line[0].level);
    g_assert_cmphex(UART_RD(&u, IIR), ==, 0xc1);
    /* Transmitter empty: raised when enabled with THR empty, cleared by reading IIR. */
    UART_WR(&u, IER, 0x03);
    g_assert_true(u.line[0].level);
    g_assert_cmphex(UART_RD(&u, IIR), ==, 0xc2);
    g_assert_false(u.line[0].level);
    g_assert_cmphex(UART_RD(&u, IIR), ==, 0xc1);
    /* A byte sent: THR empty again, interrupt again. */
    UART_WR(&u, RBR, 'z');
    g_assert_true(u.line[0].level);
    /* Received data comes first. */
    vr_uart16550_receive(u.uart, (const uint8_t *) "w", 1);
    g_assert_cmphex(UART_RD(&u, IIR), ==, 0xc4);
    (void) UART_RD(&u, RBR);
    g_assert_cmphex(UART_RD(&u, IIR), ==, 0xc2);
    /* Disabled: the line falls. */
    UART_WR(&u, RBR, 'z');
    g_assert_true(u.line[0].level);
    UART_WR(&u, IER, 0x00);
    g_assert_false(u.line[0].level);
    g_assert_cmphex(UART_RD(&u, IER), ==, 0);
    UART_WR(&u, IER, 0xff);
    g_assert_cmphex(UART_RD(&u, IER), ==, 0x0f);
    uart_clear(&u);
}

static void test_uart_divisor_scratch(void)
{
    Uart u;
    uart_init(&u);
    UART_WR(&u, IER, 0x05);
    UART_WR(&u, LCR, 0x83);
    UART_WR(&u, RBR, 0x12);
    UART_WR(&u, IER, 0x34);
    g_assert_cmphex(UART_RD(&u, RBR), ==, 0x12);
    g_assert_cmphex(UART_RD(&u, IER), ==, 0x34);
    g_assert_cmpuint(u.sent->len, ==, 0); /* DLL, not THR */
    UART_WR(&u, LCR, 0x03);
    g_assert_cmphex(UART_RD(&u, LCR), ==, 0x03);
    g_assert_cmphex(UART_RD(&u, IER), ==, 0x05);
    g_assert_cmphex(UART_RD(&u, RBR), ==, 0);
    UART_WR(&u, LCR, 0x80);
    g_assert_cmphex(UART_RD(&u, RBR), ==, 0x12);
    g_assert_cmphex(UART_RD(&u, IER), ==, 0x34);
    UART_WR(&u, LCR, 0x03);
    UART_WR(&u, SCR, 0xa5);
    g_assert_cmphex(UART_RD(&u, SCR), ==, 0xa5);
    UART_WR(&u, MCR, 0xff);
    g_assert_cmphex(UART_RD(&u, MCR), ==, 0x1f);
    uart_clear(&u);
}

static void test_uart_reset(void)
{
    Uart u;
    uart_init(&u);
    UART_WR(&u, LCR, 0x80);
    UART_WR(&u, RBR, 0x12);
    UART_WR(&u, LCR, 0x03);
    UART_WR(&u, IER, 0x01);
    UART_WR(&u, SCR, 0x99);
    UART_WR(&u, IIR, 0x01);
    vr_uart16550_receive(u.uart, (const uint8_t *) "abc", 3);
    g_assert_true(u.line[0].level);
    VrDevice *dev = vr_uart16550_device(u.uart);
    dev->ops->reset(dev);
    g_assert_false(u.line[0].level);
    g_assert_cmphex(UART_RD(&u, LSR), ==, 0x60);
    g_assert_cmphex(UART_RD(&u, IER), ==, 0);
    g_assert_cmphex(UART_RD(&u, LCR), ==, 0);
    g_assert_cmphex(UART_RD(&u, SCR), ==, 0);
    g_assert_cmphex(UART_RD(&u, IIR), ==, 0x01);
    UART_WR(&u, LCR, 0x80);
    g_assert_cmphex(UART_RD(&u, RBR), ==, 0);
    uart_clear(&u);
}

/* Every register; RBR and IIR last, as they change the UART. */
static GArray *uart_probe(Uart *u)
{
    GArray *a = g_array_new(FALSE, FALSE, sizeof(uint64_t));
    static const unsigned regs[] = {IER, LCR, MCR, LSR, MSR, SCR};
    for (unsigned i = 0; i < G_N_ELEMENTS(regs); i++)
        push(a, UART_RD(u, regs[i]));
    push(a, u->line[0].level);
    uint8_t lcr = UART_RD(u, LCR);
    UART_WR(u, LCR, lcr | 0x80);
    push(a, UART_RD(u, RBR));
    push(a, UART_RD(u, IER));
    UART_WR(u, LCR, lcr & 0x7f);
    for (unsigned i = 0; i < 18; i++) {
        push(a, UART_RD(u, IIR));
        push(a, UART_RD(u, LSR));
        push(a, UART_RD(u, RBR));
        push(a, u->line[0].level);
    }
    return a;
}

static void test_uart_state(void)
{
    TempState t;
    temp_state_init(&t);
    Uart a, b;
    uart_init(&a);
    uart_init(&b);
    UART_WR(&a, LCR, 0x80);
    UART_WR(&a, RBR, 0x01);
    UART_WR(&a, IER, 0x02);
    UART_WR(&a, LCR, 0x1b);
    UART_WR(&a, IIR, 0x81);
    UART_WR(&a, MCR, 0x0b);
    UART_WR(&a, SCR, 0x5a);
    UART_WR(&a, IER, 0x03);
    /* A FIFO that wrapped round its ring: 16 bytes in, 3 out, 3 more in. */
    const uint8_t *text = (const uint8_t *) "the quick brown fox";
    g_assert_cmpuint(vr_uart16550_receive(a.uart, text, 16), ==, 16);
    for (unsigned i = 0; i < 3; i++)
        (void) UART_RD(&a, RBR);
    g_assert_cmpuint(vr_uart16550_receive(a.uart, text + 16, 3), ==, 3);
    g_assert_true(a.line[0].level);

    save_device(vr_uart16550_device(a.uart), t.path);
    g_autoptr(GError) error = NULL;
    g_assert_true(load_device(vr_uart16550_device(b.uart), t.path, &error));
    g_assert_no_error(error);
    g_assert_cmpuint(b.line[0].calls, ==, 0);
    b.line[0] = a.line[0]; /* the PLIC restores what it saw */
    g_autoptr(GByteArray) good = saved_payload(vr_uart16550_device(a.uart), t.path);
    g_autoptr(GArray) pa = uart_probe(&a);
    g_autoptr(GArray) pb = uart_probe(&b);
    assert_same_probe(pa, pb);
    g_assert_cmpuint(b.sent->len, ==, 0);

    /* 4 version, 1 + 16 FIFO, 7 registers, THR interrupt, THR, THR full, line */
    g_assert_cmpuint(good->len, ==, 4 + 1 + 16 + 7 + 4);
    Uart c;
    uart_init(&c);
    g_autoptr(GByteArray) bad = g_byte_array_new();
    g_byte_array_append(bad, good->data, 4);
    uint8_t seventeen = 17;
    g_byte_array_append(bad, &seventeen, 1);
    g_byte_array_append(bad, good->data + 5, good->len - 5);
    g_byte_array_append(bad, (const guint8 *) "!", 1);
    assert_refused(vr_uart16550_device(c.uart), t.path, bad, "holds 17 bytes");
    g_byte_array_set_size(bad, 0);
    g_byte_array_append(bad, good->data, good->len);
    bad->data[4 + 1 + 16 + 2] = 0x20; /* MCR */
    assert_refused(vr_uart16550_device(c.uart), t.path, bad, "MCR 0x20");
    memcpy(bad->data, good->data, good->len);
    bad->data[good->len - 1] = 0; /* the line, high when saved */
    assert_refused(vr_uart16550_device(c.uart), t.path, bad, "the interrupt line is low");
    memcpy(bad->data, good->data, good->len);
    bad->data[good->len - 2] = 2; /* THR full is a flag */
    assert_refused(vr_uart16550_device(c.uart), t.path, bad, "a flag holds 2");
    g_assert_cmphex(UART_RD(&c, SCR), ==, 0);
    assert_common_refusals(vr_uart16550_device(c.uart), t.path, good);

    uart_clear(&a);
    uart_clear(&b);
    uart_clear(&c);
    temp_state_clear(&t);
}

/* A byte the host side refused when the state was saved goes to the restored machine's host
 * side, which has never refused it. */
static void test_uart_state_waiting_byte(void)
{
    TempState t;
    temp_state_init(&t);
    Uart a, b;
    uart_init(&a);
    uart_init(&b);
    a.refuse = true;
    UART_WR(&a, RBR, 'Q');
    g_assert_cmphex(UART_RD(&a, LSR), ==, 0);
    save_device(vr_uart16550_device(a.uart), t.path);
    g_autoptr(GError) error = NULL;
    g_assert_true(load_device(vr_uart16550_device(b.uart), t.path, &error));
    g_assert_cmpuint(b.sent->len, ==, 1);
    g_assert_cmpuint(b.sent->data[0], ==, 'Q');
    g_assert_cmphex(UART_RD(&b, LSR), ==, 0x60);
    uart_clear(&a);
    uart_clear(&b);
    temp_state_clear(&t);
}

/* While quiesced the UART takes no input and sends nothing; afterwards it catches up. */
static void test_uart_quiesce(void)
{
    Uart u;
    uart_init(&u);
    VrDevice *dev = vr_uart16550_device(u.uart);
    u.refuse = true;
    UART_WR(&u, RBR, 'k');
    dev->ops->quiesce(dev);
    g_assert_cmpuint(vr_uart16550_receive(u.uart, (const uint8_t *) "in", 2), ==, 0);
    u.refuse = false;
    vr_uart16550_tx_ready(u.uart);
    g_assert_cmpuint(u.sent->len, ==, 0);
    dev->ops->unquiesce(dev);
    g_assert_cmpuint(u.sent->len, ==, 1);
    g_assert_cmpuint(vr_uart16550_receive(u.uart, (const uint8_t *) "in", 2), ==, 2);
    uart_clear(&u);
}

/* ---- Goldfish RTC ---- */

enum {
    TIME_LOW = 0x00,
    TIME_HIGH = 0x04,
    ALARM_LOW = 0x08,
    ALARM_HIGH = 0x0c,
    IRQ_ENABLED = 0x10,
    CLEAR_ALARM = 0x14,
    ALARM_STATUS = 0x18,
    CLEAR_INTERRUPT = 0x1c,
};

#define RTC_RD(r, reg)    ((uint32_t) rd(vr_goldfish_rtc_ops(), r, reg, 4))
#define RTC_WR(r, reg, v) wr(vr_goldfish_rtc_ops(), r, reg, 4, v)

static uint64_t rtc_time(VrGoldfishRtc *r)
{
    uint64_t lo = RTC_RD(r, TIME_LOW);
    return ((uint64_t) RTC_RD(r, TIME_HIGH) << 32) | lo;
}

static void rtc_set(VrGoldfishRtc *r, unsigned high_reg, unsigned low_reg, uint64_t t)
{
    RTC_WR(r, high_reg, (uint32_t) (t >> 32));
    RTC_WR(r, low_reg, (uint32_t) t);
}

#define NS_PER_S 1000000000ull

/* A clock set anywhere in its 64-bit range runs on from there and wraps as a counter. */
static void test_rtc_far_time(void)
{
    FakeLine l[1] = {0};
    VrIrq irq = fake_irq(l, 0);
    VrGoldfishRtc *r = vr_goldfish_rtc_new(&irq, NULL);
    static const uint64_t times[] = {0x8000000000000000ull, 0x7fffffffffffffffull, ~0ull,
                                     0xffffffff00000000ull, 0};
    for (size_t i = 0; i < G_N_ELEMENTS(times); i++) {
        rtc_set(r, TIME_HIGH, TIME_LOW, times[i]);
        g_assert_cmpuint(rtc_time(r) - times[i], <, 60 * NS_PER_S);
    }
    /* An alarm far ahead is armed and not due. */
    rtc_set(r, TIME_HIGH, TIME_LOW, 0);
    rtc_set(r, ALARM_HIGH, ALARM_LOW, ~0ull);
    RTC_WR(r, IRQ_ENABLED, 1);
    g_assert_cmpuint(RTC_RD(r, ALARM_STATUS), ==, 1);
    g_assert_false(l[0].level);
    vr_goldfish_rtc_free(r);
}

static void test_rtc_state(void)
{
    TempState t;
    temp_state_init(&t);
    FakeLine la[1] = {0}, lb[1] = {0};
    VrIrq ia = fake_irq(la, 0), ib = fake_irq(lb, 0);
    g_autoptr(GMainContext) ctx = g_main_context_new();
    VrGoldfishRtc *a = vr_goldfish_rtc_new(&ia, NULL);
    VrGoldfishRtc *b = vr_goldfish_rtc_new(&ib, ctx);

    /* The guest set its clock to 2001, armed an alarm an hour on, enabled the interrupt,
     * and read TIME_LOW, latching a high half it has not read yet. */
    uint64_t set = 1000 * 1000000ull * NS_PER_S;
    rtc_set(a, TIME_HIGH, TIME_LOW, set);
    rtc_set(a, ALARM_HIGH, ALARM_LOW, set + 3600 * NS_PER_S);
    RTC_WR(a, IRQ_ENABLED, 1);
    (void) RTC_RD(a, TIME_LOW);
    RTC_WR(a, TIME_HIGH, 0x12345678);  /* the latch, as the guest left it */
    RTC_WR(a, ALARM_HIGH, 0x0badcafe); /* a high half waiting for its low half */
    g_assert_false(la[0].level);

    VrDevice *da = vr_goldfish_rtc_device(a), *db = vr_goldfish_rtc_device(b);
    da->ops->quiesce(da);
    save_device(da, t.path);
    da->ops->unquiesce(da);
    g_autoptr(GError) error = NULL;
    g_assert_true(load_device(db, t.path, &error));
    g_assert_no_error(error);
    g_assert_cmpuint(lb[0].calls, ==, 0);
    /* The latch first, before any TIME_LOW read replaces it. */
    g_assert_cmphex(RTC_RD(b, TIME_HIGH), ==, 0x12345678);
    g_assert_cmphex(RTC_RD(b, ALARM_LOW), ==, RTC_RD(a, ALARM_LOW));
    g_assert_cmphex(RTC_RD(b, ALARM_HIGH), ==, RTC_RD(a, ALARM_HIGH));
    g_assert_cmpuint(RTC_RD(b, ALARM_STATUS), ==, 1);
    g_assert_cmpuint(RTC_RD(b, IRQ_ENABLED), ==, 1);
    /* The clock goes on from the host's present time with the guest's offset. */
    uint64_t ta = rtc_time(a), tb = rtc_time(b);
    g_assert_cmpuint(tb >= ta ? tb - ta : ta - tb, <, NS_PER_S);
    g_assert_cmpuint(tb - set, <, 60 * NS_PER_S);
    /* The ALARM_HIGH half written before the save completes an alarm after the load. */
    RTC_WR(b, ALARM_LOW, 5);
    g_assert_cmphex(RTC_RD(b, ALARM_HIGH), ==, 0x0badcafe);

    g_autoptr(GByteArray) good = saved_payload(da, t.path);
    g_assert_cmpuint(good->len, ==, 4 + 8 + 4 + 4 + 8 + 3);
    VrGoldfishRtc *c = vr_goldfish_rtc_new(&ib, NULL);
    g_autoptr(GByteArray) bad = g_byte_array_new();
    g_byte_array_append(bad, good->data, good->len);
    bad->data[good->len - 3] = 7;
    assert_refused(vr_goldfish_rtc_device(c), t.path, bad, "a flag holds 7");
    g_assert_cmpuint(RTC_RD(c, ALARM_STATUS), ==, 0);
    assert_common_refusals(vr_goldfish_rtc_device(c), t.path, good);

    vr_goldfish_rtc_free(a);
    vr_goldfish_rtc_free(b);
    vr_goldfish_rtc_free(c);
    temp_state_clear(&t);
}

/* An alarm armed when the state was saved gets its timer again on load: it fires by itself,
 * and at once when it came due meanwhile. A quiesced RTC's alarm waits for unquiesce. */
static void test_rtc_state_alarm(void)
{
    TempState t;
    temp_state_init(&t);
    g_autoptr(GMainContext) ctx = g_main_context_new();
    FakeLine la[1] = {0}, lb[1] = {0};
    VrIrq ia = fake_irq(la, 0), ib = fake_irq(lb, 0);
    VrGoldfishRtc *a = vr_goldfish_rtc_new(&ia, ctx);
    VrGoldfishRtc *b = vr_goldfish_rtc_new(&ib, ctx);
    VrDevice *da = vr_goldfish_rtc_device(a), *db = vr_goldfish_rtc_device(b);

    RTC_WR(a, IRQ_ENABLED, 1);
    rtc_set(a, ALARM_HIGH, ALARM_LOW, rtc_time(a) + 100 * 1000000ull);
    da->ops->quiesce(da);
    save_device(da, t.path);
    g_usleep(200000);
    while (g_main_context_iteration(ctx, FALSE))
        ;
    g_assert_false(la[0].level); /* due, but quiesced */
    g_assert_true(load_device(db, t.path, NULL));
    g_assert_false(lb[0].level);
    gint64 end = g_get_monotonic_time() + 5 * G_USEC_PER_SEC;
    while (!lb[0].level && g_get_monotonic_time() < end) {
        g_main_context_iteration(ctx, FALSE);
        g_usleep(1000);
    }
    g_assert_true(lb[0].level);
    g_assert_false(la[0].level);
    da->ops->unquiesce(da);
    while (!la[0].level && g_get_monotonic_time() < end) {
        g_main_context_iteration(ctx, FALSE);
        g_usleep(1000);
    }
    g_assert_true(la[0].level);
    g_assert_cmpuint(RTC_RD(b, ALARM_STATUS), ==, 0);
    vr_goldfish_rtc_free(a);
    vr_goldfish_rtc_free(b);
    temp_state_clear(&t);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/devices/clint/msip", test_clint_msip);
    g_test_add_func("/devices/clint/out-of-range", test_clint_out_of_range);
    g_test_add_func("/devices/clint/mtimecmp", test_clint_mtimecmp);
    g_test_add_func("/devices/clint/mtime", test_clint_mtime);
    g_test_add_func("/devices/clint/past-mtime", test_clint_past_mtime);
    g_test_add_func("/devices/clint/reset", test_clint_reset);
    g_test_add_func("/devices/clint/state", test_clint_state);
    g_test_add_func("/devices/plic/registers", test_plic_registers);
    g_test_add_func("/devices/plic/claim-order", test_plic_claim_order);
    g_test_add_func("/devices/plic/complete", test_plic_complete);
    g_test_add_func("/devices/plic/threshold-and-contexts", test_plic_threshold_and_contexts);
    g_test_add_func("/devices/plic/reset", test_plic_reset);
    g_test_add_func("/devices/plic/state", test_plic_state);
    g_test_add_func("/devices/uart/transmit", test_uart_transmit);
    g_test_add_func("/devices/uart/receive", test_uart_receive);
    g_test_add_func("/devices/uart/interrupts", test_uart_interrupts);
    g_test_add_func("/devices/uart/divisor-scratch", test_uart_divisor_scratch);
    g_test_add_func("/devices/uart/reset", test_uart_reset);
    g_test_add_func("/devices/uart/state", test_uart_state);
    g_test_add_func("/devices/uart/state-waiting-byte", test_uart_state_waiting_byte);
    g_test_add_func("/devices/uart/quiesce", test_uart_quiesce);
    g_test_add_func("/devices/rtc/far-time", test_rtc_far_time);
    g_test_add_func("/devices/rtc/state", test_rtc_state);
    g_test_add_func("/devices/rtc/state-alarm", test_rtc_state_alarm);
    return g_test_run();
}
