XEN_SRCS := arch/x86/acpi/tables.c arch/x86/acpi/aml.c arch/x86/acpi/power.c
