/* A guest gone wild: thousands of random reads and writes, of every size, to every device
 * of the board and to addresses where nothing is. Each gets an answer (a value, or an
 * access fault this program skips); afterwards the machine still works: the UART prints,
 * the timer interrupts, and the program reports its result. Vireo-only: QEMU's virt board
 * has more devices in these ranges. */
#include "rt.h"

static uint64_t state = 0x2545f4914f6cdd1dULL;

static uint64_t next(void)
{
    state ^= state << 13;
    state ^= state >> 7;
    state ^= state << 17;
    return state;
}

/* Where to aim: the device window below 0x2000_0000 and a few empty places, never the
 * finisher (which would end the run) nor the virtio window (a device told to DMA into
 * this program's memory would be the program's own fault). */
static uint64_t target(void)
{
    uint64_t r = next();
    switch (r % 8) {
    case 0: return 0x02000000 + (next() % 0x10000);    /* CLINT */
    case 1: return 0x0c000000 + (next() % 0x400000);   /* PLIC */
    case 2: return 0x10000000 + (next() % 0x100);      /* UART */
    case 3: return 0x00101000 + (next() % 0x1000);     /* RTC */
    case 4: return 0x00000000 + (next() % 0x100000);   /* nothing below the finisher */
    case 5: return 0x20000000 + (next() % 0x40000000); /* nothing */
    case 6: return 0x0d000000 + (next() % 0x1000000);  /* nothing */
    default: return next() & 0x00fffffffffff000ULL;    /* far away */
    }
}

static volatile uint64_t faults;

static int skip_faults(rt_frame *f, int mode)
{
    uint64_t c = f->cause;
    if (c == CAUSE_LOAD_ACCESS || c == CAUSE_STORE_ACCESS || c == CAUSE_MISALIGNED_LOAD ||
        c == CAUSE_MISALIGNED_STORE) {
        faults++;
        uint16_t lo = *(volatile uint16_t *) f->epc;
        f->epc += (lo & 3) == 3 ? 4 : 2;
        return 1;
    }
    return 0;
}

static volatile int ticks;

static int count_timer(rt_frame *f, int mode)
{
    if (f->cause == (CAUSE_INTERRUPT | IRQ_M_TIMER)) {
        ticks++;
        mmio_write64(RT_CLINT_MTIMECMP(0), ~0ULL);
        return 1;
    }
    return skip_faults(f, mode);
}

int test_main(void)
{
    rt_trap_hook = skip_faults;
    uint64_t sink = 0;
    for (int i = 0; i < 20000; i++) {
        uint64_t a = target();
        unsigned size = 1u << (next() % 4);
        a &= ~(uint64_t) (size - 1);
        uint64_t v = next();
        if (next() & 1) {
            switch (size) {
            case 1: *(volatile uint8_t *) a = (uint8_t) v; break;
            case 2: *(volatile uint16_t *) a = (uint16_t) v; break;
            case 4: *(volatile uint32_t *) a = (uint32_t) v; break;
            default: *(volatile uint64_t *) a = v; break;
            }
        } else {
            switch (size) {
            case 1: sink += *(volatile uint8_t *) a; break;
            case 2: sink += *(volatile uint16_t *) a; break;
            case 4: sink += *(volatile uint32_t *) a; break;
            default: sink += *(volatile uint64_t *) a; break;
            }
        }
    }
    CHECK(1, faults > 1000);

    /* The UART back to a sane state, then a line through it. */
    volatile uint8_t *uart = (volatile uint8_t *) RT_UART_BASE;
    uart[3] = 0x03; /* 8N1, DLAB off */
    uart[1] = 0;    /* no interrupts */
    uart[4] = 0;    /* no loopback */
    uart[2] = 0x07; /* FIFOs on and cleared */
    rt_printf("wild-mmio: %lu faults taken, sink %lx; still alive\n", (uint64_t) faults, sink);

    /* The timer still interrupts. */
    rt_trap_hook = count_timer;
    mmio_write32(RT_CLINT_BASE, 0); /* no software interrupt left pending */
    write_csr(mie, MIP_MTIP);
    mmio_write64(RT_CLINT_MTIMECMP(0), mmio_read64(RT_CLINT_MTIME) + 1000);
    set_csr(mstatus, MSTATUS_MIE);
    for (int i = 0; i < 100000000 && !ticks; i++)
        __asm__ volatile("nop");
    clear_csr(mstatus, MSTATUS_MIE);
    CHECK(2, ticks == 1);
    return 0;
}
