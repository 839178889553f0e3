/* IEEE 754 binary32/binary64 arithmetic in software, with RISC-V F/D semantics.
 *
 * Every operation unpacks its operands into a sign, an unbiased exponent and a 64-bit
 * significand whose leading one sits at bit 62, computes the exact result (or the exact
 * result truncated with a sticky bit) in 64- or 128-bit integers, and hands it to one
 * rounding routine that knows both formats. The format is a compile-time constant in every
 * helper once inlined.
 *
 * On x86-64, RNE operations whose operands and result are safely normal use the host's
 * FPU instead (see "Host fast path" below); software decides everything else.
 */
#include "softfloat.h"

#include <stddef.h>
#include <string.h>

typedef unsigned __int128 vr_u128;

enum {
    CLS_ZERO,
    CLS_FINITE,
    CLS_INF,
    CLS_QNAN,
    CLS_SNAN,
};

typedef struct {
    uint64_t sig; /* finite nonzero: leading one at bit 62 */
    int exp;      /* value = sig * 2^(exp - 62) */
    bool sign;
    int cls;
} VrUnpacked;

/* Format parameters; `dbl` is a constant in every caller, so these fold away. */
#define FMT_P(dbl)     ((dbl) ? 53 : 24) /* precision, hidden bit included */
#define FMT_BIAS(dbl)  ((dbl) ? 1023 : 127)
#define FMT_W(dbl)     ((dbl) ? 64 : 32)
#define FMT_EMASK(dbl) ((dbl) ? 0x7ff : 0xff)
#define FMT_CNAN(dbl)  ((dbl) ? VR_F64_CANONICAL_NAN : (uint64_t) VR_F32_CANONICAL_NAN)

static inline int clz64(uint64_t x)
{
    return __builtin_clzll(x);
}

static inline int clz128(vr_u128 x)
{
    uint64_t hi = (uint64_t) (x >> 64);
    return hi ? clz64(hi) : 64 + clz64((uint64_t) x);
}

/* Shift right, ORing every bit shifted out into bit 0 so rounding still sees them. */
static inline uint64_t shift_right_jam64(uint64_t x, int n)
{
    if (n == 0) {
        return x;
    }
    if (n >= 64) {
        return x != 0;
    }
    return (x >> n) | ((x << (64 - n)) != 0);
}

static inline vr_u128 shift_right_jam128(vr_u128 x, int n)
{
    if (n == 0) {
        return x;
    }
    if (n >= 128) {
        return x != 0;
    }
    return (x >> n) | ((x << (128 - n)) != 0);
}

static inline uint64_t sign_bit(bool sign, bool dbl)
{
    return (uint64_t) sign << (FMT_W(dbl) - 1);
}

static inline uint64_t pack_inf(bool sign, bool dbl)
{
    return sign_bit(sign, dbl) | ((uint64_t) FMT_EMASK(dbl) << (FMT_P(dbl) - 1));
}

static inline VrUnpacked unpack(uint64_t a, bool dbl)
{
    const int m_bits = FMT_P(dbl) - 1;
    const int emask = FMT_EMASK(dbl);
    VrUnpacked u = {0};
    int e = (int) (a >> m_bits) & emask;
    uint64_t m = a & ((1ull << m_bits) - 1);

    u.sign = (a >> (FMT_W(dbl) - 1)) & 1;
    if (e == emask) {
        if (m == 0) {
            u.cls = CLS_INF;
        } else {
            u.cls = (m >> (m_bits - 1)) & 1 ? CLS_QNAN : CLS_SNAN;
        }
    } else if (e == 0) {
        if (m == 0) {
            u.cls = CLS_ZERO;
        } else {
            int lead = 63 - clz64(m);
            u.cls = CLS_FINITE;
            u.sig = m << (62 - lead);
            u.exp = lead + 1 - FMT_BIAS(dbl) - m_bits;
        }
    } else {
        u.cls = CLS_FINITE;
        u.sig = (m | (1ull << m_bits)) << (62 - m_bits);
        u.exp = e - FMT_BIAS(dbl);
    }
    return u;
}

static inline bool is_nan(const VrUnpacked *u)
{
    return u->cls >= CLS_QNAN;
}

/* Whether to add one unit in the last place, given the bits below it. */
static inline bool round_up(int rm, bool sign, bool lsb, uint64_t rem, uint64_t half)
{
    switch (rm) {
    case VR_RM_RTZ: return false;
    case VR_RM_RDN: return sign && rem != 0;
    case VR_RM_RUP: return !sign && rem != 0;
    case VR_RM_RMM: return rem >= half;
    default: return rem > half || (rem == half && lsb);
    }
}

/* What to add to a significand with rbits bits below its last place so that truncating it
 * rounds in mode rm; a carry out of the top moves into the exponent. */
static inline uint64_t round_increment(int rm, bool sign, uint64_t sig, int rbits)
{
    const uint64_t rmask = (1ull << rbits) - 1;

    switch (rm) {
    case VR_RM_RTZ: return 0;
    case VR_RM_RDN: return sign ? rmask : 0;
    case VR_RM_RUP: return sign ? 0 : rmask;
    case VR_RM_RMM: return 1ull << (rbits - 1);
    default: return (rmask >> 1) + ((sig >> rbits) & 1); /* a tie carries only from odd */
    }
}

static inline uint64_t overflow_result(bool sign, int rm, uint32_t *flags, bool dbl)
{
    bool to_inf;

    switch (rm) {
    case VR_RM_RTZ: to_inf = false; break;
    case VR_RM_RDN: to_inf = sign; break;
    case VR_RM_RUP: to_inf = !sign; break;
    default: to_inf = true; break;
    }
    *flags |= VR_FFLAG_OF | VR_FFLAG_NX;
    return to_inf ? pack_inf(sign, dbl) : pack_inf(sign, dbl) - 1;
}

