/* The guest of the save/restore benchmark (state.py): it fills TOUCH_MIB MiB of RAM with data
 * that neither a zero-page check nor a compressor can shrink, prints "touched", and then prints
 * "heartbeat N" every HEARTBEAT_MS of guest time for ever, so that whoever saved and restored it
 * can see it running again. Each heartbeat also checks a few words of the data, so a restore
 * that lost or moved RAM prints "heartbeat N BAD" instead.
 *
 * Built with -DTOUCH_MIB=0 it touches nothing beyond its own program, stack and UART: the
 * sparse case. */
#include "rt.h"

#ifndef TOUCH_MIB
#define TOUCH_MIB 64
#endif
#ifndef HEARTBEAT_MS
#define HEARTBEAT_MS 50
#endif
/* Where the data starts: well clear of the program, its stacks and its .bss. */
#define DATA_BASE       0x80400000UL
#define MTIME_HZ        10000000UL
#define CHECKS_PER_BEAT 64

_Static_assert(TOUCH_MIB <= 448, "the data must fit a 512 MiB guest above DATA_BASE");

/* Word i of the data: a bijective 64-bit mix of i (SplitMix64's finalizer), so no two words
 * are equal and none is zero except by a 1 in 2^64 chance, and any word can be recomputed
 * from its index alone. */
static uint64_t word(uint64_t i)
{
    uint64_t z = i * 0x9e3779b97f4a7c15ull + 0x5bd1e9955bd1e995ull;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

/* Waits for mtime to reach deadline by reading it: a WFI on the timer would be kinder to the
 * host, but QEMU 7.2 does not re-arm the CLINT's timer of a machine it restored (the saved
 * mtimecmp never fires), and the same guest has to run on both. */
static void wait_until(uint64_t deadline)
{
    while (mmio_read64(RT_CLINT_MTIME) < deadline)
        ;
}

int test_main(void)
{
    volatile uint64_t *data = (volatile uint64_t *) DATA_BASE;
    const uint64_t words = (uint64_t) TOUCH_MIB << 17; /* 8-byte words in TOUCH_MIB MiB */
    for (uint64_t i = 0; i < words; i++)
        data[i] = word(i);
    rt_printf("touched %u MiB\n", (unsigned) TOUCH_MIB);

    const uint64_t period = MTIME_HZ / 1000 * HEARTBEAT_MS;
    uint64_t next = mmio_read64(RT_CLINT_MTIME) + period;
    for (uint64_t beat = 1;; beat++) {
        wait_until(next);
        next += period;
        int bad = 0;
#if TOUCH_MIB > 0
        for (uint64_t k = 0; k < CHECKS_PER_BEAT; k++) {
            uint64_t i = word(beat * CHECKS_PER_BEAT + k) % words;
            if (data[i] != word(i))
                bad = 1;
        }
#endif
        rt_printf("heartbeat %lu%s\n", beat, bad ? " BAD" : "");
    }
    return 0;
}
