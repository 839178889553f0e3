/* machine.ini: a machine folder's settings, read and written as a GKeyFile.
 *
 *   [machine]  name, arch, board (optional), cpus, memory, console (serial | virtio),
 *              display (none | gpu; none when absent),
 *              accel (interp | jit: the execution tier; absent: the default, vr_accel_default())
 *   [boot]     firmware (default | none | path), kernel, initrd, cmdline
 *   [disk N]   path, readonly, follow-symlink, cdrom, eject-on-reboot   (N = 0, 1, ...)
 *   [net]      enabled (true when absent), restricted, mac, forwards (a list of hostfwd
 *              strings: "tcp:127.0.0.1:2222-:22;udp::5353-:53")
 *              a CD drive (cdrom=true) is read-only; its path is empty when no disc is in it
 *   [sound]    enabled (true when absent), backend (pulse | wav | null; pulse when absent),
 *              output, input (wav only: the files played to and recorded from),
 *              latency-ms (5 .. 2000; 50 when absent),
 *              output-device, input-device (pulse only: the sink and source names; empty or
 *              absent: the server's default), muted (the card starts muted; false when
 *              absent)
 *
 * Paths are relative to the machine folder unless absolute. Every value is checked; an
 * error names the file, the group, the key and what was expected. */
#include <gio/gio.h>
#include <string.h>
#include <unistd.h>

#include "vr-board.h"
#include "vr-i18n.h"
#include "vr-input-file.h"
#include "vr-machine-config.h"
#include "vr-audio.h"
#include "net/vr-net-slirp.h"
#include "virtio/virtio-net.h"

/* Far more than any machine.ini needs; a bigger file is not one. */
#define VR_MACHINE_CONFIG_MAX_SIZE (1u << 20)

static const char *const machine_keys[] = {"name",    "arch",    "board", "cpus", "memory",
                                           "console", "display", "accel", NULL};
static const char *const boot_keys[] = {"firmware", "kernel", "initrd", "cmdline", NULL};
static const char *const net_keys[] = {"enabled", "restricted", "mac", "forwards", NULL};
static const char *const sound_keys[] = {"enabled",      "backend",    "output",
                                         "input",        "latency-ms", "output-device",
                                         "input-device", "muted",      NULL};
static const char *const sound_backends[] = {
    [VR_SOUND_PULSE] = "pulse", [VR_SOUND_WAV] = "wav", [VR_SOUND_NULL] = "null"};
static const char *const disk_keys[] = {"path",  "readonly",        "follow-symlink",
                                        "cdrom", "eject-on-reboot", NULL};

/* An optional boolean key of group; false when absent. */
static bool get_flag(GKeyFile *kf, const char *file, const char *group, const char *key,
                     bool *value, GError **error)
{
    *value = false;
    if (!g_key_file_has_key(kf, group, key, NULL))
        return true;
    g_autoptr(GError) local = NULL;
    *value = g_key_file_get_boolean(kf, group, key, &local);
    if (local) {
        g_set_error(error, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_INVALID_VALUE,
                    /* Translators: the file, a group ("disk 0"), a key; keep the names. */
                    _("%s: [%s] %s: expected true or false"), file, group, key);
        return false;
    }
    return true;
}

static bool key_known(const char *const *known, const char *key)
{
    for (unsigned i = 0; known[i]; i++)
        if (strcmp(known[i], key) == 0)
            return true;
    return false;
}

static bool check_keys(GKeyFile *kf, const char *file, const char *group, const char *const *known,
                       GError **error)
{
    g_auto(GStrv) keys = g_key_file_get_keys(kf, group, NULL, NULL);
    for (unsigned i = 0; keys && keys[i]; i++) {
        if (!key_known(known, keys[i])) {
            g_autofree char *list = g_strjoinv(", ", (char **) known);
            g_set_error(error, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_KEY_NOT_FOUND,
                        /* Translators: the file, the key, its group, the keys the group takes. */
                        _("%s: unknown key '%s' in group [%s] (known keys: %s)"), file, keys[i],
                        group, list);
            return false;
        }
    }
    return true;
}

static char *resolve(const char *dir, const char *value)
{
    if (!value || !*value)
        return NULL;
    if (g_path_is_absolute(value) || !dir)
        return g_strdup(value);
    return g_build_filename(dir, value, NULL);
}

/* A string value, or NULL when the key is absent; an error for anything unreadable. */
static bool get_string(GKeyFile *kf, const char *file, const char *group, const char *key,
                       char **out, GError **error)
{
    g_autoptr(GError) local = NULL;
    *out = NULL;
    if (!g_key_file_has_key(kf, group, key, NULL))
        return true;
    *out = g_key_file_get_string(kf, group, key, &local);
    if (!*out) {
        g_set_error(error, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_INVALID_VALUE, "%s: [%s] %s: %s",
                    file, group, key, local->message);
        return false;
    }
    return true;
}

