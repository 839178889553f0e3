/* The `vireo run` command line: exit statuses and messages for good and bad input.
 * Runs the vireo binary named by $VIREO on small RISC-V ELF files this test writes. */
#include <elf.h>
#include <fcntl.h>
#include <gio/gio.h>
#include <glib-unix.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <locale.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>
#include <string.h>

#include "vireo-config.h"

static const char *vireo_path;
static char *tmpdir;

/* ---- a tiny RISC-V assembler and ELF writer ---- */

static uint32_t enc_i(unsigned op, unsigned rd, unsigned f3, unsigned rs1, int imm)
{
    return ((uint32_t) (imm & 0xfff) << 20) | (rs1 << 15) | (f3 << 12) | (rd << 7) | op;
}

static uint32_t enc_s(unsigned op, unsigned f3, unsigned rs1, unsigned rs2, int imm)
{
    return ((uint32_t) ((imm >> 5) & 0x7f) << 25) | (rs2 << 20) | (rs1 << 15) | (f3 << 12) |
           ((uint32_t) (imm & 0x1f) << 7) | op;
}

static uint32_t enc_lui(unsigned rd, uint32_t imm20)
{
    return (imm20 << 12) | (rd << 7) | 0x37;
}

static uint32_t enc_b(unsigned f3, unsigned rs1, unsigned rs2, int offset)
{
    uint32_t imm = (uint32_t) offset;
    return (((imm >> 12) & 1) << 31) | (((imm >> 5) & 0x3f) << 25) | (rs2 << 20) | (rs1 << 15) |
           (f3 << 12) | (((imm >> 1) & 0xf) << 8) | (((imm >> 11) & 1) << 7) | 0x63;
}

static uint32_t enc_jal(unsigned rd, int offset)
{
    uint32_t imm = (uint32_t) offset;
    return (((imm >> 20) & 1) << 31) | (((imm >> 1) & 0x3ff) << 21) | (((imm >> 11) & 1) << 20) |
           (((imm >> 12) & 0xff) << 12) | (rd << 7) | 0x6f;
}

#define T0        5
#define T1        6
#define T2        7
#define T3        28
#define T4        29
#define JUMP_SELF 0x0000006fu /* j . */

/* Writes an ELF64 RISC-V executable: code at load_addr, and a `tohost` symbol when
 * tohost != 0. machine overrides e_machine. */
static char *write_elf(const char *name, uint64_t load_addr, const uint32_t *code, size_t n,
                       uint64_t tohost, unsigned machine)
{
    GByteArray *f = g_byte_array_new();
    Elf64_Ehdr eh = {0};
    memcpy(eh.e_ident, ELFMAG, SELFMAG);
    eh.e_ident[EI_CLASS] = ELFCLASS64;
    eh.e_ident[EI_DATA] = ELFDATA2LSB;
    eh.e_ident[EI_VERSION] = EV_CURRENT;
    eh.e_type = ET_EXEC;
    eh.e_machine = (Elf64_Half) machine;
    eh.e_version = EV_CURRENT;
    eh.e_entry = load_addr;
    eh.e_phoff = sizeof(Elf64_Ehdr);
    eh.e_ehsize = sizeof(Elf64_Ehdr);
    eh.e_phentsize = sizeof(Elf64_Phdr);
    eh.e_phnum = 1;
    eh.e_shentsize = sizeof(Elf64_Shdr);

    size_t code_off = 0x1000;
    size_t code_size = 0x2000; /* code, then room for tohost */
    Elf64_Phdr ph = {0};
    ph.p_type = PT_LOAD;
    ph.p_flags = PF_R | PF_W | PF_X;
    ph.p_offset = code_off;
    ph.p_vaddr = ph.p_paddr = load_addr;
    ph.p_filesz = ph.p_memsz = code_size;
    ph.p_align = 0x1000;

    static const char strtab[] = "\0tohost";
    static const char shstrtab[] = "\0.text\0.symtab\0.strtab\0.shstrtab";
    Elf64_Sym syms[2] = {{0}};
    syms[1].st_name = 1;
    syms[1].st_info = ELF64_ST_INFO(STB_GLOBAL, STT_OBJECT);
    syms[1].st_shndx = 1;
    syms[1].st_value = tohost;
    size_t n_syms = tohost ? 2 : 1;

    size_t sym_off = code_off + code_size;
    size_t str_off = sym_off + n_syms * sizeof(Elf64_Sym);
    size_t shstr_off = str_off + sizeof(strtab);
    size_t sh_off = (shstr_off + sizeof(shstrtab) + 7) & ~(size_t) 7;
    eh.e_shoff = sh_off;
    eh.e_shnum = 5;
    eh.e_shstrndx = 4;

    g_byte_array_set_size(f, sh_off + 5 * sizeof(Elf64_Shdr));
    memset(f->data, 0, f->len);
    memcpy(f->data, &eh, sizeof(eh));
    memcpy(f->data + eh.e_phoff, &ph, sizeof(ph));
    memcpy(f->data + code_off, code, n * 4);
    memcpy(f->data + sym_off, syms, n_syms * sizeof(Elf64_Sym));
    memcpy(f->data + str_off, strtab, sizeof(strtab));
    memcpy(f->data + shstr_off, shstrtab, sizeof(shstrtab));
    Elf64_Shdr sh[5] = {{0}};
    sh[1] = (Elf64_Shdr){.sh_name = 1,
                         .sh_type = SHT_PROGBITS,
                         .sh_flags = SHF_ALLOC,
                         .sh_addr = load_addr,
                         .sh_offset = code_off,
                         .sh_size = code_size};
    sh[2] = (Elf64_Shdr){.sh_name = 7,
                         .sh_type = SHT_SYMTAB,
                         .sh_offset = sym_off,
                         .sh_size = n_syms * sizeof(Elf64_Sym),
                         .sh_link = 3,
                         .sh_info = 1,
                         .sh_entsize = sizeof(Elf64_Sym)};
    sh[3] = (Elf64_Shdr){
        .sh_name = 15, .sh_type = SHT_STRTAB, .sh_offset = str_off, .sh_size = sizeof(strtab)};
    sh[4] = (Elf64_Shdr){
        .sh_name = 23, .sh_type = SHT_STRTAB, .sh_offset = shstr_off, .sh_size = sizeof(shstrtab)};
    memcpy(f->data + sh_off, sh, sizeof(sh));

    char *path = g_build_filename(tmpdir, name, NULL);
    g_autoptr(GError) error = NULL;
    g_assert_true(g_file_set_contents(path, (const char *) f->data, f->len, &error));
    g_byte_array_unref(f);
    return path;
}

/* Code that stores value to the tohost word at 0x8000_1000, then spins. */
static char *elf_reporting(const char *name, int value)
{
    uint32_t code[] = {
        enc_lui(T0, 0x80001),         /* t0 = 0xffff_ffff_8000_1000 */
        enc_i(0x13, T0, 1, T0, 32),   /* slli t0, t0, 32 */
        enc_i(0x13, T0, 5, T0, 32),   /* srli t0, t0, 32 */
        enc_i(0x13, T1, 0, 0, value), /* li t1, value */
        enc_s(0x23, 3, T0, T1, 0),    /* sd t1, 0(t0) */
        JUMP_SELF,
    };
    return write_elf(name, 0x80000000, code, G_N_ELEMENTS(code), 0x80001000, EM_RISCV);
}

/* ---- running vireo ---- */

typedef struct {
    int status;
    char *out;
    char *err;
} RunResult;

static void run_result_clear(RunResult *r)
{
    g_free(r->out);
    g_free(r->err);
}

/* Runs program (a vireo) with the arguments up to NULL, in envp (NULL: this test's
 * environment). */
static RunResult run_program_va(const char *program, char **envp, const char *first, va_list ap)
{
    GPtrArray *argv = g_ptr_array_new();
    g_ptr_array_add(argv, (char *) program);
    for (const char *a = first; a; a = va_arg(ap, const char *))
        g_ptr_array_add(argv, (char *) a);
    g_ptr_array_add(argv, NULL);

    RunResult r = {0};
    int wait_status = 0;
    g_autoptr(GError) error = NULL;
    gboolean ok = g_spawn_sync(NULL, (char **) argv->pdata, envp, G_SPAWN_DEFAULT, NULL, NULL,
                               &r.out, &r.err, &wait_status, &error);
    g_assert_no_error(error);
    g_assert_true(ok);
    g_assert_true(WIFEXITED(wait_status));
    r.status = WEXITSTATUS(wait_status);
    g_ptr_array_unref(argv);
    g_test_message("status %d, stderr: %s", r.status, r.err);
    return r;
}

static RunResult run_vireo_va(char **envp, const char *first, va_list ap)
{
    return run_program_va(vireo_path, envp, first, ap);
}

#ifdef VIREO_HAVE_GUI
static RunResult run_program(const char *program, const char *first, ...)
{
    va_list ap;
    va_start(ap, first);
    RunResult r = run_program_va(program, NULL, first, ap);
    va_end(ap);
    return r;
}
#endif

static RunResult run_vireo(const char *first, ...)
{
    va_list ap;
    va_start(ap, first);
    RunResult r = run_vireo_va(NULL, first, ap);
    va_end(ap);
    return r;
}

/* The same in German: LANGUAGE=de with a UTF-8 locale (GNU gettext ignores LANGUAGE in the
 * "C" locale; C.UTF-8 is enough, no German locale need be installed). */
static RunResult run_vireo_german(const char *first, ...)
{
    g_auto(GStrv) envp = g_get_environ();
    envp = g_environ_setenv(envp, "LANGUAGE", "de", TRUE);
    envp = g_environ_setenv(envp, "LC_ALL", "C.UTF-8", TRUE);
    va_list ap;
    va_start(ap, first);
    RunResult r = run_vireo_va(envp, first, ap);
    va_end(ap);
    return r;
}

static RunResult run_vireo_env(char **envp, const char *first, ...)
{
    va_list ap;
    va_start(ap, first);
    RunResult r = run_vireo_va(envp, first, ap);
    va_end(ap);
    return r;
}

