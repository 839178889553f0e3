/* A small x86-64 assembler for the JIT: the instructions the compiler needs, written into a
 * buffer that the caller has checked has room (X86_MAX_INSN bytes per instruction). */
#ifndef VR_X86_EMIT_H
#define VR_X86_EMIT_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#define X86_MAX_INSN 16

enum {
    RAX,
    RCX,
    RDX,
    RBX,
    RSP,
    RBP,
    RSI,
    RDI,
    R8,
    R9,
    R10,
    R11,
    R12,
    R13,
    R14,
    R15,
};

/* Condition codes (the low nibble of Jcc, SETcc, CMOVcc). */
enum {
    CC_O = 0x0,
    CC_NO = 0x1,
    CC_B = 0x2,
    CC_AE = 0x3,
    CC_E = 0x4,
    CC_NE = 0x5,
    CC_BE = 0x6,
    CC_A = 0x7,
    CC_P = 0xa,
    CC_NP = 0xb,
    CC_L = 0xc,
    CC_GE = 0xd,
    CC_LE = 0xe,
    CC_G = 0xf,
};

/* ALU operations: the /digit of 0x81 and the register-form opcode (r/m, reg). */
typedef enum {
    ALU_ADD = 0,
    ALU_OR = 1,
    ALU_AND = 4,
    ALU_SUB = 5,
    ALU_XOR = 6,
    ALU_CMP = 7,
} X86Alu;

/* Shifts and rotates: the /digit of 0xC1 and 0xD3. */
typedef enum {
    SH_ROL = 0,
    SH_ROR = 1,
    SH_SHL = 4,
    SH_SHR = 5,
    SH_SAR = 7,
} X86Shift;

typedef struct {
    uint8_t *p;
} X86;

static inline void x_u8(X86 *a, uint8_t v)
{
    *a->p++ = v;
}

static inline void x_u32(X86 *a, uint32_t v)
{
    memcpy(a->p, &v, 4);
    a->p += 4;
}

static inline void x_u64(X86 *a, uint64_t v)
{
    memcpy(a->p, &v, 8);
    a->p += 8;
}

static inline bool x_is_s8(int64_t v)
{
    return v >= -128 && v <= 127;
}

static inline bool x_is_s32(int64_t v)
{
    return v >= INT32_MIN && v <= INT32_MAX;
}

/* REX prefix; `force` for byte registers spl..dil. */
static inline void x_rex(X86 *a, bool w, int reg, int index, int base, bool force)
{
    uint8_t rex =
        (uint8_t) (0x40 | (w << 3) | ((reg >> 3) << 2) | ((index >> 3) << 1) | (base >> 3));
    if (rex != 0x40 || force)
        x_u8(a, rex);
}

static inline void x_modrm_rr(X86 *a, int reg, int rm)
{
    x_u8(a, (uint8_t) (0xc0 | ((reg & 7) << 3) | (rm & 7)));
}

/* ModRM (and SIB, displacement) for [base + disp]. */
static inline void x_modrm_mem(X86 *a, int reg, int base, int32_t disp)
{
    int mod = (disp == 0 && (base & 7) != RBP) ? 0 : x_is_s8(disp) ? 1 : 2;
    x_u8(a, (uint8_t) ((mod << 6) | ((reg & 7) << 3) | (base & 7)));
    if ((base & 7) == RSP)
        x_u8(a, 0x24);
    if (mod == 1)
        x_u8(a, (uint8_t) (int8_t) disp);
    else if (mod == 2)
        x_u32(a, (uint32_t) disp);
}

/* ModRM and SIB for [base + index * (1 << scale) + disp]; index is not RSP. */
static inline void x_modrm_sib(X86 *a, int reg, int base, int index, int scale, int32_t disp)
{
    int mod = (disp == 0 && (base & 7) != RBP) ? 0 : x_is_s8(disp) ? 1 : 2;
    x_u8(a, (uint8_t) ((mod << 6) | ((reg & 7) << 3) | 4));
    x_u8(a, (uint8_t) ((scale << 6) | ((index & 7) << 3) | (base & 7)));
    if (mod == 1)
        x_u8(a, (uint8_t) (int8_t) disp);
    else if (mod == 2)
        x_u32(a, (uint32_t) disp);
}

