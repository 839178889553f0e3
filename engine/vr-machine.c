/* Machine life cycle: building the board, one thread per hart, pause, resume, reset,
 * power off; the console buffer; events to the caller's main context. */
#include <gio/gio.h>
#include <string.h>
#include <unistd.h>

#include "riscv/riscv.h"
#include "vr-board.h"
#include "vr-i18n.h"
#include "vr-machine-config.h"
#include "vr-machine-private.h"
#include "virtio-gpu.h"
#include "virtio/virtio-input.h"
#include "virtio/virtio-net.h"
#include "virtio/virtio-snd.h"

/* Instructions a CPU runs between looks at the machine's state. */
#define CPU_SLICE           (1u << 20)
#define CONSOLE_BUFFER_SIZE (64u << 10)

/* ---- configuration ---- */

void vr_machine_config_init(VrMachineConfig *cfg)
{
    memset(cfg, 0, sizeof(*cfg));
    cfg->arch = g_strdup("riscv64");
    cfg->cpus = 1;
    cfg->memory = 512ull << 20;
    cfg->disks = g_array_new(FALSE, TRUE, sizeof(VrDiskConfig));
    cfg->net_forwards = g_ptr_array_new_with_free_func(g_free);
}

void vr_machine_config_clear(VrMachineConfig *cfg)
{
    g_clear_pointer(&cfg->name, g_free);
    g_clear_pointer(&cfg->arch, g_free);
    g_clear_pointer(&cfg->board, g_free);
    g_clear_pointer(&cfg->bios, g_free);
    g_clear_pointer(&cfg->kernel, g_free);
    g_clear_pointer(&cfg->initrd, g_free);
    g_clear_pointer(&cfg->append, g_free);
    g_clear_pointer(&cfg->net_mac, g_free);
    g_clear_pointer(&cfg->net_forwards, g_ptr_array_unref);
    g_clear_pointer(&cfg->sound_output, g_free);
    g_clear_pointer(&cfg->sound_input, g_free);
    g_clear_pointer(&cfg->sound_output_device, g_free);
    g_clear_pointer(&cfg->sound_input_device, g_free);
    if (cfg->disks) {
        for (guint i = 0; i < cfg->disks->len; i++)
            g_free(g_array_index(cfg->disks, VrDiskConfig, i).path);
        g_clear_pointer(&cfg->disks, g_array_unref);
    }
}

void vr_machine_config_add_disk(VrMachineConfig *cfg, const char *path, bool readonly)
{
    VrDiskConfig d = {.path = g_strdup(path), .readonly = readonly};
    g_array_append_val(cfg->disks, d);
}

void vr_machine_config_add_cdrom(VrMachineConfig *cfg, const char *path)
{
    VrDiskConfig d = {.path = g_strdup(path), .readonly = true, .cdrom = true};
    g_array_append_val(cfg->disks, d);
}

void vr_machine_config_copy(VrMachineConfig *dst, const VrMachineConfig *src)
{
    vr_machine_config_init(dst);
    g_free(dst->arch);
    dst->name = g_strdup(src->name);
    dst->arch = g_strdup(src->arch);
    dst->board = g_strdup(src->board);
    dst->cpus = src->cpus;
    dst->memory = src->memory;
    dst->bios = g_strdup(src->bios);
    dst->kernel = g_strdup(src->kernel);
    dst->initrd = g_strdup(src->initrd);
    dst->append = g_strdup(src->append);
    dst->virtio_console = src->virtio_console;
    dst->display = src->display;
    dst->net = src->net;
    dst->net_restricted = src->net_restricted;
    dst->net_mac = g_strdup(src->net_mac);
    for (guint i = 0; src->net_forwards && i < src->net_forwards->len; i++)
        g_ptr_array_add(dst->net_forwards, g_strdup(src->net_forwards->pdata[i]));
    dst->sound = src->sound;
    dst->sound_backend = src->sound_backend;
    dst->sound_output = g_strdup(src->sound_output);
    dst->sound_input = g_strdup(src->sound_input);
    dst->sound_latency_ms = src->sound_latency_ms;
    dst->sound_output_device = g_strdup(src->sound_output_device);
    dst->sound_input_device = g_strdup(src->sound_input_device);
    dst->sound_muted = src->sound_muted;
    dst->accel = src->accel;
    for (guint i = 0; src->disks && i < src->disks->len; i++) {
        const VrDiskConfig *d = &g_array_index(src->disks, VrDiskConfig, i);
        VrDiskConfig copy = *d;
        copy.path = g_strdup(d->path);
        g_array_append_val(dst->disks, copy);
    }
}

