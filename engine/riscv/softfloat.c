/* IEEE 754 binary32/binary64 arithmetic in software, with RISC-V F/D semantics.
 *
 * Every operation unpacks its operands into a sign, an unbiased exponent and a 64-bit
 * significand whose leading one sits at bit 62, computes the exact result (or the exact
 * result truncated with a sticky bit) in 128-bit integers, and hands it to one rounding
 * routine that knows both formats. Both formats share the code; the format is a
 * compile-time constant after inlining.
 */
#include "softfloat.h"

#include <stddef.h>

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
#define FMT_P(dbl)    ((dbl) ? 53 : 24) /* precision, hidden bit included */
#define FMT_BIAS(dbl) ((dbl) ? 1023 : 127)
#define FMT_W(dbl)    ((dbl) ? 64 : 32)
#define FMT_EMASK(dbl) ((dbl) ? 0x7ff : 0xff)
#define FMT_CNAN(dbl) ((dbl) ? VR_F64_CANONICAL_NAN : (uint64_t) VR_F32_CANONICAL_NAN)

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

static inline bool overflow_to_inf(int rm, bool sign)
{
    switch (rm) {
    case VR_RM_RTZ: return false;
    case VR_RM_RDN: return sign;
    case VR_RM_RUP: return !sign;
    default: return true;
    }
}

/* Round sig * 2^(exp - 62) (leading one at bit 62, sticky in bit 0) to the format. */
static inline uint64_t round_pack(bool sign, int exp, uint64_t sig, int rm, uint32_t *flags,
                                  bool dbl)
{
    const int p = FMT_P(dbl);
    const int rbits = 63 - p;
    const uint64_t rmask = (1ull << rbits) - 1;
    const uint64_t half = 1ull << (rbits - 1);
    const int emin = 1 - FMT_BIAS(dbl);
    const int emax = FMT_BIAS(dbl);
    bool tiny = false;

    if (exp < emin) {
        int shift = emin - exp;
        tiny = true;
        /* Tininess is judged after rounding with an unbounded exponent: a value just
         * below 2^emin that rounds up to it is not tiny. */
        if (shift == 1) {
            uint64_t q = sig >> rbits;
            if (q + round_up(rm, sign, q & 1, sig & rmask, half) == (1ull << p)) {
                tiny = false;
            }
        }
        sig = shift_right_jam64(sig, shift);
        exp = emin;
    }

    uint64_t q = sig >> rbits;
    uint64_t rem = sig & rmask;
    if (rem != 0) {
        *flags |= VR_FFLAG_NX | (tiny ? VR_FFLAG_UF : 0);
        q += round_up(rm, sign, q & 1, rem, half);
        if (q >> p) {
            q >>= 1;
            exp++;
        }
    }
    if (exp > emax) {
        *flags |= VR_FFLAG_OF | VR_FFLAG_NX;
        if (overflow_to_inf(rm, sign)) {
            return pack_inf(sign, dbl);
        }
        return pack_inf(sign, dbl) - 1;
    }
    /* The hidden bit in q carries into the exponent field; subnormals have none. */
    return sign_bit(sign, dbl) + ((uint64_t) (exp + FMT_BIAS(dbl) - 1) << (p - 1)) + q;
}

/* Round the nonzero value x * 2^e. */
static inline uint64_t round_pack128(bool sign, vr_u128 x, int e, int rm, uint32_t *flags,
                                     bool dbl)
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

/* x * 2^e + y * 2^e for magnitudes below 2^127 with their signs; exact zero sums follow
 * IEEE 754's rule (+0, or -0 when rounding down). */
static inline uint64_t add_aligned(bool xs, vr_u128 x, bool ys, vr_u128 y, int e, int rm,
                                   uint32_t *flags, bool dbl)
{
    vr_u128 z;
    bool sign = xs;

    if (xs == ys) {
        z = x + y;
    } else if (x >= y) {
        z = x - y;
    } else {
        z = y - x;
        sign = ys;
    }
    if (z == 0) {
        return sign_bit(rm == VR_RM_RDN, dbl);
    }
    return round_pack128(sign, z, e, rm, flags, dbl);
}

/* Two finite nonzero operands with leading ones at bit 126 of x and y, whose leading
 * bits weigh 2^xe and 2^ye. Jamming the smaller one keeps the sum correctly rounded:
 * it only happens once it lies wholly below the larger one's last significant bit. */
