/* A machine's whole state in a file, and a machine built back from one.
 *
 * Sections, in this order: "machine" (the configuration, with the size and modification time
 * of every disk), "clock", "cpu<N>" for each CPU, "dev:<name>" for each device that has state,
 * "ram:<name>" for each RAM region. RAM is sparse: only pages the guest touched and that are
 * not all zero are written, in runs. */
#include <errno.h>
#include <gio/gio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "vr-i18n.h"
#include "vr-machine-private.h"
#include "vr-state.h"

/* 2: each disk also says whether it is a CD drive (whose path may be NULL: no disc) and
 * whether it ejects on reboot. Version 1 files are read as they were. 3: the screen. 4: the
 * network (on, restricted, the card's address, the host forwards). 5: sound (on, the
 * backend, its files, the latency, the output and input devices). */
#define MACHINE_SECTION_VERSION 5
#define RAM_PAGE                4096u
#define RAM_RUN_PAGES           256u
#define RAM_END                 UINT64_MAX

/* ---- the configuration ---- */

static void disk_identity(const char *path, uint64_t *size, uint64_t *mtime_ns)
{
    struct stat st;
    if (stat(path, &st) == 0) {
        *size = (uint64_t) st.st_size;
        *mtime_ns = (uint64_t) st.st_mtim.tv_sec * 1000000000ull + (uint64_t) st.st_mtim.tv_nsec;
    } else {
        *size = *mtime_ns = 0;
    }
}

static char *absolute(const char *path)
{
    return path ? g_canonicalize_filename(path, NULL) : NULL;
}

static void save_config(const VrMachineConfig *cfg, VrStateWriter *w)
{
    vr_state_put_u32(w, MACHINE_SECTION_VERSION);
    vr_state_put_string(w, cfg->name);
    vr_state_put_string(w, cfg->arch);
    vr_state_put_string(w, cfg->board);
    vr_state_put_u32(w, cfg->cpus);
    vr_state_put_u64(w, cfg->memory);
    /* "none" and NULL (the default firmware) are not paths. */
    bool bios_path = cfg->bios && strcmp(cfg->bios, "none") != 0;
    g_autofree char *bios = bios_path ? absolute(cfg->bios) : g_strdup(cfg->bios);
    g_autofree char *kernel = absolute(cfg->kernel);
    g_autofree char *initrd = absolute(cfg->initrd);
    vr_state_put_string(w, bios);
    vr_state_put_string(w, kernel);
    vr_state_put_string(w, initrd);
    vr_state_put_string(w, cfg->append);
    vr_state_put_bool(w, cfg->virtio_console);
    unsigned n = cfg->disks ? cfg->disks->len : 0;
    vr_state_put_u32(w, n);
    for (unsigned i = 0; i < n; i++) {
        const VrDiskConfig *d = &g_array_index(cfg->disks, VrDiskConfig, i);
        g_autofree char *path = absolute(d->path);
        if (d->follow_symlink && !d->readonly) {
            /* The restore opens the file the link led to, which needs no permission to follow. */
            char *real = realpath(path, NULL);
            if (real) {
                g_free(path);
                path = g_strdup(real);
                free(real);
            }
        }
        uint64_t size = 0, mtime = 0;
        if (path)
            disk_identity(path, &size, &mtime);
        vr_state_put_string(w, path);
        vr_state_put_bool(w, d->readonly);
        vr_state_put_u64(w, size);
        vr_state_put_u64(w, mtime);
        vr_state_put_bool(w, d->cdrom);
        vr_state_put_bool(w, d->eject_on_reboot);
    }
    vr_state_put_bool(w, cfg->display); /* version 3 */
    /* Version 4: the network, with the address the card had (the guest knows it). */
    vr_state_put_bool(w, cfg->net);
    vr_state_put_bool(w, cfg->net_restricted);
    vr_state_put_string(w, cfg->net_mac);
    unsigned n_forwards = cfg->net_forwards ? cfg->net_forwards->len : 0;
    vr_state_put_u32(w, n_forwards);
    for (unsigned i = 0; i < n_forwards; i++)
        vr_state_put_string(w, cfg->net_forwards->pdata[i]);
    /* Version 5: sound. */
    vr_state_put_bool(w, cfg->sound);
    vr_state_put_u32(w, (uint32_t) cfg->sound_backend);
    g_autofree char *output = absolute(cfg->sound_output);
    g_autofree char *input = absolute(cfg->sound_input);
    vr_state_put_string(w, output);
    vr_state_put_string(w, input);
    vr_state_put_u32(w, cfg->sound_latency_ms);
    vr_state_put_string(w, cfg->sound_output_device);
    vr_state_put_string(w, cfg->sound_input_device);
}

