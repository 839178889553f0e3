/* vireo run: a machine on this terminal. The guest's serial console is the terminal (raw
 * mode when it is one); Ctrl-A X quits, Ctrl-A C opens a small monitor (which also changes
 * and ejects CD drives' discs). */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <glib-unix.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "vireo-cli.h"
#include "vireo-config.h"
#include "vr-machine-config.h"
#include "vr-machine.h"
#ifdef VIREO_HAVE_SDL
#include "vr-sdl-viewer.h"
#endif
#ifdef VIREO_HAVE_GUI
#include "vireo-gui-module.h"
#endif

/* The window --display asks for. */
typedef enum { VIEWER_NONE, VIEWER_SDL, VIEWER_GTK } Viewer;

#define ESCAPE_CHAR 0x01 /* Ctrl-A */
/* Keyboard bytes held for a guest that does not read: past this, standard input waits. */
#define PENDING_LIMIT (64u << 10)

typedef struct {
    VrMachine *m;
    GMainLoop *loop;
    int exit_status;
    bool timed_out;
    int stop_signal; /* the signal that stopped the machine, or 0 */
    GSource *timer;
    /* stdin */
    bool tty;
    bool escape;  /* the last byte was Ctrl-A */
    bool monitor; /* reading a monitor command line */
    GString *line;
    GByteArray *pending;     /* keyboard bytes the guest has no room for yet */
    GByteArray *out_pending; /* guest output standard output could not take yet */
    guint stdout_watch;
    guint stdin_watch;
    bool stdin_paused; /* stdin_watch removed while pending is full */
    guint retry_source;
    /* The machine folder's machine.ini and how many disks it names (the command line adds
     * its own after them): their CD drives' discs are kept there. */
    const char *ini;
    unsigned ini_disks;
#ifdef VIREO_HAVE_SDL
    VrSdlViewer *viewer; /* --display sdl */
#endif
#ifdef VIREO_HAVE_GUI
    const VireoGuiModule *gui; /* --display gtk: the module of the window */
    VireoRunWindow *window;
#endif
    guint sound_note; /* the sound backend's status, said once a moment after the start */
} RunSession;

static RunSession *active_session;

/* ---- the terminal ---- */

/* What vireo run changed on its terminal and standard streams (raw mode, non-blocking
 * descriptors, shared with the shell that started it), put back on every way out: on
 * return, at exit, and from a handler for the signals that end the process. */
static struct termios saved_termios;
static volatile sig_atomic_t termios_saved;
static volatile sig_atomic_t saved_stdin_flags = -1, saved_stdout_flags = -1;

/* Async-signal-safe. */
static void restore_terminal_now(int when)
{
    if (termios_saved) {
        tcsetattr(STDIN_FILENO, when, &saved_termios);
        termios_saved = 0;
    }
    if (saved_stdin_flags >= 0) {
        fcntl(STDIN_FILENO, F_SETFL, (int) saved_stdin_flags);
        saved_stdin_flags = -1;
    }
    if (saved_stdout_flags >= 0) {
        fcntl(STDOUT_FILENO, F_SETFL, (int) saved_stdout_flags);
        saved_stdout_flags = -1;
    }
}

static void restore_terminal(void)
{
    restore_terminal_now(TCSAFLUSH);
}

static const int fatal_signals[] = {SIGABRT, SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGQUIT};
static struct sigaction previous_actions[G_N_ELEMENTS(fatal_signals)];

static void on_fatal_signal(int sig, siginfo_t *info, void *context)
{
    restore_terminal_now(TCSANOW);
    for (unsigned i = 0; i < G_N_ELEMENTS(fatal_signals); i++)
        if (fatal_signals[i] == sig)
            sigaction(sig, &previous_actions[i], NULL);
    /* A fault comes back when the instruction runs again; a sent signal is sent again. */
    if (info->si_code <= 0 || sig == SIGABRT || sig == SIGQUIT)
        raise(sig);
}

static void guard_terminal(void)
{
    static bool installed;
    if (installed)
        return;
    installed = true;
    atexit(restore_terminal);
    struct sigaction sa = {0};
    sa.sa_sigaction = on_fatal_signal;
    sa.sa_flags = SA_SIGINFO | SA_NODEFER;
    sigemptyset(&sa.sa_mask);
    for (unsigned i = 0; i < G_N_ELEMENTS(fatal_signals); i++)
        sigaction(fatal_signals[i], &sa, &previous_actions[i]);
}

static void prepare_terminal(RunSession *s)
{
    guard_terminal();
    /* Output to a closed pipe is dropped (write() fails with EPIPE), it does not kill us. */
    signal(SIGPIPE, SIG_IGN);
    saved_stdin_flags = fcntl(STDIN_FILENO, F_GETFL);
    saved_stdout_flags = fcntl(STDOUT_FILENO, F_GETFL);
    if (s->tty && tcgetattr(STDIN_FILENO, &saved_termios) == 0) {
        termios_saved = 1;
        struct termios raw = saved_termios;
        cfmakeraw(&raw);
        /* Keep output processing, so a bare "\n" from the guest still starts a new line. */
        raw.c_oflag |= OPOST | ONLCR;
        tcsetattr(STDIN_FILENO, TCSAFLUSH, &raw);
    }
    g_unix_set_fd_nonblocking(STDIN_FILENO, TRUE, NULL);
    g_unix_set_fd_nonblocking(STDOUT_FILENO, TRUE, NULL);
}

/* Guest output goes to standard output without ever blocking the main loop: what the
 * terminal or pipe cannot take yet waits here, and the machine's console buffer fills up
 * behind it until the guest's UART sees a busy line. */
static gboolean stdout_writable(gint fd, GIOCondition cond, gpointer data);

