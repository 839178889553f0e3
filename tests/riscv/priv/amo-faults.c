/* Faults of atomic instructions: an AMO or SC that faults raises the store/AMO cause
 * (access fault 7, page fault 15, misaligned 6), an LR the load cause. QEMU 7.2 reports
 * AMO faults as loads and fails a misaligned SC without trapping, so this program runs
 * in Vireo only. */
#include "pmp.h"
#include "vm.h"

#define TVA     0x40000000UL
#define RO_VA   (TVA + 0x0000) /* read-only */
#define NONE_VA (TVA + 0x1000) /* V = 0 */
#define X_VA    (TVA + 0x2000) /* execute-only */
#define U_VA    (TVA + 0x3000) /* user page */
#define RW_VA   (TVA + 0x4000) /* read-write */

static uint64_t *target;

enum { AMOADD_D, AMOSWAP_W, AMOOR_D, LR_D, SC_D, SC_W };
static struct {
    uint64_t addr;
    int op;
} job;

static uint64_t atomic(uint64_t arg)
{
    (void) arg;
    uint64_t a = job.addr, v = 1;
    switch (job.op) {
    case AMOADD_D: __asm__ volatile("amoadd.d %0, %0, (%1)" : "+r"(v) : "r"(a) : "memory"); break;
    case AMOSWAP_W: __asm__ volatile("amoswap.w %0, %0, (%1)" : "+r"(v) : "r"(a) : "memory"); break;
    case AMOOR_D: __asm__ volatile("amoor.d %0, %0, (%1)" : "+r"(v) : "r"(a) : "memory"); break;
    case LR_D: __asm__ volatile("lr.d %0, (%1)" : "=r"(v) : "r"(a) : "memory"); break;
    case SC_D: __asm__ volatile("sc.d %0, %0, (%1)" : "+r"(v) : "r"(a) : "memory"); break;
    default: __asm__ volatile("sc.w %0, %0, (%1)" : "+r"(v) : "r"(a) : "memory"); break;
    }
    return v;
}

/* Run one atomic at addr in mode (M runs it directly); returns the cause or ~0. */
static uint64_t run(int mode, uint64_t addr, int op)
{
    job.addr = addr;
    job.op = op;
    rt_expect_trap();
    if (mode == MODE_M)
        atomic(0);
    else
        rt_run_in_mode(mode, atomic, 0);
    if (!rt_trap_count())
        return ~0UL;
    if (rt_trap_last.tval != addr)
        return 0xbad0000 | rt_trap_last.cause;
    return rt_trap_last.cause;
}
#define OK  (~0UL)
#define SAF CAUSE_STORE_ACCESS
#define LAF CAUSE_LOAD_ACCESS
#define SPF CAUSE_STORE_PAGE_FAULT
#define LPF CAUSE_LOAD_PAGE_FAULT

int test_main(void)
{
    priv_reset_traps();
    target = vm_alloc_page();

    /* Nothing at the physical address: store/AMO access fault for AMOs and SC. */
    CHECK_EQ(1, run(MODE_M, UNMAPPED_A, AMOADD_D), SAF);
    CHECK_EQ(2, run(MODE_M, UNMAPPED_A + 4, AMOSWAP_W), SAF);
    CHECK_EQ(3, run(MODE_S, UNMAPPED_B, AMOOR_D), SAF);
    CHECK_EQ(4, run(MODE_M, UNMAPPED_A, LR_D), LAF);
    CHECK_EQ(5, run(MODE_M, UNMAPPED_A, SC_D), SAF);
    /* Misaligned: SC raises 6 like the AMOs, with or without a reservation. */
    CHECK_EQ(6, run(MODE_M, (uint64_t) target + 4, SC_D), CAUSE_MISALIGNED_STORE);
    CHECK_EQ(7, run(MODE_S, (uint64_t) target + 2, SC_W), CAUSE_MISALIGNED_STORE);
    CHECK_EQ(8, run(MODE_M, (uint64_t) target + 4, AMOADD_D), CAUSE_MISALIGNED_STORE);

    /* PMP: a read-only region. */
    pmp_reset();
    pmp_set(0, pmp_napot((uint64_t) target, 0x1000), PMP_NAPOT | PMP_R);
    CHECK_EQ(10, run(MODE_S, (uint64_t) target + 8, AMOADD_D), SAF);
    CHECK_EQ(11, run(MODE_U, (uint64_t) target + 8, AMOSWAP_W), SAF);
    CHECK_EQ(12, run(MODE_S, (uint64_t) target + 8, LR_D), OK);
    CHECK_EQ(13, run(MODE_S, (uint64_t) target + 8, SC_D), SAF);
    pmp_set(0, pmp_napot((uint64_t) target, 0x1000), PMP_NAPOT);
    CHECK_EQ(14, run(MODE_S, (uint64_t) target + 8, LR_D), LAF);
    pmp_reset();

    /* Page faults. */
    vm_space kern;
    vm_init(&kern, 3);
    vm_identity(&kern, VM_KERNEL);
    vm_map(&kern, RO_VA, (uint64_t) target, 0, PTE_V | PTE_R | PTE_A);
    vm_map(&kern, NONE_VA, (uint64_t) target, 0, PTE_R | PTE_W | PTE_A | PTE_D);
    vm_map(&kern, X_VA, (uint64_t) target, 0, PTE_V | PTE_X | PTE_A);
    vm_map(&kern, U_VA, (uint64_t) target, 0, VM_USER);
    vm_map(&kern, RW_VA, (uint64_t) target, 0, VM_KERNEL & ~PTE_X);
    vm_activate(&kern, 0);
    CHECK_EQ(20, run(MODE_S, RO_VA + 8, AMOADD_D), SPF);
    CHECK_EQ(21, run(MODE_S, RO_VA + 8, LR_D), OK);
    CHECK_EQ(22, run(MODE_S, RO_VA + 8, SC_D), SPF);
    CHECK_EQ(23, run(MODE_S, NONE_VA + 16, AMOSWAP_W), SPF);
    CHECK_EQ(24, run(MODE_S, NONE_VA + 16, LR_D), LPF);
    CHECK_EQ(25, run(MODE_S, X_VA + 8, AMOOR_D), SPF);
    CHECK_EQ(26, run(MODE_S, U_VA + 8, AMOADD_D), SPF); /* SUM = 0 */
    CHECK_EQ(27, run(MODE_S, RW_VA + 8, AMOADD_D), OK);
    CHECK_EQ(28, run(MODE_S, (TVA + 8) | (1UL << 40), AMOADD_D), SPF); /* non-canonical */
    /* Delegated to S-mode: scause 15. */
    priv_setup_strap();
    write_csr(medeleg, 1UL << SPF);
    CHECK_EQ(29, run(MODE_S, RO_VA + 8, AMOSWAP_W), SPF);
    CHECK_EQ(30, rt_trap_last.mode, 1);
    write_csr(medeleg, 0);
    vm_deactivate();
    return 0;
}
