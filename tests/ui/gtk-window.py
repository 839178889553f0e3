#!/usr/bin/env python3
"""vireo run --display gtk, as a person uses it: the GTK window on a virtual X server.

Starts Xvfb (its screen mirrored to a file), runs `vireo run --display gtk` with the test
kernel and initramfs, and through the guest's serial console starts the guest programs:

- vireo-drawtest draws pattern A at the size the guest took from the window: the window
  shows it pixel for pixel;
- vireo-evtest on "Vireo Keyboard": Shift+A typed with xdotool arrives as evdev codes;
- vireo-evtest on "Vireo Tablet": a click at a known point of the picture arrives at that
  point's tablet position;
- Ctrl+Alt+G grabs: the pointer moves the guest's relative mouse ("Vireo Mouse").

With --path gl (VIREO_RENDERER=vulkan, GTK drawing with GL), vireo must say that the screen
is shown through OpenGL, and the same checks hold; with --path copy, it must not.
A screenshot of the window is kept under $VIREO_TEST_OUTPUT. Exit status 0 passed, 1
failed, 77 skipped (no Xvfb or xdotool, the guest not built, frames cannot go through GL).
"""
import argparse
import os
import subprocess
import sys
import time

from viewer_common import (ABS_MAX, Console, clean_up, fail, find_window, need_tools_and_guest,
                           pattern_a, power_off, read_xwd, relative_moves, save_png,
                           screen_pixel, skip, start_xvfb, xdotool)

THROUGH_GL = "the screen is drawn with Vulkan and shown through OpenGL"


