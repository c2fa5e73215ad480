/*
 * VMX formats as data: VMCS field encodings, VM-execution/exit/entry
 * control bits, capability MSRs, exit reasons and exit-qualification
 * layouts (SDM: "Field Encoding in VMCS", "VM-Execution Control Fields",
 * "Exit Qualification for ...", "Basic Exit Reasons").  Pure: host-tested.
 */
#ifndef ASM_HVM_VMX_VMCS_H
#define ASM_HVM_VMX_VMCS_H

#include <xen/types.h>
#include <xen/compiler.h>

/* ---- Capability and feature-control MSRs ---- */
#define MSR_IA32_FEATURE_CONTROL        0x0000003aU
#define FEATURE_CONTROL_LOCKED          (1UL << 0)
#define FEATURE_CONTROL_VMXON_IN_SMX    (1UL << 1)
#define FEATURE_CONTROL_VMXON_OUT_SMX   (1UL << 2)

#define MSR_IA32_VMX_BASIC              0x480U
#define MSR_IA32_VMX_PINBASED_CTLS      0x481U
#define MSR_IA32_VMX_PROCBASED_CTLS     0x482U
#define MSR_IA32_VMX_EXIT_CTLS          0x483U
#define MSR_IA32_VMX_ENTRY_CTLS         0x484U
#define MSR_IA32_VMX_MISC               0x485U
#define MSR_IA32_VMX_CR0_FIXED0         0x486U
#define MSR_IA32_VMX_CR0_FIXED1         0x487U
#define MSR_IA32_VMX_CR4_FIXED0         0x488U
#define MSR_IA32_VMX_CR4_FIXED1         0x489U
#define MSR_IA32_VMX_PROCBASED_CTLS2    0x48bU
#define MSR_IA32_VMX_EPT_VPID_CAP       0x48cU
#define MSR_IA32_VMX_TRUE_PINBASED_CTLS  0x48dU
#define MSR_IA32_VMX_TRUE_PROCBASED_CTLS 0x48eU
#define MSR_IA32_VMX_TRUE_EXIT_CTLS     0x48fU
#define MSR_IA32_VMX_TRUE_ENTRY_CTLS    0x490U

/* IA32_VMX_BASIC. */
typedef union vmx_basic {
    uint64_t raw;
    struct {
        uint64_t revision_id : 31;  /* 0-30 */
        uint64_t zero31 : 1;
        uint64_t region_size : 13;  /* 32-44: bytes of VMXON region and VMCS */
        uint64_t rsvd45 : 3;
        uint64_t addr_32bit : 1;    /* 48: regions must lie below 4 GiB */
        uint64_t dual_monitor : 1;  /* 49 */
        uint64_t memtype : 4;       /* 50-53: 6 = write-back */
        uint64_t ins_outs_info : 1; /* 54 */
        uint64_t true_ctls : 1;     /* 55: the TRUE_* MSRs exist */
        uint64_t rsvd56 : 8;
    };
} vmx_basic_t;
BUILD_BUG_ON(sizeof(vmx_basic_t) != 8);

/* IA32_VMX_EPT_VPID_CAP bits. */
#define VMX_EPT_CAP_EXEC_ONLY       (1ULL << 0)
#define VMX_EPT_CAP_WALK_4          (1ULL << 6)
#define VMX_EPT_CAP_WALK_5          (1ULL << 7)
#define VMX_EPT_CAP_MT_UC           (1ULL << 8)
#define VMX_EPT_CAP_MT_WB           (1ULL << 14)
#define VMX_EPT_CAP_2M              (1ULL << 16)
#define VMX_EPT_CAP_1G              (1ULL << 17)
#define VMX_EPT_CAP_INVEPT          (1ULL << 20)
#define VMX_EPT_CAP_AD              (1ULL << 21)
#define VMX_EPT_CAP_INVEPT_SINGLE   (1ULL << 25)
#define VMX_EPT_CAP_INVEPT_ALL      (1ULL << 26)
#define VMX_VPID_CAP_INVVPID        (1ULL << 32)
#define VMX_VPID_CAP_INVVPID_ADDR   (1ULL << 40)
#define VMX_VPID_CAP_INVVPID_SINGLE (1ULL << 41)
#define VMX_VPID_CAP_INVVPID_ALL    (1ULL << 42)
#define VMX_VPID_CAP_INVVPID_SINGLE_NG (1ULL << 43)

