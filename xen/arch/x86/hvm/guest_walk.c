/*
 * Walking a guest's page tables in software: translation of guest-linear
 * addresses for emulation and hypercall arguments, with the present,
 * reserved-bit, U/S, R/W, NX, SMEP, SMAP, WP and protection-key checks of
 * SDM "Paging" / APM "Page Translation and Protection", and the copies to,
 * from and instruction fetches from guest-linear memory built on it.
 *
 * Accessed and Dirty bits: set (through env->cmpxchg_gpa, atomically, so
 * that a concurrent change by another vCPU is never lost) only when the
 * whole access is allowed, top level first, D with the leaf's A for a
 * write.  An access that faults leaves them as they were.
 */
#include <xen/lib.h>
#include <asm/page.h>
#include <asm/hvm/guest_walk.h>

/* Entry bits beyond asm/page.h's: SDM tables "Format of ... Entry". */
#define GPTE_PK_SHIFT 59 /* protection key, bits 62:59 of a 4-level leaf */
#define GPTE_PK_MASK 0xfULL
#define PAE_PDPTE_RSVD 0x1e6ULL /* PAE PDPTE bits 8:5 and 2:1 */
#define PSE36_SHIFT 13          /* 4 MiB PDE: bits 20:13 are address bits 39:32 */

#define PAGE_SIZE_4K (1ULL << 12)
#define PAGE_SIZE_4M (1ULL << 22)

/* Bits lo..hi inclusive. */
static uint64_t bits(unsigned int hi, unsigned int lo)
{
    uint64_t upto_hi = hi >= 63 ? ~0ULL : (1ULL << (hi + 1)) - 1;

    return upto_hi & ~((1ULL << lo) - 1);
}

/* How one paging mode is laid out. */
struct paging_layout {
    unsigned int top;        /* highest level */
    unsigned int entry_size; /* bytes */
    unsigned int shift[5];   /* by level: lowest linear bit the level translates */
    unsigned int idx_bits[5];
};

static const struct paging_layout layout_32 = {
    .top = 2,
    .entry_size = 4,
    .shift = {0, 12, 22},
    .idx_bits = {0, 10, 10},
};
static const struct paging_layout layout_pae = {
    .top = 3,
    .entry_size = 8,
    .shift = {0, 12, 21, 30},
    .idx_bits = {0, 9, 9, 2},
};
static const struct paging_layout layout_4level = {
    .top = 4,
    .entry_size = 8,
    .shift = {0, 12, 21, 30, 39},
    .idx_bits = {0, 9, 9, 9, 9},
};

/* Address bits 39:32 a 4 MiB page can give, limited by MAXPHYADDR. */
static unsigned int pse36_bits(const struct guest_walk_env *env)
{
    unsigned int m = env->maxphyaddr > 40 ? 40 : env->maxphyaddr;

    return m > 32 ? m - 32 : 0;
}

/* Address bits of an entry (PAE and 4-level): M-1 .. 12. */
static uint64_t addr_mask(const struct guest_walk_env *env)
{
    return bits(env->maxphyaddr - 1, 12);
}

/* Does a present entry at this level map a page rather than a table? */
static bool is_leaf(const struct guest_walk_env *env, unsigned int level, uint64_t e)
{
    if (level == GW_LEVEL_PTE)
        return true;
    if (!(e & _PAGE_PSE))
        return false;
    switch (env->mode) {
    case GUEST_PAGING_32:
        return level == GW_LEVEL_PDE && env->cr4_pse;
    case GUEST_PAGING_PAE:
        return level == GW_LEVEL_PDE;
    case GUEST_PAGING_4LEVEL:
    default:
        /* PS in a PML4E, or in a PDPTE without 1 GiB pages, is a reserved bit. */
        return level == GW_LEVEL_PDE || level == GW_LEVEL_PDPTE;
    }
}

