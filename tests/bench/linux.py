#!/usr/bin/env python3
"""CPU workloads inside a Linux guest: the workloads of tests/bench/ (integer.c, memory.c,
fp.c) as the init of a Linux guest on the project's test kernel, in Vireo (each execution
tier) beside QEMU 7.2 and native, and the boot of that guest to its init's first line.

integer.c is CoreMark-like (list processing, matrices, a state machine and CRC, each
iteration seeded by the one before), written for this project; it is not EEMBC's CoreMark
and its figures are no CoreMark scores.

Each workload is built twice from the same source: with linux-harness.c into a static
riscv64 Linux program (riscv64-linux-gnu-gcc -O2 -static), packed as the only file (/init)
of an initramfs of its own, and with native-harness.c into a host program (gcc -O2). The
guest's init prints "vireo-bench: init NAME", runs the workload's set-up and then its timed
part (CLOCK_MONOTONIC in the guest), prints "BENCH NAME ticks=N checksum=X" like the other
harnesses and powers off with reboot(2). Each machine boots the test kernel of tests/guests/
on one hart with 256 MiB and Debian's OpenSBI:

  qemu-system-riscv64 -M virt -m 256M -smp 1 -nographic -bios fw_dynamic.bin -kernel K
      -initrd I -device virtio-rng-device -append "console=ttyS0 quiet"
  VIREO_ACCEL=TIER vireo run --memory 256M --cpus 1 --kernel K --initrd I --append ...

(VIREO_ACCEL chooses Vireo's execution tier, as `vireo run --accel TIER` does.) The
machines take turns, --reps runs each, and the best counts. Every checksum must equal the
native one. Besides the workload's own time, every run gives the wall time from the
emulator's start to the init's first line (the boot), the wall time of the whole run and the
process's CPU time (user + system, all threads).

usage: tests/bench/linux.py [--reps N] [--vireo PATH] [--baseline PATH] [--tiers interp,jit]
                            [--only native,qemu,vireo] [--kernel IMAGE] [--out DIR]
                            [--timeout S] [WORKLOAD...]
--baseline PATH adds a second Vireo build (machines base-interp, base-jit) taking turns with
the first, to compare two builds in one run; the median of each Vireo machine's runs is
printed too, as the best alone is at the mercy of a busy host.
BENCH_CFLAGS (e.g. -DINTEGER_ITERATIONS=3000) goes to both builds, after the iteration
counts this script sets. Exit status: 0 when every run agreed with the native checksum; 1
when a checksum differs or a native or QEMU run failed; 2 when the programs or the guest
could not be built. A Vireo that cannot run is reported in the table and is no failure.
"""
import argparse
import os
import re
import resource
import shlex
import shutil
import stat
import statistics
import subprocess
import sys
import time

from benchlib import OPENSBI, QEMU, ROOT, Failed, Machine, guest, missing_machines

WORKLOADS = ("integer", "memory", "fp")
# Twice the bare-metal counts, so that Vireo's interpreter takes 10 to 40 s for each
# workload inside Linux on the machine of tests/bench/README.md (QEMU 8 to 13 s of CPU).
COUNTS = {
    "integer": ["-DINTEGER_ITERATIONS=72000"],
    "memory": ["-DCHASE_STEPS=12582912", "-DSTREAM_PASSES=4"],
    "fp": ["-DMM_ROUNDS=760", "-DNBODY_STEPS=31000", "-DFFT_ROUNDS=5200"],
}
# As run.sh: bit-identical floating point on both ISAs, loops that stay loops.
COMMON_FLAGS = ["-O2", "-Wall", "-Wextra", "-Werror", "-ffp-contract=off", "-fno-math-errno",
                "-fno-tree-loop-distribute-patterns"]
# The ISA of the bare-metal workloads; -s keeps the initramfs small.
GUEST_FLAGS = ["-static", "-s", "-march=rv64gc_zba_zbb_zbs", "-mabi=lp64d"]
GUEST_CC = "riscv64-linux-gnu-gcc"
NATIVE_CC = "gcc"
APPEND = "console=ttyS0 quiet"
BOOT_LIMIT = 120  # seconds from start to the init's first line
TICK_HZ = 10_000_000

INIT_LINE = r"vireo-bench: init (\w+)"
RESULT_LINE = re.compile(r"BENCH (\w+) ticks=(\d+) checksum=([0-9a-f]{16})")