/* INVVPID types. */
#define VMX_INVVPID_ADDR        0
#define VMX_INVVPID_SINGLE      1
#define VMX_INVVPID_ALL         2

/*
 * A control MSR says which bits may be 0 (low half: a 1 there means the
 * bit must be 1) and which may be 1 (high half).  Gives the controls to
 * use: `want` plus every required bit, `optional` bits where allowed.
 * Returns false if a wanted bit is not allowed to be 1 (*out undefined).
 */
static inline bool vmx_adjust_ctls(uint64_t cap, uint32_t want, uint32_t optional,
                                   uint32_t *out)
{
    uint32_t must1 = (uint32_t)cap, may1 = (uint32_t)(cap >> 32);

    if (want & ~may1)
        return false;
    *out = (want | must1 | (optional & may1));
    return true;
}

/* ---- VMCS field encodings ---- */
/* Encoding layout: bit 0 high half, 9:1 index, 11:10 type, 14:13 width. */
#define VMCS_FIELD_WIDTH(f)     (((f) >> 13) & 3)
#define VMCS_FIELD_TYPE(f)      (((f) >> 10) & 3)
#define VMCS_WIDTH_16           0
#define VMCS_WIDTH_64           1
#define VMCS_WIDTH_32           2
#define VMCS_WIDTH_NATURAL      3
#define VMCS_TYPE_CONTROL       0
#define VMCS_TYPE_RO            1
#define VMCS_TYPE_GUEST         2
#define VMCS_TYPE_HOST          3

