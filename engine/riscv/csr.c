/* Control and status registers. */
#include "hart.h"

#define MISA_VALUE                                                                           \
    ((2ull << 62) | (1u << ('A' - 'A')) | (1u << ('C' - 'A')) | (1u << ('D' - 'A')) |        \
     (1u << ('F' - 'A')) | (1u << ('I' - 'A')) | (1u << ('M' - 'A')) | (1u << ('S' - 'A')) | \
     (1u << ('U' - 'A')))

#define MSTATUS_WRITABLE                                                                   \
    (MSTATUS_SIE | MSTATUS_MIE | MSTATUS_SPIE | MSTATUS_MPIE | MSTATUS_SPP | MSTATUS_MPP | \
     MSTATUS_FS | MSTATUS_MPRV | MSTATUS_SUM | MSTATUS_MXR | MSTATUS_TVM | MSTATUS_TW |    \
     MSTATUS_TSR)
#define MSTATUS_FIXED ((2ull << 32) | (2ull << 34)) /* UXL = SXL = 64 bits */

#define MEDELEG_WRITABLE                                                                          \
    ((1u << CAUSE_MISALIGNED_FETCH) | (1u << CAUSE_FETCH_ACCESS) |                                \
     (1u << CAUSE_ILLEGAL_INSTRUCTION) | (1u << CAUSE_BREAKPOINT) |                               \
     (1u << CAUSE_MISALIGNED_LOAD) | (1u << CAUSE_LOAD_ACCESS) | (1u << CAUSE_MISALIGNED_STORE) | \
     (1u << CAUSE_STORE_ACCESS) | (1u << CAUSE_USER_ECALL) | (1u << CAUSE_SUPERVISOR_ECALL) |     \
     (1u << CAUSE_FETCH_PAGE_FAULT) | (1u << CAUSE_LOAD_PAGE_FAULT) |                             \
     (1u << CAUSE_STORE_PAGE_FAULT))

#define MIE_WRITABLE VR_ALL_INTERRUPTS
#define MIP_WRITABLE (MIP_SSIP | MIP_STIP | MIP_SEIP)

uint64_t vr_hart_read_mstatus(const VrHart *h)
{
    uint64_t s = (h->mstatus & MSTATUS_WRITABLE) | MSTATUS_FIXED;
    if ((s & MSTATUS_FS) == MSTATUS_FS_DIRTY)
        s |= MSTATUS_SD;
    return s;
}

uint64_t vr_hart_time(const VrHart *h)
{
    return vr_clock_ticks(h->clock);
}

static void write_mstatus(VrHart *h, uint64_t v)
{
    uint64_t old = h->mstatus;
    /* MPP is WARL: the reserved value 2 leaves it as it was. */
    if (((v & MSTATUS_MPP) >> MSTATUS_MPP_SHIFT) == 2)
        v = (v & ~MSTATUS_MPP) | (old & MSTATUS_MPP);
    h->mstatus = v & MSTATUS_WRITABLE;
    if ((old ^ h->mstatus) & MSTATUS_MXR)
        vr_tlb_flush_all(h);
    vr_hart_update_mmu_idx(h);
}

/* Counter value as the instruction at insn_index of a block of block_insns sees it. */
static uint64_t retired_before(const VrHart *h, unsigned insn_index, unsigned block_insns)
{
    return h->instret - (block_insns - insn_index);
}

static bool counter_enabled(const VrHart *h, unsigned index)
{
    if (h->priv < VR_PRV_M && !((h->mcounteren >> index) & 1))
        return false;
    if (h->priv < VR_PRV_S && !((h->scounteren >> index) & 1))
        return false;
    return true;
}

static unsigned pmpcfg_index(unsigned csr)
{
    return csr - CSR_PMPCFG0;
}

static bool pmp_entry_locked(const VrHart *h, unsigned i)
{
    return i < 16 && (h->pmp.cfg[i] & PMP_L);
}

static void write_pmpcfg(VrHart *h, unsigned reg, uint64_t v)
{
    for (unsigned k = 0; k < 8; k++) {
        unsigned i = reg * 4 + k; /* reg is even on RV64: pmpcfg0 holds 0-7, pmpcfg2 8-15 */
        if (i >= 16 || pmp_entry_locked(h, i))
            continue;
        uint8_t cfg = (uint8_t) (v >> (8 * k));
        cfg &= PMP_R | PMP_W | PMP_X | PMP_A | PMP_L;
        if ((cfg & (PMP_R | PMP_W)) == PMP_W)
            cfg &= (uint8_t) ~PMP_W; /* R=0 W=1 is reserved */
        h->pmp.cfg[i] = cfg;
    }
    vr_pmp_update(h);
    vr_tlb_flush_all(h);
}