def newc_entry(name, mode, data=b"", ino=0, rdev=(0, 0)):
    """One file of a cpio archive in the "newc" format the kernel unpacks, owned by root."""
    name_bytes = name.encode() + b"\0"
    fields = (ino, mode, 0, 0, 1, 0, len(data), 0, 0, rdev[0], rdev[1], len(name_bytes), 0)
    out = b"070701" + "".join("%08X" % v for v in fields).encode() + name_bytes
    out += b"\0" * (-len(out) % 4)
    return out + data + b"\0" * (-len(data) % 4)


def write_initramfs(program, path):
    """An initramfs holding only PROGRAM as /init (and /dev/console, which the kernel opens
    for init: it needs no root to be made here)."""
    with open(program, "rb") as f:
        init = f.read()
    archive = (newc_entry("dev", stat.S_IFDIR | 0o755, ino=1)
               + newc_entry("dev/console", stat.S_IFCHR | 0o600, ino=2, rdev=(5, 1))
               + newc_entry("init", stat.S_IFREG | 0o755, init, ino=3)
               + newc_entry("TRAILER!!!", 0))
    with open(path + ".tmp", "wb") as f:
        f.write(archive)
    os.replace(path + ".tmp", path)


def flags_for(workload, extra):
    """The workload's iteration counts, less those that BENCH_CFLAGS sets itself (a macro
    defined twice is an error under -Werror), then BENCH_CFLAGS."""
    named = {w.split("=")[0] for w in extra if w.startswith("-D")}
    return [f for f in COUNTS[workload] if f.split("=")[0] not in named] + extra


def build(out, workloads, extra):
    """Builds each workload's guest program, initramfs and native program into OUT; exits
    with status 2 when one cannot be built."""
    bench = os.path.join(ROOT, "tests", "bench")
    for tool, package in ((GUEST_CC, "gcc-riscv64-linux-gnu"), (NATIVE_CC, "gcc")):
        if not shutil.which(tool):
            sys.exit("linux.py: %s not found (Debian: apt-get install %s)" % (tool, package))
    # The cross compiler comes without its C library, which a static init needs.
    if not os.path.exists("/usr/riscv64-linux-gnu/include/stdio.h"):
        sys.exit("linux.py: the riscv64 C library for %s is missing (Debian: apt-get install "
                 "libc6-dev-riscv64-cross)" % GUEST_CC)
    for w in workloads:
        flags = COMMON_FLAGS + flags_for(w, extra)
        src = os.path.join(bench, w + ".c")
        guest_program = os.path.join(out, "linux-%s.init" % w)
        for argv in ([GUEST_CC] + GUEST_FLAGS + flags + [os.path.join(bench, "linux-harness.c"),
                                                         src, "-o", guest_program],
                     [NATIVE_CC] + flags + [os.path.join(bench, "native-harness.c"), src, "-o",
                                            os.path.join(out, "linux-%s.native" % w)]):
            if subprocess.run(argv).returncode != 0:
                sys.exit("linux.py: the build failed: %s" % " ".join(argv))
        write_initramfs(guest_program, os.path.join(out, "linux-%s.cpio" % w))


def command(machine, vireo, kernel, initrd):
    if machine == "qemu":
        # A virtio-rng as Vireo's board has, as boot.py does.
        return [QEMU, "-M", "virt", "-m", "256M", "-smp", "1", "-nographic", "-bios", OPENSBI,
                "-kernel", kernel, "-initrd", initrd, "-device", "virtio-rng-device",
                "-append", APPEND]
    return [vireo, "run", "--memory", "256M", "--cpus", "1", "--kernel", kernel, "--initrd",
            initrd, "--append", APPEND]


def children_cpu():
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def result_of(text, workload):
    """(ticks, checksum) from a run's output."""
    found = [m for m in RESULT_LINE.finditer(text) if m.group(1) == workload]
    if not found:
        tail = [line for line in text.strip().splitlines() if line.strip()]
        raise Failed("no BENCH line; the output ends: %s" % (tail[-1][:100] if tail else
                                                             "(nothing)"))
    return int(found[-1].group(2)), found[-1].group(3)


