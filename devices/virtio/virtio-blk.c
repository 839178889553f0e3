/* virtio-blk on a raw image, or a CD drive whose disc can change. */
#define G_LOG_DOMAIN "vireo-virtio"

#include "virtio-blk.h"

#include <errno.h>
#include <fcntl.h>
#include <gio/gio.h>
#include <limits.h>
#include <linux/falloc.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "virtqueue.h"
#include "vr-i18n.h"
#include "vr-input-file.h"

#define SECTOR       512
#define CONFIG_SIZE  60 /* through write_zeroes_may_unmap and its padding (5.2.4) */
#define REQ_HDR_SIZE 16
#define SEGMENT_SIZE 16
#define BATCH        256 /* requests before giving other devices on the thread a turn */

#define WORKERS 4 /* threads doing one disk's requests at once */

/* One request from the moment it is popped until it is pushed. */
typedef struct {
    GList link; /* in waiting, done or spare; data points back here */
    uint32_t type;
    uint32_t written; /* bytes of the writable part, once done */
    VrVirtqElement elem;
    struct iovec data[VR_VIRTQ_MAX_SIZE]; /* do_rw's view of the data buffers */
} BlkRequest;

typedef struct {
    VrVirtioDevice dev;
    int fd; /* -1: a CD drive with no disc */
    bool readonly;
    bool cdrom;
    uint64_t capacity; /* sectors */
    char *path;        /* NULL: no disc */
    char serial[VR_VIRTIO_BLK_ID_BYTES];
    uint8_t config[CONFIG_SIZE];
    VrRateLimit log;
    GThreadPool *pool;
    VrVirtioBlkRequestHook hook;
    void *hook_opaque;

    /* Popped and not yet pushed; queue lock. */
    unsigned outstanding;

    GMutex lock;      /* the lists and counts below */
    GCond idle;       /* signalled when nothing waits and nothing runs */
    GQueue waiting;   /* popped, held back by a flush (FIFO) */
    GQueue done;      /* finished, to be pushed by queue_notify */
    GQueue spare;     /* requests to reuse */
    unsigned running; /* handed to the pool */
    bool flush_running;
    bool closing;
    bool changing; /* the disc is being changed: nothing goes to the pool */
} VrVirtioBlk;

#define blk_error(b, ...) vr_virtio_log_guest_error(&(b)->log, (b)->dev.name, __VA_ARGS__)

static void put_le32(uint8_t *p, uint32_t v)
{
    v = GUINT32_TO_LE(v);
    memcpy(p, &v, 4);
}

static void put_le64(uint8_t *p, uint64_t v)
{
    v = GUINT64_TO_LE(v);
    memcpy(p, &v, 8);
}

static void blk_config_read(VrVirtioDevice *dev, uint32_t offset, uint8_t *buf, unsigned len)
{
    VrVirtioBlk *b = (VrVirtioBlk *) dev;
    /* Changed only by a disc change, through vr_virtio_device_config_update: the register
     * lock held here keeps it whole. */
    memcpy(buf, b->config + offset, len);
}

/* Whether [sector, sector + bytes / 512) lies on the disk. */
static bool in_range(VrVirtioBlk *b, uint64_t sector, uint64_t bytes)
{
    return sector <= b->capacity && bytes / SECTOR <= b->capacity - sector;
}

