/*
 * Host tests of the guest page-table walker (arch/x86/hvm/guest_walk.c):
 * page tables are built in a fake guest memory for each paging mode, by
 * code written here independently of the walker, and every translation
 * size, fault kind, A/D update and checked copy is compared with what the
 * SDM says the CPU would do.  The instruction-fetch case also runs the
 * length decoder (insn_len.c) on bytes cut short by a page end, the way
 * the SVM exit code will.
 */
#include "test.h"
#include <xen/compiler.h>
#include <asm/page.h>
#include <asm/hvm/guest_walk.h>
#include <asm/hvm/insn.h>

/* ---- Fake guest memory --------------------------------------------------- */

#define MEM_SIZE (4u << 20)
#define PT_BASE 0x100000u /* page tables are allocated from here up */

static uint8_t *mem;
static uint64_t next_table;
static unsigned int reads, writes, cmpxchgs;
static unsigned int race_left; /* cmpxchg calls that will find the entry changed */
static uint64_t race_bits;     /* what "another vCPU" flips in the entry first */

static int t_read(void *ctx, uint64_t gpa, void *buf, unsigned int len)
{
    if (gpa >= MEM_SIZE || len > MEM_SIZE - gpa)
        return -EIO;
    memcpy(buf, mem + gpa, len);
    reads++;
    return 0;
}

static int t_write(void *ctx, uint64_t gpa, const void *buf, unsigned int len)
{
    if (gpa >= MEM_SIZE || len > MEM_SIZE - gpa)
        return -EIO;
    memcpy(mem + gpa, buf, len);
    writes++;
    return 0;
}

static uint64_t get_e(uint64_t gpa, unsigned int size)
{
    uint64_t v = 0;

    memcpy(&v, mem + gpa, size);
    return v;
}

static void set_e(uint64_t gpa, unsigned int size, uint64_t v)
{
    memcpy(mem + gpa, &v, size);
}

static int t_cmpxchg(void *ctx, uint64_t gpa, uint64_t old, uint64_t new_val, unsigned int len)
{
    if (gpa >= MEM_SIZE || len > MEM_SIZE - gpa || (len != 4 && len != 8))
        return -EIO;
    if (race_left) {
        race_left--;
        set_e(gpa, len, get_e(gpa, len) ^ race_bits);
    }
    if (get_e(gpa, len) != old)
        return -EAGAIN;
    set_e(gpa, len, new_val);
    cmpxchgs++;
    return 0;
}

static void mem_reset(void)
{
    if (!mem)
        mem = malloc(MEM_SIZE);
    memset(mem, 0, MEM_SIZE);
    next_table = PT_BASE;
    reads = writes = cmpxchgs = race_left = 0;
    race_bits = 0;
}

static uint64_t alloc_table(void)
{
    uint64_t t = next_table;

    next_table += 4096;
    if (next_table > MEM_SIZE)
        abort();
    return t;
}

/* ---- Page-table builder (independent of the walker) ---------------------- */

struct pt_format {
    unsigned int top, esize;
    unsigned int shift[5], idx_bits[5];
};

static const struct pt_format fmt_32 = {2, 4, {0, 12, 22}, {0, 10, 10}};
static const struct pt_format fmt_pae = {3, 8, {0, 12, 21, 30}, {0, 9, 9, 2}};
static const struct pt_format fmt_4l = {4, 8, {0, 12, 21, 30, 39}, {0, 9, 9, 9, 9}};

#define P _PAGE_PRESENT
#define RW _PAGE_RW
#define US _PAGE_USER
#define PS _PAGE_PSE
#define ACC _PAGE_ACCESSED
#define DIR _PAGE_DIRTY
#define NXB _PAGE_NX
#define FULL (P | RW | US)

static const struct pt_format *cur_fmt;
static uint64_t cur_root; /* PD (32-bit), PDPT (PAE), PML4 (4-level) */

static uint64_t entry_addr(uint64_t table, uint64_t linear, unsigned int level)
{
    uint64_t idx = (linear >> cur_fmt->shift[level]) & ((1ULL << cur_fmt->idx_bits[level]) - 1);

    return table + idx * cur_fmt->esize;
}

/* The guest-physical address of the entry at level for linear (tables must exist). */
static uint64_t pte_gpa(uint64_t linear, unsigned int level)
{
    uint64_t table = cur_root;
    unsigned int l;

    for (l = cur_fmt->top; l > level; l--) {
        uint64_t e = get_e(entry_addr(table, linear, l), cur_fmt->esize);

        if (!(e & P))
            abort();
        table = e & 0x000ffffffffff000ULL;
    }
    return entry_addr(table, linear, level);
}

static uint64_t pte_get(uint64_t linear, unsigned int level)
{
    return get_e(pte_gpa(linear, level), cur_fmt->esize);
}

static void pte_set(uint64_t linear, unsigned int level, uint64_t v)
{
    set_e(pte_gpa(linear, level), cur_fmt->esize, v);
}

/*
 * Map linear at leaf level to target with the leaf's flags.  Tables on the
 * way get every right (PAE PDPTEs just P) so that tests can take rights
 * away at any single level.
 */
static void map(uint64_t linear, uint64_t target, unsigned int leaf_level, uint64_t flags)
{
    uint64_t table = cur_root;
    unsigned int l;

    for (l = cur_fmt->top; l > leaf_level; l--) {
        uint64_t ea = entry_addr(table, linear, l), e = get_e(ea, cur_fmt->esize);

        if (!(e & P)) {
            bool pae_pdpte = cur_fmt == &fmt_pae && l == 3;

            e = alloc_table() | (pae_pdpte ? P : FULL);
            set_e(ea, cur_fmt->esize, e);
        }
        table = e & 0x000ffffffffff000ULL;
    }
    set_e(entry_addr(table, linear, leaf_level), cur_fmt->esize,
          target | flags | (leaf_level > 1 ? PS : 0));
}

static struct guest_walk_env env;

