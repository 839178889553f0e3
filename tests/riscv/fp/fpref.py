#!/usr/bin/env python3
"""Exact reference for the F/D tests' expected values (binary32/binary64 with RISC-V rules).

Every operation is computed on exact rationals and rounded once, per IEEE 754-2019 and the
RISC-V F/D chapters: canonical NaN results, tininess after rounding, RMM, fcvt saturation,
fmin/fmax as minimumNumber/maximumNumber, NV for inf*0 in fused multiply-add even with a
quiet NaN addend. It was used to derive the tables in this folder (cross-checked against
x86 hardware for RNE/RTZ/RDN/RUP, and confirmed on QEMU); the C files are the source of
truth, this is a tool for adding rows.

    python3 fpref.py fadd.s rmm 0x3f800000 0x33800000
    -> 0x3f800001 NX
Operands are raw bits (single: 32 bits, double: 64, integers: 64-bit register values);
integer results are shown as the 64-bit register (32-bit results sign-extended).
"""
from fractions import Fraction as Fr
from math import isqrt

RNE, RTZ, RDN, RUP, RMM = 0, 1, 2, 3, 4
NX, UF, OF, DZ, NV = 1, 2, 4, 8, 16

class Fmt:
    def __init__(s, e, m):
        s.e, s.m, s.p = e, m, m + 1
        s.bias = (1 << (e - 1)) - 1
        s.emin = 1 - s.bias
        s.emax = s.bias
        s.width = 1 + e + m
        s.qnan = ((1 << e) - 1) << m | 1 << (m - 1)
        s.maxfin = (Fr(2) - Fr(1, 1 << m)) * Fr(2) ** s.emax
        s.inf = ((1 << e) - 1) << m
S = Fmt(8, 23)
D = Fmt(11, 52)

def decode(f, b):
    sign = b >> (f.width - 1) & 1
    ex = b >> f.m & ((1 << f.e) - 1)
    man = b & ((1 << f.m) - 1)
    if ex == (1 << f.e) - 1:
        if man == 0:
            return ('inf', sign)
        return ('nan', not (man >> (f.m - 1)))  # second = is signaling
    if ex == 0:
        v = Fr(man) * Fr(2) ** (f.emin - f.m)
    else:
        v = Fr(man | 1 << f.m) * Fr(2) ** (ex - f.bias - f.m)
    return ('fin', sign, v)

def zero(f, sign):
    return sign << (f.width - 1)

def inf(f, sign):
    return sign << (f.width - 1) | f.inf

def ilog2(x):
    # floor(log2(x)) for Fraction x > 0
    e = x.numerator.bit_length() - x.denominator.bit_length()
    if Fr(2) ** e > x:
        e -= 1
    return e

def rnd_int(x, rm, sign):
    """round non-negative Fraction x to integer magnitude, given the sign of the value."""
    n = x.numerator // x.denominator
    r = x - n
    if r == 0:
        return n
    if rm == RNE:
        return n + 1 if r > Fr(1, 2) or (r == Fr(1, 2) and n & 1) else n
    if rm == RMM:
        return n + 1 if r >= Fr(1, 2) else n
    if rm == RTZ:
        return n
    if rm == RDN:
        return n + 1 if sign else n
    if rm == RUP:
        return n if sign else n + 1
    raise ValueError(rm)

def encode(f, sign, x):
    """x exactly representable, >= 0"""
    if x == 0:
        return zero(f, sign)
    e = ilog2(x)
    if e < f.emin:
        man = x / Fr(2) ** (f.emin - f.m)
        assert man.denominator == 1
        return sign << (f.width - 1) | int(man)
    man = x / Fr(2) ** (e - f.m)
    assert man.denominator == 1
    return sign << (f.width - 1) | (e + f.bias) << f.m | (int(man) - (1 << f.m))

