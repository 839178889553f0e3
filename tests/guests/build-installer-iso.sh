#!/bin/bash
# build-installer-iso.sh: an installer CD for riscv64 made of Debian 13 (trixie) packages, and
# a plain data CD without any boot loader.
#
# installer.iso is an ISO 9660 image (xorriso) that boots through UEFI the way Debian's own
# ISOs do: an El Torito entry for EFI points at a FAT image holding GRUB (riscv64-efi, from
# trixie's grub-efi-riscv64-bin) as /EFI/BOOT/BOOTRISCV64.EFI, and the same FAT image is
# appended as MBR partition 2 of type 0xEF, so firmware that sees the CD as a disk (U-Boot's
# EFI boot manager on virtio-blk) finds the loader too. The ISO tree has
# /EFI/BOOT/BOOTRISCV64.EFI as well, and in /install Debian's stock kernel, the installer's
# initramfs and the system to install. GRUB reads the kernel and initramfs from ISO 9660.
#
# The installer's /init (busybox, the kernel's modules for virtio, ext4, vfat and isofs, and
# Debian's sfdisk, mke2fs and mkfs.fat with their shared libraries) prints its progress as
# "vireo-installer: ..." lines, finds the empty writable disk (a virtio disk that is not
# read-only and has no partition table) and the CD (the read-only disk with ISO 9660),
# writes an MBR with a 64 MiB EFI system partition and an ext4 root, copies the system (a
# busybox root whose init prints "vireo-installed: ready" and starts a shell on the
# console), the kernel, an initramfs that mounts the root by its label and GRUB as the
# removable-media loader, syncs, prints "vireo-installer: done, rebooting" and reboots.
#
# not-installer.iso is a valid ISO 9660 image with a few data files: no El Torito catalog,
# no /EFI directory.
#
# U-Boot: Debian 12's U-Boot (2023.01, distro boot) by itself tries only the first virtio
# disk (boot_targets "qemu virtio0 scsi0 dhcp") and there only partition 1 or the bootable
# ones, so it never reaches a CD behind an empty disk; Vireo gives it a boot command that
# tries every disk and partition through the device tree, QEMU does not. For QEMU the script
# ships Debian 13's (2025.01, bootstd), which scans virtio0, then virtio1 and every partition
# itself. Its S-mode build (qemu-riscv64_smode/u-boot.bin from trixie's
# u-boot-qemu) is the third output, u-boot.bin.
#
# Outputs: ~/.cache/vireo/installer-iso-<key>/{installer.iso,not-installer.iso,u-boot.bin}.
#
# Usage: build-installer-iso.sh [--print-path | --no-build | --key | --dir]

source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
source "$GUESTS_DIR/rootfs/rootfs.sh"
source "$GUESTS_DIR/trixie.sh"

GUEST_NAME=installer-iso
GUEST_KEY_INPUTS=("$GUESTS_DIR/build-installer-iso.sh" "$GUESTS_DIR/trixie.sh"
                  "$GUESTS_DIR/rootfs/init" "$GUESTS_DIR/rootfs/rootfs.sh")
GUEST_MAIN=installer.iso
GUEST_OUTPUTS=(installer.iso not-installer.iso u-boot.bin)
PACKAGES=(xorriso grub-common dosfstools mtools cpio gzip xz-utils binutils apt
          debian-archive-keyring)
# Debian's tools the installer runs, and the packages their shared libraries come from.
TOOL_PACKAGES=(libc6 fdisk libfdisk1 libmount1 libncursesw6 libreadline8t64 libsmartcols1
               libtinfo6 libblkid1 libuuid1 libselinux1 libpcre2-8-0 e2fsprogs libext2fs2t64
               libcom-err2 libss2 dosfstools)
GRUB_MODULES=(part_gpt part_msdos fat iso9660 ext2 normal linux configfile search
              search_fs_file echo ls cat boot gzio)
# Modules of the installer (their dependencies are added) and of the installed system.
INSTALLER_MODULES=(virtio_mmio virtio_blk crc32c_generic ext4 vfat nls_cp437 nls_ascii isofs)
SYSTEM_MODULES=(virtio_mmio virtio_blk virtio-rng virtio_input evdev crc32c_generic ext4)

# The versioned kernel package linux-image-riscv64 depends on.
kernel_package() {
    # shellcheck disable=SC2046
    apt-cache $(trixie_apt_opts) depends linux-image-riscv64 2>/dev/null |
        awk '/Depends: linux-image-[0-9]/ { print $2; exit }'
}

guest_packages() {
    need_packages "${PACKAGES[@]}"
    trixie_lists
}

