/* The board registry and the one validator: every limit a board states is refused with the
 * code and field that name it, by vr_machine_config_validate(), vr_machine_new() and the
 * command line alike; machine.ini's [machine] board key. */
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "vr-board.h"
#include "vr-machine-config.h"
#include "vr-machine.h"

static char *tmp_root;

static const VrBoardInfo *virt(void)
{
    const VrBoardInfo *board = vr_board_find("riscv64-virt");
    g_assert_nonnull(board);
    return board;
}

/* A machine the board takes: the default firmware, no kernel needed to validate. */
static void good_config(VrMachineConfig *cfg)
{
    vr_machine_config_init(cfg);
    cfg->memory = 64ull << 20;
}

static void test_registry(void)
{
    const VrBoardInfo *board = virt();
    g_assert_cmpstr(board->name, ==, "riscv64-virt");
    g_assert_cmpstr(board->arch, ==, "riscv64");
    g_assert_true(vr_board_default_for_arch("riscv64") == board);
    g_assert_nonnull(board->build);
    g_assert_cmpstr(board->default_firmware, ==,
                    "/usr/lib/riscv64-linux-gnu/opensbi/generic/fw_dynamic.bin");
    g_assert_cmpstr(vr_board_description(board), !=, "");

    /* What the board states: QEMU virt's 8 harts, 8 virtio-mmio slots (one the entropy
     * source's), Linux's 1024-byte command line buffer. */
    g_assert_cmpuint(board->min_cpus, ==, 1);
    g_assert_cmpuint(board->max_cpus, ==, 8);
    g_assert_cmpuint(board->min_memory, ==, 16ull << 20);
    g_assert_cmpuint(board->max_memory, ==, 1ull << 40);
    g_assert_cmpuint(board->memory_granularity, ==, 4096);
    g_assert_cmpuint(board->device_slots, ==, 8);
    g_assert_cmpuint(vr_board_max_disks(board, false), ==, 7);
    g_assert_cmpuint(vr_board_max_disks(board, true), ==, 6);
    g_assert_cmpuint(board->max_cmdline, ==, 1023);

    bool listed = false;
    for (const VrBoardInfo *const *b = vr_board_list(); *b; b++)
        listed = listed || *b == board;
    g_assert_true(listed);
    g_assert_true(g_strv_contains(vr_board_archs(), "riscv64"));

    g_assert_null(vr_board_find("pdp11-unibus"));
    g_assert_null(vr_board_find(NULL));
    g_assert_null(vr_board_default_for_arch("sparc"));
    g_assert_null(vr_board_default_for_arch(NULL));
}

static void test_board_for_config(void)
{
    VrMachineConfig cfg;
    good_config(&cfg);
    g_autoptr(GError) error = NULL;
    g_assert_true(vr_board_for_config(&cfg, &error) == virt());
    g_assert_no_error(error);

    cfg.board = g_strdup("riscv64-virt");
    g_assert_true(vr_board_for_config(&cfg, &error) == virt());
    /* The board alone says the architecture. */
    g_clear_pointer(&cfg.arch, g_free);
    g_assert_true(vr_board_for_config(&cfg, &error) == virt());
    g_assert_no_error(error);

    /* An unknown board, a board of another architecture, an unknown architecture. */
    g_free(cfg.board);
    cfg.board = g_strdup("pdp11-unibus");
    g_assert_null(vr_board_for_config(&cfg, &error));
    g_assert_error(error, VR_CONFIG_ERROR, VR_CONFIG_ERROR_BOARD);
    g_assert_nonnull(strstr(error->message, "pdp11-unibus"));
    g_assert_nonnull(strstr(error->message, "riscv64-virt"));
    g_clear_error(&error);

    g_free(cfg.board);
    cfg.board = g_strdup("riscv64-virt");
    cfg.arch = g_strdup("x86_64");
    g_assert_false(vr_machine_config_validate(&cfg, &error));
    g_assert_error(error, VR_CONFIG_ERROR, VR_CONFIG_ERROR_BOARD);
    g_assert_nonnull(strstr(error->message, "x86_64"));
    g_clear_error(&error);

    g_clear_pointer(&cfg.board, g_free);
    g_free(cfg.arch);
    cfg.arch = g_strdup("sparc");
    g_assert_false(vr_machine_config_validate(&cfg, &error));
    g_assert_error(error, VR_CONFIG_ERROR, VR_CONFIG_ERROR_ARCH);
    g_assert_nonnull(strstr(error->message, "architecture 'sparc' is not supported"));
    g_assert_nonnull(strstr(error->message, "riscv64"));
    g_assert_cmpstr(vr_config_error_get_field(error), ==, "arch");
    g_clear_error(&error);
    vr_machine_config_clear(&cfg);
}

