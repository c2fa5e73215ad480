/* x86-64 page sizes, page-table entry bits and address conversions. */
#ifndef ASM_PAGE_H
#define ASM_PAGE_H

#include <asm/config.h>

#define PAGE_SHIFT      12
#define PAGE_SIZE       (_AC(1, UL) << PAGE_SHIFT)
#define PAGE_MASK       (~(PAGE_SIZE - 1))
#define SUPERPAGE_SHIFT 21                 /* 2 MiB */
#define SUPERPAGE_SIZE  (_AC(1, UL) << SUPERPAGE_SHIFT)
#define GIGAPAGE_SHIFT  30                 /* 1 GiB */
#define GIGAPAGE_SIZE   (_AC(1, UL) << GIGAPAGE_SHIFT)

#define PAGETABLE_ORDER   9
#define L1_PAGETABLE_ENTRIES 512

/* SDM: "Paging", formats of 4-level paging structure entries. */
#define _PAGE_PRESENT  _AC(0x001, UL)
#define _PAGE_RW       _AC(0x002, UL)
#define _PAGE_USER     _AC(0x004, UL)
#define _PAGE_PWT      _AC(0x008, UL)
#define _PAGE_PCD      _AC(0x010, UL)
#define _PAGE_ACCESSED _AC(0x020, UL)
#define _PAGE_DIRTY    _AC(0x040, UL)
#define _PAGE_PSE      _AC(0x080, UL)
#define _PAGE_GLOBAL   _AC(0x100, UL)
#define _PAGE_NX       (_AC(1, UL) << 63)
#define PTE_ADDR_MASK  _AC(0x000ffffffffff000, UL)

#define PAGE_HYPERVISOR    (_PAGE_PRESENT | _PAGE_RW | _PAGE_ACCESSED | _PAGE_DIRTY)
#define PAGE_HYPERVISOR_RX (_PAGE_PRESENT | _PAGE_ACCESSED)

#define l4_index(va) (((va) >> 39) & 511)
#define l3_index(va) (((va) >> 30) & 511)
#define l2_index(va) (((va) >> 21) & 511)
#define l1_index(va) (((va) >> 12) & 511)

#ifndef __ASSEMBLY__
#include <xen/types.h>

typedef uint64_t pte_t;

/* Image symbols only: virt <-> phys of the loaded hypervisor image. */
#define __pa_image(va) ((paddr_t)(unsigned long)(va) - XEN_VIRT_START)
#define __va_image(pa) ((void *)((unsigned long)(pa) + XEN_VIRT_START))
#endif

#endif