static void drain_console(RunSession *s)
{
    uint8_t buf[4096];
    while (s->out_pending->len == 0) {
        size_t n = vr_machine_console_read(s->m, buf, sizeof(buf));
        if (n == 0)
            return;
        size_t off = 0;
        while (off < n) {
            ssize_t w = write(STDOUT_FILENO, buf + off, n - off);
            if (w < 0 && errno == EINTR)
                continue;
            if (w < 0 && errno != EAGAIN) {
                /* Nowhere to write to (a closed pipe): the output is dropped. */
                off = n;
                break;
            }
            if (w < 0)
                break;
            off += (size_t) w;
        }
        if (off < n) {
            g_byte_array_append(s->out_pending, buf + off, (guint) (n - off));
            if (!s->stdout_watch)
                s->stdout_watch = g_unix_fd_add(STDOUT_FILENO, G_IO_OUT | G_IO_ERR | G_IO_HUP,
                                                stdout_writable, s);
        }
    }
}

static gboolean stdout_writable(gint fd, GIOCondition cond, gpointer data)
{
    RunSession *s = data;
    while (s->out_pending->len) {
        ssize_t w = write(fd, s->out_pending->data, s->out_pending->len);
        if (w < 0 && errno == EINTR)
            continue;
        if (w < 0 && errno == EAGAIN)
            return G_SOURCE_CONTINUE;
        if (w < 0)
            g_byte_array_set_size(s->out_pending, 0);
        else
            g_byte_array_remove_range(s->out_pending, 0, (guint) w);
    }
    s->stdout_watch = 0;
    drain_console(s);
    return G_SOURCE_REMOVE;
}

/* Writes what is left once the machine has stopped, waiting at most a few seconds for a
 * reader that is slow or gone. */
static void flush_console(RunSession *s)
{
    gint64 deadline = g_get_monotonic_time() + 3 * G_USEC_PER_SEC;
    uint8_t buf[4096];
    for (;;) {
        if (s->out_pending->len == 0) {
            size_t n = vr_machine_console_read(s->m, buf, sizeof(buf));
            if (n == 0)
                return;
            g_byte_array_append(s->out_pending, buf, (guint) n);
        }
        ssize_t w = write(STDOUT_FILENO, s->out_pending->data, s->out_pending->len);
        if (w > 0) {
            g_byte_array_remove_range(s->out_pending, 0, (guint) w);
            continue;
        }
        if (w < 0 && errno == EINTR)
            continue;
        gint64 left = deadline - g_get_monotonic_time();
        if ((w < 0 && errno != EAGAIN) || left <= 0)
            return;
        struct pollfd pfd = {.fd = STDOUT_FILENO, .events = POLLOUT};
        poll(&pfd, 1, (int) (left / 1000) + 1);
    }
}

static void note(const char *fmt, ...) G_GNUC_PRINTF(1, 2);
static void note(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    g_autofree char *msg = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    fprintf(stderr, "%s%s%s", active_session && active_session->tty ? "\r\n" : "", msg,
            active_session && active_session->tty ? "\r\n" : "\n");
}

/* ---- the monitor ---- */

static void monitor_info_registers(RunSession *s, unsigned cpu)
{
    g_autoptr(GString) out = g_string_new(NULL);
    if (!vr_machine_dump_registers(s->m, cpu, out)) {
        /* Translators: a hart is a RISC-V hardware thread, a CPU. */
        note(_("no hart %u (the machine has %u)"), cpu, vr_machine_n_cpus(s->m));
        return;
    }
    if (s->tty)
        g_string_replace(out, "\n", "\r\n", 0);
    note("%s", out->str);
}

static void monitor_info_jit(RunSession *s)
{
    VrMachineJitStats st;
    vr_machine_jit_stats(s->m, &st);
    if (st.n_cpus == 0) {
        /* Translators: the monitor's answer to info jit on the interpreter; keep "jit",
         * "accel" and the tier's name (%s, interp). */
        note(_("jit: not in use (accel: %s)"), vr_machine_accel_name(vr_machine_get_accel(s->m)));
        return;
    }
    g_autofree char *harts =
        /* Translators: follows info jit's answer on a machine of several harts (CPUs). */
        st.n_cpus > 1 ? g_strdup_printf(_(", summed over %u harts"), st.n_cpus) : g_strdup("");
    /* Translators: the monitor's answer to info jit: blocks compiled, how many times the
     * code cache was emptied, its size and the part in use; keep "jit". */
    note(_("jit: %llu blocks compiled, %llu cache resets, code cache %llu KiB, %llu KiB in use%s"),
         (unsigned long long) st.compiled, (unsigned long long) st.resets,
         (unsigned long long) (st.cache_size >> 10), (unsigned long long) (st.cache_used >> 10),
         harts);
}

static void monitor_savevm(RunSession *s, const char *path)
{
    if (!path || !*path) {
        /* Translators: keep savevm, the command; FILE may be translated. */
        note("%s", _("savevm needs a file: savevm FILE"));
        return;
    }
    g_autoptr(GError) error = NULL;
    int64_t start = g_get_monotonic_time();
    if (!vr_machine_save_state(s->m, path, &error)) {
        g_autofree char *message = vireo_cli_escape(error->message);
        note("%s", message);
        return;
    }
    GStatBuf st;
    double mib = g_stat(path, &st) == 0 ? (double) st.st_size / (1 << 20) : 0;
    /* Translators: the monitor's answer to savevm: the file, its size and the time taken. */
    note(_("state saved to %s (%.1f MiB in %.2f s)"), path, mib,
         (double) (g_get_monotonic_time() - start) / 1e6);
}

/* Drives are named as the monitor's info block lists them: diskN for disk N of the
 * configuration, and cdN for the N-th CD drive (counting CD drives only, from 0). Returns
 * the disk index, or -1 (and says why) when name is no CD drive. */
static int monitor_cd_drive(RunSession *s, const char *name)
{
    guint64 n = 0;
    unsigned disks = vr_machine_n_disks(s->m);
    if (name && g_str_has_prefix(name, "cd") &&
        g_ascii_string_to_unsigned(name + 2, 10, 0, 63, &n, NULL)) {
        for (unsigned i = 0, cd = 0; i < disks; i++)
            if (vr_machine_disk_is_cd(s->m, i) && cd++ == n)
                return (int) i;
    } else if (name && g_str_has_prefix(name, "disk") &&
               g_ascii_string_to_unsigned(name + 4, 10, 0, 63, &n, NULL) && n < disks &&
               vr_machine_disk_is_cd(s->m, (unsigned) n)) {
        return (int) n;
    }
    /* Translators: keep "info block", the monitor's command. */
    note(_("'%s' is not a CD drive (info block lists the drives)"), name ? name : "");
    return -1;
}