/* op r/m, reg (register form) for the classic one-byte ALU opcodes and MOV/TEST. */
static inline void x_op_rr(X86 *a, bool w, uint8_t opc, int rm, int reg)
{
    x_rex(a, w, reg, 0, rm, false);
    x_u8(a, opc);
    x_modrm_rr(a, reg, rm);
}

static inline void x_alu_rr(X86 *a, bool w, X86Alu op, int dst, int src)
{
    x_op_rr(a, w, (uint8_t) (op * 8 + 1), dst, src);
}

/* op reg, [base + disp] */
static inline void x_alu_rm(X86 *a, bool w, X86Alu op, int dst, int base, int32_t disp)
{
    x_rex(a, w, dst, 0, base, false);
    x_u8(a, (uint8_t) (op * 8 + 3));
    x_modrm_mem(a, dst, base, disp);
}

static inline void x_alu_ri(X86 *a, bool w, X86Alu op, int dst, int32_t imm)
{
    x_rex(a, w, 0, 0, dst, false);
    if (x_is_s8(imm)) {
        x_u8(a, 0x83);
        x_modrm_rr(a, op, dst);
        x_u8(a, (uint8_t) (int8_t) imm);
    } else {
        x_u8(a, 0x81);
        x_modrm_rr(a, op, dst);
        x_u32(a, (uint32_t) imm);
    }
}

/* op qword/dword [base + disp], imm */
static inline void x_alu_mi(X86 *a, bool w, X86Alu op, int base, int32_t disp, int32_t imm)
{
    x_rex(a, w, 0, 0, base, false);
    if (x_is_s8(imm)) {
        x_u8(a, 0x83);
        x_modrm_mem(a, op, base, disp);
        x_u8(a, (uint8_t) (int8_t) imm);
    } else {
        x_u8(a, 0x81);
        x_modrm_mem(a, op, base, disp);
        x_u32(a, (uint32_t) imm);
    }
}

/* test qword [base + disp], imm32 */
static inline void x_test_mi(X86 *a, int base, int32_t disp, int32_t imm)
{
    x_rex(a, true, 0, 0, base, false);
    x_u8(a, 0xf7);
    x_modrm_mem(a, 0, base, disp);
    x_u32(a, (uint32_t) imm);
}

static inline void x_mov_rr(X86 *a, bool w, int dst, int src)
{
    x_op_rr(a, w, 0x89, dst, src);
}

static inline void x_test_rr(X86 *a, bool w, int r1, int r2)
{
    x_op_rr(a, w, 0x85, r1, r2);
}

static inline void x_load64(X86 *a, int dst, int base, int32_t disp)
{
    x_rex(a, true, dst, 0, base, false);
    x_u8(a, 0x8b);
    x_modrm_mem(a, dst, base, disp);
}

static inline void x_load32(X86 *a, int dst, int base, int32_t disp)
{
    x_rex(a, false, dst, 0, base, false);
    x_u8(a, 0x8b);
    x_modrm_mem(a, dst, base, disp);
}

static inline void x_store64(X86 *a, int base, int32_t disp, int src)
{
    x_rex(a, true, src, 0, base, false);
    x_u8(a, 0x89);
    x_modrm_mem(a, src, base, disp);
}

static inline void x_lea(X86 *a, int dst, int base, int32_t disp)
{
    x_rex(a, true, dst, 0, base, false);
    x_u8(a, 0x8d);
    x_modrm_mem(a, dst, base, disp);
}

/* lea dst, [base + index << scale] */
static inline void x_lea_sib(X86 *a, int dst, int base, int index, int scale)
{
    x_rex(a, true, dst, index, base, false);
    x_u8(a, 0x8d);
    x_modrm_sib(a, dst, base, index, scale, 0);
}

