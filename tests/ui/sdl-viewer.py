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
import subprocess
import sys
import time

from viewer_common import (ABS_MAX, Console, clean_up, fail, find_window, geometry,
                           need_tools_and_guest, pattern_a, power_off, read_xwd,
                           relative_moves, save_png, screen_pixel, start_xvfb, xdotool)


def tablet(px, py, w, h):
    """The tablet value the viewer sends for window pixel (px, py) of a w x h picture that
    fills the window (vr-sdl-viewer.c's to_tablet)."""
    ax = int((px + 0.5) * ABS_MAX / (w - 1) + 0.5)
    ay = int((py + 0.5) * ABS_MAX / (h - 1) + 0.5)
    return min(ax, ABS_MAX), min(ay, ABS_MAX)


def main():
    vireo = os.environ.get("VIREO")
    kernel, initrd = need_tools_and_guest()
    out_dir = os.environ.get("VIREO_TEST_OUTPUT")
    xvfb, display, screen_file, tmp = start_xvfb()
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
        win, wx, wy, ww, wh = find_window(display, ["--class", "vireo"], "SDL window")

        # The picture.
        con.type("mkfifo /tmp/draw; vireo-drawtest < /tmp/draw & exec 3> /tmp/draw\n")
        con.expect("drawtest: ready %dx%d" % (ww, wh))
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
        relative_moves(con, mark)
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

        power_off(con, proc)
        print("PASS")
        return 0
    finally:
        clean_up(proc, xvfb, tmp)


if __name__ == "__main__":
    sys.exit(main())
