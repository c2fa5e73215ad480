/*
 * x86 instruction length and structure decoding, driven by per-opcode
 * tables (SDM/APM opcode maps): for each opcode, whether a ModRM byte
 * follows and which kind of immediate.  Used to skip intercepted
 * instructions when SVM has no next-RIP save, and by the MMIO decoder.
 *
 * Choices, where the vendors or the manuals leave room:
 * - 66 on a near branch (E8, E9, 0F 80-8F) in 64-bit mode makes the
 *   displacement 16 bits, as on AMD (and as binutils decodes it); Intel
 *   ignores the prefix there.  Intercepted instructions are never branches.
 * - Opcodes undefined on both vendors are rejected, as are 3DNow! (0F 0F,
 *   FEMMS) and XOP (8F with ModRM.reg != 0).  Within a defined opcode every
 *   ModRM form is accepted where the length does not depend on it: the CPU,
 *   not this decoder, decides which forms fault, and an intercepted
 *   instruction we refuse to measure would cost the guest its life.
 * - VEX and EVEX opcodes are not checked one by one: every opcode of maps
 *   0F, 0F38 and 0F3A (EVEX: also maps 5 and 6) is taken to exist.
 * - UD0 (0F FF) takes a ModRM byte as on Intel; some AMD CPUs stop at the
 *   opcode.  It raises #UD either way.
 * - Also rejected, though binutils decodes them: 66/F2/F3/F0/REX before a
 *   VEX or EVEX prefix (#UD), MOV to/from test registers (0F 24, 0F 26,
 *   386/486 only) and VIA PadLock (0F A6, 0F A7).  FWAIT (9B) is an
 *   instruction of its own, which binutils folds into the x87 one after it.
 *   tools/tests/insn checks each of these against objdump.
 */
#include <xen/lib.h>
#include <asm/hvm/insn.h>

/* ---- Opcode attributes ----------------------------------------------------- */

/* Immediate (or other trailing operand) kinds; the low bits of an attribute. */
enum imm_kind {
    IMM_NONE,
    IMM_B,     /* ib, rel8 */
    IMM_W,     /* iw */
    IMM_Z,     /* iz: 2 or 4 bytes by operand size */
    IMM_V,     /* iv: 2, 4 or 8 bytes by operand size (MOV r, imm) */
    IMM_REL,   /* near branch relz: see the 66 note at the top */
    IMM_ENTER, /* iw, ib */
    IMM_FAR,   /* ptr16:16 / ptr16:32 */
    IMM_MOFFS, /* memory offset sized by the address size */
    IMM_GRP3B, /* F6: ib for /0 and /1 (TEST) only */
    IMM_GRP3Z, /* F7: iz for /0 and /1 (TEST) only */
    IMM_SSE4A, /* 0F 78: ib, ib with 66 (EXTRQ) or F2 (INSERTQ), none otherwise (VMREAD) */
};

#define A_IMM_MASK 0x000f
#define A_MODRM 0x0010   /* a ModRM byte follows the opcode */
#define A_REGONLY 0x0020 /* ModRM.mod is ignored: no SIB or displacement (MOV CR/DR) */
#define A_INV64 0x0040   /* invalid in 64-bit mode */
#define A_BAD 0x0080     /* undefined */
#define A_PREFIX 0x0100  /* a legacy prefix: consumed before the table is consulted */
#define A_ESCAPE 0x0200  /* leads to another map */

/* Short names for the tables. */
#define N 0
#define M A_MODRM
#define MR (A_MODRM | A_REGONLY)
#define IB IMM_B
#define IW IMM_W
#define IZ IMM_Z
#define IV IMM_V
#define REL IMM_REL
#define MIB (A_MODRM | IMM_B)
#define MIZ (A_MODRM | IMM_Z)
#define X64 A_INV64
#define BAD A_BAD
#define PFX A_PREFIX
#define ESC A_ESCAPE

