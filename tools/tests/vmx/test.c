/*
 * Host tests of the VMX engine's pure parts: control adjustment against
 * capability MSR values, segment attribute conversion between the packed
 * and the VMCS access-rights forms, and exit decoding (reasons, I/O, CR
 * access and EPT violation qualifications, exceptions, failed entries).
 */
#include "test.h"
#include <xen/lib.h>
#include <asm/hvm/vmx/vmx.h>

/* A capability MSR: bits that must be 1 (low half), bits that may be 1 (high half). */
static uint64_t cap(uint32_t must1, uint32_t may1)
{
    return ((uint64_t)may1 << 32) | must1;
}

static void test_adjust_ctls(void)
{
    uint32_t out = 0;

    /* Required bits are added, wanted bits kept. */
    CHECK(vmx_adjust_ctls(cap(0x16, 0xff), 0x81, 0, &out), "allowed");
    CHECK_EQ(out, 0x97);
    /* A wanted bit that may not be 1: refused. */
    CHECK(!vmx_adjust_ctls(cap(0x16, 0x7f), 0x80, 0, &out), "bit 7 not allowed");
    /* Optional bits only where allowed. */
    CHECK(vmx_adjust_ctls(cap(0, 0x0f), 0x1, 0x30c, &out), "optional");
    CHECK_EQ(out, 0xd);
    /* Bochs-like TRUE_PROCBASED: CR3 exiting may be 0 (low half clear). */
    CHECK(vmx_adjust_ctls(cap(0x04006172, 0xfff9fffe), CPU_HLT_EXITING | CPU_ACTIVATE_SECONDARY, 0,
                          &out),
          "procbased");
    CHECK(out & CPU_HLT_EXITING, "HLT exiting kept");
    CHECK(out & CPU_ACTIVATE_SECONDARY, "secondary kept");
    /* All bits allowed, nothing wanted: just the defaults. */
    CHECK(vmx_adjust_ctls(cap(0x16, ~0u), 0, 0, &out), "none");
    CHECK_EQ(out, 0x16);
    /* Wanting every bit of a partly-allowed MSR fails. */
    CHECK(!vmx_adjust_ctls(cap(0, 0xfffffffe), ~0u, 0, &out), "all bits");
}

static void test_segment_attr(void)
{
    /* Flat 32-bit code: packed 0xc9b <-> VMCS 0xc09b. */
    CHECK_EQ(vmx_attr_to_ar(0xc9b), 0xc09b);
    CHECK_EQ(vmx_ar_to_attr(0xc09b), 0xc9b);
    /* 64-bit code (L=1, D=0): 0xa9b <-> 0xa09b. */
    CHECK_EQ(vmx_attr_to_ar(0xa9b), 0xa09b);
    CHECK_EQ(vmx_ar_to_attr(0xa09b), 0xa9b);
    /* Data with DPL 3: 0xcf3 <-> 0xc0f3. */
    CHECK_EQ(vmx_attr_to_ar(0xcf3), 0xc0f3);
    /* Busy TSS, byte granular. */
    CHECK_EQ(vmx_attr_to_ar(0x8b), 0x8b);
    /* Not present: unusable; unusable reads back as 0 whatever else is set. */
    CHECK_EQ(vmx_attr_to_ar(0), VMX_AR_UNUSABLE);
    CHECK_EQ(vmx_attr_to_ar(0xc13), VMX_AR_UNUSABLE);
    CHECK_EQ(vmx_ar_to_attr(VMX_AR_UNUSABLE | 0xc093), 0);
    /* Every present packed value round-trips; AVL (bit 8 packed, 12 VMCS) included. */
    {
        unsigned int a, bad = 0;

        for (a = 0; a < 0x1000; a++)
            if ((a & 0x80) && vmx_ar_to_attr(vmx_attr_to_ar((uint16_t)a)) != a)
                bad++;
        CHECK_EQ(bad, 0);
    }
    CHECK_EQ(vmx_attr_to_ar(0x180), 0x1080);
    /* Reserved VMCS bits 8-11 do not leak into the packed form. */
    CHECK_EQ(vmx_ar_to_attr(0xf93), 0x93);
}

static struct hvm_exit decode(uint32_t reason, uint64_t qual)
{
    struct vmx_exit_info info = {.reason = reason,
                                 .qual = qual,
                                 .insn_len = 3,
                                 .gpa = 0x12345678,
                                 .gla = 0xffff800000001000ULL,
                                 .ecx = 0xc0000080};
    struct hvm_exit e;

