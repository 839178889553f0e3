/* The hart's life: creation, reset, the run loop, waiting for interrupts, state access. */
#include <string.h>

#include "hart.h"
#include "jit/jit.h"

/* Instructions between looks at the timer. */
#define RUN_SLICE 65536

VrHart *vr_hart_new(VrAddressSpace *as, VrClock *clock, unsigned hartid)
{
    VrHart *h = g_new0(VrHart, 1);
    h->cpu.ops = vr_hart_cpu_ops();
    h->cpu.index = hartid;
    h->as = as;
    h->clock = clock;
    h->hartid = hartid;
    g_mutex_init(&h->wait_lock);
    g_cond_init(&h->wait_cond);
    vr_block_cache_init(&h->cache);
    vr_tlb_init(h);
    vr_interp_ops();
    guint64 threshold = 16;
    const char *env = g_getenv("VIREO_JIT_THRESHOLD");
    if (env && !g_ascii_string_to_unsigned(env, 10, 1, 65535, &threshold, NULL))
        threshold = 16;
    h->jit_threshold = (unsigned) threshold;
    vr_hart_set_accel(h, vr_accel_default());
    vr_hart_reset(h, 0);
    return h;
}

void vr_hart_free(VrHart *h)
{
    if (!h)
        return;
    vr_hart_set_accel(h, VR_ACCEL_INTERP);
    vr_block_cache_destroy(&h->cache);
    g_mutex_clear(&h->wait_lock);
    g_cond_clear(&h->wait_cond);
    g_free(h);
}

void vr_hart_reset(VrHart *h, uint64_t reset_pc)
{
    memset(h->x, 0, sizeof(h->x));
    memset(h->f, 0, sizeof(h->f));
    h->pc = reset_pc;
    h->instret = 0;
    atomic_store(&h->exit_request, 0);
    h->priv = VR_PRV_M;
    h->fflags = 0;
    h->frm = 0;
    h->mstatus = 0;
    h->medeleg = h->mideleg = 0;
    h->mie = 0;
    atomic_store(&h->mip, 0);
    atomic_store(&h->irq_lines, 0);
    h->mtvec = h->stvec = 0;
    h->mscratch = h->sscratch = 0;
    h->mepc = h->sepc = 0;
    h->mcause = h->scause = 0;
    h->mtval = h->stval = 0;
    h->mcounteren = h->scounteren = 0;
    h->mcountinhibit = 0;
    h->menvcfg = h->senvcfg = 0;
    h->satp = 0;
    h->mcycle_offset = h->minstret_offset = 0;
    h->mcycle_frozen = h->minstret_frozen = 0;
    atomic_store(&h->mtimecmp, UINT64_MAX);
    memset(&h->pmp, 0, sizeof(h->pmp));
    vr_pmp_update(h);
    h->resv_addr = VR_TLB_INVALID;
    vr_tlb_flush_all(h);
    vr_hart_update_mmu_idx(h);
    vr_block_cache_flush(&h->cache);
}

VrRunResult vr_hart_run(VrHart *h, uint64_t max_insns)
{
    int64_t budget = (int64_t) (max_insns > INT64_MAX ? INT64_MAX : max_insns);
    while (budget > 0) {
        if (atomic_exchange_explicit(&h->exit_request, 0, memory_order_acquire))
            return VR_RUN_REQUEST;
        vr_hart_update_timer_irq(h);
        vr_hart_take_interrupt(h);
        int64_t slice = budget < RUN_SLICE ? budget : RUN_SLICE;
        int64_t left = slice;
        VrExit e = vr_interp(h, &left, false);
        budget -= slice - left;
        if (e == VR_EXIT_WFI) {
            vr_hart_update_timer_irq(h);
            if (!vr_hart_pending_interrupts(h))
                return VR_RUN_WFI;
        }
    }
    return VR_RUN_BUDGET;
}

void vr_hart_step(VrHart *h)
{
    vr_hart_update_timer_irq(h);
    if (vr_hart_take_interrupt(h))
        return;
    int64_t budget = 1;
    vr_interp(h, &budget, true);
}

void vr_hart_wait_for_interrupt(VrHart *h, int64_t deadline_ns)
{
    g_mutex_lock(&h->wait_lock);
    h->waiting = true;
    for (;;) {
        if (atomic_load(&h->exit_request))
            break;
        vr_hart_update_timer_irq(h);
        if (vr_hart_pending_interrupts(h))
            break;
        int64_t wake = deadline_ns;
        uint64_t cmp = atomic_load(&h->mtimecmp);
        if (h->mie & MIP_MTIP) {
            int64_t t = vr_clock_host_ns_at_ticks(h->clock, cmp);
            if (t < wake)
                wake = t;
        }
        int64_t now = vr_host_ns();
        if (now >= wake)
            break;
        /* GLib's monotonic clock is CLOCK_MONOTONIC in microseconds. */
        g_cond_wait_until(&h->wait_cond, &h->wait_lock,
                          g_get_monotonic_time() + (wake - now + 999) / 1000);
    }
    h->waiting = false;
    g_mutex_unlock(&h->wait_lock);
}