typedef struct {
    uint64_t size, mtime_ns;
} DiskIdentity;

static bool load_config(VrStateReader *r, VrMachineConfig *cfg, GArray *identities)
{
    uint32_t version = vr_state_get_u32(r);
    if (!vr_state_reader_failed(r) && (version < 1 || version > MACHINE_SECTION_VERSION)) {
        vr_state_reader_invalid(r, _("machine description version %u is not known"), version);
        return false;
    }
    g_free(cfg->name);
    cfg->name = vr_state_get_string(r);
    g_free(cfg->arch);
    cfg->arch = vr_state_get_string(r);
    g_free(cfg->board);
    cfg->board = vr_state_get_string(r);
    cfg->cpus = vr_state_get_u32(r);
    cfg->memory = vr_state_get_u64(r);
    g_free(cfg->bios);
    cfg->bios = vr_state_get_string(r);
    g_free(cfg->kernel);
    cfg->kernel = vr_state_get_string(r);
    g_free(cfg->initrd);
    cfg->initrd = vr_state_get_string(r);
    g_free(cfg->append);
    cfg->append = vr_state_get_string(r);
    cfg->virtio_console = vr_state_get_bool(r);
    uint32_t n = vr_state_get_u32(r);
    if (vr_state_reader_failed(r))
        return false;
    if (!cfg->arch) {
        vr_state_reader_invalid(r, "%s", _("it names no architecture"));
        return false;
    }
    if (n > 64) {
        vr_state_reader_invalid(r, _("it names %u disks"), n);
        return false;
    }
    for (uint32_t i = 0; i < n; i++) {
        g_autofree char *path = vr_state_get_string(r);
        bool readonly = vr_state_get_bool(r);
        DiskIdentity id;
        id.size = vr_state_get_u64(r);
        id.mtime_ns = vr_state_get_u64(r);
        bool cdrom = version >= 2 && vr_state_get_bool(r);
        bool eject = version >= 2 && vr_state_get_bool(r);
        if (vr_state_reader_failed(r))
            return false;
        if ((path || !cdrom) && (!path || !g_path_is_absolute(path))) {
            vr_state_reader_invalid(r, _("disk %u has no absolute path"), i);
            return false;
        }
        if (cdrom) {
            vr_machine_config_add_cdrom(cfg, path);
            g_array_index(cfg->disks, VrDiskConfig, cfg->disks->len - 1).eject_on_reboot =
                eject && path;
        } else {
            vr_machine_config_add_disk(cfg, path, readonly);
        }
        g_array_append_val(identities, id);
    }
    cfg->display = version >= 3 && vr_state_get_bool(r);
    if (version >= 4) {
        cfg->net = vr_state_get_bool(r);
        cfg->net_restricted = vr_state_get_bool(r);
        g_free(cfg->net_mac);
        cfg->net_mac = vr_state_get_string(r);
        uint32_t n_forwards = vr_state_get_u32(r);
        if (vr_state_reader_failed(r))
            return false;
        if (n_forwards > 1024) {
            vr_state_reader_invalid(r, _("it names %u port forwards"), n_forwards);
            return false;
        }
        g_ptr_array_set_size(cfg->net_forwards, 0);
        for (uint32_t i = 0; i < n_forwards; i++) {
            char *fwd = vr_state_get_string(r);
            if (!fwd) {
                vr_state_reader_invalid(r, _("port forward %u is missing"), i);
                return false;
            }
            g_ptr_array_add(cfg->net_forwards, fwd);
        }
    }
    if (version >= 5) {
        cfg->sound = vr_state_get_bool(r);
        uint32_t backend = vr_state_get_u32(r);
        g_free(cfg->sound_output);
        cfg->sound_output = vr_state_get_string(r);
        g_free(cfg->sound_input);
        cfg->sound_input = vr_state_get_string(r);
        cfg->sound_latency_ms = vr_state_get_u32(r);
        g_free(cfg->sound_output_device);
        cfg->sound_output_device = vr_state_get_string(r);
        g_free(cfg->sound_input_device);
        cfg->sound_input_device = vr_state_get_string(r);
        if (vr_state_reader_failed(r))
            return false;
        if (backend > VR_SOUND_NULL) {
            vr_state_reader_invalid(r, _("sound backend %u is not known"), backend);
            return false;
        }
        cfg->sound_backend = (VrSoundBackend) backend;
    }
    return !vr_state_reader_failed(r);
}