enum vmcs_field {
    /* 16-bit */
    VIRTUAL_PROCESSOR_ID        = 0x0000,
    GUEST_ES_SELECTOR           = 0x0800, /* ES, CS, SS, DS, FS, GS, LDTR, TR: +2 each */
    GUEST_CS_SELECTOR           = 0x0802,
    GUEST_SS_SELECTOR           = 0x0804,
    GUEST_DS_SELECTOR           = 0x0806,
    GUEST_FS_SELECTOR           = 0x0808,
    GUEST_GS_SELECTOR           = 0x080a,
    GUEST_LDTR_SELECTOR         = 0x080c,
    GUEST_TR_SELECTOR           = 0x080e,
    HOST_ES_SELECTOR            = 0x0c00,
    HOST_CS_SELECTOR            = 0x0c02,
    HOST_SS_SELECTOR            = 0x0c04,
    HOST_DS_SELECTOR            = 0x0c06,
    HOST_FS_SELECTOR            = 0x0c08,
    HOST_GS_SELECTOR            = 0x0c0a,
    HOST_TR_SELECTOR            = 0x0c0c,
    /* 64-bit */
    IO_BITMAP_A                 = 0x2000,
    IO_BITMAP_B                 = 0x2002,
    MSR_BITMAP                  = 0x2004,
    VM_EXIT_MSR_STORE_ADDR      = 0x2006,
    VM_EXIT_MSR_LOAD_ADDR       = 0x2008,
    VM_ENTRY_MSR_LOAD_ADDR      = 0x200a,
    TSC_OFFSET                  = 0x2010,
    VIRTUAL_APIC_PAGE_ADDR      = 0x2012,
    APIC_ACCESS_ADDR            = 0x2014,
    EPT_POINTER                 = 0x201a,
    XSS_EXIT_BITMAP             = 0x202c,
    GUEST_PHYSICAL_ADDRESS      = 0x2400,
    VMCS_LINK_POINTER           = 0x2800,
    GUEST_IA32_DEBUGCTL         = 0x2802,
    GUEST_IA32_PAT              = 0x2804,
    GUEST_IA32_EFER             = 0x2806,
    GUEST_PDPTE0                = 0x280a,
    GUEST_PDPTE1                = 0x280c,
    GUEST_PDPTE2                = 0x280e,
    GUEST_PDPTE3                = 0x2810,
    HOST_IA32_PAT               = 0x2c00,
    HOST_IA32_EFER              = 0x2c02,
    /* 32-bit */
    PIN_BASED_VM_EXEC_CONTROL   = 0x4000,
    CPU_BASED_VM_EXEC_CONTROL   = 0x4002,
    EXCEPTION_BITMAP            = 0x4004,
    PAGE_FAULT_ERROR_CODE_MASK  = 0x4006,
    PAGE_FAULT_ERROR_CODE_MATCH = 0x4008,
    CR3_TARGET_COUNT            = 0x400a,
    VM_EXIT_CONTROLS            = 0x400c,
    VM_EXIT_MSR_STORE_COUNT     = 0x400e,
    VM_EXIT_MSR_LOAD_COUNT      = 0x4010,
    VM_ENTRY_CONTROLS           = 0x4012,
    VM_ENTRY_MSR_LOAD_COUNT     = 0x4014,
    VM_ENTRY_INTR_INFO          = 0x4016,
    VM_ENTRY_EXCEPTION_ERROR_CODE = 0x4018,
    VM_ENTRY_INSTRUCTION_LEN    = 0x401a,
    TPR_THRESHOLD               = 0x401c,
    SECONDARY_VM_EXEC_CONTROL   = 0x401e,
    VM_INSTRUCTION_ERROR        = 0x4400,
    VM_EXIT_REASON              = 0x4402,
    VM_EXIT_INTR_INFO           = 0x4404,
    VM_EXIT_INTR_ERROR_CODE     = 0x4406,
    IDT_VECTORING_INFO          = 0x4408,
    IDT_VECTORING_ERROR_CODE    = 0x440a,
    VM_EXIT_INSTRUCTION_LEN     = 0x440c,
    VMX_INSTRUCTION_INFO        = 0x440e,
    GUEST_ES_LIMIT              = 0x4800, /* then CS .. TR as for selectors */
    GUEST_GDTR_LIMIT            = 0x4810,
    GUEST_IDTR_LIMIT            = 0x4812,
    GUEST_ES_AR_BYTES           = 0x4814, /* then CS .. TR */
    GUEST_INTERRUPTIBILITY_INFO = 0x4824,
    GUEST_ACTIVITY_STATE        = 0x4826,
    GUEST_SYSENTER_CS           = 0x482a,
    HOST_SYSENTER_CS            = 0x4c00,
    /* natural width */
    CR0_GUEST_HOST_MASK         = 0x6000,
    CR4_GUEST_HOST_MASK         = 0x6002,
    CR0_READ_SHADOW             = 0x6004,
    CR4_READ_SHADOW             = 0x6006,
    EXIT_QUALIFICATION          = 0x6400,
    GUEST_LINEAR_ADDRESS        = 0x640a,
    GUEST_CR0                   = 0x6800,
    GUEST_CR3                   = 0x6802,
    GUEST_CR4                   = 0x6804,
    GUEST_ES_BASE               = 0x6806, /* then CS .. TR */
    GUEST_GDTR_BASE             = 0x6816,
    GUEST_IDTR_BASE             = 0x6818,
    GUEST_DR7                   = 0x681a,
    GUEST_RSP                   = 0x681c,
    GUEST_RIP                   = 0x681e,
    GUEST_RFLAGS                = 0x6820,
    GUEST_PENDING_DBG_EXCEPTIONS = 0x6822,
    GUEST_SYSENTER_ESP          = 0x6824,
    GUEST_SYSENTER_EIP          = 0x6826,
    HOST_CR0                    = 0x6c00,
    HOST_CR3                    = 0x6c02,
    HOST_CR4                    = 0x6c04,
    HOST_FS_BASE                = 0x6c06,
    HOST_GS_BASE                = 0x6c08,
    HOST_TR_BASE                = 0x6c0a,
    HOST_GDTR_BASE              = 0x6c0c,
    HOST_IDTR_BASE              = 0x6c0e,
    HOST_SYSENTER_ESP           = 0x6c10,
    HOST_SYSENTER_EIP           = 0x6c12,
    HOST_RSP                    = 0x6c14,
    HOST_RIP                    = 0x6c16,
};
BUILD_BUG_ON(VMCS_FIELD_WIDTH(VIRTUAL_PROCESSOR_ID) != VMCS_WIDTH_16);
BUILD_BUG_ON(VMCS_FIELD_WIDTH(EPT_POINTER) != VMCS_WIDTH_64);
BUILD_BUG_ON(VMCS_FIELD_WIDTH(VM_EXIT_REASON) != VMCS_WIDTH_32);
BUILD_BUG_ON(VMCS_FIELD_TYPE(VM_EXIT_REASON) != VMCS_TYPE_RO);
BUILD_BUG_ON(VMCS_FIELD_WIDTH(HOST_RIP) != VMCS_WIDTH_NATURAL);
BUILD_BUG_ON(VMCS_FIELD_TYPE(HOST_RIP) != VMCS_TYPE_HOST);
BUILD_BUG_ON(VMCS_FIELD_TYPE(GUEST_TR_SELECTOR) != VMCS_TYPE_GUEST);