static void setup(enum guest_paging_mode mode)
{
    mem_reset();
    memset(&env, 0, sizeof(env));
    env.mode = mode;
    env.maxphyaddr = 40;
    env.read_gpa = t_read;
    env.write_gpa = t_write;
    env.cr0_wp = true;
    switch (mode) {
    case GUEST_PAGING_32:
        cur_fmt = &fmt_32;
        break;
    case GUEST_PAGING_PAE:
        cur_fmt = &fmt_pae;
        env.efer_nxe = true;
        break;
    default:
        cur_fmt = &fmt_4l;
        env.efer_nxe = true;
        env.has_1g_pages = true;
        break;
    }
    if (mode == GUEST_PAGING_PAE) {
        /* The PDPT is 32 bytes, 32-byte aligned: put it mid-page to prove it. */
        cur_root = alloc_table() + 0x40;
        env.cr3 = cur_root;
    } else {
        cur_root = alloc_table();
        env.cr3 = cur_root | 0x18; /* PWT, PCD: not part of the address */
    }
}

static struct guest_walk_result res;

static int walk(uint64_t linear, unsigned int access)
{
    return guest_walk(&env, linear, access, &res);
}

#define R GW_ACCESS_READ
#define W GW_ACCESS_WRITE
#define X GW_ACCESS_FETCH
#define U GW_ACCESS_USER
#define IMP GW_ACCESS_IMPLICIT

/* Expect a #PF with this error code at this level. */
#define CHECK_PF(linear, access, pfec_want, level_want)                                            \
    do {                                                                                           \
        int rc_ = walk(linear, access);                                                            \
        CHECK(rc_ == -EFAULT && res.pfec == (pfec_want) && res.level == (level_want),              \
              "walk(%#llx, %#x): rc %d pfec %#x level %u, expected pfec %#x level %u",             \
              (unsigned long long)(linear), (unsigned int)(access), rc_, res.pfec, res.level,      \
              (unsigned int)(pfec_want), (unsigned int)(level_want));                              \
    } while (0)

#define CHECK_OK(linear, access, gpa_want, size_want)                                              \
    do {                                                                                           \
        int rc_ = walk(linear, access);                                                            \
        CHECK(rc_ == 0 && res.gpa == (gpa_want) && res.page_size == (size_want),                   \
              "walk(%#llx, %#x): rc %d pfec %#x gpa %#llx size %#llx, expected %#llx %#llx",       \
              (unsigned long long)(linear), (unsigned int)(access), rc_, res.pfec,                 \
              (unsigned long long)res.gpa, (unsigned long long)res.page_size,                      \
              (unsigned long long)(gpa_want), (unsigned long long)(size_want));                    \
    } while (0)

#define SZ_4K 0x1000ULL
#define SZ_2M 0x200000ULL
#define SZ_4M 0x400000ULL
#define SZ_1G 0x40000000ULL

/* ---- No paging ------------------------------------------------------------ */

static void test_no_paging(void)
{
    setup(GUEST_PAGING_NONE);
    CHECK_OK(0x12345678, R, 0x12345678, SZ_4K);
    CHECK_OK(0xfffff000, W | X | U, 0xfffff000, SZ_4K);
    CHECK_EQ(walk(0x100000000ULL, R), -EINVAL);
    CHECK_EQ(reads, 0);
    CHECK_EQ(guest_paging_mode_of(false, true, true, false), GUEST_PAGING_NONE);
    CHECK_EQ(guest_paging_mode_of(true, false, false, false), GUEST_PAGING_32);
    CHECK_EQ(guest_paging_mode_of(true, true, false, false), GUEST_PAGING_PAE);
    CHECK_EQ(guest_paging_mode_of(true, true, true, false), GUEST_PAGING_4LEVEL);
    CHECK_EQ(guest_paging_mode_of(true, true, true, true), GUEST_PAGING_5LEVEL);
}

/* ---- 32-bit paging -------------------------------------------------------- */

static void test_32bit(void)
{
    setup(GUEST_PAGING_32);
    env.cr4_pse = true;
    map(0x00401000, 0x00250000, 1, FULL);
    map(0xc0000000, 0x01c00000, 2, P | RW); /* 4 MiB supervisor page */
    CHECK_OK(0x00401abc, R, 0x00250abc, SZ_4K);
    CHECK_OK(0x00401abc, W | U, 0x00250abc, SZ_4K);
    CHECK_OK(0xc0123456, W, 0x01d23456, SZ_4M);
    CHECK_EQ(res.level, GW_LEVEL_PDE);
    CHECK(!res.user && res.writable && !res.nx, "rights of the 4 MiB page");

    /* PSE-36: PDE bits 20:13 are address bits 39:32, as far as MAXPHYADDR goes. */
    map(0x80000000, 0x00400000 | (0x5ULL << 13), 2, P | RW);
    CHECK_OK(0x80000010, R, 0x500400010ULL, SZ_4M);
    env.maxphyaddr = 36; /* bits 16:13 give address bits 35:32, 21:17 are reserved */
    CHECK_OK(0x80000010, R, 0x500400010ULL, SZ_4M);
    pte_set(0x80000000, 2, 0x00400000 | P | RW | PS | (0x10ULL << 13)); /* address bit 36 */
    CHECK_PF(0x80000000, R, PFEC_PRESENT | PFEC_RSVD, 2);
    env.maxphyaddr = 40;
    CHECK_OK(0x80000000, R, 0x1000400000ULL, SZ_4M);
    pte_set(0x80000000, 2, 0x00400000 | P | RW | PS | (1ULL << 21)); /* bit 21: always reserved */
    CHECK_PF(0x80000000, R, PFEC_PRESENT | PFEC_RSVD, 2);
    env.maxphyaddr = 32; /* no PSE-36 address bits at all */
    pte_set(0x80000000, 2, 0x00400000 | P | RW | PS | (1ULL << 13));
    CHECK_PF(0x80000000, R, PFEC_PRESENT | PFEC_RSVD, 2);
    env.maxphyaddr = 40;

    /* Without CR4.PSE the PS bit is ignored: the PDE points to a page table. */
    {
        uint64_t t = alloc_table();

        set_e(entry_addr(cur_root, 0x00c00000, 2), 4, t | FULL | PS);
        set_e(t + 5 * 4, 4, 0x00290000 | FULL);
        env.cr4_pse = false;
        CHECK_OK(0x00c05123, R, 0x00290123, SZ_4K);
        CHECK_EQ(res.level, GW_LEVEL_PTE);
        env.cr4_pse = true;
        /* With PSE the same PDE maps 4 MiB, its bits 20:13 giving address bits 39:32. */
        CHECK_OK(0x00c05123, R, (((t >> 13) & 0xff) << 32) | 0x5123, SZ_4M);
    }

    /* Not present at each level. */
    CHECK_PF(0x00801000, R, 0, 2);
    CHECK_PF(0x00802000, W | U, PFEC_WRITE | PFEC_USER, 2);
    map(0x00403000, 0x00260000, 1, 0);
    CHECK_PF(0x00403000, R, 0, 1);

    /* U/S and R/W. */
    map(0x00404000, 0x00270000, 1, P | US); /* user read-only */
    CHECK_OK(0x00404000, R | U, 0x00270000, SZ_4K);
    CHECK_PF(0x00404000, W | U, PFEC_PRESENT | PFEC_WRITE | PFEC_USER, 1);
    CHECK_PF(0x00404000, W, PFEC_PRESENT | PFEC_WRITE, 1);
    env.cr0_wp = false;
    CHECK_OK(0x00404000, W, 0x00270000, SZ_4K);
    CHECK_PF(0x00404000, W | U, PFEC_PRESENT | PFEC_WRITE | PFEC_USER, 1);
    env.cr0_wp = true;
    CHECK_PF(0xc0000000, R | U, PFEC_PRESENT | PFEC_USER, 2);
    /* The PDE's U/S counts too. */
    pte_set(0x00401000, 2, pte_get(0x00401000, 2) & ~US);
    CHECK_PF(0x00401000, R | U, PFEC_PRESENT | PFEC_USER, 1);
    CHECK_OK(0x00401000, R, 0x00250000, SZ_4K);

    /* No NX in 32-bit paging; bit 63 does not exist. I/D only with SMEP. */
    CHECK_OK(0xc0000000, X, 0x01c00000, SZ_4K * 1024);
    CHECK_PF(0xc0000000, X | U, PFEC_PRESENT | PFEC_USER, 2);
    env.cr4_smep = true;
    CHECK_PF(0xc0000000, X | U, PFEC_PRESENT | PFEC_USER | PFEC_FETCH, 2);
    env.cr4_smep = false;

    /* 32-bit linear addresses only. */
    CHECK_EQ(walk(0x100000000ULL, R), -EINVAL);
    CHECK(res.entries[1] == 0, "no entry read for a bad address");
}

