/* mstatus fields: MPRV, SUM, MXR, TVM, TSR, FS/SD, and sstatus as a restricted view of
 * mstatus. (TW is checked with WFI in interrupts.c; UXL/SXL being read-only in
 * impl-csrs.c.) */
#include "vm.h"

#define TVA    0x40000000UL
#define KPAGE  (TVA + 0x0000) /* kernel page: R/W */
#define UPAGE  (TVA + 0x1000) /* user page: R/W/X, U */
#define XPAGE  (TVA + 0x2000) /* kernel execute-only page */
#define UXPAGE (TVA + 0x3000) /* user execute-only page */

#define DATA_WORD 0x0123456789abcdefUL
static uint64_t *target;

static void reset_target(void)
{
    target[0] = 0x0000806702a00513UL; /* li a0, 42; ret */
    target[1] = DATA_WORD;
    __asm__ volatile("fence.i" ::: "memory");
}

/* M-mode load/store of va with MPRV = 1 and MPP = mpp, and extra mstatus bits, all in one
 * asm block so that nothing else runs translated. */
static uint64_t mprv_load(uint64_t va, uint64_t mpp, uint64_t extra)
{
    uint64_t v = 0, old = read_csr(mstatus);
    uint64_t set = MSTATUS_MPRV | (mpp << 11) | extra;
    __asm__ volatile("csrc mstatus, %3\n"
                     "csrs mstatus, %2\n"
                     "ld %0, 8(%1)\n"
                     "csrc mstatus, %2\n"
                     : "+&r"(v)
                     : "r"(va), "r"(set), "r"(MSTATUS_MPP)
                     : "memory");
    write_csr(mstatus, old);
    return v;
}
static void mprv_store(uint64_t va, uint64_t mpp, uint64_t value)
{
    uint64_t old = read_csr(mstatus);
    uint64_t set = MSTATUS_MPRV | (mpp << 11);
    __asm__ volatile("csrc mstatus, %3\n"
                     "csrs mstatus, %2\n"
                     "sd %0, 8(%1)\n"
                     "csrc mstatus, %2\n" ::"r"(value),
                     "r"(va), "r"(set), "r"(MSTATUS_MPP)
                     : "memory");
    write_csr(mstatus, old);
}

enum { OP_LOAD, OP_STORE, OP_FETCH };
static uint64_t probe(uint64_t arg)
{
    uint64_t va = arg & ~3UL;
    switch (arg & 3) {
    case OP_LOAD: return ld64(va + 8);
    case OP_STORE: sd64(va + 8, 0x77UL); return 0;
    default: return priv_call(va);
    }
}

/* Run probe in mode; returns the trap cause, or ~0 when nothing trapped (value in *r). */
static uint64_t access(int mode, uint64_t va, int op, uint64_t *r)
{
    reset_target();
    rt_expect_trap();
    uint64_t v = rt_run_in_mode(mode, probe, va | (uint64_t) op);
    if (r)
        *r = v;
    if (!rt_trap_count())
        return ~0UL;
    return rt_trap_last.cause;
}
#define NONE (~0UL)

static volatile uint64_t lower_pc;
PRIV_LOWER_FN(s_csrr_satp, lower_pc, "", "csrr t0, satp")
PRIV_LOWER_FN(s_csrw_satp, lower_pc, "li t1, 0", "csrw satp, t1")
PRIV_LOWER_FN(s_sfence, lower_pc, "", "sfence.vma")
PRIV_LOWER_FN(s_sfence_addr, lower_pc, "mv t0, sp", "sfence.vma t0, zero")
PRIV_LOWER_FN(s_sret, lower_pc, "la t0, 2f\ncsrw sepc, t0\nli t0, 0x100\ncsrs sstatus, t0",
              "sret\n2:")
PRIV_LOWER_FN(lower_fadd, lower_pc, "", "fadd.d ft0, ft1, ft2")
PRIV_LOWER_FN(lower_frcsr, lower_pc, "", "csrr t0, fcsr")

