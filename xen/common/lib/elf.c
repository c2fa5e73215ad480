/*
 * ELF executables for the domain builder: validation, program and section
 * headers of either class, note walks, and PT_LOAD hand-off.
 */
#include <xen/elf.h>
#include <xen/lib.h>
#include <xen/errno.h>

static char elf_errbuf[160];

static int __printf(2, 3) elf_fail(const char **err, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(elf_errbuf, sizeof(elf_errbuf), fmt, ap);
    va_end(ap);
    if (err)
        *err = elf_errbuf;
    return -EINVAL;
}

/* [off, off + len) lies inside a file of `size` bytes. */
static bool elf_in_file(uint64_t off, uint64_t len, size_t size)
{
    return off <= size && len <= size - off;
}

/* ---- Headers of either class --------------------------------------------- */

void elf_segment(const struct elf_image *elf, unsigned int i, struct elf_segment *seg)
{
    ASSERT(i < elf->phnum);
    if (elf->elf_class == ELFCLASS64) {
        struct elf64_phdr p;

        memcpy(&p, elf->data + elf->phoff + (uint64_t)i * sizeof(p), sizeof(p));
        *seg = (struct elf_segment){ p.p_type, p.p_flags, p.p_offset, p.p_vaddr,
                                     p.p_paddr, p.p_filesz, p.p_memsz, p.p_align };
    } else {
        struct elf32_phdr p;

        memcpy(&p, elf->data + elf->phoff + (uint64_t)i * sizeof(p), sizeof(p));
        *seg = (struct elf_segment){ p.p_type, p.p_flags, p.p_offset, p.p_vaddr,
                                     p.p_paddr, p.p_filesz, p.p_memsz, p.p_align };
    }
}

void elf_section(const struct elf_image *elf, unsigned int i, struct elf_section *sec)
{
    ASSERT(i < elf->shnum);
    if (elf->elf_class == ELFCLASS64) {
        struct elf64_shdr s;

        memcpy(&s, elf->data + elf->shoff + (uint64_t)i * sizeof(s), sizeof(s));
        *sec = (struct elf_section){ s.sh_name, s.sh_type, s.sh_flags, s.sh_addr, s.sh_offset,
                                     s.sh_size, s.sh_link, s.sh_info, s.sh_addralign,
                                     s.sh_entsize };
    } else {
        struct elf32_shdr s;

        memcpy(&s, elf->data + elf->shoff + (uint64_t)i * sizeof(s), sizeof(s));
        *sec = (struct elf_section){ s.sh_name, s.sh_type, s.sh_flags, s.sh_addr, s.sh_offset,
                                     s.sh_size, s.sh_link, s.sh_info, s.sh_addralign,
                                     s.sh_entsize };
    }
}

/* The file header, whatever the class, and the checks that need no tables. */
struct elf_hdr_info {
    uint16_t type, machine, ehsize, phentsize, phnum, shentsize, shnum, shstrndx;
    uint32_t version;
    uint64_t entry, phoff, shoff;
};

