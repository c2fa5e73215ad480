/*
 * The p2m: a domain's guest-physical to machine map, vendor-neutral.
 *
 * The tree is a radix tree of 4 KiB tables of 512 entries (4 levels, 5 for
 * guest-physical spaces wider than 48 bits) whose leaves map 4 KiB, 2 MiB or
 * 1 GiB.  The tables ARE the hardware tables (EPT or NPT): entries are built
 * and decoded by a vendor encoder (struct p2m_ops), and the p2m type lives in
 * bits the hardware ignores, so a lookup recovers everything from the entry.
 *
 * The tree is kept canonical: every change uses the largest leaves alignment
 * allows, splits a superpage only when part of it changes, and afterwards
 * merges any table whose 512 entries could be one larger leaf (or are all
 * empty) back into its parent, freeing the table page.
 */
#ifndef XEN_P2M_H
#define XEN_P2M_H

#include <xen/types.h>
#include <xen/spinlock.h>

typedef uint64_t gfn_t; /* guest frame number */

#define INVALID_MFN (~(mfn_t)0)

/*
 * What a guest frame is.  p2m_invalid must stay 0: an all-zero entry is
 * an empty slot in every encoder's format.  At most 16 types: encoders
 * keep the type in a 4-bit software field.
 */
typedef enum p2m_type {
    p2m_invalid = 0,        /* nothing mapped */
    p2m_ram_rw,             /* guest RAM */
    p2m_ram_ro,             /* guest RAM, writes fault */
    p2m_mmio_direct,        /* a host device's MMIO passed through */
    p2m_populate_on_demand, /* RAM not yet backed: backed on first touch */
    p2m_grant_map_rw,       /* another domain's page, granted */
    p2m_grant_map_ro,
    p2m_map_foreign, /* another domain's page, mapped by privilege */
    /*
     * Guest RAM whose machine frames are allocated (a 1 GiB chunk taken on
     * a first touch) but not yet scrubbed: not present to the hardware, so
     * the guest's touch faults and the piece touched is scrubbed and made
     * p2m_ram_rw.  Keeping the frames in the entry lets the pieces merge
     * back into one 1 GiB leaf once all of them are scrubbed.
     */
    p2m_ram_unscrubbed,
    P2M_NR_TYPES
} p2m_type_t;

/* Memory types, with the architectural encodings (SDM: "Memory Types"). */
typedef enum p2m_memtype {
    P2M_MT_UC = 0,
    P2M_MT_WC = 1,
    P2M_MT_WT = 4,
    P2M_MT_WP = 5,
    P2M_MT_WB = 6,
} p2m_memtype_t;

/* Access a type grants the guest: encoders turn this into R/W/X bits. */
#define P2M_ACCESS_R 1u
#define P2M_ACCESS_W 2u
#define P2M_ACCESS_X 4u

/* Leaf levels: a leaf at level L maps 2^(9L) frames. */
#define P2M_LEVEL_4K 0
#define P2M_LEVEL_2M 1
#define P2M_LEVEL_1G 2
#define P2M_NR_LEAF_LEVELS 3
#define P2M_LEVEL_ORDER(l) ((l)*9u)

/* A leaf, decoded.  mfn is the first frame, INVALID_MFN if the type has none. */
struct p2m_leaf {
    p2m_type_t type;
    p2m_memtype_t mt;
    mfn_t mfn;
};

struct p2m;

/* What first touches cost, by the kind of piece populated (p2m_pod_touch()). */
enum p2m_pod_kind {
    POD_1G_CLEAN,       /* a clean 1 GiB chunk mapped whole */
    POD_1G_SCRUBBED,    /* a dirty 1 GiB chunk scrubbed whole and mapped */
    POD_2M_CLEAN,       /* a clean 2 MiB chunk mapped */
    POD_2M_SCRUBBED,    /* 2 MiB scrubbed (a new chunk, or a piece of a reserved GiB) */
    POD_4K,             /* 4 KiB zeroed: the host had nothing larger */
    POD_NR_KINDS
};

struct p2m_pod_kind_stats {
    uint64_t count;
    uint64_t ticks;     /* summed cost, in the caller's time unit (TSC ticks) */
    uint64_t max_ticks;
};

