#!/usr/bin/env python3
"""Turn `nm -n` output of the hypervisor into a symbol table for stack traces.

The table is assembled into .rodata.symbols:
  xen_symbols_nr        number of entries (u64)
  xen_symbols_addr[]    sorted start addresses (u64)
  xen_symbols_off[]     offsets of the names in xen_symbols_names (u32)
  xen_symbols_names     NUL-terminated names
Only text symbols are listed, so the table does not shift code when it grows.
"""
import sys


def read_symbols(stream):
    syms = []
    for line in stream:
        parts = line.split()
        if len(parts) != 3 or parts[1] not in "tTwW":
            continue
        addr = int(parts[0], 16)
        if addr < 0xffffffff80000000:
            continue
        syms.append((addr, parts[2]))
    syms.sort()
    return syms


def emit(syms):
    out = ['\t.section .rodata.symbols, "a"', "\t.balign 8",
           "\t.globl xen_symbols_nr, xen_symbols_addr, xen_symbols_off, xen_symbols_names",
           "xen_symbols_nr:", f"\t.quad {len(syms)}", "xen_symbols_addr:"]
    out += [f"\t.quad 0x{a:x}" for a, _ in syms]
    out.append("xen_symbols_off:")
    off = 0
    for _, name in syms:
        out.append(f"\t.long {off}")
        off += len(name) + 1
    out.append("xen_symbols_names:")
    out += [f'\t.asciz "{n}"' for _, n in syms]
    out.append('\t.section .note.GNU-stack, "", @progbits')
    return "\n".join(out) + "\n"


def main():
    if "--empty" in sys.argv:
        sys.stdout.write(emit([]))
        return 0
    syms = read_symbols(sys.stdin)
    if "--check" in sys.argv:
        # The final link must list the same text addresses as the table it holds.
        want = emit(syms)
        have = open(sys.argv[sys.argv.index("--check") + 1]).read()
        if want != have:
            sys.stderr.write("symbols.py: text symbols moved between links\n")
            return 1
        return 0
    sys.stdout.write(emit(syms))
    return 0


if __name__ == "__main__":
    sys.exit(main())