guest_compute_key() {
    local pkg versions
    pkg=$(kernel_package)
    [ -n "$pkg" ] || die "trixie riscv64 has no linux-image-riscv64 (run without --no-build once)"
    # One apt-cache call for all of them: a call per package would take seconds each.
    # shellcheck disable=SC2046
    versions=$(apt-cache $(trixie_apt_opts) show --no-all-versions "$pkg" grub-efi-riscv64-bin \
        u-boot-qemu "${TOOL_PACKAGES[@]}" 2>/dev/null |
        awk '/^Package:/ { p = $2 } /^Version:/ { print p "=" $2 }')
    guest_key "$versions" "$(package_versions xorriso grub-common dosfstools mtools)" \
        "busybox=$("$GUESTS_DIR/build-busybox.sh" --key)"
}

# add_module DIR NAME: NAME's dependencies, then NAME, appended to LOAD_ORDER once each; a
# module built into the kernel is left out.
add_module() {
    local dir=$1 name=${2//-/_} path dep
    case " ${LOAD_ORDER[*]} " in *" $name "*) return 0 ;; esac
    path=$(find "$dir/kernel" \( -name "$name.ko.xz" -o -name "${name//_/-}.ko.xz" \) -print -quit)
    if [ -z "$path" ]; then
        grep -qE "/($name|${name//_/-})\.ko\$" "$dir/modules.builtin" && return 0
        die "the kernel package has no module $2"
    fi
    for dep in $(xz -dc "$path" | tr '\0' '\n' | sed -n 's/^depends=//p' | tr ',' ' '); do
        add_module "$dir" "$dep"
    done
    LOAD_ORDER+=("$name")
    MODULE_FILES[$name]=$path
}

# add_modules ROOT MODDIR NAME...: the modules and what they need in ROOT/lib/modules, and
# ROOT/lib/modules/load: their names in load order.
add_modules() {
    local root=$1 moddir=$2 m
    shift 2
    LOAD_ORDER=()
    declare -gA MODULE_FILES=()
    for m in "$@"; do add_module "$moddir" "$m"; done
    mkdir -p "$root/lib/modules"
    for m in "${LOAD_ORDER[@]}"; do
        xz -dc "${MODULE_FILES[$m]}" > "$root/lib/modules/$m.ko"
    done
    printf '%s\n' "${LOAD_ORDER[@]}" > "$root/lib/modules/load"
}

