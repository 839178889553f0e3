#!/bin/sh
# A test whose prerequisite is missing: says why, and is counted as skipped.
echo "SKIP: $*"
exit 77
