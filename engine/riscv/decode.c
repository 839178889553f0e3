/* Decoding RISC-V instructions (32-bit and compressed) into the interpreter's form. */
#include <string.h>

#include "hart.h"

/* Integer destinations of x0 go to the sink register x[32]. */
#define RD_SINK(r) ((r) == 0 ? 32 : (r))

static inline int64_t sext(uint64_t v, unsigned bits)
{
    return (int64_t) (v << (64 - bits)) >> (64 - bits);
}

static inline uint32_t bits(uint32_t v, unsigned hi, unsigned lo)
{
    return (v >> lo) & ((1u << (hi - lo + 1)) - 1);
}

typedef struct {
    VrOp op;
    int64_t imm;
    uint8_t rd, rs1, rs2, rs3, rm;
    bool ends;
} Decoded;

static void set_illegal(Decoded *d, uint32_t raw)
{
    memset(d, 0, sizeof(*d));
    d->op = VR_OP_ILLEGAL;
    d->imm = raw;
    d->ends = true;
}

/* Rounding-mode field of an FP instruction: 5 and 6 are reserved. */
static bool rm_valid(unsigned rm)
{
    return rm != 5 && rm != 6;
}

static void decode_fp(Decoded *d, uint32_t raw)
{
    unsigned funct7 = bits(raw, 31, 25), funct3 = bits(raw, 14, 12);
    unsigned rd = bits(raw, 11, 7), rs1 = bits(raw, 19, 15), rs2 = bits(raw, 24, 20);
    d->rd = rd;
    d->rs1 = rs1;
    d->rs2 = rs2;
    d->rm = funct3;
    bool needs_rm = true;
    switch (funct7) {
    case 0x00: d->op = VR_OP_FADD_S; break;
    case 0x01: d->op = VR_OP_FADD_D; break;
    case 0x04: d->op = VR_OP_FSUB_S; break;
    case 0x05: d->op = VR_OP_FSUB_D; break;
    case 0x08: d->op = VR_OP_FMUL_S; break;
    case 0x09: d->op = VR_OP_FMUL_D; break;
    case 0x0c: d->op = VR_OP_FDIV_S; break;
    case 0x0d: d->op = VR_OP_FDIV_D; break;
    case 0x2c:
    case 0x2d:
        if (rs2 != 0)
            goto illegal;
        d->op = funct7 == 0x2c ? VR_OP_FSQRT_S : VR_OP_FSQRT_D;
        break;
    case 0x10:
    case 0x11: {
        static const VrOp s[3] = {VR_OP_FSGNJ_S, VR_OP_FSGNJN_S, VR_OP_FSGNJX_S};
        static const VrOp dd[3] = {VR_OP_FSGNJ_D, VR_OP_FSGNJN_D, VR_OP_FSGNJX_D};
        if (funct3 > 2)
            goto illegal;
        d->op = funct7 == 0x10 ? s[funct3] : dd[funct3];
        needs_rm = false;
        break;
    }
    case 0x14:
    case 0x15:
        if (funct3 > 1)
            goto illegal;
        if (funct7 == 0x14)
            d->op = funct3 ? VR_OP_FMAX_S : VR_OP_FMIN_S;
        else
            d->op = funct3 ? VR_OP_FMAX_D : VR_OP_FMIN_D;
        needs_rm = false;
        break;
    case 0x20:
        if (rs2 != 1)
            goto illegal;
        d->op = VR_OP_FCVT_S_D;
        break;
    case 0x21:
        if (rs2 != 0)
            goto illegal;
        d->op = VR_OP_FCVT_D_S;
        break;
    case 0x50:
    case 0x51: {
        static const VrOp s[3] = {VR_OP_FLE_S, VR_OP_FLT_S, VR_OP_FEQ_S};
        static const VrOp dd[3] = {VR_OP_FLE_D, VR_OP_FLT_D, VR_OP_FEQ_D};
        if (funct3 > 2)
            goto illegal;
        d->op = funct7 == 0x50 ? s[funct3] : dd[funct3];
        d->rd = RD_SINK(rd);
        needs_rm = false;
        break;
    }
    case 0x60:
    case 0x61: {
        static const VrOp s[4] = {VR_OP_FCVT_W_S, VR_OP_FCVT_WU_S, VR_OP_FCVT_L_S, VR_OP_FCVT_LU_S};
        static const VrOp dd[4] = {VR_OP_FCVT_W_D, VR_OP_FCVT_WU_D, VR_OP_FCVT_L_D,
                                   VR_OP_FCVT_LU_D};
        if (rs2 > 3)
            goto illegal;
        d->op = funct7 == 0x60 ? s[rs2] : dd[rs2];
        d->rd = RD_SINK(rd);
        break;
    }
    case 0x68:
    case 0x69: {
        static const VrOp s[4] = {VR_OP_FCVT_S_W, VR_OP_FCVT_S_WU, VR_OP_FCVT_S_L, VR_OP_FCVT_S_LU};
        static const VrOp dd[4] = {VR_OP_FCVT_D_W, VR_OP_FCVT_D_WU, VR_OP_FCVT_D_L,
                                   VR_OP_FCVT_D_LU};
        if (rs2 > 3)
            goto illegal;
        d->op = funct7 == 0x68 ? s[rs2] : dd[rs2];
        break;
    }
    case 0x70:
    case 0x71:
        if (rs2 != 0 || funct3 > 1)
            goto illegal;
        if (funct3 == 0)
            d->op = funct7 == 0x70 ? VR_OP_FMV_X_W : VR_OP_FMV_X_D;
        else
            d->op = funct7 == 0x70 ? VR_OP_FCLASS_S : VR_OP_FCLASS_D;
        d->rd = RD_SINK(rd);
        needs_rm = false;
        break;
    case 0x78:
    case 0x79:
        if (rs2 != 0 || funct3 != 0)
            goto illegal;
        d->op = funct7 == 0x78 ? VR_OP_FMV_W_X : VR_OP_FMV_D_X;
        needs_rm = false;
        break;
    default: goto illegal;
    }
    if (needs_rm && !rm_valid(funct3))
        goto illegal;
    return;
illegal:
    set_illegal(d, raw);
}