static void monitor_info_block(RunSession *s)
{
    unsigned disks = vr_machine_n_disks(s->m);
    if (disks == 0) {
        /* Translators: the monitor's answer to info block. */
        note("%s", _("no drives"));
        return;
    }
    for (unsigned i = 0, cd = 0; i < disks; i++) {
        if (!vr_machine_disk_is_cd(s->m, i)) {
            /* Translators: info block's line for a disk (not a CD drive). */
            note(_("disk%u: disk"), i);
            continue;
        }
        g_autofree char *disc = vr_machine_cd_path(s->m, i);
        g_autofree char *shown = disc ? vireo_cli_escape(disc) : NULL;
        if (!disc)
            /* Translators: info block's line for an empty CD drive. */
            note(_("cd%u (disk%u): CD drive, no disc"), cd, i);
        else if (vr_machine_cd_eject_on_reboot(s->m, i))
            /* Translators: info block's line for a CD drive; the last %s is the disc's file. */
            note(_("cd%u (disk%u): CD drive, disc %s (ejected when the guest restarts)"), cd, i,
                 shown);
        else
            /* Translators: info block's line for a CD drive; the last %s is the disc's file. */
            note(_("cd%u (disk%u): CD drive, disc %s"), cd, i, shown);
        cd++;
    }
}

/* eject DRIVE, change DRIVE FILE (FILE is the rest of the line: it may hold spaces). */
static void monitor_change(RunSession *s, const char *line, bool eject)
{
    g_autofree char *copy = g_strdup(line);
    char *drive = g_strstrip(copy);
    drive += strcspn(drive, " \t"); /* past the command */
    drive += strspn(drive, " \t");
    char *file = drive + strcspn(drive, " \t");
    if (*file)
        *file++ = '\0';
    file = g_strstrip(file);
    if (!*drive || (!eject && !*file)) {
        /* Translators: keep the commands; DRIVE and FILE may be translated. */
        note("%s", eject ? _("eject needs a drive: eject DRIVE (e.g. eject cd0)")
                         : _("change needs a drive and a file: change DRIVE FILE"));
        return;
    }
    if (eject && *file) {
        note(_("unexpected argument '%s'"), file);
        return;
    }
    int index = monitor_cd_drive(s, drive);
    if (index < 0)
        return;
    g_autoptr(GError) error = NULL;
    if (!vr_machine_change_cd(s->m, (unsigned) index, eject ? NULL : file, &error)) {
        g_autofree char *message = vireo_cli_escape(error->message);
        note("%s", message);
        return;
    }
    g_autofree char *shown = vireo_cli_escape(file);
    if (eject)
        /* Translators: the monitor's answer to eject; %s names the drive, e.g. cd0. */
        note(_("%s: disc ejected"), drive);
    else
        /* Translators: the monitor's answer to change: the drive (cd0), then the file. */
        note(_("%s: disc %s inserted"), drive, shown);
}

static void monitor_command(RunSession *s, const char *line)
{
    g_auto(GStrv) words = g_strsplit_set(line, " \t", -1);
    const char *cmd = words[0] ? words[0] : "";
    if (!*cmd)
        return;
    if (strcmp(cmd, "help") == 0 || strcmp(cmd, "?") == 0) {
        note("%s\r\n%s",
             /* Translators: keep the commands; HART may be translated. */
             _("commands: info registers [HART] | info block | info accel | info jit | eject DRIVE "
               "| change DRIVE FILE | pause | resume | savevm FILE | system_powerdown | quit | "
               "help"),
             _("Ctrl-A C leaves the monitor; Ctrl-A X quits; Ctrl-A A sends Ctrl-A"));
    } else if (strcmp(cmd, "info") == 0 && words[1] && g_str_has_prefix("registers", words[1])) {
        guint64 hart = 0;
        if (words[2] && !g_ascii_string_to_unsigned(words[2], 10, 0, 1023, &hart, NULL)) {
            note(_("'%s' is not a hart number"), words[2]);
            return;
        }
        monitor_info_registers(s, (unsigned) hart);
    } else if (strcmp(cmd, "info") == 0 && words[1] && strcmp(words[1], "block") == 0) {
        monitor_info_block(s);
    } else if (strcmp(cmd, "info") == 0 && words[1] && strcmp(words[1], "accel") == 0) {
        /* Translators: the monitor's answer to info accel; keep "accel", interp and jit. */
        note(_("accel: %s"), vr_machine_accel_name(vr_machine_get_accel(s->m)));
    } else if (strcmp(cmd, "info") == 0 && words[1] && strcmp(words[1], "jit") == 0) {
        monitor_info_jit(s);
    } else if (strcmp(cmd, "eject") == 0 || strcmp(cmd, "change") == 0) {
        monitor_change(s, line, strcmp(cmd, "eject") == 0);
    } else if (strcmp(cmd, "pause") == 0 || strcmp(cmd, "stop") == 0) {
        vr_machine_pause(s->m);
        /* Translators: the monitor's answer to its pause command. */
        note("%s", _("paused"));
    } else if (strcmp(cmd, "resume") == 0 || strcmp(cmd, "cont") == 0 || strcmp(cmd, "c") == 0) {
        vr_machine_resume(s->m);
        /* Translators: the monitor's answer to its resume command. */
        note("%s", _("running"));
    } else if (strcmp(cmd, "savevm") == 0) {
        monitor_savevm(s, words[1]);
    } else if (strcmp(cmd, "system_powerdown") == 0) {
        g_autoptr(GError) error = NULL;
        if (vr_machine_request_shutdown(s->m, &error))
            /* Translators: the monitor's answer to system_powerdown. */
            note("%s", _("power button pressed; the guest shuts down"));
        else
            note("%s", error->message);
    } else if (strcmp(cmd, "quit") == 0 || strcmp(cmd, "q") == 0) {
        vr_machine_power_off(s->m);
    } else {
        /* Translators: "help" is a command of the monitor; keep it. */
        note(_("unknown command '%s' (try help)"), cmd);
    }
}

