/*
 * Flattened device tree reader: one validating pass over the whole blob
 * (fdt_check), then accessors that trust what it established.
 *
 * Devicetree Specification, "Flattened Devicetree (DTB) Format": a header,
 * a memory reservation map, a structure block of 4-byte aligned big-endian
 * tokens, and a strings block holding property names.
 */
#include <xen/fdt.h>
#include <xen/lib.h>
#include <xen/errno.h>

/* ---- Raw reads ----------------------------------------------------------- */

/* The blob may sit at any address: read bytes, not words. */
static inline uint32_t fdt_be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static inline uint64_t fdt_be64(const uint8_t *p)
{
    return (uint64_t)fdt_be32(p) << 32 | fdt_be32(p + 4);
}

static inline uint32_t fdt_align4(uint32_t x)
{
    return (x + 3) & ~3U;
}

#define FDT_HDR_FIELD(b, f) fdt_be32((const uint8_t *)(b) + offsetof(struct fdt_hdr, f))

uint64_t fdt_read_cells(const void *p, unsigned int cells)
{
    const uint8_t *b = p;

    return cells == 2 ? fdt_be64(b) : cells == 1 ? fdt_be32(b) : 0;
}

/* Pointer into the structure block at a struct-relative offset. */
static inline const uint8_t *fdt_sp(const struct fdt *fdt, uint32_t off)
{
    return fdt->blob + fdt->struct_off + off;
}

static inline uint32_t fdt_tag(const struct fdt *fdt, uint32_t off)
{
    return fdt_be32(fdt_sp(fdt, off));
}

static inline const char *fdt_string_at(const struct fdt *fdt, uint32_t nameoff)
{
    return (const char *)fdt->blob + fdt->strings_off + nameoff;
}

/* ---- Validation ---------------------------------------------------------- */

static uint32_t fdt_next_token(const struct fdt *fdt, uint32_t off);

static char fdt_errbuf[160];

static int __printf(2, 3) fdt_fail(const char **err, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(fdt_errbuf, sizeof(fdt_errbuf), fmt, ap);
    va_end(ap);
    if (err)
        *err = fdt_errbuf;
    return -EINVAL;
}

/* Length of a string starting at p with at most max bytes readable, or -1 if unterminated. */
static int64_t fdt_bounded_strlen(const uint8_t *p, uint64_t max)
{
    uint64_t i;

    for (i = 0; i < max; i++)
        if (!p[i])
            return (int64_t)i;
    return -1;
}

struct fdt_region {
    const char *what;
    uint32_t start, size;
};

static int fdt_check_overlap(const struct fdt_region *r, unsigned int n, const char **err)
{
    unsigned int i, j;

    for (i = 0; i < n; i++)
        for (j = i + 1; j < n; j++) {
            const struct fdt_region *a = &r[i], *b = &r[j];

            if (!a->size || !b->size)
                continue;
            if (a->start < b->start + b->size && b->start < a->start + a->size)
                return fdt_fail(err, "fdt: the %s [0x%x, 0x%x) overlaps the %s [0x%x, 0x%x)",
                                a->what, a->start, a->start + a->size, b->what, b->start,
                                b->start + b->size);
        }
    return 0;
}

static int fdt_check_layout(const struct fdt *fdt, uint32_t hdr_size, const char **err)
{
    const struct fdt_region regions[] = {
        { "header", 0, hdr_size },
        { "memory reservation map", fdt->rsvmap_off,
          (fdt->nr_rsv + 1) * (uint32_t)sizeof(struct fdt_rsv_entry) },
        { "structure block", fdt->struct_off, fdt->struct_size },
        { "strings block", fdt->strings_off, fdt->strings_size },
    };

    return fdt_check_overlap(regions, ARRAY_SIZE(regions), err);
}

