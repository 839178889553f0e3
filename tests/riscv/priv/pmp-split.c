/* A page that PMP splits: its first half executable for S and U, its second half not.
 * Code that runs on across the boundary faults at the first instruction beyond it
 * (tval = epc = the boundary); an instruction straddling the boundary faults with
 * epc = its start and tval = its part outside. Each case runs twice, so the second run
 * meets whatever the first one left decoded. */
#include "pmp.h"

#define REGION_SIZE 0x2000UL
static uint8_t region[REGION_SIZE] __attribute__((aligned(REGION_SIZE)));
#define CAUSE_IAF CAUSE_FETCH_ACCESS

static uint64_t target;

static uint64_t jump(uint64_t arg)
{
    (void) arg;
    return priv_call(target);
}

int test_main(void)
{
    priv_reset_traps();
    pmp_reset();
    uint64_t page = (uint64_t) region;
    uint64_t split = page + 0x800;
    pmp_set(0, pmp_napot(page, 0x800), PMP_NAPOT | PMP_R | PMP_X);
    pmp_set(1, pmp_napot(split, 0x800), PMP_NAPOT | PMP_R | PMP_W);
    for (int straddle = 0; straddle < 2; straddle++) {
        volatile uint16_t *c = (volatile uint16_t *) (split - 8);
        c[0] = 0x0513; /* li a0, 7 */
        c[1] = 0x0070;
        if (straddle) {
            c[2] = 0x0001; /* c.nop */
            c[3] = 0x0513; /* li a0, 42: its second half lies past the boundary */
            c[4] = 0x02a0;
            c[5] = 0x8067; /* ret */
            c[6] = 0x0000;
        } else {
            c[2] = 0x0013; /* nop */
            c[3] = 0x0000;
            c[4] = 0x0513; /* li a0, 42: the first instruction past the boundary */
            c[5] = 0x02a0;
            c[6] = 0x8067; /* ret */
            c[7] = 0x0000;
        }
        __asm__ volatile("fence.i" ::: "memory");
        for (int mode = 0; mode < 2; mode++) {
            for (int round = 0; round < 2; round++) {
                target = split - 8;
                rt_expect_trap();
                rt_run_in_mode(mode, jump, 0);
                int n = 10 + 4 * straddle + 2 * mode + round;
                CHECK_EQ(n, rt_trap_count(), 1);
                CHECK_EQ(n, rt_trap_last.cause, CAUSE_IAF);
                CHECK_EQ(n, rt_trap_last.epc, straddle ? split - 2 : split);
                CHECK_EQ(n, rt_trap_last.tval, split);
            }
        }
    }
    /* With the whole page executable again the same code runs through. */
    pmp_set(1, pmp_napot(split, 0x800), PMP_NAPOT | PMP_R | PMP_W | PMP_X);
    target = split - 8;
    CHECK_EQ(30, rt_run_in_mode(MODE_S, jump, 0), 42);
    pmp_reset();
    return 0;
}
