/*
 * Builds a PVH domain's ACPI tables (ACPI spec: "RSDP", "XSDT", "MADT";
 * layouts only): what a guest needs to find its vCPUs and their APIC IDs.
 */
#include <xen/string.h>
#include <xen/compiler.h>
#include <asm/acpi_tables.h>
#include <asm/hvm/acpi.h>

#define LAPIC_ADDRESS 0xfee00000U

static uint8_t checksum(const void *p, size_t len)
{
    const uint8_t *b = p;
    uint8_t sum = 0;

    while (len--)
        sum = (uint8_t)(sum + *b++);
    return (uint8_t)(0 - sum);
}

static void fill_header(struct acpi_table_header *h, const char *sig, uint32_t len, uint8_t rev)
{
    memcpy(h->signature, sig, 4);
    h->length = len;
    h->revision = rev;
    memcpy(h->oem_id, "XENHVM", 6);
    memcpy(h->oem_table_id, "PVH     ", 8);
    h->oem_revision = 1;
    memcpy(h->creator_id, "XEN ", 4);
    h->creator_revision = 1;
}

size_t hvm_acpi_tables_size(unsigned int nr_vcpus)
{
    /* RSDP, XSDT with one entry, MADT; each 16-byte aligned. */
    return 48 + 48 + sizeof(struct acpi_madt) + nr_vcpus * sizeof(struct acpi_madt_lapic);
}

long hvm_acpi_build(void *buf, size_t size, uint64_t gpa, unsigned int nr_vcpus)
{
    uint8_t *base = buf;
    struct acpi_rsdp *rsdp = buf;
    struct acpi_table_header *xsdt = (struct acpi_table_header *)(base + 48);
    struct acpi_madt *madt = (struct acpi_madt *)(base + 96);
    struct acpi_madt_lapic *lapic = (struct acpi_madt_lapic *)(madt + 1);
    uint32_t madt_len = (uint32_t)(sizeof(*madt) + nr_vcpus * sizeof(*lapic));
    uint64_t madt_gpa = gpa + 96;
    unsigned int i;

    if (!nr_vcpus || nr_vcpus > 128 || hvm_acpi_tables_size(nr_vcpus) > size)
        return -1;

    for (i = 0; i < nr_vcpus; i++) {
        lapic[i].sub.type = ACPI_MADT_TYPE_LAPIC;
        lapic[i].sub.length = sizeof(*lapic);
        lapic[i].processor_uid = (uint8_t)i;
        lapic[i].apic_id = (uint8_t)(2 * i);
        lapic[i].flags = ACPI_MADT_ENABLED;
    }
    fill_header(&madt->header, ACPI_SIG_MADT, madt_len, 4);
    madt->lapic_address = LAPIC_ADDRESS;
    madt->flags = 0;                    /* no legacy PICs */
    madt->header.checksum = checksum(madt, madt_len);

    fill_header(xsdt, ACPI_SIG_XSDT, sizeof(*xsdt) + 8, 1);
    memcpy(xsdt + 1, &madt_gpa, 8);
    xsdt->checksum = checksum(xsdt, sizeof(*xsdt) + 8);

    memcpy(rsdp->signature, "RSD PTR ", 8);
    memcpy(rsdp->oem_id, "XENHVM", 6);
    rsdp->revision = 2;
    rsdp->length = sizeof(*rsdp);
    rsdp->xsdt_address = gpa + 48;
    rsdp->checksum = checksum(rsdp, 20);
    rsdp->extended_checksum = checksum(rsdp, sizeof(*rsdp));
    return 0;
}
