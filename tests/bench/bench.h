/* Vireo benchmark workloads: the interface between a workload and its harness.
 *
 * A workload is one C file that defines `bench` and is built twice from the same source:
 * with rv-harness.c into a bare-metal RISC-V ELF (Sv39 paging on, workload in S-mode), and
 * with native-harness.c into an x86-64 program. Both harnesses call setup() untimed, then
 * time run() and print `BENCH <name> ticks=<n> checksum=<hex>`, ticks in 10 MHz units.
 * run() must give the same checksum on both, so a workload uses fixed-width types only,
 * never plain char (signed on x86-64, unsigned on RISC-V), and the build turns off FMA
 * contraction so that floating-point results are bit-identical.
 */
#ifndef BENCH_H
#define BENCH_H

#include <stddef.h>
#include <stdint.h>

typedef struct bench_workload {
    const char *name;
    uint64_t heap_bytes;   /* the most bench_alloc() may hand out */
    void (*setup)(void);   /* untimed: build the input data */
    uint64_t (*run)(void); /* timed: returns the checksum */
} bench_workload;

/* Defined by each workload. */
extern const bench_workload bench;

/* Memory from the harness's heap, 4 KiB aligned, not zeroed, never freed. */
void *bench_alloc(uint64_t bytes);

/* Deterministic pseudo-random numbers (xorshift64*); *state must not be 0. */
static inline uint64_t bench_rand(uint64_t *state)
{
    uint64_t x = *state;
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    *state = x;
    return x * 0x2545f4914f6cdd1dULL;
}

/* Fold a value into a running 64-bit hash. */
static inline uint64_t bench_mix(uint64_t h, uint64_t v)
{
    h ^= v + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2);
    return h * 0xff51afd7ed558ccdULL;
}

#endif
