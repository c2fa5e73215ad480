XEN_SRCS := common/multiboot2.c common/bootinfo.c
