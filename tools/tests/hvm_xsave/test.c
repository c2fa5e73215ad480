/*
 * Host tests of what HVM guests see of XSAVE: the XCR0 rules XSETBV
 * enforces, and the CPUID policy's leaves 1, 7 and 0xD with and without
 * XSAVE offered (sizes and components as the context says, nothing of
 * the host's beyond them).
 */
#include "test.h"
#include <xen/lib.h>
#include <asm/hvm/cpuid.h>
#include <asm/hvm/xstate.h>

static const struct cpuid_leaf all_ones = {~0u, ~0u, ~0u, ~0u};

static void test_xcr0_rules(void)
{
    uint64_t avx = XSTATE_X87 | XSTATE_SSE | XSTATE_YMM;
    uint64_t all = avx | XSTATE_AVX512;

    CHECK(hvm_xcr0_valid(avx, XSTATE_X87), "x87 alone");
    CHECK(hvm_xcr0_valid(avx, avx), "x87 SSE AVX");
    CHECK(!hvm_xcr0_valid(avx, 0), "x87 off");
    CHECK(!hvm_xcr0_valid(avx, XSTATE_SSE), "SSE without x87");
    CHECK(!hvm_xcr0_valid(avx, XSTATE_X87 | XSTATE_YMM), "AVX without SSE");
    CHECK(!hvm_xcr0_valid(avx, avx | (1ULL << 9)), "PKRU not allowed");
    CHECK(!hvm_xcr0_valid(avx, avx | (1ULL << 63)), "reserved bit 63");
    CHECK(hvm_xcr0_valid(all, all), "AVX-512 complete");
    CHECK(!hvm_xcr0_valid(all, avx | XSTATE_OPMASK), "AVX-512 partly");
    CHECK(!hvm_xcr0_valid(all, XSTATE_X87 | XSTATE_SSE | XSTATE_AVX512), "AVX-512 without AVX");
}

static struct hvm_cpuid_ctx ctx_with(uint64_t allowed, uint64_t xcr0, bool osxsave)
{
    struct hvm_cpuid_ctx c = {.host_max_basic = 0x16, .host_max_ext = 0x80000008U};

    c.xcr0_allowed = allowed;
    c.guest_xcr0 = xcr0;
    c.guest_osxsave = osxsave;
    c.xsave_size = xcr0 & XSTATE_YMM ? 832 : 576;
    c.xsave_size_max = allowed & XSTATE_YMM ? 832 : 576;
    c.xsave_size_compact = c.xsave_size;
    return c;
}

static void test_not_offered(void)
{
    struct hvm_cpuid_ctx c = ctx_with(0, 0, false);
    struct cpuid_leaf out;
    unsigned int sub;

    hvm_cpuid_policy(1, 0, &all_ones, &c, &out);
    CHECK(!(out.c & ((1u << 26) | (1u << 27) | (1u << 28) | (1u << 12) | (1u << 29))),
          "no XSAVE/OSXSAVE/AVX/FMA/F16C: ECX %#x", out.c);
    hvm_cpuid_policy(7, 0, &all_ones, &c, &out);
    CHECK(!(out.b & (1u << 5)), "no AVX2: EBX %#x", out.b);
    for (sub = 0; sub < 64; sub++) {
        hvm_cpuid_policy(0xd, sub, &all_ones, &c, &out);
        CHECK(!out.a && !out.b && !out.c && !out.d, "leaf 0xD.%u empty", sub);
    }
}

static void test_offered(void)
{
    uint64_t avx = XSTATE_X87 | XSTATE_SSE | XSTATE_YMM;
    struct hvm_cpuid_ctx c = ctx_with(avx, XSTATE_X87, false);
    struct cpuid_leaf out, host2 = {256, 576, 0, 0};

    hvm_cpuid_policy(1, 0, &all_ones, &c, &out);
    CHECK((out.c & (1u << 26)) && !(out.c & (1u << 27)), "XSAVE, no OSXSAVE: ECX %#x", out.c);
    CHECK((out.c & (1u << 28)) && (out.c & (1u << 12)) && (out.c & (1u << 29)), "AVX family");
    c.guest_osxsave = true;
    hvm_cpuid_policy(1, 0, &all_ones, &c, &out);
    CHECK(out.c & (1u << 27), "OSXSAVE follows CR4: ECX %#x", out.c);
    hvm_cpuid_policy(7, 0, &all_ones, &c, &out);
    CHECK(out.b & (1u << 5), "AVX2 with YMM offered");

    hvm_cpuid_policy(0xd, 0, &all_ones, &c, &out);
    CHECK_EQ(out.a, 7);
    CHECK_EQ(out.b, 576);
    CHECK_EQ(out.c, 832);
    CHECK_EQ(out.d, 0);
    c = ctx_with(avx, avx, true);
    hvm_cpuid_policy(0xd, 0, &all_ones, &c, &out);
    CHECK_EQ(out.b, 832);
    /* Subleaf 1: XSAVEOPT and XGETBV1 only (no XSAVEC, no XSAVES), no XSS bits. */
    hvm_cpuid_policy(0xd, 1, &all_ones, &c, &out);
    CHECK_EQ(out.a, 5);
    CHECK_EQ(out.c, 0);
    CHECK_EQ(out.d, 0);
    /* The YMM component described as the host does; PKRU (9) not at all. */
    hvm_cpuid_policy(0xd, 2, &host2, &c, &out);
    CHECK(out.a == 256 && out.b == 576, "YMM: %u bytes at %u", out.a, out.b);
    hvm_cpuid_policy(0xd, 9, &all_ones, &c, &out);
    CHECK(!out.a && !out.b && !out.c && !out.d, "PKRU not described");
}

int main(void)
{
    static const struct test_case cases[] = {
        {"xcr0_rules", test_xcr0_rules},
        {"xsave_not_offered", test_not_offered},
        {"xsave_offered", test_offered},
    };

    return test_run(cases, ARRAY_SIZE(cases));
}
