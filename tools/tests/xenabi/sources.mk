XEN_SRCS := common/memory.c common/grant_table.c common/version.c common/privilege.c \
	arch/x86/hvm/hvm_op.c common/p2m.c arch/x86/hvm/vmx/ept.c common/lib/parse.c
# xen/Makefile passes the version on the command line; so do we (EXTRA_LIBS
# is the only extra text the test rule puts on the compiler's command line).
EXTRA_LIBS := -DXEN_VERSION=4 -DXEN_SUBVERSION=17 -DXEN_EXTRAVERSION='".0-test"'