bool vr_parse_size(const char *text, uint64_t *bytes, GError **error)
{
    char *end = NULL;
    if (!text || !g_ascii_isdigit(text[0]))
        goto bad;
    guint64 n = g_ascii_strtoull(text, &end, 10);
    unsigned shift = 20;
    switch (g_ascii_toupper(*end)) {
    case '\0': shift = 20; break;
    case 'K':
        shift = 10;
        end++;
        break;
    case 'M':
        shift = 20;
        end++;
        break;
    case 'G':
        shift = 30;
        end++;
        break;
    case 'T':
        shift = 40;
        end++;
        break;
    case 'B':
        if (end[1] == '\0') {
            shift = 0;
            end++;
            break;
        }
        goto bad;
    default: goto bad;
    }
    if (g_ascii_strcasecmp(end, "iB") == 0 || g_ascii_strcasecmp(end, "B") == 0)
        end += strlen(end);
    if (*end != '\0' || n == 0 || n > (UINT64_MAX >> shift))
        goto bad;
    *bytes = n << shift;
    return true;
bad:
    g_set_error(error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                /* Translators: K, M, G and T are the unit letters the value is written with. */
                _("'%s' is not a memory size (expected a number with K, M, G or T, e.g. 512M)"),
                text ? text : "");
    return false;
}

const char *vr_machine_state_name(VrMachineState state)
{
    switch (state) {
    case VR_MACHINE_CREATED: return "off";
    case VR_MACHINE_RUNNING: return "running";
    case VR_MACHINE_PAUSED: return "paused";
    case VR_MACHINE_STOPPED: return "stopped";
    }
    return "unknown";
}

/* ---- events ---- */

typedef struct {
    VrMachineEvent ev;
    char *message;
} QueuedEvent;

typedef struct {
    GSource source;
    VrMachine *m;
} EventSource;

static gboolean event_dispatch(GSource *source, GSourceFunc cb, gpointer data)
{
    VrMachine *m = ((EventSource *) source)->m;
    /* Not ready again until something new is posted. */
    g_source_set_ready_time(source, -1);
    for (;;) {
        g_mutex_lock(&m->event_lock);
        QueuedEvent *q = g_queue_pop_head(&m->events);
        bool console = !q && m->console_event_pending;
        if (console)
            m->console_event_pending = false;
        bool input = !q && !console && m->console_input_event_pending;
        if (input)
            m->console_input_event_pending = false;
        bool display = !q && !console && !input && m->display_event_pending;
        if (display)
            m->display_event_pending = false;
        g_mutex_unlock(&m->event_lock);
        if (!q && !console && !input && !display)
            break;
        if (q) {
            q->ev.message = q->message;
            if (m->event_fn)
                m->event_fn(m, &q->ev, m->event_data);
            g_free(q->message);
            g_free(q);
        } else if (m->event_fn) {
            VrMachineEvent ev = {.kind = console ? VR_EVENT_CONSOLE_OUTPUT
                                         : input ? VR_EVENT_CONSOLE_INPUT_READY
                                                 : VR_EVENT_DISPLAY_UPDATED};
            m->event_fn(m, &ev, m->event_data);
        }
    }
    return G_SOURCE_CONTINUE;
}

static GSourceFuncs event_funcs = {
    .dispatch = event_dispatch,
};

static void wake_event_source(VrMachine *m)
{
    if (m->event_source)
        g_source_set_ready_time(m->event_source, 0);
}

static void post_event_for_disk(VrMachine *m, VrEventKind kind, const char *message, unsigned disk,
                                bool on_reboot)
{
    QueuedEvent *q = g_new0(QueuedEvent, 1);
    q->ev.kind = kind;
    q->ev.disk = disk;
    q->ev.ejected_on_reboot = on_reboot;
    q->message = g_strdup(message);
    g_mutex_lock(&m->lock);
    q->ev.state = m->state;
    q->ev.result = m->result;
    g_mutex_unlock(&m->lock);
    g_mutex_lock(&m->event_lock);
    g_queue_push_tail(&m->events, q);
    wake_event_source(m);
    g_mutex_unlock(&m->event_lock);
}

static void post_event(VrMachine *m, VrEventKind kind, const char *message)
{
    post_event_for_disk(m, kind, message, 0, false);
}

