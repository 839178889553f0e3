/* A guest that writes a known stream of 512 KiB to the virtio console, one buffer at a time
 * as Linux's hvc driver does (it waits for each buffer to be used before the next). Run
 * with `--console virtio` (the console is the second virtio-mmio slot, after the
 * virtio-rng, when the machine has no disks) by virtio-console-slow-reader.py, which reads
 * it slower than the guest writes and checks that no byte is lost. */
#include "rt.h"

#define VIRTIO_BASE 0x10002000UL
#define REG(off)    (VIRTIO_BASE + (off))

#define STATUS_ACK         1
#define STATUS_DRIVER      2
#define STATUS_DRIVER_OK   4
#define STATUS_FEATURES_OK 8

#define QSIZE       8
#define TXQ         1
#define TOTAL_BYTES 0x80000
#define CHUNK       1024

struct desc {
    uint64_t addr;
    uint32_t len;
    uint16_t flags;
    uint16_t next;
};

static struct desc descs[QSIZE] __attribute__((aligned(16)));
static struct {
    uint16_t flags, idx, ring[QSIZE];
} avail __attribute__((aligned(4)));
static struct {
    uint16_t flags, idx;
    struct {
        uint32_t id, len;
    } ring[QSIZE];
} used __attribute__((aligned(8)));
static char buffer[CHUNK];

static void reg_write64(unsigned lo, uint64_t v)
{
    mmio_write32(REG(lo), (uint32_t) v);
    mmio_write32(REG(lo + 4), (uint32_t) (v >> 32));
}

int test_main(void)
{
    CHECK_EQ(1, mmio_read32(REG(0x000)), 0x74726976);
    CHECK_EQ(2, mmio_read32(REG(0x008)), 3); /* console */
    mmio_write32(REG(0x070), 0);
    mmio_write32(REG(0x070), STATUS_ACK | STATUS_DRIVER);
    mmio_write32(REG(0x024), 1);
    mmio_write32(REG(0x020), 1); /* VIRTIO_F_VERSION_1 */
    mmio_write32(REG(0x024), 0);
    mmio_write32(REG(0x020), 0);
    mmio_write32(REG(0x070), STATUS_ACK | STATUS_DRIVER | STATUS_FEATURES_OK);
    CHECK(3, mmio_read32(REG(0x070)) & STATUS_FEATURES_OK);
    mmio_write32(REG(0x030), TXQ);
    CHECK(4, mmio_read32(REG(0x034)) >= QSIZE);
    mmio_write32(REG(0x038), QSIZE);
    reg_write64(0x080, (uint64_t) descs);
    reg_write64(0x090, (uint64_t) &avail);
    reg_write64(0x0a0, (uint64_t) &used);
    mmio_write32(REG(0x044), 1);
    mmio_write32(REG(0x070), STATUS_ACK | STATUS_DRIVER | STATUS_FEATURES_OK | STATUS_DRIVER_OK);

    for (uint32_t sent = 0; sent < TOTAL_BYTES; sent += CHUNK) {
        for (uint32_t i = 0; i < CHUNK; i++)
            buffer[i] = (char) ('0' + ((sent + i) & 63));
        descs[0] = (struct desc){(uint64_t) buffer, CHUNK, 0, 0};
        avail.ring[avail.idx % QSIZE] = 0;
        __asm__ volatile("fence rw, rw" ::: "memory");
        uint16_t want = (uint16_t) (avail.idx + 1);
        avail.idx = want;
        __asm__ volatile("fence rw, rw" ::: "memory");
        mmio_write32(REG(0x050), TXQ);
        while (*(volatile uint16_t *) &used.idx != want)
            ;
        __asm__ volatile("fence rw, rw" ::: "memory");
    }
    return 0;
}
