#!/bin/bash
# check-on-qemu.sh: boot the test guests in QEMU 7.2 (Debian's qemu-system-riscv64) and
# check what Vireo's boot tests will check, as a reference for them.
#
#   1. Linux Image + busybox initramfs, 4 harts, virtio-rng, virtio console: the shell
#      answers nproc (4), reads 16 bytes from /dev/hwrng, has /dev/hvc0, shows the
#      host's date (goldfish RTC), and `poweroff -f` ends QEMU.
#   2. The same guest with vireo.run="..." on the command line: runs and powers off alone.
#   3. U-Boot (Debian's u-boot-qemu) boots Linux from disk.img (extlinux.conf on
#      virtio-blk); a file written in the guest and `sync; poweroff -f` is in the image
#      afterwards (read back with debugfs, no root needed), e2fsck finds it clean and
#      sector 0 (the MBR) is unchanged.
#   4. The same disk with a /vireo-run script put in with debugfs: runs once, powers off.
#   5. installer.iso (build-installer-iso.sh) read-only behind an empty 512 MiB disk, with
#      Debian 13's U-Boot: the installer installs to the disk and reboots, the installed
#      system boots from the disk and answers `uname -m`; the ISO is unchanged. Also notes
#      that Debian 12's U-Boot stops at its prompt with the same two disks (it tries only
#      virtio0). Skipped when the ISO cannot be built (Debian 13's packages not reachable).
#
# Prints the QEMU time from start to init's first line and to power-off for each boot.
# Builds the guests first if they are not cached. Exit status 0 when every check passed.
# Usage: check-on-qemu.sh [TIMEOUT_SECONDS_PER_BOOT (default 120)]


# Guest commands are sent verbatim: $(...) in single quotes is for the guest shell.
# shellcheck disable=SC2016
set -euo pipefail
GUESTS_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
TIMEOUT=${1:-120}
QEMU=qemu-system-riscv64
OPENSBI=/usr/lib/riscv64-linux-gnu/opensbi/generic/fw_dynamic.bin  # package opensbi
UBOOT=/usr/lib/u-boot/qemu-riscv64_smode/u-boot.bin                 # package u-boot-qemu

source "$GUESTS_DIR/lib.sh"
GUEST_NAME=check-on-qemu
need_packages qemu-system-misc opensbi u-boot-qemu e2fsprogs

IMAGE=$("$GUESTS_DIR/build-linux.sh" --print-path)
INITRAMFS=$("$GUESTS_DIR/build-initramfs.sh" --print-path)
DISK=$("$GUESTS_DIR/build-disk.sh" --print-path)

T=$(mktemp -d "${TMPDIR:-/tmp}/vireo-check.XXXXXX")
QPID=
cleanup() {
    [ -n "$QPID" ] && kill "$QPID" 2>/dev/null
    exec 3>&- 2>/dev/null || true
    rm -rf "$T"
}
trap cleanup EXIT

failures=0
pass() { printf 'PASS %s\n' "$*"; }
fail() { printf 'FAIL %s\n' "$*"; failures=$((failures + 1)); }
now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'; }

# start NAME QEMU-ARGS...: QEMU reads the FIFO $T/NAME.in (fd 3) and writes $T/NAME.log.
start() {
    local name=$1; shift
    LOG="$T/$name.log"
    rm -f "$T/$name.in"
    mkfifo "$T/$name.in"
    : > "$LOG"
    T0=$(now)
    "$QEMU" -M virt -m 512M -nographic -bios "$OPENSBI" "$@" < "$T/$name.in" > "$LOG" 2>&1 &
    QPID=$!
    exec 3> "$T/$name.in"
}

# wait_for REGEX: until the console log has a line matching REGEX (extended, \r removed).
# Sets T_MATCH to the time it was seen. Returns 1 on timeout or if QEMU exited first.
wait_for() {
    local deadline=$((SECONDS + TIMEOUT))
    while [ $SECONDS -lt $deadline ]; do
        if tr -d '\r' < "$LOG" | grep -qE -- "$1"; then T_MATCH=$(now); return 0; fi
        kill -0 "$QPID" 2>/dev/null || { tr -d '\r' < "$LOG" | grep -qE -- "$1" && { T_MATCH=$(now); return 0; }; return 1; }
        sleep 0.05
    done
    return 1
}

# wait_exit: until QEMU exits by itself (the guest powered off). Sets T_EXIT.
wait_exit() {
    local deadline=$((SECONDS + TIMEOUT))
    while kill -0 "$QPID" 2>/dev/null; do
        if [ $SECONDS -ge $deadline ]; then kill "$QPID"; wait "$QPID" || true; QPID=; return 1; fi
        sleep 0.05
    done
    T_EXIT=$(now)
    wait "$QPID" || true
    QPID=
    exec 3>&-
}

