/* The hypervisor CPUID leaves at 0x40000000: signature and feature bits. */
#ifndef XEN_PUBLIC_ARCH_X86_CPUID_H
#define XEN_PUBLIC_ARCH_X86_CPUID_H

/*
 * The leaves may start at any multiple of 0x100 from 0x40000000 up to
 * 0x4000ff00 (another hypervisor's leaves may come first); guests scan.
 */
#define XEN_CPUID_FIRST_LEAF    0x40000000
#define XEN_CPUID_LEAF(i)       (XEN_CPUID_FIRST_LEAF + (i))

/* Leaf 0: EAX = highest leaf, EBX:ECX:EDX = "XenVMMXenVMM". */
#define XEN_CPUID_SIGNATURE_EBX 0x566e6558
#define XEN_CPUID_SIGNATURE_ECX 0x65584d4d
#define XEN_CPUID_SIGNATURE_EDX 0x4d4d566e

/*
 * Leaf 1: EAX = major << 16 | minor.  Leaf 2: EAX = number of hypercall
 * pages, EBX = the MSR that installs them, ECX = XEN_CPUID_FEAT1_*.
 */
#define _XEN_CPUID_FEAT1_MMU_PT_UPDATE_PRESERVE_AD  0
#define XEN_CPUID_FEAT1_MMU_PT_UPDATE_PRESERVE_AD   (1u << 0)

/* Leaf 4 (HVM guests), EAX. */
#define XEN_HVM_CPUID_APIC_ACCESS_VIRT  (1u << 0)   /* xAPIC MMIO is virtualised */
#define XEN_HVM_CPUID_X2APIC_VIRT       (1u << 1)   /* x2APIC MSRs are virtualised */
#define XEN_HVM_CPUID_IOMMU_MAPPINGS    (1u << 2)
#define XEN_HVM_CPUID_VCPU_ID_PRESENT   (1u << 3)   /* EBX holds the vCPU id */
#define XEN_HVM_CPUID_DOMID_PRESENT     (1u << 4)   /* ECX holds the domain id */
#define XEN_HVM_CPUID_EXT_DEST_ID       (1u << 5)   /* MSI extended destination id */
#define XEN_HVM_CPUID_UPCALL_VECTOR     (1u << 6)   /* HVMOP_set_evtchn_upcall_vector works */

/* Leaf 5 (PV guests), EAX: machine address width. */
#define XEN_CPUID_MACHINE_ADDRESS_WIDTH_MASK (0xffu << 0)

/* Leaves past the first that a guest may ask for. */
#define XEN_CPUID_MAX_NUM_LEAVES 5

#endif /* XEN_PUBLIC_ARCH_X86_CPUID_H */