def round_(f, sign, x, rm):
    """round sign*x (x Fraction > 0) -> (bits, flags)"""
    assert x > 0
    e = ilog2(x)
    # unbounded exponent rounding, for tininess and overflow
    q = Fr(2) ** (e - f.m)
    vu = rnd_int(x / q, rm, sign) * q
    fl = 0
    if vu > f.maxfin:
        fl = OF | NX
        if rm in (RNE, RMM) or (rm == RUP and not sign) or (rm == RDN and sign):
            return inf(f, sign), fl
        return encode(f, sign, f.maxfin), fl
    tiny = vu < Fr(2) ** f.emin
    q = Fr(2) ** (max(e, f.emin) - f.m)
    v = rnd_int(x / q, rm, sign) * q
    if v != x:
        fl |= NX
        if tiny:
            fl |= UF
    return encode(f, sign, v), fl

def exact_zero_sign(rm):
    return 1 if rm == RDN else 0

def result(f, sign, x, rm, zsign=None):
    if x == 0:
        return zero(f, zsign if zsign is not None else exact_zero_sign(rm)), 0
    if x < 0:
        return round_(f, 1, -x, rm)
    return round_(f, 0, x, rm)

def nanin(f, *ops):
    """returns flags if any NaN input else None"""
    ds = [decode(f, o) for o in ops]
    if any(d[0] == 'nan' for d in ds):
        return NV if any(d[0] == 'nan' and d[1] for d in ds) else 0
    return None

def val(d):
    return -d[2] if d[1] else d[2]

def add(f, a, b, rm):
    fl = nanin(f, a, b)
    if fl is not None:
        return f.qnan, fl
    da, db = decode(f, a), decode(f, b)
    if da[0] == 'inf' and db[0] == 'inf':
        if da[1] != db[1]:
            return f.qnan, NV
        return inf(f, da[1]), 0
    if da[0] == 'inf':
        return inf(f, da[1]), 0
    if db[0] == 'inf':
        return inf(f, db[1]), 0
    s = val(da) + val(db)
    if s == 0:
        if da[2] == 0 and db[2] == 0 and da[1] == db[1]:
            return zero(f, da[1]), 0
        return zero(f, exact_zero_sign(rm)), 0
    return result(f, 0, s, rm)

def neg(f, b):
    return b ^ (1 << (f.width - 1))

def sub(f, a, b, rm):
    fl = nanin(f, a, b)
    if fl is not None:
        return f.qnan, fl
    return add(f, a, neg(f, b), rm)

def mul(f, a, b, rm):
    fl = nanin(f, a, b)
    if fl is not None:
        return f.qnan, fl
    da, db = decode(f, a), decode(f, b)
    sign = da[1] ^ db[1]
    if da[0] == 'inf' or db[0] == 'inf':
        if (da[0] == 'fin' and da[2] == 0) or (db[0] == 'fin' and db[2] == 0):
            return f.qnan, NV
        return inf(f, sign), 0
    p = da[2] * db[2]
    if p == 0:
        return zero(f, sign), 0
    return round_(f, sign, p, rm)

def div(f, a, b, rm):
    fl = nanin(f, a, b)
    if fl is not None:
        return f.qnan, fl
    da, db = decode(f, a), decode(f, b)
    sign = da[1] ^ db[1]
    if da[0] == 'inf':
        if db[0] == 'inf':
            return f.qnan, NV
        return inf(f, sign), 0
    if db[0] == 'inf':
        return zero(f, sign), 0
    if db[2] == 0:
        if da[2] == 0:
            return f.qnan, NV
        return inf(f, sign), DZ
    if da[2] == 0:
        return zero(f, sign), 0
    return round_(f, sign, da[2] / db[2], rm)

def sqrt(f, a, rm):
    fl = nanin(f, a)
    if fl is not None:
        return f.qnan, fl
    d = decode(f, a)
    if d[0] == 'inf':
        return (f.qnan, NV) if d[1] else (a, 0)
    if d[2] == 0:
        return a, 0
    if d[1]:
        return f.qnan, NV
    x = d[2]
    k = 2 * f.p + 10 - ilog2(x) // 2
    k += k & 1
    # sqrt(x) * 2^k = sqrt(x * 4^k)
    y = x * Fr(4) ** k
    n = y.numerator // y.denominator
    r = isqrt(n)
    if r * r == n and y.denominator == 1:
        return round_(f, 0, Fr(r) / Fr(2) ** k, rm)
    return round_(f, 0, (Fr(r) + Fr(1, 2)) / Fr(2) ** k, rm)

