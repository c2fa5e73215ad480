/*
 * A PVH domain's own ACPI tables: RSDP (revision 2), XSDT and a MADT with
 * one enabled Local APIC entry per vCPU (APIC ID = 2 x vCPU id, ACPI
 * processor UID = vCPU id, as Xen does), no I/O APIC.  Pure: builds them
 * into a buffer that the domain builder copies to guest memory.
 */
#ifndef ASM_HVM_ACPI_H
#define ASM_HVM_ACPI_H

#include <xen/types.h>

/* Bytes the tables take for nr_vcpus vCPUs. */
size_t hvm_acpi_tables_size(unsigned int nr_vcpus);
/*
 * Build the tables into buf (size bytes, zeroed by the caller) as they will
 * sit at guest-physical gpa.  Returns the offset of the RSDP in buf, or -1
 * if they do not fit.
 */
long hvm_acpi_build(void *buf, size_t size, uint64_t gpa, unsigned int nr_vcpus);

#endif
