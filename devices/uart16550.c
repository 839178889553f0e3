/* NS16550A UART with 16-byte FIFOs, as Linux's 8250 driver and OpenSBI drive it. */
#include <glib.h>
#include <string.h>

#include "uart16550.h"

#define RX_FIFO_SIZE 16

/* The "dev:uart0" payload: u32 version; the receive FIFO as a u8 count and that many bytes,
 * oldest first; IER, LCR, MCR, SCR, FCR, DLL, DLM (u8 each); the THR-empty interrupt (bool),
 * the transmit holding register's byte and whether it is full (u8, bool); the interrupt line's
 * level (bool). */
#define UART_STATE_VERSION 1
#define IER_MASK           0x0f
#define MCR_MASK           0x1f
#define FCR_MASK           0xc9

enum {
    REG_RBR_THR_DLL = 0,
    REG_IER_DLM = 1,
    REG_IIR_FCR = 2,
    REG_LCR = 3,
    REG_MCR = 4,
    REG_LSR = 5,
    REG_MSR = 6,
    REG_SCR = 7,
};

#define IER_RDI  0x01 /* received data available */
#define IER_THRI 0x02 /* transmitter holding register empty */
#define IER_RLSI 0x04
#define IER_MSI  0x08

#define IIR_NO_INT 0x01
#define IIR_THRI   0x02
#define IIR_RDI    0x04
#define IIR_FIFO   0xc0

#define LCR_DLAB 0x80
#define MCR_LOOP 0x10
#define LSR_DR   0x01
#define LSR_THRE 0x20
#define LSR_TEMT 0x40

struct VrUart16550 {
    VrDevice dev;
    GMutex lock;
    uint8_t rx[RX_FIFO_SIZE];
    unsigned rx_head, rx_count;
    uint8_t ier, lcr, mcr, scr, fcr;
    uint8_t dll, dlm;
    bool thr_interrupt; /* THR-empty interrupt pending until IIR is read or THR written */
    bool thr_full;      /* a byte waits for the host side to take it */
    uint8_t thr;
    VrUartTxFn tx;
    void *tx_opaque;
    VrUartRxRoomFn rx_room;
    void *rx_room_opaque;
    bool rx_refused; /* receive() turned bytes away: say so once the FIFO is empty */
    VrIrq irq;
    bool irq_level;
    bool quiesced; /* while a state is written: the host side neither sends nor takes bytes */
};

static bool uart_line_level(const VrUart16550 *u);

static void update_irq(VrUart16550 *u)
{
    bool level = uart_line_level(u);
    if (level != u->irq_level) {
        u->irq_level = level;
        vr_irq_set(&u->irq, level);
    }
}

/* Whether to tell the host side the receive FIFO has room; called with the lock held. */
static bool take_rx_room(VrUart16550 *u)
{
    if (!u->rx_refused || u->rx_count)
        return false;
    u->rx_refused = false;
    return u->rx_room != NULL;
}

static void tell_rx_room(VrUart16550 *u, bool room)
{
    if (room)
        u->rx_room(u->rx_room_opaque);
}

/* Offers the waiting byte to the host side; called with the lock held. */
static void try_transmit(VrUart16550 *u)
{
    if (u->thr_full && !u->quiesced && u->tx(u->tx_opaque, u->thr)) {
        u->thr_full = false;
        u->thr_interrupt = true;
    }
}

static bool uart_read(void *opaque, uint64_t offset, unsigned size, uint64_t *value)
{
    VrUart16550 *u = opaque;
    uint8_t v = 0;
    g_mutex_lock(&u->lock);
    switch (offset) {
    case REG_RBR_THR_DLL:
        if (u->lcr & LCR_DLAB) {
            v = u->dll;
        } else if (u->rx_count) {
            v = u->rx[u->rx_head];
            u->rx_head = (u->rx_head + 1) % RX_FIFO_SIZE;
            u->rx_count--;
        }
        break;
    case REG_IER_DLM: v = (u->lcr & LCR_DLAB) ? u->dlm : u->ier; break;
    case REG_IIR_FCR:
        if ((u->ier & IER_RDI) && u->rx_count) {
            v = IIR_RDI;
        } else if ((u->ier & IER_THRI) && u->thr_interrupt) {
            v = IIR_THRI;
            u->thr_interrupt = false; /* reading IIR clears a THR-empty interrupt */
        } else {
            v = IIR_NO_INT;
        }
        if (u->fcr & 1)
            v |= IIR_FIFO;
        break;
    case REG_LCR: v = u->lcr; break;
    case REG_MCR: v = u->mcr; break;
    case REG_LSR:
        /* The holding register stays full while the host side refuses the byte: a driver
         * that waits for THRE then waits for the host instead of losing output. */
        v = (u->thr_full ? 0 : LSR_THRE | LSR_TEMT) | (u->rx_count ? LSR_DR : 0);
        break;
    case REG_MSR:
        /* Carrier detect, data set ready and clear to send: a cable is plugged in. */
        v = (u->mcr & MCR_LOOP) ? 0 : 0xb0;
        break;
    case REG_SCR: v = u->scr; break;
    default: break;
    }
    update_irq(u);
    bool room = take_rx_room(u);
    g_mutex_unlock(&u->lock);
    tell_rx_room(u, room);
    *value = v;
    return true;
}