/* ---- PAE paging ----------------------------------------------------------- */

static void test_pae(void)
{
    uint64_t pdptes[4];

    setup(GUEST_PAGING_PAE);
    map(0x00401000, 0x12345000ULL, 1, FULL);
    map(0xc0200000, 0xff600000ULL, 2, P | RW);       /* 2 MiB */
    map(0x40000000, 0x00300000ULL, 1, P | RW | NXB); /* NX page, second PDPTE */
    CHECK_OK(0x00401fff, R | U, 0x12345fff, SZ_4K);
    CHECK_OK(0xc02abcde, W, 0xff6abcde, SZ_2M);
    CHECK_EQ(res.level, GW_LEVEL_PDE);
    CHECK_OK(0x40000123, W, 0x00300123, SZ_4K);

    /* Physical addresses above 4 GiB. */
    map(0x00402000, 0xabcdef000ULL, 1, FULL);
    CHECK_OK(0x00402010, R, 0xabcdef010ULL, SZ_4K);

    /* NX with EFER.NXE: fetch faults with I/D. */
    CHECK_PF(0x40000000, X, PFEC_PRESENT | PFEC_FETCH, 1);
    CHECK(res.nx, "nx reported");
    /* Without NXE bit 63 is reserved. */
    env.efer_nxe = false;
    CHECK_PF(0x40000000, R, PFEC_PRESENT | PFEC_RSVD, 1);
    CHECK_PF(0x40000000, X, PFEC_PRESENT | PFEC_RSVD, 1); /* no I/D without NXE or SMEP */
    env.efer_nxe = true;

    /* Bits 62:M are reserved in PAE entries (unlike 4-level, where 62:52 are free). */
    pte_set(0x00401000, 1, 0x12345000ULL | FULL | (1ULL << 55));
    CHECK_PF(0x00401000, R, PFEC_PRESENT | PFEC_RSVD, 1);
    pte_set(0x00401000, 1, 0x12345000ULL | FULL | (1ULL << 40)); /* MAXPHYADDR 40 */
    CHECK_PF(0x00401000, R | U, PFEC_PRESENT | PFEC_RSVD | PFEC_USER, 1);
    env.maxphyaddr = 41;
    CHECK_OK(0x00401000, R, 0x10012345000ULL, SZ_4K);
    env.maxphyaddr = 40;
    pte_set(0x00401000, 1, 0x12345000ULL | FULL);
    /* 2 MiB PDE: bits 20:13 reserved. */
    pte_set(0xc0200000, 2, 0xff600000ULL | P | RW | PS | (1ULL << 13));
    CHECK_PF(0xc0200000, R, PFEC_PRESENT | PFEC_RSVD, 2);
    pte_set(0xc0200000, 2, 0xff600000ULL | P | RW | PS);

    /* PDPTEs: not present, reserved bits (R/W and U/S are reserved there). */
    CHECK_PF(0x80000000, R, 0, 3);
    set_e(cur_root + 0, 8, get_e(cur_root, 8) | RW);
    CHECK_PF(0x00401000, R, PFEC_PRESENT | PFEC_RSVD, 3);
    set_e(cur_root + 0, 8, (get_e(cur_root, 8) & ~RW) | NXB);
    CHECK_PF(0x00401000, R, PFEC_PRESENT | PFEC_RSVD, 3);
    set_e(cur_root + 0, 8, get_e(cur_root, 8) & ~NXB);
    CHECK_OK(0x00401000, R, 0x12345000ULL, SZ_4K);
    /* The PDPTE grants no rights and takes none away. */
    CHECK(res.user && res.writable, "rights come from PDE and PTE only");

    /* PDPTEs cached at MOV CR3 (VMX): memory is not consulted for them. */
    memcpy(pdptes, mem + cur_root, sizeof(pdptes));
    env.pdptes = pdptes;
    set_e(cur_root + 0, 8, 0);
    CHECK_OK(0x00401000, R, 0x12345000ULL, SZ_4K);
    pdptes[0] = 0;
    CHECK_PF(0x00401000, R, 0, 3);
    env.pdptes = NULL;
    CHECK_PF(0x00401000, R, 0, 3);

    CHECK_EQ(walk(0x100000000ULL, R), -EINVAL);
}

/* ---- 4-level paging ------------------------------------------------------- */

