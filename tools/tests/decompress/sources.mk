XEN_SRCS := common/lib/inflate.c common/lib/unxz.c common/lib/crc.c common/lib/sha256.c \
	common/lib/decompress.c common/lib/bzimage.c common/lib/elf.c
EXTRA_LIBS := -lz -llzma
