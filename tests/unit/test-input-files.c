/* Files that are not files: a named pipe or /dev/zero given as machine.ini, firmware, kernel,
 * initrd, disk or ISO is refused with a message naming it, by the engine, `vireo create`,
 * `vireo list` and `vireo run`, and nothing waits on it (engine/vr-input-file.c). */
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "vr-input-file.h"
#include "vr-library.h"
#include "vr-machine-config.h"

static char *tmp_root;
static char *fifo;

static char *tmp_path(const char *name)
{
    return g_build_filename(tmp_root, name, NULL);
}

/* vireo ARGS... under `timeout 60`, with its library in the test's folder; the exit status. */
static int run_vireo(char **err, ...)
{
    GPtrArray *argv = g_ptr_array_new();
    g_ptr_array_add(argv, "timeout");
    g_ptr_array_add(argv, "60");
    g_ptr_array_add(argv, (char *) g_getenv("VIREO"));
    va_list ap;
    va_start(ap, err);
    for (const char *a; (a = va_arg(ap, const char *));)
        g_ptr_array_add(argv, (char *) a);
    va_end(ap);
    g_ptr_array_add(argv, NULL);
    g_auto(GStrv) env = g_get_environ();
    g_autofree char *data = tmp_path("data");
    env = g_environ_setenv(env, "XDG_DATA_HOME", data, TRUE);
    int status = 0;
    g_autofree char *out = NULL;
    g_autoptr(GError) error = NULL;
    g_assert_true(g_spawn_sync(NULL, (char **) argv->pdata, env, G_SPAWN_SEARCH_PATH, NULL, NULL,
                               &out, err, &status, &error));
    g_ptr_array_unref(argv);
    g_test_message("stdout: %s\nstderr: %s", out, *err);
    g_assert_true(WIFEXITED(status));
    g_assert_cmpint(WEXITSTATUS(status), !=, 124); /* it did not hang */
    return WEXITSTATUS(status);
}

static void assert_refused(const GError *error, const char *path)
{
    g_assert_error(error, G_IO_ERROR, G_IO_ERROR_NOT_REGULAR_FILE);
    g_assert_nonnull(strstr(error->message, path));
    g_assert_nonnull(strstr(error->message, "not a regular file"));
}

static void test_engine_check(void)
{
    const char *paths[] = {fifo, "/dev/zero"};
    for (unsigned i = 0; i < G_N_ELEMENTS(paths); i++) {
        g_autoptr(GError) boot = NULL, disk = NULL, ini = NULL;
        g_assert_false(vr_check_input_file(paths[i], VR_INPUT_BOOT, &boot));
        assert_refused(boot, paths[i]);
        g_assert_false(vr_check_input_file(paths[i], VR_INPUT_DISK, &disk));
        assert_refused(disk, paths[i]);
        VrMachineConfig cfg;
        vr_machine_config_init(&cfg);
        g_assert_false(vr_machine_config_load_file(&cfg, paths[i], &ini));
        vr_machine_config_clear(&cfg);
        assert_refused(ini, paths[i]);
        g_autoptr(GError) probe = NULL;
        g_assert_cmpint(vr_image_probe(paths[i], &probe), ==, VR_IMAGE_UNKNOWN);
        g_assert_nonnull(probe);
    }
    g_autoptr(GError) dir = NULL;
    g_assert_false(vr_check_input_file(tmp_root, VR_INPUT_BOOT, &dir));
    g_assert_nonnull(strstr(dir->message, "directory"));
}

/* A machine folder whose machine.ini is a named pipe, and one whose machine.ini is
 * /dev/zero: listed as damaged, by the engine and by `vireo list`. */
static void test_library_ini(void)
{
    g_autofree char *machines = tmp_path("data/vireo/machines");
    g_autofree char *pipe_dir = g_build_filename(machines, "Pipe.vireo", NULL);
    g_autofree char *zero_dir = g_build_filename(machines, "Zero.vireo", NULL);
    g_assert_cmpint(g_mkdir_with_parents(pipe_dir, 0755), ==, 0);
    g_assert_cmpint(g_mkdir_with_parents(zero_dir, 0755), ==, 0);
    g_autofree char *pipe_ini = g_build_filename(pipe_dir, "machine.ini", NULL);
    g_autofree char *zero_ini = g_build_filename(zero_dir, "machine.ini", NULL);
    g_assert_cmpint(mkfifo(pipe_ini, 0644), ==, 0);
    g_assert_cmpint(symlink("/dev/zero", zero_ini), ==, 0);

    g_autoptr(VrLibraryEntry) e = vr_library_entry_load(pipe_dir);
    g_assert_cmpint(e->problem, ==, VR_PROBLEM_CONFIG);
    g_assert_nonnull(strstr(e->problem_message, "named pipe"));

    g_autofree char *err = NULL;
    g_assert_cmpint(run_vireo(&err, "list", NULL), ==, 0);
    g_clear_pointer(&err, g_free);
    g_assert_cmpint(run_vireo(&err, "run", "Pipe", NULL), ==, 2);
    g_assert_nonnull(strstr(err, "named pipe"));
    g_clear_pointer(&err, g_free);
    g_assert_cmpint(run_vireo(&err, "run", "Zero", NULL), ==, 2);
    g_assert_nonnull(strstr(err, "character device"));
    g_assert_true(g_unlink(pipe_ini) == 0 && g_unlink(zero_ini) == 0);
    g_assert_true(g_rmdir(pipe_dir) == 0 && g_rmdir(zero_dir) == 0);
}

