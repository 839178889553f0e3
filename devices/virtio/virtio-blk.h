/* virtio-blk (VIRTIO 1.2, 5.2) backed by a raw image file or block device.
 *
 * Offers VIRTIO_BLK_F_SEG_MAX, SIZE_MAX, BLK_SIZE (512) and FLUSH (fdatasync); read-write
 * devices also DISCARD (punches holes) and WRITE_ZEROES; read-only devices offer RO and
 * answer writes with VIRTIO_BLK_S_IOERR. One request queue. Requests are done with
 * preadv/pwritev straight into guest memory on a small pool of worker threads of the disk's
 * own, so a slow disk holds up neither the I/O thread nor a hart; they complete in the order
 * they finish, and a flush waits for every request before it. A device reset and the
 * machine's quiesce wait for the requests in flight; freeing the device joins the workers.
 *
 * A CD drive (vr_virtio_blk_new_cdrom) is a read-only virtio-blk device whose disc can be
 * changed or taken out while the guest runs: an empty drive has capacity 0 and fails every
 * read; a change is a capacity change with a configuration change interrupt (5.2.2).
 *
 * The image is locked with an open file description lock (F_OFD_SETLK): a write lock for a
 * read-write device, a read lock for a read-only one, so two machines cannot write the
 * same image, and none reads an image another one writes.
 */
#ifndef VR_VIRTIO_BLK_H
#define VR_VIRTIO_BLK_H

#include "virtio.h"

/* Feature bits (5.2.3). */
#define VR_VIRTIO_BLK_F_SIZE_MAX     1
#define VR_VIRTIO_BLK_F_SEG_MAX      2
#define VR_VIRTIO_BLK_F_RO           5
#define VR_VIRTIO_BLK_F_BLK_SIZE     6
#define VR_VIRTIO_BLK_F_FLUSH        9
#define VR_VIRTIO_BLK_F_DISCARD      13
#define VR_VIRTIO_BLK_F_WRITE_ZEROES 14

/* Request types and status values (5.2.6). */
#define VR_VIRTIO_BLK_T_IN           0
#define VR_VIRTIO_BLK_T_OUT          1
#define VR_VIRTIO_BLK_T_FLUSH        4
#define VR_VIRTIO_BLK_T_GET_ID       8
#define VR_VIRTIO_BLK_T_DISCARD      11
#define VR_VIRTIO_BLK_T_WRITE_ZEROES 13
#define VR_VIRTIO_BLK_S_OK           0
#define VR_VIRTIO_BLK_S_IOERR        1
#define VR_VIRTIO_BLK_S_UNSUPP       2

#define VR_VIRTIO_BLK_QUEUE_SIZE   256
#define VR_VIRTIO_BLK_SIZE_MAX     (1u << 20) /* bytes in one segment */
#define VR_VIRTIO_BLK_SEG_MAX      (VR_VIRTIO_BLK_QUEUE_SIZE - 2)
#define VR_VIRTIO_BLK_MAX_DISCARD  (1u << 23) /* sectors in one discard/write-zeroes segment */
#define VR_VIRTIO_BLK_DISCARD_SEGS 32
#define VR_VIRTIO_BLK_ID_BYTES     20

/* Opens the image at path. Errors (a GError naming the file): it does not exist or cannot
 * be opened, is a directory or not a file, is empty or not a multiple of 512 bytes, or is
 * locked by another machine. */
VrVirtioDevice *vr_virtio_blk_new(const char *path, bool readonly, GError **error);
/* The same; read-write through a path that ends in a symbolic link only with follow_symlink
 * (else refused, naming the link and the file it leads to). vr_virtio_blk_new() does not
 * follow. */
VrVirtioDevice *vr_virtio_blk_open(const char *path, bool readonly, bool follow_symlink,
                                   GError **error);
/* Sets the serial number the guest reads with VIRTIO_BLK_T_GET_ID (up to 20 ASCII
 * characters; longer is cut). The default is the image's file name. Call before the device
 * is attached to a transport. */
void vr_virtio_blk_set_serial(VrVirtioDevice *dev, const char *serial);
/* For tests: called on the worker before it carries out each request (type is the request
 * type, or UINT32_MAX for a header too short to have one). Set it before the device is
 * attached. */
typedef void (*VrVirtioBlkRequestHook)(void *opaque, uint32_t type);
void vr_virtio_blk_set_request_hook(VrVirtioDevice *dev, VrVirtioBlkRequestHook hook, void *opaque);
/* A CD drive holding the image at path (read-only), or an empty one (path NULL). */
VrVirtioDevice *vr_virtio_blk_new_cdrom(const char *path, GError **error);
/* Puts the image at path in the CD drive dev (NULL: ejects the disc). The new image is
 * opened and checked first: on an error the old disc stays. Requests already running finish
 * on the old disc, later ones go to the new one. Thread-safe; not from a device callback. */
bool vr_virtio_blk_change_medium(VrVirtioDevice *dev, const char *path, GError **error);
bool vr_virtio_blk_is_cdrom(VrVirtioDevice *dev);
/* Capacity in 512-byte sectors. */
uint64_t vr_virtio_blk_capacity(VrVirtioDevice *dev);

#endif
