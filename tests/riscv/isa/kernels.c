/* Real compiled code as a decoder stress test: CRC-32 (bitwise and table-driven), FNV-1a,
 * SipHash-2-4, sorting, 64-bit Miller-Rabin with 128-bit products, a bytecode interpreter
 * (jump tables), recursion, base64, decimal conversion, a matrix product with 32-bit
 * wraparound, bit counting. Published check values are used where they exist (CRC-32 of
 * "123456789", SipHash's test vector, RFC 4648, prime counts); the other checksums come from
 * building this file natively (cc -O2 -DKERNELS_HOST kernels.c && ./a.out prints them),
 * agree with a separate Python model of the same computations, and with QEMU. */
#ifdef KERNELS_HOST
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#define CK(n, got, want)                                                   \
    do {                                                                   \
        uint64_t g_ = (uint64_t) (got), w_ = (uint64_t) (want);            \
        printf("%3d %s 0x%016llx%s\n", (n), #got, (unsigned long long) g_, \
               g_ == w_ ? "" : "  <-- differs from the expected value");   \
    } while (0)
#define rt_puts(s) fputs((s), stdout)
#else
#include "isa.h"
#endif

#define BUF_SIZE 65536

static uint8_t buf[BUF_SIZE];
static uint64_t rng_state;

static uint64_t xorshift64s(void)
{
    uint64_t x = rng_state;
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    rng_state = x;
    return x * 0x2545f4914f6cdd1dULL;
}

/* CRC-32 (IEEE 802.3, reflected, polynomial 0xedb88320) */
static uint32_t crc32_bitwise(const uint8_t *p, size_t n)
{
    uint32_t crc = 0xffffffffu;
    for (size_t i = 0; i < n; i++) {
        crc ^= p[i];
        for (int k = 0; k < 8; k++)
            crc = (crc >> 1) ^ (0xedb88320u & (0u - (crc & 1)));
    }
    return ~crc;
}

static uint32_t crc_table[256];

static void crc32_init(void)
{
    for (uint32_t i = 0; i < 256; i++) {
        uint32_t c = i;
        for (int k = 0; k < 8; k++)
            c = (c & 1) ? (c >> 1) ^ 0xedb88320u : c >> 1;
        crc_table[i] = c;
    }
}

static uint32_t crc32_table(const uint8_t *p, size_t n)
{
    uint32_t crc = 0xffffffffu;
    while (n--)
        crc = crc_table[(crc ^ *p++) & 0xff] ^ (crc >> 8);
    return ~crc;
}

static uint64_t fnv1a64(const uint8_t *p, size_t n)
{
    uint64_t h = 0xcbf29ce484222325ULL;
    for (size_t i = 0; i < n; i++) {
        h ^= p[i];
        h *= 0x100000001b3ULL;
    }
    return h;
}

/* SipHash-2-4 */
#define ROTL(x, b) (uint64_t)(((x) << (b)) | ((x) >> (64 - (b))))
#define SIPROUND           \
    do {                   \
        v0 += v1;          \
        v1 = ROTL(v1, 13); \
        v1 ^= v0;          \
        v0 = ROTL(v0, 32); \
        v2 += v3;          \
        v3 = ROTL(v3, 16); \
        v3 ^= v2;          \
        v0 += v3;          \
        v3 = ROTL(v3, 21); \
        v3 ^= v0;          \
        v2 += v1;          \
        v1 = ROTL(v1, 17); \
        v1 ^= v2;          \
        v2 = ROTL(v2, 32); \
    } while (0)

static uint64_t load_le64(const uint8_t *p)
{
    uint64_t v = 0;
    for (int i = 7; i >= 0; i--)
        v = (v << 8) | p[i];
    return v;
}