static bool load_net(VrMachineConfig *cfg, GKeyFile *kf, const char *path, GError **error)
{
    if (!check_keys(kf, path, "net", net_keys, error))
        return false;
    bool restricted;
    g_autofree char *mac = NULL;
    if (!get_flag(kf, path, "net", "restricted", &restricted, error) ||
        !get_string(kf, path, "net", "mac", &mac, error))
        return false;
    bool enabled = true;
    if (g_key_file_has_key(kf, "net", "enabled", NULL) &&
        !get_flag(kf, path, "net", "enabled", &enabled, error))
        return false;
    uint8_t bytes[6];
    if (mac && !vr_net_parse_mac(mac, bytes)) {
        g_set_error(error, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_INVALID_VALUE,
                    /* Translators: the file, then the value. */
                    _("%s: [net] mac: '%s' is not a MAC address such as 52:54:00:12:34:56 "
                      "(six hexadecimal pairs, not a multicast address)"),
                    path, mac);
        return false;
    }
    g_auto(GStrv) forwards = NULL;
    if (g_key_file_has_key(kf, "net", "forwards", NULL))
        forwards = g_key_file_get_string_list(kf, "net", "forwards", NULL, NULL);
    g_ptr_array_set_size(cfg->net_forwards, 0);
    for (unsigned i = 0; forwards && forwards[i]; i++) {
        VrNetForward fwd;
        g_autoptr(GError) local = NULL;
        if (!vr_net_forward_parse(forwards[i], &fwd, &local)) {
            g_set_error(error, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_INVALID_VALUE,
                        "%s: [net] forwards: %s", path, local->message);
            return false;
        }
        g_ptr_array_add(cfg->net_forwards, g_strdup(forwards[i]));
    }
    cfg->net = enabled;
    cfg->net_restricted = restricted;
    g_free(cfg->net_mac);
    cfg->net_mac = g_steal_pointer(&mac);
    return true;
}

static bool parse_sound_backend(const char *text, VrSoundBackend *backend)
{
    for (unsigned i = 0; i < G_N_ELEMENTS(sound_backends); i++) {
        if (strcmp(text, sound_backends[i]) == 0) {
            *backend = (VrSoundBackend) i;
            return true;
        }
    }
    return false;
}

/* A PulseAudio device name: printable, without spaces, at most 256 bytes. */
static bool device_name_ok(const char *name)
{
    if (strlen(name) > 256)
        return false;
    for (const char *c = name; *c; c++) {
        if ((unsigned char) *c <= ' ' || *c == 0x7f)
            return false;
    }
    return g_utf8_validate(name, -1, NULL);
}

static bool load_sound(VrMachineConfig *cfg, GKeyFile *kf, const char *path, const char *dir,
                       GError **error)
{
    if (!check_keys(kf, path, "sound", sound_keys, error))
        return false;
    bool enabled = true;
    if (g_key_file_has_key(kf, "sound", "enabled", NULL) &&
        !get_flag(kf, path, "sound", "enabled", &enabled, error))
        return false;
    bool muted = false;
    if (!get_flag(kf, path, "sound", "muted", &muted, error))
        return false;
    g_autofree char *backend = NULL, *output = NULL, *input = NULL, *latency = NULL;
    if (!get_string(kf, path, "sound", "backend", &backend, error) ||
        !get_string(kf, path, "sound", "output", &output, error) ||
        !get_string(kf, path, "sound", "input", &input, error) ||
        !get_string(kf, path, "sound", "latency-ms", &latency, error))
        return false;
    g_autofree char *output_device = NULL, *input_device = NULL;
    char **devices[2] = {&output_device, &input_device};
    static const char *const device_keys[2] = {"output-device", "input-device"};
    for (unsigned i = 0; i < 2; i++) {
        if (!get_string(kf, path, "sound", device_keys[i], devices[i], error))
            return false;
        if (*devices[i] && !**devices[i])
            g_clear_pointer(devices[i], g_free);
        if (*devices[i] && !device_name_ok(*devices[i])) {
            g_set_error(error, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_INVALID_VALUE,
                        /* Translators: the file, the key (output-device or input-device), then
                         * the value. */
                        _("%s: [sound] %s: '%s' is not a sound device name (no spaces or "
                          "control characters, at most 256 bytes)"),
                        path, device_keys[i], *devices[i]);
            return false;
        }
    }
    VrSoundBackend kind = VR_SOUND_PULSE;
    if (backend && !parse_sound_backend(backend, &kind)) {
        g_set_error(error, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_INVALID_VALUE,
                    /* Translators: the file, then the value; keep pulse, wav and null. */
                    _("%s: [sound] backend: '%s' is not pulse, wav or null"), path, backend);
        return false;
    }
    if ((output || input) && kind != VR_SOUND_WAV) {
        g_set_error(error, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_INVALID_VALUE,
                    /* Translators: the file, then the key (output or input); keep the names. */
                    _("%s: [sound] %s: only the wav backend takes files (backend=wav)"), path,
                    output ? "output" : "input");
        return false;
    }
    if ((output_device || input_device) && kind != VR_SOUND_PULSE) {
        g_set_error(error, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_INVALID_VALUE,
                    /* Translators: the file, then the key (output-device or input-device); keep
                     * the names. */
                    _("%s: [sound] %s: only the pulse backend takes devices (backend=pulse)"), path,
                    output_device ? "output-device" : "input-device");
        return false;
    }
    guint64 ms = 0;
    if (latency && !g_ascii_string_to_unsigned(latency, 10, VR_AUDIO_MIN_LATENCY_MS,
                                               VR_AUDIO_MAX_LATENCY_MS, &ms, NULL)) {
        g_set_error(error, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_INVALID_VALUE,
                    /* Translators: the file, the value, then the range. */
                    _("%s: [sound] latency-ms: '%s' is not a number of milliseconds from %u to "
                      "%u"),
                    path, latency, VR_AUDIO_MIN_LATENCY_MS, VR_AUDIO_MAX_LATENCY_MS);
        return false;
    }
    cfg->sound = enabled;
    cfg->sound_backend = kind;
    g_free(cfg->sound_output);
    cfg->sound_output = resolve(dir, output);
    g_free(cfg->sound_input);
    cfg->sound_input = resolve(dir, input);
    cfg->sound_latency_ms = (unsigned) ms;
    g_free(cfg->sound_output_device);
    cfg->sound_output_device = g_steal_pointer(&output_device);
    g_free(cfg->sound_input_device);
    cfg->sound_input_device = g_steal_pointer(&input_device);
    cfg->sound_muted = muted;
    return true;
}

