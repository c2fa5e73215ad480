/*
 * Hypercalls: VMCALL on Intel, VMMCALL on AMD and Hygon.  The argument
 * registers are treated as clobbered (Xen may change them), RAX holds the
 * result; memory is clobbered since the hypervisor writes our buffers.
 */
#include "xencall.h"

long xencall(unsigned int nr, uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4, uint64_t a5)
{
    register uint64_t r10 asm("r10") = a4;
    register uint64_t r8 asm("r8") = a5;
    uint64_t rax = nr;

    if (cpu.vendor_id == VENDOR_AMD || cpu.vendor_id == VENDOR_HYGON)
        asm volatile("vmmcall"
                     : "+a"(rax), "+D"(a1), "+S"(a2), "+d"(a3), "+r"(r10), "+r"(r8)
                     :
                     : "memory");
    else
        asm volatile("vmcall"
                     : "+a"(rax), "+D"(a1), "+S"(a2), "+d"(a3), "+r"(r10), "+r"(r8)
                     :
                     : "memory");
    return (long)rax;
}
