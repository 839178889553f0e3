/* The machine's time base: the host's monotonic clock, stopped while the machine is
 * paused, read at the rate of the guest's timer. */
#ifndef VR_CLOCK_H
#define VR_CLOCK_H

#include <stdint.h>
#include <glib.h>
#include <time.h>

#define VR_TIMEBASE_HZ 10000000ULL

typedef struct VrClock {
    int64_t offset_ns; /* guest ns = host monotonic ns - offset_ns (while running) */
    int64_t paused_at; /* guest ns at pause, or -1 */
} VrClock;

void vr_clock_init(VrClock *c);
/* Guest nanoseconds since the machine started. */
int64_t vr_clock_ns(const VrClock *c);
/* Guest timer ticks (10 MHz). */
uint64_t vr_clock_ticks(const VrClock *c);
/* Host monotonic time (ns) at which the guest reaches ticks. */
int64_t vr_clock_host_ns_at_ticks(const VrClock *c, uint64_t ticks);
void vr_clock_pause(VrClock *c);
/* Stops the clock at guest_ns (a restored machine's time); resume runs on from there. */
void vr_clock_set_paused(VrClock *c, int64_t guest_ns);
void vr_clock_resume(VrClock *c);

static inline int64_t vr_host_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t) ts.tv_sec * 1000000000 + ts.tv_nsec;
}

#endif
