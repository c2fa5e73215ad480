/* Host ACPI: table discovery, MADT/FADT facts, reset and S5 power-off. */
#ifndef ASM_ACPI_H
#define ASM_ACPI_H

#include <xen/types.h>

#define ACPI_MAX_CPUS    1024
#define ACPI_MAX_IOAPICS 64
#define ACPI_MAX_OVERRIDES 32

struct acpi_cpu {
    uint32_t apic_id;
    uint32_t uid;
    bool x2apic;            /* came from an x2APIC (type 9) entry */
};
struct acpi_ioapic {
    uint8_t id;
    uint32_t addr;
    uint32_t gsi_base;
};
struct acpi_override {
    uint8_t bus, source;
    uint32_t gsi;
    uint16_t flags;
};
/* A Generic Address Structure, as the FADT gives registers. */
struct acpi_gas_info {
    uint8_t space;          /* 0 memory, 1 I/O */
    uint8_t bit_width;
    uint64_t addr;
};

struct acpi_info {
    bool present;
    paddr_t rsdp, xsdt, rsdt;
    char oem_id[7];
    /* MADT */
    uint32_t lapic_addr;
    bool pcat_compat;
    unsigned int nr_cpus, nr_disabled_cpus;
    struct acpi_cpu cpus[ACPI_MAX_CPUS];
    unsigned int nr_ioapics;
    struct acpi_ioapic ioapics[ACPI_MAX_IOAPICS];
    unsigned int nr_overrides;
    struct acpi_override overrides[ACPI_MAX_OVERRIDES];
    /* FADT */
    bool have_fadt;
    uint32_t pm1a_cnt, pm1b_cnt;        /* I/O ports, 0 if absent */
    uint32_t pm_tmr;
    bool pm_tmr_32bit;
    bool have_reset;
    struct acpi_gas_info reset_reg;
    uint8_t reset_value;
    paddr_t dsdt;
    /* \_S5 sleep type values from the DSDT (or SSDTs) */
    bool have_s5;
    uint8_t s5_slp_typa, s5_slp_typb;
    paddr_t hpet_addr;                  /* 0 if no HPET table */
};

extern struct acpi_info acpi_info;

/* Find and parse the tables; rsdp_hint = the RSDP GRUB gave (0: scan BIOS areas). */
int acpi_boot_init(paddr_t rsdp_hint, const void *rsdp_copy, unsigned int rsdp_len);
/* Returns only if the reset register did not reset the machine. */
void acpi_reboot(void);
/* Returns only if entering S5 failed. */
void acpi_power_off(void);

/*
 * Pure parsers (host-tested): checksum, and find \_S5's SLP_TYPa/b in an
 * AML byte stream (DSDT or SSDT body).  Return 0 on success, -errno otherwise.
 */
bool acpi_checksum_ok(const void *p, size_t len);
int acpi_find_s5(const uint8_t *aml, size_t len, uint8_t *typa, uint8_t *typb);

/*
 * Table parsers used by acpi_boot_init() (host-tested).  `table` is a whole
 * table of which `len` bytes are readable; the header's length must not
 * exceed len and nothing past it is read.  Each resets the acpi_info
 * fields it owns, then fills them.  Return 0, or -EINVAL if the table is
 * malformed (the MADT parser keeps the entries before the damage).
 */
int acpi_parse_madt(const void *table, size_t len, struct acpi_info *ai);
int acpi_parse_fadt(const void *table, size_t len, struct acpi_info *ai);
int acpi_parse_hpet(const void *table, size_t len, struct acpi_info *ai);

/*
 * Register encodings used by acpi_power_off()/acpi_reboot() (host-tested):
 * the PM1 control value that requests sleep type slp_typ (SLP_EN set if
 * `enable`), preserving cur's other bits; and the 0xCF8 address and data
 * port for a PCI configuration space reset register (-EINVAL if the GAS
 * address names no bus-0 register).
 */
uint16_t acpi_pm1_cnt_sleep(uint16_t cur, uint8_t slp_typ, bool enable);
int acpi_reset_pci_addr(uint64_t gas_addr, uint32_t *cf8, uint16_t *data_port);

#endif
