/*
 * The p2m's NPT encoder: builds and decodes nested page-table entries and
 * the nested CR3.  TLB flushes go through the VMCB (TLB_CONTROL on the next
 * VMRUN), which the SVM code requests when p2m->tlb_gen moves; svm.c adds
 * the flush hook that kicks CPUs still in the guest.
 */
#include <asm/hvm/svm/npt.h>
#include <xen/lib.h>
#include <asm/page.h>

/* PAT index (PAT:PCD:PWT) of each memory type in NPT_HOST_PAT. */
static const uint8_t npt_pat_index[8] = {
    [P2M_MT_WB] = 0, [P2M_MT_WT] = 1, [P2M_MT_UC] = 3, [P2M_MT_WC] = 4, [P2M_MT_WP] = 5,
};

/* Memory type of each PAT index; UC- reads back as UC. */
static const p2m_memtype_t npt_pat_type[8] = {
    P2M_MT_WB, P2M_MT_WT, P2M_MT_UC, P2M_MT_UC, P2M_MT_WC, P2M_MT_WP, P2M_MT_UC, P2M_MT_UC,
};

#define NPT_PAT_PWT 1u
#define NPT_PAT_PCD 2u
#define NPT_PAT_PAT 4u

static uint64_t npt_make_leaf(const struct p2m_leaf *l, unsigned int level)
{
    unsigned int access = p2m_type_access(l->type);
    unsigned int pat = npt_pat_index[l->mt % 8];
    npt_entry_t e = {.raw = 0};

    /* No read-only-without-present: any access makes the entry present. */
    e.p = !!(access & P2M_ACCESS_R);
    e.rw = !!(access & P2M_ACCESS_W);
    e.us = 1;
    e.nx = !(access & P2M_ACCESS_X);
    e.mfn = p2m_type_has_mfn(l->type) ? l->mfn : 0;
    e.pwt = !!(pat & NPT_PAT_PWT);
    e.pcd = !!(pat & NPT_PAT_PCD);
    if (level > P2M_LEVEL_4K) {
        e.ps = 1;
        e.pat_large = !!(pat & NPT_PAT_PAT);
    } else {
        e.pat_4k = !!(pat & NPT_PAT_PAT);
    }
    e.sw_type = l->type;
    return e.raw;
}

static uint64_t npt_make_table(paddr_t table_ma)
{
    /* Full access (user, writable, executable): leaves alone decide. */
    npt_entry_t e = {.raw = 0};

    e.p = 1;
    e.rw = 1;
    e.us = 1;
    e.mfn = table_ma >> PAGE_SHIFT;
    return e.raw;
}

static bool npt_is_present(uint64_t raw)
{
    npt_entry_t e = {.raw = raw};

    return e.p;
}

static bool npt_is_table(uint64_t raw, unsigned int level)
{
    npt_entry_t e = {.raw = raw};

    if (level == P2M_LEVEL_4K || !e.p)
        return false;
    return level > P2M_LEVEL_1G || !e.ps;
}

static paddr_t npt_table_maddr(uint64_t raw)
{
    npt_entry_t e = {.raw = raw};

    return (paddr_t)e.mfn << PAGE_SHIFT;
}

static void npt_decode_leaf(uint64_t raw, unsigned int level, struct p2m_leaf *l)
{
    npt_entry_t e = {.raw = raw};
    unsigned int pat = (e.pwt ? NPT_PAT_PWT : 0) | (e.pcd ? NPT_PAT_PCD : 0);
    mfn_t mfn = e.mfn;

    if (level > P2M_LEVEL_4K) {
        pat |= e.pat_large ? NPT_PAT_PAT : 0;
        /* The frame field's low bits hold PAT (and reserved zeros). */
        mfn &= ~((1ULL << P2M_LEVEL_ORDER(level)) - 1);
    } else {
        pat |= e.pat_4k ? NPT_PAT_PAT : 0;
    }
    l->type = (p2m_type_t)e.sw_type;
    l->mt = npt_pat_type[pat];
    l->mfn = mfn;
}

uint64_t npt_ncr3(const struct p2m *p2m)
{
    /* PWT and PCD clear: the tables themselves are write-back. */
    return p2m->root & PTE_ADDR_MASK;
}

const struct p2m_ops npt_p2m_ops = {
    .name = "NPT",
    .make_leaf = npt_make_leaf,
    .make_table = npt_make_table,
    .is_present = npt_is_present,
    .is_table = npt_is_table,
    .table_maddr = npt_table_maddr,
    .decode_leaf = npt_decode_leaf,
    /* svm.c fills it in its copy of these ops (it needs the domain's CPUs). */
    .flush = NULL,
};