bool vr_machine_config_load_file(VrMachineConfig *cfg, const char *path, GError **error)
{
    g_autoptr(GKeyFile) kf = g_key_file_new();
    g_autoptr(GError) local = NULL;
    g_autofree char *text = NULL;
    gsize len = 0;
    if (!vr_read_input_file(path, VR_INPUT_SETTINGS, VR_MACHINE_CONFIG_MAX_SIZE, &text, &len,
                            error))
        return false;
    if (!g_key_file_load_from_data(kf, text, len, G_KEY_FILE_NONE, &local)) {
        g_set_error(error, local->domain, local->code, "%s: %s", path, local->message);
        return false;
    }
    g_autofree char *dir = g_path_get_dirname(path);

    g_auto(GStrv) groups = g_key_file_get_groups(kf, NULL);
    for (unsigned i = 0; groups[i]; i++) {
        const char *g = groups[i];
        if (strcmp(g, "machine") == 0 || strcmp(g, "boot") == 0 || strcmp(g, "net") == 0 ||
            strcmp(g, "sound") == 0)
            continue;
        if (g_str_has_prefix(g, "disk ")) {
            guint64 n;
            if (g_ascii_string_to_unsigned(g + 5, 10, 0, 63, &n, NULL))
                continue;
        }
        g_set_error(error, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_GROUP_NOT_FOUND,
                    /* Translators: the first %s is the file; keep the names in brackets. */
                    _("%s: unknown group [%s] (known: [machine], [boot], [net], [sound], [disk 0] "
                      ".. [disk 63])"),
                    path, g);
        return false;
    }

    if (g_key_file_has_group(kf, "machine")) {
        if (!check_keys(kf, path, "machine", machine_keys, error))
            return false;
        g_autofree char *name = NULL, *arch = NULL, *memory = NULL, *cpus = NULL;
        g_autofree char *console = NULL, *board = NULL, *display = NULL, *accel = NULL;
        if (!get_string(kf, path, "machine", "console", &console, error) ||
            !get_string(kf, path, "machine", "accel", &accel, error) ||
            !get_string(kf, path, "machine", "display", &display, error) ||
            !get_string(kf, path, "machine", "board", &board, error) ||
            !get_string(kf, path, "machine", "name", &name, error) ||
            !get_string(kf, path, "machine", "arch", &arch, error) ||
            !get_string(kf, path, "machine", "memory", &memory, error) ||
            !get_string(kf, path, "machine", "cpus", &cpus, error))
            return false;
        if (name) {
            g_free(cfg->name);
            cfg->name = g_steal_pointer(&name);
        }
        if (arch) {
            g_free(cfg->arch);
            cfg->arch = g_steal_pointer(&arch);
        }
        if (board) {
            if (!vr_board_find(board)) {
                g_autoptr(GString) known = g_string_new(NULL);
                for (const VrBoardInfo *const *b = vr_board_list(); *b; b++)
                    g_string_append_printf(known, "%s%s", known->len ? ", " : "", (*b)->name);
                g_set_error(error, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_INVALID_VALUE,
                            /* Translators: the first %s is the file; keep "[machine] board". */
                            _("%s: [machine] board: '%s' is not a board Vireo knows (known: %s)"),
                            path, board, known->str);
                return false;
            }
            g_free(cfg->board);
            cfg->board = g_steal_pointer(&board);
        }
        if (cpus) {
            guint64 n;
            if (!g_ascii_string_to_unsigned(cpus, 10, 1, 1024, &n, NULL)) {
                g_set_error(error, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_INVALID_VALUE,
                            /* Translators: the first %s is the file; keep "[machine] cpus". */
                            _("%s: [machine] cpus: '%s' is not a number of CPUs (1 or more)"), path,
                            cpus);
                return false;
            }
            cfg->cpus = (unsigned) n;
        }
        if (console && !vr_parse_console(console, &cfg->virtio_console)) {
            g_set_error(error, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_INVALID_VALUE,
                        /* Translators: the first %s is the file; keep the names of settings. */
                        _("%s: [machine] console: '%s' is not a console (serial or virtio)"), path,
                        console);
            return false;
        }
        if (display && !vr_parse_display(display, &cfg->display)) {
            g_set_error(error, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_INVALID_VALUE,
                        /* Translators: the first %s is the file; keep the names of settings. */
                        _("%s: [machine] display: '%s' is not a display (none or gpu)"), path,
                        display);
            return false;
        }
        if (accel && !vr_parse_accel(accel, &cfg->accel)) {
            g_set_error(error, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_INVALID_VALUE,
                        /* Translators: the first %s is the file; keep "[machine] accel", interp
                         * and jit. */
                        _("%s: [machine] accel: '%s' is not an execution tier (interp or jit)"),
                        path, accel);
            return false;
        }
        if (memory && !vr_parse_size(memory, &cfg->memory, &local)) {
            g_set_error(error, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_INVALID_VALUE,
                        "%s: [machine] memory: %s", path, local->message);
            return false;
        }
    }

    if (g_key_file_has_group(kf, "boot")) {
        if (!check_keys(kf, path, "boot", boot_keys, error))
            return false;
        g_autofree char *fw = NULL, *kernel = NULL, *initrd = NULL, *cmdline = NULL;
        if (!get_string(kf, path, "boot", "firmware", &fw, error) ||
            !get_string(kf, path, "boot", "kernel", &kernel, error) ||
            !get_string(kf, path, "boot", "initrd", &initrd, error) ||
            !get_string(kf, path, "boot", "cmdline", &cmdline, error))
            return false;
        if (fw) {
            g_free(cfg->bios);
            if (strcmp(fw, "default") == 0)
                cfg->bios = NULL;
            else if (strcmp(fw, "none") == 0)
                cfg->bios = g_strdup("none");
            else
                cfg->bios = resolve(dir, fw);
        }
        if (kernel) {
            g_free(cfg->kernel);
            cfg->kernel = resolve(dir, kernel);
        }
        if (initrd) {
            g_free(cfg->initrd);
            cfg->initrd = resolve(dir, initrd);
        }
        if (cmdline) {
            g_free(cfg->append);
            cfg->append = g_steal_pointer(&cmdline);
        }
    }

    if (g_key_file_has_group(kf, "net") && !load_net(cfg, kf, path, error))
        return false;
    if (g_key_file_has_group(kf, "sound") && !load_sound(cfg, kf, path, dir, error))
        return false;

    for (unsigned n = 0; n < 64; n++) {
        g_autofree char *group = g_strdup_printf("disk %u", n);
        if (!g_key_file_has_group(kf, group))
            continue;
        if (!check_keys(kf, path, group, disk_keys, error))
            return false;
        g_autofree char *disk = NULL;
        if (!get_string(kf, path, group, "path", &disk, error))
            return false;
        bool readonly, follow, cdrom, eject;
        if (!get_flag(kf, path, group, "readonly", &readonly, error) ||
            !get_flag(kf, path, group, "follow-symlink", &follow, error) ||
            !get_flag(kf, path, group, "cdrom", &cdrom, error) ||
            !get_flag(kf, path, group, "eject-on-reboot", &eject, error))
            return false;
        if ((!disk || !*disk) && !cdrom) {
            g_set_error(error, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_KEY_NOT_FOUND,
                        /* Translators: the file, then a group of it, e.g. "disk 0". */
                        _("%s: [%s] has no path"), path, group);
            return false;
        }
        if (cdrom && g_key_file_has_key(kf, group, "readonly", NULL) && !readonly) {
            g_set_error(error, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_INVALID_VALUE,
                        /* Translators: the file, then a group ("disk 0"); keep the names. */
                        _("%s: [%s] a CD drive (cdrom=true) cannot be written: readonly must "
                          "be true"),
                        path, group);
            return false;
        }
        g_autofree char *full = disk && *disk ? resolve(dir, disk) : NULL;
        if (cdrom)
            vr_machine_config_add_cdrom(cfg, full);
        else
            vr_machine_config_add_disk(cfg, full, readonly);
        VrDiskConfig *d = &g_array_index(cfg->disks, VrDiskConfig, cfg->disks->len - 1);
        d->follow_symlink = follow;
        d->eject_on_reboot = eject && full;
    }
    return true;
}

