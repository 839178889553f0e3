#!/usr/bin/env python3
"""Code-cache pressure: runs the codegen-pressure guest (fresh code every round) on the JIT
with a small code cache, and checks that the cache stays within its limit while it is
emptied again and again, and that vireo's resident memory stays flat.

While the guest runs, the harness samples the vireo process's VmRSS (/proc/PID/status) and
asks the monitor's `info jit` for the JIT's counters, every --interval seconds. It checks:
  - the guest passed (every generated function gave the value computed in C) and said how
    many rounds it ran;
  - the monitor reported the code cache at the size asked for (VIREO_JIT_CACHE_KB), never
    more in use than that, and at least --min-resets resets by the end, and one per 1,000
    rounds (with a cache too big to fill, as with --cache-kb 1048576, this fails: then only
    the decoded-block arena filling up empties the caches, about every 10,000 rounds);
  - RSS is flat after warm-up. The first --warmup fraction of the samples is left out (the
    code cache, the decoded-block arena and the guest's RAM are first touched then). The
    rest is cut in two halves by time; the highest RSS of the second half may exceed the
    highest of the first by at most --rss-slack-mib, and so may the mean of the last
    quarter the mean of the first quarter. Memory that grows with the rounds run, or with
    the resets, shows in both; the slack absorbs allocator noise. Highs are compared
    rather than single samples because RSS moves in steps and a sample falls anywhere in
    between.

Usage: codegen-pressure.py VIREO ELF [options]; see --help."""
import argparse
import os
import re
import subprocess
import sys
import threading
import time

JIT_LINE = re.compile(
    r"jit: (\d+) blocks compiled, (\d+) cache resets, code cache (\d+) KiB, (\d+) KiB in use")
ROUNDS_LINE = re.compile(r"codegen-pressure: (\d+) rounds, (\d+) instructions written, "
                         r"checksum ([0-9a-f]+)")


def rss_kib(pid):
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except (FileNotFoundError, ProcessLookupError):
        pass
    return None


def drain(stream, sink):
    for chunk in iter(lambda: stream.read1(4096), b""):
        sink.append(chunk)


