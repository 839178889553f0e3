/* ELF64 loader, written for hostile input: every offset and size is checked. */
#include <elf.h>
#include <gio/gio.h>
#include <string.h>

#include "vr-elf.h"
#include "vr-i18n.h"

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

static bool range_ok(size_t file_len, uint64_t off, uint64_t size)
{
    return off <= file_len && size <= file_len - off;
}

static void read_symbols(const uint8_t *data, size_t len, const Elf64_Ehdr *eh, GHashTable *symbols)
{
    if (eh->e_shoff == 0 || eh->e_shentsize != sizeof(Elf64_Shdr))
        return;
    if (!range_ok(len, eh->e_shoff, (uint64_t) eh->e_shnum * sizeof(Elf64_Shdr)))
        return;
    const Elf64_Shdr *sh = (const Elf64_Shdr *) (data + eh->e_shoff);
    for (unsigned i = 0; i < eh->e_shnum; i++) {
        if (sh[i].sh_type != SHT_SYMTAB || sh[i].sh_link >= eh->e_shnum)
            continue;
        const Elf64_Shdr *strtab = &sh[sh[i].sh_link];
        if (!range_ok(len, sh[i].sh_offset, sh[i].sh_size) ||
            !range_ok(len, strtab->sh_offset, strtab->sh_size))
            continue;
        const Elf64_Sym *syms = (const Elf64_Sym *) (data + sh[i].sh_offset);
        size_t n = sh[i].sh_size / sizeof(Elf64_Sym);
        const char *str = (const char *) (data + strtab->sh_offset);
        for (size_t k = 0; k < n; k++) {
            if (syms[k].st_name >= strtab->sh_size)
                continue;
            const char *name = str + syms[k].st_name;
            size_t max = strtab->sh_size - syms[k].st_name;
            if (strnlen(name, max) == max)
                continue;
            for (unsigned w = 0; wanted_symbols[w]; w++) {
                if (strcmp(name, wanted_symbols[w]) == 0) {
                    uint64_t *v = g_new(uint64_t, 1);
                    *v = syms[k].st_value;
                    g_hash_table_replace(symbols, g_strdup(name), v);
                }
            }
        }
    }
}

bool vr_elf_load(const char *path, VrAddressSpace *as, VrElfImage *image, GError **error)
{
    g_autofree char *contents = NULL;
    gsize len = 0;
    g_autoptr(GError) local = NULL;
    if (!g_file_get_contents(path, &contents, &len, &local)) {
        memset(image, 0, sizeof(*image));
        g_set_error(error, local->domain, local->code, _("Cannot read kernel %s: %s"), path,
                    local->message);
        return false;
    }
    return vr_elf_load_data(path, (const uint8_t *) contents, len, as, image, error);
}

bool vr_elf_load_data(const char *path, const uint8_t *data, size_t len, VrAddressSpace *as,
                      VrElfImage *image, GError **error)
{
    memset(image, 0, sizeof(*image));
    if (!vr_elf_is_elf(data, len)) {
        g_set_error(error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                    _("%s is not an ELF file (no ELF magic at its start)"), path);
        return false;
    }
    if (len < sizeof(Elf64_Ehdr) || data[EI_CLASS] != ELFCLASS64) {
        g_set_error(error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                    _("%s is a 32-bit or truncated ELF file; a 64-bit RISC-V ELF is expected"),
                    path);
        return false;
    }
    const Elf64_Ehdr *eh = (const Elf64_Ehdr *) data;
    if (data[EI_DATA] != ELFDATA2LSB) {
        g_set_error(error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                    _("%s is a big-endian ELF file; a little-endian RISC-V ELF is expected"), path);
        return false;
    }
    if (eh->e_machine != EM_RISCV) {
        const char *m = machine_name(eh->e_machine);
        if (m)
            g_set_error(error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                        /* Translators: the second %s is a processor, e.g. "x86-64". */
                        _("%s is an ELF file for %s, not RISC-V"), path, _(m));
        else
            g_set_error(error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                        /* Translators: %u is the ELF header's machine number. */
                        _("%s is an ELF file for machine %u, not RISC-V (243)"), path,
                        eh->e_machine);
        return false;
    }
    if (eh->e_type != ET_EXEC && eh->e_type != ET_DYN) {
        g_set_error(error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                    _("%s is not an executable ELF file (type %u)"), path, eh->e_type);
        return false;
    }
    if (eh->e_phentsize != sizeof(Elf64_Phdr) ||
        !range_ok(len, eh->e_phoff, (uint64_t) eh->e_phnum * sizeof(Elf64_Phdr))) {
        g_set_error(error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                    _("%s has a damaged program header table"), path);
        return false;
    }

    const Elf64_Phdr *ph = (const Elf64_Phdr *) (data + eh->e_phoff);
    unsigned loaded = 0;
    image->lowest = UINT64_MAX;
    for (unsigned i = 0; i < eh->e_phnum; i++) {
        if (ph[i].p_type != PT_LOAD || ph[i].p_memsz == 0)
            continue;
        if (ph[i].p_filesz > ph[i].p_memsz || !range_ok(len, ph[i].p_offset, ph[i].p_filesz)) {
            g_set_error(error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                        /* Translators: %u is the number of a program header (segment). */
                        _("%s: segment %u extends past the end of the file"), path, i);
            return false;
        }
        uint64_t pa = ph[i].p_paddr;
        uint8_t *dst = vr_address_space_ram_ptr(as, pa, ph[i].p_memsz);
        if (!dst || pa + ph[i].p_memsz < pa) {
            g_set_error(error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                        _("%s: segment %u at 0x%llx-0x%llx lies outside guest RAM"), path, i,
                        (unsigned long long) pa, (unsigned long long) (pa + ph[i].p_memsz));
            return false;
        }
        memcpy(dst, data + ph[i].p_offset, ph[i].p_filesz);
        memset(dst + ph[i].p_filesz, 0, ph[i].p_memsz - ph[i].p_filesz);
        image->lowest = MIN(image->lowest, pa);
        image->highest = MAX(image->highest, pa + ph[i].p_memsz);
        loaded++;
    }
    if (loaded == 0) {
        g_set_error(error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, _("%s has no loadable segments"),
                    path);
        return false;
    }
    image->entry = eh->e_entry;
    image->symbols = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
    read_symbols(data, len, eh, image->symbols);
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
