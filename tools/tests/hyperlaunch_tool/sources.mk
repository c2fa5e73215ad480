# The hyperlaunch tool (tools/hyperlaunch) without its main.c, run in forked
# children by test.c; its blobs are read back by the hypervisor's FDT reader
# and by its Hyperlaunch configuration reader (which checks the binding).
HL_TOOL := hyperlaunch.c xlcfg.c setting.c domain.c pool.c cpuset.c config.c dtb.c grub.c \
	print.c
XEN_SRCS := common/lib/fdt.c common/hyperlaunch.c common/hyperlaunch_domain.c \
	common/hyperlaunch_links.c common/cpumask.c $(addprefix ../tools/hyperlaunch/,$(HL_TOOL))
EXTRA_LIBS := -lfdt
