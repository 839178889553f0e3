/* A guest that never ends: each hart counts for a while, hart 0 prints a dot now and then and
 * reboots the machine through the test finisher at moments chosen by the timer. For the
 * machine life-cycle torture test, which pauses, resumes, resets, saves and powers it off from
 * several threads meanwhile. */
#include "rt.h"

static volatile uint64_t counter[2];

static void count(int hart)
{
    for (;;) {
        uint64_t t = mmio_read64(RT_CLINT_MTIME);
        uint64_t n = 20000 + (t & 0xffff) * 4;
        for (uint64_t i = 0; i < n; i++)
            counter[hart]++;
        if (hart == 0) {
            rt_putc('.');
            if ((t >> 4) % 16 == 0)
                *(volatile uint32_t *) RT_FINISHER_BASE = 0x7777;
        }
    }
}

static void second(void)
{
    count(1);
}

int test_main(void)
{
    rt_start_hart(1, second);
    count(0);
    return 0;
}