void vr_hart_kick(VrHart *h)
{
    atomic_store_explicit(&h->exit_request, 1, memory_order_release);
    g_mutex_lock(&h->wait_lock);
    if (h->waiting)
        g_cond_signal(&h->wait_cond);
    g_mutex_unlock(&h->wait_lock);
}

void vr_hart_set_irq(VrHart *h, unsigned irq, bool level)
{
    uint64_t bit = 1ull << irq;
    uint64_t old;
    if (level)
        old = atomic_fetch_or(&h->irq_lines, bit);
    else
        old = atomic_fetch_and(&h->irq_lines, ~bit);
    if (((old & bit) != 0) != level)
        vr_hart_kick(h);
}

uint64_t vr_hart_get_mtimecmp(VrHart *h)
{
    return atomic_load(&h->mtimecmp);
}

void vr_hart_set_mtimecmp(VrHart *h, uint64_t value)
{
    atomic_store(&h->mtimecmp, value);
    vr_hart_update_timer_irq(h);
    vr_hart_kick(h);
}

uint64_t vr_hart_get_pc(const VrHart *h)
{
    return h->pc;
}

void vr_hart_set_pc(VrHart *h, uint64_t pc)
{
    h->pc = pc;
}

uint64_t vr_hart_get_x(const VrHart *h, unsigned reg)
{
    return reg && reg < 32 ? h->x[reg] : 0;
}

void vr_hart_set_x(VrHart *h, unsigned reg, uint64_t value)
{
    if (reg && reg < 32)
        h->x[reg] = value;
}

uint64_t vr_hart_get_f(const VrHart *h, unsigned reg)
{
    return h->f[reg & 31];
}

void vr_hart_set_f(VrHart *h, unsigned reg, uint64_t value)
{
    h->f[reg & 31] = value;
}

unsigned vr_hart_get_priv(const VrHart *h)
{
    return h->priv;
}

void vr_hart_set_priv(VrHart *h, unsigned priv)
{
    if (priv == VR_PRV_U || priv == VR_PRV_S || priv == VR_PRV_M)
        vr_hart_set_priv_internal(h, priv);
}

uint64_t vr_hart_instret(const VrHart *h)
{
    return h->instret;
}

unsigned vr_hart_id(const VrHart *h)
{
    return h->hartid;
}

bool vr_jit_supported(void)
{
#if defined(__x86_64__)
    return true;
#else
    return false;
#endif
}

const char *vr_accel_name(VrAccel accel)
{
    return accel == VR_ACCEL_JIT ? "jit" : "interp";
}

bool vr_accel_parse(const char *name, VrAccel *accel)
{
    if (g_strcmp0(name, "interp") == 0)
        *accel = VR_ACCEL_INTERP;
    else if (g_strcmp0(name, "jit") == 0)
        *accel = VR_ACCEL_JIT;
    else
        return false;
    return true;
}

VrAccel vr_accel_default(void)
{
    VrAccel accel;
    if (vr_accel_parse(g_getenv("VIREO_ACCEL"), &accel))
        return accel == VR_ACCEL_JIT && !vr_jit_supported() ? VR_ACCEL_INTERP : accel;
    return vr_jit_supported() ? VR_ACCEL_JIT : VR_ACCEL_INTERP;
}

void vr_hart_set_accel(VrHart *h, VrAccel accel)
{
    if (accel == VR_ACCEL_JIT && !vr_jit_supported())
        accel = VR_ACCEL_INTERP;
    if (accel == h->accel && (accel == VR_ACCEL_INTERP || h->cache.jit))
        return;
    /* Compiled code hangs on decoded blocks: both go together. */
    vr_block_cache_flush(&h->cache);
    vr_jit_destroy(h);
    h->accel = accel;
    if (accel == VR_ACCEL_JIT)
        vr_jit_init(h);
}

VrAccel vr_hart_get_accel(const VrHart *h)
{
    return h->accel;
}

void vr_hart_set_jit_threshold(VrHart *h, unsigned entries)
{
    h->jit_threshold = entries < 1 ? 1 : entries > 65535 ? 65535 : entries;
}

void vr_hart_jit_stats(const VrHart *h, uint64_t *compiled, uint64_t *resets)
{
    vr_jit_stats(h->cache.jit, compiled, resets);
}

void vr_hart_jit_cache_usage(const VrHart *h, size_t *size, size_t *used)
{
    vr_jit_cache_usage(h->cache.jit, size, used);
}
