/* Page-table builder for the virtual-memory tests (see vm.h). */
#include "vm.h"

static uint64_t pool[VM_POOL_PAGES][512] __attribute__((aligned(4096)));
static int pool_next;

void *vm_alloc_page(void)
{
    if (pool_next >= VM_POOL_PAGES) {
        rt_puts("vm: page pool exhausted\n");
        rt_exit(999);
    }
    uint64_t *p = pool[pool_next++];
    rt_memset(p, 0, VM_PAGE);
    return p;
}

void vm_pool_reset(void)
{
    pool_next = 0;
}

void vm_init(vm_space *vm, int levels)
{
    vm->levels = levels;
    vm->root = vm_alloc_page();
}

static unsigned vpn(uint64_t va, int level)
{
    return (unsigned) ((va >> (12 + 9 * level)) & 511);
}

uint64_t *vm_pte(vm_space *vm, uint64_t va, int level)
{
    uint64_t *table = vm->root;
    for (int l = vm->levels - 1; l > level; l--) {
        uint64_t pte = table[vpn(va, l)];
        if (!(pte & PTE_V) || (pte & (PTE_R | PTE_W | PTE_X)))
            return 0;
        table = (uint64_t *) vm_pte_pa(pte);
    }
    return &table[vpn(va, level)];
}

uint64_t *vm_map(vm_space *vm, uint64_t va, uint64_t pa, int level, uint64_t flags)
{
    uint64_t *table = vm->root;
    for (int l = vm->levels - 1; l > level; l--) {
        uint64_t *pte = &table[vpn(va, l)];
        if (!(*pte & PTE_V) || (*pte & (PTE_R | PTE_W | PTE_X)))
            *pte = vm_make_pte((uint64_t) vm_alloc_page(), PTE_V);
        table = (uint64_t *) vm_pte_pa(*pte);
    }
    uint64_t *leaf = &table[vpn(va, level)];
    *leaf = vm_make_pte(pa, flags);
    __asm__ volatile("fence rw, rw" ::: "memory");
    return leaf;
}

void vm_identity(vm_space *vm, uint64_t ram_flags)
{
    if ((uint64_t) _end > VM_IDENTITY_BASE + VM_IDENTITY_SIZE) {
        rt_puts("vm: test image larger than the identity map\n");
        rt_exit(998);
    }
    for (uint64_t a = VM_IDENTITY_BASE; a < VM_IDENTITY_BASE + VM_IDENTITY_SIZE; a += VM_PAGE)
        vm_map(vm, a, a, 0, ram_flags);
    uint64_t dev = (ram_flags & PTE_U) | PTE_V | PTE_R | PTE_W | PTE_A | PTE_D;
    vm_map(vm, RT_UART_BASE, RT_UART_BASE, 0, dev);
    vm_map(vm, RT_FINISHER_BASE, RT_FINISHER_BASE, 0, dev);
    vm_map(vm, RT_CLINT_BASE, RT_CLINT_BASE, 0, dev);
    vm_map(vm, RT_CLINT_BASE + 0x4000, RT_CLINT_BASE + 0x4000, 0, dev);
    vm_map(vm, RT_CLINT_BASE + 0xb000, RT_CLINT_BASE + 0xb000, 0, dev);
}

uint64_t vm_satp(const vm_space *vm, uint64_t asid)
{
    uint64_t mode = vm->levels == 3   ? SATP_MODE_SV39
                    : vm->levels == 4 ? SATP_MODE_SV48
                                      : SATP_MODE_SV57;
    return mode | ((asid & 0xffff) << 44) | ((uint64_t) vm->root >> 12);
}
