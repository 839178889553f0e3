/* Page-table builder for the virtual-memory tests: Sv39, Sv48 and Sv57 tables made of
 * pages from a static pool of aligned pages. */
#ifndef PRIV_VM_H
#define PRIV_VM_H

#include "priv.h"

#define VM_PAGE       4096UL
#define VM_POOL_PAGES 96

/* Physical RAM identity-mapped by vm_identity(), in 4 KiB pages (the test image lies
 * inside it). */
#define VM_IDENTITY_BASE 0x80000000UL
#define VM_IDENTITY_SIZE 0x200000UL

/* Flags for ordinary kernel (S-mode) and user (U-mode) pages. */
#define VM_KERNEL (PTE_V | PTE_R | PTE_W | PTE_X | PTE_A | PTE_D)
#define VM_USER   (VM_KERNEL | PTE_U)

typedef struct vm_space {
    uint64_t *root;
    int levels; /* 3: Sv39, 4: Sv48, 5: Sv57 */
} vm_space;

/* A zeroed page from the pool (the test fails with check 999 when it runs out). */
void *vm_alloc_page(void);
/* Give every pool page back (tables built before become invalid). */
void vm_pool_reset(void);

void vm_init(vm_space *vm, int levels);
/* Map va to pa with a leaf at `level` (0: 4 KiB, 1: 2 MiB, 2: 1 GiB, 3: 512 GiB, ...),
 * creating the tables above it. Returns the leaf PTE. */
uint64_t *vm_map(vm_space *vm, uint64_t va, uint64_t pa, int level, uint64_t flags);
/* The PTE that maps va at `level`, or 0 when a table above it is missing. */
uint64_t *vm_pte(vm_space *vm, uint64_t va, int level);
/* Identity-map the test's RAM and the board's devices (UART, CLINT, finisher) with the
 * given leaf flags for RAM (devices get the same U bit, no X). */
void vm_identity(vm_space *vm, uint64_t ram_flags);
/* satp value for this space. */
uint64_t vm_satp(const vm_space *vm, uint64_t asid);
/* A PTE's value for pa with flags. */
static inline uint64_t vm_make_pte(uint64_t pa, uint64_t flags)
{
    return ((pa >> 12) << 10) | flags;
}
static inline uint64_t vm_pte_pa(uint64_t pte)
{
    return ((pte >> 10) & ((1UL << 44) - 1)) << 12;
}
/* Turn translation on for S/U mode (and flush). */
static inline void vm_activate(const vm_space *vm, uint64_t asid)
{
    write_csr(satp, vm_satp(vm, asid));
    sfence_all();
}
static inline void vm_deactivate(void)
{
    write_csr(satp, 0);
    sfence_all();
}

#endif
