/* One way to open what a machine reads from outside; see vr-input-file.h. */
#include <errno.h>
#include <fcntl.h>
#include <gio/gio.h>
#include <stdlib.h>
#include <unistd.h>

#include "vr-i18n.h"
#include "vr-input-file.h"

int vr_input_open(const char *path, int flags)
{
    return open(path, flags | O_NONBLOCK | O_CLOEXEC);
}

/* What a file that is not a regular file is, to complete "%s is %s, not a regular file". */
static const char *type_name(mode_t mode)
{
    if (S_ISDIR(mode))
        return _("a directory");
    if (S_ISFIFO(mode))
        return _("a named pipe (FIFO)");
    if (S_ISCHR(mode))
        return _("a character device");
    if (S_ISBLK(mode))
        return _("a block device");
    if (S_ISSOCK(mode))
        return _("a socket");
    return _("a special file");
}

bool vr_input_check(int fd, const char *path, VrInputKind kind, struct stat *st, GError **error)
{
    struct stat local;
    if (!st)
        st = &local;
    if (fstat(fd, st) != 0) {
        int err = errno;
        g_set_error(error, G_IO_ERROR, g_io_error_from_errno(err), "%s: %s", path, g_strerror(err));
        return false;
    }
    if (kind == VR_INPUT_DISK && !S_ISREG(st->st_mode) && !S_ISBLK(st->st_mode)) {
        g_set_error(error, G_IO_ERROR, G_IO_ERROR_NOT_REGULAR_FILE,
                    /* Translators: the second %s is a kind of file, e.g. "a named pipe (FIFO)". */
                    _("%s is %s, not a regular file or a block device"), path,
                    type_name(st->st_mode));
        return false;
    }
    if (kind != VR_INPUT_DISK && !S_ISREG(st->st_mode)) {
        g_set_error(error, G_IO_ERROR, G_IO_ERROR_NOT_REGULAR_FILE,
                    /* Translators: the second %s is a kind of file, e.g. "a named pipe (FIFO)". */
                    _("%s is %s, not a regular file"), path, type_name(st->st_mode));
        return false;
    }
    int fl = fcntl(fd, F_GETFL);
    if (fl >= 0)
        fcntl(fd, F_SETFL, fl & ~O_NONBLOCK);
    return true;
}

int vr_open_input_file(const char *path, VrInputKind kind, int flags, struct stat *st,
                       GError **error)
{
    int fd = vr_input_open(path, flags);
    if (fd < 0) {
        int err = errno;
        g_set_error(error, G_IO_ERROR, g_io_error_from_errno(err), "%s: %s", path, g_strerror(err));
        return -1;
    }
    if (!vr_input_check(fd, path, kind, st, error)) {
        close(fd);
        return -1;
    }
    return fd;
}

bool vr_input_check_link(const char *path, bool write, bool allowed, GError **error)
{
    struct stat st;
    if (!write || allowed || lstat(path, &st) != 0 || !S_ISLNK(st.st_mode))
        return true;
    char *real = realpath(path, NULL);
    g_autofree char *target = real ? g_strdup(real) : g_file_read_link(path, NULL);
    free(real);
    g_set_error(error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED,
                /* Translators: follow-symlink=true and [disk N] stay as they are. */
                _("Disk image %s is a symbolic link to %s; Vireo writes a disk only through its "
                  "own path: open it read-only, name the file itself, or allow the link with "
                  "follow-symlink=true in its [disk N] section"),
                path, target ? target : "?");
    return false;
}

bool vr_check_input_file(const char *path, VrInputKind kind, GError **error)
{
    int fd = vr_open_input_file(path, kind, O_RDONLY, NULL, error);
    if (fd < 0)
        return false;
    close(fd);
    return true;
}

static void too_large(const char *path, VrInputKind kind, gsize max_len, GError **error)
{
    if (kind == VR_INPUT_SETTINGS)
        g_set_error(error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                    /* Translators: %llu is a size in KiB. */
                    _("%s is larger than %llu KiB; it cannot be a machine's settings"), path,
                    (unsigned long long) (max_len >> 10));
    else
        g_set_error(error, G_IO_ERROR, G_IO_ERROR_NO_SPACE,
                    /* Translators: %llu is a size in KiB. */
                    _("%s is larger than the %llu KiB there is room for"), path,
                    (unsigned long long) (max_len >> 10));
}

bool vr_read_input_file(const char *path, VrInputKind kind, gsize max_len, char **contents,
                        gsize *len, GError **error)
{
    struct stat st;
    int fd = vr_open_input_file(path, kind, O_RDONLY, &st, error);
    if (fd < 0)
        return false;
    if ((guint64) st.st_size > max_len) {
        close(fd);
        too_large(path, kind, max_len, error);
        return false;
    }
    g_autoptr(GByteArray) buf =
        g_byte_array_sized_new((guint) MIN((gsize) st.st_size + 1, 1u << 30));
    for (;;) {
        guint8 chunk[65536];
        ssize_t n = read(fd, chunk, sizeof(chunk));
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            int err = errno;
            close(fd);
            g_set_error(error, G_IO_ERROR, g_io_error_from_errno(err), "%s: %s", path,
                        g_strerror(err));
            return false;
        }
        if (n == 0)
            break;
        if ((gsize) n > max_len - buf->len) {
            close(fd);
            too_large(path, kind, max_len, error);
            return false;
        }
        g_byte_array_append(buf, chunk, (guint) n);
    }
    close(fd);
    *len = buf->len;
    g_byte_array_append(buf, (const guint8 *) "", 1);
    *contents = (char *) g_byte_array_free(g_steal_pointer(&buf), FALSE);
    return true;
}
