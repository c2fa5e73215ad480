/*
 * ACPI table formats as firmware lays them out in memory (ACPI
 * specification: "ACPI Software Programming Model", system description
 * tables).  Only the tables the hypervisor reads are described.
 */
#ifndef ASM_ACPI_TABLES_H
#define ASM_ACPI_TABLES_H

#include <xen/types.h>
#include <xen/compiler.h>

/* Root System Description Pointer. */
#define ACPI_RSDP_SIGNATURE "RSD PTR "
#define ACPI_RSDP_V1_SIZE   20          /* the part the v1 checksum covers */
#define ACPI_RSDP_V2_SIZE   36

struct acpi_rsdp {
    char signature[8];
    uint8_t checksum;                   /* covers the first 20 bytes */
    char oem_id[6];
    uint8_t revision;                   /* 0: ACPI 1.0, 2: ACPI 2.0 and later */
    uint32_t rsdt_address;
    /* Revision 2 and later. */
    uint32_t length;                    /* of the whole structure */
    uint64_t xsdt_address;
    uint8_t extended_checksum;          /* covers `length` bytes */
    uint8_t reserved[3];
} __packed;

/* The header every system description table starts with. */
struct acpi_table_header {
    char signature[4];
    uint32_t length;                    /* of the whole table, header included */
    uint8_t revision;
    uint8_t checksum;                   /* all `length` bytes sum to zero */
    char oem_id[6];
    char oem_table_id[8];
    uint32_t oem_revision;
    char creator_id[4];
    uint32_t creator_revision;
} __packed;

#define ACPI_SIG_RSDT "RSDT"
#define ACPI_SIG_XSDT "XSDT"
#define ACPI_SIG_FADT "FACP"
#define ACPI_SIG_MADT "APIC"
#define ACPI_SIG_DSDT "DSDT"
#define ACPI_SIG_SSDT "SSDT"
#define ACPI_SIG_HPET "HPET"

/* RSDT and XSDT: a header followed by 32-bit (RSDT) or 64-bit (XSDT) table addresses. */
struct acpi_rsdt {
    struct acpi_table_header header;
    uint32_t entry[];
} __packed;

struct acpi_xsdt {
    struct acpi_table_header header;
    uint64_t entry[];                   /* only 4-byte aligned in memory */
} __packed;

/* Generic Address Structure. */
#define ACPI_GAS_SPACE_MEMORY 0
#define ACPI_GAS_SPACE_IO     1
#define ACPI_GAS_SPACE_PCI    2         /* PCI configuration space, segment 0 bus 0 */

struct acpi_gas {
    uint8_t space_id;
    uint8_t bit_width;
    uint8_t bit_offset;
    uint8_t access_size;
    uint64_t address;
} __packed;

/*
 * A PCI configuration space GAS address: device in bits 47:32, function
 * in bits 31:16, register offset in bits 15:0 (bits 63:48 are zero).
 */
#define ACPI_GAS_PCI_DEV(a)    ((uint32_t)(((a) >> 32) & 0xffff))
#define ACPI_GAS_PCI_FN(a)     ((uint32_t)(((a) >> 16) & 0xffff))
#define ACPI_GAS_PCI_OFFSET(a) ((uint32_t)((a) & 0xffff))
#define ACPI_GAS_PCI_RSVD(a)   ((uint32_t)((a) >> 48))

/* Fixed ACPI Description Table ("FACP"). */
struct acpi_fadt {
    struct acpi_table_header header;
    uint32_t firmware_ctrl;
    uint32_t dsdt;
    uint8_t reserved0;
    uint8_t preferred_pm_profile;
    uint16_t sci_int;
    uint32_t smi_cmd;
    uint8_t acpi_enable;
    uint8_t acpi_disable;
    uint8_t s4bios_req;
    uint8_t pstate_cnt;
    uint32_t pm1a_evt_blk;
    uint32_t pm1b_evt_blk;
    uint32_t pm1a_cnt_blk;
    uint32_t pm1b_cnt_blk;
    uint32_t pm2_cnt_blk;
    uint32_t pm_tmr_blk;
    uint32_t gpe0_blk;
    uint32_t gpe1_blk;
    uint8_t pm1_evt_len;
    uint8_t pm1_cnt_len;
    uint8_t pm2_cnt_len;
    uint8_t pm_tmr_len;
    uint8_t gpe0_blk_len;
    uint8_t gpe1_blk_len;
    uint8_t gpe1_base;
    uint8_t cst_cnt;
    uint16_t p_lvl2_lat;
    uint16_t p_lvl3_lat;
    uint16_t flush_size;
    uint16_t flush_stride;
    uint8_t duty_offset;
    uint8_t duty_width;
    uint8_t day_alrm;
    uint8_t mon_alrm;
    uint8_t century;
    uint16_t iapc_boot_arch;
    uint8_t reserved1;
    uint32_t flags;                     /* ACPI_FADT_* */
    /* ACPI 1.0 tables end here (116 bytes). */
    struct acpi_gas reset_reg;
    uint8_t reset_value;
    uint16_t arm_boot_arch;
    uint8_t minor_version;
    uint64_t x_firmware_ctrl;
    uint64_t x_dsdt;
    struct acpi_gas x_pm1a_evt_blk;
    struct acpi_gas x_pm1b_evt_blk;
    struct acpi_gas x_pm1a_cnt_blk;
    struct acpi_gas x_pm1b_cnt_blk;
    struct acpi_gas x_pm2_cnt_blk;
    struct acpi_gas x_pm_tmr_blk;
    struct acpi_gas x_gpe0_blk;
    struct acpi_gas x_gpe1_blk;
    /* ACPI 5.0 and later. */
    struct acpi_gas sleep_control_reg;
    struct acpi_gas sleep_status_reg;
    /* ACPI 6.0 and later. */
    uint64_t hypervisor_vendor_id;
} __packed;

