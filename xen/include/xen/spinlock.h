/* Ticket spinlocks with interrupt-saving variants. */
#ifndef XEN_SPINLOCK_H
#define XEN_SPINLOCK_H

#include <xen/types.h>

typedef struct {
    volatile uint16_t head, tail;
} spinlock_t;

#define SPIN_LOCK_UNLOCKED { 0, 0 }
#define DEFINE_SPINLOCK(l) spinlock_t l = SPIN_LOCK_UNLOCKED

static inline void spin_lock(spinlock_t *l)
{
    uint16_t me = __atomic_fetch_add(&l->tail, 1, __ATOMIC_ACQUIRE);

    while (__atomic_load_n(&l->head, __ATOMIC_ACQUIRE) != me)
        __builtin_ia32_pause();
}

static inline void spin_unlock(spinlock_t *l)
{
    __atomic_store_n(&l->head, (uint16_t)(l->head + 1), __ATOMIC_RELEASE);
}

/* Take the lock only if nobody holds it or waits for it; true if taken. */
static inline bool spin_trylock(spinlock_t *l)
{
    uint16_t head = __atomic_load_n(&l->head, __ATOMIC_RELAXED);
    uint16_t expected = head;

    /* Free means tail == head: take ticket `head` by moving tail past it. */
    return __atomic_compare_exchange_n(&l->tail, &expected, (uint16_t)(head + 1), false,
                                       __ATOMIC_ACQUIRE, __ATOMIC_RELAXED);
}

static inline bool spin_is_locked(const spinlock_t *l)
{
    return l->head != l->tail;
}

static inline unsigned long irq_save(void)
{
    unsigned long flags;

    __asm__ __volatile__("pushf; pop %0; cli" : "=r"(flags) : : "memory");
    return flags;
}

static inline void irq_restore(unsigned long flags)
{
    __asm__ __volatile__("push %0; popf" : : "r"(flags) : "memory", "cc");
}

#define spin_lock_irqsave(l, f) do { (f) = irq_save(); spin_lock(l); } while (0)
#define spin_unlock_irqrestore(l, f) do { spin_unlock(l); irq_restore(f); } while (0)

/* Used only on the way down (panic): forget any owner. */
static inline void spin_lock_init(spinlock_t *l)
{
    l->head = l->tail = 0;
}

#endif
