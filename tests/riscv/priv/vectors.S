/* Vectored trap tables for mtvec and stvec (MODE = 1). Slot n records n in
 * priv_mvec_slot / priv_svec_slot and goes on to the runtime's trap entry, so the
 * runtime's handler (and rt_expect_trap) still sees every trap. */

    .text
    .option push
    .option norvc

    .align 8
    .globl priv_mvec_table
priv_mvec_table:
    .irp n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15
    j mvec_stub_\n
    .endr

    .align 8
    .globl priv_svec_table
priv_svec_table:
    .irp n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15
    j svec_stub_\n
    .endr

/* Record the slot without changing any register, on the mode's trap stack. */
.macro VEC_STUB scratch, slot_var, entry, n
    csrrw sp, \scratch, sp
    addi sp, sp, -16
    sd t0, 0(sp)
    sd t1, 8(sp)
    la t0, \slot_var
    li t1, \n
    sd t1, 0(t0)
    ld t1, 8(sp)
    ld t0, 0(sp)
    addi sp, sp, 16
    csrrw sp, \scratch, sp
    j \entry
.endm

    .irp n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15
mvec_stub_\n:
    VEC_STUB mscratch, priv_mvec_slot, rt_mtrap_entry, \n
    .endr

    .irp n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15
svec_stub_\n:
    VEC_STUB sscratch, priv_svec_slot, rt_strap_entry, \n
    .endr

    .option pop

    .data
    .align 3
    .globl priv_mvec_slot
priv_mvec_slot: .dword -1
    .globl priv_svec_slot
priv_svec_slot: .dword -1
