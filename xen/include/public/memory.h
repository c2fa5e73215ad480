/* memory_op hypercall: reservations, the guest physical map and the memory map. */
#ifndef XEN_PUBLIC_MEMORY_H
#define XEN_PUBLIC_MEMORY_H

#include "xen.h"
#include "physdev.h"

/*
 * Sub-operations.  Reservation calls return how many extents they
 * completed; the current/maximum/ram-page queries return a page count.
 */
#define XENMEM_increase_reservation     0   /* struct xen_memory_reservation */
#define XENMEM_decrease_reservation     1   /* struct xen_memory_reservation */
#define XENMEM_maximum_ram_page         2   /* no argument */
#define XENMEM_current_reservation      3   /* domid_t */
#define XENMEM_maximum_reservation      4   /* domid_t */
#define XENMEM_populate_physmap         6   /* struct xen_memory_reservation */
#define XENMEM_add_to_physmap           7   /* struct xen_add_to_physmap */
#define XENMEM_memory_map               9   /* struct xen_memory_map */
#define XENMEM_machine_memory_map       10  /* struct xen_memory_map */
#define XENMEM_set_memory_map           13  /* struct xen_foreign_memory_map */
#define XENMEM_maximum_gpfn             14  /* domid_t */
#define XENMEM_remove_from_physmap      15  /* struct xen_remove_from_physmap */
#define XENMEM_add_to_physmap_batch     23  /* struct xen_add_to_physmap_batch */
#define XENMEM_claim_pages              24  /* struct xen_memory_reservation */

/* Linux's name for XENMEM_add_to_physmap_batch. */
#define XENMEM_add_to_physmap_range     XENMEM_add_to_physmap_batch

/*
 * xen_memory_reservation.mem_flags: bits 0-7 limit the machine address
 * width (0 = no limit), bits 8-15 hold a NUMA node + 1, then flags.
 */
#define XENMEMF_address_bits(x)         (x)
#define XENMEMF_get_address_bits(x)     ((x) & 0xffu)
#define XENMEMF_node(x)                 (((x) + 1) << 8)
#define XENMEMF_get_node(x)             ((((x) >> 8) - 1) & 0xffu)
#define XENMEMF_populate_on_demand      (1 << 16)
#define XENMEMF_exact_node_request      (1 << 17)
#define XENMEMF_exact_node(n)           (XENMEMF_node(n) | XENMEMF_exact_node_request)
#define XENMEMF_vnode                   (1 << 18)

/* What XENMEM_add_to_physmap{,_batch} maps at the given gpfn. */
#define XENMAPSPACE_shared_info         0   /* the shared info page */
#define XENMAPSPACE_grant_table         1   /* grant table frame idx */
#define XENMAPSPACE_gmfn                2   /* move the guest's own frame idx */
#define XENMAPSPACE_gmfn_range          3   /* move size frames from idx */
#define XENMAPSPACE_gmfn_foreign        4   /* frame idx of foreign_domid */
#define XENMAPSPACE_dev_mmio            5   /* device MMIO (Arm only) */

/* Set in idx with XENMAPSPACE_grant_table to map a status frame (v2). */
#define XENMAPIDX_grant_table_status    0x80000000

#ifndef __ASSEMBLY__

/*
 * Increase, decrease or populate: nr_extents extents of 2^extent_order
 * pages each, listed by frame number in extent_start (machine frames on
 * increase, guest frames otherwise; populate writes nothing back for an
 * auto-translated guest).
 */
struct xen_memory_reservation {
    XEN_GUEST_HANDLE(xen_pfn_t) extent_start;
    xen_ulong_t nr_extents;
    uint32_t extent_order;
    uint32_t mem_flags;         /* XENMEMF_* */
    domid_t domid;
};
typedef struct xen_memory_reservation xen_memory_reservation_t;
DEFINE_XEN_GUEST_HANDLE(xen_memory_reservation_t);

/* Map one page (or size pages for gmfn_range) of a space at gpfn. */
struct xen_add_to_physmap {
    domid_t domid;
    uint16_t size;              /* pages, XENMAPSPACE_gmfn_range only */
    uint32_t space;             /* XENMAPSPACE_* */
    xen_ulong_t idx;
    xen_pfn_t gpfn;
};
typedef struct xen_add_to_physmap xen_add_to_physmap_t;
DEFINE_XEN_GUEST_HANDLE(xen_add_to_physmap_t);

/* Map size pages at once; errs gets a per-page result (0 or -errno). */
struct xen_add_to_physmap_batch {
    domid_t domid;
    uint16_t space;             /* XENMAPSPACE_* */
    uint16_t size;
    union xen_add_to_physmap_batch_extra {
        domid_t foreign_domid;  /* XENMAPSPACE_gmfn_foreign */
        uint16_t res0;          /* other spaces: zero */
    } u;
    XEN_GUEST_HANDLE(xen_ulong_t) idxs;
    XEN_GUEST_HANDLE(xen_pfn_t) gpfns;
    XEN_GUEST_HANDLE(int) errs;
};
typedef struct xen_add_to_physmap_batch xen_add_to_physmap_batch_t;
DEFINE_XEN_GUEST_HANDLE(xen_add_to_physmap_batch_t);

/* Unmap whatever is at gpfn, leaving a hole. */
struct xen_remove_from_physmap {
    domid_t domid;
    xen_pfn_t gpfn;
};
typedef struct xen_remove_from_physmap xen_remove_from_physmap_t;
DEFINE_XEN_GUEST_HANDLE(xen_remove_from_physmap_t);

/*
 * The E820-style memory map: IN nr_entries = room in buffer, OUT the
 * number written.  Entries are 20 bytes each: u64 addr, u64 size, u32 type.
 */
struct xen_memory_map {
    uint32_t nr_entries;
    XEN_GUEST_HANDLE(void) buffer;
};
typedef struct xen_memory_map xen_memory_map_t;
DEFINE_XEN_GUEST_HANDLE(xen_memory_map_t);

/* XENMEM_set_memory_map: the toolstack sets another domain's map. */
struct xen_foreign_memory_map {
    domid_t domid;
    struct xen_memory_map map;
};
typedef struct xen_foreign_memory_map xen_foreign_memory_map_t;
DEFINE_XEN_GUEST_HANDLE(xen_foreign_memory_map_t);

#endif /* !__ASSEMBLY__ */

#endif /* XEN_PUBLIC_MEMORY_H */
