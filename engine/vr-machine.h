/* A virtual machine: its board, harts and devices, and the threads that run them.
 *
 * The caller (the command line, the GUI, a test) owns the machine and drives it from one
 * thread with requests: start, pause, resume, reset, power off. The machine answers with
 * events delivered on the GMainContext the caller names, so the caller never blocks on it
 * and never sees its threads. */
#ifndef VR_MACHINE_H
#define VR_MACHINE_H

#include <glib.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct VrMachine VrMachine;

typedef struct VrDiskConfig {
    char *path; /* NULL: a CD drive with no disc in it */
    bool readonly;
    /* Written through path even where it is a symbolic link (machine.ini's follow-symlink):
     * else a read-write disk must be the file itself. */
    bool follow_symlink;
    /* A CD drive: always read-only, its disc (path) can be ejected and changed while the
     * machine runs, and the drive may be empty. */
    bool cdrom;
    /* Eject the disc when the guest restarts (a machine installing from it: the restart
     * after the install boots the installed system). Done once; the flag goes with the disc. */
    bool eject_on_reboot;
} VrDiskConfig;

/* The execution tier a machine's CPUs run guest code on. */
typedef enum {
    VR_MACHINE_ACCEL_DEFAULT, /* the engine's choice: $VIREO_ACCEL, else the JIT where the host
                               * has one (x86-64), else the interpreter */
    VR_MACHINE_ACCEL_INTERP,  /* the interpreter */
    VR_MACHINE_ACCEL_JIT,     /* guest code compiled to host code; the interpreter on a host
                               * without the JIT */
} VrMachineAccel;

/* Where a machine's sound goes. */
typedef enum {
    VR_SOUND_PULSE, /* PulseAudio; silent, and saying why, while no server answers */
    VR_SOUND_WAV,   /* WAV files (sound_output, sound_input) */
    VR_SOUND_NULL,  /* nowhere: output discarded, input silent */
} VrSoundBackend;

typedef struct VrMachineConfig {
    char *name;  /* for messages; may be NULL */
    char *arch;  /* "riscv64" */
    char *board; /* a board's name (engine/vr-board.h), or NULL for the default of arch */
    unsigned cpus;
    uint64_t memory; /* bytes */
    char *bios;      /* firmware path, "none", or NULL for the board's default */
    char *kernel;
    char *initrd;
    char *append;
    GArray *disks;       /* VrDiskConfig */
    bool virtio_console; /* the console is a virtio console (hvc0) rather than the UART */
    /* A screen: virtio-gpu with a keyboard, a tablet, a mouse and a gamepad (virtio-input). */
    bool display;
    /* User-mode networking: a virtio-net card on libslirp (devices/net/README.md). */
    bool net;
    bool net_restricted;     /* no connection out of the virtual network */
    char *net_mac;           /* "52:54:00:12:34:56"; NULL: a new one each time the machine starts */
    GPtrArray *net_forwards; /* char *, host port forwards in QEMU's hostfwd syntax */
    /* Sound: a virtio-snd card on an audio backend (audio/README.md). */
    bool sound;
    VrSoundBackend sound_backend;
    char *sound_output;        /* wav: the file the guest's output is written to (NULL: none) */
    char *sound_input;         /* wav: the file the guest records from (NULL: silence) */
    unsigned sound_latency_ms; /* 0: the default (VR_AUDIO_DEFAULT_LATENCY_MS, 50) */
    char *sound_output_device; /* pulse: the sink's name (NULL: the server's default) */
    char *sound_input_device;  /* pulse: the source's name (NULL: the server's default) */
    bool sound_muted;          /* the card starts muted (the user's mute, kept) */
    /* machine.ini's [machine] accel; not part of a state file (a restored machine gets the
     * default). */
    VrMachineAccel accel;
} VrMachineConfig;

void vr_machine_config_init(VrMachineConfig *cfg);
void vr_machine_config_clear(VrMachineConfig *cfg);
void vr_machine_config_add_disk(VrMachineConfig *cfg, const char *path, bool readonly);
/* A CD drive holding path (NULL: empty). */
void vr_machine_config_add_cdrom(VrMachineConfig *cfg, const char *path);
/* Whether a machine of cfg boots through UEFI: it has no kernel of its own and does not run
 * without firmware (--bios none). */
bool vr_machine_config_boots_uefi(const VrMachineConfig *cfg);
/* A deep copy: dst is initialised first. */
void vr_machine_config_copy(VrMachineConfig *dst, const VrMachineConfig *src);

typedef enum {
    VR_MACHINE_CREATED,
    VR_MACHINE_RUNNING,
    VR_MACHINE_PAUSED,
    VR_MACHINE_STOPPED,
} VrMachineState;

