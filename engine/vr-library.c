/* The machine library: listing, creating, deleting with undo, renaming and duplicating
 * machine folders. */
#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "vr-board.h"
#include "vr-boot.h"
#include "vr-i18n.h"
#include "vr-input-file.h"
#include "vr-library.h"
#include "virtio/virtio-net.h"

#define MAX_NAME_BYTES 100
#define STAGING_DIR    ".deleted"
#define DISK_NAME      "disk"
#define SECTOR         512u

/* ---- names ---- */

bool vr_library_check_name(const char *name, GError **error)
{
    if (!name || !*name || !g_utf8_validate(name, -1, NULL)) {
        g_set_error(error, G_IO_ERROR, G_IO_ERROR_INVALID_FILENAME, _("a machine needs a name"));
        return false;
    }
    if (strlen(name) > MAX_NAME_BYTES) {
        g_set_error(error, G_IO_ERROR, G_IO_ERROR_INVALID_FILENAME,
                    g_dngettext(GETTEXT_PACKAGE, "the name is too long (at most %u byte)",
                                "the name is too long (at most %u bytes)", MAX_NAME_BYTES),
                    MAX_NAME_BYTES);
        return false;
    }
    if (name[0] == '.') {
        g_set_error(error, G_IO_ERROR, G_IO_ERROR_INVALID_FILENAME,
                    _("a name cannot start with a dot"));
        return false;
    }
    for (const char *c = name; *c; c++) {
        if (*c == '/') {
            g_set_error(error, G_IO_ERROR, G_IO_ERROR_INVALID_FILENAME,
                        _("a name cannot contain a slash (/)"));
            return false;
        }
        if ((unsigned char) *c < 0x20 || *c == 0x7f) {
            g_set_error(error, G_IO_ERROR, G_IO_ERROR_INVALID_FILENAME,
                        _("a name cannot contain control characters"));
            return false;
        }
    }
    if (g_ascii_isspace(name[0]) || g_ascii_isspace(name[strlen(name) - 1])) {
        g_set_error(error, G_IO_ERROR, G_IO_ERROR_INVALID_FILENAME,
                    _("a name cannot start or end with a space"));
        return false;
    }
    return true;
}

char *vr_library_folder_for(const char *dir, const char *name)
{
    g_autofree char *base = g_strconcat(name, VR_LIBRARY_SUFFIX, NULL);
    return g_build_filename(dir, base, NULL);
}

bool vr_library_name_taken(const char *dir, const char *name)
{
    g_autofree char *folder = vr_library_folder_for(dir, name);
    return g_file_test(folder, G_FILE_TEST_EXISTS);
}

char *vr_library_unique_name(const char *dir, const char *base)
{
    if (!vr_library_name_taken(dir, base))
        return g_strdup(base);
    for (unsigned n = 2;; n++) {
        g_autofree char *name = g_strdup_printf("%s %u", base, n);
        if (!vr_library_name_taken(dir, name))
            return g_steal_pointer(&name);
    }
}

const char *const *vr_supported_archs(void)
{
    return vr_board_archs();
}

/* ---- listing ---- */

void vr_library_entry_free(VrLibraryEntry *entry)
{
    if (!entry)
        return;
    g_free(entry->folder);
    g_free(entry->id);
    g_free(entry->ini_path);
    g_free(entry->screenshot);
    g_free(entry->saved_state);
    g_free(entry->problem_message);
    g_free(entry->problem_path);
    g_free(entry->problem_detail);
    vr_machine_config_clear(&entry->cfg);
    g_free(entry);
}

const char *vr_library_entry_name(const VrLibraryEntry *entry)
{
    return entry->cfg_loaded && entry->cfg.name && *entry->cfg.name ? entry->cfg.name : entry->id;
}

/* Whether the file a machine uses in this role is there and can be used (written too, for
 * a disk that is not read-only). Each role has its own sentences: they translate better than
 * one with the role put in. */
static bool check_readable(VrFileRole role, const char *path, bool write, bool follow, int *err_out,
                           GError **error)
{
    if (access(path, R_OK | (write ? W_OK : 0)) == 0) {
        *err_out = 0;
        return vr_check_input_file(path, role == VR_FILE_DISK ? VR_INPUT_DISK : VR_INPUT_BOOT,
                                   error) &&
               vr_input_check_link(path, write, follow, error);
    }
    int err = errno;
    *err_out = err;
    GIOErrorEnum code = err == ENOENT ? G_IO_ERROR_NOT_FOUND : g_io_error_from_errno(err);
    const char *why = g_strerror(err);
    if (err == ENOENT) {
        switch (role) {
        case VR_FILE_FIRMWARE:
            g_set_error(error, G_IO_ERROR, code, _("Firmware %s is missing"), path);
            break;
        case VR_FILE_KERNEL:
            g_set_error(error, G_IO_ERROR, code, _("Kernel %s is missing"), path);
            break;
        case VR_FILE_INITRD:
            g_set_error(error, G_IO_ERROR, code, _("Initramfs %s is missing"), path);
            break;
        case VR_FILE_DISK:
        case VR_FILE_SETTINGS:
            g_set_error(error, G_IO_ERROR, code, _("Disk image %s is missing"), path);
            break;
        }
        return false;
    }
    switch (role) {
    case VR_FILE_FIRMWARE:
        g_set_error(error, G_IO_ERROR, code, _("Firmware %s cannot be read: %s"), path, why);
        break;
    case VR_FILE_KERNEL:
        g_set_error(error, G_IO_ERROR, code, _("Kernel %s cannot be read: %s"), path, why);
        break;
    case VR_FILE_INITRD:
        g_set_error(error, G_IO_ERROR, code, _("Initramfs %s cannot be read: %s"), path, why);
        break;
    case VR_FILE_DISK:
    case VR_FILE_SETTINGS:
        if (write)
            g_set_error(error, G_IO_ERROR, code, _("Disk image %s cannot be read and written: %s"),
                        path, why);
        else
            g_set_error(error, G_IO_ERROR, code, _("Disk image %s cannot be read: %s"), path, why);
        break;
    }
    return false;
}

