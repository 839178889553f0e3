/* The hart sets the A and D bits of leaf PTEs itself (docs/riscv-hart.md): a load or
 * fetch sets A, a store sets A and D, an access that faults sets neither, and a store
 * through a translation first used by a load still sets D. */
#include "vm.h"

#define TVA     0x40000000UL
#define MEGA_VA 0x40400000UL /* a 2 MiB page */

static uint64_t *target;

enum { OP_LOAD, OP_STORE, OP_FETCH, OP_AMO, OP_LOAD_STORE };
static uint64_t probe(uint64_t arg)
{
    uint64_t va = arg & ~7UL, v;
    switch (arg & 7) {
    case OP_LOAD: return ld64(va + 8);
    case OP_STORE: sd64(va + 8, 5); return 0;
    case OP_FETCH: return priv_call(va);
    case OP_AMO:
        __asm__ volatile("amoadd.d %0, %1, (%2)" : "=r"(v) : "r"(1UL), "r"(va + 8) : "memory");
        return v;
    default:
        v = ld64(va + 8);
        sd64(va + 8, v + 1);
        return v;
    }
}

static int run(int mode, uint64_t va, int op)
{
    rt_expect_trap();
    rt_run_in_mode(mode, probe, va | (uint64_t) op);
    return rt_trap_count();
}

#define AD (PTE_A | PTE_D)

