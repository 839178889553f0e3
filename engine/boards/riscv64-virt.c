/* The riscv64-virt board: QEMU virt's memory map, so stock firmware and kernels run.
 *
 *   0x0010_0000  test finisher (power off, reboot)        syscon
 *   0x0010_1000  Goldfish RTC                              PLIC source 11
 *   0x0200_0000  CLINT
 *   0x0c00_0000  PLIC
 *   0x1000_0000  NS16550A UART                             PLIC source 10
 *   0x1000_1000  virtio-mmio transports, 0x1000 apart       PLIC sources 1..8
 *   0x1000_9000  virtio-mmio: the power button (virtio-input)  PLIC source 9
 *   0x1000_a000  virtio-mmio: the screen's five devices         PLIC sources 12..16
 *   0x1000_f000  virtio-mmio: the network card (virtio-net)     PLIC source 17
 *   0x1001_0000  virtio-mmio: the sound card (virtio-snd)       PLIC source 18
 *   0x8000_0000  RAM
 *
 * Boot: with firmware (OpenSBI fw_dynamic), the firmware sits at the start of RAM, the
 * kernel (a Linux Image, U-Boot, or any S-mode payload) 2 MiB in, the initrd in the middle
 * of RAM and the device tree near its end; every hart starts in the firmware with a0 = hart
 * id, a1 = device tree, a2 = the fw_dynamic info block. With `--bios none` an ELF kernel
 * starts directly in M-mode.
 */
#include <gio/gio.h>
#include <libfdt.h>
#include <string.h>

#include "aclint.h"
#include "goldfish-rtc.h"
#include "htif.h"
#include "plic.h"
#include "riscv/riscv-defs.h"
#include "riscv/riscv.h"
#include "sifive-test.h"
#include "uart16550.h"
#include "vr-board.h"
#include "vr-boot.h"
#include "vr-elf.h"
#include "vr-i18n.h"
#include "vr-machine-private.h"
#include "virtio/virtio-blk.h"
#include "virtio/virtio-console.h"
#include "virtio/virtio-input.h"
#include "virtio/virtio-mmio.h"
#include "virtio/virtio-net.h"
#include "net/vr-net-slirp.h"
#include "virtio/virtio-rng.h"
#include "virtio/virtio-snd.h"
#include "virtio-gpu.h"

#define VIRT_TEST_BASE   0x00100000ull
#define VIRT_RTC_BASE    0x00101000ull
#define VIRT_CLINT_BASE  0x02000000ull
#define VIRT_PLIC_BASE   0x0c000000ull
#define VIRT_UART_BASE   0x10000000ull
#define VIRT_VIRTIO_BASE 0x10001000ull
#define VIRT_VIRTIO_SIZE 0x1000ull
#define VIRT_RAM_BASE    0x80000000ull

#define VIRT_UART_IRQ      10
#define VIRT_RTC_IRQ       11
#define VIRT_VIRTIO_IRQ(i) (1 + (i))
#define VIRT_VIRTIO_COUNT  8
/* The power button sits past the slots for disks and the like, so it takes none of them. */
#define VIRT_POWER_BUTTON_BASE (VIRT_VIRTIO_BASE + VIRT_VIRTIO_COUNT * VIRT_VIRTIO_SIZE)
#define VIRT_POWER_BUTTON_IRQ  VIRT_VIRTIO_IRQ(VIRT_VIRTIO_COUNT)
/* The screen's devices (a machine with cfg.display) follow the power button at fixed
 * addresses, with interrupts past the UART's and the RTC's. */
enum { SCREEN_GPU, SCREEN_KEYBOARD, SCREEN_TABLET, SCREEN_MOUSE, SCREEN_GAMEPAD, N_SCREEN };
#define VIRT_SCREEN_BASE(k) (VIRT_POWER_BUTTON_BASE + (1 + (k)) * VIRT_VIRTIO_SIZE)
#define VIRT_SCREEN_IRQ(k)  (12 + (k))
/* The network card (a machine with cfg.net) follows the screen's devices, whether the
 * machine has a screen or not. */
#define VIRT_NET_BASE VIRT_SCREEN_BASE(N_SCREEN)
#define VIRT_NET_IRQ  VIRT_SCREEN_IRQ(N_SCREEN)
/* The sound card (a machine with cfg.sound) follows the network card's place. */
#define VIRT_SOUND_BASE (VIRT_NET_BASE + VIRT_VIRTIO_SIZE)
#define VIRT_SOUND_IRQ  (VIRT_NET_IRQ + 1)
/* The display size the guest sees until a viewer says otherwise. */
#define VIRT_DISPLAY_WIDTH  1280
#define VIRT_DISPLAY_HEIGHT 800

#define VIRT_MAX_CPUS 8
#define KERNEL_OFFSET 0x200000ull
#define FDT_MAX_SIZE  0x10000

#define OPENSBI_DEFAULT "/usr/lib/riscv64-linux-gnu/opensbi/generic/fw_dynamic.bin"
/* U-Boot for QEMU virt in S-mode (Debian's u-boot-qemu): UEFI boot services, and an EFI boot
 * manager that starts /EFI/BOOT/BOOTRISCV64.EFI from an EFI system partition. */
#define UBOOT_EFI_DEFAULT "/usr/lib/u-boot/qemu-riscv64_smode/u-boot.bin"

/* fw_dynamic's boot information block (OpenSBI's docs/firmware/fw_dynamic.md). */
#define FW_DYNAMIC_MAGIC       0x4942534fULL /* "OSBI" */
#define FW_DYNAMIC_VERSION     2
#define FW_DYNAMIC_NEXT_MODE_S 1

