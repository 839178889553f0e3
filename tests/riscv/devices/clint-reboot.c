/* A reboot clears the CLINT's software interrupts, as QEMU's virt board does: the first boot
 * sets its own msip and reboots through the test finisher; the second finds msip clear and no
 * software interrupt pending.
 *
 * RAM does not tell the boots apart (Vireo zeroes it on reset, QEMU reloads the program), the
 * Goldfish RTC does: its time runs on through a reset, as a battery-backed clock's does. The
 * first boot sets it to 2001-09-09; a time within a minute after that is the second boot. */
#include "rt.h"

#define RTC_BASE      0x101000UL
#define RTC_TIME_LOW  (RTC_BASE + 0x00)
#define RTC_TIME_HIGH (RTC_BASE + 0x04)

#define SECOND_BOOT_EPOCH 1000000000000000000UL /* ns since 1970 */
#define NS_PER_S          1000000000UL

#define MSIP(h) (RT_CLINT_BASE + 4 * (h))

static uint64_t rtc_now(void)
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
    /* Interrupts stay off: the pending bit is looked at, never taken. */
    clear_csr(mstatus, MSTATUS_MIE);
    write_csr(mie, 0);

    uint64_t now = rtc_now();
    if (now >= SECOND_BOOT_EPOCH && now < SECOND_BOOT_EPOCH + 60 * NS_PER_S) {
        rt_printf("second boot, %u ms after the reboot\n",
                  (unsigned) ((now - SECOND_BOOT_EPOCH) / 1000000));
        CHECK_EQ(4, mmio_read32(MSIP(0)), 0);
        CHECK_EQ(5, read_csr(mip) & MIP_MSIP, 0);
        return 0;
    }

    rt_printf("first boot\n");
    mmio_write32(MSIP(0), 1);
    CHECK_EQ(1, mmio_read32(MSIP(0)), 1);
    CHECK_EQ(2, read_csr(mip) & MIP_MSIP, MIP_MSIP);
    rtc_set(SECOND_BOOT_EPOCH);
    now = rtc_now();
    CHECK(3, now >= SECOND_BOOT_EPOCH && now < SECOND_BOOT_EPOCH + NS_PER_S);
    mmio_write32(RT_FINISHER_BASE, 0x7777);
    /* The reboot is asynchronous: wait for it here. */
    for (;;)
        __asm__ volatile("wfi");
}
