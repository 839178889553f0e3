/* The machine library (engine/vr-library.c), machine.ini writing and validation
 * (engine/vr-machine-config.c), and `vireo create` / `vireo list`. */
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "vr-board.h"
#include "vr-library.h"
#include "vr-machine-config.h"
#include "vr-machine.h"

static char *tmp_root;

static char *tmp_path(const char *name)
{
    return g_build_filename(tmp_root, name, NULL);
}

/* A fresh folder for one test. */
static char *fresh_dir(const char *name)
{
    char *dir = tmp_path(name);
    g_assert_cmpint(g_mkdir_with_parents(dir, 0755), ==, 0);
    return dir;
}

/* A RISC-V ELF with one segment at the start of RAM holding a jump to itself. */
static char *write_elf(const char *name)
{
    guint8 elf[0x1000 + 4] = {0};
    memcpy(elf,
           "\x7f"
           "ELF",
           4);
    elf[4] = 2; /* 64-bit */
    elf[5] = 1; /* little-endian */
    elf[6] = 1;
    elf[16] = 2;   /* ET_EXEC */
    elf[18] = 243; /* EM_RISCV */
    elf[20] = 1;
    guint64 entry = 0x80000000ull, phoff = 64;
    memcpy(elf + 24, &entry, 8);
    memcpy(elf + 32, &phoff, 8);
    elf[52] = 64; /* ehsize */
    elf[54] = 56; /* phentsize */
    elf[56] = 1;  /* phnum */
    guint8 *ph = elf + 64;
    guint32 type = 1, flags = 5;
    guint64 offset = 0x1000, filesz = 4, align = 0x1000;
    memcpy(ph, &type, 4);
    memcpy(ph + 4, &flags, 4);
    memcpy(ph + 8, &offset, 8);
    memcpy(ph + 16, &entry, 8);
    memcpy(ph + 24, &entry, 8);
    memcpy(ph + 32, &filesz, 8);
    memcpy(ph + 40, &filesz, 8);
    memcpy(ph + 48, &align, 8);
    guint32 jump_self = 0x0000006f;
    memcpy(elf + 0x1000, &jump_self, 4);
    char *path = tmp_path(name);
    g_assert_true(g_file_set_contents(path, (const char *) elf, sizeof(elf), NULL));
    return path;
}

static void assert_configs_equal(const VrMachineConfig *a, const VrMachineConfig *b)
{
    g_assert_cmpstr(a->name, ==, b->name);
    g_assert_cmpstr(a->arch, ==, b->arch);
    g_assert_cmpuint(a->cpus, ==, b->cpus);
    g_assert_cmpuint(a->memory, ==, b->memory);
    g_assert_cmpstr(a->bios, ==, b->bios);
    g_assert_cmpstr(a->kernel, ==, b->kernel);
    g_assert_cmpstr(a->initrd, ==, b->initrd);
    g_assert_cmpstr(a->append, ==, b->append);
    g_assert_cmpint(a->virtio_console, ==, b->virtio_console);
    g_assert_cmpuint(a->disks->len, ==, b->disks->len);
    for (guint i = 0; i < a->disks->len; i++) {
        const VrDiskConfig *da = &g_array_index(a->disks, VrDiskConfig, i);
        const VrDiskConfig *db = &g_array_index(b->disks, VrDiskConfig, i);
        g_assert_cmpstr(da->path, ==, db->path);
        g_assert_cmpint(da->readonly, ==, db->readonly);
        g_assert_cmpint(da->cdrom, ==, db->cdrom);
        g_assert_cmpint(da->eject_on_reboot, ==, db->eject_on_reboot);
    }
}

/* CD drives: one with a disc to eject at the next restart, one empty; both read-only. */
static void test_cdrom_round_trip(void)
{
    g_autofree char *dir = fresh_dir("cdrom.vireo");
    g_autofree char *ini = g_build_filename(dir, "machine.ini", NULL);
    VrMachineConfig cfg;
    vr_machine_config_init(&cfg);
    cfg.name = g_strdup("cd");
    g_autofree char *disk = g_build_filename(dir, "disk.img", NULL);
    g_autofree char *iso = g_build_filename(dir, "installer.iso", NULL);
    g_assert_true(g_file_set_contents(disk, "", 0, NULL));
    g_assert_true(g_file_set_contents(iso, "", 0, NULL));
    vr_machine_config_add_disk(&cfg, disk, false);
    vr_machine_config_add_cdrom(&cfg, iso);
    g_array_index(cfg.disks, VrDiskConfig, 1).eject_on_reboot = true;
    vr_machine_config_add_cdrom(&cfg, NULL);
    g_autoptr(GError) error = NULL;
    g_assert_true(vr_machine_config_save_file(&cfg, ini, &error));
    g_assert_no_error(error);
    VrMachineConfig back;
    vr_machine_config_init(&back);
    g_assert_true(vr_machine_config_load_file(&back, ini, &error));
    g_assert_no_error(error);
    assert_configs_equal(&cfg, &back);
    g_assert_true(g_array_index(back.disks, VrDiskConfig, 1).readonly);
    g_assert_null(g_array_index(back.disks, VrDiskConfig, 2).path);
    /* An empty drive has nothing to check; the library does not call it missing. */
    g_assert_true(vr_library_check_files(&back, &error));
    vr_machine_config_clear(&back);
    vr_machine_config_clear(&cfg);

    static const char *const bad[] = {
        "[disk 0]\npath=a.iso\ncdrom=true\nreadonly=false\n",
        "[disk 0]\npath=a.iso\ncdrom=maybe\n",
        "[disk 0]\npath=\n",
    };
    for (unsigned i = 0; i < G_N_ELEMENTS(bad); i++) {
        g_assert_true(g_file_set_contents(ini, bad[i], -1, NULL));
        vr_machine_config_init(&back);
        g_clear_error(&error);
        g_assert_false(vr_machine_config_load_file(&back, ini, &error));
        g_assert_nonnull(error);
        g_assert_nonnull(strstr(error->message, "[disk 0]"));
        vr_machine_config_clear(&back);
    }
}

/* ---- machine.ini ---- */

static void test_save_round_trip(void)
{
    g_autofree char *dir = fresh_dir("roundtrip.vireo");
    g_autofree char *ini = g_build_filename(dir, "machine.ini", NULL);
    g_autofree char *inside = g_build_filename(dir, "disk.img", NULL);
    g_autofree char *fw = g_build_filename(dir, "fw.bin", NULL);
    static const struct {
        const char *bios;
        guint64 memory;
        gboolean virtio;
    } cases[] = {
        {NULL, 512ull << 20, FALSE},
        {"none", 3ull << 30, TRUE},
        {"/opt/firmware/fw_dynamic.bin", 1536ull << 20, FALSE},
        {"INSIDE", 4100ull << 10, FALSE},
    };
    for (unsigned c = 0; c < G_N_ELEMENTS(cases); c++) {
        VrMachineConfig cfg;
        vr_machine_config_init(&cfg);
        cfg.name = g_strdup(" Débian = \"12\" ; #x ");
        cfg.cpus = 3;
        cfg.memory = cases[c].memory;
        cfg.bios = g_strdup(g_strcmp0(cases[c].bios, "INSIDE") == 0 ? fw : cases[c].bios);
        cfg.kernel = g_strdup("/boot/vmlinuz");
        cfg.initrd = g_strdup(inside);
        cfg.append = g_strdup("console=ttyS0 root=/dev/vda1 init=\"/bin/sh -c x\" \\ ;#");
        cfg.virtio_console = cases[c].virtio;
        vr_machine_config_add_disk(&cfg, inside, false);
        vr_machine_config_add_disk(&cfg, "/srv/images/debian.iso", true);
        g_autoptr(GError) error = NULL;
        g_assert_true(vr_machine_config_save_file(&cfg, ini, &error));
        g_assert_no_error(error);

        VrMachineConfig back;
        vr_machine_config_init(&back);
        g_assert_true(vr_machine_config_load_file(&back, ini, &error));
        g_assert_no_error(error);
        assert_configs_equal(&cfg, &back);
        vr_machine_config_clear(&back);
        vr_machine_config_clear(&cfg);
    }
    /* Paths inside the folder are written relative to it, so the folder can move. */
    g_autofree char *text = NULL;
    g_assert_true(g_file_get_contents(ini, &text, NULL, NULL));
    g_assert_nonnull(strstr(text, "path=disk.img"));
    g_assert_nonnull(strstr(text, "firmware=fw.bin"));
    g_assert_nonnull(strstr(text, "path=/srv/images/debian.iso"));
    /* No temporary file is left beside it. */
    g_autoptr(GDir) d = g_dir_open(dir, 0, NULL);
    const char *name;
    while ((name = g_dir_read_name(d)))
        g_assert_cmpstr(name, ==, "machine.ini");
}

