/*
 * Debug keys: the table of registered keys, the queue of keys typed on the
 * console, and the keys that belong to no subsystem: 'h' (help), '0'
 * (everything) and 'd' (registers and call trace of every CPU).
 */
#include <xen/lib.h>
#include <xen/cpumask.h>
#include <xen/keyhandler.h>
#include <xen/sched.h>
#include <xen/smp.h>
#include <xen/softirq.h>
#include <xen/spinlock.h>
#include <asm/traps.h>
#include <asm/hvm/hvm.h>

#define NR_KEYS 256
/* Keys typed faster than they are handled wait here; more are dropped. */
#define KEY_QUEUE_SIZE 32

static struct keyhandler {
    keyhandler_fn_t fn;
    const char *desc;
} key_table[NR_KEYS];

static DEFINE_SPINLOCK(key_queue_lock);
static unsigned char key_queue[KEY_QUEUE_SIZE];
static unsigned int key_queue_prod, key_queue_cons;    /* free-running */
static unsigned long keys_dropped;
static s_time_t last_key_time;

_Static_assert((KEY_QUEUE_SIZE & (KEY_QUEUE_SIZE - 1)) == 0, "queue size is a power of two");

void register_keyhandler(char key, keyhandler_fn_t fn, const char *desc)
{
    struct keyhandler *h = &key_table[(unsigned char)key];

    h->desc = desc;
    __atomic_store_n(&h->fn, fn, __ATOMIC_RELEASE);
}

/* The key as it is shown: itself if printable, else its code. */
static const char *key_name(unsigned char key, char *buf, size_t len)
{
    if (key >= 0x20 && key < 0x7f)
        snprintf(buf, len, "%c", key);
    else
        snprintf(buf, len, "\\x%02x", key);
    return buf;
}

static void keyhandler_run(unsigned char key)
{
    const struct keyhandler *h = &key_table[key];
    keyhandler_fn_t fn = __atomic_load_n(&h->fn, __ATOMIC_ACQUIRE);
    char name[8];

    key_name(key, name, sizeof(name));
    if (!fn) {
        printk("'%s' pressed -> unknown key (press 'h' for help)\n", name);
        return;
    }
    printk("'%s' pressed -> %s\n", name, h->desc);
    fn(key);
}

static bool key_queue_pop(unsigned char *key)
{
    unsigned long flags;
    bool got = false;

    spin_lock_irqsave(&key_queue_lock, flags);
    if (key_queue_cons != key_queue_prod) {
        *key = key_queue[key_queue_cons++ % KEY_QUEUE_SIZE];
        got = true;
    }
    spin_unlock_irqrestore(&key_queue_lock, flags);
    return got;
}

static void keypress_softirq(void)
{
    unsigned long dropped;
    unsigned char key;

    while (key_queue_pop(&key)) {
        keyhandler_run(key);
        __atomic_store_n(&last_key_time, NOW(), __ATOMIC_RELAXED);
    }
    dropped = __atomic_exchange_n(&keys_dropped, 0, __ATOMIC_RELAXED);
    if (dropped)
        printk(XENLOG_WARNING "keyhandler: %lu key(s) typed too fast were dropped\n", dropped);
}

void handle_keypress(unsigned char key)
{
    unsigned long flags;

    /* Line ends are what a terminal sends after a key: not keys of their own. */
    if (key == '\r' || key == '\n')
        return;
    spin_lock_irqsave(&key_queue_lock, flags);
    if (key_queue_prod - key_queue_cons < KEY_QUEUE_SIZE)
        key_queue[key_queue_prod++ % KEY_QUEUE_SIZE] = key;
    else
        keys_dropped++;
    spin_unlock_irqrestore(&key_queue_lock, flags);
    raise_softirq(KEYPRESS_SOFTIRQ);
}

s_time_t keyhandler_last_key_time(void)
{
    return __atomic_load_n(&last_key_time, __ATOMIC_RELAXED);
}

/* ---- 'h' ---- */

static void keyhandler_show_help(unsigned char key)
{
    unsigned int k;
    char name[8];

    for (k = 0; k < NR_KEYS; k++)
        if (__atomic_load_n(&key_table[k].fn, __ATOMIC_ACQUIRE))
            printk("  '%s'  %s\n", key_name((unsigned char)k, name, sizeof(name)),
                   key_table[k].desc);
}

/* ---- '0' ---- */

static void keyhandler_dump_all(unsigned char key)
{
    unsigned int k;
    char name[8];

    for (k = 0; k < NR_KEYS; k++) {
        keyhandler_fn_t fn = __atomic_load_n(&key_table[k].fn, __ATOMIC_ACQUIRE);

        if (!fn || fn == keyhandler_dump_all || fn == keyhandler_show_help)
            continue;
        printk("[%s: %s]\n", key_name((unsigned char)k, name, sizeof(name)), key_table[k].desc);
        fn((unsigned char)k);
    }
}

/* ---- 'd' ---- */

/*
 * The guest vCPU this CPU runs, if any: its state is loaded here, so it
 * can be read (hvm_dump_guest() skips the scheduler self-tests' vCPUs,
 * which have no vendor state).
 */
static void dump_current_guest(void)
{
    struct vcpu *v = get_current();

    if (v && !is_idle_vcpu(v) && hvm_funcs)
        hvm_dump_guest(v);
}

/* On the target CPU, in the call-function interrupt: where that interrupt stopped it. */
static void keyhandler_dump_this_cpu(void *unused)
{
    const struct cpu_user_regs *regs = get_irq_regs();

    printk("*** CPU%u: interrupted here ***\n", smp_processor_id());
    if (regs)
        show_execution_state(regs);
    else
        printk("(no interrupt frame)\n");
    dump_current_guest();
}

/*
 * One CPU at a time, in CPU order, so that reports do not interleave.  A
 * CPU that keeps interrupts off for ever would hold this up, as it would
 * hold up every other cross-CPU call.
 */
static void keyhandler_dump_registers(unsigned char key)
{
    unsigned int cpu, me = smp_processor_id();

    for_each_cpu(cpu, &cpu_online_map) {
        cpumask_t one;

        if (cpu == me) {
            printk("*** CPU%u: running this key handler ***\n", cpu);
            show_current_execution_state();
            dump_current_guest();
            continue;
        }
        cpumask_clear(&one);
        cpumask_set_cpu(cpu, &one);
        on_selected_cpus(&one, keyhandler_dump_this_cpu, NULL, true);
    }
}

void keyhandler_init(void)
{
    open_softirq(KEYPRESS_SOFTIRQ, keypress_softirq);
    register_keyhandler('h', keyhandler_show_help, "show this list of keys");
    register_keyhandler('0', keyhandler_dump_all, "run every dump key ('0' and 'h' excluded)");
    register_keyhandler('d', keyhandler_dump_registers, "registers and call trace of each CPU");
}
