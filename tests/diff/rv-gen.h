/* Random RISC-V instruction streams for the step-level differential tester.
 *
 * A stream is a sequence of groups: one instruction, or a few that must run together (an
 * auipc and the jalr that uses it, an lr/sc pair). Branches and jumps only go forward, to
 * the start of a later group, and the last group jumps back to the first, so control flow
 * never leaves the code area however the branches go. Loads, stores and AMOs address the
 * data area through base registers (x2, x8, x9) that no other instruction writes; only the
 * groups that re-point a base change them, and they keep them 8-byte aligned inside it.
 */
#ifndef RV_GEN_H
#define RV_GEN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Where the stream and its data live in guest physical memory. */
#define RVG_RAM_BASE  UINT64_C(0x80000000)
#define RVG_RAM_SIZE  (UINT64_C(1) << 20)
#define RVG_CODE_BASE RVG_RAM_BASE
#define RVG_CODE_MAX  (UINT64_C(256) << 10)
#define RVG_TRAP_PC   (RVG_RAM_BASE + RVG_CODE_MAX) /* mtvec: a `j .` */
#define RVG_DATA_BASE (RVG_RAM_BASE + (UINT64_C(512) << 10))
#define RVG_DATA_SIZE (UINT64_C(64) << 10)

/* What the Unicorn side needs to know about one generated instruction. */
enum {
    RVG_FS_RS1 = 1 << 0, /* rs1 is read as a single-precision value */
    RVG_FS_RS2 = 1 << 1,
    RVG_FS_RS3 = 1 << 2,
};

typedef enum {
    RVG_MINMAX_NONE,
    RVG_MINMAX_S,
    RVG_MINMAX_D,
} RvgMinMax;

typedef struct RvgInsn {
    uint32_t raw;
    uint8_t len;    /* 2 or 4; 0 for no instruction starting here */
    uint8_t fs_src; /* RVG_FS_* */
    bool fs_dst;    /* writes a single-precision result to f[rd] */
    bool f_dst;     /* writes f[rd] at all */
    uint8_t minmax; /* RvgMinMax */
    uint8_t rd, rs1, rs2, rs3;
    bool is_max;
    uint8_t amo_w_minmax; /* amo{min,max}[u].w: its funct5 (never 0 for these) */
    char text[48];
} RvgInsn;

/* A class of instructions to favour (two groups in three), for directed runs. */
typedef enum {
    RVG_FOCUS_NONE,
    RVG_FOCUS_INT,    /* RV64I and M arithmetic */
    RVG_FOCUS_MEM,    /* loads and stores */
    RVG_FOCUS_AMO,    /* AMOs and LR/SC */
    RVG_FOCUS_FP,     /* F and D */
    RVG_FOCUS_RVC,    /* compressed */
    RVG_FOCUS_BRANCH, /* branches and jumps */
} RvgFocus;

/* "int", "mem", ...; false for a name that is none of them. */
bool rvg_focus_from_name(const char *name, RvgFocus *focus);

typedef struct RvgOptions {
    bool rv_c; /* compressed instructions */
    bool rv_a;
    bool rv_fd;
    bool rv_m;
    bool misaligned;   /* ordinary loads/stores at any address (AMOs stay aligned) */
    bool improper_box; /* f registers may hold values that are not NaN-boxed singles */
    RvgFocus focus;
} RvgOptions;

typedef struct RvgProgram {
    uint8_t *code; /* code_len bytes, to be placed at RVG_CODE_BASE */
    size_t code_len;
    RvgInsn *insns; /* indexed by (pc - RVG_CODE_BASE) / 2 */
    uint8_t data[RVG_DATA_SIZE];
    uint64_t x[32]; /* initial registers; x[0] = 0 */
    uint64_t f[32];
    uint32_t fcsr;
} RvgProgram;

/* splitmix64 */
typedef struct RvgRng {
    uint64_t s;
} RvgRng;

uint64_t rvg_next(RvgRng *r);
/* Uniform in [0, n). */
uint64_t rvg_below(RvgRng *r, uint64_t n);

void rvg_options_default(RvgOptions *o);
/* A program of about code_bytes bytes of code, from seed. */
RvgProgram *rvg_generate(uint64_t seed, size_t code_bytes, const RvgOptions *o);
void rvg_free(RvgProgram *p);
/* The instruction at pc, or NULL outside the stream. */
const RvgInsn *rvg_insn_at(const RvgProgram *p, uint64_t pc);

/* Registers the generator keeps as data-area pointers. */
bool rvg_is_base_reg(unsigned r);

#endif