static void test_save_keeps_comments_drops_stale_disks(void)
{
    g_autofree char *dir = fresh_dir("comments.vireo");
    g_autofree char *ini = g_build_filename(dir, "machine.ini", NULL);
    g_assert_true(g_file_set_contents(ini,
                                      "# my favourite machine\n[machine]\nname=Old\ncpus=2\n"
                                      "[disk 0]\npath=a.img\n[disk 1]\npath=b.img\n",
                                      -1, NULL));
    VrMachineConfig cfg;
    vr_machine_config_init(&cfg);
    g_autoptr(GError) error = NULL;
    g_assert_true(vr_machine_config_load_file(&cfg, ini, &error));
    g_free(g_array_index(cfg.disks, VrDiskConfig, 1).path);
    g_array_remove_index(cfg.disks, 1);
    g_free(cfg.name);
    cfg.name = g_strdup("New");
    g_assert_true(vr_machine_config_save_file(&cfg, ini, &error));
    g_autofree char *text = NULL;
    g_assert_true(g_file_get_contents(ini, &text, NULL, NULL));
    g_assert_nonnull(strstr(text, "# my favourite machine"));
    g_assert_nonnull(strstr(text, "name=New"));
    g_assert_null(strstr(text, "b.img"));
    vr_machine_config_clear(&cfg);
}

static void test_validate(void)
{
    const VrBoardInfo *board = vr_board_find("riscv64-virt");
    g_assert_nonnull(board);
    g_autofree char *elf = write_elf("spin.elf");
    VrMachineConfig cfg;
    vr_machine_config_init(&cfg);
    cfg.bios = g_strdup("none");
    cfg.kernel = g_strdup(elf);
    cfg.memory = 64ull << 20;
    g_autoptr(GError) error = NULL;
    g_assert_true(vr_machine_config_validate(&cfg, &error));

    /* What validation refuses, the engine refuses too (the UI relies on that). */
    static const struct {
        const char *what;
        const char *message;
    } bad[] = {
        {"arch", "architecture"},
        {"cpus 0", "CPUs"},
        {"cpus 9", "CPUs"},
        {"memory 8M", "memory"},
        {"memory unaligned", "memory"},
        {"memory more than the host", "this host has"},
    };
    for (unsigned i = 0; i < G_N_ELEMENTS(bad); i++) {
        VrMachineConfig c;
        vr_machine_config_copy(&c, &cfg);
        switch (i) {
        case 0:
            g_free(c.arch);
            c.arch = g_strdup("x86_64");
            break;
        case 1: c.cpus = 0; break;
        case 2: c.cpus = board->max_cpus + 1; break;
        case 3: c.memory = 8ull << 20; break;
        case 4: c.memory = (64ull << 20) + 512; break;
        case 5: c.memory = 1ull << 40; break;
        }
        g_autoptr(GError) e1 = NULL;
        g_assert_false(vr_machine_config_validate(&c, &e1));
        g_test_message("%s: %s", bad[i].what, e1->message);
        g_assert_nonnull(strstr(e1->message, bad[i].message));
        g_autoptr(GError) e2 = NULL;
        VrMachine *m = vr_machine_new(&c, &e2);
        g_assert_null(m);
        g_assert_nonnull(e2);
        vr_machine_config_clear(&c);
    }

    /* The board's largest machine is accepted by both. */
    cfg.cpus = board->max_cpus;
    g_assert_true(vr_machine_config_validate(&cfg, &error));
    VrMachine *m = vr_machine_new(&cfg, &error);
    g_assert_no_error(error);
    g_assert_nonnull(m);
    vr_machine_free(m);

    /* More disks than the board has slots for. */
    g_autofree char *disk = tmp_path("validate-disk.img");
    g_assert_true(vr_disk_create_raw(disk, 1 << 20, &error));
    unsigned max_disks = vr_board_max_disks(board, false);
    for (unsigned i = 0; i <= max_disks; i++)
        vr_machine_config_add_disk(&cfg, disk, true);
    g_assert_false(vr_machine_config_validate(&cfg, &error));
    g_assert_nonnull(strstr(error->message, "disks"));
    g_clear_error(&error);
    g_assert_null(vr_machine_new(&cfg, &error));
    g_clear_error(&error);
    g_free(g_array_index(cfg.disks, VrDiskConfig, max_disks).path);
    g_array_set_size(cfg.disks, max_disks);

    /* A command line Linux would cut off, or one with a line break in it. */
    cfg.append = g_strnfill(board->max_cmdline + 1, 'x');
    g_assert_false(vr_machine_config_validate(&cfg, &error));
    g_clear_error(&error);
    g_free(cfg.append);
    cfg.append = g_strdup("console=ttyS0\nrm -rf /");
    g_assert_false(vr_machine_config_validate(&cfg, &error));
    g_clear_error(&error);

    /* Without firmware there must be a kernel. */
    g_clear_pointer(&cfg.append, g_free);
    g_clear_pointer(&cfg.kernel, g_free);
    g_assert_false(vr_machine_config_validate(&cfg, &error));
    g_clear_error(&error);
    vr_machine_config_clear(&cfg);
}

static void test_format_size(void)
{
    static const struct {
        guint64 bytes;
        const char *text;
    } cases[] = {
        {512ull << 20, "512M"},   {2ull << 30, "2G"}, {1536ull << 20, "1536M"},
        {4100ull << 10, "4100K"}, {1ull << 40, "1T"}, {4097, "4097B"},
    };
    for (unsigned i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autofree char *text = vr_format_size(cases[i].bytes);
        g_assert_cmpstr(text, ==, cases[i].text);
        guint64 back = 0;
        g_assert_true(vr_parse_size(text, &back, NULL));
        g_assert_cmpuint(back, ==, cases[i].bytes);
    }
}

/* ---- the library ---- */

static VrMachineConfig *sample_config(const char *name, const char *kernel)
{
    VrMachineConfig *cfg = g_new0(VrMachineConfig, 1);
    vr_machine_config_init(cfg);
    cfg->name = g_strdup(name);
    cfg->bios = g_strdup("none");
    cfg->kernel = g_strdup(kernel);
    cfg->memory = 64ull << 20;
    return cfg;
}

