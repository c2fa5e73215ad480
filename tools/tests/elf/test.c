/*
 * Host tests of the ELF helpers (common/lib/elf.c) on real objects: small
 * kernels with Xen notes assembled and linked at test time by binutils
 * (ELF64, objcopy'd to elf32-x86-64, and i386), checked against readelf;
 * then truncations, corrupted headers and a fixed-seed fuzzer, each image
 * at the very end of its allocation so AddressSanitizer sees any overrun.
 * TEST_VMLINUX=<path> also checks a real Linux vmlinux.
 */
#include "test.h"
#include <xen/elf.h>
#include <xen/errno.h>
#include <unistd.h>
#include <limits.h>

static struct elf_image E;
static const char *err;
static char tmpdir[64];

/* ---- Building test kernels ----------------------------------------------- */

#define KERNEL_PADDR  0x1000000ULL      /* where Linux loads, 16 MiB */
#define PHYS32_ENTRY  0x1000040ULL
#define BSS_SIZE      0x3000

/*
 * A kernel in miniature: text linked high and loaded at 16 MiB like
 * vmlinux, data with bss after it, and Xen notes, including the PVH entry.
 * WORD is .quad or .long so the same source assembles for both classes.
 */
static const char kernel_s[] =
    "        .section .text, \"ax\"\n"
    "        .globl _start\n"
    "_start: .fill 64, 1, 0x90\n"
    "pvh_entry: hlt\n"
    "        .fill 15, 1, 0xcc\n"
    "        .section .data, \"aw\"\n"
    "        .long 0x12345678, 0x9abcdef0\n"
    "        .section .bss, \"aw\", @nobits\n"
    "        .space " "0x3000" "\n"
    "        .section .note.Xen, NOTE_FLAGS, @note\n"
    "        .balign 4\n"
    "        .long 4, 6, 6\n"           /* GUEST_OS */
    "        .asciz \"Xen\"\n"
    "        .asciz \"linux\"\n"
    "        .balign 4\n"
    "        .long 4, 8, 5\n"           /* XEN_VERSION */
    "        .asciz \"Xen\"\n"
    "        .asciz \"xen-3.0\"\n"
    "        .balign 4\n"
    "        .long 4, 4, 17\n"          /* SUPPORTED_FEATURES, not numeric-looking */
    "        .asciz \"Xen\"\n"
    "        .long 0x1\n"
    "        .long 4, 4, 0x100\n"       /* another owner's note with a Xen number */
    "        .asciz \"Lnx\"\n"
    "        .long 0xdead\n"
    "        .long 4, WORD_SIZE, 18\n"  /* PHYS32_ENTRY */
    "        .asciz \"Xen\"\n"
    "        WORD 0x1000040\n"
    "        .long 0, 4, 3\n"           /* an empty name */
    "        .long 7\n";

static const char kernel_lds[] =
    "ENTRY(_start)\n"
    "PHDRS { text PT_LOAD FLAGS(5); data PT_LOAD FLAGS(6); NOTE_PHDR }\n"
    "SECTIONS {\n"
    "  . = VIRT_BASE + 0x1000000;\n"
    "  .text : AT(0x1000000) { *(.text) } :text\n"
    "  .note.Xen : AT(ADDR(.note.Xen) - VIRT_BASE) { *(.note.Xen) } :text NOTE_SEG\n"
    "  . = ALIGN(0x1000);\n"
    "  .data : AT(ADDR(.data) - VIRT_BASE) { *(.data) } :data\n"
    "  .bss : AT(ADDR(.bss) - VIRT_BASE) { *(.bss) } :data\n"
    "  /DISCARD/ : { *(.note.gnu.property) *(.comment) }\n"
    "}\n";

static bool write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");

    if (!f)
        return false;
    fputs(text, f);
    return !fclose(f);
}

