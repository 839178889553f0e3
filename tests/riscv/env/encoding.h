/* CSR numbers and bit fields used by the bare-metal test programs. */
#ifndef RT_ENCODING_H
#define RT_ENCODING_H

#define MSTATUS_SIE        (1UL << 1)
#define MSTATUS_MIE        (1UL << 3)
#define MSTATUS_SPIE       (1UL << 5)
#define MSTATUS_UBE        (1UL << 6)
#define MSTATUS_MPIE       (1UL << 7)
#define MSTATUS_SPP        (1UL << 8)
#define MSTATUS_MPP        (3UL << 11)
#define MSTATUS_MPP_S      (1UL << 11)
#define MSTATUS_MPP_M      (3UL << 11)
#define MSTATUS_FS         (3UL << 13)
#define MSTATUS_FS_INITIAL (1UL << 13)
#define MSTATUS_FS_CLEAN   (2UL << 13)
#define MSTATUS_FS_DIRTY   (3UL << 13)
#define MSTATUS_XS         (3UL << 15)
#define MSTATUS_MPRV       (1UL << 17)
#define MSTATUS_SUM        (1UL << 18)
#define MSTATUS_MXR        (1UL << 19)
#define MSTATUS_TVM        (1UL << 20)
#define MSTATUS_TW         (1UL << 21)
#define MSTATUS_TSR        (1UL << 22)
#define MSTATUS_UXL        (3UL << 32)
#define MSTATUS_SXL        (3UL << 34)
#define MSTATUS_SD         (1UL << 63)

#define IRQ_S_SOFT  1
#define IRQ_M_SOFT  3
#define IRQ_S_TIMER 5
#define IRQ_M_TIMER 7
#define IRQ_S_EXT   9
#define IRQ_M_EXT   11

#define MIP_SSIP (1UL << IRQ_S_SOFT)
#define MIP_MSIP (1UL << IRQ_M_SOFT)
#define MIP_STIP (1UL << IRQ_S_TIMER)
#define MIP_MTIP (1UL << IRQ_M_TIMER)
#define MIP_SEIP (1UL << IRQ_S_EXT)
#define MIP_MEIP (1UL << IRQ_M_EXT)

#define CAUSE_MISALIGNED_FETCH    0
#define CAUSE_FETCH_ACCESS        1
#define CAUSE_ILLEGAL_INSTRUCTION 2
#define CAUSE_BREAKPOINT          3
#define CAUSE_MISALIGNED_LOAD     4
#define CAUSE_LOAD_ACCESS         5
#define CAUSE_MISALIGNED_STORE    6
#define CAUSE_STORE_ACCESS        7
#define CAUSE_USER_ECALL          8
#define CAUSE_SUPERVISOR_ECALL    9
#define CAUSE_MACHINE_ECALL       11
#define CAUSE_FETCH_PAGE_FAULT    12
#define CAUSE_LOAD_PAGE_FAULT     13
#define CAUSE_STORE_PAGE_FAULT    15
#define CAUSE_INTERRUPT           (1UL << 63)

#define SATP_MODE_SV39 (8UL << 60)
#define SATP_MODE_SV48 (9UL << 60)
#define SATP_MODE_SV57 (10UL << 60)

#define PTE_V (1UL << 0)
#define PTE_R (1UL << 1)
#define PTE_W (1UL << 2)
#define PTE_X (1UL << 3)
#define PTE_U (1UL << 4)
#define PTE_G (1UL << 5)
#define PTE_A (1UL << 6)
#define PTE_D (1UL << 7)

#define PMP_R     0x01
#define PMP_W     0x02
#define PMP_X     0x04
#define PMP_TOR   0x08
#define PMP_NA4   0x10
#define PMP_NAPOT 0x18
#define PMP_L     0x80

/* The virt board's devices, as Vireo and QEMU place them. */
#define RT_FINISHER_BASE     0x00100000UL
#define RT_CLINT_BASE        0x02000000UL
#define RT_CLINT_MTIMECMP(h) (RT_CLINT_BASE + 0x4000 + 8 * (h))
#define RT_CLINT_MTIME       (RT_CLINT_BASE + 0xbff8)
#define RT_UART_BASE         0x10000000UL

#endif