#define KERN 0xffffffff81000000ULL
#define USER 0x0000000000400000ULL

static void test_4level_sizes(void)
{
    setup(GUEST_PAGING_4LEVEL);
    map(USER, 0x00200000ULL, 1, FULL);
    map(KERN, 0x01000000ULL, 2, P | RW);                 /* 2 MiB */
    map(0xffff888000000000ULL, 0x0ULL, 3, P | RW | NXB); /* 1 GiB direct map */
    map(0x00007fffffffe000ULL, 0xfffffe000ULL, 1, FULL); /* top of user space */

    CHECK_OK(USER + 0x123, R | U, 0x00200123ULL, SZ_4K);
    CHECK_EQ(res.level, GW_LEVEL_PTE);
    CHECK_OK(KERN + 0x1fffff, X, 0x011fffffULL, SZ_2M);
    CHECK_EQ(res.level, GW_LEVEL_PDE);
    CHECK_OK(0xffff888012345678ULL, W, 0x12345678ULL, SZ_1G);
    CHECK_EQ(res.level, GW_LEVEL_PDPTE);
    CHECK_OK(0x00007fffffffeff8ULL, W | U, 0xfffffeff8ULL, SZ_4K);
    CHECK(res.entries[3] && res.entries[2] && res.entries[1] && res.entries[0], "entries");

    /* 1 GiB pages only where the CPU has them. */
    env.has_1g_pages = false;
    CHECK_PF(0xffff888012345678ULL, R, PFEC_PRESENT | PFEC_RSVD, 3);
    env.has_1g_pages = true;
    /* 1 GiB: bits 29:13 reserved; 2 MiB: bits 20:13. */
    pte_set(0xffff888000000000ULL, 3, P | RW | PS | NXB | (1ULL << 20));
    CHECK_PF(0xffff888000000000ULL, W, PFEC_PRESENT | PFEC_RSVD | PFEC_WRITE, 3);
    pte_set(0xffff888000000000ULL, 3, P | RW | PS | NXB | (1ULL << 12)); /* PAT: fine */
    CHECK_OK(0xffff888000000000ULL, R, 0, SZ_1G);
    pte_set(KERN, 2, 0x01000000ULL | P | RW | PS | (1ULL << 16));
    CHECK_PF(KERN, R, PFEC_PRESENT | PFEC_RSVD, 2);
    pte_set(KERN, 2, 0x01000000ULL | P | RW | PS);
    /* PS in a PML4E is reserved. */
    pte_set(KERN, 4, pte_get(KERN, 4) | PS);
    CHECK_PF(KERN, R, PFEC_PRESENT | PFEC_RSVD, 4);
    pte_set(KERN, 4, pte_get(KERN, 4) & ~PS);

    /* Non-canonical addresses are #GP, not #PF: no walk at all. */
    reads = 0;
    CHECK_EQ(walk(0x0000800000000000ULL, R), -EINVAL);
    CHECK_EQ(walk(0xfffe800000000000ULL, R), -EINVAL);
    CHECK_EQ(reads, 0);

    /* 5-level paging is not supported. */
    env.mode = GUEST_PAGING_5LEVEL;
    CHECK_EQ(walk(USER, R), -EOPNOTSUPP);
    env.mode = GUEST_PAGING_4LEVEL;
    /* Bad environments. */
    env.maxphyaddr = 53;
    CHECK_EQ(walk(USER, R), -EINVAL);
    env.maxphyaddr = 40;
    CHECK_EQ(walk(USER, U | IMP), -EINVAL);
}

static void test_4level_not_present(void)
{
    setup(GUEST_PAGING_4LEVEL);
    map(USER, 0x00200000ULL, 1, FULL);
    CHECK_PF(0x0000100000000000ULL, R, 0, 4);                 /* PML4E */
    CHECK_PF(USER + SZ_1G, W, PFEC_WRITE, 3);                 /* PDPTE */
    CHECK_PF(USER + SZ_2M * 8, R | U, PFEC_USER, 2);          /* PDE */
    CHECK_PF(USER + SZ_4K, X | U, PFEC_USER | PFEC_FETCH, 1); /* PTE, NXE: I/D */
    env.efer_nxe = false;
    CHECK_PF(USER + SZ_4K, X | U, PFEC_USER, 1); /* no I/D */
    env.cr4_smep = true;
    CHECK_PF(USER + SZ_4K, X | U, PFEC_USER | PFEC_FETCH, 1); /* I/D from SMEP */
    /* A page table outside guest memory: the callback's error. */
    map(0x0000200000000000ULL, 0, 1, FULL);
    pte_set(0x0000200000000000ULL, 2, 0x7fe00000ULL | FULL);
    CHECK_EQ(walk(0x0000200000000000ULL, R), -EIO);
}

static void test_4level_reserved(void)
{
    unsigned int level;

    setup(GUEST_PAGING_4LEVEL);
    env.maxphyaddr = 39;
    map(USER, 0x00200000ULL, 1, FULL);
    for (level = 4; level >= 1; level--) {
        uint64_t e = pte_get(USER, level);

        /* An address bit at MAXPHYADDR: reserved at every level. */
        pte_set(USER, level, e | (1ULL << 39));
        CHECK_PF(USER, R | U, PFEC_PRESENT | PFEC_RSVD | PFEC_USER, level);
        /* Bits 62:52 are ignored in 4-level paging. */
        pte_set(USER, level, e | (1ULL << 58) | (1ULL << 52));
        CHECK_OK(USER, R | U, 0x00200000ULL, SZ_4K);
        /* XD without EFER.NXE is reserved. */
        pte_set(USER, level, e | NXB);
        env.efer_nxe = false;
        CHECK_PF(USER, W, PFEC_PRESENT | PFEC_RSVD | PFEC_WRITE, level);
        env.efer_nxe = true;
        CHECK_PF(USER, X | U, PFEC_PRESENT | PFEC_USER | PFEC_FETCH, 1);
        CHECK(res.nx, "XD at level %u makes the page NX", level);
        pte_set(USER, level, e);
    }
    /* MAXPHYADDR 52: no address bit is reserved. */
    env.maxphyaddr = 52;
    pte_set(USER, 1, 0x000f000000200000ULL | FULL);
    CHECK_OK(USER, R, 0x000f000000200000ULL, SZ_4K);
}