/* A disk must be the one the guest saw when the state was written: its filesystem is in the
 * saved RAM half-way through its own caches. */
static bool check_disks(const char *state_path, const VrMachineConfig *cfg, GArray *identities,
                        GError **error)
{
    for (guint i = 0; cfg->disks && i < cfg->disks->len; i++) {
        const VrDiskConfig *d = &g_array_index(cfg->disks, VrDiskConfig, i);
        const DiskIdentity *id = &g_array_index(identities, DiskIdentity, i);
        if (!d->path) /* an empty CD drive */
            continue;
        struct stat st;
        if (stat(d->path, &st) != 0) {
            int err = errno;
            g_set_error(error, G_IO_ERROR, g_io_error_from_errno(err),
                        /* Translators: the state file, the disk image, then why. */
                        _("%s: its disk %s cannot be used: %s"), state_path, d->path,
                        g_strerror(err));
            return false;
        }
        uint64_t size, mtime;
        disk_identity(d->path, &size, &mtime);
        if (size != id->size || (!d->readonly && mtime != id->mtime_ns)) {
            g_set_error(error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                        /* Translators: the state file, then a disk image. */
                        _("%s: the disk %s changed after the state was saved; the guest would "
                          "find its file systems damaged, so the state cannot be restored"),
                        state_path, d->path);
            return false;
        }
    }
    return true;
}

/* ---- RAM ---- */

static bool page_is_zero(const uint8_t *p)
{
    const uint64_t *w = (const uint64_t *) p;
    for (unsigned i = 0; i < RAM_PAGE / 8; i += 4)
        if (w[i] | w[i + 1] | w[i + 2] | w[i + 3])
            return false;
    return true;
}

static void save_ram(const VrRegion *region, VrStateWriter *w)
{
    vr_state_put_u64(w, region->base);
    vr_state_put_u64(w, region->size);
    uint64_t pages = region->size / RAM_PAGE;
    /* Which pages the host ever gave the guest: the rest are zero and cost nothing. */
    const uint64_t chunk = 16384; /* pages per mincore call */
    g_autofree unsigned char *resident = g_malloc(chunk);
    uint64_t run_start = 0, run_len = 0;
    for (uint64_t first = 0; first < pages; first += chunk) {
        uint64_t n = MIN(chunk, pages - first);
        if (mincore(region->host + first * RAM_PAGE, n * RAM_PAGE, resident) != 0)
            memset(resident, 1, n);
        for (uint64_t i = 0; i < n; i++) {
            uint64_t page = first + i;
            bool data = (resident[i] & 1) && !page_is_zero(region->host + page * RAM_PAGE);
            if (data && run_len && run_start + run_len == page && run_len < RAM_RUN_PAGES) {
                run_len++;
                continue;
            }
            if (run_len) {
                vr_state_put_u64(w, run_start);
                vr_state_put_u32(w, (uint32_t) run_len);
                vr_state_put_bytes(w, region->host + run_start * RAM_PAGE, run_len * RAM_PAGE);
                run_len = 0;
            }
            if (data) {
                run_start = page;
                run_len = 1;
            }
        }
    }
    if (run_len) {
        vr_state_put_u64(w, run_start);
        vr_state_put_u32(w, (uint32_t) run_len);
        vr_state_put_bytes(w, region->host + run_start * RAM_PAGE, run_len * RAM_PAGE);
    }
    vr_state_put_u64(w, RAM_END);
    vr_state_put_u32(w, 0);
}

static bool load_ram(const VrRegion *region, VrStateReader *r)
{
    uint64_t base = vr_state_get_u64(r), size = vr_state_get_u64(r);
    if (vr_state_reader_failed(r))
        return false;
    if (base != region->base || size != region->size) {
        vr_state_reader_invalid(
            r, _("it holds 0x%llx bytes at 0x%llx, but the machine has 0x%llx at 0x%llx"),
            (unsigned long long) size, (unsigned long long) base, (unsigned long long) region->size,
            (unsigned long long) region->base);
        return false;
    }
    uint64_t pages = size / RAM_PAGE, next = 0;
    for (;;) {
        uint64_t first = vr_state_get_u64(r);
        uint32_t n = vr_state_get_u32(r);
        if (vr_state_reader_failed(r))
            return false;
        if (first == RAM_END && n == 0)
            return true;
        if (n == 0 || n > RAM_RUN_PAGES || first < next || first > pages || n > pages - first) {
            vr_state_reader_invalid(r, _("a run of %u pages at page %llu does not fit the RAM"), n,
                                    (unsigned long long) first);
            return false;
        }
        const uint8_t *data = vr_state_get_ptr(r, (size_t) n * RAM_PAGE);
        if (!data)
            return false;
        memcpy(region->host + first * RAM_PAGE, data, (size_t) n * RAM_PAGE);
        next = first + n;
    }
}

