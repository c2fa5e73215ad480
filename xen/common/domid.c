/*
 * Domain-id and name rules, and the id allocator's bitmap: pure code,
 * tested on the host.  Ids 0..0x7FEF name domains; 0x7FF0 and above are
 * Xen's reserved ids (DOMID_SELF, DOMID_IO, DOMID_XEN, ...).
 */
#include <xen/errno.h>
#include <xen/domain.h>

int domid_check(unsigned int id)
{
    return id < DOMID_FIRST_RESERVED ? 0 : -EINVAL;
}

bool domid_in_use(const struct domid_map *m, unsigned int id)
{
    return id < DOMID_FIRST_RESERVED && ((m->bits[id / 64] >> (id % 64)) & 1);
}

int domid_claim(struct domid_map *m, unsigned int id)
{
    if (domid_check(id))
        return -EINVAL;
    if (domid_in_use(m, id))
        return -EEXIST;
    m->bits[id / 64] |= 1ULL << (id % 64);
    return 0;
}

void domid_release(struct domid_map *m, unsigned int id)
{
    if (!domid_check(id))
        m->bits[id / 64] &= ~(1ULL << (id % 64));
}

int domid_alloc(struct domid_map *m, unsigned int from)
{
    unsigned int n, id;

    if (from == 0 || from >= DOMID_FIRST_RESERVED)
        from = 1;
    /* Every id from 1 once, starting at `from`. */
    for (n = 0, id = from; n < DOMID_FIRST_RESERVED - 1; n++) {
        if (!domid_in_use(m, id)) {
            domid_claim(m, id);
            return (int)id;
        }
        id = id + 1 < DOMID_FIRST_RESERVED ? id + 1 : 1;
    }
    return -ENOSPC;
}

int domain_name_check(const char *name)
{
    unsigned int i;

    if (!name || !name[0])
        return -EINVAL;
    for (i = 0; name[i]; i++) {
        if (i >= DOMAIN_NAME_LEN - 1)
            return -EINVAL;
        if (name[i] <= ' ' || name[i] > '~')
            return -EINVAL;
    }
    return 0;
}
