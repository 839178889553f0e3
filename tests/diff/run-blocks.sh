#!/bin/sh
# Block-level differential test: a program of random blocks from gen-blocks.py, run on
# qemu-system-riscv64 and on Vireo, the state after every block compared.
#
# usage: run-blocks.sh [--mode bare|sv39|both] [--seeds N] [--vireo PATH] [--keep DIR]
#                      SEED [COUNT]
#   SEED     first seed; --seeds N runs SEED..SEED+N-1 (default 1)
#   COUNT    blocks per program (default 100)
#   --mode   bare: M-mode, no translation; sv39: S-mode with Sv39 paging; both (default)
#   --vireo  the vireo binary (default: $VIREO, else build/app/vireo in the source tree)
#   --keep   keep the generated programs and outputs in DIR
# Exits 0 when every block matched, 1 on a mismatch (the report names the seed, the block,
# the registers that differ and the block's instructions), 77 when a tool is missing.
set -eu

here=$(dirname "$(readlink -f "$0")")
env_dir=$here/../riscv/env
mode=both
seeds=1
vireo=${VIREO:-$here/../../build/app/vireo}
keep=

while [ $# -gt 0 ]; do
    case $1 in
    --mode) mode=$2; shift 2 ;;
    --seeds) seeds=$2; shift 2 ;;
    --vireo) vireo=$2; shift 2 ;;
    --keep) keep=$2; shift 2 ;;
    -h|--help) sed -n '2,15p' "$0"; exit 0 ;;
    --*) echo "run-blocks.sh: unknown option $1" >&2; exit 2 ;;
    *) break ;;
    esac
done
[ $# -ge 1 ] || { echo "usage: run-blocks.sh [options] SEED [COUNT]" >&2; exit 2; }
seed=$1
count=${2:-100}
case $mode in
bare|sv39) modes=$mode ;;
both) modes="bare sv39" ;;
*) echo "run-blocks.sh: --mode must be bare, sv39 or both" >&2; exit 2 ;;
esac

for tool in riscv64-unknown-elf-gcc qemu-system-riscv64 python3; do
    if ! command -v "$tool" >/dev/null 2>&1; then
        echo "run-blocks.sh: SKIP: $tool not found (install gcc-riscv64-unknown-elf," \
            "qemu-system-misc and python3)"
        exit 77
    fi
done
# vireo's own output goes to files; the execution tier it ran on is said here.
echo "run-blocks.sh: accel: ${VIREO_ACCEL:-the default (jit where the host has it)}"
if [ ! -x "$vireo" ]; then
    echo "run-blocks.sh: SKIP: no vireo binary at $vireo (build it, or pass --vireo)"
    exit 77
fi

if [ -n "$keep" ]; then
    work=$keep
    mkdir -p "$work"
else
    work=$(mktemp -d "${TMPDIR:-/tmp}/vireo-blocks.XXXXXX")
fi
failed=0
i=0
while [ $i -lt "$seeds" ]; do
    s=$((seed + i))
    for m in $modes; do
        base=$work/blocks-$s-$m
        python3 "$here/gen-blocks.py" gen --seed "$s" --blocks "$count" --mode "$m" -o "$base.S"
        riscv64-unknown-elf-gcc -march=rv64gc_zba_zbb_zbs -mabi=lp64d -mcmodel=medany -O2 \
            -Wall -Werror -ffreestanding -fno-builtin -fno-stack-protector -nostdlib \
            -nostartfiles -Wl,--no-warn-rwx-segments -I"$env_dir" -T "$env_dir/link.ld" \
            "$env_dir/crt.S" "$env_dir/rt.c" "$here/blocks-rt.c" "$base.S" -lgcc -o "$base.elf"
        # Both at once: each is mostly start-up time.
        timeout 120 qemu-system-riscv64 -M virt -bios none -nographic -display none \
            -kernel "$base.elf" </dev/null >"$base.qemu" 2>&1 &
        qemu_pid=$!
        vrc=0
        "$vireo" run --arch riscv64 --bios none --kernel "$base.elf" --timeout 60 \
            </dev/null >"$base.vireo" 2>&1 || vrc=$?
        qrc=0
        wait $qemu_pid || qrc=$?
        if python3 "$here/gen-blocks.py" compare "$base.S" "$base.qemu" "$base.vireo" \
            >"$base.report"; then
            if [ $qrc -ne 0 ] || [ $vrc -ne 0 ]; then
                echo "seed $s mode $m: outputs match but exit status qemu $qrc, vireo $vrc"
                failed=1
                keep=${keep:-$work}
            else
                echo "seed $s mode $m: $count blocks match"
            fi
        else
            echo "seed $s mode $m (qemu exit $qrc, vireo exit $vrc):"
            cat "$base.report"
            echo "  reproduce: $0 --mode $m $s $count   (files kept in $work)"
            failed=1
            keep=${keep:-$work}
        fi
    done
    i=$((i + 1))
done
[ -n "$keep" ] || rm -rf "$work"
exit $failed
