/* The virtio-mmio transport, version 2 (VIRTIO 1.2, 4.2): a register block of
 * VR_VIRTIO_MMIO_SIZE bytes with one interrupt line, in front of one virtio device.
 *
 * Board use (riscv64-virt: slot i at 0x1000_1000 + 0x1000 * i, PLIC source 1 + i):
 *
 *     VrVirtioDevice *dev = vr_virtio_blk_new(path, readonly, &error);
 *     VrVirtioMmio *t = vr_virtio_mmio_new(as, dev, &irq, io);   // takes dev
 *     vr_address_space_add_mmio(as, "virtio-mmio0", base, VR_VIRTIO_MMIO_SIZE,
 *                               vr_virtio_mmio_ops(), t);
 *     ... device tree: compatible = "virtio,mmio"; reg = <base 0x200>; interrupts = <1 + i>;
 *     ... at teardown, after the harts and the I/O thread have stopped:
 *     vr_virtio_mmio_free(t);
 *
 * Threads and locks:
 * - Register accesses come from hart threads (several at once) and take the transport's
 *   register lock, held only for a few instructions. QueueNotify takes no lock at all: it
 *   sets the queue's bit in an atomic mask and raises a VrIoNotifier.
 * - Queues are processed on the machine's I/O thread under the transport's queue lock
 *   (virtio-blk only hands requests to its workers there), never holding up a hart reading
 *   InterruptStatus. Raising the
 *   interrupt from there takes the register lock briefly (order: queue lock, then register
 *   lock; never the other way).
 * - What changes the queues under the device (Status writes, including reset, and
 *   QueueReady) takes both locks, queue lock first: a hart resetting the device waits until
 *   the I/O thread has finished the request in hand (it asks the device to stop popping
 *   first, so that is at most one request); a reset also waits for a device's requests in
 *   flight on its workers (the drain hook), with the register lock not yet taken. Status
 *   and the queue states are only written with both locks held, so the I/O thread may
 *   read them under the queue lock alone.
 * - A device handles at most one batch (256 requests) per turn and then kicks itself, so
 *   a guest flooding one queue does not starve the other devices on the I/O thread.
 * - Configuration space reads take the register lock, and a device changes its
 *   configuration with vr_virtio_device_config_update (under the same lock, with the
 *   ConfigGeneration bump), so a driver never sees half an update. Configuration writes
 *   take no transport lock (virtio-console's emergency write calls its backend).
 * - Without an I/O thread (io == NULL, handy in tests) queues are processed on the thread
 *   that kicked them, under the same queue lock; a kick that finds the lock taken (from
 *   inside that processing, or a disk worker while a reset waits for it) leaves its bit for
 *   the holder, who looks at the pending queues again when it lets go.
 * - The interrupt line is set from hart threads and the I/O thread; its set callback must
 *   be thread-safe and must not call back into the transport (it runs with the register
 *   lock held).
 * A guest that breaks the virtqueue rules gets DEVICE_NEEDS_RESET with a configuration
 * change interrupt and one rate-limited log line; the host goes on.
 */
#ifndef VR_VIRTIO_MMIO_H
#define VR_VIRTIO_MMIO_H

#include "virtio.h"
#include "vr-device.h"
#include "vr-iothread.h"
#include "vr-irq.h"
#include "vr-memory.h"

#define VR_VIRTIO_MMIO_SIZE 0x200

/* Register offsets (4.2.2). */
#define VR_VIRTIO_MMIO_MAGIC_VALUE         0x000
#define VR_VIRTIO_MMIO_VERSION             0x004
#define VR_VIRTIO_MMIO_DEVICE_ID           0x008
#define VR_VIRTIO_MMIO_VENDOR_ID           0x00c
#define VR_VIRTIO_MMIO_DEVICE_FEATURES     0x010
#define VR_VIRTIO_MMIO_DEVICE_FEATURES_SEL 0x014
#define VR_VIRTIO_MMIO_DRIVER_FEATURES     0x020
#define VR_VIRTIO_MMIO_DRIVER_FEATURES_SEL 0x024
#define VR_VIRTIO_MMIO_QUEUE_SEL           0x030
#define VR_VIRTIO_MMIO_QUEUE_NUM_MAX       0x034
#define VR_VIRTIO_MMIO_QUEUE_NUM           0x038
#define VR_VIRTIO_MMIO_QUEUE_READY         0x044
#define VR_VIRTIO_MMIO_QUEUE_NOTIFY        0x050
#define VR_VIRTIO_MMIO_INTERRUPT_STATUS    0x060
#define VR_VIRTIO_MMIO_INTERRUPT_ACK       0x064
#define VR_VIRTIO_MMIO_STATUS              0x070
#define VR_VIRTIO_MMIO_QUEUE_DESC_LOW      0x080
#define VR_VIRTIO_MMIO_QUEUE_DESC_HIGH     0x084
#define VR_VIRTIO_MMIO_QUEUE_DRIVER_LOW    0x090
#define VR_VIRTIO_MMIO_QUEUE_DRIVER_HIGH   0x094
#define VR_VIRTIO_MMIO_QUEUE_DEVICE_LOW    0x0a0
#define VR_VIRTIO_MMIO_QUEUE_DEVICE_HIGH   0x0a4
#define VR_VIRTIO_MMIO_SHM_SEL             0x0ac
#define VR_VIRTIO_MMIO_SHM_LEN_LOW         0x0b0
#define VR_VIRTIO_MMIO_SHM_LEN_HIGH        0x0b4
#define VR_VIRTIO_MMIO_SHM_BASE_LOW        0x0b8
#define VR_VIRTIO_MMIO_SHM_BASE_HIGH       0x0bc
#define VR_VIRTIO_MMIO_QUEUE_RESET         0x0c0
#define VR_VIRTIO_MMIO_CONFIG_GENERATION   0x0fc
#define VR_VIRTIO_MMIO_CONFIG              0x100

#define VR_VIRTIO_MMIO_MAGIC  0x74726976u /* "virt" */
#define VR_VIRTIO_MMIO_VENDOR 0x4f524956u /* "VIRO" */

/* InterruptStatus bits. */
#define VR_VIRTIO_MMIO_INT_VRING  0x1
#define VR_VIRTIO_MMIO_INT_CONFIG 0x2

typedef struct VrVirtioMmio VrVirtioMmio;

/* A transport in front of dev (which it takes and frees), reaching guest RAM through as and
 * interrupting through irq (copied; may be NULL). Queue work runs on io, or on the kicking
 * thread when io is NULL. */
VrVirtioMmio *vr_virtio_mmio_new(VrAddressSpace *as, VrVirtioDevice *dev, const VrIrq *irq,
                                 VrIoThread *io);
/* Frees the transport and its device. Call it on the I/O thread or after that thread has
 * stopped (vr_iothread_free), and after the harts have stopped. */
void vr_virtio_mmio_free(VrVirtioMmio *t);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(VrVirtioMmio, vr_virtio_mmio_free)

const VrMmioOps *vr_virtio_mmio_ops(void);
VrVirtioDevice *vr_virtio_mmio_device(VrVirtioMmio *t);
/* The transport (with its device) as a device of the machine. */
VrDevice *vr_virtio_mmio_base(VrVirtioMmio *t);

#endif
