/*
 * The hypervisor's virtual address layout (4-level paging, 48-bit virtual).
 *
 *  0xffff800000000000 - 0xffff87ffffffffff  reserved for later (vmap, per-domain)
 *  0xffff880000000000 - 0xfffff7ffffffffff  direct map of host RAM (112 TiB)
 *  0xffffffff80000000 - 0xffffffffbfffffff  the image and its boot mappings
 *                                           (virt = phys + XEN_VIRT_START)
 */
#ifndef ASM_CONFIG_H
#define ASM_CONFIG_H

#ifdef __ASSEMBLY__
#define _AC(x, s) x
#else
#define _AC(x, s) x##s
#endif

#define XEN_VIRT_START       _AC(0xffffffff80000000, UL)
#define XEN_PHYS_START       _AC(0x200000, UL)    /* where GRUB loads us */
#define DIRECTMAP_VIRT_START _AC(0xffff880000000000, UL)
#define DIRECTMAP_VIRT_END   _AC(0xfffff80000000000, UL)
#define DIRECTMAP_SIZE       (DIRECTMAP_VIRT_END - DIRECTMAP_VIRT_START)

#define STACK_ORDER 2
#define STACK_SIZE  (_AC(4096, UL) << STACK_ORDER)

#define __HYPERVISOR_CS 0x08
#define __HYPERVISOR_DS 0x10
#define TSS_SELECTOR    0x20

#endif
