#!/usr/bin/env python3
"""Generate the ABI comparison between our public headers and libxen-dev's.

Reads every header under xen/include/public (ours), lists what it defines
-- structures and unions with every field (nested ones by path), typedefs,
guest handles, integer macros, other macros -- and writes:

  ours.c    the measurements (size, alignment, offset, value, integer type)
            of each item, taken from our headers;
  theirs.c  the same measurements, row for row, taken from the same-named
            headers in /usr/include/xen (libxen-dev, Xen 4.17), compiled
            with __XEN_TOOLS__ so that the toolstack-only parts are visible.

test.c compares the two tables.  An item libxen-dev lacks is found by
compiling theirs.c: every row the compiler complains about is replaced by
a "missing" row carrying the complaint, until theirs.c compiles.  Such a
row fails the test unless OURS_ONLY below lists it with a reason.

The parser is deliberately simple; our headers keep to a regular style:
  - /* */ comments only; one #define per line (backslash continuations ok);
  - structures and unions are defined at file scope as `struct tag { ... };`
    or `union tag { ... };`, members may be nested struct/union bodies with
    a name, arrays, or XEN_GUEST_HANDLE(x) handles; no bitfields, no enums,
    no anonymous members;
  - `typedef <type> name;` and `typedef <type> name[N];`;
  - DEFINE_XEN_GUEST_HANDLE(x); and XEN_DEFINE_GUEST_HANDLE_AS(x, type);
  - each macro is defined once (conditionals are ignored by the parser).
Anything else in a header makes this script stop with an error, so a new
construct cannot slip past the comparison unchecked.
"""

import argparse
import os
import re
import subprocess
import sys

# Items we define on purpose that libxen-dev (Xen 4.17, __XEN_TOOLS__) lacks.
OURS_ONLY = {
    "XENMEM_add_to_physmap_range":
        "Linux's name for XENMEM_add_to_physmap_batch; Xen 4.17 only defines "
        "it for interface versions before 4.4",
    "macro XEN_DEFINE_GUEST_HANDLE_AS()":
        "our two-argument form of DEFINE_XEN_GUEST_HANDLE, for handles whose "
        "name differs from their type",
}

# Headers of ours that libxen-dev does not have: everything in them is ours only.
OURS_ONLY_HEADERS = {
}

# Calls of function-like macros whose result is compared, not just their existence.
PROBES = {
    "XENMEMF_address_bits": ["32"],
    "XENMEMF_get_address_bits": ["0x12345"],
    "XENMEMF_node": ["0", "3"],
    "XENMEMF_get_node": ["0x300"],
    "XENMEMF_exact_node": ["2"],
    "XEN_CPUID_LEAF": ["0", "4"],
    "MASK_XENSTORE_IDX": ["1030"],
    "MASK_XENCONS_IDX": ["5000u, ((struct xencons_interface *)0)->out",
                         "5000u, ((struct xencons_interface *)0)->in"],
    "XEN_DOMCTL_GRANT_version": ["0x12"],
    "xen_vcpu_physid_to_x86_apicid": ["0x0000000500000003ULL"],
    "xen_vcpu_physid_to_x86_acpiid": ["0x0000000500000003ULL"],
}

GUEST_HANDLE_MACROS = ("DEFINE_XEN_GUEST_HANDLE", "XEN_DEFINE_GUEST_HANDLE_AS")


class ParseError(Exception):
    pass


class Member:
    def __init__(self, name, is_array, body):
        self.name = name
        self.is_array = is_array
        self.body = body        # list of Member for an inline struct/union, else None


class Item:
    """One row of the tables."""

    def __init__(self, header, kind, name, **kw):
        self.header = header
        self.kind = kind        # struct, field, typedef, handle, const, macro
        self.name = name
        self.kw = kw


# ---------------------------------------------------------------- parsing

TOKEN_RE = re.compile(r"""
    (?P<ws>\s+)
  | (?P<id>[A-Za-z_][A-Za-z0-9_]*)
  | (?P<num>(0[xX][0-9A-Fa-f]+|[0-9]+)[uUlL]*)
  | (?P<str>"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')
  | (?P<punct>\#\#|->|<<|>>|[{}()\[\];,*=<>+\-~!&|^?:./%\#])
""", re.VERBOSE)


