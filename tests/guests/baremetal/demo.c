/* The README's first demo: a bare-metal RISC-V program that introduces the hart it runs on,
 * draws the Mandelbrot set with double-precision arithmetic, and powers the machine off. */
#include "rt.h"

static void describe_isa(void)
{
    uint64_t misa = read_csr(misa);
    rt_printf("  ISA:      RV%d", (int) (16 << (misa >> 62)));
    for (int i = 0; i < 26; i++)
        if (misa & (1UL << i))
            rt_putc((char) ('A' + i));
    rt_puts(" + Zba Zbb Zbs Zicsr Zifencei Zicntr\n");
    rt_printf("  hart:     %lu\n", read_csr(mhartid));
}

static void mandelbrot(void)
{
    static const char shades[] = " .:-=+*#%@";
    const int width = 72, height = 24, max_iter = 200;
    for (int row = 0; row < height; row++) {
        double ci = -1.2 + 2.4 * row / (height - 1);
        rt_puts("  ");
        for (int col = 0; col < width; col++) {
            double cr = -2.1 + 2.8 * col / (width - 1);
            double zr = 0, zi = 0;
            int n = 0;
            while (n < max_iter && zr * zr + zi * zi < 4.0) {
                double t = zr * zr - zi * zi + cr;
                zi = 2 * zr * zi + ci;
                zr = t;
                n++;
            }
            rt_putc(n == max_iter ? '@' : shades[n % 9]);
        }
        rt_putc('\n');
    }
}

int test_main(void)
{
    uint64_t t0 = read_csr(time), i0 = read_csr(instret);
    rt_puts("\nHello from a RISC-V guest running on Vireo's interpreter.\n\n");
    describe_isa();
    rt_puts("\n");
    mandelbrot();
    uint64_t t1 = read_csr(time), i1 = read_csr(instret);
    uint64_t us = (t1 - t0) / 10;
    rt_printf("\n  %lu instructions in %lu.%03lu ms of guest time.\n", i1 - i0, us / 1000,
              us % 1000);
    rt_puts("  The guest now powers off through the board's test device.\n\n");
    return 0;
}
