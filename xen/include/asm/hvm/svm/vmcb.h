/*
 * The AMD Virtual Machine Control Block as data (APM vol. 2, appendix
 * "Layout of VMCB"): the control area at 0x000 and the state save area at
 * 0x400, with static asserts tying every field used to its offset; the
 * intercept bits, exit codes and the EXITINFO / EVENTINJ formats.
 */
#ifndef ASM_HVM_SVM_VMCB_H
#define ASM_HVM_SVM_VMCB_H

#include <xen/types.h>
#include <xen/compiler.h>

/* A segment in the state save area: attributes already packed. */
struct vmcb_seg {
    uint16_t sel;
    uint16_t attr;
    uint32_t limit;
    uint64_t base;
} __packed;

struct vmcb {
    /* ---- control area ---- */
    uint32_t intercept_cr;          /* 0x000: reads 0-15, writes 16-31 */
    uint32_t intercept_dr;          /* 0x004 */
    uint32_t intercept_exc;         /* 0x008: one bit per vector */
    uint32_t intercept_misc1;       /* 0x00c: VMCB_INTC1_* */
    uint32_t intercept_misc2;       /* 0x010: VMCB_INTC2_* */
    uint32_t intercept_misc3;       /* 0x014 */
    uint8_t res018[0x03c - 0x018];
    uint16_t pause_filter_thresh;   /* 0x03c */
    uint16_t pause_filter_count;    /* 0x03e */
    uint64_t iopm_base_pa;          /* 0x040 */
    uint64_t msrpm_base_pa;         /* 0x048 */
    uint64_t tsc_offset;            /* 0x050 */
    uint32_t asid;                  /* 0x058 */
    uint8_t tlb_control;            /* 0x05c: VMCB_TLB_* */
    uint8_t res05d[3];
    uint64_t vintr;                 /* 0x060: V_TPR, V_IRQ, V_INTR_MASKING ... */
    uint64_t int_state;             /* 0x068: bit 0 interrupt shadow */
    uint64_t exitcode;              /* 0x070 */
    uint64_t exitinfo1;             /* 0x078 */
    uint64_t exitinfo2;             /* 0x080 */
    uint64_t exitintinfo;           /* 0x088: EVENTINJ format */
    uint64_t np_ctl;                /* 0x090: bit 0 nested paging */
    uint64_t avic_apic_bar;         /* 0x098 */
    uint64_t ghcb_pa;               /* 0x0a0 */
    uint64_t eventinj;              /* 0x0a8 */
    uint64_t n_cr3;                 /* 0x0b0 */
    uint64_t virt_ext;              /* 0x0b8: LBR virtualisation, virtual VMLOAD/VMSAVE */
    uint32_t clean_bits;            /* 0x0c0 */
    uint32_t res0c4;
    uint64_t next_rip;              /* 0x0c8: NRIPS */
    uint8_t insn_bytes_nr;          /* 0x0d0: decode assists */
    uint8_t insn_bytes[15];         /* 0x0d1 */
    uint8_t res0e0[0x400 - 0x0e0];

    /* ---- state save area ---- */
    struct vmcb_seg es, cs, ss, ds, fs, gs;         /* 0x400 .. 0x450 */
    struct vmcb_seg gdtr, ldtr, idtr, tr;           /* 0x460 .. 0x490 */
    uint8_t res4a0[0x4cb - 0x4a0];
    uint8_t cpl;                    /* 0x4cb */
    uint32_t res4cc;
    uint64_t efer;                  /* 0x4d0 */
    uint8_t res4d8[0x548 - 0x4d8];
    uint64_t cr4;                   /* 0x548 */
    uint64_t cr3;                   /* 0x550 */
    uint64_t cr0;                   /* 0x558 */
    uint64_t dr7;                   /* 0x560 */
    uint64_t dr6;                   /* 0x568 */
    uint64_t rflags;                /* 0x570 */
    uint64_t rip;                   /* 0x578 */
    uint8_t res580[0x5d8 - 0x580];
    uint64_t rsp;                   /* 0x5d8 */
    uint64_t s_cet, ssp, isst_addr; /* 0x5e0 */
    uint64_t rax;                   /* 0x5f8 */
    uint64_t star, lstar, cstar, sfmask;            /* 0x600 */
    uint64_t kernel_gs_base;        /* 0x620 */
    uint64_t sysenter_cs, sysenter_esp, sysenter_eip; /* 0x628 */
    uint64_t cr2;                   /* 0x640 */
    uint8_t res648[0x668 - 0x648];
    uint64_t g_pat;                 /* 0x668 */
    uint64_t dbgctl;                /* 0x670 */
    uint8_t res678[0x1000 - 0x678];
} __packed;

