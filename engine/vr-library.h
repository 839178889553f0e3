/* The machine library: the machine folders under $XDG_DATA_HOME/vireo/machines.
 *
 * One folder per machine, `<name>.vireo/`, holding machine.ini, its disk images and
 * `screenshot.png`. Everything here is plain file work on the caller's thread (GLib only);
 * the GUI runs the slow parts (duplicating disk images) on a worker thread. Damaged folders
 * are listed with the reason they cannot start rather than left out. */
#ifndef VR_LIBRARY_H
#define VR_LIBRARY_H

#include <gio/gio.h>

#include "vr-machine-config.h"
#include "vr-machine.h"

#define VR_LIBRARY_SUFFIX ".vireo"
/* A machine's saved state (vr_machine_save_state()) in its folder: the next start resumes it. */
#define VR_LIBRARY_SAVED_STATE "saved-state.vstate"

typedef enum {
    VR_PROBLEM_NONE,
    VR_PROBLEM_CONFIG,       /* machine.ini is missing, unreadable or holds a bad value */
    VR_PROBLEM_MISSING_FILE, /* a disk image, kernel, initramfs or firmware is gone */
} VrProblem;

/* Which file a problem is about. */
typedef enum {
    VR_FILE_SETTINGS, /* machine.ini */
    VR_FILE_DISK,
    VR_FILE_KERNEL,
    VR_FILE_INITRD,
    VR_FILE_FIRMWARE,
} VrFileRole;

typedef struct VrLibraryEntry {
    char *folder;      /* absolute path of the machine folder */
    char *id;          /* the folder's name less ".vireo": what `vireo run NAME` takes */
    char *ini_path;    /* folder/machine.ini */
    char *screenshot;  /* folder/screenshot.png when there is one, else NULL */
    char *saved_state; /* folder/saved-state.vstate when there is one, else NULL */
    VrMachineConfig cfg;
    bool cfg_loaded; /* cfg holds what machine.ini says (else defaults) */
    VrProblem problem;
    char *problem_message; /* names the file and what is wrong */
    /* The same, in parts (for a UI that words it in the user's language): */
    VrFileRole problem_role;
    char *problem_path;   /* the file concerned */
    bool problem_missing; /* it is not there at all (rather than unreadable or invalid) */
    char *problem_detail; /* what is wrong with it, without the file name (for a file that
                           * cannot be opened: the system's words for the error) */
} VrLibraryEntry;

/* Reads one machine folder. Never fails: a damaged folder comes back with its problem. */
VrLibraryEntry *vr_library_entry_load(const char *folder);
void vr_library_entry_free(VrLibraryEntry *entry);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(VrLibraryEntry, vr_library_entry_free)
/* The name to show: machine.ini's name, else the folder's. */
const char *vr_library_entry_name(const VrLibraryEntry *entry);

/* Every machine folder in dir (VrLibraryEntry, sorted by name); an empty array when dir
 * does not exist yet. Hidden entries and names without ".vireo" are skipped. */
GPtrArray *vr_library_list(const char *dir, GError **error);

/* Whether the files cfg names exist and can be read (disks also written unless read-only).
 * role, path and err (each may be NULL) say which file failed and the errno. */
bool vr_library_check_files(const VrMachineConfig *cfg, GError **error);
bool vr_library_check_files_full(const VrMachineConfig *cfg, VrFileRole *role, char **path,
                                 int *err, GError **error);

/* A name fit for a machine folder: not empty, at most 100 bytes, no '/', no control
 * characters, not starting with '.'. */
bool vr_library_check_name(const char *name, GError **error);
/* Whether a machine folder for name exists in dir. */
bool vr_library_name_taken(const char *dir, const char *name);
/* base, or "base 2", "base 3" ... whichever is free in dir. */
char *vr_library_unique_name(const char *dir, const char *base);
/* dir/name.vireo */
char *vr_library_folder_for(const char *dir, const char *name);

/* Makes the folder for cfg->name in dir and writes machine.ini. With disk_size > 0 it
 * first creates disk.img, a sparse raw image of that many bytes (a multiple of 512), and
 * makes it the first disk. Returns the folder; leaves nothing behind on failure. */
char *vr_library_create(const char *dir, const VrMachineConfig *cfg, uint64_t disk_size,
                        GError **error);

/* A new sparse raw disk image (refuses to overwrite a file). */
bool vr_disk_create_raw(const char *path, uint64_t size, GError **error);
/* A free file name in folder for a new disk: disk.img, disk-2.img, ... */
char *vr_library_new_disk_path(const char *folder);

/* Deleting with undo: the folder moves to a staging place outside the library (same file
 * system, so it is a rename); restore moves it back, purge removes it for good. */
char *vr_library_trash(const char *folder, GError **error);
bool vr_library_restore(const char *staged, const char *folder, GError **error);
bool vr_library_purge(const char *staged, GError **error);
/* Removes everything left staged in dir's staging place (a previous run that ended before
 * its undo toast did). */
void vr_library_purge_all_staged(const char *dir);

/* Renames the folder and the name in its machine.ini; returns the new folder. */
char *vr_library_rename(const char *folder, const char *new_name, GError **error);
/* How far a copy is: bytes copied of total (what the files hold, holes left out), called on
 * the copying thread a few times a second. */
typedef void (*VrCopyProgress)(uint64_t done, uint64_t total, gpointer data);

/* What a duplicate shares with its original and what it has of its own. */
typedef struct VrDuplicateReport {
    unsigned copied;   /* disks the copy has of its own (in its folder) */
    GPtrArray *shared; /* paths of read-only disks (install images) both machines use */
} VrDuplicateReport;
void vr_duplicate_report_clear(VrDuplicateReport *report);

/* Copies the folder (disk images stay sparse) to dir/new_name.vireo with new_name in its
 * machine.ini; returns the new folder. Writable disks outside the folder (or behind a
 * symbolic link) are copied into the new folder too and machine.ini names the copies, so the
 * two machines never write one image; read-only disks stay shared. Cancellable between files
 * and chunks. report (cleared with vr_duplicate_report_clear) says which it did; progress
 * (may be NULL) hears how far the copy is. */
char *vr_library_duplicate_full(const char *folder, const char *new_name, VrDuplicateReport *report,
                                VrCopyProgress progress, gpointer progress_data,
                                GCancellable *cancellable, GError **error);
char *vr_library_duplicate(const char *folder, const char *new_name, GCancellable *cancellable,
                           GError **error);

/* What a file given to "create a machine from this" is. */
typedef enum {
    VR_IMAGE_UNKNOWN, /* not something a machine boots from */
    VR_IMAGE_ISO,     /* an ISO 9660 image (install media) */
    VR_IMAGE_DISK,    /* a raw disk image */
    VR_IMAGE_QCOW2,   /* a qcow2 image: not supported yet */
    VR_IMAGE_KERNEL,  /* a RISC-V ELF, or a Linux Image (gzip-compressed too) */
} VrImageKind;

/* Looks at a file's first bytes and size. The error says why a file is not usable. */
VrImageKind vr_image_probe(const char *path, GError **error);
/* A RISC-V ELF whose entry is the start of RAM: a bare-metal program that needs no
 * firmware (it runs in M-mode). */
bool vr_image_is_bare_metal(const char *path);

/* The architectures the engine runs ("riscv64"): those of its boards, NULL-terminated. */
const char *const *vr_supported_archs(void);

#endif
