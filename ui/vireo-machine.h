/* VireoMachine: one machine of the library as the UI sees it.
 *
 * Holds the machine folder's settings (or the problem that keeps it from starting) and,
 * while it runs, the engine's VrMachine. Every engine event arrives on the main context;
 * building the machine, resetting it and freeing it run on worker threads, so the UI never
 * waits on the engine. The console's output is kept (the last megabyte) for terminals that
 * attach later. */
#pragma once

#include <gdk/gdk.h>

#include "vr-library.h"
#include "vr-renderer.h"
#include "virtio/virtio-input.h"

G_BEGIN_DECLS

typedef enum {
    VIREO_MACHINE_OFF,
    VIREO_MACHINE_STARTING,
    VIREO_MACHINE_RUNNING,
    VIREO_MACHINE_PAUSED,
} VireoMachineState;

GType vireo_machine_state_get_type(void);
#define VIREO_TYPE_MACHINE_STATE (vireo_machine_state_get_type())

#define VIREO_TYPE_MACHINE (vireo_machine_get_type())
G_DECLARE_FINAL_TYPE(VireoMachine, vireo_machine, VIREO, MACHINE, GObject)

VireoMachine *vireo_machine_new(VrLibraryEntry *entry);

const char *vireo_machine_get_folder(VireoMachine *self);
const char *vireo_machine_get_name(VireoMachine *self);
/* "RISC-V 64 · 2 CPUs · 1 GiB" */
char *vireo_machine_describe(VireoMachine *self);
const VrMachineConfig *vireo_machine_get_config(VireoMachine *self);
const VrLibraryEntry *vireo_machine_get_entry(VireoMachine *self);
/* NULL when the machine can start; else why not (names the file and what is wrong). */
const char *vireo_machine_get_problem(VireoMachine *self);
VrProblem vireo_machine_get_problem_kind(VireoMachine *self);
VireoMachineState vireo_machine_get_state(VireoMachine *self);
/* A running or paused machine (or one on its way up). */
gboolean vireo_machine_is_active(VireoMachine *self);
/* The picture of the last screen (screenshot.png), or NULL. */
GdkTexture *vireo_machine_get_thumbnail(VireoMachine *self);
/* "Off", "Running", ... ("Saved" for a machine that is off with a saved state). */
const char *vireo_machine_get_state_label(VireoMachine *self);
/* Its folder holds a saved state (saved-state.vstate): the next start resumes it. */
gboolean vireo_machine_has_saved_state(VireoMachine *self);
/* Its state is being written (the machine is paused meanwhile). */
gboolean vireo_machine_is_saving(VireoMachine *self);
/* Why the last start could not resume the saved state (with the file's name), or NULL. */
const char *vireo_machine_get_restore_error(VireoMachine *self);

/* Takes a fresh look at the folder (after machine.ini or a file changed). Keeps the
 * running machine as it is. */
void vireo_machine_set_entry(VireoMachine *self, VrLibraryEntry *entry);
void vireo_machine_reload(VireoMachine *self);
/* Validates cfg as the engine would and writes it to machine.ini; reloads. */
gboolean vireo_machine_save_config(VireoMachine *self, const VrMachineConfig *cfg, GError **error);
/* After a rename: the machine's new folder. */
void vireo_machine_set_folder(VireoMachine *self, const char *folder);
/* CD drives (disk counts the configuration's disks). Whether disk is a CD drive; the disc in
 * it now (NULL: empty; free it). */
gboolean vireo_machine_is_cd_drive(VireoMachine *self, guint disk);
char *vireo_machine_get_cd_path(VireoMachine *self, guint disk);
/* Puts the image at path in the CD drive (NULL: ejects it), at once when the machine runs,
 * and writes it to machine.ini (dropping eject-on-reboot); "media-changed" follows. An error
 * for the user when the file cannot be read or the machine is still being built. */
gboolean vireo_machine_change_cd(VireoMachine *self, guint disk, const char *path, GError **error);
/* The network (a machine configured with [net] enabled; its settings wait for the next start,
 * its port forwards do not). Whether the running machine has a network card; the guest's IPv4
 * address from DHCP ("10.0.2.15"; NULL until the guest asked, and while it is off), notified as
 * "guest-address". */
gboolean vireo_machine_has_net(VireoMachine *self);
const char *vireo_machine_get_guest_address(VireoMachine *self);
/* The network cable, plugged in at every start ("net-link"): FALSE when the machine does not run
 * with a network card. */
