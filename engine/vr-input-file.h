/* Opening the files a machine reads from outside (machine.ini, firmware, kernels, initrds,
 * disk images and ISOs) in one way: without blocking, so a named pipe or a device cannot
 * hang Vireo, and only when it is a regular file (or, for a disk, a block device). */
#ifndef VR_INPUT_FILE_H
#define VR_INPUT_FILE_H

#include <glib.h>
#include <stdbool.h>
#include <sys/stat.h>

typedef enum {
    VR_INPUT_SETTINGS, /* machine.ini */
    VR_INPUT_BOOT,     /* firmware, kernel, initrd: regular files only */
    VR_INPUT_DISK,     /* disk images and ISOs: regular files or block devices */
} VrInputKind;

/* open(2) with O_NONBLOCK and O_CLOEXEC added to flags; -1 with errno set on failure. */
int vr_input_open(const char *path, int flags);

/* Whether the file open on fd may be used as kind; when it may, fd is made blocking again and
 * st (when not NULL) says what it is. Else the error names path and what it is instead. */
bool vr_input_check(int fd, const char *path, VrInputKind kind, struct stat *st, GError **error);

/* Both: a descriptor ready to read (or write, with O_RDWR in flags), or -1 and an error that
 * names path and why (the system's words when it cannot be opened). */
int vr_open_input_file(const char *path, VrInputKind kind, int flags, struct stat *st,
                       GError **error);

/* A disk image written through a symbolic link writes the file the link leads to, wherever
 * that is: for a read-write disk (write) whose path ends in a symbolic link, unless allowed,
 * false and an error naming the link and where it leads. */
bool vr_input_check_link(const char *path, bool write, bool allowed, GError **error);

/* vr_open_input_file() for reading, closed again: whether path can be used as kind. */
bool vr_check_input_file(const char *path, VrInputKind kind, GError **error);

/* Reads all of a file (at most max_len bytes, else an error that says so) through
 * vr_open_input_file(); contents ends in a NUL byte not counted in len. */
bool vr_read_input_file(const char *path, VrInputKind kind, gsize max_len, char **contents,
                        gsize *len, GError **error);

#endif
