/* Address translation (Sv39/Sv48/Sv57), PMP, the software TLB and the slow paths of
 * memory access. */
#include <string.h>

#include "hart.h"

#define PHYS_ADDR_BITS 56

static inline unsigned mmu_idx_priv(unsigned idx)
{
    switch (idx) {
    case VR_MMU_U: return VR_PRV_U;
    case VR_MMU_S:
    case VR_MMU_S_SUM: return VR_PRV_S;
    default: return VR_PRV_M;
    }
}

#define SATP_ASID(satp) ((unsigned) ((satp) >> 44) & 0xffff)

static void tlb_set_flush(VrTlbSet *s)
{
    if (s->filled)
        memset(s->tlb, 0xff, sizeof(s->tlb));
    s->filled = false;
    s->superpage_lo = UINT64_MAX;
    s->superpage_hi = 0;
}

/* Selects the set of h->satp: the one already tagged with it, or the least recently used
 * one, emptied and tagged anew. */
static void tlb_select(VrHart *h)
{
    VrTlbSet *pick = &h->tlb_sets[0];
    for (unsigned i = 0; i < VR_TLB_SETS; i++) {
        VrTlbSet *s = &h->tlb_sets[i];
        if (s->satp == h->satp) {
            pick = s;
            goto found;
        }
        if (s->last_used < pick->last_used)
            pick = s;
    }
    tlb_set_flush(pick);
    pick->satp = h->satp;
found:
    pick->last_used = ++h->tlb_switches;
    h->tlb_set = pick;
}

void vr_tlb_init(VrHart *h)
{
    memset(&h->tlb_m, 0xff, sizeof(h->tlb_m));
    for (unsigned i = 0; i < VR_TLB_SETS; i++) {
        VrTlbSet *s = &h->tlb_sets[i];
        s->filled = true;
        tlb_set_flush(s);
        s->satp = VR_TLB_NO_SATP;
        s->last_used = 0;
    }
    h->tlb_set = NULL;
    h->tlb_switches = 0;
}

void vr_hart_update_mmu_idx(VrHart *h)
{
    if (unlikely(!h->tlb_set || h->tlb_set->satp != h->satp))
        tlb_select(h);
    unsigned p = h->priv;
    h->mmu_fetch = p == VR_PRV_M ? VR_MMU_M : p == VR_PRV_S ? VR_MMU_S : VR_MMU_U;
    unsigned dp = p;
    if (p == VR_PRV_M && (h->mstatus & MSTATUS_MPRV))
        dp = (unsigned) ((h->mstatus & MSTATUS_MPP) >> MSTATUS_MPP_SHIFT);
    if (dp == VR_PRV_M)
        h->mmu_data = VR_MMU_M;
    else if (dp == VR_PRV_S)
        h->mmu_data = (h->mstatus & MSTATUS_SUM) ? VR_MMU_S_SUM : VR_MMU_S;
    else
        h->mmu_data = VR_MMU_U;
    h->tlb_data = vr_tlb_of(h, h->mmu_data);
    h->tlb_fetch = vr_tlb_of(h, h->mmu_fetch);
}

void vr_tlb_flush_all(VrHart *h)
{
    memset(&h->tlb_m, 0xff, sizeof(h->tlb_m));
    for (unsigned i = 0; i < VR_TLB_SETS; i++)
        tlb_set_flush(&h->tlb_sets[i]);
    h->ram_size = 0;
}

static void tlb_flush_entry(VrTlb *t, unsigned i, uint64_t tag)
{
    if (t->read[i].tag == tag)
        t->read[i].tag = VR_TLB_INVALID;
    if (t->write[i].tag == tag)
        t->write[i].tag = VR_TLB_INVALID;
    if (t->exec[i].tag == tag)
        t->exec[i].tag = VR_TLB_INVALID;
}

