/* VireoMachinePage: one machine on screen: its serial console in a terminal (keyboard input
 * goes to the guest), start/pause/resume/reset/shut down with the right sensitivity for
 * its state (Force Off, in the menu, asks first), a row for each CD drive (its disc, Eject,
 * Change CD…), and a banner for what the engine reports. */
#pragma once

#include <adwaita.h>

#include "vireo-machine.h"

G_BEGIN_DECLS

#define VIREO_TYPE_MACHINE_PAGE (vireo_machine_page_get_type())
G_DECLARE_FINAL_TYPE(VireoMachinePage, vireo_machine_page, VIREO, MACHINE_PAGE, AdwBin)

void vireo_machine_page_set_machine(VireoMachinePage *self, VireoMachine *machine);
VireoMachine *vireo_machine_page_get_machine(VireoMachinePage *self);
/* The terminal of the machine shown (VteTerminal), or NULL before it first ran here. */
GtkWidget *vireo_machine_page_get_terminal(VireoMachinePage *self);
/* The screen (a VireoDisplay) of the page's machine, or NULL when it has none (yet). */
GtkWidget *vireo_machine_page_get_screen(VireoMachinePage *self);
void vireo_machine_page_focus_console(VireoMachinePage *self);
/* The page goes off screen (back to the library): keep a picture of the console. */
void vireo_machine_page_leave(VireoMachinePage *self);
/* The machine was deleted: drop its terminal. */
void vireo_machine_page_forget(VireoMachinePage *self, VireoMachine *machine);
/* Seconds a guest asked to shut down may take before the page offers Force Off (60). */
void vireo_machine_page_set_shutdown_timeout(VireoMachinePage *self, guint seconds);
/* What the Change CD… chooser of CD drive disk leads to (path NULL: Eject). Works while the
 * machine runs; machine.ini follows. A refusal shows in the banner. */
void vireo_machine_page_change_cd(VireoMachinePage *self, guint disk, const char *path);
/* What the banner says now, or NULL when it is hidden. */
const char *vireo_machine_page_get_banner(VireoMachinePage *self);

G_END_DECLS
