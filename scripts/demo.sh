#!/bin/sh
# Installs what Vireo needs, builds it, and starts the demo machine on this terminal.
set -eu
cd "$(dirname "$0")/.."
./scripts/install-deps.sh
[ -f build/build.ninja ] || meson setup build
ninja -C build
exec build/app/vireo run --arch riscv64 --bios none --kernel build/tests/guests/demo.elf
