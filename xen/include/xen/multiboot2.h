/*
 * The multiboot2 boot information a loader hands over in EBX (multiboot2
 * specification, "Boot information format"), and the EFI memory descriptor
 * that the EFI memory map tag carries (UEFI spec, GetMemoryMap()).
 *
 * Every structure is packed and only ever read through memcpy into a local
 * copy (common/multiboot2.c), so the layouts here are pure data.
 */
#ifndef XEN_MULTIBOOT2_H
#define XEN_MULTIBOOT2_H

#include <xen/types.h>
#include <xen/compiler.h>

/* EAX holds this when a multiboot2 loader jumps to us. */
#define MULTIBOOT2_BOOTLOADER_MAGIC 0x36d76289U

/* Tags start on 8-byte boundaries; a tag's size does not include padding. */
#define MB2_TAG_ALIGN 8

#define MB2_TAG_END               0
#define MB2_TAG_CMDLINE           1
#define MB2_TAG_BOOT_LOADER_NAME  2
#define MB2_TAG_MODULE            3
#define MB2_TAG_BASIC_MEMINFO     4
#define MB2_TAG_BOOTDEV           5
#define MB2_TAG_MMAP              6
#define MB2_TAG_VBE               7
#define MB2_TAG_FRAMEBUFFER       8
#define MB2_TAG_ELF_SECTIONS      9
#define MB2_TAG_APM               10
#define MB2_TAG_EFI32             11
#define MB2_TAG_EFI64             12
#define MB2_TAG_SMBIOS            13
#define MB2_TAG_ACPI_OLD          14
#define MB2_TAG_ACPI_NEW          15
#define MB2_TAG_NETWORK           16
#define MB2_TAG_EFI_MMAP          17
#define MB2_TAG_EFI_BS            18    /* boot services not terminated */
#define MB2_TAG_EFI32_IH          19
#define MB2_TAG_EFI64_IH          20
#define MB2_TAG_LOAD_BASE_ADDR    21

/* The fixed part in front of the tags. */
struct mb2_info_header {
    uint32_t total_size;    /* including this header and the end tag */
    uint32_t reserved;
} __packed;

/* What every tag starts with. */
struct mb2_tag {
    uint32_t type;
    uint32_t size;
} __packed;

/* Types 1 (command line) and 2 (boot loader name): a NUL-terminated string. */
struct mb2_tag_string {
    uint32_t type;
    uint32_t size;
    char string[];
} __packed;

struct mb2_tag_module {
    uint32_t type;
    uint32_t size;
    uint32_t mod_start;
    uint32_t mod_end;       /* exclusive */
    char cmdline[];
} __packed;

struct mb2_tag_basic_meminfo {
    uint32_t type;
    uint32_t size;
    uint32_t mem_lower;     /* KiB from 0 */
    uint32_t mem_upper;     /* KiB from 1 MiB */
} __packed;

struct mb2_tag_bootdev {
    uint32_t type;
    uint32_t size;
    uint32_t biosdev;
    uint32_t partition;
    uint32_t sub_partition;
} __packed;

/* Type 6: the BIOS (E820-style) memory map. */
struct mb2_tag_mmap {
    uint32_t type;
    uint32_t size;
    uint32_t entry_size;    /* a multiple of 8, at least sizeof(struct mb2_mmap_entry) */
    uint32_t entry_version; /* 0 */
    uint8_t entries[];
} __packed;

struct mb2_mmap_entry {
    uint64_t addr;
    uint64_t len;
    uint32_t type;          /* MB2_MEMORY_* */
    uint32_t zero;
} __packed;

#define MB2_MEMORY_AVAILABLE        1
#define MB2_MEMORY_RESERVED         2
#define MB2_MEMORY_ACPI_RECLAIMABLE 3
#define MB2_MEMORY_NVS              4
#define MB2_MEMORY_BADRAM           5

struct mb2_tag_vbe {
    uint32_t type;
    uint32_t size;
    uint16_t vbe_mode;
    uint16_t vbe_interface_seg;
    uint16_t vbe_interface_off;
    uint16_t vbe_interface_len;
    uint8_t vbe_control_info[512];
    uint8_t vbe_mode_info[256];
} __packed;

/*
 * Type 8.  The specification's table shows a u8 reserved field, but its own
 * example header and every loader use a u16, putting the colour information
 * at offset 32; we follow the loaders.
 */
