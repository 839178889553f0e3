/* Helpers for the unit tests of a machine's settings (see machine-test-util.h). */
#include "machine-test-util.h"

#include <glib.h>
#include <unistd.h>

static void put(uint8_t *p, uint64_t v, unsigned n)
{
    for (unsigned i = 0; i < n; i++)
        p[i] = (uint8_t) (v >> (8 * i));
}

char *test_spin_elf(void)
{
    uint8_t f[128] = {0x7f, 'E', 'L', 'F', 2, 1, 1};
    put(f + 16, 2, 2);          /* ET_EXEC */
    put(f + 18, 243, 2);        /* EM_RISCV */
    put(f + 20, 1, 4);          /* EV_CURRENT */
    put(f + 24, 0x80000000, 8); /* entry */
    put(f + 32, 64, 8);         /* program headers */
    put(f + 52, 64, 2);         /* header size */
    put(f + 54, 56, 2);         /* program header size */
    put(f + 56, 1, 2);          /* one */
    uint8_t *ph = f + 64;
    put(ph, 1, 4);               /* PT_LOAD */
    put(ph + 4, 5, 4);           /* R X */
    put(ph + 8, 120, 8);         /* offset */
    put(ph + 16, 0x80000000, 8); /* vaddr */
    put(ph + 24, 0x80000000, 8); /* paddr */
    put(ph + 32, 4, 8);          /* filesz */
    put(ph + 40, 4, 8);          /* memsz */
    put(ph + 48, 4, 8);          /* align */
    put(f + 120, 0x0000006f, 4); /* j . */
    char *path = NULL;
    int fd = g_file_open_tmp("vireo-spin-XXXXXX.elf", &path, NULL);
    g_assert_cmpint(fd, >=, 0);
    g_assert_cmpint(write(fd, f, 124), ==, 124);
    close(fd);
    return path;
}

char *test_write_ini(const char *dir, const char *text)
{
    char *path = g_build_filename(dir, "machine.ini", NULL);
    g_assert_true(g_file_set_contents(path, text, -1, NULL));
    return path;
}

uint32_t test_mmio_read(VrMachine *m, uint64_t base, uint64_t offset, unsigned size)
{
    uint64_t v = 0;
    g_assert_true(vr_address_space_load(m->as, base + offset, size, &v));
    return (uint32_t) v;
}
