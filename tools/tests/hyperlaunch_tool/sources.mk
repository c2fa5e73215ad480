# The hyperlaunch tool (tools/hyperlaunch) without its main.c, run in forked
# children by test.c; the hypervisor's FDT reader reads back its blobs.
HL_TOOL := hyperlaunch.c xlcfg.c domain.c cpuset.c config.c dtb.c grub.c print.c
XEN_SRCS := common/lib/fdt.c $(addprefix ../tools/hyperlaunch/,$(HL_TOOL))
EXTRA_LIBS := -lfdt
