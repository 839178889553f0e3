#!/bin/bash
# build-debian-kernel.sh: Debian 13's own riscv64 kernel (linux-image-riscv64, the stock
# distribution kernel) with an initramfs that loads its modules for Vireo's devices.
#
# Downloads the kernel package through a private apt configuration for `trixie main`
# (arch riscv64) kept in ~/.cache/vireo/debian-trixie-apt (the machine's own apt sources are
# never touched), unpacks it with dpkg -x, and packs the busybox test root (rootfs/init)
# together with the modules the stock kernel needs for Vireo's devices (virtio-mmio,
# virtio-blk, virtio-rng, virtio-input with evdev, ext4) into an initramfs whose /init loads
# them (in dependency order, read from each module's .modinfo) and then runs the usual init.
# Outputs: ~/.cache/vireo/debian-kernel-<key>/{vmlinux,initramfs.cpio.gz,version}; the key
# includes the package's version, so a Debian kernel update gives a fresh build.
#
# Usage: build-debian-kernel.sh [--print-path | --no-build | --key | --dir]

source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
source "$GUESTS_DIR/rootfs/rootfs.sh"
source "$GUESTS_DIR/trixie.sh"

GUEST_NAME=debian-kernel
GUEST_KEY_INPUTS=("$GUESTS_DIR/build-debian-kernel.sh" "$GUESTS_DIR/trixie.sh"
                  "$GUESTS_DIR/rootfs/init" "$GUESTS_DIR/rootfs/rootfs.sh")
GUEST_MAIN=vmlinux
GUEST_OUTPUTS=(vmlinux initramfs.cpio.gz version)
PACKAGES=(cpio gzip xz-utils apt debian-archive-keyring)
# The modules for Vireo's devices (their dependencies are added).
MODULES=(virtio_mmio virtio_blk virtio-rng virtio_input evdev virtio_net crc32c_generic ext4)

# The versioned kernel package linux-image-riscv64 depends on, and its version.
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
    local pkg version
    pkg=$(kernel_package)
    [ -n "$pkg" ] || die "trixie riscv64 has no linux-image-riscv64 (run without --no-build once)"
    version=$(trixie_version "$pkg")
    guest_key "$pkg=$version" "busybox=$("$GUESTS_DIR/build-busybox.sh" --key)"
}

# module_path DIR NAME: the .ko.xz of module NAME (- and _ alike) under DIR.
module_path() {
    local alt=${2//_/-} alt2=${2//-/_}
    find "$1" \( -name "$2.ko.xz" -o -name "$alt.ko.xz" -o -name "$alt2.ko.xz" \) -print -quit
}

# add_module DIR NAME: NAME's dependencies, then NAME, appended to LOAD_ORDER once each.
add_module() {
    local dir=$1 name=${2//-/_} path dep
    case " ${LOAD_ORDER[*]} " in *" $name "*) return 0 ;; esac
    path=$(module_path "$dir" "$2")
    [ -n "$path" ] || die "the kernel package has no module $2"
    for dep in $(xz -dc "$path" | tr '\0' '\n' | sed -n 's/^depends=//p' | tr ',' ' '); do
        add_module "$dir" "$dep"
    done
    LOAD_ORDER+=("$name")
    MODULE_FILES[$name]=$path
}

guest_build() {
    local dest=$1 pkg bb kver m
    pkg=$(kernel_package)
    trixie_unpack "$pkg" "$WORK/pkg"
    kver=${pkg#linux-image-}
    cp "$WORK/pkg/boot/vmlinux-$kver" "$dest/vmlinux"
    echo "$pkg $(dpkg-deb -f "$WORK"/"$pkg"_*.deb Version)" > "$dest/version"

    bb=$("$GUESTS_DIR/build-busybox.sh" --dir)
    populate_rootfs "$WORK/root" "$bb" initramfs
    mv "$WORK/root/init" "$WORK/root/init.vireo"
    mkdir -p "$WORK/root/lib/modules"
    LOAD_ORDER=()
    declare -gA MODULE_FILES=()
    for m in "${MODULES[@]}"; do
        add_module "$WORK/pkg/usr/lib/modules/$kver/kernel" "$m"
    done
    for m in "${LOAD_ORDER[@]}"; do
        xz -dc "${MODULE_FILES[$m]}" > "$WORK/root/lib/modules/$m.ko"
    done
    {
        echo '#!/bin/sh'
        echo "# Loads the stock kernel's modules for Vireo's devices, then runs the test init"
        echo "# on /dev/console opened again: with console=hvc0 the console exists only once"
        echo "# virtio-mmio's module is loaded."
        echo 'mkdir -p /dev && mount -t devtmpfs devtmpfs /dev'
        for m in "${LOAD_ORDER[@]}"; do
            echo "insmod /lib/modules/$m.ko || echo \"vireo-modules: $m did not load\""
        done
        echo 'exec /init.vireo "$@" </dev/console >/dev/console 2>&1'
    } > "$WORK/root/init"
    chmod 755 "$WORK/root/init"
    log "packing initramfs.cpio.gz (modules: ${LOAD_ORDER[*]})"
    (cd "$WORK/root" && find . -mindepth 1 | LC_ALL=C sort |
        cpio --quiet -o -H newc --owner=0:0 --reproducible) |
        gzip -9 -n > "$dest/initramfs.cpio.gz"
}

guest_main "$@"
