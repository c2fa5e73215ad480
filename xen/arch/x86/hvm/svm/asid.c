/*
 * Address space identifiers, per CPU, handed out with a generation: a
 * vCPU keeps its ASID while it stays on the CPU and the generation does
 * not change.  When a CPU runs out, its generation moves on and the next
 * VMRUN flushes every ASID's TLB entries, so every ASID handed out after
 * that is clean.  A vCPU that needs its guest translations dropped (it
 * moved CPU, or its p2m changed) simply takes a fresh ASID.
 */
#include <xen/lib.h>
#include <xen/sched.h>
#include <asm/hvm/svm/svm.h>

struct svm_asid_cpu {
    uint32_t next;          /* next ASID to hand out */
    uint32_t max;           /* first ASID beyond the hardware's */
    uint64_t gen;           /* starts at 1: a vCPU's 0 never matches */
    bool flush_all;         /* the generation moved: flush at the next VMRUN */
};

static struct svm_asid_cpu asid_cpu[NR_CPUS];

void svm_asid_init_cpu(unsigned int cpu, uint32_t nr_asids)
{
    struct svm_asid_cpu *a = &asid_cpu[cpu];

    /* ASID 0 is the host's. */
    a->max = nr_asids > 1 ? nr_asids : 2;
    a->next = 1;
    a->gen = 1;
    a->flush_all = true;
}

void svm_asid_handle_vmrun(struct vcpu *v, struct vmcb *vmcb, bool need_fresh)
{
    struct svm_vcpu *sv = v->hvm.vendor;
    unsigned int cpu = smp_processor_id();
    struct svm_asid_cpu *a = &asid_cpu[cpu];

    vmcb->tlb_control = VMCB_TLB_NONE;
    if (!need_fresh && sv->asid_cpu == cpu && sv->asid_gen == a->gen)
        return;
    if (a->next >= a->max) {
        a->gen++;
        a->next = 1;
        a->flush_all = true;
    }
    sv->asid = a->next++;
    sv->asid_gen = a->gen;
    sv->asid_cpu = cpu;
    vmcb->asid = sv->asid;
    vmcb_mark_dirty(vmcb, VMCB_CLEAN_ASID);
    if (a->flush_all) {
        vmcb->tlb_control = VMCB_TLB_FLUSH_ALL;
        a->flush_all = false;
    }
}
