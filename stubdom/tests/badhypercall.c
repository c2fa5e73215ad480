/*
 * badhypercall: hypercalls with garbage arguments.  The instruction is
 * VMCALL on Intel and VMMCALL on AMD/Hygon (by CPUID vendor), in the 64-bit
 * convention: RAX = number, arguments in RDI RSI RDX R10 R8, result in RAX.
 * Each call must return an error (-ENOSYS, -EFAULT) or crash this domain,
 * never the hypervisor, and must leave every register outside the
 * convention as it was.  A xen_version(XENVER_version) call first shows
 * that hypercalls work at all.  Without a hypervisor the instruction
 * raises #UD, which is caught and reported as SKIP.
 */
#include "guest.h"

const char test_name[] = "badhypercall";

/* Xen public ABI: xen.h, version.h, errno.h. */
#define HYPERVISOR_xen_version 17
#define XENVER_version 0
#define XENVER_extraversion 1
#define XENVER_get_features 6
#define XEN_ENOSYS 38
#define XEN_EFAULT 14

#define UNMAPPED_PTR ((uint64_t)0xdead0000000) /* canonical, no mapping */
/* Non-canonical; its low 48 bits are unmapped too, so a walk that ignores
 * the high bits (as Xen 4.17 does) also fails. */
#define NONCANONICAL_PTR ((uint64_t)0x80000dead0000000)
#define KERNEL_PTR ((uint64_t)0xffff800000001000) /* canonical upper half, unmapped */

/* Registers the call must preserve, in the order the mask bits use. */
#define PRESERVED_NAMES "rbx rcx rbp r9 r11 r12 r13 r14 r15"

struct hcall {
    uint64_t nr, arg[5]; /* in */
    uint64_t ret;        /* out: RAX */
    uint64_t clobbered;  /* out: bit i set if preserved register i changed */
};

/*
 * hcall_vmcall / hcall_vmmcall (struct hcall *h): load the arguments, fill
 * the preserved registers with sentinels 0x5e47...0i, make the call (a #UD
 * resumes after it, see .extable) and compare the sentinels afterwards.
 */
// clang-format off
#define SENTINEL(i) "$0x5e4700000000000" #i
#define LOAD_SENTINEL(i, reg) "movabs " SENTINEL(i) ", " reg "\n\t"
/* Set bit i-1 of EDX if reg no longer holds sentinel i (clobbers RSI, RAX). */
#define CHECK_SENTINEL(i, reg)                                                   \
    "movabs " SENTINEL(i) ", %rsi\n\tcmp %rsi, " reg "\n\tsetne %al\n\t"          \
    "movzbl %al, %eax\n\tshl $(" #i " - 1), %eax\n\tor %eax, %edx\n\t"
#define HCALL_FUNCTION(name, insn)                                               \
    asm(".text\n\t.globl " name "\n" name ":\n\t"                                \
        "push %rbx\n\tpush %rbp\n\tpush %r12\n\tpush %r13\n\tpush %r14\n\t"        \
        "push %r15\n\tpush %rdi\n\t"                                              \
        "mov 0(%rdi), %rax\n\tmov 16(%rdi), %rsi\n\tmov 24(%rdi), %rdx\n\t"      \
        "mov 32(%rdi), %r10\n\tmov 40(%rdi), %r8\n\tmov 8(%rdi), %rdi\n\t"       \
        LOAD_SENTINEL(1, "%rbx") LOAD_SENTINEL(2, "%rcx") LOAD_SENTINEL(3, "%rbp") \
        LOAD_SENTINEL(4, "%r9") LOAD_SENTINEL(5, "%r11") LOAD_SENTINEL(6, "%r12")  \
        LOAD_SENTINEL(7, "%r13") LOAD_SENTINEL(8, "%r14") LOAD_SENTINEL(9, "%r15") \
        "1:\t" insn "\n2:\n\t" EXTABLE_ENTRY(1b, 2b)                                \
        "pop %rdi\n\tmov %rax, 48(%rdi)\n\txor %edx, %edx\n\t"                     \
        CHECK_SENTINEL(1, "%rbx") CHECK_SENTINEL(2, "%rcx")                         \
        CHECK_SENTINEL(3, "%rbp") CHECK_SENTINEL(4, "%r9")                          \
        CHECK_SENTINEL(5, "%r11") CHECK_SENTINEL(6, "%r12")                         \
        CHECK_SENTINEL(7, "%r13") CHECK_SENTINEL(8, "%r14")                         \
        CHECK_SENTINEL(9, "%r15")                                                  \
        "mov %rdx, 56(%rdi)\n\t"                                                   \
        "pop %r15\n\tpop %r14\n\tpop %r13\n\tpop %r12\n\tpop %rbp\n\tpop %rbx\n\tret\n")
// clang-format on

