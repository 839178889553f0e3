/* CLINT: msip at 0x0000 + 4 * hart, mtimecmp at 0x4000 + 8 * hart, mtime at 0xbff8. */
#include <glib.h>

#include "aclint.h"

#define MSIP_BASE     0x0000
#define MTIMECMP_BASE 0x4000
#define MTIME_OFFSET  0xbff8

/* The "dev:clint" payload: u32 version, u32 number of harts, then each hart's msip as a u32.
 * mtime is the machine's clock (its own section) and each mtimecmp is its hart's state. */
#define ACLINT_STATE_VERSION 1

struct VrAclint {
    VrDevice dev;
    unsigned n_harts;
    VrClock *clock;
    uint32_t *msip;
    VrIrq *msip_lines;
    VrTimerCmp *timers;
};

/* Past the register's last byte (the window beyond mtime) there is nothing: zero. */
static uint64_t sub_read(uint64_t reg, uint64_t offset_in_reg, unsigned size)
{
    if (offset_in_reg >= 8)
        return 0;
    uint64_t v = reg >> (8 * offset_in_reg);
    return size == 8 ? v : v & ((1ull << (8 * size)) - 1);
}

static bool aclint_read(void *opaque, uint64_t offset, unsigned size, uint64_t *value)
{
    VrAclint *c = opaque;
    if (offset < MTIMECMP_BASE) {
        uint64_t h = offset / 4;
        if (h >= c->n_harts || size != 4)
            return size == 4 ? (*value = 0, true) : false;
        *value = __atomic_load_n(&c->msip[h], __ATOMIC_RELAXED);
        return true;
    }
    if (offset >= MTIME_OFFSET) {
        if (size < 4)
            return false;
        *value = sub_read(vr_clock_ticks(c->clock), offset - MTIME_OFFSET, size);
        return true;
    }
    if (size < 4)
        return false;
    uint64_t h = (offset - MTIMECMP_BASE) / 8;
    if (h >= c->n_harts) {
        *value = 0;
        return true;
    }
    *value = sub_read(c->timers[h].get(c->timers[h].opaque), (offset - MTIMECMP_BASE) % 8, size);
    return true;
}

static bool aclint_write(void *opaque, uint64_t offset, unsigned size, uint64_t value)
{
    VrAclint *c = opaque;
    if (offset < MTIMECMP_BASE) {
        uint64_t h = offset / 4;
        if (size != 4)
            return false;
        if (h >= c->n_harts)
            return true;
        uint32_t bit = value & 1;
        __atomic_store_n(&c->msip[h], bit, __ATOMIC_RELAXED);
        vr_irq_set(&c->msip_lines[h], bit);
        return true;
    }
    if (offset >= MTIME_OFFSET)
        return size >= 4; /* mtime follows the host clock; writes are ignored */
    if (size < 4)
        return false;
    uint64_t h = (offset - MTIMECMP_BASE) / 8;
    if (h >= c->n_harts)
        return true;
    uint64_t cur = c->timers[h].get(c->timers[h].opaque);
    uint64_t shift = 8 * ((offset - MTIMECMP_BASE) % 8);
    uint64_t mask = size == 8 ? ~0ull : (((1ull << (8 * size)) - 1) << shift);
    uint64_t v = (cur & ~mask) | ((value << shift) & mask);
    c->timers[h].set(c->timers[h].opaque, v);
    return true;
}

static const VrMmioOps aclint_ops = {
    .read = aclint_read,
    .write = aclint_write,
};

const VrMmioOps *vr_aclint_ops(void)
{
    return &aclint_ops;
}

/* Software interrupts clear; the timer compare registers belong to the harts, which reset
 * them themselves. */
static void aclint_reset(VrDevice *dev)
{
    VrAclint *c = (VrAclint *) dev;
    for (unsigned h = 0; h < c->n_harts; h++) {
        __atomic_store_n(&c->msip[h], 0, __ATOMIC_RELAXED);
        vr_irq_set(&c->msip_lines[h], false);
    }
}

static void aclint_save(VrDevice *dev, VrStateWriter *w)
{
    VrAclint *c = (VrAclint *) dev;
    vr_state_put_u32(w, ACLINT_STATE_VERSION);
    vr_state_put_u32(w, c->n_harts);
    for (unsigned h = 0; h < c->n_harts; h++)
        vr_state_put_u32(w, __atomic_load_n(&c->msip[h], __ATOMIC_RELAXED));
}

/* The lines are not driven: each hart restores its own pending bits from its own section, so
 * msip and the hart's MSIP agree without a glitch on the line. */
static bool aclint_load(VrDevice *dev, VrStateReader *r)
{
    VrAclint *c = (VrAclint *) dev;
    uint32_t version = vr_state_get_u32(r);
    if (!vr_state_reader_failed(r) && version != ACLINT_STATE_VERSION)
        vr_state_reader_invalid(r, "CLINT state version %u is not known (expected %u)", version,
                                ACLINT_STATE_VERSION);
    uint32_t n = vr_state_get_u32(r);
    if (!vr_state_reader_failed(r) && n != c->n_harts)
        vr_state_reader_invalid(r, "the CLINT served %u harts, this machine has %u", n, c->n_harts);
    if (vr_state_reader_failed(r))
        return false;
    g_autofree uint32_t *msip = g_new0(uint32_t, n);
    for (unsigned h = 0; h < n; h++) {
        msip[h] = vr_state_get_u32(r);
        if (!vr_state_reader_failed(r) && msip[h] > 1)
            vr_state_reader_invalid(r, "hart %u's msip holds 0x%x; only bit 0 exists", h, msip[h]);
    }
    if (vr_state_reader_failed(r))
        return false;
    for (unsigned h = 0; h < n; h++)
        __atomic_store_n(&c->msip[h], msip[h], __ATOMIC_RELAXED);
    return true;
}

static void aclint_device_free(VrDevice *dev)
{
    vr_aclint_free((VrAclint *) dev);
}

static const VrDeviceOps aclint_device_ops = {
    .reset = aclint_reset,
    .save = aclint_save,
    .load = aclint_load,
    .free = aclint_device_free,
};

VrAclint *vr_aclint_new(unsigned n_harts, VrClock *clock, const VrIrq *msip,
                        const VrTimerCmp *timers)
{
    VrAclint *c = g_new0(VrAclint, 1);
    c->dev.ops = &aclint_device_ops;
    c->n_harts = n_harts;
    c->clock = clock;
    c->msip = g_new0(uint32_t, n_harts);
    c->msip_lines = g_memdup2(msip, sizeof(VrIrq) * n_harts);
    c->timers = g_memdup2(timers, sizeof(VrTimerCmp) * n_harts);
    return c;
}

VrDevice *vr_aclint_device(VrAclint *c)
{
    return &c->dev;
}

void vr_aclint_free(VrAclint *c)
{
    if (!c)
        return;
    g_free(c->msip);
    g_free(c->msip_lines);
    g_free(c->timers);
    g_free(c);
}