static void test_4level_rights(void)
{
    unsigned int level;

    setup(GUEST_PAGING_4LEVEL);
    map(USER, 0x00200000ULL, 1, FULL);
    map(USER + SZ_4K, 0x00201000ULL, 1, P | US);       /* user read-only */
    map(KERN, 0x01000000ULL, 1, P);                    /* supervisor read-only */
    map(KERN + SZ_4K, 0x01001000ULL, 1, P | RW | NXB); /* supervisor data */

    /* U/S and R/W are ANDed over all levels. */
    for (level = 4; level >= 1; level--) {
        uint64_t e = pte_get(USER, level);

        pte_set(USER, level, e & ~US);
        CHECK_PF(USER, R | U, PFEC_PRESENT | PFEC_USER, 1);
        CHECK_OK(USER, W, 0x00200000ULL, SZ_4K);
        CHECK(!res.user, "supervisor page");
        pte_set(USER, level, e & ~RW);
        CHECK_PF(USER, W | U, PFEC_PRESENT | PFEC_WRITE | PFEC_USER, 1);
        CHECK_PF(USER, W, PFEC_PRESENT | PFEC_WRITE, 1);
        CHECK_OK(USER, R | U, 0x00200000ULL, SZ_4K);
        pte_set(USER, level, e);
    }

    /* CR0.WP: supervisor writes to read-only pages. */
    CHECK_PF(KERN, W, PFEC_PRESENT | PFEC_WRITE, 1);
    CHECK_PF(USER + SZ_4K, W, PFEC_PRESENT | PFEC_WRITE, 1);
    env.cr0_wp = false;
    CHECK_OK(KERN, W, 0x01000000ULL, SZ_4K);
    CHECK_OK(USER + SZ_4K, W, 0x00201000ULL, SZ_4K);
    CHECK_PF(USER + SZ_4K, W | U, PFEC_PRESENT | PFEC_WRITE | PFEC_USER, 1); /* users never */
    env.cr0_wp = true;

    /* User access to supervisor pages, any kind. */
    CHECK_PF(KERN, R | U, PFEC_PRESENT | PFEC_USER, 1);
    CHECK_PF(KERN, X | U, PFEC_PRESENT | PFEC_USER | PFEC_FETCH, 1);

    /* NX. */
    CHECK_PF(KERN + SZ_4K, X, PFEC_PRESENT | PFEC_FETCH, 1);
    CHECK_OK(KERN + SZ_4K, W, 0x01001000ULL, SZ_4K);
    CHECK_OK(KERN, X, 0x01000000ULL, SZ_4K);
}

static void test_smep_smap(void)
{
    setup(GUEST_PAGING_4LEVEL);
    map(USER, 0x00200000ULL, 1, FULL);
    map(KERN, 0x01000000ULL, 1, P | RW);

    /* Without SMEP/SMAP the kernel may use user pages freely. */
    CHECK_OK(USER, X, 0x00200000ULL, SZ_4K);
    CHECK_OK(USER, W, 0x00200000ULL, SZ_4K);

    /* SMEP: no supervisor fetch from user pages. */
    env.cr4_smep = true;
    CHECK_PF(USER, X, PFEC_PRESENT | PFEC_FETCH, 1);
    CHECK_OK(USER, X | U, 0x00200000ULL, SZ_4K);
    CHECK_OK(KERN, X, 0x01000000ULL, SZ_4K);
    CHECK_OK(USER, R, 0x00200000ULL, SZ_4K); /* SMEP is about fetches only */

    /* SMAP: no supervisor data access to user pages unless AC at CPL < 3. */
    env.cr4_smap = true;
    CHECK_PF(USER, R, PFEC_PRESENT, 1);
    CHECK_PF(USER, W, PFEC_PRESENT | PFEC_WRITE, 1);
    CHECK_OK(USER, R | U, 0x00200000ULL, SZ_4K);
    CHECK_OK(KERN, W, 0x01000000ULL, SZ_4K);
    env.eflags_ac = true;
    CHECK_OK(USER, R, 0x00200000ULL, SZ_4K);
    CHECK_OK(USER, W, 0x00200000ULL, SZ_4K);
    CHECK_PF(USER, X, PFEC_PRESENT | PFEC_FETCH, 1); /* AC does not lift SMEP */
    CHECK_OK(USER, R | IMP, 0x00200000ULL, SZ_4K);   /* implicit at CPL 0 follows AC */
    /* Implicit supervisor accesses at CPL 3 ignore AC. */
    env.cpl = 3;
    CHECK_PF(USER, R | IMP, PFEC_PRESENT, 1);
    CHECK_PF(USER, W | IMP, PFEC_PRESENT | PFEC_WRITE, 1);
    CHECK_OK(USER, W | U, 0x00200000ULL, SZ_4K);
    env.cpl = 0;
    env.eflags_ac = false;
    CHECK_PF(USER, R | IMP, PFEC_PRESENT, 1);
    /* SMAP with CR0.WP = 0 still forbids; WP = 0 only lifts R/W. */
    env.cr0_wp = false;
    CHECK_PF(USER, W, PFEC_PRESENT | PFEC_WRITE, 1);
}

static void test_protection_keys(void)
{
    setup(GUEST_PAGING_4LEVEL);
    map(USER, 0x00200000ULL, 1, FULL | (3ULL << 59));   /* key 3 */
    map(KERN, 0x01000000ULL, 1, P | RW | (3ULL << 59)); /* supervisor page: keys don't apply */
    env.cr4_pke = true;

    env.pkru = 1u << (2 * 3); /* AD for key 3 */
    CHECK_PF(USER, R | U, PFEC_PRESENT | PFEC_USER | PFEC_PK, 1);
    CHECK_PF(USER, W, PFEC_PRESENT | PFEC_WRITE | PFEC_PK, 1);
    CHECK_OK(USER, X | U, 0x00200000ULL, SZ_4K); /* fetches are not checked */
    CHECK_OK(KERN, W, 0x01000000ULL, SZ_4K);

    env.pkru = 2u << (2 * 3); /* WD for key 3 */
    CHECK_OK(USER, R | U, 0x00200000ULL, SZ_4K);
    CHECK_PF(USER, W | U, PFEC_PRESENT | PFEC_WRITE | PFEC_USER | PFEC_PK, 1);
    CHECK_PF(USER, W, PFEC_PRESENT | PFEC_WRITE | PFEC_PK, 1);
    env.cr0_wp = false;
    CHECK_OK(USER, W, 0x00200000ULL, SZ_4K); /* supervisor writes obey WD only with WP */
    CHECK_PF(USER, W | U, PFEC_PRESENT | PFEC_WRITE | PFEC_USER | PFEC_PK, 1);
    env.cr0_wp = true;

    /* Other keys are untouched; without CR4.PKE the key bits mean nothing. */
    env.pkru = 3u << (2 * 2);
    CHECK_OK(USER, W | U, 0x00200000ULL, SZ_4K);
    env.pkru = 3u << (2 * 3);
    env.cr4_pke = false;
    CHECK_OK(USER, W | U, 0x00200000ULL, SZ_4K);

    /* A page-rights fault and a key fault together report both. */
    env.cr4_pke = true;
    pte_set(USER, 1, pte_get(USER, 1) & ~RW);
    CHECK_PF(USER, W | U, PFEC_PRESENT | PFEC_WRITE | PFEC_USER | PFEC_PK, 1);
}

