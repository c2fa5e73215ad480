/*
 * Exception and interrupt dispatch: the IDT, the per-vector table of what
 * each exception is and who handles it, the interrupt handler table, and
 * the fatal-trap report (registers and call trace) for any exception taken
 * in the hypervisor.
 */
#include <xen/lib.h>
#include <xen/console.h>
#include <xen/percpu.h>
#include <xen/symbols.h>
#include <asm/desc.h>
#include <asm/processor.h>
#include <asm/traps.h>

#define CALL_TRACE_MAX_FRAMES 32

/* entry.S: the address of each vector's stub. */
extern const unsigned long trap_stub_table[NR_VECTORS];

static struct gate_desc64 idt[NR_VECTORS] __aligned(16);

static irq_handler_t irq_handlers[NR_VECTORS];
static uint64_t irq_unhandled_logged[NR_VECTORS / 64];
static nmi_callback_t nmi_callback;
static unsigned int fatal_trap_depth;
/* The frame of the interrupt this CPU is handling, NULL outside interrupt handlers. */
static DEFINE_PER_CPU(struct cpu_user_regs *, irq_regs);

static void do_nmi(struct cpu_user_regs *regs);
static void __noreturn fatal_trap(struct cpu_user_regs *regs);

/* What each exception is and how it is taken; unlisted vectors are reserved. */
static const struct exception_info {
    const char *mnemonic;
    const char *name;
    void (*handler)(struct cpu_user_regs *regs);
    unsigned int ist;
} exceptions[X86_NR_EXCEPTIONS] = {
    [X86_EXC_DE]  = { "#DE", "divide error", fatal_trap, IST_NONE },
    [X86_EXC_DB]  = { "#DB", "debug", fatal_trap, IST_NONE },
    [X86_EXC_NMI] = { "NMI", "non-maskable interrupt", do_nmi, IST_NMI },
    [X86_EXC_BP]  = { "#BP", "breakpoint", fatal_trap, IST_NONE },
    [X86_EXC_OF]  = { "#OF", "overflow", fatal_trap, IST_NONE },
    [X86_EXC_BR]  = { "#BR", "BOUND range exceeded", fatal_trap, IST_NONE },
    [X86_EXC_UD]  = { "#UD", "invalid opcode", fatal_trap, IST_NONE },
    [X86_EXC_NM]  = { "#NM", "device not available", fatal_trap, IST_NONE },
    [X86_EXC_DF]  = { "#DF", "double fault", fatal_trap, IST_DF },
    [X86_EXC_CSO] = { "#CSO", "coprocessor segment overrun", fatal_trap, IST_NONE },
    [X86_EXC_TS]  = { "#TS", "invalid TSS", fatal_trap, IST_NONE },
    [X86_EXC_NP]  = { "#NP", "segment not present", fatal_trap, IST_NONE },
    [X86_EXC_SS]  = { "#SS", "stack-segment fault", fatal_trap, IST_NONE },
    [X86_EXC_GP]  = { "#GP", "general protection fault", fatal_trap, IST_NONE },
    [X86_EXC_PF]  = { "#PF", "page fault", fatal_trap, IST_NONE },
    [X86_EXC_MF]  = { "#MF", "x87 floating-point error", fatal_trap, IST_NONE },
    [X86_EXC_AC]  = { "#AC", "alignment check", fatal_trap, IST_NONE },
    [X86_EXC_MC]  = { "#MC", "machine check", fatal_trap, IST_MCE },
    [X86_EXC_XM]  = { "#XM", "SIMD floating-point exception", fatal_trap, IST_NONE },
    [X86_EXC_VE]  = { "#VE", "virtualization exception", fatal_trap, IST_NONE },
    [X86_EXC_CP]  = { "#CP", "control protection", fatal_trap, IST_NONE },
    [X86_EXC_HV]  = { "#HV", "hypervisor injection", fatal_trap, IST_NONE },
    [X86_EXC_VC]  = { "#VC", "VMM communication", fatal_trap, IST_NONE },
    [X86_EXC_SX]  = { "#SX", "security exception", fatal_trap, IST_NONE },
};

static const struct exception_info reserved_exception = {
    "#RSVD", "reserved vector", fatal_trap, IST_NONE,
};

static const struct exception_info *exception_info(unsigned long vector)
{
    if (vector < X86_NR_EXCEPTIONS && exceptions[vector].mnemonic)
        return &exceptions[vector];
    return &reserved_exception;
}

static bool has_error_code(unsigned long vector)
{
    return vector < X86_NR_EXCEPTIONS && ((X86_EXC_HAVE_ERROR_CODE >> vector) & 1);
}