def fma(f, a, b, c, rm, negprod=False, negc=False):
    da, db, dc = decode(f, a), decode(f, b), decode(f, c)
    # inf * 0 is invalid even with a quiet NaN addend (RISC-V)
    iz = (da[0] == 'inf' and db[0] == 'fin' and db[2] == 0) or (db[0] == 'inf' and da[0] == 'fin' and da[2] == 0)
    fl = nanin(f, a, b, c)
    if fl is not None:
        return f.qnan, fl | (NV if iz else 0)
    if iz:
        return f.qnan, NV
    psign = da[1] ^ db[1] ^ int(negprod)
    csign = dc[1] ^ int(negc)
    if da[0] == 'inf' or db[0] == 'inf':
        if dc[0] == 'inf' and csign != psign:
            return f.qnan, NV
        return inf(f, psign), 0
    if dc[0] == 'inf':
        return inf(f, csign), 0
    p = da[2] * db[2]
    pv = -p if psign else p
    cv = -dc[2] if csign else dc[2]
    s = pv + cv
    if s == 0:
        if p == 0 and dc[2] == 0 and psign == csign:
            return zero(f, psign), 0
        return zero(f, exact_zero_sign(rm)), 0
    return result(f, 0, s, rm)

def fmadd(f, a, b, c, rm): return fma(f, a, b, c, rm)
def fmsub(f, a, b, c, rm): return fma(f, a, b, c, rm, negc=True)
def fnmsub(f, a, b, c, rm): return fma(f, a, b, c, rm, negprod=True)
def fnmadd(f, a, b, c, rm): return fma(f, a, b, c, rm, negprod=True, negc=True)

def to_int(f, a, rm, bits, signed):
    d = decode(f, a)
    lo = -(1 << (bits - 1)) if signed else 0
    hi = (1 << (bits - 1)) - 1 if signed else (1 << bits) - 1
    if d[0] == 'nan':
        return hi, NV
    if d[0] == 'inf':
        return (lo if d[1] else hi), NV
    x = d[2]
    n = rnd_int(x, rm, d[1])
    v = -n if d[1] else n
    if v > hi:
        return hi, NV
    if v < lo:
        return lo, NV
    return v, (NX if n != x else 0)

def reg_int(v, bits):
    """how RV64 holds a `bits`-wide integer result (w results are sign-extended)"""
    v &= (1 << bits) - 1
    if bits == 32 and v >> 31:
        v |= 0xffffffff00000000
    return v

def from_int(f, v, rm):
    if v == 0:
        return 0, 0
    return result(f, 0, Fr(v), rm)

def convert(fto, ffrom, a, rm):
    d = decode(ffrom, a)
    if d[0] == 'nan':
        return fto.qnan, (NV if d[1] else 0)
    if d[0] == 'inf':
        return inf(fto, d[1]), 0
    if d[2] == 0:
        return zero(fto, d[1]), 0
    return round_(fto, d[1], d[2], rm)

def fbits(f, x):
    """exact Fraction/int/float -> bits, must be representable"""
    x = Fr(x)
    if x < 0:
        return encode(f, 1, -x)
    return encode(f, 0, x)


def classify(f, b):
    d = decode(f, b)
    sign = b >> (f.width - 1) & 1
    if d[0] == 'nan': return 1 << 8 if d[1] else 1 << 9
    if d[0] == 'inf': return 1 if sign else 1 << 7
    ex = b >> f.m & ((1 << f.e) - 1)
    if d[2] == 0: return 1 << 3 if sign else 1 << 4
    if ex == 0: return 1 << 2 if sign else 1 << 5
    return 1 << 1 if sign else 1 << 6

def minmax(f, a, b, ismax):
    da, db = decode(f, a), decode(f, b)
    fl = NV if any(d[0] == 'nan' and d[1] for d in (da, db)) else 0
    if da[0] == 'nan' and db[0] == 'nan': return f.qnan, fl
    if da[0] == 'nan': return b, fl
    if db[0] == 'nan': return a, fl
    def key(x, d):
        if d[0] == 'inf': v = Fr(10) ** 400
        else: v = d[2]
        v = -v if d[1] else v
        return (v, 0 if d[1] else 1)  # -0 < +0
    ka, kb = key(a, da), key(b, db)
    if ismax: return (a if ka >= kb else b), fl
    return (a if ka <= kb else b), fl

