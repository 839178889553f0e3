#!/bin/bash
# build-efi-disk.sh: a disk that boots through UEFI: an MBR with one EFI system partition
# (FAT32) holding Debian 13's GRUB for riscv64-efi as the removable-media loader
# /EFI/BOOT/BOOTRISCV64.EFI, its configuration, and Debian's stock kernel with the initramfs
# of build-debian-kernel.sh. U-Boot (Debian's u-boot-qemu, S-mode) finds the loader through
# its EFI boot manager, GRUB loads the kernel through its EFI stub.
#
# GRUB's image is assembled by grub-mkimage (Debian 12's grub-common) from the riscv64-efi
# modules of trixie's grub-efi-riscv64-bin, with an embedded configuration that finds
# /vireo-grub.cfg on any partition. The partition table is written here (no fdisk needed),
# the file system by mkfs.vfat and mtools.
# Output: ~/.cache/vireo/efi-disk-<key>/efi-disk.img (128 MiB, raw). Boot a copy: U-Boot may
# write its EFI variables to the EFI system partition.
#
# Usage: build-efi-disk.sh [--print-path | --no-build | --key | --dir]

source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
source "$GUESTS_DIR/trixie.sh"

GUEST_NAME=efi-disk
GUEST_KEY_INPUTS=("$GUESTS_DIR/build-efi-disk.sh" "$GUESTS_DIR/trixie.sh")
GUEST_MAIN=efi-disk.img
GUEST_OUTPUTS=(efi-disk.img)
PACKAGES=(grub-common dosfstools mtools python3 apt debian-archive-keyring)
GRUB_MODULES=(part_gpt part_msdos fat ext2 normal linux configfile search search_fs_file echo
              ls cat boot gzio)

guest_packages() {
    need_packages "${PACKAGES[@]}"
    trixie_lists
}

guest_compute_key() {
    local kernel
    kernel=$("$GUESTS_DIR/build-debian-kernel.sh" --key) || exit 2
    guest_key "grub-efi-riscv64-bin=$(trixie_version grub-efi-riscv64-bin)" \
        "$(package_versions grub-common dosfstools mtools)" "debian-kernel=$kernel"
}

guest_build() {
    local dest=$1 kernel
    kernel=$("$GUESTS_DIR/build-debian-kernel.sh" --dir)
    trixie_unpack grub-efi-riscv64-bin "$WORK/grub"
    cat > "$WORK/early.cfg" <<'CFG'
search --no-floppy --set=root --file /vireo-grub.cfg
configfile ($root)/vireo-grub.cfg
CFG
    grub-mkimage -d "$WORK/grub/usr/lib/grub/riscv64-efi" -O riscv64-efi \
        -o "$WORK/BOOTRISCV64.EFI" -c "$WORK/early.cfg" -p /EFI/BOOT "${GRUB_MODULES[@]}"
    cat > "$WORK/vireo-grub.cfg" <<'CFG'
set timeout=0
menuentry "Debian 13 kernel (Vireo test)" {
    echo "vireo-grub: loading Linux"
    linux /vmlinux console=ttyS0
    initrd /initramfs.cpio.gz
}
CFG
    # The EFI system partition: 127 MiB of FAT32 from 1 MiB on.
    truncate -s 127M "$WORK/esp.img"
    mkfs.vfat -F 32 -n VIREO-ESP "$WORK/esp.img" >/dev/null
    mmd -i "$WORK/esp.img" ::/EFI ::/EFI/BOOT
    mcopy -i "$WORK/esp.img" "$WORK/BOOTRISCV64.EFI" ::/EFI/BOOT/BOOTRISCV64.EFI
    mcopy -i "$WORK/esp.img" "$WORK/vireo-grub.cfg" ::/vireo-grub.cfg
    mcopy -i "$WORK/esp.img" "$kernel/vmlinux" ::/vmlinux
    mcopy -i "$WORK/esp.img" "$kernel/initramfs.cpio.gz" ::/initramfs.cpio.gz
    truncate -s 128M "$dest/efi-disk.img"
    python3 - "$dest/efi-disk.img" <<'PY'
import struct, sys
# One bootable partition of type 0xEF (EFI system) from sector 2048 to the end.
with open(sys.argv[1], "r+b") as f:
    mbr = bytearray(512)
    start, count = 2048, 128 * 2048 - 2048
    mbr[0x1BE:0x1CE] = struct.pack("<B3sB3sII", 0x80, b"\xfe\xff\xff", 0xEF,
                                   b"\xfe\xff\xff", start, count)
    mbr[510:512] = b"\x55\xaa"
    f.write(mbr)
PY
    dd if="$WORK/esp.img" of="$dest/efi-disk.img" bs=1M seek=1 conv=notrunc status=none
}

guest_main "$@"
