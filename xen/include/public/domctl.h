/* domctl hypercall (toolstack only): the domain operations a basic xl needs. */
#ifndef XEN_PUBLIC_DOMCTL_H
#define XEN_PUBLIC_DOMCTL_H

#include "xen.h"
#include "event_channel.h"
#include "grant_table.h"
#include "memory.h"

/* xen_domctl.interface_version must equal this, or the call fails with -EACCES. */
#define XEN_DOMCTL_INTERFACE_VERSION 0x00000015

/* Commands (xen_domctl.cmd) we describe; the numbers of the others are not listed. */
#define XEN_DOMCTL_createdomain         1
#define XEN_DOMCTL_destroydomain        2
#define XEN_DOMCTL_pausedomain          3
#define XEN_DOMCTL_unpausedomain        4
#define XEN_DOMCTL_getdomaininfo        5
#define XEN_DOMCTL_setvcpuaffinity      9
#define XEN_DOMCTL_max_mem              11
#define XEN_DOMCTL_getvcpuinfo          14
#define XEN_DOMCTL_max_vcpus            15
#define XEN_DOMCTL_getvcpuaffinity      25

/* xen_domctl_createdomain.flags */
#define _XEN_DOMCTL_CDF_hvm             0
#define XEN_DOMCTL_CDF_hvm              (1U << _XEN_DOMCTL_CDF_hvm)
#define _XEN_DOMCTL_CDF_hap             1
#define XEN_DOMCTL_CDF_hap              (1U << _XEN_DOMCTL_CDF_hap)
#define _XEN_DOMCTL_CDF_s3_integrity    2
#define XEN_DOMCTL_CDF_s3_integrity     (1U << _XEN_DOMCTL_CDF_s3_integrity)
#define _XEN_DOMCTL_CDF_oos_off         3
#define XEN_DOMCTL_CDF_oos_off          (1U << _XEN_DOMCTL_CDF_oos_off)
#define _XEN_DOMCTL_CDF_xs_domain       4
#define XEN_DOMCTL_CDF_xs_domain        (1U << _XEN_DOMCTL_CDF_xs_domain)
#define _XEN_DOMCTL_CDF_iommu           5
#define XEN_DOMCTL_CDF_iommu            (1U << _XEN_DOMCTL_CDF_iommu)
#define _XEN_DOMCTL_CDF_nested_virt     6
#define XEN_DOMCTL_CDF_nested_virt      (1U << _XEN_DOMCTL_CDF_nested_virt)
#define XEN_DOMCTL_CDF_vpmu             (1U << 7)
#define XEN_DOMCTL_CDF_MAX              XEN_DOMCTL_CDF_vpmu

/* xen_domctl_createdomain.iommu_opts */
#define _XEN_DOMCTL_IOMMU_no_sharept    0
#define XEN_DOMCTL_IOMMU_no_sharept     (1U << _XEN_DOMCTL_IOMMU_no_sharept)
#define XEN_DOMCTL_IOMMU_MAX            XEN_DOMCTL_IOMMU_no_sharept

/* xen_domctl_createdomain.grant_opts: the highest grant table version allowed. */
#define XEN_DOMCTL_GRANT_version_mask   0xf
#define XEN_DOMCTL_GRANT_version(v)     ((v) & XEN_DOMCTL_GRANT_version_mask)

/* xen_domctl_getdomaininfo.flags; the shutdown reason sits in bits 16-23. */
#define _XEN_DOMINF_dying               0
#define XEN_DOMINF_dying                (1U << _XEN_DOMINF_dying)
#define _XEN_DOMINF_hvm_guest           1
#define XEN_DOMINF_hvm_guest            (1U << _XEN_DOMINF_hvm_guest)
#define _XEN_DOMINF_shutdown            2
#define XEN_DOMINF_shutdown             (1U << _XEN_DOMINF_shutdown)
#define _XEN_DOMINF_paused              3
#define XEN_DOMINF_paused               (1U << _XEN_DOMINF_paused)
#define _XEN_DOMINF_blocked             4
#define XEN_DOMINF_blocked              (1U << _XEN_DOMINF_blocked)
#define _XEN_DOMINF_running             5
#define XEN_DOMINF_running              (1U << _XEN_DOMINF_running)
#define _XEN_DOMINF_debugged            6
#define XEN_DOMINF_debugged             (1U << _XEN_DOMINF_debugged)
#define _XEN_DOMINF_xs_domain           7
#define XEN_DOMINF_xs_domain            (1U << _XEN_DOMINF_xs_domain)
#define _XEN_DOMINF_hap                 8
#define XEN_DOMINF_hap                  (1U << _XEN_DOMINF_hap)
#define XEN_DOMINF_shutdownmask         255
#define XEN_DOMINF_shutdownshift        16

/* xen_domctl_getdomaininfo.max_vcpu_id of a domain without vCPUs. */
#define XEN_INVALID_MAX_VCPU_ID         (~0U)