#define UART_INPUT_BACKLOG 4096

typedef struct {
    VrMachine *m;
    VrAclint *clint;
    VrPlic *plic;
    VrUart16550 *uart;
    VrGoldfishRtc *rtc;
    VrSifiveTest *finisher;
    VrHtif *htif;
    uint64_t ram_size;
    VrVirtioMmio *virtio[VIRT_VIRTIO_COUNT];
    unsigned n_virtio;
    VrVirtioDevice *disks[VIRT_VIRTIO_COUNT]; /* by index in cfg->disks */
    VrVirtioDevice *vconsole;                 /* the virtio console, when the machine has one */
    VrVirtioDevice *power_button;
    VrVirtioDevice *screen[N_SCREEN]; /* NULL without cfg.display */
    /* Keyboard bytes the UART's 16-byte FIFO has no room for yet, under input_lock: handed
     * to it from the guest's thread as soon as it reads the FIFO empty, so input runs at
     * the guest's pace rather than at the pace its sender retries. */
    GMutex input_lock;
    uint8_t input[UART_INPUT_BACKLOG];
    size_t input_len;
    bool input_refused; /* console_input() turned bytes away: post a room event later */
    bool uefi;          /* this boot goes through UEFI (U-Boot): the machine has no kernel */
    bool firmware_menu; /* and stops at U-Boot's prompt */
} VirtBoard;

/* ---- device callbacks ---- */

static bool uart_tx(void *opaque, uint8_t byte)
{
    VirtBoard *b = opaque;
    return vr_machine_console_put(b->m, byte);
}

/* Moves backlog bytes into the UART's FIFO; called with input_lock held. */
static void uart_flush_input(VirtBoard *b)
{
    if (!b->input_len)
        return;
    size_t taken = vr_uart16550_receive(b->uart, b->input, b->input_len);
    memmove(b->input, b->input + taken, b->input_len - taken);
    b->input_len -= taken;
}

static size_t console_input(void *opaque, const uint8_t *data, size_t len)
{
    VirtBoard *b = opaque;
    if (b->vconsole)
        return vr_virtio_console_input(b->vconsole, data, len);
    g_mutex_lock(&b->input_lock);
    uart_flush_input(b);
    size_t n = MIN(len, UART_INPUT_BACKLOG - b->input_len);
    if (n) {
        memcpy(b->input + b->input_len, data, n);
        b->input_len += n;
        uart_flush_input(b);
    }
    if (n < len)
        b->input_refused = true;
    g_mutex_unlock(&b->input_lock);
    return n;
}

/* The guest read the UART's receive FIFO empty after it refused bytes (its thread). */
static void uart_rx_room(void *opaque)
{
    VirtBoard *b = opaque;
    g_mutex_lock(&b->input_lock);
    uart_flush_input(b);
    bool room = b->input_refused && b->input_len <= UART_INPUT_BACKLOG / 2;
    if (room)
        b->input_refused = false;
    g_mutex_unlock(&b->input_lock);
    if (room)
        vr_machine_console_input_room(b->m);
}

static void vconsole_input_ready(void *opaque)
{
    VirtBoard *b = opaque;
    vr_machine_console_input_room(b->m);
}

/* What does not fit waits in the guest's queue until console_tx_ready, as the UART's
 * byte waits in its holding register. */
static size_t vconsole_output(void *opaque, const uint8_t *data, size_t len)
{
    VirtBoard *b = opaque;
    size_t n = 0;
    while (n < len && vr_machine_console_put(b->m, data[n]))
        n++;
    return n;
}

static void console_tx_ready(void *opaque)
{
    VirtBoard *b = opaque;
    vr_uart16550_tx_ready(b->uart);
    if (b->vconsole)
        vr_virtio_console_output_ready(b->vconsole);
}

static bool request_shutdown(void *opaque, GError **error)
{
    VirtBoard *b = opaque;
    if (!vr_virtio_device_driver_ok(b->power_button)) {
        g_set_error(error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                    _("The guest has no driver for the power button (virtio-input), so it "
                      "cannot be asked to shut down"));
        return false;
    }
    if (!vr_virtio_input_press_power(b->power_button)) {
        g_set_error(error, G_IO_ERROR, G_IO_ERROR_BUSY,
                    _("The guest is not reading its power button"));
        return false;
    }
    return true;
}

