#!/bin/sh
# Compiles each .po into LOCALEDIR/LANG/LC_MESSAGES/vireo.mo, the layout gettext looks for,
# so the application finds its translations when it runs from the build folder.
# Usage: build-locale.sh STAMP LOCALEDIR FILE.po...
set -eu
stamp=$1
localedir=$2
shift 2
for po in "$@"; do
    lang=$(basename "$po" .po)
    mkdir -p "$localedir/$lang/LC_MESSAGES"
    msgfmt --check -o "$localedir/$lang/LC_MESSAGES/vireo.mo" "$po"
done
touch "$stamp"
