#!/usr/bin/env python3
"""Screen benchmark: virtio-gpu updates in Vireo (CPU and Vulkan renderers, shown in the SDL
window of `vireo run --display sdl`, and in the GTK window of `vireo run --display gtk`: the
CPU renderer's frames as memory textures, the Vulkan renderer's through GL with no copy
through the CPU) beside QEMU 7.2 (`-device virtio-gpu-device -display gtk`), the same guest
program on the same kernel and initramfs. GTK draws with GL (GSK_RENDERER=gl).

The guest program (tests/guests/tools/vireo-drawtest.c) sets a 1920x1080 mode and then
flushes, as fast as the kernel takes them (each DIRTYFB waits for the host's answer):
  - full:  the whole 1920x1080 screen, N times;
  - small: a 64x64 square that moves, M times.
For each it reports frames per second (the guest's own monotonic clock) and the host CPU
time of the whole emulator process per frame (user + system from /proc, over the same
interval: it includes running the guest). Every machine runs on one X server (Xvfb, so
the windows are really drawn), best of --reps runs.

usage: tests/bench/screen.py [--reps N] [--full N] [--small M] [--vireo PATH] [--only A,B]
Vireo's window is made 1920x1080 (xdotool) and its guest follows. Needs Xvfb, xdotool,
qemu-system-riscv64 with its GTK display (Debian: qemu-system-gui) and the
test kernel and initramfs (tests/guests/, built if missing). Not part of the test suite.
"""
import argparse
import os
import re
import select
import shutil
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OPENSBI = "/usr/lib/riscv64-linux-gnu/opensbi/generic/fw_dynamic.bin"
APPEND = "console=ttyS0 earlycon=sbi"


def guest(script):
    out = subprocess.run([os.path.join(ROOT, "tests", "guests", script), "--print-path"],
                         check=True, stdout=subprocess.PIPE, text=True).stdout
    return out.strip().splitlines()[-1]


def cpu_seconds(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class Machine:
    def __init__(self, argv, env):
        self.p = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                  stderr=subprocess.STDOUT, env=env)
        self.out = ""
        self.pos = 0

    def expect(self, pattern, timeout=300):
        deadline = time.monotonic() + timeout
        rx = re.compile(pattern)
        while True:
            m = rx.search(self.out, self.pos)
            if m:
                self.pos = m.end()
                return m
            left = deadline - time.monotonic()
            if left <= 0 or self.p.poll() is not None:
                raise RuntimeError("no %r; the console ends:\n%s" % (pattern, self.out[-800:]))
            r, _, _ = select.select([self.p.stdout], [], [], min(left, 0.5))
            if r:
                data = os.read(self.p.stdout.fileno(), 65536)
                self.out += data.decode("utf-8", "replace")

    def type(self, text):
        self.p.stdin.write(text.encode())
        self.p.stdin.flush()

    def stop(self):
        if self.p.poll() is None:
            self.p.kill()
        self.p.wait()