static inline void x_mov_ri(X86 *a, int dst, uint64_t imm)
{
    if (imm <= UINT32_MAX) {
        x_rex(a, false, 0, 0, dst, false);
        x_u8(a, (uint8_t) (0xb8 + (dst & 7)));
        x_u32(a, (uint32_t) imm);
    } else if (x_is_s32((int64_t) imm)) {
        x_rex(a, true, 0, 0, dst, false);
        x_u8(a, 0xc7);
        x_modrm_rr(a, 0, dst);
        x_u32(a, (uint32_t) imm);
    } else {
        x_rex(a, true, 0, 0, dst, false);
        x_u8(a, (uint8_t) (0xb8 + (dst & 7)));
        x_u64(a, imm);
    }
}

/* movabs dst, imm64 in its 10-byte form, so the immediate can be patched later: returns
 * where the immediate is. */
static inline uint8_t *x_mov_ri64(X86 *a, int dst, uint64_t imm)
{
    x_rex(a, true, 0, 0, dst, false);
    x_u8(a, (uint8_t) (0xb8 + (dst & 7)));
    uint8_t *at = a->p;
    x_u64(a, imm);
    return at;
}

/* op byte [base + disp], imm8 */
static inline void x_alu_mi8(X86 *a, X86Alu op, int base, int32_t disp, uint8_t imm)
{
    x_rex(a, false, 0, 0, base, false);
    x_u8(a, 0x80);
    x_modrm_mem(a, op, base, disp);
    x_u8(a, imm);
}

static inline void x_shift_ri(X86 *a, bool w, X86Shift op, int dst, uint8_t imm)
{
    x_rex(a, w, 0, 0, dst, false);
    x_u8(a, 0xc1);
    x_modrm_rr(a, op, dst);
    x_u8(a, imm);
}

/* Shift by cl. */
static inline void x_shift_cl(X86 *a, bool w, X86Shift op, int dst)
{
    x_rex(a, w, 0, 0, dst, false);
    x_u8(a, 0xd3);
    x_modrm_rr(a, op, dst);
}

/* Two-byte opcodes 0F xx /r with a register operand: reg is the ModRM reg field. */
static inline void x_0f_rr(X86 *a, bool w, uint8_t opc, int reg, int rm, bool force_rex)
{
    x_rex(a, w, reg, 0, rm, force_rex);
    x_u8(a, 0x0f);
    x_u8(a, opc);
    x_modrm_rr(a, reg, rm);
}

static inline void x_imul_rr(X86 *a, bool w, int dst, int src)
{
    x_0f_rr(a, w, 0xaf, dst, src, false);
}

/* The one-operand group F7: /2 not, /3 neg, /4 mul, /5 imul (rdx:rax). */
static inline void x_f7(X86 *a, bool w, int ext, int rm)
{
    x_rex(a, w, 0, 0, rm, false);
    x_u8(a, 0xf7);
    x_modrm_rr(a, ext, rm);
}

static inline void x_movsxd(X86 *a, int dst, int src)
{
    x_rex(a, true, dst, 0, src, false);
    x_u8(a, 0x63);
    x_modrm_rr(a, dst, src);
}

static inline void x_setcc(X86 *a, int cc, int dst)
{
    x_0f_rr(a, false, (uint8_t) (0x90 + cc), 0, dst, dst >= RSP);
}

static inline void x_movzx8(X86 *a, int dst, int src)
{
    x_0f_rr(a, false, 0xb6, dst, src, src >= RSP);
}

static inline void x_cmov(X86 *a, int cc, int dst, int src)
{
    x_0f_rr(a, true, (uint8_t) (0x40 + cc), dst, src, false);
}

/* bt/bts/btr/btc dst, imm8: /4 /5 /6 /7 of 0F BA. */
static inline void x_bt_ri(X86 *a, int ext, int dst, uint8_t bit)
{
    x_rex(a, true, 0, 0, dst, false);
    x_u8(a, 0x0f);
    x_u8(a, 0xba);
    x_modrm_rr(a, ext, dst);
    x_u8(a, bit);
}