static inline uint64_t add_lead126(bool xs, vr_u128 x, int xe, bool ys, vr_u128 y, int ye, int rm,
                                   uint32_t *flags, bool dbl)
{
    if (xe >= ye) {
        y = shift_right_jam128(y, xe - ye);
        return add_aligned(xs, x, ys, y, xe - 126, rm, flags, dbl);
    }
    x = shift_right_jam128(x, ye - xe);
    return add_aligned(xs, x, ys, y, ye - 126, rm, flags, dbl);
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
    return add_lead126(x.sign, (vr_u128) x.sig << 64, x.exp, y.sign, (vr_u128) y.sig << 64, y.exp,
                       rm, flags, dbl);
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
    return round_pack128(sign, (vr_u128) x.sig * y.sig, x.exp + y.exp - 124, rm, flags, dbl);
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
    /* A quotient of at least 64 bits; the remainder becomes the sticky bit. */
    vr_u128 n = (vr_u128) x.sig << 64;
    vr_u128 q = n / y.sig;
    bool rest = (uint64_t) (n % y.sig) != 0;
    return round_pack128(sign, q | rest, x.exp - y.exp - 64, rm, flags, dbl);
}

/* floor(sqrt(n)) for n in [2^126, 2^128), and whether it is inexact. */
static uint64_t isqrt128(vr_u128 n, bool *inexact)
{
    uint64_t hi = (uint64_t) (n >> 64);
    vr_u128 x, y;

    /* A tangent line lies above sqrt, so this starts within 7% above the root. */
    if (hi < (1ull << 63)) {
        x = (vr_u128) hi + 1 + (1ull << 62);
    } else {
        x = ((vr_u128) hi + 1 + ((vr_u128) 1 << 64)) >> 1;
    }
    for (;;) {
        y = (x + n / x) >> 1;
        if (y >= x) {
            break;
        }
        x = y;
    }
    *inexact = n != x * x;
    return (uint64_t) x;
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
    uint64_t r = isqrt128((vr_u128) sig << 64, &inexact);
    return round_pack128(false, r | inexact, exp / 2 - 63, rm, flags, dbl);
}

static inline uint64_t muladd_impl(uint64_t a, uint64_t b, uint64_t c, int rm, uint32_t *flags,
                                   bool dbl)
{
    VrUnpacked x = unpack(a, dbl);
    VrUnpacked y = unpack(b, dbl);
    VrUnpacked z = unpack(c, dbl);
    bool ps = x.sign ^ y.sign;
    bool inf_zero = (x.cls == CLS_INF && y.cls == CLS_ZERO) ||
                    (x.cls == CLS_ZERO && y.cls == CLS_INF);

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
    int pe = x.exp + y.exp;
    if (p >> 125) {
        p <<= 1;
        pe += 1;
    } else {
        p <<= 2;
    }
    return add_lead126(ps, p, pe, z.sign, (vr_u128) z.sig << 64, z.exp, rm, flags, dbl);
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

static inline uint64_t minmax_impl(uint64_t a, uint64_t b, bool want_max, uint32_t *flags,
                                   bool dbl)
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
    return round_pack128(sign, mag, 0, rm, flags, dbl);
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

uint32_t vr_f32_add(uint32_t a, uint32_t b, int rm, uint32_t *flags)
{
    return (uint32_t) add_impl(a, b, false, rm, flags, false);
}

uint32_t vr_f32_sub(uint32_t a, uint32_t b, int rm, uint32_t *flags)
{
    return (uint32_t) add_impl(a, b, true, rm, flags, false);
}

uint32_t vr_f32_mul(uint32_t a, uint32_t b, int rm, uint32_t *flags)
{
    return (uint32_t) mul_impl(a, b, rm, flags, false);
}

uint32_t vr_f32_div(uint32_t a, uint32_t b, int rm, uint32_t *flags)
{
    return (uint32_t) div_impl(a, b, rm, flags, false);
}

uint32_t vr_f32_sqrt(uint32_t a, int rm, uint32_t *flags)
{
    return (uint32_t) sqrt_impl(a, rm, flags, false);
}

uint32_t vr_f32_muladd(uint32_t a, uint32_t b, uint32_t c, int rm, uint32_t *flags)
{
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
    return add_impl(a, b, false, rm, flags, true);
}

uint64_t vr_f64_sub(uint64_t a, uint64_t b, int rm, uint32_t *flags)
{
    return add_impl(a, b, true, rm, flags, true);
}

uint64_t vr_f64_mul(uint64_t a, uint64_t b, int rm, uint32_t *flags)
{
    return mul_impl(a, b, rm, flags, true);
}

uint64_t vr_f64_div(uint64_t a, uint64_t b, int rm, uint32_t *flags)
{
    return div_impl(a, b, rm, flags, true);
}

uint64_t vr_f64_sqrt(uint64_t a, int rm, uint32_t *flags)
{
    return sqrt_impl(a, rm, flags, true);
}

uint64_t vr_f64_muladd(uint64_t a, uint64_t b, uint64_t c, int rm, uint32_t *flags)
{
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