bool vr_library_check_files_full(const VrMachineConfig *cfg, VrFileRole *role, char **path,
                                 int *err, GError **error)
{
    int gone = 0;
    const char *failed = NULL;
    VrFileRole r = VR_FILE_SETTINGS;
    if (cfg->bios && strcmp(cfg->bios, "none") != 0 &&
        !check_readable(VR_FILE_FIRMWARE, cfg->bios, false, false, &gone, error)) {
        failed = cfg->bios;
        r = VR_FILE_FIRMWARE;
    } else if (cfg->kernel &&
               !check_readable(VR_FILE_KERNEL, cfg->kernel, false, false, &gone, error)) {
        failed = cfg->kernel;
        r = VR_FILE_KERNEL;
    } else if (cfg->initrd &&
               !check_readable(VR_FILE_INITRD, cfg->initrd, false, false, &gone, error)) {
        failed = cfg->initrd;
        r = VR_FILE_INITRD;
    } else {
        for (guint i = 0; !failed && cfg->disks && i < cfg->disks->len; i++) {
            const VrDiskConfig *d = &g_array_index(cfg->disks, VrDiskConfig, i);
            if (!d->path) /* an empty CD drive */
                continue;
            if (!check_readable(VR_FILE_DISK, d->path, !d->readonly, d->follow_symlink, &gone,
                                error)) {
                failed = d->path;
                r = VR_FILE_DISK;
            }
        }
    }
    if (!failed)
        return true;
    if (role)
        *role = r;
    if (path)
        *path = g_strdup(failed);
    if (err)
        *err = gone;
    return false;
}

bool vr_library_check_files(const VrMachineConfig *cfg, GError **error)
{
    return vr_library_check_files_full(cfg, NULL, NULL, NULL, error);
}

/* What GKeyFile or the checks said, less the "FILE: " they start with. */
static char *detail_of(const char *message, const char *path)
{
    g_autofree char *prefix = g_strconcat(path, ": ", NULL);
    return g_strdup(g_str_has_prefix(message, prefix) ? message + strlen(prefix) : message);
}

VrLibraryEntry *vr_library_entry_load(const char *folder)
{
    VrLibraryEntry *e = g_new0(VrLibraryEntry, 1);
    e->folder = g_canonicalize_filename(folder, NULL);
    g_autofree char *base = g_path_get_basename(e->folder);
    e->id = g_str_has_suffix(base, VR_LIBRARY_SUFFIX)
                ? g_strndup(base, strlen(base) - strlen(VR_LIBRARY_SUFFIX))
                : g_strdup(base);
    e->ini_path = g_build_filename(e->folder, "machine.ini", NULL);
    g_autofree char *shot = g_build_filename(e->folder, "screenshot.png", NULL);
    if (g_file_test(shot, G_FILE_TEST_IS_REGULAR))
        e->screenshot = g_steal_pointer(&shot);
    g_autofree char *state = g_build_filename(e->folder, VR_LIBRARY_SAVED_STATE, NULL);
    if (g_file_test(state, G_FILE_TEST_IS_REGULAR))
        e->saved_state = g_steal_pointer(&state);
    vr_machine_config_init(&e->cfg);

    g_autoptr(GError) error = NULL;
    e->problem_role = VR_FILE_SETTINGS;
    if (!g_file_test(e->ini_path, G_FILE_TEST_EXISTS)) {
        e->problem = VR_PROBLEM_CONFIG;
        e->problem_message = g_strdup_printf(_("%s is missing"), e->ini_path);
        e->problem_path = g_strdup(e->ini_path);
        e->problem_missing = true;
        return e;
    }
    if (!vr_machine_config_load_file(&e->cfg, e->ini_path, &error)) {
        /* What a partial read left behind is not the machine: back to the defaults. */
        vr_machine_config_clear(&e->cfg);
        vr_machine_config_init(&e->cfg);
        e->problem = VR_PROBLEM_CONFIG;
        e->problem_message = g_strdup(error->message);
        e->problem_path = g_strdup(e->ini_path);
        e->problem_detail = detail_of(error->message, e->ini_path);
        return e;
    }
    e->cfg_loaded = true;
    if (!vr_machine_config_validate(&e->cfg, &error)) {
        e->problem = VR_PROBLEM_CONFIG;
        e->problem_message = g_strdup_printf("%s: %s", e->ini_path, error->message);
        e->problem_path = g_strdup(e->ini_path);
        e->problem_detail = g_strdup(error->message);
        return e;
    }
    int err = 0;
    if (!vr_library_check_files_full(&e->cfg, &e->problem_role, &e->problem_path, &err, &error)) {
        e->problem = VR_PROBLEM_MISSING_FILE;
        e->problem_message = g_strdup(error->message);
        e->problem_missing = err == ENOENT;
        e->problem_detail = err ? g_strdup(g_strerror(err)) : g_strdup(error->message);
    }
    return e;
}