static int fdt_check_rsvmap(struct fdt *fdt, const char **err)
{
    uint32_t off = fdt->rsvmap_off;
    unsigned int i;

    for (i = 0;; i++, off += sizeof(struct fdt_rsv_entry)) {
        uint64_t addr, size;

        if (fdt->totalsize - off < sizeof(struct fdt_rsv_entry))
            return fdt_fail(err, "fdt: memory reservation %u at 0x%x runs past totalsize 0x%x",
                            i, off, fdt->totalsize);
        addr = fdt_be64(fdt->blob + off);
        size = fdt_be64(fdt->blob + off + 8);
        if (!size) {
            if (addr)
                return fdt_fail(err, "fdt: memory reservation %u at 0x%x has size 0 "
                                "but address 0x%lx", i, off, (unsigned long)addr);
            fdt->nr_rsv = i;
            return 0;
        }
        if (addr + size < addr)
            return fdt_fail(err, "fdt: memory reservation %u at 0x%x wraps the address space",
                            i, off);
    }
}

static bool fdt_is_phandle_name(const char *name)
{
    return !strcmp(name, "phandle") || !strcmp(name, "linux,phandle");
}

/*
 * The walk over the structure block.  `limit` is how far the block may
 * extend (its size from the header, or for version 16 the rest of the
 * blob); on success fdt->struct_size is where the END token finishes.
 */
struct fdt_walk {
    uint32_t first_prop[FDT_MAX_DEPTH + 1]; /* of each open node, or 0 if none yet */
    bool has_child[FDT_MAX_DEPTH + 1];
};

static int fdt_check_node_name(const struct fdt *fdt, uint32_t off, int depth, uint32_t limit,
                               uint32_t *next, const char **err)
{
    const char *name = (const char *)fdt_sp(fdt, off + FDT_TOKEN_SIZE);
    int64_t len = fdt_bounded_strlen((const uint8_t *)name, limit - off - FDT_TOKEN_SIZE);

    if (len < 0)
        return fdt_fail(err, "fdt: node name at struct offset 0x%x is not terminated inside "
                        "the structure block", off + FDT_TOKEN_SIZE);
    if (depth == 0 && len)
        return fdt_fail(err, "fdt: the root node at struct offset 0x%x has name \"%s\", "
                        "not the empty name", off, name);
    if (depth > 0 && !len)
        return fdt_fail(err, "fdt: node at struct offset 0x%x has an empty name", off);
    if (strchr(name, '/'))
        return fdt_fail(err, "fdt: node name \"%s\" at struct offset 0x%x contains '/'",
                        name, off);
    *next = fdt_align4(off + FDT_TOKEN_SIZE + (uint32_t)len + 1);
    return 0;
}

static int fdt_check_prop(struct fdt *fdt, struct fdt_walk *w, uint32_t off, int depth,
                          uint32_t limit, uint32_t *next, const char **err)
{
    uint32_t len, nameoff, p;
    const char *name;
    int64_t nlen;

    if (depth < 0)
        return fdt_fail(err, "fdt: property at struct offset 0x%x is outside any node", off);
    if (w->has_child[depth])
        return fdt_fail(err, "fdt: property at struct offset 0x%x follows a child node", off);
    if (limit - off - FDT_TOKEN_SIZE < sizeof(struct fdt_prop_hdr))
        return fdt_fail(err, "fdt: property header at struct offset 0x%x runs past the "
                        "structure block", off);
    len = fdt_be32(fdt_sp(fdt, off + 4));
    nameoff = fdt_be32(fdt_sp(fdt, off + 8));
    if (len > limit - off - 12)
        return fdt_fail(err, "fdt: property at struct offset 0x%x: length 0x%x runs past the "
                        "structure block", off, len);
    if (nameoff >= fdt->strings_size)
        return fdt_fail(err, "fdt: property at struct offset 0x%x: name offset 0x%x is beyond "
                        "the strings block (size 0x%x)", off, nameoff, fdt->strings_size);
    name = fdt_string_at(fdt, nameoff);
    nlen = fdt_bounded_strlen((const uint8_t *)name, fdt->strings_size - nameoff);
    if (nlen < 0)
        return fdt_fail(err, "fdt: property at struct offset 0x%x: name at strings offset 0x%x "
                        "is not terminated inside the strings block", off, nameoff);
    if (!nlen)
        return fdt_fail(err, "fdt: property at struct offset 0x%x has an empty name", off);

    /* Two values under one name would let a check and a use see different ones. */
    if (w->first_prop[depth]) {
        /* Only PROP and NOP tokens lie between, all checked already. */
        for (p = w->first_prop[depth]; p != off; p = fdt_next_token(fdt, p))
            if (fdt_tag(fdt, p) == FDT_TOKEN_PROP &&
                !strcmp(fdt_string_at(fdt, fdt_be32(fdt_sp(fdt, p + 8))), name))
                return fdt_fail(err, "fdt: property \"%s\" at struct offset 0x%x repeats the "
                                "one at 0x%x", name, off, p);
    } else {
        w->first_prop[depth] = off;
    }

    if (fdt_is_phandle_name(name)) {
        uint32_t ph;

        if (len != 4)
            return fdt_fail(err, "fdt: \"%s\" at struct offset 0x%x is %u bytes, not 4", name,
                            off, len);
        ph = fdt_be32(fdt_sp(fdt, off + 12));
        if (ph == FDT_PHANDLE_NONE || ph == FDT_PHANDLE_BAD)
            return fdt_fail(err, "fdt: \"%s\" at struct offset 0x%x has the invalid value 0x%x",
                            name, off, ph);
    }
    fdt->nr_props++;
    *next = fdt_align4(off + 12 + len);
    return 0;
}

