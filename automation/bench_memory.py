"""Bench section "Terabyte guests" (issue 7): for probe domains of 1, 4 and
12 TiB, each in a QEMU TCG machine 1 TiB larger (phys-bits=46, RAM the
host backs only where touched), beside nothing else:

  - build time: the domain builder's "built in" figure;
  - metadata: p2m table pages and allocation records after the probe ran,
    per TiB of guest RAM, and the host allocator's table (32 bytes per
    GiB of host RAM);
  - first-touch cost: the hypervisor's own per-kind averages (TSC ticks
    turned into microseconds with its calibrated TSC rate) for 2 MiB
    pieces scrubbed at touch time and for clean 1 GiB chunks (zeroed
    beforehand by idle CPUs) mapped whole;
  - a 2 GiB domain with pod-touch=1G gives the cost of scrubbing a whole
    dirty GiB at its first touch, and the same domain built with
    no-lazy-populate gives the eager build time to compare with;
  - QEMU's peak resident memory.

Xen 4.17 (Debian's xen-hypervisor-4.17-amd64, fetched with apt-get
download at bench time) is booted on the same machine with the probe as a
PVH dom0 of the same size (dom0=pvh dom0_mem=SIZE): it builds dom0 by
allocating and clearing all of its RAM, so under an emulator that backs
RAM on touch it is stopped at the resident-memory bound; what it printed
and how far it got is reported as "n/a: reason".
"""

import glob
import os
import re
import subprocess
import tempfile

import harness

SECTION = "Terabyte guests"
COLUMNS = ["metric", "this hypervisor", "Xen 4.17"]

ROOT = harness.ROOT
WORK = os.path.join(harness.BUILD_DIR, "bench", "memory")
PROBE = os.path.join(ROOT, "build", "stubdom", "probe.elf")
XEN_ARGS = "console=com1 com1=115200,8n1 loglvl=all"
MAX_RSS = "6G"


def add_args(group):
    group.add_argument("--memory-sizes", default="1,4,12",
                       help="probe domain sizes in TiB (default 1,4,12)")
    group.add_argument("--memory-xen", choices=("yes", "no"), default="yes",
                       help="also try Xen 4.17 on the same machines")
    group.add_argument("--memory-timeout", type=float, default=400.0,
                       help="seconds one run may take")


def domain_file(name, mib):
    path = os.path.join(WORK, "%s.cfg" % name)
    with open(path, "w") as f:
        f.write('name = "probe"\ntype = "pvh"\nkernel = "build/stubdom/probe.elf"\n'
                'memory = %d\nvcpus = 1\nuuid = "6c7a3a52-4f0b-4b8e-9d2e-%012x"\n' % (mib, mib))
    return path


def case_for(name, machine, body, timeout):
    """A temporary case file; returns the loaded Case."""
    text = ("description = bench %s\nemulator = qemu-bios\nsmp = 2\nmemory = %s\n"
            "max_rss = %s\ntimeout = %d\nexpect_exit = yes\n%s"
            % (name, machine, MAX_RSS, timeout, body))
    path = os.path.join(WORK, "%s.case" % name)
    with open(path, "w") as f:
        f.write(text)
    return harness.load_case(path, "bench-memory-" + name)


def ours(name, mib, machine, extra_args, timeout):
    cfg = domain_file(name, mib)
    body = ("xen_args = %s %s\ndomain = %s\nexpect = TEST DONE: [0-9]+ passed, 0 failed\n"
            "expect = \\(XEN\\) Nothing to run: powering off\n"
            % (XEN_ARGS, extra_args, os.path.relpath(cfg, ROOT)))
    res = harness.run_case(case_for(name, machine, body, timeout))
    log = read(os.path.join(res.logdir, "com1.log"))
    return res, log


def read(path):
    try:
        with open(path, errors="replace") as f:
            return f.read()
    except OSError:
        return ""


def grab(pattern, text, conv=float):
    m = re.search(pattern, text)
    return conv(m.group(1)) if m else None


def tsc_mhz(log):
    return grab(r"Time: TSC ([0-9.]+) MHz", log)


def touch_us(log, kind):
    ticks = grab(r"\(probe\) first touch %s: [0-9]+, average ([0-9]+) ticks" % kind, log)
    count = grab(r"\(probe\) first touch %s: ([0-9]+)," % kind, log, int)
    mhz = tsc_mhz(log)
    if ticks is None or not mhz:
        return "n/a: none in this run"
    return "%.0f us (%d touches)" % (ticks / mhz, count)


def metadata(log, tib):
    p2m = grab(r"\(probe\) metadata: p2m tables ([0-9]+) KiB", log, int)
    rec = grab(r"allocation records ([0-9]+) KiB", log, int)
    if p2m is None:
        return "n/a: no report"
    return "%.1f KiB/TiB (p2m %d KiB + records %d KiB)" % ((p2m + rec) / tib, p2m, rec)


