#!/bin/bash
# build-disk.sh: a raw 64 MiB ext4 disk that Debian's U-Boot boots Linux from.
#
# The ext4 file system fills the whole disk, so Linux mounts root=/dev/vda and host tools
# read the image directly (debugfs -R "cat /root/x" disk.img, e2fsck -fn disk.img). It
# holds the kernel Image from build-linux.sh at /boot/Image, the busybox root file system
# (build-busybox.sh, rootfs/init as /sbin/init) and /boot/extlinux/extlinux.conf, which
# U-Boot's distro boot finds on virtio-blk. U-Boot's boot script only looks at partition
# 1 ("virtio 0:1") and refuses a disk without a partition table, so sector 0 (which ext4
# leaves unused: its superblock starts at byte 1024) gets an MBR whose one partition,
# type 0x83 and bootable, starts at sector 0 and covers the disk, i.e. the same file
# system. Linux then also shows it as vda1. The image is made without root privileges or
# loop mounts: mke2fs -d copies a directory into the new file system (and debugfs gives
# the files to root when the builder is not root). Boot it with
#   -bios /usr/lib/riscv64-linux-gnu/opensbi/generic/fw_dynamic.bin
#   -kernel /usr/lib/u-boot/qemu-riscv64_smode/u-boot.bin   (Debian's u-boot-qemu)
#   -drive file=disk.img,format=raw,if=none,id=d0 -device virtio-blk-device,drive=d0
# Init prints "vireo-disk: ready" and starts a shell; a file /vireo-run put into the image
# (debugfs -w -R "write LOCAL /vireo-run" disk.img) is run once instead, then it powers off.
# Output: ~/.cache/vireo/disk-<key>/disk.img. Tests must boot a copy, never the cached file.
#
# Usage: build-disk.sh [--print-path | --no-build | --key | --dir]

source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
source "$GUESTS_DIR/rootfs/rootfs.sh"

GUEST_NAME=disk
GUEST_KEY_INPUTS=("$GUESTS_DIR/build-disk.sh" "$GUESTS_DIR/rootfs/init"
                  "$GUESTS_DIR/rootfs/rootfs.sh")
GUEST_MAIN=disk.img
GUEST_OUTPUTS=(disk.img)
PACKAGES=(e2fsprogs)
DISK_MIB=64
KERNEL_ARGS="root=/dev/vda rw console=ttyS0 earlycon=sbi"

guest_packages() { need_packages "${PACKAGES[@]}"; }
guest_compute_key() {
    guest_key "linux=$("$GUESTS_DIR/build-linux.sh" --key)" \
              "busybox=$("$GUESTS_DIR/build-busybox.sh" --key)"
}

guest_build() {
    local dest=$1 bb image
    bb=$("$GUESTS_DIR/build-busybox.sh" --dir)
    image=$("$GUESTS_DIR/build-linux.sh" --print-path)
    local root="$WORK/root"
    populate_rootfs "$root" "$bb" disk
    mkdir -p "$root/boot/extlinux"
    cp "$image" "$root/boot/Image"
    cat > "$root/boot/extlinux/extlinux.conf" <<CONF
# U-Boot distro boot (qemu-riscv64_smode): Linux with the device tree U-Boot was given.
default vireo
label vireo
    menu label Vireo test guest (Linux 6.1, busybox)
    linux /boot/Image
    append $KERNEL_ARGS
CONF
    log "making a $DISK_MIB MiB ext4 image with mke2fs -d"
    local img="$dest/disk.img"
    # Fixed UUID and hash seed: the same inputs give the same file system layout.
    mke2fs -q -F -t ext4 -b 4096 -L vireo-root -d "$root" \
        -U 5649524f-0000-4000-8000-000000000001 \
        -E root_owner=0:0,hash_seed=5649524f-0000-4000-8000-000000000002 \
        "$img" "${DISK_MIB}M" >&2
    if [ "$(id -u)" -ne 0 ]; then
        # mke2fs -d keeps the builder's uid and gid; the guest wants root's files.
        (cd "$root" && find . -mindepth 1 | sed 's|^\.\(.*\)|sif \1 uid 0\nsif \1 gid 0|') \
            > "$WORK/chown.debugfs"
        debugfs -w -f "$WORK/chown.debugfs" "$img" > "$WORK/chown.log" 2>&1 ||
            { tail -20 "$WORK/chown.log" >&2; die "debugfs could not give the files to root"; }
    fi
    write_mbr "$img" $((DISK_MIB * 2048))
    e2fsck -fn "$img" > "$WORK/fsck.log" 2>&1 || { cat "$WORK/fsck.log" >&2; die "e2fsck failed"; }
}

# le32 N: N as four little-endian bytes in printf escapes.
le32() { printf '\\x%02x' $(($1 & 255)) $((($1 >> 8) & 255)) $((($1 >> 16) & 255)) $((($1 >> 24) & 255)); }

# write_mbr IMAGE SECTORS: disk signature "VIRO" and one bootable Linux partition from
# sector 0 to SECTORS, written over bytes 440-511 of sector 0 (ext4 never uses them).
write_mbr() {
    local img=$1 sectors=$2
    # signature, 2 reserved bytes, entry 1: boot flag, CHS (LBA only), type, CHS, start, size
    # shellcheck disable=SC2059 # the format is built from byte escapes on purpose
    printf "$(le32 0x4f524956)\x00\x00\x80\xfe\xff\xff\x83\xfe\xff\xff$(le32 0)$(le32 "$sectors")" |
        dd of="$img" bs=1 seek=440 conv=notrunc status=none
    printf '\x55\xaa' | dd of="$img" bs=1 seek=510 conv=notrunc status=none
}

guest_main "$@"