    memset(&e, 0xa5, sizeof(e)); /* garbage: the decoder must clear it */
    vmx_decode_exit(&info, &e);
    return e;
}

static void test_decode_io(void)
{
    struct hvm_exit e;

    /* OUT %al, $0xe9: size 1, out, immediate. */
    e = decode(EXIT_REASON_IO_INSTRUCTION, (0xe9ULL << 16) | (1 << 6) | 0);
    CHECK_EQ(e.reason, HVM_EXIT_IO);
    CHECK_EQ(e.u.io.port, 0xe9);
    CHECK_EQ(e.u.io.size, 1);
    CHECK(!e.u.io.in && !e.u.io.string && !e.u.io.rep, "plain out");
    CHECK_EQ(e.insn_len, 3);
    CHECK_EQ(e.raw_reason, EXIT_REASON_IO_INSTRUCTION);
    /* REP INSD from DX=0x1f0. */
    e = decode(EXIT_REASON_IO_INSTRUCTION, (0x1f0ULL << 16) | (1 << 5) | (1 << 4) | (1 << 3) | 3);
    CHECK_EQ(e.u.io.port, 0x1f0);
    CHECK_EQ(e.u.io.size, 4);
    CHECK(e.u.io.in && e.u.io.string && e.u.io.rep, "rep ins");
    /* IN %dx, %ax from port 0xffff. */
    e = decode(EXIT_REASON_IO_INSTRUCTION, (0xffffULL << 16) | (1 << 3) | 1);
    CHECK_EQ(e.u.io.port, 0xffff);
    CHECK_EQ(e.u.io.size, 2);
    CHECK(e.u.io.in, "in");
}

static void test_decode_cr(void)
{
    struct hvm_exit e;

    /* MOV %rbx -> CR4 (GPR 3). */
    e = decode(EXIT_REASON_CR_ACCESS, 4 | (0 << 4) | (3 << 8));
    CHECK_EQ(e.reason, HVM_EXIT_CR_ACCESS);
    CHECK_EQ(e.u.cr.cr, 4);
    CHECK(e.u.cr.write, "mov to cr");
    CHECK_EQ(e.u.cr.gpr, 3);
    /* MOV CR3 -> %r15. */
    e = decode(EXIT_REASON_CR_ACCESS, 3 | (1 << 4) | (15 << 8));
    CHECK_EQ(e.u.cr.cr, 3);
    CHECK(!e.u.cr.write, "mov from cr");
    CHECK_EQ(e.u.cr.gpr, 15);
    /* CLTS and LMSW are not MOVs. */
    e = decode(EXIT_REASON_CR_ACCESS, 0 | (2 << 4));
    CHECK_EQ(e.reason, HVM_EXIT_UNHANDLED);
    e = decode(EXIT_REASON_CR_ACCESS, 0 | (3 << 4) | (0x1ULL << 16));
    CHECK_EQ(e.reason, HVM_EXIT_UNHANDLED);
}

static void test_decode_ept(void)
{
    struct hvm_exit e;

    /* Write to a read-only page, linear address valid. */
    e = decode(EXIT_REASON_EPT_VIOLATION, (1 << 1) | (1 << 3) | (1 << 7) | (1 << 8));
    CHECK_EQ(e.reason, HVM_EXIT_NPF);
    CHECK_EQ(e.u.npf.gpa, 0x12345678);
    CHECK(e.u.npf.write && !e.u.npf.read && !e.u.npf.fetch, "write");
    CHECK(e.u.npf.gla_valid, "gla valid");
    CHECK_EQ(e.u.npf.gla, 0xffff800000001000ULL);
    CHECK_EQ(e.insn_len, 0); /* not an instruction exit */
    /* Fetch from an unmapped page, no linear address. */
    e = decode(EXIT_REASON_EPT_VIOLATION, 1 << 2);
    CHECK(e.u.npf.fetch && !e.u.npf.gla_valid, "fetch");
    CHECK_EQ(e.u.npf.gla, 0);
    /* Misconfiguration is the hypervisor's bug, not a guest fault. */
    e = decode(EXIT_REASON_EPT_MISCONFIG, 0);
    CHECK_EQ(e.reason, HVM_EXIT_UNHANDLED);
}