/* Round sig * 2^(exp - 62) (leading one at bit 62, sticky in bit 0) to the format. */
static inline uint64_t round_pack(bool sign, int exp, uint64_t sig, int rm, uint32_t *flags,
                                  bool dbl)
{
    const int p = FMT_P(dbl);
    const int rbits = 63 - p;
    const int emin = 1 - FMT_BIAS(dbl);
    const int emax = FMT_BIAS(dbl);
    bool tiny = false;

    if (exp < emin) {
        int shift = emin - exp;
        /* Tininess is judged after rounding with an unbounded exponent: a value just
         * below 2^emin that rounds up to it is not tiny. */
        tiny = shift > 1 || ((sig + round_increment(rm, sign, sig, rbits)) >> rbits) >> p == 0;
        sig = shift_right_jam64(sig, shift);
        exp = emin;
    } else if (exp > emax) {
        return overflow_result(sign, rm, flags, dbl);
    }

    uint64_t q = (sig + round_increment(rm, sign, sig, rbits)) >> rbits;
    /* The hidden bit in q carries into the exponent field; subnormals have none. */
    uint64_t mag = ((uint64_t) (exp + FMT_BIAS(dbl) - 1) << (p - 1)) + q;
    if (mag >= pack_inf(false, dbl)) {
        return overflow_result(sign, rm, flags, dbl);
    }
    if (sig & ((1ull << rbits) - 1)) {
        *flags |= VR_FFLAG_NX | (tiny ? VR_FFLAG_UF : 0);
    }
    return sign_bit(sign, dbl) | mag;
}

/* Round the nonzero value x * 2^e. */
static inline uint64_t round_pack128(bool sign, vr_u128 x, int e, int rm, uint32_t *flags, bool dbl)
{
    int lead = 127 - clz128(x);
    uint64_t sig;

    if (lead > 62) {
        sig = (uint64_t) shift_right_jam128(x, lead - 62);
    } else {
        sig = (uint64_t) x << (62 - lead);
    }
    return round_pack(sign, lead + e, sig, rm, flags, dbl);
}

/* Round the nonzero value x * 2^e. */
static inline uint64_t round_pack64(bool sign, uint64_t x, int e, int rm, uint32_t *flags, bool dbl)
{
    int lead = 63 - clz64(x);
    uint64_t sig = lead == 63 ? (x >> 1) | (x & 1) : x << (62 - lead);

    return round_pack(sign, lead + e, sig, rm, flags, dbl);
}

/* Divide hi:lo by d, for hi < d so that the quotient fits in 64 bits. */
static inline uint64_t div128by64(uint64_t hi, uint64_t lo, uint64_t d, uint64_t *rem)
{
#if defined(__x86_64__)
    uint64_t q, r;
    __asm__("divq %4" : "=a"(q), "=d"(r) : "a"(lo), "d"(hi), "rm"(d) : "cc");
    *rem = r;
    return q;
#else
    vr_u128 n = ((vr_u128) hi << 64) | lo;
    *rem = (uint64_t) (n % d);
    return (uint64_t) (n / d);
#endif
}

/* Canonical NaN for an operation with NaN operands; NV if any of them signals. */
static inline uint64_t nan_result(const VrUnpacked *a, const VrUnpacked *b, uint32_t *flags,
                                  bool dbl)
{
    if (a->cls == CLS_SNAN || (b && b->cls == CLS_SNAN)) {
        *flags |= VR_FFLAG_NV;
    }
    return FMT_CNAN(dbl);
}

static inline uint64_t invalid(uint32_t *flags, bool dbl)
{
    *flags |= VR_FFLAG_NV;
    return FMT_CNAN(dbl);
}

static inline uint64_t add_impl(uint64_t a, uint64_t b, bool negate_b, int rm, uint32_t *flags,
                                bool dbl)
{
    VrUnpacked x = unpack(a, dbl);
    VrUnpacked y = unpack(b, dbl);

    y.sign ^= negate_b;
    if (is_nan(&x) || is_nan(&y)) {
        return nan_result(&x, &y, flags, dbl);
    }
    if (x.cls == CLS_INF) {
        if (y.cls == CLS_INF && x.sign != y.sign) {
            return invalid(flags, dbl);
        }
        return pack_inf(x.sign, dbl);
    }
    if (y.cls == CLS_INF) {
        return pack_inf(y.sign, dbl);
    }
    if (x.cls == CLS_ZERO) {
        if (y.cls == CLS_ZERO) {
            return sign_bit(x.sign == y.sign ? x.sign : rm == VR_RM_RDN, dbl);
        }
        return b ^ sign_bit(negate_b, dbl);
    }
    if (y.cls == CLS_ZERO) {
        return a;
    }
    /* Order by magnitude so the difference is never negative. */
    if (x.exp < y.exp || (x.exp == y.exp && x.sig < y.sig)) {
        VrUnpacked t = x;
        x = y;
        y = t;
    }
    /* Jamming the smaller one only drops bits once it lies wholly below the larger one's
     * last significant bit (bit 10 at the lowest); then the true and the jammed sums fall
     * between the same two rounding points. */
    uint64_t ys = shift_right_jam64(y.sig, x.exp - y.exp);
    uint64_t z = x.sign == y.sign ? x.sig + ys : x.sig - ys;
    if (z == 0) {
        return sign_bit(rm == VR_RM_RDN, dbl);
    }
    return round_pack64(x.sign, z, x.exp - 62, rm, flags, dbl);
}