def mean(xs):
    return sum(xs) / len(xs)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("vireo")
    ap.add_argument("elf")
    ap.add_argument("--cache-kb", type=int, default=256, help="VIREO_JIT_CACHE_KB (256)")
    ap.add_argument("--interval", type=float, default=0.5, help="seconds between samples")
    ap.add_argument("--min-resets", type=int, default=50, help="code cache resets expected")
    ap.add_argument("--warmup", type=float, default=0.25, help="fraction of samples left out")
    ap.add_argument("--rss-slack-mib", type=float, default=4.0)
    ap.add_argument("--no-rss-check", action="store_true",
                    help="sample RSS but do not judge it (sanitized builds)")
    ap.add_argument("--timeout", type=int, default=60, help="vireo run --timeout")
    args = ap.parse_args()

    # English answers from the monitor, whatever the locale.
    env = dict(os.environ, VIREO_JIT_CACHE_KB=str(args.cache_kb), LC_ALL="C.UTF-8", LANGUAGE="")
    p = subprocess.Popen(
        [args.vireo, "run", "--arch", "riscv64", "--bios", "none", "--kernel", args.elf,
         "--accel", "jit", "--timeout", str(args.timeout)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    out, err = [], []
    readers = [threading.Thread(target=drain, args=(p.stdout, out), daemon=True),
               threading.Thread(target=drain, args=(p.stderr, err), daemon=True)]
    for t in readers:
        t.start()

    def send(keys):
        try:
            p.stdin.write(keys)
            p.stdin.flush()
        except (BrokenPipeError, ValueError):
            pass

    start = time.monotonic()
    time.sleep(0.2)
    send(b"\x01c")  # Ctrl-A C: the monitor, which answers on stderr
    samples = []  # (seconds since start, RSS in KiB)
    while p.poll() is None:
        rss = rss_kib(p.pid)
        if rss is not None and p.poll() is None:
            samples.append((time.monotonic() - start, rss))
        send(b"info jit\r")
        time.sleep(args.interval)
    status = p.wait()
    for t in readers:
        t.join()
    stdout = b"".join(out).decode(errors="replace")
    stderr = b"".join(err).decode(errors="replace")
    failures = []

    rounds = ROUNDS_LINE.search(stdout)
    if status != 0 or not rounds:
        failures.append(f"the guest did not pass: vireo exited with {status}")
        sys.stdout.write(stdout[-4000:])
        sys.stdout.write(stderr[-4000:])
    else:
        print(f"guest: {rounds.group(1)} rounds, {rounds.group(2)} instructions written, "
              f"checksum {rounds.group(3)}")

    if "jit: not in use" in stderr:
        print("skipped: this host runs the interpreter (no JIT tier)")
        return 77
    stats = [tuple(int(x) for x in m.groups()) for m in JIT_LINE.finditer(stderr)]
    if not stats:
        failures.append("the monitor's info jit gave no counters: " +
                        (re.search(r"jit: [^\r\n]*", stderr) or ["nothing"])[0])
    else:
        compiled, resets, size_kib, _ = stats[-1]
        most_used = max(s[3] for s in stats)
        print(f"jit: {len(stats)} readings; last: {compiled} blocks compiled, {resets} cache "
              f"resets; code cache {size_kib} KiB, at most {most_used} KiB in use")
        if size_kib != args.cache_kb:
            failures.append(f"the code cache is {size_kib} KiB, not the {args.cache_kb} KiB asked "
                            "for")
        if most_used > size_kib:
            failures.append(f"{most_used} KiB of the {size_kib} KiB code cache in use")
        # The decoded-block arena (64 MiB) empties both caches too when it fills, about every
        # 10,000 rounds; a 256 KiB code cache fills every few dozen rounds.
        want = max(args.min_resets, int(rounds.group(1)) // 1000 if rounds else 0)
        if resets < want:
            failures.append(f"the code cache was reset {resets} times, fewer than {want}: it "
                            "did not fill")

    kept = samples[int(len(samples) * args.warmup):]
    if len(kept) < 8:
        failures.append(f"only {len(kept)} RSS samples after warm-up: the run was too short")
    else:
        half, quarter = len(kept) // 2, len(kept) // 4
        first, second = kept[:half], kept[half:]
        max1, max2 = max(r for _, r in first), max(r for _, r in second)
        q1, q4 = mean([r for _, r in kept[:quarter]]), mean([r for _, r in kept[-quarter:]])
        print(f"RSS: {len(samples)} samples over {samples[-1][0]:.0f} s, "
              f"{samples[0][1] // 1024} MiB at first, after warm-up ({kept[0][0]:.0f} s) "
              f"{min(r for _, r in kept) / 1024:.1f}..{max(max1, max2) / 1024:.1f} MiB; "
              f"highest {max1 / 1024:.1f} MiB in the first half, {max2 / 1024:.1f} MiB in the "
              f"second; mean {q1 / 1024:.1f} MiB in the first quarter, {q4 / 1024:.1f} MiB in "
              "the last")
        print("RSS samples (s: MiB): " +
              " ".join(f"{t:.0f}:{r / 1024:.1f}" for t, r in samples[::max(1, len(samples) // 40)]))
        slack = args.rss_slack_mib * 1024
        if args.no_rss_check:
            print("RSS not judged (--no-rss-check)")
        else:
            if max2 > max1 + slack:
                failures.append(f"RSS grew: {max1 / 1024:.1f} MiB at most in the first half after "
                                f"warm-up, {max2 / 1024:.1f} MiB in the second")
            if q4 > q1 + slack:
                failures.append(f"RSS grew: {q1 / 1024:.1f} MiB on average in the first quarter "
                                f"after warm-up, {q4 / 1024:.1f} MiB in the last")

    for f in failures:
        print("FAIL: " + f)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
