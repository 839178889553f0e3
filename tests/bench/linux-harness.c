/* Linux harness for the benchmark workloads (see bench.h): the workload as a static riscv64
 * Linux program that is the /init of an initramfs of its own (tests/bench/linux.py).
 *
 * As process 1 it prints "vireo-bench: init <name>" as soon as the kernel has started it
 * (linux.py times the boot to that line), runs the workload, prints the same result line as
 * the other harnesses, timed with CLOCK_MONOTONIC in the guest and reported in 10 MHz ticks,
 * and powers the machine off with reboot(2): process 1 must never exit. Started as any other
 * process, it only runs the workload and exits.
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/reboot.h>
#include <time.h>
#include <unistd.h>

#include "bench.h"

static uint8_t *heap;
static uint64_t heap_used, heap_size;
static int is_init;

static void finish(int status)
{
    fflush(stdout);
    fflush(stderr);
    if (!is_init)
        exit(status);
    reboot(RB_POWER_OFF);
    /* Only reached if the power-off failed; exiting would make the kernel panic. */
    perror("vireo-bench: reboot(RB_POWER_OFF)");
    for (;;)
        pause();
}

void *bench_alloc(uint64_t bytes)
{
    uint64_t rounded = (bytes + 4095) & ~4095ULL;
    if (rounded > heap_size - heap_used) {
        fprintf(stderr, "bench: heap exhausted (%llu bytes asked)\n", (unsigned long long) bytes);
        finish(3);
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
    is_init = getpid() == 1;
    /* The console is slow in an emulator and the guest powers off right after the result:
     * every line goes out whole and at once. */
    setvbuf(stdout, NULL, _IOLBF, 0);
    if (is_init)
        printf("vireo-bench: init %s\n", bench.name);

    heap_size = (bench.heap_bytes + 4095) & ~4095ULL;
    if (heap_size) {
        heap = mmap(NULL, heap_size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (heap == MAP_FAILED) {
            fprintf(stderr, "bench: cannot map %llu bytes\n", (unsigned long long) heap_size);
            finish(3);
        }
    }
    bench.setup();
    uint64_t t0 = now_ns();
    uint64_t checksum = bench.run();
    uint64_t t1 = now_ns();
    printf("BENCH %s ticks=%llu checksum=%016llx\n", bench.name,
           (unsigned long long) ((t1 - t0) / 100), (unsigned long long) checksum);
    finish(0);
    return 0;
}
