/*
 * HVM state kept per vCPU and per domain by common code.  Vendor code
 * keeps its own control blocks (VMCS, VMCB) behind the `vendor` pointers.
 */
#ifndef ASM_HVM_VCPU_H
#define ASM_HVM_VCPU_H

#include <xen/types.h>
#include <xen/p2m.h>
#include <asm/hvm/hvm.h>

struct hvm_vcpu {
    struct hvm_gprs gprs;           /* saved across VM exits (RSP/RIP live in the VMCS/VMCB) */
    void *vendor;                   /* struct vmx_vcpu or struct svm_vcpu */
    bool event_pending;             /* inject `event` at the next entry */
    struct hvm_event event;
    uint64_t nr_exits[HVM_EXIT_NR]; /* statistics for the debug keys */
};

struct hvm_domain {
    struct p2m p2m;                 /* guest-physical -> machine */
    void *vendor;
};

#endif
