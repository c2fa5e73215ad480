/*
 * Address -> "function+offset/size" for call traces, from the table that
 * tools/symbols.py builds into .rodata.symbols at link time.
 */
#ifndef XEN_SYMBOLS_H
#define XEN_SYMBOLS_H

#include <xen/types.h>

/* The generated table: sorted text addresses and their NUL-terminated names. */
extern const uint64_t xen_symbols_nr;
extern const uint64_t xen_symbols_addr[];
extern const uint32_t xen_symbols_off[];
extern const char xen_symbols_names[];

/* A table to search; the lookup itself touches nothing else (host-tested). */
struct symbol_table {
    uint64_t nr;
    const uint64_t *addr;           /* ascending */
    const uint32_t *off;            /* into names */
    const char *names;
    unsigned long end;              /* end of the last symbol (_etext) */
};

/*
 * Name of the symbol containing addr, with the offset into it and its size
 * (distance to the next higher symbol, or to t->end for the last), or NULL
 * if addr lies before the first symbol or at/after the end.
 */
const char *symbols_lookup_in(const struct symbol_table *t, unsigned long addr,
                              unsigned long *offset, unsigned long *size);
/* "name+0x1a/0x40", or the bare hex address if unknown; returns like snprintf. */
int symbols_snprint_in(const struct symbol_table *t, char *buf, size_t len,
                       unsigned long addr);

/* The same against the hypervisor's own table. */
const char *symbols_lookup(unsigned long addr, unsigned long *offset, unsigned long *size);
int symbols_snprint(char *buf, size_t len, unsigned long addr);

/* Longest string symbols_snprint() is worth giving a buffer for. */
#define SYMBOL_STR_LEN 128

/* printk(fmt, "name+0x1a/0x40"): fmt takes exactly one %s. */
void print_symbol(const char *fmt, unsigned long addr);

#endif
