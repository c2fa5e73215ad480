/*
 * x86 instruction decoding for the HVM exit paths: the length of any
 * instruction (SVM without next-RIP save must skip intercepted
 * instructions itself) and the operands of the few instruction forms
 * guests use on emulated MMIO.  Pure functions over a byte buffer: no
 * guest access, no global state.
 */
#ifndef ASM_HVM_INSN_H
#define ASM_HVM_INSN_H

#include <xen/types.h>
#include <xen/errno.h>


/* The architectural limit: a longer instruction raises #GP. */
#define INSN_MAX_LEN 15

/* Default operand and address size of the code being decoded. */
enum cpu_mode {
    CPU_MODE_16, /* real mode, virtual-8086 mode, 16-bit protected-mode code */
    CPU_MODE_32, /* 32-bit protected-mode code, 32-bit compatibility mode */
    CPU_MODE_64, /* 64-bit mode: EFER.LMA = 1 and CS.L = 1 */
};

/*
 * The mode from the guest's state.  Real and virtual-8086 mode are 16-bit
 * whatever CS's cached D bit says; CS.L counts only with EFER.LMA.
 */
static inline enum cpu_mode insn_cpu_mode(bool cr0_pe, bool eflags_vm, bool efer_lma, bool cs_l,
                                          bool cs_d)
{
    if (!cr0_pe || eflags_vm)
        return CPU_MODE_16;
    if (efer_lma && cs_l)
        return CPU_MODE_64;
    return cs_d ? CPU_MODE_32 : CPU_MODE_16;
}

/* How the opcode was reached. */
enum insn_encoding {
    INSN_ENC_LEGACY, /* optional legacy prefixes and REX, then an opcode */
    INSN_ENC_VEX,    /* C4 / C5 */
    INSN_ENC_EVEX,   /* 62 */
};

/* Opcode maps; VEX and EVEX name the same maps by number. */
enum insn_map {
    INSN_MAP_1BYTE = 0,
    INSN_MAP_0F = 1,
    INSN_MAP_0F38 = 2,
    INSN_MAP_0F3A = 3,
    INSN_MAP_5 = 5, /* EVEX only (AVX512-FP16) */
    INSN_MAP_6 = 6, /* EVEX only (AVX512-FP16) */
};

/* Segment override prefixes, as they appear in the instruction. */
enum insn_seg {
    INSN_SEG_NONE,
    INSN_SEG_ES,
    INSN_SEG_CS,
    INSN_SEG_SS,
    INSN_SEG_DS,
    INSN_SEG_FS,
    INSN_SEG_GS,
};

/* REX bits. */
#define INSN_REX_B 0x01
#define INSN_REX_X 0x02
#define INSN_REX_R 0x04
#define INSN_REX_W 0x08

/*
 * The structure of one decoded instruction.  Offsets count from the first
 * byte of the instruction (the first prefix).
 */
struct insn_info {
    uint8_t len;          /* total length, 1..INSN_MAX_LEN */
    uint8_t encoding;     /* enum insn_encoding */
    uint8_t map;          /* enum insn_map */
    uint8_t opcode;       /* the opcode byte within its map */
    uint8_t opc_off;      /* offset of the opcode byte */
    uint8_t op_bytes;     /* operand size 2, 4 or 8 (legacy encoding) */
    uint8_t addr_bytes;   /* address size 2, 4 or 8 */
    uint8_t rex;          /* REX byte in effect, 0 if none (0x40 alone is kept) */
    bool has_rex;         /* a REX prefix is in effect (changes 8-bit registers) */
    bool opsize_prefix;   /* 66 seen */
    bool addrsize_prefix; /* 67 seen */
    bool lock;            /* F0 seen */
    uint8_t rep;          /* last of F2 / F3 seen, 0 if none */
    uint8_t seg;          /* enum insn_seg: last segment override seen */
    bool has_modrm;
    uint8_t modrm;
    uint8_t modrm_off;
    bool has_sib;
    uint8_t sib;
    uint8_t disp_off, disp_len; /* displacement, or the moffs of A0-A3 */
    uint8_t imm_off, imm_len;   /* all immediate bytes (ENTER: iw then ib) */
};

