/*
 * Xen hypercalls from a test guest: the 64-bit convention (RAX = number,
 * arguments in RDI RSI RDX R10 R8, result in RAX), with VMCALL on Intel
 * and VMMCALL on AMD/Hygon, and the Xen public ABI numbers and layouts
 * the tests use (values from Xen 4.17's public headers).
 */
#ifndef STUBDOM_XENCALL_H
#define STUBDOM_XENCALL_H

#include "guest.h"

/* Hypercall numbers (public/xen.h). */
#define __HYPERVISOR_memory_op 12
#define __HYPERVISOR_xen_version 17
#define __HYPERVISOR_console_io 18
#define __HYPERVISOR_grant_table_op 20
#define __HYPERVISOR_vm_assist 21
#define __HYPERVISOR_physdev_op 33
#define __HYPERVISOR_hvm_op 34

/* Error numbers (public/errno.h). */
#define XEN_EPERM 1
#define XEN_ENOENT 2
#define XEN_ESRCH 3
#define XEN_E2BIG 7
#define XEN_EFAULT 14
#define XEN_EEXIST 17
#define XEN_EINVAL 22
#define XEN_ENOSYS 38
#define XEN_ENODATA 61

#define DOMID_SELF 0x7ff0u

/* xen_version (public/version.h, features.h). */
#define XENVER_version 0
#define XENVER_extraversion 1
#define XENVER_compile_info 2
#define XENVER_capabilities 3
#define XENVER_changeset 4
#define XENVER_platform_parameters 5
#define XENVER_get_features 6
#define XENVER_pagesize 7
#define XENVER_guest_handle 8
#define XENVER_commandline 9
#define XENVER_build_id 10
#define XENFEAT_auto_translated_physmap 2
#define XENFEAT_hvm_callback_vector 8
#define XENFEAT_hvm_safe_pvclock 9
struct xen_compile_info {
    char compiler[64];
    char compile_by[16];
    char compile_domain[32];
    char compile_date[32];
};
struct xen_feature_info {
    uint32_t submap_idx, submap;
};

/* vm_assist (public/xen.h). */
#define VMASST_CMD_enable 0
#define VMASST_CMD_disable 1
#define VMASST_TYPE_4gb_segments 0
#define VMASST_TYPE_runstate_update_flag 5

/* console_io (public/xen.h). */
#define CONSOLEIO_write 0
#define CONSOLEIO_read 1

/* memory_op (public/memory.h). */
#define XENMEM_increase_reservation 0
#define XENMEM_decrease_reservation 1
#define XENMEM_maximum_ram_page 2
#define XENMEM_current_reservation 3
#define XENMEM_maximum_reservation 4
#define XENMEM_populate_physmap 6
#define XENMEM_add_to_physmap 7
#define XENMEM_memory_map 9
#define XENMEM_machine_memory_map 10
#define XENMEM_maximum_gpfn 14
#define XENMEM_remove_from_physmap 15
#define XENMEM_get_sharing_freed_pages 18
#define XENMEMF_populate_on_demand (1u << 16)
#define XENMAPSPACE_shared_info 0
#define XENMAPSPACE_grant_table 1
#define XENMAPSPACE_gmfn 2
#define XENMAPSPACE_gmfn_foreign 4
#define XENMAPIDX_grant_table_status 0x80000000u
struct xen_memory_reservation {
    uint64_t extent_start; /* guest handle */
    uint64_t nr_extents;
    uint32_t extent_order;
    uint32_t mem_flags;
    uint16_t domid;
};
struct xen_add_to_physmap {
    uint16_t domid;
    uint16_t size;
    uint32_t space;
    uint64_t idx;
    uint64_t gpfn;
};
struct xen_remove_from_physmap {
    uint16_t domid;
    uint64_t gpfn;
};
struct xen_memory_map {
    uint32_t nr_entries;
    uint64_t buffer; /* guest handle */
};
struct e820entry {
    uint64_t addr, size;
    uint32_t type;
} __attribute__((packed));

/* grant_table_op (public/grant_table.h). */
#define GNTTABOP_setup_table 2
#define GNTTABOP_query_size 6
#define GNTTABOP_set_version 8
#define GNTTABOP_get_version 10
#define GNTST_okay 0
#define GNTST_general_error (-1)
#define GNTST_bad_domain (-2)
struct gnttab_setup_table {
    uint16_t dom;
    uint32_t nr_frames;
    int16_t status;
    uint64_t frame_list; /* guest handle */
};
struct gnttab_query_size {
    uint16_t dom;
    uint32_t nr_frames, max_nr_frames;
    int16_t status;
};
struct gnttab_set_version {
    uint32_t version;
};
struct gnttab_get_version {
    uint16_t dom, pad;
    uint32_t version;
};

/* hvm_op (public/hvm/hvm_op.h, params.h). */
#define HVMOP_set_param 0
#define HVMOP_get_param 1
#define HVMOP_pagetable_dying 9
#define HVMOP_get_time 10
#define HVMOP_set_evtchn_upcall_vector 23
#define HVM_PARAM_CALLBACK_IRQ 0
#define HVM_PARAM_STORE_PFN 1
#define HVM_PARAM_STORE_EVTCHN 2
#define HVM_PARAM_IDENT_PT 12
#define HVM_PARAM_CONSOLE_PFN 17
#define HVM_PARAM_CONSOLE_EVTCHN 18
#define HVM_PARAM_X87_FIP_WIDTH 36
#define HVM_NR_PARAMS 39
struct xen_hvm_param {
    uint16_t domid, pad;
    uint32_t index;
    uint64_t value;
};
struct xen_hvm_pagetable_dying {
    uint16_t domid, pad[3];
    uint64_t gpa;
};
struct xen_hvm_evtchn_upcall_vector {
    uint32_t vcpu;
    uint8_t vector;
};

/* physdev_op (public/physdev.h). */
#define PHYSDEVOP_irq_status_query 5

/* The shared info page (public/xen.h, x86-64): what the tests look at. */
#define SHINFO_VCPU0_TIME_VERSION 32
#define SHINFO_VCPU0_TIME_MUL (32 + 24)

_Static_assert(sizeof(struct xen_memory_reservation) == 32, "reservation layout");
_Static_assert(sizeof(struct xen_add_to_physmap) == 24, "add_to_physmap layout");
_Static_assert(sizeof(struct xen_memory_map) == 16, "memory_map layout");
_Static_assert(sizeof(struct xen_remove_from_physmap) == 16, "remove_from_physmap layout");
_Static_assert(sizeof(struct e820entry) == 20, "e820 layout");
_Static_assert(sizeof(struct gnttab_setup_table) == 24, "setup_table layout");
_Static_assert(sizeof(struct gnttab_query_size) == 16, "query_size layout");
_Static_assert(sizeof(struct xen_hvm_param) == 16, "hvm_param layout");
_Static_assert(sizeof(struct xen_hvm_pagetable_dying) == 16, "pagetable_dying layout");

/* One hypercall; the instruction by CPU vendor.  Needs cpu_detect() (done before test_main). */
long xencall(unsigned int nr, uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4, uint64_t a5);

static inline long xencall2(unsigned int nr, uint64_t a1, uint64_t a2)
{
    return xencall(nr, a1, a2, 0, 0, 0);
}

/* An address a guest can pass for a structure on its stack or in .data/.bss (identity-mapped). */
#define XPTR(p) ((uint64_t)(uintptr_t)(p))

#endif
