/*
 * The vendor-neutral HVM layer: the one ops table that vmx/ and svm/ fill,
 * the common description of a VM exit, and the per-vCPU state common code
 * keeps.  Common code calls the hvm_*() wrappers below and never asks
 * which vendor it runs on.
 */
#ifndef ASM_HVM_HVM_H
#define ASM_HVM_HVM_H

#include <xen/types.h>
#include <xen/compiler.h>

struct vcpu;
struct domain;
struct p2m_ops;

/* Segment registers as common code sees them (VMCS and VMCB both reduce to this). */
struct segment_register {
    uint16_t sel;
    uint16_t attr;          /* VMCB-style packed attributes: type, S, DPL, P, AVL, L, D/B, G */
    uint32_t limit;
    uint64_t base;
};

enum x86_segment {
    x86_seg_cs, x86_seg_ss, x86_seg_ds, x86_seg_es, x86_seg_fs, x86_seg_gs,
    x86_seg_tr, x86_seg_ldtr, x86_seg_gdtr, x86_seg_idtr,
    x86_seg_nr
};

/* General-purpose registers of a guest, saved and restored around each VM entry. */
struct hvm_gprs {
    uint64_t rax, rbx, rcx, rdx, rsi, rdi, rbp;
    uint64_t r8, r9, r10, r11, r12, r13, r14, r15;
};

/* Why the guest stopped running, decoded by the vendor code into one form. */
enum hvm_exit_reason {
    HVM_EXIT_NONE,              /* nothing to do (e.g. an interrupt already handled) */
    HVM_EXIT_EXTINT,            /* a host interrupt arrived */
    HVM_EXIT_NMI,
    HVM_EXIT_CPUID,
    HVM_EXIT_MSR_READ,
    HVM_EXIT_MSR_WRITE,
    HVM_EXIT_IO,
    HVM_EXIT_HLT,
    HVM_EXIT_HYPERCALL,         /* VMCALL / VMMCALL */
    HVM_EXIT_NPF,               /* EPT violation / nested page fault */
    HVM_EXIT_TRIPLE_FAULT,
    HVM_EXIT_INVALID_STATE,     /* VM entry failed on guest state */
    HVM_EXIT_INIT,
    HVM_EXIT_SIPI,
    HVM_EXIT_XSETBV,
    HVM_EXIT_CR_ACCESS,
    HVM_EXIT_DR_ACCESS,
    HVM_EXIT_EXCEPTION,         /* an intercepted guest exception */
    HVM_EXIT_PAUSE,
    HVM_EXIT_INVLPG,
    HVM_EXIT_RDTSC,
    HVM_EXIT_UNHANDLED,         /* a reason the vendor code could not classify */
    HVM_EXIT_NR
};

struct hvm_exit {
    enum hvm_exit_reason reason;
    uint64_t raw_reason;            /* the vendor's own code, for logs */
    unsigned int insn_len;          /* 0 if unknown: common code decodes it */
    union {
        struct { uint16_t port; uint8_t size; bool in, string, rep; } io;
        struct { uint64_t gpa, gla; bool read, write, fetch, gla_valid; } npf;
        struct { uint32_t msr; } msr;
        struct { uint8_t cr; bool write; uint8_t gpr; } cr;
        struct { uint8_t vector; bool has_error; uint32_t error; uint64_t cr2; } exc;
        struct { uint8_t vector; } sipi;
    } u;
};

/* An event to inject at the next VM entry. */
struct hvm_event {
    uint8_t vector;
    uint8_t type;                   /* HVM_EVENT_* */
    bool has_error;
    uint32_t error;
    uint64_t cr2;                   /* page faults */
};
#define HVM_EVENT_EXTINT    0
#define HVM_EVENT_NMI       2
#define HVM_EVENT_HW_EXC    3
#define HVM_EVENT_SW_INT    4

/*
 * The vendor ops table: filled once at boot by vmx/ or svm/.  Every hook
 * takes the vCPU it acts on; vCPU hooks run on the CPU the vCPU is loaded
 * on.
 */
struct hvm_function_table {
    const char *name;               /* "VMX" or "SVM" */
    /* Per-CPU: enter VMX root operation / set EFER.SVME and the host save area. */
    int (*cpu_up)(unsigned int cpu);
    void (*cpu_down)(void);

    int (*domain_initialise)(struct domain *d);
    void (*domain_destroy)(struct domain *d);
    int (*vcpu_initialise)(struct vcpu *v);
    void (*vcpu_destroy)(struct vcpu *v);

    /* Enter the guest and return when it exits, with *exit decoded. */
    void (*vcpu_enter)(struct vcpu *v, struct hvm_exit *exit);