/* The maps are laid out 16 opcodes to a row, 8 to a line. */
/* clang-format off */

/* One-byte opcode map.  40-4F are REX prefixes in 64-bit mode (handled first). */
static const uint16_t map_1byte[256] = {
    /*        0       1       2       3       4       5       6       7
              8       9       a       b       c       d       e       f */
    /* 00 */ M,      M,      M,      M,      IB,     IZ,     X64,    X64,
             M,      M,      M,      M,      IB,     IZ,     X64,    ESC,
    /* 10 */ M,      M,      M,      M,      IB,     IZ,     X64,    X64,
             M,      M,      M,      M,      IB,     IZ,     X64,    X64,
    /* 20 */ M,      M,      M,      M,      IB,     IZ,     PFX,    X64,
             M,      M,      M,      M,      IB,     IZ,     PFX,    X64,
    /* 30 */ M,      M,      M,      M,      IB,     IZ,     PFX,    X64,
             M,      M,      M,      M,      IB,     IZ,     PFX,    X64,
    /* 40 */ N,      N,      N,      N,      N,      N,      N,      N,
             N,      N,      N,      N,      N,      N,      N,      N,
    /* 50 */ N,      N,      N,      N,      N,      N,      N,      N,
             N,      N,      N,      N,      N,      N,      N,      N,
    /* 60: 62 BOUND is EVEX in 64-bit mode or with mod = 3 (decided before the table) */
    /* 60 */ X64,    X64,    M|X64,  M,      PFX,    PFX,    PFX,    PFX,
             IZ,     MIZ,    IB,     MIB,    N,      N,      N,      N,
    /* 70 */ IB,     IB,     IB,     IB,     IB,     IB,     IB,     IB,
             IB,     IB,     IB,     IB,     IB,     IB,     IB,     IB,
    /* 80 */ MIB,    MIZ,    MIB|X64, MIB,   M,      M,      M,      M,
             M,      M,      M,      M,      M,      M,      M,      M,
    /* 90 */ N,      N,      N,      N,      N,      N,      N,      N,
             N,      N,      IMM_FAR|X64, N, N,      N,      N,      N,
    /* a0 */ IMM_MOFFS, IMM_MOFFS, IMM_MOFFS, IMM_MOFFS, N, N,   N,      N,
             IB,     IZ,     N,      N,      N,      N,      N,      N,
    /* b0 */ IB,     IB,     IB,     IB,     IB,     IB,     IB,     IB,
             IV,     IV,     IV,     IV,     IV,     IV,     IV,     IV,
    /* c0: c4/c5 LES/LDS are VEX in 64-bit mode or with mod = 3 */
    /* c0 */ MIB,    MIB,    IW,     N,      M|X64,  M|X64,  MIB,    MIZ,
             IMM_ENTER, N,   IW,     N,      N,      IB,     X64,    N,
    /* d0: d6 is SALC, undocumented by Intel, invalid on AMD */
    /* d0 */ M,      M,      M,      M,      IB|X64, IB|X64, BAD,    N,
             M,      M,      M,      M,      M,      M,      M,      M,
    /* e0 */ IB,     IB,     IB,     IB,     IB,     IB,     IB,     IB,
             REL,    REL,    IMM_FAR|X64, IB, N,     N,      N,      N,
    /* f0 */ PFX,    N,      PFX,    PFX,    N,      N,      M|IMM_GRP3B, M|IMM_GRP3Z,
             N,      N,      N,      N,      N,      N,      M,      M,
};

