#!/usr/bin/env python3
"""Sound benchmark: end-to-end latency (guest write to sink) and host CPU per second of audio of
Vireo's virtio-snd on PulseAudio, beside QEMU 7.2 playing the same tone through intel-hda and
hda-duplex on its PulseAudio backend (`-audiodev pa,out.frequency=48000`: the guest's rate, as
Vireo's stream has, so neither QEMU nor the server resamples). The same kernel and initramfs.

Both machines boot the test kernel and busybox initramfs of tests/guests/ on one hart with
256 MiB (the kernel has virtio-snd for Vireo and PCI with HD-audio for QEMU's virt, so the guest
program sees card 0 either way) and play into a private PulseAudio server this script starts:
a null sink `vireo_out` at 48 kHz stereo. A silent stream with a 10 ms latency plays into the
sink for the whole run, so the sink renders in small blocks rather than the 2 s blocks of an
idle null sink (which would stall a new stream). Everything heard is the monitor of that sink,
recorded by `parec --latency-msec=5` into this script, each chunk stamped with the host's
monotonic clock as it arrives.

Latency: the guest runs `vireo-tone burst s16 48000 2 COUNT 0.3` (tests/guests/tools): one ALSA
stream (20 ms periods, 4 of them) playing 1 s of silence, then 0.3 s of a 1 kHz tone at half
scale, COUNT times, and printing "tone: onset I delay=D" on the serial console just before it
writes the first period of tone I (D: ALSA's delay then, the frames it still had queued plus
what the driver says the device adds). The host stamps each console line as it reads the
emulator's stdout, finds the first sample above 0.05 of full scale after it in the recording,
and takes the difference. A recorded sample's host time is its chunk's arrival time less what
came after it in the chunk at 48 kHz, the least of these over the chunks around the onset (the
chunk that came soonest after it was rendered). The figure is therefore "write() to the sink
renders it": the guest's own queue (up to 80 ms of silence) plus what the emulator and its
audio backend add; the column "past delay" takes D out, leaving what neither the guest's queue
nor the latency the device reports accounts for. The method's own error: the serial console
(the guest's tty and UART, then the emulator's stdout) makes the marker late by a few ms at
most, which shortens the figure; the recording's timing is good to about one parec chunk (5 ms)
and the sink's render block (10 ms).
The median and the largest of all onsets of all runs are reported.

CPU: the host user + system time of the emulator process (all threads, /proc) over an 8 s
stretch in the middle of 10 s of steady tone (`vireo-tone burst ... 1 10`: the tone is one
period computed once, so the guest does little but write it), and over 8 s of the same boot
idling in `sleep`. Both are printed as CPU seconds per second; "per s of audio" is playing
less idle, the cost of the sound itself. The PulseAudio server's own CPU is not counted for
either. The silence found in the recording over the playing stretch (20 ms blocks with no
sample above 0.05, the worst run) is printed too, and per run the underruns the guest counted
(a machine that drops audio looks cheap).

Both emulate the guest's CPU: QEMU with TCG (a JIT), Vireo with its interpreter; the idle
figures show the difference that has nothing to do with sound. The machines take turns, --reps
runs each (a fresh boot each time); for CPU the least over runs counts.

usage: tests/bench/sound.py [--bursts N] [--reps N] [--vireo PATH] [--only qemu,vireo]
                            [--kernel IMAGE] [--initrd FILE] [--log DIR]
Needs pulseaudio, pacat and parec (Debian: pulseaudio, pulseaudio-utils), qemu-system-riscv64
(Debian: qemu-system-misc) for the peer, and the test kernel and initramfs
(tests/guests/build-all.sh builds them if missing). A machine that cannot run is reported in
the table; the exit status is 0 unless the benchmark itself could not run (no guest, no
PulseAudio, a bad option): 2.
"""
import argparse
import array
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time

from benchlib import (OPENSBI, QEMU, ROOT, Failed, Machine, fresh_logs, guest,
                      missing_machines)

APPEND = "console=ttyS0 quiet"
RATE = 48000
LEVEL = 0.05 * 32768  # where a tone starts
BURST_SECONDS = 0.3
PLAY_SECONDS = 10     # the steady tone for CPU
WINDOW = 8.0          # seconds of it measured, after 1 s to settle
BOOT_LIMIT = 180


