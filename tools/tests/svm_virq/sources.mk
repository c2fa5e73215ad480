XEN_SRCS := arch/x86/hvm/svm/virq.c