/* Two-byte map (0F xx). */
static const uint16_t map_0f[256] = {
    /*        0       1       2       3       4       5       6       7
              8       9       a       b       c       d       e       f */
    /* 00: 0e FEMMS and 0f are 3DNow! */
    /* 00 */ M,      M,      M,      M,      BAD,    N,      N,      N,
             N,      N,      BAD,    N,      BAD,    M,      BAD,    BAD,
    /* 10 */ M,      M,      M,      M,      M,      M,      M,      M,
             M,      M,      M,      M,      M,      M,      M,      M,
    /* 20: MOV CR/DR; 24-27 were the 386's test registers */
    /* 20 */ MR,     MR,     MR,     MR,     BAD,    BAD,    BAD,    BAD,
             M,      M,      M,      M,      M,      M,      M,      M,
    /* 30 */ N,      N,      N,      N,      N,      N,      BAD,    N,
             ESC,    BAD,    ESC,    BAD,    BAD,    BAD,    BAD,    BAD,
    /* 40 */ M,      M,      M,      M,      M,      M,      M,      M,
             M,      M,      M,      M,      M,      M,      M,      M,
    /* 50 */ M,      M,      M,      M,      M,      M,      M,      M,
             M,      M,      M,      M,      M,      M,      M,      M,
    /* 60 */ M,      M,      M,      M,      M,      M,      M,      M,
             M,      M,      M,      M,      M,      M,      M,      M,
    /* 70 */ MIB,    MIB,    MIB,    MIB,    M,      M,      M,      N,
             M|IMM_SSE4A, M, BAD,    BAD,    M,      M,      M,      M,
    /* 80 */ REL,    REL,    REL,    REL,    REL,    REL,    REL,    REL,
             REL,    REL,    REL,    REL,    REL,    REL,    REL,    REL,
    /* 90 */ M,      M,      M,      M,      M,      M,      M,      M,
             M,      M,      M,      M,      M,      M,      M,      M,
    /* a0 */ N,      N,      N,      M,      MIB,    M,      BAD,    BAD,
             N,      N,      N,      M,      MIB,    M,      M,      M,
    /* b0 */ M,      M,      M,      M,      M,      M,      M,      M,
             M,      M,      MIB,    M,      M,      M,      M,      M,
    /* c0 */ M,      M,      MIB,    M,      MIB,    MIB,    MIB,    M,
             N,      N,      N,      N,      N,      N,      N,      N,
    /* d0 */ M,      M,      M,      M,      M,      M,      M,      M,
             M,      M,      M,      M,      M,      M,      M,      M,
    /* e0 */ M,      M,      M,      M,      M,      M,      M,      M,
             M,      M,      M,      M,      M,      M,      M,      M,
    /* f0 */ M,      M,      M,      M,      M,      M,      M,      M,
             M,      M,      M,      M,      M,      M,      M,      M,
};

/* clang-format on */

#undef N
#undef M
#undef MR
#undef IB
#undef IW
#undef IZ
#undef IV
#undef REL
#undef MIB
#undef MIZ
#undef X64
#undef BAD
#undef PFX
#undef ESC

/*
 * Three-byte maps without VEX: every opcode takes ModRM, 0F3A ones also an
 * imm8.  Only these opcodes are defined (with whatever mandatory prefix).
 */
struct opcode_range {
    uint8_t first, last;
};

static const struct opcode_range map_0f38_defined[] = {
    {0x00, 0x0b}, /* SSSE3 PSHUFB .. PMULHRSW */
    {0x10, 0x10}, /* PBLENDVB */
    {0x14, 0x15}, /* BLENDVPS, BLENDVPD */
    {0x17, 0x17}, /* PTEST */
    {0x1c, 0x1e}, /* PABSB/W/D */
    {0x20, 0x25}, /* PMOVSX */
    {0x28, 0x2b}, /* PMULDQ, PCMPEQQ, MOVNTDQA, PACKUSDW */
    {0x30, 0x35}, /* PMOVZX */
    {0x37, 0x41}, /* PCMPGTQ .. PHMINPOSUW */
    {0x80, 0x82}, /* INVEPT, INVVPID, INVPCID */
    {0xc8, 0xcd}, /* SHA */
    {0xcf, 0xcf}, /* GF2P8MULB */
    {0xd8, 0xd8}, /* Key Locker wide AES */
    {0xdb, 0xdf}, /* AES, Key Locker AES */
    {0xf0, 0xf1}, /* MOVBE, CRC32 */
    {0xf5, 0xf6}, /* WRUSS, ADCX/ADOX/WRSS */
    {0xf8, 0xfc}, /* MOVDIR64B/ENQCMD(S), MOVDIRI, ENCODEKEY128/256, AADD.. */
};

