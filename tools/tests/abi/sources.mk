# The ABI check links two generated tables: ours.o (measured against
# xen/include/public) and theirs.o (measured against libxen-dev's
# /usr/include/xen).  They cannot share a translation unit -- the names
# collide -- so gen.py writes them and they are compiled here, each with
# its own include path, then linked into the test through EXTRA_LIBS.
XEN_SRCS :=
ABI_GEN := $(O)/abi-gen
ABI_PUBLIC := $(XEN_ROOT)/xen/include/public
ABI_PUBLIC_HEADERS := $(shell find $(ABI_PUBLIC) -name '*.h')
ABI_CFLAGS := $(HOST_CFLAGS) -Wno-type-limits -I$(XEN_ROOT)/tools/tests/abi
ABI_PYTHON ?= python3
ABI_CXX ?= g++
EXTRA_LIBS := $(ABI_GEN)/ours.o $(ABI_GEN)/theirs.o

$(O)/abi: $(ABI_GEN)/ours.o $(ABI_GEN)/theirs.o

$(ABI_GEN)/stamp: abi/gen.py abi/abi.h abi/sources.mk $(ABI_PUBLIC_HEADERS) $(ABI_PUBLIC)
	@mkdir -p $(ABI_GEN)
	$(ABI_PYTHON) abi/gen.py --public $(ABI_PUBLIC) --out $(ABI_GEN) \
		--cc "$(HOSTCC)" --cxx "$(ABI_CXX)" --cflags "$(ABI_CFLAGS)"
	@touch $@

# ours.c includes <public/...>, theirs.c <xen/...> from /usr/include only.
$(ABI_GEN)/ours.o: $(ABI_GEN)/stamp
	$(HOSTCC) $(ABI_CFLAGS) -I$(XEN_ROOT)/xen/include -c -o $@ $(ABI_GEN)/ours.c

$(ABI_GEN)/theirs.o: $(ABI_GEN)/stamp
	$(HOSTCC) $(ABI_CFLAGS) -D__XEN_TOOLS__ -c -o $@ $(ABI_GEN)/theirs.c
