XEN_SRCS := common/page_alloc.c