static void monitor_prompt(void)
{
    fputs("(vireo) ", stderr);
    fflush(stderr);
}

/* ---- keyboard ---- */

static gboolean retry_pending(gpointer data);
static void offer_pending(RunSession *s);
static void resume_stdin(RunSession *s);

static void feed_guest(RunSession *s, const uint8_t *p, size_t n)
{
    if (s->pending->len == 0) {
        size_t taken = vr_machine_console_input(s->m, p, n);
        p += taken;
        n -= taken;
    }
    if (n) {
        g_byte_array_append(s->pending, p, (guint) n);
        if (!s->retry_source)
            s->retry_source = g_timeout_add(50, retry_pending, s);
    }
}

/* Offers the waiting keyboard bytes to the guest again: as soon as the machine says it has
 * room, and on a slow timer besides, should a notice be missed. */
static void offer_pending(RunSession *s)
{
    if (!s->pending->len)
        return;
    size_t taken = vr_machine_console_input(s->m, s->pending->data, s->pending->len);
    g_byte_array_remove_range(s->pending, 0, (guint) taken);
    if (!s->pending->len && s->retry_source) {
        g_source_remove(s->retry_source);
        s->retry_source = 0;
    }
    resume_stdin(s);
}

static gboolean retry_pending(gpointer data)
{
    RunSession *s = data;
    guint self = s->retry_source;
    s->retry_source = 0; /* not removed by offer_pending() while it runs */
    offer_pending(s);
    if (!s->pending->len)
        return G_SOURCE_REMOVE;
    s->retry_source = self;
    return G_SOURCE_CONTINUE;
}

static void monitor_byte(RunSession *s, uint8_t c)
{
    if (c == '\r' || c == '\n') {
        fputs(s->tty ? "\r\n" : "\n", stderr);
        g_autofree char *line = g_strdup(s->line->str);
        g_string_truncate(s->line, 0);
        monitor_command(s, g_strstrip(line));
        if (s->monitor)
            monitor_prompt();
    } else if (c == 0x7f || c == 0x08) {
        if (s->line->len) {
            g_string_truncate(s->line, s->line->len - 1);
            fputs("\b \b", stderr);
        }
    } else if (c >= 0x20 && c < 0x7f) {
        g_string_append_c(s->line, (char) c);
        if (s->tty)
            fputc(c, stderr);
    }
    fflush(stderr);
}

static void keyboard_byte(RunSession *s, uint8_t c)
{
    if (s->escape) {
        s->escape = false;
        switch (g_ascii_tolower(c)) {
        case 'x':
            /* Translators: printed when the user quits with Ctrl-A X. */
            note("vireo: %s", _("quit"));
            vr_machine_power_off(s->m);
            return;
        case 'c':
            s->monitor = !s->monitor;
            if (s->monitor) {
                /* Translators: "help" is a command of the monitor; keep it. */
                note("%s", _("Vireo monitor (help for commands, Ctrl-A C to leave)"));
                monitor_prompt();
            } else {
                note("%s", _("(back to the console)"));
            }
            return;
        case 'h':
        case '?':
            note("%s",
                 _("Ctrl-A X quit   Ctrl-A C monitor   Ctrl-A A send Ctrl-A   Ctrl-A H help"));
            return;
        case ESCAPE_CHAR:
        case 'a': c = ESCAPE_CHAR; break;
        default: return;
        }
    } else if (c == ESCAPE_CHAR) {
        s->escape = true;
        return;
    }
    if (s->monitor)
        monitor_byte(s, c);
    else
        feed_guest(s, &c, 1);
}

static gboolean stdin_ready(gint fd, GIOCondition cond, gpointer data)
{
    RunSession *s = data;
    uint8_t buf[4096];
    ssize_t n = read(fd, buf, sizeof(buf));
    if (n < 0 && (errno == EINTR || errno == EAGAIN))
        return G_SOURCE_CONTINUE;
    if (n <= 0) {
        /* End of input: the guest keeps running, its keyboard is just gone. */
        s->stdin_watch = 0;
        return G_SOURCE_REMOVE;
    }
    for (ssize_t i = 0; i < n; i++)
        keyboard_byte(s, buf[i]);
    if (s->pending->len >= PENDING_LIMIT) {
        /* The guest is not reading: leave the rest in the pipe or the terminal. */
        s->stdin_watch = 0;
        s->stdin_paused = true;
        return G_SOURCE_REMOVE;
    }
    return G_SOURCE_CONTINUE;
}

static void resume_stdin(RunSession *s)
{
    if (s->stdin_paused && s->pending->len < PENDING_LIMIT) {
        s->stdin_paused = false;
        s->stdin_watch = g_unix_fd_add(STDIN_FILENO, G_IO_IN | G_IO_HUP | G_IO_ERR, stdin_ready, s);
    }
}

/* ---- machine events ---- */

/* A CD drive of the machine folder's machine.ini got another disc (or none): the next run
 * starts with it, as the window's would. Only that drive's keys change; the rest of the file
 * stays as it is (options given here are not written). */
