#!/bin/sh
# Build one bare-metal test from its sources and run it on qemu-system-riscv64 (the peer).
# usage: tests/riscv/qemu-run.sh OUT.elf SOURCE... [-- QEMU-ARGS...]
set -eu
here=$(dirname "$(readlink -f "$0")")
out=$1
shift
srcs=""
while [ $# -gt 0 ] && [ "$1" != "--" ]; do
    srcs="$srcs $1"
    shift
done
[ $# -gt 0 ] && shift
riscv64-unknown-elf-gcc -march=rv64gc_zba_zbb_zbs -mabi=lp64d -mcmodel=medany -O2 -g -Wall -Werror \
    -ffreestanding -fno-builtin -fno-stack-protector -nostdlib -nostartfiles \
    -Wl,--no-warn-rwx-segments -I"$here/env" -T "$here/env/link.ld" \
    "$here/env/crt.S" "$here/env/rt.c" $srcs -lgcc -o "$out"
exec timeout 30 qemu-system-riscv64 -M virt -bios none -nographic -display none -smp 2 "$@" -kernel "$out"
