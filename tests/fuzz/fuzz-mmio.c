/* The guest-facing registers of the CLINT, PLIC, NS16550A UART and Goldfish RTC, through their
 * VrMmioOps as a guest's loads and stores reach them, mixed with what the host side does
 * (interrupt sources of the PLIC changing level, console bytes arriving at the UART, the UART's
 * output stalling and resuming).
 *
 * VIREO_FUZZ_MMIO_SKIP=clint,plic,uart,rtc leaves the devices named out of the steps, so that a
 * campaign can look past a defect one of them stops at every time.
 *
 * The input is a script of 14-byte steps: device, operation, offset (24 bits), value (64 bits,
 * of which the operation uses what it needs). Each input starts with new devices. */
#include "aclint.h"
#include "fuzz-common.h"
#include "goldfish-rtc.h"
#include "plic.h"
#include "uart16550.h"
#include "vr-clock.h"

enum { DEV_CLINT, DEV_PLIC, DEV_UART, DEV_RTC, N_DEVS };

#define N_HARTS 2

typedef struct {
    bool level[2 * N_HARTS];
    uint64_t timer[N_HARTS];
    bool tx_full; /* the UART's output is stalled while set */
} Wires;

static void set_line(void *opaque, unsigned line, bool level)
{
    Wires *w = opaque;
    if (line >= G_N_ELEMENTS(w->level))
        abort();
    w->level[line] = level;
}

static uint64_t timer_get(void *opaque)
{
    return *(uint64_t *) opaque;
}

static void timer_set(void *opaque, uint64_t value)
{
    *(uint64_t *) opaque = value;
}

static bool uart_tx(void *opaque, uint8_t byte)
{
    Wires *w = opaque;
    return !w->tx_full;
}

static unsigned skipped_devices; /* bit d: device d is left out */

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    fuzz_init_logging();
    static const char *const names[N_DEVS] = {"clint", "plic", "uart", "rtc"};
    const char *skip = g_getenv("VIREO_FUZZ_MMIO_SKIP");
    g_auto(GStrv) skip_names = g_strsplit(skip ? skip : "", ",", -1);
    for (unsigned d = 0; d < N_DEVS; d++) {
        if (g_strv_contains((const char *const *) skip_names, names[d]))
            skipped_devices |= 1u << d;
    }
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    Wires w = {0};
    VrClock clock;
    vr_clock_init(&clock);
    VrIrq lines[2 * N_HARTS];
    VrTimerCmp timers[N_HARTS];
    for (unsigned i = 0; i < 2 * N_HARTS; i++)
        lines[i] = (VrIrq){.set = set_line, .opaque = &w, .line = i};
    for (unsigned h = 0; h < N_HARTS; h++)
        timers[h] = (VrTimerCmp){.get = timer_get, .set = timer_set, .opaque = &w.timer[h]};

    VrAclint *clint = vr_aclint_new(N_HARTS, &clock, lines, timers);
    VrPlic *plic = vr_plic_new(2 * N_HARTS, lines);
    VrUart16550 *uart = vr_uart16550_new(uart_tx, &w, &lines[1]);
    VrGoldfishRtc *rtc = vr_goldfish_rtc_new(&lines[3], NULL);

    struct {
        const VrMmioOps *ops;
        void *opaque;
        uint64_t size;
    } devs[N_DEVS] = {
        [DEV_CLINT] = {vr_aclint_ops(), clint, VR_ACLINT_SIZE},
        [DEV_PLIC] = {vr_plic_ops(), plic, VR_PLIC_SIZE(N_HARTS)},
        [DEV_UART] = {vr_uart16550_ops(), uart, VR_UART16550_SIZE},
        [DEV_RTC] = {vr_goldfish_rtc_ops(), rtc, VR_GOLDFISH_RTC_SIZE},
    };

    FuzzInput in = {data, size};
    while (in.left >= 14) {
        unsigned d = fuzz_u8(&in) % N_DEVS;
        uint8_t op = fuzz_u8(&in);
        uint32_t offset = fuzz_u16(&in) | (uint32_t) fuzz_u8(&in) << 16;
        uint64_t value = fuzz_u64(&in);
        fuzz_u8(&in); /* reserved */
        if (skipped_devices & (1u << d))
            continue;
        unsigned width = 1u << ((op >> 1) & 3);
        uint64_t off = (offset % devs[d].size) & ~(uint64_t) (width - 1);
        switch (op >> 3) {
        case 0: /* a guest's load */
        case 1: {
            uint64_t v = 0;
            (void) devs[d].ops->read(devs[d].opaque, off, width, &v);
            break;
        }
        case 2: /* a guest's store */
        case 3:
        case 4: (void) devs[d].ops->write(devs[d].opaque, off, width, value); break;
        case 5: { /* a PLIC source changes level */
            VrIrq src = vr_plic_irq(plic, 1 + (unsigned) (value % (VR_PLIC_NUM_SOURCES - 1)));
            vr_irq_set(&src, op & 1);
            break;
        }
        case 6: { /* console input for the UART */
            uint8_t bytes[8];
            for (unsigned i = 0; i < 8; i++)
                bytes[i] = (uint8_t) (value >> (8 * i));
            (void) vr_uart16550_receive(uart, bytes, 1 + (offset % 8));
            break;
        }
        case 7: /* the UART's output stalls or drains */
            w.tx_full = op & 1;
            if (!w.tx_full)
                vr_uart16550_tx_ready(uart);
            break;
        case 8: /* time passes for the CLINT */
            vr_clock_pause(&clock);
            vr_clock_set_paused(&clock, (int64_t) (value & 0xffffffffffffull));
            vr_clock_resume(&clock);
            break;
        case 9:
            vr_plic_reset(plic);
            vr_uart16550_reset(uart);
            vr_goldfish_rtc_reset(rtc);
            break;
        default: break;
        }
    }

    vr_goldfish_rtc_free(rtc);
    vr_uart16550_free(uart);
    vr_plic_free(plic);
    vr_aclint_free(clint);
    return 0;
}
