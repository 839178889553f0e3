/* A machine's sound settings: --sound's syntax, [sound] in machine.ini, the validator, the
 * riscv64-virt board's sound card (its place, the machine's sound calls) and the state file. */
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <string.h>
#include <unistd.h>

#include "virtio/virtio-mmio.h"
#include "virtio/virtio-snd.h"
#include "vr-machine-config.h"
#include "machine-test-util.h"
#include "vr-machine-private.h"

#define SOUND_BASE 0x10010000ull

static void test_option(void)
{
    VrMachineConfig cfg;
    vr_machine_config_init(&cfg);
    g_autoptr(GError) error = NULL;
    g_assert_true(vr_parse_sound_option(&cfg, "pulse", &error));
    g_assert_true(cfg.sound);
    g_assert_cmpint(cfg.sound_backend, ==, VR_SOUND_PULSE);
    g_assert_true(vr_parse_sound_option(&cfg, "wav:out=/tmp/a.wav,in=/tmp/b.wav", &error));
    g_assert_no_error(error);
    g_assert_cmpint(cfg.sound_backend, ==, VR_SOUND_WAV);
    g_assert_cmpstr(cfg.sound_output, ==, "/tmp/a.wav");
    g_assert_cmpstr(cfg.sound_input, ==, "/tmp/b.wav");
    g_assert_true(vr_parse_sound_option(&cfg, "wav:in=x.wav", &error));
    g_assert_null(cfg.sound_output);
    g_assert_cmpstr(cfg.sound_input, ==, "x.wav");
    g_assert_true(vr_parse_sound_option(&cfg, "null", &error));
    g_assert_cmpint(cfg.sound_backend, ==, VR_SOUND_NULL);
    g_assert_null(cfg.sound_input);
    g_assert_true(vr_machine_config_validate(&cfg, &error));
    g_assert_true(vr_parse_sound_option(&cfg, "none", &error));
    g_assert_false(cfg.sound);
    const char *bad[] = {
        "",           "alsa", "wav:", "wav:out=", "wav:foo=1", "wav:out=a,out=b", "pulse,out=a.wav",
        "wav:out=a,,"};
    for (unsigned i = 0; i < G_N_ELEMENTS(bad); i++) {
        if (vr_parse_sound_option(&cfg, bad[i], &error))
            g_error("'%s' was taken", bad[i]);
        g_assert_error(error, VR_CONFIG_ERROR, VR_CONFIG_ERROR_SOUND);
        g_assert_cmpstr(vr_config_error_get_field(error), ==, "sound");
        g_clear_error(&error);
    }
    /* The validator: files without the wav backend, a latency out of range. */
    cfg.sound = true;
    cfg.sound_backend = VR_SOUND_PULSE;
    cfg.sound_output = g_strdup("/tmp/x.wav");
    g_assert_false(vr_machine_config_validate(&cfg, &error));
    g_assert_error(error, VR_CONFIG_ERROR, VR_CONFIG_ERROR_SOUND);
    g_clear_error(&error);
    cfg.sound_backend = VR_SOUND_WAV;
    cfg.sound_latency_ms = 3;
    g_assert_false(vr_machine_config_validate(&cfg, &error));
    g_assert_error(error, VR_CONFIG_ERROR, VR_CONFIG_ERROR_SOUND);
    g_clear_error(&error);
    vr_machine_config_clear(&cfg);
}

