/* The C extension's instructions under test, called from compressed.c. Every instruction
 * under test goes through C16, which fails the build unless it assembled to 16 bits.
 * Immediates are chosen to set each immediate bit on its own (decoders scramble them), and
 * register fields rotate over x8..x15 for the 3-bit fields. */
    .option rvc
    /* no linker relaxation: the distances below must stay as written */
    .option norelax

.macro C16 insn:vararg
990:    \insn
991:
    .if (991b - 990b) != 2
    .error "not a 16-bit encoding"
    .endif
    .pushsection .data.c16_sites, "aw"
    .dword 990b
    .popsection
.endm

/* The same for control transfers, whose size the assembler only knows late: compressed.c
 * checks at run time that each address recorded here holds a 16-bit instruction. */
.macro C16J insn:vararg
990:    \insn
    .pushsection .data.c16_sites, "aw"
    .dword 990b
    .popsection
.endm

    .pushsection .data.c16_sites, "aw"
    .balign 8
    .globl c16_sites_begin
c16_sites_begin:
    .popsection

/* store a result at t6 and advance */
.macro OUT reg
    sd \reg, 0(t6)
    addi t6, t6, 8
.endm
.macro OUTF freg
    fsd \freg, 0(t6)
    addi t6, t6, 8
.endm

.macro FUNC name
    .text
    .globl \name
    .type \name, @function
    .balign 4
\name:
.endm

/* void c_addi4spn(uint64_t *out): rd' - sp for nzuimm 4, 8, ..., 512, 1020 */
FUNC c_addi4spn
    mv t6, a0
    mv t0, s0
    mv t1, s1
    C16 c.addi4spn s0, sp, 4
    sub s0, s0, sp
    OUT s0
    C16 c.addi4spn s1, sp, 8
    sub s1, s1, sp
    OUT s1
    C16 c.addi4spn a0, sp, 16
    sub a0, a0, sp
    OUT a0
    C16 c.addi4spn a1, sp, 32
    sub a1, a1, sp
    OUT a1
    C16 c.addi4spn a2, sp, 64
    sub a2, a2, sp
    OUT a2
    C16 c.addi4spn a3, sp, 128
    sub a3, a3, sp
    OUT a3
    C16 c.addi4spn a4, sp, 256
    sub a4, a4, sp
    OUT a4
    C16 c.addi4spn a5, sp, 512
    sub a5, a5, sp
    OUT a5
    C16 c.addi4spn a0, sp, 1020
    sub a0, a0, sp
    OUT a0
    mv s0, t0
    mv s1, t1
    ret

/* void c_addi16sp(uint64_t *out): the change of sp for each nzimm */
FUNC c_addi16sp
    mv t6, a0
    mv t0, sp
    .irp imm, -512, -256, -128, -64, -32, -16, 16, 32, 64, 128, 256, 496
    C16 c.addi16sp sp, \imm
    sub t1, sp, t0
    mv sp, t0
    OUT t1
    .endr
    /* two in a row, back to where it started */
    C16 c.addi16sp sp, -496
    C16 c.addi16sp sp, 496
    sub t1, sp, t0
    mv sp, t0
    OUT t1
    ret

/* void c_sp_loads(uint64_t *out, const void *src): copies 512 bytes of src to a stack frame,
 * then c.lwsp (8 results), c.ldsp (8), c.fldsp (8) at offsets that set each bit. */
FUNC c_sp_loads
    mv t6, a0
    addi sp, sp, -512
    li t0, 0