static void test_decode_simple(void)
{
    static const struct {
        uint32_t vmx;
        enum hvm_exit_reason hvm;
        bool len;
    } t[] = {
        {EXIT_REASON_CPUID, HVM_EXIT_CPUID, true},
        {EXIT_REASON_HLT, HVM_EXIT_HLT, true},
        {EXIT_REASON_VMCALL, HVM_EXIT_HYPERCALL, true},
        {EXIT_REASON_XSETBV, HVM_EXIT_XSETBV, true},
        {EXIT_REASON_PAUSE, HVM_EXIT_PAUSE, true},
        {EXIT_REASON_INVLPG, HVM_EXIT_INVLPG, true},
        {EXIT_REASON_RDTSC, HVM_EXIT_RDTSC, true},
        {EXIT_REASON_DR_ACCESS, HVM_EXIT_DR_ACCESS, true},
        {EXIT_REASON_TRIPLE_FAULT, HVM_EXIT_TRIPLE_FAULT, false},
        {EXIT_REASON_INIT, HVM_EXIT_INIT, false},
        {EXIT_REASON_EXTERNAL_INTERRUPT, HVM_EXIT_EXTINT, false},
        {EXIT_REASON_INTR_WINDOW, HVM_EXIT_NONE, false},
        {EXIT_REASON_NMI_WINDOW, HVM_EXIT_NONE, false},
        {EXIT_REASON_VMXON, HVM_EXIT_UNHANDLED, false},
        {EXIT_REASON_GETSEC, HVM_EXIT_UNHANDLED, false},
        {EXIT_REASON_NR + 5, HVM_EXIT_UNHANDLED, false},
        {0xffff, HVM_EXIT_UNHANDLED, false},
    };
    unsigned int i;

    for (i = 0; i < ARRAY_SIZE(t); i++) {
        struct hvm_exit e = decode(t[i].vmx, 0);

        CHECK(e.reason == t[i].hvm, "reason %u -> %u, expected %u", t[i].vmx, e.reason, t[i].hvm);
        CHECK(e.insn_len == (t[i].len ? 3u : 0u), "reason %u insn_len %u", t[i].vmx, e.insn_len);
    }
    /* RDMSR/WRMSR take the MSR from ECX. */
    CHECK_EQ(decode(EXIT_REASON_MSR_READ, 0).reason, HVM_EXIT_MSR_READ);
    CHECK_EQ(decode(EXIT_REASON_MSR_WRITE, 0).reason, HVM_EXIT_MSR_WRITE);
    CHECK_EQ(decode(EXIT_REASON_MSR_WRITE, 0).u.msr.msr, 0xc0000080);
    /* SIPI: the vector is the qualification. */
    CHECK_EQ(decode(EXIT_REASON_SIPI, 0x9a).reason, HVM_EXIT_SIPI);
    CHECK_EQ(decode(EXIT_REASON_SIPI, 0x9a).u.sipi.vector, 0x9a);
}

static void test_decode_failed_entry(void)
{
    struct hvm_exit e;

    /* Invalid guest state: reason 33 with bit 31 set. */
    e = decode(VMX_EXIT_REASON_FAILED_ENTRY | EXIT_REASON_INVALID_GUEST_STATE, 0);
    CHECK_EQ(e.reason, HVM_EXIT_INVALID_STATE);
    CHECK_EQ(e.raw_reason, 0x80000021);
    CHECK_EQ(e.insn_len, 0);
    /* MSR loading failure, also bit 31. */
    e = decode(VMX_EXIT_REASON_FAILED_ENTRY | EXIT_REASON_MSR_LOADING, 0);
    CHECK_EQ(e.reason, HVM_EXIT_INVALID_STATE);
    /* Bit 31 wins whatever the basic reason says. */
    e = decode(VMX_EXIT_REASON_FAILED_ENTRY | EXIT_REASON_CPUID, 0);
    CHECK_EQ(e.reason, HVM_EXIT_INVALID_STATE);
}

