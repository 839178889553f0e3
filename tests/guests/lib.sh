# Shared helpers for the test-guest build scripts in tests/guests/ (sourced, not run).
#
# A script sets GUEST_NAME and GUEST_KEY_INPUTS (files whose content makes up the cache
# key, this file included automatically), then calls guest_main "$@". The result lives in
# $VIREO_GUEST_CACHE/<name>-<key>/, built in a temporary directory and renamed into place
# at the end, so a directory with that name is always complete.

set -euo pipefail

GUESTS_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
VIREO_GUEST_CACHE=${VIREO_GUEST_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/vireo}
JOBS=${JOBS:-2}

log() { printf '%s: %s\n' "${GUEST_NAME:-guests}" "$*" >&2; }
die() { log "error: $*"; exit 1; }

# need_packages PKG...: install the Debian packages that are missing (apt-get, as root).
# A fully installed set costs one dpkg-query and never calls apt-get.
need_packages() {
    local missing=() p
    for p in "$@"; do
        if [ "$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null)" != installed ]; then
            missing+=("$p")
        fi
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    log "installing ${missing[*]}"
    local sudo=
    [ "$(id -u)" -eq 0 ] || sudo=sudo
    $sudo apt-get update -qq >&2 || true
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends \
        "${missing[@]}" >&2
}

# package_versions PKG...: "name=version" lines, part of the cache key so that a
# Debian update of a source or compiler package gives a fresh build.
package_versions() {
    local p
    for p in "$@"; do
        printf '%s=%s\n' "$p" "$(dpkg-query -W -f='${Version}' "$p" 2>/dev/null || echo none)"
    done
}

# guest_key [EXTRA...]: 16 hex digits of sha256 over lib.sh, the GUEST_KEY_INPUTS files
# and any extra strings (package versions, keys of the guests this one is built from).
guest_key() {
    {
        local f
        for f in "$GUESTS_DIR/lib.sh" "${GUEST_KEY_INPUTS[@]}"; do
            printf '== %s\n' "${f#"$GUESTS_DIR"/}"
            cat "$f"
        done
        printf '== extra\n'
        printf '%s\n' "$@"
    } | sha256sum | cut -c1-16
}

# guest_main ARGS: the command line every build script shares.
#   (none)        build if needed, print the output path(s)
#   --print-path  the same, printing only the main output file (for meson and tests)
#   --no-build    print the main output file if it is cached, else exit 2
#   --key         print the cache key
#   --dir         build if needed, print the output directory
# The script defines guest_compute_key (prints the key), guest_build DIR (fills DIR),
# GUEST_MAIN (main output file name) and GUEST_OUTPUTS (all file names worth printing).
guest_main() {
    local mode=build
    case "${1:-}" in
        '') ;;
        --print-path) mode=path ;;
        --no-build) mode=nobuild ;;
        --key) mode=key ;;
        --dir) mode=dir ;;
        -h|--help)
            sed -n '2,/^$/s/^# \{0,1\}//p' "$0"
            exit 0 ;;
        *) die "unknown option '$1' (expected --print-path, --no-build, --key or --dir)" ;;
    esac

    if [ "$mode" != nobuild ] && [ "$mode" != key ]; then
        guest_packages
    fi
    local key
    key=$(guest_compute_key)
    local out="$VIREO_GUEST_CACHE/$GUEST_NAME-$key"
    case "$mode" in
        key) echo "$key"; return 0 ;;
        nobuild)
            [ -e "$out/$GUEST_MAIN" ] || exit 2
            echo "$out/$GUEST_MAIN"; return 0 ;;
    esac

    if [ ! -d "$out" ]; then
        mkdir -p "$VIREO_GUEST_CACHE"
        # One build per guest at a time: parallel tests all wait for the first builder.
        exec 9>"$VIREO_GUEST_CACHE/.$GUEST_NAME.lock"
        flock 9
        if [ ! -d "$out" ]; then
            local start=$SECONDS
            # Globals, not locals: the EXIT trap runs outside this function.
            GUEST_TMP=$(mktemp -d "$VIREO_GUEST_CACHE/.$GUEST_NAME-$key.XXXXXX")
            WORK=$(mktemp -d "${TMPDIR:-/tmp}/vireo-$GUEST_NAME.XXXXXX")
            trap 'rm -rf "$WORK" "$GUEST_TMP"' EXIT
            log "building into $out (work dir $WORK)"
            guest_build "$GUEST_TMP"
            chmod 755 "$GUEST_TMP"
            mv -T "$GUEST_TMP" "$out"
            rm -rf "$WORK"
            trap - EXIT
            log "built in $((SECONDS - start)) s"
        fi
        exec 9>&-
    fi

    case "$mode" in
        path) echo "$out/$GUEST_MAIN" ;;
        dir) echo "$out" ;;
        build)
            local f
            for f in "${GUEST_OUTPUTS[@]}"; do echo "$out/$f"; done ;;
    esac
}

# need_deb_src: make sure apt knows Debian's source packages (a deb-src entry for
# bookworm main), so that `apt-get source` works.
need_deb_src() {
    if ! grep -rqsE '^(deb-src[[:space:]]|Types:.*deb-src)' \
            /etc/apt/sources.list /etc/apt/sources.list.d/; then
        log "adding a deb-src entry for bookworm main (/etc/apt/sources.list.d/vireo-deb-src.sources)"
        local sudo=
        [ "$(id -u)" -eq 0 ] || sudo=sudo
        $sudo tee /etc/apt/sources.list.d/vireo-deb-src.sources >/dev/null <<'SRC'
# Added by Vireo's tests/guests scripts: Debian source packages for test guests.
Types: deb-src
URIs: http://deb.debian.org/debian
Suites: bookworm
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
        $sudo apt-get update -qq >&2
    fi
}

# check_config FRAGMENT CONFIG: every "CONFIG_X=v" line of FRAGMENT must be in CONFIG and
# every "# CONFIG_X is not set" must not be set there. Kconfig silently drops a request
# whose dependencies are missing; this turns that into an error.
check_config() {
    local fragment=$1 config=$2 line sym bad=0
    while IFS= read -r line; do
        case "$line" in
            CONFIG_*)
                grep -qxF "$line" "$config" && continue ;;
            '# CONFIG_'*)
                sym=${line#\# }; sym=${sym%% *}
                grep -q "^$sym=" "$config" || continue ;;
        esac
        log "${fragment#"$GUESTS_DIR"/} asks for '$line' but the final .config disagrees"
        bad=1
    done < <(grep -E '^(CONFIG_[A-Za-z0-9_]+=.*|# CONFIG_[A-Za-z0-9_]+ is not set)$' "$fragment")
    [ $bad -eq 0 ] || die "fix ${fragment#"$GUESTS_DIR"/} (a dependency is probably missing)"
}