1:  add t1, a1, t0
    ld t2, 0(t1)
    add t1, sp, t0
    sd t2, 0(t1)
    addi t0, t0, 8
    li t1, 512
    bltu t0, t1, 1b
    C16 c.lwsp a2, 0(sp)
    OUT a2
    C16 c.lwsp t0, 4(sp)
    OUT t0
    C16 c.lwsp t1, 8(sp)
    OUT t1
    C16 c.lwsp t2, 16(sp)
    OUT t2
    C16 c.lwsp a3, 32(sp)
    OUT a3
    C16 c.lwsp a7, 64(sp)
    OUT a7
    C16 c.lwsp t3, 128(sp)
    OUT t3
    C16 c.lwsp t5, 252(sp)
    OUT t5
    C16 c.ldsp a2, 0(sp)
    OUT a2
    C16 c.ldsp t0, 8(sp)
    OUT t0
    C16 c.ldsp t1, 16(sp)
    OUT t1
    C16 c.ldsp t2, 32(sp)
    OUT t2
    C16 c.ldsp a6, 64(sp)
    OUT a6
    C16 c.ldsp a7, 128(sp)
    OUT a7
    C16 c.ldsp t4, 256(sp)
    OUT t4
    C16 c.ldsp t5, 504(sp)
    OUT t5
    C16 c.fldsp ft0, 0(sp)
    OUTF ft0
    C16 c.fldsp ft1, 8(sp)
    OUTF ft1
    C16 c.fldsp fa0, 16(sp)
    OUTF fa0
    C16 c.fldsp fa7, 32(sp)
    OUTF fa7
    C16 c.fldsp ft8, 64(sp)
    OUTF ft8
    C16 c.fldsp ft11, 128(sp)
    OUTF ft11
    C16 c.fldsp ft7, 256(sp)
    OUTF ft7
    C16 c.fldsp fa5, 504(sp)
    OUTF fa5
    addi sp, sp, 512
    ret

/* copy the 512-byte stack frame to a0 and zero the frame; a0 += 512 */
.macro FRAME_OUT
    li t0, 0
1:  add t1, sp, t0
    ld t2, 0(t1)
    sd zero, 0(t1)
    add t1, a0, t0
    sd t2, 0(t1)
    addi t0, t0, 8
    li t1, 512
    bltu t0, t1, 1b
    addi a0, a0, 512
.endm

/* void c_sp_stores(void *dst, const uint64_t *vals): c.swsp (8 values), then c.sdsp (8),
 * then c.fsdsp (8), each into a zeroed 512-byte frame copied to dst, dst + 512, dst + 1024 */
FUNC c_sp_stores
    addi sp, sp, -512
    li t0, 0
1:  add t1, sp, t0
    sd zero, 0(t1)
    addi t0, t0, 8
    li t1, 512
    bltu t0, t1, 1b
    ld a2, 0(a1)
    C16 c.swsp a2, 0(sp)
    ld t3, 8(a1)
    C16 c.swsp t3, 4(sp)
    ld a7, 16(a1)
    C16 c.swsp a7, 8(sp)
    ld t4, 24(a1)
    C16 c.swsp t4, 16(sp)
    ld a3, 32(a1)
    C16 c.swsp a3, 32(sp)
    ld t5, 40(a1)
    C16 c.swsp t5, 64(sp)
    ld a6, 48(a1)
    C16 c.swsp a6, 128(sp)
    ld t2, 56(a1)
    C16 c.swsp t2, 252(sp)
    FRAME_OUT
    ld a2, 64(a1)
    C16 c.sdsp a2, 0(sp)
    ld t3, 72(a1)
    C16 c.sdsp t3, 8(sp)
    ld a7, 80(a1)
    C16 c.sdsp a7, 16(sp)
    ld t4, 88(a1)
    C16 c.sdsp t4, 32(sp)
    ld a3, 96(a1)
    C16 c.sdsp a3, 64(sp)
    ld t5, 104(a1)
    C16 c.sdsp t5, 128(sp)
    ld a6, 112(a1)
    C16 c.sdsp a6, 256(sp)
    ld t2, 120(a1)
    C16 c.sdsp t2, 504(sp)
    FRAME_OUT
    fld ft0, 128(a1)
    C16 c.fsdsp ft0, 0(sp)
    fld ft3, 136(a1)
    C16 c.fsdsp ft3, 8(sp)
    fld fa1, 144(a1)
    C16 c.fsdsp fa1, 16(sp)
    fld fa6, 152(a1)
    C16 c.fsdsp fa6, 32(sp)
    fld ft9, 160(a1)
    C16 c.fsdsp ft9, 64(sp)
    fld ft10, 168(a1)
    C16 c.fsdsp ft10, 128(sp)
    fld ft5, 176(a1)
    C16 c.fsdsp ft5, 256(sp)
    fld fa2, 184(a1)
    C16 c.fsdsp fa2, 504(sp)
    FRAME_OUT
    addi sp, sp, 512
    ret

