/* vireo: the command line entry point. */
#include <glib.h>
#include <stdio.h>
#include <string.h>

#include "vireo-cli.h"
#include "vireo-config.h"

static void usage(FILE *out)
{
    fprintf(out, "Usage: vireo COMMAND [OPTIONS]\n"
                 "\n"
                 "Commands:\n"
                 "  run       run a virtual machine on this terminal\n"
                 "  version   print Vireo's version\n"
                 "\n"
                 "'vireo COMMAND --help' describes a command's options.\n");
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return VIREO_EXIT_USAGE;
    }
    const char *cmd = argv[1];
    if (strcmp(cmd, "run") == 0)
        return vireo_cmd_run(argc - 1, argv + 1);
    if (strcmp(cmd, "version") == 0 || strcmp(cmd, "--version") == 0) {
        printf("vireo %s\n", VIREO_VERSION);
        return VIREO_EXIT_OK;
    }
    if (strcmp(cmd, "help") == 0 || strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0) {
        usage(stdout);
        return VIREO_EXIT_OK;
    }
    fprintf(stderr, "vireo: unknown command '%s'\n", cmd);
    usage(stderr);
    return VIREO_EXIT_USAGE;
}
