/*
 * Per-domain state of the Xen ABI calls that are not event channels:
 * the domain's own memory map (XENMEM_memory_map), frames the guest gave
 * back (decrease_reservation), vm_assist bits and console_io input.
 * Implementation: common/memory.c (memory), common/version.c (vm_assist),
 * common/console_io.c (input).  Domain lookup for hypercalls:
 * common/privilege.c.
 */
#ifndef XEN_MEMORY_H
#define XEN_MEMORY_H

#include <xen/types.h>
#include <xen/compiler.h>
#include <xen/spinlock.h>
#include <xen/p2m.h>

struct domain;
struct vcpu;
struct boot_info;

/* One E820 entry as XENMEM_memory_map returns it: 20 bytes, packed (Xen's and Linux's layout). */
struct e820entry {
    uint64_t addr;
    uint64_t size;
    uint32_t type;
} __attribute__((packed));

/* Linux copies at most 128 entries; more would be lost anyway. */
#define DOMAIN_E820_MAX 128

/* Bytes of console_io input kept per domain (only a privileged domain reads it). */
#define CONSOLE_IO_INBUF 128

struct domain_abi {
    spinlock_t lock;
    unsigned long vm_assist;                 /* VMASST_TYPE_* bits enabled */
    unsigned int nr_e820;
    struct e820entry e820[DOMAIN_E820_MAX];
    /*
     * Frames the guest gave back, still owned by the domain (the page
     * allocator frees only whole allocations, and the domain's RAM was
     * allocated in large pieces): by order 0, 9, 18, linked through their
     * first 8 bytes, reused by populate_physmap, freed with the domain.
     */
    mfn_t parked[3];
    uint64_t parked_pages;
    /* Where XENMAPSPACE_shared_info last put the shared info page (~0: nowhere). */
    uint64_t shared_info_gfn;
    /*
     * console_io input, written on serial input (any context: its own
     * lock, taken with interrupts off), read by CONSOLEIO_read.
     */
    spinlock_t in_lock;
    char in[CONSOLE_IO_INBUF];
    unsigned int in_prod, in_cons;
};
BUILD_BUG_ON(sizeof(struct domain_abi) > 4096);

/* d->abi, allocated on first use; NULL only if out of memory. */
struct domain_abi *domain_abi(struct domain *d);
/* Frees d->abi (the parked frames belong to the domain's RAM extents). */
void domain_abi_destroy(struct domain *d);

/*
 * The domain builder gives the domain its memory map (the same one its
 * hvm_start_info carries): 0, -EINVAL (n == 0 or > DOMAIN_E820_MAX),
 * -ENOMEM.
 */
int domain_set_memory_map(struct domain *d, const struct e820entry *map, unsigned int n);
/* The same from hvm_start_info's memory map entries (24 bytes each, as the builder has them). */
struct hvm_memmap_table_entry;
int domain_set_hvm_memmap(struct domain *d, const struct hvm_memmap_table_entry *map,
                          unsigned int n);

/*
 * What the boot loader reported (command line, machine memory map),
 * for XENVER_commandline and XENMEM_machine_memory_map / maximum_ram_page.
 * Called once by start_xen; until then those calls fail with -ENODATA.
 */
void hypercall_set_boot_info(const struct boot_info *bi);
const struct boot_info *hypercall_boot_info(void);

/*
 * The domain a hypercall names: DOMID_SELF or the caller's own id is the
 * caller's domain; another existing domain only for a privileged caller.
 * NULL with *err = -ESRCH (no such domain) or -EPERM.
 */
struct domain *hypercall_target_domain(struct vcpu *v, unsigned int domid, int *err);

/* vm_assist(enable, VMASST_TYPE_runstate_update_flag) and friends. */
bool vm_assist_enabled(struct domain *d, unsigned int type);

#endif