static bool run(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static bool run(const char *fmt, ...)
{
    char cmd[2048];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(cmd, sizeof(cmd), fmt, ap);
    va_end(ap);
    return !system(cmd);
}

struct kernel {
    const char *name;
    uint8_t *data;
    size_t len;
    unsigned int elf_class;
    uint16_t machine;
    bool note_segment;          /* else notes only in a section */
};

enum { K64, K32X64, K386, K64_SECTIONS, NR_KERNELS };
static struct kernel K[NR_KERNELS] = {
    { "elf64", NULL, 0, ELFCLASS64, EM_X86_64, true },
    { "elf32-x86-64", NULL, 0, ELFCLASS32, EM_X86_64, true },
    { "elf32-i386", NULL, 0, ELFCLASS32, EM_386, true },
    { "elf64-section-notes", NULL, 0, ELFCLASS64, EM_X86_64, false },
};
static bool have_tools;

static bool build_one(const char *name, bool is32, bool note_seg)
{
    char src[128], lds[128], obj[128], out[128];

    snprintf(src, sizeof(src), "%s/%s.S", tmpdir, name);
    snprintf(lds, sizeof(lds), "%s/%s.lds", tmpdir, name);
    snprintf(obj, sizeof(obj), "%s/%s.o", tmpdir, name);
    snprintf(out, sizeof(out), "%s/%s", tmpdir, name);
    if (!write_file(src, kernel_s) || !write_file(lds, kernel_lds))
        return false;
    return run("gcc -c -x assembler-with-cpp %s -DWORD=%s -DWORD_SIZE=%d "
               "-DNOTE_FLAGS='\"%s\"' -o %s %s", is32 ? "-m32" : "", is32 ? ".long" : ".quad",
               is32 ? 4 : 8, note_seg ? "a" : "", obj, src) &&
           run("gcc -E -P -x c -DVIRT_BASE=%s '-DNOTE_PHDR=%s' '-DNOTE_SEG=%s' %s -o %s.i",
               is32 ? "0x80000000" : "0xffffffff80000000", note_seg ? "note PT_NOTE;" : "",
               note_seg ? ":note" : "", lds, lds) &&
           run("ld -m %s -z noexecstack --no-warn-rwx-segments -T %s.i %s -o %s",
               is32 ? "elf_i386" : "elf_x86_64", lds, obj, out);
}

static void build_kernels(void)
{
    static bool done;
    char path[256];

    if (done)
        return;
    done = true;
    snprintf(tmpdir, sizeof(tmpdir), "/tmp/elf-test-XXXXXX");
    if (!mkdtemp(tmpdir) || !run("which gcc ld objcopy readelf >/dev/null")) {
        printf("SKIP: binutils/gcc not available: ELF tests on built kernels skipped\n");
        return;
    }
    /* i386 objects from gcc -m32 need only the assembler, which always has --32. */
    have_tools = build_one("elf64", false, true) && build_one("elf32-i386", true, true) &&
                 build_one("elf64-section-notes", false, false) &&
                 run("objcopy -O elf32-x86-64 %s/elf64 %s/elf32-x86-64", tmpdir, tmpdir);
    if (!have_tools) {
        printf("FAIL: could not build the test kernels in %s\n", tmpdir);
        return;
    }
    for (unsigned int i = 0; i < NR_KERNELS; i++) {
        snprintf(path, sizeof(path), "%s/%s", tmpdir, K[i].name);
        K[i].data = test_read_file(path, &K[i].len);
        have_tools &= K[i].data != NULL;
    }
}

/* A copy at the very end of its own allocation, kept until the next call. */
static int check_image(const void *data, size_t len)
{
    static uint8_t *last;
    uint8_t *copy = malloc(len ? len : 1);

    memcpy(copy, data, len);
    free(last);
    last = copy;
    return elf_check(&E, copy, len, &err);
}

/* ---- readelf as the oracle --------------------------------------------------- */

struct ph {
    char type[16];
    uint64_t offset, vaddr, paddr, filesz, memsz;
};

static unsigned int readelf_phdrs(const char *name, struct ph *ph, unsigned int max)
{
    char cmd[256], line[512];
    unsigned int n = 0;
    FILE *p;

    snprintf(cmd, sizeof(cmd), "readelf -lW %s/%s", tmpdir, name);
    p = popen(cmd, "r");
    if (!p)
        return 0;
    while (fgets(line, sizeof(line), p) && n < max) {
        struct ph h;

        if (sscanf(line, " %15s 0x%lx 0x%lx 0x%lx 0x%lx 0x%lx", h.type, &h.offset, &h.vaddr,
                   &h.paddr, &h.filesz, &h.memsz) == 6)
            ph[n++] = h;
    }
    pclose(p);
    return n;
}

struct load {
    uint64_t paddr, filesz, memsz;
    const uint8_t *src;
};

struct loads {
    unsigned int n;
    struct load l[16];
    int stop_at;
};

static int record_load(void *opaque, uint64_t paddr, const void *src, uint64_t filesz,
                       uint64_t memsz)
{
    struct loads *ls = opaque;

    if (ls->n == (unsigned int)ls->stop_at)
        return -EFAULT;
    if (ls->n < ARRAY_SIZE(ls->l))
        ls->l[ls->n] = (struct load){ paddr, filesz, memsz, src };
    ls->n++;
    return 0;
}

/* ---- Tests ---------------------------------------------------------------------- */

static void test_kernel(unsigned int k)
{
    struct kernel *kn = &K[k];
    struct ph ph[16];
    struct loads ls = { .stop_at = -1 };
    struct elf_note note;
    struct elf_note_iter it = { 0 };
    unsigned int nph, i, j, nload = 0, nnotes = 0;
    uint64_t entry, v;
    int rc;

    build_kernels();
    CHECK(have_tools, "test kernels needed");
    if (!have_tools)
        return;
    rc = check_image(kn->data, kn->len);
    CHECK(rc == 0, "%s: rc %d: %s", kn->name, rc, err);
    if (rc)
        return;
    CHECK_EQ(E.elf_class, kn->elf_class);
    CHECK_EQ(E.machine, kn->machine);
    CHECK_EQ(E.type, ET_EXEC);
    CHECK_EQ(E.nr_load, 2);
    CHECK_EQ(E.nr_note_segments, kn->note_segment ? 1 : 0);
    CHECK(E.entry == (kn->elf_class == ELFCLASS64 ? 0xffffffff81000000ULL : 0x81000000ULL),
          "entry 0x%lx", (unsigned long)E.entry);

    /* Every program header as readelf shows it. */
    nph = readelf_phdrs(kn->name, ph, ARRAY_SIZE(ph));
    CHECK_EQ(nph, E.phnum);
    for (i = 0; i < nph && i < E.phnum; i++) {
        struct elf_segment s;

        elf_segment(&E, i, &s);
        CHECK(s.offset == ph[i].offset && s.vaddr == ph[i].vaddr && s.paddr == ph[i].paddr &&
                  s.filesz == ph[i].filesz && s.memsz == ph[i].memsz,
              "%s phdr %u", kn->name, i);
        CHECK(!strcmp(ph[i].type, s.type == PT_LOAD ? "LOAD" : s.type == PT_NOTE ? "NOTE" : "?"),
              "%s phdr %u type %s", kn->name, i, ph[i].type);
    }

    /* elf_load hands over each PT_LOAD with bytes from the image. */
    CHECK_EQ(elf_load(&E, record_load, &ls), 0);
    for (i = 0; i < nph; i++)
        if (!strcmp(ph[i].type, "LOAD")) {
            struct load *l = &ls.l[nload++];

            CHECK(l->paddr == ph[i].paddr && l->filesz == ph[i].filesz &&
                      l->memsz == ph[i].memsz && l->src == E.data + ph[i].offset,
                  "%s load %u", kn->name, nload - 1);
        }
    CHECK_EQ(ls.n, nload);
    CHECK_EQ(ls.l[0].paddr, KERNEL_PADDR);
    CHECK(ls.l[0].src[0] == 0x90 && ls.l[0].src[64] == 0xf4, "text bytes");
    CHECK(ls.l[1].memsz >= ls.l[1].filesz + BSS_SIZE, "bss in memsz");
    CHECK_EQ(E.paddr_start, KERNEL_PADDR);
    CHECK_EQ(E.paddr_end, ls.l[1].paddr + ls.l[1].memsz);
    ls = (struct loads){ .stop_at = 1 };
    CHECK_EQ(elf_load(&E, record_load, &ls), -EFAULT);
    CHECK_EQ(ls.n, 1);

    /* Notes: the PVH entry, strings, other owners, in order. */
    CHECK_EQ(elf_xen_phys32_entry(&E, &entry), 0);
    CHECK_EQ(entry, PHYS32_ENTRY);
    CHECK_EQ(elf_find_note(&E, ELF_XEN_NOTE_NAME, ELF_XEN_NOTE_GUEST_OS, &note), 0);
    CHECK(note.descsz == 6 && !strcmp(note.desc, "linux"), "GUEST_OS");
    CHECK_EQ(elf_note_numeric(&note, &v), -EINVAL);
    CHECK_EQ(elf_find_note(&E, ELF_XEN_NOTE_NAME, ELF_XEN_NOTE_XEN_VERSION, &note), 0);
    CHECK(!strcmp(note.desc, "xen-3.0"), "XEN_VERSION");
    CHECK_EQ(elf_find_note(&E, ELF_XEN_NOTE_NAME, ELF_XEN_NOTE_SUPPORTED_FEATURES, &note), 0);
    CHECK(!elf_note_numeric(&note, &v) && v == 1, "numeric note");
    CHECK_EQ(elf_find_note(&E, ELF_XEN_NOTE_NAME, 0x100, &note), -ENOENT);  /* Lnx owns it */
    CHECK_EQ(elf_find_note(&E, "Lnx", 0x100, &note), 0);
    CHECK_EQ(elf_find_note(&E, "Xe", ELF_XEN_NOTE_GUEST_OS, &note), -ENOENT);
    CHECK_EQ(elf_find_note(&E, ELF_XEN_NOTE_NAME, ELF_XEN_NOTE_HYPERCALL_PAGE, &note), -ENOENT);
    while (!elf_next_note(&E, &it, &note)) {
        static const uint32_t types[] = { 6, 5, 17, 0x100, 18, 3 };

        if (nnotes < ARRAY_SIZE(types))
            CHECK_EQ(note.type, types[nnotes]);
        nnotes++;
    }
    CHECK_EQ(nnotes, 6);
    CHECK_EQ(elf_next_note(&E, &it, &note), -ENOENT);
    /* The loaded bytes hold the notes too (in text), except when only a section has them. */
    j = 0;
    for (i = 0; i < E.shnum; i++) {
        struct elf_section s;

        elf_section(&E, i, &s);
        j += s.type == SHT_NOTE;
    }
    CHECK_EQ(j, 1);
}

static void test_elf64(void)
{
    test_kernel(K64);
}

static void test_elf32_x86_64(void)
{
    test_kernel(K32X64);
}

static void test_elf32_i386(void)
{
    test_kernel(K386);
}

static void test_section_notes(void)
{
    test_kernel(K64_SECTIONS);
}

static void test_truncated(void)
{
    unsigned int k, bad = 0, bad_msg = 0;
    size_t n;

    build_kernels();
    CHECK(have_tools, "test kernels needed");
    if (!have_tools)
        return;
    for (k = 0; k < NR_KERNELS; k++)
        for (n = 0; n < K[k].len; n++) {
            int rc = check_image(K[k].data, n);

            if (rc != (n < 4 ? -ENOEXEC : -EINVAL))
                bad++;
            if (!err || strncmp(err, "elf: ", 5))
                bad_msg++;
        }
    CHECK_EQ(bad, 0);
    CHECK_EQ(bad_msg, 0);
}

static void put(uint8_t *p, size_t off, uint64_t v, unsigned int size)
{
    memcpy(p + off, &v, size);
}

struct patch {
    const char *what;
    size_t off;                 /* in the file, or past 0x10000: in program header (off - 0x10000) */
    uint64_t v;
    unsigned int size;
    const char *msg;
};

#define PH(i, field) (0x10000 + (i) * sizeof(struct elf64_phdr) + offsetof(struct elf64_phdr, field))

static void test_corrupt(void)
{
    static const struct patch patches[] = {
        { "magic", 1, 'e', 1, "no ELF magic" },
        { "class", EI_CLASS, 3, 1, "class 3" },
        { "data", EI_DATA, 2, 1, "not little-endian" },
        { "ident version", EI_VERSION, 0, 1, "identification version" },
        { "type REL", offsetof(struct elf64_ehdr, e_type), ET_REL, 2, "relocatable" },
        { "type CORE", offsetof(struct elf64_ehdr, e_type), ET_CORE, 2, "type 4" },
        { "machine ARM", offsetof(struct elf64_ehdr, e_machine), 40, 2, "machine 40" },
        { "machine 386 in ELF64", offsetof(struct elf64_ehdr, e_machine), EM_386, 2,
          "i386 needs ELFCLASS32" },
        { "version", offsetof(struct elf64_ehdr, e_version), 2, 4, "version 2" },
        { "ehsize", offsetof(struct elf64_ehdr, e_ehsize), 52, 2, "header size 52" },
        { "phentsize", offsetof(struct elf64_ehdr, e_phentsize), 32, 2, "program header size" },
        { "phnum 0", offsetof(struct elf64_ehdr, e_phnum), 0, 2, "no program headers" },
        { "phnum XNUM", offsetof(struct elf64_ehdr, e_phnum), PN_XNUM, 2, "extended program" },
        { "phnum 2000", offsetof(struct elf64_ehdr, e_phnum), 2000, 2, "more than 1024" },
        { "phnum 1000", offsetof(struct elf64_ehdr, e_phnum), 1000, 2, "run past the end" },
        { "phoff", offsetof(struct elf64_ehdr, e_phoff), ~0ULL - 8, 8, "run past the end" },
        { "shoff", offsetof(struct elf64_ehdr, e_shoff), 1ULL << 40, 8, "section headers" },
        { "shnum 0", offsetof(struct elf64_ehdr, e_shnum), 0, 2, "extended section" },
        { "shstrndx", offsetof(struct elf64_ehdr, e_shstrndx), SHN_XINDEX, 2, "extended section" },
        { "shentsize", offsetof(struct elf64_ehdr, e_shentsize), 40, 2, "section header size" },
        { "load offset", PH(0, p_offset), ~0ULL - 4, 8, "run past the end of the file" },
        { "load filesz", PH(0, p_filesz), 1ULL << 40, 8, "run past the end of the file" },
        { "load memsz", PH(0, p_memsz), 4, 8, "larger than memsz" },
        { "load wrap", PH(1, p_paddr), ~0ULL - 0x10, 8, "wraps" },
        { "load overlap", PH(1, p_paddr), KERNEL_PADDR + 0x10, 8, "overlaps PT_LOAD 0" },
        { "no loads", PH(0, p_type), PT_NULL, 4, NULL },
        { "interp", PH(0, p_type), PT_INTERP, 4, "PT_INTERP" },
        { "note offset", PH(2, p_offset), ~0ULL, 8, "PT_NOTE 2" },
        { "note size", PH(2, p_filesz), 1ULL << 32, 8, "runs past the end of the file" },
        { "note cut", PH(2, p_filesz), 30, 8, "note at" },
        { "note align 8", PH(2, p_align), 8, 8, "note at" },
    };
    static uint8_t buf[1 << 16];
    struct kernel *kn = &K[K64];
    size_t phoff;
    unsigned int i;

    build_kernels();
    CHECK(have_tools, "test kernels needed");
    if (!have_tools)
        return;
    phoff = (size_t)((const struct elf64_ehdr *)kn->data)->e_phoff;
    for (i = 0; i < ARRAY_SIZE(patches); i++) {
        const struct patch *p = &patches[i];
        size_t off = p->off >= 0x10000 ? phoff + p->off - 0x10000 : p->off;
        int rc;

        memcpy(buf, kn->data, kn->len);
        put(buf, off, p->v, p->size);
        if (!strcmp(p->what, "no loads"))
            put(buf, phoff + sizeof(struct elf64_phdr) + offsetof(struct elf64_phdr, p_type),
                PT_NULL, 4);
        rc = check_image(buf, kn->len);
        CHECK(rc == (i ? -EINVAL : -ENOEXEC), "%s: rc %d (%s)", p->what, rc, err ? err : "");
        CHECK(err && strstr(err, p->msg ? p->msg : "no PT_LOAD"), "%s: \"%s\"", p->what,
              err ? err : "(none)");
    }

    /* A 32-bit image cannot name memory past 4 GiB. */
    kn = &K[K32X64];
    memcpy(buf, kn->data, kn->len);
    phoff = ((const struct elf32_ehdr *)kn->data)->e_phoff;
    put(buf, phoff + sizeof(struct elf32_phdr) + offsetof(struct elf32_phdr, p_paddr),
        0xfffff000, 4);
    CHECK_EQ(check_image(buf, kn->len), -EINVAL);
    CHECK(err && strstr(err, "wraps"), "%s", err);
    /* A PHYS32_ENTRY at or above 4 GiB is no 32-bit entry point. */
    kn = &K[K64];
    memcpy(buf, kn->data, kn->len);
    {
        struct elf_note note;
        uint64_t entry;

        CHECK_EQ(check_image(buf, kn->len), 0);
        CHECK_EQ(elf_find_note(&E, ELF_XEN_NOTE_NAME, ELF_XEN_NOTE_PHYS32_ENTRY, &note), 0);
        put(buf, (size_t)((const uint8_t *)note.desc - E.data), 1ULL << 32, 8);
        CHECK_EQ(check_image(buf, kn->len), 0);
        CHECK_EQ(elf_xen_phys32_entry(&E, &entry), -EINVAL);
    }
}

/* ---- Fuzzing ------------------------------------------------------------------- */

static uint64_t rng_state = 0x2545f4914f6cdd1dULL;

static uint64_t rnd(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

struct bounds {
    const uint8_t *lo, *hi;
    unsigned int bad;
};

static int check_load(void *opaque, uint64_t paddr, const void *src, uint64_t filesz,
                      uint64_t memsz)
{
    struct bounds *b = opaque;
    const uint8_t *s = src;

    if (s < b->lo || s > b->hi || filesz > (uint64_t)(b->hi - s) || filesz > memsz ||
        paddr + memsz < paddr) {
        b->bad++;
    } else if (filesz) {
        /* Read both ends, for AddressSanitizer to judge. */
        volatile uint8_t sink = s[0] ^ s[filesz - 1];

        (void)sink;
    }
    return 0;
}

static void test_fuzz(void)
{
    static uint8_t buf[1 << 16];
    unsigned int i, accepted = 0, rejected = 0, bad = 0;
    unsigned int iterations = getenv("FUZZ_ITERATIONS") ? (unsigned)atoi(getenv("FUZZ_ITERATIONS"))
                                                         : 50000;

    build_kernels();
    CHECK(have_tools, "test kernels needed");
    if (!have_tools)
        return;
    for (i = 0; i < iterations; i++) {
        struct kernel *kn = &K[rnd() % NR_KERNELS];
        size_t len = kn->len, hot = 0x200, at;
        unsigned int k, nmut = 1 + (unsigned int)(rnd() % 4);
        int rc;

        memcpy(buf, kn->data, len);
        /* Headers and notes sit in the first bytes and the section table at the end. */
        for (k = 0; k < nmut; k++) {
            static const uint64_t vals[] = { 0, 1, 4, 8, 0x7fffffff, 0xffffffff, ~0ULL,
                                             0x1000000, 0x8000000000000000ULL };
            unsigned int m = (unsigned int)(rnd() % 5);

            at = rnd() & 1 ? (size_t)(rnd() % hot) : (size_t)(rnd() % len);
            if (rnd() % 4 == 0 && len > 0x1000)
                at = len - 1 - (size_t)(rnd() % 0x400);
            if (m == 0)
                buf[at] ^= (uint8_t)(1u << (rnd() % 8));
            else if (m == 1)
                buf[at] = (uint8_t)rnd();
            else if (m == 2 && at + 8 <= len)
                put(buf, at & ~(size_t)3, vals[rnd() % ARRAY_SIZE(vals)], rnd() & 1 ? 8 : 4);
            else if (m == 3 && at + 4 <= len)
                put(buf, at, rnd() % (len + 16), 4);
            else
                len = 1 + (size_t)(rnd() % len);
        }
        rc = check_image(buf, len);
        if (!rc) {
            struct elf_note_iter it = { 0 };
            struct elf_note note;
            struct bounds b = { E.data, E.data + E.size, 0 };
            uint64_t v;

            accepted++;
            elf_load(&E, check_load, &b);
            bad += b.bad;
            while (!elf_next_note(&E, &it, &note)) {
                const uint8_t *n = (const uint8_t *)note.name, *d = note.desc;

                if (n < E.data || n + note.namesz > E.data + E.size || d < E.data ||
                    d + note.descsz > E.data + E.size)
                    bad++;
                if (note.namesz)
                    v = n[note.namesz - 1];
                if (note.descsz)
                    v = d[note.descsz - 1];
                elf_note_numeric(&note, &v);
            }
            elf_xen_phys32_entry(&E, &v);
        } else if ((rc == -EINVAL || rc == -ENOEXEC) && err && !strncmp(err, "elf: ", 5)) {
            rejected++;
        } else {
            bad++;
        }
    }
    if (getenv("TEST_VERBOSE"))
        printf("fuzz: %u accepted, %u rejected\n", accepted, rejected);
    CHECK_EQ(bad, 0);
    CHECK(accepted > iterations / 10, "only %u accepted", accepted);
    CHECK(rejected > iterations / 10, "only %u rejected", rejected);
}

/* A real Linux vmlinux, if one is named. */
static void test_vmlinux(void)
{
    const char *path = getenv("TEST_VMLINUX");
    struct loads ls = { .stop_at = -1 };
    uint64_t entry;
    uint8_t *data;
    size_t len;
    int rc;

    if (!path) {
        printf("SKIP: elf_vmlinux: set TEST_VMLINUX=<path of a vmlinux> to check a real kernel\n");
        CHECK(1, "skipped");
        return;
    }
    data = test_read_file(path, &len);
    CHECK(data, "cannot read %s", path);
    if (!data)
        return;
    rc = elf_check(&E, data, len, &err);
    CHECK(rc == 0, "rc %d: %s", rc, err);
    if (!rc) {
        CHECK_EQ(elf_xen_phys32_entry(&E, &entry), 0);
        CHECK(entry >= E.paddr_start && entry < E.paddr_end, "PVH entry 0x%lx outside the image",
              (unsigned long)entry);
        CHECK_EQ(elf_load(&E, record_load, &ls), 0);
        CHECK_EQ(ls.n, E.nr_load);
        if (getenv("TEST_VERBOSE"))
            printf("vmlinux: %u PT_LOADs at 0x%lx-0x%lx, PVH entry 0x%lx\n", E.nr_load,
                   (unsigned long)E.paddr_start, (unsigned long)E.paddr_end,
                   (unsigned long)entry);
    }
    free(data);
}

int main(void)
{
    static const struct test_case cases[] = {
        { "elf_elf64", test_elf64 },
        { "elf_elf32_x86_64", test_elf32_x86_64 },
        { "elf_elf32_i386", test_elf32_i386 },
        { "elf_section_notes", test_section_notes },
        { "elf_truncated", test_truncated },
        { "elf_corrupt", test_corrupt },
        { "elf_fuzz", test_fuzz },
        { "elf_vmlinux", test_vmlinux },
    };
    int rc = test_run(cases, ARRAY_SIZE(cases));

    if (tmpdir[0] && !getenv("TEST_KEEP"))
        run("rm -rf %s", tmpdir);
    return rc;
}
