/* The state file: sections with lengths and checksums, written crash-safe, read mapped. */
#include "vr-state.h"

#include <errno.h>
#include <fcntl.h>
#include <gio/gio.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "vr-crc32.h"
#include "vr-i18n.h"

static const uint8_t state_magic[8] = {0x89, 'V', 'I', 'R', 'E', 'O', '\r', '\n'};
#define HEADER_SIZE    16u
#define SECTION_MAGIC  0x54434553u /* "SECT" */
#define END_SECTION    "end"
#define WRITE_BUF_SIZE (1u << 20)
#define MAX_NAME       255u

/* ---- writing ---- */

struct VrStateWriter {
    int fd;
    char *path;
    char *tmp_path;
    uint8_t *buf;
    size_t buf_used;
    uint64_t offset; /* file offset of buf[0] */
    int error;       /* errno of the first failure */
    /* The open section. */
    bool in_section;
    uint64_t length_offset; /* where its payload length goes */
    uint64_t payload_start;
    uint32_t crc;
    unsigned n_sections;
};

static void write_all(VrStateWriter *w, const uint8_t *p, size_t len)
{
    size_t done = 0;
    while (!w->error && done < len) {
        ssize_t n = write(w->fd, p + done, len - done);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            w->error = n < 0 ? errno : EIO;
        else
            done += (size_t) n;
    }
    w->offset += len;
}

static void flush_buf(VrStateWriter *w)
{
    write_all(w, w->buf, w->buf_used);
    w->buf_used = 0;
}

static void raw_write(VrStateWriter *w, const void *data, size_t len)
{
    const uint8_t *p = data;
    if (w->in_section)
        w->crc = vr_crc32(w->crc, p, len);
    if (len >= WRITE_BUF_SIZE) {
        flush_buf(w);
        write_all(w, p, len);
        return;
    }
    if (w->buf_used + len > WRITE_BUF_SIZE)
        flush_buf(w);
    memcpy(w->buf + w->buf_used, p, len);
    w->buf_used += len;
}

static uint64_t write_pos(const VrStateWriter *w)
{
    return w->offset + w->buf_used;
}

VrStateWriter *vr_state_writer_new(const char *path, GError **error)
{
    g_autofree char *dir = g_path_get_dirname(path);
    g_autofree char *base = g_path_get_basename(path);
    g_autofree char *tmp = g_strdup_printf("%s/.%s.XXXXXX", dir, base);
    int fd = g_mkstemp_full(tmp, O_RDWR | O_CLOEXEC, 0644);
    if (fd < 0) {
        int err = errno;
        g_set_error(error, G_IO_ERROR, g_io_error_from_errno(err),
                    /* Translators: %s is a file, the second one says why. */
                    _("could not write the state file %s: %s"), path, g_strerror(err));
        return NULL;
    }
    VrStateWriter *w = g_new0(VrStateWriter, 1);
    w->fd = fd;
    w->path = g_strdup(path);
    w->tmp_path = g_steal_pointer(&tmp);
    w->buf = g_malloc(WRITE_BUF_SIZE);
    raw_write(w, state_magic, sizeof(state_magic));
    vr_state_put_u32(w, VR_STATE_VERSION);
    vr_state_put_u32(w, HEADER_SIZE);
    return w;
}

static void writer_free(VrStateWriter *w)
{
    if (w->fd >= 0)
        close(w->fd);
    g_free(w->path);
    g_free(w->tmp_path);
    g_free(w->buf);
    g_free(w);
}

void vr_state_writer_abort(VrStateWriter *w)
{
    if (!w)
        return;
    unlink(w->tmp_path);
    writer_free(w);
}

bool vr_state_writer_finish(VrStateWriter *w, GError **error)
{
    g_assert(!w->in_section);
    unsigned n = w->n_sections;
    vr_state_begin_section(w, END_SECTION);
    vr_state_put_u32(w, n);
    vr_state_end_section(w);
    flush_buf(w);
    if (!w->error && fsync(w->fd) != 0)
        w->error = errno;
    if (!w->error && rename(w->tmp_path, w->path) != 0)
        w->error = errno;
    if (w->error) {
        g_set_error(error, G_IO_ERROR, g_io_error_from_errno(w->error),
                    _("could not write the state file %s: %s"), w->path, g_strerror(w->error));
        vr_state_writer_abort(w);
        return false;
    }
    /* The rename is durable once the folder is. */
    g_autofree char *dir = g_path_get_dirname(w->path);
    int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd >= 0) {
        fsync(dfd);
        close(dfd);
    }
    writer_free(w);
    return true;
}

