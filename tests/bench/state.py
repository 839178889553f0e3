#!/usr/bin/env python3
"""Save/restore benchmark: Vireo's savevm and --restore beside QEMU 7.2's on the same guest.

The guest (state-guest.c, bare metal, 512 MiB of RAM) fills 64 MiB with data that cannot be
skipped or compressed, prints "touched", then a heartbeat every 50 ms. For each machine, best
of a few runs:
  - save: the guest is paused, then the time from the save command to its answer
    (Vireo: monitor `savevm FILE`; QEMU: HMP `savevm s1` into an empty qcow2 disk, and
    HMP `migrate "exec:cat > FILE"`, QEMU's nearest equivalent of a state file),
  - restore: from the start of a new process to the guest's first heartbeat
    (Vireo: `vireo run --restore FILE`; QEMU: `-loadvm s1`, and `-incoming "exec:cat FILE"`),
  - size: Vireo's state file, the growth of QEMU's qcow2, QEMU's migration file;
and then Vireo alone on the same guest with nothing touched (the sparse case).

usage: tests/bench/state.py [--reps N] [--vireo PATH] [--out DIR] [--keep]
"""
import argparse
import os
import re
import select
import shutil
import socket
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
MEMORY = "512M"
RV_CC = "riscv64-unknown-elf-gcc"
QEMU = "qemu-system-riscv64"
# The same flags as the other bare-metal programs (tests/riscv/meson.build, run.sh).
RV_FLAGS = ["-march=rv64gc_zba_zbb_zbs", "-mabi=lp64d", "-mcmodel=medany", "-O2", "-g",
            "-Wall", "-Wextra", "-Werror", "-ffreestanding", "-fno-builtin",
            "-fno-stack-protector", "-nostdlib", "-nostartfiles", "-Wl,--no-warn-rwx-segments"]
HEARTBEAT = re.compile(rb"heartbeat (\d+)( BAD)?\r?\n")
LIMIT = 120  # seconds for any one step
MIB = 1 << 20
PROMPT = b"(vireo) "


class Failed(Exception):
    pass


def build_guest(out, touch_mib):
    env = os.path.join(ROOT, "tests", "riscv", "env")
    elf = os.path.join(out, f"state-guest-{touch_mib}.elf")
    subprocess.run([RV_CC] + RV_FLAGS + ["-I", env, "-T", os.path.join(env, "link.ld"),
                    f"-DTOUCH_MIB={touch_mib}", os.path.join(env, "crt.S"),
                    os.path.join(env, "rt.c"), os.path.join(ROOT, "tests", "bench", "state-guest.c"),
                    "-lgcc", "-o", elf], check=True)
    return elf


class Process:
    """A machine's process: its console (stdout) and, for Vireo, its monitor (stderr)."""

    def __init__(self, argv, log):
        self.t0 = time.monotonic()
        self.p = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE)
        self.console = self.monitor = b""
        self.open = {self.p.stdout.fileno(): "console", self.p.stderr.fileno(): "monitor"}
        self.log = log

    def _read(self, timeout):
        if not self.open:
            return False
        r, _, _ = select.select(list(self.open), [], [], timeout)
        for fd in r:
            data = os.read(fd, 65536)
            if data:
                setattr(self, self.open[fd], getattr(self, self.open[fd]) + data)
            else:
                del self.open[fd]
        return bool(r)

    def wait_for(self, what, test, timeout=LIMIT):
        """Reads until test() holds; returns the time since the process started."""
        deadline = time.monotonic() + timeout
        while not test():
            left = deadline - time.monotonic()
            if left <= 0:
                raise Failed(f"{what}: nothing after {timeout} s; {self.tail()}")
            if not self._read(min(left, 0.5)) and self.p.poll() is not None:
                self._read(0)
                if not test():
                    raise Failed(f"{what}: the process ended (status {self.p.returncode}); "
                                 f"{self.tail()}")
        return time.monotonic() - self.t0

    def heartbeat(self, start=0):
        """The first whole heartbeat line at or after console offset start: (number, bad)."""
        m = HEARTBEAT.search(self.console, start)
        return (int(m.group(1)), bool(m.group(2))) if m else None

    def last_heartbeat(self):
        beats = HEARTBEAT.findall(self.console)
        return int(beats[-1][0]) if beats else None

    def send(self, text):
        self.p.stdin.write(text.encode())
        self.p.stdin.flush()

    def tail(self):
        text = (self.console + self.monitor).decode(errors="replace").strip()
        return "output: " + (text[-300:].replace("\n", " | ") if text else "none")

    def end(self, timeout=30):
        """Waits for the process to end (kills it after timeout) and writes its output to the
        log."""
        try:
            self.p.stdin.close()
        except OSError:
            pass
        try:
            self.p.wait(timeout)
        except subprocess.TimeoutExpired:
            self.p.kill()
            self.p.wait()
        with open(self.log, "ab") as f:
            f.write(f"--- {' '.join(self.p.args)}: {time.monotonic() - self.t0:.3f} s, status "
                    f"{self.p.returncode} ---\n".encode())
            f.write(b"--- console ---\n" + self.console.replace(b"\r", b"") +
                    b"\n--- monitor / errors ---\n" + self.monitor.replace(b"\r", b"") + b"\n")


