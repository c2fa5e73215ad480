#!/usr/bin/env python3
"""Emulator test harness: boots the hypervisor from a GRUB ISO under QEMU
(SeaBIOS or OVMF) or Bochs, watches COM1 and judges the run against a case
file (automation/cases/NAME.case).  See automation/README.md.

Usable as a library (scripts/mkiso and scripts/run-demo import it) and as
    python3 automation/harness.py [--list] [--jobs N] [CASE...]
"""

import argparse
import fcntl
import hashlib
import json
import os
import re
import select
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import traceback

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CASES_DIR = os.path.join(ROOT, "automation", "cases")
BUILD_DIR = os.path.join(ROOT, "build", "automation")
ISO_CACHE_DIR = os.path.join(BUILD_DIR, "iso-cache")
LOGS_DIR = os.path.join(BUILD_DIR, "logs")
DEFAULT_XEN = os.path.join(ROOT, "xen", "xen.gz")
HYPERLAUNCH = os.path.join(ROOT, "build", "tools", "hyperlaunch")
HYPERLAUNCH_BUILD = ["make", "-s", "-C", "tools/hyperlaunch"]

QEMU = "qemu-system-x86_64"
BOCHS = "bochs"
OVMF_CODE = "/usr/share/OVMF/OVMF_CODE_4M.fd"
OVMF_VARS = "/usr/share/OVMF/OVMF_VARS_4M.fd"
BOCHS_BIOS = "/usr/share/bochs/BIOS-bochs-latest"
BOCHS_VGABIOS = "/usr/share/bochs/VGABIOS-lgpl-latest"

# Bump when the ISO layout or grub.cfg changes, so cached ISOs are rebuilt.
ISO_FORMAT = "3"
ISO_CACHE_KEEP = 40

# GRUB echoes this just before loading the hypervisor.  Seeing it twice in
# one run means the machine rebooted (Bochs has no -no-reboot).
GRUB_MARKER = "harness: GRUB loading the hypervisor"

DEFAULT_FORBID = ["Panic on CPU", "FATAL TRAP", "BUG at"]
EMULATORS = ("qemu-bios", "qemu-ovmf", "bochs")

RSS_INTERVAL = 0.5
POLL_INTERVAL = 0.1


class HarnessError(Exception):
    """A problem with a case file, the ISO build or the environment."""


# ---------------------------------------------------------------- sizes

_SIZE_RE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([KMGT]?)(?:i?B)?\s*$", re.I)
_SIZE_SHIFT = {"": 0, "K": 10, "M": 20, "G": 30, "T": 40}


def parse_size(text, default_unit=""):
    """'512M', '13T', '3GiB', '1.5G' -> bytes (binary units)."""
    m = _SIZE_RE.match(text)
    if not m:
        raise ValueError("bad size %r (want e.g. 512M, 3G, 13T)" % text)
    unit = (m.group(2) or default_unit).upper()
    return int(float(m.group(1)) * (1 << _SIZE_SHIFT[unit]))


def format_size(nbytes, digits=1):
    if nbytes >= 1 << 40:
        return "%.*f TiB" % (digits, nbytes / float(1 << 40))
    if nbytes >= 1 << 30:
        return "%.*f GiB" % (digits, nbytes / float(1 << 30))
    return "%d MiB" % (nbytes >> 20)


def exact_size(nbytes):
    """Bytes -> the shortest exact QEMU size string: 13T, 2G, 1536M."""
    for unit, shift in (("T", 40), ("G", 30), ("M", 20), ("K", 10)):
        if nbytes and nbytes % (1 << shift) == 0:
            return "%d%s" % (nbytes >> shift, unit)
    return str(nbytes)


def relpath(path):
    try:
        rel = os.path.relpath(path, os.getcwd())
    except ValueError:
        return path
    return path if rel.startswith("../..") else rel


# ---------------------------------------------------------------- cases

class Case:
    """One parsed case file."""

    def __init__(self, name, path):
        self.name = name
        self.path = path
        self.description = ""
        self.emulator = None
        self.smp = 1
        self.memory = "512M"
        self.memory_bytes = 512 << 20
        self.cpu = None
        self.xen = DEFAULT_XEN
        self.xen_args = ""
        self.modules = []           # [(abs path, args string)]
        self.domains = []           # Hyperlaunch domain/cpupool files (abs paths)
        self.pools = []             # --pool NAME:SCHED:CPUS for the tool
        self.expect = []            # [(source text, compiled)]
        self.expect_any = []        # the same, matched in any order
        self.input = []             # [(regex source, compiled, bytes to type on COM1)]
        self.forbid = []
        self.default_forbid = True
        self.timeout = 120.0
        self.max_rss = None
        self.expect_exit = False
        self.expect_reboot = False      # expect_exit = reboot: the machine must reset itself
        self.qemu_args = []
        self.bochsrc = []
        self.build = []             # [argv]

    def all_forbid(self):
        pats = list(self.forbid)
        if self.default_forbid:
            pats = [(p, re.compile(re.escape(p))) for p in DEFAULT_FORBID] + pats
        return pats

    def summary(self):
        bits = [self.emulator, "smp %d" % self.smp, self.memory]
        if self.max_rss:
            bits.append("max_rss %s" % format_size(self.max_rss))
        if self.domains:
            bits.append("Hyperlaunch files %d" % len(self.domains))
        text = ", ".join(bits)
        if self.description:
            text += ": " + self.description
        return text


_SCALAR_KEYS = {"description", "emulator", "smp", "memory", "cpu", "xen",
                "xen_args", "default_forbid", "timeout", "max_rss",
                "expect_exit", "qemu_args"}
_LIST_KEYS = {"module", "domain", "pool", "expect", "expect_any", "input", "forbid", "bochsrc",
              "build"}


def _parse_bool(text):
    low = text.strip().lower()
    if low in ("yes", "true", "1", "on"):
        return True
    if low in ("no", "false", "0", "off"):
        return False
    raise ValueError("bad boolean %r (want yes or no)" % text)


def _compile_regex(text):
    # "(XEN)" unescaped is a group matching "XEN": it never matches the
    # console's "(XEN) " prefix, which is almost certainly not what was meant.
    if re.search(r"(?<!\\)\(XEN(?<!\\)\)", text):
        raise ValueError("regex %r contains an unescaped (XEN); write \\(XEN\\)" % text)
    try:
        return re.compile(text)
    except re.error as exc:
        raise ValueError("bad regex %r: %s" % (text, exc))


