/* Start-up and trap entry for Vireo's bare-metal RISC-V test programs. */
#include "encoding.h"

#define RT_ECALL_RETURN_NUM 0x7e57

    .section .text.init, "ax"
    .globl _start
_start:
    .option push
    .option norelax
    la gp, __global_pointer$
    .option pop
    la t0, rt_mtrap_entry
    csrw mtvec, t0
    csrr a0, mhartid
    bnez a0, rt_secondary

    la sp, rt_stack_top
    la t0, rt_mtrap_stack_top
    csrw mscratch, t0

    /* PMP entry 0 opens all of memory to S and U modes. */
    li t0, -1
    csrw pmpaddr0, t0
    li t0, PMP_NAPOT | PMP_R | PMP_W | PMP_X
    csrw pmpcfg0, t0

    /* FPU on, rounding mode RNE, flags clear. */
    li t0, MSTATUS_FS_INITIAL
    csrs mstatus, t0
    csrwi fcsr, 0

    /* Clear .bss. */
    la t0, __bss_start
    la t1, __bss_end
1:  bgeu t0, t1, 2f
    sd zero, 0(t0)
    addi t0, t0, 8
    j 1b
2:
    call rt_main
    /* rt_main does not return. */
3:  j 3b

/* Other harts wait for the test to send them somewhere. */
rt_secondary:
    li t0, MIP_MSIP
    csrw mie, t0
    la t0, rt_secondary_entry
    csrr a0, mhartid
    slli a1, a0, 3
    add t0, t0, a1
4:  wfi
    ld t1, 0(t0)
    beqz t1, 4b
    /* Clear this hart's software interrupt. */
    li t2, RT_CLINT_BASE
    slli a1, a0, 2
    add t2, t2, a1
    sw zero, 0(t2)
    la sp, rt_secondary_stacks
    addi a1, a0, 1
    slli a1, a1, 12
    add sp, sp, a1
    jr t1

/* Trap frame: x1..x31 at 8*i, then mepc, mcause, mtval, mstatus. */
#define FRAME_SIZE (36 * 8)

.macro SAVE_REGS scratch
    csrrw sp, \scratch, sp
    addi sp, sp, -FRAME_SIZE
    sd x1, 1*8(sp)
    sd x3, 3*8(sp)
    sd x4, 4*8(sp)
    sd x5, 5*8(sp)
    sd x6, 6*8(sp)
    sd x7, 7*8(sp)
    sd x8, 8*8(sp)
    sd x9, 9*8(sp)
    sd x10, 10*8(sp)
    sd x11, 11*8(sp)
    sd x12, 12*8(sp)
    sd x13, 13*8(sp)
    sd x14, 14*8(sp)
    sd x15, 15*8(sp)
    sd x16, 16*8(sp)
    sd x17, 17*8(sp)
    sd x18, 18*8(sp)
    sd x19, 19*8(sp)
    sd x20, 20*8(sp)
    sd x21, 21*8(sp)
    sd x22, 22*8(sp)
    sd x23, 23*8(sp)
    sd x24, 24*8(sp)
    sd x25, 25*8(sp)
    sd x26, 26*8(sp)
    sd x27, 27*8(sp)
    sd x28, 28*8(sp)
    sd x29, 29*8(sp)
    sd x30, 30*8(sp)
    sd x31, 31*8(sp)
    csrr t0, \scratch
    sd t0, 2*8(sp)
    /* A nested trap pushes its frame below this one. */
    csrw \scratch, sp
.endm

.macro RESTORE_REGS
    ld x1, 1*8(sp)
    ld x3, 3*8(sp)
    ld x4, 4*8(sp)
    ld x5, 5*8(sp)
    ld x6, 6*8(sp)
    ld x7, 7*8(sp)
    ld x8, 8*8(sp)
    ld x9, 9*8(sp)
    ld x10, 10*8(sp)
    ld x11, 11*8(sp)
    ld x12, 12*8(sp)
    ld x13, 13*8(sp)
    ld x14, 14*8(sp)
    ld x15, 15*8(sp)
    ld x16, 16*8(sp)
    ld x17, 17*8(sp)
    ld x18, 18*8(sp)
    ld x19, 19*8(sp)
    ld x20, 20*8(sp)
    ld x21, 21*8(sp)
    ld x22, 22*8(sp)
    ld x23, 23*8(sp)
    ld x24, 24*8(sp)
    ld x25, 25*8(sp)
    ld x26, 26*8(sp)
    ld x27, 27*8(sp)
    ld x28, 28*8(sp)
    ld x29, 29*8(sp)
    ld x30, 30*8(sp)
    ld x31, 31*8(sp)
    ld x2, 2*8(sp)