/* Lazy population state of one p2m (common/p2m_pod.c). */
struct p2m_pod {
    spinlock_t lock;            /* one first touch at a time */
    uint64_t claimed;           /* host pages claimed for the p2m_populate_on_demand frames */
    uint64_t allocated;         /* machine pages allocated by touches */
    unsigned int touch_order;   /* piece scrubbed per touch of a dirty GiB: 9 or 18 */
    struct p2m_pod_kind_stats kind[POD_NR_KINDS];
};

/*
 * A vendor's entry format (vmx/ept.c, svm/npt.c).  Contract: the all-zero
 * entry is the empty slot (the p2m writes 0 for p2m_invalid and never asks
 * make_leaf for it); every other leaf is non-zero and keeps its type; an
 * entry of a type that grants no access is not present to the hardware.
 */
struct p2m_ops {
    const char *name;
    /* An entry mapping 2^(9*level) frames (level 0..2). */
    uint64_t (*make_leaf)(const struct p2m_leaf *leaf, unsigned int level);
    /* An entry referencing the next-level table at table_ma. */
    uint64_t (*make_table)(paddr_t table_ma);
    /* The hardware may use (and cache) the entry: changing it needs a flush. */
    bool (*is_present)(uint64_t e);
    /* The entry references a next-level table (rather than being a leaf). */
    bool (*is_table)(uint64_t e, unsigned int level);
    paddr_t (*table_maddr)(uint64_t e);
    /* Recovers the leaf from an entry that is not a table. */
    void (*decode_leaf)(uint64_t e, unsigned int level, struct p2m_leaf *leaf);
    /*
     * Makes CPUs forget translations of this p2m; NULL if p2m->tlb_gen
     * alone does it.  Called only when p2m->hw_loaded, after tlb_gen moved.
     * Table pages unlinked by a change are freed right after it returns:
     * once guests run on several CPUs, it must not return while another
     * CPU can still walk them (IPI those running the domain and wait).
     */
    void (*flush)(struct p2m *p2m);
};

struct p2m_stats {
    uint64_t leaves[P2M_NR_LEAF_LEVELS]; /* mapped leaves (any type but invalid) by size */
    uint64_t type_frames[P2M_NR_TYPES];  /* 4 KiB frames of each type */
    uint64_t ram_leaves[P2M_NR_LEAF_LEVELS]; /* leaves of present RAM (ram_rw/ro) by size */
    uint64_t frames;                     /* 4 KiB frames those leaves cover */
    uint64_t table_pages;                /* table pages, the root included */
    uint64_t meta_bytes;                 /* memory the tables take */
};

struct p2m {
    const struct p2m_ops *ops;
    spinlock_t lock;
    paddr_t root;        /* machine address of the top-level table */
    unsigned int levels; /* 4, or 5 when gpa_bits > 48 */
    unsigned int gpa_bits;
    unsigned int max_leaf_level; /* largest leaf the hardware supports */
    gfn_t max_gfn;               /* first gfn beyond the guest-physical space */
    /*
     * Set by the HVM code once any CPU has loaded this p2m (VMCS/VMCB):
     * until then changes need no TLB flush.
     */
    bool hw_loaded;
    /*
     * Bumped whenever cached translations became stale; SVM compares it
     * with what each vCPU last saw to request a TLB flush on VMRUN.
     */
    uint64_t tlb_gen;
    uint64_t nr_leaves[P2M_NR_LEAF_LEVELS];
    uint64_t nr_tables;
    uint64_t type_frames[P2M_NR_TYPES];
    uint64_t ram_leaves[P2M_NR_LEAF_LEVELS];
    struct p2m_pod pod;
};

/*
 * gpa_bits: width of the guest-physical space, 32..52.  max_order: largest
 * leaf the hardware supports (0, 9 or 18).  Allocates the root table.
 * Returns 0, -EINVAL or -ENOMEM.
 */
int p2m_init(struct p2m *p2m, const struct p2m_ops *ops, unsigned int gpa_bits,
             unsigned int max_order);
/* Unmaps everything and frees every table page, the root included. */
void p2m_teardown(struct p2m *p2m);