static void test_ini(void)
{
    g_autofree char *dir = g_dir_make_tmp("vireo-sound-XXXXXX", NULL);
    g_autofree char *path = g_build_filename(dir, "machine.ini", NULL);
    g_autofree char *out = g_build_filename(dir, "out.wav", NULL);
    VrMachineConfig cfg;
    vr_machine_config_init(&cfg);
    cfg.sound = true;
    cfg.sound_backend = VR_SOUND_WAV;
    cfg.sound_output = g_strdup(out);
    cfg.sound_input = g_strdup("/srv/in.wav");
    cfg.sound_latency_ms = 30;
    cfg.sound_muted = true;
    g_autoptr(GError) error = NULL;
    g_assert_true(vr_machine_config_save_file(&cfg, path, &error));
    g_assert_no_error(error);
    g_autofree char *text = NULL;
    g_assert_true(g_file_get_contents(path, &text, NULL, NULL));
    g_assert_nonnull(strstr(text, "[sound]"));
    g_assert_nonnull(strstr(text, "backend=wav"));
    /* Inside the machine's folder: relative, so the folder can move. */
    g_assert_nonnull(strstr(text, "output=out.wav"));
    g_assert_nonnull(strstr(text, "latency-ms=30"));
    g_assert_nonnull(strstr(text, "muted=true"));

    VrMachineConfig back;
    vr_machine_config_init(&back);
    g_assert_true(vr_machine_config_load_file(&back, path, &error));
    g_assert_no_error(error);
    g_assert_true(back.sound);
    g_assert_cmpint(back.sound_backend, ==, VR_SOUND_WAV);
    g_assert_cmpstr(back.sound_output, ==, out);
    g_assert_cmpstr(back.sound_input, ==, "/srv/in.wav");
    g_assert_cmpuint(back.sound_latency_ms, ==, 30);
    g_assert_true(back.sound_muted);
    VrMachineConfig copy;
    vr_machine_config_copy(&copy, &back);
    g_assert_cmpstr(copy.sound_output, ==, out);
    g_assert_cmpuint(copy.sound_latency_ms, ==, 30);
    g_assert_true(copy.sound_muted);
    vr_machine_config_clear(&copy);
    vr_machine_config_clear(&back);

    /* A machine without sound writes no [sound]; [sound] alone means PulseAudio. */
    VrMachineConfig plain;
    vr_machine_config_init(&plain);
    g_assert_true(vr_machine_config_save_file(&plain, path, &error));
    g_clear_pointer(&text, g_free);
    g_assert_true(g_file_get_contents(path, &text, NULL, NULL));
    g_assert_null(strstr(text, "[sound]"));
    vr_machine_config_clear(&plain);
    g_autofree char *p = test_write_ini(dir, "[sound]\n");
    VrMachineConfig on;
    vr_machine_config_init(&on);
    g_assert_true(vr_machine_config_load_file(&on, p, &error));
    g_assert_true(on.sound);
    g_assert_cmpint(on.sound_backend, ==, VR_SOUND_PULSE);
    g_assert_cmpuint(on.sound_latency_ms, ==, 0);
    g_assert_false(on.sound_muted);
    vr_machine_config_clear(&on);

    static const char *const bad[][2] = {
        {"[sound]\nbackend=alsa\n", "[sound] backend"},
        {"[sound]\noutput=a.wav\n", "[sound] output"},
        {"[sound]\nbackend=null\ninput=a.wav\n", "[sound] input"},
        {"[sound]\nlatency-ms=1\n", "[sound] latency-ms"},
        {"[sound]\nlatency-ms=fast\n", "[sound] latency-ms"},
        {"[sound]\nenabled=loud\n", "enabled"},
        {"[sound]\nmuted=quiet\n", "[sound] muted"},
        {"[sound]\nvolume=11\n", "volume"},
    };
    for (unsigned i = 0; i < G_N_ELEMENTS(bad); i++) {
        g_autofree char *b = test_write_ini(dir, bad[i][0]);
        VrMachineConfig c;
        vr_machine_config_init(&c);
        g_assert_false(vr_machine_config_load_file(&c, b, &error));
        g_assert_nonnull(error);
        if (!strstr(error->message, bad[i][1]) || !strstr(error->message, "machine.ini"))
            g_error("'%s' does not name %s", error->message, bad[i][1]);
        g_clear_error(&error);
        vr_machine_config_clear(&c);
    }
    vr_machine_config_clear(&cfg);
    g_unlink(path);
    g_rmdir(dir);
}

static uint32_t mmio_read(VrMachine *m, uint64_t offset, unsigned size)
{
    return test_mmio_read(m, SOUND_BASE, offset, size);
}

static void machine_config(VrMachineConfig *cfg, const char *kernel)
{
    vr_machine_config_init(cfg);
    cfg->memory = 64ull << 20;
    cfg->bios = g_strdup("none");
    cfg->kernel = g_strdup(kernel);
    cfg->sound = true;
    cfg->sound_backend = VR_SOUND_NULL;
}