/* Bits of a present entry that must be zero. */
static uint64_t reserved_bits(const struct guest_walk_env *env, unsigned int level, uint64_t e)
{
    uint64_t r;

    if (env->mode == GUEST_PAGING_32) {
        if (level == GW_LEVEL_PDE && env->cr4_pse && (e & _PAGE_PSE))
            return bits(21, PSE36_SHIFT + pse36_bits(env));
        return 0;
    }

    if (env->mode == GUEST_PAGING_PAE) {
        r = bits(62, env->maxphyaddr);
        if (level == GW_LEVEL_PDPTE)
            return r | _PAGE_NX | PAE_PDPTE_RSVD;
    } else {
        r = env->maxphyaddr < 52 ? bits(51, env->maxphyaddr) : 0;
        if (level == GW_LEVEL_PML4E)
            r |= _PAGE_PSE;
        if (level == GW_LEVEL_PDPTE && (e & _PAGE_PSE))
            r |= env->has_1g_pages ? bits(29, 13) : _PAGE_PSE;
    }
    if (!env->efer_nxe)
        r |= _PAGE_NX;
    if (level == GW_LEVEL_PDE && (e & _PAGE_PSE))
        r |= bits(20, 13);
    return r;
}

/* The I/D bit is reported only where execute protection exists. */
static bool reports_fetch(const struct guest_walk_env *env)
{
    return env->cr4_smep || (env->efer_nxe && env->mode != GUEST_PAGING_32);
}

static uint32_t pfec_of(const struct guest_walk_env *env, unsigned int access)
{
    uint32_t pfec = 0;

    if (access & GW_ACCESS_WRITE)
        pfec |= PFEC_WRITE;
    if (access & GW_ACCESS_USER)
        pfec |= PFEC_USER;
    if ((access & GW_ACCESS_FETCH) && reports_fetch(env))
        pfec |= PFEC_FETCH;
    return pfec;
}

/*
 * Page-level protection of a complete translation (SDM: "Access Rights",
 * "Protection Keys").  Returns the #PF error code bits it adds, 0 if the
 * access is allowed.
 */
static uint32_t check_rights(const struct guest_walk_env *env, unsigned int access,
                             const struct guest_walk_result *res, uint64_t leaf)
{
    bool write = access & GW_ACCESS_WRITE, fetch = access & GW_ACCESS_FETCH;
    bool user_access = access & GW_ACCESS_USER;
    bool denied = false;
    uint32_t pk = 0;

    if (user_access) {
        denied = !res->user || (write && !res->writable) || (fetch && res->nx);
    } else if (fetch) {
        denied = res->nx || (res->user && env->cr4_smep);
    } else {
        /* SMAP: supervisor data accesses to user pages, unless AC at CPL < 3. */
        if (res->user && env->cr4_smap && !(env->eflags_ac && env->cpl < 3))
            denied = true;
        if (write && !res->writable && env->cr0_wp)
            denied = true;
    }

    if (env->cr4_pke && env->mode == GUEST_PAGING_4LEVEL && res->user && !fetch) {
        unsigned int key = (unsigned int)((leaf >> GPTE_PK_SHIFT) & GPTE_PK_MASK);
        bool ad = (env->pkru >> (2 * key)) & 1, wd = (env->pkru >> (2 * key + 1)) & 1;

        if (ad || (write && wd && (user_access || env->cr0_wp)))
            pk = PFEC_PK;
    }
    return denied || pk ? PFEC_PRESENT | pk : 0;
}

static int fault(const struct guest_walk_env *env, unsigned int access,
                 struct guest_walk_result *res, unsigned int level, uint32_t bits_set)
{
    res->pfec = pfec_of(env, access) | bits_set;
    res->level = level;
    return -EFAULT;
}

/*
 * Set A in every entry used (and D in the leaf for a write).  Returns
 * -EAGAIN if an entry changed under us: the caller walks again.
 */