def tokenize(text, where):
    tokens = []
    pos = 0
    while pos < len(text):
        m = TOKEN_RE.match(text, pos)
        if not m:
            raise ParseError(f"{where}: cannot read {text[pos:pos + 20]!r}")
        pos = m.end()
        if m.lastgroup != "ws":
            tokens.append(m.group())
    return tokens


def strip_comments(text, where):
    out = []
    pos = 0
    while True:
        start = text.find("/*", pos)
        line = text.find("//", pos)
        if line != -1 and (start == -1 or line < start):
            raise ParseError(f"{where}: // comment (use /* */)")
        if start == -1:
            out.append(text[pos:])
            break
        end = text.find("*/", start + 2)
        if end == -1:
            raise ParseError(f"{where}: unterminated comment")
        out.append(text[pos:start])
        # Keep line numbers: a comment becomes as many newlines as it spans.
        out.append(" " + "\n" * text.count("\n", start, end))
        pos = end + 2
    return "".join(out)


def split_top(tokens, sep):
    """Split tokens at sep where no bracket of any kind is open."""
    parts, cur, depth = [], [], 0
    for t in tokens:
        if t in "({[":
            depth += 1
        elif t in ")}]":
            depth -= 1
        if t == sep and depth == 0:
            parts.append(cur)
            cur = []
        else:
            cur.append(t)
    if depth != 0:
        raise ParseError("unbalanced brackets")
    return parts, cur


def is_ident(t):
    return re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", t) is not None


def declarator_name(decl, where):
    """Name of one declarator (tokens after the type), and whether it is an array."""
    if ":" in decl:
        raise ParseError(f"{where}: bitfields are not allowed")
    is_array = False
    while decl and decl[-1] == "]":
        depth = 0
        for i in range(len(decl) - 1, -1, -1):
            if decl[i] == "]":
                depth += 1
            elif decl[i] == "[":
                depth -= 1
                if depth == 0:
                    break
        decl = decl[:i]
        is_array = True
    if not decl or not is_ident(decl[-1]):
        raise ParseError(f"{where}: cannot find the name in {' '.join(decl)!r}")
    return decl[-1], is_array, decl[:-1]


def find_body(tokens):
    """For `struct|union [tag] { ... } rest`: (keyword, tag, body tokens, rest) or None."""
    if not tokens or tokens[0] not in ("struct", "union") or "{" not in tokens:
        return None
    open_at = tokens.index("{")
    depth = 0
    for i in range(open_at, len(tokens)):
        if tokens[i] == "{":
            depth += 1
        elif tokens[i] == "}":
            depth -= 1
            if depth == 0:
                break
    tag = tokens[1] if open_at == 2 else None
    if open_at not in (1, 2):
        raise ParseError(f"unexpected tokens before '{{': {' '.join(tokens[:open_at])}")
    return tokens[0], tag, tokens[open_at + 1:i], tokens[i + 1:]


def parse_members(tokens, where, tagged=None):
    """Members of a body; inline bodies with a tag are also added to tagged."""
    members = []
    decls, rest = split_top(tokens, ";")
    if rest:
        raise ParseError(f"{where}: member without ';': {' '.join(rest)}")
    for decl in decls:
        if not decl:
            raise ParseError(f"{where}: empty member declaration")
        inline = find_body(decl)
        if inline:
            kw, tag, body, after = inline
            sub = parse_members(body, where, tagged)
            if tag is not None and tagged is not None:
                tagged.append((f"{kw} {tag}", sub))
            declarators, last = split_top(after, ",")
            declarators.append(last)
            for d in declarators:
                name, is_array, extra = declarator_name(d, where)
                if extra:
                    raise ParseError(f"{where}: pointer to inline struct not supported")
                members.append(Member(name, is_array, sub))
            continue
        declarators, last = split_top(decl, ",")
        declarators.append(last)
        for n, d in enumerate(declarators):
            name, is_array, type_tokens = declarator_name(d, where)
            if n == 0 and not type_tokens:
                raise ParseError(f"{where}: member {name} has no type")
            members.append(Member(name, is_array, None))
    return members