static inline uint64_t mul_impl(uint64_t a, uint64_t b, int rm, uint32_t *flags, bool dbl)
{
    VrUnpacked x = unpack(a, dbl);
    VrUnpacked y = unpack(b, dbl);
    bool sign = x.sign ^ y.sign;

    if (is_nan(&x) || is_nan(&y)) {
        return nan_result(&x, &y, flags, dbl);
    }
    if (x.cls == CLS_INF || y.cls == CLS_INF) {
        if (x.cls == CLS_ZERO || y.cls == CLS_ZERO) {
            return invalid(flags, dbl);
        }
        return pack_inf(sign, dbl);
    }
    if (x.cls == CLS_ZERO || y.cls == CLS_ZERO) {
        return sign_bit(sign, dbl);
    }
    /* The product lies in [2^124, 2^126); keep its top bits and a sticky bit. */
    vr_u128 p = (vr_u128) x.sig * y.sig;
    uint64_t top = (uint64_t) (p >> 62) | (((uint64_t) p & ((1ull << 62) - 1)) != 0);
    return round_pack64(sign, top, x.exp + y.exp - 62, rm, flags, dbl);
}

static inline uint64_t div_impl(uint64_t a, uint64_t b, int rm, uint32_t *flags, bool dbl)
{
    VrUnpacked x = unpack(a, dbl);
    VrUnpacked y = unpack(b, dbl);
    bool sign = x.sign ^ y.sign;

    if (is_nan(&x) || is_nan(&y)) {
        return nan_result(&x, &y, flags, dbl);
    }
    if (x.cls == CLS_INF) {
        if (y.cls == CLS_INF) {
            return invalid(flags, dbl);
        }
        return pack_inf(sign, dbl);
    }
    if (y.cls == CLS_INF) {
        return sign_bit(sign, dbl);
    }
    if (y.cls == CLS_ZERO) {
        if (x.cls == CLS_ZERO) {
            return invalid(flags, dbl);
        }
        *flags |= VR_FFLAG_DZ;
        return pack_inf(sign, dbl);
    }
    if (x.cls == CLS_ZERO) {
        return sign_bit(sign, dbl);
    }
    /* A 64-bit quotient with its leading one at bit 63; the remainder becomes the
     * sticky bit. */
    uint64_t q, rem;
    int e = x.exp - y.exp;
    if (x.sig < y.sig) {
        q = div128by64(x.sig, 0, y.sig, &rem);
        e -= 64;
    } else {
        q = div128by64(x.sig >> 1, x.sig << 63, y.sig, &rem);
        e -= 63;
    }
    return round_pack64(sign, q | (rem != 0), e, rm, flags, dbl);
}

/* floor(sqrt(sig * 2^54)) for sig in [2^62, 2^64), a 59-bit root, and whether it is
 * inexact. */
static uint64_t isqrt_sig(uint64_t sig, bool *inexact)
{
    const uint64_t hi = sig >> 10, lo = sig << 54;
    uint64_t x, y, q, rem;

    /* A tangent line lies above sqrt, so this starts at most 7% above the root. */
    if (sig < (1ull << 63)) {
        x = ((sig >> 5) + (1ull << 57)) + 1;
    } else {
        x = ((sig >> 6) + (1ull << 58)) + 1;
    }
    /* Newton's iteration from above decreases to floor(sqrt); x > hi keeps divq in range. */
    for (;;) {
        q = div128by64(hi, lo, x, &rem);
        y = (x + q) >> 1;
        if (y >= x) {
            break;
        }
        x = y;
    }
    *inexact = (vr_u128) x * x != (((vr_u128) hi << 64) | lo);
    return x;
}

static inline uint64_t sqrt_impl(uint64_t a, int rm, uint32_t *flags, bool dbl)
{
    VrUnpacked x = unpack(a, dbl);

    if (is_nan(&x)) {
        return nan_result(&x, NULL, flags, dbl);
    }
    if (x.cls == CLS_ZERO) {
        return a;
    }
    if (x.sign) {
        return invalid(flags, dbl);
    }
    if (x.cls == CLS_INF) {
        return a;
    }
    /* An even exponent halves exactly; the odd bit moves into the significand. */
    uint64_t sig = x.sig;
    int exp = x.exp;
    if (exp & 1) {
        sig <<= 1;
        exp -= 1;
    }
    bool inexact;
    uint64_t r = isqrt_sig(sig, &inexact);
    return round_pack64(false, r | inexact, exp / 2 - 58, rm, flags, dbl);
}

static inline uint64_t muladd_impl(uint64_t a, uint64_t b, uint64_t c, int rm, uint32_t *flags,
                                   bool dbl)
{
    VrUnpacked x = unpack(a, dbl);
    VrUnpacked y = unpack(b, dbl);
    VrUnpacked z = unpack(c, dbl);
    bool ps = x.sign ^ y.sign;
    bool inf_zero =
        (x.cls == CLS_INF && y.cls == CLS_ZERO) || (x.cls == CLS_ZERO && y.cls == CLS_INF);

    /* RISC-V raises NV for inf * 0 even when the addend is a quiet NaN. */
    if (inf_zero || is_nan(&x) || is_nan(&y) || is_nan(&z)) {
        if (inf_zero || x.cls == CLS_SNAN || y.cls == CLS_SNAN || z.cls == CLS_SNAN) {
            *flags |= VR_FFLAG_NV;
        }
        return FMT_CNAN(dbl);
    }
    if (x.cls == CLS_INF || y.cls == CLS_INF) {
        if (z.cls == CLS_INF && z.sign != ps) {
            return invalid(flags, dbl);
        }
        return pack_inf(ps, dbl);
    }
    if (z.cls == CLS_INF) {
        return c;
    }
    if (x.cls == CLS_ZERO || y.cls == CLS_ZERO) {
        if (z.cls == CLS_ZERO) {
            return sign_bit(ps == z.sign ? ps : rm == VR_RM_RDN, dbl);
        }
        return c;
    }
    vr_u128 p = (vr_u128) x.sig * y.sig; /* in [2^124, 2^126) */
    if (z.cls == CLS_ZERO) {
        return round_pack128(ps, p, x.exp + y.exp - 124, rm, flags, dbl);
    }

    /* Both terms get their leading one at bit 126; pe and z.exp weigh those bits. */
    int top = (int) (p >> 125);
    p <<= 2 - top;
    int pe = x.exp + y.exp + top;
    vr_u128 zs = (vr_u128) z.sig << 64;

    /* Order by magnitude (selects rather than branches: these are data-dependent). */
    int d = pe - z.exp;
    bool p_big = d > 0 || (d == 0 && p >= zs);
    vr_u128 big = p_big ? p : zs;
    vr_u128 small = p_big ? zs : p;
    bool sign = p_big ? ps : z.sign;
    int e = (p_big ? pe : z.exp) - 126;

    /* Jamming the smaller term keeps the rounding exact: it only loses bits once it lies
     * wholly below the larger term's last significant bit (bit 21 at the lowest), and then
     * the sum keeps its leading one at bit 125 or 126, so the true and the jammed sums fall
     * between the same two rounding points. */
    small = shift_right_jam128(small, d < 0 ? -d : d);
    vr_u128 sum = ps == z.sign ? big + small : big - small;
    if (sum == 0) {
        return sign_bit(rm == VR_RM_RDN, dbl);
    }
    return round_pack128(sign, sum, e, rm, flags, dbl);
}

