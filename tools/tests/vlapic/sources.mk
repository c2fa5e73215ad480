XEN_SRCS := arch/x86/hvm/vlapic_logic.c arch/x86/hvm/acpi.c
