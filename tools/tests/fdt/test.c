/*
 * Host tests of the device tree reader (common/lib/fdt.c).
 *
 * Blobs come from Debian's dtc, run at test time on the .dts files beside
 * this one, and every value the reader returns is compared with libfdt
 * walking the same blob.  Malformed blobs are built token by token here;
 * a fixed-seed fuzzer mutates valid ones.  Every blob is checked at the
 * very end of a malloc'd block so that AddressSanitizer sees any read
 * past what the reader was given.
 */
#include "test.h"
#include <xen/fdt.h>
#include <xen/errno.h>
#include <libfdt.h>
#include <limits.h>
#include <unistd.h>
#include <sys/stat.h>

static struct fdt F;
static const char *err;

/* ---- Files and dtc -------------------------------------------------------- */

static char tmpdir[64];

/* This directory: beside the source when run from tools/tests, else found from the binary. */
static const char *srcdir(void)
{
    static char dir[PATH_MAX];
    char exe[PATH_MAX - 64];
    ssize_t n;
    char *slash;

    if (dir[0])
        return dir;
    if (getenv("TEST_SRCDIR")) {
        snprintf(dir, sizeof(dir), "%s", getenv("TEST_SRCDIR"));
        return dir;
    }
    if (!access("fdt/hyperlaunch.dts", R_OK)) {
        snprintf(dir, sizeof(dir), "fdt");
        return dir;
    }
    n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
    if (n > 0) {
        exe[n] = 0;
        /* build/tests/fdt -> tools/tests/fdt */
        slash = strrchr(exe, '/');
        if (slash) {
            *slash = 0;
            snprintf(dir, sizeof(dir), "%s/../../tools/tests/fdt", exe);
        }
    }
    return dir;
}

static bool have_dtc(void)
{
    return !system("dtc --version >/dev/null 2>&1");
}

/* Compile a .dts from this directory with extra dtc options; NULL if dtc fails. */
static uint8_t *dtc(const char *dts, const char *opts, size_t *len)
{
    char cmd[PATH_MAX * 2 + 128], out[128];
    static unsigned int n;
    uint8_t *blob;

    if (!tmpdir[0]) {
        snprintf(tmpdir, sizeof(tmpdir), "/tmp/fdt-test-XXXXXX");
        if (!mkdtemp(tmpdir))
            return NULL;
    }
    snprintf(out, sizeof(out), "%s/%u.dtb", tmpdir, n++);
    snprintf(cmd, sizeof(cmd), "dtc -q -I dts -O dtb %s -o %s %s/%s", opts, out, srcdir(), dts);
    if (system(cmd))
        return NULL;
    blob = test_read_file(out, len);
    unlink(out);
    return blob;
}

/* A copy at the very end of its own allocation. */
static uint8_t *at_end(const void *blob, size_t len)
{
    uint8_t *p = malloc(len ? len : 1);

    memcpy(p, blob, len);
    return p;
}

static int check_blob(const void *blob, size_t len)
{
    uint8_t *copy = at_end(blob, len);
    int rc = fdt_check(&F, copy, len, &err);

    /* The reader keeps pointing into the copy; keep it alive until the next check. */
    static uint8_t *last;
    free(last);
    last = copy;
    return rc;
}

/* ---- Comparison with libfdt ----------------------------------------------- */

static char why[512];

#define MISMATCH(...) (snprintf(why, sizeof(why), __VA_ARGS__), why)

static uint32_t be32(const void *p)
{
    const uint8_t *b = p;

    return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
}

/* What #address-cells / #size-cells should read as, from libfdt's raw property. */
static int oracle_cells(const void *blob, int node, const char *name, int def)
{
    int len;
    const void *v = fdt_getprop(blob, node, name, &len);

    if (!v)
        return def;
    if (len != 4 || be32(v) > FDT_MAX_VALUE_CELLS)
        return -EINVAL;
    return (int)be32(v);
}

/* Whether a value is a well-formed list of NUL-terminated strings. */
static bool is_string_list(const char *v, int len)
{
    return v && len > 0 && !v[len - 1];
}

static const char *cmp_props(const struct fdt *f, const void *blob, int node)
{
    int lp = fdt_first_property_offset(blob, node), mp = fdt_first_prop(f, node);

    for (; lp >= 0 || mp >= 0; lp = fdt_next_property_offset(blob, lp), mp = fdt_next_prop(f, mp)) {
        const char *lname, *mname;
        int llen, cnt, i;
        uint32_t mlen, u32;
        uint64_t u64;
        const void *lv, *mv, *byname;
        const char *s;

        if (lp != mp)
            return MISMATCH("node 0x%x: property at 0x%x, libfdt 0x%x", node, mp, lp);
        lv = fdt_getprop_by_offset(blob, lp, &lname, &llen);
        mv = fdt_prop_info(f, mp, &mname, &mlen);
        if (!lv || strcmp(lname, mname) || (uint32_t)llen != mlen || memcmp(lv, mv, mlen))
            return MISMATCH("property 0x%x: %s/%u, libfdt %s/%d", mp, mname, mlen, lname, llen);
        byname = fdt_get_prop(f, node, mname, &mlen);
        if (byname != mv || fdt_getprop(blob, node, lname, &llen) != lv)
            return MISMATCH("property %s of node 0x%x not found by name", mname, node);

        /* Typed reads agree with the raw bytes. */
        if (fdt_prop_u32(f, node, mname, &u32) != (mlen == 4 ? 0 : -EINVAL) ||
            (mlen == 4 && u32 != be32(mv)))
            return MISMATCH("u32 read of %s", mname);
        if (fdt_prop_u64(f, node, mname, &u64) != (mlen == 8 ? 0 : -EINVAL) ||
            (mlen == 8 && u64 != ((uint64_t)be32(mv) << 32 | be32((const uint8_t *)mv + 4))))
            return MISMATCH("u64 read of %s", mname);
        for (i = 0; i <= (int)(mlen / 4); i++) {
            int rc = fdt_prop_cell(f, node, mname, (unsigned int)i, &u32);
            bool ok = !(mlen % 4) && i < (int)(mlen / 4);

            if (rc != (ok ? 0 : -EINVAL) || (ok && u32 != be32((const uint8_t *)mv + 4 * i)))
                return MISMATCH("cell %d of %s", i, mname);
        }
        if (is_string_list(mv, (int)mlen)) {
            cnt = fdt_stringlist_count(blob, node, lname);
            if (fdt_prop_string_count(f, node, mname) != cnt)
                return MISMATCH("string count of %s: %d, libfdt %d", mname,
                                fdt_prop_string_count(f, node, mname), cnt);
            for (i = 0; i < cnt; i++) {
                const char *ls = fdt_stringlist_get(blob, node, lname, i, NULL);

                if (fdt_prop_string_index(f, node, mname, (unsigned int)i, &s) || s != ls)
                    return MISMATCH("string %d of %s", i, mname);
                if (!fdt_prop_has_string(f, node, mname, ls))
                    return MISMATCH("string %d of %s not found", i, mname);
                if (!strcmp(mname, "compatible") &&
                    fdt_node_is_compatible(f, node, ls) != !fdt_node_check_compatible(blob, node, ls))
                    return MISMATCH("compatible \"%s\" of node 0x%x", ls, node);
            }
            if (fdt_prop_string_index(f, node, mname, (unsigned int)cnt, &s) != -ENOENT)
                return MISMATCH("string past the end of %s", mname);
            if (fdt_prop_string(f, node, mname, &s) != (cnt == 1 ? 0 : -EINVAL))
                return MISMATCH("single string %s", mname);
        } else {
            if (fdt_prop_string_count(f, node, mname) != -EINVAL ||
                fdt_prop_string(f, node, mname, &s) != -EINVAL ||
                fdt_prop_has_string(f, node, mname, ""))
                return MISMATCH("%s taken as a string", mname);
        }
    }
    {
        uint32_t len;
        uint32_t v;

        if (fdt_get_prop(f, node, "no-such-property", &len) ||
            fdt_prop_u32(f, node, "no-such-property", &v) != -ENOENT)
            return MISMATCH("absent property found");
    }
    return NULL;
}