/* ---- IDT ---- */

static void idt_set_gate(unsigned int vector, unsigned long handler, unsigned int ist)
{
    idt[vector] = (struct gate_desc64){
        .offset_lo = handler & 0xffff,
        .selector = __HYPERVISOR_CS,
        .ist = ist & 7,
        .type = SYS_TYPE_INTR_GATE,     /* IF cleared on entry */
        .dpl = 0,
        .p = 1,
        .offset_mid = (handler >> 16) & 0xffff,
        .offset_hi = (uint32_t)(handler >> 32),
    };
}

static void idt_load(void)
{
    struct desc_ptr ptr = {
        .limit = sizeof(idt) - 1,
        .base = (unsigned long)idt,
    };

    __asm__ __volatile__("lidt %0" : : "m"(ptr) : "memory");
}

void trap_init_cpu(unsigned int cpu)
{
    /* The TSS first: the IDT names IST stacks that only it provides. */
    cpu_desc_init(cpu);
    idt_load();
}

void trap_init(void)
{
    unsigned int v;

    for (v = 0; v < NR_VECTORS; v++)
        idt_set_gate(v, trap_stub_table[v],
                     v < X86_NR_EXCEPTIONS ? exception_info(v)->ist : IST_NONE);
    trap_init_cpu(0);
}

/* ---- Call traces ---- */

/*
 * One line per frame.  A return address may sit just past the end of its
 * function (a call to a noreturn function), so it is looked up one byte
 * earlier.
 */
static void print_frame(unsigned long addr, bool is_return)
{
    unsigned long off, size;
    const char *name = symbols_lookup(addr - is_return, &off, &size);

    if (name)
        printk(XENLOG_ERR "   [<%016lx>] %s+0x%lx/0x%lx\n", addr, name, off + is_return, size);
    else
        printk(XENLOG_ERR "   [<%016lx>] ??\n", addr);
}

/*
 * Walk saved frame pointers ([rbp] = caller's rbp, [rbp + 8] = return
 * address).  Every frame must lie on the stack the first one is on, be
 * aligned and lie above the previous one, so a corrupt chain ends the walk
 * instead of faulting.
 */
static void call_trace(unsigned long rip, unsigned long rbp, bool rip_is_return,
                       unsigned long caller)
{
    unsigned long lo, hi, fp = rbp;
    unsigned int frames = 1;

    printk(XENLOG_ERR "Xen call trace:\n");
    print_frame(rip, rip_is_return);
    if (caller) {
        print_frame(caller, true);
        frames++;
    }
    if (!fp)
        return;
    if (!cpu_desc_stack_bounds(fp, &lo, &hi)) {
        printk(XENLOG_ERR "   (frame pointer %016lx is not on a known stack)\n", fp);
        return;
    }
    while (fp) {
        const unsigned long *frame = (const unsigned long *)fp;
        unsigned long next, ret;

        if (!IS_ALIGNED(fp, sizeof(long)) || fp < lo || fp + 2 * sizeof(long) > hi) {
            printk(XENLOG_ERR "   (bad frame pointer %016lx)\n", fp);
            return;
        }
        if (frames == CALL_TRACE_MAX_FRAMES) {
            printk(XENLOG_ERR "   (trace cut at %u frames)\n", CALL_TRACE_MAX_FRAMES);
            return;
        }
        next = frame[0];
        ret = frame[1];
        if (!ret)
            return;
        print_frame(ret, true);
        frames++;
        if (next && next <= fp) {
            printk(XENLOG_ERR "   (frame pointer %016lx does not move up the stack)\n", next);
            return;
        }
        fp = next;
    }
}

void show_call_trace(unsigned long rip, unsigned long rbp)
{
    call_trace(rip, rbp, false, 0);
}

void __attribute__((noinline)) show_current_call_trace(void)
{
    const unsigned long *frame = __builtin_frame_address(0);

    /* Start at our caller: its return address and its saved rbp. */
    call_trace(frame[1], frame[0], true, 0);
}

/* ---- Fatal traps ---- */

static void halt_forever(void)
{
    for (;;) {
        local_irq_disable();
        halt();
    }
}

static unsigned long read_seg(unsigned int which)
{
    unsigned long v = 0;

    switch (which) {
    case 0: __asm__ __volatile__("mov %%ds, %0" : "=r"(v)); break;
    case 1: __asm__ __volatile__("mov %%es, %0" : "=r"(v)); break;
    case 2: __asm__ __volatile__("mov %%fs, %0" : "=r"(v)); break;
    default: __asm__ __volatile__("mov %%gs, %0" : "=r"(v)); break;
    }
    return v & 0xffff;
}

