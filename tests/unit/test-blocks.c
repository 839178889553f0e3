/* How code is cut into blocks (vr_decode_block): forward conditional branches are side
 * exits that the block goes on past, up to VR_BLOCK_LINKS - 2 of them; a backward branch,
 * one more forward branch, or a branch at the end of the bytes available ends the block. */
#include <glib.h>
#include <string.h>

#include "riscv/hart.h"
#include "riscv/ops.h"

#define VPC 0x80000000ull

/* A loop with an `if` inside:
 *  0: andi t1, t0, 1     4: beqz t1, 0x10     8: addi t2, t2, 1     c: addi t2, t2, 1
 * 10: addi t0, t0, -1   14: bnez t0, 0x0
 * then five forward branches to 0x30 and a backward one:
 * 18: bltu a0, a1   1c: bge a0, a1   20: bnez a0   24: blt a0, a1   28: beq a0, a1
 * 2c: nop           30: beq a0, a1, 0x18 */
static const uint32_t code[] = {
    0x0012f313, 0x00030663, 0x00138393, 0x00138393, 0xfff28293, 0xfe0296e3, 0x00b56c63,
    0x00b55a63, 0x00051863, 0x00b54663, 0x00b50463, 0x00000013, 0xfeb504e3,
};

typedef struct {
    VrBlock b;
    VrInsn space[VR_BLOCK_MAX_INSNS + 1];
} Block;

/* Decodes from byte offset `at` of the code above with `avail` bytes to go. */
static VrBlock *decode(Block *blk, unsigned at, unsigned avail)
{
    static uint8_t page[VR_PAGE_SIZE];
    memcpy(page, code, sizeof(code));
    memset(blk, 0, sizeof(*blk));
    blk->b.vpc = VPC + at;
    blk->b.host = page + at;
    vr_decode_block(NULL, &blk->b, page + at, avail);
    return &blk->b;
}

static void assert_side_exit(const VrInsn *ip, VrOp kind, unsigned link)
{
    g_assert_cmpuint(ip->kind, ==, kind);
    g_assert_cmpuint(ip->rs3, ==, link);
    g_assert_true(ip->op == vr_interp_ops()[VR_OP_SIDE(kind)]);
}

static void assert_ends(const VrInsn *ip, VrOp kind)
{
    g_assert_cmpuint(ip->kind, ==, kind);
    g_assert_cmpuint(ip->rs3, ==, 0);
    g_assert_true(ip->op == vr_interp_ops()[kind]);
}

static void test_loop_with_if(void)
{
    Block blk;
    VrBlock *b = decode(&blk, 0, VR_PAGE_SIZE);
    /* One block from the loop's start to its branch back: it loops on itself. */
    g_assert_cmpuint(b->n_insns, ==, 6);
    g_assert_cmpuint(b->end_vpc, ==, VPC + 0x18);
    assert_side_exit(&b->insns[1], VR_OP_BEQ, 2);
    g_assert_cmpint(b->insns[1].imm, ==, (int64_t) (VPC + 0x10));
    assert_ends(&b->insns[5], VR_OP_BNE);
    g_assert_cmpint(b->insns[5].imm, ==, (int64_t) VPC);
}

static void test_side_exits_run_out(void)
{
    Block blk;
    VrBlock *b = decode(&blk, 0x18, VR_PAGE_SIZE - 0x18);
    static const VrOp kinds[] = {VR_OP_BLTU, VR_OP_BGE, VR_OP_BNE, VR_OP_BLT, VR_OP_BEQ};
    unsigned sides = VR_BLOCK_LINKS - 2;
    g_assert_cmpuint(sides, <, G_N_ELEMENTS(kinds));
    for (unsigned i = 0; i < sides; i++)
        assert_side_exit(&b->insns[i], kinds[i], 2 + i);
    /* The next forward branch ends the block: its links are spent. */
    assert_ends(&b->insns[sides], kinds[sides]);
    g_assert_cmpuint(b->n_insns, ==, sides + 1);
    g_assert_cmpuint(b->end_vpc, ==, VPC + 0x18 + 4 * (sides + 1));
}

static void test_backward_branch_ends(void)
{
    Block blk;
    VrBlock *b = decode(&blk, 0x30, VR_PAGE_SIZE - 0x30);
    g_assert_cmpuint(b->n_insns, ==, 1);
    assert_ends(&b->insns[0], VR_OP_BEQ);
}

static void test_branch_at_page_end_ends(void)
{
    /* The page ends right after the branch: no code to go on with. */
    Block blk;
    VrBlock *b = decode(&blk, 0, 8);
    g_assert_cmpuint(b->n_insns, ==, 2);
    g_assert_cmpuint(b->end_vpc, ==, VPC + 8);
    assert_ends(&b->insns[1], VR_OP_BEQ);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/blocks/loop-with-if", test_loop_with_if);
    g_test_add_func("/blocks/side-exits-run-out", test_side_exits_run_out);
    g_test_add_func("/blocks/backward-branch-ends", test_backward_branch_ends);
    g_test_add_func("/blocks/branch-at-page-end-ends", test_branch_at_page_end_ends);
    return g_test_run();
}
