XEN_SRCS := arch/x86/hvm/guest_walk.c arch/x86/hvm/insn_len.c
