#!/bin/sh
# Runs a UI test program on a virtual X server (Xvfb) with a D-Bus session of its own, as the
# application would run on a desktop. Skips (77) when a tool is missing.
#
# Any GLib/GTK warning or critical fails the test: G_DEBUG=fatal-warnings makes those of the
# test process abort it, and its stderr (printed as it was) must hold no "-WARNING **" or
# "-CRITICAL **" line either, which also catches those of programs it starts (the vireo
# command) and of libraries that log without aborting.
set -u
for tool in xvfb-run dbus-run-session xauth; do
    if ! command -v "$tool" >/dev/null 2>&1; then
        echo "SKIP: $tool is not installed (Debian packages xvfb, dbus, xauth)"
        exit 77
    fi
done
export GDK_BACKEND=x11
# The cairo renderer unless a test asks for another (the GL path of the screen asks for gl).
export GSK_RENDERER=${GSK_RENDERER:-cairo}
export GSETTINGS_BACKEND=memory
export G_DEBUG=fatal-warnings
export NO_AT_BRIDGE=1
export GTK_A11Y=none
export LIBGL_ALWAYS_SOFTWARE=1
errors=$(mktemp "${TMPDIR:-/tmp}/vireo-ui-stderr.XXXXXX") || exit 1
result=$(mktemp "${TMPDIR:-/tmp}/vireo-ui-status.XXXXXX") || exit 1
trap 'rm -f "$errors" "$result"' EXIT
# stderr goes on to the terminal as it comes (tee) and into $errors.
{
    xvfb-run -a -s "-screen 0 1280x1024x24 -nolisten tcp" dbus-run-session -- "$@" 2>&1 1>&3 3>&-
    echo $? >"$result"
} 3>&1 | tee "$errors" >&2
status=$(cat "$result")
if [ "$status" -ne 77 ] && grep -E -e '-(WARNING|CRITICAL) \*\*' "$errors" >/dev/null; then
    echo "FAIL: a warning or critical was logged (above)" >&2
    [ "$status" -eq 0 ] && status=1
fi
exit "$status"
