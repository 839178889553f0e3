/* virtio-console with one port. */
#define G_LOG_DOMAIN "vireo-virtio"

#include "virtio-console.h"

#include <string.h>

#include "virtqueue.h"

#define RXQ         0
#define TXQ         1
#define CONFIG_SIZE 12 /* cols, rows, max_nr_ports, emerg_wr (5.3.4) */
#define BATCH       256
/* Guest bytes handed to the host per turn of the I/O thread: a chain may name gigabytes, and
 * the thread must get back to its other work (and to a request to stop) in between. */
#define TX_BYTES_PER_TURN (64u << 10)

typedef struct {
    VrVirtioDevice dev;
    VrVirtioConsoleOutputFn output;
    void *output_opaque;
    void (*input_ready)(void *opaque);
    void *input_ready_opaque;

    GMutex lock; /* input buffer and terminal size */
    uint8_t in_buf[VR_VIRTIO_CONSOLE_INPUT_BUFFER];
    size_t in_head, in_len;
    uint16_t cols, rows;

    GMutex output_lock; /* one output call at a time */

    /* Used by queue_notify only (queue lock held). */
    VrVirtqElement *elem;
    /* The transmit chain being written out: it stays off the used ring until the host took
     * all of it, so a slow reader holds the guest back instead of losing its output. */
    VrVirtqElement *tx;
    bool tx_held;
    size_t tx_done;    /* bytes of it the host took */
    bool tx_blocked;   /* the host refused bytes: go on when it says it has room */
    bool tx_give_back; /* the queue stops or the machine is saved: return it as it is */
} VrVirtioConsole;

/* Returns how many bytes the host took. */
static size_t emit(VrVirtioConsole *c, const uint8_t *data, size_t len)
{
    if (!c->output || len == 0)
        return len;
    g_mutex_lock(&c->output_lock);
    size_t took = c->output(c->output_opaque, data, len);
    g_mutex_unlock(&c->output_lock);
    return MIN(took, len);
}

static void console_config_read(VrVirtioDevice *dev, uint32_t offset, uint8_t *buf, unsigned len)
{
    VrVirtioConsole *c = (VrVirtioConsole *) dev;
    uint8_t config[CONFIG_SIZE] = {0};
    g_mutex_lock(&c->lock);
    uint16_t cols = GUINT16_TO_LE(c->cols), rows = GUINT16_TO_LE(c->rows);
    g_mutex_unlock(&c->lock);
    uint32_t ports = GUINT32_TO_LE(1);
    memcpy(config, &cols, 2);
    memcpy(config + 2, &rows, 2);
    memcpy(config + 4, &ports, 4);
    memcpy(buf, config + offset, len);
}

static void console_config_write(VrVirtioDevice *dev, uint32_t offset, const uint8_t *buf,
                                 unsigned len)
{
    /* emerg_wr: the low byte is a character to print, before or without the queues. */
    if (offset == 8)
        (void) emit((VrVirtioConsole *) dev, buf, 1);
}

/* Moves buffered host input into the guest's receive buffers. */
static void receive(VrVirtioConsole *c, VrVirtqueue *vq)
{
    bool took = false;
    do {
        for (;;) {
            g_mutex_lock(&c->lock);
            bool have = c->in_len > 0;
            g_mutex_unlock(&c->lock);
            if (!have || !vr_virtqueue_pop(vq, c->elem))
                break;
            const struct iovec *in = vr_virtq_element_in(c->elem);
            size_t n = 0;
            g_mutex_lock(&c->lock);
            while (c->in_len > 0 && n < c->elem->in_len) {
                /* Up to the end of the ring buffer, then again from its start. */
                size_t run = MIN(c->in_len, sizeof(c->in_buf) - c->in_head);
                size_t done = vr_iov_from_buf(in, c->elem->in_num, n, c->in_buf + c->in_head, run);
                c->in_head = (c->in_head + done) % sizeof(c->in_buf);
                c->in_len -= done;
                n += done;
                if (done < run)
                    break;
            }
            g_mutex_unlock(&c->lock);
            vr_virtqueue_push(vq, c->elem, (uint32_t) n);
            took |= n > 0;
        }
        vr_virtqueue_notify(vq);
    } while (vr_virtqueue_enable_notify(vq));
    if (took && c->input_ready)
        c->input_ready(c->input_ready_opaque);
}

/* Hands the held chain to the host from where it stopped, at most *budget bytes; true when
 * all of it went out. */
