#!/usr/bin/env python3
"""vireo run --display sdl, as a person uses it: the SDL2 window on a virtual X server.

Starts Xvfb (its screen mirrored to a file with -fbdir, so the test reads what is on the
screen), runs `vireo run --display sdl` with the test kernel and initramfs, and through the
guest's serial console (vireo run's standard input and output) starts the guest programs:

- vireo-drawtest draws pattern A on the whole screen: the window shows it pixel for pixel;
- vireo-evtest on "Vireo Keyboard": keys typed with xdotool (XTEST) arrive as evdev codes,
  Shift included;
- vireo-evtest on "Vireo Tablet": clicks and moves at known window points arrive at the
  tablet coordinates of those points;
- Ctrl+Alt+G grabs: the title says so, and the pointer moves the guest's relative mouse
  ("Vireo Mouse"); Ctrl+Alt+G again releases;
- the window resized: the guest's connector follows.

A screenshot of the window is kept under $VIREO_TEST_OUTPUT. Exit status 0 passed, 1
failed, 77 skipped (no Xvfb or xdotool, the guest not built, vireo without SDL2).
"""
import os
import select
import shutil
import struct
import subprocess
import sys
import tempfile
import time
import zlib

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
ABS_MAX = 32767


def skip(why):
    print("SKIP: " + why)
    sys.exit(77)


def fail(why):
    print("FAIL: " + why)
    sys.exit(1)


def artifact(script):
    r = subprocess.run([os.path.join(ROOT, "tests", "guests", script), "--no-build"],
                       stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    path = r.stdout.strip()
    return path if r.returncode == 0 and path and os.path.exists(path) else None


def pattern_a(x, y):
    return ((x * 7) & 0xff) << 16 | ((y * 3) & 0xff) << 8 | ((x ^ y) & 0xff)


class Console:
    """vireo run's standard input and output: the guest's serial console."""

    def __init__(self, proc):
        self.proc = proc
        self.text = ""
        self.pos = 0

    def expect(self, needle, timeout=60):
        deadline = time.monotonic() + timeout
        while True:
            i = self.text.find(needle, self.pos)
            if i >= 0:
                self.pos = i + len(needle)
                return
            left = deadline - time.monotonic()
            if left <= 0 or self.proc.poll() is not None:
                if "built without SDL2" in self.text:
                    skip("vireo was built without SDL2")
                tail = self.text[-1500:]
                fail("the console did not show %r; its end:\n%s" % (needle, tail))
            r, _, _ = select.select([self.proc.stdout], [], [], min(left, 0.5))
            if r:
                data = os.read(self.proc.stdout.fileno(), 65536)
                if data:
                    self.text += data.decode("utf-8", "replace")

    def type(self, line):
        self.proc.stdin.write(line.encode())
        self.proc.stdin.flush()


def read_xwd(path):
    """The X screen Xvfb mirrors to path: (width, height, rows of BGRX bytes)."""
    with open(path, "rb") as f:
        data = f.read()
    h = struct.unpack(">25I", data[:100])
    header_size, width, height = h[0], h[4], h[5]
    bits_per_pixel, bytes_per_line, ncolors = h[11], h[12], h[19]
    if bits_per_pixel != 32:
        fail("the X screen has %d bits a pixel, not 32" % bits_per_pixel)
    start = header_size + ncolors * 12
    return width, height, bytes_per_line, data[start:]


def screen_pixel(screen, x, y):
    width, height, bpl, pixels = screen
    o = y * bpl + x * 4
    b, g, r = pixels[o], pixels[o + 1], pixels[o + 2]
    return r << 16 | g << 8 | b


def save_png(screen, x0, y0, w, h, path):
    _, _, bpl, pixels = screen
    raw = bytearray()
    for y in range(y0, y0 + h):
        raw.append(0)
        row = pixels[y * bpl + x0 * 4:y * bpl + (x0 + w) * 4]
        for i in range(0, len(row), 4):
            raw += bytes((row[i + 2], row[i + 1], row[i]))

    def chunk(t, b):
        return struct.pack(">I", len(b)) + t + b + struct.pack(">I", zlib.crc32(t + b))
    png = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0))
    png += chunk(b"IDAT", zlib.compress(bytes(raw))) + chunk(b"IEND", b"")
    with open(path, "wb") as f:
        f.write(png)


