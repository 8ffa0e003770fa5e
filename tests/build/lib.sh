# Shared by the tests of the build plugin: where things are, and how to
# run the `build` stage — through the real CLI (`s2nbuild stage build`)
# when the core provides it, else through tests/build/minihost, which
# loads the same s2n-build.so.
: "${top_srcdir:?}" "${top_builddir:?}"
PY=/usr/bin/python3
FIXTURES="$top_srcdir/tests/build/fixtures"
PLUGIN_SO="$top_builddir/plugins/build/.libs/s2n-build.so"
S2NBUILD="$top_builddir/s2nbuild"

if "$S2NBUILD" plugins 2>/dev/null | grep -qw build; then
    s2n_build() { "$S2NBUILD" stage build "$@"; }
    DRIVER=cli
else
    s2n_build() { "$top_builddir/tests/build/minihost" "$PLUGIN_SO" "$@"; }
    DRIVER=minihost
fi

WORK=$(mktemp -d "${TMPDIR:-/tmp}/s2n-build-test.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
export SOURCE_DATE_EPOCH=1700000000

# copy_fixture NAME DEST: a private copy (backends write into the tree)
copy_fixture() { mkdir -p "$2" && cp -r "$FIXTURES/$1/." "$2/"; }

fail() { echo "FAIL: $*"; exit 1; }