static int fdt_check_struct(struct fdt *fdt, uint32_t limit, const char **err)
{
    struct fdt_walk walk, *w = &walk;
    uint32_t off = 0, next = 0;
    int depth = -1, rc;
    bool root_done = false;

    for (;;) {
        uint32_t tok;

        /* Offsets only grow and stay 4-aligned, so this also bounds the loop. */
        if (off > limit || limit - off < FDT_TOKEN_SIZE)
            return fdt_fail(err, "fdt: token at struct offset 0x%x is past the end of the "
                            "structure block (0x%x bytes); no END token", off, limit);
        tok = fdt_tag(fdt, off);
        switch (tok) {
        case FDT_TOKEN_BEGIN_NODE:
            if (root_done)
                return fdt_fail(err, "fdt: second root node at struct offset 0x%x", off);
            if (depth >= 0)
                w->has_child[depth] = true;
            if (depth == FDT_MAX_DEPTH)
                return fdt_fail(err, "fdt: node at struct offset 0x%x is nested deeper than %u",
                                off, FDT_MAX_DEPTH);
            depth++;
            w->first_prop[depth] = 0;
            w->has_child[depth] = false;
            rc = fdt_check_node_name(fdt, off, depth, limit, &next, err);
            if (rc)
                return rc;
            if (depth == 0)
                fdt->root = off;
            if ((uint32_t)depth > fdt->max_depth)
                fdt->max_depth = (uint32_t)depth;
            fdt->nr_nodes++;
            off = next;
            break;
        case FDT_TOKEN_END_NODE:
            if (depth < 0)
                return fdt_fail(err, "fdt: END_NODE at struct offset 0x%x closes no node", off);
            if (--depth < 0)
                root_done = true;
            off += FDT_TOKEN_SIZE;
            break;
        case FDT_TOKEN_PROP:
            rc = fdt_check_prop(fdt, w, off, depth, limit, &next, err);
            if (rc)
                return rc;
            off = next;
            break;
        case FDT_TOKEN_NOP:
            off += FDT_TOKEN_SIZE;
            break;
        case FDT_TOKEN_END:
            if (!root_done)
                return fdt_fail(err, depth < 0 ? "fdt: END at struct offset 0x%x before any node"
                                               : "fdt: END at struct offset 0x%x inside a node",
                                off);
            fdt->struct_size = off + FDT_TOKEN_SIZE;
            return 0;
        default:
            return fdt_fail(err, "fdt: unknown token 0x%x at struct offset 0x%x", tok, off);
        }
    }
}

