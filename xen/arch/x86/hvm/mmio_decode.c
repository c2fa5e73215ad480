/*
 * Operands of the instructions guests use on emulated MMIO (the local APIC
 * above all): plain MOV in its register, immediate and moffs forms,
 * MOVZX/MOVSX and XCHG.  Built on insn_decode(); the fault supplies the
 * address, so only the register side and the access size are worked out.
 */
#include <xen/lib.h>
#include <asm/hvm/insn.h>

/* Access size of a form: one byte, or the operand size. */
enum mmio_size {
    MSZ_BYTE,
    MSZ_WORD,
    MSZ_OP,
};

enum mmio_operand {
    MOP_MODRM, /* register in ModRM.reg, memory in ModRM.rm */
    MOP_MOFFS, /* accumulator and a moffs */
};

struct mmio_form {
    uint8_t map, opcode;
    uint8_t kind;    /* enum mmio_kind */
    uint8_t size;    /* enum mmio_size: the memory access */
    uint8_t ext;     /* enum mmio_ext */
    uint8_t operand; /* enum mmio_operand */
    bool group0;     /* ModRM.reg must be 0 (C6 /0, C7 /0): no register operand */
};

static const struct mmio_form mmio_forms[] = {
    {INSN_MAP_1BYTE, 0x88, MMIO_STORE, MSZ_BYTE, MMIO_EXT_NONE, MOP_MODRM, false},
    {INSN_MAP_1BYTE, 0x89, MMIO_STORE, MSZ_OP, MMIO_EXT_NONE, MOP_MODRM, false},
    {INSN_MAP_1BYTE, 0x8a, MMIO_LOAD, MSZ_BYTE, MMIO_EXT_NONE, MOP_MODRM, false},
    {INSN_MAP_1BYTE, 0x8b, MMIO_LOAD, MSZ_OP, MMIO_EXT_NONE, MOP_MODRM, false},
    {INSN_MAP_1BYTE, 0xa0, MMIO_LOAD, MSZ_BYTE, MMIO_EXT_NONE, MOP_MOFFS, false},
    {INSN_MAP_1BYTE, 0xa1, MMIO_LOAD, MSZ_OP, MMIO_EXT_NONE, MOP_MOFFS, false},
    {INSN_MAP_1BYTE, 0xa2, MMIO_STORE, MSZ_BYTE, MMIO_EXT_NONE, MOP_MOFFS, false},
    {INSN_MAP_1BYTE, 0xa3, MMIO_STORE, MSZ_OP, MMIO_EXT_NONE, MOP_MOFFS, false},
    {INSN_MAP_1BYTE, 0xc6, MMIO_STORE_IMM, MSZ_BYTE, MMIO_EXT_NONE, MOP_MODRM, true},
    {INSN_MAP_1BYTE, 0xc7, MMIO_STORE_IMM, MSZ_OP, MMIO_EXT_NONE, MOP_MODRM, true},
    {INSN_MAP_1BYTE, 0x86, MMIO_XCHG, MSZ_BYTE, MMIO_EXT_NONE, MOP_MODRM, false},
    {INSN_MAP_1BYTE, 0x87, MMIO_XCHG, MSZ_OP, MMIO_EXT_NONE, MOP_MODRM, false},
    {INSN_MAP_0F, 0xb6, MMIO_LOAD, MSZ_BYTE, MMIO_EXT_ZERO, MOP_MODRM, false},
    {INSN_MAP_0F, 0xb7, MMIO_LOAD, MSZ_WORD, MMIO_EXT_ZERO, MOP_MODRM, false},
    {INSN_MAP_0F, 0xbe, MMIO_LOAD, MSZ_BYTE, MMIO_EXT_SIGN, MOP_MODRM, false},
    {INSN_MAP_0F, 0xbf, MMIO_LOAD, MSZ_WORD, MMIO_EXT_SIGN, MOP_MODRM, false},
};

