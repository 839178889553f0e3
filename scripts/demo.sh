#!/bin/sh
# Installs what Vireo needs, builds it, builds the demo guest (a RISC-V Linux kernel and a
# busybox initramfs, from Debian's sources; several minutes the first time, cached after),
# puts the demo machine in the library and starts it: in Vireo's window on a desktop, else on
# this terminal, where Ctrl-A X quits and Ctrl-A C opens the monitor. `poweroff -f` in the
# guest powers it off.
set -eu
cd "$(dirname "$0")/.."
./scripts/install-deps.sh
[ -f build/build.ninja ] || meson setup build
ninja -C build

kernel=$(tests/guests/build-all.sh --print-path linux)
initrd=$(tests/guests/build-all.sh --print-path initramfs)

machines=${XDG_DATA_HOME:-$HOME/.local/share}/vireo/machines
demo=$machines/Demo.vireo
mkdir -p "$demo"
cp "$kernel" "$demo/Image"
cp "$initrd" "$demo/initramfs.cpio.gz"
if [ ! -f "$demo/machine.ini" ]; then
    tmp=$(mktemp "$demo/.machine.ini.XXXXXX")
    cat > "$tmp" <<'INI'
[machine]
name=Demo
arch=riscv64
cpus=2
memory=512M

[boot]
kernel=Image
initrd=initramfs.cpio.gz
cmdline=console=ttyS0 earlycon=sbi
INI
    mv "$tmp" "$demo/machine.ini"
fi

# On a desktop the demo opens in Vireo's window; without a display (or with
# VIREO_DEMO_TERMINAL=1) it runs on this terminal.
if [ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ] && [ "${VIREO_DEMO_TERMINAL:-0}" != 1 ]; then
    echo "demo: starting the Demo machine in Vireo's window"
    exec build/app/vireo --machine Demo --start
fi
echo "demo: starting the Demo machine ($demo) on this terminal; Ctrl-A X quits"
exec build/app/vireo run Demo