static int elf_read_header(struct elf_image *elf, struct elf_hdr_info *h, const char **err)
{
    const uint8_t *id = elf->data;

    if (elf->size < ELFMAG_LEN || memcmp(id, ELFMAG, ELFMAG_LEN)) {
        elf_fail(err, "elf: no ELF magic");
        return -ENOEXEC;
    }
    if (elf->size < EI_NIDENT)
        return elf_fail(err, "elf: %zu bytes, less than the identification", elf->size);
    elf->elf_class = id[EI_CLASS];
    if (elf->elf_class != ELFCLASS32 && elf->elf_class != ELFCLASS64)
        return elf_fail(err, "elf: class %u is neither ELFCLASS32 nor ELFCLASS64", id[EI_CLASS]);
    if (id[EI_DATA] != ELFDATA2LSB)
        return elf_fail(err, "elf: data encoding %u is not little-endian", id[EI_DATA]);
    if (id[EI_VERSION] != EV_CURRENT)
        return elf_fail(err, "elf: identification version %u is not %u", id[EI_VERSION],
                        EV_CURRENT);

    if (elf->elf_class == ELFCLASS64) {
        struct elf64_ehdr e;

        if (elf->size < sizeof(e))
            return elf_fail(err, "elf: %zu bytes, less than the 64-bit file header", elf->size);
        memcpy(&e, elf->data, sizeof(e));
        *h = (struct elf_hdr_info){ e.e_type, e.e_machine, e.e_ehsize, e.e_phentsize,
                                    e.e_phnum, e.e_shentsize, e.e_shnum, e.e_shstrndx,
                                    e.e_version, e.e_entry, e.e_phoff, e.e_shoff };
    } else {
        struct elf32_ehdr e;

        if (elf->size < sizeof(e))
            return elf_fail(err, "elf: %zu bytes, less than the 32-bit file header", elf->size);
        memcpy(&e, elf->data, sizeof(e));
        *h = (struct elf_hdr_info){ e.e_type, e.e_machine, e.e_ehsize, e.e_phentsize,
                                    e.e_phnum, e.e_shentsize, e.e_shnum, e.e_shstrndx,
                                    e.e_version, e.e_entry, e.e_phoff, e.e_shoff };
    }

    if (h->version != EV_CURRENT)
        return elf_fail(err, "elf: version %u is not %u", h->version, EV_CURRENT);
    if (h->type != ET_EXEC && h->type != ET_DYN)
        return elf_fail(err, "elf: type %u is not an executable (ET_EXEC or ET_DYN)%s", h->type,
                        h->type == ET_REL ? ": a relocatable object" : "");
    if (h->machine != EM_X86_64 && !(h->machine == EM_386 && elf->elf_class == ELFCLASS32))
        return elf_fail(err, "elf: machine %u is not x86-64 (%u)%s", h->machine, EM_X86_64,
                        h->machine == EM_386 ? " (i386 needs ELFCLASS32)" : "");
    if (h->ehsize < (elf->elf_class == ELFCLASS64 ? sizeof(struct elf64_ehdr)
                                                   : sizeof(struct elf32_ehdr)))
        return elf_fail(err, "elf: header size %u is less than the header", h->ehsize);
    elf->type = h->type;
    elf->machine = h->machine;
    elf->entry = h->entry;
    return 0;
}

static int elf_check_tables(struct elf_image *elf, const struct elf_hdr_info *h, const char **err)
{
    size_t phsz = elf->elf_class == ELFCLASS64 ? sizeof(struct elf64_phdr)
                                               : sizeof(struct elf32_phdr);
    size_t shsz = elf->elf_class == ELFCLASS64 ? sizeof(struct elf64_shdr)
                                               : sizeof(struct elf32_shdr);

    if (h->phnum == PN_XNUM)
        return elf_fail(err, "elf: extended program header numbering is not supported");
    if (!h->phnum)
        return elf_fail(err, "elf: no program headers");
    if (h->phnum > ELF_MAX_PHNUM)
        return elf_fail(err, "elf: %u program headers, more than %u", h->phnum, ELF_MAX_PHNUM);
    if (h->phentsize != phsz)
        return elf_fail(err, "elf: program header size %u is not %zu", h->phentsize, phsz);
    if (!elf_in_file(h->phoff, (uint64_t)h->phnum * phsz, elf->size))
        return elf_fail(err, "elf: program headers at 0x%lx (%u of %zu bytes) run past the "
                        "end of the file (0x%zx)", (unsigned long)h->phoff, h->phnum, phsz,
                        elf->size);
    elf->phoff = h->phoff;
    elf->phnum = h->phnum;

    /* Sections are optional; they are used only for notes. */
    if (!h->shoff)
        return 0;
    if (!h->shnum || h->shstrndx == SHN_XINDEX)
        return elf_fail(err, "elf: extended section numbering is not supported");
    if (h->shentsize != shsz)
        return elf_fail(err, "elf: section header size %u is not %zu", h->shentsize, shsz);
    if (!elf_in_file(h->shoff, (uint64_t)h->shnum * shsz, elf->size))
        return elf_fail(err, "elf: section headers at 0x%lx (%u of %zu bytes) run past the "
                        "end of the file (0x%zx)", (unsigned long)h->shoff, h->shnum, shsz,
                        elf->size);
    elf->shoff = h->shoff;
    elf->shnum = h->shnum;
    return 0;
}

