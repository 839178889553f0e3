#!/bin/sh
# Runs a UI test program on a virtual X server (Xvfb) with a D-Bus session of its own, as the
# application would run on a desktop. Skips (77) when a tool is missing.
set -u
for tool in xvfb-run dbus-run-session xauth; do
    if ! command -v "$tool" >/dev/null 2>&1; then
        echo "SKIP: $tool is not installed (Debian packages xvfb, dbus, xauth)"
        exit 77
    fi
done
export GDK_BACKEND=x11
export GSK_RENDERER=cairo
export GSETTINGS_BACKEND=memory
export G_DEBUG=fatal-warnings
export NO_AT_BRIDGE=1
export GTK_A11Y=none
export LIBGL_ALWAYS_SOFTWARE=1
exec xvfb-run -a -s "-screen 0 1280x1024x24 -nolisten tcp" dbus-run-session -- "$@"
