/* The Goldfish RTC's alarm wakes a hart that sleeps in WFI, through the PLIC, on time and
 * with no access to the RTC while it waits; claiming, clearing and completing then lower
 * the interrupt. The machine timer is armed as a deadline so that a lost alarm fails the
 * test instead of hanging it. */
#include "rt.h"

#define RTC_BASE         0x101000UL
#define RTC_TIME_LOW     (RTC_BASE + 0x00)
#define RTC_TIME_HIGH    (RTC_BASE + 0x04)
#define RTC_ALARM_LOW    (RTC_BASE + 0x08)
#define RTC_ALARM_HIGH   (RTC_BASE + 0x0c)
#define RTC_IRQ_ENABLED  (RTC_BASE + 0x10)
#define RTC_ALARM_STATUS (RTC_BASE + 0x18)
#define RTC_CLEAR_IRQ    (RTC_BASE + 0x1c)
#define RTC_IRQ          11

#define PLIC_BASE         0x0c000000UL
#define PLIC_PRIORITY(i)  (PLIC_BASE + 4 * (i))
#define PLIC_ENABLE(ctx)  (PLIC_BASE + 0x2000 + 0x80 * (ctx))
#define PLIC_THRESHOLD(c) (PLIC_BASE + 0x200000 + 0x1000 * (c))
#define PLIC_CLAIM(c)     (PLIC_THRESHOLD(c) + 4)
#define CTX_HART0_M       0

#define TICKS_PER_MS 10000UL /* the time CSR counts at 10 MHz */

static uint64_t rtc_now(void)
{
    uint64_t lo = mmio_read32(RTC_TIME_LOW);
    return ((uint64_t) mmio_read32(RTC_TIME_HIGH) << 32) | lo;
}

int test_main(void)
{
    mmio_write32(PLIC_PRIORITY(RTC_IRQ), 1);
    mmio_write32(PLIC_ENABLE(CTX_HART0_M), 1u << RTC_IRQ);
    mmio_write32(PLIC_THRESHOLD(CTX_HART0_M), 0);
    mmio_write32(RTC_IRQ_ENABLED, 1);
    /* Nothing pending yet. */
    CHECK_EQ(1, read_csr(mip) & MIP_MEIP, 0);

    /* Interrupts stay globally off: WFI wakes for an interrupt enabled in mie anyway. */
    clear_csr(mstatus, MSTATUS_MIE);
    write_csr(mie, MIP_MEIP | MIP_MTIP);
    uint64_t start = read_csr(time);
    mmio_write64(RT_CLINT_MTIMECMP(0), start + 5000 * TICKS_PER_MS); /* the deadline */

    uint64_t alarm = rtc_now() + 200000000UL; /* 200 ms ahead, in nanoseconds */
    mmio_write32(RTC_ALARM_HIGH, (uint32_t) (alarm >> 32));
    mmio_write32(RTC_ALARM_LOW, (uint32_t) alarm);
    CHECK_EQ(2, mmio_read32(RTC_ALARM_STATUS), 1);

    while (!(read_csr(mip) & (MIP_MEIP | MIP_MTIP)))
        __asm__ volatile("wfi");
    uint64_t waited_ms = (read_csr(time) - start) / TICKS_PER_MS;
    rt_printf("woken after %u ms\n", (unsigned) waited_ms);
    CHECK_EQ(3, read_csr(mip) & MIP_MEIP, MIP_MEIP); /* the alarm, not the deadline */
    CHECK(4, waited_ms >= 190);
    CHECK(5, waited_ms < 4000);

    CHECK_EQ(6, mmio_read32(PLIC_CLAIM(CTX_HART0_M)), RTC_IRQ);
    CHECK_EQ(7, mmio_read32(RTC_ALARM_STATUS), 0);
    mmio_write32(RTC_CLEAR_IRQ, 1);
    mmio_write32(PLIC_CLAIM(CTX_HART0_M), RTC_IRQ);
    CHECK_EQ(8, read_csr(mip) & MIP_MEIP, 0);
    CHECK_EQ(9, mmio_read32(PLIC_CLAIM(CTX_HART0_M)), 0);

    write_csr(mie, 0);
    mmio_write64(RT_CLINT_MTIMECMP(0), ~0UL);
    return 0;
}
