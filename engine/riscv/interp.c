/* The interpreter: threaded code over decoded blocks.
 *
 * Each decoded instruction holds the address of its handler (a label in vr_interp, reached
 * by computed goto), so running a block is a chain of indirect jumps with no central switch.
 * Blocks in the same guest page are linked directly; everything else goes through the
 * block cache. Interrupts and requests from other threads are seen at block boundaries.
 */
#include <string.h>

#include "fp-ops.h"
#include "hart.h"
#include "jit/jit.h"
#include "softfloat.h"

static const void *const *interp_ops;

static VrExit interp(VrHart *h, int64_t *budget_io, bool single_step, VrBlock *one);

const void *const *vr_interp_ops(void)
{
    if (!interp_ops)
        interp(NULL, NULL, false, NULL);
    return interp_ops;
}

VrExit vr_interp(VrHart *h, int64_t *budget, bool single_step)
{
    return interp(h, budget, single_step, NULL);
}

VrExit vr_interp_one(VrHart *h, const VrBlock *b, const VrInsn *ip)
{
    /* A copy of the block's header, so that the pc, the raw instruction and a counter CSR's
     * view of instret come out as in the block itself. */
    union {
        VrBlock block;
        uint8_t space[sizeof(VrBlock) + 2 * sizeof(VrInsn)];
    } scratch;
    VrBlock *one = &scratch.block;
    *one = *b;
    unsigned index = (unsigned) (ip - b->insns);
    one->n_insns = (uint16_t) (b->n_insns - index);
    one->insns[0] = *ip;
    return interp(h, NULL, false, one);
}

#define R(r) x[(r)]
#define F(r) h->f[(r)]

static inline uint64_t rev8(uint64_t v)
{
    return __builtin_bswap64(v);
}

static inline uint64_t orc_b(uint64_t v)
{
    uint64_t r = 0;
    for (int i = 0; i < 8; i++)
        if ((v >> (8 * i)) & 0xff)
            r |= 0xffull << (8 * i);
    return r;
}

static inline uint64_t rol64(uint64_t v, unsigned s)
{
    s &= 63;
    return s ? (v << s) | (v >> (64 - s)) : v;
}

static inline uint64_t ror64(uint64_t v, unsigned s)
{
    s &= 63;
    return s ? (v >> s) | (v << (64 - s)) : v;
}

static inline uint32_t rol32(uint32_t v, unsigned s)
{
    s &= 31;
    return s ? (v << s) | (v >> (32 - s)) : v;
}

static inline uint32_t ror32(uint32_t v, unsigned s)
{
    s &= 31;
    return s ? (v >> s) | (v << (32 - s)) : v;
}

static inline int64_t div64(int64_t a, int64_t b)
{
    if (b == 0)
        return -1;
    if (a == INT64_MIN && b == -1)
        return INT64_MIN;
    return a / b;
}

static inline int64_t rem64(int64_t a, int64_t b)
{
    if (b == 0)
        return a;
    if (a == INT64_MIN && b == -1)
        return 0;
    return a % b;
}

static inline int32_t div32(int32_t a, int32_t b)
{
    if (b == 0)
        return -1;
    if (a == INT32_MIN && b == -1)
        return INT32_MIN;
    return a / b;
}

static inline int32_t rem32(int32_t a, int32_t b)
{
    if (b == 0)
        return a;
    if (a == INT32_MIN && b == -1)
        return 0;
    return a % b;
}

static inline uint64_t mulhsu64(int64_t a, uint64_t b)
{
    __int128 p = (__int128) a * (__int128) (unsigned __int128) b;
    return (uint64_t) (p >> 64);
}

/* The interpreter. With `one`, it runs one instruction only, from a scratch block that
 * vr_interp_one made (its second slot is filled here), and returns VR_EXIT_ONE_*. */
