/* The guest physical address space: RAM regions backed by host memory, and device
 * (MMIO) regions answered by callbacks. */
#ifndef VR_MEMORY_H
#define VR_MEMORY_H

#include <glib.h>
#include <stdbool.h>
#include <stdint.h>

typedef struct VrAddressSpace VrAddressSpace;

/* Device callbacks. size is 1, 2, 4 or 8 and offset is aligned to it. Returning false is
 * a bus error: the guest access faults. */
typedef struct VrMmioOps {
    bool (*read)(void *opaque, uint64_t offset, unsigned size, uint64_t *value);
    bool (*write)(void *opaque, uint64_t offset, unsigned size, uint64_t value);
} VrMmioOps;

/* Called after the guest wrote [paddr, paddr + size) of a watched RAM range. */
typedef void (*VrWriteWatchFn)(void *opaque, uint64_t paddr, unsigned size);

typedef enum {
    VR_REGION_RAM,
    VR_REGION_MMIO,
} VrRegionKind;

typedef struct VrRegion {
    VrRegionKind kind;
    char *name;
    uint64_t base;
    uint64_t size;
    uint8_t *host;        /* RAM only */
    const VrMmioOps *ops; /* MMIO only */
    void *opaque;
} VrRegion;

VrAddressSpace *vr_address_space_new(void);
void vr_address_space_free(VrAddressSpace *as);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(VrAddressSpace, vr_address_space_free)

/* Reserves host memory for [base, base + size); pages are given on first touch. */
bool vr_address_space_add_ram(VrAddressSpace *as, const char *name, uint64_t base, uint64_t size,
                              GError **error);
void vr_address_space_add_mmio(VrAddressSpace *as, const char *name, uint64_t base, uint64_t size,
                               const VrMmioOps *ops, void *opaque);

/* The regions in address order, for walks such as saving RAM. */
unsigned vr_address_space_n_regions(const VrAddressSpace *as);
const VrRegion *vr_address_space_region(const VrAddressSpace *as, unsigned i);

/* The region holding paddr, or NULL. */
const VrRegion *vr_address_space_find(const VrAddressSpace *as, uint64_t paddr);

/* Host pointer to [paddr, paddr + len) when all of it is RAM of one region, else NULL. */
uint8_t *vr_address_space_ram_ptr(const VrAddressSpace *as, uint64_t paddr, uint64_t len);

/* Whole-range copies for loaders and DMA; false when any part is not RAM. */
bool vr_address_space_write_ram(VrAddressSpace *as, uint64_t paddr, const void *buf, uint64_t len);
bool vr_address_space_read_ram(const VrAddressSpace *as, uint64_t paddr, void *buf, uint64_t len);

/* A naturally aligned access of 1, 2, 4 or 8 bytes to RAM or a device, as a CPU makes it;
 * false for a bus error or nothing at paddr. */
bool vr_address_space_load(VrAddressSpace *as, uint64_t paddr, unsigned size, uint64_t *value);
bool vr_address_space_store(VrAddressSpace *as, uint64_t paddr, unsigned size, uint64_t value);

/* Guest writes to [paddr, paddr + size) of RAM call fn afterwards. The CPU's fast paths
 * keep away from any page holding a watch. */
void vr_address_space_watch_writes(VrAddressSpace *as, uint64_t paddr, uint64_t size,
                                   VrWriteWatchFn fn, void *opaque);
/* Whether the 4 KiB page at paddr holds a watched range. */
bool vr_address_space_page_watched(const VrAddressSpace *as, uint64_t paddr);
/* Calls the watchers of a store that landed in RAM. */
void vr_address_space_notify_write(VrAddressSpace *as, uint64_t paddr, unsigned size);

#endif
