/*
 * Boot self-test `selftest=vmx`: the VMX engine on its own, without the
 * domain code.  A throwaway guest (a page of code at guest-physical 0, a
 * 2 MiB EPT leaf at 2 MiB, and a read-only 1 GiB leaf at 1 GiB onto host
 * memory) runs in 32-bit protected mode with paging off (unrestricted
 * guest) on this CPU; its exits must come in order: MOV to CR0 setting
 * NE (handled by the common exit handler), OUT 'V' to port 0xE9,
 * CPUID, OUT of a byte read through the 1 GiB leaf, an EPT violation
 * writing it, HLT, then an injected interrupt's handler, and a refused
 * entry with bad guest state.  Prints "selftest vmx: PASS" or
 * "selftest vmx: FAIL: why"; "SKIP" where VMX can't be used.
 */
#include <asm/hvm/vmx/vmx.h>
#include <asm/hvm/vmx/ept.h>
#include <asm/hvm/support.h>
#include <asm/page.h>
#include <asm/processor.h>
#include <asm/smpboot.h>
#include <xen/lib.h>
#include <xen/cpumask.h>
#include <xen/mm.h>
#include <xen/p2m.h>
#include <xen/sched.h>
#include <xen/smp.h>

#define VMX_ST_DATA_GPA 0x200000UL /* the 2 MiB leaf */
#define VMX_ST_DATA_OFF 0x100UL
#define VMX_ST_PATTERN 0x5aa5c33cU
#define VMX_ST_ALIAS_BASE 0x40000000UL /* 1 GiB read-only leaf onto host memory 0..1 GiB */
#define VMX_ST_MAX_ENTRIES 1000        /* host interrupts exit too */
#define VMX_ST_VECTOR 0x30
/* Where things lie in the code page (guest-physical = offset). */
#define VMX_ST_HANDLER 0x200
#define VMX_ST_IDTR 0x7f0
#define VMX_ST_GDTR 0x7f8
#define VMX_ST_IDT 0x800
#define VMX_ST_GDT 0xa00
#define VMX_ST_MOV_CR0 0x14    /* the MOV to CR0 */
#define VMX_ST_ALIAS_LOAD 0x36 /* offsets of the two alias addresses in the code */
#define VMX_ST_ALIAS_STORE 0x3d
#define VMX_ST_STORE_LEN 5
#define VMX_ST_HLT 0x41

/*
 * The guest: load its GDT and IDT; set CR0.NE as Linux does early (an
 * exit: NE is host-owned, and the shadow has it clear); store a pattern into the 2 MiB page,
 * read it back, report 'V' (or 'F') on port 0xE9; CPUID; read its own
 * first byte through the read-only alias and report it; write to the
 * alias (an EPT violation); HLT.  The host then injects vector 0x30,
 * whose handler reports 'I' and returns to the HLT loop.
 */
static const uint8_t vmx_st_code[] = {
    0x0f, 0x01, 0x15, 0xf8, 0x07, 0x00, 0x00, /* lgdt VMX_ST_GDTR */
    0x0f, 0x01, 0x1d, 0xf0, 0x07, 0x00, 0x00, /* lidt VMX_ST_IDTR */
    0x0f, 0x20, 0xc0,                         /* mov %cr0, %eax */
    0x83, 0xc8, 0x20,                         /* or $0x20, %eax (NE) */
    0x0f, 0x22, 0xc0,                         /* 0x14: mov %eax, %cr0 */
    0xb8, 0x3c, 0xc3, 0xa5, 0x5a,             /* mov $VMX_ST_PATTERN, %eax */
    0xa3, 0x00, 0x01, 0x20, 0x00,             /* mov %eax, 0x200100 */
    0x8b, 0x0d, 0x00, 0x01, 0x20, 0x00,       /* mov 0x200100, %ecx */
    0x39, 0xc1,                               /* cmp %eax, %ecx */
    0xb0, 'V',                                /* mov $'V', %al */
    0x74, 0x02,                               /* je 1f */
    0xb0, 'F',                                /* mov $'F', %al */
    0xe6, 0xe9,                               /* 1: out %al, $0xe9 */
    0x31, 0xc0,                               /* xor %eax, %eax */
    0x0f, 0xa2,                               /* cpuid */
    0xa1, 0,    0,    0,    0,                /* 0x35: mov ALIAS, %eax */
    0xe6, 0xe9,                               /* out %al, $0xe9 */
    0xa3, 0,    0,    0,    0,                /* 0x3c: mov %eax, ALIAS */
    0xf4,                                     /* 0x41: hlt */
    0xeb, 0xfd,                               /* jmp hlt */
};
BUILD_BUG_ON(sizeof(vmx_st_code) != VMX_ST_HLT + 3);

