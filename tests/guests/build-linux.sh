#!/bin/bash
# build-linux.sh: a small RISC-V 64 Linux kernel Image for Vireo's boot tests.
#
# Source: Debian's linux-source-6.1 (/usr/src/linux-source-6.1.tar.xz), cross-built with
# gcc-riscv64-linux-gnu from `make ARCH=riscv allnoconfig` plus linux/vireo.config.
# Output: ~/.cache/vireo/linux-<key>/Image (uncompressed, boots with QEMU/Vireo -kernel or
# U-Boot booti), with config (the full .config), System.map and versions.txt beside it.
#
# Usage: build-linux.sh [--print-path | --no-build | --key | --dir]
# JOBS (default 2) sets make -j; VIREO_GUEST_CACHE moves the cache.

source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

GUEST_NAME=linux
GUEST_KEY_INPUTS=("$GUESTS_DIR/build-linux.sh" "$GUESTS_DIR/linux/vireo.config")
GUEST_MAIN=Image
GUEST_OUTPUTS=(Image)
PACKAGES=(linux-source-6.1 gcc-riscv64-linux-gnu make bc flex bison xz-utils libc6-dev
          libssl-dev libelf-dev)
KEY_PACKAGES=(linux-source-6.1 gcc-12-riscv64-linux-gnu binutils-riscv64-linux-gnu)

guest_packages() { need_packages "${PACKAGES[@]}"; }
guest_compute_key() { guest_key "$(package_versions "${KEY_PACKAGES[@]}")"; }

guest_build() {
    local dest=$1 fragment="$GUESTS_DIR/linux/vireo.config"
    local tarballs=(/usr/src/linux-source-6.1.tar.*) tarball
    tarball=${tarballs[0]}
    [ -e "$tarball" ] || die "no /usr/src/linux-source-6.1.tar.* (is linux-source-6.1 installed?)"

    log "extracting $tarball"
    # The whole tree: Kconfig reads files all over it (arch/*/crypto, Documentation).
    tar -C "$WORK" -xf "$tarball"
    local src="$WORK/linux-source-6.1"
    local mk=(make -C "$src" ARCH=riscv CROSS_COMPILE=riscv64-linux-gnu- -j"$JOBS"
              KBUILD_BUILD_USER=vireo KBUILD_BUILD_HOST=vireo
              KBUILD_BUILD_TIMESTAMP='1970-01-01')

    log "configuring: allnoconfig + linux/vireo.config"
    "${mk[@]}" -s KCONFIG_ALLCONFIG="$fragment" allnoconfig >&2
    check_config "$fragment" "$src/.config"

    log "compiling Image with make -j$JOBS (a few minutes)"
    "${mk[@]}" Image > "$WORK/build.log" 2>&1 || { tail -40 "$WORK/build.log" >&2; die "kernel build failed"; }

    cp "$src/arch/riscv/boot/Image" "$dest/Image"
    cp "$src/.config" "$dest/config"
    cp "$src/System.map" "$dest/System.map"
    package_versions "${KEY_PACKAGES[@]}" > "$dest/versions.txt"
}

guest_main "$@"
