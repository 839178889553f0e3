/* machine.ini as the library and `vireo run MACHINE` read it (engine/vr-machine-config.c),
 * then the validator on whatever it accepted. */
#include "fuzz-common.h"
#include "vr-machine-config.h"
#include "vr-machine.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    fuzz_init_logging();
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *path = fuzz_write_file("machine.ini", data, size);
    VrMachineConfig cfg;
    vr_machine_config_init(&cfg);
    g_autoptr(GError) error = NULL;
    if (vr_machine_config_load_file(&cfg, path, &error)) {
        g_autoptr(GError) invalid = NULL;
        if (!vr_machine_config_validate(&cfg, &invalid))
            (void) vr_config_error_get_field(invalid);
        /* What is written reads back (vr_machine_config_save_file's promise). */
        const char *saved = fuzz_write_file("saved.ini", NULL, 0);
        g_autoptr(GError) save_error = NULL;
        if (vr_machine_config_save_file(&cfg, saved, &save_error)) {
            VrMachineConfig again;
            vr_machine_config_init(&again);
            g_autoptr(GError) reload_error = NULL;
            if (!vr_machine_config_load_file(&again, saved, &reload_error))
                g_error("machine.ini written from a loaded one does not load: %s",
                        reload_error->message);
            vr_machine_config_clear(&again);
        }
    } else if (!error) {
        abort();
    }
    vr_machine_config_clear(&cfg);
    return 0;
}