static void finisher(void *opaque, VrFinish what, unsigned code)
{
    VirtBoard *b = opaque;
    switch (what) {
    case VR_FINISH_PASS: vr_machine_finish(b->m, VR_END_POWER_OFF, 0); break;
    case VR_FINISH_FAIL: vr_machine_finish(b->m, VR_END_FAILED, code); break;
    case VR_FINISH_RESET: vr_machine_request_reset(b->m); break;
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
    for (size_t i = 0; i < len; i++)
        vr_machine_console_put(b->m, data[i]);
}

/* ---- device tree ---- */

#define FDT_CHECK(expr)     \
    do {                    \
        int err_ = (expr);  \
        if (err_ < 0)       \
            goto fdt_error; \
    } while (0)

static int prop_reg(void *fdt, uint64_t base, uint64_t size)
{
    fdt32_t cells[4] = {cpu_to_fdt32(base >> 32), cpu_to_fdt32((uint32_t) base),
                        cpu_to_fdt32(size >> 32), cpu_to_fdt32((uint32_t) size)};
    return fdt_property(fdt, "reg", cells, sizeof(cells));
}

enum {
    PHANDLE_PLIC = 1,
    PHANDLE_TEST = 2,
    PHANDLE_CPU_INTC = 16, /* + hart */
};

/* interrupts-extended: two interrupt lines (by number) into every hart's controller. */
static int prop_hart_interrupts(void *fdt, unsigned n_harts, uint32_t first, uint32_t second)
{
    g_autofree fdt32_t *cells = g_new(fdt32_t, 4 * n_harts);
    for (unsigned i = 0; i < n_harts; i++) {
        cells[4 * i + 0] = cpu_to_fdt32(PHANDLE_CPU_INTC + i);
        cells[4 * i + 1] = cpu_to_fdt32(first);
        cells[4 * i + 2] = cpu_to_fdt32(PHANDLE_CPU_INTC + i);
        cells[4 * i + 3] = cpu_to_fdt32(second);
    }
    return fdt_property(fdt, "interrupts-extended", cells, 4 * n_harts * sizeof(fdt32_t));
}

/* Builds the flattened device tree from the board's actual devices. */
/* U-Boot reads its boot command and delay from /config when the device tree has one. Its
 * own command tries only the first virtio disk, and on it only partitions marked bootable
 * (else the first): an installer CD behind an empty disk, or an EFI system partition that is
 * not the first, would not boot. This one tries every disk in order, the machine's disks
 * before its CDs (an installed system boots before the installer it came from; an empty disk
 * lets the CD boot), and every partition on each, with U-Boot's own scan of a partition
 * (extlinux, boot scripts, the EFI boot manager and the removable-media loader). */
/* A virtio-mmio transport's node at base, interrupt irq of the PLIC; libfdt's error or 0. */
static int virtio_node(void *fdt, uint64_t base, uint32_t irq)
{
    char name[48];
    int err;
    g_snprintf(name, sizeof(name), "virtio_mmio@%llx", (unsigned long long) base);
    if ((err = fdt_begin_node(fdt, name)) < 0 ||
        (err = fdt_property_string(fdt, "compatible", "virtio,mmio")) < 0 ||
        (err = prop_reg(fdt, base, VIRT_VIRTIO_SIZE)) < 0 ||
        (err = fdt_property_cell(fdt, "interrupt-parent", PHANDLE_PLIC)) < 0 ||
        (err = fdt_property_cell(fdt, "interrupts", irq)) < 0)
        return err;
    return fdt_end_node(fdt);
}

static int fdt_uefi_config(void *fdt, VirtBoard *b)
{
    const VrMachineConfig *cfg = &b->m->cfg;
    g_autoptr(GString) cmd = g_string_new(
        "setenv scan_dev_for_boot_part 'part list ${devtype} ${devnum} devplist; "
        "env exists devplist || setenv devplist 1; for distro_bootpart in ${devplist}; do "
        "if fstype ${devtype} ${devnum}:${distro_bootpart} bootfstype; then "
        "run scan_dev_for_boot; fi; done; setenv devplist'; "
        "virtio_need_init=; for devnum in");
    unsigned n = cfg->disks ? cfg->disks->len : 0;
    for (int pass = 0; pass < 2; pass++)
        for (unsigned i = 0; i < n; i++)
            if (g_array_index(cfg->disks, VrDiskConfig, i).cdrom == (pass == 1))
                g_string_append_printf(cmd, " %u", i);
    g_string_append(cmd, "; do run virtio_boot; done");
    int err = fdt_begin_node(fdt, "config");
    if (!err)
        err = fdt_property_string(fdt, "bootcmd", cmd->str);
    if (!err && b->firmware_menu)
        /* No countdown: U-Boot waits at its prompt. */
        err = fdt_property_u32(fdt, "bootdelay", (uint32_t) -1);
    if (!err)
        err = fdt_end_node(fdt);
    return err;
}

static void *build_fdt(VirtBoard *b, uint64_t initrd_start, uint64_t initrd_end, GError **error)
{
    VrMachine *m = b->m;
    void *fdt = g_malloc0(FDT_MAX_SIZE);
    char name[64];

    FDT_CHECK(fdt_create(fdt, FDT_MAX_SIZE));
    FDT_CHECK(fdt_finish_reservemap(fdt));
    FDT_CHECK(fdt_begin_node(fdt, ""));
    FDT_CHECK(fdt_property_cell(fdt, "#address-cells", 2));
    FDT_CHECK(fdt_property_cell(fdt, "#size-cells", 2));
    FDT_CHECK(fdt_property_string(fdt, "compatible", "riscv-virtio"));
    FDT_CHECK(fdt_property_string(fdt, "model", "Vireo riscv64-virt"));

    FDT_CHECK(fdt_begin_node(fdt, "chosen"));
    if (m->cfg.append)
        FDT_CHECK(fdt_property_string(fdt, "bootargs", m->cfg.append));
    g_snprintf(name, sizeof(name), "/soc/serial@%llx", (unsigned long long) VIRT_UART_BASE);
    FDT_CHECK(fdt_property_string(fdt, "stdout-path", name));
    if (initrd_end > initrd_start) {
        FDT_CHECK(fdt_property_u64(fdt, "linux,initrd-start", initrd_start));
        FDT_CHECK(fdt_property_u64(fdt, "linux,initrd-end", initrd_end));
    }
    FDT_CHECK(fdt_end_node(fdt));

    if (b->uefi)
        FDT_CHECK(fdt_uefi_config(fdt, b));

    g_snprintf(name, sizeof(name), "memory@%llx", (unsigned long long) VIRT_RAM_BASE);
    FDT_CHECK(fdt_begin_node(fdt, name));
    FDT_CHECK(fdt_property_string(fdt, "device_type", "memory"));
    FDT_CHECK(prop_reg(fdt, VIRT_RAM_BASE, b->ram_size));
    FDT_CHECK(fdt_end_node(fdt));

    FDT_CHECK(fdt_begin_node(fdt, "cpus"));
    FDT_CHECK(fdt_property_cell(fdt, "#address-cells", 1));
    FDT_CHECK(fdt_property_cell(fdt, "#size-cells", 0));
    FDT_CHECK(fdt_property_cell(fdt, "timebase-frequency", (uint32_t) VR_TIMEBASE_HZ));
    for (unsigned i = 0; i < m->n_cpus; i++) {
        g_snprintf(name, sizeof(name), "cpu@%u", i);
        FDT_CHECK(fdt_begin_node(fdt, name));
        FDT_CHECK(fdt_property_string(fdt, "device_type", "cpu"));
        FDT_CHECK(fdt_property_cell(fdt, "reg", i));
        FDT_CHECK(fdt_property_string(fdt, "status", "okay"));
        FDT_CHECK(fdt_property_string(fdt, "compatible", "riscv"));
        FDT_CHECK(fdt_property_string(fdt, "riscv,isa", "rv64imafdc_zicsr_zifencei_zba_zbb_zbs"));
        FDT_CHECK(fdt_property_string(fdt, "mmu-type", "riscv,sv57"));
        FDT_CHECK(fdt_begin_node(fdt, "interrupt-controller"));
        FDT_CHECK(fdt_property_cell(fdt, "#interrupt-cells", 1));
        FDT_CHECK(fdt_property(fdt, "interrupt-controller", NULL, 0));
        FDT_CHECK(fdt_property_string(fdt, "compatible", "riscv,cpu-intc"));
        FDT_CHECK(fdt_property_cell(fdt, "phandle", PHANDLE_CPU_INTC + i));
        FDT_CHECK(fdt_end_node(fdt));
        FDT_CHECK(fdt_end_node(fdt));
    }
    FDT_CHECK(fdt_end_node(fdt));

    FDT_CHECK(fdt_begin_node(fdt, "soc"));
    FDT_CHECK(fdt_property_cell(fdt, "#address-cells", 2));
    FDT_CHECK(fdt_property_cell(fdt, "#size-cells", 2));
    FDT_CHECK(fdt_property_string(fdt, "compatible", "simple-bus"));
    FDT_CHECK(fdt_property(fdt, "ranges", NULL, 0));

    /* CLINT: software (3) and timer (7) interrupts of each hart. */
    g_snprintf(name, sizeof(name), "clint@%llx", (unsigned long long) VIRT_CLINT_BASE);
    FDT_CHECK(fdt_begin_node(fdt, name));
    {
        static const char compat[] = "sifive,clint0\0riscv,clint0";
        FDT_CHECK(fdt_property(fdt, "compatible", compat, sizeof(compat)));
    }
    FDT_CHECK(prop_reg(fdt, VIRT_CLINT_BASE, VR_ACLINT_SIZE));
    FDT_CHECK(prop_hart_interrupts(fdt, m->n_cpus, 3, 7));
    FDT_CHECK(fdt_end_node(fdt));

    /* PLIC: an M-mode (11) and an S-mode (9) external interrupt context per hart. */
    g_snprintf(name, sizeof(name), "plic@%llx", (unsigned long long) VIRT_PLIC_BASE);
    FDT_CHECK(fdt_begin_node(fdt, name));
    {
        static const char compat[] = "sifive,plic-1.0.0\0riscv,plic0";
        FDT_CHECK(fdt_property(fdt, "compatible", compat, sizeof(compat)));
    }
    FDT_CHECK(fdt_property_cell(fdt, "#address-cells", 0));
    FDT_CHECK(fdt_property_cell(fdt, "#interrupt-cells", 1));
    FDT_CHECK(fdt_property(fdt, "interrupt-controller", NULL, 0));
    FDT_CHECK(prop_reg(fdt, VIRT_PLIC_BASE, VR_PLIC_SIZE(m->n_cpus)));
    FDT_CHECK(fdt_property_cell(fdt, "riscv,ndev", VR_PLIC_NUM_SOURCES - 1));
    FDT_CHECK(prop_hart_interrupts(fdt, m->n_cpus, 11, 9));
    FDT_CHECK(fdt_property_cell(fdt, "phandle", PHANDLE_PLIC));
    FDT_CHECK(fdt_end_node(fdt));

    g_snprintf(name, sizeof(name), "serial@%llx", (unsigned long long) VIRT_UART_BASE);
    FDT_CHECK(fdt_begin_node(fdt, name));
    FDT_CHECK(fdt_property_string(fdt, "compatible", "ns16550a"));
    FDT_CHECK(prop_reg(fdt, VIRT_UART_BASE, VR_UART16550_SIZE));
    FDT_CHECK(fdt_property_cell(fdt, "clock-frequency", 3686400));
    FDT_CHECK(fdt_property_cell(fdt, "interrupt-parent", PHANDLE_PLIC));
    FDT_CHECK(fdt_property_cell(fdt, "interrupts", VIRT_UART_IRQ));
    FDT_CHECK(fdt_end_node(fdt));

    g_snprintf(name, sizeof(name), "rtc@%llx", (unsigned long long) VIRT_RTC_BASE);
    FDT_CHECK(fdt_begin_node(fdt, name));
    FDT_CHECK(fdt_property_string(fdt, "compatible", "google,goldfish-rtc"));
    FDT_CHECK(prop_reg(fdt, VIRT_RTC_BASE, VR_GOLDFISH_RTC_SIZE));
    FDT_CHECK(fdt_property_cell(fdt, "interrupt-parent", PHANDLE_PLIC));
    FDT_CHECK(fdt_property_cell(fdt, "interrupts", VIRT_RTC_IRQ));
    FDT_CHECK(fdt_end_node(fdt));

    g_snprintf(name, sizeof(name), "test@%llx", (unsigned long long) VIRT_TEST_BASE);
    FDT_CHECK(fdt_begin_node(fdt, name));
    {
        static const char compat[] = "sifive,test1\0sifive,test0\0syscon";
        FDT_CHECK(fdt_property(fdt, "compatible", compat, sizeof(compat)));
    }
    FDT_CHECK(prop_reg(fdt, VIRT_TEST_BASE, VR_SIFIVE_TEST_SIZE));
    FDT_CHECK(fdt_property_cell(fdt, "phandle", PHANDLE_TEST));
    FDT_CHECK(fdt_end_node(fdt));

    for (unsigned i = 0; i < b->n_virtio; i++)
        FDT_CHECK(virtio_node(fdt, VIRT_VIRTIO_BASE + i * VIRT_VIRTIO_SIZE, VIRT_VIRTIO_IRQ(i)));
    /* After the others, so the guest numbers its disks and consoles as before. */
    FDT_CHECK(virtio_node(fdt, VIRT_POWER_BUTTON_BASE, VIRT_POWER_BUTTON_IRQ));
    for (unsigned k = 0; k < N_SCREEN; k++)
        if (b->screen[k])
            FDT_CHECK(virtio_node(fdt, VIRT_SCREEN_BASE(k), VIRT_SCREEN_IRQ(k)));
    if (b->m->net)
        FDT_CHECK(virtio_node(fdt, VIRT_NET_BASE, VIRT_NET_IRQ));
    if (b->m->sound)
        FDT_CHECK(virtio_node(fdt, VIRT_SOUND_BASE, VIRT_SOUND_IRQ));
    FDT_CHECK(fdt_end_node(fdt)); /* soc */

    FDT_CHECK(fdt_begin_node(fdt, "poweroff"));
    FDT_CHECK(fdt_property_string(fdt, "compatible", "syscon-poweroff"));
    FDT_CHECK(fdt_property_cell(fdt, "regmap", PHANDLE_TEST));
    FDT_CHECK(fdt_property_cell(fdt, "offset", 0));
    FDT_CHECK(fdt_property_cell(fdt, "value", 0x5555));
    FDT_CHECK(fdt_end_node(fdt));
    FDT_CHECK(fdt_begin_node(fdt, "reboot"));
    FDT_CHECK(fdt_property_string(fdt, "compatible", "syscon-reboot"));
    FDT_CHECK(fdt_property_cell(fdt, "regmap", PHANDLE_TEST));
    FDT_CHECK(fdt_property_cell(fdt, "offset", 0));
    FDT_CHECK(fdt_property_cell(fdt, "value", 0x7777));
    FDT_CHECK(fdt_end_node(fdt));

    FDT_CHECK(fdt_end_node(fdt)); /* root */
    FDT_CHECK(fdt_finish(fdt));
    return fdt;

fdt_error:
    g_free(fdt);
    g_set_error(error, G_IO_ERROR, G_IO_ERROR_FAILED, _("could not build the device tree"));
    return NULL;
}

/* ---- boot ---- */

/* --bios none --kernel FILE.elf: the ELF runs in M-mode from its entry on every hart. */
static bool boot_bare_elf(VrMachine *m, VirtBoard *b, GError **error)
{
    VrElfImage image;
    if (!vr_elf_load(m->cfg.kernel, m->as, &image, error))
        return false;
    uint64_t tohost;
    if (!b->htif->attached && vr_elf_symbol(&image, "tohost", &tohost)) {
        if (!vr_address_space_ram_ptr(m->as, tohost, 8)) {
            vr_elf_image_clear(&image);
            g_set_error(error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                        /* Translators: tohost is the name of a symbol; keep it. */
                        _("%s: its tohost symbol (0x%llx) is not in RAM"), m->cfg.kernel,
                        (unsigned long long) tohost);
            return false;
        }
        b->htif->tohost = tohost;
        if (!vr_elf_symbol(&image, "fromhost", &b->htif->fromhost))
            b->htif->fromhost = 0;
        vr_htif_attach(b->htif);
    }
    for (unsigned i = 0; i < m->n_cpus; i++) {
        VrHart *h = vr_hart_from_cpu(m->cpus[i]);
        vr_hart_reset(h, image.entry);
        vr_hart_set_x(h, 10, i);
        vr_hart_set_x(h, 11, 0);
    }
    vr_elf_image_clear(&image);
    return true;
}

static bool boot_firmware(VrMachine *m, VirtBoard *b, GError **error)
{
    const char *bios = m->cfg.bios ? m->cfg.bios : OPENSBI_DEFAULT;
    uint64_t ram_end = VIRT_RAM_BASE + b->ram_size;
    VrBootImage fw;
    if (!vr_boot_load_firmware(bios, m->as, VIRT_RAM_BASE, KERNEL_OFFSET, &fw, error)) {
        if (!m->cfg.bios && g_error_matches(*error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND))
            /* Translators: followed by why the file cannot be read; keep the ": " at the end. */
            g_prefix_error(error, _("The default firmware (Debian package opensbi) is missing: "));
        return false;
    }

    uint64_t kernel_addr = VIRT_RAM_BASE + KERNEL_OFFSET, kernel_end = kernel_addr;
    uint64_t next_addr = kernel_addr;
    /* Without a kernel of its own the machine boots through UEFI. */
    const char *kernel = m->cfg.kernel ? m->cfg.kernel : UBOOT_EFI_DEFAULT;
    b->uefi = vr_machine_config_boots_uefi(&m->cfg);
    b->firmware_menu = b->uefi && m->firmware_menu;
    m->firmware_menu = false;
    VrBootImage k;
    if (!vr_boot_load_kernel(kernel, m->as, kernel_addr, ram_end, &k, error)) {
        if (b->uefi && g_error_matches(*error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND))
            /* Translators: followed by why the file cannot be read; keep the ": " at the end. */
            g_prefix_error(error, _("Starting from a disk or a CD needs the UEFI firmware "
                                    "(Debian package u-boot-qemu), which is missing: "));
        return false;
    }
    next_addr = k.entry;
    kernel_end = k.end;

    uint64_t fdt_addr = MIN(ram_end, VIRT_RAM_BASE + (3ull << 30)) - FDT_MAX_SIZE;
    fdt_addr &= ~0xfffull;
    uint64_t initrd_start = 0, initrd_end = 0;
    if (m->cfg.initrd) {
        if (!vr_boot_load_initrd(m->cfg.initrd, m->as, kernel_end, fdt_addr, &initrd_start,
                                 &initrd_end, error))
            return false;
    }
    g_autofree void *fdt = build_fdt(b, initrd_start, initrd_end, error);
    if (!fdt)
        return false;
    if (kernel_end > fdt_addr ||
        !vr_address_space_write_ram(m->as, fdt_addr, fdt, fdt_totalsize(fdt))) {
        g_set_error(error, G_IO_ERROR, G_IO_ERROR_NO_SPACE,
                    _("%llu MiB of RAM is too little for the kernel and the device tree"),
                    (unsigned long long) (b->ram_size >> 20));
        return false;
    }

    /* fw_dynamic's information block, just below the device tree. */
    uint64_t info_addr = fdt_addr - 64;
    uint64_t info[6] = {FW_DYNAMIC_MAGIC, FW_DYNAMIC_VERSION, next_addr, FW_DYNAMIC_NEXT_MODE_S, 0,
                        (uint64_t) -1};
    vr_address_space_write_ram(m->as, info_addr, info, sizeof(info));

    for (unsigned i = 0; i < m->n_cpus; i++) {
        VrHart *h = vr_hart_from_cpu(m->cpus[i]);
        vr_hart_reset(h, fw.entry);
        vr_hart_set_x(h, 10, i);
        vr_hart_set_x(h, 11, fdt_addr);
        vr_hart_set_x(h, 12, info_addr);
    }
    return true;
}

static bool virt_boot(VrMachine *m, void *opaque, GError **error)
{
    VirtBoard *b = opaque;
    /* RAM starts out zeroed on every boot, as on a cold start. */
    uint8_t *ram = vr_address_space_ram_ptr(m->as, VIRT_RAM_BASE, b->ram_size);
    if (m->state != VR_MACHINE_CREATED)
        vr_boot_clear_ram(ram, b->ram_size);
    if (m->cfg.bios && strcmp(m->cfg.bios, "none") == 0) {
        if (!m->cfg.kernel) {
            g_set_error(error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                        /* Translators: --bios none is a command line option and stays as it is. */
                        _("no kernel given: with --bios none the kernel is what runs"));
            return false;
        }
        return boot_bare_elf(m, b, error);
    }
    return boot_firmware(m, b, error);
}

/* The devices belong to the machine, which frees them. */
static void virt_free(void *opaque)
{
    VirtBoard *b = opaque;
    g_mutex_clear(&b->input_lock);
    g_free(b);
}

static void add_virtio(VirtBoard *b, VrVirtioDevice *dev)
{
    VrMachine *m = b->m;
    unsigned i = b->n_virtio++;
    VrIrq irq = vr_plic_irq(b->plic, VIRT_VIRTIO_IRQ(i));
    b->virtio[i] = vr_virtio_mmio_new(m->as, dev, &irq, m->io);
    g_autofree char *name = g_strdup_printf("virtio-mmio%u", i);
    vr_machine_add_device(m, vr_virtio_mmio_base(b->virtio[i]), name);
    vr_address_space_add_mmio(m->as, name, VIRT_VIRTIO_BASE + i * VIRT_VIRTIO_SIZE,
                              VR_VIRTIO_MMIO_SIZE, vr_virtio_mmio_ops(), b->virtio[i]);
}

/* A device at a fixed address outside the numbered slots. */
static void add_fixed_virtio(VirtBoard *b, VrVirtioDevice *dev, uint64_t base, unsigned irq_line,
                             const char *name)
{
    VrMachine *m = b->m;
    VrIrq irq = vr_plic_irq(b->plic, irq_line);
    VrVirtioMmio *mmio = vr_virtio_mmio_new(m->as, dev, &irq, m->io);
    vr_machine_add_device(m, vr_virtio_mmio_base(mmio), name);
    vr_address_space_add_mmio(m->as, name, base, VR_VIRTIO_MMIO_SIZE, vr_virtio_mmio_ops(), mmio);
}

static void frame_ready(void *opaque)
{
    VirtBoard *b = opaque;
    vr_machine_display_updated(b->m);
}

static void add_screen(VirtBoard *b)
{
    VrMachine *m = b->m;
    VrRenderer *renderer = vr_renderer_new_best(&m->renderer_note);
    VrVirtioDevice *gpu = vr_virtio_gpu_new(renderer, VIRT_DISPLAY_WIDTH, VIRT_DISPLAY_HEIGHT,
                                            VR_VIRTIO_GPU_DEFAULT_MEMORY);
    vr_virtio_gpu_set_frame_notify(gpu, frame_ready, b);
    b->screen[SCREEN_GPU] = m->gpu = gpu;
    b->screen[SCREEN_KEYBOARD] = m->input[VR_INPUT_KEYBOARD] = vr_virtio_input_keyboard_new();
    b->screen[SCREEN_TABLET] = m->input[VR_INPUT_TABLET] = vr_virtio_input_tablet_new();
    b->screen[SCREEN_MOUSE] = m->input[VR_INPUT_MOUSE] = vr_virtio_input_mouse_new();
    b->screen[SCREEN_GAMEPAD] = m->input[VR_INPUT_GAMEPAD] = vr_virtio_input_gamepad_new();
    static const char *const names[N_SCREEN] = {"gpu", "keyboard", "tablet", "mouse", "gamepad"};
    for (unsigned k = 0; k < N_SCREEN; k++)
        add_fixed_virtio(b, b->screen[k], VIRT_SCREEN_BASE(k), VIRT_SCREEN_IRQ(k), names[k]);
}

static void guest_address_changed(void *opaque)
{
    vr_machine_post_net_changed(opaque);
}

static bool add_net(VirtBoard *b, GError **error)
{
    VrMachine *m = b->m;
    const VrMachineConfig *cfg = &m->cfg;
    uint8_t mac[6];
    if (!cfg->net_mac || !vr_net_parse_mac(cfg->net_mac, mac)) {
        /* Kept in the machine's settings, so a state file restores the same card. */
        vr_net_random_mac(mac);
        g_free(m->cfg.net_mac);
        m->cfg.net_mac = vr_net_format_mac(mac);
    }
    VrNetSlirpConfig net = {.restricted = cfg->net_restricted, .ipv6 = true};
    VrNetBackend *be = vr_net_slirp_new(&net, error);
    if (!be)
        return false;
    vr_net_slirp_set_address_fn(be, guest_address_changed, m);
    m->net = vr_virtio_net_new(mac, VR_VIRTIO_NET_DEFAULT_MTU, be);
    add_fixed_virtio(b, m->net, VIRT_NET_BASE, VIRT_NET_IRQ, "net");
    for (guint i = 0; cfg->net_forwards && i < cfg->net_forwards->len; i++) {
        VrNetForward fwd;
        if (!vr_net_forward_parse(cfg->net_forwards->pdata[i], &fwd, error) ||
            !vr_net_slirp_add_forward(be, &fwd, error))
            return false;
    }
    return true;
}

static bool add_sound(VirtBoard *b, GError **error)
{
    VrMachine *m = b->m;
    const VrMachineConfig *cfg = &m->cfg;
    unsigned latency = cfg->sound_latency_ms ? cfg->sound_latency_ms : VR_AUDIO_DEFAULT_LATENCY_MS;
    VrAudioBackend *be;
    switch (cfg->sound_backend) {
    case VR_SOUND_WAV:
        be = vr_audio_wav_new(cfg->sound_output, cfg->sound_input, latency, error);
        if (!be)
            return false;
        break;
    case VR_SOUND_NULL: be = vr_audio_null_new(latency); break;
    default:
        /* Never fails: without a server the machine is silent and the status says why. */
        be = vr_audio_pulse_new(NULL, cfg->sound_output_device, cfg->sound_input_device, latency);
        break;
    }
    m->sound = vr_virtio_snd_new(be);
    if (cfg->sound_muted)
        vr_virtio_snd_set_muted(m->sound, true);
    add_fixed_virtio(b, m->sound, VIRT_SOUND_BASE, VIRT_SOUND_IRQ, "sound");
    return true;
}

static bool change_cd(void *opaque, unsigned index, const char *path, GError **error)
{
    VirtBoard *b = opaque;
    g_assert(index < G_N_ELEMENTS(b->disks) && b->disks[index]);
    return vr_virtio_blk_change_medium(b->disks[index], path, error);
}

static const VrBoardOps virt_ops = {
    .free = virt_free,
    .boot = virt_boot,
    .console_input = console_input,
    .console_tx_ready = console_tx_ready,
    .request_shutdown = request_shutdown,
    .change_cd = change_cd,
};

static bool virt_build(VrMachine *m, GError **error)
{
    const VrMachineConfig *cfg = &m->cfg;
    if (!vr_address_space_add_ram(m->as, "ram", VIRT_RAM_BASE, cfg->memory, error))
        return false;

    VirtBoard *b = g_new0(VirtBoard, 1);
    g_mutex_init(&b->input_lock);
    b->m = m;
    b->ram_size = cfg->memory;
    m->board = b;
    m->board_ops = &virt_ops;

    unsigned n = cfg->cpus;
    g_autofree VrIrq *msip = g_new0(VrIrq, n);
    g_autofree VrTimerCmp *timers = g_new0(VrTimerCmp, n);
    g_autofree VrIrq *contexts = g_new0(VrIrq, 2 * n);
    VrAccel accel = vr_machine_hart_accel(cfg->accel);
    for (unsigned i = 0; i < n; i++) {
        VrHart *h = vr_hart_new(m->as, &m->clock, i);
        vr_hart_set_accel(h, accel);
        VrCpu *cpu = vr_hart_cpu(h);
        vr_machine_add_cpu(m, cpu);
        msip[i] = vr_cpu_irq(cpu, IRQ_MSI);
        timers[i] = vr_hart_timer_cmp(h);
        contexts[2 * i] = vr_cpu_irq(cpu, IRQ_MEI);
        contexts[2 * i + 1] = vr_cpu_irq(cpu, IRQ_SEI);
    }

    b->clint = vr_aclint_new(n, &m->clock, msip, timers);
    vr_machine_add_device(m, vr_aclint_device(b->clint), "clint");
    vr_address_space_add_mmio(m->as, "clint", VIRT_CLINT_BASE, VR_ACLINT_SIZE, vr_aclint_ops(),
                              b->clint);
    b->plic = vr_plic_new(2 * n, contexts);
    vr_machine_add_device(m, vr_plic_device(b->plic), "plic");
    vr_address_space_add_mmio(m->as, "plic", VIRT_PLIC_BASE, VR_PLIC_SIZE(n), vr_plic_ops(),
                              b->plic);
    VrIrq uart_irq = vr_plic_irq(b->plic, VIRT_UART_IRQ);
    b->uart = vr_uart16550_new(uart_tx, b, &uart_irq);
    vr_uart16550_set_rx_room(b->uart, uart_rx_room, b);
    vr_machine_add_device(m, vr_uart16550_device(b->uart), "uart0");
    vr_address_space_add_mmio(m->as, "uart0", VIRT_UART_BASE, VR_UART16550_SIZE, vr_uart16550_ops(),
                              b->uart);
    VrIrq rtc_irq = vr_plic_irq(b->plic, VIRT_RTC_IRQ);
    b->rtc = vr_goldfish_rtc_new(&rtc_irq, vr_iothread_context(m->io));
    vr_machine_add_device(m, vr_goldfish_rtc_device(b->rtc), "rtc");
    vr_address_space_add_mmio(m->as, "rtc", VIRT_RTC_BASE, VR_GOLDFISH_RTC_SIZE,
                              vr_goldfish_rtc_ops(), b->rtc);
    b->finisher = vr_sifive_test_new(finisher, b);
    vr_machine_add_device(m, vr_sifive_test_device(b->finisher), "test");
    vr_address_space_add_mmio(m->as, "test", VIRT_TEST_BASE, VR_SIFIVE_TEST_SIZE,
                              vr_sifive_test_ops(), b->finisher);
    /* The riscv-tests host interface, attached when a bare-metal program has a tohost. */
    b->htif = vr_htif_new();
    b->htif->as = m->as;
    b->htif->exit = htif_exit;
    b->htif->output = htif_output;
    b->htif->opaque = b;
    vr_machine_add_device(m, vr_htif_device(b->htif), "htif");

    /* virtio: the disks first (so the first is vda), then the entropy source and the
     * console. */
    unsigned n_disks = cfg->disks ? cfg->disks->len : 0;
    unsigned n_other = 1 + (cfg->virtio_console ? 1 : 0);
    if (n_disks + n_other > VIRT_VIRTIO_COUNT) {
        g_set_error(error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                    /* Translators: riscv64-virt is the name of the board (the machine type). */
                    g_dngettext(GETTEXT_PACKAGE,
                                "%u disk asked for; the riscv64-virt board takes at most %u",
                                "%u disks asked for; the riscv64-virt board takes at most %u",
                                n_disks),
                    n_disks, VIRT_VIRTIO_COUNT - n_other);
        return false;
    }
    for (unsigned i = 0; i < n_disks; i++) {
        const VrDiskConfig *d = &g_array_index(cfg->disks, VrDiskConfig, i);
        VrVirtioDevice *dev =
            d->cdrom ? vr_virtio_blk_new_cdrom(d->path, error)
                     : vr_virtio_blk_open(d->path, d->readonly, d->follow_symlink, error);
        if (!dev)
            return false;
        b->disks[i] = dev;
        g_autofree char *serial = g_strdup_printf("vireo-disk%u", i);
        vr_virtio_blk_set_serial(dev, serial);
        add_virtio(b, dev);
    }
    add_virtio(b, vr_virtio_rng_new());
    if (cfg->virtio_console) {
        b->vconsole = vr_virtio_console_new(vconsole_output, b);
        vr_virtio_console_set_input_ready(b->vconsole, vconsole_input_ready, b);
        add_virtio(b, b->vconsole);
    }
    b->power_button = vr_virtio_input_power_button_new();
    VrIrq button_irq = vr_plic_irq(b->plic, VIRT_POWER_BUTTON_IRQ);
    VrVirtioMmio *button = vr_virtio_mmio_new(m->as, b->power_button, &button_irq, m->io);
    vr_machine_add_device(m, vr_virtio_mmio_base(button), "power-button");
    /* State files saved before the board had a power button restore without it. */
    vr_virtio_mmio_base(button)->optional_in_state = true;
    vr_address_space_add_mmio(m->as, "power-button", VIRT_POWER_BUTTON_BASE, VR_VIRTIO_MMIO_SIZE,
                              vr_virtio_mmio_ops(), button);
    if (cfg->display)
        add_screen(b);
    if (cfg->net && !add_net(b, error))
        return false;
    if (cfg->sound && !add_sound(b, error))
        return false;
    return true;
}

const VrBoardInfo vr_board_riscv64_virt = {
    .name = "riscv64-virt",
    .arch = "riscv64",
    .description = N_("RISC-V 64 on the memory map of QEMU’s virt board, with virtio devices"),
    .min_cpus = 1,
    .max_cpus = VIRT_MAX_CPUS,
    .min_memory = 16ull << 20,
    .max_memory = 1ull << 40,
    .memory_granularity = 4096,
    .device_slots = VIRT_VIRTIO_COUNT,
    .board_slots = 1,    /* the entropy source */
    .console_slots = 1,  /* the virtio console */
    .max_cmdline = 1023, /* Linux's COMMAND_LINE_SIZE on riscv, less its NUL */
    .default_firmware = OPENSBI_DEFAULT,
    .default_uefi = UBOOT_EFI_DEFAULT,
    .build = virt_build,
};