static const uint8_t vmx_st_handler[] = {
    0xb0, 'I',  /* mov $'I', %al */
    0xe6, 0xe9, /* out %al, $0xe9 */
    0xcf,       /* iret */
};

/* Flat 32-bit code at 0x08 and data at 0x10, as the segment registers hold. */
static const uint64_t vmx_st_gdt[] = {0, 0x00cf9b000000ffffULL, 0x00cf93000000ffffULL};

static struct domain vmx_st_domain;
static struct vcpu vmx_st_vcpu;

static bool vmx_st_fail(const char *why, const struct hvm_exit *e)
{
    printk("selftest vmx: FAIL: %s (exit %u, raw %#lx)\n", why, e ? e->reason : 0,
           e ? (unsigned long)e->raw_reason : 0UL);
    return false;
}

/* Next exit that is not a host interrupt. */
static void vmx_st_next_exit(const struct hvm_function_table *f, struct vcpu *v, struct hvm_exit *e)
{
    unsigned int i;

    for (i = 0; i < VMX_ST_MAX_ENTRIES; i++) {
        f->vcpu_enter(v, e);
        if (e->reason != HVM_EXIT_EXTINT && e->reason != HVM_EXIT_NONE && e->reason != HVM_EXIT_NMI)
            return;
    }
}

static void vmx_st_skip(const struct hvm_function_table *f, struct vcpu *v,
                        const struct hvm_exit *e)
{
    f->set_rip(v, f->get_rip(v) + e->insn_len);
}

static void vmx_st_set_flat(const struct hvm_function_table *f, struct vcpu *v)
{
    static const struct segment_register code = {.sel = 0x08, .attr = 0xc9b, .limit = ~0U},
                                         data = {.sel = 0x10, .attr = 0xc93, .limit = ~0U},
                                         tr = {.sel = 0x18, .attr = 0x08b, .limit = 0x67},
                                         ldtr = {.attr = 0};
    enum x86_segment s;

    for (s = x86_seg_cs; s <= x86_seg_gs; s++)
        f->set_segment(v, s, s == x86_seg_cs ? &code : &data);
    f->set_segment(v, x86_seg_tr, &tr);
    f->set_segment(v, x86_seg_ldtr, &ldtr);
}