/* Index of a segment in the guest-segment field groups (ES, CS, SS, DS, FS, GS, LDTR, TR). */
enum vmcs_seg { VMCS_SEG_ES, VMCS_SEG_CS, VMCS_SEG_SS, VMCS_SEG_DS, VMCS_SEG_FS,
                VMCS_SEG_GS, VMCS_SEG_LDTR, VMCS_SEG_TR, VMCS_SEG_NR };
#define GUEST_SEG_SELECTOR(s)   (GUEST_ES_SELECTOR + 2 * (s))
#define GUEST_SEG_LIMIT(s)      (GUEST_ES_LIMIT + 2 * (s))
#define GUEST_SEG_AR(s)         (GUEST_ES_AR_BYTES + 2 * (s))
#define GUEST_SEG_BASE(s)       (GUEST_ES_BASE + 2 * (s))
BUILD_BUG_ON(GUEST_SEG_SELECTOR(VMCS_SEG_TR) != GUEST_TR_SELECTOR);
BUILD_BUG_ON(GUEST_SEG_AR(VMCS_SEG_TR) != 0x4822);
BUILD_BUG_ON(GUEST_SEG_BASE(VMCS_SEG_TR) != 0x6814);
BUILD_BUG_ON(GUEST_SEG_LIMIT(VMCS_SEG_TR) != 0x480e);

