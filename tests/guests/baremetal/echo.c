/* A bare-metal guest that keeps running: it prints a prompt, echoes what it receives on the
 * UART, and prints a heartbeat line every second of guest time. For the desktop app's tests
 * (console input, pause and resume) and for trying the console by hand.
 *
 * Commands (typed at the prompt, then Enter):
 *   off    power the machine off
 *   flood  print 20000 lines as fast as the UART takes them
 *   fail   power off reporting failure 7
 * Anything else is printed back. */
#include "rt.h"

#define UART        ((volatile uint8_t *) 0x10000000ul)
#define UART_LSR_DR 0x01
#define TICK        10000000ul /* time CSR ticks per second (10 MHz) */

static int streq(const char *a, const char *b)
{
    while (*a && *a == *b) {
        a++;
        b++;
    }
    return *a == *b;
}

static void prompt(const char *line)
{
    rt_puts("echo> ");
    rt_puts(line);
}

int test_main(void)
{
    char line[96];
    unsigned len = 0, tick = 0;
    line[0] = 0;
    rt_puts("\nVireo echo guest: type a line and press Enter ('off' powers off).\n");
    prompt(line);
    uint64_t next = read_csr(time) + TICK;
    for (;;) {
        if (UART[5] & UART_LSR_DR) {
            char c = (char) UART[0];
            if (c == '\r' || c == '\n') {
                rt_puts("\n");
                if (streq(line, "off")) {
                    rt_puts("Powering off.\n");
                    return 0;
                }
                if (streq(line, "fail"))
                    return 7;
                if (streq(line, "flood")) {
                    for (unsigned i = 0; i < 20000; i++)
                        rt_printf("flood line %u of 20000: the quick brown fox jumps over the "
                                  "lazy dog\n",
                                  i + 1);
                } else if (len) {
                    rt_printf("you typed: %s\n", line);
                }
                len = 0;
                line[0] = 0;
                prompt(line);
            } else if ((c == 0x7f || c == 0x08) && len) {
                line[--len] = 0;
                rt_puts("\b \b");
            } else if (c >= 0x20 && c < 0x7f && len < sizeof(line) - 1) {
                line[len++] = c;
                line[len] = 0;
                rt_putc(c);
            }
        }
        if (read_csr(time) >= next) {
            next += TICK;
            rt_printf("\r[tick %u]\n", ++tick);
            prompt(line);
        }
    }
}