/* Compare reg decoding with what the raw properties say. */
static const char *cmp_reg(const struct fdt *f, const void *blob, int node, int parent)
{
    int ac = parent >= 0 ? oracle_cells(blob, parent, "#address-cells", 2) : -EINVAL;
    int sc = parent >= 0 ? oracle_cells(blob, parent, "#size-cells", 1) : -EINVAL;
    int len, n = 0, i, want;
    const uint8_t *reg = fdt_getprop(blob, node, "reg", &len);
    uint64_t a, s;

    if (ac >= 0 && sc >= 0 && ac + sc && reg && !(len % (4 * (ac + sc))))
        n = len / (4 * (ac + sc));
    for (i = 0; i <= n; i++) {
        int rc = fdt_node_reg(f, node, (unsigned int)i, &a, &s);

        if (ac < 0 || sc < 0 || !(ac + sc))
            want = -EINVAL;
        else if (!reg)
            want = -ENOENT;
        else if (len % (4 * (ac + sc)))
            want = -EINVAL;
        else
            want = i < n ? 0 : -ENOENT;
        if (rc != want)
            return MISMATCH("reg %d of node 0x%x: rc %d, expected %d", i, node, rc, want);
        if (!rc) {
            const uint8_t *e = reg + 4 * (ac + sc) * i;
            uint64_t wa = ac == 2 ? (uint64_t)be32(e) << 32 | be32(e + 4) : ac ? be32(e) : 0;
            const uint8_t *se = e + 4 * ac;
            uint64_t ws = sc == 2 ? (uint64_t)be32(se) << 32 | be32(se + 4) : sc ? be32(se) : 0;

            if (a != wa || s != ws)
                return MISMATCH("reg %d of node 0x%x: 0x%lx/0x%lx, expected 0x%lx/0x%lx", i,
                                node, (unsigned long)a, (unsigned long)s, (unsigned long)wa,
                                (unsigned long)ws);
        }
    }
    return NULL;
}

static const char *cmp_node(const struct fdt *f, const void *blob, int node)
{
    char path[2048];
    int lparent = fdt_parent_offset(blob, node), lc, mc;
    const char *lname = fdt_get_name(blob, node, NULL), *r;
    uint32_t ph;

    if (!lname || strcmp(lname, fdt_node_name(f, node)))
        return MISMATCH("node 0x%x: name \"%s\", libfdt \"%s\"", node, fdt_node_name(f, node),
                        lname ? lname : "(error)");
    if (fdt_parent(f, node) != (lparent >= 0 ? lparent : -ENOENT))
        return MISMATCH("node 0x%x: parent %d, libfdt %d", node, fdt_parent(f, node), lparent);
    for (lc = fdt_first_subnode(blob, node), mc = fdt_first_child(f, node); lc >= 0 || mc >= 0;
         lc = fdt_next_subnode(blob, lc), mc = fdt_next_sibling(f, mc))
        if (lc != mc)
            return MISMATCH("node 0x%x: child %d, libfdt %d", node, mc, lc);
    if (fdt_get_path(blob, node, path, sizeof(path)) == 0 && fdt_find_node(f, path) != node)
        return MISMATCH("path %.300s: %d, expected 0x%x", path, fdt_find_node(f, path), node);
    ph = fdt_get_phandle(blob, node);
    if (fdt_node_phandle(f, node) != ph)
        return MISMATCH("node 0x%x: phandle 0x%x, libfdt 0x%x", node, fdt_node_phandle(f, node), ph);
    if (ph && (fdt_find_phandle(f, ph) != node || fdt_node_offset_by_phandle(blob, ph) != node))
        return MISMATCH("phandle 0x%x: node %d, libfdt %d, expected 0x%x", ph,
                        fdt_find_phandle(f, ph), fdt_node_offset_by_phandle(blob, ph), node);
    if (fdt_node_address_cells(f, node) != oracle_cells(blob, node, "#address-cells", 2) ||
        fdt_node_size_cells(f, node) != oracle_cells(blob, node, "#size-cells", 1))
        return MISMATCH("node 0x%x: cells %d/%d", node, fdt_node_address_cells(f, node),
                        fdt_node_size_cells(f, node));
    r = cmp_reg(f, blob, node, lparent);
    if (!r)
        r = cmp_props(f, blob, node);
    return r;
}

/* Not "": libfdt's list search then looks one byte past the property. */
static const char *const compat_probes[] = {
    "xen,domain", "multiboot,kernel", "multiboot,module", "test,general", "deep", "x",
};

/*
 * Everything the reader says about a blob, against libfdt reading the same
 * copy (so that pointers compare).  libfdt's parent lookups assume the root
 * at offset 0; blobs that start with a NOP are compared only by walks.
 */
static const char *cmp_tree(const struct fdt *f)
{
    const void *blob = f->blob;
    int depth = -1, max_depth = 0, ln, mn, i;
    unsigned int count = 0, k;
    const char *r;

    if (fdt_num_mem_rsv(blob) != (int)f->nr_rsv)
        return MISMATCH("%u reservations, libfdt %d", f->nr_rsv, fdt_num_mem_rsv(blob));
    for (i = 0; i < (int)f->nr_rsv; i++) {
        uint64_t la, ls, ma, ms;

        fdt_get_mem_rsv(blob, i, &la, &ls);
        fdt_rsv(f, (unsigned int)i, &ma, &ms);
        if (la != ma || ls != ms)
            return MISMATCH("reservation %d", i);
    }
    /* libfdt's walk ends when the depth drops below the root's. */
    for (ln = fdt_next_node(blob, -1, &depth), mn = fdt_root(f); (ln >= 0 && depth >= 0) || mn >= 0;
         ln = fdt_next_node(blob, ln, &depth), mn = fdt_walk_next(f, mn)) {
        if (depth < 0)
            ln = -FDT_ERR_NOTFOUND;
        if (ln != mn)
            return MISMATCH("walk: node %d, libfdt %d", mn, ln);
        if (depth > max_depth)
            max_depth = depth;
        count++;
        r = fdt_root(f) ? cmp_props(f, blob, mn) : cmp_node(f, blob, mn);
        if (r)
            return r;
    }
    if (count != f->nr_nodes || (uint32_t)max_depth != f->max_depth)
        return MISMATCH("%u nodes of depth %u, libfdt %u of depth %d", f->nr_nodes, f->max_depth,
                        count, max_depth);
    /*
     * Compatible searches: libfdt also matches inside a malformed list (one
     * without its final NUL), which is not a list here; skip those nodes.
     */
    for (k = 0; k < ARRAY_SIZE(compat_probes); k++) {
        int l = fdt_node_offset_by_compatible(blob, -1, compat_probes[k]);
        int m = fdt_find_compatible(f, -1, compat_probes[k]);

        for (;;) {
            int clen;
            const char *c;

            while (l >= 0) {
                c = fdt_getprop(blob, l, "compatible", &clen);
                if (is_string_list(c, clen))
                    break;
                l = fdt_node_offset_by_compatible(blob, l, compat_probes[k]);
            }
            if ((l >= 0 || m >= 0) && l != m)
                return MISMATCH("compatible \"%s\": %d, libfdt %d", compat_probes[k], m, l);
            if (l < 0)
                break;
            l = fdt_node_offset_by_compatible(blob, l, compat_probes[k]);
            m = fdt_find_compatible(f, m, compat_probes[k]);
        }
    }
    return NULL;
}