static const struct opcode_range map_0f3a_defined[] = {
    {0x08, 0x0f}, /* ROUND*, BLEND*, PBLENDW, PALIGNR */
    {0x14, 0x17}, /* PEXTRB/W/D, EXTRACTPS */
    {0x20, 0x22}, /* PINSRB, INSERTPS, PINSRD */
    {0x40, 0x42}, /* DPPS, DPPD, MPSADBW */
    {0x44, 0x44}, /* PCLMULQDQ */
    {0x60, 0x63}, /* PCMPESTRM .. PCMPISTRI */
    {0xcc, 0xcc}, /* SHA1RNDS4 */
    {0xce, 0xcf}, /* GF2P8AFFINEQB, GF2P8AFFINEINVQB */
    {0xdf, 0xdf}, /* AESKEYGENASSIST */
};

/*
 * Groups whose ModRM.reg picks the instruction, with the reg values that
 * are defined.  8F /1-/7 would be XOP, an AMD encoding we do not decode.
 */
struct opcode_group {
    uint8_t map, opcode, valid_regs;
};

static const struct opcode_group groups[] = {
    {INSN_MAP_1BYTE, 0x8f, 0x01}, /* POP Ev */
    {INSN_MAP_1BYTE, 0xc6, 0x81}, /* MOV Eb, Ib; XABORT */
    {INSN_MAP_1BYTE, 0xc7, 0x81}, /* MOV Ev, Iz; XBEGIN */
    {INSN_MAP_1BYTE, 0xfe, 0x03}, /* INC/DEC Eb */
    {INSN_MAP_1BYTE, 0xff, 0x7f}, /* INC, DEC, CALL, CALLF, JMP, JMPF, PUSH */
    {INSN_MAP_0F, 0x71, 0x54},    /* PSRLW, PSRAW, PSLLW */
    {INSN_MAP_0F, 0x72, 0x54},    /* PSRLD, PSRAD, PSLLD */
    {INSN_MAP_0F, 0x73, 0xcc},    /* PSRLQ, PSRLDQ, PSLLQ, PSLLDQ */
    {INSN_MAP_0F, 0xba, 0xf0},    /* BT, BTS, BTR, BTC */
    {INSN_MAP_0F, 0xc7, 0xfa},    /* CMPXCHG8B/16B, XRSTORS, XSAVEC/S, VMX, RDRAND/SEED/PID */
};

/* VEX/EVEX map 0F opcodes that carry an imm8 (all of map 0F3A do). */
static bool vex_0f_has_imm8(uint8_t opcode)
{
    switch (opcode) {
    case 0x70:
    case 0x71:
    case 0x72:
    case 0x73: /* PSHUF*, shift groups */
    case 0xc2:
    case 0xc4:
    case 0xc5:
    case 0xc6: /* CMPPS, PINSRW, PEXTRW, SHUFPS */
        return true;
    default:
        return false;
    }
}

static bool in_ranges(const struct opcode_range *r, size_t n, uint8_t opcode)
{
    size_t i;

    for (i = 0; i < n; i++)
        if (opcode >= r[i].first && opcode <= r[i].last)
            return true;
    return false;
}

static bool group_reg_valid(unsigned int map, uint8_t opcode, uint8_t modrm)
{
    size_t i;

    for (i = 0; i < ARRAY_SIZE(groups); i++)
        if (groups[i].map == map && groups[i].opcode == opcode)
            return (groups[i].valid_regs >> ((modrm >> 3) & 7)) & 1;
    return true;
}

/* ---- Decoding -------------------------------------------------------------- */

struct cursor {
    const uint8_t *bytes;
    unsigned int avail;
    unsigned int pos;
};

