/* vireo create: a new machine folder in the library; vireo list: the machines there. */
#include <glib/gi18n.h>
#include <stdio.h>
#include <string.h>

#include "vireo-cli.h"
#include "vireo-config.h"
#include "vr-boot.h"
#include "vr-library.h"
#include "vr-machine-config.h"
#include "virtio/virtio-net.h"

static char *absolute(const char *path)
{
    return path ? g_canonicalize_filename(path, NULL) : NULL;
}

int vireo_cmd_create(int argc, char **argv)
{
    g_autofree char *name = NULL, *arch = NULL, *memory = NULL, *bios = NULL, *kernel = NULL;
    g_autofree char *initrd = NULL, *append = NULL, *console = NULL, *disk_size = NULL;
    g_autofree char *iso = NULL, *display = NULL, *net = NULL, *sound = NULL, *accel = NULL;
    g_auto(GStrv) disks = NULL;
    g_auto(GStrv) cdroms = NULL;
    int cpus = 1;
    gboolean replace = FALSE;
    GOptionEntry entries[] = {
        {"name", 0, 0, G_OPTION_ARG_STRING, &name, N_("The machine's name (required)"), N_("NAME")},
        {"arch", 0, 0, G_OPTION_ARG_STRING, &arch, N_("Guest architecture (riscv64)"), "ARCH"},
        {"cpus", 0, 0, G_OPTION_ARG_INT, &cpus, N_("Number of virtual CPUs (default 1)"), "N"},
        {"memory", 0, 0, G_OPTION_ARG_STRING, &memory,
         N_("Guest RAM, e.g. 512M or 2G (default 512M)"), N_("SIZE")},
        {"bios", 0, 0, G_OPTION_ARG_FILENAME, &bios,
         /* Translators: keep 'default' and 'none', the values the option takes. */
         N_("Firmware: 'default' (Debian's OpenSBI), 'none' (the kernel runs in M-mode) or a file"),
         N_("PATH")},
        {"kernel", 0, 0, G_OPTION_ARG_FILENAME, &kernel,
         N_("Kernel (a Linux Image, U-Boot, an ELF)"), N_("PATH")},
        {"initrd", 0, 0, G_OPTION_ARG_FILENAME, &initrd, N_("Initial ramdisk"), N_("PATH")},
        {"append", 0, 0, G_OPTION_ARG_STRING, &append, N_("Kernel command line"), N_("STRING")},
        {"disk", 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &disks,
         N_("An existing raw disk image, used where it is (repeatable)"), N_("PATH[,readonly]")},
        {"iso", 0, 0, G_OPTION_ARG_FILENAME, &iso,
         N_("An installer ISO: in a CD drive that ejects it when the installer restarts the "
            "machine (with --disk-size, the new disk to install to comes first)"),
         N_("PATH")},
        {"cdrom", 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &cdroms,
         /* Translators: keep '' (an empty argument). */
         N_("An ISO image in a CD drive, never written; its disc can be changed while the machine "
            "runs (repeatable; '' for an empty drive)"),
         N_("FILE")},
        {"disk-size", 0, 0, G_OPTION_ARG_STRING, &disk_size,
         N_("Create a new empty disk of this size in the machine's folder, e.g. 16G"), N_("SIZE")},
        {"console", 0, 0, G_OPTION_ARG_STRING, &console,
         /* Translators: keep serial and virtio, the values the option takes. */
         N_("The console device: serial (default) or virtio"), "serial|virtio"},
        {"display", 0, 0, G_OPTION_ARG_STRING, &display,
         /* Translators: keep gpu and none, the values the option takes. */
         N_("A screen with keyboard and mouse (gpu: virtio-gpu and virtio-input) or none "
            "(default)"),
         "gpu|none"},
        {"net", 0, 0, G_OPTION_ARG_STRING, &net,
         /* Translators: keep user and none, the values the option takes. */
         N_("The network: user (default: the guest reaches the host's network through NAT, with a "
            "new MAC address of its own; options as for vireo run --net) or none"),
         "user|none"},
        {"sound", 0, 0, G_OPTION_ARG_STRING, &sound,
         /* Translators: keep pulse, null, wav and none, the values the option takes. */
         N_("The sound card: pulse (default: the host's sound server), null, "
            "wav:out=FILE[,in=FILE] "
            "or none"),
         "pulse|null|wav:…|none"},
        {"accel", 0, 0, G_OPTION_ARG_STRING, &accel,
         /* Translators: keep interp and jit, the values the option takes. */
         N_("How guest code runs: interp (the interpreter) or jit (compiled to host code; x86-64 "
            "only); left out, the machine follows the default (jit where the host has it)"),
         "interp|jit"},
        {"replace", 0, 0, G_OPTION_ARG_NONE, &replace,
         N_("Replace a machine of the same name (its folder is removed first)"), NULL},
        {NULL},
    };
    /* Translators: the summary of "vireo create --help". */
    g_autoptr(GOptionContext) ctx = g_option_context_new(N_("- create a machine in the library"));
    g_option_context_set_translation_domain(ctx, GETTEXT_PACKAGE);
    g_autofree char *dir = vr_machines_dir();
    g_autofree char *description = g_strdup_printf(
        /* Translators: %s is the folder of the machine library; NAME as for --name. */
        _("The machine's folder is NAME.vireo in %s; the folder's path is printed.\n"), dir);
    g_option_context_set_description(ctx, description);
    g_option_context_add_main_entries(ctx, entries, NULL);
    g_autoptr(GError) error = NULL;
    g_set_prgname("vireo create"); /* what --help names in its usage line */
    if (!g_option_context_parse(ctx, &argc, &argv, &error)) {
        vireo_cli_error("create", "%s", error->message);
        return VIREO_EXIT_USAGE;
    }
    if (argc > 1) {
        vireo_cli_error("create", _("unexpected argument '%s'"), argv[1]);
        return VIREO_EXIT_USAGE;
    }
    if (!name) {
        vireo_cli_error("create", _("--name is required"));
        return VIREO_EXIT_USAGE;
    }

    VrMachineConfig cfg;
    vr_machine_config_init(&cfg);
    int status = VIREO_EXIT_USAGE;
    uint64_t new_disk = 0;
    g_autofree char *folder = NULL;
    cfg.name = g_strdup(name);
    if (arch) {
        g_free(cfg.arch);
        cfg.arch = g_strdup(arch);
    }
    if (cpus < 1) {
        vireo_cli_error("create", _("--cpus: %d is not a number of CPUs"), cpus);
        goto out;
    }
    cfg.cpus = (unsigned) cpus;
    if (memory && !vr_parse_size(memory, &cfg.memory, &error)) {
        vireo_cli_error("create", "--memory: %s", error->message);
        goto out;
    }
    if (disk_size && !vr_parse_size(disk_size, &new_disk, &error)) {
        vireo_cli_error("create", "--disk-size: %s", error->message);
        goto out;
    }
    if (bios && strcmp(bios, "default") != 0)
        cfg.bios = strcmp(bios, "none") == 0 ? g_strdup("none") : absolute(bios);
    cfg.kernel = absolute(kernel);
    cfg.initrd = absolute(initrd);
    cfg.append = g_strdup(append);
    if (console && !vr_parse_console(console, &cfg.virtio_console)) {
        /* Translators: keep serial and virtio, the values the option takes. */
        vireo_cli_error("create", _("--console: '%s' is not serial or virtio"), console);
        goto out;
    }
    if (display && !vr_parse_display(display, &cfg.display)) {
        /* Translators: keep gpu and none, the values the option takes. */
        vireo_cli_error("create", _("--display: '%s' is not gpu or none"), display);
        goto out;
    }
    if (accel && !vr_parse_accel(accel, &cfg.accel)) {
        /* Translators: keep interp and jit, the values the option takes. */
        vireo_cli_error("create", _("--accel: '%s' is not interp or jit"), accel);
        goto out;
    }
    if (!vr_parse_net_option(&cfg, net ? net : "user", &error)) {
        vireo_cli_error("create", "--net: %s", error->message);
        goto out;
    }
    if (!vr_parse_sound_option(&cfg, sound ? sound : "pulse", &error)) {
        vireo_cli_error("create", "--sound: %s", error->message);
        goto out;
    }
    /* The machine keeps its address from start to start, as a real card does. */
    if (cfg.net && !cfg.net_mac)
        cfg.net_mac = vr_net_new_mac();
    for (unsigned i = 0; disks && disks[i]; i++) {
        g_autofree char *path = g_strdup(disks[i]);
        bool readonly = false;
        char *comma = strrchr(path, ',');
        if (comma && strcmp(comma, ",readonly") == 0) {
            *comma = '\0';
            readonly = true;
        }
        g_autofree char *abs = absolute(path);
        vr_machine_config_add_disk(&cfg, abs, readonly);
    }
    if (iso) {
        g_autofree char *abs = absolute(iso);
        vr_machine_config_add_cdrom(&cfg, abs);
        g_array_index(cfg.disks, VrDiskConfig, cfg.disks->len - 1).eject_on_reboot = true;
    }
    for (unsigned i = 0; cdroms && cdroms[i]; i++) {
        g_autofree char *abs = *cdroms[i] ? absolute(cdroms[i]) : NULL;
        vr_machine_config_add_cdrom(&cfg, abs);
    }
    if (!vr_library_check_name(name, &error) || !vr_machine_config_validate(&cfg, &error) ||
        !vr_library_check_files(&cfg, &error)) {
        vireo_cli_error("create", "%s", error->message);
        goto out;
    }
    /* The kernel as the loader will see it: U-Boot and Image.gz are taken, a text file is not. */
    if (cfg.kernel && vr_boot_probe_kernel(cfg.kernel, &error) == VR_BOOT_FILE_UNUSABLE) {
        vireo_cli_error("create", "--kernel: %s", error->message);
        goto out;
    }
    if (replace && vr_library_name_taken(dir, name)) {
        g_autofree char *old = vr_library_folder_for(dir, name);
        g_autofree char *staged = vr_library_trash(old, &error);
        if (!staged || !vr_library_purge(staged, &error)) {
            vireo_cli_error("create", "%s", error->message);
            status = VIREO_EXIT_FAILED;
            goto out;
        }
    }
    folder = vr_library_create(dir, &cfg, new_disk, &error);
    if (!folder) {
        vireo_cli_error("create", "%s", error->message);
        status = g_error_matches(error, G_IO_ERROR, G_IO_ERROR_EXISTS) ? VIREO_EXIT_USAGE
                                                                       : VIREO_EXIT_FAILED;
        goto out;
    }
    {
        g_autofree char *shown = vireo_cli_escape(folder);
        printf("%s\n", shown);
    }
    status = VIREO_EXIT_OK;
out:
    vr_machine_config_clear(&cfg);
    return status;
}

