/* The Goldfish RTC: wall-clock time in nanoseconds since the epoch, with an alarm. */
#ifndef VR_GOLDFISH_RTC_H
#define VR_GOLDFISH_RTC_H

#include <glib.h>

#include "vr-device.h"
#include "vr-irq.h"
#include "vr-memory.h"

#define VR_GOLDFISH_RTC_SIZE 0x1000

typedef struct VrGoldfishRtc VrGoldfishRtc;

/* context: where the alarm's timer runs (a machine's I/O thread); NULL leaves the alarm to be
 * noticed at the guest's next access. */
VrGoldfishRtc *vr_goldfish_rtc_new(const VrIrq *irq, GMainContext *context);
/* Disarms the alarm and clears the interrupt; the time runs on. */
void vr_goldfish_rtc_reset(VrGoldfishRtc *r);
void vr_goldfish_rtc_free(VrGoldfishRtc *r);
VrDevice *vr_goldfish_rtc_device(VrGoldfishRtc *r);
const VrMmioOps *vr_goldfish_rtc_ops(void);

#endif
