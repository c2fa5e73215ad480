/*
 * The AMD SVM engine's internal interface: per-vCPU and per-domain state,
 * the VMRUN entry stub, ASID management and VMCB set-up.
 */
#ifndef ASM_HVM_SVM_SVM_H
#define ASM_HVM_SVM_SVM_H

#include <xen/types.h>
#include <xen/cpumask.h>
#include <asm/hvm/hvm.h>
#include <asm/hvm/svm/vmcb.h>
#include <asm/hvm/svm/nmi.h>
#include <asm/hvm/svm/virq.h>
#include <asm/hvm/xstate.h>

struct vcpu;
struct domain;

struct svm_vcpu {
    struct vmcb *vmcb;
    paddr_t vmcb_pa;
    /* ASID in use on asid_cpu, valid while asid_gen matches that CPU's generation. */
    uint32_t asid;
    uint64_t asid_gen;
    unsigned int asid_cpu;
    uint64_t tlb_gen_seen;          /* p2m->tlb_gen when this vCPU last got a clean ASID */
    struct svm_events ev;           /* interrupt handed over, event to deliver again (virq.h) */
    unsigned int last_cpu;          /* where it last ran (VMCB clean bits are per CPU) */
    /* DR accesses exit until the first one; then DR0-3 are the guest's while it runs. */
    bool dr_live;
    unsigned int dr_cpu;            /* the CPU whose DR0-3 it last loaded */
    uint64_t dr[4];
    struct svm_nmi nmi;             /* guest NMI blocking (asm/hvm/svm/nmi.h) */
};

struct svm_domain {
    uint8_t *iopm;                  /* shared by the domain's vCPUs */
    paddr_t iopm_pa;
    uint8_t *msrpm;
    paddr_t msrpm_pa;
    cpumask_t run_cpus;             /* CPUs that ever ran one of its vCPUs: flush IPI targets */
};

/* CPUID 0x8000000A EDX */
#define SVM_FEAT_NP     (1u << 0)
#define SVM_FEAT_NRIPS  (1u << 3)
#define SVM_FEAT_VMCB_CLEAN (1u << 5)
#define SVM_FEAT_VGIF   (1u << 16)


/*
 * entry.S: enter the guest with *gprs loaded (RAX comes from the VMCB),
 * return at #VMEXIT with *gprs saved.  host_pa: this CPU's VMSAVE area for
 * the host's FS/GS/TR/LDTR and syscall MSRs.  Called with interrupts off;
 * returns with them off.
 */
void svm_vmrun(paddr_t vmcb_pa, struct hvm_gprs *gprs, paddr_t host_pa);

/* asid.c */
void svm_asid_init_cpu(unsigned int cpu, uint32_t nr_asids);
/* Before VMRUN on this CPU: a valid ASID for v; TLB_CONTROL set as needed. */
void svm_asid_handle_vmrun(struct vcpu *v, struct vmcb *vmcb, bool need_fresh);

/* A VMCB field group changed: the CPU must reload it at the next VMRUN. */
static inline void vmcb_mark_dirty(struct vmcb *vmcb, uint32_t groups)
{
    vmcb->clean_bits &= ~groups;
}

/* vmcb.c */
int svm_domain_tables_init(struct svm_domain *sd);
void svm_domain_tables_free(struct svm_domain *sd);
void svm_vmcb_init(struct vcpu *v, struct vmcb *vmcb, const struct svm_domain *sd);
void svm_vmcb_dump(const struct vmcb *vmcb);

#endif
