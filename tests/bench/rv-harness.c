/* Bare-metal RISC-V harness for the benchmark workloads (see bench.h).
 *
 * Runs the workload the way a guest kernel runs its code: M-mode builds Sv39 page tables
 * that identity-map the program and its heap with 4 KiB pages (so the TLB matters) plus the
 * UART, CLINT and test finisher, turns on paging and enters the workload in S-mode with
 * mret. The workload is timed with rdtime (the CLINT's 10 MHz mtime) from S-mode.
 */
#include "bench.h"
#include "rt.h"

#define RAM_BASE       0x80000000UL
#define RAM_BYTES      (256UL << 20) /* run.sh starts both machines with 256 MiB */
#define PAGE_SIZE      4096UL
#define PTES_PER_TABLE 512

/* Enough tables for 160 MiB of 4 KiB pages (80 leaf tables) plus the upper levels. */
#define TABLE_POOL 96

static uint64_t page_tables[TABLE_POOL][PTES_PER_TABLE] __attribute__((aligned(4096)));
static unsigned tables_used;
static uint64_t pages_mapped;

static uint64_t heap_base, heap_next, heap_end;

static struct {
    uint64_t ticks;
    uint64_t checksum;
} result;

extern char _end[];

static uint64_t *new_table(void)
{
    if (tables_used >= TABLE_POOL) {
        rt_printf("bench: out of page tables\n");
        rt_exit(2);
    }
    uint64_t *t = page_tables[tables_used++];
    for (int i = 0; i < PTES_PER_TABLE; i++)
        t[i] = 0;
    return t;
}

/* Map one 4 KiB page va -> pa (identity here) with the given permission bits. */
static void map_page(uint64_t *root, uint64_t va, uint64_t pa, uint64_t perms)
{
    uint64_t *table = root;
    for (int level = 2; level > 0; level--) {
        unsigned idx = (va >> (12 + 9 * level)) & 0x1ff;
        if (!(table[idx] & PTE_V)) {
            uint64_t *next = new_table();
            table[idx] = (((uint64_t) next >> 12) << 10) | PTE_V;
        }
        table = (uint64_t *) ((table[idx] >> 10) << 12);
    }
    /* A and D preset: neither QEMU nor Vireo then spends time updating them. */
    table[(va >> 12) & 0x1ff] = ((pa >> 12) << 10) | perms | PTE_A | PTE_D | PTE_V;
    pages_mapped++;
}

static void map_range(uint64_t *root, uint64_t start, uint64_t end, uint64_t perms)
{
    for (uint64_t a = start & ~(PAGE_SIZE - 1); a < end; a += PAGE_SIZE)
        map_page(root, a, a, perms);
}

void *bench_alloc(uint64_t bytes)
{
    uint64_t p = heap_next;
    uint64_t rounded = (bytes + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
    if (rounded > heap_end - p) {
        rt_printf("bench: heap exhausted (%lu bytes asked, heap_bytes too small)\n", bytes);
        rt_exit(3);
    }
    heap_next = p + rounded;
    return (void *) p;
}

static inline uint64_t read_time(void)
{
    uint64_t t;
    __asm__ volatile("rdtime %0" : "=r"(t));
    return t;
}

/* Runs in S-mode with paging on. */
static uint64_t supervisor_main(uint64_t unused)
{
    (void) unused;
    bench.setup();
    uint64_t t0 = read_time();
    uint64_t checksum = bench.run();
    uint64_t t1 = read_time();
    result.ticks = t1 - t0;
    result.checksum = checksum;
    return 0;
}

int test_main(void)
{
    heap_base = ((uint64_t) _end + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
    heap_next = heap_base;
    heap_end = heap_base + ((bench.heap_bytes + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1));
    if (heap_end > RAM_BASE + RAM_BYTES) {
        rt_printf("bench: %s needs %lu bytes of heap, more than the RAM holds\n", bench.name,
                  bench.heap_bytes);
        return 4;
    }

    uint64_t *root = new_table();
    map_range(root, RAM_BASE, (uint64_t) _end, PTE_R | PTE_W | PTE_X);
    map_range(root, heap_base, heap_end, PTE_R | PTE_W);
    map_range(root, RT_UART_BASE, RT_UART_BASE + PAGE_SIZE, PTE_R | PTE_W);
    map_range(root, RT_CLINT_BASE, RT_CLINT_BASE + 0x10000, PTE_R | PTE_W);
    map_range(root, RT_FINISHER_BASE, RT_FINISHER_BASE + PAGE_SIZE, PTE_R | PTE_W);

    /* S-mode may read time, cycle and instret. */
    write_csr(mcounteren, 7);
    uint64_t satp = SATP_MODE_SV39 | ((uint64_t) root >> 12);
    write_csr(satp, satp);
    __asm__ volatile("sfence.vma" ::: "memory");
    if (read_csr(satp) != satp) {
        rt_printf("bench: satp did not take Sv39 (reads 0x%lx)\n", read_csr(satp));
        return 5;
    }

    rt_run_in_mode(1, supervisor_main, 0);

    write_csr(satp, 0);
    __asm__ volatile("sfence.vma" ::: "memory");
    rt_printf("bench: %s: Sv39, S-mode, %lu pages of 4 KiB mapped, %u page tables\n", bench.name,
              pages_mapped, tables_used);
    rt_printf("BENCH %s ticks=%lu checksum=%016lx\n", bench.name, result.ticks, result.checksum);
    return 0;
}
