/* Per-vCPU architectural state shared with 64-bit x86 guests. */
#ifndef XEN_PUBLIC_ARCH_X86_XEN_X86_64_H
#define XEN_PUBLIC_ARCH_X86_XEN_X86_64_H

#ifndef __ASSEMBLY__

#include <stdint.h>

/* The x86-64 tail of struct vcpu_info: 16 bytes, keeping vcpu_info at 64. */
struct arch_vcpu_info {
    uint64_t cr2;               /* fault address of the last #PF (PV only) */
    uint64_t pad;
};
typedef struct arch_vcpu_info arch_vcpu_info_t;

#endif /* !__ASSEMBLY__ */

#endif /* XEN_PUBLIC_ARCH_X86_XEN_X86_64_H */