void vr_tlb_fence(VrHart *h, bool has_vaddr, uint64_t vaddr, bool has_asid, unsigned asid)
{
    if (!has_vaddr && !has_asid) {
        vr_tlb_flush_all(h);
        return;
    }
    uint64_t tag = vaddr & VR_PAGE_MASK;
    unsigned i = (unsigned) (vaddr >> VR_PAGE_BITS) & (VR_TLB_SIZE - 1);
    if (has_vaddr && !has_asid)
        tlb_flush_entry(&h->tlb_m, i, tag);
    for (unsigned k = 0; k < VR_TLB_SETS; k++) {
        VrTlbSet *s = &h->tlb_sets[k];
        if (!s->filled || (has_asid && SATP_ASID(s->satp) != asid))
            continue;
        if (!has_vaddr || (vaddr >= s->superpage_lo && vaddr <= s->superpage_hi)) {
            tlb_set_flush(s);
            continue;
        }
        for (unsigned m = 0; m < VR_MMU_M; m++)
            tlb_flush_entry(&s->tlb[m], i, tag);
    }
}

/* ---- PMP ---- */

void vr_pmp_update(VrHart *h)
{
    VrPmp *p = &h->pmp;
    p->any_active = false;
    p->any_locked = false;
    for (unsigned a = 0; a < 3; a++) {
        for (unsigned priv = 0; priv < 4; priv++) {
            p->window[a][priv].lo = 1;
            p->window[a][priv].hi = 0;
        }
    }
    for (unsigned i = 0; i < 16; i++) {
        uint8_t cfg = p->cfg[i];
        uint64_t a = p->addr[i];
        p->lo[i] = p->hi[i] = 0;
        if (cfg & PMP_L)
            p->any_locked = true;
        switch (cfg & PMP_A) {
        case PMP_A_TOR:
            p->lo[i] = i ? p->addr[i - 1] << 2 : 0;
            p->hi[i] = a << 2;
            break;
        case PMP_A_NA4:
            p->lo[i] = a << 2;
            p->hi[i] = p->lo[i] + 4;
            break;
        case PMP_A_NAPOT: {
            unsigned ones = (unsigned) __builtin_ctzll(~a);
            uint64_t size = 1ull << (ones + 3);
            p->lo[i] = (a << 2) & ~(size - 1);
            p->hi[i] = p->lo[i] + size;
            break;
        }
        default: continue;
        }
        if (p->hi[i] > p->lo[i])
            p->any_active = true;
    }
}

bool vr_pmp_check(VrHart *h, uint64_t paddr, unsigned size, VrAccess access, unsigned priv)
{
    VrPmp *p = &h->pmp;
    if (!p->any_active && !p->any_locked)
        return priv == VR_PRV_M;
    uint64_t end = paddr + size;
    typeof(p->window[0][0]) *w = &p->window[access][priv & 3];
    if (likely(paddr >= w->lo && end <= w->hi))
        return w->allowed;
    for (unsigned i = 0; i < 16; i++) {
        if (p->hi[i] <= p->lo[i])
            continue;
        if (paddr < p->hi[i] && end > p->lo[i]) {
            /* The lowest-numbered entry touching the access decides; it must cover all of it. */
            if (paddr < p->lo[i] || end > p->hi[i])
                return false;
            uint8_t cfg = p->cfg[i];
            static const uint8_t need[3] = {PMP_R, PMP_W, PMP_X};
            bool allowed = (priv == VR_PRV_M && !(cfg & PMP_L)) || (cfg & need[access]) != 0;
            /* Remember the part of entry i around the access that no lower entry touches:
             * any access inside it gets the same answer. */
            uint64_t lo = p->lo[i], hi = p->hi[i];
            for (unsigned j = 0; j < i; j++) {
                if (p->hi[j] <= p->lo[j] || p->hi[j] <= lo || p->lo[j] >= hi)
                    continue;
                if (end <= p->lo[j])
                    hi = p->lo[j];
                else
                    lo = p->hi[j];
            }
            w->lo = lo;
            w->hi = hi;
            w->allowed = allowed;
            return allowed;
        }
    }
    return priv == VR_PRV_M;
}

/* Host address of [pa, pa + len) when it is RAM, looked for first in the region met last. */
static inline uint8_t *ram_ptr(VrHart *h, uint64_t pa, uint64_t len)
{
    uint64_t off = pa - h->ram_base;
    if (likely(off < h->ram_size && len <= h->ram_size - off))
        return h->ram_host + off;
    const VrRegion *r = vr_address_space_find(h->as, pa);
    if (!r || r->kind != VR_REGION_RAM)
        return NULL;
    off = pa - r->base;
    if (len > r->size - off)
        return NULL;
    h->ram_base = r->base;
    h->ram_size = r->size;
    h->ram_host = r->host;
    return r->host + off;
}

