#!/usr/bin/env bash
# Vireo's benchmarks: every workload run natively on the host, in qemu-system-riscv64 (the
# peer) and in Vireo, best of a few runs each, then one table of times and ratios: first
# bare-metal, then as the init of a Linux guest (tests/bench/linux.py, which adds the boot
# to that init). See tests/bench/README.md.
#
# usage: tests/bench/run.sh [--no-bare-metal | --no-linux] [WORKLOAD...]
#                           (default: all of them: integer memory fp)
# environment:
#   VIREO=PATH       the vireo binary (default build/app/vireo, built with meson if missing)
#   BENCH_REPS=N     runs per workload and machine; the best one counts (default 3)
#   BENCH_OUT=DIR    where the programs, logs and results.tsv go (default build/bench)
#   BENCH_TIMEOUT=S  limit for one run, in seconds (default 600)
#   BENCH_CFLAGS=... extra flags for both builds, e.g. -DFFT_ROUNDS=100 (see README.md)
# Exit status: 0 when every run agreed with the native checksum; 1 when a checksum differs
# or a native or QEMU run failed; 2 when the programs could not be built (the worse of the
# two parts). A Vireo that cannot run yet is reported in the table ("vireo: not available
# (why)") and is no failure.
set -u

bare_metal=1
linux=1
while [ $# -gt 0 ]; do
    case $1 in
    --no-bare-metal) bare_metal=0 ;;
    --no-linux) linux=0 ;;
    --) shift && break ;;
    -*)
        echo "run.sh: unknown option '$1' (known: --no-bare-metal, --no-linux)" >&2
        exit 2
        ;;
    *) break ;;
    esac
    shift
done
if [ "$bare_metal" = 0 ] && [ "$linux" = 0 ]; then
    echo "run.sh: --no-bare-metal and --no-linux leave nothing to run" >&2
    exit 2
fi

here=$(dirname "$(readlink -f "$0")")
root=$(readlink -f "$here/../..")
# VIREO and BENCH_OUT may be relative to where the script was started from.
if [ -n "${VIREO:-}" ]; then
    case $VIREO in
    /*) ;;
    */*) VIREO=$PWD/$VIREO ;;
    *) VIREO=$(command -v "$VIREO" || echo "$VIREO") ;;
    esac