static void test_decode_exception(void)
{
    struct vmx_exit_info info = {.reason = EXIT_REASON_EXCEPTION_NMI};
    struct hvm_exit e;
    vmx_intr_info_t ii = {.raw = 0};

    /* #PF with error code 6, CR2 in the qualification. */
    ii.vector = 14;
    ii.type = VMX_INTR_TYPE_HW_EXC;
    ii.has_error = 1;
    ii.valid = 1;
    info.intr_info = ii.raw;
    info.intr_error = 6;
    info.qual = 0xdeadb000;
    vmx_decode_exit(&info, &e);
    CHECK_EQ(e.reason, HVM_EXIT_EXCEPTION);
    CHECK_EQ(e.u.exc.vector, 14);
    CHECK(e.u.exc.has_error, "error code");
    CHECK_EQ(e.u.exc.error, 6);
    CHECK_EQ(e.u.exc.cr2, 0xdeadb000);
    /* #UD: no error code, no CR2. */
    ii.vector = 6;
    ii.has_error = 0;
    info.intr_info = ii.raw;
    vmx_decode_exit(&info, &e);
    CHECK_EQ(e.u.exc.vector, 6);
    CHECK(!e.u.exc.has_error, "no error code");
    CHECK_EQ(e.u.exc.error, 0);
    CHECK_EQ(e.u.exc.cr2, 0);
    /* The host's NMI. */
    ii.vector = 2;
    ii.type = VMX_INTR_TYPE_NMI;
    info.intr_info = ii.raw;
    vmx_decode_exit(&info, &e);
    CHECK_EQ(e.reason, HVM_EXIT_NMI);
    /* Not valid: not something we can act on. */
    info.intr_info = 0;
    vmx_decode_exit(&info, &e);
    CHECK_EQ(e.reason, HVM_EXIT_UNHANDLED);
    /* Layout of the interruption-information field. */
    CHECK_EQ(((vmx_intr_info_t){.raw = 0x80000b0e}).vector, 14);
    CHECK_EQ(((vmx_intr_info_t){.raw = 0x80000b0e}).type, 3);
    CHECK_EQ(((vmx_intr_info_t){.raw = 0x80000b0e}).has_error, 1);
}

static void test_field_encodings(void)
{
    /* Width and type come out of the encoding itself (SDM: "Field Encoding in VMCS"). */
    CHECK_EQ(VMCS_FIELD_WIDTH(GUEST_CS_SELECTOR), VMCS_WIDTH_16);
    CHECK_EQ(VMCS_FIELD_WIDTH(MSR_BITMAP), VMCS_WIDTH_64);
    CHECK_EQ(VMCS_FIELD_WIDTH(GUEST_PHYSICAL_ADDRESS), VMCS_WIDTH_64);
    CHECK_EQ(VMCS_FIELD_TYPE(GUEST_PHYSICAL_ADDRESS), VMCS_TYPE_RO);
    CHECK_EQ(VMCS_FIELD_WIDTH(SECONDARY_VM_EXEC_CONTROL), VMCS_WIDTH_32);
    CHECK_EQ(VMCS_FIELD_TYPE(SECONDARY_VM_EXEC_CONTROL), VMCS_TYPE_CONTROL);
    CHECK_EQ(VMCS_FIELD_TYPE(GUEST_RIP), VMCS_TYPE_GUEST);
    CHECK_EQ(VMCS_FIELD_WIDTH(GUEST_RIP), VMCS_WIDTH_NATURAL);
    CHECK_EQ(VMCS_FIELD_TYPE(HOST_IA32_EFER), VMCS_TYPE_HOST);
    CHECK_EQ(GUEST_SEG_AR(VMCS_SEG_CS), 0x4816);
    CHECK_EQ(GUEST_SEG_BASE(VMCS_SEG_GS), 0x6810);
}

static void test_pdptes(void)
{
    uint64_t p[4] = {0x1001, 0x2001, 0, 0x3000 | 0x1e6}; /* the last not present: ignored */

    CHECK(vmx_pdptes_valid(p, 36), "present entries clean");
    p[1] |= 1ULL << 1; /* R/W is reserved in a PDPTE */
    CHECK(!vmx_pdptes_valid(p, 36), "bit 1");
    p[1] = 0x2001 | (1ULL << 8);
    CHECK(!vmx_pdptes_valid(p, 36), "bit 8");
    p[1] = 0x2001 | (1ULL << 36); /* beyond MAXPHYADDR 36 */
    CHECK(!vmx_pdptes_valid(p, 36), "above maxphyaddr");
    CHECK(vmx_pdptes_valid(p, 40), "within maxphyaddr 40");
    p[1] = 0x2001 | (1ULL << 3) | (1ULL << 4) | (1ULL << 9); /* PWT, PCD, ignored bit */
    CHECK(vmx_pdptes_valid(p, 36), "PWT, PCD, AVL allowed");
}

int main(void)
{
    static const struct test_case cases[] = {
        {"vmx_adjust_ctls", test_adjust_ctls},
        {"vmx_segment_attr", test_segment_attr},
        {"vmx_decode_io", test_decode_io},
        {"vmx_decode_cr", test_decode_cr},
        {"vmx_decode_ept", test_decode_ept},
        {"vmx_decode_simple", test_decode_simple},
        {"vmx_decode_failed_entry", test_decode_failed_entry},
        {"vmx_decode_exception", test_decode_exception},
        {"vmx_field_encodings", test_field_encodings},
        {"vmx_pdptes", test_pdptes},
    };

    return test_run(cases, ARRAY_SIZE(cases));
}
