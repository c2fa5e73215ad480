/*
 * Software walk of a guest's own page tables (linear -> guest-physical),
 * with the checks the CPU makes (SDM: "Paging"; APM: "Page Translation and
 * Protection"), and checked copies to and from guest-linear addresses
 * built on it.  Pure: guest memory is reached only through the callbacks
 * in the environment, so the walker knows nothing of the p2m.
 */
#ifndef ASM_HVM_GUEST_WALK_H
#define ASM_HVM_GUEST_WALK_H

#include <xen/types.h>
#include <xen/errno.h>


enum guest_paging_mode {
    GUEST_PAGING_NONE,   /* CR0.PG = 0: linear = guest-physical */
    GUEST_PAGING_32,     /* 2-level, 32-bit entries; 4 MiB pages with CR4.PSE (PSE-36) */
    GUEST_PAGING_PAE,    /* 3-level, 64-bit entries, four PDPTEs */
    GUEST_PAGING_4LEVEL, /* IA-32e / long mode */
    GUEST_PAGING_5LEVEL, /* CR4.LA57: not supported (-EOPNOTSUPP) */
};

/* The mode from the control registers' bits. */
static inline enum guest_paging_mode guest_paging_mode_of(bool cr0_pg, bool cr4_pae, bool efer_lma,
                                                          bool cr4_la57)
{
    if (!cr0_pg)
        return GUEST_PAGING_NONE;
    if (efer_lma)
        return cr4_la57 ? GUEST_PAGING_5LEVEL : GUEST_PAGING_4LEVEL;
    return cr4_pae ? GUEST_PAGING_PAE : GUEST_PAGING_32;
}

/*
 * Kinds of access, combined.  GW_ACCESS_USER is a user-mode access (CPL 3
 * and not implicit); GW_ACCESS_IMPLICIT marks an implicit supervisor-mode
 * access (descriptor tables, TSS) made whatever the CPL, which SMAP
 * blocks on user pages at CPL 3 even with EFLAGS.AC set.
 */
#define GW_ACCESS_READ 0u
#define GW_ACCESS_WRITE (1u << 0)
#define GW_ACCESS_FETCH (1u << 1)
#define GW_ACCESS_USER (1u << 2)
#define GW_ACCESS_IMPLICIT (1u << 3)

/* #PF error code bits (SDM: "Page-Fault Error Code"). */
#define PFEC_PRESENT (1u << 0) /* 0: not present; 1: protection or reserved bit */
#define PFEC_WRITE (1u << 1)
#define PFEC_USER (1u << 2)
#define PFEC_RSVD (1u << 3)
#define PFEC_FETCH (1u << 4) /* I/D */
#define PFEC_PK (1u << 5)

/* Paging-structure levels, as reported in guest_walk_result.level. */
#define GW_LEVEL_PTE 1
#define GW_LEVEL_PDE 2
#define GW_LEVEL_PDPTE 3
#define GW_LEVEL_PML4E 4

/* What the walker knows of the guest vCPU and how it reaches guest memory. */
struct guest_walk_env {
    enum guest_paging_mode mode;
    uint64_t cr3;
    bool cr0_wp;
    bool cr4_pse; /* 4 MiB pages in 32-bit paging */
    bool cr4_smep;
    bool cr4_smap;
    bool cr4_pke; /* protection keys for user pages (4-level paging) */
    bool efer_nxe;
    bool eflags_ac;    /* lifts SMAP for explicit accesses at CPL < 3 */
    bool has_1g_pages; /* CPUID 80000001h EDX.Page1GB as the guest sees it */
    unsigned int cpl;
    unsigned int maxphyaddr; /* 32..52, as the guest sees it */
    uint32_t pkru;
    /*
     * PAE paging: the four PDPTEs the CPU loaded at the last MOV to CR3
     * (VMX keeps them in the VMCS).  NULL: read them through CR3 at each
     * walk, as SVM's nested paging does.
     */
    const uint64_t *pdptes;

