/*
 * Nested page table formats (APM: "Nested Paging"): NPT entries are
 * long-mode page-table entries, walked as user-mode accesses, with memory
 * types from the host PAT.  And the p2m encoder that builds them.
 */
#ifndef ASM_HVM_SVM_NPT_H
#define ASM_HVM_SVM_NPT_H

#include <xen/p2m.h>
#include <xen/compiler.h>

/*
 * One long-mode paging-structure entry.  Bit 7 is PS in entries of the
 * 2 MiB and 1 GiB levels and PAT in 4 KiB entries; a large page keeps its
 * PAT bit at 12, the low bit of the frame field.  With P clear the hardware
 * ignores every other bit.
 *
 * Software bits: the p2m type is kept in bits 52-55, inside the 52-58
 * range the APM leaves available (59-62 may be protection keys).
 */
typedef union npt_entry {
    uint64_t raw;
    struct {
        uint64_t p : 1;       /* 0: present */
        uint64_t rw : 1;      /* 1: writes allowed */
        uint64_t us : 1;      /* 2: user access: required, nested walks are user accesses */
        uint64_t pwt : 1;     /* 3: PAT index bit 0 */
        uint64_t pcd : 1;     /* 4: PAT index bit 1 */
        uint64_t a : 1;       /* 5: accessed */
        uint64_t d : 1;       /* 6: dirty (leaves) */
        uint64_t ps : 1;      /* 7: page size (2 MiB / 1 GiB levels) */
        uint64_t g : 1;       /* 8: global (ignored by nested walks) */
        uint64_t avl9 : 3;    /* 9-11: available */
        uint64_t mfn : 40;    /* 12-51: frame of the page or of the next table */
        uint64_t sw_type : 4; /* 52-55: p2m type (software) */
        uint64_t avl56 : 3;   /* 56-58: available */
        uint64_t pk : 4;      /* 59-62: protection key */
        uint64_t nx : 1;      /* 63: no execute */
    };
    struct {
        uint64_t : 7;
        uint64_t pat_4k : 1; /* 7: PAT index bit 2, 4 KiB entries */
        uint64_t : 56;
    };
    struct {
        uint64_t : 12;
        uint64_t pat_large : 1; /* 12: PAT index bit 2, 2 MiB / 1 GiB entries */
        uint64_t : 51;
    };
} npt_entry_t;
BUILD_BUG_ON(sizeof(npt_entry_t) != 8);

/*
 * The host PAT that NPT entries index (the nested walk uses the host's
 * PAT MSR, the guest's own tables use the VMCB's G_PAT).  Entries 0-3 are
 * the power-on values, so host mappings using only PWT/PCD are unaffected;
 * 4 and 5 add WC and WP:
 *   0 WB, 1 WT, 2 UC-, 3 UC, 4 WC, 5 WP, 6 UC-, 7 UC.
 * The SVM code must load this into MSR_PAT on every CPU that runs guests.
 */
#define NPT_PAT_UC_MINUS 7
#define NPT_HOST_PAT                                                                               \
    ((uint64_t)P2M_MT_WB | (uint64_t)P2M_MT_WT << 8 | (uint64_t)NPT_PAT_UC_MINUS << 16 |           \
     (uint64_t)P2M_MT_UC << 24 | (uint64_t)P2M_MT_WC << 32 | (uint64_t)P2M_MT_WP << 40 |           \
     (uint64_t)NPT_PAT_UC_MINUS << 48 | (uint64_t)P2M_MT_UC << 56)

extern const struct p2m_ops npt_p2m_ops;

/* The VMCB's N_CR3: the top-level table, walked write-back. */
uint64_t npt_ncr3(const struct p2m *p2m);

#endif
