# The configuration reader with the FDT reader and CPU lists it uses;
# test blobs are built at run time with Debian's libfdt (hl_blob.c).
XEN_SRCS := common/hyperlaunch.c common/hyperlaunch_domain.c common/hyperlaunch_links.c \
	common/lib/fdt.c common/cpumask.c ../tools/tests/hyperlaunch/hl_blob.c
EXTRA_LIBS := -lfdt
