/* VireoLibrary: the machines of the library as a list model of VireoMachine, kept in step
 * with the machine folders on disk (a directory monitor picks up folders that other
 * programs, such as `vireo create`, add or remove). */
#pragma once

#include <gio/gio.h>

#include "vireo-machine.h"
#include "vr-library.h"

G_BEGIN_DECLS

#define VIREO_TYPE_LIBRARY (vireo_library_get_type())
G_DECLARE_FINAL_TYPE(VireoLibrary, vireo_library, VIREO, LIBRARY, GObject)

VireoLibrary *vireo_library_new(const char *dir);
const char *vireo_library_get_dir(VireoLibrary *self);
/* VireoMachine items, sorted by name. */
GListModel *vireo_library_get_model(VireoLibrary *self);
void vireo_library_reload(VireoLibrary *self);
VireoMachine *vireo_library_find(VireoLibrary *self, const char *folder);
/* The machines that run or are paused (or start). */
GPtrArray *vireo_library_get_active(VireoLibrary *self);

/* Adds the machine in folder (just created) and returns it. */
VireoMachine *vireo_library_add(VireoLibrary *self, const char *folder);
/* Moves the machine's folder aside and takes it off the list; returns the staged path for
 * vireo_library_restore() (undo) or vireo_library_purge(). */
char *vireo_library_delete(VireoLibrary *self, VireoMachine *machine, GError **error);
VireoMachine *vireo_library_restore(VireoLibrary *self, const char *staged, GError **error);
/* Removes a staged folder for good, on a worker thread. */
void vireo_library_purge(VireoLibrary *self, const char *staged);
gboolean vireo_library_rename(VireoLibrary *self, VireoMachine *machine, const char *name,
                              GError **error);
/* Checks a new name: valid and not taken by another machine. */
gboolean vireo_library_check_new_name(VireoLibrary *self, VireoMachine *machine, const char *name,
                                      GError **error);
/* How far a long operation is (0 to 1), on the main context. */
typedef void (*VireoProgressFunc)(double fraction, gpointer data);
/* Copies machine as name on a worker thread; progress (may be NULL) hears how far the copy
 * is, with data, until callback runs. */
void vireo_library_duplicate_async(VireoLibrary *self, VireoMachine *machine, const char *name,
                                   VireoProgressFunc progress, GAsyncReadyCallback callback,
                                   gpointer data);
/* The new machine; report (may be NULL; clear it with vr_duplicate_report_clear) says which
 * disks were copied and which stay shared. */
VireoMachine *vireo_library_duplicate_finish(VireoLibrary *self, GAsyncResult *result,
                                             VrDuplicateReport *report, GError **error);
/* Powers every machine off and removes what is staged (the application quits). */
void vireo_library_shutdown(VireoLibrary *self);

G_END_DECLS