.endm

    .text
    .align 6
    .globl rt_mtrap_entry
rt_mtrap_entry:
    SAVE_REGS mscratch
    csrr t0, mepc
    sd t0, 32*8(sp)
    csrr t0, mcause
    sd t0, 33*8(sp)
    csrr t0, mtval
    sd t0, 34*8(sp)
    csrr t0, mstatus
    sd t0, 35*8(sp)
    mv a0, sp
    li a1, 3
    call rt_trap
    ld t0, 32*8(sp)
    csrw mepc, t0
    ld t0, 35*8(sp)
    csrw mstatus, t0
    addi t0, sp, FRAME_SIZE
    csrw mscratch, t0
    RESTORE_REGS
    mret

    .align 6
    .globl rt_strap_entry
rt_strap_entry:
    SAVE_REGS sscratch
    csrr t0, sepc
    sd t0, 32*8(sp)
    csrr t0, scause
    sd t0, 33*8(sp)
    csrr t0, stval
    sd t0, 34*8(sp)
    csrr t0, sstatus
    sd t0, 35*8(sp)
    mv a0, sp
    li a1, 1
    call rt_trap
    ld t0, 32*8(sp)
    csrw sepc, t0
    ld t0, 35*8(sp)
    csrw sstatus, t0
    addi t0, sp, FRAME_SIZE
    csrw sscratch, t0
    RESTORE_REGS
    sret

/* uint64_t rt_enter_lower_mode(uint64_t arg, void *save): mret into the mode and entry
 * point rt_run_in_mode() put in mstatus.MPP and mepc; the callee's return comes back
 * through an ecall, and rt_lower_mode_return resumes here. */
    .globl rt_enter_lower_mode
rt_enter_lower_mode:
    sd sp, 0(a1)
    sd ra, 8(a1)
    sd s0, 16(a1)
    sd s1, 24(a1)
    sd s2, 32(a1)
    sd s3, 40(a1)
    sd s4, 48(a1)
    sd s5, 56(a1)
    sd s6, 64(a1)
    sd s7, 72(a1)
    sd s8, 80(a1)
    sd s9, 88(a1)
    sd s10, 96(a1)
    sd s11, 104(a1)
    la t0, rt_save_area_ptr
    sd a1, 0(t0)
    la ra, rt_lower_mode_done
    mret

rt_lower_mode_done:
    li a7, RT_ECALL_RETURN_NUM
    ecall
5:  j 5b

    .globl rt_lower_mode_return
rt_lower_mode_return:
    la t0, rt_save_area_ptr
    ld a1, 0(t0)
    ld sp, 0(a1)
    ld ra, 8(a1)
    ld s0, 16(a1)
    ld s1, 24(a1)
    ld s2, 32(a1)
    ld s3, 40(a1)
    ld s4, 48(a1)
    ld s5, 56(a1)
    ld s6, 64(a1)
    ld s7, 72(a1)
    ld s8, 80(a1)
    ld s9, 88(a1)
    ld s10, 96(a1)
    ld s11, 104(a1)
    ret

    .section .tohost, "aw", @progbits
    .align 6
    .globl tohost
tohost: .dword 0
    .align 6
    .globl fromhost
fromhost: .dword 0

    .bss
    .align 12
    .space 32768
    .globl rt_stack_top
rt_stack_top:
    .space 16384
    .globl rt_mtrap_stack_top
rt_mtrap_stack_top:
    .space 16384
    .globl rt_strap_stack_top
rt_strap_stack_top:
    .globl rt_secondary_stacks
rt_secondary_stacks:
    .space 4096 * 8
    .globl rt_secondary_entry
rt_secondary_entry:
    .space 8 * 8
rt_save_area_ptr:
    .space 8