    /* Architectural state access (VMCS fields or VMCB). */
    uint64_t (*get_rip)(struct vcpu *v);
    void (*set_rip)(struct vcpu *v, uint64_t rip);
    uint64_t (*get_rflags)(struct vcpu *v);
    void (*set_rflags)(struct vcpu *v, uint64_t rflags);
    uint64_t (*get_rsp)(struct vcpu *v);
    void (*set_rsp)(struct vcpu *v, uint64_t rsp);
    uint64_t (*get_cr)(struct vcpu *v, unsigned int cr);
    int (*set_cr)(struct vcpu *v, unsigned int cr, uint64_t val);
    uint64_t (*get_efer)(struct vcpu *v);
    int (*set_efer)(struct vcpu *v, uint64_t efer);
    void (*get_segment)(struct vcpu *v, enum x86_segment seg, struct segment_register *reg);
    void (*set_segment)(struct vcpu *v, enum x86_segment seg, const struct segment_register *reg);
    unsigned int (*get_cpl)(struct vcpu *v);

    void (*inject_event)(struct vcpu *v, const struct hvm_event *ev);
    /* Is the guest able to take an external interrupt now (IF=1, no shadow)? */
    bool (*interrupts_enabled)(struct vcpu *v);
    /* Ask for an exit as soon as the guest can take an interrupt. */
    void (*enable_intr_window)(struct vcpu *v);
    /*
     * NMIs, whatever IF says: is the guest unable to take one now (in its
     * NMI handler until the IRET, an STI or MOV SS shadow, an event already
     * queued)?  And ask for an exit as soon as it can.
     */
    bool (*nmi_blocked)(struct vcpu *v);
    void (*enable_nmi_window)(struct vcpu *v);
    /* INIT: drop any event queued for injection, the windows and the NMI blocking. */
    void (*reset_events)(struct vcpu *v);

    /* Nested paging: the entry encoder for the p2m, and TLB flush for a domain. */
    const struct p2m_ops *p2m_ops;
    void (*flush_guest_tlbs)(struct domain *d);

    /* Hypercall page stub: VMCALL (0f 01 c1) or VMMCALL (0f 01 d9). */
    void (*write_hypercall_insn)(uint8_t *three_bytes);

    /* Debug: dump the vendor control block of v. */
    void (*dump_vcpu)(struct vcpu *v);

    /* Capabilities discovered at boot. */
    bool has_1g_nested_pages;
    bool has_next_rip;              /* NRIPS (SVM) — VMX always reports instruction length */
    bool has_rdtscp;                /* guests can run RDTSCP (VMX: the "enable RDTSCP" control) */
};

extern const struct hvm_function_table *hvm_funcs;
extern bool hvm_enabled;

/*
 * Boot, once every CPU is up: detect VMX or SVM, fill hvm_funcs, enable it
 * on every online CPU.  -ENODEV (and a clear message) if guests cannot run.
 */
int hvm_init(void);

#define HVM_CALL(fn, ...) (hvm_funcs->fn(__VA_ARGS__))
static inline uint64_t hvm_get_rip(struct vcpu *v) { return HVM_CALL(get_rip, v); }
static inline void hvm_set_rip(struct vcpu *v, uint64_t r) { HVM_CALL(set_rip, v, r); }
static inline unsigned int hvm_get_cpl(struct vcpu *v) { return HVM_CALL(get_cpl, v); }
static inline void hvm_inject_event(struct vcpu *v, const struct hvm_event *e)
{
    HVM_CALL(inject_event, v, e);
}

/*
 * Vendor probes, called by hvm_init(): each returns its filled table if
 * the CPU supports it (the boot CPU's features), else NULL.  A vendor
 * that is not built in is a weak default returning NULL.
 */
const struct hvm_function_table *start_svm(void);
const struct hvm_function_table *start_vmx(void);

/* The v->run hook of HVM vCPUs (vcpu_run.c). */
void hvm_vcpu_run(struct vcpu *v);
/*
 * Print v's registers and the top of its guest stack (read through its own
 * page tables).  v is stopped, or current on this CPU: the vendor state
 * must be readable here (a VMCS is only on the CPU that loaded it).
 */
void hvm_dump_guest(struct vcpu *v);
/* Set up / tear down the HVM side of a domain and of a vCPU (hvm.c). */
int hvm_domain_initialise(struct domain *d);
void hvm_domain_destroy(struct domain *d);
int hvm_vcpu_initialise(struct vcpu *v);
void hvm_vcpu_destroy(struct vcpu *v);
/* Queue a hardware exception for the next VM entry. */
void hvm_inject_exception(struct vcpu *v, uint8_t vector, bool has_error, uint32_t error);

#endif
