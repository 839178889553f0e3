# The busybox root file system shared by build-initramfs.sh and build-disk.sh (sourced
# after lib.sh; part of both scripts' cache keys).

# populate_rootfs DIR BUSYBOX_DIR FLAVOUR: busybox with one relative symlink per applet,
# rootfs/init as /init and /sbin/init, and a few files in /etc. FLAVOUR (initramfs or
# disk) names the guest in init's "vireo-FLAVOUR: ready" line.
populate_rootfs() {
    local root=$1 bb=$2 flavour=$3 link dir target
    mkdir -p "$root"/{bin,sbin,usr/bin,usr/sbin,etc,proc,sys,dev,tmp,root,mnt,run}
    chmod 1777 "$root/tmp"
    chmod 700 "$root/root"
    install -m 755 "$bb/busybox" "$root/bin/busybox"
    while IFS= read -r link; do
        case "$link" in /bin/busybox|/linuxrc|/init|/sbin/init|'') continue ;; esac
        dir=${link%/*}
        case "$dir" in
            /bin) target=busybox ;;
            /sbin) target=../bin/busybox ;;
            /usr/bin|/usr/sbin) target=../../bin/busybox ;;
            *) die "unexpected applet directory in busybox.links: $link" ;;
        esac
        ln -sfn "$target" "$root$link"
    done < "$bb/busybox.links"
    install -m 755 "$GUESTS_DIR/rootfs/init" "$root/init"
    ln -sfn ../init "$root/sbin/init"
    echo "$flavour" > "$root/etc/vireo-guest"
    echo vireo > "$root/etc/hostname"
    echo 'root::0:0:root:/root:/bin/sh' > "$root/etc/passwd"
    echo 'root:x:0:' > "$root/etc/group"
    cat > "$root/etc/profile" <<'PROFILE'
export PATH=/sbin:/bin:/usr/sbin:/usr/bin HOME=/root
export PS1='vireo:\w# '
PROFILE
}
