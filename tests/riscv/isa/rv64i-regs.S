/* Register-field decoding: instructions whose rd, rs1 and rs2 run over every register
 * x0..x31 (5-bit fields, 32-bit and compressed encodings) and over x8..x15 (the 3-bit fields
 * of compressed instructions). regs_run() loads x1..x31 from init[1..31], runs the passes
 * below, and stores x0..x31 to regs_dump[k][] at 4 checkpoints (after instructions that
 * overwrite registers, so that nothing is hidden); rv64i-regs.c runs a model of the same
 * passes.
 * Source registers are (i * a + c) mod 32 for destination i, so x0 is a source too. */
    .option norelax
    .altmacro

.macro R3 op, rd, rs1, rs2
    \op x\rd, x\rs1, x\rs2
.endm
.macro RIMM op, rd, rs1, imm
    \op x\rd, x\rs1, \imm
.endm
.macro MEM op, r, base, off
    \op x\r, \off(x\base)
.endm

/* op x_i, x_((i*a+c)%32), x_((i*b+d)%32) for i = 1..31 */
.macro PASS op, a, c, b, d
    .set i, 1
    .rept 31
    R3 \op, %i, %((i * \a + \c) % 32), %((i * \b + \d) % 32)
    .set i, i + 1
    .endr
.endm
/* op x_i, x_((i*a+c)%32), imm(i) with imm(i) = i * m + k */
.macro PASSI op, a, c, m, k
    .set i, 1
    .rept 31
    RIMM \op, %i, %((i * \a + \c) % 32), %(i * \m + \k)
    .set i, i + 1
    .endr
.endm

/* x0..x31 to regs_dump + 256 * n; mscratch holds x31 meanwhile */
.macro DUMP n
    csrw mscratch, x31
    lla x31, regs_dump + 256 * \n
    .set i, 1
    .rept 30
    MEM sd, %i, 31, %(i * 8)
    .set i, i + 1
    .endr
    sd x0, 0(x31)
    csrr x30, mscratch
    sd x30, 248(x31)
    ld x30, 240(x31)
    csrr x31, mscratch
.endm

/* compressed, 5-bit fields */
.macro C2 op, rd, rs
    \op x\rd, x\rs
.endm
.macro C1 op, rd, imm
    \op x\rd, \imm
.endm
.macro CPASS2 op, a
    .set i, 1
    .rept 31
    C2 \op, %i, %((i * \a) % 32)
    .set i, i + 1
    .endr
.endm

/* compressed, 3-bit fields: op x_(8+k), x_(8+(k*a+c)%8) for k = 0..7 */
.macro CPASS3 op, a, c
    .set k, 0
    .rept 8
    C2 \op, %(8 + k), %(8 + (k * \a + \c) % 8)
    .set k, k + 1
    .endr
.endm

    .text
    .globl regs_run
    .type regs_run, @function
    .balign 4
regs_run:
    lla t0, regs_save
    sd ra, 0(t0)
    sd sp, 8(t0)
    sd gp, 16(t0)
    sd tp, 24(t0)
    sd s0, 32(t0)
    sd s1, 40(t0)
    sd s2, 48(t0)
    sd s3, 56(t0)
    sd s4, 64(t0)
    sd s5, 72(t0)
    sd s6, 80(t0)
    sd s7, 88(t0)
    sd s8, 96(t0)
    sd s9, 104(t0)
    sd s10, 112(t0)
    sd s11, 120(t0)
    csrr t1, mscratch
    sd t1, 128(t0)

    /* x1..x31 from init[1..31], x10 (the pointer) last */
    .set i, 1
    .rept 31
    .if i != 10
    MEM ld, %i, 10, %(i * 8)
    .endif
    .set i, i + 1
    .endr
    ld x10, 80(x10)

    .option push
    .option norvc
    PASS andn, 31, 3, 1, 17
    PASS srl, 5, 6, 7, 0
    PASSI slli, 17, 2, 2, 0
    PASS add, 3, 1, 5, 2
    PASS xor, 7, 0, 9, 3
    PASS sub, 11, 5, 13, 7
    PASS addw, 15, 4, 17, 9
    PASS mul, 19, 1, 21, 6
    PASS sh1add, 23, 2, 25, 11
    PASS rol, 27, 8, 29, 13
    PASSI addi, 9, 1, 37, -600
    PASSI xori, 13, 0, -53, 800
    PASSI rori, 21, 5, 2, 1
    PASS sub, 3, 7, 11, 19
    .option pop
    DUMP 0

    .option push
    .option rvc
    CPASS2 c.mv, 5
    CPASS2 c.add, 3
    /* c.addi (the immediate is never 0 here), c.slli, c.lui (not on sp), c.li */
    .set i, 1
    .rept 31
    C1 c.addi, %i, %((i * 5) % 63 - 31)
    .set i, i + 1
    .endr
    CPASS2 c.add, 7
    .set i, 1
    .rept 31
    C1 c.slli, %i, %(1 + (i * 11) % 63)
    .set i, i + 1
    .endr
    CPASS2 c.add, 9
    DUMP 1
    .set i, 3
    .rept 29
    C1 c.lui, %i, %(1 + (i * 7) % 31)
    .set i, i + 1
    .endr
    CPASS2 c.add, 11
    DUMP 2
    .set i, 1
    .rept 31
    C1 c.li, %i, %((i * 3) % 64 - 32)
    .set i, i + 1
    .endr
    CPASS2 c.add, 13
    CPASS2 c.mv, 15
    CPASS2 c.add, 17
    CPASS3 c.sub, 3, 1
    CPASS3 c.xor, 5, 2
    CPASS3 c.or, 7, 3
    CPASS3 c.add, 1, 5
    CPASS3 c.and, 3, 4
    CPASS3 c.addw, 5, 6
    CPASS3 c.subw, 7, 1
    CPASS3 c.sub, 1, 2
    .set k, 0
    .rept 8
    C1 c.srli, %(8 + k), %(1 + (k * 9) % 63)
    C1 c.srai, %(8 + (k + 3) % 8), %(1 + (k * 13) % 63)
    C1 c.andi, %(8 + (k + 5) % 8), %((k * 7) % 64 - 32)
    .set k, k + 1
    .endr
    CPASS2 c.add, 19
    .option pop
    DUMP 3

    lla t0, regs_save
    ld t1, 128(t0)
    csrw mscratch, t1
    ld ra, 0(t0)
    ld sp, 8(t0)
    ld gp, 16(t0)
    ld tp, 24(t0)
    ld s0, 32(t0)
    ld s1, 40(t0)
    ld s2, 48(t0)
    ld s3, 56(t0)
    ld s4, 64(t0)
    ld s5, 72(t0)
    ld s6, 80(t0)
    ld s7, 88(t0)
    ld s8, 96(t0)
    ld s9, 104(t0)
    ld s10, 112(t0)
    ld s11, 120(t0)
    ret

    .bss
    .balign 8
regs_save:
    .space 136
    .globl regs_dump
regs_dump:
    .space 4 * 256