bool vr_parse_console(const char *text, bool *virtio)
{
    if (strcmp(text, "serial") == 0)
        *virtio = false;
    else if (strcmp(text, "virtio") == 0)
        *virtio = true;
    else
        return false;
    return true;
}

bool vr_parse_display(const char *text, bool *gpu)
{
    if (strcmp(text, "none") == 0)
        *gpu = false;
    else if (strcmp(text, "gpu") == 0)
        *gpu = true;
    else
        return false;
    return true;
}

bool vr_parse_accel(const char *text, VrMachineAccel *accel)
{
    if (strcmp(text, "interp") == 0)
        *accel = VR_MACHINE_ACCEL_INTERP;
    else if (strcmp(text, "jit") == 0)
        *accel = VR_MACHINE_ACCEL_JIT;
    else
        return false;
    return true;
}

char *vr_machines_dir(void)
{
    return g_build_filename(g_get_user_data_dir(), "vireo", "machines", NULL);
}

char *vr_machine_config_find(const char *name_or_path, GError **error)
{
    g_autofree char *candidate = NULL;
    if (g_file_test(name_or_path, G_FILE_TEST_IS_DIR)) {
        candidate = g_build_filename(name_or_path, "machine.ini", NULL);
    } else if (g_str_has_suffix(name_or_path, ".ini") &&
               g_file_test(name_or_path, G_FILE_TEST_EXISTS)) {
        candidate = g_strdup(name_or_path);
    } else if (!strchr(name_or_path, '/')) {
        g_autofree char *dir = vr_machines_dir();
        g_autofree char *folder = g_strdup_printf("%s.vireo", name_or_path);
        candidate = g_build_filename(dir, folder, "machine.ini", NULL);
    }
    /* One that is there but not a regular file is refused, with the reason, when loaded. */
    if (!candidate || !g_file_test(candidate, G_FILE_TEST_EXISTS)) {
        g_autofree char *dir = vr_machines_dir();
        g_set_error(error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                    /* Translators: the second %s is the folder of the machine library. */
                    _("no machine '%s': expected a machine folder holding machine.ini, or the "
                      "name of one in %s"),
                    name_or_path, dir);
        return NULL;
    }
    return g_steal_pointer(&candidate);
}

/* ---- writing ---- */

char *vr_format_size(uint64_t bytes)
{
    static const struct {
        unsigned shift;
        char suffix;
    } units[] = {{40, 'T'}, {30, 'G'}, {20, 'M'}, {10, 'K'}};
    for (unsigned i = 0; i < G_N_ELEMENTS(units); i++) {
        uint64_t unit = 1ull << units[i].shift;
        if (bytes >= unit && bytes % unit == 0)
            return g_strdup_printf("%" G_GUINT64_FORMAT "%c", bytes / unit, units[i].suffix);
    }
    return g_strdup_printf("%" G_GUINT64_FORMAT "B", bytes);
}

