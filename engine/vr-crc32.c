/* CRC-32 by folding (see vr-crc32.h).
 *
 * The message is a polynomial over GF(2); its CRC is the message times x^32 modulo P, the gzip
 * polynomial. Four 128-bit accumulators take the first 64 bytes. Each step moves an
 * accumulator 512 bits further down the message, to where the next 64 bytes are, by
 * multiplying its two 64-bit halves with x^(512+32) and x^(512-32) modulo P (in the
 * bit-reflected order the CRC uses, hence the +-32 and the shift by one in the constants); it is
 * then added (XOR) to the data there. The four are folded into one with the 128-bit distance's
 * constants, which also take any further whole 16-byte blocks. What remains is 16 bytes with the
 * same CRC as everything they replace, and zlib finishes those and the last few bytes. */
#include "vr-crc32.h"

#include <zlib.h>

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#define HAVE_CLMUL_PATH 1

/* x^n modulo P, bit-reflected in 33 bits (the state tests check the result against zlib). */
#define FOLD512_LO 0x154442bd4ull /* x^544 */
#define FOLD512_HI 0x1c6e41596ull /* x^480 */
#define FOLD128_LO 0x1751997d0ull /* x^160 */
#define FOLD128_HI 0x0ccaa009eull /* x^96 */

__attribute__((target("pclmul,sse2"))) static inline __m128i fold(__m128i x, __m128i k)
{
    return _mm_xor_si128(_mm_clmulepi64_si128(x, k, 0x00), _mm_clmulepi64_si128(x, k, 0x11));
}

__attribute__((target("pclmul,sse2"))) static uint32_t crc32_clmul(uint32_t crc, const uint8_t *p,
                                                                   size_t len)
{
    const __m128i k512 = _mm_set_epi64x((long long) FOLD512_HI, (long long) FOLD512_LO);
    const __m128i k128 = _mm_set_epi64x((long long) FOLD128_HI, (long long) FOLD128_LO);
    __m128i x0 = _mm_loadu_si128((const __m128i *) p);
    __m128i x1 = _mm_loadu_si128((const __m128i *) (p + 16));
    __m128i x2 = _mm_loadu_si128((const __m128i *) (p + 32));
    __m128i x3 = _mm_loadu_si128((const __m128i *) (p + 48));
    /* zlib's crc is the register inverted: the register goes into the first four bytes. */
    x0 = _mm_xor_si128(x0, _mm_cvtsi32_si128((int) ~crc));
    p += 64;
    len -= 64;
    while (len >= 64) {
        x0 = _mm_xor_si128(fold(x0, k512), _mm_loadu_si128((const __m128i *) p));
        x1 = _mm_xor_si128(fold(x1, k512), _mm_loadu_si128((const __m128i *) (p + 16)));
        x2 = _mm_xor_si128(fold(x2, k512), _mm_loadu_si128((const __m128i *) (p + 32)));
        x3 = _mm_xor_si128(fold(x3, k512), _mm_loadu_si128((const __m128i *) (p + 48)));
        p += 64;
        len -= 64;
    }
    x0 = _mm_xor_si128(fold(x0, k128), x1);
    x0 = _mm_xor_si128(fold(x0, k128), x2);
    x0 = _mm_xor_si128(fold(x0, k128), x3);
    while (len >= 16) {
        x0 = _mm_xor_si128(fold(x0, k128), _mm_loadu_si128((const __m128i *) p));
        p += 16;
        len -= 16;
    }
    /* The 16 bytes of x0 with a zero register (crc32_z's 0xffffffff), then the rest. */
    uint8_t last[16];
    _mm_storeu_si128((__m128i *) last, x0);
    uLong c = crc32_z(0xffffffffu, last, sizeof(last));
    return (uint32_t) crc32_z(c, p, len);
}

static int clmul_supported = -1;
#endif

uint32_t vr_crc32(uint32_t crc, const void *data, size_t len)
{
#ifdef HAVE_CLMUL_PATH
    /* Below a few blocks, zlib's tables are as fast. */
    if (len >= 256) {
        int ok = __atomic_load_n(&clmul_supported, __ATOMIC_RELAXED);
        if (ok < 0) {
            __builtin_cpu_init();
            ok = __builtin_cpu_supports("pclmul") ? 1 : 0;
            __atomic_store_n(&clmul_supported, ok, __ATOMIC_RELAXED);
        }
        if (ok)
            return crc32_clmul(crc, data, len);
    }
#endif
    return (uint32_t) crc32_z(crc, data, len);
}
