/*
 * ELF images as the domain builder sees them (System V gABI, "Object
 * Files"; x86-64 psABI): the file formats as data, and helpers that
 * validate an executable, find its notes and hand its PT_LOAD segments to
 * a loader.
 *
 * Headers are only ever read through memcpy into local copies
 * (common/lib/elf.c), so images may sit at any alignment.
 */
#ifndef XEN_ELF_H
#define XEN_ELF_H

#include <xen/types.h>
#include <xen/compiler.h>

/* e_ident */
#define EI_NIDENT     16
#define EI_MAG0       0     /* 0x7f 'E' 'L' 'F' */
#define EI_CLASS      4
#define EI_DATA       5
#define EI_VERSION    6
#define ELFMAG        "\177ELF"
#define ELFMAG_LEN    4
#define ELFCLASS32    1
#define ELFCLASS64    2
#define ELFDATA2LSB   1
#define EV_CURRENT    1

/* e_type */
#define ET_REL        1
#define ET_EXEC       2
#define ET_DYN        3
#define ET_CORE       4

/* e_machine */
#define EM_386        3
#define EM_X86_64     62

/* Special section indices and counts. */
#define SHN_UNDEF     0
#define SHN_XINDEX    0xffff
#define PN_XNUM       0xffff

/* p_type */
#define PT_NULL       0
#define PT_LOAD       1
#define PT_DYNAMIC    2
#define PT_INTERP     3
#define PT_NOTE       4

/* p_flags */
#define PF_X          1
#define PF_W          2
#define PF_R          4

/* sh_type */
#define SHT_NOTE      7
#define SHT_NOBITS    8

struct elf32_ehdr {
    uint8_t e_ident[EI_NIDENT];
    uint16_t e_type;
    uint16_t e_machine;
    uint32_t e_version;
    uint32_t e_entry;
    uint32_t e_phoff;
    uint32_t e_shoff;
    uint32_t e_flags;
    uint16_t e_ehsize;
    uint16_t e_phentsize;
    uint16_t e_phnum;
    uint16_t e_shentsize;
    uint16_t e_shnum;
    uint16_t e_shstrndx;
} __packed;

struct elf64_ehdr {
    uint8_t e_ident[EI_NIDENT];
    uint16_t e_type;
    uint16_t e_machine;
    uint32_t e_version;
    uint64_t e_entry;
    uint64_t e_phoff;
    uint64_t e_shoff;
    uint32_t e_flags;
    uint16_t e_ehsize;
    uint16_t e_phentsize;
    uint16_t e_phnum;
    uint16_t e_shentsize;
    uint16_t e_shnum;
    uint16_t e_shstrndx;
} __packed;

struct elf32_phdr {
    uint32_t p_type;
    uint32_t p_offset;
    uint32_t p_vaddr;
    uint32_t p_paddr;
    uint32_t p_filesz;
    uint32_t p_memsz;
    uint32_t p_flags;
    uint32_t p_align;
} __packed;

struct elf64_phdr {
    uint32_t p_type;
    uint32_t p_flags;
    uint64_t p_offset;
    uint64_t p_vaddr;
    uint64_t p_paddr;
    uint64_t p_filesz;
    uint64_t p_memsz;
    uint64_t p_align;
} __packed;

struct elf32_shdr {
    uint32_t sh_name;
    uint32_t sh_type;
    uint32_t sh_flags;
    uint32_t sh_addr;
    uint32_t sh_offset;
    uint32_t sh_size;
    uint32_t sh_link;
    uint32_t sh_info;
    uint32_t sh_addralign;
    uint32_t sh_entsize;
} __packed;

struct elf64_shdr {
    uint32_t sh_name;
    uint32_t sh_type;
    uint64_t sh_flags;
    uint64_t sh_addr;
    uint64_t sh_offset;
    uint64_t sh_size;
    uint32_t sh_link;
    uint32_t sh_info;
    uint64_t sh_addralign;
    uint64_t sh_entsize;
} __packed;

/* A note: this header, the name padded to the note alignment, the descriptor likewise. */
struct elf_nhdr {
    uint32_t n_namesz;      /* including the NUL */
    uint32_t n_descsz;
    uint32_t n_type;
} __packed;

BUILD_BUG_ON(sizeof(struct elf32_ehdr) != 52);
BUILD_BUG_ON(sizeof(struct elf64_ehdr) != 64);
BUILD_BUG_ON(offsetof(struct elf32_ehdr, e_phentsize) != 42);
BUILD_BUG_ON(offsetof(struct elf64_ehdr, e_phoff) != 32);
BUILD_BUG_ON(offsetof(struct elf64_ehdr, e_phentsize) != 54);
BUILD_BUG_ON(offsetof(struct elf64_ehdr, e_shstrndx) != 62);
BUILD_BUG_ON(sizeof(struct elf32_phdr) != 32);
BUILD_BUG_ON(sizeof(struct elf64_phdr) != 56);
BUILD_BUG_ON(offsetof(struct elf64_phdr, p_paddr) != 24);
BUILD_BUG_ON(offsetof(struct elf64_phdr, p_memsz) != 40);
BUILD_BUG_ON(sizeof(struct elf32_shdr) != 40);
BUILD_BUG_ON(sizeof(struct elf64_shdr) != 64);
BUILD_BUG_ON(offsetof(struct elf64_shdr, sh_offset) != 24);
BUILD_BUG_ON(sizeof(struct elf_nhdr) != 12);

