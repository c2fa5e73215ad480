# Top-level build.  On a fresh Debian 12 machine, as root:
#   make run     install what is missing, build, boot the hypervisor in QEMU
#   make test    the whole test suite (host unit tests + emulator tests)
#
# Other targets: make (build), make install DESTDIR=..., make bench,
# make check (static analysis), make clean.

-include config/config.mk
DESTDIR ?=
PYTHON  ?= python3

.PHONY: all xen stubdom hyperlaunch tools-tests deps run test test-host test-emu bench check install clean distclean

all: xen stubdom hyperlaunch

xen:
	$(MAKE) -C xen

stubdom:
	$(MAKE) -C stubdom

hyperlaunch:
	$(MAKE) -C tools/hyperlaunch

deps:
	@scripts/install-deps

tools-tests:
	$(MAKE) -C tools/tests

run: deps
	$(MAKE) xen
	scripts/run-demo

# A host test that does not build is counted as a failure by run-tests.py,
# so the suite still runs everything else and ends with its summary line.
test: deps
	$(MAKE) xen stubdom
	-$(MAKE) -k tools-tests
	$(PYTHON) automation/run-tests.py

test-host: xen
	-$(MAKE) -k tools-tests
	$(PYTHON) automation/run-tests.py --host-only

test-emu: xen stubdom
	$(PYTHON) automation/run-tests.py --emu-only

bench: deps xen stubdom
	$(PYTHON) automation/bench.py $(BENCH_ARGS)

check:
	scripts/check

install: xen hyperlaunch
	$(MAKE) -C tools/hyperlaunch install DESTDIR=$(DESTDIR)
	install -D -m 0644 xen/xen.gz $(DESTDIR)/boot/xen.gz
	install -D -m 0644 xen/xen-syms $(DESTDIR)/usr/lib/debug/xen-syms

clean:
	$(MAKE) -C xen clean
	$(MAKE) -C tools/tests clean
	rm -rf build

distclean: clean
	rm -f config/config.mk
