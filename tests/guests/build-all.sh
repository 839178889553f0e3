#!/bin/bash
# build-all.sh: build (or find in ~/.cache/vireo) every Linux test guest and print where
# they are. See README.md in this folder.
#
# Usage:
#   build-all.sh                     build what is missing, print a summary with paths
#   build-all.sh --print-path NAME   build NAME if needed, print only its main file
#   build-all.sh --no-build NAME     print NAME's main file if cached, else exit 2
# NAME: linux (Image), busybox (static binary), initramfs (initramfs.cpio.gz),
#       disk (disk.img), opensbi (fw_dynamic.bin), u-boot (u-boot.bin); the last two come
#       straight from Debian packages (opensbi, u-boot-qemu); debian-kernel (Debian 13's
#       stock riscv64 kernel and an initramfs with its modules, downloaded from Debian: when
#       that fails, the other guests still count as built and its test is skipped);
#       efi-disk (an EFI system partition with Debian 13's GRUB and that kernel; the same);
#       installer-iso (installer.iso: a UEFI installer CD of Debian 13's packages; the same),
#       not-installer-iso (a data-only ISO 9660 image, no boot loader) and trixie-u-boot
#       (Debian 13's S-mode U-Boot, which boots the CD behind an empty disk), made by the
#       same script.
#       debian-root (a Debian 13 system with systemd on a disk booting through UEFI, made by
#       mmdebstrap; the same); debian-desktop (that system with weston; the same).

set -euo pipefail
GUESTS_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
OPENSBI=/usr/lib/riscv64-linux-gnu/opensbi/generic/fw_dynamic.bin
UBOOT=/usr/lib/u-boot/qemu-riscv64_smode/u-boot.bin

# debian_file PACKAGE PATH MODE: a file shipped by a Debian package.
debian_file() {
    if [ "$3" != --no-build ]; then
        source "$GUESTS_DIR/lib.sh"
        GUEST_NAME=$1
        need_packages "$1"
    fi
    [ -e "$2" ] || exit 2
    echo "$2"
}

path_of() {
    local name=$1 mode=$2
    case "$name" in
        linux|busybox|initramfs|disk|debian-kernel|efi-disk|installer-iso|debian-root|debian-desktop)
            "$GUESTS_DIR/build-$name.sh" "$mode" ;;
        not-installer-iso|trixie-u-boot)
            local iso file=not-installer.iso
            [ "$name" = trixie-u-boot ] && file=u-boot.bin
            iso=$("$GUESTS_DIR/build-installer-iso.sh" "$mode") || exit $?
            echo "${iso%/*}/$file" ;;
        opensbi) debian_file opensbi "$OPENSBI" "$mode" ;;
        u-boot|uboot) debian_file u-boot-qemu "$UBOOT" "$mode" ;;
        *) echo "build-all.sh: unknown guest '$name' (linux, busybox, initramfs, disk, opensbi, u-boot, debian-kernel, efi-disk, installer-iso, not-installer-iso, trixie-u-boot, debian-root, debian-desktop)" >&2
           exit 1 ;;
    esac
}

case "${1:-}" in
    --print-path) [ $# -eq 2 ] || { echo "usage: $0 --print-path NAME" >&2; exit 1; }
                  path_of "$2" --print-path; exit ;;
    --no-build)   [ $# -eq 2 ] || { echo "usage: $0 --no-build NAME" >&2; exit 1; }
                  path_of "$2" --no-build; exit ;;
    -h|--help)    sed -n '2,/^$/s/^# \{0,1\}//p' "$0"; exit 0 ;;
    '') ;;
    *) echo "build-all.sh: unknown option '$1'" >&2; exit 1 ;;
esac

start=$SECONDS
declare -A paths
for name in linux busybox initramfs disk opensbi u-boot; do
    t=$SECONDS
    paths[$name]=$(path_of "$name" --print-path)
    echo "build-all: $name ready ($((SECONDS - t)) s)" >&2
done
# From Debian 13's packages, downloaded: when that fails, only their tests are skipped.
for name in debian-kernel efi-disk installer-iso debian-root debian-desktop; do
    t=$SECONDS
    if paths[$name]=$(path_of "$name" --print-path); then
        echo "build-all: $name ready ($((SECONDS - t)) s)" >&2
    else
        paths[$name]="(not built: Debian's trixie riscv64 packages could not be fetched or installed)"
        echo "build-all: $name could not be built; its boot test will be skipped" >&2
    fi
done
echo
echo "Vireo test guests (built or found in ${VIREO_GUEST_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/vireo} in $((SECONDS - start)) s):"
printf '  %-10s %s\n' \
    kernel "${paths[linux]}" \
    busybox "${paths[busybox]}" \
    initramfs "${paths[initramfs]}" \
    disk "${paths[disk]}" \
    opensbi "${paths[opensbi]}" \
    u-boot "${paths[u-boot]}" \
    debian "${paths[debian-kernel]}" \
    efi-disk "${paths[efi-disk]}" \
    installer "${paths[installer-iso]}" \
    debian-root "${paths[debian-root]}" \
    desktop "${paths[debian-desktop]}"
cat <<EOF

Boot the initramfs:  qemu-system-riscv64 -M virt -m 512M -smp 4 -nographic \\
    -bios ${paths[opensbi]} -kernel ${paths[linux]} \\
    -initrd ${paths[initramfs]} -append "console=ttyS0 earlycon=sbi"
Boot the disk (boot a copy; the cached image must stay as built):
    cp ${paths[disk]} /tmp/disk.img
    qemu-system-riscv64 -M virt -m 512M -nographic -bios ${paths[opensbi]} \\
    -kernel ${paths[u-boot]} \\
    -drive file=/tmp/disk.img,format=raw,if=none,id=d0 -device virtio-blk-device,drive=d0
EOF