/* Call every accessor on every node of an accepted blob (for the fuzzer, no oracle). */
static unsigned int exercise(const struct fdt *f)
{
    unsigned int sum = 0, i;
    int node, child, prop;

    for (i = 0; i < f->nr_rsv; i++) {
        uint64_t a, s;

        fdt_rsv(f, i, &a, &s);
        sum += (unsigned int)(a + s);
    }
    for (node = fdt_root(f); node >= 0; node = fdt_walk_next(f, node)) {
        char path[4096];
        int chain[FDT_MAX_DEPTH + 1], n = 0, p;
        size_t at = 0;
        uint64_t a, s;
        uint32_t ph;

        /* Rebuild the path from the parents; it must lead back here. */
        for (p = node; p >= 0 && n <= FDT_MAX_DEPTH; p = fdt_parent(f, p))
            chain[n++] = p;
        while (--n > 0 && at < sizeof(path) - 300)
            at += (size_t)snprintf(path + at, sizeof(path) - at, "/%s",
                                   fdt_node_name(f, chain[n - 1]));
        if (at < sizeof(path) - 300) {
            if (!at)
                strcpy(path, "/");
            if (fdt_find_node(f, path) != node)
                sum += 1000000;
        }
        fdt_for_each_child(f, node, child)
            sum += (unsigned int)strlen(fdt_node_name(f, child));
        fdt_for_each_prop(f, node, prop) {
            const char *name, *str;
            uint32_t len, v;
            uint64_t v64;
            const uint8_t *val = fdt_prop_info(f, prop, &name, &len);

            if (len)
                sum += val[len - 1];
            if (fdt_get_prop(f, node, name, &len) != val)
                sum += 1000000;
            sum += (unsigned int)fdt_prop_u32(f, node, name, &v);
            sum += (unsigned int)fdt_prop_u64(f, node, name, &v64);
            sum += (unsigned int)fdt_prop_cell(f, node, name, 1, &v);
            sum += (unsigned int)fdt_prop_string(f, node, name, &str);
            sum += (unsigned int)fdt_prop_string_count(f, node, name);
            if (!fdt_prop_string_index(f, node, name, 1, &str))
                sum += (unsigned int)strlen(str);
            sum += fdt_prop_has_string(f, node, name, "xen,domain");
        }
        for (i = 0; i < 3; i++)
            sum += (unsigned int)fdt_node_reg(f, node, i, &a, &s);
        sum += (unsigned int)fdt_node_address_cells(f, node);
        sum += (unsigned int)fdt_node_size_cells(f, node);
        ph = fdt_node_phandle(f, node);
        if (ph && fdt_find_phandle(f, ph) != node)
            sum += 1000000;
        sum += fdt_node_is_compatible(f, node, "xen,domain");
    }
    for (node = fdt_find_compatible(f, -1, "xen,domain"); node >= 0;
         node = fdt_find_compatible(f, node, "xen,domain"))
        sum++;
    return sum;
}

/* ---- Blobs built token by token -------------------------------------------- */

struct bb {
    uint8_t st[65536];
    size_t sl;
    char str[4096];
    size_t strl;
};

static struct bb B;

static void put_be32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

static void bb_init(struct bb *b)
{
    b->sl = 0;
    b->strl = 0;
}

static void bb_word(struct bb *b, uint32_t v)
{
    put_be32(b->st + b->sl, v);
    b->sl += 4;
}

static void bb_bytes(struct bb *b, const void *d, size_t n)
{
    memcpy(b->st + b->sl, d, n);
    b->sl += n;
    while (b->sl % 4)
        b->st[b->sl++] = 0;
}

static void bb_begin(struct bb *b, const char *name)
{
    bb_word(b, FDT_TOKEN_BEGIN_NODE);
    bb_bytes(b, name, strlen(name) + 1);
}

static void bb_end(struct bb *b)
{
    bb_word(b, FDT_TOKEN_END_NODE);
}

static uint32_t bb_string(struct bb *b, const char *s)
{
    size_t off = 0, n = strlen(s) + 1;

    while (off < b->strl) {
        if (!strcmp(b->str + off, s))
            return (uint32_t)off;
        off += strlen(b->str + off) + 1;
    }
    memcpy(b->str + b->strl, s, n);
    b->strl += n;
    return (uint32_t)off;
}

static void bb_prop_raw(struct bb *b, uint32_t nameoff, const void *v, uint32_t len)
{
    bb_word(b, FDT_TOKEN_PROP);
    bb_word(b, len);
    bb_word(b, nameoff);
    bb_bytes(b, v, len);
}

static void bb_prop(struct bb *b, const char *name, const void *v, uint32_t len)
{
    bb_prop_raw(b, bb_string(b, name), v, len);
}

static void bb_prop_u32(struct bb *b, const char *name, uint32_t v)
{
    uint8_t c[4];

    put_be32(c, v);
    bb_prop(b, name, c, 4);
}

static void bb_fin(struct bb *b)
{
    bb_word(b, FDT_TOKEN_END);
}

#define H_MAGIC      0
#define H_TOTALSIZE  4
#define H_OFF_STRUCT 8
#define H_OFF_STR    12
#define H_OFF_RSV    16
#define H_VERSION    20
#define H_LAST_COMP  24
#define H_CPUID      28
#define H_SIZE_STR   32
#define H_SIZE_ST    36

/* header | reservations + terminator | structure block | strings */
static size_t bb_blob(const struct bb *b, uint8_t *out, const uint64_t *rsv, unsigned int nrsv)
{
    size_t rsv_off = 40, st_off = rsv_off + 16 * (nrsv + 1), str_off = st_off + b->sl;
    size_t total = str_off + b->strl;
    unsigned int i;

    memset(out, 0, total);
    put_be32(out + H_MAGIC, FDT_HDR_MAGIC);
    put_be32(out + H_TOTALSIZE, (uint32_t)total);
    put_be32(out + H_OFF_STRUCT, (uint32_t)st_off);
    put_be32(out + H_OFF_STR, (uint32_t)str_off);
    put_be32(out + H_OFF_RSV, (uint32_t)rsv_off);
    put_be32(out + H_VERSION, 17);
    put_be32(out + H_LAST_COMP, 16);
    put_be32(out + H_SIZE_STR, (uint32_t)b->strl);
    put_be32(out + H_SIZE_ST, (uint32_t)b->sl);
    for (i = 0; i < 2 * nrsv; i++) {
        put_be32(out + rsv_off + 8 * i, (uint32_t)(rsv[i] >> 32));
        put_be32(out + rsv_off + 8 * i + 4, (uint32_t)rsv[i]);
    }
    memcpy(out + st_off, b->st, b->sl);
    memcpy(out + str_off, b->str, b->strl);
    return total;
}

static uint8_t blob_buf[1 << 17];

/* Check the built blob; expect failure with `msg` in the error, or success if msg is NULL. */
static void expect_built(const struct bb *b, const char *msg)
{
    size_t len = bb_blob(b, blob_buf, NULL, 0);
    int rc = check_blob(blob_buf, len);

    if (!msg) {
        CHECK(rc == 0, "rc %d: %s", rc, err ? err : "");
        return;
    }
    CHECK(rc == -EINVAL, "rc %d, expected failure with \"%s\"", rc, msg);
    CHECK(err && strstr(err, msg), "error \"%s\", expected \"%s\"", err ? err : "(none)", msg);
}

/* ---- Tests ------------------------------------------------------------------- */

static uint8_t *hl_blob, *gen_blob;
static size_t hl_len, gen_len;
static bool dtc_ok;

static void need_blobs(void)
{
    static bool done;

    if (done)
        return;
    done = true;
    dtc_ok = have_dtc();
    if (!dtc_ok) {
        printf("SKIP: dtc (device-tree-compiler) not installed: blobs from .dts not tested\n");
        return;
    }
    hl_blob = dtc("hyperlaunch.dts", "", &hl_len);
    gen_blob = dtc("general.dts", "", &gen_len);
    if (!hl_blob || !gen_blob) {
        printf("FAIL: dtc could not compile the .dts files in %s\n", srcdir());
        dtc_ok = false;
    }
}