static char *ram_section_name(const VrRegion *region)
{
    return g_strdup_printf("ram:%s", region->name);
}

/* ---- saving ---- */

bool vr_machine_save_state(VrMachine *m, const char *path, GError **error)
{
    VrStateWriter *w = vr_state_writer_new(path, error);
    if (!w)
        return false;

    vr_machine_hold(m);
    if (vr_machine_get_state(m) == VR_MACHINE_STOPPED) {
        vr_machine_release(m);
        vr_state_writer_abort(w);
        g_set_error(error, G_IO_ERROR, G_IO_ERROR_CLOSED, "%s",
                    _("the machine is off; there is no state to save"));
        return false;
    }
    if (!m->devices_quiesced) {
        for (guint i = 0; i < m->devices->len; i++) {
            VrDevice *dev = m->devices->pdata[i];
            if (dev->ops->quiesce)
                dev->ops->quiesce(dev);
        }
        m->devices_quiesced = true;
    }
    /* The guest's time stands still while it is written down. */
    bool clock_running = m->clock.paused_at < 0;
    if (clock_running)
        vr_clock_pause(&m->clock);

    vr_state_begin_section(w, "machine");
    save_config(&m->cfg, w);
    vr_state_end_section(w);

    vr_state_begin_section(w, "clock");
    vr_state_put_u64(w, (uint64_t) vr_clock_ns(&m->clock));
    vr_state_end_section(w);

    for (unsigned i = 0; i < m->n_cpus; i++) {
        g_autofree char *name = g_strdup_printf("cpu%u", i);
        vr_state_begin_section(w, name);
        m->cpus[i]->ops->save(m->cpus[i], w);
        vr_state_end_section(w);
    }
    for (guint i = 0; i < m->devices->len; i++) {
        VrDevice *dev = m->devices->pdata[i];
        if (!dev->ops->save)
            continue;
        g_autofree char *name = g_strdup_printf("dev:%s", dev->name);
        vr_state_begin_section(w, name);
        dev->ops->save(dev, w);
        vr_state_end_section(w);
    }
    for (unsigned i = 0; i < vr_address_space_n_regions(m->as); i++) {
        const VrRegion *region = vr_address_space_region(m->as, i);
        if (region->kind != VR_REGION_RAM)
            continue;
        g_autofree char *name = ram_section_name(region);
        vr_state_begin_section(w, name);
        save_ram(region, w);
        vr_state_end_section(w);
    }

    /* A paused machine's devices stay still until it resumes: the state may be all that is
     * left of it (save and quit), and the disks must stay as the state describes them. */
    if (vr_machine_get_state(m) != VR_MACHINE_PAUSED)
        vr_machine_unquiesce_devices(m);
    if (clock_running)
        vr_clock_resume(&m->clock);
    vr_machine_release(m);
    return vr_state_writer_finish(w, error);
}

/* ---- restoring ---- */

bool vr_machine_state_read_config(const char *path, VrMachineConfig *cfg, GError **error)
{
    g_autoptr(VrStateFile) f = vr_state_file_open(path, error);
    if (!f)
        return false;
    g_autoptr(VrStateReader) r = vr_state_file_find(f, "machine");
    if (!r || vr_state_file_section_name(f, 0) != vr_state_reader_section(r)) {
        g_set_error(error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                    _("%s is not a usable state file: %s"), path,
                    _("it does not start with a machine description"));
        return false;
    }
    g_autoptr(GArray) ids = g_array_new(FALSE, FALSE, sizeof(DiskIdentity));
    load_config(r, cfg, ids);
    return vr_state_reader_check(r, error);
}

static VrDevice *find_device(VrMachine *m, const char *name)
{
    for (guint i = 0; i < m->devices->len; i++) {
        VrDevice *dev = m->devices->pdata[i];
        if (strcmp(dev->name, name) == 0)
            return dev;
    }
    return NULL;
}

static bool missing(GError **error, const char *path, const char *what)
{
    g_set_error(error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, _("%s is not a usable state file: %s"),
                path, what);
    return false;
}

