/* A machine's execution tier: [machine] accel in machine.ini, the validator, and the
 * riscv64-virt board putting every hart on the tier the configuration names. */
#include <glib/gstdio.h>
#include <string.h>

#include "riscv/riscv.h"
#include "vr-machine-config.h"
#include "machine-test-util.h"

/* What a hart runs for accel on this host (a JIT asked for where there is none interprets). */
static VrAccel expected_hart_accel(VrMachineAccel accel)
{
    switch (accel) {
    case VR_MACHINE_ACCEL_INTERP: return VR_ACCEL_INTERP;
    case VR_MACHINE_ACCEL_JIT: return vr_jit_supported() ? VR_ACCEL_JIT : VR_ACCEL_INTERP;
    default: return vr_accel_default();
    }
}

static void test_parse(void)
{
    VrMachineAccel accel = VR_MACHINE_ACCEL_DEFAULT;
    g_assert_true(vr_parse_accel("interp", &accel));
    g_assert_cmpint(accel, ==, VR_MACHINE_ACCEL_INTERP);
    g_assert_true(vr_parse_accel("jit", &accel));
    g_assert_cmpint(accel, ==, VR_MACHINE_ACCEL_JIT);
    const char *bad[] = {"", "JIT", "kvm", "default", "interp ", "tcg"};
    for (unsigned i = 0; i < G_N_ELEMENTS(bad); i++) {
        accel = VR_MACHINE_ACCEL_INTERP;
        g_assert_false(vr_parse_accel(bad[i], &accel));
        g_assert_cmpint(accel, ==, VR_MACHINE_ACCEL_INTERP);
    }
    g_assert_cmpstr(vr_machine_accel_name(VR_MACHINE_ACCEL_INTERP), ==, "interp");
    g_assert_cmpstr(vr_machine_accel_name(VR_MACHINE_ACCEL_JIT), ==, "jit");
    g_assert_cmpstr(vr_machine_accel_name(VR_MACHINE_ACCEL_DEFAULT), ==, "default");
}

/* machine.ini keeps a tier chosen by name, and writes none for the default. */
static void test_ini_round_trip(void)
{
    g_autofree char *dir = g_dir_make_tmp("vireo-accel-XXXXXX", NULL);
    g_autofree char *path = g_build_filename(dir, "machine.ini", NULL);
    g_autoptr(GError) error = NULL;
    const VrMachineAccel tiers[] = {VR_MACHINE_ACCEL_INTERP, VR_MACHINE_ACCEL_JIT,
                                    VR_MACHINE_ACCEL_DEFAULT};
    for (unsigned i = 0; i < G_N_ELEMENTS(tiers); i++) {
        VrMachineConfig cfg;
        vr_machine_config_init(&cfg);
        cfg.accel = tiers[i];
        g_assert_true(vr_machine_config_validate(&cfg, &error));
        g_assert_no_error(error);
        g_assert_true(vr_machine_config_save_file(&cfg, path, &error));
        g_assert_no_error(error);
        g_autofree char *text = NULL;
        g_assert_true(g_file_get_contents(path, &text, NULL, NULL));
        g_autofree char *line = g_strdup_printf("accel=%s\n", vr_machine_accel_name(tiers[i]));
        if (tiers[i] == VR_MACHINE_ACCEL_DEFAULT)
            g_assert_null(strstr(text, "accel="));
        else
            g_assert_nonnull(strstr(text, line));

        VrMachineConfig back;
        vr_machine_config_init(&back);
        g_assert_true(vr_machine_config_load_file(&back, path, &error));
        g_assert_no_error(error);
        g_assert_cmpint(back.accel, ==, tiers[i]);
        VrMachineConfig copy;
        vr_machine_config_copy(&copy, &back);
        g_assert_cmpint(copy.accel, ==, tiers[i]);
        vr_machine_config_clear(&copy);
        vr_machine_config_clear(&back);
        vr_machine_config_clear(&cfg);
    }
    g_unlink(path);
    g_rmdir(dir);
}