static void test_error_fields(void)
{
    static const struct {
        VrConfigError code;
        const char *field;
    } fields[] = {
        {VR_CONFIG_ERROR_ARCH, "arch"},         {VR_CONFIG_ERROR_BOARD, "board"},
        {VR_CONFIG_ERROR_CPUS, "cpus"},         {VR_CONFIG_ERROR_MEMORY, "memory"},
        {VR_CONFIG_ERROR_DISKS, "disks"},       {VR_CONFIG_ERROR_CMDLINE, "cmdline"},
        {VR_CONFIG_ERROR_FIRMWARE, "firmware"}, {VR_CONFIG_ERROR_KERNEL, "kernel"},
        {VR_CONFIG_ERROR_ACCEL, "accel"},
    };
    for (unsigned i = 0; i < G_N_ELEMENTS(fields); i++)
        g_assert_cmpstr(vr_config_error_field(fields[i].code), ==, fields[i].field);
    g_assert_null(vr_config_error_field(-1));
    g_assert_null(vr_config_error_field(1000));
    g_autoptr(GError) other = g_error_new_literal(G_IO_ERROR, VR_CONFIG_ERROR_CPUS, "not ours");
    g_assert_null(vr_config_error_get_field(other));
}

typedef enum {
    CPUS_NONE,
    CPUS_ONE_TOO_MANY,
    MEMORY_BELOW_MIN,
    MEMORY_ABOVE_MAX,
    MEMORY_NOT_PAGES,
    DISKS_TOO_MANY,
    DISKS_TOO_MANY_WITH_CONSOLE,
    CMDLINE_TOO_LONG,
    CMDLINE_NEWLINE,
    FIRMWARE_EMPTY,
    KERNEL_NONE,
    N_CASES,
} Case;

static const struct {
    const char *what;
    VrConfigError code;
    const char *field;
    const char *message;
} cases[N_CASES] = {
    [CPUS_NONE] = {"0 CPUs", VR_CONFIG_ERROR_CPUS, "cpus", "0 CPUs asked for"},
    [CPUS_ONE_TOO_MANY] = {"9 CPUs", VR_CONFIG_ERROR_CPUS, "cpus",
                           "9 CPUs asked for; the riscv64-virt board has 1 to 8"},
    [MEMORY_BELOW_MIN] = {"memory 16 MiB - 4 KiB", VR_CONFIG_ERROR_MEMORY, "memory",
                          "16 MiB to 1 TiB"},
    /* More than the host has, too: said as that. */
    [MEMORY_ABOVE_MAX] = {"memory 1 TiB + 4 KiB", VR_CONFIG_ERROR_MEMORY, "memory", "memory"},
    [MEMORY_NOT_PAGES] = {"memory 64 MiB + 512", VR_CONFIG_ERROR_MEMORY, "memory",
                          "whole pages of 4 KiB"},
    [DISKS_TOO_MANY] = {"8 disks", VR_CONFIG_ERROR_DISKS, "disks",
                        "8 disks asked for; the riscv64-virt board takes at most 7"},
    [DISKS_TOO_MANY_WITH_CONSOLE] = {"7 disks and a virtio console", VR_CONFIG_ERROR_DISKS, "disks",
                                     "7 disks asked for; the riscv64-virt board takes "
                                     "at most 6"},
    [CMDLINE_TOO_LONG] = {"1024-byte command line", VR_CONFIG_ERROR_CMDLINE, "cmdline",
                          "1024 bytes long"},
    [CMDLINE_NEWLINE] = {"command line with a newline", VR_CONFIG_ERROR_CMDLINE, "cmdline",
                         "control character"},
    [FIRMWARE_EMPTY] = {"empty firmware path", VR_CONFIG_ERROR_FIRMWARE, "firmware", "empty path"},
    [KERNEL_NONE] = {"no firmware, no kernel", VR_CONFIG_ERROR_KERNEL, "kernel", "no kernel"},
};