def finish(proc):
    """Ends proc from a finally clause: it gets time to quit unless a step failed."""
    proc.end(0 if sys.exc_info()[0] else 30)


def ready(proc):
    """Waits for "touched" and the first heartbeat after it."""
    proc.wait_for("waiting for the guest to touch its RAM", lambda: b"touched" in proc.console)
    start = proc.console.index(b"touched")
    proc.wait_for("waiting for the first heartbeat", lambda: proc.heartbeat(start) is not None)
    # Pause right after a heartbeat, so that every restore waits about as long for the next.
    n = proc.last_heartbeat()
    proc.wait_for("waiting for a heartbeat", lambda: proc.last_heartbeat() != n)
    return proc.last_heartbeat()


def resumed(proc, saved_beat):
    """Waits for the restored guest's first heartbeat and checks it carries on from the save."""
    t = proc.wait_for("waiting for the restored guest's heartbeat",
                      lambda: proc.heartbeat() is not None)
    beat, bad = proc.heartbeat()
    if b"touched" in proc.console:
        raise Failed("the restored guest started over (it printed 'touched' again)")
    if bad:
        raise Failed(f"heartbeat {beat} after the restore found the guest's data changed")
    if beat <= saved_beat:
        raise Failed(f"the restored guest went back in time (heartbeat {beat} after "
                     f"{saved_beat})")
    return t


# ---- Vireo ----

def vireo_run(vireo, elf, path, log):
    cmd = [vireo, "run", "--bios", "none", "--memory", MEMORY, "--kernel", elf]
    proc = Process(cmd, log)
    try:
        saved_beat = ready(proc)
        proc.send("\x01cpause\n")
        proc.wait_for("pausing", lambda: b"paused" in proc.monitor)
        proc.wait_for("the monitor's prompt",
                      lambda: PROMPT in proc.monitor[proc.monitor.index(b"paused"):])
        mark = len(proc.monitor)
        t0 = time.monotonic()
        proc.send(f"savevm {path}\n")
        # The answer is on the monitor before its next prompt.
        proc.wait_for("savevm", lambda: PROMPT in proc.monitor[mark:])
        save = time.monotonic() - t0
        answer = proc.monitor[mark:].decode(errors="replace").replace("(vireo)", "").strip()
        if not answer.startswith("state saved to"):
            raise Failed(f"savevm answered: {answer}")
        proc.send("quit\n")
    finally:
        finish(proc)
    size = os.path.getsize(path)

    proc = Process([vireo, "run", "--restore", path], log)
    try:
        restore = resumed(proc, saved_beat)
        proc.send("\x01x")
    finally:
        finish(proc)
    os.unlink(path)
    return save, restore, size


# ---- QEMU ----