BUILD_BUG_ON(sizeof(struct vmcb_seg) != 16);
BUILD_BUG_ON(sizeof(struct vmcb) != 4096);
BUILD_BUG_ON(offsetof(struct vmcb, intercept_misc1) != 0x00c);
BUILD_BUG_ON(offsetof(struct vmcb, intercept_misc2) != 0x010);
BUILD_BUG_ON(offsetof(struct vmcb, pause_filter_thresh) != 0x03c);
BUILD_BUG_ON(offsetof(struct vmcb, iopm_base_pa) != 0x040);
BUILD_BUG_ON(offsetof(struct vmcb, msrpm_base_pa) != 0x048);
BUILD_BUG_ON(offsetof(struct vmcb, asid) != 0x058);
BUILD_BUG_ON(offsetof(struct vmcb, tlb_control) != 0x05c);
BUILD_BUG_ON(offsetof(struct vmcb, vintr) != 0x060);
BUILD_BUG_ON(offsetof(struct vmcb, exitcode) != 0x070);
BUILD_BUG_ON(offsetof(struct vmcb, exitintinfo) != 0x088);
BUILD_BUG_ON(offsetof(struct vmcb, np_ctl) != 0x090);
BUILD_BUG_ON(offsetof(struct vmcb, eventinj) != 0x0a8);
BUILD_BUG_ON(offsetof(struct vmcb, n_cr3) != 0x0b0);
BUILD_BUG_ON(offsetof(struct vmcb, clean_bits) != 0x0c0);
BUILD_BUG_ON(offsetof(struct vmcb, next_rip) != 0x0c8);
BUILD_BUG_ON(offsetof(struct vmcb, es) != 0x400);
BUILD_BUG_ON(offsetof(struct vmcb, gdtr) != 0x460);
BUILD_BUG_ON(offsetof(struct vmcb, tr) != 0x490);
BUILD_BUG_ON(offsetof(struct vmcb, cpl) != 0x4cb);
BUILD_BUG_ON(offsetof(struct vmcb, efer) != 0x4d0);
BUILD_BUG_ON(offsetof(struct vmcb, cr4) != 0x548);
BUILD_BUG_ON(offsetof(struct vmcb, rflags) != 0x570);
BUILD_BUG_ON(offsetof(struct vmcb, rip) != 0x578);
BUILD_BUG_ON(offsetof(struct vmcb, rsp) != 0x5d8);
BUILD_BUG_ON(offsetof(struct vmcb, rax) != 0x5f8);
BUILD_BUG_ON(offsetof(struct vmcb, star) != 0x600);
BUILD_BUG_ON(offsetof(struct vmcb, kernel_gs_base) != 0x620);
BUILD_BUG_ON(offsetof(struct vmcb, cr2) != 0x640);
BUILD_BUG_ON(offsetof(struct vmcb, g_pat) != 0x668);

/* intercept_misc1 */
#define VMCB_INTC1_INTR         (1u << 0)
#define VMCB_INTC1_NMI          (1u << 1)
#define VMCB_INTC1_SMI          (1u << 2)
#define VMCB_INTC1_INIT         (1u << 3)
#define VMCB_INTC1_VINTR        (1u << 4)
#define VMCB_INTC1_CPUID        (1u << 18)
#define VMCB_INTC1_IRET         (1u << 20)
#define VMCB_INTC1_HLT          (1u << 24)
#define VMCB_INTC1_IOIO         (1u << 27)
#define VMCB_INTC1_MSR          (1u << 28)
#define VMCB_INTC1_SHUTDOWN     (1u << 31)
/* intercept_misc2 */
#define VMCB_INTC2_VMRUN        (1u << 0)
#define VMCB_INTC2_VMMCALL      (1u << 1)
#define VMCB_INTC2_VMLOAD       (1u << 2)
#define VMCB_INTC2_VMSAVE       (1u << 3)
#define VMCB_INTC2_STGI         (1u << 4)
#define VMCB_INTC2_CLGI         (1u << 5)
#define VMCB_INTC2_SKINIT       (1u << 6)
#define VMCB_INTC2_XSETBV       (1u << 13)

/* vintr */
#define VMCB_VINTR_V_IRQ        (1ull << 8)
#define VMCB_VINTR_MASKING      (1ull << 24)
#define VMCB_VINTR_IGN_TPR      (1ull << 20)
#define VMCB_VINTR_PRIO_SHIFT   16
#define VMCB_VINTR_PRIO_MASK    (0xfull << VMCB_VINTR_PRIO_SHIFT)
#define VMCB_VINTR_VECTOR_SHIFT 32
#define VMCB_VINTR_VECTOR_MASK  (0xffull << VMCB_VINTR_VECTOR_SHIFT)

/* int_state */
#define VMCB_INT_SHADOW         (1ull << 0)

/* tlb_control */
#define VMCB_TLB_NONE           0
#define VMCB_TLB_FLUSH_ALL      1
#define VMCB_TLB_FLUSH_ASID     3

/*
 * clean_bits: groups of VMCB fields the CPU may keep cached from the last
 * VMRUN of this VMCB on this CPU.  A clear bit makes it reload the group.
 */
