/*
 * String port I/O: INS reads a port into ES:rDI, OUTS writes DS:rSI (or
 * the overriding segment) to a port, rDI/rSI step by the element size
 * forwards or backwards by EFLAGS.DF, and with REP rCX counts elements.
 * Every element goes through the guest's segment limits and page tables
 * as the CPU's own access would; a fault stops the instruction with the
 * registers saying how far it got, which is what the CPU does too.
 */
#include <xen/lib.h>
#include <xen/errno.h>
#include <xen/sched.h>
#include <xen/domain.h>
#include <asm/hvm/hvm.h>
#include <asm/hvm/support.h>
#include <asm/hvm/strio.h>
#include <xen/p2m.h>
#include <xen/mm.h>
#include <asm/page.h>

#define X86_EFLAGS_DF   (1ULL << 10)
#define SEG_ATTR_TYPE_EXPDOWN 0x4   /* data segment, expand-down */
#define SEG_ATTR_CODE   0x8
#define SEG_ATTR_S      (1u << 4)
#define SEG_ATTR_P      (1u << 7)
#define SEG_ATTR_DB     (1u << 10)
#define EXC_GP          13
#define EXC_SS          12
#define EXC_PF          14

/* One INS or OUTS as decoded at RIP. */
struct strio_op {
    bool in;
    unsigned int size;          /* 1, 2 or 4 bytes per element */
    unsigned int addr_bytes;    /* 2, 4 or 8: width of rSI/rDI/rCX */
    bool rep;
    enum x86_segment seg;
    unsigned int ptr_reg;       /* 6 = rSI, 7 = rDI */
    unsigned int len;           /* instruction length */
};

static const enum x86_segment override_seg[] = {
    [INSN_SEG_NONE] = x86_seg_ds, [INSN_SEG_ES] = x86_seg_es, [INSN_SEG_CS] = x86_seg_cs,
    [INSN_SEG_SS] = x86_seg_ss,   [INSN_SEG_DS] = x86_seg_ds, [INSN_SEG_FS] = x86_seg_fs,
    [INSN_SEG_GS] = x86_seg_gs,
};

static int decode_op(struct vcpu *v, const struct hvm_exit *exit, struct strio_op *op)
{
    uint8_t bytes[INSN_MAX_LEN];
    struct insn_info ii;
    unsigned int avail;
    int rc = hvm_fetch_insn(v, bytes, &avail, &ii);

    if (rc < 0)
        return rc == -EFAULT ? 1 : rc;      /* 1: a #PF on the fetch is queued */
    /* 6C INSB, 6D INSW/D, 6E OUTSB, 6F OUTSW/D; the exit already said which port and width. */
    if (ii.map != INSN_MAP_1BYTE || ii.opcode < 0x6c || ii.opcode > 0x6f ||
        (ii.opcode <= 0x6d) != exit->u.io.in ||
        (ii.opcode & 1 ? (ii.op_bytes == 2 ? 2u : 4u) : 1u) != exit->u.io.size ||
        ii.seg >= ARRAY_SIZE(override_seg)) {
        domain_crash(v->domain, v, "string I/O exit (port %#x) but RIP holds opcode %#x",
                     exit->u.io.port, ii.opcode);
        return -EINVAL;
    }
    op->in = exit->u.io.in;
    op->size = exit->u.io.size;
    op->addr_bytes = ii.addr_bytes;
    op->rep = ii.rep != 0;                  /* F2 acts as F3 here */
    /* INS always writes ES; OUTS reads DS unless overridden. */
    op->seg = op->in ? x86_seg_es : override_seg[ii.seg];
    op->ptr_reg = op->in ? 7 : 6;
    op->len = ii.len;
    return 0;
}

static uint64_t addr_mask(unsigned int addr_bytes)
{
    return addr_bytes == 8 ? ~0ULL : (1ULL << (addr_bytes * 8)) - 1;
}

/* Write only the address-sized part of a register, as the CPU does. */
static void set_masked_gpr(struct vcpu *v, unsigned int reg, unsigned int addr_bytes, uint64_t val)
{
    uint64_t old = hvm_get_gpr(v, reg);

    if (addr_bytes == 2)
        val = (old & ~0xffffULL) | (val & 0xffff);
    else if (addr_bytes == 4)
        val = (uint32_t)val;
    hvm_set_gpr(v, reg, val);
}

/*
 * The linear address of one element, or false with the fault queued:
 * outside 64-bit mode the segment must be usable and the element within
 * its limit; in 64-bit mode only FS and GS have a base.
 */
