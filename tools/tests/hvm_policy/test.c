/*
 * Host tests of the pure parts of the HVM platform: the CPUID policy
 * (filtering of host leaves, the Xen leaves, zeros beyond the maxima),
 * the MSR policy table, the hypercall page contents, and the domain-id
 * and domain-name rules with the domid allocator.
 */
#include "test.h"
#include <xen/compiler.h>
#include <xen/errno.h>
#include <xen/domain.h>
#include <asm/hvm/cpuid.h>
#include <asm/hvm/msr.h>
#include <asm/hvm/acpi.h>

static const struct hvm_cpuid_ctx ctx = {
    .host_max_basic = 0x1f, .host_max_ext = 0x80000021U, .vcpu_id = 3, .domid = 7,
};
static const struct cpuid_leaf all_ones = { ~0u, ~0u, ~0u, ~0u };

static struct cpuid_leaf policy(uint32_t leaf, uint32_t sub, const struct cpuid_leaf *host)
{
    struct cpuid_leaf out;

    hvm_cpuid_policy(leaf, sub, host ? host : &all_ones, &ctx, &out);
    return out;
}

static void test_cpuid_xen_leaves(void)
{
    struct cpuid_leaf r = policy(0x40000000U, 0, NULL);

    CHECK_EQ(r.a, 0x40000005U);
    CHECK(r.b == 0x566e6558U && r.c == 0x65584d4dU && r.d == 0x4d4d566eU, "signature");
    r = policy(0x40000001U, 0, NULL);
    CHECK_EQ(r.a, 0x00040011U);
    CHECK(!r.b && !r.c && !r.d, "version: reserved registers zero");
    r = policy(0x40000002U, 0, NULL);
    CHECK(r.a == 1 && r.b == 0x40000000U && !r.c && !r.d, "hypercall page leaf");
    r = policy(0x40000004U, 0, NULL);
    CHECK_EQ(r.a, XEN_HVM_CPUID_VCPU_ID_PRESENT | XEN_HVM_CPUID_DOMID_PRESENT);
    CHECK_EQ(r.b, 3);
    CHECK_EQ(r.c, 7);
    CHECK(!(r.a & ~0x7fu), "no unknown feature bits");
    r = policy(0x40000006U, 0, NULL);
    CHECK(!r.a && !r.b && !r.c && !r.d, "past the Xen maximum: zeros");
    /* Linux scans further bases: none may carry the signature. */
    for (uint32_t base = 0x40000100U; base < 0x40010000U; base += 0x100) {
        r = policy(base, 0, NULL);
        CHECK(!r.b && !r.c && !r.d, "base %#x is empty", base);
    }
}