/* Reads or writes len bytes at sector through the iovecs. */
static uint8_t do_rw(VrVirtioBlk *b, BlkRequest *req, bool write, uint64_t sector,
                     const struct iovec *iov, unsigned n, size_t skip, size_t len)
{
    const char *what = write ? "write" : "read";
    if (b->fd < 0) {
        blk_error(b, "%s of an empty CD drive", what);
        return VR_VIRTIO_BLK_S_IOERR;
    }
    if (len % SECTOR) {
        blk_error(b, "%s of %zu bytes, not a multiple of 512", what, len);
        return VR_VIRTIO_BLK_S_IOERR;
    }
    if (!in_range(b, sector, len)) {
        blk_error(b,
                  "%s of %zu sectors at sector %" G_GUINT64_FORMAT
                  " goes past the end of the disk (%" G_GUINT64_FORMAT " sectors)",
                  what, len / SECTOR, sector, b->capacity);
        return VR_VIRTIO_BLK_S_IOERR;
    }
    if (len == 0)
        return VR_VIRTIO_BLK_S_OK;
    unsigned cnt = vr_iov_slice(iov, n, skip, len, req->data, VR_VIRTQ_MAX_SIZE);
    struct iovec *v = req->data;
    off_t off = (off_t) (sector * SECTOR);
    while (len > 0) {
        int chunk = (int) MIN(cnt, (unsigned) IOV_MAX);
        ssize_t r = write ? pwritev(b->fd, v, chunk, off) : preadv(b->fd, v, chunk, off);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0) {
            blk_error(b, "%s of %s at byte %lld failed: %s", what, b->path, (long long) off,
                      r < 0 ? g_strerror(errno) : "the image ended early");
            return VR_VIRTIO_BLK_S_IOERR;
        }
        off += r;
        len -= (size_t) r;
        /* Step over what was done. */
        while (cnt > 0 && (size_t) r >= v->iov_len) {
            r -= (ssize_t) v->iov_len;
            v++;
            cnt--;
        }
        if (r > 0) {
            v->iov_base = (uint8_t *) v->iov_base + r;
            v->iov_len -= (size_t) r;
        }
    }
    return VR_VIRTIO_BLK_S_OK;
}

static bool write_zeroes_slowly(VrVirtioBlk *b, off_t off, uint64_t len)
{
    static const uint8_t zeroes[64 * 1024];
    while (len > 0) {
        ssize_t r = pwrite(b->fd, zeroes, MIN(len, sizeof(zeroes)), off);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            return false;
        off += r;
        len -= (uint64_t) r;
    }
    return true;
}

static uint8_t do_discard(VrVirtioBlk *b, bool zeroes, const VrVirtqElement *e, size_t data)
{
    const char *what = zeroes ? "write-zeroes" : "discard";
    if (!vr_virtio_has_feature(&b->dev,
                               zeroes ? VR_VIRTIO_BLK_F_WRITE_ZEROES : VR_VIRTIO_BLK_F_DISCARD))
        return VR_VIRTIO_BLK_S_UNSUPP;
    if (data == 0 || data % SEGMENT_SIZE) {
        blk_error(b, "%s request with %zu bytes of segments, not a multiple of 16", what, data);
        return VR_VIRTIO_BLK_S_IOERR;
    }
    size_t nseg = data / SEGMENT_SIZE;
    if (nseg > VR_VIRTIO_BLK_DISCARD_SEGS) {
        blk_error(b, "%s request with %zu segments, more than the %u offered", what, nseg,
                  VR_VIRTIO_BLK_DISCARD_SEGS);
        return VR_VIRTIO_BLK_S_IOERR;
    }
    /* Check every segment before touching the image. */
    for (int pass = 0; pass < 2; pass++) {
        for (size_t i = 0; i < nseg; i++) {
            uint8_t seg[SEGMENT_SIZE];
            vr_iov_to_buf(e->iov, e->out_num, REQ_HDR_SIZE + i * SEGMENT_SIZE, seg, SEGMENT_SIZE);
            uint64_t sector;
            uint32_t num, flags;
            memcpy(&sector, seg, 8);
            memcpy(&num, seg + 8, 4);
            memcpy(&flags, seg + 12, 4);
            sector = GUINT64_FROM_LE(sector);
            num = GUINT32_FROM_LE(num);
            flags = GUINT32_FROM_LE(flags);
            bool unmap = flags & 1;
            if (pass == 0) {
                /* 5.2.6.2: unknown flags, or unmap on a discard, are unsupported. */
                if ((flags & ~1u) || (!zeroes && unmap))
                    return VR_VIRTIO_BLK_S_UNSUPP;
                if (num > VR_VIRTIO_BLK_MAX_DISCARD ||
                    !in_range(b, sector, (uint64_t) num * SECTOR)) {
                    blk_error(b,
                              "%s of %u sectors at sector %" G_GUINT64_FORMAT
                              " is too large or goes past the end of the disk",
                              what, num, sector);
                    return VR_VIRTIO_BLK_S_IOERR;
                }
                continue;
            }
            off_t off = (off_t) (sector * SECTOR);
            off_t len = (off_t) num * SECTOR;
            if (len == 0)
                continue;
            int r = -1;
            if (!zeroes || unmap)
                r = fallocate(b->fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, off, len);
            if (!zeroes) {
                /* Discarding is advice: a file system without holes may ignore it. */
                if (r < 0 && errno != EOPNOTSUPP && errno != ENOSYS) {
                    blk_error(b, "discard in %s failed: %s", b->path, g_strerror(errno));
                    return VR_VIRTIO_BLK_S_IOERR;
                }
                continue;
            }
            if (r < 0)
                r = fallocate(b->fd, FALLOC_FL_ZERO_RANGE | FALLOC_FL_KEEP_SIZE, off, len);
            if (r < 0 && !write_zeroes_slowly(b, off, (uint64_t) len)) {
                blk_error(b, "writing zeroes to %s failed: %s", b->path, g_strerror(errno));
                return VR_VIRTIO_BLK_S_IOERR;
            }
        }
    }
    return VR_VIRTIO_BLK_S_OK;
}

