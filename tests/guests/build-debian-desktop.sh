#!/bin/bash
# build-debian-desktop.sh: the Debian 13 (trixie) riscv64 system of build-debian-root.sh with a
# graphical desktop on top: weston (Wayland compositor, DRM backend, pixman renderer, so no
# GL in the guest), seatd (lets root start weston on /dev/dri/card0 from the serial login),
# weston-terminal with the DejaVu fonts, on a 3 GiB disk.
#
# The system is made the same way, by build-debian-root.sh's own definitions (read from that
# script, whose content is part of this key): mmdebstrap with more packages, then GRUB, the
# EFI system partition and `mke2fs -d`. On top of the base system:
#   /etc/xdg/weston/weston.ini  desktop-shell with fixed colours (background 0x204060, panel
#                               0x806040 at the top), no clock, no animations, no idle
#                               blanking, one launcher (weston-terminal) on the panel
#   /etc/modules-load.d/vireo-desktop.conf  virtio_gpu and virtio_input
#   the fontconfig cache, made at build time
# Start the desktop from the serial shell:
#   seatd -g video & LIBSEAT_BACKEND=seatd weston --renderer=pixman --log=/tmp/weston.log &
# (XDG_RUNTIME_DIR=/run/user/0 comes from the login session.)
# Output: ~/.cache/vireo/debian-desktop-<key>/debian-desktop.img (3 GiB, sparse) and
# versions.txt. Boot a copy: the system writes to it.
#
# Usage: build-debian-desktop.sh [--print-path | --no-build | --key | --dir]

source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
source "$GUESTS_DIR/trixie.sh"

# Everything build-debian-root.sh defines (packages, key, customize hook, guest_build), but
# neither its `source` lines nor its call of guest_main.
eval "$(sed -e '/^source /d' -e '/^guest_main "\$@"$/d' "$GUESTS_DIR/build-debian-root.sh")"

GUEST_NAME=debian-desktop
GUEST_KEY_INPUTS=("$GUESTS_DIR/build-debian-root.sh" "$GUESTS_DIR/trixie.sh"
                  "$GUESTS_DIR/build-debian-desktop.sh")
GUEST_MAIN=debian-desktop.img
GUEST_OUTPUTS=(debian-desktop.img versions.txt)
INCLUDE+=(weston seatd libseat1 fonts-dejavu-core fontconfig xkb-data procps)
KEY_PACKAGES+=(weston seatd libseat1 fonts-dejavu-core mesa-libgallium)
HOSTNAME_=vireo-desktop
DISK_MIB=3072

eval "root_customize() $(declare -f customize | tail -n +2)"
eval "root_guest_build() $(declare -f guest_build | tail -n +2)"

customize() {
    root_customize
    cat <<'EOF'
mkdir -p "$1/etc/xdg/weston"
cat > "$1/etc/xdg/weston/weston.ini" <<'INI'
[core]
shell=desktop
idle-time=0
require-input=false

[shell]
background-color=0xff204060
panel-color=0xff806040
panel-position=top
clock-format=none
locking=false
animation=none
close-animation=none
startup-animation=none
focus-animation=none

[launcher]
icon=/usr/share/weston/icon_terminal.png
path=/usr/bin/weston-terminal

[terminal]
font=DejaVu Sans Mono
font-size=14
INI
printf 'virtio_gpu\nvirtio_input\n' > "$1/etc/modules-load.d/vireo-desktop.conf"
chroot "$1" fc-cache -s -f
EOF
}

guest_build() {
    root_guest_build "$1"
    mv "$1/debian-root.img" "$1/debian-desktop.img"
}

guest_main "$@"
