/* What `--kernel` and `--bios` accept (engine/vr-boot.c): a RISC-V Linux Image header, a
 * gzip-compressed Image, an ELF or a flat binary, from a file. The first input byte picks the
 * loader; the rest is the file. The kernel probe (vr_boot_probe_kernel) accepts whatever the
 * kernel loader boots. */
#include "fuzz-common.h"
#include "vr-boot.h"

#define RAM_BASE 0x80000000ull
#define RAM_SIZE (8ull << 20)

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    fuzz_init_logging();
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    g_autoptr(VrAddressSpace) as = vr_address_space_new();
    if (!vr_address_space_add_ram(as, "ram", RAM_BASE, RAM_SIZE, NULL))
        abort();
    const char *path = fuzz_write_file("kernel", data + 1, size - 1);
    VrBootImage image;
    g_autoptr(GError) error = NULL;
    bool ok;
    switch (data[0] % 3) {
    case 0: {
        ok =
            vr_boot_load_kernel(path, as, RAM_BASE + 0x200000, RAM_BASE + RAM_SIZE, &image, &error);
        /* What the loader boots, the probe the windows ask must accept. */
        g_autoptr(GError) probe_error = NULL;
        VrBootFileKind kind = vr_boot_probe_kernel(path, &probe_error);
        if ((ok && kind == VR_BOOT_FILE_UNUSABLE) ||
            (kind == VR_BOOT_FILE_UNUSABLE) != !!probe_error)
            abort();
        break;
    }
    case 1: ok = vr_boot_load_firmware(path, as, RAM_BASE, 0x200000, &image, &error); break;
    default: {
        uint64_t start, end;
        ok = vr_boot_load_initrd(path, as, RAM_BASE + 0x400000, RAM_BASE + RAM_SIZE, &start, &end,
                                 &error);
        break;
    }
    }
    if (!ok && !error)
        abort();
    return 0;
}