/*
 * Xen's ELF notes (public/elfnote.h): name "Xen", numbered types.  A
 * numeric descriptor is a little-endian integer of 1, 2, 4 or 8 bytes.
 */
#define ELF_XEN_NOTE_NAME                "Xen"
#define ELF_XEN_NOTE_INFO                0
#define ELF_XEN_NOTE_ENTRY               1
#define ELF_XEN_NOTE_HYPERCALL_PAGE      2
#define ELF_XEN_NOTE_VIRT_BASE           3
#define ELF_XEN_NOTE_PADDR_OFFSET        4
#define ELF_XEN_NOTE_XEN_VERSION         5
#define ELF_XEN_NOTE_GUEST_OS            6
#define ELF_XEN_NOTE_GUEST_VERSION       7
#define ELF_XEN_NOTE_LOADER              8
#define ELF_XEN_NOTE_PAE_MODE            9
#define ELF_XEN_NOTE_FEATURES            10
#define ELF_XEN_NOTE_BSD_SYMTAB          11
#define ELF_XEN_NOTE_HV_START_LOW        12
#define ELF_XEN_NOTE_L1_MFN_VALID        13
#define ELF_XEN_NOTE_SUSPEND_CANCEL      14
#define ELF_XEN_NOTE_INIT_P2M            15
#define ELF_XEN_NOTE_MOD_START_PFN       16
#define ELF_XEN_NOTE_SUPPORTED_FEATURES  17
#define ELF_XEN_NOTE_PHYS32_ENTRY        18  /* PVH: 32-bit physical entry point */

/* Most program headers accepted (Linux has about 5). */
#define ELF_MAX_PHNUM 1024

/* A validated image; class-independent copies of the ELF header fields. */
struct elf_image {
    const uint8_t *data;
    size_t size;
    uint8_t elf_class;          /* ELFCLASS32 or ELFCLASS64 */
    uint16_t type;              /* ET_EXEC or ET_DYN */
    uint16_t machine;           /* EM_X86_64 or EM_386 */
    uint64_t entry;
    uint64_t phoff;
    unsigned int phnum;
    uint64_t shoff;
    unsigned int shnum;
    unsigned int nr_load;       /* PT_LOAD segments with memsz != 0 */
    unsigned int nr_note_segments;
    uint64_t paddr_start;       /* lowest PT_LOAD p_paddr */
    uint64_t paddr_end;         /* highest PT_LOAD p_paddr + p_memsz (exclusive) */
};

/* A program header, whatever the class. */
struct elf_segment {
    uint32_t type;
    uint32_t flags;
    uint64_t offset;
    uint64_t vaddr;
    uint64_t paddr;
    uint64_t filesz;
    uint64_t memsz;
    uint64_t align;
};

/* A section header, whatever the class. */
struct elf_section {
    uint32_t name;
    uint32_t type;
    uint64_t flags;
    uint64_t addr;
    uint64_t offset;
    uint64_t size;
    uint32_t link;
    uint32_t info;
    uint64_t align;
    uint64_t entsize;
};

struct elf_note {
    const char *name;           /* namesz bytes, normally NUL-terminated */
    uint32_t namesz;
    uint32_t type;
    const void *desc;
    uint32_t descsz;
};

/* Where a note walk is; zero it to start. */
struct elf_note_iter {
    unsigned int index;         /* of the segment or section being walked */
    bool started;               /* pos is valid */
    uint64_t pos;               /* file offset of the next note in it */
};

/*
 * Validate an executable of `size` bytes at `data`: identification, class,
 * machine, header sizes, program headers within the file, PT_LOAD segments
 * (file bytes inside the file, filesz <= memsz, no wrap, no two overlapping
 * in physical memory, at least one), and every note that elf_next_note()
 * will walk.  0 on success; -ENOEXEC if it is not ELF at all, -EINVAL
 * otherwise, with *err describing what is wrong and where (a static
 * buffer, valid until the next call).  ET_EXEC and ET_DYN are accepted:
 * either is loaded at its physical addresses.
 */
int elf_check(struct elf_image *elf, const void *data, size_t size, const char **err);

void elf_segment(const struct elf_image *elf, unsigned int i, struct elf_segment *seg);
void elf_section(const struct elf_image *elf, unsigned int i, struct elf_section *sec);

/*
 * The next note: from the PT_NOTE segments, or from the SHT_NOTE sections
 * in an image without PT_NOTE segments.  0, or -ENOENT after the last.
 */
int elf_next_note(const struct elf_image *elf, struct elf_note_iter *it, struct elf_note *note);

/* The first note with this name and type; 0 or -ENOENT. */
int elf_find_note(const struct elf_image *elf, const char *name, uint32_t type,
                  struct elf_note *note);

/* A numeric descriptor (1, 2, 4 or 8 bytes, little-endian); -EINVAL otherwise. */
int elf_note_numeric(const struct elf_note *note, uint64_t *val);

/* The PVH entry point from the Xen PHYS32_ENTRY note; -ENOENT, -EINVAL (not numeric or >= 4 GiB). */
int elf_xen_phys32_entry(const struct elf_image *elf, uint64_t *entry);

/*
 * Called for each PT_LOAD with memsz != 0, in program header order: copy
 * filesz bytes from src to paddr and zero up to memsz.  A non-zero return
 * stops elf_load(), which returns it.
 */
typedef int (*elf_load_fn)(void *opaque, uint64_t paddr, const void *src, uint64_t filesz,
                           uint64_t memsz);

int elf_load(const struct elf_image *elf, elf_load_fn fn, void *opaque);

#endif
