/* ELF64 loader, written for hostile input: every offset and size is checked. */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <gio/gio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "vr-elf.h"
#include "vr-i18n.h"
#include "vr-input-file.h"

#ifndef EM_RISCV
#define EM_RISCV 243
#endif

static const char *const wanted_symbols[] = {"tohost", "fromhost", NULL};

bool vr_elf_is_elf(const uint8_t *data, size_t len)
{
    return len >= 4 && memcmp(data, ELFMAG, SELFMAG) == 0;
}

/* The processors an ELF file may be for (names to be translated, for the two that say
 * "32-bit"). */
static const char *machine_name(unsigned m)
{
    switch (m) {
    /* Translators: completes "%s is an ELF file for %s, not RISC-V". */
    case EM_386: return N_("x86 (32-bit)");
    case EM_X86_64: return "x86-64";
    /* Translators: completes "%s is an ELF file for %s, not RISC-V". */
    case EM_ARM: return N_("ARM (32-bit)");
    case EM_AARCH64: return "AArch64";
    case EM_PPC64: return "PowerPC 64";
    case EM_S390: return "s390";
    case EM_MIPS: return "MIPS";
    default: return NULL;
    }
}

static bool range_ok(uint64_t file_len, uint64_t off, uint64_t size)
{
    return off <= file_len && size <= file_len - off;
}

/* Where the ELF file is: in memory, or open on fd (read in place, so a big file costs no
 * host memory). Offsets and sizes given to source_read are checked with range_ok first. */
typedef struct {
    const uint8_t *data;
    int fd;
    uint64_t len;
} Source;

static bool source_read(const Source *src, uint64_t off, void *buf, uint64_t n)
{
    if (src->data) {
        memcpy(buf, src->data + off, n);
        return true;
    }
    uint8_t *p = buf;
    while (n > 0) {
        ssize_t got = pread(src->fd, p, MIN(n, (uint64_t) 1 << 30), (off_t) off);
        if (got < 0 && errno == EINTR)
            continue;
        if (got <= 0)
            return false;
        p += got;
        off += (uint64_t) got;
        n -= (uint64_t) got;
    }
    return true;
}

/* Headers are copied out of the file before use: the file gives their offsets, and nothing
 * makes those aligned. */
static bool read_shdr(const Source *src, uint64_t shoff, unsigned i, Elf64_Shdr *sh)
{
    return source_read(src, shoff + (uint64_t) i * sizeof(*sh), sh, sizeof(*sh));
}

static void read_symbols(const Source *src, const Elf64_Ehdr *eh, GHashTable *symbols)
{
    if (eh->e_shoff == 0 || eh->e_shentsize != sizeof(Elf64_Shdr))
        return;
    if (!range_ok(src->len, eh->e_shoff, (uint64_t) eh->e_shnum * sizeof(Elf64_Shdr)))
        return;
    for (unsigned i = 0; i < eh->e_shnum; i++) {
        Elf64_Shdr sh, strtab;
        if (!read_shdr(src, eh->e_shoff, i, &sh))
            return;
        if (sh.sh_type != SHT_SYMTAB || sh.sh_link >= eh->e_shnum)
            continue;
        if (!read_shdr(src, eh->e_shoff, sh.sh_link, &strtab))
            return;
        if (!range_ok(src->len, sh.sh_offset, sh.sh_size) ||
            !range_ok(src->len, strtab.sh_offset, strtab.sh_size))
            continue;
        uint64_t n = sh.sh_size / sizeof(Elf64_Sym);
        for (uint64_t k = 0; k < n; k++) {
            Elf64_Sym sym;
            if (!source_read(src, sh.sh_offset + k * sizeof(sym), &sym, sizeof(sym)))
                return;
            /* Only the wanted names matter: read as much of each name as the longest. */
            char name[16] = {0};
            if (sym.st_name >= strtab.sh_size)
                continue;
            uint64_t max = MIN(strtab.sh_size - sym.st_name, sizeof(name) - 1);
            if (!source_read(src, strtab.sh_offset + sym.st_name, name, max))
                return;
            for (unsigned w = 0; wanted_symbols[w]; w++) {
                if (strcmp(name, wanted_symbols[w]) == 0 && max > strlen(wanted_symbols[w])) {
                    uint64_t *v = g_new(uint64_t, 1);
                    *v = sym.st_value;
                    g_hash_table_replace(symbols, g_strdup(name), v);
                }
            }
        }
    }
}

static bool load(const char *path, const Source *src, VrAddressSpace *as, VrElfImage *image,
                 GError **error);

bool vr_elf_load(const char *path, VrAddressSpace *as, VrElfImage *image, GError **error)
{
    memset(image, 0, sizeof(*image));
    g_autoptr(GError) local = NULL;
    struct stat st;
    int fd = vr_open_input_file(path, VR_INPUT_BOOT, O_RDONLY, &st, &local);
    if (fd < 0) {
        g_set_error(error, local->domain, local->code, _("Cannot read kernel %s: %s"), path,
                    local->message);
        return false;
    }
    bool ok = vr_elf_load_fd(path, fd, (uint64_t) st.st_size, as, image, error);
    close(fd);
    return ok;
}

bool vr_elf_load_fd(const char *path, int fd, uint64_t len, VrAddressSpace *as, VrElfImage *image,
                    GError **error)
{
    Source src = {.fd = fd, .len = len};
    return load(path, &src, as, image, error);
}

bool vr_elf_load_data(const char *path, const uint8_t *data, size_t len, VrAddressSpace *as,
                      VrElfImage *image, GError **error)
{
    Source src = {.data = data, .fd = -1, .len = len};
    return load(path, &src, as, image, error);
}

