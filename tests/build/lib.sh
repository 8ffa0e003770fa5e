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
[ -x "$S2NBUILD" ] && [ -f "$top_builddir/plugins/build/.libs/s2n-build.so" ] ||
    { echo "FAIL: no s2nbuild or s2n-build.so in $top_builddir"; exit 1; }
trap 'rm -rf "$WORK"' EXIT
export SOURCE_DATE_EPOCH=1700000000

# copy_fixture NAME DEST: a private copy (backends write into the tree).
# long-paths gets its deep folders here: names past 99 bytes cannot be
# stored in the source tarball of `make dist` (v7 tar), only in pax ones.
copy_fixture() {
    mkdir -p "$2" && cp -r "$FIXTURES/$1/." "$2/" || return 1
    if [ "$1" = long-paths ]; then
        deep="$2/longpaths/a_rather_long_directory_name_number_one/another_quite_long_directory_name_two/and_a_third_directory_to_pass_the_limit"
        mkdir -p "$deep" &&
            : >"$2/longpaths/a_rather_long_directory_name_number_one/__init__.py" &&
            : >"$2/longpaths/a_rather_long_directory_name_number_one/another_quite_long_directory_name_two/__init__.py" &&
            : >"$deep/__init__.py" &&
            printf 'DEEP = True\n' >"$deep/module_with_a_long_file_name_to_exceed_the_ustar_limit.py"
    fi
}

fail() { echo "FAIL: $*"; exit 1; }