/* ---- Control bits ---- */
/* Pin-based. */
#define PIN_EXT_INTR_EXITING        (1U << 0)
#define PIN_NMI_EXITING             (1U << 3)
#define PIN_VIRTUAL_NMIS            (1U << 5)
#define PIN_PREEMPT_TIMER           (1U << 6)
/* Primary processor-based. */
#define CPU_INTR_WINDOW_EXITING     (1U << 2)
#define CPU_USE_TSC_OFFSETTING      (1U << 3)
#define CPU_HLT_EXITING             (1U << 7)
#define CPU_INVLPG_EXITING          (1U << 9)
#define CPU_MWAIT_EXITING           (1U << 10)
#define CPU_RDPMC_EXITING           (1U << 11)
#define CPU_RDTSC_EXITING           (1U << 12)
#define CPU_CR3_LOAD_EXITING        (1U << 15)
#define CPU_CR3_STORE_EXITING       (1U << 16)
#define CPU_CR8_LOAD_EXITING        (1U << 19)
#define CPU_CR8_STORE_EXITING       (1U << 20)
#define CPU_TPR_SHADOW              (1U << 21)
#define CPU_NMI_WINDOW_EXITING      (1U << 22)
#define CPU_MOV_DR_EXITING          (1U << 23)
#define CPU_UNCOND_IO_EXITING       (1U << 24)
#define CPU_USE_IO_BITMAPS          (1U << 25)
#define CPU_MONITOR_TRAP_FLAG       (1U << 27)
#define CPU_USE_MSR_BITMAPS         (1U << 28)
#define CPU_MONITOR_EXITING         (1U << 29)
#define CPU_PAUSE_EXITING           (1U << 30)
#define CPU_ACTIVATE_SECONDARY      (1U << 31)
/* Secondary processor-based. */
#define CPU2_VIRT_APIC_ACCESSES     (1U << 0)
#define CPU2_ENABLE_EPT             (1U << 1)
#define CPU2_DESC_TABLE_EXITING     (1U << 2)
#define CPU2_ENABLE_RDTSCP          (1U << 3)
#define CPU2_VIRT_X2APIC            (1U << 4)
#define CPU2_ENABLE_VPID            (1U << 5)
#define CPU2_WBINVD_EXITING         (1U << 6)
#define CPU2_UNRESTRICTED_GUEST     (1U << 7)
#define CPU2_PAUSE_LOOP_EXITING     (1U << 10)
#define CPU2_RDRAND_EXITING         (1U << 11)
#define CPU2_ENABLE_INVPCID         (1U << 12)
#define CPU2_ENABLE_VMFUNC          (1U << 13)
#define CPU2_RDSEED_EXITING         (1U << 16)
#define CPU2_ENABLE_XSAVES          (1U << 20)
/* VM-exit controls. */
#define EXIT_SAVE_DEBUG_CTLS        (1U << 2)
#define EXIT_HOST_ADDR_SPACE_SIZE   (1U << 9)
#define EXIT_ACK_INTR_ON_EXIT       (1U << 15)
#define EXIT_SAVE_IA32_PAT          (1U << 18)
#define EXIT_LOAD_IA32_PAT          (1U << 19)
#define EXIT_SAVE_IA32_EFER         (1U << 20)
#define EXIT_LOAD_IA32_EFER         (1U << 21)
/* VM-entry controls. */
#define ENTRY_LOAD_DEBUG_CTLS       (1U << 2)
#define ENTRY_IA32E_MODE            (1U << 9)
#define ENTRY_LOAD_IA32_PAT         (1U << 14)
#define ENTRY_LOAD_IA32_EFER        (1U << 15)

