#!/bin/sh
# Installs the Debian 12 packages Vireo needs to build, run and test (as root, or via sudo).
# Does nothing when they are all present already.
set -eu

# Test guests (tests/guests/) install what their own builds need (linux-source-6.1, the
# riscv64-linux-gnu cross compiler, flex, bison, bc, cpio, ...) when they are first built.
packages="
    meson ninja-build gcc libc6-dev pkg-config python3 clang-format git
    libglib2.0-dev libfdt-dev zlib1g-dev libslirp-dev libpulse-dev
    pulseaudio pulseaudio-utils
    gcc-riscv64-unknown-elf qemu-system-misc qemu-utils
    libunicorn-dev
    clang-14 libclang-rt-14-dev
    libgtk-4-dev libadwaita-1-dev libvte-2.91-gtk4-dev libosinfo-1.0-dev osinfo-db
    libglib2.0-bin gettext appstream desktop-file-utils appstream-util
    libvulkan-dev mesa-vulkan-drivers glslc libepoxy-dev libsdl2-dev libx11-dev libxi-dev qemu-system-gui vulkan-validationlayers
    adwaita-icon-theme fonts-dejavu-core opensbi u-boot-qemu e2fsprogs
    xvfb xauth dbus xdotool xorriso
    mmdebstrap arch-test qemu-user-static binfmt-support dosfstools mtools
"

missing=""
for p in $packages; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
        missing="$missing $p"
    fi
done
[ -z "$missing" ] && exit 0

echo "install-deps: installing:$missing"
if [ "$(id -u)" -ne 0 ]; then
    sudo=sudo
else
    sudo=
fi
export DEBIAN_FRONTEND=noninteractive
# Another apt run (e.g. a test guest's build installing its packages) may hold the lock.
lock_wait="-o DPkg::Lock::Timeout=600"
# shellcheck disable=SC2086
$sudo apt-get $lock_wait update -q
# shellcheck disable=SC2086
$sudo apt-get $lock_wait install -y -q --no-install-recommends $missing
