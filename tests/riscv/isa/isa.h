/* Helpers shared by the ISA tests in this folder. */
#ifndef ISA_H
#define ISA_H

#include "rt.h"

/* The exit status of QEMU (and of any shell) keeps only the low 8 bits of the check number,
 * so a number that is a multiple of 256 would read as a pass: CK refuses such numbers at
 * compile time; checks numbered at run time go through isa_check(), which does the same. */
static inline void isa_check_at(int n, uint64_t got, uint64_t want, const char *what,
                                const char *file, int line)
{
    if (got != want) {
        rt_printf("check %d (%s): got 0x%lx, expected 0x%lx\n", n, what, got, want);
        if (n % 256 == 0)
            n++;
        rt_fail(n, file, line, what);
    }
}
#define isa_check(n, got, want, what) \
    isa_check_at((n), (uint64_t) (got), (uint64_t) (want), (what), __FILE__, __LINE__)

#define CK(n, got, want)                                                                  \
    do {                                                                                  \
        _Static_assert((n) > 0 && (n) % 256 != 0, "check number must not be 0 mod 256");  \
        isa_check_at((n), (uint64_t) (got), (uint64_t) (want), #got, __FILE__, __LINE__); \
    } while (0)

#define CKT(n, cond)                                                                     \
    do {                                                                                 \
        _Static_assert((n) > 0 && (n) % 256 != 0, "check number must not be 0 mod 256"); \
        if (!(cond))                                                                     \
            rt_fail((n), __FILE__, __LINE__, #cond);                                     \
    } while (0)

/* One instruction with register operands, run through inline assembly so that the compiler
 * can neither fold nor choose the instruction. */
#define RR(op, a, b)                                                                              \
    ({                                                                                            \
        uint64_t r_;                                                                              \
        __asm__ volatile(op " %0, %1, %2" : "=r"(r_) : "r"((uint64_t) (a)), "r"((uint64_t) (b))); \
        r_;                                                                                       \
    })
#define RI(op, a, imm)                                                                 \
    ({                                                                                 \
        uint64_t r_;                                                                   \
        __asm__ volatile(op " %0, %1, %2" : "=r"(r_) : "r"((uint64_t) (a)), "i"(imm)); \
        r_;                                                                            \
    })
#define R1(op, a)                                                        \
    ({                                                                   \
        uint64_t r_;                                                     \
        __asm__ volatile(op " %0, %1" : "=r"(r_) : "r"((uint64_t) (a))); \
        r_;                                                              \
    })
/* rd == rs1 == rs2 and rd == rs1 forms. */
#define RR_SAME(op, a)                                 \
    ({                                                 \
        uint64_t r_ = (uint64_t) (a);                  \
        __asm__ volatile(op " %0, %0, %0" : "+r"(r_)); \
        r_;                                            \
    })
#define RR_DST1(op, a, b)                                                    \
    ({                                                                       \
        uint64_t r_ = (uint64_t) (a);                                        \
        __asm__ volatile(op " %0, %0, %1" : "+r"(r_) : "r"((uint64_t) (b))); \
        r_;                                                                  \
    })

#endif
