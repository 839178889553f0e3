#!/usr/bin/env python3
"""Runs the virtio-console writer guest with --console virtio and reads its output slower
than the guest writes it (about 2 MB/s); every byte of the known stream must arrive, in
order. Usage: virtio-console-slow-reader.py VIREO WRITER_ELF"""
import subprocess
import sys
import time

TOTAL_BYTES = 0x80000


def main():
    vireo, elf = sys.argv[1], sys.argv[2]
    p = subprocess.Popen(
        [vireo, "run", "--arch", "riscv64", "--bios", "none", "--kernel", elf,
         "--console", "virtio", "--timeout", "40"],
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, bufsize=0)
    got = bytearray()
    while True:
        chunk = p.stdout.read(4096)
        if not chunk:
            break
        got += chunk
        time.sleep(0.002)
    status = p.wait()
    expected = bytes(ord("0") + (i & 63) for i in range(TOTAL_BYTES))
    if status != 0:
        print(f"vireo exited with {status}")
        return 1
    if expected not in got:
        print(f"the stream did not arrive whole: {len(got)} bytes read, {TOTAL_BYTES} written")
        return 1
    print(f"{TOTAL_BYTES} bytes arrived whole")
    return 0


if __name__ == "__main__":
    sys.exit(main())