static void test_board(void)
{
    g_autofree char *elf = test_spin_elf();
    VrMachineConfig cfg;
    machine_config(&cfg, elf);
    g_autoptr(GError) error = NULL;
    VrMachine *m = vr_machine_new(&cfg, &error);
    g_assert_no_error(error);
    g_assert_true(vr_machine_has_sound(m));
    g_assert_cmphex(mmio_read(m, VR_VIRTIO_MMIO_MAGIC_VALUE, 4), ==, VR_VIRTIO_MMIO_MAGIC);
    g_assert_cmpuint(mmio_read(m, VR_VIRTIO_MMIO_DEVICE_ID, 4), ==, VR_VIRTIO_ID_SOUND);
    g_assert_cmpuint(mmio_read(m, VR_VIRTIO_MMIO_CONFIG + 4, 4), ==, VR_VIRTIO_SND_STREAMS);
    g_autofree char *status = vr_machine_sound_status(m);
    g_assert_cmpstr(status, ==, "connected");
    g_assert_false(vr_machine_sound_muted(m));
    g_assert_true(vr_machine_sound_set_muted(m, true));
    g_assert_true(vr_machine_sound_muted(m));
    g_assert_cmpfloat(vr_machine_sound_level(m), ==, 0);
    g_assert_cmpuint(vr_machine_sound_underruns(m), ==, 0);

    /* The state file keeps the sound settings, and the machine built from it has the card. */
    g_autofree char *dir = g_dir_make_tmp("vireo-sound-XXXXXX", NULL);
    g_autofree char *state = g_build_filename(dir, "state", NULL);
    g_assert_true(vr_machine_save_state(m, state, &error));
    g_assert_no_error(error);
    vr_machine_free(m);
    VrMachineConfig saved;
    vr_machine_config_init(&saved);
    g_assert_true(vr_machine_state_read_config(state, &saved, &error));
    g_assert_no_error(error);
    g_assert_true(saved.sound);
    g_assert_cmpint(saved.sound_backend, ==, VR_SOUND_NULL);
    vr_machine_config_clear(&saved);
    m = vr_machine_new_from_state(state, &error);
    g_assert_no_error(error);
    g_assert_true(vr_machine_has_sound(m));
    g_assert_cmpuint(mmio_read(m, VR_VIRTIO_MMIO_DEVICE_ID, 4), ==, VR_VIRTIO_ID_SOUND);
    vr_machine_free(m);
    g_unlink(state);

    /* PulseAudio's devices too (no server answers here: the machine still runs, silent). */
    g_setenv("PULSE_SERVER", "unix:/nonexistent/vireo-no-server", TRUE);
    cfg.sound_backend = VR_SOUND_PULSE;
    cfg.sound_output_device = g_strdup("vireo_out");
    cfg.sound_input_device = g_strdup("vireo_in");
    m = vr_machine_new(&cfg, &error);
    g_assert_no_error(error);
    g_assert_true(vr_machine_save_state(m, state, &error));
    g_assert_no_error(error);
    vr_machine_free(m);
    vr_machine_config_init(&saved);
    g_assert_true(vr_machine_state_read_config(state, &saved, &error));
    g_assert_no_error(error);
    g_assert_cmpint(saved.sound_backend, ==, VR_SOUND_PULSE);
    g_assert_cmpstr(saved.sound_output_device, ==, "vireo_out");
    g_assert_cmpstr(saved.sound_input_device, ==, "vireo_in");
    vr_machine_config_clear(&saved);
    g_unsetenv("PULSE_SERVER");
    g_unlink(state);
    g_clear_pointer(&cfg.sound_output_device, g_free);
    g_clear_pointer(&cfg.sound_input_device, g_free);

    /* A WAV file that cannot be written: the machine is not built, and the error names it. */
    cfg.sound_backend = VR_SOUND_WAV;
    cfg.sound_output = g_build_filename(dir, "no", "such", "out.wav", NULL);
    g_assert_null(vr_machine_new(&cfg, &error));
    g_assert_nonnull(error);
    g_assert_nonnull(strstr(error->message, "out.wav"));
    g_clear_error(&error);
    vr_machine_config_clear(&cfg);
    g_rmdir(dir);

    /* Without sound the place is empty and the calls say so. */
    machine_config(&cfg, elf);
    cfg.sound = false;
    m = vr_machine_new(&cfg, &error);
    g_assert_no_error(error);
    g_assert_false(vr_machine_has_sound(m));
    g_assert_false(vr_machine_sound_set_muted(m, true));
    g_assert_null(vr_machine_sound_status(m));
    uint64_t v = 0;
    g_assert_true(!vr_address_space_load(m->as, SOUND_BASE + VR_VIRTIO_MMIO_MAGIC_VALUE, 4, &v) ||
                  v != VR_VIRTIO_MMIO_MAGIC);
    vr_machine_free(m);
    vr_machine_config_clear(&cfg);

    /* A machine whose card was left muted starts muted. */
    machine_config(&cfg, elf);
    cfg.sound_muted = true;
    m = vr_machine_new(&cfg, &error);
    g_assert_no_error(error);
    g_assert_true(vr_machine_sound_muted(m));
    vr_machine_free(m);
    vr_machine_config_clear(&cfg);
    g_unlink(elf);
}

