#!/bin/bash
# build-debian-root.sh: a real Debian 13 (trixie) riscv64 system on a 2 GiB disk image that
# boots through UEFI: systemd as init, login on the serial console (root, password "vireo"),
# apt, Debian's stock kernel and the initramfs that Debian's initramfs-tools makes for it.
#
# mmdebstrap installs the system into a directory (as root; the riscv64 maintainer scripts run
# under qemu-user through binfmt_misc, initramfs-tools included) from the same mirror as the
# private apt configuration of trixie.sh (the machine's own apt sources are never touched).
# The disk: an MBR with two partitions,
#   1. an EFI system partition (FAT32, 128 MiB, mounted at /boot/efi) with Debian 13's GRUB
#      (riscv64-efi, assembled by grub-mkimage as in build-efi-disk.sh) as
#      /EFI/BOOT/BOOTRISCV64.EFI, /grub/grub.cfg, and the kernel and initrd from the root's /boot;
#   2. the root file system, ext4, filled by `mke2fs -d` (no mounts, no loop devices).
# Both have fixed UUIDs, named by /etc/fstab and the kernel command line.
# Output: ~/.cache/vireo/debian-root-<key>/debian-root.img (2 GiB, sparse; about 400 MB used)
# and versions.txt. The key includes the trixie versions of the packages that matter (kernel,
# systemd, initramfs-tools, apt, login, libc6, GRUB). Boot a copy: the system writes to it.
#
# Usage: build-debian-root.sh [--print-path | --no-build | --key | --dir]

source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
source "$GUESTS_DIR/trixie.sh"

GUEST_NAME=debian-root
GUEST_KEY_INPUTS=("$GUESTS_DIR/build-debian-root.sh" "$GUESTS_DIR/trixie.sh")
GUEST_MAIN=debian-root.img
GUEST_OUTPUTS=(debian-root.img versions.txt)
PACKAGES=(mmdebstrap arch-test qemu-user-static binfmt-support e2fsprogs dosfstools mtools
          grub-common python3 apt debian-archive-keyring)
# What the guest system is made of (mmdebstrap --variant=minbase plus these).
INCLUDE=(systemd systemd-sysv dbus libpam-systemd login passwd apt udev kmod e2fsprogs dosfstools
         initramfs-tools linux-image-riscv64)
# Trixie packages whose versions make up the key.
KEY_PACKAGES=(linux-image-riscv64 systemd initramfs-tools apt login libc6 grub-efi-riscv64-bin)
GRUB_MODULES=(part_msdos fat ext2 normal linux configfile search search_fs_uuid echo boot)
ROOT_UUID=5a1e7e57-d1ce-4b1e-9e7e-0000000c0de5
ESP_ID=5649-5245            # the FAT volume id, as GRUB and /dev/disk/by-uuid show it
HOSTNAME_=vireo-trixie
PASSWORD=vireo
DISK_MIB=2048
ESP_START_MIB=1
ESP_MIB=128
MIRROR="deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian trixie main"