/* Expect one illegal-instruction trap into M from fn in mode (tval: the bits at pc). */
static void expect_illegal(int n, int mode, uint64_t (*fn)(uint64_t))
{
    rt_expect_trap();
    rt_run_in_mode(mode, fn, 0);
    CHECK_EQ(n, rt_trap_count(), 1);
    CHECK_EQ(n, rt_trap_last.cause, CAUSE_ILLEGAL_INSTRUCTION);
    CHECK_EQ(n, rt_trap_last.epc, lower_pc);
    CHECK_EQ(n, rt_trap_last.tval, *(volatile uint32_t *) lower_pc);
}
static void expect_no_trap(int n, int mode, uint64_t (*fn)(uint64_t))
{
    rt_expect_trap();
    rt_run_in_mode(mode, fn, 0);
    CHECK_EQ(n, rt_trap_count(), 0);
}

static uint64_t fs(void)
{
    return read_csr(mstatus) & MSTATUS_FS;
}

int test_main(void)
{
    vm_space kern, user, data_only;
    uint64_t r;
    priv_reset_traps();
    target = vm_alloc_page();
    vm_init(&kern, 3);
    vm_identity(&kern, VM_KERNEL);
    vm_map(&kern, KPAGE, (uint64_t) target, 0, PTE_V | PTE_R | PTE_W | PTE_A | PTE_D);
    vm_map(&kern, UPAGE, (uint64_t) target, 0, VM_USER);
    vm_map(&kern, XPAGE, (uint64_t) target, 0, PTE_V | PTE_X | PTE_A);
    vm_map(&kern, UXPAGE, (uint64_t) target, 0, PTE_V | PTE_X | PTE_U | PTE_A);
    /* U-mode code runs through its own table, with U set on the identity map. */
    vm_init(&user, 3);
    vm_identity(&user, VM_USER);
    vm_map(&user, KPAGE, (uint64_t) target, 0, PTE_V | PTE_R | PTE_W | PTE_A | PTE_D);
    vm_map(&user, UXPAGE, (uint64_t) target, 0, PTE_V | PTE_X | PTE_U | PTE_A);
    /* A table that maps nothing but the test page: M-mode code keeps running with MPRV
     * set, because instruction fetch is not translated. */
    vm_init(&data_only, 3);
    vm_map(&data_only, KPAGE, (uint64_t) target, 0, PTE_V | PTE_R | PTE_W | PTE_A | PTE_D);
    reset_target();

    /* MPRV: M-mode loads and stores translated and checked as MPP's mode. */
    vm_activate(&data_only, 0);
    rt_expect_trap();
    CHECK_EQ(1, mprv_load(KPAGE, MODE_S, 0), DATA_WORD);
    mprv_store(KPAGE, MODE_S, 0x55);
    CHECK_EQ(2, rt_trap_count(), 0);
    CHECK_EQ(3, target[1], 0x55);
    /* MPP = U: the page has no U bit. */
    reset_target();
    rt_expect_trap();
    mprv_load(KPAGE, MODE_U, 0);
    CHECK_EQ(4, rt_trap_count(), 1);
    CHECK_EQ(5, rt_trap_last.cause, CAUSE_LOAD_PAGE_FAULT);
    CHECK_EQ(6, rt_trap_last.tval, KPAGE + 8);
    CHECK_EQ(7, rt_trap_last.mode, 3);
    rt_expect_trap();
    mprv_store(KPAGE, MODE_U, 0x66);
    CHECK_EQ(8, rt_trap_count(), 1);
    CHECK_EQ(9, rt_trap_last.cause, CAUSE_STORE_PAGE_FAULT);
    CHECK_EQ(10, target[1], DATA_WORD);
    /* MPP = M: no translation (target's physical address). */
    rt_expect_trap();
    CHECK_EQ(11, mprv_load((uint64_t) target, MODE_M, 0), DATA_WORD);
    CHECK_EQ(12, rt_trap_count(), 0);
    /* Without MPRV, M-mode does not translate at all. */
    CHECK_EQ(13, ld64((uint64_t) target + 8), DATA_WORD);
    vm_activate(&kern, 0);
    /* MPRV with SUM and MXR. */
    rt_expect_trap();
    mprv_load(UPAGE, MODE_S, 0);
    CHECK_EQ(14, rt_trap_count(), 1);
    CHECK_EQ(15, rt_trap_last.cause, CAUSE_LOAD_PAGE_FAULT);
    rt_expect_trap();
    CHECK_EQ(16, mprv_load(UPAGE, MODE_S, MSTATUS_SUM), DATA_WORD);
    CHECK_EQ(17, rt_trap_count(), 0);
    rt_expect_trap();
    mprv_load(XPAGE, MODE_S, 0);
    CHECK_EQ(18, rt_trap_count(), 1);
    CHECK_EQ(19, rt_trap_last.cause, CAUSE_LOAD_PAGE_FAULT);
    rt_expect_trap();
    CHECK_EQ(20, mprv_load(XPAGE, MODE_S, MSTATUS_MXR), DATA_WORD);
    CHECK_EQ(21, rt_trap_count(), 0);
    rt_expect_trap();
    CHECK_EQ(22, mprv_load(UPAGE, MODE_U, 0), DATA_WORD);
    CHECK_EQ(23, rt_trap_count(), 0);

    /* SUM: S-mode loads/stores to U pages fault unless SUM = 1; fetches always fault. */
    clear_csr(mstatus, MSTATUS_SUM | MSTATUS_MXR);
    CHECK_EQ(30, access(MODE_S, UPAGE, OP_LOAD, 0), CAUSE_LOAD_PAGE_FAULT);
    CHECK_EQ(31, rt_trap_last.tval, UPAGE + 8);
    CHECK_EQ(32, access(MODE_S, UPAGE, OP_STORE, 0), CAUSE_STORE_PAGE_FAULT);
    CHECK_EQ(33, access(MODE_S, UPAGE, OP_FETCH, 0), CAUSE_FETCH_PAGE_FAULT);
    set_csr(mstatus, MSTATUS_SUM);
    CHECK_EQ(34, access(MODE_S, UPAGE, OP_LOAD, &r), NONE);
    CHECK_EQ(35, r, DATA_WORD);
    CHECK_EQ(36, access(MODE_S, UPAGE, OP_STORE, 0), NONE);
    CHECK_EQ(37, target[1], 0x77);
    CHECK_EQ(38, access(MODE_S, UPAGE, OP_FETCH, 0), CAUSE_FETCH_PAGE_FAULT);
    CHECK_EQ(39, rt_trap_last.tval, UPAGE);
    /* SUM does not let U-mode at S pages. */
    vm_activate(&user, 0);
    CHECK_EQ(40, access(MODE_U, KPAGE, OP_LOAD, 0), CAUSE_LOAD_PAGE_FAULT);
    vm_activate(&kern, 0);
    /* SUM is visible and writable in sstatus. */
    CHECK_EQ(41, read_csr(sstatus) & MSTATUS_SUM, MSTATUS_SUM);
    clear_csr(sstatus, MSTATUS_SUM);
    CHECK_EQ(42, read_csr(mstatus) & MSTATUS_SUM, 0);

    /* MXR: loads from execute-only pages; stores still fault. */
    CHECK_EQ(50, access(MODE_S, XPAGE, OP_LOAD, 0), CAUSE_LOAD_PAGE_FAULT);
    vm_activate(&user, 0);
    CHECK_EQ(51, access(MODE_U, UXPAGE, OP_LOAD, 0), CAUSE_LOAD_PAGE_FAULT);
    vm_activate(&kern, 0);
    CHECK_EQ(52, access(MODE_S, XPAGE, OP_FETCH, &r), NONE);
    CHECK_EQ(53, r, 42);
    set_csr(mstatus, MSTATUS_MXR);
    CHECK_EQ(54, access(MODE_S, XPAGE, OP_LOAD, &r), NONE);
    CHECK_EQ(55, r, DATA_WORD);
    vm_activate(&user, 0);
    CHECK_EQ(56, access(MODE_U, UXPAGE, OP_LOAD, &r), NONE);
    CHECK_EQ(57, r, DATA_WORD);
    vm_activate(&kern, 0);
    CHECK_EQ(58, access(MODE_S, XPAGE, OP_STORE, 0), CAUSE_STORE_PAGE_FAULT);
    CHECK_EQ(59, read_csr(sstatus) & MSTATUS_MXR, MSTATUS_MXR);
    /* An execute-only U page from S-mode needs both SUM and MXR. */
    CHECK_EQ(45, access(MODE_S, UXPAGE, OP_LOAD, 0), CAUSE_LOAD_PAGE_FAULT);
    set_csr(mstatus, MSTATUS_SUM);
    CHECK_EQ(46, access(MODE_S, UXPAGE, OP_LOAD, &r), NONE);
    CHECK_EQ(47, r, DATA_WORD);
    clear_csr(mstatus, MSTATUS_MXR);
    CHECK_EQ(48, access(MODE_S, UXPAGE, OP_LOAD, 0), CAUSE_LOAD_PAGE_FAULT);
    clear_csr(mstatus, MSTATUS_SUM);

    /* TVM: satp accesses and sfence.vma in S-mode are illegal; M-mode is not affected. */
    expect_no_trap(60, MODE_S, s_csrr_satp);
    expect_no_trap(61, MODE_S, s_sfence);
    set_csr(mstatus, MSTATUS_TVM);
    expect_illegal(62, MODE_S, s_csrr_satp);
    expect_illegal(63, MODE_S, s_csrw_satp);
    expect_illegal(64, MODE_S, s_sfence);
    expect_illegal(65, MODE_S, s_sfence_addr);
    CHECK_EQ(66, read_csr(satp), vm_satp(&kern, 0));
    sfence_all();
    CHECK_EQ(67, read_csr(sstatus) & MSTATUS_TVM, 0);
    clear_csr(mstatus, MSTATUS_TVM);
    expect_no_trap(68, MODE_S, s_csrw_satp);

    /* TSR: sret in S-mode is illegal. */
    expect_no_trap(70, MODE_S, s_sret);
    set_csr(mstatus, MSTATUS_TSR);
    expect_illegal(71, MODE_S, s_sret);
    clear_csr(mstatus, MSTATUS_TSR);
    vm_deactivate();

    /* FS = Off: FP instructions and the FP CSRs are illegal, in every mode. */
    clear_csr(mstatus, MSTATUS_FS);
    CHECK_EQ(80, read_csr(mstatus) & (MSTATUS_FS | MSTATUS_SD), 0);
    uint64_t pc;
    rt_expect_trap();
    __asm__ volatile("la %0, 1f\n1: fmv.d.x ft0, zero" : "=&r"(pc)::"memory");
    CHECK_EQ(81, rt_trap_count(), 1);
    CHECK_EQ(82, rt_trap_last.cause, CAUSE_ILLEGAL_INSTRUCTION);
    CHECK_EQ(83, rt_trap_last.epc, pc);
    rt_expect_trap();
    __asm__ volatile("csrr t0, fflags\ncsrw frm, zero\nfld ft0, 0(sp)\nfsd ft0, -8(sp)" ::
                         : "t0", "memory");
    CHECK_EQ(84, rt_trap_count(), 4);
    expect_illegal(85, MODE_S, lower_fadd);
    expect_illegal(86, MODE_U, lower_frcsr);
    CHECK_EQ(87, fs(), 0);
    /* Initial -> Dirty on an FP register write; SD follows FS == Dirty. */
    set_csr(mstatus, MSTATUS_FS_INITIAL);
    CHECK_EQ(88, read_csr(mstatus) & MSTATUS_SD, 0);
    __asm__ volatile("fmv.d.x ft0, zero" ::: "memory");
    CHECK_EQ(89, fs(), MSTATUS_FS_DIRTY);
    CHECK_EQ(90, read_csr(mstatus) & MSTATUS_SD, MSTATUS_SD);
    CHECK_EQ(91, read_csr(sstatus) & (MSTATUS_SD | MSTATUS_FS), MSTATUS_SD | MSTATUS_FS_DIRTY);
    /* Clean -> Dirty on an fcsr write, and from S-mode. */
    write_csr(mstatus, (read_csr(mstatus) & ~MSTATUS_FS) | MSTATUS_FS_CLEAN);
    CHECK_EQ(92, fs(), MSTATUS_FS_CLEAN);
    CHECK_EQ(93, read_csr(mstatus) & MSTATUS_SD, 0);
    write_csr(fcsr, 0);
    CHECK_EQ(94, fs(), MSTATUS_FS_DIRTY);
    write_csr(mstatus, (read_csr(mstatus) & ~MSTATUS_FS) | MSTATUS_FS_CLEAN);
    expect_no_trap(95, MODE_S, lower_fadd);
    CHECK_EQ(96, fs(), MSTATUS_FS_DIRTY);
    /* SD is read-only. */
    write_csr(mstatus, (read_csr(mstatus) & ~MSTATUS_FS) | MSTATUS_FS_INITIAL | MSTATUS_SD);
    CHECK_EQ(97, read_csr(mstatus) & MSTATUS_SD, 0);

    /* sstatus: only the S-level fields show, and writes leave M's fields alone. */
    const uint64_t m_only = MSTATUS_MIE | MSTATUS_MPIE | MSTATUS_MPP | MSTATUS_MPRV | MSTATUS_TVM |
                            MSTATUS_TW | MSTATUS_TSR | MSTATUS_SXL;
    const uint64_t s_view = MSTATUS_SIE | MSTATUS_SPIE | MSTATUS_UBE | MSTATUS_SPP | (3UL << 9) |
                            MSTATUS_FS | MSTATUS_XS | MSTATUS_SUM | MSTATUS_MXR | MSTATUS_UXL |
                            MSTATUS_SD;
    set_csr(mstatus, MSTATUS_MPP_S | MSTATUS_MPIE | MSTATUS_TW | MSTATUS_TSR | MSTATUS_SPIE);
    uint64_t m = read_csr(mstatus), s = read_csr(sstatus);
    CHECK_EQ(100, s, m & s_view);
    CHECK_EQ(101, s & m_only, 0);
    CHECK_EQ(102, (s & MSTATUS_UXL) >> 32, 2);
    CHECK_EQ(103, (m & MSTATUS_SXL) >> 34, 2);
    write_csr(sstatus, ~0UL);
    uint64_t m2 = read_csr(mstatus);
    CHECK_EQ(104, m2 & m_only, m & m_only);
    CHECK_EQ(105, m2 & (MSTATUS_SIE | MSTATUS_SPIE | MSTATUS_SPP | MSTATUS_SUM | MSTATUS_MXR),
             MSTATUS_SIE | MSTATUS_SPIE | MSTATUS_SPP | MSTATUS_SUM | MSTATUS_MXR);
    CHECK_EQ(106, m2 & MSTATUS_FS, MSTATUS_FS_DIRTY);
    CHECK_EQ(108, m2 & MSTATUS_UBE, 0); /* little-endian only */
    write_csr(sstatus, 0);
    uint64_t m3 = read_csr(mstatus);
    CHECK_EQ(109, m3 & m_only, m & m_only);
    CHECK_EQ(
        110,
        m3 & (MSTATUS_SIE | MSTATUS_SPIE | MSTATUS_SPP | MSTATUS_SUM | MSTATUS_MXR | MSTATUS_FS),
        0);
    write_csr(mstatus, (m & ~(MSTATUS_TW | MSTATUS_TSR | MSTATUS_SPIE | MSTATUS_MPP | MSTATUS_MPIE |
                              MSTATUS_FS)) |
                           MSTATUS_FS_INITIAL);
    return 0;
}