static inline void x_bswap(X86 *a, int r)
{
    x_rex(a, true, 0, 0, r, false);
    x_u8(a, 0x0f);
    x_u8(a, (uint8_t) (0xc8 + (r & 7)));
}

/* Loads of 1, 2, 4 or 8 bytes from [base + index], sign- or zero-extended to 64 bits. */
static inline void x_load_sized(X86 *a, int dst, int base, int index, unsigned size, bool sign)
{
    switch (size) {
    case 1:
    case 2:
        x_rex(a, sign, dst, index, base, false);
        x_u8(a, 0x0f);
        x_u8(a, (uint8_t) ((sign ? 0xbe : 0xb6) + (size == 2)));
        break;
    case 4:
        x_rex(a, sign, dst, index, base, false);
        x_u8(a, sign ? 0x63 : 0x8b);
        break;
    default:
        x_rex(a, true, dst, index, base, false);
        x_u8(a, 0x8b);
        break;
    }
    x_modrm_sib(a, dst, base, index, 0, 0);
}

/* The same from [base + disp]. */
static inline void x_load_sized_mem(X86 *a, int dst, int base, int32_t disp, unsigned size,
                                    bool sign)
{
    switch (size) {
    case 1:
    case 2:
        x_rex(a, sign, dst, 0, base, false);
        x_u8(a, 0x0f);
        x_u8(a, (uint8_t) ((sign ? 0xbe : 0xb6) + (size == 2)));
        break;
    case 4:
        x_rex(a, sign, dst, 0, base, false);
        x_u8(a, sign ? 0x63 : 0x8b);
        break;
    default:
        x_rex(a, true, dst, 0, base, false);
        x_u8(a, 0x8b);
        break;
    }
    x_modrm_mem(a, dst, base, disp);
}

/* Stores the low `size` bytes of src to [base + index]. */
static inline void x_store_sized(X86 *a, int base, int index, int src, unsigned size)
{
    if (size == 2)
        x_u8(a, 0x66);
    x_rex(a, size == 8, src, index, base, size == 1 && src >= RSP);
    x_u8(a, size == 1 ? 0x88 : 0x89);
    x_modrm_sib(a, src, base, index, 0, 0);
}

/* mov dword [base + disp], src */
static inline void x_store32(X86 *a, int base, int32_t disp, int src)
{
    x_rex(a, false, src, 0, base, false);
    x_u8(a, 0x89);
    x_modrm_mem(a, src, base, disp);
}

/* mov dword [base + disp], imm */
static inline void x_store32_imm(X86 *a, int base, int32_t disp, uint32_t imm)
{
    x_rex(a, false, 0, 0, base, false);
    x_u8(a, 0xc7);
    x_modrm_mem(a, 0, base, disp);
    x_u32(a, imm);
}

/* SSE scalar instructions: [prefix] [REX] 0F opc, with the XMM (or general) register `reg`
 * in ModRM.reg and [base + disp] or register `rm` in ModRM.rm. Prefixes: F2 double, F3
 * single, 66 (u)comisd and movq, none for (u)comiss. */
enum {
    SSE_MOV_LOAD = 0x10, /* movsd/movss xmm, m */
    SSE_MOV_STORE = 0x11,
    SSE_CVTSI2 = 0x2a,  /* cvtsi2sd/ss xmm, r/m (REX.W: 64-bit source) */
    SSE_CVTT2SI = 0x2c, /* cvttsd/ss2si r, xmm/m (truncating) */
    SSE_CVT2SI = 0x2d,  /* cvtsd/ss2si r, xmm/m (MXCSR rounding) */
    SSE_UCOMI = 0x2e,
    SSE_COMI = 0x2f,
    SSE_SQRT = 0x51,
    SSE_ADD = 0x58,
    SSE_MUL = 0x59,
    SSE_CVT_FMT = 0x5a, /* cvtsd2ss (F2), cvtss2sd (F3) */
    SSE_SUB = 0x5c,
    SSE_DIV = 0x5e,
};