    void *ctx;
    /* Read guest-physical memory: 0, or a negative error the walk returns. */
    int (*read_gpa)(void *ctx, uint64_t gpa, void *buf, unsigned int len);
    /* Write guest-physical memory: needed by copy_to_guest_linear() only. */
    int (*write_gpa)(void *ctx, uint64_t gpa, const void *buf, unsigned int len);
    /*
     * Optional: compare-and-exchange a 4- or 8-byte paging entry, so the
     * walk can set Accessed and Dirty bits the way the CPU does.  Returns
     * 0 if the entry still held old and now holds new, -EAGAIN if it held
     * something else (nothing written: the walk restarts), or an error.
     * Without it A/D bits are left alone.  A plain write would be wrong:
     * another vCPU may change the entry between our read and our write.
     */
    int (*cmpxchg_gpa)(void *ctx, uint64_t gpa, uint64_t old, uint64_t new_val, unsigned int len);
};

struct guest_walk_result {
    uint64_t gpa;       /* the translation of linear */
    uint64_t page_size; /* 4 KiB, 2 MiB, 4 MiB or 1 GiB (4 KiB without paging) */
    uint32_t pfec;      /* -EFAULT: the #PF error code the guest should see */
    unsigned int
        level;     /* -EFAULT: entry that faulted (permission faults: the leaf); else the leaf */
    bool user;     /* effective U/S of the translation */
    bool writable; /* effective R/W */
    bool nx;       /* effective XD (only with EFER.NXE) */
    uint64_t entries[4]; /* entries read, by level - 1 (32-bit entries zero-extended) */
};

/*
 * Translate linear for an access of the given kind.  Returns 0 (res->gpa
 * valid), -EFAULT with res->pfec and res->level for a #PF the guest should
 * get (CR2 = linear), -EINVAL for a non-canonical or out-of-range address
 * (#GP/#SS, the caller knows which) or a bad environment, -EOPNOTSUPP for
 * 5-level paging, -EAGAIN if A/D updates kept racing with the guest, or
 * the error read_gpa returned for a paging structure outside guest memory.
 */
int guest_walk(const struct guest_walk_env *env, uint64_t linear, unsigned int access,
               struct guest_walk_result *res);

/* Where a checked copy stopped. */
struct guest_copy_fault {
    uint64_t linear; /* the address that failed: CR2 for an injected #PF */
    uint32_t pfec;   /* -EFAULT: the #PF error code */
    unsigned int level;
    size_t done; /* bytes copied before the failure (len on success) */
};

/*
 * Copy between hypervisor memory and guest-linear memory page by page,
 * each page walked for a supervisor (CPL < 3) or user (CPL 3) data access
 * as the guest's own access would be, SMAP and EFLAGS.AC included.
 * Return 0 only when all len bytes were copied; otherwise the error of the
 * first page that failed (-EFAULT for a #PF) with *fault saying where and
 * how many bytes went before it.  fault may be NULL.
 */
int copy_from_guest_linear(const struct guest_walk_env *env, void *dst, uint64_t linear, size_t len,
                           struct guest_copy_fault *fault);
int copy_to_guest_linear(const struct guest_walk_env *env, uint64_t linear, const void *src,
                         size_t len, struct guest_copy_fault *fault);

/*
 * Read instruction bytes: like copy_from_guest_linear() but checked as an
 * instruction fetch (NX, SMEP; not SMAP or protection keys, which allow
 * execute-only user pages).  For SVM without next-RIP save: fetch up to
 * INSN_MAX_LEN bytes at CS.base + RIP; if the second page faults, decode
 * the fault->done bytes that did arrive, and inject the #PF only if the
 * decoder asks for more (-EAGAIN).
 */
int fetch_from_guest_linear(const struct guest_walk_env *env, void *dst, uint64_t linear,
                            size_t len, struct guest_copy_fault *fault);

#endif