static inline bool f_is_nan(uint64_t a, bool dbl)
{
    return (a & ~sign_bit(true, dbl)) > pack_inf(false, dbl);
}

static inline bool f_is_snan(uint64_t a, bool dbl)
{
    return f_is_nan(a, dbl) && !((a >> (FMT_P(dbl) - 2)) & 1);
}

/* a < b for non-NaN operands, ordering -0 below +0. */
static inline bool lt_ordered(uint64_t a, uint64_t b, bool dbl)
{
    bool as = (a >> (FMT_W(dbl) - 1)) & 1;
    bool bs = (b >> (FMT_W(dbl) - 1)) & 1;

    if (as != bs) {
        return as;
    }
    return as ? a > b : a < b;
}

static inline bool both_zero(uint64_t a, uint64_t b, bool dbl)
{
    return ((a | b) & ~sign_bit(true, dbl)) == 0;
}

static inline uint64_t minmax_impl(uint64_t a, uint64_t b, bool want_max, uint32_t *flags, bool dbl)
{
    bool an = f_is_nan(a, dbl);
    bool bn = f_is_nan(b, dbl);

    if (an || bn) {
        if (f_is_snan(a, dbl) || f_is_snan(b, dbl)) {
            *flags |= VR_FFLAG_NV;
        }
        if (an && bn) {
            return FMT_CNAN(dbl);
        }
        return an ? b : a;
    }
    return lt_ordered(a, b, dbl) != want_max ? a : b;
}

static inline bool eq_impl(uint64_t a, uint64_t b, uint32_t *flags, bool dbl)
{
    if (f_is_nan(a, dbl) || f_is_nan(b, dbl)) {
        if (f_is_snan(a, dbl) || f_is_snan(b, dbl)) {
            *flags |= VR_FFLAG_NV;
        }
        return false;
    }
    return a == b || both_zero(a, b, dbl);
}

static inline bool lt_impl(uint64_t a, uint64_t b, bool or_equal, uint32_t *flags, bool dbl)
{
    if (f_is_nan(a, dbl) || f_is_nan(b, dbl)) {
        *flags |= VR_FFLAG_NV;
        return false;
    }
    if (both_zero(a, b, dbl)) {
        return or_equal;
    }
    return lt_ordered(a, b, dbl) || (or_equal && a == b);
}

static inline uint32_t classify_impl(uint64_t a, bool dbl)
{
    VrUnpacked x = unpack(a, dbl);
    bool subnormal = x.cls == CLS_FINITE && (a & pack_inf(false, dbl)) == 0;

    switch (x.cls) {
    case CLS_INF: return x.sign ? 1u << 0 : 1u << 7;
    case CLS_ZERO: return x.sign ? 1u << 3 : 1u << 4;
    case CLS_SNAN: return 1u << 8;
    case CLS_QNAN: return 1u << 9;
    default:
        if (subnormal) {
            return x.sign ? 1u << 2 : 1u << 5;
        }
        return x.sign ? 1u << 1 : 1u << 6;
    }
}

/* Round to an integer of `bits` bits, saturating out-of-range results with NV alone. */
static inline uint64_t to_int_impl(uint64_t a, int rm, int bits, bool is_signed, uint32_t *flags,
                                   bool dbl)
{
    VrUnpacked x = unpack(a, dbl);
    const uint64_t umax = bits == 64 ? ~0ull : (1ull << bits) - 1;
    const uint64_t smax = umax >> 1;
    const uint64_t hi = is_signed ? smax : umax;
    const uint64_t lo = is_signed ? ~smax : 0; /* bit pattern of the most negative value */

    switch (x.cls) {
    case CLS_QNAN:
    case CLS_SNAN: *flags |= VR_FFLAG_NV; return hi;
    case CLS_INF: *flags |= VR_FFLAG_NV; return x.sign ? lo : hi;
    case CLS_ZERO: return 0;
    default: break;
    }
    if (x.exp >= 64) {
        *flags |= VR_FFLAG_NV;
        return x.sign ? lo : hi;
    }

    vr_u128 mag;
    uint64_t rem, half;
    if (x.exp < -1) {
        /* Below 1/2: the integer part is 0 and the fraction below a half. */
        mag = 0;
        rem = 1;
        half = 2;
    } else {
        /* value = (sig << 64) * 2^(exp - 126); split at the binary point. */
        vr_u128 fixed = (vr_u128) x.sig << 64;
        int shift = 126 - x.exp;
        vr_u128 frac = fixed & (((vr_u128) 1 << shift) - 1);
        vr_u128 half128 = (vr_u128) 1 << (shift - 1);
        mag = fixed >> shift;
        /* Only the comparison with a half matters, so squeeze the fraction into 64 bits. */
        rem = frac == 0 ? 0 : frac < half128 ? 1 : frac == half128 ? 2 : 3;
        half = 2;
    }
    mag += round_up(rm, x.sign, mag & 1, rem, half);

    bool in_range;
    if (x.sign) {
        in_range = is_signed ? mag <= (vr_u128) smax + 1 : mag == 0;
    } else {
        in_range = mag <= hi;
    }
    if (!in_range) {
        *flags |= VR_FFLAG_NV;
        return x.sign ? lo : hi;
    }
    if (rem != 0) {
        *flags |= VR_FFLAG_NX;
    }
    return x.sign ? (uint64_t) 0 - (uint64_t) mag : (uint64_t) mag;
}