/* Are n more bytes there?  -EINVAL if they would break the length limit. */
static int need(const struct cursor *c, unsigned int n)
{
    if (c->pos + n > INSN_MAX_LEN)
        return -EINVAL;
    if (c->pos + n > c->avail)
        return -EAGAIN;
    return 0;
}

/* The byte at pos + ahead (caller has checked with need()). */
static uint8_t peek(const struct cursor *c, unsigned int ahead)
{
    return c->bytes[c->pos + ahead];
}

static bool is_legacy_prefix(uint8_t b, struct insn_info *ii)
{
    switch (b) {
    case 0x26:
        ii->seg = INSN_SEG_ES;
        return true;
    case 0x2e:
        ii->seg = INSN_SEG_CS;
        return true;
    case 0x36:
        ii->seg = INSN_SEG_SS;
        return true;
    case 0x3e:
        ii->seg = INSN_SEG_DS;
        return true;
    case 0x64:
        ii->seg = INSN_SEG_FS;
        return true;
    case 0x65:
        ii->seg = INSN_SEG_GS;
        return true;
    case 0x66:
        ii->opsize_prefix = true;
        return true;
    case 0x67:
        ii->addrsize_prefix = true;
        return true;
    case 0xf0:
        ii->lock = true;
        return true;
    case 0xf2:
    case 0xf3:
        ii->rep = b;
        return true;
    default:
        return false;
    }
}

/*
 * Legacy prefixes and REX.  A REX counts only directly before the opcode:
 * a legacy prefix after it cancels it.
 */
static int decode_prefixes(struct cursor *c, enum cpu_mode mode, struct insn_info *ii)
{
    for (;;) {
        int rc = need(c, 1);
        uint8_t b;

        if (rc)
            return rc;
        b = peek(c, 0);
        if (is_legacy_prefix(b, ii)) {
            ii->rex = 0;
            ii->has_rex = false;
        } else if (mode == CPU_MODE_64 && (b & 0xf0) == 0x40) {
            ii->rex = b;
            ii->has_rex = true;
        } else {
            return 0;
        }
        c->pos++;
    }
}

static void set_sizes(enum cpu_mode mode, struct insn_info *ii)
{
    switch (mode) {
    case CPU_MODE_16:
        ii->op_bytes = ii->opsize_prefix ? 4 : 2;
        ii->addr_bytes = ii->addrsize_prefix ? 4 : 2;
        break;
    case CPU_MODE_32:
        ii->op_bytes = ii->opsize_prefix ? 2 : 4;
        ii->addr_bytes = ii->addrsize_prefix ? 2 : 4;
        break;
    case CPU_MODE_64:
    default:
        ii->op_bytes = (ii->rex & INSN_REX_W) ? 8 : ii->opsize_prefix ? 2 : 4;
        ii->addr_bytes = ii->addrsize_prefix ? 4 : 8;
        break;
    }
}

/* ModRM, then SIB and displacement unless the form is register-only. */
static int decode_modrm(struct cursor *c, bool reg_only, struct insn_info *ii)
{
    unsigned int mod, rm, disp = 0;
    int rc = need(c, 1);

    if (rc)
        return rc;
    ii->has_modrm = true;
    ii->modrm_off = (uint8_t)c->pos;
    ii->modrm = peek(c, 0);
    c->pos++;
    mod = ii->modrm >> 6;
    rm = ii->modrm & 7;
    if (reg_only || mod == 3)
        return 0;

    if (ii->addr_bytes == 2) {
        /* 16-bit forms: [BX+SI] .. [BX], no SIB; mod 0 rm 6 is disp16 alone. */
        if (mod == 1)
            disp = 1;
        else if (mod == 2 || rm == 6)
            disp = 2;
    } else {
        if (rm == 4) {
            rc = need(c, 1);
            if (rc)
                return rc;
            ii->has_sib = true;
            ii->sib = peek(c, 0);
            c->pos++;
        }
        if (mod == 1)
            disp = 1;
        else if (mod == 2)
            disp = 4;
        else if (rm == 5 || (ii->has_sib && (ii->sib & 7) == 5))
            disp = 4; /* disp32 (RIP-relative in 64-bit mode), or SIB without base */
    }
    rc = need(c, disp);
    if (rc)
        return rc;
    ii->disp_off = (uint8_t)c->pos;
    ii->disp_len = (uint8_t)disp;
    c->pos += disp;
    return 0;
}

