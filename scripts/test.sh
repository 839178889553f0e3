#!/bin/sh
# Installs what Vireo needs, builds it with warnings as errors, checks formatting, and runs
# every test. Ends with one line "N passed, N failed, N skipped"; exits non-zero when
# anything failed. Extra arguments go to `meson test` (e.g. --suite unit).
set -u
cd "$(dirname "$0")/.."
./scripts/install-deps.sh || exit 1

build=build-ci
if [ ! -f "$build/build.ninja" ]; then
    meson setup "$build" -Dwerror=true || exit 1
fi
ninja -C "$build" || exit 1

format_failed=0
if ! ./scripts/check-format.sh; then
    format_failed=1
fi

# The boot tests' guests (a Linux kernel, a busybox initramfs, an ext4 disk), built from
# Debian packages and cached in ~/.cache/vireo: minutes the first time, seconds after. If
# they cannot be built, the boot tests say so and count as skipped.
if ! tests/guests/build-all.sh; then
    echo "test.sh: the test guests could not be built; the boot tests will be skipped" >&2
fi

meson test -C "$build" --print-errorlogs --num-processes "$(nproc)" "$@"
status=$?

python3 - "$build/meson-logs/testlog.json" "$format_failed" <<'PY'
import json, sys
passed = failed = skipped = 0
try:
    with open(sys.argv[1]) as f:
        for line in f:
            line = line.strip()
            if not line:
                continue
            r = json.loads(line)["result"]
            if r in ("OK", "EXPECTEDFAIL"):
                passed += 1
            elif r == "SKIP":
                skipped += 1
            else:
                failed += 1
except FileNotFoundError:
    failed += 1
failed += int(sys.argv[2])
print(f"{passed} passed, {failed} failed, {skipped} skipped")
sys.exit(1 if failed else 0)
PY
summary=$?
[ $status -eq 0 ] && [ $summary -eq 0 ]
