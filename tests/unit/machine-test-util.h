/* What the unit tests of a machine's settings share: a guest program that only spins, a
 * machine.ini written from text, and reads of a device's registers on a built machine. */
#ifndef VIREO_MACHINE_TEST_UTIL_H
#define VIREO_MACHINE_TEST_UTIL_H

#include <stdint.h>

#include "vr-machine-private.h"

/* A RISC-V ELF in a temporary file that spins at the start of RAM (for machines that are
 * built, and never need to run). Free the path with g_free; unlink it when done. */
char *test_spin_elf(void);
/* Writes text to dir/machine.ini and returns its path. */
char *test_write_ini(const char *dir, const char *text);
/* A register of the device at base (size 1, 2 or 4 bytes); the test fails if nothing answers. */
uint32_t test_mmio_read(VrMachine *m, uint64_t base, uint64_t offset, unsigned size);

#endif