static unsigned int imm_bytes(enum imm_kind kind, const struct insn_info *ii)
{
    unsigned int z = ii->op_bytes == 2 ? 2 : 4;

    switch (kind) {
    case IMM_B:
        return 1;
    case IMM_W:
        return 2;
    case IMM_Z:
        return z;
    case IMM_V:
        return ii->op_bytes;
    case IMM_REL:
        return z;
    case IMM_ENTER:
        return 3;
    case IMM_FAR:
        return z + 2;
    case IMM_GRP3B:
        return insn_modrm_reg(ii) < 2 ? 1 : 0;
    case IMM_GRP3Z:
        return insn_modrm_reg(ii) < 2 ? z : 0;
    case IMM_SSE4A:
        return ii->rep == 0xf2 || (ii->rep == 0 && ii->opsize_prefix) ? 2 : 0;
    case IMM_MOFFS: /* handled as a displacement by the caller */
    case IMM_NONE:
    default:
        return 0;
    }
}

/* The trailing operand bytes: an immediate, or the moffs of A0-A3. */
static int decode_imm(struct cursor *c, enum imm_kind kind, struct insn_info *ii)
{
    unsigned int n = kind == IMM_MOFFS ? ii->addr_bytes : imm_bytes(kind, ii);
    int rc = need(c, n);

    if (rc)
        return rc;
    if (kind == IMM_MOFFS) {
        ii->disp_off = (uint8_t)c->pos;
        ii->disp_len = (uint8_t)n;
    } else if (n) {
        ii->imm_off = (uint8_t)c->pos;
        ii->imm_len = (uint8_t)n;
    }
    c->pos += n;
    return 0;
}

/*
 * VEX (C4/C5) and EVEX (62).  Outside 64-bit mode these bytes are LES, LDS
 * and BOUND unless the next byte has mod = 3, which those cannot encode.
 * Returns 1 if the byte is the legacy instruction after all.
 */
static int decode_vex_evex(struct cursor *c, enum cpu_mode mode, struct insn_info *ii)
{
    uint8_t b0 = peek(c, 0);
    unsigned int hdr, map;
    int rc;

    if (mode != CPU_MODE_64) {
        rc = need(c, 2);
        if (rc)
            return rc;
        if ((peek(c, 1) >> 6) != 3)
            return 1;
    }
    /* A VEX or EVEX prefix after 66, F2, F3, F0 or REX raises #UD. */
    if (ii->opsize_prefix || ii->rep || ii->lock || ii->has_rex)
        return -EINVAL;

    if (b0 == 0xc5) {
        hdr = 2;
        map = INSN_MAP_0F;
        ii->encoding = INSN_ENC_VEX;
    } else if (b0 == 0xc4) {
        hdr = 3;
        rc = need(c, 2);
        if (rc)
            return rc;
        map = peek(c, 1) & 0x1f;
        if (map < INSN_MAP_0F || map > INSN_MAP_0F3A)
            return -EINVAL;
        ii->encoding = INSN_ENC_VEX;
    } else {
        hdr = 4;
        rc = need(c, 3);
        if (rc)
            return rc;
        map = peek(c, 1) & 7;
        /* P1 bit 2 is fixed at 1; maps 0, 4 and 7 are not AVX-512. */
        if (!(peek(c, 2) & 0x04) || map == 0 || map == 4 || map == 7)
            return -EINVAL;
        ii->encoding = INSN_ENC_EVEX;
    }
    rc = need(c, hdr + 1);
    if (rc)
        return rc;
    c->pos += hdr;
    ii->map = (uint8_t)map;
    ii->opc_off = (uint8_t)c->pos;
    ii->opcode = peek(c, 0);
    c->pos++;

    /* VZEROUPPER / VZEROALL are the only VEX instructions without ModRM. */
    if (!(ii->encoding == INSN_ENC_VEX && map == INSN_MAP_0F && ii->opcode == 0x77)) {
        rc = decode_modrm(c, false, ii);
        if (rc)
            return rc;
    }
    if (map == INSN_MAP_0F3A || (map == INSN_MAP_0F && vex_0f_has_imm8(ii->opcode)))
        return decode_imm(c, IMM_B, ii);
    return 0;
}

