/*
 * Symbol lookup for call traces: binary search over the table that
 * tools/symbols.py generates.  Nothing here may fault or take locks: it
 * runs in fatal-trap and panic paths.
 */
#include <xen/lib.h>
#include <xen/symbols.h>

extern const char _etext[];

const char *symbols_lookup_in(const struct symbol_table *t, unsigned long addr,
                              unsigned long *offset, unsigned long *size)
{
    uint64_t lo = 0, hi = t->nr, next_addr;

    if (!t->nr || addr < t->addr[0] || addr >= t->end)
        return NULL;

    /* Find the last entry whose address is <= addr: invariant addr[lo] <= addr. */
    while (hi - lo > 1) {
        uint64_t mid = lo + (hi - lo) / 2;

        if (t->addr[mid] <= addr)
            lo = mid;
        else
            hi = mid;
    }
    next_addr = lo + 1 < t->nr ? t->addr[lo + 1] : t->end;
    /* A zero-sized last entry (a marker at the end) contains nothing. */
    if (addr >= next_addr)
        return NULL;
    if (offset)
        *offset = addr - t->addr[lo];
    if (size)
        *size = next_addr - t->addr[lo];
    return t->names + t->off[lo];
}

int symbols_snprint_in(const struct symbol_table *t, char *buf, size_t len,
                       unsigned long addr)
{
    unsigned long off, size;
    const char *name = symbols_lookup_in(t, addr, &off, &size);

    if (!name)
        return snprintf(buf, len, "0x%016lx", addr);
    return snprintf(buf, len, "%s+0x%lx/0x%lx", name, off, size);
}

static void xen_table(struct symbol_table *t)
{
    t->nr = xen_symbols_nr;
    t->addr = xen_symbols_addr;
    t->off = xen_symbols_off;
    t->names = xen_symbols_names;
    t->end = (unsigned long)_etext;
}

const char *symbols_lookup(unsigned long addr, unsigned long *offset, unsigned long *size)
{
    struct symbol_table t;

    xen_table(&t);
    return symbols_lookup_in(&t, addr, offset, size);
}

int symbols_snprint(char *buf, size_t len, unsigned long addr)
{
    struct symbol_table t;

    xen_table(&t);
    return symbols_snprint_in(&t, buf, len, addr);
}

void print_symbol(const char *fmt, unsigned long addr)
{
    char buf[SYMBOL_STR_LEN];

    symbols_snprint(buf, sizeof(buf), addr);
    printk(fmt, buf);
}
