/*
 * The VPID pool: a bitmap searched round-robin from the last VPID handed
 * out, so a just-freed VPID is the last to be reused (its stale
 * translations are flushed anyway whenever a VMCS becomes active on a
 * CPU, see vmx_load(); round-robin only spreads the tags).
 */
#include <xen/string.h>
#include <asm/hvm/vmx/vpid.h>

static bool vpid_test(const struct vpid_pool *p, unsigned int id)
{
    return p->used[id / 64] & (1ULL << (id % 64));
}

void vpid_pool_init(struct vpid_pool *p, unsigned int limit)
{
    memset(p, 0, sizeof(*p));
    p->limit = limit > VPID_MAX ? VPID_MAX : limit;
    p->next = 1;
}

uint16_t vpid_alloc(struct vpid_pool *p)
{
    unsigned int i, id = p->next;

    if (p->nr_used >= p->limit)
        return 0;
    for (i = 0; i < p->limit; i++, id++) {
        if (id == 0 || id > p->limit)
            id = 1;
        if (!vpid_test(p, id)) {
            p->used[id / 64] |= 1ULL << (id % 64);
            p->nr_used++;
            p->next = id + 1;
            return (uint16_t)id;
        }
    }
    return 0;
}

void vpid_free(struct vpid_pool *p, uint16_t vpid)
{
    if (vpid == 0 || vpid > p->limit || !vpid_test(p, vpid))
        return;
    p->used[vpid / 64] &= ~(1ULL << (vpid % 64));
    p->nr_used--;
}
