XEN_SRCS := arch/x86/hvm/svm/nmi.c