/* void c_mem_loads(uint64_t *out, const void *src): c.lw (7 results), c.ld (7), c.fld (7)
 * with base and destination registers rotating over x8..x15 / f8..f15 */
FUNC c_mem_loads
    mv t6, a0
    mv t0, s0
    mv t1, s1
    mv s0, a1
    C16 c.lw a0, 0(s0)
    OUT a0
    C16 c.lw s1, 4(s0)
    OUT s1
    mv a5, a1
    C16 c.lw a2, 8(a5)
    OUT a2
    mv a3, a1
    C16 c.lw a4, 16(a3)
    OUT a4
    mv s1, a1
    C16 c.lw a5, 32(s1)
    OUT a5
    mv a2, a1
    C16 c.lw s0, 64(a2)
    OUT s0
    mv a4, a1
    C16 c.lw a3, 124(a4)
    OUT a3
    mv s0, a1
    C16 c.ld a0, 0(s0)
    OUT a0
    C16 c.ld s1, 8(s0)
    OUT s1
    mv a5, a1
    C16 c.ld a2, 16(a5)
    OUT a2
    mv a3, a1
    C16 c.ld a4, 32(a3)
    OUT a4
    mv s1, a1
    C16 c.ld a5, 64(s1)
    OUT a5
    mv a2, a1
    C16 c.ld s0, 128(a2)
    OUT s0
    mv a4, a1
    C16 c.ld a4, 248(a4)        /* rd' == rs1' */
    OUT a4
    mv s0, a1
    C16 c.fld fa0, 0(s0)
    OUTF fa0
    C16 c.fld fa1, 8(s0)
    OUTF fa1
    mv a5, a1
    C16 c.fld fa2, 16(a5)
    OUTF fa2
    C16 c.fld fa3, 32(a5)
    OUTF fa3
    mv s1, a1
    C16 c.fld fa4, 64(s1)
    OUTF fa4
    C16 c.fld fa5, 128(s1)
    OUTF fa5
    mv a2, a1
    C16 c.fld fa0, 248(a2)
    OUTF fa0
    mv s0, t0
    mv s1, t1
    ret

/* void c_mem_stores(void *dst, const uint64_t *vals): c.sw (7 values) into dst, c.sd (7)
 * into dst + 256, c.fsd (7) into dst + 512; dst must be zeroed */
FUNC c_mem_stores
    mv t0, s0
    mv t1, s1
    mv t6, a1
    mv s0, a0
    ld a1, 0(t6)
    C16 c.sw a1, 0(s0)
    ld s1, 8(t6)
    C16 c.sw s1, 4(s0)
    mv a5, a0
    ld a2, 16(t6)
    C16 c.sw a2, 8(a5)
    mv a3, a0
    ld a4, 24(t6)
    C16 c.sw a4, 16(a3)
    mv s1, a0
    ld a5, 32(t6)
    C16 c.sw a5, 32(s1)
    mv a2, a0
    ld s0, 40(t6)
    C16 c.sw s0, 64(a2)
    mv a4, a0
    ld a3, 48(t6)
    C16 c.sw a3, 124(a4)
    addi a0, a0, 256
    mv s0, a0
    ld a1, 56(t6)
    C16 c.sd a1, 0(s0)
    ld s1, 64(t6)
    C16 c.sd s1, 8(s0)
    mv a5, a0
    ld a2, 72(t6)
    C16 c.sd a2, 16(a5)
    mv a3, a0
    ld a4, 80(t6)
    C16 c.sd a4, 32(a3)
    mv s1, a0
    ld a5, 88(t6)
    C16 c.sd a5, 64(s1)
    mv a2, a0
    ld s0, 96(t6)
    C16 c.sd s0, 128(a2)
    mv a4, a0
    ld a3, 104(t6)
    C16 c.sd a3, 248(a4)
    addi a0, a0, 256
    mv s0, a0
    fld fa0, 112(t6)
    C16 c.fsd fa0, 0(s0)
    fld fa1, 120(t6)
    C16 c.fsd fa1, 8(s0)
    mv a5, a0
    fld fa2, 128(t6)
    C16 c.fsd fa2, 16(a5)
    fld fa3, 136(t6)
    C16 c.fsd fa3, 32(a5)
    mv s1, a0
    fld fa4, 144(t6)
    C16 c.fsd fa4, 64(s1)
    fld fa5, 152(t6)
    C16 c.fsd fa5, 128(s1)
    mv a2, a0
    fld fa0, 160(t6)
    C16 c.fsd fa0, 248(a2)
    mv s0, t0
    mv s1, t1
    ret