/* Domain nodes below /chosen/hypervisor, as the domain builder will read them. */
static void test_hyperlaunch(void)
{
    int hv, dom, kernel, ev, peer, n = 0, node, rc;
    uint32_t v, len;
    uint64_t v64, a, s;
    const char *str;
    const uint8_t *uuid;
    static const uint32_t domids[] = { 0, 1, 0x7ff0 };

    need_blobs();
    CHECK(dtc_ok, "dtc needed");
    if (!dtc_ok)
        return;
    rc = check_blob(hl_blob, hl_len);
    CHECK(rc == 0, "rc %d: %s", rc, err);
    if (rc)
        return;
    CHECK(cmp_tree(&F) == NULL, "%s", why);
    CHECK_EQ(F.version, 17);
    CHECK_EQ(F.nr_rsv, 2);
    fdt_rsv(&F, 1, &a, &s);
    CHECK(a == 0x100000000ULL && s == 0x80000000ULL, "reservation 1: %lx %lx", (long)a, (long)s);

    hv = fdt_find_node(&F, "/chosen/hypervisor");
    CHECK(hv > 0, "hypervisor node %d", hv);
    CHECK(fdt_node_is_compatible(&F, hv, "hypervisor,xen"), "hypervisor compatible");
    CHECK(!fdt_node_is_compatible(&F, hv, "hypervisor"), "prefix is not a match");
    CHECK(!fdt_prop_string(&F, fdt_find_child(&F, hv, "config"), "bootargs", &str) &&
              !strcmp(str, "dom0_mem=1G"), "xen,config bootargs");

    fdt_for_each_child(&F, hv, dom) {
        if (!fdt_node_is_compatible(&F, dom, "xen,domain"))
            continue;
        CHECK(!fdt_prop_u32(&F, dom, "domid", &v) && v == domids[n], "domid %u of domain %d", v, n);
        n++;
    }
    CHECK_EQ(n, 3);

    dom = fdt_find_node(&F, "/chosen/hypervisor/domain@0");
    CHECK(!fdt_prop_u64(&F, dom, "memory", &v64) && v64 == 1048576, "memory");
    CHECK(!fdt_prop_u64(&F, dom, "mem-max", &v64) && v64 == 2097152, "mem-max");
    CHECK(!fdt_prop_u32(&F, dom, "capabilities", &v) && v == 1, "capabilities");
    CHECK(!fdt_prop_string(&F, dom, "domain-name", &str) && !strcmp(str, "control"), "name");
    uuid = fdt_get_prop(&F, dom, "domain-uuid", &len);
    CHECK(uuid && len == 16 && uuid[0] == 0 && uuid[15] == 0xff, "uuid");
    CHECK_EQ(fdt_prop_u32(&F, dom, "mode", &v), 0);
    CHECK_EQ(fdt_prop_u32(&F, dom, "nonexistent", &v), -ENOENT);
    CHECK_EQ(fdt_prop_u64(&F, dom, "cpus", &v64), -EINVAL);     /* a u32 */
    CHECK_EQ(fdt_prop_u32(&F, dom, "memory", &v), -EINVAL);     /* a u64 */

    kernel = fdt_find_child(&F, dom, "kernel");
    CHECK(fdt_node_is_compatible(&F, kernel, "multiboot,kernel") &&
              fdt_node_is_compatible(&F, kernel, "multiboot,module") &&
              !fdt_node_is_compatible(&F, kernel, "multiboot,ramdisk"), "kernel compatible");
    CHECK_EQ(fdt_prop_string_count(&F, kernel, "compatible"), 2);
    CHECK(!fdt_prop_u32(&F, kernel, "module-index", &v) && v == 1, "module-index");
    CHECK(!fdt_prop_string(&F, kernel, "bootargs", &str) &&
              !strcmp(str, "console=hvc0 root=/dev/ram0"), "bootargs");
    CHECK_EQ(fdt_prop_string(&F, kernel, "compatible", &str), -EINVAL);  /* two strings */
    CHECK_EQ(fdt_node_reg(&F, kernel, 0, &a, &s), -ENOENT);

    /* Static event channel: <local-port &peer>, and the peer points back. */
    ev = fdt_find_child(&F, dom, "evtchn");
    CHECK(!fdt_prop_cell(&F, ev, "xen,evtchn", 0, &v) && v == 10, "local port");
    CHECK(!fdt_prop_cell(&F, ev, "xen,evtchn", 1, &v), "peer phandle");
    peer = fdt_find_phandle(&F, v);
    CHECK_EQ(peer, fdt_find_node(&F, "/chosen/hypervisor/domain@1/evtchn"));
    CHECK(!fdt_prop_cell(&F, peer, "xen,evtchn", 1, &v) && fdt_find_phandle(&F, v) == dom,
          "peer's peer");
    CHECK_EQ(fdt_prop_cell(&F, ev, "xen,evtchn", 2, &v), -EINVAL);
    CHECK_EQ(fdt_parent(&F, peer), fdt_find_node(&F, "/chosen/hypervisor/domain@1"));

    kernel = fdt_find_node(&F, "/chosen/hypervisor/domain@1/kernel");
    CHECK(!fdt_node_reg(&F, kernel, 0, &a, &s) && a == 0x2000000 && s == 0x800000, "reg");
    CHECK_EQ(fdt_node_reg(&F, kernel, 1, &a, &s), -ENOENT);

    dom = fdt_find_node(&F, "/chosen/hypervisor/domain@7ff0");
    CHECK_EQ(fdt_prop_u64(&F, dom, "memory", &v64), -EINVAL);

    /* dom0less style: every xen,domain in document order, including /chosen/domU1. */
    n = 0;
    for (node = fdt_find_compatible(&F, -1, "xen,domain"); node >= 0;
         node = fdt_find_compatible(&F, node, "xen,domain"))
        n++;
    CHECK_EQ(n, 4);
    node = fdt_find_node(&F, "/chosen/domU1/module@3000000");
    CHECK(!fdt_node_reg(&F, node, 0, &a, &s) && a == 0x3000000 && s == 0x1000000, "domU reg");
    CHECK(!fdt_prop_u32(&F, fdt_find_node(&F, "/chosen/domU1"), "domain-cpupool", &v) &&
              fdt_find_phandle(&F, v) == fdt_find_node(&F, "/chosen/cpupool"), "cpupool");

    node = fdt_find_node(&F, "/memory@0");
    CHECK(!fdt_node_reg(&F, node, 1, &a, &s) && a == 0x100000000ULL && s == 0x40000000,
          "root cells 2/1");
    node = fdt_find_node(&F, "/cpus/cpu@3");
    CHECK(!fdt_node_reg(&F, node, 0, &a, &s) && a == 3 && s == 0, "size-cells 0");
    CHECK_EQ(fdt_node_reg(&F, fdt_root(&F), 0, &a, &s), -EINVAL);
}