#define ACPI_FADT_V1_SIZE        116
#define ACPI_FADT_TMR_VAL_EXT    (1U << 8)   /* PM timer is 32 bits, not 24 */
#define ACPI_FADT_RESET_REG_SUP  (1U << 10)  /* RESET_REG/RESET_VALUE are valid */
#define ACPI_FADT_HW_REDUCED     (1U << 20)  /* no fixed hardware (PM1 blocks, PM timer) */

/* PM1 control register bits (ACPI: "PM1 Control Registers"). */
#define ACPI_PM1_CNT_SCI_EN      (1U << 0)
#define ACPI_PM1_CNT_GBL_RLS     (1U << 2)   /* write-only: 1 raises an SMI */
#define ACPI_PM1_CNT_SLP_TYP_SHIFT 10
#define ACPI_PM1_CNT_SLP_TYP_MASK  (7U << ACPI_PM1_CNT_SLP_TYP_SHIFT)
#define ACPI_PM1_CNT_SLP_EN      (1U << 13)

#define ACPI_PM_TIMER_HZ         3579545U

/* Multiple APIC Description Table ("APIC"). */
struct acpi_madt {
    struct acpi_table_header header;
    uint32_t lapic_address;
    uint32_t flags;                     /* ACPI_MADT_PCAT_COMPAT */
    /* Interrupt controller structures follow, each led by acpi_madt_sub. */
} __packed;

#define ACPI_MADT_PCAT_COMPAT 1U        /* dual 8259s present */

struct acpi_madt_sub {
    uint8_t type;                       /* ACPI_MADT_TYPE_* */
    uint8_t length;                     /* of the whole structure, this header included */
} __packed;

#define ACPI_MADT_TYPE_LAPIC          0
#define ACPI_MADT_TYPE_IOAPIC         1
#define ACPI_MADT_TYPE_OVERRIDE       2
#define ACPI_MADT_TYPE_LAPIC_NMI      4
#define ACPI_MADT_TYPE_LAPIC_ADDR     5
#define ACPI_MADT_TYPE_X2APIC         9
#define ACPI_MADT_TYPE_X2APIC_NMI     10

/* Local APIC and x2APIC flags. */
#define ACPI_MADT_ENABLED        (1U << 0)
#define ACPI_MADT_ONLINE_CAPABLE (1U << 1)  /* disabled now, may be enabled later */

struct acpi_madt_lapic {
    struct acpi_madt_sub sub;
    uint8_t processor_uid;
    uint8_t apic_id;
    uint32_t flags;
} __packed;

struct acpi_madt_ioapic {
    struct acpi_madt_sub sub;
    uint8_t id;
    uint8_t reserved;
    uint32_t address;
    uint32_t gsi_base;
} __packed;

struct acpi_madt_override {
    struct acpi_madt_sub sub;
    uint8_t bus;                        /* 0: ISA */
    uint8_t source;                     /* ISA IRQ */
    uint32_t gsi;
    uint16_t flags;                     /* MPS INTI flags: polarity, trigger mode */
} __packed;

struct acpi_madt_lapic_nmi {
    struct acpi_madt_sub sub;
    uint8_t processor_uid;              /* 0xff: all processors */
    uint16_t flags;
    uint8_t lint;
} __packed;

struct acpi_madt_lapic_addr {
    struct acpi_madt_sub sub;
    uint16_t reserved;
    uint64_t address;
} __packed;