fi
case ${BENCH_OUT:-/} in
/*) ;;
*) BENCH_OUT=$PWD/$BENCH_OUT ;;
esac
cd "$root" || exit 2

all_workloads="integer memory fp"
workloads=${*:-$all_workloads}
for w in $workloads; do
    case " $all_workloads " in
    *" $w "*) ;;
    *)
        echo "run.sh: unknown workload '$w' (known: $all_workloads)" >&2
        exit 2
        ;;
    esac
done

reps=${BENCH_REPS:-3}
out=${BENCH_OUT:-build/bench}
limit=${BENCH_TIMEOUT:-600}
# A run that takes longer than this (in seconds of wall time) is not repeated.
long_run=150
tick_hz=10000000

qemu="qemu-system-riscv64"
rv_cc=riscv64-unknown-elf-gcc
native_cc=gcc

# Both builds: FP results must be bit-identical across the ISAs (no FMA contraction), and
# loops must stay loops (no calls to the runtimes' memcpy/memset).
common_flags=(-O2 -g -Wall -Wextra -Werror -ffp-contract=off -fno-math-errno
    -fno-tree-loop-distribute-patterns)
# shellcheck disable=SC2206 # BENCH_CFLAGS is a list of words, e.g. -DFFT_ROUNDS=100
common_flags+=(${BENCH_CFLAGS:-})
rv_flags=(-march=rv64gc_zba_zbb_zbs -mabi=lp64d -mcmodel=medany -ffreestanding -fno-builtin
    -fno-stack-protector -nostdlib -nostartfiles "-Wl,--no-warn-rwx-segments"
    -I tests/riscv/env -T tests/riscv/env/link.ld)
rv_env=(tests/riscv/env/crt.S tests/riscv/env/rt.c)

say() { echo "bench: $*" >&2; }

# The first line of a log that looks like an error, else its last line, kept short.
log_reason() {
    local line
    line=$(grep -a -m 1 -E 'ERROR|[Ee]rror:|FAIL|not found|No such' "$1" | tr -d '\r')
    [ -n "$line" ] || line=$(grep -a -v '^[[:space:]]*$' "$1" | tail -n 1 | tr -d '\r')
    [ -n "$line" ] || line="no output"
    printf '%s' "${line:0:120}"
}

start_load=$(cut -d ' ' -f 1-3 /proc/loadavg)

# ---- Vireo ----

vireo_reason=""
if [ -n "${VIREO:-}" ]; then
    vireo=$VIREO
    [ -f "$vireo" ] && [ -x "$vireo" ] || vireo_reason="VIREO=$vireo is not an executable file"
else
    vireo=build/app/vireo
    if [ ! -x "$vireo" ]; then
        say "build/app/vireo is missing: building it (meson setup build, ninja -C build)"
        build_log=$(mktemp)
        if [ ! -f build/build.ninja ] && ! meson setup build >"$build_log" 2>&1; then
            vireo_reason="meson setup build failed: $(log_reason "$build_log")"
        elif ! ninja -C build app/vireo >>"$build_log" 2>&1; then
            vireo_reason="ninja -C build app/vireo failed: $(log_reason "$build_log")"
        elif [ ! -x "$vireo" ]; then
            vireo_reason="the build made no build/app/vireo"
        fi
        mkdir -p "$out" && mv "$build_log" "$out/vireo-build.log"
        [ -n "$vireo_reason" ] && vireo_reason="$vireo_reason; see $out/vireo-build.log"
    fi
fi
[ -n "$vireo_reason" ] && say "vireo: not available ($vireo_reason)"

# ---- In a Linux guest ----

# run_linux: linux.py's table for the same workloads, Vireo and settings; its exit status.
run_linux() {
    local -a args=(--reps "$reps" --out "$out" --timeout "$limit" --vireo "$vireo")
    echo
    # shellcheck disable=SC2086 # the workloads are words
    python3 "$here/linux.py" "${args[@]}" -- $workloads
}

if [ "$bare_metal" = 0 ]; then
    run_linux
    exit $?
fi

# ---- Programs ----

mkdir -p "$out" || exit 2
for tool in "$rv_cc" "$native_cc" "$qemu"; do
    if ! command -v "$tool" >/dev/null; then
        say "$tool not found (Debian: apt-get install gcc-riscv64-unknown-elf gcc qemu-system-misc)"
        exit 2
    fi
done
for w in $workloads; do
    src=tests/bench/$w.c
    if ! "$rv_cc" "${rv_flags[@]}" "${common_flags[@]}" "${rv_env[@]}" tests/bench/rv-harness.c \
        "$src" -lgcc -o "$out/$w.elf"; then
        say "building $out/$w.elf failed"
        exit 2
    fi
    if ! "$native_cc" "${common_flags[@]}" tests/bench/native-harness.c "$src" -o "$out/$w.native"; then
        say "building $out/$w.native failed"
        exit 2
    fi
done

# ---- Runs ----

declare -A best_ticks best_wall best_cpu checksum failure
status=0

# run_once MACHINE WORKLOAD: sets run_ticks, run_sum, run_wall, run_cpu (user + system
# seconds of the process: unlike the other two, barely affected by other work on the
# host), or run_error.
run_once() {
    local machine=$1 w=$2 log=$out/$1-$2.log
    local -a cmd
    case $machine in
    native) cmd=("$out/$w.native") ;;
    qemu) cmd=("$qemu" -M virt -bios none -nographic -display none -m 256M -kernel "$out/$w.elf") ;;
    vireo) cmd=("$vireo" run --arch riscv64 --bios none --memory 256M --kernel "$out/$w.elf") ;;
    esac
    run_error=""
    local t0 t1 rc line TIMEFORMAT='%3U %3S'
    t0=$(date +%s.%N)
    { time timeout "$limit" "${cmd[@]}" </dev/null >"$log" 2>&1; } 2>"$log.cpu"
    rc=$?
    t1=$(date +%s.%N)
    run_wall=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }')
    run_cpu=$(awk '{ printf "%.3f", $1 + $2 }' "$log.cpu")
    rm -f "$log.cpu"
    line=$(grep -a "^BENCH $w " "$log" | tail -n 1 | tr -d '\r')
    if [ "$rc" = 124 ]; then
        run_error="timed out after ${limit}s"
    elif [ "$rc" != 0 ]; then
        run_error="exit $rc: $(log_reason "$log")"
    elif [ -z "$line" ]; then
        run_error="no BENCH line: $(log_reason "$log")"
    else
        run_ticks=${line#*ticks=}
        run_ticks=${run_ticks%% *}
        run_sum=${line#*checksum=}
        run_sum=${run_sum%% *}
    fi
    # Keep the log of a failed run where the next repetition will not overwrite it.
    [ -n "$run_error" ] && cp "$log" "$log.failed"
}

# measure_once MACHINE WORKLOAD REP: one run, folded into the best figures; a run that
# failed, changed its checksum or ran long marks the machine done for this workload.
declare -A finished
measure_once() {
    local machine=$1 w=$2 i=$3 key=$1.$2
    [ -n "${finished[$key]:-}" ] && return
    run_once "$machine" "$w"
    if [ -n "$run_error" ]; then
        failure[$key]=$run_error
        finished[$key]=1
        say "$machine $w: $run_error (log: $out/$machine-$w.log.failed)"
        return
    fi
    if [ -n "${checksum[$key]:-}" ] && [ "${checksum[$key]}" != "$run_sum" ]; then
        failure[$key]="checksum changed between runs: ${checksum[$key]}, then $run_sum"
        finished[$key]=1
        say "$machine $w: ${failure[$key]}"
        return
    fi
    checksum[$key]=$run_sum
    if [ -z "${best_ticks[$key]:-}" ] || [ "$run_ticks" -lt "${best_ticks[$key]}" ]; then
        best_ticks[$key]=$run_ticks
    fi
    if [ -z "${best_wall[$key]:-}" ] || awk -v a="$run_wall" -v b="${best_wall[$key]}" 'BEGIN { exit !(a < b) }'; then
        best_wall[$key]=$run_wall
    fi
    if [ -z "${best_cpu[$key]:-}" ] || awk -v a="$run_cpu" -v b="${best_cpu[$key]}" 'BEGIN { exit !(a < b) }'; then
        best_cpu[$key]=$run_cpu
    fi
    say "$(printf '%-6s %-8s run %d/%d: %8.3f s timed, %8.3f s wall, %8.3f s CPU' "$machine" "$w" \
        "$i" "$reps" "$(awk -v t="$run_ticks" -v hz=$tick_hz 'BEGIN { print t / hz }')" "$run_wall" \
        "$run_cpu")"
    if awk -v a="$run_wall" -v b="$long_run" 'BEGIN { exit !(a > b) }'; then
        finished[$key]=1
        [ "$i" -lt "$reps" ] && say "$machine $w: a run over ${long_run}s; not repeating it"
    fi
}

# The machines take turns, so that a change in the host's load between the runs of one
# and of another affects all of them alike.
machines="native qemu"
if [ -z "$vireo_reason" ]; then
    machines="$machines vireo"
fi
for w in $workloads; do
    [ -n "$vireo_reason" ] && failure[vireo.$w]="not available ($vireo_reason)"
    for ((rep = 1; rep <= reps; rep++)); do
        for machine in $machines; do
            measure_once "$machine" "$w" "$rep"
        done
    done

    # Everything must agree with the native checksum (or with QEMU's, if native failed).
    reference=${checksum[native.$w]:-${checksum[qemu.$w]:-}}
    for machine in native qemu vireo; do
        key=$machine.$w
        if [ -n "${checksum[$key]:-}" ] && [ "${checksum[$key]}" != "$reference" ]; then
            failure[$key]="CHECKSUM MISMATCH: ${checksum[$key]}, native ${checksum[native.$w]:-?}"
            say "$machine $w: ${failure[$key]}"
            status=1
        fi
    done
    [ -n "${failure[native.$w]:-}" ] && status=1
    [ -n "${failure[qemu.$w]:-}" ] && status=1
    if [ -n "${failure[vireo.$w]:-}" ] && [ -n "${checksum[vireo.$w]:-}" ]; then
        # Vireo ran but its results cannot be trusted (changed between runs).
        status=1
    fi
done

# ---- Table ----

seconds() { awk -v t="$1" -v hz=$tick_hz 'BEGIN { printf "%.3f", t / hz }'; }
# ratio A B: B / A as a number; percent A B: A / B in percent.
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", b / a }'; }
percent() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f%%", 100 * a / b }'; }

# time_cell MACHINE WORKLOAD: "in-guest (wall)" or nothing.
time_cell() {
    local key=$1.$2
    [ -z "${failure[$key]:-}" ] && [ -n "${best_ticks[$key]:-}" ] &&
        printf '%s (%s)' "$(seconds "${best_ticks[$key]}")" "$(printf '%.2f' "${best_wall[$key]}")"
}

vireo_rev=""
if [ -z "$vireo_reason" ]; then
    vireo_rev=" ($vireo: $("$vireo" --version 2>/dev/null | head -n 1)"
    if [ -z "${VIREO:-}" ]; then
        vireo_rev="$vireo_rev, built from the working tree at $(git describe --always --dirty 2>/dev/null || echo '?')"
    fi
    vireo_rev="$vireo_rev)"
fi
echo
echo "Vireo benchmarks, $(date -u '+%Y-%m-%d %H:%M UTC') on $(grep -m 1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//') ($(nproc) CPUs)"
echo "load average at the start: $start_load (other work on the host slows the runs down)"
echo "native: $($native_cc --version | head -n 1); QEMU: $($qemu --version | head -n 1)"
echo "Vireo: ${vireo_rev:+available$vireo_rev}${vireo_reason:+not available ($vireo_reason)}"
echo "Seconds of in-guest time (rdtime, 10 MHz; CLOCK_MONOTONIC natively), best of $reps, and"
echo "in brackets the wall time of the whole process (start-up and set-up included)."
echo "Vireo/QEMU = QEMU time / Vireo time (0.25: Vireo at a quarter of QEMU's speed);"
echo "% native = native time / emulated time."
echo
row() { printf '%-9s %-15s  %-15s %9s  %-15s %10s %10s\n' "$@"; }
row workload "native s (wall)" "QEMU s (wall)" "QEMU %nat" "Vireo s (wall)" "Vireo/QEMU" "Vireo %nat"
tsv=$out/results.tsv
printf 'workload\tnative_s\tnative_wall_s\tnative_cpu_s\tqemu_s\tqemu_wall_s\tqemu_cpu_s\tvireo_s\tvireo_wall_s\tvireo_cpu_s\tchecksum\n' >"$tsv"
for w in $workloads; do
    n=${best_ticks[native.$w]:-}
    q=${best_ticks[qemu.$w]:-}
    v=${best_ticks[vireo.$w]:-}
    [ -n "${failure[native.$w]:-}" ] && n=""
    [ -n "${failure[qemu.$w]:-}" ] && q=""
    [ -n "${failure[vireo.$w]:-}" ] && v=""

    native_cell=$(time_cell native "$w")
    qemu_cell=$(time_cell qemu "$w")
    qemu_pct=""
    [ -n "$n" ] && [ -n "$q" ] && qemu_pct=$(percent "$n" "$q")
    if [ -n "$v" ]; then
        vq="-"
        vn="-"
        [ -n "$q" ] && vq=$(ratio "$v" "$q")
        [ -n "$n" ] && vn=$(percent "$n" "$v")
        row "$w" "${native_cell:-failed}" "${qemu_cell:-failed}" "${qemu_pct:--}" \
            "$(time_cell vireo "$w")" "$vq" "$vn"
    else
        # The Vireo cells hold why there is no Vireo figure.
        reason=${failure[vireo.$w]:-no result}
        case $reason in
        "not available"* | "CHECKSUM MISMATCH"*) reason="vireo: $reason" ;;
        *) reason="vireo: not available ($reason)" ;;
        esac
        printf '%-9s %-15s  %-15s %9s  %s\n' "$w" "${native_cell:-failed}" "${qemu_cell:-failed}" \
            "${qemu_pct:--}" "$reason"
    fi
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$w" \
        "${n:+$(seconds "$n")}" "${best_wall[native.$w]:-}" "${best_cpu[native.$w]:-}" \
        "${q:+$(seconds "$q")}" "${best_wall[qemu.$w]:-}" "${best_cpu[qemu.$w]:-}" \
        "${v:+$(seconds "$v")}" "${best_wall[vireo.$w]:-}" "${best_cpu[vireo.$w]:-}" \
        "${checksum[native.$w]:-}" >>"$tsv"
done
echo
echo "CPU seconds of the whole process (user + system, best run; less disturbed by other work"
echo "on the host than the times above, but start-up and set-up included):"
for w in $workloads; do
    cpu_ratio=""
    if [ -n "${best_cpu[qemu.$w]:-}" ] && [ -n "${best_cpu[vireo.$w]:-}" ] && [ -z "${failure[vireo.$w]:-}" ]; then
        cpu_ratio="Vireo/QEMU $(ratio "${best_cpu[vireo.$w]}" "${best_cpu[qemu.$w]}")"
    fi
    printf '  %-9s native %-8s QEMU %-8s Vireo %-8s %s\n' "$w" "${best_cpu[native.$w]:--}" \
        "${best_cpu[qemu.$w]:--}" "${best_cpu[vireo.$w]:--}" "$cpu_ratio"
done
echo
for w in $workloads; do
    for machine in native qemu vireo; do
        f=${failure[$machine.$w]:-}
        case $f in
        "" | "not available"*) ;;
        *) echo "$machine $w: $f" ;;
        esac
    done
done
if [ "$status" = 0 ]; then
    echo "checksums agree:$(for w in $workloads; do printf ' %s=%s' "$w" "${checksum[native.$w]:-?}"; done)"
else
    echo "FAILED: see the lines above and the logs in $out/"
fi
if [ "$linux" = 1 ]; then
    run_linux
    linux_status=$?
    [ "$linux_status" -gt "$status" ] && status=$linux_status
fi
echo "the whole run took ${SECONDS}s"
exit $status