static bool emit_held(VrVirtioConsole *c, size_t *budget)
{
    const VrVirtqElement *e = c->tx;
    size_t skip = c->tx_done;
    for (unsigned i = 0; i < e->out_num; i++) {
        size_t len = e->iov[i].iov_len;
        if (skip >= len) {
            skip -= len;
            continue;
        }
        if (*budget == 0)
            return false;
        size_t n = MIN(len - skip, *budget);
        size_t took = emit(c, (const uint8_t *) e->iov[i].iov_base + skip, n);
        c->tx_done += took;
        *budget -= took;
        if (took < n) {
            c->tx_blocked = true;
            return false;
        }
        skip = 0;
    }
    return true;
}

static void transmit(VrVirtioConsole *c, VrVirtqueue *vq)
{
    if (c->tx_give_back) {
        c->tx_give_back = false;
        if (c->tx_held) {
            vr_virtqueue_push(vq, c->tx, 0);
            vr_virtqueue_notify(vq);
            c->tx_held = false;
        }
    }
    unsigned budget = BATCH;
    size_t bytes = TX_BYTES_PER_TURN;
    c->tx_blocked = false;
    do {
        vr_virtqueue_disable_notify(vq);
        for (;;) {
            if (!c->tx_held) {
                if (!vr_virtqueue_pop(vq, c->tx))
                    break;
                c->tx_held = true;
                c->tx_done = 0;
            }
            if (!emit_held(c, &bytes)) {
                vr_virtqueue_notify(vq);
                /* Out of budget: another turn. Refused: vr_virtio_console_output_ready. */
                if (!c->tx_blocked)
                    vr_virtio_device_kick(&c->dev, TXQ);
                return;
            }
            vr_virtqueue_push(vq, c->tx, 0);
            c->tx_held = false;
            if (--budget == 0 || bytes == 0) {
                vr_virtqueue_notify(vq);
                vr_virtio_device_kick(&c->dev, TXQ);
                return;
            }
        }
        vr_virtqueue_notify(vq);
    } while (vr_virtqueue_enable_notify(vq));
}

static void console_queue_notify(VrVirtioDevice *dev, unsigned index, VrVirtqueue *vq)
{
    VrVirtioConsole *c = (VrVirtioConsole *) dev;
    if (index == RXQ)
        receive(c, vq);
    else
        transmit(c, vq);
}

/* The driver reset the device: the held chain is forgotten with the rings. */
static void console_reset(VrVirtioDevice *dev)
{
    VrVirtioConsole *c = (VrVirtioConsole *) dev;
    c->tx_held = false;
    c->tx_give_back = false;
}

/* Before a queue stops or the machine is saved nothing may stay taken from a ring: the
 * queue_notify that follows returns the held chain, with what the host has not taken yet
 * left out. */
static void console_drain(VrVirtioDevice *dev)
{
    VrVirtioConsole *c = (VrVirtioConsole *) dev;
    c->tx_give_back = c->tx_held;
}

static void console_free(VrVirtioDevice *dev)
{
    VrVirtioConsole *c = (VrVirtioConsole *) dev;
    g_mutex_clear(&c->lock);
    g_mutex_clear(&c->output_lock);
    g_free(c->elem);
    g_free(c->tx);
    g_free(c);
}

/* Payload: u32 version (1), u16 cols, u16 rows, u32 bytes of buffered host input, the
 * bytes. With a single port (no MULTIPORT) there is no control queue state to keep. */
#define CONSOLE_STATE_VERSION 1

static void console_save(VrVirtioDevice *dev, VrStateWriter *w)
{
    VrVirtioConsole *c = (VrVirtioConsole *) dev;
    g_mutex_lock(&c->lock);
    vr_state_put_u32(w, CONSOLE_STATE_VERSION);
    vr_state_put_u16(w, c->cols);
    vr_state_put_u16(w, c->rows);
    vr_state_put_u32(w, (uint32_t) c->in_len);
    size_t first = MIN(c->in_len, sizeof(c->in_buf) - c->in_head);
    vr_state_put_bytes(w, c->in_buf + c->in_head, first);
    vr_state_put_bytes(w, c->in_buf, c->in_len - first);
    g_mutex_unlock(&c->lock);
}