void vr_state_begin_section(VrStateWriter *w, const char *name)
{
    g_assert(!w->in_section);
    size_t len = strlen(name);
    g_assert(len > 0 && len <= MAX_NAME);
    vr_state_put_u32(w, SECTION_MAGIC);
    vr_state_put_u16(w, (uint16_t) len);
    w->in_section = true;
    w->crc = 0;
    raw_write(w, name, len);
    w->in_section = false;
    w->length_offset = write_pos(w);
    vr_state_put_u64(w, 0); /* patched by end_section */
    w->payload_start = write_pos(w);
    w->in_section = true;
}

void vr_state_end_section(VrStateWriter *w)
{
    g_assert(w->in_section);
    w->in_section = false;
    uint64_t len = write_pos(w) - w->payload_start;
    uint32_t crc = w->crc;
    vr_state_put_u32(w, crc);
    uint8_t le[8];
    for (unsigned i = 0; i < 8; i++)
        le[i] = (uint8_t) (len >> (8 * i));
    if (w->length_offset >= w->offset) {
        memcpy(w->buf + (w->length_offset - w->offset), le, 8);
    } else {
        /* The length went out with an earlier buffer: patch the file. The CRC does not
         * cover it, so this does not disturb the running checksum. */
        flush_buf(w);
        if (!w->error && pwrite(w->fd, le, 8, (off_t) w->length_offset) != 8)
            w->error = errno ? errno : EIO;
    }
    w->n_sections++;
}

void vr_state_put_bytes(VrStateWriter *w, const void *data, size_t len)
{
    raw_write(w, data, len);
}

void vr_state_put_u8(VrStateWriter *w, uint8_t v)
{
    raw_write(w, &v, 1);
}

void vr_state_put_u16(VrStateWriter *w, uint16_t v)
{
    uint8_t b[2] = {(uint8_t) v, (uint8_t) (v >> 8)};
    raw_write(w, b, 2);
}

void vr_state_put_u32(VrStateWriter *w, uint32_t v)
{
    uint8_t b[4];
    for (unsigned i = 0; i < 4; i++)
        b[i] = (uint8_t) (v >> (8 * i));
    raw_write(w, b, 4);
}

void vr_state_put_u64(VrStateWriter *w, uint64_t v)
{
    uint8_t b[8];
    for (unsigned i = 0; i < 8; i++)
        b[i] = (uint8_t) (v >> (8 * i));
    raw_write(w, b, 8);
}

void vr_state_put_bool(VrStateWriter *w, bool v)
{
    vr_state_put_u8(w, v ? 1 : 0);
}

void vr_state_put_string(VrStateWriter *w, const char *s)
{
    if (!s) {
        vr_state_put_u32(w, UINT32_MAX);
        return;
    }
    size_t len = strlen(s);
    g_assert(len < (1u << 16));
    vr_state_put_u32(w, (uint32_t) len);
    raw_write(w, s, len);
}

void vr_state_put_u64s(VrStateWriter *w, const uint64_t *v, size_t n)
{
    vr_state_put_u32(w, (uint32_t) n);
    for (size_t i = 0; i < n; i++)
        vr_state_put_u64(w, v[i]);
}

/* ---- reading ---- */

typedef struct {
    char *name;
    const uint8_t *payload;
    uint64_t len;
} Section;

struct VrStateFile {
    char *path;
    uint8_t *map;
    size_t size;
    GArray *sections; /* Section */
};

struct VrStateReader {
    VrStateFile *file;
    const char *section;
    const uint8_t *p;
    size_t left;
    bool failed;
    char *reason;
};

static uint32_t le32(const uint8_t *p)
{
    return (uint32_t) p[0] | (uint32_t) p[1] << 8 | (uint32_t) p[2] << 16 | (uint32_t) p[3] << 24;
}

static uint64_t le64(const uint8_t *p)
{
    return (uint64_t) le32(p) | (uint64_t) le32(p + 4) << 32;
}

void vr_state_file_free(VrStateFile *f)
{
    if (!f)
        return;
    if (f->map)
        munmap(f->map, f->size);
    if (f->sections) {
        for (guint i = 0; i < f->sections->len; i++)
            g_free(g_array_index(f->sections, Section, i).name);
        g_array_unref(f->sections);
    }
    g_free(f->path);
    g_free(f);
}

