/* Runtime of the block-level differential test programs that gen-blocks.py writes: prints
 * the state after each block on the UART, and in sv39 mode runs the blocks in S-mode with
 * paging on. Built with tests/riscv/env (crt.S, rt.c). */
#include "rt.h"

#define DATA_SIZE 16384
#define ALIAS_VA  0xC0000000ul

extern uint8_t dt_data[];
extern uint64_t dt_mode, dt_nblocks, dt_alias_perm[4];
uint64_t dt_blocks(uint64_t arg);
void dt_dump(uint64_t block, const uint64_t *save);

/* A and D preset: the hart may set them itself or fault, and the two peers need not agree. */
#define PTE_LEAF (PTE_V | PTE_R | PTE_W | PTE_X | PTE_A | PTE_D)

static uint64_t pt_root[512] __attribute__((aligned(4096)));
static uint64_t pt_l1_ram[512] __attribute__((aligned(4096)));
static uint64_t pt_l0_data[512] __attribute__((aligned(4096)));
static uint64_t pt_l1_alias[512] __attribute__((aligned(4096)));
/* The generated blocks swap entries of this one (then sfence.vma) to remap the alias. */
uint64_t dt_pt_alias[512] __attribute__((aligned(4096)));

static uint64_t pte(uint64_t pa, uint64_t flags)
{
    return ((pa >> 12) << 10) | flags;
}

/* Sv39: devices (first GiB) in one gigapage; RAM (0x80000000..) in megapages but for the
 * 2 MiB around dt_data, which has 4 KiB pages; and dt_data again at ALIAS_VA with its pages
 * in the order dt_alias_perm gives. */
static void setup_sv39(void)
{
    uint64_t data = (uint64_t) dt_data;
    uint64_t mega = data & ~((1ul << 21) - 1);
    CHECK(1, (data & 0xfff) == 0 && (data >> 30) == 2 &&
                 ((data + DATA_SIZE - 1) >> 21) == (data >> 21));

    pt_root[0] = pte(0, PTE_LEAF);
    pt_root[2] = pte((uint64_t) pt_l1_ram, PTE_V);
    for (uint64_t i = 0; i < 512; i++)
        pt_l1_ram[i] = pte(0x80000000ul + (i << 21), PTE_LEAF);
    pt_l1_ram[(mega >> 21) & 511] = pte((uint64_t) pt_l0_data, PTE_V);
    for (uint64_t i = 0; i < 512; i++)
        pt_l0_data[i] = pte(mega + (i << 12), PTE_LEAF);

    pt_root[(ALIAS_VA >> 30) & 511] = pte((uint64_t) pt_l1_alias, PTE_V);
    pt_l1_alias[0] = pte((uint64_t) dt_pt_alias, PTE_V);
    for (uint64_t i = 0; i < DATA_SIZE / 4096; i++)
        dt_pt_alias[i] = pte(data + 4096 * dt_alias_perm[i], PTE_LEAF & ~PTE_X);

    write_csr(satp, (8ul << 60) | ((uint64_t) pt_root >> 12));
    __asm__ volatile("sfence.vma" ::: "memory");
}

void dt_dump(uint64_t block, const uint64_t *save)
{
    rt_printf("B%lu", block);
    for (int i = 1; i < 32; i++)
        rt_printf(" %016lx", save[i]);
    for (int i = 0; i < 32; i++)
        rt_printf(" %016lx", save[32 + i]);
    rt_printf(" %02lx", save[64]);
    const uint64_t *d = (const uint64_t *) dt_data;
    uint64_t sum = 0;
    for (int i = 0; i < DATA_SIZE / 8; i++)
        sum = ((sum << 7) | (sum >> 57)) ^ (d[i] + (uint64_t) i);
    rt_printf(" %016lx\n", sum);
}

int test_main(void)
{
    if (dt_mode == 1) {
        setup_sv39();
        rt_run_in_mode(1, dt_blocks, 0);
        write_csr(satp, 0);
        __asm__ volatile("sfence.vma" ::: "memory");
    } else {
        dt_blocks(0);
    }
    rt_printf("END %lu blocks\n", dt_nblocks);
    return 0;
}
