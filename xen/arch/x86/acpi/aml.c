/*
 * Just enough AML to find the \_S5 sleep type values in a DSDT or SSDT
 * without an interpreter: a pattern match for the two forms firmware uses.
 *
 *   Name (_S5, Package () { a, b, ... })       NameOp NameString PackageOp ...
 *   Method (_S5) { Return (Package () { ... }) }
 *                          MethodOp PkgLength NameString Flags ReturnOp PackageOp ...
 *
 * The name must be _S5_ alone, optionally behind a root ('\') or parent
 * ('^') prefix, so that \_SB._S5 and friends are not taken for \_S5.
 * Package elements must be integer constants.  Anything else (a method
 * that computes its result, a name defined inside a scope we cannot see
 * is the root) is not supported.  Every read is bounded by `len`.
 */
#include <xen/lib.h>
#include <xen/errno.h>
#include <asm/acpi.h>

/* ACPI specification: "AML Byte Stream Byte Values". */
#define AML_ZERO_OP         0x00
#define AML_ONE_OP          0x01
#define AML_NAME_OP         0x08
#define AML_BYTE_PREFIX     0x0a
#define AML_WORD_PREFIX     0x0b
#define AML_DWORD_PREFIX    0x0c
#define AML_QWORD_PREFIX    0x0e
#define AML_PACKAGE_OP      0x12
#define AML_METHOD_OP       0x14
#define AML_ROOT_CHAR       0x5c    /* '\' */
#define AML_PARENT_CHAR     0x5e    /* '^' */
#define AML_RETURN_OP       0xa4
#define AML_ONES_OP         0xff

static const uint8_t s5_seg[4] = { '_', 'S', '5', '_' };

/*
 * Decode the PkgLength at aml[pos] (ACPI: "Package Length Encoding"): the
 * lead byte's bits 7:6 say how many bytes follow.  With none, bits 5:0 are
 * the length; otherwise bits 3:0 are its low nibble and each following byte
 * adds eight more bits.  The length counts the PkgLength bytes themselves.
 */
static int aml_pkg_length(const uint8_t *aml, size_t len, size_t pos,
                          size_t *pkg_len, size_t *nbytes)
{
    unsigned int follow, i;
    size_t v;

    if (pos >= len)
        return -EINVAL;
    follow = aml[pos] >> 6;
    if (follow > len - pos - 1)
        return -EINVAL;
    if (!follow)
        v = aml[pos] & 0x3f;
    else {
        v = aml[pos] & 0x0f;
        for (i = 0; i < follow; i++)
            v |= (size_t)aml[pos + 1 + i] << (4 + 8 * i);
    }
    *pkg_len = v;
    *nbytes = follow + 1;
    return 0;
}

/* One integer constant at aml[*pos], below `end`; advances *pos. */
static int aml_const_u8(const uint8_t *aml, size_t end, size_t *pos, uint8_t *out)
{
    size_t p = *pos, n, i;
    uint64_t v = 0;

    if (p >= end)
        return -EINVAL;
    switch (aml[p]) {
    case AML_ZERO_OP:
        *out = 0;
        *pos = p + 1;
        return 0;
    case AML_ONE_OP:
        *out = 1;
        *pos = p + 1;
        return 0;
    case AML_ONES_OP:
        /* All ones; only the low bits reach the hardware's SLP_TYP field. */
        *out = 0xff;
        *pos = p + 1;
        return 0;
    case AML_BYTE_PREFIX:
        n = 1;
        break;
    case AML_WORD_PREFIX:
        n = 2;
        break;
    case AML_DWORD_PREFIX:
        n = 4;
        break;
    case AML_QWORD_PREFIX:
        n = 8;
        break;
    default:
        return -EINVAL;     /* a reference, a string or an expression */
    }
    if (n > end - p - 1)
        return -EINVAL;
    for (i = 0; i < n; i++)
        v |= (uint64_t)aml[p + 1 + i] << (8 * i);
    if (v > 0xff)
        return -EINVAL;     /* not a sleep type value */
    *out = (uint8_t)v;
    *pos = p + 1 + n;
    return 0;
}

/*
 * The PackageOp at aml[pos], all of it below `limit`: PkgLength,
 * NumElements, then the elements.  SLP_TYPa is element 0, SLP_TYPb
 * element 1 (or element 0 again when the package has no second value).
 */
static int aml_s5_package(const uint8_t *aml, size_t limit, size_t pos,
                          uint8_t *typa, uint8_t *typb)
{
    size_t pkg_len, nbytes, end, p;
    uint8_t nr, a, b;

    if (pos >= limit || aml[pos] != AML_PACKAGE_OP)
        return -EINVAL;
    pos++;
    if (aml_pkg_length(aml, limit, pos, &pkg_len, &nbytes))
        return -EINVAL;
    if (pkg_len < nbytes + 1 || pkg_len > limit - pos)
        return -EINVAL;
    end = pos + pkg_len;
    p = pos + nbytes;
    nr = aml[p++];
    if (!nr)
        return -EINVAL;
    if (aml_const_u8(aml, end, &p, &a))
        return -EINVAL;
    b = a;
    /* Elements past the initialisers are uninitialised, not an error. */
    if (nr > 1 && p < end && aml_const_u8(aml, end, &p, &b))
        return -EINVAL;
    *typa = a;
    *typb = b;
    return 0;
}

/*
 * Does a MethodOp with a PkgLength that ends at `name` (i.e. covers the
 * name) precede it?  Returns the method's end, 0 if there is none.
 */
static size_t aml_method_end(const uint8_t *aml, size_t len, size_t name)
{
    size_t n, pkg_len, nbytes, start;

    for (n = 1; n <= 4; n++) {
        if (name < n + 1)
            break;
        start = name - n;
        if (aml[start - 1] != AML_METHOD_OP)
            continue;
        if (aml_pkg_length(aml, len, start, &pkg_len, &nbytes) || nbytes != n)
            continue;
        if (pkg_len <= n || pkg_len > len - start)
            continue;
        return start + pkg_len;
    }
    return 0;
}

int acpi_find_s5(const uint8_t *aml, size_t len, uint8_t *typa, uint8_t *typb)
{
    bool malformed = false;
    size_t i, name, after, mend;

    if (!aml || len < sizeof(s5_seg) + 2)
        return -ENOENT;
    for (i = 1; i + sizeof(s5_seg) <= len; i++) {
        if (memcmp(aml + i, s5_seg, sizeof(s5_seg)))
            continue;
        /* Start of the NameString: step back over a root or parent prefixes. */
        name = i;
        if (aml[name - 1] == AML_ROOT_CHAR)
            name--;
        else
            while (name > 0 && aml[name - 1] == AML_PARENT_CHAR)
                name--;
        if (name == 0)
            continue;
        after = i + sizeof(s5_seg);

        if (aml[name - 1] == AML_NAME_OP && after < len &&
            aml[after] == AML_PACKAGE_OP) {
            if (!aml_s5_package(aml, len, after, typa, typb))
                return 0;
            malformed = true;
            continue;
        }

        /* Not a Name; a one-byte PkgLength of 8 also looks like NameOp. */
        mend = aml_method_end(aml, len, name);
        if (mend && mend > after + 2 && aml[after + 1] == AML_RETURN_OP &&
            aml[after + 2] == AML_PACKAGE_OP) {
            /* after: MethodFlags; then Return (Package (...)). */
            if (!aml_s5_package(aml, mend, after + 2, typa, typb))
                return 0;
            malformed = true;
        }
    }
    return malformed ? -EINVAL : -ENOENT;
}
