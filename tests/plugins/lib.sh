# lib.sh — helpers shared by the shell tests of tests/plugins/ and
# tests/abi/.  Sourced; needs top_srcdir and top_builddir (set by make
# check's AM_TESTS_ENVIRONMENT).

set -u
: "${top_srcdir:?run from make check (top_srcdir unset)}"
: "${top_builddir:?run from make check (top_builddir unset)}"

S2N="$top_builddir/s2nbuild"
TMP=$(mktemp -d "${TMPDIR:-/tmp}/s2n-test.XXXXXX")
trap '[ -n "${KEEP_TMP:-}" ] || rm -rf "$TMP"' EXIT
failures=0
passes=0

fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }
pass() { echo "ok: $*"; passes=$((passes + 1)); }

# plugin_so DIR NAME: the built module NAME.so of the libtool folder DIR
# (relative to the build tree).
plugin_so() { echo "$top_builddir/$1/.libs/$2.so"; }
plugin_dir() { echo "$top_builddir/$1/.libs"; }

# The core on main may still be the build skeleton, which prints its
# version for any command.  A real core never accepts an unknown stage
# type, so that is the test; skipping (77) shows up as SKIP, never PASS.
require_core() {
    mkdir -p "$TMP/probe-core"
    if (cd "$TMP/probe-core" && "$S2N" stage s2n-test-no-such-type >/dev/null 2>&1); then
        echo "SKIP: $S2N accepted an unknown stage type: the core's loader/CLI has not landed yet"
        exit 77
    fi
}

# run_case OUT CMD...: run CMD with stdout+stderr in OUT; sets $rc.
run_case() {
    out=$1
    shift
    "$@" >"$out" 2>&1
    rc=$?
}

# expect_rc DESC WANT: compare $rc, show the output on mismatch.
expect_rc() {
    if [ "$rc" -eq "$2" ]; then
        return 0
    fi
    fail "$1: exit $rc, expected $2; output:"
    sed 's/^/    | /' "$out" >&2
    return 1
}

# expect_text DESC FILE PHRASE: FILE contains PHRASE (fixed string).
expect_text() {
    if grep -qiF -- "$3" "$2"; then
        return 0
    fi
    fail "$1: no \"$3\" in:"
    sed 's/^/    | /' "$2" | head -40 >&2
    return 1
}

# workspace NAME: a fresh empty folder to run the core in.
workspace() {
    ws="$TMP/ws-$1"
    rm -rf "$ws"
    mkdir -p "$ws"
}

# run_record_text: everything a run left behind in $ws (records, logs,
# junit) plus its console output, in one file to grep.
run_record_text() {
    { cat "$out"; find "$ws/.s2nbuild/runs" -type f -exec cat {} + 2>/dev/null; } >"$TMP/all.txt"
    echo "$TMP/all.txt"
}

finish() {
    echo "$passes passed, $failures failed"
    [ "$failures" -eq 0 ]
}
