/*
 * The fuzzers of tools/tests/fuzz: a seeded PRNG shared by all, so that a
 * run is the same every time, and the entry points test.c calls.  Each
 * fuzzer returns the number of broken invariants it saw (0 is a pass);
 * crashes and out-of-bounds reads are AddressSanitizer's to report.
 */
#ifndef FUZZ_H
#define FUZZ_H

#include <stdint.h>
#include <stddef.h>

void fuzz_seed(uint64_t seed);
uint64_t fuzz_rnd(void);
/* Iterations: the default, or FUZZ_ITERATIONS scaled (0..) as given. */
unsigned int fuzz_iterations(unsigned int dflt);

/* A copy of len bytes at the very end of its own allocation (free() it). */
uint8_t *fuzz_at_end(const void *p, size_t len);

struct fuzz_stats {
    unsigned int runs, accepted, deep;   /* deep: reached the innermost reader */
};

unsigned int fuzz_fdt_bytes(unsigned int iterations, struct fuzz_stats *st);
unsigned int fuzz_fdt_structure(unsigned int iterations, struct fuzz_stats *st);
unsigned int fuzz_kernel_pipeline(unsigned int iterations, struct fuzz_stats *st);

#endif
