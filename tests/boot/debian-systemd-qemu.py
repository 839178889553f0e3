#!/usr/bin/env python3
"""The boot test /boot/debian-systemd on QEMU 7.2, as a reference for Vireo's.

Boots a copy of Debian 13's system disk (tests/guests/build-debian-root.sh) in
qemu-system-riscv64 with the same firmware as Vireo (Debian's OpenSBI fw_dynamic and
U-Boot for S-mode, which boots GRUB through UEFI), waits for the login prompt on the serial
console, logs in as root, and checks what the Vireo test checks: systemd reaches `running`
with no failed unit, apt-get and uname answer, / and /boot/efi are mounted from the disk's
partitions, and `poweroff` ends QEMU.

usage: debian-systemd-qemu.py [--timeout SECONDS]
Exit status: 0 passed, 1 failed, 77 skipped (the disk is not built, or no QEMU).
"""
import argparse
import os
import select
import shutil
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OPENSBI = "/usr/lib/riscv64-linux-gnu/opensbi/generic/fw_dynamic.bin"
UBOOT = "/usr/lib/u-boot/qemu-riscv64_smode/u-boot.bin"
HOST = "vireo-trixie"


def disk_image(build=False):
    """The cached system disk, or None when it is not built."""
    script = os.path.join(ROOT, "tests", "guests", "build-debian-root.sh")
    r = subprocess.run([script, "--print-path" if build else "--no-build"],
                       stdout=subprocess.PIPE, stderr=None if build else subprocess.DEVNULL,
                       text=True)
    path = r.stdout.strip().splitlines()[-1] if r.returncode == 0 and r.stdout.strip() else ""
    return path if path and os.path.exists(path) else None


def copy_disk(path):
    """A sparse copy of the disk in a new temporary folder (the system writes to it)."""
    folder = tempfile.mkdtemp(prefix="vireo-debian-")
    copy = os.path.join(folder, os.path.basename(path))
    subprocess.run(["cp", "--sparse=always", path, copy], check=True)
    return copy


def qemu_command(disk, cpus=2, memory="1G"):
    # virtio-blk on virtio-mmio, as Vireo's board has it (if=virtio would put it on PCI).
    return ["qemu-system-riscv64", "-M", "virt", "-m", memory, "-smp", str(cpus),
            "-nographic", "-bios", OPENSBI, "-kernel", UBOOT,
            "-drive", f"file={disk},format=raw,if=none,id=d0",
            "-device", "virtio-blk-device,drive=d0", "-device", "virtio-rng-device"]


class Console:
    """A machine whose serial console is the process's stdin and stdout."""

    def __init__(self, argv, log=None):
        self.t0 = time.monotonic()
        self.p = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                  stderr=subprocess.STDOUT)
        self.out = b""
        self.scan = 0
        self.log = log
        self.serial = 0

    def _read(self, timeout):
        r, _, _ = select.select([self.p.stdout], [], [], timeout)
        if not r:
            return False
        data = os.read(self.p.stdout.fileno(), 65536)
        if self.log:
            self.log.write(data)
            self.log.flush()
        self.out += data
        return bool(data)

    def expect(self, needle, timeout):
        """Seconds since the start when needle appeared after the last match, else None."""
        needle = needle.encode()
        deadline = time.monotonic() + timeout
        while True:
            i = self.out.find(needle, self.scan)
            if i >= 0:
                self.scan = i + len(needle)
                return time.monotonic() - self.t0
            left = deadline - time.monotonic()
            if left <= 0:
                return None
            if not self._read(min(left, 0.5)) and self.p.poll() is not None:
                return None

    def type(self, text):
        self.p.stdin.write(text.encode())
        self.p.stdin.flush()

    def run(self, command, timeout):
        """A shell command's output, between markers that its echo does not match."""
        self.serial += 1
        n = self.serial
        self.type(f"echo '<<S''{n}>>'; {command}; echo '<<E''{n}>>'\n")
        if self.expect(f"<<S{n}>>", timeout) is None:
            return None
        start = self.scan
        if self.expect(f"<<E{n}>>", timeout) is None:
            return None
        text = self.out[start:self.scan - len(f"<<E{n}>>")]
        return text.replace(b"\r", b"").decode(errors="replace").strip()

    def wait_exit(self, timeout):
        deadline = time.monotonic() + timeout
        while self.p.poll() is None and time.monotonic() < deadline:
            self._read(0.05)
        if self.p.poll() is None:
            self.p.kill()
            self.p.wait()
            return None
        return time.monotonic() - self.t0

    def tail(self, n=1500):
        return self.out[-n:].replace(b"\r", b"").decode(errors="replace")


def login(c, timeout):
    """Waits for the login prompt and logs in as root; seconds to the prompt, or None."""
    t = c.expect(f"{HOST} login:", timeout)
    if t is None:
        return None
    c.type("root\n")
    if c.expect("Password:", 60) is None:
        return None
    c.type("vireo\n")
    if c.expect(f"root@{HOST}:~#", 60) is None:
        return None
    return t


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--timeout", type=float, default=240)
    args = ap.parse_args()
    if shutil.which("qemu-system-riscv64") is None:
        print("SKIP: qemu-system-riscv64 is not installed (Debian package qemu-system-misc)")
        return 77
    image = disk_image()
    if image is None:
        print("SKIP: the Debian 13 system disk is not built: run tests/guests/build-all.sh")
        return 77
    copy = copy_disk(image)
    failures = []

    def check(ok, what):
        print(("PASS " if ok else "FAIL ") + what)
        if not ok:
            failures.append(what)
        return ok

    out_dir = os.environ.get("VIREO_TEST_OUTPUT")
    log = None
    if out_dir:
        os.makedirs(out_dir, exist_ok=True)
        log = open(os.path.join(out_dir, "qemu-debian-systemd.console.log"), "wb")
    c = Console(qemu_command(copy), log)
    try:
        t = login(c, args.timeout)
        if not check(t is not None, "login prompt, logged in as root"):
            print(c.tail())
            return 1
        print(f"TIME login prompt after {t:.1f} s")
        c.run("export SYSTEMD_PAGER= SYSTEMD_COLORS=0; dmesg -n 1", 60)
        state = c.run("systemctl is-system-running --wait", args.timeout)
        failed = c.run("systemctl --failed --plain --no-legend | cut -d' ' -f1 | tr '\\n' ' '", 60)
        check(failed == "", f"no failed units (failed: '{failed}')")
        check(state == "running", f"systemctl is-system-running --wait: '{state}'")
        apt = c.run("apt-get --version | head -1", 60) or ""
        check(apt.startswith("apt "), f"apt-get --version: '{apt}'")
        uname = c.run("uname -a", 60) or ""
        check(uname.startswith(f"Linux {HOST} ") and uname.endswith(" riscv64 GNU/Linux"),
              f"uname -a: '{uname}'")
        mounts = c.run("for m in / /boot/efi; do findmnt -n -o SOURCE,FSTYPE $m; done | tr -s ' '", 60)
        check(mounts == "/dev/vda2 ext4\n/dev/vda1 vfat", f"mounts: {mounts!r}")
        c.type("poweroff\n")
        t = c.wait_exit(120)
        if check(t is not None, "poweroff ended QEMU"):
            print(f"TIME powered off after {t:.1f} s")
        else:
            print(c.tail())
    finally:
        if c.p.poll() is None:
            c.p.kill()
            c.p.wait()
        if log:
            log.close()
        shutil.rmtree(os.path.dirname(copy), ignore_errors=True)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