void vr_machine_set_event_handler(VrMachine *m, GMainContext *context, VrMachineEventFn fn,
                                  void *data)
{
    g_mutex_lock(&m->event_lock);
    if (m->event_source) {
        g_source_destroy(m->event_source);
        g_source_unref(m->event_source);
        m->event_source = NULL;
    }
    m->event_fn = fn;
    m->event_data = data;
    if (fn) {
        GSource *s = g_source_new(&event_funcs, sizeof(EventSource));
        ((EventSource *) s)->m = m;
        g_source_set_name(s, "vireo machine events");
        g_source_attach(s, context ? context : g_main_context_get_thread_default());
        m->event_source = s;
        if (m->events.length || m->console_event_pending || m->console_input_event_pending ||
            m->display_event_pending)
            g_source_set_ready_time(s, 0);
    }
    g_mutex_unlock(&m->event_lock);
}

void vr_machine_display_updated(VrMachine *m)
{
    g_mutex_lock(&m->event_lock);
    if (!m->display_event_pending) {
        m->display_event_pending = true;
        wake_event_source(m);
    }
    g_mutex_unlock(&m->event_lock);
}

void vr_machine_report_error(VrMachine *m, const char *message)
{
    post_event(m, VR_EVENT_ERROR, message);
}

void vr_machine_post_net_changed(VrMachine *m)
{
    post_event(m, VR_EVENT_NET_CHANGED, NULL);
}

/* ---- console ---- */

bool vr_machine_console_put(VrMachine *m, uint8_t byte)
{
    g_mutex_lock(&m->console_lock);
    bool ok = m->console_count < CONSOLE_BUFFER_SIZE;
    if (ok) {
        m->console_buf[(m->console_head + m->console_count) % CONSOLE_BUFFER_SIZE] = byte;
        m->console_count++;
    } else {
        m->console_refused = true;
    }
    g_mutex_unlock(&m->console_lock);
    if (ok) {
        g_mutex_lock(&m->event_lock);
        if (!m->console_event_pending) {
            m->console_event_pending = true;
            wake_event_source(m);
        }
        g_mutex_unlock(&m->event_lock);
    }
    return ok;
}

size_t vr_machine_console_read(VrMachine *m, uint8_t *buf, size_t len)
{
    g_mutex_lock(&m->console_lock);
    size_t n = 0;
    while (n < len && m->console_count) {
        size_t chunk = MIN(m->console_count, CONSOLE_BUFFER_SIZE - m->console_head);
        chunk = MIN(chunk, len - n);
        memcpy(buf + n, m->console_buf + m->console_head, chunk);
        m->console_head = (m->console_head + chunk) % CONSOLE_BUFFER_SIZE;
        m->console_count -= chunk;
        n += chunk;
    }
    bool tell = n > 0 && m->console_refused;
    if (tell)
        m->console_refused = false;
    g_mutex_unlock(&m->console_lock);
    if (tell && m->board_ops->console_tx_ready)
        m->board_ops->console_tx_ready(m->board);
    return n;
}

void vr_machine_console_input_room(VrMachine *m)
{
    g_mutex_lock(&m->event_lock);
    if (!m->console_input_event_pending) {
        m->console_input_event_pending = true;
        wake_event_source(m);
    }
    g_mutex_unlock(&m->event_lock);
}

size_t vr_machine_console_input(VrMachine *m, const uint8_t *data, size_t len)
{
    return m->board_ops->console_input ? m->board_ops->console_input(m->board, data, len) : 0;
}

/* ---- life cycle ---- */

void vr_glib_numbers_ready(void)
{
    (void) g_ascii_strtoull("0", NULL, 10);
}

static VrMachine *machine_new(const VrMachineConfig *cfg, bool boot, GError **error)
{
    const VrBoardInfo *board = vr_board_for_config(cfg, error);
    if (!board || !vr_machine_config_validate(cfg, error))
        return NULL;
    g_autoptr(VrMachine) m = g_new0(VrMachine, 1);
    vr_machine_config_copy(&m->cfg, cfg);
    g_mutex_init(&m->lock);
    g_mutex_init(&m->op_lock);
    g_mutex_init(&m->media_lock);
    g_cond_init(&m->cond);
    m->devices = g_ptr_array_new();
    g_mutex_init(&m->console_lock);
    g_mutex_init(&m->event_lock);
    g_queue_init(&m->events);
    m->console_buf = g_malloc(CONSOLE_BUFFER_SIZE);
    m->state = VR_MACHINE_CREATED;
    vr_clock_init(&m->clock);
    vr_clock_pause(&m->clock);
    m->as = vr_address_space_new();
    /* The board and a restore parse numbers while the I/O thread starts. */
    vr_glib_numbers_ready();
    m->io = vr_iothread_new("vireo-io");
    if (!board->build(m, error))
        return NULL;
    if (!boot)
        return g_steal_pointer(&m);
    if (!m->board_ops->boot(m, m->board, error))
        return NULL;
    return g_steal_pointer(&m);
}

