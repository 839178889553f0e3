/* NS16550A UART with 16-byte FIFOs, as Linux's 8250 driver and OpenSBI drive it. */
#include <glib.h>
#include <string.h>

#include "uart16550.h"

#define RX_FIFO_SIZE 16

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
    VrIrq irq;
    bool irq_level;
};

static void update_irq(VrUart16550 *u)
{
    bool level = ((u->ier & IER_RDI) && u->rx_count) || ((u->ier & IER_THRI) && u->thr_interrupt);
    if (level != u->irq_level) {
        u->irq_level = level;
        vr_irq_set(&u->irq, level);
    }
}

/* Offers the waiting byte to the host side; called with the lock held. */
static void try_transmit(VrUart16550 *u)
{
    if (u->thr_full && u->tx(u->tx_opaque, u->thr)) {
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
    g_mutex_unlock(&u->lock);
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
            u->ier = v & 0x0f;
            if (thri_on && !u->thr_full)
                u->thr_interrupt = true;
        }
        break;
    case REG_IIR_FCR:
        u->fcr = v & 0xc9;
        if (v & 0x02) { /* clear the receive FIFO */
            u->rx_head = 0;
            u->rx_count = 0;
        }
        break;
    case REG_LCR: u->lcr = v; break;
    case REG_MCR: u->mcr = v & 0x1f; break;
    case REG_SCR: u->scr = v; break;
    default: break;
    }
    update_irq(u);
    g_mutex_unlock(&u->lock);
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

static void uart_device_free(VrDevice *dev)
{
    vr_uart16550_free((VrUart16550 *) dev);
}

static const VrDeviceOps uart_device_ops = {
    .reset = uart_device_reset,
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
    while (n < len && u->rx_count < RX_FIFO_SIZE) {
        u->rx[(u->rx_head + u->rx_count) % RX_FIFO_SIZE] = data[n++];
        u->rx_count++;
    }
    update_irq(u);
    g_mutex_unlock(&u->lock);
    return n;
}
