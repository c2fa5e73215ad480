XEN_SRCS := arch/x86/hvm/insn_len.c arch/x86/hvm/mmio_decode.c
