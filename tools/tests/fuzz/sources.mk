# Deterministic mutation fuzzing, under the host tests' AddressSanitizer and
# UBSan, of everything that reads boot-time input: the device tree reader
# and the Hyperlaunch configuration reader, and the kernel pipeline
# (bzImage locator, XZ and gzip decoders, ELF loader).  Seeds are built at
# run time with libfdt, liblzma and zlib; hl_blob.c is shared with
# tools/tests/hyperlaunch.
XEN_SRCS := common/hyperlaunch.c common/hyperlaunch_domain.c common/hyperlaunch_links.c \
	common/lib/fdt.c common/cpumask.c common/lib/elf.c common/lib/unxz.c common/lib/inflate.c \
	common/lib/decompress.c common/lib/bzimage.c common/lib/crc.c common/lib/sha256.c \
	../tools/tests/hyperlaunch/hl_blob.c ../tools/tests/fuzz/fuzz_fdt.c \
	../tools/tests/fuzz/fuzz_kernel.c
EXTRA_LIBS := -lfdt -llzma -lz