int vireo_cmd_list(int argc, char **argv)
{
    gboolean paths = FALSE;
    GOptionEntry entries[] = {
        {"paths", 0, 0, G_OPTION_ARG_NONE, &paths, N_("Print each machine's folder too"), NULL},
        {NULL},
    };
    /* Translators: the summary of "vireo list --help". */
    g_autoptr(GOptionContext) ctx = g_option_context_new(N_("- list the machines in the library"));
    g_option_context_set_translation_domain(ctx, GETTEXT_PACKAGE);
    g_option_context_add_main_entries(ctx, entries, NULL);
    g_autoptr(GError) error = NULL;
    g_set_prgname("vireo list"); /* what --help names in its usage line */
    if (!g_option_context_parse(ctx, &argc, &argv, &error)) {
        vireo_cli_error("list", "%s", error->message);
        return VIREO_EXIT_USAGE;
    }
    if (argc > 1) {
        vireo_cli_error("list", _("unexpected argument '%s'"), argv[1]);
        return VIREO_EXIT_USAGE;
    }
    g_autofree char *dir = vr_machines_dir();
    g_autoptr(GPtrArray) entries_list = vr_library_list(dir, &error);
    if (!entries_list) {
        vireo_cli_error("list", "%s", error->message);
        return VIREO_EXIT_FAILED;
    }
    if (entries_list->len == 0) {
        /* Translators: %s is the folder of the machine library; keep 'vireo create'. */
        g_autofree char *shown = vireo_cli_escape(dir);
        fprintf(stderr, _("No machines in %s (create one with 'vireo create' or in the app).\n"),
                shown);
        return VIREO_EXIT_OK;
    }
    /* Translators: the column headings of "vireo list", 24, 8, 4 and 8 characters wide. */
    printf("%-24s %-8s %4s %8s  %s\n", C_("vireo list", "NAME"), C_("vireo list", "ARCH"),
           C_("vireo list", "CPUS"), C_("vireo list", "MEMORY"), C_("vireo list", "STATUS"));
    for (guint i = 0; i < entries_list->len; i++) {
        const VrLibraryEntry *e = g_ptr_array_index(entries_list, i);
        g_autofree char *mem = vr_format_size(e->cfg.memory);
        /* Translators: the status of a machine that can start, in "vireo list". */
        const char *status = C_("vireo list", "ready");
        if (e->problem)
            status = e->problem_message;
        else if (e->saved_state)
            /* Translators: in "vireo list", a machine whose state was saved: its next start
             * resumes it. */
            status = C_("vireo list", "saved");
        g_autofree char *id = vireo_cli_escape(e->id);
        g_autofree char *arch = vireo_cli_escape(e->cfg.arch ? e->cfg.arch : "?");
        g_autofree char *shown_status = vireo_cli_escape(status);
        printf("%-24s %-8s %4u %8s  %s\n", id, arch, e->cfg.cpus, mem, shown_status);
        if (paths) {
            g_autofree char *folder = vireo_cli_escape(e->folder);
            printf("    %s\n", folder);
        }
    }
    return VIREO_EXIT_OK;
}