static void config_free(VrMachineConfig *cfg)
{
    vr_machine_config_clear(cfg);
    g_free(cfg);
}

static void test_create_and_list(void)
{
    g_autofree char *lib = tmp_path("lib-create");
    g_autofree char *elf = write_elf("create.elf");
    g_autoptr(GError) error = NULL;

    /* A library folder that does not exist yet lists as empty. */
    g_autoptr(GPtrArray) none = vr_library_list(lib, &error);
    g_assert_no_error(error);
    g_assert_cmpuint(none->len, ==, 0);

    VrMachineConfig *cfg = sample_config("Zeta", elf);
    g_autofree char *zeta = vr_library_create(lib, cfg, 10ull << 30, &error);
    g_assert_no_error(error);
    g_assert_true(g_str_has_suffix(zeta, "/Zeta.vireo"));
    g_autofree char *disk = g_build_filename(zeta, "disk.img", NULL);
    GStatBuf st;
    g_assert_cmpint(g_stat(disk, &st), ==, 0);
    g_assert_cmpuint((guint64) st.st_size, ==, 10ull << 30);
    g_assert_cmpuint((guint64) st.st_blocks * 512, <, 1 << 20); /* sparse */
    config_free(cfg);

    /* The same name again, and a bad one, are refused and leave nothing behind. */
    cfg = sample_config("Zeta", elf);
    g_assert_null(vr_library_create(lib, cfg, 0, &error));
    g_assert_error(error, G_IO_ERROR, G_IO_ERROR_EXISTS);
    g_clear_error(&error);
    g_free(cfg->name);
    cfg->name = g_strdup("../escape");
    g_assert_null(vr_library_create(lib, cfg, 0, &error));
    g_clear_error(&error);
    g_free(cfg->name);
    cfg->name = g_strdup("Too Many CPUs");
    cfg->cpus = 99;
    g_assert_null(vr_library_create(lib, cfg, 1 << 20, &error));
    g_clear_error(&error);
    g_autofree char *leftover = g_build_filename(lib, "Too Many CPUs.vireo", NULL);
    g_assert_false(g_file_test(leftover, G_FILE_TEST_EXISTS));
    config_free(cfg);

    cfg = sample_config("alpha", elf);
    g_autofree char *alpha = vr_library_create(lib, cfg, 0, &error);
    g_assert_no_error(error);
    config_free(cfg);
    /* Not machines: hidden folders, other names, plain files. */
    g_autofree char *hidden = g_build_filename(lib, ".hidden.vireo", NULL);
    g_autofree char *other = g_build_filename(lib, "notes", NULL);
    g_autofree char *file = g_build_filename(lib, "file.vireo", NULL);
    g_mkdir(hidden, 0755);
    g_mkdir(other, 0755);
    g_file_set_contents(file, "", 0, NULL);

    g_autoptr(GPtrArray) list = vr_library_list(lib, &error);
    g_assert_no_error(error);
    g_assert_cmpuint(list->len, ==, 2);
    const VrLibraryEntry *e0 = g_ptr_array_index(list, 0), *e1 = g_ptr_array_index(list, 1);
    g_assert_cmpstr(vr_library_entry_name(e0), ==, "alpha");
    g_assert_cmpstr(vr_library_entry_name(e1), ==, "Zeta");
    g_assert_cmpint(e1->problem, ==, VR_PROBLEM_NONE);
    g_assert_true(e1->cfg_loaded);
    g_assert_cmpuint(e1->cfg.disks->len, ==, 1);
    g_assert_cmpstr(g_array_index(e1->cfg.disks, VrDiskConfig, 0).path, ==, disk);
    g_assert_null(e1->screenshot);

    /* Every name is unique. */
    g_autofree char *unique = vr_library_unique_name(lib, "Zeta");
    g_assert_cmpstr(unique, ==, "Zeta 2");
}

static void test_damaged_entries(void)
{
    g_autofree char *lib = fresh_dir("lib-damaged");
    g_autofree char *elf = write_elf("damaged.elf");
    g_autoptr(GError) error = NULL;

    g_autofree char *noini = g_build_filename(lib, "NoIni.vireo", NULL);
    g_mkdir(noini, 0755);
    g_autofree char *garbled = g_build_filename(lib, "Garbled.vireo", NULL);
    g_mkdir(garbled, 0755);
    g_autofree char *garbled_ini = g_build_filename(garbled, "machine.ini", NULL);
    g_file_set_contents(garbled_ini, "\xff\xfe[machine\x01\n", -1, NULL);
    g_autofree char *badvalue = g_build_filename(lib, "BadValue.vireo", NULL);
    g_mkdir(badvalue, 0755);
    g_autofree char *badvalue_ini = g_build_filename(badvalue, "machine.ini", NULL);
    g_file_set_contents(badvalue_ini, "[machine]\ncpus=64\n[boot]\nfirmware=none\nkernel=/x\n", -1,
                        NULL);
    VrMachineConfig *cfg = sample_config("NoDisk", elf);
    g_autofree char *nodisk = vr_library_create(lib, cfg, 1 << 20, &error);
    g_assert_no_error(error);
    config_free(cfg);
    g_autofree char *disk = g_build_filename(nodisk, "disk.img", NULL);
    g_unlink(disk);
    cfg = sample_config("NoKernel", "/nonexistent/kernel");
    g_autofree char *nokernel_folder = vr_library_folder_for(lib, "NoKernel");
    g_mkdir(nokernel_folder, 0755);
    g_autofree char *nokernel_ini = g_build_filename(nokernel_folder, "machine.ini", NULL);
    g_assert_true(vr_machine_config_save_file(cfg, nokernel_ini, &error));
    config_free(cfg);

    g_autoptr(GPtrArray) list = vr_library_list(lib, &error);
    g_assert_no_error(error);
    g_assert_cmpuint(list->len, ==, 5);
    for (guint i = 0; i < list->len; i++) {
        const VrLibraryEntry *e = g_ptr_array_index(list, i);
        g_test_message("%s: %s", e->id, e->problem_message);
        g_assert_cmpint(e->problem, !=, VR_PROBLEM_NONE);
        g_assert_nonnull(e->problem_message);
        if (g_str_equal(e->id, "NoIni") || g_str_equal(e->id, "Garbled") ||
            g_str_equal(e->id, "BadValue")) {
            g_assert_cmpint(e->problem, ==, VR_PROBLEM_CONFIG);
            g_assert_nonnull(strstr(e->problem_message, "machine.ini"));
        } else {
            g_assert_cmpint(e->problem, ==, VR_PROBLEM_MISSING_FILE);
            g_assert_nonnull(strstr(e->problem_message, "missing"));
        }
    }
    const VrLibraryEntry *bad = NULL;
    for (guint i = 0; i < list->len; i++)
        if (g_str_equal(((VrLibraryEntry *) g_ptr_array_index(list, i))->id, "BadValue"))
            bad = g_ptr_array_index(list, i);
    g_assert_nonnull(strstr(bad->problem_message, "CPUs"));
}

