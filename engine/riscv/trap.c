/* Taking traps and interrupts, and returning from them. */
#include "hart.h"

void vr_hart_trap(VrHart *h, uint64_t cause, uint64_t tval, uint64_t epc)
{
    bool irq = (cause & CAUSE_INTERRUPT_BIT) != 0;
    unsigned code = (unsigned) (cause & 63);
    unsigned from = h->priv;
    uint64_t deleg = irq ? h->mideleg : h->medeleg;
    h->resv_addr = VR_TLB_INVALID;

    if (from <= VR_PRV_S && ((deleg >> code) & 1)) {
        h->scause = cause;
        h->sepc = epc;
        h->stval = tval;
        uint64_t s = h->mstatus;
        s = (s & ~MSTATUS_SPIE) | ((s & MSTATUS_SIE) ? MSTATUS_SPIE : 0);
        s &= ~MSTATUS_SIE;
        s = (s & ~MSTATUS_SPP) | (from == VR_PRV_S ? MSTATUS_SPP : 0);
        h->mstatus = s;
        uint64_t base = h->stvec & ~3ull;
        h->pc = ((h->stvec & 3) == 1 && irq) ? base + 4 * code : base;
        h->priv = VR_PRV_S;
    } else {
        h->mcause = cause;
        h->mepc = epc;
        h->mtval = tval;
        uint64_t s = h->mstatus;
        s = (s & ~MSTATUS_MPIE) | ((s & MSTATUS_MIE) ? MSTATUS_MPIE : 0);
        s &= ~MSTATUS_MIE;
        s = (s & ~MSTATUS_MPP) | ((uint64_t) from << MSTATUS_MPP_SHIFT);
        h->mstatus = s;
        uint64_t base = h->mtvec & ~3ull;
        h->pc = ((h->mtvec & 3) == 1 && irq) ? base + 4 * code : base;
        h->priv = VR_PRV_M;
    }
    vr_hart_update_mmu_idx(h);
}

uint64_t vr_hart_pending_interrupts(VrHart *h)
{
    uint64_t mip = atomic_load_explicit(&h->mip, memory_order_relaxed) |
                   atomic_load_explicit(&h->irq_lines, memory_order_relaxed);
    return mip & h->mie;
}

bool vr_hart_take_interrupt(VrHart *h)
{
    uint64_t pending = vr_hart_pending_interrupts(h);
    if (!pending)
        return false;
    uint64_t m = pending & ~h->mideleg;
    uint64_t s = pending & h->mideleg;
    bool m_on = h->priv < VR_PRV_M || (h->mstatus & MSTATUS_MIE);
    bool s_on = h->priv < VR_PRV_S || (h->priv == VR_PRV_S && (h->mstatus & MSTATUS_SIE));
    uint64_t take = m_on ? m : 0;
    if (!take)
        take = s_on ? s : 0;
    if (!take)
        return false;
    static const unsigned order[] = {IRQ_MEI, IRQ_MSI, IRQ_MTI, IRQ_SEI, IRQ_SSI, IRQ_STI};
    for (unsigned i = 0; i < G_N_ELEMENTS(order); i++) {
        if (take & (1ull << order[i])) {
            vr_hart_trap(h, CAUSE_INTERRUPT_BIT | order[i], 0, h->pc);
            return true;
        }
    }
    return false;
}

void vr_hart_update_timer_irq(VrHart *h)
{
    uint64_t cmp = atomic_load_explicit(&h->mtimecmp, memory_order_relaxed);
    if (vr_hart_time(h) >= cmp)
        atomic_fetch_or_explicit(&h->irq_lines, MIP_MTIP, memory_order_relaxed);
    else
        atomic_fetch_and_explicit(&h->irq_lines, ~MIP_MTIP, memory_order_relaxed);
}

uint64_t vr_hart_mret(VrHart *h)
{
    uint64_t s = h->mstatus;
    unsigned mpp = (unsigned) ((s & MSTATUS_MPP) >> MSTATUS_MPP_SHIFT);
    s = (s & ~MSTATUS_MIE) | ((s & MSTATUS_MPIE) ? MSTATUS_MIE : 0);
    s |= MSTATUS_MPIE;
    s &= ~MSTATUS_MPP; /* U, the least-privileged mode */
    if (mpp != VR_PRV_M)
        s &= ~MSTATUS_MPRV;
    h->mstatus = s;
    h->priv = mpp;
    vr_hart_update_mmu_idx(h);
    return h->mepc;
}

uint64_t vr_hart_sret(VrHart *h)
{
    uint64_t s = h->mstatus;
    unsigned spp = (s & MSTATUS_SPP) ? VR_PRV_S : VR_PRV_U;
    s = (s & ~MSTATUS_SIE) | ((s & MSTATUS_SPIE) ? MSTATUS_SIE : 0);
    s |= MSTATUS_SPIE;
    s &= ~MSTATUS_SPP;
    s &= ~MSTATUS_MPRV;
    h->mstatus = s;
    h->priv = spp;
    vr_hart_update_mmu_idx(h);
    return h->sepc;
}