static void test_general(void)
{
    int root, n, node, rc;
    uint32_t v, len;
    uint64_t a, s;
    const char *str;
    char path[256];

    need_blobs();
    CHECK(dtc_ok, "dtc needed");
    if (!dtc_ok)
        return;
    rc = check_blob(gen_blob, gen_len);
    CHECK(rc == 0, "rc %d: %s", rc, err);
    if (rc)
        return;
    CHECK(cmp_tree(&F) == NULL, "%s", why);
    root = fdt_root(&F);
    CHECK_EQ(fdt_prop_string_count(&F, root, "compatible"), 3);
    CHECK(!fdt_prop_string_index(&F, root, "compatible", 1, &str) && !*str, "empty string");
    CHECK(fdt_node_is_compatible(&F, root, "test,second"), "third compatible");
    CHECK(fdt_node_is_compatible(&F, root, ""), "empty compatible");
    CHECK(fdt_get_prop(&F, root, "empty", &len) && len == 0, "empty property");
    CHECK_EQ(fdt_prop_string(&F, root, "empty", &str), -EINVAL);
    CHECK_EQ(fdt_prop_string_count(&F, root, "empty"), -EINVAL);
    CHECK_EQ(fdt_prop_u32(&F, root, "empty", &v), -EINVAL);
    CHECK_EQ(fdt_prop_string(&F, root, "not-terminated", &str), -EINVAL);
    CHECK(!fdt_prop_has_string(&F, root, "not-terminated", "abc"), "unterminated list");
    CHECK_EQ(fdt_prop_string_count(&F, root, "strings"), 4);
    CHECK(!fdt_prop_string_index(&F, root, "strings", 3, &str) && !strcmp(str, "def"), "4th");
    CHECK_EQ(fdt_prop_string_index(&F, root, "strings", 4, &str), -ENOENT);
    CHECK_EQ(fdt_prop_u32(&F, root, "one-byte", &v), -EINVAL);
    CHECK_EQ(fdt_prop_cell(&F, root, "five-bytes", 0, &v), -EINVAL);
    CHECK(!fdt_prop_cell(&F, root, "cells", 7, &v) && v == 8, "cell 7");

    node = fdt_find_node(&F, "/bus@1000/dev@ffff00000000");
    CHECK(!fdt_node_reg(&F, node, 0, &a, &s) && a == 0xffff00000000ULL && s == 0x100000000ULL,
          "2/2 cells");
    node = fdt_find_node(&F, "/bus@1000");
    CHECK(!fdt_node_reg(&F, node, 1, &a, &s) && a == 0x2000 && s == 0x200, "1/1 cells");
    node = fdt_find_node(&F, "/nosize/item@5");
    CHECK(!fdt_node_reg(&F, node, 2, &a, &s) && a == 7 && s == 0, "1/0 cells");
    CHECK_EQ(fdt_node_reg(&F, node, 3, &a, &s), -ENOENT);
    CHECK_EQ(fdt_node_reg(&F, fdt_find_node(&F, "/badcells/child"), 0, &a, &s), -EINVAL);
    CHECK_EQ(fdt_node_address_cells(&F, fdt_find_node(&F, "/badcells")), -EINVAL);
    CHECK_EQ(fdt_node_reg(&F, fdt_find_node(&F, "/oddcells/child"), 0, &a, &s), -EINVAL);

    /* Names without a unit address: the exact name wins, else the first "name@...". */
    node = fdt_find_node(&F, "/memory");
    CHECK(!fdt_prop_string(&F, node, "marker", &str) && !strcmp(str, "exact"), "exact name");
    node = fdt_find_node(&F, "/memory@0");
    CHECK(!fdt_prop_string(&F, node, "marker", &str) && !strcmp(str, "unit"), "unit name");
    CHECK_EQ(fdt_find_node(&F, "/serial"), fdt_find_node(&F, "/serial@3f8"));
    CHECK(fdt_find_node(&F, "/serial") > 0, "serial");
    CHECK_EQ(fdt_find_node(&F, "/serial@3f9"), -ENOENT);
    CHECK_EQ(fdt_find_node(&F, "/seria"), -ENOENT);
    CHECK_EQ(fdt_find_node(&F, "/"), root);
    CHECK_EQ(fdt_find_node(&F, "//bus@1000//dev@ffff00000000/"),
             fdt_find_node(&F, "/bus@1000/dev@ffff00000000"));
    CHECK_EQ(fdt_find_node(&F, "bus@1000"), -EINVAL);
    CHECK_EQ(fdt_find_node(&F, "/bus@1000/nothing"), -ENOENT);
    CHECK_EQ(fdt_find_node(&F, "/empty"), -ENOENT);     /* a property, not a node */

    /* A failed lookup passes through the next one. */
    CHECK_EQ(fdt_find_child(&F, fdt_find_node(&F, "/nothing"), "x"), -ENOENT);
    CHECK_EQ(fdt_find_child(&F, -EINVAL, "x"), -EINVAL);
    CHECK_EQ(fdt_first_child(&F, -ENOENT), -ENOENT);
    CHECK_EQ(fdt_next_sibling(&F, -ENOENT), -ENOENT);
    CHECK_EQ(fdt_walk_next(&F, -ENOENT), -ENOENT);
    CHECK_EQ(fdt_parent(&F, -ENOENT), -ENOENT);
    CHECK_EQ(fdt_first_prop(&F, -ENOENT), -ENOENT);
    CHECK(!fdt_get_prop(&F, -ENOENT, "compatible", &len), "property of no node");
    CHECK_EQ(fdt_prop_u32(&F, -ENOENT, "v", &v), -ENOENT);
    CHECK(!fdt_node_is_compatible(&F, -ENOENT, "test,general"), "compatible of no node");
    CHECK_EQ(fdt_node_phandle(&F, -ENOENT), FDT_PHANDLE_NONE);
    CHECK_EQ(fdt_node_address_cells(&F, -ENOENT), -ENOENT);
    CHECK_EQ(fdt_node_reg(&F, -ENOENT, 0, &a, &s), -EINVAL);

    CHECK_EQ(fdt_find_phandle(&F, 0x1234), fdt_find_node(&F, "/legacy"));
    CHECK(!fdt_prop_u32(&F, fdt_find_node(&F, "/ref"), "target", &v) && v == 0x1234, "ref");
    CHECK_EQ(fdt_find_phandle(&F, 0x55), fdt_find_node(&F, "/both"));
    CHECK_EQ(fdt_find_phandle(&F, 0x56), -ENOENT);
    CHECK_EQ(fdt_find_phandle(&F, 0), -EINVAL);
    CHECK_EQ(fdt_find_phandle(&F, 0xffffffff), -EINVAL);

    strcpy(path, "");
    for (n = 1; n <= 20; n++)
        sprintf(path + strlen(path), "/l%d", n);
    node = fdt_find_node(&F, path);
    CHECK(node > 0 && fdt_node_is_compatible(&F, node, "deep"), "deep node %d", node);
    CHECK_EQ(F.max_depth, 20);

    n = 0;
    fdt_for_each_child(&F, fdt_find_node(&F, "/fan"), node) {
        if (fdt_prop_u32(&F, node, "v", &v))
            continue;
        CHECK_EQ((int)v, n);
        n++;
    }
    CHECK_EQ(n, 12);
    CHECK_EQ(fdt_find_compatible(&F, -1, "test,general"), root);
    CHECK_EQ(fdt_find_compatible(&F, root, "test,general"), fdt_find_node(&F, "/fan/c12"));
    CHECK_EQ(fdt_find_compatible(&F, fdt_find_node(&F, "/fan/c12"), "test,general"), -ENOENT);
}

/* The same sources through dtc's other output shapes. */
static void test_dtc_variants(void)
{
    static const char *const opts[] = {
        "-V 16", "-V 17", "-p 1024", "-R 4", "-a 64", "-s", "-@", "-H epapr", "-R 2 -p 8 -V 16",
    };
    static const char *const files[] = { "hyperlaunch.dts", "general.dts" };
    unsigned int i, j;

    need_blobs();
    CHECK(dtc_ok, "dtc needed");
    if (!dtc_ok)
        return;
    for (j = 0; j < ARRAY_SIZE(files); j++)
        for (i = 0; i < ARRAY_SIZE(opts); i++) {
            size_t len;
            uint8_t *b = dtc(files[j], opts[i], &len);
            int rc;

            CHECK(b, "dtc %s %s", opts[i], files[j]);
            if (!b)
                continue;
            rc = check_blob(b, len);
            CHECK(rc == 0, "%s %s: rc %d: %s", files[j], opts[i], rc, err);
            if (!rc)
                CHECK(cmp_tree(&F) == NULL, "%s %s: %s", files[j], opts[i], why);
            if (!strncmp(opts[i], "-V 16", 5))
                CHECK_EQ(F.version, 16);
            free(b);
        }
}

