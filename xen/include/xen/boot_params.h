/* Command-line options read at boot by subsystems that come later (domain builder, SMP, scheduler). */
#ifndef XEN_BOOT_PARAMS_H
#define XEN_BOOT_PARAMS_H

#include <xen/types.h>

/* dom0_mem=[min:<size>,][max:<size>,][<size>]; a leading '-' means "all but". */
struct dom0_mem_spec {
    bool set;
    int64_t min, max, amount;   /* bytes; negative = all of host RAM minus |value|; 0 = unset */
};
extern struct dom0_mem_spec opt_dom0_mem;
/* dom0_max_vcpus=<n> or <min>-<max> */
extern unsigned int opt_dom0_max_vcpus_min, opt_dom0_max_vcpus_max;
extern unsigned int opt_maxcpus;        /* 0 = no limit */
extern bool opt_nosmp;
extern char opt_sched[16];

int parse_dom0_mem(const char *s);
int parse_dom0_max_vcpus(const char *s);
int parse_sched(const char *s);

#endif