static bool file_error(GError **error, const VrStateFile *f, const char *fmt, ...)
    G_GNUC_PRINTF(3, 4);
static bool file_error(GError **error, const VrStateFile *f, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    g_autofree char *what = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    /* Translators: %s is the state file, then what is wrong with it. */
    g_set_error(error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, _("%s is not a usable state file: %s"),
                f->path, what);
    return false;
}

static bool parse(VrStateFile *f, GError **error)
{
    if (f->size < HEADER_SIZE || memcmp(f->map, state_magic, sizeof(state_magic)) != 0)
        return file_error(error, f, "%s", _("it is not a Vireo machine state"));
    uint32_t version = le32(f->map + 8);
    if (version > VR_STATE_VERSION)
        return file_error(error, f,
                          _("it was written by a newer Vireo (format %u; this one reads up to %u)"),
                          version, VR_STATE_VERSION);
    if (version == 0 || le32(f->map + 12) != HEADER_SIZE)
        return file_error(error, f, "%s", _("its header is damaged"));
    size_t pos = HEADER_SIZE;
    for (;;) {
        unsigned index = f->sections->len;
        if (f->size - pos < 6)
            return file_error(error, f, _("it ends after %u sections (the file is truncated)"),
                              index);
        if (le32(f->map + pos) != SECTION_MAGIC)
            return file_error(error, f, _("section %u does not start where it should"), index + 1);
        unsigned name_len = f->map[pos + 4] | (unsigned) f->map[pos + 5] << 8;
        pos += 6;
        if (name_len == 0 || name_len > MAX_NAME || f->size - pos < name_len + 8ull)
            return file_error(error, f, _("it ends inside section %u (the file is truncated)"),
                              index + 1);
        const uint8_t *name = f->map + pos;
        pos += name_len;
        uint64_t len = le64(f->map + pos);
        pos += 8;
        g_autofree char *sname = g_strndup((const char *) name, name_len);
        if (len > f->size - pos || f->size - pos - len < 4)
            return file_error(error, f, _("it ends inside section '%s' (the file is truncated)"),
                              g_str_is_ascii(sname) ? sname : "?");
        uint32_t crc = vr_crc32(0, name, name_len);
        crc = vr_crc32(crc, f->map + pos, len);
        if (crc != le32(f->map + pos + len))
            return file_error(error, f, _("section '%s' is damaged (its checksum does not match)"),
                              g_str_is_ascii(sname) ? sname : "?");
        if (strcmp(sname, END_SECTION) == 0) {
            if (len != 4 || le32(f->map + pos) != index)
                return file_error(error, f, "%s", _("its end section does not match its contents"));
            if (pos + len + 4 != f->size)
                return file_error(error, f, "%s", _("it has data after its end"));
            return true;
        }
        Section s = {.name = g_steal_pointer(&sname), .payload = f->map + pos, .len = len};
        g_array_append_val(f->sections, s);
        pos += len + 4;
    }
}

VrStateFile *vr_state_file_open(const char *path, GError **error)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0) {
        int err = errno;
        g_set_error(error, G_IO_ERROR, g_io_error_from_errno(err),
                    /* Translators: %s is a file, the second one says why. */
                    _("could not read the state file %s: %s"), path, g_strerror(err));
        return NULL;
    }
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        close(fd);
        g_set_error(error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                    _("could not read the state file %s: %s"), path, _("it is not a regular file"));
        return NULL;
    }
    g_autoptr(VrStateFile) f = g_new0(VrStateFile, 1);
    f->path = g_strdup(path);
    f->sections = g_array_new(FALSE, FALSE, sizeof(Section));
    f->size = (size_t) st.st_size;
    if (f->size > 0) {
        void *map = mmap(NULL, f->size, PROT_READ, MAP_PRIVATE, fd, 0);
        if (map == MAP_FAILED) {
            int err = errno;
            close(fd);
            g_set_error(error, G_IO_ERROR, g_io_error_from_errno(err),
                        _("could not read the state file %s: %s"), path, g_strerror(err));
            return NULL;
        }
        f->map = map;
        madvise(f->map, f->size, MADV_SEQUENTIAL);
    }
    close(fd);
    if (!parse(f, error))
        return NULL;
    return g_steal_pointer(&f);
}

const char *vr_state_file_path(const VrStateFile *f)
{
    return f->path;
}

unsigned vr_state_file_n_sections(const VrStateFile *f)
{
    return f->sections->len;
}