class Monitor:
    """QEMU's human monitor on a unix socket."""

    PROMPT = b"(qemu) "

    def __init__(self, path, proc):
        deadline = time.monotonic() + LIMIT
        self.s = socket.socket(socket.AF_UNIX)
        while True:
            try:
                self.s.connect(path)
                break
            except OSError:
                if time.monotonic() > deadline or proc.p.poll() is not None:
                    raise Failed(f"no QEMU monitor at {path}; {proc.tail()}")
                time.sleep(0.01)
        self.s.settimeout(LIMIT)
        self._until_prompt()

    def _until_prompt(self):
        data = b""
        while not data.endswith(self.PROMPT):
            chunk = self.s.recv(65536)
            if not chunk:
                raise Failed("QEMU's monitor closed")
            data += chunk
        # The monitor echoes the line with cursor movements; the answer follows the echo.
        text = re.sub(rb"\x1b\[[0-9]*[A-Za-z]", b"", data).decode(errors="replace")
        return "\n".join(text.replace("\r", "").split("\n")[1:-1])

    def command(self, line):
        self.s.sendall(line.encode() + b"\n")
        return self._until_prompt()

    def quit(self):
        """Quits QEMU: the socket closes when it has."""
        try:
            self.s.sendall(b"quit\n")
            while self.s.recv(65536):
                pass
        except OSError:
            pass
        self.s.close()


def qemu_argv(elf, disk, mon, extra):
    return [QEMU, "-M", "virt", "-bios", "none", "-m", MEMORY, "-display", "none",
            "-serial", "stdio", "-monitor", f"unix:{mon},server=on,wait=off",
            "-drive", f"if=none,file={disk},format=qcow2,id=disk0",
            "-device", "virtio-blk-device,drive=disk0", "-kernel", elf] + extra


def new_disk(disk):
    if os.path.exists(disk):
        os.unlink(disk)
    subprocess.run(["qemu-img", "create", "-q", "-f", "qcow2", disk, "64M"], check=True)
    return os.path.getsize(disk)


def qemu_run(kind, elf, work, log):
    """kind "savevm": savevm s1 into the qcow2 and -loadvm; "migrate": migrate to a file and
    -incoming from it."""
    disk = os.path.join(work, "disk.qcow2")
    mon = os.path.join(work, "qemu.mon")
    mig = os.path.join(work, "qemu.migration")
    empty = new_disk(disk)
    # Without the run state in the stream, the machine that reads it starts running at once,
    # as one restored by -loadvm does.
    extra = ["-global", "migration.store-global-state=off"] if kind == "migrate" else []
    proc = Process(qemu_argv(elf, disk, mon, extra), log)
    try:
        saved_beat = ready(proc)
        m = Monitor(mon, proc)
        if kind == "migrate":
            # Lift the default cap of 128 MiB/s: a state file is written as fast as it can be.
            m.command("migrate_set_parameter max-bandwidth 100G")
        m.command("stop")
        t0 = time.monotonic()
        if kind == "savevm":
            answer = m.command("savevm s1")
            save = time.monotonic() - t0
            if answer.strip():
                raise Failed(f"savevm answered: {answer.strip()}")
        else:
            # HMP's blocking migrate looks at the migration once a second: poll it instead.
            m.command(f'migrate -d "exec:cat > {mig}"')
            while True:
                status = re.search(r"Migration status: (\S+)", m.command("info migrate"))
                if status and status.group(1) == "completed":
                    break
                if status and status.group(1) in ("failed", "cancelled"):
                    raise Failed(f"migrate: {status.group(1)}")
                if time.monotonic() - t0 > LIMIT:
                    raise Failed("migrate did not complete")
                time.sleep(0.005)
            save = time.monotonic() - t0
        m.quit()
    finally:
        finish(proc)
    size = os.path.getsize(disk) - empty if kind == "savevm" else os.path.getsize(mig)

    extra += ["-loadvm", "s1"] if kind == "savevm" else ["-incoming", f"exec:cat {mig}"]
    proc = Process(qemu_argv(elf, disk, mon, extra), log)
    try:
        restore = resumed(proc, saved_beat)
        proc.p.terminate()
    finally:
        finish(proc)
    for f in (disk, mig):
        if os.path.exists(f):
            os.unlink(f)
    return save, restore, size


# ---- the table ----

