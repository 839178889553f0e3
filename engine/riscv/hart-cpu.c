/* The hart behind the machine's CPU interface: run, kick, interrupts, the register dump, and
 * its architectural state in a state file. */
#include <string.h>

#include "hart.h"
#include "vr-i18n.h"

VrCpu *vr_hart_cpu(VrHart *h)
{
    return &h->cpu;
}

VrHart *vr_hart_from_cpu(VrCpu *cpu)
{
    return (VrHart *) cpu;
}

static VrRunResult cpu_run(VrCpu *cpu, uint64_t max_insns)
{
    return vr_hart_run(vr_hart_from_cpu(cpu), max_insns);
}

static void cpu_wait(VrCpu *cpu, int64_t deadline_ns)
{
    vr_hart_wait_for_interrupt(vr_hart_from_cpu(cpu), deadline_ns);
}

static void cpu_kick(VrCpu *cpu)
{
    vr_hart_kick(vr_hart_from_cpu(cpu));
}

static void cpu_set_irq(VrCpu *cpu, unsigned line, bool level)
{
    vr_hart_set_irq(vr_hart_from_cpu(cpu), line, level);
}

static void cpu_reset(VrCpu *cpu)
{
    vr_hart_reset(vr_hart_from_cpu(cpu), 0);
}

static void cpu_free(VrCpu *cpu)
{
    vr_hart_free(vr_hart_from_cpu(cpu));
}

static const char *const priv_names[] = {"U", "S", "?", "M"};

static void cpu_dump(VrCpu *cpu, GString *out)
{
    VrHart *h = vr_hart_from_cpu(cpu);
    g_string_append_printf(
        out, "hart %u  pc %016" G_GINT64_MODIFIER "x  mode %s  instret %" G_GUINT64_FORMAT,
        h->hartid, h->pc, priv_names[h->priv & 3], h->instret);
    static const char *const abi[32] = {"zero", "ra", "sp",  "gp",  "tp", "t0", "t1", "t2",
                                        "s0",   "s1", "a0",  "a1",  "a2", "a3", "a4", "a5",
                                        "a6",   "a7", "s2",  "s3",  "s4", "s5", "s6", "s7",
                                        "s8",   "s9", "s10", "s11", "t3", "t4", "t5", "t6"};
    for (unsigned r = 0; r < 32; r++) {
        if (r % 4 == 0)
            g_string_append(out, "\n");
        g_string_append_printf(out, "x%-2u %-4s %016" G_GINT64_MODIFIER "x  ", r, abi[r],
                               vr_hart_get_x(h, r));
    }
    static const struct {
        const char *name;
        unsigned csr;
    } csrs[] = {{"mstatus", CSR_MSTATUS}, {"mepc", CSR_MEPC},   {"mcause", CSR_MCAUSE},
                {"mtval", CSR_MTVAL},     {"mtvec", CSR_MTVEC}, {"mie", CSR_MIE},
                {"mip", CSR_MIP},         {"satp", CSR_SATP},   {"sepc", CSR_SEPC},
                {"scause", CSR_SCAUSE},   {"stval", CSR_STVAL}, {"stvec", CSR_STVEC}};
    for (unsigned i = 0; i < G_N_ELEMENTS(csrs); i++) {
        uint64_t v = 0;
        vr_hart_csr_read(h, csrs[i].csr, &v);
        if (i % 4 == 0)
            g_string_append(out, "\n");
        g_string_append_printf(out, "%-8s %016" G_GINT64_MODIFIER "x  ", csrs[i].name, v);
    }
}

/* The state, in this order; a new field goes at the end with a new section version. */
#define HART_STATE_VERSION 1

static void cpu_save(VrCpu *cpu, VrStateWriter *w)
{
    VrHart *h = vr_hart_from_cpu(cpu);
    vr_state_put_u32(w, HART_STATE_VERSION);
    vr_state_put_u32(w, h->hartid);
    vr_state_put_u64s(w, h->x, 32);
    vr_state_put_u64s(w, h->f, 32);
    vr_state_put_u64(w, h->pc);
    vr_state_put_u64(w, h->instret);
    vr_state_put_u8(w, (uint8_t) h->priv);
    vr_state_put_u32(w, h->fflags);
    vr_state_put_u32(w, h->frm);
    const uint64_t csrs[] = {
        h->mstatus,
        h->medeleg,
        h->mideleg,
        h->mie,
        atomic_load(&h->mip),
        atomic_load(&h->irq_lines),
        h->mtvec,
        h->stvec,
        h->mscratch,
        h->sscratch,
        h->mepc,
        h->sepc,
        h->mcause,
        h->scause,
        h->mtval,
        h->stval,
        h->mcounteren,
        h->scounteren,
        h->mcountinhibit,
        h->menvcfg,
        h->senvcfg,
        h->satp,
        (uint64_t) h->mcycle_offset,
        (uint64_t) h->minstret_offset,
        h->mcycle_frozen,
        h->minstret_frozen,
        atomic_load(&h->mtimecmp),
    };
    vr_state_put_u64s(w, csrs, G_N_ELEMENTS(csrs));
    for (unsigned i = 0; i < 16; i++)
        vr_state_put_u8(w, h->pmp.cfg[i]);
    vr_state_put_u64s(w, h->pmp.addr, 16);
    vr_state_put_u64(w, h->resv_addr);
    vr_state_put_u64(w, h->resv_value);
    vr_state_put_u8(w, (uint8_t) h->resv_size);
}

