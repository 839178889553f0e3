/* RISC-V architectural constants: CSR numbers, status bits, causes, PTE bits. */
#ifndef VR_RISCV_DEFS_H
#define VR_RISCV_DEFS_H

#define VR_PRV_U 0
#define VR_PRV_S 1
#define VR_PRV_M 3

/* Unprivileged CSRs */
#define CSR_FFLAGS       0x001
#define CSR_FRM          0x002
#define CSR_FCSR         0x003
#define CSR_CYCLE        0xc00
#define CSR_TIME         0xc01
#define CSR_INSTRET      0xc02
#define CSR_HPMCOUNTER3  0xc03
#define CSR_HPMCOUNTER31 0xc1f

/* Supervisor */
#define CSR_SSTATUS    0x100
#define CSR_SIE        0x104
#define CSR_STVEC      0x105
#define CSR_SCOUNTEREN 0x106
#define CSR_SENVCFG    0x10a
#define CSR_SSCRATCH   0x140
#define CSR_SEPC       0x141
#define CSR_SCAUSE     0x142
#define CSR_STVAL      0x143
#define CSR_SIP        0x144
#define CSR_SATP       0x180

/* Machine */
#define CSR_MVENDORID     0xf11
#define CSR_MARCHID       0xf12
#define CSR_MIMPID        0xf13
#define CSR_MHARTID       0xf14
#define CSR_MCONFIGPTR    0xf15
#define CSR_MSTATUS       0x300
#define CSR_MISA          0x301
#define CSR_MEDELEG       0x302
#define CSR_MIDELEG       0x303
#define CSR_MIE           0x304
#define CSR_MTVEC         0x305
#define CSR_MCOUNTEREN    0x306
#define CSR_MENVCFG       0x30a
#define CSR_MCOUNTINHIBIT 0x320
#define CSR_MHPMEVENT3    0x323
#define CSR_MHPMEVENT31   0x33f
#define CSR_MSCRATCH      0x340
#define CSR_MEPC          0x341
#define CSR_MCAUSE        0x342
#define CSR_MTVAL         0x343
#define CSR_MIP           0x344
#define CSR_MTINST        0x34a
#define CSR_MTVAL2        0x34b
#define CSR_PMPCFG0       0x3a0
#define CSR_PMPCFG15      0x3af
#define CSR_PMPADDR0      0x3b0
#define CSR_PMPADDR63     0x3ef
#define CSR_MCYCLE        0xb00
#define CSR_MINSTRET      0xb02
#define CSR_MHPMCOUNTER3  0xb03
#define CSR_MHPMCOUNTER31 0xb1f
#define CSR_TSELECT       0x7a0
#define CSR_TDATA1        0x7a1
#define CSR_TDATA2        0x7a2
#define CSR_TDATA3        0x7a3
#define CSR_TINFO         0x7a4

#define MSTATUS_SIE       (1ULL << 1)
#define MSTATUS_MIE       (1ULL << 3)
#define MSTATUS_SPIE      (1ULL << 5)
#define MSTATUS_UBE       (1ULL << 6)
#define MSTATUS_MPIE      (1ULL << 7)
#define MSTATUS_SPP       (1ULL << 8)
#define MSTATUS_VS        (3ULL << 9)
#define MSTATUS_MPP_SHIFT 11
#define MSTATUS_MPP       (3ULL << 11)
#define MSTATUS_FS_SHIFT  13
#define MSTATUS_FS        (3ULL << 13)
#define MSTATUS_FS_DIRTY  (3ULL << 13)
#define MSTATUS_XS        (3ULL << 15)
#define MSTATUS_MPRV      (1ULL << 17)
#define MSTATUS_SUM       (1ULL << 18)
#define MSTATUS_MXR       (1ULL << 19)
#define MSTATUS_TVM       (1ULL << 20)
#define MSTATUS_TW        (1ULL << 21)
#define MSTATUS_TSR       (1ULL << 22)
#define MSTATUS_UXL       (3ULL << 32)
#define MSTATUS_SXL       (3ULL << 34)
#define MSTATUS_SBE       (1ULL << 36)
#define MSTATUS_MBE       (1ULL << 37)
#define MSTATUS_SD        (1ULL << 63)

#define SSTATUS_MASK                                                                    \
    (MSTATUS_SIE | MSTATUS_SPIE | MSTATUS_UBE | MSTATUS_SPP | MSTATUS_VS | MSTATUS_FS | \
     MSTATUS_XS | MSTATUS_SUM | MSTATUS_MXR | MSTATUS_UXL | MSTATUS_SD)

#define IRQ_SSI 1
#define IRQ_MSI 3
#define IRQ_STI 5
#define IRQ_MTI 7
#define IRQ_SEI 9
#define IRQ_MEI 11

#define MIP_SSIP          (1ULL << IRQ_SSI)
#define MIP_MSIP          (1ULL << IRQ_MSI)
#define MIP_STIP          (1ULL << IRQ_STI)
#define MIP_MTIP          (1ULL << IRQ_MTI)
#define MIP_SEIP          (1ULL << IRQ_SEI)
#define MIP_MEIP          (1ULL << IRQ_MEI)
#define VR_S_INTERRUPTS   (MIP_SSIP | MIP_STIP | MIP_SEIP)
#define VR_ALL_INTERRUPTS (VR_S_INTERRUPTS | MIP_MSIP | MIP_MTIP | MIP_MEIP)

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
#define CAUSE_INTERRUPT_BIT       (1ULL << 63)

#define SATP_MODE_SHIFT 60
#define SATP_MODE_BARE  0
#define SATP_MODE_SV39  8
#define SATP_MODE_SV48  9
#define SATP_MODE_SV57  10
#define SATP_PPN_MASK   ((1ULL << 44) - 1)

#define PTE_V             (1ULL << 0)
#define PTE_R             (1ULL << 1)
#define PTE_W             (1ULL << 2)
#define PTE_X             (1ULL << 3)
#define PTE_U             (1ULL << 4)
#define PTE_G             (1ULL << 5)
#define PTE_A             (1ULL << 6)
#define PTE_D             (1ULL << 7)
#define PTE_PPN_SHIFT     10
#define PTE_PPN_MASK      (((1ULL << 44) - 1) << PTE_PPN_SHIFT)
#define PTE_RESERVED_MASK (0x7fULL << 54)
#define PTE_PBMT          (3ULL << 61)
#define PTE_N             (1ULL << 63)

#define PMP_R       0x01
#define PMP_W       0x02
#define PMP_X       0x04
#define PMP_A       0x18
#define PMP_A_OFF   0x00
#define PMP_A_TOR   0x08
#define PMP_A_NA4   0x10
#define PMP_A_NAPOT 0x18
#define PMP_L       0x80

#define MENVCFG_FIOM (1ULL << 0)

#endif
