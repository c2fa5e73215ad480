/* Classic-mode start of test guests from boot modules (until Hyperlaunch builds domains). */
#ifndef XEN_LAUNCH_H
#define XEN_LAUNCH_H

struct boot_info;

/*
 * Every module that is an ELF image with a PVH entry note becomes a
 * domain (ids 1, 2, ... in module order), and all of them are started
 * together.  Module options: mem=SIZE (default 64M), vcpus=N (default
 * 1), name=NAME; the rest of the module's command line goes to the guest.
 * Returns the number of domains started.
 */
unsigned int launch_classic_domains(const struct boot_info *bi);

#endif
