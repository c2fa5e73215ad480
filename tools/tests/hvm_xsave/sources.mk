XEN_SRCS := arch/x86/hvm/cpuid.c