/* A path as machine.ini keeps it: relative when it lies inside the machine's folder. */
static char *path_for_file(const char *dir, const char *path)
{
    if (!g_path_is_absolute(path))
        return g_strdup(path);
    g_autofree char *canonical = g_canonicalize_filename(path, NULL);
    g_autofree char *prefix = g_strconcat(dir, G_DIR_SEPARATOR_S, NULL);
    if (g_str_has_prefix(canonical, prefix) && canonical[strlen(prefix)] != '\0')
        return g_strdup(canonical + strlen(prefix));
    return g_strdup(path);
}

static void set_or_remove(GKeyFile *kf, const char *group, const char *key, const char *value)
{
    if (value)
        g_key_file_set_string(kf, group, key, value);
    else
        g_key_file_remove_key(kf, group, key, NULL);
}

bool vr_machine_config_save_file(const VrMachineConfig *cfg, const char *path, GError **error)
{
    g_autoptr(GKeyFile) kf = g_key_file_new();
    /* Keep the comments of a file that still reads; start afresh from one that does not. */
    if (!g_key_file_load_from_file(kf, path, G_KEY_FILE_KEEP_COMMENTS, NULL)) {
        g_key_file_unref(kf);
        kf = g_key_file_new();
    }
    g_autofree char *dir = NULL;
    {
        g_autofree char *d = g_path_get_dirname(path);
        dir = g_canonicalize_filename(d, NULL);
    }

    /* Groups this writer does not know would make the loader refuse the file. */
    g_auto(GStrv) groups = g_key_file_get_groups(kf, NULL);
    for (unsigned i = 0; groups[i]; i++)
        if (strcmp(groups[i], "machine") != 0 && strcmp(groups[i], "boot") != 0)
            g_key_file_remove_group(kf, groups[i], NULL);

    set_or_remove(kf, "machine", "name", cfg->name);
    set_or_remove(kf, "machine", "arch", cfg->arch);
    /* Only a board chosen by name is written: without one the machine follows its
     * architecture's default board. */
    set_or_remove(kf, "machine", "board", cfg->board);
    g_key_file_set_uint64(kf, "machine", "cpus", cfg->cpus);
    g_autofree char *memory = vr_format_size(cfg->memory);
    g_key_file_set_string(kf, "machine", "memory", memory);
    g_key_file_set_string(kf, "machine", "console", cfg->virtio_console ? "virtio" : "serial");
    g_key_file_set_string(kf, "machine", "display", cfg->display ? "gpu" : "none");
    /* Only a tier chosen by name is written: without one the machine follows the default. */
    set_or_remove(kf, "machine", "accel",
                  cfg->accel == VR_MACHINE_ACCEL_DEFAULT ? NULL
                                                         : vr_machine_accel_name(cfg->accel));

    g_autofree char *fw = NULL, *kernel = NULL, *initrd = NULL;
    if (!cfg->bios)
        fw = g_strdup("default");
    else if (strcmp(cfg->bios, "none") == 0)
        fw = g_strdup("none");
    else
        fw = path_for_file(dir, cfg->bios);
    if (cfg->kernel)
        kernel = path_for_file(dir, cfg->kernel);
    if (cfg->initrd)
        initrd = path_for_file(dir, cfg->initrd);
    g_key_file_set_string(kf, "boot", "firmware", fw);
    set_or_remove(kf, "boot", "kernel", kernel);
    set_or_remove(kf, "boot", "initrd", initrd);
    set_or_remove(kf, "boot", "cmdline", cfg->append && *cfg->append ? cfg->append : NULL);

    for (guint i = 0; cfg->disks && i < cfg->disks->len; i++) {
        const VrDiskConfig *d = &g_array_index(cfg->disks, VrDiskConfig, i);
        g_autofree char *group = g_strdup_printf("disk %u", i);
        g_autofree char *disk = d->path ? path_for_file(dir, d->path) : g_strdup("");
        g_key_file_set_string(kf, group, "path", disk);
        g_key_file_set_boolean(kf, group, "readonly", d->readonly || d->cdrom);
        if (d->follow_symlink)
            g_key_file_set_boolean(kf, group, "follow-symlink", true);
        if (d->cdrom)
            g_key_file_set_boolean(kf, group, "cdrom", true);
        if (d->cdrom && d->path && d->eject_on_reboot)
            g_key_file_set_boolean(kf, group, "eject-on-reboot", true);
    }

    bool has_forwards = cfg->net_forwards && cfg->net_forwards->len;
    if (cfg->net || cfg->net_mac || has_forwards) {
        g_key_file_set_boolean(kf, "net", "enabled", cfg->net);
        g_key_file_set_boolean(kf, "net", "restricted", cfg->net_restricted);
        set_or_remove(kf, "net", "mac", cfg->net_mac);
        if (has_forwards)
            g_key_file_set_string_list(kf, "net", "forwards",
                                       (const char *const *) cfg->net_forwards->pdata,
                                       cfg->net_forwards->len);
    }

    if (cfg->sound || cfg->sound_backend != VR_SOUND_PULSE || cfg->sound_output ||
        cfg->sound_input || cfg->sound_latency_ms || cfg->sound_output_device ||
        cfg->sound_input_device || cfg->sound_muted) {
        g_key_file_set_boolean(kf, "sound", "enabled", cfg->sound);
        g_key_file_set_string(kf, "sound", "backend", sound_backends[cfg->sound_backend]);
        g_autofree char *output = cfg->sound_output ? path_for_file(dir, cfg->sound_output) : NULL;
        g_autofree char *input = cfg->sound_input ? path_for_file(dir, cfg->sound_input) : NULL;
        set_or_remove(kf, "sound", "output", output);
        set_or_remove(kf, "sound", "input", input);
        if (cfg->sound_latency_ms)
            g_key_file_set_integer(kf, "sound", "latency-ms", (int) cfg->sound_latency_ms);
        else
            g_key_file_remove_key(kf, "sound", "latency-ms", NULL);
        set_or_remove(kf, "sound", "output-device", cfg->sound_output_device);
        set_or_remove(kf, "sound", "input-device", cfg->sound_input_device);
        if (cfg->sound_muted)
            g_key_file_set_boolean(kf, "sound", "muted", true);
        else
            g_key_file_remove_key(kf, "sound", "muted", NULL);
    }

    gsize len = 0;
    g_autofree char *data = g_key_file_to_data(kf, &len, NULL);
    /* g_file_set_contents writes a temporary file beside path, syncs it and renames it. */
    g_autoptr(GError) local = NULL;
    if (!g_file_set_contents_full(path, data, (gssize) len,
                                  G_FILE_SET_CONTENTS_CONSISTENT | G_FILE_SET_CONTENTS_DURABLE,
                                  0644, &local)) {
        g_set_error(error, local->domain, local->code, _("%s: cannot save: %s"), path,
                    local->message);
        return false;
    }
    return true;
}

