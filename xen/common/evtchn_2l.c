/*
 * 2-level event channel bit logic on the shared_info and vcpu_info pages
 * (see xen/evtchn_2l.h).  No locks: the guest owns these words as much as
 * we do, so every change is one atomic operation and the order of them is
 * what makes delivery reliable: pending first, then the selector, then
 * the upcall flag, each set only if the previous one was newly set.
 */
#include <xen/errno.h>
#include <xen/evtchn_2l.h>

static bool test_and_set(uint64_t *w, unsigned int bit)
{
    uint64_t m = 1ULL << bit;

    return __atomic_fetch_or(w, m, __ATOMIC_SEQ_CST) & m;
}

static bool test(const uint64_t *w, unsigned int bit)
{
    return (__atomic_load_n(w, __ATOMIC_SEQ_CST) >> bit) & 1;
}

bool evtchn_2l_raise(struct vcpu_info *vi, unsigned int word)
{
    if (!vi || test_and_set(&vi->evtchn_pending_sel, word))
        return false;
    return !__atomic_exchange_n(&vi->evtchn_upcall_pending, 1, __ATOMIC_SEQ_CST);
}

bool evtchn_2l_set_pending(struct shared_info *s, struct vcpu_info *vi, unsigned int port)
{
    unsigned int word = port / EVTCHN_2L_WORD_BITS, bit = port % EVTCHN_2L_WORD_BITS;

    if (port >= EVTCHN_2L_PORTS || test_and_set(&s->evtchn_pending[word], bit))
        return false;
    if (test(&s->evtchn_mask[word], bit))
        return false;
    return evtchn_2l_raise(vi, word);
}

bool evtchn_2l_unmask(struct shared_info *s, struct vcpu_info *vi, unsigned int port)
{
    unsigned int word = port / EVTCHN_2L_WORD_BITS, bit = port % EVTCHN_2L_WORD_BITS;

    if (port >= EVTCHN_2L_PORTS)
        return false;
    __atomic_fetch_and(&s->evtchn_mask[word], ~(1ULL << bit), __ATOMIC_SEQ_CST);
    if (!test(&s->evtchn_pending[word], bit))
        return false;
    return evtchn_2l_raise(vi, word);
}

void evtchn_2l_clear_pending(struct shared_info *s, unsigned int port)
{
    if (port < EVTCHN_2L_PORTS)
        __atomic_fetch_and(&s->evtchn_pending[port / EVTCHN_2L_WORD_BITS],
                           ~(1ULL << (port % EVTCHN_2L_WORD_BITS)), __ATOMIC_SEQ_CST);
}

bool evtchn_2l_is_pending(const struct shared_info *s, unsigned int port)
{
    return port < EVTCHN_2L_PORTS &&
           test(&s->evtchn_pending[port / EVTCHN_2L_WORD_BITS], port % EVTCHN_2L_WORD_BITS);
}

bool evtchn_2l_is_masked(const struct shared_info *s, unsigned int port)
{
    return port < EVTCHN_2L_PORTS &&
           test(&s->evtchn_mask[port / EVTCHN_2L_WORD_BITS], port % EVTCHN_2L_WORD_BITS);
}

int evtchn_2l_find_free(const uint8_t *in_use, unsigned int nr)
{
    unsigned int p;

    for (p = 1; p < nr; p++)
        if (!in_use[p])
            return (int)p;
    return -ENOSPC;
}
