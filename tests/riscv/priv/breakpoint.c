/* Debug triggers as riscv-tests' rv64mi breakpoint test probes them: select trigger 0, ask
 * for an M-mode execute, load and store address match (mcontrol, type 2), and expect a
 * breakpoint exception only where tdata1 reads back what was written. A hart with no
 * triggers passes by refusing: tselect or tdata1 do not keep what was written. */
#include "rt.h"

#define MCONTROL_TYPE2   (2UL << 60)
#define MCONTROL_M       (1UL << 6)
#define MCONTROL_EXECUTE (1UL << 2)
#define MCONTROL_STORE   (1UL << 1)
#define MCONTROL_LOAD    (1UL << 0)

static volatile uint32_t data1;

/* Returns 1, or its argument when its first instruction is skipped. */
int bp_target(int x);
__asm__(".text\n.globl bp_target\n.option push\n.option norvc\n"
        "bp_target: li a0, 1\nret\n.option pop\n");
static volatile int breakpoints;

static int skip_breakpoint(rt_frame *f, int mode)
{
    if (f->cause != CAUSE_BREAKPOINT)
        return 0;
    breakpoints++;
    uint16_t lo = *(volatile uint16_t *) f->epc;
    f->epc += (lo & 3) == 3 ? 4 : 2;
    return 1;
}

/* Sets the selected trigger; whether the hart took it as written. */
static int arm(uint64_t control, uint64_t addr)
{
    write_csr(tdata1, 0);
    write_csr(tdata2, addr);
    write_csr(tdata1, control);
    return read_csr(tdata1) == control;
}

int test_main(void)
{
    rt_trap_hook = skip_breakpoint;
    int triggers = 0;

    write_csr(tselect, 0);
    if (read_csr(tselect) == 0) {
        /* An execute breakpoint on bp_target's first instruction: it traps and is skipped. */
        uint64_t target = (uint64_t) bp_target;
        if (arm(MCONTROL_TYPE2 | MCONTROL_M | MCONTROL_EXECUTE, target)) {
            triggers++;
            CHECK_EQ(2, bp_target(0), 0);
            CHECK_EQ(3, breakpoints, 1);
            /* Reads of the same address do not trap. */
            (void) *(volatile uint32_t *) target;
            CHECK_EQ(4, breakpoints, 1);
        }
        /* A load breakpoint: the load traps and is skipped; a store there does not trap. */
        data1 = 7;
        if (arm(MCONTROL_TYPE2 | MCONTROL_M | MCONTROL_LOAD, (uint64_t) &data1)) {
            triggers++;
            int before = breakpoints;
            (void) data1;
            CHECK_EQ(5, breakpoints, before + 1);
            data1 = 0;
            CHECK_EQ(6, breakpoints, before + 1);
        }
        /* A store breakpoint: the store traps and does not happen. */
        data1 = 0;
        if (arm(MCONTROL_TYPE2 | MCONTROL_M | MCONTROL_STORE, (uint64_t) &data1)) {
            triggers++;
            int before = breakpoints;
            data1 = 5;
            CHECK_EQ(7, breakpoints, before + 1);
            CHECK_EQ(8, data1, 0);
        }
        write_csr(tdata1, 0);
    }
    /* Without triggers nothing trapped; tinfo says the selected one does not exist. */
    if (!triggers) {
        CHECK_EQ(9, breakpoints, 0);
        CHECK_EQ(10, read_csr(tinfo) & 1, 1);
    }
    rt_printf("breakpoint: %d trigger kinds work, %d breakpoints taken\n", triggers, breakpoints);
    return 0;
}
