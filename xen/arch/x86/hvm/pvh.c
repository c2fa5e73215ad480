/*
 * The PVH start state (Xen docs: pvh.pandoc; LINUX-PVH.md): 32-bit
 * protected mode with paging off, CR0 = PE | ET, CR4 = 0, flat 32-bit
 * CS/DS/ES/SS, a busy 32-bit TSS at base 0 limit 0x67, EFLAGS = 0x2 and
 * EBX = the guest-physical address of hvm_start_info.
 */
#include <xen/string.h>
#include <xen/sched.h>
#include <asm/hvm/hvm.h>
#include <asm/hvm/support.h>

/* Packed attributes: type | S << 4 | DPL << 5 | P << 7 | D/B << 10 | G << 11. */
#define ATTR_CODE32 (0xbu | 1u << 4 | 1u << 7 | 1u << 10 | 1u << 11)  /* execute/read, accessed */
#define ATTR_DATA32 (0x3u | 1u << 4 | 1u << 7 | 1u << 10 | 1u << 11)  /* read/write, accessed */
#define ATTR_TSS32_BUSY (0xbu | 1u << 7)
#define ATTR_LDT (0x2u | 1u << 7)

void pvh_vcpu_set_entry_state(struct vcpu *v, uint32_t entry, uint32_t start_info)
{
    const struct segment_register code = { .sel = 0x08, .attr = ATTR_CODE32, .limit = ~0u };
    const struct segment_register data = { .sel = 0x10, .attr = ATTR_DATA32, .limit = ~0u };
    const struct segment_register tr = { .sel = 0x18, .attr = ATTR_TSS32_BUSY, .limit = 0x67 };
    const struct segment_register ldtr = { .attr = ATTR_LDT, .limit = 0xffff };
    const struct segment_register table = { .limit = 0xffff };

    hvm_funcs->set_segment(v, x86_seg_cs, &code);
    hvm_funcs->set_segment(v, x86_seg_ds, &data);
    hvm_funcs->set_segment(v, x86_seg_es, &data);
    hvm_funcs->set_segment(v, x86_seg_fs, &data);
    hvm_funcs->set_segment(v, x86_seg_gs, &data);
    hvm_funcs->set_segment(v, x86_seg_ss, &data);
    hvm_funcs->set_segment(v, x86_seg_tr, &tr);
    hvm_funcs->set_segment(v, x86_seg_ldtr, &ldtr);
    hvm_funcs->set_segment(v, x86_seg_gdtr, &table);
    hvm_funcs->set_segment(v, x86_seg_idtr, &table);
    hvm_funcs->set_cr(v, 0, 0x11);          /* PE | ET */
    hvm_funcs->set_cr(v, 3, 0);
    hvm_funcs->set_cr(v, 4, 0);
    hvm_funcs->set_efer(v, 0);
    hvm_funcs->set_rflags(v, 0x2);
    hvm_funcs->set_rsp(v, 0);
    hvm_set_rip(v, entry);
    memset(&v->hvm.gprs, 0, sizeof(v->hvm.gprs));
    v->hvm.gprs.rbx = start_info;
    v->hvm.halted_irq_off = false;
    vlapic_reset(v);
}

/* ---- secondary vCPUs: INIT-SIPI-SIPI (SDM: "MP Initialization"; real-mode start) ---- */

#define ATTR_REAL_CODE (0xbu | 1u << 4 | 1u << 7)   /* 16-bit code, present */
#define ATTR_REAL_DATA (0x3u | 1u << 4 | 1u << 7)

void hvm_vcpu_init_ipi(struct vcpu *target)
{
    if (ACCESS_ONCE(target->pause_flags) & VPF_down)
        target->hvm.wait_for_sipi = true;
}

void hvm_vcpu_sipi(struct vcpu *target, uint8_t vector)
{
    const struct segment_register code = {
        .sel = (uint16_t)(vector << 8), .attr = ATTR_REAL_CODE, .limit = 0xffff,
        .base = (uint64_t)vector << 12,
    };
    const struct segment_register data = { .attr = ATTR_REAL_DATA, .limit = 0xffff };
    const struct segment_register tr = { .attr = ATTR_TSS32_BUSY, .limit = 0xffff };
    const struct segment_register ldtr = { .attr = ATTR_LDT, .limit = 0xffff };
    const struct segment_register table = { .limit = 0xffff };

    if (!target->hvm.wait_for_sipi || !(ACCESS_ONCE(target->pause_flags) & VPF_down))
        return;
    target->hvm.wait_for_sipi = false;
    hvm_funcs->set_segment(target, x86_seg_cs, &code);
    hvm_funcs->set_segment(target, x86_seg_ds, &data);
    hvm_funcs->set_segment(target, x86_seg_es, &data);
    hvm_funcs->set_segment(target, x86_seg_fs, &data);
    hvm_funcs->set_segment(target, x86_seg_gs, &data);
    hvm_funcs->set_segment(target, x86_seg_ss, &data);
    hvm_funcs->set_segment(target, x86_seg_tr, &tr);
    hvm_funcs->set_segment(target, x86_seg_ldtr, &ldtr);
    hvm_funcs->set_segment(target, x86_seg_gdtr, &table);
    hvm_funcs->set_segment(target, x86_seg_idtr, &table);
    hvm_funcs->set_cr(target, 0, 0x10);     /* ET; real mode */
    hvm_funcs->set_cr(target, 3, 0);
    hvm_funcs->set_cr(target, 4, 0);
    hvm_funcs->set_efer(target, 0);
    hvm_funcs->set_rflags(target, 0x2);
    hvm_funcs->set_rsp(target, 0);
    hvm_set_rip(target, 0);
    memset(&target->hvm.gprs, 0, sizeof(target->hvm.gprs));
    target->hvm.halted_irq_off = false;
    vlapic_reset(target);
    vcpu_up(target);
}