static int compare_entries(gconstpointer a, gconstpointer b)
{
    const VrLibraryEntry *ea = *(VrLibraryEntry *const *) a;
    const VrLibraryEntry *eb = *(VrLibraryEntry *const *) b;
    g_autofree char *fa = g_utf8_casefold(vr_library_entry_name(ea), -1);
    g_autofree char *fb = g_utf8_casefold(vr_library_entry_name(eb), -1);
    g_autofree char *ka = g_utf8_collate_key(fa, -1);
    g_autofree char *kb = g_utf8_collate_key(fb, -1);
    int c = strcmp(ka, kb);
    return c ? c : strcmp(ea->id, eb->id);
}

GPtrArray *vr_library_list(const char *dir, GError **error)
{
    GPtrArray *entries = g_ptr_array_new_with_free_func((GDestroyNotify) vr_library_entry_free);
    g_autoptr(GError) local = NULL;
    g_autoptr(GDir) d = g_dir_open(dir, 0, &local);
    if (!d) {
        if (g_error_matches(local, G_FILE_ERROR, G_FILE_ERROR_NOENT))
            return entries;
        g_set_error(error, local->domain, local->code, _("cannot list the machines in %s: %s"), dir,
                    local->message);
        g_ptr_array_unref(entries);
        return NULL;
    }
    const char *name;
    while ((name = g_dir_read_name(d))) {
        if (name[0] == '.' || !g_str_has_suffix(name, VR_LIBRARY_SUFFIX) ||
            strlen(name) == strlen(VR_LIBRARY_SUFFIX))
            continue;
        g_autofree char *folder = g_build_filename(dir, name, NULL);
        if (!g_file_test(folder, G_FILE_TEST_IS_DIR))
            continue;
        g_ptr_array_add(entries, vr_library_entry_load(folder));
    }
    g_ptr_array_sort(entries, compare_entries);
    return entries;
}

/* ---- creating ---- */

bool vr_disk_create_raw(const char *path, uint64_t size, GError **error)
{
    if (size == 0 || size % SECTOR || size > (uint64_t) G_MAXINT64) {
        g_set_error(error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                    g_dngettext(GETTEXT_PACKAGE,
                                "a disk of %llu byte cannot be made (a non-zero multiple of 512 "
                                "bytes expected)",
                                "a disk of %llu bytes cannot be made (a non-zero multiple of 512 "
                                "bytes expected)",
                                (gulong) size),
                    (unsigned long long) size);
        return false;
    }
    int fd = g_open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (fd < 0) {
        int err = errno;
        g_set_error(error, G_IO_ERROR, g_io_error_from_errno(err), _("cannot create %s: %s"), path,
                    g_strerror(err));
        return false;
    }
    if (ftruncate(fd, (off_t) size) != 0 || fsync(fd) != 0) {
        int err = errno;
        close(fd);
        g_unlink(path);
        g_set_error(error, G_IO_ERROR, g_io_error_from_errno(err),
                    _("cannot make %s %llu MiB long: %s"), path, (unsigned long long) (size >> 20),
                    g_strerror(err));
        return false;
    }
    close(fd);
    return true;
}

char *vr_library_new_disk_path(const char *folder)
{
    for (unsigned n = 1;; n++) {
        g_autofree char *base =
            n == 1 ? g_strdup(DISK_NAME ".img") : g_strdup_printf(DISK_NAME "-%u.img", n);
        g_autofree char *path = g_build_filename(folder, base, NULL);
        if (!g_file_test(path, G_FILE_TEST_EXISTS))
            return g_steal_pointer(&path);
    }
}

static bool remove_tree(const char *path, GError **error);

