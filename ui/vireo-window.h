/* VireoWindow: the main window. The library (a list of machines, search, the empty state)
 * and a machine's page (its console and controls) in one window; dropping an image file
 * anywhere on it starts the assistant. */
#pragma once

#include <adwaita.h>

#include "vireo-library.h"

G_BEGIN_DECLS

#define VIREO_TYPE_WINDOW (vireo_window_get_type())
G_DECLARE_FINAL_TYPE(VireoWindow, vireo_window, VIREO, WINDOW, AdwApplicationWindow)

typedef struct _VireoAssistant VireoAssistant;
typedef struct _VireoMachinePage VireoMachinePage;
typedef struct _VireoMachineSettings VireoMachineSettings;

VireoWindow *vireo_window_new(GtkApplication *app, VireoLibrary *library);
VireoLibrary *vireo_window_get_library(VireoWindow *self);
VireoMachinePage *vireo_window_get_machine_page(VireoWindow *self);

void vireo_window_show_library(VireoWindow *self);
void vireo_window_open_machine(VireoWindow *self, VireoMachine *machine);

/* The new-machine assistant; with a file, filled in from it. */
VireoAssistant *vireo_window_new_machine(VireoWindow *self);
/* An image file given to the window (dropped, or on the command line): the assistant,
 * filled in, when it is one; a toast saying why not otherwise. Returns the assistant. */
VireoAssistant *vireo_window_open_file(VireoWindow *self, GFile *file);

void vireo_window_start_machine(VireoWindow *self, VireoMachine *machine);
VireoMachineSettings *vireo_window_open_settings(VireoWindow *self, VireoMachine *machine);
/* Asks first; deleting can be undone from the toast that follows. */
void vireo_window_confirm_delete(VireoWindow *self, VireoMachine *machine);
/* Asks before pulling the plug on machine. */
void vireo_window_confirm_force_off(VireoWindow *self, VireoMachine *machine);
/* Asks machine's guest to shut down (its power button); says why when it cannot. */
void vireo_window_shut_down_machine(VireoWindow *self, VireoMachine *machine);
/* Deletes now (after the question), with an undo toast. */
void vireo_window_delete_machine(VireoWindow *self, VireoMachine *machine);
/* A dialog asking for the new name. */
void vireo_window_rename_machine(VireoWindow *self, VireoMachine *machine);
void vireo_window_duplicate_machine(VireoWindow *self, VireoMachine *machine);

void vireo_window_toast(VireoWindow *self, const char *text);
void vireo_window_add_toast(VireoWindow *self, AdwToast *toast);

/* Closing with machines running asks what to do with them; this is what the answers do. */
void vireo_window_power_off_and_close(VireoWindow *self);
void vireo_window_keep_running_and_close(VireoWindow *self);
/* Saves every running machine's state and powers it off, then closes; when one cannot be
 * saved, it runs on and the window stays (its page's banner says why). */
void vireo_window_save_state_and_close(VireoWindow *self);

G_END_DECLS