static int elf_check_loads(struct elf_image *elf, const char **err)
{
    /* Exclusive end of the physical address space a class can name. */
    uint64_t limit = elf->elf_class == ELFCLASS64 ? UINT64_MAX : 1ULL << 32;
    struct elf_segment s, t;
    unsigned int i, j;

    elf->paddr_start = UINT64_MAX;
    elf->paddr_end = 0;
    for (i = 0; i < elf->phnum; i++) {
        elf_segment(elf, i, &s);
        if (s.type == PT_NOTE)
            elf->nr_note_segments++;
        if (s.type == PT_INTERP)
            return elf_fail(err, "elf: program header %u: PT_INTERP; a kernel needs no "
                            "interpreter", i);
        if (s.type != PT_LOAD)
            continue;
        if (!elf_in_file(s.offset, s.filesz, elf->size))
            return elf_fail(err, "elf: PT_LOAD %u: file bytes [0x%lx, +0x%lx) run past the end "
                            "of the file (0x%zx)", i, (unsigned long)s.offset,
                            (unsigned long)s.filesz, elf->size);
        if (s.filesz > s.memsz)
            return elf_fail(err, "elf: PT_LOAD %u: filesz 0x%lx is larger than memsz 0x%lx", i,
                            (unsigned long)s.filesz, (unsigned long)s.memsz);
        if (s.memsz > limit - s.paddr)
            return elf_fail(err, "elf: PT_LOAD %u: [0x%lx, +0x%lx) wraps the physical address "
                            "space", i, (unsigned long)s.paddr, (unsigned long)s.memsz);
        if (!s.memsz)
            continue;
        for (j = 0; j < i; j++) {
            elf_segment(elf, j, &t);
            if (t.type != PT_LOAD || !t.memsz)
                continue;
            if (s.paddr < t.paddr + t.memsz && t.paddr < s.paddr + s.memsz)
                return elf_fail(err, "elf: PT_LOAD %u [0x%lx, +0x%lx) overlaps PT_LOAD %u "
                                "[0x%lx, +0x%lx)", i, (unsigned long)s.paddr,
                                (unsigned long)s.memsz, j, (unsigned long)t.paddr,
                                (unsigned long)t.memsz);
        }
        elf->nr_load++;
        elf->paddr_start = min(elf->paddr_start, s.paddr);
        elf->paddr_end = max(elf->paddr_end, s.paddr + s.memsz);
    }
    if (!elf->nr_load)
        return elf_fail(err, "elf: no PT_LOAD segment with memory");
    return 0;
}

/* ---- Notes --------------------------------------------------------------- */

/* gABI says 8-byte note alignment for ELFCLASS64, but everyone uses 4 unless p_align says 8. */
static uint64_t elf_note_align(uint64_t align)
{
    return align == 8 ? 8 : 4;
}

/* Read the note at pos in [pos, end): 0 and the position of the next, or -EINVAL. */
static int elf_parse_note(const struct elf_image *elf, uint64_t pos, uint64_t end, uint64_t align,
                          struct elf_note *note, uint64_t *next)
{
    struct elf_nhdr n;
    uint64_t name, desc, after;

    if (end - pos < sizeof(n))
        return -EINVAL;
    memcpy(&n, elf->data + pos, sizeof(n));
    name = pos + sizeof(n);
    desc = name + ROUNDUP((uint64_t)n.n_namesz, align);
    if (n.n_namesz > end - name || desc > end || n.n_descsz > end - desc)
        return -EINVAL;
    after = desc + ROUNDUP((uint64_t)n.n_descsz, align);
    *note = (struct elf_note){ (const char *)elf->data + name, n.n_namesz, n.n_type,
                               elf->data + desc, n.n_descsz };
    /* Padding after the last note may be missing. */
    *next = min(after, end);
    return 0;
}

/* Note region `index` (a segment or a section): 0, or -ENOENT if it holds no notes. */
static int elf_note_region(const struct elf_image *elf, unsigned int index, uint64_t *start,
                           uint64_t *size, uint64_t *align)
{
    if (elf->nr_note_segments) {
        struct elf_segment s;

        elf_segment(elf, index, &s);
        if (s.type != PT_NOTE)
            return -ENOENT;
        *start = s.offset;
        *size = s.filesz;
        *align = elf_note_align(s.align);
    } else {
        struct elf_section s;

        elf_section(elf, index, &s);
        if (s.type != SHT_NOTE)
            return -ENOENT;
        *start = s.offset;
        *size = s.size;
        *align = elf_note_align(s.align);
    }
    return 0;
}

