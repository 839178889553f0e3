/* vireo run: a machine on this terminal, its serial console on standard output. */
#include <glib.h>
#include <stdio.h>
#include <unistd.h>

#include "vireo-cli.h"
#include "vr-machine.h"

static void console_to_stdout(void *opaque, const uint8_t *data, size_t len)
{
    fwrite(data, 1, len, stdout);
    fflush(stdout);
}

int vireo_cmd_run(int argc, char **argv)
{
    g_autofree char *arch = NULL, *memory = NULL, *bios = NULL, *kernel = NULL;
    g_autofree char *initrd = NULL, *append = NULL;
    int cpus = 1;
    double timeout = 0;
    GOptionEntry entries[] = {
        {"arch", 0, 0, G_OPTION_ARG_STRING, &arch, "Guest architecture (riscv64)", "ARCH"},
        {"cpus", 0, 0, G_OPTION_ARG_INT, &cpus, "Number of virtual CPUs (default 1)", "N"},
        {"memory", 0, 0, G_OPTION_ARG_STRING, &memory, "Guest RAM, e.g. 512M or 2G", "SIZE"},
        {"bios", 0, 0, G_OPTION_ARG_FILENAME, &bios,
         "Firmware, or 'none' to start the kernel in M-mode", "PATH"},
        {"kernel", 0, 0, G_OPTION_ARG_FILENAME, &kernel, "Kernel or bare-metal ELF", "PATH"},
        {"initrd", 0, 0, G_OPTION_ARG_FILENAME, &initrd, "Initial ramdisk", "PATH"},
        {"append", 0, 0, G_OPTION_ARG_STRING, &append, "Kernel command line", "STRING"},
        {"timeout", 0, 0, G_OPTION_ARG_DOUBLE, &timeout,
         "Stop after this many seconds (exit status 124)", "SECONDS"},
        {NULL},
    };
    g_autoptr(GOptionContext) ctx = g_option_context_new("- run a virtual machine");
    g_option_context_add_main_entries(ctx, entries, NULL);
    g_autoptr(GError) error = NULL;
    if (!g_option_context_parse(ctx, &argc, &argv, &error)) {
        fprintf(stderr, "vireo run: %s\n", error->message);
        return VIREO_EXIT_USAGE;
    }
    if (argc > 1) {
        fprintf(stderr, "vireo run: unexpected argument '%s'\n", argv[1]);
        return VIREO_EXIT_USAGE;
    }
    if (timeout < 0) {
        fprintf(stderr, "vireo run: --timeout must not be negative\n");
        return VIREO_EXIT_USAGE;
    }

    VrMachineConfig cfg;
    vr_machine_config_init(&cfg);
    if (arch) {
        g_free(cfg.arch);
        cfg.arch = g_strdup(arch);
    }
    if (cpus < 1) {
        fprintf(stderr, "vireo run: --cpus must be at least 1\n");
        vr_machine_config_clear(&cfg);
        return VIREO_EXIT_USAGE;
    }
    cfg.cpus = (unsigned) cpus;
    if (memory && !vr_parse_size(memory, &cfg.memory, &error)) {
        fprintf(stderr, "vireo run: --memory: %s\n", error->message);
        vr_machine_config_clear(&cfg);
        return VIREO_EXIT_USAGE;
    }
    cfg.bios = g_strdup(bios);
    cfg.kernel = g_strdup(kernel);
    cfg.initrd = g_strdup(initrd);
    cfg.append = g_strdup(append);

    g_autoptr(VrMachine) m = vr_machine_new(&cfg, &error);
    vr_machine_config_clear(&cfg);
    if (!m) {
        fprintf(stderr, "vireo run: %s\n", error->message);
        return VIREO_EXIT_USAGE;
    }
    vr_machine_set_console(m, console_to_stdout, NULL);
    if (!vr_machine_start(m, &error)) {
        fprintf(stderr, "vireo run: %s\n", error->message);
        return VIREO_EXIT_USAGE;
    }

    VrMachineResult result;
    int64_t limit = timeout > 0 ? (int64_t) (timeout * G_USEC_PER_SEC) : -1;
    if (!vr_machine_wait(m, limit, &result)) {
        vr_machine_power_off(m);
        fflush(stdout);
        fprintf(stderr, "vireo run: timed out after %g seconds\n", timeout);
        return VIREO_EXIT_TIMEOUT;
    }
    fflush(stdout);
    switch (result.end) {
    case VR_END_FAILED:
        fprintf(stderr, "vireo run: the guest reported failure: test %u failed\n", result.code);
        return VIREO_EXIT_FAILED;
    default: return VIREO_EXIT_OK;
    }
}