/* Sibling names must be unique, or a path would name two nodes. */
static int fdt_check_siblings(const struct fdt *fdt, const char **err)
{
    int node, a, b;

    for (node = fdt_root(fdt); node >= 0; node = fdt_walk_next(fdt, node))
        fdt_for_each_child(fdt, node, a)
            for (b = fdt_next_sibling(fdt, a); b >= 0; b = fdt_next_sibling(fdt, b))
                if (!strcmp(fdt_node_name(fdt, a), fdt_node_name(fdt, b)))
                    return fdt_fail(err, "fdt: node \"%s\" at struct offset 0x%x repeats the "
                                    "name of its sibling at 0x%x", fdt_node_name(fdt, b), b, a);
    return 0;
}

static int fdt_node_phandle_checked(const struct fdt *fdt, int node, uint32_t *ph,
                                    const char **err)
{
    uint32_t a = 0, b = 0;

    fdt_prop_u32(fdt, node, "phandle", &a);
    fdt_prop_u32(fdt, node, "linux,phandle", &b);
    if (a && b && a != b)
        return fdt_fail(err, "fdt: node at struct offset 0x%x has phandle 0x%x but "
                        "linux,phandle 0x%x", node, a, b);
    *ph = a ? a : b;
    return 0;
}

static int fdt_check_phandles(const struct fdt *fdt, const char **err)
{
    int a, b, rc;
    uint32_t pa = 0;

    for (a = fdt_root(fdt); a >= 0; a = fdt_walk_next(fdt, a)) {
        rc = fdt_node_phandle_checked(fdt, a, &pa, err);
        if (rc)
            return rc;
        if (!pa)
            continue;
        for (b = fdt_walk_next(fdt, a); b >= 0; b = fdt_walk_next(fdt, b))
            if (fdt_node_phandle(fdt, b) == pa)
                return fdt_fail(err, "fdt: nodes at struct offsets 0x%x and 0x%x share "
                                "phandle 0x%x", a, b, pa);
    }
    return 0;
}

bool fdt_has_magic(const void *blob, size_t avail)
{
    return avail >= 4 && fdt_be32(blob) == FDT_HDR_MAGIC;
}