_KEY_ESCAPES = {"\\": "\\", "n": "\n", "r": "\r", "t": "\t", "e": "\x1b"}


def parse_keys(text):
    """The keys of an `input` line: text with \\n, \\r, \\t, \\e (escape),
    \\\\ and \\xNN (e.g. \\x01 for Ctrl-A) -> bytes."""
    out, i = [], 0
    while i < len(text):
        c = text[i]
        if c != "\\":
            out.append(c)
            i += 1
            continue
        nxt = text[i + 1:i + 2]
        if nxt in _KEY_ESCAPES:
            out.append(_KEY_ESCAPES[nxt])
            i += 2
        elif nxt == "x" and re.match(r"[0-9a-fA-F]{2}$", text[i + 2:i + 4]):
            out.append(chr(int(text[i + 2:i + 4], 16)))
            i += 4
        else:
            raise ValueError("bad escape in keys %r (want \\n \\r \\t \\e \\\\ or \\xNN)"
                             % text)
    data = "".join(out)
    if not data:
        raise ValueError("no keys to type")
    try:
        return data.encode("latin-1")
    except UnicodeEncodeError:
        raise ValueError("keys %r are not single bytes" % text)


def _resolve(path):
    return path if os.path.isabs(path) else os.path.join(ROOT, path)


