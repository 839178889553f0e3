#!/bin/sh
# Runs one fuzz target for a bounded time, as the 'fuzz' suite's tests do:
#
#   run-fuzzer.sh FUZZER NAME SEEDS OUT [more inputs or libFuzzer options...]
#
# FUZZER starts from the seed corpus SEEDS and the corpus it grew in earlier runs
# (OUT/corpus/NAME, where new inputs go), for $VIREO_FUZZ_SECONDS seconds (default 20). Exits
# non-zero on a crash, a sanitizer report, a leak, a timeout (10 s for one input) or running
# out of memory; the input that did it is saved in OUT/crashes/NAME/ (replay it with
# `FUZZER FILE`).
set -u
fuzzer=$1 name=$2 seeds=$3 out=$4
shift 4
corpus=$out/corpus/$name
crashes=$out/crashes/$name
mkdir -p "$corpus" "$crashes"
# Allocations are traced with the slow unwinder, which sees through GLib (built without frame
# pointers), so that the leak suppressions of tests/lsan.supp can name GLib's functions.
ASAN_OPTIONS=${ASAN_OPTIONS:-abort_on_error=1:detect_leaks=1:fast_unwind_on_malloc=0}
UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
LSAN_OPTIONS=${LSAN_OPTIONS:-suppressions=$(cd "$(dirname "$0")/.." && pwd)/lsan.supp:print_suppressions=0}
export ASAN_OPTIONS UBSAN_OPTIONS LSAN_OPTIONS
# libFuzzer's own exit status for a crash, 77, would read as "skipped" to meson.
"$fuzzer" -max_total_time="${VIREO_FUZZ_SECONDS:-20}" -timeout=10 -rss_limit_mb=4096 \
    -error_exitcode=1 -timeout_exitcode=1 -print_final_stats=1 -artifact_prefix="$crashes/" "$corpus" "$seeds" "$@"
status=$?
[ $status -eq 77 ] && status=1
if [ $status -ne 0 ]; then
    echo "run-fuzzer: $name failed (status $status); the input is in $crashes/:" >&2
    ls -l "$crashes" >&2
fi
exit $status