/* Layouts libfdt writes: NOPs from deletions, free space, blocks moved, sequential write. */
static void test_libfdt_layouts(void)
{
    static uint8_t buf[65536];
    int node, rc, i;

    need_blobs();
    CHECK(dtc_ok, "dtc needed");
    if (!dtc_ok)
        return;

    /* NOP'ed properties and nodes in place. */
    memcpy(buf, hl_blob, hl_len);
    CHECK_EQ(fdt_nop_property(buf, fdt_path_offset(buf, "/chosen/hypervisor/domain@0"), "mode"), 0);
    CHECK_EQ(fdt_nop_property(buf, fdt_path_offset(buf, "/chosen/hypervisor/domain@0"),
                              "compatible"), 0);
    CHECK_EQ(fdt_nop_node(buf, fdt_path_offset(buf, "/chosen/hypervisor/config")), 0);
    CHECK_EQ(fdt_nop_node(buf, fdt_path_offset(buf, "/cpus/cpu@2")), 0);
    CHECK_EQ(fdt_nop_property(buf, 0, "model"), 0);
    rc = check_blob(buf, hl_len);
    CHECK(rc == 0, "NOPs: rc %d: %s", rc, err);
    if (!rc) {
        CHECK(cmp_tree(&F) == NULL, "NOPs: %s", why);
        node = fdt_find_node(&F, "/chosen/hypervisor/domain@0");
        CHECK(!fdt_node_is_compatible(&F, node, "xen,domain"), "NOP'ed compatible");
        CHECK_EQ(fdt_find_node(&F, "/cpus/cpu@2"), -ENOENT);
        CHECK(fdt_find_node(&F, "/cpus/cpu@3") > 0, "sibling after a NOP'ed node");
    }

    /* Opened for writing: free space after the strings, then edits that move things. */
    CHECK_EQ(fdt_open_into(hl_blob, buf, sizeof(buf)), 0);
    node = fdt_path_offset(buf, "/chosen/hypervisor/domain@1");
    CHECK_EQ(fdt_setprop_string(buf, node, "domain-name", "a much longer name than before"), 0);
    CHECK_EQ(fdt_setprop_u32(buf, node, "new-property", 42), 0);
    CHECK(fdt_add_subnode(buf, node, "added@1") >= 0, "add node");
    CHECK_EQ(fdt_del_node(buf, fdt_path_offset(buf, "/chosen/domU1/vcpu0")), 0);
    rc = check_blob(buf, fdt_totalsize(buf));
    CHECK(rc == 0, "open_into: rc %d: %s", rc, err);
    if (!rc)
        CHECK(cmp_tree(&F) == NULL, "open_into: %s", why);
    CHECK_EQ(fdt_pack(buf), 0);
    rc = check_blob(buf, fdt_totalsize(buf));
    CHECK(rc == 0, "pack: rc %d: %s", rc, err);
    if (!rc)
        CHECK(cmp_tree(&F) == NULL, "pack: %s", why);

    /* Sequential write, with the strings block ahead of the structure block. */
    CHECK_EQ(fdt_create(buf, sizeof(buf)), 0);
    fdt_add_reservemap_entry(buf, 0x1000, 0x1000);
    fdt_finish_reservemap(buf);
    fdt_begin_node(buf, "");
    fdt_property_string(buf, "compatible", "xen,domain");
    for (i = 0; i < 40; i++) {
        char name[16];

        snprintf(name, sizeof(name), "n@%x", i);
        fdt_begin_node(buf, name);
        fdt_property_u32(buf, "v", (uint32_t)i);
        fdt_end_node(buf);
    }
    fdt_end_node(buf);
    CHECK_EQ(fdt_finish(buf), 0);
    rc = check_blob(buf, fdt_totalsize(buf));
    CHECK(rc == 0, "sequential write: rc %d: %s", rc, err);
    if (!rc) {
        CHECK(cmp_tree(&F) == NULL, "sequential write: %s", why);
        CHECK_EQ(F.nr_nodes, 41);
    }
}

/* Every prefix of a real blob, given as what is readable and as its totalsize. */
static void test_truncated(void)
{
    static uint8_t buf[65536];
    size_t n;
    unsigned int bad = 0, bad_msg = 0;

    need_blobs();
    CHECK(dtc_ok, "dtc needed");
    if (!dtc_ok)
        return;
    for (n = 0; n < hl_len; n++) {
        int rc = check_blob(hl_blob, n);

        if (rc != (n < 4 ? -ENOEXEC : -EINVAL))
            bad++;
        if (!err || strncmp(err, "fdt: ", 5))
            bad_msg++;
        if (n >= 40) {
            memcpy(buf, hl_blob, n);
            put_be32(buf + H_TOTALSIZE, (uint32_t)n);
            if (check_blob(buf, n) != -EINVAL)
                bad++;
        }
    }
    CHECK_EQ(bad, 0);
    CHECK_EQ(bad_msg, 0);
    CHECK_EQ(check_blob(hl_blob, hl_len), 0);
    /* More readable than totalsize is fine. */
    memcpy(buf, hl_blob, hl_len);
    memset(buf + hl_len, 0xa5, 100);
    CHECK_EQ(check_blob(buf, hl_len + 100), 0);
}

struct hdr_case {
    size_t field;
    uint32_t value;
    int rc;
    const char *msg;
};

static void test_header(void)
{
    static uint8_t buf[65536];
    uint32_t total, st, str, st_size;
    unsigned int f, k, bad = 0;

    need_blobs();
    CHECK(dtc_ok, "dtc needed");
    if (!dtc_ok)
        return;
    total = be32(hl_blob + H_TOTALSIZE);
    st = be32(hl_blob + H_OFF_STRUCT);
    str = be32(hl_blob + H_OFF_STR);
    st_size = be32(hl_blob + H_SIZE_ST);
    {
        const struct hdr_case cases[] = {
            { H_MAGIC, 0xd00dfeee, -ENOEXEC, "no magic" },
            { H_VERSION, 15, -EINVAL, "older than 16" },
            { H_LAST_COMP, 18, -EINVAL, "needs a reader of version 18" },
            { H_TOTALSIZE, 39, -EINVAL, "smaller than" },
            { H_TOTALSIZE, total + 1, -EINVAL, "beyond the 0x" },
            { H_TOTALSIZE, 0x80000000, -EINVAL, "beyond the maximum" },
            { H_OFF_RSV, 8, -EINVAL, "memory reservation map offset" },
            { H_OFF_RSV, 44, -EINVAL, "not 8-aligned" },
            { H_OFF_RSV, total, -EINVAL, "memory reservation map offset" },
            { H_OFF_RSV, total - 6, -EINVAL, "runs past totalsize" },
            { H_OFF_RSV, st, -EINVAL, "memory reservation" },
            { H_OFF_STRUCT, 6, -EINVAL, "structure block offset" },
            { H_OFF_STRUCT, st + 2, -EINVAL, "not 4-aligned" },
            { H_OFF_STRUCT, total, -EINVAL, "structure block offset" },
            { H_OFF_STRUCT, total - 6, -EINVAL, "structure block [" },
            { H_OFF_STRUCT, 0xfffffffc, -EINVAL, "structure block offset" },
            { H_SIZE_ST, st_size + 2, -EINVAL, "not a multiple of 4" },
            { H_SIZE_ST, st_size + 4, -EINVAL, "overlaps the strings block" },
            { H_SIZE_ST, st_size - 4, -EINVAL, "no END token" },
            { H_SIZE_ST, 0xfffffff0, -EINVAL, "structure block [" },
            { H_OFF_STR, 0, -EINVAL, "strings block" },
            { H_OFF_STR, st, -EINVAL, "overlaps" },
            { H_OFF_STR, total, -EINVAL, "strings block" },
            { H_OFF_STR, 0xffffffff, -EINVAL, "strings block" },
            { H_SIZE_STR, total - str + 1, -EINVAL, "strings block" },
            { H_SIZE_STR, 3, -EINVAL, "not terminated inside the strings block" },
            { H_SIZE_STR, 0, -EINVAL, "name offset 0x0 is beyond" },
            { H_CPUID, 0xffffffff, 0, NULL },
        };

        for (k = 0; k < ARRAY_SIZE(cases); k++) {
            int rc;

            memcpy(buf, hl_blob, hl_len);
            put_be32(buf + cases[k].field, cases[k].value);
            rc = check_blob(buf, hl_len);
            CHECK(rc == cases[k].rc, "field %zu = 0x%x: rc %d, expected %d (%s)", cases[k].field,
                  cases[k].value, rc, cases[k].rc, err ? err : "");
            if (cases[k].msg)
                CHECK(err && strstr(err, cases[k].msg), "field %zu = 0x%x: \"%s\", expected \"%s\"",
                      cases[k].field, cases[k].value, err ? err : "(none)", cases[k].msg);
        }
    }

    /* Every field at values around every boundary: any outcome but a crash or a silent lie. */
    for (f = 4; f < 40; f += 4) {
        const uint32_t vals[] = { 0, 1, 3, 4, 8, 16, 36, 40, 41, 44, st, st + 4, str, str - 1,
                                  total - 1, total, total + 4, 0x7fffffff, 0x80000000,
                                  0xfffffffc, 0xffffffff };

        for (k = 0; k < ARRAY_SIZE(vals); k++) {
            int rc;

            memcpy(buf, hl_blob, hl_len);
            put_be32(buf + f, vals[k]);
            rc = check_blob(buf, hl_len);
            if (rc && (!err || strncmp(err, "fdt: ", 5)))
                bad++;
            if (!rc)
                exercise(&F);
        }
    }
    CHECK_EQ(bad, 0);
}

