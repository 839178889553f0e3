#!/usr/bin/env python3
"""Boot to login: Debian 13 with systemd, Vireo beside QEMU 7.2 on the same disk and firmware.

Each run boots a fresh sparse copy of the system disk of tests/guests/build-debian-root.sh
(so every run is the same first boot) with Debian's OpenSBI (fw_dynamic) and U-Boot (S-mode)
on 2 harts with 1 GiB, the chain going through U-Boot's UEFI, GRUB, Debian's kernel, its
initramfs and systemd, and measures the wall time from the process's start to systemd's
getty printing "vireo-trixie login:" on the serial console, and the CPU time (user + system,
all threads) the process had used by then: on a shared host the wall time swings with the
load, the CPU time much less. The machines take turns, so a change in the host's load hits
both alike. Prints every run, the best and the median of each machine, and the ratios
Vireo/QEMU (above 1: Vireo takes longer or uses more).

usage: tests/bench/boot-debian.py [--reps N] [--timeout S] [--vireo PATH]
The disk is built if missing (mmdebstrap, 5 to 13 minutes the first time).
"""
import argparse
import importlib.util
import os
import shutil
import statistics
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
_spec = importlib.util.spec_from_file_location(
    "debian_systemd_qemu", os.path.join(ROOT, "tests", "boot", "debian-systemd-qemu.py"))
ref = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(ref)


def command(machine, vireo, disk):
    if machine == "qemu":
        return ref.qemu_command(disk, cpus=2, memory="1G")
    return [vireo, "run", "--cpus", "2", "--memory", "1G", "--bios", ref.OPENSBI,
            "--kernel", ref.UBOOT, "--disk", disk]


def cpu_seconds(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def boot_to_login(machine, vireo, image, timeout):
    """(wall seconds, CPU seconds) to the login prompt, or (None, None)."""
    copy = ref.copy_disk(image)
    try:
        c = ref.Console(command(machine, vireo, copy))
        t = c.expect(f"{ref.HOST} login:", timeout)
        cpu = cpu_seconds(c.p.pid) if t is not None else None
        if t is None:
            sys.stderr.write(f"boot-debian: {machine}: no login prompt within {timeout:g} s; "
                             f"the console ends with:\n{c.tail(600)}\n")
        c.p.kill()
        c.p.wait()
        return t, cpu
    finally:
        shutil.rmtree(os.path.dirname(copy), ignore_errors=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--timeout", type=float, default=600)
    ap.add_argument("--vireo", default=os.environ.get("VIREO",
                                                      os.path.join(ROOT, "build", "app", "vireo")))
    args = ap.parse_args()
    if not os.access(args.vireo, os.X_OK):
        sys.exit(f"boot-debian.py: no vireo at {args.vireo} (build it, or set VIREO)")
    image = ref.disk_image(build=True)
    if image is None:
        sys.exit("boot-debian.py: the Debian 13 system disk could not be built")

    wall = {"qemu": [], "vireo": []}
    cpu = {"qemu": [], "vireo": []}
    for i in range(args.reps):
        for machine in ("qemu", "vireo"):
            t, c = boot_to_login(machine, args.vireo, image, args.timeout)
            wall[machine].append(t)
            cpu[machine].append(c)
            print(f"run {i + 1}: {machine:5} " +
                  ("failed" if t is None else f"{t:7.1f} s wall, {c:7.1f} s CPU"), flush=True)

    def summary(values):
        ok = [v for v in values if v is not None]
        return (min(ok), statistics.median(ok)) if ok else (None, None)

    print(f"\nstart to '{ref.HOST} login:' ({args.reps} runs each)")
    print(f"{'':16}{'QEMU 7.2':>12}{'Vireo':>12}{'Vireo/QEMU':>12}")
    for name, values in (("wall", wall), ("CPU", cpu)):
        q, v = summary(values["qemu"]), summary(values["vireo"])
        for label, i in (("best", 0), ("median", 1)):
            ratio = f"{v[i] / q[i]:.2f}" if q[i] and v[i] else "-"
            cells = ["failed" if x[i] is None else f"{x[i]:.1f} s" for x in (q, v)]
            print(f"{name + ' ' + label:16}{cells[0]:>12}{cells[1]:>12}{ratio:>12}")
    return 0 if None not in wall["qemu"] + wall["vireo"] else 1


if __name__ == "__main__":
    sys.exit(main())
