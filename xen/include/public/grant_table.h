/* grant_table_op hypercall and the version 1 grant entry. */
#ifndef XEN_PUBLIC_GRANT_TABLE_H
#define XEN_PUBLIC_GRANT_TABLE_H

#include "xen.h"

/* Entries 0-7 are reserved; the toolstack fills 0 and 1 before boot. */
#define GNTTAB_NR_RESERVED_ENTRIES  8
#define GNTTAB_RESERVED_CONSOLE     0
#define GNTTAB_RESERVED_XENSTORE    1

/*
 * grant_entry_v1.flags: the type in bits 0-1, then modifiers.  The granting
 * guest writes the type; the hypervisor sets GTF_reading/GTF_writing while
 * the grant is mapped or being copied.
 */
#define GTF_invalid                 (0U << 0)
#define GTF_permit_access           (1U << 0)
#define GTF_accept_transfer         (2U << 0)
#define GTF_transitive              (3U << 0)
#define GTF_type_mask               (3U << 0)
#define _GTF_readonly               (2)
#define GTF_readonly                (1U << _GTF_readonly)
#define _GTF_reading                (3)
#define GTF_reading                 (1U << _GTF_reading)
#define _GTF_writing                (4)
#define GTF_writing                 (1U << _GTF_writing)
#define _GTF_PWT                    (5)
#define GTF_PWT                     (1U << _GTF_PWT)
#define _GTF_PCD                    (6)
#define GTF_PCD                     (1U << _GTF_PCD)
#define _GTF_PAT                    (7)
#define GTF_PAT                     (1U << _GTF_PAT)
#define _GTF_sub_page               (8)
#define GTF_sub_page                (1U << _GTF_sub_page)
#define _GTF_transfer_committed     (2)
#define GTF_transfer_committed      (1U << _GTF_transfer_committed)
#define _GTF_transfer_completed     (3)
#define GTF_transfer_completed      (1U << _GTF_transfer_completed)

/* Sub-operations; each takes an array of count structures. */
#define GNTTABOP_map_grant_ref      0   /* struct gnttab_map_grant_ref */
#define GNTTABOP_unmap_grant_ref    1   /* struct gnttab_unmap_grant_ref */
#define GNTTABOP_setup_table        2   /* struct gnttab_setup_table */
#define GNTTABOP_dump_table         3
#define GNTTABOP_transfer           4
#define GNTTABOP_copy               5   /* struct gnttab_copy */
#define GNTTABOP_query_size         6   /* struct gnttab_query_size */
#define GNTTABOP_unmap_and_replace  7
#define GNTTABOP_set_version        8   /* struct gnttab_set_version */
#define GNTTABOP_get_status_frames  9
#define GNTTABOP_get_version        10  /* struct gnttab_get_version */
#define GNTTABOP_swap_grant_ref     11
#define GNTTABOP_cache_flush        12

/* gnttab_map_grant_ref.flags */
#define _GNTMAP_device_map          (0)
#define GNTMAP_device_map           (1 << _GNTMAP_device_map)
#define _GNTMAP_host_map            (1)
#define GNTMAP_host_map             (1 << _GNTMAP_host_map)
#define _GNTMAP_readonly            (2)
#define GNTMAP_readonly             (1 << _GNTMAP_readonly)
#define _GNTMAP_application_map     (3)
#define GNTMAP_application_map      (1 << _GNTMAP_application_map)
#define _GNTMAP_contains_pte        (4)
#define GNTMAP_contains_pte         (1 << _GNTMAP_contains_pte)
#define _GNTMAP_guest_avail0        (16)
#define GNTMAP_guest_avail_mask     ((uint32_t)~0 << _GNTMAP_guest_avail0)

/* gnttab_copy.flags: source/dest name a grant reference, not a frame. */
#define _GNTCOPY_source_gref        (0)
#define GNTCOPY_source_gref         (1 << _GNTCOPY_source_gref)
#define _GNTCOPY_dest_gref          (1)
#define GNTCOPY_dest_gref           (1 << _GNTCOPY_dest_gref)