#define VMCB_CLEAN_INTERCEPTS   (1u << 0)   /* intercept vectors, TSC offset, pause filter */
#define VMCB_CLEAN_IOPM         (1u << 1)   /* IOPM and MSRPM bases */
#define VMCB_CLEAN_ASID         (1u << 2)
#define VMCB_CLEAN_TPR          (1u << 3)   /* the vintr word: V_TPR, V_IRQ, masking... */
#define VMCB_CLEAN_NP           (1u << 4)   /* nested paging enable, N_CR3, G_PAT */
#define VMCB_CLEAN_CR           (1u << 5)   /* CR0, CR3, CR4, EFER */
#define VMCB_CLEAN_DR           (1u << 6)   /* DR6, DR7 */
#define VMCB_CLEAN_DT           (1u << 7)   /* GDTR, IDTR */
#define VMCB_CLEAN_SEG          (1u << 8)   /* CS, DS, SS, ES, CPL */
#define VMCB_CLEAN_CR2          (1u << 9)
#define VMCB_CLEAN_LBR          (1u << 10)
#define VMCB_CLEAN_AVIC         (1u << 11)
#define VMCB_CLEAN_ALL          0xfffu

/* intercept_dr: reads of DR0-7 (bits 0-7), writes (bits 16-23) */
#define VMCB_INTERCEPT_DR_ALL   0x00ff00ffu

/* np_ctl */
#define VMCB_NP_ENABLE          (1ull << 0)

/* Exit codes (APM: "SVM Intercept Exit Codes"). */
#define VMEXIT_CR0_READ         0x000
#define VMEXIT_CR0_WRITE        0x010
#define VMEXIT_DR0_READ         0x020
#define VMEXIT_DR0_WRITE        0x030
#define VMEXIT_DR15_WRITE       0x03f
#define VMEXIT_EXCEPTION_DE     0x040   /* 0x40 + vector */
#define VMEXIT_EXCEPTION_DB     0x041
#define VMEXIT_INTR             0x060
#define VMEXIT_NMI              0x061
#define VMEXIT_SMI              0x062
#define VMEXIT_INIT             0x063
#define VMEXIT_VINTR            0x064
#define VMEXIT_RDTSC            0x06e
#define VMEXIT_CPUID            0x072
#define VMEXIT_IRET             0x074
#define VMEXIT_PAUSE            0x077
#define VMEXIT_HLT              0x078
#define VMEXIT_INVLPG           0x079
#define VMEXIT_IOIO             0x07b
#define VMEXIT_MSR              0x07c
#define VMEXIT_SHUTDOWN         0x07f
#define VMEXIT_VMRUN            0x080
#define VMEXIT_VMMCALL          0x081
#define VMEXIT_VMLOAD           0x082
#define VMEXIT_VMSAVE           0x083
#define VMEXIT_STGI             0x084
#define VMEXIT_CLGI             0x085
#define VMEXIT_SKINIT           0x086
#define VMEXIT_RDTSCP           0x087
#define VMEXIT_XSETBV           0x08d
#define VMEXIT_NPF              0x400
#define VMEXIT_INVALID          ((uint64_t)-1)

/* IOIO EXITINFO1 */
#define IOIO_TYPE_IN            (1u << 0)
#define IOIO_STR                (1u << 2)
#define IOIO_REP                (1u << 3)
#define IOIO_SZ_SHIFT           4       /* bits 4-6: 1, 2 or 4 bytes, one-hot */
#define IOIO_SZ_MASK            (7u << IOIO_SZ_SHIFT)
#define IOIO_PORT_SHIFT         16

/* NPF EXITINFO1: a #PF-style error code. */
#define NPF_PRESENT             (1ull << 0)
#define NPF_WRITE               (1ull << 1)
#define NPF_USER                (1ull << 2)
#define NPF_RSVD                (1ull << 3)
#define NPF_FETCH               (1ull << 4)
#define NPF_FINAL_GPA           (1ull << 32)
#define NPF_IN_WALK             (1ull << 33)

/* EVENTINJ and EXITINTINFO */
#define EVENTINJ_VECTOR_MASK    0xffull
#define EVENTINJ_TYPE_SHIFT     8
#define EVENTINJ_TYPE_MASK      (7ull << EVENTINJ_TYPE_SHIFT)
#define EVENTINJ_EV             (1ull << 11)
#define EVENTINJ_VALID          (1ull << 31)
#define EVENTINJ_ERR_SHIFT      32

/* Packed segment attributes (type 0-3, S 4, DPL 5-6, P 7, AVL 8, L 9, D/B 10, G 11). */
#define SEG_ATTR_S              (1u << 4)
#define SEG_ATTR_P              (1u << 7)
#define SEG_ATTR_L              (1u << 9)
#define SEG_ATTR_DB             (1u << 10)
#define SEG_ATTR_G              (1u << 11)

/* MSRs */
#define MSR_VM_CR               0xc0010114U
#define VM_CR_SVMDIS            (1ull << 4)
#define MSR_VM_HSAVE_PA         0xc0010117U
#define EFER_SVME               (1ull << 12)
#define EFER_LMA                (1ull << 10)

/* MSR permission map: 8 KiB, 2 bits per MSR (read, write) in three ranges. */
#define MSRPM_SIZE              8192
#define IOPM_SIZE               (12 * 1024)

#endif