def size_window(env, size):
    """Vireo's window to size: the guest's display follows it (the preferred mode)."""
    for i in range(100):
        # SDL's window by its class, GTK's by its title.
        how = ["--class", "vireo"] if i % 2 == 0 else ["--name", "Vireo$"]
        r = subprocess.run(["xdotool", "search"] + how, env=env, text=True,
                           stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        if r.stdout.split():
            subprocess.run(["xdotool", "windowsize", "--sync", r.stdout.split()[0]] +
                           size.split("x"), env=env, check=True)
            return
        time.sleep(0.1)
    raise RuntimeError("no Vireo window")


def run_once(name, argv, env, n_full, n_small):
    m = Machine(argv, env)
    try:
        m.expect("vireo-initramfs: ready")
        if name.startswith("vireo"):
            size_window(env, "1920x1080")
            time.sleep(2)
        m.type("mkfifo /tmp/d; vireo-drawtest /dev/dri/card0 1920x1080 < /tmp/d & "
               "exec 3> /tmp/d\n")
        m.expect(r"drawtest: ready 1920x1080")
        time.sleep(1)
        result = {}
        for kind, n in (("full", n_full), ("small", n_small)):
            c0 = cpu_seconds(m.p.pid)
            m.type("echo bench %d %s >&3\n" % (n, kind))
            got = m.expect(r"drawtest: bench (\d+) frames in (\d+) us")
            c1 = cpu_seconds(m.p.pid)
            m.expect("drawtest: bench done")
            us = int(got.group(2))
            result[kind] = (n * 1e6 / us, (c1 - c0) * 1000 / n)
        m.type("echo quit >&3; poweroff -f\n")
        m.p.wait(60)
        return result
    finally:
        m.stop()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--reps", type=int, default=2)
    ap.add_argument("--full", type=int, default=300)
    ap.add_argument("--small", type=int, default=2000)
    ap.add_argument("--vireo", default=os.path.join(ROOT, "build", "app", "vireo"))
    ap.add_argument("--only", help="the machines to run, by name, comma-separated")
    args = ap.parse_args()
    for tool in ("Xvfb", "qemu-system-riscv64"):
        if not shutil.which(tool):
            sys.exit("screen.py: %s is not installed" % tool)
    kernel, initrd = guest("build-linux.sh"), guest("build-initramfs.sh")

    rfd, wfd = os.pipe()
    xvfb = subprocess.Popen(["Xvfb", "-displayfd", str(wfd), "-screen", "0", "2560x1600x24",
                             "-nolisten", "tcp"], pass_fds=[wfd], stderr=subprocess.DEVNULL)
    os.close(wfd)
    number = b""
    while not number.endswith(b"\n"):
        number += os.read(rfd, 1)
    env = dict(os.environ, DISPLAY=":" + number.decode().strip(), SDL_VIDEODRIVER="x11")

    vireo = [args.vireo, "run", "--display", "sdl", "--memory", "256M", "--kernel", kernel,
             "--initrd", initrd, "--append", APPEND]
    qemu = ["qemu-system-riscv64", "-M", "virt", "-m", "256M", "-smp", "1", "-bios", OPENSBI,
            "-kernel", kernel, "-initrd", initrd, "-append", APPEND,
            # virtio-gpu needs a virtio 1.0 transport (QEMU's virt defaults to legacy).
            "-global", "virtio-mmio.force-legacy=false",
            "-device", "virtio-gpu-device,xres=1920,yres=1080", "-display", "gtk",
            "-serial", "stdio", "-monitor", "none"]
    gtk = [a if a != "sdl" else "gtk" for a in vireo]
    genv = dict(env, GSK_RENDERER="gl", GDK_BACKEND="x11", NO_AT_BRIDGE="1",
                GSETTINGS_BACKEND="memory")
    machines = [
        ("vireo-cpu", vireo, dict(env, VIREO_RENDERER="cpu")),
        ("vireo-vulkan", vireo, dict(env, VIREO_RENDERER="vulkan")),
        ("vireo-gtk-cpu", gtk, dict(genv, VIREO_RENDERER="cpu")),
        ("vireo-gtk-gl", gtk, dict(genv, VIREO_RENDERER="vulkan")),
        ("qemu-7.2", qemu, env),
    ]
    if args.only:
        machines = [m for m in machines if m[0] in args.only.split(",")]
    best = {}
    try:
        for rep in range(args.reps):
            for name, argv, menv in machines:
                try:
                    r = run_once(name, argv, menv, args.full, args.small)
                except Exception as e:  # a machine that cannot run is reported, not fatal
                    print("%s: not available (%s)" % (name, str(e)))
                    continue
                print("run %d %s: full %.1f fps %.1f ms CPU/frame, small %.1f fps %.2f ms "
                      "CPU/frame" % (rep + 1, name, r["full"][0], r["full"][1], r["small"][0],
                                     r["small"][1]))
                b = best.setdefault(name, {})
                for kind in r:
                    if kind not in b or r[kind][0] > b[kind][0]:
                        b[kind] = r[kind]
    finally:
        xvfb.terminate()
        xvfb.wait()

    print()
    print("%-14s %12s %14s %12s %14s" % ("machine", "full fps", "ms CPU/frame", "small fps",
                                          "ms CPU/frame"))
    for name, _, _ in machines:
        if name not in best:
            print("%-14s not available" % name)
            continue
        b = best[name]
        print("%-14s %12.1f %14.1f %12.1f %14.2f" % (name, b["full"][0], b["full"][1],
                                                     b["small"][0], b["small"][1]))
    q = best.get("qemu-7.2")
    if q:
        print()
        for name in ("vireo-cpu", "vireo-vulkan", "vireo-gtk-cpu", "vireo-gtk-gl"):
            if name in best:
                b = best[name]
                print("%s / QEMU: full %.2fx fps, %.2fx CPU per frame; small %.2fx fps, %.2fx "
                      "CPU per frame" % (name, b["full"][0] / q["full"][0],
                                         b["full"][1] / q["full"][1],
                                         b["small"][0] / q["small"][0],
                                         b["small"][1] / q["small"][1]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
