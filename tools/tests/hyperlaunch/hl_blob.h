/*
 * Hyperlaunch configurations for host tests, built with Debian's libfdt:
 * a valid base configuration (two domains, a pool, pinning, an event
 * channel) that tests then edit by path, and the machine it fits.  Shared
 * by tools/tests/hyperlaunch and tools/tests/fuzz.
 */
#ifndef HL_BLOB_H
#define HL_BLOB_H

#include <stdint.h>
#include <stddef.h>
#include <xen/bootdomain.h>

#define HL_BLOB_MAX 65536

#define HL_HV    "/chosen/hypervisor"
#define HL_D0    HL_HV "/dom0"
#define HL_D1    HL_HV "/guest"
#define HL_POOL  HL_HV "/pool"
#define HL_EV0   HL_D0 "/evtchn"
#define HL_EV1   HL_D1 "/evtchn"

/* phandles of the base configuration */
#define HL_PH_EV0  0x10
#define HL_PH_EV1  0x11
#define HL_PH_POOL 0x100

/* The machine: CPUs 0-7 online, 4 GiB for domains, these modules. */
#define HL_RAM      (4ULL << 30)
#define HL_MOD_CFG  0   /* the configuration */
#define HL_MOD_K0   1   /* "/boot/vmlinuz console=hvc0 earlyprintk" */
#define HL_MOD_RD0  2   /* "/boot/initrd.img" */
#define HL_MOD_K1   3   /* "/boot/guest" (no command line of its own) */
#define HL_MOD_PACK 4   /* a module that reg ranges are cut from */
#define HL_NR_MODS  5
#define HL_PACK_START 0x4000000ULL

extern uint8_t hl_blob[HL_BLOB_MAX];
extern struct boot_module hl_mods[HL_NR_MODS];
extern const char *const hl_scheds[];

void hl_machine(struct boot_machine *m);

/* A blob with only "/" and "/chosen". */
void hlb_empty(void);
/* The valid base configuration (see hl_blob.c). */
void hlb_base(void);

/*
 * Edits by absolute path; each fails the current test if libfdt does.
 * hlb_add puts the new node FIRST among its siblings (libfdt does so).
 */
int hlb_off(const char *path);
int hlb_add(const char *parent, const char *name);
void hlb_rm(const char *path);
void hlb_u32(const char *path, const char *name, uint32_t v);
void hlb_u64(const char *path, const char *name, uint64_t v);
void hlb_str(const char *path, const char *name, const char *s);
void hlb_raw(const char *path, const char *name, const void *v, int len);
void hlb_cells(const char *path, const char *name, unsigned int n, const uint32_t *cells);
void hlb_del(const char *path, const char *name);

/* The blob packed; its size. */
size_t hlb_finish(void);

#endif
