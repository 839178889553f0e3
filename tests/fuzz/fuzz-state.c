/* A machine state file (engine/vr-state.c, engine/vr-machine-state.c) on arbitrary bytes:
 * the file is opened and checked, and a machine is built from it and put in its state, as
 * `vireo run --restore FILE` does (the machine is not started).
 *
 * Each section's CRC-32 is set right before the file is written, wherever the section
 * headers can be followed: a mutated payload would otherwise stop at the checksum, and the
 * point is what comes after it. */
#include <string.h>

#include "fuzz-common.h"
#include "vr-crc32.h"
#include "vr-machine.h"
#include "vr-state.h"

#define HEADER_SIZE   16u
#define SECTION_MAGIC 0x54434553u

static uint32_t get_le32(const uint8_t *p)
{
    return (uint32_t) p[0] | (uint32_t) p[1] << 8 | (uint32_t) p[2] << 16 | (uint32_t) p[3] << 24;
}

static void fix_checksums(uint8_t *p, size_t size)
{
    size_t pos = HEADER_SIZE;
    while (size >= pos && size - pos >= 6 && get_le32(p + pos) == SECTION_MAGIC) {
        size_t name_len = p[pos + 4] | (size_t) p[pos + 5] << 8;
        pos += 6;
        if (size - pos < name_len + 8)
            return;
        const uint8_t *name = p + pos;
        pos += name_len;
        uint64_t len = 0;
        for (unsigned i = 0; i < 8; i++)
            len |= (uint64_t) p[pos + i] << (8 * i);
        pos += 8;
        if (len > size - pos || size - pos - len < 4)
            return;
        uint32_t crc = vr_crc32(vr_crc32(0, name, name_len), p + pos, len);
        for (unsigned i = 0; i < 4; i++)
            p[pos + len + i] = (uint8_t) (crc >> (8 * i));
        pos += len + 4;
    }
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    fuzz_init_logging();
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    g_autofree uint8_t *copy = g_memdup2(data, size);
    fix_checksums(copy, size);
    const char *path = fuzz_write_file("state", copy, size);

    g_autoptr(GError) error = NULL;
    g_autoptr(VrStateFile) f = vr_state_file_open(path, &error);
    if (!f) {
        if (!error)
            abort();
        return 0;
    }
    for (unsigned i = 0; i < vr_state_file_n_sections(f); i++) {
        g_autoptr(VrStateReader) r = vr_state_file_reader(f, i);
        (void) vr_state_file_section_name(f, i);
        g_free(vr_state_get_string(r));
        (void) vr_state_get_u64(r);
    }
    VrMachineConfig cfg;
    vr_machine_config_init(&cfg);
    g_clear_error(&error);
    (void) vr_machine_state_read_config(path, &cfg, &error);
    vr_machine_config_clear(&cfg);

    g_clear_error(&error);
    VrMachine *m = vr_machine_new_from_state(path, &error);
    if (m)
        vr_machine_free(m);
    else if (!error)
        abort();
    return 0;
}
