/* The ELF loader (engine/vr-elf.c) on arbitrary bytes, into a small RAM. */
#include "fuzz-common.h"
#include "vr-elf.h"

#define RAM_BASE 0x80000000ull
#define RAM_SIZE (2ull << 20)

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    fuzz_init_logging();
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    g_autoptr(VrAddressSpace) as = vr_address_space_new();
    if (!vr_address_space_add_ram(as, "ram", RAM_BASE, RAM_SIZE, NULL))
        abort();
    (void) vr_elf_is_elf(data, size);
    VrElfImage image = {0};
    g_autoptr(GError) error = NULL;
    if (vr_elf_load_data("fuzz.elf", data, size, as, &image, &error)) {
        uint64_t value;
        (void) vr_elf_symbol(&image, "tohost", &value);
        vr_elf_image_clear(&image);
    } else if (!error) {
        abort(); /* a refusal always says why */
    }
    return 0;
}
