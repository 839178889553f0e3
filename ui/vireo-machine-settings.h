/* VireoMachineSettings: a machine's settings (name, CPUs, memory, boot media, disks, kernel
 * command line, network). Each change is checked as the engine would check it, refused with the
 * reason when it cannot be taken, and otherwise written to machine.ini at once (a temporary
 * file renamed over the old one). */
#pragma once

#include <adwaita.h>

#include "vireo-library.h"

G_BEGIN_DECLS

#define VIREO_TYPE_MACHINE_SETTINGS (vireo_machine_settings_get_type())
G_DECLARE_FINAL_TYPE(VireoMachineSettings, vireo_machine_settings, VIREO, MACHINE_SETTINGS,
                     AdwPreferencesWindow)

VireoMachineSettings *vireo_machine_settings_new(GtkWindow *parent, VireoLibrary *library,
                                                 VireoMachine *machine);
/* What the file chooser and the size dialog lead to. */
gboolean vireo_machine_settings_attach_disk(VireoMachineSettings *self, const char *path,
                                            GError **error);
/* What the firmware, kernel and initramfs choosers lead to: which is "firmware", "kernel" or
 * "initrd"; path NULL for none (firmware: the default, "none": no firmware). */
gboolean vireo_machine_settings_set_boot_file(VireoMachineSettings *self, const char *which,
                                              const char *path, GError **error);
gboolean vireo_machine_settings_new_disk(VireoMachineSettings *self, guint64 size, GError **error);
/* What a disk's read-only switch leads to. */
gboolean vireo_machine_settings_set_disk_readonly(VireoMachineSettings *self, guint index,
                                                  gboolean readonly, GError **error);
/* What the dialog that allows writing a disk through its symbolic link leads to (and the
 * button that stops it). */
gboolean vireo_machine_settings_set_disk_follow_symlink(VireoMachineSettings *self, guint index,
                                                        gboolean allow, GError **error);
gboolean vireo_machine_settings_remove_disk(VireoMachineSettings *self, guint index,
                                            gboolean delete_file, GError **error);
/* What the Network page's Add Forward button leads to: a forward from host_address (empty:
 * 127.0.0.1) and host_port to guest_port of the guest (ports as the user typed them), saved and,
 * while the machine runs, opened at once; and what a forward's remove button leads to (forward
 * as machine.ini keeps it). */
gboolean vireo_machine_settings_add_forward(VireoMachineSettings *self, gboolean udp,
                                            const char *host_address, const char *host_port,
                                            const char *guest_port, GError **error);
gboolean vireo_machine_settings_remove_forward(VireoMachineSettings *self, const char *forward,
                                               GError **error);

G_END_DECLS
