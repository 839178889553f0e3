/* The smallest test: arithmetic, a UART line, and the pass path. */
#include "rt.h"

int test_main(void)
{
    volatile uint64_t a = 40, b = 2;
    CHECK_EQ(1, a + b, 42);
    CHECK_EQ(2, a * b, 80);
    CHECK_EQ(3, a / b, 20);
    rt_puts("smoke: hello from the guest\n");
    return 0;
}
