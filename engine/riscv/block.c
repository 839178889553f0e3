/* The cache of decoded blocks.
 *
 * Blocks are keyed by their virtual pc and the host address of their code, so a change of
 * translation never finds a stale block. The hart's own stores to a page holding blocks go
 * through the slow path, which retires the blocks they overwrite. Code written by anyone
 * else (other harts, devices) is caught at FENCE.I, as the ISA requires: it starts a new
 * epoch, and a block from an older epoch is used again only after its bytes are found
 * unchanged in guest memory.
 */
#include <string.h>
#include <sys/mman.h>

#include "hart.h"
#include "jit/jit.h"

#define ARENA_SIZE (64u << 20)
#define TABLE_BITS 16

void vr_block_cache_init(VrBlockCache *c)
{
    memset(c, 0, sizeof(*c));
    c->arena_size = ARENA_SIZE;
    c->arena = mmap(NULL, c->arena_size, PROT_READ | PROT_WRITE,
                    MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (c->arena == MAP_FAILED)
        g_error("cannot reserve %zu MiB for decoded code", c->arena_size >> 20);
    c->table_bits = TABLE_BITS;
    c->table = g_new0(VrBlock *, 1u << TABLE_BITS);
    c->code_pages = g_hash_table_new(g_direct_hash, g_direct_equal);
}

void vr_block_cache_destroy(VrBlockCache *c)
{
    if (c->arena)
        munmap(c->arena, c->arena_size);
    g_free(c->table);
    if (c->code_pages)
        g_hash_table_unref(c->code_pages);
    memset(c, 0, sizeof(*c));
}

void vr_block_cache_flush(VrBlockCache *c)
{
    c->arena_used = 0;
    memset(c->table, 0, sizeof(VrBlock *) << c->table_bits);
    memset(c->jump, 0, sizeof(c->jump));
    g_hash_table_remove_all(c->code_pages);
    c->n_blocks = 0;
    c->n_flushes++;
    c->flush_pending = false;
    if (c->jit)
        vr_jit_reset(c->jit);
}

static inline void *page_of(const uint8_t *host)
{
    return (void *) ((uintptr_t) host & ~(uintptr_t) (VR_PAGE_SIZE - 1));
}

bool vr_block_cache_is_code_page(VrBlockCache *c, const uint8_t *host_page)
{
    return g_hash_table_contains(c->code_pages, page_of(host_page));
}

void vr_block_cache_code_written(VrBlockCache *c, const uint8_t *host, unsigned size)
{
    void *page = page_of(host);
    VrBlock *first = g_hash_table_lookup(c->code_pages, page);
    if (!first)
        return;
    VrBlock **link = &first;
    for (VrBlock *b = first; b; b = *link) {
        if (host < b->host + b->n_bytes && b->host < host + size) {
            b->epoch = VR_BLOCK_DEAD_EPOCH;
            if (b->jit)
                vr_jit_block_retired(c->jit, b);
            *link = b->page_next;
        } else {
            link = &b->page_next;
        }
    }
    if (first)
        g_hash_table_insert(c->code_pages, page, first);
    else
        g_hash_table_remove(c->code_pages, page);
}

/* The write entries of one TLB that map to `page` (a host address). */
static void drop_write_entries_of(VrTlb *t, const uint8_t *page)
{
    for (unsigned i = 0; i < VR_TLB_SIZE; i++) {
        VrTlbEntry *e = &t->write[i];
        if (e->tag != VR_TLB_INVALID && (const uint8_t *) (e->tag + e->addend) == page)
            e->tag = VR_TLB_INVALID;
    }
}

/* A page starts holding code: this hart's fast store path must keep away from it. */
static void drop_write_entries(VrHart *h, const uint8_t *page)
{
    drop_write_entries_of(&h->tlb_m, page);
    for (unsigned k = 0; k < VR_TLB_SETS; k++) {
        VrTlbSet *s = &h->tlb_sets[k];
        if (!s->filled)
            continue;
        for (unsigned m = 0; m < VR_MMU_M; m++)
            drop_write_entries_of(&s->tlb[m], page);
    }
}

void vr_hart_flush_code(VrHart *h)
{
    vr_block_cache_flush(&h->cache);
}

static inline unsigned jump_index(uint64_t vpc)
{
    return (unsigned) ((vpc >> 1) ^ (vpc >> 13)) & ((1u << VR_JUMP_CACHE_BITS) - 1);
}

static inline unsigned table_index(const VrBlockCache *c, uint64_t vpc, const uint8_t *host)
{
    uint64_t k = (vpc >> 1) * 0x9e3779b97f4a7c15ull ^ (uint64_t) (uintptr_t) host;
    k ^= k >> 29;
    k *= 0xbf58476d1ce4e5b9ull;
    return (unsigned) (k >> (64 - c->table_bits));
}

static void *arena_alloc(VrBlockCache *c, size_t size)
{
    size = (size + 15) & ~(size_t) 15;
    if (c->arena_used + size > c->arena_size)
        return NULL;
    void *p = c->arena + c->arena_used;
    c->arena_used += size;
    return p;
}

static void retire(VrBlockCache *c, VrBlock *b)
{
    b->epoch = VR_BLOCK_DEAD_EPOCH;
    if (b->jit)
        vr_jit_block_retired(c->jit, b);
    void *page = page_of(b->host);
    VrBlock *first = g_hash_table_lookup(c->code_pages, page);
    VrBlock **link = &first;
    while (*link && *link != b)
        link = &(*link)->page_next;
    if (*link)
        *link = b->page_next;
    if (first)
        g_hash_table_insert(c->code_pages, page, first);
    else
        g_hash_table_remove(c->code_pages, page);
}

/* Whether a block from an older epoch still matches guest memory. */
static bool block_still_valid(VrHart *h, VrBlock *b)
{
    if (b->epoch == VR_BLOCK_DEAD_EPOCH)
        return false;
    if (memcmp(b->bytes, b->host, b->n_bytes) != 0) {
        retire(&h->cache, b);
        return false;
    }
    b->epoch = h->code_epoch;
    return true;
}

static VrBlock *decode_new(VrHart *h, uint64_t pc, const uint8_t *host)
{
    VrBlockCache *c = &h->cache;
    unsigned avail = (unsigned) (VR_PAGE_SIZE - (pc & (VR_PAGE_SIZE - 1)));
    size_t max_size = sizeof(VrBlock) + (VR_BLOCK_MAX_INSNS + 1) * sizeof(VrInsn);
    if (c->arena_used + max_size + 4 * VR_BLOCK_MAX_INSNS + 64 > c->arena_size)
        vr_block_cache_flush(c);
    VrBlock *b = (VrBlock *) (c->arena + c->arena_used);
    memset(b, 0, sizeof(*b));
    b->vpc = pc;
    b->host = host;
    b->cached = true;
    b->epoch = h->code_epoch;
    size_t n_slots = vr_decode_block(h, b, host, avail);
    if (b->n_bytes == 0)
        return NULL; /* the first instruction straddles the page end */
    c->arena_used += (sizeof(VrBlock) + n_slots * sizeof(VrInsn) + 15) & ~(size_t) 15;
    uint8_t *bytes = arena_alloc(c, b->n_bytes);
    memcpy(bytes, host, b->n_bytes);
    b->bytes = bytes;

    unsigned t = table_index(c, pc, host);
    b->hash_next = c->table[t];
    c->table[t] = b;
    c->n_blocks++;

    void *page = page_of(host);
    VrBlock *first = g_hash_table_lookup(c->code_pages, page);
    if (!first)
        drop_write_entries(h, page);
    b->page_next = first;
    g_hash_table_insert(c->code_pages, page, b);
    return b;
}

VrBlock *vr_block_lookup(VrHart *h)
{
    VrBlockCache *c = &h->cache;
    uint64_t pc = h->pc;
    const uint8_t *host;
    if (unlikely(c->flush_pending))
        vr_block_cache_flush(c);
    const VrTlbEntry *e = &h->tlb_fetch->exec[(pc >> VR_PAGE_BITS) & (VR_TLB_SIZE - 1)];
    if (likely(e->tag == (pc & VR_PAGE_MASK))) {
        host = (const uint8_t *) (uintptr_t) (pc + e->addend);
    } else {
        const uint8_t *page;
        bool whole_page = false;
        int cause = vr_fetch_page(h, pc, &page, &whole_page);
        if (cause) {
            vr_hart_trap(h, (uint64_t) cause, pc, pc);
            return NULL;
        }
        /* A page that PMP splits is run an instruction at a time, each one checked. */
        if (!whole_page)
            return vr_block_fetch_single(h);
        host = page + (pc & (VR_PAGE_SIZE - 1));
    }

    unsigned j = jump_index(pc);
    VrBlock *b = c->jump[j];
    if (likely(b && b->vpc == pc && b->host == host)) {
        if (likely(b->epoch == h->code_epoch) || block_still_valid(h, b))
            return b;
    }

    /* Retired blocks met on the way leave the chain: code patched over and over would
     * otherwise make every lookup walk all the versions before it. Their memory stays in
     * the arena (links to them check the epoch) until the cache is emptied. */
    unsigned t = table_index(c, pc, host);
    for (VrBlock **link = &c->table[t]; (b = *link);) {
        if (b->epoch == VR_BLOCK_DEAD_EPOCH) {
            *link = b->hash_next;
            if (c->jump[jump_index(b->vpc)] == b)
                c->jump[jump_index(b->vpc)] = NULL;
            continue;
        }
        if (b->vpc == pc && b->host == host &&
            (b->epoch == h->code_epoch || block_still_valid(h, b))) {
            c->jump[j] = b;
            return b;
        }
        /* block_still_valid may have just retired it: unlinked on the next pass. */
        link = &b->hash_next;
    }

    b = decode_new(h, pc, host);
    if (!b)
        return vr_block_fetch_single(h);
    c->jump[j] = b;
    return b;
}

/* An instruction of the scratch block (single step, or one straddling two pages). */
static VrBlock *scratch_block(VrHart *h, const uint8_t *code, unsigned avail)
{
    VrBlock *b = &h->scratch.block;
    memset(b, 0, sizeof(*b));
    b->vpc = h->pc;
    b->cached = false;
    b->epoch = h->code_epoch;
    memcpy(h->scratch_bytes, code, avail > 4 ? 4 : avail);
    b->bytes = h->scratch_bytes;
    bool ends = false;
    unsigned len =
        vr_decode_insn(&b->insns[0], h->scratch_bytes, avail > 4 ? 4 : avail, b->vpc, &ends);
    b->insns[0].pc_off = 0;
    b->n_insns = 1;
    b->n_bytes = (uint16_t) len;
    b->end_vpc = b->vpc + len;
    if (!ends)
        b->insns[1] = (VrInsn){
            .op = vr_interp_ops()[VR_OP_CONT], .pc_off = (uint16_t) len, .kind = VR_OP_CONT};
    return b;
}

/* Fetches the instruction at h->pc into the scratch block, reading across a page end. The
 * second half of a 32-bit instruction is checked on its own (it may lie in another page or
 * beyond a PMP boundary: PMP's granule is 4 bytes, so its two halves cover all four). */
VrBlock *vr_block_fetch_single(VrHart *h)
{
    const uint8_t *page;
    uint64_t pc = h->pc;
    int cause = vr_fetch_page(h, pc, &page, NULL);
    if (cause) {
        vr_hart_trap(h, cause, pc, pc);
        return NULL;
    }
    uint8_t code[4];
    unsigned off = pc & (VR_PAGE_SIZE - 1);
    code[0] = page[off];
    code[1] = page[off + 1];
    if ((code[0] & 3) == 3) {
        const uint8_t *page2;
        cause = vr_fetch_page(h, pc + 2, &page2, NULL);
        if (cause) {
            vr_hart_trap(h, cause, pc + 2, pc);
            return NULL;
        }
        unsigned off2 = (unsigned) ((pc + 2) & (VR_PAGE_SIZE - 1));
        code[2] = page2[off2];
        code[3] = page2[off2 + 1];
    }
    return scratch_block(h, code, 4);
}