/* Fills the code page; *alias is the guest-physical address of its alias. */
static void vmx_st_build(uint8_t *code, uint32_t *alias)
{
    uint8_t gate[8] = {VMX_ST_HANDLER & 0xff, VMX_ST_HANDLER >> 8, 0x08, 0, 0, 0x8e, 0, 0};
    uint16_t idt_limit = VMX_ST_VECTOR * 8 + 7, gdt_limit = sizeof(vmx_st_gdt) - 1;
    uint32_t idt_base = VMX_ST_IDT, gdt_base = VMX_ST_GDT;

    /* The offsets above must name the instructions they patch. */
    BUG_ON(vmx_st_code[VMX_ST_MOV_CR0 + 1] != 0x22 ||
           vmx_st_code[VMX_ST_ALIAS_LOAD - 1] != 0xa1 ||
           vmx_st_code[VMX_ST_ALIAS_STORE - 1] != 0xa3 || vmx_st_code[VMX_ST_HLT] != 0xf4);
    *alias = (uint32_t)(VMX_ST_ALIAS_BASE + virt_to_maddr(code));
    memcpy(code, vmx_st_code, sizeof(vmx_st_code));
    memcpy(code + VMX_ST_ALIAS_LOAD, alias, 4);
    memcpy(code + VMX_ST_ALIAS_STORE, alias, 4);
    memcpy(code + VMX_ST_HANDLER, vmx_st_handler, sizeof(vmx_st_handler));
    memcpy(code + VMX_ST_IDTR, &idt_limit, 2);
    memcpy(code + VMX_ST_IDTR + 2, &idt_base, 4);
    memcpy(code + VMX_ST_GDTR, &gdt_limit, 2);
    memcpy(code + VMX_ST_GDTR + 2, &gdt_base, 4);
    memcpy(code + VMX_ST_IDT + VMX_ST_VECTOR * 8, gate, sizeof(gate));
    memcpy(code + VMX_ST_GDT, vmx_st_gdt, sizeof(vmx_st_gdt));
}

static bool vmx_st_expect_out(const struct hvm_function_table *f, struct vcpu *v, uint8_t byte,
                              const char *what)
{
    struct hvm_exit e;

    vmx_st_next_exit(f, v, &e);
    if (e.reason != HVM_EXIT_IO || e.u.io.port != 0xe9 || e.u.io.size != 1 || e.u.io.in ||
        e.insn_len != 2)
        return vmx_st_fail(what, &e);
    if ((uint8_t)v->hvm.gprs.rax != byte) {
        printk("selftest vmx: guest wrote %#x, expected %#x\n",
               (unsigned int)(uint8_t)v->hvm.gprs.rax, byte);
        return vmx_st_fail(what, &e);
    }
    vmx_st_skip(f, v, &e);
    return true;
}

/* One step of the guest on another CPU: the VMCS and the EPTP move there and back. */
static struct vmx_st_remote_ctx {
    const struct hvm_function_table *f;
    struct vcpu *v;
    uint8_t byte;
    const char *what;
    bool ok;
    int done; /* 0 running, 1 done */
} vmx_st_remote_ctx;

static void vmx_st_remote_step(void *info)
{
    struct vmx_st_remote_ctx *c = info;

    /*
     * An IPI handler (after its EOI), like the run loop with interrupts
     * off; they go on while the guest runs so that a host interrupt
     * that makes it exit is taken rather than exiting again forever.
     */
    c->ok = !c->f->cpu_up(smp_processor_id());
    if (c->ok) {
        local_irq_enable();
        c->ok = vmx_st_expect_out(c->f, c->v, c->byte, c->what);
        local_irq_disable();
    }
    __atomic_store_n(&c->done, 1, __ATOMIC_RELEASE);
}

static bool vmx_st_remote(const struct hvm_function_table *f, struct vcpu *v, uint8_t byte,
                          const char *what)
{
    struct vmx_st_remote_ctx *c = &vmx_st_remote_ctx;
    unsigned int cpu, self = smp_processor_id();
    cpumask_t mask;

    for (cpu = 0; cpu < NR_CPUS; cpu++)
        if (cpu != self && cpumask_test_cpu(cpu, &cpu_online_map))
            break;
    if (cpu == NR_CPUS || !local_irq_is_enabled())
        return vmx_st_expect_out(f, v, byte, what);

    *c = (struct vmx_st_remote_ctx){.f = f, .v = v, .byte = byte, .what = what};
    cpumask_clear(&mask);
    cpumask_set_cpu(cpu, &mask);
    /* No wait: the step IPIs this CPU back to clear the VMCS here. */
    on_selected_cpus(&mask, vmx_st_remote_step, c, false);
    while (!__atomic_load_n(&c->done, __ATOMIC_ACQUIRE))
        cpu_relax();
    if (c->ok)
        printk("selftest vmx: guest ran a step on CPU%u\n", cpu);
    return c->ok;
}