/* cfg as case c breaks it; with edge, the largest (or smallest) value the board still takes
 * instead. */
static void make_case(VrMachineConfig *cfg, Case c, bool edge, const char *disk)
{
    const VrBoardInfo *board = virt();
    good_config(cfg);
    switch (c) {
    case CPUS_NONE: cfg->cpus = edge ? board->min_cpus : board->min_cpus - 1; break;
    case CPUS_ONE_TOO_MANY: cfg->cpus = board->max_cpus + (edge ? 0 : 1); break;
    case MEMORY_BELOW_MIN:
        cfg->memory = board->min_memory - (edge ? 0 : board->memory_granularity);
        break;
    case MEMORY_ABOVE_MAX:
        /* The largest is more than this host has, so its edge is not checked here. */
        cfg->memory = board->max_memory + board->memory_granularity;
        break;
    case MEMORY_NOT_PAGES:
        cfg->memory = (64ull << 20) + (edge ? board->memory_granularity : 512);
        break;
    case DISKS_TOO_MANY:
    case DISKS_TOO_MANY_WITH_CONSOLE:
        cfg->virtio_console = c == DISKS_TOO_MANY_WITH_CONSOLE;
        for (unsigned i = 0; i < vr_board_max_disks(board, cfg->virtio_console) + (edge ? 0 : 1);
             i++)
            vr_machine_config_add_disk(cfg, disk, true);
        break;
    case CMDLINE_TOO_LONG:
        cfg->append = g_strnfill(board->max_cmdline + (edge ? 0 : 1), 'x');
        break;
    case CMDLINE_NEWLINE:
        cfg->append = g_strdup(edge ? "console=ttyS0 quiet" : "console=ttyS0\nrm -rf /");
        break;
    case FIRMWARE_EMPTY: cfg->bios = g_strdup(edge ? "none" : ""); break;
    case KERNEL_NONE:
        cfg->bios = g_strdup("none");
        cfg->kernel = edge ? g_strdup("/bin/true") : NULL;
        break;
    case N_CASES: g_assert_not_reached();
    }
    if (c == FIRMWARE_EMPTY && edge)
        cfg->kernel = g_strdup("/bin/true");
}

static void test_limits(void)
{
    g_autofree char *disk = g_build_filename(tmp_root, "disk.img", NULL);
    g_assert_true(g_file_set_contents(disk, "", 0, NULL));
    for (Case c = 0; c < N_CASES; c++) {
        g_test_message("%s", cases[c].what);
        VrMachineConfig cfg;
        make_case(&cfg, c, false, disk);
        g_autoptr(GError) error = NULL;
        g_assert_false(vr_machine_config_validate(&cfg, &error));
        g_test_message("  %s", error->message);
        g_assert_error(error, VR_CONFIG_ERROR, (gint) cases[c].code);
        g_assert_cmpstr(vr_config_error_get_field(error), ==, cases[c].field);
        g_assert_nonnull(strstr(error->message, cases[c].message));
        g_clear_error(&error);

        /* vr_machine_new asks the same validator before it builds anything. */
        g_assert_null(vr_machine_new(&cfg, &error));
        g_assert_error(error, VR_CONFIG_ERROR, (gint) cases[c].code);
        g_clear_error(&error);
        vr_machine_config_clear(&cfg);

        if (c == MEMORY_ABOVE_MAX)
            continue;
        make_case(&cfg, c, true, disk);
        if (!vr_machine_config_validate(&cfg, &error))
            g_error("%s, at the board's limit, refused: %s", cases[c].what, error->message);
        vr_machine_config_clear(&cfg);
    }
}