def fetch_xen417():
    """Debian's Xen 4.17 image, downloaded once; (path, None) or (None, why)."""
    target = os.path.join(WORK, "xen-4.17", "xen.gz")
    if os.path.isfile(target):
        return target, None
    tmp = tempfile.mkdtemp(dir=WORK)
    dl = subprocess.run(["apt-get", "download", "xen-hypervisor-4.17-amd64"], cwd=tmp,
                        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    debs = glob.glob(os.path.join(tmp, "xen-hypervisor-4.17-amd64_*.deb"))
    if dl.returncode or not debs:
        return None, "apt-get download failed: %s" % dl.stdout.strip()[-120:]
    subprocess.run(["dpkg-deb", "-x", debs[0], os.path.join(tmp, "x")], check=True)
    imgs = glob.glob(os.path.join(tmp, "x", "boot", "xen-4.17*-amd64.gz"))
    if not imgs:
        return None, "no boot/xen-4.17*-amd64.gz in the package"
    os.makedirs(os.path.dirname(target), exist_ok=True)
    os.replace(imgs[0], target)
    return target, None


def xen417(xen, tib, machine, timeout):
    """Xen 4.17 with the probe as its PVH dom0 of the same size."""
    name = "xen417-%dt" % tib
    body = ("xen = %s\nxen_args = console=com1 com1=115200,8n1 loglvl=all dom0=pvh "
            "dom0_mem=%dT noreboot\nmodule = %s\nexpect = TEST DONE: [0-9]+ passed, 0 failed\n"
            % (xen, tib, os.path.relpath(PROBE, ROOT)))
    res = harness.run_case(case_for(name, machine, body, timeout))
    log = read(os.path.join(res.logdir, "com1.log"))
    if res.passed:
        return "probe passed in %.0f s (peak RSS %s)" % (res.elapsed,
                                                         harness.format_size(res.peak_rss))
    last = [l for l in log.splitlines() if l.strip()][-1:] or ["(silent)"]
    return "n/a: %s; last line: %s (peak RSS %s)" % (
        res.reason.split(";")[0][:90], last[0][:90],
        harness.format_size(res.peak_rss) if res.peak_rss else "?")


def run(args):
    os.makedirs(WORK, exist_ok=True)
    subprocess.run(["make", "-s", "-C", os.path.join(ROOT, "stubdom")], check=True)
    subprocess.run(["make", "-s", "-C", os.path.join(ROOT, "tools", "hyperlaunch")], check=True)
    timeout = int(args.memory_timeout * args.timeout_factor)
    xen, why = (None, "not asked for (--memory-xen no)")
    if args.memory_xen == "yes":
        xen, why = fetch_xen417()
    rows = []
    for tib in [int(s) for s in args.memory_sizes.split(",") if s]:
        machine = "%dT" % (tib + 1)
        res, log = ours("ours-%dt" % tib, tib << 20, machine, "", timeout)
        label = "%d TiB probe domain" % tib
        if not res.passed:
            rows.append([label, "n/a: %s (log %s)" % (res.reason[:100],
                                                     harness.relpath(res.logdir)), ""])
            continue
        other = xen417(xen, tib, machine, timeout) if xen else "n/a: " + why
        built = grab(r"\(probe\): kernel ELF .*built in ([0-9.]+) ms", log)
        rows += [
            ["%s: build time" % label, "%.1f ms" % built if built else "n/a", other],
            ["%s: metadata per TiB" % label, metadata(log, tib), "-"],
            ["%s: first touch, 2 MiB scrubbed" % label, touch_us(log, "2M scrubbed"), "-"],
            ["%s: first touch, clean 1 GiB" % label, touch_us(log, "1G clean"), "-"],
            ["%s: QEMU peak RSS" % label, harness.format_size(res.peak_rss), "-"],
        ]
    rows.append(["host allocator table", "32 B per GiB of host RAM (416 KiB for 13 TiB)", "-"])
    # 2 GiB domains in a 6 GiB machine, no scrub pool (every chunk dirty):
    # lazy and eager build, and a dirty GiB scrubbed whole at first touch.
    quiet = "scrub-pool=0"
    res, log = ours("ours-2g-lazy", 2048, "6G", quiet, timeout)
    lazy = grab(r"\(probe\): kernel ELF .*built in ([0-9.]+) ms", log)
    res, log = ours("ours-2g-eager", 2048, "6G", quiet + " no-lazy-populate", timeout)
    eager = grab(r"\(probe\): kernel ELF .*built in ([0-9.]+) ms", log)
    rows.append(["2 GiB domain: build time lazy / eager",
                 "%s / %s" % ("%.1f ms" % lazy if lazy else "n/a",
                              "%.1f ms" % eager if eager else "n/a"), "-"])
    res, log = ours("ours-2g-touch1g", 2048, "6G", quiet + " pod-touch=1G", timeout)
    rows.append(["2 GiB domain: first touch, dirty 1 GiB scrubbed whole",
                 touch_us(log, "1G scrubbed") if res.passed else "n/a: " + res.reason[:100], "-"])
    return rows
