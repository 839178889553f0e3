#!/usr/bin/env python3
"""Network benchmark: TCP throughput of user-mode networking (virtio-net on libslirp) in Vireo
beside QEMU 7.2 (`-netdev user` and `virtio-net-device`), the same kernel and initramfs.

Each machine boots the test kernel and busybox initramfs of tests/guests/ on one hart with
256 MiB, takes an address with `udhcpc -i eth0` and then moves --size MiB of zeros:
  - guest -> host: the guest runs `head -c N /dev/zero | nc 10.0.2.2 PORT` (10.0.2.2 is the
    NAT's name for the host's 127.0.0.1) into a socket this script listens on; the rate is
    N over the time from the first byte received to the N-th;
  - host -> guest: the guest listens on port 5001 with `nc -l -p 5001 -e wc -c`, which the
    machine forwards from a host port (hostfwd); this script connects, sends N bytes, shuts
    its side down and waits for wc's count of what arrived, which must be N; the rate is N
    over the time from the connection to the count.
For each it reports MB/s (10^6 bytes per second) and the host CPU time (user + system, all
threads, from /proc) of the emulator process per MiB moved, over the same interval. The
machines take turns, --reps runs each (a fresh boot each time); the best rate and the least
CPU count. The guest's own counts per MiB (interrupts of the network card, frames in and out)
of the best run come below the table.

usage: tests/bench/net.py [--size MIB] [--reps N] [--vireo PATH] [--only qemu,vireo]
                          [--kernel IMAGE] [--initrd FILE] [--log DIR]
Needs qemu-system-riscv64 (Debian: qemu-system-misc) for the peer and the test kernel with
networking and the initramfs (tests/guests/build-all.sh builds them if missing). A machine
that cannot run is reported in the table; the exit status is 0 unless the benchmark itself
could not run (no guest, a bad option): 2.
"""
import argparse
import os
import re
import select
import socket
import sys
import time

from benchlib import (OPENSBI, QEMU, ROOT, Failed, Machine, fresh_logs, guest,
                      missing_machines)

APPEND = "console=ttyS0 quiet"
GUEST_PORT = 5001
MIB = 1 << 20
BOOT_LIMIT = 180  # seconds from start to a shell with an address
STALL_LIMIT = 60  # seconds without a byte moving


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def command(machine, vireo, kernel, initrd, host_port):
    fwd = "hostfwd=tcp:127.0.0.1:%d-:%d" % (host_port, GUEST_PORT)
    if machine == "qemu":
        # A virtio 1.0 transport, as Vireo's (QEMU's virt defaults to legacy), and a
        # virtio-rng as Vireo's board has.
        return [QEMU, "-M", "virt", "-m", "256M", "-smp", "1", "-nographic", "-bios", OPENSBI,
                "-kernel", kernel, "-initrd", initrd, "-append", APPEND,
                "-global", "virtio-mmio.force-legacy=false", "-device", "virtio-rng-device",
                "-netdev", "user,id=n0," + fwd, "-device", "virtio-net-device,netdev=n0"]
    return [vireo, "run", "--memory", "256M", "--cpus", "1", "--kernel", kernel, "--initrd",
            initrd, "--append", APPEND, "--net", "user," + fwd]


def guest_to_host(m, size):
    """The guest sends size bytes to a host socket: (seconds, CPU seconds)."""
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen(1)
        server.settimeout(30)
        port = server.getsockname()[1]
        # The quotes keep the shell's echo of the command from matching what it prints.
        m.type("head -c %d /dev/zero | nc 10.0.2.2 %d; echo tx'-'done $?\n" % (size, port))
        try:
            conn, _ = server.accept()
        except socket.timeout:
            raise Failed("the guest did not connect to 10.0.2.2:%d" % port)
    try:
        return receive_all(m, conn, size)
    except OSError as e:
        raise Failed("the connection failed: %s" % e)


def receive_all(m, conn, size):
    with conn:
        c0 = m.cpu()
        buf = bytearray(MIB)
        got = 0
        t_first = None
        while got < size:
            r, _, _ = select.select([conn], [], [], STALL_LIMIT)
            if not r:
                raise Failed("stalled after %d of %d bytes" % (got, size))
            n = conn.recv_into(buf)
            if n == 0:
                raise Failed("the guest closed after %d of %d bytes" % (got, size))
            if t_first is None:
                t_first = time.monotonic()
            got += n
        t_last = time.monotonic()
        c1 = m.cpu()
    # Closing our end ends the guest's nc (busybox's does not shut its side down itself).
    done = m.expect(r"tx-done (\d+)", STALL_LIMIT)
    if done.group(1) != "0":
        raise Failed("the guest's nc exited with status %s" % done.group(1))
    return t_last - t_first, c1 - c0


