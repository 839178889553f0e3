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

/* The "dev:rtc" payload: u32 version; the guest's offset from the host's real time (ns, as a
 * u64 two's complement); the TIME_HIGH latch and ALARM_HIGH (u32 each); the alarm (u64);
 * whether it is armed, the interrupt enabled, an interrupt pending (bool each).
 *
 * The offset, not the guest's time, is kept: a restored guest's wall clock goes on from the
 * host's present time, as a battery-backed clock does while its machine is off, and as this
 * one does across a reset. A guest that set its clock an hour ahead is still an hour ahead;
 * an alarm that came due meanwhile fires as soon as the machine is restored. */
#define RTC_STATE_VERSION 1

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
    bool quiesced; /* while a state is written: no alarm timer */
};

static uint64_t now_ns(const VrGoldfishRtc *r)
{
    /* Modulo 2^64: the guest may set any time, and the sum may pass INT64_MAX. */
    return (uint64_t) g_get_real_time() * 1000 + (uint64_t) r->offset_ns;
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
    if (!r->context || !r->alarm_armed || r->quiesced)
        return;
    uint64_t now = now_ns(r);
    uint64_t wait_ns = r->alarm > now ? r->alarm - now : 0;
    /* Whole milliseconds, rounded up; an alarm years ahead still fits a guint. */
    uint64_t ms = MIN(wait_ns / 1000000 + (wait_ns % 1000000 != 0), (uint64_t) G_MAXUINT / 2);
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

/* The alarm's timer could fire on the I/O thread while the machine is written down, after the
 * PLIC but before this device: the PLIC's saved line and this device's saved interrupt would
 * disagree. The timer stops meanwhile; an alarm that comes due is noticed when it starts
 * again. */
static void rtc_quiesce(VrDevice *dev)
{
    VrGoldfishRtc *r = (VrGoldfishRtc *) dev;
    g_mutex_lock(&r->lock);
    r->quiesced = true;
    cancel_timer(r);
    g_mutex_unlock(&r->lock);
}

static void rtc_unquiesce(VrDevice *dev)
{
    VrGoldfishRtc *r = (VrGoldfishRtc *) dev;
    g_mutex_lock(&r->lock);
    r->quiesced = false;
    schedule_alarm(r);
    g_mutex_unlock(&r->lock);
}

static void rtc_save(VrDevice *dev, VrStateWriter *w)
{
    VrGoldfishRtc *r = (VrGoldfishRtc *) dev;
    g_mutex_lock(&r->lock);
    vr_state_put_u32(w, RTC_STATE_VERSION);
    vr_state_put_u64(w, (uint64_t) r->offset_ns);
    vr_state_put_u32(w, r->time_high_latch);
    vr_state_put_u32(w, r->alarm_high);
    vr_state_put_u64(w, r->alarm);
    vr_state_put_bool(w, r->alarm_armed);
    vr_state_put_bool(w, r->irq_enabled);
    vr_state_put_bool(w, r->irq_pending);
    g_mutex_unlock(&r->lock);
}

/* The line is not driven: the PLIC restores the level it saw, which is irq_enabled &&
 * irq_pending here. An armed alarm gets its timer again (at once if it is already due). */
static bool rtc_load(VrDevice *dev, VrStateReader *rd)
{
    VrGoldfishRtc *r = (VrGoldfishRtc *) dev;
    uint32_t version = vr_state_get_u32(rd);
    if (!vr_state_reader_failed(rd) && version != RTC_STATE_VERSION)
        vr_state_reader_invalid(rd, "RTC state version %u is not known (expected %u)", version,
                                RTC_STATE_VERSION);
    if (vr_state_reader_failed(rd))
        return false;
    int64_t offset_ns = (int64_t) vr_state_get_u64(rd);
    uint32_t latch = vr_state_get_u32(rd), alarm_high = vr_state_get_u32(rd);
    uint64_t alarm = vr_state_get_u64(rd);
    bool armed = vr_state_get_bool(rd), enabled = vr_state_get_bool(rd),
         pending = vr_state_get_bool(rd);
    if (vr_state_reader_failed(rd))
        return false;
    g_mutex_lock(&r->lock);
    r->offset_ns = offset_ns;
    r->time_high_latch = latch;
    r->alarm_high = alarm_high;
    r->alarm = alarm;
    r->alarm_armed = armed;
    r->irq_enabled = enabled;
    r->irq_pending = pending;
    schedule_alarm(r);
    g_mutex_unlock(&r->lock);
    return true;
}

static void rtc_device_free(VrDevice *dev)
{
    vr_goldfish_rtc_free((VrGoldfishRtc *) dev);
}

static const VrDeviceOps rtc_device_ops = {
    .reset = rtc_device_reset,
    .quiesce = rtc_quiesce,
    .unquiesce = rtc_unquiesce,
    .save = rtc_save,
    .load = rtc_load,
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
