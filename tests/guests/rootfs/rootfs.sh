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
    printf '127.0.0.1 localhost\n::1 localhost\n' > "$root/etc/hosts"
    # What `udhcpc -i eth0` runs with its lease: the address, the default route, the DNS
    # server (busybox has no script of its own).
    mkdir -p "$root/usr/share/udhcpc"
    cat > "$root/usr/share/udhcpc/default.script" <<'DHCP'
#!/bin/sh
case "$1" in
    deconfig) ifconfig "$interface" 0.0.0.0 up ;;
    bound|renew)
        ifconfig "$interface" "$ip" netmask "${subnet:-255.255.255.0}" up
        if [ -n "$router" ]; then
            while route del default gw 0.0.0.0 dev "$interface" 2>/dev/null; do :; done
            for r in $router; do route add default gw "$r" dev "$interface"; done
        fi
        : > /etc/resolv.conf
        for d in $dns; do echo "nameserver $d" >> /etc/resolv.conf; done
        echo "udhcpc: $interface has $ip" ;;
esac
exit 0
DHCP
    chmod 755 "$root/usr/share/udhcpc/default.script"
}