static bool cpu_load(VrCpu *cpu, VrStateReader *r)
{
    VrHart *h = vr_hart_from_cpu(cpu);
    uint32_t version = vr_state_get_u32(r);
    if (!vr_state_reader_failed(r) && version != HART_STATE_VERSION) {
        vr_state_reader_invalid(r, _("hart state version %u is not known"), version);
        return false;
    }
    uint32_t id = vr_state_get_u32(r);
    if (!vr_state_reader_failed(r) && id != h->hartid) {
        vr_state_reader_invalid(r, _("it holds hart %u where hart %u was expected"), id, h->hartid);
        return false;
    }
    uint64_t x[32], f[32], csrs[27], pmp_addr[16];
    uint8_t pmp_cfg[16];
    vr_state_get_u64s(r, x, 32);
    vr_state_get_u64s(r, f, 32);
    uint64_t pc = vr_state_get_u64(r);
    uint64_t instret = vr_state_get_u64(r);
    unsigned priv = vr_state_get_u8(r);
    uint32_t fflags = vr_state_get_u32(r);
    uint32_t frm = vr_state_get_u32(r);
    vr_state_get_u64s(r, csrs, G_N_ELEMENTS(csrs));
    for (unsigned i = 0; i < 16; i++)
        pmp_cfg[i] = vr_state_get_u8(r);
    vr_state_get_u64s(r, pmp_addr, 16);
    uint64_t resv_addr = vr_state_get_u64(r);
    uint64_t resv_value = vr_state_get_u64(r);
    unsigned resv_size = vr_state_get_u8(r);
    if (vr_state_reader_failed(r))
        return false;
    if (priv != VR_PRV_U && priv != VR_PRV_S && priv != VR_PRV_M) {
        vr_state_reader_invalid(r, _("privilege mode %u does not exist"), priv);
        return false;
    }
    if (fflags > 0x1f || frm > 7 || (pc & 1) ||
        (resv_size != 0 && resv_size != 4 && resv_size != 8)) {
        vr_state_reader_invalid(r, "%s", _("a register holds a value the hart cannot have"));
        return false;
    }

    vr_hart_reset(h, pc);
    memcpy(h->x, x, sizeof(x));
    h->x[0] = 0;
    memcpy(h->f, f, sizeof(f));
    h->instret = instret;
    h->fflags = fflags;
    h->frm = frm;
    unsigned i = 0;
    h->mstatus = csrs[i++];
    h->medeleg = csrs[i++];
    h->mideleg = csrs[i++];
    h->mie = csrs[i++];
    atomic_store(&h->mip, csrs[i++]);
    atomic_store(&h->irq_lines, csrs[i++]);
    h->mtvec = csrs[i++];
    h->stvec = csrs[i++];
    h->mscratch = csrs[i++];
    h->sscratch = csrs[i++];
    h->mepc = csrs[i++];
    h->sepc = csrs[i++];
    h->mcause = csrs[i++];
    h->scause = csrs[i++];
    h->mtval = csrs[i++];
    h->stval = csrs[i++];
    h->mcounteren = csrs[i++];
    h->scounteren = csrs[i++];
    h->mcountinhibit = csrs[i++];
    h->menvcfg = csrs[i++];
    h->senvcfg = csrs[i++];
    h->satp = csrs[i++];
    h->mcycle_offset = (int64_t) csrs[i++];
    h->minstret_offset = (int64_t) csrs[i++];
    h->mcycle_frozen = csrs[i++];
    h->minstret_frozen = csrs[i++];
    atomic_store(&h->mtimecmp, csrs[i++]);
    memcpy(h->pmp.cfg, pmp_cfg, sizeof(pmp_cfg));
    memcpy(h->pmp.addr, pmp_addr, sizeof(pmp_addr));
    vr_pmp_update(h);
    /* Through the CSR write path, so that only bits the hart implements come back. */
    vr_hart_csr_write(h, CSR_MSTATUS, h->mstatus);
    h->resv_addr = resv_addr;
    h->resv_value = resv_value;
    h->resv_size = resv_size;
    h->priv = priv;
    vr_tlb_flush_all(h);
    vr_hart_update_mmu_idx(h);
    vr_block_cache_flush(&h->cache);
    return true;
}

static const VrCpuOps hart_cpu_ops = {
    .arch = "riscv64",
    .run = cpu_run,
    .wait_for_interrupt = cpu_wait,
    .kick = cpu_kick,
    .set_irq = cpu_set_irq,
    .reset = cpu_reset,
    .dump_registers = cpu_dump,
    .save = cpu_save,
    .load = cpu_load,
    .free = cpu_free,
};

const VrCpuOps *vr_hart_cpu_ops(void)
{
    return &hart_cpu_ops;
}

static uint64_t timer_get(void *opaque)
{
    return vr_hart_get_mtimecmp(opaque);
}

static void timer_set(void *opaque, uint64_t value)
{
    vr_hart_set_mtimecmp(opaque, value);
}

VrTimerCmp vr_hart_timer_cmp(VrHart *h)
{
    return (VrTimerCmp){.get = timer_get, .set = timer_set, .opaque = h};
}