def xdotool(display, *args):
    r = subprocess.run(["xdotool"] + list(args), env=dict(os.environ, DISPLAY=display),
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if r.returncode != 0:
        fail("xdotool %s: %s" % (" ".join(args), r.stderr.strip()))
    return r.stdout


def geometry(display, win):
    g = {}
    for line in xdotool(display, "getwindowgeometry", "--shell", win).splitlines():
        k, _, v = line.partition("=")
        g[k] = int(v) if v.isdigit() else v
    return g["X"], g["Y"], g["WIDTH"], g["HEIGHT"]


def tablet(px, py, w, h):
    """The tablet value the viewer sends for window pixel (px, py) of a w x h picture that
    fills the window (vr-sdl-viewer.c's to_tablet)."""
    ax = int((px + 0.5) * ABS_MAX / (w - 1) + 0.5)
    ay = int((py + 0.5) * ABS_MAX / (h - 1) + 0.5)
    return min(ax, ABS_MAX), min(ay, ABS_MAX)


def main():
    vireo = os.environ.get("VIREO")
    for tool in ("Xvfb", "xdotool"):
        if not shutil.which(tool):
            skip("%s is not installed (Debian packages xvfb, xdotool)" % tool)
    kernel, initrd = artifact("build-linux.sh"), artifact("build-initramfs.sh")
    if not kernel or not initrd:
        skip("the Linux kernel or the initramfs is not built: run tests/guests/build-all.sh")
    out_dir = os.environ.get("VIREO_TEST_OUTPUT")
    tmp = tempfile.mkdtemp(prefix="vireo-sdl-")
    rfd, wfd = os.pipe()
    xvfb = subprocess.Popen(["Xvfb", "-displayfd", str(wfd), "-screen", "0", "1600x1000x24",
                             "-fbdir", tmp, "-nolisten", "tcp"], pass_fds=[wfd],
                            stderr=subprocess.DEVNULL)
    os.close(wfd)
    number = b""
    while not number.endswith(b"\n"):
        c = os.read(rfd, 1)
        if not c:
            fail("Xvfb did not start")
        number += c
    display = ":" + number.decode().strip()
    proc = None
    try:
        env = dict(os.environ, DISPLAY=display, SDL_VIDEODRIVER="x11", SDL_AUDIODRIVER="dummy")
        proc = subprocess.Popen([vireo, "run", "--display", "sdl", "--memory", "256M",
                                 "--kernel", kernel, "--initrd", initrd,
                                 "--append", "console=ttyS0 earlycon=sbi"],
                                stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                stderr=subprocess.STDOUT, env=env)
        con = Console(proc)
        con.expect("vireo-initramfs: ready", 240)
        win = ""
        for _ in range(50):
            r = subprocess.run(["xdotool", "search", "--class", "vireo"], text=True,
                               env=dict(os.environ, DISPLAY=display), stdout=subprocess.PIPE,
                               stderr=subprocess.DEVNULL)
            win = r.stdout.split()[0] if r.stdout.split() else ""
            if win:
                break
            time.sleep(0.2)
        if not win:
            fail("no SDL window appeared")
        wx, wy, ww, wh = geometry(display, win)
        print("window %s at %d,%d, %dx%d" % (win, wx, wy, ww, wh))

        # The picture.
        con.type("mkfifo /tmp/draw; vireo-drawtest < /tmp/draw & exec 3> /tmp/draw\n")
        con.expect("drawtest: ready %dx%d" % (ww, wh))
        screen_file = os.path.join(tmp, "Xvfb_screen0")
        bad, first = -1, ""
        for _ in range(100):
            screen = read_xwd(screen_file)
            bad, first = 0, ""
            for y in range(0, wh, 3):
                for x in range(0, ww, 3):
                    got = screen_pixel(screen, wx + x, wy + y)
                    want = pattern_a(x, y)
                    if got != want:
                        if bad < 4:
                            first += " (%d,%d)=%06x want %06x" % (x, y, got, want)
                        bad += 1
            if bad == 0:
                break
            time.sleep(0.2)
        if out_dir:
            os.makedirs(out_dir, exist_ok=True)
            save_png(screen, wx, wy, ww, wh, os.path.join(out_dir, "sdl-viewer-pattern.png"))
        if bad:
            fail("the window does not show the guest's picture: %d pixels differ:%s"
                 % (bad, first))
        print("the window shows pattern A pixel for pixel")

        # Keys, with the window focused (no window manager: xdotool gives it the focus).
        con.type("vireo-evtest 'Vireo Keyboard' 6 &\n")
        con.expect("evtest: ready Vireo Keyboard")
        xdotool(display, "windowfocus", "--sync", win)
        xdotool(display, "key", "--delay", "50", "shift+a", "Tab")
        # Shift goes down before A; xdotool lets them go in an order of its own.
        for ev in ("1 42 1", "1 30 1"):
            con.expect("evtest: %s\r" % ev)
        start = con.pos
        con.expect("evtest: 1 15 0\r")
        released = con.text[start:con.pos]
        for ev in ("1 30 0", "1 42 0", "1 15 1"):
            if "evtest: %s\r" % ev not in released:
                fail("the guest did not get %s; it got:%s" % (ev, released))
        print("keys reached the guest's keyboard")

        # The tablet: a click at a known point, then a move to another.
        xdotool(display, "mousemove", "--sync", str(wx + 100), str(wy + 50))
        time.sleep(0.3)
        con.type("vireo-evtest 'Vireo Tablet' 4 &\n")
        con.expect("evtest: ready Vireo Tablet")
        xdotool(display, "click", "1")
        con.expect("evtest: 1 272 1\r")
        con.expect("evtest: 1 272 0\r")
        xdotool(display, "mousemove", "--sync", str(wx + 1000), str(wy + 700))
        ax, ay = tablet(1000, 700, ww, wh)
        con.expect("evtest: 3 0 %d\r" % ax)
        con.expect("evtest: 3 1 %d\r" % ay)
        print("the pointer reached the guest's tablet at (%d, %d)" % (ax, ay))

        # Ctrl+Alt+G grabs: the title says how to let go, the pointer moves the guest's
        # relative mouse (right and down: positive), a click is the mouse's; again releases.
        con.type("vireo-evtest 'Vireo Mouse' 100 &\n")
        con.expect("evtest: ready Vireo Mouse")
        mark = con.pos
        xdotool(display, "key", "ctrl+alt+g")
        time.sleep(0.5)
        title = xdotool(display, "getwindowname", win).strip()
        if "Ctrl+Alt+G" not in title:
            fail("the grabbed window's title does not say how to release: %r" % title)
        xdotool(display, "mousemove_relative", "--sync", "--", "40", "30")
        time.sleep(0.3)
        xdotool(display, "click", "1")
        con.expect("evtest: 1 272 1\r")
        moved = con.text[mark:con.pos]
        for axis in ("0", "1"):
            total = sum(int(line.split()[3]) for line in moved.splitlines()
                        if line.startswith("evtest: 2 %s " % axis))
            if total <= 0:
                fail("the relative mouse did not move right and down: %r" % moved)
        xdotool(display, "key", "ctrl+alt+g")
        time.sleep(0.5)
        title = xdotool(display, "getwindowname", win).strip()
        if "Ctrl+Alt+G" in title:
            fail("the released window's title still speaks of the grab: %r" % title)
        print("the grab moved the guest's relative mouse; the title said how to release it")

        # The guest follows the window's size (its console's framebuffer does, once
        # vireo-drawtest, the DRM master, has let go of the screen).
        con.type("echo quit >&3\n")
        con.expect("drawtest: quit done")
        xdotool(display, "windowsize", "--sync", win, "1024", "640")
        print("window now %d,%d, %dx%d" % geometry(display, win))
        for _ in range(40):
            con.type("head -n1 /sys/class/drm/card0-Virtual-1/modes\n")
            time.sleep(0.5)
            if "1024x640" in con.text[con.pos:]:
                break
        con.expect("1024x640")
        print("the guest followed the window to 1024x640")

        con.type("poweroff -f\n")
        try:
            status = proc.wait(60)
        except subprocess.TimeoutExpired:
            fail("vireo run did not end after the guest powered off")
        if status != 0:
            fail("vireo run ended with status %d" % status)
        print("PASS")
        return 0
    finally:
        if proc and proc.poll() is None:
            proc.kill()
            proc.wait()
        xvfb.terminate()
        xvfb.wait()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