static int set_accessed_dirty(const struct guest_walk_env *env, const struct paging_layout *l,
                              const uint64_t *entry_gpa, const struct guest_walk_result *res,
                              unsigned int access)
{
    unsigned int level;

    for (level = l->top; level >= res->level; level--) {
        uint64_t old = res->entries[level - 1], new_val = old | _PAGE_ACCESSED;
        int rc;

        /* PAE PDPTEs have no A bit (bit 5 is reserved), and cached ones no address. */
        if (env->mode == GUEST_PAGING_PAE && level == GW_LEVEL_PDPTE)
            continue;
        if (level == res->level && (access & GW_ACCESS_WRITE))
            new_val |= _PAGE_DIRTY;
        if (new_val == old)
            continue;
        rc = env->cmpxchg_gpa(env->ctx, entry_gpa[level - 1], old, new_val, l->entry_size);
        if (rc)
            return rc;
    }
    return 0;
}

static int read_entry(const struct guest_walk_env *env, const struct paging_layout *l, uint64_t gpa,
                      uint64_t *e)
{
    int rc;

    if (l->entry_size == 4) {
        uint32_t v;

        rc = env->read_gpa(env->ctx, gpa, &v, sizeof(v));
        *e = v;
    } else {
        rc = env->read_gpa(env->ctx, gpa, e, sizeof(*e));
    }
    return rc;
}

static int walk_once(const struct guest_walk_env *env, const struct paging_layout *l,
                     uint64_t linear, unsigned int access, struct guest_walk_result *res)
{
    uint64_t table, e = 0, entry_gpa[4] = {0}, size;
    unsigned int level;
    uint32_t denied;

    res->user = true;
    res->writable = true;
    res->nx = false;

    if (env->mode == GUEST_PAGING_4LEVEL)
        table = env->cr3 & addr_mask(env);
    else if (env->mode == GUEST_PAGING_PAE)
        table = env->cr3 & bits(31, 5);
    else
        table = env->cr3 & bits(31, 12);

    for (level = l->top;; level--) {
        uint64_t idx = (linear >> l->shift[level]) & ((1ULL << l->idx_bits[level]) - 1);
        int rc = 0;

        entry_gpa[level - 1] = table + idx * l->entry_size;
        if (env->mode == GUEST_PAGING_PAE && level == GW_LEVEL_PDPTE && env->pdptes)
            e = env->pdptes[idx];
        else
            rc = read_entry(env, l, entry_gpa[level - 1], &e);
        if (rc)
            return rc;
        res->entries[level - 1] = e;

        if (!(e & _PAGE_PRESENT))
            return fault(env, access, res, level, 0);
        if (e & reserved_bits(env, level, e))
            return fault(env, access, res, level, PFEC_PRESENT | PFEC_RSVD);
        /* PAE PDPTEs carry no rights: their R/W, U/S and XD bits are reserved. */
        if (!(env->mode == GUEST_PAGING_PAE && level == GW_LEVEL_PDPTE)) {
            res->writable &= !!(e & _PAGE_RW);
            res->user &= !!(e & _PAGE_USER);
            res->nx |= env->efer_nxe && (e & _PAGE_NX);
        }
        if (is_leaf(env, level, e))
            break;
        table = env->mode == GUEST_PAGING_32 ? e & bits(31, 12) : e & addr_mask(env);
    }
    res->level = level;

    size = 1ULL << l->shift[level];
    if (env->mode == GUEST_PAGING_32 && level == GW_LEVEL_PDE) {
        uint64_t high = (e >> PSE36_SHIFT) & ((1ULL << pse36_bits(env)) - 1);

        size = PAGE_SIZE_4M;
        res->gpa = (e & bits(31, 22)) | (high << 32);
    } else if (env->mode == GUEST_PAGING_32) {
        res->gpa = e & bits(31, 12);
    } else {
        res->gpa = e & addr_mask(env) & ~(size - 1);
    }
    res->gpa |= linear & (size - 1);
    res->page_size = size;

    denied = check_rights(env, access, res, e);
    if (denied)
        return fault(env, access, res, level, denied);

    if (env->cmpxchg_gpa)
        return set_accessed_dirty(env, l, entry_gpa, res, access);
    return 0;
}

/* Retries when a concurrent change of an entry defeats an A/D update. */
#define GUEST_WALK_AD_RETRIES 8

