/*
 * Read-only access to a flattened device tree (Devicetree Specification,
 * "Flattened Devicetree (DTB) Format"), as used by the Hyperlaunch
 * configuration module.
 *
 * fdt_check() validates the whole blob once; every other function relies
 * on that validation and does no bounds checking of its own.  Nodes and
 * properties are named by the offset of their token from the start of the
 * structure block (the same numbers libfdt uses); negative values are
 * -errno, and a function given one as its node returns it (or NULL, false,
 * FDT_PHANDLE_NONE), so that lookups chain:
 * fdt_find_child(fdt, fdt_find_node(fdt, "/chosen"), "hypervisor").
 */
#ifndef XEN_FDT_H
#define XEN_FDT_H

#include <xen/types.h>
#include <xen/compiler.h>

/* The header at the start of the blob; every field is big-endian. */
struct fdt_hdr {
    uint32_t magic;
    uint32_t totalsize;
    uint32_t off_dt_struct;
    uint32_t off_dt_strings;
    uint32_t off_mem_rsvmap;
    uint32_t version;
    uint32_t last_comp_version;
    uint32_t boot_cpuid_phys;     /* version 2 and later */
    uint32_t size_dt_strings;     /* version 3 and later */
    uint32_t size_dt_struct;      /* version 17 and later */
} __packed;

BUILD_BUG_ON(sizeof(struct fdt_hdr) != 40);
BUILD_BUG_ON(offsetof(struct fdt_hdr, off_mem_rsvmap) != 16);
BUILD_BUG_ON(offsetof(struct fdt_hdr, size_dt_strings) != 32);
BUILD_BUG_ON(offsetof(struct fdt_hdr, size_dt_struct) != 36);

/* A version 16 header ends before size_dt_struct. */
#define FDT_HDR_SIZE_V16 offsetof(struct fdt_hdr, size_dt_struct)

#define FDT_HDR_MAGIC 0xd00dfeedU
#define FDT_VERSION_MIN 16      /* oldest layout read */
#define FDT_VERSION_CUR 17      /* newest layout known */

/* One memory reservation; the list ends with an entry of size 0. */
struct fdt_rsv_entry {
    uint64_t address;
    uint64_t size;
} __packed;

BUILD_BUG_ON(sizeof(struct fdt_rsv_entry) != 16);

/* Structure block tokens: big-endian u32s on 4-byte boundaries. */
#define FDT_TOKEN_BEGIN_NODE 1U /* followed by the NUL-terminated unit name */
#define FDT_TOKEN_END_NODE   2U
#define FDT_TOKEN_PROP       3U /* followed by struct fdt_prop_hdr and the value */
#define FDT_TOKEN_NOP        4U
#define FDT_TOKEN_END        9U
#define FDT_TOKEN_SIZE       4U

struct fdt_prop_hdr {
    uint32_t len;       /* of the value */
    uint32_t nameoff;   /* into the strings block */
} __packed;

BUILD_BUG_ON(sizeof(struct fdt_prop_hdr) != 8);

/* Offsets must fit an int; a configuration is a few KiB. */
#define FDT_MAX_TOTALSIZE 0x7fffffffU
/* Deeper trees are rejected; real ones are under 10 levels. */
#define FDT_MAX_DEPTH 64
/* Most cells #address-cells or #size-cells may say (64-bit values). */
#define FDT_MAX_VALUE_CELLS 2
/* phandle values that never name a node. */
#define FDT_PHANDLE_NONE 0U
#define FDT_PHANDLE_BAD  0xffffffffU

/* A validated blob. */
struct fdt {
    const uint8_t *blob;
    uint32_t totalsize;
    uint32_t version;
    uint32_t boot_cpuid;
    uint32_t rsvmap_off;        /* absolute */
    uint32_t nr_rsv;            /* entries before the terminator */
    uint32_t struct_off;        /* absolute */
    uint32_t struct_size;
    uint32_t strings_off;       /* absolute */
    uint32_t strings_size;
    uint32_t root;              /* struct-relative offset of the root node */
    uint32_t nr_nodes;
    uint32_t nr_props;
    uint32_t max_depth;         /* of the deepest node; the root is 0 */
};

/*
 * Validate the blob at `blob` of which `avail` bytes may be read: header,
 * block placement, every token, name and property, nesting, phandles.  On
 * failure returns -EINVAL (-ENOEXEC if there is no FDT magic) and sets
 * *err to a message naming the offset and the problem (a static buffer,
 * valid until the next call).
 */
int fdt_check(struct fdt *fdt, const void *blob, size_t avail, const char **err);

/* True if the first four bytes are the FDT magic (avail >= 4). */
bool fdt_has_magic(const void *blob, size_t avail);

