/*
 * The test-guest runtime: what every guest in stubdom/tests can call.
 * A guest defines `test_name` and `test_main`; the runtime (start.c) enters
 * long mode, sets up paging, the IDT and the memory map, calls test_main,
 * prints `TEST DONE: N passed, N failed` and powers off.
 */
#ifndef STUBDOM_GUEST_H
#define STUBDOM_GUEST_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>
#include "x86.h"

#define __noreturn __attribute__((noreturn))
#define __printf(a, b) __attribute__((format(printf, a, b)))
#define __aligned(n) __attribute__((aligned(n)))
#define __section(s) __attribute__((section(s)))
/* Uninitialised data the .bss check skips (see guest.lds). */
#define __noclear __section(".bss.noclear")
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#define KiB ((uint64_t)1 << 10)
#define MiB ((uint64_t)1 << 20)
#define GiB ((uint64_t)1 << 30)
#define PAGE_SIZE ((uint64_t)4096)

/* Provided by each guest. */
extern const char test_name[];
void test_main(void);

/* console.c: port 0xE9 output, one line at a time. */
#define CONSOLE_PORT 0xe9
int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int snprintf(char *buf, size_t size, const char *fmt, ...) __printf(3, 4);
void printf(const char *fmt, ...) __printf(1, 2);
void vprintf(const char *fmt, va_list ap);
void console_break_lock(void);

/* report.c: result lines and the end of the test. */
void pass(const char *check, const char *fmt, ...) __printf(2, 3);
void fail(const char *check, const char *fmt, ...) __printf(2, 3);
void skip(const char *check, const char *fmt, ...) __printf(2, 3);
void info(const char *fmt, ...) __printf(1, 2);
/* PASS or FAIL by `ok`, with the same detail; returns ok. */
bool check(bool ok, const char *check, const char *fmt, ...) __printf(3, 4);
void __noreturn test_done(void);
void __noreturn guest_poweroff(void);
void __noreturn cpu_halt_forever(void);

/* cpu.c: what the CPU is and whether Xen is underneath. */
enum cpu_vendor { VENDOR_OTHER, VENDOR_INTEL, VENDOR_AMD, VENDOR_HYGON };
struct cpu_info {
    char vendor[13];
    enum cpu_vendor vendor_id;
    uint32_t max_leaf, max_ext_leaf;
    bool has_1g_pages;
    unsigned int phys_bits;
    uint32_t xen_base; /* 0: no Xen CPUID leaves */
    uint64_t tsc_khz;  /* 0: unknown */
};
extern struct cpu_info cpu;
void cpu_detect(void);
uint32_t xen_cpuid_base(void);
/* TSC ticks for `ms` milliseconds; uses an assumed 3 GHz if unknown. */
uint64_t tsc_ticks_per_ms(void);

/* hvm_start_info (Xen public ABI: arch-x86/hvm/start_info.h). */
#define HVM_START_MAGIC 0x336ec578u
struct hvm_start_info {
    uint32_t magic;
    uint32_t version;
    uint32_t flags;
    uint32_t nr_modules;
    uint64_t modlist_paddr;
    uint64_t cmdline_paddr;
    uint64_t rsdp_paddr;
    uint64_t memmap_paddr;
    uint32_t memmap_entries;
    uint32_t reserved;
};
struct hvm_memmap_entry {
    uint64_t addr;
    uint64_t size;
    uint32_t type;
    uint32_t reserved;
};
struct hvm_modlist_entry {
    uint64_t paddr;
    uint64_t size;
    uint64_t cmdline_paddr;
    uint64_t reserved;
};
_Static_assert(sizeof(struct hvm_start_info) == 56, "hvm_start_info layout");
_Static_assert(sizeof(struct hvm_memmap_entry) == 24, "hvm_memmap_entry layout");
_Static_assert(sizeof(struct hvm_modlist_entry) == 32, "hvm_modlist_entry layout");

/* head.S: the physical address of hvm_start_info (0 if EBX had no magic). */
extern uint32_t start_info_paddr;
extern uint32_t entry_ebx;
const struct hvm_start_info *start_info(void);

/* Linker-script symbols. */
extern char __image_start[], __image_end[], __bss_start[], __bss_end[];

/* memmap.c: the guest's memory map (a private copy). */
#define E820_RAM 1
#define E820_RESERVED 2
#define E820_ACPI 3
#define E820_NVS 4
#define E820_UNUSABLE 5
#define E820_DISABLED 6
#define E820_PMEM 7
#define MEMMAP_MAX 128
struct mem_range {
    uint64_t base, size;
    uint32_t type;
};
void memmap_init(void);
unsigned int memmap_count(void);
const struct mem_range *memmap_get(unsigned int i);
const char *memmap_type_name(uint32_t type);
/* Where the map came from: "hvm_start_info" or the fallback. */
const char *memmap_source(void);
/* Is any byte of [addr, addr + len) memory the runtime must not overwrite? */
bool memmap_is_protected(uint64_t addr, uint64_t len);
void memmap_protect(uint64_t base, uint64_t size);