static uint8_t do_request(VrVirtioBlk *b, BlkRequest *req)
{
    VrVirtqElement *e = &req->elem;
    if (e->out_len < REQ_HDR_SIZE) {
        blk_error(b, "request of %u readable bytes, too short for a request header", e->out_len);
        return VR_VIRTIO_BLK_S_IOERR;
    }
    uint8_t hdr[REQ_HDR_SIZE];
    vr_iov_to_buf(e->iov, e->out_num, 0, hdr, sizeof(hdr));
    uint32_t type;
    uint64_t sector;
    memcpy(&type, hdr, 4);
    memcpy(&sector, hdr + 8, 8);
    type = GUINT32_FROM_LE(type);
    sector = GUINT64_FROM_LE(sector);
    size_t data_out = e->out_len - REQ_HDR_SIZE; /* after the header */
    size_t data_in = e->in_len - 1;              /* before the status byte */
    struct iovec *in = vr_virtq_element_in(e);

    switch (type) {
    case VR_VIRTIO_BLK_T_IN: return do_rw(b, req, false, sector, in, e->in_num, 0, data_in);
    case VR_VIRTIO_BLK_T_OUT:
        if (b->readonly) /* 5.2.6.2: no data written, IOERR */
            return VR_VIRTIO_BLK_S_IOERR;
        return do_rw(b, req, true, sector, e->iov, e->out_num, REQ_HDR_SIZE, data_out);
    case VR_VIRTIO_BLK_T_FLUSH:
        if (!b->readonly && fdatasync(b->fd) < 0) {
            blk_error(b, "flushing %s failed: %s", b->path, g_strerror(errno));
            return VR_VIRTIO_BLK_S_IOERR;
        }
        return VR_VIRTIO_BLK_S_OK;
    case VR_VIRTIO_BLK_T_GET_ID:
        vr_iov_from_buf(in, e->in_num, 0, b->serial, MIN(data_in, sizeof(b->serial)));
        return VR_VIRTIO_BLK_S_OK;
    case VR_VIRTIO_BLK_T_DISCARD:
    case VR_VIRTIO_BLK_T_WRITE_ZEROES:
        if (b->readonly)
            return VR_VIRTIO_BLK_S_UNSUPP;
        return do_discard(b, type == VR_VIRTIO_BLK_T_WRITE_ZEROES, e, data_out);
    default: return VR_VIRTIO_BLK_S_UNSUPP;
    }
}

/* Handles one request; returns the bytes written to its device-writable part. */
static uint32_t handle(VrVirtioBlk *b, BlkRequest *req)
{
    VrVirtqElement *e = &req->elem;
    if (e->in_len == 0) {
        blk_error(b, "request without a writable status byte; dropped");
        return 0;
    }
    uint8_t status = do_request(b, req);
    vr_iov_from_buf(vr_virtq_element_in(e), e->in_num, e->in_len - 1, &status, 1);
    /* The data (for reads) and the status byte end the writable part. */
    return e->in_len;
}

