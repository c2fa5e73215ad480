XEN_SRCS := arch/x86/hvm/cpuid.c arch/x86/hvm/msr.c arch/x86/hvm/acpi.c common/domid.c