static void test_cpuid_filtering(void)
{
    struct cpuid_leaf r = policy(1, 0, NULL);

    CHECK(r.c & (1u << 31), "hypervisor bit set");
    CHECK(!(r.c & (1u << 5)), "no VMX");
    CHECK(!(r.c & (1u << 3)), "no MONITOR");
    CHECK(!(r.c & (1u << 26)) && !(r.c & (1u << 27)) && !(r.c & (1u << 28)), "no XSAVE/OSXSAVE/AVX");
    CHECK((r.c & (1u << 21)) && (r.c & (1u << 24)), "x2APIC and TSC-deadline: the vLAPIC has them");
    CHECK(!(r.d & (1u << 12)) && !(r.d & (1u << 7)) && !(r.d & (1u << 14)), "no MTRR/MCE/MCA");
    CHECK_EQ(r.b >> 24, 6);                     /* APIC ID = 2 x vCPU id */
    /* Linux's verify_cpu needs FPU PSE MSR PAE CX8 PGE CMOV FXSR SSE SSE2. */
    {
        const uint32_t need = (1u << 0) | (1u << 3) | (1u << 5) | (1u << 6) | (1u << 8) |
                              (1u << 13) | (1u << 15) | (1u << 24) | (1u << 25) | (1u << 26);
        CHECK((r.d & need) == need, "Linux's required features kept: %#x", r.d);
    }
    r = policy(0x80000001U, 0, NULL);
    CHECK(!(r.c & (1u << 2)), "no SVM");
    CHECK(r.d & (1u << 29), "LM kept");
    CHECK(r.d & (1u << 26), "Page1GB kept");
    CHECK(r.d & (1u << 27), "RDTSCP kept");
    r = policy(7, 0, NULL);
    CHECK(!(r.c & (1u << 16)), "no LA57");
    CHECK(!(r.b & (1u << 5)) && !(r.b & (1u << 16)), "no AVX2 / AVX-512");
    CHECK(!r.d, "leaf 7 EDX empty");
    r = policy(7, 1, NULL);
    CHECK(!r.a && !r.b && !r.c && !r.d, "leaf 7 subleaf 1 empty");
    r = policy(0x8000000aU, 0, NULL);
    CHECK(!r.a && !r.b && !r.c && !r.d, "SVM leaf hidden");
    r = policy(5, 0, NULL);
    CHECK(!r.a && !r.b && !r.c && !r.d, "MONITOR leaf hidden");
    r = policy(0xd, 0, NULL);
    CHECK(!r.a && !r.b && !r.c && !r.d, "XSAVE leaf hidden");

    /* A vendor that cannot give RDTSCP/RDPID the guest's TSC_AUX hides both. */
    {
        struct hvm_cpuid_ctx no = ctx;

        no.no_rdtscp = true;
        hvm_cpuid_policy(0x80000001U, 0, &all_ones, &no, &r);
        CHECK(!(r.d & (1u << 27)), "RDTSCP hidden");
        CHECK(r.d & (1u << 29), "LM still kept");
        hvm_cpuid_policy(7, 0, &all_ones, &no, &r);
        CHECK(!(r.c & (1u << 22)), "RDPID hidden");
        hvm_cpuid_policy(7, 0, &all_ones, &ctx, &r);
        CHECK(r.c & (1u << 22), "RDPID kept when RDTSCP works");
    }
}

static void test_cpuid_maxima(void)
{
    struct cpuid_leaf host0 = { 0x1f, 0x68747541, 0x444d4163, 0x69746e65 };
    struct cpuid_leaf r = policy(0, 0, &host0);

    CHECK_EQ(r.a, HVM_CPUID_MAX_BASIC);
    CHECK(r.b == host0.b && r.c == host0.c && r.d == host0.d, "real vendor string");
    r = policy(HVM_CPUID_MAX_BASIC + 1, 0, NULL);
    CHECK(!r.a && !r.b && !r.c && !r.d, "beyond the basic maximum: zeros");
    r = policy(0x80000000U, 0, NULL);
    CHECK_EQ(r.a, HVM_CPUID_MAX_EXT);
    r = policy(HVM_CPUID_MAX_EXT + 1, 0, NULL);
    CHECK(!r.a && !r.b && !r.c && !r.d, "beyond the extended maximum: zeros");
    /* A host with fewer leaves than our maxima keeps its own. */
    {
        struct hvm_cpuid_ctx small = ctx;
        struct cpuid_leaf out;

        small.host_max_basic = 7;
        small.host_max_ext = 0x80000004U;
        hvm_cpuid_policy(0, 0, &host0, &small, &out);
        CHECK_EQ(out.a, 7);
        hvm_cpuid_policy(0xd, 0, &all_ones, &small, &out);
        CHECK(!out.a && !out.b && !out.c && !out.d, "beyond the host's maximum: zeros");
        hvm_cpuid_policy(0x80000008U, 0, &all_ones, &small, &out);
        CHECK(!out.a, "beyond the host's extended maximum: zeros");
    }
    CHECK(hvm_cpuid_needs_host(1) && !hvm_cpuid_needs_host(0x40000000U), "host leaves");
}

