/* Memory-bound workload: latency and bandwidth with working sets bigger than the caches
 * (and, in the guest, far bigger than what any TLB holds in 4 KiB pages).
 *   - pointer chasing: a 32 MiB array of 32-bit indices holding one random cycle through
 *     all its 8 Mi entries; each load's address is the previous load's value, so every
 *     step pays the full latency of a cache and TLB miss;
 *   - streaming: copy, scale, add and triad kernels over three 32 MiB arrays of 64-bit
 *     integers (96 MiB in all, more than the host's last-level cache), then a summing pass.
 */
#include "bench.h"

#define CHASE_ENTRIES (8u << 20) /* 32 MiB of uint32_t */
#define STREAM_WORDS  (4u << 20) /* 32 MiB of uint64_t per array */

#ifndef CHASE_STEPS
#define CHASE_STEPS (6u << 20)
#endif
#ifndef STREAM_PASSES
#define STREAM_PASSES 2
#endif

static uint32_t *chase;

/* A bijection on [0, CHASE_ENTRIES) (odd multiplies and xor-shifts modulo 2^23), and its
 * inverse; the chase visits the entries in the order scramble(0), scramble(1), ... */
#define CHASE_MASK (CHASE_ENTRIES - 1)
static const uint32_t scramble_mul[3] = {0x9e3779b1u, 0x85ebca6bu, 0xc2b2ae35u};
static const unsigned scramble_shift[3] = {11, 13, 9};
static uint32_t unscramble_mul[3];

static uint32_t scramble(uint32_t x)
{
    for (int r = 0; r < 3; r++) {
        x = (x * scramble_mul[r]) & CHASE_MASK;
        x ^= x >> scramble_shift[r];
    }
    return x;
}

static uint32_t unscramble(uint32_t y)
{
    for (int r = 2; r >= 0; r--) {
        uint32_t x = y;
        for (unsigned s = scramble_shift[r]; s < 23; s += scramble_shift[r])
            x ^= y >> s;
        y = (x * unscramble_mul[r]) & CHASE_MASK;
    }
    return y;
}

/* The inverse of an odd number modulo 2^32, by Newton's iteration. */
static uint32_t inverse_mod_2_32(uint32_t a)
{
    uint32_t x = a; /* right to 3 bits; each step doubles that */
    for (int i = 0; i < 4; i++)
        x *= 2 - a * x;
    return x;
}

static uint64_t *stream_a, *stream_b, *stream_c;

static void memory_setup(void)
{
    /* entry x holds the entry after it in the visiting order: sequential stores only, so
     * the set-up stays short even where every TLB miss is expensive. */
    for (int r = 0; r < 3; r++)
        unscramble_mul[r] = inverse_mod_2_32(scramble_mul[r]);
    chase = bench_alloc(CHASE_ENTRIES * sizeof(uint32_t));
    for (uint32_t x = 0; x < CHASE_ENTRIES; x++)
        chase[x] = scramble((unscramble(x) + 1) & CHASE_MASK);

    stream_a = bench_alloc(STREAM_WORDS * sizeof(uint64_t));
    stream_b = bench_alloc(STREAM_WORDS * sizeof(uint64_t));
    stream_c = bench_alloc(STREAM_WORDS * sizeof(uint64_t));
    for (uint32_t i = 0; i < STREAM_WORDS; i++) {
        stream_a[i] = i * 3u + 1;
        stream_b[i] = (uint64_t) i << 20 | 7;
        stream_c[i] = 0;
    }
}

static uint64_t chase_run(void)
{
    uint32_t p = 0;
    uint64_t visited = 0;
    for (uint32_t step = 0; step < CHASE_STEPS; step++) {
        p = chase[p];
        visited += p;
    }
    return visited ^ ((uint64_t) p << 40);
}

static uint64_t stream_run(void)
{
    uint64_t *restrict a = stream_a, *restrict b = stream_b, *restrict c = stream_c;
    for (unsigned pass = 0; pass < STREAM_PASSES; pass++) {
        for (uint32_t i = 0; i < STREAM_WORDS; i++) /* copy */
            c[i] = a[i];
        for (uint32_t i = 0; i < STREAM_WORDS; i++) /* scale */
            b[i] = c[i] * 3;
        for (uint32_t i = 0; i < STREAM_WORDS; i++) /* add */
            c[i] = a[i] + b[i];
        for (uint32_t i = 0; i < STREAM_WORDS; i++) /* triad */
            a[i] = b[i] + c[i] * (pass + 5);
    }
    uint64_t sum = 0;
    for (uint32_t i = 0; i < STREAM_WORDS; i++)
        sum += a[i] ^ (i & 0xff);
    return sum;
}

static uint64_t memory_run(void)
{
    uint64_t h = bench_mix(0, chase_run());
    return bench_mix(h, stream_run());
}

const bench_workload bench = {
    .name = "memory",
    .heap_bytes = CHASE_ENTRIES * sizeof(uint32_t) + 3 * STREAM_WORDS * sizeof(uint64_t),
    .setup = memory_setup,
    .run = memory_run,
};