/*
 * Maps [gfn, gfn + nr) to [mfn, mfn + nr) as type t with memory type mt,
 * using the largest leaves alignment allows.  For types without frames
 * (p2m_populate_on_demand) mfn is ignored.  Returns 0; -ERANGE if the range
 * is beyond gpa_bits or the frames beyond 52 bits; -EINVAL for a bad type
 * or memory type (nothing changed in either case); -ENOMEM if a table page
 * could not be allocated: then every gfn maps either its old or its new
 * entry and the tree is consistent.
 */
int p2m_set_range(struct p2m *p2m, gfn_t gfn, mfn_t mfn, uint64_t nr, p2m_type_t t,
                  p2m_memtype_t mt);
/* One naturally aligned block of 2^order frames (order 0, 9 or 18), else -EINVAL. */
int p2m_set_entry(struct p2m *p2m, gfn_t gfn, mfn_t mfn, unsigned int order, p2m_type_t t,
                  p2m_memtype_t mt);
/* Changes entries of type from in the range to type to (both with frames, or both without). */
int p2m_change_type_range(struct p2m *p2m, gfn_t gfn, uint64_t nr, p2m_type_t from, p2m_type_t to);
int p2m_remove_range(struct p2m *p2m, gfn_t gfn, uint64_t nr);

/*
 * The frame gfn maps to (INVALID_MFN if none), its type and memory type,
 * and the order of the leaf mapping it: for an unmapped gfn, the order of
 * the naturally aligned empty block around it.  Any output may be NULL.
 */
mfn_t p2m_get_entry(struct p2m *p2m, gfn_t gfn, p2m_type_t *t, p2m_memtype_t *mt,
                    unsigned int *order);

void p2m_get_stats(struct p2m *p2m, struct p2m_stats *st);
/* Operator view: mapped memory by page size, and the metadata it costs. */
void p2m_dump(struct p2m *p2m, const char *name);
/*
 * Walks the whole tree: counters match, entries decode sanely, and the tree
 * is canonical (no table that could be merged).  Returns 0 if sane.
 */
int p2m_check(struct p2m *p2m);

/*
 * Lazy population (common/p2m_pod.c).  record(arg, ma, order) is told of
 * every chunk allocated, so the owner can free it at teardown.
 */
typedef int (*p2m_pod_record_fn)(void *arg, paddr_t ma, unsigned int order);

struct p2m_pod_touch {
    enum p2m_pod_kind kind;
    unsigned int order;         /* order of the piece made present */
    uint64_t allocated;         /* machine pages allocated (0: a reserved piece) */
    gfn_t gfn;                  /* first frame of that piece */
};

/*
 * Back the piece of guest memory around gfn, which must be of type
 * p2m_populate_on_demand or p2m_ram_unscrubbed.  A first touch of a GiB
 * that is all populate-on-demand takes a 1 GiB chunk: a clean one is
 * mapped whole; a dirty one is reserved (p2m_ram_unscrubbed) and only the
 * piece touched (2^touch_order frames) is scrubbed and mapped.  Smaller
 * regions take a 2 MiB chunk, else 4 KiB.  Returns 0, -ENOMEM, or -EINVAL
 * if gfn is not lazily populated RAM.
 */
int p2m_pod_touch(struct p2m *p2m, gfn_t gfn, p2m_pod_record_fn record, void *arg,
                  struct p2m_pod_touch *out);
/*
 * Mark [gfn, gfn + nr) populate-on-demand and claim host memory for it:
 * -ENOMEM if the host cannot promise that much, -ERANGE beyond the
 * guest-physical space.  Frames already backed keep their backing.
 */
int p2m_pod_set(struct p2m *p2m, gfn_t gfn, uint64_t nr);
/* Give back the claims of frames still populate-on-demand (at teardown). */
void p2m_pod_release(struct p2m *p2m);
/* The cost of a touch, for the statistics (ticks in the caller's unit). */
void p2m_pod_account(struct p2m *p2m, const struct p2m_pod_touch *t, uint64_t ticks);
/* Operator view of lazy population: pending, reserved, mapped; touch costs. */
void p2m_pod_dump(struct p2m *p2m, const char *name);
extern const char *const p2m_pod_kind_names[POD_NR_KINDS];


/* What the guest may do with a frame of type t (P2M_ACCESS_*). */
unsigned int p2m_type_access(p2m_type_t t);
/* Whether entries of type t map a machine frame. */
bool p2m_type_has_mfn(p2m_type_t t);
bool p2m_memtype_is_valid(unsigned int mt);

#endif