int fdt_check(struct fdt *fdt, const void *blob, size_t avail, const char **err)
{
    const uint8_t *b = blob;
    uint32_t hdr_size, limit, last_comp;
    int rc;

    memset(fdt, 0, sizeof(*fdt));
    if (err)
        *err = NULL;
    if (!fdt_has_magic(blob, avail)) {
        fdt_fail(err, "fdt: no magic 0x%x at the start", FDT_HDR_MAGIC);
        return -ENOEXEC;
    }
    if (avail < FDT_HDR_SIZE_V16)
        return fdt_fail(err, "fdt: only %zu bytes, less than a header", avail);

    fdt->blob = b;
    fdt->version = FDT_HDR_FIELD(b, version);
    last_comp = FDT_HDR_FIELD(b, last_comp_version);
    if (fdt->version < FDT_VERSION_MIN)
        return fdt_fail(err, "fdt: version %u is older than %u", fdt->version, FDT_VERSION_MIN);
    if (last_comp > FDT_VERSION_CUR)
        return fdt_fail(err, "fdt: version %u needs a reader of version %u or later; this one "
                        "reads %u", fdt->version, last_comp, FDT_VERSION_CUR);
    hdr_size = fdt->version >= 17 ? sizeof(struct fdt_hdr) : FDT_HDR_SIZE_V16;
    fdt->totalsize = FDT_HDR_FIELD(b, totalsize);
    if (fdt->totalsize < hdr_size)
        return fdt_fail(err, "fdt: totalsize 0x%x is smaller than the 0x%x-byte header",
                        fdt->totalsize, hdr_size);
    if (fdt->totalsize > FDT_MAX_TOTALSIZE)
        return fdt_fail(err, "fdt: totalsize 0x%x is beyond the maximum of 0x%x",
                        fdt->totalsize, FDT_MAX_TOTALSIZE);
    if (fdt->totalsize > avail)
        return fdt_fail(err, "fdt: totalsize 0x%x is beyond the 0x%zx bytes available",
                        fdt->totalsize, avail);
    fdt->boot_cpuid = FDT_HDR_FIELD(b, boot_cpuid_phys);

    fdt->rsvmap_off = FDT_HDR_FIELD(b, off_mem_rsvmap);
    if (fdt->rsvmap_off < hdr_size || fdt->rsvmap_off > fdt->totalsize ||
        !IS_ALIGNED(fdt->rsvmap_off, 8))
        return fdt_fail(err, "fdt: memory reservation map offset 0x%x is not 8-aligned inside "
                        "[0x%x, 0x%x)", fdt->rsvmap_off, hdr_size, fdt->totalsize);
    rc = fdt_check_rsvmap(fdt, err);
    if (rc)
        return rc;

    fdt->strings_off = FDT_HDR_FIELD(b, off_dt_strings);
    fdt->strings_size = FDT_HDR_FIELD(b, size_dt_strings);
    if (fdt->strings_off < hdr_size || fdt->strings_off > fdt->totalsize ||
        fdt->strings_size > fdt->totalsize - fdt->strings_off)
        return fdt_fail(err, "fdt: strings block [0x%x, +0x%x) is not inside [0x%x, 0x%x)",
                        fdt->strings_off, fdt->strings_size, hdr_size, fdt->totalsize);

    fdt->struct_off = FDT_HDR_FIELD(b, off_dt_struct);
    if (fdt->struct_off < hdr_size || fdt->struct_off > fdt->totalsize ||
        !IS_ALIGNED(fdt->struct_off, 4))
        return fdt_fail(err, "fdt: structure block offset 0x%x is not 4-aligned inside "
                        "[0x%x, 0x%x)", fdt->struct_off, hdr_size, fdt->totalsize);
    limit = fdt->totalsize - fdt->struct_off;
    if (fdt->version >= 17) {
        limit = FDT_HDR_FIELD(b, size_dt_struct);
        if (limit > fdt->totalsize - fdt->struct_off || !IS_ALIGNED(limit, 4))
            return fdt_fail(err, "fdt: structure block [0x%x, +0x%x) is not a multiple of 4 "
                            "inside totalsize 0x%x", fdt->struct_off, limit, fdt->totalsize);
    }

    /*
     * Blocks must not overlap; version 16 gives no structure block size, so
     * there the check waits until the walk has found the END token.
     */
    if (fdt->version >= 17) {
        fdt->struct_size = limit;
        rc = fdt_check_layout(fdt, hdr_size, err);
        if (rc)
            return rc;
    }
    rc = fdt_check_struct(fdt, limit, err);
    if (rc)
        return rc;
    if (fdt->version >= 17 && fdt->struct_size != limit)
        return fdt_fail(err, "fdt: END token ends at struct offset 0x%x but the structure "
                        "block is 0x%x bytes", fdt->struct_size, limit);
    if (fdt->version < 17)
        rc = fdt_check_layout(fdt, hdr_size, err);
    if (!rc)
        rc = fdt_check_siblings(fdt, err);
    if (!rc)
        rc = fdt_check_phandles(fdt, err);
    return rc;
}

void fdt_rsv(const struct fdt *fdt, unsigned int i, uint64_t *address, uint64_t *size)
{
    const uint8_t *e = fdt->blob + fdt->rsvmap_off + i * sizeof(struct fdt_rsv_entry);

    ASSERT(i < fdt->nr_rsv);
    *address = fdt_be64(e);
    *size = fdt_be64(e + 8);
}

/* ---- Walking validated blobs --------------------------------------------- */

/* The offset of the token after the one at `off` (a node's first inner token for BEGIN_NODE). */
static uint32_t fdt_next_token(const struct fdt *fdt, uint32_t off)
{
    switch (fdt_tag(fdt, off)) {
    case FDT_TOKEN_BEGIN_NODE:
        return fdt_align4(off + FDT_TOKEN_SIZE +
                          (uint32_t)strlen((const char *)fdt_sp(fdt, off + FDT_TOKEN_SIZE)) + 1);
    case FDT_TOKEN_PROP:
        return fdt_align4(off + 12 + fdt_be32(fdt_sp(fdt, off + 4)));
    default:
        return off + FDT_TOKEN_SIZE;
    }
}