struct mb2_tag_framebuffer {
    uint32_t type;
    uint32_t size;
    uint64_t framebuffer_addr;
    uint32_t framebuffer_pitch;
    uint32_t framebuffer_width;
    uint32_t framebuffer_height;
    uint8_t framebuffer_bpp;
    uint8_t framebuffer_type;   /* MB2_FRAMEBUFFER_TYPE_* */
    uint16_t reserved;
    uint8_t color_info[];
} __packed;

#define MB2_FRAMEBUFFER_TYPE_INDEXED  0
#define MB2_FRAMEBUFFER_TYPE_RGB      1
#define MB2_FRAMEBUFFER_TYPE_EGA_TEXT 2

/* color_info for the indexed type: a count, then that many palette entries. */
struct mb2_fb_palette_entry {
    uint8_t red, green, blue;
} __packed;

/* color_info for the RGB type. */
struct mb2_fb_rgb_info {
    uint8_t red_field_position, red_mask_size;
    uint8_t green_field_position, green_mask_size;
    uint8_t blue_field_position, blue_mask_size;
} __packed;

/*
 * Type 9.  The specification's table shows u16 fields; its example header
 * and the loaders use u32, which is what is followed here.
 */
struct mb2_tag_elf_sections {
    uint32_t type;
    uint32_t size;
    uint32_t num;
    uint32_t entsize;
    uint32_t shndx;
    uint8_t sections[];
} __packed;

struct mb2_tag_apm {
    uint32_t type;
    uint32_t size;
    uint16_t version;
    uint16_t cseg;
    uint32_t offset;
    uint16_t cseg_16;
    uint16_t dseg;
    uint16_t flags;
    uint16_t cseg_len;
    uint16_t cseg_16_len;
    uint16_t dseg_len;
} __packed;

/* Types 11 and 19: a 32-bit EFI pointer (system table, image handle). */
struct mb2_tag_efi32 {
    uint32_t type;
    uint32_t size;
    uint32_t pointer;
} __packed;

/* Types 12 and 20: a 64-bit EFI pointer (system table, image handle). */
struct mb2_tag_efi64 {
    uint32_t type;
    uint32_t size;
    uint64_t pointer;
} __packed;

struct mb2_tag_smbios {
    uint32_t type;
    uint32_t size;
    uint8_t major;
    uint8_t minor;
    uint8_t reserved[6];
    uint8_t tables[];
} __packed;

/* Types 14 and 15: a copy of the RSDP (v1 and v2+ respectively). */
struct mb2_tag_acpi {
    uint32_t type;
    uint32_t size;
    uint8_t rsdp[];
} __packed;

/* Type 16: the DHCP ACK the loader received. */
struct mb2_tag_network {
    uint32_t type;
    uint32_t size;
    uint8_t dhcpack[];
} __packed;

/* Type 17: the memory map as EFI GetMemoryMap() returned it. */
struct mb2_tag_efi_mmap {
    uint32_t type;
    uint32_t size;
    uint32_t descr_size;    /* stride between descriptors, >= sizeof(struct efi_memory_desc) */
    uint32_t descr_vers;
    uint8_t efi_mmap[];
} __packed;

struct mb2_tag_load_base_addr {
    uint32_t type;
    uint32_t size;
    uint32_t load_base_addr;
} __packed;

/*
 * The ACPI Root System Description Pointer as tags 14/15 carry it (ACPI
 * spec, "RSDP structure"): the first 20 bytes are ACPI 1.0 and covered by
 * `checksum`; revision >= 2 adds the rest, covered over `length` bytes by
 * `ext_checksum`.
 */
#define ACPI_RSDP_SIGNATURE "RSD PTR "
#define ACPI_RSDP_V1_LEN    20
#define ACPI_RSDP_V2_LEN    36

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

/* UEFI spec, EFI_MEMORY_DESCRIPTOR (firmware may use a larger stride). */
struct efi_memory_desc {
    uint32_t type;          /* EFI_* memory type */
    uint32_t pad;
    uint64_t phys_start;
    uint64_t virt_start;
    uint64_t num_pages;     /* in EFI_PAGE_SIZE units */
    uint64_t attribute;
} __packed;

/* Attribute bit: firmware runtime services use the range after ExitBootServices(). */
#define EFI_MEMORY_RUNTIME (1ULL << 63)

#define EFI_PAGE_SHIFT 12
#define EFI_PAGE_SIZE  (1ULL << EFI_PAGE_SHIFT)

