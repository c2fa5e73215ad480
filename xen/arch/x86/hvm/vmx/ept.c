/*
 * The p2m's EPT encoder: builds and decodes EPT entries, the EPT pointer,
 * and flushes cached EPT translations with INVEPT.
 */
#include <asm/hvm/vmx/ept.h>
#include <xen/lib.h>
#include <asm/page.h>

static uint64_t ept_make_leaf(const struct p2m_leaf *l, unsigned int level)
{
    unsigned int access = p2m_type_access(l->type);
    ept_entry_t e = {.raw = 0};

    e.r = !!(access & P2M_ACCESS_R);
    e.w = !!(access & P2M_ACCESS_W);
    e.x = !!(access & P2M_ACCESS_X);
    e.emt = l->mt;
    /*
     * RAM takes the p2m's type whatever the guest's PAT says; for device
     * memory the guest's PAT still applies, so it can ask for UC or WC.
     */
    e.ipat = l->type != p2m_mmio_direct;
    e.sp = level > P2M_LEVEL_4K;
    e.mfn = p2m_type_has_mfn(l->type) ? l->mfn : 0;
    e.sw_type = l->type;
    /* Faults on the p2m's own entries (e.g. populate on demand) stay VM exits. */
    e.suppress_ve = 1;
    return e.raw;
}

static uint64_t ept_make_table(paddr_t table_ma)
{
    /* Full access: leaves alone decide. */
    ept_entry_t e = {.raw = 0};

    e.r = 1;
    e.w = 1;
    e.x = 1;
    e.mfn = table_ma >> PAGE_SHIFT;
    return e.raw;
}

static bool ept_is_present(uint64_t raw)
{
    ept_entry_t e = {.raw = raw};

    return e.r || e.w || e.x;
}

static bool ept_is_table(uint64_t raw, unsigned int level)
{
    ept_entry_t e = {.raw = raw};

    if (level == P2M_LEVEL_4K || !ept_is_present(raw))
        return false;
    return level > P2M_LEVEL_1G || !e.sp;
}

static paddr_t ept_table_maddr(uint64_t raw)
{
    ept_entry_t e = {.raw = raw};

    return (paddr_t)e.mfn << PAGE_SHIFT;
}

static void ept_decode_leaf(uint64_t raw, unsigned int level, struct p2m_leaf *l)
{
    ept_entry_t e = {.raw = raw};

    l->type = (p2m_type_t)e.sw_type;
    l->mt = (p2m_memtype_t)e.emt;
    l->mfn = e.mfn;
}

uint64_t ept_eptp(const struct p2m *p2m, bool ad)
{
    ept_pointer_t p = {.raw = 0};

    p.memtype = P2M_MT_WB;
    p.walk_len_m1 = p2m->levels - 1;
    p.ad = ad;
    p.mfn = p2m->root >> PAGE_SHIFT;
    return p.raw;
}

static void ept_invept(unsigned int type, uint64_t eptp)
{
    struct ept_invept_desc desc = {.eptp = eptp, .rsvd = 0};
    bool failed;

    /* VMfailInvalid sets CF, VMfailValid ZF. */
    __asm__ __volatile__("invept %[desc], %q[type]"
                         : "=@ccbe"(failed)
                         : [desc] "m"(desc), [type] "r"((unsigned long)type)
                         : "memory");
    BUG_ON(failed);
}

void ept_invept_single(uint64_t eptp)
{
    ept_invept(EPT_INVEPT_SINGLE_CONTEXT, eptp);
}

void ept_invept_all(void)
{
    ept_invept(EPT_INVEPT_ALL_CONTEXT, 0);
}

/*
 * Invalidates this CPU's translations.  Single-context INVEPT only looks
 * at the table address, but the EPTP must still be valid, hence no A/D.
 * Other CPUs that ran this p2m are the VMX code's to reach (IPI) before
 * the p2m may free tables; none exist until HVM guests run.
 */
static void ept_flush(struct p2m *p2m)
{
    ept_invept_single(ept_eptp(p2m, false));
}

const struct p2m_ops ept_p2m_ops = {
    .name = "EPT",
    .make_leaf = ept_make_leaf,
    .make_table = ept_make_table,
    .is_present = ept_is_present,
    .is_table = ept_is_table,
    .table_maddr = ept_table_maddr,
    .decode_leaf = ept_decode_leaf,
    .flush = ept_flush,
};
