#!/usr/bin/env python3
"""Run the whole test suite and end with one line: `N passed, N failed`.

Layers:
  host   unit tests of hypervisor code compiled for the host (tools/tests)
  emu    boots of real GRUB ISOs under QEMU and Bochs (automation/harness.py)

Every test program prints `PASS: name` / `FAIL: name ...` lines; this script
forwards them and counts them.  A program that crashes or exits non-zero
without printing a FAIL line counts as one failure, so nothing is lost.
"""
import argparse
import os
import re
import subprocess
import sys
import threading

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
RESULT = re.compile(r"^(PASS|FAIL): (\S+)")
SUMMARY = re.compile(r"^\d+ passed, \d+ failed")


def run(label, cmd, env=None, timeout=None):
    """Run one test program, echo its output, return (passed, failed).

    A program still running after `timeout` seconds is killed and counted
    as a failure (a parser stuck in a loop must not hang the suite)."""
    print(f"== {label}: {' '.join(cmd)}", flush=True)
    passed = failed = 0
    failed_names = set()
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            text=True, errors="replace", env=env)
    timed_out = []
    watchdog = None
    if timeout:
        def expire():
            timed_out.append(True)
            proc.kill()
        watchdog = threading.Timer(timeout, expire)
        watchdog.start()
    for line in proc.stdout:
        line = line.rstrip("\n")
        if SUMMARY.match(line):
            print(f"   ({label}) {line}")
            continue
        print(line, flush=True)
        m = RESULT.match(line)
        if not m:
            continue
        if m.group(1) == "PASS":
            passed += 1
        elif m.group(2).rstrip(":") not in failed_names:
            # A case prints detail FAIL lines and then its own FAIL line: count it once.
            failed_names.add(m.group(2).rstrip(":"))
            failed += 1
    rc = proc.wait()
    if watchdog:
        watchdog.cancel()
    if timed_out:
        print(f"FAIL: {label}: killed after {timeout} s")
        failed += 1
    elif rc != 0 and failed == 0:
        print(f"FAIL: {label}: exited with status {rc} without reporting a failure")
        failed += 1
    return passed, failed


def host_tests():
    binaries = []
    tests_dir = os.path.join(ROOT, "tools", "tests")
    for name in sorted(os.listdir(tests_dir)):
        if os.path.exists(os.path.join(tests_dir, name, "sources.mk")):
            binaries.append(name)
    total = [0, 0]
    for name in binaries:
        path = os.path.join(ROOT, "build", "tests", name)
        if not os.path.exists(path):
            print(f"FAIL: host:{name}: not built (run make -C tools/tests)")
            total[1] += 1
            continue
        p, f = run(f"host:{name}", [path], timeout=600)
        total[0] += p
        total[1] += f
    return total


def emu_tests(cases):
    harness = os.path.join(ROOT, "automation", "harness.py")
    if not os.path.exists(harness):
        print("FAIL: emu: automation/harness.py is missing")
        return [0, 1]
    return list(run("emu", [sys.executable, harness] + cases))


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--host-only", action="store_true")
    ap.add_argument("--emu-only", action="store_true")
    ap.add_argument("cases", nargs="*", help="emulator cases to run (default: all)")
    args = ap.parse_args()

    passed = failed = 0
    if not args.emu_only:
        p, f = host_tests()
        passed += p
        failed += f
    if not args.host_only:
        p, f = emu_tests(args.cases)
        passed += p
        failed += f
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