int test_main(void)
{
    vm_space kern, user;
    priv_reset_traps();
    target = vm_alloc_page();
    target[0] = 0x0000806702a00513UL; /* li a0, 42; ret */
    __asm__ volatile("fence.i" ::: "memory");

    vm_init(&kern, 3);
    vm_identity(&kern, VM_KERNEL);
    vm_init(&user, 3);
    vm_identity(&user, VM_USER);
    uint64_t rw = PTE_V | PTE_R | PTE_W, rx = PTE_V | PTE_R | PTE_X;
    uint64_t *p_load = vm_map(&kern, TVA + 0x0000, (uint64_t) target, 0, rw);
    uint64_t *p_store = vm_map(&kern, TVA + 0x1000, (uint64_t) target, 0, rw);
    uint64_t *p_fetch = vm_map(&kern, TVA + 0x2000, (uint64_t) target, 0, rx);
    uint64_t *p_ro = vm_map(&kern, TVA + 0x3000, (uint64_t) target, 0, PTE_V | PTE_R);
    uint64_t *p_amo = vm_map(&kern, TVA + 0x4000, (uint64_t) target, 0, rw);
    uint64_t *p_ls = vm_map(&kern, TVA + 0x5000, (uint64_t) target, 0, rw);
    uint64_t *p_user = vm_map(&kern, TVA + 0x6000, (uint64_t) target, 0, rw | PTE_U);
    uint64_t *p_noread = vm_map(&kern, TVA + 0x7000, (uint64_t) target, 0, PTE_V | PTE_X);
    uint64_t *p_mega = vm_map(&kern, MEGA_VA, VM_IDENTITY_BASE, 1, rw);
    uint64_t *p_u = vm_map(&user, TVA, (uint64_t) target, 0, rw | PTE_U);
    vm_activate(&kern, 0);

    /* A load sets A only. */
    CHECK_EQ(1, *p_load & AD, 0);
    CHECK_EQ(2, run(MODE_S, TVA, OP_LOAD), 0);
    CHECK_EQ(3, *p_load & AD, PTE_A);
    /* A store sets A and D. */
    CHECK_EQ(4, run(MODE_S, TVA + 0x1000, OP_STORE), 0);
    CHECK_EQ(5, *p_store & AD, AD);
    CHECK_EQ(6, target[1], 5);
    /* A fetch sets A only. */
    CHECK_EQ(7, run(MODE_S, TVA + 0x2000, OP_FETCH), 0);
    CHECK_EQ(8, *p_fetch & AD, PTE_A);
    /* An AMO is a store. */
    CHECK_EQ(9, run(MODE_S, TVA + 0x4000, OP_AMO), 0);
    CHECK_EQ(10, *p_amo & AD, AD);
    CHECK_EQ(11, target[1], 6);
    /* A load then a store through the same (possibly cached) translation: D is set by
     * the store. */
    CHECK_EQ(12, run(MODE_S, TVA + 0x5000, OP_LOAD), 0);
    CHECK_EQ(13, *p_ls & AD, PTE_A);
    CHECK_EQ(14, run(MODE_S, TVA + 0x5000, OP_LOAD_STORE), 0);
    CHECK_EQ(15, *p_ls & AD, AD);
    CHECK_EQ(16, target[1], 7);
    /* Software clears D and flushes: the next store sets it again. */
    *p_ls &= ~PTE_D;
    sfence_all();
    CHECK_EQ(17, run(MODE_S, TVA + 0x5000, OP_STORE), 0);
    CHECK_EQ(18, *p_ls & AD, AD);
    /* ... and the same for A. */
    *p_load &= ~PTE_A;
    sfence_all();
    CHECK_EQ(19, run(MODE_S, TVA, OP_LOAD), 0);
    CHECK_EQ(20, *p_load & AD, PTE_A);

    /* Accesses that fault leave A and D alone. */
    CHECK_EQ(21, run(MODE_S, TVA + 0x3000, OP_STORE), 1);
    CHECK_EQ(22, rt_trap_last.cause, CAUSE_STORE_PAGE_FAULT);
    CHECK_EQ(23, *p_ro & AD, 0);
    CHECK_EQ(24, run(MODE_S, TVA + 0x6000, OP_LOAD), 1); /* U page, SUM = 0 */
    CHECK_EQ(25, rt_trap_last.cause, CAUSE_LOAD_PAGE_FAULT);
    CHECK_EQ(26, *p_user & AD, 0);
    CHECK_EQ(27, run(MODE_S, TVA + 0x7000, OP_LOAD), 1);
    CHECK_EQ(28, *p_noread & AD, 0);
    CHECK_EQ(29, run(MODE_S, TVA + 0x3000, OP_LOAD), 0);
    CHECK_EQ(30, *p_ro & AD, PTE_A);

    /* The leaf of a superpage gets them too. */
    uint64_t mega_target = MEGA_VA + ((uint64_t) target - VM_IDENTITY_BASE);
    CHECK_EQ(31, run(MODE_S, mega_target, OP_LOAD), 0);
    CHECK_EQ(32, *p_mega & AD, PTE_A);
    CHECK_EQ(33, run(MODE_S, mega_target, OP_STORE), 0);
    CHECK_EQ(34, *p_mega & AD, AD);
    /* The non-leaf entries above a leaf are left as they were. */
    CHECK_EQ(35, *vm_pte(&kern, TVA, 1) & (AD | PTE_U), 0);
    CHECK_EQ(36, *vm_pte(&kern, TVA, 2) & (AD | PTE_U), 0);

    /* From U-mode, and from M-mode with MPRV. */
    vm_activate(&user, 0);
    CHECK_EQ(40, run(MODE_U, TVA, OP_LOAD), 0);
    CHECK_EQ(41, *p_u & AD, PTE_A);
    CHECK_EQ(42, run(MODE_U, TVA, OP_STORE), 0);
    CHECK_EQ(43, *p_u & AD, AD);
    vm_activate(&kern, 0);
    *p_load &= ~AD;
    sfence_all();
    uint64_t v, mprv = MSTATUS_MPRV | MSTATUS_MPP_S;
    __asm__ volatile("csrc mstatus, %2\ncsrs mstatus, %1\nld %0, 8(%3)\ncsrc mstatus, %1"
                     : "=&r"(v)
                     : "r"(mprv), "r"(MSTATUS_MPP), "r"(TVA)
                     : "memory");
    CHECK_EQ(44, v, 5);
    CHECK_EQ(45, *p_load & AD, PTE_A);
    __asm__ volatile(
        "csrc mstatus, %1\ncsrs mstatus, %0\nsd zero, 8(%2)\ncsrc mstatus, %0" ::"r"(mprv),
        "r"(MSTATUS_MPP), "r"(TVA)
        : "memory");
    CHECK_EQ(46, *p_load & AD, AD);
    CHECK_EQ(47, target[1], 0);

    vm_deactivate();
    return 0;
}
