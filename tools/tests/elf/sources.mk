XEN_SRCS := common/lib/elf.c
