#!/bin/sh
# Fails when a C source file is not formatted as .clang-format says.
set -u
cd "$(dirname "$0")/.."
files=$(git ls-files '*.c' '*.h')
[ -z "$files" ] && exit 0
# shellcheck disable=SC2086
if ! clang-format --dry-run --Werror $files; then
    echo "check-format: run clang-format -i on the files above" >&2
    exit 1
fi