static void test_delete_undo(void)
{
    g_autofree char *lib = tmp_path("lib-delete");
    g_autofree char *elf = write_elf("delete.elf");
    g_autoptr(GError) error = NULL;
    VrMachineConfig *cfg = sample_config("Doomed", elf);
    g_autofree char *folder = vr_library_create(lib, cfg, 1 << 20, &error);
    config_free(cfg);

    g_autofree char *staged = vr_library_trash(folder, &error);
    g_assert_no_error(error);
    g_assert_false(g_file_test(folder, G_FILE_TEST_EXISTS));
    g_autoptr(GPtrArray) list = vr_library_list(lib, NULL);
    g_assert_cmpuint(list->len, ==, 0);
    g_assert_true(vr_library_restore(staged, folder, &error));
    g_assert_true(g_file_test(folder, G_FILE_TEST_IS_DIR));
    g_autofree char *disk = g_build_filename(folder, "disk.img", NULL);
    g_assert_true(g_file_test(disk, G_FILE_TEST_IS_REGULAR));

    g_autofree char *staged2 = vr_library_trash(folder, &error);
    g_assert_true(vr_library_purge(staged2, &error));
    g_autofree char *holder = g_path_get_dirname(staged2);
    g_assert_false(g_file_test(holder, G_FILE_TEST_EXISTS));
    g_assert_false(g_file_test(folder, G_FILE_TEST_EXISTS));

    /* What a run left staged goes at the next start. */
    cfg = sample_config("Leftover", elf);
    g_autofree char *left = vr_library_create(lib, cfg, 0, &error);
    config_free(cfg);
    g_autofree char *staged3 = vr_library_trash(left, &error);
    vr_library_purge_all_staged(lib);
    g_assert_false(g_file_test(staged3, G_FILE_TEST_EXISTS));
}

static void test_rename(void)
{
    g_autofree char *lib = tmp_path("lib-rename");
    g_autofree char *elf = write_elf("rename.elf");
    g_autoptr(GError) error = NULL;
    VrMachineConfig *cfg = sample_config("Before", elf);
    cfg->net = true;
    cfg->net_mac = g_strdup("52:54:00:aa:bb:cc");
    g_autofree char *folder = vr_library_create(lib, cfg, 1 << 20, &error);
    g_free(cfg->name);
    cfg->name = g_strdup("Taken");
    g_autofree char *taken = vr_library_create(lib, cfg, 0, &error);
    config_free(cfg);

    g_assert_null(vr_library_rename(folder, "Taken", &error));
    g_assert_error(error, G_IO_ERROR, G_IO_ERROR_EXISTS);
    g_clear_error(&error);
    g_assert_null(vr_library_rename(folder, "a/b", &error));
    g_clear_error(&error);

    g_autofree char *renamed = vr_library_rename(folder, "After", &error);
    g_assert_no_error(error);
    g_assert_false(g_file_test(folder, G_FILE_TEST_EXISTS));
    g_autoptr(VrLibraryEntry) e = vr_library_entry_load(renamed);
    g_assert_cmpint(e->problem, ==, VR_PROBLEM_NONE);
    g_assert_cmpstr(vr_library_entry_name(e), ==, "After");
    g_assert_cmpstr(e->id, ==, "After");
    /* The same machine: its card keeps its address. */
    g_assert_cmpstr(e->cfg.net_mac, ==, "52:54:00:aa:bb:cc");
    /* The disk moved with the folder (its path is relative). */
    g_assert_true(g_str_has_prefix(g_array_index(e->cfg.disks, VrDiskConfig, 0).path, renamed));
}

static void test_duplicate(void)
{
    g_autofree char *lib = tmp_path("lib-duplicate");
    g_autofree char *elf = write_elf("duplicate.elf");
    g_autoptr(GError) error = NULL;
    VrMachineConfig *cfg = sample_config("Original", elf);
    cfg->net = true;
    cfg->net_mac = g_strdup("52:54:00:aa:bb:cc");
    g_autofree char *folder = vr_library_create(lib, cfg, 256ull << 20, &error);
    config_free(cfg);
    g_autofree char *disk = g_build_filename(folder, "disk.img", NULL);
    /* Some data in the middle of an otherwise empty disk. */
    FILE *f = fopen(disk, "r+b");
    g_assert_nonnull(f);
    fseek(f, 100 << 20, SEEK_SET);
    fputs("the data in the middle", f);
    fclose(f);
    g_autofree char *shot = g_build_filename(folder, "screenshot.png", NULL);
    g_file_set_contents(shot, "png", -1, NULL);
    /* A saved state is listed, and stays behind: it names the original's disks. */
    g_autofree char *state = g_build_filename(folder, VR_LIBRARY_SAVED_STATE, NULL);
    g_file_set_contents(state, "state", -1, NULL);
    g_autoptr(VrLibraryEntry) original = vr_library_entry_load(folder);
    g_assert_cmpstr(original->saved_state, ==, state);

    g_autofree char *copy = vr_library_duplicate(folder, "Copy", NULL, &error);
    g_assert_no_error(error);
    g_autoptr(VrLibraryEntry) e = vr_library_entry_load(copy);
    g_assert_cmpint(e->problem, ==, VR_PROBLEM_NONE);
    g_assert_cmpstr(vr_library_entry_name(e), ==, "Copy");
    /* Its own network card address. */
    g_assert_cmpstr(original->cfg.net_mac, ==, "52:54:00:aa:bb:cc");
    g_assert_nonnull(e->cfg.net_mac);
    g_assert_cmpstr(e->cfg.net_mac, !=, "52:54:00:aa:bb:cc");
    g_assert_true(g_str_has_prefix(e->cfg.net_mac, "52:54:00:"));
    g_assert_null(e->screenshot);
    g_assert_null(e->saved_state);
    g_autofree char *copy_disk = g_build_filename(copy, "disk.img", NULL);
    g_assert_cmpstr(g_array_index(e->cfg.disks, VrDiskConfig, 0).path, ==, copy_disk);
    GStatBuf a, b;
    g_assert_cmpint(g_stat(disk, &a), ==, 0);
    g_assert_cmpint(g_stat(copy_disk, &b), ==, 0);
    g_assert_cmpint(a.st_size, ==, b.st_size);
    g_assert_cmpuint((guint64) b.st_blocks * 512, <, 4 << 20); /* still sparse */
    g_autofree char *data_a = NULL, *data_b = NULL;
    gsize len_a, len_b;
    g_assert_true(g_file_get_contents(disk, &data_a, &len_a, NULL));
    g_assert_true(g_file_get_contents(copy_disk, &data_b, &len_b, NULL));
    g_assert_cmpmem(data_a, len_a, data_b, len_b);

    /* No half-made copy stays visible when a copy fails or is cancelled. */
    g_autoptr(GCancellable) cancel = g_cancellable_new();
    g_cancellable_cancel(cancel);
    g_assert_null(vr_library_duplicate(folder, "Cancelled", cancel, &error));
    g_clear_error(&error);
    g_autoptr(GPtrArray) list = vr_library_list(lib, NULL);
    g_assert_cmpuint(list->len, ==, 2);
}

/* Writes text at offset of the file at path. */
static void write_at(const char *path, long offset, const char *text)
{
    FILE *f = fopen(path, "r+b");
    g_assert_nonnull(f);
    g_assert_cmpint(fseek(f, offset, SEEK_SET), ==, 0);
    fputs(text, f);
    fclose(f);
}

static void assert_same_content(const char *a, const char *b)
{
    g_autofree char *data_a = NULL, *data_b = NULL;
    gsize len_a, len_b;
    g_assert_true(g_file_get_contents(a, &data_a, &len_a, NULL));
    g_assert_true(g_file_get_contents(b, &data_b, &len_b, NULL));
    g_assert_cmpmem(data_a, len_a, data_b, len_b);
}

/* What a copy's progress reports said. */
typedef struct {
    guint calls;
    guint64 last_done, total;
    gboolean backwards;
} Progress;

