XEN_SRCS := common/symbols.c
