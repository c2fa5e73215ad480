/*
 * HVM state kept per vCPU and per domain by common code.  Vendor code
 * keeps its own control blocks (VMCS, VMCB) behind the `vendor` pointers.
 */
#ifndef ASM_HVM_VCPU_H
#define ASM_HVM_VCPU_H

#include <xen/types.h>
#include <xen/p2m.h>
#include <xen/timer.h>
#include <asm/hvm/hvm.h>
#include <asm/hvm/vlapic.h>
#include <asm/hvm/xstate.h>
#include <public/hvm/params.h>

struct hvm_vcpu {
    struct hvm_gprs gprs;           /* saved across VM exits (RSP/RIP live in the VMCS/VMCB) */
    void *vendor;                   /* struct vmx_vcpu or struct svm_vcpu */
    bool event_pending;             /* inject `event` at the next entry */
    struct hvm_event event;
    uint64_t nr_exits[HVM_EXIT_NR]; /* statistics for the debug keys */
    bool halted_irq_off;            /* in HLT with IF=0: only INIT/NMI could wake it */
    uint64_t hypercall_page_gpa;    /* last value written to the hypercall-page MSR */
    void *fpu_area;                 /* FXSAVE image while the vCPU is not on a CPU */
    bool fpu_initialised;
    struct hvm_xstate xstate;       /* XCR0 and the XSAVE image (asm/hvm/xstate.h) */
    uint32_t tsc_aux;               /* the guest's TSC_AUX, in the CPU while it runs */
    bool wait_for_sipi;             /* got INIT while down: the next SIPI starts it */
    struct vlapic vlapic;           /* the virtual local APIC (asm/hvm/vlapic.h) */
};

struct hvm_domain {
    struct p2m p2m;                 /* guest-physical -> machine */
    void *vendor;
    uint64_t params[HVM_NR_PARAMS]; /* HVMOP_set_param / get_param (arch/x86/hvm/hvm_op.c) */
};

#endif