/* ---- Requests on the workers ----
 *
 * queue_notify (queue lock) pops requests and hands them to the disk's thread pool; a
 * worker does the I/O with no lock held, files the request under done (b->lock) and kicks
 * the queue, whose next queue_notify pushes it, in the order requests finish. A flush waits
 * until every request before it has finished, and the requests after it wait for the flush
 * (5.2.6: a flush covers the writes completed before it; waiting for all of them is the
 * simple way to be sure). */

static BlkRequest *request_get(VrVirtioBlk *b)
{
    g_mutex_lock(&b->lock);
    GList *l = g_queue_pop_head_link(&b->spare);
    g_mutex_unlock(&b->lock);
    if (l)
        return l->data;
    BlkRequest *req = g_new0(BlkRequest, 1);
    req->link.data = req;
    return req;
}

/* b->lock held. */
static void request_put_locked(VrVirtioBlk *b, BlkRequest *req)
{
    g_queue_push_head_link(&b->spare, &req->link);
}

/* Hands waiting requests to the pool as far as flushes allow. b->lock held. */
static void dispatch_locked(VrVirtioBlk *b)
{
    while (!b->closing && !b->changing && !b->flush_running && b->waiting.head) {
        BlkRequest *req = b->waiting.head->data;
        bool flush = req->type == VR_VIRTIO_BLK_T_FLUSH;
        if (flush && b->running > 0)
            break;
        g_queue_pop_head_link(&b->waiting);
        b->running++;
        b->flush_running = flush;
        g_thread_pool_push(b->pool, req, NULL);
    }
}

static void worker(gpointer data, gpointer user_data)
{
    BlkRequest *req = data;
    VrVirtioBlk *b = user_data;
    if (b->hook)
        b->hook(b->hook_opaque, req->type);
    req->written = handle(b, req);
    g_mutex_lock(&b->lock);
    if (req->type == VR_VIRTIO_BLK_T_FLUSH)
        b->flush_running = false;
    b->running--;
    g_queue_push_tail_link(&b->done, &req->link);
    dispatch_locked(b);
    if (b->running == 0)
        g_cond_broadcast(&b->idle);
    g_mutex_unlock(&b->lock);
    /* No lock held: without an I/O thread this runs queue_notify right here. */
    vr_virtio_device_kick(&b->dev, 0);
}

static void submit(VrVirtioBlk *b, BlkRequest *req)
{
    uint8_t hdr[4];
    uint32_t type = UINT32_MAX; /* too short: handle() answers it */
    if (req->elem.out_len >= REQ_HDR_SIZE &&
        vr_iov_to_buf(req->elem.iov, req->elem.out_num, 0, hdr, sizeof(hdr)) == sizeof(hdr)) {
        memcpy(&type, hdr, 4);
        type = GUINT32_FROM_LE(type);
    }
    req->type = type;
    g_mutex_lock(&b->lock);
    g_queue_push_tail_link(&b->waiting, &req->link);
    dispatch_locked(b);
    g_mutex_unlock(&b->lock);
}

/* Returns the finished requests to the driver. Queue lock held. */
static void push_done(VrVirtioBlk *b, VrVirtqueue *vq)
{
    g_mutex_lock(&b->lock);
    GQueue done = b->done;
    g_queue_init(&b->done);
    g_mutex_unlock(&b->lock);
    if (!done.head)
        return;
    for (GList *l = done.head; l; l = l->next) {
        BlkRequest *req = l->data;
        vr_virtqueue_push(vq, &req->elem, req->written);
        b->outstanding--;
    }
    /* Completing each batch at once keeps latency low behind a slow disk. */
    vr_virtqueue_notify(vq);
    g_mutex_lock(&b->lock);
    GList *l;
    while ((l = g_queue_pop_head_link(&done)))
        request_put_locked(b, l->data);
    g_mutex_unlock(&b->lock);
}