static inline uint64_t from_int_impl(bool sign, uint64_t mag, int rm, uint32_t *flags, bool dbl)
{
    if (mag == 0) {
        return 0;
    }
    return round_pack64(sign, mag, 0, rm, flags, dbl);
}

static inline uint64_t convert_impl(uint64_t a, int rm, uint32_t *flags, bool from_dbl)
{
    VrUnpacked x = unpack(a, from_dbl);
    bool to_dbl = !from_dbl;

    switch (x.cls) {
    case CLS_QNAN:
    case CLS_SNAN: return nan_result(&x, NULL, flags, to_dbl);
    case CLS_INF: return pack_inf(x.sign, to_dbl);
    case CLS_ZERO: return sign_bit(x.sign, to_dbl);
    default: return round_pack(x.sign, x.exp, x.sig, rm, flags, to_dbl);
    }
}

/* Host fast path. For RNE with normal (or zero) operands and a result that is certainly
 * normal and finite, the host's FPU gives the same bits; exactness, the only flag left,
 * comes from an error-free transformation or from the significands. Anything else,
 * including a host that is not rounding to nearest, takes the software path. */
#if defined(__x86_64__) && defined(__SSE2_MATH__) && !defined(__FAST_MATH__)
#define VR_HOST_FAST_PATH 1

#include <emmintrin.h>

static inline double host_f64(uint64_t a)
{
    double d;
    memcpy(&d, &a, sizeof(d));
    return d;
}

static inline uint64_t host_bits64(double d)
{
    uint64_t a;
    memcpy(&a, &d, sizeof(a));
    return a;
}

static inline float host_f32(uint32_t a)
{
    float f;
    memcpy(&f, &a, sizeof(f));
    return f;
}

static inline uint32_t host_bits32(float f)
{
    uint32_t a;
    memcpy(&a, &f, sizeof(a));
    return a;
}

/* Whether the host rounds to nearest. Reading MXCSR costs more than the operation itself
 * on some CPUs, so probe it instead: 1 + 0.75 ulp and -1 - 0.75 ulp both round away from 1
 * only to nearest. The empty asm hides the operands so the compiler can neither fold the
 * probe nor hoist it out of a caller's loop.
 * Flush-to-zero and denormals-are-zero cannot matter: the fast paths below never see or
 * make a subnormal. Exception traps are assumed masked, as C programs start. */
static inline bool host_rounds_to_nearest(void)
{
    double frac = 0x1.8p-53, one = 1.0;
    __asm__ volatile("" : "+x"(frac), "+x"(one));
    double up = one + frac;
    double down = -one - frac;
    return host_bits64(up) == 0x3ff0000000000001ull && host_bits64(down) == 0xbff0000000000001ull;
}

#define EXP64(a) ((unsigned) ((a) >> 52) & 0x7ffu)
#define EXP32(a) ((unsigned) ((a) >> 23) & 0xffu)
#define SIG64(a) (((a) & ((1ull << 52) - 1)) | (1ull << 52))
#define SIG32(a) ((uint64_t) (((a) & ((1u << 23) - 1)) | (1u << 23)))

/* Normal and below the top binade, so no intermediate can overflow. */
static inline bool fast_in64(uint64_t a)
{
    return EXP64(a) - 1u < 0x7fdu;
}

static inline bool fast_in32(uint32_t a)
{
    return EXP32(a) - 1u < 0xfdu;
}

/* Zero, or normal with an ulp of at least 2^emin and below the top binade: every
 * intermediate of TwoSum is then zero or normal and none overflows. */
static inline bool add_in64(uint64_t a)
{
    return EXP64(a) - 53u < 0x7fdu - 52u || (a << 1) == 0;
}

static inline bool add_in32(uint32_t a)
{
    return EXP32(a) - 24u < 0xfdu - 23u || (uint32_t) (a << 1) == 0;
}

/* Normal or zero; binary32 values are far from binary64's subnormals. */
static inline bool fma_in32(uint32_t a)
{
    return fast_in32(a) || (uint32_t) (a << 1) == 0;
}

/* Finite and at least 2^(emin+1): an RNE result that neither overflowed nor was tiny. */
static inline bool fast_out64(uint64_t r)
{
    return EXP64(r) - 2u < 0x7fdu;
}

static inline bool fast_out32(uint32_t r)
{
    return EXP32(r) - 2u < 0xfdu;
}

static inline bool add64_fast(uint64_t a, uint64_t b, bool negate_b, uint64_t *res, uint32_t *flags)
{
    if (!add_in64(a) || !add_in64(b) || !host_rounds_to_nearest()) {
        return false;
    }
    double x = host_f64(a), y = negate_b ? -host_f64(b) : host_f64(b);
    double s = x + y;
    uint64_t r = host_bits64(s);
    if (!fast_out64(r)) {
        return false;
    }
    /* TwoSum: err is exactly x + y - s. */
    double bb = s - x;
    double err = (x - (s - bb)) + (y - bb);
    *flags |= err != 0 ? VR_FFLAG_NX : 0;
    *res = r;
    return true;
}