static uint64_t siphash24(const uint8_t *in, size_t inlen, const uint8_t *k)
{
    uint64_t k0 = load_le64(k), k1 = load_le64(k + 8);
    uint64_t v0 = 0x736f6d6570736575ULL ^ k0;
    uint64_t v1 = 0x646f72616e646f6dULL ^ k1;
    uint64_t v2 = 0x6c7967656e657261ULL ^ k0;
    uint64_t v3 = 0x7465646279746573ULL ^ k1;
    size_t left = inlen & 7;
    const uint8_t *end = in + inlen - left;
    for (; in != end; in += 8) {
        uint64_t m = load_le64(in);
        v3 ^= m;
        SIPROUND;
        SIPROUND;
        v0 ^= m;
    }
    uint64_t b = (uint64_t) inlen << 56;
    switch (left) {
    case 7: b |= (uint64_t) in[6] << 48; /* fall through */
    case 6: b |= (uint64_t) in[5] << 40; /* fall through */
    case 5: b |= (uint64_t) in[4] << 32; /* fall through */
    case 4: b |= (uint64_t) in[3] << 24; /* fall through */
    case 3: b |= (uint64_t) in[2] << 16; /* fall through */
    case 2: b |= (uint64_t) in[1] << 8;  /* fall through */
    case 1: b |= (uint64_t) in[0]; break;
    case 0: break;
    }
    v3 ^= b;
    SIPROUND;
    SIPROUND;
    v0 ^= b;
    v2 ^= 0xff;
    SIPROUND;
    SIPROUND;
    SIPROUND;
    SIPROUND;
    return v0 ^ v1 ^ v2 ^ v3;
}