static uint32_t fdt_skip_nops(const struct fdt *fdt, uint32_t off)
{
    while (fdt_tag(fdt, off) == FDT_TOKEN_NOP)
        off += FDT_TOKEN_SIZE;
    return off;
}

/* The first token after a node's properties: a child's BEGIN_NODE or the END_NODE. */
static uint32_t fdt_after_props(const struct fdt *fdt, int node)
{
    uint32_t off = fdt_skip_nops(fdt, fdt_next_token(fdt, (uint32_t)node));

    while (fdt_tag(fdt, off) == FDT_TOKEN_PROP)
        off = fdt_skip_nops(fdt, fdt_next_token(fdt, off));
    return off;
}

/* The token after a node's END_NODE. */
static uint32_t fdt_skip_subtree(const struct fdt *fdt, int node)
{
    uint32_t off = (uint32_t)node;
    unsigned int depth = 0;

    for (;;) {
        switch (fdt_tag(fdt, off)) {
        case FDT_TOKEN_BEGIN_NODE:
            depth++;
            break;
        case FDT_TOKEN_END_NODE:
            if (--depth == 0)
                return off + FDT_TOKEN_SIZE;
            break;
        default:
            break;
        }
        off = fdt_next_token(fdt, off);
    }
}

const char *fdt_node_name(const struct fdt *fdt, int node)
{
    ASSERT(node >= 0 && fdt_tag(fdt, (uint32_t)node) == FDT_TOKEN_BEGIN_NODE);
    return (const char *)fdt_sp(fdt, (uint32_t)node + FDT_TOKEN_SIZE);
}

int fdt_first_child(const struct fdt *fdt, int node)
{
    uint32_t off;

    if (node < 0)
        return node;
    off = fdt_after_props(fdt, node);

    return fdt_tag(fdt, off) == FDT_TOKEN_BEGIN_NODE ? (int)off : -ENOENT;
}

int fdt_next_sibling(const struct fdt *fdt, int node)
{
    uint32_t off;

    if (node < 0)
        return node;
    off = fdt_skip_nops(fdt, fdt_skip_subtree(fdt, node));

    return fdt_tag(fdt, off) == FDT_TOKEN_BEGIN_NODE ? (int)off : -ENOENT;
}

int fdt_walk_next(const struct fdt *fdt, int node)
{
    uint32_t off;

    if (node < 0)
        return node;
    off = fdt_next_token(fdt, (uint32_t)node);

    for (;; off = fdt_next_token(fdt, off))
        switch (fdt_tag(fdt, off)) {
        case FDT_TOKEN_BEGIN_NODE:
            return (int)off;
        case FDT_TOKEN_END:
            return -ENOENT;
        default:
            break;
        }
}

int fdt_parent(const struct fdt *fdt, int node)
{
    uint32_t stack[FDT_MAX_DEPTH + 1];
    uint32_t off = fdt->root;
    int depth = -1;

    if (node < 0)
        return node;
    for (;; off = fdt_next_token(fdt, off))
        switch (fdt_tag(fdt, off)) {
        case FDT_TOKEN_BEGIN_NODE:
            if (off == (uint32_t)node)
                return depth >= 0 ? (int)stack[depth] : -ENOENT;
            stack[++depth] = off;
            break;
        case FDT_TOKEN_END_NODE:
            depth--;
            break;
        case FDT_TOKEN_END:
            return -ENOENT;
        default:
            break;
        }
}

static int fdt_find_child_namelen(const struct fdt *fdt, int node, const char *name, size_t len)
{
    bool has_unit = false;
    int child, loose = -ENOENT;
    size_t i;

    for (i = 0; i < len; i++)
        has_unit |= name[i] == '@';

    if (node < 0)
        return node;
    fdt_for_each_child(fdt, node, child) {
        const char *n = fdt_node_name(fdt, child);

        if (strncmp(n, name, len))
            continue;
        if (!n[len])
            return child;
        if (n[len] == '@' && !has_unit && loose < 0)
            loose = child;
    }
    return loose;
}

int fdt_find_child(const struct fdt *fdt, int node, const char *name)
{
    return fdt_find_child_namelen(fdt, node, name, strlen(name));
}