/* ---- page table walk ---- */

static int fault_for(VrAccess access)
{
    static const int causes[3] = {CAUSE_LOAD_PAGE_FAULT, CAUSE_STORE_PAGE_FAULT,
                                  CAUSE_FETCH_PAGE_FAULT};
    return causes[access];
}

static int access_fault_for(VrAccess access)
{
    static const int causes[3] = {CAUSE_LOAD_ACCESS, CAUSE_STORE_ACCESS, CAUSE_FETCH_ACCESS};
    return causes[access];
}

int vr_mmu_translate(VrHart *h, uint64_t vaddr, VrAccess access, unsigned mmu_idx, uint64_t *paddr,
                     bool *cacheable)
{
    unsigned priv = mmu_idx_priv(mmu_idx);
    unsigned mode = (unsigned) (h->satp >> SATP_MODE_SHIFT);
    uint64_t pa;
    uint64_t superpage_size = 0;

    if (priv == VR_PRV_M || mode == SATP_MODE_BARE) {
        if (vaddr >> PHYS_ADDR_BITS)
            return access_fault_for(access);
        pa = vaddr;
    } else {
        unsigned levels = mode == SATP_MODE_SV39 ? 3 : mode == SATP_MODE_SV48 ? 4 : 5;
        unsigned va_bits = VR_PAGE_BITS + 9 * levels;
        int64_t top = (int64_t) vaddr >> (va_bits - 1);
        if (top != 0 && top != -1)
            return fault_for(access);

        h->tlb_walks++;
        uint64_t table = (h->satp & SATP_PPN_MASK) << VR_PAGE_BITS;
        uint64_t pte = 0, pte_addr = 0;
        int level;
        for (level = (int) levels - 1;; level--) {
            unsigned vpn = (unsigned) (vaddr >> (VR_PAGE_BITS + 9 * level)) & 0x1ff;
            pte_addr = table + vpn * 8;
            /* The walk's own reads are S-mode accesses as far as PMP is concerned. */
            if (!vr_pmp_check(h, pte_addr, 8, VR_ACCESS_READ, VR_PRV_S))
                return access_fault_for(access);
            uint64_t *pte_host = (uint64_t *) ram_ptr(h, pte_addr, 8);
            if (!pte_host)
                return access_fault_for(access);
            pte = __atomic_load_n(pte_host, __ATOMIC_ACQUIRE);

            if (!(pte & PTE_V) || (!(pte & PTE_R) && (pte & PTE_W)))
                return fault_for(access);
            /* Svnapot, Svpbmt and the reserved bits are not implemented. */
            if (pte & (PTE_RESERVED_MASK | PTE_PBMT | PTE_N))
                return fault_for(access);
            if (pte & (PTE_R | PTE_X))
                break; /* leaf */
            if (level == 0)
                return fault_for(access);
            table = ((pte & PTE_PPN_MASK) >> PTE_PPN_SHIFT) << VR_PAGE_BITS;
        }

        /* Permissions of the leaf. */
        if (priv == VR_PRV_U) {
            if (!(pte & PTE_U))
                return fault_for(access);
        } else if (pte & PTE_U) {
            if (access == VR_ACCESS_EXEC || mmu_idx != VR_MMU_S_SUM)
                return fault_for(access);
        }
        switch (access) {
        case VR_ACCESS_READ:
            if (!(pte & PTE_R) && !((h->mstatus & MSTATUS_MXR) && (pte & PTE_X)))
                return fault_for(access);
            break;
        case VR_ACCESS_WRITE:
            if (!(pte & PTE_W))
                return fault_for(access);
            break;
        case VR_ACCESS_EXEC:
            if (!(pte & PTE_X))
                return fault_for(access);
            break;
        }
        uint64_t ppn = (pte & PTE_PPN_MASK) >> PTE_PPN_SHIFT;
        uint64_t low_mask = (1ull << (9 * level)) - 1;
        if (ppn & low_mask)
            return fault_for(access); /* misaligned superpage */

        /* Accessed and dirty bits, set by the hart. */
        uint64_t want = pte | PTE_A | (access == VR_ACCESS_WRITE ? PTE_D : 0);
        if (want != pte) {
            if (!vr_pmp_check(h, pte_addr, 8, VR_ACCESS_WRITE, VR_PRV_S))
                return access_fault_for(access);
            uint64_t *pte_host = (uint64_t *) ram_ptr(h, pte_addr, 8);
            if (!__atomic_compare_exchange_n(pte_host, &pte, want, false, __ATOMIC_ACQ_REL,
                                             __ATOMIC_ACQUIRE)) {
                /* Someone changed the PTE meanwhile: walk again. */
                return vr_mmu_translate(h, vaddr, access, mmu_idx, paddr, cacheable);
            }
        }
        if (level > 0)
            superpage_size = 1ull << (VR_PAGE_BITS + 9 * level);
        pa = ((ppn & ~low_mask) << VR_PAGE_BITS) |
             (vaddr & ((1ull << (VR_PAGE_BITS + 9 * level)) - 1));
    }

    if (!vr_pmp_check(h, pa, 1, access, priv))
        return access_fault_for(access);
    *paddr = pa;
    *cacheable = vr_pmp_check(h, pa & VR_PAGE_MASK, VR_PAGE_SIZE, access, priv);
    if (superpage_size && *cacheable) {
        uint64_t base = vaddr & ~(superpage_size - 1);
        VrTlbSet *s = h->tlb_set;
        s->superpage_lo = MIN(s->superpage_lo, base);
        s->superpage_hi = MAX(s->superpage_hi, base + superpage_size - 1);
    }
    return 0;
}