/* After the guest ran on two CPUs: a change to its p2m must reach both. */
static bool vmx_st_p2m_change(struct domain *d, paddr_t code_ma)
{
    gfn_t gfn = 0x300;

    return !p2m_set_range(&d->hvm.p2m, gfn, code_ma >> PAGE_SHIFT, 1, p2m_ram_rw, P2M_MT_WB) &&
           !p2m_remove_range(&d->hvm.p2m, gfn, 1);
}

/*
 * MOV %eax, %cr0 setting NE: through the common exit handler (as a real
 * guest's would go) when this engine is the one in use, else by hand.
 */
static bool vmx_st_cr0_write(const struct hvm_function_table *f, struct vcpu *v)
{
    struct hvm_exit e;
    uint64_t cr0;

    vmx_st_next_exit(f, v, &e);
    if (e.reason != HVM_EXIT_CR_ACCESS || !e.u.cr.write || e.u.cr.cr != 0 || e.u.cr.gpr != 0 ||
        e.insn_len != 3 || f->get_rip(v) != VMX_ST_MOV_CR0)
        return vmx_st_fail("expected MOV %eax, %cr0", &e);
    cr0 = (uint32_t)v->hvm.gprs.rax;
    if (hvm_funcs == f) {
        if (hvm_exit_cr_access(v, &e))
            return vmx_st_fail("the CR access handler stopped the guest", &e);
    } else {
        if (f->set_cr(v, 0, cr0))
            return vmx_st_fail("set_cr refused CR0.NE", &e);
        vmx_st_skip(f, v, &e);
    }
    /* CR0 reads back as the guest wrote it (whatever else it read and kept). */
    if (f->get_cr(v, 0) != cr0 || !(cr0 & 0x20) || f->get_rip(v) != VMX_ST_MOV_CR0 + 3)
        return vmx_st_fail("CR0.NE write: wrong CR0 or RIP afterwards", &e);
    printk("selftest vmx: guest set CR0.NE: %#lx (%s handler)\n", (unsigned long)cr0,
           hvm_funcs == f ? "common" : "local");
    return true;
}

/* The raw EPT leaf mapping gpa (0 if none), walked from the root. */
static uint64_t vmx_st_ept_leaf(const struct p2m *p2m, uint64_t gpa)
{
    const uint64_t *t = maddr_to_virt(p2m->root);
    unsigned int level;

    for (level = p2m->levels - 1;; level--) {
        uint64_t e = t[(gpa >> (PAGE_SHIFT + 9 * level)) & 511];

        if (!p2m->ops->is_present(e) || level == 0 || !p2m->ops->is_table(e, level))
            return e;
        t = maddr_to_virt(p2m->ops->table_maddr(e));
    }
}

/*
 * With EPT A/D in use, the CPU marked the 2 MiB leaf the guest wrote
 * accessed and dirty (bits 8, 9); the never-written alias stays clean.
 */
static bool vmx_st_check_ad(struct vcpu *v, uint32_t alias)
{
    const struct p2m *p2m = &v->domain->hvm.p2m;
    ept_entry_t data = {.raw = vmx_st_ept_leaf(p2m, VMX_ST_DATA_GPA)};
    ept_entry_t al = {.raw = vmx_st_ept_leaf(p2m, alias)};

    if (!vmx_ept_ad_in_use()) {
        printk("selftest vmx: EPT A/D flags: not offered by this CPU\n");
        return true;
    }
    if (!data.a || !data.d || al.d)
        return vmx_st_fail("EPT A/D flags not set as the guest's accesses say", NULL);
    printk("selftest vmx: EPT A/D flags: written 2 MiB leaf accessed+dirty, alias clean\n");
    return true;
}