static void save_cd(RunSession *s, unsigned disk)
{
    if (!s->ini || disk >= s->ini_disks)
        return;
    g_autoptr(GKeyFile) kf = g_key_file_new();
    g_autoptr(GError) error = NULL;
    g_autofree char *group = g_strdup_printf("disk %u", disk);
    if (g_key_file_load_from_file(kf, s->ini, G_KEY_FILE_KEEP_COMMENTS, &error) &&
        g_key_file_get_boolean(kf, group, "cdrom", NULL)) {
        g_autofree char *disc = vr_machine_cd_path(s->m, disk);
        g_autofree char *dir = g_path_get_dirname(s->ini);
        g_autofree char *folder = g_canonicalize_filename(dir, NULL);
        g_autofree char *prefix = g_strconcat(folder, G_DIR_SEPARATOR_S, NULL);
        /* A disc in the folder is named relative to it, so a copied folder keeps it. */
        const char *value = !disc                            ? ""
                            : g_str_has_prefix(disc, prefix) ? disc + strlen(prefix)
                                                             : disc;
        g_key_file_set_string(kf, group, "path", value);
        if (disc && vr_machine_cd_eject_on_reboot(s->m, disk))
            g_key_file_set_boolean(kf, group, "eject-on-reboot", true);
        else
            g_key_file_remove_key(kf, group, "eject-on-reboot", NULL);
        g_key_file_save_to_file(kf, s->ini, &error); /* a temporary file renamed over it */
    }
    if (error) {
        g_autofree char *message = vireo_cli_escape(error->message);
        note("vireo: %s", message);
    }
}

static void on_event(VrMachine *m, const VrMachineEvent *ev, void *data)
{
    RunSession *s = data;
    switch (ev->kind) {
    case VR_EVENT_CONSOLE_OUTPUT: drain_console(s); break;
    case VR_EVENT_ERROR: {
        g_autofree char *message = vireo_cli_escape(ev->message);
        note("vireo: %s", message);
        break;
    }
    case VR_EVENT_RESET: break;
    case VR_EVENT_CONSOLE_INPUT_READY: offer_pending(s); break;
    case VR_EVENT_DISPLAY_UPDATED:
#ifdef VIREO_HAVE_SDL
        if (s->viewer)
            vr_sdl_viewer_update(s->viewer);
#endif
#ifdef VIREO_HAVE_GUI
        if (s->window)
            s->gui->run_window_update(s->window);
#endif
        break;
    case VR_EVENT_MEDIA_CHANGED:
        save_cd(s, ev->disk);
        if (ev->ejected_on_reboot) {
            unsigned cd = 0;
            for (unsigned i = 0; i < ev->disk; i++)
                cd += vr_machine_disk_is_cd(m, i);
            /* Translators: %u numbers the CD drive (cd0, cd1, ...). */
            note(_("cd%u: the guest restarted, so its disc was ejected"), cd);
        }
        break;
    case VR_EVENT_NET_CHANGED: {
        g_autofree char *addr = vr_machine_net_guest_address(m);
        if (addr)
            /* Translators: %s is an IPv4 address such as 10.0.2.15. */
            note(_("network: the guest has the address %s"), addr);
        break;
    }
    case VR_EVENT_STATE_CHANGED:
        if (ev->state == VR_MACHINE_STOPPED)
            g_main_loop_quit(s->loop);
        break;
    }
}

static gboolean on_timeout(gpointer data)
{
    RunSession *s = data;
    s->timed_out = true;
    vr_machine_power_off(s->m);
    return G_SOURCE_REMOVE;
}

static gboolean deadline_dispatch(GSource *source, GSourceFunc callback, gpointer data)
{
    g_source_set_ready_time(source, -1);
    return callback(data);
}

/* A source that fires once at a monotonic time in microseconds: unlike g_timeout_add's guint
 * of milliseconds, it holds any timeout up to hundreds of thousands of years. */
static GSource *deadline_source_new(double seconds, GSourceFunc callback, gpointer data)
{
    static GSourceFuncs funcs = {.dispatch = deadline_dispatch};
    GSource *source = g_source_new(&funcs, sizeof(GSource));
    gint64 now = g_get_monotonic_time();
    double us = seconds * G_USEC_PER_SEC;
    gint64 deadline = us >= (double) (G_MAXINT64 - now) ? G_MAXINT64 : now + (gint64) us;
    g_source_set_ready_time(source, deadline);
    g_source_set_callback(source, callback, data, NULL);
    g_source_attach(source, NULL);
    return source;
}

#if defined(VIREO_HAVE_SDL) || defined(VIREO_HAVE_GUI)
/* Closing the window ends the machine, as Ctrl-A X does. */
static void on_viewer_closed(void *data)
{
    RunSession *s = data;
    vr_machine_power_off(s->m);
}
#endif

static void stop_on_signal(RunSession *s, int sig)
{
    if (!s->stop_signal)
        s->stop_signal = sig;
    vr_machine_power_off(s->m);
}

static gboolean on_sigint(gpointer data)
{
    stop_on_signal(data, SIGINT);
    return G_SOURCE_CONTINUE;
}

static gboolean on_sigterm(gpointer data)
{
    stop_on_signal(data, SIGTERM);
    return G_SOURCE_CONTINUE;
}

static gboolean on_sighup(gpointer data)
{
    stop_on_signal(data, SIGHUP);
    return G_SOURCE_CONTINUE;
}

/* ---- options ---- */

static bool parse_disk(VrMachineConfig *cfg, const char *spec, GError **error)
{
    g_auto(GStrv) parts = g_strsplit(spec, ",", -1);
    bool readonly = false;
    for (unsigned i = 1; parts[i]; i++) {
        if (strcmp(parts[i], "readonly") == 0 || strcmp(parts[i], "ro") == 0) {
            readonly = true;
        } else {
            g_set_error(error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                        /* Translators: keep "readonly"; PATH may be translated. */
                        _("--disk %s: unknown option '%s' (expected PATH or PATH,readonly)"), spec,
                        parts[i]);
            return false;
        }
    }
    if (!parts[0] || !*parts[0]) {
        g_set_error(error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE, _("--disk needs a path"));
        return false;
    }
    vr_machine_config_add_disk(cfg, parts[0], readonly);
    return true;
}

/* A number of seconds: finite and above zero ("1e10" is fine, "inf", "nan" and "0" are not). */
static bool parse_timeout(const char *text, double *seconds)
{
    char *end = NULL;
    errno = 0;
    double v = g_ascii_strtod(text, &end);
    if (end == text || *end || errno == ERANGE || !isfinite(v) || v <= 0)
        return false;
    *seconds = v;
    return true;
}