int fdt_find_node(const struct fdt *fdt, const char *path)
{
    int node = fdt_root(fdt);

    if (path[0] != '/')
        return -EINVAL;
    while (node >= 0) {
        const char *end;

        while (*path == '/')
            path++;
        if (!*path)
            break;
        end = strchr(path, '/');
        if (!end)
            end = path + strlen(path);
        node = fdt_find_child_namelen(fdt, node, path, (size_t)(end - path));
        path = end;
    }
    return node;
}

int fdt_find_compatible(const struct fdt *fdt, int from, const char *compat)
{
    int node = from < 0 ? fdt_root(fdt) : fdt_walk_next(fdt, from);

    for (; node >= 0; node = fdt_walk_next(fdt, node))
        if (fdt_node_is_compatible(fdt, node, compat))
            return node;
    return -ENOENT;
}

uint32_t fdt_node_phandle(const struct fdt *fdt, int node)
{
    uint32_t ph;

    if (!fdt_prop_u32(fdt, node, "phandle", &ph) ||
        !fdt_prop_u32(fdt, node, "linux,phandle", &ph))
        return ph;
    return FDT_PHANDLE_NONE;
}

int fdt_find_phandle(const struct fdt *fdt, uint32_t phandle)
{
    int node;

    if (phandle == FDT_PHANDLE_NONE || phandle == FDT_PHANDLE_BAD)
        return -EINVAL;
    for (node = fdt_root(fdt); node >= 0; node = fdt_walk_next(fdt, node))
        if (fdt_node_phandle(fdt, node) == phandle)
            return node;
    return -ENOENT;
}

bool fdt_node_is_compatible(const struct fdt *fdt, int node, const char *compat)
{
    return fdt_prop_has_string(fdt, node, "compatible", compat);
}

/* ---- Properties ---------------------------------------------------------- */

int fdt_first_prop(const struct fdt *fdt, int node)
{
    uint32_t off;

    if (node < 0)
        return node;
    off = fdt_skip_nops(fdt, fdt_next_token(fdt, (uint32_t)node));

    return fdt_tag(fdt, off) == FDT_TOKEN_PROP ? (int)off : -ENOENT;
}

int fdt_next_prop(const struct fdt *fdt, int prop)
{
    uint32_t off = fdt_skip_nops(fdt, fdt_next_token(fdt, (uint32_t)prop));

    return fdt_tag(fdt, off) == FDT_TOKEN_PROP ? (int)off : -ENOENT;
}

const void *fdt_prop_info(const struct fdt *fdt, int prop, const char **name, uint32_t *len)
{
    const uint8_t *p = fdt_sp(fdt, (uint32_t)prop);

    ASSERT(prop >= 0 && fdt_be32(p) == FDT_TOKEN_PROP);
    if (name)
        *name = fdt_string_at(fdt, fdt_be32(p + 8));
    if (len)
        *len = fdt_be32(p + 4);
    return p + 12;
}

const void *fdt_get_prop(const struct fdt *fdt, int node, const char *name, uint32_t *len)
{
    int prop;

    fdt_for_each_prop(fdt, node, prop) {
        const char *n;
        const void *v = fdt_prop_info(fdt, prop, &n, len);

        if (!strcmp(n, name))
            return v;
    }
    return NULL;
}

int fdt_prop_u32(const struct fdt *fdt, int node, const char *name, uint32_t *val)
{
    uint32_t len;
    const uint8_t *v = fdt_get_prop(fdt, node, name, &len);

    if (!v)
        return -ENOENT;
    if (len != 4)
        return -EINVAL;
    *val = fdt_be32(v);
    return 0;
}

int fdt_prop_u64(const struct fdt *fdt, int node, const char *name, uint64_t *val)
{
    uint32_t len;
    const uint8_t *v = fdt_get_prop(fdt, node, name, &len);

    if (!v)
        return -ENOENT;
    if (len != 8)
        return -EINVAL;
    *val = fdt_be64(v);
    return 0;
}