def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--reps", type=int, default=5, help="runs of each; the best counts")
    ap.add_argument("--vireo", default=os.environ.get("VIREO",
                                                      os.path.join(ROOT, "build", "app", "vireo")))
    ap.add_argument("--out", default=os.path.join(ROOT, "build", "bench"),
                    help="where the guests and logs go (state files are deleted after each run)")
    args = ap.parse_args()
    vireo = os.path.abspath(args.vireo)
    if not os.access(vireo, os.X_OK):
        sys.exit(f"state.py: no vireo at {vireo} (build it, or set VIREO)")
    for tool, package in ((RV_CC, "gcc-riscv64-unknown-elf"), (QEMU, "qemu-system-misc"),
                          ("qemu-img", "qemu-utils")):
        if not shutil.which(tool):
            sys.exit(f"state.py: {tool} not found (Debian: apt-get install {package})")
    os.makedirs(args.out, exist_ok=True)
    elf = build_guest(args.out, 64)
    elf0 = build_guest(args.out, 0)
    # A short folder for the monitor's socket; the big files go there too, on the same disk.
    work = tempfile.mkdtemp(prefix="vireo-state-", dir=args.out)
    start_load = open("/proc/loadavg").read().split()[:3]
    start_time = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())

    runs = {
        "qemu-savevm": lambda log: qemu_run("savevm", elf, work, log),
        "qemu-migrate": lambda log: qemu_run("migrate", elf, work, log),
        "vireo": lambda log: vireo_run(vireo, elf, os.path.join(work, "vireo.state"), log),
        "vireo-0": lambda log: vireo_run(vireo, elf0, os.path.join(work, "vireo-0.state"), log),
    }
    best = {k: None for k in runs}
    failed = {}
    try:
        # The machines take turns, so that a change in the host's load hits them alike.
        for rep in range(1, args.reps + 1):
            for name, run in runs.items():
                if name in failed:
                    continue
                log = os.path.join(args.out, f"state-{name}.log")
                if rep == 1 and os.path.exists(log):
                    os.unlink(log)
                try:
                    save, restore, size = run(log)
                except (Failed, subprocess.CalledProcessError, OSError) as e:
                    failed[name] = str(e)
                    print(f"state: {name}: {e} (log: {log})", file=sys.stderr)
                    continue
                print(f"state: {name:12} run {rep}/{args.reps}: save {save:.3f} s, restore "
                      f"{restore:.3f} s, {size / MIB:.1f} MiB", file=sys.stderr)
                b = best[name]
                best[name] = (save, restore, size) if b is None else \
                    (min(b[0], save), min(b[1], restore), size)
    finally:
        shutil.rmtree(work, ignore_errors=True)

    def cell(name, i):
        v = best[name]
        if v is None:
            return "failed"
        return f"{v[i] / MIB:.1f} MiB" if i == 2 else f"{v[i]:.3f} s"

    def ratio(name, i):
        v, q = best["vireo"], best[name]
        return f"{v[i] / q[i]:.2f}" if v and q and q[i] else "-"

    print(f"\nSave and restore of a {MEMORY[:-1]} MiB RISC-V guest with 64 MiB touched, "
          f"{start_time}, load average "
          f"{' '.join(start_load)} at the start")
    print(f"{'':15}{'QEMU savevm':>13}{'QEMU migrate':>14}{'Vireo':>11}"
          f"{'Vireo/savevm':>14}{'Vireo/migrate':>15}{'Vireo, 0 MiB':>14}")
    for label, i in (("save", 0), ("restore", 1), ("state size", 2)):
        print(f"{label:15}{cell('qemu-savevm', i):>13}{cell('qemu-migrate', i):>14}"
              f"{cell('vireo', i):>11}{ratio('qemu-savevm', i):>14}"
              f"{ratio('qemu-migrate', i):>15}{cell('vireo-0', i):>14}")
    print(f"(times: best of {args.reps} runs; Vireo/QEMU = Vireo's figure / QEMU's, below 1 means "
          "Vireo is faster or smaller;\n save: from the command to its answer, the guest paused; "
          "restore: from process start to the\n guest's first heartbeat; state size: Vireo's file, "
          "the growth of QEMU's qcow2, QEMU's migration file)")
    for name, why in failed.items():
        print(f"{name}: failed: {why}")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
