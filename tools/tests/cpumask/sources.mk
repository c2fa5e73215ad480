XEN_SRCS := common/cpumask.c