static void test_msr_table(void)
{
    CHECK_EQ(hvm_msr_lookup(0xc0000080U)->kind, HVM_MSR_EFER);
    CHECK_EQ(hvm_msr_lookup(0x1b)->kind, HVM_MSR_APIC_BASE);
    CHECK_EQ(hvm_msr_lookup(0x40000000U)->kind, HVM_MSR_HYPERCALL_PAGE);
    CHECK_EQ(hvm_msr_lookup(0x8b)->kind, HVM_MSR_ZERO);
    CHECK_EQ(hvm_msr_lookup(0xc0000103U)->kind, HVM_MSR_TSC_AUX);
    CHECK_EQ(hvm_msr_lookup(0x1a0)->kind, HVM_MSR_ZERO);
    CHECK_EQ(hvm_msr_lookup(0x1234)->kind, HVM_MSR_GP);
    CHECK_EQ(hvm_msr_lookup(0xc0011234U)->kind, HVM_MSR_GP);
    CHECK_EQ(hvm_msr_lookup(0xffffffffU)->kind, HVM_MSR_GP);
    CHECK_EQ(hvm_msr_lookup(0x40000001U)->kind, HVM_MSR_GP);
    CHECK(hvm_msr_lookup(0xc0010114U)->kind == HVM_MSR_CONST &&
          hvm_msr_lookup(0xc0010114U)->value == (1u << 4), "VM_CR says SVM is disabled");
}

static void vmmcall(uint8_t *p)
{
    p[0] = 0x0f;
    p[1] = 0x01;
    p[2] = 0xd9;
}

static void test_hypercall_page(void)
{
    static uint8_t page[4096];
    unsigned int i;

    memset(page, 0x55, sizeof(page));
    hvm_hypercall_page_fill(page, vmmcall);
    for (i = 0; i < HYPERCALL_PAGE_STUBS; i++) {
        const uint8_t *p = page + i * HYPERCALL_STUB_SIZE;

        if (i == HYPERCALL_IRET) {
            CHECK(p[0] == 0x0f && p[1] == 0x0b, "stub 23 is ud2");
            continue;
        }
        CHECK(p[0] == 0xb8 && p[1] == i && !p[2] && !p[3] && !p[4], "stub %u: mov $%u, %%eax", i, i);
        CHECK(p[5] == 0x0f && p[6] == 0x01 && p[7] == 0xd9, "stub %u: vmmcall", i);
        CHECK(p[8] == 0xc3, "stub %u: ret", i);
    }
    for (i = HYPERCALL_PAGE_STUBS * HYPERCALL_STUB_SIZE; i < sizeof(page); i++)
        if (page[i] != 0x55)
            break;
    CHECK_EQ(i, sizeof(page));
}

static void test_domid_rules(void)
{
    CHECK_EQ(domid_check(0), 0);
    CHECK_EQ(domid_check(1), 0);
    CHECK_EQ(domid_check(0x7fef), 0);
    CHECK_EQ(domid_check(0x7ff0), -EINVAL);     /* DOMID_SELF */
    CHECK_EQ(domid_check(0x7ff1), -EINVAL);     /* DOMID_IO */
    CHECK_EQ(domid_check(0x7ff2), -EINVAL);     /* DOMID_XEN */
    CHECK_EQ(domid_check(0x7ff4), -EINVAL);     /* DOMID_INVALID */
    CHECK_EQ(domid_check(0x7fff), -EINVAL);     /* DOMID_IDLE */
    CHECK_EQ(domid_check(0x8000), -EINVAL);
    CHECK_EQ(domid_check(0xffff), -EINVAL);
}

static void test_domid_alloc(void)
{
    static struct domid_map m;
    unsigned int i;

    memset(&m, 0, sizeof(m));
    CHECK_EQ(domid_alloc(&m, 0), 1);            /* 0 only when asked for */
    CHECK_EQ(domid_alloc(&m, 1), 2);
    CHECK_EQ(domid_claim(&m, 0), 0);
    CHECK_EQ(domid_claim(&m, 0), -EEXIST);
    CHECK_EQ(domid_claim(&m, 0x7ff0), -EINVAL);
    CHECK_EQ(domid_claim(&m, 5), 0);
    CHECK_EQ(domid_alloc(&m, 5), 6);
    CHECK_EQ(domid_alloc(&m, 0x7fef), 0x7fef);
    CHECK_EQ(domid_alloc(&m, 0x7fef), 3);       /* wraps to 1.. */
    domid_release(&m, 2);
    CHECK(!domid_in_use(&m, 2), "released");
    CHECK_EQ(domid_alloc(&m, 1), 2);
    domid_release(&m, 0x7ff0);                  /* reserved: ignored */
    for (i = 1; i < 0x7ff0; i++)
        domid_claim(&m, i);
    CHECK_EQ(domid_alloc(&m, 1), -ENOSPC);
    CHECK(!domid_in_use(&m, 0x7ff0) && !domid_in_use(&m, 0xffff), "reserved ids never in use");
}