static void record_progress(uint64_t done, uint64_t total, gpointer data)
{
    Progress *p = data;
    if (done < p->last_done || (p->calls && total != p->total) || done > total)
        p->backwards = TRUE;
    p->calls++;
    p->last_done = done;
    p->total = total;
}

/* A writable disk outside the machine's folder gets copied into the duplicate's folder (the
 * two machines must never write one image); a read-only one (an install image) stays shared. */
static void test_duplicate_external_disks(void)
{
    g_autofree char *lib = tmp_path("lib-duplicate-external");
    g_autofree char *outside = fresh_dir("outside-disks");
    g_autofree char *elf = write_elf("duplicate-external.elf");
    g_autoptr(GError) error = NULL;

    /* 64 MiB, sparse, with a few blocks written. */
    g_autofree char *data_disk = g_build_filename(outside, "data.img", NULL);
    g_assert_true(vr_disk_create_raw(data_disk, 64 << 20, &error));
    write_at(data_disk, 0, "first block");
    write_at(data_disk, 10 << 20, "a block at 10 MiB");
    write_at(data_disk, (64 << 20) - 4096, "the last block");
    g_autofree char *iso = g_build_filename(outside, "installer.iso", NULL);
    g_assert_true(vr_disk_create_raw(iso, 1 << 20, &error));
    write_at(iso, 0x8000, "\001CD001");
    /* A second writable disk of the same name, so the copies need names of their own. */
    g_autofree char *other_dir = fresh_dir("outside-disks/other");
    g_autofree char *data_disk2 = g_build_filename(other_dir, "data.img", NULL);
    g_assert_true(vr_disk_create_raw(data_disk2, 1 << 20, &error));
    write_at(data_disk2, 512, "the other disk");

    VrMachineConfig *cfg = sample_config("External", elf);
    vr_machine_config_add_disk(cfg, data_disk, false);
    vr_machine_config_add_disk(cfg, iso, true);
    vr_machine_config_add_disk(cfg, data_disk2, false);
    g_autofree char *folder = vr_library_create(lib, cfg, 1 << 20, &error);
    g_assert_no_error(error);
    config_free(cfg);
    GStatBuf before;
    g_assert_cmpint(g_stat(data_disk, &before), ==, 0);
    g_autofree char *ini = g_build_filename(folder, "machine.ini", NULL);
    g_autofree char *ini_before = NULL;
    g_assert_true(g_file_get_contents(ini, &ini_before, NULL, NULL));

    VrDuplicateReport report;
    Progress progress = {0};
    g_autofree char *copy = vr_library_duplicate_full(folder, "External Copy", &report,
                                                      record_progress, &progress, NULL, &error);
    g_assert_no_error(error);
    g_assert_nonnull(copy);
    /* disk.img in the folder, data.img and the other data.img: three of its own. */
    g_assert_cmpuint(report.copied, ==, 3);
    g_assert_cmpuint(report.shared->len, ==, 1);
    g_assert_cmpstr(g_ptr_array_index(report.shared, 0), ==, iso);
    vr_duplicate_report_clear(&report);
    /* Progress only goes forward and ends at what was there to copy: at least the blocks
     * written on the outside disks, far less than their size (holes are not counted). */
    g_assert_cmpuint(progress.calls, >=, 1);
    g_assert_false(progress.backwards);
    g_assert_cmpuint(progress.last_done, ==, progress.total);
    g_assert_cmpuint(progress.total, >=, 3 * 512);
    g_assert_cmpuint(progress.total, <, 4 << 20);

    g_autoptr(VrLibraryEntry) e = vr_library_entry_load(copy);
    g_assert_cmpint(e->problem, ==, VR_PROBLEM_NONE);
    g_assert_cmpuint(e->cfg.disks->len, ==, 4);
    g_autofree char *copy_disk0 = g_build_filename(copy, "disk.img", NULL);
    g_autofree char *copy_data = g_build_filename(copy, "data.img", NULL);
    g_autofree char *copy_data2 = g_build_filename(copy, "data-2.img", NULL);
    const VrDiskConfig *d = &g_array_index(e->cfg.disks, VrDiskConfig, 0);
    g_assert_cmpstr(d[0].path, ==, copy_disk0);
    g_assert_cmpstr(d[1].path, ==, copy_data);
    g_assert_false(d[1].readonly);
    g_assert_cmpstr(d[2].path, ==, iso);
    g_assert_true(d[2].readonly);
    g_assert_cmpstr(d[3].path, ==, copy_data2);
    g_assert_false(d[3].readonly);
    /* machine.ini names the copies relative to the folder, so the folder can move. */
    g_autoptr(GKeyFile) kf = g_key_file_new();
    g_autofree char *copy_ini = g_build_filename(copy, "machine.ini", NULL);
    g_assert_true(g_key_file_load_from_file(kf, copy_ini, G_KEY_FILE_NONE, NULL));
    g_autofree char *path1 = g_key_file_get_string(kf, "disk 1", "path", NULL);
    g_assert_cmpstr(path1, ==, "data.img");

    assert_same_content(data_disk, copy_data);
    assert_same_content(data_disk2, copy_data2);
    GStatBuf st;
    g_assert_cmpint(g_stat(copy_data, &st), ==, 0);
    g_assert_cmpuint((guint64) st.st_size, ==, 64 << 20);
    g_assert_cmpuint((guint64) st.st_blocks * 512, <, 1 << 20); /* still sparse */

    /* The original is untouched: its machine.ini and its disk. */
    g_autofree char *ini_after = NULL;
    g_assert_true(g_file_get_contents(ini, &ini_after, NULL, NULL));
    g_assert_cmpstr(ini_before, ==, ini_after);
    GStatBuf after;
    g_assert_cmpint(g_stat(data_disk, &after), ==, 0);
    g_assert_cmpint(after.st_ino, ==, before.st_ino);
    g_assert_cmpint(after.st_mtime, ==, before.st_mtime);
    /* Writing the copy does not write the original. */
    write_at(copy_data, 0, "changed in the copy");
    g_autofree char *head = NULL;
    g_assert_true(g_file_get_contents(data_disk, &head, NULL, NULL));
    g_assert_cmpstr(head, ==, "first block");
}

/* A writable disk that is a symbolic link in the folder (follow-symlink) is copied too. */
static void test_duplicate_linked_disk(void)
{
    g_autofree char *lib = tmp_path("lib-duplicate-link");
    g_autofree char *outside = fresh_dir("linked-disks");
    g_autofree char *elf = write_elf("duplicate-link.elf");
    g_autoptr(GError) error = NULL;
    g_autofree char *target = g_build_filename(outside, "real.img", NULL);
    g_assert_true(vr_disk_create_raw(target, 1 << 20, &error));
    write_at(target, 4096, "behind the link");

    VrMachineConfig *cfg = sample_config("Linked", elf);
    g_autofree char *folder = vr_library_create(lib, cfg, 0, &error);
    g_assert_no_error(error);
    g_autofree char *link = g_build_filename(folder, "linked.img", NULL);
    g_assert_cmpint(symlink(target, link), ==, 0);
    vr_machine_config_add_disk(cfg, link, false);
    g_array_index(cfg->disks, VrDiskConfig, 0).follow_symlink = true;
    g_autofree char *ini = g_build_filename(folder, "machine.ini", NULL);
    g_assert_true(vr_machine_config_save_file(cfg, ini, &error));
    config_free(cfg);

    VrDuplicateReport report;
    g_autofree char *copy =
        vr_library_duplicate_full(folder, "Linked Copy", &report, NULL, NULL, NULL, &error);
    g_assert_no_error(error);
    g_assert_cmpuint(report.copied, ==, 1);
    g_assert_cmpuint(report.shared->len, ==, 0);
    vr_duplicate_report_clear(&report);
    g_autofree char *copied = g_build_filename(copy, "linked.img", NULL);
    g_assert_false(g_file_test(copied, G_FILE_TEST_IS_SYMLINK));
    assert_same_content(target, copied);
    g_autoptr(VrLibraryEntry) e = vr_library_entry_load(copy);
    g_assert_cmpint(e->problem, ==, VR_PROBLEM_NONE);
    g_assert_false(g_array_index(e->cfg.disks, VrDiskConfig, 0).follow_symlink);
    g_assert_true(g_file_test(link, G_FILE_TEST_IS_SYMLINK));
}