send() { printf '%s\n' "$*" >&3; }
show_log() { echo "---- console log ($1) ----"; tr -d '\r' < "$LOG" | tail -40; echo "----"; }

report_times() {
    printf 'TIME %-34s init line %6ss, powered off %6ss\n' "$1" \
        "$(elapsed "$T0" "$T_INIT")" "$(elapsed "$T0" "$T_EXIT")"
}

# 1. Interactive initramfs shell.
check_initramfs_shell() {
    start initramfs -smp 4 -kernel "$IMAGE" -initrd "$INITRAMFS" \
        -append "console=ttyS0 earlycon=sbi" -device virtio-rng-device \
        -device virtio-serial-device -chardev null,id=vc0 -device virtconsole,chardev=vc0
    if ! wait_for '^vireo-initramfs: ready'; then
        fail "initramfs: no 'vireo-initramfs: ready' line"; show_log initramfs; return
    fi
    T_INIT=$T_MATCH
    pass "initramfs: init printed its ready line"
    wait_for 'shell on the console' || true
    sleep 0.5
    send 'echo "nproc=$(nproc)"'
    if wait_for '^nproc=4$'; then pass "initramfs: nproc prints 4"; else fail "initramfs: nproc"; fi
    send 'echo "hwrng=$(cat /dev/hwrng | head -c 16 | od -An -tx1 | tr -d " \n")"'
    if wait_for '^hwrng=[0-9a-f]{32}$'; then
        pass "initramfs: 16 bytes from /dev/hwrng ($(tr -d '\r' < "$LOG" | grep -E '^hwrng=' | head -1))"
    else
        fail "initramfs: /dev/hwrng"
    fi
    send '[ -c /dev/hvc0 ] && echo "hvc0=present"'
    if wait_for '^hvc0=present$'; then pass "initramfs: virtio console /dev/hvc0"; else fail "initramfs: no /dev/hvc0"; fi
    send 'echo "guest-epoch=$(date +%s) $(date)"'
    if wait_for '^guest-epoch=[0-9]+ '; then
        local line g h
        line=$(tr -d '\r' < "$LOG" | grep -E '^guest-epoch=' | head -1)
        g=${line#guest-epoch=}; g=${g%% *}
        h=$(date +%s)
        if [ $((h - g)) -lt 60 ] && [ $((g - h)) -lt 60 ]; then
            pass "initramfs: date shows the host's date (${line#* })"
        else
            fail "initramfs: guest date $g vs host $h"
        fi
    else
        fail "initramfs: date"
    fi
    send 'poweroff -f'
    if wait_exit; then pass "initramfs: poweroff -f ended QEMU"; else fail "initramfs: QEMU still running after poweroff -f"; show_log initramfs; return; fi
    report_times "initramfs, -smp 4 (shell)"
}

# 2. Non-interactive run from the kernel command line.
check_initramfs_run() {
    start run -smp 1 -kernel "$IMAGE" -initrd "$INITRAMFS" \
        -append 'console=ttyS0 earlycon=sbi vireo.run="echo run-arch=$(uname -m); ls /proc/self >/dev/null"'
    if wait_for '^vireo-initramfs: ready'; then T_INIT=$T_MATCH; else fail "vireo.run: no ready line"; show_log run; return; fi
    if wait_exit && tr -d '\r' < "$LOG" | grep -qx 'run-arch=riscv64' &&
            tr -d '\r' < "$LOG" | grep -qx 'vireo-run: exit status 0'; then
        pass "initramfs: vireo.run ran the commands and powered off"
        report_times "initramfs, -smp 1 (vireo.run)"
    else
        fail "initramfs: vireo.run"; show_log run
    fi
}

# 3. U-Boot distro boot from the ext4 disk, write a file, power off, read it back.
check_disk_uboot() {
    local disk="$T/disk.img" token="vireo-$$-$RANDOM"
    cp --sparse=always "$DISK" "$disk"
    start disk -smp 2 -kernel "$UBOOT" \
        -drive "file=$disk,format=raw,if=none,id=d0" -device virtio-blk-device,drive=d0
    if ! wait_for '^vireo-disk: ready'; then
        fail "disk: U-Boot did not boot Linux from the disk to init"; show_log disk; return
    fi
    T_INIT=$T_MATCH
    if tr -d '\r' < "$LOG" | grep -q 'extlinux.conf'; then
        pass "disk: U-Boot found /boot/extlinux/extlinux.conf and booted Linux to init"
    else
        fail "disk: no sign of extlinux.conf in U-Boot's output"
    fi
    wait_for 'shell on the console' || true
    sleep 0.5
    send "echo $token > /root/written-in-guest.txt; mount | grep ' / '; sync; poweroff -f"
    if ! wait_exit; then fail "disk: QEMU still running after poweroff -f"; show_log disk; return; fi
    if [ "$(debugfs -R 'cat /root/written-in-guest.txt' "$disk" 2>/dev/null)" = "$token" ]; then
        pass "disk: the file written in the guest is in the image (debugfs)"
    else
        fail "disk: /root/written-in-guest.txt not in the image"; show_log disk
    fi
    if cmp -s -n 512 "$DISK" "$disk"; then
        pass "disk: sector 0 (the MBR U-Boot needs) is intact after the guest's writes"
    else
        fail "disk: the guest's writes changed sector 0"
    fi
    if e2fsck -fn "$disk" > "$T/fsck.log" 2>&1; then
        pass "disk: e2fsck -fn is clean after the guest's writes"
    else
        fail "disk: e2fsck"; cat "$T/fsck.log"
    fi
    report_times "disk via U-Boot, -smp 2 (shell)"
}

# 4. A /vireo-run script put into the image from the host runs once at boot.
check_disk_run_file() {
    local disk="$T/disk-run.img"
    cp --sparse=always "$DISK" "$disk"
    printf 'echo "run-file: $(cat /proc/cmdline)"\n' > "$T/vireo-run"
    debugfs -w -R "write $T/vireo-run /vireo-run" "$disk" > /dev/null 2>&1
    start disk-run -smp 1 -kernel "$UBOOT" \
        -drive "file=$disk,format=raw,if=none,id=d0" -device virtio-blk-device,drive=d0
    if wait_for '^vireo-disk: ready'; then T_INIT=$T_MATCH; else fail "disk /vireo-run: no ready line"; show_log disk-run; return; fi
    if wait_exit && tr -d '\r' < "$LOG" | grep -q '^run-file: .*root=/dev/vda' &&
            debugfs -R 'stat /vireo-run.done' "$disk" 2>/dev/null | grep -q Inode; then
        pass "disk: /vireo-run ran once (renamed /vireo-run.done) and powered off"
        report_times "disk via U-Boot, -smp 1 (/vireo-run)"
    else
        fail "disk: /vireo-run"; show_log disk-run
    fi
}

# 5. The installer CD behind an empty disk: install, reboot, boot the installed system.
check_installer_iso() {
    local iso uboot13 disk="$T/install-disk.img" sum
    if ! iso=$("$GUESTS_DIR/build-installer-iso.sh" --print-path); then
        echo "SKIP installer: build-installer-iso.sh could not build the ISO"; return
    fi
    uboot13=${iso%/*}/u-boot.bin
    sum=$(sha256sum < "$iso")
    truncate -s 512M "$disk"
    start install -smp 2 -kernel "$UBOOT" -drive "file=$disk,format=raw,if=virtio" \
        -drive "file=$iso,format=raw,if=virtio,readonly=on"
    if wait_for "Couldn't find partition virtio 0:1" && wait_for '^=> ' &&
            ! tr -d '\r' < "$LOG" | grep -q 'vireo-grub'; then
        echo "NOTE installer: Debian 12's U-Boot tries only virtio0 and stops at its prompt"
    fi
    kill "$QPID"; wait "$QPID" 2>/dev/null || true; QPID=; exec 3>&-
    start install -smp 2 -kernel "$uboot13" -drive "file=$disk,format=raw,if=virtio" \
        -drive "file=$iso,format=raw,if=virtio,readonly=on"
    if ! wait_for '^vireo-installer: done, rebooting'; then
        fail "installer: no 'vireo-installer: done, rebooting'"; show_log install; return
    fi
    pass "installer: booted from the CD, installed to the empty disk"
    if ! wait_for '^vireo-installed: ready'; then
        fail "installer: the installed system did not boot"; show_log install; return
    fi
    T_INIT=$T_MATCH
    pass "installer: U-Boot booted the installed system from the disk after the reboot"
    wait_for 'shell on the console' || true
    sleep 0.5
    send 'echo "installed-arch=$(uname -m)"'
    if wait_for '^installed-arch=riscv64$'; then pass "installer: the installed system answers uname -m"; else fail "installer: uname -m"; fi
    send 'poweroff -f'
    if wait_exit; then report_times "installer CD, install, reboot (-smp 2)"; else fail "installer: poweroff -f"; fi
    if [ "$(sha256sum < "$iso")" = "$sum" ]; then pass "installer: the ISO is unchanged"; else fail "installer: the ISO changed"; fi
}

echo "kernel:    $IMAGE"
echo "initramfs: $INITRAMFS"
echo "disk:      $DISK"
echo "firmware:  $OPENSBI"
echo "u-boot:    $UBOOT"
echo "qemu:      $($QEMU --version | head -1)"
check_initramfs_shell
check_initramfs_run
check_disk_uboot
check_disk_run_file
check_installer_iso
if [ $failures -eq 0 ]; then echo "all QEMU checks passed"; else echo "$failures QEMU check(s) failed"; fi
[ $failures -eq 0 ]