static void test_host_memory(void)
{
    long pages = sysconf(_SC_PHYS_PAGES), page_size = sysconf(_SC_PAGESIZE);
    guint64 host = (guint64) pages * (guint64) page_size;
    if (host + (4u << 20) > virt()->max_memory) {
        g_test_skip("this host has as much memory as the board takes");
        return;
    }
    VrMachineConfig cfg;
    good_config(&cfg);
    cfg.memory = (host & ~(guint64) 0xfffff) + (4u << 20);
    g_autoptr(GError) error = NULL;
    g_assert_false(vr_machine_config_validate(&cfg, &error));
    g_assert_error(error, VR_CONFIG_ERROR, VR_CONFIG_ERROR_MEMORY);
    g_assert_nonnull(strstr(error->message, "this host has only"));
    vr_machine_config_clear(&cfg);
}

/* ---- machine.ini ---- */

static char *write_ini(const char *name, const char *contents)
{
    g_autofree char *dir = g_build_filename(tmp_root, name, NULL);
    g_assert_cmpint(g_mkdir_with_parents(dir, 0755), ==, 0);
    char *ini = g_build_filename(dir, "machine.ini", NULL);
    g_assert_true(g_file_set_contents(ini, contents, -1, NULL));
    return ini;
}

static void test_ini_board(void)
{
    g_autofree char *ini = write_ini("Named", "[machine]\nname=Named\nboard=riscv64-virt\n");
    VrMachineConfig cfg;
    vr_machine_config_init(&cfg);
    g_autoptr(GError) error = NULL;
    g_assert_true(vr_machine_config_load_file(&cfg, ini, &error));
    g_assert_no_error(error);
    g_assert_cmpstr(cfg.board, ==, "riscv64-virt");

    /* Written back, read again, copied. */
    g_assert_true(vr_machine_config_save_file(&cfg, ini, &error));
    g_autofree char *text = NULL;
    g_assert_true(g_file_get_contents(ini, &text, NULL, NULL));
    g_assert_nonnull(strstr(text, "board=riscv64-virt"));
    VrMachineConfig back;
    vr_machine_config_init(&back);
    g_assert_true(vr_machine_config_load_file(&back, ini, &error));
    g_assert_cmpstr(back.board, ==, "riscv64-virt");
    VrMachineConfig copy;
    vr_machine_config_copy(&copy, &back);
    g_assert_cmpstr(copy.board, ==, "riscv64-virt");
    g_assert_true(copy.board != back.board);
    vr_machine_config_clear(&copy);
    vr_machine_config_clear(&back);

    /* No board: none written (the architecture's default), and one there before goes. */
    g_clear_pointer(&cfg.board, g_free);
    g_assert_true(vr_machine_config_save_file(&cfg, ini, &error));
    g_clear_pointer(&text, g_free);
    g_assert_true(g_file_get_contents(ini, &text, NULL, NULL));
    g_assert_null(strstr(text, "board"));
    vr_machine_config_init(&back);
    g_assert_true(vr_machine_config_load_file(&back, ini, &error));
    g_assert_null(back.board);
    vr_machine_config_clear(&back);
    vr_machine_config_clear(&cfg);

    /* A board Vireo does not know: the file, the key and the value are named. */
    g_autofree char *bad = write_ini("Unknown", "[machine]\nboard=pdp11-unibus\n");
    vr_machine_config_init(&cfg);
    g_assert_false(vr_machine_config_load_file(&cfg, bad, &error));
    g_assert_error(error, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_INVALID_VALUE);
    g_test_message("%s", error->message);
    g_assert_true(g_str_has_prefix(error->message, bad));
    g_assert_nonnull(strstr(error->message, "[machine] board"));
    g_assert_nonnull(strstr(error->message, "pdp11-unibus"));
    g_assert_nonnull(strstr(error->message, "riscv64-virt"));
    vr_machine_config_clear(&cfg);
}

