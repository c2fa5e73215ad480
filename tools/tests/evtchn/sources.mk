XEN_SRCS := common/evtchn_2l.c common/pvclock.c
