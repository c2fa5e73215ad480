/*
 * EPT formats (SDM: "EPT Translation Mechanism", "Format of EPTP",
 * "INVEPT"), and the p2m encoder that builds EPT entries.
 */
#ifndef ASM_HVM_VMX_EPT_H
#define ASM_HVM_VMX_EPT_H

#include <xen/p2m.h>
#include <xen/compiler.h>

/*
 * One EPT paging-structure entry.  The layout is that of a leaf; in
 * entries that reference a table, bits 3-7 are reserved (must be 0) and
 * bit 7 distinguishes the two at the 2 MiB and 1 GiB levels.  Bits 2:0 all
 * clear make the entry not present, and then the hardware ignores every
 * other bit.
 *
 * Software bits: the p2m type is kept in bits 52-55, which the hardware
 * ignores in every EPT entry whatever features are enabled (57, 58, 60
 * and 61 gain meanings with guest-paging verification, paging-write,
 * supervisor shadow stacks and sub-page permissions; 8-10 with A/D flags
 * and mode-based execute control).
 */
typedef union ept_entry {
    uint64_t raw;
    struct {
        uint64_t r : 1;           /* 0: reads allowed */
        uint64_t w : 1;           /* 1: writes allowed */
        uint64_t x : 1;           /* 2: instruction fetches allowed (supervisor with MBEC) */
        uint64_t emt : 3;         /* 3-5: memory type (leaves) */
        uint64_t ipat : 1;        /* 6: ignore the guest's PAT type (leaves) */
        uint64_t sp : 1;          /* 7: maps a 2 MiB / 1 GiB page */
        uint64_t a : 1;           /* 8: accessed (when EPTP enables A/D) */
        uint64_t d : 1;           /* 9: dirty (leaves, when EPTP enables A/D) */
        uint64_t ux : 1;          /* 10: user-mode execute (mode-based execute control) */
        uint64_t ign11 : 1;       /* 11 */
        uint64_t mfn : 40;        /* 12-51: frame of the page or of the next table */
        uint64_t sw_type : 4;     /* 52-55: p2m type (software) */
        uint64_t ign56 : 1;       /* 56 */
        uint64_t vgp : 1;         /* 57: verify guest paging */
        uint64_t pwa : 1;         /* 58: paging-write access */
        uint64_t ign59 : 1;       /* 59 */
        uint64_t sss : 1;         /* 60: supervisor shadow stack */
        uint64_t spp : 1;         /* 61: sub-page write permissions (4 KiB leaves) */
        uint64_t ign62 : 1;       /* 62 */
        uint64_t suppress_ve : 1; /* 63: EPT violations are not converted to #VE */
    };
} ept_entry_t;
BUILD_BUG_ON(sizeof(ept_entry_t) != 8);

/* The EPT pointer (VMCS field EPT_POINTER). */
typedef union ept_pointer {
    uint64_t raw;
    struct {
        uint64_t memtype : 3;     /* 0-2: memory type for walking the tables */
        uint64_t walk_len_m1 : 3; /* 3-5: page-walk length minus one */
        uint64_t ad : 1;          /* 6: enable accessed and dirty flags */
        uint64_t sss : 1;         /* 7: enforce access rights of supervisor shadow-stack pages */
        uint64_t rsvd8 : 4;       /* 8-11 */
        uint64_t mfn : 40;        /* 12-51: the top-level table */
        uint64_t rsvd52 : 12;     /* 52-63 */
    };
} ept_pointer_t;
BUILD_BUG_ON(sizeof(ept_pointer_t) != 8);

/* INVEPT's memory operand and its types. */
struct ept_invept_desc {
    uint64_t eptp;
    uint64_t rsvd; /* must be 0 */
};
BUILD_BUG_ON(sizeof(struct ept_invept_desc) != 16);

#define EPT_INVEPT_SINGLE_CONTEXT 1
#define EPT_INVEPT_ALL_CONTEXT 2

extern const struct p2m_ops ept_p2m_ops;

/* EPTP for p2m: tables walked write-back, p2m->levels deep, A/D flags if ad. */
uint64_t ept_eptp(const struct p2m *p2m, bool ad);

/* Drop this CPU's cached translations of one EPT hierarchy, or of all. */
void ept_invept_single(uint64_t eptp);
void ept_invept_all(void);

#endif
