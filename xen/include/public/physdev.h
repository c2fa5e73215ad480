/* physdev_op hypercall: interrupts and PCI devices of the hardware domain. */
#ifndef XEN_PUBLIC_PHYSDEV_H
#define XEN_PUBLIC_PHYSDEV_H

#include "xen.h"

/* Sub-operations (numbers 1-3, 18 and 22 are unused). */
#define PHYSDEVOP_IRQ_UNMASK_NOTIFY     4
#define PHYSDEVOP_irq_status_query      5   /* struct physdev_irq_status_query */
#define PHYSDEVOP_set_iopl              6
#define PHYSDEVOP_set_iobitmap          7
#define PHYSDEVOP_apic_read             8
#define PHYSDEVOP_apic_write            9
#define PHYSDEVOP_alloc_irq_vector      10
#define PHYSDEVOP_free_irq_vector       11
#define PHYSDEVOP_eoi                   12  /* struct physdev_eoi */
#define PHYSDEVOP_map_pirq              13  /* struct physdev_map_pirq */
#define PHYSDEVOP_unmap_pirq            14  /* struct physdev_unmap_pirq */
#define PHYSDEVOP_manage_pci_add        15
#define PHYSDEVOP_manage_pci_remove     16
#define PHYSDEVOP_pirq_eoi_gmfn_v1      17
#define PHYSDEVOP_restore_msi           19
#define PHYSDEVOP_manage_pci_add_ext    20
#define PHYSDEVOP_setup_gsi             21  /* struct physdev_setup_gsi */
#define PHYSDEVOP_get_free_pirq         23  /* struct physdev_get_free_pirq */
#define PHYSDEVOP_pci_mmcfg_reserved    24  /* struct physdev_pci_mmcfg_reserved */
#define PHYSDEVOP_pci_device_add        25
#define PHYSDEVOP_pci_device_remove     26  /* struct physdev_pci_device */
#define PHYSDEVOP_restore_msi_ext       27  /* struct physdev_pci_device */
#define PHYSDEVOP_pirq_eoi_gmfn_v2      28
#define PHYSDEVOP_dbgp_op               29
#define PHYSDEVOP_prepare_msix          30  /* struct physdev_pci_device */
#define PHYSDEVOP_release_msix          31  /* struct physdev_pci_device */
#define PHYSDEVOP_pirq_eoi_gmfn         PHYSDEVOP_pirq_eoi_gmfn_v2

/* physdev_irq_status_query.flags */
#define _XENIRQSTAT_needs_eoi           0
#define XENIRQSTAT_needs_eoi            (1U << _XENIRQSTAT_needs_eoi)
#define _XENIRQSTAT_shared              1
#define XENIRQSTAT_shared               (1U << _XENIRQSTAT_shared)

/* physdev_map_pirq.type */
#define MAP_PIRQ_TYPE_MSI               0x0
#define MAP_PIRQ_TYPE_GSI               0x1
#define MAP_PIRQ_TYPE_UNKNOWN           0x2
#define MAP_PIRQ_TYPE_MSI_SEG           0x3
#define MAP_PIRQ_TYPE_MULTI_MSI         0x4

/* physdev_pci_mmcfg_reserved.flags */
#define XEN_PCI_MMCFG_RESERVED          0x1

#ifndef __ASSEMBLY__

struct physdev_eoi {
    uint32_t irq;
};
typedef struct physdev_eoi physdev_eoi_t;
DEFINE_XEN_GUEST_HANDLE(physdev_eoi_t);

struct physdev_irq_status_query {
    uint32_t irq;
    uint32_t flags;             /* OUT: XENIRQSTAT_* */
};
typedef struct physdev_irq_status_query physdev_irq_status_query_t;
DEFINE_XEN_GUEST_HANDLE(physdev_irq_status_query_t);

/* Bind a GSI or MSI(-X) of a device to a pirq of domid. */
struct physdev_map_pirq {
    domid_t domid;
    int32_t type;               /* MAP_PIRQ_TYPE_* */
    int32_t index;              /* GSI, or MSI-X entry */
    int32_t pirq;               /* IN: wanted pirq or -1; OUT: the pirq */
    int32_t bus;                /* segment in bits 16-31 for the _SEG types */
    int32_t devfn;
    int32_t entry_nr;           /* vectors (MULTI_MSI) */
    uint64_t table_base;        /* MSI-X table address */
};
typedef struct physdev_map_pirq physdev_map_pirq_t;
DEFINE_XEN_GUEST_HANDLE(physdev_map_pirq_t);

struct physdev_unmap_pirq {
    domid_t domid;
    int32_t pirq;
};
typedef struct physdev_unmap_pirq physdev_unmap_pirq_t;
DEFINE_XEN_GUEST_HANDLE(physdev_unmap_pirq_t);

/* Trigger mode and polarity of a GSI, as the hardware domain found in ACPI. */
struct physdev_setup_gsi {
    int32_t gsi;
    uint8_t triggering;         /* 0 edge, 1 level */
    uint8_t polarity;           /* 0 active high, 1 active low */
};
typedef struct physdev_setup_gsi physdev_setup_gsi_t;
DEFINE_XEN_GUEST_HANDLE(physdev_setup_gsi_t);

struct physdev_get_free_pirq {
    int32_t type;               /* MAP_PIRQ_TYPE_* */
    uint32_t pirq;              /* OUT */
};
typedef struct physdev_get_free_pirq physdev_get_free_pirq_t;
DEFINE_XEN_GUEST_HANDLE(physdev_get_free_pirq_t);

/* An MMCONFIG window the hardware domain found reserved in its firmware tables. */
struct physdev_pci_mmcfg_reserved {
    uint64_t address;
    uint16_t segment;
    uint8_t start_bus;
    uint8_t end_bus;
    uint32_t flags;             /* XEN_PCI_MMCFG_* */
};
typedef struct physdev_pci_mmcfg_reserved physdev_pci_mmcfg_reserved_t;
DEFINE_XEN_GUEST_HANDLE(physdev_pci_mmcfg_reserved_t);

/* A PCI function by segment, bus and devfn. */
struct physdev_pci_device {
    uint16_t seg;
    uint8_t bus;
    uint8_t devfn;
};
typedef struct physdev_pci_device physdev_pci_device_t;
DEFINE_XEN_GUEST_HANDLE(physdev_pci_device_t);

#endif /* !__ASSEMBLY__ */

#endif /* XEN_PUBLIC_PHYSDEV_H */