/* ---- Accessed and Dirty ---------------------------------------------------- */

static void test_accessed_dirty(void)
{
    unsigned int level;

    setup(GUEST_PAGING_4LEVEL);
    map(USER, 0x00200000ULL, 1, FULL);
    map(KERN, 0x01000000ULL, 2, P | RW);
    map(KERN + SZ_2M, 0x01200000ULL, 2, P); /* read-only */

    /* Without the callback, nothing is written. */
    CHECK_OK(USER, W | U, 0x00200000ULL, SZ_4K);
    for (level = 4; level >= 1; level--)
        CHECK(!(pte_get(USER, level) & (ACC | DIR)), "level %u untouched", level);

    env.cmpxchg_gpa = t_cmpxchg;
    /* A read sets A everywhere, D nowhere. */
    CHECK_OK(USER, R | U, 0x00200000ULL, SZ_4K);
    for (level = 4; level >= 1; level--)
        CHECK((pte_get(USER, level) & (ACC | DIR)) == ACC, "level %u: %#llx", level,
              (unsigned long long)pte_get(USER, level));
    CHECK_EQ(cmpxchgs, 4);
    /* A second read changes nothing. */
    CHECK_OK(USER, R | U, 0x00200000ULL, SZ_4K);
    CHECK_EQ(cmpxchgs, 4);
    /* A write sets D in the leaf only. */
    CHECK_OK(USER, W | U, 0x00200000ULL, SZ_4K);
    CHECK_EQ(cmpxchgs, 5);
    CHECK(pte_get(USER, 1) & DIR, "D in the PTE");
    for (level = 4; level >= 2; level--)
        CHECK(!(pte_get(USER, level) & DIR), "no D at level %u", level);

    /* 2 MiB leaf: A and D in the PDE in one update. */
    cmpxchgs = 0;
    CHECK_OK(KERN, W, 0x01000000ULL, SZ_2M);
    CHECK((pte_get(KERN, 2) & (ACC | DIR)) == (ACC | DIR), "PDE A+D");
    CHECK_EQ(cmpxchgs, 3);

    /* A faulting access sets nothing. */
    cmpxchgs = 0;
    CHECK_PF(KERN + SZ_2M, W, PFEC_PRESENT | PFEC_WRITE, 2);
    CHECK(!(pte_get(KERN + SZ_2M, 2) & (ACC | DIR)), "no A/D after a fault");
    CHECK_EQ(cmpxchgs, 0);

    /* Another vCPU changes an entry between our read and our update: walk again. */
    map(USER + SZ_4K, 0x00201000ULL, 1, FULL);
    race_left = 1;
    race_bits = 1ULL << 9; /* an ignored bit: the translation stays valid */
    CHECK_OK(USER + SZ_4K, W | U, 0x00201000ULL, SZ_4K);
    CHECK((pte_get(USER + SZ_4K, 1) & (ACC | DIR | race_bits)) == (ACC | DIR | race_bits),
          "both updates kept: %#llx", (unsigned long long)pte_get(USER + SZ_4K, 1));
    /* ... and if it never stops, give up with -EAGAIN. */
    map(USER + 2 * SZ_4K, 0x00202000ULL, 1, FULL);
    race_left = 1000;
    race_bits = 1ULL << 10;
    CHECK_EQ(walk(USER + 2 * SZ_4K, W | U), -EAGAIN);
    race_left = 0;

    /* The guest takes the mapping away concurrently: the retry sees it. */
    map(USER + 3 * SZ_4K, 0x00203000ULL, 1, FULL);
    race_left = 1;
    race_bits = P;
    CHECK_PF(USER + 3 * SZ_4K, R | U, PFEC_USER, 1);
    CHECK_EQ(pte_get(USER + 3 * SZ_4K, 1), 0x00203000ULL | RW | US);
    /* ... or makes it read-only: the write now faults, and no D appears. */
    map(USER + 4 * SZ_4K, 0x00204000ULL, 1, FULL);
    race_left = 1;
    race_bits = RW;
    CHECK_PF(USER + 4 * SZ_4K, W | U, PFEC_PRESENT | PFEC_WRITE | PFEC_USER, 1);
    CHECK_EQ(pte_get(USER + 4 * SZ_4K, 1), 0x00204000ULL | P | US);
    race_left = 0;

    /* 32-bit entries are updated as 4 bytes. */
    setup(GUEST_PAGING_32);
    env.cmpxchg_gpa = t_cmpxchg;
    map(0x00401000, 0x00250000, 1, FULL);
    set_e(pte_gpa(0x00401000, 1) + 4, 4, 0xdeadbeef); /* the next PTE must survive */
    CHECK_OK(0x00401000, W, 0x00250000, SZ_4K);
    CHECK((pte_get(0x00401000, 1) & (ACC | DIR)) == (ACC | DIR), "32-bit PTE A+D");
    CHECK((pte_get(0x00401000, 2) & (ACC | DIR)) == ACC, "32-bit PDE A");
    CHECK_EQ(get_e(pte_gpa(0x00401000, 1) + 4, 4), 0xdeadbeef);

    /* PAE PDPTEs have no A bit: never written. */
    setup(GUEST_PAGING_PAE);
    env.cmpxchg_gpa = t_cmpxchg;
    map(0x00401000, 0x00250000, 1, FULL);
    CHECK_OK(0x00401000, W, 0x00250000, SZ_4K);
    CHECK((get_e(cur_root, 8) & ACC) == 0, "PDPTE untouched");
    CHECK((pte_get(0x00401000, 2) & ACC) && (pte_get(0x00401000, 1) & DIR), "PDE A, PTE D");
    CHECK_EQ(cmpxchgs, 2);
}