struct acpi_madt_x2apic {
    struct acpi_madt_sub sub;
    uint16_t reserved;
    uint32_t x2apic_id;
    uint32_t flags;
    uint32_t processor_uid;
} __packed;

struct acpi_madt_x2apic_nmi {
    struct acpi_madt_sub sub;
    uint16_t flags;
    uint32_t processor_uid;             /* 0xffffffff: all processors */
    uint8_t lint;
    uint8_t reserved[3];
} __packed;

/* IA-PC High Precision Event Timer Table ("HPET"). */
struct acpi_hpet {
    struct acpi_table_header header;
    uint32_t event_timer_block_id;      /* copy of the HPET's capabilities ID */
    struct acpi_gas base_address;
    uint8_t hpet_number;
    uint16_t min_clock_tick;
    uint8_t page_protection;
} __packed;

/* Layout checks against the specification's offset columns. */
_Static_assert(sizeof(struct acpi_rsdp) == ACPI_RSDP_V2_SIZE, "RSDP size");
_Static_assert(offsetof(struct acpi_rsdp, length) == ACPI_RSDP_V1_SIZE, "RSDP v1 part");
_Static_assert(offsetof(struct acpi_rsdp, xsdt_address) == 24, "RSDP XsdtAddress");
_Static_assert(sizeof(struct acpi_table_header) == 36, "table header size");
_Static_assert(offsetof(struct acpi_table_header, checksum) == 9, "header checksum");
_Static_assert(offsetof(struct acpi_table_header, oem_id) == 10, "header OEM ID");
_Static_assert(offsetof(struct acpi_xsdt, entry) == 36, "XSDT entries");
_Static_assert(sizeof(struct acpi_gas) == 12, "GAS size");
_Static_assert(offsetof(struct acpi_gas, address) == 4, "GAS address");
_Static_assert(offsetof(struct acpi_fadt, dsdt) == 40, "FADT DSDT");
_Static_assert(offsetof(struct acpi_fadt, pm1a_cnt_blk) == 64, "FADT PM1a_CNT_BLK");
_Static_assert(offsetof(struct acpi_fadt, pm_tmr_blk) == 76, "FADT PM_TMR_BLK");
_Static_assert(offsetof(struct acpi_fadt, pm_tmr_len) == 91, "FADT PM_TMR_LEN");
_Static_assert(offsetof(struct acpi_fadt, iapc_boot_arch) == 109, "FADT IAPC_BOOT_ARCH");
_Static_assert(offsetof(struct acpi_fadt, flags) == 112, "FADT flags");
_Static_assert(offsetof(struct acpi_fadt, reset_reg) == ACPI_FADT_V1_SIZE, "FADT RESET_REG");
_Static_assert(offsetof(struct acpi_fadt, reset_value) == 128, "FADT RESET_VALUE");
_Static_assert(offsetof(struct acpi_fadt, x_dsdt) == 140, "FADT X_DSDT");
_Static_assert(offsetof(struct acpi_fadt, x_pm1a_cnt_blk) == 172, "FADT X_PM1a_CNT_BLK");
_Static_assert(offsetof(struct acpi_fadt, x_pm_tmr_blk) == 208, "FADT X_PM_TMR_BLK");
_Static_assert(offsetof(struct acpi_fadt, sleep_control_reg) == 244, "FADT SLEEP_CONTROL_REG");
_Static_assert(sizeof(struct acpi_fadt) == 276, "FADT size");
_Static_assert(sizeof(struct acpi_madt) == 44, "MADT header size");
_Static_assert(sizeof(struct acpi_madt_lapic) == 8, "MADT LAPIC size");
_Static_assert(sizeof(struct acpi_madt_ioapic) == 12, "MADT IOAPIC size");
_Static_assert(sizeof(struct acpi_madt_override) == 10, "MADT override size");
_Static_assert(sizeof(struct acpi_madt_lapic_nmi) == 6, "MADT LAPIC NMI size");
_Static_assert(sizeof(struct acpi_madt_lapic_addr) == 12, "MADT LAPIC address size");
_Static_assert(sizeof(struct acpi_madt_x2apic) == 16, "MADT x2APIC size");
_Static_assert(offsetof(struct acpi_madt_x2apic, x2apic_id) == 4, "MADT x2APIC ID");
_Static_assert(sizeof(struct acpi_madt_x2apic_nmi) == 12, "MADT x2APIC NMI size");
_Static_assert(offsetof(struct acpi_hpet, base_address) == 40, "HPET base address");
_Static_assert(sizeof(struct acpi_hpet) == 56, "HPET size");

#endif
