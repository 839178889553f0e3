/* The Goldfish RTC: the time, a guest setting it, and the alarm raising its interrupt on
 * time by itself (no guest access needed), cleared and disarmed by the guest and by reset. */
#include <glib.h>

#include "goldfish-rtc.h"

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

typedef struct {
    gint level;  /* the interrupt line, as last set */
    gint raises; /* how often it went from low to high */
} Line;

static void line_set(void *opaque, unsigned line, bool level)
{
    Line *l = opaque;
    if (level && !g_atomic_int_get(&l->level))
        g_atomic_int_inc(&l->raises);
    g_atomic_int_set(&l->level, level);
}

typedef struct {
    GMainContext *ctx;
    Line line;
    VrGoldfishRtc *rtc;
} Fixture;

static void fixture_set_up(Fixture *f, gconstpointer data)
{
    f->ctx = g_main_context_new();
    VrIrq irq = {.set = line_set, .opaque = &f->line, .line = 11};
    f->rtc = vr_goldfish_rtc_new(&irq, f->ctx);
}

static void fixture_tear_down(Fixture *f, gconstpointer data)
{
    vr_goldfish_rtc_free(f->rtc);
    while (g_main_context_iteration(f->ctx, FALSE))
        ;
    g_main_context_unref(f->ctx);
}

static uint32_t rd(Fixture *f, unsigned reg)
{
    uint64_t v = 0;
    g_assert_true(vr_goldfish_rtc_ops()->read(f->rtc, reg, 4, &v));
    return (uint32_t) v;
}

static void wr(Fixture *f, unsigned reg, uint32_t v)
{
    g_assert_true(vr_goldfish_rtc_ops()->write(f->rtc, reg, 4, v));
}

static uint64_t guest_time(Fixture *f)
{
    uint64_t lo = rd(f, TIME_LOW);
    return ((uint64_t) rd(f, TIME_HIGH) << 32) | lo;
}

static void set_alarm(Fixture *f, uint64_t t)
{
    wr(f, ALARM_HIGH, (uint32_t) (t >> 32));
    wr(f, ALARM_LOW, (uint32_t) t);
}

/* Runs the context (as the I/O thread would) until the line is high or timeout_ms passes;
 * never touches the device. Returns the milliseconds it took, or -1. */
static gint64 wait_for_line(Fixture *f, unsigned timeout_ms)
{
    gint64 start = g_get_monotonic_time();
    gint64 end = start + timeout_ms * 1000ll;
    while (!g_atomic_int_get(&f->line.level)) {
        if (g_get_monotonic_time() > end)
            return -1;
        g_main_context_iteration(f->ctx, FALSE);
        g_usleep(1000);
    }
    return (g_get_monotonic_time() - start) / 1000;
}

static void test_time(Fixture *f, gconstpointer data)
{
    uint64_t host = (uint64_t) g_get_real_time() * 1000;
    uint64_t t = guest_time(f);
    g_assert_cmpuint(t, >=, host);
    g_assert_cmpuint(t - host, <, 1000000000ull);
    /* The guest sets a time in 2001; it runs on from there. */
    uint64_t set = 1000000000ull * 1000000000ull;
    wr(f, TIME_HIGH, (uint32_t) (set >> 32));
    wr(f, TIME_LOW, (uint32_t) set);
    g_usleep(20000);
    uint64_t now = guest_time(f);
    g_assert_cmpuint(now, >=, set + 20000000ull);
    g_assert_cmpuint(now, <, set + 5000000000ull);
}

/* The alarm fires 150 ms after it is set, with no guest access in between. */
static void test_alarm_fires_by_itself(Fixture *f, gconstpointer data)
{
    wr(f, IRQ_ENABLED, 1);
    set_alarm(f, guest_time(f) + 150000000ull);
    g_assert_cmpuint(rd(f, ALARM_STATUS), ==, 1);
    g_assert_false(g_atomic_int_get(&f->line.level));
    gint64 ms = wait_for_line(f, 5000);
    g_assert_cmpint(ms, >=, 140);
    g_assert_cmpint(ms, <, 5000);
    g_assert_cmpint(g_atomic_int_get(&f->line.raises), ==, 1);
    g_assert_cmpuint(rd(f, ALARM_STATUS), ==, 0);
    /* The line stays up until the guest clears the interrupt. */
    g_assert_true(g_atomic_int_get(&f->line.level));
    wr(f, CLEAR_INTERRUPT, 1);
    g_assert_false(g_atomic_int_get(&f->line.level));
}

/* An alarm with the interrupt disabled is recorded and raises the line once enabled. */
static void test_alarm_masked(Fixture *f, gconstpointer data)
{
    set_alarm(f, guest_time(f) + 30000000ull);
    g_assert_cmpint(wait_for_line(f, 300), ==, -1);
    g_assert_cmpuint(rd(f, ALARM_STATUS), ==, 0);
    wr(f, IRQ_ENABLED, 1);
    g_assert_true(g_atomic_int_get(&f->line.level));
}

/* A cleared alarm, a reset and a replaced alarm do not fire. */
static void test_alarm_disarmed(Fixture *f, gconstpointer data)
{
    wr(f, IRQ_ENABLED, 1);
    set_alarm(f, guest_time(f) + 50000000ull);
    wr(f, CLEAR_ALARM, 1);
    g_assert_cmpuint(rd(f, ALARM_STATUS), ==, 0);
    g_assert_cmpint(wait_for_line(f, 300), ==, -1);

    set_alarm(f, guest_time(f) + 50000000ull);
    vr_goldfish_rtc_reset(f->rtc);
    g_assert_cmpuint(rd(f, ALARM_STATUS), ==, 0);
    wr(f, IRQ_ENABLED, 1);
    g_assert_cmpint(wait_for_line(f, 300), ==, -1);

    /* Moved an hour ahead: the first time does not count. */
    set_alarm(f, guest_time(f) + 50000000ull);
    set_alarm(f, guest_time(f) + 3600ull * 1000000000ull);
    g_assert_cmpint(wait_for_line(f, 300), ==, -1);
    g_assert_cmpuint(rd(f, ALARM_STATUS), ==, 1);
    g_assert_cmpint(g_atomic_int_get(&f->line.raises), ==, 0);
}

/* An alarm already in the past fires at once. */
static void test_alarm_past(Fixture *f, gconstpointer data)
{
    wr(f, IRQ_ENABLED, 1);
    set_alarm(f, guest_time(f) - 1000000000ull);
    g_assert_true(g_atomic_int_get(&f->line.level));
    g_assert_cmpuint(rd(f, ALARM_STATUS), ==, 0);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
#define ADD(path, fn) \
    g_test_add("/goldfish-rtc/" path, Fixture, NULL, fixture_set_up, fn, fixture_tear_down)
    ADD("time", test_time);
    ADD("alarm-fires-by-itself", test_alarm_fires_by_itself);
    ADD("alarm-masked", test_alarm_masked);
    ADD("alarm-disarmed", test_alarm_disarmed);
    ADD("alarm-past", test_alarm_past);
    return g_test_run();
}
