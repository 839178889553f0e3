/* An NS16550A UART: the serial console of the riscv64-virt board. */
#ifndef VR_UART16550_H
#define VR_UART16550_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vr-device.h"
#include "vr-irq.h"
#include "vr-memory.h"

typedef struct VrUart16550 VrUart16550;

/* Takes a byte the guest transmits; returns false when there is no room for it now (the
 * byte then waits in the transmit holding register, as on a slow line, until
 * vr_uart16550_tx_ready()). */
typedef bool (*VrUartTxFn)(void *opaque, uint8_t byte);

/* The receive FIFO has room again after vr_uart16550_receive() refused bytes: the guest read
 * it empty (called from the guest's thread, without the UART's lock). */
typedef void (*VrUartRxRoomFn)(void *opaque);

#define VR_UART16550_SIZE 0x100

VrUart16550 *vr_uart16550_new(VrUartTxFn tx, void *tx_opaque, const VrIrq *irq);
void vr_uart16550_free(VrUart16550 *u);
void vr_uart16550_reset(VrUart16550 *u);
VrDevice *vr_uart16550_device(VrUart16550 *u);
const VrMmioOps *vr_uart16550_ops(void);
void vr_uart16550_set_rx_room(VrUart16550 *u, VrUartRxRoomFn fn, void *opaque);
/* Queues bytes from the host for the guest to read; returns how many fit (thread-safe). */
size_t vr_uart16550_receive(VrUart16550 *u, const uint8_t *data, size_t len);
/* The transmit side has room again (thread-safe). */
void vr_uart16550_tx_ready(VrUart16550 *u);

#endif