static bool uart_write(void *opaque, uint64_t offset, unsigned size, uint64_t value)
{
    VrUart16550 *u = opaque;
    uint8_t v = (uint8_t) value;
    g_mutex_lock(&u->lock);
    switch (offset) {
    case REG_RBR_THR_DLL:
        if (u->lcr & LCR_DLAB) {
            u->dll = v;
        } else if (u->mcr & MCR_LOOP) {
            if (u->rx_count < RX_FIFO_SIZE) {
                u->rx[(u->rx_head + u->rx_count) % RX_FIFO_SIZE] = v;
                u->rx_count++;
            }
            u->thr_interrupt = true;
        } else if (!u->thr_full) {
            /* A byte written while one still waits is lost, as on real hardware. */
            u->thr = v;
            u->thr_full = true;
            u->thr_interrupt = false;
            try_transmit(u);
        }
        break;
    case REG_IER_DLM:
        if (u->lcr & LCR_DLAB) {
            u->dlm = v;
        } else {
            bool thri_on = !(u->ier & IER_THRI) && (v & IER_THRI);
            u->ier = v & IER_MASK;
            if (thri_on && !u->thr_full)
                u->thr_interrupt = true;
        }
        break;
    case REG_IIR_FCR:
        u->fcr = v & FCR_MASK;
        if (v & 0x02) { /* clear the receive FIFO */
            u->rx_head = 0;
            u->rx_count = 0;
        }
        break;
    case REG_LCR: u->lcr = v; break;
    case REG_MCR: u->mcr = v & MCR_MASK; break;
    case REG_SCR: u->scr = v; break;
    default: break;
    }
    update_irq(u);
    bool room = take_rx_room(u);
    g_mutex_unlock(&u->lock);
    tell_rx_room(u, room);
    return true;
}

static const VrMmioOps uart_ops = {
    .read = uart_read,
    .write = uart_write,
};

const VrMmioOps *vr_uart16550_ops(void)
{
    return &uart_ops;
}

static void uart_device_reset(VrDevice *dev)
{
    vr_uart16550_reset((VrUart16550 *) dev);
}

/* Bytes from the host and the host's readiness to take one would change the FIFO or the line
 * after the PLIC has written down the line's level: they wait (the console retries input) until
 * the state is written. */
static void uart_quiesce(VrDevice *dev)
{
    VrUart16550 *u = (VrUart16550 *) dev;
    g_mutex_lock(&u->lock);
    u->quiesced = true;
    g_mutex_unlock(&u->lock);
}

static void uart_unquiesce(VrDevice *dev)
{
    VrUart16550 *u = (VrUart16550 *) dev;
    g_mutex_lock(&u->lock);
    u->quiesced = false;
    try_transmit(u);
    update_irq(u);
    g_mutex_unlock(&u->lock);
}

static bool uart_line_level(const VrUart16550 *u)
{
    return ((u->ier & IER_RDI) && u->rx_count) || ((u->ier & IER_THRI) && u->thr_interrupt);
}

static void uart_save(VrDevice *dev, VrStateWriter *w)
{
    VrUart16550 *u = (VrUart16550 *) dev;
    g_mutex_lock(&u->lock);
    vr_state_put_u32(w, UART_STATE_VERSION);
    vr_state_put_u8(w, (uint8_t) u->rx_count);
    for (unsigned i = 0; i < u->rx_count; i++)
        vr_state_put_u8(w, u->rx[(u->rx_head + i) % RX_FIFO_SIZE]);
    const uint8_t regs[] = {u->ier, u->lcr, u->mcr, u->scr, u->fcr, u->dll, u->dlm};
    vr_state_put_bytes(w, regs, sizeof(regs));
    vr_state_put_bool(w, u->thr_interrupt);
    vr_state_put_u8(w, u->thr);
    vr_state_put_bool(w, u->thr_full);
    vr_state_put_bool(w, u->irq_level);
    g_mutex_unlock(&u->lock);
}

/* The line is not driven: the PLIC restores the level it saw from its own section, and the
 * remembered level here agrees with it, so the line does not move. */