static inline bool add32_fast(uint32_t a, uint32_t b, bool negate_b, uint32_t *res, uint32_t *flags)
{
    if (!add_in32(a) || !add_in32(b) || !host_rounds_to_nearest()) {
        return false;
    }
    float x = host_f32(a), y = negate_b ? -host_f32(b) : host_f32(b);
    float s = x + y;
    uint32_t r = host_bits32(s);
    if (!fast_out32(r)) {
        return false;
    }
    float bb = s - x;
    float err = (x - (s - bb)) + (y - bb);
    *flags |= err != 0 ? VR_FFLAG_NX : 0;
    *res = r;
    return true;
}

static inline bool mul64_fast(uint64_t a, uint64_t b, uint64_t *res, uint32_t *flags)
{
    if (!fast_in64(a) || !fast_in64(b) || !host_rounds_to_nearest()) {
        return false;
    }
    uint64_t r = host_bits64(host_f64(a) * host_f64(b));
    if (!fast_out64(r)) {
        return false;
    }
    /* Exact when the bits of the 105/106-bit significand product below the kept 53 are 0. */
    vr_u128 p = (vr_u128) SIG64(a) * SIG64(b);
    int dropped = (p >> 105) ? 53 : 52;
    *flags |= ((uint64_t) p & ((1ull << dropped) - 1)) ? VR_FFLAG_NX : 0;
    *res = r;
    return true;
}

static inline bool mul32_fast(uint32_t a, uint32_t b, uint32_t *res, uint32_t *flags)
{
    if (!fast_in32(a) || !fast_in32(b) || !host_rounds_to_nearest()) {
        return false;
    }
    uint32_t r = host_bits32(host_f32(a) * host_f32(b));
    if (!fast_out32(r)) {
        return false;
    }
    uint64_t p = SIG32(a) * SIG32(b);
    int dropped = (p >> 47) ? 24 : 23;
    *flags |= (p & ((1ull << dropped) - 1)) ? VR_FFLAG_NX : 0;
    *res = r;
    return true;
}

/* q = RN(a / b) is exact iff sig(q) * sig(b) is sig(a) times a power of two: q * b is
 * within a relative 2^-p of a, so it cannot be a different power-of-two multiple. */
static inline bool div64_fast(uint64_t a, uint64_t b, uint64_t *res, uint32_t *flags)
{
    if (!fast_in64(a) || !fast_in64(b) || !host_rounds_to_nearest()) {
        return false;
    }
    uint64_t r = host_bits64(host_f64(a) / host_f64(b));
    if (!fast_out64(r)) {
        return false;
    }
    vr_u128 p = (vr_u128) SIG64(r) * SIG64(b);
    int shift = (p >> 105) ? 53 : 52;
    *flags |= p != (vr_u128) SIG64(a) << shift ? VR_FFLAG_NX : 0;
    *res = r;
    return true;
}

static inline bool div32_fast(uint32_t a, uint32_t b, uint32_t *res, uint32_t *flags)
{
    if (!fast_in32(a) || !fast_in32(b) || !host_rounds_to_nearest()) {
        return false;
    }
    uint32_t r = host_bits32(host_f32(a) / host_f32(b));
    if (!fast_out32(r)) {
        return false;
    }
    uint64_t p = SIG32(r) * SIG32(b);
    int shift = (p >> 47) ? 24 : 23;
    *flags |= p != SIG32(a) << shift ? VR_FFLAG_NX : 0;
    *res = r;
    return true;
}

/* The same argument as for division, with r * r against a. */
static inline bool sqrt64_fast(uint64_t a, uint64_t *res, uint32_t *flags)
{
    if (!fast_in64(a) || (a >> 63) || !host_rounds_to_nearest()) {
        return false;
    }
    uint64_t r = host_bits64(_mm_cvtsd_f64(_mm_sqrt_sd(_mm_setzero_pd(), _mm_set_sd(host_f64(a)))));
    vr_u128 p = (vr_u128) SIG64(r) * SIG64(r);
    int shift = (p >> 105) ? 53 : 52;
    *flags |= p != (vr_u128) SIG64(a) << shift ? VR_FFLAG_NX : 0;
    *res = r;
    return true;
}

static inline bool sqrt32_fast(uint32_t a, uint32_t *res, uint32_t *flags)
{
    if (!fast_in32(a) || (a >> 31) || !host_rounds_to_nearest()) {
        return false;
    }
    uint32_t r = host_bits32(_mm_cvtss_f32(_mm_sqrt_ss(_mm_set_ss(host_f32(a)))));
    uint64_t p = SIG32(r) * SIG32(r);
    int shift = (p >> 47) ? 24 : 23;
    *flags |= p != SIG32(a) << shift ? VR_FFLAG_NX : 0;
    *res = r;
    return true;
}

/* binary32 a*b+c: the product is exact in binary64, and the sum rounded to odd in binary64
 * (nearest, then nudged to the odd neighbour when TwoSum shows it inexact) rounds to
 * nearest binary32 exactly as the true sum would, since 53 >= 24 + 2. */
static inline bool muladd32_fast(uint32_t a, uint32_t b, uint32_t c, uint32_t *res, uint32_t *flags)
{
    if (!fma_in32(a) || !fma_in32(b) || !fma_in32(c) || !host_rounds_to_nearest()) {
        return false;
    }
    double p = (double) host_f32(a) * (double) host_f32(b);
    double z = host_f32(c);
    double s = p + z;
    double bb = s - p;
    double err = (p - (s - bb)) + (z - bb);
    uint64_t sb = host_bits64(s);
    if (err != 0 && !(sb & 1)) {
        /* Step the magnitude toward the true sum; s is far from zero and from overflow. */
        sb += (err < 0) == (s < 0) ? 1 : -1;
    }
    float f = (float) host_f64(sb);
    uint32_t r = host_bits32(f);
    if (!fast_out32(r)) {
        return false;
    }
    *flags |= (err != 0 || (double) f != host_f64(sb)) ? VR_FFLAG_NX : 0;
    *res = r;
    return true;
}

