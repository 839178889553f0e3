#!/usr/bin/env python3
"""Block-level differential test programs for Vireo's RISC-V hart.

`gen` writes, from a seed, a bare-metal assembly program of N random blocks (RV64I, M, A,
F/D with every rounding mode, Zba/Zbb/Zbs, compressed forms, misaligned loads and stores,
forward branches and jumps inside the block, counted loops, and self-modifying code made
visible with fence.i). After each block a 4-instruction call hands
the architectural state to blocks-rt.c, which prints it on the UART as one line:

    B<n> <x1..x31> <f0..f31> <fcsr> <checksum of the data area>

The same ELF runs in qemu-system-riscv64 (7.2) and in `vireo run`; `compare` reads both
outputs and reports the first block whose line differs, with the registers that differ and
the block's instructions. Mode `sv39` runs the blocks in S-mode with Sv39 paging on: an
identity map (4 KiB pages over the data area, megapages elsewhere) plus an alias of the data
area whose pages are permuted, which some base registers point into, so loads, stores and
page-crossing misaligned accesses go through the TLB.

usage:
    gen-blocks.py gen --seed N [--blocks N] [--mode bare|sv39] -o prog.S
    gen-blocks.py compare prog.S qemu.out vireo.out
No third-party modules.
"""
import argparse
import sys

MASK64 = (1 << 64) - 1

XN = ["zero", "ra", "sp", "gp", "tp", "t0", "t1", "t2", "s0", "s1", "a0", "a1", "a2", "a3",
      "a4", "a5", "a6", "a7", "s2", "s3", "s4", "s5", "s6", "s7", "s8", "s9", "s10", "s11",
      "t3", "t4", "t5", "t6"]
FN = ["ft0", "ft1", "ft2", "ft3", "ft4", "ft5", "ft6", "ft7", "fs0", "fs1", "fa0", "fa1",
      "fa2", "fa3", "fa4", "fa5", "fa6", "fa7", "fs2", "fs3", "fs4", "fs5", "fs6", "fs7",
      "fs8", "fs9", "fs10", "fs11", "ft8", "ft9", "ft10", "ft11"]
RM = ["rne", "rtz", "rdn", "rup", "rmm", "dyn"]
RM_BITS = {"rne": 0, "rtz": 1, "rdn": 2, "rup": 3, "rmm": 4, "dyn": 7}

# sp, s0, s1 point into the data area (set at the start of each block); gp holds the dump
# stub's return address and tp the save area. No generated instruction writes them.
BASES = [2, 8, 9]
RESERVED = {2, 3, 4, 8, 9}

DATA_SIZE = 16384      # dt_data, 4 pages
ALIAS_VA = 0xC0000000  # sv39: the data area again, pages permuted
SAVE_FCSR = 64 * 8
SAVE_CSP = 65 * 8
SAVE_BLOCK = 66 * 8
SAVE_RET = 67 * 8

SPECIAL_S = [
    0x00000000, 0x80000000, 0x7f800000, 0xff800000, 0x7fc00000, 0xffc00000, 0x7fffffff,
    0x7f800001, 0xff800001, 0x7fa00000, 0x00000001, 0x80000001, 0x007fffff, 0x807fffff,
    0x3f800000, 0xbf800000, 0x7f7fffff, 0xff7fffff, 0x00800000, 0x80800000, 0x3f000000,
    0x3fc00000, 0x40490fdb, 0x4b000000, 0x4f000000, 0xcf000000, 0x5f000000, 0xdf000000,
    0x4f800000, 0x34000000, 0x33800000, 0x3effffff, 0x3f000001, 0x4effffff, 0xcf000001,
]
SPECIAL_D = [
    0x0000000000000000, 0x8000000000000000, 0x7ff0000000000000, 0xfff0000000000000,
    0x7ff8000000000000, 0xfff8000000000000, 0x7fffffffffffffff, 0x7ff0000000000001,
    0xfff0000000000001, 0x7ff4000000000000, 0x0000000000000001, 0x8000000000000001,
    0x000fffffffffffff, 0x800fffffffffffff, 0x3ff0000000000000, 0xbff0000000000000,
    0x7fefffffffffffff, 0xffefffffffffffff, 0x0010000000000000, 0x8010000000000000,
    0x3fe0000000000000, 0x3ff8000000000000, 0x400921fb54442d18, 0x4330000000000000,
    0x41e0000000000000, 0xc1e0000000000000, 0x43e0000000000000, 0xc3e0000000000000,
    0x41f0000000000000, 0x3cb0000000000000, 0x36a0000000000000, 0x3810000000000000,
    0x380fffffffffffff, 0x47efffffe0000000, 0x47f0000000000000, 0x41dfffffffc00000,
    0xc1e0000000200000, 0x43dfffffffffffff, 0x3fdfffffffffffff, 0x3fe0000000000001,
]
SPECIAL_X = [
    0, 1, 2, MASK64, 1 << 63, (1 << 63) - 1, 0xffffffff80000000, 0x7fffffff, 0x80000000,
    0xffffffff, 0x100000000, 0xfffffffe, 0x8000000000000001, 31, 32, 63, 64,
    0xffffffffffff8000, 0x00ff00ff00ff00ff, 0x0101010101010101, 0x8080808080808080,
]


