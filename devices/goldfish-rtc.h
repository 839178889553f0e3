/* The Goldfish RTC: wall-clock time in nanoseconds since the epoch, with an alarm. */
#ifndef VR_GOLDFISH_RTC_H
#define VR_GOLDFISH_RTC_H

#include "vr-irq.h"
#include "vr-memory.h"

#define VR_GOLDFISH_RTC_SIZE 0x1000

typedef struct VrGoldfishRtc VrGoldfishRtc;

VrGoldfishRtc *vr_goldfish_rtc_new(const VrIrq *irq);
void vr_goldfish_rtc_free(VrGoldfishRtc *r);
const VrMmioOps *vr_goldfish_rtc_ops(void);

#endif
