/* Machine folders and their machine.ini. */
#ifndef VR_MACHINE_CONFIG_H
#define VR_MACHINE_CONFIG_H

#include "vr-machine.h"

/* Reads machine.ini at path into cfg, on top of what cfg holds. */
bool vr_machine_config_load_file(VrMachineConfig *cfg, const char *path, GError **error);
/* machine.ini of a machine folder given as a path (the folder or its machine.ini) or as the
 * name of a folder in the library. */
char *vr_machine_config_find(const char *name_or_path, GError **error);
/* "serial" or "virtio": which device is the console. */
bool vr_parse_console(const char *text, bool *virtio);
/* Where machine folders live: $XDG_DATA_HOME/vireo/machines. */
char *vr_machines_dir(void);

#endif