const char *vr_machine_state_name(VrMachineState state);

/* How a finished machine ended. */
typedef enum {
    VR_END_NONE,      /* still running */
    VR_END_POWER_OFF, /* the guest powered off, or passed (tohost = 1, finisher pass) */
    VR_END_FAILED,    /* the guest reported failure (tohost odd, finisher fail) */
    VR_END_STOPPED,   /* vr_machine_power_off() */
} VrEnd;

typedef struct VrMachineResult {
    VrEnd end;
    unsigned code; /* the failing test number or failure code */
} VrMachineResult;

typedef enum {
    VR_EVENT_STATE_CHANGED,       /* state: the new state */
    VR_EVENT_CONSOLE_OUTPUT,      /* console bytes are waiting: call vr_machine_console_read() */
    VR_EVENT_RESET,               /* the machine was reset (by the guest or by a request) */
    VR_EVENT_ERROR,               /* message: something went wrong that the user should see */
    VR_EVENT_CONSOLE_INPUT_READY, /* vr_machine_console_input() refused bytes, and the guest
                                   * has made room since: offer them again */
    VR_EVENT_MEDIA_CHANGED,       /* disk: the CD drive whose disc changed (or was ejected);
                                   * ejected_on_reboot: the guest restarted and the drive's
                                   * eject_on_reboot took the disc out. Ask vr_machine_cd_path()
                                   * for the disc now in it. */
    VR_EVENT_DISPLAY_UPDATED,     /* the screen has a new frame: vr_machine_get_frame(); one
                                   * event for any number of frames since the last */
    VR_EVENT_NET_CHANGED,         /* the guest's network address changed:
                                   * vr_machine_net_guest_address() */
} VrEventKind;

typedef struct VrMachineEvent {
    VrEventKind kind;
    VrMachineState state;
    VrMachineResult result; /* with VR_EVENT_STATE_CHANGED to STOPPED */
    const char *message;
    unsigned disk;          /* with VR_EVENT_MEDIA_CHANGED: the index in cfg->disks */
    bool ejected_on_reboot; /* with VR_EVENT_MEDIA_CHANGED */
} VrMachineEvent;

typedef void (*VrMachineEventFn)(VrMachine *m, const VrMachineEvent *event, void *data);

/* The input devices of a machine with a screen (cfg.display). */
typedef enum {
    VR_INPUT_KEYBOARD,
    VR_INPUT_TABLET, /* absolute pointer: ABS_X/ABS_Y 0 .. VR_INPUT_ABS_MAX (virtio-input.h) */
    VR_INPUT_MOUSE,  /* relative pointer */
    VR_INPUT_GAMEPAD,
    VR_INPUT_N,
} VrInputDevice;

/* Makes GLib's C locale, which g_ascii_strtoull() makes on its first use under the lock
 * all of GLib's one-time initialisations share. A thread that waits for that lock can come
 * back with errno set, and g_ascii_string_to_unsigned() takes that for a parse error ("cpu0"
 * in a state file failed to parse now and then while a machine's I/O thread started).
 * Called before other threads exist (vireo's main(), vr_machine_new()), it is never waited
 * for. */
void vr_glib_numbers_ready(void);

/* Builds the machine: board, RAM, devices, boot images. Errors name what is wrong (a
 * missing file, a kernel that is not a kernel, more memory than the host has, ...). */
VrMachine *vr_machine_new(const VrMachineConfig *cfg, GError **error);
/* Powers off if running, stops the threads and frees everything. */
void vr_machine_free(VrMachine *m);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(VrMachine, vr_machine_free)

/* Events go to fn on context (NULL: the thread-default context at the time of this call). */
void vr_machine_set_event_handler(VrMachine *m, GMainContext *context, VrMachineEventFn fn,
                                  void *data);

/* Console: what the guest wrote, and keyboard bytes for it. Thread-safe. When input is
 * refused, VR_EVENT_CONSOLE_INPUT_READY follows once the guest has made room. */
size_t vr_machine_console_read(VrMachine *m, uint8_t *buf, size_t len);
size_t vr_machine_console_input(VrMachine *m, const uint8_t *data, size_t len);

bool vr_machine_start(VrMachine *m, GError **error);
/* Returns once every hart has stopped executing. */
void vr_machine_pause(VrMachine *m);
void vr_machine_resume(VrMachine *m);
/* Reboots: devices and harts back to their power-on state, boot images loaded again. */
void vr_machine_reset(VrMachine *m);
void vr_machine_power_off(VrMachine *m);
/* Restarts the machine into its firmware's menu: a machine that boots through UEFI (it has
 * no kernel of its own) stops at the firmware's prompt instead of counting down to the
 * first bootable disk, once. False with an error for the user when the machine is not
 * running or boots its own kernel. */