def join_continuations(text):
    """Join backslash-continued lines, keeping every line at its line number."""
    out, pending = [], []
    for line in text.split("\n"):
        if line.endswith("\\"):
            pending.append(line[:-1])
            continue
        out.append(" ".join(pending + [line]))
        out += [""] * len(pending)
        pending = []
    return "\n".join(out + pending)


def parse_header(path, rel):
    """Returns (items, has_c_declarations, mentions __ASSEMBLY__)."""
    with open(path) as f:
        raw = f.read()
    text = strip_comments(join_continuations(raw), rel)
    items = []
    c_lines = []
    guard = None
    pending_ifndef = None
    defined = set()
    for lineno, line in enumerate(text.split("\n"), 1):
        where = f"{rel}:{lineno}"
        s = line.strip()
        if not s.startswith("#"):
            c_lines.append(line)
            continue
        c_lines.append("")
        m = re.match(r"#\s*(\w+)\s*(.*)", s)
        directive, rest = m.group(1), m.group(2).strip()
        if directive == "ifndef" and guard is None and pending_ifndef is None:
            pending_ifndef = rest
            continue
        if directive != "define":
            if pending_ifndef is not None and guard is None:
                pending_ifndef = None
            continue
        m = re.match(r"([A-Za-z_]\w*)(\(([^)]*)\))?\s*(.*)$", rest)
        if not m:
            raise ParseError(f"{where}: cannot read #define {rest!r}")
        name, params, value = m.group(1), m.group(3), m.group(4).strip()
        if guard is None and pending_ifndef == name and params is None and not value:
            guard = name
            continue
        pending_ifndef = None
        if name in defined:
            raise ParseError(f"{where}: {name} defined twice")
        defined.add(name)
        if params is not None or not value:
            key = f"macro {name}()" if params is not None else f"macro {name}"
            items.append(Item(rel, "macro", key, macro=name))
            for args in PROBES.get(name, []):
                items.append(Item(rel, "const", f"{name}({args})", expr=f"{name}({args})"))
        else:
            items.append(Item(rel, "const", name, expr=name))
    if guard is None:
        raise ParseError(f"{rel}: no include guard (#ifndef X / #define X first)")

    tokens = tokenize("\n".join(c_lines), rel)
    decls, rest = split_top(tokens, ";")
    if rest:
        raise ParseError(f"{rel}: declaration without ';': {' '.join(rest)}")
    for decl in decls:
        where = f"{rel}: {' '.join(decl[:4])}"
        if decl[0] in GUEST_HANDLE_MACROS:
            if len(decl) < 4 or decl[1] != "(" or decl[-1] != ")":
                raise ParseError(f"{where}: cannot read guest handle")
            name = decl[2]
            for n in (name, "const_" + name):
                items.append(Item(rel, "handle", f"XEN_GUEST_HANDLE({n})", handle=n))
            continue
        if decl[0] == "typedef":
            body = find_body(decl[1:])
            if body:
                kw, tag, body_tokens, after = body
                name, is_array, extra = declarator_name(after, where)
                if is_array or extra:
                    raise ParseError(f"{where}: unsupported typedef")
                tagged = []
                add_struct(items, rel, name, parse_members(body_tokens, where, tagged))
                for ctype, members in tagged:
                    add_struct(items, rel, ctype, members)
                items.append(Item(rel, "typedef", f"typedef {name}", ctype=name))
                continue
            name, _, _ = declarator_name(decl[1:], where)
            items.append(Item(rel, "typedef", f"typedef {name}", ctype=name))
            continue
        body = find_body(decl)
        if body:
            kw, tag, body_tokens, after = body
            if tag is None or after:
                raise ParseError(f"{where}: define structs as `{kw} tag {{ ... }};`")
            tagged = []
            add_struct(items, rel, f"{kw} {tag}", parse_members(body_tokens, where, tagged))
            for ctype, members in tagged:
                add_struct(items, rel, ctype, members)
            continue
        raise ParseError(f"{where}: declaration the ABI check cannot read")
    has_c = any(i.kind in ("typedef", "handle", "struct") for i in items)
    return items, has_c, "__ASSEMBLY__" in raw


def add_struct(items, rel, ctype, members):
    items.append(Item(rel, "struct", ctype, ctype=ctype))

    def walk(members, prefix):
        for m in members:
            path = prefix + m.name
            items.append(Item(rel, "field", f"{ctype}.{path}", ctype=ctype, path=path))
            if m.body is not None:
                walk(m.body, path + ("[0]" if m.is_array else "") + ".")

    walk(members, "")


