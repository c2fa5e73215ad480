XEN_SRCS := common/guest_console.c
