/*
 * HVM start-up and the vendor-neutral set-up of domains and vCPUs: pick
 * the vendor whose probe succeeds, enable it on every CPU, and give each
 * new domain its p2m and each vCPU its vendor control block.
 */
#include <xen/lib.h>
#include <xen/errno.h>
#include <xen/mm.h>
#include <xen/sched.h>
#include <xen/smp.h>
#include <xen/cpumask.h>
#include <asm/hvm/hvm.h>
#include <asm/hvm/support.h>

const struct hvm_function_table *hvm_funcs;
bool hvm_enabled;

/* Guest-physical address width: enough for terabyte guests and the LAPIC hole. */
#define HVM_GPA_BITS 48

/* The VMX engine overrides this when it is built in. */
__attribute__((weak)) const struct hvm_function_table *start_vmx(void)
{
    return NULL;
}

static unsigned int hvm_cpu_failures;

static void hvm_cpu_up_fn(void *unused)
{
    unsigned int cpu = smp_processor_id();

    if (hvm_funcs->cpu_up(cpu)) {
        __atomic_add_fetch(&hvm_cpu_failures, 1, __ATOMIC_SEQ_CST);
        printk(XENLOG_ERR "HVM: %s could not be enabled on CPU%u\n", hvm_funcs->name, cpu);
    }
}

int hvm_init(void)
{
    cpumask_t others;

    hvm_funcs = start_vmx();
    if (!hvm_funcs)
        hvm_funcs = start_svm();
    if (!hvm_funcs) {
        printk(XENLOG_ERR "HVM: no usable VMX/SVM: guests cannot run\n");
        return -ENODEV;
    }

    /* Every CPU is up already: the others by IPI, then this one. */
    others = cpu_online_map;
    cpumask_clear_cpu(smp_processor_id(), &others);
    on_selected_cpus(&others, hvm_cpu_up_fn, NULL, true);
    hvm_cpu_up_fn(NULL);
    if (hvm_cpu_failures) {
        printk(XENLOG_ERR "HVM: no usable VMX/SVM: guests cannot run (%u CPU(s) failed)\n",
               hvm_cpu_failures);
        hvm_funcs = NULL;
        return -ENODEV;
    }
    hvm_enabled = true;
    printk("HVM: %s enabled on %u CPU(s)%s\n", hvm_funcs->name, cpumask_weight(&cpu_online_map),
           hvm_funcs->has_1g_nested_pages ? ", nested page sizes 4kB, 2MB, 1GB"
                                          : ", nested page sizes 4kB, 2MB");
    return 0;
}

int hvm_domain_initialise(struct domain *d)
{
    unsigned int max_order = hvm_funcs->has_1g_nested_pages ? 18 : 9;
    int rc;

    if (!hvm_enabled)
        return -ENODEV;
    rc = p2m_init(&d->hvm.p2m, hvm_funcs->p2m_ops, HVM_GPA_BITS, max_order);
    if (rc)
        return rc;
    rc = hvm_funcs->domain_initialise(d);
    if (rc)
        p2m_teardown(&d->hvm.p2m);
    return rc;
}

void hvm_domain_destroy(struct domain *d)
{
    hvm_funcs->domain_destroy(d);
    p2m_teardown(&d->hvm.p2m);
}

int hvm_vcpu_initialise(struct vcpu *v)
{
    int rc;

    v->hvm.fpu_area = alloc_xenheap_pages(0);
    if (!v->hvm.fpu_area)
        return -ENOMEM;
    rc = hvm_funcs->vcpu_initialise(v);
    if (rc) {
        free_xenheap_pages(v->hvm.fpu_area, 0);
        v->hvm.fpu_area = NULL;
        return rc;
    }
    vlapic_init(v);
    return 0;
}

void hvm_vcpu_destroy(struct vcpu *v)
{
    vlapic_destroy(v);
    hvm_funcs->vcpu_destroy(v);
    if (v->hvm.fpu_area)
        free_xenheap_pages(v->hvm.fpu_area, 0);
    v->hvm.fpu_area = NULL;
}

void hvm_inject_exception(struct vcpu *v, uint8_t vector, bool has_error, uint32_t error)
{
    v->hvm.event.vector = vector;
    v->hvm.event.type = HVM_EVENT_HW_EXC;
    v->hvm.event.has_error = has_error;
    v->hvm.event.error = error;
    v->hvm.event.cr2 = 0;
    v->hvm.event_pending = true;
}