static void blk_queue_notify(VrVirtioDevice *dev, unsigned index, VrVirtqueue *vq)
{
    VrVirtioBlk *b = (VrVirtioBlk *) dev;
    push_done(b, vq);
    unsigned budget = BATCH;
    do {
        vr_virtqueue_disable_notify(vq);
        /* At most a queue's worth in flight, whatever the driver does with its ring; the
         * next completion kicks the queue again. */
        while (b->outstanding < vq->size) {
            BlkRequest *req = request_get(b);
            if (!vr_virtqueue_pop(vq, &req->elem)) {
                g_mutex_lock(&b->lock);
                request_put_locked(b, req);
                g_mutex_unlock(&b->lock);
                break;
            }
            b->outstanding++;
            submit(b, req);
            if (--budget == 0) {
                vr_virtio_device_kick(dev, index); /* come back after the others */
                return;
            }
        }
        if (b->outstanding >= vq->size)
            return;
    } while (vr_virtqueue_enable_notify(vq));
}

static void blk_drain(VrVirtioDevice *dev)
{
    VrVirtioBlk *b = (VrVirtioBlk *) dev;
    g_mutex_lock(&b->lock);
    while (b->running > 0 || (b->waiting.head && !b->closing))
        g_cond_wait(&b->idle, &b->lock);
    g_mutex_unlock(&b->lock);
}

/* The driver reset the device: requests in flight finish (they write into guest RAM) and
 * are forgotten with the rings. */
static void blk_reset(VrVirtioDevice *dev)
{
    VrVirtioBlk *b = (VrVirtioBlk *) dev;
    blk_drain(dev);
    g_mutex_lock(&b->lock);
    GList *l;
    while ((l = g_queue_pop_head_link(&b->done)))
        request_put_locked(b, l->data);
    g_mutex_unlock(&b->lock);
    b->outstanding = 0;
}

/* Payload: u32 version (1), u64 capacity in sectors, bool read-only. Nothing is in flight
 * when it is written (quiesced), and the image is the one the machine opened again. */
#define BLK_STATE_VERSION 1

static void blk_save(VrVirtioDevice *dev, VrStateWriter *w)
{
    VrVirtioBlk *b = (VrVirtioBlk *) dev;
    vr_state_put_u32(w, BLK_STATE_VERSION);
    vr_state_put_u64(w, b->capacity);
    vr_state_put_bool(w, b->readonly);
}

static bool blk_load(VrVirtioDevice *dev, VrStateReader *r)
{
    VrVirtioBlk *b = (VrVirtioBlk *) dev;
    uint32_t version = vr_state_get_u32(r);
    if (!vr_state_reader_failed(r) && version != BLK_STATE_VERSION) {
        vr_state_reader_invalid(r, "virtio-blk state version %u is not known (expected %u)",
                                version, BLK_STATE_VERSION);
        return false;
    }
    uint64_t capacity = vr_state_get_u64(r);
    bool readonly = vr_state_get_bool(r);
    if (vr_state_reader_failed(r))
        return false;
    if (capacity != b->capacity || readonly != b->readonly) {
        vr_state_reader_invalid(r,
                                "it holds a %s disk of %" G_GUINT64_FORMAT
                                " sectors, but %s is a %s one of %" G_GUINT64_FORMAT,
                                readonly ? "read-only" : "read-write", capacity,
                                b->path ? b->path : "the empty CD drive",
                                b->readonly ? "read-only" : "read-write", b->capacity);
        return false;
    }
    return true;
}

static void free_list(GQueue *q)
{
    GList *l;
    while ((l = g_queue_pop_head_link(q)))
        g_free(l->data);
}

static void blk_free(VrVirtioDevice *dev)
{
    VrVirtioBlk *b = (VrVirtioBlk *) dev;
    g_mutex_lock(&b->lock);
    b->closing = true; /* nothing more goes to the pool */
    g_mutex_unlock(&b->lock);
    g_thread_pool_free(b->pool, FALSE, TRUE); /* joins the requests running */
    free_list(&b->waiting);
    free_list(&b->done);
    free_list(&b->spare);
    g_mutex_clear(&b->lock);
    g_cond_clear(&b->idle);
    if (b->fd >= 0)
        close(b->fd); /* drops the OFD lock */
    g_free(b->path);
    g_free(b);
}

