"""Bench section "Linux boot": time from emulator start to the first line
of the Linux guest's init ("INIT: start"), Debian's stock kernel and the
busybox initramfs of scripts/fetch-linux-guest, under

  - this hypervisor: a Hyperlaunch domU (1 vCPU, 256 MiB), and
  - Debian's Xen 4.17 (xen-hypervisor-4.17-amd64, fetched at bench time):
    the same kernel as its PV dom0 (1 vCPU, 256 MiB), console=hvc0
    earlyprintk=xen, the same initramfs,

both from a GRUB ISO on the same QEMU TCG machine (q35, SeaBIOS, 2 CPUs,
1 GiB, -cpu max,-smap: Xen 4.17's PV dom0 faults with SMAP here, see
PLATFORMS.md).  Median of --runs runs each; a run that does not reach init
within the timeout is reported with the last console line it printed.
"""

import os
import re
import statistics
import subprocess
import tempfile
import time

import harness

SECTION = "Linux boot"
COLUMNS = ["emulator start -> Linux init", "this hypervisor", "Xen 4.17 (PV dom0)"]

ROOT = harness.ROOT
LINUX = os.path.join(ROOT, "build", "linux")
MARK = re.compile(r"INIT: start")
MACHINE = {"smp": 2, "memory": "1G", "cpu": "max,-smap"}
XEN_ARGS = "console=com1 com1=115200,8n1"


def add_args(group):
    group.add_argument("--linux-timeout", type=float, default=300.0,
                       help="seconds one boot may take before it counts as failed")
    group.add_argument("--linux-side", choices=("both", "ours", "xen-4.17"), default="both",
                       help="measure only one side (the other shows n/a)")
    group.add_argument("--linux-xen", default=harness.DEFAULT_XEN, metavar="PATH",
                       help="this hypervisor's image (default xen/xen.gz)")


def systems(ours):
    """(column, hypervisor image, its arguments, modules) for each side."""
    return [
        ("ours", os.path.abspath(ours), XEN_ARGS,
         [(os.path.join(LINUX, "hl-linux-1cpu.dtb"), ""),
          (os.path.join(LINUX, "vmlinuz"), ""),
          (os.path.join(LINUX, "initrd.gz"), "")]),
        ("xen-4.17", os.path.join(LINUX, "xen", "xen.gz"),
         XEN_ARGS + " dom0_mem=256M dom0_max_vcpus=1 noreboot",
         [(os.path.join(LINUX, "vmlinuz"), "console=hvc0 earlyprintk=xen"),
          (os.path.join(LINUX, "initrd.gz"), "")]),
    ]


def boot_once(iso, timeout, logdir):
    """Seconds from the emulator's start to the init mark, or (None, why)."""
    com1 = os.path.join(logdir, "com1.log")
    if os.path.exists(com1):
        os.unlink(com1)
    cmd = harness.qemu_command("qemu-bios", MACHINE["smp"], MACHINE["memory"], iso, com1,
                               logdir, cpu=MACHINE["cpu"])
    with open(os.path.join(logdir, "emulator.log"), "w") as log:
        start = time.monotonic()
        proc = harness.spawn(cmd, cwd=logdir, stdin=subprocess.DEVNULL, stdout=log,
                             stderr=subprocess.STDOUT)
    tail, last = harness.LogTail(com1), ""
    try:
        while True:
            for line in tail.lines():
                if line.strip():
                    last = line.strip()
                if MARK.search(line):
                    return time.monotonic() - start, None
            if harness.reap(proc, 0.05) is not None:
                for line in tail.lines(final=True):
                    if MARK.search(line):
                        return time.monotonic() - start, None
                    last = line.strip() or last
                return None, "emulator exited (%s); last line: %s" % (proc.returncode, last[-90:])
            if time.monotonic() - start > timeout:
                return None, "no init within %.0f s; last line: %s" % (timeout, last[-90:])
    finally:
        harness.kill_group(proc, grace=1.0)
        tail.close()


def prepare(name, xen, xen_args, modules):
    """(ISO, log directory) for one side, or (None, "n/a: why")."""
    for path in [xen] + [m[0] for m in modules]:
        if not os.path.isfile(path):
            return None, "n/a: missing %s" % os.path.relpath(path, ROOT)
    try:
        iso = harness.build_iso(xen, xen_args, modules)
    except Exception as exc:  # noqa: BLE001 - any failure becomes a cell
        return None, "n/a: ISO: %s" % exc
    logdir = os.path.join(harness.BUILD_DIR, "bench", "linux-" + name)
    os.makedirs(logdir, exist_ok=True)
    return iso, logdir


def measure(sides, runs, timeout):
    """{name: (median cell, every-run cell)}.  The sides take turns, run by
    run, so that a change in the host's load hits both alike."""
    ready, times, failed = {}, {}, {}
    for name, xen, xen_args, modules in sides:
        iso, where = prepare(name, xen, xen_args, modules)
        if iso:
            ready[name] = (iso, where)
            times[name] = []
        else:
            failed[name] = where
    for i in range(runs):
        for name, (iso, logdir) in ready.items():
            if name in failed:
                continue
            secs, why = boot_once(iso, timeout, logdir)
            if secs is None:
                # A side that cannot boot would fail the same way every time.
                failed[name] = "n/a: run %d: %s (log: %s)" % (i + 1, why,
                                                               os.path.relpath(logdir, ROOT))
            else:
                times[name].append(secs)
    cells = {}
    for name, _, _, _ in sides:
        each = ", ".join("%.1f" % t for t in times.get(name, []))
        if name in failed:
            cells[name] = (failed[name], each)
        else:
            cells[name] = ("%.1f s" % statistics.median(times[name]), each)
    return cells


def run(args):
    fetch = subprocess.run([os.path.join(ROOT, "scripts", "fetch-linux-guest"), "--xen"],
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    if fetch.returncode:
        why = "n/a: fetch-linux-guest failed: %s" % fetch.stdout.strip().splitlines()[-1:]
        return [["median of %d" % args.runs, why, why]]
    try:
        kernel = open(os.path.join(LINUX, "VERSION")).read().split()[:2]
    except OSError:
        kernel = ["?"]
    timeout = args.linux_timeout * args.timeout_factor
    sides = [s for s in systems(args.linux_xen) if args.linux_side in ("both", s[0])]
    load0 = os.getloadavg()[0]
    cells = measure(sides, args.runs, timeout)
    load1 = os.getloadavg()[0]
    for name, _, _, _ in systems(args.linux_xen):
        cells.setdefault(name, ("n/a: not asked for (--linux-side)", ""))
    return [
        ["median of %d" % args.runs, cells["ours"][0], cells["xen-4.17"][0]],
        ["each run (s)", cells["ours"][1] or "-", cells["xen-4.17"][1] or "-"],
        ["guest", "Hyperlaunch domU, 1 vCPU, 256 MiB", "PV dom0, 1 vCPU, 256 MiB"],
        ["kernel", " ".join(kernel), " ".join(kernel)],
        ["machine", "QEMU TCG q35 SeaBIOS, -cpu %s, %d CPUs, %s" % (
            MACHINE["cpu"], MACHINE["smp"], MACHINE["memory"]), "same"],
        # Emulation speed follows the host's load: say what it was.
        ["host load (1 min)", "%.1f at start, %.1f at end, %d CPUs" % (
            load0, load1, os.cpu_count() or 0), "same run (sides take turns)"],
    ]