/* void c_li_lui(uint64_t *out): c.li (7 results), c.lui (9 results) */
FUNC c_li_lui
    mv t6, a0
    C16 c.li a0, -32
    OUT a0
    C16 c.li t0, -1
    OUT t0
    li a1, 123
    C16 c.li a1, 0
    OUT a1
    C16 c.li t5, 1
    OUT t5
    C16 c.li a7, 31
    OUT a7
    C16 c.li t2, -16
    OUT t2
    C16 c.li a3, 16
    OUT a3
    C16 c.lui a0, 1
    OUT a0
    C16 c.lui t0, 2
    OUT t0
    C16 c.lui a1, 4
    OUT a1
    C16 c.lui t5, 8
    OUT t5
    C16 c.lui a7, 16
    OUT a7
    C16 c.lui t2, 31
    OUT t2
    C16 c.lui a3, 0xfffe0
    OUT a3
    C16 c.lui t1, 0xfffff
    OUT t1
    C16 c.lui a4, 0xffff0
    OUT a4
    ret

/* void c_addi(uint64_t *out, uint64_t x): x + nzimm for 12 immediates */
FUNC c_addi
    mv t6, a0
    .irp imm, -32, -16, -8, -4, -2, -1, 1, 2, 4, 8, 16, 31
    mv t3, a1
    C16 c.addi t3, \imm
    OUT t3
    .endr
    C16 c.addi a1, 1            /* in place on the argument register */
    OUT a1
    ret

/* void c_addiw(uint64_t *out, uint64_t x): sext32(x + imm) for 7 immediates */
FUNC c_addiw
    mv t6, a0
    .irp imm, -32, -1, 0, 1, 2, 16, 31
    mv a2, a1
    C16 c.addiw a2, \imm
    OUT a2
    .endr
    ret

/* void c_andi(uint64_t *out, uint64_t x): x & imm for 9 immediates */
FUNC c_andi
    mv t6, a0
    .irp imm, -32, -1, 0, 1, 2, 4, 8, 16, 31
    mv a5, a1
    C16 c.andi a5, \imm
    OUT a5
    .endr
    ret

/* void c_shifts(uint64_t *out, uint64_t x): c.slli, c.srli, c.srai for 8 shift amounts each */
FUNC c_shifts
    mv t6, a0
    .irp sh, 1, 2, 4, 8, 16, 31, 32, 63
    mv t4, a1
    C16 c.slli t4, \sh
    OUT t4
    .endr
    .irp sh, 1, 2, 4, 8, 16, 31, 32, 63
    mv a3, a1
    C16 c.srli a3, \sh
    OUT a3
    .endr
    .irp sh, 1, 2, 4, 8, 16, 31, 32, 63
    mv a4, a1
    C16 c.srai a4, \sh
    OUT a4
    .endr
    ret

/* uint64_t c_OP(uint64_t a, uint64_t b): one register-register instruction */
FUNC c_mv
    C16 c.mv a0, a1
    ret
FUNC c_add
    C16 c.add a0, a1
    ret
FUNC c_sub
    C16 c.sub a0, a1
    ret
FUNC c_xor
    C16 c.xor a0, a1
    ret
FUNC c_or
    C16 c.or a0, a1
    ret
FUNC c_and
    C16 c.and a0, a1
    ret
FUNC c_subw
    C16 c.subw a0, a1
    ret
FUNC c_addw
    C16 c.addw a0, a1
    ret

/* void c_rr_regs(uint64_t *out, uint64_t a, uint64_t b): the same operations with other
 * register numbers in every field (8 results) */
FUNC c_rr_regs
    mv t6, a0
    mv t0, s0
    mv t1, s1
    mv s0, a1
    mv a5, a2
    C16 c.sub s0, a5
    OUT s0
    mv s1, a1
    mv a4, a2
    C16 c.xor s1, a4
    OUT s1
    mv a5, a1
    mv s0, a2
    C16 c.or a5, s0
    OUT a5
    mv a3, a1
    mv s1, a2
    C16 c.and a3, s1
    OUT a3
    mv s0, a1
    mv s1, a2
    C16 c.subw s0, s1
    OUT s0
    mv a5, a1
    C16 c.addw a5, a2
    OUT a5
    mv t5, a1
    C16 c.add t5, a2
    OUT t5
    C16 c.mv t4, a1
    OUT t4
    mv s0, t0
    mv s1, t1
    ret

