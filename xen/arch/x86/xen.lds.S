/*
 * Linker script for the hypervisor image.  Linked at XEN_VIRT_START +
 * XEN_PHYS_START, loaded by GRUB at XEN_PHYS_START (the multiboot2 address
 * tag in boot/head.S names the same addresses).
 */
#include <asm/config.h>

OUTPUT_FORMAT("elf64-x86-64")
OUTPUT_ARCH(i386:x86-64)
ENTRY(start32_phys)

PHDRS
{
    text PT_LOAD FLAGS(7);
}

SECTIONS
{
    . = XEN_VIRT_START + XEN_PHYS_START;
    _start = .;

    .text : AT(ADDR(.text) - XEN_VIRT_START) {
        _stext = .;
        KEEP(*(.text.multiboot2))   /* must sit in the first 32 KiB */
        *(.text.boot32)
        *(.text.entry)
        *(.text .text.*)
        _etext = .;
    } :text

    . = ALIGN(4096);
    .rodata : AT(ADDR(.rodata) - XEN_VIRT_START) {
        _srodata = .;
        *(.rodata .rodata.*)
        . = ALIGN(8);
        __start_xen_params = .;
        KEEP(*(xen_params))
        __stop_xen_params = .;
        . = ALIGN(8);
        KEEP(*(.rodata.symbols))
        _erodata = .;
    } :text

    . = ALIGN(4096);
    .data : AT(ADDR(.data) - XEN_VIRT_START) {
        _sdata = .;
        *(.data.page_aligned)
        *(.data .data.*)
        _edata = .;
    } :text

    . = ALIGN(4096);
    .bss : AT(ADDR(.bss) - XEN_VIRT_START) {
        __bss_start = .;
        *(.bss.page_aligned)
        *(.bss.stack_aligned)
        /*
         * The per-CPU template (xen/percpu.h), page-aligned so that every
         * CPU's page-aligned copy keeps each variable's alignment.
         */
        . = ALIGN(4096);
        __per_cpu_start = .;
        *(.bss.percpu)
        . = ALIGN(64);
        __per_cpu_end = .;
        *(.bss .bss.* COMMON)
        . = ALIGN(4096);
        __bss_end = .;
    } :text
    _end = .;

    start32_phys = start32 - XEN_VIRT_START;

    /DISCARD/ : {
        *(.comment) *(.note.*) *(.eh_frame) *(.discard*)
    }
}
