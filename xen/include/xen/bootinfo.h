/* What the boot loader told us, after validation (filled by common/multiboot2.c). */
#ifndef XEN_BOOTINFO_H
#define XEN_BOOTINFO_H

#include <xen/types.h>

#define MAX_MEMMAP_ENTRIES 256
#define MAX_BOOT_MODULES   64
#define MAX_CMDLINE        1024

/* E820 / multiboot2 memory types. */
#define MEM_RAM         1
#define MEM_RESERVED    2
#define MEM_ACPI        3
#define MEM_NVS         4
#define MEM_UNUSABLE    5

struct boot_mem_range {
    paddr_t addr;
    uint64_t size;
    uint32_t type;      /* MEM_* */
};

struct boot_module {
    paddr_t start;
    paddr_t end;        /* exclusive */
    char cmdline[MAX_CMDLINE];
};

struct boot_info {
    paddr_t mbi_start, mbi_end;       /* the multiboot2 information itself */
    char cmdline[MAX_CMDLINE];
    char loader[64];                  /* boot loader name, "" if not given */
    unsigned int nr_mem;
    struct boot_mem_range mem[MAX_MEMMAP_ENTRIES];
    bool mem_from_efi;                /* mem[] came from the EFI memory map */
    unsigned int nr_modules;
    struct boot_module modules[MAX_BOOT_MODULES];
    paddr_t rsdp;                     /* copy of the RSDP GRUB gave us (0 if none) */
    uint8_t rsdp_copy[36];            /* the bytes of that RSDP (v1: 20, v2: 36) */
    unsigned int rsdp_len;
    paddr_t efi_system_table;         /* 0 if not booted via EFI */
    bool efi_boot_services_exited;    /* no EFI BS tag: GRUB exited boot services */
    unsigned int nr_warnings;         /* problems found while parsing */
};

/*
 * Parse the multiboot2 information at `mbi` (len bytes available to read:
 * the parser never reads beyond it).  Returns 0 on success or a negative
 * errno; `err` receives a human-readable reason on failure.  Warnings about
 * individual tags are printed and counted, parsing goes on.
 */
int multiboot2_parse(const void *mbi, size_t avail, paddr_t mbi_maddr,
                     struct boot_info *bi, const char **err);

/* Print what was found (loader, command line, memory map, modules, tables). */
void bootinfo_print(const struct boot_info *bi);

/* "13.0 TiB", "512.0 MiB", "512 B": one decimal, binary units; returns buf. */
const char *fmt_size(uint64_t bytes, char *buf, size_t len);

#endif