static bool console_load(VrVirtioDevice *dev, VrStateReader *r)
{
    VrVirtioConsole *c = (VrVirtioConsole *) dev;
    uint32_t version = vr_state_get_u32(r);
    if (!vr_state_reader_failed(r) && version != CONSOLE_STATE_VERSION) {
        vr_state_reader_invalid(r, "virtio-console state version %u is not known (expected %u)",
                                version, CONSOLE_STATE_VERSION);
        return false;
    }
    uint16_t cols = vr_state_get_u16(r), rows = vr_state_get_u16(r);
    uint32_t len = vr_state_get_u32(r);
    if (vr_state_reader_failed(r))
        return false;
    if (len > sizeof(c->in_buf)) {
        vr_state_reader_invalid(r, "%u bytes of buffered input, more than the %zu it holds", len,
                                sizeof(c->in_buf));
        return false;
    }
    const uint8_t *data = vr_state_get_ptr(r, len);
    if (!data)
        return false;
    g_mutex_lock(&c->lock);
    c->cols = cols;
    c->rows = rows;
    memcpy(c->in_buf, data, len);
    c->in_head = 0;
    c->in_len = len;
    g_mutex_unlock(&c->lock);
    return true;
}

static const VrVirtioDeviceClass console_class = {
    .name = "virtio-console",
    .device_id = VR_VIRTIO_ID_CONSOLE,
    .config_read = console_config_read,
    .config_write = console_config_write,
    .queue_notify = console_queue_notify,
    .reset = console_reset,
    .drain = console_drain,
    .save = console_save,
    .load = console_load,
    .free = console_free,
};

VrVirtioDevice *vr_virtio_console_new(VrVirtioConsoleOutputFn output, void *opaque)
{
    VrVirtioConsole *c = g_new0(VrVirtioConsole, 1);
    c->dev.cls = &console_class;
    c->dev.name = g_strdup("virtio-console");
    c->dev.features =
        VR_VIRTIO_BIT(VR_VIRTIO_CONSOLE_F_SIZE) | VR_VIRTIO_BIT(VR_VIRTIO_CONSOLE_F_EMERG_WRITE);
    c->dev.num_queues = 2;
    c->dev.queue_max_size = VR_VIRTIO_CONSOLE_QUEUE_SIZE;
    c->dev.config_size = CONFIG_SIZE;
    c->output = output;
    c->output_opaque = opaque;
    g_mutex_init(&c->lock);
    g_mutex_init(&c->output_lock);
    c->cols = 80;
    c->rows = 24;
    c->elem = g_new0(VrVirtqElement, 1);
    c->tx = g_new0(VrVirtqElement, 1);
    return &c->dev;
}

void vr_virtio_console_output_ready(VrVirtioDevice *dev)
{
    vr_virtio_device_kick(dev, TXQ);
}

size_t vr_virtio_console_input(VrVirtioDevice *dev, const uint8_t *data, size_t len)
{
    VrVirtioConsole *c = (VrVirtioConsole *) dev;
    g_mutex_lock(&c->lock);
    size_t n = MIN(len, sizeof(c->in_buf) - c->in_len);
    for (size_t i = 0; i < n; i++)
        c->in_buf[(c->in_head + c->in_len + i) % sizeof(c->in_buf)] = data[i];
    c->in_len += n;
    g_mutex_unlock(&c->lock);
    if (n)
        vr_virtio_device_kick(dev, RXQ);
    return n;
}

size_t vr_virtio_console_input_room(VrVirtioDevice *dev)
{
    VrVirtioConsole *c = (VrVirtioConsole *) dev;
    g_mutex_lock(&c->lock);
    size_t room = sizeof(c->in_buf) - c->in_len;
    g_mutex_unlock(&c->lock);
    return room;
}

void vr_virtio_console_set_input_ready(VrVirtioDevice *dev, void (*ready)(void *opaque),
                                       void *opaque)
{
    VrVirtioConsole *c = (VrVirtioConsole *) dev;
    c->input_ready = ready;
    c->input_ready_opaque = opaque;
}

static void apply_size(VrVirtioDevice *dev, void *data)
{
    VrVirtioConsole *c = (VrVirtioConsole *) dev;
    const uint16_t *size = data;
    g_mutex_lock(&c->lock);
    c->cols = size[0];
    c->rows = size[1];
    g_mutex_unlock(&c->lock);
}

void vr_virtio_console_set_size(VrVirtioDevice *dev, uint16_t cols, uint16_t rows)
{
    VrVirtioConsole *c = (VrVirtioConsole *) dev;
    g_mutex_lock(&c->lock);
    bool changed = c->cols != cols || c->rows != rows;
    g_mutex_unlock(&c->lock);
    uint16_t size[2] = {cols, rows};
    if (changed)
        vr_virtio_device_config_update(dev, apply_size, size);
}
