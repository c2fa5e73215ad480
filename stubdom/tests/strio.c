/*
 * strio: string port I/O (INS, OUTS, with and without REP), which the
 * hypervisor emulates element by element.  INS from a port nobody emulates
 * fills memory with all ones; rDI/rSI step by the element size, backwards
 * with EFLAGS.DF; REP counts rCX down to 0; an address-size prefix in
 * 64-bit mode uses EDI/ECX; a REP longer than the hypervisor's batch is
 * finished by re-execution; a #PF in the middle stops the instruction with
 * rCX/rDI saying how far it got; the store sets the page's accessed and
 * dirty bits.  OUTS to port 0xE9 writes console lines
 * that the test case looks for (this guest cannot see its own console).
 */
#include "guest.h"

const char test_name[] = "strio";

#define MSR_FS_BASE 0xc0000100u
#define DEAD_PORT 0x1f0 /* IDE data: no device behind it in a domU */
#define GUARD 0xa5
#define PTE_P 1ull
#define PTE_PS (1ull << 7)
#define PTE_A (1ull << 5)
#define PTE_D (1ull << 6)

static uint8_t buf[2 * 4096] __aligned(4096);
static uint8_t big[64 * 1024] __aligned(4096);

struct strio_regs {
    uint64_t rdi, rsi, rcx;
};

static bool all_bytes(const uint8_t *p, size_t n, uint8_t val)
{
    size_t i;

    for (i = 0; i < n; i++)
        if (p[i] != val)
            return false;
    return true;
}

static void rep_outsb_console(void)
{
    static const char line[] = "strio: console line written by REP OUTSB\n";
    struct strio_regs r = {.rsi = (uintptr_t)line, .rcx = sizeof(line) - 1};

    asm volatile("rep outsb" : "+S"(r.rsi), "+c"(r.rcx) : "d"(0xe9) : "memory");
    check(r.rcx == 0 && r.rsi == (uintptr_t)line + sizeof(line) - 1, "rep_outsb",
          "RCX=%#lx RSI advanced by %lu (want 0, %lu)", r.rcx, r.rsi - (uintptr_t)line,
          sizeof(line) - 1);
}

static void outs_fs_override(void)
{
    static const char line[] = "strio: console line written by OUTSB through FS\n";
    uint64_t old_fs = rdmsr(MSR_FS_BASE);
    uint64_t rsi = 0, rcx = sizeof(line) - 1;

    /* FS.base = line, RSI = 0: only the override finds the text. */
    wrmsr(MSR_FS_BASE, (uintptr_t)line);
    asm volatile("rep outsb %%fs:(%%rsi), (%%dx)" : "+S"(rsi), "+c"(rcx) : "d"(0xe9) : "memory");
    wrmsr(MSR_FS_BASE, old_fs);
    check(rcx == 0 && rsi == sizeof(line) - 1, "outs_fs", "RCX=%#lx RSI=%#lx", rcx, rsi);
}

/* REP INS of `count` elements of `size` bytes to buf + 16, forwards. */
static void rep_ins(unsigned int size, uint64_t count)
{
    uint64_t rdi = (uintptr_t)buf + 16, rcx = count;
    size_t n = size * count;
    char name[16];

    memset(buf, GUARD, sizeof(buf));
    if (size == 1)
        asm volatile("rep insb" : "+D"(rdi), "+c"(rcx) : "d"(DEAD_PORT) : "memory");
    else if (size == 2)
        asm volatile("rep insw" : "+D"(rdi), "+c"(rcx) : "d"(DEAD_PORT) : "memory");
    else
        asm volatile("rep insl" : "+D"(rdi), "+c"(rcx) : "d"(DEAD_PORT) : "memory");
    snprintf(name, sizeof(name), "rep_ins%u", size);
    check(rcx == 0 && rdi == (uintptr_t)buf + 16 + n && all_bytes(buf + 16, n, 0xff) &&
              all_bytes(buf, 16, GUARD) && all_bytes(buf + 16 + n, 16, GUARD),
          name, "%lu x %u bytes: RCX=%#lx RDI+%lu, data %s, guards %s", count, size, rcx,
          rdi - (uintptr_t)buf - 16, all_bytes(buf + 16, n, 0xff) ? "all ones" : "WRONG",
          all_bytes(buf, 16, GUARD) && all_bytes(buf + 16 + n, 16, GUARD) ? "intact" : "HIT");
}

static void single_ins_backwards(void)
{
    uint64_t rdi = (uintptr_t)buf + 64;

    memset(buf, GUARD, sizeof(buf));
    /* DF=1: each element lands at RDI, then RDI moves down. */
    asm volatile("std; insw; insw; cld" : "+D"(rdi) : "d"(DEAD_PORT) : "memory");
    check(rdi == (uintptr_t)buf + 60 && all_bytes(buf + 62, 4, 0xff) &&
              all_bytes(buf + 66, 16, GUARD) && all_bytes(buf + 44, 18, GUARD),
          "ins_df", "two INSW with DF=1: RDI-%ld (want -4), bytes %02x %02x %02x %02x %02x %02x",
          (long)((uintptr_t)buf + 64 - rdi), buf[60], buf[61], buf[62], buf[63], buf[64],
          buf[65]);
}