/* quicksort (Hoare partition, recursion on the smaller side) on uint32_t */
static void quicksort(uint32_t *a, long lo, long hi)
{
    while (lo < hi) {
        uint32_t pivot = a[lo + (hi - lo) / 2];
        long i = lo - 1, j = hi + 1;
        for (;;) {
            do
                i++;
            while (a[i] < pivot);
            do
                j--;
            while (a[j] > pivot);
            if (i >= j)
                break;
            uint32_t t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
        if (j - lo < hi - j) {
            quicksort(a, lo, j);
            lo = j + 1;
        } else {
            quicksort(a, j + 1, hi);
            hi = j;
        }
    }
}

/* shell sort on signed 64-bit values */
static void shellsort(int64_t *a, int n)
{
    static const int gaps[] = {701, 301, 132, 57, 23, 10, 4, 1};
    for (int g = 0; g < 8; g++) {
        int gap = gaps[g];
        for (int i = gap; i < n; i++) {
            int64_t t = a[i];
            int j = i;
            for (; j >= gap && a[j - gap] > t; j -= gap)
                a[j] = a[j - gap];
            a[j] = t;
        }
    }
}

/* insertion sort on signed 16-bit values (lh/sh, sign extension in compares) */
static void insertion_sort16(int16_t *a, int n)
{
    for (int i = 1; i < n; i++) {
        int16_t t = a[i];
        int j = i - 1;
        while (j >= 0 && a[j] > t) {
            a[j + 1] = a[j];
            j--;
        }
        a[j + 1] = t;
    }
}

static uint64_t mulmod(uint64_t a, uint64_t b, uint64_t m)
{
    return (uint64_t) ((unsigned __int128) a * b % m);
}

static uint64_t powmod(uint64_t b, uint64_t e, uint64_t m)
{
    uint64_t r = 1;
    b %= m;
    while (e) {
        if (e & 1)
            r = mulmod(r, b, m);
        b = mulmod(b, b, m);
        e >>= 1;
    }
    return r;
}

/* deterministic for all 64-bit n */
static int is_prime(uint64_t n)
{
    static const uint64_t bases[] = {2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37};
    if (n < 2)
        return 0;
    for (int i = 0; i < 12; i++) {
        if (n % bases[i] == 0)
            return n == bases[i];
    }
    uint64_t d = n - 1;
    int s = 0;
    while ((d & 1) == 0) {
        d >>= 1;
        s++;
    }
    for (int i = 0; i < 12; i++) {
        uint64_t x = powmod(bases[i], d, n);
        if (x == 1 || x == n - 1)
            continue;
        int r;
        for (r = 1; r < s; r++) {
            x = mulmod(x, x, n);
            if (x == n - 1)
                break;
        }
        if (r == s)
            return 0;
    }
    return 1;
}

/* a small stack machine: dense switch, so the compiler emits a jump table */
enum {
    OP_PUSH,
    OP_ADD,
    OP_SUB,
    OP_MUL,
    OP_DUP,
    OP_SWAP,
    OP_JNZ,
    OP_DEC,
    OP_OVER,
    OP_DROP,
    OP_HALT,
    OP_ROT,
    OP_XOR,
    OP_SHL,
    OP_DIVU,
    OP_REM
};

static int64_t run_vm(const int32_t *code)
{
    int64_t st[32];
    int sp = 0;
    int pc = 0;
    for (;;) {
        int32_t op = code[pc++];
        switch (op) {
        case OP_PUSH: st[sp++] = code[pc++]; break;
        case OP_ADD:
            sp--;
            st[sp - 1] += st[sp];
            break;
        case OP_SUB:
            sp--;
            st[sp - 1] -= st[sp];
            break;
        case OP_MUL:
            sp--;
            st[sp - 1] *= st[sp];
            break;
        case OP_DUP:
            st[sp] = st[sp - 1];
            sp++;
            break;
        case OP_SWAP: {
            int64_t t = st[sp - 1];
            st[sp - 1] = st[sp - 2];
            st[sp - 2] = t;
            break;
        }
        case OP_JNZ: {
            int32_t target = code[pc++];
            if (st[--sp])
                pc = target;
            break;
        }
        case OP_DEC: st[sp - 1]--; break;
        case OP_OVER:
            st[sp] = st[sp - 2];
            sp++;
            break;
        case OP_DROP: sp--; break;
        case OP_HALT: return st[sp - 1];
        case OP_ROT: {
            int64_t t = st[sp - 3];
            st[sp - 3] = st[sp - 2];
            st[sp - 2] = st[sp - 1];
            st[sp - 1] = t;
            break;
        }
        case OP_XOR:
            sp--;
            st[sp - 1] ^= st[sp];
            break;
        case OP_SHL:
            sp--;
            st[sp - 1] = (int64_t) ((uint64_t) st[sp - 1] << (st[sp] & 63));
            break;
        case OP_DIVU:
            sp--;
            st[sp - 1] = (int64_t) ((uint64_t) st[sp - 1] / (uint64_t) st[sp]);
            break;
        case OP_REM:
            sp--;
            st[sp - 1] = st[sp - 1] % st[sp];
            break;
        default: return -1;
        }
    }
}

static uint64_t fib(unsigned n)
{
    return n < 2 ? n : fib(n - 1) + fib(n - 2);
}

static uint64_t ackermann(uint64_t m, uint64_t n)
{
    if (m == 0)
        return n + 1;
    if (n == 0)
        return ackermann(m - 1, 1);
    return ackermann(m - 1, ackermann(m, n - 1));
}

static size_t base64(const uint8_t *in, size_t n, char *out)
{
    static const char tbl[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    size_t o = 0;
    for (size_t i = 0; i < n; i += 3) {
        uint32_t v = (uint32_t) in[i] << 16;
        if (i + 1 < n)
            v |= (uint32_t) in[i + 1] << 8;
        if (i + 2 < n)
            v |= in[i + 2];
        out[o++] = tbl[v >> 18];
        out[o++] = tbl[(v >> 12) & 63];
        out[o++] = i + 1 < n ? tbl[(v >> 6) & 63] : '=';
        out[o++] = i + 2 < n ? tbl[v & 63] : '=';
    }
    out[o] = 0;
    return o;
}

static int str_eq(const char *a, const char *b)
{
    while (*a && *a == *b) {
        a++;
        b++;
    }
    return *a == *b;
}

static char *u64_to_dec(uint64_t v, char *end)
{
    *--end = 0;
    do {
        *--end = (char) ('0' + v % 10);
        v /= 10;
    } while (v);
    return end;
}

static char *i64_to_dec(int64_t v, char *end)
{
    uint64_t u = v < 0 ? 0 - (uint64_t) v : (uint64_t) v;
    char *p = u64_to_dec(u, end);
    if (v < 0)
        *--p = '-';
    return p;
}

static uint32_t ma[32][32], mb[32][32], mc[32][32];

static uint32_t matmul_checksum(void)
{
    for (int i = 0; i < 32; i++)
        for (int j = 0; j < 32; j++) {
            ma[i][j] = (uint32_t) xorshift64s();
            mb[i][j] = (uint32_t) (xorshift64s() >> 32);
        }
    for (int i = 0; i < 32; i++)
        for (int j = 0; j < 32; j++) {
            uint32_t s = 0;
            for (int k = 0; k < 32; k++)
                s += ma[i][k] * mb[k][j];
            mc[i][j] = s;
        }
    uint32_t h = 0;
    for (int i = 0; i < 32; i++)
        for (int j = 0; j < 32; j++)
            h = (h ^ mc[i][j]) * 0x01000193u;
    return h;
}

static uint64_t bitcount_naive(const uint64_t *w, int n)
{
    uint64_t total = 0;
    for (int i = 0; i < n; i++)
        for (uint64_t x = w[i]; x; x &= x - 1)
            total++;
    return total;
}

static uint64_t bitcount_builtin(const uint64_t *w, int n)
{
    uint64_t total = 0, lz = 0, tz = 0;
    for (int i = 0; i < n; i++) {
        total += (uint64_t) __builtin_popcountll(w[i]);
        if (w[i]) {
            lz += (uint64_t) __builtin_clzll(w[i]);
            tz += (uint64_t) __builtin_ctzll(w[i]);
        }
    }
    return total | lz << 24 | tz << 44;
}

static uint32_t sorted32[4096];
static int64_t sorted64[2000];
static int16_t sorted16[1000];

int test_main(void)
{
    /* CRC-32 */
    static const uint8_t check_str[] = "123456789";
    crc32_init();
    CK(1, crc32_bitwise(check_str, 9), 0xcbf43926u);
    CK(2, crc32_table(check_str, 9), 0xcbf43926u);
    CK(3, crc_table[1], 0x77073096u);
    CK(4, crc_table[255], 0x2d02ef8du);
    rng_state = 0x0123456789abcdefULL;
    for (int i = 0; i < BUF_SIZE; i += 8) {
        uint64_t v = xorshift64s();
        for (int k = 0; k < 8; k++)
            buf[i + k] = (uint8_t) (v >> (8 * k));
    }
    uint32_t crc = crc32_table(buf, BUF_SIZE);
    CK(5, crc32_bitwise(buf, BUF_SIZE), crc);
    CK(6, crc, 0x02add506u);
    CK(7, crc32_table(buf + 3, BUF_SIZE - 7), 0xc9868a3bu);

    /* FNV-1a */
    CK(8, fnv1a64((const uint8_t *) "", 0), 0xcbf29ce484222325ULL);
    CK(9, fnv1a64((const uint8_t *) "a", 1), 0xaf63dc4c8601ec8cULL);
    CK(10, fnv1a64(buf, BUF_SIZE), 0xca883bce554055d0ULL);

    /* SipHash-2-4: the reference test vector (key 00..0f, message 00..0e) */
    {
        uint8_t key[16], msg[64];
        for (int i = 0; i < 16; i++)
            key[i] = (uint8_t) i;
        for (int i = 0; i < 64; i++)
            msg[i] = (uint8_t) i;
        CK(11, siphash24(msg, 15, key), 0xa129ca6149be45e5ULL);
        CK(12, siphash24(msg, 0, key), 0x726fdb47dd0e0e31ULL);
        CK(13, siphash24(buf, BUF_SIZE, key), 0x5f5053e2ff078512ULL);
    }

    /* sorting */
    {
        for (int i = 0; i < 4096; i++)
            sorted32[i] = (uint32_t) xorshift64s();
        quicksort(sorted32, 0, 4095);
        int ok = 1;
        uint64_t sum = 0;
        for (int i = 0; i < 4096; i++) {
            if (i && sorted32[i - 1] > sorted32[i])
                ok = 0;
            sum = sum * 31 + sorted32[i];
        }
        CK(14, ok, 1);
        CK(15, sum, 0xdcecabed144af45dULL);
        for (int i = 0; i < 2000; i++)
            sorted64[i] = (int64_t) xorshift64s() >> (i & 31);
        shellsort(sorted64, 2000);
        ok = 1;
        sum = 0;
        for (int i = 0; i < 2000; i++) {
            if (i && sorted64[i - 1] > sorted64[i])
                ok = 0;
            sum = (sum ^ (uint64_t) sorted64[i]) * 0x100000001b3ULL;
        }
        CK(16, ok, 1);
        CK(17, sum, 0xc7d18d6b2870cbc3ULL);
        CK(18, sorted64[0] < 0 && sorted64[1999] > 0, 1);
        for (int i = 0; i < 1000; i++)
            sorted16[i] = (int16_t) xorshift64s();
        insertion_sort16(sorted16, 1000);
        ok = 1;
        sum = 0;
        for (int i = 0; i < 1000; i++) {
            if (i && sorted16[i - 1] > sorted16[i])
                ok = 0;
            sum = sum * 7 + (uint64_t) (int64_t) sorted16[i];
        }
        CK(19, ok, 1);
        CK(20, sum, 0x51504e1248137dcaULL);
    }

    /* primes */
    {
        int count = 0;
        for (uint64_t n = 0; n < 10000; n++)
            count += is_prime(n);
        CK(21, count, 1229);
        CK(22, is_prime(0x1fffffffffffffffULL), 1);   /* 2^61 - 1 */
        CK(23, is_prime(18446744073709551557ULL), 1); /* largest 64-bit prime */
        CK(24, is_prime(18446744073709551559ULL), 0);
        CK(25, is_prime(3215031751ULL), 0); /* strong pseudoprime to 2,3,5,7 */
        CK(26, powmod(2, 0xfffffffffffffffeULL, 18446744073709551557ULL), 0x0400000000000000ULL);
        CK(46, powmod(3, 18446744073709551556ULL, 18446744073709551557ULL), 1); /* Fermat */
        count = 0;
        for (uint64_t n = 0xfffffffffffffc00ULL; n != 0; n++)
            count += is_prime(n);
        CK(27, count, 22);
    }

    /* bytecode VM: sum of squares 1..100, then factorial 20 */
    {
        static const int32_t sumsq[] = {
            OP_PUSH, 0,      OP_PUSH, 100, /* acc n */
            OP_DUP,  OP_DUP, OP_MUL,       /* acc n n*n            (pc 4) */
            OP_ROT,  OP_ADD, OP_SWAP,      /* acc+n*n n */
            OP_DEC,  OP_DUP, OP_JNZ,  4,   OP_DROP, OP_HALT,
        };
        CK(28, run_vm(sumsq), 338350);
        static const int32_t fact[] = {
            OP_PUSH, 1,      OP_PUSH, 20,      /* acc n */
            OP_DUP,  OP_ROT, OP_MUL,  OP_SWAP, /* acc*n n              (pc 4) */
            OP_DEC,  OP_DUP, OP_JNZ,  4,       OP_DROP, OP_HALT,
        };
        CK(29, run_vm(fact), 2432902008176640000LL);
        static const int32_t misc[] = {
            OP_PUSH, -7,   OP_PUSH, 2,       OP_REM, /* -1 */
            OP_PUSH, 1,    OP_PUSH, 63,      OP_SHL, /* -1 INT64_MIN */
            OP_XOR,                                  /* INT64_MAX */
            OP_PUSH, 1000, OP_DIVU,                  /* 9223372036854775 */
            OP_PUSH, 3,    OP_SUB,  OP_HALT,
        };
        CK(30, run_vm(misc), 9223372036854772ULL);
    }

    /* recursion */
    CK(31, fib(25), 75025);
    CK(32, ackermann(2, 3), 9);
    CK(33, ackermann(3, 3), 61);

    /* base64 (RFC 4648 test vectors) */
    {
        char out[128];
        CK(34, base64((const uint8_t *) "foobar", 6, out), 8);
        CK(35, str_eq(out, "Zm9vYmFy"), 1);
        base64((const uint8_t *) "fooba", 5, out);
        CK(36, str_eq(out, "Zm9vYmE="), 1);
        base64((const uint8_t *) "f", 1, out);
        CK(37, str_eq(out, "Zg=="), 1);
        base64(buf, 48, out);
        CK(38, fnv1a64((const uint8_t *) out, 64), 0x90e40b0193db8ea9ULL);
    }

    /* decimal conversion: division and remainder by constants (mulhu sequences) */
    {
        char b[32];
        CK(39, str_eq(u64_to_dec(18446744073709551615ULL, b + 32), "18446744073709551615"), 1);
        CK(40, str_eq(i64_to_dec(-9223372036854775807LL - 1, b + 32), "-9223372036854775808"), 1);
        CK(41, str_eq(i64_to_dec(1234567890123LL, b + 32), "1234567890123"), 1);
        uint64_t h = 0;
        for (int i = 0; i < 1000; i++) {
            char *p = i64_to_dec((int64_t) xorshift64s() >> (i & 63), b + 32);
            h = fnv1a64((const uint8_t *) p, (size_t) (b + 31 - p)) ^ (h * 3);
        }
        CK(42, h, 0xd5af75c030dbc3ecULL);
    }

    /* matrix product with 32-bit wraparound */
    CK(43, matmul_checksum(), 0xdc22d507u);

    /* bit counting: popcount/clz/ctz (Zbb) against a loop */
    {
        const uint64_t *w = (const uint64_t *) (const void *) buf;
        CK(44, bitcount_builtin(w, 1024) & 0xffffff, bitcount_naive(w, 1024));
        CK(45, bitcount_builtin(w, 1024), 0x3f40045d007fecULL);
    }
    rt_puts("kernels: done\n");
    return 0;
}

#ifdef KERNELS_HOST
int main(void)
{
    return test_main();
}
#endif
