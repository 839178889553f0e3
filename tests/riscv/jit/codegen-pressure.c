/* Code-cache pressure: a guest that writes fresh code and runs it, round after round, for
 * PRESSURE_SECONDS of guest time (the `time` CSR).
 *
 * Each round writes a new function (16 to 128 random ALU instructions on a0, a1, a2 and t0,
 * with a few forward branches, then ret) at a random place in a 4 MiB region, or at the place
 * of the round before, over code that ran there already. FENCE.I makes it visible; the
 * function is then called CALLS times, more than the JIT's threshold (16 entries), so that
 * its blocks get compiled, and every result is checked against the same instructions
 * evaluated here in C: a stale decoded or compiled block gives a wrong value. With a small
 * code cache (VIREO_JIT_CACHE_KB) the cache fills and is emptied again and again; the
 * harness (codegen-pressure.py) reads its counters and the host's memory meanwhile.
 * The program ends with the number of rounds and a checksum of all the results. */
#include "rt.h"

#ifndef PRESSURE_SECONDS
#define PRESSURE_SECONDS 20
#endif
#define TIMEBASE_HZ  10000000ull /* the virt board's mtime */
#define REGION_BYTES (4u << 20)
#define MAX_OPS      128
#define CALLS        24
#define INSN_RET     0x00008067u /* jalr zero, 0(ra) */

static uint32_t region[REGION_BYTES / 4] __attribute__((aligned(4096)));

/* The registers the generated code uses: index 0 is a0 (argument and result), 1 is a1
 * (second argument), 2 and 3 (a2, t0) start from constants the code sets itself. */
static const int regno[4] = {10, 11, 12, 5};

typedef enum {
    OP_ADDI,
    OP_XORI,
    OP_ORI,
    OP_ANDI,
    OP_ADDIW,
    OP_SLLI,
    OP_SRLI,
    OP_SRAI,
    OP_ADD,
    OP_SUB,
    OP_XOR,
    OP_MUL,
    OP_BLTU_XORI, /* bltu rs1, rs2, +8; xori rd, rd, imm: the xori runs when rs1 >= rs2 */
    N_OPS,
} OpKind;

typedef struct {
    uint8_t kind, rd, rs1, rs2;
    int32_t imm;
} Op;

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;

static uint64_t rng(void)
{
    uint64_t x = rng_state;
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    return rng_state = x;
}

static uint32_t enc_i(uint32_t opcode, unsigned f3, int rd, int rs1, int32_t imm)
{
    return ((uint32_t) imm & 0xfff) << 20 | (uint32_t) rs1 << 15 | f3 << 12 | (uint32_t) rd << 7 |
           opcode;
}

static uint32_t enc_r(unsigned f7, unsigned f3, int rd, int rs1, int rs2)
{
    return f7 << 25 | (uint32_t) rs2 << 20 | (uint32_t) rs1 << 15 | f3 << 12 | (uint32_t) rd << 7 |
           0x33;
}

/* bltu rs1, rs2, off */
static uint32_t enc_bltu(int rs1, int rs2, int32_t off)
{
    uint32_t o = (uint32_t) off;
    return ((o >> 12) & 1) << 31 | ((o >> 5) & 0x3f) << 25 | (uint32_t) rs2 << 20 |
           (uint32_t) rs1 << 15 | 6u << 12 | ((o >> 1) & 0xf) << 8 | ((o >> 11) & 1) << 7 | 0x63;
}

/* Writes op's instructions at p; returns how many. */
static unsigned encode(const Op *op, uint32_t *p)
{
    int rd = regno[op->rd], rs1 = regno[op->rs1], rs2 = regno[op->rs2];
    switch ((OpKind) op->kind) {
    case OP_ADDI: p[0] = enc_i(0x13, 0, rd, rs1, op->imm); return 1;
    case OP_XORI: p[0] = enc_i(0x13, 4, rd, rs1, op->imm); return 1;
    case OP_ORI: p[0] = enc_i(0x13, 6, rd, rs1, op->imm); return 1;
    case OP_ANDI: p[0] = enc_i(0x13, 7, rd, rs1, op->imm); return 1;
    case OP_ADDIW: p[0] = enc_i(0x1b, 0, rd, rs1, op->imm); return 1;
    case OP_SLLI: p[0] = enc_i(0x13, 1, rd, rs1, op->imm); return 1;
    case OP_SRLI: p[0] = enc_i(0x13, 5, rd, rs1, op->imm); return 1;
    case OP_SRAI: p[0] = enc_i(0x13, 5, rd, rs1, op->imm | 0x400); return 1;
    case OP_ADD: p[0] = enc_r(0, 0, rd, rs1, rs2); return 1;
    case OP_SUB: p[0] = enc_r(0x20, 0, rd, rs1, rs2); return 1;
    case OP_XOR: p[0] = enc_r(0, 4, rd, rs1, rs2); return 1;
    case OP_MUL: p[0] = enc_r(1, 0, rd, rs1, rs2); return 1;
    case OP_BLTU_XORI:
        p[0] = enc_bltu(rs1, rs2, 8);
        p[1] = enc_i(0x13, 4, rd, rd, op->imm);
        return 2;
    case N_OPS: break;
    }
    return 0;
}

