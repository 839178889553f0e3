#!/usr/bin/env python3
"""Boot and idle benchmarks: Vireo beside QEMU 7.2 on the same Linux kernel and initramfs.

For each machine, best of a few runs:
  - wall time from process start to the init's first line ("vireo-initramfs: ready"),
  - wall time from process start to power-off (init runs `true` and powers off),
then the time the guest's shell takes for work that switches between processes all the time
(each iteration forks two processes joined by a pipe, then a pipe streams 10 MB between two
processes; measured from "vireo-run: begin" to its exit status), and then host CPU used by
an idle guest (booted to its shell) over 10 seconds.

usage: tests/bench/boot.py [--reps N] [--idle-seconds S] [--vireo PATH]
The kernel and initramfs come from tests/guests/ (built if missing, which takes minutes).
"""
import argparse
import os
import select
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OPENSBI = "/usr/lib/riscv64-linux-gnu/opensbi/generic/fw_dynamic.bin"
READY = b"vireo-initramfs: ready"


def guest(script):
    out = subprocess.run([os.path.join(ROOT, "tests", "guests", script), "--print-path"],
                         check=True, stdout=subprocess.PIPE, text=True).stdout
    return out.strip().splitlines()[-1]


def command(machine, vireo, kernel, initrd, append):
    if machine == "qemu":
        return ["qemu-system-riscv64", "-M", "virt", "-m", "256M", "-smp", "1",
                "-nographic", "-bios", OPENSBI, "-kernel", kernel, "-initrd", initrd,
                "-device", "virtio-rng-device", "-append", append]
    return [vireo, "run", "--memory", "256M", "--cpus", "1", "--kernel", kernel,
            "--initrd", initrd, "--append", append]


def cpu_seconds(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    ticks = os.sysconf("SC_CLK_TCK")
    return (int(fields[11]) + int(fields[12])) / ticks


class Guest:
    def __init__(self, argv):
        self.t0 = time.monotonic()
        self.p = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                  stderr=subprocess.DEVNULL)
        self.out = b""

    def wait_for(self, needle, timeout):
        deadline = time.monotonic() + timeout
        while needle not in self.out:
            left = deadline - time.monotonic()
            if left <= 0 or self.p.poll() is not None and not self._read(0):
                return None
            self._read(min(left, 0.5))
        return time.monotonic() - self.t0

    def _read(self, timeout):
        r, _, _ = select.select([self.p.stdout], [], [], timeout)
        if not r:
            return False
        data = os.read(self.p.stdout.fileno(), 65536)
        self.out += data
        return bool(data)

    def wait_exit(self, timeout):
        deadline = time.monotonic() + timeout
        while self.p.poll() is None and time.monotonic() < deadline:
            self._read(0.05)
        if self.p.poll() is None:
            self.p.kill()
            return None
        return time.monotonic() - self.t0

    def type(self, text):
        self.p.stdin.write(text.encode())
        self.p.stdin.flush()


def boot_times(machine, vireo, kernel, initrd, reps):
    best_ready = best_off = None
    for _ in range(reps):
        g = Guest(command(machine, vireo, kernel, initrd,
                          "console=ttyS0 quiet vireo.run=true"))
        ready = g.wait_for(READY, 120)
        off = g.wait_exit(120)
        if ready is None or off is None:
            return None, None
        best_ready = ready if best_ready is None else min(best_ready, ready)
        best_off = off if best_off is None else min(best_off, off)
    return best_ready, best_off


# Context switches: fork/exec/exit, and two processes taking turns on a pipe. No double
# quotes (vireo.run="...").
SWITCH_WORK = ("i=0; while [ $i -lt 200 ]; do echo $i | cat > /dev/null; i=$((i+1)); done; "
               "dd if=/dev/zero bs=512 count=20000 2>/dev/null | cat > /dev/null")


def switch_work_time(machine, vireo, kernel, initrd, reps):
    best = None
    for _ in range(reps):
        g = Guest(command(machine, vireo, kernel, initrd,
                          f'console=ttyS0 quiet vireo.run="{SWITCH_WORK}"'))
        begin = g.wait_for(b"vireo-run: begin", 120)
        end = g.wait_for(b"vireo-run: exit status 0", 300)
        g.wait_exit(60)
        if begin is None or end is None:
            return None
        best = end - begin if best is None else min(best, end - begin)
    return best


def idle_cpu(machine, vireo, kernel, initrd, seconds):
    g = Guest(command(machine, vireo, kernel, initrd, "console=ttyS0 quiet"))
    if g.wait_for(b"shell on the console", 120) is None:
        g.p.kill()
        return None
    time.sleep(2)  # let the boot's last work settle
    c0, t0 = cpu_seconds(g.p.pid), time.monotonic()
    time.sleep(seconds)
    c1, t1 = cpu_seconds(g.p.pid), time.monotonic()
    g.type("poweroff -f\n")
    g.wait_exit(30)
    return 100.0 * (c1 - c0) / (t1 - t0)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--reps", type=int, default=5)
    ap.add_argument("--idle-seconds", type=float, default=10.0)
    ap.add_argument("--vireo", default=os.environ.get("VIREO", os.path.join(ROOT, "build", "app", "vireo")))
    args = ap.parse_args()
    if not os.access(args.vireo, os.X_OK):
        sys.exit(f"boot.py: no vireo at {args.vireo} (build it, or set VIREO)")
    kernel, initrd = guest("build-linux.sh"), guest("build-initramfs.sh")

    rows = {}
    for machine in ("qemu", "vireo"):
        ready, off = boot_times(machine, args.vireo, kernel, initrd, args.reps)
        switch = switch_work_time(machine, args.vireo, kernel, initrd, args.reps)
        idle = idle_cpu(machine, args.vireo, kernel, initrd, args.idle_seconds)
        rows[machine] = (ready, off, switch, idle)

    def fmt(v, unit):
        return "failed" if v is None else f"{v:.3f} {unit}" if unit == "s" else f"{v:.2f} {unit}"

    print(f"{'':24}{'QEMU 7.2':>14}{'Vireo':>14}{'Vireo/QEMU':>12}")
    labels = [("start to init's first line", 0, "s"), ("start to power-off", 1, "s"),
              ("process switching work", 2, "s"),
              (f"idle CPU over {args.idle_seconds:g} s", 3, "%")]
    for label, i, unit in labels:
        q, v = rows["qemu"][i], rows["vireo"][i]
        ratio = f"{v / q:.2f}" if q and v is not None else "-"
        print(f"{label:24}{fmt(q, unit):>14}{fmt(v, unit):>14}{ratio:>12}")
    print("(times: best of %d runs; a ratio below 1 means Vireo is faster or lighter)" % args.reps)
    sys.exit(0 if all(v is not None for r in rows.values() for v in r) else 1)


if __name__ == "__main__":
    main()
