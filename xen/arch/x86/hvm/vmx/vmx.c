/*
 * The Intel VMX engine behind the HVM ops table: detection, VMX root
 * operation per CPU, one VMCS per vCPU (controls, host and guest state),
 * VM entry and exit, event injection, and EPT flushes across CPUs.
 */
#include <asm/hvm/vmx/vmx.h>
#include <asm/hvm/vmx/ept.h>
#include <asm/hvm/vmx/vmx_asm.h>
#include <asm/hvm/debugreg.h>
#include <asm/hvm/vmx/vpid.h>
#include <asm/hvm/xstate.h>
#include <asm/desc.h>
#include <asm/page.h>
#include <asm/processor.h>
#include <asm/smpboot.h>
#include <xen/cpumask.h>
#include <xen/domain.h>
#include <xen/errno.h>
#include <xen/lib.h>
#include <xen/mm.h>
#include <xen/p2m.h>
#include <xen/percpu.h>
#include <xen/sched.h>
#include <xen/smp.h>
#include <xen/spinlock.h>

#define X86_CR0_NE 0x00000020UL
#define X86_CR0_EM 0x00000004UL
#define X86_CR0_TS 0x00000008UL
#define X86_CR4_OSFXSR 0x00000200UL
#define X86_CR4_VMXE 0x00002000UL
#define X86_EFLAGS_IF 0x00000200UL
#define EFER_LMA (1UL << 10)
#define MSR_SYSENTER_CS 0x174U
#define MSR_SYSENTER_ESP 0x175U
#define MSR_SYSENTER_EIP 0x176U
#define MSR_STAR 0xc0000081U
#define MSR_LSTAR 0xc0000082U
#define MSR_CSTAR 0xc0000083U
#define MSR_SFMASK 0xc0000084U
#define MSR_KERNEL_GS_BASE 0xc0000102U
#define CPUID1_ECX_VMX (1U << 5)
#define VMX_EXC_AC 17 /* alignment check */

/*
 * MSRs the guest reads and writes directly.  The VMCS holds FS/GS base
 * and SYSENTER; the SYSCALL MSRs and KERNEL_GS_BASE it does not, so they
 * are swapped by hand around guest runs (the hypervisor does not use them).
 */
static const uint32_t vmx_swapped_msrs[] = {
    MSR_STAR, MSR_LSTAR, MSR_CSTAR, MSR_SFMASK, MSR_KERNEL_GS_BASE,
};
#define VMX_NR_SWAPPED ARRAY_SIZE(vmx_swapped_msrs)
static const uint32_t vmx_direct_msrs[] = {
    MSR_FS_BASE, MSR_GS_BASE, MSR_SYSENTER_CS, MSR_SYSENTER_ESP, MSR_SYSENTER_EIP,
};

/* What the CPU offers and what every VMCS uses, settled once by start_vmx(). */
static struct vmx_caps {
    vmx_basic_t basic;
    uint64_t ept_vpid;
    uint64_t cr0_fixed0, cr0_fixed1, cr4_fixed0, cr4_fixed1;
    uint32_t pin, cpu, cpu2, exit, entry;
} vmx_caps;

struct vmx_vcpu {
    void *vmcs;
    paddr_t vmcs_ma;
    void *msr_bitmap;
    int active_cpu; /* where the VMCS is active (may be cached), -1: clear */
    bool launched;  /* VMRESUME, not VMLAUNCH */
    uint16_t vpid;
    uint32_t cpu_ctls; /* primary controls as last written */
    uint64_t cr2;      /* the guest's CR2: VMX does not switch it */
    uint64_t msrs[VMX_NR_SWAPPED];
    uint32_t last_insn_len; /* for re-injecting software interrupts */
    /*
     * Debug registers: MOV DR exits until the guest first uses one; from
     * then on DR0-3 and DR6 are its own while it runs (DR7 is in the VMCS).
     */
    bool dr_live;
    uint64_t dr[4], dr6;
};
BUILD_BUG_ON(sizeof(struct vmx_vcpu) > PAGE_SIZE);

struct vmx_domain {
    cpumask_t ept_cpus; /* CPUs that ever loaded this domain's EPTP */
};
BUILD_BUG_ON(sizeof(struct vmx_domain) > PAGE_SIZE);

static DEFINE_PER_CPU(paddr_t, vmxon_ma);
static DEFINE_PER_CPU(paddr_t, current_vmcs);
/* Whose swapped MSRs this CPU holds: only ever a vCPU whose VMCS is active here. */
static DEFINE_PER_CPU(struct vmx_vcpu *, msrs_owner);
/* Whose DR0-3/DR6 this CPU's registers hold, likewise. */
static DEFINE_PER_CPU(struct vmx_vcpu *, dr_owner);
/*
 * EPT accessed/dirty flags where the CPU has them: the CPU then marks
 * which guest memory was touched and written (the basis of dirty-page
 * logging); EPTP bit 6 turns them on.
 */
static bool vmx_ept_ad;
/*
 * Virtual NMIs: the VMCS tracks the guest's NMI blocking ("blocking by
 * NMI", lifted by its IRET), and NMI-window exiting says when it ends.
 * Without them the blocking bit still follows injected NMIs, but the
 * window falls back to the interrupt window.
 */
static bool vmx_virtual_nmis, vmx_nmi_window;
static unsigned int vmx_maxphyaddr = 36;   /* CPUID 0x80000008, read at probe */
static struct vpid_pool vmx_vpids;
static DEFINE_SPINLOCK(vmx_vpids_lock);
static unsigned int vmx_vmwrite_errors;

BUILD_BUG_ON(VMX_ASM_HOST_RSP != HOST_RSP);
#define VMX_CHECK_GPR(r) BUILD_BUG_ON(offsetof(struct hvm_gprs, r) != HVM_GPRS_##r)
VMX_CHECK_GPR(rax);
VMX_CHECK_GPR(rbx);
VMX_CHECK_GPR(rcx);
VMX_CHECK_GPR(rdx);
VMX_CHECK_GPR(rsi);
VMX_CHECK_GPR(rdi);
VMX_CHECK_GPR(rbp);
VMX_CHECK_GPR(r8);
VMX_CHECK_GPR(r9);
VMX_CHECK_GPR(r10);
VMX_CHECK_GPR(r11);
VMX_CHECK_GPR(r12);
VMX_CHECK_GPR(r13);
VMX_CHECK_GPR(r14);
VMX_CHECK_GPR(r15);
#undef VMX_CHECK_GPR

/* Entry stub (entry.S): 0 after a VM exit, 1 VMfailInvalid, 2 VMfailValid. */
int vmx_asm_enter(struct hvm_gprs *gprs, unsigned long launched);
void vmx_asm_exit(void);

/* ---- VMX instructions ---- */
static inline uint64_t vmread(unsigned long field)
{
    uint64_t v;

    __asm__ __volatile__("vmread %[field], %[v]" : [v] "=r"(v) : [field] "r"(field) : "cc");
    return v;
}

static void vmwrite(unsigned long field, uint64_t val)
{
    bool failed;

    __asm__ __volatile__("vmwrite %[val], %[field]"
                         : "=@ccbe"(failed)
                         : [val] "r"(val), [field] "r"(field)
                         : "memory");
    if (failed && vmx_vmwrite_errors++ < 8)
        printk(XENLOG_ERR "VMX: VMWRITE %#lx <- %#lx failed\n", field, (unsigned long)val);
}