#define RUN_ELF(path, ...) \
    run_vireo("run", "--arch", "riscv64", "--bios", "none", "--kernel", path, ##__VA_ARGS__, NULL)
#define RUN_ELF_GERMAN(path, ...)                                                    \
    run_vireo_german("run", "--arch", "riscv64", "--bios", "none", "--kernel", path, \
                     ##__VA_ARGS__, NULL)

static void test_pass(void)
{
    g_autofree char *elf = elf_reporting("pass.elf", 1);
    RunResult r = RUN_ELF(elf, "--timeout", "20");
    g_assert_cmpint(r.status, ==, 0);
    run_result_clear(&r);
}

/* A run without a window loads none of the window's libraries (GTK and those under it come
 * with the desktop application's module only), so that they cost its start-up nothing. */
static void test_run_loads_no_gtk(void)
{
    g_autofree char *elf = elf_reporting("pass-ld.elf", 1);
    g_auto(GStrv) envp = g_get_environ();
    envp = g_environ_setenv(envp, "LD_DEBUG", "libs", TRUE);
    RunResult r = run_vireo_env(envp, "run", "--arch", "riscv64", "--bios", "none", "--kernel", elf,
                                "--timeout", "20", NULL);
    g_assert_cmpint(r.status, ==, 0);
    /* The dynamic linker names every library it looks for. */
    g_assert_nonnull(strstr(r.err, "libglib-2.0.so"));
    g_assert_null(strstr(r.err, "libgtk-4.so"));
    g_assert_null(strstr(r.err, "libadwaita-1.so"));
    g_assert_null(strstr(r.err, "libvte-2.91"));
    run_result_clear(&r);
}

#ifdef VIREO_HAVE_GUI
/* The window's module missing (a vireo copied away from its build folder, with no installed
 * module): the window cannot open, and says why. */
static void test_gui_module_missing(void)
{
    g_autofree char *installed = g_build_filename(VIREO_MODULEDIR, "vireo-gui.so", NULL);
    if (g_file_test(installed, G_FILE_TEST_EXISTS)) {
        g_test_skip("a Vireo is installed on this machine (its module would be loaded)");
        return;
    }
    g_autofree char *copy = g_build_filename(tmpdir, "vireo-copy", NULL);
    g_autoptr(GFile) from = g_file_new_for_path(vireo_path);
    g_autoptr(GFile) to = g_file_new_for_path(copy);
    g_assert_true(g_file_copy(from, to, G_FILE_COPY_OVERWRITE, NULL, NULL, NULL, NULL));
    g_assert_cmpint(g_chmod(copy, 0755), ==, 0);
    RunResult r = run_program(copy, NULL);
    g_assert_cmpint(r.status, ==, 1);
    g_assert_nonnull(strstr(r.err, "vireo: the desktop application's module"));
    g_assert_nonnull(strstr(r.err, installed));
    g_assert_nonnull(strstr(r.err, "is missing"));
    run_result_clear(&r);
    /* The command line works without it. */
    r = run_program(copy, "--version", NULL);
    g_assert_cmpint(r.status, ==, 0);
    g_assert_true(g_str_has_prefix(r.out, "vireo "));
    run_result_clear(&r);
    g_remove(copy);
}
#endif

static void test_fail_reports_number(void)
{
    g_autofree char *elf = elf_reporting("fail.elf", (5 << 1) | 1);
    RunResult r = RUN_ELF(elf, "--timeout", "20");
    g_assert_cmpint(r.status, ==, 1);
    g_assert_nonnull(strstr(r.err, "test 5 failed"));
    run_result_clear(&r);
}

static void test_timeout(void)
{
    uint32_t code[] = {JUMP_SELF};
    g_autofree char *elf = write_elf("spin.elf", 0x80000000, code, 1, 0, EM_RISCV);
    gint64 t0 = g_get_monotonic_time();
    RunResult r = RUN_ELF(elf, "--timeout", "0.5");
    gint64 elapsed = g_get_monotonic_time() - t0;
    g_assert_cmpint(r.status, ==, 124);
    g_assert_nonnull(strstr(r.err, "timed out"));
    g_assert_null(strstr(r.err, "CRITICAL"));
    g_assert_null(strstr(r.err, "WARNING"));
    g_assert_cmpint(elapsed, >=, 400000);
    run_result_clear(&r);
}

/* --timeout takes a finite number of seconds above zero, and holds large ones. */
static void test_timeout_values(void)
{
    uint32_t code[] = {JUMP_SELF};
    g_autofree char *elf = write_elf("spin.elf", 0x80000000, code, 1, 0, EM_RISCV);
    const char *bad[] = {"nan", "inf", "-inf", "1e999", "0", "-1", "abc", "5s", ""};
    for (unsigned i = 0; i < G_N_ELEMENTS(bad); i++) {
        gint64 t0 = g_get_monotonic_time();
        RunResult r = RUN_ELF(elf, "--timeout", bad[i]);
        g_assert_cmpint(r.status, ==, 2);
        g_autofree char *quoted = g_strdup_printf("'%s'", bad[i]);
        g_assert_nonnull(strstr(r.err, quoted));
        g_assert_cmpint(g_get_monotonic_time() - t0, <, 5 * G_USEC_PER_SEC);
        run_result_clear(&r);
    }
    /* More milliseconds than a guint holds, and more than that again: still running later. */
    const char *large[] = {"4294968", "1e10", "1e300"};
    for (unsigned i = 0; i < G_N_ELEMENTS(large); i++) {
        g_autoptr(GError) error = NULL;
        g_autoptr(GSubprocess) p =
            g_subprocess_new(G_SUBPROCESS_FLAGS_STDOUT_SILENCE | G_SUBPROCESS_FLAGS_STDERR_SILENCE,
                             &error, vireo_path, "run", "--arch", "riscv64", "--bios", "none",
                             "--kernel", elf, "--timeout", large[i], NULL);
        g_assert_no_error(error);
        for (int t = 0; t < 30; t++) {
            g_main_context_iteration(NULL, FALSE);
            g_usleep(50000);
        }
        g_assert_nonnull(g_subprocess_get_identifier(p));
        g_subprocess_force_exit(p);
        g_assert_true(g_subprocess_wait(p, NULL, &error));
    }
}

/* A signal stops the machine with 128 + its number, not with the guest's status. */
static void test_signal_status(void)
{
    uint32_t code[] = {JUMP_SELF};
    g_autofree char *elf = write_elf("spin.elf", 0x80000000, code, 1, 0, EM_RISCV);
    const int signals[] = {SIGINT, SIGTERM, SIGHUP};
    for (unsigned i = 0; i < G_N_ELEMENTS(signals); i++) {
        g_autoptr(GError) error = NULL;
        g_autoptr(GSubprocess) p =
            g_subprocess_new(G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_SILENCE |
                                 G_SUBPROCESS_FLAGS_STDERR_SILENCE,
                             &error, vireo_path, "run", "--arch", "riscv64", "--bios", "none",
                             "--kernel", elf, "--timeout", "30", NULL);
        g_assert_no_error(error);
        g_usleep(1000000);
        g_subprocess_send_signal(p, signals[i]);
        g_assert_true(g_subprocess_wait(p, NULL, &error));
        g_assert_true(g_subprocess_get_if_exited(p));
        g_assert_cmpint(g_subprocess_get_exit_status(p), ==, 128 + signals[i]);
    }
}

/* A guest that writes to the UART as fast as it can, never looking at the line status. */
static char *elf_flooding(void)
{
    uint32_t code[] = {
        enc_lui(T0, 0x10000),       /* t0 = UART */
        enc_i(0x13, T1, 0, 0, 'x'), /* li t1, 'x' */
        enc_s(0x23, 0, T0, T1, 0),  /* sb t1, 0(t0) */
        enc_jal(0, -4),             /* j .-4 */
    };
    return write_elf("flood.elf", 0x80000000, code, G_N_ELEMENTS(code), 0, EM_RISCV);
}

static void test_console_flood(void)
{
    g_autofree char *elf = elf_flooding();
    gint64 t0 = g_get_monotonic_time();
    RunResult r = RUN_ELF(elf, "--timeout", "2");
    gint64 elapsed = g_get_monotonic_time() - t0;
    g_assert_cmpint(r.status, ==, 124);
    g_assert_cmpint(elapsed, <, 8 * G_USEC_PER_SEC);
    g_assert_cmpuint(strlen(r.out), >, 10000);
    run_result_clear(&r);
}

/* Nobody reads the console: the guest's UART stalls, Vireo still answers its timeout. */
static void test_console_flood_unread(void)
{
    g_autofree char *elf = elf_flooding();
    g_autoptr(GError) error = NULL;
    g_autoptr(GSubprocess) p = g_subprocess_new(
        G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_SILENCE, &error, vireo_path,
        "run", "--arch", "riscv64", "--bios", "none", "--kernel", elf, "--timeout", "2", NULL);
    g_assert_no_error(error);
    gint64 deadline = g_get_monotonic_time() + 15 * G_USEC_PER_SEC;
    while (g_get_monotonic_time() < deadline) {
        g_main_context_iteration(NULL, FALSE);
        if (g_subprocess_get_identifier(p) == NULL)
            break;
        g_usleep(50000);
    }
    g_assert_null(g_subprocess_get_identifier(p));
    g_assert_true(g_subprocess_get_if_exited(p));
    g_assert_cmpint(g_subprocess_get_exit_status(p), ==, 124);
}

/* A guest that waits for THRE before each byte prints LOSSLESS_BYTES bytes of a known
 * pattern, then powers off; its reader is slower than it. */
#define LOSSLESS_BYTES 0x80000

static char *elf_counting(void)
{
    uint32_t code[] = {
        enc_lui(T0, 0x10000),              /* t0 = UART */
        enc_i(0x13, T1, 0, 0, 0),          /* t1 = 0 (bytes written) */
        enc_lui(T2, LOSSLESS_BYTES >> 12), /* t2 = how many */
        enc_i(0x03, T3, 4, T0, 5),         /* loop: lbu t3, 5(t0) (LSR) */
        enc_i(0x13, T3, 7, T3, 0x20),      /* andi t3, t3, THRE */
        enc_b(0, T3, 0, -8),               /* beqz t3, loop */
        enc_i(0x13, T4, 7, T1, 0x3f),      /* andi t4, t1, 63 */
        enc_i(0x13, T4, 0, T4, '0'),       /* addi t4, t4, '0' */
        enc_s(0x23, 0, T0, T4, 0),         /* sb t4, 0(t0) */
        enc_i(0x13, T1, 0, T1, 1),         /* addi t1, t1, 1 */
        enc_b(1, T1, T2, -28),             /* bne t1, t2, loop */
        enc_lui(T0, 0x100),                /* t0 = test finisher */
        enc_lui(T1, 0x5),                  /* t1 = 0x5555: pass */
        enc_i(0x13, T1, 0, T1, 0x555),     /* ... */
        enc_s(0x23, 2, T0, T1, 0),         /* sw t1, 0(t0) */
        JUMP_SELF,
    };
    return write_elf("count.elf", 0x80000000, code, G_N_ELEMENTS(code), 0, EM_RISCV);
}

/* Console output is never lost when the host reads slowly: the UART's line status holds
 * the guest back instead. */
static void test_console_slow_reader_lossless(void)
{
    g_autofree char *elf = elf_counting();
    g_autoptr(GError) error = NULL;
    g_autoptr(GSubprocess) p = g_subprocess_new(
        G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_SILENCE, &error, vireo_path,
        "run", "--arch", "riscv64", "--bios", "none", "--kernel", elf, "--timeout", "60", NULL);
    g_assert_no_error(error);
    GInputStream *out = g_subprocess_get_stdout_pipe(p);
    g_autoptr(GByteArray) got = g_byte_array_new();
    guint8 buf[4096];
    for (;;) {
        gssize n = g_input_stream_read(out, buf, sizeof(buf), NULL, &error);
        g_assert_no_error(error);
        if (n == 0)
            break;
        g_byte_array_append(got, buf, (guint) n);
        g_usleep(2000); /* about 2 MB/s: slower than the guest */
    }
    g_assert_true(g_subprocess_wait(p, NULL, &error));
    g_assert_cmpint(g_subprocess_get_exit_status(p), ==, 0);
    g_assert_cmpuint(got->len, ==, LOSSLESS_BYTES);
    for (guint i = 0; i < got->len; i++) {
        if (got->data[i] != '0' + (i & 63))
            g_error("console byte %u is '%c', expected '%c'", i, got->data[i], '0' + (i & 63));
    }
}

static void test_missing_file(void)
{
    RunResult r = RUN_ELF("/nonexistent/kernel.elf");
    g_assert_cmpint(r.status, ==, 2);
    g_assert_nonnull(strstr(r.err, "/nonexistent/kernel.elf"));
    run_result_clear(&r);
}

static void test_not_elf(void)
{
    g_autofree char *path = g_build_filename(tmpdir, "notes.txt", NULL);
    g_assert_true(g_file_set_contents(path, "just some text\n", -1, NULL));
    RunResult r = RUN_ELF(path);
    g_assert_cmpint(r.status, ==, 2);
    g_assert_nonnull(strstr(r.err, "is not an ELF file"));
    run_result_clear(&r);
}

static void test_empty_file(void)
{
    g_autofree char *path = g_build_filename(tmpdir, "empty.elf", NULL);
    g_assert_true(g_file_set_contents(path, "", 0, NULL));
    RunResult r = RUN_ELF(path);
    g_assert_cmpint(r.status, ==, 2);
    g_assert_nonnull(strstr(r.err, "empty.elf"));
    run_result_clear(&r);
}

static void test_other_architecture(void)
{
    uint32_t code[] = {JUMP_SELF};
    g_autofree char *elf = write_elf("x86.elf", 0x80000000, code, 1, 0, EM_X86_64);
    RunResult r = RUN_ELF(elf);
    g_assert_cmpint(r.status, ==, 2);
    g_assert_nonnull(strstr(r.err, "x86-64, not RISC-V"));
    run_result_clear(&r);
}

static void test_truncated_elf(void)
{
    g_autofree char *elf = elf_reporting("whole.elf", 1);
    g_autofree char *data = NULL;
    gsize len;
    g_assert_true(g_file_get_contents(elf, &data, &len, NULL));
    g_autofree char *cut = g_build_filename(tmpdir, "cut.elf", NULL);
    g_assert_true(g_file_set_contents(cut, data, 0x1100, NULL)); /* ends inside the segment */
    RunResult r = RUN_ELF(cut);
    g_assert_cmpint(r.status, ==, 2);
    g_assert_nonnull(strstr(r.err, "past the end of the file"));
    run_result_clear(&r);
}

static void test_segment_outside_ram(void)
{
    uint32_t code[] = {JUMP_SELF};
    g_autofree char *elf = write_elf("low.elf", 0x1000, code, 1, 0, EM_RISCV);
    RunResult r = RUN_ELF(elf);
    g_assert_cmpint(r.status, ==, 2);
    g_assert_nonnull(strstr(r.err, "outside guest RAM"));
    run_result_clear(&r);

    /* Past the end of a small RAM. */
    g_autofree char *high = write_elf("high.elf", 0x80000000 + (64 << 20), code, 1, 0, EM_RISCV);
    r = RUN_ELF(high, "--memory", "64M");
    g_assert_cmpint(r.status, ==, 2);
    g_assert_nonnull(strstr(r.err, "outside guest RAM"));
    run_result_clear(&r);
}

static void test_unknown_option(void)
{
    RunResult r = run_vireo("run", "--frobnicate", NULL);
    g_assert_cmpint(r.status, ==, 2);
    g_assert_nonnull(strstr(r.err, "frobnicate"));
    run_result_clear(&r);

    r = run_vireo("frobnicate", NULL);
    g_assert_cmpint(r.status, ==, 2);
    g_assert_nonnull(strstr(r.err, "unknown command"));
    run_result_clear(&r);
}

/* Each command's --help names the command as it is typed. */
static void test_help(void)
{
    const char *commands[] = {"run", "create", "list"};
    for (unsigned i = 0; i < G_N_ELEMENTS(commands); i++) {
        RunResult r = run_vireo(commands[i], "--help", NULL);
        g_assert_cmpint(r.status, ==, 0);
        g_autofree char *usage = g_strdup_printf("  vireo %s [OPTION", commands[i]);
        g_assert_nonnull(strstr(r.out, usage));
        run_result_clear(&r);
    }
}

static void test_bad_values(void)
{
    g_autofree char *elf = elf_reporting("ok.elf", 1);
    RunResult r = RUN_ELF(elf, "--memory", "12X");
    g_assert_cmpint(r.status, ==, 2);
    g_assert_nonnull(strstr(r.err, "12X"));
    run_result_clear(&r);

    /* -1 was once the "not given" marker, and taken as such. */
    const char *bad_cpus[] = {"0", "-1", "-2", "abc", "4294967296", ""};
    for (unsigned i = 0; i < G_N_ELEMENTS(bad_cpus); i++) {
        r = RUN_ELF(elf, "--cpus", bad_cpus[i], "--timeout", "20");
        g_assert_cmpint(r.status, ==, 2);
        g_autofree char *quoted = g_strdup_printf("--cpus: '%s'", bad_cpus[i]);
        g_assert_nonnull(strstr(r.err, quoted));
        run_result_clear(&r);
    }
    r = RUN_ELF(elf, "--cpus", "2", "--timeout", "20");
    g_assert_cmpint(r.status, ==, 0);
    run_result_clear(&r);

    r = RUN_ELF(elf, "--cpus", "99");
    g_assert_cmpint(r.status, ==, 2);
    g_assert_nonnull(strstr(r.err, "99 CPUs"));
    run_result_clear(&r);

    r = run_vireo("run", "--arch", "sparc", "--bios", "none", "--kernel", elf, NULL);
    g_assert_cmpint(r.status, ==, 2);
    g_assert_nonnull(strstr(r.err, "sparc"));
    run_result_clear(&r);

    r = run_vireo("run", "--arch", "riscv64", "--bios", "none", NULL);
    g_assert_cmpint(r.status, ==, 2);
    g_assert_nonnull(strstr(r.err, "no kernel"));
    run_result_clear(&r);
}

/* --sound: a bad value is refused naming it; a WAV file is made; with PulseAudio and no
 * server the machine runs all the same. */
static void test_sound(void)
{
    g_autofree char *elf = elf_reporting("sound.elf", 1);
    RunResult r = RUN_ELF(elf, "--sound", "alsa");
    g_assert_cmpint(r.status, ==, 2);
    g_assert_nonnull(strstr(r.err, "--sound"));
    g_assert_nonnull(strstr(r.err, "alsa"));
    run_result_clear(&r);

    g_autofree char *dir = g_dir_make_tmp("vireo-cli-sound-XXXXXX", NULL);
    g_autofree char *wav = g_build_filename(dir, "out.wav", NULL);
    g_autofree char *arg = g_strdup_printf("wav:out=%s", wav);
    r = RUN_ELF(elf, "--sound", arg, "--timeout", "20");
    g_assert_cmpint(r.status, ==, 0);
    g_assert_true(g_file_test(wav, G_FILE_TEST_EXISTS));
    run_result_clear(&r);
    g_unlink(wav);

    g_autofree char *missing = g_build_filename(dir, "none", "out.wav", NULL);
    g_autofree char *bad = g_strdup_printf("wav:out=%s", missing);
    r = RUN_ELF(elf, "--sound", bad, "--timeout", "20");
    g_assert_cmpint(r.status, ==, 2);
    g_assert_nonnull(strstr(r.err, missing));
    run_result_clear(&r);
    g_rmdir(dir);

    g_auto(GStrv) env = g_get_environ();
    env = g_environ_setenv(env, "PULSE_SERVER", "unix:/nonexistent/vireo-test", TRUE);
    r = run_vireo_env(env, "run", "--arch", "riscv64", "--bios", "none", "--kernel", elf, "--sound",
                      "pulse", "--timeout", "20", NULL);
    g_assert_cmpint(r.status, ==, 0);
    run_result_clear(&r);
}

/* The value of register t1 in the n-th register dump of the monitor's output. */
static guint64 dumped_t1(const char *err, int n)
{
    const char *p = err;
    for (int i = 0; i <= n; i++) {
        p = strstr(p, "x6  t1   ");
        g_assert_nonnull(p);
        p += strlen("x6  t1   ");
    }
    return g_ascii_strtoull(p, NULL, 16);
}

static void send_keys(GSubprocess *p, const char *keys)
{
    GOutputStream *in = g_subprocess_get_stdin_pipe(p);
    g_autoptr(GError) error = NULL;
    g_assert_true(g_output_stream_write_all(in, keys, strlen(keys), NULL, NULL, &error));
    g_assert_no_error(error);
    g_usleep(300000);
}

/* The console's escape: Ctrl-A C opens the monitor, whose commands answer on stderr. */
static void test_monitor(void)
{
    uint32_t code[] = {enc_i(0x13, T1, 0, T1, 1), enc_jal(0, -4)}; /* count in t1 forever */
    g_autofree char *elf = write_elf("count.elf", 0x80000000, code, 2, 0, EM_RISCV);
    g_autoptr(GError) error = NULL;
    g_autoptr(GSubprocess) p = g_subprocess_new(
        G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_SILENCE |
            G_SUBPROCESS_FLAGS_STDERR_PIPE,
        &error, vireo_path, "run", "--bios", "none", "--kernel", elf, "--timeout", "30", NULL);
    g_assert_no_error(error);
    g_usleep(300000);
    send_keys(p, "\001c");
    send_keys(p, "info registers\r");
    send_keys(p, "pause\r");
    send_keys(p, "info registers\r");
    send_keys(p, "system_powerdown\r");
    send_keys(p, "info registers\r");
    send_keys(p, "resume\r");
    send_keys(p, "info registers\r");
    send_keys(p, "system_powerdown\r");
    send_keys(p, "bogus\r");
    send_keys(p, "quit\r");
    g_autofree char *err = NULL;
    g_assert_true(g_subprocess_communicate_utf8(p, NULL, NULL, NULL, &err, &error));
    g_assert_no_error(error);
    g_test_message("monitor said: %s", err);
    g_assert_true(g_subprocess_get_if_exited(p));
    g_assert_cmpint(g_subprocess_get_exit_status(p), ==, 0);
    g_assert_nonnull(strstr(err, "Vireo monitor"));
    g_assert_nonnull(strstr(err, "hart 0  pc 0000000080000"));
    g_assert_nonnull(strstr(err, "mode M"));
    g_assert_nonnull(strstr(err, "mstatus"));
    g_assert_nonnull(strstr(err, "paused"));
    g_assert_nonnull(strstr(err, "running"));
    g_assert_nonnull(strstr(err, "unknown command 'bogus'"));
    /* A bare-metal guest has no driver for the power button: the press is refused and the
     * machine runs on (a Linux guest shutting down is in tests/boot). */
    g_assert_nonnull(strstr(err, "The machine is paused: resume it first"));
    g_assert_nonnull(strstr(err, "The guest has no driver for the power button"));
    /* The guest counts while running, stands still while paused, and goes on after. */
    guint64 running = dumped_t1(err, 0), paused1 = dumped_t1(err, 1);
    guint64 paused2 = dumped_t1(err, 2), resumed = dumped_t1(err, 3);
    g_assert_cmpuint(running, >, 0);
    g_assert_cmpuint(paused1, >=, running);
    g_assert_cmpuint(paused2, ==, paused1);
    g_assert_cmpuint(resumed, >, paused2);
}

static char *write_disc(const char *name, gsize size, char byte)
{
    char *path = g_build_filename(tmpdir, name, NULL);
    g_autofree char *data = g_malloc(size);
    memset(data, byte, size);
    g_assert_true(g_file_set_contents(path, data, (gssize) size, NULL));
    return path;
}

/* --cdrom adds CD drives; the monitor's info block lists them with their discs, change and
 * eject swap discs while the guest runs, and mistakes are answered without harm. */
static void test_monitor_cdrom(void)
{
    uint32_t code[] = {enc_i(0x13, T1, 0, T1, 1), enc_jal(0, -4)};
    g_autofree char *elf = write_elf("cd-count.elf", 0x80000000, code, 2, 0, EM_RISCV);
    g_autofree char *one = write_disc("cd one.iso", 1 << 20, 'a');
    g_autofree char *two = write_disc("two.iso", 2 << 20, 'b');
    g_autofree char *disk = write_disc("plain.img", 1 << 20, 0);
    g_autofree char *disk_arg = g_strdup_printf("%s,readonly", disk);
    g_autoptr(GError) error = NULL;
    g_autoptr(GSubprocess) p =
        g_subprocess_new(G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_SILENCE |
                             G_SUBPROCESS_FLAGS_STDERR_PIPE,
                         &error, vireo_path, "run", "--bios", "none", "--kernel", elf, "--timeout",
                         "30", "--disk", disk_arg, "--cdrom", one, "--cdrom", "", NULL);
    g_assert_no_error(error);
    g_usleep(300000);
    send_keys(p, "\001c");
    send_keys(p, "info block\r");
    g_autofree char *change = g_strdup_printf("change cd1 %s\r", two);
    send_keys(p, change);
    send_keys(p, "eject cd0\r");
    send_keys(p, "info block\r");
    send_keys(p, "eject cd7\r");
    send_keys(p, "eject disk0\r");
    send_keys(p, "change cd0\r");
    g_autofree char *missing = g_strdup_printf("change cd0 %s/missing.iso\r", tmpdir);
    send_keys(p, missing);
    g_autofree char *spaced = g_strdup_printf("change disk1 %s\r", one);
    send_keys(p, spaced);
    send_keys(p, "info block\r");
    send_keys(p, "quit\r");
    g_autofree char *err = NULL;
    g_assert_true(g_subprocess_communicate_utf8(p, NULL, NULL, NULL, &err, &error));
    g_assert_no_error(error);
    g_test_message("monitor said: %s", err);
    g_assert_cmpint(g_subprocess_get_exit_status(p), ==, 0);
    g_autofree char *first = g_strdup_printf("cd0 (disk1): CD drive, disc %s", one);
    const char *at = strstr(err, first);
    g_assert_nonnull(at);
    at = strstr(at, "cd1 (disk2): CD drive, no disc");
    g_assert_nonnull(at);
    g_autofree char *inserted = g_strdup_printf("cd1: disc %s inserted", two);
    at = strstr(at, inserted);
    g_assert_nonnull(at);
    at = strstr(at, "cd0: disc ejected");
    g_assert_nonnull(at);
    at = strstr(at, "cd0 (disk1): CD drive, no disc");
    g_assert_nonnull(at);
    g_autofree char *second = g_strdup_printf("cd1 (disk2): CD drive, disc %s", two);
    at = strstr(at, second);
    g_assert_nonnull(at);
    g_assert_nonnull(strstr(at, "'cd7' is not a CD drive"));
    g_assert_nonnull(strstr(at, "'disk0' is not a CD drive"));
    g_assert_nonnull(strstr(at, "change needs a drive and a file"));
    g_assert_nonnull(strstr(at, "missing.iso"));
    g_assert_nonnull(strstr(at, "disk1: disc"));
    g_assert_nonnull(strstr(at, first)); /* a path with a space, by its disk name */
    g_assert_nonnull(strstr(err, "disk0: disk"));
    /* No disc was written. */
    g_autofree char *data = NULL;
    gsize len;
    g_assert_true(g_file_get_contents(one, &data, &len, NULL));
    g_assert_cmpuint(len, ==, 1 << 20);
    for (gsize i = 0; i < len; i++)
        g_assert_cmpint(data[i], ==, 'a');
}

/* A guest that echoes what it reads from the UART, waiting for each byte and for THRE. */
static char *elf_echoing(void)
{
    uint32_t code[] = {
        enc_lui(T0, 0x10000),         /* t0 = UART */
        enc_i(0x03, T1, 4, T0, 5),    /* loop: lbu t1, 5(t0) (LSR) */
        enc_i(0x13, T1, 7, T1, 0x01), /* andi t1, t1, DR */
        enc_b(0, T1, 0, -8),          /* beqz t1, loop */
        enc_i(0x03, T2, 4, T0, 0),    /* lbu t2, 0(t0) (RBR) */
        enc_i(0x03, T1, 4, T0, 5),    /* wait: lbu t1, 5(t0) (LSR) */
        enc_i(0x13, T1, 7, T1, 0x20), /* andi t1, t1, THRE */
        enc_b(0, T1, 0, -8),          /* beqz t1, wait */
        enc_s(0x23, 0, T0, T2, 0),    /* sb t2, 0(t0) */
        enc_jal(0, -32),              /* j loop */
    };
    return write_elf("echo.elf", 0x80000000, code, G_N_ELEMENTS(code), 0, EM_RISCV);
}

/* Text of n bytes, printable (no Ctrl-A), numbered lines. */
static GString *pasted_text(size_t n)
{
    GString *text = g_string_new(NULL);
    for (unsigned line = 0; text->len < n; line++)
        g_string_append_printf(text, "line %05u: the quick brown fox jumps over the lazy dog\n",
                               line);
    g_string_truncate(text, n);
    return text;
}

typedef struct {
    GOutputStream *in;
    const GString *text;
} Paste;

static gpointer paste_thread(gpointer data)
{
    Paste *paste = data;
    g_output_stream_write_all(paste->in, paste->text->str, paste->text->len, NULL, NULL, NULL);
    return NULL;
}

/* Runs the echo guest with text on its standard input (written from a thread, so a full
 * pipe never stops the reading here) until it has echoed as much; checks that it echoed
 * exactly that and returns the microseconds it took. */
static gint64 echo_through(const GString *text)
{
    g_autofree char *elf = elf_echoing();
    g_autoptr(GError) error = NULL;
    g_autoptr(GSubprocess) p =
        g_subprocess_new(G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                             G_SUBPROCESS_FLAGS_STDERR_SILENCE,
                         &error, vireo_path, "run", "--arch", "riscv64", "--bios", "none",
                         "--kernel", elf, "--timeout", "60", NULL);
    g_assert_no_error(error);
    g_usleep(300000);
    gint64 start = g_get_monotonic_time();
    Paste paste = {g_subprocess_get_stdin_pipe(p), text};
    GThread *writer = g_thread_new("paste", paste_thread, &paste);
    GInputStream *out = g_subprocess_get_stdout_pipe(p);
    g_autoptr(GString) echoed = g_string_new(NULL);
    char buf[4096];
    while (echoed->len < text->len) {
        gssize n = g_input_stream_read(out, buf, sizeof(buf), NULL, &error);
        g_assert_no_error(error);
        if (n <= 0)
            break;
        g_string_append_len(echoed, buf, n);
    }
    gint64 elapsed = g_get_monotonic_time() - start;
    g_thread_join(writer);
    g_subprocess_force_exit(p);
    g_assert_true(g_subprocess_wait(p, NULL, &error));
    g_assert_cmpuint(echoed->len, ==, text->len);
    g_assert_true(memcmp(echoed->str, text->str, text->len) == 0);
    return elapsed;
}

/* A pasted page reaches the guest at the speed it reads, not 16 bytes per retry timer. */
static void test_console_input_speed(void)
{
    g_autoptr(GString) text = pasted_text(20000);
    gint64 elapsed = echo_through(text);
    g_test_message("20000 bytes echoed in %.2f s", elapsed / 1e6);
    g_assert_cmpint(elapsed, <, G_USEC_PER_SEC);
}

/* Resident memory of process pid in KiB, from /proc/PID/status. */
static guint64 vm_rss_kib(GPid pid)
{
    g_autofree char *path = g_strdup_printf("/proc/%d/status", (int) pid);
    g_autofree char *status = NULL;
    g_assert_true(g_file_get_contents(path, &status, NULL, NULL));
    const char *line = strstr(status, "VmRSS:");
    g_assert_nonnull(line);
    return g_ascii_strtoull(line + strlen("VmRSS:"), NULL, 10);
}

/* `yes | vireo run` with a guest that never reads: vireo holds a bounded amount of the
 * input and leaves the rest in the pipe, however much comes. */
static void test_console_input_bounded(void)
{
    uint32_t code[] = {JUMP_SELF};
    g_autofree char *elf = write_elf("spin.elf", 0x80000000, code, 1, 0, EM_RISCV);
    const char *argv[] = {vireo_path, "run", "--arch",    "riscv64", "--bios", "none",
                          "--kernel", elf,   "--timeout", "30",      NULL};
    GPid pid;
    int in = -1;
    g_autoptr(GError) error = NULL;
    g_assert_true(g_spawn_async_with_pipes(NULL, (char **) argv, NULL,
                                           G_SPAWN_DO_NOT_REAP_CHILD | G_SPAWN_STDOUT_TO_DEV_NULL |
                                               G_SPAWN_STDERR_TO_DEV_NULL,
                                           NULL, NULL, &pid, &in, NULL, NULL, &error));
    g_assert_no_error(error);
    g_assert_true(g_unix_set_fd_nonblocking(in, TRUE, NULL));
    g_usleep(500000);
    guint64 rss_before = vm_rss_kib(pid);
    char chunk[65536];
    for (size_t i = 0; i < sizeof(chunk); i += 2)
        memcpy(chunk + i, "y\n", 2);
    size_t written = 0;
    gint64 end = g_get_monotonic_time() + 3 * G_USEC_PER_SEC;
    while (g_get_monotonic_time() < end) {
        struct pollfd pfd = {.fd = in, .events = POLLOUT};
        if (poll(&pfd, 1, 20) > 0) {
            ssize_t n = write(in, chunk, sizeof(chunk));
            if (n > 0)
                written += (size_t) n;
        }
    }
    guint64 rss_after = vm_rss_kib(pid);
    g_test_message("took %zu bytes; VmRSS %" G_GUINT64_FORMAT " -> %" G_GUINT64_FORMAT " KiB",
                   written, rss_before, rss_after);
    kill(pid, SIGKILL);
    int status;
    waitpid(pid, &status, 0);
    g_spawn_close_pid(pid);
    close(in);
    /* The pipe, the held bytes and the board's backlog: well under a few MB. */
    g_assert_cmpuint(written, <, 4u << 20);
    g_assert_cmpuint(rss_after, <, rss_before + 8 * 1024);
}

/* Input beyond the bound is only delayed: a guest that reads gets all of it, in order. */
static void test_console_input_lossless(void)
{
    g_autoptr(GString) text = pasted_text(300000);
    echo_through(text);
}

/* ---- on a terminal ---- */

typedef enum {
    PTY_WAIT,          /* the guest ends by itself */
    PTY_QUIT_KEYS,     /* Ctrl-A X */
    PTY_SIGNAL,        /* kill(sig) */
    PTY_THREAD_SIGNAL, /* sig sent to one of vireo's threads other than the main one */
    PTY_CLOSED_OUT,    /* standard output is a pipe whose reader goes away after 100 bytes */
} PtyAction;

/* Sends sig to a thread of process pid other than its main thread (a CPU or I/O thread),
 * as a fault on that thread would raise it there. */
static void signal_other_thread(pid_t pid, int sig)
{
    g_autofree char *tasks = g_strdup_printf("/proc/%d/task", (int) pid);
    g_autoptr(GDir) dir = g_dir_open(tasks, 0, NULL);
    g_assert_nonnull(dir);
    const char *name;
    while ((name = g_dir_read_name(dir))) {
        long tid = strtol(name, NULL, 10);
        if (tid > 0 && tid != pid) {
            g_assert_cmpint(syscall(SYS_tgkill, (long) pid, tid, (long) sig), ==, 0);
            return;
        }
    }
    g_error("vireo (pid %d) has no thread besides its main one", (int) pid);
}

/* Runs `vireo run` on ELF with a new pseudo-terminal as its controlling terminal and
 * standard streams, does what action says after a second, and checks that the terminal's
 * settings and the descriptor's blocking mode are what they were before once vireo is gone.
 * Returns the wait status. */
static int run_on_pty(const char *elf, PtyAction action, int sig)
{
    int master = posix_openpt(O_RDWR | O_NOCTTY);
    g_assert_cmpint(master, >=, 0);
    g_assert_cmpint(grantpt(master), ==, 0);
    g_assert_cmpint(unlockpt(master), ==, 0);
    int slave = open(ptsname(master), O_RDWR | O_NOCTTY);
    g_assert_cmpint(slave, >=, 0);
    struct termios before, after;
    g_assert_cmpint(tcgetattr(slave, &before), ==, 0);
    g_assert_true(before.c_lflag & ICANON);
    g_assert_true(before.c_lflag & ECHO);
    int out[2] = {-1, -1};
    if (action == PTY_CLOSED_OUT)
        g_assert_cmpint(pipe(out), ==, 0);

    pid_t pid = fork();
    g_assert_cmpint(pid, >=, 0);
    if (pid == 0) {
        setsid();
        ioctl(slave, TIOCSCTTY, 0);
        dup2(slave, STDIN_FILENO);
        dup2(out[1] >= 0 ? out[1] : slave, STDOUT_FILENO);
        dup2(slave, STDERR_FILENO);
        struct rlimit no_core = {0, 0};
        setrlimit(RLIMIT_CORE, &no_core);
        execl(vireo_path, vireo_path, "run", "--arch", "riscv64", "--bios", "none", "--kernel", elf,
              "--timeout", "5", (char *) NULL);
        _exit(127);
    }
    if (out[1] >= 0)
        close(out[1]);

    gint64 start = g_get_monotonic_time();
    gboolean acted = action == PTY_WAIT;
    size_t piped = 0;
    int status = 0;
    for (;;) {
        pid_t done = waitpid(pid, &status, WNOHANG);
        g_assert_cmpint(done, >=, 0);
        if (done == pid)
            break;
        g_assert_cmpint(g_get_monotonic_time() - start, <, 20 * G_USEC_PER_SEC);
        struct pollfd fds[2] = {{.fd = master, .events = POLLIN}, {.fd = out[0], .events = POLLIN}};
        poll(fds, 2, 20);
        char buf[4096];
        if (fds[0].revents & POLLIN)
            (void) !read(master, buf, sizeof(buf));
        if (out[0] >= 0 && (fds[1].revents & POLLIN)) {
            ssize_t n = read(out[0], buf, 100 - piped);
            piped += n > 0 ? (size_t) n : 0;
            if (n <= 0 || piped >= 100) {
                close(out[0]);
                out[0] = -1;
            }
        }
        if (!acted && g_get_monotonic_time() - start > G_USEC_PER_SEC) {
            acted = TRUE;
            if (action == PTY_QUIT_KEYS)
                g_assert_cmpint(write(master, "\001x", 2), ==, 2);
            else if (action == PTY_SIGNAL)
                kill(pid, sig);
            else if (action == PTY_THREAD_SIGNAL)
                signal_other_thread(pid, sig);
        }
    }
    if (action == PTY_CLOSED_OUT)
        g_assert_cmpuint(piped, ==, 100);

    g_assert_cmpint(tcgetattr(slave, &after), ==, 0);
    g_assert_cmphex(after.c_lflag, ==, before.c_lflag);
    g_assert_cmphex(after.c_iflag, ==, before.c_iflag);
    g_assert_cmphex(after.c_oflag, ==, before.c_oflag);
    g_assert_cmphex(after.c_cflag, ==, before.c_cflag);
    g_assert_cmpint(fcntl(slave, F_GETFL) & O_NONBLOCK, ==, 0);
    if (out[0] >= 0)
        close(out[0]);
    close(slave);
    close(master);
    return status;
}

static void test_terminal_restored(void)
{
    g_autofree char *pass = elf_reporting("pass.elf", 1);
    uint32_t code[] = {JUMP_SELF};
    g_autofree char *spin = write_elf("spin.elf", 0x80000000, code, 1, 0, EM_RISCV);
    g_autofree char *flood = elf_flooding();

    int status = run_on_pty(pass, PTY_WAIT, 0);
    g_assert_true(WIFEXITED(status));
    g_assert_cmpint(WEXITSTATUS(status), ==, 0);

    status = run_on_pty(spin, PTY_QUIT_KEYS, 0);
    g_assert_true(WIFEXITED(status));
    g_assert_cmpint(WEXITSTATUS(status), ==, 0);

    const int signals[] = {SIGTERM, SIGINT, SIGHUP};
    for (unsigned i = 0; i < G_N_ELEMENTS(signals); i++) {
        status = run_on_pty(spin, PTY_SIGNAL, signals[i]);
        g_assert_true(WIFEXITED(status));
        g_assert_cmpint(WEXITSTATUS(status), ==, 128 + signals[i]);
    }

    /* Output to a closed pipe is dropped: vireo goes on to its timeout. */
    status = run_on_pty(flood, PTY_CLOSED_OUT, 0);
    g_assert_false(WIFSIGNALED(status));
    g_assert_true(WIFEXITED(status));
    g_assert_cmpint(WEXITSTATUS(status), ==, 124);

    /* A crash still ends the process, and still hands the terminal back first. */
    status = run_on_pty(spin, PTY_SIGNAL, SIGABRT);
    g_assert_true(WIFSIGNALED(status));
    g_assert_cmpint(WTERMSIG(status), ==, SIGABRT);

    /* Likewise a fault signal that lands on a CPU or I/O thread, not the main one. */
    const int faults[] = {SIGSEGV, SIGBUS, SIGILL, SIGFPE};
    for (unsigned i = 0; i < G_N_ELEMENTS(faults); i++) {
        status = run_on_pty(spin, PTY_THREAD_SIGNAL, faults[i]);
        g_assert_true(WIFSIGNALED(status));
#if defined(__SANITIZE_ADDRESS__)
        /* AddressSanitizer's own handler, which vireo's hands the signal on to, reports it
         * and aborts. */
        if (WTERMSIG(status) == SIGABRT)
            continue;
#endif
        g_assert_cmpint(WTERMSIG(status), ==, faults[i]);
    }
}

/* ---- firmware boot and machine folders ---- */

static void test_too_much_memory(void)
{
    RunResult r = run_vireo("run", "--memory", "64T", "--kernel", "/bin/true", NULL);
    g_assert_cmpint(r.status, ==, 2);
    g_assert_nonnull(strstr(r.err, "this host has only"));
    run_result_clear(&r);
}

static void test_kernel_not_an_image(void)
{
    g_autofree char *text = g_build_filename(tmpdir, "readme.txt", NULL);
    g_assert_true(
        g_file_set_contents(text, "This is not a kernel, it is a note to self.\n", -1, NULL));
    RunResult r = run_vireo("run", "--kernel", text, NULL);
    g_assert_cmpint(r.status, ==, 2);
    g_assert_nonnull(strstr(r.err, "is not a RISC-V kernel: it is a text file"));
    run_result_clear(&r);

    /* An x86 bzImage: the setup header's "HdrS" at 0x202. */
    g_autofree char *bz = g_build_filename(tmpdir, "vmlinuz", NULL);
    char header[0x400] = {0};
    memcpy(header + 0x202, "HdrS", 4);
    g_assert_true(g_file_set_contents(bz, header, sizeof(header), NULL));
    r = run_vireo("run", "--kernel", bz, NULL);
    g_assert_cmpint(r.status, ==, 2);
    g_assert_nonnull(strstr(r.err, "x86 Linux kernel"));
    run_result_clear(&r);

    /* An ELF for another machine, through the firmware path too. */
    uint32_t code[] = {JUMP_SELF};
    g_autofree char *elf = write_elf("arm.elf", 0x80200000, code, 1, 0, EM_AARCH64);
    r = run_vireo("run", "--kernel", elf, NULL);
    g_assert_cmpint(r.status, ==, 2);
    g_assert_nonnull(strstr(r.err, "AArch64, not RISC-V"));
    run_result_clear(&r);
}

static void test_missing_disk_and_firmware(void)
{
    g_autofree char *elf = elf_reporting("ok2.elf", 1);
    RunResult r = RUN_ELF(elf, "--disk", "/nonexistent/disk.img");
    g_assert_cmpint(r.status, ==, 2);
    g_assert_nonnull(strstr(r.err, "/nonexistent/disk.img"));
    run_result_clear(&r);

    r = run_vireo("run", "--bios", "/nonexistent/fw.bin", "--kernel", elf, NULL);
    g_assert_cmpint(r.status, ==, 2);
    g_assert_nonnull(strstr(r.err, "/nonexistent/fw.bin"));
    run_result_clear(&r);

    r = RUN_ELF(elf, "--disk", "/dev/null,sideways");
    g_assert_cmpint(r.status, ==, 2);
    g_assert_nonnull(strstr(r.err, "sideways"));
    run_result_clear(&r);
}

/* A machine folder whose machine.ini holds text. */
static char *machine_folder(const char *name, const char *ini)
{
    g_autofree char *leaf = g_strdup_printf("%s.vireo", name);
    char *dir = g_build_filename(tmpdir, leaf, NULL);
    g_assert_cmpint(g_mkdir_with_parents(dir, 0755), ==, 0);
    g_autofree char *path = g_build_filename(dir, "machine.ini", NULL);
    g_assert_true(g_file_set_contents(path, ini, -1, NULL));
    return dir;
}

/* A machine folder whose CD drive ejects on reboot, run from the command line by a guest that
 * reboots (through the test finisher) again and again: the first restart takes the disc out,
 * the monitor's line says so, and machine.ini no longer names it. */
static void test_run_eject_on_reboot(void)
{
    uint32_t code[] = {
        enc_lui(T0, 0x100),            /* the test finisher, 0x100000 */
        enc_lui(T1, 0x7),              /* 0x7000 */
        enc_i(0x13, T1, 0, T1, 0x777), /* 0x7777: reset */
        enc_s(0x23, 2, T0, T1, 0),     /* sw t1, 0(t0) */
        enc_jal(0, 0),                 /* wait for it */
    };
    g_autofree char *elf = write_elf("rebooter.elf", 0x80000000, code, 5, 0, EM_RISCV);
    g_autofree char *dir = machine_folder(
        "Installer", "[machine]\nname=Installer\narch=riscv64\nmemory=64M\n\n[boot]\n"
                     "firmware=none\nkernel=../rebooter.elf\n\n[disk 0]\npath=installer.iso\n"
                     "cdrom=true\nreadonly=true\neject-on-reboot=true\n");
    g_autofree char *disc = g_build_filename(dir, "installer.iso", NULL);
    g_autofree char *sectors = g_malloc0(4096);
    memset(sectors, 'i', 4096);
    g_assert_true(g_file_set_contents(disc, sectors, 4096, NULL));
    RunResult r = run_vireo("run", dir, "--timeout", "2", NULL);
    g_assert_cmpint(r.status, ==, 124);
    g_assert_nonnull(strstr(r.err, "cd0: the guest restarted, so its disc was ejected"));
    run_result_clear(&r);
    g_autofree char *ini = g_build_filename(dir, "machine.ini", NULL);
    g_autoptr(GKeyFile) kf = g_key_file_new();
    g_assert_true(g_key_file_load_from_file(kf, ini, G_KEY_FILE_NONE, NULL));
    g_autofree char *path = g_key_file_get_string(kf, "disk 0", "path", NULL);
    g_assert_cmpstr(path, ==, "");
    g_assert_true(g_key_file_get_boolean(kf, "disk 0", "cdrom", NULL));
    g_assert_false(g_key_file_has_key(kf, "disk 0", "eject-on-reboot", NULL));
    g_autofree char *kernel = g_key_file_get_string(kf, "boot", "kernel", NULL);
    g_assert_cmpstr(kernel, ==, "../rebooter.elf");
    g_autofree char *data = NULL;
    gsize len;
    g_assert_true(g_file_get_contents(disc, &data, &len, NULL));
    g_assert_cmpmem(data, len, sectors, 4096);
}

static void test_machine_folder(void)
{
    /* A good folder: the bare-metal program next to machine.ini, found by relative path. */
    g_autofree char *elf = elf_reporting("folder.elf", (9 << 1) | 1);
    g_autofree char *dir = machine_folder("Good", "[machine]\nname=Good\narch=riscv64\ncpus=2\n"
                                                  "memory=64M\n\n[boot]\nfirmware=none\n"
                                                  "kernel=../folder.elf\n");
    RunResult r = run_vireo("run", dir, "--timeout", "20", NULL);
    g_assert_cmpint(r.status, ==, 1);
    g_assert_nonnull(strstr(r.err, "test 9 failed"));
    run_result_clear(&r);

    g_autofree char *bad = machine_folder("Colour", "[machine]\ncolour=blue\n");
    r = run_vireo("run", bad, NULL);
    g_assert_cmpint(r.status, ==, 2);
    g_assert_nonnull(strstr(r.err, "unknown key 'colour' in group [machine]"));
    g_assert_nonnull(strstr(r.err, "machine.ini"));
    run_result_clear(&r);

    g_autofree char *cpus = machine_folder("Cpus", "[machine]\ncpus=lots\n");
    r = run_vireo("run", cpus, NULL);
    g_assert_cmpint(r.status, ==, 2);
    g_assert_nonnull(strstr(r.err, "[machine] cpus"));
    run_result_clear(&r);

    g_autofree char *group = machine_folder("Group", "[network]\nmode=nat\n");
    r = run_vireo("run", group, NULL);
    g_assert_cmpint(r.status, ==, 2);
    g_assert_nonnull(strstr(r.err, "unknown group [network]"));
    run_result_clear(&r);

    g_autofree char *broken = machine_folder("Broken", "this is [not an ini file\n");
    r = run_vireo("run", broken, NULL);
    g_assert_cmpint(r.status, ==, 2);
    g_assert_nonnull(strstr(r.err, "machine.ini"));
    run_result_clear(&r);

    r = run_vireo("run", "no-such-machine-here", NULL);
    g_assert_cmpint(r.status, ==, 2);
    g_assert_nonnull(strstr(r.err, "no machine 'no-such-machine-here'"));
    run_result_clear(&r);
}

/* The execution tier: --accel for a run and for a new machine, [machine] accel, and
 * $VIREO_ACCEL as the default; the tier the machine runs on is said (the monitor's info
 * accel, and a line when $VIREO_ACCEL chose it). */
static void test_accel(void)
{
    /* What a JIT request runs on this host. */
    const char *jit = "jit";
    {
        g_auto(GStrv) envp = g_get_environ();
        envp = g_environ_setenv(envp, "VIREO_ACCEL", "jit", TRUE);
        g_autofree char *elf = elf_reporting("accel-probe.elf", 1);
        RunResult r =
            run_vireo_env(envp, "run", "--bios", "none", "--kernel", elf, "--timeout", "20", NULL);
        g_assert_cmpint(r.status, ==, 0);
        if (strstr(r.err, "accel: interp (VIREO_ACCEL=jit)"))
            jit = "interp"; /* a host without the JIT */
        else
            g_assert_nonnull(strstr(r.err, "accel: jit (VIREO_ACCEL=jit)"));
        run_result_clear(&r);
    }

    g_autofree char *elf = elf_reporting("accel.elf", 1);
    const char *bad[] = {"bogus", "", "JIT", "kvm"};
    for (unsigned i = 0; i < G_N_ELEMENTS(bad); i++) {
        RunResult r = RUN_ELF(elf, "--accel", bad[i]);
        g_assert_cmpint(r.status, ==, 2);
        g_autofree char *said = g_strdup_printf("--accel: '%s' is not interp or jit", bad[i]);
        g_assert_nonnull(strstr(r.err, said));
        run_result_clear(&r);
    }
    /* Both tiers run the guest to its end; the option beats $VIREO_ACCEL. */
    const char *tiers[] = {"interp", "jit"};
    for (unsigned i = 0; i < G_N_ELEMENTS(tiers); i++) {
        g_auto(GStrv) envp = g_get_environ();
        envp = g_environ_setenv(envp, "VIREO_ACCEL", i == 0 ? "jit" : "interp", TRUE);
        RunResult r = run_vireo_env(envp, "run", "--bios", "none", "--kernel", elf, "--accel",
                                    tiers[i], "--timeout", "20", NULL);
        g_assert_cmpint(r.status, ==, 0);
        g_autofree char *said = g_strdup_printf("accel: %s (VIREO_ACCEL=%s)",
                                                i == 0 ? "interp" : jit, i == 0 ? "jit" : "interp");
        g_assert_nonnull(strstr(r.err, said));
        run_result_clear(&r);
    }
    /* $VIREO_ACCEL that is no tier is named, and the default runs. */
    {
        g_auto(GStrv) envp = g_get_environ();
        envp = g_environ_setenv(envp, "VIREO_ACCEL", "turbo", TRUE);
        RunResult r =
            run_vireo_env(envp, "run", "--bios", "none", "--kernel", elf, "--timeout", "20", NULL);
        g_assert_cmpint(r.status, ==, 0);
        g_assert_nonnull(strstr(r.err, "VIREO_ACCEL=turbo is not interp or jit"));
        run_result_clear(&r);
    }

    /* The monitor says which tier runs. */
    uint32_t code[] = {enc_i(0x13, T1, 0, T1, 1), enc_jal(0, -4)};
    g_autofree char *spin = write_elf("accel-count.elf", 0x80000000, code, 2, 0, EM_RISCV);
    g_autoptr(GError) error = NULL;
    g_autoptr(GSubprocess) p =
        g_subprocess_new(G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_SILENCE |
                             G_SUBPROCESS_FLAGS_STDERR_PIPE,
                         &error, vireo_path, "run", "--bios", "none", "--kernel", spin, "--accel",
                         "interp", "--timeout", "30", NULL);
    g_assert_no_error(error);
    g_usleep(300000);
    send_keys(p, "\001c");
    send_keys(p, "info accel\r");
    send_keys(p, "info jit\r");
    send_keys(p, "quit\r");
    g_autofree char *err = NULL;
    g_assert_true(g_subprocess_communicate_utf8(p, NULL, NULL, NULL, &err, &error));
    g_assert_no_error(error);
    g_test_message("monitor said: %s", err);
    g_assert_nonnull(strstr(err, "accel: interp"));
    g_assert_nonnull(strstr(err, "jit: not in use (accel: interp)"));

    /* info jit gives the JIT's counters: the spinning loop was compiled, and the cache has
     * the size VIREO_JIT_CACHE_KB asks for (tests/riscv/jit fills one). */
    {
        g_auto(GStrv) envp = g_get_environ();
        envp = g_environ_setenv(envp, "VIREO_JIT_CACHE_KB", "512", TRUE);
        g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new(
            G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_SILENCE |
            G_SUBPROCESS_FLAGS_STDERR_PIPE);
        g_subprocess_launcher_set_environ(launcher, envp);
        g_autoptr(GSubprocess) q = g_subprocess_launcher_spawn(
            launcher, &error, vireo_path, "run", "--bios", "none", "--kernel", spin, "--accel",
            "jit", "--timeout", "30", NULL);
        g_assert_no_error(error);
        g_usleep(300000);
        send_keys(q, "\001c");
        send_keys(q, "info jit\r");
        send_keys(q, "quit\r");
        g_autofree char *said = NULL;
        g_assert_true(g_subprocess_communicate_utf8(q, NULL, NULL, NULL, &said, &error));
        g_assert_no_error(error);
        g_test_message("monitor said: %s", said);
        if (strcmp(jit, "jit") == 0) {
            const char *line = strstr(said, "jit: ");
            g_assert_nonnull(line);
            guint64 compiled = g_ascii_strtoull(line + 5, NULL, 10);
            g_assert_cmpuint(compiled, >=, 1);
            g_assert_nonnull(strstr(line, " cache resets, code cache 512 KiB, "));
        } else {
            g_assert_nonnull(strstr(said, "jit: not in use (accel: interp)"));
        }
    }

    /* A state file holds no tier: --accel chooses one for the restored machine. */
    g_autofree char *state = g_build_filename(tmpdir, "accel.state", NULL);
    g_autoptr(GSubprocess) saver = g_subprocess_new(
        G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_SILENCE |
            G_SUBPROCESS_FLAGS_STDERR_SILENCE,
        &error, vireo_path, "run", "--bios", "none", "--kernel", spin, "--timeout", "30", NULL);
    g_assert_no_error(error);
    g_usleep(300000);
    send_keys(saver, "\001c");
    g_autofree char *savevm = g_strdup_printf("savevm %s\r", state);
    send_keys(saver, savevm);
    send_keys(saver, "quit\r");
    g_assert_true(g_subprocess_wait(saver, NULL, &error));
    g_assert_true(g_file_test(state, G_FILE_TEST_EXISTS));
    for (unsigned i = 0; i < G_N_ELEMENTS(tiers); i++) {
        g_auto(GStrv) envp = g_get_environ();
        envp = g_environ_setenv(envp, "VIREO_ACCEL", i == 0 ? "jit" : "interp", TRUE);
        RunResult r = run_vireo_env(envp, "run", "--restore", state, "--accel", tiers[i],
                                    "--timeout", "0.5", NULL);
        g_assert_cmpint(r.status, ==, 124);
        g_autofree char *said = g_strdup_printf("accel: %s (VIREO_ACCEL=%s)",
                                                i == 0 ? "interp" : jit, i == 0 ? "jit" : "interp");
        g_assert_nonnull(strstr(r.err, said));
        run_result_clear(&r);
    }
    RunResult bad_restore = run_vireo("run", "--restore", state, "--accel", "x", NULL);
    g_assert_cmpint(bad_restore.status, ==, 2);
    g_assert_nonnull(strstr(bad_restore.err, "--accel: 'x' is not interp or jit"));
    run_result_clear(&bad_restore);

    /* vireo create --accel writes the tier to machine.ini, and the machine runs on it whatever
     * $VIREO_ACCEL says; a bad value makes nothing. */
    g_autofree char *data = g_build_filename(tmpdir, "accel-data", NULL);
    g_auto(GStrv) envp = g_get_environ();
    envp = g_environ_setenv(envp, "XDG_DATA_HOME", data, TRUE);
    RunResult r = run_vireo_env(envp, "create", "--name", "Tiered", "--bios", "none", "--kernel",
                                elf, "--net", "none", "--sound", "none", "--accel", "fast", NULL);
    g_assert_cmpint(r.status, ==, 2);
    g_assert_nonnull(strstr(r.err, "--accel: 'fast' is not interp or jit"));
    run_result_clear(&r);
    g_autofree char *ini =
        g_build_filename(data, "vireo", "machines", "Tiered.vireo", "machine.ini", NULL);
    g_assert_false(g_file_test(ini, G_FILE_TEST_EXISTS));
    r = run_vireo_env(envp, "create", "--name", "Tiered", "--bios", "none", "--kernel", elf,
                      "--net", "none", "--sound", "none", "--accel", "interp", NULL);
    g_assert_cmpint(r.status, ==, 0);
    run_result_clear(&r);
    g_autofree char *text = NULL;
    g_assert_true(g_file_get_contents(ini, &text, NULL, NULL));
    g_assert_nonnull(strstr(text, "accel=interp\n"));
    envp = g_environ_setenv(envp, "VIREO_ACCEL", "jit", TRUE);
    r = run_vireo_env(envp, "run", "Tiered", "--timeout", "20", NULL);
    g_assert_cmpint(r.status, ==, 0);
    g_assert_nonnull(strstr(r.err, "accel: interp (VIREO_ACCEL=jit)"));
    run_result_clear(&r);
    /* ... and --accel overrides it for one run. */
    r = run_vireo_env(envp, "run", "Tiered", "--accel", "jit", "--timeout", "20", NULL);
    g_assert_cmpint(r.status, ==, 0);
    g_autofree char *said = g_strdup_printf("accel: %s (VIREO_ACCEL=jit)", jit);
    g_assert_nonnull(strstr(r.err, said));
    run_result_clear(&r);
    /* A bad value in machine.ini is refused naming the key and the values. */
    g_assert_true(g_file_set_contents(ini, "[machine]\naccel=warp\n", -1, NULL));
    r = run_vireo_env(envp, "run", "Tiered", NULL);
    g_assert_cmpint(r.status, ==, 2);
    g_assert_nonnull(strstr(r.err, "[machine] accel: 'warp' is not an execution tier (interp or "
                                   "jit)"));
    run_result_clear(&r);
}

/* Names, paths and values from a machine folder reach the terminal escaped: no ESC, no
 * line breaks of their own; printable UTF-8 as it is. */
static void assert_escaped(const char *text, int lines)
{
    g_assert_null(strchr(text, 0x1b));
    g_assert_null(strchr(text, 0x07));
    int n = 0;
    for (const char *p = text; *p; p++)
        n += *p == '\n';
    g_assert_cmpint(n, ==, lines);
}

static void test_escaped_names(void)
{
    const char *evil = "Ev\xc3\xafl\x1b[31m\nName\x07";
    g_autofree char *dir = machine_folder(evil, "[machine]\nname=a\\nb\ncolour\x1b\x63=blue\n");
    RunResult r = run_vireo("run", dir, NULL);
    g_assert_cmpint(r.status, ==, 2);
    assert_escaped(r.err, 1);
    g_assert_nonnull(strstr(r.err, "Ev\xc3\xafl\\e[31m\\nName\\x07.vireo"));
    g_assert_nonnull(strstr(r.err, "colour\\ec"));
    run_result_clear(&r);

    g_autofree char *arch = machine_folder("Arch", "[machine]\narch=riscv\x1b[2J\\n64\n");
    r = run_vireo("run", arch, NULL);
    g_assert_cmpint(r.status, ==, 2);
    assert_escaped(r.err, 1);
    g_assert_nonnull(strstr(r.err, "riscv\\e[2J\\n64"));
    run_result_clear(&r);

    /* The same folder in a library of its own, listed. */
    g_autofree char *data = g_build_filename(tmpdir, "escaped-data", NULL);
    g_autofree char *machines = g_build_filename(data, "vireo", "machines", NULL);
    g_assert_cmpint(g_mkdir_with_parents(machines, 0755), ==, 0);
    g_autofree char *base = g_path_get_basename(dir);
    g_autofree char *moved = g_build_filename(machines, base, NULL);
    g_assert_cmpint(g_rename(dir, moved), ==, 0);
    g_auto(GStrv) envp = g_get_environ();
    envp = g_environ_setenv(envp, "XDG_DATA_HOME", data, TRUE);
    r = run_vireo_env(envp, "list", "--paths", NULL);
    g_assert_cmpint(r.status, ==, 0);
    assert_escaped(r.out, 3); /* heading, the machine, its folder */
    g_assert_nonnull(strstr(r.out, "Ev\xc3\xafl\\e[31m\\nName\\x07"));
    run_result_clear(&r);
}

/* ---- in German ---- */

/* The engine's errors, and the command line's own, come out in the user's language: vireo
 * binds its translations (the build folder's when run from there, as here). */
static void test_german(void)
{
    const char *localedir = g_getenv("VIREO_LOCALEDIR");
    g_autofree char *mo =
        localedir ? g_build_filename(localedir, "de", "LC_MESSAGES", "vireo.mo", NULL) : NULL;
    if (!mo || !g_file_test(mo, G_FILE_TEST_EXISTS)) {
        g_test_skip("the German translation was not compiled (msgfmt, Debian package gettext, "
                    "is missing)");
        return;
    }
    if (!setlocale(LC_ALL, "C.UTF-8")) {
        g_test_skip("the C.UTF-8 locale is missing (GNU gettext needs a UTF-8 locale for "
                    "LANGUAGE=de)");
        return;
    }
    setlocale(LC_ALL, "C");

    /* A missing kernel: the ELF loader's message. */
    RunResult r =
        run_vireo_german("run", "--bios", "none", "--kernel", "/nonexistent/kernel.elf", NULL);
    g_assert_cmpint(r.status, ==, 2);
    g_assert_nonnull(strstr(r.err, "Der Kernel /nonexistent/kernel.elf kann nicht gelesen werden"));
    g_assert_null(strstr(r.err, "Cannot read"));
    run_result_clear(&r);

    /* A file that is no kernel (the boot loader's message and the kind of file it is). */
    g_autofree char *text = g_build_filename(tmpdir, "notiz.txt", NULL);
    g_assert_true(
        g_file_set_contents(text, "Dies ist kein Kernel, sondern eine Notiz.\n", -1, NULL));
    r = run_vireo_german("run", "--kernel", text, NULL);
    g_assert_cmpint(r.status, ==, 2);
    g_assert_nonnull(strstr(r.err, "ist kein RISC-V-Kernel, sondern eine Textdatei"));
    run_result_clear(&r);

    /* The board's limit, with a plural. */
    g_autofree char *elf = elf_reporting("de.elf", 1);
    r = RUN_ELF_GERMAN(elf, "--cpus", "99");
    g_assert_cmpint(r.status, ==, 2);
    g_assert_nonnull(strstr(r.err, "99 Prozessoren angefordert"));
    run_result_clear(&r);

    /* machine.ini: the settings file's message keeps the file's name in front. */
    g_autofree char *bad = machine_folder("Farbe", "[machine]\ncolour=blue\n");
    r = run_vireo_german("run", bad, NULL);
    g_assert_cmpint(r.status, ==, 2);
    g_assert_nonnull(strstr(r.err, "machine.ini: Unbekannter Schlüssel „colour“ in der Gruppe "
                                   "[machine]"));
    run_result_clear(&r);

    /* The command line's own words. */
    r = run_vireo_german("run", elf, "zuviel", NULL);
    g_assert_cmpint(r.status, ==, 2);
    g_assert_nonnull(strstr(r.err, "vireo run: Unerwartetes Argument „zuviel“"));
    run_result_clear(&r);
}

static void remove_tree(const char *path)
{
    g_autoptr(GDir) dir = g_dir_open(path, 0, NULL);
    const char *name;
    while (dir && (name = g_dir_read_name(dir))) {
        g_autofree char *p = g_build_filename(path, name, NULL);
        if (g_file_test(p, G_FILE_TEST_IS_DIR) && !g_file_test(p, G_FILE_TEST_IS_SYMLINK))
            remove_tree(p);
        else
            g_unlink(p);
    }
    g_rmdir(path);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    vireo_path = g_getenv("VIREO");
    if (!vireo_path) {
        g_printerr("VIREO must name the vireo binary\n");
        return 1;
    }
    tmpdir = g_dir_make_tmp("vireo-test-cli-XXXXXX", NULL);
    g_assert_nonnull(tmpdir);

    g_test_add_func("/cli/pass", test_pass);
    g_test_add_func("/cli/run-loads-no-gtk", test_run_loads_no_gtk);
#ifdef VIREO_HAVE_GUI
    g_test_add_func("/cli/gui-module-missing", test_gui_module_missing);
#endif
    g_test_add_func("/cli/fail-reports-number", test_fail_reports_number);
    g_test_add_func("/cli/timeout", test_timeout);
    g_test_add_func("/cli/timeout-values", test_timeout_values);
    g_test_add_func("/cli/signal-status", test_signal_status);
    g_test_add_func("/cli/console-flood", test_console_flood);
    g_test_add_func("/cli/console-flood-unread", test_console_flood_unread);
    g_test_add_func("/cli/console-slow-reader-lossless", test_console_slow_reader_lossless);
    g_test_add_func("/cli/missing-file", test_missing_file);
    g_test_add_func("/cli/not-elf", test_not_elf);
    g_test_add_func("/cli/empty-file", test_empty_file);
    g_test_add_func("/cli/other-architecture", test_other_architecture);
    g_test_add_func("/cli/truncated-elf", test_truncated_elf);
    g_test_add_func("/cli/segment-outside-ram", test_segment_outside_ram);
    g_test_add_func("/cli/unknown-option", test_unknown_option);
    g_test_add_func("/cli/help", test_help);
    g_test_add_func("/cli/bad-values", test_bad_values);
    g_test_add_func("/cli/sound", test_sound);
    g_test_add_func("/cli/monitor", test_monitor);
    g_test_add_func("/cli/monitor-cdrom", test_monitor_cdrom);
    g_test_add_func("/cli/console-input-speed", test_console_input_speed);
    g_test_add_func("/cli/console-input-bounded", test_console_input_bounded);
    g_test_add_func("/cli/console-input-lossless", test_console_input_lossless);
    g_test_add_func("/cli/terminal-restored", test_terminal_restored);
    g_test_add_func("/cli/too-much-memory", test_too_much_memory);
    g_test_add_func("/cli/kernel-not-an-image", test_kernel_not_an_image);
    g_test_add_func("/cli/missing-disk-and-firmware", test_missing_disk_and_firmware);
    g_test_add_func("/cli/machine-folder", test_machine_folder);
    g_test_add_func("/cli/run-eject-on-reboot", test_run_eject_on_reboot);
    g_test_add_func("/cli/accel", test_accel);
    g_test_add_func("/cli/escaped-names", test_escaped_names);
    g_test_add_func("/cli/german", test_german);
    int status = g_test_run();

    remove_tree(tmpdir);
    g_free(tmpdir);
    return status;
}
