/*
 * The guest's IDT.  An exception at an instruction listed in .extable
 * resumes at its fixup address and is recorded in `trap_caught`; any other
 * exception prints `FAIL: exception N at RIP` and stops the guest.
 * Interrupts go to the handler registered for their vector.
 */
#include "guest.h"

#define GDT_CODE64 0x08
#define IDT_INTERRUPT_GATE 0x8e /* present, DPL 0, 64-bit interrupt gate */
#define NR_VECTORS 256
#define TRAP_STUB_SIZE 16

struct idt_gate {
    uint16_t offset_lo;
    uint16_t selector;
    uint8_t ist;
    uint8_t type_attr;
    uint16_t offset_mid;
    uint32_t offset_hi;
    uint32_t reserved;
};
_Static_assert(sizeof(struct idt_gate) == 16, "64-bit IDT gate");

struct extable_entry {
    uint64_t insn, fixup;
};

extern const char trap_stubs[];
extern const struct extable_entry __extable_start[], __extable_end[];

volatile struct caught_trap trap_caught = {.vector = -1};
static struct idt_gate idt[NR_VECTORS] __aligned(16);
static irq_handler_t irq_handlers[NR_VECTORS];

static const char *const exception_names[X86_NR_EXCEPTIONS] = {
    "#DE", "#DB", "NMI", "#BP", "#OF", "#BR", "#UD", "#NM", "#DF", "#MF(old)", "#TS",
    "#NP", "#SS", "#GP", "#PF", "#15", "#MF", "#AC", "#MC", "#XM", "#VE",      "#CP",
};

const char *exception_name(unsigned int vector)
{
    if (vector < X86_NR_EXCEPTIONS && exception_names[vector])
        return exception_names[vector];
    return vector < X86_NR_EXCEPTIONS ? "reserved" : "interrupt";
}

void traps_load_idt(void)
{
    struct __attribute__((packed)) {
        uint16_t limit;
        uint64_t base;
    } desc = {sizeof(idt) - 1, (uint64_t)(uintptr_t)idt};

    asm volatile("lidt %0" ::"m"(desc));
}

void traps_init(void)
{
    unsigned int v;

    for (v = 0; v < NR_VECTORS; v++) {
        uint64_t stub = (uint64_t)(uintptr_t)trap_stubs + v * TRAP_STUB_SIZE;

        idt[v].offset_lo = (uint16_t)stub;
        idt[v].selector = GDT_CODE64;
        idt[v].ist = 0;
        idt[v].type_attr = IDT_INTERRUPT_GATE;
        idt[v].offset_mid = (uint16_t)(stub >> 16);
        idt[v].offset_hi = (uint32_t)(stub >> 32);
        idt[v].reserved = 0;
    }
    traps_load_idt();
}

void irq_set_handler(unsigned int vector, irq_handler_t handler)
{
    irq_handlers[vector] = handler;
}

static const struct extable_entry *extable_find(uint64_t rip)
{
    size_t i,
        n = ((uintptr_t)__extable_end - (uintptr_t)__extable_start) / sizeof(*__extable_start);

    for (i = 0; i < n; i++)
        if (__extable_start[i].insn == rip)
            return &__extable_start[i];
    return NULL;
}

static void __noreturn fatal_exception(const struct trap_frame *f)
{
    console_break_lock();
    printf("FAIL: exception %lu at %#lx (%s, error code %#lx)\n", f->vector, f->rip,
           exception_name((unsigned int)f->vector), f->error_code);
    if (f->vector == X86_EXC_PF) {
        uint64_t cr2;

        asm volatile("mov %%cr2, %0" : "=r"(cr2));
        printf("%s: page-fault address %#lx\n", test_name, cr2);
    }
    printf("%s: rax=%#lx rbx=%#lx rcx=%#lx rdx=%#lx rsi=%#lx rdi=%#lx\n", test_name, f->rax, f->rbx,
           f->rcx, f->rdx, f->rsi, f->rdi);
    printf("%s: rsp=%#lx rbp=%#lx rflags=%#lx cs=%#lx; stopping\n", test_name, f->rsp, f->rbp,
           f->rflags, f->cs);
    cpu_halt_forever();
}

void trap_dispatch(struct trap_frame *f);
void trap_dispatch(struct trap_frame *f)
{
    if (f->vector < X86_NR_EXCEPTIONS) {
        const struct extable_entry *e = extable_find(f->rip);

        if (!e)
            fatal_exception(f);
        trap_caught.vector = (int)f->vector;
        trap_caught.error_code = f->error_code;
        trap_caught.rip = f->rip;
        f->rip = e->fixup;
        return;
    }
    if (irq_handlers[f->vector]) {
        irq_handlers[f->vector](f);
        return;
    }
    if (f->vector == LAPIC_SPURIOUS_VECTOR)
        return; /* spurious interrupts need no EOI */
    console_break_lock();
    printf("FAIL: %s.interrupt: unexpected interrupt vector %lu at %#lx; stopping\n", test_name,
           f->vector, f->rip);
    cpu_halt_forever();
}
