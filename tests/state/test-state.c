/* Machine state files: the format refuses what is damaged, and machines saved in one Vireo
 * process resume in another exactly where they were.
 *
 * Environment: VIREO (the vireo executable), VIREO_STATE_COMPUTE (tests/riscv/state's
 * compute program), VIREO_GUESTS_SCRIPTS (the Linux test guests, for the Linux tests). */
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <zlib.h>

#include "guest.h"
#include "vproc.h"
#include "vr-crc32.h"
#include "riscv/riscv.h"
#include "vr-machine.h"
#include "vr-state.h"

static char *tmpdir;

static char *tmp_path(const char *name)
{
    return g_build_filename(tmpdir, name, NULL);
}

static GBytes *read_file(const char *path)
{
    g_autoptr(GError) error = NULL;
    char *data;
    gsize len;
    g_assert_true(g_file_get_contents(path, &data, &len, &error));
    return g_bytes_new_take(data, len);
}

/* Plain writes: these files need not survive a crash, and there are thousands of them. */
static void write_file(const char *path, const void *data, gsize len)
{
    FILE *f = fopen(path, "wb");
    g_assert_nonnull(f);
    g_assert_cmpuint(fwrite(data, 1, len, f), ==, len);
    g_assert_cmpint(fclose(f), ==, 0);
}

/* ---- the format ---- */

static void write_sample(const char *path)
{
    g_autoptr(GError) error = NULL;
    VrStateWriter *w = vr_state_writer_new(path, &error);
    g_assert_nonnull(w);
    vr_state_begin_section(w, "first");
    vr_state_put_u8(w, 0xa5);
    vr_state_put_u16(w, 0xbeef);
    vr_state_put_u32(w, 0xdeadbeef);
    vr_state_put_u64(w, 0x0123456789abcdefull);
    vr_state_put_bool(w, true);
    vr_state_put_string(w, "vireo");
    vr_state_put_string(w, NULL);
    vr_state_end_section(w);
    vr_state_begin_section(w, "second");
    uint64_t v[3] = {1, 2, 3};
    vr_state_put_u64s(w, v, 3);
    uint8_t big[3000];
    for (unsigned i = 0; i < sizeof(big); i++)
        big[i] = (uint8_t) (i * 7);
    vr_state_put_bytes(w, big, sizeof(big));
    vr_state_end_section(w);
    vr_state_begin_section(w, "empty");
    vr_state_end_section(w);
    g_assert_true(vr_state_writer_finish(w, &error));
    g_assert_no_error(error);
}

static void test_format_roundtrip(void)
{
    g_autofree char *path = tmp_path("sample.vstate");
    write_sample(path);
    g_autoptr(GError) error = NULL;
    g_autoptr(VrStateFile) f = vr_state_file_open(path, &error);
    g_assert_no_error(error);
    g_assert_cmpuint(vr_state_file_n_sections(f), ==, 3);
    g_assert_cmpstr(vr_state_file_section_name(f, 1), ==, "second");

    g_autoptr(VrStateReader) r = vr_state_file_find(f, "first");
    g_assert_cmpuint(vr_state_get_u8(r), ==, 0xa5);
    g_assert_cmpuint(vr_state_get_u16(r), ==, 0xbeef);
    g_assert_cmpuint(vr_state_get_u32(r), ==, 0xdeadbeef);
    g_assert_cmpuint(vr_state_get_u64(r), ==, 0x0123456789abcdefull);
    g_assert_true(vr_state_get_bool(r));
    g_autofree char *s = vr_state_get_string(r);
    g_assert_cmpstr(s, ==, "vireo");
    g_assert_null(vr_state_get_string(r));
    g_assert_true(vr_state_reader_check(r, &error));

    g_autoptr(VrStateReader) r2 = vr_state_file_find(f, "second");
    uint64_t v[3];
    vr_state_get_u64s(r2, v, 3);
    g_assert_cmpuint(v[2], ==, 3);
    const uint8_t *big = vr_state_get_ptr(r2, 3000);
    g_assert_nonnull(big);
    g_assert_cmpuint(big[2999], ==, (uint8_t) (2999 * 7));
    g_assert_true(vr_state_reader_check(r2, &error));

    /* Reading past the end fails the reader, which then names the file and the section. */
    g_autoptr(VrStateReader) r3 = vr_state_file_find(f, "empty");
    g_assert_cmpuint(vr_state_get_u32(r3), ==, 0);
    g_assert_true(vr_state_reader_failed(r3));
    g_assert_false(vr_state_reader_check(r3, &error));
    g_assert_nonnull(strstr(error->message, "section 'empty'"));
    g_assert_nonnull(strstr(error->message, path));
    g_clear_error(&error);

    /* A section with bytes left unread is refused as well. */
    g_autoptr(VrStateReader) r4 = vr_state_file_find(f, "second");
    vr_state_get_u64s(r4, v, 3);
    g_assert_false(vr_state_reader_check(r4, &error));
    g_assert_nonnull(strstr(error->message, "left unread"));
}

