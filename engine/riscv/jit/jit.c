/* The JIT tier's code cache and the glue between compiled code and the interpreter.
 *
 * Compiled code lives in one memory file mapped twice: written through a read-write view,
 * run from a read-execute view, so no page is ever writable and executable at once. The
 * cache has a fixed size; when it is full, the whole block cache (and with it every
 * compiled block) is emptied at the next lookup, and hot code is compiled again.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "../hart.h"
#include "jit.h"

#define CODE_SIZE_DEFAULT (32u << 20)

struct VrJit {
    uint8_t *rw; /* the writable view */
    uint8_t *rx; /* the executable view of the same memory */
    size_t size;
    size_t used;
    size_t reserved; /* the start of the cache that survives a reset (entry and exit code) */
    uint64_t n_compiled;
    uint64_t n_resets;
};

static size_t code_size(void)
{
    const char *env = g_getenv("VIREO_JIT_CACHE_KB");
    guint64 kb = 0;
    if (env && g_ascii_string_to_unsigned(env, 10, 64, 1u << 20, &kb, NULL))
        return (size_t) kb << 10;
    return CODE_SIZE_DEFAULT;
}

void vr_jit_init(VrHart *h)
{
    if (h->cache.jit)
        return;
    VrJit *jit = g_new0(VrJit, 1);
    jit->size = (code_size() + 4095) & ~(size_t) 4095;
    int fd = memfd_create("vireo-jit", MFD_CLOEXEC);
    if (fd < 0 || ftruncate(fd, (off_t) jit->size) < 0)
        g_error("cannot make the JIT's code cache: %s", g_strerror(errno));
    jit->rw = mmap(NULL, jit->size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    jit->rx = mmap(NULL, jit->size, PROT_READ | PROT_EXEC, MAP_SHARED, fd, 0);
    close(fd);
    if (jit->rw == MAP_FAILED || jit->rx == MAP_FAILED)
        g_error("cannot map the JIT's code cache: %s", g_strerror(errno));
    h->cache.jit = jit;
}

void vr_jit_destroy(VrHart *h)
{
    VrJit *jit = h->cache.jit;
    if (!jit)
        return;
    munmap(jit->rw, jit->size);
    munmap(jit->rx, jit->size);
    g_free(jit);
    h->cache.jit = NULL;
}

void vr_jit_reset(VrJit *jit)
{
    jit->used = jit->reserved;
    jit->n_resets++;
}

bool vr_jit_compile(VrHart *h, VrBlock *b)
{
    (void) h;
    b->jit_failed = true;
    return false;
}