/* A value that is no tier is refused, naming the file, the key and the values it takes. */
static void test_ini_bad_value(void)
{
    g_autofree char *dir = g_dir_make_tmp("vireo-accel-XXXXXX", NULL);
    const char *bad[] = {"kvm", "JIT", "", "default"};
    for (unsigned i = 0; i < G_N_ELEMENTS(bad); i++) {
        g_autofree char *text = g_strdup_printf("[machine]\naccel=%s\n", bad[i]);
        g_autofree char *path = test_write_ini(dir, text);
        VrMachineConfig cfg;
        vr_machine_config_init(&cfg);
        g_autoptr(GError) error = NULL;
        g_assert_false(vr_machine_config_load_file(&cfg, path, &error));
        g_assert_error(error, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_INVALID_VALUE);
        g_test_message("%s", error->message);
        g_assert_nonnull(strstr(error->message, "machine.ini"));
        g_assert_nonnull(strstr(error->message, "[machine] accel"));
        g_autofree char *quoted = g_strdup_printf("'%s'", bad[i]);
        g_assert_nonnull(strstr(error->message, quoted));
        g_assert_nonnull(strstr(error->message, "interp or jit"));
        vr_machine_config_clear(&cfg);
        g_unlink(path);
    }
    g_rmdir(dir);

    /* A value set by a caller rather than parsed is checked by the validator. */
    VrMachineConfig cfg;
    vr_machine_config_init(&cfg);
    cfg.accel = (VrMachineAccel) 7;
    g_autoptr(GError) error = NULL;
    g_assert_false(vr_machine_config_validate(&cfg, &error));
    g_assert_error(error, VR_CONFIG_ERROR, VR_CONFIG_ERROR_ACCEL);
    g_assert_cmpstr(vr_config_error_get_field(error), ==, "accel");
    vr_machine_config_clear(&cfg);
}

static void assert_harts_on(VrMachine *m, VrAccel expected)
{
    g_assert_cmpuint(vr_machine_n_cpus(m), >, 0);
    for (unsigned i = 0; i < vr_machine_n_cpus(m); i++)
        g_assert_cmpint(vr_hart_get_accel(vr_machine_hart(m, i)), ==, expected);
    g_assert_cmpint(vr_machine_get_accel(m), ==,
                    expected == VR_ACCEL_JIT ? VR_MACHINE_ACCEL_JIT : VR_MACHINE_ACCEL_INTERP);
}

/* The board puts every hart on the configured tier; absent, on the engine's default. */
static void test_board_applies(void)
{
    g_autofree char *elf = test_spin_elf();
    const VrMachineAccel tiers[] = {VR_MACHINE_ACCEL_INTERP, VR_MACHINE_ACCEL_JIT,
                                    VR_MACHINE_ACCEL_DEFAULT};
    for (unsigned i = 0; i < G_N_ELEMENTS(tiers); i++) {
        VrMachineConfig cfg;
        vr_machine_config_init(&cfg);
        cfg.bios = g_strdup("none");
        cfg.kernel = g_strdup(elf);
        cfg.cpus = 3;
        cfg.accel = tiers[i];
        g_autoptr(GError) error = NULL;
        g_autoptr(VrMachine) m = vr_machine_new(&cfg, &error);
        g_assert_no_error(error);
        g_test_message("accel=%s: harts on %s", vr_machine_accel_name(tiers[i]),
                       vr_machine_accel_name(vr_machine_get_accel(m)));
        assert_harts_on(m, expected_hart_accel(tiers[i]));
        vr_machine_config_clear(&cfg);
    }
    g_unlink(elf);
}

/* A built machine changes tier until it starts, and no longer after. */
static void test_set_accel(void)
{
    g_autofree char *elf = test_spin_elf();
    VrMachineConfig cfg;
    vr_machine_config_init(&cfg);
    cfg.bios = g_strdup("none");
    cfg.kernel = g_strdup(elf);
    cfg.cpus = 2;
    cfg.accel = VR_MACHINE_ACCEL_JIT;
    g_autoptr(GError) error = NULL;
    g_autoptr(VrMachine) m = vr_machine_new(&cfg, &error);
    g_assert_no_error(error);
    g_assert_true(vr_machine_set_accel(m, VR_MACHINE_ACCEL_INTERP, &error));
    g_assert_no_error(error);
    assert_harts_on(m, VR_ACCEL_INTERP);
    g_assert_true(vr_machine_set_accel(m, VR_MACHINE_ACCEL_JIT, &error));
    assert_harts_on(m, expected_hart_accel(VR_MACHINE_ACCEL_JIT));
    g_assert_true(vr_machine_start(m, &error));
    g_assert_no_error(error);
    g_assert_false(vr_machine_set_accel(m, VR_MACHINE_ACCEL_INTERP, &error));
    g_assert_nonnull(error);
    assert_harts_on(m, expected_hart_accel(VR_MACHINE_ACCEL_JIT));
    vr_machine_power_off(m);
    vr_machine_config_clear(&cfg);
    g_unlink(elf);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/accel/parse", test_parse);
    g_test_add_func("/accel/ini-round-trip", test_ini_round_trip);
    g_test_add_func("/accel/ini-bad-value", test_ini_bad_value);
    g_test_add_func("/accel/board-applies", test_board_applies);
    g_test_add_func("/accel/set-accel", test_set_accel);
    return g_test_run();
}
