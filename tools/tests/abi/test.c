/*
 * Our public headers against libxen-dev's (Xen 4.17): every structure,
 * field, typedef, guest handle and macro we define, compared row by row
 * from the tables gen.py generated; and every header compiled on its own
 * as C89, C99, C++98, C++17, freestanding C and (where it allows it)
 * assembly.
 */
#include <stdio.h>
#include "test.h"
#include "abi.h"

static const char *const kind_names[] = {
    [ABI_STRUCT] = "type",         [ABI_FIELD] = "field",    [ABI_TYPEDEF] = "typedef",
    [ABI_HANDLE] = "guest handle", [ABI_CONST] = "constant", [ABI_MACRO] = "macro",
};

/* The header the current case is about (cases take no arguments). */
static const char *current_header;

#define MAX_HEADERS 256

#define CHECK_SAME(o, t, member, what)                                                             \
    CHECK((o)->member == (t)->member,                                                              \
          "%s: %s differs: ours %llu (0x%llx), libxen-dev %llu (0x%llx)", (o)->name, what,         \
          (unsigned long long)(o)->member, (unsigned long long)(o)->member,                        \
          (unsigned long long)(t)->member, (unsigned long long)(t)->member)

#define CHECK_SAME_TYPE(o, t)                                                                      \
    CHECK((o)->typecode == (t)->typecode, "%s: integer type differs: ours %s, libxen-dev %s",      \
          (o)->name, type_name((o)->typecode), type_name((t)->typecode))

/* An ABI_TYPECODE value in words. */
static const char *type_name(int typecode)
{
    static const char *const names[] = {
        "int64", "?",      "?", "?",      "int32", "?", "int16", "int8",   "not an integer",
        "uint8", "uint16", "?", "uint32", "?",     "?", "?",     "uint64",
    };

    return typecode >= -8 && typecode <= 8 ? names[typecode + 8] : "?";
}

static void compare_entry(const struct abi_entry *o, const struct abi_entry *t)
{
    CHECK(strcmp(o->name, t->name) == 0 && o->kind == t->kind,
          "tables out of step: %s / %s (regenerate with gen.py)", o->name, t->name);
    if (o->ours_only) {
        CHECK(!t->present, "%s is allowlisted as ours only (%s), but libxen-dev has it now",
              o->name, o->ours_only);
        return;
    }
    CHECK(t->present, "%s %s: no counterpart in libxen-dev (%s)", kind_names[o->kind], o->name,
          t->note ? t->note : "?");
    if (!t->present)
        return;
    switch (o->kind) {
    case ABI_STRUCT:
        CHECK_SAME(o, t, size, "size");
        CHECK_SAME(o, t, align, "alignment");
        break;
    case ABI_FIELD:
        CHECK_SAME(o, t, value, "offset");
        CHECK_SAME(o, t, size, "size");
        CHECK_SAME_TYPE(o, t);
        break;
    case ABI_TYPEDEF:
        CHECK_SAME(o, t, size, "size");
        CHECK_SAME(o, t, align, "alignment");
        CHECK_SAME_TYPE(o, t);
        break;
    case ABI_HANDLE:
        CHECK_SAME(o, t, size, "size");
        CHECK_SAME(o, t, align, "alignment");
        CHECK_SAME(o, t, extra, "size of the type it points to");
        break;
    case ABI_CONST:
        CHECK_SAME(o, t, value, "value");
        CHECK_SAME(o, t, size, "size of its type");
        CHECK_SAME_TYPE(o, t);
        break;
    case ABI_MACRO:
        break;
    default:
        CHECK(0, "%s: unknown kind %u", o->name, o->kind);
    }
}

/* Every row generated from current_header. */
static void test_layout(void)
{
    unsigned int i, rows = 0;

    for (i = 0; i < abi_ours_count; i++) {
        if (strcmp(abi_ours[i].header, current_header) != 0)
            continue;
        compare_entry(&abi_ours[i], &abi_theirs[i]);
        rows++;
    }
    /* A header without a single compared item is not being checked at all. */
    CHECK(rows > 0, "%s: nothing in it was compared", current_header);
}

struct mode {
    const char *name;
    int is_asm;
    const char *fmt; /* compiler, its flags, compiler again (for -isystem) */
};