char *vr_library_create(const char *dir, const VrMachineConfig *cfg, uint64_t disk_size,
                        GError **error)
{
    if (!vr_library_check_name(cfg->name, error))
        return NULL;
    if (g_mkdir_with_parents(dir, 0755) != 0) {
        int err = errno;
        g_set_error(error, G_IO_ERROR, g_io_error_from_errno(err), _("cannot create %s: %s"), dir,
                    g_strerror(err));
        return NULL;
    }
    g_autofree char *folder = vr_library_folder_for(dir, cfg->name);
    if (g_mkdir(folder, 0755) != 0) {
        int err = errno;
        if (err == EEXIST)
            g_set_error(error, G_IO_ERROR, G_IO_ERROR_EXISTS,
                        /* Translators: the second %s is the machine's folder. */
                        _("a machine named '%s' exists already (%s)"), cfg->name, folder);
        else
            g_set_error(error, G_IO_ERROR, g_io_error_from_errno(err), _("cannot create %s: %s"),
                        folder, g_strerror(err));
        return NULL;
    }

    /* The new disk goes first, so it is the one the guest sees as vda. */
    VrMachineConfig c;
    vr_machine_config_copy(&c, cfg);
    for (guint i = 0; i < c.disks->len; i++)
        g_free(g_array_index(c.disks, VrDiskConfig, i).path);
    g_array_set_size(c.disks, 0);

    bool ok = true;
    if (disk_size) {
        g_autofree char *disk = vr_library_new_disk_path(folder);
        ok = vr_disk_create_raw(disk, disk_size, error);
        if (ok)
            vr_machine_config_add_disk(&c, disk, false);
    }
    for (guint i = 0; ok && cfg->disks && i < cfg->disks->len; i++) {
        VrDiskConfig d = g_array_index(cfg->disks, VrDiskConfig, i);
        d.path = g_strdup(d.path);
        g_array_append_val(c.disks, d);
    }
    g_autofree char *ini = g_build_filename(folder, "machine.ini", NULL);
    ok = ok && vr_machine_config_validate(&c, error) && vr_machine_config_save_file(&c, ini, error);
    vr_machine_config_clear(&c);
    if (!ok) {
        remove_tree(folder, NULL);
        return NULL;
    }
    return g_steal_pointer(&folder);
}

/* ---- deleting with undo ---- */

static bool remove_tree(const char *path, GError **error)
{
    GStatBuf st;
    if (g_lstat(path, &st) != 0) {
        int err = errno;
        if (err == ENOENT)
            return true;
        g_set_error(error, G_IO_ERROR, g_io_error_from_errno(err), _("cannot remove %s: %s"), path,
                    g_strerror(err));
        return false;
    }
    if (S_ISDIR(st.st_mode)) {
        g_autoptr(GDir) d = g_dir_open(path, 0, error);
        if (!d)
            return false;
        const char *name;
        while ((name = g_dir_read_name(d))) {
            g_autofree char *child = g_build_filename(path, name, NULL);
            if (!remove_tree(child, error))
                return false;
        }
        if (g_rmdir(path) != 0) {
            int err = errno;
            g_set_error(error, G_IO_ERROR, g_io_error_from_errno(err), _("cannot remove %s: %s"),
                        path, g_strerror(err));
            return false;
        }
        return true;
    }
    if (g_unlink(path) != 0) {
        int err = errno;
        g_set_error(error, G_IO_ERROR, g_io_error_from_errno(err), _("cannot remove %s: %s"), path,
                    g_strerror(err));
        return false;
    }
    return true;
}

char *vr_library_trash(const char *folder, GError **error)
{
    g_autofree char *dir = g_path_get_dirname(folder);
    g_autofree char *base = g_path_get_basename(folder);
    g_autofree char *staging = g_build_filename(dir, STAGING_DIR, NULL);
    if (g_mkdir_with_parents(staging, 0700) != 0) {
        int err = errno;
        g_set_error(error, G_IO_ERROR, g_io_error_from_errno(err), _("cannot create %s: %s"),
                    staging, g_strerror(err));
        return NULL;
    }
    g_autofree char *template = g_strdup_printf("%s.XXXXXX", base);
    g_autofree char *holder = g_build_filename(staging, template, NULL);
    if (!g_mkdtemp(holder)) {
        int err = errno;
        g_set_error(error, G_IO_ERROR, g_io_error_from_errno(err), _("cannot create %s: %s"),
                    holder, g_strerror(err));
        return NULL;
    }
    g_autofree char *staged = g_build_filename(holder, base, NULL);
    if (g_rename(folder, staged) != 0) {
        int err = errno;
        g_rmdir(holder);
        g_set_error(error, G_IO_ERROR, g_io_error_from_errno(err), _("cannot move %s away: %s"),
                    folder, g_strerror(err));
        return NULL;
    }
    return g_steal_pointer(&staged);
}

bool vr_library_restore(const char *staged, const char *folder, GError **error)
{
    if (g_file_test(folder, G_FILE_TEST_EXISTS)) {
        g_set_error(error, G_IO_ERROR, G_IO_ERROR_EXISTS,
                    _("cannot restore %s: a machine folder of that name exists again"), folder);
        return false;
    }
    if (g_rename(staged, folder) != 0) {
        int err = errno;
        g_set_error(error, G_IO_ERROR, g_io_error_from_errno(err), _("cannot restore %s: %s"),
                    folder, g_strerror(err));
        return false;
    }
    g_autofree char *holder = g_path_get_dirname(staged);
    g_rmdir(holder);
    return true;
}

bool vr_library_purge(const char *staged, GError **error)
{
    g_autofree char *holder = g_path_get_dirname(staged);
    return remove_tree(holder, error);
}

void vr_library_purge_all_staged(const char *dir)
{
    g_autofree char *staging = g_build_filename(dir, STAGING_DIR, NULL);
    g_autoptr(GError) error = NULL;
    if (!remove_tree(staging, &error))
        g_warning("%s", error->message);
}

