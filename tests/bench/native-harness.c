/* Native (x86-64 Linux) harness for the benchmark workloads (see bench.h): the same
 * workload source, timed with CLOCK_MONOTONIC and reported in 10 MHz ticks like rdtime. */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "bench.h"

static uint8_t *heap;
static uint64_t heap_used, heap_size;

void *bench_alloc(uint64_t bytes)
{
    uint64_t rounded = (bytes + 4095) & ~4095ULL;
    if (rounded > heap_size - heap_used) {
        fprintf(stderr, "bench: heap exhausted (%llu bytes asked)\n", (unsigned long long) bytes);
        exit(3);
    }
    void *p = heap + heap_used;
    heap_used += rounded;
    return p;
}

static uint64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t) ts.tv_sec * 1000000000ULL + (uint64_t) ts.tv_nsec;
}

int main(void)
{
    heap_size = (bench.heap_bytes + 4095) & ~4095ULL;
    if (heap_size) {
        heap = aligned_alloc(4096, heap_size);
        if (!heap) {
            fprintf(stderr, "bench: cannot allocate %llu bytes\n", (unsigned long long) heap_size);
            return 3;
        }
    }
    bench.setup();
    uint64_t t0 = now_ns();
    uint64_t checksum = bench.run();
    uint64_t t1 = now_ns();
    printf("BENCH %s ticks=%llu checksum=%016llx\n", bench.name,
           (unsigned long long) ((t1 - t0) / 100), (unsigned long long) checksum);
    return 0;
}