/* xen_domctl_vcpuaffinity.flags: which of the two maps to set or get. */
#define _XEN_VCPUAFFINITY_HARD          0
#define XEN_VCPUAFFINITY_HARD           (1U << _XEN_VCPUAFFINITY_HARD)
#define _XEN_VCPUAFFINITY_SOFT          1
#define XEN_VCPUAFFINITY_SOFT           (1U << _XEN_VCPUAFFINITY_SOFT)
#define _XEN_VCPUAFFINITY_FORCE         2
#define XEN_VCPUAFFINITY_FORCE          (1U << _XEN_VCPUAFFINITY_FORCE)

/* Scheduler ids (XEN_SYSCTL_sched_id, cpupools). */
#define XEN_SCHEDULER_CREDIT            5
#define XEN_SCHEDULER_CREDIT2           6
#define XEN_SCHEDULER_ARINC653          7
#define XEN_SCHEDULER_RTDS              8
#define XEN_SCHEDULER_NULL              9

#ifndef __ASSEMBLY__

/*
 * XEN_DOMCTL_createdomain: xen_domctl.domain is the wanted id, or 0 (or
 * any reserved id) to let the hypervisor pick; the chosen id comes back
 * in xen_domctl.domain.
 */
struct xen_domctl_createdomain {
    uint32_t ssidref;
    xen_domain_handle_t handle;
    uint32_t flags;                 /* XEN_DOMCTL_CDF_* */
    uint32_t iommu_opts;            /* XEN_DOMCTL_IOMMU_* */
    uint32_t max_vcpus;
    uint32_t max_evtchn_port;
    int32_t max_grant_frames;       /* negative: the hypervisor's default */
    int32_t max_maptrack_frames;    /* negative: the hypervisor's default */
    uint32_t grant_opts;            /* XEN_DOMCTL_GRANT_* */
    uint32_t vmtrace_size;          /* per-vCPU trace buffer bytes, 0 = none */
    uint32_t cpupool_id;
    struct xen_arch_domainconfig arch;
};

/* XEN_DOMCTL_getdomaininfo, and each element of XEN_SYSCTL_getdomaininfolist. */
struct xen_domctl_getdomaininfo {
    domid_t domain;
    uint16_t pad1;
    uint32_t flags;                 /* XEN_DOMINF_* */
    uint64_t tot_pages;
    uint64_t max_pages;
    uint64_t outstanding_pages;
    uint64_t shr_pages;
    uint64_t paged_pages;
    uint64_t shared_info_frame;     /* gfn of the shared info page */
    uint64_t cpu_time;              /* ns, all vCPUs */
    uint32_t nr_online_vcpus;
    uint32_t max_vcpu_id;
    uint32_t ssidref;
    xen_domain_handle_t handle;
    uint32_t cpupool;
    uint8_t gpaddr_bits;            /* guest physical address width */
    uint8_t pad2[7];
    struct xen_arch_domainconfig arch_config;
};
typedef struct xen_domctl_getdomaininfo xen_domctl_getdomaininfo_t;
DEFINE_XEN_GUEST_HANDLE(xen_domctl_getdomaininfo_t);

/* XEN_DOMCTL_max_mem */
struct xen_domctl_max_mem {
    uint64_t max_memkb;
};

/* XEN_DOMCTL_getvcpuinfo */
struct xen_domctl_getvcpuinfo {
    uint32_t vcpu;
    uint8_t online;                 /* OUT */
    uint8_t blocked;                /* OUT */
    uint8_t running;                /* OUT */
    uint64_t cpu_time;              /* OUT: ns */
    uint32_t cpu;                   /* OUT: physical CPU it last ran on */
};

/* XEN_DOMCTL_setvcpuaffinity / XEN_DOMCTL_getvcpuaffinity */
struct xen_domctl_vcpuaffinity {
    uint32_t vcpu;
    uint32_t flags;                 /* XEN_VCPUAFFINITY_* */
    struct xenctl_bitmap cpumap_hard;
    struct xenctl_bitmap cpumap_soft;
};

/* XEN_DOMCTL_max_vcpus */
struct xen_domctl_max_vcpus {
    uint32_t max;
};

/*
 * The domctl argument.  u is 128 bytes whatever it holds (pad), so the
 * structure keeps Xen's size even though we describe few commands.
 */
struct xen_domctl {
    uint32_t cmd;                   /* XEN_DOMCTL_* */
    uint32_t interface_version;     /* XEN_DOMCTL_INTERFACE_VERSION */
    domid_t domain;
    uint16_t _pad[3];
    union {
        struct xen_domctl_createdomain createdomain;
        struct xen_domctl_getdomaininfo getdomaininfo;
        struct xen_domctl_vcpuaffinity vcpuaffinity;
        struct xen_domctl_max_mem max_mem;
        struct xen_domctl_getvcpuinfo getvcpuinfo;
        struct xen_domctl_max_vcpus max_vcpus;
        uint8_t pad[128];
    } u;
};
typedef struct xen_domctl xen_domctl_t;
DEFINE_XEN_GUEST_HANDLE(xen_domctl_t);

#endif /* !__ASSEMBLY__ */

#endif /* XEN_PUBLIC_DOMCTL_H */
