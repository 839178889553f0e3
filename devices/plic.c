/* PLIC: priorities at 0x0, pending bits at 0x1000, enables at 0x2000 + 0x80 * context,
 * threshold and claim/complete at 0x200000 + 0x1000 * context. Context 2h is hart h's
 * M-mode, 2h + 1 its S-mode. Sources are level-triggered through a gateway: a source is
 * pending while its line is high and it is not being served. */
#include <glib.h>
#include <string.h>

#include "plic.h"

#define N_WORDS       ((VR_PLIC_NUM_SOURCES + 31) / 32)
#define PRIORITY_MASK 7

/* The "dev:plic" payload: u32 version, u32 number of sources, u32 number of contexts; each
 * source's priority (u32); the pending, claimed and level bits (u32 words); then per context
 * its enable words, threshold (u32) and output line level (bool). */
#define PLIC_STATE_VERSION 1

typedef struct {
    uint32_t enable[N_WORDS];
    uint32_t threshold;
    bool output;
} PlicContext;

struct VrPlic {
    VrDevice dev;
    GMutex lock;
    VrIrq *lines; /* per context */
    unsigned n_contexts;
    uint32_t priority[VR_PLIC_NUM_SOURCES];
    uint32_t pending[N_WORDS];
    uint32_t claimed[N_WORDS];
    uint32_t level[N_WORDS];
    PlicContext *ctx;
};

static bool bit(const uint32_t *words, unsigned i)
{
    return (words[i / 32] >> (i % 32)) & 1;
}

static void set_bit(uint32_t *words, unsigned i, bool v)
{
    if (v)
        words[i / 32] |= 1u << (i % 32);
    else
        words[i / 32] &= ~(1u << (i % 32));
}

/* The source a claim by context c would get: highest priority above the threshold, ties to
 * the lowest number; 0 for none. */
static unsigned best_source(const VrPlic *p, unsigned c)
{
    unsigned best = 0, best_prio = p->ctx[c].threshold;
    for (unsigned w = 0; w < N_WORDS; w++) {
        uint32_t cand = p->pending[w] & p->ctx[c].enable[w];
        while (cand) {
            unsigned s = w * 32 + (unsigned) __builtin_ctz(cand);
            cand &= cand - 1;
            if (p->priority[s] > best_prio) {
                best = s;
                best_prio = p->priority[s];
            }
        }
    }
    return best;
}

/* Recomputes every context's output line and tells the harts. Called with the lock held. */
static void update(VrPlic *p)
{
    for (unsigned c = 0; c < p->n_contexts; c++) {
        bool out = best_source(p, c) != 0;
        if (out != p->ctx[c].output) {
            p->ctx[c].output = out;
            vr_irq_set(&p->lines[c], out);
        }
    }
}

static void plic_set_line(void *opaque, unsigned source, bool level)
{
    VrPlic *p = opaque;
    g_mutex_lock(&p->lock);
    set_bit(p->level, source, level);
    if (level && !bit(p->claimed, source))
        set_bit(p->pending, source, true);
    update(p);
    g_mutex_unlock(&p->lock);
}

VrIrq vr_plic_irq(VrPlic *p, unsigned source)
{
    g_assert(source > 0 && source < VR_PLIC_NUM_SOURCES);
    return (VrIrq){.set = plic_set_line, .opaque = p, .line = source};
}

static bool plic_read(void *opaque, uint64_t offset, unsigned size, uint64_t *value)
{
    VrPlic *p = opaque;
    if (size != 4)
        return false;
    uint32_t v = 0;
    g_mutex_lock(&p->lock);
    if (offset < 0x1000) {
        unsigned s = (unsigned) (offset / 4);
        if (s < VR_PLIC_NUM_SOURCES)
            v = p->priority[s];
    } else if (offset < 0x2000) {
        unsigned w = (unsigned) ((offset - 0x1000) / 4);
        if (w < N_WORDS)
            v = p->pending[w];
    } else if (offset < 0x200000) {
        unsigned c = (unsigned) ((offset - 0x2000) / 0x80);
        unsigned w = (unsigned) ((offset - 0x2000) % 0x80 / 4);
        if (c < p->n_contexts && w < N_WORDS)
            v = p->ctx[c].enable[w];
    } else {
        unsigned c = (unsigned) ((offset - 0x200000) / 0x1000);
        unsigned reg = (unsigned) ((offset - 0x200000) % 0x1000);
        if (c < p->n_contexts) {
            if (reg == 0) {
                v = p->ctx[c].threshold;
            } else if (reg == 4) {
                unsigned s = best_source(p, c);
                if (s) {
                    set_bit(p->pending, s, false);
                    set_bit(p->claimed, s, true);
                }
                v = s;
                update(p);
            }
        }
    }
    g_mutex_unlock(&p->lock);
    *value = v;
    return true;
}