# ------------------------------------------------------------- generation

def c_string(s):
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def row(item, ours):
    """One table row on one line (theirs.c relies on that to pin errors to rows)."""
    k = item.kind
    kw = item.kw
    head = f"{{ .name = {c_string(item.name)}, .present = 1, "
    if ours:
        head += f".header = {c_string(item.header)}, "
        reason = OURS_ONLY.get(item.name) or OURS_ONLY_HEADERS.get(item.header)
        if reason:
            head += f".ours_only = {c_string(reason)}, "
    if k == "struct":
        t = kw["ctype"]
        return head + f".kind = ABI_STRUCT, .size = sizeof({t}), .align = _Alignof({t}) }},"
    if k == "field":
        t, p = kw["ctype"], kw["path"]
        lv = f"(({t} *)0)->{p}"
        return (head + f".kind = ABI_FIELD, .value = offsetof({t}, {p}), "
                f".size = sizeof({lv}), .typecode = ABI_TYPECODE({lv}) }},")
    if k == "typedef":
        t = kw["ctype"]
        return (head + f".kind = ABI_TYPEDEF, .size = sizeof({t}), .align = _Alignof({t}), "
                f".typecode = ABI_TYPECODE(*({t} *)0) }},")
    if k == "handle":
        t = f"XEN_GUEST_HANDLE({kw['handle']})"
        return (head + f".kind = ABI_HANDLE, .size = sizeof({t}), .align = _Alignof({t}), "
                f".extra = sizeof(*(({t} *)0)->p) }},")
    if k == "const":
        e = kw["expr"]
        return (head + f".kind = ABI_CONST, .value = (unsigned long long)({e}), "
                f".size = sizeof({e}), .typecode = ABI_TYPECODE({e}) }},")
    if k == "macro":
        name = kw["macro"]
        if ours:
            return head + ".kind = ABI_MACRO },"
        return None     # written with #ifdef by write_table
    raise AssertionError(k)


def missing_row(item, note):
    return (f"{{ .name = {c_string(item.name)}, .kind = ABI_{item.kind.upper()}, "
            f".present = 0, .note = {c_string(note)} }},")


def write_table(path, includes, items, ours, missing, header_table=None):
    lines = [
        "/* Generated by tools/tests/abi/gen.py; do not edit. */",
        "#include <stddef.h>",
    ]
    lines += [f"#include {inc}" for inc in includes]
    lines += ['#include "abi.h"', ""]
    if header_table:
        lines += header_table + [""]
    table = "abi_ours" if ours else "abi_theirs"
    lines.append(f"const struct abi_entry {table}[] = {{")
    row_lines = {}
    for idx, item in enumerate(items):
        if not ours and item.kind == "macro":
            name = item.kw["macro"]
            lines += [f"#ifdef {name}",
                      f"{{ .name = {c_string(item.name)}, .kind = ABI_MACRO, .present = 1 }},",
                      "#else",
                      missing_row(item, f"libxen-dev does not define {name}"),
                      "#endif"]
            continue
        if idx in missing:
            lines.append(missing_row(item, missing[idx]))
            continue
        row_lines[len(lines) + 1] = idx
        lines.append(row(item, ours))
    lines += ["};", f"const unsigned int {table}_count = {len(items)};", ""]
    with open(path, "w") as f:
        f.write("\n".join(lines))
    return row_lines