def host_to_guest(m, size, host_port):
    """The host sends size bytes to the guest through the forward: (seconds, CPU seconds)."""
    m.type("nc -l -p %d -e wc -c & while ! netstat -ltn | grep -q ':%d '; do sleep 0.1; done; "
           "echo rx'-'ready\n" % (GUEST_PORT, GUEST_PORT))
    m.expect(r"rx-ready", 30)
    zeros = memoryview(bytes(MIB))
    c0 = m.cpu()
    t0 = time.monotonic()
    try:
        s = socket.create_connection(("127.0.0.1", host_port), timeout=STALL_LIMIT)
    except OSError as e:
        raise Failed("cannot connect to the forward on port %d: %s" % (host_port, e))
    with s:
        sent = 0
        try:
            while sent < size:
                sent += s.send(zeros[:min(MIB, size - sent)])
            s.shutdown(socket.SHUT_WR)
            reply = b""
            while True:
                data = s.recv(64)
                if not data:
                    break
                reply += data
        except socket.timeout:
            raise Failed("stalled after sending %d of %d bytes" % (sent, size))
        except OSError as e:
            raise Failed("the connection failed after sending %d of %d bytes: %s" % (sent, size,
                                                                                   e))
        t1 = time.monotonic()
        c1 = m.cpu()
    if not reply.strip().isdigit():
        raise Failed("no byte count from the guest (got %r)" % reply[:40])
    if int(reply) != size:
        raise Failed("the guest received %d of %d bytes" % (int(reply), size))
    return t1 - t0, c1 - c0


COUNTERS = re.compile(r"^counters (\d+) (\d+) (\d+)\s*$", re.M)


def guest_counters(m):
    """The guest's count of interrupts of the network card and of frames it received and
    sent (one hart, so /proc/interrupts has one count per line)."""
    status, out = m.run("d=$(basename $(readlink /sys/class/net/eth0/device)); echo counters "
                        "$(grep -w $d /proc/interrupts | awk '{ print $2 }') "
                        "$(cat /sys/class/net/eth0/statistics/rx_packets "
                        "/sys/class/net/eth0/statistics/tx_packets)", 30)
    found = COUNTERS.search(out)
    if status != 0 or not found:
        raise Failed("cannot read the guest's counters of eth0")
    return [int(v) for v in found.groups()]


