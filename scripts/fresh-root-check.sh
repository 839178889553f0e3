#!/bin/bash
# fresh-root-check.sh: builds Vireo in a fresh minimal Debian 12 root where nothing but
# scripts/install-deps.sh installs packages, and runs the unit tests there, so that a
# package the build or the tests need and install-deps.sh forgets fails here first.
#
# The root is mmdebstrap's minbase variant of bookworm, from the Debian mirror(s) the host's
# apt sources name, cached as a tarball in ~/.cache/vireo/fresh-root/ (keyed by
# ROOT_VERSION below and the mirror lines); the packages apt downloads in it are kept in
# ~/.cache/vireo/fresh-root/apt-archives/, so a second run downloads nothing it already has.
# Each run unpacks the tarball into a new temporary folder, copies in the files git tracks
# (never a build folder), and in a chroot runs install-deps.sh, meson setup -Dwerror=true,
# ninja and `meson test --suite unit`. A unit test that skips there counts as a failure: it
# means something it needs is not installed.
#
# Needs root (mmdebstrap, chroot, mounts); the mounts live in a private mount namespace, so
# they go away with it on every exit path. Exit status: 0 passed, 1 failed, 77 skipped
# (not root, a tool missing, the mirror unreachable), with the reason printed.
#
# Environment: VIREO_FRESH_ROOT_CACHE (cache folder), VIREO_FRESH_ROOT_JOBS (ninja -j,
# default 2), VIREO_FRESH_ROOT_KEEP=1 (keep the unpacked root of a failed run),
# VIREO_FRESH_ROOT_MIRROR (a Debian mirror URL to use instead of the host's).
set -euo pipefail

# Bump to rebuild the cached base root (e.g. after changing the mmdebstrap options).
ROOT_VERSION=1
SUITE=bookworm

# Unit tests that cannot run in the fresh root for a reason install-deps.sh should not
# fix, each with that reason. None today.
EXCLUDED_TESTS=()

say() { printf 'fresh-root: %s\n' "$*" >&2; }
skip() {
    say "SKIP: $*"
    exit 77
}
fail() {
    say "FAIL: $*"
    exit 1
}

src=$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)
jobs=${VIREO_FRESH_ROOT_JOBS:-2}
cache=${VIREO_FRESH_ROOT_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/vireo/fresh-root}

[ "$(id -u)" -eq 0 ] || skip "needs root (mmdebstrap, chroot and mounts); run it as root"
for tool in mmdebstrap unshare chroot tar git python3; do
    command -v "$tool" >/dev/null 2>&1 ||
        skip "$tool is not installed (./scripts/install-deps.sh installs what this needs)"
done
git -C "$src" rev-parse --is-inside-work-tree >/dev/null 2>&1 ||
    skip "$src is not a git checkout (the fresh root gets the files git tracks)"

# The host's Debian sources for bookworm (and its -updates and -security suites), component
# main, as one-line "deb URI SUITE main" entries; both sources.list formats are read.
mirror_lines() {
    python3 - "$SUITE" <<'PY'
import glob, sys

suite = sys.argv[1]
wanted = {suite, suite + "-updates", suite + "-security"}
entries = []

def add(types, uris, suites, components):
    if "deb" not in types or "main" not in components:
        return
    for uri in uris:
        for s in suites:
            line = f"deb {uri.rstrip('/')} {s} main"
            if s in wanted and line not in entries:
                entries.append(line)

for path in ["/etc/apt/sources.list"] + sorted(glob.glob("/etc/apt/sources.list.d/*.list")):
    try:
        text = open(path).read()
    except OSError:
        continue
    for raw in text.splitlines():
        words = raw.split("#", 1)[0].split()
        if len(words) >= 4 and words[0] == "deb":
            if words[1].startswith("["):
                while words and not words[0].endswith("]"):
                    words.pop(0)
                words = ["deb"] + words[1:]
            if len(words) >= 4:
                add({"deb"}, [words[1]], [words[2]], words[3:])

for path in sorted(glob.glob("/etc/apt/sources.list.d/*.sources")):
    try:
        text = open(path).read()
    except OSError:
        continue
    for stanza in text.split("\n\n"):
        fields = {}
        key = None
        for raw in stanza.splitlines():
            if raw.startswith("#") or not raw.strip():
                continue
            if raw[0] in " \t" and key:
                fields[key] += " " + raw.strip()
                continue
            key, _, value = raw.partition(":")
            key = key.strip().lower()
            fields[key] = value.strip()
        if fields.get("enabled", "yes").lower() == "no":
            continue
        add(fields.get("types", "").split(), fields.get("uris", "").split(),
            fields.get("suites", "").split(), fields.get("components", "").split())

for e in entries:
    print(e)
PY
}
if [ -n "${VIREO_FRESH_ROOT_MIRROR:-}" ]; then
    mirrors="deb ${VIREO_FRESH_ROOT_MIRROR%/} $SUITE main"