/* paging.c: identity mappings with 4 KiB, 2 MiB and 1 GiB pages. */
void paging_init(void);
/* Identity-map [paddr, paddr + size) with the largest pages that fit. */
int paging_map(uint64_t paddr, uint64_t size);
/* Remap the 2 MiB region at paddr (2 MiB-aligned) with 4 KiB pages. */
int paging_map_4k(uint64_t paddr);
/* Size of the page mapping paddr, 0 if unmapped. */
uint64_t paging_page_size(uint64_t paddr);
const char *page_size_name(uint64_t size);

/* traps.c: the IDT, exception reports and interrupt handlers. */
struct trap_frame {
    uint64_t r15, r14, r13, r12, r11, r10, r9, r8;
    uint64_t rbp, rdi, rsi, rdx, rcx, rbx, rax;
    uint64_t vector, error_code;
    uint64_t rip, cs, rflags, rsp, ss;
};
typedef void (*irq_handler_t)(struct trap_frame *frame);
void traps_init(void);
void traps_load_idt(void); /* on each CPU */
void irq_set_handler(unsigned int vector, irq_handler_t handler);
const char *exception_name(unsigned int vector);

/* lapic.c: the local APIC in xAPIC mode. */
#define LAPIC_ID 0x020
#define LAPIC_VERSION 0x030
#define LAPIC_EOI 0x0b0
#define LAPIC_SVR 0x0f0
#define LAPIC_IRR 0x200
#define LAPIC_ICR_LO 0x300
#define LAPIC_ICR_HI 0x310
#define LAPIC_LVT_TIMER 0x320
#define LAPIC_TIMER_INITIAL 0x380
#define LAPIC_TIMER_CURRENT 0x390
#define LAPIC_TIMER_DIVIDE 0x3e0
#define LAPIC_SVR_ENABLE (1u << 8)
#define LAPIC_LVT_MASKED (1u << 16)
#define LAPIC_TIMER_DIVIDE_BY_1 0xb
#define LAPIC_ICR_BUSY (1u << 12)
#define LAPIC_ICR_INIT (5u << 8)
#define LAPIC_ICR_STARTUP (6u << 8)
#define LAPIC_ICR_LEVEL_ASSERT (1u << 14)
#define LAPIC_SPURIOUS_VECTOR 0xff
uint64_t lapic_base(void);
uint32_t lapic_read(unsigned int reg);
void lapic_write(unsigned int reg, uint32_t val);
unsigned int lapic_id(void);
bool lapic_irr_pending(unsigned int vector);
/* Mask the legacy 8259 PICs (firmware may leave IRQ0 on vector 8). */
void legacy_pic_mask(void);
/* Send an IPI (ICR low bits) to an APIC ID and wait for delivery; false on timeout. */
bool lapic_send_ipi(unsigned int apic_id, uint32_t icr_lo);

/* acpi.c: just enough ACPI to list the CPUs. */
#define ACPI_MAX_CPUS 64
struct acpi_cpu {
    uint32_t apic_id, uid;
};
/* Fill `cpus` from the MADT; returns the number of enabled CPUs, -1 if none found. */
int acpi_find_cpus(struct acpi_cpu *cpus, unsigned int max);

/* smp.c: secondary CPUs (xAPIC IDs up to 255). */
#define SMP_MAX_CPUS 16
/* Copy the AP trampoline below 1 MiB; returns its page. */
uint64_t smp_prepare(void);
/*
 * INIT-SIPI-SIPI to apic_id; the AP runs fn(cpu_number) on its own stack,
 * then halts.  0 once the AP runs; -1 bad arguments, -2 IPI not delivered
 * (ICR busy), -3 the AP never started.
 */
int smp_start_ap(unsigned int apic_id, unsigned int cpu_number, void (*fn)(unsigned int cpu));

/* memprobe.c: visit the pages of a RAM range at a power-of-two stride (see memprobe.c). */
typedef bool (*probe_fn)(uint64_t lo, uint64_t hi, void *arg);
struct probe_stats {
    uint64_t pages, bytes, skipped, failed;
};
void probe_range(uint64_t base, uint64_t size, uint64_t stride, probe_fn fn, void *arg,
                 struct probe_stats *stats);
/* First and last page, and one page at a pseudo-random offset in every stride slice. */
void probe_range_jitter(uint64_t base, uint64_t size, uint64_t stride, uint64_t *seed,
                        probe_fn fn, void *arg, struct probe_stats *stats);

/* Small string helpers (string.c). */
void *memset(void *dst, int c, size_t n);
void *memcpy(void *dst, const void *src, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);

/* A spinlock for output shared by several CPUs. */
typedef struct {
    volatile int locked;
} spinlock_t;
static inline void spin_lock(spinlock_t *l)
{
    while (__atomic_exchange_n(&l->locked, 1, __ATOMIC_ACQUIRE))
        cpu_relax();
}
static inline void spin_unlock(spinlock_t *l)
{
    __atomic_store_n(&l->locked, 0, __ATOMIC_RELEASE);
}

#endif /* STUBDOM_GUEST_H */