def run_once(machine, vireo, kernel, initrd, size, log):
    """One boot: {direction: (MB/s, ms CPU per MiB, guest interrupts, frames in and frames
    out per MiB) or the reason it failed}."""
    host_port = free_port()
    m = Machine(command(machine, vireo, kernel, initrd, host_port), log)
    result = {}
    try:
        m.expect(r"shell on the console", BOOT_LIMIT)
        status, out = m.run("udhcpc -i eth0 -q -n", 60)
        if status != 0 or "eth0 has" not in out:
            lines = [l for l in out.splitlines() if l.strip() and "vireo:" not in l]
            raise Failed("udhcpc -i eth0 failed (status %d): %s" % (
                status, lines[-1].strip() if lines else "no output"))
        for direction, fn in (("guest-host", lambda: guest_to_host(m, size)),
                              ("host-guest", lambda: host_to_guest(m, size, host_port))):
            try:
                before = guest_counters(m)
                seconds, cpu = fn()
                after = guest_counters(m)
                mib = size / MIB
                result[direction] = (size / seconds / 1e6, 1000 * cpu / mib) + tuple(
                    (a - b) / mib for a, b in zip(after, before))
            except Failed as e:
                result[direction] = str(e)
    finally:
        m.stop()
    return result


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--size", type=int, default=64, help="MiB per transfer (default 64)")
    ap.add_argument("--reps", type=int, default=2, help="runs per machine (default 2)")
    ap.add_argument("--vireo", default=os.environ.get("VIREO", os.path.join(ROOT, "build", "app",
                                                                            "vireo")))
    ap.add_argument("--only", help="the machines to run, comma-separated: qemu, vireo")
    ap.add_argument("--kernel", help="the guest kernel (default: tests/guests' linux)")
    ap.add_argument("--initrd", help="the initramfs (default: tests/guests' initramfs)")
    ap.add_argument("--log", default=os.path.join(ROOT, "build", "bench"),
                    help="where each machine's log goes, all its runs (default build/bench)")
    args = ap.parse_args()
    if args.size < 1 or args.reps < 1:
        ap.error("--size and --reps must be at least 1")
    machines = ["qemu", "vireo"]
    if args.only:
        machines = [m for m in machines if m in args.only.split(",")]
        if not machines:
            ap.error("--only names no known machine (qemu, vireo)")
    fresh_logs(args.log, "net", machines)
    missing = missing_machines(args.vireo)
    kernel, initrd = args.kernel or guest("linux"), args.initrd or guest("initramfs")
    start_load = open("/proc/loadavg").read().split()[:3]

    size = args.size * MIB
    best = {}    # (machine, direction) -> [MB/s, ms CPU per MiB]
    failed = {}  # (machine, direction) -> the last reason
    for rep in range(args.reps):
        for machine in machines:
            if machine in missing:
                continue
            log = os.path.join(args.log, "net-%s.log" % machine)
            try:
                result = run_once(machine, args.vireo, kernel, initrd, size, log)
            except Failed as e:
                result = {d: str(e) for d in ("guest-host", "host-guest")}
            for direction, r in result.items():
                key = (machine, direction)
                if isinstance(r, str):
                    print("run %d %-5s %s: failed: %s (log: %s)" % (rep + 1, machine, direction,
                                                                    r, log), file=sys.stderr)
                    failed[key] = r
                    continue
                print("run %d %-5s %s: %8.2f MB/s %8.2f ms CPU/MiB; per MiB the guest had "
                      "%.0f interrupts, %.0f frames in, %.0f out" % ((rep + 1, machine, direction)
                                                                     + r), file=sys.stderr)
                # The best rate (with its run's guest counters) and the least CPU.
                b = best.get(key)
                if b is None or r[0] > b[0]:
                    best[key] = list(r[:1]) + [min(r[1], b[1]) if b else r[1]] + list(r[2:])
                else:
                    b[1] = min(b[1], r[1])

    print()
    print("TCP over user-mode networking, %d MiB per transfer, best of %d; %s" % (
        args.size, args.reps, time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())))
    print("load average at the start: %s; MB/s = 10^6 bytes/s; CPU = host user + system time "
          "of the emulator process" % " ".join(start_load))
    print()
    directions = (("guest-host", "guest->host"), ("host-guest", "host->guest"))
    print("%-12s %14s %14s %14s %14s" % ("", "guest->host", "", "host->guest", ""))
    print("%-12s %14s %14s %14s %14s" % ("machine", "MB/s", "ms CPU/MiB", "MB/s", "ms CPU/MiB"))
    names = {"qemu": "QEMU 7.2", "vireo": "Vireo"}
    whole = set()  # machines whose row says why they could not run
    for machine in ["qemu", "vireo"]:
        if machine in missing:
            print("%-12s not available (%s)" % (names[machine], missing[machine]))
            continue
        if machine not in machines:
            print("%-12s not run (--only)" % names[machine])
            continue
        reasons = {failed.get((machine, d)) for d, _ in directions}
        if not any((machine, d) in best for d, _ in directions) and len(reasons) == 1:
            print("%-12s not available (%s)" % (names[machine], reasons.pop()))
            whole.add(machine)
            continue
        cells = []
        for d, _ in directions:
            b = best.get((machine, d))
            cells += ["%.2f" % b[0], "%.2f" % b[1]] if b else ["failed", "-"]
        print("%-12s %14s %14s %14s %14s" % tuple([names[machine]] + cells))
    cells = []
    for d, _ in directions:
        q, v = best.get(("qemu", d)), best.get(("vireo", d))
        cells += ["%.2f" % (v[0] / q[0]), "%.2f" % (v[1] / q[1])] if q and v else ["-", "-"]
    print("%-12s %14s %14s %14s %14s" % tuple(["Vireo/QEMU"] + cells))
    print("(Vireo/QEMU: above 1, Vireo moves more MB/s or spends more CPU per MiB)")
    print()
    print("In the guest, per MiB moved (the run with the best rate): interrupts of the "
          "network card,")
    print("frames received and sent (guest->host: data out, ACKs in; host->guest: the other "
          "way round)")
    print("%-12s %30s %30s" % ("", "guest->host", "host->guest"))
    print("%-12s %10s %9s %9s %10s %9s %9s" % ("machine", "interrupts", "in", "out",
                                               "interrupts", "in", "out"))
    for machine in machines:
        if machine in missing:
            continue
        cells = []
        for d, _ in directions:
            b = best.get((machine, d))
            cells += ["%.0f" % v for v in b[2:5]] if b else ["-", "-", "-"]
        print("%-12s %10s %9s %9s %10s %9s %9s" % tuple([names[machine]] + cells))
    for (machine, d), reason in sorted(failed.items()):
        if (machine, d) not in best and machine not in whole:
            print("%s %s: not available (%s)" % (names[machine], d.replace("-", "->"), reason))
    return 0


if __name__ == "__main__":
    sys.exit(main())
