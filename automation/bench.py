#!/usr/bin/env python3
"""Benchmarks (`make bench`): one table per section, printed side by side.

    python3 automation/bench.py [--only NAME,...] [--runs N] [--timeout-factor F] [--list]

Each section is a module automation/bench_NAME.py, found automatically.
What a section module provides:

    SECTION = "Linux boot"            # title (default: NAME)
    COLUMNS = ["metric", "this hypervisor", "Xen 4.17"]   # header (optional)
    def add_args(parser): ...         # optional: its own command-line options
    def run(args) -> list of rows     # required

A row is a list or tuple of cells (the first names the metric) or a dict
{column: cell}.  Cells are printed with str(); a value that could not be
measured should be a string "n/a: reason".  A section that raises is shown
as one "n/a" row with the error, and the other sections still run; the
exit status is then 1.
"""

import argparse
import glob
import importlib
import os
import sys
import time
import traceback

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)


def discover():
    """{name: module file} for every automation/bench_NAME.py."""
    found = {}
    for path in sorted(glob.glob(os.path.join(HERE, "bench_*.py"))):
        found[os.path.basename(path)[len("bench_"):-3]] = path
    return found


def normalise(rows, columns):
    """Rows as lists of strings, and the header to print them under."""
    out, header = [], list(columns) if columns else None
    for row in rows:
        if isinstance(row, dict):
            if header is None:
                header = list(row.keys())
            for key in row:
                if key not in header:
                    header.append(key)
            out.append([str(row.get(k, "")) for k in header])
        else:
            out.append([str(c) for c in row])
    width = max([len(header or [])] + [len(r) for r in out]) if out or header else 0
    if header is None:
        header = ["metric"] + ["value" if width == 2 else "value %d" % i
                               for i in range(1, width)]
    header += [""] * (width - len(header))
    return [r + [""] * (width - len(r)) for r in out], header


def format_table(title, header, rows):
    widths = [max(len(r[i]) for r in [header] + rows) for i in range(len(header))]
    line = "  ".join("-" * w for w in widths)
    text = ["== %s ==" % title, "  ".join(h.ljust(w) for h, w in zip(header, widths)).rstrip(),
            line]
    text += ["  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip() for r in rows]
    return "\n".join(text)


def main():
    sections = discover()
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--only", default="", help="comma-separated sections (default: all)")
    ap.add_argument("--list", action="store_true", help="list the sections and exit")
    ap.add_argument("--runs", type=int, default=3, help="runs per measurement (median)")
    ap.add_argument("--timeout-factor", type=float,
                    default=float(os.environ.get("BENCH_TIMEOUT_FACTOR", "1")),
                    help="scale every timeout (slow hosts)")
    modules, failed = {}, False
    for name, path in sections.items():
        try:
            modules[name] = importlib.import_module("bench_" + name)
            hook = getattr(modules[name], "add_args", None)
            if hook:
                hook(ap.add_argument_group("section " + name))
        except Exception:
            modules[name] = traceback.format_exc().strip().splitlines()[-1]
    args = ap.parse_args()
    if args.list:
        for name, mod in modules.items():
            title = getattr(mod, "SECTION", name) if not isinstance(mod, str) else mod
            print("%-12s %s" % (name, title))
        return 0
    wanted = [s for s in args.only.split(",") if s] or list(modules)
    for name in wanted:
        if name not in modules:
            print("bench: no section %r (have: %s)" % (name, ", ".join(modules)), file=sys.stderr)
            return 2

    tables = []
    for name in wanted:
        mod = modules[name]
        start = time.monotonic()
        if isinstance(mod, str):
            title, header, rows = name, ["metric", "value"], [["section", "n/a: import: " + mod]]
            failed = True
        else:
            title = getattr(mod, "SECTION", name)
            print("bench: running %s ..." % title, file=sys.stderr, flush=True)
            try:
                rows, header = normalise(mod.run(args), getattr(mod, "COLUMNS", None))
            except Exception:
                traceback.print_exc()
                err = traceback.format_exc().strip().splitlines()[-1]
                rows, header = [["section", "n/a: " + err]], ["metric", "value"]
                failed = True
        tables.append(format_table("%s (%.0f s)" % (title, time.monotonic() - start),
                                   header, rows))
        # Each table as soon as it is ready; all of them again at the end.
        print(tables[-1] + "\n", file=sys.stderr, flush=True)
    print("\n\n".join(tables))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
