/* Runtime for Vireo's bare-metal RISC-V test programs.
 *
 * A test defines `int test_main(void)` and returns 0 when every check passed; the first
 * failing check ends the program at once with its number. The result goes to `tohost`
 * (riscv-tests convention: 1 = pass, (n << 1) | 1 = check n failed) and then to the
 * virt board's test finisher, so the same ELF runs in Vireo and in qemu-system-riscv64.
 */
#ifndef RT_H
#define RT_H

#include <stdint.h>
#include <stddef.h>
#include "encoding.h"

typedef struct rt_frame {
    uint64_t x[32]; /* x[0] unused */
    uint64_t epc;
    uint64_t cause;
    uint64_t tval;
    uint64_t status;
} rt_frame;

/* What the last trap taken under rt_expect_trap() looked like. */
typedef struct rt_trap_record {
    int taken; /* number of traps recorded since rt_expect_trap() */
    int mode;  /* 3: taken into M-mode, 1: into S-mode */
    uint64_t cause;
    uint64_t tval;
    uint64_t epc;
    uint64_t status; /* mstatus/sstatus as the handler saw it */
} rt_trap_record;

extern volatile rt_trap_record rt_trap_last;

/* A test may install its own handler: it returns nonzero when it dealt with the trap
 * (and may change f->epc, f->status or registers in f). */
typedef int (*rt_trap_hook_fn)(rt_frame *f, int mode);
extern rt_trap_hook_fn rt_trap_hook;

int test_main(void);

void rt_putc(char c);
void rt_puts(const char *s);
void rt_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void rt_exit(int code) __attribute__((noreturn));
void rt_fail(int n, const char *file, int line, const char *what) __attribute__((noreturn));

/* Arm the default handler to record the next trap and skip the trapping instruction. */
void rt_expect_trap(void);
/* Disarm; returns how many traps were recorded since rt_expect_trap(). */
int rt_trap_count(void);

/* Run fn(arg) in S-mode or U-mode (mode 1 or 0) with traps from it going to M-mode;
 * returns fn's value. ecall from fn with a7 = RT_ECALL_RETURN ends it early. */
uint64_t rt_run_in_mode(int mode, uint64_t (*fn)(uint64_t), uint64_t arg);
#define RT_ECALL_RETURN 0x7e57

/* Start a secondary hart at fn (it runs in M-mode on its own 4 KiB stack). */
void rt_start_hart(int hartid, void (*fn)(void));

#define CHECK(n, cond)                               \
    do {                                             \
        if (!(cond))                                 \
            rt_fail((n), __FILE__, __LINE__, #cond); \
    } while (0)

#define CHECK_EQ(n, got, want)                                                           \
    do {                                                                                 \
        uint64_t got_ = (uint64_t) (got), want_ = (uint64_t) (want);                     \
        if (got_ != want_) {                                                             \
            rt_printf("check %d: %s = 0x%lx, expected 0x%lx\n", (n), #got, got_, want_); \
            rt_fail((n), __FILE__, __LINE__, #got " == " #want);                         \
        }                                                                                \
    } while (0)

#define read_csr(reg)                                  \
    ({                                                 \
        uint64_t v_;                                   \
        __asm__ volatile("csrr %0, " #reg : "=r"(v_)); \
        v_;                                            \
    })
#define write_csr(reg, val)  __asm__ volatile("csrw " #reg ", %0" ::"rK"((uint64_t) (val)))
#define set_csr(reg, bits)   __asm__ volatile("csrs " #reg ", %0" ::"rK"((uint64_t) (bits)))
#define clear_csr(reg, bits) __asm__ volatile("csrc " #reg ", %0" ::"rK"((uint64_t) (bits)))
#define swap_csr(reg, val)                                                              \
    ({                                                                                  \
        uint64_t v_;                                                                    \
        __asm__ volatile("csrrw %0, " #reg ", %1" : "=r"(v_) : "rK"((uint64_t) (val))); \
        v_;                                                                             \
    })

static inline void mmio_write32(uint64_t addr, uint32_t v)
{
    *(volatile uint32_t *) addr = v;
}
static inline uint32_t mmio_read32(uint64_t addr)
{
    return *(volatile uint32_t *) addr;
}
static inline void mmio_write64(uint64_t addr, uint64_t v)
{
    *(volatile uint64_t *) addr = v;
}
static inline uint64_t mmio_read64(uint64_t addr)
{
    return *(volatile uint64_t *) addr;
}

void *rt_memset(void *d, int c, size_t n);
void *rt_memcpy(void *d, const void *s, size_t n);

#endif
