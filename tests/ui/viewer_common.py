"""What the viewer tests (sdl-viewer.py, gtk-window.py) share: an X server of their own whose
screen is read from a file, the guest's serial console through `vireo run`, pattern A of
vireo-drawtest, and xdotool."""
import os
import re
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

    def expect_re(self, pattern, timeout=60):
        """As expect, for a regular expression; returns the match."""
        rx = re.compile(pattern)
        deadline = time.monotonic() + timeout
        while True:
            m = rx.search(self.text, self.pos)
            if m:
                self.pos = m.end()
                return m
            left = deadline - time.monotonic()
            if left <= 0 or self.proc.poll() is not None:
                fail("the console did not show /%s/; its end:\n%s" % (pattern, self.text[-1500:]))
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


def start_xvfb():
    """An Xvfb of our own, 1600x1000, its screen mirrored into a file: (process, display,
    the screen file, the temporary folder)."""
    tmp = tempfile.mkdtemp(prefix="vireo-viewer-")
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
    return xvfb, ":" + number.decode().strip(), os.path.join(tmp, "Xvfb_screen0"), tmp


def find_window(display, how, what):
    """The window xdotool finds with these search arguments (waiting up to 10 s), and its
    geometry: (id, x, y, width, height); fails the test naming what when none appears."""
    for _ in range(50):
        r = subprocess.run(["xdotool", "search"] + how, text=True,
                           env=dict(os.environ, DISPLAY=display), stdout=subprocess.PIPE,
                           stderr=subprocess.DEVNULL)
        if r.stdout.split():
            win = r.stdout.split()[0]
            wx, wy, ww, wh = geometry(display, win)
            print("window %s at %d,%d, %dx%d" % (win, wx, wy, ww, wh))
            return win, wx, wy, ww, wh
        time.sleep(0.2)
    fail("no %s appeared" % what)


def relative_moves(con, mark):
    """Fails unless the Vireo Mouse events the console printed since mark (vireo-evtest)
    add up to a move right and down."""
    moved = con.text[mark:con.pos]
    for axis in ("0", "1"):
        total = sum(int(line.split()[3]) for line in moved.splitlines()
                    if line.startswith("evtest: 2 %s " % axis))
        if total <= 0:
            fail("the relative mouse did not move right and down: %r" % moved)


def power_off(con, proc):
    """Powers the guest off from its shell; fails unless vireo run then ends with status 0."""
    con.type("poweroff -f\n")
    try:
        status = proc.wait(60)
    except subprocess.TimeoutExpired:
        fail("vireo run did not end after the guest powered off")
    if status != 0:
        fail("vireo run ended with status %d" % status)


def clean_up(proc, xvfb, tmp):
    """Ends vireo (if still running) and the X server, and removes the screen's folder."""
    if proc and proc.poll() is None:
        proc.kill()
        proc.wait()
    xvfb.terminate()
    xvfb.wait()
    shutil.rmtree(tmp, ignore_errors=True)


def need_tools_and_guest():
    """The test kernel and initramfs; skips the test when they are not built or Xvfb or
    xdotool is missing."""
    for tool in ("Xvfb", "xdotool"):
        if not shutil.which(tool):
            skip("%s is not installed (Debian packages xvfb, xdotool)" % tool)
    kernel, initrd = artifact("build-linux.sh"), artifact("build-initramfs.sh")
    if not kernel or not initrd:
        skip("the Linux kernel or the initramfs is not built: run tests/guests/build-all.sh")
    return kernel, initrd
