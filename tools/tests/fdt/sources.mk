XEN_SRCS := common/lib/fdt.c
EXTRA_LIBS := -lfdt
