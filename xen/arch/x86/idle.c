/* The idle path: halt until an interrupt unless softirq work is waiting. */
#include <xen/lib.h>
#include <xen/smp.h>
#include <xen/softirq.h>
#include <asm/idle.h>
#include <asm/processor.h>

void arch_idle(void)
{
    local_irq_disable();
    if (softirq_pending(smp_processor_id())) {
        local_irq_enable();
        return;
    }
    /* STI's one-instruction shadow: no interrupt is taken before HLT starts. */
    __asm__ __volatile__("sti; hlt" ::: "memory");
}

void idle_loop(void)
{
    for (;;) {
        do_softirq();
        arch_idle();
    }
}
