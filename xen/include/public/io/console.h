/* The console ring page shared between a guest and its console backend. */
#ifndef XEN_PUBLIC_IO_CONSOLE_H
#define XEN_PUBLIC_IO_CONSOLE_H

#include <stdint.h>

typedef uint32_t XENCONS_RING_IDX;

/*
 * Indices run freely and wrap at 2^32; the slot of index idx in ring
 * (in or out) is idx masked by the ring's size minus one.
 */
#define MASK_XENCONS_IDX(idx, ring) ((idx) & (sizeof(ring) - 1))

/*
 * in: backend to guest (keyboard), out: guest to backend (screen).  The
 * producer writes data, then (after a write barrier) advances *_prod; the
 * consumer advances *_cons.  Each side signals the console event channel.
 */
struct xencons_interface {
    char in[1024];
    char out[2048];
    XENCONS_RING_IDX in_cons;
    XENCONS_RING_IDX in_prod;
    XENCONS_RING_IDX out_cons;
    XENCONS_RING_IDX out_prod;
};

#endif /* XEN_PUBLIC_IO_CONSOLE_H */
