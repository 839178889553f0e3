#include <time.h>
#include "vr-clock.h"

void vr_clock_init(VrClock *c)
{
    c->offset_ns = vr_host_ns();
    c->paused_at = -1;
}

int64_t vr_clock_ns(const VrClock *c)
{
    int64_t paused = __atomic_load_n(&c->paused_at, __ATOMIC_ACQUIRE);
    if (paused >= 0)
        return paused;
    return vr_host_ns() - __atomic_load_n(&c->offset_ns, __ATOMIC_RELAXED);
}

uint64_t vr_clock_ticks(const VrClock *c)
{
    return (uint64_t) vr_clock_ns(c) / (1000000000 / VR_TIMEBASE_HZ);
}

int64_t vr_clock_host_ns_at_ticks(const VrClock *c, uint64_t ticks)
{
    if (ticks > (uint64_t) INT64_MAX / 100)
        return INT64_MAX;
    return (int64_t) ticks * (1000000000 / VR_TIMEBASE_HZ) +
           __atomic_load_n(&c->offset_ns, __ATOMIC_RELAXED);
}

void vr_clock_pause(VrClock *c)
{
    if (c->paused_at < 0)
        __atomic_store_n(&c->paused_at, vr_clock_ns(c), __ATOMIC_RELEASE);
}

void vr_clock_resume(VrClock *c)
{
    if (c->paused_at >= 0) {
        __atomic_store_n(&c->offset_ns, vr_host_ns() - c->paused_at, __ATOMIC_RELAXED);
        __atomic_store_n(&c->paused_at, -1, __ATOMIC_RELEASE);
    }
}

void vr_clock_set_paused(VrClock *c, int64_t guest_ns)
{
    __atomic_store_n(&c->paused_at, guest_ns < 0 ? 0 : guest_ns, __ATOMIC_RELEASE);
}
