/*
 * Per-domain grant tables, version 1 only (common/grant_table.c): the
 * shared frames the guest writes grant entries into, grown on demand up
 * to a maximum (gnttab_max_frames=, Xen's default 64), allocated from the
 * xenheap and freed with the domain.
 */
#ifndef XEN_GRANT_TABLE_H
#define XEN_GRANT_TABLE_H

#include <xen/types.h>
#include <xen/p2m.h>

struct domain;

/* No gfn: the frame is not mapped into the guest. */
#define GNTTAB_NO_GFN (~(uint64_t)0)

/*
 * XENMAPSPACE_grant_table: frame idx of d's table (grown to idx + 1 if
 * needed) is about to be mapped at gfn.  Returns its machine frame in
 * *mfn and the gfn it was mapped at before (GNTTAB_NO_GFN if none) in
 * *old_gfn, and records gfn as its place; -EINVAL for an index beyond
 * the maximum (or with XENMAPIDX_grant_table_status: no v2 here),
 * -ENOMEM.
 */
int grant_table_map_frame(struct domain *d, uint64_t idx, uint64_t gfn, mfn_t *mfn,
                          uint64_t *old_gfn);
/* Is gfn where one of d's grant frames is mapped?  (Then it is not guest RAM.) */
bool grant_table_is_frame_gfn(struct domain *d, uint64_t gfn);
/* Something else was mapped over gfn: forget that a grant frame was there. */
void grant_table_forget_gfn(struct domain *d, uint64_t gfn);
/* Frees the table (the p2m is gone or going: nothing maps the frames any more). */
void grant_table_destroy(struct domain *d);

#endif
