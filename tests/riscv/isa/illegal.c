/* Reserved and unimplemented encodings in the integer opcode space raise an illegal
 * instruction exception (cause 2) with tval = the instruction bits (docs/riscv-hart.md), and
 * do nothing else: no register or memory changes. Covers funct3/funct7 holes of OP, OP-32,
 * OP-IMM(-32), LOAD, STORE, BRANCH, JALR, AMO and MISC-MEM, the W shifts with shamt[5] set,
 * Zbb encodings next to the real ones, extensions this hart does not have (Zbkb, Zbkx,
 * Zicond, Zacas, Zicbom/Zicboz, V) and reserved compressed encodings. Also: instructions
 * whose unused fields must be ignored (FENCE, FENCE.I) and a HINT do not trap.
 * Zbc (which QEMU 7.2 implements by default) is in illegal-zbc.c. */
#include "isa.h"

struct word {
    const char *name;
    uint32_t bits;
    int len; /* 2 or 4 bytes */
};

/* Registers: rd = a0, rs1 = a0 (a pointer to scratch memory), rs2 = a1; a jalr uses t1,
 * which holds its own address, so a jalr that did not trap lands 8 bytes on (a nop). */
static const struct word words[] = {
    {"all ones (reserved, >= 80-bit prefix)", 0xffffffff, 4},
    {"slliw shamt 32", 0x0205151b, 4},
    {"srliw shamt 32", 0x0205551b, 4},
    {"sraiw shamt 32", 0x4205551b, 4},
    {"roriw shamt 32", 0x6205551b, 4},
    {"add funct7 0x40", 0x80b50533, 4},
    {"sll funct7 0x20", 0x40b51533, 4},
    {"slt funct7 0x20", 0x40b52533, 4},
    {"sltu funct7 0x20", 0x40b53533, 4},
    {"or funct7 0x02", 0x04b56533, 4},
    {"addw funct7 0x40", 0x80b5053b, 4},
    {"sltw (OP-32 funct3 2)", 0x00b5253b, 4},
    {"mulhw (OP-32 M funct3 1)", 0x02b5153b, 4},
    {"mulhsuw", 0x02b5253b, 4},
    {"mulhuw", 0x02b5353b, 4},
    {"OP-IMM-32 funct3 2", 0x0015251b, 4},
    {"OP-IMM-32 funct3 3", 0x0015351b, 4},
    {"OP-IMM-32 funct3 4", 0x0015451b, 4},
    {"OP-IMM-32 funct3 6", 0x0015651b, 4},
    {"OP-IMM-32 funct3 7", 0x0015751b, 4},
    {"load funct3 7 (ldu)", 0x00017503, 4},
    {"store funct3 4", 0x00a14023, 4},
    {"store funct3 7", 0x00a17023, 4},
    {"branch funct3 2", 0x00b52463, 4},
    {"branch funct3 3", 0x00b53463, 4},
    {"jalr funct3 1", 0x00831067, 4},
    {"slli funct6 0x01 (bit 26)", 0x40151513, 4},
    {"srli funct6 0x08", 0x20155513, 4},
    {"clz-group rs2 3", 0x60351513, 4},
    {"clz-group rs2 6", 0x60651513, 4},
    {"clzw-group rs2 4", 0x6045151b, 4},
    {"rev8 RV32 encoding", 0x69855513, 4},
    {"orc.b imm 0x288", 0x28855513, 4},
    {"pack (Zbkb)", 0x08b54533, 4},
    {"packw rs2 != 0 (Zbkb)", 0x08b5453b, 4},
    {"brev8 (Zbkb)", 0x68755513, 4},
    {"xperm4 (Zbkx)", 0x28b52533, 4},
    {"czero.eqz (Zicond)", 0x0eb55533, 4},
    {"amo funct3 0 (amoadd.b)", 0x00b1052f, 4},
    {"amo funct3 4", 0x00b1452f, 4},
    {"amocas.w (Zacas, funct5 00101)", 0x28b1252f, 4},
    {"amo funct5 0b11111", 0xf8b1352f, 4},
    {"lr.d rs2 != 0", 0x10b1352f, 4},
    {"misc-mem funct3 3", 0x0000300f, 4},
    {"misc-mem funct3 7", 0x0000700f, 4},
    {"cbo.zero (Zicboz)", 0x0045200f, 4},
    {"cbo.clean (Zicbom)", 0x0015200f, 4},
    {"OP-IMM funct3 5 funct6 0x1a", 0x68055513, 4},
    {"custom-0", 0x0000000b, 4},
    {"opcode 0x57 (V) vadd", 0x02000057, 4},
    {"a 48-bit instruction prefix", 0x0000001f, 4},
    {"c.addiw x0, 1 (reserved)", 0x2005, 2},
    {"c.subw-group funct2 10, bit 12 (reserved)", 0x9c41, 2},
    {"c.subw-group funct2 11, bit 12 (reserved)", 0x9c61, 2},
};

