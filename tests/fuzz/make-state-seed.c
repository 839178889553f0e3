/* Writes a small machine state file for the state fuzzer's seed corpus: a one-hart machine
 * running a bare-metal ELF (corpus/elf/minimal) for a moment, saved as the monitor's
 * `savevm` saves it.
 *
 *   make-state-seed KERNEL.elf OUT.vstate */
#include <stdio.h>

#include "vr-machine.h"

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: %s KERNEL.elf OUT.vstate\n", argv[0]);
        return 2;
    }
    VrMachineConfig cfg;
    vr_machine_config_init(&cfg);
    cfg.name = g_strdup("seed");
    cfg.arch = g_strdup("riscv64");
    cfg.cpus = 1;
    cfg.memory = 16ull << 20;
    cfg.bios = g_strdup("none");
    cfg.kernel = g_strdup(argv[1]);
    g_autoptr(GError) error = NULL;
    g_autoptr(VrMachine) m = vr_machine_new(&cfg, &error);
    vr_machine_config_clear(&cfg);
    if (!m || !vr_machine_start(m, &error)) {
        fprintf(stderr, "%s\n", error->message);
        return 1;
    }
    g_usleep(20000);
    vr_machine_pause(m);
    if (!vr_machine_save_state(m, argv[2], &error)) {
        fprintf(stderr, "%s\n", error->message);
        return 1;
    }
    return 0;
}