static const VrVirtioDeviceClass blk_class = {
    .name = "virtio-blk",
    .device_id = VR_VIRTIO_ID_BLOCK,
    .config_read = blk_config_read,
    .queue_notify = blk_queue_notify,
    .reset = blk_reset,
    .drain = blk_drain,
    .save = blk_save,
    .load = blk_load,
    .free = blk_free,
};

void vr_virtio_blk_set_serial(VrVirtioDevice *dev, const char *serial)
{
    VrVirtioBlk *b = (VrVirtioBlk *) dev;
    memset(b->serial, 0, sizeof(b->serial));
    for (size_t i = 0, j = 0; serial[i] && j < sizeof(b->serial); i++) {
        char c = serial[i];
        if (g_ascii_isgraph(c))
            b->serial[j++] = c;
    }
}

void vr_virtio_blk_set_request_hook(VrVirtioDevice *dev, VrVirtioBlkRequestHook hook, void *opaque)
{
    VrVirtioBlk *b = (VrVirtioBlk *) dev;
    b->hook = hook;
    b->hook_opaque = opaque;
}

uint64_t vr_virtio_blk_capacity(VrVirtioDevice *dev)
{
    return ((VrVirtioBlk *) dev)->capacity;
}

/* QEMU (block/file-posix.c) locks single bytes with OFD locks: a read lock on 100 + n while it
 * holds permission n, and on 200 + n while it does not let others have it; permission 0 is
 * "consistent read", 1 is "write". Vireo follows it so that each notices the other: a writer
 * takes a write lock on the whole file (which conflicts with every byte QEMU locks); a reader
 * holds "read" (100) and refuses others "write" (201), and first looks for a lock on QEMU's
 * "write" byte (101), which only a writer holds. */
#define QEMU_LOCK_PERM_BASE   100
#define QEMU_LOCK_SHARED_BASE 200
#define QEMU_PERM_READ        0
#define QEMU_PERM_WRITE       1

static int set_lock(int fd, short type, off_t start, off_t len)
{
    struct flock fl = {.l_type = type, .l_whence = SEEK_SET, .l_start = start, .l_len = len};
    return fcntl(fd, F_OFD_SETLK, &fl) == 0 ? 0 : errno;
}

/* 0 when nobody holds QEMU's "write" byte, EAGAIN when somebody does, else errno. */
static int writer_present(int fd)
{
    struct flock fl = {
        .l_type = F_WRLCK,
        .l_whence = SEEK_SET,
        .l_start = QEMU_LOCK_PERM_BASE + QEMU_PERM_WRITE,
        .l_len = 1,
    };
    if (fcntl(fd, F_OFD_GETLK, &fl) != 0)
        return errno;
    return fl.l_type == F_UNLCK ? 0 : EAGAIN;
}

static bool lock_image(int fd, const char *path, bool readonly, GError **error)
{
    int err;
    if (readonly) {
        err = writer_present(fd);
        if (err == 0)
            err = set_lock(fd, F_RDLCK, QEMU_LOCK_PERM_BASE + QEMU_PERM_READ, 1);
        if (err == 0)
            err = set_lock(fd, F_RDLCK, QEMU_LOCK_SHARED_BASE + QEMU_PERM_WRITE, 1);
    } else {
        err = set_lock(fd, F_WRLCK, 0, 0);
    }
    if (err == 0)
        return true;
    if (err == EAGAIN || err == EACCES) {
        if (readonly)
            g_set_error(error, G_IO_ERROR, G_IO_ERROR_BUSY,
                        _("Disk image %s is being written by another machine or program; it "
                          "cannot be opened read-only until that one lets go of it"),
                        path);
        else
            g_set_error(error, G_IO_ERROR, G_IO_ERROR_BUSY,
                        _("Disk image %s is in use by another machine or program; two machines "
                          "cannot write the same image (open it read-only, or stop the other)"),
                        path);
        return false;
    }
    /* A file system without locks (some network ones): go on without. */
    g_message("Disk image %s cannot be locked (%s); nothing stops another machine from "
              "writing it at the same time",
              path, g_strerror(err));
    return true;
}

