#!/bin/sh
# Installs the Debian 12 packages Vireo needs to build, run and test (as root, or via sudo).
# Does nothing when they are all present already.
set -eu

packages="
    meson ninja-build gcc pkg-config python3 clang-format
    libglib2.0-dev
    gcc-riscv64-unknown-elf qemu-system-misc
    libunicorn-dev
    libgtk-4-dev libadwaita-1-dev libvte-2.91-gtk4-dev libosinfo-1.0-dev osinfo-db
    libglib2.0-bin gettext appstream desktop-file-utils appstream-util
    adwaita-icon-theme fonts-dejavu-core u-boot-qemu
    xvfb xauth dbus xdotool
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
$sudo apt-get update -q
# shellcheck disable=SC2086
$sudo apt-get install -y -q --no-install-recommends $missing