VrMachine *vr_machine_new(const VrMachineConfig *cfg, GError **error)
{
    return machine_new(cfg, true, error);
}

VrMachine *vr_machine_new_unbooted(const VrMachineConfig *cfg, GError **error)
{
    return machine_new(cfg, false, error);
}

void vr_machine_add_cpu(VrMachine *m, VrCpu *cpu)
{
    m->cpus = g_renew(VrCpu *, m->cpus, m->n_cpus + 1);
    m->cpus[m->n_cpus++] = cpu;
}

void vr_machine_add_device(VrMachine *m, VrDevice *dev, const char *name)
{
    for (guint i = 0; i < m->devices->len; i++)
        g_assert(strcmp(((VrDevice *) m->devices->pdata[i])->name, name) != 0);
    g_assert(dev->ops);
    dev->name = g_strdup(name);
    g_ptr_array_add(m->devices, dev);
}

void vr_machine_free(VrMachine *m)
{
    if (!m)
        return;
    g_mutex_lock(&m->lock);
    if (m->state != VR_MACHINE_STOPPED && m->state != VR_MACHINE_CREATED) {
        if (m->result.end == VR_END_NONE)
            m->result.end = VR_END_STOPPED;
    }
    m->state = VR_MACHINE_STOPPED;
    g_cond_broadcast(&m->cond);
    g_mutex_unlock(&m->lock);
    for (unsigned i = 0; i < m->n_cpus; i++)
        m->cpus[i]->ops->kick(m->cpus[i]);
    if (m->threads) {
        for (unsigned i = 0; i < m->n_cpus; i++)
            if (m->threads[i])
                g_thread_join(m->threads[i]);
        g_free(m->threads);
    }
    /* A network backend's thread kicks the card's queues: it stops first. */
    if (m->net)
        vr_virtio_net_close_backend(m->net);
    /* So does the sound card's own thread. */
    if (m->sound)
        vr_virtio_snd_close_backend(m->sound);
    /* The I/O thread goes before the devices it serves. */
    vr_iothread_free(m->io);
    for (guint i = m->devices->len; i-- > 0;) {
        VrDevice *dev = m->devices->pdata[i];
        char *name = dev->name;
        dev->ops->free(dev);
        g_free(name);
    }
    g_ptr_array_unref(m->devices);
    if (m->board_ops && m->board_ops->free)
        m->board_ops->free(m->board);
    for (unsigned i = 0; i < m->n_cpus; i++)
        m->cpus[i]->ops->free(m->cpus[i]);
    g_free(m->cpus);
    vr_address_space_free(m->as);
    vr_machine_set_event_handler(m, NULL, NULL, NULL);
    QueuedEvent *q;
    while ((q = g_queue_pop_head(&m->events))) {
        g_free(q->message);
        g_free(q);
    }
    vr_machine_config_clear(&m->cfg);
    g_free(m->renderer_note);
    g_free(m->console_buf);
    g_mutex_clear(&m->lock);
    g_mutex_clear(&m->op_lock);
    g_mutex_clear(&m->media_lock);
    g_cond_clear(&m->cond);
    g_mutex_clear(&m->console_lock);
    g_mutex_clear(&m->event_lock);
    g_free(m);
}

static void kick_all(VrMachine *m)
{
    for (unsigned i = 0; i < m->n_cpus; i++)
        m->cpus[i]->ops->kick(m->cpus[i]);
}

void vr_machine_finish(VrMachine *m, VrEnd end, unsigned code)
{
    g_mutex_lock(&m->lock);
    bool changed = m->state != VR_MACHINE_STOPPED;
    if (m->result.end == VR_END_NONE) {
        m->result.end = end;
        m->result.code = code;
    }
    m->state = VR_MACHINE_STOPPED;
    vr_clock_pause(&m->clock);
    g_cond_broadcast(&m->cond);
    g_mutex_unlock(&m->lock);
    kick_all(m);
    if (changed)
        post_event(m, VR_EVENT_STATE_CHANGED, NULL);
}

