/* What an install image boots on (engine/vr-iso.c): the El Torito boot catalog and the EFI
 * loaders in /EFI/BOOT of an ISO 9660 image in a file. */
#include "fuzz-common.h"
#include "vr-iso.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    fuzz_init_logging();
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *path = fuzz_write_file("image.iso", data, size);
    VrIsoBoot boot;
    g_autoptr(GError) error = NULL;
    if (vr_iso_read_boot(path, &boot, &error))
        (void) vr_iso_boot_arch(&boot);
    else if (!error)
        abort(); /* a refusal always says why */
    return 0;
}