/* Installs a fast-path entry for the page of vaddr when it is plain RAM. */
static void tlb_fill(VrHart *h, unsigned mmu_idx, VrAccess access, uint64_t vaddr, uint64_t paddr)
{
    uint8_t *host = ram_ptr(h, paddr & VR_PAGE_MASK, VR_PAGE_SIZE);
    if (!host)
        return;
    if (access == VR_ACCESS_WRITE && (vr_address_space_page_watched(h->as, paddr) ||
                                      vr_block_cache_is_code_page(&h->cache, host)))
        return;
    VrTlb *t = vr_tlb_of(h, mmu_idx);
    if (mmu_idx != VR_MMU_M)
        h->tlb_set->filled = true;
    unsigned i = (unsigned) (vaddr >> VR_PAGE_BITS) & (VR_TLB_SIZE - 1);
    VrTlbEntry *e = access == VR_ACCESS_READ    ? &t->read[i]
                    : access == VR_ACCESS_WRITE ? &t->write[i]
                                                : &t->exec[i];
    e->tag = vaddr & VR_PAGE_MASK;
    e->addend = (uintptr_t) host - (vaddr & VR_PAGE_MASK);
}

/* Translates one page-contained access; returns 0 or a cause. */
static int translate_access(VrHart *h, uint64_t vaddr, unsigned size, VrAccess access,
                            uint64_t *paddr)
{
    bool cacheable = false;
    unsigned idx = access == VR_ACCESS_EXEC ? h->mmu_fetch : h->mmu_data;
    int cause = vr_mmu_translate(h, vaddr, access, idx, paddr, &cacheable);
    if (cause)
        return cause;
    if (size > 1 && !vr_pmp_check(h, *paddr, size, access, mmu_idx_priv(idx)))
        return access_fault_for(access);
    if (cacheable)
        tlb_fill(h, idx, access, vaddr, *paddr);
    return 0;
}

static bool phys_load(VrHart *h, uint64_t paddr, unsigned size, uint64_t *value)
{
    const uint8_t *p = ram_ptr(h, paddr, size);
    if (!p)
        return vr_address_space_load(h->as, paddr, size, value);
    switch (size) {
    case 1: *value = *p; break;
    case 2: *value = __atomic_load_n((const uint16_t *) p, __ATOMIC_RELAXED); break;
    case 4: *value = __atomic_load_n((const uint32_t *) p, __ATOMIC_RELAXED); break;
    default: *value = __atomic_load_n((const uint64_t *) p, __ATOMIC_RELAXED); break;
    }
    return true;
}

/* A store that reached the slow path, perhaps because its page holds decoded code. */
static bool phys_store(VrHart *h, uint64_t paddr, unsigned size, uint64_t value)
{
    const uint8_t *host = ram_ptr(h, paddr, size);
    if (host)
        vr_block_cache_code_written(&h->cache, host, size);
    return vr_address_space_store(h->as, paddr, size, value);
}

