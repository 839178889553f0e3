/* PMP register access for the PMP tests: entries by number, NAPOT encoding. */
#ifndef PRIV_PMP_H
#define PRIV_PMP_H

#include "priv.h"

#define PMP_ENTRIES 16

#define PMP_ADDR_CASE(n)              \
    case n:                           \
        if (write)                    \
            write_csr(pmpaddr##n, v); \
        return read_csr(pmpaddr##n);

/* Write (when write) then read pmpaddr[i]. */
static inline uint64_t pmp_addr_rw(int i, int write, uint64_t v)
{
    switch (i) {
        PMP_ADDR_CASE(0)
        PMP_ADDR_CASE(1)
        PMP_ADDR_CASE(2)
        PMP_ADDR_CASE(3)
        PMP_ADDR_CASE(4)
        PMP_ADDR_CASE(5)
        PMP_ADDR_CASE(6)
        PMP_ADDR_CASE(7)
        PMP_ADDR_CASE(8)
        PMP_ADDR_CASE(9)
        PMP_ADDR_CASE(10)
        PMP_ADDR_CASE(11)
        PMP_ADDR_CASE(12)
        PMP_ADDR_CASE(13)
        PMP_ADDR_CASE(14)
        PMP_ADDR_CASE(15)
    }
    return 0;
}
static inline void pmp_set_addr(int i, uint64_t v)
{
    pmp_addr_rw(i, 1, v);
}
static inline uint64_t pmp_get_addr(int i)
{
    return pmp_addr_rw(i, 0, 0);
}

static inline uint8_t pmp_get_cfg(int i)
{
    uint64_t c = i < 8 ? read_csr(pmpcfg0) : read_csr(pmpcfg2);
    return (uint8_t) (c >> (8 * (i & 7)));
}
static inline void pmp_set_cfg(int i, uint8_t cfg)
{
    uint64_t c = i < 8 ? read_csr(pmpcfg0) : read_csr(pmpcfg2);
    unsigned sh = 8 * (unsigned) (i & 7);
    c = (c & ~(0xffUL << sh)) | ((uint64_t) cfg << sh);
    if (i < 8)
        write_csr(pmpcfg0, c);
    else
        write_csr(pmpcfg2, c);
}

/* pmpaddr for a naturally aligned power-of-two region (size >= 8). */
static inline uint64_t pmp_napot(uint64_t base, uint64_t size)
{
    return (base >> 2) | ((size >> 3) - 1);
}

/* Program entry i and flush (a hart with paging may cache PMP results with
 * translations). */
static inline void pmp_set(int i, uint64_t addr, uint8_t cfg)
{
    pmp_set_cfg(i, 0);
    pmp_set_addr(i, addr);
    pmp_set_cfg(i, cfg);
    sfence_all();
}

/* Entries 0..14 off; entry 15 opens all memory to S and U as the runtime's entry 0 did.
 * Only for unlocked entries. */
static inline void pmp_reset(void)
{
    pmp_set_addr(15, ~0UL);
    pmp_set_cfg(15, PMP_NAPOT | PMP_R | PMP_W | PMP_X);
    write_csr(pmpcfg0, 0);
    write_csr(pmpcfg2, (uint64_t) (PMP_NAPOT | PMP_R | PMP_W | PMP_X) << 56);
    for (int i = 0; i < 15; i++)
        pmp_set_addr(i, 0);
    sfence_all();
}

#endif