VrVirtioDevice *vr_virtio_blk_new(const char *path, bool readonly, GError **error)
{
    return vr_virtio_blk_open(path, readonly, false, error);
}

/* Opens, checks and locks the image at path; *fd and *size (bytes) on success. */
static bool open_image(const char *path, bool readonly, bool follow_symlink, int *fd_out,
                       uint64_t *size_out, GError **error)
{
    /* Checked before the open, and made sure of by it (O_NOFOLLOW) without a race. */
    if (!vr_input_check_link(path, !readonly, follow_symlink, error))
        return false;
    int nofollow = readonly || follow_symlink ? 0 : O_NOFOLLOW;
    int fd = vr_input_open(path, (readonly ? O_RDONLY : O_RDWR) | nofollow);
    if (fd < 0) {
        int err = errno;
        if (err == ELOOP && nofollow && !vr_input_check_link(path, true, false, error))
            return false;
        if (err == EISDIR)
            g_set_error(error, G_IO_ERROR, G_IO_ERROR_IS_DIRECTORY,
                        _("Disk image %s is a directory; expected a raw disk image file"), path);
        else if (readonly)
            g_set_error(error, G_IO_ERROR, g_io_error_from_errno(err),
                        _("Cannot open disk image %s for reading: %s"), path, g_strerror(err));
        else
            g_set_error(error, G_IO_ERROR, g_io_error_from_errno(err),
                        _("Cannot open disk image %s for reading and writing: %s"), path,
                        g_strerror(err));
        return false;
    }
    struct stat st;
    if (!vr_input_check(fd, path, VR_INPUT_DISK, &st, error)) {
        close(fd);
        return false;
    }
    uint64_t size;
    if (S_ISREG(st.st_mode)) {
        size = (uint64_t) st.st_size;
    } else {
        off_t end = lseek(fd, 0, SEEK_END);
        size = end < 0 ? 0 : (uint64_t) end;
    }
    if (size == 0 || size % SECTOR) {
        g_set_error(error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                    g_dngettext(GETTEXT_PACKAGE,
                                "Disk image %s is %llu byte long; a raw disk image must be a "
                                "non-zero multiple of 512 bytes (whole sectors)",
                                "Disk image %s is %llu bytes long; a raw disk image must be a "
                                "non-zero multiple of 512 bytes (whole sectors)",
                                (gulong) size),
                    path, (unsigned long long) size);
        close(fd);
        return false;
    }
    if (!lock_image(fd, path, readonly, error)) {
        close(fd);
        return false;
    }
    *fd_out = fd;
    *size_out = size;
    return true;
}

/* Fixed for the device's life: log lines on other threads read it. */
static char *device_name(const char *path, bool cdrom)
{
    if (cdrom)
        return g_strdup("virtio-blk CD drive");
    g_autofree char *base = g_path_get_basename(path);
    return g_strdup_printf("virtio-blk %s", base);
}