static uint64_t read_pmpcfg(const VrHart *h, unsigned reg)
{
    uint64_t v = 0;
    for (unsigned k = 0; k < 8; k++) {
        unsigned i = reg * 4 + k;
        if (i < 16)
            v |= (uint64_t) h->pmp.cfg[i] << (8 * k);
    }
    return v;
}

static void write_pmpaddr(VrHart *h, unsigned i, uint64_t v)
{
    if (i >= 16 || pmp_entry_locked(h, i))
        return;
    /* A locked TOR entry also locks the address below it. */
    if (i + 1 < 16 && pmp_entry_locked(h, i + 1) && (h->pmp.cfg[i + 1] & PMP_A) == PMP_A_TOR)
        return;
    h->pmp.addr[i] = v & ((1ull << 54) - 1);
    vr_pmp_update(h);
    vr_tlb_flush_all(h);
}

int vr_csr_access(VrHart *h, unsigned csr, uint64_t *value, uint64_t wdata, uint64_t wmask,
                  bool do_read, bool do_write, unsigned insn_index, unsigned block_insns,
                  bool *changed)
{
    unsigned min_priv = (csr >> 8) & 3;
    bool read_only = ((csr >> 10) & 3) == 3;
    if (h->priv < min_priv || (do_write && read_only))
        return CAUSE_ILLEGAL_INSTRUCTION;

    uint64_t old = 0;
    bool state = false; /* the write may unmask an interrupt or change translation */

#define NEWVAL ((old & ~wmask) | (wdata & wmask))

    switch (csr) {
    /* ---- floating point ---- */
    case CSR_FFLAGS:
    case CSR_FRM:
    case CSR_FCSR:
        if (!(h->mstatus & MSTATUS_FS))
            return CAUSE_ILLEGAL_INSTRUCTION;
        old = csr == CSR_FFLAGS ? h->fflags : csr == CSR_FRM ? h->frm : (h->frm << 5) | h->fflags;
        if (do_write) {
            uint64_t v = NEWVAL;
            if (csr == CSR_FFLAGS) {
                h->fflags = v & 0x1f;
            } else if (csr == CSR_FRM) {
                h->frm = v & 7;
            } else {
                h->fflags = v & 0x1f;
                h->frm = (v >> 5) & 7;
            }
            h->mstatus |= MSTATUS_FS_DIRTY;
        }
        break;

    /* ---- counters ---- */
    case CSR_CYCLE:
    case CSR_TIME:
    case CSR_INSTRET:
        if (!counter_enabled(h, csr - CSR_CYCLE))
            return CAUSE_ILLEGAL_INSTRUCTION;
        if (csr == CSR_TIME)
            old = vr_hart_time(h);
        else if (csr == CSR_CYCLE)
            old = (h->mcountinhibit & 1)
                      ? h->mcycle_frozen
                      : retired_before(h, insn_index, block_insns) + (uint64_t) h->mcycle_offset;
        else
            old = (h->mcountinhibit & 4)
                      ? h->minstret_frozen
                      : retired_before(h, insn_index, block_insns) + (uint64_t) h->minstret_offset;
        break;
    case CSR_MCYCLE:
    case CSR_MINSTRET: {
        bool is_cycle = csr == CSR_MCYCLE;
        uint64_t inhibit = is_cycle ? 1 : 4;
        int64_t *offset = is_cycle ? &h->mcycle_offset : &h->minstret_offset;
        uint64_t *frozen = is_cycle ? &h->mcycle_frozen : &h->minstret_frozen;
        uint64_t now = retired_before(h, insn_index, block_insns);
        old = (h->mcountinhibit & inhibit) ? *frozen : now + (uint64_t) *offset;
        if (do_write) {
            uint64_t v = NEWVAL;
            if (h->mcountinhibit & inhibit)
                *frozen = v;
            else
                *offset = (int64_t) (v - (now + 1)); /* this instruction retires first */
        }
        break;
    }
    case CSR_MCOUNTINHIBIT:
        old = h->mcountinhibit;
        if (do_write) {
            uint64_t v = NEWVAL & ~2ull; /* time cannot be inhibited */
            uint64_t now = retired_before(h, insn_index, block_insns);
            /* Frozen counters hold what this instruction reads; thawed ones continue from
             * there with the next instruction. */
            if ((v & 1) && !(old & 1))
                h->mcycle_frozen = now + (uint64_t) h->mcycle_offset;
            if (!(v & 1) && (old & 1))
                h->mcycle_offset = (int64_t) (h->mcycle_frozen - (now + 1));
            if ((v & 4) && !(old & 4))
                h->minstret_frozen = now + (uint64_t) h->minstret_offset;
            if (!(v & 4) && (old & 4))
                h->minstret_offset = (int64_t) (h->minstret_frozen - (now + 1));
            h->mcountinhibit = v & 0xffffffffull;
        }
        break;

    /* ---- supervisor ---- */
    case CSR_SSTATUS:
        old = vr_hart_read_mstatus(h) & SSTATUS_MASK;
        if (do_write) {
            uint64_t v = NEWVAL;
            write_mstatus(h, (h->mstatus & ~SSTATUS_MASK) | (v & SSTATUS_MASK));
            state = true;
        }
        break;
    case CSR_SIE:
        old = h->mie & h->mideleg;
        if (do_write) {
            h->mie = (h->mie & ~h->mideleg) | (NEWVAL & h->mideleg & VR_S_INTERRUPTS);
            state = true;
        }
        break;
    case CSR_SIP: {
        vr_hart_update_timer_irq(h);
        uint64_t mip = atomic_load(&h->mip) | atomic_load(&h->irq_lines);
        old = mip & h->mideleg;
        if (do_write) {
            uint64_t writable = MIP_SSIP & h->mideleg;
            uint64_t v = NEWVAL;
            uint64_t cur = atomic_load(&h->mip);
            atomic_store(&h->mip, (cur & ~writable) | (v & writable));
            state = true;
        }
        break;
    }
    case CSR_STVEC:
        old = h->stvec;
        if (do_write) {
            uint64_t v = NEWVAL;
            if ((v & 3) < 2)
                h->stvec = v;
        }
        break;
    case CSR_SCOUNTEREN:
        old = h->scounteren;
        if (do_write)
            h->scounteren = NEWVAL & 0xffffffffull;
        break;
    case CSR_SENVCFG:
        old = h->senvcfg;
        if (do_write)
            h->senvcfg = NEWVAL & MENVCFG_FIOM;
        break;
    case CSR_SSCRATCH:
        old = h->sscratch;
        if (do_write)
            h->sscratch = NEWVAL;
        break;
    case CSR_SEPC:
        old = h->sepc;
        if (do_write)
            h->sepc = NEWVAL & ~1ull;
        break;
    case CSR_SCAUSE:
        old = h->scause;
        if (do_write)
            h->scause = NEWVAL;
        break;
    case CSR_STVAL:
        old = h->stval;
        if (do_write)
            h->stval = NEWVAL;
        break;
    case CSR_SATP:
        if (h->priv == VR_PRV_S && (h->mstatus & MSTATUS_TVM))
            return CAUSE_ILLEGAL_INSTRUCTION;
        old = h->satp;
        if (do_write) {
            uint64_t v = NEWVAL;
            unsigned mode = (unsigned) (v >> SATP_MODE_SHIFT);
            if (mode == SATP_MODE_BARE || mode == SATP_MODE_SV39 || mode == SATP_MODE_SV48 ||
                mode == SATP_MODE_SV57) {
                /* 16 ASID bits; with Bare, the other fields must be zero. */
                h->satp = mode == SATP_MODE_BARE ? 0 : v;
                vr_hart_update_mmu_idx(h); /* the TLB set of the new address space */
                state = true;
            }
        }
        break;

    /* ---- machine information ---- */
    case CSR_MVENDORID:
    case CSR_MARCHID:
    case CSR_MIMPID:
    case CSR_MCONFIGPTR: old = 0; break;
    case CSR_MHARTID: old = h->hartid; break;

    /* ---- machine trap setup and handling ---- */
    case CSR_MSTATUS:
        old = vr_hart_read_mstatus(h);
        if (do_write) {
            write_mstatus(h, NEWVAL);
            state = true;
        }
        break;
    case CSR_MISA: old = MISA_VALUE; break;
    case CSR_MEDELEG:
        old = h->medeleg;
        if (do_write)
            h->medeleg = NEWVAL & MEDELEG_WRITABLE;
        break;
    case CSR_MIDELEG:
        old = h->mideleg;
        if (do_write) {
            h->mideleg = NEWVAL & VR_S_INTERRUPTS;
            state = true;
        }
        break;
    case CSR_MIE:
        old = h->mie;
        if (do_write) {
            h->mie = NEWVAL & MIE_WRITABLE;
            state = true;
        }
        break;
    case CSR_MIP: {
        vr_hart_update_timer_irq(h);
        uint64_t sw = atomic_load(&h->mip);
        old = sw | atomic_load(&h->irq_lines);
        if (do_write) {
            /* Read-modify-write acts on the software-writable bits only. */
            uint64_t v = (sw & ~wmask) | (wdata & wmask);
            atomic_store(&h->mip, v & MIP_WRITABLE);
            state = true;
        }
        break;
    }
    case CSR_MTVEC:
        old = h->mtvec;
        if (do_write) {
            uint64_t v = NEWVAL;
            if ((v & 3) < 2)
                h->mtvec = v;
        }
        break;
    case CSR_MCOUNTEREN:
        old = h->mcounteren;
        if (do_write)
            h->mcounteren = NEWVAL & 0xffffffffull;
        break;
    case CSR_MENVCFG:
        old = h->menvcfg;
        if (do_write)
            h->menvcfg = NEWVAL & MENVCFG_FIOM;
        break;
    case CSR_MSCRATCH:
        old = h->mscratch;
        if (do_write)
            h->mscratch = NEWVAL;
        break;
    case CSR_MEPC:
        old = h->mepc;
        if (do_write)
            h->mepc = NEWVAL & ~1ull;
        break;
    case CSR_MCAUSE:
        old = h->mcause;
        if (do_write)
            h->mcause = NEWVAL;
        break;
    case CSR_MTVAL:
        old = h->mtval;
        if (do_write)
            h->mtval = NEWVAL;
        break;
    /* Sdtrig with no triggers (debug spec 1.0, 5.7): tselect holds 0, the only index it can
     * hold; tdata1 reads type 0 ("no trigger here") and ignores writes, as do tdata2/3;
     * tinfo says the selected trigger does not exist (bit 0) and ignores writes too. Software that
     * reads back what it wrote sees that no breakpoint was set. tcontrol and the context CSRs do
     * not exist. */
    case CSR_TSELECT:
    case CSR_TDATA1:
    case CSR_TDATA2:
    case CSR_TDATA3: old = 0; break;
    case CSR_TINFO: old = 1; break;

    default:
        if (csr >= CSR_HPMCOUNTER3 && csr <= CSR_HPMCOUNTER31) {
            if (!counter_enabled(h, csr - CSR_CYCLE))
                return CAUSE_ILLEGAL_INSTRUCTION;
            old = 0;
        } else if ((csr >= CSR_MHPMCOUNTER3 && csr <= CSR_MHPMCOUNTER31) ||
                   (csr >= CSR_MHPMEVENT3 && csr <= CSR_MHPMEVENT31)) {
            old = 0; /* no events to count: read-only zero */
        } else if (csr >= CSR_PMPCFG0 && csr <= CSR_PMPCFG15) {
            unsigned reg = pmpcfg_index(csr);
            if (reg & 1)
                return CAUSE_ILLEGAL_INSTRUCTION; /* odd pmpcfg registers are RV32-only */
            old = read_pmpcfg(h, reg);
            if (do_write) {
                write_pmpcfg(h, reg, NEWVAL);
                state = true;
            }
        } else if (csr >= CSR_PMPADDR0 && csr <= CSR_PMPADDR63) {
            unsigned i = csr - CSR_PMPADDR0;
            old = i < 16 ? h->pmp.addr[i] : 0;
            if (do_write) {
                write_pmpaddr(h, i, NEWVAL);
                state = true;
            }
        } else {
            return CAUSE_ILLEGAL_INSTRUCTION;
        }
        break;
    }
#undef NEWVAL

    if (do_read)
        *value = old;
    *changed = state;
    return 0;
}

bool vr_hart_csr_read(VrHart *h, unsigned csr, uint64_t *value)
{
    unsigned saved = h->priv;
    bool changed;
    h->priv = VR_PRV_M;
    int c = vr_csr_access(h, csr, value, 0, 0, true, false, 0, 0, &changed);
    h->priv = saved;
    return c == 0;
}

bool vr_hart_csr_write(VrHart *h, unsigned csr, uint64_t value)
{
    unsigned saved = h->priv;
    bool changed;
    uint64_t old;
    h->priv = VR_PRV_M;
    int c = vr_csr_access(h, csr, &old, value, ~0ull, false, true, 0, 0, &changed);
    h->priv = saved;
    vr_hart_update_mmu_idx(h);
    return c == 0;
}