/* ---- checking ---- */

G_DEFINE_QUARK(vr - config - error - quark, vr_config_error)

const char *vr_config_error_field(int code)
{
    static const char *const fields[] = {
        [VR_CONFIG_ERROR_ARCH] = "arch",         [VR_CONFIG_ERROR_BOARD] = "board",
        [VR_CONFIG_ERROR_CPUS] = "cpus",         [VR_CONFIG_ERROR_MEMORY] = "memory",
        [VR_CONFIG_ERROR_DISKS] = "disks",       [VR_CONFIG_ERROR_CMDLINE] = "cmdline",
        [VR_CONFIG_ERROR_FIRMWARE] = "firmware", [VR_CONFIG_ERROR_KERNEL] = "kernel",
        [VR_CONFIG_ERROR_NET] = "net",           [VR_CONFIG_ERROR_SOUND] = "sound",
        [VR_CONFIG_ERROR_ACCEL] = "accel",
    };
    return code >= 0 && (size_t) code < G_N_ELEMENTS(fields) ? fields[code] : NULL;
}

const char *vr_config_error_get_field(const GError *error)
{
    return error && error->domain == VR_CONFIG_ERROR ? vr_config_error_field(error->code) : NULL;
}

/* A size as exact as it is: "16 MiB", "1 TiB", "4 KiB", "1000 bytes". */
static char *exact_size(uint64_t bytes)
{
    static const char *const units[] = {"TiB", "GiB", "MiB", "KiB"};
    for (unsigned i = 0; i < G_N_ELEMENTS(units); i++) {
        uint64_t unit = 1ull << (10 * (4 - i));
        if (bytes >= unit && bytes % unit == 0)
            return g_strdup_printf("%" G_GUINT64_FORMAT " %s", bytes / unit, units[i]);
    }
    return g_strdup_printf("%" G_GUINT64_FORMAT " B", bytes);
}

static uint64_t host_memory(void)
{
    long pages = sysconf(_SC_PHYS_PAGES), page_size = sysconf(_SC_PAGESIZE);
    return pages > 0 && page_size > 0 ? (uint64_t) pages * (uint64_t) page_size : 0;
}

static bool check_memory(const VrMachineConfig *cfg, const VrBoardInfo *board, GError **error)
{
    uint64_t host = host_memory();
    bool in_range = cfg->memory >= board->min_memory && cfg->memory <= board->max_memory &&
                    cfg->memory % board->memory_granularity == 0;
    /* More than the host has is said first: it is what the user can act on. */
    if ((in_range || cfg->memory > board->max_memory) && host && cfg->memory > host) {
        g_set_error(error, VR_CONFIG_ERROR, VR_CONFIG_ERROR_MEMORY,
                    _("%llu MiB of guest memory asked for, but this host has only %llu MiB"),
                    (unsigned long long) (cfg->memory >> 20), (unsigned long long) (host >> 20));
        return false;
    }
    if (!in_range) {
        g_autofree char *min = exact_size(board->min_memory);
        g_autofree char *max = exact_size(board->max_memory);
        g_autofree char *page = exact_size(board->memory_granularity);
        g_set_error(error, VR_CONFIG_ERROR, VR_CONFIG_ERROR_MEMORY,
                    /* Translators: the size in bytes, the board, its smallest and largest
                     * memory and its page size, e.g. "16 MiB", "1 TiB", "4 KiB". */
                    g_dngettext(GETTEXT_PACKAGE,
                                "memory size %llu byte is not usable (the %s board takes %s to "
                                "%s, in whole pages of %s)",
                                "memory size %llu bytes is not usable (the %s board takes %s to "
                                "%s, in whole pages of %s)",
                                (gulong) MIN(cfg->memory, G_MAXULONG)),
                    (unsigned long long) cfg->memory, board->name, min, max, page);
        return false;
    }
    return true;
}

static bool check_net(const VrMachineConfig *cfg, GError **error)
{
    uint8_t mac[6];
    if (cfg->net_mac && !vr_net_parse_mac(cfg->net_mac, mac)) {
        g_set_error(error, VR_CONFIG_ERROR, VR_CONFIG_ERROR_NET,
                    _("'%s' is not a MAC address such as 52:54:00:12:34:56 (six hexadecimal "
                      "pairs, not a multicast address)"),
                    cfg->net_mac);
        return false;
    }
    for (guint i = 0; cfg->net_forwards && i < cfg->net_forwards->len; i++) {
        VrNetForward fwd;
        g_autoptr(GError) local = NULL;
        if (!vr_net_forward_parse(cfg->net_forwards->pdata[i], &fwd, &local)) {
            g_set_error_literal(error, VR_CONFIG_ERROR, VR_CONFIG_ERROR_NET, local->message);
            return false;
        }
    }
    return true;
}

