/* Integer workload: the mix of a CPU-bound program's inner loops.
 *
 * Each iteration, seeded by the CRC of the one before (so no round can be skipped or
 * hoisted), does four things on small data that stays in the caches:
 *   - linked list: look up keys, sort by weight (merge sort through a comparison function
 *     pointer), reverse, sort back by key;
 *   - matrices: 16x16 int16 add-constant, scale into int32, multiply, and reduce the
 *     results through data-dependent branches;
 *   - a state machine that classifies the comma-separated tokens of a byte string
 *     (integer, decimal, scientific, hex, invalid), once clean and once with bytes flipped;
 *   - CRC-16 (CCITT polynomial, one bit at a time) over every intermediate result.
 */
#include "bench.h"

#ifndef INTEGER_ITERATIONS
#define INTEGER_ITERATIONS 36000
#endif

/* CRC-16/CCITT, one bit at a time as a small embedded device would do it. */
static uint16_t crc16_byte(uint16_t crc, uint8_t byte)
{
    crc ^= (uint16_t) (byte << 8);
    for (int bit = 0; bit < 8; bit++)
        crc = (crc & 0x8000) ? (uint16_t) ((crc << 1) ^ 0x1021) : (uint16_t) (crc << 1);
    return crc;
}

static uint16_t crc16_u16(uint16_t crc, uint16_t v)
{
    crc = crc16_byte(crc, (uint8_t) v);
    return crc16_byte(crc, (uint8_t) (v >> 8));
}

static uint16_t crc16_u32(uint16_t crc, uint32_t v)
{
    crc = crc16_u16(crc, (uint16_t) v);
    return crc16_u16(crc, (uint16_t) (v >> 16));
}

/* ---- Linked list ---- */

#define LIST_ITEMS 128

typedef struct item {
    struct item *next;
    int16_t key;
    int16_t weight;
    uint16_t serial;
} item;

typedef int (*item_order)(const item *a, const item *b);

static item *items;
static item *list_head;

static int order_by_key(const item *a, const item *b)
{
    return a->key - b->key;
}

static int order_by_weight(const item *a, const item *b)
{
    if (a->weight != b->weight)
        return a->weight < b->weight ? -1 : 1;
    return a->serial - b->serial;
}

/* Distance from the head to the item holding key, or -1. */
static int list_find(const item *p, int16_t key)
{
    for (int pos = 0; p; p = p->next, pos++)
        if (p->key == key)
            return pos;
    return -1;
}

static item *list_reverse(item *p)
{
    item *done = 0;
    while (p) {
        item *rest = p->next;
        p->next = done;
        done = p;
        p = rest;
    }
    return done;
}

/* Bottom-up merge sort: merge neighbouring sorted runs of `run` items, doubling `run`
 * until one merge covers the whole list. Stable. */
static item *list_sort(item *list, item_order order)
{
    for (unsigned run = 1;; run *= 2) {
        item *rest = list, *head = 0, **tail = &head;
        unsigned merges = 0;
        while (rest) {
            item *left = rest, *right = rest;
            unsigned left_len = 0, right_len = run;
            while (left_len < run && right) {
                right = right->next;
                left_len++;
            }
            while (left_len || (right_len && right)) {
                item *take;
                if (left_len && (!right_len || !right || order(left, right) <= 0)) {
                    take = left;
                    left = left->next;
                    left_len--;
                } else {
                    take = right;
                    right = right->next;
                    right_len--;
                }
                *tail = take;
                tail = &take->next;
            }
            rest = right;
            merges++;
        }
        *tail = 0;
        list = head;
        if (merges <= 1)
            return list;
    }
}

static uint16_t list_round(uint16_t seed)
{
    uint16_t crc = seed;
    for (int k = 0; k < 6; k++) {
        /* Keys are the even numbers, so about half the lookups miss. */
        int16_t want = (int16_t) ((seed + k * 37) % (2 * LIST_ITEMS));
        crc = crc16_u16(crc, (uint16_t) list_find(list_head, want));
    }
    for (item *p = list_head; p; p = p->next)
        p->weight = (int16_t) ((p->weight ^ (seed & 0x0ff0)) + (p->serial & 7));

    list_head = list_sort(list_head, order_by_weight);
    int n = 0;
    for (item *p = list_head; p && n < 8; p = p->next, n++)
        crc = crc16_u16(crc, (uint16_t) p->weight);

    list_head = list_reverse(list_head);
    n = 0;
    for (item *p = list_head; p && n < 4; p = p->next, n++)
        crc = crc16_u16(crc, p->serial);

    list_head = list_sort(list_head, order_by_key);
    crc = crc16_u16(crc, (uint16_t) list_head->weight);
    return crc;
}

/* ---- Matrices ---- */

#define MAT_N 16

static int16_t mat_a[MAT_N * MAT_N], mat_b[MAT_N * MAT_N];
static int32_t mat_c[MAT_N * MAT_N];