static inline void x_sse_mem(X86 *a, uint8_t prefix, bool w, uint8_t opc, int reg, int base,
                             int32_t disp)
{
    if (prefix)
        x_u8(a, prefix);
    x_rex(a, w, reg, 0, base, false);
    x_u8(a, 0x0f);
    x_u8(a, opc);
    x_modrm_mem(a, reg, base, disp);
}

static inline void x_sse_rr(X86 *a, uint8_t prefix, bool w, uint8_t opc, int reg, int rm)
{
    if (prefix)
        x_u8(a, prefix);
    x_rex(a, w, reg, 0, rm, false);
    x_u8(a, 0x0f);
    x_u8(a, opc);
    x_modrm_rr(a, reg, rm);
}

/* A VEX-encoded 0F 38 operation on XMM registers (the FMA3 ones): reg, vreg and
 * [base + disp]; w is VEX.W (1: double). */
static inline void x_vex_0f38_mem(X86 *a, bool w, uint8_t opc, int reg, int vreg, int base,
                                  int32_t disp)
{
    x_u8(a, 0xc4);
    x_u8(a, (uint8_t) ((((reg >> 3) ^ 1) << 7) | (1 << 6) | (((base >> 3) ^ 1) << 5) | 0x02));
    x_u8(a, (uint8_t) ((w << 7) | ((~vreg & 0xf) << 3) | 0x01));
    x_u8(a, opc);
    x_modrm_mem(a, reg, base, disp);
}

/* op [base], reg for an opcode of one byte or, with 0x0F before it, two (opc2 >= 0); lock
 * puts the LOCK prefix first (xadd, cmpxchg, the ALU operations). */
static inline void x_rm_mem(X86 *a, bool lock, bool w, int opc1, int opc2, int reg, int base)
{
    if (lock)
        x_u8(a, 0xf0);
    x_rex(a, w, reg, 0, base, false);
    x_u8(a, (uint8_t) opc1);
    if (opc2 >= 0)
        x_u8(a, (uint8_t) opc2);
    x_modrm_mem(a, reg, base, 0);
}

/* Jumps with a 32-bit displacement; they return where the displacement goes. */
static inline uint8_t *x_jcc(X86 *a, int cc)
{
    x_u8(a, 0x0f);
    x_u8(a, (uint8_t) (0x80 + cc));
    uint8_t *at = a->p;
    x_u32(a, 0);
    return at;
}

static inline uint8_t *x_jmp(X86 *a)
{
    x_u8(a, 0xe9);
    uint8_t *at = a->p;
    x_u32(a, 0);
    return at;
}

/* Points a displacement written at `at` (in the same buffer) to `target`. */
static inline void x_patch(uint8_t *at, const uint8_t *target)
{
    int32_t rel = (int32_t) (target - (at + 4));
    memcpy(at, &rel, 4);
}

static inline void x_call_abs(X86 *a, const void *fn)
{
    x_mov_ri(a, RAX, (uint64_t) (uintptr_t) fn);
    x_u8(a, 0xff);
    x_modrm_rr(a, 2, RAX);
}

static inline void x_jmp_reg(X86 *a, int r)
{
    x_rex(a, false, 0, 0, r, false);
    x_u8(a, 0xff);
    x_modrm_rr(a, 4, r);
}

static inline void x_push(X86 *a, int r)
{
    x_rex(a, false, 0, 0, r, false);
    x_u8(a, (uint8_t) (0x50 + (r & 7)));
}

static inline void x_pop(X86 *a, int r)
{
    x_rex(a, false, 0, 0, r, false);
    x_u8(a, (uint8_t) (0x58 + (r & 7)));
}

static inline void x_mfence(X86 *a)
{
    x_u8(a, 0x0f);
    x_u8(a, 0xae);
    x_u8(a, 0xf0);
}

#endif