class Rng:
    """splitmix64, so that a seed means the same program with any Python."""

    def __init__(self, seed):
        self.s = (seed * 0x2545F4914F6CDD1D + 1) & MASK64

    def next(self):
        self.s = (self.s + 0x9E3779B97F4A7C15) & MASK64
        z = self.s
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK64
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK64
        return z ^ (z >> 31)

    def below(self, n):
        return self.next() % n

    def range(self, lo, hi):
        """Uniform in [lo, hi]."""
        return lo + self.below(hi - lo + 1)

    def pick(self, seq):
        return seq[self.below(len(seq))]

    def chance(self, n):
        return self.below(n) == 0


def random_single(r):
    k = r.below(4)
    if k == 0:
        return r.pick(SPECIAL_S)
    if k == 1:
        e = r.pick([0, 1, 2, 23, 24, 100, 126, 127, 128, 150, 157, 158, 189, 190, 253, 254, 255])
        return (r.below(2) << 31) | (e << 23) | r.below(1 << 23)
    return r.next() & 0xffffffff


def random_double(r):
    k = r.below(4)
    if k == 0:
        return r.pick(SPECIAL_D)
    if k == 1:
        e = r.pick([0, 1, 2, 52, 53, 896, 897, 1022, 1023, 1024, 1054, 1055, 1086, 1087,
                    1150, 1151, 2045, 2046, 2047])
        return (r.below(2) << 63) | (e << 52) | (r.next() & ((1 << 52) - 1))
    return r.next()


def random_freg(r):
    k = r.below(20)
    if k < 10:
        return 0xffffffff00000000 | random_single(r)
    if k < 18:
        return random_double(r)
    return r.next()  # most likely not a NaN-boxed single


def random_xval(r):
    k = r.below(6)
    if k < 2:
        return r.pick(SPECIAL_X)
    if k == 2:
        return (r.range(-32, 31)) & MASK64
    if k == 3:
        return 0xffffffff00000000 | random_single(r)
    if k == 4:
        return random_double(r)
    return r.next()


def resolve(units, prefix):
    """Joins units (lists of lines) into lines, turning each branch target @k (the start of
    unit k, or the end) into a label prefix_k."""
    n = len(units)
    targets = set()
    for lines in units:
        for j, line in enumerate(lines):
            if "@" in line:
                head, k = line.rsplit("@", 1)
                k = min(int(k), n)
                targets.add(k)
                lines[j] = "%s%s_%d" % (head, prefix, k)
    out = []
    for i, lines in enumerate(units):
        if i in targets:
            out.append("%s_%d:" % (prefix, i))
        out.extend(lines)
    out.append("%s_%d:" % (prefix, n))
    return out