/* Runs the machine cfg describes, or the one restored from the state file restore, on this
 * terminal; returns the exit status. */
/* A machine whose sound goes nowhere says why (no PulseAudio server): it runs all the same. */
static gboolean say_sound_status(gpointer data)
{
    RunSession *s = data;
    s->sound_note = 0;
    g_autofree char *status = vr_machine_sound_status(s->m);
    if (status && strcmp(status, "connected") != 0)
        note(_("sound: %s"), status);
    return G_SOURCE_REMOVE;
}

/* Names the tier the machine runs on when $VIREO_ACCEL chose it (the test suites set it), so
 * a log says which one ran. */
static void say_accel_from_environment(VrMachine *m)
{
    const char *env = g_getenv("VIREO_ACCEL");
    if (!env)
        return;
    VrMachineAccel accel;
    g_autofree char *shown = vireo_cli_escape(env);
    const char *name = vr_machine_accel_name(vr_machine_get_accel(m));
    if (vr_parse_accel(env, &accel))
        /* Translators: keep "accel" and VIREO_ACCEL; the first %s is interp or jit. */
        note(_("vireo: accel: %s (VIREO_ACCEL=%s)"), name, shown);
    else
        /* Translators: keep "accel", VIREO_ACCEL, interp and jit; the first %s is interp or
         * jit. */
        note(_("vireo: accel: %s (VIREO_ACCEL=%s is not interp or jit, and is ignored)"), name,
             shown);
}

static int run_machine(const VrMachineConfig *cfg, const char *restore, VrMachineAccel accel,
                       double timeout, const char *ini, unsigned ini_disks, Viewer viewer)
{
    g_autoptr(GError) error = NULL;
    int status = VIREO_EXIT_USAGE;
    g_autoptr(VrMachine) m =
        restore ? vr_machine_new_from_state(restore, &error) : vr_machine_new(cfg, &error);
    if (!m) {
        vireo_cli_error("run", "%s", error->message);
        return VIREO_EXIT_USAGE;
    }
    /* A state file holds no tier: --accel applies to the restored machine here. */
    if (restore && accel != VR_MACHINE_ACCEL_DEFAULT && !vr_machine_set_accel(m, accel, &error)) {
        vireo_cli_error("run", "--accel: %s", error->message);
        return VIREO_EXIT_USAGE;
    }
    say_accel_from_environment(m);

    RunSession s = {0};
    s.m = m;
    s.loop = g_main_loop_new(NULL, FALSE);
    s.line = g_string_new(NULL);
    s.pending = g_byte_array_new();
    s.out_pending = g_byte_array_new();
    s.ini = ini;
    s.ini_disks = ini_disks;
    active_session = &s;
    vr_machine_set_event_handler(m, NULL, on_event, &s);
    bool viewer_ok = true;
    const char *option = viewer == VIEWER_SDL ? "--display sdl" : "--display gtk";
    g_autofree char *title =
        g_strdup_printf("%s – Vireo", cfg && cfg->name ? cfg->name : _("Virtual machine"));
    if (viewer != VIEWER_NONE && !vr_machine_has_display(m)) {
        /* Translators: %s is the option, --display sdl or --display gtk. */
        vireo_cli_error("run", _("%s: the restored machine has no screen"), option);
        viewer_ok = false;
    }
#ifdef VIREO_HAVE_SDL
    if (viewer_ok && viewer == VIEWER_SDL) {
        s.viewer = vr_sdl_viewer_new(m, title, on_viewer_closed, &s, &error);
        if (!s.viewer) {
            vireo_cli_error("run", "%s: %s", option, error->message);
            viewer_ok = false;
        }
    }
#endif
#ifdef VIREO_HAVE_GUI
    if (viewer_ok && viewer == VIEWER_GTK) {
        s.gui = vireo_gui_load(&error);
        s.window = s.gui ? s.gui->run_window_new(m, title, on_viewer_closed, &s, &error) : NULL;
        if (!s.window) {
            vireo_cli_error("run", "%s: %s", option, error->message);
            viewer_ok = false;
        } else {
            const char *why = NULL;
            if (s.gui->run_window_through_gl(s.window, &why))
                note("%s", _("vireo: the screen is drawn with Vulkan and shown through OpenGL"));
            else if (why)
                note(_("vireo: the screen's frames are copied by the CPU: %s"), why);
        }
    }
#endif

    s.tty = isatty(STDIN_FILENO);
    prepare_terminal(&s);
    s.stdin_watch = g_unix_fd_add(STDIN_FILENO, G_IO_IN | G_IO_HUP | G_IO_ERR, stdin_ready, &s);
    guint sigint = g_unix_signal_add(SIGINT, on_sigint, &s);
    guint sigterm = g_unix_signal_add(SIGTERM, on_sigterm, &s);
    guint sighup = g_unix_signal_add(SIGHUP, on_sighup, &s);
    if (timeout > 0)
        s.timer = deadline_source_new(timeout, on_timeout, &s);

    if (!viewer_ok) {
        status = VIREO_EXIT_USAGE;
    } else if (!vr_machine_start(m, &error)) {
        vireo_cli_error("run", "%s", error->message);
    } else {
        if (vr_machine_has_sound(m))
            s.sound_note = g_timeout_add_seconds(2, say_sound_status, &s);
        g_main_loop_run(s.loop);
        flush_console(&s);
        VrMachineResult result = vr_machine_get_result(m);
        restore_terminal();
        if (s.stop_signal) {
            /* As a shell reports a command a signal ended: 128 + the signal's number. */
            status = 128 + s.stop_signal;
        } else if (s.timed_out) {
            vireo_cli_error("run", _("timed out after %g seconds"), timeout);
            status = VIREO_EXIT_TIMEOUT;
        } else if (result.end == VR_END_FAILED) {
            /* Translators: %u is the number of the test that failed (riscv-tests convention). */
            vireo_cli_error("run", _("the guest reported failure: test %u failed"), result.code);
            status = VIREO_EXIT_FAILED;
        } else {
            status = VIREO_EXIT_OK;
        }
    }

    restore_terminal();
    if (s.stdout_watch)
        g_source_remove(s.stdout_watch);
    if (s.timer) {
        g_source_destroy(s.timer);
        g_source_unref(s.timer);
    }
    g_source_remove(sigint);
    g_source_remove(sigterm);
    g_source_remove(sighup);
    if (s.stdin_watch)
        g_source_remove(s.stdin_watch);
    if (s.retry_source)
        g_source_remove(s.retry_source);
    if (s.sound_note)
        g_source_remove(s.sound_note);
    vr_machine_set_event_handler(m, NULL, NULL, NULL);
#ifdef VIREO_HAVE_SDL
    g_clear_pointer(&s.viewer, vr_sdl_viewer_free);
#endif
#ifdef VIREO_HAVE_GUI
    if (s.window)
        s.gui->run_window_free(s.window);
#endif
    active_session = NULL;
    g_main_loop_unref(s.loop);
    g_string_free(s.line, TRUE);
    g_byte_array_unref(s.pending);
    g_byte_array_unref(s.out_pending);
    return status;
}

