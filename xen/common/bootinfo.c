/* Printing what the boot loader told us (struct boot_info), and sizes for humans. */
#include <xen/bootinfo.h>
#include <xen/lib.h>
#include <xen/multiboot2.h>

static const char *const mem_type_names[] = {
    [MEM_RAM] = "RAM",
    [MEM_RESERVED] = "reserved",
    [MEM_ACPI] = "ACPI data",
    [MEM_NVS] = "ACPI NVS",
    [MEM_UNUSABLE] = "unusable",
};

static const char *mem_type_name(uint32_t type)
{
    if (type < ARRAY_SIZE(mem_type_names) && mem_type_names[type])
        return mem_type_names[type];
    return "unknown";
}

/*
 * Round to the nearest tenth of the largest binary unit that fits, so a
 * machine with 13 TiB less a few PCI holes still reads "13.0 TiB".
 */
const char *fmt_size(uint64_t bytes, char *buf, size_t len)
{
    static const char *const units[] = { "B", "KiB", "MiB", "GiB", "TiB", "PiB" };
    unsigned int u = 0, shift;
    uint64_t whole, tenths;

    while (u + 1 < ARRAY_SIZE(units) && (bytes >> (10 * (u + 1))))
        u++;
    if (!u) {
        snprintf(buf, len, "%u B", (unsigned int)bytes);
        return buf;
    }
    shift = 10 * u;
    whole = bytes >> shift;
    /* The remainder is below 2^50, so ten times it cannot overflow. */
    tenths = (((bytes & ((1ULL << shift) - 1)) * 10) + (1ULL << (shift - 1))) >> shift;
    if (tenths == 10) {
        whole++;
        tenths = 0;
        if (whole == 1024 && u + 1 < ARRAY_SIZE(units)) {
            whole = 1;
            u++;
        }
    }
    snprintf(buf, len, "%llu.%llu %s", (unsigned long long)whole,
             (unsigned long long)tenths, units[u]);
    return buf;
}

void bootinfo_print(const struct boot_info *bi)
{
    char size[24];
    uint64_t ram = 0;
    unsigned int i;

    printk("Bootloader: %s\n", bi->loader[0] ? bi->loader : "(not given)");
    printk("Command line: %s\n", bi->cmdline);

    printk("Memory map (from %s):\n", bi->mem_from_efi ? "EFI" : "BIOS");
    for (i = 0; i < bi->nr_mem; i++) {
        const struct boot_mem_range *r = &bi->mem[i];

        printk(" [%" PRIpaddr ", %" PRIpaddr "] (%s)\n", r->addr, r->addr + r->size - 1,
               mem_type_name(r->type));
        if (r->type == MEM_RAM)
            ram += r->size;
    }
    printk("Usable RAM: %s\n", fmt_size(ram, size, sizeof(size)));

    printk("Boot modules: %u\n", bi->nr_modules);
    for (i = 0; i < bi->nr_modules; i++) {
        const struct boot_module *m = &bi->modules[i];

        printk(" Module %u: [%" PRIpaddr ", %" PRIpaddr ") %s, cmdline \"%s\"\n", i, m->start,
               m->end, fmt_size(m->end - m->start, size, sizeof(size)), m->cmdline);
    }

    if (bi->rsdp)
        printk("ACPI RSDP: copy at %" PRIpaddr " (ACPI %s)\n", bi->rsdp,
               bi->rsdp_len > ACPI_RSDP_V1_LEN ? "2.0+" : "1.0");
    else
        printk("ACPI RSDP: not given by the boot loader\n");
    if (bi->efi_system_table)
        printk("EFI system table: %" PRIpaddr ", boot services %s\n", bi->efi_system_table,
               bi->efi_boot_services_exited ? "exited" : "still running");
    if (bi->nr_warnings)
        printk(XENLOG_WARNING "multiboot2: %u problems in the boot information (see above)\n",
               bi->nr_warnings);
}