def load_case(path, name=None):
    """Parse a case file: `key = value` lines, `#` comment lines, blank lines.
    List keys (module, expect, forbid, bochsrc, build) may repeat."""
    case = Case(name or os.path.splitext(os.path.basename(path))[0], path)
    seen = set()
    try:
        with open(path, encoding="utf-8") as fh:
            lines = fh.read().splitlines()
    except OSError as exc:
        raise HarnessError("cannot read case %s: %s" % (path, exc.strerror))
    for lineno, raw in enumerate(lines, 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        where = "%s:%d" % (relpath(path), lineno)
        key, sep, value = line.partition("=")
        key, value = key.strip(), value.strip()
        if not sep or not key:
            raise HarnessError("%s: expected `key = value`" % where)
        if key not in _SCALAR_KEYS and key not in _LIST_KEYS:
            raise HarnessError("%s: unknown key %r" % (where, key))
        if key in _SCALAR_KEYS:
            if key in seen:
                raise HarnessError("%s: %r given twice" % (where, key))
            seen.add(key)
        try:
            _apply_key(case, key, value)
        except ValueError as exc:
            raise HarnessError("%s: %s: %s" % (where, key, exc))
    if case.emulator is None:
        raise HarnessError("%s: no `emulator =` line" % relpath(path))
    if case.domains and case.modules:
        raise HarnessError("%s: give `domain =` (Hyperlaunch) or `module =` lines, not both"
                           % relpath(path))
    if case.pools and not case.domains:
        raise HarnessError("%s: `pool =` needs `domain =` lines" % relpath(path))
    if case.domains and HYPERLAUNCH_BUILD not in case.build:
        case.build.append(list(HYPERLAUNCH_BUILD))
    if not case.expect and not case.expect_exit and not case.expect_reboot:
        raise HarnessError("%s: needs an `expect =` line or `expect_exit = yes`"
                           % relpath(path))
    if case.emulator == "bochs" and case.memory_bytes >= 1 << 40:
        raise HarnessError("%s: Bochs cannot emulate %s" % (relpath(path), case.memory))
    return case


def _apply_key(case, key, value):
    if key == "description":
        case.description = value
    elif key == "emulator":
        if value not in EMULATORS:
            raise ValueError("%r is not one of %s" % (value, ", ".join(EMULATORS)))
        case.emulator = value
    elif key == "smp":
        case.smp = int(value)
        if not 1 <= case.smp <= 64:
            raise ValueError("smp must be 1..64")
    elif key == "memory":
        case.memory_bytes = parse_size(value, "M")
        if case.memory_bytes < 16 << 20 or case.memory_bytes % (1 << 20):
            raise ValueError("memory must be a whole number of MiB, >= 16M")
        case.memory = exact_size(case.memory_bytes)
    elif key == "cpu":
        case.cpu = value
    elif key == "xen":
        case.xen = _resolve(value)
    elif key == "xen_args":
        case.xen_args = value
    elif key == "module":
        if not value:
            raise ValueError("needs a path")
        mpath, _, margs = value.partition(" ")
        case.modules.append((_resolve(mpath), margs.strip()))
    elif key == "domain":
        if not value:
            raise ValueError("needs one or more .cfg files")
        case.domains += [_resolve(f) for f in value.split()]
    elif key == "pool":
        if value.count(":") != 2 or " " in value:
            raise ValueError("want NAME:SCHED:CPUS, e.g. pool1:credit:2-3")
        case.pools.append(value)
    elif key == "expect":
        case.expect.append((value, _compile_regex(value)))
    elif key == "expect_any":
        case.expect_any.append((value, _compile_regex(value)))
    elif key == "input":
        regex, sep, keys = value.partition(" => ")
        if not sep or not regex.strip():
            raise ValueError("want `REGEX => KEYS`")
        case.input.append((regex.strip(), _compile_regex(regex.strip()), parse_keys(keys.strip())))
    elif key == "forbid":
        case.forbid.append((value, _compile_regex(value)))
    elif key == "default_forbid":
        case.default_forbid = _parse_bool(value)
    elif key == "timeout":
        case.timeout = float(value)
        if case.timeout <= 0:
            raise ValueError("must be positive")
    elif key == "max_rss":
        case.max_rss = parse_size(value, "M")
    elif key == "expect_exit":
        if value.strip() == "reboot":
            case.expect_reboot = True
        else:
            case.expect_exit = _parse_bool(value)
    elif key == "qemu_args":
        case.qemu_args = shlex.split(value)
    elif key == "bochsrc":
        case.bochsrc.append(value)
    elif key == "build":
        case.build.append(shlex.split(value))


def case_path(name):
    """A case name (automation/cases/NAME.case) or a path to a .case file."""
    if name.endswith(".case") or os.sep in name:
        return os.path.abspath(name)
    return os.path.join(CASES_DIR, name + ".case")


def list_cases():
    try:
        names = sorted(f[:-5] for f in os.listdir(CASES_DIR) if f.endswith(".case"))
    except OSError:
        names = []
    return names


# ---------------------------------------------------------------- ISO

_hash_memo = {}
_hash_lock = threading.Lock()


def file_digest(path):
    st = os.stat(path)
    key = (path, st.st_ino, st.st_size, st.st_mtime_ns)
    with _hash_lock:
        if key in _hash_memo:
            return _hash_memo[key]
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    digest = h.hexdigest()
    with _hash_lock:
        _hash_memo[key] = digest
    return digest


_GRUB_SAFE = re.compile(r"^[A-Za-z0-9_.,:/=+@%^-]+$")


def grub_quote(word):
    """Quote one word for grub.cfg so GRUB passes it through literally."""
    if _GRUB_SAFE.match(word):
        return word
    return "'" + word.replace("'", "'\\''") + "'"


def grub_args(args):
    return " ".join(grub_quote(w) for w in args.split())


def _iso_names(modules):
    """Names for the modules under /boot/ in the ISO: unique, GRUB-safe."""
    names, used = [], {"xen.gz", "grub"}
    for idx, (path, _) in enumerate(modules):
        base = re.sub(r"[^A-Za-z0-9._-]", "_", os.path.basename(path)) or "module"
        name = base
        if name in used:
            name = "%d-%s" % (idx, base)
        used.add(name)
        names.append(name)
    return names


def grub_cfg(xen_args, modules, timeout=0):
    lines = [
        "serial --unit=0 --speed=115200",
        "terminal_input serial",
        "terminal_output serial",
        "set timeout=%d" % timeout,
        "menuentry 'hypervisor' {",
        "    echo '%s'" % GRUB_MARKER,
        "    multiboot2 /boot/xen.gz %s" % grub_args(xen_args),
    ]
    for name, (_, margs) in zip(_iso_names(modules), modules):
        lines.append("    module2 /boot/%s %s" % (name, grub_args(margs)))
    lines += ["    boot", "}", ""]
    return "\n".join(l.rstrip() for l in lines)


def _evict_iso_cache():
    """Keep the ISO_CACHE_KEEP most recently used ISOs."""
    try:
        isos = [os.path.join(ISO_CACHE_DIR, f) for f in os.listdir(ISO_CACHE_DIR)
                if f.endswith(".iso")]
        isos.sort(key=lambda p: os.stat(p).st_mtime, reverse=True)
    except OSError:
        return
    for old in isos[ISO_CACHE_KEEP:]:
        for path in (old, old[:-4] + ".cfg", old[:-4] + ".lock"):
            try:
                os.unlink(path)
            except OSError:
                pass


def build_iso(xen, xen_args="", modules=(), timeout=0, out=None):
    """Make (or reuse) a hybrid BIOS+UEFI GRUB ISO booting `xen` with
    `modules` [(path, args)].  Returns the ISO path (in the cache unless
    `out` is given, in which case the ISO is copied there)."""
    modules = list(modules)
    for path in [xen] + [m[0] for m in modules]:
        if not os.path.isfile(path):
            raise HarnessError("missing file %s" % relpath(path))
    cfg = grub_cfg(xen_args, modules, timeout)
    key = hashlib.sha256()
    key.update(("iso-format %s\n" % ISO_FORMAT).encode())
    key.update(cfg.encode())
    key.update(("xen %s\n" % file_digest(xen)).encode())
    for name, (path, _) in zip(_iso_names(modules), modules):
        key.update(("%s %s\n" % (name, file_digest(path))).encode())
    digest = key.hexdigest()[:24]
    os.makedirs(ISO_CACHE_DIR, exist_ok=True)
    iso = os.path.join(ISO_CACHE_DIR, digest + ".iso")
    # The lock serialises builders of the same ISO (parallel jobs, or two
    # harness runs); it stays on disk so every builder locks the same inode.
    with open(os.path.join(ISO_CACHE_DIR, digest + ".lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if os.path.exists(iso):
            os.utime(iso)
        else:
            _make_iso(iso, cfg, xen, modules)
            _evict_iso_cache()
    if out:
        tmp = "%s.tmp%d" % (out, os.getpid())
        shutil.copyfile(iso, tmp)
        os.replace(tmp, out)
        return out
    return iso


def _make_iso(iso, cfg, xen, modules):
    tree = os.path.join(ISO_CACHE_DIR, "tree-%d-%d" % (os.getpid(), threading.get_ident()))
    shutil.rmtree(tree, ignore_errors=True)
    try:
        os.makedirs(os.path.join(tree, "boot", "grub"))
        shutil.copyfile(xen, os.path.join(tree, "boot", "xen.gz"))
        for name, (path, _) in zip(_iso_names(modules), modules):
            shutil.copyfile(path, os.path.join(tree, "boot", name))
        with open(os.path.join(tree, "boot", "grub", "grub.cfg"), "w") as fh:
            fh.write(cfg)
        tmp = "%s.tmp%d" % (iso, os.getpid())
        cmd = ["grub-mkrescue", "-o", tmp, "--locales=", "--themes=",
               "--fonts=", tree]
        try:
            res = subprocess.run(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                 stderr=subprocess.STDOUT, timeout=300)
        except FileNotFoundError:
            raise HarnessError("grub-mkrescue not found (apt-get install grub-common "
                               "grub-pc-bin grub-efi-amd64-bin xorriso mtools)")
        if res.returncode != 0 or not os.path.exists(tmp):
            raise HarnessError("grub-mkrescue failed:\n" +
                               res.stdout.decode(errors="replace")[-2000:])
        with open(iso[:-4] + ".cfg", "w") as fh:
            fh.write(cfg)
        os.replace(tmp, iso)
    finally:
        shutil.rmtree(tree, ignore_errors=True)
        try:
            os.unlink(tmp)
        except (OSError, UnboundLocalError):
            pass


# ---------------------------------------------------------------- accel

_accel = None
_accel_lock = threading.Lock()


def _cpu_flags():
    try:
        with open("/proc/cpuinfo") as fh:
            for line in fh:
                if line.startswith("flags"):
                    return set(line.split(":", 1)[1].split())
    except OSError:
        pass
    return set()


def _kvm_nested(flags):
    for flag, mod in (("vmx", "kvm_intel"), ("svm", "kvm_amd")):
        if flag in flags:
            try:
                with open("/sys/module/%s/parameters/nested" % mod) as fh:
                    if fh.read().strip() in ("Y", "1"):
                        return True
            except OSError:
                pass
    return False


def _kvm_starts():
    """Does `-accel kvm -cpu host` actually start?  Run QEMU paused briefly."""
    cmd = [QEMU, "-accel", "kvm", "-cpu", "host", "-M", "q35", "-m", "64M",
           "-nodefaults", "-display", "none", "-monitor", "none", "-S"]
    try:
        proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL, start_new_session=True)
    except OSError:
        return False
    try:
        proc.wait(timeout=2)
        return False            # exited: it refused to start
    except subprocess.TimeoutExpired:
        return True
    finally:
        kill_group(proc)


def detect_accel():
    """'kvm' when this host's KVM can give the guest VMX or SVM, else 'tcg'.
    HARNESS_ACCEL=tcg|kvm overrides."""
    global _accel
    with _accel_lock:
        if _accel is None:
            forced = os.environ.get("HARNESS_ACCEL")
            if forced in ("tcg", "kvm"):
                _accel = forced
            elif (os.access("/dev/kvm", os.R_OK | os.W_OK) and
                  _kvm_nested(_cpu_flags()) and _kvm_starts()):
                _accel = "kvm"
            else:
                _accel = "tcg"
        return _accel


# ---------------------------------------------------------------- commands

def qemu_command(emulator, smp, memory, iso, com1, rundir, cpu=None, extra=(),
                 serial_stdio=False, qmp=None, com1_socket=None):
    """The QEMU argv for a run.  `memory` is a size string like 512M.  COM1
    goes to the file `com1`, or with `com1_socket` (host, port) to that
    TCP server (a SerialLink, for cases that type on COM1)."""
    big = parse_size(memory, "M") >= 1 << 40
    accel = detect_accel()
    if accel == "kvm":
        cpu_model = "host"
    else:
        cpu_model = cpu or "max"
    if big and "phys-bits" not in cpu_model:
        cpu_model += ",phys-bits=46"
    cmd = [QEMU, "-M", "q35"]
    if accel == "kvm":
        cmd += ["-accel", "kvm"]
    cmd += ["-cpu", cpu_model, "-smp", str(smp)]
    if big:
        cmd += ["-object", "memory-backend-ram,id=ram0,size=%s,reserve=off" % memory,
                "-M", "memory-backend=ram0"]
    cmd += ["-m", memory, "-nographic", "-no-reboot"]
    if serial_stdio:
        cmd += ["-serial", "mon:stdio"]
    elif com1_socket:
        cmd += ["-chardev", "socket,id=com1,host=%s,port=%d" % com1_socket,
                "-serial", "chardev:com1", "-monitor", "none"]
    else:
        cmd += ["-serial", "file:" + com1, "-monitor", "none"]
    if qmp:
        cmd += ["-qmp", "unix:%s,server=on,wait=off" % qmp]
    cmd += ["-device", "isa-debug-exit,iobase=0xf4,iosize=0x04"]
    if emulator == "qemu-ovmf":
        vars_copy = os.path.join(rundir, "OVMF_VARS.fd")
        shutil.copyfile(OVMF_VARS, vars_copy)
        cmd += ["-drive", "if=pflash,format=raw,readonly=on,file=" + OVMF_CODE,
                "-drive", "if=pflash,format=raw,file=" + vars_copy]
    cmd += ["-cdrom", iso]
    cmd += list(extra)
    return cmd


def _bochs_path(path):
    if re.search(r"[\s,\"']", path):
        raise HarnessError("Bochs cannot take a path with spaces or commas: %s" % path)
    return path


def bochs_config(case, iso, com1, bochs_log, com1_socket=None):
    if com1_socket:
        com1_line = "com1: enabled=1, mode=socket-client, dev=%s:%d" % com1_socket
    else:
        com1_line = "com1: enabled=1, mode=file, dev=%s" % _bochs_path(com1)
    lines = [
        "plugin_ctrl: speaker=0, sb16=0, es1370=0, e1000=0, ne2k=0, usb_uhci=0",
        "megs: %d" % (case.memory_bytes >> 20),
        "cpu: model=%s, count=%d, ips=200000000" % (case.cpu or "corei7_skylake_x", case.smp),
        "romimage: file=" + BOCHS_BIOS,
        "vgaromimage: file=" + BOCHS_VGABIOS,
        "ata0-master: type=cdrom, path=%s, status=inserted" % _bochs_path(iso),
        "boot: cdrom",
        com1_line,
        "display_library: sdl2",
        "log: %s" % _bochs_path(bochs_log),
        "clock: sync=none, time0=local",
        "sound: waveoutdrv=dummy, waveindrv=dummy, midioutdrv=dummy",
    ]
    return "\n".join(lines + list(case.bochsrc)) + "\n"


# ---------------------------------------------------------------- processes

_running = set()
_running_lock = threading.Lock()
_stopping = threading.Event()


def spawn(cmd, **kw):
    """Start an emulator in its own process group, killed with SIGKILL if
    the thread that started it dies (setpriv --pdeathsig)."""
    if shutil.which("setpriv"):
        cmd = ["setpriv", "--pdeathsig", "KILL", "--"] + list(cmd)
    proc = subprocess.Popen(cmd, start_new_session=True, **kw)
    with _running_lock:
        _running.add(proc)
    return proc


def reap(proc, timeout=0.0):
    """Non-blocking wait (up to `timeout` s) that also records the child's
    peak resident size from the kernel (wait4's ru_maxrss) in proc.maxrss.
    Returns the exit code, or None while it runs."""
    deadline = time.monotonic() + timeout
    while proc.returncode is None:
        try:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        except ChildProcessError:       # reaped elsewhere
            proc.returncode = proc.returncode if proc.returncode is not None else -1
            break
        if pid:
            proc.returncode = os.waitstatus_to_exitcode(status)
            proc.maxrss = usage.ru_maxrss * 1024
            break
        if time.monotonic() >= deadline:
            break
        time.sleep(0.05)
    return proc.returncode


def kill_group(proc, grace=5.0):
    """SIGTERM the process group, then SIGKILL; reap the leader."""
    for sig, wait in ((signal.SIGTERM, grace), (signal.SIGKILL, 5.0)):
        if proc.returncode is not None:
            break
        try:
            os.killpg(proc.pid, sig)
        except (ProcessLookupError, PermissionError):
            pass
        reap(proc, wait)
    # Stragglers left in the group after the leader died.
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    with _running_lock:
        _running.discard(proc)


def kill_all():
    _stopping.set()
    with _running_lock:
        procs = list(_running)
    for proc in procs:
        kill_group(proc, grace=1.0)


def tree_rss(pid):
    """(resident, peak resident) bytes of pid and all its descendants:
    VmRSS and VmHWM from /proc/PID/status, each summed over the tree."""
    children = {}
    try:
        entries = os.listdir("/proc")
    except OSError:
        return 0
    for ent in entries:
        if not ent.isdigit():
            continue
        try:
            with open("/proc/%s/stat" % ent) as fh:
                stat = fh.read()
        except OSError:
            continue
        fields = stat[stat.rfind(")") + 2:].split()
        children.setdefault(int(fields[1]), []).append(int(ent))
    rss = hwm = 0
    todo = [pid]
    while todo:
        cur = todo.pop()
        todo.extend(children.get(cur, ()))
        try:
            with open("/proc/%d/status" % cur) as fh:
                for line in fh:
                    if line.startswith("VmRSS:"):
                        rss += int(line.split()[1]) * 1024
                    elif line.startswith("VmHWM:"):
                        hwm += int(line.split()[1]) * 1024
        except OSError:
            pass
    return rss, max(rss, hwm)


# ---------------------------------------------------------------- console

_ANSI = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b[()*+][ -~]|\x1b[ -~]")
_CTRL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def clean_line(raw):
    text = raw.decode("utf-8", errors="replace")
    return _CTRL.sub("", _ANSI.sub("", text))


class LogTail:
    """Follows a file that another process writes; yields complete lines."""

    def __init__(self, path):
        self.path = path
        self.fh = None
        self.buf = b""

    def lines(self, final=False):
        if self.fh is None:
            try:
                self.fh = open(self.path, "rb")
            except OSError:
                return []
        data = self.fh.read()
        if data:
            self.buf += data
        out = []
        while b"\n" in self.buf:
            raw, self.buf = self.buf.split(b"\n", 1)
            out.append(clean_line(raw))
        if final and self.buf:
            out.append(clean_line(self.buf))
            self.buf = b""
        return out

    def close(self):
        if self.fh:
            self.fh.close()


class SerialLink:
    """COM1 over a TCP connection on 127.0.0.1, for cases that type on it
    (`input`).  The harness listens; the emulator connects as its COM1
    (QEMU -chardev socket, Bochs mode=socket-client) before the guest runs.
    A thread appends what the guest prints to the COM1 log file, so the log
    reads as with a plain file backend, and send() types keys.  A socket
    rather than a pty: its buffer (hundreds of KiB, not 16) absorbs the
    harness falling behind on a loaded host, where a full buffer would
    make the emulated UART drop output."""

    ACCEPT_WAIT = 30.0

    def __init__(self, logpath):
        self.listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(1)
        self.listener.setblocking(False)
        self.host, self.port = self.listener.getsockname()
        self.conn = None
        self.connected = threading.Event()
        self.log = open(logpath, "ab")
        self.lock = threading.Lock()
        self.done = threading.Event()
        self.thread = threading.Thread(target=self._pump, daemon=True)
        self.thread.start()

    def _copy_available(self):
        """Copy what is waiting to the log; False once the emulator hung up."""
        with self.lock:
            while self.conn and self.log:
                try:
                    data = self.conn.recv(65536)
                except (BlockingIOError, InterruptedError):
                    return True
                except OSError:
                    data = b""
                if not data:
                    return False
                self.log.write(data)
                self.log.flush()
            return True

    def _pump(self):
        while not self.done.is_set():
            sock = self.conn or self.listener
            try:
                ready, _, _ = select.select([sock], [], [], 0.05)
            except (OSError, ValueError):
                return
            if not ready:
                continue
            if self.conn is None:
                try:
                    conn, _ = self.listener.accept()
                except (BlockingIOError, InterruptedError):
                    continue
                except OSError:
                    return
                conn.setblocking(False)
                conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
                self.conn = conn
                self.connected.set()
            elif not self._copy_available():
                return

    def drain(self):
        """Copy what the guest printed and the thread has not copied yet."""
        self._copy_available()

    def send(self, data):
        if not self.connected.wait(self.ACCEPT_WAIT):
            raise _Fail("the emulator never connected to COM1's socket")
        view = memoryview(data)
        while view:
            try:
                view = view[self.conn.send(view):]
            except (BlockingIOError, InterruptedError):
                select.select([], [self.conn], [], 0.1)
            except OSError as exc:
                raise _Fail("typing on COM1 failed: %s" % exc)

    def close(self):
        self.done.set()
        self.thread.join(1.0)
        self.drain()
        with self.lock:
            self.log.close()
            self.log = None
            if self.conn:
                self.conn.close()
        self.listener.close()


class QmpWatch:
    """Non-blocking QMP client that only collects events (SHUTDOWN reason:
    guest-shutdown for ACPI power-off, guest-reset for a reboot or triple
    fault, which -no-reboot turns into an exit)."""

    def __init__(self, path, logpath):
        self.path = path
        self.sock = None
        self.buf = b""
        self.events = []
        self.log = open(logpath, "w")
        self.sent_caps = False
        self.closed = False
        self.was_connected = False

    def poll(self):
        if self.closed:
            return
        if self.sock is None:
            if not os.path.exists(self.path):
                return
            sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            try:
                sock.connect(self.path)
            except OSError:
                sock.close()
                return
            sock.setblocking(False)
            self.sock = sock
            self.was_connected = True
        while True:
            try:
                data = self.sock.recv(65536)
            except (BlockingIOError, InterruptedError):
                break
            except OSError:
                data = b""
            if not data:
                self.sock.close()
                self.sock = None
                self.closed = True      # QEMU is gone; do not reconnect
                break
            self.buf += data
        while b"\n" in self.buf:
            raw, self.buf = self.buf.split(b"\n", 1)
            self.log.write(raw.decode(errors="replace").rstrip() + "\n")
            try:
                msg = json.loads(raw)
            except ValueError:
                continue
            if "QMP" in msg and not self.sent_caps and self.sock:
                self.sent_caps = True
                try:
                    self.sock.sendall(b'{"execute": "qmp_capabilities"}\n')
                except OSError:
                    pass
            elif "event" in msg:
                self.events.append(msg)
        self.log.flush()

    @property
    def connected(self):
        return self.was_connected

    def shutdown_reasons(self):
        return [e.get("data", {}).get("reason") for e in self.events
                if e.get("event") == "SHUTDOWN"]

    def close(self):
        if self.sock:
            self.sock.close()
        self.log.close()


# ---------------------------------------------------------------- running

class Result:
    def __init__(self, case, passed, reason, elapsed, peak_rss, logdir):
        self.case, self.passed, self.reason = case, passed, reason
        self.elapsed, self.peak_rss, self.logdir = elapsed, peak_rss, logdir

    def line(self):
        if self.passed:
            extra = "%.1f s" % self.elapsed
            if self.peak_rss:
                extra += ", peak RSS %s" % format_size(self.peak_rss)
            return "PASS: emu:%s (%s)" % (self.case.name, extra)
        return "FAIL: emu:%s: %s (log: %s/)" % (self.case.name, self.reason,
                                                relpath(self.logdir))


class _Fail(Exception):
    pass


class _Rebooted(Exception):
    """The machine reset itself; a pass for `expect_exit = reboot` once all expects matched."""


def _bochs_exit_message(text):
    m = re.search(r"Bochs is exiting with the following message:\s*\n(.*)", text)
    return m.group(1).strip() if m else None


def _unlink(path):
    try:
        os.unlink(path)
    except OSError:
        pass


class _Run:
    """One emulator run of one case: starts it, follows its logs, judges."""

    def __init__(self, case, logdir, live, out_lock, live_prefix):
        self.case = case
        self.logdir = logdir
        self.live, self.out_lock, self.live_prefix = live, out_lock, live_prefix
        self.com1 = os.path.join(logdir, "com1.log")
        self.emu_log = os.path.join(logdir, "emulator.log")
        self.bochs_log = os.path.join(logdir, "bochs.log")
        self.qemu_debug = os.path.join(logdir, "qemu-debug.log")
        self.forbid = case.all_forbid()
        self.exp_idx = 0
        self.any_left = list(case.expect_any)
        self.in_idx = 0
        self.link = None                # SerialLink when the case types on COM1
        self.grub_seen = 0
        self.resets = 0
        self.peak = 0
        self.last_line = ""

    def command(self, iso):
        """The argv and environment additions for this run."""
        case = self.case
        if case.emulator == "bochs":
            rc_file = os.path.join(self.logdir, "bochs.cont")
            _write(rc_file, "c\n")
            rcfg = os.path.join(self.logdir, "bochsrc")
            _write(rcfg, bochs_config(case, iso, self.com1, self.bochs_log,
                                      com1_socket=self.link_address()))
            return [BOCHS, "-q", "-f", rcfg, "-rc", rc_file], {"SDL_VIDEODRIVER": "dummy"}, None
        qmp = os.path.join(self.logdir, "qmp.sock")
        if len(qmp.encode()) >= 100:        # sun_path limit: lose reset detection only
            qmp = None
        extra = ["-d", "cpu_reset", "-D", self.qemu_debug] + case.qemu_args
        cmd = qemu_command(case.emulator, case.smp, case.memory, iso, self.com1, self.logdir,
                           cpu=case.cpu, extra=extra, qmp=qmp,
                           com1_socket=self.link_address())
        return cmd, {}, qmp

    def link_address(self):
        return (self.link.host, self.link.port) if self.link else None

    def pending(self):
        return "expect #%d /%s/" % (self.exp_idx + 1, self.case.expect[self.exp_idx][0])

    def when(self):
        """Where the run was when something went wrong, for messages."""
        if self.exp_idx >= len(self.case.expect):
            return "after all expects matched"
        return "while waiting for " + self.pending()

    def context(self):
        if not self.last_line:
            return "; COM1 stayed silent"
        return "; last COM1 line: %s" % self.last_line[:160]

    def com1_lines(self, lines):
        for line in lines:
            if self.live:
                with self.out_lock:
                    sys.stdout.write(self.live_prefix + line + "\n")
                    sys.stdout.flush()
            if line.strip():
                self.last_line = line.strip()
            for src, rx in self.forbid:
                if rx.search(line):
                    raise _Fail("forbidden /%s/ matched: %s" % (src, line.strip()))
            if GRUB_MARKER in line:
                self.grub_seen += 1
                if self.grub_seen > 1:
                    self.rebooted("machine rebooted (GRUB ran a second time)")
            self.any_left = [e for e in self.any_left if not e[1].search(line)]
            if self.exp_idx < len(self.case.expect) and \
                    self.case.expect[self.exp_idx][1].search(line):
                self.exp_idx += 1
            if self.in_idx < len(self.case.input) and \
                    self.case.input[self.in_idx][1].search(line):
                src, _, keys = self.case.input[self.in_idx]
                self.link.send(keys)
                self.in_idx += 1
                with open(os.path.join(self.logdir, "input.log"), "a") as fh:
                    fh.write("input #%d: /%s/ matched %r: typed %r\n"
                             % (self.in_idx, src, line.strip(), keys))

    def check_inputs_typed(self):
        if self.any_left:
            raise _Fail("expect_any /%s/ never matched%s" % (self.any_left[0][0], self.context()))
        if self.in_idx < len(self.case.input):
            raise _Fail("input #%d /%s/ never matched, its keys were not typed"
                        % (self.in_idx + 1, self.case.input[self.in_idx][0]))

    def bochs_lines(self, lines):
        for line in lines:
            if "exception with no resolution" in line:
                raise _Fail("triple fault %s (Bochs: %s)"
                            % (self.when(), line.split("] ", 1)[-1].strip()))
            if "bx_pc_system_c::Reset(" in line:
                self.resets += 1
                if self.resets > 1:
                    self.rebooted("machine reset (reboot)")

    def rebooted(self, what):
        if self.case.expect_reboot and self.exp_idx == len(self.case.expect):
            raise _Rebooted(what)
        raise _Fail("%s %s" % (what, self.when()))

    def qemu_reset_kind(self):
        return "triple fault" if "Triple fault" in _read(self.qemu_debug) else \
            "guest reset (reboot)"

    def exit_verdict(self, rc, qwatch):
        """The emulator exited by itself: (clean power-off?, description)."""
        if self.case.emulator == "bochs":
            text = _read(self.emu_log)
            msg = _bochs_exit_message(text)
            if msg and "soft power off" in msg:
                return True, "powered off"
            if msg:
                return False, "exited: %s" % msg
            if "fgets() returned ERROR" in text:
                return False, "stopped in its debugger (exit status %d)" % rc
            return False, "exited with status %d" % rc
        reasons = qwatch.shutdown_reasons() if qwatch else []
        if "guest-reset" in reasons or "Triple fault" in _read(self.qemu_debug):
            return False, "exited on a %s" % self.qemu_reset_kind()
        if "guest-shutdown" in reasons:
            return True, "powered off"
        if reasons:
            return False, "shut down (%s)" % ", ".join(str(r) for r in reasons)
        if rc > 1 and rc & 1:
            return False, "exited via isa-debug-exit (value %#x)" % (rc >> 1)
        if rc == 0 and not (qwatch and qwatch.connected):
            return True, "exited"           # no QMP: cannot tell more
        how = "exited with status %d" % rc
        lines = _read(self.emu_log).strip().splitlines()
        if lines:
            how += ": " + lines[-1][:200]
        return False, how

    def watch(self, proc, timeout):
        """Follow the run until it passes (returns) or fails (_Fail)."""
        case = self.case
        tail = LogTail(self.com1)
        btail = LogTail(self.bochs_log) if case.emulator == "bochs" else None
        qwatch = self.qwatch
        start = time.monotonic()
        next_rss = start
        try:
            while True:
                if _stopping.is_set():
                    raise _Fail("interrupted")
                now = time.monotonic()
                self.com1_lines(tail.lines())
                if btail:
                    self.bochs_lines(btail.lines())
                if qwatch:
                    qwatch.poll()
                    if "guest-reset" in qwatch.shutdown_reasons():
                        self.com1_lines(tail.lines(final=True))
                        self.rebooted(self.qemu_reset_kind())
                if self.exp_idx == len(case.expect) and not self.any_left and \
                        not case.expect_exit and not case.expect_reboot:
                    self.check_inputs_typed()
                    return
                rc = reap(proc)
                if rc is not None:
                    if self.link:
                        self.link.drain()
                    self.com1_lines(tail.lines(final=True))
                    if btail:
                        self.bochs_lines(btail.lines(final=True))
                    if qwatch:
                        qwatch.poll()
                    clean, how = self.exit_verdict(rc, qwatch)
                    if case.expect_reboot and "reset" in how and \
                            self.exp_idx == len(case.expect):
                        return
                    if self.exp_idx < len(case.expect):
                        raise _Fail("emulator %s before %s%s"
                                    % (how, self.pending(), self.context()))
                    if case.expect_exit and not clean:
                        raise _Fail("emulator %s instead of an ACPI power-off" % how)
                    self.check_inputs_typed()
                    return
                if now >= next_rss:
                    # VmHWM too, so a spike between two samples still counts.
                    rss, hwm = tree_rss(proc.pid)
                    self.peak = max(self.peak, hwm)
                    next_rss = now + RSS_INTERVAL
                    if case.max_rss and hwm > case.max_rss:
                        raise _Fail("resident memory %d MiB exceeded max_rss %d MiB %s"
                                    % (hwm >> 20, case.max_rss >> 20, self.when()))
                if now - start > timeout:
                    if self.exp_idx < len(case.expect):
                        raise _Fail("timeout after %.0f s waiting for %s%s"
                                    % (timeout, self.pending(), self.context()))
                    raise _Fail("timeout after %.0f s: all expects met but the emulator "
                                "did not power off" % timeout)
                time.sleep(POLL_INTERVAL)
        finally:
            tail.close()
            if btail:
                btail.close()

    def run(self, iso, timeout):
        _write(self.com1, "")
        if self.case.input:
            self.link = SerialLink(self.com1)
        try:
            return self._run(iso, timeout)
        finally:
            if self.link:
                self.link.close()

    def _run(self, iso, timeout):
        cmd, env_add, qmp = self.command(iso)
        env = dict(os.environ, **env_add)
        env_note = "".join("%s=%s " % kv for kv in sorted(env_add.items()))
        _write(os.path.join(self.logdir, "cmdline.txt"),
               "cd %s && %s%s </dev/null\n" % (shlex.quote(self.logdir), env_note,
                                               " ".join(shlex.quote(c) for c in cmd)))
        self.qwatch = QmpWatch(qmp, os.path.join(self.logdir, "qmp.log")) if qmp else None
        reason = None
        start = time.monotonic()
        with open(self.emu_log, "wb") as emu_out:
            try:
                proc = spawn(cmd, stdin=subprocess.DEVNULL, stdout=emu_out,
                             stderr=subprocess.STDOUT, env=env, cwd=self.logdir)
            except OSError as exc:
                return "cannot start %s: %s" % (cmd[0], exc.strerror), 0.0
            try:
                self.watch(proc, timeout)
            except _Rebooted:
                pass
            except _Fail as exc:
                reason = str(exc)
            finally:
                elapsed = time.monotonic() - start
                kill_group(proc)
                self.peak = max(self.peak, getattr(proc, "maxrss", 0))
                if self.qwatch:
                    self.qwatch.close()
        return reason, elapsed


def run_case(case, xen=None, live=False, timeout_factor=1.0, out_lock=None,
             live_prefix=""):
    """Boot one case and judge it.  Returns a Result.  With `live`, COM1
    lines are also printed (each prefixed by `live_prefix`)."""
    logdir = os.path.join(LOGS_DIR, case.name)
    shutil.rmtree(logdir, ignore_errors=True)
    os.makedirs(logdir)
    try:
        modules = case.modules
        if case.domains:
            modules = hyperlaunch_modules(case, os.path.join(logdir, "hyperlaunch.dtb"))
        iso = build_iso(xen or case.xen, case.xen_args, modules)
    except HarnessError as exc:
        _write(os.path.join(logdir, "result.txt"), "FAIL: %s\n" % exc)
        return Result(case, False, "ISO build: %s" % str(exc).splitlines()[0], 0, 0, logdir)
    shutil.copyfile(iso[:-4] + ".cfg", os.path.join(logdir, "grub.cfg"))
    run = _Run(case, logdir, live, out_lock or threading.Lock(), live_prefix)
    reason, elapsed = run.run(iso, case.timeout * timeout_factor)
    if reason is None:
        _unlink(os.path.join(logdir, "OVMF_VARS.fd"))
    _unlink(os.path.join(logdir, "qmp.sock"))
    _write(os.path.join(logdir, "result.txt"), "%s\n%.1f s, peak RSS %s\n" % (
        "PASS" if reason is None else "FAIL: " + reason, elapsed,
        format_size(run.peak) if run.peak else "unknown"))
    return Result(case, reason is None, reason, elapsed, run.peak, logdir)


def hyperlaunch_modules(case, blob):
    """Run tools/hyperlaunch on the case's domain and pool files: write the
    configuration blob to `blob` and return the module list [(path, args)]
    in module-index order (the blob first).  Each module's command line
    starts with its path in the ISO, as the tool's GRUB entries write it.
    Relative paths in the files are relative to the repository root."""
    cmd = [HYPERLAUNCH, "-o", blob, "--list-modules"]
    for pool in case.pools:
        cmd += ["--pool", pool]
    cmd += case.domains
    try:
        res = subprocess.run(cmd, cwd=ROOT, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, universal_newlines=True)
    except OSError as exc:
        raise HarnessError("cannot run %s: %s (make -C tools/hyperlaunch)"
                           % (relpath(HYPERLAUNCH), exc.strerror))
    _write(os.path.join(os.path.dirname(blob), "hyperlaunch.log"),
           " ".join(shlex.quote(c) for c in cmd) + "\n" + res.stdout + res.stderr)
    if res.returncode != 0:
        raise HarnessError("hyperlaunch failed: " + "; ".join(
            l for l in res.stderr.strip().splitlines() if "warning:" not in l))
    modules = []
    for line in res.stdout.splitlines():
        idx, path, args = line.split("\t", 2)
        if int(idx) != len(modules):
            raise HarnessError("hyperlaunch: module %s out of order" % idx)
        modules.append((os.path.join(ROOT, path), args))
    names = _iso_names(modules)
    return [(path, ("/boot/%s %s" % (name, args)).strip())
            for name, (path, args) in zip(names, modules)]


def _write(path, text):
    with open(path, "w") as fh:
        fh.write(text)


def _read(path):
    try:
        with open(path, errors="replace") as fh:
            return fh.read()
    except OSError:
        return ""


def run_builds(cases):
    done = set()
    for case in cases:
        for argv in case.build:
            key = tuple(argv)
            if key in done:
                continue
            done.add(key)
            print("BUILD: %s" % " ".join(shlex.quote(a) for a in argv), flush=True)
            if subprocess.run(argv, cwd=ROOT, stdin=subprocess.DEVNULL).returncode != 0:
                raise HarnessError("build step failed: %s" % " ".join(argv))


# ---------------------------------------------------------------- CLI

def _on_signal(signum, frame):
    raise KeyboardInterrupt


def main(argv=None):
    signal.signal(signal.SIGPIPE, signal.SIG_DFL)   # `harness.py --list | head`
    ap = argparse.ArgumentParser(
        description="Boot the hypervisor in emulators and check COM1 against case files.")
    ap.add_argument("cases", nargs="*", metavar="CASE",
                    help="case names (automation/cases/NAME.case) or .case paths; default all")
    ap.add_argument("--list", action="store_true", help="list the cases and exit")
    ap.add_argument("-j", "--jobs", type=int, default=2, help="cases run in parallel (default 2)")
    ap.add_argument("--xen", help="hypervisor image instead of each case's (default xen/xen.gz)")
    ap.add_argument("--live", action="store_true", help="copy COM1 to the terminal as it arrives")
    ap.add_argument("--no-build", action="store_true", help="skip the cases' build = steps")
    ap.add_argument("--timeout-factor", type=float,
                    default=float(os.environ.get("HARNESS_TIMEOUT_FACTOR", "1")),
                    help="multiply every case timeout (env HARNESS_TIMEOUT_FACTOR)")
    args = ap.parse_args(argv)

    names = args.cases or list_cases()
    if args.list:
        for name in names:
            try:
                print("%-24s %s" % (name, load_case(case_path(name), None).summary()))
            except HarnessError as exc:
                print("%-24s ERROR: %s" % (name, exc))
        return 0
    if not names:
        print("no cases found in %s" % relpath(CASES_DIR), file=sys.stderr)
        return 2
    try:
        cases, seen = [], set()
        for name in names:
            case = load_case(case_path(name))
            if case.name not in seen:
                seen.add(case.name)
                cases.append(case)
        if not args.no_build:
            run_builds(cases)
    except HarnessError as exc:
        print("harness: %s" % exc, file=sys.stderr)
        return 2
    xen = os.path.abspath(args.xen) if args.xen else None

    # Also SIGINT: a shell starting us in the background leaves it ignored.
    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, _on_signal)
    out_lock = threading.Lock()
    results = []
    queue = list(cases)
    qlock = threading.Lock()

    def worker():
        while not _stopping.is_set():
            with qlock:
                if not queue:
                    return
                case = queue.pop(0)
            try:
                res = run_case(case, xen=xen, live=args.live,
                               timeout_factor=args.timeout_factor, out_lock=out_lock,
                               live_prefix=("[%s] " % case.name) if len(cases) > 1 else "")
            except Exception as exc:    # a harness bug must not hang the run
                logdir = os.path.join(LOGS_DIR, case.name)
                os.makedirs(logdir, exist_ok=True)
                _write(os.path.join(logdir, "result.txt"),
                       "FAIL: harness error\n" + traceback.format_exc())
                res = Result(case, False, "harness error: %r" % exc, 0, 0, logdir)
            with out_lock:
                results.append(res)
                if not _stopping.is_set():
                    print(res.line(), flush=True)

    threads = [threading.Thread(target=worker, daemon=True)
               for _ in range(max(1, min(args.jobs, len(cases))))]
    try:
        for t in threads:
            t.start()
        for t in threads:
            while t.is_alive():
                t.join(0.2)
    except KeyboardInterrupt:
        kill_all()
        print("harness: interrupted; emulators killed", file=sys.stderr)
        return 130
    finally:
        kill_all()
    passed = sum(1 for r in results if r.passed)
    failed = len(results) - passed
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
