/*
 * Domains: creation with Xen's domain-id rules, the domain list, pause,
 * shutdown and crash, vCPU creation, and the RAM a domain owns.
 */
#ifndef XEN_DOMAIN_H
#define XEN_DOMAIN_H

#include <xen/types.h>
#include <xen/sched.h>

/* ---- pure rules (common/domid.c, host-tested) ---- */

/* 0 if id may name a new domain (0..0x7FEF); -EINVAL for DOMID_SELF and the other reserved ids. */
int domid_check(unsigned int id);
/*
 * The domid allocator's map: one bit per usable id.  domid_alloc() takes
 * the lowest free id at or above `from` (wrapping to 1: id 0 is only
 * ever given explicitly), returning it or -ENOSPC.
 */
#define DOMID_MAP_WORDS ((DOMID_FIRST_RESERVED + 63) / 64)
struct domid_map {
    uint64_t bits[DOMID_MAP_WORDS];
};
int domid_alloc(struct domid_map *m, unsigned int from);
/* Claim a given id: 0, -EINVAL (reserved) or -EEXIST. */
int domid_claim(struct domid_map *m, unsigned int id);
void domid_release(struct domid_map *m, unsigned int id);
bool domid_in_use(const struct domid_map *m, unsigned int id);
/* A name is 1..DOMAIN_NAME_LEN-1 printable ASCII characters without blanks: 0 or -EINVAL. */
int domain_name_check(const char *name);

/* ---- domains ---- */

struct domain_create_args {
    const char *name;               /* NULL: "d<id>" */
    unsigned int max_vcpus;         /* 1..HVM_MAX_VCPUS */
    uint64_t max_pages;             /* RAM limit in 4 KiB frames */
    const uint8_t *handle;          /* 16-byte UUID, NULL: all zero */
};
#define HVM_MAX_VCPUS 128
#ifndef DOMID_INVALID
#define DOMID_INVALID 0x7FF4U      /* public/xen.h */
#endif

/*
 * A new HVM domain, paused once (domain_unpause() starts it), with no
 * vCPUs and no memory.  domid: a usable id, or DOMID_INVALID for the
 * lowest free one from 1.  Returns NULL with *err set: -EINVAL (bad id,
 * name or vCPU count), -EEXIST (id or name in use), -ENODEV (no HVM), -ENOMEM.
 */
struct domain *domain_create(domid_t domid, const struct domain_create_args *args, int *err);
/* Destroys the domain: its vCPUs, its memory, its p2m.  Never from one of its own vCPUs. */
void domain_destroy(struct domain *d);
/* The domain with this id (not dying), or NULL. */
struct domain *domain_find(domid_t id);

/*
 * Ends the domain for `reason` (SHUTDOWN_*): its vCPUs stop at once and the
 * domain is destroyed shortly after, from a context where that is safe;
 * may be called by its own vCPUs.  Repeated calls do nothing.
 */
void domain_shutdown(struct domain *d, unsigned int reason);
/*
 * The domain did something it cannot recover from: print why and the
 * registers of v (its vCPU that did it; NULL: none), then shut it down as
 * crashed.  Other domains keep running.
 */
void domain_crash(struct domain *d, struct vcpu *v, const char *fmt, ...) __printf(3, 4);

/* A vCPU (down until vcpu_up()) with the HVM run hook. */
struct vcpu *vcpu_create(struct domain *d, unsigned int vcpu_id);

/*
 * Give [gfn, gfn + nr) RAM, claimed from the host at once (-ENOMEM if the
 * host cannot promise it, -E2BIG beyond max_pages) but backed lazily: the
 * p2m says "populate on demand" (1 GiB entries where aligned) and the
 * guest's first touch of a piece takes a scrubbed chunk (docs/memory.md).
 * With no-lazy-populate on the command line: allocated, scrubbed and
 * mapped now, in the largest pieces the allocator has.
 */
int domain_populate_ram(struct domain *d, uint64_t gfn, uint64_t nr);
/* Mark [gfn, gfn + nr) as RAM to be backed on first touch. */
int domain_populate_on_demand(struct domain *d, uint64_t gfn, uint64_t nr);
/* Copy to / zero guest-physical memory (RAM only): 0 or -EFAULT. */
int domain_copy_to_gpa(struct domain *d, uint64_t gpa, const void *src, size_t len);
int domain_read_gpa(struct domain *d, uint64_t gpa, void *dst, size_t len);
/* Frames of free host memory, for logs. */
uint64_t domain_host_free_pages(void);

/*
 * domain_populate_touch: back the lazily populated piece around gfn (an
 * NPF exit on p2m_populate_on_demand or p2m_ram_unscrubbed): 0, -ENOMEM,
 * -EINVAL if gfn is not lazily populated RAM.
 */
int domain_populate_touch(struct domain *d, gfn_t gfn);
/* Per domain: RAM populated and pending, leaves by size, metadata; first-touch costs. */
void domain_memory_report(struct domain *d);
void domain_memory_report_all(void);

/* The domain list: hold the lock around for_each_domain. */
extern struct domain *domain_list;
void domlist_lock(void);
void domlist_unlock(void);
#define for_each_domain(d) for ((d) = domain_list; (d); (d) = (d)->next_in_list)

#endif
