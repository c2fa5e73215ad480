/*
 * Operator views of a vCPU's guest state: its registers (common and
 * vendor) and the top of its stack, for crash reports and the 'd' key.
 */
#include <xen/lib.h>
#include <xen/sched.h>
#include <xen/hypercall.h>
#include <asm/processor.h>
#include <asm/hvm/hvm.h>

#define STACK_WORDS 32

static void dump_stack(struct vcpu *v)
{
    uint64_t rsp = hvm_funcs->get_rsp(v), w[4];
    unsigned int i;

    printk("  stack at %016lx:\n", (unsigned long)rsp);
    for (i = 0; i < STACK_WORDS; i += 4, rsp += sizeof(w)) {
        /* Stops at the first unreadable line: the guest's mapping ends there. */
        if (copy_from_guest(v, w, rsp, sizeof(w))) {
            printk("    %016lx: (not readable)\n", (unsigned long)rsp);
            return;
        }
        printk("    %016lx: %016lx %016lx %016lx %016lx\n", (unsigned long)rsp,
               (unsigned long)w[0], (unsigned long)w[1], (unsigned long)w[2], (unsigned long)w[3]);
    }
}

void hvm_dump_guest(struct vcpu *v)
{
    const struct hvm_gprs *g = &v->hvm.gprs;

    if (!v->hvm.vendor)
        return;                     /* not an HVM vCPU (a scheduler self-test's) */
    printk("d%uv%u registers:\n", v->domain->domain_id, v->vcpu_id);
    printk("  rax=%016lx rbx=%016lx rcx=%016lx rdx=%016lx\n", (unsigned long)g->rax,
           (unsigned long)g->rbx, (unsigned long)g->rcx, (unsigned long)g->rdx);
    printk("  rsi=%016lx rdi=%016lx rbp=%016lx r8 =%016lx\n", (unsigned long)g->rsi,
           (unsigned long)g->rdi, (unsigned long)g->rbp, (unsigned long)g->r8);
    printk("  r9 =%016lx r10=%016lx r11=%016lx r12=%016lx\n", (unsigned long)g->r9,
           (unsigned long)g->r10, (unsigned long)g->r11, (unsigned long)g->r12);
    printk("  r13=%016lx r14=%016lx r15=%016lx\n", (unsigned long)g->r13,
           (unsigned long)g->r14, (unsigned long)g->r15);
    hvm_funcs->dump_vcpu(v);
    if (hvm_funcs->get_cr(v, 0) & X86_CR0_PG)
        dump_stack(v);
}
