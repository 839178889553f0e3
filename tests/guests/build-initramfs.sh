#!/bin/bash
# build-initramfs.sh: the busybox initramfs of Vireo's test guests.
#
# Packs the static riscv64 busybox from build-busybox.sh and rootfs/init into a gzip'd
# newc cpio (GNU cpio, no root needed: the kernel's built-in initramfs already provides
# /dev/console, and init mounts devtmpfs). Boot it with
#   -kernel Image -initrd initramfs.cpio.gz -append "console=ttyS0 earlycon=sbi"
# It prints "vireo-initramfs: ready" and starts a shell on the console, or runs
# vireo.run="CMDS" / vireo.run64=BASE64 from the kernel command line and powers off.
# The test programs of tools/ (vireo-drawtest, vireo-evtest) are in /usr/bin, built static.
# Output: ~/.cache/vireo/initramfs-<key>/initramfs.cpio.gz
#
# Usage: build-initramfs.sh [--print-path | --no-build | --key | --dir]

source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
source "$GUESTS_DIR/rootfs/rootfs.sh"

GUEST_NAME=initramfs
GUEST_KEY_INPUTS=("$GUESTS_DIR/build-initramfs.sh" "$GUESTS_DIR/rootfs/init"
                  "$GUESTS_DIR/rootfs/rootfs.sh" "$GUESTS_DIR"/tools/*.c)
GUEST_MAIN=initramfs.cpio.gz
GUEST_OUTPUTS=(initramfs.cpio.gz)
PACKAGES=(cpio gzip gcc-riscv64-linux-gnu libc6-dev-riscv64-cross)
KEY_PACKAGES=(gcc-12-riscv64-linux-gnu libc6-dev-riscv64-cross)

guest_packages() { need_packages "${PACKAGES[@]}"; }
guest_compute_key() {
    guest_key "busybox=$("$GUESTS_DIR/build-busybox.sh" --key)" \
        "$(package_versions "${KEY_PACKAGES[@]}")"
}

guest_build() {
    local dest=$1 bb
    bb=$("$GUESTS_DIR/build-busybox.sh" --dir)
    populate_rootfs "$WORK/root" "$bb" initramfs
    local tool
    for tool in "$GUESTS_DIR"/tools/*.c; do
        log "compiling $(basename "$tool")"
        riscv64-linux-gnu-gcc -static -O2 -Wall -Wextra -Werror -o "$WORK/root/usr/bin/$(basename "$tool" .c)" "$tool"
    done
    log "packing initramfs.cpio.gz"
    (cd "$WORK/root" && find . -mindepth 1 | LC_ALL=C sort |
        cpio --quiet -o -H newc --owner=0:0 --reproducible) |
        gzip -9 -n > "$dest/initramfs.cpio.gz"
}

guest_main "$@"
