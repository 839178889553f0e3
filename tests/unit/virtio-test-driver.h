/* A tiny virtio-mmio driver for unit tests: it drives a transport through the address space
 * the way a guest's driver does (32-bit register accesses, rings in guest RAM). */
#ifndef VIRTIO_TEST_DRIVER_H
#define VIRTIO_TEST_DRIVER_H

#include <glib.h>
#include <stdbool.h>
#include <stdint.h>

#include "virtio/virtio-mmio.h"
#include "virtio/virtio.h"
#include "virtio/virtqueue.h"
#include "vr-iothread.h"
#include "vr-memory.h"

#define TD_RAM_BASE  0x80000000ull
#define TD_MMIO_BASE 0x10001000ull
#define TD_IRQ_LINE  3

typedef struct {
    VrAddressSpace *as;
    VrVirtioMmio *t;
    VrVirtioDevice *dev;
    VrIoThread *io;
    uint64_t ram_size;
    uint64_t next_alloc;
    gint irq_level; /* atomic: the line as the device last set it */
    gint irq_rises; /* atomic: 0 -> 1 transitions */
    gint irq_bad;   /* atomic: set on a wrong line number */
    bool want_iothread;
    bool owns_io;
} TdMachine;

typedef struct {
    unsigned index;
    uint16_t size;
    uint64_t desc, avail, used; /* guest addresses */
    uint16_t avail_idx;         /* the driver's next available index */
    uint16_t used_seen;         /* used entries the driver has taken */
} TdQueue;

/* One buffer of a chain the test builds. */
typedef struct {
    uint64_t addr;
    uint32_t len;
    bool writable;
} TdBuf;

/* Registers fn twice, as path/sync and path/io: td_with_iothread() tells which one runs. */
void td_add_both(const char *path, GTestFunc fn);
bool td_with_iothread(void);

/* Guest RAM of ram_size bytes at TD_RAM_BASE, the device at TD_MMIO_BASE; an I/O thread
 * when with_iothread. */
void td_init(TdMachine *m, VrVirtioDevice *dev, uint64_t ram_size, bool with_iothread);
void td_free(TdMachine *m);
/* As td_init, with the device's queue work on io (borrowed: another machine's I/O thread). */
void td_init_shared(TdMachine *m, VrVirtioDevice *dev, uint64_t ram_size, VrIoThread *io);
/* Frees the transport and its device (an I/O thread of the machine's own stops first); RAM
 * stays. td_attach puts a new transport in front of dev at the same address (and starts a
 * new I/O thread if the machine had one of its own). */
void td_detach(TdMachine *m);
void td_attach(TdMachine *m, VrVirtioDevice *dev);

uint32_t td_read(TdMachine *m, uint32_t offset);
void td_write(TdMachine *m, uint32_t offset, uint32_t value);
uint64_t td_read_sized(TdMachine *m, uint32_t offset, unsigned size);
void td_write_sized(TdMachine *m, uint32_t offset, unsigned size, uint64_t value);

/* Zeroed guest memory (bump allocation). */
uint64_t td_alloc(TdMachine *m, uint64_t size, uint64_t align);
void *td_host(TdMachine *m, uint64_t gpa);

/* ACKNOWLEDGE, DRIVER, accept features, FEATURES_OK; returns whether FEATURES_OK stuck. */
bool td_negotiate(TdMachine *m, uint64_t features);
uint64_t td_device_features(TdMachine *m);
/* Allocates rings in RAM and enables queue index with size entries. */
void td_queue_setup(TdMachine *m, TdQueue *q, unsigned index, uint16_t size);
void td_driver_ok(TdMachine *m);
/* The usual sequence: negotiate (VERSION_1 | extra), set up queues 0..n-1, DRIVER_OK. */
void td_start(TdMachine *m, uint64_t extra_features, TdQueue *queues, unsigned n, uint16_t size);

void td_set_desc(TdMachine *m, TdQueue *q, uint16_t i, uint64_t addr, uint32_t len, uint16_t flags,
                 uint16_t next);
/* Writes a descriptor into a table at gpa (an indirect table). */
void td_set_desc_at(TdMachine *m, uint64_t table, uint16_t i, uint64_t addr, uint32_t len,
                    uint16_t flags, uint16_t next);
/* Puts head in the available ring and publishes it. */
void td_publish(TdMachine *m, TdQueue *q, uint16_t head);
void td_kick(TdMachine *m, TdQueue *q);
/* Waits (up to 5 s) for a used entry, then for the device to go idle; returns false on
 * timeout. */
bool td_wait_used(TdMachine *m, TdQueue *q, uint32_t *id, uint32_t *len);
/* The device's used idx, as the driver sees it. */
uint16_t td_used_idx(TdMachine *m, TdQueue *q);
void td_set_avail_flags(TdMachine *m, TdQueue *q, uint16_t flags);
void td_set_used_event(TdMachine *m, TdQueue *q, uint16_t value);
uint16_t td_avail_event(TdMachine *m, TdQueue *q);

/* Builds a chain of n buffers in descriptors 0..n-1, publishes it, kicks and waits for the
 * device; returns the used length (G_MAXUINT32 on timeout). */
uint32_t td_submit(TdMachine *m, TdQueue *q, const TdBuf *bufs, unsigned n);
/* As td_submit, but through an indirect table holding the chain. */
uint32_t td_submit_indirect(TdMachine *m, TdQueue *q, const TdBuf *bufs, unsigned n);

/* Polls Status until DEVICE_NEEDS_RESET (up to 5 s). */
bool td_wait_needs_reset(TdMachine *m);
/* Waits until the I/O thread (if any) has run everything queued so far. */
void td_sync(TdMachine *m);

#endif