static bool check_sound(const VrMachineConfig *cfg, GError **error)
{
    if ((unsigned) cfg->sound_backend >= G_N_ELEMENTS(sound_backends)) {
        g_set_error(error, VR_CONFIG_ERROR, VR_CONFIG_ERROR_SOUND,
                    _("sound backend %d is not pulse, wav or null"), (int) cfg->sound_backend);
        return false;
    }
    if (cfg->sound_latency_ms && (cfg->sound_latency_ms < VR_AUDIO_MIN_LATENCY_MS ||
                                  cfg->sound_latency_ms > VR_AUDIO_MAX_LATENCY_MS)) {
        g_set_error(error, VR_CONFIG_ERROR, VR_CONFIG_ERROR_SOUND,
                    _("a sound latency of %u ms (expected %u to %u ms)"), cfg->sound_latency_ms,
                    VR_AUDIO_MIN_LATENCY_MS, VR_AUDIO_MAX_LATENCY_MS);
        return false;
    }
    if ((cfg->sound_output || cfg->sound_input) && cfg->sound_backend != VR_SOUND_WAV) {
        g_set_error(error, VR_CONFIG_ERROR, VR_CONFIG_ERROR_SOUND,
                    _("sound files are given, but only the wav backend takes them"));
        return false;
    }
    const char *devices[2] = {cfg->sound_output_device, cfg->sound_input_device};
    for (unsigned i = 0; i < 2; i++) {
        if (devices[i] && (!*devices[i] || !device_name_ok(devices[i]))) {
            g_set_error(error, VR_CONFIG_ERROR, VR_CONFIG_ERROR_SOUND,
                        _("'%s' is not a sound device name"), devices[i]);
            return false;
        }
    }
    if ((devices[0] || devices[1]) && cfg->sound_backend != VR_SOUND_PULSE) {
        g_set_error(error, VR_CONFIG_ERROR, VR_CONFIG_ERROR_SOUND,
                    _("sound devices are given, but only the pulse backend takes them"));
        return false;
    }
    return true;
}

static bool bad_sound_option(const char *text, GError **error)
{
    g_set_error(error, VR_CONFIG_ERROR, VR_CONFIG_ERROR_SOUND,
                /* Translators: keep none, pulse, null, wav, out= and in=, the values --sound
                 * takes. */
                _("'%s' is not a sound backend: none, pulse, null, or wav:out=FILE[,in=FILE]"),
                text);
    return false;
}

bool vr_parse_sound_option(VrMachineConfig *cfg, const char *text, GError **error)
{
    if (strcmp(text, "none") == 0) {
        cfg->sound = false;
        return true;
    }
    if (strcmp(text, "pulse") == 0 || strcmp(text, "null") == 0) {
        cfg->sound = true;
        cfg->sound_backend = text[0] == 'p' ? VR_SOUND_PULSE : VR_SOUND_NULL;
        g_clear_pointer(&cfg->sound_output, g_free);
        g_clear_pointer(&cfg->sound_input, g_free);
        if (cfg->sound_backend != VR_SOUND_PULSE) {
            g_clear_pointer(&cfg->sound_output_device, g_free);
            g_clear_pointer(&cfg->sound_input_device, g_free);
        }
        return true;
    }
    if (strcmp(text, "wav") != 0 && !g_str_has_prefix(text, "wav:"))
        return bad_sound_option(text, error);
    g_autofree char *output = NULL, *input = NULL;
    if (text[3] == ':') {
        if (!text[4])
            return bad_sound_option(text, error);
        g_auto(GStrv) parts = g_strsplit(text + 4, ",", 0);
        for (unsigned i = 0; parts[i]; i++) {
            const char *p = parts[i];
            if (g_str_has_prefix(p, "out=") && p[4] && !output)
                output = g_strdup(p + 4);
            else if (g_str_has_prefix(p, "in=") && p[3] && !input)
                input = g_strdup(p + 3);
            else
                return bad_sound_option(text, error);
        }
    }
    cfg->sound = true;
    cfg->sound_backend = VR_SOUND_WAV;
    g_free(cfg->sound_output);
    cfg->sound_output = g_steal_pointer(&output);
    g_free(cfg->sound_input);
    cfg->sound_input = g_steal_pointer(&input);
    g_clear_pointer(&cfg->sound_output_device, g_free);
    g_clear_pointer(&cfg->sound_input_device, g_free);
    return true;
}

