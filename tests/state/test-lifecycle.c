/* Machine life-cycle torture: pause, resume, reset, register dumps, state saves and console
 * reads requested from several threads in random order, while the guest reboots itself
 * (tests/riscv/state/reboot-loop.c) and, at the end, power-off from one thread while the
 * others go on. Built with AddressSanitizer and UBSan over its own copy of the engine. A
 * watchdog fails the test when no request returns for 90 s (a deadlock); the engine's own
 * assertion fails it when two resets overlap. State files go to /dev/shm where it exists: a
 * save's fsync on a busy disk can take longer than any lock is held.
 *
 * VIREO_REBOOT_LOOP: the guest; VIREO_TORTURE_SECONDS: how long (default 60). */
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <stdlib.h>
#include <string.h>

#include "vr-machine.h"

#define N_THREADS 4

typedef struct {
    VrMachine *m;
    gint64 until;
    unsigned seed;
    char *state_path;
    guint ops;
} Worker;

static gint progress; /* requests completed, all threads */
static gint stop_watchdog;

static gpointer watchdog(gpointer data)
{
    gint last = -1;
    gint64 last_change = g_get_monotonic_time();
    while (!g_atomic_int_get(&stop_watchdog)) {
        g_usleep(200000);
        gint now = g_atomic_int_get(&progress);
        if (now != last) {
            last = now;
            last_change = g_get_monotonic_time();
        } else if (g_get_monotonic_time() - last_change > 90 * G_USEC_PER_SEC) {
            g_printerr("no machine request returned for 90 s: a deadlock\n");
            abort();
        }
    }
    return NULL;
}

static gpointer work(gpointer data)
{
    Worker *w = data;
    GRand *rand = g_rand_new_with_seed(w->seed);
    uint8_t buf[256];
    while (g_get_monotonic_time() < w->until) {
        switch (g_rand_int_range(rand, 0, 8)) {
        case 0: vr_machine_pause(w->m); break;
        case 1:
        case 2: vr_machine_resume(w->m); break;
        case 3: vr_machine_reset(w->m); break;
        case 4: {
            g_autoptr(GString) out = g_string_new(NULL);
            g_assert_true(vr_machine_dump_registers(w->m, g_rand_int_range(rand, 0, 2), out));
            g_assert_nonnull(strstr(out->str, "pc"));
            break;
        }
        case 5: {
            g_autoptr(GError) error = NULL;
            if (!vr_machine_save_state(w->m, w->state_path, &error))
                g_assert_error(error, G_IO_ERROR, G_IO_ERROR_CLOSED);
            break;
        }
        case 6: vr_machine_console_read(w->m, buf, sizeof(buf)); break;
        default: g_usleep((gulong) g_rand_int_range(rand, 0, 3000)); break;
        }
        w->ops++;
        g_atomic_int_inc(&progress);
    }
    g_rand_free(rand);
    return NULL;
}

static VrMachine *new_machine(void)
{
    const char *elf = g_getenv("VIREO_REBOOT_LOOP");
    g_assert_nonnull(elf);
    VrMachineConfig cfg;
    vr_machine_config_init(&cfg);
    cfg.bios = g_strdup("none");
    cfg.kernel = g_strdup(elf);
    cfg.cpus = 2;
    cfg.memory = 32ull << 20;
    g_autoptr(GError) error = NULL;
    VrMachine *m = vr_machine_new(&cfg, &error);
    vr_machine_config_clear(&cfg);
    g_assert_no_error(error);
    g_assert_true(vr_machine_start(m, &error));
    return m;
}

/* One machine: the workers for `seconds`, with a power-off from another thread in the last
 * part when power_off_early is set. */
static void round_of(double seconds, bool power_off_early, const char *dir, unsigned round)
{
    VrMachine *m = new_machine();
    Worker workers[N_THREADS];
    GThread *threads[N_THREADS];
    gint64 until = g_get_monotonic_time() + (gint64) (seconds * G_USEC_PER_SEC);
    for (unsigned i = 0; i < N_THREADS; i++) {
        workers[i] = (Worker){
            .m = m,
            .until = until,
            .seed = g_test_rand_int(),
            .state_path = g_strdup_printf("%s/state-%u-%u.vstate", dir, round, i),
        };
        threads[i] = g_thread_new("torture", work, &workers[i]);
    }
    if (power_off_early) {
        g_usleep((gulong) (seconds * G_USEC_PER_SEC * g_test_rand_double_range(0.3, 0.9)));
        vr_machine_power_off(m);
    }
    unsigned ops = 0;
    for (unsigned i = 0; i < N_THREADS; i++) {
        g_thread_join(threads[i]);
        ops += workers[i].ops;
        g_unlink(workers[i].state_path);
        g_free(workers[i].state_path);
    }
    uint64_t resets = vr_machine_resets(m);
    g_test_message("round %u: %u requests, %" G_GUINT64_FORMAT " resets (caller's and guest's), %s",
                   round, ops, resets,
                   vr_machine_get_state(m) == VR_MACHINE_STOPPED ? "off" : "on");
    g_assert_cmpuint(ops, >, 0);
    vr_machine_free(m);
}

static void test_torture(void)
{
    const char *env = g_getenv("VIREO_TORTURE_SECONDS");
    double total = env ? g_ascii_strtod(env, NULL) : 60;
    g_autofree char *dir = NULL;
    if (g_file_test("/dev/shm", G_FILE_TEST_IS_DIR)) {
        dir = g_strdup("/dev/shm/vireo-torture-XXXXXX");
        if (!g_mkdtemp(dir))
            g_clear_pointer(&dir, g_free);
    }
    if (!dir)
        dir = g_dir_make_tmp("vireo-torture-XXXXXX", NULL);
    GThread *dog = g_thread_new("watchdog", watchdog, NULL);
    gint64 end = g_get_monotonic_time() + (gint64) (total * G_USEC_PER_SEC);
    for (unsigned round = 0; g_get_monotonic_time() < end; round++) {
        double left = (double) (end - g_get_monotonic_time()) / G_USEC_PER_SEC;
        round_of(MIN(left, 5.0), round % 2 == 1, dir, round);
    }
    g_atomic_int_set(&stop_watchdog, 1);
    g_thread_join(dog);
    g_rmdir(dir);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/lifecycle/torture", test_torture);
    return g_test_run();
}