class Pulse:
    """A PulseAudio server of our own, its sink kept rendering, and a recording of its monitor."""

    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix="vireo-bench-sound-")
        self.socket = os.path.join(self.dir, "native")
        self.server = "unix:" + self.socket
        self.env = dict(os.environ, PULSE_RUNTIME_PATH=self.dir, XDG_RUNTIME_DIR=self.dir,
                        HOME=self.dir, PULSE_SERVER=self.server)
        self.procs = []
        self.daemon = self.spawn(["pulseaudio", "--daemonize=no", "-n", "--exit-idle-time=-1",
                                  "--disallow-exit", "--log-target=stderr", "--log-level=error",
                                  "-L", "module-native-protocol-unix socket=%s auth-anonymous=1"
                                  % self.socket,
                                  "-L", "module-null-sink sink_name=vireo_out rate=%d "
                                  "channels=2" % RATE])
        for _ in range(500):
            if os.path.exists(self.socket):
                break
            if self.daemon.poll() is not None:
                raise Failed("pulseaudio exited (status %d)" % self.daemon.returncode)
            time.sleep(0.01)
        else:
            raise Failed("pulseaudio made no socket in 5 s")
        subprocess.run(["pactl", "set-default-sink", "vireo_out"], env=self.env, check=True)
        raw = ["--raw", "--format=s16le", "--rate=%d" % RATE]
        # Zeros into the sink for the whole run: it renders in 10 ms blocks from now on.
        with open("/dev/zero", "rb") as zero:
            self.spawn(["pacat", "--playback", "--channels=2", "--latency-msec=10", "-d",
                        "vireo_out"] + raw, stdin=zero)
        self.parec = self.spawn(["parec", "--channels=1", "--latency-msec=5", "-d",
                                 "vireo_out.monitor"] + raw, stdout=subprocess.PIPE)
        self.samples = bytearray()
        self.chunks = []  # (host time of arrival, samples recorded by then)
        self.lock = threading.Lock()
        threading.Thread(target=self.record, daemon=True).start()

    def spawn(self, argv, **kw):
        p = subprocess.Popen(argv, env=self.env, stderr=subprocess.DEVNULL, **kw)
        self.procs.append(p)
        return p

    def record(self):
        fd = self.parec.stdout.fileno()
        while True:
            data = os.read(fd, 65536)
            t = time.monotonic()
            if not data:
                return
            with self.lock:
                self.samples += data
                self.chunks.append((t, len(self.samples) // 2))

    def snapshot(self, t_from, t_to):
        """The recording and, for the chunks that arrived between the two host times, the
        host time of sample 0 each implies (its arrival less the samples before it)."""
        with self.lock:
            v = array.array("h", self.samples[:len(self.samples) // 2 * 2])
            origins = [t - n / RATE for t, n in self.chunks if t_from <= t <= t_to]
        return v, origins

    def close(self):
        for p in reversed(self.procs):
            p.kill()
            p.wait()
        shutil.rmtree(self.dir, ignore_errors=True)


def command(machine, vireo, kernel, initrd, pulse):
    if machine == "qemu":
        return [QEMU, "-M", "virt", "-m", "256M", "-smp", "1", "-nographic", "-bios", OPENSBI,
                "-kernel", kernel, "-initrd", initrd, "-append", APPEND,
                # The guest's rate, as Vireo's stream has: no resampling in QEMU or the server.
                "-audiodev", "pa,id=snd0,out.frequency=%d,server=%s" % (RATE, pulse.server),
                "-device", "intel-hda", "-device", "hda-duplex,audiodev=snd0"]
    return [vireo, "run", "--memory", "256M", "--cpus", "1", "--kernel", kernel, "--initrd",
            initrd, "--append", APPEND, "--sound", "pulse"]


def onset_latency(pulse, t_mark):
    """Seconds from the host time t_mark to the first loud sample the sink rendered after it."""
    v, origins = pulse.snapshot(t_mark - 3, t_mark + 5)
    if not origins:
        raise Failed("the recording has no chunk around the onset")
    origin = min(origins)
    start = max(0, int((t_mark - origin - 0.2) * RATE))
    i = start
    # Past any sound still playing from the burst before, then to the next sound.
    while i < len(v) and abs(v[i]) > LEVEL:
        i += 1
    while i < len(v) and abs(v[i]) <= LEVEL:
        i += 1
    if i >= len(v):
        raise Failed("no tone in the recording within %.1f s of the onset"
                     % ((len(v) - start) / RATE))
    return origin + i / RATE - t_mark


def silence_ms(pulse, t_from, t_to):
    """Milliseconds of silence (20 ms blocks without a loud sample) the sink rendered between
    two host times."""
    v, origins = pulse.snapshot(t_from - 3, t_to + 3)
    if not origins:
        return float("nan")
    origin = min(origins)
    a, b = int((t_from - origin) * RATE), int((t_to - origin) * RATE)
    block = RATE // 50
    quiet = 0
    for s in range(a, b - block + 1, block):
        if max(abs(x) for x in v[s:s + block]) <= LEVEL:
            quiet += 1
    return quiet * 20.0


def run_once(machine, vireo, kernel, initrd, bursts, pulse, log):
    """One boot: ([latency s, ...], [ALSA delay s, ...], CPU s/s playing, CPU s/s idle, ms silent
    while playing, the guest's underruns over the bursts and over the steady tone), or Failed."""
    m = Machine(command(machine, vireo, kernel, initrd, pulse), log,
                dict(os.environ, PULSE_SERVER=pulse.server))
    try:
        m.expect(r"shell on the console", BOOT_LIMIT)
        m.pump(1)
        # The quotes keep the shell's echo of the command from matching what it prints.
        m.type("vireo-tone burst s16 %d 2 %d %s; echo vireo'-'status $?\n"
               % (RATE, bursts, BURST_SECONDS))
        latencies, queues = [], []
        for b in range(bursts):
            found, t = m.expect_at(r"tone: onset (\d+) delay=(-?\d+)\r?\n|vireo-status (\d+)", 60)
            if found.group(3) is not None:
                lines = [l for l in m.out[:found.start()].splitlines() if l.strip()]
                raise Failed("vireo-tone exited with status %s: %s" % (
                    found.group(3), lines[-1].strip() if lines else ""))
            queues.append(int(found.group(2)) / RATE)
            m.pump(1.0)  # the tone reaches the recording
            latencies.append(onset_latency(pulse, t))
        found, _ = m.expect_at(r"tone: bursts \d+, (\d+) xruns", 60)
        burst_xruns = int(found.group(1))
        m.expect(r"vireo-status (\d+)", 30)

        m.type("vireo-tone burst s16 %d 2 1 %d; echo vireo'-'status $?\n" % (RATE, PLAY_SECONDS))
        _, t = m.expect_at(r"tone: onset 1 delay=", 60)
        m.pump(1.0)
        c0, t0 = m.cpu(), time.monotonic()
        m.pump(WINDOW)
        c1, t1 = m.cpu(), time.monotonic()
        playing = (c1 - c0) / (t1 - t0)
        found, _ = m.expect_at(r"tone: bursts 1, (\d+) xruns|vireo-status (\d+)", 60)
        if found.group(1) is None:
            raise Failed("vireo-tone exited with status %s while playing" % found.group(2))
        xruns = int(found.group(1))
        m.expect(r"vireo-status (\d+)", 60)
        m.pump(0.5)
        quiet = silence_ms(pulse, t0, t1)

        m.type("sleep %d; echo vireo'-'status $?\n" % PLAY_SECONDS)
        m.pump(1.0)
        c0, t0 = m.cpu(), time.monotonic()
        m.pump(WINDOW)
        c1, t1 = m.cpu(), time.monotonic()
        idle = (c1 - c0) / (t1 - t0)
        m.expect(r"vireo-status (\d+)", 60)
        return latencies, queues, playing, idle, quiet, (burst_xruns, xruns)
    finally:
        m.stop()


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--bursts", type=int, default=5, help="tone onsets per run (default 5)")
    ap.add_argument("--reps", type=int, default=2, help="runs per machine (default 2)")
    ap.add_argument("--vireo", default=os.environ.get("VIREO", os.path.join(ROOT, "build", "app",
                                                                            "vireo")))
    ap.add_argument("--only", help="the machines to run, comma-separated: qemu, vireo")
    ap.add_argument("--kernel", help="the guest kernel (default: tests/guests' linux)")
    ap.add_argument("--initrd", help="the initramfs (default: tests/guests' initramfs)")
    ap.add_argument("--log", default=os.path.join(ROOT, "build", "bench"),
                    help="where each machine's log goes, all its runs (default build/bench)")
    args = ap.parse_args()
    if args.bursts < 1 or args.bursts > 100 or args.reps < 1:
        ap.error("--bursts must be 1 to 100 and --reps at least 1")
    machines = ["qemu", "vireo"]
    if args.only:
        machines = [m for m in machines if m in args.only.split(",")]
        if not machines:
            ap.error("--only names no known machine (qemu, vireo)")
    for tool in ("pulseaudio", "pacat", "parec", "pactl"):
        if not shutil.which(tool):
            print("sound.py: %s is not installed (Debian: pulseaudio, pulseaudio-utils)" % tool,
                  file=sys.stderr)
            return 2
    fresh_logs(args.log, "sound", machines)
    missing = missing_machines(args.vireo)
    kernel, initrd = args.kernel or guest("linux"), args.initrd or guest("initramfs")
    start_load = open("/proc/loadavg").read().split()[:3]

    try:
        pulse = Pulse()
    except (Failed, OSError, subprocess.CalledProcessError) as e:
        print("sound.py: cannot start a PulseAudio server: %s" % e, file=sys.stderr)
        return 2
    results = {m: {"lat": [], "queue": [], "play": [], "idle": [], "quiet": []}
               for m in machines}
    failed = {}
    try:
        for rep in range(args.reps):
            for machine in machines:
                if machine in missing:
                    continue
                log = os.path.join(args.log, "sound-%s.log" % machine)
                try:
                    lat, queue, play, idle, quiet, xruns = run_once(
                        machine, args.vireo, kernel, initrd, args.bursts, pulse, log)
                except Failed as e:
                    print("run %d %-5s failed: %s (log: %s)" % (rep + 1, machine, e, log),
                          file=sys.stderr)
                    failed[machine] = str(e)
                    continue
                r = results[machine]
                r["lat"] += lat
                r["queue"] += queue
                r["play"].append(play)
                r["idle"].append(idle)
                r["quiet"].append(quiet)
                print("run %d %-5s latency ms %s (ALSA delay %s); CPU s/s playing %.3f, idle "
                      "%.3f; %.0f ms silent while playing; underruns in the guest: %d over the "
                      "bursts, %d over the steady tone" % (
                          rep + 1, machine, " ".join("%.1f" % (1000 * x) for x in lat),
                          " ".join("%.1f" % (1000 * x) for x in queue), play, idle, quiet,
                          xruns[0], xruns[1]),
                      file=sys.stderr)
    finally:
        pulse.close()

    print()
    print("Sound: 48 kHz s16 stereo into a PulseAudio null sink, %d onsets per run, %d runs; %s"
          % (args.bursts, args.reps, time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())))
    print("load average at the start: %s; latency = guest's write of the first tone period to "
          "the sink rendering it;" % " ".join(start_load))
    print("past delay = the same less ALSA's delay in the guest then; CPU = host user + "
          "system time of the emulator")
    print("process per second (least over runs); per s of audio = playing less idle. Guest CPU "
          "emulated: QEMU TCG, Vireo interpreter")
    print()
    head = ("machine", "lat median", "lat max", "past delay", "CPU playing", "CPU idle",
            "CPU/s audio", "silent")
    print("%-12s %10s %10s %10s %12s %10s %12s %8s" % head)
    print("%-12s %10s %10s %10s %12s %10s %12s %8s" % ("", "ms", "ms", "ms median", "s/s",
                                                       "s/s", "s/s", "ms worst"))
    names = {"qemu": "QEMU 7.2", "vireo": "Vireo"}
    figures = {}
    for machine in ["qemu", "vireo"]:
        if machine in missing:
            print("%-12s not available (%s)" % (names[machine], missing[machine]))
            continue
        if machine not in machines:
            print("%-12s not run (--only)" % names[machine])
            continue
        r = results[machine]
        if not r["lat"]:
            print("%-12s not available (%s)" % (names[machine], failed.get(machine, "no run")))
            continue
        past = [a - q for a, q in zip(r["lat"], r["queue"])]
        play, idle = min(r["play"]), min(r["idle"])
        f = (1000 * statistics.median(r["lat"]), 1000 * max(r["lat"]),
             1000 * statistics.median(past), play, idle, play - idle)
        figures[machine] = f
        print("%-12s %10.1f %10.1f %10.1f %12.3f %10.3f %12.3f %8.0f" % (
            (names[machine],) + f + (max(r["quiet"]),)))
    q, v = figures.get("qemu"), figures.get("vireo")
    if q and v:
        # No ratio of a figure that comes out negative (past delay, within the method's error).
        cells = ["%.2f" % (b / a) if a > 0 and b >= 0 else "-" for a, b in zip(q, v)]
        print("%-12s %10s %10s %10s %12s %10s %12s" % tuple(["Vireo/QEMU"] + cells))
    else:
        print("%-12s %10s" % ("Vireo/QEMU", "-"))
    print("(Vireo/QEMU: above 1, Vireo is later or spends more host CPU)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