static bool restore_sections(VrMachine *m, VrStateFile *f, GError **error)
{
    const char *path = vr_state_file_path(f);
    g_autofree bool *cpu_done = g_new0(bool, m->n_cpus);
    g_autoptr(GHashTable) done = g_hash_table_new(g_str_hash, g_str_equal);
    bool clock_done = false;
    for (unsigned i = 1; i < vr_state_file_n_sections(f); i++) {
        g_autoptr(VrStateReader) r = vr_state_file_reader(f, i);
        const char *name = vr_state_reader_section(r);
        if (g_hash_table_contains(done, name)) {
            g_autofree char *what = g_strdup_printf(_("section '%s' appears twice"), name);
            return missing(error, path, what);
        }
        g_hash_table_add(done, (gpointer) name);
        guint64 index;
        if (strcmp(name, "clock") == 0) {
            int64_t ns = (int64_t) vr_state_get_u64(r);
            if (!vr_state_reader_failed(r) && ns < 0)
                vr_state_reader_invalid(r, "%s", _("the time is negative"));
            if (!vr_state_reader_failed(r))
                vr_clock_set_paused(&m->clock, ns);
            clock_done = true;
        } else if (g_str_has_prefix(name, "cpu") &&
                   g_ascii_string_to_unsigned(name + 3, 10, 0, m->n_cpus - 1, &index, NULL)) {
            m->cpus[index]->ops->load(m->cpus[index], r);
            cpu_done[index] = true;
        } else if (g_str_has_prefix(name, "dev:") && find_device(m, name + 4)) {
            VrDevice *dev = find_device(m, name + 4);
            if (!dev->ops->load)
                vr_state_reader_invalid(r, "%s", _("this device keeps no state"));
            else
                dev->ops->load(dev, r);
        } else if (g_str_has_prefix(name, "ram:")) {
            const VrRegion *region = NULL;
            for (unsigned k = 0; k < vr_address_space_n_regions(m->as); k++) {
                const VrRegion *cand = vr_address_space_region(m->as, k);
                if (cand->kind == VR_REGION_RAM && strcmp(cand->name, name + 4) == 0)
                    region = cand;
            }
            if (!region)
                vr_state_reader_invalid(r, "%s", _("the machine has no such memory"));
            else
                load_ram(region, r);
        } else {
            g_autofree char *what =
                g_strdup_printf(_("section '%s' belongs to nothing this machine has"), name);
            return missing(error, path, what);
        }
        if (!vr_state_reader_check(r, error))
            return false;
    }
    if (!clock_done)
        return missing(error, path, _("it holds no clock"));
    for (unsigned i = 0; i < m->n_cpus; i++) {
        if (!cpu_done[i]) {
            g_autofree char *what = g_strdup_printf(_("it holds no state for CPU %u"), i);
            return missing(error, path, what);
        }
    }
    for (guint i = 0; i < m->devices->len; i++) {
        VrDevice *dev = m->devices->pdata[i];
        g_autofree char *name = g_strdup_printf("dev:%s", dev->name);
        if (dev->ops->load && !dev->optional_in_state && !g_hash_table_contains(done, name)) {
            g_autofree char *what =
                g_strdup_printf(_("it holds no state for the device %s"), dev->name);
            return missing(error, path, what);
        }
    }
    return true;
}

VrMachine *vr_machine_new_from_state(const char *path, GError **error)
{
    g_autoptr(VrStateFile) f = vr_state_file_open(path, error);
    if (!f)
        return NULL;
    g_autoptr(VrStateReader) r = vr_state_file_reader(f, 0);
    if (!r || strcmp(vr_state_reader_section(r), "machine") != 0) {
        missing(error, path, _("it does not start with a machine description"));
        return NULL;
    }
    VrMachineConfig cfg;
    vr_machine_config_init(&cfg);
    g_autoptr(GArray) ids = g_array_new(FALSE, FALSE, sizeof(DiskIdentity));
    load_config(r, &cfg, ids);
    if (!vr_state_reader_check(r, error) || !check_disks(path, &cfg, ids, error)) {
        vr_machine_config_clear(&cfg);
        return NULL;
    }
    g_autoptr(GError) local = NULL;
    g_autoptr(VrMachine) m = vr_machine_new_unbooted(&cfg, &local);
    vr_machine_config_clear(&cfg);
    if (!m) {
        /* Translators: the state file, then why its machine cannot be built. */
        g_set_error(error, local->domain, local->code, _("%s: %s"), path, local->message);
        return NULL;
    }
    if (!restore_sections(m, f, error))
        return NULL;
    /* Devices come out of their load as they were saved, quiesced; with guest RAM back they
     * may look at their rings again. */
    for (guint i = 0; i < m->devices->len; i++) {
        VrDevice *dev = m->devices->pdata[i];
        if (dev->ops->unquiesce)
            dev->ops->unquiesce(dev);
    }
    return g_steal_pointer(&m);
}