/* ---- Checked copies ---------------------------------------------------------- */

static void fill(uint64_t gpa, size_t len, uint8_t seed)
{
    size_t i;

    for (i = 0; i < len; i++)
        mem[gpa + i] = (uint8_t)(seed + i * 7);
}

static void test_copy_from(void)
{
    uint8_t buf[3 * 4096 + 64];
    struct guest_copy_fault f;
    size_t i;
    bool same = true;

    setup(GUEST_PAGING_4LEVEL);
    /* Three linear pages backed by scattered physical pages. */
    map(USER, 0x00030000ULL, 1, FULL);
    map(USER + SZ_4K, 0x00010000ULL, 1, FULL);
    map(USER + 2 * SZ_4K, 0x00050000ULL, 1, FULL);
    fill(0x00030000, 4096, 1);
    fill(0x00010000, 4096, 2);
    fill(0x00050000, 4096, 3);

    /* Within a page. */
    CHECK_EQ(copy_from_guest_linear(&env, buf, USER + 100, 200, &f), 0);
    CHECK(!memcmp(buf, mem + 0x00030000 + 100, 200), "data");
    CHECK_EQ(f.done, 200);

    /* Across two page boundaries. */
    memset(buf, 0, sizeof(buf));
    CHECK_EQ(copy_from_guest_linear(&env, buf, USER + 4000, 4096 + 200, &f), 0);
    CHECK(!memcmp(buf, mem + 0x00030000 + 4000, 96), "first page part");
    CHECK(!memcmp(buf + 96, mem + 0x00010000, 4096), "second page");
    CHECK(!memcmp(buf + 96 + 4096, mem + 0x00050000, 104), "third page part");
    CHECK_EQ(f.done, 4096 + 200);

    /* The second page is not present: fail, and say how far we got. */
    pte_set(USER + SZ_4K, 1, 0);
    memset(buf, 0xcc, sizeof(buf));
    CHECK_EQ(copy_from_guest_linear(&env, buf, USER + 4000, 500, &f), -EFAULT);
    CHECK_EQ(f.done, 96);
    CHECK_EQ(f.linear, USER + SZ_4K);
    CHECK_EQ(f.pfec, 0);
    CHECK_EQ(f.level, 1);
    CHECK(!memcmp(buf, mem + 0x00030000 + 4000, 96), "bytes before the fault copied");
    for (i = 96; i < sizeof(buf); i++)
        same &= buf[i] == 0xcc;
    CHECK(same, "nothing written past the fault");

    /* A fault on the first page copies nothing. */
    CHECK_EQ(copy_from_guest_linear(&env, buf, USER + SZ_4K + 8, 16, &f), -EFAULT);
    CHECK_EQ(f.done, 0);
    CHECK_EQ(f.linear, USER + SZ_4K + 8);

    /* Zero bytes: success without a walk. */
    reads = 0;
    CHECK_EQ(copy_from_guest_linear(&env, buf, 0xdead0000000ULL, 0, &f), 0);
    CHECK_EQ(reads, 0);
    CHECK_EQ(copy_from_guest_linear(&env, buf, USER, 16, NULL), 0);

    /* A page outside guest memory: the callback's error, bytes so far reported. */
    map(USER + 3 * SZ_4K, 0x7ff000ULL << 4, 1, FULL);
    CHECK_EQ(copy_from_guest_linear(&env, buf, USER + 3 * SZ_4K - 10, 20, &f), -EIO);
    CHECK_EQ(f.done, 10);

    /* Non-canonical end. */
    map(0x00007ffffffff000ULL, 0x00030000ULL, 1, FULL);
    CHECK_EQ(copy_from_guest_linear(&env, buf, 0x00007ffffffffff0ULL, 32, &f), -EINVAL);
    CHECK_EQ(f.done, 16);
    CHECK_EQ(f.linear, 0x0000800000000000ULL);
}

static void test_copy_to(void)
{
    uint8_t src[8192];
    struct guest_copy_fault f;
    size_t i;
    bool untouched = true;

    for (i = 0; i < sizeof(src); i++)
        src[i] = (uint8_t)(i * 13);
    setup(GUEST_PAGING_4LEVEL);
    map(KERN, 0x00030000ULL, 1, P | RW);
    map(KERN + SZ_4K, 0x00010000ULL, 1, P); /* read-only */

    CHECK_EQ(copy_to_guest_linear(&env, KERN + 10, src, 100, &f), 0);
    CHECK(!memcmp(mem + 0x00030000 + 10, src, 100), "written");

    /* Read-only second page, CR0.WP = 1: fault with W, first part written. */
    fill(0x00010000, 4096, 9);
    CHECK_EQ(copy_to_guest_linear(&env, KERN + 4000, src, 200, &f), -EFAULT);
    CHECK_EQ(f.done, 96);
    CHECK_EQ(f.pfec, PFEC_PRESENT | PFEC_WRITE);
    CHECK_EQ(f.linear, KERN + SZ_4K);
    CHECK(!memcmp(mem + 0x00030000 + 4000, src, 96), "first part written");
    for (i = 0; i < 4096; i++)
        untouched &= mem[0x00010000 + i] == (uint8_t)(9 + i * 7);
    CHECK(untouched, "read-only page untouched");

    /* CR0.WP = 0: the kernel may write it. */
    env.cr0_wp = false;
    CHECK_EQ(copy_to_guest_linear(&env, KERN + 4000, src, 200, &f), 0);
    CHECK(!memcmp(mem + 0x00010000, src + 96, 104), "second part written");
    env.cr0_wp = true;

    /* No write callback: refused. */
    env.write_gpa = NULL;
    CHECK_EQ(copy_to_guest_linear(&env, KERN, src, 4, &f), -EINVAL);
    CHECK_EQ(f.done, 0);
}

