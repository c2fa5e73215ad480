/* xen_version hypercall: sub-operations and what they return. */
#ifndef XEN_PUBLIC_VERSION_H
#define XEN_PUBLIC_VERSION_H

#include "xen.h"
#include "features.h"

/* xen_version(XENVER_version, NULL) returns major << 16 | minor. */
#define XENVER_version              0
#define XENVER_extraversion         1   /* arg: xen_extraversion_t */
#define XENVER_compile_info         2   /* arg: struct xen_compile_info */
#define XENVER_capabilities         3   /* arg: xen_capabilities_info_t */
#define XENVER_changeset            4   /* arg: xen_changeset_info_t */
#define XENVER_platform_parameters  5   /* arg: struct xen_platform_parameters */
#define XENVER_get_features         6   /* arg: struct xen_feature_info */
#define XENVER_pagesize             7   /* returns the page size */
#define XENVER_guest_handle         8   /* arg: xen_domain_handle_t */
#define XENVER_commandline          9   /* arg: xen_commandline_t */
#define XENVER_build_id             10  /* arg: uint32_t len, then len bytes */

#ifndef __ASSEMBLY__

/* Strings are NUL-terminated within their fixed sizes. */
typedef char xen_extraversion_t[16];
#define XEN_EXTRAVERSION_LEN (sizeof(xen_extraversion_t))

struct xen_compile_info {
    char compiler[64];
    char compile_by[16];
    char compile_domain[32];
    char compile_date[32];
};
typedef struct xen_compile_info xen_compile_info_t;

typedef char xen_capabilities_info_t[1024];
#define XEN_CAPABILITIES_INFO_LEN (sizeof(xen_capabilities_info_t))

typedef char xen_changeset_info_t[64];
#define XEN_CHANGESET_INFO_LEN (sizeof(xen_changeset_info_t))

struct xen_platform_parameters {
    xen_ulong_t virt_start;     /* lowest hypervisor-reserved virtual address (PV) */
};
typedef struct xen_platform_parameters xen_platform_parameters_t;

/* IN: which 32-bit submap; OUT: its XENFEAT_* bits. */
struct xen_feature_info {
    uint32_t submap_idx;
    uint32_t submap;
};
typedef struct xen_feature_info xen_feature_info_t;

typedef char xen_commandline_t[1024];

#endif /* !__ASSEMBLY__ */

#endif /* XEN_PUBLIC_VERSION_H */