/* UEFI spec, EFI_MEMORY_TYPE. */
#define EFI_RESERVED_TYPE               0
#define EFI_LOADER_CODE                 1
#define EFI_LOADER_DATA                 2
#define EFI_BOOT_SERVICES_CODE          3
#define EFI_BOOT_SERVICES_DATA          4
#define EFI_RUNTIME_SERVICES_CODE       5
#define EFI_RUNTIME_SERVICES_DATA       6
#define EFI_CONVENTIONAL_MEMORY         7
#define EFI_UNUSABLE_MEMORY             8
#define EFI_ACPI_RECLAIM_MEMORY         9
#define EFI_ACPI_MEMORY_NVS             10
#define EFI_MEMORY_MAPPED_IO            11
#define EFI_MEMORY_MAPPED_IO_PORT_SPACE 12
#define EFI_PAL_CODE                    13
#define EFI_PERSISTENT_MEMORY           14
#define EFI_UNACCEPTED_MEMORY           15

/* Layout checks: these are the specification's sizes and offsets. */
BUILD_BUG_ON(sizeof(struct mb2_info_header) != 8);
BUILD_BUG_ON(sizeof(struct mb2_tag) != 8);
BUILD_BUG_ON(sizeof(struct mb2_tag_string) != 8);
BUILD_BUG_ON(sizeof(struct mb2_tag_module) != 16);
BUILD_BUG_ON(offsetof(struct mb2_tag_module, cmdline) != 16);
BUILD_BUG_ON(sizeof(struct mb2_tag_basic_meminfo) != 16);
BUILD_BUG_ON(sizeof(struct mb2_tag_bootdev) != 20);
BUILD_BUG_ON(sizeof(struct mb2_tag_mmap) != 16);
BUILD_BUG_ON(offsetof(struct mb2_tag_mmap, entries) != 16);
BUILD_BUG_ON(sizeof(struct mb2_mmap_entry) != 24);
BUILD_BUG_ON(offsetof(struct mb2_mmap_entry, type) != 16);
BUILD_BUG_ON(sizeof(struct mb2_tag_vbe) != 784);
BUILD_BUG_ON(offsetof(struct mb2_tag_vbe, vbe_control_info) != 16);
BUILD_BUG_ON(offsetof(struct mb2_tag_vbe, vbe_mode_info) != 528);
BUILD_BUG_ON(sizeof(struct mb2_tag_framebuffer) != 32);
BUILD_BUG_ON(offsetof(struct mb2_tag_framebuffer, framebuffer_bpp) != 28);
BUILD_BUG_ON(offsetof(struct mb2_tag_framebuffer, color_info) != 32);
BUILD_BUG_ON(sizeof(struct mb2_fb_palette_entry) != 3);
BUILD_BUG_ON(sizeof(struct mb2_fb_rgb_info) != 6);
BUILD_BUG_ON(sizeof(struct mb2_tag_elf_sections) != 20);
BUILD_BUG_ON(sizeof(struct mb2_tag_apm) != 28);
BUILD_BUG_ON(offsetof(struct mb2_tag_apm, dseg_len) != 26);
BUILD_BUG_ON(sizeof(struct mb2_tag_efi32) != 12);
BUILD_BUG_ON(sizeof(struct mb2_tag_efi64) != 16);
BUILD_BUG_ON(offsetof(struct mb2_tag_efi64, pointer) != 8);
BUILD_BUG_ON(sizeof(struct mb2_tag_smbios) != 16);
BUILD_BUG_ON(sizeof(struct mb2_tag_acpi) != 8);
BUILD_BUG_ON(sizeof(struct mb2_tag_network) != 8);
BUILD_BUG_ON(sizeof(struct mb2_tag_efi_mmap) != 16);
BUILD_BUG_ON(offsetof(struct mb2_tag_efi_mmap, efi_mmap) != 16);
BUILD_BUG_ON(sizeof(struct mb2_tag_load_base_addr) != 12);
BUILD_BUG_ON(sizeof(struct acpi_rsdp) != ACPI_RSDP_V2_LEN);
BUILD_BUG_ON(offsetof(struct acpi_rsdp, length) != ACPI_RSDP_V1_LEN);
BUILD_BUG_ON(offsetof(struct acpi_rsdp, ext_checksum) != 32);
BUILD_BUG_ON(sizeof(struct efi_memory_desc) != 40);
BUILD_BUG_ON(offsetof(struct efi_memory_desc, phys_start) != 8);
BUILD_BUG_ON(offsetof(struct efi_memory_desc, num_pages) != 24);

#endif