/* Malformed structure blocks, one fault each. */
static void test_malformed(void)
{
    uint8_t junk[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };
    unsigned int i;

    bb_init(&B); bb_begin(&B, ""); bb_end(&B); bb_fin(&B);
    expect_built(&B, NULL);

    bb_init(&B); bb_begin(&B, ""); bb_prop_u32(&B, "a", 1); bb_begin(&B, "c"); bb_end(&B);
    bb_end(&B); bb_fin(&B);
    expect_built(&B, NULL);

    /* Names running to the end of the structure block: the root's, a child's. */
    bb_init(&B); bb_word(&B, FDT_TOKEN_BEGIN_NODE); bb_word(&B, 0x41414141);
    bb_word(&B, 0x41414141);
    expect_built(&B, "not terminated inside the structure block");
    bb_init(&B); bb_begin(&B, ""); bb_word(&B, FDT_TOKEN_BEGIN_NODE); bb_word(&B, 0x61616161);
    expect_built(&B, "not terminated inside the structure block");

    bb_init(&B); bb_begin(&B, "root"); bb_end(&B); bb_fin(&B);
    expect_built(&B, "not the empty name");
    bb_init(&B); bb_begin(&B, ""); bb_begin(&B, ""); bb_end(&B); bb_end(&B); bb_fin(&B);
    expect_built(&B, "empty name");
    bb_init(&B); bb_begin(&B, ""); bb_begin(&B, "a/b"); bb_end(&B); bb_end(&B); bb_fin(&B);
    expect_built(&B, "contains '/'");

    /* Property headers and values. */
    bb_init(&B); bb_begin(&B, ""); bb_string(&B, "x"); bb_prop_raw(&B, 2, junk, 4); bb_end(&B);
    bb_fin(&B);
    expect_built(&B, "name offset 0x2 is beyond the strings block");
    bb_init(&B); bb_begin(&B, ""); bb_prop_u32(&B, "x", 1); bb_end(&B); bb_fin(&B);
    B.str[1] = 'y';     /* name at 0 loses its NUL */
    expect_built(&B, "is not terminated inside the strings block");
    bb_init(&B); bb_begin(&B, ""); bb_string(&B, ""); bb_prop_raw(&B, 0, junk, 4); bb_end(&B);
    bb_fin(&B);
    expect_built(&B, "empty name");
    bb_init(&B); bb_begin(&B, ""); bb_word(&B, FDT_TOKEN_PROP); bb_word(&B, 100);
    bb_word(&B, bb_string(&B, "x")); bb_end(&B); bb_fin(&B);
    expect_built(&B, "length 0x64 runs past");
    bb_init(&B); bb_begin(&B, ""); bb_word(&B, FDT_TOKEN_PROP); bb_word(&B, 0xfffffff8);
    bb_word(&B, bb_string(&B, "x")); bb_end(&B); bb_fin(&B);
    expect_built(&B, "runs past the structure block");
    bb_init(&B); bb_begin(&B, ""); bb_word(&B, FDT_TOKEN_PROP); bb_word(&B, 0);
    expect_built(&B, "property header at struct offset 0x8 runs past");

    /* Tokens and nesting. */
    bb_init(&B); bb_begin(&B, ""); bb_word(&B, 5); bb_end(&B); bb_fin(&B);
    expect_built(&B, "unknown token 0x5 at struct offset 0x8");
    bb_init(&B); bb_begin(&B, ""); bb_word(&B, 0); bb_end(&B); bb_fin(&B);
    expect_built(&B, "unknown token 0x0");
    bb_init(&B); bb_end(&B); bb_fin(&B);
    expect_built(&B, "closes no node");
    bb_init(&B); bb_fin(&B);
    expect_built(&B, "before any node");
    bb_init(&B); bb_begin(&B, ""); bb_fin(&B);
    expect_built(&B, "inside a node");
    bb_init(&B); bb_begin(&B, ""); bb_end(&B);
    expect_built(&B, "no END token");
    bb_init(&B); bb_begin(&B, ""); bb_end(&B); bb_begin(&B, ""); bb_end(&B); bb_fin(&B);
    expect_built(&B, "second root node");
    bb_init(&B); bb_prop_u32(&B, "x", 1); bb_begin(&B, ""); bb_end(&B); bb_fin(&B);
    expect_built(&B, "outside any node");
    bb_init(&B); bb_begin(&B, ""); bb_end(&B); bb_prop_u32(&B, "x", 1); bb_fin(&B);
    expect_built(&B, "outside any node");
    bb_init(&B); bb_begin(&B, ""); bb_end(&B); bb_fin(&B); bb_word(&B, FDT_TOKEN_NOP);
    expect_built(&B, "END token ends at struct offset 0x10 but the structure block is 0x14");

    /* NOPs anywhere are fine. */
    bb_init(&B); bb_word(&B, FDT_TOKEN_NOP); bb_begin(&B, ""); bb_word(&B, FDT_TOKEN_NOP);
    bb_prop_u32(&B, "x", 1); bb_word(&B, FDT_TOKEN_NOP); bb_prop_u32(&B, "y", 2);
    bb_word(&B, FDT_TOKEN_NOP); bb_begin(&B, "c"); bb_end(&B); bb_word(&B, FDT_TOKEN_NOP);
    bb_begin(&B, "d"); bb_prop_u32(&B, "y", 3); bb_end(&B); bb_end(&B);
    bb_word(&B, FDT_TOKEN_NOP); bb_fin(&B);
    expect_built(&B, NULL);
    {
        uint32_t v;
        int d = fdt_find_node(&F, "/d");

        CHECK_EQ(fdt_root(&F), 4);
        CHECK(!fdt_prop_u32(&F, fdt_root(&F), "y", &v) && v == 2, "prop after NOP");
        CHECK(!fdt_prop_u32(&F, d, "y", &v) && v == 3, "node after NOP");
        CHECK_EQ(fdt_next_sibling(&F, fdt_find_node(&F, "/c")), d);
        CHECK(cmp_tree(&F) == NULL, "%s", why);
    }

    /* Structure rules: properties before children, no duplicates. */
    bb_init(&B); bb_begin(&B, ""); bb_begin(&B, "c"); bb_end(&B); bb_prop_u32(&B, "x", 1);
    bb_end(&B); bb_fin(&B);
    expect_built(&B, "follows a child node");
    bb_init(&B); bb_begin(&B, ""); bb_prop_u32(&B, "x", 1); bb_word(&B, FDT_TOKEN_NOP);
    bb_prop_u32(&B, "y", 1); bb_prop_u32(&B, "x", 2); bb_end(&B); bb_fin(&B);
    expect_built(&B, "property \"x\" at struct offset 0x2c repeats the one at 0x8");
    bb_init(&B); bb_begin(&B, ""); bb_begin(&B, "c"); bb_prop_u32(&B, "x", 1); bb_end(&B);
    bb_prop_u32(&B, "x", 1); bb_end(&B); bb_fin(&B);
    expect_built(&B, "follows a child node");
    bb_init(&B); bb_begin(&B, ""); bb_begin(&B, "c"); bb_prop_u32(&B, "x", 1); bb_end(&B);
    bb_begin(&B, "d"); bb_prop_u32(&B, "x", 1); bb_end(&B); bb_end(&B); bb_fin(&B);
    expect_built(&B, NULL);     /* same property name in two nodes */
    bb_init(&B); bb_begin(&B, ""); bb_begin(&B, "c@1"); bb_end(&B); bb_begin(&B, "c"); bb_end(&B);
    bb_begin(&B, "c@1"); bb_end(&B); bb_end(&B); bb_fin(&B);
    expect_built(&B, "repeats the name of its sibling");
    bb_init(&B); bb_begin(&B, ""); bb_begin(&B, "a"); bb_begin(&B, "c"); bb_end(&B); bb_end(&B);
    bb_begin(&B, "b"); bb_begin(&B, "c"); bb_end(&B); bb_end(&B); bb_end(&B); bb_fin(&B);
    expect_built(&B, NULL);     /* same name, different parents */

    /* phandles. */
    bb_init(&B); bb_begin(&B, ""); bb_prop(&B, "phandle", junk, 8); bb_end(&B); bb_fin(&B);
    expect_built(&B, "\"phandle\" at struct offset 0x8 is 8 bytes, not 4");
    bb_init(&B); bb_begin(&B, ""); bb_prop_u32(&B, "phandle", 0); bb_end(&B); bb_fin(&B);
    expect_built(&B, "invalid value 0x0");
    bb_init(&B); bb_begin(&B, ""); bb_prop_u32(&B, "linux,phandle", 0xffffffff); bb_end(&B);
    bb_fin(&B);
    expect_built(&B, "invalid value 0xffffffff");
    bb_init(&B); bb_begin(&B, ""); bb_begin(&B, "a"); bb_prop_u32(&B, "phandle", 7); bb_end(&B);
    bb_begin(&B, "b"); bb_prop_u32(&B, "linux,phandle", 7); bb_end(&B); bb_end(&B); bb_fin(&B);
    expect_built(&B, "share phandle 0x7");
    bb_init(&B); bb_begin(&B, ""); bb_prop_u32(&B, "phandle", 7);
    bb_prop_u32(&B, "linux,phandle", 8); bb_end(&B); bb_fin(&B);
    expect_built(&B, "has phandle 0x7 but linux,phandle 0x8");

    /* Reservation map. */
    {
        const uint64_t rsv_ok[] = { 0x1000, 0x1000, 0xfffffffff000ULL, 0x1000 };
        const uint64_t rsv_wrap[] = { 0xfffffffffffff000ULL, 0x2000 };
        size_t len;
        uint64_t a, s;

        bb_init(&B); bb_begin(&B, ""); bb_end(&B); bb_fin(&B);
        len = bb_blob(&B, blob_buf, rsv_ok, 2);
        CHECK_EQ(check_blob(blob_buf, len), 0);
        CHECK_EQ(F.nr_rsv, 2);
        fdt_rsv(&F, 1, &a, &s);
        CHECK(a == 0xfffffffff000ULL && s == 0x1000, "reservation");
        len = bb_blob(&B, blob_buf, rsv_wrap, 1);
        CHECK_EQ(check_blob(blob_buf, len), -EINVAL);
        CHECK(err && strstr(err, "wraps"), "%s", err);
    }

    /* Nesting: depth 64 is the deepest accepted. */
    for (i = 0; i < 2; i++) {
        unsigned int d, depth = FDT_MAX_DEPTH + i;

        bb_init(&B);
        bb_begin(&B, "");
        for (d = 0; d < depth; d++)
            bb_begin(&B, "n");
        for (d = 0; d <= depth; d++)
            bb_end(&B);
        bb_fin(&B);
        expect_built(&B, i ? "nested deeper than 64" : NULL);
        if (!i) {
            char path[512] = "";

            CHECK_EQ(F.max_depth, FDT_MAX_DEPTH);
            for (d = 0; d < depth; d++)
                strcat(path, "/n");
            CHECK(fdt_find_node(&F, path) > 0, "deepest node");
            CHECK(fdt_parent(&F, fdt_find_node(&F, path)) > 0, "deepest node's parent");
        }
    }
}

