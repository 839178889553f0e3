/* A guest driver that hands a virtio device a malformed descriptor chain (a loop, then an
 * index out of range, then a buffer outside RAM) gets the architected answer each time:
 * the device sets DEVICE_NEEDS_RESET and raises a configuration interrupt. After a reset
 * the same device serves a well-formed request. Uses the board's virtio-rng, which is the
 * first virtio-mmio slot when the machine has no disks. Vireo-only (QEMU's virt board has
 * no virtio-rng unless asked for). */
#include "rt.h"

#define VIRTIO_BASE 0x10001000UL
#define REG(off)    (VIRTIO_BASE + (off))

#define STATUS_ACK         1
#define STATUS_DRIVER      2
#define STATUS_DRIVER_OK   4
#define STATUS_FEATURES_OK 8
#define STATUS_NEEDS_RESET 0x40

#define DESC_F_NEXT  1
#define DESC_F_WRITE 2

#define QSIZE 8

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
static uint8_t buffer[64];

static void device_init(int n)
{
    mmio_write32(REG(0x070), 0);
    CHECK_EQ(n + 0, mmio_read32(REG(0x070)), 0);
    /* The rings start empty before the device may look at them. */
    rt_memset(&avail, 0, sizeof(avail));
    rt_memset(&used, 0, sizeof(used));
    mmio_write32(REG(0x070), STATUS_ACK | STATUS_DRIVER);
    mmio_write32(REG(0x014), 1);
    CHECK(n + 1, mmio_read32(REG(0x010)) & 1); /* VIRTIO_F_VERSION_1 */
    mmio_write32(REG(0x024), 1);
    mmio_write32(REG(0x020), 1);
    mmio_write32(REG(0x024), 0);
    mmio_write32(REG(0x020), 0);
    mmio_write32(REG(0x070), STATUS_ACK | STATUS_DRIVER | STATUS_FEATURES_OK);
    CHECK(n + 2, mmio_read32(REG(0x070)) & STATUS_FEATURES_OK);
    mmio_write32(REG(0x030), 0);
    CHECK(n + 3, mmio_read32(REG(0x034)) >= QSIZE);
    mmio_write32(REG(0x038), QSIZE);
    mmio_write32(REG(0x080), (uint32_t) (uint64_t) descs);
    mmio_write32(REG(0x084), (uint32_t) ((uint64_t) descs >> 32));
    mmio_write32(REG(0x090), (uint32_t) (uint64_t) &avail);
    mmio_write32(REG(0x094), (uint32_t) ((uint64_t) &avail >> 32));
    mmio_write32(REG(0x0a0), (uint32_t) (uint64_t) &used);
    mmio_write32(REG(0x0a4), (uint32_t) ((uint64_t) &used >> 32));
    mmio_write32(REG(0x044), 1);
    mmio_write32(REG(0x070), STATUS_ACK | STATUS_DRIVER | STATUS_FEATURES_OK | STATUS_DRIVER_OK);
}

static void submit(uint16_t head)
{
    avail.ring[avail.idx % QSIZE] = head;
    __asm__ volatile("fence rw, rw" ::: "memory");
    avail.idx++;
    __asm__ volatile("fence rw, rw" ::: "memory");
    mmio_write32(REG(0x050), 0);
}

/* Waits for the device to give up on the queue; returns the interrupt status. */
static uint32_t wait_needs_reset(int n)
{
    for (int i = 0; i < 20000000; i++) {
        if (mmio_read32(REG(0x070)) & STATUS_NEEDS_RESET)
            return mmio_read32(REG(0x060));
    }
    rt_fail(n, __FILE__, __LINE__, "device never set DEVICE_NEEDS_RESET");
}

int test_main(void)
{
    CHECK_EQ(1, mmio_read32(REG(0x000)), 0x74726976);
    CHECK_EQ(2, mmio_read32(REG(0x004)), 2);
    CHECK_EQ(3, mmio_read32(REG(0x008)), 4); /* entropy source */

    /* 1: a chain that loops back on itself. */
    device_init(10);
    descs[0] = (struct desc){(uint64_t) buffer, 16, DESC_F_WRITE | DESC_F_NEXT, 1};
    descs[1] = (struct desc){(uint64_t) buffer + 16, 16, DESC_F_WRITE | DESC_F_NEXT, 0};
    submit(0);
    CHECK(20, wait_needs_reset(20) & 2);
    CHECK_EQ(21, used.idx, 0);

    /* 2: a next index past the end of the table. */
    device_init(30);
    descs[0] = (struct desc){(uint64_t) buffer, 16, DESC_F_WRITE | DESC_F_NEXT, 200};
    submit(0);
    CHECK(40, wait_needs_reset(40) & 2);

    /* 3: a buffer where there is no RAM, and one that wraps the address space. */
    device_init(50);
    descs[0] = (struct desc){0x40000000UL, 16, DESC_F_WRITE, 0};
    submit(0);
    CHECK(60, wait_needs_reset(60) & 2);
    device_init(70);
    descs[0] = (struct desc){~0UL - 4, 64, DESC_F_WRITE, 0};
    submit(0);
    CHECK(80, wait_needs_reset(80) & 2);

    /* After a reset, a good request is served. */
    device_init(90);
    rt_memset(buffer, 0, sizeof(buffer));
    descs[0] = (struct desc){(uint64_t) buffer, 32, DESC_F_WRITE, 0};
    submit(0);
    int spins = 0;
    while (*(volatile uint16_t *) &used.idx == 0 && spins < 20000000)
        spins++;
    CHECK_EQ(100, used.idx, 1);
    CHECK_EQ(101, used.ring[0].id, 0);
    CHECK(102, used.ring[0].len > 0 && used.ring[0].len <= 32);
    CHECK_EQ(103, mmio_read32(REG(0x070)) & STATUS_NEEDS_RESET, 0);
    int nonzero = 0;
    for (int i = 0; i < 32; i++)
        nonzero += buffer[i] != 0;
    CHECK(104, nonzero > 8);
    rt_puts("virtio-bad-chain: every malformed chain refused, the device recovered\n");
    return 0;
}
