/*
 * badhypercall: hypercalls with garbage arguments.  The instruction is
 * VMCALL on Intel and VMMCALL on AMD/Hygon (by CPUID vendor), in the 64-bit
 * convention: RAX = number, arguments in RDI RSI RDX R10 R8, result in RAX.
 * Each call must return an error (-ENOSYS, -EFAULT) or crash this domain,
 * never the hypervisor, and must leave every register outside the
 * convention as it was.  A xen_version(XENVER_version) call first shows
 * that hypercalls work at all; then every implemented call that is not
 * an event call gets garbage (all-ones sub-ops, unmapped pointers) and
 * must give Xen's answer.  Without a hypervisor the instruction
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
#define XEN_EINVAL 22
#define XEN_EPERM 1
#define XEN_E2BIG 7
/* The other implemented calls and the sub-ops used below (Xen 4.17 public headers). */
#define HYPERVISOR_memory_op 12
#define HYPERVISOR_console_io 18
#define HYPERVISOR_grant_table_op 20
#define HYPERVISOR_vm_assist 21
#define HYPERVISOR_physdev_op 33
#define HYPERVISOR_hvm_op 34
#define XENMEM_decrease_reservation 1
#define XENMEM_current_reservation 3
#define XENMEM_populate_physmap 6
#define XENMEM_add_to_physmap 7
#define XENMEM_memory_map 9
#define GNTTABOP_setup_table 2
#define GNTTABOP_query_size 6
#define HVMOP_set_param 0
#define HVMOP_get_param 1
#define HVMOP_set_evtchn_upcall_vector 23
#define CONSOLEIO_write 0
#define CONSOLEIO_read 1

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

/*
 * The implemented calls with garbage: unknown sub-ops, every argument all
 * ones, pointers nobody mapped.  Each gets Xen's error (or, for the
 * reservation calls, "0 extents done"), registers intact.
 */
struct garbage_call {
    const char *name;
    uint64_t nr, arg[3];
    int64_t want;           /* for a privileged caller */
    int64_t want_unpriv;    /* the same unless console_io (privileged only) */
};

static void real_calls_with_garbage(void)
{
    /* cmd all ones: an unknown op with a start extent; the op itself is 63. */
    static const struct garbage_call calls[] = {
        {"memory_op_all_ones", HYPERVISOR_memory_op, {~0ull, ~0ull, ~0ull}, -XEN_ENOSYS, 0},
        {"memory_op_populate_unmapped", HYPERVISOR_memory_op, {XENMEM_populate_physmap,
         UNMAPPED_PTR, 0}, 0, 0},
        {"memory_op_decrease_noncanonical", HYPERVISOR_memory_op, {XENMEM_decrease_reservation,
         NONCANONICAL_PTR, 0}, 0, 0},
        {"memory_op_physmap_kernel_ptr", HYPERVISOR_memory_op, {XENMEM_add_to_physmap,
         KERNEL_PTR, 0}, -XEN_EFAULT, 0},
        {"memory_op_memory_map_unmapped", HYPERVISOR_memory_op, {XENMEM_memory_map,
         UNMAPPED_PTR, 0}, -XEN_EFAULT, 0},
        {"memory_op_reservation_unmapped", HYPERVISOR_memory_op, {XENMEM_current_reservation,
         UNMAPPED_PTR, 0}, -XEN_EFAULT, 0},
        {"grant_table_all_ones", HYPERVISOR_grant_table_op, {~0ull, ~0ull, ~0ull}, -XEN_EINVAL, 0},
        {"grant_table_negative_count", HYPERVISOR_grant_table_op, {GNTTABOP_query_size,
         UNMAPPED_PTR, 0x80000000u}, -XEN_EINVAL, 0},
        {"grant_table_unmapped", HYPERVISOR_grant_table_op, {GNTTABOP_query_size, UNMAPPED_PTR, 1},
         -XEN_EFAULT, 0},
        {"grant_table_setup_unmapped", HYPERVISOR_grant_table_op, {GNTTABOP_setup_table,
         KERNEL_PTR, 1}, -XEN_EFAULT, 0},
        {"hvm_op_all_ones", HYPERVISOR_hvm_op, {~0ull, ~0ull, ~0ull}, -XEN_ENOSYS, 0},
        {"hvm_op_set_param_unmapped", HYPERVISOR_hvm_op, {HVMOP_set_param, UNMAPPED_PTR, 0},
         -XEN_EFAULT, 0},
        {"hvm_op_get_param_noncanonical", HYPERVISOR_hvm_op, {HVMOP_get_param, NONCANONICAL_PTR,
         0}, -XEN_EFAULT, 0},
        {"hvm_op_upcall_vector_unmapped", HYPERVISOR_hvm_op, {HVMOP_set_evtchn_upcall_vector,
         UNMAPPED_PTR, 0}, -XEN_EFAULT, 0},
        {"vm_assist_all_ones", HYPERVISOR_vm_assist, {~0ull, ~0ull, ~0ull}, -XEN_EINVAL, 0},
        {"physdev_op_all_ones", HYPERVISOR_physdev_op, {~0ull, UNMAPPED_PTR, 0}, -XEN_ENOSYS, 0},
        {"console_io_all_ones", HYPERVISOR_console_io, {~0ull, ~0ull, UNMAPPED_PTR}, -XEN_ENOSYS,
         -XEN_EPERM},
        {"console_io_write_unmapped", HYPERVISOR_console_io, {CONSOLEIO_write, ~0ull,
         UNMAPPED_PTR}, -XEN_EFAULT, -XEN_EPERM},
        {"console_io_read_huge", HYPERVISOR_console_io, {CONSOLEIO_read, ~0ull, UNMAPPED_PTR},
         -XEN_E2BIG, -XEN_EPERM},
        {"version_all_ones", HYPERVISOR_xen_version, {~0ull, ~0ull, ~0ull}, -XEN_ENOSYS, 0},
        {"version_features_kernel_ptr", HYPERVISOR_xen_version, {XENVER_get_features, KERNEL_PTR,
         0}, -XEN_EFAULT, 0},
    };
    struct hcall probe = {HYPERVISOR_console_io, {CONSOLEIO_write, 0, 0, 0, 0}, 0, 0};
    bool privileged;
    unsigned int i;

    /* console_io is for privileged domains only: an empty write says which we are. */
    if (!cpu.xen_base || !hypercall("privilege_probe", &probe))
        return;
    privileged = probe.ret == 0;
    info("this domain is %s", privileged ? "privileged" : "unprivileged");
    for (i = 0; i < ARRAY_SIZE(calls); i++) {
        const struct garbage_call *c = &calls[i];
        struct hcall h = {c->nr, {c->arg[0], c->arg[1], c->arg[2], ~0ull, ~0ull}, 0, 0};

        expect_error(c->name, h, privileged || !c->want_unpriv ? c->want : c->want_unpriv);
    }
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
    real_calls_with_garbage();
    pass("alive", "the hypervisor answered every call and this domain is still running");
}