/* binary64 a*b+c from the host's FMA unit, where it has one. The exact sum's lowest set bit
 * is the lower of the product's and the addend's when those differ, and above both when
 * they are equal; the result is exact iff that bit is not below its last place. */
static inline bool fma_in64(uint64_t a)
{
    return fast_in64(a) || (a << 1) == 0;
}

/* The weight of the lowest set bit of a normal binary64, as an exponent plus 1075. */
static inline int low_bit64(uint64_t a)
{
    return (int) EXP64(a) + __builtin_ctzll(SIG64(a));
}

__attribute__((target("fma"))) static uint64_t host_fma64(uint64_t a, uint64_t b, uint64_t c)
{
    return host_bits64(__builtin_fma(host_f64(a), host_f64(b), host_f64(c)));
}

static inline bool muladd64_fast(uint64_t a, uint64_t b, uint64_t c, uint64_t *res, uint32_t *flags)
{
    if (!fast_in64(a) || !fast_in64(b) || !fma_in64(c) || !__builtin_cpu_supports("fma") ||
        !host_rounds_to_nearest()) {
        return false;
    }
    uint64_t r = host_fma64(a, b, c);
    if (!fast_out64(r)) {
        return false;
    }
    /* Lowest set bits and the result's last place, all as exponents plus 2 * 1075. */
    int lp = low_bit64(a) + low_bit64(b);
    int last = (int) EXP64(r) + 1075;
    int low;
    if ((c << 1) == 0) {
        low = lp;
    } else {
        int lc = low_bit64(c) + 1075;
        if (lp != lc) {
            low = lp < lc ? lp : lc;
        } else if (lp + 1 >= last) {
            low = lp + 1;
        } else {
            return false; /* the carry could go either way: let software decide */
        }
    }
    *flags |= low < last ? VR_FFLAG_NX : 0;
    *res = r;
    return true;
}
#endif

uint32_t vr_f32_add(uint32_t a, uint32_t b, int rm, uint32_t *flags)
{
#ifdef VR_HOST_FAST_PATH
    uint32_t r;
    if (rm == VR_RM_RNE && add32_fast(a, b, false, &r, flags)) {
        return r;
    }
#endif
    return (uint32_t) add_impl(a, b, false, rm, flags, false);
}

uint32_t vr_f32_sub(uint32_t a, uint32_t b, int rm, uint32_t *flags)
{
#ifdef VR_HOST_FAST_PATH
    uint32_t r;
    if (rm == VR_RM_RNE && add32_fast(a, b, true, &r, flags)) {
        return r;
    }
#endif
    return (uint32_t) add_impl(a, b, true, rm, flags, false);
}

uint32_t vr_f32_mul(uint32_t a, uint32_t b, int rm, uint32_t *flags)
{
#ifdef VR_HOST_FAST_PATH
    uint32_t r;
    if (rm == VR_RM_RNE && mul32_fast(a, b, &r, flags)) {
        return r;
    }
#endif
    return (uint32_t) mul_impl(a, b, rm, flags, false);
}

uint32_t vr_f32_div(uint32_t a, uint32_t b, int rm, uint32_t *flags)
{
#ifdef VR_HOST_FAST_PATH
    uint32_t r;
    if (rm == VR_RM_RNE && div32_fast(a, b, &r, flags)) {
        return r;
    }
#endif
    return (uint32_t) div_impl(a, b, rm, flags, false);
}

uint32_t vr_f32_sqrt(uint32_t a, int rm, uint32_t *flags)
{
#ifdef VR_HOST_FAST_PATH
    uint32_t r;
    if (rm == VR_RM_RNE && sqrt32_fast(a, &r, flags)) {
        return r;
    }
#endif
    return (uint32_t) sqrt_impl(a, rm, flags, false);
}

uint32_t vr_f32_muladd(uint32_t a, uint32_t b, uint32_t c, int rm, uint32_t *flags)
{
#ifdef VR_HOST_FAST_PATH
    uint32_t r;
    if (rm == VR_RM_RNE && muladd32_fast(a, b, c, &r, flags)) {
        return r;
    }
#endif
    return (uint32_t) muladd_impl(a, b, c, rm, flags, false);
}

uint32_t vr_f32_min(uint32_t a, uint32_t b, uint32_t *flags)
{
    return (uint32_t) minmax_impl(a, b, false, flags, false);
}

uint32_t vr_f32_max(uint32_t a, uint32_t b, uint32_t *flags)
{
    return (uint32_t) minmax_impl(a, b, true, flags, false);
}

bool vr_f32_eq(uint32_t a, uint32_t b, uint32_t *flags)
{
    return eq_impl(a, b, flags, false);
}

bool vr_f32_lt(uint32_t a, uint32_t b, uint32_t *flags)
{
    return lt_impl(a, b, false, flags, false);
}

bool vr_f32_le(uint32_t a, uint32_t b, uint32_t *flags)
{
    return lt_impl(a, b, true, flags, false);
}

uint32_t vr_f32_classify(uint32_t a)
{
    return classify_impl(a, false);
}

uint64_t vr_f64_add(uint64_t a, uint64_t b, int rm, uint32_t *flags)
{
#ifdef VR_HOST_FAST_PATH
    uint64_t r;
    if (rm == VR_RM_RNE && add64_fast(a, b, false, &r, flags)) {
        return r;
    }
#endif
    return add_impl(a, b, false, rm, flags, true);
}

uint64_t vr_f64_sub(uint64_t a, uint64_t b, int rm, uint32_t *flags)
{
#ifdef VR_HOST_FAST_PATH
    uint64_t r;
    if (rm == VR_RM_RNE && add64_fast(a, b, true, &r, flags)) {
        return r;
    }
#endif
    return add_impl(a, b, true, rm, flags, true);
}