static void test_domain_names(void)
{
    char longname[DOMAIN_NAME_LEN + 1];

    CHECK_EQ(domain_name_check("guest-1"), 0);
    CHECK_EQ(domain_name_check(""), -EINVAL);
    CHECK_EQ(domain_name_check(NULL), -EINVAL);
    CHECK_EQ(domain_name_check("has space"), -EINVAL);
    CHECK_EQ(domain_name_check("tab\there"), -EINVAL);
    CHECK_EQ(domain_name_check("\x80"), -EINVAL);
    memset(longname, 'a', sizeof(longname));
    longname[DOMAIN_NAME_LEN - 1] = '\0';
    CHECK_EQ(domain_name_check(longname), 0);   /* 31 characters */
    longname[DOMAIN_NAME_LEN - 1] = 'a';
    longname[DOMAIN_NAME_LEN] = '\0';
    CHECK_EQ(domain_name_check(longname), -EINVAL);
}

static uint8_t sum(const uint8_t *p, size_t n)
{
    uint8_t s = 0;

    while (n--)
        s = (uint8_t)(s + *p++);
    return s;
}

static void test_acpi_tables(void)
{
    static uint8_t page[4096];
    const uint64_t gpa = 0x3ffe000;
    uint64_t xsdt_gpa, madt_gpa;
    uint32_t len;
    unsigned int i, n = 4;

    memset(page, 0, sizeof(page));
    CHECK_EQ(hvm_acpi_build(page, sizeof(page), gpa, n), 0);
    CHECK(!memcmp(page, "RSD PTR ", 8), "RSDP signature");
    CHECK_EQ(sum(page, 20), 0);
    CHECK_EQ(sum(page, 36), 0);
    CHECK_EQ(page[15], 2);                      /* revision */
    memcpy(&xsdt_gpa, page + 24, 8);
    CHECK(xsdt_gpa > gpa && xsdt_gpa < gpa + sizeof(page), "XSDT inside the page");
    {
        const uint8_t *x = page + (xsdt_gpa - gpa);

        memcpy(&len, x + 4, 4);
        CHECK(!memcmp(x, "XSDT", 4) && len == 44 && !sum(x, len), "XSDT with one entry");
        memcpy(&madt_gpa, x + 36, 8);
    }
    {
        const uint8_t *m = page + (madt_gpa - gpa);
        uint32_t lapic;

        memcpy(&len, m + 4, 4);
        memcpy(&lapic, m + 36, 4);
        CHECK(!memcmp(m, "APIC", 4) && len == 44 + 8 * n && !sum(m, len), "MADT");
        CHECK_EQ(lapic, 0xfee00000U);
        for (i = 0; i < n; i++) {
            const uint8_t *e = m + 44 + 8 * i;

            CHECK(e[0] == 0 && e[1] == 8 && e[2] == i && e[3] == 2 * i && e[4] == 1,
                  "vCPU %u: UID %u, APIC ID %u, enabled", i, e[2], e[3]);
        }
    }
    CHECK_EQ(hvm_acpi_build(page, 64, gpa, 1), -1);
    CHECK_EQ(hvm_acpi_build(page, sizeof(page), gpa, 0), -1);
    CHECK_EQ(hvm_acpi_build(page, sizeof(page), gpa, 129), -1);
    CHECK_EQ(hvm_acpi_build(page, sizeof(page), gpa, 128), 0);
}

int main(void)
{
    static const struct test_case cases[] = {
        {"hvm_cpuid_xen_leaves", test_cpuid_xen_leaves},
        {"hvm_cpuid_filtering", test_cpuid_filtering},
        {"hvm_cpuid_maxima", test_cpuid_maxima},
        {"hvm_msr_table", test_msr_table},
        {"hvm_hypercall_page", test_hypercall_page},
        {"hvm_domid_rules", test_domid_rules},
        {"hvm_domid_alloc", test_domid_alloc},
        {"hvm_domain_names", test_domain_names},
        {"hvm_acpi_tables", test_acpi_tables},
    };

    return test_run(cases, ARRAY_SIZE(cases));
}