typedef struct {
    VrMachine *m;
    unsigned index;
} CpuThreadArg;

static gpointer cpu_thread(gpointer data)
{
    CpuThreadArg *arg = data;
    VrMachine *m = arg->m;
    VrCpu *cpu = m->cpus[arg->index];
    g_free(arg);

    for (;;) {
        g_mutex_lock(&m->lock);
        while (m->state == VR_MACHINE_PAUSED || m->holds) {
            m->parked++;
            g_cond_broadcast(&m->cond);
            g_cond_wait(&m->cond, &m->lock);
            m->parked--;
        }
        bool stop = m->state == VR_MACHINE_STOPPED;
        g_mutex_unlock(&m->lock);
        if (stop)
            break;
        VrRunResult r = cpu->ops->run(cpu, CPU_SLICE);
        if (r == VR_RUN_WFI)
            cpu->ops->wait_for_interrupt(cpu, vr_host_ns() + 1000000000);
    }

    g_mutex_lock(&m->lock);
    m->running_threads--;
    g_cond_broadcast(&m->cond);
    g_mutex_unlock(&m->lock);
    return NULL;
}

bool vr_machine_start(VrMachine *m, GError **error)
{
    g_mutex_lock(&m->lock);
    if (m->state != VR_MACHINE_CREATED) {
        g_mutex_unlock(&m->lock);
        g_set_error(error, G_IO_ERROR, G_IO_ERROR_BUSY, _("the machine was already started"));
        return false;
    }
    m->state = VR_MACHINE_RUNNING;
    m->threads = g_new0(GThread *, m->n_cpus);
    vr_clock_resume(&m->clock);
    for (unsigned i = 0; i < m->n_cpus; i++) {
        CpuThreadArg *arg = g_new(CpuThreadArg, 1);
        arg->m = m;
        arg->index = i;
        g_autofree char *name = g_strdup_printf("vireo-cpu%u", i);
        m->threads[i] = g_thread_new(name, cpu_thread, arg);
        m->running_threads++;
    }
    g_mutex_unlock(&m->lock);
    post_event(m, VR_EVENT_STATE_CHANGED, NULL);
    return true;
}

/* Waits, with the lock held, until every hart thread is parked or gone. */
static void wait_parked(VrMachine *m)
{
    while (m->parked < m->running_threads)
        g_cond_wait(&m->cond, &m->lock);
}

void vr_machine_pause(VrMachine *m)
{
    g_mutex_lock(&m->lock);
    if (m->state != VR_MACHINE_RUNNING) {
        g_mutex_unlock(&m->lock);
        return;
    }
    m->state = VR_MACHINE_PAUSED;
    kick_all(m);
    wait_parked(m);
    vr_clock_pause(&m->clock);
    g_mutex_unlock(&m->lock);
    post_event(m, VR_EVENT_STATE_CHANGED, NULL);
}

void vr_machine_unquiesce_devices(VrMachine *m)
{
    if (!m->devices_quiesced)
        return;
    for (guint i = 0; i < m->devices->len; i++) {
        VrDevice *dev = m->devices->pdata[i];
        if (dev->ops->unquiesce)
            dev->ops->unquiesce(dev);
    }
    m->devices_quiesced = false;
    /* Keyboard bytes a quiesced console turned away wait in the board: hand them on. */
    if (m->board_ops->console_input)
        m->board_ops->console_input(m->board, NULL, 0);
}

void vr_machine_resume(VrMachine *m)
{
    g_mutex_lock(&m->op_lock);
    vr_machine_unquiesce_devices(m);
    g_mutex_unlock(&m->op_lock);
    g_mutex_lock(&m->lock);
    if (m->state != VR_MACHINE_PAUSED) {
        g_mutex_unlock(&m->lock);
        return;
    }
    m->state = VR_MACHINE_RUNNING;
    vr_clock_resume(&m->clock);
    g_cond_broadcast(&m->cond);
    g_mutex_unlock(&m->lock);
    post_event(m, VR_EVENT_STATE_CHANGED, NULL);
}

void vr_machine_hold(VrMachine *m)
{
    g_mutex_lock(&m->op_lock);
    g_mutex_lock(&m->lock);
    m->holds++;
    kick_all(m);
    wait_parked(m);
    g_mutex_unlock(&m->lock);
}

