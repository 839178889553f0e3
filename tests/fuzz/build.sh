#!/bin/sh
# Builds the fuzz targets (tests/fuzz/meson.build) with clang, libFuzzer, AddressSanitizer and
# UBSan into their own build folder (default build-fuzz), engine included. Only the targets
# are built, not the rest of the tree.
#
#   tests/fuzz/build.sh [BUILD]
set -eu
cd "$(dirname "$0")/../.."
build=${1:-build-fuzz}
if [ ! -f "$build/build.ninja" ]; then
    CC=${CC_FUZZ:-clang-14} meson setup "$build" -Dfuzzing=true -Dwerror=true \
        -Db_sanitize=address,undefined -Db_lundef=false \
        -Dgui=disabled -Driscv_tests=disabled -Ddifftest=disabled
fi
# shellcheck disable=SC2086 # NINJAFLAGS: options, split
ninja -C "$build" ${NINJAFLAGS:-} fuzzers tests/fuzz/make-state-seed
