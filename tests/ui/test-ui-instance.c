/* One Vireo per session: `vireo` started a second time hands its command line to the
 * first (which opens the machine asked for) and exits; there is still one window. The real
 * executable, on the test's X server and D-Bus session. */
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/wait.h>

static char *data_dir;

static char **child_env(void)
{
    char **env = g_get_environ();
    env = g_environ_setenv(env, "XDG_DATA_HOME", data_dir, TRUE);
    env = g_environ_setenv(env, "GSETTINGS_BACKEND", "memory", TRUE);
    return env;
}

static gboolean name_has_owner(GDBusConnection *bus, const char *name)
{
    g_autoptr(GVariant) reply = g_dbus_connection_call_sync(
        bus, "org.freedesktop.DBus", "/org/freedesktop/DBus", "org.freedesktop.DBus",
        "NameHasOwner", g_variant_new("(s)", name), G_VARIANT_TYPE("(b)"), G_DBUS_CALL_FLAGS_NONE,
        -1, NULL, NULL);
    gboolean has = FALSE;
    if (reply)
        g_variant_get(reply, "(b)", &has);
    return has;
}

static int run_sync(const char *const *argv, char **out)
{
    g_auto(GStrv) env = child_env();
    int status = 0;
    g_autoptr(GError) error = NULL;
    g_assert_true(g_spawn_sync(NULL, (char **) argv, env, G_SPAWN_SEARCH_PATH, NULL, NULL, out,
                               NULL, &status, &error));
    g_assert_no_error(error);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

/* Visible X windows titled exactly "title" (xdotool). */
static int count_windows(const char *title)
{
    g_autofree char *pattern = g_strdup_printf("^%s$", title);
    const char *argv[] = {"xdotool", "search", "--onlyvisible", "--name", pattern, NULL};
    g_autofree char *out = NULL;
    run_sync(argv, &out);
    int n = 0;
    for (char *p = out; p && *p; p++)
        n += *p == '\n';
    return n;
}

static void test_single_instance(void)
{
    const char *vireo = g_getenv("VIREO");
    g_assert_nonnull(vireo);
    g_autoptr(GError) error = NULL;
    GDBusConnection *bus = g_bus_get_sync(G_BUS_TYPE_SESSION, NULL, &error);
    g_assert_no_error(error);

    /* A machine to ask for; its kernel a flat binary (it never starts). */
    g_autofree char *kernel = g_build_filename(data_dir, "solo.bin", NULL);
    g_assert_true(g_file_set_contents(kernel, "\x13\x00\x00\x00\x6f\x00\x00\x00", 8, NULL));
    const char *create[] = {vireo,  "create",   "--name", "Solo", "--bios",
                            "none", "--kernel", kernel,   NULL};
    g_assert_cmpint(run_sync(create, NULL), ==, 0);

    /* The first: it owns the application's name. */
    g_auto(GStrv) env = child_env();
    const char *first[] = {vireo, NULL};
    GPid pid;
    g_assert_true(g_spawn_async(NULL, (char **) first, env, G_SPAWN_DO_NOT_REAP_CHILD, NULL, NULL,
                                &pid, &error));
    g_assert_no_error(error);
    gint64 deadline = g_get_monotonic_time() + 20 * G_USEC_PER_SEC;
    while (!name_has_owner(bus, "org.vireo.Vireo")) {
        g_assert_cmpint(g_get_monotonic_time(), <, deadline);
        g_usleep(50000);
    }
    gboolean xdotool = g_find_program_in_path("xdotool") != NULL;
    if (xdotool) {
        deadline = g_get_monotonic_time() + 10 * G_USEC_PER_SEC;
        while (count_windows("Vireo") < 1) {
            g_assert_cmpint(g_get_monotonic_time(), <, deadline);
            g_usleep(100000);
        }
    }

    /* The second hands over and exits at once, successfully. */
    gint64 start = g_get_monotonic_time();
    const char *second[] = {vireo, "--machine", "Solo", NULL};
    g_assert_cmpint(run_sync(second, NULL), ==, 0);
    g_assert_cmpint(g_get_monotonic_time() - start, <, 10 * G_USEC_PER_SEC);
    /* ... and asking for a machine that is not there says so. */
    const char *bad[] = {vireo, "--machine", "Nowhere", NULL};
    g_assert_cmpint(run_sync(bad, NULL), ==, 2);

    /* Still one window, and the first is still there. */
    g_assert_true(name_has_owner(bus, "org.vireo.Vireo"));
    if (xdotool) {
        g_usleep(500000);
        g_assert_cmpint(count_windows("Vireo"), ==, 1);
    } else {
        g_test_message("xdotool is not installed: windows not counted");
    }
    g_assert_cmpint(waitpid(pid, NULL, WNOHANG), ==, 0);

    /* Quit it through its own action, as the desktop would. */
    g_autoptr(GVariant) reply =
        g_dbus_connection_call_sync(bus, "org.vireo.Vireo", "/org/vireo/Vireo", "org.gtk.Actions",
                                    "Activate", g_variant_new("(sava{sv})", "quit", NULL, NULL),
                                    NULL, G_DBUS_CALL_FLAGS_NONE, -1, NULL, &error);
    g_assert_no_error(error);
    int status = 0;
    deadline = g_get_monotonic_time() + 10 * G_USEC_PER_SEC;
    while (waitpid(pid, &status, WNOHANG) == 0) {
        g_assert_cmpint(g_get_monotonic_time(), <, deadline);
        g_usleep(50000);
    }
    g_assert_true(WIFEXITED(status));
    g_assert_cmpint(WEXITSTATUS(status), ==, 0);
    g_spawn_close_pid(pid);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    data_dir = g_dir_make_tmp("vireo-instance-XXXXXX", NULL);
    g_test_add_func("/ui/single-instance", test_single_instance);
    int status = g_test_run();
    g_autofree char *cmd = g_strdup_printf("rm -rf '%s'", data_dir);
    if (system(cmd) != 0)
        g_message("could not remove %s", data_dir);
    return status;
}