void vr_machine_release(VrMachine *m)
{
    g_mutex_lock(&m->lock);
    m->holds--;
    g_cond_broadcast(&m->cond);
    g_mutex_unlock(&m->lock);
    g_mutex_unlock(&m->op_lock);
}

bool vr_machine_config_boots_uefi(const VrMachineConfig *cfg)
{
    return !cfg->kernel && g_strcmp0(cfg->bios, "none") != 0;
}

bool vr_machine_boots_uefi(VrMachine *m)
{
    return vr_machine_config_boots_uefi(&m->cfg);
}

bool vr_machine_restart_to_firmware(VrMachine *m, GError **error)
{
    if (!vr_machine_boots_uefi(m)) {
        g_set_error(error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                    _("This machine starts its own kernel; it has no firmware menu."));
        return false;
    }
    VrMachineState state = vr_machine_get_state(m);
    if (state != VR_MACHINE_RUNNING && state != VR_MACHINE_PAUSED) {
        g_set_error(error, G_IO_ERROR, G_IO_ERROR_NOT_CONNECTED, _("The machine is not running."));
        return false;
    }
    g_mutex_lock(&m->op_lock);
    m->firmware_menu = true;
    g_mutex_unlock(&m->op_lock);
    vr_machine_reset(m);
    return true;
}

static VrDiskConfig *cd_drive(VrMachine *m, unsigned index)
{
    if (!m->cfg.disks || index >= m->cfg.disks->len)
        return NULL;
    VrDiskConfig *d = &g_array_index(m->cfg.disks, VrDiskConfig, index);
    return d->cdrom ? d : NULL;
}

/* op_lock held. */
static bool change_cd_locked(VrMachine *m, unsigned index, const char *path, GError **error)
{
    VrDiskConfig *d = cd_drive(m, index);
    if (!d || !m->board_ops->change_cd) {
        g_set_error(error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                    /* Translators: %u counts the machine's disks from 0. */
                    _("Disk %u of the machine is not a CD drive"), index);
        return false;
    }
    g_autofree char *full = path ? g_canonicalize_filename(path, NULL) : NULL;
    if (!m->board_ops->change_cd(m->board, index, full, error))
        return false;
    g_mutex_lock(&m->media_lock);
    g_free(d->path);
    d->path = g_steal_pointer(&full);
    d->eject_on_reboot = false;
    g_mutex_unlock(&m->media_lock);
    return true;
}

bool vr_machine_change_cd(VrMachine *m, unsigned disk_index, const char *path, GError **error)
{
    g_mutex_lock(&m->op_lock);
    bool ok = change_cd_locked(m, disk_index, path, error);
    g_mutex_unlock(&m->op_lock);
    if (ok)
        post_event_for_disk(m, VR_EVENT_MEDIA_CHANGED, NULL, disk_index, false);
    return ok;
}

char *vr_machine_cd_path(VrMachine *m, unsigned disk_index)
{
    g_mutex_lock(&m->media_lock);
    VrDiskConfig *d = cd_drive(m, disk_index);
    char *path = d ? g_strdup(d->path) : NULL;
    g_mutex_unlock(&m->media_lock);
    return path;
}

bool vr_machine_cd_eject_on_reboot(VrMachine *m, unsigned disk_index)
{
    g_mutex_lock(&m->media_lock);
    VrDiskConfig *d = cd_drive(m, disk_index);
    bool eject = d && d->path && d->eject_on_reboot;
    g_mutex_unlock(&m->media_lock);
    return eject;
}

unsigned vr_machine_n_disks(VrMachine *m)
{
    return m->cfg.disks ? m->cfg.disks->len : 0;
}

bool vr_machine_disk_is_cd(VrMachine *m, unsigned disk_index)
{
    return cd_drive(m, disk_index) != NULL;
}