uint64_t vr_f64_mul(uint64_t a, uint64_t b, int rm, uint32_t *flags)
{
#ifdef VR_HOST_FAST_PATH
    uint64_t r;
    if (rm == VR_RM_RNE && mul64_fast(a, b, &r, flags)) {
        return r;
    }
#endif
    return mul_impl(a, b, rm, flags, true);
}

uint64_t vr_f64_div(uint64_t a, uint64_t b, int rm, uint32_t *flags)
{
#ifdef VR_HOST_FAST_PATH
    uint64_t r;
    if (rm == VR_RM_RNE && div64_fast(a, b, &r, flags)) {
        return r;
    }
#endif
    return div_impl(a, b, rm, flags, true);
}

uint64_t vr_f64_sqrt(uint64_t a, int rm, uint32_t *flags)
{
#ifdef VR_HOST_FAST_PATH
    uint64_t r;
    if (rm == VR_RM_RNE && sqrt64_fast(a, &r, flags)) {
        return r;
    }
#endif
    return sqrt_impl(a, rm, flags, true);
}

uint64_t vr_f64_muladd(uint64_t a, uint64_t b, uint64_t c, int rm, uint32_t *flags)
{
#ifdef VR_HOST_FAST_PATH
    uint64_t r;
    if (rm == VR_RM_RNE && muladd64_fast(a, b, c, &r, flags)) {
        return r;
    }
#endif
    return muladd_impl(a, b, c, rm, flags, true);
}

uint64_t vr_f64_min(uint64_t a, uint64_t b, uint32_t *flags)
{
    return minmax_impl(a, b, false, flags, true);
}

uint64_t vr_f64_max(uint64_t a, uint64_t b, uint32_t *flags)
{
    return minmax_impl(a, b, true, flags, true);
}

bool vr_f64_eq(uint64_t a, uint64_t b, uint32_t *flags)
{
    return eq_impl(a, b, flags, true);
}

bool vr_f64_lt(uint64_t a, uint64_t b, uint32_t *flags)
{
    return lt_impl(a, b, false, flags, true);
}

bool vr_f64_le(uint64_t a, uint64_t b, uint32_t *flags)
{
    return lt_impl(a, b, true, flags, true);
}

uint32_t vr_f64_classify(uint64_t a)
{
    return classify_impl(a, true);
}

uint64_t vr_f32_to_f64(uint32_t a, uint32_t *flags)
{
    /* Widening is exact, so the rounding mode never matters. */
    return convert_impl(a, VR_RM_RNE, flags, false);
}

uint32_t vr_f64_to_f32(uint64_t a, int rm, uint32_t *flags)
{
    return (uint32_t) convert_impl(a, rm, flags, true);
}

int32_t vr_f32_to_i32(uint32_t a, int rm, uint32_t *flags)
{
    return (int32_t) (uint32_t) to_int_impl(a, rm, 32, true, flags, false);
}

uint32_t vr_f32_to_u32(uint32_t a, int rm, uint32_t *flags)
{
    return (uint32_t) to_int_impl(a, rm, 32, false, flags, false);
}

int64_t vr_f32_to_i64(uint32_t a, int rm, uint32_t *flags)
{
    return (int64_t) to_int_impl(a, rm, 64, true, flags, false);
}

uint64_t vr_f32_to_u64(uint32_t a, int rm, uint32_t *flags)
{
    return to_int_impl(a, rm, 64, false, flags, false);
}

int32_t vr_f64_to_i32(uint64_t a, int rm, uint32_t *flags)
{
    return (int32_t) (uint32_t) to_int_impl(a, rm, 32, true, flags, true);
}

uint32_t vr_f64_to_u32(uint64_t a, int rm, uint32_t *flags)
{
    return (uint32_t) to_int_impl(a, rm, 32, false, flags, true);
}

int64_t vr_f64_to_i64(uint64_t a, int rm, uint32_t *flags)
{
    return (int64_t) to_int_impl(a, rm, 64, true, flags, true);
}

uint64_t vr_f64_to_u64(uint64_t a, int rm, uint32_t *flags)
{
    return to_int_impl(a, rm, 64, false, flags, true);
}

/* The magnitude of a negative integer, computed without signed overflow. */
static inline uint64_t neg_mag(int64_t a)
{
    return a < 0 ? (uint64_t) 0 - (uint64_t) a : (uint64_t) a;
}

uint32_t vr_i32_to_f32(int32_t a, int rm, uint32_t *flags)
{
    return (uint32_t) from_int_impl(a < 0, neg_mag(a), rm, flags, false);
}

uint32_t vr_u32_to_f32(uint32_t a, int rm, uint32_t *flags)
{
    return (uint32_t) from_int_impl(false, a, rm, flags, false);
}

uint32_t vr_i64_to_f32(int64_t a, int rm, uint32_t *flags)
{
    return (uint32_t) from_int_impl(a < 0, neg_mag(a), rm, flags, false);
}

uint32_t vr_u64_to_f32(uint64_t a, int rm, uint32_t *flags)
{
    return (uint32_t) from_int_impl(false, a, rm, flags, false);
}

uint64_t vr_i32_to_f64(int32_t a, int rm, uint32_t *flags)
{
    return from_int_impl(a < 0, neg_mag(a), rm, flags, true);
}

uint64_t vr_u32_to_f64(uint32_t a, int rm, uint32_t *flags)
{
    return from_int_impl(false, a, rm, flags, true);
}

uint64_t vr_i64_to_f64(int64_t a, int rm, uint32_t *flags)
{
    return from_int_impl(a < 0, neg_mag(a), rm, flags, true);
}

uint64_t vr_u64_to_f64(uint64_t a, int rm, uint32_t *flags)
{
    return from_int_impl(false, a, rm, flags, true);
}