static unsigned int elf_nr_note_regions(const struct elf_image *elf)
{
    return elf->nr_note_segments ? elf->phnum : elf->shnum;
}

static int elf_check_notes(const struct elf_image *elf, const char **err)
{
    const char *what = elf->nr_note_segments ? "PT_NOTE" : "SHT_NOTE section";
    unsigned int i;

    for (i = 0; i < elf_nr_note_regions(elf); i++) {
        uint64_t pos, size, align, end;
        struct elf_note note;

        if (elf_note_region(elf, i, &pos, &size, &align))
            continue;
        if (!elf_in_file(pos, size, elf->size))
            return elf_fail(err, "elf: %s %u: [0x%lx, +0x%lx) runs past the end of the file "
                            "(0x%zx)", what, i, (unsigned long)pos, (unsigned long)size,
                            elf->size);
        for (end = pos + size; pos < end;)
            if (elf_parse_note(elf, pos, end, align, &note, &pos))
                return elf_fail(err, "elf: %s %u: note at 0x%lx runs past the end of its "
                                "region at 0x%lx", what, i, (unsigned long)pos,
                                (unsigned long)end);
    }
    return 0;
}

int elf_next_note(const struct elf_image *elf, struct elf_note_iter *it, struct elf_note *note)
{
    uint64_t start, size, align;

    for (; it->index < elf_nr_note_regions(elf); it->index++, it->started = false) {
        if (elf_note_region(elf, it->index, &start, &size, &align))
            continue;
        if (!it->started) {
            it->pos = start;
            it->started = true;
        }
        if (it->pos < start + size) {
            /* elf_check() parsed every note already. */
            elf_parse_note(elf, it->pos, start + size, align, note, &it->pos);
            return 0;
        }
    }
    return -ENOENT;
}

int elf_find_note(const struct elf_image *elf, const char *name, uint32_t type,
                  struct elf_note *note)
{
    struct elf_note_iter it = { 0 };
    size_t len = strlen(name) + 1;

    while (!elf_next_note(elf, &it, note))
        if (note->type == type && note->namesz == len && !memcmp(note->name, name, len))
            return 0;
    return -ENOENT;
}

int elf_note_numeric(const struct elf_note *note, uint64_t *val)
{
    const uint8_t *d = note->desc;
    unsigned int i;

    if (note->descsz != 1 && note->descsz != 2 && note->descsz != 4 && note->descsz != 8)
        return -EINVAL;
    *val = 0;
    for (i = note->descsz; i--;)
        *val = *val << 8 | d[i];
    return 0;
}

int elf_xen_phys32_entry(const struct elf_image *elf, uint64_t *entry)
{
    struct elf_note note;
    int rc = elf_find_note(elf, ELF_XEN_NOTE_NAME, ELF_XEN_NOTE_PHYS32_ENTRY, &note);

    if (rc)
        return rc;
    rc = elf_note_numeric(&note, entry);
    if (rc || *entry > UINT32_MAX)
        return -EINVAL;
    return 0;
}

/* ---- The whole image ----------------------------------------------------- */

int elf_check(struct elf_image *elf, const void *data, size_t size, const char **err)
{
    struct elf_hdr_info h = { 0 };
    int rc;

    memset(elf, 0, sizeof(*elf));
    elf->data = data;
    elf->size = size;
    if (err)
        *err = NULL;
    rc = elf_read_header(elf, &h, err);
    if (!rc)
        rc = elf_check_tables(elf, &h, err);
    if (!rc)
        rc = elf_check_loads(elf, err);
    if (!rc)
        rc = elf_check_notes(elf, err);
    return rc;
}

int elf_load(const struct elf_image *elf, elf_load_fn fn, void *opaque)
{
    struct elf_segment s;
    unsigned int i;
    int rc;

    for (i = 0; i < elf->phnum; i++) {
        elf_segment(elf, i, &s);
        if (s.type != PT_LOAD || !s.memsz)
            continue;
        rc = fn(opaque, s.paddr, elf->data + s.offset, s.filesz, s.memsz);
        if (rc)
            return rc;
    }
    return 0;
}