static bool element_linear(struct vcpu *v, const struct strio_op *op,
                           const struct segment_register *sr, bool is64, uint64_t off,
                           uint64_t *linear)
{
    uint8_t vec = op->seg == x86_seg_ss ? EXC_SS : EXC_GP;

    if (is64) {
        *linear = off + (op->seg == x86_seg_fs || op->seg == x86_seg_gs ? sr->base : 0);
        return true;
    }
    if (hvm_funcs->get_cr(v, 0) & 1) {          /* protected mode: a usable data segment */
        bool code = sr->attr & SEG_ATTR_CODE;

        if (!(sr->attr & SEG_ATTR_P) || !(sr->attr & SEG_ATTR_S) ||
            (op->in && (code || !(sr->attr & 2)))) {
            hvm_inject_exception(v, vec, true, 0);
            return false;
        }
        if (!code && (sr->attr & SEG_ATTR_TYPE_EXPDOWN)) {
            uint64_t top = sr->attr & SEG_ATTR_DB ? 0xffffffffULL : 0xffffULL;

            if (off <= sr->limit || off + op->size - 1 > top) {
                hvm_inject_exception(v, vec, true, 0);
                return false;
            }
            *linear = (uint32_t)(sr->base + off);
            return true;
        }
    }
    if (off + op->size - 1 > sr->limit) {
        hvm_inject_exception(v, vec, true, 0);
        return false;
    }
    *linear = (uint32_t)(sr->base + off);
    return true;
}

/* Move one element between the port and guest memory: 0, 1 (a fault is queued), or < 0 (crashed). */
static int do_element(struct vcpu *v, const struct strio_op *op,
                      const struct guest_walk_env *env, uint16_t port, uint64_t linear)
{
    struct guest_copy_fault fault;
    uint64_t val = 0;
    int rc;

    if (op->in) {
        hvm_portio(v, port, op->size, true, &val);
        rc = copy_to_guest_linear(env, linear, &val, op->size, &fault);
    } else {
        rc = copy_from_guest_linear(env, &val, linear, op->size, &fault);
        if (!rc)
            hvm_portio(v, port, op->size, false, &val);
    }
    if (!rc)
        return 0;
    if (rc == -EACCES) {
        /* As the CPU's own store would have faulted in the p2m (see hvm_exit_npf). */
        domain_crash(v->domain, v, "INS (port %#x) into read-only memory at %#lx", port,
                     (unsigned long)linear);
        return -EACCES;
    }
    if (rc == -EFAULT) {
        struct hvm_event ev = { .vector = EXC_PF, .type = HVM_EVENT_HW_EXC, .has_error = true,
                                .error = fault.pfec, .cr2 = fault.linear };

        v->hvm.event = ev;
        v->hvm.event_pending = true;
    } else {
        /* Non-canonical, or no RAM behind it: #GP(0) as for a bad address. */
        hvm_inject_exception(v, op->seg == x86_seg_ss ? EXC_SS : EXC_GP, true, 0);
    }
    return 1;
}

int hvm_emulate_string_io(struct vcpu *v, const struct hvm_exit *exit)
{
    struct strio_op op;
    struct segment_register sr;
    struct guest_walk_env env;
    bool is64 = hvm_cpu_mode(v) == CPU_MODE_64;
    uint64_t mask, ptr, count, linear;
    unsigned int done = 0;
    int step, rc = decode_op(v, exit, &op);

    if (rc)
        return rc > 0 ? 0 : rc;
    mask = addr_mask(op.addr_bytes);
    step = hvm_funcs->get_rflags(v) & X86_EFLAGS_DF ? -(int)op.size : (int)op.size;
    count = op.rep ? hvm_get_gpr(v, 1) & mask : 1;
    ptr = hvm_get_gpr(v, op.ptr_reg) & mask;
    hvm_funcs->get_segment(v, op.seg, &sr);
    hvm_walk_env(v, &env);

    while (count && done < HVM_STRIO_BATCH) {
        if (!element_linear(v, &op, &sr, is64, ptr, &linear))
            return 0;               /* registers show the elements done; RIP stays */
        rc = do_element(v, &op, &env, exit->u.io.port, linear);
        if (rc)
            return rc > 0 ? 0 : rc;
        ptr = (ptr + step) & mask;
        count--;
        done++;
        set_masked_gpr(v, op.ptr_reg, op.addr_bytes, ptr);
        if (op.rep)
            set_masked_gpr(v, 1, op.addr_bytes, count);
    }
    if (count)
        return 0;                   /* more next time: the guest re-executes the REP */
    hvm_set_rip(v, is64 ? hvm_get_rip(v) + op.len : (uint32_t)(hvm_get_rip(v) + op.len));
    return 0;
}
