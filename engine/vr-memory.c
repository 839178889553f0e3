/* The guest physical address space. */
#include "vr-memory.h"

#include "vr-i18n.h"

#include <errno.h>
#include <gio/gio.h>
#include <string.h>
#include <sys/mman.h>

typedef struct {
    uint64_t paddr;
    uint64_t size;
    VrWriteWatchFn fn;
    void *opaque;
} VrWatch;

struct VrAddressSpace {
    GArray *regions; /* VrRegion, sorted by base, not overlapping */
    GArray *watches; /* VrWatch */
};

VrAddressSpace *vr_address_space_new(void)
{
    VrAddressSpace *as = g_new0(VrAddressSpace, 1);
    as->regions = g_array_new(FALSE, TRUE, sizeof(VrRegion));
    as->watches = g_array_new(FALSE, TRUE, sizeof(VrWatch));
    return as;
}

void vr_address_space_free(VrAddressSpace *as)
{
    if (!as)
        return;
    for (guint i = 0; i < as->regions->len; i++) {
        VrRegion *r = &g_array_index(as->regions, VrRegion, i);
        if (r->kind == VR_REGION_RAM)
            munmap(r->host, r->size);
        g_free(r->name);
    }
    g_array_unref(as->regions);
    g_array_unref(as->watches);
    g_free(as);
}

static bool overlaps(const VrAddressSpace *as, uint64_t base, uint64_t size, const char **who)
{
    for (guint i = 0; i < as->regions->len; i++) {
        const VrRegion *r = &g_array_index(as->regions, VrRegion, i);
        if (base < r->base + r->size && r->base < base + size) {
            *who = r->name;
            return true;
        }
    }
    return false;
}

static void insert_sorted(VrAddressSpace *as, const VrRegion *nr)
{
    guint i = 0;
    while (i < as->regions->len && g_array_index(as->regions, VrRegion, i).base < nr->base)
        i++;
    g_array_insert_val(as->regions, i, *nr);
}