def probe_theirs(args, theirs_path, includes, items):
    """Rows theirs.c cannot compile, each with the compiler's first complaint."""
    cmd = [args.cc] + args.cflags.split() + [
        "-D__XEN_TOOLS__", "-fsyntax-only", "-fmax-errors=0",
        "-fno-diagnostics-show-caret", "-I", os.path.dirname(os.path.abspath(__file__)),
        theirs_path]
    # libxen-dev's headers on their own first: a failure there is no row's fault.
    write_table(theirs_path, includes, [], False, {})
    p = subprocess.run(cmd, capture_output=True, text=True)
    if p.returncode != 0:
        sys.exit("gen.py: libxen-dev's headers do not compile:\n" + p.stderr[:4000])
    missing = {}
    for _ in range(20):
        row_lines = write_table(theirs_path, includes, items, False, missing)
        p = subprocess.run(cmd, capture_output=True, text=True)
        if p.returncode == 0:
            return missing
        base = re.escape(os.path.basename(theirs_path))
        found = False
        for m in re.finditer(rf"^[^\n]*{base}:(\d+):\d+: (?:error|warning|note): ([^\n]*)",
                             p.stderr, re.M):
            idx = row_lines.get(int(m.group(1)))
            if idx is not None and idx not in missing:
                missing[idx] = "libxen-dev: " + m.group(2)
                found = True
        if not found:
            sys.exit("gen.py: theirs.c fails for a reason not tied to one row:\n"
                     + p.stderr[:4000])
    sys.exit("gen.py: theirs.c still fails to compile after 20 rounds")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--public", required=True, help="our xen/include/public")
    ap.add_argument("--out", required=True, help="directory for ours.c and theirs.c")
    ap.add_argument("--cc", default="gcc")
    ap.add_argument("--cxx", default="g++")
    ap.add_argument("--cflags", default="", help="flags ours.c and theirs.c are compiled with")
    ap.add_argument("--theirs", default="/usr/include/xen", help="libxen-dev's headers")
    args = ap.parse_args()

    public = os.path.abspath(args.public)
    headers = []
    for root, _, files in os.walk(public):
        for f in files:
            if f.endswith(".h"):
                headers.append(os.path.relpath(os.path.join(root, f), public))
    headers.sort()

    items = []
    header_rows = []
    try:
        for rel in headers:
            hitems, has_c, mentions_asm = parse_header(os.path.join(public, rel), rel)
            items += hitems
            header_rows.append((rel, int(mentions_asm or not has_c)))
    except ParseError as e:
        sys.exit(f"gen.py: {e}")
    names = [i.name for i in items]
    dups = {n for n in names if names.count(n) > 1}
    if dups:
        sys.exit(f"gen.py: defined in more than one header: {', '.join(sorted(dups))}")
    stale = set(OURS_ONLY) - set(names)
    if stale:
        sys.exit(f"gen.py: OURS_ONLY names things we no longer define: {', '.join(sorted(stale))}")

    stale = set(OURS_ONLY_HEADERS) - set(headers)
    if stale:
        sys.exit(f"gen.py: OURS_ONLY_HEADERS names missing headers: {', '.join(sorted(stale))}")

    os.makedirs(args.out, exist_ok=True)
    cc_include = subprocess.run([args.cc, "-print-file-name=include"], capture_output=True,
                                text=True, check=True).stdout.strip()
    header_table = ["const struct abi_header abi_headers[] = {"]
    header_table += [f"    {{ {c_string(h)}, {a} }}," for h, a in header_rows]
    header_table += ["};",
                     f"const unsigned int abi_header_count = {len(header_rows)};",
                     f"const char abi_public_dir[] = {c_string(public)};",
                     f"const char abi_cc[] = {c_string(args.cc)};",
                     f"const char abi_cxx[] = {c_string(args.cxx)};",
                     f"const char abi_cc_include_dir[] = {c_string(cc_include)};"]
    write_table(os.path.join(args.out, "ours.c"), [f'"public/{h}"' for h in headers],
                items, True, {}, header_table)

    theirs_path = os.path.join(args.out, "theirs.c")
    # libxen-dev's headers expect the fixed-width types to be declared already.
    # A header libxen-dev lacks is left out: its rows then fail to compile
    # and are reported as missing like any other.
    includes = ["<stdint.h>"] + [f"<xen/{h}>" for h in headers
                                 if os.path.exists(os.path.join(args.theirs, h))]
    missing = probe_theirs(args, theirs_path, includes, items)

    counts = {}
    for i in items:
        counts[i.kind] = counts.get(i.kind, 0) + 1
    print("gen.py: %d headers; %s; %d absent from libxen-dev (%d allowed)" % (
        len(headers), ", ".join(f"{v} {k}" for k, v in sorted(counts.items())),
        len(missing), sum(1 for i in missing
                         if items[i].name in OURS_ONLY or items[i].header in OURS_ONLY_HEADERS)))


if __name__ == "__main__":
    main()