gboolean vireo_machine_get_net_link(VireoMachine *self);
gboolean vireo_machine_set_net_link(VireoMachine *self, gboolean up);
/* Whether the running machine has a sound card. */
gboolean vireo_machine_has_sound(VireoMachine *self);
/* Mutes or unmutes the sound card's output; FALSE without a sound card. */
gboolean vireo_machine_set_sound_muted(VireoMachine *self, gboolean muted);
gboolean vireo_machine_get_sound_muted(VireoMachine *self);
/* The output's peak over the last moments, 0 to 1; 0 without a sound card. */
float vireo_machine_get_sound_level(VireoMachine *self);
/* Output underruns since the start; 0 without a sound card. */
guint vireo_machine_get_sound_underruns(VireoMachine *self);
/* "connected", or why the sound goes nowhere; NULL without a sound card. Free with g_free. */
char *vireo_machine_get_sound_status(VireoMachine *self);
/* Adds a host port forward in QEMU's hostfwd syntax ("tcp:127.0.0.1:2222-:22") to machine.ini,
 * and to the running machine at once. Refused with the reason for the user: bad syntax
 * (G_IO_ERROR_INVALID_ARGUMENT), a host port and protocol already forwarded
 * (G_IO_ERROR_EXISTS), a host port something else holds (G_IO_ERROR_ADDRESS_IN_USE). */
gboolean vireo_machine_add_forward(VireoMachine *self, const char *forward, GError **error);
/* Removes the forward of the same host port and protocol from machine.ini and closes it
 * (G_IO_ERROR_NOT_FOUND when there is none). */
gboolean vireo_machine_remove_forward(VireoMachine *self, const char *forward, GError **error);
/* Writes a PNG (the console's last picture) to the folder's screenshot.png. */
gboolean vireo_machine_save_thumbnail(VireoMachine *self, GdkTexture *texture, GError **error);

/* Requests; results come back as property notifications and signals ("error",
 * "stopped"). */
gboolean vireo_machine_start(VireoMachine *self, GError **error);
void vireo_machine_pause(VireoMachine *self);
void vireo_machine_resume(VireoMachine *self);
void vireo_machine_reset(VireoMachine *self);
/* Whether the machine boots through UEFI (it has no kernel of its own), so it has a firmware
 * menu; and a restart that stops there (vr_machine_restart_to_firmware()). */
gboolean vireo_machine_boots_uefi(VireoMachine *self);
void vireo_machine_restart_to_firmware(VireoMachine *self);
void vireo_machine_force_off(VireoMachine *self);
/* Asks the guest to shut down (presses its power button); the machine goes off when the guest
 * has powered off. FALSE with an error for the user when the guest cannot be asked (not
 * running, or it has no driver for the button). */
gboolean vireo_machine_request_shutdown(VireoMachine *self, GError **error);
/* Pauses the machine, writes its state to the folder's saved-state.vstate on a worker
 * thread, then powers it off; the next start resumes it. When writing fails, the "error"
 * signal says why and the machine goes on as it was. FALSE when it is not running or paused
 * (or busy). */
gboolean vireo_machine_save_state_and_quit(VireoMachine *self);
/* Deletes the saved state: the next start boots afresh. */
gboolean vireo_machine_discard_saved_state(VireoMachine *self, GError **error);
/* Powers off and waits for the engine's threads (application shutdown). */
void vireo_machine_shutdown(VireoMachine *self);

/* Keyboard bytes for the guest; what the guest cannot take yet is kept and retried. */
void vireo_machine_console_input(VireoMachine *self, const char *data, gsize len);
/* What the console printed since the machine last started (at most the last megabyte). */
GBytes *vireo_machine_get_console_log(VireoMachine *self);

/* The screen of a machine configured with one (cfg.display). The newest frame while it runs
 * (NULL otherwise; unref it); "display-updated" says when there is a new one. */
gboolean vireo_machine_has_display(VireoMachine *self);
VrGpuFrame *vireo_machine_get_frame(VireoMachine *self);
/* The viewer's size: the guest may follow. */
void vireo_machine_set_display_size(VireoMachine *self, guint width, guint height);
/* evdev events for an input device of the screen; FALSE when the machine is not running or
 * the guest does not read them. */
gboolean vireo_machine_send_input(VireoMachine *self, VrInputDevice device,
                                  const VrVirtioInputEvent *events, gsize n);
/* What draws the screen ("vulkan", "cpu"; NULL while the machine is off) and, in note, why
 * not Vulkan. */
const char *vireo_machine_get_renderer(VireoMachine *self, const char **note);
/* Whether the screen's frames go from the Vulkan renderer to the window through GL (chosen
 * when the machine starts); when not, note says why where the renderer could have exported
 * them (NULL otherwise). */
gboolean vireo_machine_get_display_gl(VireoMachine *self, const char **note);

G_END_DECLS