/* [sound] output-device and input-device: PulseAudio names, saved and loaded, checked. */
static void test_devices(void)
{
    g_autofree char *dir = g_dir_make_tmp("vireo-sound-XXXXXX", NULL);
    g_autofree char *path = g_build_filename(dir, "machine.ini", NULL);
    VrMachineConfig cfg;
    vr_machine_config_init(&cfg);
    cfg.sound = true;
    cfg.sound_output_device = g_strdup("alsa_output.pci-0000_00_1f.3.analog-stereo");
    cfg.sound_input_device = g_strdup("vireo_in");
    g_autoptr(GError) error = NULL;
    g_assert_true(vr_machine_config_validate(&cfg, &error));
    g_assert_true(vr_machine_config_save_file(&cfg, path, &error));
    g_assert_no_error(error);
    g_autofree char *text = NULL;
    g_assert_true(g_file_get_contents(path, &text, NULL, NULL));
    g_assert_nonnull(strstr(text, "output-device=alsa_output.pci-0000_00_1f.3.analog-stereo\n"));
    g_assert_nonnull(strstr(text, "input-device=vireo_in\n"));

    VrMachineConfig back;
    vr_machine_config_init(&back);
    g_assert_true(vr_machine_config_load_file(&back, path, &error));
    g_assert_no_error(error);
    g_assert_cmpstr(back.sound_output_device, ==, cfg.sound_output_device);
    g_assert_cmpstr(back.sound_input_device, ==, "vireo_in");
    VrMachineConfig copy;
    vr_machine_config_copy(&copy, &back);
    g_assert_cmpstr(copy.sound_input_device, ==, "vireo_in");
    vr_machine_config_clear(&copy);
    vr_machine_config_clear(&back);

    /* --sound null or wav leaves the devices behind; pulse keeps them. */
    g_assert_true(vr_parse_sound_option(&cfg, "pulse", &error));
    g_assert_cmpstr(cfg.sound_input_device, ==, "vireo_in");
    g_assert_true(vr_parse_sound_option(&cfg, "null", &error));
    g_assert_null(cfg.sound_output_device);
    g_assert_null(cfg.sound_input_device);
    g_assert_true(vr_machine_config_validate(&cfg, &error));

    /* The validator: devices without pulse, a name with a space. */
    cfg.sound_output_device = g_strdup("sink");
    g_assert_false(vr_machine_config_validate(&cfg, &error));
    g_assert_error(error, VR_CONFIG_ERROR, VR_CONFIG_ERROR_SOUND);
    g_clear_error(&error);
    cfg.sound_backend = VR_SOUND_PULSE;
    g_assert_true(vr_machine_config_validate(&cfg, &error));
    g_free(cfg.sound_output_device);
    cfg.sound_output_device = g_strdup("two words");
    g_assert_false(vr_machine_config_validate(&cfg, &error));
    g_assert_error(error, VR_CONFIG_ERROR, VR_CONFIG_ERROR_SOUND);
    g_clear_error(&error);
    vr_machine_config_clear(&cfg);

    /* Empty means the server's default. */
    g_autofree char *p = test_write_ini(dir, "[sound]\noutput-device=\ninput-device=mic\n");
    VrMachineConfig empty;
    vr_machine_config_init(&empty);
    g_assert_true(vr_machine_config_load_file(&empty, p, &error));
    g_assert_no_error(error);
    g_assert_null(empty.sound_output_device);
    g_assert_cmpstr(empty.sound_input_device, ==, "mic");
    vr_machine_config_clear(&empty);

    /* Errors name the file, the group and the key. */
    const char *bad[] = {
        "[sound]\nbackend=null\noutput-device=sink\n",
        "[sound]\nbackend=wav\ninput-device=mic\n",
        "[sound]\noutput-device=a\tb\n",
    };
    const char *key[] = {"output-device", "input-device", "output-device"};
    for (unsigned i = 0; i < G_N_ELEMENTS(bad); i++) {
        g_autofree char *b = test_write_ini(dir, bad[i]);
        VrMachineConfig c;
        vr_machine_config_init(&c);
        if (vr_machine_config_load_file(&c, b, &error))
            g_error("'%s' was taken", bad[i]);
        g_assert_nonnull(strstr(error->message, "[sound]"));
        g_assert_nonnull(strstr(error->message, key[i]));
        g_assert_nonnull(strstr(error->message, "machine.ini"));
        g_clear_error(&error);
        vr_machine_config_clear(&c);
    }
    g_unlink(path);
    g_rmdir(dir);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/sound-config/option", test_option);
    g_test_add_func("/sound-config/ini", test_ini);
    g_test_add_func("/sound-config/devices", test_devices);
    g_test_add_func("/sound-config/board", test_board);
    return g_test_run();
}
