/* What every fuzz target shares: quiet logging that still stops on a critical, and inputs
 * handed to loaders that only take a path. */
#ifndef VIREO_FUZZ_COMMON_H
#define VIREO_FUZZ_COMMON_H

#include <glib.h>
#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

/* Drops the engine's messages about bad input (millions of them in a campaign), but aborts on
 * a critical or an error: those mean the engine broke one of its own rules. */
void fuzz_init_logging(void);
/* Writes data to a file of this process's own in /dev/shm (or $TMPDIR) called name, and
 * returns its path (owned by the helper, the same each time for the same name). */
const char *fuzz_write_file(const char *name, const uint8_t *data, size_t size);

/* Little-endian values taken from the front of an input; zeros once it runs out. */
typedef struct {
    const uint8_t *p;
    size_t left;
} FuzzInput;

uint8_t fuzz_u8(FuzzInput *in);
uint16_t fuzz_u16(FuzzInput *in);
uint32_t fuzz_u32(FuzzInput *in);
uint64_t fuzz_u64(FuzzInput *in);

#endif
