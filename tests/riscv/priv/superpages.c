/* Sv39 superpages: 2 MiB and 1 GiB leaves translate with the low VPNs as offset; a leaf
 * whose PPN is not aligned to its size is a page fault. (512 GiB pages: sv48-57.c.) */
#include "vm.h"

#define MEGA_VA   0x40200000UL  /* 2 MiB leaf -> RAM base */
#define GIGA_VA   0xc0000000UL  /* 1 GiB leaf -> 0x80000000 (VPN[2] = 3) */
#define BAD_MEGA  0x40600000UL  /* 2 MiB leaf with a 4 KiB-aligned PPN */
#define BAD_GIGA  0x140000000UL /* 1 GiB leaf with a 2 MiB-aligned PPN */
#define USER_MEGA 0x40800000UL  /* 2 MiB user leaf */

static uint64_t *target;

enum { OP_LOAD, OP_STORE, OP_FETCH };
static uint64_t probe(uint64_t arg)
{
    uint64_t va = arg & ~3UL;
    switch (arg & 3) {
    case OP_LOAD: return ld64(va + 8);
    case OP_STORE: sd64(va + 8, 0x5eed); return 0;
    default: return priv_call(va);
    }
}

/* Returns the trap cause, or ~0 when the access went through (value in *r). */
static uint64_t access(int mode, uint64_t va, int op, uint64_t *r)
{
    rt_expect_trap();
    uint64_t v = rt_run_in_mode(mode, probe, va | (uint64_t) op);
    if (r)
        *r = v;
    if (!rt_trap_count())
        return ~0UL;
    return rt_trap_last.cause;
}
#define NONE (~0UL)

int test_main(void)
{
    vm_space kern, user;
    uint64_t r;
    priv_reset_traps();
    target = vm_alloc_page();
    target[0] = 0x0000806702a00513UL; /* li a0, 42; ret */
    target[1] = 0xfeedfacecafebeefUL;
    __asm__ volatile("fence.i" ::: "memory");
    uint64_t off = (uint64_t) target - VM_IDENTITY_BASE; /* target's offset in RAM */

    vm_init(&kern, 3);
    vm_identity(&kern, VM_KERNEL);
    vm_map(&kern, MEGA_VA, VM_IDENTITY_BASE, 1, VM_KERNEL);
    vm_map(&kern, GIGA_VA, 0x80000000UL, 2, VM_KERNEL);
    vm_map(&kern, BAD_MEGA, VM_IDENTITY_BASE + 0x1000, 1, VM_KERNEL);
    vm_map(&kern, BAD_GIGA, 0x80200000UL, 2, VM_KERNEL);
    vm_init(&user, 3);
    vm_identity(&user, VM_USER);
    vm_map(&user, USER_MEGA, VM_IDENTITY_BASE, 1, VM_USER);
    vm_map(&user, MEGA_VA, VM_IDENTITY_BASE, 1, VM_KERNEL); /* no U */
    vm_activate(&kern, 0);

    /* 2 MiB: VA bits 20:0 are the offset. */
    CHECK_EQ(1, access(MODE_S, MEGA_VA + off, OP_LOAD, &r), NONE);
    CHECK_EQ(2, r, 0xfeedfacecafebeefUL);
    CHECK_EQ(3, access(MODE_S, MEGA_VA + off, OP_STORE, 0), NONE);
    CHECK_EQ(4, target[1], 0x5eed);
    CHECK_EQ(5, access(MODE_S, MEGA_VA + off, OP_FETCH, &r), NONE);
    CHECK_EQ(6, r, 42);
    /* The whole 2 MiB is mapped: the last page reads the last page of the region
     * (beyond the test image). */
    CHECK(9, (uint64_t) _end <= VM_IDENTITY_BASE + 0x1ff000);
    uint64_t *last = (uint64_t *) (VM_IDENTITY_BASE + 0x1ff000);
    last[1] = 0x1a57;
    CHECK_EQ(7, access(MODE_S, MEGA_VA + 0x1ff000, OP_LOAD, &r), NONE);
    CHECK_EQ(8, r, 0x1a57);

    /* 1 GiB: VA bits 29:0 are the offset. */
    target[1] = 0x600d;
    CHECK_EQ(10, access(MODE_S, GIGA_VA + off, OP_LOAD, &r), NONE);
    CHECK_EQ(11, r, 0x600d);
    CHECK_EQ(12, access(MODE_S, GIGA_VA + off, OP_STORE, 0), NONE);
    CHECK_EQ(13, target[1], 0x5eed);
    CHECK_EQ(14, access(MODE_S, GIGA_VA + off, OP_FETCH, &r), NONE);
    CHECK_EQ(15, r, 42);
    CHECK_EQ(16, access(MODE_S, GIGA_VA + 0x1ff000, OP_LOAD, &r), NONE);
    CHECK_EQ(17, r, 0x1a57);

    /* Misaligned superpages: page faults for every kind of access, tval = the VA. */
    target[1] = 0x600d;
    CHECK_EQ(20, access(MODE_S, BAD_MEGA + off, OP_LOAD, 0), CAUSE_LOAD_PAGE_FAULT);
    CHECK_EQ(21, rt_trap_last.tval, BAD_MEGA + off + 8);
    CHECK_EQ(22, access(MODE_S, BAD_MEGA + off, OP_STORE, 0), CAUSE_STORE_PAGE_FAULT);
    CHECK_EQ(23, access(MODE_S, BAD_MEGA + off, OP_FETCH, 0), CAUSE_FETCH_PAGE_FAULT);
    CHECK_EQ(24, rt_trap_last.tval, BAD_MEGA + off);
    CHECK_EQ(25, access(MODE_S, BAD_GIGA + off, OP_LOAD, 0), CAUSE_LOAD_PAGE_FAULT);
    CHECK_EQ(26, rt_trap_last.tval, BAD_GIGA + off + 8);
    CHECK_EQ(27, access(MODE_S, BAD_GIGA + off, OP_STORE, 0), CAUSE_STORE_PAGE_FAULT);
    CHECK_EQ(28, access(MODE_S, BAD_GIGA + off, OP_FETCH, 0), CAUSE_FETCH_PAGE_FAULT);
    CHECK_EQ(29, target[1], 0x600d);

    /* Superpage permissions apply as for 4 KiB pages: U against the mode. */
    vm_activate(&user, 0);
    CHECK_EQ(30, access(MODE_U, USER_MEGA + off, OP_LOAD, &r), NONE);
    CHECK_EQ(31, r, 0x600d);
    CHECK_EQ(32, access(MODE_U, USER_MEGA + off, OP_FETCH, &r), NONE);
    CHECK_EQ(33, r, 42);
    CHECK_EQ(34, access(MODE_U, MEGA_VA + off, OP_LOAD, 0), CAUSE_LOAD_PAGE_FAULT);

    vm_deactivate();
    return 0;
}