bool vr_parse_net_option(VrMachineConfig *cfg, const char *text, GError **error)
{
    if (strcmp(text, "none") == 0) {
        cfg->net = false;
        return true;
    }
    g_auto(GStrv) parts = g_strsplit(text, ",", 0);
    if (!parts[0] || strcmp(parts[0], "user") != 0) {
        g_set_error(error, VR_CONFIG_ERROR, VR_CONFIG_ERROR_NET,
                    /* Translators: keep none and user, the values --net takes. */
                    _("'%s' is not a network: none, or user with options such as "
                      "user,restrict=on,hostfwd=tcp:127.0.0.1:2222-:22"),
                    text);
        return false;
    }
    bool restricted = cfg->net_restricted;
    g_autofree char *mac = g_strdup(cfg->net_mac);
    g_autoptr(GPtrArray) forwards = g_ptr_array_new_with_free_func(g_free);
    for (unsigned i = 1; parts[i]; i++) {
        const char *p = parts[i];
        VrNetForward fwd;
        uint8_t bytes[6];
        if (g_str_has_prefix(p, "hostfwd=")) {
            g_autoptr(GError) local = NULL;
            if (!vr_net_forward_parse(p + 8, &fwd, &local)) {
                g_set_error_literal(error, VR_CONFIG_ERROR, VR_CONFIG_ERROR_NET, local->message);
                return false;
            }
            g_ptr_array_add(forwards, g_strdup(p + 8));
        } else if (strcmp(p, "restrict=on") == 0 || strcmp(p, "restrict=yes") == 0) {
            restricted = true;
        } else if (strcmp(p, "restrict=off") == 0 || strcmp(p, "restrict=no") == 0) {
            restricted = false;
        } else if (g_str_has_prefix(p, "mac=")) {
            if (!vr_net_parse_mac(p + 4, bytes)) {
                g_set_error(error, VR_CONFIG_ERROR, VR_CONFIG_ERROR_NET,
                            _("'%s' is not a MAC address such as 52:54:00:12:34:56 (six "
                              "hexadecimal pairs, not a multicast address)"),
                            p + 4);
                return false;
            }
            g_free(mac);
            mac = g_strdup(p + 4);
        } else {
            g_set_error(error, VR_CONFIG_ERROR, VR_CONFIG_ERROR_NET,
                        /* Translators: keep restrict=on|off, mac= and hostfwd=. */
                        _("'%s' is not a user network option (restrict=on|off, "
                          "mac=52:54:00:12:34:56, hostfwd=tcp:127.0.0.1:2222-:22)"),
                        p);
            return false;
        }
    }
    cfg->net = true;
    cfg->net_restricted = restricted;
    g_free(cfg->net_mac);
    cfg->net_mac = g_steal_pointer(&mac);
    if (forwards->len) {
        g_ptr_array_set_size(cfg->net_forwards, 0);
        for (guint i = 0; i < forwards->len; i++)
            g_ptr_array_add(cfg->net_forwards, g_strdup(forwards->pdata[i]));
    }
    return true;
}

bool vr_machine_config_validate(const VrMachineConfig *cfg, GError **error)
{
    const VrBoardInfo *board = vr_board_for_config(cfg, error);
    if (!board)
        return false;
    if (!check_net(cfg, error) || !check_sound(cfg, error))
        return false;
    if (cfg->accel != VR_MACHINE_ACCEL_DEFAULT && cfg->accel != VR_MACHINE_ACCEL_INTERP &&
        cfg->accel != VR_MACHINE_ACCEL_JIT) {
        g_set_error(error, VR_CONFIG_ERROR, VR_CONFIG_ERROR_ACCEL,
                    /* Translators: keep interp and jit, the tiers. */
                    _("execution tier %d is not interp or jit"), (int) cfg->accel);
        return false;
    }
    if (cfg->cpus < board->min_cpus || cfg->cpus > board->max_cpus) {
        g_set_error(error, VR_CONFIG_ERROR, VR_CONFIG_ERROR_CPUS,
                    /* Translators: the CPUs asked for, the board (riscv64-virt), its range. */
                    g_dngettext(GETTEXT_PACKAGE, "%u CPU asked for; the %s board has %u to %u",
                                "%u CPUs asked for; the %s board has %u to %u", cfg->cpus),
                    cfg->cpus, board->name, board->min_cpus, board->max_cpus);
        return false;
    }
    if (!check_memory(cfg, board, error))
        return false;
    unsigned max_disks = vr_board_max_disks(board, cfg->virtio_console);
    unsigned n_disks = cfg->disks ? cfg->disks->len : 0;
    if (n_disks > max_disks) {
        g_set_error(error, VR_CONFIG_ERROR, VR_CONFIG_ERROR_DISKS,
                    /* Translators: the disks asked for, the board (riscv64-virt), its limit. */
                    g_dngettext(GETTEXT_PACKAGE, "%u disk asked for; the %s board takes at most %u",
                                "%u disks asked for; the %s board takes at most %u", n_disks),
                    n_disks, board->name, max_disks);
        return false;
    }
    if (cfg->append) {
        size_t len = strlen(cfg->append);
        if (len > board->max_cmdline) {
            g_set_error(error, VR_CONFIG_ERROR, VR_CONFIG_ERROR_CMDLINE,
                        g_dngettext(GETTEXT_PACKAGE,
                                    "the kernel command line is %zu byte long; Linux takes at "
                                    "most %u",
                                    "the kernel command line is %zu bytes long; Linux takes at "
                                    "most %u",
                                    (gulong) MIN(len, G_MAXULONG)),
                        len, (unsigned) board->max_cmdline);
            return false;
        }
        for (const char *c = cfg->append; *c; c++) {
            if ((unsigned char) *c < 0x20 || *c == 0x7f) {
                g_set_error(error, VR_CONFIG_ERROR, VR_CONFIG_ERROR_CMDLINE,
                            _("the kernel command line holds a control character (one line of "
                              "printable text expected)"));
                return false;
            }
        }
    }
    if (cfg->bios && !*cfg->bios) {
        g_set_error(error, VR_CONFIG_ERROR, VR_CONFIG_ERROR_FIRMWARE,
                    /* Translators: 'none' stays as it is (the value that means no firmware). */
                    _("the firmware is an empty path (expected a file, 'none' or the default)"));
        return false;
    }
    if (cfg->bios && strcmp(cfg->bios, "none") == 0 && !cfg->kernel) {
        g_set_error(error, VR_CONFIG_ERROR, VR_CONFIG_ERROR_KERNEL,
                    _("no kernel given: without firmware the kernel is what runs"));
        return false;
    }
    return true;
}
