"""What the benchmarks that drive a guest's serial console share (net.py, sound.py): finding
the test guests, a machine run with its console on a pipe, and its host CPU time."""
import os
import re
import select
import shutil
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OPENSBI = "/usr/lib/riscv64-linux-gnu/opensbi/generic/fw_dynamic.bin"
QEMU = "qemu-system-riscv64"


class Failed(Exception):
    """A run that went wrong; the benchmark reports it in its table."""


def guest(name):
    """The path of a test guest's part (kernel, initramfs...), built if missing; exits with
    status 2 when it cannot be had."""
    script = os.path.basename(sys.argv[0])
    r = subprocess.run([os.path.join(ROOT, "tests", "guests", "build-all.sh"), "--print-path",
                        name], stdout=subprocess.PIPE, text=True)
    if r.returncode != 0 or not r.stdout.strip():
        print("%s: the guest's %s could not be built or found (tests/guests/build-all.sh "
              "--print-path %s)" % (script, name, name), file=sys.stderr)
        sys.exit(2)
    return r.stdout.strip().splitlines()[-1]


def missing_machines(vireo):
    """Why a machine cannot run here, by name ("qemu", "vireo"); the ones that can are not
    in it."""
    missing = {}
    if not shutil.which(QEMU):
        missing["qemu"] = "%s is not installed (Debian: qemu-system-misc)" % QEMU
    elif not os.path.exists(OPENSBI):
        missing["qemu"] = "no OpenSBI at %s (Debian: opensbi)" % OPENSBI
    if not os.access(vireo, os.X_OK):
        missing["vireo"] = "no vireo at %s (build it, or set VIREO)" % vireo
    return missing


def fresh_logs(folder, name, machines):
    """Makes the log folder and removes the last run's NAME-MACHINE.log files."""
    os.makedirs(folder, exist_ok=True)
    for machine in machines:
        log = os.path.join(folder, "%s-%s.log" % (name, machine))
        if os.path.exists(log):
            os.unlink(log)


def cpu_seconds(pid):
    """User + system time of a process, all its threads, in seconds."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class Machine:
    """An emulator whose serial console is its stdin and stdout. Everything it prints, and
    its stderr, goes to the log file too; each read is stamped with the host's monotonic
    clock."""

    def __init__(self, argv, log, env=None):
        self.log = open(log, "ab")
        self.log.write(("$ %s\n" % " ".join(argv)).encode())
        self.log.flush()
        self.p = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                  stderr=self.log, env=env)
        self.out = ""
        self.pos = 0
        self.arrivals = []  # (length of out after a read, host time of that read)

    def expect_at(self, pattern, timeout):
        """The next match of pattern on the console, and the host time its end arrived."""
        deadline = time.monotonic() + timeout
        rx = re.compile(pattern)
        while True:
            m = rx.search(self.out, self.pos)
            if m:
                self.pos = m.end()
                t = next(t for end, t in self.arrivals if end >= m.end())
                return m, t
            left = deadline - time.monotonic()
            exited = self.p.poll() is not None
            if left <= 0 or exited and not self.read(0):
                tail = [l for l in self.out[-600:].strip().splitlines() if l.strip()]
                raise Failed("%s waiting for %r; the console ends: %s" % (
                    "exited (status %d)" % self.p.returncode if exited else "timed out",
                    pattern, tail[-1] if tail else "(nothing)"))
            self.read(min(left, 0.5))

    def expect(self, pattern, timeout):
        """The next match of pattern on the console."""
        return self.expect_at(pattern, timeout)[0]

    def read(self, timeout):
        r, _, _ = select.select([self.p.stdout], [], [], timeout)
        if not r:
            return False
        data = os.read(self.p.stdout.fileno(), 65536)
        t = time.monotonic()
        self.log.write(data)
        self.out += data.decode("utf-8", "replace")
        self.arrivals.append((len(self.out), t))
        return bool(data)

    def pump(self, seconds):
        """Reads the console for a while."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline and self.p.poll() is None:
            self.read(deadline - time.monotonic())

    def run(self, cmd, timeout):
        """Runs a shell command in the guest: (exit status, what it printed)."""
        # The quotes keep the shell's echo of the command from matching what it prints.
        self.type("%s; echo vireo'-'status $?\n" % cmd)
        start = self.pos
        m = self.expect(r"vireo-status (\d+)", timeout)
        return int(m.group(1)), self.out[start:m.start()]

    def type(self, text):
        self.p.stdin.write(text.encode())
        self.p.stdin.flush()

    def cpu(self):
        return cpu_seconds(self.p.pid)

    def stop(self):
        if self.p.poll() is None:
            try:
                self.type("poweroff -f\n")
                self.p.wait(20)
            except (OSError, subprocess.TimeoutExpired):
                self.p.kill()
                self.p.wait()
        self.log.close()
