/*
 * CPUID policy of HVM guests (pure, host-tested).  Whitelists: a host
 * feature reaches the guest only if we virtualise it or it needs nothing
 * from us.  Leaves above the maxima, and leaves we do not describe, read
 * as zeros, as on Xen.
 */
#include <xen/string.h>
#include <asm/hvm/cpuid.h>

/* CPUID.1:ECX: SSE3 PCLMUL SSSE3 CX16 SSE4.1 SSE4.2 MOVBE POPCNT AES RDRAND (no VMX, MONITOR, XSAVE, x2APIC...). */
#define L1_ECX_KEEP ((1U << 0) | (1U << 1) | (1U << 9) | (1U << 13) | (1U << 19) | (1U << 20) | \
                     (1U << 22) | (1U << 23) | (1U << 25) | (1U << 30))
#define L1_ECX_HYPERVISOR (1U << 31)
/* x2APIC (21) and TSC-deadline (24): the vLAPIC (vlapic.c) emulates both, whatever the host has. */
#define L1_ECX_VLAPIC ((1U << 21) | (1U << 24))
/* CPUID.1:EDX: all but MTRR(12), MCE(7), MCA(14), DS(21), ACPI(22), TM(29), PBE(31), PSN(18). */
#define L1_EDX_DROP ((1U << 7) | (1U << 12) | (1U << 14) | (1U << 18) | (1U << 21) | (1U << 22) | \
                     (1U << 29) | (1U << 31))
/* CPUID.7.0:EBX: FSGSBASE BMI1 SMEP BMI2 ERMS ADX SMAP CLFLUSHOPT CLWB SHA. */
#define L7_EBX_KEEP ((1U << 0) | (1U << 3) | (1U << 7) | (1U << 8) | (1U << 9) | (1U << 19) | \
                     (1U << 20) | (1U << 23) | (1U << 24) | (1U << 29))
/* CPUID.7.0:ECX: UMIP, RDPID. */
#define L7_ECX_KEEP ((1U << 2) | (1U << 22))
/* With XSAVE offered: CPUID.1:ECX XSAVE, OSXSAVE (the guest's CR4 bit); with AVX state: AVX, FMA, F16C; 7.0:EBX AVX2. */
#define L1_ECX_XSAVE (1U << 26)
#define L1_ECX_OSXSAVE (1U << 27)
#define L1_ECX_AVX_SET ((1U << 28) | (1U << 12) | (1U << 29))
#define L7_EBX_AVX2 (1U << 5)
#define XCR0_YMM (1ULL << 2)
/*
 * CPUID.(0xD, 1):EAX: XSAVEOPT and XGETBV with ECX = 1.  Not XSAVES (no
 * IA32_XSS), nor XSAVEC: for the components offered (x87, SSE, YMM) the
 * compacted image is the standard one, 832 bytes, and XSAVEOPT has the
 * init optimization too.  Bochs 2.7's XRSTOR raises #GP on some compacted
 * images XSAVEC wrote (Linux: "Bad FPU state", 2 of 2 runs); none since.
 */
#define LD1_EAX_KEEP ((1U << 0) | (1U << 2))
/* 80000001h:ECX: LAHF, ABM, SSE4A, MisalignSSE, 3DNowPrefetch (no SVM, SKINIT, WDT, IBS, XOP...). */
#define LX1_ECX_KEEP ((1U << 0) | (1U << 5) | (1U << 6) | (1U << 7) | (1U << 8))
/* 80000001h:EDX: SYSCALL NX MMXEXT FFXSR Page1GB RDTSCP LM and the CPUID.1 duplicates. */
#define LX1_EDX_KEEP ((1U << 11) | (1U << 20) | (1U << 22) | (1U << 25) | (1U << 26) | \
                      (1U << 27) | (1U << 29) | 0x0183f3ffU)
/* 80000007h:EDX: invariant TSC. */
#define LX7_EDX_KEEP (1U << 8)

/* "XenVMMXenVMM" */
#define XEN_SIG_EBX 0x566e6558U
#define XEN_SIG_ECX 0x65584d4dU
#define XEN_SIG_EDX 0x4d4d566eU

static uint32_t min_u32(uint32_t a, uint32_t b)
{
    return a < b ? a : b;
}

bool hvm_cpuid_needs_host(uint32_t leaf)
{
    switch (leaf) {
    case 0: case 1: case 2: case 4: case 7: case 0xd:
    case 0x80000000U: case 0x80000001U: case 0x80000002U: case 0x80000003U:
    case 0x80000004U: case 0x80000005U: case 0x80000006U: case 0x80000007U:
    case 0x80000008U:
        return true;
    default:
        return false;
    }
}

static void xen_leaf(uint32_t idx, uint32_t subleaf, const struct hvm_cpuid_ctx *ctx,
                     struct cpuid_leaf *out)
{
    switch (idx) {
    case 0:
        out->a = XEN_CPUID_MAX;
        out->b = XEN_SIG_EBX;
        out->c = XEN_SIG_ECX;
        out->d = XEN_SIG_EDX;
        break;
    case 1:
        out->a = XEN_CPUID_VERSION;
        break;
    case 2:
        out->a = 1;                     /* hypercall pages */
        out->b = XEN_HYPERCALL_MSR;
        break;
    case 4:
        if (subleaf == 0) {
            out->a = XEN_HVM_CPUID_VCPU_ID_PRESENT | XEN_HVM_CPUID_DOMID_PRESENT;
            out->b = ctx->vcpu_id;
            out->c = ctx->domid;
        }
        break;
    default:                            /* 3 (TSC: no info), 5 (PV features: none) */
        break;
    }
}

