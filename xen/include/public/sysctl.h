/* sysctl hypercall (toolstack only): the host operations a basic xl needs. */
#ifndef XEN_PUBLIC_SYSCTL_H
#define XEN_PUBLIC_SYSCTL_H

#include "xen.h"
#include "domctl.h"
#include "physdev.h"

/* xen_sysctl.interface_version must equal this, or the call fails with -EACCES. */
#define XEN_SYSCTL_INTERFACE_VERSION 0x00000015

/* Commands (xen_sysctl.cmd) we describe; the numbers of the others are not listed. */
#define XEN_SYSCTL_readconsole          1
#define XEN_SYSCTL_physinfo             3
#define XEN_SYSCTL_sched_id             4
#define XEN_SYSCTL_getdomaininfolist    6
#define XEN_SYSCTL_cpupool_op           18

/* xen_sysctl_physinfo.capabilities */
#define _XEN_SYSCTL_PHYSCAP_hvm                 0
#define XEN_SYSCTL_PHYSCAP_hvm                  (1u << _XEN_SYSCTL_PHYSCAP_hvm)
#define _XEN_SYSCTL_PHYSCAP_pv                  1
#define XEN_SYSCTL_PHYSCAP_pv                   (1u << _XEN_SYSCTL_PHYSCAP_pv)
#define _XEN_SYSCTL_PHYSCAP_directio            2
#define XEN_SYSCTL_PHYSCAP_directio             (1u << _XEN_SYSCTL_PHYSCAP_directio)
#define _XEN_SYSCTL_PHYSCAP_hap                 3
#define XEN_SYSCTL_PHYSCAP_hap                  (1u << _XEN_SYSCTL_PHYSCAP_hap)
#define _XEN_SYSCTL_PHYSCAP_shadow              4
#define XEN_SYSCTL_PHYSCAP_shadow               (1u << _XEN_SYSCTL_PHYSCAP_shadow)
#define _XEN_SYSCTL_PHYSCAP_iommu_hap_pt_share  5
#define XEN_SYSCTL_PHYSCAP_iommu_hap_pt_share   (1u << _XEN_SYSCTL_PHYSCAP_iommu_hap_pt_share)
#define XEN_SYSCTL_PHYSCAP_vmtrace              (1u << 6)
#define XEN_SYSCTL_PHYSCAP_vpmu                 (1u << 7)
#define XEN_SYSCTL_PHYSCAP_gnttab_v1            (1u << 8)
#define XEN_SYSCTL_PHYSCAP_gnttab_v2            (1u << 9)
#define XEN_SYSCTL_PHYSCAP_MAX                  XEN_SYSCTL_PHYSCAP_gnttab_v2

/* xen_sysctl_cpupool_op.op */
#define XEN_SYSCTL_CPUPOOL_OP_CREATE        1
#define XEN_SYSCTL_CPUPOOL_OP_DESTROY       2
#define XEN_SYSCTL_CPUPOOL_OP_INFO          3
#define XEN_SYSCTL_CPUPOOL_OP_ADDCPU        4
#define XEN_SYSCTL_CPUPOOL_OP_RMCPU         5
#define XEN_SYSCTL_CPUPOOL_OP_MOVEDOMAIN    6
#define XEN_SYSCTL_CPUPOOL_OP_FREEINFO      7
#define XEN_SYSCTL_CPUPOOL_PAR_ANY          0xFFFFFFFF

#ifndef __ASSEMBLY__

/*
 * XEN_SYSCTL_readconsole: copy up to count bytes of the hypervisor's log
 * ring into buffer.  With incremental, start at index and return the index
 * after the last byte read; with clear, empty the ring afterwards.
 */
struct xen_sysctl_readconsole {
    uint8_t clear;
    uint8_t incremental;
    uint8_t pad0;
    uint8_t pad1;
    uint32_t index;
    XEN_GUEST_HANDLE_64(char) buffer;
    uint32_t count;                 /* IN: room; OUT: bytes written */
};

/* XEN_SYSCTL_physinfo */
struct xen_sysctl_physinfo {
    uint32_t threads_per_core;
    uint32_t cores_per_socket;
    uint32_t nr_cpus;               /* online */
    uint32_t max_cpu_id;
    uint32_t nr_nodes;              /* online */
    uint32_t max_node_id;
    uint32_t cpu_khz;
    uint32_t capabilities;          /* XEN_SYSCTL_PHYSCAP_* */
    uint32_t arch_capabilities;
    uint32_t pad;
    uint64_t total_pages;
    uint64_t free_pages;
    uint64_t scrub_pages;
    uint64_t outstanding_pages;
    uint64_t max_mfn;
    uint32_t hw_cap[8];
};

/* XEN_SYSCTL_sched_id */
struct xen_sysctl_sched_id {
    uint32_t sched_id;              /* OUT: XEN_SCHEDULER_* */
};

/* XEN_SYSCTL_getdomaininfolist: up to max_domains domains from first_domain up. */
struct xen_sysctl_getdomaininfolist {
    domid_t first_domain;
    uint32_t max_domains;
    XEN_GUEST_HANDLE_64(xen_domctl_getdomaininfo_t) buffer;
    uint32_t num_domains;           /* OUT */
};

/* XEN_SYSCTL_cpupool_op */
struct xen_sysctl_cpupool_op {
    uint32_t op;                    /* XEN_SYSCTL_CPUPOOL_OP_* */
    uint32_t cpupool_id;            /* or XEN_SYSCTL_CPUPOOL_PAR_ANY */
    uint32_t sched_id;
    uint32_t domid;
    uint32_t cpu;                   /* or XEN_SYSCTL_CPUPOOL_PAR_ANY */
    uint32_t n_dom;                 /* OUT */
    struct xenctl_bitmap cpumap;    /* OUT */
};

/* The sysctl argument; u is padded to 128 bytes like Xen's. */
struct xen_sysctl {
    uint32_t cmd;                   /* XEN_SYSCTL_* */
    uint32_t interface_version;     /* XEN_SYSCTL_INTERFACE_VERSION */
    union {
        struct xen_sysctl_readconsole readconsole;
        struct xen_sysctl_physinfo physinfo;
        struct xen_sysctl_sched_id sched_id;
        struct xen_sysctl_getdomaininfolist getdomaininfolist;
        struct xen_sysctl_cpupool_op cpupool_op;
        uint8_t pad[128];
    } u;
};
typedef struct xen_sysctl xen_sysctl_t;
DEFINE_XEN_GUEST_HANDLE(xen_sysctl_t);

#endif /* !__ASSEMBLY__ */

#endif /* XEN_PUBLIC_SYSCTL_H */