/* Memory reservation i (below fdt->nr_rsv). */
void fdt_rsv(const struct fdt *fdt, unsigned int i, uint64_t *address, uint64_t *size);

/* ---- Nodes --------------------------------------------------------------- */

static inline int fdt_root(const struct fdt *fdt)
{
    return (int)fdt->root;
}

/* The node's name with its unit address ("cpu@0"; "" for the root). */
const char *fdt_node_name(const struct fdt *fdt, int node);

/* Children in order; -ENOENT after the last. */
int fdt_first_child(const struct fdt *fdt, int node);
int fdt_next_sibling(const struct fdt *fdt, int node);

#define fdt_for_each_child(fdt, parent, child)                                          \
    for ((child) = fdt_first_child(fdt, parent); (child) >= 0;                          \
         (child) = fdt_next_sibling(fdt, child))

/* The next node after `node` in document order (depth first); -ENOENT at the end. */
int fdt_walk_next(const struct fdt *fdt, int node);

/* The parent of a node; -ENOENT for the root. */
int fdt_parent(const struct fdt *fdt, int node);

/*
 * A child by name.  A name without '@' also matches a child whose name is
 * that followed by a unit address ("memory" finds "memory@0"); the exact
 * name wins over such a match, and otherwise the first match in order.
 */
int fdt_find_child(const struct fdt *fdt, int node, const char *name);

/* A node by absolute path ("/chosen/hypervisor"); -ENOENT if absent. */
int fdt_find_node(const struct fdt *fdt, const char *path);

/* The first node after `from` (or from the root if from < 0) with a compatible string. */
int fdt_find_compatible(const struct fdt *fdt, int from, const char *compat);

/* The node with this phandle (the "phandle" or "linux,phandle" property). */
int fdt_find_phandle(const struct fdt *fdt, uint32_t phandle);

/* The node's phandle, or FDT_PHANDLE_NONE. */
uint32_t fdt_node_phandle(const struct fdt *fdt, int node);

/* True if the node's "compatible" list holds exactly this string. */
bool fdt_node_is_compatible(const struct fdt *fdt, int node, const char *compat);

/* ---- Properties ---------------------------------------------------------- */

/* Properties of a node in order; -ENOENT after the last. */
int fdt_first_prop(const struct fdt *fdt, int node);
int fdt_next_prop(const struct fdt *fdt, int prop);

#define fdt_for_each_prop(fdt, node, prop)                                              \
    for ((prop) = fdt_first_prop(fdt, node); (prop) >= 0; (prop) = fdt_next_prop(fdt, prop))

/* A property's name, value and length. */
const void *fdt_prop_info(const struct fdt *fdt, int prop, const char **name, uint32_t *len);

/* A property's value by name; NULL if the node has none. */
const void *fdt_get_prop(const struct fdt *fdt, int node, const char *name, uint32_t *len);

/*
 * Typed reads: 0, -ENOENT if absent, -EINVAL if the value has the wrong
 * size or shape.  Numbers are big-endian cells in the blob.
 */
int fdt_prop_u32(const struct fdt *fdt, int node, const char *name, uint32_t *val);
int fdt_prop_u64(const struct fdt *fdt, int node, const char *name, uint64_t *val);
/* Cell i of a property that is a list of cells. */
int fdt_prop_cell(const struct fdt *fdt, int node, const char *name, unsigned int i,
                  uint32_t *val);
/* A property holding exactly one NUL-terminated string. */
int fdt_prop_string(const struct fdt *fdt, int node, const char *name, const char **str);
/* String i of a list of NUL-terminated strings ("compatible"). */
int fdt_prop_string_index(const struct fdt *fdt, int node, const char *name, unsigned int i,
                          const char **str);
/* Number of strings in a string list (-ENOENT, -EINVAL as above). */
int fdt_prop_string_count(const struct fdt *fdt, int node, const char *name);
/* True if the property is a string list holding exactly `str`. */
bool fdt_prop_has_string(const struct fdt *fdt, int node, const char *name, const char *str);

/* Read a value of 1 or 2 big-endian cells. */
uint64_t fdt_read_cells(const void *p, unsigned int cells);

/*
 * #address-cells and #size-cells that a node says for its children
 * (defaults 2 and 1); -EINVAL if present but not a u32 in 0..2 (size: 0..2).
 */
int fdt_node_address_cells(const struct fdt *fdt, int node);
int fdt_node_size_cells(const struct fdt *fdt, int node);

/*
 * Entry i of a node's "reg", decoded with its parent's cell counts:
 * 0, -ENOENT (no reg or i past its end), -EINVAL (malformed reg or cells).
 */
int fdt_node_reg(const struct fdt *fdt, int node, unsigned int i, uint64_t *addr,
                 uint64_t *size);

#endif
