#!/bin/sh
# Unit tests of coremeta/distread, fed with crafted archives.
set -e
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
/usr/bin/python3 "$top_srcdir/tests/twine/make_hostile.py" "$tmp"
DIST_FIXTURES=$tmp "$top_builddir/tests/twine/test-unit"