const char *vr_state_file_section_name(const VrStateFile *f, unsigned i)
{
    return i < f->sections->len ? g_array_index(f->sections, Section, i).name : NULL;
}

VrStateReader *vr_state_file_reader(VrStateFile *f, unsigned i)
{
    if (i >= f->sections->len)
        return NULL;
    const Section *s = &g_array_index(f->sections, Section, i);
    VrStateReader *r = g_new0(VrStateReader, 1);
    r->file = f;
    r->section = s->name;
    r->p = s->payload;
    r->left = s->len;
    return r;
}

VrStateReader *vr_state_file_find(VrStateFile *f, const char *name)
{
    for (guint i = 0; i < f->sections->len; i++)
        if (strcmp(g_array_index(f->sections, Section, i).name, name) == 0)
            return vr_state_file_reader(f, i);
    return NULL;
}

void vr_state_reader_free(VrStateReader *r)
{
    if (!r)
        return;
    g_free(r->reason);
    g_free(r);
}

const uint8_t *vr_state_get_ptr(VrStateReader *r, size_t len)
{
    if (r->failed || len > r->left) {
        if (!r->failed)
            vr_state_reader_invalid(r, "%s", _("it is shorter than its contents need"));
        return NULL;
    }
    const uint8_t *p = r->p;
    r->p += len;
    r->left -= len;
    return p;
}

void vr_state_get_bytes(VrStateReader *r, void *buf, size_t len)
{
    const uint8_t *p = vr_state_get_ptr(r, len);
    if (p)
        memcpy(buf, p, len);
    else
        memset(buf, 0, len);
}

uint8_t vr_state_get_u8(VrStateReader *r)
{
    const uint8_t *p = vr_state_get_ptr(r, 1);
    return p ? p[0] : 0;
}

uint16_t vr_state_get_u16(VrStateReader *r)
{
    const uint8_t *p = vr_state_get_ptr(r, 2);
    return p ? (uint16_t) (p[0] | p[1] << 8) : 0;
}

uint32_t vr_state_get_u32(VrStateReader *r)
{
    const uint8_t *p = vr_state_get_ptr(r, 4);
    return p ? le32(p) : 0;
}

uint64_t vr_state_get_u64(VrStateReader *r)
{
    const uint8_t *p = vr_state_get_ptr(r, 8);
    return p ? le64(p) : 0;
}

bool vr_state_get_bool(VrStateReader *r)
{
    uint8_t v = vr_state_get_u8(r);
    if (v > 1)
        vr_state_reader_invalid(r, _("a flag holds %u"), v);
    return v == 1;
}

char *vr_state_get_string(VrStateReader *r)
{
    uint32_t len = vr_state_get_u32(r);
    if (len == UINT32_MAX || r->failed)
        return NULL;
    const uint8_t *p = vr_state_get_ptr(r, len);
    if (!p)
        return NULL;
    if (memchr(p, 0, len) || !g_utf8_validate((const char *) p, len, NULL)) {
        vr_state_reader_invalid(r, "%s", _("a text is not valid UTF-8"));
        return NULL;
    }
    return g_strndup((const char *) p, len);
}

void vr_state_get_u64s(VrStateReader *r, uint64_t *v, size_t n)
{
    uint32_t count = vr_state_get_u32(r);
    if (!r->failed && count != n)
        vr_state_reader_invalid(r, _("a table has %u entries where %zu were expected"), count, n);
    for (size_t i = 0; i < n; i++)
        v[i] = r->failed ? 0 : vr_state_get_u64(r);
}

void vr_state_reader_invalid(VrStateReader *r, const char *fmt, ...)
{
    if (r->failed)
        return;
    r->failed = true;
    va_list ap;
    va_start(ap, fmt);
    r->reason = g_strdup_vprintf(fmt, ap);
    va_end(ap);
}

bool vr_state_reader_failed(const VrStateReader *r)
{
    return r->failed;
}

size_t vr_state_reader_remaining(const VrStateReader *r)
{
    return r->left;
}

const char *vr_state_reader_section(const VrStateReader *r)
{
    return r->section;
}

bool vr_state_reader_check(VrStateReader *r, GError **error)
{
    if (!r->failed && r->left != 0)
        vr_state_reader_invalid(r, _("%zu bytes were left unread"), r->left);
    if (!r->failed)
        return true;
    g_set_error(error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                /* Translators: a state file, a section's name, then what is wrong. */
                _("%s: section '%s': %s"), r->file->path, r->section, r->reason);
    return false;
}
