XEN_SRCS := common/page_alloc.c common/p2m.c common/p2m_pod.c arch/x86/hvm/vmx/ept.c