bool vr_machine_restart_to_firmware(VrMachine *m, GError **error);
/* Whether the machine boots through UEFI (it has no kernel of its own). */
bool vr_machine_boots_uefi(VrMachine *m);
/* Asks the guest to shut down, as the power button of a real machine does: presses and
 * releases it (KEY_POWER down, SYN, up, SYN on the board's virtio-input power button). The
 * guest decides what follows; the machine stops once it has powered off. Fails with an
 * error for the user when the machine is not running or the guest cannot be asked (no
 * driver for the button: it is not set up, or the guest's kernel has none). */
bool vr_machine_request_shutdown(VrMachine *m, GError **error);
VrMachineState vr_machine_get_state(VrMachine *m);
VrMachineResult vr_machine_get_result(VrMachine *m);

/* Waits until the machine stops or timeout_us passes (negative: no limit), without
 * running any main loop; returns whether it stopped. For tools and tests. */
bool vr_machine_wait(VrMachine *m, int64_t timeout_us, VrMachineResult *result);

/* For monitors and tests. */
unsigned vr_machine_n_cpus(VrMachine *m);
struct VrCpu *vr_machine_cpu(VrMachine *m, unsigned i);
/* CPU i as a RISC-V hart (NULL when there is no such CPU or it is not a hart). */
struct VrHart *vr_machine_hart(VrMachine *m, unsigned i);
/* Appends CPU i's registers as text (stopping the CPUs for the moment it takes); false when
 * there is no CPU i. */
bool vr_machine_dump_registers(VrMachine *m, unsigned i, GString *out);
/* The tier the machine's CPUs run on: VR_MACHINE_ACCEL_INTERP or VR_MACHINE_ACCEL_JIT, never
 * the default (what it stood for is resolved when the machine is built). */
VrMachineAccel vr_machine_get_accel(VrMachine *m);
/* Puts every CPU on accel (the default: what a new machine would get) before the machine
 * starts; false with an error for the user once it has started. A JIT asked for on a host
 * without one runs the interpreter, and says so once on standard error. */
bool vr_machine_set_accel(VrMachine *m, VrMachineAccel accel, GError **error);
/* "interp", "jit" or "default". */
const char *vr_machine_accel_name(VrMachineAccel accel);
/* The JIT tier's counters, summed over the CPUs that run on it. */
typedef struct {
    unsigned n_cpus;     /* CPUs on the JIT; the rest are zero when none is */
    uint64_t compiled;   /* blocks compiled */
    uint64_t resets;     /* times a CPU's block and code caches were emptied */
    uint64_t cache_size; /* the code caches' fixed sizes, in bytes */
    uint64_t cache_used; /* bytes of them in use */
} VrMachineJitStats;
/* Reads them, stopping the CPUs for the moment it takes. */
void vr_machine_jit_stats(VrMachine *m, VrMachineJitStats *stats);
/* How many resets the machine has gone through (caller's and guest's). */
uint64_t vr_machine_resets(VrMachine *m);

/* CD drives. disk_index counts cfg->disks (CD drives and disks together). Puts the image at
 * path in the CD drive (NULL: ejects the disc), whatever state the machine is in: the image
 * is opened read-only and checked first (an error names it, and the old disc stays); the
 * guest sees the drive's size change with a configuration change interrupt. The drive's
 * eject_on_reboot is cleared. Refuses a disk that is not a CD drive. Posts
 * VR_EVENT_MEDIA_CHANGED. Thread-safe; it may wait for the disk requests in flight (and for
 * a state being saved). */
bool vr_machine_change_cd(VrMachine *m, unsigned disk_index, const char *path, GError **error);
/* The disc in the CD drive disk_index (an absolute path, free it), or NULL: the drive is
 * empty or disk_index is no CD drive. Thread-safe. */
char *vr_machine_cd_path(VrMachine *m, unsigned disk_index);
/* Whether disk_index is a CD drive that ejects its disc when the guest restarts. */
bool vr_machine_cd_eject_on_reboot(VrMachine *m, unsigned disk_index);
/* The number of disks and CD drives (cfg->disks' length). */
unsigned vr_machine_n_disks(VrMachine *m);
/* Whether disk_index is a CD drive. */
bool vr_machine_disk_is_cd(VrMachine *m, unsigned disk_index);

/* ---- Machine state (vr-machine-state.c) ---- */

/* Writes the whole state of the machine (every CPU and device, the clock, guest RAM) to
 * path, crash-safe. A running machine is stopped meanwhile and runs on afterwards. */