static uint64_t scratch[64];

/* Run the word at `code`, built at run time in RAM: word, nop, nop, ret. */
static uint32_t code[8] __attribute__((aligned(64)));

int test_main(void)
{
    int n = (int) (sizeof words / sizeof words[0]);
    for (int i = 0; i < n; i++) {
        const struct word *w = &words[i];
        volatile uint16_t *h = (volatile uint16_t *) code;
        h[0] = (uint16_t) w->bits;
        int k = 1;
        if (w->len == 4)
            h[k++] = (uint16_t) (w->bits >> 16);
        for (int j = 0; j < 4; j++)
            h[k++] = 0x0001; /* c.nop */
        h[k++] = 0x8082;     /* c.jr ra */
        __asm__ volatile("fence.i" ::: "memory");
        for (int j = 0; j < 64; j++)
            scratch[j] = 0x5a5a5a5a5a5a5a5aUL;
        uint64_t a0, a1;
        rt_expect_trap();
        __asm__ volatile("mv a0, %2\n\t"
                         "mv a1, %2\n\t"
                         "mv t1, %3\n\t"
                         "jalr %3\n\t"
                         "mv %0, a0\n\t"
                         "mv %1, a1"
                         : "=&r"(a0), "=&r"(a1)
                         : "r"(&scratch[8]), "r"(code)
                         : "a0", "a1", "t1", "ra", "memory");
        int traps = rt_trap_count();
        if (traps != 1 || rt_trap_last.cause != CAUSE_ILLEGAL_INSTRUCTION)
            rt_printf("%s (0x%x): %d traps, cause %ld\n", w->name, w->bits, traps,
                      rt_trap_last.cause);
        int base = 1 + 4 * i;
        isa_check(base, traps, 1, w->name);
        isa_check(base + 1, rt_trap_last.cause, CAUSE_ILLEGAL_INSTRUCTION, w->name);
        isa_check(base + 2, rt_trap_last.tval, w->bits, w->name);
        isa_check(base + 3, rt_trap_last.epc, (uint64_t) code, w->name);
        isa_check(base + 3, a0 == (uint64_t) &scratch[8] && a1 == a0, 1, w->name);
        for (int j = 0; j < 64; j++)
            isa_check(base + 3, scratch[j], 0x5a5a5a5a5a5a5a5aUL, w->name);
    }

    /* fields that must be ignored, and a HINT: no trap, no register written */
    {
        uint64_t after;
        rt_expect_trap();
        __asm__ volatile("li a0, 0x1234\n\t"
                         ".4byte 0xfff5850f\n\t" /* fence, fm = 1111, rs1 = a1, rd = a0 */
                         ".4byte 0x12f5950f\n\t" /* fence.i, imm = 0x12f, rs1 = a1, rd = a0 */
                         ".4byte 0x00056013\n\t" /* ori zero, a0, 0: a HINT */
                         "mv %0, a0"
                         : "=r"(after)
                         :
                         : "a0", "a1", "memory");
        CK(250, rt_trap_count(), 0);
        CK(251, after, 0x1234);
    }
    return 0;
}