int fdt_prop_cell(const struct fdt *fdt, int node, const char *name, unsigned int i,
                  uint32_t *val)
{
    uint32_t len;
    const uint8_t *v = fdt_get_prop(fdt, node, name, &len);

    if (!v)
        return -ENOENT;
    if (len % 4 || i >= len / 4)
        return -EINVAL;
    *val = fdt_be32(v + 4 * i);
    return 0;
}

/* A value that is a list of NUL-terminated strings (at least one). */
static const char *fdt_string_list(const struct fdt *fdt, int node, const char *name,
                                   uint32_t *len, int *rc)
{
    const char *v = fdt_get_prop(fdt, node, name, len);

    *rc = !v ? -ENOENT : (!*len || v[*len - 1]) ? -EINVAL : 0;
    return *rc ? NULL : v;
}

int fdt_prop_string(const struct fdt *fdt, int node, const char *name, const char **str)
{
    uint32_t len;
    int rc;
    const char *v = fdt_string_list(fdt, node, name, &len, &rc);

    if (rc)
        return rc;
    if (strlen(v) != len - 1)
        return -EINVAL;
    *str = v;
    return 0;
}

int fdt_prop_string_index(const struct fdt *fdt, int node, const char *name, unsigned int i,
                          const char **str)
{
    uint32_t len, off = 0;
    int rc;
    const char *v = fdt_string_list(fdt, node, name, &len, &rc);

    if (rc)
        return rc;
    for (; off < len; off += (uint32_t)strlen(v + off) + 1)
        if (!i--) {
            *str = v + off;
            return 0;
        }
    return -ENOENT;
}

int fdt_prop_string_count(const struct fdt *fdt, int node, const char *name)
{
    uint32_t len, off;
    int rc, n = 0;
    const char *v = fdt_string_list(fdt, node, name, &len, &rc);

    if (rc)
        return rc;
    for (off = 0; off < len; off += (uint32_t)strlen(v + off) + 1)
        n++;
    return n;
}

bool fdt_prop_has_string(const struct fdt *fdt, int node, const char *name, const char *str)
{
    uint32_t len, off;
    int rc;
    const char *v = fdt_string_list(fdt, node, name, &len, &rc);

    if (rc)
        return false;
    for (off = 0; off < len; off += (uint32_t)strlen(v + off) + 1)
        if (!strcmp(v + off, str))
            return true;
    return false;
}

/* ---- Addresses ----------------------------------------------------------- */

static int fdt_node_cells(const struct fdt *fdt, int node, const char *name, uint32_t def)
{
    uint32_t v;
    int rc;

    if (node < 0)
        return node;
    rc = fdt_prop_u32(fdt, node, name, &v);

    if (rc == -ENOENT)
        return (int)def;
    if (rc || v > FDT_MAX_VALUE_CELLS)
        return -EINVAL;
    return (int)v;
}

int fdt_node_address_cells(const struct fdt *fdt, int node)
{
    return fdt_node_cells(fdt, node, "#address-cells", 2);
}

int fdt_node_size_cells(const struct fdt *fdt, int node)
{
    return fdt_node_cells(fdt, node, "#size-cells", 1);
}

int fdt_node_reg(const struct fdt *fdt, int node, unsigned int i, uint64_t *addr,
                 uint64_t *size)
{
    int parent = fdt_parent(fdt, node), ac, sc;
    const uint8_t *v;
    uint32_t len, entry;

    if (parent < 0)
        return -EINVAL;
    ac = fdt_node_address_cells(fdt, parent);
    sc = fdt_node_size_cells(fdt, parent);
    if (ac < 0 || sc < 0 || ac + sc == 0)
        return -EINVAL;
    v = fdt_get_prop(fdt, node, "reg", &len);
    if (!v)
        return -ENOENT;
    entry = 4 * (uint32_t)(ac + sc);
    if (len % entry)
        return -EINVAL;
    if (i >= len / entry)
        return -ENOENT;
    v += i * entry;
    *addr = fdt_read_cells(v, (unsigned int)ac);
    *size = fdt_read_cells(v + 4 * ac, (unsigned int)sc);
    return 0;
}