void hcall_vmcall(struct hcall *h);
void hcall_vmmcall(struct hcall *h);
void hcall_selftest_nop(struct hcall *h);
void hcall_selftest_clobber(struct hcall *h);
HCALL_FUNCTION("hcall_vmcall", "vmcall");
HCALL_FUNCTION("hcall_vmmcall", "vmmcall");
/* Stand-ins for the hypercall instruction that check the checking. */
HCALL_FUNCTION("hcall_selftest_nop", "nop");
HCALL_FUNCTION("hcall_selftest_clobber", "xor %ecx, %ecx");

_Static_assert(__builtin_offsetof(struct hcall, ret) == 48, "hcall layout used by the asm");
_Static_assert(__builtin_offsetof(struct hcall, clobbered) == 56, "hcall layout used by the asm");

static const char *insn_name(void)
{
    return cpu.vendor_id == VENDOR_AMD || cpu.vendor_id == VENDOR_HYGON ? "vmmcall" : "vmcall";
}

/* Make one call; returns false (after reporting) if it raised an exception. */
static bool hypercall(const char *name, struct hcall *h)
{
    int v;

    trap_caught_clear();
    if (cpu.vendor_id == VENDOR_AMD || cpu.vendor_id == VENDOR_HYGON)
        hcall_vmmcall(h);
    else
        hcall_vmcall(h);
    v = trap_caught.vector;
    if (v >= 0) {
        if (cpu.xen_base)
            fail(name, "%s nr %#lx raised %s", insn_name(), h->nr, exception_name((unsigned int)v));
        else
            skip(name, "%s nr %#lx raised %s: no hypervisor (not on Xen)", insn_name(), h->nr,
                 exception_name((unsigned int)v));
        return false;
    }
    info("%s: %s nr %#lx (%#lx, %#lx, %#lx, %#lx, %#lx) returned %ld%s", name, insn_name(), h->nr,
         h->arg[0], h->arg[1], h->arg[2], h->arg[3], h->arg[4], (int64_t)h->ret,
         h->clobbered ? " and CLOBBERED registers" : "");
    if (h->clobbered) {
        fail(name, "registers changed (mask %#lx of " PRESERVED_NAMES ")", h->clobbered);
        return false;
    }
    return true;
}

static void expect_error(const char *name, struct hcall h, int64_t want)
{
    if (hypercall(name, &h))
        check((int64_t)h.ret == want, name, "nr %#lx returned %ld, want %ld", h.nr, (int64_t)h.ret,
              want);
}

/* The wrapper itself: RAX comes back, an untouched register set passes, a clobber is seen. */
static void selftest(void)
{
    struct hcall a = {0x1234, {0}, 0, 0}, b = {0x1234, {0}, 0, 0};

    hcall_selftest_nop(&a);
    hcall_selftest_clobber(&b);
    check(a.ret == 0x1234 && !a.clobbered && b.clobbered == 2, "wrapper_selftest",
          "nop: rax %#lx mask %#lx; clobbering rcx: mask %#lx (want 0x1234, 0, 0x2)", a.ret,
          a.clobbered, b.clobbered);
}

void test_main(void)
{
    struct hcall version = {HYPERVISOR_xen_version, {XENVER_version, 0, 0, 0, 0}, 0, 0};
    uint64_t garbage[5] = {UNMAPPED_PTR, NONCANONICAL_PTR, KERNEL_PTR, ~(uint64_t)0, 0};
    struct hcall h = {0};

    selftest();
    info("hypercall instruction: %s (%s CPU)", insn_name(), cpu.vendor);

    if (hypercall("version", &version)) {
        uint32_t want = cpu.xen_base ? cpuid(cpu.xen_base + 1).eax : 0;

        check(version.ret == want, "version", "xen_version(XENVER_version) = %#lx, CPUID says %#x",
              version.ret, want);
    }

    memcpy(h.arg, garbage, sizeof(garbage));
    h.nr = 0xdeadbeef;
    expect_error("bad_number", h, -XEN_ENOSYS);
    /* A hypervisor that truncated RAX to 32 bits would run xen_version here. */
    h.nr = ((uint64_t)1 << 32) | HYPERVISOR_xen_version;
    expect_error("bad_number_high_bits", h, -XEN_ENOSYS);

    memset(&h, 0, sizeof(h));
    h.nr = HYPERVISOR_xen_version;
    h.arg[0] = XENVER_extraversion;
    h.arg[1] = UNMAPPED_PTR;
    expect_error("version_unmapped_ptr", h, -XEN_EFAULT);
    h.arg[0] = XENVER_get_features;
    h.arg[1] = NONCANONICAL_PTR;
    expect_error("version_noncanonical_ptr", h, -XEN_EFAULT);
    h.arg[0] = XENVER_extraversion;
    h.arg[1] = KERNEL_PTR;
    expect_error("version_kernel_ptr", h, -XEN_EFAULT);
    pass("alive", "the hypervisor answered every call and this domain is still running");
}