int guest_walk(const struct guest_walk_env *env, uint64_t linear, unsigned int access,
               struct guest_walk_result *res)
{
    const struct paging_layout *l;
    unsigned int tries;
    int rc;

    memset(res, 0, sizeof(*res));
    if (!env->read_gpa || env->maxphyaddr < 32 || env->maxphyaddr > 52 ||
        ((access & GW_ACCESS_USER) && (access & GW_ACCESS_IMPLICIT)))
        return -EINVAL;

    switch (env->mode) {
    case GUEST_PAGING_NONE:
        if (linear >> 32)
            return -EINVAL;
        res->gpa = linear;
        res->page_size = PAGE_SIZE_4K;
        res->writable = true;
        res->user = true;
        return 0;
    case GUEST_PAGING_32:
        l = &layout_32;
        if (linear >> 32)
            return -EINVAL;
        break;
    case GUEST_PAGING_PAE:
        l = &layout_pae;
        if (linear >> 32)
            return -EINVAL;
        break;
    case GUEST_PAGING_4LEVEL:
        l = &layout_4level;
        /* Canonical: bits 63:47 all equal. */
        if ((uint64_t)((int64_t)(linear << 16) >> 16) != linear)
            return -EINVAL;
        break;
    case GUEST_PAGING_5LEVEL:
        return -EOPNOTSUPP;
    default:
        return -EINVAL;
    }

    for (tries = 0; tries < GUEST_WALK_AD_RETRIES; tries++) {
        rc = walk_once(env, l, linear, access, res);
        if (rc != -EAGAIN)
            return rc;
        memset(res, 0, sizeof(*res));
    }
    return -EAGAIN;
}

/* ---- Checked copies ------------------------------------------------------ */

static int copy_linear(const struct guest_walk_env *env, uint64_t linear, uint8_t *buf, size_t len,
                       unsigned int access, struct guest_copy_fault *fault_out)
{
    bool to_guest = access & GW_ACCESS_WRITE;
    struct guest_copy_fault f = {0};
    int rc = 0;

    if (env->cpl == 3)
        access |= GW_ACCESS_USER;
    if (to_guest && !env->write_gpa)
        rc = -EINVAL;
    while (!rc && f.done < len) {
        uint64_t addr = linear + f.done;
        size_t chunk = PAGE_SIZE_4K - (addr & (PAGE_SIZE_4K - 1));
        struct guest_walk_result res;

        if (chunk > len - f.done)
            chunk = len - f.done;
        /* Page by page: contiguous guest-linear pages need not be contiguous in the p2m. */
        rc = guest_walk(env, addr, access, &res);
        if (!rc && to_guest)
            rc = env->write_gpa(env->ctx, res.gpa, buf + f.done, (unsigned int)chunk);
        else if (!rc)
            rc = env->read_gpa(env->ctx, res.gpa, buf + f.done, (unsigned int)chunk);
        if (rc) {
            f.linear = addr;
            f.pfec = rc == -EFAULT ? res.pfec : 0;
            f.level = rc == -EFAULT ? res.level : 0;
            break;
        }
        f.done += chunk;
    }
    if (!rc)
        f.linear = linear + len;
    if (fault_out)
        *fault_out = f;
    return rc;
}

int copy_from_guest_linear(const struct guest_walk_env *env, void *dst, uint64_t linear, size_t len,
                           struct guest_copy_fault *fault_out)
{
    return copy_linear(env, linear, dst, len, GW_ACCESS_READ, fault_out);
}

int copy_to_guest_linear(const struct guest_walk_env *env, uint64_t linear, const void *src,
                         size_t len, struct guest_copy_fault *fault_out)
{
    /* The buffer is only read on this path. */
    return copy_linear(env, linear, (uint8_t *)(uintptr_t)src, len, GW_ACCESS_WRITE, fault_out);
}

int fetch_from_guest_linear(const struct guest_walk_env *env, void *dst, uint64_t linear,
                            size_t len, struct guest_copy_fault *fault_out)
{
    return copy_linear(env, linear, dst, len, GW_ACCESS_FETCH, fault_out);
}
