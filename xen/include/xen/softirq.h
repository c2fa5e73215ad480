/*
 * Softirqs: work a CPU does when it returns to its idle/run loop or leaves
 * interrupt context.  Raising one on another CPU kicks it with an IPI.
 */
#ifndef XEN_SOFTIRQ_H
#define XEN_SOFTIRQ_H

#include <xen/types.h>

enum {
    TIMER_SOFTIRQ,
    SCHEDULE_SOFTIRQ,
    CALL_FUNCTION_SOFTIRQ,
    KEYPRESS_SOFTIRQ,
    NR_SOFTIRQS
};

void open_softirq(unsigned int nr, void (*handler)(void));
void raise_softirq(unsigned int nr);                 /* this CPU */
void cpu_raise_softirq(unsigned int cpu, unsigned int nr);
bool softirq_pending(unsigned int cpu);
void do_softirq(void);

#endif
