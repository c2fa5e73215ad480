/* The PVH boot information block whose address a guest finds in EBX at entry. */
#ifndef XEN_PUBLIC_ARCH_X86_HVM_START_INFO_H
#define XEN_PUBLIC_ARCH_X86_HVM_START_INFO_H

/* hvm_start_info.magic: "xEn3" with the top bit of 'E' set. */
#define XEN_HVM_START_MAGIC_VALUE       0x336ec578

/* hvm_memmap_table_entry.type, the E820 numbering. */
#define XEN_HVM_MEMMAP_TYPE_RAM         1
#define XEN_HVM_MEMMAP_TYPE_RESERVED    2
#define XEN_HVM_MEMMAP_TYPE_ACPI        3
#define XEN_HVM_MEMMAP_TYPE_NVS         4
#define XEN_HVM_MEMMAP_TYPE_UNUSABLE    5
#define XEN_HVM_MEMMAP_TYPE_DISABLED    6
#define XEN_HVM_MEMMAP_TYPE_PMEM        7

#ifndef __ASSEMBLY__

#include <stdint.h>

/*
 * 56 bytes.  Addresses are guest physical.  Version 0 ends before
 * memmap_paddr; version 1 adds the memory map.
 */
struct hvm_start_info {
    uint32_t magic;             /* XEN_HVM_START_MAGIC_VALUE */
    uint32_t version;
    uint32_t flags;             /* SIF_* */
    uint32_t nr_modules;
    uint64_t modlist_paddr;     /* array of nr_modules hvm_modlist_entry */
    uint64_t cmdline_paddr;     /* NUL-terminated, 0 if none */
    uint64_t rsdp_paddr;        /* ACPI RSDP, 0 if the guest should search */
    uint64_t memmap_paddr;      /* array of hvm_memmap_table_entry */
    uint32_t memmap_entries;    /* 0: no map, ask XENMEM_memory_map */
    uint32_t reserved;          /* zero */
};

/* One module (a ramdisk, say), 32 bytes. */
struct hvm_modlist_entry {
    uint64_t paddr;
    uint64_t size;
    uint64_t cmdline_paddr;     /* the module's own command line, or 0 */
    uint64_t reserved;
};

/* One memory map range, 24 bytes. */
struct hvm_memmap_table_entry {
    uint64_t addr;
    uint64_t size;
    uint32_t type;              /* XEN_HVM_MEMMAP_TYPE_* */
    uint32_t reserved;          /* zero */
};

#endif /* !__ASSEMBLY__ */

#endif /* XEN_PUBLIC_ARCH_X86_HVM_START_INFO_H */