/* ---- what a file is ---- */

static char *write_file(const char *name, const void *data, gsize len, gsize size)
{
    char *path = tmp_path(name);
    g_autofree guint8 *buf = g_malloc0(size);
    memcpy(buf, data, MIN(len, size));
    g_assert_true(g_file_set_contents(path, (const char *) buf, (gssize) size, NULL));
    return path;
}

static void test_probe(void)
{
    g_autoptr(GError) error = NULL;
    guint8 iso[0x8010] = {0};
    iso[0x8000] = 1;
    memcpy(iso + 0x8001, "CD001", 5);
    g_autofree char *iso_path = write_file("probe.iso", iso, sizeof(iso), 64 << 10);
    g_assert_cmpint(vr_image_probe(iso_path, &error), ==, VR_IMAGE_ISO);
    g_assert_no_error(error);

    g_autofree char *qcow = write_file("probe.qcow2", "QFI\xfb\0\0\0\3", 8, 4096);
    g_assert_cmpint(vr_image_probe(qcow, &error), ==, VR_IMAGE_QCOW2);
    g_assert_nonnull(strstr(error->message, "qemu-img convert"));
    g_clear_error(&error);

    guint8 mbr[512] = {0};
    mbr[510] = 0x55;
    mbr[511] = 0xaa;
    g_autofree char *mbr_path = write_file("probe-disk", mbr, sizeof(mbr), 1 << 20);
    g_assert_cmpint(vr_image_probe(mbr_path, &error), ==, VR_IMAGE_DISK);
    g_autofree char *blank = write_file("blank.img", "", 0, 1 << 20);
    g_assert_cmpint(vr_image_probe(blank, &error), ==, VR_IMAGE_DISK);
    g_autofree char *odd = write_file("odd.img", "", 0, 1000);
    g_assert_cmpint(vr_image_probe(odd, &error), ==, VR_IMAGE_UNKNOWN);
    g_assert_nonnull(strstr(error->message, "512-byte"));
    g_clear_error(&error);

    g_autofree char *elf = write_elf("probe.elf");
    g_assert_cmpint(vr_image_probe(elf, &error), ==, VR_IMAGE_KERNEL);
    g_assert_true(vr_image_is_bare_metal(elf));
    guint8 x86[64] = {0x7f, 'E', 'L', 'F', 2, 1, 1};
    x86[18] = 62;
    g_autofree char *x86_path = write_file("x86.elf", x86, sizeof(x86), 64);
    g_assert_cmpint(vr_image_probe(x86_path, &error), ==, VR_IMAGE_UNKNOWN);
    g_assert_nonnull(strstr(error->message, "not RISC-V"));
    g_clear_error(&error);
    g_assert_false(vr_image_is_bare_metal(x86_path));

    guint8 image[0x40] = {0};
    memcpy(image + 0x38, "RSC\x05", 4);
    g_autofree char *linux_image = write_file("Image", image, sizeof(image), 8192);
    g_assert_cmpint(vr_image_probe(linux_image, &error), ==, VR_IMAGE_KERNEL);
    g_assert_false(vr_image_is_bare_metal(linux_image));
    /* Compressed (Image.gz): a kernel too; a compressed file of anything else is not. */
    g_autofree char *image_bytes = NULL;
    gsize image_len = 0;
    g_assert_true(g_file_get_contents(linux_image, &image_bytes, &image_len, NULL));
    g_autoptr(GZlibCompressor) gz = g_zlib_compressor_new(G_ZLIB_COMPRESSOR_FORMAT_GZIP, 9);
    guint8 packed[4096];
    gsize used = 0, made = 0;
    g_assert_cmpint(g_converter_convert(G_CONVERTER(gz), image_bytes, image_len, packed,
                                        sizeof(packed), G_CONVERTER_INPUT_AT_END, &used, &made,
                                        NULL),
                    ==, G_CONVERTER_FINISHED);
    g_autofree char *image_gz = write_file("Image.gz", packed, made, made);
    g_assert_cmpint(vr_image_probe(image_gz, &error), ==, VR_IMAGE_KERNEL);
    g_assert_no_error(error);
    g_autofree char *tar_gz = write_file("notes.tar.gz", packed, 10, 10);
    g_assert_cmpint(vr_image_probe(tar_gz, &error), ==, VR_IMAGE_UNKNOWN);
    g_clear_error(&error);

    g_autofree char *text = write_file("notes.txt", "hello", 5, 5);
    g_assert_cmpint(vr_image_probe(text, &error), ==, VR_IMAGE_UNKNOWN);
    g_assert_nonnull(strstr(error->message, "notes.txt"));
    g_clear_error(&error);
    g_autofree char *missing = tmp_path("missing.iso");
    g_assert_cmpint(vr_image_probe(missing, &error), ==, VR_IMAGE_UNKNOWN);
    g_clear_error(&error);
    g_assert_cmpint(vr_image_probe(tmp_root, &error), ==, VR_IMAGE_UNKNOWN);
    g_clear_error(&error);
}

static void test_names(void)
{
    const char *good[] = {"Debian 12", "Ünïcödé ☃", "a.b", "x(1)"};
    const char *bad[] = {"", ".hidden", "a/b", "tab\there", " lead", "trail ", "\x7f"};
    for (unsigned i = 0; i < G_N_ELEMENTS(good); i++)
        g_assert_true(vr_library_check_name(good[i], NULL));
    for (unsigned i = 0; i < G_N_ELEMENTS(bad); i++)
        g_assert_false(vr_library_check_name(bad[i], NULL));
    g_autofree char *long_name = g_strnfill(101, 'x');
    g_assert_false(vr_library_check_name(long_name, NULL));
}

/* ---- the command line ---- */

static int run_vireo(char **out, char **err, ...)
{
    const char *vireo = g_getenv("VIREO");
    GPtrArray *argv = g_ptr_array_new();
    g_ptr_array_add(argv, (char *) vireo);
    va_list ap;
    va_start(ap, err);
    for (const char *a; (a = va_arg(ap, const char *));)
        g_ptr_array_add(argv, (char *) a);
    va_end(ap);
    g_ptr_array_add(argv, NULL);
    g_auto(GStrv) env = g_get_environ();
    g_autofree char *data = tmp_path("cli-data");
    env = g_environ_setenv(env, "XDG_DATA_HOME", data, TRUE);
    int status = 0;
    g_autoptr(GError) error = NULL;
    g_assert_true(g_spawn_sync(NULL, (char **) argv->pdata, env, G_SPAWN_DEFAULT, NULL, NULL, out,
                               err, &status, &error));
    g_ptr_array_unref(argv);
    g_test_message("stdout: %s\nstderr: %s", out ? *out : "", err ? *err : "");
    return WEXITSTATUS(status);
}

