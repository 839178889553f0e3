/* Device registers at their edges: reads of the CLINT past mtime (0xc000 up to the end of
 * its window) and a Goldfish RTC set to the far future. Each access gets an ordinary
 * answer, the machine goes on, and nothing in Vireo overflows on the way. Vireo-only:
 * QEMU's CLINT answers the space past mtime differently. */
#include "rt.h"

#define RTC_BASE      0x101000UL
#define RTC_TIME_LOW  (RTC_BASE + 0x00)
#define RTC_TIME_HIGH (RTC_BASE + 0x04)

static uint64_t rtc_time(void)
{
    uint64_t lo = mmio_read32(RTC_TIME_LOW);
    return ((uint64_t) mmio_read32(RTC_TIME_HIGH) << 32) | lo;
}

static void rtc_set(uint64_t t)
{
    mmio_write32(RTC_TIME_HIGH, (uint32_t) (t >> 32));
    mmio_write32(RTC_TIME_LOW, (uint32_t) t);
}

int test_main(void)
{
    /* Past mtime: nothing is there, and it reads as zero at every size. */
    CHECK_EQ(1, mmio_read64(RT_CLINT_BASE + 0xc000), 0);
    CHECK_EQ(2, mmio_read32(RT_CLINT_BASE + 0xc004), 0);
    CHECK_EQ(3, mmio_read64(RT_CLINT_BASE + 0xfff8), 0);
    /* The upper half of mtime still reads as one. */
    uint64_t t = mmio_read64(RT_CLINT_MTIME);
    uint64_t hi = mmio_read32(RT_CLINT_MTIME + 4);
    CHECK(4, hi == t >> 32 || hi == (t >> 32) + 1);

    /* A clock set past 2^63 ns, and to the very end of its range: it keeps running and
     * wraps as the 64-bit counter it is. */
    rtc_set(0x8000000000000000ULL);
    uint64_t got = rtc_time();
    CHECK(5, got >= 0x8000000000000000ULL && got - 0x8000000000000000ULL < 60000000000ULL);
    rtc_set(~0ULL);
    got = rtc_time();
    CHECK(6, got < 60000000000ULL || got == ~0ULL);
    rtc_set(0x7fffffffffffffffULL);
    got = rtc_time();
    CHECK(7, got - 0x7fffffffffffffffULL < 60000000000ULL);
    rt_printf("device-edges: CLINT past mtime reads 0, RTC at %lx\n", got);
    return 0;
}
