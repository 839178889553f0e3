#!/bin/bash
# build-busybox.sh: a static busybox for riscv64, the userland of Vireo's test guests.
#
# Source: Debian's busybox source package (`apt-get source busybox`, Debian's patches
# applied; a deb-src entry for bookworm main is added to apt's sources if there is none),
# configured with `make defconfig` plus busybox/vireo.config (static, no TC) and
# cross-built with gcc-riscv64-linux-gnu against Debian's riscv64 cross glibc.
# Output: ~/.cache/vireo/busybox-<key>/busybox, busybox.links (one applet path a line),
# config and versions.txt. build-initramfs.sh and build-disk.sh make root file systems
# from it.
#
# Usage: build-busybox.sh [--print-path | --no-build | --key | --dir]

source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

GUEST_NAME=busybox
GUEST_KEY_INPUTS=("$GUESTS_DIR/build-busybox.sh" "$GUESTS_DIR/busybox/vireo.config")
GUEST_MAIN=busybox
GUEST_OUTPUTS=(busybox)
PACKAGES=(gcc-riscv64-linux-gnu libc6-dev-riscv64-cross make gcc libc6-dev dpkg-dev)
KEY_PACKAGES=(gcc-12-riscv64-linux-gnu libc6-dev-riscv64-cross)

guest_packages() { need_packages "${PACKAGES[@]}"; }
guest_compute_key() { guest_key "$(package_versions "${KEY_PACKAGES[@]}")"; }

guest_build() {
    local dest=$1 fragment="$GUESTS_DIR/busybox/vireo.config" line sym
    need_deb_src
    log "downloading Debian's busybox source"
    mkdir "$WORK/dl"
    if ! (cd "$WORK/dl" && apt-get source busybox > "$WORK/dl.log" 2>&1); then
        # The deb-src index may be missing or stale: refresh it once.
        log "apt-get source failed; running apt-get update and trying again"
        local sudo=
        [ "$(id -u)" -eq 0 ] || sudo=sudo
        $sudo apt-get update -qq >&2
        (cd "$WORK/dl" && apt-get source busybox > "$WORK/dl.log" 2>&1) ||
            { tail -20 "$WORK/dl.log" >&2; die "apt-get source busybox failed"; }
    fi
    local src
    src=$(find "$WORK/dl" -mindepth 1 -maxdepth 1 -type d -name 'busybox-*' | head -1)
    [ -n "$src" ] || die "apt-get source busybox left no source directory"

    local mk=(make -C "$src" -j"$JOBS" CROSS_COMPILE=riscv64-linux-gnu-
              KCONFIG_NOTIMESTAMP=1 SOURCE_DATE_EPOCH=0)
    log "configuring: defconfig + busybox/vireo.config"
    "${mk[@]}" defconfig > "$WORK/config.log" 2>&1 || { tail -20 "$WORK/config.log" >&2; die "make defconfig failed"; }
    while IFS= read -r line; do
        case "$line" in
            CONFIG_*) sym=${line%%=*} ;;
            '# CONFIG_'*) sym=${line#\# }; sym=${sym%% *} ;;
            *) continue ;;
        esac
        sed -i -e "/^$sym=/d" -e "/^# $sym is not set\$/d" "$src/.config"
        echo "$line" >> "$src/.config"
    done < "$fragment"
    # `yes` dies of SIGPIPE when oldconfig is done; that is not a failure.
    (yes '' || true) | "${mk[@]}" oldconfig >> "$WORK/config.log" 2>&1 ||
        { tail -20 "$WORK/config.log" >&2; die "make oldconfig failed"; }
    check_config "$fragment" "$src/.config"

    log "compiling busybox with make -j$JOBS"
    "${mk[@]}" busybox busybox.links > "$WORK/build.log" 2>&1 ||
        { tail -40 "$WORK/build.log" >&2; die "busybox build failed"; }
    riscv64-linux-gnu-readelf -h "$src/busybox" | grep -q 'RISC-V' || die "busybox is not a RISC-V binary"
    if riscv64-linux-gnu-readelf -l "$src/busybox" | grep -q INTERP; then
        die "busybox is not static"
    fi

    install -m 755 "$src/busybox" "$dest/busybox"
    cp "$src/busybox.links" "$dest/busybox.links"
    cp "$src/.config" "$dest/config"
    {
        package_versions "${KEY_PACKAGES[@]}"
        echo "busybox-source=$(basename "$(ls "$WORK"/dl/*.dsc)" .dsc)"
    } > "$dest/versions.txt"
}

guest_main "$@"
