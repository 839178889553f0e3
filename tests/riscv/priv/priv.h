/* Helpers shared by the privileged-architecture test programs. */
#ifndef PRIV_H
#define PRIV_H

#include "rt.h"

extern char rt_strap_stack_top[];
extern void rt_strap_entry(void);
extern void rt_mtrap_entry(void);
extern char _end[];

#define MODE_U 0
#define MODE_S 1
#define MODE_M 3

/* Physical addresses with nothing behind them on both Vireo's board and QEMU's virt
 * board (QEMU has its boot ROM at 0x1000 and PCIe windows at 0x3000000 and 0x40000000). */
#define UNMAPPED_A 0x00020000UL
#define UNMAPPED_B 0x00080000UL

#define INT(cause) (CAUSE_INTERRUPT | (cause))

/* A function for rt_run_in_mode() that runs `pre` then the instruction `insn` once, with
 * a7 = 0 (so an ecall is not the runtime's return) and the address of insn in pc_var. */
#define PRIV_LOWER_FN(name, pc_var, pre, insn)                                                 \
    static uint64_t name(uint64_t arg)                                                         \
    {                                                                                          \
        (void) arg;                                                                            \
        uint64_t pc_;                                                                          \
        __asm__ volatile(".option push\n.option norvc\nli a7, 0\n" pre "\nla %0, 1f\n1: " insn \
                         "\n.option pop"                                                       \
                         : "=&r"(pc_)                                                          \
                         :                                                                     \
                         : "ra", "t0", "t1", "a7", "memory");                                  \
        pc_var = pc_;                                                                          \
        return 0;                                                                              \
    }

/* Point stvec at the runtime's S-mode trap entry, with its own stack in sscratch. */
static inline void priv_setup_strap(void)
{
    write_csr(stvec, (uint64_t) rt_strap_entry);
    write_csr(sscratch, (uint64_t) rt_strap_stack_top);
}

/* Leave M-mode trap routing as the runtime set it up. */
static inline void priv_reset_traps(void)
{
    write_csr(mtvec, (uint64_t) rt_mtrap_entry);
    write_csr(medeleg, 0);
    write_csr(mideleg, 0);
    write_csr(mie, 0);
    rt_trap_hook = 0;
}

/* Call the code at addr (jalr ra): a fetch fault there comes back as if it returned.
 * Returns a0 as the callee left it. */
static inline uint64_t priv_call(uint64_t addr)
{
    register uint64_t a0 __asm__("a0") = 0;
    register uint64_t t = addr;
    __asm__ volatile("jalr ra, 0(%1)"
                     : "+r"(a0)
                     : "r"(t)
                     : "ra", "t0", "t1", "t2", "t3", "t4", "t5", "t6", "a1", "a2", "a3", "a4", "a5",
                       "a6", "a7", "memory");
    return a0;
}

static inline uint64_t ld64(uint64_t addr)
{
    uint64_t v;
    __asm__ volatile("ld %0, 0(%1)" : "=r"(v) : "r"(addr) : "memory");
    return v;
}

static inline void sd64(uint64_t addr, uint64_t v)
{
    __asm__ volatile("sd %0, 0(%1)" ::"r"(v), "r"(addr) : "memory");
}

static inline uint32_t lw32(uint64_t addr)
{
    uint32_t v;
    __asm__ volatile("lwu %0, 0(%1)" : "=r"(v) : "r"(addr) : "memory");
    return v;
}

static inline void sw32(uint64_t addr, uint32_t v)
{
    __asm__ volatile("sw %0, 0(%1)" ::"r"(v), "r"(addr) : "memory");
}

static inline void sfence_all(void)
{
    __asm__ volatile("sfence.vma" ::: "memory");
}

/* Ask M-mode (through the runtime's handler) to leave the lower-mode function now,
 * from S-mode code; used by S-mode handlers that caught rt_run_in_mode's final ecall. */
static inline void priv_ecall_return(uint64_t value)
{
    register uint64_t a0 __asm__("a0") = value;
    register uint64_t a7 __asm__("a7") = RT_ECALL_RETURN;
    __asm__ volatile("ecall" ::"r"(a0), "r"(a7) : "memory");
}

/* An S-mode trap hook for tests that delegate ecall from U-mode: the U-mode function's
 * closing ecall lands in S-mode, which passes it on to M-mode. */
static inline int priv_forward_return_ecall(rt_frame *f, int mode)
{
    if (mode == 1 && f->cause == CAUSE_USER_ECALL && f->x[17] == RT_ECALL_RETURN) {
        /* Reset the S-mode trap stack: this frame is abandoned. */
        write_csr(sscratch, (uint64_t) rt_strap_stack_top);
        priv_ecall_return(f->x[10]);
    }
    return 0;
}

#endif