/* uint64_t c_jumps(void): c.j forward and backward, near and at the ends of its range
 * (+2046, -2048); returns a bit mask of the blocks reached (0x1f when all went right).
 * GAS turns a c.j near the end of its range into a jal, so those two are written out:
 * 0xaffd is c.j +2046 and 0xb001 c.j -2048. */
FUNC c_jumps
    li a0, 0
    C16J c.j 1f
    ori a0, a0, 0x100           /* skipped */
1:  ori a0, a0, 1
    C16J c.j 3f
2:  ori a0, a0, 2               /* reached backward */
    C16J c.j 4f
3:  C16J c.j 2b
    ori a0, a0, 0x200
4:  ori a0, a0, 4
8:  C16J .2byte 0xaffd          /* c.j 5f */
    ori a0, a0, 0x400
    .skip 2040
5:  ori a0, a0, 8
    .if (5b - 8b) != 2046
    .error "c.j is not at +2046"
    .endif
    lla t1, 7f
    C16J c.jr t1
6:  ori a0, a0, 16
    C16J c.jr ra
    .skip 2042
7:  C16J .2byte 0xb001          /* c.j 6b */
    .if (7b - 6b) != 2048
    .error "c.j is not at -2048"
    .endif
    ori a0, a0, 0x40
    C16J c.jr ra

/* uint64_t c_jr_jalr(uint64_t *out): c.jr and c.jalr, links, 2-byte-aligned targets */
FUNC c_jr_jalr
    mv t6, a0
    mv t5, ra
    /* c.jr */
    li a1, 0
    lla t0, 1f
    C16J c.jr t0
    li a1, 1
1:  OUT a1                      /* 0 */
    /* c.jalr: link = pc + 2 */
    li a1, 0
    lla t0, 2f
    lla t1, 3f
3:  C16J c.jalr t0
    C16 c.li a1, 1              /* skipped */
2:  sub a2, ra, t1
    OUT a2                      /* 2 */
    OUT a1                      /* 0 */
    /* c.jalr ra: the target is the old ra */
    lla ra, 4f
    lla t1, 5f
5:  C16J c.jalr ra
    C16 c.li a1, 1              /* skipped */
4:  sub a2, ra, t1
    OUT a2                      /* 2 */
    OUT a1                      /* 0 */
    /* targets at 2 mod 4 */
    .balign 4
    lla t0, 6f
    C16J c.jr t0
    C16 c.li a1, 1              /* skipped */
    C16 c.nop
6:  C16 c.li a3, 7              /* at an odd halfword */
    OUT a3                      /* 7 */
    lla t0, 6b
    andi a3, t0, 3
    OUT a3                      /* 2 */
    /* c.jalr into a subroutine that returns with c.jr ra */
    lla t0, 8f
    C16J c.jalr t0
    OUT a4                      /* 99 */
    OUT a1                      /* 0 */
    mv ra, t5
    ret
8:  li a4, 99
    C16J c.jr ra

/* uint64_t c_beqz(uint64_t x), c_bnez: 1 when taken forward; c_beqz_back, c_bnez_back:
 * 1 when taken backward */
FUNC c_beqz
    mv a1, a0
    li a0, 1
    C16J c.beqz a1, 1f
    li a0, 0
1:  ret
FUNC c_bnez
    mv a1, a0
    li a0, 1
    C16J c.bnez a1, 1f
    li a0, 0
1:  ret
FUNC c_beqz_back
    mv a2, a0
    li a0, 0
    j 2f
1:  li a0, 1
    ret
2:  C16J c.beqz a2, 1b
    ret
FUNC c_bnez_back
    mv s1, a0                   /* s1 is callee-saved: restore it */
    mv t0, a0
    li a0, 0
    j 2f
1:  li a0, 1
    mv s1, t0
    ret
2:  C16J c.bnez s1, 1b
    mv s1, t0
    ret