/* ModRM fields of a decoded instruction. */
static inline unsigned int insn_modrm_mod(const struct insn_info *ii)
{
    return ii->modrm >> 6;
}

static inline unsigned int insn_modrm_reg(const struct insn_info *ii)
{
    return (ii->modrm >> 3) & 7;
}

static inline unsigned int insn_modrm_rm(const struct insn_info *ii)
{
    return ii->modrm & 7;
}

/*
 * Decode the structure of the instruction at bytes[0 .. avail).  Returns
 * its length (and fills *ii), -EAGAIN if the instruction continues past
 * avail bytes, or -EINVAL if it is invalid: an opcode undefined in this
 * mode, 3DNow!, XOP, or longer than INSN_MAX_LEN.  Never reads past avail
 * or past INSN_MAX_LEN bytes.
 */
int insn_decode(const uint8_t *bytes, unsigned int avail, enum cpu_mode mode, struct insn_info *ii);

/* insn_decode() for callers that want only the length. */
int insn_length(const uint8_t *bytes, unsigned int avail, enum cpu_mode mode);

/* ---- MMIO instruction forms ------------------------------------------------ */

enum mmio_kind {
    MMIO_LOAD,      /* MOV reg <- mem, MOVZX, MOVSX */
    MMIO_STORE,     /* MOV mem <- reg */
    MMIO_STORE_IMM, /* MOV mem <- imm */
    MMIO_XCHG,      /* XCHG mem, reg: read, then write the register's old value */
};

enum mmio_ext {
    MMIO_EXT_NONE,
    MMIO_EXT_ZERO, /* MOVZX */
    MMIO_EXT_SIGN, /* MOVSX */
};

/* What an instruction that touched MMIO does. */
struct mmio_insn {
    uint8_t len;      /* instruction length: add to RIP once emulated */
    uint8_t kind;     /* enum mmio_kind */
    uint8_t size;     /* bytes of memory accessed: 1, 2, 4 or 8 */
    uint8_t reg_size; /* register operand size: 1, 2, 4 or 8 (> size for MOVZX/MOVSX) */
    uint8_t reg;      /* register operand: 0 = rAX ... 15 = r15 (hvm_gprs order differs) */
    bool reg_high8;   /* the register is AH, CH, DH or BH: bits 15:8 of reg 0..3 */
    uint8_t ext;      /* enum mmio_ext, loads only */
    uint8_t seg;      /* enum insn_seg override, for callers that recompute the address */
    uint64_t imm;     /* MMIO_STORE_IMM: the value to write (already size bytes wide) */
};

/*
 * Decode an instruction that faulted on MMIO.  Supported: MOV 88/89/8A/8B,
 * C6 /0, C7 /0, A0-A3 (moffs), MOVZX 0F B6/B7, MOVSX 0F BE/BF, XCHG 86/87,
 * each with a memory operand.  Returns the length, -EAGAIN if more bytes
 * are needed, -EINVAL for an invalid instruction or a register-only form,
 * -EOPNOTSUPP for any other valid instruction.  The effective address is
 * not computed: the fault gives the guest-physical address.
 */
int mmio_decode(const uint8_t *bytes, unsigned int avail, enum cpu_mode mode,
                struct mmio_insn *out);

/*
 * The register's new value after a MMIO_LOAD or MMIO_XCHG read mem_val
 * (size bytes, zero-extended) from memory and old is the register's full
 * 64-bit value: 8- and 16-bit writes keep the other bits, 32-bit writes
 * clear bits 63:32, MOVZX/MOVSX extend to reg_size first.
 */
uint64_t mmio_reg_result(const struct mmio_insn *mi, uint64_t old, uint64_t mem_val);

/*
 * The value a MMIO_STORE or MMIO_XCHG writes (size bytes), given the
 * register's full 64-bit value; the immediate for MMIO_STORE_IMM.
 */
uint64_t mmio_store_value(const struct mmio_insn *mi, uint64_t reg_val);

#endif