#define COMMON "-Wall -Wextra -Werror -Wundef -Wshadow"
static const struct mode modes[] = {
    {"C89", 0, "%s -x c -std=c89 -pedantic-errors " COMMON " -fsyntax-only"},
    {"C99", 0, "%s -x c -std=c99 -pedantic-errors " COMMON " -fsyntax-only"},
    {"C++98", 0, "%s -x c++ -std=c++98 -pedantic-errors " COMMON " -fsyntax-only"},
    {"C++17", 0, "%s -x c++ -std=c++17 -pedantic-errors " COMMON " -fsyntax-only"},
    {"freestanding", 0,
     "%s -x c -std=gnu11 -ffreestanding -nostdinc -isystem %s " COMMON
     " -Wstrict-prototypes -Wmissing-prototypes -Wpointer-arith -Wvla -fsyntax-only"},
    {"assembly", 1,
     "%s -x assembler-with-cpp -D__ASSEMBLY__ -nostdinc -Wundef -Werror"
     " -c -o /dev/null"},
};
#define NR_MODES (sizeof(modes) / sizeof(modes[0]))

/*
 * Compile a translation unit that includes current_header twice (the
 * include guard must hold) before anything else, so it must bring what it
 * needs itself.  All modes run at once.
 */
static void test_standalone(void)
{
    FILE *pipes[NR_MODES] = {NULL};
    char cmd[4096], flags[2048], out[2048];
    unsigned int m;
    int asm_safe = 0;

    for (m = 0; m < abi_header_count; m++)
        if (strcmp(abi_headers[m].path, current_header) == 0)
            asm_safe = abi_headers[m].asm_safe;

    for (m = 0; m < NR_MODES; m++) {
        const char *cc = strstr(modes[m].name, "C++") ? abi_cxx : abi_cc;

        if (modes[m].is_asm && !asm_safe)
            continue;
        snprintf(flags, sizeof(flags), modes[m].fmt, cc, abi_cc_include_dir);
        snprintf(cmd, sizeof(cmd), "printf '%s\\n' | %s -include '%s/%s' -include '%s/%s' - 2>&1",
                 modes[m].is_asm ? "" : "typedef int abi_translation_unit_is_not_empty;", flags,
                 abi_public_dir, current_header, abi_public_dir, current_header);
        pipes[m] = popen(cmd, "r");
        CHECK(pipes[m] != NULL, "cannot run %s", cmd);
    }
    for (m = 0; m < NR_MODES; m++) {
        size_t len;
        int status;

        if (!pipes[m])
            continue;
        len = fread(out, 1, sizeof(out) - 1, pipes[m]);
        out[len] = '\0';
        while (fread(cmd, 1, sizeof(cmd), pipes[m]) > 0)
            ;
        status = pclose(pipes[m]);
        CHECK(status == 0, "%s does not compile on its own as %s:\n%s", current_header,
              modes[m].name, out);
    }
}

/* The header list and the tables must describe the same headers. */
static void test_coverage(void)
{
    unsigned int h, i;

    CHECK_EQ(abi_ours_count, abi_theirs_count);
    CHECK(abi_header_count > 0, "no public headers found");
    CHECK(abi_header_count <= MAX_HEADERS, "more than %d headers: raise MAX_HEADERS", MAX_HEADERS);
    for (h = 0; h < abi_header_count; h++) {
        unsigned int rows = 0;

        for (i = 0; i < abi_ours_count; i++)
            rows += strcmp(abi_ours[i].header, abi_headers[h].path) == 0;
        CHECK(rows > 0, "%s: no rows in the tables", abi_headers[h].path);
    }
}

int main(void)
{
    static char names[2][MAX_HEADERS][128];
    unsigned int h;
    int rc = 0;

    {
        const struct test_case c = {"abi: tables cover every public header", test_coverage};

        rc |= test_run(&c, 1);
    }
    for (h = 0; h < abi_header_count && h < MAX_HEADERS; h++) {
        struct test_case c;

        current_header = abi_headers[h].path;
        snprintf(names[0][h], sizeof(names[0][h]), "abi: %s matches libxen-dev", current_header);
        c.name = names[0][h];
        c.fn = test_layout;
        rc |= test_run(&c, 1);

        snprintf(names[1][h], sizeof(names[1][h]), "abi: %s compiles standalone", current_header);
        c.name = names[1][h];
        c.fn = test_standalone;
        rc |= test_run(&c, 1);
    }
    return rc;
}