static VrExit __attribute__((noinline))
interp(VrHart *h, int64_t *budget_io, bool single_step, VrBlock *one)
{
#define VR_OP_LABEL(name) &&L_##name,
    // clang-format off
    static const void *const labels[VR_OP_HANDLERS] = {
        VR_OPS(VR_OP_LABEL)
        &&L_BEQ_SIDE, &&L_BNE_SIDE, &&L_BLT_SIDE, &&L_BGE_SIDE, &&L_BLTU_SIDE, &&L_BGEU_SIDE,
    };
    // clang-format on
#undef VR_OP_LABEL
    if (unlikely(h == NULL)) {
        interp_ops = labels;
        return VR_EXIT_BUDGET;
    }

    uint64_t *const x = h->x;
    /* Instructions retired, kept in a register and written back to h->instret whenever
     * someone else may look at it; the budget is spent when it reaches limit. */
    uint64_t icount = h->instret;
    uint64_t limit = icount + (uint64_t) (budget_io ? *budget_io : 1);
    const bool jit_on = h->cache.jit != NULL;
    uint32_t epoch = h->code_epoch;
    VrTlb *tlb = h->tlb_data;
    VrBlock *b = NULL, *prev = NULL;
    const VrInsn *ip = NULL;
    unsigned slot = 0, prev_slot = 0;
    uint64_t next_pc = 0, flushes = 0;
    uint64_t cause = 0, tval = 0;

#define SYNC_ICOUNT() (h->instret = icount)
#define LEAVE(why)                               \
    do {                                         \
        SYNC_ICOUNT();                           \
        *budget_io = (int64_t) (limit - icount); \
        return (why);                            \
    } while (0)
#define NEXT()         \
    do {               \
        ip++;          \
        goto * ip->op; \
    } while (0)
#define EXC(c, v)       \
    do {                \
        cause = (c);    \
        tval = (v);     \
        goto exception; \
    } while (0)
#define ILLEGAL() EXC(CAUSE_ILLEGAL_INSTRUCTION, vr_insn_raw(b, ip))
/* To a target fixed at decode time: the link can only lead there. */
#define JUMP(s, target)     \
    do {                    \
        slot = (s);         \
        next_pc = (target); \
        goto chain;         \
    } while (0)
/* To a computed target: the link is used only when it leads there. */
#define JUMP_INDIRECT(target) \
    do {                      \
        slot = 0;             \
        next_pc = (target);   \
        goto chain_indirect;  \
    } while (0)
#define PC()      (b->vpc + ip->pc_off)
#define NEXT_PC() (b->vpc + ip->pc_off + ip->len)

    if (one) {
        one->insns[1].op = &&one_done;
        b = one;
        ip = one->insns;
        goto * ip->op;
    }

dispatch:
    /* h->pc is where to go; prev/prev_slot name a link to fill in once the block is known. */
    if (unlikely(atomic_load_explicit(&h->exit_request, memory_order_relaxed)))
        LEAVE(VR_EXIT_REQUEST);
    if (unlikely((int64_t) (limit - icount) <= 0))
        LEAVE(VR_EXIT_BUDGET);
    tlb = h->tlb_data;
    if (unlikely(single_step)) {
        b = vr_block_fetch_single(h);
        if (!b)
            LEAVE(VR_EXIT_BUDGET);
    } else {
        flushes = h->cache.n_flushes;
        b = vr_block_lookup(h);
        if (unlikely(!b)) {
            /* A fetch fault was raised; continue at the handler. */
            prev = NULL;
            tlb = h->tlb_data;
            limit--;
            goto dispatch;
        }
        if (prev && b->cached && h->cache.n_flushes == flushes) {
            if (((prev->vpc ^ b->vpc) & VR_PAGE_MASK) == 0)
                prev->link[prev_slot] = b;
            else if (prev->jit && b->jit && b->epoch == epoch)
                vr_jit_chain(h, prev, prev_slot, b); /* checks the mapping as it jumps */
        }
    }
    prev = NULL;

enter:
    if (b->jit)
        goto run_jit;
    if (jit_on && !b->jit_failed && b->cached && ++b->hits >= h->jit_threshold &&
        vr_jit_compile(h, b))
        goto run_jit;
    icount += b->n_insns;
    ip = b->insns;
    goto * ip->op;

run_jit:
    /* Compiled code runs b and the compiled blocks chained after it, then says where it
     * stopped; the interpreter takes over from there as if it had run those blocks. */
    {
        h->instret = icount;
        h->jit_limit = limit;
        h->jit_budget = (int64_t) (limit - icount);
        uint32_t r = vr_jit_run(h, b);
        icount = limit - (uint64_t) h->jit_budget;
        h->instret = icount;
        b = h->jit_block;
        tlb = h->tlb_data;
        unsigned idx = r >> 8;
        switch ((VrJitExitKind) (r & 0xff)) {
        case VR_JIT_EXIT_ENTRY:
            h->pc = b->vpc;
            prev = NULL;
            goto dispatch;
        case VR_JIT_EXIT_JUMP: {
            slot = idx;
            next_pc = h->jit_pc;
            VrBlock *nb = b->link[slot];
            if (nb && nb->jit && nb->epoch == epoch)
                vr_jit_chain(h, b, slot, nb);
            goto chain;
        }
        case VR_JIT_EXIT_INDIRECT: {
            slot = 0;
            next_pc = h->jit_pc;
            VrBlock *nb = b->link[0];
            if (nb && nb->vpc == next_pc && nb->jit && nb->epoch == epoch)
                vr_jit_chain(h, b, 0, nb);
            goto chain_indirect;
        }
        case VR_JIT_EXIT_EXCEPTION:
            ip = b->insns + idx;
            cause = h->jit_cause;
            tval = h->jit_tval;
            goto exception;
        case VR_JIT_EXIT_INTERP: ip = b->insns + idx; goto * ip->op;
        case VR_JIT_EXIT_STATE: ip = b->insns + idx; goto exit_after;
        }
        g_assert_not_reached();
    }

one_done:
    return VR_EXIT_ONE_DONE;

chain_indirect:
    if (unlikely(!b->link[0] || b->link[0]->vpc != next_pc))
        goto unchained;
chain:
    /* Leave block b for next_pc through link `slot`. */
    {
        VrBlock *nb = b->link[slot];
        if (likely(nb && nb->epoch == epoch && icount < limit &&
                   !atomic_load_explicit(&h->exit_request, memory_order_relaxed))) {
            b = nb;
            goto enter;
        }
    }
unchained:
    h->pc = next_pc;
    prev = b->cached ? b : NULL;
    prev_slot = slot;
    goto dispatch;

exception:
    /* The instruction at ip traps: it and the rest of the block did not retire. */
    if (unlikely(one)) {
        h->jit_cause = cause;
        h->jit_tval = tval;
        return VR_EXIT_ONE_EXCEPTION;
    }
    {
        unsigned not_retired = b->n_insns - (unsigned) (ip - b->insns);
        icount -= not_retired;
        limit--; /* a trap costs budget, so trap loops end */
        SYNC_ICOUNT();
        vr_hart_trap(h, cause, tval, PC());
        prev = NULL;
        if (single_step)
            LEAVE(VR_EXIT_BUDGET);
        goto dispatch;
    }

exit_after:
    /* The instruction at ip retired and changed state that may unmask an interrupt or
     * change translation: leave the block after it. */
    if (unlikely(one))
        return VR_EXIT_ONE_STATE;
    {
        unsigned not_retired = b->n_insns - (unsigned) (ip - b->insns) - 1;
        icount -= not_retired;
        h->pc = NEXT_PC();
        prev = NULL;
        LEAVE(VR_EXIT_STATE);
    }

    /* ---- pseudo-instructions ---- */
L_ILLEGAL:
    EXC(CAUSE_ILLEGAL_INSTRUCTION, (uint64_t) ip->imm);
L_NOP:
    NEXT();
L_LI:
    R(ip->rd) = (uint64_t) ip->imm;
    NEXT();
L_MV:
    R(ip->rd) = R(ip->rs1);
    NEXT();
L_CONT:
    JUMP(1, b->end_vpc);

    /* ---- control transfer ---- */
L_JAL:
    R(ip->rd) = b->end_vpc;
    JUMP(0, (uint64_t) ip->imm);
L_JALR : {
    uint64_t target = (R(ip->rs1) + (uint64_t) ip->imm) & ~1ull;
    R(ip->rd) = b->end_vpc;
    JUMP_INDIRECT(target);
}
#define BRANCH(name, cond)                            \
    L_##name : if (cond) JUMP(0, (uint64_t) ip->imm); \
    JUMP(1, b->end_vpc);
    BRANCH(BEQ, R(ip->rs1) == R(ip->rs2))
    BRANCH(BNE, R(ip->rs1) != R(ip->rs2))
    BRANCH(BLT, (int64_t) R(ip->rs1) < (int64_t) R(ip->rs2))
    BRANCH(BGE, (int64_t) R(ip->rs1) >= (int64_t) R(ip->rs2))
    BRANCH(BLTU, R(ip->rs1) < R(ip->rs2))
    BRANCH(BGEU, R(ip->rs1) >= R(ip->rs2))
/* A side exit: taken, the block's later instructions do not retire. */
#define SIDE_BRANCH(name, cond)                                \
    L_##name##_SIDE : if (cond)                                \
    {                                                          \
        icount -= b->n_insns - (unsigned) (ip - b->insns) - 1; \
        JUMP(ip->rs3, (uint64_t) ip->imm);                     \
    }                                                          \
    NEXT();
    SIDE_BRANCH(BEQ, R(ip->rs1) == R(ip->rs2))
    SIDE_BRANCH(BNE, R(ip->rs1) != R(ip->rs2))
    SIDE_BRANCH(BLT, (int64_t) R(ip->rs1) < (int64_t) R(ip->rs2))
    SIDE_BRANCH(BGE, (int64_t) R(ip->rs1) >= (int64_t) R(ip->rs2))
    SIDE_BRANCH(BLTU, R(ip->rs1) < R(ip->rs2))
    SIDE_BRANCH(BGEU, R(ip->rs1) >= R(ip->rs2))

    /* ---- loads and stores ---- */
#define LOAD_INTO(dest, type, size)                                                    \
    {                                                                                  \
        uint64_t va = R(ip->rs1) + (uint64_t) ip->imm;                                 \
        const VrTlbEntry *e = &tlb->read[(va >> VR_PAGE_BITS) & (VR_TLB_SIZE - 1)];    \
        if (likely(e->tag == (va & (VR_PAGE_MASK | (size - 1))))) {                    \
            dest = (uint64_t) (int64_t) * (const type *) (uintptr_t) (va + e->addend); \
        } else {                                                                       \
            uint64_t v_;                                                               \
            int c_ = vr_load_slow(h, va, size, &v_);                                   \
            if (unlikely(c_))                                                          \
                EXC(c_, h->fault_vaddr);                                               \
            dest = (uint64_t) (int64_t) (type) v_;                                     \
        }                                                                              \
    }
#define LOAD(name, type, size) L_##name : LOAD_INTO(R(ip->rd), type, size) NEXT();
    LOAD(LB, int8_t, 1)
    LOAD(LH, int16_t, 2)
    LOAD(LW, int32_t, 4)
    LOAD(LD, int64_t, 8)
    LOAD(LBU, uint8_t, 1)
    LOAD(LHU, uint16_t, 2)
    LOAD(LWU, uint32_t, 4)

#define STORE_FROM(value, type, size)                                                \
    {                                                                                \
        uint64_t va = R(ip->rs1) + (uint64_t) ip->imm;                               \
        const VrTlbEntry *e = &tlb->write[(va >> VR_PAGE_BITS) & (VR_TLB_SIZE - 1)]; \
        if (likely(e->tag == (va & (VR_PAGE_MASK | (size - 1))))) {                  \
            *(type *) (uintptr_t) (va + e->addend) = (type) (value);                 \
        } else {                                                                     \
            int c_ = vr_store_slow(h, va, size, (value));                            \
            if (unlikely(c_))                                                        \
                EXC(c_, h->fault_vaddr);                                             \
        }                                                                            \
    }
#define STORE(name, type, size) L_##name : STORE_FROM(R(ip->rs2), type, size) NEXT();
    STORE(SB, uint8_t, 1)
    STORE(SH, uint16_t, 2)
    STORE(SW, uint32_t, 4)
    STORE(SD, uint64_t, 8)

    /* ---- integer computation ---- */
#define ALU(name, expr)            \
    L_##name : R(ip->rd) = (expr); \
    NEXT();
#define RS1     R(ip->rs1)
#define RS2     R(ip->rs2)
#define IMM     ((uint64_t) ip->imm)
#define SX32(v) ((uint64_t) (int64_t) (int32_t) (v))
    ALU(ADDI, RS1 + IMM)
    ALU(SLTI, (int64_t) RS1 < ip->imm)
    ALU(SLTIU, RS1 < IMM)
    ALU(XORI, RS1 ^ IMM)
    ALU(ORI, RS1 | IMM)
    ALU(ANDI, RS1 & IMM)
    ALU(SLLI, RS1 << ip->imm)
    ALU(SRLI, RS1 >> ip->imm)
    ALU(SRAI, (uint64_t) ((int64_t) RS1 >> ip->imm))
    ALU(ADD, RS1 + RS2)
    ALU(SUB, RS1 - RS2)
    ALU(SLL, RS1 << (RS2 & 63))
    ALU(SLT, (int64_t) RS1 < (int64_t) RS2)
    ALU(SLTU, RS1 < RS2)
    ALU(XOR, RS1 ^ RS2)
    ALU(SRL, RS1 >> (RS2 & 63))
    ALU(SRA, (uint64_t) ((int64_t) RS1 >> (RS2 & 63)))
    ALU(OR, RS1 | RS2)
    ALU(AND, RS1 & RS2)
    ALU(ADDIW, SX32(RS1 + IMM))
    ALU(SLLIW, SX32((uint32_t) RS1 << ip->imm))
    ALU(SRLIW, SX32((uint32_t) RS1 >> ip->imm))
    ALU(SRAIW, SX32((int32_t) RS1 >> ip->imm))
    ALU(ADDW, SX32(RS1 + RS2))
    ALU(SUBW, SX32(RS1 - RS2))
    ALU(SLLW, SX32((uint32_t) RS1 << (RS2 & 31)))
    ALU(SRLW, SX32((uint32_t) RS1 >> (RS2 & 31)))
    ALU(SRAW, SX32((int32_t) RS1 >> (RS2 & 31)))

    ALU(MUL, RS1 * RS2)
    ALU(MULH, (uint64_t) (((__int128) (int64_t) RS1 * (__int128) (int64_t) RS2) >> 64))
    ALU(MULHSU, mulhsu64((int64_t) RS1, RS2))
    ALU(MULHU, (uint64_t) (((unsigned __int128) RS1 * RS2) >> 64))
    ALU(DIV, (uint64_t) div64((int64_t) RS1, (int64_t) RS2))
    ALU(DIVU, RS2 ? RS1 / RS2 : ~0ull)
    ALU(REM, (uint64_t) rem64((int64_t) RS1, (int64_t) RS2))
    ALU(REMU, RS2 ? RS1 % RS2 : RS1)
    ALU(MULW, SX32((uint32_t) RS1 * (uint32_t) RS2))
    ALU(DIVW, SX32(div32((int32_t) RS1, (int32_t) RS2)))
    ALU(DIVUW, SX32((uint32_t) RS2 ? (uint32_t) RS1 / (uint32_t) RS2 : ~0u))
    ALU(REMW, SX32(rem32((int32_t) RS1, (int32_t) RS2)))
    ALU(REMUW, SX32((uint32_t) RS2 ? (uint32_t) RS1 % (uint32_t) RS2 : (uint32_t) RS1))

    ALU(ADD_UW, RS2 + (uint32_t) RS1)
    ALU(SH1ADD, RS2 + (RS1 << 1))
    ALU(SH2ADD, RS2 + (RS1 << 2))
    ALU(SH3ADD, RS2 + (RS1 << 3))
    ALU(SH1ADD_UW, RS2 + ((uint64_t) (uint32_t) RS1 << 1))
    ALU(SH2ADD_UW, RS2 + ((uint64_t) (uint32_t) RS1 << 2))
    ALU(SH3ADD_UW, RS2 + ((uint64_t) (uint32_t) RS1 << 3))
    ALU(SLLI_UW, (uint64_t) (uint32_t) RS1 << ip->imm)
    ALU(ANDN, RS1 & ~RS2)
    ALU(ORN, RS1 | ~RS2)
    ALU(XNOR, ~(RS1 ^ RS2))
    ALU(CLZ, RS1 ? (uint64_t) __builtin_clzll(RS1) : 64)
    ALU(CLZW, (uint32_t) RS1 ? (uint64_t) __builtin_clz((uint32_t) RS1) : 32)
    ALU(CTZ, RS1 ? (uint64_t) __builtin_ctzll(RS1) : 64)
    ALU(CTZW, (uint32_t) RS1 ? (uint64_t) __builtin_ctz((uint32_t) RS1) : 32)
    ALU(CPOP, (uint64_t) __builtin_popcountll(RS1))
    ALU(CPOPW, (uint64_t) __builtin_popcount((uint32_t) RS1))
    ALU(MAX, (int64_t) RS1 > (int64_t) RS2 ? RS1 : RS2)
    ALU(MAXU, RS1 > RS2 ? RS1 : RS2)
    ALU(MIN, (int64_t) RS1 < (int64_t) RS2 ? RS1 : RS2)
    ALU(MINU, RS1 < RS2 ? RS1 : RS2)
    ALU(SEXT_B, (uint64_t) (int64_t) (int8_t) RS1)
    ALU(SEXT_H, (uint64_t) (int64_t) (int16_t) RS1)
    ALU(ZEXT_H, (uint16_t) RS1)
    ALU(ROL, rol64(RS1, (unsigned) RS2))
    ALU(ROLW, SX32(rol32((uint32_t) RS1, (unsigned) RS2)))
    ALU(ROR, ror64(RS1, (unsigned) RS2))
    ALU(RORI, ror64(RS1, (unsigned) ip->imm))
    ALU(RORIW, SX32(ror32((uint32_t) RS1, (unsigned) ip->imm)))
    ALU(RORW, SX32(ror32((uint32_t) RS1, (unsigned) RS2)))
    ALU(ORC_B, orc_b(RS1))
    ALU(REV8, rev8(RS1))
    ALU(BCLR, RS1 & ~(1ull << (RS2 & 63)))
    ALU(BCLRI, RS1 & ~(1ull << ip->imm))
    ALU(BEXT, (RS1 >> (RS2 & 63)) & 1)
    ALU(BEXTI, (RS1 >> ip->imm) & 1)
    ALU(BINV, RS1 ^ (1ull << (RS2 & 63)))
    ALU(BINVI, RS1 ^ (1ull << ip->imm))
    ALU(BSET, RS1 | (1ull << (RS2 & 63)))
    ALU(BSETI, RS1 | (1ull << ip->imm))

    /* ---- atomics ---- */
#define ATOMIC_PTR(size, for_store, p)                                                            \
    {                                                                                             \
        uint64_t va = RS1;                                                                        \
        if (unlikely(va & (size - 1)))                                                            \
            EXC((for_store) ? CAUSE_MISALIGNED_STORE : CAUSE_MISALIGNED_LOAD, va);                \
        const VrTlbEntry *e = (for_store) ? &tlb->write[(va >> VR_PAGE_BITS) & (VR_TLB_SIZE - 1)] \
                                          : &tlb->read[(va >> VR_PAGE_BITS) & (VR_TLB_SIZE - 1)]; \
        if (likely(e->tag == (va & VR_PAGE_MASK))) {                                              \
            p = (void *) (uintptr_t) (va + e->addend);                                            \
        } else {                                                                                  \
            int c_ = vr_atomic_ptr(h, va, size, (for_store), &p);                                 \
            if (unlikely(c_))                                                                     \
                EXC(c_, va);                                                                      \
        }                                                                                         \
    }
#define AMO(name, type, size, fetch_op)                                \
    L_##name:                                                          \
    {                                                                  \
        void *p;                                                       \
        ATOMIC_PTR(size, true, p)                                      \
        type old = fetch_op((type *) p, (type) RS2, __ATOMIC_SEQ_CST); \
        R(ip->rd) = (uint64_t) (int64_t) old;                          \
        NEXT();                                                        \
    }
    AMO(AMOSWAP_W, int32_t, 4, __atomic_exchange_n)
    AMO(AMOADD_W, int32_t, 4, __atomic_fetch_add)
    AMO(AMOXOR_W, int32_t, 4, __atomic_fetch_xor)
    AMO(AMOAND_W, int32_t, 4, __atomic_fetch_and)
    AMO(AMOOR_W, int32_t, 4, __atomic_fetch_or)
    AMO(AMOSWAP_D, int64_t, 8, __atomic_exchange_n)
    AMO(AMOADD_D, int64_t, 8, __atomic_fetch_add)
    AMO(AMOXOR_D, int64_t, 8, __atomic_fetch_xor)
    AMO(AMOAND_D, int64_t, 8, __atomic_fetch_and)
    AMO(AMOOR_D, int64_t, 8, __atomic_fetch_or)
#define AMO_MINMAX(name, type, size, better)                                                   \
    L_##name:                                                                                  \
    {                                                                                          \
        void *p;                                                                               \
        ATOMIC_PTR(size, true, p)                                                              \
        type src = (type) RS2;                                                                 \
        type old = __atomic_load_n((type *) p, __ATOMIC_RELAXED);                              \
        type want;                                                                             \
        do {                                                                                   \
            want = (better) ? src : old;                                                       \
        } while (!__atomic_compare_exchange_n((type *) p, &old, want, false, __ATOMIC_SEQ_CST, \
                                              __ATOMIC_RELAXED));                              \
        R(ip->rd) = (uint64_t) (int64_t) old;                                                  \
        NEXT();                                                                                \
    }
    AMO_MINMAX(AMOMIN_W, int32_t, 4, src < old)
    AMO_MINMAX(AMOMAX_W, int32_t, 4, src > old)
    AMO_MINMAX(AMOMIN_D, int64_t, 8, src < old)
    AMO_MINMAX(AMOMAX_D, int64_t, 8, src > old)
L_AMOMINU_W : {
    void *p;
    ATOMIC_PTR(4, true, p)
    uint32_t src = (uint32_t) RS2;
    uint32_t old = __atomic_load_n((uint32_t *) p, __ATOMIC_RELAXED);
    while (!__atomic_compare_exchange_n((uint32_t *) p, &old, src < old ? src : old, false,
                                        __ATOMIC_SEQ_CST, __ATOMIC_RELAXED))
        ;
    R(ip->rd) = SX32(old);
    NEXT();
}
L_AMOMAXU_W : {
    void *p;
    ATOMIC_PTR(4, true, p)
    uint32_t src = (uint32_t) RS2;
    uint32_t old = __atomic_load_n((uint32_t *) p, __ATOMIC_RELAXED);
    while (!__atomic_compare_exchange_n((uint32_t *) p, &old, src > old ? src : old, false,
                                        __ATOMIC_SEQ_CST, __ATOMIC_RELAXED))
        ;
    R(ip->rd) = SX32(old);
    NEXT();
}
L_AMOMINU_D : {
    void *p;
    ATOMIC_PTR(8, true, p)
    uint64_t src = RS2;
    uint64_t old = __atomic_load_n((uint64_t *) p, __ATOMIC_RELAXED);
    while (!__atomic_compare_exchange_n((uint64_t *) p, &old, src < old ? src : old, false,
                                        __ATOMIC_SEQ_CST, __ATOMIC_RELAXED))
        ;
    R(ip->rd) = old;
    NEXT();
}
L_AMOMAXU_D : {
    void *p;
    ATOMIC_PTR(8, true, p)
    uint64_t src = RS2;
    uint64_t old = __atomic_load_n((uint64_t *) p, __ATOMIC_RELAXED);
    while (!__atomic_compare_exchange_n((uint64_t *) p, &old, src > old ? src : old, false,
                                        __ATOMIC_SEQ_CST, __ATOMIC_RELAXED))
        ;
    R(ip->rd) = old;
    NEXT();
}
L_LR_W : {
    void *p;
    ATOMIC_PTR(4, false, p)
    int32_t v = __atomic_load_n((int32_t *) p, __ATOMIC_SEQ_CST);
    h->resv_addr = (uintptr_t) p;
    h->resv_value = (uint32_t) v;
    h->resv_size = 4;
    R(ip->rd) = (uint64_t) (int64_t) v;
    NEXT();
}
L_LR_D : {
    void *p;
    ATOMIC_PTR(8, false, p)
    uint64_t v = __atomic_load_n((uint64_t *) p, __ATOMIC_SEQ_CST);
    h->resv_addr = (uintptr_t) p;
    h->resv_value = v;
    h->resv_size = 8;
    R(ip->rd) = v;
    NEXT();
}
L_SC_W : {
    void *p;
    ATOMIC_PTR(4, true, p)
    uint64_t fail = 1;
    if (h->resv_addr == (uintptr_t) p && h->resv_size == 4) {
        uint32_t expected = (uint32_t) h->resv_value;
        if (__atomic_compare_exchange_n((uint32_t *) p, &expected, (uint32_t) RS2, false,
                                        __ATOMIC_SEQ_CST, __ATOMIC_RELAXED))
            fail = 0;
    }
    h->resv_addr = VR_TLB_INVALID;
    R(ip->rd) = fail;
    NEXT();
}
L_SC_D : {
    void *p;
    ATOMIC_PTR(8, true, p)
    uint64_t fail = 1;
    if (h->resv_addr == (uintptr_t) p && h->resv_size == 8) {
        uint64_t expected = h->resv_value;
        if (__atomic_compare_exchange_n((uint64_t *) p, &expected, RS2, false, __ATOMIC_SEQ_CST,
                                        __ATOMIC_RELAXED))
            fail = 0;
    }
    h->resv_addr = VR_TLB_INVALID;
    R(ip->rd) = fail;
    NEXT();
}

    /* ---- system ---- */
L_FENCE:
    if (ip->rm)
        atomic_thread_fence(memory_order_seq_cst);
    else
        atomic_thread_fence(memory_order_acq_rel);
    NEXT();
L_FENCE_I:
    h->code_epoch++;
    if (h->code_epoch == VR_BLOCK_DEAD_EPOCH)
        h->code_epoch = 0;
    epoch = h->code_epoch;
    if (h->cache.jit)
        vr_jit_unchain_all(h->cache.jit);
    h->pc = NEXT_PC();
    prev = NULL;
    goto dispatch;
L_ECALL:
    EXC(CAUSE_USER_ECALL + h->priv, 0);
L_EBREAK:
    EXC(CAUSE_BREAKPOINT, PC());
L_MRET:
    if (h->priv != VR_PRV_M)
        ILLEGAL();
    h->pc = vr_hart_mret(h);
    prev = NULL;
    LEAVE(VR_EXIT_STATE);
L_SRET:
    if (h->priv == VR_PRV_U || (h->priv == VR_PRV_S && (h->mstatus & MSTATUS_TSR)))
        ILLEGAL();
    h->pc = vr_hart_sret(h);
    prev = NULL;
    LEAVE(VR_EXIT_STATE);
L_WFI:
    if (h->priv == VR_PRV_U || (h->priv == VR_PRV_S && (h->mstatus & MSTATUS_TW)))
        ILLEGAL();
    h->pc = NEXT_PC();
    LEAVE(VR_EXIT_WFI);
L_SFENCE_VMA:
    if (h->priv == VR_PRV_U || (h->priv == VR_PRV_S && (h->mstatus & MSTATUS_TVM)))
        ILLEGAL();
    vr_tlb_fence(h, ip->rs1 != 0, RS1, ip->rs2 != 0, (unsigned) (RS2 & 0xffff));
    h->pc = NEXT_PC();
    prev = NULL;
    goto dispatch;

#define CSR_OP(name, src, set_mode)                                                              \
    L_##name:                                                                                    \
    {                                                                                            \
        uint64_t s_ = (src), old_ = 0, wdata_, wmask_;                                           \
        bool changed_ = false;                                                                   \
        if ((set_mode) == 0) {                                                                   \
            wdata_ = s_;                                                                         \
            wmask_ = ~0ull;                                                                      \
        } else if ((set_mode) == 1) {                                                            \
            wdata_ = ~0ull;                                                                      \
            wmask_ = s_;                                                                         \
        } else {                                                                                 \
            wdata_ = 0;                                                                          \
            wmask_ = s_;                                                                         \
        }                                                                                        \
        SYNC_ICOUNT();                                                                           \
        int c_ =                                                                                 \
            vr_csr_access(h, (unsigned) ip->imm, &old_, wdata_, wmask_, ip->rm & 1,              \
                          (ip->rm >> 1) & 1, (unsigned) (ip - b->insns), b->n_insns, &changed_); \
        if (unlikely(c_))                                                                        \
            ILLEGAL();                                                                           \
        R(ip->rd) = old_;                                                                        \
        if (changed_)                                                                            \
            goto exit_after;                                                                     \
        NEXT();                                                                                  \
    }
    CSR_OP(CSRRW, RS1, 0)
    CSR_OP(CSRRS, RS1, 1)
    CSR_OP(CSRRC, RS1, 2)
    CSR_OP(CSRRWI, ip->rs1, 0)
    CSR_OP(CSRRSI, ip->rs1, 1)
    CSR_OP(CSRRCI, ip->rs1, 2)

    /* ---- floating point ---- */
#define FP_CHECK()                                \
    do {                                          \
        if (unlikely(!(h->mstatus & MSTATUS_FS))) \
            ILLEGAL();                            \
    } while (0)
#define FP_DIRTY() (h->mstatus |= MSTATUS_FS_DIRTY)
#define FP_RM(var)                                 \
    int var = ip->rm == 7 ? (int) h->frm : ip->rm; \
    if (unlikely(var > 4))                         \
        ILLEGAL();

L_FLW:
    FP_CHECK();
    {
        uint64_t v;
        LOAD_INTO(v, uint32_t, 4)
        F(ip->rd) = box32((uint32_t) v);
    }
    FP_DIRTY();
    NEXT();
L_FLD:
    FP_CHECK();
    LOAD_INTO(F(ip->rd), uint64_t, 8)
    FP_DIRTY();
    NEXT();
L_FSW:
    FP_CHECK();
    STORE_FROM((uint32_t) F(ip->rs2), uint32_t, 4)
    NEXT();
L_FSD:
    FP_CHECK();
    STORE_FROM(F(ip->rs2), uint64_t, 8)
    NEXT();

    /* Arithmetic writing an FP register, with rounding. */
#define FP_ARITH_S(name, expr)   \
    L_##name:                    \
    {                            \
        FP_CHECK();              \
        FP_RM(rm)                \
        F(ip->rd) = box32(expr); \
        FP_DIRTY();              \
        NEXT();                  \
    }
#define FP_ARITH_D(name, expr) \
    L_##name:                  \
    {                          \
        FP_CHECK();            \
        FP_RM(rm)              \
        F(ip->rd) = (expr);    \
        FP_DIRTY();            \
        NEXT();                \
    }
#define FL (&h->fflags)
    VR_FP_ARITH_S(FP_ARITH_S)
    VR_FP_ARITH_D(FP_ARITH_D)

/* No rounding, FP result. */
#define FP_MOVE(name, expr) \
    L_##name : FP_CHECK();  \
    F(ip->rd) = (expr);     \
    FP_DIRTY();             \
    NEXT();
    VR_FP_MOVE(FP_MOVE)

    /* Integer result; FP state changes only through the flags. */
#define FP_TO_INT(name, expr)              \
    L_##name:                              \
    {                                      \
        FP_CHECK();                        \
        uint32_t flags_before = h->fflags; \
        R(ip->rd) = (expr);                \
        if (h->fflags != flags_before)     \
            FP_DIRTY();                    \
        NEXT();                            \
    }
#define FP_TO_INT_RM(name, expr)           \
    L_##name:                              \
    {                                      \
        FP_CHECK();                        \
        FP_RM(rm)                          \
        uint32_t flags_before = h->fflags; \
        R(ip->rd) = (expr);                \
        if (h->fflags != flags_before)     \
            FP_DIRTY();                    \
        NEXT();                            \
    }
    VR_FP_TO_INT(FP_TO_INT)
    VR_FP_TO_INT_RM(FP_TO_INT_RM)
}
