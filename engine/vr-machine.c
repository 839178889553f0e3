/* Machine lifecycle: building the board, one thread per hart, pause, resume, power off. */
#include <gio/gio.h>
#include <string.h>

#include "riscv/hart.h"
#include "vr-machine-private.h"

/* Instructions a hart runs between looks at the machine's state. */
#define HART_SLICE (1u << 20)

void vr_machine_config_init(VrMachineConfig *cfg)
{
    memset(cfg, 0, sizeof(*cfg));
    cfg->arch = g_strdup("riscv64");
    cfg->cpus = 1;
    cfg->memory = 512ull << 20;
}

void vr_machine_config_clear(VrMachineConfig *cfg)
{
    g_clear_pointer(&cfg->arch, g_free);
    g_clear_pointer(&cfg->bios, g_free);
    g_clear_pointer(&cfg->kernel, g_free);
    g_clear_pointer(&cfg->initrd, g_free);
    g_clear_pointer(&cfg->append, g_free);
}

static void config_copy(VrMachineConfig *dst, const VrMachineConfig *src)
{
    *dst = *src;
    dst->arch = g_strdup(src->arch);
    dst->bios = g_strdup(src->bios);
    dst->kernel = g_strdup(src->kernel);
    dst->initrd = g_strdup(src->initrd);
    dst->append = g_strdup(src->append);
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
                "'%s' is not a memory size (expected a number with K, M, G or T, e.g. 512M)",
                text ? text : "");
    return false;
}

VrMachine *vr_machine_new(const VrMachineConfig *cfg, GError **error)
{
    if (g_strcmp0(cfg->arch, "riscv64") != 0) {
        g_set_error(error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                    "architecture '%s' is not supported (supported: riscv64)",
                    cfg->arch ? cfg->arch : "");
        return NULL;
    }
    g_autoptr(VrMachine) m = g_new0(VrMachine, 1);
    config_copy(&m->cfg, cfg);
    g_mutex_init(&m->lock);
    g_cond_init(&m->cond);
    m->state = VR_MACHINE_CREATED;
    vr_clock_init(&m->clock);
    vr_clock_pause(&m->clock);
    m->as = vr_address_space_new();
    if (!vr_riscv64_virt_build(m, error))
        return NULL;
    return g_steal_pointer(&m);
}

void vr_machine_free(VrMachine *m)
{
    if (!m)
        return;
    vr_machine_power_off(m);
    if (m->threads) {
        for (unsigned i = 0; i < m->n_harts; i++)
            if (m->threads[i])
                g_thread_join(m->threads[i]);
        g_free(m->threads);
    }
    if (m->board_free)
        m->board_free(m->board);
    for (unsigned i = 0; i < m->n_harts; i++)
        vr_hart_free(m->harts[i]);
    g_free(m->harts);
    vr_address_space_free(m->as);
    vr_machine_config_clear(&m->cfg);
    g_mutex_clear(&m->lock);
    g_cond_clear(&m->cond);
    g_free(m);
}

void vr_machine_set_console(VrMachine *m, VrConsoleFn fn, void *opaque)
{
    m->console = fn;
    m->console_opaque = opaque;
}

void vr_machine_console_output(VrMachine *m, const uint8_t *data, size_t len)
{
    if (m->console)
        m->console(m->console_opaque, data, len);
}

size_t vr_machine_console_input(VrMachine *m, const uint8_t *data, size_t len)
{
    return m->console_input ? m->console_input(m->board, data, len) : 0;
}

static void kick_all(VrMachine *m)
{
    for (unsigned i = 0; i < m->n_harts; i++)
        vr_hart_kick(m->harts[i]);
}

void vr_machine_finish(VrMachine *m, VrEnd end, unsigned code)
{
    g_mutex_lock(&m->lock);
    if (m->result.end == VR_END_NONE) {
        m->result.end = end;
        m->result.code = code;
    }
    if (m->state != VR_MACHINE_STOPPED)
        m->state = VR_MACHINE_STOPPED;
    g_cond_broadcast(&m->cond);
    g_mutex_unlock(&m->lock);
    kick_all(m);
}

typedef struct {
    VrMachine *m;
    unsigned index;
} HartThreadArg;

static gpointer hart_thread(gpointer data)
{
    HartThreadArg *arg = data;
    VrMachine *m = arg->m;
    VrHart *h = m->harts[arg->index];
    g_free(arg);

    for (;;) {
        g_mutex_lock(&m->lock);
        while (m->state == VR_MACHINE_PAUSED)
            g_cond_wait(&m->cond, &m->lock);
        bool stop = m->state == VR_MACHINE_STOPPED;
        g_mutex_unlock(&m->lock);
        if (stop)
            break;
        VrRunResult r = vr_hart_run(h, HART_SLICE);
        if (r == VR_RUN_WFI)
            vr_hart_wait_for_interrupt(h, vr_host_ns() + 1000000000);
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
        g_set_error(error, G_IO_ERROR, G_IO_ERROR_BUSY, "the machine was already started");
        return false;
    }
    m->state = VR_MACHINE_RUNNING;
    m->threads = g_new0(GThread *, m->n_harts);
    vr_clock_resume(&m->clock);
    for (unsigned i = 0; i < m->n_harts; i++) {
        HartThreadArg *arg = g_new(HartThreadArg, 1);
        arg->m = m;
        arg->index = i;
        g_autofree char *name = g_strdup_printf("vireo-hart%u", i);
        m->threads[i] = g_thread_new(name, hart_thread, arg);
        m->running_threads++;
    }
    g_mutex_unlock(&m->lock);
    return true;
}

void vr_machine_pause(VrMachine *m)
{
    g_mutex_lock(&m->lock);
    if (m->state == VR_MACHINE_RUNNING) {
        m->state = VR_MACHINE_PAUSED;
        vr_clock_pause(&m->clock);
    }
    g_mutex_unlock(&m->lock);
    kick_all(m);
}

void vr_machine_resume(VrMachine *m)
{
    g_mutex_lock(&m->lock);
    if (m->state == VR_MACHINE_PAUSED) {
        m->state = VR_MACHINE_RUNNING;
        vr_clock_resume(&m->clock);
        g_cond_broadcast(&m->cond);
    }
    g_mutex_unlock(&m->lock);
}

void vr_machine_power_off(VrMachine *m)
{
    vr_machine_finish(m, VR_END_STOPPED, 0);
}

VrMachineState vr_machine_get_state(VrMachine *m)
{
    g_mutex_lock(&m->lock);
    VrMachineState s = m->state;
    g_mutex_unlock(&m->lock);
    return s;
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

unsigned vr_machine_n_harts(VrMachine *m)
{
    return m->n_harts;
}

struct VrHart *vr_machine_hart(VrMachine *m, unsigned i)
{
    return i < m->n_harts ? m->harts[i] : NULL;
}
