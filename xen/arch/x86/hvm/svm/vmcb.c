/*
 * VMCB set-up: the intercepts every vCPU runs with, the I/O and MSR
 * permission maps a domain's vCPUs share, and a readable dump.
 */
#include <xen/lib.h>
#include <xen/errno.h>
#include <xen/mm.h>
#include <xen/string.h>
#include <xen/sched.h>
#include <asm/page.h>
#include <asm/processor.h>
#include <asm/hvm/svm/npt.h>
#include <asm/hvm/svm/svm.h>
#include <asm/hvm/debugreg.h>

/* MSRs whose guest copies live in the VMCB (VMRUN / VMLOAD switch them): no intercept. */
static const uint32_t msr_passthrough[] = {
    MSR_FS_BASE, MSR_GS_BASE,
    0xc0000102U,            /* KernelGSBase */
    0xc0000081U,            /* STAR */
    0xc0000082U,            /* LSTAR */
    0xc0000083U,            /* CSTAR */
    0xc0000084U,            /* SFMASK */
    0x174U, 0x175U, 0x176U, /* SYSENTER_CS / ESP / EIP */
    0x277U,                 /* PAT: the guest's is G_PAT with nested paging */
};

/* The bit pair of an MSR in the permission map, or -1 for MSRs always intercepted. */
static long msrpm_bit(uint32_t msr)
{
    if (msr < 0x2000U)
        return (long)msr * 2;
    if (msr - 0xc0000000U < 0x2000U)
        return 0x800L * 8 + (long)(msr - 0xc0000000U) * 2;
    if (msr - 0xc0010000U < 0x2000U)
        return 0x1000L * 8 + (long)(msr - 0xc0010000U) * 2;
    return -1;
}

static void msrpm_allow(uint8_t *msrpm, uint32_t msr)
{
    long bit = msrpm_bit(msr);

    if (bit < 0)
        return;
    /* Read bit then write bit. */
    msrpm[bit / 8] &= (uint8_t)~(3u << (bit % 8));
}

int svm_domain_tables_init(struct svm_domain *sd)
{
    unsigned int i;

    /* 12 KiB of I/O map in an order-2 block, 8 KiB of MSR map in order 1. */
    sd->iopm = alloc_xenheap_pages(2);
    sd->msrpm = alloc_xenheap_pages(1);
    if (!sd->iopm || !sd->msrpm) {
        svm_domain_tables_free(sd);
        return -ENOMEM;
    }
    /* Every port and every MSR intercepted, then the VMCB-held MSRs let through. */
    memset(sd->iopm, 0xff, 4 * PAGE_SIZE);
    memset(sd->msrpm, 0xff, 2 * PAGE_SIZE);
    for (i = 0; i < ARRAY_SIZE(msr_passthrough); i++)
        msrpm_allow(sd->msrpm, msr_passthrough[i]);
    sd->iopm_pa = virt_to_maddr(sd->iopm);
    sd->msrpm_pa = virt_to_maddr(sd->msrpm);
    return 0;
}

void svm_domain_tables_free(struct svm_domain *sd)
{
    if (sd->iopm)
        free_xenheap_pages(sd->iopm, 2);
    if (sd->msrpm)
        free_xenheap_pages(sd->msrpm, 1);
    sd->iopm = sd->msrpm = NULL;
}