def find_picture(screen, wx, wy, ww, wh, w, h):
    """Where pattern A of w x h lies inside the window (offsets from its corner), or None."""
    samples = [(0, 0), (1, 0), (0, 1), (37, 11), (w - 1, h - 1), (w // 2, h // 3)]
    for oy in range(0, wh - h + 1):
        for ox in range(0, ww - w + 1):
            if all(screen_pixel(screen, wx + ox + x, wy + oy + y) == pattern_a(x, y)
                   for x, y in samples):
                return ox, oy
    return None


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--path", choices=("gl", "copy"), default="copy")
    args = parser.parse_args()
    vireo = os.environ.get("VIREO")
    kernel, initrd = need_tools_and_guest()
    out_dir = os.environ.get("VIREO_TEST_OUTPUT")
    xvfb, display, screen_file, tmp = start_xvfb()
    proc = None
    try:
        env = dict(os.environ, DISPLAY=display, GDK_BACKEND="x11", NO_AT_BRIDGE="1",
                   GSETTINGS_BACKEND="memory")
        env.pop("WAYLAND_DISPLAY", None)
        if args.path == "gl":
            env.update(VIREO_RENDERER="vulkan", GSK_RENDERER="gl")
        else:
            env.update(VIREO_RENDERER="cpu", GSK_RENDERER="cairo")
        proc = subprocess.Popen([vireo, "run", "--display", "gtk", "--memory", "256M",
                                 "--kernel", kernel, "--initrd", initrd,
                                 "--append", "console=ttyS0 earlycon=sbi"],
                                stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                stderr=subprocess.STDOUT, env=env)
        con = Console(proc)
        con.expect("vireo-initramfs: ready", 240)
        said_gl = THROUGH_GL in con.text
        if args.path == "gl" and not said_gl:
            if "copied by the CPU" in con.text:
                skip("frames cannot be shown through GL here: " + con.text.split(
                    "copied by the CPU: ", 1)[1].splitlines()[0])
            fail("vireo did not say how the screen is shown:\n" + con.text[:2000])
        if args.path == "copy" and said_gl:
            fail("the CPU renderer's frames cannot go through GL, but vireo said so")
        win, wx, wy, ww, wh = find_window(display, ["--name", "– Vireo"], "GTK window")

        # The picture, at the size the guest took from the window.
        con.type("mkfifo /tmp/draw; vireo-drawtest < /tmp/draw & exec 3> /tmp/draw\n")
        m = con.expect_re(r"drawtest: ready (\d+)x(\d+)\r?\n")
        w, h = int(m.group(1)), int(m.group(2))
        if w > ww or h > wh or w < ww // 2 or h < wh // 2:
            fail("the guest's screen is %dx%d in a %dx%d window" % (w, h, ww, wh))
        where, screen = None, None
        for _ in range(100):
            screen = read_xwd(screen_file)
            where = find_picture(screen, wx, wy, ww, wh, w, h)
            if where:
                break
            time.sleep(0.2)
        if out_dir:
            os.makedirs(out_dir, exist_ok=True)
            save_png(screen, wx, wy, ww, wh,
                     os.path.join(out_dir, "gtk-window-pattern-%s.png" % args.path))
        if not where:
            fail("pattern A of %dx%d is nowhere in the window" % (w, h))
        ox, oy = where
        bad, first = 0, ""
        for y in range(0, h, 3):
            for x in range(0, w, 3):
                got = screen_pixel(screen, wx + ox + x, wy + oy + y)
                if got != pattern_a(x, y):
                    if bad < 4:
                        first += " (%d,%d)=%06x want %06x" % (x, y, got, pattern_a(x, y))
                    bad += 1
        if bad:
            fail("the window does not show the guest's picture: %d pixels differ:%s"
                 % (bad, first))
        print("the window shows pattern A (%dx%d at %d,%d) pixel for pixel" % (w, h, ox, oy))
        con.type("echo quit >&3\n")
        con.expect("drawtest: quit done")

        # Keys.
        con.type("vireo-evtest 'Vireo Keyboard' 4 &\n")
        con.expect("evtest: ready Vireo Keyboard")
        xdotool(display, "mousemove", "--sync", str(wx + ox + w // 2), str(wy + oy + h // 2))
        xdotool(display, "windowfocus", "--sync", win)
        time.sleep(0.3)
        xdotool(display, "key", "--delay", "50", "shift+a")
        for ev in ("1 42 1", "1 30 1"):
            con.expect("evtest: %s\r" % ev)
        print("keys reached the guest's keyboard")

        # A click at a known point of the picture.
        px, py = 100, 50
        con.type("vireo-evtest 'Vireo Tablet' 4 &\n")
        con.expect("evtest: ready Vireo Tablet")
        xdotool(display, "mousemove", "--sync", str(wx + ox + px), str(wy + oy + py))
        time.sleep(0.3)
        xdotool(display, "click", "1")
        con.expect("evtest: 1 272 1\r")
        told = con.text[:con.pos]
        ax = int(told.rsplit("evtest: 3 0 ", 1)[1].split()[0])
        ay = int(told.rsplit("evtest: 3 1 ", 1)[1].split()[0])
        gx, gy = ax * w // (ABS_MAX + 1), ay * h // (ABS_MAX + 1)
        if abs(gx - px) > 1 or abs(gy - py) > 1:
            fail("clicked guest pixel %d,%d; the tablet says %d,%d (%d,%d)"
                 % (px, py, gx, gy, ax, ay))
        print("the click reached the guest's tablet at pixel %d,%d" % (gx, gy))

        # Grabbed, the pointer is the guest's relative mouse.
        con.type("vireo-evtest 'Vireo Mouse' 100 &\n")
        con.expect("evtest: ready Vireo Mouse")
        mark = con.pos
        xdotool(display, "key", "ctrl+alt+g")
        time.sleep(0.5)
        xdotool(display, "mousemove_relative", "--sync", "--", "40", "30")
        time.sleep(0.3)
        xdotool(display, "click", "1")
        con.expect("evtest: 1 272 1\r")
        relative_moves(con, mark)
        xdotool(display, "key", "ctrl+alt+g")
        print("the grab moved the guest's relative mouse")

        power_off(con, proc)
        for bad_line in ("-WARNING **", "-CRITICAL **"):
            if bad_line in con.text:
                fail("GTK complained:\n" + con.text)
        print("PASS")
        return 0
    finally:
        clean_up(proc, xvfb, tmp)


if __name__ == "__main__":
    sys.exit(main())
