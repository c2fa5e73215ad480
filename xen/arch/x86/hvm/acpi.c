/*
 * Builds a PVH domain's ACPI tables (ACPI spec: "RSDP", "XSDT", "MADT";
 * layouts only): what a guest needs to find its vCPUs and their APIC IDs.
 */
#include <xen/string.h>
#include <xen/compiler.h>
#include <asm/hvm/acpi.h>

struct acpi_rsdp {
    char signature[8];
    uint8_t checksum;
    char oem_id[6];
    uint8_t revision;
    uint32_t rsdt_address;
    uint32_t length;
    uint64_t xsdt_address;
    uint8_t ext_checksum;
    uint8_t reserved[3];
} __packed;

struct acpi_header {
    char signature[4];
    uint32_t length;
    uint8_t revision;
    uint8_t checksum;
    char oem_id[6];
    char oem_table_id[8];
    uint32_t oem_revision;
    char creator_id[4];
    uint32_t creator_revision;
} __packed;

struct acpi_madt {
    struct acpi_header h;
    uint32_t lapic_address;
    uint32_t flags;
} __packed;

struct acpi_madt_lapic {
    uint8_t type;               /* 0: processor local APIC */
    uint8_t length;             /* 8 */
    uint8_t uid;
    uint8_t apic_id;
    uint32_t flags;             /* bit 0: enabled */
} __packed;

BUILD_BUG_ON(sizeof(struct acpi_rsdp) != 36);
BUILD_BUG_ON(sizeof(struct acpi_header) != 36);
BUILD_BUG_ON(sizeof(struct acpi_madt) != 44);
BUILD_BUG_ON(sizeof(struct acpi_madt_lapic) != 8);

#define LAPIC_ADDRESS 0xfee00000U

static uint8_t checksum(const void *p, size_t len)
{
    const uint8_t *b = p;
    uint8_t sum = 0;

    while (len--)
        sum = (uint8_t)(sum + *b++);
    return (uint8_t)(0 - sum);
}

static void fill_header(struct acpi_header *h, const char *sig, uint32_t len, uint8_t rev)
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
    struct acpi_header *xsdt = (struct acpi_header *)(base + 48);
    struct acpi_madt *madt = (struct acpi_madt *)(base + 96);
    struct acpi_madt_lapic *lapic = (struct acpi_madt_lapic *)(madt + 1);
    uint32_t madt_len = (uint32_t)(sizeof(*madt) + nr_vcpus * sizeof(*lapic));
    uint64_t madt_gpa = gpa + 96;
    unsigned int i;

    if (!nr_vcpus || nr_vcpus > 128 || hvm_acpi_tables_size(nr_vcpus) > size)
        return -1;

    for (i = 0; i < nr_vcpus; i++) {
        lapic[i].type = 0;
        lapic[i].length = sizeof(*lapic);
        lapic[i].uid = (uint8_t)i;
        lapic[i].apic_id = (uint8_t)(2 * i);
        lapic[i].flags = 1;
    }
    fill_header(&madt->h, "APIC", madt_len, 4);
    madt->lapic_address = LAPIC_ADDRESS;
    madt->flags = 0;                    /* no legacy PICs */
    madt->h.checksum = checksum(madt, madt_len);

    fill_header(xsdt, "XSDT", sizeof(*xsdt) + 8, 1);
    memcpy(xsdt + 1, &madt_gpa, 8);
    xsdt->checksum = checksum(xsdt, sizeof(*xsdt) + 8);

    memcpy(rsdp->signature, "RSD PTR ", 8);
    memcpy(rsdp->oem_id, "XENHVM", 6);
    rsdp->revision = 2;
    rsdp->length = sizeof(*rsdp);
    rsdp->xsdt_address = gpa + 48;
    rsdp->checksum = checksum(rsdp, 20);
    rsdp->ext_checksum = checksum(rsdp, sizeof(*rsdp));
    return 0;
}