static void decode_32(Decoded *d, uint32_t raw, uint64_t pc, unsigned len)
{
    unsigned opcode = raw & 0x7f;
    unsigned rd = bits(raw, 11, 7), rs1 = bits(raw, 19, 15), rs2 = bits(raw, 24, 20);
    unsigned funct3 = bits(raw, 14, 12), funct7 = bits(raw, 31, 25);
    int64_t imm_i = sext(raw >> 20, 12);
    int64_t imm_s = sext((bits(raw, 31, 25) << 5) | bits(raw, 11, 7), 12);
    int64_t imm_b = sext((bits(raw, 31, 31) << 12) | (bits(raw, 7, 7) << 11) |
                             (bits(raw, 30, 25) << 5) | (bits(raw, 11, 8) << 1),
                         13);
    int64_t imm_u = sext(raw & 0xfffff000u, 32);
    int64_t imm_j = sext((bits(raw, 31, 31) << 20) | (bits(raw, 19, 12) << 12) |
                             (bits(raw, 20, 20) << 11) | (bits(raw, 30, 21) << 1),
                         21);

    memset(d, 0, sizeof(*d));
    d->rd = RD_SINK(rd);
    d->rs1 = rs1;
    d->rs2 = rs2;

    switch (opcode) {
    case 0x37: /* LUI */
        d->op = rd ? VR_OP_LI : VR_OP_NOP;
        d->imm = imm_u;
        return;
    case 0x17: /* AUIPC */
        d->op = rd ? VR_OP_LI : VR_OP_NOP;
        d->imm = (int64_t) (pc + (uint64_t) imm_u);
        return;
    case 0x6f: /* JAL */
        d->op = VR_OP_JAL;
        d->imm = (int64_t) (pc + (uint64_t) imm_j);
        d->ends = true;
        return;
    case 0x67: /* JALR */
        if (funct3 != 0)
            break;
        d->op = VR_OP_JALR;
        d->imm = imm_i;
        d->ends = true;
        return;
    case 0x63: { /* branches */
        static const VrOp ops[8] = {VR_OP_BEQ, VR_OP_BNE, VR_OP_ILLEGAL, VR_OP_ILLEGAL,
                                    VR_OP_BLT, VR_OP_BGE, VR_OP_BLTU,    VR_OP_BGEU};
        if (ops[funct3] == VR_OP_ILLEGAL)
            break;
        d->op = ops[funct3];
        d->imm = (int64_t) (pc + (uint64_t) imm_b);
        d->ends = true;
        return;
    }
    case 0x03: { /* loads */
        static const VrOp ops[8] = {VR_OP_LB,  VR_OP_LH,  VR_OP_LW,  VR_OP_LD,
                                    VR_OP_LBU, VR_OP_LHU, VR_OP_LWU, VR_OP_ILLEGAL};
        if (ops[funct3] == VR_OP_ILLEGAL)
            break;
        d->op = ops[funct3];
        d->imm = imm_i;
        return;
    }
    case 0x23: { /* stores */
        static const VrOp ops[4] = {VR_OP_SB, VR_OP_SH, VR_OP_SW, VR_OP_SD};
        if (funct3 > 3)
            break;
        d->op = ops[funct3];
        d->imm = imm_s;
        return;
    }
    case 0x07: /* FP loads */
        if (funct3 != 2 && funct3 != 3)
            break;
        d->op = funct3 == 2 ? VR_OP_FLW : VR_OP_FLD;
        d->rd = rd;
        d->imm = imm_i;
        return;
    case 0x27: /* FP stores */
        if (funct3 != 2 && funct3 != 3)
            break;
        d->op = funct3 == 2 ? VR_OP_FSW : VR_OP_FSD;
        d->imm = imm_s;
        return;
    case 0x13: { /* OP-IMM */
        unsigned funct6 = bits(raw, 31, 26);
        unsigned shamt = bits(raw, 25, 20);
        d->imm = imm_i;
        switch (funct3) {
        case 0:
            if (rd == 0)
                d->op = VR_OP_NOP;
            else if (rs1 == 0)
                d->op = VR_OP_LI;
            else if (imm_i == 0)
                d->op = VR_OP_MV;
            else
                d->op = VR_OP_ADDI;
            return;
        case 2: d->op = VR_OP_SLTI; return;
        case 3: d->op = VR_OP_SLTIU; return;
        case 4: d->op = VR_OP_XORI; return;
        case 6: d->op = VR_OP_ORI; return;
        case 7: d->op = VR_OP_ANDI; return;
        case 1:
            d->imm = shamt;
            if (funct6 == 0x00)
                d->op = VR_OP_SLLI;
            else if (funct6 == 0x0a)
                d->op = VR_OP_BSETI;
            else if (funct6 == 0x12)
                d->op = VR_OP_BCLRI;
            else if (funct6 == 0x1a)
                d->op = VR_OP_BINVI;
            else if (funct7 == 0x30 && rs2 == 0)
                d->op = VR_OP_CLZ;
            else if (funct7 == 0x30 && rs2 == 1)
                d->op = VR_OP_CTZ;
            else if (funct7 == 0x30 && rs2 == 2)
                d->op = VR_OP_CPOP;
            else if (funct7 == 0x30 && rs2 == 4)
                d->op = VR_OP_SEXT_B;
            else if (funct7 == 0x30 && rs2 == 5)
                d->op = VR_OP_SEXT_H;
            else
                break;
            return;
        case 5:
            d->imm = shamt;
            if (funct6 == 0x00)
                d->op = VR_OP_SRLI;
            else if (funct6 == 0x10)
                d->op = VR_OP_SRAI;
            else if (funct6 == 0x18)
                d->op = VR_OP_RORI;
            else if (funct6 == 0x12)
                d->op = VR_OP_BEXTI;
            else if ((raw >> 20) == 0x287)
                d->op = VR_OP_ORC_B;
            else if ((raw >> 20) == 0x6b8)
                d->op = VR_OP_REV8;
            else
                break;
            return;
        }
        break;
    }
    case 0x1b: /* OP-IMM-32 */
        switch (funct3) {
        case 0:
            d->op = VR_OP_ADDIW;
            d->imm = imm_i;
            return;
        case 1:
            d->imm = rs2; /* shamt[4:0] */
            if (funct7 == 0x00)
                d->op = VR_OP_SLLIW;
            else if (bits(raw, 31, 26) == 0x02) {
                d->op = VR_OP_SLLI_UW;
                d->imm = bits(raw, 25, 20);
            } else if (funct7 == 0x30 && rs2 == 0)
                d->op = VR_OP_CLZW;
            else if (funct7 == 0x30 && rs2 == 1)
                d->op = VR_OP_CTZW;
            else if (funct7 == 0x30 && rs2 == 2)
                d->op = VR_OP_CPOPW;
            else
                break;
            return;
        case 5:
            d->imm = rs2;
            if (funct7 == 0x00)
                d->op = VR_OP_SRLIW;
            else if (funct7 == 0x20)
                d->op = VR_OP_SRAIW;
            else if (funct7 == 0x30)
                d->op = VR_OP_RORIW;
            else
                break;
            return;
        }
        break;
    case 0x33: { /* OP */
        static const VrOp base[8] = {VR_OP_ADD, VR_OP_SLL, VR_OP_SLT, VR_OP_SLTU,
                                     VR_OP_XOR, VR_OP_SRL, VR_OP_OR,  VR_OP_AND};
        static const VrOp mext[8] = {VR_OP_MUL, VR_OP_MULH, VR_OP_MULHSU, VR_OP_MULHU,
                                     VR_OP_DIV, VR_OP_DIVU, VR_OP_REM,    VR_OP_REMU};
        VrOp op = VR_OP_ILLEGAL;
        switch (funct7) {
        case 0x00: op = base[funct3]; break;
        case 0x01: op = mext[funct3]; break;
        case 0x20:
            op = funct3 == 0   ? VR_OP_SUB
                 : funct3 == 5 ? VR_OP_SRA
                 : funct3 == 7 ? VR_OP_ANDN
                 : funct3 == 6 ? VR_OP_ORN
                 : funct3 == 4 ? VR_OP_XNOR
                               : VR_OP_ILLEGAL;
            break;
        case 0x05:
            op = funct3 == 4   ? VR_OP_MIN
                 : funct3 == 5 ? VR_OP_MINU
                 : funct3 == 6 ? VR_OP_MAX
                 : funct3 == 7 ? VR_OP_MAXU
                               : VR_OP_ILLEGAL;
            break;
        case 0x10:
            op = funct3 == 2   ? VR_OP_SH1ADD
                 : funct3 == 4 ? VR_OP_SH2ADD
                 : funct3 == 6 ? VR_OP_SH3ADD
                               : VR_OP_ILLEGAL;
            break;
        case 0x30: op = funct3 == 1 ? VR_OP_ROL : funct3 == 5 ? VR_OP_ROR : VR_OP_ILLEGAL; break;
        case 0x14: op = funct3 == 1 ? VR_OP_BSET : VR_OP_ILLEGAL; break;
        case 0x24: op = funct3 == 1 ? VR_OP_BCLR : funct3 == 5 ? VR_OP_BEXT : VR_OP_ILLEGAL; break;
        case 0x34: op = funct3 == 1 ? VR_OP_BINV : VR_OP_ILLEGAL; break;
        }
        if (op == VR_OP_ILLEGAL)
            break;
        d->op = rd ? op : VR_OP_NOP;
        return;
    }
    case 0x3b: { /* OP-32 */
        VrOp op = VR_OP_ILLEGAL;
        switch (funct7) {
        case 0x00:
            op = funct3 == 0   ? VR_OP_ADDW
                 : funct3 == 1 ? VR_OP_SLLW
                 : funct3 == 5 ? VR_OP_SRLW
                               : VR_OP_ILLEGAL;
            break;
        case 0x20: op = funct3 == 0 ? VR_OP_SUBW : funct3 == 5 ? VR_OP_SRAW : VR_OP_ILLEGAL; break;
        case 0x01:
            op = funct3 == 0   ? VR_OP_MULW
                 : funct3 == 4 ? VR_OP_DIVW
                 : funct3 == 5 ? VR_OP_DIVUW
                 : funct3 == 6 ? VR_OP_REMW
                 : funct3 == 7 ? VR_OP_REMUW
                               : VR_OP_ILLEGAL;
            break;
        case 0x04:
            if (funct3 == 0)
                op = VR_OP_ADD_UW;
            else if (funct3 == 4 && rs2 == 0)
                op = VR_OP_ZEXT_H;
            break;
        case 0x10:
            op = funct3 == 2   ? VR_OP_SH1ADD_UW
                 : funct3 == 4 ? VR_OP_SH2ADD_UW
                 : funct3 == 6 ? VR_OP_SH3ADD_UW
                               : VR_OP_ILLEGAL;
            break;
        case 0x30: op = funct3 == 1 ? VR_OP_ROLW : funct3 == 5 ? VR_OP_RORW : VR_OP_ILLEGAL; break;
        }
        if (op == VR_OP_ILLEGAL)
            break;
        d->op = rd ? op : VR_OP_NOP;
        return;
    }
    case 0x0f: /* MISC-MEM */
        if (funct3 == 0) {
            /* Orders stores before later loads only when both sets say so. */
            unsigned pred = bits(raw, 27, 24), succ = bits(raw, 23, 20);
            d->op = VR_OP_FENCE;
            d->rm = (pred & 1) && (succ & 2); /* pred W, succ R: needs a full host fence */
            return;
        }
        if (funct3 == 1) {
            d->op = VR_OP_FENCE_I;
            d->ends = true;
            return;
        }
        break;
    case 0x73: /* SYSTEM */
        if (funct3 == 0) {
            if (raw == 0x00000073)
                d->op = VR_OP_ECALL;
            else if (raw == 0x00100073)
                d->op = VR_OP_EBREAK;
            else if (raw == 0x10200073)
                d->op = VR_OP_SRET;
            else if (raw == 0x30200073)
                d->op = VR_OP_MRET;
            else if (raw == 0x10500073)
                d->op = VR_OP_WFI;
            else if (funct7 == 0x09 && rd == 0)
                d->op = VR_OP_SFENCE_VMA;
            else
                break;
            d->imm = raw;
            d->ends = true;
            return;
        }
        if (funct3 == 4)
            break;
        {
            static const VrOp ops[8] = {VR_OP_ILLEGAL, VR_OP_CSRRW,  VR_OP_CSRRS,  VR_OP_CSRRC,
                                        VR_OP_ILLEGAL, VR_OP_CSRRWI, VR_OP_CSRRSI, VR_OP_CSRRCI};
            d->op = ops[funct3];
            d->imm = raw >> 20;
            bool is_rw = (funct3 & 3) == 1;
            bool do_read = !is_rw || rd != 0;
            bool do_write = is_rw || rs1 != 0;
            d->rm = (uint8_t) ((do_read ? 1 : 0) | (do_write ? 2 : 0));
            return;
        }
    case 0x2f: { /* AMO */
        unsigned funct5 = bits(raw, 31, 27);
        if (funct3 != 2 && funct3 != 3)
            break;
        bool w = funct3 == 2;
        switch (funct5) {
        case 0x02:
            if (rs2 != 0)
                goto illegal;
            d->op = w ? VR_OP_LR_W : VR_OP_LR_D;
            return;
        case 0x03: d->op = w ? VR_OP_SC_W : VR_OP_SC_D; return;
        case 0x01: d->op = w ? VR_OP_AMOSWAP_W : VR_OP_AMOSWAP_D; return;
        case 0x00: d->op = w ? VR_OP_AMOADD_W : VR_OP_AMOADD_D; return;
        case 0x04: d->op = w ? VR_OP_AMOXOR_W : VR_OP_AMOXOR_D; return;
        case 0x0c: d->op = w ? VR_OP_AMOAND_W : VR_OP_AMOAND_D; return;
        case 0x08: d->op = w ? VR_OP_AMOOR_W : VR_OP_AMOOR_D; return;
        case 0x10: d->op = w ? VR_OP_AMOMIN_W : VR_OP_AMOMIN_D; return;
        case 0x14: d->op = w ? VR_OP_AMOMAX_W : VR_OP_AMOMAX_D; return;
        case 0x18: d->op = w ? VR_OP_AMOMINU_W : VR_OP_AMOMINU_D; return;
        case 0x1c: d->op = w ? VR_OP_AMOMAXU_W : VR_OP_AMOMAXU_D; return;
        }
        break;
    }
    case 0x43:
    case 0x47:
    case 0x4b:
    case 0x4f: { /* fused multiply-add */
        unsigned fmt = bits(raw, 26, 25);
        if (fmt > 1 || !rm_valid(funct3))
            break;
        static const VrOp s[4] = {VR_OP_FMADD_S, VR_OP_FMSUB_S, VR_OP_FNMSUB_S, VR_OP_FNMADD_S};
        static const VrOp dd[4] = {VR_OP_FMADD_D, VR_OP_FMSUB_D, VR_OP_FNMSUB_D, VR_OP_FNMADD_D};
        unsigned k = (opcode >> 2) & 3;
        d->op = fmt ? dd[k] : s[k];
        d->rd = rd;
        d->rs3 = bits(raw, 31, 27);
        d->rm = funct3;
        return;
    }
    case 0x53: decode_fp(d, raw); return;
    }
illegal:
    set_illegal(d, raw);
}

