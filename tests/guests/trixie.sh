# Debian 13 (trixie) riscv64 packages for the test-guest scripts (sourced after lib.sh): a
# private apt configuration in ~/.cache/vireo/debian-trixie-apt, so the machine's own apt
# sources are never touched. Scripts that source this list it in GUEST_KEY_INPUTS.

TRIXIE_APT_DIR="$VIREO_GUEST_CACHE/debian-trixie-apt"

trixie_apt_opts() {
    echo -o "Dir::Etc=$TRIXIE_APT_DIR/etc" -o "Dir::State=$TRIXIE_APT_DIR/state" \
        -o "Dir::Cache=$TRIXIE_APT_DIR/cache" -o "Dir::State::status=$TRIXIE_APT_DIR/state/status" \
        -o APT::Architecture=riscv64 -o APT::Architectures=riscv64 \
        -o APT::Sandbox::User=root
}

# The package lists of trixie/riscv64, refreshed when older than a day.
trixie_lists() {
    mkdir -p "$TRIXIE_APT_DIR/etc/sources.list.d" "$TRIXIE_APT_DIR/etc/preferences.d" \
        "$TRIXIE_APT_DIR/state/lists/partial" "$TRIXIE_APT_DIR/cache/archives/partial"
    touch "$TRIXIE_APT_DIR/state/status"
    echo "deb [arch=riscv64 signed-by=/usr/share/keyrings/debian-archive-keyring.gpg]" \
        "http://deb.debian.org/debian trixie main" > "$TRIXIE_APT_DIR/etc/sources.list"
    local stamp="$TRIXIE_APT_DIR/state/updated"
    if [ -z "$(find "$stamp" -mmin -1440 2>/dev/null)" ]; then
        log "updating the package lists of Debian 13 (trixie) riscv64"
        # shellcheck disable=SC2046
        apt-get $(trixie_apt_opts) -qq update >&2 ||
            die "could not reach Debian's trixie riscv64 packages"
        touch "$stamp"
    fi
}

# trixie_version PKG: the version trixie has of PKG (empty when unknown).
trixie_version() {
    # shellcheck disable=SC2046
    apt-cache $(trixie_apt_opts) show "$1" 2>/dev/null | awk '/^Version:/ { print $2; exit }'
}

# trixie_unpack PKG DIR: downloads PKG into $WORK and unpacks it into DIR.
trixie_unpack() {
    log "downloading $1"
    # shellcheck disable=SC2046
    (cd "$WORK" && apt-get $(trixie_apt_opts) -qq download "$1" >&2) ||
        die "could not download $1"
    dpkg -x "$WORK/$1"_*.deb "$2"
}