/* ---- renaming and duplicating ---- */

static bool set_name_in_ini(const char *folder, const char *name, GError **error)
{
    g_autofree char *ini = g_build_filename(folder, "machine.ini", NULL);
    VrMachineConfig cfg;
    vr_machine_config_init(&cfg);
    bool ok = vr_machine_config_load_file(&cfg, ini, error);
    if (ok) {
        g_free(cfg.name);
        cfg.name = g_strdup(name);
        ok = vr_machine_config_save_file(&cfg, ini, error);
    }
    vr_machine_config_clear(&cfg);
    return ok;
}

char *vr_library_rename(const char *folder, const char *new_name, GError **error)
{
    if (!vr_library_check_name(new_name, error))
        return NULL;
    g_autofree char *dir = g_path_get_dirname(folder);
    g_autofree char *target = vr_library_folder_for(dir, new_name);
    if (strcmp(target, folder) != 0) {
        if (g_file_test(target, G_FILE_TEST_EXISTS)) {
            g_set_error(error, G_IO_ERROR, G_IO_ERROR_EXISTS,
                        _("a machine named '%s' exists already"), new_name);
            return NULL;
        }
        if (g_rename(folder, target) != 0) {
            int err = errno;
            g_set_error(error, G_IO_ERROR, g_io_error_from_errno(err), _("cannot rename %s: %s"),
                        folder, g_strerror(err));
            return NULL;
        }
    }
    if (!set_name_in_ini(target, new_name, error)) {
        if (strcmp(target, folder) != 0)
            g_rename(target, folder);
        return NULL;
    }
    return g_steal_pointer(&target);
}

/* A copy under way: what stops it, and how far it is. */
typedef struct {
    GCancellable *cancellable;
    VrCopyProgress progress;
    gpointer progress_data;
    uint64_t done, total; /* bytes read from data extents; what is allocated to copy */
    gint64 reported;      /* monotonic time of the last report */
} CopyJob;

static void copy_job_advance(CopyJob *job, uint64_t bytes)
{
    job->done += bytes;
    gint64 now = g_get_monotonic_time();
    /* A few reports a second are plenty for a progress display. */
    if (job->progress && now - job->reported >= 200000) {
        job->reported = now;
        job->progress(MIN(job->done, job->total), job->total, job->progress_data);
    }
}

/* Copies a regular file, keeping holes as holes so a sparse disk stays sparse. */
static bool copy_file_sparse(const char *from, const char *to, CopyJob *job, GError **error)
{
    GCancellable *cancellable = job->cancellable;
    int in = vr_input_open(from, O_RDONLY);
    if (in < 0) {
        int err = errno;
        g_set_error(error, G_IO_ERROR, g_io_error_from_errno(err), _("cannot read %s: %s"), from,
                    g_strerror(err));
        return false;
    }
    struct stat st;
    if (fstat(in, &st) != 0) {
        int err = errno;
        close(in);
        g_set_error(error, G_IO_ERROR, g_io_error_from_errno(err), _("cannot read %s: %s"), from,
                    g_strerror(err));
        return false;
    }
    if (!S_ISREG(st.st_mode)) {
        close(in);
        /* Translators: %s is a disk's path; a device (e.g. /dev/sdb) cannot be copied. */
        g_set_error(error, G_IO_ERROR, G_IO_ERROR_NOT_REGULAR_FILE,
                    _("%s is not a disk image file and cannot be copied"), from);
        return false;
    }
    int out = g_open(to, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, st.st_mode & 0777);
    if (out < 0) {
        int err = errno;
        close(in);
        g_set_error(error, G_IO_ERROR, g_io_error_from_errno(err), _("cannot create %s: %s"), to,
                    g_strerror(err));
        return false;
    }
    g_autofree uint8_t *buf = g_malloc(1 << 20);
    off_t size = st.st_size, pos = 0;
    bool ok = true;
    int err = 0;
    const char *failed = to;
    while (ok && pos < size) {
        if (g_cancellable_set_error_if_cancelled(cancellable, error)) {
            ok = false;
            break;
        }
        off_t data = lseek(in, pos, SEEK_DATA);
        if (data < 0) {
            if (errno == ENXIO) /* only a hole is left */
                break;
            data = pos; /* no SEEK_DATA here: copy everything */
        }
        off_t hole = lseek(in, data, SEEK_HOLE);
        if (hole < 0)
            hole = size;
        for (off_t at = data; at < hole;) {
            size_t chunk = (size_t) MIN((off_t) (1 << 20), hole - at);
            ssize_t r = pread(in, buf, chunk, at);
            if (r <= 0) {
                err = r < 0 ? errno : EIO;
                failed = from;
                ok = false;
                break;
            }
            ssize_t w = pwrite(out, buf, (size_t) r, at);
            if (w != r) {
                err = w < 0 ? errno : ENOSPC;
                ok = false;
                break;
            }
            at += r;
            copy_job_advance(job, (uint64_t) r);
            if (g_cancellable_is_cancelled(cancellable))
                break;
        }
        pos = hole;
    }
    if (ok && (ftruncate(out, size) != 0 || fsync(out) != 0)) {
        err = errno;
        ok = false;
    }
    close(in);
    close(out);
    if (!ok) {
        if (err && failed == from)
            g_set_error(error, G_IO_ERROR, g_io_error_from_errno(err), _("cannot read %s: %s"),
                        from, g_strerror(err));
        else if (err)
            g_set_error(error, G_IO_ERROR, g_io_error_from_errno(err), _("cannot copy to %s: %s"),
                        to, g_strerror(err));
        g_unlink(to);
    }
    return ok;
}