/* ---- Exit reasons (basic reason: bits 15:0) ---- */
enum vmx_exit_reason {
    EXIT_REASON_EXCEPTION_NMI       = 0,
    EXIT_REASON_EXTERNAL_INTERRUPT  = 1,
    EXIT_REASON_TRIPLE_FAULT        = 2,
    EXIT_REASON_INIT                = 3,
    EXIT_REASON_SIPI                = 4,
    EXIT_REASON_IO_SMI              = 5,
    EXIT_REASON_OTHER_SMI           = 6,
    EXIT_REASON_INTR_WINDOW         = 7,
    EXIT_REASON_NMI_WINDOW          = 8,
    EXIT_REASON_TASK_SWITCH         = 9,
    EXIT_REASON_CPUID               = 10,
    EXIT_REASON_GETSEC              = 11,
    EXIT_REASON_HLT                 = 12,
    EXIT_REASON_INVD                = 13,
    EXIT_REASON_INVLPG              = 14,
    EXIT_REASON_RDPMC               = 15,
    EXIT_REASON_RDTSC               = 16,
    EXIT_REASON_RSM                 = 17,
    EXIT_REASON_VMCALL              = 18,
    EXIT_REASON_VMCLEAR             = 19,
    EXIT_REASON_VMLAUNCH            = 20,
    EXIT_REASON_VMPTRLD             = 21,
    EXIT_REASON_VMPTRST             = 22,
    EXIT_REASON_VMREAD              = 23,
    EXIT_REASON_VMRESUME            = 24,
    EXIT_REASON_VMWRITE             = 25,
    EXIT_REASON_VMXOFF              = 26,
    EXIT_REASON_VMXON               = 27,
    EXIT_REASON_CR_ACCESS           = 28,
    EXIT_REASON_DR_ACCESS           = 29,
    EXIT_REASON_IO_INSTRUCTION      = 30,
    EXIT_REASON_MSR_READ            = 31,
    EXIT_REASON_MSR_WRITE           = 32,
    EXIT_REASON_INVALID_GUEST_STATE = 33,
    EXIT_REASON_MSR_LOADING         = 34,
    EXIT_REASON_MWAIT               = 36,
    EXIT_REASON_MONITOR_TRAP_FLAG   = 37,
    EXIT_REASON_MONITOR             = 39,
    EXIT_REASON_PAUSE               = 40,
    EXIT_REASON_MACHINE_CHECK       = 41,
    EXIT_REASON_TPR_BELOW_THRESHOLD = 43,
    EXIT_REASON_APIC_ACCESS         = 44,
    EXIT_REASON_GDTR_IDTR           = 46,
    EXIT_REASON_LDTR_TR             = 47,
    EXIT_REASON_EPT_VIOLATION       = 48,
    EXIT_REASON_EPT_MISCONFIG       = 49,
    EXIT_REASON_INVEPT              = 50,
    EXIT_REASON_RDTSCP              = 51,
    EXIT_REASON_PREEMPT_TIMER       = 52,
    EXIT_REASON_INVVPID             = 53,
    EXIT_REASON_WBINVD              = 54,
    EXIT_REASON_XSETBV              = 55,
    EXIT_REASON_RDRAND              = 57,
    EXIT_REASON_INVPCID             = 58,
    EXIT_REASON_VMFUNC              = 59,
    EXIT_REASON_RDSEED              = 61,
    EXIT_REASON_XSAVES              = 63,
    EXIT_REASON_XRSTORS             = 64,
    EXIT_REASON_NR                  = 65,
};
/* The full 32-bit exit-reason field. */
#define VMX_EXIT_REASON_BASIC(r)        ((r) & 0xffffu)
#define VMX_EXIT_REASON_FAILED_ENTRY    (1U << 31)

/* ---- Exit qualifications ---- */
/* I/O instructions. */
typedef union vmx_io_qual {
    uint64_t raw;
    struct {
        uint64_t size_m1 : 3;   /* 0-2: access size minus one (0, 1, 3) */
        uint64_t in : 1;        /* 3: 1 = IN/INS */
        uint64_t string : 1;    /* 4: INS/OUTS */
        uint64_t rep : 1;       /* 5: REP prefix */
        uint64_t imm : 1;       /* 6: port from an immediate (else DX) */
        uint64_t rsvd7 : 9;
        uint64_t port : 16;     /* 16-31 */
        uint64_t rsvd32 : 32;
    };
} vmx_io_qual_t;
BUILD_BUG_ON(sizeof(vmx_io_qual_t) != 8);

/* Control-register accesses. */
#define VMX_CR_ACCESS_MOV_TO    0
#define VMX_CR_ACCESS_MOV_FROM  1
#define VMX_CR_ACCESS_CLTS      2
#define VMX_CR_ACCESS_LMSW      3
typedef union vmx_cr_qual {
    uint64_t raw;
    struct {
        uint64_t cr : 4;            /* 0-3 */
        uint64_t access : 2;        /* 4-5: VMX_CR_ACCESS_* */
        uint64_t lmsw_mem : 1;      /* 6: LMSW operand in memory */
        uint64_t rsvd7 : 1;
        uint64_t gpr : 4;           /* 8-11: 0 RAX, 1 RCX, 2 RDX, 3 RBX, 4 RSP ... 15 R15 */
        uint64_t rsvd12 : 4;
        uint64_t lmsw_data : 16;    /* 16-31 */
        uint64_t rsvd32 : 32;
    };
} vmx_cr_qual_t;
BUILD_BUG_ON(sizeof(vmx_cr_qual_t) != 8);

