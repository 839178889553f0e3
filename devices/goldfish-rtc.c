/* Goldfish RTC. Reading TIME_LOW latches the high half for the following TIME_HIGH read.
 * The guest may set the time; it then runs on from there at the host's pace. The alarm
 * fires when polled by a guest read after it is due. */
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
    GMutex lock;
    int64_t offset_ns; /* guest time = host real time + offset */
    uint32_t time_high_latch;
    uint64_t alarm;
    uint32_t alarm_high;
    bool alarm_armed, irq_enabled, irq_pending;
    VrIrq irq;
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

VrGoldfishRtc *vr_goldfish_rtc_new(const VrIrq *irq)
{
    VrGoldfishRtc *r = g_new0(VrGoldfishRtc, 1);
    g_mutex_init(&r->lock);
    if (irq)
        r->irq = *irq;
    return r;
}

void vr_goldfish_rtc_free(VrGoldfishRtc *r)
{
    if (!r)
        return;
    g_mutex_clear(&r->lock);
    g_free(r);
}