/* Reduce a result matrix through data-dependent branches. */
static uint16_t mat_reduce(const int32_t *m)
{
    int32_t running = 0, previous = 0;
    uint16_t score = 0;
    for (int i = 0; i < MAT_N * MAT_N; i++) {
        running += m[i];
        if (running > 40000) {
            score += 7;
            running = 0;
        } else {
            score += (m[i] > previous) ? 1 : 0;
        }
        previous = m[i];
    }
    return score;
}

static uint16_t matrix_round(uint16_t seed)
{
    uint16_t crc = seed;
    int16_t bias = (int16_t) (seed & 0x1f);
    int16_t scale = (int16_t) ((seed >> 5) & 0x0f) - 7;

    for (int i = 0; i < MAT_N * MAT_N; i++)
        mat_a[i] = (int16_t) (mat_a[i] + bias);

    for (int i = 0; i < MAT_N * MAT_N; i++)
        mat_c[i] = (int32_t) mat_a[i] * scale;
    crc = crc16_u16(crc, mat_reduce(mat_c));

    for (int i = 0; i < MAT_N; i++) {
        for (int j = 0; j < MAT_N; j++) {
            int32_t sum = 0;
            for (int k = 0; k < MAT_N; k++)
                sum += (int32_t) mat_a[i * MAT_N + k] * mat_b[k * MAT_N + j];
            mat_c[i * MAT_N + j] = sum;
        }
    }
    crc = crc16_u16(crc, mat_reduce(mat_c));

    /* Pick bit fields out of the product. */
    uint32_t fields = 0;
    for (int i = 0; i < MAT_N * MAT_N; i++) {
        uint32_t v = (uint32_t) mat_c[i];
        fields += ((v >> 3) & 0x7f) * ((v >> 11) & 0x3f);
    }
    crc = crc16_u32(crc, fields);

    for (int i = 0; i < MAT_N * MAT_N; i++)
        mat_a[i] = (int16_t) (mat_a[i] - bias);
    return crc;
}

/* ---- State machine over a byte string ---- */

enum token_kind {
    TOKEN_INTEGER,
    TOKEN_DECIMAL,
    TOKEN_SCIENTIFIC,
    TOKEN_HEX,
    TOKEN_INVALID,
    TOKEN_KINDS
};

enum scan_state {
    SCAN_START,
    SCAN_SIGN,
    SCAN_ZERO,
    SCAN_INT,
    SCAN_HEX_X,
    SCAN_HEX,
    SCAN_POINT,
    SCAN_FRAC,
    SCAN_EXP_E,
    SCAN_EXP_SIGN,
    SCAN_EXP,
    SCAN_BAD,
};

#define TEXT_LEN 384

static uint8_t text[TEXT_LEN];

static int is_digit(uint8_t c)
{
    return c >= '0' && c <= '9';
}