/* The bytes allocated to the regular files under dir: what copying it reads. */
static uint64_t tree_bytes(const char *dir)
{
    g_autoptr(GDir) d = g_dir_open(dir, 0, NULL);
    if (!d)
        return 0;
    uint64_t bytes = 0;
    const char *name;
    while ((name = g_dir_read_name(d))) {
        g_autofree char *path = g_build_filename(dir, name, NULL);
        GStatBuf st;
        if (g_lstat(path, &st) != 0)
            continue;
        if (S_ISDIR(st.st_mode))
            bytes += tree_bytes(path);
        else if (S_ISREG(st.st_mode))
            bytes += (uint64_t) st.st_blocks * 512;
    }
    return bytes;
}

static bool copy_tree(const char *from, const char *to, CopyJob *job, GError **error)
{
    if (g_mkdir(to, 0755) != 0) {
        int err = errno;
        g_set_error(error, G_IO_ERROR, g_io_error_from_errno(err), _("cannot create %s: %s"), to,
                    g_strerror(err));
        return false;
    }
    g_autoptr(GDir) d = g_dir_open(from, 0, error);
    if (!d)
        return false;
    const char *name;
    while ((name = g_dir_read_name(d))) {
        g_autofree char *src = g_build_filename(from, name, NULL);
        g_autofree char *dst = g_build_filename(to, name, NULL);
        GStatBuf st;
        if (g_lstat(src, &st) != 0)
            continue;
        bool ok = true;
        if (S_ISDIR(st.st_mode))
            ok = copy_tree(src, dst, job, error);
        else if (S_ISREG(st.st_mode))
            ok = copy_file_sparse(src, dst, job, error);
        else if (S_ISLNK(st.st_mode)) {
            g_autofree char *target = g_file_read_link(src, error);
            ok = target && symlink(target, dst) == 0;
        }
        if (!ok)
            return false;
    }
    return true;
}

void vr_duplicate_report_clear(VrDuplicateReport *report)
{
    if (report->shared)
        g_ptr_array_unref(report->shared);
    memset(report, 0, sizeof(*report));
}

/* A free name in folder for a copy of the disk at path: its own name, else "name-2.ext" ... */
static char *free_disk_name(const char *folder, const char *path)
{
    g_autofree char *base = g_path_get_basename(path);
    char *dot = strrchr(base, '.');
    g_autofree char *stem =
        g_strndup(base, dot && dot != base ? (gsize) (dot - base) : strlen(base));
    const char *ext = dot && dot != base ? dot : "";
    char *candidate = g_build_filename(folder, base, NULL);
    for (unsigned n = 2; g_file_test(candidate, G_FILE_TEST_EXISTS) ||
                         g_file_test(candidate, G_FILE_TEST_IS_SYMLINK);
         n++) {
        g_free(candidate);
        g_autofree char *name = g_strdup_printf("%s-%u%s", stem, n, ext);
        candidate = g_build_filename(folder, name, NULL);
    }
    return candidate;
}

/* The copy in folder (machine.ini already copied) gets disks of its own: every writable disk
 * that lies outside the original's folder, or is a symbolic link, is copied into folder and
 * machine.ini names the copy; read-only disks (install images) stay shared. Writes name and
 * the new paths to machine.ini. */
/* Whether a disk of the machine whose folder is prefix (ending in '/') needs a copy of its
 * own beyond the folder's: a writable one outside it or behind a link. inside and link say
 * which. */
static bool needs_own_copy(const VrDiskConfig *d, const char *prefix, bool *inside, bool *link)
{
    *inside = *link = false;
    if (!d->path) /* an empty CD drive */
        return false;
    g_autofree char *path = g_canonicalize_filename(d->path, NULL);
    *inside = g_str_has_prefix(path, prefix);
    *link = g_file_test(path, G_FILE_TEST_IS_SYMLINK);
    return !d->readonly && (!*inside || *link);
}

/* The bytes allocated to the disks of folder's machine that need a copy of their own. */
static uint64_t own_disk_bytes(const char *folder)
{
    g_autofree char *ini = g_build_filename(folder, "machine.ini", NULL);
    VrMachineConfig cfg;
    vr_machine_config_init(&cfg);
    uint64_t bytes = 0;
    g_autofree char *canonical = g_canonicalize_filename(folder, NULL);
    g_autofree char *prefix = g_strconcat(canonical, G_DIR_SEPARATOR_S, NULL);
    if (vr_machine_config_load_file(&cfg, ini, NULL)) {
        for (guint i = 0; cfg.disks && i < cfg.disks->len; i++) {
            const VrDiskConfig *d = &g_array_index(cfg.disks, VrDiskConfig, i);
            bool inside, link;
            GStatBuf st;
            if (needs_own_copy(d, prefix, &inside, &link) && g_stat(d->path, &st) == 0)
                bytes += (uint64_t) st.st_blocks * 512;
        }
    }
    vr_machine_config_clear(&cfg);
    return bytes;
}