def cmp(f, a, b, kind):
    da, db = decode(f, a), decode(f, b)
    if da[0] == 'nan' or db[0] == 'nan':
        sig = any(d[0] == 'nan' and d[1] for d in (da, db))
        if kind == 'eq': return 0, (NV if sig else 0)
        return 0, NV
    def v(d):
        if d[0] == 'inf': return -Fr(10)**400 if d[1] else Fr(10)**400
        return -d[2] if d[1] else d[2]
    x, y = v(da), v(db)
    return int({'eq': x == y, 'lt': x < y, 'le': x <= y}[kind]), 0

def sgnj(f, a, b, kind):
    sb = 1 << (f.width - 1)
    if kind == 'j': s = b & sb
    elif kind == 'n': s = (b & sb) ^ sb
    else: s = (a ^ b) & sb
    return (a & ~sb) | s, 0

M64 = (1 << 64) - 1
def sx(v, bits):
    v &= (1 << bits) - 1
    if v >> (bits - 1): v -= 1 << bits
    return v

def run(op, rm, a, b=0, c=0):
    """returns (result as the table wants it, flags). integer results are full 64-bit regs"""
    mn, fmt = op.rsplit('_', 1) if op.count('_') else (op, '')
    F = {'S': S, 'D': D}
    if op in ('FADD_S', 'FADD_D'): return add(F[fmt], a, b, rm)
    if op in ('FSUB_S', 'FSUB_D'): return sub(F[fmt], a, b, rm)
    if op in ('FMUL_S', 'FMUL_D'): return mul(F[fmt], a, b, rm)
    if op in ('FDIV_S', 'FDIV_D'): return div(F[fmt], a, b, rm)
    if op in ('FSQRT_S', 'FSQRT_D'): return sqrt(F[fmt], a, rm)
    if mn in ('FMADD', 'FMSUB', 'FNMSUB', 'FNMADD'):
        return {'FMADD': fmadd, 'FMSUB': fmsub, 'FNMSUB': fnmsub, 'FNMADD': fnmadd}[mn](F[fmt], a, b, c, rm)
    if op.startswith('FCVT_'):
        _, d, s = op.split('_')
        ints = {'W': (32, True), 'WU': (32, False), 'L': (64, True), 'LU': (64, False)}
        if d in ints:
            bits, signed = ints[d]
            v, fl = to_int(F[s], a, rm, bits, signed)
            return reg_int(v, bits) & M64, fl
        if s in ints:
            bits, signed = ints[s]
            v = sx(a, bits) if signed else a & ((1 << bits) - 1)
            return from_int(F[d], v, rm)
        return convert(F[d], F[s], a, rm)
    if mn in ('FMIN', 'FMAX'): return minmax(F[fmt], a, b, mn == 'FMAX')
    if mn in ('FEQ', 'FLT', 'FLE'): return cmp(F[fmt], a, b, mn[1:].lower())
    if mn in ('FSGNJ', 'FSGNJN', 'FSGNJX'): return sgnj(F[fmt], a, b, {'FSGNJ': 'j', 'FSGNJN': 'n', 'FSGNJX': 'x'}[mn])
    if mn == 'FCLASS': return classify(F[fmt], a), 0
    if op == 'FMV_X_W': return sx(a, 32) & M64, 0
    if op == 'FMV_X_D': return a, 0
    if op == 'FMV_W_X': return a & 0xffffffff, 0
    if op == 'FMV_D_X': return a, 0
    raise ValueError(op)


def fl_str(fl):
    parts = [n for b, n in ((NV, 'NV'), (DZ, 'DZ'), (OF, 'OF'), (UF, 'UF'), (NX, 'NX')) if fl & b]
    return ' | '.join(parts) if parts else '0'


if __name__ == '__main__':
    import sys
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    op = sys.argv[1].upper().replace('.', '_')
    rm = ['rne', 'rtz', 'rdn', 'rup', 'rmm'].index(sys.argv[2].lower())
    args = [int(x, 0) for x in sys.argv[3:]] + [0, 0, 0]
    r, fl = run(op, rm, *args[:3])
    print('0x%x %s' % (r, fl_str(fl)))
