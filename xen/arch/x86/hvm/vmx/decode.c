/*
 * VM-exit decoding: the raw VMX exit fields into struct hvm_exit.  Pure
 * code (no VMREAD here), so the host tests run it on made-up exits.
 */
#include <asm/hvm/vmx/vmx.h>
#include <xen/lib.h>

/* Exits that only need the reason mapped (no qualification to decode). */
static const uint8_t vmx_simple_exits[EXIT_REASON_NR] = {
    [EXIT_REASON_TRIPLE_FAULT] = HVM_EXIT_TRIPLE_FAULT,
    [EXIT_REASON_INIT] = HVM_EXIT_INIT,
    [EXIT_REASON_INTR_WINDOW] = HVM_EXIT_NONE,
    [EXIT_REASON_NMI_WINDOW] = HVM_EXIT_NONE,
    [EXIT_REASON_CPUID] = HVM_EXIT_CPUID,
    [EXIT_REASON_HLT] = HVM_EXIT_HLT,
    [EXIT_REASON_INVLPG] = HVM_EXIT_INVLPG,
    [EXIT_REASON_RDTSC] = HVM_EXIT_RDTSC,
    [EXIT_REASON_VMCALL] = HVM_EXIT_HYPERCALL,
    [EXIT_REASON_DR_ACCESS] = HVM_EXIT_DR_ACCESS,
    [EXIT_REASON_INVALID_GUEST_STATE] = HVM_EXIT_INVALID_STATE,
    [EXIT_REASON_MSR_LOADING] = HVM_EXIT_INVALID_STATE,
    [EXIT_REASON_PAUSE] = HVM_EXIT_PAUSE,
    [EXIT_REASON_XSETBV] = HVM_EXIT_XSETBV,
};

/* Exits caused by an instruction: VM_EXIT_INSTRUCTION_LEN is meaningful. */
static bool vmx_exit_has_insn_len(unsigned int basic)
{
    switch (basic) {
    case EXIT_REASON_CPUID:
    case EXIT_REASON_HLT:
    case EXIT_REASON_INVLPG:
    case EXIT_REASON_RDTSC:
    case EXIT_REASON_RDTSCP:
    case EXIT_REASON_VMCALL:
    case EXIT_REASON_CR_ACCESS:
    case EXIT_REASON_DR_ACCESS:
    case EXIT_REASON_IO_INSTRUCTION:
    case EXIT_REASON_MSR_READ:
    case EXIT_REASON_MSR_WRITE:
    case EXIT_REASON_MWAIT:
    case EXIT_REASON_MONITOR:
    case EXIT_REASON_PAUSE:
    case EXIT_REASON_XSETBV:
    case EXIT_REASON_WBINVD:
    case EXIT_REASON_INVD:
    case EXIT_REASON_RDPMC:
        return true;
    default:
        return false;
    }
}

static void vmx_decode_exception(const struct vmx_exit_info *info, struct hvm_exit *exit)
{
    vmx_intr_info_t ii = {.raw = info->intr_info};

    if (!ii.valid) {
        exit->reason = HVM_EXIT_UNHANDLED;
        return;
    }
    switch (ii.type) {
    case VMX_INTR_TYPE_NMI:
        exit->reason = HVM_EXIT_NMI;
        return;
    case VMX_INTR_TYPE_EXTINT: /* only with "acknowledge interrupt on exit" */
        exit->reason = HVM_EXIT_EXTINT;
        return;
    default:
        exit->reason = HVM_EXIT_EXCEPTION;
        exit->u.exc.vector = (uint8_t)ii.vector;
        exit->u.exc.has_error = ii.has_error;
        exit->u.exc.error = ii.has_error ? info->intr_error : 0;
        /* SDM: for #PF the qualification is the faulting linear address. */
        exit->u.exc.cr2 = ii.vector == 14 ? info->qual : 0;
        return;
    }
}

