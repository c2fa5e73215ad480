/* Basic integer types shared by hypervisor code and its host unit tests. */
#ifndef XEN_TYPES_H
#define XEN_TYPES_H

#include <stdint.h>
#include <stddef.h>
#include <stdbool.h>
#include <stdarg.h>

typedef uint64_t paddr_t;   /* machine (host-physical) address */
typedef uint64_t mfn_t;     /* machine frame number */

#define PRIpaddr "016lx"

#endif