else
    mirrors=$(mirror_lines)
fi
if ! grep -q " $SUITE main\$" <<<"$mirrors"; then
    say "the host's apt sources name no '$SUITE main' mirror; using http://deb.debian.org/debian"
    mirrors=$(printf 'deb http://deb.debian.org/debian %s main\n%s' "$SUITE" "$mirrors")
fi
main_mirror=$(grep -m1 " $SUITE main\$" <<<"$mirrors" | cut -d' ' -f2)

work=$(mktemp -d "${TMPDIR:-/var/tmp}/vireo-fresh-root.XXXXXX")
root=$work/root
status=1
cleanup() {
    # The mounts were made in a mount namespace of their own and are gone with it; never
    # delete through one that is still there (it could be the host's /dev).
    if grep -qF " $work/" /proc/self/mountinfo; then
        say "something is still mounted under $work; leaving it in place"
        return
    fi
    if [ "$status" -ne 0 ] && [ "${VIREO_FRESH_ROOT_KEEP:-0}" = 1 ]; then
        say "kept the root of this failed run in $root"
        return
    fi
    rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 143' TERM
trap 'exit 130' INT

# apt inside the root needs the mirror as much as mmdebstrap does.
chmod 755 "$work"
if ! timeout 60 /usr/lib/apt/apt-helper -o APT::Sandbox::User=root download-file \
    "$main_mirror/dists/$SUITE/InRelease" "$work/InRelease" >"$work/probe.log" 2>&1; then
    skip "cannot reach the Debian mirror $main_mirror: $(grep -m1 '^E:' "$work/probe.log" || tail -1 "$work/probe.log")"
fi

# The base root, built once per key.
key=$(printf '%s\n%s\n' "$ROOT_VERSION" "$mirrors" | sha256sum | cut -c1-16)
tarball=$cache/$SUITE-minbase-$key.tar
mkdir -p "$cache/apt-archives/partial"
exec 9>"$cache/.lock"
if ! flock -n 9; then
    say "another fresh-root check holds $cache/.lock; waiting for it"
    flock 9
fi
start=$SECONDS
if [ ! -f "$tarball" ]; then
    say "creating the $SUITE minbase root (mmdebstrap) from:"
    while IFS= read -r line; do say "  ${line#deb }"; done <<<"$mirrors"
    mapfile -t mirror_args <<<"$mirrors"
    if ! mmdebstrap --quiet --mode=root --variant=minbase --format=tar \
        --aptopt='Acquire::Retries "3"' \
        "$SUITE" "$tarball.tmp" "${mirror_args[@]}" >&2; then
        rm -f "$tarball.tmp"
        fail "mmdebstrap could not create the root"
    fi
    mv "$tarball.tmp" "$tarball"
    say "root created in $((SECONDS - start)) s ($tarball)"
fi

t=$SECONDS
mkdir "$root"
tar -xf "$tarball" -C "$root"
cp -L /etc/resolv.conf "$root/etc/resolv.conf"
# A root that lives for one run: dpkg need not sync each file, nor unpack manual pages and
# documentation.
cat >"$root/etc/dpkg/dpkg.cfg.d/vireo-fresh-root" <<'DPKG'
force-unsafe-io
path-exclude=/usr/share/man/*
path-exclude=/usr/share/doc/*
path-include=/usr/share/doc/*/copyright
DPKG
say "root unpacked in $((SECONDS - t)) s"

# The source tree: the files git tracks, as they are in the working tree (a tracked file
# deleted there is left out).
mkdir -p "$root/src/vireo"
(
    cd "$src"
    git ls-files -z --cached | while IFS= read -r -d '' f; do
        if [ -e "$f" ] || [ -L "$f" ]; then printf '%s\0' "$f"; fi
    done | tar --null -T - -cf -
) | tar -xf - -C "$root/src/vireo"

excluded=""
for t in "${EXCLUDED_TESTS[@]}"; do excluded="$excluded $t"; done
cat >"$root/fresh-root-run.sh" <<RUN
#!/bin/bash
set -eu
cd /src/vireo
step() { echo "fresh-root: [\$SECONDS s] \$*"; }
step ./scripts/install-deps.sh
./scripts/install-deps.sh >install.log 2>&1 || { tail -40 install.log; exit 1; }
grep '^install-deps:' install.log || true
step meson setup build -Dwerror=true
meson setup build -Dwerror=true >build-setup.log 2>&1 || { cat build-setup.log; exit 1; }
step ninja -C build -j$jobs
ninja -C build -j$jobs >build.log 2>&1 || { grep -B2 -A20 -m3 'FAILED\|error' build.log; exit 1; }
step meson test -C build --suite unit --num-processes 2
excluded="$excluded"
tests=""
if [ -n "\$excluded" ]; then
    tests=\$(meson test -C build --suite unit --list 2>/dev/null | sed 's/^.* \/ //' |
        grep -vxF "\$(printf '%s\n' \$excluded)")
fi
# shellcheck disable=SC2086
meson test -C build --suite unit --num-processes 2 --print-errorlogs \$tests || true
# Every test must have passed: a skip means something it needs was not installed.
python3 - build/meson-logs/testlog.json <<'PY'
import json, sys
counts = {}
bad = []
for line in open(sys.argv[1]):
    if line.strip():
        r = json.loads(line)
        counts[r["result"]] = counts.get(r["result"], 0) + 1
        if r["result"] != "OK":
            bad.append(f'{r["name"]}: {r["result"]}')
print("fresh-root: unit tests: " + ", ".join(f"{n} {k}" for k, n in sorted(counts.items())))
for b in bad:
    print("fresh-root:   not passed: " + b)
sys.exit(1 if bad or not counts else 0)
PY
RUN
chmod 755 "$root/fresh-root-run.sh"

# In a mount and PID namespace of their own: the mounts, and any process a test leaves
# behind, end with it.
t=$SECONDS
set +e
# shellcheck disable=SC2016 # the inner script expands its own variables
unshare --mount --pid --fork --kill-child --propagation private -- \
    env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    ROOT="$root" ARCHIVES="$cache/apt-archives" bash -euc '
        mount -t proc proc "$ROOT/proc"
        mount -t sysfs -o ro sysfs "$ROOT/sys"
        mount --rbind /dev "$ROOT/dev"
        mount -t tmpfs -o mode=1777 tmpfs "$ROOT/dev/shm"
        mount --bind "$ARCHIVES" "$ROOT/var/cache/apt/archives"
        rc=0
        chroot "$ROOT" /usr/bin/env -i HOME=/root LANG=C.UTF-8 TERM=dumb \
            PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
            /fresh-root-run.sh || rc=$?
        # Old versions of packages the mirror no longer has leave the download cache.
        chroot "$ROOT" apt-get -q autoclean >/dev/null 2>&1 || true
        exit $rc' 2>&1
rc=$?
set -e
say "install, build and unit tests took $((SECONDS - t)) s; $((SECONDS - start)) s in all"
if [ $rc -ne 0 ]; then
    fail "Vireo does not build and pass its unit tests in a fresh Debian 12 root with only install-deps.sh's packages"
fi
status=0
say "PASS: Vireo builds and passes its unit tests in a fresh Debian 12 root"