/* The opcode (after any 0F, 0F 38, 0F 3A escape) and what follows it. */
static int decode_legacy(struct cursor *c, enum cpu_mode mode, struct insn_info *ii)
{
    uint16_t attr;
    int rc;

    ii->encoding = INSN_ENC_LEGACY;
    ii->map = INSN_MAP_1BYTE;
    ii->opcode = peek(c, 0);
    attr = map_1byte[ii->opcode];
    if (attr & A_ESCAPE) {
        c->pos++;
        rc = need(c, 1);
        if (rc)
            return rc;
        ii->map = INSN_MAP_0F;
        ii->opcode = peek(c, 0);
        attr = map_0f[ii->opcode];
        if (attr & A_ESCAPE) {
            bool is_0f3a = ii->opcode == 0x3a;

            c->pos++;
            rc = need(c, 1);
            if (rc)
                return rc;
            ii->opcode = peek(c, 0);
            if (is_0f3a) {
                ii->map = INSN_MAP_0F3A;
                attr = in_ranges(map_0f3a_defined, ARRAY_SIZE(map_0f3a_defined), ii->opcode)
                           ? A_MODRM | IMM_B
                           : A_BAD;
            } else {
                ii->map = INSN_MAP_0F38;
                attr = in_ranges(map_0f38_defined, ARRAY_SIZE(map_0f38_defined), ii->opcode)
                           ? A_MODRM
                           : A_BAD;
            }
        }
    }
    ii->opc_off = (uint8_t)c->pos;
    c->pos++;

    if ((attr & A_BAD) || ((attr & A_INV64) && mode == CPU_MODE_64))
        return -EINVAL;
    if (attr & A_MODRM) {
        rc = decode_modrm(c, attr & A_REGONLY, ii);
        if (rc)
            return rc;
        if (!group_reg_valid(ii->map, ii->opcode, ii->modrm))
            return -EINVAL;
    }
    return decode_imm(c, (enum imm_kind)(attr & A_IMM_MASK), ii);
}

int insn_decode(const uint8_t *bytes, unsigned int avail, enum cpu_mode mode, struct insn_info *ii)
{
    struct cursor c = {.bytes = bytes, .avail = avail, .pos = 0};
    uint8_t b;
    int rc;

    memset(ii, 0, sizeof(*ii));
    if (mode != CPU_MODE_16 && mode != CPU_MODE_32 && mode != CPU_MODE_64)
        return -EINVAL;

    rc = decode_prefixes(&c, mode, ii);
    if (rc)
        return rc;
    set_sizes(mode, ii);

    b = peek(&c, 0);
    rc = 1;
    if (b == 0xc4 || b == 0xc5 || b == 0x62)
        rc = decode_vex_evex(&c, mode, ii);
    if (rc == 1)
        rc = decode_legacy(&c, mode, ii);
    if (rc)
        return rc;
    ii->len = (uint8_t)c.pos;
    return (int)c.pos;
}

int insn_length(const uint8_t *bytes, unsigned int avail, enum cpu_mode mode)
{
    struct insn_info ii;

    return insn_decode(bytes, avail, mode, &ii);
}
