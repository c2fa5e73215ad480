XEN_SRCS := arch/x86/hvm/vmx/vpid.c