/* What op does to the registers r. */
static void step(const Op *op, uint64_t *r)
{
    uint64_t a = r[op->rs1], b = r[op->rs2], imm = (uint64_t) (int64_t) op->imm;
    unsigned sh = (unsigned) op->imm & 63;
    switch ((OpKind) op->kind) {
    case OP_ADDI: r[op->rd] = a + imm; break;
    case OP_XORI: r[op->rd] = a ^ imm; break;
    case OP_ORI: r[op->rd] = a | imm; break;
    case OP_ANDI: r[op->rd] = a & imm; break;
    case OP_ADDIW: r[op->rd] = (uint64_t) (int64_t) (int32_t) (uint32_t) (a + imm); break;
    case OP_SLLI: r[op->rd] = a << sh; break;
    case OP_SRLI: r[op->rd] = a >> sh; break;
    case OP_SRAI: r[op->rd] = (uint64_t) ((int64_t) a >> sh); break;
    case OP_ADD: r[op->rd] = a + b; break;
    case OP_SUB: r[op->rd] = a - b; break;
    case OP_XOR: r[op->rd] = a ^ b; break;
    case OP_MUL: r[op->rd] = a * b; break;
    case OP_BLTU_XORI:
        if (!(a < b))
            r[op->rd] ^= imm;
        break;
    case N_OPS: break;
    }
}

/* A function: a2 and t0 set from constants (ops 0 and 1, whose source is x0), the random
 * ops, then the four registers folded into a0. */
static Op ops[MAX_OPS + 5];
static unsigned n_ops;

static void generate(void)
{
    unsigned n = 16 + (unsigned) (rng() % (MAX_OPS - 16 + 1));
    n_ops = 0;
    ops[n_ops++] = (Op){OP_ADDI, 2, 0, 0, (int32_t) (rng() % 4096) - 2048};
    ops[n_ops++] = (Op){OP_ADDI, 3, 0, 0, (int32_t) (rng() % 4096) - 2048};
    for (unsigned i = 0; i < n; i++) {
        uint64_t x = rng();
        Op op = {(uint8_t) (x % N_OPS), (uint8_t) ((x >> 8) & 3), (uint8_t) ((x >> 10) & 3),
                 (uint8_t) ((x >> 12) & 3), (int32_t) ((x >> 16) & 0xfff) - 2048};
        if (op.kind == OP_SLLI || op.kind == OP_SRLI || op.kind == OP_SRAI)
            op.imm &= 63;
        ops[n_ops++] = op;
    }
    ops[n_ops++] = (Op){OP_XOR, 0, 0, 1, 0};
    ops[n_ops++] = (Op){OP_ADD, 0, 0, 2, 0};
    ops[n_ops++] = (Op){OP_XOR, 0, 0, 3, 0};
}

static unsigned emit(uint32_t *p)
{
    unsigned k = 0;
    p[k++] = enc_i(0x13, 0, regno[2], 0, ops[0].imm);
    p[k++] = enc_i(0x13, 0, regno[3], 0, ops[1].imm);
    for (unsigned i = 2; i < n_ops; i++)
        k += encode(&ops[i], p + k);
    p[k++] = INSN_RET;
    return k;
}

static uint64_t evaluate(uint64_t a0, uint64_t a1)
{
    uint64_t r[4] = {a0, a1, (uint64_t) (int64_t) ops[0].imm, (uint64_t) (int64_t) ops[1].imm};
    for (unsigned i = 2; i < n_ops; i++)
        step(&ops[i], r);
    return r[0];
}

typedef uint64_t (*GeneratedFn)(uint64_t, uint64_t);

int test_main(void)
{
    const unsigned max_words = 2 + 2 * MAX_OPS + 3 + 1;
    uint64_t start = read_csr(time), end = start + PRESSURE_SECONDS * TIMEBASE_HZ;
    uint64_t rounds = 0, words_written = 0, checksum = 0;
    unsigned at = 0;
    while (read_csr(time) < end) {
        generate();
        /* Three rounds in four at a new place, the fourth over the code of the round before. */
        if (rounds % 4 != 3)
            at = (unsigned) (rng() % (REGION_BYTES / 4 - max_words));
        unsigned k = emit(&region[at]);
        __asm__ volatile("fence.i" ::: "memory");
        GeneratedFn fn = (GeneratedFn) (uintptr_t) &region[at];
        for (unsigned c = 0; c < CALLS; c++) {
            uint64_t a0 = rng(), a1 = c & 1 ? rng() : a0 >> (c & 63);
            uint64_t got = fn(a0, a1), want = evaluate(a0, a1);
            if (got != want) {
                rt_printf("codegen-pressure: round %lu, call %u: the code at %p (%u instructions) "
                          "returned 0x%lx, expected 0x%lx\n",
                          rounds, c, (void *) fn, k, got, want);
                rt_fail(2, __FILE__, __LINE__, "generated code gave a wrong result");
            }
            checksum = (checksum ^ got) * 0x100000001b3ull;
        }
        words_written += k;
        rounds++;
    }
    CHECK(3, rounds > 0);
    rt_printf("codegen-pressure: %lu rounds, %lu instructions written, checksum %016lx\n", rounds,
              words_written, checksum);
    return 0;
}
