XEN_SRCS := common/p2m.c arch/x86/hvm/vmx/ept.c arch/x86/hvm/svm/npt.c