/* Per-operation status codes. */
#define GNTST_okay                  (0)
#define GNTST_general_error         (-1)
#define GNTST_bad_domain            (-2)
#define GNTST_bad_gntref            (-3)
#define GNTST_bad_handle            (-4)
#define GNTST_bad_virt_addr         (-5)
#define GNTST_bad_dev_addr          (-6)
#define GNTST_no_device_space       (-7)
#define GNTST_permission_denied     (-8)
#define GNTST_bad_page              (-9)
#define GNTST_bad_copy_arg          (-10)
#define GNTST_address_too_big       (-11)
#define GNTST_eagain                (-12)
#define GNTST_no_space              (-13)

#ifndef __ASSEMBLY__

typedef uint32_t grant_ref_t;
typedef uint32_t grant_handle_t;

/* One version 1 grant: frame of the granting guest offered to domid. */
struct grant_entry_v1 {
    uint16_t flags;             /* GTF_* */
    domid_t domid;
    uint32_t frame;
};
typedef struct grant_entry_v1 grant_entry_v1_t;

/* Map grant ref of dom at host_addr (a guest physical address for PVH). */
struct gnttab_map_grant_ref {
    uint64_t host_addr;
    uint32_t flags;             /* GNTMAP_* */
    grant_ref_t ref;
    domid_t dom;
    int16_t status;             /* OUT: GNTST_* */
    grant_handle_t handle;      /* OUT */
    uint64_t dev_bus_addr;      /* OUT */
};
typedef struct gnttab_map_grant_ref gnttab_map_grant_ref_t;
DEFINE_XEN_GUEST_HANDLE(gnttab_map_grant_ref_t);

struct gnttab_unmap_grant_ref {
    uint64_t host_addr;
    uint64_t dev_bus_addr;
    grant_handle_t handle;
    int16_t status;             /* OUT: GNTST_* */
};
typedef struct gnttab_unmap_grant_ref gnttab_unmap_grant_ref_t;
DEFINE_XEN_GUEST_HANDLE(gnttab_unmap_grant_ref_t);

/* Grow dom's table to nr_frames and list the frames that hold it. */
struct gnttab_setup_table {
    domid_t dom;
    uint32_t nr_frames;
    int16_t status;             /* OUT: GNTST_* */
    XEN_GUEST_HANDLE(xen_pfn_t) frame_list;
};
typedef struct gnttab_setup_table gnttab_setup_table_t;
DEFINE_XEN_GUEST_HANDLE(gnttab_setup_table_t);

/* One side of a copy: a grant ref or a frame of domid, and a byte offset. */
struct gnttab_copy_ptr {
    union {
        grant_ref_t ref;
        xen_pfn_t gmfn;
    } u;
    domid_t domid;
    uint16_t offset;
};

struct gnttab_copy {
    struct gnttab_copy_ptr source;
    struct gnttab_copy_ptr dest;
    uint16_t len;
    uint16_t flags;             /* GNTCOPY_* */
    int16_t status;             /* OUT: GNTST_* */
};
typedef struct gnttab_copy gnttab_copy_t;
DEFINE_XEN_GUEST_HANDLE(gnttab_copy_t);

struct gnttab_query_size {
    domid_t dom;
    uint32_t nr_frames;         /* OUT */
    uint32_t max_nr_frames;     /* OUT */
    int16_t status;             /* OUT: GNTST_* */
};
typedef struct gnttab_query_size gnttab_query_size_t;
DEFINE_XEN_GUEST_HANDLE(gnttab_query_size_t);

/* IN: wanted grant table version; OUT: the version in use. */
struct gnttab_set_version {
    uint32_t version;
};
typedef struct gnttab_set_version gnttab_set_version_t;
DEFINE_XEN_GUEST_HANDLE(gnttab_set_version_t);

struct gnttab_get_version {
    domid_t dom;
    uint16_t pad;
    uint32_t version;           /* OUT */
};
typedef struct gnttab_get_version gnttab_get_version_t;
DEFINE_XEN_GUEST_HANDLE(gnttab_get_version_t);

#endif /* !__ASSEMBLY__ */

#endif /* XEN_PUBLIC_GRANT_TABLE_H */
