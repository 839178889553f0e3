/* VireoMachineRow: a machine in the library list: its last screen, name, architecture,
 * CPUs and memory, state, a problem badge, and start/pause/resume and a menu. */
#pragma once

#include <gtk/gtk.h>

#include "vireo-machine.h"

G_BEGIN_DECLS

#define VIREO_TYPE_MACHINE_ROW (vireo_machine_row_get_type())
G_DECLARE_FINAL_TYPE(VireoMachineRow, vireo_machine_row, VIREO, MACHINE_ROW, GtkListBoxRow)

VireoMachineRow *vireo_machine_row_new(VireoMachine *machine);
VireoMachine *vireo_machine_row_get_machine(VireoMachineRow *self);

G_END_DECLS