/* An access that is not naturally aligned: done a byte at a time, after every page it
 * touches is known to be accessible, so a fault leaves memory unchanged. A fault reports
 * the address of the part of the access that faulted. */
static int misaligned_access(VrHart *h, uint64_t vaddr, unsigned size, VrAccess access,
                             uint64_t *value)
{
    uint64_t pa[2];
    unsigned first = (unsigned) (VR_PAGE_SIZE - (vaddr & (VR_PAGE_SIZE - 1)));
    h->fault_vaddr = vaddr;
    int cause = translate_access(h, vaddr, first < size ? first : size, access, &pa[0]);
    if (cause)
        return cause;
    if (first < size) {
        h->fault_vaddr = vaddr + first;
        cause = translate_access(h, vaddr + first, size - first, access, &pa[1]);
        if (cause)
            return cause;
    }
    uint64_t v = access == VR_ACCESS_WRITE ? *value : 0;
    for (unsigned i = 0; i < size; i++) {
        uint64_t byte_pa = i < first ? pa[0] + i : pa[1] + (i - first);
        h->fault_vaddr = vaddr + i;
        if (access == VR_ACCESS_WRITE) {
            if (!phys_store(h, byte_pa, 1, (v >> (8 * i)) & 0xff))
                return CAUSE_STORE_ACCESS;
        } else {
            uint64_t b;
            if (!phys_load(h, byte_pa, 1, &b))
                return CAUSE_LOAD_ACCESS;
            v |= b << (8 * i);
        }
    }
    if (access != VR_ACCESS_WRITE)
        *value = v;
    return 0;
}

int vr_load_slow(VrHart *h, uint64_t vaddr, unsigned size, uint64_t *value)
{
    if (vaddr & (size - 1))
        return misaligned_access(h, vaddr, size, VR_ACCESS_READ, value);
    uint64_t pa;
    h->fault_vaddr = vaddr;
    int cause = translate_access(h, vaddr, size, VR_ACCESS_READ, &pa);
    if (cause)
        return cause;
    if (!phys_load(h, pa, size, value))
        return CAUSE_LOAD_ACCESS;
    return 0;
}

int vr_store_slow(VrHart *h, uint64_t vaddr, unsigned size, uint64_t value)
{
    if (vaddr & (size - 1))
        return misaligned_access(h, vaddr, size, VR_ACCESS_WRITE, &value);
    uint64_t pa;
    h->fault_vaddr = vaddr;
    int cause = translate_access(h, vaddr, size, VR_ACCESS_WRITE, &pa);
    if (cause)
        return cause;
    if (!phys_store(h, pa, size, value))
        return CAUSE_STORE_ACCESS;
    return 0;
}

int vr_atomic_ptr(VrHart *h, uint64_t vaddr, unsigned size, bool for_store, void **host)
{
    uint64_t pa;
    VrAccess access = for_store ? VR_ACCESS_WRITE : VR_ACCESS_READ;
    int cause = translate_access(h, vaddr, size, access, &pa);
    if (cause)
        return cause;
    /* AMOs need write permission even for the value they read: LR checks only read. */
    uint8_t *p = ram_ptr(h, pa, size);
    if (!p)
        return for_store ? CAUSE_STORE_ACCESS : CAUSE_LOAD_ACCESS;
    if (for_store)
        vr_block_cache_code_written(&h->cache, p, size);
    *host = p;
    return 0;
}

int vr_fetch_page(VrHart *h, uint64_t vaddr, const uint8_t **host_page, bool *whole_page)
{
    uint64_t pa;
    bool cacheable = false;
    int cause = vr_mmu_translate(h, vaddr, VR_ACCESS_EXEC, h->mmu_fetch, &pa, &cacheable);
    if (cause)
        return cause;
    uint8_t *host = ram_ptr(h, pa & VR_PAGE_MASK, VR_PAGE_SIZE);
    if (!host)
        return CAUSE_FETCH_ACCESS;
    if (cacheable)
        tlb_fill(h, h->mmu_fetch, VR_ACCESS_EXEC, vaddr, pa);
    *host_page = host;
    if (whole_page)
        *whole_page = cacheable;
    return 0;
}