/* The checksum of the sections is zlib's CRC-32 however it is computed: every length around
 * the fast path's block sizes, every alignment, any running value, and in pieces. */
static void test_format_crc32(void)
{
    const gsize max = (1u << 20) + 77;
    g_autofree uint8_t *buf = g_malloc(max + 16);
    g_autoptr(GRand) rand = g_rand_new_with_seed(7);
    for (gsize i = 0; i < max + 16; i++)
        buf[i] = (uint8_t) g_rand_int(rand);
    const uint32_t starts[] = {0, 0xffffffffu, 0x12345678u};
    gsize lengths[1200 + 4];
    unsigned n_lengths = 0;
    for (gsize n = 0; n < 1200; n++)
        lengths[n_lengths++] = n;
    lengths[n_lengths++] = 4096;
    lengths[n_lengths++] = 65536 + 48;
    lengths[n_lengths++] = 1u << 20;
    lengths[n_lengths++] = max;
    for (unsigned s = 0; s < G_N_ELEMENTS(starts); s++) {
        for (unsigned k = 0; k < n_lengths; k++) {
            gsize len = lengths[k];
            for (unsigned off = 0; off<16; off += len> 4096 ? 5 : 1) {
                const uint8_t *p = buf + off;
                uint32_t want = (uint32_t) crc32_z(starts[s], p, len);
                g_assert_cmphex(vr_crc32(starts[s], p, len), ==, want);
                gsize half = len / 3;
                g_assert_cmphex(vr_crc32(vr_crc32(starts[s], p, half), p + half, len - half), ==,
                                want);
            }
        }
    }
}

/* Every proper prefix of a state file is refused, and says it is truncated (or not a state
 * at all, when even the header is cut). */
