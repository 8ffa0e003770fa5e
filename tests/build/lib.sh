# Shared by the tests of the build plugin: where things are, and how to
# run the `build` stage — through the real CLI, `s2nbuild stage build`.
: "${top_srcdir:?}" "${top_builddir:?}"
PY=/usr/bin/python3
FIXTURES="$top_srcdir/tests/build/fixtures"
S2NBUILD="$top_builddir/s2nbuild"

WORK=$(mktemp -d "${TMPDIR:-/tmp}/s2n-build-test.XXXXXX")
# The CLI keeps its state (.s2nbuild/) in the folder it runs from.
s2n_build() { (cd "$WORK" && "$S2NBUILD" stage build "$@"); }
DRIVER=cli
"$S2NBUILD" plugins 2>/dev/null | grep -qw build || { echo "FAIL: s2nbuild does not list the build plugin"; exit 1; }
trap 'rm -rf "$WORK"' EXIT
export SOURCE_DATE_EPOCH=1700000000

# copy_fixture NAME DEST: a private copy (backends write into the tree)
copy_fixture() { mkdir -p "$2" && cp -r "$FIXTURES/$1/." "$2/"; }

fail() { echo "FAIL: $*"; exit 1; }
