/*
 * The tables gen.py generates: one row per structure, field, typedef,
 * guest handle and macro of our public headers, measured once against our
 * headers (ours.c) and once against libxen-dev's (theirs.c), row for row.
 */
#ifndef ABI_H
#define ABI_H

enum abi_kind {
    ABI_STRUCT,  /* size, align */
    ABI_FIELD,   /* value = offset, size, typecode */
    ABI_TYPEDEF, /* size, align, typecode */
    ABI_HANDLE,  /* size, align, extra = size of what it points to */
    ABI_CONST,   /* value, size, typecode of an integer constant or macro call */
    ABI_MACRO,   /* only that it is defined (function-like or empty macros) */
};

struct abi_entry {
    const char *header;    /* ours: the public header that defines it */
    const char *name;      /* "struct shared_info.wc_sec", "DOMID_SELF", ... */
    unsigned int kind;     /* enum abi_kind */
    int present;           /* theirs: 0 if libxen-dev lacks it */
    const char *ours_only; /* ours: why it has no counterpart (allowlist), or NULL */
    const char *note;      /* theirs: the compiler's complaint when absent */
    unsigned long long value;
    unsigned long long size;
    unsigned long long align;
    unsigned long long extra;
    int typecode; /* integers: size, negated if signed; 0 otherwise */
};

/*
 * Size and signedness of an integer expression without evaluating it;
 * 0 for anything that is not an integer (arrays, structs, pointers).
 */
#define ABI_TYPECODE(x)                                                                            \
    _Generic((x), char                                                                             \
             : -(int)sizeof(char), signed char                                                     \
             : -1, unsigned char : 1, short                                                        \
             : -2, unsigned short : 2, int                                                         \
             : -4, unsigned int : 4, long                                                          \
             : -(int)sizeof(long), unsigned long                                                   \
             : (int)sizeof(long), long long                                                        \
             : -8, unsigned long long : 8, _Bool : 1, default : 0)

extern const struct abi_entry abi_ours[], abi_theirs[];
extern const unsigned int abi_ours_count, abi_theirs_count;

/* Every public header, relative to the public directory, for the standalone checks. */
struct abi_header {
    const char *path;
    int asm_safe; /* guards its C parts with __ASSEMBLY__ */
};
extern const struct abi_header abi_headers[];
extern const unsigned int abi_header_count;
extern const char abi_public_dir[], abi_cc[], abi_cxx[], abi_cc_include_dir[];

#endif
