XEN_SRCS := common/timer_heap.c