int vireo_cmd_run(int argc, char **argv)
{
    g_autofree char *arch = NULL, *memory = NULL, *bios = NULL, *kernel = NULL;
    g_autofree char *initrd = NULL, *append = NULL, *console = NULL, *restore = NULL;
    g_auto(GStrv) disks = NULL;
    g_auto(GStrv) cdroms = NULL;
    g_autofree char *cpus_arg = NULL, *display = NULL;
    g_autofree char *timeout_arg = NULL, *net = NULL, *sound = NULL, *accel_arg = NULL;
    double timeout = 0; /* none */
    GOptionEntry entries[] = {
        {"arch", 0, 0, G_OPTION_ARG_STRING, &arch, N_("Guest architecture (riscv64)"), "ARCH"},
        {"cpus", 0, 0, G_OPTION_ARG_STRING, &cpus_arg, N_("Number of virtual CPUs (default 1)"),
         "N"},
        {"memory", 0, 0, G_OPTION_ARG_STRING, &memory, N_("Guest RAM, e.g. 512M or 2G"),
         N_("SIZE")},
        {"bios", 0, 0, G_OPTION_ARG_FILENAME, &bios,
         /* Translators: keep 'none'. */
         N_("Firmware (default: Debian's OpenSBI fw_dynamic.bin), or 'none' to start the kernel "
            "in M-mode"),
         N_("PATH")},
        {"kernel", 0, 0, G_OPTION_ARG_FILENAME, &kernel,
         N_("Kernel: a Linux Image, U-Boot or another S-mode payload; with --bios none, an ELF"),
         N_("PATH")},
        {"initrd", 0, 0, G_OPTION_ARG_FILENAME, &initrd, N_("Initial ramdisk"), N_("PATH")},
        {"append", 0, 0, G_OPTION_ARG_STRING, &append, N_("Kernel command line"), N_("STRING")},
        {"disk", 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &disks,
         N_("A raw disk image as a virtio disk (repeatable)"),
         /* Translators: keep ",readonly"; PATH may be translated. */
         N_("PATH[,readonly]")},
        {"cdrom", 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &cdroms,
         /* Translators: keep '' (an empty argument). */
         N_("An ISO image in a CD drive, never written; the monitor's change and eject swap it "
            "(repeatable; '' for an empty drive)"),
         N_("FILE")},
        {"console", 0, 0, G_OPTION_ARG_STRING, &console,
         /* Translators: keep serial and virtio, the values the option takes. */
         N_("The console device: serial (the UART, ttyS0; default) or virtio (hvc0)"),
         "serial|virtio"},
        {"display", 0, 0, G_OPTION_ARG_STRING, &display,
         /* Translators: keep none, sdl, gtk and gpu, the values the option takes. */
         N_("Where the screen goes: none (default; a machine with a screen keeps it, unseen), sdl "
            "or gtk (a window; the machine gets a screen), or gpu (a screen nobody sees)"),
         "none|sdl|gtk|gpu"},
        {"net", 0, 0, G_OPTION_ARG_STRING, &net,
         /* Translators: keep none, user, restrict=on, hostfwd= and the example. */
         N_("The network: none, or user (NAT; the guest gets 10.0.2.15 by DHCP) with options "
            "restrict=on (no connection out) and hostfwd=tcp:127.0.0.1:2222-:22 (repeatable)"),
         "none|user[,...]"},
        {"sound", 0, 0, G_OPTION_ARG_STRING, &sound,
         /* Translators: keep none, pulse, null, wav, out= and in=. */
         N_("Sound: none, pulse (PulseAudio), null (silent), or wav:out=FILE[,in=FILE] "
            "(the guest's output written to a WAV file, its input read from one)"),
         "none|pulse|null|wav:..."},
        {"accel", 0, 0, G_OPTION_ARG_STRING, &accel_arg,
         /* Translators: keep interp, jit and VIREO_ACCEL. */
         N_("How guest code runs: interp (the interpreter) or jit (compiled to host code; x86-64 "
            "only); default: the machine's setting, else $VIREO_ACCEL, else jit where the host "
            "has it"),
         "interp|jit"},
        {"restore", 0, 0, G_OPTION_ARG_FILENAME, &restore,
         N_("Resume a machine from a state file written by the monitor's savevm"), N_("FILE")},
        {"timeout", 0, 0, G_OPTION_ARG_STRING, &timeout_arg,
         N_("Stop after this many seconds (exit status 124)"), N_("SECONDS")},
        {NULL},
    };
    /* Translators: the summary of "vireo run --help"; MACHINE may be translated. */
    g_autoptr(GOptionContext) ctx = g_option_context_new(N_("[MACHINE] - run a virtual machine"));
    g_option_context_set_translation_domain(ctx, GETTEXT_PACKAGE);
    g_option_context_set_description(
        ctx,
        /* Translators: keep machine.ini; "Ctrl-A X" and the like are keys. */
        N_("MACHINE is a machine folder (holding machine.ini) or the name of one in the\n"
           "library; options given here override its settings.\n\n"
           "On the console, Ctrl-A X quits, Ctrl-A C opens the monitor, Ctrl-A A sends Ctrl-A.\n"));
    g_option_context_add_main_entries(ctx, entries, NULL);
    g_autoptr(GError) error = NULL;
    g_set_prgname("vireo run"); /* what --help names in its usage line */
    if (!g_option_context_parse(ctx, &argc, &argv, &error)) {
        vireo_cli_error("run", "%s", error->message);
        return VIREO_EXIT_USAGE;
    }
    if (argc > 2) {
        vireo_cli_error("run", _("unexpected argument '%s'"), argv[2]);
        return VIREO_EXIT_USAGE;
    }
    bool gpu = false;
    Viewer viewer = VIEWER_NONE;
    if (display) {
        if (strcmp(display, "sdl") == 0) {
#ifndef VIREO_HAVE_SDL
            vireo_cli_error("run", "%s", _("--display sdl: this Vireo was built without SDL2"));
            return VIREO_EXIT_USAGE;
#endif
            viewer = VIEWER_SDL;
            gpu = true;
        } else if (strcmp(display, "gtk") == 0) {
#ifndef VIREO_HAVE_GUI
            vireo_cli_error("run", "%s", _("--display gtk: this Vireo was built without GTK"));
            return VIREO_EXIT_USAGE;
#endif
            viewer = VIEWER_GTK;
            gpu = true;
        } else if (strcmp(display, "gpu") == 0) {
            gpu = true;
        } else if (strcmp(display, "none") != 0) {
            /* Translators: keep none, sdl, gtk and gpu, the values the option takes. */
            vireo_cli_error("run", _("--display: '%s' is not none, sdl, gtk or gpu"), display);
            return VIREO_EXIT_USAGE;
        }
    }
    if (timeout_arg && !parse_timeout(timeout_arg, &timeout)) {
        vireo_cli_error("run",
                        _("--timeout: '%s' is not a number of seconds (a finite number above 0)"),
                        timeout_arg);
        return VIREO_EXIT_USAGE;
    }

    VrMachineAccel accel = VR_MACHINE_ACCEL_DEFAULT;
    if (accel_arg && !vr_parse_accel(accel_arg, &accel)) {
        /* Translators: keep interp and jit, the values the option takes. */
        vireo_cli_error("run", _("--accel: '%s' is not interp or jit"), accel_arg);
        return VIREO_EXIT_USAGE;
    }

    if (restore) {
        if (argc == 2 || arch || memory || bios || kernel || initrd || append || console || disks ||
            cdroms || cpus_arg || net || sound) {
            /* Translators: keep --restore, --timeout, --display and --accel, the options. */
            vireo_cli_error("run", _("--restore takes no machine and no machine options (the "
                                     "state file names its machine); only --timeout, --display "
                                     "and --accel"));
            return VIREO_EXIT_USAGE;
        }
        return run_machine(NULL, restore, accel, timeout, NULL, 0, viewer);
    }

    VrMachineConfig cfg;
    vr_machine_config_init(&cfg);
    int status = VIREO_EXIT_USAGE;
    g_autofree char *ini = NULL;
    unsigned ini_disks = 0;
    if (argc == 2) {
        ini = vr_machine_config_find(argv[1], &error);
        if (!ini || !vr_machine_config_load_file(&cfg, ini, &error)) {
            vireo_cli_error("run", "%s", error->message);
            goto out;
        }
        ini_disks = cfg.disks ? cfg.disks->len : 0;
    }
    if (arch) {
        g_free(cfg.arch);
        cfg.arch = g_strdup(arch);
    }
    if (cpus_arg) {
        guint64 cpus = 0;
        if (!g_ascii_string_to_unsigned(cpus_arg, 10, 1, G_MAXUINT32, &cpus, NULL)) {
            /* Translators: keep --cpus, the option. */
            vireo_cli_error("run", _("--cpus: '%s' is not a number of CPUs (1 or more)"), cpus_arg);
            goto out;
        }
        cfg.cpus = (unsigned) cpus;
    }
    if (console && !vr_parse_console(console, &cfg.virtio_console)) {
        /* Translators: keep serial and virtio, the values the option takes. */
        vireo_cli_error("run", _("--console: '%s' is not serial or virtio"), console);
        goto out;
    }
    if (memory && !vr_parse_size(memory, &cfg.memory, &error)) {
        vireo_cli_error("run", "--memory: %s", error->message);
        goto out;
    }
    if (gpu)
        cfg.display = true;
    if (accel != VR_MACHINE_ACCEL_DEFAULT)
        cfg.accel = accel;
    if (net && !vr_parse_net_option(&cfg, net, &error)) {
        vireo_cli_error("run", "--net: %s", error->message);
        goto out;
    }
    if (sound && !vr_parse_sound_option(&cfg, sound, &error)) {
        vireo_cli_error("run", "--sound: %s", error->message);
        goto out;
    }
#define OVERRIDE(field, value)       \
    if (value) {                     \
        g_free(cfg.field);           \
        cfg.field = g_strdup(value); \
    }
    OVERRIDE(bios, bios)
    OVERRIDE(kernel, kernel)
    OVERRIDE(initrd, initrd)
    OVERRIDE(append, append)
#undef OVERRIDE
    for (unsigned i = 0; disks && disks[i]; i++) {
        if (!parse_disk(&cfg, disks[i], &error)) {
            vireo_cli_error("run", "%s", error->message);
            goto out;
        }
    }
    for (unsigned i = 0; cdroms && cdroms[i]; i++)
        vr_machine_config_add_cdrom(&cfg, *cdroms[i] ? cdroms[i] : NULL);

    status = run_machine(&cfg, NULL, accel, timeout, ini, ini_disks, viewer);
out:
    vr_machine_config_clear(&cfg);
    return status;
}
