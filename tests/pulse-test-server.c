/* A PulseAudio server of a test's own (see pulse-test-server.h). */
#include "pulse-test-server.h"

#include <glib/gstdio.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>

/* Left over, the daemon and its clients would hold the test's output open, and a test
 * runner would wait for them to its time limit. */
static void die_with_parent(gpointer data)
{
    prctl(PR_SET_PDEATHSIG, SIGKILL);
}

const char *vr_test_pulse_missing(void)
{
    static const char *const programs[] = {"pulseaudio", "pactl", "pacat", "parec"};
    static const char *const why[] = {
        "pulseaudio is not installed (Debian package pulseaudio)",
        "pactl is not installed (Debian package pulseaudio-utils)",
        "pacat is not installed (Debian package pulseaudio-utils)",
        "parec is not installed (Debian package pulseaudio-utils)",
    };
    for (size_t i = 0; i < G_N_ELEMENTS(programs); i++) {
        g_autofree char *exe = g_find_program_in_path(programs[i]);
        if (!exe)
            return why[i];
    }
    return NULL;
}

void vr_test_pulse_init(VrTestPulse *p, const char *const *modules)
{
    memset(p, 0, sizeof(*p));
    p->dir = g_dir_make_tmp("vireo-pulse-XXXXXX", NULL);
    g_assert_nonnull(p->dir);
    p->socket = g_build_filename(p->dir, "native", NULL);
    p->server = g_strdup_printf("unix:%s", p->socket);
    p->modules = g_strdupv((char **) modules);
    p->keep = g_ptr_array_new();
}

char **vr_test_pulse_env(const VrTestPulse *p)
{
    char **env = g_get_environ();
    env = g_environ_setenv(env, "PULSE_RUNTIME_PATH", p->dir, TRUE);
    env = g_environ_setenv(env, "XDG_RUNTIME_DIR", p->dir, TRUE);
    env = g_environ_setenv(env, "HOME", p->dir, TRUE);
    env = g_environ_setenv(env, "PULSE_SERVER", p->server, TRUE);
    return env;
}

/* pactl's output, or NULL when it failed. */
static char *ctl_output(const VrTestPulse *p, const char *const *args)
{
    g_autoptr(GPtrArray) argv = g_ptr_array_new();
    g_ptr_array_add(argv, (gpointer) "pactl");
    for (const char *const *a = args; *a; a++)
        g_ptr_array_add(argv, (gpointer) *a);
    g_ptr_array_add(argv, NULL);
    g_auto(GStrv) env = vr_test_pulse_env(p);
    char *out = NULL;
    int status = 0;
    if (!g_spawn_sync(NULL, (char **) argv->pdata, env,
                      G_SPAWN_SEARCH_PATH | G_SPAWN_STDERR_TO_DEV_NULL, die_with_parent, NULL, &out,
                      NULL, &status, NULL) ||
        !g_spawn_check_wait_status(status, NULL)) {
        g_free(out);
        return NULL;
    }
    return out;
}

void vr_test_pulse_ctl(const VrTestPulse *p, const char *const *args)
{
    g_autofree char *out = ctl_output(p, args);
    if (!out)
        g_error("pactl %s failed", args[0]);
}

GSubprocess *vr_test_pulse_client(const VrTestPulse *p, const char *in, const char *out,
                                  const char *const *argv)
{
    g_autoptr(GSubprocessLauncher) l = g_subprocess_launcher_new(G_SUBPROCESS_FLAGS_STDERR_SILENCE);
    g_subprocess_launcher_set_child_setup(l, die_with_parent, NULL, NULL);
    g_auto(GStrv) env = vr_test_pulse_env(p);
    g_subprocess_launcher_set_environ(l, env);
    if (in)
        g_subprocess_launcher_set_stdin_file_path(l, in);
    if (out)
        g_subprocess_launcher_set_stdout_file_path(l, out);
    g_autoptr(GError) error = NULL;
    GSubprocess *s = g_subprocess_launcher_spawnv(l, argv, &error);
    g_assert_no_error(error);
    return s;
}

void vr_test_pulse_client_stop(GSubprocess *s)
{
    g_subprocess_send_signal(s, SIGTERM);
    g_subprocess_wait(s, NULL, NULL);
    g_object_unref(s);
}