static void addr32_ins(void)
{
    uint64_t rdi = (uintptr_t)buf + 16, rcx = (1ull << 32) | 8;

    /* 0x67: EDI and ECX only; writing them zero-extends, so RCX's bit 32 goes. */
    memset(buf, GUARD, sizeof(buf));
    asm volatile("addr32 rep insb" : "+D"(rdi), "+c"(rcx) : "d"(DEAD_PORT) : "memory");
    check(rcx == 0 && rdi == (uintptr_t)buf + 24 && all_bytes(buf + 16, 8, 0xff) &&
              all_bytes(buf + 24, 8, GUARD),
          "ins_addr32", "RCX=%#lx RDI+%lu (want 0, 8)", rcx, rdi - (uintptr_t)buf - 16);
}

static void rep_zero_count(void)
{
    uint64_t rdi = (uintptr_t)buf, rcx = 0;

    memset(buf, GUARD, sizeof(buf));
    asm volatile("rep insb" : "+D"(rdi), "+c"(rcx) : "d"(DEAD_PORT) : "memory");
    check(rdi == (uintptr_t)buf && buf[0] == GUARD, "rep_zero", "RCX=0: RDI moved by %lu",
          rdi - (uintptr_t)buf);
}

/* Longer than the hypervisor does in one exit: it must resume where it stopped. */
static void rep_long(void)
{
    uint64_t rdi = (uintptr_t)big, rcx = sizeof(big);

    memset(big, GUARD, sizeof(big));
    asm volatile("rep insb" : "+D"(rdi), "+c"(rcx) : "d"(DEAD_PORT) : "memory");
    check(rcx == 0 && rdi == (uintptr_t)big + sizeof(big) && all_bytes(big, sizeof(big), 0xff),
          "rep_long", "%lu bytes: RCX=%#lx, data %s", sizeof(big), rcx,
          all_bytes(big, sizeof(big), 0xff) ? "all ones" : "WRONG");
}

/* The 4 KiB PTE mapping addr, or NULL if a large page or nothing maps it. */
static uint64_t *pte_of(uint64_t addr)
{
    uint64_t *t = (uint64_t *)(uintptr_t)(read_cr3() & ~0xfffull);
    int level;

    for (level = 3; level > 0; level--) {
        uint64_t e = t[(addr >> (12 + 9 * level)) & 511];

        if (!(e & PTE_P) || (e & PTE_PS))
            return NULL;
        t = (uint64_t *)(uintptr_t)(e & 0x000ffffffffff000ull);
    }
    return &t[(addr >> 12) & 511];
}

static void rep_ins_fault(void)
{
    uint64_t second = (uintptr_t)buf + 4096;
    uint64_t rdi = second - 4, rcx = 16, cr2;
    uint64_t *pte = pte_of(second);
    int vec;

    if (!pte) {
        skip("ins_fault", "buffer not mapped with 4 KiB pages");
        return;
    }
    memset(buf, GUARD, sizeof(buf));
    *pte &= ~PTE_P;
    asm volatile("invlpg (%0)" : : "r"(second) : "memory");
    trap_caught_clear();
    asm volatile("1: rep insb\n2:\n\t" EXTABLE_ENTRY(1b, 2b)
                 : "+D"(rdi), "+c"(rcx)
                 : "d"(DEAD_PORT)
                 : "memory");
    vec = trap_caught.vector;
    asm volatile("mov %%cr2, %0" : "=r"(cr2));
    *pte |= PTE_P;
    asm volatile("invlpg (%0)" : : "r"(second) : "memory");
    check(vec == 14 && rcx == 12 && rdi == second && cr2 == second &&
              (trap_caught.error_code & 3) == 2 && all_bytes(buf + 4092, 4, 0xff) &&
              buf[4091] == GUARD && all_bytes(buf + 4096, 16, GUARD),
          "ins_fault", "vector %d error %#lx CR2=%#lx, RCX=%lu RDI=page%+ld (want 14, write "
          "not-present, the page, 12, +0)",
          vec, trap_caught.error_code, cr2, rcx, (long)(rdi - second));
}

/* The emulated store marks the page accessed and dirty, as the CPU's would. */
static void ins_sets_dirty(void)
{
    uint64_t *pte = pte_of((uintptr_t)buf);
    uint64_t rdi = (uintptr_t)buf, rcx = 4, after;

    if (!pte) {
        skip("ins_dirty", "buffer not mapped with 4 KiB pages");
        return;
    }
    *pte &= ~(PTE_A | PTE_D);
    asm volatile("invlpg (%0)" : : "r"(buf) : "memory");
    asm volatile("rep insb" : "+D"(rdi), "+c"(rcx) : "d"(DEAD_PORT) : "memory");
    after = *pte;
    check((after & PTE_A) && (after & PTE_D), "ins_dirty", "PTE after REP INSB %#lx (want A, D)",
          after);
}

void test_main(void)
{
    rep_outsb_console();
    outs_fs_override();
    rep_ins(1, 32);
    rep_ins(2, 16);
    rep_ins(4, 8);
    single_ins_backwards();
    addr32_ins();
    rep_zero_count();
    rep_long();
    rep_ins_fault();
    ins_sets_dirty();
}