static bool plic_write(void *opaque, uint64_t offset, unsigned size, uint64_t value)
{
    VrPlic *p = opaque;
    if (size != 4)
        return false;
    uint32_t v = (uint32_t) value;
    g_mutex_lock(&p->lock);
    if (offset < 0x1000) {
        unsigned s = (unsigned) (offset / 4);
        if (s > 0 && s < VR_PLIC_NUM_SOURCES)
            p->priority[s] = v & PRIORITY_MASK;
    } else if (offset < 0x2000) {
        /* Pending bits are read-only. */
    } else if (offset < 0x200000) {
        unsigned c = (unsigned) ((offset - 0x2000) / 0x80);
        unsigned w = (unsigned) ((offset - 0x2000) % 0x80 / 4);
        if (c < p->n_contexts && w < N_WORDS)
            p->ctx[c].enable[w] = w == 0 ? v & ~1u : v; /* source 0 does not exist */
    } else {
        unsigned c = (unsigned) ((offset - 0x200000) / 0x1000);
        unsigned reg = (unsigned) ((offset - 0x200000) % 0x1000);
        if (c < p->n_contexts) {
            if (reg == 0) {
                p->ctx[c].threshold = v & PRIORITY_MASK;
            } else if (reg == 4 && v > 0 && v < VR_PLIC_NUM_SOURCES && bit(p->claimed, v)) {
                /* Completion: the gateway forwards the line again if it is still high. */
                set_bit(p->claimed, v, false);
                if (bit(p->level, v))
                    set_bit(p->pending, v, true);
            }
        }
    }
    update(p);
    g_mutex_unlock(&p->lock);
    return true;
}

static const VrMmioOps plic_ops = {
    .read = plic_read,
    .write = plic_write,
};

const VrMmioOps *vr_plic_ops(void)
{
    return &plic_ops;
}

static void plic_device_reset(VrDevice *dev)
{
    vr_plic_reset((VrPlic *) dev);
}

static void plic_save(VrDevice *dev, VrStateWriter *w)
{
    VrPlic *p = (VrPlic *) dev;
    g_mutex_lock(&p->lock);
    vr_state_put_u32(w, PLIC_STATE_VERSION);
    vr_state_put_u32(w, VR_PLIC_NUM_SOURCES);
    vr_state_put_u32(w, p->n_contexts);
    for (unsigned s = 0; s < VR_PLIC_NUM_SOURCES; s++)
        vr_state_put_u32(w, p->priority[s]);
    for (unsigned i = 0; i < N_WORDS; i++) {
        vr_state_put_u32(w, p->pending[i]);
        vr_state_put_u32(w, p->claimed[i]);
        vr_state_put_u32(w, p->level[i]);
    }
    for (unsigned c = 0; c < p->n_contexts; c++) {
        for (unsigned i = 0; i < N_WORDS; i++)
            vr_state_put_u32(w, p->ctx[c].enable[i]);
        vr_state_put_u32(w, p->ctx[c].threshold);
        vr_state_put_bool(w, p->ctx[c].output);
    }
    g_mutex_unlock(&p->lock);
}

/* Reads into a scratch PLIC so that a refused state leaves the device as it was. The context
 * lines are not driven: each hart restores its own pending bits, and the devices behind the
 * sources their own remembered levels, so every line stays as it was saved. */