/* The guest's run: exits in order, with the right contents. */
static bool vmx_st_run(const struct hvm_function_table *f, struct vcpu *v, const uint32_t *data,
                       uint32_t alias)
{
    static const struct hvm_event irq = {.vector = VMX_ST_VECTOR, .type = HVM_EVENT_EXTINT};
    struct hvm_exit e;
    struct segment_register cs;

    vmx_st_set_flat(f, v);
    f->get_segment(v, x86_seg_cs, &cs);
    if (cs.attr != 0xc9b || cs.sel != 0x08)
        return vmx_st_fail("CS attributes did not read back", NULL);
    if (f->set_cr(v, 0, X86_CR0_PE | 0x10) || f->set_cr(v, 4, 0) || f->set_efer(v, 0))
        return vmx_st_fail("set_cr/set_efer refused", NULL);
    if (f->get_cr(v, 0) != (X86_CR0_PE | 0x10))
        return vmx_st_fail("CR0 does not read back as the guest wrote it", NULL);
    f->set_rip(v, 0);
    f->set_rsp(v, 0x1000);
    f->set_rflags(v, 0x2);

    if (!vmx_st_cr0_write(f, v))
        return false;
    if (!vmx_st_expect_out(f, v, 'V', "expected OUT 'V' to port 0xE9 (2 MiB leaf check)"))
        return false;
    if (data[VMX_ST_DATA_OFF / 4] != VMX_ST_PATTERN)
        return vmx_st_fail("the guest's store is not in the host page", NULL);
    printk("selftest vmx: guest wrote 'V' to port 0xe9\n");
    if (!vmx_st_check_ad(v, alias))
        return false;

    vmx_st_next_exit(f, v, &e);
    if (e.reason != HVM_EXIT_CPUID || e.insn_len != 2 || (uint32_t)v->hvm.gprs.rax != 0)
        return vmx_st_fail("expected CPUID leaf 0", &e);
    vmx_st_skip(f, v, &e);

    if (!vmx_st_remote(f, v, vmx_st_code[0], "expected its own first byte via the alias"))
        return false;

    if (!vmx_st_p2m_change(v->domain, virt_to_maddr(data)))
        return vmx_st_fail("p2m change after running on two CPUs", NULL);

    vmx_st_next_exit(f, v, &e);
    if (e.reason != HVM_EXIT_NPF || e.u.npf.gpa != alias || !e.u.npf.write || e.u.npf.fetch ||
        !e.u.npf.gla_valid || e.u.npf.gla != alias)
        return vmx_st_fail("expected an EPT violation writing the read-only alias", &e);
    printk("selftest vmx: EPT violation: write to %#lx\n", (unsigned long)e.u.npf.gpa);
    f->set_rip(v, f->get_rip(v) + VMX_ST_STORE_LEN);

    vmx_st_next_exit(f, v, &e);
    if (e.reason != HVM_EXIT_HLT || e.insn_len != 1 || f->get_rip(v) != VMX_ST_HLT)
        return vmx_st_fail("expected HLT", &e);
    vmx_st_skip(f, v, &e);

    /* Event injection: vector 0x30 through the guest's IDT. */
    if (f->interrupts_enabled(v))
        return vmx_st_fail("interrupts enabled with IF=0", NULL);
    f->set_rflags(v, 0x202);
    if (!f->interrupts_enabled(v))
        return vmx_st_fail("interrupts disabled with IF=1", NULL);
    f->inject_event(v, &irq);
    if (!vmx_st_expect_out(f, v, 'I', "expected the injected vector's handler"))
        return false;
    vmx_st_next_exit(f, v, &e);
    if (e.reason != HVM_EXIT_HLT || f->get_rip(v) != VMX_ST_HLT)
        return vmx_st_fail("expected HLT after IRET", &e);
    printk("selftest vmx: injected vector %#x delivered\n", VMX_ST_VECTOR);

    /* Negative: an unusable CS fails the VM-entry checks on guest state. */
    cs.attr = 0;
    f->set_segment(v, x86_seg_cs, &cs);
    vmx_st_next_exit(f, v, &e);
    if (e.reason != HVM_EXIT_INVALID_STATE)
        return vmx_st_fail("bad CS accepted", &e);
    printk("selftest vmx: bad guest state refused (exit %#lx)\n", (unsigned long)e.raw_reason);
    return true;
}

