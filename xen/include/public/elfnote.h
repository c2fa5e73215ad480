/* Types of the "Xen" ELF notes a guest kernel image carries. */
#ifndef XEN_PUBLIC_ELFNOTE_H
#define XEN_PUBLIC_ELFNOTE_H

#define XEN_ELFNOTE_INFO                0
#define XEN_ELFNOTE_ENTRY               1   /* PV entry point (virtual) */
#define XEN_ELFNOTE_HYPERCALL_PAGE      2   /* PV hypercall page (virtual) */
#define XEN_ELFNOTE_VIRT_BASE           3
#define XEN_ELFNOTE_PADDR_OFFSET        4
#define XEN_ELFNOTE_XEN_VERSION         5   /* string */
#define XEN_ELFNOTE_GUEST_OS            6   /* string, e.g. "linux" */
#define XEN_ELFNOTE_GUEST_VERSION       7   /* string */
#define XEN_ELFNOTE_LOADER              8   /* string, "generic" */
#define XEN_ELFNOTE_PAE_MODE            9   /* string */
#define XEN_ELFNOTE_FEATURES            10  /* string of feature names */
#define XEN_ELFNOTE_BSD_SYMTAB          11
#define XEN_ELFNOTE_HV_START_LOW        12
#define XEN_ELFNOTE_L1_MFN_VALID        13
#define XEN_ELFNOTE_SUSPEND_CANCEL      14
#define XEN_ELFNOTE_INIT_P2M            15
#define XEN_ELFNOTE_MOD_START_PFN       16
#define XEN_ELFNOTE_SUPPORTED_FEATURES  17  /* 32-bit XENFEAT_* bitmap */
#define XEN_ELFNOTE_PHYS32_ENTRY        18  /* PVH: physical 32-bit entry point */
#define XEN_ELFNOTE_MAX                 XEN_ELFNOTE_PHYS32_ENTRY

/* Notes in crash dumps written by the hypervisor and by dump-core. */
#define XEN_ELFNOTE_CRASH_INFO                  0x1000001
#define XEN_ELFNOTE_CRASH_REGS                  0x1000002
#define XEN_ELFNOTE_DUMPCORE_NONE               0x2000000
#define XEN_ELFNOTE_DUMPCORE_HEADER             0x2000001
#define XEN_ELFNOTE_DUMPCORE_XEN_VERSION        0x2000002
#define XEN_ELFNOTE_DUMPCORE_FORMAT_VERSION     0x2000003

#endif /* XEN_PUBLIC_ELFNOTE_H */
