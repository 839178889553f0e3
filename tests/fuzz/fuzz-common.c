#include "fuzz-common.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

static GLogWriterOutput quiet_writer(GLogLevelFlags level, const GLogField *fields, gsize n_fields,
                                     gpointer data)
{
    if (level & (G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_ERROR)) {
        g_log_writer_standard_streams(level, fields, n_fields, data);
        abort();
    }
    return G_LOG_WRITER_HANDLED;
}

void fuzz_init_logging(void)
{
    g_log_set_writer_func(quiet_writer, NULL, NULL);
}

static GHashTable *paths;

static void remove_files(void)
{
    GHashTableIter it;
    gpointer path;
    g_hash_table_iter_init(&it, paths);
    while (g_hash_table_iter_next(&it, NULL, &path))
        unlink(path);
}

const char *fuzz_write_file(const char *name, const uint8_t *data, size_t size)
{
    if (!paths) {
        paths = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
        atexit(remove_files);
    }
    const char *path = g_hash_table_lookup(paths, name);
    if (!path) {
        const char *dir =
            g_file_test("/dev/shm", G_FILE_TEST_IS_DIR) ? "/dev/shm" : g_get_tmp_dir();
        char *p = g_strdup_printf("%s/vireo-fuzz-%d-%s", dir, (int) getpid(), name);
        g_hash_table_insert(paths, g_strdup(name), p);
        path = p;
    }
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0)
        g_error("cannot write %s: %s", path, g_strerror(errno));
    size_t done = 0;
    while (done < size) {
        ssize_t n = write(fd, data + done, size - done);
        if (n <= 0)
            g_error("cannot write %s: %s", path, g_strerror(errno));
        done += (size_t) n;
    }
    close(fd);
    return path;
}

uint8_t fuzz_u8(FuzzInput *in)
{
    if (in->left == 0)
        return 0;
    in->left--;
    return *in->p++;
}

uint16_t fuzz_u16(FuzzInput *in)
{
    return (uint16_t) (fuzz_u8(in) | fuzz_u8(in) << 8);
}

uint32_t fuzz_u32(FuzzInput *in)
{
    uint32_t lo = fuzz_u16(in);
    return lo | (uint32_t) fuzz_u16(in) << 16;
}

uint64_t fuzz_u64(FuzzInput *in)
{
    uint64_t lo = fuzz_u32(in);
    return lo | (uint64_t) fuzz_u32(in) << 32;
}