/* EPT violations. */
typedef union vmx_ept_qual {
    uint64_t raw;
    struct {
        uint64_t read : 1;          /* 0: the access was a read */
        uint64_t write : 1;         /* 1 */
        uint64_t fetch : 1;         /* 2 */
        uint64_t readable : 1;      /* 3: what the EPT entry allowed */
        uint64_t writable : 1;      /* 4 */
        uint64_t executable : 1;    /* 5 */
        uint64_t user_exec : 1;     /* 6 */
        uint64_t gla_valid : 1;     /* 7: guest-linear address field valid */
        uint64_t gla_final : 1;     /* 8: the access was to the final translation, not a paging entry */
        uint64_t rsvd9 : 3;
        uint64_t nmi_unblock : 1;   /* 12: NMI unblocking due to IRET */
        uint64_t rsvd13 : 51;
    };
} vmx_ept_qual_t;
BUILD_BUG_ON(sizeof(vmx_ept_qual_t) != 8);

/* Interruption information (exit, IDT vectoring, entry). */
typedef union vmx_intr_info {
    uint32_t raw;
    struct {
        uint32_t vector : 8;        /* 0-7 */
        uint32_t type : 3;          /* 8-10: VMX_INTR_TYPE_* */
        uint32_t has_error : 1;     /* 11 */
        uint32_t nmi_unblock : 1;   /* 12 */
        uint32_t rsvd13 : 18;
        uint32_t valid : 1;         /* 31 */
    };
} vmx_intr_info_t;
BUILD_BUG_ON(sizeof(vmx_intr_info_t) != 4);
#define VMX_INTR_TYPE_EXTINT        0
#define VMX_INTR_TYPE_NMI           2
#define VMX_INTR_TYPE_HW_EXC        3
#define VMX_INTR_TYPE_SW_INT        4
#define VMX_INTR_TYPE_PRIV_SW_EXC   5
#define VMX_INTR_TYPE_SW_EXC        6

/* Guest interruptibility state. */
#define VMX_INTR_SHADOW_STI         (1U << 0)
#define VMX_INTR_SHADOW_MOV_SS      (1U << 1)
#define VMX_INTR_BLOCK_NMI          (1U << 3)

/*
 * Segment access rights: bits 0-7 as in the descriptor (type, S, DPL, P),
 * 12-15 AVL, L, D/B, G, and bit 16 "unusable".  struct segment_register
 * packs the same bits without the hole (SVM's form): 0-7, then 8-11.
 */
#define VMX_AR_UNUSABLE             (1U << 16)
#define VMX_AR_P                    (1U << 7)

static inline uint32_t vmx_attr_to_ar(uint16_t attr)
{
    /* Not present: the VMCS form says unusable (SDM: "Guest Segment Registers"). */
    if (!(attr & VMX_AR_P))
        return VMX_AR_UNUSABLE;
    return (attr & 0xffu) | ((uint32_t)(attr & 0xf00u) << 4);
}

static inline uint16_t vmx_ar_to_attr(uint32_t ar)
{
    if (ar & VMX_AR_UNUSABLE)
        return 0;
    return (uint16_t)((ar & 0xffu) | ((ar >> 4) & 0xf00u));
}

/* The raw exit data vendor-neutral decoding needs (vmx_decode_exit). */
struct vmx_exit_info {
    uint32_t reason;            /* VM_EXIT_REASON */
    uint64_t qual;              /* EXIT_QUALIFICATION */
    uint32_t intr_info;         /* VM_EXIT_INTR_INFO */
    uint32_t intr_error;        /* VM_EXIT_INTR_ERROR_CODE */
    uint32_t insn_len;          /* VM_EXIT_INSTRUCTION_LEN */
    uint64_t gpa;               /* GUEST_PHYSICAL_ADDRESS */
    uint64_t gla;               /* GUEST_LINEAR_ADDRESS */
    uint32_t ecx;               /* guest RCX, for RDMSR/WRMSR */
};

#endif
