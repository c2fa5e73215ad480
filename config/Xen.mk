# Build configuration for the hypervisor proper (freestanding x86-64).
# Included by xen/Makefile; override on the make command line if needed.

XEN_VERSION      := 4
XEN_SUBVERSION   := 17
XEN_EXTRAVERSION := .0-xl
XEN_FULLVERSION  := $(XEN_VERSION).$(XEN_SUBVERSION)$(XEN_EXTRAVERSION)

CC      ?= gcc
LD      ?= ld
OBJCOPY ?= objcopy
NM      ?= nm
PYTHON  ?= python3

XEN_CFLAGS := -std=gnu11 -O2 -g -nostdinc -isystem $(shell $(CC) -print-file-name=include) \
	-ffreestanding -fno-stack-protector -fno-pic -fno-pie -fno-common \
	-fno-strict-aliasing -fno-omit-frame-pointer -fno-optimize-sibling-calls -fno-asynchronous-unwind-tables \
	-mno-red-zone -mcmodel=kernel -mgeneral-regs-only -mno-sse -mno-mmx -mno-avx \
	-fcf-protection=none -fno-jump-tables \
	-Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
	-Wpointer-arith -Wvla -Wno-unused-parameter
XEN_AFLAGS := -D__ASSEMBLY__ -nostdinc -fno-pic
XEN_LDFLAGS := -nostdlib -no-pie -z max-page-size=0x1000 -z noexecstack --no-warn-rwx-segments