/* The sink a "module-null-sink sink_name=NAME ..." argument makes, or NULL. */
static char *null_sink_name(const char *module)
{
    if (!g_str_has_prefix(module, "module-null-sink "))
        return NULL;
    const char *at = strstr(module, "sink_name=");
    if (!at)
        return NULL;
    at += strlen("sink_name=");
    return g_strndup(at, strcspn(at, " "));
}

void vr_test_pulse_start(VrTestPulse *p)
{
    g_assert_cmpint(p->pid, ==, 0);
    g_autofree char *native =
        g_strdup_printf("module-native-protocol-unix socket=%s auth-anonymous=1", p->socket);
    g_autoptr(GPtrArray) argv = g_ptr_array_new();
    const char *fixed[] = {"pulseaudio",
                           "--daemonize=no",
                           "-n",
                           "--exit-idle-time=-1",
                           "--disallow-exit",
                           "--log-target=stderr",
                           "--log-level=error",
                           "-L",
                           native};
    for (size_t i = 0; i < G_N_ELEMENTS(fixed); i++)
        g_ptr_array_add(argv, (gpointer) fixed[i]);
    for (char **m = p->modules; m && *m; m++) {
        g_ptr_array_add(argv, (gpointer) "-L");
        g_ptr_array_add(argv, *m);
    }
    g_ptr_array_add(argv, NULL);
    g_auto(GStrv) env = vr_test_pulse_env(p);
    g_autoptr(GError) error = NULL;
    g_assert_true(g_spawn_async(NULL, (char **) argv->pdata, env,
                                G_SPAWN_DO_NOT_REAP_CHILD | G_SPAWN_SEARCH_PATH |
                                    G_SPAWN_STDOUT_TO_DEV_NULL | G_SPAWN_STDERR_TO_DEV_NULL,
                                die_with_parent, NULL, &p->pid, &error));
    g_assert_no_error(error);
    for (unsigned i = 0; i < 500 && !g_file_test(p->socket, G_FILE_TEST_EXISTS); i++)
        g_usleep(10000);
    g_assert_true(g_file_test(p->socket, G_FILE_TEST_EXISTS));

    unsigned sinks = 0;
    for (char **m = p->modules; m && *m; m++) {
        g_autofree char *sink = null_sink_name(*m);
        if (!sink)
            continue;
        const char *pacat[] = {"pacat",
                               "--playback",
                               "--raw",
                               "--format=s16le",
                               "--rate=48000",
                               "--channels=2",
                               "--latency-msec=10",
                               "-d",
                               sink,
                               NULL};
        g_ptr_array_add(p->keep, vr_test_pulse_client(p, "/dev/zero", NULL, pacat));
        sinks++;
    }
    /* Up when it answers; settled when every sink says "Latency: 9012 usec, configured 9250
     * usec" or less than 100 ms. */
    const char *list[] = {"list", "sinks", NULL};
    for (unsigned i = 0; i < 200; i++) {
        g_autofree char *out = ctl_output(p, list);
        unsigned found = 0, small = 0;
        for (const char *l = out; l && (l = strstr(l, "\tLatency: ")); l++) {
            found++;
            if (g_ascii_strtoull(l + strlen("\tLatency: "), NULL, 10) < 100000)
                small++;
        }
        if (out && found >= sinks && small == found)
            return;
        g_usleep(50000);
    }
    g_error("the test's PulseAudio server did not come up with its sinks rendering");
}

void vr_test_pulse_kill(VrTestPulse *p)
{
    if (!p->pid)
        return;
    kill(p->pid, SIGKILL);
    int status;
    waitpid(p->pid, &status, 0);
    g_spawn_close_pid(p->pid);
    p->pid = 0;
    for (guint i = 0; i < p->keep->len; i++)
        vr_test_pulse_client_stop(p->keep->pdata[i]);
    g_ptr_array_set_size(p->keep, 0);
    g_unlink(p->socket);
}

void vr_test_pulse_free(VrTestPulse *p)
{
    vr_test_pulse_kill(p);
    g_autofree char *cmd = g_strdup_printf("rm -rf '%s'", p->dir);
    g_assert_cmpint(system(cmd), ==, 0);
    g_free(p->dir);
    g_free(p->socket);
    g_free(p->server);
    g_strfreev(p->modules);
    g_ptr_array_unref(p->keep);
    memset(p, 0, sizeof(*p));
}