static VrVirtioDevice *blk_create(int fd, const char *path, uint64_t size, bool readonly,
                                  bool cdrom)
{
    VrVirtioBlk *b = g_new0(VrVirtioBlk, 1);
    b->dev.cls = &blk_class;
    b->dev.name = device_name(path, cdrom);
    b->dev.num_queues = 1;
    b->dev.queue_max_size = VR_VIRTIO_BLK_QUEUE_SIZE;
    b->dev.config_size = CONFIG_SIZE;
    b->dev.features =
        VR_VIRTIO_BIT(VR_VIRTIO_BLK_F_SIZE_MAX) | VR_VIRTIO_BIT(VR_VIRTIO_BLK_F_SEG_MAX) |
        VR_VIRTIO_BIT(VR_VIRTIO_BLK_F_BLK_SIZE) | VR_VIRTIO_BIT(VR_VIRTIO_BLK_F_FLUSH);
    if (readonly)
        b->dev.features |= VR_VIRTIO_BIT(VR_VIRTIO_BLK_F_RO);
    else
        b->dev.features |=
            VR_VIRTIO_BIT(VR_VIRTIO_BLK_F_DISCARD) | VR_VIRTIO_BIT(VR_VIRTIO_BLK_F_WRITE_ZEROES);
    b->fd = fd;
    b->readonly = readonly;
    b->cdrom = cdrom;
    b->capacity = size / SECTOR;
    b->path = g_strdup(path);
    g_mutex_init(&b->lock);
    g_cond_init(&b->idle);
    g_queue_init(&b->waiting);
    g_queue_init(&b->done);
    g_queue_init(&b->spare);
    b->pool = g_thread_pool_new(worker, b, WORKERS, FALSE, NULL);
    g_autofree char *base = path ? g_path_get_basename(path) : g_strdup("cdrom");
    vr_virtio_blk_set_serial(&b->dev, base);

    /* struct virtio_blk_config (5.2.4); padding and unused fields stay zero. */
    put_le64(b->config + 0, b->capacity);
    put_le32(b->config + 8, VR_VIRTIO_BLK_SIZE_MAX);
    put_le32(b->config + 12, VR_VIRTIO_BLK_SEG_MAX);
    put_le32(b->config + 20, SECTOR); /* blk_size */
    put_le32(b->config + 36, VR_VIRTIO_BLK_MAX_DISCARD);
    put_le32(b->config + 40, VR_VIRTIO_BLK_DISCARD_SEGS);
    put_le32(b->config + 44, 4096 / SECTOR); /* discard_sector_alignment */
    put_le32(b->config + 48, VR_VIRTIO_BLK_MAX_DISCARD);
    put_le32(b->config + 52, VR_VIRTIO_BLK_DISCARD_SEGS);
    b->config[56] = 1; /* write_zeroes_may_unmap */
    return &b->dev;
}

VrVirtioDevice *vr_virtio_blk_open(const char *path, bool readonly, bool follow_symlink,
                                   GError **error)
{
    int fd;
    uint64_t size;
    if (!open_image(path, readonly, follow_symlink, &fd, &size, error))
        return NULL;
    return blk_create(fd, path, size, readonly, false);
}

VrVirtioDevice *vr_virtio_blk_new_cdrom(const char *path, GError **error)
{
    int fd = -1;
    uint64_t size = 0;
    if (path && !open_image(path, true, false, &fd, &size, error))
        return NULL;
    return blk_create(fd, path, size, true, true);
}

/* Under the transport's register lock: the capacity of the disc in the drive now, so that
 * of two quick changes the later one's capacity is what stays. */
static void set_capacity(VrVirtioDevice *dev, void *data)
{
    VrVirtioBlk *b = (VrVirtioBlk *) dev;
    g_mutex_lock(&b->lock);
    put_le64(b->config + 0, b->capacity);
    g_mutex_unlock(&b->lock);
}

bool vr_virtio_blk_change_medium(VrVirtioDevice *dev, const char *path, GError **error)
{
    VrVirtioBlk *b = (VrVirtioBlk *) dev;
    g_return_val_if_fail(b->cdrom, false);
    int fd = -1;
    uint64_t size = 0;
    if (path && !open_image(path, true, false, &fd, &size, error))
        return false;
    /* No new request starts on the workers while those running finish on the old disc. No
     * transport lock is held meanwhile: a driver's reset may be waiting for the requests. */
    g_mutex_lock(&b->lock);
    b->changing = true;
    while (b->running > 0)
        g_cond_wait(&b->idle, &b->lock);
    int old_fd = b->fd;
    b->fd = fd;
    g_free(b->path);
    b->path = g_strdup(path);
    b->capacity = size / SECTOR;
    /* Requests that waited meanwhile go to the new disc (or fail on an empty drive). */
    b->changing = false;
    dispatch_locked(b);
    g_cond_broadcast(&b->idle);
    g_mutex_unlock(&b->lock);
    if (old_fd >= 0)
        close(old_fd); /* drops its read lock */
    /* 5.2.2 and 4.2.2.1: the capacity changes as one step, with a configuration change
     * interrupt; Linux's virtio_blk reads the new size and tells the block layer. */
    vr_virtio_device_config_update(dev, set_capacity, NULL);
    return true;
}

bool vr_virtio_blk_is_cdrom(VrVirtioDevice *dev)
{
    return ((VrVirtioBlk *) dev)->cdrom;
}