static void decode_16(Decoded *d, uint32_t raw, uint64_t pc)
{
    unsigned quadrant = raw & 3, funct3 = bits(raw, 15, 13);
    unsigned rd = bits(raw, 11, 7), rs2 = bits(raw, 6, 2);
    unsigned rdp = 8 + bits(raw, 4, 2), rs1p = 8 + bits(raw, 9, 7);
    memset(d, 0, sizeof(*d));

    switch (quadrant) {
    case 0:
        switch (funct3) {
        case 0: { /* C.ADDI4SPN */
            unsigned nzuimm = (bits(raw, 10, 7) << 6) | (bits(raw, 12, 11) << 4) |
                              (bits(raw, 5, 5) << 3) | (bits(raw, 6, 6) << 2);
            if (nzuimm == 0)
                goto illegal;
            d->op = VR_OP_ADDI;
            d->rd = rdp;
            d->rs1 = 2;
            d->imm = nzuimm;
            return;
        }
        case 1:   /* C.FLD */
        case 3:   /* C.LD */
        case 5:   /* C.FSD */
        case 7: { /* C.SD */
            unsigned off = (bits(raw, 12, 10) << 3) | (bits(raw, 6, 5) << 6);
            d->rs1 = rs1p;
            d->imm = off;
            if (funct3 == 1) {
                d->op = VR_OP_FLD;
                d->rd = rdp;
            } else if (funct3 == 3) {
                d->op = VR_OP_LD;
                d->rd = rdp;
            } else {
                d->op = funct3 == 5 ? VR_OP_FSD : VR_OP_SD;
                d->rs2 = rdp;
            }
            return;
        }
        case 2:   /* C.LW */
        case 6: { /* C.SW */
            unsigned off =
                (bits(raw, 12, 10) << 3) | (bits(raw, 6, 6) << 2) | (bits(raw, 5, 5) << 6);
            d->rs1 = rs1p;
            d->imm = off;
            if (funct3 == 2) {
                d->op = VR_OP_LW;
                d->rd = rdp;
            } else {
                d->op = VR_OP_SW;
                d->rs2 = rdp;
            }
            return;
        }
        }
        break;
    case 1:
        switch (funct3) {
        case 0: { /* C.ADDI (C.NOP when rd = 0) */
            int64_t imm = sext((bits(raw, 12, 12) << 5) | rs2, 6);
            if (rd == 0 || imm == 0) {
                d->op = VR_OP_NOP;
                return;
            }
            d->op = VR_OP_ADDI;
            d->rd = rd;
            d->rs1 = rd;
            d->imm = imm;
            return;
        }
        case 1: /* C.ADDIW */
            if (rd == 0)
                goto illegal;
            d->op = VR_OP_ADDIW;
            d->rd = rd;
            d->rs1 = rd;
            d->imm = sext((bits(raw, 12, 12) << 5) | rs2, 6);
            return;
        case 2: /* C.LI */
            d->op = rd ? VR_OP_LI : VR_OP_NOP;
            d->rd = RD_SINK(rd);
            d->imm = sext((bits(raw, 12, 12) << 5) | rs2, 6);
            return;
        case 3:
            if (rd == 2) { /* C.ADDI16SP */
                int64_t imm = sext((bits(raw, 12, 12) << 9) | (bits(raw, 4, 3) << 7) |
                                       (bits(raw, 5, 5) << 6) | (bits(raw, 2, 2) << 5) |
                                       (bits(raw, 6, 6) << 4),
                                   10);
                if (imm == 0)
                    goto illegal;
                d->op = VR_OP_ADDI;
                d->rd = 2;
                d->rs1 = 2;
                d->imm = imm;
                return;
            } else { /* C.LUI */
                int64_t imm = sext((bits(raw, 12, 12) << 17) | (rs2 << 12), 18);
                if (imm == 0)
                    goto illegal;
                d->op = rd ? VR_OP_LI : VR_OP_NOP;
                d->rd = RD_SINK(rd);
                d->imm = imm;
                return;
            }
        case 4: {
            unsigned funct2 = bits(raw, 11, 10);
            unsigned shamt = (bits(raw, 12, 12) << 5) | rs2;
            d->rd = rs1p;
            d->rs1 = rs1p;
            if (funct2 == 0) {
                d->op = VR_OP_SRLI;
                d->imm = shamt;
                return;
            }
            if (funct2 == 1) {
                d->op = VR_OP_SRAI;
                d->imm = shamt;
                return;
            }
            if (funct2 == 2) {
                d->op = VR_OP_ANDI;
                d->imm = sext(shamt, 6);
                return;
            }
            d->rs2 = rdp;
            unsigned f = bits(raw, 6, 5);
            if (!bits(raw, 12, 12)) {
                static const VrOp ops[4] = {VR_OP_SUB, VR_OP_XOR, VR_OP_OR, VR_OP_AND};
                d->op = ops[f];
                return;
            }
            if (f == 0) {
                d->op = VR_OP_SUBW;
                return;
            }
            if (f == 1) {
                d->op = VR_OP_ADDW;
                return;
            }
            break;
        }
        case 5: { /* C.J */
            int64_t imm =
                sext((bits(raw, 12, 12) << 11) | (bits(raw, 8, 8) << 10) | (bits(raw, 10, 9) << 8) |
                         (bits(raw, 6, 6) << 7) | (bits(raw, 7, 7) << 6) | (bits(raw, 2, 2) << 5) |
                         (bits(raw, 11, 11) << 4) | (bits(raw, 5, 3) << 1),
                     12);
            d->op = VR_OP_JAL;
            d->rd = 32;
            d->imm = (int64_t) (pc + (uint64_t) imm);
            d->ends = true;
            return;
        }
        case 6:   /* C.BEQZ */
        case 7: { /* C.BNEZ */
            int64_t imm =
                sext((bits(raw, 12, 12) << 8) | (bits(raw, 6, 5) << 6) | (bits(raw, 2, 2) << 5) |
                         (bits(raw, 11, 10) << 3) | (bits(raw, 4, 3) << 1),
                     9);
            d->op = funct3 == 6 ? VR_OP_BEQ : VR_OP_BNE;
            d->rs1 = rs1p;
            d->rs2 = 0;
            d->imm = (int64_t) (pc + (uint64_t) imm);
            d->ends = true;
            return;
        }
        }
        break;
    case 2:
        switch (funct3) {
        case 0: { /* C.SLLI */
            unsigned shamt = (bits(raw, 12, 12) << 5) | rs2;
            if (rd == 0) {
                d->op = VR_OP_NOP;
                return;
            }
            d->op = VR_OP_SLLI;
            d->rd = rd;
            d->rs1 = rd;
            d->imm = shamt;
            return;
        }
        case 1:   /* C.FLDSP */
        case 3: { /* C.LDSP */
            unsigned off =
                (bits(raw, 12, 12) << 5) | (bits(raw, 6, 5) << 3) | (bits(raw, 4, 2) << 6);
            if (funct3 == 3 && rd == 0)
                goto illegal;
            d->op = funct3 == 1 ? VR_OP_FLD : VR_OP_LD;
            d->rd = rd;
            d->rs1 = 2;
            d->imm = off;
            return;
        }
        case 2: { /* C.LWSP */
            unsigned off =
                (bits(raw, 12, 12) << 5) | (bits(raw, 6, 4) << 2) | (bits(raw, 3, 2) << 6);
            if (rd == 0)
                goto illegal;
            d->op = VR_OP_LW;
            d->rd = rd;
            d->rs1 = 2;
            d->imm = off;
            return;
        }
        case 4:
            if (!bits(raw, 12, 12)) {
                if (rs2 == 0) { /* C.JR */
                    if (rd == 0)
                        goto illegal;
                    d->op = VR_OP_JALR;
                    d->rd = 32;
                    d->rs1 = rd;
                    d->imm = 0;
                    d->ends = true;
                    return;
                }
                /* C.MV */
                d->op = rd ? VR_OP_MV : VR_OP_NOP;
                d->rd = RD_SINK(rd);
                d->rs1 = rs2;
                return;
            }
            if (rd == 0 && rs2 == 0) { /* C.EBREAK */
                d->op = VR_OP_EBREAK;
                d->ends = true;
                return;
            }
            if (rs2 == 0) { /* C.JALR */
                d->op = VR_OP_JALR;
                d->rd = 1;
                d->rs1 = rd;
                d->imm = 0;
                d->ends = true;
                return;
            }
            /* C.ADD */
            d->op = rd ? VR_OP_ADD : VR_OP_NOP;
            d->rd = RD_SINK(rd);
            d->rs1 = rd;
            d->rs2 = rs2;
            return;
        case 5:   /* C.FSDSP */
        case 7: { /* C.SDSP */
            unsigned off = (bits(raw, 12, 10) << 3) | (bits(raw, 9, 7) << 6);
            d->op = funct3 == 5 ? VR_OP_FSD : VR_OP_SD;
            d->rs1 = 2;
            d->rs2 = rs2;
            d->imm = off;
            return;
        }
        case 6: { /* C.SWSP */
            unsigned off = (bits(raw, 12, 9) << 2) | (bits(raw, 8, 7) << 6);
            d->op = VR_OP_SW;
            d->rs1 = 2;
            d->rs2 = rs2;
            d->imm = off;
            return;
        }
        }
        break;
    }
illegal:
    set_illegal(d, raw);
}

