/* The riscv64-virt board: QEMU virt's memory map, so stock firmware and kernels run.
 *
 *   0x0010_0000  test finisher (power off, reset)
 *   0x0200_0000  CLINT
 *   0x1000_0000  NS16550A UART
 *   0x8000_0000  RAM
 */
#include <gio/gio.h>
#include <string.h>

#include "aclint.h"
#include "htif.h"
#include "riscv/riscv.h"
#include "sifive-test.h"
#include "uart16550.h"
#include "vr-elf.h"
#include "vr-machine-private.h"

#define VIRT_TEST_BASE  0x00100000ull
#define VIRT_CLINT_BASE 0x02000000ull
#define VIRT_UART_BASE  0x10000000ull
#define VIRT_RAM_BASE   0x80000000ull

#define VIRT_MAX_CPUS 8

typedef struct {
    VrMachine *m;
    VrAclint *clint;
    VrUart16550 *uart;
    VrSifiveTest finisher;
    VrHtif htif;
} VirtBoard;

static void board_free(void *opaque)
{
    VirtBoard *b = opaque;
    vr_aclint_free(b->clint);
    vr_uart16550_free(b->uart);
    g_free(b);
}

static void uart_tx(void *opaque, const uint8_t *data, size_t len)
{
    VirtBoard *b = opaque;
    vr_machine_console_output(b->m, data, len);
}

static size_t console_input(void *opaque, const uint8_t *data, size_t len)
{
    VirtBoard *b = opaque;
    return vr_uart16550_receive(b->uart, data, len);
}

static void finisher(void *opaque, VrFinish what, unsigned code)
{
    VirtBoard *b = opaque;
    switch (what) {
    case VR_FINISH_PASS: vr_machine_finish(b->m, VR_END_POWER_OFF, 0); break;
    case VR_FINISH_FAIL: vr_machine_finish(b->m, VR_END_FAILED, code); break;
    case VR_FINISH_RESET:
        /* Reboot is not offered yet: end the run as a power-off would. */
        vr_machine_finish(b->m, VR_END_POWER_OFF, 0);
        break;
    }
}

static void htif_exit(void *opaque, unsigned code)
{
    VirtBoard *b = opaque;
    vr_machine_finish(b->m, code ? VR_END_FAILED : VR_END_POWER_OFF, code);
}

static void htif_output(void *opaque, const uint8_t *data, size_t len)
{
    VirtBoard *b = opaque;
    vr_machine_console_output(b->m, data, len);
}

/* --bios none --kernel FILE.elf: the ELF runs in M-mode from its entry on every hart. */
static bool boot_bare_elf(VrMachine *m, VirtBoard *b, GError **error)
{
    VrElfImage image;
    if (!vr_elf_load(m->cfg.kernel, m->as, &image, error))
        return false;
    uint64_t tohost;
    if (vr_elf_symbol(&image, "tohost", &tohost)) {
        b->htif.as = m->as;
        b->htif.tohost = tohost;
        if (!vr_elf_symbol(&image, "fromhost", &b->htif.fromhost))
            b->htif.fromhost = 0;
        b->htif.exit = htif_exit;
        b->htif.output = htif_output;
        b->htif.opaque = b;
        if (!vr_address_space_ram_ptr(m->as, tohost, 8)) {
            vr_elf_image_clear(&image);
            g_set_error(error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                        "%s: its tohost symbol (0x%" G_GINT64_MODIFIER "x) is not in RAM",
                        m->cfg.kernel, tohost);
            return false;
        }
        vr_htif_attach(&b->htif);
    }
    for (unsigned i = 0; i < m->n_harts; i++) {
        vr_hart_reset(m->harts[i], image.entry);
        vr_hart_set_x(m->harts[i], 10, i);
        vr_hart_set_x(m->harts[i], 11, 0);
    }
    vr_elf_image_clear(&image);
    return true;
}

bool vr_riscv64_virt_build(VrMachine *m, GError **error)
{
    const VrMachineConfig *cfg = &m->cfg;
    if (cfg->cpus < 1 || cfg->cpus > VIRT_MAX_CPUS) {
        g_set_error(error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                    "%u CPUs asked for; the riscv64-virt board has 1 to %u", cfg->cpus,
                    VIRT_MAX_CPUS);
        return false;
    }
    if (cfg->memory < (1ull << 20) || cfg->memory > (1ull << 40) || (cfg->memory & (4096 - 1))) {
        g_set_error(error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                    "memory size %" G_GUINT64_FORMAT
                    " bytes is not usable (1 MiB to 1 TiB, whole 4 KiB pages)",
                    cfg->memory);
        return false;
    }
    if (!cfg->kernel) {
        g_set_error(error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                    "no kernel given (--kernel FILE)");
        return false;
    }
    if (!cfg->bios || strcmp(cfg->bios, "none") != 0) {
        g_set_error(error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                    "booting through firmware is not available yet: use --bios none with an "
                    "ELF kernel");
        return false;
    }

    if (!vr_address_space_add_ram(m->as, "ram", VIRT_RAM_BASE, cfg->memory, error))
        return false;

    VirtBoard *b = g_new0(VirtBoard, 1);
    b->m = m;
    m->board = b;
    m->board_free = board_free;
    m->console_input = console_input;

    m->n_harts = cfg->cpus;
    m->harts = g_new0(VrHart *, m->n_harts);
    for (unsigned i = 0; i < m->n_harts; i++)
        m->harts[i] = vr_hart_new(m->as, &m->clock, i);

    b->clint = vr_aclint_new(m->harts, m->n_harts, &m->clock);
    vr_address_space_add_mmio(m->as, "clint", VIRT_CLINT_BASE, VR_ACLINT_SIZE, vr_aclint_ops(),
                              b->clint);
    b->uart = vr_uart16550_new(uart_tx, b, NULL);
    vr_address_space_add_mmio(m->as, "uart0", VIRT_UART_BASE, VR_UART16550_SIZE, vr_uart16550_ops(),
                              b->uart);
    b->finisher.finish = finisher;
    b->finisher.opaque = b;
    vr_address_space_add_mmio(m->as, "test", VIRT_TEST_BASE, VR_SIFIVE_TEST_SIZE,
                              vr_sifive_test_ops(), &b->finisher);

    return boot_bare_elf(m, b, error);
}