void svm_vmcb_init(struct vcpu *v, struct vmcb *vmcb, const struct svm_domain *sd)
{
    memset(vmcb, 0, sizeof(*vmcb));
    /*
     * With nested paging the guest owns CR0/CR3/CR4 and its own page
     * faults: no CR or exception intercepts.  RDTSC(P) run natively.
     */
    vmcb->intercept_misc1 = VMCB_INTC1_INTR | VMCB_INTC1_NMI | VMCB_INTC1_SMI |
                            VMCB_INTC1_INIT | VMCB_INTC1_CPUID | VMCB_INTC1_HLT |
                            VMCB_INTC1_IOIO | VMCB_INTC1_MSR | VMCB_INTC1_SHUTDOWN;
    /* VMRUN must be intercepted (APM: VMRUN consistency checks); the rest of SVM is ours too. */
    vmcb->intercept_misc2 = VMCB_INTC2_VMRUN | VMCB_INTC2_VMMCALL | VMCB_INTC2_VMLOAD |
                            VMCB_INTC2_VMSAVE | VMCB_INTC2_STGI | VMCB_INTC2_CLGI |
                            VMCB_INTC2_SKINIT | VMCB_INTC2_XSETBV;
    /* Debug registers are handed over at the first access (svm.c). */
    vmcb->intercept_dr = VMCB_INTERCEPT_DR_ALL;
    vmcb->intercept_exc = hvm_debug_exceptions;     /* hvm_debug= */
    vmcb->iopm_base_pa = sd->iopm_pa;
    vmcb->msrpm_base_pa = sd->msrpm_pa;
    /* The guest's IF masks virtual interrupts only; host interrupts always exit. */
    vmcb->vintr = VMCB_VINTR_MASKING;
    vmcb->np_ctl = VMCB_NP_ENABLE;
    vmcb->n_cr3 = npt_ncr3(&v->domain->hvm.p2m);
    vmcb->tlb_control = VMCB_TLB_FLUSH_ALL;
    vmcb->clean_bits = 0;           /* nothing cached for a new VMCB */

    /* Architectural reset values where the PVH builder sets nothing else. */
    vmcb->efer = EFER_SVME;
    vmcb->cr0 = 0x60000010ULL;      /* CD, NW, ET */
    vmcb->dr6 = 0xffff0ff0ULL;
    vmcb->dr7 = 0x400ULL;
    vmcb->rflags = 0x2;
    vmcb->g_pat = 0x0007040600070406ULL;
    vmcb->gdtr.limit = 0xffff;
    vmcb->idtr.limit = 0xffff;
    vmcb->ldtr.attr = 0x82;
    vmcb->ldtr.limit = 0xffff;
    vmcb->tr.attr = 0x8b;
    vmcb->tr.limit = 0xffff;
}

static void dump_seg(const char *name, const struct vmcb_seg *s)
{
    printk("  %-4s sel=%04x attr=%04x limit=%08x base=%016lx\n", name, s->sel, s->attr, s->limit,
           (unsigned long)s->base);
}

void svm_vmcb_dump(const struct vmcb *vmcb)
{
    printk("  rip=%016lx rsp=%016lx rflags=%016lx cpl=%u\n", (unsigned long)vmcb->rip,
           (unsigned long)vmcb->rsp, (unsigned long)vmcb->rflags, vmcb->cpl);
    printk("  cr0=%016lx cr2=%016lx cr3=%016lx cr4=%016lx efer=%016lx\n",
           (unsigned long)vmcb->cr0, (unsigned long)vmcb->cr2, (unsigned long)vmcb->cr3,
           (unsigned long)vmcb->cr4, (unsigned long)vmcb->efer);
    dump_seg("cs", &vmcb->cs);
    dump_seg("ss", &vmcb->ss);
    dump_seg("ds", &vmcb->ds);
    dump_seg("es", &vmcb->es);
    dump_seg("fs", &vmcb->fs);
    dump_seg("gs", &vmcb->gs);
    dump_seg("tr", &vmcb->tr);
    dump_seg("gdtr", &vmcb->gdtr);
    dump_seg("idtr", &vmcb->idtr);
    printk("  exitcode=%#lx exitinfo1=%#lx exitinfo2=%#lx exitintinfo=%#lx asid=%u\n",
           (unsigned long)vmcb->exitcode, (unsigned long)vmcb->exitinfo1,
           (unsigned long)vmcb->exitinfo2, (unsigned long)vmcb->exitintinfo, vmcb->asid);
}