static bool own_disks(const char *folder, const char *name, VrDuplicateReport *report, CopyJob *job,
                      GError **error)
{
    g_autofree char *ini = g_build_filename(folder, "machine.ini", NULL);
    VrMachineConfig cfg;
    vr_machine_config_init(&cfg);
    bool ok = vr_machine_config_load_file(&cfg, ini, error);
    g_autofree char *canonical = g_canonicalize_filename(folder, NULL);
    g_autofree char *prefix = g_strconcat(canonical, G_DIR_SEPARATOR_S, NULL);
    for (guint i = 0; ok && cfg.disks && i < cfg.disks->len; i++) {
        VrDiskConfig *d = &g_array_index(cfg.disks, VrDiskConfig, i);
        if (!d->path) /* an empty CD drive */
            continue;
        g_autofree char *path = g_canonicalize_filename(d->path, NULL);
        bool inside, link;
        bool own = needs_own_copy(d, prefix, &inside, &link);
        if (d->readonly && (!inside || link)) {
            g_ptr_array_add(report->shared, g_strdup(path));
            continue;
        }
        if (!own) {
            report->copied++;
            continue;
        }
        /* A writable disk of the original's, outside its folder or behind a link. */
        g_autofree char *source = NULL;
        if (link) {
            source = g_file_read_link(path, error);
            if (!source) {
                ok = false;
                break;
            }
            if (!g_path_is_absolute(source)) {
                g_autofree char *dir = g_path_get_dirname(d->path);
                g_autofree char *joined = g_build_filename(dir, source, NULL);
                g_free(source);
                source = g_canonicalize_filename(joined, NULL);
            }
        }
        char *target;
        if (inside) {
            /* The link was copied as a link: the copy takes its place. */
            g_unlink(path);
            target = g_strdup(path);
        } else {
            target = free_disk_name(folder, path);
        }
        ok = copy_file_sparse(source ? source : path, target, job, error);
        if (ok) {
            g_free(d->path);
            d->path = target;
            d->follow_symlink = false;
            report->copied++;
        } else {
            g_free(target);
        }
    }
    if (ok) {
        g_free(cfg.name);
        cfg.name = g_strdup(name);
        /* Two machines on one network must not share a card's address. */
        if (cfg.net_mac) {
            g_free(cfg.net_mac);
            cfg.net_mac = vr_net_new_mac();
        }
        ok = vr_machine_config_save_file(&cfg, ini, error);
    }
    vr_machine_config_clear(&cfg);
    return ok;
}

char *vr_library_duplicate(const char *folder, const char *new_name, GCancellable *cancellable,
                           GError **error)
{
    VrDuplicateReport report;
    char *copy =
        vr_library_duplicate_full(folder, new_name, &report, NULL, NULL, cancellable, error);
    vr_duplicate_report_clear(&report);
    return copy;
}

char *vr_library_duplicate_full(const char *folder, const char *new_name, VrDuplicateReport *report,
                                VrCopyProgress progress, gpointer progress_data,
                                GCancellable *cancellable, GError **error)
{
    memset(report, 0, sizeof(*report));
    report->shared = g_ptr_array_new_with_free_func(g_free);
    if (!vr_library_check_name(new_name, error))
        return NULL;
    g_autofree char *dir = g_path_get_dirname(folder);
    g_autofree char *target = vr_library_folder_for(dir, new_name);
    if (g_file_test(target, G_FILE_TEST_EXISTS)) {
        g_set_error(error, G_IO_ERROR, G_IO_ERROR_EXISTS, _("a machine named '%s' exists already"),
                    new_name);
        return NULL;
    }
    /* Copy under a hidden name, so the library never lists a half-made machine. */
    g_autofree char *hidden_base = g_strdup_printf(".%s.copying", new_name);
    g_autofree char *hidden = g_build_filename(dir, hidden_base, NULL);
    remove_tree(hidden, NULL);
    CopyJob job = {
        .cancellable = cancellable,
        .progress = progress,
        .progress_data = progress_data,
        .total = tree_bytes(folder) + own_disk_bytes(folder),
        .reported = g_get_monotonic_time(),
    };
    if (!copy_tree(folder, hidden, &job, error) ||
        !own_disks(hidden, new_name, report, &job, error)) {
        remove_tree(hidden, NULL);
        g_ptr_array_set_size(report->shared, 0);
        report->copied = 0;
        return NULL;
    }
    if (progress)
        progress(job.total, job.total, progress_data);
    g_autofree char *shot = g_build_filename(hidden, "screenshot.png", NULL);
    g_unlink(shot);
    /* A saved state names the original's disks by their paths: resuming it in the copy
     * would run on the original's disks. */
    g_autofree char *state = g_build_filename(hidden, VR_LIBRARY_SAVED_STATE, NULL);
    g_unlink(state);
    if (g_rename(hidden, target) != 0) {
        int err = errno;
        remove_tree(hidden, NULL);
        g_set_error(error, G_IO_ERROR, g_io_error_from_errno(err), _("cannot create %s: %s"),
                    target, g_strerror(err));
        return NULL;
    }
    return g_steal_pointer(&target);
}

