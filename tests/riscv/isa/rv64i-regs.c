/* Register-field decoding (rv64i-regs.S): every register as rd, rs1 and rs2 of 32-bit
 * R-type and I-type instructions, of compressed instructions with 5-bit register fields
 * (c.mv, c.add, c.addi, c.slli, c.lui, c.li) and with 3-bit ones (c.sub, c.xor, c.or,
 * c.and, c.addw, c.subw, c.srli, c.srai, c.andi). A model of the same passes in C gives the
 * expected registers at 4 checkpoints; check 1 + 32 * (4 * run + checkpoint) + n compares
 * xn (run 0..1). */
#include "isa.h"

void regs_run(const uint64_t *init);
extern uint64_t regs_dump[4][32];

static uint64_t r[32];
static uint64_t expect[4][32];

static uint64_t sext32(uint64_t v)
{
    return (uint64_t) (int64_t) (int32_t) (uint32_t) v;
}

enum op { ADD, XOR, SUB, ADDW, MUL, SH1ADD, ROL, ROR, ANDN, SRL, OR, SUBW, AND };

static uint64_t apply(enum op op, uint64_t a, uint64_t b)
{
    switch (op) {
    case ADD: return a + b;
    case XOR: return a ^ b;
    case SUB: return a - b;
    case ADDW: return sext32(a + b);
    case MUL: return a * b;
    case SH1ADD: return (a << 1) + b;
    case ROL: return (b & 63) ? (a << (b & 63)) | (a >> (64 - (b & 63))) : a;
    case ROR: return (b & 63) ? (a >> (b & 63)) | (a << (64 - (b & 63))) : a;
    case ANDN: return a & ~b;
    case SRL: return a >> (b & 63);
    case OR: return a | b;
    case SUBW: return sext32(a - b);
    case AND: return a & b;
    }
    return 0;
}

/* op x_i, x_((i*a+c)%32), x_((i*b+d)%32) for i = 1..31, in order */
static void pass(enum op op, int a, int c, int b, int d)
{
    for (int i = 1; i < 32; i++)
        r[i] = apply(op, r[(i * a + c) % 32], r[(i * b + d) % 32]);
}

/* op x_i, x_((i*a+c)%32), i*m+k */
static void pass_imm(enum op op, int a, int c, int m, int k)
{
    for (int i = 1; i < 32; i++)
        r[i] = apply(op, r[(i * a + c) % 32], (uint64_t) (int64_t) (i * m + k));
}

static void cpass_mv(int a)
{
    for (int i = 1; i < 32; i++)
        r[i] = r[(i * a) % 32];
}

static void cpass_add(int a)
{
    for (int i = 1; i < 32; i++)
        r[i] += r[(i * a) % 32];
}

/* op x_(8+k), x_(8+(k*a+c)%8) for k = 0..7 */
static void cpass3(enum op op, int a, int c)
{
    for (int k = 0; k < 8; k++)
        r[8 + k] = apply(op, r[8 + k], r[8 + (k * a + c) % 8]);
}

static void model(void)
{
    pass(ANDN, 31, 3, 1, 17);
    pass(SRL, 5, 6, 7, 0);
    for (int i = 1; i < 32; i++) /* slli x_i, x_((17i+2)%32), 2i */
        r[i] = r[(i * 17 + 2) % 32] << (2 * i);
    pass(ADD, 3, 1, 5, 2);
    pass(XOR, 7, 0, 9, 3);
    pass(SUB, 11, 5, 13, 7);
    pass(ADDW, 15, 4, 17, 9);
    pass(MUL, 19, 1, 21, 6);
    pass(SH1ADD, 23, 2, 25, 11);
    pass(ROL, 27, 8, 29, 13);
    pass_imm(ADD, 9, 1, 37, -600);  /* addi */
    pass_imm(XOR, 13, 0, -53, 800); /* xori */
    pass_imm(ROR, 21, 5, 2, 1);     /* rori */
    pass(SUB, 3, 7, 11, 19);
    rt_memcpy(expect[0], r, sizeof r);

    cpass_mv(5);
    cpass_add(3);
    for (int i = 1; i < 32; i++)
        r[i] += (uint64_t) (int64_t) ((i * 5) % 63 - 31); /* c.addi */
    cpass_add(7);
    for (int i = 1; i < 32; i++)
        r[i] <<= 1 + (i * 11) % 63; /* c.slli */
    cpass_add(9);
    rt_memcpy(expect[1], r, sizeof r);

    for (int i = 3; i < 32; i++)
        r[i] = (uint64_t) (1 + (i * 7) % 31) << 12; /* c.lui */
    cpass_add(11);
    rt_memcpy(expect[2], r, sizeof r);

    for (int i = 1; i < 32; i++)
        r[i] = (uint64_t) (int64_t) ((i * 3) % 64 - 32); /* c.li */
    cpass_add(13);
    cpass_mv(15);
    cpass_add(17);
    cpass3(SUB, 3, 1);
    cpass3(XOR, 5, 2);
    cpass3(OR, 7, 3);
    cpass3(ADD, 1, 5);
    cpass3(AND, 3, 4);
    cpass3(ADDW, 5, 6);
    cpass3(SUBW, 7, 1);
    cpass3(SUB, 1, 2);
    for (int k = 0; k < 8; k++) {
        r[8 + k] >>= 1 + (k * 9) % 63; /* c.srli */
        int j = 8 + (k + 3) % 8;
        r[j] = (uint64_t) ((int64_t) r[j] >> (1 + (k * 13) % 63));      /* c.srai */
        r[8 + (k + 5) % 8] &= (uint64_t) (int64_t) ((k * 7) % 64 - 32); /* c.andi */
    }
    cpass_add(19);
    rt_memcpy(expect[3], r, sizeof r);
}

int test_main(void)
{
    static uint64_t init[32];
    uint64_t s = 0x9e3779b97f4a7c15UL;
    for (int run = 0; run < 2; run++) {
        for (int i = 0; i < 32; i++) {
            s ^= s << 13;
            s ^= s >> 7;
            s ^= s << 17;
            init[i] = s;
        }
        init[0] = 0;
        for (int i = 0; i < 32; i++)
            r[i] = init[i];
        model();
        regs_run(init);
        for (int cp = 0; cp < 4; cp++) {
            for (int i = 0; i < 32; i++) {
                if (regs_dump[cp][i] != expect[cp][i])
                    rt_printf("run %d, checkpoint %d: x%d = 0x%lx, expected 0x%lx\n", run, cp, i,
                              regs_dump[cp][i], expect[cp][i]);
                isa_check(1 + 32 * (4 * run + cp) + i, regs_dump[cp][i], expect[cp][i],
                          "register at a checkpoint");
            }
        }
    }
    return 0;
}
