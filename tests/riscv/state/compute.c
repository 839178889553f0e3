/* A long, deterministic computation for the save/restore tests: S-mode code under Sv39 hashes
 * a 1 MiB buffer it keeps rewriting, with integer and floating-point work, while M-mode timer
 * interrupts come every millisecond (their count is not part of the result). It prints a
 * checksum after each round and at the end; a machine saved and restored any number of times
 * in between must print exactly what an uninterrupted run prints. */
#include "vm.h"

#define ROUNDS     ROUNDS_OPT
#define BUF_WORDS  (1u << 17) /* 1 MiB */
#define TICK_TICKS 10000      /* 1 ms of the 10 MHz timer */

static uint64_t buf[BUF_WORDS] __attribute__((aligned(4096)));
static volatile uint64_t ticks;

static int on_trap(rt_frame *f, int mode)
{
    if (f->cause != INT(IRQ_M_TIMER))
        return 0;
    ticks++;
    uint64_t now = mmio_read64(RT_CLINT_BASE + 0xbff8);
    mmio_write64(RT_CLINT_BASE + 0x4000, now + TICK_TICKS);
    return 1;
}

static uint64_t mix(uint64_t x)
{
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdUL;
    x ^= x >> 33;
    x *= 0xc4ceb9fe1a85ec53UL;
    return x ^ (x >> 33);
}

/* One round in S-mode: rewrite the buffer from the previous checksum and hash it. */
static uint64_t round_fn(uint64_t seed)
{
    uint64_t h = seed;
    double acc = 1.0;
    for (unsigned i = 0; i < BUF_WORDS; i++) {
        uint64_t idx = mix(seed + i) & (BUF_WORDS - 1);
        buf[idx] = buf[idx] * 31 + mix(h + i);
        h = mix(h ^ buf[i]);
        acc = acc * 1.0000001 + (double) (h & 0xffff) / 65536.0;
        if (acc > 1e6)
            acc /= 3.0;
    }
    uint64_t bits;
    __builtin_memcpy(&bits, &acc, sizeof(bits));
    return mix(h ^ bits);
}

int test_main(void)
{
    static vm_space vm;
    vm_init(&vm, 3);
    vm_identity(&vm, VM_KERNEL);
    /* The buffer is part of the identity-mapped image. */
    CHECK(1, (uint64_t) _end <= VM_IDENTITY_BASE + VM_IDENTITY_SIZE);
    vm_activate(&vm, 1);

    rt_trap_hook = on_trap;
    uint64_t now = mmio_read64(RT_CLINT_BASE + 0xbff8);
    mmio_write64(RT_CLINT_BASE + 0x4000, now + TICK_TICKS);
    /* Taken in S-mode only: M-mode runs with MIE clear, since an interrupt between setting
     * MPP and mepc and the mret in rt_run_in_mode would overwrite both. MPIE is cleared
     * before each round, so that no mret back into M-mode sets MIE. */
    clear_csr(mstatus, MSTATUS_MIE);
    set_csr(mie, MIP_MTIP);

    uint64_t sum = 0x5eed;
    for (int r = 0; r < ROUNDS; r++) {
        clear_csr(mstatus, MSTATUS_MPIE);
        sum = rt_run_in_mode(MODE_S, round_fn, sum);
        rt_printf("round %d checksum %lx\n", r, sum);
    }
    clear_csr(mie, MIP_MTIP);
    rt_printf("checksum %lx (%s)\n", sum, ticks ? "timer ran" : "no timer");
    return ticks ? 0 : 1;
}
