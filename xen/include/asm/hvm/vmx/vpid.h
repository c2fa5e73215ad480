/*
 * VPIDs: tags for guest linear translations, one per vCPU.  There are
 * 65535 of them (0 is the host's); a vCPU returns its own when it is
 * destroyed, so any number of domains can come and go over time.  The
 * pool itself is pure data (host-tested); vmx.c serialises calls.
 */
#ifndef ASM_HVM_VMX_VPID_H
#define ASM_HVM_VMX_VPID_H

#include <xen/types.h>

#define VPID_MAX 0xffffU            /* VPIDs are 16 bits; 0 is the host's */

struct vpid_pool {
    uint64_t used[(VPID_MAX + 1) / 64];
    unsigned int limit;             /* highest VPID handed out: VPID_MAX, lower in tests */
    unsigned int next;              /* where the search starts (round-robin) */
    unsigned int nr_used;
};

/* An empty pool handing out 1..limit (limit <= VPID_MAX). */
void vpid_pool_init(struct vpid_pool *p, unsigned int limit);
/* A free VPID, or 0 if all are in use. */
uint16_t vpid_alloc(struct vpid_pool *p);
/* Give back a VPID from vpid_alloc(); 0 and free ones are ignored. */
void vpid_free(struct vpid_pool *p, uint16_t vpid);

#endif
