/*
 * Just enough ACPI to list the CPUs: find the RSDP (hvm_start_info, else
 * the BIOS areas), walk the XSDT or RSDT to the MADT, read its Local APIC
 * and x2APIC entries.  ACPI spec: RSDP, system description table header,
 * MADT.
 */
#include "guest.h"

#define BDA_EBDA_SEGMENT 0x40e
#define SDT_HEADER_SIZE 36
#define MADT_ENTRIES_OFFSET 44
#define MADT_LOCAL_APIC 0
#define MADT_LOCAL_X2APIC 9
#define MADT_ENABLED 1u

struct __attribute__((packed)) acpi_rsdp {
    char signature[8];
    uint8_t checksum;
    char oem_id[6];
    uint8_t revision;
    uint32_t rsdt_address;
    uint32_t length;
    uint64_t xsdt_address;
    uint8_t ext_checksum;
    uint8_t reserved[3];
};
_Static_assert(sizeof(struct acpi_rsdp) == 36, "RSDP layout");

struct __attribute__((packed)) acpi_sdt_header {
    char signature[4];
    uint32_t length;
    uint8_t revision;
    uint8_t checksum;
    char oem_id[6];
    char oem_table_id[8];
    uint32_t oem_revision;
    uint32_t creator_id;
    uint32_t creator_revision;
};
_Static_assert(sizeof(struct acpi_sdt_header) == SDT_HEADER_SIZE, "SDT header layout");

static bool checksum_ok(const void *p, size_t len)
{
    const uint8_t *b = p;
    uint8_t sum = 0;

    while (len--)
        sum = (uint8_t)(sum + *b++);
    return sum == 0;
}

static const struct acpi_rsdp *rsdp_at(uint64_t addr)
{
    const struct acpi_rsdp *r = (const struct acpi_rsdp *)(uintptr_t)addr;

    if (memcmp(r->signature, "RSD PTR ", 8) || !checksum_ok(r, 20))
        return NULL;
    return r;
}

static const struct acpi_rsdp *rsdp_scan(uint64_t base, uint64_t len)
{
    uint64_t a;

    for (a = base; a + sizeof(struct acpi_rsdp) <= base + len; a += 16) {
        const struct acpi_rsdp *r = rsdp_at(a);

        if (r)
            return r;
    }
    return NULL;
}

static const struct acpi_rsdp *rsdp_find(void)
{
    const struct hvm_start_info *si = start_info();
    const struct acpi_rsdp *r;
    uint64_t ebda;

    if (si && si->rsdp_paddr) {
        paging_map(si->rsdp_paddr, sizeof(*r));
        return rsdp_at(si->rsdp_paddr);
    }
    ebda = (uint64_t) * (volatile uint16_t *)BDA_EBDA_SEGMENT << 4;
    if (ebda >= 0x80000 && ebda < 0xa0000 && (r = rsdp_scan(ebda, 1024)))
        return r;
    return rsdp_scan(0xe0000, 0x20000);
}

static const struct acpi_sdt_header *sdt_at(uint64_t addr)
{
    const struct acpi_sdt_header *h;

    if (!addr || paging_map(addr, SDT_HEADER_SIZE))
        return NULL;
    h = (const struct acpi_sdt_header *)(uintptr_t)addr;
    if (h->length < SDT_HEADER_SIZE || paging_map(addr, h->length) || !checksum_ok(h, h->length))
        return NULL;
    return h;
}

static const struct acpi_sdt_header *madt_find(const struct acpi_rsdp *r)
{
    const struct acpi_sdt_header *root;
    unsigned int entry_size, i, n;
    bool xsdt = r->revision >= 2 && r->xsdt_address;

    root = sdt_at(xsdt ? r->xsdt_address : r->rsdt_address);
    if (!root)
        return NULL;
    entry_size = xsdt ? 8 : 4;
    n = (root->length - SDT_HEADER_SIZE) / entry_size;
    for (i = 0; i < n; i++) {
        const uint8_t *p = (const uint8_t *)root + SDT_HEADER_SIZE + i * entry_size;
        uint64_t addr = 0;
        const struct acpi_sdt_header *t;

        memcpy(&addr, p, entry_size);
        t = sdt_at(addr);
        if (t && !memcmp(t->signature, "APIC", 4))
            return t;
    }
    return NULL;
}

int acpi_find_cpus(struct acpi_cpu *cpus, unsigned int max)
{
    const struct acpi_rsdp *r = rsdp_find();
    const struct acpi_sdt_header *madt = r ? madt_find(r) : NULL;
    const uint8_t *p, *end;
    unsigned int n = 0;

    if (!madt)
        return -1;
    p = (const uint8_t *)madt + MADT_ENTRIES_OFFSET;
    end = (const uint8_t *)madt + madt->length;
    while (p + 2 <= end && p[1] >= 2 && p + p[1] <= end) {
        uint32_t flags, id, uid;

        if (p[0] == MADT_LOCAL_APIC && p[1] >= 8) {
            memcpy(&flags, p + 4, 4);
            uid = p[2];
            id = p[3];
        } else if (p[0] == MADT_LOCAL_X2APIC && p[1] >= 16) {
            memcpy(&id, p + 4, 4);
            memcpy(&flags, p + 8, 4);
            memcpy(&uid, p + 12, 4);
        } else {
            p += p[1];
            continue;
        }
        if ((flags & MADT_ENABLED) && n < max) {
            cpus[n].apic_id = id;
            cpus[n].uid = uid;
            n++;
        }
        p += p[1];
    }
    return (int)n;
}