/* Hypercall arguments: kernel pointers, user pointers with AC (privcmd), CPL 3. */
static void test_copy_privilege(void)
{
    uint8_t buf[64];
    struct guest_copy_fault f;

    setup(GUEST_PAGING_4LEVEL);
    map(USER, 0x00030000ULL, 1, FULL);
    map(KERN, 0x00040000ULL, 1, P | RW);
    fill(0x00030000, 64, 5);
    env.cr4_smap = true;

    CHECK_EQ(copy_from_guest_linear(&env, buf, KERN, 64, &f), 0);
    CHECK_EQ(copy_from_guest_linear(&env, buf, USER, 64, &f), -EFAULT);
    CHECK_EQ(f.pfec, PFEC_PRESENT);
    env.eflags_ac = true;
    CHECK_EQ(copy_from_guest_linear(&env, buf, USER, 64, &f), 0);
    CHECK(!memcmp(buf, mem + 0x00030000, 64), "privcmd-style copy");
    CHECK_EQ(copy_to_guest_linear(&env, USER, buf, 64, &f), 0);

    /* At CPL 3 copies are user accesses: kernel pages fault with U. */
    env.cpl = 3;
    CHECK_EQ(copy_from_guest_linear(&env, buf, KERN, 8, &f), -EFAULT);
    CHECK_EQ(f.pfec, PFEC_PRESENT | PFEC_USER);
    CHECK_EQ(copy_to_guest_linear(&env, KERN, buf, 8, &f), -EFAULT);
    CHECK_EQ(f.pfec, PFEC_PRESENT | PFEC_USER | PFEC_WRITE);
    CHECK_EQ(copy_from_guest_linear(&env, buf, USER, 8, &f), 0);
}

/* A 32-bit guest: copies through a 4 MiB page and across the 4 GiB end. */
static void test_copy_32bit(void)
{
    uint8_t buf[32];
    struct guest_copy_fault f;

    setup(GUEST_PAGING_32);
    env.cr4_pse = true;
    map(0x00000000, 0x00000000, 2, P | RW); /* identity 4 MiB at 0 */
    fill(0x3ffff0, 16, 4);
    fill(0x200000, 32, 6);
    CHECK_EQ(copy_from_guest_linear(&env, buf, 0x200000, 32, &f), 0);
    CHECK(!memcmp(buf, mem + 0x200000, 32), "4 MiB page data");
    /* The next 4 MiB is not mapped. */
    CHECK_EQ(copy_from_guest_linear(&env, buf, 0x3ffff0, 32, &f), -EFAULT);
    CHECK_EQ(f.done, 16);
    CHECK_EQ(f.level, 2);
    /* Past 4 GiB there is nothing. */
    map(0xfffff000, 0x00030000, 1, P | RW);
    CHECK_EQ(copy_from_guest_linear(&env, buf, 0xfffffff0, 32, &f), -EINVAL);
    CHECK_EQ(f.done, 16);
}

/* Instruction fetches: NX, SMEP, execute-only pages, and a fetch cut by a page end. */
static void test_fetch(void)
{
    uint8_t buf[INSN_MAX_LEN];
    struct guest_copy_fault f;
    const uint64_t page_end = USER + SZ_4K;

    setup(GUEST_PAGING_4LEVEL);
    map(USER, 0x00030000ULL, 1, FULL | (5ULL << 59)); /* key 5 */
    map(KERN, 0x00040000ULL, 1, P | RW | NXB);
    mem[0x00030000 + 4094] = 0x0f; /* rdtscp across the end of the page */
    mem[0x00030000 + 4095] = 0x01;
    env.cpl = 3;

    /* Execute-only user memory (protection key with access disabled). */
    env.cr4_pke = true;
    env.pkru = 1u << (2 * 5);
    CHECK_EQ(copy_from_guest_linear(&env, buf, USER, 4, &f), -EFAULT);
    CHECK_EQ(f.pfec, PFEC_PRESENT | PFEC_USER | PFEC_PK);
    CHECK_EQ(fetch_from_guest_linear(&env, buf, USER, 4, &f), 0);

    /* The next page is not mapped: two bytes arrive, the decoder wants more. */
    CHECK_EQ(fetch_from_guest_linear(&env, buf, page_end - 2, sizeof(buf), &f), -EFAULT);
    CHECK_EQ(f.done, 2);
    CHECK_EQ(f.linear, page_end);
    CHECK_EQ(f.pfec, PFEC_USER | PFEC_FETCH);
    CHECK_EQ(insn_length(buf, (unsigned int)f.done, CPU_MODE_64), -EAGAIN);
    /* A one-byte instruction at the very end needs nothing from the next page. */
    mem[0x00030000 + 4095] = 0xf4;
    CHECK_EQ(fetch_from_guest_linear(&env, buf, page_end - 1, sizeof(buf), &f), -EFAULT);
    CHECK_EQ(insn_length(buf, (unsigned int)f.done, CPU_MODE_64), 1);

    /* NX and SMEP. */
    env.cpl = 0;
    CHECK_EQ(fetch_from_guest_linear(&env, buf, KERN, 4, &f), -EFAULT);
    CHECK_EQ(f.pfec, PFEC_PRESENT | PFEC_FETCH);
    CHECK_EQ(copy_from_guest_linear(&env, buf, KERN, 4, &f), 0);
    CHECK_EQ(fetch_from_guest_linear(&env, buf, USER, 4, &f), 0);
    env.cr4_smep = true;
    CHECK_EQ(fetch_from_guest_linear(&env, buf, USER, 4, &f), -EFAULT);
    CHECK_EQ(f.pfec, PFEC_PRESENT | PFEC_FETCH);
}

int main(void)
{
    static const struct test_case cases[] = {
        {"guest_walk_no_paging", test_no_paging},
        {"guest_walk_32bit", test_32bit},
        {"guest_walk_pae", test_pae},
        {"guest_walk_4level_sizes", test_4level_sizes},
        {"guest_walk_4level_not_present", test_4level_not_present},
        {"guest_walk_4level_reserved", test_4level_reserved},
        {"guest_walk_4level_rights", test_4level_rights},
        {"guest_walk_smep_smap", test_smep_smap},
        {"guest_walk_protection_keys", test_protection_keys},
        {"guest_walk_accessed_dirty", test_accessed_dirty},
        {"guest_copy_from", test_copy_from},
        {"guest_copy_to", test_copy_to},
        {"guest_copy_privilege", test_copy_privilege},
        {"guest_copy_32bit", test_copy_32bit},
        {"guest_fetch", test_fetch},
    };
    int rc = test_run(cases, ARRAY_SIZE(cases));

    free(mem);
    return rc;
}