bool vr_address_space_add_ram(VrAddressSpace *as, const char *name, uint64_t base, uint64_t size,
                              GError **error)
{
    const char *who = NULL;
    if (size == 0 || base + size < base) {
        g_set_error(error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                    /* Translators: %s names a part of the guest's memory map, e.g. "ram". */
                    _("RAM region %s: size 0x%llx at 0x%llx is not a valid range"), name,
                    (unsigned long long) size, (unsigned long long) base);
        return false;
    }
    if (overlaps(as, base, size, &who)) {
        /* Translators: both %s name parts of the guest's memory map, e.g. "ram" or "uart". */
        g_set_error(error, G_IO_ERROR, G_IO_ERROR_EXISTS, _("RAM region %s overlaps region %s"),
                    name, who);
        return false;
    }
    void *host = mmap(NULL, size, PROT_READ | PROT_WRITE,
                      MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (host == MAP_FAILED) {
        g_set_error(error, G_IO_ERROR, g_io_error_from_errno(errno),
                    _("Cannot reserve %llu MiB of host memory for guest RAM: %s"),
                    (unsigned long long) (size >> 20), g_strerror(errno));
        return false;
    }
    madvise(host, size, MADV_HUGEPAGE);
    VrRegion r = {
        .kind = VR_REGION_RAM,
        .name = g_strdup(name),
        .base = base,
        .size = size,
        .host = host,
    };
    insert_sorted(as, &r);
    return true;
}

void vr_address_space_add_mmio(VrAddressSpace *as, const char *name, uint64_t base, uint64_t size,
                               const VrMmioOps *ops, void *opaque)
{
    const char *who = NULL;
    if (overlaps(as, base, size, &who))
        g_error("device %s overlaps region %s", name, who);
    VrRegion r = {
        .kind = VR_REGION_MMIO,
        .name = g_strdup(name),
        .base = base,
        .size = size,
        .ops = ops,
        .opaque = opaque,
    };
    insert_sorted(as, &r);
}

unsigned vr_address_space_n_regions(const VrAddressSpace *as)
{
    return as->regions->len;
}

const VrRegion *vr_address_space_region(const VrAddressSpace *as, unsigned i)
{
    return i < as->regions->len ? &g_array_index(as->regions, VrRegion, i) : NULL;
}

const VrRegion *vr_address_space_find(const VrAddressSpace *as, uint64_t paddr)
{
    guint lo = 0, hi = as->regions->len;
    while (lo < hi) {
        guint mid = (lo + hi) / 2;
        const VrRegion *r = &g_array_index(as->regions, VrRegion, mid);
        if (paddr < r->base)
            hi = mid;
        else if (paddr - r->base >= r->size)
            lo = mid + 1;
        else
            return r;
    }
    return NULL;
}

uint8_t *vr_address_space_ram_ptr(const VrAddressSpace *as, uint64_t paddr, uint64_t len)
{
    const VrRegion *r = vr_address_space_find(as, paddr);
    if (!r || r->kind != VR_REGION_RAM)
        return NULL;
    uint64_t off = paddr - r->base;
    if (len > r->size - off)
        return NULL;
    return r->host + off;
}

bool vr_address_space_write_ram(VrAddressSpace *as, uint64_t paddr, const void *buf, uint64_t len)
{
    uint8_t *p = vr_address_space_ram_ptr(as, paddr, len);
    if (!p)
        return false;
    memcpy(p, buf, len);
    return true;
}

bool vr_address_space_read_ram(const VrAddressSpace *as, uint64_t paddr, void *buf, uint64_t len)
{
    const uint8_t *p = vr_address_space_ram_ptr(as, paddr, len);
    if (!p)
        return false;
    memcpy(buf, p, len);
    return true;
}

bool vr_address_space_load(VrAddressSpace *as, uint64_t paddr, unsigned size, uint64_t *value)
{
    const VrRegion *r = vr_address_space_find(as, paddr);
    if (!r || paddr - r->base > r->size - size)
        return false;
    uint64_t off = paddr - r->base;
    if (r->kind == VR_REGION_MMIO)
        return r->ops->read(r->opaque, off, size, value);
    const uint8_t *p = r->host + off;
    switch (size) {
    case 1: *value = *p; break;
    case 2: *value = __atomic_load_n((const uint16_t *) p, __ATOMIC_RELAXED); break;
    case 4: *value = __atomic_load_n((const uint32_t *) p, __ATOMIC_RELAXED); break;
    default: *value = __atomic_load_n((const uint64_t *) p, __ATOMIC_RELAXED); break;
    }
    return true;
}

bool vr_address_space_store(VrAddressSpace *as, uint64_t paddr, unsigned size, uint64_t value)
{
    const VrRegion *r = vr_address_space_find(as, paddr);
    if (!r || paddr - r->base > r->size - size)
        return false;
    uint64_t off = paddr - r->base;
    if (r->kind == VR_REGION_MMIO)
        return r->ops->write(r->opaque, off, size, value);
    uint8_t *p = r->host + off;
    switch (size) {
    case 1: *p = (uint8_t) value; break;
    case 2: __atomic_store_n((uint16_t *) p, (uint16_t) value, __ATOMIC_RELAXED); break;
    case 4: __atomic_store_n((uint32_t *) p, (uint32_t) value, __ATOMIC_RELAXED); break;
    default: __atomic_store_n((uint64_t *) p, value, __ATOMIC_RELAXED); break;
    }
    vr_address_space_notify_write(as, paddr, size);
    return true;
}

void vr_address_space_watch_writes(VrAddressSpace *as, uint64_t paddr, uint64_t size,
                                   VrWriteWatchFn fn, void *opaque)
{
    VrWatch w = {.paddr = paddr, .size = size, .fn = fn, .opaque = opaque};
    g_array_append_val(as->watches, w);
}

bool vr_address_space_page_watched(const VrAddressSpace *as, uint64_t paddr)
{
    uint64_t page = paddr & ~(uint64_t) 0xfff;
    for (guint i = 0; i < as->watches->len; i++) {
        const VrWatch *w = &g_array_index(as->watches, VrWatch, i);
        if (w->paddr < page + 0x1000 && page < w->paddr + w->size)
            return true;
    }
    return false;
}

void vr_address_space_notify_write(VrAddressSpace *as, uint64_t paddr, unsigned size)
{
    for (guint i = 0; i < as->watches->len; i++) {
        const VrWatch *w = &g_array_index(as->watches, VrWatch, i);
        if (w->paddr < paddr + size && paddr < w->paddr + w->size)
            w->fn(w->opaque, paddr, size);
    }
}