class Gen:
    def __init__(self, seed, mode):
        self.r = Rng(seed)
        self.mode = mode
        self.block_n = 0
        self.labels = 0     # for unique labels within a block
        self.busy = set()   # registers a loop around the current unit counts with
        self.in_loop = False

    # -- operands ---------------------------------------------------------------------
    def rd(self):
        r = self.r
        if r.chance(40):
            return 0
        while True:
            x = r.range(1, 31)
            if x not in RESERVED and x not in self.busy:
                return x

    def rs(self):
        return self.r.below(32)

    def rdc(self):  # compressed rd' (x8..x15) that is not a base
        return self.r.range(10, 15)

    def rsc(self):
        return self.r.range(8, 15)

    def fr(self):
        return self.r.below(32)

    def rm(self):
        return self.r.pick(RM)

    def imm12(self):
        r = self.r
        k = r.below(8)
        if k < 4:
            return [0, -1, 2047, -2048][k]
        if k == 4:
            return r.range(-16, 15)
        return r.range(-2048, 2047)

    def base(self):
        return self.r.pick(BASES)

    def mem_off(self, size):
        """An offset from a base for an access of size bytes; often misaligned."""
        r = self.r
        if r.below(5) < 2:
            return r.range(-2048, 2047 - size)
        return r.range(-2048 // size, (2047 - size) // size) * size

    # -- instruction classes -----------------------------------------------------------
    def alu(self):
        r = self.r
        d, a, b = XN[self.rd()], XN[self.rs()], XN[self.rs()]
        k = r.below(5)
        if k == 0:
            op = r.pick(["addi", "slti", "sltiu", "xori", "ori", "andi", "addiw"])
            return ["%s %s, %s, %d" % (op, d, a, self.imm12())]
        if k == 1:
            op = r.pick(["slli", "srli", "srai"])
            return ["%s %s, %s, %d" % (op, d, a, r.below(64))]
        if k == 2:
            op = r.pick(["slliw", "srliw", "sraiw"])
            return ["%s %s, %s, %d" % (op, d, a, r.below(32))]
        if k == 3 and r.chance(3):
            return ["%s %s, 0x%x" % (r.pick(["lui", "auipc"]), d, r.below(1 << 20))]
        op = r.pick(["add", "sub", "sll", "slt", "sltu", "xor", "srl", "sra", "or", "and",
                     "addw", "subw", "sllw", "srlw", "sraw"])
        return ["%s %s, %s, %s" % (op, d, a, b)]

    def muldiv(self):
        op = self.r.pick(["mul", "mulh", "mulhsu", "mulhu", "div", "divu", "rem", "remu",
                          "mulw", "divw", "divuw", "remw", "remuw"])
        return ["%s %s, %s, %s" % (op, XN[self.rd()], XN[self.rs()], XN[self.rs()])]

    def bitmanip(self):
        r = self.r
        d, a, b = XN[self.rd()], XN[self.rs()], XN[self.rs()]
        k = r.below(4)
        if k == 0:
            op = r.pick(["sh1add", "sh2add", "sh3add", "add.uw", "sh1add.uw", "sh2add.uw",
                         "sh3add.uw", "andn", "orn", "xnor", "max", "maxu", "min", "minu",
                         "rol", "rolw", "ror", "rorw", "bclr", "bext", "binv", "bset"])
            return ["%s %s, %s, %s" % (op, d, a, b)]
        if k == 1:
            op = r.pick(["clz", "clzw", "ctz", "ctzw", "cpop", "cpopw", "sext.b", "sext.h",
                         "zext.h", "orc.b", "rev8"])
            if op == "ctzw":
                # QEMU 7.2 bug: trans_ctzw lacks `ctx->ol = MXL_RV32`, so it counts the
                # trailing zeros of all 64 bits (ctzw of 1 << 33 gives 33, not 32); fixed
                # upstream after 7.2 ("target/riscv: fix ctzw behavior", 2023). Its operand
                # gets a clear upper half here, where the two answers agree.
                t = XN[self.rd() or 5]
                return ["add.uw %s, %s, zero" % (t, a), "ctzw %s, %s" % (d, t)]
            return ["%s %s, %s" % (op, d, a)]
        if k == 2:
            op = r.pick(["rori", "bclri", "bexti", "binvi", "bseti", "slli.uw"])
            return ["%s %s, %s, %d" % (op, d, a, r.below(64))]
        return ["roriw %s, %s, %d" % (d, a, r.below(32))]

    def load_store(self):
        r = self.r
        b = XN[self.base()]
        if r.below(2):
            op, size = r.pick([("lb", 1), ("lh", 2), ("lw", 4), ("ld", 8), ("lbu", 1),
                               ("lhu", 2), ("lwu", 4)])
            return ["%s %s, %d(%s)" % (op, XN[self.rd()], self.mem_off(size), b)]
        op, size = r.pick([("sb", 1), ("sh", 2), ("sw", 4), ("sd", 8)])
        return ["%s %s, %d(%s)" % (op, XN[self.rs()], self.mem_off(size), b)]

    def fp_load_store(self):
        r = self.r
        b = XN[self.base()]
        op, size = r.pick([("flw", 4), ("fld", 8), ("fsw", 4), ("fsd", 8)])
        return ["%s %s, %d(%s)" % (op, FN[self.fr()], self.mem_off(size), b)]

    def amo_addr(self, size, lines):
        """A register holding a naturally aligned data address."""
        r = self.r
        if r.below(2):
            return XN[self.base()]
        t = self.rd() or 5
        off = r.range(-2048 // 8, 2047 // 8 - 1) * 8 + (4 if size == 4 and r.below(2) else 0)
        lines.append("addi %s, %s, %d" % (XN[t], XN[self.base()], off))
        return XN[t]

    def aqrl(self):
        return self.r.pick(["", ".aq", ".rl", ".aqrl"])

    def amo(self):
        r = self.r
        sfx, size = r.pick([("w", 4), ("d", 8)])
        lines = []
        a = self.amo_addr(size, lines)
        op = r.pick(["amoswap", "amoadd", "amoxor", "amoand", "amoor", "amomin", "amomax",
                     "amominu", "amomaxu"])
        lines.append("%s.%s%s %s, %s, (%s)" % (op, sfx, self.aqrl(), XN[self.rd()],
                                                XN[self.rs()], a))
        return lines

    def lrsc(self):
        r = self.r
        sfx, size = r.pick([("w", 4), ("d", 8)])
        lines = []
        a = self.amo_addr(size, lines)
        d = self.rd()
        if XN[d] == a:
            d = 0
        if not r.chance(8):
            lines.append("lr.%s%s %s, (%s)" % (sfx, self.aqrl(), XN[d], a))
        for _ in range(r.below(3)):
            t = self.rd()
            if XN[t] == a:
                t = 0
            lines.append("add %s, %s, %s" % (XN[t], XN[self.rs()], XN[self.rs()]))
        if r.chance(6):
            src = XN[d] if r.below(2) else XN[self.rs()]
            lines.append("s%s %s, 0(%s)" % (sfx, src, a))
        lines.append("sc.%s%s %s, %s, (%s)" % (sfx, self.aqrl(), XN[self.rd()], XN[self.rs()],
                                               a))
        return lines

    def fp(self):
        r = self.r
        lines = []
        if r.below(2):
            lines.append("csrwi fflags, 0")
        s = r.pick(["s", "d"])
        d, a, b, c = FN[self.fr()], FN[self.fr()], FN[self.fr()], FN[self.fr()]
        rm = self.rm()
        k = r.below(13)
        if k == 0:
            op = r.pick(["fadd", "fsub", "fmul", "fdiv"])
            lines.append("%s.%s %s, %s, %s, %s" % (op, s, d, a, b, rm))
        elif k == 1:
            lines.append("fsqrt.%s %s, %s, %s" % (s, d, a, rm))
        elif k == 2:
            op = r.pick(["fsgnj", "fsgnjn", "fsgnjx"])
            if r.chance(4):
                b = a
            lines.append("%s.%s %s, %s, %s" % (op, s, d, a, b))
        elif k == 3:
            lines.append("%s.%s %s, %s, %s" % (r.pick(["fmin", "fmax"]), s, d, a, b))
        elif k in (4, 5):
            op = r.pick(["fmadd", "fmsub", "fnmsub", "fnmadd"])
            lines.append("%s.%s %s, %s, %s, %s, %s" % (op, s, d, a, b, c, rm))
        elif k == 6:
            op = r.pick(["feq", "flt", "fle"])
            lines.append("%s.%s %s, %s, %s" % (op, s, XN[self.rd()], a, b))
        elif k == 7:
            if r.below(2):
                lines.append("fclass.%s %s, %s" % (s, XN[self.rd()], a))
            else:
                lines.append("fmv.x.%s %s, %s" % ("w" if s == "s" else "d", XN[self.rd()], a))
        elif k == 8:
            lines.append("fmv.%s.x %s, %s" % ("w" if s == "s" else "d", d, XN[self.rs()]))
        elif k == 9:
            t = r.pick(["w", "wu", "l", "lu"])
            lines.append("fcvt.%s.%s %s, %s, %s" % (t, s, XN[self.rd()], a, rm))
        elif k == 10:
            t = r.pick(["w", "wu", "l", "lu"])
            if s == "d" and t in ("w", "wu"):
                # Exact, so GNU as only takes rm = rne; any rm is valid in the ISA.
                lines.append(".insn r 0x53, %d, 0x69, %s, %s, x%d" % (
                    RM_BITS[rm], d, XN[self.rs()], 0 if t == "w" else 1))
            else:
                lines.append("fcvt.%s.%s %s, %s, %s" % (s, t, d, XN[self.rs()], rm))
        elif k == 11:
            if s == "d":
                lines.append(".insn r 0x53, %d, 0x21, %s, %s, x0" % (RM_BITS[rm], d, a))
            else:
                lines.append("fcvt.s.d %s, %s, %s" % (d, a, rm))
        else:
            # A special value from an integer register.
            t = self.rd() or 5
            v = random_double(r) if s == "d" else 0xffffffff00000000 | random_single(r)
            lines.append("li %s, 0x%x" % (XN[t], v))
            lines.append("fmv.d.x %s, %s" % (d, XN[t]))
        return lines

    def csr(self):
        r = self.r
        d = XN[self.rd()]
        k = r.below(6)
        if k == 0:
            return ["csrr %s, %s" % (d, r.pick(["fflags", "frm", "fcsr"]))]
        if k == 1:
            return ["csrrwi %s, frm, %d" % (d, r.below(5))]
        if k == 2:
            return ["%s %s, fflags, %d" % (r.pick(["csrrwi", "csrrsi", "csrrci"]), d,
                                           r.below(32))]
        if k == 3:
            return ["%s %s, fflags, %s" % (r.pick(["csrrw", "csrrs", "csrrc"]), d,
                                           XN[self.rs()])]
        if k == 4:
            return ["csrrwi %s, fcsr, %d" % (d, r.below(32))]
        return ["csrw fflags, zero"]

    def compressed(self):
        r = self.r
        d = self.rd() or 10
        k = r.below(14)
        imm6 = r.range(-32, 31)
        if k == 0:
            line = "c.addi %s, %d" % (XN[d], imm6 or 1)
        elif k == 1:
            line = "c.addiw %s, %d" % (XN[d], imm6)
        elif k == 2:
            line = "c.li %s, %d" % (XN[d], imm6)
        elif k == 3:
            line = "c.lui %s, 0x%x" % (XN[d], r.pick(list(range(1, 32)) +
                                                      list(range(0xfffe0, 0x100000))))
        elif k == 4:
            line = "c.slli %s, %d" % (XN[d], r.range(1, 63))
        elif k == 5:
            line = "%s %s, %d" % (r.pick(["c.srli", "c.srai"]), XN[self.rdc()], r.range(1, 63))
        elif k == 6:
            line = "c.andi %s, %d" % (XN[self.rdc()], imm6)
        elif k == 7:
            line = "%s %s, %s" % (r.pick(["c.sub", "c.xor", "c.or", "c.and", "c.subw",
                                          "c.addw"]), XN[self.rdc()], XN[self.rsc()])
        elif k == 8:
            line = "%s %s, %s" % (r.pick(["c.mv", "c.add"]), XN[d], XN[self.r.range(1, 31)])
        elif k == 9:
            line = "c.addi4spn %s, sp, %d" % (XN[self.rdc()], 4 * r.range(1, 255))
        elif k == 10:
            b = XN[r.pick([8, 9])]
            op = r.pick(["c.lw", "c.ld", "c.sw", "c.sd", "c.fld", "c.fsd"])
            size = 4 if op in ("c.lw", "c.sw") else 8
            reg = {"c.lw": XN[self.rdc()], "c.ld": XN[self.rdc()], "c.sw": XN[self.rsc()],
                   "c.sd": XN[self.rsc()]}.get(op, FN[r.range(8, 15)])
            line = "%s %s, %d(%s)" % (op, reg, size * r.below(32), b)
        elif k == 11:
            op = r.pick(["c.lwsp", "c.ldsp", "c.fldsp", "c.swsp", "c.sdsp", "c.fsdsp"])
            size = 4 if op in ("c.lwsp", "c.swsp") else 8
            if op in ("c.fldsp", "c.fsdsp"):
                reg = FN[self.fr()]
            elif op in ("c.lwsp", "c.ldsp"):
                reg = XN[self.rd() or 1]
            else:
                reg = XN[self.rs()]
            line = "%s %s, %d(sp)" % (op, reg, size * r.below(64))
        elif k == 12:
            imm = 16 * r.range(-31, 31) or 16
            return [".option rvc", "c.addi16sp sp, %d" % imm, "c.ldsp %s, 0(sp)" % XN[d],
                    "c.addi16sp sp, %d" % -imm, ".option norvc"]
        else:
            line = "c.nop"
        return [".option rvc", line, ".option norvc"]

    def branch(self, unit_index):
        """A forward branch or jump to the start of a later unit of this block."""
        r = self.r
        ahead = r.range(1, 6)
        target = "@%d" % (unit_index + ahead)  # resolved once the block is complete
        k = r.below(7)
        if k < 3:
            op = r.pick(["beq", "bne", "blt", "bge", "bltu", "bgeu"])
            return ["%s %s, %s, %s" % (op, XN[self.rs()], XN[self.rs()], target)]
        if k == 3:
            return ["jal %s, %s" % (XN[self.rd()], target)]
        if k == 4:
            t = XN[self.rd() or 5]
            return ["la %s, %s" % (t, target), "jalr %s, 0(%s)" % (XN[self.rd()], t)]
        if k == 5:
            op = r.pick(["c.beqz", "c.bnez"])
            return [".option rvc", "%s %s, %s" % (op, XN[self.rsc()], target), ".option norvc"]
        t = XN[self.rd() or 6]
        op = r.pick(["c.jr", "c.jalr"])
        return ["la %s, %s" % (t, target), ".option rvc", "%s %s" % (op, t), ".option norvc"]

    def base_setup(self, b):
        r = self.r
        off = r.range(2048 // 8, (DATA_SIZE - 2048 - 512 - 8) // 8) * 8
        if b == 2:
            off = max(off, 2048 + 512)  # room for c.addi16sp
        if self.mode == "sv39" and r.below(2):
            return ["li %s, 0x%x" % (XN[b], ALIAS_VA + off)]
        return ["la %s, dt_data + %d" % (XN[b], off)]

    def smc(self):
        """Self-modifying code: a store rewrites an instruction (the slot), then fence.i.
        With the slot first, a loop around this runs the old instruction once and then
        the new one from a block the hart may have cached."""
        r = self.r
        self.labels += 1
        slot = ".Ls%d_%d" % (self.block_n, self.labels)
        t = self.rd() or 5
        t2 = self.rd() or 6
        if t2 == t:
            t2 = 6 if t != 6 else 7
        if r.below(3):
            def enc():
                d, a, imm = self.rd() or 10, self.rs(), self.imm12()
                f3, name = r.pick([(0, "addi"), (4, "xori"), (6, "ori"), (7, "andi")])
                raw = ((imm & 0xfff) << 20) | (a << 15) | (f3 << 12) | (d << 7) | 0x13
                return raw, "%s %s, %s, %d" % (name, XN[d], XN[a], imm)
            store = "sw"
            slot_lines = [".option norvc"]
        else:
            def enc():
                d, imm = self.rd() or 10, r.range(-32, 31)
                raw = 0x4001 | (((imm >> 5) & 1) << 12) | (d << 7) | ((imm & 31) << 2)
                return raw, "c.li %s, %d" % (XN[d], imm)
            store = "sh"
            slot_lines = [".option rvc"]
        old, old_text = enc()
        new, new_text = enc()
        slot_lines += ["%s: %s" % (slot, old_text), ".option norvc"]
        patch = ["la %s, %s" % (XN[t], slot),
                 "li %s, 0x%x /* %s */" % (XN[t2], new, new_text),
                 "%s %s, 0(%s)" % (store, XN[t2], XN[t]),
                 "fence.i"]
        return slot_lines + patch if r.below(2) else patch + slot_lines

    def remap(self):
        """sv39: swap two PTEs of the alias of the data area, then sfence.vma (all, or
        the two pages), so later accesses through the alias must see the new mapping."""
        r = self.r
        regs = []
        while len(regs) < 4:
            x = self.rd()
            if x and x not in regs:
                regs.append(x)
        t, a, b, v = (XN[x] for x in regs)
        i = r.below(DATA_SIZE // 4096)
        j = (i + 1 + r.below(DATA_SIZE // 4096 - 1)) % (DATA_SIZE // 4096)
        lines = ["la %s, dt_pt_alias" % t,
                 "ld %s, %d(%s)" % (a, 8 * i, t),
                 "ld %s, %d(%s)" % (b, 8 * j, t),
                 "sd %s, %d(%s)" % (b, 8 * i, t),
                 "sd %s, %d(%s)" % (a, 8 * j, t)]
        if r.below(2):
            lines.append("sfence.vma zero, zero")
        else:
            for page in (i, j):
                lines.append("li %s, 0x%x" % (v, ALIAS_VA + 4096 * page + r.below(4096)))
                lines.append("sfence.vma %s, zero" % v)
        return lines

    def loop(self):
        """A few units run 2..4 times, so the hart runs blocks it has cached and linked."""
        r = self.r
        cnt = r.pick([x for x in range(18, 32) if x not in self.busy])
        self.labels += 1
        prefix = ".Ll%d_%d" % (self.block_n, self.labels)
        self.busy.add(cnt)
        self.in_loop = True
        body = [self.unit(i) for i in range(r.range(2, 10))]
        self.in_loop = False
        self.busy.discard(cnt)
        lines = ["li %s, %d" % (XN[cnt], r.range(2, 4)), "%s_top:" % prefix]
        lines += resolve(body, prefix)
        lines += ["addi %s, %s, -1" % (XN[cnt], XN[cnt]),
                  "bnez %s, %s_top" % (XN[cnt], prefix)]
        return lines

    def unit(self, index):
        r = self.r
        k = r.below(100)
        if k < 3:
            return self.smc()
        if k < 6 and not self.in_loop:
            return self.loop()
        if k < 8 and self.mode == "sv39":
            return self.remap()
        if k < 20:
            return self.alu()
        if k < 26:
            return self.muldiv()
        if k < 36:
            return self.bitmanip()
        if k < 46:
            return self.load_store()
        if k < 50:
            return self.fp_load_store()
        if k < 54:
            return self.amo()
        if k < 56:
            return self.lrsc()
        if k < 76:
            return self.fp()
        if k < 79:
            return self.csr()
        if k < 88:
            return self.compressed()
        if k < 96:
            return self.branch(index)
        if k < 98:
            return self.base_setup(self.base())
        if self.mode == "sv39" and r.below(2):
            return [r.pick(["sfence.vma zero, zero", "sfence.vma %s, zero" % XN[self.base()]])]
        return [r.pick(["fence rw, rw", "fence", "nop"])]

    def gen_block(self, n, length):
        """The lines of block n: set the bases, then length random units."""
        self.block_n = n
        self.labels = 0
        units = [self.base_setup(base) for base in BASES]
        while len(units) < length:
            units.append(self.unit(len(units)))
        return resolve(units, ".Lb%d" % n)


def emit_program(seed, nblocks, mode, out):
    g = Gen(seed, mode)
    r = g.r
    w = out.write
    w("/* Generated by tests/diff/gen-blocks.py gen --seed %d --blocks %d --mode %s.\n"
      " * Blocks of random instructions, each followed by a dump of the hart's state. */\n"
      % (seed, nblocks, mode))
    w("#define SAVE_FCSR %d\n#define SAVE_CSP %d\n#define SAVE_BLOCK %d\n#define SAVE_RET %d\n"
      % (SAVE_FCSR, SAVE_CSP, SAVE_BLOCK, SAVE_RET))
    w("\n    .section .data\n    .balign 4096\n    .globl dt_data\ndt_data:\n")
    for i in range(0, DATA_SIZE, 8):
        k = r.below(4)
        v = [random_single(r) << 32 | random_single(r), random_double(r), random_xval(r),
             r.next()][k]
        w("    .dword 0x%016x\n" % v)
    w("    .balign 8\n    .globl dt_save\ndt_save:\n")
    for i in range(32):
        w("    .dword 0x%016x /* x%d */\n" % (0 if i in RESERVED or i == 0 else random_xval(r),
                                              i))
    for i in range(32):
        w("    .dword 0x%016x /* f%d */\n" % (random_freg(r), i))
    w("    .dword 0x%x /* fcsr */\n" % (r.below(5) << 5))
    w("    .dword 0, 0, 0 /* C sp, block number, return address */\n")
    w("    .globl dt_csave\ndt_csave:\n    .space 8 * 16\n")
    w("    .globl dt_mode\ndt_mode:\n    .dword %d\n" % (1 if mode == "sv39" else 0))
    w("    .globl dt_nblocks\ndt_nblocks:\n    .dword %d\n" % nblocks)
    perm = [0, 1, 2, 3]
    for i in range(3, 0, -1):
        j = r.below(i + 1)
        perm[i], perm[j] = perm[j], perm[i]
    w("    .globl dt_alias_perm\ndt_alias_perm:\n    .dword %s\n" % ", ".join(map(str, perm)))

    w("""
    .text
    .option norvc
/* uint64_t dt_blocks(uint64_t): runs every block, then returns 0 to its caller. */
    .globl dt_blocks
dt_blocks:
    la t0, dt_csave
    sd ra, 0(t0)
    sd sp, 8(t0)
    sd s0, 16(t0)
    sd s1, 24(t0)
    sd s2, 32(t0)
    sd s3, 40(t0)
    sd s4, 48(t0)
    sd s5, 56(t0)
    sd s6, 64(t0)
    sd s7, 72(t0)
    sd s8, 80(t0)
    sd s9, 88(t0)
    sd s10, 96(t0)
    sd s11, 104(t0)
    la tp, dt_save
    sd sp, SAVE_CSP(tp)
    la gp, dt_first_block
    j dt_restore

dt_first_block:
""")
    for n in range(nblocks):
        lines = g.gen_block(n, r.range(12, 48))
        w("/* block %d */\n" % n)
        for line in lines:
            w("    %s\n" % line)
        w("/* end block %d */\n" % n)
        w("    sd ra, 8(tp)\n    li ra, %d\n    sd ra, SAVE_BLOCK(tp)\n    jal ra, dt_dump_stub\n"
          % n)

    w("""
    la t0, dt_csave
    ld ra, 0(t0)
    ld sp, 8(t0)
    ld s0, 16(t0)
    ld s1, 24(t0)
    ld s2, 32(t0)
    ld s3, 40(t0)
    ld s4, 48(t0)
    ld s5, 56(t0)
    ld s6, 64(t0)
    ld s7, 72(t0)
    ld s8, 80(t0)
    ld s9, 88(t0)
    ld s10, 96(t0)
    ld s11, 104(t0)
    .option push
    .option norelax
    la gp, __global_pointer$
    .option pop
    li tp, 0
    li a0, 0
    ret

/* Saves the state in dt_save, has dt_dump print it, restores it and returns through gp.
 * The caller saved ra in dt_save and put the block number in SAVE_BLOCK. */
dt_dump_stub:
    sd ra, SAVE_RET(tp)
""")
    for i in range(2, 32):
        if i not in (3, 4):
            w("    sd x%d, %d(tp)\n" % (i, 8 * i))
    for i in range(32):
        w("    fsd f%d, %d(tp)\n" % (i, 8 * (32 + i)))
    w("""    csrr t0, fcsr
    sd t0, SAVE_FCSR(tp)
    ld sp, SAVE_CSP(tp)
    ld a0, SAVE_BLOCK(tp)
    mv a1, tp
    .option push
    .option norelax
    la gp, __global_pointer$
    .option pop
    call dt_dump
    ld gp, SAVE_RET(tp)
dt_restore:
    ld t0, SAVE_FCSR(tp)
    csrw fcsr, t0
""")
    for i in range(32):
        w("    fld f%d, %d(tp)\n" % (i, 8 * (32 + i)))
    for i in range(1, 32):
        if i not in (3, 4):
            w("    ld x%d, %d(tp)\n" % (i, 8 * i))
    w("    jr gp\n")


# -- compare -------------------------------------------------------------------------------

NAMES = ["x%d/%s" % (i, XN[i]) for i in range(1, 32)] + \
        ["f%d/%s" % (i, FN[i]) for i in range(32)] + ["fcsr", "data-checksum"]


def block_lines(text):
    return [line.strip() for line in text.splitlines() if line.startswith(("B", "END"))]


def block_source(asm, n):
    out, inside = [], False
    for line in asm.splitlines():
        if line.startswith("/* block %d */" % n):
            inside = True
            continue
        if line.startswith("/* end block %d */" % n):
            break
        if inside and not line.strip().startswith(".option"):
            out.append(line)
    return out


def compare(asm_path, qemu_path, vireo_path):
    asm = open(asm_path).read()
    q_text = open(qemu_path, errors="replace").read()
    v_text = open(vireo_path, errors="replace").read()
    q, v = block_lines(q_text), block_lines(v_text)
    for i in range(max(len(q), len(v))):
        ql = q[i] if i < len(q) else None
        vl = v[i] if i < len(v) else None
        if ql == vl:
            continue
        print("MISMATCH in %s at output line %d" % (asm_path, i + 1))
        if ql is None or vl is None:
            which = "vireo" if vl is None else "qemu"
            print("  %s's output ends early; its last lines:" % which)
            for line in (v_text if vl is None else q_text).splitlines()[-5:]:
                print("    " + line[:200])
            return 1
        qf, vf = ql.split(), vl.split()
        if qf[0] != vf[0] or len(qf) != len(vf):
            print("  qemu:  " + ql[:200] + "\n  vireo: " + vl[:200])
            return 1
        n = int(qf[0][1:])
        print("  first differing block: %d" % n)
        for name, a, b in zip(NAMES, qf[1:], vf[1:]):
            if a != b:
                print("    %-14s qemu 0x%s  vireo 0x%s" % (name, a, b))
        if i > 0:
            print("  state before the block (both agree):")
            prev = q[i - 1].split()[1:]
            print("    " + " ".join("%s=%s" % (nm.split("/")[0], val)
                                    for nm, val in zip(NAMES[:31], prev[:31])))
            print("    " + " ".join("%s=%s" % (nm.split("/")[0], val)
                                    for nm, val in zip(NAMES[31:65], prev[31:65])))
        print("  block %d:" % n)
        for line in block_source(asm, n):
            print("  " + line)
        return 1
    if not q or not q[-1].startswith("END"):
        print("MISMATCH: no END line in the outputs (%d block lines)" % len(q))
        return 1
    print("%s: %d blocks match" % (asm_path, len(q) - 1))
    return 0


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    g = sub.add_parser("gen")
    g.add_argument("--seed", type=int, required=True)
    g.add_argument("--blocks", type=int, default=100)
    g.add_argument("--mode", choices=["bare", "sv39"], default="bare")
    g.add_argument("-o", "--output", default="-")
    c = sub.add_parser("compare")
    c.add_argument("asm")
    c.add_argument("qemu_out")
    c.add_argument("vireo_out")
    a = ap.parse_args()
    if a.cmd == "gen":
        out = sys.stdout if a.output == "-" else open(a.output, "w")
        emit_program(a.seed, a.blocks, a.mode, out)
        out.close()
        return 0
    return compare(a.asm, a.qemu_out, a.vireo_out)


if __name__ == "__main__":
    sys.exit(main())