bool vr_elf_check_header(const char *path, const uint8_t *data, size_t len, uint64_t file_len,
                         GError **error)
{
    if (!vr_elf_is_elf(data, len)) {
        g_set_error(error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                    _("%s is not an ELF file (no ELF magic at its start)"), path);
        return false;
    }
    Elf64_Ehdr eh;
    if (len < sizeof(Elf64_Ehdr) || file_len < sizeof(Elf64_Ehdr) || data[EI_CLASS] != ELFCLASS64) {
        g_set_error(error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                    _("%s is a 32-bit or truncated ELF file; a 64-bit RISC-V ELF is expected"),
                    path);
        return false;
    }
    memcpy(&eh, data, sizeof(eh));
    if (data[EI_DATA] != ELFDATA2LSB) {
        g_set_error(error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                    _("%s is a big-endian ELF file; a little-endian RISC-V ELF is expected"), path);
        return false;
    }
    if (eh.e_machine != EM_RISCV) {
        const char *m = machine_name(eh.e_machine);
        if (m)
            g_set_error(error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                        /* Translators: the second %s is a processor, e.g. "x86-64". */
                        _("%s is an ELF file for %s, not RISC-V"), path, _(m));
        else
            g_set_error(error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                        /* Translators: %u is the ELF header's machine number. */
                        _("%s is an ELF file for machine %u, not RISC-V (243)"), path,
                        eh.e_machine);
        return false;
    }
    if (eh.e_type != ET_EXEC && eh.e_type != ET_DYN) {
        g_set_error(error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                    _("%s is not an executable ELF file (type %u)"), path, eh.e_type);
        return false;
    }
    if (eh.e_phentsize != sizeof(Elf64_Phdr) ||
        !range_ok(file_len, eh.e_phoff, (uint64_t) eh.e_phnum * sizeof(Elf64_Phdr))) {
        g_set_error(error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                    _("%s has a damaged program header table"), path);
        return false;
    }
    return true;
}

static bool load(const char *path, const Source *src, VrAddressSpace *as, VrElfImage *image,
                 GError **error)
{
    memset(image, 0, sizeof(*image));
    uint8_t head[sizeof(Elf64_Ehdr)] = {0};
    size_t head_len = (size_t) MIN(src->len, sizeof(head));
    if (!source_read(src, 0, head, head_len))
        head_len = 0;
    if (!vr_elf_check_header(path, head, head_len, src->len, error))
        return false;
    Elf64_Ehdr ehdr;
    memcpy(&ehdr, head, sizeof(ehdr));
    const Elf64_Ehdr *eh = &ehdr;

    /* Segments may overlap, so a file can ask for any amount of copying: what fills RAM once
     * is all a real program needs. */
    uint64_t ram_total = 0, copied = 0;
    for (unsigned r = 0; r < vr_address_space_n_regions(as); r++) {
        const VrRegion *region = vr_address_space_region(as, r);
        if (region->host)
            ram_total += region->size;
    }
    unsigned loaded = 0;
    image->lowest = UINT64_MAX;
    for (unsigned i = 0; i < eh->e_phnum; i++) {
        Elf64_Phdr ph;
        if (!source_read(src, eh->e_phoff + (uint64_t) i * sizeof(ph), &ph, sizeof(ph))) {
            g_set_error(error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                        _("%s has a damaged program header table"), path);
            return false;
        }
        if (ph.p_type != PT_LOAD || ph.p_memsz == 0)
            continue;
        if (ph.p_filesz > ph.p_memsz || !range_ok(src->len, ph.p_offset, ph.p_filesz)) {
            g_set_error(error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                        /* Translators: %u is the number of a program header (segment). */
                        _("%s: segment %u extends past the end of the file"), path, i);
            return false;
        }
        uint64_t pa = ph.p_paddr;
        uint8_t *dst = vr_address_space_ram_ptr(as, pa, ph.p_memsz);
        if (!dst || pa + ph.p_memsz < pa) {
            g_set_error(error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                        _("%s: segment %u at 0x%llx-0x%llx lies outside guest RAM"), path, i,
                        (unsigned long long) pa, (unsigned long long) (pa + ph.p_memsz));
            return false;
        }
        copied += ph.p_memsz;
        if (copied > ram_total) {
            g_set_error(error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                        /* Translators: %llu is a size in MiB. */
                        _("%s: its segments add up to more than the machine's %llu MiB of RAM"),
                        path, (unsigned long long) (ram_total >> 20));
            return false;
        }
        if (!source_read(src, ph.p_offset, dst, ph.p_filesz)) {
            g_set_error(error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                        _("%s: segment %u extends past the end of the file"), path, i);
            return false;
        }
        memset(dst + ph.p_filesz, 0, ph.p_memsz - ph.p_filesz);
        image->lowest = MIN(image->lowest, pa);
        image->highest = MAX(image->highest, pa + ph.p_memsz);
        loaded++;
    }
    if (loaded == 0) {
        g_set_error(error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, _("%s has no loadable segments"),
                    path);
        return false;
    }
    image->entry = eh->e_entry;
    image->symbols = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
    read_symbols(src, eh, image->symbols);
    return true;
}

void vr_elf_image_clear(VrElfImage *image)
{
    g_clear_pointer(&image->symbols, g_hash_table_unref);
}

bool vr_elf_symbol(const VrElfImage *image, const char *name, uint64_t *value)
{
    if (!image->symbols)
        return false;
    const uint64_t *v = g_hash_table_lookup(image->symbols, name);
    if (!v)
        return false;
    *value = *v;
    return true;
}