/* ---- the command line ---- */

static int run_vireo(char **err, ...)
{
    GPtrArray *argv = g_ptr_array_new();
    g_ptr_array_add(argv, (char *) g_getenv("VIREO"));
    va_list ap;
    va_start(ap, err);
    for (const char *a; (a = va_arg(ap, const char *));)
        g_ptr_array_add(argv, (char *) a);
    va_end(ap);
    g_ptr_array_add(argv, NULL);
    g_auto(GStrv) env = g_get_environ();
    g_autofree char *data = g_build_filename(tmp_root, "cli-data", NULL);
    env = g_environ_setenv(env, "XDG_DATA_HOME", data, TRUE);
    int status = 0;
    g_autoptr(GError) error = NULL;
    g_assert_true(g_spawn_sync(NULL, (char **) argv->pdata, env, G_SPAWN_STDOUT_TO_DEV_NULL, NULL,
                               NULL, NULL, err, &status, &error));
    g_ptr_array_unref(argv);
    g_test_message("stderr: %s", *err);
    return WEXITSTATUS(status);
}

static void test_cli(void)
{
    if (!g_getenv("VIREO")) {
        g_test_skip("VIREO is not set");
        return;
    }
    g_autofree char *err = NULL;
    g_assert_cmpint(
        run_vireo(&err, "run", "--bios", "none", "--kernel", "/bin/true", "--cpus", "9", NULL), ==,
        2);
    g_assert_nonnull(strstr(err, "9 CPUs asked for; the riscv64-virt board has 1 to 8"));
    g_clear_pointer(&err, g_free);

    g_assert_cmpint(run_vireo(&err, "create", "--name", "Nine", "--bios", "none", "--kernel",
                              "/bin/true", "--cpus", "9", NULL),
                    ==, 2);
    g_assert_nonnull(strstr(err, "9 CPUs asked for"));
    g_clear_pointer(&err, g_free);
    g_assert_cmpint(run_vireo(&err, "create", "--name", "Tiny", "--bios", "none", "--kernel",
                              "/bin/true", "--memory", "8M", NULL),
                    ==, 2);
    g_assert_nonnull(strstr(err, "memory size 8388608 bytes is not usable"));
    g_clear_pointer(&err, g_free);

    /* A machine folder naming a board Vireo does not know. */
    g_autofree char *ini = write_ini("Odd.vireo", "[machine]\nboard=pdp11-unibus\n[boot]\n"
                                                  "firmware=none\nkernel=/bin/true\n");
    g_autofree char *folder = g_path_get_dirname(ini);
    g_assert_cmpint(run_vireo(&err, "run", folder, NULL), ==, 2);
    g_assert_nonnull(strstr(err, "machine.ini: [machine] board: 'pdp11-unibus'"));
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    tmp_root = g_dir_make_tmp("vireo-test-board-XXXXXX", NULL);
    g_assert_nonnull(tmp_root);
    g_test_add_func("/board/registry", test_registry);
    g_test_add_func("/board/for-config", test_board_for_config);
    g_test_add_func("/board/error-fields", test_error_fields);
    g_test_add_func("/board/limits", test_limits);
    g_test_add_func("/board/host-memory", test_host_memory);
    g_test_add_func("/board/ini", test_ini_board);
    g_test_add_func("/board/cli", test_cli);
    int status = g_test_run();
    g_autofree char *cmd = g_strdup_printf("rm -rf '%s'", tmp_root);
    if (system(cmd) != 0)
        g_message("could not remove %s", tmp_root);
    return status;
}