static void show_registers(const struct cpu_user_regs *regs)
{
    char sym[SYMBOL_STR_LEN];

    symbols_snprint(sym, sizeof(sym), regs->rip);
    printk(XENLOG_ERR "RIP:    %04lx:[<%016lx>] %s\n", regs->cs & 0xffff, regs->rip, sym);
    printk(XENLOG_ERR "RFLAGS: %016lx\n", regs->rflags);
    printk(XENLOG_ERR "rax: %016lx   rbx: %016lx   rcx: %016lx\n", regs->rax, regs->rbx, regs->rcx);
    printk(XENLOG_ERR "rdx: %016lx   rsi: %016lx   rdi: %016lx\n", regs->rdx, regs->rsi, regs->rdi);
    printk(XENLOG_ERR "rbp: %016lx   rsp: %016lx   r8:  %016lx\n", regs->rbp, regs->rsp, regs->r8);
    printk(XENLOG_ERR "r9:  %016lx   r10: %016lx   r11: %016lx\n", regs->r9, regs->r10, regs->r11);
    printk(XENLOG_ERR "r12: %016lx   r13: %016lx   r14: %016lx\n", regs->r12, regs->r13, regs->r14);
    printk(XENLOG_ERR "r15: %016lx   cr0: %016lx   cr4: %016lx\n", regs->r15, read_cr0(), read_cr4());
    printk(XENLOG_ERR "cr3: %016lx   cr2: %016lx\n", read_cr3(), read_cr2());
    printk(XENLOG_ERR "ds: %04lx   es: %04lx   fs: %04lx   gs: %04lx   ss: %04lx   cs: %04lx\n",
           read_seg(0), read_seg(1), read_seg(2), read_seg(3), regs->ss & 0xffff, regs->cs & 0xffff);
}

static void show_page_fault(const struct cpu_user_regs *regs)
{
    unsigned long ec = regs->error_code;

    printk(XENLOG_ERR "#PF: CR2 %016lx, error %04lx: %s, %s, %s%s%s%s%s%s\n",
           read_cr2(), ec,
           ec & PFEC_PRESENT ? "protection violation" : "page not present",
           ec & PFEC_WRITE ? "write" : "read",
           ec & PFEC_USER ? "user" : "supervisor",
           ec & PFEC_RSVD ? ", reserved bit set" : "",
           ec & PFEC_INSN_FETCH ? ", instruction fetch" : "",
           ec & PFEC_PROT_KEY ? ", protection key" : "",
           ec & PFEC_SHADOW_STACK ? ", shadow stack" : "",
           ec & PFEC_SGX ? ", SGX" : "");
}

/* SDM: "Error code" for selector-related faults. */
static void show_selector_error(const struct cpu_user_regs *regs)
{
    static const char *const table[] = { "GDT", "IDT", "LDT", "IDT" };
    unsigned long ec = regs->error_code;

    if (!ec)
        return;
    printk(XENLOG_ERR "%s: selector index %#lx in the %s%s\n",
           exception_info(regs->vector)->mnemonic, (ec >> 3) & 0x1fff,
           table[(ec >> 1) & 3], ec & 1 ? ", external event" : "");
}

/*
 * Stopped in a function's prologue (emulators deliver interrupts at block
 * boundaries, and a call ends a block: the first instruction is a common
 * place), its frame is not made yet: rbp still names its caller's frame,
 * and its own return address is on the stack top, or just under the saved
 * rbp after "push %rbp".  That return address, or 0.
 */
#define INSN_PUSH_RBP 0x55
static unsigned long prologue_return_address(const struct cpu_user_regs *regs)
{
    unsigned long off, size, lo, hi, slot;

    if (!symbols_lookup(regs->rip, &off, &size) || off > 1)
        return 0;
    if (off == 1 && *(const uint8_t *)(regs->rip - 1) != INSN_PUSH_RBP)
        return 0;
    slot = regs->rsp + off * sizeof(long);
    if (!cpu_desc_stack_bounds(regs->rsp, &lo, &hi) || slot + sizeof(long) > hi)
        return 0;
    return *(const unsigned long *)slot;
}

void show_execution_state(const struct cpu_user_regs *regs)
{
    show_registers(regs);
    call_trace(regs->rip, regs->rbp, false, prologue_return_address(regs));
}

void __attribute__((noinline)) show_current_execution_state(void)
{
    struct cpu_user_regs regs;

    regs_save_current(&regs);
    show_registers(&regs);
    /* The saved RIP is the return address of that call. */
    call_trace(regs.rip, regs.rbp, true, 0);
}