static bool plic_load(VrDevice *dev, VrStateReader *r)
{
    VrPlic *p = (VrPlic *) dev;
    uint32_t version = vr_state_get_u32(r);
    if (!vr_state_reader_failed(r) && version != PLIC_STATE_VERSION)
        vr_state_reader_invalid(r, "PLIC state version %u is not known (expected %u)", version,
                                PLIC_STATE_VERSION);
    uint32_t n_sources = vr_state_get_u32(r);
    if (!vr_state_reader_failed(r) && n_sources != VR_PLIC_NUM_SOURCES)
        vr_state_reader_invalid(r, "the PLIC had %u sources, this one has %u", n_sources,
                                VR_PLIC_NUM_SOURCES);
    uint32_t n_contexts = vr_state_get_u32(r);
    if (!vr_state_reader_failed(r) && n_contexts != p->n_contexts)
        vr_state_reader_invalid(r, "the PLIC served %u contexts, this machine has %u", n_contexts,
                                p->n_contexts);
    if (vr_state_reader_failed(r))
        return false;

    VrPlic in = {.n_contexts = p->n_contexts};
    g_autofree PlicContext *ctx = g_new0(PlicContext, p->n_contexts);
    in.ctx = ctx;
    for (unsigned s = 0; s < VR_PLIC_NUM_SOURCES; s++) {
        in.priority[s] = vr_state_get_u32(r);
        if (!vr_state_reader_failed(r) &&
            (in.priority[s] > PRIORITY_MASK || (s == 0 && in.priority[s])))
            vr_state_reader_invalid(r, "source %u has priority %u (0 to %u, source 0 none)", s,
                                    in.priority[s], PRIORITY_MASK);
    }
    for (unsigned i = 0; i < N_WORDS; i++) {
        in.pending[i] = vr_state_get_u32(r);
        in.claimed[i] = vr_state_get_u32(r);
        in.level[i] = vr_state_get_u32(r);
    }
    for (unsigned c = 0; c < in.n_contexts; c++) {
        for (unsigned i = 0; i < N_WORDS; i++)
            ctx[c].enable[i] = vr_state_get_u32(r);
        ctx[c].threshold = vr_state_get_u32(r);
        ctx[c].output = vr_state_get_bool(r);
        if (!vr_state_reader_failed(r) && ctx[c].threshold > PRIORITY_MASK)
            vr_state_reader_invalid(r, "context %u has threshold %u (0 to %u)", c, ctx[c].threshold,
                                    PRIORITY_MASK);
        if (!vr_state_reader_failed(r) && (ctx[c].enable[0] & 1))
            vr_state_reader_invalid(r, "context %u enables source 0, which does not exist", c);
    }
    if (vr_state_reader_failed(r))
        return false;
    if ((in.pending[0] | in.claimed[0] | in.level[0]) & 1) {
        vr_state_reader_invalid(r, "source 0, which does not exist, is pending, claimed or high");
        return false;
    }
    for (unsigned i = 0; i < N_WORDS; i++) {
        if (in.pending[i] & in.claimed[i]) {
            vr_state_reader_invalid(r, "source %u is both pending and claimed",
                                    i * 32 +
                                        (unsigned) __builtin_ctz(in.pending[i] & in.claimed[i]));
            return false;
        }
    }
    /* An output line is what the other registers make it; a saved one that disagrees was
     * not written by this PLIC. */
    for (unsigned c = 0; c < in.n_contexts; c++) {
        if (ctx[c].output != (best_source(&in, c) != 0)) {
            vr_state_reader_invalid(r, "context %u's line is %s, but its sources make it %s", c,
                                    ctx[c].output ? "high" : "low", ctx[c].output ? "low" : "high");
            return false;
        }
    }

    g_mutex_lock(&p->lock);
    memcpy(p->priority, in.priority, sizeof(p->priority));
    memcpy(p->pending, in.pending, sizeof(p->pending));
    memcpy(p->claimed, in.claimed, sizeof(p->claimed));
    memcpy(p->level, in.level, sizeof(p->level));
    memcpy(p->ctx, ctx, sizeof(PlicContext) * p->n_contexts);
    g_mutex_unlock(&p->lock);
    return true;
}

static void plic_device_free(VrDevice *dev)
{
    vr_plic_free((VrPlic *) dev);
}

static const VrDeviceOps plic_device_ops = {
    .reset = plic_device_reset,
    .save = plic_save,
    .load = plic_load,
    .free = plic_device_free,
};

VrPlic *vr_plic_new(unsigned n_contexts, const VrIrq *contexts)
{
    VrPlic *p = g_new0(VrPlic, 1);
    p->dev.ops = &plic_device_ops;
    g_mutex_init(&p->lock);
    p->n_contexts = n_contexts;
    p->lines = g_memdup2(contexts, sizeof(VrIrq) * n_contexts);
    p->ctx = g_new0(PlicContext, p->n_contexts);
    return p;
}

VrDevice *vr_plic_device(VrPlic *p)
{
    return &p->dev;
}

void vr_plic_reset(VrPlic *p)
{
    g_mutex_lock(&p->lock);
    memset(p->priority, 0, sizeof(p->priority));
    memset(p->pending, 0, sizeof(p->pending));
    memset(p->claimed, 0, sizeof(p->claimed));
    for (unsigned c = 0; c < p->n_contexts; c++) {
        memset(p->ctx[c].enable, 0, sizeof(p->ctx[c].enable));
        p->ctx[c].threshold = 0;
    }
    /* Lines still high become pending again through the gateway. */
    memcpy(p->pending, p->level, sizeof(p->pending));
    update(p);
    g_mutex_unlock(&p->lock);
}

void vr_plic_free(VrPlic *p)
{
    if (!p)
        return;
    g_mutex_clear(&p->lock);
    g_free(p->lines);
    g_free(p->ctx);
    g_free(p);
}