unsigned vr_decode_insn(VrInsn *insn, const uint8_t *code, unsigned avail, uint64_t pc,
                        bool *ends_block)
{
    const void *const *ops = vr_interp_ops();
    Decoded d;
    unsigned len;
    if (avail < 2)
        return 0;
    uint32_t lo = (uint32_t) code[0] | ((uint32_t) code[1] << 8);
    if ((lo & 3) != 3) {
        len = 2;
        decode_16(&d, lo, pc);
    } else {
        if (avail < 4)
            return 0;
        len = 4;
        uint32_t raw = lo | ((uint32_t) code[2] << 16) | ((uint32_t) code[3] << 24);
        /* Longer instruction formats are not implemented: treat them as illegal. */
        if ((raw & 0x1f) == 0x1f)
            set_illegal(&d, raw);
        else
            decode_32(&d, raw, pc, len);
    }
    insn->op = ops[d.op];
    insn->kind = (uint16_t) d.op;
    insn->imm = d.imm;
    insn->rd = d.rd;
    insn->rs1 = d.rs1;
    insn->rs2 = d.rs2;
    insn->rs3 = d.rs3;
    insn->rm = d.rm;
    insn->len = (uint8_t) len;
    *ends_block = d.ends;
    return len;
}

unsigned vr_decode_block(VrHart *h, VrBlock *b, const uint8_t *host, unsigned avail)
{
    unsigned off = 0, n = 0, side = 2;
    const void *const *ops = vr_interp_ops();
    const void *cont = ops[VR_OP_CONT];
    for (;;) {
        VrInsn *insn = &b->insns[n];
        bool ends = false;
        unsigned len = vr_decode_insn(insn, host + off, avail - off, b->vpc + off, &ends);
        if (len == 0)
            break; /* runs into the page end */
        insn->pc_off = (uint16_t) off;
        off += len;
        n++;
        /* A forward conditional branch is a side exit while links last: the block goes on
         * with the code after it, which is where it goes when not taken, so code that
         * branches around a few instructions runs as one block. A backward one (a loop's)
         * ends the block, which then loops on itself. */
        if (ends && insn->kind >= VR_OP_BEQ && insn->kind <= VR_OP_BGEU && side < VR_BLOCK_LINKS &&
            (uint64_t) insn->imm > b->vpc + off && n < VR_BLOCK_MAX_INSNS && off < avail) {
            insn->op = ops[VR_OP_SIDE(insn->kind)];
            insn->rs3 = (uint8_t) side++;
            continue;
        }
        if (ends)
            goto done;
        if (n == VR_BLOCK_MAX_INSNS)
            break;
    }
    /* The block falls through to the next instruction: a pseudo-instruction that retires
     * nothing chains to it. */
    b->insns[n] = (VrInsn){.op = cont, .pc_off = (uint16_t) off, .len = 0, .kind = VR_OP_CONT};
    b->n_bytes = (uint16_t) off;
    b->n_insns = (uint16_t) n;
    b->end_vpc = b->vpc + off;
    return n + 1;
done:
    b->n_bytes = (uint16_t) off;
    b->n_insns = (uint16_t) n;
    b->end_vpc = b->vpc + off;
    return n;
}
