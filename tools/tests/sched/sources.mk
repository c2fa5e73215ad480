# The scheduler core, pools and boot self-tests on the simulated machine of
# sim.c, which stands in for runloop.c and the platform layer.  test.c
# #includes credit.c and null.c to reach their static decision functions.
XEN_SRCS := common/sched/core.c common/sched/cpupool.c common/sched/selftest.c \
	common/cpumask.c ../tools/tests/sched/sim.c