as_root() {
    if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

# need_riscv64_binfmt: the kernel runs riscv64 programs through qemu-user (binfmt_misc), as
# mmdebstrap needs for the maintainer scripts. The F flag opens the interpreter once, so it
# works inside the chroot too.
need_riscv64_binfmt() {
    local misc=/proc/sys/fs/binfmt_misc
    [ -e "$misc/status" ] || as_root mount -t binfmt_misc binfmt_misc "$misc" ||
        die "cannot mount binfmt_misc on $misc"
    grep -qx enabled "$misc/qemu-riscv64" 2>/dev/null && return 0
    log "registering qemu-riscv64 with binfmt_misc"
    as_root update-binfmts --enable qemu-riscv64 >&2 || true
    if ! grep -qx enabled "$misc/qemu-riscv64" 2>/dev/null; then
        [ -e "$misc/qemu-riscv64" ] && echo -1 | as_root tee "$misc/qemu-riscv64" >/dev/null
        printf '%s' ':qemu-riscv64:M::\x7fELF\x02\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x02\x00\xf3\x00:\xff\xff\xff\xff\xff\xff\xff\x00\xff\xff\xff\xff\xff\xff\xff\xff\xfe\xff\xff\xff:/usr/bin/qemu-riscv64-static:F' |
            as_root tee "$misc/register" >/dev/null
    fi
    grep -qx enabled "$misc/qemu-riscv64" 2>/dev/null || die "qemu-riscv64 is not registered"
}

guest_packages() {
    need_packages "${PACKAGES[@]}"
    need_riscv64_binfmt
    trixie_lists
}

guest_compute_key() {
    # One apt-cache call for all of them: the key is computed whenever a test looks for the disk.
    local versions
    # shellcheck disable=SC2046
    versions=$(apt-cache $(trixie_apt_opts) show --no-all-versions "${KEY_PACKAGES[@]}" 2>/dev/null |
        awk '/^Package:/ { p = $2 } /^Version:/ { print p "=" $2 }')
    [ "$(echo "$versions" | grep -c .)" -eq ${#KEY_PACKAGES[@]} ] ||
        die "trixie riscv64 package lists are missing (run without --no-build once)"
    guest_key "$versions" "$(package_versions mmdebstrap qemu-user-static e2fsprogs \
        dosfstools mtools grub-common)"
}

# The hook that configures the installed system (run by mmdebstrap with the root as $1).
customize() {
    cat <<EOF
set -e
echo '$HOSTNAME_' > "\$1/etc/hostname"
printf '127.0.0.1\tlocalhost\n127.0.1.1\t$HOSTNAME_\n::1\tlocalhost ip6-localhost ip6-loopback\n' > "\$1/etc/hosts"
cat > "\$1/etc/fstab" <<FSTAB
# <file system>  <mount point>  <type>  <options>  <dump>  <pass>
UUID=$ROOT_UUID  /          ext4  errors=remount-ro  0  1
UUID=$ESP_ID     /boot/efi  vfat  umask=0077         0  1
FSTAB
mkdir -p "\$1/boot/efi"
echo 'root:$PASSWORD' | chroot "\$1" chpasswd
# No machine id: systemd makes one at every boot (a test image is booted as fresh copies),
# and does not take the first boot for a new installation (no systemd-firstboot questions).
: > "\$1/etc/machine-id"
rm -f "\$1/var/lib/dbus/machine-id"
EOF
}

guest_build() {
    local dest=$1 root="$WORK/root" kver root_start_mib
    # The installed files belong to root and others: mmdebstrap's root mode, and mke2fs -d
    # copies owners, modes and device files as they are.
    [ "$(id -u)" -eq 0 ] || die "run as root (mmdebstrap installs the system into a directory)"
    # initramfs-tools' default (MODULES=most) packs most of the kernel's storage and file
    # system drivers; this system needs only those of the board it runs on.
    mmdebstrap --arch=riscv64 --variant=minbase --include="$(IFS=,; echo "${INCLUDE[*]}")" \
        --essential-hook='mkdir -p "$1/etc/initramfs-tools/conf.d" &&
            echo MODULES=list > "$1/etc/initramfs-tools/conf.d/vireo.conf" &&
            printf "virtio_mmio\nvirtio_blk\ncrc32c_generic\next4\n" >> "$1/etc/initramfs-tools/modules"' \
        --customize-hook="$(customize)" \
        trixie "$root" "$MIRROR" >&2 || die "mmdebstrap failed"
    kver=$(cd "$root/boot" && ls vmlinux-* | sed 's/^vmlinux-//' | head -1)
    if [ -z "$kver" ] || [ ! -e "$root/boot/initrd.img-$kver" ]; then
        die "no kernel or initrd in /boot"
    fi
    dpkg-query --admindir="$root/var/lib/dpkg" -W -f='${Package}=${Version}\n' > "$dest/versions.txt"

    # GRUB, with an embedded configuration that finds the EFI system partition by its id.
    trixie_unpack grub-efi-riscv64-bin "$WORK/grub"
    cat > "$WORK/early.cfg" <<CFG
search --no-floppy --set=root --fs-uuid $ESP_ID
configfile (\$root)/grub/grub.cfg
CFG
    grub-mkimage -d "$WORK/grub/usr/lib/grub/riscv64-efi" -O riscv64-efi \
        -o "$WORK/BOOTRISCV64.EFI" -c "$WORK/early.cfg" -p /EFI/BOOT "${GRUB_MODULES[@]}"
    cat > "$WORK/grub.cfg" <<CFG
set timeout=0
menuentry "Debian GNU/Linux 13 (trixie), Linux $kver" {
    linux /vmlinux-$kver root=UUID=$ROOT_UUID ro console=ttyS0
    initrd /initrd.img-$kver
}
CFG
    truncate -s "${ESP_MIB}M" "$WORK/esp.img"
    mkfs.vfat -F 32 -i "${ESP_ID/-/}" -n DEBIAN-ESP "$WORK/esp.img" >/dev/null
    mmd -i "$WORK/esp.img" ::/EFI ::/EFI/BOOT ::/grub
    mcopy -i "$WORK/esp.img" "$WORK/BOOTRISCV64.EFI" ::/EFI/BOOT/BOOTRISCV64.EFI
    mcopy -i "$WORK/esp.img" "$WORK/grub.cfg" ::/grub/grub.cfg
    mcopy -i "$WORK/esp.img" "$root/boot/vmlinux-$kver" "$root/boot/initrd.img-$kver" ::/

    local img="$dest/debian-root.img"
    root_start_mib=$((ESP_START_MIB + ESP_MIB))
    truncate -s "${DISK_MIB}M" "$img"
    python3 - "$img" "$ESP_START_MIB" "$ESP_MIB" "$root_start_mib" "$DISK_MIB" <<'PY'
import struct, sys
# Partition 1: EFI system (0xEF), bootable; partition 2: Linux (0x83) to the end.
path, esp_start, esp_size, root_start, disk = sys.argv[1], *map(int, sys.argv[2:])
mib = 2048
def entry(boot, kind, start, size):
    return struct.pack("<B3sB3sII", boot, b"\xfe\xff\xff", kind, b"\xfe\xff\xff",
                       start * mib, size * mib)
with open(path, "r+b") as f:
    mbr = bytearray(512)
    mbr[0x1B8:0x1BC] = struct.pack("<I", 0x56495245)  # disk signature
    mbr[0x1BE:0x1CE] = entry(0x80, 0xEF, esp_start, esp_size)
    mbr[0x1CE:0x1DE] = entry(0x00, 0x83, root_start, disk - root_start)
    mbr[510:512] = b"\x55\xaa"
    f.write(mbr)
PY
    dd if="$WORK/esp.img" of="$img" bs=1M seek="$ESP_START_MIB" conv=notrunc,sparse status=none
    log "making the ext4 root file system from the installed system"
    mke2fs -q -t ext4 -L debian-root -U "$ROOT_UUID" -d "$root" \
        -E offset=$((root_start_mib << 20)) "$img" "$(((DISK_MIB - root_start_mib) << 10))k" >&2
}

guest_main "$@"
