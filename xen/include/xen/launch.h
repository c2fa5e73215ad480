/* Building and starting the boot domains: Hyperlaunch or classic. */
#ifndef XEN_LAUNCH_H
#define XEN_LAUNCH_H

struct boot_info;
struct boot_domain;
struct domain;

/*
 * Boot: a flattened device tree among the modules selects Hyperlaunch (its
 * domains, pools and event channels; docs/man/xen-hyperlaunch.7.md), else
 * the classic layout (module 0 = control domain kernel, module 1 = its
 * ramdisk, dom0_mem= / dom0_max_vcpus=).  Every domain is built paused,
 * then all are unpaused together.  Returns the number started.
 */
unsigned int launch_boot_domains(const struct boot_info *bi);

/* Build one domain, paused, in pool `poolid` (common/domain_build.c); NULL on failure, reported. */
struct domain *domain_build(const struct boot_domain *bd, unsigned int poolid);

#endif
