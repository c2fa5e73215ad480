XEN_SRCS := common/params.c common/lib/parse.c