static void __noreturn fatal_trap(struct cpu_user_regs *regs)
{
    const struct exception_info *exc = exception_info(regs->vector);
    char what[32], sym[SYMBOL_STR_LEN];

    if (__atomic_fetch_add(&fatal_trap_depth, 1, __ATOMIC_SEQ_CST)) {
        static const char msg[] = "\n(XEN) FATAL TRAP while reporting a fatal trap: halting\n";

        /* Trust nothing that may have faulted the first time. */
        if (__atomic_load_n(&fatal_trap_depth, __ATOMIC_SEQ_CST) == 2)
            console_write_raw(msg, sizeof(msg) - 1);
        halt_forever();
    }
    console_force_unlock();

    if (has_error_code(regs->vector))
        snprintf(what, sizeof(what), "%s[%04lx]", exc->mnemonic, regs->error_code);
    else
        snprintf(what, sizeof(what), "%s", exc->mnemonic);
    printk(XENLOG_ERR "FATAL TRAP: vector %lu (%s) %s, in hypervisor on CPU %d\n",
           regs->vector, what, exc->name, cpu_desc_current_cpu());

    switch (regs->vector) {
    case X86_EXC_PF:
        show_page_fault(regs);
        break;
    case X86_EXC_TS:
    case X86_EXC_NP:
    case X86_EXC_SS:
    case X86_EXC_GP:
        show_selector_error(regs);
        break;
    case X86_EXC_DF:
        printk(XENLOG_ERR "#DF: the saved RIP is not reliable; RSP/RBP show where the stack was\n");
        break;
    default:
        break;
    }
    show_registers(regs);
    show_call_trace(regs->rip, regs->rbp);

    symbols_snprint(sym, sizeof(sym), regs->rip);
    panic("FATAL TRAP: vector %lu (%s) %s at %s", regs->vector, what, exc->name, sym);
}

/* ---- NMI ---- */

void set_nmi_callback(nmi_callback_t fn)
{
    __atomic_store_n(&nmi_callback, fn, __ATOMIC_RELEASE);
}

static void do_nmi(struct cpu_user_regs *regs)
{
    nmi_callback_t cb = __atomic_load_n(&nmi_callback, __ATOMIC_ACQUIRE);
    char sym[SYMBOL_STR_LEN], line[SYMBOL_STR_LEN + 64];
    int n;

    if (cb && cb(regs))
        return;
    /*
     * printk takes the console lock, which the interrupted code may hold on
     * this very CPU: write the line directly instead.
     */
    symbols_snprint(sym, sizeof(sym), regs->rip);
    n = snprintf(line, sizeof(line), "(XEN) NMI received on CPU %d at %s, ignored\n",
                 cpu_desc_current_cpu(), sym);
    if (n > 0)
        console_write_raw(line, min((size_t)n, sizeof(line) - 1));
}

/* ---- Interrupts ---- */

void set_irq_handler(unsigned int vector, irq_handler_t fn)
{
    BUG_ON(vector < FIRST_IRQ_VECTOR || vector >= NR_VECTORS);
    __atomic_store_n(&irq_handlers[vector], fn, __ATOMIC_RELEASE);
}

static void do_irq(struct cpu_user_regs *regs)
{
    unsigned long vector = regs->vector;
    irq_handler_t fn = __atomic_load_n(&irq_handlers[vector], __ATOMIC_ACQUIRE);
    uint64_t bit = 1ULL << (vector % 64);

    if (fn) {
        /* Saved and restored, should a handler ever let interrupts nest. */
        struct cpu_user_regs *outer = this_cpu(irq_regs);

        this_cpu(irq_regs) = regs;
        fn(regs);
        this_cpu(irq_regs) = outer;
        return;
    }
    if (vector == SPURIOUS_APIC_VECTOR)
        return;
    if (!(__atomic_fetch_or(&irq_unhandled_logged[vector / 64], bit, __ATOMIC_RELAXED) & bit))
        printk(XENLOG_WARNING "IRQ: no handler for vector %lu (%#lx), ignored (logged once)\n",
               vector, vector);
}

struct cpu_user_regs *get_irq_regs(void)
{
    return this_cpu(irq_regs);
}

void do_trap(struct cpu_user_regs *regs)
{
    if (regs->vector < X86_NR_EXCEPTIONS)
        exception_info(regs->vector)->handler(regs);
    else if (regs->vector < NR_VECTORS)
        do_irq(regs);
    else
        fatal_trap(regs);
}