static void test_cli_create_list(void)
{
    if (!g_getenv("VIREO")) {
        g_test_skip("VIREO is not set");
        return;
    }
    g_autofree char *elf = write_elf("cli.elf");
    g_autofree char *out = NULL, *err = NULL;
    g_assert_cmpint(run_vireo(&out, &err, "list", NULL), ==, 0);
    g_assert_nonnull(strstr(err, "No machines"));
    g_clear_pointer(&out, g_free);
    g_clear_pointer(&err, g_free);

    g_assert_cmpint(run_vireo(&out, &err, "create", "--name", "Demo", "--bios", "none", "--kernel",
                              elf, "--memory", "128M", "--append", "console=ttyS0", NULL),
                    ==, 0);
    g_autofree char *data = tmp_path("cli-data");
    g_autofree char *folder = g_build_filename(data, "vireo", "machines", "Demo.vireo", NULL);
    g_assert_cmpstr(g_strstrip(out), ==, folder);
    g_autoptr(VrLibraryEntry) e = vr_library_entry_load(folder);
    g_assert_cmpint(e->problem, ==, VR_PROBLEM_NONE);
    g_assert_cmpuint(e->cfg.memory, ==, 128ull << 20);
    g_assert_cmpstr(e->cfg.kernel, ==, elf);
    g_assert_cmpstr(e->cfg.bios, ==, "none");
    g_assert_cmpstr(e->cfg.append, ==, "console=ttyS0");
    /* Networking by default, with a MAC address of its own. */
    g_assert_true(e->cfg.net);
    g_assert_false(e->cfg.net_restricted);
    g_assert_nonnull(e->cfg.net_mac);
    g_assert_true(g_regex_match_simple("^52:54:00(:[0-9a-f]{2}){3}$", e->cfg.net_mac, 0, 0));
    /* Sound by default, through the host's sound server. */
    g_assert_true(e->cfg.sound);
    g_assert_cmpint(e->cfg.sound_backend, ==, VR_SOUND_PULSE);
    g_assert_null(e->cfg.sound_output_device);
    g_clear_pointer(&out, g_free);
    g_clear_pointer(&err, g_free);

    /* Again: refused, unless --replace. */
    g_assert_cmpint(run_vireo(&out, &err, "create", "--name", "Demo", "--kernel", elf, NULL), ==,
                    2);
    g_assert_nonnull(strstr(err, "exists already"));
    g_clear_pointer(&out, g_free);
    g_clear_pointer(&err, g_free);
    g_assert_cmpint(run_vireo(&out, &err, "create", "--name", "Demo", "--replace", "--bios", "none",
                              "--kernel", elf, "--cpus", "2", NULL),
                    ==, 0);
    g_clear_pointer(&out, g_free);
    g_clear_pointer(&err, g_free);

    /* Values the engine would refuse are refused here, with the reason. */
    g_assert_cmpint(
        run_vireo(&out, &err, "create", "--name", "Big", "--kernel", elf, "--cpus", "64", NULL), ==,
        2);
    g_assert_nonnull(strstr(err, "CPUs"));
    g_clear_pointer(&out, g_free);
    g_clear_pointer(&err, g_free);
    g_assert_cmpint(
        run_vireo(&out, &err, "create", "--name", "Lost", "--kernel", "/nonexistent/Image", NULL),
        ==, 2);
    g_assert_nonnull(strstr(err, "missing"));
    g_clear_pointer(&out, g_free);
    g_clear_pointer(&err, g_free);
    g_assert_cmpint(run_vireo(&out, &err, "list", NULL), ==, 0);
    g_assert_nonnull(strstr(out, "Demo"));
    g_assert_nonnull(strstr(out, "riscv64"));
    g_assert_nonnull(strstr(out, "ready"));
    g_clear_pointer(&out, g_free);
    g_clear_pointer(&err, g_free);

    /* A machine with a saved state says so. */
    g_autofree char *state = g_build_filename(folder, VR_LIBRARY_SAVED_STATE, NULL);
    g_assert_true(g_file_set_contents(state, "state", -1, NULL));
    g_assert_cmpint(run_vireo(&out, &err, "list", NULL), ==, 0);
    g_assert_nonnull(strstr(out, "saved"));
    g_assert_null(strstr(out, "ready"));
    g_clear_pointer(&out, g_free);
    g_clear_pointer(&err, g_free);
    g_unlink(state);

    /* A second machine gets another address; --net none leaves the network out; options as
     * for vireo run are kept; anything else is refused with the reason. */
    g_assert_cmpint(run_vireo(&out, &err, "create", "--name", "Second", "--bios", "none",
                              "--kernel", elf, "--net", "user", NULL),
                    ==, 0);
    g_autofree char *second = g_build_filename(data, "vireo", "machines", "Second.vireo", NULL);
    g_autoptr(VrLibraryEntry) e2 = vr_library_entry_load(second);
    g_assert_cmpint(e2->problem, ==, VR_PROBLEM_NONE);
    g_assert_true(e2->cfg.net);
    g_assert_nonnull(e2->cfg.net_mac);
    g_assert_cmpstr(e2->cfg.net_mac, !=, e->cfg.net_mac);
    g_clear_pointer(&out, g_free);
    g_clear_pointer(&err, g_free);
    g_assert_cmpint(run_vireo(&out, &err, "create", "--name", "Offline", "--bios", "none",
                              "--kernel", elf, "--net", "none", NULL),
                    ==, 0);
    g_autofree char *offline = g_build_filename(data, "vireo", "machines", "Offline.vireo", NULL);
    g_autoptr(VrLibraryEntry) e3 = vr_library_entry_load(offline);
    g_assert_cmpint(e3->problem, ==, VR_PROBLEM_NONE);
    g_assert_false(e3->cfg.net);
    g_assert_null(e3->cfg.net_mac);
    g_clear_pointer(&out, g_free);
    g_clear_pointer(&err, g_free);
    /* --sound none leaves the sound card out; --sound null keeps it, silent; a bad value is
     * refused with the reason. */
    g_assert_cmpint(run_vireo(&out, &err, "create", "--name", "Quiet", "--bios", "none", "--kernel",
                              elf, "--sound", "none", NULL),
                    ==, 0);
    g_autofree char *quiet = g_build_filename(data, "vireo", "machines", "Quiet.vireo", NULL);
    g_autoptr(VrLibraryEntry) e_quiet = vr_library_entry_load(quiet);
    g_assert_cmpint(e_quiet->problem, ==, VR_PROBLEM_NONE);
    g_assert_false(e_quiet->cfg.sound);
    g_clear_pointer(&out, g_free);
    g_clear_pointer(&err, g_free);
    g_assert_cmpint(run_vireo(&out, &err, "create", "--name", "Null", "--bios", "none", "--kernel",
                              elf, "--sound", "null", NULL),
                    ==, 0);
    g_autofree char *null_folder = g_build_filename(data, "vireo", "machines", "Null.vireo", NULL);
    g_autoptr(VrLibraryEntry) e_null = vr_library_entry_load(null_folder);
    g_assert_true(e_null->cfg.sound);
    g_assert_cmpint(e_null->cfg.sound_backend, ==, VR_SOUND_NULL);
    g_clear_pointer(&out, g_free);
    g_clear_pointer(&err, g_free);
    g_assert_cmpint(run_vireo(&out, &err, "create", "--name", "Alsa", "--bios", "none", "--kernel",
                              elf, "--sound", "alsa", NULL),
                    ==, 2);
    g_assert_nonnull(strstr(err, "--sound"));
    g_assert_nonnull(strstr(err, "alsa"));
    g_clear_pointer(&out, g_free);
    g_clear_pointer(&err, g_free);
    g_assert_cmpint(run_vireo(&out, &err, "create", "--name", "Served", "--bios", "none",
                              "--kernel", elf, "--net",
                              "user,restrict=on,mac=52:54:00:ab:cd:ef,hostfwd=tcp::2222-:22", NULL),
                    ==, 0);
    g_autofree char *served = g_build_filename(data, "vireo", "machines", "Served.vireo", NULL);
    g_autoptr(VrLibraryEntry) e4 = vr_library_entry_load(served);
    g_assert_cmpint(e4->problem, ==, VR_PROBLEM_NONE);
    g_assert_true(e4->cfg.net_restricted);
    g_assert_cmpstr(e4->cfg.net_mac, ==, "52:54:00:ab:cd:ef");
    g_assert_cmpuint(e4->cfg.net_forwards->len, ==, 1);
    g_assert_cmpstr(e4->cfg.net_forwards->pdata[0], ==, "tcp::2222-:22");
    g_clear_pointer(&out, g_free);
    g_clear_pointer(&err, g_free);
    g_assert_cmpint(run_vireo(&out, &err, "create", "--name", "Wired", "--bios", "none", "--kernel",
                              elf, "--net", "tap", NULL),
                    ==, 2);
    g_assert_nonnull(strstr(err, "--net: 'tap' is not a network"));
    g_autofree char *wired = g_build_filename(data, "vireo", "machines", "Wired.vireo", NULL);
    g_assert_false(g_file_test(wired, G_FILE_TEST_EXISTS));
    g_clear_pointer(&out, g_free);
    g_clear_pointer(&err, g_free);

    /* --cdrom: CD drives, one with a disc and one empty, in machine.ini. */
    g_autofree char *iso = tmp_path("cli.iso");
    g_autofree char *sectors = g_malloc0(4096);
    g_assert_true(g_file_set_contents(iso, sectors, 4096, NULL));
    g_assert_cmpint(run_vireo(&out, &err, "create", "--name", "Installer", "--bios", "none",
                              "--kernel", elf, "--cdrom", iso, "--cdrom", "", NULL),
                    ==, 0);
    {
        g_autoptr(VrLibraryEntry) cd = vr_library_entry_load(g_strstrip(out));
        g_assert_cmpint(cd->problem, ==, VR_PROBLEM_NONE);
        g_assert_cmpuint(cd->cfg.disks->len, ==, 2);
        const VrDiskConfig *d = (const VrDiskConfig *) cd->cfg.disks->data;
        g_assert_true(d[0].cdrom && d[0].readonly);
        g_assert_cmpstr(d[0].path, ==, iso);
        g_assert_true(d[1].cdrom);
        g_assert_null(d[1].path);
    }
    g_clear_pointer(&out, g_free);
    g_clear_pointer(&err, g_free);
    /* --iso: an installer, as the desktop application makes one: the new disk first, then the
     * ISO in a CD drive that ejects it at the installer's restart; no kernel (UEFI). */
    g_assert_cmpint(run_vireo(&out, &err, "create", "--name", "Install", "--iso", iso,
                              "--disk-size", "64M", NULL),
                    ==, 0);
    {
        g_autoptr(VrLibraryEntry) cd = vr_library_entry_load(g_strstrip(out));
        g_assert_cmpint(cd->problem, ==, VR_PROBLEM_NONE);
        g_assert_null(cd->cfg.kernel);
        g_assert_cmpuint(cd->cfg.disks->len, ==, 2);
        const VrDiskConfig *d = (const VrDiskConfig *) cd->cfg.disks->data;
        g_assert_false(d[0].cdrom || d[0].readonly);
        g_assert_true(d[1].cdrom && d[1].readonly && d[1].eject_on_reboot);
        g_assert_cmpstr(d[1].path, ==, iso);
    }
    g_clear_pointer(&out, g_free);
    g_clear_pointer(&err, g_free);

    /* The machine runs from the command line by its name. */
    g_assert_cmpint(run_vireo(&out, &err, "run", "Demo", "--timeout", "0.5", NULL), ==, 124);
    g_clear_pointer(&out, g_free);
    g_clear_pointer(&err, g_free);

    /* Kernels as the loader sees them: a flat binary (as U-Boot is) and a gzip-compressed Image
     * are taken, a text file is refused with the loader's reason. */
    guint8 flat[4096];
    for (unsigned i = 0; i < sizeof(flat); i++)
        flat[i] = (guint8) (i * 13 + 0x97);
    g_autofree char *uboot = write_file("u-boot.bin", flat, sizeof(flat), sizeof(flat));
    g_assert_cmpint(run_vireo(&out, &err, "create", "--name", "Booter", "--kernel", uboot, NULL),
                    ==, 0);
    g_clear_pointer(&out, g_free);
    g_clear_pointer(&err, g_free);
    guint8 header[0x40] = {0};
    memcpy(header + 0x38, "RSC\x05", 4);
    g_autoptr(GZlibCompressor) gz = g_zlib_compressor_new(G_ZLIB_COMPRESSOR_FORMAT_GZIP, 9);
    guint8 packed[256];
    gsize used = 0, made = 0;
    g_assert_cmpint(g_converter_convert(G_CONVERTER(gz), header, sizeof(header), packed,
                                        sizeof(packed), G_CONVERTER_INPUT_AT_END, &used, &made,
                                        NULL),
                    ==, G_CONVERTER_FINISHED);
    g_autofree char *image_gz = write_file("cli-Image.gz", packed, made, made);
    g_assert_cmpint(run_vireo(&out, &err, "create", "--name", "Zipped", "--kernel", image_gz, NULL),
                    ==, 0);
    g_clear_pointer(&out, g_free);
    g_clear_pointer(&err, g_free);
    g_autofree char *notes =
        write_file("cli-notes.txt", "A note about the kernel to use.\n", 32, 32);
    g_assert_cmpint(run_vireo(&out, &err, "create", "--name", "Noted", "--kernel", notes, NULL), ==,
                    2);
    g_assert_nonnull(strstr(err, "is not a RISC-V kernel: it is a text file"));
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    tmp_root = g_dir_make_tmp("vireo-library-XXXXXX", NULL);
    g_test_add_func("/config/save-round-trip", test_save_round_trip);
    g_test_add_func("/config/cdrom", test_cdrom_round_trip);
    g_test_add_func("/config/save-keeps-comments", test_save_keeps_comments_drops_stale_disks);
    g_test_add_func("/config/validate", test_validate);
    g_test_add_func("/config/format-size", test_format_size);
    g_test_add_func("/library/create-and-list", test_create_and_list);
    g_test_add_func("/library/damaged", test_damaged_entries);
    g_test_add_func("/library/delete-undo", test_delete_undo);
    g_test_add_func("/library/rename", test_rename);
    g_test_add_func("/library/duplicate", test_duplicate);
    g_test_add_func("/library/duplicate-external-disks", test_duplicate_external_disks);
    g_test_add_func("/library/duplicate-linked-disk", test_duplicate_linked_disk);
    g_test_add_func("/library/probe", test_probe);
    g_test_add_func("/library/names", test_names);
    g_test_add_func("/cli/create-list", test_cli_create_list);
    int status = g_test_run();
    g_autofree char *cmd = g_strdup_printf("rm -rf '%s'", tmp_root);
    if (system(cmd) != 0)
        g_message("could not remove %s", tmp_root);
    return status;
}