def run_native(program, workload, log, limit):
    """One native run: {ticks, checksum, wall, cpu}."""
    c0, t0 = children_cpu(), time.monotonic()
    try:
        p = subprocess.run([program], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                           text=True, timeout=limit)
    except subprocess.TimeoutExpired:
        raise Failed("timed out after %d s" % limit)
    wall, cpu = time.monotonic() - t0, children_cpu() - c0
    with open(log, "a") as f:
        f.write("$ %s\n%s" % (program, p.stdout))
    if p.returncode != 0:
        raise Failed("exit status %d" % p.returncode)
    ticks, checksum = result_of(p.stdout, workload)
    return {"ticks": ticks, "checksum": checksum, "wall": wall, "cpu": cpu}


def run_guest(argv, env, workload, log, limit):
    """One boot of the workload's guest: {ticks, checksum, boot, wall, cpu}; boot is the
    wall time from the emulator's start to the init's first line, wall that to its exit."""
    c0, t0 = children_cpu(), time.monotonic()
    m = Machine(argv, log, env)
    try:
        _, t_init = m.expect_at(INIT_LINE, BOOT_LIMIT)
        m.expect_at(RESULT_LINE.pattern, limit)
        ticks, checksum = result_of(m.out, workload)
        try:
            m.p.wait(30)
        except subprocess.TimeoutExpired:
            raise Failed("the guest printed its result but did not power off")
        wall, cpu = time.monotonic() - t0, children_cpu() - c0
        if m.p.returncode != 0:
            raise Failed("exit status %d after the result" % m.p.returncode)
    finally:
        if m.p.poll() is None:
            m.p.kill()
            m.p.wait()
        m.stop()
    return {"ticks": ticks, "checksum": checksum, "boot": t_init - t0, "wall": wall, "cpu": cpu}


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("workloads", nargs="*", metavar="WORKLOAD",
                    help="integer, memory, fp (default: all)")
    ap.add_argument("--reps", type=int, default=int(os.environ.get("BENCH_REPS", "3")),
                    help="runs per workload and machine, the best counts (default 3)")
    ap.add_argument("--vireo", default=os.environ.get("VIREO", os.path.join(ROOT, "build", "app",
                                                                            "vireo")))
    ap.add_argument("--baseline", help="a second vireo to run beside the first (base-TIER)")
    ap.add_argument("--tiers", default="interp,jit",
                    help="Vireo's execution tiers to run, comma-separated (default interp,jit)")
    ap.add_argument("--only", help="the machines to run, comma-separated: native, qemu, vireo")
    ap.add_argument("--kernel", help="the guest kernel (default: tests/guests' linux)")
    ap.add_argument("--out", default=os.environ.get("BENCH_OUT", os.path.join(ROOT, "build",
                                                                              "bench")),
                    help="where programs, logs and linux-results.tsv go (default build/bench)")
    ap.add_argument("--timeout", type=int, default=int(os.environ.get("BENCH_TIMEOUT", "600")),
                    help="limit for one run's workload, in seconds (default 600)")
    args = ap.parse_args()
    workloads = args.workloads or list(WORKLOADS)
    unknown = [w for w in workloads if w not in WORKLOADS]
    if unknown:
        ap.error("unknown workload %s (known: %s)" % (", ".join(unknown), " ".join(WORKLOADS)))
    if args.reps < 1:
        ap.error("--reps must be at least 1")
    tiers = [t for t in args.tiers.split(",") if t]
    if not tiers or any(t not in ("interp", "jit") for t in tiers):
        ap.error("--tiers takes interp, jit or both")
    kinds = ["native", "qemu", "vireo"]
    if args.only:
        kinds = [k for k in kinds if k in args.only.split(",")]
        if not kinds:
            ap.error("--only names no known machine (native, qemu, vireo)")
    machines = [k for k in kinds if k != "vireo"]
    if "vireo" in kinds:
        for t in tiers:
            machines += ["vireo-" + t] + (["base-" + t] if args.baseline else [])

    out = os.path.abspath(args.out)
    os.makedirs(out, exist_ok=True)
    start_load = " ".join(open("/proc/loadavg").read().split()[:3])
    started = time.monotonic()
    extra = shlex.split(os.environ.get("BENCH_CFLAGS", ""))
    build(out, workloads, extra)
    kernel = args.kernel or guest("linux")
    missing = missing_machines(args.vireo)
    base_missing = missing_machines(args.baseline).get("vireo") if args.baseline else None
    for t in tiers:
        if "vireo" in missing:
            missing["vireo-" + t] = missing["vireo"]
        if base_missing:
            missing["base-" + t] = base_missing
    for machine in machines:
        log = os.path.join(out, "linux-%s.log" % machine)
        if os.path.exists(log):
            os.unlink(log)

    best = {}     # (machine, workload) -> {ticks, wall, cpu, boot}: the least of each
    sums = {}     # (machine, workload) -> checksum
    failed = {}   # (machine, workload) -> why
    timed = {}    # (machine, workload) -> the timed part of every run, in ticks
    for w in workloads:
        for rep in range(args.reps):
            for machine in machines:
                key = (machine, w)
                if machine in missing or key in failed:
                    continue
                log = os.path.join(out, "linux-%s.log" % machine)
                try:
                    if machine == "native":
                        r = run_native(os.path.join(out, "linux-%s.native" % w), w, log,
                                       args.timeout)
                    else:
                        env = dict(os.environ)
                        if is_vireo(machine):
                            env["VIREO_ACCEL"] = machine.split("-", 1)[1]
                            with open(log, "a") as f:
                                f.write("# VIREO_ACCEL=%s\n" % env["VIREO_ACCEL"])
                        vireo = args.baseline if machine.startswith("base-") else args.vireo
                        r = run_guest(command(machine, vireo, kernel,
                                              os.path.join(out, "linux-%s.cpio" % w)),
                                      env, w, log, args.timeout)
                except Failed as e:
                    failed[key] = str(e)
                    print("linux: %-12s %-8s run %d/%d: failed: %s (log: %s)" % (
                        machine, w, rep + 1, args.reps, e, log), file=sys.stderr)
                    continue
                if key in sums and sums[key] != r["checksum"]:
                    failed[key] = "checksum changed between runs: %s, then %s" % (
                        sums[key], r["checksum"])
                    print("linux: %s %s: %s" % (machine, w, failed[key]), file=sys.stderr)
                    continue
                sums[key] = r["checksum"]
                timed.setdefault(key, []).append(r["ticks"])
                b = best.setdefault(key, {})
                for field, value in r.items():
                    if field != "checksum":
                        b[field] = min(b.get(field, value), value)
                print("linux: %-12s %-8s run %d/%d: %8.3f s timed, %8.3f s wall, %8.3f s CPU%s" % (
                    machine, w, rep + 1, args.reps, r["ticks"] / TICK_HZ, r["wall"], r["cpu"],
                    ", %.3f s to init" % r["boot"] if "boot" in r else ""), file=sys.stderr)

    status = 0
    for w in workloads:
        reference = sums.get(("native", w)) or sums.get(("qemu", w))
        for machine in machines:
            key = (machine, w)
            if key in sums and sums[key] != reference and key not in failed:
                failed[key] = "CHECKSUM MISMATCH: %s, native %s" % (sums[key], reference)
                status = 1
            if key in failed and (machine in ("native", "qemu") or key in sums):
                status = 1

    def seconds(machine, w):
        b = best.get((machine, w))
        return None if b is None or (machine, w) in failed else b["ticks"] / TICK_HZ

    def cell(machine, w):
        if machine not in machines:
            return "not run"
        if machine in missing:
            return "not available"
        if (machine, w) in failed:
            return "failed"
        return "%.3f" % seconds(machine, w)

    def pct(machine, w):
        n, v = seconds("native", w), seconds(machine, w)
        return "%.1f%%" % (100 * n / v) if n and v else "-"

    def vs_qemu(machine, w):
        q, v = seconds("qemu", w), seconds(machine, w)
        return "%.3f" % (q / v) if q and v else "-"

    tiers_run = [m for m in machines if is_vireo(m)]
    print()
    print("Workloads as the init of a Linux guest (test kernel, 1 hart, 256 MiB), %s on %s "
          "(%d CPUs)" % (time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), cpu_model(),
                         os.cpu_count()))
    print("load average at the start: %s; best of %d; integer is CoreMark-like, not CoreMark" % (
        start_load, args.reps))
    print("Seconds of the timed part (CLOCK_MONOTONIC, in the guest or natively). %nat = native "
          "time / emulated time;")
    print("Vireo/QEMU = QEMU time / Vireo time (1.0: QEMU's speed; 2.0: twice it). Vireo tiers "
          "chosen with VIREO_ACCEL.")
    print()
    head = ["workload", "native s", "QEMU s", "QEMU %nat"]
    for m in tiers_run:
        head += ["%s s" % machine_name(m), "%nat", "Vireo/QEMU"]
    widths = [9, 9, 9, 10] + [15, 7, 11] * len(tiers_run)

    def row(cells):
        print("  ".join(("%-*s" if i == 0 else "%*s") % (widths[i], c)
                        for i, c in enumerate(cells)).rstrip())

    row(head)
    tsv = os.path.join(out, "linux-results.tsv")
    with open(tsv, "w") as f:
        f.write("workload\tmachine\tseconds\twall_s\tcpu_s\tboot_s\tchecksum\n")
        for w in workloads:
            cells = [w, cell("native", w), cell("qemu", w), pct("qemu", w)]
            for m in tiers_run:
                cells += [cell(m, w), pct(m, w), vs_qemu(m, w)]
            row(cells)
            for m in machines:
                b = best.get((m, w))
                if b is None or (m, w) in failed:
                    continue
                f.write("%s\t%s\t%.3f\t%.3f\t%.3f\t%s\t%s\n" % (
                    w, m, b["ticks"] / TICK_HZ, b["wall"], b["cpu"],
                    "%.3f" % b["boot"] if "boot" in b else "", sums[(m, w)]))

    if args.reps > 1 and tiers_run:
        print()
        print("Median of the %d runs' timed parts, s:" % args.reps)
        for w in workloads:
            print("  %-9s %s" % (w, "   ".join(
                "%s %.3f" % (machine_name(m), statistics.median(timed[(m, w)]) / TICK_HZ)
                for m in tiers_run if (m, w) in timed and (m, w) not in failed)))

    print()
    print("Whole run of each machine, best run, boot and set-up included: wall s / CPU s (user "
          "+ system; unlike")
    print("the times above barely disturbed by other work on the host), and for Vireo QEMU's "
          "CPU / Vireo's")
    for w in workloads:
        cells = []
        for m in machines:
            b = best.get((m, w))
            if not b or (m, w) in failed:
                cells.append("%s -" % m)
                continue
            cells.append("%s %.2f / %.2f" % (m, b["wall"], b["cpu"]))
            q = best.get(("qemu", w))
            if is_vireo(m) and q and ("qemu", w) not in failed:
                cells[-1] += " (%.2f)" % (q["cpu"] / b["cpu"])
        print("  %-9s %s" % (w, "   ".join(cells)))

    print()
    emulators = [m for m in machines if m != "native"]
    boots = {m: min((best[(m, w)]["boot"] for w in workloads if (m, w) in best), default=None)
             for m in emulators}
    if emulators:
        boot_count = args.reps * len(workloads)
        print("Boot: wall time from the emulator's start to the init's first line, best of %d "
              "boot%s;" % (boot_count, "s" if boot_count > 1 else ""))
        print("time Vireo/QEMU below 1 means Vireo boots faster (the goal: 0.5 or less)")
        q = boots.get("qemu")
        for m in emulators:
            v = boots[m]
            name = "QEMU 7.2" if m == "qemu" else machine_name(m)
            if m in missing:
                print("  %-13s not available" % name)
            elif v is None:
                print("  %-13s failed" % name)
            else:
                ratio = "   time Vireo/QEMU %.2f" % (v / q) if m != "qemu" and q else ""
                print("  %-13s %7.3f s%s" % (name, v, ratio))

    print()
    for (m, w), why in sorted(failed.items()):
        print("%s %s: %s" % (m, w, why))
    for m in machines:
        if m in missing:
            print("%s: not available (%s)" % (m, missing[m]))
    if status == 0:
        print("checksums agree: %s" % " ".join(
            "%s=%s" % (w, sums.get(("native", w)) or sums.get(("qemu", w)) or "?")
            for w in workloads))
    else:
        print("FAILED: see the lines above and the logs in %s/" % out)
    print("the Linux runs took %.0f s; logs: %s/linux-*.log, table: %s" % (
        time.monotonic() - started, out, tsv))
    return status


def is_vireo(machine):
    return machine.startswith(("vireo-", "base-"))


def machine_name(machine):
    """vireo-jit: "Vireo jit"; base-jit (the --baseline build): "base jit"."""
    kind, tier = machine.split("-", 1)
    return ("Vireo " if kind == "vireo" else "base ") + tier


def cpu_model():
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    return "?"


if __name__ == "__main__":
    sys.exit(main())
