#!/bin/sh
# Installs what Vireo needs, builds it with warnings as errors, checks formatting, and runs
# every test on the default execution tier (VIREO_ACCEL=jit: the JIT on x86-64, else the
# interpreter). Then, on the interpreter (VIREO_ACCEL=interp): the UI tests that boot Linux
# (those in both suites 'ui' and 'boot', less the -gl variants) run again, and the same
# engine and command line built with AddressSanitizer and UBSan (build-ci-asan) run the
# 'unit' and 'boot' suites (bare-metal programs, differential and boot tests). Last, the
# fuzz targets (tests/fuzz/, built with clang and libFuzzer into build-ci-fuzz) run for
# $VIREO_FUZZ_SECONDS (20) each. The tests that run guests say in their logs which tier ran
# ("accel: jit"). Ends with one line "N passed, N failed, N skipped" counting all four runs;
# exits non-zero when anything failed. Extra arguments go to `meson test` of the first build
# (e.g. --suite unit) and leave out the other runs. A VIREO_ACCEL set by the caller replaces
# jit in the first run.
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

full_run=1
[ $# -gt 0 ] && full_run=0

rm -f "$build/meson-logs/testlog.json"
VIREO_ACCEL=${VIREO_ACCEL:-jit} \
    meson test -C "$build" --print-errorlogs --num-processes "$(nproc)" "$@"
status=$?
logs="$build/meson-logs/testlog.json"
# Builds that could not be made count as one failed test each.
build_failed=0

if [ $full_run -eq 1 ]; then
    # The UI tests that boot Linux, again on the interpreter (under a minute): the desktop
    # application is not in the sanitizer build, so this is where its guests meet the
    # interpreter. The -gl variants are left out (they differ in how the screen is drawn, not
    # in how the guest runs). Their own log, beside the first run's.
    ui_boot=$(meson test -C "$build" --no-rebuild --list 2>/dev/null |
        sed -n -e 's|^[^ ]*:ui+boot / ||p' -e 's|^[^ ]*:boot+ui / ||p' | grep -v -- '-gl$')
    rm -f "$build/meson-logs/testlog-interp.json"
    if [ -n "$ui_boot" ]; then
        # shellcheck disable=SC2086
        VIREO_ACCEL=interp meson test -C "$build" --no-rebuild --print-errorlogs \
            --logbase testlog-interp $ui_boot || status=1
        logs="$logs $build/meson-logs/testlog-interp.json"
    fi

    # The sanitizer run: any AddressSanitizer, LeakSanitizer or UBSan report fails its test.
    # Known leaks of the libraries below Vireo are in tests/lsan.supp. It runs on the
    # interpreter (the first run covers the JIT), which is several times slower under ASan,
    # hence the longer timeouts.
    asan=build-ci-asan
    if [ ! -f "$asan/build.ninja" ]; then
        meson setup "$asan" -Dwerror=true -Db_sanitize=address,undefined -Db_lundef=false \
            -Dgui=disabled || rm -rf "$asan"
    fi
    if [ -f "$asan/build.ninja" ] && ninja -C "$asan"; then
        rm -f "$asan/meson-logs/testlog.json"
        VIREO_ACCEL=interp ASAN_OPTIONS=abort_on_error=1:detect_leaks=1 \
        LSAN_OPTIONS="suppressions=$(pwd)/tests/lsan.supp:print_suppressions=0" \
        UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
            meson test -C "$asan" --no-rebuild --print-errorlogs --num-processes "$(nproc)" \
            --timeout-multiplier 4 --suite unit --suite boot || status=1
        logs="$logs $asan/meson-logs/testlog.json"
    else
        echo "test.sh: the sanitizer build failed" >&2
        build_failed=$((build_failed + 1))
    fi

    # The fuzz targets, each for a bounded time (tests/fuzz/README.md).
    fuzz=build-ci-fuzz
    if tests/fuzz/build.sh "$fuzz"; then
        rm -f "$fuzz/meson-logs/testlog.json"
        meson test -C "$fuzz" --no-rebuild --print-errorlogs --suite fuzz || status=1
        logs="$logs $fuzz/meson-logs/testlog.json"
    else
        echo "test.sh: the fuzz build failed" >&2
        build_failed=$((build_failed + 1))
    fi
fi

# shellcheck disable=SC2086
python3 - "$((format_failed + build_failed))" $logs <<'PY'
import json, sys
passed = failed = skipped = 0
for log in sys.argv[2:]:
    try:
        with open(log) as f:
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
failed += int(sys.argv[1])
print(f"{passed} passed, {failed} failed, {skipped} skipped")
sys.exit(1 if failed else 0)
PY
summary=$?
[ $status -eq 0 ] && [ $summary -eq 0 ]