static int is_hex_digit(uint8_t c)
{
    return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

static enum scan_state scan_step(enum scan_state s, uint8_t c)
{
    switch (s) {
    case SCAN_START:
        if (c == '+' || c == '-')
            return SCAN_SIGN;
        if (c == '0')
            return SCAN_ZERO;
        if (is_digit(c))
            return SCAN_INT;
        if (c == '.')
            return SCAN_POINT;
        return SCAN_BAD;
    case SCAN_SIGN:
        if (c == '0')
            return SCAN_ZERO;
        if (is_digit(c))
            return SCAN_INT;
        if (c == '.')
            return SCAN_POINT;
        return SCAN_BAD;
    case SCAN_ZERO:
        if (c == 'x' || c == 'X')
            return SCAN_HEX_X;
        /* fall through */
    case SCAN_INT:
        if (is_digit(c))
            return SCAN_INT;
        if (c == '.')
            return SCAN_POINT;
        if (c == 'e' || c == 'E')
            return SCAN_EXP_E;
        return SCAN_BAD;
    case SCAN_HEX_X:
    case SCAN_HEX: return is_hex_digit(c) ? SCAN_HEX : SCAN_BAD;
    case SCAN_POINT:
    case SCAN_FRAC:
        if (is_digit(c))
            return SCAN_FRAC;
        if (s == SCAN_FRAC && (c == 'e' || c == 'E'))
            return SCAN_EXP_E;
        return SCAN_BAD;
    case SCAN_EXP_E:
        if (c == '+' || c == '-')
            return SCAN_EXP_SIGN;
        /* fall through */
    case SCAN_EXP_SIGN:
    case SCAN_EXP: return is_digit(c) ? SCAN_EXP : SCAN_BAD;
    case SCAN_BAD: return SCAN_BAD;
    }
    return SCAN_BAD;
}

static enum token_kind token_kind_of(enum scan_state s)
{
    switch (s) {
    case SCAN_ZERO:
    case SCAN_INT: return TOKEN_INTEGER;
    case SCAN_FRAC: return TOKEN_DECIMAL;
    case SCAN_EXP: return TOKEN_SCIENTIFIC;
    case SCAN_HEX: return TOKEN_HEX;
    default: return TOKEN_INVALID;
    }
}

/* Count tokens of each kind; returns the number of state changes. */
static uint32_t scan_text(const uint8_t *s, uint32_t len, uint32_t counts[TOKEN_KINDS])
{
    enum scan_state state = SCAN_START;
    uint32_t changes = 0;
    for (int k = 0; k < TOKEN_KINDS; k++)
        counts[k] = 0;
    for (uint32_t i = 0; i < len; i++) {
        if (s[i] == ',') {
            counts[token_kind_of(state)]++;
            state = SCAN_START;
            continue;
        }
        enum scan_state next = scan_step(state, s[i]);
        changes += next != state;
        state = next;
    }
    counts[token_kind_of(state)]++;
    return changes;
}

static uint16_t text_round(uint16_t seed)
{
    uint16_t crc = seed;
    uint32_t counts[TOKEN_KINDS];

    uint32_t changes = scan_text(text, TEXT_LEN, counts);
    crc = crc16_u32(crc, changes);
    for (int k = 0; k < TOKEN_KINDS; k++)
        crc = crc16_u32(crc, counts[k]);

    /* Flip a few bytes, scan again, put them back. */
    uint32_t where[4];
    uint8_t was[4];
    for (int k = 0; k < 4; k++) {
        where[k] = (seed + (uint32_t) k * 97) % TEXT_LEN;
        was[k] = text[where[k]];
        text[where[k]] = (uint8_t) (was[k] ^ (1u << (k + 1)));
    }
    changes = scan_text(text, TEXT_LEN, counts);
    crc = crc16_u32(crc, changes);
    for (int k = 0; k < TOKEN_KINDS; k++)
        crc = crc16_u32(crc, counts[k]);
    for (int k = 3; k >= 0; k--)
        text[where[k]] = was[k];
    return crc;
}

/* ---- Set-up and the timed loop ---- */

static const char *const sample_tokens[] = {
    "5012", "1.23", "-110.700", "+0.5e-3", "0x1f",     "ab!", "0",   "-7", "3.14159", "0XBEEF",
    "12e9", "--4",  "9.",       ".5",      "6.02E+23", "0x",  "077", "1e", "-.25",    "zz",
};

static void integer_setup(void)
{
    uint64_t rng = 0x1b873593deadbeefULL;

    items = bench_alloc(LIST_ITEMS * sizeof(item));
    /* Link the items in a shuffled order so the list does not start sorted. */
    uint16_t order[LIST_ITEMS];
    for (int i = 0; i < LIST_ITEMS; i++)
        order[i] = (uint16_t) i;
    for (int i = LIST_ITEMS - 1; i > 0; i--) {
        int j = (int) (bench_rand(&rng) % (uint64_t) (i + 1));
        uint16_t t = order[i];
        order[i] = order[j];
        order[j] = t;
    }
    list_head = 0;
    for (int i = 0; i < LIST_ITEMS; i++) {
        item *it = &items[order[i]];
        it->key = (int16_t) (2 * order[i]);
        it->weight = (int16_t) (bench_rand(&rng) & 0x7fff);
        it->serial = (uint16_t) i;
        it->next = list_head;
        list_head = it;
    }

    for (int i = 0; i < MAT_N * MAT_N; i++) {
        mat_a[i] = (int16_t) ((int) (bench_rand(&rng) % 512) - 256);
        mat_b[i] = (int16_t) ((int) (bench_rand(&rng) % 64) - 32);
    }

    uint32_t pos = 0;
    for (unsigned t = 0; pos < TEXT_LEN;
         t = (t + 7) % (sizeof sample_tokens / sizeof sample_tokens[0])) {
        for (const char *c = sample_tokens[t]; *c && pos < TEXT_LEN; c++)
            text[pos++] = (uint8_t) *c;
        if (pos < TEXT_LEN)
            text[pos++] = ',';
    }
}

static uint64_t integer_run(void)
{
    uint64_t hash = 0;
    uint16_t seed = 0x3c5a;
    for (uint32_t i = 0; i < INTEGER_ITERATIONS; i++) {
        uint16_t list_crc = list_round(seed);
        uint16_t mat_crc = matrix_round(list_crc);
        uint16_t text_crc = text_round(mat_crc);
        hash = bench_mix(hash, (uint64_t) list_crc | (uint64_t) mat_crc << 16 |
                                   (uint64_t) text_crc << 32);
        seed = (uint16_t) (text_crc ^ i);
    }
    return hash;
}

const bench_workload bench = {
    .name = "integer",
    .heap_bytes = 64 * 1024,
    .setup = integer_setup,
    .run = integer_run,
};