/* ---- what a file is ---- */

VrImageKind vr_image_probe(const char *path, GError **error)
{
    g_autofree char *base = g_path_get_basename(path);
    int fd = vr_input_open(path, O_RDONLY);
    if (fd < 0) {
        int err = errno;
        g_set_error(error, G_IO_ERROR, g_io_error_from_errno(err), _("cannot read %s: %s"), path,
                    g_strerror(err));
        return VR_IMAGE_UNKNOWN;
    }
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        close(fd);
        g_set_error(error, G_IO_ERROR, G_IO_ERROR_NOT_REGULAR_FILE, _("%s is not a regular file"),
                    base);
        return VR_IMAGE_UNKNOWN;
    }
    uint8_t head[4096] = {0};
    uint8_t iso[8] = {0};
    uint8_t ext[2] = {0};
    ssize_t n = pread(fd, head, sizeof(head), 0);
    bool have_iso = pread(fd, iso, sizeof(iso), 0x8000) == (ssize_t) sizeof(iso);
    bool have_ext = pread(fd, ext, sizeof(ext), 1024 + 56) == (ssize_t) sizeof(ext);
    close(fd);
    if (n < 0)
        n = 0;

    if (have_iso && iso[0] == 1 && memcmp(iso + 1, "CD001", 5) == 0)
        return VR_IMAGE_ISO;
    if (n >= 4 && memcmp(head, "QFI\xfb", 4) == 0) {
        g_set_error(error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                    /* Translators: both %s are the file's name; keep the command as it is. */
                    _("%s is a qcow2 image, which Vireo cannot use yet; convert it to a raw "
                      "image with: qemu-img convert -O raw %s disk.img"),
                    base, base);
        return VR_IMAGE_QCOW2;
    }
    if (n >= 20 && memcmp(head,
                          "\x7f"
                          "ELF",
                          4) == 0) {
        unsigned machine = head[18] | (head[19] << 8);
        if (machine == 243)
            return VR_IMAGE_KERNEL;
        g_set_error(error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                    /* Translators: %u is the ELF header's machine number. */
                    _("%s is a program for another processor (ELF machine %u, not RISC-V)"), base,
                    machine);
        return VR_IMAGE_UNKNOWN;
    }
    if (n >= 0x40 && memcmp(head + 0x38, "RSC\x05", 4) == 0)
        return VR_IMAGE_KERNEL;
    if (n >= 3 && head[0] == 0x1f && head[1] == 0x8b) {
        /* Compressed: a kernel when the loader would boot what it holds as one (Image.gz). */
        VrBootFileKind kind = vr_boot_probe_kernel(path, NULL);
        if (kind == VR_BOOT_FILE_LINUX_GZIP || kind == VR_BOOT_FILE_ELF)
            return VR_IMAGE_KERNEL;
    }

    bool sectors = st.st_size > 0 && st.st_size % SECTOR == 0;
    bool mbr = n >= 512 && head[510] == 0x55 && head[511] == 0xaa;
    bool gpt = n >= 520 && memcmp(head + 512, "EFI PART", 8) == 0;
    bool extfs = have_ext && ext[0] == 0x53 && ext[1] == 0xef;
    bool named = g_str_has_suffix(base, ".img") || g_str_has_suffix(base, ".raw") ||
                 g_str_has_suffix(base, ".IMG") || g_str_has_suffix(base, ".RAW");
    if (sectors && (mbr || gpt || extfs || named))
        return VR_IMAGE_DISK;
    if ((mbr || gpt || extfs || named) && !sectors) {
        g_set_error(error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                    g_dngettext(GETTEXT_PACKAGE,
                                "%s looks like a disk image but is %lld byte long; a raw disk "
                                "image is a whole number of 512-byte sectors",
                                "%s looks like a disk image but is %lld bytes long; a raw disk "
                                "image is a whole number of 512-byte sectors",
                                (gulong) st.st_size),
                    base, (long long) st.st_size);
        return VR_IMAGE_UNKNOWN;
    }
    g_set_error(error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                _("%s is not an ISO image, a disk image or a kernel"), base);
    return VR_IMAGE_UNKNOWN;
}

bool vr_image_is_bare_metal(const char *path)
{
    int fd = vr_open_input_file(path, VR_INPUT_BOOT, O_RDONLY, NULL, NULL);
    if (fd < 0)
        return false;
    uint8_t h[64];
    ssize_t n = pread(fd, h, sizeof(h), 0);
    close(fd);
    if (n < 64 ||
        memcmp(h,
               "\x7f"
               "ELF",
               4) != 0 ||
        h[4] != 2 /* ELFCLASS64 */ || h[5] != 1 /* little-endian */)
        return false;
    unsigned machine = h[18] | (h[19] << 8);
    uint64_t entry = 0;
    for (int i = 7; i >= 0; i--)
        entry = (entry << 8) | h[24 + i];
    return machine == 243 && entry == 0x80000000ull;
}