/* by_guest: the guest asked to restart, which is when CD drives eject on reboot. */
static void reset(VrMachine *m, bool by_guest)
{
    vr_machine_hold(m);
    if (vr_machine_get_state(m) == VR_MACHINE_STOPPED) {
        vr_machine_release(m);
        return;
    }
    /* op_lock makes resets one at a time; the count lets tests check it. */
    g_assert(++m->resets_in_progress == 1);
    for (guint i = 0; i < m->devices->len; i++) {
        VrDevice *dev = m->devices->pdata[i];
        if (dev->ops->reset)
            dev->ops->reset(dev);
    }
    for (unsigned i = 0; i < m->n_cpus; i++)
        m->cpus[i]->ops->reset(m->cpus[i]);
    /* An installer restarted the machine: the firmware that runs next boots the installed
     * disk rather than the installer again. */
    g_autoptr(GArray) ejected = g_array_new(FALSE, FALSE, sizeof(unsigned));
    for (unsigned i = 0; by_guest && i < vr_machine_n_disks(m); i++) {
        VrDiskConfig *d = cd_drive(m, i);
        g_autoptr(GError) eject_error = NULL;
        if (!d || !d->path || !d->eject_on_reboot)
            continue;
        if (change_cd_locked(m, i, NULL, &eject_error))
            g_array_append_val(ejected, i);
        else
            g_warning("%s", eject_error->message);
    }
    g_autoptr(GError) error = NULL;
    bool booted = m->board_ops->boot(m, m->board, &error);
    m->resets_in_progress--;
    m->resets_done++;
    /* Posted before the harts run again: a guest that ends at once must not have its end
     * reach the event handler before the news of the reset and the ejected discs. */
    for (guint i = 0; i < ejected->len; i++)
        post_event_for_disk(m, VR_EVENT_MEDIA_CHANGED, NULL, g_array_index(ejected, unsigned, i),
                            true);
    if (booted)
        post_event(m, VR_EVENT_RESET, NULL);
    vr_machine_release(m);
    if (!booted) {
        /* Translators: %s says why, e.g. "kernel /boot/Image is empty". */
        g_autofree char *msg =
            g_strdup_printf(_("The machine could not restart: %s"), error->message);
        vr_machine_report_error(m, msg);
        vr_machine_finish(m, VR_END_STOPPED, 0);
    }
}

void vr_machine_reset(VrMachine *m)
{
    reset(m, false);
}

uint64_t vr_machine_resets(VrMachine *m)
{
    g_mutex_lock(&m->op_lock);
    uint64_t n = m->resets_done;
    g_mutex_unlock(&m->op_lock);
    return n;
}

static gboolean reset_on_io_thread(gpointer data)
{
    reset(data, true);
    return G_SOURCE_REMOVE;
}

void vr_machine_request_reset(VrMachine *m)
{
    g_main_context_invoke(vr_iothread_context(m->io), reset_on_io_thread, m);
}

void vr_machine_power_off(VrMachine *m)
{
    vr_machine_finish(m, VR_END_STOPPED, 0);
}

bool vr_machine_request_shutdown(VrMachine *m, GError **error)
{
    VrMachineState state = vr_machine_get_state(m);
    if (state != VR_MACHINE_RUNNING) {
        g_set_error(error, G_IO_ERROR, G_IO_ERROR_NOT_INITIALIZED,
                    state == VR_MACHINE_PAUSED ? _("The machine is paused: resume it first")
                                               : _("The machine is not running"));
        return false;
    }
    if (!m->board_ops->request_shutdown) {
        g_set_error(error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                    _("This machine has no power button to press"));
        return false;
    }
    return m->board_ops->request_shutdown(m->board, error);
}

VrMachineState vr_machine_get_state(VrMachine *m)
{
    g_mutex_lock(&m->lock);
    VrMachineState s = m->state;
    g_mutex_unlock(&m->lock);
    return s;
}

VrMachineResult vr_machine_get_result(VrMachine *m)
{
    g_mutex_lock(&m->lock);
    VrMachineResult r = m->result;
    g_mutex_unlock(&m->lock);
    return r;
}

bool vr_machine_wait(VrMachine *m, int64_t timeout_us, VrMachineResult *result)
{
    int64_t deadline = timeout_us < 0 ? G_MAXINT64 : g_get_monotonic_time() + timeout_us;
    g_mutex_lock(&m->lock);
    while (m->state != VR_MACHINE_STOPPED) {
        if (!g_cond_wait_until(&m->cond, &m->lock, deadline))
            break;
    }
    bool stopped = m->state == VR_MACHINE_STOPPED;
    if (result)
        *result = m->result;
    g_mutex_unlock(&m->lock);
    return stopped;
}

unsigned vr_machine_n_cpus(VrMachine *m)
{
    return m->n_cpus;
}

VrCpu *vr_machine_cpu(VrMachine *m, unsigned i)
{
    return i < m->n_cpus ? m->cpus[i] : NULL;
}

/* ---- the execution tier ---- */

const char *vr_machine_accel_name(VrMachineAccel accel)
{
    switch (accel) {
    case VR_MACHINE_ACCEL_INTERP: return "interp";
    case VR_MACHINE_ACCEL_JIT: return "jit";
    default: return "default";
    }
}

