/*
 * MSR policy of HVM guests as a table, and the hypercall page's contents
 * (pure, host-tested).  The actions that touch a vCPU are in exits.c.
 */
#include <xen/string.h>
#include <xen/compiler.h>
#include <asm/hvm/msr.h>

static const struct hvm_msr_desc msr_table[] = {
    { 0x00000010U, HVM_MSR_TSC, 0, "TSC" },
    { 0x0000001bU, HVM_MSR_APIC_BASE, 0, "APIC_BASE" },
    { 0x0000003aU, HVM_MSR_ZERO, 0, "FEATURE_CONTROL" },
    { 0x0000008bU, HVM_MSR_ZERO, 0, "BIOS_SIGN_ID" },
    { 0x000000feU, HVM_MSR_ZERO, 0, "MTRRcap" },
    { 0x000001a0U, HVM_MSR_ZERO, 0, "MISC_ENABLE" },
    { 0x000002ffU, HVM_MSR_ZERO, 0, "MTRRdefType" },
    { 0x40000000U, HVM_MSR_HYPERCALL_PAGE, 0, "HYPERCALL_PAGE" },
    { 0xc0000080U, HVM_MSR_EFER, 0, "EFER" },
    { MSR_TSC_AUX, HVM_MSR_TSC_AUX, 0, "TSC_AUX" },
    { 0xc0010015U, HVM_MSR_ZERO, 0, "HWCR" },
    { 0xc0010114U, HVM_MSR_CONST, 1ULL << 4, "VM_CR" },     /* SVMDIS: no nested SVM */
    { 0xc0011029U, HVM_MSR_CONST, 1ULL << 1, "DE_CFG" },    /* LFENCE serialising */
};

const struct hvm_msr_desc *hvm_msr_lookup(uint32_t msr)
{
    static const struct hvm_msr_desc unknown = { 0, HVM_MSR_GP, 0, "unknown" };
    unsigned int i;

    for (i = 0; i < ARRAY_SIZE(msr_table); i++)
        if (msr_table[i].msr == msr)
            return &msr_table[i];
    return &unknown;
}

void hvm_hypercall_page_fill(uint8_t *page, void (*insn)(uint8_t *three_bytes))
{
    unsigned int i;

    memset(page, 0xcc, HYPERCALL_PAGE_STUBS * HYPERCALL_STUB_SIZE);
    for (i = 0; i < HYPERCALL_PAGE_STUBS; i++) {
        uint8_t *p = page + i * HYPERCALL_STUB_SIZE;

        if (i == HYPERCALL_IRET) {
            p[0] = 0x0f;                /* ud2 */
            p[1] = 0x0b;
            continue;
        }
        p[0] = 0xb8;                    /* mov $i, %eax */
        p[1] = (uint8_t)i;
        p[2] = 0;
        p[3] = 0;
        p[4] = 0;
        insn(p + 5);
        p[8] = 0xc3;                    /* ret */
    }
}