static bool uart_load(VrDevice *dev, VrStateReader *r)
{
    VrUart16550 *u = (VrUart16550 *) dev;
    uint32_t version = vr_state_get_u32(r);
    if (!vr_state_reader_failed(r) && version != UART_STATE_VERSION)
        vr_state_reader_invalid(r, "UART state version %u is not known (expected %u)", version,
                                UART_STATE_VERSION);
    uint8_t count = vr_state_get_u8(r);
    if (!vr_state_reader_failed(r) && count > RX_FIFO_SIZE)
        vr_state_reader_invalid(r, "the receive FIFO holds %u bytes; it has room for %u", count,
                                RX_FIFO_SIZE);
    if (vr_state_reader_failed(r))
        return false;
    VrUart16550 in = {0};
    in.rx_count = count;
    vr_state_get_bytes(r, in.rx, count);
    uint8_t regs[7];
    vr_state_get_bytes(r, regs, sizeof(regs));
    in.ier = regs[0];
    in.lcr = regs[1];
    in.mcr = regs[2];
    in.scr = regs[3];
    in.fcr = regs[4];
    in.dll = regs[5];
    in.dlm = regs[6];
    in.thr_interrupt = vr_state_get_bool(r);
    in.thr = vr_state_get_u8(r);
    in.thr_full = vr_state_get_bool(r);
    in.irq_level = vr_state_get_bool(r);
    if (vr_state_reader_failed(r))
        return false;
    if ((in.ier & ~IER_MASK) || (in.mcr & ~MCR_MASK) || (in.fcr & ~FCR_MASK)) {
        vr_state_reader_invalid(r, "IER 0x%02x, MCR 0x%02x or FCR 0x%02x has bits the UART lacks",
                                in.ier, in.mcr, in.fcr);
        return false;
    }
    if (in.irq_level != uart_line_level(&in)) {
        vr_state_reader_invalid(r, "the interrupt line is %s, but IER and the FIFOs make it %s",
                                in.irq_level ? "high" : "low", in.irq_level ? "low" : "high");
        return false;
    }
    g_mutex_lock(&u->lock);
    memcpy(u->rx, in.rx, sizeof(u->rx));
    u->rx_head = 0;
    u->rx_count = in.rx_count;
    u->ier = in.ier;
    u->lcr = in.lcr;
    u->mcr = in.mcr;
    u->scr = in.scr;
    u->fcr = in.fcr;
    u->dll = in.dll;
    u->dlm = in.dlm;
    u->thr_interrupt = in.thr_interrupt;
    u->thr = in.thr;
    u->thr_full = in.thr_full;
    u->irq_level = in.irq_level;
    /* A byte that waited was refused by a host side that is gone: this one has not seen it and
     * will not say it is ready, so it is offered now (and a THR-empty interrupt may follow). */
    try_transmit(u);
    update_irq(u);
    g_mutex_unlock(&u->lock);
    return true;
}

static void uart_device_free(VrDevice *dev)
{
    vr_uart16550_free((VrUart16550 *) dev);
}

static const VrDeviceOps uart_device_ops = {
    .reset = uart_device_reset,
    .quiesce = uart_quiesce,
    .unquiesce = uart_unquiesce,
    .save = uart_save,
    .load = uart_load,
    .free = uart_device_free,
};

VrDevice *vr_uart16550_device(VrUart16550 *u)
{
    return &u->dev;
}

VrUart16550 *vr_uart16550_new(VrUartTxFn tx, void *tx_opaque, const VrIrq *irq)
{
    VrUart16550 *u = g_new0(VrUart16550, 1);
    u->dev.ops = &uart_device_ops;
    g_mutex_init(&u->lock);
    u->tx = tx;
    u->tx_opaque = tx_opaque;
    if (irq)
        u->irq = *irq;
    return u;
}

void vr_uart16550_reset(VrUart16550 *u)
{
    g_mutex_lock(&u->lock);
    u->rx_head = u->rx_count = 0;
    u->ier = u->lcr = u->mcr = u->scr = u->fcr = 0;
    u->dll = u->dlm = 0;
    u->thr_interrupt = false;
    u->thr_full = false;
    update_irq(u);
    bool room = take_rx_room(u);
    g_mutex_unlock(&u->lock);
    tell_rx_room(u, room);
}

void vr_uart16550_set_rx_room(VrUart16550 *u, VrUartRxRoomFn fn, void *opaque)
{
    g_mutex_lock(&u->lock);
    u->rx_room = fn;
    u->rx_room_opaque = opaque;
    g_mutex_unlock(&u->lock);
}

void vr_uart16550_free(VrUart16550 *u)
{
    if (!u)
        return;
    g_mutex_clear(&u->lock);
    g_free(u);
}

void vr_uart16550_tx_ready(VrUart16550 *u)
{
    g_mutex_lock(&u->lock);
    try_transmit(u);
    update_irq(u);
    g_mutex_unlock(&u->lock);
}

size_t vr_uart16550_receive(VrUart16550 *u, const uint8_t *data, size_t len)
{
    size_t n = 0;
    g_mutex_lock(&u->lock);
    while (n < len && !u->quiesced && u->rx_count < RX_FIFO_SIZE) {
        u->rx[(u->rx_head + u->rx_count) % RX_FIFO_SIZE] = data[n++];
        u->rx_count++;
    }
    if (n < len)
        u->rx_refused = true;
    update_irq(u);
    g_mutex_unlock(&u->lock);
    return n;
}