#define VMX_MEM_INSN(name)                                                                         \
    static bool name(paddr_t ma)                                                                   \
    {                                                                                              \
        bool failed;                                                                               \
        __asm__ __volatile__(#name " %[ma]" : "=@ccbe"(failed) : [ma] "m"(ma) : "memory");         \
        return !failed;                                                                            \
    }
VMX_MEM_INSN(vmxon)
VMX_MEM_INSN(vmclear)
VMX_MEM_INSN(vmptrld)
#undef VMX_MEM_INSN

static void invvpid(unsigned long type, uint16_t vpid)
{
    struct {
        uint64_t vpid, addr;
    } desc = {vpid, 0};
    bool failed;

    __asm__ __volatile__("invvpid %[desc], %[type]"
                         : "=@ccbe"(failed)
                         : [desc] "m"(desc), [type] "r"(type)
                         : "memory");
    BUG_ON(failed);
}

static void vmx_flush_vpid(uint16_t vpid)
{
    if (vmx_caps.ept_vpid & VMX_VPID_CAP_INVVPID_SINGLE)
        invvpid(VMX_INVVPID_SINGLE, vpid);
    else
        invvpid(VMX_INVVPID_ALL, 0);
}

static void vmx_flush_eptp(uint64_t eptp)
{
    if (vmx_caps.ept_vpid & VMX_EPT_CAP_INVEPT_SINGLE)
        ept_invept_single(eptp);
    else
        ept_invept_all();
}

/* ---- Detection and per-CPU enable ---- */

/* VMXON must be allowed outside SMX; firmware that left the MSR unlocked lets us say so. */
static bool vmx_feature_control_ok(void)
{
    uint64_t fc = rdmsr(MSR_IA32_FEATURE_CONTROL);

    if (!(fc & FEATURE_CONTROL_LOCKED)) {
        fc |= FEATURE_CONTROL_VMXON_OUT_SMX | FEATURE_CONTROL_LOCKED;
        wrmsr(MSR_IA32_FEATURE_CONTROL, fc);
    }
    return fc & FEATURE_CONTROL_VMXON_OUT_SMX;
}

static int vmx_cpu_up(unsigned int cpu)
{
    void *region;
    unsigned long cr0, cr4;

    if (per_cpu(vmxon_ma, cpu))
        return 0;
    /*
     * Guests' x87/SSE state is switched with FXSAVE/FXRSTOR (vcpu_run.c):
     * without CR4.OSFXSR those leave the XMM registers out, and one
     * guest would see another's.
     */
    write_cr4(read_cr4() | X86_CR4_OSFXSR);
    write_cr0(read_cr0() & ~(X86_CR0_TS | X86_CR0_EM));
    hvm_xstate_cpu_up();
    if (!vmx_feature_control_ok()) {
        printk(XENLOG_ERR "VMX: CPU%u: VMXON disabled by IA32_FEATURE_CONTROL\n", cpu);
        return -ENODEV;
    }
    region = alloc_xenheap_pages(0);
    if (!region)
        return -ENOMEM;
    *(uint32_t *)region = (uint32_t)vmx_caps.basic.revision_id;

    /* SDM: "Restrictions on VMX Operation": CR0/CR4 must respect the fixed bits. */
    cr0 = (read_cr0() | vmx_caps.cr0_fixed0) & vmx_caps.cr0_fixed1;
    write_cr0(cr0);
    cr4 = (read_cr4() | X86_CR4_VMXE | vmx_caps.cr4_fixed0) & vmx_caps.cr4_fixed1;
    write_cr4(cr4);

    if (!vmxon(virt_to_maddr(region))) {
        printk(XENLOG_ERR "VMX: CPU%u: VMXON failed\n", cpu);
        write_cr4(cr4 & ~X86_CR4_VMXE);
        free_xenheap_pages(region, 0);
        return -EIO;
    }
    per_cpu(vmxon_ma, cpu) = virt_to_maddr(region);
    per_cpu(current_vmcs, cpu) = 0;
    /* Nothing cached from before (e.g. a previous kernel) may survive. */
    ept_invept_all();
    invvpid(VMX_INVVPID_ALL, 0);
    return 0;
}

static void vmx_cpu_down(void)
{
    unsigned int cpu = smp_processor_id();

    if (!per_cpu(vmxon_ma, cpu))
        return;
    __asm__ __volatile__("vmxoff" ::: "cc", "memory");
    write_cr4(read_cr4() & ~X86_CR4_VMXE);
    free_xenheap_pages(maddr_to_virt(per_cpu(vmxon_ma, cpu)), 0);
    per_cpu(vmxon_ma, cpu) = 0;
    per_cpu(current_vmcs, cpu) = 0;
}

/* ---- VMCS loading, across CPUs ---- */
static void vmx_vmclear_here(void *info)
{
    struct vmx_vcpu *vmx = info;

    vmclear(vmx->vmcs_ma);
    if (this_cpu(current_vmcs) == vmx->vmcs_ma)
        this_cpu(current_vmcs) = 0;
    /* Its MSRs may change elsewhere, or the memory be another vCPU's next. */
    if (this_cpu(msrs_owner) == vmx)
        this_cpu(msrs_owner) = NULL;
    if (this_cpu(dr_owner) == vmx)
        this_cpu(dr_owner) = NULL;
    vmx->launched = false;
    vmx->active_cpu = -1;
}

/*
 * Runs fn(info) on another CPU and waits.  The IPI needs interrupts on;
 * callers such as the run loop have them off, so they are turned on for
 * the wait: an interrupt taken meanwhile raises its softirq as usual, and
 * the guest exits on the next one.
 */
static void vmx_call_on(const cpumask_t *mask, void (*fn)(void *), void *info)
{
    bool irq_off = !local_irq_is_enabled();

    if (irq_off)
        local_irq_enable();
    on_selected_cpus(mask, fn, info, true);
    if (irq_off)
        local_irq_disable();
}

static void vmx_write_host_state(void)
{
    struct desc_ptr gdtr, idtr;
    const struct sys_desc64 *tss;
    uint64_t tr_base;

    __asm__ __volatile__("sgdt %0" : "=m"(gdtr));
    __asm__ __volatile__("sidt %0" : "=m"(idtr));
    tss = (const struct sys_desc64 *)(gdtr.base + TSS_SELECTOR);
    tr_base = tss->lo.base_lo | ((uint64_t)tss->lo.base_mid << 16) |
              ((uint64_t)tss->lo.base_hi << 24) | ((uint64_t)tss->base_upper << 32);

    vmwrite(HOST_CR0, read_cr0());
    vmwrite(HOST_CR3, read_cr3());
    vmwrite(HOST_CR4, read_cr4());
    vmwrite(HOST_CS_SELECTOR, __HYPERVISOR_CS);
    vmwrite(HOST_SS_SELECTOR, __HYPERVISOR_DS);
    vmwrite(HOST_DS_SELECTOR, __HYPERVISOR_DS);
    vmwrite(HOST_ES_SELECTOR, __HYPERVISOR_DS);
    vmwrite(HOST_FS_SELECTOR, 0);
    vmwrite(HOST_GS_SELECTOR, 0);
    vmwrite(HOST_TR_SELECTOR, TSS_SELECTOR);
    vmwrite(HOST_FS_BASE, rdmsr(MSR_FS_BASE));
    vmwrite(HOST_GS_BASE, rdmsr(MSR_GS_BASE));
    vmwrite(HOST_TR_BASE, tr_base);
    vmwrite(HOST_GDTR_BASE, gdtr.base);
    vmwrite(HOST_IDTR_BASE, idtr.base);
    vmwrite(HOST_SYSENTER_CS, rdmsr(MSR_SYSENTER_CS));
    vmwrite(HOST_SYSENTER_ESP, rdmsr(MSR_SYSENTER_ESP));
    vmwrite(HOST_SYSENTER_EIP, rdmsr(MSR_SYSENTER_EIP));
    vmwrite(HOST_IA32_EFER, rdmsr(MSR_EFER));
    vmwrite(HOST_RIP, (unsigned long)vmx_asm_exit);
}

/*
 * Makes v's VMCS current on this CPU.  A VMCS active on another CPU is
 * cleared there first (SDM: "Software Use of the VMCS": VMCLEAR before
 * moving a VMCS), by an IPI (vmx_call_on).
 */
static void vmx_load(struct vcpu *v)
{
    struct vmx_vcpu *vmx = v->hvm.vendor;
    struct domain *d = v->domain;
    struct vmx_domain *vd = d->hvm.vendor;
    unsigned int cpu = smp_processor_id();

    if (vmx->active_cpu == (int)cpu) {
        if (this_cpu(current_vmcs) != vmx->vmcs_ma) {
            BUG_ON(!vmptrld(vmx->vmcs_ma));
            this_cpu(current_vmcs) = vmx->vmcs_ma;
        }
        return;
    }
    if (vmx->active_cpu >= 0) {
        cpumask_t mask;

        cpumask_clear(&mask);
        cpumask_set_cpu((unsigned int)vmx->active_cpu, &mask);
        vmx_call_on(&mask, vmx_vmclear_here, vmx);
    } else {
        vmx_vmclear_here(vmx);
    }
    BUG_ON(!vmptrld(vmx->vmcs_ma));
    this_cpu(current_vmcs) = vmx->vmcs_ma;
    vmx->active_cpu = (int)cpu;
    vmx_write_host_state();

    /* The p2m may be set up after the vCPU: take the EPTP now. */
    if (d->hvm.p2m.ops) {
        uint64_t eptp = ept_eptp(&d->hvm.p2m, vmx_ept_ad);

        vmwrite(EPT_POINTER, eptp);
        if (vd && !cpumask_test_cpu(cpu, &vd->ept_cpus)) {
            cpumask_set_cpu(cpu, &vd->ept_cpus);
            /* A table at the same address may have been another domain's. */
            vmx_flush_eptp(eptp);
        }
        d->hvm.p2m.hw_loaded = true;
    }
    /* Linear translations it made here before may be stale now. */
    vmx_flush_vpid(vmx->vpid);
}

/* ---- EPT flushes ---- */
static void vmx_invept_here(void *info)
{
    vmx_flush_eptp(*(const uint64_t *)info);
}

static void vmx_flush_domain(struct domain *d)
{
    struct vmx_domain *vd = d->hvm.vendor;
    uint64_t eptp = ept_eptp(&d->hvm.p2m, false);
    unsigned int cpu = smp_processor_id();
    cpumask_t others;

    if (!vd) {
        vmx_flush_eptp(eptp);
        return;
    }
    if (cpumask_test_cpu(cpu, &vd->ept_cpus))
        vmx_flush_eptp(eptp);
    others = vd->ept_cpus;
    cpumask_clear_cpu(cpu, &others);
    /* Waits: the p2m frees unlinked tables as soon as this returns. */
    if (!cpumask_empty(&others))
        vmx_call_on(&others, vmx_invept_here, &eptp);
}

static void vmx_ept_flush(struct p2m *p2m)
{
    vmx_flush_domain(container_of(p2m, struct domain, hvm.p2m));
}

static struct p2m_ops vmx_p2m_ops;

/* ---- Domains and vCPUs ---- */
static int vmx_domain_initialise(struct domain *d)
{
    struct vmx_domain *vd = alloc_xenheap_pages(0);

    if (!vd)
        return -ENOMEM;
    cpumask_clear(&vd->ept_cpus);
    d->hvm.vendor = vd;
    return 0;
}

static void vmx_domain_destroy(struct domain *d)
{
    if (d->hvm.vendor)
        free_xenheap_pages(d->hvm.vendor, 0);
    d->hvm.vendor = NULL;
}

static void vmx_msr_passthrough(uint8_t *bitmap, uint32_t msr)
{
    /* Read bitmaps at 0 (low MSRs) and 1024 (0xc0000000..), write bitmaps 2048 later. */
    unsigned int base = msr >= 0xc0000000U ? 1024 : 0;
    unsigned int bit = msr & 0x1fffU;

    bitmap[base + bit / 8] &= (uint8_t) ~(1U << (bit % 8));
    bitmap[2048 + base + bit / 8] &= (uint8_t) ~(1U << (bit % 8));
}

static void vmx_set_seg_raw(enum vmcs_seg s, uint16_t sel, uint64_t base, uint32_t limit,
                            uint32_t ar)
{
    vmwrite(GUEST_SEG_SELECTOR(s), sel);
    vmwrite(GUEST_SEG_BASE(s), base);
    vmwrite(GUEST_SEG_LIMIT(s), limit);
    vmwrite(GUEST_SEG_AR(s), ar);
}

/*
 * CR bits the host decides: the guest reads its own value from the shadow.
 * CD and NW too: with EPT the memory types are the hypervisor's to set,
 * and a guest's caching switched off would only slow it down; Bochs
 * moreover never loads them from the VMCS (it carries them from guest to
 * host to the next guest), so owning them keeps guests from seeing each
 * other's.
 */
#define X86_CR0_NW (1UL << 29)
#define X86_CR0_CD (1UL << 30)
static uint64_t vmx_cr0_host_owned(void)
{
    /* Unrestricted guest: PE and PG are the guest's even though FIXED0 lists them. */
    uint64_t fixed0 = vmx_caps.cr0_fixed0 & ~(X86_CR0_PE | X86_CR0_PG);

    return (fixed0 | ~vmx_caps.cr0_fixed1 | X86_CR0_CD | X86_CR0_NW) & 0xffffffffUL;
}

static uint64_t vmx_cr4_host_owned(void)
{
    return (vmx_caps.cr4_fixed0 | ~vmx_caps.cr4_fixed1 | X86_CR4_VMXE) & 0xffffffffUL;
}

/* Guest state after creation: 32-bit flat protected mode, paging off (PVH-like). */
static void vmx_init_guest_state(void)
{
    unsigned int s;

    /* set_cr/set_efer read each other's field: give both a value first. */
    vmwrite(GUEST_IA32_EFER, 0);
    vmwrite(GUEST_CR0, 0);
    for (s = 0; s < VMCS_SEG_NR; s++)
        vmx_set_seg_raw(s, 0, 0, 0xffffffffU, 0xc093);
    vmx_set_seg_raw(VMCS_SEG_CS, 0, 0, 0xffffffffU, 0xc09b);
    vmx_set_seg_raw(VMCS_SEG_LDTR, 0, 0, 0, VMX_AR_UNUSABLE);
    vmx_set_seg_raw(VMCS_SEG_TR, 0, 0, 0x67, 0x8b); /* busy 32-bit TSS */
    vmwrite(GUEST_GDTR_BASE, 0);
    vmwrite(GUEST_GDTR_LIMIT, 0);
    vmwrite(GUEST_IDTR_BASE, 0);
    vmwrite(GUEST_IDTR_LIMIT, 0);
    vmwrite(CR0_GUEST_HOST_MASK, vmx_cr0_host_owned());
    vmwrite(CR4_GUEST_HOST_MASK, vmx_cr4_host_owned());
    vmwrite(GUEST_DR7, 0x400);
    vmwrite(GUEST_RSP, 0);
    vmwrite(GUEST_RIP, 0);
    vmwrite(GUEST_RFLAGS, 0x2);
    vmwrite(GUEST_PENDING_DBG_EXCEPTIONS, 0);
    vmwrite(GUEST_SYSENTER_CS, 0);
    vmwrite(GUEST_SYSENTER_ESP, 0);
    vmwrite(GUEST_SYSENTER_EIP, 0);
    vmwrite(GUEST_IA32_DEBUGCTL, 0);
    vmwrite(GUEST_INTERRUPTIBILITY_INFO, 0);
    vmwrite(GUEST_ACTIVITY_STATE, 0);
    vmwrite(VMCS_LINK_POINTER, ~0ULL);
}

static int vmx_set_cr(struct vcpu *v, unsigned int cr, uint64_t val);
static int vmx_set_efer(struct vcpu *v, uint64_t efer);

static void vmx_vpid_put(uint16_t vpid)
{
    spin_lock(&vmx_vpids_lock);
    vpid_free(&vmx_vpids, vpid);
    spin_unlock(&vmx_vpids_lock);
}

static int vmx_vcpu_initialise(struct vcpu *v)
{
    struct vmx_vcpu *vmx = alloc_xenheap_pages(0);
    unsigned int i;

    if (!vmx)
        return -ENOMEM;
    memset(vmx, 0, sizeof(*vmx));
    vmx->vmcs = alloc_xenheap_pages(0);
    vmx->msr_bitmap = alloc_xenheap_pages(0);
    spin_lock(&vmx_vpids_lock);
    vmx->vpid = vpid_alloc(&vmx_vpids);
    spin_unlock(&vmx_vpids_lock);
    if (!vmx->vmcs || !vmx->msr_bitmap || vmx->vpid == 0 || hvm_xstate_init(&v->hvm.xstate)) {
        hvm_xstate_free(&v->hvm.xstate);
        vmx_vpid_put(vmx->vpid);
        if (vmx->vmcs)
            free_xenheap_pages(vmx->vmcs, 0);
        if (vmx->msr_bitmap)
            free_xenheap_pages(vmx->msr_bitmap, 0);
        free_xenheap_pages(vmx, 0);
        return -ENOMEM;
    }
    *(uint32_t *)vmx->vmcs = (uint32_t)vmx_caps.basic.revision_id;
    vmx->vmcs_ma = virt_to_maddr(vmx->vmcs);
    vmx->active_cpu = -1;
    vmx->dr_live = false;
    memset(vmx->dr, 0, sizeof(vmx->dr));
    vmx->dr6 = HVM_DR6_INIT;
    memset(vmx->msr_bitmap, 0xff, PAGE_SIZE);
    for (i = 0; i < ARRAY_SIZE(vmx_direct_msrs); i++)
        vmx_msr_passthrough(vmx->msr_bitmap, vmx_direct_msrs[i]);
    for (i = 0; i < VMX_NR_SWAPPED; i++)
        vmx_msr_passthrough(vmx->msr_bitmap, vmx_swapped_msrs[i]);
    v->hvm.vendor = vmx;

    vmx_load(v);
    vmx->cpu_ctls = vmx_caps.cpu;
    vmwrite(PIN_BASED_VM_EXEC_CONTROL, vmx_caps.pin);
    vmwrite(CPU_BASED_VM_EXEC_CONTROL, vmx->cpu_ctls);
    vmwrite(SECONDARY_VM_EXEC_CONTROL, vmx_caps.cpu2);
    vmwrite(VM_EXIT_CONTROLS, vmx_caps.exit);
    vmwrite(VM_ENTRY_CONTROLS, vmx_caps.entry);
    vmwrite(VIRTUAL_PROCESSOR_ID, vmx->vpid);
    vmwrite(MSR_BITMAP, virt_to_maddr(vmx->msr_bitmap));
    vmwrite(EXCEPTION_BITMAP, (1U << VMX_EXC_AC) | hvm_debug_exceptions);
    vmwrite(PAGE_FAULT_ERROR_CODE_MASK, 0);
    vmwrite(PAGE_FAULT_ERROR_CODE_MATCH, 0);
    vmwrite(CR3_TARGET_COUNT, 0);
    vmwrite(VM_EXIT_MSR_STORE_COUNT, 0);
    vmwrite(VM_EXIT_MSR_LOAD_COUNT, 0);
    vmwrite(VM_ENTRY_MSR_LOAD_COUNT, 0);
    vmwrite(VM_ENTRY_INTR_INFO, 0);
    vmwrite(TSC_OFFSET, 0);
    if (vmx_caps.cpu2 & CPU2_ENABLE_XSAVES)
        vmwrite(XSS_EXIT_BITMAP, 0);
    vmx_init_guest_state();
    vmx_set_cr(v, 0, X86_CR0_PE | 0x10 /* ET */);
    vmx_set_cr(v, 3, 0);
    vmx_set_cr(v, 4, 0);
    vmx_set_efer(v, 0);
    return 0;
}

static void vmx_vcpu_destroy(struct vcpu *v)
{
    struct vmx_vcpu *vmx = v->hvm.vendor;

    if (!vmx)
        return;
    if (vmx->active_cpu >= 0) {
        cpumask_t mask;

        cpumask_clear(&mask);
        cpumask_set_cpu((unsigned int)vmx->active_cpu, &mask);
        if (vmx->active_cpu == (int)smp_processor_id())
            vmx_vmclear_here(vmx);
        else
            vmx_call_on(&mask, vmx_vmclear_here, vmx);
    }
    /* Its next owner flushes it on every CPU it is loaded on (vmx_load). */
    vmx_vpid_put(vmx->vpid);
    hvm_xstate_free(&v->hvm.xstate);
    free_xenheap_pages(vmx->vmcs, 0);
    free_xenheap_pages(vmx->msr_bitmap, 0);
    free_xenheap_pages(vmx, 0);
    v->hvm.vendor = NULL;
}

/* ---- Guest state hooks ---- */
static const enum vmcs_seg vmx_seg_map[] = {
    [x86_seg_cs] = VMCS_SEG_CS, [x86_seg_ss] = VMCS_SEG_SS,     [x86_seg_ds] = VMCS_SEG_DS,
    [x86_seg_es] = VMCS_SEG_ES, [x86_seg_fs] = VMCS_SEG_FS,     [x86_seg_gs] = VMCS_SEG_GS,
    [x86_seg_tr] = VMCS_SEG_TR, [x86_seg_ldtr] = VMCS_SEG_LDTR,
};

static void vmx_get_segment(struct vcpu *v, enum x86_segment seg, struct segment_register *reg)
{
    vmx_load(v);
    memset(reg, 0, sizeof(*reg));
    if (seg == x86_seg_gdtr || seg == x86_seg_idtr) {
        reg->base = vmread(seg == x86_seg_gdtr ? GUEST_GDTR_BASE : GUEST_IDTR_BASE);
        reg->limit = (uint32_t)vmread(seg == x86_seg_gdtr ? GUEST_GDTR_LIMIT : GUEST_IDTR_LIMIT);
        return;
    }
    if ((unsigned int)seg >= ARRAY_SIZE(vmx_seg_map))
        return;
    reg->sel = (uint16_t)vmread(GUEST_SEG_SELECTOR(vmx_seg_map[seg]));
    reg->base = vmread(GUEST_SEG_BASE(vmx_seg_map[seg]));
    reg->limit = (uint32_t)vmread(GUEST_SEG_LIMIT(vmx_seg_map[seg]));
    reg->attr = vmx_ar_to_attr((uint32_t)vmread(GUEST_SEG_AR(vmx_seg_map[seg])));
}

/*
 * Access rights that pass the VM-entry checks on guest segments: TR may
 * not be unusable (a null TR becomes a busy 32-bit TSS at 0), and a
 * usable code or data segment must be marked accessed, as loading it
 * would have done.
 */
#define VMX_AR_S (1U << 4)
#define VMX_AR_TYPE_ACCESSED 1U
#define VMX_AR_TSS_BUSY32 0x8bU
static uint32_t vmx_seg_ar_for_entry(enum x86_segment seg, uint16_t attr)
{
    uint32_t ar = vmx_attr_to_ar(attr);

    if (seg == x86_seg_tr && (ar & VMX_AR_UNUSABLE))
        return VMX_AR_TSS_BUSY32;
    /* TR holds a busy TSS: an available one (types 1, 9) is marked busy (3, 11). */
    if (seg == x86_seg_tr && ((ar & 0xf) == 1 || (ar & 0xf) == 9))
        ar |= 2;
    if (!(ar & VMX_AR_UNUSABLE) && (ar & VMX_AR_S))
        ar |= VMX_AR_TYPE_ACCESSED;
    return ar;
}

static void vmx_set_segment(struct vcpu *v, enum x86_segment seg,
                            const struct segment_register *reg)
{
    vmx_load(v);
    if (seg == x86_seg_gdtr || seg == x86_seg_idtr) {
        vmwrite(seg == x86_seg_gdtr ? GUEST_GDTR_BASE : GUEST_IDTR_BASE, reg->base);
        vmwrite(seg == x86_seg_gdtr ? GUEST_GDTR_LIMIT : GUEST_IDTR_LIMIT, reg->limit);
        return;
    }
    if ((unsigned int)seg >= ARRAY_SIZE(vmx_seg_map))
        return;
    vmx_set_seg_raw(vmx_seg_map[seg], reg->sel, reg->base, reg->limit,
                    vmx_seg_ar_for_entry(seg, reg->attr));
}

static unsigned int vmx_get_cpl(struct vcpu *v)
{
    vmx_load(v);
    return (vmread(GUEST_SEG_AR(VMCS_SEG_SS)) >> 5) & 3;
}

#define VMX_GETSET(name, field)                                                                    \
    static uint64_t vmx_get_##name(struct vcpu *v)                                                 \
    {                                                                                              \
        vmx_load(v);                                                                               \
        return vmread(field);                                                                      \
    }                                                                                              \
    static void vmx_set_##name(struct vcpu *v, uint64_t val)                                       \
    {                                                                                              \
        vmx_load(v);                                                                               \
        vmwrite(field, val);                                                                       \
    }
VMX_GETSET(rsp, GUEST_RSP)
VMX_GETSET(rflags, GUEST_RFLAGS)
#undef VMX_GETSET

static uint64_t vmx_get_rip(struct vcpu *v)
{
    vmx_load(v);
    return vmread(GUEST_RIP);
}

/*
 * Moving RIP past an instruction (an emulated HLT after STI, say) ends the
 * STI / MOV SS interrupt shadow that covered it, as on SVM; a stale shadow
 * would keep a pending interrupt from being injected after `sti; hlt`.
 */
static void vmx_set_rip(struct vcpu *v, uint64_t rip)
{
    vmx_load(v);
    vmwrite(GUEST_RIP, rip);
    vmwrite(GUEST_INTERRUPTIBILITY_INFO, vmread(GUEST_INTERRUPTIBILITY_INFO) &
                                         ~(uint64_t)(VMX_INTR_SHADOW_STI | VMX_INTR_SHADOW_MOV_SS));
}

/* EFER.LMA and the "IA-32e mode guest" control follow LME and CR0.PG (SDM: VM-entry checks). */
static void vmx_update_lma(void)
{
    uint64_t efer = vmread(GUEST_IA32_EFER);
    uint32_t entry = (uint32_t)vmread(VM_ENTRY_CONTROLS);
    bool lma = (efer & EFER_LME) && (vmread(GUEST_CR0) & X86_CR0_PG);

    efer = lma ? efer | EFER_LMA : efer & ~EFER_LMA;
    entry = lma ? entry | ENTRY_IA32E_MODE : entry & ~ENTRY_IA32E_MODE;
    vmwrite(GUEST_IA32_EFER, efer);
    vmwrite(VM_ENTRY_CONTROLS, entry);
}

static uint64_t vmx_get_efer(struct vcpu *v)
{
    vmx_load(v);
    return vmread(GUEST_IA32_EFER);
}

static int vmx_set_efer(struct vcpu *v, uint64_t efer)
{
    vmx_load(v);
    vmwrite(GUEST_IA32_EFER, efer);
    vmx_update_lma();
    return 0;
}

static uint64_t vmx_get_cr(struct vcpu *v, unsigned int cr)
{
    struct vmx_vcpu *vmx = v->hvm.vendor;
    uint64_t mask;

    vmx_load(v);
    switch (cr) {
    case 0:
        mask = vmx_cr0_host_owned();
        return (vmread(GUEST_CR0) & ~mask) | (vmread(CR0_READ_SHADOW) & mask);
    case 2:
        return vmx->cr2;
    case 3:
        return vmread(GUEST_CR3);
    case 4:
        mask = vmx_cr4_host_owned();
        return (vmread(GUEST_CR4) & ~mask) | (vmread(CR4_READ_SHADOW) & mask);
    default:
        return 0;
    }
}

/*
 * PAE paging without long mode: VM entry takes the four PDPTEs from the
 * VMCS (the CPU stores them there at each exit), so after a CR write the
 * hypervisor carried out (an exit) they are loaded from the PDPT at CR3
 * as the guest's own MOV would have, and checked the same way.
 * -EINVAL: a present entry has reserved bits set, or the PDPT is not RAM.
 */
static int vmx_load_pdptes(struct vcpu *v, uint64_t cr0, uint64_t cr3, uint64_t cr4)
{
    uint64_t pdpte[4];
    unsigned int i;

    if (!(cr0 & X86_CR0_PG) || !(cr4 & X86_CR4_PAE) || (vmread(GUEST_IA32_EFER) & EFER_LME))
        return 0;
    if (domain_read_gpa(v->domain, cr3 & 0xffffffe0UL, pdpte, sizeof(pdpte)) ||
        !vmx_pdptes_valid(pdpte, vmx_maxphyaddr))
        return -EINVAL;
    for (i = 0; i < 4; i++)
        vmwrite(GUEST_PDPTE0 + 2 * i, pdpte[i]);
    return 0;
}

/* -EINVAL: the value is not allowed (the caller gives the guest #GP). */
static int vmx_set_cr(struct vcpu *v, unsigned int cr, uint64_t val)
{
    uint64_t hw;

    struct vmx_vcpu *vmx = v->hvm.vendor;

    vmx_load(v);
    switch (cr) {
    case 0:
        /* Not-write-through without cache-disable, paging without protection: #GP. */
        if ((val >> 32) || (val & (X86_CR0_CD | X86_CR0_NW)) == X86_CR0_NW ||
            (val & (X86_CR0_PG | X86_CR0_PE)) == X86_CR0_PG)
            return -EINVAL;
        hw = ((val & ~(X86_CR0_CD | X86_CR0_NW)) |
              (vmx_caps.cr0_fixed0 & ~(X86_CR0_PE | X86_CR0_PG))) &
             vmx_caps.cr0_fixed1;
        if (vmx_load_pdptes(v, hw, vmread(GUEST_CR3), vmread(GUEST_CR4)))
            return -EINVAL;
        vmwrite(CR0_READ_SHADOW, val);
        vmwrite(GUEST_CR0, hw);
        vmx_update_lma();
        return 0;
    case 2:
        vmx->cr2 = val;
        return 0;
    case 3:
        if (vmx_load_pdptes(v, vmread(GUEST_CR0), val, vmread(GUEST_CR4)))
            return -EINVAL;
        vmwrite(GUEST_CR3, val);
        return 0;
    case 4:
        if (val & ~vmx_caps.cr4_fixed1 & ~X86_CR4_VMXE)
            return -EINVAL;
        if (val & X86_CR4_VMXE) /* no nested VMX */
            return -EINVAL;
        hw = (val | vmx_caps.cr4_fixed0) & vmx_caps.cr4_fixed1;
        if (vmx_load_pdptes(v, vmread(GUEST_CR0), vmread(GUEST_CR3), hw))
            return -EINVAL;
        vmwrite(CR4_READ_SHADOW, val);
        vmwrite(GUEST_CR4, hw);
        return 0;
    default:
        return -EINVAL;
    }
}

/* ---- Events ---- */
static void vmx_inject_event(struct vcpu *v, const struct hvm_event *ev)
{
    struct vmx_vcpu *vmx = v->hvm.vendor;
    vmx_intr_info_t ii = {.raw = 0};

    vmx_load(v);
    ii.vector = ev->vector;
    ii.type = ev->type; /* HVM_EVENT_* use the VMX type numbers */
    /* Real mode delivers no error code (SDM: VM-entry checks on event injection). */
    ii.has_error = ev->has_error && (vmread(GUEST_CR0) & X86_CR0_PE);
    ii.valid = 1;
    if (ii.has_error)
        vmwrite(VM_ENTRY_EXCEPTION_ERROR_CODE, ev->error);
    if (ev->type == HVM_EVENT_SW_INT)
        vmwrite(VM_ENTRY_INSTRUCTION_LEN, vmx->last_insn_len);
    if (ev->type == HVM_EVENT_HW_EXC && ev->vector == 14)
        vmx->cr2 = ev->cr2;
    vmwrite(VM_ENTRY_INTR_INFO, ii.raw);
}

/*
 * An event already waiting in the entry field (one the last exit
 * interrupted, re-queued) goes first: until it is delivered the guest
 * cannot take another, so the caller asks for the interrupt window.
 */
static bool vmx_interrupts_enabled(struct vcpu *v)
{
    vmx_intr_info_t queued;

    vmx_load(v);
    queued.raw = (uint32_t)vmread(VM_ENTRY_INTR_INFO);
    return !queued.valid && (vmread(GUEST_RFLAGS) & X86_EFLAGS_IF) &&
           !(vmread(GUEST_INTERRUPTIBILITY_INFO) & (VMX_INTR_SHADOW_STI | VMX_INTR_SHADOW_MOV_SS));
}

static void vmx_set_intr_window(struct vcpu *v, bool on)
{
    struct vmx_vcpu *vmx = v->hvm.vendor;

    vmx->cpu_ctls =
        on ? vmx->cpu_ctls | CPU_INTR_WINDOW_EXITING : vmx->cpu_ctls & ~CPU_INTR_WINDOW_EXITING;
    vmwrite(CPU_BASED_VM_EXEC_CONTROL, vmx->cpu_ctls);
}

static void vmx_enable_intr_window(struct vcpu *v)
{
    vmx_load(v);
    vmx_set_intr_window(v, true);
}

/* In the guest's NMI handler (until its IRET), an STI / MOV SS shadow, or an event queued. */
static bool vmx_nmi_blocked(struct vcpu *v)
{
    vmx_intr_info_t queued;

    vmx_load(v);
    queued.raw = (uint32_t)vmread(VM_ENTRY_INTR_INFO);
    return queued.valid || (vmread(GUEST_INTERRUPTIBILITY_INFO) &
                            (VMX_INTR_SHADOW_STI | VMX_INTR_SHADOW_MOV_SS | VMX_INTR_BLOCK_NMI));
}

static void vmx_set_nmi_window(struct vcpu *v, bool on)
{
    struct vmx_vcpu *vmx = v->hvm.vendor;

    vmx->cpu_ctls =
        on ? vmx->cpu_ctls | CPU_NMI_WINDOW_EXITING : vmx->cpu_ctls & ~CPU_NMI_WINDOW_EXITING;
    vmwrite(CPU_BASED_VM_EXEC_CONTROL, vmx->cpu_ctls);
}

static void vmx_enable_nmi_window(struct vcpu *v)
{
    vmx_load(v);
    if (vmx_nmi_window)
        vmx_set_nmi_window(v, true);
    else
        vmx_set_intr_window(v, true);
}

/* INIT: nothing queued, no windows, no shadow or NMI blocking. */
static void vmx_reset_events(struct vcpu *v)
{
    vmx_load(v);
    vmwrite(VM_ENTRY_INTR_INFO, 0);
    vmwrite(GUEST_INTERRUPTIBILITY_INFO, 0);
    vmx_set_intr_window(v, false);
    if (vmx_nmi_window)
        vmx_set_nmi_window(v, false);
}

/*
 * An exit in the middle of an IRET (a fault, an EPT violation) that had
 * already lifted virtual-NMI blocking: the IRET runs again, so the
 * blocking must be back for it (SDM: "NMI unblocking due to IRET").
 */
static void vmx_restore_nmi_blocking(const struct vmx_exit_info *info)
{
    unsigned int basic = VMX_EXIT_REASON_BASIC(info->reason);
    vmx_intr_info_t idt = {.raw = (uint32_t)vmread(IDT_VECTORING_INFO)};
    vmx_intr_info_t ii = {.raw = info->intr_info};
    bool unblocked = false;

    if (!vmx_virtual_nmis || idt.valid)
        return;
    if (basic == EXIT_REASON_EXCEPTION_NMI)
        unblocked = ii.valid && ii.nmi_unblock && ii.type != VMX_INTR_TYPE_NMI;
    else if (basic == EXIT_REASON_EPT_VIOLATION)
        unblocked = info->qual & (1ULL << 12);
    if (unblocked)
        vmwrite(GUEST_INTERRUPTIBILITY_INFO,
                vmread(GUEST_INTERRUPTIBILITY_INFO) | VMX_INTR_BLOCK_NMI);
}

/* ---- Entry and exit ---- */
static void vmx_report_entry_failure(struct vcpu *v, int rc)
{
    if (rc == 2)
        printk(XENLOG_ERR "VMX: d%u v%u: VM entry failed, VM-instruction error %lu\n",
               v->domain->domain_id, v->vcpu_id, (unsigned long)vmread(VM_INSTRUCTION_ERROR));
    else
        printk(XENLOG_ERR "VMX: d%u v%u: VM entry failed: no current VMCS\n", v->domain->domain_id,
               v->vcpu_id);
}

/* An event the exit interrupted is delivered again at the next entry. */
static void vmx_requeue_idt_vectoring(void)
{
    vmx_intr_info_t ii = {.raw = (uint32_t)vmread(IDT_VECTORING_INFO)};

    if (!ii.valid)
        return;
    if (ii.has_error)
        vmwrite(VM_ENTRY_EXCEPTION_ERROR_CODE, vmread(IDT_VECTORING_ERROR_CODE));
    if (ii.type == VMX_INTR_TYPE_SW_INT || ii.type == VMX_INTR_TYPE_SW_EXC ||
        ii.type == VMX_INTR_TYPE_PRIV_SW_EXC)
        vmwrite(VM_ENTRY_INSTRUCTION_LEN, vmread(VM_EXIT_INSTRUCTION_LEN));
    ii.nmi_unblock = 0;
    ii.rsvd13 = 0;
    vmwrite(VM_ENTRY_INTR_INFO, ii.raw);
}

/*
 * #AC is intercepted only so that a guest cannot keep the CPU delivering
 * it forever without an exit (a known hang of the event-delivery
 * microcode): each delivery now exits, and it is given straight back.
 */
static void vmx_reflect_ac(struct hvm_exit *exit)
{
    vmx_intr_info_t ii = {.raw = 0};

    ii.vector = VMX_EXC_AC;
    ii.type = VMX_INTR_TYPE_HW_EXC;
    ii.has_error = 1;
    ii.valid = 1;
    vmwrite(VM_ENTRY_EXCEPTION_ERROR_CODE, exit->u.exc.error);
    vmwrite(VM_ENTRY_INTR_INFO, ii.raw);
    exit->reason = HVM_EXIT_NONE;
}

/*
 * The guest's first MOV to or from a DR: hand it the debug registers
 * (loaded at the next entry) and stop intercepting; the instruction runs
 * again, natively.  DR7 reaches the CPU only through the VMCS, so
 * breakpoints it arms never fire in the hypervisor.
 */
static void vmx_dr_first_use(struct vmx_vcpu *vmx, struct hvm_exit *exit)
{
    vmx->dr_live = true;
    vmx->cpu_ctls &= ~CPU_MOV_DR_EXITING;
    vmwrite(CPU_BASED_VM_EXEC_CONTROL, vmx->cpu_ctls);
    exit->reason = HVM_EXIT_NONE;
}

static void vmx_vcpu_enter(struct vcpu *v, struct hvm_exit *exit)
{
    struct vmx_vcpu *vmx = v->hvm.vendor;
    struct vmx_exit_info info;
    unsigned long flags;
    unsigned int i;
    int rc;

    for (;;) {
        vmx_load(v);
        __asm__ __volatile__("pushf; pop %0; cli" : "=r"(flags) : : "memory");
        /* An IPI taken inside vmx_load() may have cleared the current VMCS. */
        if (this_cpu(current_vmcs) == vmx->vmcs_ma && vmx->active_cpu == (int)smp_processor_id())
            break;
        if (flags & X86_EFLAGS_IF)
            local_irq_enable();
    }
    if (this_cpu(msrs_owner) != vmx) {
        for (i = 0; i < VMX_NR_SWAPPED; i++)
            wrmsr(vmx_swapped_msrs[i], vmx->msrs[i]);
        this_cpu(msrs_owner) = vmx;
    }
    write_cr2(vmx->cr2);
    if (vmx->dr_live && this_cpu(dr_owner) != vmx) {
        hvm_load_debug_regs(vmx->dr, &vmx->dr6);
        this_cpu(dr_owner) = vmx;
    }

    hvm_xstate_enter(&v->hvm.xstate);
    rc = vmx_asm_enter(&v->hvm.gprs, vmx->launched);
    hvm_xstate_exit(&v->hvm.xstate);

    if (rc) {
        if (flags & X86_EFLAGS_IF)
            local_irq_enable();
        vmx_report_entry_failure(v, rc);
        memset(exit, 0, sizeof(*exit));
        exit->reason = HVM_EXIT_INVALID_STATE;
        exit->raw_reason = ~0ULL;
        return;
    }
    vmx->launched = true;
    vmx->cr2 = read_cr2();
    for (i = 0; i < VMX_NR_SWAPPED; i++)
        vmx->msrs[i] = rdmsr(vmx_swapped_msrs[i]);
    if (vmx->dr_live)
        hvm_save_debug_regs(vmx->dr, &vmx->dr6);

    info.reason = (uint32_t)vmread(VM_EXIT_REASON);
    info.qual = vmread(EXIT_QUALIFICATION);
    info.intr_info = (uint32_t)vmread(VM_EXIT_INTR_INFO);
    info.intr_error = (uint32_t)vmread(VM_EXIT_INTR_ERROR_CODE);
    info.insn_len = (uint32_t)vmread(VM_EXIT_INSTRUCTION_LEN);
    info.gpa = vmread(GUEST_PHYSICAL_ADDRESS);
    info.gla = vmread(GUEST_LINEAR_ADDRESS);
    info.ecx = (uint32_t)v->hvm.gprs.rcx;
    vmx_decode_exit(&info, exit);
    vmx->last_insn_len = exit->insn_len;

    if (!(info.reason & VMX_EXIT_REASON_FAILED_ENTRY)) {
        vmx_restore_nmi_blocking(&info);
        vmx_requeue_idt_vectoring();
    }
    if (exit->reason == HVM_EXIT_EXCEPTION && exit->u.exc.vector == VMX_EXC_AC)
        vmx_reflect_ac(exit);
    if (VMX_EXIT_REASON_BASIC(info.reason) == EXIT_REASON_INTR_WINDOW)
        vmx_set_intr_window(v, false);
    if (VMX_EXIT_REASON_BASIC(info.reason) == EXIT_REASON_NMI_WINDOW)
        vmx_set_nmi_window(v, false);
    if (exit->reason == HVM_EXIT_DR_ACCESS)
        vmx_dr_first_use(vmx, exit);
    /* The host's NMI: through its own handler, as if it had come now. */
    if (exit->reason == HVM_EXIT_NMI)
        __asm__ __volatile__("int $2" ::: "memory");
    /*
     * Interrupts are not acknowledged on exit: with IF back on, the one
     * that made the guest exit is taken through the host IDT right here.
     */
    if (flags & X86_EFLAGS_IF)
        local_irq_enable();
}

static void vmx_write_hypercall_insn(uint8_t *insn)
{
    insn[0] = 0x0f; /* VMCALL */
    insn[1] = 0x01;
    insn[2] = 0xc1;
}

static void vmx_dump_vcpu(struct vcpu *v)
{
    struct vmx_vcpu *vmx = v->hvm.vendor;

    vmx_load(v);
    printk("VMX d%u v%u: vpid %u, active on CPU%d, %slaunched\n", v->domain->domain_id, v->vcpu_id,
           vmx->vpid, vmx->active_cpu, vmx->launched ? "" : "not ");
    printk("  RIP %#lx RSP %#lx RFLAGS %#lx CPL %u\n", (unsigned long)vmread(GUEST_RIP),
           (unsigned long)vmread(GUEST_RSP), (unsigned long)vmread(GUEST_RFLAGS), vmx_get_cpl(v));
    printk("  CR0 %#lx (shadow %#lx) CR3 %#lx CR4 %#lx (shadow %#lx) CR2 %#lx EFER %#lx\n",
           (unsigned long)vmread(GUEST_CR0), (unsigned long)vmread(CR0_READ_SHADOW),
           (unsigned long)vmread(GUEST_CR3), (unsigned long)vmread(GUEST_CR4),
           (unsigned long)vmread(CR4_READ_SHADOW), (unsigned long)vmx->cr2,
           (unsigned long)vmread(GUEST_IA32_EFER));
    printk(
        "  CS %04lx/%#lx/%#lx SS %04lx/%#lx DS %04lx TR %04lx/%#lx\n",
        (unsigned long)vmread(GUEST_CS_SELECTOR), (unsigned long)vmread(GUEST_SEG_AR(VMCS_SEG_CS)),
        (unsigned long)vmread(GUEST_SEG_BASE(VMCS_SEG_CS)),
        (unsigned long)vmread(GUEST_SS_SELECTOR), (unsigned long)vmread(GUEST_SEG_AR(VMCS_SEG_SS)),
        (unsigned long)vmread(GUEST_DS_SELECTOR), (unsigned long)vmread(GUEST_TR_SELECTOR),
        (unsigned long)vmread(GUEST_SEG_AR(VMCS_SEG_TR)));
    printk("  controls pin %#lx cpu %#lx cpu2 %#lx exit %#lx entry %#lx\n",
           (unsigned long)vmread(PIN_BASED_VM_EXEC_CONTROL),
           (unsigned long)vmread(CPU_BASED_VM_EXEC_CONTROL),
           (unsigned long)vmread(SECONDARY_VM_EXEC_CONTROL),
           (unsigned long)vmread(VM_EXIT_CONTROLS), (unsigned long)vmread(VM_ENTRY_CONTROLS));
    printk("  last exit %#lx qual %#lx intr-info %#lx idt-vec %#lx interruptibility %#lx\n",
           (unsigned long)vmread(VM_EXIT_REASON), (unsigned long)vmread(EXIT_QUALIFICATION),
           (unsigned long)vmread(VM_EXIT_INTR_INFO), (unsigned long)vmread(IDT_VECTORING_INFO),
           (unsigned long)vmread(GUEST_INTERRUPTIBILITY_INFO));
}

static struct hvm_function_table vmx_function_table = {
    .name = "VMX",
    .cpu_up = vmx_cpu_up,
    .cpu_down = vmx_cpu_down,
    .domain_initialise = vmx_domain_initialise,
    .domain_destroy = vmx_domain_destroy,
    .vcpu_initialise = vmx_vcpu_initialise,
    .vcpu_destroy = vmx_vcpu_destroy,
    .vcpu_enter = vmx_vcpu_enter,
    .get_rip = vmx_get_rip,
    .set_rip = vmx_set_rip,
    .get_rflags = vmx_get_rflags,
    .set_rflags = vmx_set_rflags,
    .get_rsp = vmx_get_rsp,
    .set_rsp = vmx_set_rsp,
    .get_cr = vmx_get_cr,
    .set_cr = vmx_set_cr,
    .get_efer = vmx_get_efer,
    .set_efer = vmx_set_efer,
    .get_segment = vmx_get_segment,
    .set_segment = vmx_set_segment,
    .get_cpl = vmx_get_cpl,
    .inject_event = vmx_inject_event,
    .interrupts_enabled = vmx_interrupts_enabled,
    .enable_intr_window = vmx_enable_intr_window,
    .nmi_blocked = vmx_nmi_blocked,
    .enable_nmi_window = vmx_enable_nmi_window,
    .reset_events = vmx_reset_events,
    .p2m_ops = &vmx_p2m_ops,
    .flush_guest_tlbs = vmx_flush_domain,
    .write_hypercall_insn = vmx_write_hypercall_insn,
    .dump_vcpu = vmx_dump_vcpu,
    .has_next_rip = true,
};

/* ---- Detection ---- */
static bool vmx_pick_ctls(const char *what, uint32_t msr, uint32_t true_msr, uint32_t want,
                          uint32_t optional, uint32_t *out)
{
    uint64_t cap = rdmsr(vmx_caps.basic.true_ctls && true_msr ? true_msr : msr);

    if (vmx_adjust_ctls(cap, want, optional, out))
        return true;
    printk(XENLOG_WARNING "VMX: not used: %s controls lack %#x\n", what,
           want & ~(uint32_t)(cap >> 32));
    return false;
}

static const struct hvm_function_table *vmx_probe(void);

bool vmx_ept_ad_in_use(void)
{
    return vmx_ept_ad;
}

/* Probes once; later calls (the VMX self-test after hvm_init) get the same answer. */
const struct hvm_function_table *start_vmx(void)
{
    static bool probed;
    static const struct hvm_function_table *result;

    if (!probed) {
        result = vmx_probe();
        probed = true;
    }
    return result;
}

static const struct hvm_function_table *vmx_probe(void)
{
    struct cpuid_regs r;
    uint64_t cap2;

    cpuid(1, &r);
    if (!(r.c & CPUID1_ECX_VMX))
        return NULL;
    if (!vmx_feature_control_ok()) {
        printk(XENLOG_WARNING "VMX: not used: disabled by firmware (IA32_FEATURE_CONTROL)\n");
        return NULL;
    }
    vmx_caps.basic.raw = rdmsr(MSR_IA32_VMX_BASIC);
    if (vmx_caps.basic.region_size > PAGE_SIZE || vmx_caps.basic.memtype != P2M_MT_WB) {
        printk(XENLOG_WARNING "VMX: not used: VMCS of %u bytes, memory type %u\n",
               (unsigned int)vmx_caps.basic.region_size, (unsigned int)vmx_caps.basic.memtype);
        return NULL;
    }
    if (!vmx_pick_ctls("pin-based", MSR_IA32_VMX_PINBASED_CTLS, MSR_IA32_VMX_TRUE_PINBASED_CTLS,
                       PIN_EXT_INTR_EXITING | PIN_NMI_EXITING, PIN_VIRTUAL_NMIS, &vmx_caps.pin) ||
        !vmx_pick_ctls("processor-based", MSR_IA32_VMX_PROCBASED_CTLS,
                       MSR_IA32_VMX_TRUE_PROCBASED_CTLS,
                       CPU_HLT_EXITING | CPU_UNCOND_IO_EXITING | CPU_USE_MSR_BITMAPS |
                           CPU_MWAIT_EXITING | CPU_MONITOR_EXITING | CPU_ACTIVATE_SECONDARY |
                           /* without a TPR shadow, MOV CR8 would reach the host's TPR */
                           CPU_CR8_LOAD_EXITING | CPU_CR8_STORE_EXITING |
                           /* debug registers handed over lazily (vmx_dr_first_use) */
                           CPU_MOV_DR_EXITING,
                       0, &vmx_caps.cpu) ||
        !vmx_pick_ctls("VM-exit", MSR_IA32_VMX_EXIT_CTLS, MSR_IA32_VMX_TRUE_EXIT_CTLS,
                       /* DR7 must be switched by entry and exit (guest breakpoints) */
                       EXIT_HOST_ADDR_SPACE_SIZE | EXIT_SAVE_IA32_EFER | EXIT_LOAD_IA32_EFER |
                           EXIT_SAVE_DEBUG_CTLS,
                       0,
                       &vmx_caps.exit) ||
        !vmx_pick_ctls("VM-entry", MSR_IA32_VMX_ENTRY_CTLS, MSR_IA32_VMX_TRUE_ENTRY_CTLS,
                       ENTRY_LOAD_IA32_EFER | ENTRY_LOAD_DEBUG_CTLS, 0, &vmx_caps.entry))
        return NULL;
    /* Things the adjustment may have forced on that we must not have. */
    vmx_caps.cpu &= ~(CPU_CR3_LOAD_EXITING | CPU_CR3_STORE_EXITING | CPU_INVLPG_EXITING);
    vmx_caps.entry &= ~ENTRY_IA32E_MODE;
    vmx_caps.exit &= ~EXIT_ACK_INTR_ON_EXIT;
    {
        uint32_t must1 = (uint32_t)rdmsr(vmx_caps.basic.true_ctls ? MSR_IA32_VMX_TRUE_PROCBASED_CTLS
                                                                  : MSR_IA32_VMX_PROCBASED_CTLS);

        if (must1 & (CPU_CR3_LOAD_EXITING | CPU_CR3_STORE_EXITING | CPU_INVLPG_EXITING)) {
            printk(XENLOG_WARNING "VMX: not used: CR3/INVLPG exiting cannot be turned off\n");
            return NULL;
        }
    }
    cap2 = rdmsr(MSR_IA32_VMX_PROCBASED_CTLS2);
    if (!vmx_adjust_ctls(cap2, CPU2_ENABLE_EPT | CPU2_ENABLE_VPID | CPU2_UNRESTRICTED_GUEST,
                         CPU2_ENABLE_RDTSCP | CPU2_ENABLE_INVPCID | CPU2_ENABLE_XSAVES,
                         &vmx_caps.cpu2)) {
        uint32_t may1 = (uint32_t)(cap2 >> 32);

        printk(XENLOG_WARNING
               "VMX: not used: needs EPT (%s), VPID (%s) and unrestricted guest (%s)\n",
               may1 & CPU2_ENABLE_EPT ? "yes" : "no", may1 & CPU2_ENABLE_VPID ? "yes" : "no",
               may1 & CPU2_UNRESTRICTED_GUEST ? "yes" : "no");
        return NULL;
    }
    /* NMI-window exiting is allowed only with virtual NMIs (SDM: VM-entry checks). */
    vmx_virtual_nmis = vmx_caps.pin & PIN_VIRTUAL_NMIS;
    vmx_nmi_window = vmx_virtual_nmis &&
                     (rdmsr(vmx_caps.basic.true_ctls ? MSR_IA32_VMX_TRUE_PROCBASED_CTLS
                                                     : MSR_IA32_VMX_PROCBASED_CTLS) >> 32) &
                         CPU_NMI_WINDOW_EXITING;
    vmx_function_table.has_rdtscp = vmx_caps.cpu2 & CPU2_ENABLE_RDTSCP;
    vmx_caps.ept_vpid = rdmsr(MSR_IA32_VMX_EPT_VPID_CAP);
    if (!(vmx_caps.ept_vpid & VMX_EPT_CAP_WALK_4) || !(vmx_caps.ept_vpid & VMX_EPT_CAP_MT_WB) ||
        !(vmx_caps.ept_vpid & VMX_EPT_CAP_INVEPT) || !(vmx_caps.ept_vpid & VMX_VPID_CAP_INVVPID) ||
        !(vmx_caps.ept_vpid & (VMX_EPT_CAP_INVEPT_SINGLE | VMX_EPT_CAP_INVEPT_ALL)) ||
        !(vmx_caps.ept_vpid & VMX_VPID_CAP_INVVPID_ALL)) {
        printk(XENLOG_WARNING "VMX: not used: EPT/VPID capabilities %#lx lack 4-level WB "
                              "walks, INVEPT or INVVPID\n",
               (unsigned long)vmx_caps.ept_vpid);
        return NULL;
    }
    vpid_pool_init(&vmx_vpids, VPID_MAX);
    cpuid(0x80000000U, &r);
    if (r.a >= 0x80000008U) {
        cpuid(0x80000008U, &r);
        vmx_maxphyaddr = r.a & 0xff;
    }
    vmx_caps.cr0_fixed0 = rdmsr(MSR_IA32_VMX_CR0_FIXED0);
    vmx_caps.cr0_fixed1 = rdmsr(MSR_IA32_VMX_CR0_FIXED1);
    vmx_caps.cr4_fixed0 = rdmsr(MSR_IA32_VMX_CR4_FIXED0);
    vmx_caps.cr4_fixed1 = rdmsr(MSR_IA32_VMX_CR4_FIXED1);

    vmx_p2m_ops = ept_p2m_ops;
    vmx_p2m_ops.flush = vmx_ept_flush;
    vmx_function_table.has_1g_nested_pages = vmx_caps.ept_vpid & VMX_EPT_CAP_1G;
    vmx_ept_ad = vmx_caps.ept_vpid & VMX_EPT_CAP_AD;

    printk("VMX enabled: VMCS revision %#x, %s controls\n",
           (unsigned int)vmx_caps.basic.revision_id, vmx_caps.basic.true_ctls ? "true" : "default");
    printk("VMX: Extended Page Tables (EPT), page sizes 4kB%s%s, A/D bits %s\n",
           vmx_caps.ept_vpid & VMX_EPT_CAP_2M ? ", 2MB" : "",
           vmx_caps.ept_vpid & VMX_EPT_CAP_1G ? ", 1GB" : "",
           vmx_ept_ad ? "in use" : "absent");
    printk("VMX: virtual NMIs %s, NMI-window exiting %s\n", vmx_virtual_nmis ? "yes" : "no",
           vmx_nmi_window ? "yes" : "no");
    printk("VMX: VPID, unrestricted guest%s%s%s\n",
           vmx_caps.cpu2 & CPU2_ENABLE_RDTSCP ? ", RDTSCP" : "",
           vmx_caps.cpu2 & CPU2_ENABLE_INVPCID ? ", INVPCID" : "",
           vmx_caps.cpu2 & CPU2_ENABLE_XSAVES ? ", XSAVES" : "");
    printk("VMX: INVEPT %s%s, INVVPID %s%s%s\n",
           vmx_caps.ept_vpid & VMX_EPT_CAP_INVEPT_SINGLE ? "single-context " : "",
           vmx_caps.ept_vpid & VMX_EPT_CAP_INVEPT_ALL ? "all-context" : "",
           vmx_caps.ept_vpid & VMX_VPID_CAP_INVVPID_ADDR ? "address " : "",
           vmx_caps.ept_vpid & VMX_VPID_CAP_INVVPID_SINGLE ? "single-context " : "",
           vmx_caps.ept_vpid & VMX_VPID_CAP_INVVPID_ALL ? "all-context" : "");
    return &vmx_function_table;
}
