/* Goldfish RTC. Reading TIME_LOW latches the high half for the following TIME_HIGH read.
 * The guest may set the time; it then runs on from there at the host's pace. An armed alarm
 * has a timer on the machine's I/O thread that raises the interrupt when it is due, whether
 * or not the guest looks; a guest access checks it too. */
#include <glib.h>

#include "goldfish-rtc.h"

enum {
    REG_TIME_LOW = 0x00,
    REG_TIME_HIGH = 0x04,
    REG_ALARM_LOW = 0x08,
    REG_ALARM_HIGH = 0x0c,
    REG_IRQ_ENABLED = 0x10,
    REG_CLEAR_ALARM = 0x14,
    REG_ALARM_STATUS = 0x18,
    REG_CLEAR_INTERRUPT = 0x1c,
};

struct VrGoldfishRtc {
    VrDevice dev;
    GMutex lock;
    int64_t offset_ns; /* guest time = host real time + offset */
    uint32_t time_high_latch;
    uint64_t alarm;
    uint32_t alarm_high;
    bool alarm_armed, irq_enabled, irq_pending;
    VrIrq irq;
    GMainContext *context; /* where the alarm timer runs; NULL: checked on access only */
    GSource *timer;
};

static uint64_t now_ns(const VrGoldfishRtc *r)
{
    return (uint64_t) (g_get_real_time() * 1000 + r->offset_ns);
}

static void update_irq(VrGoldfishRtc *r)
{
    if (r->alarm_armed && now_ns(r) >= r->alarm) {
        r->alarm_armed = false;
        r->irq_pending = true;
    }
    vr_irq_set(&r->irq, r->irq_enabled && r->irq_pending);
}

static gboolean alarm_due(gpointer data);

static void cancel_timer(VrGoldfishRtc *r)
{
    if (r->timer) {
        g_source_destroy(r->timer);
        g_source_unref(r->timer);
        r->timer = NULL;
    }
}

/* Called with the lock held, after update_irq: a timer for an alarm still to come. */
static void schedule_alarm(VrGoldfishRtc *r)
{
    cancel_timer(r);
    if (!r->context || !r->alarm_armed)
        return;
    uint64_t now = now_ns(r);
    uint64_t wait_ns = r->alarm > now ? r->alarm - now : 0;
    /* Whole milliseconds, rounded up; an alarm years ahead still fits a guint. */
    uint64_t ms = MIN((wait_ns + 999999) / 1000000, (uint64_t) G_MAXUINT / 2);
    r->timer = g_timeout_source_new((guint) ms);
    g_source_set_name(r->timer, "goldfish-rtc alarm");
    g_source_set_callback(r->timer, alarm_due, r, NULL);
    g_source_attach(r->timer, r->context);
}

static gboolean alarm_due(gpointer data)
{
    VrGoldfishRtc *r = data;
    g_mutex_lock(&r->lock);
    if (r->timer == g_main_current_source()) {
        update_irq(r);
        /* The guest's clock runs on host real time, the timer on the monotonic clock: if
         * they disagree the alarm is not due yet, and a new timer waits for the rest. */
        schedule_alarm(r);
    }
    g_mutex_unlock(&r->lock);
    return G_SOURCE_REMOVE;
}

static bool rtc_read(void *opaque, uint64_t offset, unsigned size, uint64_t *value)
{
    VrGoldfishRtc *r = opaque;
    if (size != 4)
        return false;
    uint64_t v = 0;
    g_mutex_lock(&r->lock);
    switch (offset) {
    case REG_TIME_LOW: {
        uint64_t t = now_ns(r);
        r->time_high_latch = (uint32_t) (t >> 32);
        v = (uint32_t) t;
        break;
    }
    case REG_TIME_HIGH: v = r->time_high_latch; break;
    case REG_ALARM_LOW: v = (uint32_t) r->alarm; break;
    case REG_ALARM_HIGH: v = (uint32_t) (r->alarm >> 32); break;
    case REG_IRQ_ENABLED: v = r->irq_enabled; break;
    case REG_ALARM_STATUS: v = r->alarm_armed; break;
    default: break;
    }
    update_irq(r);
    g_mutex_unlock(&r->lock);
    *value = v;
    return true;
}

static bool rtc_write(void *opaque, uint64_t offset, unsigned size, uint64_t value)
{
    VrGoldfishRtc *r = opaque;
    if (size != 4)
        return false;
    uint32_t v = (uint32_t) value;
    g_mutex_lock(&r->lock);
    switch (offset) {
    case REG_TIME_LOW: {
        uint64_t t = ((uint64_t) r->time_high_latch << 32) | v;
        r->offset_ns = (int64_t) (t - (uint64_t) g_get_real_time() * 1000);
        break;
    }
    case REG_TIME_HIGH: r->time_high_latch = v; break;
    case REG_ALARM_HIGH: r->alarm_high = v; break;
    case REG_ALARM_LOW:
        r->alarm = ((uint64_t) r->alarm_high << 32) | v;
        r->alarm_armed = true;
        break;
    case REG_IRQ_ENABLED: r->irq_enabled = v & 1; break;
    case REG_CLEAR_ALARM: r->alarm_armed = false; break;
    case REG_CLEAR_INTERRUPT: r->irq_pending = false; break;
    default: break;
    }
    update_irq(r);
    if (offset == REG_ALARM_LOW || offset == REG_CLEAR_ALARM || offset == REG_TIME_LOW)
        schedule_alarm(r);
    g_mutex_unlock(&r->lock);
    return true;
}

static const VrMmioOps rtc_ops = {
    .read = rtc_read,
    .write = rtc_write,
};

const VrMmioOps *vr_goldfish_rtc_ops(void)
{
    return &rtc_ops;
}

static void rtc_device_reset(VrDevice *dev)
{
    vr_goldfish_rtc_reset((VrGoldfishRtc *) dev);
}

static void rtc_device_free(VrDevice *dev)
{
    vr_goldfish_rtc_free((VrGoldfishRtc *) dev);
}

static const VrDeviceOps rtc_device_ops = {
    .reset = rtc_device_reset,
    .free = rtc_device_free,
};

VrDevice *vr_goldfish_rtc_device(VrGoldfishRtc *r)
{
    return &r->dev;
}

VrGoldfishRtc *vr_goldfish_rtc_new(const VrIrq *irq, GMainContext *context)
{
    VrGoldfishRtc *r = g_new0(VrGoldfishRtc, 1);
    r->dev.ops = &rtc_device_ops;
    g_mutex_init(&r->lock);
    if (irq)
        r->irq = *irq;
    if (context)
        r->context = g_main_context_ref(context);
    return r;
}

void vr_goldfish_rtc_reset(VrGoldfishRtc *r)
{
    /* The clock keeps running through a reset, as a battery-backed one does. */
    g_mutex_lock(&r->lock);
    r->alarm_armed = false;
    r->irq_enabled = false;
    r->irq_pending = false;
    r->alarm = 0;
    r->alarm_high = 0;
    cancel_timer(r);
    update_irq(r);
    g_mutex_unlock(&r->lock);
}

void vr_goldfish_rtc_free(VrGoldfishRtc *r)
{
    if (!r)
        return;
    cancel_timer(r);
    if (r->context)
        g_main_context_unref(r->context);
    g_mutex_clear(&r->lock);
    g_free(r);
}