VrAccel vr_machine_hart_accel(VrMachineAccel accel)
{
    switch (accel) {
    case VR_MACHINE_ACCEL_INTERP: return VR_ACCEL_INTERP;
    case VR_MACHINE_ACCEL_JIT:
        if (!vr_jit_supported()) {
            static gsize said;
            if (g_once_init_enter(&said)) {
                g_printerr("vireo: %s\n",
                           _("the JIT is not available on this host (only on x86-64): "
                             "guest code runs on the interpreter"));
                g_once_init_leave(&said, 1);
            }
        }
        return VR_ACCEL_JIT;
    default: return vr_accel_default();
    }
}

VrMachineAccel vr_machine_get_accel(VrMachine *m)
{
    VrHart *h = vr_machine_hart(m, 0);
    return h && vr_hart_get_accel(h) == VR_ACCEL_JIT ? VR_MACHINE_ACCEL_JIT
                                                     : VR_MACHINE_ACCEL_INTERP;
}

bool vr_machine_set_accel(VrMachine *m, VrMachineAccel accel, GError **error)
{
    if (vr_machine_get_state(m) != VR_MACHINE_CREATED) {
        g_set_error(error, G_IO_ERROR, G_IO_ERROR_BUSY,
                    _("The execution tier is chosen before the machine starts."));
        return false;
    }
    VrAccel hart_accel = vr_machine_hart_accel(accel);
    for (unsigned i = 0; i < m->n_cpus; i++) {
        VrHart *h = vr_machine_hart(m, i);
        if (h)
            vr_hart_set_accel(h, hart_accel);
    }
    m->cfg.accel = accel;
    return true;
}

struct VrHart *vr_machine_hart(VrMachine *m, unsigned i)
{
    VrCpu *cpu = vr_machine_cpu(m, i);
    return cpu && strcmp(cpu->ops->arch, "riscv64") == 0 ? vr_hart_from_cpu(cpu) : NULL;
}

void vr_machine_jit_stats(VrMachine *m, VrMachineJitStats *stats)
{
    memset(stats, 0, sizeof(*stats));
    vr_machine_hold(m);
    for (unsigned i = 0; i < m->n_cpus; i++) {
        VrHart *h = vr_machine_hart(m, i);
        if (!h || vr_hart_get_accel(h) != VR_ACCEL_JIT)
            continue;
        uint64_t compiled, resets;
        size_t size, used;
        vr_hart_jit_stats(h, &compiled, &resets);
        vr_hart_jit_cache_usage(h, &size, &used);
        stats->n_cpus++;
        stats->compiled += compiled;
        stats->resets += resets;
        stats->cache_size += size;
        stats->cache_used += used;
    }
    vr_machine_release(m);
}

bool vr_machine_dump_registers(VrMachine *m, unsigned i, GString *out)
{
    VrCpu *cpu = vr_machine_cpu(m, i);
    if (!cpu)
        return false;
    vr_machine_hold(m);
    cpu->ops->dump_registers(cpu, out);
    vr_machine_release(m);
    return true;
}

/* ---- the screen ---- */

bool vr_machine_has_display(VrMachine *m)
{
    return m->gpu != NULL;
}

VrGpuFrame *vr_machine_get_frame(VrMachine *m)
{
    return m->gpu ? vr_virtio_gpu_get_frame(m->gpu) : NULL;
}

bool vr_machine_set_display_size(VrMachine *m, uint32_t width, uint32_t height)
{
    return m->gpu && vr_virtio_gpu_set_display_size(m->gpu, width, height);
}

const char *vr_machine_renderer_name(VrMachine *m)
{
    return m->gpu ? vr_virtio_gpu_renderer_name(m->gpu) : NULL;
}

const char *vr_machine_renderer_note(VrMachine *m)
{
    return m->gpu ? m->renderer_note : NULL;
}

bool vr_machine_export_frames(VrMachine *m, bool on, uint8_t device_uuid[16],
                              uint8_t driver_uuid[16])
{
    return m->gpu && vr_virtio_gpu_export_frames(m->gpu, on, device_uuid, driver_uuid);
}

bool vr_machine_input_send(VrMachine *m, VrInputDevice device, const VrVirtioInputEvent *events,
                           size_t n)
{
    g_return_val_if_fail(device < VR_INPUT_N, false);
    return m->input[device] && vr_virtio_input_send(m->input[device], events, n);
}