/* `vireo list` prints what keeps the machine from starting (checked here on its own: list's
 * output for damaged folders is its whole answer). */
static void test_list_output(void)
{
    g_autofree char *machines = tmp_path("data/vireo/machines");
    g_autofree char *dir = g_build_filename(machines, "Piped.vireo", NULL);
    g_assert_cmpint(g_mkdir_with_parents(dir, 0755), ==, 0);
    g_autofree char *ini = g_build_filename(dir, "machine.ini", NULL);
    g_assert_cmpint(mkfifo(ini, 0644), ==, 0);
    const char *vireo = g_getenv("VIREO");
    g_autofree char *data = tmp_path("data");
    g_autofree char *cmd =
        g_strdup_printf("env XDG_DATA_HOME='%s' timeout 60 '%s' list 2>&1", data, vireo);
    g_autofree char *out = NULL;
    int status = 0;
    g_autofree char *sh_cmd = g_strdup_printf("sh -c \"%s\"", cmd);
    g_assert_true(g_spawn_command_line_sync(sh_cmd, &out, NULL, &status, NULL));
    g_test_message("%s", out);
    g_assert_true(WIFEXITED(status));
    g_assert_cmpint(WEXITSTATUS(status), ==, 0);
    g_assert_nonnull(strstr(out, "Piped"));
    g_assert_nonnull(strstr(out, "named pipe"));
    g_assert_cmpint(g_unlink(ini), ==, 0);
    g_assert_cmpint(g_rmdir(dir), ==, 0);
}

/* `vireo create` and `vireo run` with a named pipe or /dev/zero as each boot file or disk. */
static void test_cli_files(void)
{
    const char *paths[] = {fifo, "/dev/zero"};
    for (unsigned i = 0; i < G_N_ELEMENTS(paths); i++) {
        const char *p = paths[i];
        const char *create[][2] = {
            {"--kernel", p}, {"--initrd", p}, {"--disk", p}, {"--iso", p}, {"--bios", p}};
        for (unsigned k = 0; k < G_N_ELEMENTS(create); k++) {
            g_autofree char *err = NULL;
            g_assert_cmpint(
                run_vireo(&err, "create", "--name", "Bad", create[k][0], create[k][1], NULL), ==,
                2);
            g_assert_nonnull(strstr(err, p));
            g_assert_nonnull(strstr(err, "not a regular file"));
        }
        const char *run[][4] = {{"--bios", "none", "--kernel", p},
                                {"--bios", p, "--memory", "64M"},
                                {"--kernel", p, "--memory", "64M"},
                                {"--initrd", p, "--memory", "64M"},
                                {"--disk", p, "--memory", "64M"}};
        for (unsigned k = 0; k < G_N_ELEMENTS(run); k++) {
            g_autofree char *err = NULL;
            g_assert_cmpint(run_vireo(&err, "run", run[k][0], run[k][1], run[k][2], run[k][3],
                                      "--timeout", "20", NULL),
                            ==, 2);
            g_assert_nonnull(strstr(err, p));
            g_assert_nonnull(strstr(err, "not a regular file"));
        }
    }
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    tmp_root = g_dir_make_tmp("vireo-input-XXXXXX", NULL);
    g_assert_nonnull(tmp_root);
    fifo = tmp_path("pipe");
    g_assert_cmpint(mkfifo(fifo, 0644), ==, 0);
    g_test_add_func("/input-files/engine", test_engine_check);
    if (g_getenv("VIREO")) {
        g_test_add_func("/input-files/library-ini", test_library_ini);
        g_test_add_func("/input-files/list", test_list_output);
        g_test_add_func("/input-files/cli", test_cli_files);
    }
    int rc = g_test_run();
    g_autofree char *cmd = g_strdup_printf("rm -rf '%s'", tmp_root);
    if (system(cmd) != 0)
        g_warning("could not remove %s", tmp_root);
    g_free(fifo);
    g_free(tmp_root);
    return rc;
}