/* uint64_t c_branch_far(uint64_t x): c.beqz/c.bnez at the ends of their range (+254, -256);
 * returns 3 for x == 0, 0x30 otherwise. GAS turns a c.beqz/c.bnez near the end of its range
 * into a 32-bit branch, so the +254 ones are written out: 0xcffd is c.beqz a5, +254 and
 * 0xeffd c.bnez a5, +254. */
FUNC c_branch_far
    mv a5, a0
    li a0, 0
    lla t0, 7f
8:  C16J .2byte 0xcffd          /* c.beqz a5, 1f */
    C16J c.jr t0
    .skip 250
1:  ori a0, a0, 1
    .if (1b - 8b) != 254
    .error "c.beqz is not at +254"
    .endif
    C16J c.j 3f
2:  ori a0, a0, 2
    C16J c.jr ra
    .skip 250
3:  C16J c.beqz a5, 2b          /* -256 */
    .if (3b - 2b) != 256
    .error "c.beqz is not at -256"
    .endif
    C16J c.jr ra
7:  C16J .2byte 0xeffd          /* c.bnez a5, 4f */
    C16J c.jr ra
    .skip 250
4:  ori a0, a0, 0x10
    .if (4b - 7b) != 254
    .error "c.bnez is not at +254"
    .endif
    C16J c.j 6f
5:  ori a0, a0, 0x20
    C16J c.jr ra
    .skip 250
6:  C16J c.bnez a5, 5b          /* -256 */
    .if (6b - 5b) != 256
    .error "c.bnez is not at -256"
    .endif
    C16J c.jr ra

/* uint64_t c_loop(uint64_t n): 1 + 2 + ... + n, a loop made of compressed instructions */
FUNC c_loop
    mv a1, a0
    C16 c.li a0, 0
1:  C16J c.beqz a1, 2f
    C16 c.add a0, a1
    C16 c.addi a1, -1
    C16J c.j 1b
2:  C16J c.jr ra

/* uint64_t c_hints(uint64_t x): the HINT encodings of the C extension execute as no-ops */
FUNC c_hints
    mv t0, a0
    .2byte 0x0005               /* c.nop 1 */
    .2byte 0x0501               /* c.addi a0, 0 */
    .2byte 0x4015               /* c.li zero, 5 */
    .2byte 0x6005               /* c.lui zero, 1 */
    .2byte 0x802a               /* c.mv zero, a0 */
    .2byte 0x902a               /* c.add zero, a0 */
    .2byte 0x0006               /* c.slli zero, 1 */
    .2byte 0x0502               /* c.slli a0, 0 (RV64: a hint) */
    .2byte 0x8101               /* c.srli a0, 0 */
    .2byte 0x8501               /* c.srai a0, 0 */
    bne a0, t0, 1f
    mv a0, zero
    add a0, a0, t0
1:  ret

/* uint64_t c_odd_align(uint64_t x): a 32-bit instruction at an address that is 2 mod 4
 * (and a run of them); returns x + 0x123 + 3 */
FUNC c_odd_align
    C16 c.nop
    .option push
    .option norvc
    addi a0, a0, 0x123          /* 2 mod 4 */
    lui t0, 0
    addi a0, a0, 1
    addi a0, a0, 1
    .option pop
    C16 c.addi a0, 1
    C16J c.jr ra

/* uint64_t c_page_cross(void): a 32-bit instruction straddling a 4 KiB page boundary, then
 * a 16-bit instruction ending one; returns 5 + 38 + 1 + 0x100 + 2 */
    .section .text.c_page_cross, "ax"
    .balign 4096
    .skip 4092
    .globl c_page_cross
    .type c_page_cross, @function
c_page_cross:                   /* page end - 4 */
    C16 c.li a0, 5
    .option push
    .option norvc
    addi a0, a0, 38             /* page end - 2: straddles */
    .option pop
    C16 c.addi a0, 1            /* page end + 2 */
    .option push
    .option norvc
    j 1f
    .balign 4096
    .skip 4094
    .option pop
1:  C16 c.nop                   /* page end - 2 */
    .option push
    .option norvc
    addi a0, a0, 0x100          /* next page */
    .option pop
    C16 c.addi a0, 2
    C16J c.jr ra

    .pushsection .data.c16_sites, "aw"
    .globl c16_sites_end
c16_sites_end:
    .popsection