bool vr_machine_save_state(VrMachine *m, const char *path, GError **error);
/* Builds the machine a state file describes (the configuration, disks and boot files it
 * names) and puts it in that state; vr_machine_start() then resumes the guest where it was.
 * The file is checked whole first: a truncated, damaged or foreign file is refused with an
 * error naming it, and so is a writable disk that changed after the state was saved. */
VrMachine *vr_machine_new_from_state(const char *path, GError **error);
/* The configuration a state file holds (for showing what it would restore). */
bool vr_machine_state_read_config(const char *path, VrMachineConfig *cfg, GError **error);

/* Parses a memory size: a number with an optional K, M, G or T suffix (optionally followed
 * by "iB" or "B"); a bare number is MiB. */
bool vr_parse_size(const char *text, uint64_t *bytes, GError **error);

/* ---- the network (a machine built with cfg.net) ---- */

/* Whether the machine has a network card. */
bool vr_machine_has_net(VrMachine *m);
/* The cable: the guest sees its link go down or up. False without a network card. Any
 * thread. */
bool vr_machine_net_set_link(VrMachine *m, bool up);
/* Adds or removes a host port forward while the machine runs ("tcp:127.0.0.1:2222-:22",
 * vr_net_forward_parse's syntax); a taken host port is refused with G_IO_ERROR_ADDRESS_IN_USE.
 * cfg.net_forwards is not changed. Any thread. */
bool vr_machine_net_add_forward(VrMachine *m, const char *forward, GError **error);
bool vr_machine_net_remove_forward(VrMachine *m, const char *forward, GError **error);
/* The guest's IPv4 address ("10.0.2.15") once DHCP has given it one, else NULL (also without
 * a network card). VR_EVENT_NET_CHANGED says when it changes. Any thread; free with g_free. */
char *vr_machine_net_guest_address(VrMachine *m);

/* ---- sound (a machine built with cfg.sound) ---- */

/* Whether the machine has a sound card. */
bool vr_machine_has_sound(VrMachine *m);
/* Muted, the guest's output plays as silence (the level still shows it). False without a
 * sound card. Any thread. */
bool vr_machine_sound_set_muted(VrMachine *m, bool muted);
bool vr_machine_sound_muted(VrMachine *m);
/* The peak of the guest's output over about the last 50 ms, 0 .. 1 (0 without a card). Any
 * thread; cheap enough to poll for a level meter. */
float vr_machine_sound_level(VrMachine *m);
/* Times the sound broke off while the guest played: the host's output ran dry, or its
 * audio server stalled and the card went on without it. */
unsigned vr_machine_sound_underruns(VrMachine *m);
/* The backend's state: "connected", or why not (no PulseAudio server, a file that cannot be
 * written). NULL without a sound card. Free with g_free. */
char *vr_machine_sound_status(VrMachine *m);

/* ---- the screen (a machine built with cfg.display) ---- */

struct VrGpuFrame;
struct VrVirtioInputEvent;

/* Whether the machine has a screen. */
bool vr_machine_has_display(VrMachine *m);
/* The newest frame of the screen (a reference: vr_gpu_frame_unref), or NULL while the guest
 * shows nothing or the machine has no screen. Any thread. */
struct VrGpuFrame *vr_machine_get_frame(VrMachine *m);
/* The viewer's size in pixels: the guest is told and may follow. False when the machine has
 * no screen or the size is out of range (1 .. 4095 each). Any thread. */
bool vr_machine_set_display_size(VrMachine *m, uint32_t width, uint32_t height);
/* What draws the screen ("vulkan" or "cpu"), and why not Vulkan when it is the CPU (NULL
 * otherwise, and both NULL without a screen). */
const char *vr_machine_renderer_name(VrMachine *m);
const char *vr_machine_renderer_note(VrMachine *m);
/* Asks the renderer to export its frames as GPU images (on) for a viewer that imports them
 * (VrGpuFrameImage), or to stop; false when it cannot (no screen, the CPU renderer, a Vulkan
 * device without external memory). device_uuid and driver_uuid (may be NULL) get the UUIDs
 * an importer must match; on = false only asks for them. Any thread. */
bool vr_machine_export_frames(VrMachine *m, bool on, uint8_t device_uuid[16],
                              uint8_t driver_uuid[16]);
/* Queues evdev events for one input device of the screen, all or none: false when the
 * machine has no screen or the guest is not reading them. Any thread. */
bool vr_machine_input_send(VrMachine *m, VrInputDevice device,
                           const struct VrVirtioInputEvent *events, size_t n);

#endif