bool vmx_selftest(void)
{
    const struct hvm_function_table *f = start_vmx();
    struct domain *d = &vmx_st_domain;
    struct vcpu *v = &vmx_st_vcpu;
    uint8_t *code = NULL;
    uint32_t *data = NULL, alias = 0;
    unsigned int order = 0, max_order = PAGE_ORDER_2M;
    bool ok = false;

    if (!f) {
        printk("selftest vmx: SKIP (no VMX)\n");
        return true;
    }
    if (f->cpu_up(smp_processor_id()))
        return vmx_st_fail("VMXON failed", NULL);

    code = alloc_xenheap_pages(0);
    data = alloc_xenheap_pages(PAGE_ORDER_2M);
    if (!code || !data || virt_to_maddr(code) >= VMX_ST_ALIAS_BASE) {
        vmx_st_fail("no memory (below 1 GiB)", NULL);
        goto out_free;
    }
    vmx_st_build(code, &alias);

    memset(d, 0, sizeof(*d));
    memset(v, 0, sizeof(*v));
    d->domain_id = 0x7ff0;
    v->domain = d;
    v->processor = smp_processor_id();
    if (f->has_1g_nested_pages)
        max_order = PAGE_ORDER_1G;
    if (p2m_init(&d->hvm.p2m, f->p2m_ops, 48, max_order)) {
        vmx_st_fail("p2m_init", NULL);
        goto out_free;
    }
    if (p2m_set_range(&d->hvm.p2m, 0, virt_to_maddr(code) >> PAGE_SHIFT, 1, p2m_ram_rw,
                      P2M_MT_WB) ||
        p2m_set_range(&d->hvm.p2m, VMX_ST_DATA_GPA >> PAGE_SHIFT, virt_to_maddr(data) >> PAGE_SHIFT,
                      512, p2m_ram_rw, P2M_MT_WB) ||
        p2m_set_range(&d->hvm.p2m, VMX_ST_ALIAS_BASE >> PAGE_SHIFT, 0, 1UL << (30 - PAGE_SHIFT),
                      p2m_ram_ro, P2M_MT_WB)) {
        vmx_st_fail("p2m_set_range", NULL);
        goto out_p2m;
    }
    p2m_get_entry(&d->hvm.p2m, VMX_ST_DATA_GPA >> PAGE_SHIFT, NULL, NULL, &order);
    if (order != PAGE_ORDER_2M) {
        vmx_st_fail("the data page is not a 2 MiB EPT leaf", NULL);
        goto out_p2m;
    }
    p2m_get_entry(&d->hvm.p2m, VMX_ST_ALIAS_BASE >> PAGE_SHIFT, NULL, NULL, &order);
    if (order != max_order) {
        vmx_st_fail("the alias does not use the largest EPT leaf", NULL);
        goto out_p2m;
    }
    if (f->domain_initialise(d)) {
        vmx_st_fail("domain_initialise", NULL);
        goto out_p2m;
    }
    if (f->vcpu_initialise(v)) {
        vmx_st_fail("vcpu_initialise", NULL);
        goto out_dom;
    }
    ok = vmx_st_run(f, v, data, alias);
    if (!ok)
        f->dump_vcpu(v);
    else
        printk("selftest vmx: PASS (I/O, CPUID, EPT 2 MiB + %s leaves, EPT violation, HLT, "
               "injection, invalid state)\n",
               max_order == PAGE_ORDER_1G ? "1 GiB" : "2 MiB");
    f->vcpu_destroy(v);
out_dom:
    f->domain_destroy(d);
out_p2m:
    p2m_teardown(&d->hvm.p2m);
out_free:
    if (code)
        free_xenheap_pages(code, 0);
    if (data)
        free_xenheap_pages(data, PAGE_ORDER_2M);
    return ok;
}