static void test_format_truncated(void)
{
    g_autofree char *path = tmp_path("sample.vstate");
    g_autofree char *cut = tmp_path("cut.vstate");
    write_sample(path);
    g_autoptr(GBytes) bytes = read_file(path);
    gsize len;
    const uint8_t *data = g_bytes_get_data(bytes, &len);
    for (gsize n = 0; n < len; n++) {
        write_file(cut, data, n);
        g_autoptr(GError) error = NULL;
        g_autoptr(VrStateFile) f = vr_state_file_open(cut, &error);
        g_assert_null(f);
        g_assert_error(error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
        g_assert_nonnull(strstr(error->message, cut));
        g_assert_true(strstr(error->message, "truncated") || strstr(error->message, "not a Vireo"));
    }
}

/* Any single flipped byte is caught. */
static void test_format_flipped(void)
{
    g_autofree char *path = tmp_path("sample.vstate");
    g_autofree char *bad = tmp_path("flipped.vstate");
    write_sample(path);
    g_autoptr(GBytes) bytes = read_file(path);
    gsize len;
    const uint8_t *data = g_bytes_get_data(bytes, &len);
    g_autofree uint8_t *copy = g_memdup2(data, len);
    for (gsize i = 0; i < len; i++) {
        for (unsigned bit = i % 8; bit < 8; bit += 8) {
            copy[i] ^= (uint8_t) (1u << bit);
            write_file(bad, copy, len);
            copy[i] = data[i];
            g_autoptr(GError) error = NULL;
            g_autoptr(VrStateFile) f = vr_state_file_open(bad, &error);
            if (f)
                g_error("a flip of bit %u of byte %zu went unnoticed", bit, i);
            g_assert_error(error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
        }
    }
}

static void test_format_foreign(void)
{
    g_autofree char *path = tmp_path("foreign.vstate");
    g_autoptr(GError) error = NULL;

    write_file(path, "", 0);
    g_assert_null(vr_state_file_open(path, &error));
    g_assert_nonnull(strstr(error->message, "not a Vireo machine state"));
    g_clear_error(&error);

    const char *text = "[machine]\nname=Demo\narch=riscv64\n";
    write_file(path, text, strlen(text));
    g_assert_null(vr_state_file_open(path, &error));
    g_assert_nonnull(strstr(error->message, "not a Vireo machine state"));
    g_clear_error(&error);

    /* A newer format says so. */
    g_autofree char *sample = tmp_path("sample.vstate");
    write_sample(sample);
    g_autoptr(GBytes) bytes = read_file(sample);
    gsize len;
    const uint8_t *data = g_bytes_get_data(bytes, &len);
    g_autofree uint8_t *copy = g_memdup2(data, len);
    copy[8] = VR_STATE_VERSION + 1;
    write_file(path, copy, len);
    g_assert_null(vr_state_file_open(path, &error));
    g_assert_nonnull(strstr(error->message, "newer Vireo"));
    g_clear_error(&error);

    g_assert_null(vr_state_file_open(tmpdir, &error));
    g_assert_nonnull(strstr(error->message, "not a regular file"));
    g_clear_error(&error);

    g_autofree char *missing = tmp_path("missing.vstate");
    g_assert_null(vr_state_file_open(missing, &error));
    g_assert_error(error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
}

/* ---- machines ---- */

static const char *compute_elf(void)
{
    const char *elf = g_getenv("VIREO_STATE_COMPUTE");
    g_assert_nonnull(elf);
    return elf;
}

/* A machine running the compute program, saved a moment after it started. */
static char *save_compute_machine(const char *name)
{
    VrMachineConfig cfg;
    vr_machine_config_init(&cfg);
    cfg.bios = g_strdup("none");
    cfg.kernel = g_strdup(compute_elf());
    cfg.memory = 64ull << 20;
    cfg.cpus = 2;
    g_autoptr(GError) error = NULL;
    g_autoptr(VrMachine) m = vr_machine_new(&cfg, &error);
    vr_machine_config_clear(&cfg);
    g_assert_no_error(error);
    g_assert_true(vr_machine_start(m, &error));
    g_usleep(200000);
    char *path = tmp_path(name);
    g_assert_true(vr_machine_save_state(m, path, &error));
    g_assert_no_error(error);
    vr_machine_power_off(m);
    return path;
}

/* A real machine's state: cut at every section boundary (and a byte either side), with a
 * byte flipped in each section, with its RAM section dropped: each refused, naming the file. */
static void test_machine_damaged(void)
{
    g_autofree char *path = save_compute_machine("compute.vstate");
    g_autoptr(GError) error = NULL;
    {
        g_autoptr(VrMachine) ok = vr_machine_new_from_state(path, &error);
        g_assert_no_error(error);
        g_assert_nonnull(ok);
    }
    g_autoptr(VrStateFile) f = vr_state_file_open(path, &error);
    g_assert_no_error(error);
    g_autoptr(GBytes) bytes = read_file(path);
    gsize len;
    const uint8_t *data = g_bytes_get_data(bytes, &len);
    g_autofree char *bad = tmp_path("damaged.vstate");

    /* Section boundaries: find each "SECT" marker. */
    g_autoptr(GArray) cuts = g_array_new(FALSE, FALSE, sizeof(gsize));
    for (gsize i = 0; i + 4 <= len; i++) {
        if (memcmp(data + i, "SECT", 4) == 0) {
            for (int d = -1; d <= 1; d++) {
                gsize c = i + (gsize) d;
                g_array_append_val(cuts, c);
            }
        }
    }
    g_assert_cmpuint(cuts->len, >=, 3 * (vr_state_file_n_sections(f) + 1));
    for (guint k = 0; k < cuts->len; k++) {
        gsize n = g_array_index(cuts, gsize, k);
        write_file(bad, data, n);
        g_clear_error(&error);
        g_autoptr(VrMachine) m = vr_machine_new_from_state(bad, &error);
        g_assert_null(m);
        g_assert_nonnull(strstr(error->message, bad));
        if (!strstr(error->message, "truncated") &&
            !(n < 16 && strstr(error->message, "not a Vireo")))
            g_error("cut at %zu: %s", n, error->message);
    }

    /* A flipped byte in the middle of each section. */
    g_autofree uint8_t *copy = g_memdup2(data, len);
    gsize start = 0;
    for (guint k = 0; k < cuts->len; k += 3) {
        gsize sect = g_array_index(cuts, gsize, k + 1);
        if (start) {
            gsize mid = start + (sect - start) / 2;
            copy[mid] ^= 0x10;
            write_file(bad, copy, len);
            copy[mid] = data[mid];
            g_clear_error(&error);
            g_autoptr(VrMachine) m = vr_machine_new_from_state(bad, &error);
            g_assert_null(m);
            g_assert_nonnull(strstr(error->message, bad));
        }
        start = sect;
    }

    /* vireo run --restore says the same and exits with 2. */
    const char *argv[] = {"run", "--restore", bad, NULL};
    write_file(bad, data, len / 2);
    VProc *p = vproc_start(argv);
    g_assert_cmpint(vproc_wait(p, 30), ==, 2);
    g_assert_nonnull(strstr(p->err->str, "truncated"));
    vproc_free(p);
}

/* Writes the sections of the state file at from to path, leaving out the one named skip. */
static void copy_state_without(const char *from, const char *path, const char *skip)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(VrStateFile) f = vr_state_file_open(from, &error);
    g_assert_no_error(error);
    VrStateWriter *w = vr_state_writer_new(path, &error);
    g_assert_no_error(error);
    bool skipped = false;
    for (unsigned i = 0; i < vr_state_file_n_sections(f); i++) {
        const char *name = vr_state_file_section_name(f, i);
        if (strcmp(name, skip) == 0) {
            skipped = true;
            continue;
        }
        g_autoptr(VrStateReader) r = vr_state_file_reader(f, i);
        size_t n = vr_state_reader_remaining(r);
        vr_state_begin_section(w, name);
        vr_state_put_bytes(w, vr_state_get_ptr(r, n), n);
        vr_state_end_section(w);
    }
    g_assert_true(skipped);
    g_assert_true(vr_state_writer_finish(w, &error));
    g_assert_no_error(error);
}

/* A state file saved before the board had its power button restores, and runs on; a file
 * missing any other device's section is still refused. */
static void test_machine_older_file(void)
{
    g_autofree char *path = save_compute_machine("current.vstate");
    g_autofree char *older = tmp_path("older.vstate");
    g_autoptr(GError) error = NULL;

    copy_state_without(path, older, "dev:power-button");
    {
        g_autoptr(VrMachine) m = vr_machine_new_from_state(older, &error);
        g_assert_no_error(error);
        g_assert_nonnull(m);
        g_assert_true(vr_machine_start(m, &error));
        g_assert_no_error(error);
        VrMachineResult result;
        g_assert_true(vr_machine_wait(m, 60 * G_USEC_PER_SEC, &result));
        g_assert_cmpint(result.end, ==, VR_END_POWER_OFF);
    }

    copy_state_without(path, older, "dev:clint");
    g_autoptr(VrMachine) m = vr_machine_new_from_state(older, &error);
    g_assert_null(m);
    g_assert_nonnull(strstr(error->message, "clint"));
}

/* A disc image of size bytes, filled with byte. */
static char *make_disc(const char *name, gsize size, char byte)
{
    char *path = tmp_path(name);
    g_autofree char *data = g_malloc(size);
    memset(data, byte, size);
    write_file(path, data, size);
    return path;
}

/* The "machine" section of the state file at from, written at path as format version 1
 * (before CD drives, screens, networks and sound): each disk without its cdrom and
 * eject-on-reboot flags, no display flag, no network and no sound. */
static void copy_state_as_version1(const char *from, const char *path)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(VrStateFile) f = vr_state_file_open(from, &error);
    g_assert_no_error(error);
    VrStateWriter *w = vr_state_writer_new(path, &error);
    g_assert_no_error(error);
    for (unsigned i = 0; i < vr_state_file_n_sections(f); i++) {
        const char *name = vr_state_file_section_name(f, i);
        g_autoptr(VrStateReader) r = vr_state_file_reader(f, i);
        vr_state_begin_section(w, name);
        if (strcmp(name, "machine") == 0) {
            g_assert_cmpuint(vr_state_get_u32(r), ==, 5);
            vr_state_put_u32(w, 1);
            for (int k = 0; k < 3; k++) { /* name, arch, board */
                g_autofree char *text = vr_state_get_string(r);
                vr_state_put_string(w, text);
            }
            vr_state_put_u32(w, vr_state_get_u32(r));
            vr_state_put_u64(w, vr_state_get_u64(r));
            for (int k = 0; k < 4; k++) { /* bios, kernel, initrd, append */
                g_autofree char *text = vr_state_get_string(r);
                vr_state_put_string(w, text);
            }
            vr_state_put_bool(w, vr_state_get_bool(r));
            uint32_t n = vr_state_get_u32(r);
            vr_state_put_u32(w, n);
            for (uint32_t d = 0; d < n; d++) {
                g_autofree char *disk = vr_state_get_string(r);
                vr_state_put_string(w, disk);
                vr_state_put_bool(w, vr_state_get_bool(r));
                vr_state_put_u64(w, vr_state_get_u64(r));
                vr_state_put_u64(w, vr_state_get_u64(r));
                (void) vr_state_get_bool(r); /* cdrom */
                (void) vr_state_get_bool(r); /* eject-on-reboot */
            }
            g_assert_false(vr_state_get_bool(r));         /* display: none */
            g_assert_false(vr_state_get_bool(r));         /* net: off */
            g_assert_false(vr_state_get_bool(r));         /* restricted */
            g_free(vr_state_get_string(r));               /* mac */
            g_assert_cmpuint(vr_state_get_u32(r), ==, 0); /* forwards */
            g_assert_false(vr_state_get_bool(r));         /* sound: off */
            (void) vr_state_get_u32(r);                   /* sound backend */
            g_free(vr_state_get_string(r));               /* sound output */
            g_free(vr_state_get_string(r));               /* sound input */
            (void) vr_state_get_u32(r);                   /* sound latency */
            g_free(vr_state_get_string(r));               /* sound output device */
            g_free(vr_state_get_string(r));               /* sound input device */
            g_assert_true(vr_state_reader_check(r, &error));
        } else {
            size_t n = vr_state_reader_remaining(r);
            vr_state_put_bytes(w, vr_state_get_ptr(r, n), n);
        }
        vr_state_end_section(w);
    }
    g_assert_true(vr_state_writer_finish(w, &error));
    g_assert_no_error(error);
}

/* CD drives in a state file: each drive's disc as it was when saved (a disc changed while
 * the machine ran included), an empty drive, and eject-on-reboot; a file from before CD
 * drives still restores. */
static void test_machine_cdrom(void)
{
    g_autofree char *disk = make_disc("cd-disk.img", 1 << 20, 0);
    g_autofree char *installer = make_disc("installer.iso", 2 << 20, 'i');
    g_autofree char *other = make_disc("other.iso", 3 << 20, 'o');
    VrMachineConfig cfg;
    vr_machine_config_init(&cfg);
    cfg.bios = g_strdup("none");
    cfg.kernel = g_strdup(compute_elf());
    cfg.memory = 64ull << 20;
    vr_machine_config_add_disk(&cfg, disk, true);
    vr_machine_config_add_cdrom(&cfg, installer);
    g_array_index(cfg.disks, VrDiskConfig, 1).eject_on_reboot = true;
    vr_machine_config_add_cdrom(&cfg, NULL);
    vr_machine_config_add_cdrom(&cfg, NULL);
    g_autoptr(GError) error = NULL;
    g_autofree char *path = tmp_path("cdrom.vstate");
    {
        g_autoptr(VrMachine) m = vr_machine_new(&cfg, &error);
        g_assert_no_error(error);
        g_assert_true(vr_machine_start(m, &error));
        g_assert_true(vr_machine_change_cd(m, 2, other, &error));
        g_assert_no_error(error);
        /* A restart asked for by the host (Reset) is no installer's reboot: nothing ejects. */
        vr_machine_reset(m);
        g_autofree char *kept = vr_machine_cd_path(m, 1);
        g_assert_cmpstr(kept, ==, installer);
        g_assert_true(vr_machine_cd_eject_on_reboot(m, 1));
        g_assert_true(vr_machine_save_state(m, path, &error));
        g_assert_no_error(error);
        vr_machine_power_off(m);
    }
    vr_machine_config_clear(&cfg);

    VrMachineConfig saved;
    vr_machine_config_init(&saved);
    g_assert_true(vr_machine_state_read_config(path, &saved, &error));
    g_assert_no_error(error);
    g_assert_cmpuint(saved.disks->len, ==, 4);
    const VrDiskConfig *d = (const VrDiskConfig *) saved.disks->data;
    g_assert_false(d[0].cdrom);
    g_assert_true(d[1].cdrom && d[1].eject_on_reboot && d[1].readonly);
    g_assert_cmpstr(d[1].path, ==, installer);
    g_assert_true(d[2].cdrom && !d[2].eject_on_reboot);
    g_assert_cmpstr(d[2].path, ==, other);
    g_assert_true(d[3].cdrom);
    g_assert_null(d[3].path);
    vr_machine_config_clear(&saved);
    {
        g_autoptr(VrMachine) m = vr_machine_new_from_state(path, &error);
        g_assert_no_error(error);
        g_autofree char *cd1 = vr_machine_cd_path(m, 1);
        g_autofree char *cd2 = vr_machine_cd_path(m, 2);
        g_assert_cmpstr(cd1, ==, installer);
        g_assert_cmpstr(cd2, ==, other);
        g_assert_null(vr_machine_cd_path(m, 3));
        g_assert_true(vr_machine_cd_eject_on_reboot(m, 1));
        g_assert_true(vr_machine_disk_is_cd(m, 3));
        g_assert_false(vr_machine_disk_is_cd(m, 0));
    }

    /* Version 1 had no CD drives: the same machine without its empty drive, written that
     * way, restores with plain read-only disks. */
    vr_machine_config_init(&cfg);
    cfg.bios = g_strdup("none");
    cfg.kernel = g_strdup(compute_elf());
    cfg.memory = 64ull << 20;
    vr_machine_config_add_disk(&cfg, disk, true);
    vr_machine_config_add_disk(&cfg, installer, true);
    g_autofree char *current = tmp_path("disks.vstate");
    g_autofree char *older = tmp_path("disks-v1.vstate");
    {
        g_autoptr(VrMachine) m = vr_machine_new(&cfg, &error);
        g_assert_no_error(error);
        g_assert_true(vr_machine_start(m, &error));
        g_assert_true(vr_machine_save_state(m, current, &error));
        vr_machine_power_off(m);
    }
    vr_machine_config_clear(&cfg);
    copy_state_as_version1(current, older);
    g_autoptr(VrMachine) m = vr_machine_new_from_state(older, &error);
    g_assert_no_error(error);
    g_assert_nonnull(m);
    g_assert_cmpuint(vr_machine_n_disks(m), ==, 2);
    g_assert_false(vr_machine_disk_is_cd(m, 1));
    g_assert_true(vr_machine_start(m, &error));
    VrMachineResult result;
    g_assert_true(vr_machine_wait(m, 60 * G_USEC_PER_SEC, &result));
    g_assert_cmpint(result.end, ==, VR_END_POWER_OFF);
}

/* The compute program, uninterrupted and in `vireo run`: its whole console output. */
static char *compute_reference(void)
{
    const char *argv[] = {"run",      "--bios", "none",      "--kernel", compute_elf(),
                          "--memory", "64M",    "--timeout", "120",      NULL};
    VProc *p = vproc_start(argv);
    g_assert_cmpint(vproc_wait(p, 150), ==, 0);
    char *out = g_strdup(p->out->str);
    vproc_free(p);
    g_assert_nonnull(strstr(out, "checksum"));
    return out;
}

/* Saved, quit and restored in a new process 50 times at random moments: the output (and so
 * every checksum) is what the uninterrupted run printed. */
static void test_compute_restored_50(void)
{
    g_autofree char *reference = compute_reference();
    g_autofree char *state = tmp_path("compute-cycle.vstate");
    g_autoptr(GString) output = g_string_new(NULL);
    g_autoptr(GRand) rand = g_rand_new_with_seed(g_test_rand_int());
    unsigned restores = 0;
    for (unsigned cycle = 0;; cycle++) {
        const char *first[] = {"run",      "--bios", "none",      "--kernel", compute_elf(),
                               "--memory", "64M",    "--timeout", "120",      NULL};
        const char *again[] = {"run", "--restore", state, "--timeout", "120", NULL};
        VProc *p = vproc_start(cycle == 0 ? first : again);
        if (cycle < 50) {
            vproc_run_for(p, (unsigned) g_rand_int_range(rand, 5, 40));
            g_assert_true(vproc_save_and_quit(p, state, 60));
            g_string_append(output, p->out->str);
            vproc_free(p);
            if (cycle > 0)
                restores++;
            continue;
        }
        g_assert_cmpint(vproc_wait(p, 150), ==, 0);
        g_string_append(output, p->out->str);
        vproc_free(p);
        restores++;
        break;
    }
    g_assert_cmpuint(restores, ==, 50);
    g_assert_cmpstr(output->str, ==, reference);
}

/* ---- Linux ---- */

typedef struct {
    char *kernel, *initrd;
} Linux;

static bool need_linux(Linux *l)
{
    l->kernel = guest_artifact("build-linux.sh", NULL);
    l->initrd = guest_artifact("build-initramfs.sh", NULL);
    if (l->kernel && l->initrd)
        return true;
    g_test_skip("the Linux test guests are not built: run tests/guests/build-all.sh");
    g_free(l->kernel);
    g_free(l->initrd);
    return false;
}

#define LINUX_BOOT_TIMEOUT 180
#define LINUX_CMD_TIMEOUT  60

/* Boots Linux to its shell with the given CPUs and extra vireo run arguments. */
static VProc *linux_start(const Linux *l, const char *cpus, const char *const *extra)
{
    g_autoptr(GPtrArray) argv = g_ptr_array_new();
    const char *base[] = {"run",
                          "--kernel",
                          l->kernel,
                          "--initrd",
                          l->initrd,
                          "--append",
                          "console=ttyS0 earlycon=sbi",
                          "--memory",
                          "256M",
                          "--cpus",
                          cpus};
    for (unsigned i = 0; i < G_N_ELEMENTS(base); i++)
        g_ptr_array_add(argv, (gpointer) base[i]);
    for (unsigned i = 0; extra && extra[i]; i++)
        g_ptr_array_add(argv, (gpointer) extra[i]);
    g_ptr_array_add(argv, NULL);
    VProc *p = vproc_start((const char *const *) argv->pdata);
    g_assert_true(vproc_expect(p, "vireo-initramfs: ready", LINUX_BOOT_TIMEOUT));
    /* Kernel messages (a slow timer interrupt on a loaded host) stay off the console. */
    g_autofree char *quiet = vproc_run_cmd(p, "dmesg -n 1", LINUX_CMD_TIMEOUT);
    g_assert_cmpstr(quiet, ==, "");
    return p;
}

static VProc *restore(const char *state)
{
    const char *argv[] = {"run", "--restore", state, NULL};
    return vproc_start(argv);
}

static void power_off(VProc *p)
{
    vproc_type(p, "poweroff -f\n");
    g_assert_cmpint(vproc_wait(p, LINUX_CMD_TIMEOUT), ==, 0);
}

/* The monitor's system_powerdown: the guest's init hears its power button and powers off. */
static void power_button(VProc *p)
{
    vproc_type(p, "\001csystem_powerdown\n");
    g_assert_true(vproc_expect(p, "power button pressed, powering off", LINUX_CMD_TIMEOUT));
    g_assert_cmpint(vproc_wait(p, LINUX_CMD_TIMEOUT), ==, 0);
    g_assert_nonnull(strstr(p->err->str, "power button pressed; the guest shuts down"));
}

/* Saved at the shell prompt; a new process resumes it and the shell answers; its power
 * button, with the driver's queues restored, still works. */
static void linux_shell(const char *const *extra)
{
    Linux l;
    if (!need_linux(&l))
        return;
    g_autofree char *state = tmp_path("linux-shell.vstate");
    VProc *p = linux_start(&l, "1", extra);
    g_autofree char *before =
        vproc_run_cmd(p, "echo $((6 * 7)) > /tmp/kept; cat /tmp/kept", LINUX_CMD_TIMEOUT);
    g_assert_cmpstr(before, ==, "42");
    g_assert_true(vproc_save_and_quit(p, state, 60));
    vproc_free(p);

    p = restore(state);
    /* What the guest wrote to its RAM file system before the save is there after it. */
    g_autofree char *after = vproc_run_cmd(p, "cat /tmp/kept; uname -m", LINUX_CMD_TIMEOUT);
    g_assert_cmpstr(after, ==, "42\nriscv64");
    /* Its clock goes on and its timers fire: sleep returns. */
    g_autofree char *slept = vproc_run_cmd(p, "sleep 1 && echo awake", LINUX_CMD_TIMEOUT);
    g_assert_cmpstr(slept, ==, "awake");
    power_button(p);
    vproc_free(p);
    g_free(l.kernel);
    g_free(l.initrd);
}

static void test_linux_shell(void)
{
    linux_shell(NULL);
}

/* The same through the virtio console (hvc0): its queues and buffers come back too. */
static void test_linux_shell_virtio_console(void)
{
    const char *extra[] = {"--console", "virtio", "--append", "console=hvc0", NULL};
    linux_shell(extra);
}

/* Four harts: each is back after a restore, and all four run at once. */
static void test_linux_smp4(void)
{
    Linux l;
    if (!need_linux(&l))
        return;
    g_autofree char *state = tmp_path("linux-smp4.vstate");
    VProc *p = linux_start(&l, "4", NULL);
    g_autofree char *n = vproc_run_cmd(p, "nproc", LINUX_CMD_TIMEOUT);
    g_assert_cmpstr(n, ==, "4");
    g_assert_true(vproc_save_and_quit(p, state, 60));
    vproc_free(p);

    p = restore(state);
    g_autofree char *again =
        vproc_run_cmd(p, "nproc; grep -c ^processor /proc/cpuinfo", LINUX_CMD_TIMEOUT);
    g_assert_cmpstr(again, ==, "4\n4");
    /* Work pinned to each hart in turn finishes, and every hart's time grows. */
    g_autofree char *work = vproc_run_cmd(
        p,
        "for c in 0 1 2 3; do taskset -c $c sh -c 'n=0; while [ $n -lt 2000 ]; do n=$((n+1)); "
        "done; echo $n' & done; wait",
        LINUX_CMD_TIMEOUT * 2);
    g_assert_cmpstr(work, ==, "2000\n2000\n2000\n2000");
    power_off(p);
    vproc_free(p);
    g_free(l.kernel);
    g_free(l.initrd);
}

/* The guest's disk writer: block i of DISK_BLOCK bytes is "vireo block i\n" repeated. */
#define DISK_BLOCKS 300
#define DISK_BLOCK  16384

static GChecksum *expected_disk(gsize disk_size)
{
    GChecksum *sum = g_checksum_new(G_CHECKSUM_MD5);
    g_autofree uint8_t *block = g_malloc(DISK_BLOCK);
    for (unsigned i = 0; i < DISK_BLOCKS; i++) {
        g_autofree char *line = g_strdup_printf("vireo block %u\n", i);
        gsize n = strlen(line);
        for (gsize k = 0; k < DISK_BLOCK; k++)
            block[k] = (uint8_t) line[k % n];
        g_checksum_update(sum, block, DISK_BLOCK);
    }
    g_autofree uint8_t *zero = g_malloc0(DISK_BLOCK);
    for (gsize off = (gsize) DISK_BLOCKS * DISK_BLOCK; off < disk_size; off += DISK_BLOCK)
        g_checksum_update(sum, zero, MIN(DISK_BLOCK, disk_size - off));
    return sum;
}

/* A Linux guest writing its disk block after block (each write synced) is saved, quit and
 * restored in a new process 50 times on the way: the disk ends up holding exactly what it
 * should, and the guest's own checksum of it agrees. */
static void test_linux_disk_restored_50(void)
{
    Linux l;
    if (!need_linux(&l))
        return;
    const gsize disk_size = 8u << 20;
    g_autofree char *disk = tmp_path("written.img");
    g_autofree char *state = tmp_path("disk-cycle.vstate");
    FILE *f = fopen(disk, "wb");
    g_assert_nonnull(f);
    g_assert_cmpint(ftruncate(fileno(f), (off_t) disk_size), ==, 0);
    fclose(f);

    g_autofree char *disk_arg = g_strdup(disk);
    const char *extra[] = {"--disk", disk_arg, NULL};
    VProc *p = linux_start(&l, "1", extra);
    /* Short lines: a function writing block $1, then the loop (the quotes split the marker,
     * so the echo of the typed line does not match it). */
    g_autofree char *fn =
        g_strdup_printf("w() { yes \"vireo block $1\" | head -c %u | "
                        "dd of=/dev/vda bs=%u seek=$1 conv=notrunc,fsync 2>/dev/null; }\n",
                        DISK_BLOCK, DISK_BLOCK);
    vproc_type(p, fn);
    g_autofree char *loop = g_strdup_printf("i=0; while [ $i -lt %u ]; do w $i; i=$((i+1)); done; "
                                            "md5sum /dev/vda | cut -c1-32; echo disk''-done\n",
                                            DISK_BLOCKS);
    vproc_type(p, loop);
    g_autoptr(GRand) rand = g_rand_new_with_seed(g_test_rand_int());
    g_autoptr(GString) output = g_string_new(NULL);
    unsigned restores = 0;
    for (unsigned cycle = 0; cycle < 50; cycle++) {
        vproc_run_for(p, (unsigned) g_rand_int_range(rand, 20, 120));
        g_assert_true(vproc_save_and_quit(p, state, 120));
        g_string_append(output, p->out->str);
        vproc_free(p);
        if (strstr(output->str, "disk-done"))
            g_error("the guest finished its writing after %u restores; it needs more work",
                    restores);
        p = restore(state);
        restores++;
    }
    g_assert_true(vproc_expect(p, "disk-done", 600));
    g_string_append(output, p->out->str);
    power_off(p);
    vproc_free(p);
    g_assert_cmpuint(restores, ==, 50);

    g_autoptr(GChecksum) want = expected_disk(disk_size);
    g_autoptr(GChecksum) got = g_checksum_new(G_CHECKSUM_MD5);
    g_autoptr(GBytes) bytes = read_file(disk);
    gsize len;
    const uint8_t *data = g_bytes_get_data(bytes, &len);
    g_assert_cmpuint(len, ==, disk_size);
    g_checksum_update(got, data, len);
    g_assert_cmpstr(g_checksum_get_string(got), ==, g_checksum_get_string(want));
    g_autofree char *guest_sum = g_strdup_printf("%s\r\ndisk-done", g_checksum_get_string(want));
    g_assert_nonnull(strstr(output->str, guest_sum));
    g_free(l.kernel);
    g_free(l.initrd);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    /* The tier the machines here run on (VIREO_ACCEL chooses it for a run of the suite). */
    g_test_message("accel: %s", vr_accel_name(vr_accel_default()));
    tmpdir = g_dir_make_tmp("vireo-state-XXXXXX", NULL);
    g_test_add_func("/state/format/roundtrip", test_format_roundtrip);
    g_test_add_func("/state/format/crc32", test_format_crc32);
    g_test_add_func("/state/format/truncated", test_format_truncated);
    g_test_add_func("/state/format/flipped", test_format_flipped);
    g_test_add_func("/state/format/foreign", test_format_foreign);
    g_test_add_func("/state/machine/damaged", test_machine_damaged);
    g_test_add_func("/state/machine/older-file", test_machine_older_file);
    g_test_add_func("/state/machine/cdrom", test_machine_cdrom);
    g_test_add_func("/state/machine/compute-restored-50", test_compute_restored_50);
    g_test_add_func("/state/linux/shell", test_linux_shell);
    g_test_add_func("/state/linux/shell-virtio-console", test_linux_shell_virtio_console);
    g_test_add_func("/state/linux/smp4", test_linux_smp4);
    g_test_add_func("/state/linux/disk-restored-50", test_linux_disk_restored_50);
    int status = g_test_run();
    g_autofree char *cmd = g_strdup_printf("rm -rf '%s'", tmpdir);
    (void) system(cmd);
    return status;
}