void vmx_decode_exit(const struct vmx_exit_info *info, struct hvm_exit *exit)
{
    unsigned int basic = VMX_EXIT_REASON_BASIC(info->reason);

    memset(exit, 0, sizeof(*exit));
    exit->raw_reason = info->reason;
    if (info->reason & VMX_EXIT_REASON_FAILED_ENTRY) {
        exit->reason = HVM_EXIT_INVALID_STATE;
        return;
    }
    if (vmx_exit_has_insn_len(basic))
        exit->insn_len = info->insn_len;

    switch (basic) {
    case EXIT_REASON_EXCEPTION_NMI:
        vmx_decode_exception(info, exit);
        break;
    case EXIT_REASON_EXTERNAL_INTERRUPT:
        exit->reason = HVM_EXIT_EXTINT;
        break;
    case EXIT_REASON_SIPI:
        exit->reason = HVM_EXIT_SIPI;
        exit->u.sipi.vector = (uint8_t)info->qual;
        break;
    case EXIT_REASON_IO_INSTRUCTION: {
        vmx_io_qual_t q = {.raw = info->qual};

        exit->reason = HVM_EXIT_IO;
        exit->u.io.port = (uint16_t)q.port;
        exit->u.io.size = (uint8_t)(q.size_m1 + 1);
        exit->u.io.in = q.in;
        exit->u.io.string = q.string;
        exit->u.io.rep = q.rep;
        break;
    }
    case EXIT_REASON_CR_ACCESS: {
        vmx_cr_qual_t q = {.raw = info->qual};

        if (q.access != VMX_CR_ACCESS_MOV_TO && q.access != VMX_CR_ACCESS_MOV_FROM) {
            /* CLTS and LMSW touch only bits the guest owns: they never exit here. */
            exit->reason = HVM_EXIT_UNHANDLED;
            break;
        }
        exit->reason = HVM_EXIT_CR_ACCESS;
        exit->u.cr.cr = (uint8_t)q.cr;
        exit->u.cr.write = q.access == VMX_CR_ACCESS_MOV_TO;
        exit->u.cr.gpr = (uint8_t)q.gpr;
        break;
    }
    case EXIT_REASON_MSR_READ:
    case EXIT_REASON_MSR_WRITE:
        exit->reason = basic == EXIT_REASON_MSR_READ ? HVM_EXIT_MSR_READ : HVM_EXIT_MSR_WRITE;
        exit->u.msr.msr = info->ecx;
        break;
    case EXIT_REASON_EPT_VIOLATION: {
        vmx_ept_qual_t q = {.raw = info->qual};

        exit->reason = HVM_EXIT_NPF;
        exit->u.npf.gpa = info->gpa;
        exit->u.npf.read = q.read;
        exit->u.npf.write = q.write;
        exit->u.npf.fetch = q.fetch;
        exit->u.npf.gla_valid = q.gla_valid;
        exit->u.npf.gla = q.gla_valid ? info->gla : 0;
        break;
    }
    default:
        if (basic < EXIT_REASON_NR && (vmx_simple_exits[basic] || basic == EXIT_REASON_INTR_WINDOW ||
                                       basic == EXIT_REASON_NMI_WINDOW))
            exit->reason = (enum hvm_exit_reason)vmx_simple_exits[basic];
        else
            exit->reason = HVM_EXIT_UNHANDLED;
        break;
    }
}

#define PDPTE_RSVD_LOW 0x1e6ULL /* bits 2:1 and 8:5 */

bool vmx_pdptes_valid(const uint64_t pdpte[4], unsigned int maxphyaddr)
{
    uint64_t rsvd = PDPTE_RSVD_LOW | (maxphyaddr < 64 ? ~0ULL << maxphyaddr : 0);
    unsigned int i;

    for (i = 0; i < 4; i++)
        if ((pdpte[i] & 1) && (pdpte[i] & rsvd))
            return false;
    return true;
}