static const struct mmio_form *mmio_find_form(const struct insn_info *ii)
{
    size_t i;

    if (ii->encoding != INSN_ENC_LEGACY)
        return NULL;
    for (i = 0; i < ARRAY_SIZE(mmio_forms); i++)
        if (mmio_forms[i].map == ii->map && mmio_forms[i].opcode == ii->opcode)
            return &mmio_forms[i];
    return NULL;
}

static uint64_t read_le(const uint8_t *p, unsigned int n)
{
    uint64_t v = 0;

    while (n--)
        v = (v << 8) | p[n];
    return v;
}

static uint64_t size_mask(unsigned int bytes)
{
    return bytes >= 8 ? ~0ULL : (1ULL << (bytes * 8)) - 1;
}

int mmio_decode(const uint8_t *bytes, unsigned int avail, enum cpu_mode mode, struct mmio_insn *out)
{
    struct insn_info ii;
    const struct mmio_form *f;
    int len = insn_decode(bytes, avail, mode, &ii);

    memset(out, 0, sizeof(*out));
    if (len < 0)
        return len;
    f = mmio_find_form(&ii);
    if (!f || (f->group0 && insn_modrm_reg(&ii) != 0))
        return -EOPNOTSUPP;
    if (f->operand == MOP_MODRM && insn_modrm_mod(&ii) == 3)
        return -EINVAL; /* register to register: touches no memory */
    if (ii.lock && f->kind != MMIO_XCHG)
        return -EINVAL; /* LOCK MOV raises #UD */

    out->len = (uint8_t)len;
    out->kind = f->kind;
    out->ext = f->ext;
    out->seg = ii.seg;
    switch (f->size) {
    case MSZ_BYTE:
        out->size = 1;
        break;
    case MSZ_WORD:
        out->size = 2;
        break;
    case MSZ_OP:
    default:
        out->size = ii.op_bytes;
        break;
    }
    out->reg_size = f->ext != MMIO_EXT_NONE ? ii.op_bytes : out->size;

    if (f->kind == MMIO_STORE_IMM) {
        /* C7 with REX.W: imm32 sign-extended to 64 bits. */
        uint64_t imm = read_le(bytes + ii.imm_off, ii.imm_len);

        if (out->size == 8 && (imm & 0x80000000ULL))
            imm |= 0xffffffff00000000ULL;
        out->imm = imm & size_mask(out->size);
    } else if (f->operand == MOP_MODRM) {
        out->reg = (uint8_t)(insn_modrm_reg(&ii) | ((ii.rex & INSN_REX_R) ? 8 : 0));
        /* Without any REX, byte registers 4-7 are AH, CH, DH, BH. */
        if (out->reg_size == 1 && !ii.has_rex && out->reg >= 4) {
            out->reg_high8 = true;
            out->reg -= 4;
        }
    } else {
        out->reg = 0; /* AL, AX, EAX, RAX */
    }
    return len;
}

uint64_t mmio_reg_result(const struct mmio_insn *mi, uint64_t old, uint64_t mem_val)
{
    uint64_t val = mem_val & size_mask(mi->size);

    if (mi->ext == MMIO_EXT_SIGN && (val >> (mi->size * 8 - 1)) & 1)
        val |= ~size_mask(mi->size);
    if (mi->reg_high8)
        return (old & ~0xff00ULL) | ((val & 0xff) << 8);
    switch (mi->reg_size) {
    case 1:
        return (old & ~0xffULL) | (val & 0xff);
    case 2:
        return (old & ~0xffffULL) | (val & 0xffff);
    case 4:
        return val & 0xffffffffULL; /* 32-bit writes clear bits 63:32 */
    default:
        return val;
    }
}

uint64_t mmio_store_value(const struct mmio_insn *mi, uint64_t reg_val)
{
    if (mi->kind == MMIO_STORE_IMM)
        return mi->imm;
    if (mi->reg_high8)
        return (reg_val >> 8) & 0xff;
    return reg_val & size_mask(mi->size);
}