/* CPUID.1:ECX bits of XSAVE and the AVX family, as offered. */
static uint32_t xsave_bits(uint32_t host_c, const struct hvm_cpuid_ctx *ctx)
{
    uint32_t c;

    if (!ctx->xcr0_allowed)
        return 0;
    c = L1_ECX_XSAVE | (ctx->guest_osxsave ? L1_ECX_OSXSAVE : 0);
    if (ctx->xcr0_allowed & XCR0_YMM)
        c |= host_c & L1_ECX_AVX_SET;
    return c;
}

/* Leaf 0xD: the components offered and the area sizes for them. */
static void xsave_leaf(uint32_t subleaf, const struct cpuid_leaf *host,
                       const struct hvm_cpuid_ctx *ctx, struct cpuid_leaf *out)
{
    if (!ctx->xcr0_allowed)
        return;
    switch (subleaf) {
    case 0:
        out->a = (uint32_t)ctx->xcr0_allowed;
        out->b = ctx->xsave_size;
        out->c = ctx->xsave_size_max;
        out->d = (uint32_t)(ctx->xcr0_allowed >> 32);
        break;
    case 1:
        out->a = host->a & LD1_EAX_KEEP;
        out->b = ctx->xsave_size_compact;
        break;
    default:
        /* Size, offset and alignment of a component offered; nothing for the others. */
        if (subleaf < 63 && (ctx->xcr0_allowed & (1ULL << subleaf))) {
            out->a = host->a;
            out->b = host->b;
            out->c = host->c & 3;
        }
        break;
    }
}

void hvm_cpuid_policy(uint32_t leaf, uint32_t subleaf, const struct cpuid_leaf *host,
                      const struct hvm_cpuid_ctx *ctx, struct cpuid_leaf *out)
{
    uint32_t max_basic = min_u32(ctx->host_max_basic, HVM_CPUID_MAX_BASIC);
    uint32_t max_ext = min_u32(ctx->host_max_ext, HVM_CPUID_MAX_EXT);

    memset(out, 0, sizeof(*out));

    /* Only the first Xen base exists: Linux scans 0x40000000.. in steps of 0x100. */
    if (leaf >= XEN_CPUID_BASE && leaf <= XEN_CPUID_MAX) {
        xen_leaf(leaf - XEN_CPUID_BASE, subleaf, ctx, out);
        return;
    }
    if (leaf < 0x80000000U) {
        if (leaf > max_basic)
            return;
    } else if (ctx->host_max_ext < 0x80000000U || leaf > max_ext) {
        return;
    }

    switch (leaf) {
    case 0:
        *out = *host;
        out->a = max_basic;
        break;
    case 1:
        out->a = host->a;
        /* APIC ID as Xen numbers them (2 x vCPU id); CLFLUSH size and count kept. */
        out->b = (host->b & 0x00ffffffU & ~0x00ff0000U) | (1U << 16) | ((ctx->vcpu_id * 2) << 24);
        out->c = (host->c & L1_ECX_KEEP) | L1_ECX_HYPERVISOR | L1_ECX_VLAPIC |
                 xsave_bits(host->c, ctx);
        out->d = host->d & ~L1_EDX_DROP & ~(1U << 28);      /* no HTT: one thread per vCPU */
        break;
    case 2:
        *out = *host;
        break;
    case 4:
        /* Cache descriptions, without the core and thread counts. */
        out->a = host->a & 0x3ffU;
        out->b = host->b;
        out->c = host->c;
        out->d = host->d;
        break;
    case 7:
        if (subleaf == 0) {
            out->b = host->b & (L7_EBX_KEEP | (ctx->xcr0_allowed & XCR0_YMM ? L7_EBX_AVX2 : 0));
            out->c = host->c & L7_ECX_KEEP;
            if (ctx->no_rdtscp)
                out->c &= ~(1U << 22);      /* RDPID reads TSC_AUX too */
        }
        break;
    case 0xd:
        xsave_leaf(subleaf, host, ctx, out);
        break;
    case 0x80000000U:
        *out = *host;
        out->a = max_ext;
        break;
    case 0x80000001U:
        out->a = host->a;
        out->c = host->c & LX1_ECX_KEEP;
        out->d = host->d & LX1_EDX_KEEP;
        if (ctx->no_rdtscp)
            out->d &= ~(1U << 27);          /* RDTSCP */
        break;
    case 0x80000002U: case 0x80000003U: case 0x80000004U:
    case 0x80000005U: case 0x80000006U:
        *out = *host;
        break;
    case 0x80000007U:
        out->d = host->d & LX7_EDX_KEEP;
        break;
    case 0x80000008U:
        out->a = host->a & 0xffffU;     /* physical and linear address sizes */
        break;
    default:
        break;
    }
}