/* ---- Fuzzing -------------------------------------------------------------------- */

static uint64_t rng_state = 0x9e3779b97f4a7c15ULL;

static uint64_t rnd(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

static void test_fuzz(void)
{
    static uint8_t seeds[4][8192], buf[8192];
    size_t seed_len[4], len;
    unsigned int nseeds = 0, i, accepted = 0, rejected = 0, compared = 0, mismatched = 0;
    unsigned int bad_rc = 0;
    unsigned int iterations = getenv("FUZZ_ITERATIONS") ? (unsigned)atoi(getenv("FUZZ_ITERATIONS"))
                                                         : 40000;

    need_blobs();
    if (dtc_ok) {
        memcpy(seeds[nseeds], hl_blob, hl_len);
        seed_len[nseeds++] = hl_len;
        memcpy(seeds[nseeds], gen_blob, gen_len);
        seed_len[nseeds++] = gen_len;
    }
    bb_init(&B); bb_word(&B, FDT_TOKEN_NOP); bb_begin(&B, ""); bb_prop_u32(&B, "phandle", 1);
    bb_prop(&B, "compatible", "xen,domain\0x", 13); bb_begin(&B, "a@1");
    bb_prop_u32(&B, "#address-cells", 1); bb_prop_u32(&B, "#size-cells", 1);
    bb_begin(&B, "m"); bb_prop_u32(&B, "phandle", 2); bb_prop(&B, "reg", "\0\0\0\1\0\0\0\2", 8);
    bb_end(&B); bb_word(&B, FDT_TOKEN_NOP); bb_end(&B); bb_end(&B); bb_fin(&B);
    {
        const uint64_t rsv[] = { 0x1000, 0x1000 };

        seed_len[nseeds] = bb_blob(&B, seeds[nseeds], rsv, 1);
        nseeds++;
    }

    for (i = 0; i < iterations; i++) {
        unsigned int s = (unsigned int)(rnd() % nseeds), m, k, nmut = 1 + (unsigned int)(rnd() % 3);
        int rc;

        len = seed_len[s];
        memcpy(buf, seeds[s], len);
        for (k = 0; k < nmut; k++) {
            size_t at = (size_t)(rnd() % len);
            static const uint32_t words[] = { 0, 1, 2, 3, 4, 9, 0x10, 0x28, 0xfffffffc,
                                              0xffffffff, 0x7fffffff, 0x80000000 };

            m = (unsigned int)(rnd() % 6);
            if (m == 0) {
                buf[at] ^= (uint8_t)(1u << (rnd() % 8));
            } else if (m == 1) {
                buf[at] = (uint8_t)rnd();
            } else if (m <= 3 && len >= 4) {
                at &= ~(size_t)3;
                if (at + 4 > len)
                    at = len - 4;
                put_be32(buf + at, m == 2 ? words[rnd() % ARRAY_SIZE(words)]
                                          : (uint32_t)(rnd() % (len + 8)));
            } else if (m == 4) {
                put_be32(buf + 4 * (rnd() % 10), (uint32_t)(rnd() % (len + 64)));
            } else {
                len = 40 + (size_t)(rnd() % (len - 39));
                if (rnd() & 1)
                    put_be32(buf + H_TOTALSIZE, (uint32_t)len);
            }
        }
        rc = check_blob(buf, len);
        if (rc == 0) {
            accepted++;
            exercise(&F);
            if (!fdt_check_full(F.blob, len)) {
                compared++;
                if (cmp_tree(&F)) {
                    if (!mismatched)
                        printf("fuzz iteration %u: %s\n", i, why);
                    mismatched++;
                }
            }
        } else if ((rc == -EINVAL || rc == -ENOEXEC) && err && !strncmp(err, "fdt: ", 5)) {
            rejected++;
        } else {
            if (!bad_rc)
                printf("fuzz iteration %u: rc %d err %s\n", i, rc, err ? err : "(null)");
            bad_rc++;
        }
    }
    if (getenv("TEST_VERBOSE"))
        printf("fuzz: %u accepted (%u compared with libfdt), %u rejected\n", accepted, compared,
               rejected);
    CHECK_EQ(bad_rc, 0);
    CHECK_EQ(mismatched, 0);
    CHECK(accepted > iterations / 20, "only %u accepted", accepted);
    CHECK(compared > iterations / 40, "only %u compared", compared);
    CHECK(rejected > iterations / 4, "only %u rejected", rejected);
}

static void cleanup(void)
{
    if (tmpdir[0])
        rmdir(tmpdir);
}

int main(void)
{
    static const struct test_case cases[] = {
        { "fdt_hyperlaunch", test_hyperlaunch },
        { "fdt_general", test_general },
        { "fdt_dtc_variants", test_dtc_variants },
        { "fdt_libfdt_layouts", test_libfdt_layouts },
        { "fdt_truncated", test_truncated },
        { "fdt_header", test_header },
        { "fdt_malformed", test_malformed },
        { "fdt_fuzz", test_fuzz },
    };
    int rc = test_run(cases, ARRAY_SIZE(cases));

    cleanup();
    return rc;
}