# add_program ROOT DEBROOT PATH: the program PATH of the unpacked packages in DEBROOT, with
# the shared libraries it needs (recursively) in ROOT/lib/riscv64-linux-gnu.
add_program() {
    local root=$1 deb=$2 prog=$3 lib found
    mkdir -p "$root${prog%/*}" "$root/lib/riscv64-linux-gnu"
    rm -f "$root$prog"
    cp -L "$deb$prog" "$root$prog"
    local queue=("$root$prog")
    while [ ${#queue[@]} -gt 0 ]; do
        for lib in $(readelf -d "${queue[0]}" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p'); do
            [ -e "$root/lib/riscv64-linux-gnu/$lib" ] && continue
            found=$(find "$deb/usr/lib/riscv64-linux-gnu" -maxdepth 1 -name "$lib" | head -n 1)
            [ -n "$found" ] || die "no package of TOOL_PACKAGES has $lib (needed by $prog)"
            cp -L "$found" "$root/lib/riscv64-linux-gnu/$lib"
            queue+=("$root/lib/riscv64-linux-gnu/$lib")
        done
        queue=("${queue[@]:1}")
    done
}

# pack DIR OUT: DIR as a gzip'd newc cpio.
pack() {
    (cd "$1" && find . -mindepth 1 | LC_ALL=C sort |
        cpio --quiet -o -H newc --owner=0:0 --reproducible) | gzip -9 -n > "$2"
}

# grub_image OUT CONFIG_FILE: GRUB for riscv64-efi that finds CONFIG_FILE on any device and
# reads it.
grub_image() {
    cat > "$WORK/early.cfg" <<CFG
search --no-floppy --set=root --file $2
configfile (\$root)$2
CFG
    grub-mkimage -d "$WORK/grub/usr/lib/grub/riscv64-efi" -O riscv64-efi -o "$1" \
        -c "$WORK/early.cfg" -p /EFI/BOOT "${GRUB_MODULES[@]}"
}

# The installed system's initramfs: loads the modules, mounts the root named by root=LABEL=
# (or root=/dev/X) and runs its /sbin/init.
write_system_initramfs_init() {
    cat > "$1" <<'INIT'
#!/bin/sh
export PATH=/sbin:/bin:/usr/sbin:/usr/bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
while read -r m; do
    insmod "/lib/modules/$m.ko" || echo "vireo-installed: module $m did not load"
done < /lib/modules/load
root=
for arg in $(cat /proc/cmdline); do
    case "$arg" in root=*) root=${arg#root=} ;; esac
done
dev=
for i in $(seq 50); do
    case "$root" in
        LABEL=*) dev=$(findfs "$root" 2>/dev/null) ;;
        *) [ -b "$root" ] && dev=$root ;;
    esac
    [ -n "$dev" ] && break
    sleep 0.1
done
[ -n "$dev" ] || { echo "vireo-installed: no root file system $root"; exec sh; }
mkdir -p /newroot
mount -t ext4 -o rw "$dev" /newroot || { echo "vireo-installed: cannot mount $dev"; exec sh; }
umount /proc /sys
mount --move /dev /newroot/dev 2>/dev/null || umount /dev
exec switch_root /newroot /sbin/init
INIT
    chmod 755 "$1"
}

write_installer_init() {
    cat > "$1" <<'INIT'
#!/bin/sh
# Vireo's test installer: installs the system on /install of the CD to the empty disk.
export PATH=/sbin:/bin:/usr/sbin:/usr/bin LD_LIBRARY_PATH=/lib/riscv64-linux-gnu
say() { echo "vireo-installer: $*"; }
fail() { say "error: $*"; say "failed; a shell follows"; exec setsid cttyhack sh; }

mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
say "starting"
while read -r m; do
    insmod "/lib/modules/$m.ko" || say "module $m did not load"
done < /lib/modules/load
dmesg -n 1
say "modules loaded: $(tr '\n' ' ' < /lib/modules/load)"

# The disks show up once virtio_blk has probed them.
target= cd=
for i in $(seq 100); do
    for b in /sys/block/vd*; do
        [ -e "$b" ] || continue
        d=${b##*/}
        if [ "$(cat "$b/ro")" = 1 ]; then
            [ -z "$cd" ] && mount -t iso9660 -o ro "/dev/$d" /cdrom 2>/dev/null &&
                [ -f /cdrom/install/system.tar.gz ] && cd=$d
            [ "$cd" = "$d" ] || umount /cdrom 2>/dev/null
        elif [ -z "$target" ] && ! ls "$b/$d"* >/dev/null 2>&1 &&
                ! /usr/sbin/sfdisk -d "/dev/$d" >/dev/null 2>&1; then
            target=$d
        fi
    done
    [ -n "$target" ] && [ -n "$cd" ] && break
    sleep 0.1
done
[ -n "$cd" ] || fail "no read-only disk holds this installer's CD"
say "installer CD on /dev/$cd"
[ -n "$target" ] || fail "no empty writable disk (one without a partition table)"
size=$(( $(cat "/sys/block/$target/size") / 2048 ))
say "installing to /dev/$target ($size MiB)"

say "partitioning /dev/$target: EFI system partition 64 MiB, ext4 root"
printf 'label: dos\nstart=2048, size=64MiB, type=ef, bootable\ntype=83\n' |
    /usr/sbin/sfdisk -q "/dev/$target" || fail "sfdisk failed"
for i in $(seq 50); do
    [ -b "/dev/${target}1" ] && [ -b "/dev/${target}2" ] && break
    sleep 0.1
done
[ -b "/dev/${target}2" ] || fail "the new partitions did not show up"

say "making the file systems"
# Without glibc's gconv modules mkfs.fat says it falls back to its own code page table.
/usr/sbin/mkfs.fat -n VIREO-ESP "/dev/${target}1" >/tmp/mkfs.log 2>&1 ||
    { cat /tmp/mkfs.log; fail "mkfs.fat failed"; }
/usr/sbin/mke2fs -q -F -t ext4 -L vireo-root "/dev/${target}2" || fail "mke2fs failed"

say "copying the system"
mkdir -p /target /target-esp
mount -t ext4 "/dev/${target}2" /target || fail "cannot mount the new root"
mount -t vfat "/dev/${target}1" /target-esp || fail "cannot mount the new ESP"
gzip -dc /cdrom/install/system.tar.gz | tar -x -C /target || fail "copying the system failed"
say "installing GRUB and the kernel on the EFI system partition"
mkdir -p /target-esp/EFI/BOOT
cp /cdrom/install/vmlinux /target-esp/vmlinux &&
    cp /cdrom/install/system-initramfs.gz /target-esp/initramfs.gz &&
    cp /cdrom/install/grub-disk.efi /target-esp/EFI/BOOT/BOOTRISCV64.EFI &&
    cp /cdrom/install/vireo-installed.cfg /target-esp/vireo-installed.cfg ||
    fail "copying to the EFI system partition failed"
sync
umount /target-esp /target /cdrom || fail "unmounting failed"
sync
say "done, rebooting"
reboot -f
INIT
    chmod 755 "$1"
}

guest_build() {
    local dest=$1 pkg kver bb p mods
    pkg=$(kernel_package)
    kver=${pkg#linux-image-}
    bb=$("$GUESTS_DIR/build-busybox.sh" --dir)
    trixie_unpack "$pkg" "$WORK/kernel"
    trixie_unpack grub-efi-riscv64-bin "$WORK/grub"
    trixie_unpack u-boot-qemu "$WORK/u-boot"
    cp "$WORK/u-boot/usr/lib/u-boot/qemu-riscv64_smode/u-boot.bin" "$dest/u-boot.bin"
    for p in "${TOOL_PACKAGES[@]}"; do trixie_unpack "$p" "$WORK/deb"; done
    mods="$WORK/kernel/usr/lib/modules/$kver"

    mkdir -p "$WORK/iso/EFI/BOOT" "$WORK/iso/install"
    cp "$WORK/kernel/boot/vmlinux-$kver" "$WORK/iso/install/vmlinux"

    log "the system to install"
    populate_rootfs "$WORK/system" "$bb" installed
    echo 'LABEL=vireo-root / ext4 rw 0 1' > "$WORK/system/etc/fstab"
    (cd "$WORK/system" && find . -mindepth 1 | LC_ALL=C sort |
        tar --numeric-owner --owner=0 --group=0 --no-recursion -c -T - ) |
        gzip -9 -n > "$WORK/iso/install/system.tar.gz"

    log "the installed system's initramfs"
    populate_rootfs "$WORK/sysinitrd" "$bb" installed
    write_system_initramfs_init "$WORK/sysinitrd/init"
    add_modules "$WORK/sysinitrd" "$mods" "${SYSTEM_MODULES[@]}"
    pack "$WORK/sysinitrd" "$WORK/iso/install/system-initramfs.gz"

    log "GRUB for the installed disk and the CD"
    grub_image "$WORK/iso/install/grub-disk.efi" /vireo-installed.cfg
    cat > "$WORK/iso/install/vireo-installed.cfg" <<'CFG'
set timeout=0
menuentry "Vireo test system (installed)" {
    echo "vireo-grub: loading the installed system"
    linux /vmlinux console=ttyS0 root=LABEL=vireo-root
    initrd /initramfs.gz
}
CFG
    grub_image "$WORK/iso/EFI/BOOT/BOOTRISCV64.EFI" /install/vireo-installer.cfg
    cat > "$WORK/iso/install/vireo-installer.cfg" <<'CFG'
set timeout=0
menuentry "Install the Vireo test system" {
    echo "vireo-grub: loading the installer"
    linux /install/vmlinux console=ttyS0
    initrd /install/installer.gz
}
CFG

    log "the installer's initramfs (modules: ${INSTALLER_MODULES[*]})"
    populate_rootfs "$WORK/installer" "$bb" installer
    mkdir -p "$WORK/installer/cdrom"
    write_installer_init "$WORK/installer/init"
    add_modules "$WORK/installer" "$mods" "${INSTALLER_MODULES[@]}"
    add_program "$WORK/installer" "$WORK/deb" /usr/sbin/sfdisk
    add_program "$WORK/installer" "$WORK/deb" /usr/sbin/mke2fs
    add_program "$WORK/installer" "$WORK/deb" /usr/sbin/mkfs.fat
    cp "$WORK/deb/etc/mke2fs.conf" "$WORK/installer/etc/mke2fs.conf"
    cp -L "$WORK/deb/usr/lib/ld-linux-riscv64-lp64d.so.1" "$WORK/installer/lib/"
    pack "$WORK/installer" "$WORK/iso/install/installer.gz"

    log "the EFI boot image and installer.iso"
    truncate -s 8M "$WORK/efi.img"
    mkfs.vfat -n VIREO-EFI "$WORK/efi.img" >/dev/null
    mmd -i "$WORK/efi.img" ::/EFI ::/EFI/BOOT
    mcopy -i "$WORK/efi.img" "$WORK/iso/EFI/BOOT/BOOTRISCV64.EFI" ::/EFI/BOOT/BOOTRISCV64.EFI
    mkdir -p "$WORK/iso/boot"
    cp "$WORK/efi.img" "$WORK/iso/boot/efi.img"
    xorriso -as mkisofs -quiet -r -J -V VIREO_INSTALLER -o "$dest/installer.iso" \
        -e boot/efi.img -no-emul-boot -append_partition 2 0xef "$WORK/efi.img" \
        -partition_cyl_align all "$WORK/iso" >&2

    log "not-installer.iso (data only)"
    mkdir -p "$WORK/data/docs"
    echo "A data CD for Vireo's tests: it boots nothing." > "$WORK/data/README.TXT"
    seq 1 1000 > "$WORK/data/docs/numbers.txt"
    head -c 65536 /dev/zero > "$WORK/data/docs/zeros.bin"
    xorriso -as mkisofs -quiet -r -J -V VIREO_DATA -o "$dest/not-installer.iso" \
        "$WORK/data" >&2
}

guest_main "$@"
